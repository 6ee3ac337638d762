//! `cargo test` (and `cargo nextest run`) runs every `.mltest` spec
//! through the same runner and naming as `mlpy-test`. New spec files are
//! picked up without recompiling. `MLTEST_SPECS_DIR` points the target at
//! another spec tree.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let dir = mlpy_test::specs_glue::specs_dir(env!("CARGO_MANIFEST_DIR"));
    let run = match mlpy_test::specs_glue::trials(&args, &dir) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let conclusion = libtest_mimic::run(&args, run.trials);
    if !run.ignore_notes.is_empty() && args.format != Some(libtest_mimic::FormatSetting::Json) {
        for note in &run.ignore_notes {
            println!("{note}");
        }
        println!();
    }
    conclusion.exit_code()
}
