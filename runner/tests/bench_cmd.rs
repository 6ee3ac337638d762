//! `mlpy-test bench` end to end: plain `.ml` files, spec cases with their
//! grants and world, failing iterations, baselines (missing cases listed;
//! no regression on unchanged code under load; a doubled cost is one),
//! and the HTML report.

mod support;

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use support::{assert_has, text};

fn bench(dir: &Path, args: &[&str]) -> Output {
    support::run_in(dir, &[&["bench"], args].concat())
}

#[test]
fn a_plain_file_with_iterations_concurrency_and_grants() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.txt"), "hello").unwrap();
    let prog = dir.path().join("prog.ml");
    std::fs::write(
        &prog,
        format!(
            "import file;\nt = file.read(\"{}/data.txt\");\nlen(t);\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let grant = format!("file:read:{}/*", dir.path().display());
    let o = bench(
        dir.path(),
        &[
            "prog.ml",
            "--iterations",
            "20",
            "--concurrency",
            "4",
            "--grant",
            &grant,
        ],
    );
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    for row in [
        "20 ok, 0 failed",
        "mean",
        "median",
        "p95",
        "p99",
        "min",
        "max",
        "executions/s",
    ] {
        assert!(out.contains(row), "{row} missing:\n{out}");
    }
    // Without the grant every iteration fails, and so does the run.
    let o = bench(dir.path(), &["prog.ml", "--iterations", "5"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert_has(&out, &["0 ok, 5 failed", "CapabilityViolation"]);
    // Bad input is a usage error.
    assert_eq!(bench(dir.path(), &["nope.ml"]).status.code(), Some(2));
    assert_eq!(
        bench(dir.path(), &["prog.ml", "--iterations", "0"])
            .status
            .code(),
        Some(2)
    );
}

/// A case with a mocked file and a case that fails, each with its own
/// bench settings.
const WORLD_SPEC: &str = include_str!("../../fixtures/cli/bench-world.mltest");

#[test]
fn spec_cases_run_with_their_world_failures_fail_and_baselines_list_missing_cases() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    std::fs::write(specs.join("w.mltest"), WORLD_SPEC).unwrap();
    let o = bench(
        dir.path(),
        &[
            "specs",
            "--filter",
            "mocked",
            "--save-baseline",
            "base",
            "--report",
            "rep",
        ],
    );
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert_has(&out, &["w::reads its mocked file"]);
    // The same names whatever path reaches the specs.
    let o = bench(
        &specs,
        &[
            ".",
            "--baseline",
            "base",
            "--dir",
            "../.mlpy-test/baselines",
        ],
    );
    let out = text(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the failing case fails the run:\n{out}"
    );
    assert_has(
        &out,
        &[
            "FAILED w::wrong on purpose: 5 failing iteration(s)",
            "result: expected 3, got 2",
        ],
    );
    // Compared (ten cold iterations may well differ: no verdict asserted).
    let compared = out
        .lines()
        .skip_while(|l| !l.starts_with("against baseline 'base'"))
        .any(|l| l.contains("w::reads its mocked file") && l.contains('%'));
    assert!(compared, "{out}");
    assert_has(&out, &["not in the baseline (new): w::wrong on purpose"]);
    // A case gone from the run is listed too.
    std::fs::write(
        specs.join("w.mltest"),
        WORLD_SPEC.replace("reads its", "reads a"),
    )
    .unwrap();
    let o = bench(
        dir.path(),
        &["specs", "--filter", "mocked", "--baseline", "base"],
    );
    let out = text(&o);
    assert_has(
        &out,
        &["in the baseline but not run: w::reads its mocked file"],
    );
    // The report is one self-contained page.
    let html = std::fs::read_to_string(dir.path().join("rep/index.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("w::reads its mocked file"));
    // Nothing to fetch: no scripts, images, links or style imports.
    for fetch in ["<script", "src=", "href=\"http", "url(", "@import"] {
        assert!(!html.contains(fetch), "{fetch} in the report");
    }
    // A missing or invalid baseline is a usage error.
    let o = bench(dir.path(), &["specs", "--baseline", "nothing"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = bench(dir.path(), &["specs", "--save-baseline", "../x"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

fn loop_spec(n: u64) -> String {
    format!(
        r#"
[[case]]
name = "sum loop"
bench = {{ iterations = 80, warmup = 10 }}
code = '''
i = 0;
t = 0;
while (i < {n}) {{ t = t + i; i = i + 1; }}
t;
'''
expect.result = {}
"#,
        n * (n - 1) / 2
    )
}

/// Busy threads that compete with the bench for the machine's cores.
struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start() -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let threads = (0..cores)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
                    }
                })
            })
            .collect();
        Load { stop, threads }
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Loads every core for a few seconds: run by `.ci/run` with `--ignored`.
#[test]
#[ignore]
fn baselines_under_load_no_false_regression_and_a_doubled_cost_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    std::fs::write(specs.join("l.mltest"), loop_spec(3000)).unwrap();
    let _load = Load::start();
    let o = bench(dir.path(), &["specs", "--save-baseline", "base"]);
    assert!(o.status.success(), "{}", text(&o));
    for run in 1..=3 {
        let o = bench(dir.path(), &["specs", "--baseline", "base"]);
        let out = text(&o);
        eprintln!("{out}");
        assert!(
            o.status.success() && !out.contains("REGRESSION"),
            "unchanged code, run {run}:\n{out}"
        );
    }
    std::fs::write(specs.join("l.mltest"), loop_spec(6000)).unwrap();
    let o = bench(dir.path(), &["specs", "--baseline", "base"]);
    let out = text(&o);
    eprintln!("{out}");
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert_has(&out, &["REGRESSION"]);
}
