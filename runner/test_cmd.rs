//! `mlpy-test [PATHS…]`: the spec suite as a command, with per-case
//! results and timings, diffs, JSON/JUnit output and bless.

use crate::events::{CaseEvent, CaseStatus, Event, Reporter, Summary};
use clap::{Args, ValueEnum};
use mlpy_harness::bless::bless;
use mlpy_harness::spec::{Body, Case, SpecSet, Test};
use mlpy_harness::suite::{run_case, RunOptions};
use mlpy_harness::{Executor, ExecutorConfig};
use std::io::IsTerminal;
use std::path::PathBuf;
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
    /// Show each failing case's trace: capability checks, host calls,
    /// callbacks and errors with their ML stack.
    #[arg(long)]
    pub trace: bool,
}

fn selected(args: &TestArgs, t: &Test) -> bool {
    let tags = &t.tags;
    // A file that cannot be read has no known tags: tag filters keep it.
    let tags_ok = t.is_file_error()
        || ((args.tags.is_empty() || args.tags.iter().any(|x| tags.contains(x)))
            && !args.exclude_tags.iter().any(|x| tags.contains(x)));
    (args.filters.is_empty() || args.filters.iter().any(|f| t.name.contains(f.as_str()))) && tags_ok
}

pub fn run(args: TestArgs) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("specs")]
    } else {
        args.paths.clone()
    };
    let set = match SpecSet::find(&paths, None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mlpy-test: {e}");
            return ExitCode::from(2);
        }
    };
    for skipped in &set.skipped {
        eprintln!("mlpy-test: warning: {skipped}");
    }
    if args.list {
        return list(&args, &set);
    }
    let stdout_tty = std::io::stdout().is_terminal();
    let colour = stdout_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let format = args.format.unwrap_or(Format::Pretty);
    let mut reporter = Reporter::new(format, colour, stdout_tty && format == Format::Pretty);

    // A test that cannot run (a malformed spec) fails with its spec error.
    let mut cases: Vec<Arc<Case>> = Vec::new();
    let mut spec_errors: Vec<CaseEvent> = Vec::new();
    for t in set.tests(true) {
        if !selected(&args, &t) {
            continue;
        }
        match t.body {
            Body::Case(c) => cases.push(c),
            Body::Broken(_)
                if t.skip.is_some() || (t.ignore.is_some() && !args.include_ignored) =>
            {
                let mut ev = CaseEvent::spec_error(t.name, String::new());
                ev.status = CaseStatus::Ignored;
                ev.message = t.ignore.or(t.skip).unwrap_or_default();
                spec_errors.push(ev);
            }
            Body::Broken(e) => spec_errors.push(CaseEvent::spec_error(t.name, e.render())),
            Body::Listed => {}
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
        trace: args.trace,
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
    if let Some(trace) = &result.outcome.trace {
        ev.message.push_str("trace:\n");
        ev.message.push_str(&trace.render());
    }
    if let Some(note) = ev.bless_note.take() {
        ev.message.push_str(&format!("not blessed: {note}\n"));
    }
    ev
}

fn list(args: &TestArgs, set: &SpecSet) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for t in set.tests(false) {
        if selected(args, &t) {
            let _ = writeln!(out, "{}: test", t.name);
        }
    }
    ExitCode::SUCCESS
}
