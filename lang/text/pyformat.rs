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
    Int(&'a BigInt),
    Float(f64),
    Str(&'a str),
}

/// Widths above this are rejected instead of attempting a multi-gigabyte
/// allocation (where CPython would raise `MemoryError`); float precisions
/// above it are rejected by CPython too ("precision too big").
const MAX_WIDTH: i64 = i32::MAX as i64;

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
    Ok(layout_number(sp, n.is_negative(), prefix, &digits, false, ""))
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
        Some(p) if p > MAX_WIDTH => return Err("precision too big".to_string()),
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
        assert_eq!(int_to_base(&-big, 8, true), "-0o2000000000000000000000000000000000");
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
}
