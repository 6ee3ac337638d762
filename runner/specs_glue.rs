//! The libtest-mimic glue: every `.mltest` case becomes an ordinary test
//! of `cargo test` and `cargo nextest run` (filters, `--exact`, `--skip`,
//! `--list`, `--ignored`, `--include-ignored`, `--test-threads`,
//! `--format`), named exactly as `mlpy-test` names it
//! (`mlpy_harness::spec::SpecSet`).

use crate::backends::BackendSpec;
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use mlpy_harness::driver::{run_test, DriveOptions};
use mlpy_harness::report::TestStatus;
use mlpy_harness::spec::{Body, SpecSet, Test};
use mlpy_harness::suite::RunOptions;
use mlpy_harness::{Executor, ExecutorConfig};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static EXECUTOR: OnceLock<Executor> = OnceLock::new();

/// The backend of `MLTEST_BACKEND` (`native`, `mlpy`, `process:CMD ARGS`;
/// default native). A backend that cannot start ends the run with its
/// reason (exit status 2).
fn executor() -> &'static Executor {
    EXECUTOR.get_or_init(|| {
        let workers = ExecutorConfig::default().max_workers;
        match std::env::var("MLTEST_BACKEND") {
            Ok(name) if !name.trim().is_empty() => {
                match name
                    .parse::<BackendSpec>()
                    .and_then(|b| b.executor(workers))
                {
                    Ok(executor) => executor,
                    Err(e) => {
                        eprintln!("MLTEST_BACKEND={name}: {e}");
                        std::process::exit(2);
                    }
                }
            }
            _ => Executor::new(ExecutorConfig::default()),
        }
    })
}

/// The spec directory the `specs` test target runs: `MLTEST_SPECS_DIR`;
/// else `specs/` of the package, found through the run-time
/// `CARGO_MANIFEST_DIR` (set by cargo and by nextest, which remaps it when
/// running an archive); else the copy a nextest archive carries beside
/// the test binary (`target/mlpy-specs/specs`); else `specs/` where the
/// package was built.
pub fn specs_dir(build_time_manifest_dir: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("MLTEST_SPECS_DIR") {
        return PathBuf::from(dir);
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(|d| PathBuf::from(d).join("specs"))
        .into_iter()
        .collect();
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().map(|a| a.join("mlpy-specs/specs")));
    }
    candidates.push(Path::new(build_time_manifest_dir).join("specs"));
    candidates
        .iter()
        .find(|c| c.is_dir())
        .cloned()
        .unwrap_or_else(|| candidates.swap_remove(0))
}

/// The trials of a run, and the reasons of the ignored ones.
pub struct Trials {
    /// One trial per test.
    pub trials: Vec<Trial>,
    /// `ignored NAME: reason` for each ignored test the run selects but
    /// will not run (libtest shows no reason for them).
    pub ignore_notes: Vec<String>,
}

/// The trials for the spec files under `dir`, named under its specs root.
pub fn trials(args: &Arguments, dir: &Path) -> Result<Trials, String> {
    let set = match (&args.filter, args.exact) {
        // `--exact NAME` (how nextest runs each test) loads only the
        // file(s) that can hold NAME.
        (Some(name), true) if dir.is_dir() => SpecSet::for_name(dir, None, name),
        _ => SpecSet::find(&[dir.to_path_buf()], None)?,
    };
    for skipped in &set.skipped {
        eprintln!("warning: {skipped}");
    }
    let bless_mode = env_flag("MLTEST_BLESS");
    let trace = env_flag("MLTEST_TRACE");
    let runs_ignored = args.ignored || args.include_ignored;
    let mut out = Trials {
        trials: Vec::new(),
        ignore_notes: Vec::new(),
    };
    for test in set.tests(!args.list) {
        let note = match (&test.summary.ignore, &test.summary.skip) {
            (Some(reason), None) if !reason.is_empty() && !runs_ignored && !args.list => {
                Some(format!("ignored {}: {reason}", test.name()))
            }
            _ => None,
        };
        let trial = trial(test, bless_mode, trace);
        if let Some(note) = note.filter(|_| !args.is_filtered_out(&trial)) {
            out.ignore_notes.push(note);
        }
        out.trials.push(trial);
    }
    Ok(out)
}

/// `NAME=1` in the environment.
fn env_flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| v == "1")
}

fn trial(test: Test, bless_mode: bool, trace: bool) -> Trial {
    let ignored = test.is_ignored();
    let name = test.name().to_string();
    if let Some(reason) = &test.summary.skip {
        // Listed as ignored; run on request (`--ignored`), it still skips.
        let reason = skip_reason(reason);
        return Trial::ignorable_test(name, move || Ok(Completion::ignored_with(reason)))
            .with_ignored_flag(true);
    }
    if matches!(test.body, Body::Listed) {
        return Trial::test(name, || Ok(())).with_ignored_flag(ignored);
    }
    Trial::ignorable_test(name, move || run_trial(&test, bless_mode, trace))
        .with_ignored_flag(ignored)
}

/// Runs one test as the command does (libtest already chose to run it);
/// with `trace` (`MLTEST_TRACE=1`) a failure shows the case's trace, as
/// under `mlpy-test --trace`.
fn run_trial(test: &Test, bless_mode: bool, trace: bool) -> Result<Completion, Failed> {
    let options = DriveOptions {
        bless: bless_mode,
        run_ignored: true,
        run: RunOptions {
            trace,
            ..RunOptions::default()
        },
        ..DriveOptions::default()
    };
    let result = run_test(executor(), test, &options);
    match result.status {
        TestStatus::Failed => Err(Failed::from(result.message)),
        TestStatus::Blessed => {
            eprintln!("{}", result.message);
            Ok(Completion::Completed)
        }
        // On another backend (MLTEST_BACKEND): a case it cannot honour,
        // or a documented difference, is reported as ignored with why.
        TestStatus::Skipped => Ok(Completion::ignored_with(skip_reason(&result.message))),
        TestStatus::KnownDifference => Ok(Completion::ignored_with(
            result.message.lines().next().unwrap_or("known difference"),
        )),
        _ => Ok(Completion::Completed),
    }
}

/// How a skipped test's reason is shown.
pub fn skip_reason(reason: &str) -> String {
    if reason.is_empty() {
        "skipped".into()
    } else {
        format!("skipped: {reason}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_trial_shows_its_trace_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let spec = "grant = [\"env:read:HOME\"]\ncode = 'import env; env.get(\"PATH\");'\nexpect.result = 1\n";
        std::fs::write(dir.path().join("t.mltest"), spec).unwrap();
        let set = SpecSet::find(&[dir.path().to_path_buf()], None).unwrap();
        let test = set.tests(true).into_iter().next().unwrap();
        let message = |trace| match run_trial(&test, false, trace) {
            Err(failed) => failed.message().unwrap_or("").to_string(),
            Ok(_) => panic!("the trial should fail"),
        };
        let traced = message(true);
        assert!(traced.contains("trace:"), "{traced}");
        assert!(
            traced.contains("capability env:read PATH DENIED"),
            "{traced}"
        );
        assert!(!message(false).contains("trace:"));
    }
}
