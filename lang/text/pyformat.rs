//! Python's format-spec mini-language (`format(value, spec)`), ported from
//! CPython 3.11's `Python/formatter_unicode.c`, and `hex`/`bin`/`oct`.
//!
//! `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`
//!
//! Formatting is locale-independent (CPython's default "C" locale), so type
//! `n` behaves like `d` for ints and `g` for floats.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use super::pyfloat::{format_float, FloatFlags, FloatStyle};
use super::pystr;

/// A value handed to [`format_spec`]. Booleans should be passed as `Int`
/// (Python formats `True` like `1` once a spec is non-empty; with an empty
/// spec `format(True, "")` is `str(True)`, which the caller handles).
#[derive(Clone, Copy, Debug)]
pub enum FmtArg<'a> {
    /// An integer.
    Int(&'a BigInt),
    /// A float.
    Float(f64),
    /// A string.
    Str(&'a str),
}

/// Widths above this are rejected instead of attempting a multi-gigabyte
/// allocation (where CPython would raise `MemoryError`); float precisions
/// above it are rejected by CPython too ("precision too big").
const MAX_WIDTH: i64 = i32::MAX as i64;

/// Largest float precision: a double has at most 1,074 meaningful decimals,
/// so anything far beyond is only padding (and a way to ask for gigabytes).
pub const MAX_FLOAT_PRECISION: i64 = 10_000;

/// Python's `format(value, spec)`. `Err` carries the message of the
/// `ValueError` CPython raises (`"Unknown format code 'd' for object of type
/// 'float'"`, `"Invalid format specifier 'abc' for object of type 'int'"`,
/// ...); three cases are `OverflowError`s in CPython: `"int too large to
/// convert to float"`, `"%c arg not in range(0x110000)"` and `"Python int too
/// large to convert to C long"`.
pub fn format_spec(arg: FmtArg, spec: &str) -> Result<String, String> {
    match arg {
        FmtArg::Int(n) => format_int(n, spec),
        FmtArg::Float(x) => format_float_value(x, spec),
        FmtArg::Str(s) => format_str(s, spec),
    }
}

/// `hex(n)`, `bin(n)`, `oct(n)` for `base` 16, 2, 8 with `prefix`
/// (`-0x1`, `0b101`, `0o10`); any base 2..=36 without prefix gives the
/// lowercase digits with a leading `-` for negative numbers.
pub fn int_to_base(n: &BigInt, base: u32, prefix: bool) -> String {
    let digits = n.magnitude().to_str_radix(base);
    let mut out = String::with_capacity(digits.len() + 3);
    if n.is_negative() {
        out.push('-');
    }
    if prefix {
        out.push_str(match base {
            2 => "0b",
            8 => "0o",
            16 => "0x",
            _ => "",
        });
    }
    out.push_str(&digits);
    out
}

// ---------------------------------------------------------------------------
// Spec parsing (parse_internal_render_format_spec)
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Grouping {
    None,
    /// `,` every three digits.
    Comma,
    /// `_` every three digits.
    Underscore,
    /// `_` every four digits (types b, o, x, X).
    UnderFour,
}

#[derive(Debug)]
struct Spec {
    fill: char,
    align: char,
    sign: Option<char>,
    no_neg_0: bool,
    alternate: bool,
    /// -1 when absent.
    width: i64,
    grouping: Grouping,
    precision: Option<i64>,
    /// The presentation type; the caller's default when absent (`None` is
    /// the float default, CPython's `'\0'`).
    ty: Option<char>,
}

fn is_align(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '^')
}

/// Format code as CPython prints it in messages: `'x'` or `'\xe9'`.
fn code_repr(c: char) -> String {
    let cp = c as u32;
    if cp > 32 && cp < 128 {
        format!("'{c}'")
    } else {
        format!("'\\x{cp:x}'")
    }
}

fn unknown_code(ty: char, type_name: &str) -> String {
    format!(
        "Unknown format code {} for object of type '{type_name}'",
        code_repr(ty)
    )
}

/// Reads decimal digits (of any script, as `Py_UNICODE_TODECIMAL`); returns
/// the value and the number of digits consumed.
fn get_integer(chars: &[char], pos: &mut usize) -> Result<(i64, usize), String> {
    let mut acc: i64 = 0;
    let mut count = 0;
    while let Some(d) = chars.get(*pos).and_then(|&c| pystr::decimal_value(c)) {
        let d = i64::from(d);
        if acc > (i64::MAX - d) / 10 {
            return Err("Too many decimal digits in format string".to_string());
        }
        acc = acc * 10 + d;
        *pos += 1;
        count += 1;
    }
    Ok((acc, count))
}

fn parse_spec(
    spec: &str,
    type_name: &str,
    default_align: char,
    default_type: Option<char>,
) -> Result<Spec, String> {
    let c: Vec<char> = spec.chars().collect();
    let end = c.len();
    let mut pos = 0;
    let mut s = Spec {
        fill: ' ',
        align: default_align,
        sign: None,
        no_neg_0: false,
        alternate: false,
        width: -1,
        grouping: Grouping::None,
        precision: None,
        ty: default_type,
    };
    let mut fill_specified = false;
    let mut align_specified = false;

    if end >= 2 && is_align(c[1]) {
        s.align = c[1];
        s.fill = c[0];
        fill_specified = true;
        align_specified = true;
        pos = 2;
    } else if end >= 1 && is_align(c[0]) {
        s.align = c[0];
        align_specified = true;
        pos = 1;
    }
    if pos < end && matches!(c[pos], '+' | '-' | ' ') {
        s.sign = Some(c[pos]);
        pos += 1;
    }
    if pos < end && c[pos] == 'z' {
        s.no_neg_0 = true;
        pos += 1;
    }
    if pos < end && c[pos] == '#' {
        s.alternate = true;
        pos += 1;
    }
    // The special case for 0-padding (backwards compatibility).
    if !fill_specified && pos < end && c[pos] == '0' {
        s.fill = '0';
        if !align_specified && default_align == '>' {
            s.align = '=';
        }
        pos += 1;
    }
    let (width, consumed) = get_integer(&c, &mut pos)?;
    if consumed > 0 {
        s.width = width;
    }
    let both = "Cannot specify both ',' and '_'.";
    if pos < end && c[pos] == ',' {
        s.grouping = Grouping::Comma;
        pos += 1;
    }
    if pos < end && c[pos] == '_' {
        if s.grouping != Grouping::None {
            return Err(both.to_string());
        }
        s.grouping = Grouping::Underscore;
        pos += 1;
    }
    if pos < end && c[pos] == ',' && s.grouping == Grouping::Underscore {
        return Err(both.to_string());
    }
    if pos < end && c[pos] == '.' {
        pos += 1;
        let (precision, consumed) = get_integer(&c, &mut pos)?;
        if consumed == 0 {
            return Err("Format specifier missing precision".to_string());
        }
        s.precision = Some(precision);
    }
    if end - pos > 1 {
        return Err(format!(
            "Invalid format specifier '{spec}' for object of type '{type_name}'"
        ));
    }
    if end - pos == 1 {
        s.ty = Some(c[pos]);
    }
    if s.grouping != Grouping::None {
        match s.ty {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => {}
            Some('b' | 'o' | 'x' | 'X') if s.grouping == Grouping::Underscore => {
                s.grouping = Grouping::UnderFour;
            }
            Some(t) => {
                let sep = if s.grouping == Grouping::Comma {
                    ','
                } else {
                    '_'
                };
                return Err(format!("Cannot specify '{sep}' with {}.", code_repr(t)));
            }
        }
    }
    if s.width > MAX_WIDTH {
        return Err("Too many decimal digits in format string".to_string());
    }
    Ok(s)
}

// ---------------------------------------------------------------------------
// Number layout (calc_number_widths + fill_number)
// ---------------------------------------------------------------------------

fn push_n(out: &mut String, c: char, n: i64) {
    for _ in 0..n.max(0) {
        out.push(c);
    }
}

/// `_PyUnicode_InsertThousandsGrouping`: groups `digits` (ASCII) from the
/// right, padding with zeros (also grouped) up to `min_width` characters.
fn group_digits(digits: &str, min_width: i64, grouping: Grouping) -> String {
    let (size, sep) = match grouping {
        Grouping::None => (0, ' '),
        Grouping::Comma => (3, ','),
        Grouping::Underscore => (3, '_'),
        Grouping::UnderFour => (4, '_'),
    };
    let mut remaining = digits.len() as i64;
    let mut min_width = min_width;
    if size == 0 {
        let l = remaining.max(min_width).max(1);
        let mut out = String::with_capacity(l as usize);
        push_n(&mut out, '0', l - remaining);
        out.push_str(digits);
        return out;
    }
    let mut groups: Vec<String> = Vec::new();
    let mut end = digits.len();
    loop {
        let l = size.min(remaining.max(min_width).max(1));
        let n_zeros = (l - remaining).max(0);
        let n_chars = remaining.min(l).max(0);
        let mut group = String::with_capacity(l as usize);
        push_n(&mut group, '0', n_zeros);
        group.push_str(&digits[end - n_chars as usize..end]);
        end -= n_chars as usize;
        groups.push(group);
        remaining -= n_chars;
        min_width -= l;
        if remaining <= 0 && min_width <= 0 {
            break;
        }
        min_width -= 1;
    }
    groups.reverse();
    groups.join(&sep.to_string())
}

/// Lays out `[lpad][sign][prefix][spad][grouped digits][.][remainder][rpad]`.
fn layout_number(
    sp: &Spec,
    negative: bool,
    prefix: &str,
    digits: &str,
    has_decimal: bool,
    remainder: &str,
) -> String {
    let sign = match (sp.sign, negative) {
        (_, true) => "-",
        (Some('+'), false) => "+",
        (Some(' '), false) => " ",
        _ => "",
    };
    let n_non_digit = (sign.len() + prefix.len() + usize::from(has_decimal)) as i64
        + pystr::char_len(remainder) as i64;
    let min_width = if sp.fill == '0' && sp.align == '=' {
        sp.width - n_non_digit
    } else {
        0
    };
    let grouped = if digits.is_empty() {
        String::new()
    } else {
        group_digits(digits, min_width, sp.grouping)
    };
    let n_padding = sp.width - (n_non_digit + grouped.len() as i64);
    let (left, inner, right) = if n_padding > 0 {
        match sp.align {
            '<' => (0, 0, n_padding),
            '^' => (n_padding / 2, 0, n_padding - n_padding / 2),
            '=' => (0, n_padding, 0),
            _ => (n_padding, 0, 0),
        }
    } else {
        (0, 0, 0)
    };
    let mut out = String::with_capacity((sp.width.max(0) as usize).max(grouped.len() + 8));
    push_n(&mut out, sp.fill, left);
    out.push_str(sign);
    out.push_str(prefix);
    push_n(&mut out, sp.fill, inner);
    out.push_str(&grouped);
    if has_decimal {
        out.push('.');
    }
    out.push_str(remainder);
    push_n(&mut out, sp.fill, right);
    out
}

// ---------------------------------------------------------------------------
// Per-type formatting
// ---------------------------------------------------------------------------

fn format_int(n: &BigInt, spec: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(n.to_string());
    }
    let sp = parse_spec(spec, "int", '>', Some('d'))?;
    match sp.ty {
        Some('b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n') => format_long(n, &sp),
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => {
            let x = n.to_f64().unwrap_or(f64::INFINITY);
            if x.is_infinite() {
                return Err("int too large to convert to float".to_string());
            }
            format_float_internal(x, &sp)
        }
        Some(t) => Err(unknown_code(t, "int")),
        None => unreachable!("ints have a default type"),
    }
}

fn format_long(n: &BigInt, sp: &Spec) -> Result<String, String> {
    if sp.precision.is_some() {
        return Err("Precision not allowed in integer format specifier".to_string());
    }
    if sp.no_neg_0 {
        return Err(
            "Negative zero coercion (z) not allowed in integer format specifier".to_string(),
        );
    }
    let ty = sp.ty.unwrap_or('d');
    if ty == 'c' {
        if sp.sign.is_some() {
            return Err("Sign not allowed with integer format specifier 'c'".to_string());
        }
        if sp.alternate {
            return Err(
                "Alternate form (#) not allowed with integer format specifier 'c'".to_string(),
            );
        }
        let v = n
            .to_i64()
            .ok_or_else(|| "Python int too large to convert to C long".to_string())?;
        if !(0..=0x10ffff).contains(&v) {
            return Err("%c arg not in range(0x110000)".to_string());
        }
        // Lone surrogates cannot live in a Rust string.
        let c = char::from_u32(v as u32).unwrap_or('\u{fffd}');
        return Ok(layout_number(sp, false, "", "", false, &c.to_string()));
    }
    let (base, prefix) = match ty {
        'b' => (2, "0b"),
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let mut digits = n.magnitude().to_str_radix(base);
    if ty == 'X' {
        digits.make_ascii_uppercase();
    }
    let prefix = if sp.alternate { prefix } else { "" };
    Ok(layout_number(
        sp,
        n.is_negative(),
        prefix,
        &digits,
        false,
        "",
    ))
}

fn format_float_value(x: f64, spec: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(super::pyfloat::float_repr(x));
    }
    let sp = parse_spec(spec, "float", '>', None)?;
    match sp.ty {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => format_float_internal(x, &sp),
        Some(t) => Err(unknown_code(t, "float")),
    }
}

fn format_float_internal(x: f64, sp: &Spec) -> Result<String, String> {
    let mut flags = FloatFlags {
        alt: sp.alternate,
        no_neg_0: sp.no_neg_0,
        ..FloatFlags::default()
    };
    let mut value = x;
    let mut percent = false;
    let (mut style, default_precision) = match sp.ty {
        None => {
            // Like repr without precision; like 'g' (keeping a ".0") with one.
            flags.add_dot_0 = true;
            (FloatStyle::Repr, 0)
        }
        Some('e') => (FloatStyle::Exp, 6),
        Some('E') => {
            flags.upper = true;
            (FloatStyle::Exp, 6)
        }
        Some('f') => (FloatStyle::Fixed, 6),
        Some('F') => {
            flags.upper = true;
            (FloatStyle::Fixed, 6)
        }
        Some('g' | 'n') => (FloatStyle::General, 6),
        Some('G') => {
            flags.upper = true;
            (FloatStyle::General, 6)
        }
        Some('%') => {
            value *= 100.0;
            percent = true;
            (FloatStyle::Fixed, 6)
        }
        Some(t) => return Err(unknown_code(t, "float")),
    };
    let precision = match sp.precision {
        None => default_precision,
        Some(p) if p > MAX_FLOAT_PRECISION => return Err("precision too big".to_string()),
        Some(p) => {
            if style == FloatStyle::Repr {
                style = FloatStyle::General;
            }
            p as usize
        }
    };
    let mut buf = format_float(value, style, precision, flags);
    if percent {
        buf.push('%');
    }
    let (negative, body) = match buf.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, buf.as_str()),
    };
    let n_digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = body.split_at(n_digits);
    let (has_decimal, remainder) = match rest.strip_prefix('.') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    Ok(layout_number(
        sp,
        negative,
        "",
        digits,
        has_decimal,
        remainder,
    ))
}

fn format_str(s: &str, spec: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(s.to_string());
    }
    let sp = parse_spec(spec, "str", '<', Some('s'))?;
    match sp.ty {
        Some('s') => {}
        Some(t) => return Err(unknown_code(t, "str")),
        None => unreachable!("strings have a default type"),
    }
    match sp.sign {
        Some(' ') => return Err("Space not allowed in string format specifier".to_string()),
        Some(_) => return Err("Sign not allowed in string format specifier".to_string()),
        None => {}
    }
    if sp.no_neg_0 {
        return Err(
            "Negative zero coercion (z) not allowed in string format specifier".to_string(),
        );
    }
    if sp.alternate {
        return Err("Alternate form (#) not allowed in string format specifier".to_string());
    }
    if sp.align == '=' {
        return Err("'=' alignment not allowed in string format specifier".to_string());
    }
    let mut len = pystr::char_len(s) as i64;
    let text = match sp.precision {
        Some(p) if p < len => {
            len = p;
            match s.char_indices().nth(p as usize) {
                Some((b, _)) => &s[..b],
                None => s,
            }
        }
        _ => s,
    };
    let pad = (sp.width - len).max(0);
    let (left, right) = match sp.align {
        '>' => (pad, 0),
        '^' => (pad / 2, pad - pad / 2),
        _ => (0, pad),
    };
    let mut out = String::with_capacity(text.len() + pad as usize * sp.fill.len_utf8());
    push_n(&mut out, sp.fill, left);
    out.push_str(text);
    push_n(&mut out, sp.fill, right);
    Ok(out)
}

#[cfg(test)]
mod tests {
    // 3.14159 is the spec's example value, not an approximation of PI.
    #![allow(clippy::approx_constant)]

    use super::*;

    fn int(n: i64) -> BigInt {
        BigInt::from(n)
    }

    fn fmt_int(n: i64, spec: &str) -> Result<String, String> {
        format_spec(FmtArg::Int(&int(n)), spec)
    }

    fn fmt_float(x: f64, spec: &str) -> Result<String, String> {
        format_spec(FmtArg::Float(x), spec)
    }

    fn fmt_str(s: &str, spec: &str) -> Result<String, String> {
        format_spec(FmtArg::Str(s), spec)
    }

    fn ok(s: &str) -> Result<String, String> {
        Ok(s.to_string())
    }

    #[test]
    fn brief_examples() {
        assert_eq!(fmt_float(3.14159, ".2f"), ok("3.14"));
        assert_eq!(fmt_int(42, "05d"), ok("00042"));
        assert_eq!(fmt_int(255, "x"), ok("ff"));
        assert_eq!(fmt_int(255, "#x"), ok("0xff"));
        assert_eq!(fmt_int(1234567, ","), ok("1,234,567"));
        assert_eq!(fmt_float(1234567.891, ",.2f"), ok("1,234,567.89"));
        assert_eq!(fmt_str("s", ">5"), ok("    s"));
        assert_eq!(fmt_str("ab", "*^6"), ok("**ab**"));
        assert_eq!(fmt_float(0.25, ".1%"), ok("25.0%"));
        assert_eq!(fmt_int(-42, "=+8d"), ok("-     42"));
        assert_eq!(fmt_float(1.0, ""), ok("1.0"));
        assert_eq!(fmt_float(1234.5, ".3"), ok("1.23e+03"));
        assert_eq!(fmt_float(3.0, ".3"), ok("3.0"));
        assert_eq!(
            fmt_float(1.0, "d"),
            Err("Unknown format code 'd' for object of type 'float'".to_string())
        );
    }

    #[test]
    fn errors() {
        let err = |r: Result<String, String>| r.unwrap_err();
        assert_eq!(
            err(fmt_int(5, "abc")),
            "Invalid format specifier 'abc' for object of type 'int'"
        );
        assert_eq!(err(fmt_int(5, ".")), "Format specifier missing precision");
        assert_eq!(err(fmt_int(5, ",_")), "Cannot specify both ',' and '_'.");
        assert_eq!(err(fmt_int(5, "_,")), "Cannot specify both ',' and '_'.");
        assert_eq!(err(fmt_int(5, ",,")), "Cannot specify ',' with ','.");
        assert_eq!(err(fmt_int(5, ",x")), "Cannot specify ',' with 'x'.");
        assert_eq!(err(fmt_int(5, "_c")), "Cannot specify '_' with 'c'.");
        assert_eq!(
            err(fmt_int(5, "é")),
            "Unknown format code '\\xe9' for object of type 'int'"
        );
        assert_eq!(
            err(fmt_int(5, "99999999999999999999")),
            "Too many decimal digits in format string"
        );
        assert_eq!(
            err(fmt_int(5, "9999999999")),
            "Too many decimal digits in format string"
        );
        assert_eq!(err(fmt_float(1.0, ".9999999999")), "precision too big");
        assert_eq!(
            err(fmt_int(5, ".9999999999")),
            "Precision not allowed in integer format specifier"
        );
        assert_eq!(
            err(format_spec(FmtArg::Int(&(int(10).pow(400))), "f")),
            "int too large to convert to float"
        );
        assert_eq!(err(fmt_int(-1, "c")), "%c arg not in range(0x110000)");
        assert_eq!(err(fmt_int(0x110000, "c")), "%c arg not in range(0x110000)");
        assert_eq!(
            err(format_spec(FmtArg::Int(&(int(10).pow(30))), "c")),
            "Python int too large to convert to C long"
        );
    }

    #[test]
    fn char_and_unicode_specs() {
        assert_eq!(fmt_int(65, "c"), ok("A"));
        assert_eq!(fmt_int(0x1F600, "^5c"), ok("  😀  "));
        assert_eq!(fmt_int(65, "05c"), ok("0000A"));
        assert_eq!(fmt_int(0xD800, "c"), ok("\u{fffd}"));
        assert_eq!(fmt_str("x", "١٠"), ok("x         "));
        assert_eq!(fmt_str("abc", "é^7"), ok("ééabcéé"));
        assert_eq!(fmt_str("héllo", ".2"), ok("hé"));
        assert_eq!(fmt_str("日本語", "^7.2"), ok("  日本   "));
    }

    #[test]
    fn int_to_base_examples() {
        assert_eq!(int_to_base(&int(255), 16, true), "0xff");
        assert_eq!(int_to_base(&int(-1), 16, true), "-0x1");
        assert_eq!(int_to_base(&int(5), 2, true), "0b101");
        assert_eq!(int_to_base(&int(8), 8, true), "0o10");
        assert_eq!(int_to_base(&int(0), 16, true), "0x0");
        assert_eq!(int_to_base(&int(0), 2, true), "0b0");
        assert_eq!(int_to_base(&int(-8), 8, true), "-0o10");
        assert_eq!(int_to_base(&int(-255), 16, false), "-ff");
        assert_eq!(int_to_base(&int(35), 36, false), "z");
        assert_eq!(int_to_base(&int(-123), 10, true), "-123");
        let big = int(2).pow(100);
        assert_eq!(int_to_base(&big, 16, true), "0x10000000000000000000000000");
        assert_eq!(
            int_to_base(&-big, 8, true),
            "-0o2000000000000000000000000000000000"
        );
    }

    #[test]
    fn group_digits_zero_padding() {
        // format(1234, "0W,") for W = 8, 10, 11, 12, 13.
        assert_eq!(group_digits("1234", 8, Grouping::Comma), "0,001,234");
        assert_eq!(group_digits("1234", 10, Grouping::Comma), "00,001,234");
        assert_eq!(group_digits("1234", 11, Grouping::Comma), "000,001,234");
        assert_eq!(group_digits("1234", 12, Grouping::Comma), "0,000,001,234");
        assert_eq!(group_digits("1234", 13, Grouping::Comma), "0,000,001,234");
        assert_eq!(group_digits("1234", 0, Grouping::Comma), "1,234");
        assert_eq!(group_digits("123", -5, Grouping::Comma), "123");
        assert_eq!(group_digits("ffffff", 0, Grouping::UnderFour), "ff_ffff");
        assert_eq!(group_digits("7", 5, Grouping::None), "00007");
    }

    fn same(got: &Result<String, String>, want: Result<&str, &str>) -> bool {
        match (got, want) {
            (Ok(g), Ok(w)) => g == w,
            (Err(g), Err(w)) => g == w,
            _ => false,
        }
    }

    #[test]
    fn int_cases_match_cpython() {
        for &(n, spec, want) in INT_CASES {
            let got = format_spec(FmtArg::Int(&BigInt::from(n)), spec);
            assert!(
                same(&got, want),
                "{got:?} != {want:?}: format({n}, {spec:?})"
            );
        }
    }

    #[test]
    fn float_cases_match_cpython() {
        for &(bits, spec, want) in FLOAT_CASES {
            let x = f64::from_bits(bits);
            let got = format_spec(FmtArg::Float(x), spec);
            assert!(
                same(&got, want),
                "{got:?} != {want:?}: format({x:e}, {spec:?})"
            );
        }
    }

    #[test]
    fn str_cases_match_cpython() {
        for &(s, spec, want) in STR_CASES {
            let got = format_spec(FmtArg::Str(s), spec);
            assert!(
                same(&got, want),
                "{got:?} != {want:?}: format({s:?}, {spec:?})"
            );
        }
    }

    #[rustfmt::skip]
    const INT_CASES: &[(i128, &str, Result<&str, &str>)] = &[
        (0, "", Ok("0")),
        (0, "d", Ok("0")),
        (0, "5", Ok("    0")),
        (0, "05", Ok("00000")),
        (0, "-05", Ok("00000")),
        (0, "+d", Ok("+0")),
        (0, " d", Ok(" 0")),
        (0, "x", Ok("0")),
        (0, "#x", Ok("0x0")),
        (0, "X", Ok("0")),
        (0, "#X", Ok("0X0")),
        (0, "o", Ok("0")),
        (0, "#o", Ok("0o0")),
        (0, "b", Ok("0")),
        (0, "#b", Ok("0b0")),
        (0, "#010b", Ok("0b00000000")),
        (0, "_b", Ok("0")),
        (0, "_x", Ok("0")),
        (0, "#_x", Ok("0x0")),
        (0, ",", Ok("0")),
        (0, "_", Ok("0")),
        (0, "010,", Ok("00,000,000")),
        (0, "0=10,", Ok("00,000,000")),
        (0, "0<10,", Ok("0000000000")),
        (0, "x<010", Ok("0xxxxxxxxx")),
        (0, "*^9", Ok("****0****")),
        (0, "<5", Ok("0    ")),
        (0, "^6", Ok("  0   ")),
        (0, "=+8", Ok("+      0")),
        (0, "+08", Ok("+0000000")),
        (0, "e", Ok("0.000000e+00")),
        (0, ".2e", Ok("0.00e+00")),
        (0, "f", Ok("0.000000")),
        (0, ".2f", Ok("0.00")),
        (0, "%", Ok("0.000000%")),
        (0, "g", Ok("0")),
        (0, "n", Ok("0")),
        (0, "c", Ok("\u{0}")),
        (0, "s", Err("Unknown format code 's' for object of type 'int'")),
        (0, ".2", Err("Precision not allowed in integer format specifier")),
        (0, ",x", Err("Cannot specify ',' with 'x'.")),
        (0, "z", Err("Negative zero coercion (z) not allowed in integer format specifier")),
        (0, "#c", Err("Alternate form (#) not allowed with integer format specifier 'c'")),
        (0, "+c", Err("Sign not allowed with integer format specifier 'c'")),
        (0, "10.2f", Ok("      0.00")),
        (0, "012,.1f", Ok("00,000,000.0")),
        (0, "_o", Ok("0")),
        (-42, "", Ok("-42")),
        (-42, "d", Ok("-42")),
        (-42, "5", Ok("  -42")),
        (-42, "05", Ok("-0042")),
        (-42, "-05", Ok("-0042")),
        (-42, "+d", Ok("-42")),
        (-42, " d", Ok("-42")),
        (-42, "x", Ok("-2a")),
        (-42, "#x", Ok("-0x2a")),
        (-42, "X", Ok("-2A")),
        (-42, "#X", Ok("-0X2A")),
        (-42, "o", Ok("-52")),
        (-42, "#o", Ok("-0o52")),
        (-42, "b", Ok("-101010")),
        (-42, "#b", Ok("-0b101010")),
        (-42, "#010b", Ok("-0b0101010")),
        (-42, "_b", Ok("-10_1010")),
        (-42, "_x", Ok("-2a")),
        (-42, "#_x", Ok("-0x2a")),
        (-42, ",", Ok("-42")),
        (-42, "_", Ok("-42")),
        (-42, "010,", Ok("-0,000,042")),
        (-42, "0=10,", Ok("-0,000,042")),
        (-42, "0<10,", Ok("-420000000")),
        (-42, "x<010", Ok("-42xxxxxxx")),
        (-42, "*^9", Ok("***-42***")),
        (-42, "<5", Ok("-42  ")),
        (-42, "^6", Ok(" -42  ")),
        (-42, "=+8", Ok("-     42")),
        (-42, "+08", Ok("-0000042")),
        (-42, "e", Ok("-4.200000e+01")),
        (-42, ".2e", Ok("-4.20e+01")),
        (-42, "f", Ok("-42.000000")),
        (-42, ".2f", Ok("-42.00")),
        (-42, "%", Ok("-4200.000000%")),
        (-42, "g", Ok("-42")),
        (-42, "n", Ok("-42")),
        (-42, "c", Err("%c arg not in range(0x110000)")),
        (-42, "s", Err("Unknown format code 's' for object of type 'int'")),
        (-42, ".2", Err("Precision not allowed in integer format specifier")),
        (-42, ",x", Err("Cannot specify ',' with 'x'.")),
        (-42, "z", Err("Negative zero coercion (z) not allowed in integer format specifier")),
        (-42, "#c", Err("Alternate form (#) not allowed with integer format specifier 'c'")),
        (-42, "+c", Err("Sign not allowed with integer format specifier 'c'")),
        (-42, "10.2f", Ok("    -42.00")),
        (-42, "012,.1f", Ok("-0,000,042.0")),
        (-42, "_o", Ok("-52")),
        (255, "", Ok("255")),
        (255, "d", Ok("255")),
        (255, "5", Ok("  255")),
        (255, "05", Ok("00255")),
        (255, "-05", Ok("00255")),
        (255, "+d", Ok("+255")),
        (255, " d", Ok(" 255")),
        (255, "x", Ok("ff")),
        (255, "#x", Ok("0xff")),
        (255, "X", Ok("FF")),
        (255, "#X", Ok("0XFF")),
        (255, "o", Ok("377")),
        (255, "#o", Ok("0o377")),
        (255, "b", Ok("11111111")),
        (255, "#b", Ok("0b11111111")),
        (255, "#010b", Ok("0b11111111")),
        (255, "_b", Ok("1111_1111")),
        (255, "_x", Ok("ff")),
        (255, "#_x", Ok("0xff")),
        (255, ",", Ok("255")),
        (255, "_", Ok("255")),
        (255, "010,", Ok("00,000,255")),
        (255, "0=10,", Ok("00,000,255")),
        (255, "0<10,", Ok("2550000000")),
        (255, "x<010", Ok("255xxxxxxx")),
        (255, "*^9", Ok("***255***")),
        (255, "<5", Ok("255  ")),
        (255, "^6", Ok(" 255  ")),
        (255, "=+8", Ok("+    255")),
        (255, "+08", Ok("+0000255")),
        (255, "e", Ok("2.550000e+02")),
        (255, ".2e", Ok("2.55e+02")),
        (255, "f", Ok("255.000000")),
        (255, ".2f", Ok("255.00")),
        (255, "%", Ok("25500.000000%")),
        (255, "g", Ok("255")),
        (255, "n", Ok("255")),
        (255, "c", Ok("ÿ")),
        (255, "s", Err("Unknown format code 's' for object of type 'int'")),
        (255, ".2", Err("Precision not allowed in integer format specifier")),
        (255, ",x", Err("Cannot specify ',' with 'x'.")),
        (255, "z", Err("Negative zero coercion (z) not allowed in integer format specifier")),
        (255, "#c", Err("Alternate form (#) not allowed with integer format specifier 'c'")),
        (255, "+c", Err("Sign not allowed with integer format specifier 'c'")),
        (255, "10.2f", Ok("    255.00")),
        (255, "012,.1f", Ok("00,000,255.0")),
        (255, "_o", Ok("377")),
        (1234567, "", Ok("1234567")),
        (1234567, "d", Ok("1234567")),
        (1234567, "5", Ok("1234567")),
        (1234567, "05", Ok("1234567")),
        (1234567, "-05", Ok("1234567")),
        (1234567, "+d", Ok("+1234567")),
        (1234567, " d", Ok(" 1234567")),
        (1234567, "x", Ok("12d687")),
        (1234567, "#x", Ok("0x12d687")),
        (1234567, "X", Ok("12D687")),
        (1234567, "#X", Ok("0X12D687")),
        (1234567, "o", Ok("4553207")),
        (1234567, "#o", Ok("0o4553207")),
        (1234567, "b", Ok("100101101011010000111")),
        (1234567, "#b", Ok("0b100101101011010000111")),
        (1234567, "#010b", Ok("0b100101101011010000111")),
        (1234567, "_b", Ok("1_0010_1101_0110_1000_0111")),
        (1234567, "_x", Ok("12_d687")),
        (1234567, "#_x", Ok("0x12_d687")),
        (1234567, ",", Ok("1,234,567")),
        (1234567, "_", Ok("1_234_567")),
        (1234567, "010,", Ok("01,234,567")),
        (1234567, "0=10,", Ok("01,234,567")),
        (1234567, "0<10,", Ok("1,234,5670")),
        (1234567, "x<010", Ok("1234567xxx")),
        (1234567, "*^9", Ok("*1234567*")),
        (1234567, "<5", Ok("1234567")),
        (1234567, "^6", Ok("1234567")),
        (1234567, "=+8", Ok("+1234567")),
        (1234567, "+08", Ok("+1234567")),
        (1234567, "e", Ok("1.234567e+06")),
        (1234567, ".2e", Ok("1.23e+06")),
        (1234567, "f", Ok("1234567.000000")),
        (1234567, ".2f", Ok("1234567.00")),
        (1234567, "%", Ok("123456700.000000%")),
        (1234567, "g", Ok("1.23457e+06")),
        (1234567, "n", Ok("1234567")),
        (1234567, "c", Err("%c arg not in range(0x110000)")),
        (1234567, "s", Err("Unknown format code 's' for object of type 'int'")),
        (1234567, ".2", Err("Precision not allowed in integer format specifier")),
        (1234567, ",x", Err("Cannot specify ',' with 'x'.")),
        (1234567, "z", Err("Negative zero coercion (z) not allowed in integer format specifier")),
        (1234567, "#c", Err("Alternate form (#) not allowed with integer format specifier 'c'")),
        (1234567, "+c", Err("Sign not allowed with integer format specifier 'c'")),
        (1234567, "10.2f", Ok("1234567.00")),
        (1234567, "012,.1f", Ok("01,234,567.0")),
        (1234567, "_o", Ok("455_3207")),
        (-1234567, "", Ok("-1234567")),
        (-1234567, "d", Ok("-1234567")),
        (-1234567, "5", Ok("-1234567")),
        (-1234567, "05", Ok("-1234567")),
        (-1234567, "-05", Ok("-1234567")),
        (-1234567, "+d", Ok("-1234567")),
        (-1234567, " d", Ok("-1234567")),
        (-1234567, "x", Ok("-12d687")),
        (-1234567, "#x", Ok("-0x12d687")),
        (-1234567, "X", Ok("-12D687")),
        (-1234567, "#X", Ok("-0X12D687")),
        (-1234567, "o", Ok("-4553207")),
        (-1234567, "#o", Ok("-0o4553207")),
        (-1234567, "b", Ok("-100101101011010000111")),
        (-1234567, "#b", Ok("-0b100101101011010000111")),
        (-1234567, "#010b", Ok("-0b100101101011010000111")),
        (-1234567, "_b", Ok("-1_0010_1101_0110_1000_0111")),
        (-1234567, "_x", Ok("-12_d687")),
        (-1234567, "#_x", Ok("-0x12_d687")),
        (-1234567, ",", Ok("-1,234,567")),
        (-1234567, "_", Ok("-1_234_567")),
        (-1234567, "010,", Ok("-1,234,567")),
        (-1234567, "0=10,", Ok("-1,234,567")),
        (-1234567, "0<10,", Ok("-1,234,567")),
        (-1234567, "x<010", Ok("-1234567xx")),
        (-1234567, "*^9", Ok("-1234567*")),
        (-1234567, "<5", Ok("-1234567")),
        (-1234567, "^6", Ok("-1234567")),
        (-1234567, "=+8", Ok("-1234567")),
        (-1234567, "+08", Ok("-1234567")),
        (-1234567, "e", Ok("-1.234567e+06")),
        (-1234567, ".2e", Ok("-1.23e+06")),
        (-1234567, "f", Ok("-1234567.000000")),
        (-1234567, ".2f", Ok("-1234567.00")),
        (-1234567, "%", Ok("-123456700.000000%")),
        (-1234567, "g", Ok("-1.23457e+06")),
        (-1234567, "n", Ok("-1234567")),
        (-1234567, "c", Err("%c arg not in range(0x110000)")),
        (-1234567, "s", Err("Unknown format code 's' for object of type 'int'")),
        (-1234567, ".2", Err("Precision not allowed in integer format specifier")),
        (-1234567, ",x", Err("Cannot specify ',' with 'x'.")),
        (-1234567, "z", Err("Negative zero coercion (z) not allowed in integer format specifier")),
        (-1234567, "#c", Err("Alternate form (#) not allowed with integer format specifier 'c'")),
        (-1234567, "+c", Err("Sign not allowed with integer format specifier 'c'")),
        (-1234567, "10.2f", Ok("-1234567.00")),
        (-1234567, "012,.1f", Ok("-1,234,567.0")),
        (-1234567, "_o", Ok("-455_3207")),
        (100000000000000000000, "", Ok("100000000000000000000")),
        (100000000000000000000, "d", Ok("100000000000000000000")),
        (100000000000000000000, "5", Ok("100000000000000000000")),
        (100000000000000000000, "05", Ok("100000000000000000000")),
        (100000000000000000000, "-05", Ok("100000000000000000000")),
        (100000000000000000000, "+d", Ok("+100000000000000000000")),
        (100000000000000000000, " d", Ok(" 100000000000000000000")),
        (100000000000000000000, "x", Ok("56bc75e2d63100000")),
        (100000000000000000000, "#x", Ok("0x56bc75e2d63100000")),
        (100000000000000000000, "X", Ok("56BC75E2D63100000")),
        (100000000000000000000, "#X", Ok("0X56BC75E2D63100000")),
        (100000000000000000000, "o", Ok("12657072742654304000000")),
        (100000000000000000000, "#o", Ok("0o12657072742654304000000")),
        (100000000000000000000, "b", Ok("1010110101111000111010111100010110101100011000100000000000000000000")),
        (100000000000000000000, "#b", Ok("0b1010110101111000111010111100010110101100011000100000000000000000000")),
        (100000000000000000000, "#010b", Ok("0b1010110101111000111010111100010110101100011000100000000000000000000")),
        (100000000000000000000, "_b", Ok("101_0110_1011_1100_0111_0101_1110_0010_1101_0110_0011_0001_0000_0000_0000_0000_0000")),
        (100000000000000000000, "_x", Ok("5_6bc7_5e2d_6310_0000")),
        (100000000000000000000, "#_x", Ok("0x5_6bc7_5e2d_6310_0000")),
        (100000000000000000000, ",", Ok("100,000,000,000,000,000,000")),
        (100000000000000000000, "_", Ok("100_000_000_000_000_000_000")),
        (100000000000000000000, "010,", Ok("100,000,000,000,000,000,000")),
        (100000000000000000000, "0=10,", Ok("100,000,000,000,000,000,000")),
        (100000000000000000000, "0<10,", Ok("100,000,000,000,000,000,000")),
        (100000000000000000000, "x<010", Ok("100000000000000000000")),
        (100000000000000000000, "*^9", Ok("100000000000000000000")),
        (100000000000000000000, "<5", Ok("100000000000000000000")),
        (100000000000000000000, "^6", Ok("100000000000000000000")),
        (100000000000000000000, "=+8", Ok("+100000000000000000000")),
        (100000000000000000000, "+08", Ok("+100000000000000000000")),
        (100000000000000000000, "e", Ok("1.000000e+20")),
        (100000000000000000000, ".2e", Ok("1.00e+20")),
        (100000000000000000000, "f", Ok("100000000000000000000.000000")),
        (100000000000000000000, ".2f", Ok("100000000000000000000.00")),
        (100000000000000000000, "%", Ok("10000000000000000000000.000000%")),
        (100000000000000000000, "g", Ok("1e+20")),
        (100000000000000000000, "n", Ok("100000000000000000000")),
        (100000000000000000000, "c", Err("Python int too large to convert to C long")),
        (100000000000000000000, "s", Err("Unknown format code 's' for object of type 'int'")),
        (100000000000000000000, ".2", Err("Precision not allowed in integer format specifier")),
        (100000000000000000000, ",x", Err("Cannot specify ',' with 'x'.")),
        (100000000000000000000, "z", Err("Negative zero coercion (z) not allowed in integer format specifier")),
        (100000000000000000000, "#c", Err("Alternate form (#) not allowed with integer format specifier 'c'")),
        (100000000000000000000, "+c", Err("Sign not allowed with integer format specifier 'c'")),
        (100000000000000000000, "10.2f", Ok("100000000000000000000.00")),
        (100000000000000000000, "012,.1f", Ok("100,000,000,000,000,000,000.0")),
        (100000000000000000000, "_o", Ok("126_5707_2742_6543_0400_0000")),
    ];

    #[rustfmt::skip]
    const FLOAT_CASES: &[(u64, &str, Result<&str, &str>)] = &[
        (0x8000000000000000, "", Ok("-0.0")), // -0.0
        (0x8000000000000000, ".0", Ok("-0e+00")), // -0.0
        (0x8000000000000000, ".3", Ok("-0.0")), // -0.0
        (0x8000000000000000, "e", Ok("-0.000000e+00")), // -0.0
        (0x8000000000000000, ".2e", Ok("-0.00e+00")), // -0.0
        (0x8000000000000000, "E", Ok("-0.000000E+00")), // -0.0
        (0x8000000000000000, "#.0e", Ok("-0.e+00")), // -0.0
        (0x8000000000000000, ".2f", Ok("-0.00")), // -0.0
        (0x8000000000000000, ".0f", Ok("-0")), // -0.0
        (0x8000000000000000, "#.0f", Ok("-0.")), // -0.0
        (0x8000000000000000, "F", Ok("-0.000000")), // -0.0
        (0x8000000000000000, ",.2f", Ok("-0.00")), // -0.0
        (0x8000000000000000, "_.3f", Ok("-0.000")), // -0.0
        (0x8000000000000000, "g", Ok("-0")), // -0.0
        (0x8000000000000000, ".3g", Ok("-0")), // -0.0
        (0x8000000000000000, "#g", Ok("-0.00000")), // -0.0
        (0x8000000000000000, "G", Ok("-0")), // -0.0
        (0x8000000000000000, "%", Ok("-0.000000%")), // -0.0
        (0x8000000000000000, ".1%", Ok("-0.0%")), // -0.0
        (0x8000000000000000, "n", Ok("-0")), // -0.0
        (0x8000000000000000, "+", Ok("-0.0")), // -0.0
        (0x8000000000000000, " .1f", Ok("-0.0")), // -0.0
        (0x8000000000000000, "010.2f", Ok("-000000.00")), // -0.0
        (0x8000000000000000, "=+12.3f", Ok("-      0.000")), // -0.0
        (0x8000000000000000, "*^12.1f", Ok("****-0.0****")), // -0.0
        (0x8000000000000000, "<10", Ok("-0.0      ")), // -0.0
        (0x8000000000000000, "^10", Ok("   -0.0   ")), // -0.0
        (0x8000000000000000, "010", Ok("-0000000.0")), // -0.0
        (0x8000000000000000, ",", Ok("-0.0")), // -0.0
        (0x8000000000000000, "z.1f", Ok("0.0")), // -0.0
        (0x8000000000000000, "z", Ok("0.0")), // -0.0
        (0x8000000000000000, ",g", Ok("-0")), // -0.0
        (0x8000000000000000, "0,", Ok("-0.0")), // -0.0
        (0x8000000000000000, "d", Err("Unknown format code 'd' for object of type 'float'")), // -0.0
        (0x8000000000000000, "#.3", Ok("-0.00")), // -0.0
        (0x3ff0000000000000, "", Ok("1.0")), // 1.0
        (0x3ff0000000000000, ".0", Ok("1e+00")), // 1.0
        (0x3ff0000000000000, ".3", Ok("1.0")), // 1.0
        (0x3ff0000000000000, "e", Ok("1.000000e+00")), // 1.0
        (0x3ff0000000000000, ".2e", Ok("1.00e+00")), // 1.0
        (0x3ff0000000000000, "E", Ok("1.000000E+00")), // 1.0
        (0x3ff0000000000000, "#.0e", Ok("1.e+00")), // 1.0
        (0x3ff0000000000000, ".2f", Ok("1.00")), // 1.0
        (0x3ff0000000000000, ".0f", Ok("1")), // 1.0
        (0x3ff0000000000000, "#.0f", Ok("1.")), // 1.0
        (0x3ff0000000000000, "F", Ok("1.000000")), // 1.0
        (0x3ff0000000000000, ",.2f", Ok("1.00")), // 1.0
        (0x3ff0000000000000, "_.3f", Ok("1.000")), // 1.0
        (0x3ff0000000000000, "g", Ok("1")), // 1.0
        (0x3ff0000000000000, ".3g", Ok("1")), // 1.0
        (0x3ff0000000000000, "#g", Ok("1.00000")), // 1.0
        (0x3ff0000000000000, "G", Ok("1")), // 1.0
        (0x3ff0000000000000, "%", Ok("100.000000%")), // 1.0
        (0x3ff0000000000000, ".1%", Ok("100.0%")), // 1.0
        (0x3ff0000000000000, "n", Ok("1")), // 1.0
        (0x3ff0000000000000, "+", Ok("+1.0")), // 1.0
        (0x3ff0000000000000, " .1f", Ok(" 1.0")), // 1.0
        (0x3ff0000000000000, "010.2f", Ok("0000001.00")), // 1.0
        (0x3ff0000000000000, "=+12.3f", Ok("+      1.000")), // 1.0
        (0x3ff0000000000000, "*^12.1f", Ok("****1.0*****")), // 1.0
        (0x3ff0000000000000, "<10", Ok("1.0       ")), // 1.0
        (0x3ff0000000000000, "^10", Ok("   1.0    ")), // 1.0
        (0x3ff0000000000000, "010", Ok("00000001.0")), // 1.0
        (0x3ff0000000000000, ",", Ok("1.0")), // 1.0
        (0x3ff0000000000000, "z.1f", Ok("1.0")), // 1.0
        (0x3ff0000000000000, "z", Ok("1.0")), // 1.0
        (0x3ff0000000000000, ",g", Ok("1")), // 1.0
        (0x3ff0000000000000, "0,", Ok("1.0")), // 1.0
        (0x3ff0000000000000, "d", Err("Unknown format code 'd' for object of type 'float'")), // 1.0
        (0x3ff0000000000000, "#.3", Ok("1.00")), // 1.0
        (0xbff8000000000000, "", Ok("-1.5")), // -1.5
        (0xbff8000000000000, ".0", Ok("-2e+00")), // -1.5
        (0xbff8000000000000, ".3", Ok("-1.5")), // -1.5
        (0xbff8000000000000, "e", Ok("-1.500000e+00")), // -1.5
        (0xbff8000000000000, ".2e", Ok("-1.50e+00")), // -1.5
        (0xbff8000000000000, "E", Ok("-1.500000E+00")), // -1.5
        (0xbff8000000000000, "#.0e", Ok("-2.e+00")), // -1.5
        (0xbff8000000000000, ".2f", Ok("-1.50")), // -1.5
        (0xbff8000000000000, ".0f", Ok("-2")), // -1.5
        (0xbff8000000000000, "#.0f", Ok("-2.")), // -1.5
        (0xbff8000000000000, "F", Ok("-1.500000")), // -1.5
        (0xbff8000000000000, ",.2f", Ok("-1.50")), // -1.5
        (0xbff8000000000000, "_.3f", Ok("-1.500")), // -1.5
        (0xbff8000000000000, "g", Ok("-1.5")), // -1.5
        (0xbff8000000000000, ".3g", Ok("-1.5")), // -1.5
        (0xbff8000000000000, "#g", Ok("-1.50000")), // -1.5
        (0xbff8000000000000, "G", Ok("-1.5")), // -1.5
        (0xbff8000000000000, "%", Ok("-150.000000%")), // -1.5
        (0xbff8000000000000, ".1%", Ok("-150.0%")), // -1.5
        (0xbff8000000000000, "n", Ok("-1.5")), // -1.5
        (0xbff8000000000000, "+", Ok("-1.5")), // -1.5
        (0xbff8000000000000, " .1f", Ok("-1.5")), // -1.5
        (0xbff8000000000000, "010.2f", Ok("-000001.50")), // -1.5
        (0xbff8000000000000, "=+12.3f", Ok("-      1.500")), // -1.5
        (0xbff8000000000000, "*^12.1f", Ok("****-1.5****")), // -1.5
        (0xbff8000000000000, "<10", Ok("-1.5      ")), // -1.5
        (0xbff8000000000000, "^10", Ok("   -1.5   ")), // -1.5
        (0xbff8000000000000, "010", Ok("-0000001.5")), // -1.5
        (0xbff8000000000000, ",", Ok("-1.5")), // -1.5
        (0xbff8000000000000, "z.1f", Ok("-1.5")), // -1.5
        (0xbff8000000000000, "z", Ok("-1.5")), // -1.5
        (0xbff8000000000000, ",g", Ok("-1.5")), // -1.5
        (0xbff8000000000000, "0,", Ok("-1.5")), // -1.5
        (0xbff8000000000000, "d", Err("Unknown format code 'd' for object of type 'float'")), // -1.5
        (0xbff8000000000000, "#.3", Ok("-1.50")), // -1.5
        (0x400921f9f01b866e, "", Ok("3.14159")), // 3.14159
        (0x400921f9f01b866e, ".0", Ok("3e+00")), // 3.14159
        (0x400921f9f01b866e, ".3", Ok("3.14")), // 3.14159
        (0x400921f9f01b866e, "e", Ok("3.141590e+00")), // 3.14159
        (0x400921f9f01b866e, ".2e", Ok("3.14e+00")), // 3.14159
        (0x400921f9f01b866e, "E", Ok("3.141590E+00")), // 3.14159
        (0x400921f9f01b866e, "#.0e", Ok("3.e+00")), // 3.14159
        (0x400921f9f01b866e, ".2f", Ok("3.14")), // 3.14159
        (0x400921f9f01b866e, ".0f", Ok("3")), // 3.14159
        (0x400921f9f01b866e, "#.0f", Ok("3.")), // 3.14159
        (0x400921f9f01b866e, "F", Ok("3.141590")), // 3.14159
        (0x400921f9f01b866e, ",.2f", Ok("3.14")), // 3.14159
        (0x400921f9f01b866e, "_.3f", Ok("3.142")), // 3.14159
        (0x400921f9f01b866e, "g", Ok("3.14159")), // 3.14159
        (0x400921f9f01b866e, ".3g", Ok("3.14")), // 3.14159
        (0x400921f9f01b866e, "#g", Ok("3.14159")), // 3.14159
        (0x400921f9f01b866e, "G", Ok("3.14159")), // 3.14159
        (0x400921f9f01b866e, "%", Ok("314.159000%")), // 3.14159
        (0x400921f9f01b866e, ".1%", Ok("314.2%")), // 3.14159
        (0x400921f9f01b866e, "n", Ok("3.14159")), // 3.14159
        (0x400921f9f01b866e, "+", Ok("+3.14159")), // 3.14159
        (0x400921f9f01b866e, " .1f", Ok(" 3.1")), // 3.14159
        (0x400921f9f01b866e, "010.2f", Ok("0000003.14")), // 3.14159
        (0x400921f9f01b866e, "=+12.3f", Ok("+      3.142")), // 3.14159
        (0x400921f9f01b866e, "*^12.1f", Ok("****3.1*****")), // 3.14159
        (0x400921f9f01b866e, "<10", Ok("3.14159   ")), // 3.14159
        (0x400921f9f01b866e, "^10", Ok(" 3.14159  ")), // 3.14159
        (0x400921f9f01b866e, "010", Ok("0003.14159")), // 3.14159
        (0x400921f9f01b866e, ",", Ok("3.14159")), // 3.14159
        (0x400921f9f01b866e, "z.1f", Ok("3.1")), // 3.14159
        (0x400921f9f01b866e, "z", Ok("3.14159")), // 3.14159
        (0x400921f9f01b866e, ",g", Ok("3.14159")), // 3.14159
        (0x400921f9f01b866e, "0,", Ok("3.14159")), // 3.14159
        (0x400921f9f01b866e, "d", Err("Unknown format code 'd' for object of type 'float'")), // 3.14159
        (0x400921f9f01b866e, "#.3", Ok("3.14")), // 3.14159
        (0x4004000000000000, "", Ok("2.5")), // 2.5
        (0x4004000000000000, ".0", Ok("2e+00")), // 2.5
        (0x4004000000000000, ".3", Ok("2.5")), // 2.5
        (0x4004000000000000, "e", Ok("2.500000e+00")), // 2.5
        (0x4004000000000000, ".2e", Ok("2.50e+00")), // 2.5
        (0x4004000000000000, "E", Ok("2.500000E+00")), // 2.5
        (0x4004000000000000, "#.0e", Ok("2.e+00")), // 2.5
        (0x4004000000000000, ".2f", Ok("2.50")), // 2.5
        (0x4004000000000000, ".0f", Ok("2")), // 2.5
        (0x4004000000000000, "#.0f", Ok("2.")), // 2.5
        (0x4004000000000000, "F", Ok("2.500000")), // 2.5
        (0x4004000000000000, ",.2f", Ok("2.50")), // 2.5
        (0x4004000000000000, "_.3f", Ok("2.500")), // 2.5
        (0x4004000000000000, "g", Ok("2.5")), // 2.5
        (0x4004000000000000, ".3g", Ok("2.5")), // 2.5
        (0x4004000000000000, "#g", Ok("2.50000")), // 2.5
        (0x4004000000000000, "G", Ok("2.5")), // 2.5
        (0x4004000000000000, "%", Ok("250.000000%")), // 2.5
        (0x4004000000000000, ".1%", Ok("250.0%")), // 2.5
        (0x4004000000000000, "n", Ok("2.5")), // 2.5
        (0x4004000000000000, "+", Ok("+2.5")), // 2.5
        (0x4004000000000000, " .1f", Ok(" 2.5")), // 2.5
        (0x4004000000000000, "010.2f", Ok("0000002.50")), // 2.5
        (0x4004000000000000, "=+12.3f", Ok("+      2.500")), // 2.5
        (0x4004000000000000, "*^12.1f", Ok("****2.5*****")), // 2.5
        (0x4004000000000000, "<10", Ok("2.5       ")), // 2.5
        (0x4004000000000000, "^10", Ok("   2.5    ")), // 2.5
        (0x4004000000000000, "010", Ok("00000002.5")), // 2.5
        (0x4004000000000000, ",", Ok("2.5")), // 2.5
        (0x4004000000000000, "z.1f", Ok("2.5")), // 2.5
        (0x4004000000000000, "z", Ok("2.5")), // 2.5
        (0x4004000000000000, ",g", Ok("2.5")), // 2.5
        (0x4004000000000000, "0,", Ok("2.5")), // 2.5
        (0x4004000000000000, "d", Err("Unknown format code 'd' for object of type 'float'")), // 2.5
        (0x4004000000000000, "#.3", Ok("2.50")), // 2.5
        (0x4132d687e4189375, "", Ok("1234567.891")), // 1234567.891
        (0x4132d687e4189375, ".0", Ok("1e+06")), // 1234567.891
        (0x4132d687e4189375, ".3", Ok("1.23e+06")), // 1234567.891
        (0x4132d687e4189375, "e", Ok("1.234568e+06")), // 1234567.891
        (0x4132d687e4189375, ".2e", Ok("1.23e+06")), // 1234567.891
        (0x4132d687e4189375, "E", Ok("1.234568E+06")), // 1234567.891
        (0x4132d687e4189375, "#.0e", Ok("1.e+06")), // 1234567.891
        (0x4132d687e4189375, ".2f", Ok("1234567.89")), // 1234567.891
        (0x4132d687e4189375, ".0f", Ok("1234568")), // 1234567.891
        (0x4132d687e4189375, "#.0f", Ok("1234568.")), // 1234567.891
        (0x4132d687e4189375, "F", Ok("1234567.891000")), // 1234567.891
        (0x4132d687e4189375, ",.2f", Ok("1,234,567.89")), // 1234567.891
        (0x4132d687e4189375, "_.3f", Ok("1_234_567.891")), // 1234567.891
        (0x4132d687e4189375, "g", Ok("1.23457e+06")), // 1234567.891
        (0x4132d687e4189375, ".3g", Ok("1.23e+06")), // 1234567.891
        (0x4132d687e4189375, "#g", Ok("1.23457e+06")), // 1234567.891
        (0x4132d687e4189375, "G", Ok("1.23457E+06")), // 1234567.891
        (0x4132d687e4189375, "%", Ok("123456789.100000%")), // 1234567.891
        (0x4132d687e4189375, ".1%", Ok("123456789.1%")), // 1234567.891
        (0x4132d687e4189375, "n", Ok("1.23457e+06")), // 1234567.891
        (0x4132d687e4189375, "+", Ok("+1234567.891")), // 1234567.891
        (0x4132d687e4189375, " .1f", Ok(" 1234567.9")), // 1234567.891
        (0x4132d687e4189375, "010.2f", Ok("1234567.89")), // 1234567.891
        (0x4132d687e4189375, "=+12.3f", Ok("+1234567.891")), // 1234567.891
        (0x4132d687e4189375, "*^12.1f", Ok("*1234567.9**")), // 1234567.891
        (0x4132d687e4189375, "<10", Ok("1234567.891")), // 1234567.891
        (0x4132d687e4189375, "^10", Ok("1234567.891")), // 1234567.891
        (0x4132d687e4189375, "010", Ok("1234567.891")), // 1234567.891
        (0x4132d687e4189375, ",", Ok("1,234,567.891")), // 1234567.891
        (0x4132d687e4189375, "z.1f", Ok("1234567.9")), // 1234567.891
        (0x4132d687e4189375, "z", Ok("1234567.891")), // 1234567.891
        (0x4132d687e4189375, ",g", Ok("1.23457e+06")), // 1234567.891
        (0x4132d687e4189375, "0,", Ok("1,234,567.891")), // 1234567.891
        (0x4132d687e4189375, "d", Err("Unknown format code 'd' for object of type 'float'")), // 1234567.891
        (0x4132d687e4189375, "#.3", Ok("1.23e+06")), // 1234567.891
        (0x3e7ad7f29abcaf48, "", Ok("1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, ".0", Ok("1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, ".3", Ok("1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, "e", Ok("1.000000e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, ".2e", Ok("1.00e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, "E", Ok("1.000000E-07")), // 1e-07
        (0x3e7ad7f29abcaf48, "#.0e", Ok("1.e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, ".2f", Ok("0.00")), // 1e-07
        (0x3e7ad7f29abcaf48, ".0f", Ok("0")), // 1e-07
        (0x3e7ad7f29abcaf48, "#.0f", Ok("0.")), // 1e-07
        (0x3e7ad7f29abcaf48, "F", Ok("0.000000")), // 1e-07
        (0x3e7ad7f29abcaf48, ",.2f", Ok("0.00")), // 1e-07
        (0x3e7ad7f29abcaf48, "_.3f", Ok("0.000")), // 1e-07
        (0x3e7ad7f29abcaf48, "g", Ok("1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, ".3g", Ok("1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, "#g", Ok("1.00000e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, "G", Ok("1E-07")), // 1e-07
        (0x3e7ad7f29abcaf48, "%", Ok("0.000010%")), // 1e-07
        (0x3e7ad7f29abcaf48, ".1%", Ok("0.0%")), // 1e-07
        (0x3e7ad7f29abcaf48, "n", Ok("1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, "+", Ok("+1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, " .1f", Ok(" 0.0")), // 1e-07
        (0x3e7ad7f29abcaf48, "010.2f", Ok("0000000.00")), // 1e-07
        (0x3e7ad7f29abcaf48, "=+12.3f", Ok("+      0.000")), // 1e-07
        (0x3e7ad7f29abcaf48, "*^12.1f", Ok("****0.0*****")), // 1e-07
        (0x3e7ad7f29abcaf48, "<10", Ok("1e-07     ")), // 1e-07
        (0x3e7ad7f29abcaf48, "^10", Ok("  1e-07   ")), // 1e-07
        (0x3e7ad7f29abcaf48, "010", Ok("000001e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, ",", Ok("1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, "z.1f", Ok("0.0")), // 1e-07
        (0x3e7ad7f29abcaf48, "z", Ok("1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, ",g", Ok("1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, "0,", Ok("1e-07")), // 1e-07
        (0x3e7ad7f29abcaf48, "d", Err("Unknown format code 'd' for object of type 'float'")), // 1e-07
        (0x3e7ad7f29abcaf48, "#.3", Ok("1.00e-07")), // 1e-07
        (0x4341c37937e08000, "", Ok("1e+16")), // 1e+16
        (0x4341c37937e08000, ".0", Ok("1e+16")), // 1e+16
        (0x4341c37937e08000, ".3", Ok("1e+16")), // 1e+16
        (0x4341c37937e08000, "e", Ok("1.000000e+16")), // 1e+16
        (0x4341c37937e08000, ".2e", Ok("1.00e+16")), // 1e+16
        (0x4341c37937e08000, "E", Ok("1.000000E+16")), // 1e+16
        (0x4341c37937e08000, "#.0e", Ok("1.e+16")), // 1e+16
        (0x4341c37937e08000, ".2f", Ok("10000000000000000.00")), // 1e+16
        (0x4341c37937e08000, ".0f", Ok("10000000000000000")), // 1e+16
        (0x4341c37937e08000, "#.0f", Ok("10000000000000000.")), // 1e+16
        (0x4341c37937e08000, "F", Ok("10000000000000000.000000")), // 1e+16
        (0x4341c37937e08000, ",.2f", Ok("10,000,000,000,000,000.00")), // 1e+16
        (0x4341c37937e08000, "_.3f", Ok("10_000_000_000_000_000.000")), // 1e+16
        (0x4341c37937e08000, "g", Ok("1e+16")), // 1e+16
        (0x4341c37937e08000, ".3g", Ok("1e+16")), // 1e+16
        (0x4341c37937e08000, "#g", Ok("1.00000e+16")), // 1e+16
        (0x4341c37937e08000, "G", Ok("1E+16")), // 1e+16
        (0x4341c37937e08000, "%", Ok("1000000000000000000.000000%")), // 1e+16
        (0x4341c37937e08000, ".1%", Ok("1000000000000000000.0%")), // 1e+16
        (0x4341c37937e08000, "n", Ok("1e+16")), // 1e+16
        (0x4341c37937e08000, "+", Ok("+1e+16")), // 1e+16
        (0x4341c37937e08000, " .1f", Ok(" 10000000000000000.0")), // 1e+16
        (0x4341c37937e08000, "010.2f", Ok("10000000000000000.00")), // 1e+16
        (0x4341c37937e08000, "=+12.3f", Ok("+10000000000000000.000")), // 1e+16
        (0x4341c37937e08000, "*^12.1f", Ok("10000000000000000.0")), // 1e+16
        (0x4341c37937e08000, "<10", Ok("1e+16     ")), // 1e+16
        (0x4341c37937e08000, "^10", Ok("  1e+16   ")), // 1e+16
        (0x4341c37937e08000, "010", Ok("000001e+16")), // 1e+16
        (0x4341c37937e08000, ",", Ok("1e+16")), // 1e+16
        (0x4341c37937e08000, "z.1f", Ok("10000000000000000.0")), // 1e+16
        (0x4341c37937e08000, "z", Ok("1e+16")), // 1e+16
        (0x4341c37937e08000, ",g", Ok("1e+16")), // 1e+16
        (0x4341c37937e08000, "0,", Ok("1e+16")), // 1e+16
        (0x4341c37937e08000, "d", Err("Unknown format code 'd' for object of type 'float'")), // 1e+16
        (0x4341c37937e08000, "#.3", Ok("1.00e+16")), // 1e+16
        (0xbf50624dd2f1a9fc, "", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, ".0", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, ".3", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, "e", Ok("-1.000000e-03")), // -0.001
        (0xbf50624dd2f1a9fc, ".2e", Ok("-1.00e-03")), // -0.001
        (0xbf50624dd2f1a9fc, "E", Ok("-1.000000E-03")), // -0.001
        (0xbf50624dd2f1a9fc, "#.0e", Ok("-1.e-03")), // -0.001
        (0xbf50624dd2f1a9fc, ".2f", Ok("-0.00")), // -0.001
        (0xbf50624dd2f1a9fc, ".0f", Ok("-0")), // -0.001
        (0xbf50624dd2f1a9fc, "#.0f", Ok("-0.")), // -0.001
        (0xbf50624dd2f1a9fc, "F", Ok("-0.001000")), // -0.001
        (0xbf50624dd2f1a9fc, ",.2f", Ok("-0.00")), // -0.001
        (0xbf50624dd2f1a9fc, "_.3f", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, "g", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, ".3g", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, "#g", Ok("-0.00100000")), // -0.001
        (0xbf50624dd2f1a9fc, "G", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, "%", Ok("-0.100000%")), // -0.001
        (0xbf50624dd2f1a9fc, ".1%", Ok("-0.1%")), // -0.001
        (0xbf50624dd2f1a9fc, "n", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, "+", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, " .1f", Ok("-0.0")), // -0.001
        (0xbf50624dd2f1a9fc, "010.2f", Ok("-000000.00")), // -0.001
        (0xbf50624dd2f1a9fc, "=+12.3f", Ok("-      0.001")), // -0.001
        (0xbf50624dd2f1a9fc, "*^12.1f", Ok("****-0.0****")), // -0.001
        (0xbf50624dd2f1a9fc, "<10", Ok("-0.001    ")), // -0.001
        (0xbf50624dd2f1a9fc, "^10", Ok("  -0.001  ")), // -0.001
        (0xbf50624dd2f1a9fc, "010", Ok("-00000.001")), // -0.001
        (0xbf50624dd2f1a9fc, ",", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, "z.1f", Ok("0.0")), // -0.001
        (0xbf50624dd2f1a9fc, "z", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, ",g", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, "0,", Ok("-0.001")), // -0.001
        (0xbf50624dd2f1a9fc, "d", Err("Unknown format code 'd' for object of type 'float'")), // -0.001
        (0xbf50624dd2f1a9fc, "#.3", Ok("-0.00100")), // -0.001
        (0xfff0000000000000, "", Ok("-inf")), // -inf
        (0xfff0000000000000, ".0", Ok("-inf")), // -inf
        (0xfff0000000000000, ".3", Ok("-inf")), // -inf
        (0xfff0000000000000, "e", Ok("-inf")), // -inf
        (0xfff0000000000000, ".2e", Ok("-inf")), // -inf
        (0xfff0000000000000, "E", Ok("-INF")), // -inf
        (0xfff0000000000000, "#.0e", Ok("-inf")), // -inf
        (0xfff0000000000000, ".2f", Ok("-inf")), // -inf
        (0xfff0000000000000, ".0f", Ok("-inf")), // -inf
        (0xfff0000000000000, "#.0f", Ok("-inf")), // -inf
        (0xfff0000000000000, "F", Ok("-INF")), // -inf
        (0xfff0000000000000, ",.2f", Ok("-inf")), // -inf
        (0xfff0000000000000, "_.3f", Ok("-inf")), // -inf
        (0xfff0000000000000, "g", Ok("-inf")), // -inf
        (0xfff0000000000000, ".3g", Ok("-inf")), // -inf
        (0xfff0000000000000, "#g", Ok("-inf")), // -inf
        (0xfff0000000000000, "G", Ok("-INF")), // -inf
        (0xfff0000000000000, "%", Ok("-inf%")), // -inf
        (0xfff0000000000000, ".1%", Ok("-inf%")), // -inf
        (0xfff0000000000000, "n", Ok("-inf")), // -inf
        (0xfff0000000000000, "+", Ok("-inf")), // -inf
        (0xfff0000000000000, " .1f", Ok("-inf")), // -inf
        (0xfff0000000000000, "010.2f", Ok("-000000inf")), // -inf
        (0xfff0000000000000, "=+12.3f", Ok("-        inf")), // -inf
        (0xfff0000000000000, "*^12.1f", Ok("****-inf****")), // -inf
        (0xfff0000000000000, "<10", Ok("-inf      ")), // -inf
        (0xfff0000000000000, "^10", Ok("   -inf   ")), // -inf
        (0xfff0000000000000, "010", Ok("-000000inf")), // -inf
        (0xfff0000000000000, ",", Ok("-inf")), // -inf
        (0xfff0000000000000, "z.1f", Ok("-inf")), // -inf
        (0xfff0000000000000, "z", Ok("-inf")), // -inf
        (0xfff0000000000000, ",g", Ok("-inf")), // -inf
        (0xfff0000000000000, "0,", Ok("-inf")), // -inf
        (0xfff0000000000000, "d", Err("Unknown format code 'd' for object of type 'float'")), // -inf
        (0xfff0000000000000, "#.3", Ok("-inf")), // -inf
        (0x7ff8000000000000, "", Ok("nan")), // nan
        (0x7ff8000000000000, ".0", Ok("nan")), // nan
        (0x7ff8000000000000, ".3", Ok("nan")), // nan
        (0x7ff8000000000000, "e", Ok("nan")), // nan
        (0x7ff8000000000000, ".2e", Ok("nan")), // nan
        (0x7ff8000000000000, "E", Ok("NAN")), // nan
        (0x7ff8000000000000, "#.0e", Ok("nan")), // nan
        (0x7ff8000000000000, ".2f", Ok("nan")), // nan
        (0x7ff8000000000000, ".0f", Ok("nan")), // nan
        (0x7ff8000000000000, "#.0f", Ok("nan")), // nan
        (0x7ff8000000000000, "F", Ok("NAN")), // nan
        (0x7ff8000000000000, ",.2f", Ok("nan")), // nan
        (0x7ff8000000000000, "_.3f", Ok("nan")), // nan
        (0x7ff8000000000000, "g", Ok("nan")), // nan
        (0x7ff8000000000000, ".3g", Ok("nan")), // nan
        (0x7ff8000000000000, "#g", Ok("nan")), // nan
        (0x7ff8000000000000, "G", Ok("NAN")), // nan
        (0x7ff8000000000000, "%", Ok("nan%")), // nan
        (0x7ff8000000000000, ".1%", Ok("nan%")), // nan
        (0x7ff8000000000000, "n", Ok("nan")), // nan
        (0x7ff8000000000000, "+", Ok("+nan")), // nan
        (0x7ff8000000000000, " .1f", Ok(" nan")), // nan
        (0x7ff8000000000000, "010.2f", Ok("0000000nan")), // nan
        (0x7ff8000000000000, "=+12.3f", Ok("+        nan")), // nan
        (0x7ff8000000000000, "*^12.1f", Ok("****nan*****")), // nan
        (0x7ff8000000000000, "<10", Ok("nan       ")), // nan
        (0x7ff8000000000000, "^10", Ok("   nan    ")), // nan
        (0x7ff8000000000000, "010", Ok("0000000nan")), // nan
        (0x7ff8000000000000, ",", Ok("nan")), // nan
        (0x7ff8000000000000, "z.1f", Ok("nan")), // nan
        (0x7ff8000000000000, "z", Ok("nan")), // nan
        (0x7ff8000000000000, ",g", Ok("nan")), // nan
        (0x7ff8000000000000, "0,", Ok("nan")), // nan
        (0x7ff8000000000000, "d", Err("Unknown format code 'd' for object of type 'float'")), // nan
        (0x7ff8000000000000, "#.3", Ok("nan")), // nan
        (0x4058fccccccccccd, "", Ok("99.95")), // 99.95
        (0x4058fccccccccccd, ".0", Ok("1e+02")), // 99.95
        (0x4058fccccccccccd, ".3", Ok("1e+02")), // 99.95
        (0x4058fccccccccccd, "e", Ok("9.995000e+01")), // 99.95
        (0x4058fccccccccccd, ".2e", Ok("1.00e+02")), // 99.95
        (0x4058fccccccccccd, "E", Ok("9.995000E+01")), // 99.95
        (0x4058fccccccccccd, "#.0e", Ok("1.e+02")), // 99.95
        (0x4058fccccccccccd, ".2f", Ok("99.95")), // 99.95
        (0x4058fccccccccccd, ".0f", Ok("100")), // 99.95
        (0x4058fccccccccccd, "#.0f", Ok("100.")), // 99.95
        (0x4058fccccccccccd, "F", Ok("99.950000")), // 99.95
        (0x4058fccccccccccd, ",.2f", Ok("99.95")), // 99.95
        (0x4058fccccccccccd, "_.3f", Ok("99.950")), // 99.95
        (0x4058fccccccccccd, "g", Ok("99.95")), // 99.95
        (0x4058fccccccccccd, ".3g", Ok("100")), // 99.95
        (0x4058fccccccccccd, "#g", Ok("99.9500")), // 99.95
        (0x4058fccccccccccd, "G", Ok("99.95")), // 99.95
        (0x4058fccccccccccd, "%", Ok("9995.000000%")), // 99.95
        (0x4058fccccccccccd, ".1%", Ok("9995.0%")), // 99.95
        (0x4058fccccccccccd, "n", Ok("99.95")), // 99.95
        (0x4058fccccccccccd, "+", Ok("+99.95")), // 99.95
        (0x4058fccccccccccd, " .1f", Ok(" 100.0")), // 99.95
        (0x4058fccccccccccd, "010.2f", Ok("0000099.95")), // 99.95
        (0x4058fccccccccccd, "=+12.3f", Ok("+     99.950")), // 99.95
        (0x4058fccccccccccd, "*^12.1f", Ok("***100.0****")), // 99.95
        (0x4058fccccccccccd, "<10", Ok("99.95     ")), // 99.95
        (0x4058fccccccccccd, "^10", Ok("  99.95   ")), // 99.95
        (0x4058fccccccccccd, "010", Ok("0000099.95")), // 99.95
        (0x4058fccccccccccd, ",", Ok("99.95")), // 99.95
        (0x4058fccccccccccd, "z.1f", Ok("100.0")), // 99.95
        (0x4058fccccccccccd, "z", Ok("99.95")), // 99.95
        (0x4058fccccccccccd, ",g", Ok("99.95")), // 99.95
        (0x4058fccccccccccd, "0,", Ok("99.95")), // 99.95
        (0x4058fccccccccccd, "d", Err("Unknown format code 'd' for object of type 'float'")), // 99.95
        (0x4058fccccccccccd, "#.3", Ok("1.00e+02")), // 99.95
    ];

    #[rustfmt::skip]
    const STR_CASES: &[(&str, &str, Result<&str, &str>)] = &[
        ("", "", Ok("")),
        ("", "s", Ok("")),
        ("", ">5", Ok("     ")),
        ("", "<5", Ok("     ")),
        ("", "^5", Ok("     ")),
        ("", "*^6", Ok("******")),
        ("", "05", Ok("00000")),
        ("", ".2", Ok("")),
        ("", ".0", Ok("")),
        ("", "10.3", Ok("          ")),
        ("", "é>8", Ok("éééééééé")),
        ("", "=5", Err("'=' alignment not allowed in string format specifier")),
        ("", "+", Err("Sign not allowed in string format specifier")),
        ("", "-", Err("Sign not allowed in string format specifier")),
        ("", " ", Err("Space not allowed in string format specifier")),
        ("", "#", Err("Alternate form (#) not allowed in string format specifier")),
        ("", "z", Err("Negative zero coercion (z) not allowed in string format specifier")),
        ("", ",", Err("Cannot specify ',' with 's'.")),
        ("", "d", Err("Unknown format code 'd' for object of type 'str'")),
        ("", "x", Err("Unknown format code 'x' for object of type 'str'")),
        ("", "^7.2s", Ok("       ")),
        ("", "١٠", Ok("          ")),
        ("", "0>4", Ok("0000")),
        ("s", "", Ok("s")),
        ("s", "s", Ok("s")),
        ("s", ">5", Ok("    s")),
        ("s", "<5", Ok("s    ")),
        ("s", "^5", Ok("  s  ")),
        ("s", "*^6", Ok("**s***")),
        ("s", "05", Ok("s0000")),
        ("s", ".2", Ok("s")),
        ("s", ".0", Ok("")),
        ("s", "10.3", Ok("s         ")),
        ("s", "é>8", Ok("ééééééés")),
        ("s", "=5", Err("'=' alignment not allowed in string format specifier")),
        ("s", "+", Err("Sign not allowed in string format specifier")),
        ("s", "-", Err("Sign not allowed in string format specifier")),
        ("s", " ", Err("Space not allowed in string format specifier")),
        ("s", "#", Err("Alternate form (#) not allowed in string format specifier")),
        ("s", "z", Err("Negative zero coercion (z) not allowed in string format specifier")),
        ("s", ",", Err("Cannot specify ',' with 's'.")),
        ("s", "d", Err("Unknown format code 'd' for object of type 'str'")),
        ("s", "x", Err("Unknown format code 'x' for object of type 'str'")),
        ("s", "^7.2s", Ok("   s   ")),
        ("s", "١٠", Ok("s         ")),
        ("s", "0>4", Ok("000s")),
        ("ab", "", Ok("ab")),
        ("ab", "s", Ok("ab")),
        ("ab", ">5", Ok("   ab")),
        ("ab", "<5", Ok("ab   ")),
        ("ab", "^5", Ok(" ab  ")),
        ("ab", "*^6", Ok("**ab**")),
        ("ab", "05", Ok("ab000")),
        ("ab", ".2", Ok("ab")),
        ("ab", ".0", Ok("")),
        ("ab", "10.3", Ok("ab        ")),
        ("ab", "é>8", Ok("ééééééab")),
        ("ab", "=5", Err("'=' alignment not allowed in string format specifier")),
        ("ab", "+", Err("Sign not allowed in string format specifier")),
        ("ab", "-", Err("Sign not allowed in string format specifier")),
        ("ab", " ", Err("Space not allowed in string format specifier")),
        ("ab", "#", Err("Alternate form (#) not allowed in string format specifier")),
        ("ab", "z", Err("Negative zero coercion (z) not allowed in string format specifier")),
        ("ab", ",", Err("Cannot specify ',' with 's'.")),
        ("ab", "d", Err("Unknown format code 'd' for object of type 'str'")),
        ("ab", "x", Err("Unknown format code 'x' for object of type 'str'")),
        ("ab", "^7.2s", Ok("  ab   ")),
        ("ab", "١٠", Ok("ab        ")),
        ("ab", "0>4", Ok("00ab")),
        ("héllo", "", Ok("héllo")),
        ("héllo", "s", Ok("héllo")),
        ("héllo", ">5", Ok("héllo")),
        ("héllo", "<5", Ok("héllo")),
        ("héllo", "^5", Ok("héllo")),
        ("héllo", "*^6", Ok("héllo*")),
        ("héllo", "05", Ok("héllo")),
        ("héllo", ".2", Ok("hé")),
        ("héllo", ".0", Ok("")),
        ("héllo", "10.3", Ok("hél       ")),
        ("héllo", "é>8", Ok("éééhéllo")),
        ("héllo", "=5", Err("'=' alignment not allowed in string format specifier")),
        ("héllo", "+", Err("Sign not allowed in string format specifier")),
        ("héllo", "-", Err("Sign not allowed in string format specifier")),
        ("héllo", " ", Err("Space not allowed in string format specifier")),
        ("héllo", "#", Err("Alternate form (#) not allowed in string format specifier")),
        ("héllo", "z", Err("Negative zero coercion (z) not allowed in string format specifier")),
        ("héllo", ",", Err("Cannot specify ',' with 's'.")),
        ("héllo", "d", Err("Unknown format code 'd' for object of type 'str'")),
        ("héllo", "x", Err("Unknown format code 'x' for object of type 'str'")),
        ("héllo", "^7.2s", Ok("  hé   ")),
        ("héllo", "١٠", Ok("héllo     ")),
        ("héllo", "0>4", Ok("héllo")),
        ("日本語", "", Ok("日本語")),
        ("日本語", "s", Ok("日本語")),
        ("日本語", ">5", Ok("  日本語")),
        ("日本語", "<5", Ok("日本語  ")),
        ("日本語", "^5", Ok(" 日本語 ")),
        ("日本語", "*^6", Ok("*日本語**")),
        ("日本語", "05", Ok("日本語00")),
        ("日本語", ".2", Ok("日本")),
        ("日本語", ".0", Ok("")),
        ("日本語", "10.3", Ok("日本語       ")),
        ("日本語", "é>8", Ok("ééééé日本語")),
        ("日本語", "=5", Err("'=' alignment not allowed in string format specifier")),
        ("日本語", "+", Err("Sign not allowed in string format specifier")),
        ("日本語", "-", Err("Sign not allowed in string format specifier")),
        ("日本語", " ", Err("Space not allowed in string format specifier")),
        ("日本語", "#", Err("Alternate form (#) not allowed in string format specifier")),
        ("日本語", "z", Err("Negative zero coercion (z) not allowed in string format specifier")),
        ("日本語", ",", Err("Cannot specify ',' with 's'.")),
        ("日本語", "d", Err("Unknown format code 'd' for object of type 'str'")),
        ("日本語", "x", Err("Unknown format code 'x' for object of type 'str'")),
        ("日本語", "^7.2s", Ok("  日本   ")),
        ("日本語", "١٠", Ok("日本語       ")),
        ("日本語", "0>4", Ok("0日本語")),
    ];
}
