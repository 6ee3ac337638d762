//! `mlpy-test validate`: with no paths, a real self-check of the toolkit
//! (runs code, a capability-gated call both ways, a callback, every
//! standard module); with paths, checks that `.ml` files compile and that
//! `.mltest` files load and every case's code (each `each` row included)
//! compiles, without running anything. Errors point at the spec file's
//! line and column.

use clap::Args;
use mlpy_harness::spec::{Body, SpecSet};
use mlpy_harness::{ExecRequest, Executor, ExecutorConfig, Session, SessionOptions, Status};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::host::{Host, MemoryEnv};
use mlpy_lang::syntax::SourceFile;
use mlpy_lang::Data;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// `mlpy-test validate` arguments.
#[derive(Args, Debug, Clone)]
pub struct ValidateArgs {
    /// `.ml` programs and `.mltest` specs (files or directories).
    pub paths: Vec<PathBuf>,
}

/// Runs `mlpy-test validate`.
pub fn run(args: ValidateArgs) -> ExitCode {
    if args.paths.is_empty() {
        self_check()
    } else {
        check_paths(&args.paths)
    }
}

fn check_paths(paths: &[PathBuf]) -> ExitCode {
    let mut errors = 0;
    let mut checked = 0;
    for p in paths {
        if !p.exists() {
            eprintln!("mlpy-test: {}: no such file or directory", p.display());
            return ExitCode::from(2);
        }
        let specs = match SpecSet::find(std::slice::from_ref(p), None) {
            Ok(set) => set,
            Err(e) => {
                eprintln!("mlpy-test: {e}");
                return ExitCode::from(2);
            }
        };
        for skipped in &specs.skipped {
            crate::outln!("warning: {skipped}");
        }
        checked += specs.files().count();
        let (problems, bad_files) = check_specs(&specs);
        for p in &problems {
            crate::out!("{p}");
        }
        errors += bad_files;
        let programs = if p.is_dir() {
            walk_ml(p)
        } else if p.extension().is_some_and(|e| e == "mltest") {
            Vec::new()
        } else {
            vec![p.clone()]
        };
        for f in programs {
            checked += 1;
            match std::fs::read_to_string(&f) {
                Ok(text) => {
                    let file = Arc::new(SourceFile::new(f.display().to_string(), text));
                    if let Err(e) = mlpy_lang::compile(file) {
                        errors += 1;
                        crate::out!("{}", e.render());
                    }
                }
                Err(e) => {
                    errors += 1;
                    crate::outln!("{}: cannot read: {e}", f.display());
                }
            }
        }
    }
    crate::outln!("{checked} files checked, {errors} with errors");
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Loads every spec and compiles every case's code (each `each` row with
/// its own globals): the problems, each rendered once with its caret, and
/// how many files have any.
fn check_specs(specs: &SpecSet) -> (Vec<String>, usize) {
    let mut problems: Vec<String> = Vec::new();
    let mut bad_files = std::collections::BTreeSet::new();
    let mut seen = std::collections::HashSet::new();
    for t in specs.tests(true) {
        let problem = match &t.body {
            Body::Broken(e) => Some((e.to_string(), e.render())),
            Body::Case(case) => case
                .check_syntax()
                .err()
                .map(|e| (e.to_string(), e.render_as("SyntaxError"))),
            Body::Listed => None,
        };
        if let Some((key, text)) = problem {
            bad_files.insert(t.file.clone());
            if seen.insert(key) {
                problems.push(text);
            }
        }
    }
    (problems, bad_files.len())
}

fn walk_ml(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "ml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn self_check() -> ExitCode {
    let executor = Executor::new(ExecutorConfig {
        max_workers: 1,
        ..ExecutorConfig::default()
    });
    let env_host = || {
        let mut h = Host::captured();
        h.env = Box::new(MemoryEnv::new([("MLPY_VALIDATE", "yes")]));
        h
    };
    let mut checks: Vec<(&str, Result<String, String>)> = Vec::new();

    let o = executor.execute_blocking(ExecRequest::new("result = [1, 2, 3].length * 14;"));
    checks.push((
        "executor runs code",
        match o.status {
            Status::Ok {
                value: Data::Int(42),
            } => Ok(format!("42 in {:?}", o.timings.total)),
            other => Err(format!("{other:?}")),
        },
    ));

    let code = "import env; result = env.get(\"MLPY_VALIDATE\");";
    let denied = executor.execute_blocking(ExecRequest::new(code).host(env_host()));
    checks.push((
        "capability denied without a grant",
        match (&denied.status, denied.violations.first()) {
            (Status::Violation { .. }, Some(v)) => {
                Ok(format!("{} on {}", v.capability, v.resource))
            }
            (other, _) => Err(format!("expected a violation, got {other:?}")),
        },
    ));
    let grants = GrantSet::parse(&["env:read:MLPY_VALIDATE"]).unwrap_or_default();
    let allowed = executor.execute_blocking(ExecRequest::new(code).host(env_host()).grants(grants));
    checks.push((
        "capability allowed with a grant",
        match allowed.status {
            Status::Ok { value } if value == Data::Str("yes".into()) => {
                Ok("env:read:MLPY_VALIDATE".into())
            }
            other => Err(format!("{other:?}")),
        },
    ));

    let session = Session::new(SessionOptions::default());
    session.execute("function add(a, b) { return a + b; }");
    checks.push((
        "session callback",
        match session
            .callback("add")
            .map(|cb| cb.call(&[Data::Int(3), Data::Int(4)]))
        {
            Ok(Ok(Data::Int(7))) => Ok("add(3, 4) = 7".into()),
            other => Err(format!("{other:?}")),
        },
    ));

    let imports: Vec<String> = mlpy_lang::STANDARD
        .all_modules()
        .map(|m| format!("import {};", m.name))
        .collect();
    let o = executor.execute_blocking(ExecRequest::new(imports.join(" ") + " result = 1;"));
    checks.push((
        "standard modules import",
        match o.status {
            Status::Ok { .. } => Ok(format!("{} modules", imports.len())),
            other => Err(format!("{other:?}")),
        },
    ));

    let mut failed = 0;
    for (name, r) in &checks {
        match r {
            Ok(detail) => crate::outln!("[ok]   {name:<36} {detail}"),
            Err(e) => {
                failed += 1;
                crate::outln!("[FAIL] {name:<36} {e}");
            }
        }
    }
    executor.shutdown();
    if failed == 0 {
        crate::outln!("mlpy-test is working");
        ExitCode::SUCCESS
    } else {
        crate::outln!("{failed} check(s) failed");
        ExitCode::from(1)
    }
}
