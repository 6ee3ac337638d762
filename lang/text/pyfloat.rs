//! Python-compatible float text: `repr(float)`, `round(x, n)`, `float(str)`,
//! and the `PyOS_double_to_string` core shared with `format()`.
//!
//! Digit generation relies on Rust's float formatting, which (like CPython's
//! `dtoa.c`) is correctly rounded: `{:e}` yields the shortest round-tripping
//! digits, `{:.N}` / `{:.Ne}` the exact decimal value rounded half-to-even.
//! Only the layout is Python's and is ported from CPython's
//! `format_float_short`.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::Zero;

use super::pystr;
use crate::error::VmResult;
use crate::limits::{byte_cost, Meter};

/// The four layouts of CPython's `PyOS_double_to_string`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatStyle {
    /// `'e'`: exponent form with `precision` digits after the point.
    Exp,
    /// `'f'`: fixed-point with `precision` digits after the point.
    Fixed,
    /// `'g'`: `precision` significant digits, fixed or exponent form.
    General,
    /// `'r'`: shortest round-tripping digits, as `repr` (precision unused).
    Repr,
}

/// Flags of `PyOS_double_to_string` (`Py_DTSF_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FloatFlags {
    /// Always emit a sign (`+` for non-negative values).
    pub sign: bool,
    /// Append `.0` when the result would look like an integer (`repr`), and
    /// for `General` switch to exponent form one digit earlier.
    pub add_dot_0: bool,
    /// Alternate form (`#`): keep the decimal point and trailing zeros.
    pub alt: bool,
    /// Drop the minus sign of a result that rounds to zero (`z`).
    pub no_neg_0: bool,
    /// Upper-case `E`, `INF`, `NAN`.
    pub upper: bool,
}

/// Digits of a finite, non-negative `x`, without leading or trailing zeros
/// (zero gives `"0"`), and the decimal point position: `x ≈ 0.DIGITS × 10^decpt`.
struct Digits {
    digits: Vec<u8>,
    decpt: i64,
}

enum DigitMode {
    /// Shortest round-trip digits (dtoa mode 0).
    Shortest,
    /// This many significant digits, at least 1 (dtoa mode 2).
    Significant(usize),
    /// This many digits after the decimal point (dtoa mode 3).
    AfterPoint(usize),
}

/// More digits than any double's exact decimal expansion needs.
const EXACT_DIGITS: usize = 1100;

fn digits_of(a: f64, mode: DigitMode) -> Digits {
    debug_assert!(a.is_finite() && a >= 0.0);
    let (mut digits, mut decpt): (Vec<u8>, i64) = match mode {
        DigitMode::Shortest => {
            let (digits, decpt) = parse_exp_form(&format!("{a:e}"));
            match even_shortest_tie(a, &digits) {
                Some(fixed) => fixed,
                None => (digits, decpt),
            }
        }
        // A double's exact expansion has at most 767 significant digits and
        // 1,074 decimals: asking for more only adds zeros, which are
        // trimmed below anyway (and Rust's formatter stops at 65,535).
        DigitMode::Significant(n) => {
            parse_exp_form(&format!("{:.*e}", n.clamp(1, EXACT_DIGITS) - 1, a))
        }
        DigitMode::AfterPoint(n) => {
            let n = n.min(EXACT_DIGITS);
            let s = format!("{a:.n$}");
            let int_len = s.find('.').unwrap_or(s.len()) as i64;
            let digits = s.bytes().filter(u8::is_ascii_digit).collect();
            (digits, int_len)
        }
    };
    let leading = digits.iter().take_while(|&&d| d == b'0').count();
    if leading == digits.len() {
        return Digits {
            digits: vec![b'0'],
            decpt: 1,
        };
    }
    digits.drain(..leading);
    decpt -= leading as i64;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    Digits { digits, decpt }
}

/// Splits Rust's `{:e}` output (`"1.25e-7"`) into digits and `decpt`.
fn parse_exp_form(s: &str) -> (Vec<u8>, i64) {
    let (mantissa, exp) = s.split_once('e').expect("exponent form");
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exp.parse::<i64>().expect("exponent") + 1)
}

/// When `a` lies exactly halfway between two shortest round-tripping digit
/// strings (`982920226003847.25` → `…847.2` or `…847.3`), Rust's shortest
/// formatting rounds up while CPython's dtoa picks the even last digit.
/// Returns the digits CPython would produce if they differ from `shortest`.
fn even_shortest_tie(a: f64, shortest: &[u8]) -> Option<(Vec<u8>, i64)> {
    let n = shortest.len();
    match shortest.last() {
        Some(d) if d % 2 == 1 => {}
        _ => return None,
    }
    // The value rounded to n + 1 significant digits must end in 5 and be exact.
    let (long, long_decpt) = parse_exp_form(&format!("{:.*e}", n, a));
    if long.len() != n + 1 || long[n] != b'5' || !is_exactly(a, &long, long_decpt - n as i64 - 1) {
        return None;
    }
    let lo = long[..n].to_vec();
    let mut hi = lo.clone();
    let mut hi_decpt = long_decpt;
    let mut i = n;
    loop {
        if i == 0 {
            hi.insert(0, b'1');
            hi.pop();
            hi_decpt += 1;
            break;
        }
        i -= 1;
        if hi[i] == b'9' {
            hi[i] = b'0';
        } else {
            hi[i] += 1;
            break;
        }
    }
    let candidates = if lo[n - 1] % 2 == 0 {
        [(lo, long_decpt), (hi, hi_decpt)]
    } else {
        [(hi, hi_decpt), (lo, long_decpt)]
    };
    for (digits, decpt) in candidates {
        let text = format!(
            "0.{}e{}",
            std::str::from_utf8(&digits).expect("digits"),
            decpt
        );
        if text.parse::<f64>().ok() == Some(a) {
            return if digits == shortest {
                None
            } else {
                Some((digits, decpt))
            };
        }
    }
    None
}

/// Whether the finite, non-negative `a` equals `digits × 10^exp10` exactly.
fn is_exactly(a: f64, digits: &[u8], exp10: i64) -> bool {
    let bits = a.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, q) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    let mut lhs: BigInt = std::str::from_utf8(digits)
        .expect("digits")
        .parse()
        .expect("digits parse");
    let mut rhs = BigInt::from(m);
    let ten = BigInt::from(10);
    if exp10 >= 0 {
        lhs *= num_traits::pow(ten, exp10 as usize);
    } else {
        rhs *= num_traits::pow(ten, (-exp10) as usize);
    }
    if q >= 0 {
        rhs <<= q as usize;
    } else {
        lhs <<= (-q) as usize;
    }
    lhs == rhs
}

fn push_zeros(out: &mut String, n: i64) {
    for _ in 0..n.max(0) {
        out.push('0');
    }
}

/// CPython's `PyOS_double_to_string(x, code, precision, flags)`.
///
/// `format_float(x, FloatStyle::Fixed, 2, FloatFlags::default())` is `'%.2f' % x`;
/// `FloatStyle::Repr` with `add_dot_0` is `repr(x)`. For `General` a precision
/// of 0 means 1.
pub fn format_float(x: f64, style: FloatStyle, precision: usize, flags: FloatFlags) -> String {
    let mut out = String::new();
    if x.is_nan() {
        // The sign of a NaN is never shown.
        if flags.sign {
            out.push('+');
        }
        out.push_str(if flags.upper { "NAN" } else { "nan" });
        return out;
    }
    if x.is_infinite() {
        if x < 0.0 {
            out.push('-');
        } else if flags.sign {
            out.push('+');
        }
        out.push_str(if flags.upper { "INF" } else { "inf" });
        return out;
    }

    let (mode, precision) = match style {
        FloatStyle::Exp => (DigitMode::Significant(precision + 1), precision + 1),
        FloatStyle::Fixed => (DigitMode::AfterPoint(precision), precision),
        FloatStyle::General => (DigitMode::Significant(precision.max(1)), precision.max(1)),
        FloatStyle::Repr => (DigitMode::Shortest, 0),
    };
    let precision = precision as i64;
    let Digits { digits, mut decpt } = digits_of(x.abs(), mode);
    let digits_len = digits.len() as i64;

    // Port of format_float_short: output the slice
    // vdigits[vdigits_start..vdigits_end] of the digits padded with zeros on
    // both sides, with a decimal point at decpt.
    let mut vdigits_end = digits_len;
    let mut use_exp = false;
    match style {
        FloatStyle::Exp => {
            use_exp = true;
            vdigits_end = precision;
        }
        FloatStyle::Fixed => vdigits_end = decpt + precision,
        FloatStyle::General => {
            let limit = if flags.add_dot_0 {
                precision - 1
            } else {
                precision
            };
            if decpt <= -4 || decpt > limit {
                use_exp = true;
            }
            if flags.alt {
                vdigits_end = precision;
            }
        }
        FloatStyle::Repr => {
            if decpt <= -4 || decpt > 16 {
                use_exp = true;
            }
        }
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    vdigits_end = if !use_exp && flags.add_dot_0 {
        vdigits_end.max(decpt + 1)
    } else {
        vdigits_end.max(decpt)
    };

    let is_zero = digits == b"0";
    let negative = x.is_sign_negative() && !(flags.no_neg_0 && is_zero);
    if negative {
        out.push('-');
    } else if flags.sign {
        out.push('+');
    }
    let digit_str = std::str::from_utf8(&digits).expect("ASCII digits");
    if decpt <= 0 {
        push_zeros(&mut out, decpt - vdigits_start);
        out.push('.');
        push_zeros(&mut out, -decpt);
    } else {
        push_zeros(&mut out, -vdigits_start);
    }
    if 0 < decpt && decpt <= digits_len {
        out.push_str(&digit_str[..decpt as usize]);
        out.push('.');
        out.push_str(&digit_str[decpt as usize..]);
    } else {
        out.push_str(digit_str);
    }
    if digits_len < decpt {
        push_zeros(&mut out, decpt - digits_len);
        out.push('.');
        push_zeros(&mut out, vdigits_end - decpt);
    } else {
        push_zeros(&mut out, vdigits_end - digits_len);
    }
    if out.ends_with('.') && !flags.alt {
        out.pop();
    }
    if use_exp {
        out.push(if flags.upper { 'E' } else { 'e' });
        out.push_str(&format!("{exp:+03}"));
    }
    out
}

/// Python's `repr(x)` (and `str(x)`) of a float: shortest round-trip digits,
/// `.0` on integral values, exponent form when the decimal exponent is < -4
/// or >= 16 (`1e-05`, `1e+16`, `1000000000000000.0`), `inf`, `-inf`, `nan`.
pub fn float_repr(x: f64) -> String {
    let flags = FloatFlags {
        add_dot_0: true,
        ..FloatFlags::default()
    };
    format_float(x, FloatStyle::Repr, 0, flags)
}

/// Python's `round(x, ndigits)` for a float: the exact decimal value of `x`
/// rounded half-to-even at `ndigits` decimal places (negative `ndigits` round
/// to tens, hundreds...), as CPython does (`round(2.675, 2)` → `2.67`,
/// `round(2.5, 0)` → `2.0`, `round(-0.5, 0)` → `-0.0`).
///
/// NaN and infinities are returned unchanged, so is `x` for `ndigits > 323`;
/// `ndigits < -308` gives a zero with the sign of `x`. If the rounded value
/// overflows (`round(1.7e308, -308)`), the result is infinite where CPython
/// raises `OverflowError`; see [`round_half_even_checked`].
pub fn round_half_even(x: f64, ndigits: i64) -> f64 {
    if !x.is_finite() || ndigits > 323 {
        return x;
    }
    if ndigits < -308 {
        return 0.0 * x;
    }
    if ndigits >= 0 {
        if x == x.trunc() || ndigits >= EXACT_DIGITS as i64 {
            return x;
        }
        let s = format!("{:.*}", ndigits as usize, x);
        return s.parse().expect("formatted float parses");
    }
    // Negative ndigits: round the integer part at digit k = -ndigits, using
    // the (exactly representable) fractional part to break ties.
    let k = (-ndigits) as usize;
    let a = x.abs();
    let int_part = a.trunc();
    let frac = a - int_part;
    let int_digits = format!("{int_part:.0}");
    let padded = format!("{int_digits:0>width$}", width = k + 1);
    let (head, tail) = padded.split_at(padded.len() - k);
    let tail_first = tail.as_bytes()[0];
    let tail_rest_zero = tail.bytes().skip(1).all(|d| d == b'0');
    let round_up = match tail_first.cmp(&b'5') {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => {
            if !tail_rest_zero || frac > 0.0 {
                true
            } else {
                (head.as_bytes()[head.len() - 1] - b'0') % 2 == 1
            }
        }
    };
    let mut head = head.as_bytes().to_vec();
    if round_up {
        let mut i = head.len();
        loop {
            if i == 0 {
                head.insert(0, b'1');
                break;
            }
            i -= 1;
            if head[i] == b'9' {
                head[i] = b'0';
            } else {
                head[i] += 1;
                break;
            }
        }
    }
    let text = format!("{}e{}", std::str::from_utf8(&head).expect("digits"), k);
    let r: f64 = text.parse().expect("digits parse");
    if x.is_sign_negative() {
        -r
    } else {
        r
    }
}

/// [`round_half_even`] with CPython's overflow check: `Err("rounded value too
/// large to represent")` (an `OverflowError`) when a finite `x` rounds to
/// infinity.
pub fn round_half_even_checked(x: f64, ndigits: i64) -> Result<f64, String> {
    let r = round_half_even(x, ndigits);
    if r.is_infinite() && x.is_finite() {
        Err("rounded value too large to represent".to_string())
    } else {
        Ok(r)
    }
}

/// Python's `round(n, ndigits)` for an int: unchanged for `ndigits >= 0`,
/// otherwise rounded half-to-even to a multiple of `10^-ndigits`
/// (`round(1250, -2)` → 1200, `round(-1251, -2)` → -1300).
pub fn round_int(n: &BigInt, ndigits: i64) -> BigInt {
    if ndigits >= 0 {
        return n.clone();
    }
    let k = ndigits.unsigned_abs();
    // 10^k > 2|n| (k > bits) makes every n round to 0.
    if k > n.bits() + 1 {
        return BigInt::zero();
    }
    let pow = num_traits::pow(BigInt::from(10), k as usize);
    let (q, r) = n.div_mod_floor(&pow);
    let twice: BigInt = &r * 2;
    let q = if twice > pow || (twice == pow && q.is_odd()) {
        q + 1
    } else {
        q
    };
    q * pow
}

/// Python's `float(s)` for a string: surrounding whitespace allowed; decimal
/// digits with an optional point and exponent (`1e3`, `.5`, `5.`), `_`
/// between digits (`1_000`), `inf`/`infinity`/`nan` in any case with an
/// optional sign. Digits of other scripts count as in Python (`"١٢"`).
/// Out-of-range values become `inf` or `0.0` as in Python. `None` means
/// `ValueError: could not convert string to float`.
pub fn parse_float(s: &str) -> Option<f64> {
    parse_float_m(s, &mut Meter::unlimited()).unwrap_or(None)
}

/// [`parse_float`] that charges `meter` as it goes (a numeric string may
/// be tens of megabytes long).
pub fn parse_float_m(s: &str, meter: &mut Meter) -> VmResult<Option<f64>> {
    // _PyUnicode_TransformDecimalAndSpaceToASCII, then strip.
    let mut buf = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if i % PARSE_CHUNK == 0 {
            // This pass and the few linear ones after it.
            meter.charge(1 + byte_cost(PARSE_CHUNK) * 4)?;
        }
        if pystr::is_space_char(c) {
            buf.push(' ');
        } else if c.is_ascii() {
            buf.push(c);
        } else if let Some(d) = pystr::decimal_value(c) {
            buf.push(char::from(b'0' + d as u8));
        } else {
            return Ok(None);
        }
    }
    let t = buf.trim_matches(' ');
    if t.is_empty() {
        return Ok(None);
    }
    let owned;
    let t = if t.contains('_') {
        let Some(o) = remove_underscores(t) else {
            return Ok(None);
        };
        owned = o;
        owned.as_str()
    } else {
        t
    };
    let (negative, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let named = |name: &str| body.eq_ignore_ascii_case(name);
    let value = if named("inf") || named("infinity") {
        f64::INFINITY
    } else if named("nan") {
        f64::NAN
    } else if is_decimal_literal(body) {
        match body.parse::<f64>() {
            Ok(v) => v,
            Err(_) => return Ok(None),
        }
    } else {
        return Ok(None);
    };
    Ok(Some(if negative { -value } else { value }))
}

/// Characters of a numeric string between two meter charges.
const PARSE_CHUNK: usize = 64 * 1024;

/// Python's rule: an underscore must sit between two digits.
fn remove_underscores(t: &str) -> Option<String> {
    let bytes = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let prev_digit = i > 0 && bytes[i - 1].is_ascii_digit();
            let next_digit = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(prev_digit && next_digit) {
                return None;
            }
        } else {
            out.push(char::from(b));
        }
    }
    Some(out)
}

/// `digits [. digits] [(e|E) [+|-] digits]` or `. digits [...]`.
fn is_decimal_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa_digits = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        mantissa_digits += digits(&mut i);
    }
    if mantissa_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    // 3.14159 is the spec's example value, not an approximation of PI.
    #![allow(clippy::approx_constant)]

    use super::*;

    #[test]
    fn repr_brief_examples() {
        let cases: &[(f64, &str)] = &[
            (3.0, "3.0"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e16, "1e+16"),
            (1.2345678901234568e17, "1.2345678901234568e+17"),
            (5e-324, "5e-324"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
            (0.1 + 0.2, "0.30000000000000004"),
            (9007199254740993.0, "9007199254740992.0"),
            (0.0001, "0.0001"),
            (123456789012345.6, "123456789012345.6"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (-1.5, "-1.5"),
            (100.0, "100.0"),
            (1e100, "1e+100"),
            (1e-100, "1e-100"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2e16 + 8.0, "2.000000000000001e+16"),
            (9999999999999998.0, "9999999999999998.0"),
            (1e22, "1e+22"),
            (123e-20, "1.23e-18"),
            // Exactly halfway between two shortest candidates: the even digit
            // (written as sums so that the literals stay exact).
            (-982920226003847.0 - 0.25, "-982920226003847.2"),
            (131221153721489.0 + 0.625, "131221153721489.62"),
            (-190688045732028.0 - 0.125, "-190688045732028.12"),
            (982920226003847.0 + 0.75, "982920226003847.8"),
            (0.25, "0.25"),
        ];
        for &(x, want) in cases {
            assert_eq!(float_repr(x), want, "repr of {x:e}");
        }
    }

    #[test]
    fn repr_matches_cpython_on_random_bits() {
        // (bits, repr(x)) generated with CPython 3.11 from random bit patterns.
        for &(bits, want) in REPR_CASES {
            let x = f64::from_bits(bits);
            assert_eq!(float_repr(x), want, "repr of {bits:#x}");
            assert_eq!(parse_float(want).map(f64::to_bits), Some(bits));
        }
    }

    #[test]
    fn format_float_styles() {
        let f = FloatFlags::default();
        let alt = FloatFlags { alt: true, ..f };
        let up = FloatFlags { upper: true, ..f };
        assert_eq!(format_float(3.14159, FloatStyle::Fixed, 2, f), "3.14");
        assert_eq!(format_float(2.5, FloatStyle::Fixed, 0, f), "2");
        assert_eq!(format_float(1.5, FloatStyle::Fixed, 0, alt), "2.");
        assert_eq!(format_float(0.125, FloatStyle::Fixed, 2, f), "0.12");
        assert_eq!(format_float(-0.001, FloatStyle::Fixed, 2, f), "-0.00");
        let z = FloatFlags {
            no_neg_0: true,
            ..f
        };
        assert_eq!(format_float(-0.001, FloatStyle::Fixed, 2, z), "0.00");
        assert_eq!(format_float(-0.0, FloatStyle::Exp, 1, z), "0.0e+00");
        assert_eq!(format_float(12345.678, FloatStyle::Exp, 3, f), "1.235e+04");
        assert_eq!(format_float(12345.678, FloatStyle::Exp, 3, up), "1.235E+04");
        assert_eq!(format_float(1.5, FloatStyle::Exp, 0, alt), "2.e+00");
        assert_eq!(format_float(1e-300, FloatStyle::Exp, 2, f), "1.00e-300");
        assert_eq!(format_float(1.0, FloatStyle::General, 6, f), "1");
        assert_eq!(format_float(1.0, FloatStyle::General, 6, alt), "1.00000");
        assert_eq!(format_float(0.0001, FloatStyle::General, 6, f), "0.0001");
        assert_eq!(format_float(0.00001, FloatStyle::General, 6, f), "1e-05");
        assert_eq!(format_float(123456.0, FloatStyle::General, 6, f), "123456");
        assert_eq!(
            format_float(1234567.0, FloatStyle::General, 6, f),
            "1.23457e+06"
        );
        assert_eq!(format_float(1234.5, FloatStyle::General, 0, f), "1e+03");
        assert_eq!(format_float(f64::INFINITY, FloatStyle::Fixed, 2, up), "INF");
        let sign = FloatFlags { sign: true, ..f };
        assert_eq!(format_float(f64::NAN, FloatStyle::Fixed, 2, sign), "+nan");
        assert_eq!(format_float(1.0, FloatStyle::Fixed, 1, sign), "+1.0");
        assert_eq!(
            format_float(0.5, FloatStyle::Fixed, 30, f),
            "0.500000000000000000000000000000"
        );
        assert_eq!(
            format_float(1e20, FloatStyle::Fixed, 0, f),
            "100000000000000000000"
        );
    }

    #[test]
    fn round_examples() {
        let cases: &[(f64, i64, f64)] = &[
            (2.675, 2, 2.67),
            (2.5, 0, 2.0),
            (3.5, 0, 4.0),
            (0.5, 0, 0.0),
            (1.5, 0, 2.0),
            (-2.5, 0, -2.0),
            (0.125, 2, 0.12),
            (0.375, 2, 0.38),
            (1234.5, -2, 1200.0),
            (1250.0, -2, 1200.0),
            (1350.0, -2, 1400.0),
            (1250.5, -2, 1300.0),
            (-1250.5, -2, -1300.0),
            (49.0, -2, 0.0),
            (50.0, -2, 0.0),
            (50.5, -2, 100.0),
            (150.0, -2, 200.0),
            (999.0, -3, 1000.0),
            (5e-324, 323, 0.0),
            (1.23456789, 5, 1.23457),
            (123.456, 400, 123.456),
            (1e300, 3, 1e300),
            (0.1 + 0.2, 15, 0.3),
            (1e22, -21, 1e22),
            (1.5e22, -22, 2e22),
        ];
        for &(x, n, want) in cases {
            let got = round_half_even(x, n);
            assert_eq!(got.to_bits(), want.to_bits(), "round({x}, {n}) = {got}");
        }
        for (x, n) in [(-0.5, 0), (-0.4, 0), (-0.001, 2), (-49.0, -2), (-1.0, -400)] {
            let got = round_half_even(x, n);
            assert!(
                got == 0.0 && got.is_sign_negative(),
                "round({x}, {n}) = {got}"
            );
        }
        assert!(round_half_even(f64::NAN, 2).is_nan());
        assert_eq!(round_half_even(f64::INFINITY, -2), f64::INFINITY);
        assert_eq!(round_half_even(7.0, -400), 0.0);
        assert_eq!(
            round_half_even_checked(1.7976931348623157e308, -308),
            Err("rounded value too large to represent".to_string())
        );
        assert_eq!(round_half_even_checked(2.5, 0), Ok(2.0));
    }

    #[test]
    fn round_matches_cpython_on_random_values() {
        // (bits, ndigits, bits of round(x, ndigits)) generated with CPython 3.11.
        for &(bits, n, want) in ROUND_CASES {
            let x = f64::from_bits(bits);
            let got = round_half_even(x, n);
            assert_eq!(got.to_bits(), want, "round({x:e}, {n}) = {got:e}");
        }
    }

    #[test]
    fn round_int_examples() {
        let r = |n: i64, d: i64| round_int(&BigInt::from(n), d);
        assert_eq!(r(42, 0), BigInt::from(42));
        assert_eq!(r(42, 3), BigInt::from(42));
        assert_eq!(r(1250, -2), BigInt::from(1200));
        assert_eq!(r(1350, -2), BigInt::from(1400));
        assert_eq!(r(1251, -2), BigInt::from(1300));
        assert_eq!(r(-1250, -2), BigInt::from(-1200));
        assert_eq!(r(-1251, -2), BigInt::from(-1300));
        assert_eq!(r(-1350, -2), BigInt::from(-1400));
        assert_eq!(r(50, -2), BigInt::from(0));
        assert_eq!(r(-50, -2), BigInt::from(0));
        assert_eq!(r(51, -2), BigInt::from(100));
        assert_eq!(r(5, -1), BigInt::from(0));
        assert_eq!(r(15, -1), BigInt::from(20));
        assert_eq!(r(-15, -1), BigInt::from(-20));
        assert_eq!(r(123, -100), BigInt::from(0));
        assert_eq!(r(i64::MAX, i64::MIN), BigInt::from(0));
    }

    #[test]
    fn parse_float_accepts_python_syntax() {
        let cases: &[(&str, f64)] = &[
            ("1e3", 1000.0),
            ("  2.5 ", 2.5),
            ("\t\n-3.25\x0c", -3.25),
            (".5", 0.5),
            ("5.", 5.0),
            ("+5", 5.0),
            ("1_000", 1000.0),
            ("1_000.000_1", 1000.0001),
            ("1e1_0", 1e10),
            ("1E+3", 1000.0),
            ("1e-3", 0.001),
            ("inf", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("+INF", f64::INFINITY),
            ("iNfInItY", f64::INFINITY),
            ("1e500", f64::INFINITY),
            ("-1e500", f64::NEG_INFINITY),
            ("1e-500", 0.0),
            ("0.1", 0.1),
            ("007", 7.0),
            ("١٢٣", 123.0),
            ("\u{3000}4\u{a0}", 4.0),
            ("\x1c7\x1f", 7.0),
            ("9007199254740993", 9007199254740992.0),
            ("2.2250738585072011e-308", 2.225073858507201e-308),
        ];
        for &(s, want) in cases {
            assert_eq!(parse_float(s), Some(want), "float({s:?})");
        }
        for s in ["nan", "NaN", "-nan", "+NAN", " nan "] {
            assert!(parse_float(s).is_some_and(f64::is_nan), "float({s:?})");
        }
        assert!(parse_float("-0").is_some_and(|x| x == 0.0 && x.is_sign_negative()));
    }

    #[test]
    fn parse_float_rejects_garbage() {
        for s in [
            "",
            " ",
            "abc",
            "1e",
            "e5",
            ".",
            "-",
            "+",
            "1.2.3",
            "1e5.5",
            "_1",
            "1_",
            "1__0",
            "1_.5",
            "1._5",
            "1e_5",
            "1_e5",
            "0x10",
            "1 2",
            "in",
            "infinit",
            "infinityy",
            "nan(1)",
            "--1",
            "+-1",
            "1e+",
            ".e5",
            "1,5",
            "١_",
            "²",
            "1\u{0}",
            "∞",
            "nann",
            "1d",
            "1f",
        ] {
            assert_eq!(parse_float(s), None, "float({s:?}) should fail");
        }
    }

    #[rustfmt::skip]
    const REPR_CASES: &[(u64, &str)] = &[
        (0x6513270e269e0d37, "7.761117632285041e+178"),
        (0x000d23f0128b2f33, "1.8273950250234735e-308"),
        (0xe8e25d940ed90475, "-1.7160537630466207e+197"),
        (0x8001600a099950d8, "-1.91238584239012e-309"),
        (0x1738f7d93d9c1724, "8.350439972224182e-197"),
        (0x000d3ac90f21ddb6, "1.8398065501275804e-308"),
        (0x3ec5ea5721e24d0c, "2.612518314634742e-06"),
        (0x0000cb1e658cda14, "1.10340378892919e-309"),
        (0x2217beaddbc496cb, "1.9015657400796622e-144"),
        (0x8a6a63ec24ede6a4, "-1.7163996725272777e-258"),
        (0x8f6d05584ef8aa38, "-2.2818334634712625e-234"),
        (0xc0b8f178ef4e5c5a, "-6385.4724015212505"),
        (0xb64ce4228c38fb29, "-3.953625698224792e-47"),
        (0x9e7769b10f4205b4, "-6.505141861548772e-162"),
        (0x881ed162ae2eb154, "-1.4583679262758548e-269"),
        (0x7731af10506bf2ef, "1.4255183989699612e+266"),
        (0x8005c90a7403e430, "-8.045471778166605e-309"),
        (0xb2f14c942e05319a, "-2.628241891952923e-63"),
        (0xc23378ad3cd0d895, "-83628997840.84602"),
        (0x80057ee0e00902c7, "-7.642598611121326e-309"),
        (0x12bd4acefaecbd38, "2.0745096302730225e-218"),
        (0x2a3af4d46b0a18e8, "2.938345597354166e-105"),
        (0xc4ad7a61e9a88640, "-6.960309306789904e+22"),
        (0xab1031d0f646e1f4, "-2.892221502281467e-101"),
        (0x92b1d3f28ede0d7a, "-1.2625943181009154e-218"),
        (0x429729cb07e1c969, "6367066847346.353"),
        (0x8007f26198289fcd, "-1.105138791180881e-308"),
        (0xf1d69ed617f5e837, "-2.3567736845445426e+240"),
        (0xaa05e11ab2715945, "-2.981159638324064e-106"),
        (0xb394fb36bb2d420f, "-3.2641743650562687e-60"),
        (0xfe3b890b93f448b3, "-1.1525135242434574e+300"),
        (0x80048db472158370, "-6.332469295876924e-309"),
        (0xc43096750ab36f3b, "-3.059894886230987e+20"),
        (0x1df9fd789c653938, "2.8207895627764684e-164"),
        (0xc4aaeac137dc76fb, "-6.355599475351771e+22"),
        (0x3f63af83bd0561e6, "0.0024030278220090627"),
        (0xdf1582b0eab477d2, "-1.100192313608194e+150"),
        (0x72fdf2022a96fb1a, "8.178728811144149e+245"),
        (0xe22571594720771f, "-6.174026694114651e+164"),
        (0xdd2e16096e36aab0, "-7.16561744613332e+140"),
        (0x8006a50db4d66a3a, "-9.240648840667068e-309"),
        (0x000f52dd616499c9, "2.131021446359075e-308"),
        (0x26bb7dbd2d1c9af0, "4.1586747791282524e-122"),
        (0x0316909e3bbbe9ea, "8.832790543982714e-294"),
        (0x2eae05cf96d0cc5f, "7.7271785554382585e-84"),
        (0x254b0c4e010c4759, "4.877621251706118e-129"),
        (0x9c1caaf75e8766ed, "-2.8977267740353203e-173"),
        (0x00020203f3fe39c0, "2.792290826155316e-309"),
        (0xc7ac1491def88334, "-1.8662594217051923e+37"),
        (0x436009cd6cda019f, "3.611502021234201e+16"),
        (0x1a81682c64e50cad, "5.24366251661249e-181"),
        (0x0fef792866836886, "6.3351259938441454e-232"),
        (0x3571810afc132d0d, "2.9240169314463046e-51"),
        (0x570dc1951c2442f9, "2.2362770983306387e+111"),
        (0x000000f41a358ca0, "5.17984222071e-312"),
        (0x0005d158f2ee4e45, "8.090595928781796e-309"),
        (0x9d33a01c353c631c, "-5.200218817792794e-168"),
        (0x4093f6dea268aa87, "1277.7174164156038"),
        (0x445bb90b5e5019c9, "2.0455837792401655e+21"),
        (0x7cf20724d953ee26, "7.19616430630608e+293"),
        (0xc4426fe922fc16a8, "-6.802108168013254e+20"),
        (0x1a28f7b324e4e25a, "1.1751925869532934e-182"),
        (0x4470496dda7a3c6c, "4.807024488561882e+21"),
        (0xbe722d26fd7ebaf2, "-6.771227789471369e-08"),
        (0x873be078f3b7a50d, "-8.051699977655874e-274"),
        (0x8b0d590bb0a844e5, "-1.9545633593303549e-255"),
        (0x42280a9b96465ff9, "51628591907.18745"),
        (0x4191531eb83b52fe, "72665006.05793378"),
        (0x8002ac34e883a1d4, "-3.71682222083127e-309"),
        (0x44ab9b5981976726, "6.518479498575802e+22"),
        (0x9cfc865239194242, "-4.7239295389576093e-169"),
        (0x40c2f142b083e72c, "9698.521011817815"),
        (0x41236df3c5f7162e, "636665.8866507465"),
        (0x5b06258e7e26f36a, "3.0702749606219453e+130"),
        (0x41cd2ec202b3fc66, "979207173.4061401"),
        (0xb1491e243192b704, "-2.8432273819176408e-71"),
        (0x800727d85822cb77, "-9.95114900727423e-309"),
        (0xc1108620eac765e0, "-270728.2292762678"),
        (0x325b55dd78572976, "4.055706927423711e-66"),
        (0x9fc2d0a17b8f2ab5, "-1.0963157232742688e-155"),
        (0x3e22f16168be6b3b, "2.205242937868166e-09"),
        (0x5810d60ea72991b9, "1.658446308654235e+116"),
        (0xbfb5426434421c85, "-0.08304430270992398"),
        (0x40b60e0ec43ebb80, "5646.0576819618"),
        (0x6f15b6ad2db3997f, "1.2859621349384839e+227"),
        (0xc35dc03c68672360, "-3.3496560027078016e+16"),
        (0xf26149edbe4c5ce6, "-9.22254885946467e+242"),
        (0x2b855c1f28aaca51, "4.882807947984785e-99"),
        (0xc4499c93a9207915, "-9.44902298582335e+20"),
        (0xc477f9e5b76f8c86, "-7.076513825122517e+21"),
        (0x00027e9e59b44e92, "3.46917347445021e-309"),
        (0xf88c422bcca2a92b, "-4.7772162810011576e+272"),
        (0xbfe96c2ec3c98fe2, "-0.7944558929416383"),
        (0x31dec4f4df2a8b79, "1.7832797613943653e-68"),
        (0xc18b8ea1644663e7, "-57791532.534370236"),
        (0x3d93fd4c804c25d6, "4.545074390328596e-12"),
        (0xc39351ae6b8b5069, "-3.480213841890576e+17"),
        (0xc2d3f7be7de8d58f, "-87819095090006.23"),
        (0x450580dc8318c7be, "3.2494966064913226e+24"),
        (0xe0cfab4ceaefc4d2, "-2.1740225479195393e+158"),
        (0x00026deb8825ae56, "3.378462004057123e-309"),
        (0x3e37c06f485631c0, "5.530123141871077e-09"),
        (0xc01c040b8c46cadc, "-7.00395030195315"),
        (0x1ece615db9a6442e, "2.7011263403004327e-160"),
        (0x800aead4537390e5, "-1.5182377522694133e-308"),
        (0xbee0855e309e0a2a, "-7.877811657901435e-06"),
        (0x0acd8be146e40990, "1.2298676311984402e-256"),
        (0x3e1a814c872fb4f9, "1.5427983584641146e-09"),
        (0x4411e38982de8d7f, "8.249760726596241e+19"),
        (0x816bee06f92e2339, "-8.145581413706376e-302"),
        (0x800b156d330c16a3, "-1.5413778477699066e-308"),
        (0xceaf4915888564e8, "-1.0796224028842281e+71"),
        (0x3f665edef10637ce, "0.002730784828776734"),
        (0x800e0400e064a114, "-1.9491144098883487e-308"),
        (0x40beaf194d422ae7, "7855.098835120653"),
        (0xbfb29426ca222e8f, "-0.07257311282062971"),
        (0x1292618550e40d54, "3.254399723084647e-219"),
        (0x00012b806da79a87, "1.62698570217762e-309"),
        (0x0001f525c8b007ee, "2.722388695192415e-309"),
        (0x42f04f2d61d8e66e, "286915997568614.9"),
        (0x23231e1ee2015522, "2.0067197319688217e-139"),
        (0xbf76f8ab5ec1048a, "-0.005608243383961606"),
        (0x29acf1a57cbd1f5a, "6.16210487250767e-108"),
        (0x40509f4ab165f080, "66.48893389658951"),
        (0x4375f0f48e028928, "9.881452249825754e+16"),
        (0x5b4b1b75321c5296, "6.012757601331338e+131"),
        (0x5daf106db8dee081, "1.8940340011793877e+143"),
        (0x756b72898dd63cb9, "4.121238061089377e+257"),
        (0x626467ba04a10547, "9.400438323489415e+165"),
        (0x4ba2e1619fb9af50, "2.31472979880147e+56"),
        (0x0001ce3b10755c97, "2.510980203655125e-309"),
        (0xc192d877c494ec92, "-79044081.1454337"),
        (0xc76c603fe7e8f9f6, "-1.1786918920628208e+36"),
        (0x212a8d9bc17a9262, "6.4894566094220505e-149"),
        (0x4190ab6df5cf0804, "69917565.45217901"),
        (0xeb4ed2e3895e8b6b, "-7.916860113155979e+208"),
        (0x800b34e87e9ee51d, "-1.558479638281212e-308"),
        (0xccb1c51d0eba0ea8, "-2.8555248282750853e+61"),
        (0x000e53166ce193c2, "1.99207537918859e-308"),
        (0xa26aa0ae044f1574, "-6.823779649628285e-143"),
        (0x1570266b42b38755, "2.0121367211070264e-205"),
        (0x800110e238efbaeb, "-1.482388539140744e-309"),
        (0xc26ae8483b3fb012, "-924529580541.5022"),
        (0xc1a39b82c68cb115, "-164479331.27478853"),
        (0x00086e3e0b0f873b, "1.1724239861485196e-308"),
        (0x41965fb20d18400d, "93842563.27368183"),
        (0xeea7bb6433a71568, "-1.0980473699438068e+225"),
        (0x87f53ddd4e14d571, "-2.512999004874827e-270"),
        (0xc4d63d1f7bc78098, "-4.2007833055128363e+23"),
        (0x00058d504540f426, "7.7210147456478e-309"),
        (0xbe78dc1ea1915988, "-9.261012969114466e-08"),
        (0x408fe7dc48890848, "1020.9825602250721"),
        (0x800ef44c3ee4da5a, "-2.079649764291674e-308"),
        (0xa66d58b5d1a4c01e, "-1.387293858333159e-123"),
        (0x8bc083117eb86c57, "-4.504358430347104e-252"),
        (0xc4c6a3d0c1ce7d22, "-2.1382784887682816e+23"),
        (0xfb81392137161c16, "-8.195563106457263e+286"),
        (0xd510bb0432d90dcd, "-5.855019204422169e+101"),
        (0x3fdd4ac40a2cf628, "0.4576883410807988"),
        (0xfb5c9d5658f92dea, "-1.7020156903366876e+286"),
    ];

    #[rustfmt::skip]
    const ROUND_CASES: &[(u64, i64, u64)] = &[
        (0xbe3fcc601fff0c02, 8, 0xbe45798ee2308c3a),
        (0xc17f782700000000, -7, 0xc17c9c3800000000),
        (0x436e4f8eeae6def0, 4, 0x436e4f8eeae6def0),
        (0xc1af1af3a0000000, -3, 0xc1af1af3a0000000),
        (0xbf79c6a56f06e07b, 2, 0xbf847ae147ae147b),
        (0xbfd163d0f09c85bc, 5, 0xbfd163dc486ad2dd),
        (0xc0ec502000000000, -1, 0xc0ec4f8000000000),
        (0xc0de72fe00000000, 2, 0xc0de72fe147ae148),
        (0xc1f07898ddba17c5, -6, 0xc1f07831b4000000),
        (0x3e37ba8a1f60c817, -4, 0x0000000000000000),
        (0x66465d2824d4589c, 280, 0x66465d2824d4589c),
        (0xbfb872c3c47b75bd, 8, 0xbfb872c3c1e13666),
        (0x4104e4f48c020a5a, 15, 0x4104e4f48c020a5a),
        (0x41faf5d61e040000, -1, 0x41faf5d61e000000),
        (0x4195334ea0000000, -3, 0x4195334ea0000000),
        (0x4124f0a000000000, 1, 0x4124f0a000000000),
        (0x420134bc4e020000, -5, 0x420134bc4e000000),
        (0x811e7616c0bbe6ed, 262, 0x8000000000000000),
        (0x041dcd94cdff5a1c, 278, 0x0000000000000000),
        (0x4200197255020000, -4, 0x4200197255000000),
        (0xc2011124baa74bce, -1, 0xc2011124ba900000),
        (0xd5f860c3606a0deb, 142, 0xd5f860c3606a0deb),
        (0x411351ac00000000, 6, 0x411351ac00000000),
        (0xc0adbb4800000000, 0, 0xc0adbc0000000000),
        (0x4295a90c8c1e2435, 4, 0x4295a90c8c1e2435),
        (0xa8c7d9e01789819f, 218, 0xa8c7d9e01789819f),
        (0x3f7365cfa8b13b3e, 13, 0x3f7365cfa8b07088),
        (0xc2910ed182cbf016, 12, 0xc2910ed182cbf016),
        (0x40b2bc926358d4a6, 3, 0x40b2bc926e978d50),
        (0x7aa068f113a5397f, -26, 0x7aa068f113a5397f),
        (0x41f6ff9a90040000, -4, 0x41f6ff9a90000000),
        (0xbf7ce2083a0aeaca, 8, 0xbf7ce2089e34330d),
        (0xc1a8143edf800000, -5, 0xc1a8148d00000000),
        (0xbf81fecd9c3b9325, 9, 0xbf81fecda5e5ad43),
        (0xc0eb91a9da3b69e1, -3, 0xc0eb580000000000),
        (0xc177fb6778000000, 0, 0xc177fb6780000000),
        (0x411ad12a00000000, -6, 0x0000000000000000),
        (0x4a227f39047b2c10, 149, 0x4a227f39047b2c10),
        (0x40608bd96708a8b0, -4, 0x0000000000000000),
        (0x40fc245400000000, -3, 0x40fc138000000000),
        (0xc0a5723a00000000, 0, 0xc0a5720000000000),
        (0x9a762d5421f267e2, 326, 0x9a762d5421f267e2),
        (0x411a3dd800000000, 1, 0x411a3dd800000000),
        (0x40f36b5239d5fa17, 0, 0x40f36b5000000000),
        (0xc0f83d1e7d9bb02d, 9, 0xc0f83d1e7d9bb030),
        (0xc0f662ac00000000, 2, 0xc0f662ac00000000),
        (0xc10493c400000000, 1, 0xc10493c400000000),
        (0x4331d0d35d246d22, 0, 0x4331d0d35d246d22),
        (0x4268d1d6909b98bc, -12, 0x426d1a94a2000000),
        (0x40d284064a327e2d, 61, 0x40d284064a327e2d),
        (0xc35382e5787cf924, 6, 0xc35382e5787cf924),
        (0x42d3587cf4bf48dd, -4, 0x42d3587cf4c1e800),
        (0x1a09a84047d7df79, -268, 0x0000000000000000),
        (0xa28cf7b1491e99f5, -168, 0x8000000000000000),
        (0xc11c98ffe1536f44, -2, 0xc11c985000000000),
        (0xc3f5f86bed9d598d, 1, 0xc3f5f86bed9d598d),
        (0xc2fbd8a3cfdcc257, 326, 0xc2fbd8a3cfdcc257),
        (0x40a9876600000000, 4, 0x40a98765fd8adaba),
        (0xc3dd1a737321c66b, 11, 0xc3dd1a737321c66b),
        (0x40f1ac8000000000, 6, 0x40f1ac8000000000),
        (0x0c89c0017c4ea603, 243, 0x0000000000000000),
        (0xbfac7bc64ae5a660, -3, 0x8000000000000000),
        (0x41f1cf2ee73eccc5, -4, 0x41f1cf2ee1000000),
        (0xc0de7c7000000000, 3, 0xc0de7c7000000000),
        (0xc0f51cb800000000, -2, 0xc0f51e4000000000),
        (0xc128810b80000000, 0, 0xc128810c00000000),
        (0xc0986c8000000000, 3, 0xc0986c8000000000),
        (0x40d229a800000000, -1, 0x40d22a0000000000),
        (0xbe2b26e1e028cf37, -2, 0x8000000000000000),
        (0xc1870b7932f3beb9, -6, 0xc186e36000000000),
        (0xdee0a843bfe98f8c, 102, 0xdee0a843bfe98f8c),
        (0x40a1375800000000, -1, 0x40a1300000000000),
        (0xc111bec400000000, 3, 0xc111bec400000000),
        (0x3eaf62c5898cd60c, 9, 0x3eaf5f96be72ecdd),
        (0x40e38e9c00000000, -3, 0x40e3880000000000),
        (0xc0492796293167d6, 8, 0xc0492796293730ef),
        (0xc11518dc00000000, -2, 0xc115199000000000),
        (0x439742aeddec3648, 13, 0x439742aeddec3648),
        (0x409c3f3000000000, -4, 0x0000000000000000),
        (0x43ddda9236b6b979, 14, 0x43ddda9236b6b979),
        (0xc061ca0000000000, -1, 0xc061800000000000),
        (0xc1193a4800000000, 1, 0xc1193a4800000000),
        (0xf10586671be03df0, 148, 0xf10586671be03df0),
        (0x3dce70f631004139, 13, 0x3dce74db5ad77d3a),
        (0x3de312582ab96317, 8, 0x0000000000000000),
        (0xc1f8c1a485f80000, 1, 0xc1f8c1a485f80000),
        (0x40f44b9000000000, -6, 0x0000000000000000),
        (0x409dde7600000000, -1, 0x409dd80000000000),
        (0xc090355200000000, -4, 0x8000000000000000),
        (0xc0af0325e012213a, -4, 0x8000000000000000),
        (0xd6e3a71ea502e8a8, -72, 0xd6e3a71ea502e8a8),
        (0xc09efc2000000000, -1, 0xc09ef00000000000),
        (0xc1da485a01d6daac, -3, 0xc1da485a02000000),
        (0xc3a0fae253fd7eaa, 9, 0xc3a0fae253fd7eaa),
        (0xc15e09bf00000000, -1, 0xc15e09bf00000000),
        (0x7e318ad63a0ea6e1, -286, 0x7e318ad63a0ea6c1),
        (0x41950dc542000000, -1, 0x41950dc540000000),
        (0x42959d40922a6301, 15, 0x42959d40922a6301),
        (0xc0b1623400000000, -1, 0xc0b1620000000000),
        (0x40f5f67400000000, -1, 0x40f5f68000000000),
        (0xc0db1cc400000000, -3, 0xc0db580000000000),
        (0x9c2f67237eea6fe1, -129, 0x8000000000000000),
        (0x6ac26ae07c2c6a87, -263, 0x0000000000000000),
        (0xec032e6b25795c18, 82, 0xec032e6b25795c18),
        (0xc1cc64d9510ab39e, -8, 0xc1cdcd6500000000),
        (0x411dd3a400000000, -2, 0x411dd3f000000000),
        (0x40daf71200000000, -3, 0x40db580000000000),
        (0x2a66f913ee7d0ae2, 17, 0x0000000000000000),
        (0x41129ca1fd63098a, 11, 0x41129ca1fd63098a),
        (0xc0751f1000000000, 2, 0xc0751f0a3d70a3d7),
        (0x54ea2061fc27d683, 133, 0x54ea2061fc27d683),
        (0xbf845cc73d0a162e, -10, 0x8000000000000000),
        (0x411a222a00000000, 4, 0x411a222a00000000),
        (0x61502dee35185376, 45, 0x61502dee35185376),
        (0xc172317880000000, -7, 0xc17312d000000000),
        (0xc152935ef0000000, 0, 0xc152935f00000000),
        (0xc38e248f0bec435a, 3, 0xc38e248f0bec435a),
        (0xc2e4480450217d29, 8, 0xc2e4480450217d29),
        (0xc1954d2000000000, 0, 0xc1954d2000000000),
        (0x3f8134d2dc7a3ad1, -6, 0x0000000000000000),
        (0x41566a1620000000, -3, 0x41566a4800000000),
        (0x4111f02400000000, 0, 0x4111f02400000000),
        (0x415ecf8020000000, -3, 0x415ecfb200000000),
        (0x43d1bd4c64360971, 13, 0x43d1bd4c64360971),
        (0xc0f43ba000000000, -6, 0x8000000000000000),
        (0xc076b84000000000, 0, 0xc076c00000000000),
        (0x7e544d56d096bfd6, -185, 0x7e544d56d096bfd6),
        (0x023a80a22ed51b12, -10, 0x0000000000000000),
        (0x26bc9858c5d6d5e9, 301, 0x26bc9858c5d6d5e9),
        (0x40bc38d8f0c6df37, -1, 0x40bc340000000000),
        (0x40eb6c6800000000, -4, 0x40ed4c0000000000),
        (0xc0f4481600000000, 2, 0xc0f44816147ae148),
        (0xc161c81cb392d3e8, 5, 0xc161c81cb392ccf7),
        (0xc0e9beb000000000, -3, 0xc0e9e10000000000),
        (0xbe76545343bb84e5, 1, 0x8000000000000000),
        (0x40add0c800000000, -2, 0x40adb00000000000),
        (0xc1a3d3a5231afc47, 9, 0xc1a3d3a5231afc47),
        (0x429c0f370517fae1, 9, 0x429c0f370517fae1),
        (0xc141826bc0000000, 2, 0xc141826bc0000000),
        (0xbf7425cf17298543, -6, 0x8000000000000000),
        (0xc0f2a16600000000, -1, 0xc0f2a16000000000),
        (0x4192518c6f9f09d6, -6, 0x41925bb500000000),
        (0xc0c4ad3000000000, -1, 0xc0c4af0000000000),
        (0xc07f6b1c00000000, -3, 0xc08f400000000000),
        (0xc0f60b7000000000, 0, 0xc0f60b7000000000),
        (0xd72eb3a13b2a421a, 139, 0xd72eb3a13b2a421a),
        (0xe07b59d80a5527a2, -20, 0xe07b59d80a5527a2),
        (0xc1cacc7c86a2c93a, 14, 0xc1cacc7c86a2c93a),
        (0x411d037600000000, 1, 0x411d037600000000),
        (0xc0b3241a00000000, 5, 0xc0b32419ffd60e95),
        (0x440817df522a0930, -12, 0x440817df50a009f4),
        (0x41a6ec59e6ba60b9, -1, 0x41a6ec59e4000000),
        (0xbe919f23c6d98683, -11, 0x8000000000000000),
        (0xc1bd3770edd2112a, 11, 0xc1bd3770edd2112a),
        (0xc0e6c99000000000, -1, 0xc0e6c9c000000000),
        (0xc1bead169f800000, -6, 0xc1beb246c0000000),
        (0x41568735d7179dc4, 3, 0x41568735d71a9fbe),
        (0xc053ee3c9046a65a, 9, 0xc053ee3c90462b2a),
        (0x4094c7b400000000, -3, 0x408f400000000000),
        (0x41b97814a0800000, -1, 0x41b97814a0000000),
        (0x4ebe9880aaf5a86e, 107, 0x4ebe9880aaf5a86e),
        (0xbece71454ff6f2c5, 260, 0xbece71454ff6f2c5),
        (0x6a9c2a336a01260f, -302, 0x0000000000000000),
        (0xcd5e4aa0ff2282e6, 52, 0xcd5e4aa0ff2282e6),
        (0x41acee9dc1000000, -4, 0x41acee9dc0000000),
        (0xe6d143186f25630d, -160, 0xe6d143186f25630d),
        (0x4115fc6a00000000, 2, 0x4115fc6a00000000),
        (0xc09cb34000000000, -2, 0xc09c200000000000),
        (0xbeae15d077e44539, 8, 0xbeae32f0ee144531),
        (0x16cabe32658f62d1, 266, 0x16cabe32658f62d1),
        (0xc1b09b193fc00000, -5, 0xc1b09b1940000000),
        (0xc11a7407f224e948, -7, 0x8000000000000000),
        (0x623c70ce1bd9d912, 182, 0x623c70ce1bd9d912),
        (0xc15269c500000000, -7, 0x8000000000000000),
        (0x5084c63f7b949e54, -266, 0x0000000000000000),
        (0x418fdc9dc0000000, 2, 0x418fdc9dc0000000),
        (0xc1f599e16a000000, 2, 0xc1f599e16a000000),
        (0x40f7a61e00000000, 3, 0x40f7a61e00000000),
        (0xc04c2fb2297a8511, 4, 0xc04c2fb15b573eab),
        (0xbe92e596723aa533, -5, 0x8000000000000000),
        (0xe5b5206ed0ce6bc4, -123, 0xe5b5206ed0ce6bc4),
        (0x42a6ae2b58df49e8, 9, 0x42a6ae2b58df49e8),
        (0x3e72283e7381d0d7, 0, 0x0000000000000000),
        (0x4062be3000000000, 0, 0x4062c00000000000),
        (0xc1a6e4e6a0000000, -1, 0xc1a6e4e6a0000000),
        (0xc09c00d000000000, 4, 0xc09c00cff9724745),
        (0xc12d058600000000, 5, 0xc12d058600000000),
        (0x3c39679d771c23e1, 137, 0x3c39679d771c23e1),
        (0x410894d400000000, -1, 0x410894d000000000),
        (0xc08738b4b732d992, -1, 0xc087200000000000),
        (0xc0fc561bbaa7a7cd, 9, 0xc0fc561bbaa7a7cf),
        (0x3e2770904e335da6, 11, 0x3e2773555f727443),
        (0x409f2cd800000000, -3, 0x409f400000000000),
        (0x3fe91d2f8be4dc20, 8, 0x3fe91d2f8b5dec9a),
        (0x069e87dc22dd113c, -253, 0x0000000000000000),
        (0xb14aed54bb69e1f0, -208, 0x8000000000000000),
        (0x40f78599e42265f9, -3, 0x40f7700000000000),
        (0xcb8389fbea81ad63, -151, 0x8000000000000000),
        (0x412b2b2800000000, -2, 0x412b2b7800000000),
        (0xc114ae0e00000000, 2, 0xc114ae0e00000000),
        (0x3ea52e6cb4d760c7, -4, 0x0000000000000000),
        (0x40bc5b4400000000, -1, 0x40bc5c0000000000),
        (0x4091cbb400000000, -1, 0x4091d00000000000),
        (0xc0fc290800000000, -2, 0xc0fc264000000000),
        (0x40d4722c00000000, 6, 0x40d4722c00000000),
        (0xc0e9996000000000, 0, 0xc0e9996000000000),
        (0x41c24fb02691b8e1, 15, 0x41c24fb02691b8e1),
        (0x40b959f200000000, 4, 0x40b959f1ff2e48e9),
        (0x410b1f4000000000, 0, 0x410b1f4000000000),
        (0xdb4a18fca1390385, 83, 0xdb4a18fca1390385),
        (0xc110026e00000000, -2, 0xc110027000000000),
        (0xc0bdd89800000000, -3, 0xc0bf400000000000),
        (0xc093348800000000, -4, 0x8000000000000000),
        (0x3f6a63ab6725e567, 8, 0x3f6a63a91cc45be5),
        (0x95fb98f9decbc10b, 0, 0x8000000000000000),
        (0x40f766c000000000, -5, 0x40f86a0000000000),
        (0x406f678d4c01dcec, 4, 0x406f678d4fdf3b64),
        (0xc10b75bc00000000, 3, 0xc10b75bc00000000),
        (0x3dc0d59e7a95e8f1, -11, 0x0000000000000000),
        (0xbe5f25844b8ff052, 4, 0x8000000000000000),
        (0xc0c02a3e00000000, 5, 0xc0c02a3e0029f16b),
        (0xc0f5f58600000000, 1, 0xc0f5f58666666666),
        (0x410de5c000000000, -7, 0x0000000000000000),
        (0xb51cecef3e5bcce6, -168, 0x8000000000000000),
        (0xc08a715c00000000, -2, 0xc089000000000000),
        (0x450f002ac83b6269, 91, 0x450f002ac83b6269),
        (0x02f1679ef7962f83, -263, 0x0000000000000000),
        (0x415215fb10000000, 2, 0x415215fb10000000),
        (0x40ad75e000000000, 3, 0x40ad75e04189374c),
        (0x3e0bba8213e43a14, -11, 0x0000000000000000),
        (0xc0e2232000000000, -1, 0xc0e2228000000000),
        (0x3e761af03e1cb73e, -12, 0x0000000000000000),
        (0x412606c000000000, -1, 0x412606c000000000),
        (0x410a632f84520b5e, 8, 0x410a632f84520b10),
        (0x4122897880000000, -3, 0x4122863000000000),
        (0x438bf836c1abbc47, 11, 0x438bf836c1abbc47),
        (0x41ca168b08000000, -1, 0x41ca168b08000000),
        (0xe989da51bec49ab4, 156, 0xe989da51bec49ab4),
        (0x3eca18044c022586, -5, 0x0000000000000000),
        (0x3b77cbb442ecdcf9, -281, 0x0000000000000000),
        (0x43db266bd3710d81, 10, 0x43db266bd3710d81),
        (0xb630f00543678856, -267, 0x8000000000000000),
        (0x405ae4d54173c20f, 9, 0x405ae4d54173706e),
        (0x414c5aca40000000, -4, 0x414c61a000000000),
        (0x3e83f0e0273033c6, -4, 0x0000000000000000),
        (0xbe6ed515d77b26d3, -113, 0x8000000000000000),
        (0xea3ab6d2bf03c644, 14, 0xea3ab6d2bf03c644),
        (0xc1aa88c656ce0b83, -5, 0xc1aa893680000000),
        (0x4088017c00000000, 6, 0x4088017c0010c6f8),
        (0x7830b083894e9f37, 163, 0x7830b083894e9f37),
    ];
}
