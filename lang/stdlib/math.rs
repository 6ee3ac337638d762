//! `math`: numeric functions and the constants `pi` and `e`.
//!
//! mlpy's sentinel results are not copied (spec section 20): `sqrt(-1)`,
//! `ln(0)`, `log(0)`, `log(x, 1)` and `factorial(-1)` raise `ValueError`
//! ("math domain error") instead of returning 0 / -999 / 0.

use crate::error::{ErrorKind, MlError, VmResult};
use crate::native::args::{self, arity, not_real, real_arg};
use crate::native::native_module;
use crate::value::ops;
use crate::value::{compare, Value};
use crate::vm::Vm;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

// ---- argument helpers ----

fn domain_error() -> MlError {
    MlError::value_error("math domain error")
}

fn overflow(msg: &str) -> MlError {
    MlError::new(ErrorKind::OverflowError, msg)
}

/// An integer argument as a big integer (bools count as 0/1).
fn big_int(name: &str, v: &Value) -> VmResult<BigInt> {
    args::big_int(v).ok_or_else(|| {
        MlError::type_error(format!(
            "math.{name}() expected an integer, got {}",
            v.kind_name()
        ))
    })
}

fn is_int_like(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::Big(_))
}

/// Python `int(f)` for a float that is already integral (floor/ceil/round).
pub(crate) fn float_to_int(f: f64) -> VmResult<Value> {
    if f.is_nan() {
        return Err(MlError::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(overflow("cannot convert float infinity to integer"));
    }
    let t = f.trunc();
    if t.abs() < 9.0e18 {
        Ok(Value::Int(t as i64))
    } else {
        Ok(Value::from_big(BigInt::from_f64(t).unwrap_or_default()))
    }
}

/// Applies a float function; NaN from a non-NaN argument is a domain error.
fn unary(name: &str, args: &[Value], f: fn(f64) -> f64) -> VmResult<Value> {
    arity(name, args, 1, 1)?;
    let x = real_arg(name, &args[0])?;
    let r = f(x);
    if r.is_nan() && !x.is_nan() {
        return Err(domain_error());
    }
    Ok(Value::Float(r))
}

/// Natural logarithm of a positive number, exact for huge integers.
fn ln_of(name: &str, v: &Value) -> VmResult<f64> {
    match v {
        Value::Big(b) => {
            if !b.is_positive() {
                return Err(domain_error());
            }
            if let Some(f) = b.to_f64().filter(|f| f.is_finite()) {
                return Ok(f.ln());
            }
            // CPython: frexp into x in [0.5, 1) and e, then log(x) + log(2) * e.
            let bits = b.bits();
            let top: BigInt = &**b >> (bits - 64);
            let x = top.to_f64().unwrap_or(1.0) / 18_446_744_073_709_551_616.0;
            Ok(x.ln() + std::f64::consts::LN_2 * bits as f64)
        }
        other => {
            let x = real_arg(name, other)?;
            if x.is_nan() {
                return Ok(x);
            }
            if x <= 0.0 {
                return Err(domain_error());
            }
            Ok(x.ln())
        }
    }
}

// ---- functions ----

/// Natives that apply the `f64` method of their name through `unary`.
/// `exp` overflows to inf (as mlpy did), not OverflowError.
macro_rules! unary_natives {
    ($($name:ident),*) => {$(
        fn $name(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
            unary(stringify!($name), args, f64::$name)
        }
    )*};
}

unary_natives!(sqrt, sin, cos, tan, asin, acos, atan, exp);

fn abs(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("abs", args, 1, 1)?;
    if !args[0].is_number() {
        return Err(not_real("abs", &args[0]));
    }
    ops::abs(&args[0])
}

fn atan2(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("atan2", args, 2, 2)?;
    let y = real_arg("atan2", &args[0])?;
    let x = real_arg("atan2", &args[1])?;
    Ok(Value::Float(y.atan2(x)))
}

fn ln(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("ln", args, 1, 1)?;
    Ok(Value::Float(ln_of("ln", &args[0])?))
}

fn log(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("log", args, 1, 2)?;
    let lx = ln_of("log", &args[0])?;
    // Python's math.log(x, base) is log(x) / log(base), so log(1000) is
    // 2.9999999999999996 exactly as in mlpy.
    let lb = match args.get(1) {
        None | Some(Value::Null) => std::f64::consts::LN_10,
        Some(b) => ln_of("log", b)?,
    };
    if lb == 0.0 {
        return Err(domain_error());
    }
    Ok(Value::Float(lx / lb))
}

/// Rejects exact integer results of `bits` binary digits past the
/// language's integer limit (`MAX_INT_BITS`, about 300,000 digits), or
/// whose decimal text would pass the VM's size limit.
fn check_bits(vm: &Vm, bits: f64) -> VmResult<()> {
    if bits * std::f64::consts::LOG10_2 > vm.limits.max_len as f64 {
        return Err(MlError::new(
            ErrorKind::MemoryError,
            "integer result too large",
        ));
    }
    if bits > crate::value::ops::MAX_INT_BITS as f64 {
        return Err(crate::value::ops::too_large());
    }
    Ok(())
}

fn pow(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("pow", args, 2, 2)?;
    let (a, b) = (&args[0], &args[1]);
    if is_int_like(a) && is_int_like(b) {
        let x = big_int("pow", a)?;
        let y = big_int("pow", b)?;
        if !y.is_negative() {
            if x.is_zero() || x.is_one() {
                return Ok(Value::from_big(if y.is_zero() { BigInt::one() } else { x }));
            }
            if x == BigInt::from(-1) {
                return Ok(Value::Int(if y.is_even() { 1 } else { -1 }));
            }
            let Some(e) = y.to_u32() else {
                return Err(MlError::new(
                    ErrorKind::MemoryError,
                    "integer result too large",
                ));
            };
            check_bits(vm, x.bits() as f64 * e as f64)?;
            return Ok(Value::from_big(num_traits::pow(x, e as usize)));
        }
    }
    // int ** negative int is a float, as in Python.
    let fx = real_arg("pow", a)?;
    let fy = real_arg("pow", b)?;
    float_pow(fx, fy)
}

fn float_pow(x: f64, y: f64) -> VmResult<Value> {
    if x == 0.0 && y < 0.0 {
        return Err(MlError::new(
            ErrorKind::ZeroDivisionError,
            "0.0 cannot be raised to a negative power",
        ));
    }
    if x < 0.0 && y.is_finite() && y.fract() != 0.0 {
        // Python would produce a complex number here.
        return Err(domain_error());
    }
    Ok(Value::Float(x.powf(y)))
}

/// `floor`, `ceil` and `round`: an int stays as it is, a float is
/// rounded by `f` to an int.
fn to_int(func: &str, args: &[Value], f: fn(f64) -> f64) -> VmResult<Value> {
    arity(func, args, 1, 1)?;
    match &args[0] {
        v if is_int_like(v) => Ok(Value::from_big(big_int(func, v)?)),
        Value::Float(x) => float_to_int(f(*x)),
        other => Err(not_real(func, other)),
    }
}

fn floor(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    to_int("floor", args, f64::floor)
}

fn ceil(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    to_int("ceil", args, f64::ceil)
}

fn round(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    to_int("round", args, f64::round_ties_even)
}

fn min(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    pick("min", args, Ordering::Less)
}

fn max(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    pick("max", args, Ordering::Greater)
}

/// Python's `min(a, b)` and `max(a, b)`: `b` only when it compares
/// `beats` to `a` (so ties and unordered values give `a`).
fn pick(name: &str, args: &[Value], beats: Ordering) -> VmResult<Value> {
    arity(name, args, 2, 2)?;
    let b_wins = compare(&args[1], &args[0])? == Some(beats);
    Ok(args[usize::from(b_wins)].clone())
}

fn sign(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("sign", args, 1, 1)?;
    let s = match &args[0] {
        Value::Int(i) => i.signum(),
        Value::Bool(b) => *b as i64,
        Value::Big(b) => {
            if b.is_negative() {
                -1
            } else {
                1
            }
        }
        Value::Float(f) => {
            if *f > 0.0 {
                1
            } else if *f < 0.0 {
                -1
            } else {
                0
            }
        }
        other => return Err(not_real("sign", other)),
    };
    Ok(Value::Int(s))
}

/// Largest `n` accepted by `factorial` (the result has 456,574 digits).
const MAX_FACTORIAL: u64 = 100_000;

fn factorial(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("factorial", args, 1, 1)?;
    let n = match &args[0] {
        Value::Float(f) if f.fract() == 0.0 && f.is_finite() => {
            BigInt::from_f64(*f).unwrap_or_default()
        }
        Value::Float(_) => {
            return Err(MlError::value_error(
                "factorial() only accepts integral values",
            ))
        }
        other => big_int("factorial", other)?,
    };
    if n.is_negative() {
        return Err(MlError::value_error(
            "factorial() not defined for negative values",
        ));
    }
    let n = n.to_u64().unwrap_or(u64::MAX);
    if n > MAX_FACTORIAL {
        return Err(overflow(&format!(
            "factorial() argument should not exceed {MAX_FACTORIAL}"
        )));
    }
    // log2(n!) ~ n log2(n) - n log2(e)
    let nf = n as f64;
    if n > 2 {
        check_bits(vm, nf * nf.log2() - nf * std::f64::consts::LOG2_E)?;
    }
    Ok(Value::from_big(product(1, n)))
}

/// The product lo * (lo+1) * ... * hi, split in halves for speed.
fn product(lo: u64, hi: u64) -> BigInt {
    if lo > hi {
        return BigInt::one();
    }
    if hi - lo < 16 {
        let mut acc = BigInt::one();
        let mut small: u64 = 1;
        for k in lo..=hi {
            match small.checked_mul(k) {
                Some(p) => small = p,
                None => {
                    acc *= small;
                    small = k;
                }
            }
        }
        return acc * small;
    }
    let mid = lo + (hi - lo) / 2;
    product(lo, mid) * product(mid + 1, hi)
}

/// The greatest common divisor of `|a|` and `|b|` by Lehmer's algorithm
/// (Knuth, TAOCP 2, 4.5.2, Algorithm L): the leading 64 bits of both
/// decide up to ~32 Euclid steps at once, applied to the full numbers in
/// one linear pass. Each pass charges its work, so a gcd of
/// million-bit integers (tens of thousands of passes) stops at a deadline.
fn lehmer_gcd(
    a: &BigInt,
    b: &BigInt,
    mut charge: impl FnMut(usize) -> VmResult<()>,
) -> VmResult<BigInt> {
    let (mut a, mut b) = (a.abs(), b.abs());
    if a < b {
        std::mem::swap(&mut a, &mut b);
    }
    while b.bits() > 64 {
        charge(a.bits() as usize / 64)?;
        let shift = a.bits() - 64;
        let mut x = (&a >> shift).to_i128().unwrap_or(0);
        let mut y = (&b >> shift).to_i128().unwrap_or(0);
        let (mut ca, mut cb, mut cc, mut cd) = (1i128, 0i128, 0i128, 1i128);
        while y + cc != 0 && y + cd != 0 {
            let q = (x + ca) / (y + cc);
            if q != (x + cb) / (y + cd) {
                break;
            }
            (ca, cc) = (cc, ca - q * cc);
            (cb, cd) = (cd, cb - q * cd);
            (x, y) = (y, x - q * y);
        }
        if cb == 0 {
            // The leading digits decided nothing: one full division step.
            let r = &a % &b;
            a = std::mem::replace(&mut b, r);
        } else {
            let na = &a * BigInt::from(ca) + &b * BigInt::from(cb);
            let nb = &a * BigInt::from(cc) + &b * BigInt::from(cd);
            (a, b) = (na, nb);
        }
    }
    if b.is_zero() {
        return Ok(a);
    }
    // `b` fits a machine word: one division brings `a` down to it too.
    let r = &a % &b;
    Ok(b.gcd(&r))
}

fn gcd(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("gcd", args, 2, 2)?;
    let a = big_int("gcd", &args[0])?;
    let b = big_int("gcd", &args[1])?;
    Ok(Value::from_big(lehmer_gcd(&a, &b, |c| vm.charge(c))?))
}

fn lcm(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("lcm", args, 2, 2)?;
    let a = big_int("lcm", &args[0])?;
    let b = big_int("lcm", &args[1])?;
    if a.is_zero() || b.is_zero() {
        return Ok(Value::Int(0));
    }
    // lcm = a / gcd * b: its size is known before it is built.
    let g = lehmer_gcd(&a, &b, |c| vm.charge(c))?;
    crate::value::ops::check_int_bits((a.bits() + b.bits()).saturating_sub(g.bits()))?;
    Ok(Value::from_big((a / g * b).abs()))
}

fn radians(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("radians", args, 1, 1)?;
    Ok(Value::Float(real_arg("radians", &args[0])?.to_radians()))
}

fn degrees(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("degrees", args, 1, 1)?;
    Ok(Value::Float(real_arg("degrees", &args[0])?.to_degrees()))
}

fn random(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("random", args, 0, 0)?;
    Ok(Value::Float(vm.host.random.next_f64()))
}

fn constant(name: &str) -> Option<Value> {
    match name {
        "pi" => Some(Value::Float(std::f64::consts::PI)),
        "e" => Some(Value::Float(std::f64::consts::E)),
        _ => None,
    }
}

native_module! {
    name: "math",
    doc: "mathematical functions and the constants pi and e",
    constant: constant,
    functions: {
        "sqrt" => sqrt, "(x): square root (x < 0 raises ValueError)";
        "abs" => abs, "(x): absolute value (ints stay ints)";
        "sin" => sin, "(x): sine of x radians";
        "cos" => cos, "(x): cosine of x radians";
        "tan" => tan, "(x): tangent of x radians";
        "asin" => asin, "(x): arc sine (x in [-1, 1])";
        "acos" => acos, "(x): arc cosine (x in [-1, 1])";
        "atan" => atan, "(x): arc tangent";
        "atan2" => atan2, "(y, x): arc tangent of y/x in the right quadrant";
        "exp" => exp, "(x): e ** x (overflow gives inf)";
        "ln" => ln, "(x): natural logarithm (x <= 0 raises ValueError)";
        "log" => log, "(x, base = 10): logarithm (x <= 0, base <= 0 or 1 raise ValueError)";
        "pow" => pow, "(x, y): x ** y; int ** non-negative int stays an exact int";
        "floor" => floor, "(x): largest int <= x";
        "ceil" => ceil, "(x): smallest int >= x";
        "round" => round, "(x): nearest int, ties to even";
        "min" => min, "(a, b): the smaller of two values";
        "max" => max, "(a, b): the larger of two values";
        "sign" => sign, "(x): -1, 0 or 1";
        "factorial" => factorial, "(n): n! exactly (n < 0 raises ValueError)";
        "gcd" => gcd, "(a, b): greatest common divisor";
        "lcm" => lcm, "(a, b): least common multiple";
        "degToRad" | "radians" => radians, "(x): degrees to radians";
        "radToDeg" | "degrees" => degrees, "(x): radians to degrees";
        "random" => random, "(): float in [0, 1)";
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lehmer_gcd_agrees_with_the_library() {
        use num_bigint::BigInt;
        use num_integer::Integer;
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..300 {
            let mut num = |words: u64| {
                let mut n = BigInt::from(0);
                for _ in 0..words {
                    n = (n << 64) + BigInt::from(next());
                }
                n
            };
            let (wa, wb) = (1 + round % 9, 1 + (round / 9) % 9);
            let common = num(round % 4);
            let sign = BigInt::from(if round % 5 == 0 { -1 } else { 1 });
            let a: BigInt = num(wa) * &common * sign;
            let b: BigInt = num(wb) * &common;
            let want = a.gcd(&b);
            assert_eq!(
                super::lehmer_gcd(&a, &b, |_| Ok(())).unwrap(),
                want,
                "{a} {b}"
            );
            assert_eq!(super::lehmer_gcd(&b, &a, |_| Ok(())).unwrap(), want);
        }
        let z = BigInt::from(0);
        let big = BigInt::from(7) << 300;
        assert_eq!(super::lehmer_gcd(&z, &big, |_| Ok(())).unwrap(), big);
        assert_eq!(super::lehmer_gcd(&z, &z, |_| Ok(())).unwrap(), z);
    }

    use super::*;

    #[test]
    fn product_matches_naive() {
        let mut naive = BigInt::one();
        for k in 1..=60u64 {
            naive *= k;
        }
        assert_eq!(product(1, 60), naive);
        assert_eq!(product(1, 0), BigInt::one());
    }

    #[test]
    fn big_logs_are_finite() {
        let big = Value::from_big(num_traits::pow(BigInt::from(2), 3000));
        let l = ln_of("ln", &big).unwrap();
        assert!((l - 2079.4415416798356).abs() < 1e-9);
        assert!(ln_of("ln", &Value::Int(0)).is_err());
        assert!(ln_of(
            "ln",
            &Value::from_big(-num_traits::pow(BigInt::from(2), 70))
        )
        .is_err());
    }

    #[test]
    fn float_to_int_handles_edges() {
        assert!(float_to_int(f64::NAN).is_err());
        assert!(float_to_int(f64::INFINITY).is_err());
        assert!(matches!(float_to_int(1e20).unwrap(), Value::Big(_)));
        assert!(matches!(float_to_int(-3.0).unwrap(), Value::Int(-3)));
    }
}
