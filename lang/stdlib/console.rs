//! `console`: output to stdout/stderr. Display uses Python's `str`, so
//! `console.log(true)` prints `True` (as mlpy did).

use crate::error::VmResult;
use crate::native::native_module;
use crate::value::{Style, Value};
use crate::vm::Vm;

fn join(vm: &Vm, args: &[Value]) -> VmResult<String> {
    let mut line = String::new();
    for (i, v) in args.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        line.push_str(&vm.display(v, Style::Str)?);
        crate::native::args::check_len(vm, line.len())?;
    }
    Ok(line)
}

/// Writes the arguments as one line after `prefix`, to stderr or stdout.
fn emit(vm: &mut Vm, args: &[Value], prefix: &str, to_err: bool) -> VmResult<Value> {
    let line = format!("{prefix}{}\n", join(vm, args)?);
    if to_err {
        vm.write_err(&line)?;
    } else {
        vm.write_out(&line)?;
    }
    Ok(Value::Null)
}

fn log(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    emit(vm, args, "", false)
}

fn info(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    emit(vm, args, "INFO: ", false)
}

fn debug(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    emit(vm, args, "DEBUG: ", false)
}

fn error(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    emit(vm, args, "", true)
}

fn warn(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    emit(vm, args, "WARNING: ", true)
}

native_module! {
    name: "console",
    doc: "console output (captured in tests; no capability needed)",
    functions: {
        "log" => log, "(*args): print args separated by spaces";
        "info" => info, "(*args): print with an INFO: prefix";
        "debug" => debug, "(*args): print with a DEBUG: prefix";
        "error" => error, "(*args): print to stderr";
        "warn" => warn, "(*args): print to stderr with a WARNING: prefix";
    }
}
