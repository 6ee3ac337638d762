//! The spec runner on 1,000 generated trivial spec files: loading and
//! running them, and listing them (group `harness`).
//!
//! cargo bench --bench harness

// criterion_group! defines an undocumented `pub fn benches`.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use mlpy_harness::spec::{discover, Loader};
use mlpy_harness::suite::{run_case, RunOptions};
use mlpy_harness::{Executor, ExecutorConfig};
use std::path::PathBuf;

fn generate(n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mlpy-bench-specs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for i in 0..n {
        std::fs::write(
            dir.join(format!("t{i}.mltest")),
            "code = \"result = 2 * 3;\"\nexpect.result = 6\n",
        )
        .expect("write spec");
    }
    dir
}

fn harness(c: &mut Criterion) {
    let dir = generate(1000);
    let executor = Executor::new(ExecutorConfig::default());
    let mut g = c.benchmark_group("harness");
    g.sample_size(20);
    g.bench_function("list_1000_specs", |b| {
        b.iter(|| {
            let loader = Loader::new(&dir);
            let n: usize = discover(&dir)
                .iter()
                .map(|f| loader.list_file(f).map(|c| c.len()).unwrap_or(0))
                .sum();
            assert_eq!(n, 1000);
        })
    });
    g.bench_function("run_1000_specs", |b| {
        b.iter(|| {
            let loader = Loader::new(&dir);
            let options = RunOptions::default();
            let mut passed = 0;
            for f in discover(&dir) {
                for case in loader.load_file(&f).expect("loads") {
                    passed += run_case(&executor, &case, &options).verdict.passed as usize;
                }
            }
            assert_eq!(passed, 1000);
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, harness);
criterion_main!(benches);
