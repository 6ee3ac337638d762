//! `mlpy-test bench`: performance baselines for spec cases marked
//! `bench`: sequential latency and concurrent throughput through one
//! reused executor, saved and compared against an earlier run.

use clap::Args;
use mlpy_harness::perf::{LatencyStats, PerfTester, ThroughputStats};
use mlpy_harness::spec::{discover, Loader};
use mlpy_harness::{Executor, ExecutorConfig};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Spec files or directories (default: specs/).
    pub paths: Vec<PathBuf>,
    /// Only cases whose name contains this.
    #[arg(long = "filter")]
    pub filters: Vec<String>,
    /// Save the results as this baseline.
    #[arg(long, value_name = "NAME")]
    pub save_baseline: Option<String>,
    /// Compare against this saved baseline.
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// A slowdown beyond this many percent counts as a regression.
    #[arg(long, default_value_t = 10.0)]
    pub threshold: f64,
    /// Where baselines live.
    #[arg(long, default_value = ".mlpy-test/baselines")]
    pub dir: PathBuf,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct BenchResult {
    pub latency: LatencyStats,
    pub throughput: Option<ThroughputStats>,
}

pub fn run(args: BenchArgs) -> ExitCode {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from("specs")]
    } else {
        args.paths.clone()
    };
    let mut cases = Vec::new();
    for root in &roots {
        let (dir, files) = if root.is_file() {
            (
                root.parent().map(PathBuf::from).unwrap_or_default(),
                vec![root.clone()],
            )
        } else if root.is_dir() {
            (root.clone(), discover(root))
        } else {
            eprintln!(
                "mlpy-test: {}: no such spec file or directory",
                root.display()
            );
            return ExitCode::from(2);
        };
        let loader = Loader::new(&dir);
        for f in files {
            match loader.load_file(&f) {
                Ok(cs) => cases.extend(cs.into_iter().filter(|c| {
                    c.bench.is_some()
                        && (args.filters.is_empty()
                            || args
                                .filters
                                .iter()
                                .any(|x| c.full_name.contains(x.as_str())))
                })),
                Err(e) => eprintln!("mlpy-test: skipping {e}"),
            }
        }
    }
    if cases.is_empty() {
        eprintln!("mlpy-test: no spec case has `bench` set");
        return ExitCode::from(2);
    }
    let baseline: Option<BTreeMap<String, BenchResult>> = match &args.baseline {
        None => None,
        Some(name) => {
            let path = args.dir.join(format!("{name}.json"));
            match std::fs::read_to_string(&path).map(|t| serde_json::from_str(&t)) {
                Ok(Ok(b)) => Some(b),
                Ok(Err(e)) => {
                    eprintln!("mlpy-test: {}: invalid baseline: {e}", path.display());
                    return ExitCode::from(2);
                }
                Err(e) => {
                    eprintln!("mlpy-test: cannot read baseline {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            }
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mlpy-test: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let tester = PerfTester::new(Executor::new(ExecutorConfig::default()));
    let mut results = BTreeMap::new();
    let mut regressions = 0;
    println!(
        "{:<48} {:>10} {:>10} {:>10} {:>12} {:>6}",
        "case", "median µs", "p95 µs", "p99 µs", "exec/s", "fail"
    );
    for case in &cases {
        let b = case.bench.expect("filtered on bench");
        let latency = rt.block_on(tester.latency(
            &case.code,
            b.iterations.max(1) as usize,
            b.warmup as usize,
        ));
        let latency = match latency {
            Ok(l) => l,
            Err(e) => {
                eprintln!("mlpy-test: {}: {e}", case.full_name);
                continue;
            }
        };
        let throughput = if b.concurrency > 1 {
            rt.block_on(tester.throughput(
                &case.code,
                b.concurrency as usize,
                b.iterations.max(1) as usize,
            ))
            .ok()
        } else {
            None
        };
        let change = baseline
            .as_ref()
            .and_then(|base| base.get(&case.full_name))
            .map(|old| {
                (latency.median_us - old.latency.median_us) / old.latency.median_us.max(1e-9)
                    * 100.0
            });
        let note = match change {
            Some(pct) if pct > args.threshold => {
                regressions += 1;
                format!("  REGRESSION +{pct:.1}%")
            }
            Some(pct) => format!("  {pct:+.1}%"),
            None => String::new(),
        };
        println!(
            "{:<48} {:>10.1} {:>10.1} {:>10.1} {:>12} {:>6}{note}",
            case.full_name,
            latency.median_us,
            latency.p95_us,
            latency.p99_us,
            throughput
                .as_ref()
                .map(|t| format!("{:.0}", t.per_second))
                .unwrap_or_else(|| "-".into()),
            latency.failures + throughput.as_ref().map_or(0, |t| t.failures),
        );
        results.insert(
            case.full_name.clone(),
            BenchResult {
                latency,
                throughput,
            },
        );
    }
    if let Some(name) = &args.save_baseline {
        let path = args.dir.join(format!("{name}.json"));
        let saved = std::fs::create_dir_all(&args.dir).and_then(|_| {
            std::fs::write(
                &path,
                serde_json::to_string_pretty(&results).unwrap_or_default(),
            )
        });
        match saved {
            Ok(()) => println!("saved baseline {}", path.display()),
            Err(e) => {
                eprintln!("mlpy-test: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    if regressions > 0 {
        println!("{regressions} regression(s) beyond {}%", args.threshold);
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
