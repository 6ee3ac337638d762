//! `mlpy-test [PATHS…]`: the spec suite as a command, with per-case
//! results and timings, diffs, JSON/JUnit output and bless.

use crate::events::{CaseEvent, CaseStatus, Event, Reporter, Summary};
use clap::{Args, ValueEnum};
use mlpy_harness::bless::bless;
use mlpy_harness::spec::{discover, Case, Loader};
use mlpy_harness::suite::{run_case, RunOptions};
use mlpy_harness::{Executor, ExecutorConfig};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Pretty,
    Terse,
    Json,
    Junit,
}

#[derive(Args, Debug, Clone, Default)]
pub struct TestArgs {
    /// Spec files or directories (default: specs/).
    pub paths: Vec<PathBuf>,
    /// Run only tests whose name contains this (repeatable: any matches).
    #[arg(long = "filter", value_name = "SUBSTR")]
    pub filters: Vec<String>,
    /// Run only tests with this tag (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Skip tests with this tag (repeatable).
    #[arg(long = "exclude-tag")]
    pub exclude_tags: Vec<String>,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Cases run at once (default: the number of cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Stop after the first failure.
    #[arg(long)]
    pub fail_fast: bool,
    /// Rewrite expect.result / expect.stdout with actual values.
    #[arg(long)]
    pub bless: bool,
    /// Timeout for every case (overrides the specs), e.g. 500ms.
    #[arg(long, value_parser = crate::run::parse_duration_arg)]
    pub timeout: Option<Duration>,
    /// List the tests instead of running them.
    #[arg(long)]
    pub list: bool,
    /// Also run ignored tests.
    #[arg(long)]
    pub include_ignored: bool,
}

/// A spec file with the root its test names are relative to.
struct SpecFile {
    path: PathBuf,
    root: PathBuf,
}

fn collect_files(paths: &[PathBuf]) -> Result<Vec<SpecFile>, String> {
    let defaults = [PathBuf::from("specs")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            out.extend(discover(p).into_iter().map(|f| SpecFile {
                path: f,
                root: p.clone(),
            }));
        } else if p.is_file() {
            out.push(SpecFile {
                path: p.clone(),
                root: specs_root_of(p),
            });
        } else {
            return Err(format!("{}: no such spec file or directory", p.display()));
        }
    }
    Ok(out)
}

/// The nearest ancestor directory named `specs`, else the file's directory.
fn specs_root_of(file: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    abs.ancestors()
        .skip(1)
        .find(|a| a.file_name().is_some_and(|n| n == "specs"))
        .map(Path::to_path_buf)
        .unwrap_or_else(|| abs.parent().map(Path::to_path_buf).unwrap_or_default())
}

fn selected(args: &TestArgs, name: &str, tags: &[String]) -> bool {
    (args.filters.is_empty() || args.filters.iter().any(|f| name.contains(f.as_str())))
        && (args.tags.is_empty() || args.tags.iter().any(|t| tags.contains(t)))
        && !args.exclude_tags.iter().any(|t| tags.contains(t))
}

pub fn run(args: TestArgs) -> ExitCode {
    let files = match collect_files(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("mlpy-test: {e}");
            return ExitCode::from(2);
        }
    };
    if args.list {
        return list(&args, &files);
    }
    let stdout_tty = std::io::stdout().is_terminal();
    let colour = stdout_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let format = args.format.unwrap_or(Format::Pretty);
    let mut reporter = Reporter::new(format, colour, stdout_tty && format == Format::Pretty);

    // Load every file; a malformed one becomes a failed test.
    let mut cases: Vec<Arc<Case>> = Vec::new();
    let mut spec_errors: Vec<CaseEvent> = Vec::new();
    let mut loaders: std::collections::HashMap<PathBuf, Loader> = Default::default();
    for f in &files {
        let loader = loaders
            .entry(f.root.clone())
            .or_insert_with(|| Loader::new(&f.root));
        match loader.load_file(&f.path) {
            Ok(cs) => cases.extend(
                cs.into_iter()
                    .filter(|c| selected(&args, &c.full_name, &c.tags))
                    .map(Arc::new),
            ),
            Err(e) => {
                let name = format!(
                    "{}::<spec error>",
                    mlpy_harness::spec::test_name_prefix(&f.root, &f.path)
                );
                if selected(&args, &name, &[]) {
                    spec_errors.push(CaseEvent::spec_error(name, e.to_string()));
                }
            }
        }
    }
    let start = Instant::now();
    reporter.handle(&Event::Started {
        total: cases.len() + spec_errors.len(),
    });
    let mut summary = Summary::default();
    for ev in spec_errors {
        summary.record(&ev);
        reporter.handle(&Event::Case(ev));
    }
    let (tx, rx) = mpsc::channel::<CaseEvent>();
    let jobs = args
        .jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        })
        .max(1);
    let executor = Executor::new(ExecutorConfig {
        max_workers: jobs,
        ..ExecutorConfig::default()
    });
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicUsize::new(0));
    let cases = Arc::new(cases);
    let options = RunOptions {
        timeout_override: args.timeout,
        colour,
        ..RunOptions::default()
    };
    let mut threads = Vec::new();
    for _ in 0..jobs {
        let (tx, cases, next, stop, executor, options, args) = (
            tx.clone(),
            cases.clone(),
            next.clone(),
            stop.clone(),
            executor.clone(),
            options.clone(),
            args.clone(),
        );
        threads.push(std::thread::spawn(move || loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(case) = cases.get(i) else {
                return;
            };
            // A runtime bug fails this case; it never loses the others.
            let ev = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run_one(case, &executor, &options, &args)
            }))
            .unwrap_or_else(|_| {
                let mut ev = CaseEvent::new(case);
                ev.status = CaseStatus::Failed;
                ev.message = "internal error: the run panicked\n".into();
                ev
            });
            if ev.status == CaseStatus::Failed && args.fail_fast {
                stop.store(true, Ordering::Relaxed);
            }
            if tx.send(ev).is_err() {
                return;
            }
        }));
    }
    drop(tx);
    for ev in rx {
        summary.record(&ev);
        reporter.handle(&Event::Case(ev));
    }
    for t in threads {
        let _ = t.join();
    }
    summary.duration = start.elapsed();
    reporter.handle(&Event::Finished(summary.clone()));
    if let Some(path) = &args.junit {
        if let Err(e) = std::fs::write(path, reporter.junit_xml()) {
            eprintln!("mlpy-test: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_one(case: &Case, executor: &Executor, options: &RunOptions, args: &TestArgs) -> CaseEvent {
    let mut ev = CaseEvent::new(case);
    if case.skip.is_some() || (case.ignore.is_some() && !args.include_ignored) {
        ev.status = CaseStatus::Ignored;
        ev.message = case
            .ignore
            .clone()
            .or_else(|| case.skip.clone())
            .unwrap_or_default();
        return ev;
    }
    let result = run_case(executor, case, options);
    ev.duration = result.duration;
    if result.verdict.passed {
        ev.status = CaseStatus::Passed;
        return ev;
    }
    if args.bless {
        match bless(case, &result.outcome) {
            Ok(b) if !b.changes.is_empty() => {
                ev.status = CaseStatus::Blessed;
                ev.message = b.to_string();
                return ev;
            }
            Ok(_) => {}
            Err(e) => ev.bless_note = Some(e.to_string()),
        }
    }
    ev.status = CaseStatus::Failed;
    ev.message = crate::report::failure_text(case, &result, options.colour);
    if let Some(note) = ev.bless_note.take() {
        ev.message.push_str(&format!("not blessed: {note}\n"));
    }
    ev
}

fn list(args: &TestArgs, files: &[SpecFile]) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut n = 0;
    let mut loaders: std::collections::HashMap<PathBuf, Loader> = Default::default();
    for f in files {
        let loader = loaders
            .entry(f.root.clone())
            .or_insert_with(|| Loader::new(&f.root));
        match loader.list_file(&f.path) {
            Ok(cases) => {
                for c in cases {
                    if selected(args, &c.full_name, &c.tags) {
                        let _ = writeln!(out, "{}: test", c.full_name);
                        n += 1;
                    }
                }
            }
            Err(e) => {
                let _ = writeln!(
                    out,
                    "{}::<spec error>: test  # {e}",
                    mlpy_harness::spec::test_name_prefix(&f.root, &f.path)
                );
                n += 1;
            }
        }
    }
    let _ = writeln!(out, "\n{n} tests");
    ExitCode::SUCCESS
}
