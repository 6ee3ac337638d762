//! `mlpy-test bench`: performance of spec cases marked `bench` (each run
//! exactly as the test run runs it: its grants, its world, its callback,
//! and judged against its expectations), or of one `.ml` file. Several
//! samples per case, medians with bootstrap confidence intervals, and
//! baselines compared statistically; an optional HTML report.

mod baseline;
mod measure;
mod report;

use clap::Args;
use measure::{exec_time, measure, Measured, Plan};
use mlpy_harness::perf::{compare, Change, Comparison};
use mlpy_harness::spec::{Body, Case, SpecSet};
use mlpy_harness::suite::{run_case, RunOptions};
use mlpy_harness::{Code, ExecRequest, Executor, ExecutorConfig};
use mlpy_lang::host::{CapturedConsole, Host, UreqHttp};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// `mlpy-test bench` arguments.
#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Spec files or directories (default: specs/), or one `.ml` file.
    pub paths: Vec<PathBuf>,
    /// Only cases whose name contains this (repeatable: any matches).
    #[arg(long = "filter")]
    pub filters: Vec<String>,
    /// Measured iterations per case (overrides the specs; default for a
    /// `.ml` file: 100).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// Unmeasured runs first (overrides the specs; `.ml` default: 10).
    #[arg(long)]
    pub warmup: Option<usize>,
    /// Also measure throughput with this many runs at once.
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// For a `.ml` file: the capabilities it gets.
    #[command(flatten)]
    pub grants: crate::args::GrantArgs,
    /// The time and memory of each run.
    #[command(flatten)]
    pub limits: crate::args::LimitArgs,
    /// Save the results as this baseline.
    #[arg(long, value_name = "NAME")]
    pub save_baseline: Option<String>,
    /// Compare against this saved baseline.
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// A change counts as a regression only when its whole 95% interval
    /// is a slowdown beyond this many percent.
    #[arg(long, default_value_t = 10.0)]
    pub threshold: f64,
    /// Where baselines live.
    #[arg(long, default_value = ".mlpy-test/baselines")]
    pub dir: PathBuf,
    /// Write an HTML report (latency distributions) to DIR/index.html.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("mlpy-test: {message}");
    ExitCode::from(2)
}

/// Runs `mlpy-test bench`.
pub fn run(args: BenchArgs) -> ExitCode {
    if !(args.threshold.is_finite() && args.threshold >= 0.0) {
        return usage_error("--threshold must be a percentage of at least 0");
    }
    if args.iterations == Some(0) {
        return usage_error("--iterations must be at least 1");
    }
    if args.concurrency == Some(0) {
        return usage_error("--concurrency must be at least 1");
    }
    let ml_files: Vec<&PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ml"))
        .collect();
    match ml_files.as_slice() {
        [] => bench_specs(&args),
        [file] if args.paths.len() == 1 => bench_file(&args, file),
        _ => usage_error("bench takes either one .ml file or spec files and directories"),
    }
}

fn runtime_executor() -> Executor {
    Executor::new(ExecutorConfig::default())
}

/// `mlpy-test bench FILE.ml`: the program in the real world (as `run`
/// sees it, output captured), with the given grants.
fn bench_file(args: &BenchArgs, file: &Path) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return usage_error(&format!("cannot read {}: {e}", file.display())),
    };
    let grants = match args.grants.grant_set() {
        Ok(g) => g,
        Err(e) => return usage_error(&e),
    };
    if let Err(e) = mlpy_lang::compile(Arc::new(mlpy_lang::syntax::SourceFile::new(
        file.display().to_string(),
        text.as_str(),
    ))) {
        eprint!("{}", e.render());
        return ExitCode::from(1);
    }
    let executor = runtime_executor();
    let code = Code::named(file.display().to_string(), text);
    let timeout = args.limits.timeout.unwrap_or(Duration::from_secs(30));
    let run = || {
        let mut host = Host::real();
        host.console = Box::new(CapturedConsole::default());
        host.http = Arc::new(UreqHttp::new());
        let mut request = ExecRequest::from_code(code.clone())
            .grants(grants.clone())
            .host(host)
            .timeout(timeout);
        if let Some(bytes) = args.limits.memory {
            request = request.memory(bytes);
        }
        let o = executor.execute_blocking(request);
        match o.status.error() {
            None if o.status.is_ok() => Ok(exec_time(&o)),
            Some(e) => Err(e.rendered.clone()),
            None => Err(o.status.name().to_string()),
        }
    };
    let plan = Plan {
        iterations: args.iterations.unwrap_or(100),
        warmup: args.warmup.unwrap_or(10),
        concurrency: args.concurrency.unwrap_or(1),
    };
    let name = file.display().to_string();
    let m = measure(plan, &run);
    print_file_stats(&name, plan, &m);
    let results = BTreeMap::from([(name, m)]);
    finish(args, results)
}

fn print_file_stats(name: &str, plan: Plan, m: &Measured) {
    let l = &m.latency;
    crate::outln!(
        "{name}: {} iterations ({} warm-up), {} ok, {} failed",
        l.iterations,
        plan.warmup,
        l.successes,
        l.failures
    );
    crate::outln!("  mean     {:>12.1} µs", l.mean_us);
    crate::outln!(
        "  median   {:>12.1} µs  [{:.1}, {:.1}] 95% CI",
        m.median_us.point,
        m.median_us.lo,
        m.median_us.hi
    );
    crate::outln!("  p95      {:>12.1} µs", l.p95_us);
    crate::outln!("  p99      {:>12.1} µs", l.p99_us);
    crate::outln!("  min      {:>12.1} µs", l.min_us);
    crate::outln!("  max      {:>12.1} µs", l.max_us);
    crate::outln!("  std dev  {:>12.1} µs", l.std_dev_us);
    if let Some(t) = &m.throughput {
        crate::outln!(
            "  throughput {:.0} executions/s ({} runs, {} at once, {:.1} ms, {} failed)",
            t.per_second,
            t.total,
            t.concurrency,
            t.wall_ms,
            t.failures
        );
    }
}

/// The bench cases under `args.paths`, named as the test run names them.
fn bench_cases(args: &BenchArgs) -> Result<Vec<Arc<Case>>, String> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("specs")]
    } else {
        args.paths.clone()
    };
    let set = SpecSet::find(&paths, None)?;
    for s in &set.skipped {
        eprintln!("mlpy-test: {s}");
    }
    let mut cases = Vec::new();
    for t in set.tests(true) {
        let selected = args.filters.is_empty() || args.filters.iter().any(|f| t.name().contains(f));
        if !selected {
            continue;
        }
        match &t.body {
            Body::Case(c) if c.bench.is_some() && t.summary.skip.is_none() => cases.push(c.clone()),
            Body::Broken(e) if t.summary.bench || t.is_file_error() => {
                eprintln!("mlpy-test: skipping {}", e.render().trim_end());
            }
            _ => {}
        }
    }
    Ok(cases)
}

fn bench_specs(args: &BenchArgs) -> ExitCode {
    let cases = match bench_cases(args) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    if cases.is_empty() {
        return usage_error("no spec case has `bench` set (or none matches --filter)");
    }
    let executor = runtime_executor();
    let options = RunOptions {
        timeout_override: args.limits.timeout,
        default_memory: args.limits.memory,
        ..RunOptions::default()
    };
    crate::outln!(
        "{:<52} {:>26} {:>10} {:>10} {:>10} {:>5}",
        "case",
        "median µs [95% CI]",
        "p95 µs",
        "p99 µs",
        "exec/s",
        "fail"
    );
    let mut results = BTreeMap::new();
    for case in &cases {
        let Some(bench) = case.bench else {
            continue;
        };
        // One run per iteration (the case's own `concurrency` is an
        // isolation check, not a load).
        let mut single = (**case).clone();
        single.concurrency = 1;
        let run = || {
            let r = run_case(&executor, &single, &options);
            if r.verdict.passed {
                Ok(exec_time(&r.outcome))
            } else {
                Err(r
                    .verdict
                    .failures
                    .first()
                    .map(|f| format!("{}: expected {}, got {}", f.what, f.expected, f.actual))
                    .unwrap_or_else(|| "failed".into()))
            }
        };
        let plan = Plan {
            iterations: args.iterations.unwrap_or(bench.iterations.max(1) as usize),
            warmup: args.warmup.unwrap_or(bench.warmup as usize),
            concurrency: args
                .concurrency
                .unwrap_or(bench.concurrency.max(1) as usize),
        };
        let m = measure(plan, &run);
        crate::outln!(
            "{:<52} {:>26} {:>10.1} {:>10.1} {:>10} {:>5}",
            case.summary.full_name,
            format!(
                "{:.1} [{:.1}, {:.1}]",
                m.median_us.point, m.median_us.lo, m.median_us.hi
            ),
            m.latency.p95_us,
            m.latency.p99_us,
            m.throughput
                .as_ref()
                .map_or("-".into(), |t| format!("{:.0}", t.per_second)),
            m.failures(),
        );
        results.insert(case.summary.full_name.clone(), m);
    }
    finish(args, results)
}

/// Compares, saves, reports; the exit status.
fn finish(args: &BenchArgs, results: BTreeMap<String, Measured>) -> ExitCode {
    let mut failed = false;
    for (name, m) in &results {
        if m.failures() > 0 {
            failed = true;
            crate::outln!(
                "FAILED {name}: {} failing iteration(s); first: {}",
                m.failures(),
                m.first_failure.as_deref().unwrap_or("?").trim_end()
            );
        }
    }
    let threshold = args.threshold / 100.0;
    let mut comparisons: BTreeMap<&str, Comparison> = BTreeMap::new();
    let old = match &args.baseline {
        None => None,
        Some(name) => match baseline::load(&args.dir, name) {
            Ok(b) => Some(b),
            Err(e) => return usage_error(&e),
        },
    };
    let mut regressions = 0;
    if let (Some(base), Some(base_name)) = (&old, &args.baseline) {
        crate::outln!(
            "\nagainst baseline '{base_name}' (change of the median, 95% interval; threshold {}%):",
            args.threshold
        );
        for (name, m) in &results {
            let Some(before) = base.cases.get(name) else {
                continue;
            };
            if m.samples_us.is_empty() || before.samples_us.is_empty() {
                crate::outln!("  {name}: no successful iterations to compare");
                continue;
            }
            let c = compare(&before.samples_us, &m.samples_us, threshold);
            let pct = |r: f64| (r - 1.0) * 100.0;
            let word = match c.change {
                Change::Regression => {
                    regressions += 1;
                    "REGRESSION"
                }
                Change::Improvement => "improvement",
                Change::NoChange => "no change",
            };
            crate::outln!(
                "  {name:<52} {:+7.1}% [{:+.1}%, {:+.1}%]  {word}",
                pct(c.ratio.point),
                pct(c.ratio.lo),
                pct(c.ratio.hi)
            );
            comparisons.insert(name.as_str(), c);
        }
        let new_only: Vec<&String> = results
            .keys()
            .filter(|k| !base.cases.contains_key(*k))
            .collect();
        let gone: Vec<&String> = base
            .cases
            .keys()
            .filter(|k| !results.contains_key(*k))
            .collect();
        if !new_only.is_empty() {
            crate::outln!("  not in the baseline (new): {}", join(&new_only));
        }
        if !gone.is_empty() {
            crate::outln!("  in the baseline but not run: {}", join(&gone));
        }
    }
    if let Some(name) = &args.save_baseline {
        match baseline::save(&args.dir, name, &results) {
            Ok(p) => crate::outln!("saved baseline {}", p.display()),
            Err(e) => return usage_error(&e),
        }
    }
    if let Some(dir) = &args.report {
        let rows: Vec<report::Row<'_>> = results
            .iter()
            .map(|(name, m)| report::Row {
                name,
                new: m,
                old: old.as_ref().and_then(|b| b.cases.get(name)),
                comparison: comparisons.get(name.as_str()).copied(),
            })
            .collect();
        match report::write(dir, &rows, args.baseline.as_deref(), args.threshold) {
            Ok(p) => crate::outln!("report: {}", p.display()),
            Err(e) => return usage_error(&e),
        }
    }
    if regressions > 0 {
        crate::outln!(
            "{regressions} regression(s): the whole interval beyond +{}%",
            args.threshold
        );
    }
    if failed || regressions > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
