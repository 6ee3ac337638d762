//! The `mlpy-test` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    mlpy_test::cli::main()
}
