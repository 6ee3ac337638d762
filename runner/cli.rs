//! Command-line parsing and dispatch.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// The command line.
#[derive(Parser, Debug)]
#[command(
    name = "mlpy-test",
    version,
    about = "Test harness and native runtime for ML (mlpy) programs",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// The subcommand (none: `test`).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a subcommand: run the .mltest specs.
    #[command(flatten)]
    pub test: crate::test_cmd::TestArgs,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the .mltest specs (the default without a subcommand).
    Test(crate::test_cmd::TestArgs),
    /// Run one ML program.
    Run(crate::run::RunArgs),
    /// An interactive ML session with integration commands (.help).
    Repl {
        /// Grant every capability.
        #[arg(long)]
        allow_all: bool,
        /// Memory budget of each execution, e.g. 256MiB (default 1 GiB).
        #[arg(long, value_parser = mlpy_lang::memory::parse_size, value_name = "SIZE")]
        memory: Option<usize>,
    },
    /// Self-check the toolkit, or check that programs compile and specs load.
    Validate(crate::validate::ValidateArgs),
    /// Measure spec cases marked `bench`; save or compare baselines.
    Bench(crate::bench_cmd::BenchArgs),
    /// Serve the process protocol on stdin/stdout (docs/process-protocol.md),
    /// so a harness can drive the native runtime as a backend.
    Exec,
}

/// Parses the command line and runs what it asks for.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Some(Command::Run(args)) => crate::run::run(args),
        Some(Command::Exec) => crate::exec::run(),
        Some(Command::Bench(args)) => crate::bench_cmd::run(args),
        Some(Command::Validate(args)) => crate::validate::run(args),
        Some(Command::Repl { allow_all, memory }) => crate::repl::run(allow_all, memory),
        Some(Command::Test(args)) => crate::test_cmd::run(args),
        None => crate::test_cmd::run(cli.test),
    }
}
