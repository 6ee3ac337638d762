//! The builtin functions of section 14: always in scope, no capability.

use crate::error::{ErrorKind, MlError, VmResult};
use crate::native::args::{self, arity, check_len, int_arg, opt};
use crate::native::list::zip;
use crate::native::{native_module, sort};
use crate::text::{pyfloat, pyformat};
use crate::value::{self, ops, py_repr, Object, Value};
use crate::vm::iter::{self, Iter};
use crate::vm::{methods, Vm};
use num_bigint::BigInt;

use std::cell::RefCell;
use std::rc::Rc;

native_module! {
    name: "builtin",
    doc: "the builtin functions, also reachable as builtin.NAME",
    functions: {
        "print" => print, "(*values): write values separated by spaces, then a newline";
        "input" => input, "(prompt = \"\"): read one line from standard input";
        "int" => int, "(value): convert to an integer";
        "float" => float, "(value): convert to a float";
        "str" => str_, "(value): text form of a value";
        "bool" => bool_, "(value): truthiness";
        "typeof" => typeof_, "(value): the type name";
        "isinstance" => isinstance, "(value, type_name): typeof(value) == type_name";
        "len" => len, "(value): size of a string, array, object or tuple";
        "range" => range, "(stop) | range(start, stop, step = 1): array of integers";
        "enumerate" => enumerate, "(iterable, start = 0): array of (index, item) tuples";
        "zip" => zip, "(*iterables): array of tuples, shortest wins";
        "sorted" => sorted, "(iterable, reverse = false): new sorted array";
        "reversed" => reversed, "(sequence): new reversed array";
        "keys" => keys, "(object): array of keys";
        "values" => values, "(object): array of values";
        "sum" => sum, "(iterable, start = 0): numeric sum";
        "min" => min, "(*values) or min(array): smallest value (any other single value is returned as it is)";
        "max" => max, "(*values) or max(array): largest value (any other single value is returned as it is)";
        "abs" => abs, "(number): absolute value";
        "round" => round, "(number, precision = 0): Python rounding (ties to even)";
        "chr" => chr, "(code): one-character string";
        "ord" => ord, "(char): code point";
        "hex" => hex, "(int): '0x..'";
        "bin" => bin, "(int): '0b..'";
        "oct" => oct, "(int): '0o..'";
        "repr" => repr, "(value): quoted text form";
        "format" => format, "(value, spec = \"\"): Python format-spec formatting";
        "callable" => callable, "(value): is it a function";
        "all" => all, "(iterable): every item truthy";
        "any" => any, "(iterable): some item truthy";
        "iter" => iter_, "(iterable): an iterator";
        "next" => next, "(iterator, default): the next item";
        "call" => call, "(func, *args): call a function";
        "hasattr" => hasattr, "(value, name): has a method or property";
        "getattr" => getattr, "(value, name, default = null): a method or property";
        "help" => help, "(target): description of a function or module";
        "methods" => methods_, "(value): method names of a value";
        "modules" => modules, "(): names of imported standard modules";
        "available_modules" => available_modules, "(type = null): importable modules";
        "has_module" => has_module, "(name): can it be imported";
        "module_info" => module_info, "(name): description of a module";
        "hasCapability" => has_capability, "(name): is the capability granted";
        "getCapabilities" => get_capabilities, "(): granted capabilities";
        "getCapabilityInfo" => get_capability_info, "(name): details of a grant";
        "requiredCapabilities" => required_capabilities, "(func): what a function needs";
    }
}

// ---- builtins ----

fn print(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let mut line = String::new();
    for (i, v) in args.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        line.push_str(&vm.display(v, value::Style::Ml)?);
        check_len(vm, line.len())?;
    }
    line.push('\n');
    vm.write_out(&line)?;
    Ok(Value::Null)
}

fn input(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("input", args, 0, 1)?;
    if let Some(p) = args.first() {
        let p = vm.display(p, value::Style::Str)?;
        vm.write_out(&p)?;
    }
    match vm.host.console.read_line() {
        Some(line) => Ok(Value::string(line)),
        None => Err(MlError::runtime("EOF when reading a line")),
    }
}

fn parse_int_text(t: &str) -> VmResult<Option<Value>> {
    let t = t.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    // Past the limit even with an underscore between every two digits:
    // refused by its length, before any work.
    if digits.len() > 2 * crate::syntax::MAX_INT_DIGITS && digits.as_bytes()[0].is_ascii_digit() {
        check_int_digits(digits.len())?;
    }
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '_') {
        let clean: String = t.chars().filter(|&c| c != '_').collect();
        check_int_digits(clean.len())?;
        return Ok(clean.parse::<BigInt>().ok().map(Value::from_big));
    }
    Ok(None)
}

/// The start of `s`'s repr, as Python's `%.200R` shows it in int()'s
/// errors (at most 200 characters, however long the string).
fn repr_200(s: &str) -> String {
    let head = s.char_indices().nth(200).map_or(s, |(i, _)| &s[..i]);
    crate::text::pystr::py_repr_str(head)
        .chars()
        .take(200)
        .collect()
}

/// Python's limit on decimal text ↔ integer conversion.
fn check_int_digits(n: usize) -> VmResult<()> {
    let max = crate::syntax::MAX_INT_DIGITS;
    if n > max {
        return Err(MlError::value_error(format!(
            "Exceeds the limit ({max} digits) for integer string conversion: value has {n} digits"
        )));
    }
    Ok(())
}

fn float_to_int(f: f64) -> VmResult<Value> {
    if f.is_nan() {
        return Err(MlError::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(MlError::new(
            ErrorKind::OverflowError,
            "cannot convert float infinity to integer",
        ));
    }
    let t = f.trunc();
    if t.abs() < 9.0e18 {
        Ok(Value::Int(t as i64))
    } else {
        Ok(Value::from_big(
            format!("{t:.0}").parse::<BigInt>().unwrap_or_default(),
        ))
    }
}

fn int(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("int", args, 1, 2)?;
    match &*args[0].as_plain() {
        v @ (Value::Int(_) | Value::Big(_)) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => float_to_int(*f),
        Value::Str(s) => {
            if let Some(base) = opt(args, 1) {
                let base = int_arg("int", base)?;
                if !(2..=36).contains(&base) {
                    return Err(MlError::value_error("int() base must be >= 2 and <= 36"));
                }
                let t = s.as_str().trim();
                let (neg, body) = match t.strip_prefix('-') {
                    Some(b) => (true, b),
                    None => (false, t.strip_prefix('+').unwrap_or(t)),
                };
                let body = match base {
                    16 => body.trim_start_matches("0x").trim_start_matches("0X"),
                    8 => body.trim_start_matches("0o").trim_start_matches("0O"),
                    2 => body.trim_start_matches("0b").trim_start_matches("0B"),
                    _ => body,
                };
                if !(base as u32).is_power_of_two() {
                    check_int_digits(body.len())?;
                }
                return BigInt::parse_bytes(body.as_bytes(), base as u32)
                    .filter(|_| !body.is_empty())
                    .map(|b| Value::from_big(if neg { -b } else { b }))
                    .ok_or_else(|| {
                        MlError::value_error(format!(
                            "invalid literal for int() with base {base}: {}",
                            repr_200(s.as_str())
                        ))
                    });
            }
            if let Some(v) = parse_int_text(s.as_str())? {
                return Ok(v);
            }
            match pyfloat::parse_float_m(s.as_str(), &mut vm.meter())? {
                Some(f) if f.is_finite() => float_to_int(f),
                _ => Err(MlError::value_error(format!(
                    "invalid literal for int() with base 10: {}",
                    repr_200(s.as_str())
                ))),
            }
        }
        other => Err(MlError::type_error(format!(
            "int() argument must be a string or a number, not '{}'",
            other.kind_name()
        ))),
    }
}

fn float(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("float", args, 1, 1)?;
    match &*args[0].as_plain() {
        Value::Float(_) => Ok(args[0].clone()),
        Value::Int(_) | Value::Bool(_) | Value::Big(_) => {
            let f = args[0].as_f64().unwrap_or(0.0);
            if f.is_infinite() {
                return Err(MlError::new(
                    ErrorKind::OverflowError,
                    "int too large to convert to float",
                ));
            }
            Ok(Value::Float(f))
        }
        Value::Str(s) => match pyfloat::parse_float_m(s.as_str(), &mut vm.meter())? {
            Some(f) => Ok(Value::Float(f)),
            // Python shows the whole string: its text is metered.
            None => Err(MlError::value_error(format!(
                "could not convert string to float: {}",
                crate::text::pystr::py_repr_str_m(s.as_str(), &mut vm.meter())?
            ))),
        },
        other => Err(MlError::type_error(format!(
            "float() argument must be a string or a number, not '{}'",
            other.kind_name()
        ))),
    }
}

fn str_(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("str", args, 0, 1)?;
    Ok(Value::string(match args.first() {
        // `str(i)` in loops: the digits straight into the string.
        Some(Value::Int(i)) => return Ok(Value::str(itoa::Buffer::new().format(*i))),
        Some(v) => vm.display(v, value::Style::Ml)?,
        None => String::new(),
    }))
}

fn bool_(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("bool", args, 0, 1)?;
    Ok(Value::Bool(args.first().is_some_and(Value::truthy)))
}

fn typeof_(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("typeof", args, 1, 1)?;
    Ok(Value::str(args[0].type_name()))
}

fn isinstance(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("isinstance", args, 2, 2)?;
    let t = value::expect_str(&args[1], "isinstance", "type_name")?;
    Ok(Value::Bool(args[0].type_name() == t))
}

fn len(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("len", args, 1, 1)?;
    Ok(Value::Int(ops::length(&args[0]) as i64))
}

fn range(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let (start, step, count) = iter::range_params(args)?;
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    check_len(vm, count)?;
    let meter = &mut vm.meter();
    meter.reserve(count.saturating_mul(value::ops::VALUE_BYTES))?;
    let mut out = Vec::with_capacity(count);
    let mut x = start as i128;
    for _ in 0..count {
        meter.charge(1)?;
        out.push(Value::Int(x as i64));
        x += step as i128;
    }
    Ok(Value::array(out))
}

fn enumerate(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("enumerate", args, 1, 2)?;
    let start = opt(args, 1)
        .map(|v| int_arg("enumerate", v))
        .transpose()?
        .unwrap_or(0);
    let meter = &mut vm.meter();
    let items = iter::collect(&args[0], vm.limits.max_len, meter)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.into_iter().enumerate() {
        meter.charge(1)?;
        out.push(Value::tuple(vec![
            Value::Int(start.saturating_add(i as i64)),
            v,
        ]));
    }
    Ok(Value::array(out))
}

fn sorted(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("sorted", args, 1, 2)?;
    let items = iter::collect(&args[0], vm.limits.max_len, &mut vm.meter())?;
    let reverse = args.get(1).is_some_and(Value::truthy);
    let meter = &mut vm.meter();
    let mut out = sort::natural_sort(items, reverse, meter)?;
    out.shrink_to_fit();
    Ok(Value::array(out))
}

fn reversed(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("reversed", args, 1, 1)?;
    let meter = &mut vm.meter();
    let mut items = iter::collect(&args[0], vm.limits.max_len, meter)?;
    meter.charge(items.len())?;
    items.reverse();
    Ok(Value::array(items))
}

fn keys(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("keys", args, 1, 1)?;
    match &args[0] {
        Value::Object(_) => Ok(Value::array(iter::collect(
            &args[0],
            usize::MAX,
            &mut vm.meter(),
        )?)),
        other => Err(MlError::new(
            ErrorKind::AttributeError,
            format!("'{}' object has no attribute 'keys'", other.kind_name()),
        )),
    }
}

fn values(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("values", args, 1, 1)?;
    match &args[0] {
        Value::Object(o) => Ok(Value::array(iter::object_values(o, &mut vm.meter())?)),
        other => Err(MlError::new(
            ErrorKind::AttributeError,
            format!("'{}' object has no attribute 'values'", other.kind_name()),
        )),
    }
}

fn sum(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("sum", args, 1, 2)?;
    let mut total = args.get(1).cloned().unwrap_or(Value::Int(0));
    let meter = &mut vm.meter();
    for item in iter::collect(&args[0], vm.limits.max_len, meter)? {
        meter.charge(1 + total.work_size())?;
        if !item.is_number() || !total.is_number() {
            return Err(MlError::type_error(format!(
                "unsupported operand type(s) for +: '{}' and '{}'",
                total.kind_name(),
                item.kind_name()
            )));
        }
        total = value::ops::add(&total, &item, usize::MAX)?;
    }
    Ok(total)
}

/// `min`/`max` as mlpy has them: no arguments or an empty array give
/// null; a single array gives its extreme; any other single value is
/// returned as it is (`min(42)` is 42, `min("cab")` is "cab").
fn extreme(args: &[Value], want_less: bool, meter: &mut crate::limits::Meter) -> VmResult<Value> {
    let items = match args {
        [] => return Ok(Value::Null),
        [Value::Array(a)] => iter::copy(&a.borrow(), meter)?,
        [single] => return Ok(single.clone()),
        many => many.to_vec(),
    };
    let mut best: Option<Value> = None;
    for item in items {
        best = Some(match best {
            None => item,
            Some(b) => {
                let ord = value::compare_m(&item, &b, meter)?;
                let better = match ord {
                    Some(o) => {
                        if want_less {
                            o.is_lt()
                        } else {
                            o.is_gt()
                        }
                    }
                    None => false,
                };
                if better {
                    item
                } else {
                    b
                }
            }
        });
    }
    Ok(best.unwrap_or(Value::Null))
}

fn min(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    extreme(args, true, &mut vm.meter())
}

fn max(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    extreme(args, false, &mut vm.meter())
}

fn abs(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("abs", args, 1, 1)?;
    ops::abs(&args[0].as_plain())
}

fn round(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("round", args, 1, 2)?;
    let nd = opt(args, 1).map(|v| int_arg("round", v)).transpose()?;
    let number = args[0].as_plain();
    match &*number {
        Value::Float(f) => Ok(Value::Float(pyfloat::round_half_even(*f, nd.unwrap_or(0)))),
        Value::Int(_) | Value::Bool(_) | Value::Big(_) => {
            let n = match &args[0] {
                Value::Big(b) => (**b).clone(),
                other => BigInt::from(other.as_int().unwrap_or(0)),
            };
            match nd {
                Some(d) if d < 0 => {
                    // |n| < 10^digits: rounding at a higher power gives 0,
                    // without building that power.
                    let digits = (n.bits() as f64 * std::f64::consts::LOG10_2) as u64 + 1;
                    if d.unsigned_abs() > digits {
                        return Ok(Value::Int(0));
                    }
                    let p = BigInt::from(10).pow(d.unsigned_abs() as u32);
                    Ok(Value::from_big(round_big_half_even(&n, &p) * p))
                }
                _ => Ok(Value::from_big(n)),
            }
        }
        other => Err(MlError::type_error(format!(
            "type {} doesn't define __round__ method",
            other.kind_name()
        ))),
    }
}

/// n / p rounded half to even.
fn round_big_half_even(n: &BigInt, p: &BigInt) -> BigInt {
    use num_integer::Integer;
    let (q, r) = n.div_mod_floor(p);
    let twice = &r * 2;
    if twice > *p || (twice == *p && q.is_odd()) {
        q + 1
    } else {
        q
    }
}

fn chr(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("chr", args, 1, 1)?;
    let i = int_arg("chr", &args[0])?;
    u32::try_from(i)
        .ok()
        .and_then(char::from_u32)
        .map(|c| Value::string(c.to_string()))
        .ok_or_else(|| MlError::value_error("chr() arg not in range(0x110000)"))
}

fn ord(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("ord", args, 1, 1)?;
    match &args[0] {
        Value::Str(s) if s.char_len() == 1 => Ok(Value::Int(
            s.as_str().chars().next().map(|c| c as i64).unwrap_or(0),
        )),
        Value::Str(s) => Err(MlError::type_error(format!(
            "ord() expected a character, but string of length {} found",
            s.char_len()
        ))),
        other => Err(MlError::type_error(format!(
            "ord() expected string of length 1, but {} found",
            other.kind_name()
        ))),
    }
}

fn big_int_arg(name: &str, v: &Value) -> VmResult<BigInt> {
    let v = v.as_plain();
    args::big_int(&v).ok_or_else(|| {
        MlError::type_error(format!(
            "'{}' object cannot be interpreted as an integer ({name})",
            v.kind_name()
        ))
    })
}

fn hex(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("hex", args, 1, 1)?;
    Ok(Value::string(pyformat::int_to_base(
        &big_int_arg("hex", &args[0])?,
        16,
        true,
    )))
}

fn bin(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("bin", args, 1, 1)?;
    Ok(Value::string(pyformat::int_to_base(
        &big_int_arg("bin", &args[0])?,
        2,
        true,
    )))
}

fn oct(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("oct", args, 1, 1)?;
    Ok(Value::string(pyformat::int_to_base(
        &big_int_arg("oct", &args[0])?,
        8,
        true,
    )))
}

fn repr(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("repr", args, 1, 1)?;
    Ok(Value::string(match &args[0] {
        Value::Bool(b) => b.to_string(),
        other => vm.display(other, value::Style::Repr)?,
    }))
}

fn format(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("format", args, 1, 2)?;
    let spec = match args.get(1) {
        None | Some(Value::Null) => "",
        Some(v) => value::expect_str(v, "format", "spec")?,
    };
    // Widths and precisions allocate: refuse absurd ones up front.
    let mut run = 0u64;
    for c in spec.chars() {
        run = match c.to_digit(10) {
            Some(d) => run.saturating_mul(10).saturating_add(d as u64),
            None => 0,
        };
        if run > 1_000_000 {
            return Err(MlError::value_error(
                "format width or precision too large (over 1000000)",
            ));
        }
    }
    let numeric_type = spec
        .chars()
        .last()
        .is_some_and(|c| "bcdoxXneEfFgG%".contains(c));
    let r = match &args[0] {
        Value::Int(i) => pyformat::format_spec(pyformat::FmtArg::Int(&BigInt::from(*i)), spec),
        Value::Big(b) => pyformat::format_spec(pyformat::FmtArg::Int(b), spec),
        Value::Bool(b) if numeric_type => {
            pyformat::format_spec(pyformat::FmtArg::Int(&BigInt::from(*b as i64)), spec)
        }
        Value::Float(f) => pyformat::format_spec(pyformat::FmtArg::Float(*f), spec),
        Value::Str(s) => pyformat::format_spec(pyformat::FmtArg::Str(s.as_str()), spec),
        other => {
            let text = vm.display(other, value::Style::Str)?;
            if spec.is_empty() {
                Ok(text)
            } else if let Some(i) = other.as_int().filter(|_| matches!(other, Value::Host(_))) {
                // An int subclass prints its name but formats as its integer.
                pyformat::format_spec(pyformat::FmtArg::Int(&BigInt::from(i)), spec)
            } else if matches!(other, Value::Bool(_)) {
                pyformat::format_spec(pyformat::FmtArg::Str(&text), spec)
            } else {
                Err(format!(
                    "unsupported format string passed to {}.__format__",
                    other.kind_name()
                ))
            }
        }
    };
    r.map(Value::string).map_err(MlError::value_error)
}

fn callable(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("callable", args, 1, 1)?;
    Ok(Value::Bool(args[0].is_callable()))
}

fn all(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("all", args, 1, 1)?;
    Ok(Value::Bool(!truthy_scan(vm, &args[0], false)?))
}

fn any(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("any", args, 1, 1)?;
    Ok(Value::Bool(truthy_scan(vm, &args[0], true)?))
}

/// Whether some item of `v` has truthiness `want`, metered per chunk.
fn truthy_scan(vm: &mut Vm, v: &Value, want: bool) -> VmResult<bool> {
    let meter = &mut vm.meter();
    let items = iter::collect(v, vm.limits.max_len, meter)?;
    for chunk in items.chunks(1 << 12) {
        meter.charge(chunk.len())?;
        if chunk.iter().any(|x| x.truthy() == want) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn iter_(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("iter", args, 1, 1)?;
    if let Value::Iter(_) = &args[0] {
        return Ok(args[0].clone());
    }
    Ok(Value::Iter(Rc::new(RefCell::new(Iter::new(&args[0])?))))
}

fn next(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("next", args, 1, 2)?;
    let Value::Iter(it) = &args[0] else {
        return Err(MlError::type_error(format!(
            "'{}' object is not an iterator",
            args[0].kind_name()
        )));
    };
    let item = it.borrow_mut().next()?;
    match (item, args.get(1)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(MlError::runtime(
            "Iterator exhausted and no default value provided",
        )),
    }
}

fn call(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("call", args, 1, usize::MAX)?;
    vm.call_value(&args[0], &args[1..])
}

/// Whitelisted attribute lookup shared by `hasattr` and `getattr`:
/// methods, `length`, module members, host properties; never object keys.
fn whitelisted_attr(vm: &mut Vm, v: &Value, name: &str) -> Option<Value> {
    if name.starts_with('_') {
        return None;
    }
    match v {
        Value::Module(_) => crate::vm::access::get_member(vm, v, name).ok(),
        Value::Object(o) if o.borrow().is_plain() => None,
        // `length` is a property, not a whitelisted attribute: mlpy's
        // hasattr and getattr do not see it.
        _ => {
            if methods::has_method(v, name) || matches!(v, Value::Host(_)) {
                crate::vm::access::get_member(vm, v, name).ok()
            } else {
                None
            }
        }
    }
}

fn hasattr(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("hasattr", args, 2, 2)?;
    let name = value::expect_str(&args[1], "hasattr", "name")?;
    Ok(Value::Bool(whitelisted_attr(vm, &args[0], name).is_some()))
}

fn getattr(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("getattr", args, 2, 3)?;
    let name = value::expect_str(&args[1], "getattr", "name")?;
    Ok(whitelisted_attr(vm, &args[0], name)
        .unwrap_or_else(|| args.get(2).cloned().unwrap_or(Value::Null)))
}

fn help(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("help", args, 0, 1)?;
    let text = match args.first() {
        None => {
            "ML help: call help(function) or help(module). Builtins: ".to_string()
                + &vm
                    .registry
                    .builtins
                    .functions
                    .iter()
                    .map(|b| b.name)
                    .collect::<Vec<_>>()
                    .join(", ")
        }
        Some(Value::Builtin(def)) => {
            let caps = if def.caps.is_empty() {
                "Capabilities: None required".to_string()
            } else {
                format!(
                    "Requires: {}",
                    def.caps
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!("{}\n{}", def.doc, caps)
        }
        Some(Value::Module(m)) => match &**m {
            crate::value::Module::Std(def) => format!(
                "Module {}: {}\nFunctions: {}",
                def.name,
                def.doc,
                def.functions
                    .iter()
                    .map(|f| f.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            crate::value::Module::Script { name, env } => format!(
                "Module {name}\nMembers: {}",
                env.borrow()
                    .defined()
                    .map(|(k, _)| k.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            crate::value::Module::User { name, members } => format!(
                "Module {name}\nMembers: {}",
                members
                    .borrow()
                    .keys()
                    .map(|k| &**k)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        Some(Value::Function(c)) => format!(
            "function {}({} parameters)\nCapabilities: None required",
            c.name(),
            c.arity()
        ),
        Some(other) => format!("{}: {}", other.type_name(), py_repr(other)),
    };
    Ok(Value::string(text))
}

fn methods_(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("methods", args, 1, 1)?;
    let mut names: Vec<&str> = methods::method_names(&args[0]).to_vec();
    names.sort_unstable();
    Ok(Value::array(names.into_iter().map(Value::str).collect()))
}

fn modules(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("modules", args, 0, 0)?;
    // `builtin` is always loaded, as in mlpy.
    let mut names = vm.modules.std_loaded();
    names.push("builtin".into());
    names.sort();
    names.dedup();
    Ok(Value::array(names.into_iter().map(Value::string).collect()))
}

fn available_modules(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("available_modules", args, 0, 1)?;
    if let Some(Value::Str(t)) = args.first() {
        if t.as_str() == "ml_source" {
            return Ok(Value::array(Vec::new()));
        }
    }
    Ok(Value::array(
        vm.registry
            .all_modules()
            .map(|m| Value::str(m.name))
            .collect(),
    ))
}

fn has_module(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("has_module", args, 1, 1)?;
    let name = value::expect_str(&args[0], "has_module", "name")?;
    Ok(Value::Bool(vm.registry.module(name).is_some()))
}

fn module_info(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("module_info", args, 1, 1)?;
    let name = value::expect_str(&args[0], "module_info", "name")?;
    let Some(def) = vm.registry.module(name) else {
        return Ok(Value::Null);
    };
    let mut o = Object::new();
    o.insert_str("name", Value::str(def.name));
    o.insert_str("type", Value::str("python_bridge"));
    o.insert_str("file_path", Value::Null);
    o.insert_str(
        "loaded",
        Value::Bool(vm.modules.std_loaded().iter().any(|n| n == name)),
    );
    o.insert_str(
        "functions",
        Value::array(def.functions.iter().map(|f| Value::str(f.name)).collect()),
    );
    o.insert_str("description", Value::str(def.doc));
    Ok(Value::object(o))
}

fn has_capability(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("hasCapability", args, 1, 1)?;
    let name = value::expect_str(&args[0], "hasCapability", "name")?;
    Ok(Value::Bool(vm.grants.has_named(name)))
}

fn get_capabilities(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("getCapabilities", args, 0, 0)?;
    Ok(Value::array(
        vm.grants.names().into_iter().map(Value::string).collect(),
    ))
}

fn get_capability_info(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("getCapabilityInfo", args, 1, 1)?;
    let name = value::expect_str(&args[0], "getCapabilityInfo", "name")?;
    Ok(match vm.capability_info(name) {
        Some(d) => d.to_value(),
        None => Value::Null,
    })
}

fn required_capabilities(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("requiredCapabilities", args, 1, 1)?;
    let caps = match &args[0] {
        Value::Builtin(def) => def.caps,
        _ => &[],
    };
    Ok(Value::array(
        caps.iter().map(|c| Value::str(c.name)).collect(),
    ))
}
