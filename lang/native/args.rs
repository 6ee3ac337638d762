//! Argument helpers: the one set every native uses to check its arity and
//! read typed arguments, with Python's error messages.

use crate::error::{ErrorKind, MlError, VmResult};
use crate::value::{expect_str, Value};
use crate::vm::Vm;
use num_traits::ToPrimitive;

/// TypeError unless `min <= args.len() <= max` (`usize::MAX`: no upper bound).
pub fn arity(name: &str, args: &[Value], min: usize, max: usize) -> VmResult<()> {
    if args.len() < min || args.len() > max {
        let expected = if min == max {
            format!("exactly {min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else {
            format!("from {min} to {max}")
        };
        return Err(MlError::type_error(format!(
            "{name}() takes {expected} argument{} ({} given)",
            if max == 1 && min == 1 { "" } else { "s" },
            args.len()
        )));
    }
    Ok(())
}

/// Argument `i`, or `None` when missing or null.
pub fn opt(args: &[Value], i: usize) -> Option<&Value> {
    match args.get(i) {
        None | Some(Value::Null) => None,
        Some(v) => Some(v),
    }
}

/// A required string argument.
pub fn str_arg<'a>(args: &'a [Value], i: usize, func: &str, what: &str) -> VmResult<&'a str> {
    match args.get(i) {
        Some(v) => expect_str(v, func, what),
        None => Err(MlError::type_error(format!(
            "{func}() missing required argument '{what}'"
        ))),
    }
}

/// An integer argument (booleans and integer-like host objects count).
pub fn int_arg(name: &str, v: &Value) -> VmResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::Host(h) if h.0.int_value().is_some() => Ok(v.as_int().unwrap_or(0)),
        Value::Big(_) => Err(MlError::new(
            ErrorKind::OverflowError,
            format!("{name}(): integer argument too large"),
        )),
        other => Err(MlError::type_error(format!(
            "{name}() expected an integer, got {}",
            other.kind_name()
        ))),
    }
}

/// A real argument of a `math`-style function as f64: big integers that do
/// not fit raise OverflowError.
pub fn real_arg(name: &str, v: &Value) -> VmResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Float(f) => Ok(*f),
        Value::Big(b) => match b.to_f64() {
            Some(f) if f.is_finite() => Ok(f),
            _ => Err(MlError::new(
                ErrorKind::OverflowError,
                "int too large to convert to float",
            )),
        },
        other => Err(not_real(name, other)),
    }
}

/// The TypeError for a non-real argument of `math.NAME`.
pub fn not_real(name: &str, v: &Value) -> MlError {
    MlError::type_error(format!(
        "math.{name}() must be a real number, not {}",
        v.kind_name()
    ))
}

/// MemoryError when a string or container of `len` would pass the VM's
/// size limit.
pub fn check_len(vm: &Vm, len: usize) -> VmResult<()> {
    crate::value::ops::check_len(len, vm.limits.max_len)
}
