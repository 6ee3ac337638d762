//! `regex`: Python `re` semantics over `fancy-regex`, plus the host classes
//! `Pattern` and `Match`.
//!
//! Python pattern syntax is translated first ([`translate`]): `\Z`, octal
//! and numbered escapes, `(?P=name)`, `{,n}`, literal `{`, character
//! classes (`[[]`, `&&`), VERBOSE whitespace and comments, the ASCII flag,
//! and Python's `$` (end of text or before a final newline). Matching then
//! follows CPython's `_sre` loop: positions are code-point indices, empty
//! matches may follow a non-empty one, `match` anchors at `pos`,
//! `fullmatch` at both ends. Replacement templates use Python's syntax
//! (`\1`, `\g<1>`, `\g<name>`, `\n`). Backtracking is bounded: a pattern
//! that exceeds the limit raises `RuntimeError` instead of hanging.

use crate::error::{ErrorKind, MlError, VmResult};
use crate::limits::{byte_cost, Meter};
use crate::native::args::{arity, int_arg};
use crate::native::native_module;
use crate::text::pystr::py_repr_str;
use crate::value::{HostObject, MlStr, Object, Value};
use crate::vm::Vm;
use fancy_regex::{Regex as FRegex, RegexBuilder, RegexInput};
use std::any::Any;
use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

/// Declares Python's flag bits as constants and [`FLAG_NAMES`] (bit and
/// name, in Python's display order) from one list.
macro_rules! flags {
    ($($name:ident = $bit:literal),* $(,)?) => {
        $(pub const $name: i64 = $bit;)*
        /// Python's names of the flag bits, in its display order.
        const FLAG_NAMES: &[(i64, &str)] = &[$(($name, stringify!($name))),*];
    };
}

flags!(
    IGNORECASE = 2,
    LOCALE = 4,
    MULTILINE = 8,
    DOTALL = 16,
    UNICODE = 32,
    VERBOSE = 64,
    ASCII = 256
);

/// Backtracking steps allowed for one search before it fails.
const BACKTRACK_LIMIT: usize = 5_000_000;
/// Size limits for the compiled automata (huge counted repetitions).
const SIZE_LIMIT: usize = 32 << 20;

// ---- translation of Python syntax ----

#[derive(Clone, Copy, Default, Debug)]
struct Flags {
    i: bool,
    m: bool,
    s: bool,
    x: bool,
    a: bool,
    u: bool,
}

impl Flags {
    fn from_bits(bits: i64) -> Flags {
        Flags {
            i: bits & IGNORECASE != 0,
            m: bits & MULTILINE != 0,
            s: bits & DOTALL != 0,
            x: bits & VERBOSE != 0,
            a: bits & ASCII != 0,
            u: bits & UNICODE != 0,
        }
    }
}

/// The result of translating a Python pattern.
#[derive(Debug)]
struct Translated {
    /// Inline flags for fancy-regex, e.g. `(?im)`.
    prefix: String,
    body: String,
    /// Whether a non-MULTILINE `$` occurs (its meaning depends on a final
    /// newline in the text).
    has_dollar: bool,
}

const WORD: &str = "0-9A-Za-z_";
const ASCII_SPACE: &str = r"\t\n\x0B\x0C\r ";
/// Python's Unicode `\w`: `str.isalnum()` or `_` (letters and numbers of
/// every kind; Rust's `\w` would also take combining marks, not `²`).
const UNI_WORD: &str = r"\p{L}\p{N}_";
/// Python's Unicode `\s`: `str.isspace()`, which adds U+001C–U+001F to
/// the Unicode White_Space property.
const UNI_SPACE: &str = r"\s\x1C-\x1F";

struct Tr {
    c: Vec<char>,
    i: usize,
    out: String,
    dollar_nl: bool,
    has_dollar: bool,
    flags: Flags,
    /// One entry per open `(`: its capture number (if capturing), its
    /// position, the flags to restore at `)`, where its text starts in
    /// `out`, and whether it is a lookaround.
    open: Vec<(Option<usize>, usize, Flags, usize, bool)>,
    /// Set right after a lookaround (or an empty `(?:)`) closes: where its
    /// text starts in `out`. Python lets such zero-width groups take a
    /// quantifier; fancy-regex does not.
    zero_width: Option<usize>,
    groups: usize,
    closed: Vec<bool>,
    names: Vec<(String, usize)>,
}

fn err_at(msg: impl std::fmt::Display, pos: usize) -> String {
    format!("{msg} at position {pos}")
}

/// The character a control escape stands for: `\a \f \n \r \t \v`, and
/// `\b` (backspace) where it is not a word boundary.
fn control_char(c: char, backspace: bool) -> Option<char> {
    Some(match c {
        'a' => '\u{7}',
        'b' if backspace => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\u{b}',
        _ => return None,
    })
}

/// Python's error for the escape `\c` at `start` it does not know.
fn bad_escape(c: char, start: usize) -> String {
    if c == 'N' {
        err_at("named Unicode escapes (\\N{...}) are not supported", start)
    } else {
        err_at(format!("bad escape \\{c}"), start)
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_alphanumeric())
}

enum ClassItem {
    Char(char),
    /// A category such as `\d`, already in fancy-regex class syntax.
    Cat(String),
}

impl Tr {
    fn peek(&self, k: usize) -> Option<char> {
        self.c.get(self.i + k).copied()
    }

    fn hex(&self, start: usize, n: usize) -> Option<u32> {
        if start + n > self.c.len() {
            return None;
        }
        let s: String = self.c[start..start + n].iter().collect();
        if !s.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(&s, 16).ok()
    }

    fn push_literal(&mut self, ch: char) {
        if "\\.+*?()|[]{}^$&-~".contains(ch) {
            self.out.push('\\');
            self.out.push(ch);
        } else if (ch as u32) < 0x20 || ch == '\u{7f}' || ch == ' ' || ch == '#' {
            let _ = write!(self.out, "\\x{{{:x}}}", ch as u32);
        } else {
            self.out.push(ch);
        }
    }

    /// `\x..`, `\u....`, `\U........` after the backslash at `self.i`;
    /// returns the character and advances past the escape.
    fn hex_escape(&mut self, kind: char) -> Result<char, String> {
        let start = self.i;
        let n = match kind {
            'x' => 2,
            'u' => 4,
            _ => 8,
        };
        let Some(v) = self.hex(self.i + 2, n) else {
            return Err(err_at(format!("incomplete escape \\{kind}"), start));
        };
        let Some(ch) = char::from_u32(v) else {
            let text: String = self.c[start..start + 2 + n].iter().collect();
            return Err(err_at(format!("bad escape {text}"), start));
        };
        self.i += 2 + n;
        Ok(ch)
    }

    /// Octal digits after `\` (the first one at `self.i + 1`): up to three.
    fn octal(&mut self, max_digits: usize) -> Result<char, String> {
        let start = self.i;
        let mut v: u32 = 0;
        let mut k = 0;
        while k < max_digits {
            match self.peek(1 + k) {
                Some(d @ '0'..='7') => {
                    v = v * 8 + (d as u32 - '0' as u32);
                    k += 1;
                }
                _ => break,
            }
        }
        if v > 0o377 {
            let text: String = self.c[start..start + 1 + k].iter().collect();
            return Err(err_at(
                format!("octal escape value {text} outside of range 0-0o377"),
                start,
            ));
        }
        self.i += 1 + k;
        Ok(char::from_u32(v).unwrap_or('\0'))
    }

    fn ascii_category(&self, c: char) -> Option<String> {
        if !self.flags.a {
            return Some(match c {
                'w' => format!("[{UNI_WORD}]"),
                'W' => format!("[^{UNI_WORD}]"),
                's' => format!("[{UNI_SPACE}]"),
                'S' => format!("[^{UNI_SPACE}]"),
                _ => return None,
            });
        }
        Some(match c {
            'd' => "[0-9]".into(),
            'D' => "[^0-9]".into(),
            'w' => format!("[{WORD}]"),
            'W' => format!("[^{WORD}]"),
            's' => format!("[{ASCII_SPACE}]"),
            'S' => format!("[^{ASCII_SPACE}]"),
            'b' => format!("(?:(?<=[{WORD}])(?![{WORD}])|(?<![{WORD}])(?=[{WORD}]))"),
            'B' => format!("(?:(?<=[{WORD}])(?=[{WORD}])|(?<![{WORD}])(?![{WORD}]))"),
            _ => return None,
        })
    }

    /// An escape outside a character class; `self.i` is at the backslash.
    fn escape(&mut self) -> Result<(), String> {
        let start = self.i;
        let Some(c) = self.peek(1) else {
            return Err(err_at("bad escape (end of pattern)", start));
        };
        if let Some(ch) = control_char(c, false) {
            self.i += 2;
            self.push_literal(ch);
            return Ok(());
        }
        match c {
            'A' => {
                self.out.push_str("\\A");
                self.i += 2;
            }
            'Z' => {
                self.out.push_str("\\z");
                self.i += 2;
            }
            'b' | 'B' | 'd' | 'D' | 's' | 'S' | 'w' | 'W' => {
                match self.ascii_category(c) {
                    Some(t) => self.out.push_str(&t),
                    None => {
                        self.out.push('\\');
                        self.out.push(c);
                    }
                }
                self.i += 2;
            }
            'x' | 'u' | 'U' => {
                let ch = self.hex_escape(c)?;
                self.push_literal(ch);
            }
            '0' => {
                let ch = self.octal(3)?;
                self.push_literal(ch);
            }
            '1'..='9' => {
                // Three octal digits make an octal escape; otherwise one or
                // two digits are a group reference.
                let d2 = self.peek(2).filter(char::is_ascii_digit);
                if let Some(d2) = d2 {
                    let d3 = self.peek(3);
                    if c <= '7' && d2 <= '7' && matches!(d3, Some('0'..='7')) {
                        let ch = self.octal(3)?;
                        self.push_literal(ch);
                        return Ok(());
                    }
                }
                let n: usize = match d2 {
                    Some(d2) => (c as usize - '0' as usize) * 10 + (d2 as usize - '0' as usize),
                    None => c as usize - '0' as usize,
                };
                self.group_ref(n, start + 1)?;
                let _ = write!(self.out, "\\k<{n}>");
                self.i += if d2.is_some() { 3 } else { 2 };
            }
            c if c.is_ascii_alphabetic() => return Err(bad_escape(c, start)),
            c => {
                self.i += 2;
                self.push_literal(c);
            }
        }
        Ok(())
    }

    fn group_ref(&self, n: usize, pos: usize) -> Result<(), String> {
        if n == 0 || n > self.groups {
            return Err(err_at(format!("invalid group reference {n}"), pos));
        }
        if !self.closed[n] {
            return Err(err_at(
                "cannot refer to an open group",
                pos.saturating_sub(1),
            ));
        }
        Ok(())
    }

    /// One item of a character class; `self.i` is at it.
    fn class_item(&mut self) -> Result<ClassItem, String> {
        let start = self.i;
        let c = self.c[self.i];
        if c != '\\' {
            self.i += 1;
            return Ok(ClassItem::Char(c));
        }
        let Some(e) = self.peek(1) else {
            return Err(err_at("bad escape (end of pattern)", start));
        };
        if let Some(ch) = control_char(e, true) {
            self.i += 2;
            return Ok(ClassItem::Char(ch));
        }
        Ok(match e {
            'd' | 'D' | 's' | 'S' | 'w' | 'W' => {
                self.i += 2;
                // Negated categories become nested classes (`[a[^…]]`).
                if self.flags.a {
                    match e {
                        'd' => ClassItem::Cat("0-9".into()),
                        'D' => ClassItem::Cat("[^0-9]".into()),
                        'w' => ClassItem::Cat(WORD.into()),
                        'W' => ClassItem::Cat(format!("[^{WORD}]")),
                        's' => ClassItem::Cat(ASCII_SPACE.into()),
                        _ => ClassItem::Cat(format!("[^{ASCII_SPACE}]")),
                    }
                } else {
                    match e {
                        'w' => ClassItem::Cat(UNI_WORD.into()),
                        'W' => ClassItem::Cat(format!("[^{UNI_WORD}]")),
                        's' => ClassItem::Cat(UNI_SPACE.into()),
                        'S' => ClassItem::Cat(format!("[^{UNI_SPACE}]")),
                        _ => ClassItem::Cat(format!("\\{e}")),
                    }
                }
            }
            'x' | 'u' | 'U' => ClassItem::Char(self.hex_escape(e)?),
            '0'..='7' => ClassItem::Char(self.octal(3)?),
            e if e.is_ascii_alphanumeric() => return Err(bad_escape(e, start)),
            e => {
                self.i += 2;
                ClassItem::Char(e)
            }
        })
    }

    fn class_char(out: &mut String, ch: char) {
        if matches!(ch, '\\' | ']' | '[' | '-' | '^' | '&' | '~') {
            out.push('\\');
            out.push(ch);
        } else if (ch as u32) < 0x20 || ch == '\u{7f}' || ch == ' ' || ch == '#' {
            let _ = write!(out, "\\x{{{:x}}}", ch as u32);
        } else {
            out.push(ch);
        }
    }

    fn class(&mut self) -> Result<(), String> {
        let start = self.i;
        self.i += 1;
        let mut out = String::from("[");
        if self.peek(0) == Some('^') {
            out.push('^');
            self.i += 1;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek(0) else {
                return Err(err_at("unterminated character set", start));
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            let item_start = self.i;
            let item = self.class_item()?;
            let is_range = self.peek(0) == Some('-') && !matches!(self.peek(1), None | Some(']'));
            if is_range {
                self.i += 1;
                let hi = self.class_item()?;
                let text: String = self.c[item_start..self.i].iter().collect();
                match (item, hi) {
                    (ClassItem::Char(lo), ClassItem::Char(hi)) => {
                        if lo > hi {
                            return Err(err_at(format!("bad character range {text}"), item_start));
                        }
                        Self::class_char(&mut out, lo);
                        out.push('-');
                        Self::class_char(&mut out, hi);
                    }
                    _ => {
                        return Err(err_at(format!("bad character range {text}"), item_start));
                    }
                }
            } else {
                match item {
                    ClassItem::Char(ch) => Self::class_char(&mut out, ch),
                    ClassItem::Cat(t) => out.push_str(&t),
                }
            }
        }
        out.push(']');
        self.out.push_str(&out);
        Ok(())
    }

    fn group_name(&mut self, close: char, what: &str) -> Result<String, String> {
        let start = self.i;
        let mut name = String::new();
        loop {
            match self.peek(0) {
                None => return Err(err_at(format!("missing {close}, unterminated name"), start)),
                Some(c) if c == close => {
                    self.i += 1;
                    break;
                }
                Some(c) => {
                    name.push(c);
                    self.i += 1;
                }
            }
        }
        if name.is_empty() {
            return Err(err_at(format!("missing {what}"), start));
        }
        if !is_identifier(&name) {
            return Err(err_at(
                format!("bad character in group name '{name}'"),
                start,
            ));
        }
        Ok(name)
    }

    fn open_capture(&mut self, pos: usize) {
        self.groups += 1;
        self.closed.push(false);
        self.open
            .push((Some(self.groups), pos, self.flags, self.out.len(), false));
    }

    fn open_other(&mut self, pos: usize, look: bool) {
        self.open
            .push((None, pos, self.flags, self.out.len(), look));
    }

    /// Inline flag letters at `self.i`; returns (on, off) and the stop char.
    fn flag_letters(&mut self) -> Result<(Flags, Flags, Option<char>), String> {
        let mut on = Flags::default();
        let mut off = Flags::default();
        let mut neg = false;
        loop {
            let Some(c) = self.peek(0) else {
                return Err(err_at("missing -, : or )", self.i));
            };
            let target = if neg { &mut off } else { &mut on };
            match c {
                'i' => target.i = true,
                'm' => target.m = true,
                's' => target.s = true,
                'x' => target.x = true,
                'a' if !neg => target.a = true,
                'u' if !neg => target.u = true,
                'L' => {
                    return Err(err_at(
                        "bad inline flags: cannot use 'L' flag with a str pattern",
                        self.i,
                    ))
                }
                '-' if !neg => neg = true,
                ':' | ')' => {
                    self.i += 1;
                    return Ok((on, off, Some(c)));
                }
                _ => {
                    return Err(err_at(
                        if c.is_alphabetic() {
                            "unknown flag"
                        } else {
                            "missing -, : or )"
                        },
                        self.i,
                    ))
                }
            }
            self.i += 1;
        }
    }

    fn open_group(&mut self) -> Result<(), String> {
        let start = self.i;
        if self.peek(1) != Some('?') {
            self.i += 1;
            self.open_capture(start);
            self.out.push('(');
            return Ok(());
        }
        let Some(k) = self.peek(2) else {
            return Err(err_at("unexpected end of pattern", self.i + 2));
        };
        match k {
            '#' => {
                // A comment: skip to the closing parenthesis.
                self.i += 3;
                loop {
                    match self.peek(0) {
                        None => return Err(err_at("missing ), unterminated comment", start)),
                        Some(')') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => self.i += 1,
                    }
                }
            }
            ':' | '=' | '!' | '>' => {
                self.open_other(start, matches!(k, '=' | '!'));
                self.out.push_str("(?");
                self.out.push(k);
                self.i += 3;
            }
            '<' => match self.peek(3) {
                Some(c @ ('=' | '!')) => {
                    self.open_other(start, true);
                    self.out.push_str("(?<");
                    self.out.push(c);
                    self.i += 4;
                }
                _ => {
                    // (?<name>...) as in newer Pythons.
                    self.i += 3;
                    self.named_group(start)?;
                }
            },
            'P' => match self.peek(3) {
                Some('<') => {
                    self.i += 4;
                    self.named_group(start)?;
                }
                Some('=') => {
                    self.i += 4;
                    let name = self.group_name(')', "group name")?;
                    let Some(&(_, n)) = self.names.iter().find(|(nm, _)| *nm == name) else {
                        return Err(err_at(format!("unknown group name '{name}'"), start + 4));
                    };
                    if !self.closed[n] {
                        return Err(err_at("cannot refer to an open group", start));
                    }
                    let _ = write!(self.out, "\\k<{name}>");
                }
                other => {
                    let tail = other.map(String::from).unwrap_or_default();
                    return Err(err_at(format!("unknown extension ?P{tail}"), start + 1));
                }
            },
            '(' => {
                // Conditional (?(id)yes|no).
                self.i += 3;
                let id_start = self.i;
                let name = self.group_name(')', "group name").or_else(|_| {
                    // Numeric ids are not identifiers.
                    let digits: String = self.c[id_start..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .collect();
                    if digits.is_empty() || self.c.get(id_start + digits.len()) != Some(&')') {
                        Err(err_at("bad character in group name", id_start))
                    } else {
                        Ok(digits)
                    }
                })?;
                if name.chars().all(|c| c.is_ascii_digit()) {
                    self.i = id_start + name.len() + 1;
                    let n: usize = name.parse().unwrap_or(usize::MAX);
                    if n == 0 || n > self.groups {
                        return Err(err_at(format!("invalid group reference {name}"), id_start));
                    }
                } else if !self.names.iter().any(|(nm, _)| *nm == name) {
                    return Err(err_at(format!("unknown group name '{name}'"), id_start));
                }
                self.open_other(start, false);
                let _ = write!(self.out, "(?({name})");
            }
            c if c == '-' || c.is_alphabetic() => {
                self.i += 2;
                let (on, off, stop) = self.flag_letters()?;
                if stop == Some(')') {
                    return Err(err_at(
                        "global flags not at the start of the expression",
                        start,
                    ));
                }
                let saved = self.flags;
                let mut f = self.flags;
                f.i = (f.i || on.i) && !off.i;
                f.m = (f.m || on.m) && !off.m;
                f.s = (f.s || on.s) && !off.s;
                f.x = (f.x || on.x) && !off.x;
                f.a = f.a || on.a;
                self.open.push((None, start, saved, self.out.len(), false));
                self.flags = f;
                let mut letters = String::new();
                for (b, ch) in [(on.i, 'i'), (on.m, 'm'), (on.s, 's')] {
                    if b {
                        letters.push(ch);
                    }
                }
                let mut neg = String::new();
                for (b, ch) in [(off.i, 'i'), (off.m, 'm'), (off.s, 's')] {
                    if b {
                        neg.push(ch);
                    }
                }
                if !neg.is_empty() {
                    letters.push('-');
                    letters.push_str(&neg);
                }
                let _ = write!(self.out, "(?{letters}:");
            }
            other => {
                return Err(err_at(format!("unknown extension ?{other}"), start + 1));
            }
        }
        Ok(())
    }

    fn named_group(&mut self, start: usize) -> Result<(), String> {
        let name = self.group_name('>', "group name")?;
        if let Some((_, was)) = self.names.iter().find(|(nm, _)| *nm == name) {
            return Err(err_at(
                format!(
                    "redefinition of group name '{name}' as group {}; was group {was}",
                    self.groups + 1
                ),
                start + 4,
            ));
        }
        self.open_capture(start);
        self.names.push((name.clone(), self.groups));
        let _ = write!(self.out, "(?P<{name}>");
        Ok(())
    }

    fn close_group(&mut self) -> Result<(), String> {
        let Some((cap, _, flags, out_start, look)) = self.open.pop() else {
            return Err(err_at("unbalanced parenthesis", self.i));
        };
        if let Some(n) = cap {
            self.closed[n] = true;
        }
        self.flags = flags;
        let empty = self.out[out_start..] == *"(?:";
        self.out.push(')');
        self.i += 1;
        if look || empty {
            self.zero_width = Some(out_start);
        }
        Ok(())
    }

    /// A quantifier at `self.i` after a zero-width group: `min` repeats
    /// and the index after it (and after a lazy `?` or possessive `+`).
    fn zero_width_quantifier(&self) -> Option<(u64, usize)> {
        let (min, mut j) = match self.peek(0)? {
            '*' | '?' => (0, self.i + 1),
            '+' => (1, self.i + 1),
            '{' => {
                let mut j = self.i + 1;
                let mut lo = String::new();
                while let Some(&d) = self.c.get(j).filter(|c| c.is_ascii_digit()) {
                    lo.push(d);
                    j += 1;
                }
                let mut comma = false;
                if self.c.get(j) == Some(&',') {
                    comma = true;
                    j += 1;
                    while self.c.get(j).is_some_and(char::is_ascii_digit) {
                        j += 1;
                    }
                }
                if self.c.get(j) != Some(&'}') || (lo.is_empty() && !comma) {
                    return None;
                }
                (
                    lo.parse().unwrap_or(if lo.is_empty() { 0 } else { 1 }),
                    j + 1,
                )
            }
            _ => return None,
        };
        if matches!(self.c.get(j), Some('?' | '+')) {
            j += 1;
        }
        Some((min, j))
    }

    /// `{m,n}` if it is a valid repeat; otherwise a literal `{`.
    fn brace(&mut self) -> Result<(), String> {
        let start = self.i;
        let mut j = self.i + 1;
        let mut lo = String::new();
        while let Some(&d) = self.c.get(j).filter(|c| c.is_ascii_digit()) {
            lo.push(d);
            j += 1;
        }
        let mut hi: Option<String> = None;
        if self.c.get(j) == Some(&',') {
            j += 1;
            let mut h = String::new();
            while let Some(&d) = self.c.get(j).filter(|c| c.is_ascii_digit()) {
                h.push(d);
                j += 1;
            }
            hi = Some(h);
        }
        let valid = self.c.get(j) == Some(&'}') && (!lo.is_empty() || hi.is_some());
        if !valid {
            self.out.push_str("\\{");
            self.i += 1;
            return Ok(());
        }
        const MAX_REPEAT: u64 = 1_000_000;
        let parse = |s: &str| -> Result<u64, String> {
            match s.parse::<u64>() {
                Ok(v) if v <= MAX_REPEAT => Ok(v),
                _ => Err(err_at("the repetition number is too large", start)),
            }
        };
        let lo_v = if lo.is_empty() { 0 } else { parse(&lo)? };
        match &hi {
            None => {
                let _ = write!(self.out, "{{{lo_v}}}");
            }
            Some(h) if h.is_empty() => {
                let _ = write!(self.out, "{{{lo_v},}}");
            }
            Some(h) => {
                let hi_v = parse(h)?;
                if lo_v > hi_v {
                    return Err(err_at("min repeat greater than max repeat", start + 1));
                }
                let _ = write!(self.out, "{{{lo_v},{hi_v}}}");
            }
        }
        self.i = j + 1;
        Ok(())
    }

    fn run(&mut self) -> Result<(), String> {
        while let Some(c) = self.peek(0) {
            if self.flags.x {
                if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}') {
                    self.i += 1;
                    continue;
                }
                if c == '#' {
                    while let Some(c) = self.peek(0) {
                        self.i += 1;
                        if c == '\n' {
                            break;
                        }
                    }
                    continue;
                }
            }
            if c == '(' && self.peek(1) == Some('?') && self.peek(2) == Some('#') {
                // A comment; a quantifier after it applies to what precedes.
                self.open_group()?;
                continue;
            }
            if let Some(group_start) = self.zero_width.take() {
                if let Some((min, next)) = self.zero_width_quantifier() {
                    // A repeated assertion holds or is skipped: keep it
                    // once when required, drop it when optional.
                    // (Groups inside are kept so that numbering holds.)
                    let text = &self.out[group_start..];
                    let captures = text.contains("(?P<")
                        || text.char_indices().any(|(k, ch)| {
                            ch == '(' && !text[k..].starts_with("(?") && !text[..k].ends_with('\\')
                        });
                    if min == 0 && !captures {
                        self.out.truncate(group_start);
                    }
                    self.i = next;
                    continue;
                }
            }
            match c {
                '\\' => self.escape()?,
                '[' => self.class()?,
                '(' => self.open_group()?,
                ')' => self.close_group()?,
                '{' => self.brace()?,
                '$' => {
                    if self.flags.m {
                        self.out.push('$');
                    } else {
                        self.has_dollar = true;
                        self.out
                            .push_str(if self.dollar_nl { r"(?=\n?\z)" } else { r"\z" });
                    }
                    self.i += 1;
                }
                ' ' | '#' => {
                    self.push_literal(c);
                    self.i += 1;
                }
                c => {
                    self.out.push(c);
                    self.i += 1;
                }
            }
        }
        if let Some(&(_, pos, ..)) = self.open.last() {
            return Err(err_at("missing ), unterminated subpattern", pos));
        }
        Ok(())
    }
}

/// Translates a Python pattern; `dollar_nl` selects Python's `$` (before
/// a final newline too) over a plain end-of-text `$`.
fn translate(pattern: &str, bits: i64, dollar_nl: bool) -> Result<Translated, String> {
    if bits & LOCALE != 0 {
        return Err("cannot use LOCALE flag with a str pattern".into());
    }
    let mut flags = Flags::from_bits(bits);
    let c: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    // Leading global flags such as (?i) or (?x).
    while c.get(i) == Some(&'(') && c.get(i + 1) == Some(&'?') {
        let mut j = i + 2;
        let mut letters = Vec::new();
        while let Some(&l) = c.get(j).filter(|l| "aiLmsux".contains(**l)) {
            letters.push(l);
            j += 1;
        }
        if letters.is_empty() || c.get(j) != Some(&')') {
            break;
        }
        for l in letters {
            match l {
                'i' => flags.i = true,
                'm' => flags.m = true,
                's' => flags.s = true,
                'x' => flags.x = true,
                'a' => flags.a = true,
                'u' => flags.u = true,
                _ => {
                    return Err(err_at(
                        "bad inline flags: cannot use 'L' flag with a str pattern",
                        j,
                    ))
                }
            }
        }
        i = j + 1;
    }
    if flags.a && flags.u {
        return Err("ASCII and UNICODE flags are incompatible".into());
    }
    let mut tr = Tr {
        c,
        i,
        out: String::new(),
        dollar_nl,
        has_dollar: false,
        flags,
        open: Vec::new(),
        groups: 0,
        closed: vec![true],
        names: Vec::new(),
        zero_width: None,
    };
    tr.run()?;
    let mut prefix = String::new();
    if flags.i || flags.m || flags.s {
        prefix.push_str("(?");
        for (b, ch) in [(flags.i, 'i'), (flags.m, 'm'), (flags.s, 's')] {
            if b {
                prefix.push(ch);
            }
        }
        prefix.push(')');
    }
    Ok(Translated {
        prefix,
        body: tr.out,
        has_dollar: tr.has_dollar,
    })
}

// ---- compiled patterns ----

/// The variants of a compiled pattern; `kind as usize` (0 to 5, in this
/// order) picks its slot in `Compiled::variants`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Unanchored search.
    Search,
    /// Anchored at the start of the text (`match` at pos 0).
    Anchored,
    /// Anchored at both ends (`fullmatch` at pos 0).
    Full,
    /// A search whose match must not end at the start position (CPython's
    /// "must advance" after an empty match).
    Advance,
    /// Anchored at the search position (`match` at pos > 0).
    AnchoredAt,
    /// Anchored at the search position and the end.
    FullAt,
}

/// One search: in `hay` from byte `pos`, with the `kind` variant of the
/// pattern; all group spans when `groups`, else only the match's.
#[derive(Clone, Copy)]
struct Search<'h> {
    hay: &'h str,
    pos: usize,
    kind: Kind,
    groups: bool,
}

pub struct Compiled {
    source: String,
    flags: i64,
    prefix: String,
    body: String,
    body_nl: Option<String>,
    groups: usize,
    /// Group names with their numbers, in definition order.
    names: Vec<(String, usize)>,
    variants: [OnceLock<Result<FRegex, String>>; 12],
    /// The longest match (bytes) of the search variant, without and with
    /// the final-newline `$`: `None` when unbounded or not known.
    max_len: [OnceLock<Option<usize>>; 2],
}

type Spans = Vec<Option<(usize, usize)>>;

/// Patterns (translated text, bytes) at least this long are compiled on a
/// helper thread while the VM thread keeps checking its deadline and
/// interrupt: compiling costs about 1 µs a byte and cannot be interrupted.
const COMPILE_OFF_THREAD: usize = 4 * 1024;

/// Runs `work` on a helper thread and waits for it, checking `meter` every
/// couple of milliseconds. On a Timeout or Cancelled the wait ends at once
/// and the helper finishes (bounded work) on its own and is dropped. The
/// bytes the helper leaves allocated (its result) and frees (what `work`
/// took) are moved to this thread's count, so the memory budget sees them.
fn off_thread<T: Send + 'static>(
    meter: &mut Meter,
    work: impl FnOnce() -> T + Send + 'static,
) -> VmResult<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("mlpy-regex".into())
        .stack_size(crate::limits::VM_THREAD_STACK)
        .spawn(move || {
            let v = work();
            let _ = tx.send((v, crate::memory::thread_allocated()));
        })
        .map_err(|e| MlError::runtime(format!("cannot start a regex thread: {e}")))?;
    loop {
        match rx.recv_timeout(std::time::Duration::from_millis(2)) {
            Ok((v, net)) => {
                crate::memory::adopt(net);
                return Ok(v);
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                meter.charge(crate::limits::CHECK_INTERVAL as usize)?
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(MlError::runtime("the regex thread failed"))
            }
        }
    }
}

fn build_checked(text: String, meter: &mut Meter) -> VmResult<Result<FRegex, String>> {
    if text.len() < COMPILE_OFF_THREAD {
        return Ok(build(&text));
    }
    off_thread(meter, move || build(&text))
}

fn build(text: &str) -> Result<FRegex, String> {
    RegexBuilder::new(text)
        .backtrack_limit(BACKTRACK_LIMIT)
        .delegate_size_limit(SIZE_LIMIT)
        .delegate_dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

fn run_error(e: fancy_regex::Error) -> MlError {
    let msg = match e {
        fancy_regex::Error::RuntimeError(fancy_regex::RuntimeError::BacktrackLimitExceeded) => {
            "regular expression exceeded the backtracking limit (the pattern is too expensive for this text)".to_string()
        }
        other => format!("regular expression failed: {other}"),
    };
    MlError::new(ErrorKind::RuntimeError, msg)
}

/// The first match of `re` inside `hay[range]` (the text around it still
/// seen by look-around): the match's span alone, or with `Some(n)` the
/// spans of all `n` groups too. An error of the engine (its backtracking
/// limit) is returned as it is, so a helper thread can hand it back.
fn find_spans(
    re: &FRegex,
    hay: &str,
    range: std::ops::Range<usize>,
    groups: Option<usize>,
) -> Result<Option<Spans>, fancy_regex::Error> {
    let input = || {
        RegexInput::new(hay)
            .from_pos(range.start)
            .range(range.clone())
    };
    let Some(n) = groups else {
        return Ok(re
            .find_input(input())?
            .map(|m| vec![Some((m.start(), m.end()))]));
    };
    Ok(re.captures_input(input())?.map(|caps| {
        let mut spans: Spans = (0..caps.len())
            .map(|i| caps.get(i).map(|m| (m.start(), m.end())))
            .collect();
        spans.resize(n + 1, None);
        spans
    }))
}

impl Compiled {
    pub fn new(pattern: &str, flags: i64) -> Result<Compiled, String> {
        let t = translate(pattern, flags, false)?;
        let body_nl = if t.has_dollar {
            Some(translate(pattern, flags, true)?.body)
        } else {
            None
        };
        let search = build(&format!("{}{}", t.prefix, t.body))?;
        let names_all: Vec<Option<String>> = search
            .capture_names()
            .map(|n| n.map(str::to_string))
            .collect();
        let groups = search.captures_len().saturating_sub(1);
        let names = names_all
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.as_ref().map(|n| (n.clone(), i)))
            .collect();
        let c = Compiled {
            source: pattern.to_string(),
            flags,
            prefix: t.prefix,
            body: t.body,
            body_nl,
            groups,
            names,
            variants: Default::default(),
            max_len: Default::default(),
        };
        let _ = c.variants[0].set(Ok(search));
        Ok(c)
    }

    /// Whether a search in `hay` uses the variants whose `$` also matches
    /// before a final newline (Python's rule).
    fn ends_in_newline(&self, hay: &str) -> bool {
        self.body_nl.is_some() && hay.ends_with('\n')
    }

    /// The pattern's body for the `nl` variants or the others.
    fn body(&self, nl: bool) -> &str {
        match (&self.body_nl, nl) {
            (Some(b), true) => b,
            _ => &self.body,
        }
    }

    fn regex(&self, kind: Kind, nl: bool, meter: &mut Meter) -> VmResult<&FRegex> {
        let slot = kind as usize * 2 + nl as usize;
        let cell = &self.variants[slot];
        if cell.get().is_none() {
            let body = self.body(nl);
            let p = &self.prefix;
            let text = match kind {
                Kind::Search => format!("{p}{body}"),
                Kind::Anchored => format!(r"{p}\A(?:{body})"),
                Kind::Full => format!(r"{p}\A(?:{body})\z"),
                Kind::Advance => format!(r"{p}(?:{body})(?!\G)"),
                Kind::AnchoredAt => format!(r"{p}\G(?:{body})"),
                Kind::FullAt => format!(r"{p}\G(?:{body})\z"),
            };
            let built = build_checked(text, meter)?;
            let _ = cell.set(built);
        }
        let r = cell.get().expect("set above");
        r.as_ref().map_err(|e| {
            MlError::value_error(format!(
                "Invalid regex pattern '{}': {e}",
                preview(&self.source)
            ))
        })
    }

    /// The longest match of the search variant in bytes, if bounded and
    /// known (the pattern parses as a plain regex).
    fn max_len(&self, nl: bool) -> Option<usize> {
        *self.max_len[nl as usize].get_or_init(|| {
            let body = self.body(nl);
            let hir = regex_syntax::Parser::new()
                .parse(&format!("{}{body}", self.prefix))
                .ok()?;
            hir.properties().maximum_len()
        })
    }

    /// One search.
    ///
    /// A search over a long text runs in windows with deadline checks
    /// between them when the pattern's matches have a bounded length `L`:
    /// a match found in a window `[from, end)` starting at least `L` bytes
    /// before its end is the leftmost-first match of the whole text (every
    /// match starting earlier would lie inside the window too), and when
    /// there is none, no match starts before `end - L`. Look-around sees
    /// the whole text, so windows change no assertion.
    fn exec(&self, search: Search<'_>, meter: &mut Meter) -> VmResult<Option<Spans>> {
        let Search {
            hay,
            pos,
            kind,
            groups,
        } = search;
        let nl = self.ends_in_newline(hay);
        let re = self.regex(kind, nl, meter)?;
        if is_long(hay, pos) && kind == Kind::Search {
            if let Some(l) = self.max_len(nl) {
                return self.windowed(re, hay, pos, groups, l, SEARCH_WINDOW, meter);
            }
        }
        self.run(re, hay, pos, hay.len(), groups)
    }

    /// Whether `hay` holds a match anywhere (`test`).
    fn contains_match(self: &Arc<Self>, hay: &str, meter: &mut Meter) -> VmResult<bool> {
        let search = Search {
            hay,
            pos: 0,
            kind: Kind::Search,
            groups: false,
        };
        Ok(self.exec_one(search, meter)?.is_some())
    }

    /// Whether [`Compiled::exec`] searches in windows (of
    /// [`SEARCH_WINDOW`]) for this pattern when the text is long.
    fn searches_in_windows(&self, kind: Kind, nl: bool) -> bool {
        kind == Kind::Search && self.max_len(nl).is_some_and(|l| l < SEARCH_WINDOW / 2)
    }

    /// [`Compiled::exec`]'s search in windows of `window` bytes, for
    /// matches at most `l` bytes long.
    #[allow(clippy::too_many_arguments)]
    fn windowed(
        &self,
        re: &FRegex,
        hay: &str,
        pos: usize,
        groups: bool,
        l: usize,
        window: usize,
        meter: &mut Meter,
    ) -> VmResult<Option<Spans>> {
        if l >= window / 2 {
            return self.run(re, hay, pos, hay.len(), groups);
        }
        let mut from = pos;
        loop {
            meter.charge(1 + byte_cost(window))?;
            let end = floor_boundary(hay, from + window);
            let found = self.run(re, hay, from, end, groups)?;
            let last = end == hay.len();
            match found {
                Some(spans) if last || spans[0].is_some_and(|(s, _)| s + l <= end) => {
                    return Ok(Some(spans))
                }
                None if last => return Ok(None),
                // No match starts before `end - l`.
                _ => {
                    let next = floor_boundary(hay, end - l);
                    if next <= from {
                        // (Windows too small for the characters.)
                        return self.run(re, hay, from, hay.len(), groups);
                    }
                    from = next;
                }
            }
        }
    }

    /// [`Compiled::exec`] for one search that may scan a long text with a
    /// pattern the windows cannot take (unbounded or fancy): it runs on a
    /// helper thread over a copy of the text while this thread keeps
    /// checking the deadline, so the call stops at its deadline however
    /// long the search would take.
    fn exec_one(
        self: &Arc<Self>,
        search: Search<'_>,
        meter: &mut Meter,
    ) -> VmResult<Option<Spans>> {
        let (hay, kind) = (search.hay, search.kind);
        let nl = self.ends_in_newline(hay);
        if !is_long(hay, search.pos) || self.searches_in_windows(kind, nl) {
            return self.exec(search, meter);
        }
        self.regex(kind, nl, meter)?;
        // The copy (with its page faults) is itself a pass over the text:
        // made in windows, each charged.
        let mut text = String::new();
        meter.reserve(hay.len())?;
        text.reserve_exact(hay.len());
        let mut at = 0;
        while at < hay.len() {
            let next = floor_boundary(hay, at + SEARCH_WINDOW);
            meter.charge(1 + byte_cost(next - at) * 4)?;
            text.push_str(&hay[at..next]);
            at = next;
        }
        let (pos, groups) = (search.pos, search.groups);
        let me = Arc::clone(self);
        let found = off_thread(meter, move || {
            let re = me.variants[kind as usize * 2 + nl as usize].get();
            match re {
                Some(Ok(re)) => find_spans(re, &text, pos..text.len(), groups.then_some(me.groups)),
                _ => Ok(None),
            }
        })?;
        found.map_err(run_error)
    }

    /// One search of `re` for a match inside `hay[from..end]`.
    fn run(
        &self,
        re: &FRegex,
        hay: &str,
        from: usize,
        end: usize,
        groups: bool,
    ) -> VmResult<Option<Spans>> {
        let groups = groups.then_some(self.groups);
        find_spans(re, hay, from..end, groups).map_err(run_error)
    }

    /// `search` / `match` / `fullmatch` between code-point positions.
    fn find(
        self: &Arc<Self>,
        text: &MlStr,
        pos: i64,
        endpos: Option<i64>,
        mode: Mode,
        meter: &mut Meter,
    ) -> VmResult<Option<Spans>> {
        let (start, end) = bounds(text, pos, endpos);
        if start > end {
            return Ok(None);
        }
        let hay = &text.as_str()[..end];
        let kind = match (mode, start == 0) {
            (Mode::Search, _) => Kind::Search,
            (Mode::Match, true) => Kind::Anchored,
            (Mode::Match, false) => Kind::AnchoredAt,
            (Mode::Full, true) => Kind::Full,
            (Mode::Full, false) => Kind::FullAt,
        };
        let search = Search {
            hay,
            pos: start,
            kind,
            groups: true,
        };
        self.exec_one(search, meter)
    }

    /// Every match in `hay` from byte `start`, as CPython iterates: after
    /// an empty match the next one must not end where the search starts.
    fn all(
        self: &Arc<Self>,
        vm: &Vm,
        hay: &str,
        start: usize,
        limit: usize,
        groups: bool,
    ) -> VmResult<Vec<Spans>> {
        self.all_with(hay, start, limit, groups, &mut vm.meter())
    }

    /// Charges the meter per match and per byte searched, so a long text
    /// with many matches stops part-way at the deadline.
    fn all_with(
        self: &Arc<Self>,
        hay: &str,
        start: usize,
        limit: usize,
        groups: bool,
        meter: &mut Meter,
    ) -> VmResult<Vec<Spans>> {
        let mut out = Vec::new();
        let mut pos = start;
        let mut searched = start;
        let mut must_advance = false;
        while pos <= hay.len() && (limit == 0 || out.len() < limit) {
            meter.charge(1 + byte_cost(pos - searched))?;
            searched = pos;
            let kind = if must_advance {
                Kind::Advance
            } else {
                Kind::Search
            };
            // The first search may scan the whole text (a text without
            // a match): it stops at the deadline.
            let search = Search {
                hay,
                pos,
                kind,
                groups,
            };
            let found = if out.is_empty() {
                self.exec_one(search, meter)?
            } else {
                self.exec(search, meter)?
            };
            let Some(spans) = found else {
                break;
            };
            let Some((s, e)) = spans[0] else {
                break;
            };
            must_advance = s == e;
            pos = e;
            out.push(spans);
        }
        Ok(out)
    }

    fn group_index(&self, v: &Value) -> Option<usize> {
        match v {
            Value::Int(_) | Value::Bool(_) => {
                let i = v.as_int()?;
                (0..=self.groups as i64).contains(&i).then_some(i as usize)
            }
            Value::Str(s) => self
                .names
                .iter()
                .find(|(n, _)| n == s.as_str())
                .map(|(_, i)| *i),
            _ => None,
        }
    }

    /// The flags a Pattern's display names (the others are left out).
    fn flag_names(&self) -> String {
        const SHOWN: i64 = IGNORECASE | MULTILINE | DOTALL | VERBOSE;
        let names: Vec<&str> = FLAG_NAMES
            .iter()
            .filter(|(bit, _)| self.flags & SHOWN & bit != 0)
            .map(|(_, name)| *name)
            .collect();
        names.join(" | ")
    }
}

#[derive(Clone, Copy)]
enum Mode {
    Search,
    Match,
    Full,
}

/// Bytes of text one windowed search step covers (a few milliseconds).
const SEARCH_WINDOW: usize = 1 << 20;

/// A text long enough past `pos` that one search over it is not left to
/// run in a single uninterruptible step.
fn is_long(hay: &str, pos: usize) -> bool {
    hay.len().saturating_sub(pos) > 2 * SEARCH_WINDOW
}

/// The char boundary at or before `i` (clamped to the text).
fn floor_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset of code point `idx` (clamped to the text).
fn char_to_byte(text: &MlStr, idx: usize) -> usize {
    let t = text.as_str();
    if idx >= text.char_len() {
        return t.len();
    }
    if text.is_ascii() {
        return idx;
    }
    t.char_indices().nth(idx).map(|(b, _)| b).unwrap_or(t.len())
}

/// Converts byte offsets of one text to code-point indices; offsets asked
/// in increasing order cost O(distance) each, so a whole `finditer` is
/// linear.
struct CharIndex<'t> {
    text: &'t MlStr,
    byte: usize,
    chars: usize,
}

impl<'t> CharIndex<'t> {
    fn new(text: &'t MlStr) -> CharIndex<'t> {
        CharIndex {
            text,
            byte: 0,
            chars: 0,
        }
    }

    fn of(&mut self, b: usize) -> usize {
        if self.text.is_ascii() {
            return b;
        }
        let t = self.text.as_str();
        if b < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += t.get(self.byte..b).map(|s| s.chars().count()).unwrap_or(0);
        self.byte = b;
        self.chars
    }

    /// Code-point spans for byte spans (starts in order keep it linear).
    fn spans(&mut self, spans: &Spans) -> Spans {
        spans
            .iter()
            .map(|s| s.map(|(a, b)| (self.of(a), self.of(b))))
            .collect()
    }
}

/// Python's clamping of `pos` / `endpos` (code points) to byte offsets.
fn bounds(text: &MlStr, pos: i64, endpos: Option<i64>) -> (usize, usize) {
    let clamp = |v: i64| -> usize {
        if v <= 0 {
            0
        } else {
            char_to_byte(text, v as usize)
        }
    };
    let start = clamp(pos);
    let end = match endpos {
        None => text.as_str().len(),
        Some(e) => clamp(e),
    };
    (start, end)
}

// ---- pattern cache ----

const CACHE_SIZE: usize = 64;

// The cache outlives executions and is shared with `Pattern` objects, which
// sessions may use from other threads: it holds `Arc`s of `Send + Sync`
// patterns, never an `Rc` (see ARCHITECTURE.md, "Threads and `Rc`").
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Compiled>();
};

thread_local! {
    static CACHE: RefCell<Vec<(i64, Arc<Compiled>)>> = const { RefCell::new(Vec::new()) };
}

/// Longest pattern compiled (bytes). Compiling is linear but slow per
/// byte (about 0.3 µs), and a longer pattern is almost surely hostile; it
/// is rejected at once instead of after seconds of work.
const MAX_PATTERN_LEN: usize = 256 * 1024;

/// The start of a long pattern, for error messages.
fn preview(pattern: &str) -> std::borrow::Cow<'_, str> {
    if pattern.len() <= 80 {
        return pattern.into();
    }
    let mut cut = 80;
    while !pattern.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &pattern[..cut]).into()
}

fn compile_cached(pattern: &str, flags: i64, meter: &mut Meter) -> VmResult<Arc<Compiled>> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(MlError::value_error(format!(
            "Invalid regex pattern '{}': the pattern is {} bytes long, more than the limit of {MAX_PATTERN_LEN}",
            preview(pattern),
            pattern.len()
        )));
    }
    let hit = CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|(f, p)| *f == flags && p.source == pattern)
            .map(|(_, p)| p.clone())
    });
    if let Some(p) = hit {
        return Ok(p);
    }
    let made = if pattern.len() < COMPILE_OFF_THREAD {
        Compiled::new(pattern, flags)
    } else {
        let owned = pattern.to_string();
        off_thread(meter, move || Compiled::new(&owned, flags))?
    };
    let compiled = Arc::new(made.map_err(|e| {
        MlError::value_error(format!("Invalid regex pattern '{}': {e}", preview(pattern)))
    })?);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            c.remove(0);
        }
        c.push((flags, compiled.clone()));
    });
    Ok(compiled)
}

// ---- replacement templates ----

enum Piece {
    Lit(String),
    Group(usize),
}

/// Python's `sre_parse.parse_template`.
fn parse_template(t: &str, re: &Compiled) -> Result<Vec<Piece>, String> {
    let c: Vec<char> = t.chars().collect();
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let flush = |lit: &mut String, pieces: &mut Vec<Piece>| {
        if !lit.is_empty() {
            pieces.push(Piece::Lit(std::mem::take(lit)));
        }
    };
    let group = |n: usize, pos: usize| -> Result<usize, String> {
        if n > re.groups {
            Err(err_at(format!("invalid group reference {n}"), pos))
        } else {
            Ok(n)
        }
    };
    while i < c.len() {
        if c[i] != '\\' {
            lit.push(c[i]);
            i += 1;
            continue;
        }
        let start = i;
        let Some(&e) = c.get(i + 1) else {
            return Err(err_at("bad escape (end of pattern)", start));
        };
        i += 2;
        if let Some(ch) = control_char(e, true) {
            lit.push(ch);
            continue;
        }
        match e {
            'g' => {
                if c.get(i) != Some(&'<') {
                    return Err(err_at("missing <", i));
                }
                let name_start = i + 1;
                let Some(close) = c[name_start..].iter().position(|&ch| ch == '>') else {
                    return Err(err_at("missing >, unterminated name", name_start));
                };
                let name: String = c[name_start..name_start + close].iter().collect();
                i = name_start + close + 1;
                if name.is_empty() {
                    return Err(err_at("missing group name", name_start));
                }
                let n = if is_identifier(&name) {
                    match re.names.iter().find(|(nm, _)| *nm == name) {
                        Some((_, n)) => *n,
                        None => return Err(format!("unknown group name '{name}'")),
                    }
                } else if name.chars().all(|ch| ch.is_ascii_digit()) {
                    let n = name.parse::<usize>().unwrap_or(usize::MAX);
                    group(n, name_start)?
                } else {
                    return Err(err_at(
                        format!("bad character in group name '{name}'"),
                        name_start,
                    ));
                };
                flush(&mut lit, &mut pieces);
                pieces.push(Piece::Group(n));
            }
            '0' => {
                let mut v = 0u32;
                let mut k = 0;
                while k < 2 && matches!(c.get(i), Some('0'..='7')) {
                    v = v * 8 + (c[i] as u32 - '0' as u32);
                    i += 1;
                    k += 1;
                }
                lit.push(char::from_u32(v).unwrap_or('\0'));
            }
            '1'..='9' => {
                let d2 = c.get(i).copied().filter(char::is_ascii_digit);
                if let Some(d2) = d2 {
                    if e <= '7' && d2 <= '7' && matches!(c.get(i + 1), Some('0'..='7')) {
                        let v = (e as u32 - '0' as u32) * 64
                            + (d2 as u32 - '0' as u32) * 8
                            + (c[i + 1] as u32 - '0' as u32);
                        if v > 0o377 {
                            return Err(err_at(
                                format!(
                                    "octal escape value \\{e}{d2}{} outside of range 0-0o377",
                                    c[i + 1]
                                ),
                                start,
                            ));
                        }
                        lit.push(char::from_u32(v).unwrap_or('\0'));
                        i += 2;
                        continue;
                    }
                }
                let n = match d2 {
                    Some(d2) => {
                        i += 1;
                        (e as usize - '0' as usize) * 10 + (d2 as usize - '0' as usize)
                    }
                    None => e as usize - '0' as usize,
                };
                let n = group(n, start + 1)?;
                flush(&mut lit, &mut pieces);
                pieces.push(Piece::Group(n));
            }
            '\\' => lit.push('\\'),
            // No `\N{...}` message here: templates name it a bad escape.
            e if e.is_ascii_alphabetic() => {
                return Err(err_at(format!("bad escape \\{e}"), start));
            }
            e => {
                lit.push('\\');
                lit.push(e);
            }
        }
    }
    flush(&mut lit, &mut pieces);
    Ok(pieces)
}

fn expand(pieces: &[Piece], text: &str, spans: &Spans, out: &mut String) {
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Group(n) => {
                if let Some(Some((s, e))) = spans.get(*n) {
                    out.push_str(&text[*s..*e]);
                }
            }
        }
    }
}

fn template_error(re: &Compiled, e: String) -> MlError {
    MlError::value_error(format!(
        "Invalid replacement for pattern '{}': {e}",
        re.source
    ))
}

// ---- operations shared by the module and Pattern ----

fn span_text(text: &str, span: Option<(usize, usize)>) -> Option<&str> {
    span.map(|(s, e)| &text[s..e])
}

fn findall_values(re: &Compiled, text: &str, matches: &[Spans]) -> Vec<Value> {
    matches
        .iter()
        .map(|spans| match re.groups {
            0 => Value::str(span_text(text, spans[0]).unwrap_or("")),
            1 => Value::str(span_text(text, spans[1]).unwrap_or("")),
            _ => Value::tuple(
                spans[1..]
                    .iter()
                    .map(|s| Value::str(span_text(text, *s).unwrap_or("")))
                    .collect(),
            ),
        })
        .collect()
}

fn split_values(vm: &Vm, re: &Arc<Compiled>, text: &str, maxsplit: i64) -> VmResult<Value> {
    if maxsplit < 0 {
        return Ok(Value::array(vec![Value::str(text)]));
    }
    let matches = re.all(vm, text, 0, maxsplit as usize, re.groups > 0)?;
    let mut out = Vec::new();
    let mut last = 0;
    for spans in &matches {
        let Some((s, e)) = spans[0] else { continue };
        out.push(Value::str(&text[last..s]));
        for g in &spans[1..] {
            out.push(match span_text(text, *g) {
                Some(t) => Value::str(t),
                None => Value::Null,
            });
        }
        last = e;
    }
    out.push(Value::str(&text[last..]));
    Ok(Value::array(out))
}

/// `sub`/`subn`: the new text and the number of replacements.
fn substitute(
    vm: &mut Vm,
    re: &Arc<Compiled>,
    repl: &Value,
    text: &Rc<MlStr>,
    count: i64,
) -> VmResult<(String, usize)> {
    let s = text.as_str();
    if count < 0 {
        return Ok((s.to_string(), 0));
    }
    let pieces = match repl {
        Value::Str(t) => Some(parse_template(t.as_str(), re).map_err(|e| template_error(re, e))?),
        f if f.is_callable() => None,
        other => {
            return Err(MlError::type_error(format!(
                "sub() replacement must be a string or a function, not {}",
                other.kind_name()
            )))
        }
    };
    let needs_groups = pieces.is_none()
        || pieces
            .as_ref()
            .is_some_and(|p| p.iter().any(|x| matches!(x, Piece::Group(n) if *n > 0)));
    let matches = re.all(vm, s, 0, count as usize, needs_groups)?;
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut index = CharIndex::new(text);
    for spans in &matches {
        let Some((b, e)) = spans[0] else { continue };
        out.push_str(&s[last..b]);
        match &pieces {
            Some(p) => expand(p, s, spans, &mut out),
            None => {
                let m = match_value(re, text, Some(spans.clone()), &mut index);
                match vm.call_value(repl, &[m])? {
                    Value::Null => {}
                    Value::Str(r) => out.push_str(r.as_str()),
                    other => {
                        return Err(MlError::type_error(format!(
                            "expected str instance, {} found",
                            other.kind_name()
                        )))
                    }
                }
            }
        }
        if out.len() > vm.limits.max_len {
            return Err(MlError::new(
                ErrorKind::MemoryError,
                format!("result exceeds the limit of {} bytes", vm.limits.max_len),
            ));
        }
        last = e;
    }
    out.push_str(&s[last..]);
    crate::native::args::check_len(vm, out.len())?;
    Ok((out, matches.len()))
}

fn subn_object(result: String, n: usize) -> Value {
    let mut o = Object::with_capacity(2);
    o.insert_str("result", Value::string(result));
    o.insert_str("count", Value::Int(n as i64));
    Value::object(o)
}

fn match_value(
    re: &Arc<Compiled>,
    text: &Rc<MlStr>,
    spans: Option<Spans>,
    index: &mut CharIndex,
) -> Value {
    match spans {
        Some(spans) => Value::host(MatchObj {
            re: re.clone(),
            text: text.clone(),
            chars: index.spans(&spans),
            spans,
        }),
        None => Value::Null,
    }
}

// ---- argument helpers ----

fn text_arg(name: &str, v: &Value) -> VmResult<Rc<MlStr>> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        other => Err(MlError::type_error(format!(
            "{name}() expected a string, got {}",
            other.kind_name()
        ))),
    }
}

fn opt_int(name: &str, args: &[Value], i: usize, default: i64) -> VmResult<i64> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => int_arg(name, v),
    }
}

fn opt_endpos(name: &str, args: &[Value], i: usize) -> VmResult<Option<i64>> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => int_arg(name, v).map(Some),
    }
}

/// The compiled pattern for a module function's pattern argument (a string
/// or a `Pattern`).
fn pattern_arg(vm: &Vm, name: &str, v: &Value, flags: i64) -> VmResult<Arc<Compiled>> {
    match v {
        Value::Str(s) => compile_cached(s.as_str(), flags, &mut vm.meter()),
        Value::Host(h) => match h.0.as_any().downcast_ref::<PatternObj>() {
            Some(p) => {
                if flags != 0 {
                    return Err(MlError::value_error(
                        "cannot process flags argument with a compiled pattern",
                    ));
                }
                Ok(p.re.clone())
            }
            None => Err(MlError::type_error(format!(
                "{name}() pattern must be a string or a Pattern, not {}",
                h.0.class_name()
            ))),
        },
        other => Err(MlError::type_error(format!(
            "{name}() pattern must be a string, not {}",
            other.kind_name()
        ))),
    }
}

// ---- host classes ----

pub struct PatternObj {
    re: Arc<Compiled>,
    /// The flags argument as given (a `RegexFlag` stays one), which
    /// `getFlags()` and the `flags` property return.
    flags: Value,
}

const PATTERN_METHODS: &[&str] = &[
    "test",
    "search",
    "match",
    "fullmatch",
    "findall",
    "finditer",
    "split",
    "sub",
    "subn",
    "count",
    "getPattern",
    "getFlags",
    "toString",
];

impl PatternObj {
    fn describe(&self) -> String {
        let flags = self.re.flag_names();
        if flags.is_empty() {
            format!("Pattern({})", py_repr_str(&self.re.source))
        } else {
            format!("Pattern({}, flags={flags})", py_repr_str(&self.re.source))
        }
    }

    fn call(&self, vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<Value> {
        let re = &self.re;
        match name {
            "test" => {
                arity("test", args, 1, 1)?;
                let t = text_arg("test", &args[0])?;
                Ok(Value::Bool(re.contains_match(t.as_str(), &mut vm.meter())?))
            }
            "search" | "match" | "fullmatch" => {
                arity(name, args, 1, 3)?;
                let t = text_arg(name, &args[0])?;
                let pos = opt_int(name, args, 1, 0)?;
                let endpos = opt_endpos(name, args, 2)?;
                let mode = match name {
                    "search" => Mode::Search,
                    "match" => Mode::Match,
                    _ => Mode::Full,
                };
                let spans = re.find(&t, pos, endpos, mode, &mut vm.meter())?;
                Ok(match_value(re, &t, spans, &mut CharIndex::new(&t)))
            }
            "findall" | "finditer" => {
                arity(name, args, 1, 3)?;
                let t = text_arg(name, &args[0])?;
                let pos = opt_int(name, args, 1, 0)?;
                let endpos = opt_endpos(name, args, 2)?;
                let (start, end) = bounds(&t, pos, endpos);
                if start > end {
                    return Ok(Value::array(Vec::new()));
                }
                let hay = &t.as_str()[..end];
                if name == "findall" {
                    let all = re.all(vm, hay, start, 0, re.groups > 0)?;
                    Ok(Value::array(findall_values(re, hay, &all)))
                } else {
                    let all = re.all(vm, hay, start, 0, true)?;
                    let mut index = CharIndex::new(&t);
                    Ok(Value::array(
                        all.into_iter()
                            .map(|spans| match_value(re, &t, Some(spans), &mut index))
                            .collect(),
                    ))
                }
            }
            "split" => {
                arity("split", args, 1, 2)?;
                let t = text_arg("split", &args[0])?;
                let maxsplit = opt_int("split", args, 1, 0)?;
                split_values(vm, re, t.as_str(), maxsplit)
            }
            "sub" | "subn" => {
                arity(name, args, 2, 3)?;
                let t = text_arg(name, &args[1])?;
                let count = opt_int(name, args, 2, 0)?;
                let (out, n) = substitute(vm, re, &args[0], &t, count)?;
                Ok(if name == "sub" {
                    Value::string(out)
                } else {
                    subn_object(out, n)
                })
            }
            "count" => {
                arity("count", args, 1, 1)?;
                let t = text_arg("count", &args[0])?;
                Ok(Value::Int(re.all(vm, t.as_str(), 0, 0, false)?.len() as i64))
            }
            "getPattern" => {
                arity("getPattern", args, 0, 0)?;
                Ok(Value::str(&re.source))
            }
            "getFlags" => {
                arity("getFlags", args, 0, 0)?;
                Ok(self.flags.clone())
            }
            "toString" => {
                arity("toString", args, 0, 0)?;
                Ok(Value::string(self.describe()))
            }
            _ => unreachable!("checked by call_method"),
        }
    }
}

host_object!(PatternObj, "Pattern", PATTERN_METHODS, |o| o.describe(), {
    fn get_property(&self, _vm: &mut Vm, name: &str) -> Option<Value> {
        match name {
            "pattern" => Some(Value::str(&self.re.source)),
            "flags" => Some(self.flags.clone()),
            _ => None,
        }
    }
});

pub struct MatchObj {
    re: Arc<Compiled>,
    text: Rc<MlStr>,
    /// Group spans in bytes.
    spans: Spans,
    /// The same spans in code points (what ML sees).
    chars: Spans,
}

const MATCH_METHODS: &[&str] = &[
    "group",
    "groups",
    "groupDict",
    "start",
    "end",
    "span",
    "value",
    "lastGroup",
    "groupCount",
    "expand",
    "toString",
];

impl MatchObj {
    fn text_of(&self, g: usize) -> Value {
        match self.spans.get(g).copied().flatten() {
            Some((s, e)) => Value::str(&self.text.as_str()[s..e]),
            None => Value::Null,
        }
    }

    /// Code-point span of group `g` (or `None` for a bad or unmatched group).
    fn char_span(&self, g: &Value) -> Option<(i64, i64)> {
        let i = self.re.group_index(g)?;
        let (s, e) = self.chars.get(i).copied().flatten()?;
        Some((s as i64, e as i64))
    }

    fn group_arg(args: &[Value]) -> Value {
        match args.first() {
            None | Some(Value::Null) => Value::Int(0),
            Some(v) => v.clone(),
        }
    }

    /// Python's `lastindex`: the matched group that closed last.
    fn last_index(&self) -> Option<usize> {
        let mut best: Option<(usize, (usize, usize))> = None;
        for (i, span) in self.spans.iter().enumerate().skip(1) {
            let Some((s, e)) = *span else { continue };
            best = match best {
                None => Some((i, (s, e))),
                Some((bi, (bs, be))) => {
                    // A later group closes later if it ends later, or ends
                    // at the same place after the earlier one (a sibling).
                    if e > be || (e == be && s >= be) {
                        Some((i, (s, e)))
                    } else {
                        Some((bi, (bs, be)))
                    }
                }
            };
        }
        best.map(|(i, _)| i)
    }

    fn describe(&self) -> String {
        let (s, e) = self.char_span(&Value::Int(0)).unwrap_or((-1, -1));
        let v = match self.text_of(0) {
            Value::Str(t) => py_repr_str(t.as_str()),
            _ => "None".into(),
        };
        format!("Match(value={v}, span=[{s}, {e}])")
    }

    fn call(&self, vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<Value> {
        match name {
            "group" => {
                if args.len() > 1 {
                    return Ok(Value::tuple(
                        args.iter()
                            .map(|g| match self.re.group_index(g) {
                                Some(i) => self.text_of(i),
                                None => Value::Null,
                            })
                            .collect(),
                    ));
                }
                Ok(match self.re.group_index(&Self::group_arg(args)) {
                    Some(i) => self.text_of(i),
                    None => Value::Null,
                })
            }
            "groups" => {
                arity("groups", args, 0, 1)?;
                let default = args.first().cloned().unwrap_or(Value::Null);
                Ok(Value::array(
                    (1..=self.re.groups)
                        .map(|i| match self.text_of(i) {
                            Value::Null => default.clone(),
                            v => v,
                        })
                        .collect(),
                ))
            }
            "groupDict" => {
                arity("groupDict", args, 0, 1)?;
                let default = args.first().cloned().unwrap_or(Value::Null);
                let mut o = Object::with_capacity(self.re.names.len());
                for (n, i) in &self.re.names {
                    let v = match self.text_of(*i) {
                        Value::Null => default.clone(),
                        v => v,
                    };
                    o.insert_str(n, v);
                }
                Ok(Value::object(o))
            }
            "start" | "end" | "span" => {
                arity(name, args, 0, 1)?;
                let span = self.char_span(&Self::group_arg(args));
                let (s, e) = span.unwrap_or((-1, -1));
                Ok(match name {
                    "start" => Value::Int(s),
                    "end" => Value::Int(e),
                    _ => Value::array(vec![Value::Int(s), Value::Int(e)]),
                })
            }
            "value" => {
                arity("value", args, 0, 0)?;
                Ok(self.text_of(0))
            }
            "lastGroup" => {
                arity("lastGroup", args, 0, 0)?;
                let Some(i) = self.last_index() else {
                    return Ok(Value::Null);
                };
                Ok(self
                    .re
                    .names
                    .iter()
                    .find(|(_, n)| *n == i)
                    .map(|(name, _)| Value::str(name))
                    .unwrap_or(Value::Null))
            }
            "groupCount" => {
                arity("groupCount", args, 0, 0)?;
                Ok(Value::Int(self.re.groups as i64))
            }
            "expand" => {
                arity("expand", args, 1, 1)?;
                let t = text_arg("expand", &args[0])?;
                let pieces = parse_template(t.as_str(), &self.re)
                    .map_err(|e| template_error(&self.re, e))?;
                let mut out = String::new();
                expand(&pieces, self.text.as_str(), &self.spans, &mut out);
                crate::native::args::check_len(vm, out.len())?;
                Ok(Value::string(out))
            }
            "toString" => {
                arity("toString", args, 0, 0)?;
                Ok(Value::string(self.describe()))
            }
            _ => unreachable!("checked by call_method"),
        }
    }
}

host_object!(MatchObj, "Match", MATCH_METHODS, |o| o.describe());

// ---- module functions ----

fn flags_at(name: &str, args: &[Value], i: usize) -> VmResult<i64> {
    opt_int(name, args, i, 0)
}

fn compile(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("compile", args, 1, 2)?;
    let flags = flags_at("compile", args, 1)?;
    let re = pattern_arg(vm, "compile", &args[0], flags)?;
    let flags = match args.get(1) {
        Some(v @ Value::Host(_)) => v.clone(),
        _ => Value::Int(flags),
    };
    Ok(Value::host(PatternObj { re, flags }))
}

fn test(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("test", args, 2, 3)?;
    let re = pattern_arg(vm, "test", &args[0], flags_at("test", args, 2)?)?;
    let t = text_arg("test", &args[1])?;
    Ok(Value::Bool(re.contains_match(t.as_str(), &mut vm.meter())?))
}

fn find_mode(vm: &Vm, name: &str, args: &[Value], mode: Mode) -> VmResult<Value> {
    arity(name, args, 2, 3)?;
    let re = pattern_arg(vm, name, &args[0], flags_at(name, args, 2)?)?;
    let t = text_arg(name, &args[1])?;
    let spans = re.find(&t, 0, None, mode, &mut vm.meter())?;
    Ok(match_value(&re, &t, spans, &mut CharIndex::new(&t)))
}

fn search(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    find_mode(vm, "search", args, Mode::Search)
}

fn match_(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    find_mode(vm, "match", args, Mode::Match)
}

fn fullmatch(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    find_mode(vm, "fullmatch", args, Mode::Full)
}

fn findall(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("findall", args, 2, 3)?;
    let re = pattern_arg(vm, "findall", &args[0], flags_at("findall", args, 2)?)?;
    let t = text_arg("findall", &args[1])?;
    let all = re.all(vm, t.as_str(), 0, 0, re.groups > 0)?;
    Ok(Value::array(findall_values(&re, t.as_str(), &all)))
}

fn finditer(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("finditer", args, 2, 3)?;
    let re = pattern_arg(vm, "finditer", &args[0], flags_at("finditer", args, 2)?)?;
    let t = text_arg("finditer", &args[1])?;
    let all = re.all(vm, t.as_str(), 0, 0, true)?;
    let mut index = CharIndex::new(&t);
    Ok(Value::array(
        all.into_iter()
            .map(|spans| match_value(&re, &t, Some(spans), &mut index))
            .collect(),
    ))
}

fn split(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("split", args, 2, 4)?;
    let re = pattern_arg(vm, "split", &args[0], flags_at("split", args, 3)?)?;
    let t = text_arg("split", &args[1])?;
    let maxsplit = opt_int("split", args, 2, 0)?;
    split_values(vm, &re, t.as_str(), maxsplit)
}

fn sub_common(vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<(String, usize)> {
    arity(name, args, 3, 5)?;
    let re = pattern_arg(vm, name, &args[0], flags_at(name, args, 4)?)?;
    let t = text_arg(name, &args[2])?;
    let count = opt_int(name, args, 3, 0)?;
    substitute(vm, &re, &args[1], &t, count)
}

fn sub(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let (out, _) = sub_common(vm, "sub", args)?;
    Ok(Value::string(out))
}

fn subn(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let (out, n) = sub_common(vm, "subn", args)?;
    Ok(subn_object(out, n))
}

fn count(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("count", args, 2, 3)?;
    let re = pattern_arg(vm, "count", &args[0], flags_at("count", args, 2)?)?;
    let t = text_arg("count", &args[1])?;
    Ok(Value::Int(re.all(vm, t.as_str(), 0, 0, false)?.len() as i64))
}

/// Python's `re.escape`.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "()[]{}?*+-|^$\\.&~# \t\n\r\u{b}\u{c}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn escape(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("escape", args, 1, 1)?;
    let t = text_arg("escape", &args[0])?;
    let meter = &mut vm.meter();
    let mut out = String::with_capacity(t.as_str().len());
    for piece in crate::text::pystr::chunks(t.as_str()) {
        meter.charge(crate::limits::byte_cost(piece.len()))?;
        out.push_str(&escape_text(piece));
    }
    crate::native::args::check_len(vm, out.len())?;
    Ok(Value::string(out))
}

fn is_valid(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("isValid", args, 1, 1)?;
    Ok(Value::Bool(match &args[0] {
        Value::Str(s) => match compile_cached(s.as_str(), 0, &mut vm.meter()) {
            Ok(_) => true,
            Err(e) if e.kind() == ErrorKind::ValueError => false,
            Err(e) => return Err(e),
        },
        _ => false,
    }))
}

/// Python's `re.RegexFlag`: an int that prints as `re.IGNORECASE`.
/// Arithmetic on it gives plain integers, as in Python
/// (`IGNORECASE() + MULTILINE()` is `10`).
pub struct RegexFlag(pub i64);

impl HostObject for RegexFlag {
    fn class_name(&self) -> &'static str {
        "RegexFlag"
    }
    fn call_method(&self, _vm: &mut Vm, _name: &str, _args: &[Value]) -> Option<VmResult<Value>> {
        None
    }
    fn method_names(&self) -> &'static [&'static str] {
        &[]
    }
    fn display(&self) -> String {
        let names: Vec<String> = FLAG_NAMES
            .iter()
            .filter(|(bit, _)| self.0 & bit != 0)
            .map(|(_, name)| format!("re.{name}"))
            .collect();
        if names.is_empty() {
            "re.NOFLAG".into()
        } else {
            names.join("|")
        }
    }
    fn int_value(&self) -> Option<i64> {
        Some(self.0)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

macro_rules! flag_fn {
    ($fname:ident, $name:literal, $value:expr) => {
        fn $fname(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
            arity($name, args, 0, 0)?;
            Ok(Value::host(RegexFlag($value)))
        }
    };
}

flag_fn!(flag_ignorecase, "IGNORECASE", IGNORECASE);
flag_fn!(flag_multiline, "MULTILINE", MULTILINE);
flag_fn!(flag_dotall, "DOTALL", DOTALL);
flag_fn!(flag_unicode, "UNICODE", UNICODE);
flag_fn!(flag_verbose, "VERBOSE", VERBOSE);
flag_fn!(flag_ascii, "ASCII", ASCII);

native_module! {
    name: "regex",
    doc: "regular expressions with Python re syntax and semantics",
    functions: {
        "compile" => compile, "(pattern, flags = 0): a Pattern (invalid patterns raise ValueError)";
        "test" => test, "(pattern, text, flags = 0): does the pattern occur in text";
        "search" => search, "(pattern, text, flags = 0): first Match or null";
        "match" => match_, "(pattern, text, flags = 0): Match at the start or null";
        "fullmatch" => fullmatch, "(pattern, text, flags = 0): Match of the whole text or null";
        "findall" => findall, "(pattern, text, flags = 0): matched strings (group texts or tuples with groups)";
        "finditer" => finditer, "(pattern, text, flags = 0): list of Match";
        "split" => split, "(pattern, text, maxsplit = 0, flags = 0): pieces between matches";
        "sub" => sub, "(pattern, replacement, text, count = 0, flags = 0): replaced text";
        "subn" => subn, "(pattern, replacement, text, count = 0, flags = 0): {result, count}";
        "count" => count, "(pattern, text, flags = 0): number of matches";
        "escape" => escape, "(text): text with regex metacharacters escaped";
        "isValid" => is_valid, "(pattern): does the pattern compile";
        "IGNORECASE" => flag_ignorecase, "(): flag 2";
        "MULTILINE" => flag_multiline, "(): flag 8";
        "DOTALL" => flag_dotall, "(): flag 16";
        "UNICODE" => flag_unicode, "(): flag 32";
        "VERBOSE" => flag_verbose, "(): flag 64";
        "ASCII" => flag_ascii, "(): flag 256";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    fn tr(p: &str) -> String {
        let t = translate(p, 0, false).unwrap();
        format!("{}{}", t.prefix, t.body)
    }

    fn bad(p: &str) -> String {
        translate(p, 0, false).unwrap_err()
    }

    #[test]
    fn translates_python_syntax() {
        assert_eq!(tr(r"a\Z"), r"a\z");
        assert_eq!(tr(r"(a)\1"), r"(a)\k<1>");
        assert_eq!(tr(r"(?P<x>a)(?P=x)"), r"(?P<x>a)\k<x>");
        assert_eq!(tr("[[]"), r"[\[]");
        assert_eq!(tr("[a&&b]"), r"[a\&\&b]");
        assert_eq!(tr("a{,2}"), "a{0,2}");
        assert_eq!(tr("x{"), r"x\{");
        assert_eq!(tr(r"\0\101"), r"\x{0}A");
        assert_eq!(tr("(?i)ab"), "(?i)ab");
        assert_eq!(tr("(?x) a b # c\n c [ ]"), r"abc[\x{20}]");
        assert_eq!(tr("(?#note)a"), "a");
        assert_eq!(tr("a$"), r"a\z");
        assert_eq!(translate("a$", 0, true).unwrap().body, r"a(?=\n?\z)");
        assert_eq!(tr("(?m)a$"), "(?m)a$");
        assert_eq!(tr(r"[\b]"), r"[\x{8}]");
    }

    #[test]
    fn python_errors() {
        assert_eq!(bad("("), "missing ), unterminated subpattern at position 0");
        assert_eq!(bad(")"), "unbalanced parenthesis at position 0");
        assert_eq!(bad(r"\q"), r"bad escape \q at position 0");
        assert_eq!(bad(r"(a)\2"), "invalid group reference 2 at position 4");
        assert_eq!(bad(r"(a\1)"), "cannot refer to an open group at position 2");
        assert_eq!(bad(r"[\d-z]"), r"bad character range \d-z at position 1");
        assert_eq!(
            bad("a{2,1}"),
            "min repeat greater than max repeat at position 2"
        );
        assert_eq!(
            bad("(?i)a(?m)b"),
            "global flags not at the start of the expression at position 5"
        );
        assert_eq!(bad("[a"), "unterminated character set at position 0");
    }

    #[test]
    fn escape_like_python() {
        assert_eq!(
            escape_text("Price: $5.99 a_b é\n#&~"),
            "Price:\\ \\$5\\.99\\ a_b\\ é\\\n\\#\\&\\~"
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_patterns_never_panic(p in "\\PC{0,20}", t in "\\PC{0,12}") {
            if let Ok(c) = Compiled::new(&p, 0).map(Arc::new) {
                let _ = c.find(&MlStr::new(t.as_str()), 0, None, Mode::Search, &mut Meter::unlimited());
                let _ = c.all_with(&t, 0, 0, true, &mut Meter::unlimited());
            }
            let re = Compiled::new("(a)(?P<n>b)?", 0).unwrap();
            let _ = parse_template(&p, &re);
        }

        #[test]
        fn regex_like_patterns_never_panic(
            p in "[ab()\\[\\]{}?*+|^$\\\\.,0-9PgdwsZAbBxu<>=!:#-]{0,16}",
            t in "[ab\n é😀]{0,10}",
            flags in 0i64..512,
            pos in -3i64..14,
            end in -3i64..14,
        ) {
            if let Ok(c) = Compiled::new(&p, flags & !LOCALE & !UNICODE).map(Arc::new) {
                let text = MlStr::new(t.as_str());
                for mode in [Mode::Search, Mode::Match, Mode::Full] {
                    if let Ok(Some(spans)) = c.find(&text, pos, Some(end), mode, &mut Meter::unlimited()) {
                        for (s, e) in spans.into_iter().flatten() {
                            proptest::prop_assert!(t.is_char_boundary(s) && t.is_char_boundary(e) && s <= e);
                        }
                    }
                }
                let _ = c.all_with(&t, 0, 0, true, &mut Meter::unlimited());
            }
        }

        /// A search in windows finds exactly what one search of the whole
        /// text finds, groups included (windows of a few bytes here).
        #[test]
        fn windowed_search_is_exact(
            p in proptest::collection::vec(
                proptest::sample::select(vec!["a", "b", "ab", "é", "[ab]", "a{1,3}", "b?", r"\b", "$", ".", "|", "(?:a|ab)", "(b)"]),
                1..4,
            ).prop_map(|v: Vec<&str>| v.concat()),
            t in "(aab|ab|a|b|é|\n| |  |   ){0,40}",
            flags in proptest::sample::select(vec![0i64, IGNORECASE, MULTILINE, DOTALL]),
            pos in 0usize..8,
            window in 4usize..24,
        ) {
            if let Ok(c) = Compiled::new(&p, flags & !LOCALE & !UNICODE & !VERBOSE) {
                let pos = floor_boundary(&t, pos);
                let nl = c.ends_in_newline(&t);
                let meter = &mut Meter::unlimited();
                if let (Ok(re), Some(l)) = (c.regex(Kind::Search, nl, meter), c.max_len(nl)) {
                    let whole = c.run(re, &t, pos, t.len(), true);
                    let windowed = c.windowed(re, &t, pos, true, l, window, meter);
                    if let (Ok(a), Ok(b)) = (whole, windowed) {
                        proptest::prop_assert_eq!(a, b);
                    }
                }
            }
        }
    }

    #[test]
    fn max_len_of_plain_patterns() {
        let c = Compiled::new("a|b[ab]", 0).unwrap();
        assert_eq!(c.max_len(false), Some(2), "{} {}", c.prefix, c.body);
        assert_eq!(Compiled::new("a+", 0).unwrap().max_len(false), None);
        // A match cut by a window's end is not taken.
        let c = Compiled::new("xab|a", 0).unwrap();
        let re = c
            .regex(Kind::Search, false, &mut Meter::unlimited())
            .unwrap();
        let t = "........xab";
        assert_eq!(
            c.run(re, t, 0, 10, false).unwrap(),
            Some(vec![Some((9, 10))])
        );
        let w = c.windowed(re, t, 0, false, 3, 10, &mut Meter::unlimited());
        assert_eq!(w.unwrap(), Some(vec![Some((8, 11))]));
    }

    #[test]
    fn templates() {
        let re = Compiled::new("(?P<w>a)(b)?", 0).unwrap();
        let p = parse_template(r"\g<w>-\2-\g<1>\n\\\-", &re).unwrap();
        let mut out = String::new();
        expand(&p, "a", &vec![Some((0, 1)), Some((0, 1)), None], &mut out);
        assert_eq!(out, "a--a\n\\\\-");
        assert!(parse_template(r"\3", &re).is_err());
        assert!(parse_template(r"\q", &re).is_err());
        assert!(parse_template(r"\g<nope>", &re).is_err());
    }
}
