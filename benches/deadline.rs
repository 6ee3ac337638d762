//! Deadline overrun: how long after its deadline a program whose time goes
//! into native code actually stops. Each sample runs the program with a
//! 100 ms deadline and records (stop − deadline); criterion reports that
//! overrun. The guarantee is ≤ 50 ms.
//!
//! cargo bench --bench deadline

// criterion_group! defines an undocumented `pub fn benches`.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::host::Host;
use mlpy_lang::syntax::SourceFile;
use mlpy_lang::vm::run_on_vm_thread;
use mlpy_lang::{compile, ErrorKind, Limits, Program, Vm};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_millis(100);

const PROGRAMS: &[(&str, &str)] = &[
    (
        "sha256_loop",
        "import crypto; s = \"ab\" * 16000000; while (true) { crypto.sha256(s); }",
    ),
    (
        "big_sort",
        "a = range(30000000); while (true) { sorted(a, true); }",
    ),
    (
        "long_regex",
        "import regex; s = \"ab\" * 5000000; while (true) { regex.findall(\"[ab]{1,3}b\", s); }",
    ),
];

/// One native call on a maximal input, after a setup run without deadline.
const SINGLE_CALLS: &[(&str, &str, &str)] = &[
    ("str_upper_32mb", "s = \"é\" * 16000000;", "s.upper();"),
    ("str_count_32mb", "s = \"é\" * 16000000;", "s.count(\"é\");"),
    (
        "array_concat_24m",
        "a = range(12000000); b = range(12000000);",
        "a + b;",
    ),
    (
        "array_equal_15m",
        "a = range(15000000); b = a + [];",
        "a == b;",
    ),
    (
        "regex_test_32mb",
        "import regex; s = \"é\" * 16000000;",
        "regex.test(\"[^é]\", s);",
    ),
    (
        "regex_search_unbounded_32mb",
        "import regex; s = \"é\" * 16000000;",
        "regex.search(\"\\\\w+c\", s);",
    ),
    (
        "regex_compile_200kb",
        "import regex; big = \"(a|b)\" * 40000;",
        "regex.compile(big);",
    ),
    ("float_32mb", "n = \"1\" * 32000000;", "float(n);"),
];

/// The deadline of a single call, from its start.
const SINGLE_DEADLINE: Duration = Duration::from_millis(20);

fn compile_ml(src: &'static str) -> Arc<Program> {
    compile(Arc::new(SourceFile::new("bench.ml", src))).expect("compiles")
}

/// Runs `program` on `vm` with a deadline `limit` from now; it must run
/// into it (else the assertion says `what`). Returns how long after the
/// deadline the run ended.
fn run_into_deadline(vm: &mut Vm, program: &Arc<Program>, limit: Duration, what: &str) -> Duration {
    let deadline = Instant::now() + limit;
    vm.set_deadline(Some(deadline));
    let r = vm.run(program);
    let stopped = Instant::now();
    assert!(
        matches!(&r, Err(e) if e.kind() == ErrorKind::Timeout),
        "{what}"
    );
    drop(r);
    vm.clear_globals();
    stopped.saturating_duration_since(deadline)
}

fn fresh_vm() -> Vm {
    Vm::new(
        Host::captured(),
        Arc::new(GrantSet::none()),
        Limits::default(),
    )
}

/// Runs `setup`, then `call` with a deadline; returns the overrun.
fn single_overrun(setup: &'static str, call: &'static str) -> Duration {
    run_on_vm_thread(move || {
        let mut vm = fresh_vm();
        vm.run(&compile_ml(setup)).expect("setup runs");
        let program = compile_ml(call);
        let what = format!("the call must run into its deadline: {call}");
        run_into_deadline(&mut vm, &program, SINGLE_DEADLINE, &what)
    })
}

/// Runs `src` with the deadline; returns how long after it the run ended.
fn overrun(src: &'static str) -> Duration {
    run_on_vm_thread(move || {
        let program = compile_ml(src);
        let what = "the program must run into its deadline";
        run_into_deadline(&mut fresh_vm(), &program, DEADLINE, what)
    })
}

fn deadline(c: &mut Criterion) {
    let mut g = c.benchmark_group("deadline_overrun");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    g.warm_up_time(Duration::from_millis(500));
    for &(name, src) in PROGRAMS {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| (0..iters).map(|_| overrun(src)).sum())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("deadline_overrun_single_call");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    g.warm_up_time(Duration::from_millis(500));
    for &(name, setup, call) in SINGLE_CALLS {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| (0..iters).map(|_| single_overrun(setup, call)).sum())
        });
    }
    g.finish();
}

criterion_group!(benches, deadline);
criterion_main!(benches);
