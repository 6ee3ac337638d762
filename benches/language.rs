//! Language benchmarks: compiling a 120-line program, and running the
//! peer-comparison programs in-process.
//!
//! cargo bench --bench language

// criterion_group! defines an undocumented `pub fn benches`.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::host::Host;
use mlpy_lang::syntax::SourceFile;
use mlpy_lang::{compile, Limits, Vm};
use std::hint::black_box;
use std::sync::Arc;

const SAMPLE: &str = include_str!("programs/sample120.ml");
const FIB: &str = include_str!("programs/fib27.ml");
const LOOP: &str = include_str!("programs/loop_3m.ml");

fn run(src: &str) {
    let program = compile(Arc::new(SourceFile::new("bench.ml", src))).expect("compiles");
    let mut vm = Vm::new(
        Host::captured(),
        Arc::new(GrantSet::none()),
        Limits::default(),
    );
    let r = vm.run(&program).expect("runs");
    black_box(r.value);
    vm.clear_globals();
}

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
