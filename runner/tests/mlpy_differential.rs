//! The differential test: every case under `specs/examples` (or
//! `MLTEST_DIFF_DIR`) runs on the native runtime and on the real mlpy
//! (`MLPY_PATH`, `MLPY_PYTHON`), and the two outcomes must agree and meet
//! the case's expectations. Without mlpy or its Python this target says so
//! on stderr and reports one ignored test named `SKIPPED …`, so a run is
//! never silently green.
//!
//! `MLPY_PATH` defaults to the nearest `shared/reference/mlpy/src` above
//! this repository; `MLPY_PYTHON` to `target/mlpy-venv/bin/python`, the
//! environment `.ci/run` builds.

use libtest_mimic::{Arguments, Failed, Trial};
use mlpy_harness::compare::run_pair;
use mlpy_harness::protocol::case_needs;
use mlpy_harness::spec::{discover, Loader};
use mlpy_harness::suite::RunOptions;
use mlpy_harness::Executor;
use mlpy_test::backends::{mlpy_backend, BackendSpec};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where mlpy and its Python are, or why they are not there.
fn locate() -> Result<(PathBuf, String), String> {
    let path = match std::env::var_os("MLPY_PATH").filter(|p| !p.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => repo()
            .ancestors()
            .map(|a| a.join("shared/reference/mlpy/src"))
            .find(|p| p.join("mlpy").is_dir())
            .ok_or("no mlpy copy: MLPY_PATH is unset and no shared/reference/mlpy/src above the repository")?,
    };
    if !path.join("mlpy/__init__.py").is_file() {
        return Err(format!(
            "MLPY_PATH={} does not hold the mlpy package",
            path.display()
        ));
    }
    let python = match std::env::var("MLPY_PYTHON").ok().filter(|p| !p.is_empty()) {
        Some(p) => p,
        None => {
            let venv = repo().join("target/mlpy-venv/bin/python");
            if !venv.exists() {
                return Err(format!(
                    "no Python for mlpy: MLPY_PYTHON is unset and {} does not exist (bash .ci/run builds it)",
                    venv.display()
                ));
            }
            venv.to_string_lossy().into_owned()
        }
    };
    Ok((path, python))
}

static EXECUTORS: OnceLock<(Executor, Executor)> = OnceLock::new();

fn main() {
    let args = Arguments::from_args();
    let root = std::env::var_os("MLTEST_DIFF_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("specs/examples"));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mlpy = locate().and_then(|(path, python)| {
        mlpy_backend(&path, &python)
            .map(|b| Executor::with_backend(Default::default(), Arc::new(b)))
    });
    let trials = match mlpy {
        Err(why) => {
            eprintln!("\nSKIPPED: the differential test against mlpy did not run: {why}\n");
            vec![Trial::test(
                format!(
                    "SKIPPED (mlpy unavailable: {})",
                    why.lines().next().unwrap_or("")
                ),
                || Ok(()),
            )
            .with_ignored_flag(true)]
        }
        Ok(mlpy) => {
            let native = BackendSpec::Native
                .executor(workers)
                .expect("native backend");
            let _ = EXECUTORS.set((native, mlpy));
            trials(&root)
        }
    };
    libtest_mimic::run(&args, trials).exit();
}

fn trials(root: &Path) -> Vec<Trial> {
    let loader = Loader::new(root);
    let mut out = Vec::new();
    for file in discover(root) {
        let cases = match loader.load_file(&file) {
            Ok(c) => c,
            Err(e) => {
                let msg = e.to_string();
                out.push(Trial::test(
                    format!("{}::<spec error>", file.display()),
                    move || Err(Failed::from(msg.clone())),
                ));
                continue;
            }
        };
        let (_, mlpy) = EXECUTORS.get().expect("executors");
        for case in cases {
            // A case mlpy cannot run (a feature it lacks) is not a pass.
            let lacks: Vec<&str> = case_needs(&case)
                .into_iter()
                .filter(|f| !mlpy.backend_info().features.contains(f))
                .map(|f| f.name())
                .collect();
            let ignored =
                case.summary.ignore.is_some() || case.summary.skip.is_some() || !lacks.is_empty();
            let kind = (!lacks.is_empty()).then(|| format!("mlpy lacks {}", lacks.join(", ")));
            let case = Arc::new(case);
            out.push(
                Trial::test(case.summary.full_name.clone(), move || {
                    let (native, mlpy) = EXECUTORS.get().expect("executors");
                    let pair = run_pair(native, mlpy, &case, &RunOptions::default());
                    if pair.passed() {
                        Ok(())
                    } else {
                        Err(Failed::from(pair.describe("native", "mlpy")))
                    }
                })
                .with_ignored_flag(ignored)
                .with_kind(kind.unwrap_or_default()),
            );
        }
    }
    out
}
