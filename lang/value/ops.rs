//! Operators on values (section 5): arithmetic with exact integers,
//! structural equality and ordering.

use super::{MlStr, Value};
use crate::error::{ErrorKind, MlError, VmResult};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::rc::Rc;

/// Nesting beyond this in `==` / `<` is a RecursionError, not a stack overflow.
const MAX_DEPTH: usize = 400;

/// Largest integer result in bits (about 300,000 decimal digits): big
/// integer arithmetic and printing are super-linear, so unbounded growth
/// (`x = x * x` in a loop) would stall past any deadline.
pub const MAX_INT_BITS: u64 = 1_000_000;

/// The error for an integer result over [`MAX_INT_BITS`].
pub fn too_large() -> MlError {
    MlError::new(
        ErrorKind::OverflowError,
        format!("integer result too large (over {MAX_INT_BITS} bits)"),
    )
}

/// Rejects an integer of more than [`MAX_INT_BITS`] bits.
pub fn check_int_bits(bits: u64) -> VmResult<()> {
    if bits > MAX_INT_BITS {
        Err(too_large())
    } else {
        Ok(())
    }
}

/// Checks the operands of a big-integer operation: `mul` adds their sizes.
fn check_big(x: &BigInt, y: &BigInt, mul: bool) -> VmResult<()> {
    let (a, b) = (x.bits(), y.bits());
    let bits = if mul { a + b } else { a.max(b) + 1 };
    if bits > MAX_INT_BITS {
        Err(too_large())
    } else {
        Ok(())
    }
}

/// Numeric view of an operand: booleans count as 0/1.
enum Num<'a> {
    Int(i64),
    Big(&'a BigInt),
    Float(f64),
}

fn num(v: &Value) -> Option<Num<'_>> {
    match v {
        Value::Int(i) => Some(Num::Int(*i)),
        Value::Bool(b) => Some(Num::Int(*b as i64)),
        Value::Float(f) => Some(Num::Float(*f)),
        Value::Big(b) => Some(Num::Big(b)),
        Value::Host(h) => h.0.int_value().map(Num::Int),
        _ => None,
    }
}

fn big_of(n: &Num) -> BigInt {
    match n {
        Num::Int(i) => BigInt::from(*i),
        Num::Big(b) => (*b).clone(),
        Num::Float(_) => unreachable!("float operand"),
    }
}

fn to_float(n: &Num) -> VmResult<f64> {
    Ok(match n {
        Num::Int(i) => *i as f64,
        Num::Float(f) => *f,
        Num::Big(b) => match b.to_f64() {
            Some(f) if f.is_finite() => f,
            _ => {
                return Err(MlError::new(
                    ErrorKind::OverflowError,
                    "int too large to convert to float",
                ))
            }
        },
    })
}

fn type_error(op: &str, a: &Value, b: &Value) -> MlError {
    MlError::type_error(format!(
        "unsupported operand type(s) for {op}: '{}' and '{}'",
        a.kind_name(),
        b.kind_name()
    ))
}

fn zero_div(msg: &str) -> MlError {
    MlError::new(ErrorKind::ZeroDivisionError, msg)
}

/// Integer or float arithmetic; `None` when an operand is not a number.
fn arith(
    a: &Value,
    b: &Value,
    int_op: fn(i64, i64) -> Option<i64>,
    big_op: fn(BigInt, BigInt) -> BigInt,
    float_op: fn(f64, f64) -> f64,
    mul: bool,
) -> Option<VmResult<Value>> {
    let (x, y) = (num(a)?, num(b)?);
    Some(match (&x, &y) {
        (Num::Int(i), Num::Int(j)) => Ok(match int_op(*i, *j) {
            Some(r) => Value::Int(r),
            None => Value::from_big(big_op(BigInt::from(*i), BigInt::from(*j))),
        }),
        (Num::Float(_), _) | (_, Num::Float(_)) => {
            (|| Ok(Value::Float(float_op(to_float(&x)?, to_float(&y)?))))()
        }
        _ => {
            let (bx, by) = (big_of(&x), big_of(&y));
            match check_big(&bx, &by, mul) {
                Ok(()) => Ok(Value::from_big(big_op(bx, by))),
                Err(e) => Err(e),
            }
        }
    })
}

/// `a + b` (for callers whose operands cannot be long sequences).
pub fn add(a: &Value, b: &Value, max_len: usize) -> VmResult<Value> {
    add_m(a, b, max_len, &mut crate::limits::Meter::unlimited())
}

/// `a + b`, charging the meter while it copies sequences.
pub fn add_m(
    a: &Value,
    b: &Value,
    max_len: usize,
    meter: &mut crate::limits::Meter,
) -> VmResult<Value> {
    if let Some(r) = arith(a, b, i64::checked_add, |x, y| x + y, |x, y| x + y, false) {
        return r;
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => {
            check_len(x.as_str().len() + y.as_str().len(), max_len)?;
            Ok(Value::Str(Rc::new(MlStr::concat(x, y))))
        }
        (Value::Array(x), Value::Array(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            check_len(x.len() + y.len(), max_len)?;
            let mut v = Vec::with_capacity(x.len() + y.len());
            meter.extend_repeated(&mut v, &x, 1)?;
            meter.extend_repeated(&mut v, &y, 1)?;
            Ok(Value::array(v))
        }
        (Value::Tuple(x), Value::Tuple(y)) => {
            check_len(x.len() + y.len(), max_len)?;
            let mut v = Vec::with_capacity(x.len() + y.len());
            meter.extend_repeated(&mut v, x, 1)?;
            meter.extend_repeated(&mut v, y, 1)?;
            Ok(Value::tuple(v))
        }
        _ => Err(type_error("+", a, b)),
    }
}

/// `a - b`.
pub fn sub(a: &Value, b: &Value) -> VmResult<Value> {
    arith(a, b, i64::checked_sub, |x, y| x - y, |x, y| x - y, false)
        .unwrap_or_else(|| Err(type_error("-", a, b)))
}

/// Bytes of one value in an array (for memory reservations).
pub const VALUE_BYTES: usize = std::mem::size_of::<Value>();

/// `a * b`, including repetition of strings, arrays and tuples (capped at `max_len`, metered).
pub fn mul(
    a: &Value,
    b: &Value,
    max_len: usize,
    meter: &mut crate::limits::Meter,
) -> VmResult<Value> {
    if let Some(r) = arith(a, b, i64::checked_mul, |x, y| x * y, |x, y| x * y, true) {
        return r;
    }
    let (seq, count) = match (a, b) {
        (Value::Str(_) | Value::Array(_) | Value::Tuple(_), n) if int_like(n) => (a, n),
        (n, Value::Str(_) | Value::Array(_) | Value::Tuple(_)) if int_like(n) => (b, n),
        _ => return Err(type_error("*", a, b)),
    };
    let n = match count {
        Value::Int(i) => (*i).max(0) as u64,
        Value::Bool(b) => *b as u64,
        Value::Big(b) if b.is_negative() => 0,
        Value::Host(_) => count.as_int().unwrap_or(0).max(0) as u64,
        _ => u64::MAX,
    };
    let repeat = |unit: usize| -> VmResult<usize> {
        let total = (unit as u64).saturating_mul(n);
        check_len(total.min(usize::MAX as u64) as usize, max_len)?;
        Ok(n as usize)
    };
    match seq {
        Value::Str(s) => {
            let n = if s.as_str().is_empty() {
                0
            } else {
                repeat(s.as_str().len())?
            };
            let unit = s.as_str();
            meter.reserve(unit.len().saturating_mul(n))?;
            let mut out = String::with_capacity(unit.len() * n);
            // Whole copies per ~64 KiB step, so a huge repetition is metered.
            let step = ((1 << 16) / unit.len().max(1)).max(1);
            let mut left = n;
            while left > 0 {
                let k = left.min(step);
                meter.charge(crate::limits::byte_cost(k * unit.len()))?;
                out.push_str(&unit.repeat(k));
                left -= k;
            }
            Ok(Value::string(out))
        }
        Value::Array(items) => {
            let items = items.borrow();
            let n = if items.is_empty() {
                0
            } else {
                repeat(items.len())?
            };
            let mut v = Vec::with_capacity(items.len() * n);
            meter.extend_repeated(&mut v, &items, n)?;
            Ok(Value::array(v))
        }
        Value::Tuple(items) => {
            let n = if items.is_empty() {
                0
            } else {
                repeat(items.len())?
            };
            let mut v = Vec::with_capacity(items.len() * n);
            meter.extend_repeated(&mut v, items, n)?;
            Ok(Value::tuple(v))
        }
        _ => unreachable!(),
    }
}

fn int_like(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::Big(_))
        || matches!(v, Value::Host(_) if v.as_int().is_some())
}

/// MemoryError when a result of `len` items would pass `max_len`.
pub fn check_len(len: usize, max_len: usize) -> VmResult<()> {
    if len > max_len {
        Err(MlError::new(
            ErrorKind::MemoryError,
            format!("result of {len} items exceeds the limit of {max_len}"),
        ))
    } else {
        Ok(())
    }
}

/// `a / b`: always a float, as in Python.
pub fn div(a: &Value, b: &Value) -> VmResult<Value> {
    let (Some(x), Some(y)) = (num(a), num(b)) else {
        return Err(type_error("/", a, b));
    };
    if let (Num::Int(i), Num::Int(j)) = (&x, &y) {
        if *j == 0 {
            return Err(zero_div("division by zero"));
        }
        // Exact when both fit in f64's mantissa, as Python's true division.
        return Ok(Value::Float(*i as f64 / *j as f64));
    }
    if let (Num::Float(_), _) | (_, Num::Float(_)) = (&x, &y) {
        let d = to_float(&y)?;
        if d == 0.0 {
            return Err(zero_div("float division by zero"));
        }
        return Ok(Value::Float(to_float(&x)? / d));
    }
    let (bx, by) = (big_of(&x), big_of(&y));
    if by.is_zero() {
        return Err(zero_div("division by zero"));
    }
    // Big integers: divide exactly via the quotient/remainder to keep precision.
    let (q, r) = bx.div_rem(&by);
    let qf = q.to_f64().unwrap_or(f64::INFINITY);
    let rf = r.to_f64().unwrap_or(0.0) / by.to_f64().unwrap_or(f64::INFINITY);
    let f = qf + rf;
    if f.is_infinite() {
        return Err(MlError::new(
            ErrorKind::OverflowError,
            "integer division result too large for a float",
        ));
    }
    Ok(Value::Float(f))
}

/// `a // b`: floored, as in Python.
pub fn floor_div(a: &Value, b: &Value) -> VmResult<Value> {
    let (Some(x), Some(y)) = (num(a), num(b)) else {
        return Err(type_error("//", a, b));
    };
    match (&x, &y) {
        (Num::Float(_), _) | (_, Num::Float(_)) => {
            let (p, q) = (to_float(&x)?, to_float(&y)?);
            if q == 0.0 {
                return Err(zero_div("float floor division by zero"));
            }
            Ok(Value::Float(py_float_floordiv(p, q)))
        }
        (Num::Int(i), Num::Int(j)) => {
            if *j == 0 {
                return Err(zero_div("integer division or modulo by zero"));
            }
            match i.checked_div_euclid(*j) {
                Some(_) => Ok(Value::Int(i.div_floor(j))),
                None => Ok(Value::from_big(
                    BigInt::from(*i).div_floor(&BigInt::from(*j)),
                )),
            }
        }
        _ => {
            let by = big_of(&y);
            if by.is_zero() {
                return Err(zero_div("integer division or modulo by zero"));
            }
            Ok(Value::from_big(big_of(&x).div_floor(&by)))
        }
    }
}

/// `a % b`: the sign of `b`, as in Python.
pub fn modulo(a: &Value, b: &Value) -> VmResult<Value> {
    let (Some(x), Some(y)) = (num(a), num(b)) else {
        return Err(type_error("%", a, b));
    };
    match (&x, &y) {
        (Num::Float(_), _) | (_, Num::Float(_)) => {
            let (p, q) = (to_float(&x)?, to_float(&y)?);
            if q == 0.0 {
                return Err(zero_div("float modulo"));
            }
            Ok(Value::Float(py_float_mod(p, q)))
        }
        (Num::Int(i), Num::Int(j)) => {
            if *j == 0 {
                return Err(zero_div("integer division or modulo by zero"));
            }
            match i.checked_rem_euclid(*j) {
                Some(_) => Ok(Value::Int(i.mod_floor(j))),
                None => Ok(Value::Int(0)),
            }
        }
        _ => {
            let by = big_of(&y);
            if by.is_zero() {
                return Err(zero_div("integer division or modulo by zero"));
            }
            Ok(Value::from_big(big_of(&x).mod_floor(&by)))
        }
    }
}

/// Python's float `%`: the result has the sign of the divisor.
pub(crate) fn py_float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m + b
        } else {
            m
        }
    } else {
        0.0f64.copysign(b)
    }
}

pub(crate) fn py_float_floordiv(a: f64, b: f64) -> f64 {
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let floor = div.floor();
        if div - floor > 0.5 {
            floor + 1.0
        } else {
            floor
        }
    } else {
        0.0f64.copysign(a / b)
    }
}

/// `-a`.
pub fn neg(a: &Value) -> VmResult<Value> {
    match a {
        Value::Int(i) => Ok(match i.checked_neg() {
            Some(r) => Value::Int(r),
            None => Value::from_big(-BigInt::from(*i)),
        }),
        Value::Bool(b) => Ok(Value::Int(-(*b as i64))),
        Value::Float(f) => Ok(Value::Float(-f)),
        Value::Big(b) => Ok(Value::from_big(-(**b).clone())),
        // An int subclass (a regex flag) negates as its integer.
        other => match other.as_int() {
            Some(i) => neg(&Value::Int(i)),
            None => Err(MlError::type_error(format!(
                "bad operand type for unary -: '{}'",
                other.kind_name()
            ))),
        },
    }
}

/// `+a` (a bool becomes an int).
pub fn pos(a: &Value) -> VmResult<Value> {
    match a {
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Int(_) | Value::Float(_) | Value::Big(_) => Ok(a.clone()),
        other => match other.as_int() {
            Some(i) => Ok(Value::Int(i)),
            None => Err(MlError::type_error(format!(
                "bad operand type for unary +: '{}'",
                other.kind_name()
            ))),
        },
    }
}

/// Structural equality (section 5.2).
pub fn values_equal(a: &Value, b: &Value) -> VmResult<bool> {
    eq_depth(a, b, 0, &mut crate::limits::Meter::unlimited())
}

/// Structural equality, charging the meter per value visited: comparing
/// maximal (or much-shared) structures stops at the deadline.
pub fn values_equal_m(a: &Value, b: &Value, meter: &mut crate::limits::Meter) -> VmResult<bool> {
    eq_depth(a, b, 0, meter)
}

fn eq_depth(
    a: &Value,
    b: &Value,
    depth: usize,
    meter: &mut crate::limits::Meter,
) -> VmResult<bool> {
    meter.charge(1)?;
    if depth > MAX_DEPTH {
        return Err(MlError::new(
            ErrorKind::RecursionError,
            "maximum recursion depth exceeded in comparison",
        ));
    }
    Ok(match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Str(x), Value::Str(y)) => Rc::ptr_eq(x, y) || x.as_str() == y.as_str(),
        (Value::Array(x), Value::Array(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            let (x, y) = (x.borrow(), y.borrow());
            seq_eq(&x, &y, depth, meter)?
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq_eq(x, y, depth, meter)?,
        (Value::Object(x), Value::Object(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            let (x, y) = (x.borrow(), y.borrow());
            if x.len() != y.len() {
                return Ok(false);
            }
            for (k, v) in x.iter() {
                match y.get(k) {
                    Some(w) => {
                        if !eq_depth(v, w, depth + 1, meter)? {
                            return Ok(false);
                        }
                    }
                    None => return Ok(false),
                }
            }
            true
        }
        (Value::Function(x), Value::Function(y)) => Rc::ptr_eq(x, y),
        (Value::Builtin(x), Value::Builtin(y)) => std::ptr::eq(*x, *y),
        (Value::Native(x), Value::Native(y)) => Rc::ptr_eq(x, y),
        (Value::Module(x), Value::Module(y)) => Rc::ptr_eq(x, y),
        (Value::Host(x), Value::Host(y)) if x.0.int_value().is_none() => Rc::ptr_eq(x, y),
        (Value::Error(x), Value::Error(y)) => Rc::ptr_eq(x, y),
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => num_cmp(&x, &y) == Some(Ordering::Equal),
            _ => false,
        },
    })
}

fn seq_eq(
    x: &[Value],
    y: &[Value],
    depth: usize,
    meter: &mut crate::limits::Meter,
) -> VmResult<bool> {
    if x.len() != y.len() {
        return Ok(false);
    }
    for (a, b) in x.iter().zip(y) {
        if !eq_depth(a, b, depth + 1, meter)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn num_cmp(x: &Num, y: &Num) -> Option<Ordering> {
    match (x, y) {
        (Num::Int(a), Num::Int(b)) => Some(a.cmp(b)),
        (Num::Float(a), Num::Float(b)) => a.partial_cmp(b),
        (Num::Int(a), Num::Float(b)) => cmp_int_float(&BigInt::from(*a), *b),
        (Num::Float(a), Num::Int(b)) => cmp_int_float(&BigInt::from(*b), *a).map(Ordering::reverse),
        (Num::Big(a), Num::Float(b)) => cmp_int_float(a, *b),
        (Num::Float(a), Num::Big(b)) => cmp_int_float(b, *a).map(Ordering::reverse),
        (Num::Big(a), Num::Big(b)) => Some(a.cmp(b)),
        (Num::Big(a), Num::Int(b)) => Some((*a).cmp(&BigInt::from(*b))),
        (Num::Int(a), Num::Big(b)) => Some(BigInt::from(*a).cmp(b)),
    }
}

/// Exact comparison of an integer with a float (no rounding of either).
fn cmp_int_float(i: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    if let Some(small) = i.to_i64() {
        if small.unsigned_abs() < (1u64 << 53) {
            return (small as f64).partial_cmp(&f);
        }
    }
    let fl = f.floor();
    let fb = num_bigint::BigInt::from(fl as i128);
    let fb = if fl.abs() < 1.0e38 {
        fb
    } else {
        // Beyond i128: go through the float's exact decimal expansion.
        format!("{fl:.0}").parse::<BigInt>().unwrap_or(fb)
    };
    match i.cmp(&fb) {
        Ordering::Equal if f > fl => Some(Ordering::Less),
        other => Some(other),
    }
}

/// Ordering for `<`, `>`, `<=`, `>=` and sorting. `Ok(None)` means
/// unordered (NaN involved): every comparison is false.
pub fn compare(a: &Value, b: &Value) -> VmResult<Option<Ordering>> {
    cmp_depth(a, b, 0, &mut crate::limits::Meter::unlimited())
}

/// [`compare`], charging the meter per value visited.
pub fn compare_m(
    a: &Value,
    b: &Value,
    meter: &mut crate::limits::Meter,
) -> VmResult<Option<Ordering>> {
    cmp_depth(a, b, 0, meter)
}

fn cmp_depth(
    a: &Value,
    b: &Value,
    depth: usize,
    meter: &mut crate::limits::Meter,
) -> VmResult<Option<Ordering>> {
    meter.charge(1)?;
    if depth > MAX_DEPTH {
        return Err(MlError::new(
            ErrorKind::RecursionError,
            "maximum recursion depth exceeded in comparison",
        ));
    }
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return Ok(num_cmp(&x, &y));
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(Some(x.as_str().cmp(y.as_str()))),
        (Value::Array(x), Value::Array(y)) => {
            // Comparing runs no ML code, so nothing mutates while borrowed.
            let (x, y) = (x.borrow(), y.borrow());
            seq_cmp(&x, &y, depth, meter)
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq_cmp(x, y, depth, meter),
        _ => Err(MlError::type_error(format!(
            "'<' not supported between instances of '{}' and '{}'",
            a.kind_name(),
            b.kind_name()
        ))),
    }
}

fn seq_cmp(
    x: &[Value],
    y: &[Value],
    depth: usize,
    meter: &mut crate::limits::Meter,
) -> VmResult<Option<Ordering>> {
    for (a, b) in x.iter().zip(y) {
        if !eq_depth(a, b, depth + 1, meter)? {
            return cmp_depth(a, b, depth + 1, meter);
        }
    }
    Ok(Some(x.len().cmp(&y.len())))
}

/// What `len` reports: characters, items, keys or bytes (0 for others).
pub fn length(v: &Value) -> usize {
    match v {
        Value::Str(s) => s.char_len(),
        Value::Array(a) => a.borrow().len(),
        Value::Object(o) => o.borrow().len(),
        Value::Tuple(t) => t.len(),
        Value::Bytes(b) => b.len(),
        _ => 0,
    }
}

/// `abs` of a number.
pub fn abs(v: &Value) -> VmResult<Value> {
    match v {
        Value::Int(i) => Ok(match i.checked_abs() {
            Some(a) => Value::Int(a),
            None => Value::from_big(BigInt::from(*i).abs()),
        }),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        Value::Big(b) => Ok(Value::from_big(b.abs())),
        other => Err(MlError::type_error(format!(
            "bad operand type for abs(): '{}'",
            other.kind_name()
        ))),
    }
}

/// Resolves a possibly negative index against a length.
pub fn resolve_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let i = if i < 0 { i.checked_add(len)? } else { i };
    (0..len).contains(&i).then_some(i as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(n: i64) -> Value {
        Value::Int(n)
    }

    #[test]
    fn python_division_rules() {
        assert!(matches!(div(&i(7), &i(2)).unwrap(), Value::Float(f) if f == 3.5));
        assert!(matches!(floor_div(&i(-7), &i(2)).unwrap(), Value::Int(-4)));
        assert!(matches!(modulo(&i(-7), &i(3)).unwrap(), Value::Int(2)));
        assert!(matches!(modulo(&i(7), &i(-3)).unwrap(), Value::Int(-2)));
        assert!(
            matches!(floor_div(&Value::Float(7.5), &i(2)).unwrap(), Value::Float(f) if f == 3.0)
        );
        assert!(matches!(modulo(&Value::Float(10.5), &i(3)).unwrap(), Value::Float(f) if f == 1.5));
        assert_eq!(
            div(&i(1), &i(0)).unwrap_err().kind(),
            ErrorKind::ZeroDivisionError
        );
        assert_eq!(
            modulo(&i(1), &i(0)).unwrap_err().kind(),
            ErrorKind::ZeroDivisionError
        );
        assert!(matches!(
            floor_div(&i(i64::MIN), &i(-1)).unwrap(),
            Value::Big(_)
        ));
    }

    #[test]
    fn huge_integers_are_refused_not_computed() {
        let mut x = Value::Int(3);
        let mut err = None;
        for _ in 0..40 {
            match mul(&x, &x, usize::MAX, &mut crate::limits::Meter::unlimited()) {
                Ok(v) => x = v,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        assert_eq!(err.unwrap().kind(), ErrorKind::OverflowError);
    }

    #[test]
    fn overflow_promotes() {
        let big = mul(
            &i(i64::MAX),
            &i(2),
            usize::MAX,
            &mut crate::limits::Meter::unlimited(),
        )
        .unwrap();
        assert!(matches!(big, Value::Big(_)));
        let back = sub(&big, &i(i64::MAX)).unwrap();
        assert!(matches!(back, Value::Int(i64::MAX)));
    }

    #[test]
    fn equality_is_structural() {
        assert!(values_equal(&i(1), &Value::Float(1.0)).unwrap());
        assert!(values_equal(&Value::Bool(true), &i(1)).unwrap());
        assert!(!values_equal(&Value::Null, &Value::Bool(false)).unwrap());
        assert!(!values_equal(&Value::str("1"), &i(1)).unwrap());
        let a = Value::array(vec![i(1), i(2)]);
        let b = Value::array(vec![Value::Float(1.0), Value::Float(2.0)]);
        assert!(values_equal(&a, &b).unwrap());
        assert!(!values_equal(&a, &Value::tuple(vec![i(1), i(2)])).unwrap());
    }

    #[test]
    fn ordering() {
        assert_eq!(
            compare(&Value::str("B"), &Value::str("a")).unwrap(),
            Some(Ordering::Less)
        );
        let short = Value::array(vec![i(1), i(2)]);
        let long = Value::array(vec![i(1), i(2), i(3)]);
        assert_eq!(compare(&short, &long).unwrap(), Some(Ordering::Less));
        assert!(compare(&i(1), &Value::str("a")).is_err());
        assert!(compare(&Value::Null, &i(1)).is_err());
        assert_eq!(compare(&Value::Float(f64::NAN), &i(1)).unwrap(), None);
        let big = Value::from_big(BigInt::from(2).pow(70));
        assert_eq!(
            compare(&big, &Value::Float(1e30)).unwrap(),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn repetition_and_caps() {
        assert!(
            matches!(mul(&Value::str("ab"), &i(0), 100, &mut crate::limits::Meter::unlimited()).unwrap(), Value::Str(s) if s.as_str().is_empty())
        );
        let r = mul(
            &Value::str("ab"),
            &i(1_000_000),
            1000,
            &mut crate::limits::Meter::unlimited(),
        )
        .unwrap_err();
        assert_eq!(r.kind(), ErrorKind::MemoryError);
        assert!(
            matches!(mul(&Value::array(vec![i(0)]), &i(3), 100, &mut crate::limits::Meter::unlimited()).unwrap(), Value::Array(a) if a.borrow().len() == 3)
        );
    }
}
