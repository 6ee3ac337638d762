//! Prints the bytecode of an ML file, or runs it with `--run` (a quick
//! build for profiling the VM without the harness):
//! `cargo run -p mlpy-lang --example disasm [--run] FILE`.
use mlpy_lang::capability::GrantSet;
use mlpy_lang::host::Host;
use mlpy_lang::{Limits, Vm};
use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let run = args.iter().any(|a| a == "--run");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .expect("usage: disasm [--run] FILE");
    let src = std::fs::read_to_string(path).expect("readable file");
    let file = Arc::new(mlpy_lang::syntax::SourceFile::new(path, &src));
    let program = match mlpy_lang::compile(file) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{}", e.render());
            std::process::exit(1);
        }
    };
    if !run {
        print!("{}", program.disassemble());
        return;
    }
    let mut vm = Vm::new(Host::real(), Arc::new(GrantSet::none()), Limits::default());
    if let Err(e) = vm.run(&program) {
        eprint!("{}", e.render());
        std::process::exit(1);
    }
}
