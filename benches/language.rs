//! Language benchmarks: compiling a 120-line program, and running the
//! peer-comparison programs in-process.
//!
//! cargo bench --bench language

// criterion_group! defines an undocumented `pub fn benches`.
#![allow(missing_docs)]

mod common;

use common::{run, FIB, LOOP, SAMPLE};
use criterion::{criterion_group, criterion_main, Criterion};
use mlpy_lang::compile;
use mlpy_lang::syntax::SourceFile;
use std::hint::black_box;
use std::sync::Arc;

fn language(c: &mut Criterion) {
    let mut g = c.benchmark_group("language");
    g.bench_function("parse_compile_120", |b| {
        b.iter(|| {
            compile(Arc::new(SourceFile::new("sample.ml", black_box(SAMPLE)))).expect("compiles")
        })
    });
    g.bench_function("run_sample_120", |b| b.iter(|| run(SAMPLE)));
    g.sample_size(10);
    g.bench_function("fib27", |b| b.iter(|| run(FIB)));
    g.bench_function("loop_3m", |b| b.iter(|| run(LOOP)));
    g.finish();
}

criterion_group!(benches, language);
criterion_main!(benches);
