//! Fixed-count versions of the `executor` and `language` benches, for
//! counting instructions under callgrind: counts do not depend on the
//! machine's load, so two commits can be compared on a busy machine.
//! `benches/instructions.sh` runs every workload and prints instructions
//! per iteration.
//!
//! target/release/deps/instructions-* WORKLOAD [N]

mod common;

use common::{run, FIB, LOOP, SAMPLE};
use mlpy_harness::{ExecRequest, Executor, ExecutorConfig, Session, SessionOptions};
use mlpy_lang::syntax::SourceFile;
use mlpy_lang::{compile, Data};
use std::hint::black_box;
use std::sync::Arc;

const SMALL: &str = "result = 2 + 2;";

const WORKLOADS: &[&str] = &[
    "execute_small",
    "callback_add",
    "throughput_c50",
    "parse_compile_120",
    "run_sample_120",
    "fib27",
    "loop_3m",
    "none",
];

fn main() {
    // `cargo bench` adds flags such as `--bench`.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(workload) = args.first() else {
        println!(
            "usage: instructions WORKLOAD [N]; workloads: {}",
            WORKLOADS.join(" ")
        );
        return;
    };
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let ex = Executor::new(ExecutorConfig::default());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match workload.as_str() {
        "execute_small" => {
            for _ in 0..n {
                assert!(rt
                    .block_on(ex.execute(ExecRequest::new(SMALL)))
                    .status
                    .is_ok());
            }
        }
        "callback_add" => {
            let session = Session::new(SessionOptions::default());
            session.execute("function add(a, b) { return a + b; }");
            let add = session.callback("add").expect("callback");
            let args = [Data::Int(3), Data::Int(4)];
            for _ in 0..n {
                black_box(add.call(black_box(&args))).expect("adds");
            }
        }
        "throughput_c50" => {
            for _ in 0..n {
                rt.block_on(async {
                    let jobs: Vec<_> = (0..50)
                        .map(|_| {
                            let ex = ex.clone();
                            tokio::spawn(async move { ex.execute(ExecRequest::new(SMALL)).await })
                        })
                        .collect();
                    for j in jobs {
                        assert!(j.await.expect("task").status.is_ok());
                    }
                })
            }
        }
        "parse_compile_120" => {
            for _ in 0..n {
                black_box(compile(Arc::new(SourceFile::new("s.ml", SAMPLE))).expect("compiles"));
            }
        }
        "run_sample_120" => (0..n).for_each(|_| run(SAMPLE)),
        "fib27" => (0..n).for_each(|_| run(FIB)),
        "loop_3m" => (0..n).for_each(|_| run(LOOP)),
        "none" => {}
        other => {
            eprintln!("unknown workload {other}; one of: {}", WORKLOADS.join(" "));
            std::process::exit(2);
        }
    }
}
