//! `mlpy-test [test] [PATHS…]`: the spec suite as a command. Everything
//! happens in the library (`mlpy_harness::spec::SpecSet` finds and names
//! the tests, `select` chooses, `driver` runs, `report` prints); this file
//! turns flags into those pieces.

use crate::backends::BackendSpec;
use clap::{Args, ValueEnum};
use mlpy_harness::driver::{drive, DriveOptions};
use mlpy_harness::protocol::Feature;
use mlpy_harness::report::{
    stdout_colour, Fanout, Github, Json, Junit, Pretty, Progress, Reporter, Terse,
};
use mlpy_harness::select::{Ignored, Partition, Selection};
use mlpy_harness::spec::{Body, SpecSet, Test};
use mlpy_harness::suite::RunOptions;
use mlpy_harness::Executor;
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The report on stdout (`--format`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A line per test, failures in full, the slowest tests and the counts.
    Pretty,
    /// A character per test, then the failures and the counts.
    Terse,
    /// JSON lines: an object per event.
    Json,
    /// JUnit XML.
    Junit,
}

/// Whether to colour (`--color`).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour on a terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it).
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// nextest's `--no-tests`: what a run that selects no test to run means.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum NoTests {
    /// An error (exit status 4).
    #[default]
    Fail,
    /// A warning; the run passes.
    Warn,
    /// A pass.
    Pass,
}

/// Exit status of a run that had no test to run (nextest's).
const NO_TESTS_RUN: u8 = 4;

/// Where the last run's failures are remembered, for `--rerun-failed`.
const LAST_RUN: &str = ".mlpy-test/last-run.json";

/// `mlpy-test test` arguments.
#[derive(Args, Debug, Clone, Default)]
pub struct TestArgs {
    /// Spec files or directories (default: specs/).
    pub paths: Vec<PathBuf>,
    /// Name tests relative to this directory (default: the nearest
    /// directory named `specs` at or above each path).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Run only tests whose name contains this (repeatable: any matches).
    #[arg(long = "filter", value_name = "SUBSTR")]
    pub filters: Vec<String>,
    /// Filters (and --skip) match whole names exactly.
    #[arg(long)]
    pub exact: bool,
    /// Leave out tests whose name contains this (repeatable).
    #[arg(long = "skip", value_name = "SUBSTR")]
    pub skip: Vec<String>,
    /// Run only tests with this tag (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Leave out tests with this tag (repeatable).
    #[arg(long = "exclude-tag")]
    pub exclude_tags: Vec<String>,
    /// Run only the ignored tests.
    #[arg(long, conflicts_with = "include_ignored")]
    pub ignored: bool,
    /// Also run the ignored tests.
    #[arg(long)]
    pub include_ignored: bool,
    /// Run one shard of the suite: count:K/N or hash:K/N.
    #[arg(long, value_name = "count:K/N|hash:K/N")]
    pub partition: Option<Partition>,
    /// Run only the tests that failed in the last run (remembered in
    /// .mlpy-test/last-run.json).
    #[arg(long)]
    pub rerun_failed: bool,
    /// What a run that selects no test to run does.
    #[arg(long, value_enum, default_value_t, value_name = "fail|warn|pass")]
    pub no_tests: NoTests,
    /// List the tests instead of running them.
    #[arg(long)]
    pub list: bool,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Tests run at once (default: the number of cores).
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Stop after the first failure.
    #[arg(long)]
    pub fail_fast: bool,
    /// Rewrite expect.result / expect.stdout with actual values.
    #[arg(long)]
    pub bless: bool,
    /// The time and memory of each case.
    #[command(flatten)]
    pub limits: crate::args::LimitArgs,
    /// Report a test still running after this long, and again after each
    /// further multiple ("0s": never).
    #[arg(long, value_parser = crate::args::parse_duration_arg, default_value = "5s")]
    pub slow_timeout: Duration,
    /// Show each failing case's trace: capability checks, host calls,
    /// callbacks and errors with their ML stack.
    #[arg(long)]
    pub trace: bool,
    /// Run the cases on this backend: native (default), mlpy (the real
    /// mlpy through the built-in adapter; MLPY_PATH names the directory
    /// holding the mlpy package, MLPY_PYTHON its Python), or
    /// `process:CMD ARGS` (any program speaking the process protocol).
    /// A case needing a feature the backend lacks is skipped.
    #[arg(long, value_name = "NAME", value_parser = parse_backend, conflicts_with = "compare")]
    pub backend: Option<BackendSpec>,
    /// Run every case on two backends (e.g. `native,mlpy`) and compare
    /// their outcomes as well as each against the expectations; a
    /// difference fails with both sides shown.
    #[arg(long, value_name = "A,B", value_parser = parse_pair, conflicts_with = "bless")]
    pub compare: Option<(BackendSpec, BackendSpec)>,
    /// Colour: auto (a terminal, without NO_COLOR; CLICOLOR_FORCE=1
    /// forces it), always or never.
    #[arg(long, value_enum, default_value_t)]
    pub color: Color,
}

fn parse_backend(s: &str) -> Result<BackendSpec, String> {
    s.parse()
}

fn parse_pair(s: &str) -> Result<(BackendSpec, BackendSpec), String> {
    let (a, b) = s
        .split_once(',')
        .ok_or_else(|| format!("'{s}': expected two backends, A,B (e.g. native,mlpy)"))?;
    Ok((a.parse()?, b.parse()?))
}

/// Runs the specs as the arguments ask.
pub fn run(args: TestArgs) -> ExitCode {
    match run_inner(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mlpy-test: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(args: &TestArgs) -> Result<ExitCode, String> {
    let paths = match (&args.paths[..], &args.root) {
        ([], Some(root)) => vec![root.clone()],
        ([], None) => vec![PathBuf::from("specs")],
        (p, _) => p.to_vec(),
    };
    let set = SpecSet::find(&paths, args.root.as_deref())?;
    for skipped in &set.skipped {
        eprintln!("mlpy-test: warning: {skipped}");
    }
    let selection = selection(args)?;
    // A run of everything loads each file once, in the pass that names
    // its tests; a narrower run names them all first and then loads only
    // the files it needs.
    let load_now = !args.list && selection.keeps_all();
    let (selected, filtered_out) = selection.select(set.tests(load_now));
    if args.list {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(crate::out::Stdout);
        for t in &selected {
            let _ = writeln!(out, "{}: test", t.name());
        }
        let _ = out.flush();
        return Ok(ExitCode::SUCCESS);
    }
    let run_ignored = args.ignored || args.include_ignored;
    let to_run = selected
        .iter()
        .filter(|t| t.summary.skip.is_none() && (t.summary.ignore.is_none() || run_ignored))
        .count();
    if to_run == 0 {
        let what = format!(
            "no tests to run ({} selected, {} filtered out)",
            selected.len(),
            filtered_out
        );
        match args.no_tests {
            NoTests::Fail => {
                eprintln!("mlpy-test: error: {what}; --no-tests=warn or pass accepts that");
                return Ok(ExitCode::from(NO_TESTS_RUN));
            }
            NoTests::Warn => eprintln!("mlpy-test: warning: {what}"),
            NoTests::Pass => {}
        }
    }
    // Outputs are opened before anything runs.
    let junit_file = match &args.junit {
        Some(path) => Some(
            std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let tests = if load_now {
        selected
    } else {
        load(&set, selected)
    };
    let colour = colour(args.color);
    let format = args.format.unwrap_or(Format::Pretty);
    let mut reporter = reporters(format, colour, junit_file);
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(2, |n| n.get()),
        usize::from,
    );
    let (left, right) = match &args.compare {
        Some((a, b)) => (a, Some(b)),
        None => (args.backend.as_ref().unwrap_or(&BackendSpec::Native), None),
    };
    let executor = backend_executor(left, jobs)?;
    let options = DriveOptions {
        jobs,
        fail_fast: args.fail_fast,
        slow_timeout: Some(args.slow_timeout).filter(|d| !d.is_zero()),
        bless: args.bless,
        run_ignored,
        run: RunOptions {
            timeout_override: args.limits.timeout,
            default_memory: args.limits.memory,
            colour: colour && matches!(format, Format::Pretty | Format::Terse),
            trace: args.trace,
            ..RunOptions::default()
        },
        compare_with: right.map(|b| backend_executor(b, jobs)).transpose()?,
    };
    let tests = std::sync::Arc::new(tests);
    let (summary, report_error) = drive(
        &executor,
        tests.clone(),
        filtered_out,
        &options,
        &mut *reporter,
    );
    drop(reporter);
    // The process ends after this command: freeing every loaded case one
    // by one would take longer than the exit itself. (The executors are
    // dropped as usual: a process backend's child is told to exit.)
    std::mem::forget((tests, set));
    if let Err(e) = remember_failures(&summary.failures) {
        eprintln!("mlpy-test: warning: cannot write {LAST_RUN}: {e}");
    }
    if let Some(e) = report_error {
        return Err(format!("cannot write the report: {e}"));
    }
    Ok(if summary.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The executor the cases run on (one per run; `jobs` workers).
/// Starts a backend, saying on stderr what it is when it is not the
/// native VM (and which spec features it lacks).
fn backend_executor(spec: &BackendSpec, jobs: usize) -> Result<Executor, String> {
    let executor = spec.executor(jobs)?;
    if *spec != BackendSpec::Native {
        let info = executor.backend_info();
        let lacks: Vec<&str> = Feature::ALL
            .into_iter()
            .filter(|f| !info.features.contains(f))
            .map(|f| f.name())
            .collect();
        eprintln!(
            "mlpy-test: backend {} {}{}",
            info.name,
            info.version.as_deref().unwrap_or(""),
            if lacks.is_empty() {
                String::new()
            } else {
                format!(" (cases needing {} are skipped)", lacks.join(", "))
            }
        );
    }
    Ok(executor)
}

fn selection(args: &TestArgs) -> Result<Selection, String> {
    let only = if args.rerun_failed {
        let text = std::fs::read_to_string(LAST_RUN).map_err(|e| {
            format!("--rerun-failed: no previous run is recorded in {LAST_RUN} ({e})")
        })?;
        let last: LastRun = serde_json::from_str(&text)
            .map_err(|e| format!("--rerun-failed: {LAST_RUN} is not a run record: {e}"))?;
        Some(last.failed.into_iter().collect::<HashSet<_>>())
    } else {
        None
    };
    Ok(Selection {
        filters: args.filters.clone(),
        exact: args.exact,
        skip: args.skip.clone(),
        tags: args.tags.clone(),
        exclude_tags: args.exclude_tags.clone(),
        ignored: if args.ignored {
            Ignored::Only
        } else if args.include_ignored {
            Ignored::Include
        } else {
            Ignored::Default
        },
        only,
        partition: args.partition,
    })
}

/// The selected tests with their cases loaded (only their files are read).
fn load(set: &SpecSet, selected: Vec<Test>) -> Vec<Test> {
    let files: HashSet<&Path> = selected.iter().map(|t| t.file.as_path()).collect();
    let mut loaded: HashMap<String, Test> = set
        .tests_where(true, |f| files.contains(f))
        .into_iter()
        .map(|t| (t.name().to_string(), t))
        .collect();
    selected
        .into_iter()
        .map(|t| loaded.remove(t.name()).unwrap_or(t))
        .map(|mut t| {
            if matches!(t.body, Body::Listed) {
                let e = mlpy_harness::spec::SpecError::file(
                    &t.file,
                    "the file changed while the run started: the test is gone",
                );
                t.body = Body::Broken(std::sync::Arc::new(e));
            }
            t
        })
        .collect()
}

/// Whether stdout gets colour: `--color`, then NO_COLOR / CLICOLOR_FORCE
/// and whether it is a terminal (anstream's rules).
fn colour(choice: Color) -> bool {
    stdout_colour(match choice {
        Color::Auto => None,
        Color::Always => Some(true),
        Color::Never => Some(false),
    })
}

/// The chosen format on stdout (with live progress on a terminal), a
/// JUnit file when asked, and GitHub annotations inside GitHub Actions.
fn reporters(
    format: Format,
    colour: bool,
    junit_file: Option<std::fs::File>,
) -> Box<dyn Reporter + Send> {
    let stdout = || crate::out::Stdout;
    let live = std::io::stderr().is_terminal() && std::io::stdout().is_terminal();
    let mut all: Vec<Box<dyn Reporter + Send>> = Vec::new();
    all.push(match (format, live) {
        (Format::Pretty, true) => Box::new(Progress::new(Pretty::new(stdout(), colour))),
        (Format::Pretty, false) => Box::new(Pretty::new(stdout(), colour)),
        (Format::Terse, true) => Box::new(Progress::new(Terse::new(stdout(), colour))),
        (Format::Terse, false) => Box::new(Terse::new(stdout(), colour)),
        (Format::Json, _) => Box::new(Json::new(stdout())),
        (Format::Junit, _) => Box::new(Junit::new(stdout())),
    });
    if let Some(file) = junit_file {
        all.push(Box::new(Junit::new(std::io::BufWriter::new(file))));
    }
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        all.push(Box::new(Github::new(stdout())));
    }
    Box::new(Fanout(all))
}

/// The record `--rerun-failed` reads.
#[derive(serde::Serialize, serde::Deserialize)]
struct LastRun {
    failed: Vec<String>,
}

fn remember_failures(failed: &[String]) -> std::io::Result<()> {
    let path = Path::new(LAST_RUN);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(&LastRun {
        failed: failed.to_vec(),
    })?;
    std::fs::write(path, text + "\n")
}
