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

fn log(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let line = join(vm, args)? + "\n";
    vm.write_out(&line)?;
    Ok(Value::Null)
}

fn info(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let line = format!("INFO: {}\n", join(vm, args)?);
    vm.write_out(&line)?;
    Ok(Value::Null)
}

fn debug(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let line = format!("DEBUG: {}\n", join(vm, args)?);
    vm.write_out(&line)?;
    Ok(Value::Null)
}

fn error(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let line = join(vm, args)? + "\n";
    vm.write_err(&line)?;
    Ok(Value::Null)
}

fn warn(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let line = format!("WARNING: {}\n", join(vm, args)?);
    vm.write_err(&line)?;
    Ok(Value::Null)
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
