//! `json`: parsing and serialising JSON the way mlpy's Python `json` did.
//!
//! Parsing keeps integers exact (big ones too) and floats as floats
//! (`1.0` stays `1.0`), accepts Python's `NaN`/`Infinity`/`-Infinity`, and
//! reports errors with Python's messages ("JSON parsing failed: Expecting
//! value: line 1 column 1 (char 0)"). Serialising follows `json.dumps`:
//! separators `", "` and `": "`, `ensure_ascii` escapes (`\u00e9`,
//! surrogate pairs above U+FFFF), tuples as arrays, int/float/bool/null keys
//! converted to strings, `NaN`/`Infinity` for non-finite floats.

use crate::error::{ErrorKind, MlError, VmResult};
use crate::limits::{byte_cost, Meter};
use crate::native::args::arity;
use crate::native::native_module;
use crate::text::pyfloat::float_repr;
use crate::value::{Key, Object, Value};
use crate::vm::Vm;
use num_bigint::BigInt;
use std::fmt::Write;

/// Containers nested deeper than this are rejected (parse and stringify)
/// instead of overflowing the native stack.
const MAX_NESTING: usize = 1000;

/// `safeParse` never allows more than this depth.
const SAFE_DEPTH: i64 = 100;

// ---- parsing ----

struct ParseError {
    msg: String,
    /// Byte offset into the text.
    at: usize,
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    /// Depth of the deepest value seen (top-level value = 0).
    deepest: usize,
    /// Charged one unit per value (and per 16 bytes of string).
    meter: Meter<'a>,
    /// Why the meter stopped the parse (Timeout, Cancelled).
    stopped: Option<MlError>,
}

fn perr<T>(msg: impl Into<String>, at: usize) -> Result<T, ParseError> {
    Err(ParseError {
        msg: msg.into(),
        at,
    })
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, meter: Meter<'a>) -> Parser<'a> {
        Parser {
            text,
            b: text.as_bytes(),
            i: 0,
            deepest: 0,
            meter,
            stopped: None,
        }
    }

    fn charge(&mut self, cost: usize) -> Result<(), ParseError> {
        match self.meter.charge(cost) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.stopped = Some(e);
                perr("stopped", self.i)
            }
        }
    }

    fn skip_ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn starts_with(&self, lit: &str) -> bool {
        self.b[self.i..].starts_with(lit.as_bytes())
    }

    fn parse_document(&mut self) -> Result<Value, ParseError> {
        self.skip_ws();
        let v = self.parse_value(0)?;
        self.skip_ws();
        if self.i < self.b.len() {
            return perr("Extra data", self.i);
        }
        Ok(v)
    }

    fn parse_value(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > self.deepest {
            self.deepest = depth;
        }
        self.charge(1)?;
        let Some(&c) = self.b.get(self.i) else {
            return perr("Expecting value", self.i);
        };
        match c {
            b'"' => {
                let s = self.parse_string()?;
                self.charge(byte_cost(s.len()))?;
                Ok(Value::string(s))
            }
            b'{' => self.parse_object(depth),
            b'[' => self.parse_array(depth),
            b'n' if self.starts_with("null") => {
                self.i += 4;
                Ok(Value::Null)
            }
            b't' if self.starts_with("true") => {
                self.i += 4;
                Ok(Value::Bool(true))
            }
            b'f' if self.starts_with("false") => {
                self.i += 5;
                Ok(Value::Bool(false))
            }
            b'N' if self.starts_with("NaN") => {
                self.i += 3;
                Ok(Value::Float(f64::NAN))
            }
            b'I' if self.starts_with("Infinity") => {
                self.i += 8;
                Ok(Value::Float(f64::INFINITY))
            }
            b'-' if self.starts_with("-Infinity") => {
                self.i += 9;
                Ok(Value::Float(f64::NEG_INFINITY))
            }
            b'-' | b'0'..=b'9' => self.parse_number(),
            _ => perr("Expecting value", self.i),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    /// `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`, as Python's scanner.
    fn parse_number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return perr("Expecting value", start),
        }
        let mut is_float = false;
        if self.b.get(self.i) == Some(&b'.')
            && self.b.get(self.i + 1).is_some_and(u8::is_ascii_digit)
        {
            self.i += 1;
            self.digits();
            is_float = true;
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            let save = self.i;
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                self.i = save;
            } else {
                is_float = true;
            }
        }
        let text = &self.text[start..self.i];
        if is_float {
            return Ok(Value::Float(text.parse::<f64>().unwrap_or(f64::NAN)));
        }
        // Python's limit on integer text (decimal conversion is quadratic).
        let digits = text.trim_start_matches('-').len();
        let max = crate::syntax::MAX_INT_DIGITS;
        if digits > max {
            return perr(
                format!(
                    "Exceeds the limit ({max} digits) for integer string conversion: value has {digits} digits"
                ),
                start,
            );
        }
        match text.parse::<i64>() {
            Ok(i) => Ok(Value::Int(i)),
            Err(_) => Ok(Value::from_big(text.parse::<BigInt>().unwrap_or_default())),
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let h = self.b.get(at..at + 4)?;
        let s = std::str::from_utf8(h).ok()?;
        if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(s, 16).ok()
    }

    fn parse_string(&mut self) -> Result<String, ParseError> {
        let open = self.i;
        self.i += 1;
        let mut out = String::new();
        let mut seg = self.i;
        loop {
            let Some(&c) = self.b.get(self.i) else {
                return perr("Unterminated string starting at", open);
            };
            match c {
                b'"' => {
                    out.push_str(&self.text[seg..self.i]);
                    self.i += 1;
                    return Ok(out);
                }
                0..=0x1f => return perr("Invalid control character at", self.i),
                b'\\' => {
                    out.push_str(&self.text[seg..self.i]);
                    let esc_at = self.i;
                    let Some(&e) = self.b.get(self.i + 1) else {
                        return perr("Unterminated string starting at", open);
                    };
                    self.i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let Some(hi) = self.hex4(self.i) else {
                                return perr("Invalid \\uXXXX escape", esc_at + 1);
                            };
                            self.i += 4;
                            let mut cp = hi;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                if let Some(lo) = self.hex4(self.i + 2) {
                                    if (0xDC00..0xE000).contains(&lo) {
                                        cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                        self.i += 6;
                                    }
                                }
                            }
                            // Lone surrogates cannot live in a Rust string.
                            out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            let ch = self.text[esc_at + 1..].chars().next().unwrap_or('?');
                            return perr(
                                format!(
                                    "Invalid \\escape: {}",
                                    crate::text::pystr::py_repr_str(&ch.to_string())
                                ),
                                esc_at,
                            );
                        }
                    }
                    seg = self.i;
                    self.charge(1)?;
                }
                _ => self.i += 1,
            }
        }
    }

    fn enter(&self, depth: usize) -> Result<(), ParseError> {
        if depth >= MAX_NESTING {
            return perr(format!("nesting deeper than {MAX_NESTING} levels"), self.i);
        }
        Ok(())
    }

    /// Steps past the opening bracket; true when `close` follows at once
    /// (an empty array or object).
    fn open(&mut self, depth: usize, close: u8) -> Result<bool, ParseError> {
        self.enter(depth)?;
        self.i += 1;
        self.skip_ws();
        let empty = self.b.get(self.i) == Some(&close);
        if empty {
            self.i += 1;
        }
        Ok(empty)
    }

    /// After an item: true at `close` (the end), false at a `,`.
    fn item_end(&mut self, close: u8) -> Result<bool, ParseError> {
        self.skip_ws();
        match self.b.get(self.i) {
            Some(&b) if b == close => {
                self.i += 1;
                Ok(true)
            }
            Some(b',') => {
                self.i += 1;
                Ok(false)
            }
            _ => perr("Expecting ',' delimiter", self.i),
        }
    }

    fn parse_array(&mut self, depth: usize) -> Result<Value, ParseError> {
        let mut items = Vec::new();
        if !self.open(depth, b']')? {
            loop {
                self.skip_ws();
                items.push(self.parse_value(depth + 1)?);
                if self.item_end(b']')? {
                    break;
                }
            }
        }
        Ok(Value::array(items))
    }

    fn parse_object(&mut self, depth: usize) -> Result<Value, ParseError> {
        let mut obj = Object::new();
        if self.open(depth, b'}')? {
            return Ok(Value::object(obj));
        }
        loop {
            self.skip_ws();
            if self.b.get(self.i) != Some(&b'"') {
                return perr("Expecting property name enclosed in double quotes", self.i);
            }
            let key = self.parse_string()?;
            self.skip_ws();
            if self.b.get(self.i) != Some(&b':') {
                return perr("Expecting ':' delimiter", self.i);
            }
            self.i += 1;
            self.skip_ws();
            let v = self.parse_value(depth + 1)?;
            obj.insert_str(&key, v);
            if self.item_end(b'}')? {
                return Ok(Value::object(obj));
            }
        }
    }
}

/// Python's JSONDecodeError text: `msg: line L column C (char P)`.
fn describe(text: &str, e: &ParseError) -> String {
    let at = e.at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let pos = before.chars().count();
    let line = before.matches('\n').count() + 1;
    let col = match before.rfind('\n') {
        Some(nl) => before[nl + 1..].chars().count() + 1,
        None => pos + 1,
    };
    format!("{}: line {line} column {col} (char {pos})", e.msg)
}

const FAILED: &str = "JSON parsing failed: ";

/// Parses JSON text; returns the value and the depth of its deepest value.
pub fn parse_text(text: &str) -> Result<(Value, usize), String> {
    parse_metered(text, Meter::unlimited()).map_err(|e| {
        let m = e.message();
        m.strip_prefix(FAILED).unwrap_or(m).to_string()
    })
}

/// [`parse_text`] charging `meter` as it goes; a syntax error is a
/// ValueError ("JSON parsing failed: ..."), a stop is Timeout/Cancelled.
fn parse_metered<'a>(text: &'a str, meter: Meter<'a>) -> VmResult<(Value, usize)> {
    let mut p = Parser::new(text, meter);
    match p.parse_document() {
        Ok(v) => Ok((v, p.deepest)),
        Err(e) => Err(match p.stopped.take() {
            Some(stop) => stop,
            None => MlError::value_error(format!("{FAILED}{}", describe(text, &e))),
        }),
    }
}

fn text_arg(v: &Value) -> VmResult<&str> {
    match v {
        Value::Str(s) => Ok(s.as_str()),
        other => Err(MlError::value_error(format!(
            "JSON parsing failed: the JSON object must be str, bytes or bytearray, not {}",
            other.kind_name()
        ))),
    }
}

fn parse(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("parse", args, 1, 1)?;
    let text = text_arg(&args[0])?;
    parse_metered(text, vm.meter()).map(|(v, _)| v)
}

fn safe_parse(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("safeParse", args, 1, 2)?;
    let text = text_arg(&args[0])?;
    let max_depth = match args.get(1) {
        None | Some(Value::Null) => SAFE_DEPTH,
        Some(v) => crate::native::args::int_arg("safeParse", v)?.min(SAFE_DEPTH),
    };
    let (v, deepest) = parse_metered(text, vm.meter())?;
    if deepest as i64 > max_depth {
        return Err(MlError::value_error(format!(
            "JSON object depth exceeds maximum allowed ({max_depth})"
        )));
    }
    Ok(v)
}

fn validate(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("validate", args, 1, 1)?;
    Ok(Value::Bool(match &args[0] {
        Value::Str(s) => match parse_metered(s.as_str(), vm.meter()) {
            Ok(_) => true,
            Err(e) if e.kind().is_catchable() => false,
            Err(stop) => return Err(stop),
        },
        _ => false,
    }))
}

// ---- serialising ----

struct Writer<'m> {
    out: String,
    /// Charged one unit per value (and per 16 bytes of string).
    meter: Meter<'m>,
    /// Indentation unit for pretty output; `None` = one line.
    indent: Option<String>,
    /// Containers being written (cycle detection).
    stack: Vec<usize>,
    max_len: usize,
}

fn ser_error(msg: impl std::fmt::Display) -> MlError {
    MlError::value_error(format!("JSON serialization failed: {msg}"))
}

/// `s` as a JSON string literal with Python's `ensure_ascii` escaping.
pub fn write_json_str(out: &mut String, s: &str, meter: &mut Meter) -> VmResult<()> {
    out.push('"');
    for piece in crate::text::pystr::chunks(s) {
        // Escaping costs more than a copy: a `\uXXXX` per character.
        meter.charge(1 + byte_cost(piece.len()) * 4)?;
        escape_into(out, piece);
    }
    out.push('"');
    Ok(())
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let cp = c as u32;
                if cp > 0xFFFF {
                    let v = cp - 0x10000;
                    let _ = write!(
                        out,
                        "\\u{:04x}\\u{:04x}",
                        0xD800 + (v >> 10),
                        0xDC00 + (v & 0x3FF)
                    );
                } else {
                    let _ = write!(out, "\\u{cp:04x}");
                }
            }
        }
    }
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        float_repr(f)
    }
}

impl Writer<'_> {
    fn check_size(&self) -> VmResult<()> {
        if self.out.len() > self.max_len {
            return Err(MlError::new(
                ErrorKind::MemoryError,
                format!("JSON text exceeds the limit of {} bytes", self.max_len),
            ));
        }
        Ok(())
    }

    fn newline(&mut self, level: usize) {
        if let Some(unit) = &self.indent {
            self.out.push('\n');
            for _ in 0..level {
                self.out.push_str(unit);
            }
        }
    }

    fn item_sep(&mut self, level: usize) {
        if self.indent.is_some() {
            self.out.push(',');
            self.newline(level);
        } else {
            self.out.push_str(", ");
        }
    }

    fn enter(&mut self, v: &Value) -> VmResult<()> {
        let ptr = v.heap_ptr().unwrap_or(0);
        if self.stack.contains(&ptr) {
            return Err(ser_error("Circular reference detected"));
        }
        if self.stack.len() >= MAX_NESTING {
            return Err(ser_error(format!(
                "nesting deeper than {MAX_NESTING} levels"
            )));
        }
        self.stack.push(ptr);
        Ok(())
    }

    fn write_key(&mut self, k: &Key) -> VmResult<()> {
        match k {
            Key::Str(s) => write_json_str(&mut self.out, s.as_str(), &mut self.meter)?,
            Key::Int(i) => {
                let _ = write!(self.out, "\"{i}\"");
            }
            Key::Big(b) => {
                let _ = write!(self.out, "\"{b}\"");
            }
            Key::Bool(b) => self.out.push_str(if *b { "\"true\"" } else { "\"false\"" }),
            Key::Null => self.out.push_str("\"null\""),
            Key::Float(f) => {
                let _ = write!(self.out, "\"{}\"", float_text(*f));
            }
            Key::Tuple(_) => {
                return Err(ser_error(
                    "keys must be str, int, float, bool or None, not tuple",
                ))
            }
        }
        Ok(())
    }

    /// A container: `open`, each item through `each` (separated and
    /// indented), `close`; just `open` and `close` when it is empty.
    fn write_container<T>(
        &mut self,
        v: &Value,
        level: usize,
        [open, close]: [char; 2],
        items: impl Iterator<Item = T>,
        mut each: impl FnMut(&mut Self, T) -> VmResult<()>,
    ) -> VmResult<()> {
        let mut items = items.peekable();
        if items.peek().is_none() {
            self.out.push(open);
            self.out.push(close);
            return Ok(());
        }
        self.enter(v)?;
        self.out.push(open);
        self.newline(level + 1);
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.item_sep(level + 1);
            }
            each(self, item)?;
        }
        self.newline(level);
        self.out.push(close);
        self.stack.pop();
        Ok(())
    }

    fn write_seq(&mut self, v: &Value, items: &[Value], level: usize) -> VmResult<()> {
        self.write_container(v, level, ['[', ']'], items.iter(), |w, item| {
            w.write(item, level + 1)
        })
    }

    fn write(&mut self, v: &Value, level: usize) -> VmResult<()> {
        self.meter.charge(1)?;
        match v {
            Value::Null | Value::Undef => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            Value::Big(b) => {
                let _ = write!(self.out, "{b}");
            }
            Value::Float(f) => self.out.push_str(&float_text(*f)),
            Value::Str(s) => write_json_str(&mut self.out, s.as_str(), &mut self.meter)?,
            Value::Array(a) => {
                // Serialising calls no ML code, so holding the borrow is safe.
                let items = a.borrow();
                self.write_seq(v, &items, level)?;
            }
            Value::Tuple(t) => self.write_seq(v, t, level)?,
            Value::Object(o) => {
                let entries = o.borrow();
                self.write_container(v, level, ['{', '}'], entries.iter(), |w, (k, item)| {
                    w.write_key(k)?;
                    w.out.push_str(": ");
                    w.write(item, level + 1)
                })?;
            }
            Value::Cell(c) => {
                let inner = c.borrow().clone();
                self.write(&inner, level)?;
            }
            Value::Host(h) if h.0.int_value().is_some() => {
                let _ = write!(self.out, "{}", h.0.int_value().unwrap_or(0));
            }
            other => {
                return Err(ser_error(format!(
                    "Object of type {} is not JSON serializable",
                    other.kind_name()
                )))
            }
        }
        self.check_size()
    }
}

/// Python `json.dumps(v)` (or with `indent`).
pub fn to_json_text(
    v: &Value,
    indent: Option<String>,
    max_len: usize,
    meter: Meter,
) -> VmResult<String> {
    let mut w = Writer {
        out: String::new(),
        meter,
        indent,
        stack: Vec::new(),
        max_len,
    };
    w.write(v, 0)?;
    Ok(w.out)
}

fn stringify(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("stringify", args, 1, 1)?;
    Ok(Value::string(to_json_text(
        &args[0],
        None,
        vm.limits.max_len,
        vm.meter(),
    )?))
}

fn pretty_print(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("prettyPrint", args, 1, 2)?;
    let indent = match args.get(1) {
        None => Some("    ".to_string()),
        Some(Value::Null) => None,
        Some(Value::Str(s)) => Some(s.as_str().to_string()),
        Some(v @ (Value::Int(_) | Value::Bool(_))) => {
            let n = v.as_int().unwrap_or(0).clamp(0, 1000) as usize;
            Some(" ".repeat(n))
        }
        Some(other) => {
            return Err(MlError::type_error(format!(
                "prettyPrint() indent must be an integer or a string, not {}",
                other.kind_name()
            )))
        }
    };
    Ok(Value::string(to_json_text(
        &args[0],
        indent,
        vm.limits.max_len,
        vm.meter(),
    )?))
}

// ---- predicates and object helpers ----

fn pred(name: &str, args: &[Value], f: fn(&Value) -> bool) -> VmResult<Value> {
    arity(name, args, 1, 1)?;
    Ok(Value::Bool(f(&args[0])))
}

fn is_object(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    pred("isObject", args, |v| matches!(v, Value::Object(_)))
}

fn is_array(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    pred("isArray", args, |v| matches!(v, Value::Array(_)))
}

fn is_string(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    pred("isString", args, |v| matches!(v, Value::Str(_)))
}

fn is_number(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    pred("isNumber", args, |v| {
        matches!(v, Value::Int(_) | Value::Float(_) | Value::Big(_))
    })
}

fn is_boolean(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    pred("isBoolean", args, |v| matches!(v, Value::Bool(_)))
}

fn is_null(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    pred("isNull", args, |v| matches!(v, Value::Null))
}

fn keys(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("keys", args, 1, 1)?;
    Ok(Value::array(match &args[0] {
        Value::Object(_) => crate::vm::iter::collect(&args[0], usize::MAX, &mut vm.meter())?,
        _ => Vec::new(),
    }))
}

fn values(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("values", args, 1, 1)?;
    Ok(Value::array(match &args[0] {
        Value::Object(o) => crate::vm::iter::object_values(o, &mut vm.meter())?,
        _ => Vec::new(),
    }))
}

fn has_key(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("hasKey", args, 2, 2)?;
    Ok(Value::Bool(match &args[0] {
        Value::Object(o) => {
            if let Value::Str(s) = &args[1] {
                o.borrow().get_str(s.as_str()).is_some()
            } else {
                o.borrow().get(&Key::from_value(&args[1])?).is_some()
            }
        }
        _ => false,
    }))
}

fn get(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("get", args, 2, 3)?;
    let default = args.get(2).cloned().unwrap_or(Value::Null);
    Ok(match &args[0] {
        Value::Object(o) => {
            let o = o.borrow();
            let found = if let Value::Str(s) = &args[1] {
                o.get_str(s.as_str()).cloned()
            } else {
                o.get(&Key::from_value(&args[1])?).cloned()
            };
            found.unwrap_or(default)
        }
        _ => default,
    })
}

fn merge(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("merge", args, 2, 2)?;
    let mut out = Object::new();
    for (i, v) in args.iter().enumerate() {
        match v {
            Value::Object(o) => {
                // Copying runs no ML code: holding the borrow is safe.
                for (k, x) in o.borrow().iter() {
                    vm.charge(2)?;
                    out.insert(k.clone(), x.clone());
                }
            }
            other => {
                return Err(MlError::type_error(format!(
                    "merge() argument {} must be an object, not {}",
                    i + 1,
                    other.kind_name()
                )))
            }
        }
    }
    Ok(Value::object(out))
}

native_module! {
    name: "json",
    doc: "JSON parsing and serialisation (Python json semantics)",
    functions: {
        "parse" => parse, "(text): value from JSON text (ints stay ints)";
        "safeParse" => safe_parse, "(text, max_depth = 100): parse with a depth limit (at most 100)";
        "validate" => validate, "(text): is the text valid JSON";
        "stringify" => stringify, "(value): JSON text, Python style";
        "prettyPrint" => pretty_print, "(value, indent = 4): indented JSON text";
        "isObject" => is_object, "(value): is it an object";
        "isArray" => is_array, "(value): is it an array";
        "isString" => is_string, "(value): is it a string";
        "isNumber" => is_number, "(value): is it a number (booleans excluded)";
        "isBoolean" => is_boolean, "(value): is it a boolean";
        "isNull" => is_null, "(value): is it null";
        "keys" => keys, "(obj): the object's keys ([] for non-objects)";
        "values" => values, "(obj): the object's values ([] for non-objects)";
        "hasKey" => has_key, "(obj, key): does the object have the key";
        "get" => get, "(obj, key, default = null): value of key or default";
        "merge" => merge, "(a, b): new object with the entries of a, then b";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::py_repr;

    fn round_trip(text: &str) -> String {
        let (v, _) = parse_text(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        to_json_text(&v, None, usize::MAX, Meter::unlimited()).unwrap()
    }

    #[test]
    fn parses_like_python() {
        assert_eq!(
            round_trip(r#"{"a":1,"b":[true,null,1.0,-0.5e3]}"#),
            r#"{"a": 1, "b": [true, null, 1.0, -500.0]}"#
        );
        assert_eq!(
            round_trip("123456789012345678901234567890"),
            "123456789012345678901234567890"
        );
        assert_eq!(
            round_trip("[NaN, Infinity, -Infinity]"),
            "[NaN, Infinity, -Infinity]"
        );
        assert_eq!(
            round_trip(r#""\ud83d\ude00 \u00e9""#),
            r#""\ud83d\ude00 \u00e9""#
        );
        assert_eq!(round_trip(r#"{"a": 1, "a": 2}"#), r#"{"a": 2}"#);
        let (v, d) = parse_text("[[1], {\"a\": [2]}]").unwrap();
        assert_eq!(d, 3);
        assert_eq!(py_repr(&v), "[[1], {'a': [2]}]");
    }

    #[test]
    fn python_error_messages() {
        let e = |t: &str| parse_text(t).unwrap_err();
        assert_eq!(e(""), "Expecting value: line 1 column 1 (char 0)");
        assert_eq!(
            e("{\"a\" 1}"),
            "Expecting ':' delimiter: line 1 column 6 (char 5)"
        );
        assert_eq!(
            e("[1 2]"),
            "Expecting ',' delimiter: line 1 column 4 (char 3)"
        );
        assert_eq!(
            e("{'a': 1}"),
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
        );
        assert_eq!(e("[1]\n x"), "Extra data: line 2 column 2 (char 5)");
        assert_eq!(
            e("\"abc"),
            "Unterminated string starting at: line 1 column 1 (char 0)"
        );
        assert_eq!(
            e("\"a\\qb\""),
            "Invalid \\escape: 'q': line 1 column 3 (char 2)"
        );
        assert_eq!(e("[1,]"), "Expecting value: line 1 column 4 (char 3)");
        assert_eq!(e("01"), "Extra data: line 1 column 2 (char 1)");
        assert!(e(&"[".repeat(5000)).contains("nesting"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(t in "\\PC{0,40}") {
            let _ = parse_text(&t);
        }

        #[test]
        fn jsonish_text_round_trips(t in "[\\[\\]{}\",:0-9.eE+\\-a-z\\\\ é]{0,30}") {
            if let Ok((v, _)) = parse_text(&t) {
                let text = to_json_text(&v, None, usize::MAX, Meter::unlimited()).unwrap();
                let (again, _) = parse_text(&text).unwrap();
                proptest::prop_assert_eq!(to_json_text(&again, None, usize::MAX, Meter::unlimited()).unwrap(), text);
            }
        }
    }

    #[test]
    fn cycles_and_depth_are_errors() {
        let a = Value::array(vec![]);
        if let Value::Array(rc) = &a {
            rc.borrow_mut().push(a.clone());
        }
        let err = to_json_text(&a, None, usize::MAX, Meter::unlimited()).unwrap_err();
        assert!(err.message().contains("Circular"));
        if let Value::Array(rc) = &a {
            rc.borrow_mut().clear();
        }
        let mut deep = Value::Int(1);
        for _ in 0..5000 {
            deep = Value::array(vec![deep]);
        }
        assert!(to_json_text(&deep, None, usize::MAX, Meter::unlimited()).is_err());
    }
}
