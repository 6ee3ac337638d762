//! Python-compatible text forms of values (section 4.2): `str()` and
//! `repr()` as mlpy printed them, plus ML's `str`/`print` rule that shows a
//! top-level boolean as `true`/`false`.

use super::{Key, Value};
use crate::text::pyfloat::float_repr;
use crate::text::pystr::py_repr_str;
use std::fmt::Write;

/// Nesting beyond this prints as `...` instead of recursing further.
const MAX_DEPTH: usize = 200;

/// Python `str(v)`: what `console.log` and string concatenation show.
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
pub fn py_repr(v: &Value) -> String {
    let mut out = String::new();
    let mut stack = Vec::new();
    write_repr(&mut out, v, &mut stack);
    out
}

fn write_repr(out: &mut String, v: &Value, stack: &mut Vec<usize>) {
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
        Value::Str(s) => out.push_str(&py_repr_str(s.as_str())),
        Value::Array(a) => {
            let Some(ptr) = enter(v, stack) else {
                out.push_str("[...]");
                return;
            };
            out.push('[');
            for (i, item) in a.borrow().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item, stack);
            }
            out.push(']');
            leave(ptr, stack);
        }
        Value::Tuple(t) => {
            let Some(ptr) = enter(v, stack) else {
                out.push_str("(...)");
                return;
            };
            out.push('(');
            for (i, item) in t.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item, stack);
            }
            if t.len() == 1 {
                out.push(',');
            }
            out.push(')');
            leave(ptr, stack);
        }
        Value::Object(o) => {
            let Some(ptr) = enter(v, stack) else {
                out.push_str("{...}");
                return;
            };
            out.push('{');
            for (i, (k, item)) in o.borrow().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_key(out, k);
                out.push_str(": ");
                write_repr(out, item, stack);
            }
            out.push('}');
            leave(ptr, stack);
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
        Value::Cell(c) => write_repr(out, &c.borrow(), stack),
    }
}

fn write_key(out: &mut String, k: &Key) {
    match k {
        Key::Str(s) => out.push_str(&py_repr_str(s.as_str())),
        other => out.push_str(&py_repr(&other.to_value())),
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
