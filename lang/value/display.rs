//! Python-compatible text forms of values (section 4.2): `str()` and
//! `repr()` as mlpy printed them, plus ML's `str`/`print` rule that shows a
//! top-level boolean as `true`/`false`.

use super::{Key, Value};
use crate::error::{ErrorKind, MlError, VmResult};
use crate::limits::Meter;
use crate::text::pyfloat::float_repr;
use crate::text::pystr::py_repr_str;
use std::fmt::Write;

/// Nesting beyond this prints as `...` instead of recursing further.
const MAX_DEPTH: usize = 200;

/// Longest text the infallible forms ([`py_str`], [`py_repr`]) build before
/// they cut the rest to `...` (error messages, host data); the default
/// string limit, so only text that could not be a string anyway is cut.
const DISPLAY_CAP: usize = 32 << 20;

/// Python `str(v)`: what `console.log` and string concatenation show.
/// Cut at 32 MiB; program output uses [`try_display`].
pub fn py_str(v: &Value) -> String {
    match v {
        Value::Str(s) => s.as_str().to_string(),
        Value::Error(e) => e.error.message().to_string(),
        _ => py_repr(v),
    }
}

/// ML `str(v)` / `print(v)`: like [`py_str`] but top-level booleans are
/// `true`/`false`.
pub fn ml_str(v: &Value) -> String {
    match v {
        Value::Bool(true) => "true".into(),
        Value::Bool(false) => "false".into(),
        _ => py_str(v),
    }
}

/// Python `repr(v)`: strings quoted; containers show their items this way.
/// Cut at 32 MiB (a value shared many times over can print as
/// gigabytes); program output uses [`try_display`].
pub fn py_repr(v: &Value) -> String {
    let mut meter = Meter::unlimited();
    let mut r = Repr::new(DISPLAY_CAP, &mut meter);
    r.write(v);
    let mut out = r.out;
    if r.stopped.is_some() {
        let mut cut = DISPLAY_CAP.min(out.len());
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("...");
    }
    out
}

/// The text forms as program output: `Style::Str` is [`py_str`],
/// `Style::Ml` [`ml_str`], `Style::Repr` [`py_repr`], built whole or not at
/// all: a MemoryError past `max_len` bytes, Timeout/Cancelled when the
/// meter says the run must stop.
pub fn try_display(v: &Value, style: Style, max_len: usize, meter: &mut Meter) -> VmResult<String> {
    match (style, v) {
        (Style::Ml, Value::Bool(b)) => return Ok(if *b { "true" } else { "false" }.into()),
        (Style::Str | Style::Ml, Value::Str(s)) => return Ok(s.as_str().to_string()),
        (Style::Str | Style::Ml, Value::Error(e)) => return Ok(e.error.message().to_string()),
        // `str(i)` in loops: what `Repr::write` does for an integer (one
        // unit of fuel, no length check before the first item), without
        // the formatting machinery.
        (_, Value::Int(i)) => {
            meter.charge(1)?;
            return Ok(itoa::Buffer::new().format(*i).to_owned());
        }
        _ => {}
    }
    let mut r = Repr::new(max_len, meter);
    r.write(v);
    match r.stopped {
        None => Ok(r.out),
        Some(Stop::TooLong) => Err(MlError::new(
            ErrorKind::MemoryError,
            format!("text form of the value exceeds the limit of {max_len} bytes"),
        )),
        Some(Stop::Interrupted(e)) => Err(e),
    }
}

/// Which text form [`try_display`] builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `str(v)`, as Python.
    Str,
    /// ML's own form (`true`/`false`/`null`), as `print` shows values.
    Ml,
    /// `repr(v)`, as Python.
    Repr,
}

enum Stop {
    TooLong,
    Interrupted(MlError),
}

/// A bounded, metered writer of `repr` text.
struct Repr<'a, 'm> {
    out: String,
    /// Containers being printed (cycles print as `[...]`).
    stack: Vec<usize>,
    limit: usize,
    meter: &'a mut Meter<'m>,
    stopped: Option<Stop>,
}

impl<'a, 'm> Repr<'a, 'm> {
    fn new(limit: usize, meter: &'a mut Meter<'m>) -> Repr<'a, 'm> {
        Repr {
            out: String::new(),
            stack: Vec::new(),
            limit,
            meter,
            stopped: None,
        }
    }

    /// False once the text is too long or the run must stop.
    fn go_on(&mut self) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        if self.out.len() > self.limit {
            self.stopped = Some(Stop::TooLong);
            return false;
        }
        if let Err(e) = self.meter.charge(1) {
            self.stopped = Some(Stop::Interrupted(e));
            return false;
        }
        true
    }

    fn write(&mut self, v: &Value) {
        if !self.go_on() {
            return;
        }
        let out = &mut self.out;
        match v {
            Value::Null | Value::Undef => out.push_str("None"),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Big(b) => {
                let _ = write!(out, "{b}");
            }
            Value::Float(f) => out.push_str(&float_repr(*f)),
            Value::Str(s) => match crate::text::pystr::py_repr_str_m(s.as_str(), self.meter) {
                Ok(text) => out.push_str(&text),
                Err(e) => self.stopped = Some(Stop::Interrupted(e)),
            },
            Value::Array(a) => {
                let Some(ptr) = enter(v, &mut self.stack) else {
                    out.push_str("[...]");
                    return;
                };
                out.push('[');
                for (i, item) in a.borrow().iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.write(item);
                    if self.stopped.is_some() {
                        break;
                    }
                }
                self.out.push(']');
                leave(ptr, &mut self.stack);
            }
            Value::Tuple(t) => {
                let Some(ptr) = enter(v, &mut self.stack) else {
                    out.push_str("(...)");
                    return;
                };
                out.push('(');
                for (i, item) in t.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.write(item);
                    if self.stopped.is_some() {
                        break;
                    }
                }
                if t.len() == 1 {
                    self.out.push(',');
                }
                self.out.push(')');
                leave(ptr, &mut self.stack);
            }
            Value::Object(o) => {
                let Some(ptr) = enter(v, &mut self.stack) else {
                    out.push_str("{...}");
                    return;
                };
                out.push('{');
                for (i, (k, item)) in o.borrow().iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    match k {
                        Key::Str(s) => self.out.push_str(&py_repr_str(s.as_str())),
                        other => self.write(&other.to_value()),
                    }
                    self.out.push_str(": ");
                    self.write(item);
                    if self.stopped.is_some() {
                        break;
                    }
                }
                self.out.push('}');
                leave(ptr, &mut self.stack);
            }
            Value::Function(c) => {
                let _ = write!(out, "<function {}>", c.name());
            }
            Value::Builtin(b) => {
                let _ = write!(out, "<built-in function {}>", b.name);
            }
            Value::Native(n) => {
                let _ = write!(out, "<function {}>", n.name);
            }
            Value::Module(m) => {
                let _ = write!(out, "<module '{}'>", m.name());
            }
            Value::Host(h) => out.push_str(&h.0.display()),
            Value::Bytes(b) => write_bytes(out, b),
            Value::Error(e) => {
                let _ = write!(
                    out,
                    "{}({})",
                    e.error.kind(),
                    py_repr_str(e.error.message())
                );
            }
            Value::Iter(_) => out.push_str("<iterator>"),
            Value::Cell(c) => {
                let inner = c.borrow().clone();
                self.write(&inner)
            }
        }
    }
}

fn write_bytes(out: &mut String, bytes: &[u8]) {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    out.push('b');
    out.push(quote);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'\'' if quote == '\'' => out.push_str("\\'"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push(quote);
}

/// Marks a container as being printed; `None` if it is already on the
/// stack (a cycle) or nesting is too deep.
fn enter(v: &Value, stack: &mut Vec<usize>) -> Option<usize> {
    let ptr = v.heap_ptr()?;
    if stack.len() >= MAX_DEPTH || stack.contains(&ptr) {
        return None;
    }
    stack.push(ptr);
    Some(ptr)
}

fn leave(_ptr: usize, stack: &mut Vec<usize>) {
    stack.pop();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Object;

    #[test]
    fn python_forms() {
        let arr = Value::array(vec![
            Value::Int(1),
            Value::str("a"),
            Value::Bool(true),
            Value::Null,
        ]);
        assert_eq!(py_str(&arr), "[1, 'a', True, None]");
        assert_eq!(ml_str(&Value::Bool(true)), "true");
        assert_eq!(py_str(&Value::Bool(true)), "True");
        assert_eq!(py_str(&Value::tuple(vec![Value::Int(1)])), "(1,)");
        let mut o = Object::new();
        o.insert_str("k", Value::Int(1));
        o.insert_str("n", Value::array(vec![Value::Int(2)]));
        assert_eq!(py_str(&Value::object(o)), "{'k': 1, 'n': [2]}");
        assert_eq!(py_str(&Value::Float(3.0)), "3.0");
        assert_eq!(py_repr(&Value::str("it's")), "\"it's\"");
    }

    #[test]
    fn shared_values_are_cut_or_refused() {
        // 2^40 leaves through sharing: cut (infallible) or refused (output).
        let mut v = Value::array(vec![Value::Int(1)]);
        for _ in 0..40 {
            v = Value::array(vec![v.clone(), v]);
        }
        let cut = py_str(&v);
        assert!(cut.len() <= DISPLAY_CAP + 8 && cut.ends_with("..."));
        let err = try_display(&v, Style::Str, 1000, &mut Meter::unlimited()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MemoryError);
        assert_eq!(
            try_display(&Value::Bool(true), Style::Ml, 10, &mut Meter::unlimited()).unwrap(),
            "true"
        );
    }

    #[test]
    fn cycles_print_ellipsis() {
        let a = Value::array(vec![]);
        if let Value::Array(rc) = &a {
            rc.borrow_mut().push(a.clone());
        }
        assert_eq!(py_str(&a), "[[...]]");
        // Break the cycle so the test does not leak.
        if let Value::Array(rc) = &a {
            rc.borrow_mut().clear();
        }
    }
}
