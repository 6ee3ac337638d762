//! Executor benchmarks (group `executor`).
//!
//! cargo bench --bench executor

// criterion_group! defines an undocumented `pub fn benches`.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mlpy_harness::{ExecRequest, Executor, ExecutorConfig, Session, SessionOptions};
use mlpy_lang::Data;
use std::hint::black_box;

fn executor(c: &mut Criterion) {
    let ex = Executor::new(ExecutorConfig::default());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut g = c.benchmark_group("executor");
    g.bench_function("execute_small", |b| {
        b.iter(|| {
            let o = rt.block_on(ex.execute(ExecRequest::new("result = 2 + 2;")));
            assert!(o.status.is_ok());
            black_box(o)
        })
    });

    let session = Session::new(SessionOptions::default());
    session.execute("function add(a, b) { return a + b; }");
    let add = session.callback("add").expect("callback");
    let args = [Data::Int(3), Data::Int(4)];
    g.bench_function("callback_add", |b| {
        b.iter(|| black_box(add.call(black_box(&args))))
    });

    g.throughput(Throughput::Elements(50));
    g.bench_function("throughput_c50", |b| {
        b.iter(|| {
            rt.block_on(async {
                let jobs: Vec<_> = (0..50)
                    .map(|_| {
                        let ex = ex.clone();
                        tokio::spawn(async move {
                            ex.execute(ExecRequest::new("result = 2 + 2;")).await
                        })
                    })
                    .collect();
                for j in jobs {
                    assert!(j.await.expect("task").status.is_ok());
                }
            })
        })
    });
    g.finish();
}

criterion_group!(benches, executor);
criterion_main!(benches);
