//! `env`: environment variables of this execution (`vm.host.env`; the real
//! host gives each execution a private copy of the process environment).
//! Reading needs `env:read:KEY`, changing needs `env:write:KEY`; `all()`
//! returns only the variables the grants allow reading.

use crate::capability::cap::{ENV_READ, ENV_WRITE};
use crate::error::{MlError, VmResult};
use crate::native::args::arity;
use crate::native::native_module;
use crate::value::{Object, Style, Value};
use crate::vm::Vm;

use crate::native::args::{opt, str_arg};

fn key_arg<'a>(args: &'a [Value], func: &str) -> VmResult<&'a str> {
    let k = str_arg(args, 0, func, "key")?;
    if k.is_empty() || k.contains(['=', '\0']) {
        return Err(MlError::value_error(format!(
            "{func}(): invalid environment variable name {k:?}"
        )));
    }
    Ok(k)
}

fn read_var(vm: &mut Vm, args: &[Value], func: &str) -> VmResult<Option<String>> {
    let key = key_arg(args, func)?;
    vm.require(ENV_READ, key)?;
    Ok(vm.host.env.get(key))
}

fn get(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("get", args, 1, 2)?;
    Ok(match read_var(vm, args, "get")? {
        Some(v) => Value::string(v),
        None => args.get(1).cloned().unwrap_or(Value::Null),
    })
}

fn require(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("require", args, 1, 1)?;
    match read_var(vm, args, "require")? {
        Some(v) => Ok(Value::string(v)),
        None => Err(MlError::runtime(format!(
            "Required environment variable not set: {}",
            key_arg(args, "require")?
        ))),
    }
}

fn has(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("has", args, 1, 1)?;
    Ok(Value::Bool(read_var(vm, args, "has")?.is_some()))
}

fn all(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("all", args, 0, 0)?;
    vm.require_listing(ENV_READ, "*")?;
    let mut o = Object::new();
    for (k, v) in vm.host.env.all() {
        if vm.permits(ENV_READ, &k) {
            o.insert_str(&k, Value::string(v));
        }
    }
    Ok(Value::object(o))
}

/// Python's `int(text)`: surrounding whitespace, a sign, decimal digits of
/// any script, single underscores between digits.
fn py_int(text: &str) -> Option<Value> {
    use crate::text::pystr::{decimal_value, is_space_char};
    let t = text.trim_matches(is_space_char);
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let mut digits = String::with_capacity(body.len());
    let mut prev_digit = false;
    for c in body.chars() {
        if c == '_' {
            if !prev_digit {
                return None;
            }
            prev_digit = false;
            continue;
        }
        let d = decimal_value(c)?;
        digits.push(char::from(b'0' + d as u8));
        prev_digit = true;
    }
    if !prev_digit || digits.len() > 4300 {
        return None;
    }
    let n: num_bigint::BigInt = digits.parse().ok()?;
    Some(Value::from_big(if neg { -n } else { n }))
}

fn get_int(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("get_int", args, 1, 2)?;
    let default = args.get(1).cloned().unwrap_or(Value::Int(0));
    Ok(match read_var(vm, args, "get_int")? {
        Some(v) => py_int(&v).unwrap_or(default),
        None => default,
    })
}

fn get_float(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("get_float", args, 1, 2)?;
    let default = args.get(1).cloned().unwrap_or(Value::Float(0.0));
    Ok(match read_var(vm, args, "get_float")? {
        Some(v) => match crate::text::pyfloat::parse_float(&v) {
            Some(x) => Value::Float(x),
            None => default,
        },
        None => default,
    })
}

fn get_bool(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("get_bool", args, 1, 2)?;
    let default = opt(args, 1).cloned().unwrap_or(Value::Bool(false));
    Ok(match read_var(vm, args, "get_bool")? {
        Some(v) => Value::Bool(matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "on"
        )),
        None => default,
    })
}

fn set(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("set", args, 2, 2)?;
    let key = key_arg(args, "set")?;
    let value = vm.display(&args[1], Style::Str)?;
    if value.contains('\0') {
        return Err(MlError::value_error(
            "set(): embedded null character in value",
        ));
    }
    vm.require(ENV_WRITE, key)?;
    vm.host.env.set(key, &value);
    Ok(Value::Null)
}

fn delete(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("delete", args, 1, 1)?;
    let key = key_arg(args, "delete")?;
    vm.require(ENV_WRITE, key)?;
    vm.host.env.remove(key);
    Ok(Value::Null)
}

native_module! {
    name: "env",
    doc: "environment variables (env:read / env:write capabilities per key)",
    functions: {
        "get" => get [ENV_READ], "(key, default = null): the value or default";
        "require" => require [ENV_READ], "(key): the value; RuntimeError if unset";
        "has" => has [ENV_READ], "(key): is it set";
        "all" => all [ENV_READ], "(): every readable variable as an object";
        "get_int" | "getInt" => get_int [ENV_READ], "(key, default = 0): as an integer";
        "get_float" | "getFloat" => get_float [ENV_READ], "(key, default = 0.0): as a float";
        "get_bool" | "getBool" => get_bool [ENV_READ], "(key, default = false): true for true/1/yes/on";
        "set" => set [ENV_WRITE], "(key, value): set (value shown as text)";
        "delete" => delete [ENV_WRITE], "(key): unset";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_int_text() {
        let ok = |t: &str| py_int(t).map(|v| crate::value::py_str(&v));
        assert_eq!(ok(" 42 ").as_deref(), Some("42"));
        assert_eq!(ok("-7").as_deref(), Some("-7"));
        assert_eq!(ok("+3").as_deref(), Some("3"));
        assert_eq!(ok("1_000").as_deref(), Some("1000"));
        assert_eq!(ok("\u{663}").as_deref(), Some("3"));
        assert_eq!(
            ok("123456789012345678901234567890").as_deref(),
            Some("123456789012345678901234567890")
        );
        for bad in ["", "-", "12.5", "0x10", "1__0", "_1", "1_", "1e3", "- 1"] {
            assert_eq!(ok(bad), None, "{bad}");
        }
    }
}
