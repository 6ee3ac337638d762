//! Python `str` method semantics over `&str`.
//!
//! Every index, length and width is counted in code points (Rust `char`s), as in
//! Python. Results are owned. Character classes (`isalpha`, `isdigit`,
//! `isdecimal`, `isnumeric`, `isprintable`, `isspace`) use tables generated from
//! CPython 3.11 (Unicode 14.0.0, see the bottom of this file); case mappings and
//! the `Uppercase`/`Lowercase`/`Cased` properties come from Rust's standard
//! library (a newer Unicode version, which differs from CPython 3.11 only for
//! about a hundred code points assigned or changed since Unicode 14).

use crate::error::{MlError, VmResult};
use crate::limits::{byte_cost, Meter};
use std::cmp::Ordering;

// ---------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    find_range(table, c).is_some()
}

fn find_range(table: &[(u32, u32)], c: char) -> Option<(u32, u32)> {
    let cp = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                Ordering::Less
            } else if lo > cp {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .ok()
        .map(|i| table[i])
}

/// Python `str.isspace` for one character (`Py_UNICODE_ISSPACE`): bidirectional
/// classes WS, B, S or category Zs. Includes `\x1c`..`\x1f`, unlike
/// `char::is_whitespace`.
pub fn is_space_char(c: char) -> bool {
    matches!(
        c as u32,
        0x09..=0x0d
            | 0x1c..=0x20
            | 0x85
            | 0xa0
            | 0x1680
            | 0x2000..=0x200a
            | 0x2028
            | 0x2029
            | 0x202f
            | 0x205f
            | 0x3000
    )
}

/// Python `str.isalpha` for one character (general categories Lu Ll Lt Lm Lo).
pub fn is_alpha_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_table(ALPHA, c)
}

/// Python `str.isdecimal` for one character (category Nd).
pub fn is_decimal_char(c: char) -> bool {
    decimal_value(c).is_some()
}

/// The value of a decimal digit (category Nd) of any script, as used by
/// Python's `int()`, `float()` and format-spec widths; `None` otherwise.
pub fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c.to_digit(10);
    }
    find_range(DECIMAL, c).map(|(lo, _)| (c as u32 - lo) % 10)
}

/// Python `str.isdigit` for one character (Numeric_Type Decimal or Digit:
/// also superscripts and circled digits such as `²`, `①`).
pub fn is_digit_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_table(DIGIT, c)
}

/// Python `str.isnumeric` for one character (also fractions, Roman numerals,
/// CJK numerals...).
pub fn is_numeric_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_table(NUMERIC, c)
}

/// Python `str.isalnum` for one character.
pub fn is_alnum_char(c: char) -> bool {
    is_alpha_char(c) || is_numeric_char(c)
}

/// Python `str.isprintable` for one character (what `repr` leaves unescaped).
pub fn is_printable_char(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    in_table(PRINTABLE, c)
}

/// Titlecase letters (category Lt), `Py_UNICODE_ISTITLE`.
pub fn is_title_char(c: char) -> bool {
    matches!(c as u32,
        0x1c5 | 0x1c8 | 0x1cb | 0x1f2 | 0x1f88..=0x1f8f | 0x1f98..=0x1f9f
        | 0x1fa8..=0x1faf | 0x1fbc | 0x1fcc | 0x1ffc)
}

/// `Py_UNICODE_ISUPPER` (derived property Uppercase).
pub fn is_upper_char(c: char) -> bool {
    c.is_uppercase()
}

/// `Py_UNICODE_ISLOWER` (derived property Lowercase).
pub fn is_lower_char(c: char) -> bool {
    c.is_lowercase()
}

/// Derived property Cased (Uppercase, Lowercase or Lt).
pub fn is_cased_char(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || is_title_char(c)
}

/// Derived property Case_Ignorable, read off Rust's own Final_Sigma handling in
/// `str::to_lowercase` (which uses exactly Cased and Case_Ignorable). Only used
/// around a capital sigma, so the probing cost does not matter.
fn is_case_ignorable(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, '\'' | '.' | ':' | '^' | '`');
    }
    // A Σ preceded by a cased letter is final unless a cased letter follows
    // after any number of case-ignorable characters.
    let cased = is_cased_char(c);
    let probe: String = if cased {
        ['A', 'Σ', c].iter().collect()
    } else {
        ['A', 'Σ', c, 'A'].iter().collect()
    };
    let sigma = probe.to_lowercase().chars().nth(1);
    if cased {
        // "AΣc": skipping an ignorable c reaches the end, so Σ is final.
        sigma == Some('ς')
    } else {
        // "AΣcA": skipping an ignorable c reaches a cased A, so Σ is not final.
        sigma == Some('σ')
    }
}

/// Whether the capital sigma at byte `i` of `s` is in the Final_Sigma
/// context (CPython `handle_capital_sigma`); the scans are metered.
fn is_final_sigma(s: &str, i: usize, meter: &mut Meter) -> VmResult<bool> {
    let mut before = None;
    for c in s[..i].chars().rev() {
        meter.charge(1)?;
        if !is_case_ignorable(c) {
            before = Some(c);
            break;
        }
    }
    if !before.is_some_and(is_cased_char) {
        return Ok(false);
    }
    for c in s[i + 'Σ'.len_utf8()..].chars() {
        meter.charge(1)?;
        if !is_case_ignorable(c) {
            return Ok(!is_cased_char(c));
        }
    }
    Ok(true)
}

/// Full lowercase mapping of `c`, at byte `i` of `s`, with the final-sigma
/// rule (CPython `lower_ucs4`).
fn push_lower_at(s: &str, i: usize, c: char, out: &mut String, meter: &mut Meter) -> VmResult<()> {
    if c == 'Σ' {
        out.push(if is_final_sigma(s, i, meter)? {
            'ς'
        } else {
            'σ'
        });
    } else {
        out.extend(c.to_lowercase());
    }
    Ok(())
}

/// Full titlecase mapping of one character (`_PyUnicode_ToTitleFull`).
fn push_title(c: char, out: &mut String) {
    let cp = c as u32;
    // Georgian Mkhedruli letters have uppercase forms (Mtavruli) but titlecase
    // to themselves.
    if (0x10d0..=0x10fa).contains(&cp) || (0x10fd..=0x10ff).contains(&cp) {
        out.push(c);
        return;
    }
    if !c.is_ascii() {
        if let Ok(i) = TITLE_SPECIAL.binary_search_by_key(&cp, |&(k, _)| k) {
            out.push_str(TITLE_SPECIAL[i].1);
            return;
        }
    }
    out.extend(c.to_uppercase());
}

/// Characters whose full titlecase mapping differs from their full uppercase
/// mapping (CPython 3.11), except the Georgian range handled in `push_title`.
const TITLE_SPECIAL: &[(u32, &str)] = &[
    (0xdf, "Ss"),
    (0x1c4, "\u{1c5}"),
    (0x1c5, "\u{1c5}"),
    (0x1c6, "\u{1c5}"),
    (0x1c7, "\u{1c8}"),
    (0x1c8, "\u{1c8}"),
    (0x1c9, "\u{1c8}"),
    (0x1ca, "\u{1cb}"),
    (0x1cb, "\u{1cb}"),
    (0x1cc, "\u{1cb}"),
    (0x1f1, "\u{1f2}"),
    (0x1f2, "\u{1f2}"),
    (0x1f3, "\u{1f2}"),
    (0x587, "\u{535}\u{582}"),
    (0x1f80, "\u{1f88}"),
    (0x1f81, "\u{1f89}"),
    (0x1f82, "\u{1f8a}"),
    (0x1f83, "\u{1f8b}"),
    (0x1f84, "\u{1f8c}"),
    (0x1f85, "\u{1f8d}"),
    (0x1f86, "\u{1f8e}"),
    (0x1f87, "\u{1f8f}"),
    (0x1f88, "\u{1f88}"),
    (0x1f89, "\u{1f89}"),
    (0x1f8a, "\u{1f8a}"),
    (0x1f8b, "\u{1f8b}"),
    (0x1f8c, "\u{1f8c}"),
    (0x1f8d, "\u{1f8d}"),
    (0x1f8e, "\u{1f8e}"),
    (0x1f8f, "\u{1f8f}"),
    (0x1f90, "\u{1f98}"),
    (0x1f91, "\u{1f99}"),
    (0x1f92, "\u{1f9a}"),
    (0x1f93, "\u{1f9b}"),
    (0x1f94, "\u{1f9c}"),
    (0x1f95, "\u{1f9d}"),
    (0x1f96, "\u{1f9e}"),
    (0x1f97, "\u{1f9f}"),
    (0x1f98, "\u{1f98}"),
    (0x1f99, "\u{1f99}"),
    (0x1f9a, "\u{1f9a}"),
    (0x1f9b, "\u{1f9b}"),
    (0x1f9c, "\u{1f9c}"),
    (0x1f9d, "\u{1f9d}"),
    (0x1f9e, "\u{1f9e}"),
    (0x1f9f, "\u{1f9f}"),
    (0x1fa0, "\u{1fa8}"),
    (0x1fa1, "\u{1fa9}"),
    (0x1fa2, "\u{1faa}"),
    (0x1fa3, "\u{1fab}"),
    (0x1fa4, "\u{1fac}"),
    (0x1fa5, "\u{1fad}"),
    (0x1fa6, "\u{1fae}"),
    (0x1fa7, "\u{1faf}"),
    (0x1fa8, "\u{1fa8}"),
    (0x1fa9, "\u{1fa9}"),
    (0x1faa, "\u{1faa}"),
    (0x1fab, "\u{1fab}"),
    (0x1fac, "\u{1fac}"),
    (0x1fad, "\u{1fad}"),
    (0x1fae, "\u{1fae}"),
    (0x1faf, "\u{1faf}"),
    (0x1fb2, "\u{1fba}\u{345}"),
    (0x1fb3, "\u{1fbc}"),
    (0x1fb4, "\u{386}\u{345}"),
    (0x1fb7, "\u{391}\u{342}\u{345}"),
    (0x1fbc, "\u{1fbc}"),
    (0x1fc2, "\u{1fca}\u{345}"),
    (0x1fc3, "\u{1fcc}"),
    (0x1fc4, "\u{389}\u{345}"),
    (0x1fc7, "\u{397}\u{342}\u{345}"),
    (0x1fcc, "\u{1fcc}"),
    (0x1ff2, "\u{1ffa}\u{345}"),
    (0x1ff3, "\u{1ffc}"),
    (0x1ff4, "\u{38f}\u{345}"),
    (0x1ff7, "\u{3a9}\u{342}\u{345}"),
    (0x1ffc, "\u{1ffc}"),
    (0xfb00, "Ff"),
    (0xfb01, "Fi"),
    (0xfb02, "Fl"),
    (0xfb03, "Ffi"),
    (0xfb04, "Ffl"),
    (0xfb05, "St"),
    (0xfb06, "St"),
    (0xfb13, "\u{544}\u{576}"),
    (0xfb14, "\u{544}\u{565}"),
    (0xfb15, "\u{544}\u{56b}"),
    (0xfb16, "\u{54e}\u{576}"),
    (0xfb17, "\u{544}\u{56d}"),
];

// ---------------------------------------------------------------------------
// Metered passes
// ---------------------------------------------------------------------------
//
// Every function here whose work grows with its input charges a `Meter` as
// it goes (about one unit per 16 bytes, checked per chunk), so one call on
// a maximal string stops within a chunk of its deadline.

/// Bytes per chunk of a metered pass (a check every ~16 KiB).
const CHUNK: usize = 16 * 1024;

/// `s` cut into pieces of about [`CHUNK`] bytes at character boundaries.
pub(crate) fn chunks(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len().min(CHUNK);
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// Charges for one chunk of `bytes` bytes.
#[inline]
fn charge_bytes(meter: &mut Meter, bytes: usize) -> VmResult<()> {
    meter.charge(1 + byte_cost(bytes))
}

// ---------------------------------------------------------------------------
// Index helpers
// ---------------------------------------------------------------------------

/// Length in code points (Python `len(s)`).
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// `char_len`, metered.
fn char_len_m(s: &str, meter: &mut Meter) -> VmResult<usize> {
    let mut n = 0;
    for piece in chunks(s) {
        charge_bytes(meter, piece.len())?;
        n += char_len(piece);
    }
    Ok(n)
}

/// Byte offset of code point index `n` (clamped to the end of `s`), metered.
fn byte_offset(s: &str, n: usize, meter: &mut Meter) -> VmResult<usize> {
    let (mut seen, mut at) = (0, 0);
    for piece in chunks(s) {
        charge_bytes(meter, piece.len())?;
        let here = char_len(piece);
        if seen + here > n {
            let rest = n - seen;
            return Ok(at
                + piece
                    .char_indices()
                    .nth(rest)
                    .map_or(piece.len(), |(b, _)| b));
        }
        seen += here;
        at += piece.len();
    }
    Ok(s.len())
}

/// Code point index of byte offset `b` (a char boundary), metered.
fn char_index(s: &str, b: usize, meter: &mut Meter) -> VmResult<usize> {
    char_len_m(&s[..b], meter)
}

/// CPython `ADJUST_INDICES`: slice bounds for `find`/`count`/`startswith`.
/// The start may exceed `len` (callers check `end - start`).
fn adjust_indices(start: Option<i64>, end: Option<i64>, len: i64) -> (i64, i64) {
    let mut end = end.unwrap_or(len);
    if end > len {
        end = len;
    } else if end < 0 {
        end = end.saturating_add(len).max(0);
    }
    let mut start = start.unwrap_or(0);
    if start < 0 {
        start = start.saturating_add(len).max(0);
    }
    (start, end)
}

/// The code-point slice `s[start:end]` after `adjust_indices`, as a byte range
/// (requires `0 <= start <= end <= len`).
fn slice_bytes(s: &str, start: i64, end: i64, meter: &mut Meter) -> VmResult<(usize, usize)> {
    if start == 0 && end as usize == s.len() {
        return Ok((0, s.len()));
    }
    let b0 = byte_offset(s, start as usize, meter)?;
    let b1 = b0 + byte_offset(&s[b0..], (end - start) as usize, meter)?;
    Ok((b0, b1))
}

/// Byte position of the first `needle` in `hay` at or after nothing, searched
/// window by window so that a search over a maximal text is metered.
fn find_bytes(hay: &[u8], needle: &[u8], meter: &mut Meter) -> VmResult<Option<usize>> {
    let finder = memchr::memmem::Finder::new(needle);
    let step = CHUNK.max(needle.len());
    let mut at = 0;
    while at + needle.len() <= hay.len() {
        let end = (at + step + needle.len()).min(hay.len());
        charge_bytes(meter, end - at)?;
        if let Some(i) = finder.find(&hay[at..end]) {
            return Ok(Some(at + i));
        }
        at += step;
    }
    Ok(None)
}

/// Byte position of the last `needle` in `hay`, window by window from the end.
fn rfind_bytes(hay: &[u8], needle: &[u8], meter: &mut Meter) -> VmResult<Option<usize>> {
    let finder = memchr::memmem::FinderRev::new(needle);
    let step = CHUNK.max(needle.len());
    let mut end = hay.len();
    while end >= needle.len() {
        let start = end.saturating_sub(step + needle.len());
        charge_bytes(meter, end - start)?;
        if let Some(i) = finder.rfind(&hay[start..end]) {
            return Ok(Some(start + i));
        }
        if start == 0 {
            break;
        }
        end -= step;
    }
    Ok(None)
}

/// Non-overlapping occurrences of a non-empty `needle` in `hay`, metered.
fn count_bytes(hay: &[u8], needle: &[u8], limit: usize, meter: &mut Meter) -> VmResult<usize> {
    let mut n = 0;
    let mut at = 0;
    while n < limit {
        match find_bytes(&hay[at..], needle, meter)? {
            Some(i) => {
                n += 1;
                at += i + needle.len();
            }
            None => break,
        }
    }
    Ok(n)
}

// ---------------------------------------------------------------------------
// Case conversion
// ---------------------------------------------------------------------------

/// `str.upper()`: full mappings (`"ß"` → `"SS"`).
pub fn upper(s: &str, meter: &mut Meter) -> VmResult<String> {
    let mut out = String::with_capacity(s.len());
    for piece in chunks(s) {
        charge_bytes(meter, piece.len())?;
        out.push_str(&piece.to_uppercase());
    }
    Ok(out)
}

/// `str.lower()`: full mappings with the final-sigma rule.
pub fn lower(s: &str, meter: &mut Meter) -> VmResult<String> {
    let mut out = String::with_capacity(s.len());
    let mut done = 0;
    for piece in chunks(s) {
        charge_bytes(meter, piece.len())?;
        if piece.contains('Σ') {
            // Final sigma looks past the chunk: the whole text decides.
            for (i, c) in piece.char_indices() {
                push_lower_at(s, done + i, c, &mut out, meter)?;
            }
        } else {
            out.push_str(&piece.to_lowercase());
        }
        done += piece.len();
    }
    Ok(out)
}

/// `str.capitalize()`: first character titlecased, the rest lowercased.
pub fn capitalize(s: &str, meter: &mut Meter) -> VmResult<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s.char_indices();
    if let Some((_, first)) = rest.next() {
        push_title(first, &mut out);
        for (i, c) in rest {
            meter.charge(1)?;
            push_lower_at(s, i, c, &mut out, meter)?;
        }
    }
    Ok(out)
}

/// `str.title()`: a character following a cased character is lowercased, any
/// other is titlecased (`"they're bill's"` → `"They'Re Bill'S"`).
pub fn title(s: &str, meter: &mut Meter) -> VmResult<String> {
    let mut out = String::with_capacity(s.len());
    let mut previous_is_cased = false;
    for (i, c) in s.char_indices() {
        meter.charge(1)?;
        if previous_is_cased {
            push_lower_at(s, i, c, &mut out, meter)?;
        } else {
            push_title(c, &mut out);
        }
        previous_is_cased = is_cased_char(c);
    }
    Ok(out)
}

/// `str.swapcase()`.
pub fn swapcase(s: &str, meter: &mut Meter) -> VmResult<String> {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        meter.charge(1)?;
        if is_upper_char(c) {
            push_lower_at(s, i, c, &mut out, meter)?;
        } else if is_lower_char(c) {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Predicates
// ---------------------------------------------------------------------------

fn all_chars(s: &str, pred: impl Fn(char) -> bool, meter: &mut Meter) -> VmResult<bool> {
    for piece in chunks(s) {
        charge_bytes(meter, piece.len())?;
        if !piece.chars().all(&pred) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn all_nonempty(s: &str, pred: impl Fn(char) -> bool, meter: &mut Meter) -> VmResult<bool> {
    Ok(!s.is_empty() && all_chars(s, pred, meter)?)
}

/// `str.isdigit()`.
pub fn isdigit(s: &str, meter: &mut Meter) -> VmResult<bool> {
    all_nonempty(s, is_digit_char, meter)
}

/// `str.isdecimal()`.
pub fn isdecimal(s: &str, meter: &mut Meter) -> VmResult<bool> {
    all_nonempty(s, is_decimal_char, meter)
}

/// `str.isnumeric()`.
pub fn isnumeric(s: &str, meter: &mut Meter) -> VmResult<bool> {
    all_nonempty(s, is_numeric_char, meter)
}

/// `str.isalpha()`.
pub fn isalpha(s: &str, meter: &mut Meter) -> VmResult<bool> {
    all_nonempty(s, is_alpha_char, meter)
}

/// `str.isalnum()`.
pub fn isalnum(s: &str, meter: &mut Meter) -> VmResult<bool> {
    all_nonempty(s, is_alnum_char, meter)
}

/// `str.isspace()`.
pub fn isspace(s: &str, meter: &mut Meter) -> VmResult<bool> {
    all_nonempty(s, is_space_char, meter)
}

/// `str.isprintable()` (true for the empty string).
pub fn isprintable(s: &str, meter: &mut Meter) -> VmResult<bool> {
    all_chars(s, is_printable_char, meter)
}

/// `str.isupper()`: at least one cased character and no lowercase or
/// titlecase one.
pub fn isupper(s: &str, meter: &mut Meter) -> VmResult<bool> {
    let mut cased = false;
    for c in s.chars() {
        meter.charge(1)?;
        if is_lower_char(c) || is_title_char(c) {
            return Ok(false);
        }
        cased = cased || is_upper_char(c);
    }
    Ok(cased)
}

/// `str.islower()`: at least one cased character and no uppercase or
/// titlecase one.
pub fn islower(s: &str, meter: &mut Meter) -> VmResult<bool> {
    let mut cased = false;
    for c in s.chars() {
        meter.charge(1)?;
        if is_upper_char(c) || is_title_char(c) {
            return Ok(false);
        }
        cased = cased || is_lower_char(c);
    }
    Ok(cased)
}

/// `str.istitle()`: uppercase/titlecase characters only after uncased ones,
/// lowercase ones only after cased ones, and at least one cased character.
pub fn istitle(s: &str, meter: &mut Meter) -> VmResult<bool> {
    let mut cased = false;
    let mut previous_is_cased = false;
    for c in s.chars() {
        meter.charge(1)?;
        if is_upper_char(c) || is_title_char(c) {
            if previous_is_cased {
                return Ok(false);
            }
            previous_is_cased = true;
            cased = true;
        } else if is_lower_char(c) {
            if !previous_is_cased {
                return Ok(false);
            }
            previous_is_cased = true;
            cased = true;
        } else {
            previous_is_cased = false;
        }
    }
    Ok(cased)
}

// ---------------------------------------------------------------------------
// Stripping, padding
// ---------------------------------------------------------------------------

fn strip_pred(chars: Option<&str>) -> impl Fn(char) -> bool + '_ {
    move |c| match chars {
        None => is_space_char(c),
        Some(set) => set.contains(c),
    }
}

/// Byte length of the prefix of `s` whose characters all match `pred`.
fn prefix_len(s: &str, pred: &impl Fn(char) -> bool, meter: &mut Meter) -> VmResult<usize> {
    let mut n = 0;
    for c in s.chars() {
        meter.charge(1)?;
        if !pred(c) {
            break;
        }
        n += c.len_utf8();
    }
    Ok(n)
}

/// Byte length of the suffix of `s` whose characters all match `pred`.
fn suffix_len(s: &str, pred: &impl Fn(char) -> bool, meter: &mut Meter) -> VmResult<usize> {
    let mut n = 0;
    for c in s.chars().rev() {
        meter.charge(1)?;
        if !pred(c) {
            break;
        }
        n += c.len_utf8();
    }
    Ok(n)
}

/// `str.strip(chars)`; `None` strips whitespace (`str.isspace` characters).
pub fn strip(s: &str, chars: Option<&str>, meter: &mut Meter) -> VmResult<String> {
    let pred = strip_pred(chars);
    let rest = &s[prefix_len(s, &pred, meter)?..];
    Ok(rest[..rest.len() - suffix_len(rest, &pred, meter)?].to_string())
}

/// `str.lstrip(chars)`.
pub fn lstrip(s: &str, chars: Option<&str>, meter: &mut Meter) -> VmResult<String> {
    Ok(s[prefix_len(s, &strip_pred(chars), meter)?..].to_string())
}

/// `str.rstrip(chars)`.
pub fn rstrip(s: &str, chars: Option<&str>, meter: &mut Meter) -> VmResult<String> {
    Ok(s[..s.len() - suffix_len(s, &strip_pred(chars), meter)?].to_string())
}

fn push_n(out: &mut String, c: char, n: usize, meter: &mut Meter) -> VmResult<()> {
    let mut buf = [0; 4];
    let unit = c.encode_utf8(&mut buf);
    let mut left = n;
    while left > 0 {
        let k = left.min(CHUNK);
        charge_bytes(meter, k * unit.len())?;
        out.push_str(&unit.repeat(k));
        left -= k;
    }
    Ok(())
}

fn pad(s: &str, left: usize, right: usize, fill: char, meter: &mut Meter) -> VmResult<String> {
    let mut out = String::with_capacity(s.len() + (left + right) * fill.len_utf8());
    push_n(&mut out, fill, left, meter)?;
    out.push_str(s);
    push_n(&mut out, fill, right, meter)?;
    Ok(out)
}

/// Number of fill characters needed to reach `width` (0 if none).
fn pad_needed(s: &str, width: i64, meter: &mut Meter) -> VmResult<usize> {
    if width <= 0 || (width as usize) < s.len() / 4 {
        // Fewer code points than a quarter of the bytes is impossible.
        return Ok(0);
    }
    let len = char_len_m(s, meter)? as i64;
    Ok(if width > len {
        (width - len) as usize
    } else {
        0
    })
}

/// `str.center(width, fillchar)`, with CPython's placement of the odd fill
/// character (`"ab".center(5, "*")` → `"**ab*"`, `"abc".center(6, "*")` →
/// `"*abc**"`).
pub fn center(s: &str, width: i64, fillchar: char, meter: &mut Meter) -> VmResult<String> {
    let marg = pad_needed(s, width, meter)?;
    if marg == 0 {
        return Ok(s.to_string());
    }
    let left = marg / 2 + (marg & (width as usize) & 1);
    pad(s, left, marg - left, fillchar, meter)
}

/// `str.ljust(width, fillchar)`.
pub fn ljust(s: &str, width: i64, fillchar: char, meter: &mut Meter) -> VmResult<String> {
    let n = pad_needed(s, width, meter)?;
    pad(s, 0, n, fillchar, meter)
}

/// `str.rjust(width, fillchar)`.
pub fn rjust(s: &str, width: i64, fillchar: char, meter: &mut Meter) -> VmResult<String> {
    let n = pad_needed(s, width, meter)?;
    pad(s, n, 0, fillchar, meter)
}

/// `str.zfill(width)`: zeros on the left, after a leading `+`/`-`.
pub fn zfill(s: &str, width: i64, meter: &mut Meter) -> VmResult<String> {
    let fill = pad_needed(s, width, meter)?;
    if fill == 0 {
        return Ok(s.to_string());
    }
    match s.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let mut out = String::with_capacity(s.len() + fill);
            out.push(sign);
            push_n(&mut out, '0', fill, meter)?;
            out.push_str(&s[1..]);
            Ok(out)
        }
        _ => pad(s, fill, 0, '0', meter),
    }
}

// ---------------------------------------------------------------------------
// Searching
// ---------------------------------------------------------------------------

/// `str.startswith(prefix)`.
pub fn startswith(s: &str, prefix: &str) -> bool {
    s.starts_with(prefix)
}

/// `str.endswith(suffix)`.
pub fn endswith(s: &str, suffix: &str) -> bool {
    s.ends_with(suffix)
}

/// `str.startswith(prefix, start, end)` with Python slice semantics
/// (`"abc".startswith("", 4)` is false).
pub fn startswith_range(
    s: &str,
    prefix: &str,
    start: Option<i64>,
    end: Option<i64>,
    meter: &mut Meter,
) -> VmResult<bool> {
    if start.is_none() && end.is_none() {
        return Ok(s.starts_with(prefix));
    }
    Ok(match sub_slice_at(s, prefix, start, end, meter)? {
        Some((hay, _, _)) => hay.starts_with(prefix),
        None => false,
    })
}

/// `str.endswith(suffix, start, end)` with Python slice semantics.
pub fn endswith_range(
    s: &str,
    suffix: &str,
    start: Option<i64>,
    end: Option<i64>,
    meter: &mut Meter,
) -> VmResult<bool> {
    if start.is_none() && end.is_none() {
        return Ok(s.ends_with(suffix));
    }
    Ok(match sub_slice_at(s, suffix, start, end, meter)? {
        Some((hay, _, _)) => hay.ends_with(suffix),
        None => false,
    })
}

/// The slice `s[start:end]`, its code-point start index and byte start, or
/// `None` when `end - start < len(sub)`.
fn sub_slice_at<'a>(
    s: &'a str,
    sub: &str,
    start: Option<i64>,
    end: Option<i64>,
    meter: &mut Meter,
) -> VmResult<Option<(&'a str, i64, usize)>> {
    let (start, end) = adjust_indices(start, end, char_len_m(s, meter)? as i64);
    if end - start < char_len_m(sub, meter)? as i64 {
        return Ok(None);
    }
    let (b0, b1) = slice_bytes(s, start, end, meter)?;
    Ok(Some((&s[b0..b1], start, b0)))
}

/// `str.find(sub, start, end)`: code-point index or -1.
pub fn find(
    s: &str,
    sub: &str,
    start: Option<i64>,
    end: Option<i64>,
    meter: &mut Meter,
) -> VmResult<i64> {
    Ok(match sub_slice_at(s, sub, start, end, meter)? {
        Some((hay, cstart, _)) => match find_bytes(hay.as_bytes(), sub.as_bytes(), meter)? {
            Some(b) => cstart + char_index(hay, b, meter)? as i64,
            None => -1,
        },
        None => -1,
    })
}

/// `str.rfind(sub, start, end)`: code-point index or -1.
pub fn rfind(
    s: &str,
    sub: &str,
    start: Option<i64>,
    end: Option<i64>,
    meter: &mut Meter,
) -> VmResult<i64> {
    Ok(match sub_slice_at(s, sub, start, end, meter)? {
        Some((hay, cstart, _)) => match rfind_bytes(hay.as_bytes(), sub.as_bytes(), meter)? {
            Some(b) => cstart + char_index(hay, b, meter)? as i64,
            None => -1,
        },
        None => -1,
    })
}

fn not_found() -> MlError {
    MlError::value_error("substring not found")
}

/// `str.index(sub, start, end)`; a ValueError "substring not found".
pub fn index(
    s: &str,
    sub: &str,
    start: Option<i64>,
    end: Option<i64>,
    meter: &mut Meter,
) -> VmResult<i64> {
    match find(s, sub, start, end, meter)? {
        -1 => Err(not_found()),
        i => Ok(i),
    }
}

/// `str.rindex(sub, start, end)`; a ValueError "substring not found".
pub fn rindex(
    s: &str,
    sub: &str,
    start: Option<i64>,
    end: Option<i64>,
    meter: &mut Meter,
) -> VmResult<i64> {
    match rfind(s, sub, start, end, meter)? {
        -1 => Err(not_found()),
        i => Ok(i),
    }
}

/// `str.count(sub, start, end)`: non-overlapping occurrences; the empty string
/// occurs `len + 1` times in a slice of length `len`.
pub fn count(
    s: &str,
    sub: &str,
    start: Option<i64>,
    end: Option<i64>,
    meter: &mut Meter,
) -> VmResult<i64> {
    Ok(match sub_slice_at(s, sub, start, end, meter)? {
        Some((hay, _, _)) if sub.is_empty() => char_len_m(hay, meter)? as i64 + 1,
        Some((hay, _, _)) => count_bytes(hay.as_bytes(), sub.as_bytes(), usize::MAX, meter)? as i64,
        None => 0,
    })
}

/// Occurrences `replace(old, new, limit)` would replace (at most `limit`).
pub fn count_upto(s: &str, old: &str, limit: usize, meter: &mut Meter) -> VmResult<usize> {
    if old.is_empty() {
        return Ok((char_len_m(s, meter)? + 1).min(limit));
    }
    count_bytes(s.as_bytes(), old.as_bytes(), limit, meter)
}

// ---------------------------------------------------------------------------
// Replace, split
// ---------------------------------------------------------------------------

/// `str.replace(old, new, count)`; `None` or a negative count replaces all.
/// An empty `old` inserts `new` before every character and at the end
/// (`"abc".replace("", "-", 2)` → `"-a-bc"`).
pub fn replace(
    s: &str,
    old: &str,
    new: &str,
    count: Option<i64>,
    meter: &mut Meter,
) -> VmResult<String> {
    let limit = match count {
        Some(n) if n >= 0 => n as usize,
        _ => usize::MAX,
    };
    if limit == 0 {
        return Ok(s.to_string());
    }
    let mut out = String::new();
    if old.is_empty() {
        let mut done = 0;
        let mut rest = s;
        while done < limit {
            meter.charge(1 + byte_cost(new.len()))?;
            out.push_str(new);
            done += 1;
            match rest.chars().next() {
                Some(c) => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
                None => return Ok(out),
            }
        }
        out.push_str(rest);
        return Ok(out);
    }
    let mut last = 0;
    for (at, _) in s.match_indices(old).take(limit) {
        meter.charge(1 + byte_cost(at - last + new.len()))?;
        out.push_str(&s[last..at]);
        out.push_str(new);
        last = at + old.len();
    }
    out.push_str(&s[last..]);
    Ok(out)
}

fn maxcount(maxsplit: i64) -> usize {
    if maxsplit < 0 {
        usize::MAX
    } else {
        maxsplit as usize
    }
}

/// `str.split(sep, maxsplit)`; `sep = None` splits on runs of whitespace and
/// drops empty strings; a negative `maxsplit` means no limit.
/// `Err("empty separator")` (a ValueError) for `sep = Some("")`.
pub fn split<'a>(
    s: &'a str,
    sep: Option<&str>,
    maxsplit: i64,
    meter: &mut Meter,
) -> VmResult<Vec<&'a str>> {
    let mut budget = maxcount(maxsplit);
    let sep = match sep {
        None => return split_whitespace(s, budget, meter),
        Some("") => return Err(MlError::value_error("empty separator")),
        Some(sep) => sep,
    };
    let mut out = Vec::new();
    let mut rest = s;
    let finder = memchr::memmem::Finder::new(sep);
    let find = |hay: &[u8]| match *sep.as_bytes() {
        [byte] => find_byte(hay, byte),
        _ => finder.find(hay),
    };
    while budget > 0 {
        match find(rest.as_bytes()) {
            Some(i) => {
                meter.charge(1 + byte_cost(i))?;
                out.push(&rest[..i]);
                rest = &rest[i + sep.len()..];
                budget -= 1;
            }
            None => break,
        }
    }
    out.push(rest);
    Ok(out)
}

/// Where `byte` first occurs in `hay`: the first bytes are scanned in
/// line (the pieces between separators are mostly short), the rest by
/// `memchr`.
#[inline]
fn find_byte(hay: &[u8], byte: u8) -> Option<usize> {
    const HEAD: usize = 32;
    let head = hay.len().min(HEAD);
    match hay[..head].iter().position(|&b| b == byte) {
        Some(i) => Some(i),
        None => memchr::memchr(byte, &hay[head..]).map(|i| i + head),
    }
}

/// `str.rsplit(sep, maxsplit)`: like `split` but splitting from the right.
pub fn rsplit<'a>(
    s: &'a str,
    sep: Option<&str>,
    maxsplit: i64,
    meter: &mut Meter,
) -> VmResult<Vec<&'a str>> {
    let mut budget = maxcount(maxsplit);
    let sep = match sep {
        None => return rsplit_whitespace(s, budget, meter),
        Some("") => return Err(MlError::value_error("empty separator")),
        Some(sep) => sep,
    };
    let mut out = Vec::new();
    let mut rest = s;
    while budget > 0 {
        match rest.rfind(sep) {
            Some(i) => {
                meter.charge(1 + byte_cost(rest.len() - i))?;
                out.push(&rest[i + sep.len()..]);
                rest = &rest[..i];
                budget -= 1;
            }
            None => break,
        }
    }
    out.push(rest);
    out.reverse();
    Ok(out)
}

fn split_whitespace<'a>(
    s: &'a str,
    mut budget: usize,
    meter: &mut Meter,
) -> VmResult<Vec<&'a str>> {
    let mut out = Vec::new();
    let mut rest = s;
    while budget > 0 {
        rest = &rest[prefix_len(rest, &is_space_char, meter)?..];
        if rest.is_empty() {
            return Ok(out);
        }
        let word = word_len(rest, meter)?;
        out.push(&rest[..word]);
        rest = &rest[word..];
        budget -= 1;
    }
    rest = &rest[prefix_len(rest, &is_space_char, meter)?..];
    if !rest.is_empty() {
        out.push(rest);
    }
    Ok(out)
}

/// Byte length of the leading run of non-space characters.
fn word_len(s: &str, meter: &mut Meter) -> VmResult<usize> {
    prefix_len(s, &|c| !is_space_char(c), meter)
}

fn rsplit_whitespace<'a>(
    s: &'a str,
    mut budget: usize,
    meter: &mut Meter,
) -> VmResult<Vec<&'a str>> {
    let mut out = Vec::new();
    let mut rest = s;
    let not_space = |c| !is_space_char(c);
    while budget > 0 {
        rest = &rest[..rest.len() - suffix_len(rest, &is_space_char, meter)?];
        if rest.is_empty() {
            out.reverse();
            return Ok(out);
        }
        let word = suffix_len(rest, &not_space, meter)?;
        out.push(&rest[rest.len() - word..]);
        rest = &rest[..rest.len() - word];
        budget -= 1;
    }
    rest = &rest[..rest.len() - suffix_len(rest, &is_space_char, meter)?];
    if !rest.is_empty() {
        out.push(rest);
    }
    out.reverse();
    Ok(out)
}

// ---------------------------------------------------------------------------
// repr
// ---------------------------------------------------------------------------

/// Python `repr(str)`: single quotes unless the text contains `'` and no `"`;
/// escapes the quote in use, `\\`, `\t`, `\n`, `\r`, other control characters
/// and non-printable characters (`\xNN`, `\uNNNN`, `\UNNNNNNNN`, lowercase
/// hex); printable non-ASCII text is kept as is.
pub fn py_repr_str(s: &str) -> String {
    py_repr_str_m(s, &mut Meter::unlimited()).unwrap_or_default()
}

/// `py_repr_str`, metered (the text of a maximal string).
pub fn py_repr_str_m(s: &str, meter: &mut Meter) -> VmResult<String> {
    use std::fmt::Write;
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for (i, c) in s.chars().enumerate() {
        if i % 1024 == 0 {
            meter.charge(64)?;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable_char(c) => out.push(c),
            c => {
                let cp = c as u32;
                let _ = if cp <= 0xff {
                    write!(out, "\\x{cp:02x}")
                } else if cp <= 0xffff {
                    write!(out, "\\u{cp:04x}")
                } else {
                    write!(out, "\\U{cp:08x}")
                };
            }
        }
    }
    out.push(quote);
    Ok(out)
}

// ---------------------------------------------------------------------------
// Tables generated from CPython 3.11 (unicodedata 14.0.0) with a script of the form
//   ranges(pred) = maximal runs of code points c with pred(chr(c))
// for str.isalpha, str.isdecimal, str.isdigit, str.isnumeric and str.isprintable.
// ---------------------------------------------------------------------------

/// Code points for which CPython's `str.isalpha` is true (categories Lu Ll Lt Lm Lo).
#[rustfmt::skip]
const ALPHA: &[(u32, u32)] = &[
    (0x41, 0x5a), (0x61, 0x7a), (0xaa, 0xaa), (0xb5, 0xb5), (0xba, 0xba), (0xc0, 0xd6),
    (0xd8, 0xf6), (0xf8, 0x2c1), (0x2c6, 0x2d1), (0x2e0, 0x2e4), (0x2ec, 0x2ec), (0x2ee, 0x2ee),
    (0x370, 0x374), (0x376, 0x377), (0x37a, 0x37d), (0x37f, 0x37f), (0x386, 0x386), (0x388, 0x38a),
    (0x38c, 0x38c), (0x38e, 0x3a1), (0x3a3, 0x3f5), (0x3f7, 0x481), (0x48a, 0x52f), (0x531, 0x556),
    (0x559, 0x559), (0x560, 0x588), (0x5d0, 0x5ea), (0x5ef, 0x5f2), (0x620, 0x64a), (0x66e, 0x66f),
    (0x671, 0x6d3), (0x6d5, 0x6d5), (0x6e5, 0x6e6), (0x6ee, 0x6ef), (0x6fa, 0x6fc), (0x6ff, 0x6ff),
    (0x710, 0x710), (0x712, 0x72f), (0x74d, 0x7a5), (0x7b1, 0x7b1), (0x7ca, 0x7ea), (0x7f4, 0x7f5),
    (0x7fa, 0x7fa), (0x800, 0x815), (0x81a, 0x81a), (0x824, 0x824), (0x828, 0x828), (0x840, 0x858),
    (0x860, 0x86a), (0x870, 0x887), (0x889, 0x88e), (0x8a0, 0x8c9), (0x904, 0x939), (0x93d, 0x93d),
    (0x950, 0x950), (0x958, 0x961), (0x971, 0x980), (0x985, 0x98c), (0x98f, 0x990), (0x993, 0x9a8),
    (0x9aa, 0x9b0), (0x9b2, 0x9b2), (0x9b6, 0x9b9), (0x9bd, 0x9bd), (0x9ce, 0x9ce), (0x9dc, 0x9dd),
    (0x9df, 0x9e1), (0x9f0, 0x9f1), (0x9fc, 0x9fc), (0xa05, 0xa0a), (0xa0f, 0xa10), (0xa13, 0xa28),
    (0xa2a, 0xa30), (0xa32, 0xa33), (0xa35, 0xa36), (0xa38, 0xa39), (0xa59, 0xa5c), (0xa5e, 0xa5e),
    (0xa72, 0xa74), (0xa85, 0xa8d), (0xa8f, 0xa91), (0xa93, 0xaa8), (0xaaa, 0xab0), (0xab2, 0xab3),
    (0xab5, 0xab9), (0xabd, 0xabd), (0xad0, 0xad0), (0xae0, 0xae1), (0xaf9, 0xaf9), (0xb05, 0xb0c),
    (0xb0f, 0xb10), (0xb13, 0xb28), (0xb2a, 0xb30), (0xb32, 0xb33), (0xb35, 0xb39), (0xb3d, 0xb3d),
    (0xb5c, 0xb5d), (0xb5f, 0xb61), (0xb71, 0xb71), (0xb83, 0xb83), (0xb85, 0xb8a), (0xb8e, 0xb90),
    (0xb92, 0xb95), (0xb99, 0xb9a), (0xb9c, 0xb9c), (0xb9e, 0xb9f), (0xba3, 0xba4), (0xba8, 0xbaa),
    (0xbae, 0xbb9), (0xbd0, 0xbd0), (0xc05, 0xc0c), (0xc0e, 0xc10), (0xc12, 0xc28), (0xc2a, 0xc39),
    (0xc3d, 0xc3d), (0xc58, 0xc5a), (0xc5d, 0xc5d), (0xc60, 0xc61), (0xc80, 0xc80), (0xc85, 0xc8c),
    (0xc8e, 0xc90), (0xc92, 0xca8), (0xcaa, 0xcb3), (0xcb5, 0xcb9), (0xcbd, 0xcbd), (0xcdd, 0xcde),
    (0xce0, 0xce1), (0xcf1, 0xcf2), (0xd04, 0xd0c), (0xd0e, 0xd10), (0xd12, 0xd3a), (0xd3d, 0xd3d),
    (0xd4e, 0xd4e), (0xd54, 0xd56), (0xd5f, 0xd61), (0xd7a, 0xd7f), (0xd85, 0xd96), (0xd9a, 0xdb1),
    (0xdb3, 0xdbb), (0xdbd, 0xdbd), (0xdc0, 0xdc6), (0xe01, 0xe30), (0xe32, 0xe33), (0xe40, 0xe46),
    (0xe81, 0xe82), (0xe84, 0xe84), (0xe86, 0xe8a), (0xe8c, 0xea3), (0xea5, 0xea5), (0xea7, 0xeb0),
    (0xeb2, 0xeb3), (0xebd, 0xebd), (0xec0, 0xec4), (0xec6, 0xec6), (0xedc, 0xedf), (0xf00, 0xf00),
    (0xf40, 0xf47), (0xf49, 0xf6c), (0xf88, 0xf8c), (0x1000, 0x102a), (0x103f, 0x103f),
    (0x1050, 0x1055), (0x105a, 0x105d), (0x1061, 0x1061), (0x1065, 0x1066), (0x106e, 0x1070),
    (0x1075, 0x1081), (0x108e, 0x108e), (0x10a0, 0x10c5), (0x10c7, 0x10c7), (0x10cd, 0x10cd),
    (0x10d0, 0x10fa), (0x10fc, 0x1248), (0x124a, 0x124d), (0x1250, 0x1256), (0x1258, 0x1258),
    (0x125a, 0x125d), (0x1260, 0x1288), (0x128a, 0x128d), (0x1290, 0x12b0), (0x12b2, 0x12b5),
    (0x12b8, 0x12be), (0x12c0, 0x12c0), (0x12c2, 0x12c5), (0x12c8, 0x12d6), (0x12d8, 0x1310),
    (0x1312, 0x1315), (0x1318, 0x135a), (0x1380, 0x138f), (0x13a0, 0x13f5), (0x13f8, 0x13fd),
    (0x1401, 0x166c), (0x166f, 0x167f), (0x1681, 0x169a), (0x16a0, 0x16ea), (0x16f1, 0x16f8),
    (0x1700, 0x1711), (0x171f, 0x1731), (0x1740, 0x1751), (0x1760, 0x176c), (0x176e, 0x1770),
    (0x1780, 0x17b3), (0x17d7, 0x17d7), (0x17dc, 0x17dc), (0x1820, 0x1878), (0x1880, 0x1884),
    (0x1887, 0x18a8), (0x18aa, 0x18aa), (0x18b0, 0x18f5), (0x1900, 0x191e), (0x1950, 0x196d),
    (0x1970, 0x1974), (0x1980, 0x19ab), (0x19b0, 0x19c9), (0x1a00, 0x1a16), (0x1a20, 0x1a54),
    (0x1aa7, 0x1aa7), (0x1b05, 0x1b33), (0x1b45, 0x1b4c), (0x1b83, 0x1ba0), (0x1bae, 0x1baf),
    (0x1bba, 0x1be5), (0x1c00, 0x1c23), (0x1c4d, 0x1c4f), (0x1c5a, 0x1c7d), (0x1c80, 0x1c88),
    (0x1c90, 0x1cba), (0x1cbd, 0x1cbf), (0x1ce9, 0x1cec), (0x1cee, 0x1cf3), (0x1cf5, 0x1cf6),
    (0x1cfa, 0x1cfa), (0x1d00, 0x1dbf), (0x1e00, 0x1f15), (0x1f18, 0x1f1d), (0x1f20, 0x1f45),
    (0x1f48, 0x1f4d), (0x1f50, 0x1f57), (0x1f59, 0x1f59), (0x1f5b, 0x1f5b), (0x1f5d, 0x1f5d),
    (0x1f5f, 0x1f7d), (0x1f80, 0x1fb4), (0x1fb6, 0x1fbc), (0x1fbe, 0x1fbe), (0x1fc2, 0x1fc4),
    (0x1fc6, 0x1fcc), (0x1fd0, 0x1fd3), (0x1fd6, 0x1fdb), (0x1fe0, 0x1fec), (0x1ff2, 0x1ff4),
    (0x1ff6, 0x1ffc), (0x2071, 0x2071), (0x207f, 0x207f), (0x2090, 0x209c), (0x2102, 0x2102),
    (0x2107, 0x2107), (0x210a, 0x2113), (0x2115, 0x2115), (0x2119, 0x211d), (0x2124, 0x2124),
    (0x2126, 0x2126), (0x2128, 0x2128), (0x212a, 0x212d), (0x212f, 0x2139), (0x213c, 0x213f),
    (0x2145, 0x2149), (0x214e, 0x214e), (0x2183, 0x2184), (0x2c00, 0x2ce4), (0x2ceb, 0x2cee),
    (0x2cf2, 0x2cf3), (0x2d00, 0x2d25), (0x2d27, 0x2d27), (0x2d2d, 0x2d2d), (0x2d30, 0x2d67),
    (0x2d6f, 0x2d6f), (0x2d80, 0x2d96), (0x2da0, 0x2da6), (0x2da8, 0x2dae), (0x2db0, 0x2db6),
    (0x2db8, 0x2dbe), (0x2dc0, 0x2dc6), (0x2dc8, 0x2dce), (0x2dd0, 0x2dd6), (0x2dd8, 0x2dde),
    (0x2e2f, 0x2e2f), (0x3005, 0x3006), (0x3031, 0x3035), (0x303b, 0x303c), (0x3041, 0x3096),
    (0x309d, 0x309f), (0x30a1, 0x30fa), (0x30fc, 0x30ff), (0x3105, 0x312f), (0x3131, 0x318e),
    (0x31a0, 0x31bf), (0x31f0, 0x31ff), (0x3400, 0x4dbf), (0x4e00, 0xa48c), (0xa4d0, 0xa4fd),
    (0xa500, 0xa60c), (0xa610, 0xa61f), (0xa62a, 0xa62b), (0xa640, 0xa66e), (0xa67f, 0xa69d),
    (0xa6a0, 0xa6e5), (0xa717, 0xa71f), (0xa722, 0xa788), (0xa78b, 0xa7ca), (0xa7d0, 0xa7d1),
    (0xa7d3, 0xa7d3), (0xa7d5, 0xa7d9), (0xa7f2, 0xa801), (0xa803, 0xa805), (0xa807, 0xa80a),
    (0xa80c, 0xa822), (0xa840, 0xa873), (0xa882, 0xa8b3), (0xa8f2, 0xa8f7), (0xa8fb, 0xa8fb),
    (0xa8fd, 0xa8fe), (0xa90a, 0xa925), (0xa930, 0xa946), (0xa960, 0xa97c), (0xa984, 0xa9b2),
    (0xa9cf, 0xa9cf), (0xa9e0, 0xa9e4), (0xa9e6, 0xa9ef), (0xa9fa, 0xa9fe), (0xaa00, 0xaa28),
    (0xaa40, 0xaa42), (0xaa44, 0xaa4b), (0xaa60, 0xaa76), (0xaa7a, 0xaa7a), (0xaa7e, 0xaaaf),
    (0xaab1, 0xaab1), (0xaab5, 0xaab6), (0xaab9, 0xaabd), (0xaac0, 0xaac0), (0xaac2, 0xaac2),
    (0xaadb, 0xaadd), (0xaae0, 0xaaea), (0xaaf2, 0xaaf4), (0xab01, 0xab06), (0xab09, 0xab0e),
    (0xab11, 0xab16), (0xab20, 0xab26), (0xab28, 0xab2e), (0xab30, 0xab5a), (0xab5c, 0xab69),
    (0xab70, 0xabe2), (0xac00, 0xd7a3), (0xd7b0, 0xd7c6), (0xd7cb, 0xd7fb), (0xf900, 0xfa6d),
    (0xfa70, 0xfad9), (0xfb00, 0xfb06), (0xfb13, 0xfb17), (0xfb1d, 0xfb1d), (0xfb1f, 0xfb28),
    (0xfb2a, 0xfb36), (0xfb38, 0xfb3c), (0xfb3e, 0xfb3e), (0xfb40, 0xfb41), (0xfb43, 0xfb44),
    (0xfb46, 0xfbb1), (0xfbd3, 0xfd3d), (0xfd50, 0xfd8f), (0xfd92, 0xfdc7), (0xfdf0, 0xfdfb),
    (0xfe70, 0xfe74), (0xfe76, 0xfefc), (0xff21, 0xff3a), (0xff41, 0xff5a), (0xff66, 0xffbe),
    (0xffc2, 0xffc7), (0xffca, 0xffcf), (0xffd2, 0xffd7), (0xffda, 0xffdc), (0x10000, 0x1000b),
    (0x1000d, 0x10026), (0x10028, 0x1003a), (0x1003c, 0x1003d), (0x1003f, 0x1004d),
    (0x10050, 0x1005d), (0x10080, 0x100fa), (0x10280, 0x1029c), (0x102a0, 0x102d0),
    (0x10300, 0x1031f), (0x1032d, 0x10340), (0x10342, 0x10349), (0x10350, 0x10375),
    (0x10380, 0x1039d), (0x103a0, 0x103c3), (0x103c8, 0x103cf), (0x10400, 0x1049d),
    (0x104b0, 0x104d3), (0x104d8, 0x104fb), (0x10500, 0x10527), (0x10530, 0x10563),
    (0x10570, 0x1057a), (0x1057c, 0x1058a), (0x1058c, 0x10592), (0x10594, 0x10595),
    (0x10597, 0x105a1), (0x105a3, 0x105b1), (0x105b3, 0x105b9), (0x105bb, 0x105bc),
    (0x10600, 0x10736), (0x10740, 0x10755), (0x10760, 0x10767), (0x10780, 0x10785),
    (0x10787, 0x107b0), (0x107b2, 0x107ba), (0x10800, 0x10805), (0x10808, 0x10808),
    (0x1080a, 0x10835), (0x10837, 0x10838), (0x1083c, 0x1083c), (0x1083f, 0x10855),
    (0x10860, 0x10876), (0x10880, 0x1089e), (0x108e0, 0x108f2), (0x108f4, 0x108f5),
    (0x10900, 0x10915), (0x10920, 0x10939), (0x10980, 0x109b7), (0x109be, 0x109bf),
    (0x10a00, 0x10a00), (0x10a10, 0x10a13), (0x10a15, 0x10a17), (0x10a19, 0x10a35),
    (0x10a60, 0x10a7c), (0x10a80, 0x10a9c), (0x10ac0, 0x10ac7), (0x10ac9, 0x10ae4),
    (0x10b00, 0x10b35), (0x10b40, 0x10b55), (0x10b60, 0x10b72), (0x10b80, 0x10b91),
    (0x10c00, 0x10c48), (0x10c80, 0x10cb2), (0x10cc0, 0x10cf2), (0x10d00, 0x10d23),
    (0x10e80, 0x10ea9), (0x10eb0, 0x10eb1), (0x10f00, 0x10f1c), (0x10f27, 0x10f27),
    (0x10f30, 0x10f45), (0x10f70, 0x10f81), (0x10fb0, 0x10fc4), (0x10fe0, 0x10ff6),
    (0x11003, 0x11037), (0x11071, 0x11072), (0x11075, 0x11075), (0x11083, 0x110af),
    (0x110d0, 0x110e8), (0x11103, 0x11126), (0x11144, 0x11144), (0x11147, 0x11147),
    (0x11150, 0x11172), (0x11176, 0x11176), (0x11183, 0x111b2), (0x111c1, 0x111c4),
    (0x111da, 0x111da), (0x111dc, 0x111dc), (0x11200, 0x11211), (0x11213, 0x1122b),
    (0x11280, 0x11286), (0x11288, 0x11288), (0x1128a, 0x1128d), (0x1128f, 0x1129d),
    (0x1129f, 0x112a8), (0x112b0, 0x112de), (0x11305, 0x1130c), (0x1130f, 0x11310),
    (0x11313, 0x11328), (0x1132a, 0x11330), (0x11332, 0x11333), (0x11335, 0x11339),
    (0x1133d, 0x1133d), (0x11350, 0x11350), (0x1135d, 0x11361), (0x11400, 0x11434),
    (0x11447, 0x1144a), (0x1145f, 0x11461), (0x11480, 0x114af), (0x114c4, 0x114c5),
    (0x114c7, 0x114c7), (0x11580, 0x115ae), (0x115d8, 0x115db), (0x11600, 0x1162f),
    (0x11644, 0x11644), (0x11680, 0x116aa), (0x116b8, 0x116b8), (0x11700, 0x1171a),
    (0x11740, 0x11746), (0x11800, 0x1182b), (0x118a0, 0x118df), (0x118ff, 0x11906),
    (0x11909, 0x11909), (0x1190c, 0x11913), (0x11915, 0x11916), (0x11918, 0x1192f),
    (0x1193f, 0x1193f), (0x11941, 0x11941), (0x119a0, 0x119a7), (0x119aa, 0x119d0),
    (0x119e1, 0x119e1), (0x119e3, 0x119e3), (0x11a00, 0x11a00), (0x11a0b, 0x11a32),
    (0x11a3a, 0x11a3a), (0x11a50, 0x11a50), (0x11a5c, 0x11a89), (0x11a9d, 0x11a9d),
    (0x11ab0, 0x11af8), (0x11c00, 0x11c08), (0x11c0a, 0x11c2e), (0x11c40, 0x11c40),
    (0x11c72, 0x11c8f), (0x11d00, 0x11d06), (0x11d08, 0x11d09), (0x11d0b, 0x11d30),
    (0x11d46, 0x11d46), (0x11d60, 0x11d65), (0x11d67, 0x11d68), (0x11d6a, 0x11d89),
    (0x11d98, 0x11d98), (0x11ee0, 0x11ef2), (0x11fb0, 0x11fb0), (0x12000, 0x12399),
    (0x12480, 0x12543), (0x12f90, 0x12ff0), (0x13000, 0x1342e), (0x14400, 0x14646),
    (0x16800, 0x16a38), (0x16a40, 0x16a5e), (0x16a70, 0x16abe), (0x16ad0, 0x16aed),
    (0x16b00, 0x16b2f), (0x16b40, 0x16b43), (0x16b63, 0x16b77), (0x16b7d, 0x16b8f),
    (0x16e40, 0x16e7f), (0x16f00, 0x16f4a), (0x16f50, 0x16f50), (0x16f93, 0x16f9f),
    (0x16fe0, 0x16fe1), (0x16fe3, 0x16fe3), (0x17000, 0x187f7), (0x18800, 0x18cd5),
    (0x18d00, 0x18d08), (0x1aff0, 0x1aff3), (0x1aff5, 0x1affb), (0x1affd, 0x1affe),
    (0x1b000, 0x1b122), (0x1b150, 0x1b152), (0x1b164, 0x1b167), (0x1b170, 0x1b2fb),
    (0x1bc00, 0x1bc6a), (0x1bc70, 0x1bc7c), (0x1bc80, 0x1bc88), (0x1bc90, 0x1bc99),
    (0x1d400, 0x1d454), (0x1d456, 0x1d49c), (0x1d49e, 0x1d49f), (0x1d4a2, 0x1d4a2),
    (0x1d4a5, 0x1d4a6), (0x1d4a9, 0x1d4ac), (0x1d4ae, 0x1d4b9), (0x1d4bb, 0x1d4bb),
    (0x1d4bd, 0x1d4c3), (0x1d4c5, 0x1d505), (0x1d507, 0x1d50a), (0x1d50d, 0x1d514),
    (0x1d516, 0x1d51c), (0x1d51e, 0x1d539), (0x1d53b, 0x1d53e), (0x1d540, 0x1d544),
    (0x1d546, 0x1d546), (0x1d54a, 0x1d550), (0x1d552, 0x1d6a5), (0x1d6a8, 0x1d6c0),
    (0x1d6c2, 0x1d6da), (0x1d6dc, 0x1d6fa), (0x1d6fc, 0x1d714), (0x1d716, 0x1d734),
    (0x1d736, 0x1d74e), (0x1d750, 0x1d76e), (0x1d770, 0x1d788), (0x1d78a, 0x1d7a8),
    (0x1d7aa, 0x1d7c2), (0x1d7c4, 0x1d7cb), (0x1df00, 0x1df1e), (0x1e100, 0x1e12c),
    (0x1e137, 0x1e13d), (0x1e14e, 0x1e14e), (0x1e290, 0x1e2ad), (0x1e2c0, 0x1e2eb),
    (0x1e7e0, 0x1e7e6), (0x1e7e8, 0x1e7eb), (0x1e7ed, 0x1e7ee), (0x1e7f0, 0x1e7fe),
    (0x1e800, 0x1e8c4), (0x1e900, 0x1e943), (0x1e94b, 0x1e94b), (0x1ee00, 0x1ee03),
    (0x1ee05, 0x1ee1f), (0x1ee21, 0x1ee22), (0x1ee24, 0x1ee24), (0x1ee27, 0x1ee27),
    (0x1ee29, 0x1ee32), (0x1ee34, 0x1ee37), (0x1ee39, 0x1ee39), (0x1ee3b, 0x1ee3b),
    (0x1ee42, 0x1ee42), (0x1ee47, 0x1ee47), (0x1ee49, 0x1ee49), (0x1ee4b, 0x1ee4b),
    (0x1ee4d, 0x1ee4f), (0x1ee51, 0x1ee52), (0x1ee54, 0x1ee54), (0x1ee57, 0x1ee57),
    (0x1ee59, 0x1ee59), (0x1ee5b, 0x1ee5b), (0x1ee5d, 0x1ee5d), (0x1ee5f, 0x1ee5f),
    (0x1ee61, 0x1ee62), (0x1ee64, 0x1ee64), (0x1ee67, 0x1ee6a), (0x1ee6c, 0x1ee72),
    (0x1ee74, 0x1ee77), (0x1ee79, 0x1ee7c), (0x1ee7e, 0x1ee7e), (0x1ee80, 0x1ee89),
    (0x1ee8b, 0x1ee9b), (0x1eea1, 0x1eea3), (0x1eea5, 0x1eea9), (0x1eeab, 0x1eebb),
    (0x20000, 0x2a6df), (0x2a700, 0x2b738), (0x2b740, 0x2b81d), (0x2b820, 0x2cea1),
    (0x2ceb0, 0x2ebe0), (0x2f800, 0x2fa1d), (0x30000, 0x3134a),
];
/// `str.isdecimal` (category Nd); every range starts at a digit zero and spans whole runs of ten.
#[rustfmt::skip]
const DECIMAL: &[(u32, u32)] = &[
    (0x30, 0x39), (0x660, 0x669), (0x6f0, 0x6f9), (0x7c0, 0x7c9), (0x966, 0x96f), (0x9e6, 0x9ef),
    (0xa66, 0xa6f), (0xae6, 0xaef), (0xb66, 0xb6f), (0xbe6, 0xbef), (0xc66, 0xc6f), (0xce6, 0xcef),
    (0xd66, 0xd6f), (0xde6, 0xdef), (0xe50, 0xe59), (0xed0, 0xed9), (0xf20, 0xf29),
    (0x1040, 0x1049), (0x1090, 0x1099), (0x17e0, 0x17e9), (0x1810, 0x1819), (0x1946, 0x194f),
    (0x19d0, 0x19d9), (0x1a80, 0x1a89), (0x1a90, 0x1a99), (0x1b50, 0x1b59), (0x1bb0, 0x1bb9),
    (0x1c40, 0x1c49), (0x1c50, 0x1c59), (0xa620, 0xa629), (0xa8d0, 0xa8d9), (0xa900, 0xa909),
    (0xa9d0, 0xa9d9), (0xa9f0, 0xa9f9), (0xaa50, 0xaa59), (0xabf0, 0xabf9), (0xff10, 0xff19),
    (0x104a0, 0x104a9), (0x10d30, 0x10d39), (0x11066, 0x1106f), (0x110f0, 0x110f9),
    (0x11136, 0x1113f), (0x111d0, 0x111d9), (0x112f0, 0x112f9), (0x11450, 0x11459),
    (0x114d0, 0x114d9), (0x11650, 0x11659), (0x116c0, 0x116c9), (0x11730, 0x11739),
    (0x118e0, 0x118e9), (0x11950, 0x11959), (0x11c50, 0x11c59), (0x11d50, 0x11d59),
    (0x11da0, 0x11da9), (0x16a60, 0x16a69), (0x16ac0, 0x16ac9), (0x16b50, 0x16b59),
    (0x1d7ce, 0x1d7ff), (0x1e140, 0x1e149), (0x1e2f0, 0x1e2f9), (0x1e950, 0x1e959),
    (0x1fbf0, 0x1fbf9),
];
/// `str.isdigit` (Numeric_Type Decimal or Digit).
#[rustfmt::skip]
const DIGIT: &[(u32, u32)] = &[
    (0x30, 0x39), (0xb2, 0xb3), (0xb9, 0xb9), (0x660, 0x669), (0x6f0, 0x6f9), (0x7c0, 0x7c9),
    (0x966, 0x96f), (0x9e6, 0x9ef), (0xa66, 0xa6f), (0xae6, 0xaef), (0xb66, 0xb6f), (0xbe6, 0xbef),
    (0xc66, 0xc6f), (0xce6, 0xcef), (0xd66, 0xd6f), (0xde6, 0xdef), (0xe50, 0xe59), (0xed0, 0xed9),
    (0xf20, 0xf29), (0x1040, 0x1049), (0x1090, 0x1099), (0x1369, 0x1371), (0x17e0, 0x17e9),
    (0x1810, 0x1819), (0x1946, 0x194f), (0x19d0, 0x19da), (0x1a80, 0x1a89), (0x1a90, 0x1a99),
    (0x1b50, 0x1b59), (0x1bb0, 0x1bb9), (0x1c40, 0x1c49), (0x1c50, 0x1c59), (0x2070, 0x2070),
    (0x2074, 0x2079), (0x2080, 0x2089), (0x2460, 0x2468), (0x2474, 0x247c), (0x2488, 0x2490),
    (0x24ea, 0x24ea), (0x24f5, 0x24fd), (0x24ff, 0x24ff), (0x2776, 0x277e), (0x2780, 0x2788),
    (0x278a, 0x2792), (0xa620, 0xa629), (0xa8d0, 0xa8d9), (0xa900, 0xa909), (0xa9d0, 0xa9d9),
    (0xa9f0, 0xa9f9), (0xaa50, 0xaa59), (0xabf0, 0xabf9), (0xff10, 0xff19), (0x104a0, 0x104a9),
    (0x10a40, 0x10a43), (0x10d30, 0x10d39), (0x10e60, 0x10e68), (0x11052, 0x1105a),
    (0x11066, 0x1106f), (0x110f0, 0x110f9), (0x11136, 0x1113f), (0x111d0, 0x111d9),
    (0x112f0, 0x112f9), (0x11450, 0x11459), (0x114d0, 0x114d9), (0x11650, 0x11659),
    (0x116c0, 0x116c9), (0x11730, 0x11739), (0x118e0, 0x118e9), (0x11950, 0x11959),
    (0x11c50, 0x11c59), (0x11d50, 0x11d59), (0x11da0, 0x11da9), (0x16a60, 0x16a69),
    (0x16ac0, 0x16ac9), (0x16b50, 0x16b59), (0x1d7ce, 0x1d7ff), (0x1e140, 0x1e149),
    (0x1e2f0, 0x1e2f9), (0x1e950, 0x1e959), (0x1f100, 0x1f10a), (0x1fbf0, 0x1fbf9),
];
/// `str.isnumeric` (Numeric_Type Decimal, Digit or Numeric).
#[rustfmt::skip]
const NUMERIC: &[(u32, u32)] = &[
    (0x30, 0x39), (0xb2, 0xb3), (0xb9, 0xb9), (0xbc, 0xbe), (0x660, 0x669), (0x6f0, 0x6f9),
    (0x7c0, 0x7c9), (0x966, 0x96f), (0x9e6, 0x9ef), (0x9f4, 0x9f9), (0xa66, 0xa6f), (0xae6, 0xaef),
    (0xb66, 0xb6f), (0xb72, 0xb77), (0xbe6, 0xbf2), (0xc66, 0xc6f), (0xc78, 0xc7e), (0xce6, 0xcef),
    (0xd58, 0xd5e), (0xd66, 0xd78), (0xde6, 0xdef), (0xe50, 0xe59), (0xed0, 0xed9), (0xf20, 0xf33),
    (0x1040, 0x1049), (0x1090, 0x1099), (0x1369, 0x137c), (0x16ee, 0x16f0), (0x17e0, 0x17e9),
    (0x17f0, 0x17f9), (0x1810, 0x1819), (0x1946, 0x194f), (0x19d0, 0x19da), (0x1a80, 0x1a89),
    (0x1a90, 0x1a99), (0x1b50, 0x1b59), (0x1bb0, 0x1bb9), (0x1c40, 0x1c49), (0x1c50, 0x1c59),
    (0x2070, 0x2070), (0x2074, 0x2079), (0x2080, 0x2089), (0x2150, 0x2182), (0x2185, 0x2189),
    (0x2460, 0x249b), (0x24ea, 0x24ff), (0x2776, 0x2793), (0x2cfd, 0x2cfd), (0x3007, 0x3007),
    (0x3021, 0x3029), (0x3038, 0x303a), (0x3192, 0x3195), (0x3220, 0x3229), (0x3248, 0x324f),
    (0x3251, 0x325f), (0x3280, 0x3289), (0x32b1, 0x32bf), (0x3405, 0x3405), (0x3483, 0x3483),
    (0x382a, 0x382a), (0x3b4d, 0x3b4d), (0x4e00, 0x4e00), (0x4e03, 0x4e03), (0x4e07, 0x4e07),
    (0x4e09, 0x4e09), (0x4e5d, 0x4e5d), (0x4e8c, 0x4e8c), (0x4e94, 0x4e94), (0x4e96, 0x4e96),
    (0x4ebf, 0x4ec0), (0x4edf, 0x4edf), (0x4ee8, 0x4ee8), (0x4f0d, 0x4f0d), (0x4f70, 0x4f70),
    (0x5104, 0x5104), (0x5146, 0x5146), (0x5169, 0x5169), (0x516b, 0x516b), (0x516d, 0x516d),
    (0x5341, 0x5341), (0x5343, 0x5345), (0x534c, 0x534c), (0x53c1, 0x53c4), (0x56db, 0x56db),
    (0x58f1, 0x58f1), (0x58f9, 0x58f9), (0x5e7a, 0x5e7a), (0x5efe, 0x5eff), (0x5f0c, 0x5f0e),
    (0x5f10, 0x5f10), (0x62fe, 0x62fe), (0x634c, 0x634c), (0x67d2, 0x67d2), (0x6f06, 0x6f06),
    (0x7396, 0x7396), (0x767e, 0x767e), (0x8086, 0x8086), (0x842c, 0x842c), (0x8cae, 0x8cae),
    (0x8cb3, 0x8cb3), (0x8d30, 0x8d30), (0x9621, 0x9621), (0x9646, 0x9646), (0x964c, 0x964c),
    (0x9678, 0x9678), (0x96f6, 0x96f6), (0xa620, 0xa629), (0xa6e6, 0xa6ef), (0xa830, 0xa835),
    (0xa8d0, 0xa8d9), (0xa900, 0xa909), (0xa9d0, 0xa9d9), (0xa9f0, 0xa9f9), (0xaa50, 0xaa59),
    (0xabf0, 0xabf9), (0xf96b, 0xf96b), (0xf973, 0xf973), (0xf978, 0xf978), (0xf9b2, 0xf9b2),
    (0xf9d1, 0xf9d1), (0xf9d3, 0xf9d3), (0xf9fd, 0xf9fd), (0xff10, 0xff19), (0x10107, 0x10133),
    (0x10140, 0x10178), (0x1018a, 0x1018b), (0x102e1, 0x102fb), (0x10320, 0x10323),
    (0x10341, 0x10341), (0x1034a, 0x1034a), (0x103d1, 0x103d5), (0x104a0, 0x104a9),
    (0x10858, 0x1085f), (0x10879, 0x1087f), (0x108a7, 0x108af), (0x108fb, 0x108ff),
    (0x10916, 0x1091b), (0x109bc, 0x109bd), (0x109c0, 0x109cf), (0x109d2, 0x109ff),
    (0x10a40, 0x10a48), (0x10a7d, 0x10a7e), (0x10a9d, 0x10a9f), (0x10aeb, 0x10aef),
    (0x10b58, 0x10b5f), (0x10b78, 0x10b7f), (0x10ba9, 0x10baf), (0x10cfa, 0x10cff),
    (0x10d30, 0x10d39), (0x10e60, 0x10e7e), (0x10f1d, 0x10f26), (0x10f51, 0x10f54),
    (0x10fc5, 0x10fcb), (0x11052, 0x1106f), (0x110f0, 0x110f9), (0x11136, 0x1113f),
    (0x111d0, 0x111d9), (0x111e1, 0x111f4), (0x112f0, 0x112f9), (0x11450, 0x11459),
    (0x114d0, 0x114d9), (0x11650, 0x11659), (0x116c0, 0x116c9), (0x11730, 0x1173b),
    (0x118e0, 0x118f2), (0x11950, 0x11959), (0x11c50, 0x11c6c), (0x11d50, 0x11d59),
    (0x11da0, 0x11da9), (0x11fc0, 0x11fd4), (0x12400, 0x1246e), (0x16a60, 0x16a69),
    (0x16ac0, 0x16ac9), (0x16b50, 0x16b59), (0x16b5b, 0x16b61), (0x16e80, 0x16e96),
    (0x1d2e0, 0x1d2f3), (0x1d360, 0x1d378), (0x1d7ce, 0x1d7ff), (0x1e140, 0x1e149),
    (0x1e2f0, 0x1e2f9), (0x1e8c7, 0x1e8cf), (0x1e950, 0x1e959), (0x1ec71, 0x1ecab),
    (0x1ecad, 0x1ecaf), (0x1ecb1, 0x1ecb4), (0x1ed01, 0x1ed2d), (0x1ed2f, 0x1ed3d),
    (0x1f100, 0x1f10c), (0x1fbf0, 0x1fbf9), (0x20001, 0x20001), (0x20064, 0x20064),
    (0x200e2, 0x200e2), (0x20121, 0x20121), (0x2092a, 0x2092a), (0x20983, 0x20983),
    (0x2098c, 0x2098c), (0x2099c, 0x2099c), (0x20aea, 0x20aea), (0x20afd, 0x20afd),
    (0x20b19, 0x20b19), (0x22390, 0x22390), (0x22998, 0x22998), (0x23b1b, 0x23b1b),
    (0x2626d, 0x2626d), (0x2f890, 0x2f890),
];
/// `str.isprintable`: everything except categories Cc Cf Cs Co Cn Zl Zp and Zs other than U+0020.
#[rustfmt::skip]
const PRINTABLE: &[(u32, u32)] = &[
    (0x20, 0x7e), (0xa1, 0xac), (0xae, 0x377), (0x37a, 0x37f), (0x384, 0x38a), (0x38c, 0x38c),
    (0x38e, 0x3a1), (0x3a3, 0x52f), (0x531, 0x556), (0x559, 0x58a), (0x58d, 0x58f), (0x591, 0x5c7),
    (0x5d0, 0x5ea), (0x5ef, 0x5f4), (0x606, 0x61b), (0x61d, 0x6dc), (0x6de, 0x70d), (0x710, 0x74a),
    (0x74d, 0x7b1), (0x7c0, 0x7fa), (0x7fd, 0x82d), (0x830, 0x83e), (0x840, 0x85b), (0x85e, 0x85e),
    (0x860, 0x86a), (0x870, 0x88e), (0x898, 0x8e1), (0x8e3, 0x983), (0x985, 0x98c), (0x98f, 0x990),
    (0x993, 0x9a8), (0x9aa, 0x9b0), (0x9b2, 0x9b2), (0x9b6, 0x9b9), (0x9bc, 0x9c4), (0x9c7, 0x9c8),
    (0x9cb, 0x9ce), (0x9d7, 0x9d7), (0x9dc, 0x9dd), (0x9df, 0x9e3), (0x9e6, 0x9fe), (0xa01, 0xa03),
    (0xa05, 0xa0a), (0xa0f, 0xa10), (0xa13, 0xa28), (0xa2a, 0xa30), (0xa32, 0xa33), (0xa35, 0xa36),
    (0xa38, 0xa39), (0xa3c, 0xa3c), (0xa3e, 0xa42), (0xa47, 0xa48), (0xa4b, 0xa4d), (0xa51, 0xa51),
    (0xa59, 0xa5c), (0xa5e, 0xa5e), (0xa66, 0xa76), (0xa81, 0xa83), (0xa85, 0xa8d), (0xa8f, 0xa91),
    (0xa93, 0xaa8), (0xaaa, 0xab0), (0xab2, 0xab3), (0xab5, 0xab9), (0xabc, 0xac5), (0xac7, 0xac9),
    (0xacb, 0xacd), (0xad0, 0xad0), (0xae0, 0xae3), (0xae6, 0xaf1), (0xaf9, 0xaff), (0xb01, 0xb03),
    (0xb05, 0xb0c), (0xb0f, 0xb10), (0xb13, 0xb28), (0xb2a, 0xb30), (0xb32, 0xb33), (0xb35, 0xb39),
    (0xb3c, 0xb44), (0xb47, 0xb48), (0xb4b, 0xb4d), (0xb55, 0xb57), (0xb5c, 0xb5d), (0xb5f, 0xb63),
    (0xb66, 0xb77), (0xb82, 0xb83), (0xb85, 0xb8a), (0xb8e, 0xb90), (0xb92, 0xb95), (0xb99, 0xb9a),
    (0xb9c, 0xb9c), (0xb9e, 0xb9f), (0xba3, 0xba4), (0xba8, 0xbaa), (0xbae, 0xbb9), (0xbbe, 0xbc2),
    (0xbc6, 0xbc8), (0xbca, 0xbcd), (0xbd0, 0xbd0), (0xbd7, 0xbd7), (0xbe6, 0xbfa), (0xc00, 0xc0c),
    (0xc0e, 0xc10), (0xc12, 0xc28), (0xc2a, 0xc39), (0xc3c, 0xc44), (0xc46, 0xc48), (0xc4a, 0xc4d),
    (0xc55, 0xc56), (0xc58, 0xc5a), (0xc5d, 0xc5d), (0xc60, 0xc63), (0xc66, 0xc6f), (0xc77, 0xc8c),
    (0xc8e, 0xc90), (0xc92, 0xca8), (0xcaa, 0xcb3), (0xcb5, 0xcb9), (0xcbc, 0xcc4), (0xcc6, 0xcc8),
    (0xcca, 0xccd), (0xcd5, 0xcd6), (0xcdd, 0xcde), (0xce0, 0xce3), (0xce6, 0xcef), (0xcf1, 0xcf2),
    (0xd00, 0xd0c), (0xd0e, 0xd10), (0xd12, 0xd44), (0xd46, 0xd48), (0xd4a, 0xd4f), (0xd54, 0xd63),
    (0xd66, 0xd7f), (0xd81, 0xd83), (0xd85, 0xd96), (0xd9a, 0xdb1), (0xdb3, 0xdbb), (0xdbd, 0xdbd),
    (0xdc0, 0xdc6), (0xdca, 0xdca), (0xdcf, 0xdd4), (0xdd6, 0xdd6), (0xdd8, 0xddf), (0xde6, 0xdef),
    (0xdf2, 0xdf4), (0xe01, 0xe3a), (0xe3f, 0xe5b), (0xe81, 0xe82), (0xe84, 0xe84), (0xe86, 0xe8a),
    (0xe8c, 0xea3), (0xea5, 0xea5), (0xea7, 0xebd), (0xec0, 0xec4), (0xec6, 0xec6), (0xec8, 0xecd),
    (0xed0, 0xed9), (0xedc, 0xedf), (0xf00, 0xf47), (0xf49, 0xf6c), (0xf71, 0xf97), (0xf99, 0xfbc),
    (0xfbe, 0xfcc), (0xfce, 0xfda), (0x1000, 0x10c5), (0x10c7, 0x10c7), (0x10cd, 0x10cd),
    (0x10d0, 0x1248), (0x124a, 0x124d), (0x1250, 0x1256), (0x1258, 0x1258), (0x125a, 0x125d),
    (0x1260, 0x1288), (0x128a, 0x128d), (0x1290, 0x12b0), (0x12b2, 0x12b5), (0x12b8, 0x12be),
    (0x12c0, 0x12c0), (0x12c2, 0x12c5), (0x12c8, 0x12d6), (0x12d8, 0x1310), (0x1312, 0x1315),
    (0x1318, 0x135a), (0x135d, 0x137c), (0x1380, 0x1399), (0x13a0, 0x13f5), (0x13f8, 0x13fd),
    (0x1400, 0x167f), (0x1681, 0x169c), (0x16a0, 0x16f8), (0x1700, 0x1715), (0x171f, 0x1736),
    (0x1740, 0x1753), (0x1760, 0x176c), (0x176e, 0x1770), (0x1772, 0x1773), (0x1780, 0x17dd),
    (0x17e0, 0x17e9), (0x17f0, 0x17f9), (0x1800, 0x180d), (0x180f, 0x1819), (0x1820, 0x1878),
    (0x1880, 0x18aa), (0x18b0, 0x18f5), (0x1900, 0x191e), (0x1920, 0x192b), (0x1930, 0x193b),
    (0x1940, 0x1940), (0x1944, 0x196d), (0x1970, 0x1974), (0x1980, 0x19ab), (0x19b0, 0x19c9),
    (0x19d0, 0x19da), (0x19de, 0x1a1b), (0x1a1e, 0x1a5e), (0x1a60, 0x1a7c), (0x1a7f, 0x1a89),
    (0x1a90, 0x1a99), (0x1aa0, 0x1aad), (0x1ab0, 0x1ace), (0x1b00, 0x1b4c), (0x1b50, 0x1b7e),
    (0x1b80, 0x1bf3), (0x1bfc, 0x1c37), (0x1c3b, 0x1c49), (0x1c4d, 0x1c88), (0x1c90, 0x1cba),
    (0x1cbd, 0x1cc7), (0x1cd0, 0x1cfa), (0x1d00, 0x1f15), (0x1f18, 0x1f1d), (0x1f20, 0x1f45),
    (0x1f48, 0x1f4d), (0x1f50, 0x1f57), (0x1f59, 0x1f59), (0x1f5b, 0x1f5b), (0x1f5d, 0x1f5d),
    (0x1f5f, 0x1f7d), (0x1f80, 0x1fb4), (0x1fb6, 0x1fc4), (0x1fc6, 0x1fd3), (0x1fd6, 0x1fdb),
    (0x1fdd, 0x1fef), (0x1ff2, 0x1ff4), (0x1ff6, 0x1ffe), (0x2010, 0x2027), (0x2030, 0x205e),
    (0x2070, 0x2071), (0x2074, 0x208e), (0x2090, 0x209c), (0x20a0, 0x20c0), (0x20d0, 0x20f0),
    (0x2100, 0x218b), (0x2190, 0x2426), (0x2440, 0x244a), (0x2460, 0x2b73), (0x2b76, 0x2b95),
    (0x2b97, 0x2cf3), (0x2cf9, 0x2d25), (0x2d27, 0x2d27), (0x2d2d, 0x2d2d), (0x2d30, 0x2d67),
    (0x2d6f, 0x2d70), (0x2d7f, 0x2d96), (0x2da0, 0x2da6), (0x2da8, 0x2dae), (0x2db0, 0x2db6),
    (0x2db8, 0x2dbe), (0x2dc0, 0x2dc6), (0x2dc8, 0x2dce), (0x2dd0, 0x2dd6), (0x2dd8, 0x2dde),
    (0x2de0, 0x2e5d), (0x2e80, 0x2e99), (0x2e9b, 0x2ef3), (0x2f00, 0x2fd5), (0x2ff0, 0x2ffb),
    (0x3001, 0x303f), (0x3041, 0x3096), (0x3099, 0x30ff), (0x3105, 0x312f), (0x3131, 0x318e),
    (0x3190, 0x31e3), (0x31f0, 0x321e), (0x3220, 0xa48c), (0xa490, 0xa4c6), (0xa4d0, 0xa62b),
    (0xa640, 0xa6f7), (0xa700, 0xa7ca), (0xa7d0, 0xa7d1), (0xa7d3, 0xa7d3), (0xa7d5, 0xa7d9),
    (0xa7f2, 0xa82c), (0xa830, 0xa839), (0xa840, 0xa877), (0xa880, 0xa8c5), (0xa8ce, 0xa8d9),
    (0xa8e0, 0xa953), (0xa95f, 0xa97c), (0xa980, 0xa9cd), (0xa9cf, 0xa9d9), (0xa9de, 0xa9fe),
    (0xaa00, 0xaa36), (0xaa40, 0xaa4d), (0xaa50, 0xaa59), (0xaa5c, 0xaac2), (0xaadb, 0xaaf6),
    (0xab01, 0xab06), (0xab09, 0xab0e), (0xab11, 0xab16), (0xab20, 0xab26), (0xab28, 0xab2e),
    (0xab30, 0xab6b), (0xab70, 0xabed), (0xabf0, 0xabf9), (0xac00, 0xd7a3), (0xd7b0, 0xd7c6),
    (0xd7cb, 0xd7fb), (0xf900, 0xfa6d), (0xfa70, 0xfad9), (0xfb00, 0xfb06), (0xfb13, 0xfb17),
    (0xfb1d, 0xfb36), (0xfb38, 0xfb3c), (0xfb3e, 0xfb3e), (0xfb40, 0xfb41), (0xfb43, 0xfb44),
    (0xfb46, 0xfbc2), (0xfbd3, 0xfd8f), (0xfd92, 0xfdc7), (0xfdcf, 0xfdcf), (0xfdf0, 0xfe19),
    (0xfe20, 0xfe52), (0xfe54, 0xfe66), (0xfe68, 0xfe6b), (0xfe70, 0xfe74), (0xfe76, 0xfefc),
    (0xff01, 0xffbe), (0xffc2, 0xffc7), (0xffca, 0xffcf), (0xffd2, 0xffd7), (0xffda, 0xffdc),
    (0xffe0, 0xffe6), (0xffe8, 0xffee), (0xfffc, 0xfffd), (0x10000, 0x1000b), (0x1000d, 0x10026),
    (0x10028, 0x1003a), (0x1003c, 0x1003d), (0x1003f, 0x1004d), (0x10050, 0x1005d),
    (0x10080, 0x100fa), (0x10100, 0x10102), (0x10107, 0x10133), (0x10137, 0x1018e),
    (0x10190, 0x1019c), (0x101a0, 0x101a0), (0x101d0, 0x101fd), (0x10280, 0x1029c),
    (0x102a0, 0x102d0), (0x102e0, 0x102fb), (0x10300, 0x10323), (0x1032d, 0x1034a),
    (0x10350, 0x1037a), (0x10380, 0x1039d), (0x1039f, 0x103c3), (0x103c8, 0x103d5),
    (0x10400, 0x1049d), (0x104a0, 0x104a9), (0x104b0, 0x104d3), (0x104d8, 0x104fb),
    (0x10500, 0x10527), (0x10530, 0x10563), (0x1056f, 0x1057a), (0x1057c, 0x1058a),
    (0x1058c, 0x10592), (0x10594, 0x10595), (0x10597, 0x105a1), (0x105a3, 0x105b1),
    (0x105b3, 0x105b9), (0x105bb, 0x105bc), (0x10600, 0x10736), (0x10740, 0x10755),
    (0x10760, 0x10767), (0x10780, 0x10785), (0x10787, 0x107b0), (0x107b2, 0x107ba),
    (0x10800, 0x10805), (0x10808, 0x10808), (0x1080a, 0x10835), (0x10837, 0x10838),
    (0x1083c, 0x1083c), (0x1083f, 0x10855), (0x10857, 0x1089e), (0x108a7, 0x108af),
    (0x108e0, 0x108f2), (0x108f4, 0x108f5), (0x108fb, 0x1091b), (0x1091f, 0x10939),
    (0x1093f, 0x1093f), (0x10980, 0x109b7), (0x109bc, 0x109cf), (0x109d2, 0x10a03),
    (0x10a05, 0x10a06), (0x10a0c, 0x10a13), (0x10a15, 0x10a17), (0x10a19, 0x10a35),
    (0x10a38, 0x10a3a), (0x10a3f, 0x10a48), (0x10a50, 0x10a58), (0x10a60, 0x10a9f),
    (0x10ac0, 0x10ae6), (0x10aeb, 0x10af6), (0x10b00, 0x10b35), (0x10b39, 0x10b55),
    (0x10b58, 0x10b72), (0x10b78, 0x10b91), (0x10b99, 0x10b9c), (0x10ba9, 0x10baf),
    (0x10c00, 0x10c48), (0x10c80, 0x10cb2), (0x10cc0, 0x10cf2), (0x10cfa, 0x10d27),
    (0x10d30, 0x10d39), (0x10e60, 0x10e7e), (0x10e80, 0x10ea9), (0x10eab, 0x10ead),
    (0x10eb0, 0x10eb1), (0x10f00, 0x10f27), (0x10f30, 0x10f59), (0x10f70, 0x10f89),
    (0x10fb0, 0x10fcb), (0x10fe0, 0x10ff6), (0x11000, 0x1104d), (0x11052, 0x11075),
    (0x1107f, 0x110bc), (0x110be, 0x110c2), (0x110d0, 0x110e8), (0x110f0, 0x110f9),
    (0x11100, 0x11134), (0x11136, 0x11147), (0x11150, 0x11176), (0x11180, 0x111df),
    (0x111e1, 0x111f4), (0x11200, 0x11211), (0x11213, 0x1123e), (0x11280, 0x11286),
    (0x11288, 0x11288), (0x1128a, 0x1128d), (0x1128f, 0x1129d), (0x1129f, 0x112a9),
    (0x112b0, 0x112ea), (0x112f0, 0x112f9), (0x11300, 0x11303), (0x11305, 0x1130c),
    (0x1130f, 0x11310), (0x11313, 0x11328), (0x1132a, 0x11330), (0x11332, 0x11333),
    (0x11335, 0x11339), (0x1133b, 0x11344), (0x11347, 0x11348), (0x1134b, 0x1134d),
    (0x11350, 0x11350), (0x11357, 0x11357), (0x1135d, 0x11363), (0x11366, 0x1136c),
    (0x11370, 0x11374), (0x11400, 0x1145b), (0x1145d, 0x11461), (0x11480, 0x114c7),
    (0x114d0, 0x114d9), (0x11580, 0x115b5), (0x115b8, 0x115dd), (0x11600, 0x11644),
    (0x11650, 0x11659), (0x11660, 0x1166c), (0x11680, 0x116b9), (0x116c0, 0x116c9),
    (0x11700, 0x1171a), (0x1171d, 0x1172b), (0x11730, 0x11746), (0x11800, 0x1183b),
    (0x118a0, 0x118f2), (0x118ff, 0x11906), (0x11909, 0x11909), (0x1190c, 0x11913),
    (0x11915, 0x11916), (0x11918, 0x11935), (0x11937, 0x11938), (0x1193b, 0x11946),
    (0x11950, 0x11959), (0x119a0, 0x119a7), (0x119aa, 0x119d7), (0x119da, 0x119e4),
    (0x11a00, 0x11a47), (0x11a50, 0x11aa2), (0x11ab0, 0x11af8), (0x11c00, 0x11c08),
    (0x11c0a, 0x11c36), (0x11c38, 0x11c45), (0x11c50, 0x11c6c), (0x11c70, 0x11c8f),
    (0x11c92, 0x11ca7), (0x11ca9, 0x11cb6), (0x11d00, 0x11d06), (0x11d08, 0x11d09),
    (0x11d0b, 0x11d36), (0x11d3a, 0x11d3a), (0x11d3c, 0x11d3d), (0x11d3f, 0x11d47),
    (0x11d50, 0x11d59), (0x11d60, 0x11d65), (0x11d67, 0x11d68), (0x11d6a, 0x11d8e),
    (0x11d90, 0x11d91), (0x11d93, 0x11d98), (0x11da0, 0x11da9), (0x11ee0, 0x11ef8),
    (0x11fb0, 0x11fb0), (0x11fc0, 0x11ff1), (0x11fff, 0x12399), (0x12400, 0x1246e),
    (0x12470, 0x12474), (0x12480, 0x12543), (0x12f90, 0x12ff2), (0x13000, 0x1342e),
    (0x14400, 0x14646), (0x16800, 0x16a38), (0x16a40, 0x16a5e), (0x16a60, 0x16a69),
    (0x16a6e, 0x16abe), (0x16ac0, 0x16ac9), (0x16ad0, 0x16aed), (0x16af0, 0x16af5),
    (0x16b00, 0x16b45), (0x16b50, 0x16b59), (0x16b5b, 0x16b61), (0x16b63, 0x16b77),
    (0x16b7d, 0x16b8f), (0x16e40, 0x16e9a), (0x16f00, 0x16f4a), (0x16f4f, 0x16f87),
    (0x16f8f, 0x16f9f), (0x16fe0, 0x16fe4), (0x16ff0, 0x16ff1), (0x17000, 0x187f7),
    (0x18800, 0x18cd5), (0x18d00, 0x18d08), (0x1aff0, 0x1aff3), (0x1aff5, 0x1affb),
    (0x1affd, 0x1affe), (0x1b000, 0x1b122), (0x1b150, 0x1b152), (0x1b164, 0x1b167),
    (0x1b170, 0x1b2fb), (0x1bc00, 0x1bc6a), (0x1bc70, 0x1bc7c), (0x1bc80, 0x1bc88),
    (0x1bc90, 0x1bc99), (0x1bc9c, 0x1bc9f), (0x1cf00, 0x1cf2d), (0x1cf30, 0x1cf46),
    (0x1cf50, 0x1cfc3), (0x1d000, 0x1d0f5), (0x1d100, 0x1d126), (0x1d129, 0x1d172),
    (0x1d17b, 0x1d1ea), (0x1d200, 0x1d245), (0x1d2e0, 0x1d2f3), (0x1d300, 0x1d356),
    (0x1d360, 0x1d378), (0x1d400, 0x1d454), (0x1d456, 0x1d49c), (0x1d49e, 0x1d49f),
    (0x1d4a2, 0x1d4a2), (0x1d4a5, 0x1d4a6), (0x1d4a9, 0x1d4ac), (0x1d4ae, 0x1d4b9),
    (0x1d4bb, 0x1d4bb), (0x1d4bd, 0x1d4c3), (0x1d4c5, 0x1d505), (0x1d507, 0x1d50a),
    (0x1d50d, 0x1d514), (0x1d516, 0x1d51c), (0x1d51e, 0x1d539), (0x1d53b, 0x1d53e),
    (0x1d540, 0x1d544), (0x1d546, 0x1d546), (0x1d54a, 0x1d550), (0x1d552, 0x1d6a5),
    (0x1d6a8, 0x1d7cb), (0x1d7ce, 0x1da8b), (0x1da9b, 0x1da9f), (0x1daa1, 0x1daaf),
    (0x1df00, 0x1df1e), (0x1e000, 0x1e006), (0x1e008, 0x1e018), (0x1e01b, 0x1e021),
    (0x1e023, 0x1e024), (0x1e026, 0x1e02a), (0x1e100, 0x1e12c), (0x1e130, 0x1e13d),
    (0x1e140, 0x1e149), (0x1e14e, 0x1e14f), (0x1e290, 0x1e2ae), (0x1e2c0, 0x1e2f9),
    (0x1e2ff, 0x1e2ff), (0x1e7e0, 0x1e7e6), (0x1e7e8, 0x1e7eb), (0x1e7ed, 0x1e7ee),
    (0x1e7f0, 0x1e7fe), (0x1e800, 0x1e8c4), (0x1e8c7, 0x1e8d6), (0x1e900, 0x1e94b),
    (0x1e950, 0x1e959), (0x1e95e, 0x1e95f), (0x1ec71, 0x1ecb4), (0x1ed01, 0x1ed3d),
    (0x1ee00, 0x1ee03), (0x1ee05, 0x1ee1f), (0x1ee21, 0x1ee22), (0x1ee24, 0x1ee24),
    (0x1ee27, 0x1ee27), (0x1ee29, 0x1ee32), (0x1ee34, 0x1ee37), (0x1ee39, 0x1ee39),
    (0x1ee3b, 0x1ee3b), (0x1ee42, 0x1ee42), (0x1ee47, 0x1ee47), (0x1ee49, 0x1ee49),
    (0x1ee4b, 0x1ee4b), (0x1ee4d, 0x1ee4f), (0x1ee51, 0x1ee52), (0x1ee54, 0x1ee54),
    (0x1ee57, 0x1ee57), (0x1ee59, 0x1ee59), (0x1ee5b, 0x1ee5b), (0x1ee5d, 0x1ee5d),
    (0x1ee5f, 0x1ee5f), (0x1ee61, 0x1ee62), (0x1ee64, 0x1ee64), (0x1ee67, 0x1ee6a),
    (0x1ee6c, 0x1ee72), (0x1ee74, 0x1ee77), (0x1ee79, 0x1ee7c), (0x1ee7e, 0x1ee7e),
    (0x1ee80, 0x1ee89), (0x1ee8b, 0x1ee9b), (0x1eea1, 0x1eea3), (0x1eea5, 0x1eea9),
    (0x1eeab, 0x1eebb), (0x1eef0, 0x1eef1), (0x1f000, 0x1f02b), (0x1f030, 0x1f093),
    (0x1f0a0, 0x1f0ae), (0x1f0b1, 0x1f0bf), (0x1f0c1, 0x1f0cf), (0x1f0d1, 0x1f0f5),
    (0x1f100, 0x1f1ad), (0x1f1e6, 0x1f202), (0x1f210, 0x1f23b), (0x1f240, 0x1f248),
    (0x1f250, 0x1f251), (0x1f260, 0x1f265), (0x1f300, 0x1f6d7), (0x1f6dd, 0x1f6ec),
    (0x1f6f0, 0x1f6fc), (0x1f700, 0x1f773), (0x1f780, 0x1f7d8), (0x1f7e0, 0x1f7eb),
    (0x1f7f0, 0x1f7f0), (0x1f800, 0x1f80b), (0x1f810, 0x1f847), (0x1f850, 0x1f859),
    (0x1f860, 0x1f887), (0x1f890, 0x1f8ad), (0x1f8b0, 0x1f8b1), (0x1f900, 0x1fa53),
    (0x1fa60, 0x1fa6d), (0x1fa70, 0x1fa74), (0x1fa78, 0x1fa7c), (0x1fa80, 0x1fa86),
    (0x1fa90, 0x1faac), (0x1fab0, 0x1faba), (0x1fac0, 0x1fac5), (0x1fad0, 0x1fad9),
    (0x1fae0, 0x1fae7), (0x1faf0, 0x1faf6), (0x1fb00, 0x1fb92), (0x1fb94, 0x1fbca),
    (0x1fbf0, 0x1fbf9), (0x20000, 0x2a6df), (0x2a700, 0x2b738), (0x2b740, 0x2b81d),
    (0x2b820, 0x2cea1), (0x2ceb0, 0x2ebe0), (0x2f800, 0x2fa1d), (0x30000, 0x3134a),
    (0xe0100, 0xe01ef),
];

#[cfg(test)]
mod tests {
    // The generated case tables use wide tuples.
    #![allow(clippy::type_complexity)]

    use super::*;

    // The metered forms, unmetered, with plain-text errors.
    fn split(s: &str, sep: Option<&str>, n: i64) -> Result<Vec<String>, String> {
        super::split(s, sep, n, &mut Meter::unlimited())
            .map(|v| v.into_iter().map(str::to_string).collect())
            .map_err(|e| e.message().to_string())
    }
    fn rsplit(s: &str, sep: Option<&str>, n: i64) -> Result<Vec<String>, String> {
        super::rsplit(s, sep, n, &mut Meter::unlimited())
            .map(|v| v.into_iter().map(str::to_string).collect())
            .map_err(|e| e.message().to_string())
    }
    fn replace(s: &str, old: &str, new: &str, n: Option<i64>) -> String {
        super::replace(s, old, new, n, &mut Meter::unlimited()).unwrap_or_default()
    }
    fn upper(s: &str) -> String {
        super::upper(s, &mut Meter::unlimited()).unwrap()
    }
    fn lower(s: &str) -> String {
        super::lower(s, &mut Meter::unlimited()).unwrap()
    }
    fn capitalize(s: &str) -> String {
        super::capitalize(s, &mut Meter::unlimited()).unwrap()
    }
    fn title(s: &str) -> String {
        super::title(s, &mut Meter::unlimited()).unwrap()
    }
    fn swapcase(s: &str) -> String {
        super::swapcase(s, &mut Meter::unlimited()).unwrap()
    }
    fn isdigit(s: &str) -> bool {
        super::isdigit(s, &mut Meter::unlimited()).unwrap()
    }
    fn isdecimal(s: &str) -> bool {
        super::isdecimal(s, &mut Meter::unlimited()).unwrap()
    }
    fn isnumeric(s: &str) -> bool {
        super::isnumeric(s, &mut Meter::unlimited()).unwrap()
    }
    fn isalpha(s: &str) -> bool {
        super::isalpha(s, &mut Meter::unlimited()).unwrap()
    }
    fn isalnum(s: &str) -> bool {
        super::isalnum(s, &mut Meter::unlimited()).unwrap()
    }
    fn isspace(s: &str) -> bool {
        super::isspace(s, &mut Meter::unlimited()).unwrap()
    }
    fn isprintable(s: &str) -> bool {
        super::isprintable(s, &mut Meter::unlimited()).unwrap()
    }
    fn isupper(s: &str) -> bool {
        super::isupper(s, &mut Meter::unlimited()).unwrap()
    }
    fn islower(s: &str) -> bool {
        super::islower(s, &mut Meter::unlimited()).unwrap()
    }
    fn istitle(s: &str) -> bool {
        super::istitle(s, &mut Meter::unlimited()).unwrap()
    }
    fn strip(s: &str, chars: Option<&str>) -> String {
        super::strip(s, chars, &mut Meter::unlimited()).unwrap()
    }
    fn lstrip(s: &str, chars: Option<&str>) -> String {
        super::lstrip(s, chars, &mut Meter::unlimited()).unwrap()
    }
    fn rstrip(s: &str, chars: Option<&str>) -> String {
        super::rstrip(s, chars, &mut Meter::unlimited()).unwrap()
    }
    fn center(s: &str, width: i64, fill: char) -> String {
        super::center(s, width, fill, &mut Meter::unlimited()).unwrap()
    }
    fn ljust(s: &str, width: i64, fill: char) -> String {
        super::ljust(s, width, fill, &mut Meter::unlimited()).unwrap()
    }
    fn rjust(s: &str, width: i64, fill: char) -> String {
        super::rjust(s, width, fill, &mut Meter::unlimited()).unwrap()
    }
    fn zfill(s: &str, width: i64) -> String {
        super::zfill(s, width, &mut Meter::unlimited()).unwrap()
    }
    fn startswith_range(s: &str, p: &str, start: Option<i64>, end: Option<i64>) -> bool {
        super::startswith_range(s, p, start, end, &mut Meter::unlimited()).unwrap()
    }
    fn endswith_range(s: &str, p: &str, start: Option<i64>, end: Option<i64>) -> bool {
        super::endswith_range(s, p, start, end, &mut Meter::unlimited()).unwrap()
    }
    fn find(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> i64 {
        super::find(s, sub, start, end, &mut Meter::unlimited()).unwrap()
    }
    fn rfind(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> i64 {
        super::rfind(s, sub, start, end, &mut Meter::unlimited()).unwrap()
    }
    fn count(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> i64 {
        super::count(s, sub, start, end, &mut Meter::unlimited()).unwrap()
    }
    fn index(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> Result<i64, String> {
        super::index(s, sub, start, end, &mut Meter::unlimited())
            .map_err(|e| e.message().to_string())
    }
    fn rindex(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> Result<i64, String> {
        super::rindex(s, sub, start, end, &mut Meter::unlimited())
            .map_err(|e| e.message().to_string())
    }

    #[test]
    fn brief_examples() {
        assert_eq!(upper("ß"), "SS");
        assert_eq!(title("they're bill's"), "They'Re Bill'S");
        assert_eq!(char_len("héllo"), 5);
        assert_eq!(find("héllo", "l", None, None), 2);
        assert_eq!(rfind("héllo", "l", None, None), 3);
        assert_eq!(count("abc", "", None, None), 4);
        assert_eq!(
            index("abc", "z", None, None),
            Err("substring not found".into())
        );
        assert_eq!(split("a b", Some(""), -1), Err("empty separator".into()));
        assert_eq!(py_repr_str("abc"), "'abc'");
        assert_eq!(py_repr_str("it's"), "\"it's\"");
        assert_eq!(py_repr_str("é"), "'é'");
        assert_eq!(py_repr_str("a\\b\n"), "'a\\\\b\\n'");
    }

    #[test]
    fn char_classes() {
        assert!(is_space_char('\x1c') && is_space_char('\u{3000}') && is_space_char('\u{85}'));
        assert!(!is_space_char('\u{200b}') && !is_space_char('a'));
        assert_eq!(decimal_value('7'), Some(7));
        assert_eq!(decimal_value('٣'), Some(3)); // ARABIC-INDIC DIGIT THREE
        assert_eq!(decimal_value('𝟗'), Some(9)); // MATHEMATICAL BOLD DIGIT NINE
        assert_eq!(decimal_value('²'), None);
        assert_eq!(decimal_value('x'), None);
        assert!(is_digit_char('²') && !is_decimal_char('²'));
        assert!(is_numeric_char('½') && !is_digit_char('½'));
        assert!(is_alpha_char('é') && !is_alpha_char('\u{93f}')); // Devanagari vowel sign
        assert!(is_alnum_char('Ⅻ') && !is_alpha_char('Ⅻ'));
        assert!(is_printable_char(' ') && !is_printable_char('\u{a0}'));
        assert!(!is_printable_char('\u{378}') && is_printable_char('😀'));
        assert!(is_title_char('ǅ') && !is_upper_char('ǅ') && is_cased_char('ǅ'));
        assert!(is_cased_char('ʰ') && !is_cased_char('1'));
    }

    #[test]
    fn case_ignorable_probe() {
        for c in [
            '\'', '.', ':', '^', '`', '\u{301}', '\u{ad}', 'ʰ', '\u{2019}', '·', '\u{200d}',
        ] {
            assert!(is_case_ignorable(c), "{c:?} should be case-ignorable");
        }
        for c in ['a', 'A', '-', ' ', '1', 'Σ', '日'] {
            assert!(!is_case_ignorable(c), "{c:?} should not be case-ignorable");
        }
        for c in (0u8..128).map(char::from) {
            let cased = is_cased_char(c);
            let probe: String = if cased {
                ['A', 'Σ', c].iter().collect()
            } else {
                ['A', 'Σ', c, 'A'].iter().collect()
            };
            let sigma = probe.to_lowercase().chars().nth(1).unwrap();
            let want = if cased { sigma == 'ς' } else { sigma == 'σ' };
            assert_eq!(is_case_ignorable(c), want, "ASCII fast path for {c:?}");
        }
    }

    #[test]
    fn title_special_table_is_sorted() {
        assert!(TITLE_SPECIAL.windows(2).all(|w| w[0].0 < w[1].0));
        for table in [ALPHA, DECIMAL, DIGIT, NUMERIC, PRINTABLE] {
            assert!(table.iter().all(|&(lo, hi)| lo <= hi));
            assert!(table.windows(2).all(|w| w[0].1 < w[1].0));
        }
    }

    #[test]
    fn titlecase_mappings() {
        assert_eq!(title("ǆ ß ﬁ ᾳ ა"), "ǅ Ss Fi ᾼ ა");
        assert_eq!(upper("ა"), "Ა");
        assert_eq!(capitalize("ﬃx"), "Ffix");
        assert_eq!(capitalize(""), "");
        assert_eq!(title(""), "");
        assert_eq!(swapcase(""), "");
    }

    #[test]
    fn unicode_indices_are_code_points() {
        let s = "日本語のテキスト";
        assert_eq!(find(s, "テ", None, None), 4);
        assert_eq!(find(s, "本", Some(2), None), -1);
        assert_eq!(find(s, "本", Some(-7), Some(2)), 1);
        assert_eq!(count(s, "", Some(2), Some(5)), 4);
        assert_eq!(rfind(s, "", None, None), 8);
        assert_eq!(center("日本", 5, '*'), "**日本*");
        assert_eq!(find("abc", "c", Some(i64::MIN), Some(i64::MAX)), 2);
        assert_eq!(count("abc", "", Some(i64::MAX), None), 0);
    }

    #[test]
    fn large_widths_and_counts() {
        assert_eq!(ljust("a", i64::MIN, '*'), "a");
        assert_eq!(zfill("-1", i64::MIN), "-1");
        assert_eq!(replace("aaa", "a", "b", Some(i64::MAX)), "bbb");
        assert_eq!(split("a b c", None, i64::MAX).unwrap(), ["a", "b", "c"]);
    }

    #[test]
    fn case_mappings_match_cpython() {
        // (s, upper, lower, capitalize, title, swapcase), generated with CPython 3.11
        let cases: &[(&str, &str, &str, &str, &str, &str)] = &[
            ("", "", "", "", "", ""),
            (
                "hello world",
                "HELLO WORLD",
                "hello world",
                "Hello world",
                "Hello World",
                "HELLO WORLD",
            ),
            (
                "Hello World",
                "HELLO WORLD",
                "hello world",
                "Hello world",
                "Hello World",
                "hELLO wORLD",
            ),
            ("HELLO", "HELLO", "hello", "Hello", "Hello", "hello"),
            ("hello", "HELLO", "hello", "Hello", "Hello", "HELLO"),
            ("Hello", "HELLO", "hello", "Hello", "Hello", "hELLO"),
            (
                "hELLO wORLD",
                "HELLO WORLD",
                "hello world",
                "Hello world",
                "Hello World",
                "Hello World",
            ),
            (
                "they're bill's friends from the UK",
                "THEY'RE BILL'S FRIENDS FROM THE UK",
                "they're bill's friends from the uk",
                "They're bill's friends from the uk",
                "They'Re Bill'S Friends From The Uk",
                "THEY'RE BILL'S FRIENDS FROM THE uk",
            ),
            ("ß", "SS", "ß", "Ss", "Ss", "SS"),
            ("straße", "STRASSE", "straße", "Straße", "Straße", "STRASSE"),
            ("ǆemal", "ǄEMAL", "ǆemal", "ǅemal", "ǅemal", "ǄEMAL"),
            ("ǅemal", "ǄEMAL", "ǆemal", "ǅemal", "ǅemal", "ǅEMAL"),
            ("ǅ", "Ǆ", "ǆ", "ǅ", "ǅ", "ǅ"),
            (
                "ΣΑΣ ΣΑΣ",
                "ΣΑΣ ΣΑΣ",
                "σας σας",
                "Σας σας",
                "Σας Σας",
                "σας σας",
            ),
            ("aΣ", "AΣ", "aς", "Aς", "Aς", "Aς"),
            ("Σ", "Σ", "σ", "Σ", "Σ", "σ"),
            ("A.Σ.", "A.Σ.", "a.ς.", "A.ς.", "A.Σ.", "a.ς."),
            ("ΣA", "ΣA", "σa", "Σa", "Σa", "σa"),
            (
                "ὈΔΥΣΣΕΎΣ",
                "ὈΔΥΣΣΕΎΣ",
                "ὀδυσσεύς",
                "Ὀδυσσεύς",
                "Ὀδυσσεύς",
                "ὀδυσσεύς",
            ),
            (
                "ﬁx ﬂow",
                "FIX FLOW",
                "ﬁx ﬂow",
                "Fix ﬂow",
                "Fix Flow",
                "FIX FLOW",
            ),
            (
                "İstanbul",
                "İSTANBUL",
                "i̇stanbul",
                "İstanbul",
                "İstanbul",
                "i̇STANBUL",
            ),
            ("ŉ", "ʼN", "ŉ", "ʼN", "ʼN", "ʼN"),
            ("ǰ", "J̌", "ǰ", "J̌", "J̌", "J̌"),
            ("ᾳ", "ΑΙ", "ᾳ", "ᾼ", "ᾼ", "ΑΙ"),
            ("ᾀbc", "ἈΙBC", "ᾀbc", "ᾈbc", "ᾈbc", "ἈΙBC"),
            ("ა ბ", "Ა Ბ", "ა ბ", "ა ბ", "ა ბ", "Ა Ბ"),
            ("123abc", "123ABC", "123abc", "123abc", "123Abc", "123ABC"),
            ("abc123", "ABC123", "abc123", "Abc123", "Abc123", "ABC123"),
            ("a1b2", "A1B2", "a1b2", "A1b2", "A1B2", "A1B2"),
            (
                "3rd place",
                "3RD PLACE",
                "3rd place",
                "3rd place",
                "3Rd Place",
                "3RD PLACE",
            ),
            ("x_y-z", "X_Y-Z", "x_y-z", "X_y-z", "X_Y-Z", "X_Y-Z"),
            (
                "ÉCOLE élève",
                "ÉCOLE ÉLÈVE",
                "école élève",
                "École élève",
                "École Élève",
                "école ÉLÈVE",
            ),
            ("Ñandú", "ÑANDÚ", "ñandú", "Ñandú", "Ñandú", "ñANDÚ"),
            (
                "hello\tworld\n",
                "HELLO\tWORLD\n",
                "hello\tworld\n",
                "Hello\tworld\n",
                "Hello\tWorld\n",
                "HELLO\tWORLD\n",
            ),
            ("日本語", "日本語", "日本語", "日本語", "日本語", "日本語"),
            ("ﬀ", "FF", "ﬀ", "Ff", "Ff", "FF"),
            ("Ⅻ", "Ⅻ", "ⅻ", "Ⅻ", "Ⅻ", "ⅻ"),
            ("ꞵ", "Ꞵ", "ꞵ", "Ꞵ", "Ꞵ", "Ꞵ"),
            ("Ω ω", "Ω Ω", "ω ω", "Ω ω", "Ω Ω", "ω Ω"),
            ("µ", "Μ", "µ", "Μ", "Μ", "Μ"),
            ("ÿ", "Ÿ", "ÿ", "Ÿ", "Ÿ", "Ÿ"),
            ("ǈ", "Ǉ", "ǉ", "ǈ", "ǈ", "ǈ"),
            ("A.Σ", "A.Σ", "a.ς", "A.ς", "A.Σ", "a.ς"),
            ("AΣ.", "AΣ.", "aς.", "Aς.", "Aς.", "aς."),
            ("AΣ.a", "AΣ.A", "aσ.a", "Aσ.a", "Aσ.A", "aσ.A"),
            ("aΣ..b.", "AΣ..B.", "aσ..b.", "Aσ..b.", "Aσ..B.", "Aσ..B."),
            ("A'Σ", "A'Σ", "a'ς", "A'ς", "A'Σ", "a'ς"),
            ("AΣ'", "AΣ'", "aς'", "Aς'", "Aς'", "aς'"),
            ("AΣ'a", "AΣ'A", "aσ'a", "Aσ'a", "Aσ'A", "aσ'A"),
            ("aΣ''b'", "AΣ''B'", "aσ''b'", "Aσ''b'", "Aσ''B'", "Aσ''B'"),
            ("A:Σ", "A:Σ", "a:ς", "A:ς", "A:Σ", "a:ς"),
            ("AΣ:", "AΣ:", "aς:", "Aς:", "Aς:", "aς:"),
            ("AΣ:a", "AΣ:A", "aσ:a", "Aσ:a", "Aσ:A", "aσ:A"),
            ("aΣ::b:", "AΣ::B:", "aσ::b:", "Aσ::b:", "Aσ::B:", "Aσ::B:"),
            ("A^Σ", "A^Σ", "a^ς", "A^ς", "A^Σ", "a^ς"),
            ("AΣ^", "AΣ^", "aς^", "Aς^", "Aς^", "aς^"),
            ("AΣ^a", "AΣ^A", "aσ^a", "Aσ^a", "Aσ^A", "aσ^A"),
            ("aΣ^^b^", "AΣ^^B^", "aσ^^b^", "Aσ^^b^", "Aσ^^B^", "Aσ^^B^"),
            ("A`Σ", "A`Σ", "a`ς", "A`ς", "A`Σ", "a`ς"),
            ("AΣ`", "AΣ`", "aς`", "Aς`", "Aς`", "aς`"),
            ("AΣ`a", "AΣ`A", "aσ`a", "Aσ`a", "Aσ`A", "aσ`A"),
            ("aΣ``b`", "AΣ``B`", "aσ``b`", "Aσ``b`", "Aσ``B`", "Aσ``B`"),
            (
                "A\u{301}Σ",
                "A\u{301}Σ",
                "a\u{301}ς",
                "A\u{301}ς",
                "A\u{301}Σ",
                "a\u{301}ς",
            ),
            (
                "AΣ\u{301}",
                "AΣ\u{301}",
                "aς\u{301}",
                "Aς\u{301}",
                "Aς\u{301}",
                "aς\u{301}",
            ),
            (
                "AΣ\u{301}a",
                "AΣ\u{301}A",
                "aσ\u{301}a",
                "Aσ\u{301}a",
                "Aσ\u{301}A",
                "aσ\u{301}A",
            ),
            (
                "aΣ\u{301}\u{301}b\u{301}",
                "AΣ\u{301}\u{301}B\u{301}",
                "aσ\u{301}\u{301}b\u{301}",
                "Aσ\u{301}\u{301}b\u{301}",
                "Aσ\u{301}\u{301}B\u{301}",
                "Aσ\u{301}\u{301}B\u{301}",
            ),
            (
                "A\u{ad}Σ",
                "A\u{ad}Σ",
                "a\u{ad}ς",
                "A\u{ad}ς",
                "A\u{ad}Σ",
                "a\u{ad}ς",
            ),
            (
                "AΣ\u{ad}",
                "AΣ\u{ad}",
                "aς\u{ad}",
                "Aς\u{ad}",
                "Aς\u{ad}",
                "aς\u{ad}",
            ),
            (
                "AΣ\u{ad}a",
                "AΣ\u{ad}A",
                "aσ\u{ad}a",
                "Aσ\u{ad}a",
                "Aσ\u{ad}A",
                "aσ\u{ad}A",
            ),
            (
                "aΣ\u{ad}\u{ad}b\u{ad}",
                "AΣ\u{ad}\u{ad}B\u{ad}",
                "aσ\u{ad}\u{ad}b\u{ad}",
                "Aσ\u{ad}\u{ad}b\u{ad}",
                "Aσ\u{ad}\u{ad}B\u{ad}",
                "Aσ\u{ad}\u{ad}B\u{ad}",
            ),
            ("AʰΣ", "AʰΣ", "aʰς", "Aʰς", "Aʰς", "aʰς"),
            ("AΣʰ", "AΣʰ", "aςʰ", "Aςʰ", "Aςʰ", "aςʰ"),
            ("AΣʰa", "AΣʰA", "aσʰa", "Aσʰa", "Aσʰa", "aσʰA"),
            ("aΣʰʰbʰ", "AΣʰʰBʰ", "aσʰʰbʰ", "Aσʰʰbʰ", "Aσʰʰbʰ", "AσʰʰBʰ"),
            ("A’Σ", "A’Σ", "a’ς", "A’ς", "A’Σ", "a’ς"),
            ("AΣ’", "AΣ’", "aς’", "Aς’", "Aς’", "aς’"),
            ("AΣ’a", "AΣ’A", "aσ’a", "Aσ’a", "Aσ’A", "aσ’A"),
            ("aΣ’’b’", "AΣ’’B’", "aσ’’b’", "Aσ’’b’", "Aσ’’B’", "Aσ’’B’"),
            ("A-Σ", "A-Σ", "a-σ", "A-σ", "A-Σ", "a-σ"),
            ("AΣ-", "AΣ-", "aς-", "Aς-", "Aς-", "aς-"),
            ("AΣ-a", "AΣ-A", "aς-a", "Aς-a", "Aς-A", "aς-A"),
            ("aΣ--b-", "AΣ--B-", "aς--b-", "Aς--b-", "Aς--B-", "Aς--B-"),
            ("A Σ", "A Σ", "a σ", "A σ", "A Σ", "a σ"),
            ("AΣ ", "AΣ ", "aς ", "Aς ", "Aς ", "aς "),
            ("AΣ a", "AΣ A", "aς a", "Aς a", "Aς A", "aς A"),
            ("aΣ  b ", "AΣ  B ", "aς  b ", "Aς  b ", "Aς  B ", "Aς  B "),
            ("A1Σ", "A1Σ", "a1σ", "A1σ", "A1Σ", "a1σ"),
            ("AΣ1", "AΣ1", "aς1", "Aς1", "Aς1", "aς1"),
            ("AΣ1a", "AΣ1A", "aς1a", "Aς1a", "Aς1A", "aς1A"),
            ("aΣ11b1", "AΣ11B1", "aς11b1", "Aς11b1", "Aς11B1", "Aς11B1"),
            (
                "A\u{200d}Σ",
                "A\u{200d}Σ",
                "a\u{200d}ς",
                "A\u{200d}ς",
                "A\u{200d}Σ",
                "a\u{200d}ς",
            ),
            (
                "AΣ\u{200d}",
                "AΣ\u{200d}",
                "aς\u{200d}",
                "Aς\u{200d}",
                "Aς\u{200d}",
                "aς\u{200d}",
            ),
            (
                "AΣ\u{200d}a",
                "AΣ\u{200d}A",
                "aσ\u{200d}a",
                "Aσ\u{200d}a",
                "Aσ\u{200d}A",
                "aσ\u{200d}A",
            ),
            (
                "aΣ\u{200d}\u{200d}b\u{200d}",
                "AΣ\u{200d}\u{200d}B\u{200d}",
                "aσ\u{200d}\u{200d}b\u{200d}",
                "Aσ\u{200d}\u{200d}b\u{200d}",
                "Aσ\u{200d}\u{200d}B\u{200d}",
                "Aσ\u{200d}\u{200d}B\u{200d}",
            ),
            ("A·Σ", "A·Σ", "a·ς", "A·ς", "A·Σ", "a·ς"),
            ("AΣ·", "AΣ·", "aς·", "Aς·", "Aς·", "aς·"),
            ("AΣ·a", "AΣ·A", "aσ·a", "Aσ·a", "Aσ·A", "aσ·A"),
            ("aΣ··b·", "AΣ··B·", "aσ··b·", "Aσ··b·", "Aσ··B·", "Aσ··B·"),
            (
                "A\u{345}Σ",
                "AΙΣ",
                "a\u{345}ς",
                "A\u{345}ς",
                "A\u{345}ς",
                "aΙς",
            ),
            (
                "AΣ\u{345}",
                "AΣΙ",
                "aς\u{345}",
                "Aς\u{345}",
                "Aς\u{345}",
                "aςΙ",
            ),
            (
                "AΣ\u{345}a",
                "AΣΙA",
                "aσ\u{345}a",
                "Aσ\u{345}a",
                "Aσ\u{345}a",
                "aσΙA",
            ),
            (
                "aΣ\u{345}\u{345}b\u{345}",
                "AΣΙΙBΙ",
                "aσ\u{345}\u{345}b\u{345}",
                "Aσ\u{345}\u{345}b\u{345}",
                "Aσ\u{345}\u{345}b\u{345}",
                "AσΙΙBΙ",
            ),
        ];
        for &(s, up, lo, cap, ti, sw) in cases {
            assert_eq!(upper(s), up, "upper {s:?}");
            assert_eq!(lower(s), lo, "lower {s:?}");
            assert_eq!(capitalize(s), cap, "capitalize {s:?}");
            assert_eq!(title(s), ti, "title {s:?}");
            assert_eq!(swapcase(s), sw, "swapcase {s:?}");
        }
    }

    #[test]
    fn predicates_match_cpython() {
        // (s, isdigit, isdecimal, isnumeric, isalpha, isalnum, isspace, istitle, isupper, islower, isprintable)
        #[rustfmt::skip]
        let cases: &[(&str, [bool; 10])] = &[
            ("", [false, false, false, false, false, false, false, false, false, true]),
            (" ", [false, false, false, false, false, true, false, false, false, true]),
            ("  \t\n", [false, false, false, false, false, true, false, false, false, false]),
            ("\u{1c}\u{1f}", [false, false, false, false, false, true, false, false, false, false]),
            ("\u{a0}\u{3000}", [false, false, false, false, false, true, false, false, false, false]),
            ("\u{200b}", [false, false, false, false, false, false, false, false, false, false]),
            ("123", [true, true, true, false, true, false, false, false, false, true]),
            ("١٢٣", [true, true, true, false, true, false, false, false, false, true]),
            ("²", [true, false, true, false, true, false, false, false, false, true]),
            ("①", [true, false, true, false, true, false, false, false, false, true]),
            ("½", [false, false, true, false, true, false, false, false, false, true]),
            ("Ⅻ", [false, false, true, false, true, false, true, true, false, true]),
            ("一二三", [false, false, true, true, true, false, false, false, false, true]),
            ("abc", [false, false, false, true, true, false, false, false, true, true]),
            ("aBc", [false, false, false, true, true, false, false, false, false, true]),
            ("ABC", [false, false, false, true, true, false, false, true, false, true]),
            ("Abc", [false, false, false, true, true, false, true, false, false, true]),
            ("Abc Def", [false, false, false, false, false, false, true, false, false, true]),
            ("Abc def", [false, false, false, false, false, false, false, false, false, true]),
            ("ABC Def", [false, false, false, false, false, false, false, false, false, true]),
            ("aBC", [false, false, false, true, true, false, false, false, false, true]),
            ("abc1", [false, false, false, false, true, false, false, false, true, true]),
            ("abc 1", [false, false, false, false, false, false, false, false, true, true]),
            ("ǅ", [false, false, false, true, true, false, true, false, false, true]),
            ("ǅa", [false, false, false, true, true, false, true, false, false, true]),
            ("Ǆa", [false, false, false, true, true, false, true, false, false, true]),
            ("ꞵ", [false, false, false, true, true, false, false, false, true, true]),
            ("ǈubljana", [false, false, false, true, true, false, true, false, false, true]),
            ("123 Abc", [false, false, false, false, false, false, true, false, false, true]),
            ("éÉ", [false, false, false, true, true, false, false, false, false, true]),
            ("हिन्दी", [false, false, false, false, false, false, false, false, false, true]),
            ("中文", [false, false, false, true, true, false, false, false, false, true]),
            ("ß", [false, false, false, true, true, false, false, false, true, true]),
            ("SS", [false, false, false, true, true, false, false, true, false, true]),
            ("Σ", [false, false, false, true, true, false, true, true, false, true]),
            ("ʰ", [false, false, false, true, true, false, false, false, true, true]),
            ("Ⓐ", [false, false, false, false, false, false, true, true, false, true]),
            ("ⓐ", [false, false, false, false, false, false, false, false, true, true]),
            ("A1", [false, false, false, false, true, false, true, true, false, true]),
            ("1A", [false, false, false, false, true, false, true, true, false, true]),
            ("a_b", [false, false, false, false, false, false, false, false, true, true]),
            ("\u{7f}", [false, false, false, false, false, false, false, false, false, false]),
            ("é\u{301}", [false, false, false, false, false, false, false, false, true, true]),
            ("१२३", [true, true, true, false, true, false, false, false, false, true]),
            ("x²", [false, false, false, false, true, false, false, false, true, true]),
            ("3.14", [false, false, false, false, false, false, false, false, false, true]),
            ("-1", [false, false, false, false, false, false, false, false, false, true]),
            ("AbC", [false, false, false, true, true, false, false, false, false, true]),
            ("Hello World!", [false, false, false, false, false, false, true, false, false, true]),
            ("Hello world", [false, false, false, false, false, false, false, false, false, true]),
            ("'Tis", [false, false, false, false, false, false, true, false, false, true]),
            ("ᾈ", [false, false, false, true, true, false, true, false, false, true]),
            ("ᾈa", [false, false, false, true, true, false, true, false, false, true]),
        ];
        for &(s, want) in cases {
            let got = [
                isdigit(s),
                isdecimal(s),
                isnumeric(s),
                isalpha(s),
                isalnum(s),
                isspace(s),
                istitle(s),
                isupper(s),
                islower(s),
                isprintable(s),
            ];
            assert_eq!(got, want, "predicates of {s:?}");
        }
    }

    #[test]
    fn find_family_matches_cpython() {
        // (s, sub, start, end, find, rfind, count, startswith, endswith)
        #[rustfmt::skip]
        let cases: &[(&str, &str, Option<i64>, Option<i64>, i64, i64, i64, bool, bool)] = &[
            ("hello world", "o", None, None, 4, 7, 2, false, false),
            ("hello world", "o", Some(2), None, 4, 7, 2, false, false),
            ("hello world", "o", Some(-3), None, -1, -1, 0, false, false),
            ("hello world", "o", None, Some(-2), 4, 7, 2, false, false),
            ("hello world", "o", Some(1), Some(4), -1, -1, 0, false, false),
            ("hello world", "o", Some(4), Some(1), -1, -1, 0, false, false),
            ("hello world", "o", Some(20), None, -1, -1, 0, false, false),
            ("hello world", "o", None, Some(20), 4, 7, 2, false, false),
            ("hello world", "o", Some(-100), None, 4, 7, 2, false, false),
            ("hello world", "o", Some(3), Some(3), -1, -1, 0, false, false),
            ("hello world", "o", Some(0), Some(0), -1, -1, 0, false, false),
            ("hello world", "o", Some(11), None, -1, -1, 0, false, false),
            ("hello world", "o", Some(12), None, -1, -1, 0, false, false),
            ("hello world", "l", None, None, 2, 9, 3, false, false),
            ("hello world", "l", Some(2), None, 2, 9, 3, true, false),
            ("hello world", "l", Some(-3), None, 9, 9, 1, false, false),
            ("hello world", "l", None, Some(-2), 2, 3, 2, false, false),
            ("hello world", "l", Some(1), Some(4), 2, 3, 2, false, true),
            ("hello world", "l", Some(4), Some(1), -1, -1, 0, false, false),
            ("hello world", "l", Some(20), None, -1, -1, 0, false, false),
            ("hello world", "l", None, Some(20), 2, 9, 3, false, false),
            ("hello world", "l", Some(-100), None, 2, 9, 3, false, false),
            ("hello world", "l", Some(3), Some(3), -1, -1, 0, false, false),
            ("hello world", "l", Some(0), Some(0), -1, -1, 0, false, false),
            ("hello world", "l", Some(11), None, -1, -1, 0, false, false),
            ("hello world", "l", Some(12), None, -1, -1, 0, false, false),
            ("hello world", "", None, None, 0, 11, 12, true, true),
            ("hello world", "", Some(2), None, 2, 11, 10, true, true),
            ("hello world", "", Some(-3), None, 8, 11, 4, true, true),
            ("hello world", "", None, Some(-2), 0, 9, 10, true, true),
            ("hello world", "", Some(1), Some(4), 1, 4, 4, true, true),
            ("hello world", "", Some(4), Some(1), -1, -1, 0, false, false),
            ("hello world", "", Some(20), None, -1, -1, 0, false, false),
            ("hello world", "", None, Some(20), 0, 11, 12, true, true),
            ("hello world", "", Some(-100), None, 0, 11, 12, true, true),
            ("hello world", "", Some(3), Some(3), 3, 3, 1, true, true),
            ("hello world", "", Some(0), Some(0), 0, 0, 1, true, true),
            ("hello world", "", Some(11), None, 11, 11, 1, true, true),
            ("hello world", "", Some(12), None, -1, -1, 0, false, false),
            ("hello world", "xyz", None, None, -1, -1, 0, false, false),
            ("hello world", "xyz", Some(2), None, -1, -1, 0, false, false),
            ("hello world", "xyz", Some(-3), None, -1, -1, 0, false, false),
            ("hello world", "xyz", None, Some(-2), -1, -1, 0, false, false),
            ("hello world", "xyz", Some(1), Some(4), -1, -1, 0, false, false),
            ("hello world", "xyz", Some(4), Some(1), -1, -1, 0, false, false),
            ("hello world", "xyz", Some(20), None, -1, -1, 0, false, false),
            ("hello world", "xyz", None, Some(20), -1, -1, 0, false, false),
            ("hello world", "xyz", Some(-100), None, -1, -1, 0, false, false),
            ("hello world", "xyz", Some(3), Some(3), -1, -1, 0, false, false),
            ("hello world", "xyz", Some(0), Some(0), -1, -1, 0, false, false),
            ("hello world", "xyz", Some(11), None, -1, -1, 0, false, false),
            ("hello world", "xyz", Some(12), None, -1, -1, 0, false, false),
            ("aaaa", "aa", None, None, 0, 2, 2, true, true),
            ("aaaa", "aa", Some(2), None, 2, 2, 1, true, true),
            ("aaaa", "aa", Some(-3), None, 1, 2, 1, true, true),
            ("aaaa", "aa", None, Some(-2), 0, 0, 1, true, true),
            ("aaaa", "aa", Some(1), Some(4), 1, 2, 1, true, true),
            ("aaaa", "aa", Some(4), Some(1), -1, -1, 0, false, false),
            ("aaaa", "aa", Some(20), None, -1, -1, 0, false, false),
            ("aaaa", "aa", None, Some(20), 0, 2, 2, true, true),
            ("aaaa", "aa", Some(-100), None, 0, 2, 2, true, true),
            ("aaaa", "aa", Some(3), Some(3), -1, -1, 0, false, false),
            ("aaaa", "aa", Some(0), Some(0), -1, -1, 0, false, false),
            ("aaaa", "aa", Some(11), None, -1, -1, 0, false, false),
            ("aaaa", "aa", Some(12), None, -1, -1, 0, false, false),
            ("héllo wörld", "ö", None, None, 7, 7, 1, false, false),
            ("héllo wörld", "ö", Some(2), None, 7, 7, 1, false, false),
            ("héllo wörld", "ö", Some(-3), None, -1, -1, 0, false, false),
            ("héllo wörld", "ö", None, Some(-2), 7, 7, 1, false, false),
            ("héllo wörld", "ö", Some(1), Some(4), -1, -1, 0, false, false),
            ("héllo wörld", "ö", Some(4), Some(1), -1, -1, 0, false, false),
            ("héllo wörld", "ö", Some(20), None, -1, -1, 0, false, false),
            ("héllo wörld", "ö", None, Some(20), 7, 7, 1, false, false),
            ("héllo wörld", "ö", Some(-100), None, 7, 7, 1, false, false),
            ("héllo wörld", "ö", Some(3), Some(3), -1, -1, 0, false, false),
            ("héllo wörld", "ö", Some(0), Some(0), -1, -1, 0, false, false),
            ("héllo wörld", "ö", Some(11), None, -1, -1, 0, false, false),
            ("héllo wörld", "ö", Some(12), None, -1, -1, 0, false, false),
            ("héllo wörld", "l", None, None, 2, 9, 3, false, false),
            ("héllo wörld", "l", Some(2), None, 2, 9, 3, true, false),
            ("héllo wörld", "l", Some(-3), None, 9, 9, 1, false, false),
            ("héllo wörld", "l", None, Some(-2), 2, 3, 2, false, false),
            ("héllo wörld", "l", Some(1), Some(4), 2, 3, 2, false, true),
            ("héllo wörld", "l", Some(4), Some(1), -1, -1, 0, false, false),
            ("héllo wörld", "l", Some(20), None, -1, -1, 0, false, false),
            ("héllo wörld", "l", None, Some(20), 2, 9, 3, false, false),
            ("héllo wörld", "l", Some(-100), None, 2, 9, 3, false, false),
            ("héllo wörld", "l", Some(3), Some(3), -1, -1, 0, false, false),
            ("héllo wörld", "l", Some(0), Some(0), -1, -1, 0, false, false),
            ("héllo wörld", "l", Some(11), None, -1, -1, 0, false, false),
            ("héllo wörld", "l", Some(12), None, -1, -1, 0, false, false),
            ("日本語日本", "本", None, None, 1, 4, 2, false, true),
            ("日本語日本", "本", Some(2), None, 4, 4, 1, false, true),
            ("日本語日本", "本", Some(-3), None, 4, 4, 1, false, true),
            ("日本語日本", "本", None, Some(-2), 1, 1, 1, false, false),
            ("日本語日本", "本", Some(1), Some(4), 1, 1, 1, true, false),
            ("日本語日本", "本", Some(4), Some(1), -1, -1, 0, false, false),
            ("日本語日本", "本", Some(20), None, -1, -1, 0, false, false),
            ("日本語日本", "本", None, Some(20), 1, 4, 2, false, true),
            ("日本語日本", "本", Some(-100), None, 1, 4, 2, false, true),
            ("日本語日本", "本", Some(3), Some(3), -1, -1, 0, false, false),
            ("日本語日本", "本", Some(0), Some(0), -1, -1, 0, false, false),
            ("日本語日本", "本", Some(11), None, -1, -1, 0, false, false),
            ("日本語日本", "本", Some(12), None, -1, -1, 0, false, false),
            ("abc", "abc", None, None, 0, 0, 1, true, true),
            ("abc", "abc", Some(2), None, -1, -1, 0, false, false),
            ("abc", "abc", Some(-3), None, 0, 0, 1, true, true),
            ("abc", "abc", None, Some(-2), -1, -1, 0, false, false),
            ("abc", "abc", Some(1), Some(4), -1, -1, 0, false, false),
            ("abc", "abc", Some(4), Some(1), -1, -1, 0, false, false),
            ("abc", "abc", Some(20), None, -1, -1, 0, false, false),
            ("abc", "abc", None, Some(20), 0, 0, 1, true, true),
            ("abc", "abc", Some(-100), None, 0, 0, 1, true, true),
            ("abc", "abc", Some(3), Some(3), -1, -1, 0, false, false),
            ("abc", "abc", Some(0), Some(0), -1, -1, 0, false, false),
            ("abc", "abc", Some(11), None, -1, -1, 0, false, false),
            ("abc", "abc", Some(12), None, -1, -1, 0, false, false),
            ("abc", "abcd", None, None, -1, -1, 0, false, false),
            ("abc", "abcd", Some(2), None, -1, -1, 0, false, false),
            ("abc", "abcd", Some(-3), None, -1, -1, 0, false, false),
            ("abc", "abcd", None, Some(-2), -1, -1, 0, false, false),
            ("abc", "abcd", Some(1), Some(4), -1, -1, 0, false, false),
            ("abc", "abcd", Some(4), Some(1), -1, -1, 0, false, false),
            ("abc", "abcd", Some(20), None, -1, -1, 0, false, false),
            ("abc", "abcd", None, Some(20), -1, -1, 0, false, false),
            ("abc", "abcd", Some(-100), None, -1, -1, 0, false, false),
            ("abc", "abcd", Some(3), Some(3), -1, -1, 0, false, false),
            ("abc", "abcd", Some(0), Some(0), -1, -1, 0, false, false),
            ("abc", "abcd", Some(11), None, -1, -1, 0, false, false),
            ("abc", "abcd", Some(12), None, -1, -1, 0, false, false),
            ("", "", None, None, 0, 0, 1, true, true),
            ("", "", Some(2), None, -1, -1, 0, false, false),
            ("", "", Some(-3), None, 0, 0, 1, true, true),
            ("", "", None, Some(-2), 0, 0, 1, true, true),
            ("", "", Some(1), Some(4), -1, -1, 0, false, false),
            ("", "", Some(4), Some(1), -1, -1, 0, false, false),
            ("", "", Some(20), None, -1, -1, 0, false, false),
            ("", "", None, Some(20), 0, 0, 1, true, true),
            ("", "", Some(-100), None, 0, 0, 1, true, true),
            ("", "", Some(3), Some(3), -1, -1, 0, false, false),
            ("", "", Some(0), Some(0), 0, 0, 1, true, true),
            ("", "", Some(11), None, -1, -1, 0, false, false),
            ("", "", Some(12), None, -1, -1, 0, false, false),
            ("", "a", None, None, -1, -1, 0, false, false),
            ("", "a", Some(2), None, -1, -1, 0, false, false),
            ("", "a", Some(-3), None, -1, -1, 0, false, false),
            ("", "a", None, Some(-2), -1, -1, 0, false, false),
            ("", "a", Some(1), Some(4), -1, -1, 0, false, false),
            ("", "a", Some(4), Some(1), -1, -1, 0, false, false),
            ("", "a", Some(20), None, -1, -1, 0, false, false),
            ("", "a", None, Some(20), -1, -1, 0, false, false),
            ("", "a", Some(-100), None, -1, -1, 0, false, false),
            ("", "a", Some(3), Some(3), -1, -1, 0, false, false),
            ("", "a", Some(0), Some(0), -1, -1, 0, false, false),
            ("", "a", Some(11), None, -1, -1, 0, false, false),
            ("", "a", Some(12), None, -1, -1, 0, false, false),
            ("ababab", "ab", None, None, 0, 4, 3, true, true),
            ("ababab", "ab", Some(2), None, 2, 4, 2, true, true),
            ("ababab", "ab", Some(-3), None, 4, 4, 1, false, true),
            ("ababab", "ab", None, Some(-2), 0, 2, 2, true, true),
            ("ababab", "ab", Some(1), Some(4), 2, 2, 1, false, true),
            ("ababab", "ab", Some(4), Some(1), -1, -1, 0, false, false),
            ("ababab", "ab", Some(20), None, -1, -1, 0, false, false),
            ("ababab", "ab", None, Some(20), 0, 4, 3, true, true),
            ("ababab", "ab", Some(-100), None, 0, 4, 3, true, true),
            ("ababab", "ab", Some(3), Some(3), -1, -1, 0, false, false),
            ("ababab", "ab", Some(0), Some(0), -1, -1, 0, false, false),
            ("ababab", "ab", Some(11), None, -1, -1, 0, false, false),
            ("ababab", "ab", Some(12), None, -1, -1, 0, false, false),
        ];
        for &(s, sub, start, end, fi, rfi, cnt, sw, ew) in cases {
            let ctx = format!("{s:?} {sub:?} {start:?} {end:?}");
            assert_eq!(find(s, sub, start, end), fi, "find {ctx}");
            assert_eq!(rfind(s, sub, start, end), rfi, "rfind {ctx}");
            assert_eq!(count(s, sub, start, end), cnt, "count {ctx}");
            assert_eq!(startswith_range(s, sub, start, end), sw, "startswith {ctx}");
            assert_eq!(endswith_range(s, sub, start, end), ew, "endswith {ctx}");
            let idx = index(s, sub, start, end);
            let ridx = rindex(s, sub, start, end);
            if fi < 0 {
                assert_eq!(idx, Err("substring not found".to_string()));
                assert_eq!(ridx, Err("substring not found".to_string()));
            } else {
                assert_eq!(idx, Ok(fi));
                assert_eq!(ridx, Ok(rfi));
            }
        }
    }

    #[test]
    fn split_matches_cpython() {
        // (s, sep, maxsplit, split, rsplit)
        #[rustfmt::skip]
        let cases: &[(&str, Option<&str>, i64, &[&str], &[&str])] = &[
            ("a,b,,c", Some(","), -1, &["a", "b", "", "c"], &["a", "b", "", "c"]),
            ("a,b,,c", Some(","), 0, &["a,b,,c"], &["a,b,,c"]),
            ("a,b,,c", Some(","), 1, &["a", "b,,c"], &["a,b,", "c"]),
            ("a,b,,c", Some(","), 2, &["a", "b", ",c"], &["a,b", "", "c"]),
            ("a,b,,c", Some(","), -5, &["a", "b", "", "c"], &["a", "b", "", "c"]),
            ("a,b,,c,", Some(","), -1, &["a", "b", "", "c", ""], &["a", "b", "", "c", ""]),
            ("a,b,,c,", Some(","), 0, &["a,b,,c,"], &["a,b,,c,"]),
            ("a,b,,c,", Some(","), 1, &["a", "b,,c,"], &["a,b,,c", ""]),
            ("a,b,,c,", Some(","), 2, &["a", "b", ",c,"], &["a,b,", "c", ""]),
            ("a,b,,c,", Some(","), -5, &["a", "b", "", "c", ""], &["a", "b", "", "c", ""]),
            (",a,", Some(","), -1, &["", "a", ""], &["", "a", ""]),
            (",a,", Some(","), 0, &[",a,"], &[",a,"]),
            (",a,", Some(","), 1, &["", "a,"], &[",a", ""]),
            (",a,", Some(","), 2, &["", "a", ""], &["", "a", ""]),
            (",a,", Some(","), -5, &["", "a", ""], &["", "a", ""]),
            ("", Some(","), -1, &[""], &[""]),
            ("", Some(","), 0, &[""], &[""]),
            ("", Some(","), 1, &[""], &[""]),
            ("", Some(","), 2, &[""], &[""]),
            ("", Some(","), -5, &[""], &[""]),
            ("abc", Some(","), -1, &["abc"], &["abc"]),
            ("abc", Some(","), 0, &["abc"], &["abc"]),
            ("abc", Some(","), 1, &["abc"], &["abc"]),
            ("abc", Some(","), 2, &["abc"], &["abc"]),
            ("abc", Some(","), -5, &["abc"], &["abc"]),
            ("a::b::c", Some("::"), -1, &["a", "b", "c"], &["a", "b", "c"]),
            ("a::b::c", Some("::"), 0, &["a::b::c"], &["a::b::c"]),
            ("a::b::c", Some("::"), 1, &["a", "b::c"], &["a::b", "c"]),
            ("a::b::c", Some("::"), 2, &["a", "b", "c"], &["a", "b", "c"]),
            ("a::b::c", Some("::"), -5, &["a", "b", "c"], &["a", "b", "c"]),
            ("  a b  c  ", None, -1, &["a", "b", "c"], &["a", "b", "c"]),
            ("  a b  c  ", None, 0, &["a b  c  "], &["  a b  c"]),
            ("  a b  c  ", None, 1, &["a", "b  c  "], &["  a b", "c"]),
            ("  a b  c  ", None, 2, &["a", "b", "c  "], &["  a", "b", "c"]),
            ("  a b  c  ", None, -5, &["a", "b", "c"], &["a", "b", "c"]),
            ("a\tb\nc\u{1c}d\u{3000}e", None, -1, &["a", "b", "c", "d", "e"], &["a", "b", "c", "d", "e"]),
            ("a\tb\nc\u{1c}d\u{3000}e", None, 0, &["a\tb\nc\u{1c}d\u{3000}e"], &["a\tb\nc\u{1c}d\u{3000}e"]),
            ("a\tb\nc\u{1c}d\u{3000}e", None, 1, &["a", "b\nc\u{1c}d\u{3000}e"], &["a\tb\nc\u{1c}d", "e"]),
            ("a\tb\nc\u{1c}d\u{3000}e", None, 2, &["a", "b", "c\u{1c}d\u{3000}e"], &["a\tb\nc", "d", "e"]),
            ("a\tb\nc\u{1c}d\u{3000}e", None, -5, &["a", "b", "c", "d", "e"], &["a", "b", "c", "d", "e"]),
            ("", None, -1, &[], &[]),
            ("", None, 0, &[], &[]),
            ("", None, 1, &[], &[]),
            ("", None, 2, &[], &[]),
            ("", None, -5, &[], &[]),
            ("   ", None, -1, &[], &[]),
            ("   ", None, 0, &[], &[]),
            ("   ", None, 1, &[], &[]),
            ("   ", None, 2, &[], &[]),
            ("   ", None, -5, &[], &[]),
            ("one", None, -1, &["one"], &["one"]),
            ("one", None, 0, &["one"], &["one"]),
            ("one", None, 1, &["one"], &["one"]),
            ("one", None, 2, &["one"], &["one"]),
            ("one", None, -5, &["one"], &["one"]),
            ("héllo wörld  ünï", None, -1, &["héllo", "wörld", "ünï"], &["héllo", "wörld", "ünï"]),
            ("héllo wörld  ünï", None, 0, &["héllo wörld  ünï"], &["héllo wörld  ünï"]),
            ("héllo wörld  ünï", None, 1, &["héllo", "wörld  ünï"], &["héllo wörld", "ünï"]),
            ("héllo wörld  ünï", None, 2, &["héllo", "wörld", "ünï"], &["héllo", "wörld", "ünï"]),
            ("héllo wörld  ünï", None, -5, &["héllo", "wörld", "ünï"], &["héllo", "wörld", "ünï"]),
            ("héllo wörld", Some("ö"), -1, &["héllo w", "rld"], &["héllo w", "rld"]),
            ("héllo wörld", Some("ö"), 0, &["héllo wörld"], &["héllo wörld"]),
            ("héllo wörld", Some("ö"), 1, &["héllo w", "rld"], &["héllo w", "rld"]),
            ("héllo wörld", Some("ö"), 2, &["héllo w", "rld"], &["héllo w", "rld"]),
            ("héllo wörld", Some("ö"), -5, &["héllo w", "rld"], &["héllo w", "rld"]),
            ("aaa", Some("a"), -1, &["", "", "", ""], &["", "", "", ""]),
            ("aaa", Some("a"), 0, &["aaa"], &["aaa"]),
            ("aaa", Some("a"), 1, &["", "aa"], &["aa", ""]),
            ("aaa", Some("a"), 2, &["", "", "a"], &["a", "", ""]),
            ("aaa", Some("a"), -5, &["", "", "", ""], &["", "", "", ""]),
            ("a b c d", Some(" "), -1, &["a", "b", "c", "d"], &["a", "b", "c", "d"]),
            ("a b c d", Some(" "), 0, &["a b c d"], &["a b c d"]),
            ("a b c d", Some(" "), 1, &["a", "b c d"], &["a b c", "d"]),
            ("a b c d", Some(" "), 2, &["a", "b", "c d"], &["a b", "c", "d"]),
            ("a b c d", Some(" "), -5, &["a", "b", "c", "d"], &["a", "b", "c", "d"]),
        ];
        // Pieces longer than `find_byte`'s in-line scan.
        let (a, b) = ("x".repeat(40), "y".repeat(100));
        assert_eq!(
            split(&format!("{a},{b},"), Some(","), -1).unwrap(),
            [a.as_str(), b.as_str(), ""]
        );
        for &(s, sep, maxsplit, want, rwant) in cases {
            let ctx = format!("{s:?} {sep:?} {maxsplit}");
            assert_eq!(split(s, sep, maxsplit).unwrap(), want, "split {ctx}");
            assert_eq!(rsplit(s, sep, maxsplit).unwrap(), rwant, "rsplit {ctx}");
        }
        assert_eq!(
            split("abc", Some(""), -1),
            Err("empty separator".to_string())
        );
        assert_eq!(
            rsplit("abc", Some(""), 1),
            Err("empty separator".to_string())
        );
    }

    #[test]
    fn strip_matches_cpython() {
        // (s, chars, strip, lstrip, rstrip)
        let cases: &[(&str, Option<&str>, &str, &str, &str)] = &[
            ("  hello  ", None, "hello", "hello  ", "  hello"),
            (
                "\t\n hi \u{1c}\u{3000}",
                None,
                "hi",
                "hi \u{1c}\u{3000}",
                "\t\n hi",
            ),
            ("xxhixx", Some("x"), "hi", "hixx", "xxhi"),
            ("xyhiyx", Some("xy"), "hi", "hiyx", "xyhi"),
            ("hello", Some(""), "hello", "hello", "hello"),
            ("", None, "", "", ""),
            ("   ", None, "", "", ""),
            ("ééaéé", Some("é"), "a", "aéé", "ééa"),
            ("abcba", Some("ab"), "c", "cba", "abc"),
            (
                "\u{200b}hi\u{200b}",
                None,
                "\u{200b}hi\u{200b}",
                "\u{200b}hi\u{200b}",
                "\u{200b}hi\u{200b}",
            ),
        ];
        for &(s, chars, both, left, right) in cases {
            assert_eq!(strip(s, chars), both, "strip {s:?} {chars:?}");
            assert_eq!(lstrip(s, chars), left, "lstrip {s:?} {chars:?}");
            assert_eq!(rstrip(s, chars), right, "rstrip {s:?} {chars:?}");
        }
    }

    #[test]
    fn replace_matches_cpython() {
        // (s, old, new, count, result)
        let cases: &[(&str, &str, &str, Option<i64>, &str)] = &[
            ("hello world", "o", "0", None, "hell0 w0rld"),
            ("hello world", "o", "0", Some(-1), "hell0 w0rld"),
            ("hello world", "o", "0", Some(0), "hello world"),
            ("hello world", "o", "0", Some(1), "hell0 world"),
            ("hello world", "o", "0", Some(2), "hell0 w0rld"),
            ("hello world", "o", "0", Some(10), "hell0 w0rld"),
            ("aaaa", "a", "bb", None, "bbbbbbbb"),
            ("aaaa", "a", "bb", Some(-1), "bbbbbbbb"),
            ("aaaa", "a", "bb", Some(0), "aaaa"),
            ("aaaa", "a", "bb", Some(1), "bbaaa"),
            ("aaaa", "a", "bb", Some(2), "bbbbaa"),
            ("aaaa", "a", "bb", Some(10), "bbbbbbbb"),
            ("aaaa", "aa", "b", None, "bb"),
            ("aaaa", "aa", "b", Some(-1), "bb"),
            ("aaaa", "aa", "b", Some(0), "aaaa"),
            ("aaaa", "aa", "b", Some(1), "baa"),
            ("aaaa", "aa", "b", Some(2), "bb"),
            ("aaaa", "aa", "b", Some(10), "bb"),
            ("abc", "", "-", None, "-a-b-c-"),
            ("abc", "", "-", Some(-1), "-a-b-c-"),
            ("abc", "", "-", Some(0), "abc"),
            ("abc", "", "-", Some(1), "-abc"),
            ("abc", "", "-", Some(2), "-a-bc"),
            ("abc", "", "-", Some(10), "-a-b-c-"),
            ("", "", "x", None, "x"),
            ("", "", "x", Some(-1), "x"),
            ("", "", "x", Some(0), ""),
            ("", "", "x", Some(1), "x"),
            ("", "", "x", Some(2), "x"),
            ("", "", "x", Some(10), "x"),
            ("", "a", "b", None, ""),
            ("", "a", "b", Some(-1), ""),
            ("", "a", "b", Some(0), ""),
            ("", "a", "b", Some(1), ""),
            ("", "a", "b", Some(2), ""),
            ("", "a", "b", Some(10), ""),
            ("héllo", "l", "L", None, "héLLo"),
            ("héllo", "l", "L", Some(-1), "héLLo"),
            ("héllo", "l", "L", Some(0), "héllo"),
            ("héllo", "l", "L", Some(1), "héLlo"),
            ("héllo", "l", "L", Some(2), "héLLo"),
            ("héllo", "l", "L", Some(10), "héLLo"),
            ("日本", "", "|", None, "|日|本|"),
            ("日本", "", "|", Some(-1), "|日|本|"),
            ("日本", "", "|", Some(0), "日本"),
            ("日本", "", "|", Some(1), "|日本"),
            ("日本", "", "|", Some(2), "|日|本"),
            ("日本", "", "|", Some(10), "|日|本|"),
            ("abc", "abc", "", None, ""),
            ("abc", "abc", "", Some(-1), ""),
            ("abc", "abc", "", Some(0), "abc"),
            ("abc", "abc", "", Some(1), ""),
            ("abc", "abc", "", Some(2), ""),
            ("abc", "abc", "", Some(10), ""),
            ("abcabc", "b", "", None, "acac"),
            ("abcabc", "b", "", Some(-1), "acac"),
            ("abcabc", "b", "", Some(0), "abcabc"),
            ("abcabc", "b", "", Some(1), "acabc"),
            ("abcabc", "b", "", Some(2), "acac"),
            ("abcabc", "b", "", Some(10), "acac"),
        ];
        for &(s, old, new, n, want) in cases {
            assert_eq!(
                replace(s, old, new, n),
                want,
                "{s:?}.replace({old:?}, {new:?}, {n:?})"
            );
        }
    }

    #[test]
    fn padding_matches_cpython() {
        // (s, width, fill, center, ljust, rjust)
        let cases: &[(&str, i64, char, &str, &str, &str)] = &[
            ("ab", -1, '*', "ab", "ab", "ab"),
            ("ab", 0, '*', "ab", "ab", "ab"),
            ("ab", 1, '*', "ab", "ab", "ab"),
            ("ab", 2, '*', "ab", "ab", "ab"),
            ("ab", 3, '*', "*ab", "ab*", "*ab"),
            ("ab", 4, '*', "*ab*", "ab**", "**ab"),
            ("ab", 5, '*', "**ab*", "ab***", "***ab"),
            ("ab", 6, '*', "**ab**", "ab****", "****ab"),
            ("ab", 7, '*', "***ab**", "ab*****", "*****ab"),
            ("ab", 8, '*', "***ab***", "ab******", "******ab"),
            ("abc", -1, '*', "abc", "abc", "abc"),
            ("abc", 0, '*', "abc", "abc", "abc"),
            ("abc", 1, '*', "abc", "abc", "abc"),
            ("abc", 2, '*', "abc", "abc", "abc"),
            ("abc", 3, '*', "abc", "abc", "abc"),
            ("abc", 4, '*', "abc*", "abc*", "*abc"),
            ("abc", 5, '*', "*abc*", "abc**", "**abc"),
            ("abc", 6, '*', "*abc**", "abc***", "***abc"),
            ("abc", 7, '*', "**abc**", "abc****", "****abc"),
            ("abc", 8, '*', "**abc***", "abc*****", "*****abc"),
            ("a", -1, '-', "a", "a", "a"),
            ("a", 0, '-', "a", "a", "a"),
            ("a", 1, '-', "a", "a", "a"),
            ("a", 2, '-', "a-", "a-", "-a"),
            ("a", 3, '-', "-a-", "a--", "--a"),
            ("a", 4, '-', "-a--", "a---", "---a"),
            ("a", 5, '-', "--a--", "a----", "----a"),
            ("a", 6, '-', "--a---", "a-----", "-----a"),
            ("a", 7, '-', "---a---", "a------", "------a"),
            ("a", 8, '-', "---a----", "a-------", "-------a"),
            ("", -1, '.', "", "", ""),
            ("", 0, '.', "", "", ""),
            ("", 1, '.', ".", ".", "."),
            ("", 2, '.', "..", "..", ".."),
            ("", 3, '.', "...", "...", "..."),
            ("", 4, '.', "....", "....", "...."),
            ("", 5, '.', ".....", ".....", "....."),
            ("", 6, '.', "......", "......", "......"),
            ("", 7, '.', ".......", ".......", "......."),
            ("", 8, '.', "........", "........", "........"),
            ("héllo", -1, 'é', "héllo", "héllo", "héllo"),
            ("héllo", 0, 'é', "héllo", "héllo", "héllo"),
            ("héllo", 1, 'é', "héllo", "héllo", "héllo"),
            ("héllo", 2, 'é', "héllo", "héllo", "héllo"),
            ("héllo", 3, 'é', "héllo", "héllo", "héllo"),
            ("héllo", 4, 'é', "héllo", "héllo", "héllo"),
            ("héllo", 5, 'é', "héllo", "héllo", "héllo"),
            ("héllo", 6, 'é', "hélloé", "hélloé", "éhéllo"),
            ("héllo", 7, 'é', "éhélloé", "hélloéé", "ééhéllo"),
            ("héllo", 8, 'é', "éhélloéé", "hélloééé", "éééhéllo"),
            ("日本", -1, ' ', "日本", "日本", "日本"),
            ("日本", 0, ' ', "日本", "日本", "日本"),
            ("日本", 1, ' ', "日本", "日本", "日本"),
            ("日本", 2, ' ', "日本", "日本", "日本"),
            ("日本", 3, ' ', " 日本", "日本 ", " 日本"),
            ("日本", 4, ' ', " 日本 ", "日本  ", "  日本"),
            ("日本", 5, ' ', "  日本 ", "日本   ", "   日本"),
            ("日本", 6, ' ', "  日本  ", "日本    ", "    日本"),
            ("日本", 7, ' ', "   日本  ", "日本     ", "     日本"),
            ("日本", 8, ' ', "   日本   ", "日本      ", "      日本"),
        ];
        for &(s, width, fill, c, l, r) in cases {
            assert_eq!(center(s, width, fill), c, "center {s:?} {width}");
            assert_eq!(ljust(s, width, fill), l, "ljust {s:?} {width}");
            assert_eq!(rjust(s, width, fill), r, "rjust {s:?} {width}");
        }
    }

    #[test]
    fn zfill_matches_cpython() {
        let cases: &[(&str, i64, &str)] = &[
            ("42", -3, "42"),
            ("42", 0, "42"),
            ("42", 1, "42"),
            ("42", 2, "42"),
            ("42", 3, "042"),
            ("42", 5, "00042"),
            ("-42", -3, "-42"),
            ("-42", 0, "-42"),
            ("-42", 1, "-42"),
            ("-42", 2, "-42"),
            ("-42", 3, "-42"),
            ("-42", 5, "-0042"),
            ("+42", -3, "+42"),
            ("+42", 0, "+42"),
            ("+42", 1, "+42"),
            ("+42", 2, "+42"),
            ("+42", 3, "+42"),
            ("+42", 5, "+0042"),
            ("", -3, ""),
            ("", 0, ""),
            ("", 1, "0"),
            ("", 2, "00"),
            ("", 3, "000"),
            ("", 5, "00000"),
            ("-", -3, "-"),
            ("-", 0, "-"),
            ("-", 1, "-"),
            ("-", 2, "-0"),
            ("-", 3, "-00"),
            ("-", 5, "-0000"),
            ("+", -3, "+"),
            ("+", 0, "+"),
            ("+", 1, "+"),
            ("+", 2, "+0"),
            ("+", 3, "+00"),
            ("+", 5, "+0000"),
            ("abc", -3, "abc"),
            ("abc", 0, "abc"),
            ("abc", 1, "abc"),
            ("abc", 2, "abc"),
            ("abc", 3, "abc"),
            ("abc", 5, "00abc"),
            ("--1", -3, "--1"),
            ("--1", 0, "--1"),
            ("--1", 1, "--1"),
            ("--1", 2, "--1"),
            ("--1", 3, "--1"),
            ("--1", 5, "-00-1"),
            ("é", -3, "é"),
            ("é", 0, "é"),
            ("é", 1, "é"),
            ("é", 2, "0é"),
            ("é", 3, "00é"),
            ("é", 5, "0000é"),
            ("-é", -3, "-é"),
            ("-é", 0, "-é"),
            ("-é", 1, "-é"),
            ("-é", 2, "-é"),
            ("-é", 3, "-0é"),
            ("-é", 5, "-000é"),
        ];
        for &(s, width, want) in cases {
            assert_eq!(zfill(s, width), want, "{s:?}.zfill({width})");
        }
    }

    #[test]
    fn repr_matches_cpython() {
        let cases: &[(&str, &str)] = &[
            ("", "''"),
            ("abc", "'abc'"),
            ("it's", "\"it's\""),
            ("say \"hi\"", "'say \"hi\"'"),
            ("it's \"x\"", "'it\\'s \"x\"'"),
            ("back\\slash", "'back\\\\slash'"),
            ("tab\tnew\nret\r", "'tab\\tnew\\nret\\r'"),
            ("\u{0}\u{1}\u{1f}\u{7f}", "'\\x00\\x01\\x1f\\x7f'"),
            ("é日本", "'é日本'"),
            ("\u{a0}\u{ad}", "'\\xa0\\xad'"),
            ("\u{200b}\u{2028}", "'\\u200b\\u2028'"),
            ("\u{378}", "'\\u0378'"),
            ("😀", "'😀'"),
            ("\u{e0001}", "'\\U000e0001'"),
            ("\u{10ffff}", "'\\U0010ffff'"),
            ("\u{d7ff}", "'\\ud7ff'"),
            ("'", "\"'\""),
            ("\"", "'\"'"),
            ("\u{80}\u{9f}", "'\\x80\\x9f'"),
            ("a\u{301}", "'a\u{301}'"),
            ("\u{feff}", "'\\ufeff'"),
            ("𠀀", "'𠀀'"),
            ("\u{2a6e0}", "'\\U0002a6e0'"),
        ];
        for &(s, want) in cases {
            assert_eq!(py_repr_str(s), want, "repr of {s:?}");
        }
    }
}
