//! The libtest-mimic glue: every `.mltest` case under `specs/` becomes an
//! ordinary test of `cargo test` (filters, `--exact`, `--list`,
//! `--ignored`, `--test-threads`, `--format`, nextest `--partition`).

use libtest_mimic::{Arguments, Failed, Trial};
use mlpy_harness::bless::bless;
use mlpy_harness::spec::{discover, Loader};
use mlpy_harness::suite::{run_case, RunOptions};
use mlpy_harness::{Executor, ExecutorConfig};
use std::path::Path;
use std::sync::{Arc, OnceLock};

static EXECUTOR: OnceLock<Executor> = OnceLock::new();

fn executor() -> &'static Executor {
    EXECUTOR.get_or_init(|| Executor::new(ExecutorConfig::default()))
}

/// The trials for the spec files under `root`.
pub fn trials(args: &Arguments, root: &Path) -> Vec<Trial> {
    let loader = Loader::new(root);
    // `--exact NAME` loads only the file that can hold NAME.
    let files = match (&args.filter, args.exact) {
        (Some(name), true) => loader.resolve_name(name),
        _ => discover(root),
    };
    let bless_mode = std::env::var_os("MLTEST_BLESS").is_some_and(|v| v == "1");
    let mut trials = Vec::new();
    for file in files {
        if args.list {
            // Listing reads names only: no code files or fixtures.
            match loader.list_file(&file) {
                Ok(cases) => trials.extend(cases.into_iter().map(|c| {
                    Trial::test(c.full_name, || Ok(()))
                        .with_ignored_flag(c.ignore.is_some() || c.skip.is_some())
                })),
                Err(e) => trials.push(spec_error_trial(root, &file, e.to_string())),
            }
            continue;
        }
        match loader.load_file(&file) {
            Ok(cases) => {
                for case in cases {
                    let ignored = case.ignore.is_some() || case.skip.is_some();
                    let name = case.full_name.clone();
                    let case = Arc::new(case);
                    trials.push(
                        Trial::test(name, move || run_trial(&case, bless_mode))
                            .with_ignored_flag(ignored),
                    );
                }
            }
            Err(e) => trials.push(spec_error_trial(root, &file, e.to_string())),
        }
    }
    trials
}

/// A malformed spec file is one failing test; the others still run.
fn spec_error_trial(root: &Path, file: &Path, message: String) -> Trial {
    let name = format!(
        "{}::<spec error>",
        mlpy_harness::spec::test_name_prefix(root, file)
    );
    Trial::test(name, move || Err(Failed::from(message.clone())))
}

fn run_trial(case: &mlpy_harness::spec::Case, bless_mode: bool) -> Result<(), Failed> {
    let result = run_case(executor(), case, &RunOptions::default());
    if result.verdict.passed {
        return Ok(());
    }
    if bless_mode {
        if let Ok(b) = bless(case, &result.outcome) {
            if !b.changes.is_empty() {
                eprintln!("{b}");
                return Ok(());
            }
        }
    }
    Err(Failed::from(crate::report::failure_text(
        case, &result, false,
    )))
}
