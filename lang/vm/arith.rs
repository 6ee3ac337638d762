//! Binary operators in the dispatch loop: unboxed fast paths for
//! `int op int`, `float op float` and mixed numbers, inlined into the
//! loop; everything else (big integers, overflow, strings, sequences,
//! errors) goes through `value::ops` out of line, charged for its work.

use super::Vm;
use crate::compile::BinOp;
use crate::error::VmResult;
use crate::value::{self, ops, Value};
use num_integer::Integer;

/// Integers up to this magnitude convert to `f64` exactly, so comparing
/// one with a float through `f64` is exact (Python compares exactly).
const EXACT_IN_F64: i64 = 1 << 53;

/// An unboxed result, written straight to its destination (a `Value`
/// assembled first would go through memory).
#[derive(Clone, Copy)]
pub(super) enum Num {
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Num {
    /// As a value.
    #[inline(always)]
    pub(super) fn value(self) -> Value {
        match self {
            Num::Int(i) => Value::Int(i),
            Num::Float(f) => Value::Float(f),
            Num::Bool(b) => Value::Bool(b),
        }
    }
}

/// The result of `a <op> b` when both are numbers with a result that
/// needs no allocation and raises no error; `None` otherwise.
#[inline(always)]
pub(super) fn fast(op: BinOp, a: &Value, b: &Value) -> Option<Num> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => int(op, *x, *y),
        (Value::Float(x), Value::Float(y)) => float(op, *x, *y),
        (Value::Int(x), Value::Float(y)) if exact_for(op, *x) => float(op, *x as f64, *y),
        (Value::Float(x), Value::Int(y)) if exact_for(op, *y) => float(op, *x, *y as f64),
        _ => None,
    }
}

/// Arithmetic converts any integer with `as f64` (as `value::ops` does);
/// comparisons only integers that convert exactly.
#[inline(always)]
fn exact_for(op: BinOp, i: i64) -> bool {
    !is_compare(op) || (-EXACT_IN_F64..=EXACT_IN_F64).contains(&i)
}

#[inline(always)]
fn is_compare(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge
    )
}

/// The six comparisons, for integers and floats alike (IEEE comparisons
/// are Python's: NaN is unequal and unordered); `None` for other operators.
#[inline(always)]
fn compare<T: PartialOrd>(op: BinOp, x: T, y: T) -> Option<bool> {
    Some(match op {
        BinOp::Eq => x == y,
        BinOp::Ne => x != y,
        BinOp::Lt => x < y,
        BinOp::Gt => x > y,
        BinOp::Le => x <= y,
        BinOp::Ge => x >= y,
        _ => return None,
    })
}

#[inline(always)]
fn int(op: BinOp, x: i64, y: i64) -> Option<Num> {
    Some(match op {
        BinOp::Add => Num::Int(x.checked_add(y)?),
        BinOp::Sub => Num::Int(x.checked_sub(y)?),
        BinOp::Mul => Num::Int(x.checked_mul(y)?),
        BinOp::Div if y != 0 => Num::Float(x as f64 / y as f64),
        BinOp::FloorDiv if y != 0 && !(x == i64::MIN && y == -1) => {
            Num::Int(Integer::div_floor(&x, &y))
        }
        BinOp::Mod if y != 0 => {
            // Python's sign: the remainder takes the divisor's sign.
            let r = x.wrapping_rem(y);
            Num::Int(if r != 0 && (r ^ y) < 0 { r + y } else { r })
        }
        _ => return compare(op, x, y).map(Num::Bool),
    })
}

#[inline(always)]
fn float(op: BinOp, x: f64, y: f64) -> Option<Num> {
    Some(match op {
        BinOp::Add => Num::Float(x + y),
        BinOp::Sub => Num::Float(x - y),
        BinOp::Mul => Num::Float(x * y),
        BinOp::Div if y != 0.0 => Num::Float(x / y),
        BinOp::FloorDiv if y != 0.0 => Num::Float(ops::py_float_floordiv(x, y)),
        BinOp::Mod if y != 0.0 => Num::Float(ops::py_float_mod(x, y)),
        _ => return compare(op, x, y).map(Num::Bool),
    })
}

impl Vm {
    /// `a <op> b` in general: charged for the operands' size (a string
    /// or array repetition for what it builds) and checked for limits.
    #[inline(never)]
    pub(super) fn binary_slow(&mut self, op: BinOp, a: &Value, b: &Value) -> VmResult<Value> {
        self.charge(super::operands_cost(a, b))?;
        Ok(match op {
            BinOp::Add => ops::add_m(a, b, self.limits.max_len, &mut self.meter())?,
            BinOp::Sub => ops::sub(a, b)?,
            BinOp::Mul => ops::mul(a, b, self.limits.max_len, &mut self.meter())?,
            BinOp::Div => ops::div(a, b)?,
            BinOp::FloorDiv => ops::floor_div(a, b)?,
            BinOp::Mod => ops::modulo(a, b)?,
            BinOp::Eq => Value::Bool(value::values_equal_m(a, b, &mut self.meter())?),
            BinOp::Ne => Value::Bool(!value::values_equal_m(a, b, &mut self.meter())?),
            BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge => {
                let holds = value::compare_m(a, b, &mut self.meter())?.is_some_and(|o| match op {
                    BinOp::Lt => o.is_lt(),
                    BinOp::Gt => o.is_gt(),
                    BinOp::Le => o.is_le(),
                    _ => o.is_ge(),
                });
                Value::Bool(holds)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(op: BinOp, a: &Value, b: &Value) -> String {
        let mut vm = Vm::new(
            crate::host::Host::captured(),
            std::sync::Arc::new(crate::capability::GrantSet::none()),
            crate::vm::Limits::default(),
        );
        match vm.binary_slow(op, a, b) {
            Ok(v) => value::py_repr(&v),
            Err(e) => format!("{e}"),
        }
    }

    /// Every fast result equals the general operator's.
    #[test]
    fn fast_paths_agree_with_the_general_operators() {
        let ints = [
            0,
            1,
            -1,
            7,
            -7,
            3,
            i64::MAX,
            i64::MIN,
            1 << 53,
            (1 << 53) + 1,
        ];
        let floats = [
            0.0,
            -0.0,
            1.5,
            -2.5,
            7.0,
            f64::NAN,
            f64::INFINITY,
            9007199254740993.0,
        ];
        let mut values: Vec<Value> = ints.iter().map(|&i| Value::Int(i)).collect();
        values.extend(floats.iter().map(|&f| Value::Float(f)));
        let ops = [
            BinOp::Add,
            BinOp::Sub,
            BinOp::Mul,
            BinOp::Div,
            BinOp::FloorDiv,
            BinOp::Mod,
            BinOp::Eq,
            BinOp::Ne,
            BinOp::Lt,
            BinOp::Gt,
            BinOp::Le,
            BinOp::Ge,
        ];
        for op in ops {
            for a in &values {
                for b in &values {
                    if let Some(r) = fast(op, a, b) {
                        let r = match r {
                            Num::Int(i) => Value::Int(i),
                            Num::Float(f) => Value::Float(f),
                            Num::Bool(b) => Value::Bool(b),
                        };
                        assert_eq!(
                            value::py_repr(&r),
                            slow(op, a, b),
                            "{op:?} {} {}",
                            value::py_repr(a),
                            value::py_repr(b)
                        );
                    }
                }
            }
        }
    }
}
