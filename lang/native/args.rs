//! Argument helpers: the one set every native uses to check its arity and
//! read typed arguments, with Python's error messages.

pub use crate::error::arity;
use crate::error::{ErrorKind, MlError, VmResult};
use crate::value::Value;
pub use crate::value::{expect_str, int_arg};
use crate::vm::Vm;
use num_bigint::BigInt;
use num_traits::ToPrimitive;

/// Argument `i`, or `None` when missing or null.
pub fn opt(args: &[Value], i: usize) -> Option<&Value> {
    match args.get(i) {
        None | Some(Value::Null) => None,
        Some(v) => Some(v),
    }
}

/// TypeError unless `f` can be called.
pub fn expect_callable(name: &str, f: &Value) -> VmResult<()> {
    if f.is_callable() {
        Ok(())
    } else {
        Err(MlError::type_error(format!(
            "{name}() expected a function, got {}",
            f.kind_name()
        )))
    }
}

/// Argument `i`, named `what` in the TypeError when it is missing.
pub fn required<'a>(args: &'a [Value], i: usize, func: &str, what: &str) -> VmResult<&'a Value> {
    args.get(i)
        .ok_or_else(|| MlError::type_error(format!("{func}() missing required argument '{what}'")))
}

/// A required string argument.
pub fn str_arg<'a>(args: &'a [Value], i: usize, func: &str, what: &str) -> VmResult<&'a str> {
    expect_str(required(args, i, func, what)?, func, what)
}

/// An integer argument (bools count as 0/1) as a big integer; `None` for
/// any other kind, whose error each caller words.
pub fn big_int(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::Big(b) => Some((**b).clone()),
        _ => None,
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
