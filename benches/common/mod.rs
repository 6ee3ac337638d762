//! What the language benches share: the programs and one in-process run.

use mlpy_lang::capability::GrantSet;
use mlpy_lang::host::Host;
use mlpy_lang::syntax::SourceFile;
use mlpy_lang::{compile, Limits, Vm};
use std::hint::black_box;
use std::sync::Arc;

/// A 120-line program using most of the language.
pub const SAMPLE: &str = include_str!("../programs/sample120.ml");
/// Recursive Fibonacci of 27 (calls).
pub const FIB: &str = include_str!("../programs/fib27.ml");
/// A 3-million-step loop (arithmetic and branches).
pub const LOOP: &str = include_str!("../programs/loop_3m.ml");

/// Compiles and runs `src` on a fresh VM without capabilities.
pub fn run(src: &str) {
    let program = compile(Arc::new(SourceFile::new("bench.ml", src))).expect("compiles");
    let mut vm = Vm::new(
        Host::captured(),
        Arc::new(GrantSet::none()),
        Limits::default(),
    );
    black_box(vm.run(&program).expect("runs").value);
    vm.clear_globals();
}
