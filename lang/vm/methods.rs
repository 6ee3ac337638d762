//! Builtin methods of strings, arrays, tuples and non-plain objects
//! (section 6.5), and dispatch to host-object methods.

use super::Vm;
use crate::error::{ErrorKind, MlError, VmResult};
use crate::limits::Meter;
use crate::native::args::{arity, int_arg};
use crate::native::sort;
use crate::text::pystr;
use crate::value::{self, expect_str, py_repr, Key, Value};

const STR_METHODS: &[&str] = &[
    "upper",
    "lower",
    "strip",
    "lstrip",
    "rstrip",
    "replace",
    "split",
    "rsplit",
    "join",
    "startswith",
    "endswith",
    "find",
    "rfind",
    "index",
    "rindex",
    "count",
    "isdigit",
    "isalpha",
    "isalnum",
    "isspace",
    "istitle",
    "isupper",
    "islower",
    "capitalize",
    "title",
    "swapcase",
    "center",
    "ljust",
    "rjust",
];
const ARRAY_METHODS: &[&str] = &[
    "append", "extend", "insert", "remove", "pop", "index", "count", "sort", "reverse", "clear",
    "copy",
];
const TUPLE_METHODS: &[&str] = &["index", "count"];
const DICT_METHODS: &[&str] = &[
    "get",
    "keys",
    "values",
    "items",
    "pop",
    "popitem",
    "update",
    "clear",
    "setdefault",
];

/// The methods of a value, for `methods()` and `hasattr`.
pub fn method_names(v: &Value) -> &'static [&'static str] {
    match v {
        Value::Str(_) => STR_METHODS,
        Value::Array(_) => ARRAY_METHODS,
        Value::Tuple(_) => TUPLE_METHODS,
        Value::Object(o) if !o.borrow().is_plain() => DICT_METHODS,
        Value::Host(h) => h.0.method_names(),
        _ => &[],
    }
}

/// Does the value have method `name`?
pub fn has_method(v: &Value, name: &str) -> bool {
    method_names(v).contains(&name)
}

fn no_method(v: &Value, name: &str) -> MlError {
    MlError::new(
        ErrorKind::AttributeError,
        format!(
            "'{}' object has no accessible method '{name}'",
            v.kind_name()
        ),
    )
}

/// Does `recv.name(args)` do work that grows with the receiver (so the
/// call is charged for a pass over it)? Not appending, popping the last
/// item, or one key's lookup: a loop of those stays linear.
pub fn passes_over(recv: &Value, name: &str, args: &[Value]) -> bool {
    match recv {
        Value::Array(_) => !(name == "append" || (name == "pop" && args.is_empty())),
        Value::Object(_) => !matches!(name, "get" | "setdefault" | "pop"),
        _ => true,
    }
}

/// Calls `recv.name(args)`: string, array, tuple, dict and host-object methods.
pub fn call_method(vm: &mut Vm, recv: &Value, name: &str, args: &[Value]) -> VmResult<Value> {
    match recv {
        Value::Str(s) => str_method(vm, s.as_str(), recv, name, args),
        Value::Array(_) => array_method(vm, recv, name, args),
        Value::Tuple(t) => match name {
            "index" => seq_index(t, args, "tuple", &mut vm.meter()),
            "count" => seq_count(t, args, &mut vm.meter()),
            _ => Err(no_method(recv, name)),
        },
        Value::Object(_) => dict_method(vm, recv, name, args),
        Value::Host(h) => {
            let h = h.clone();
            h.0.call_method(vm, name, args)
                .unwrap_or_else(|| Err(no_method(recv, name)))
        }
        other => Err(no_method(other, name)),
    }
}

fn opt_int(args: &[Value], i: usize, name: &str) -> VmResult<Option<i64>> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => int_arg(name, v).map(Some),
    }
}

fn opt_str<'a>(args: &'a [Value], i: usize, name: &str) -> VmResult<Option<&'a str>> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => expect_str(v, name, "argument").map(Some),
    }
}

fn fill_char(args: &[Value], i: usize, name: &str) -> VmResult<char> {
    match args.get(i) {
        None => Ok(' '),
        Some(Value::Str(s)) if s.char_len() == 1 => Ok(s.as_str().chars().next().unwrap_or(' ')),
        Some(_) => Err(MlError::type_error(format!(
            "{name}() argument 2 must be a one-character string"
        ))),
    }
}

fn string_list(items: Vec<&str>) -> Value {
    Value::array(items.into_iter().map(Value::str).collect())
}

/// `startswith`/`endswith` accept a string or a tuple/array of strings.
fn affix_match(
    s: &str,
    arg: &Value,
    start: Option<i64>,
    end: Option<i64>,
    prefix: bool,
    meter: &mut Meter,
) -> VmResult<bool> {
    let check = |p: &str, meter: &mut Meter| {
        if prefix {
            pystr::startswith_range(s, p, start, end, meter)
        } else {
            pystr::endswith_range(s, p, start, end, meter)
        }
    };
    match arg {
        Value::Str(p) => check(p.as_str(), meter),
        Value::Tuple(_) | Value::Array(_) => {
            for item in super::iter::collect(arg, usize::MAX, meter)? {
                if check(expect_str(&item, "startswith", "prefix")?, meter)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        other => Err(MlError::type_error(format!(
            "startswith/endswith first arg must be a string or a tuple of strings, not {}",
            other.kind_name()
        ))),
    }
}

fn str_method(vm: &mut Vm, s: &str, recv: &Value, name: &str, args: &[Value]) -> VmResult<Value> {
    let max = vm.limits.max_len;
    let text = |r: String| Value::string(r);
    Ok(match name {
        "upper" => text(pystr::upper(s, &mut vm.meter())?),
        "lower" => text(pystr::lower(s, &mut vm.meter())?),
        "capitalize" => text(pystr::capitalize(s, &mut vm.meter())?),
        "title" => text(pystr::title(s, &mut vm.meter())?),
        "swapcase" => text(pystr::swapcase(s, &mut vm.meter())?),
        "strip" => text(pystr::strip(s, opt_str(args, 0, name)?, &mut vm.meter())?),
        "lstrip" => text(pystr::lstrip(s, opt_str(args, 0, name)?, &mut vm.meter())?),
        "rstrip" => text(pystr::rstrip(s, opt_str(args, 0, name)?, &mut vm.meter())?),
        "isdigit" => Value::Bool(pystr::isdigit(s, &mut vm.meter())?),
        "isalpha" => Value::Bool(pystr::isalpha(s, &mut vm.meter())?),
        "isalnum" => Value::Bool(pystr::isalnum(s, &mut vm.meter())?),
        "isspace" => Value::Bool(pystr::isspace(s, &mut vm.meter())?),
        "istitle" => Value::Bool(pystr::istitle(s, &mut vm.meter())?),
        "isupper" => Value::Bool(pystr::isupper(s, &mut vm.meter())?),
        "islower" => Value::Bool(pystr::islower(s, &mut vm.meter())?),
        "replace" => {
            arity("replace", args, 2, 3)?;
            let old = expect_str(&args[0], "replace", "old")?;
            let new = expect_str(&args[1], "replace", "new")?;
            let count = opt_int(args, 2, "replace")?;
            let meter = &mut vm.meter();
            let limit = count.map_or(usize::MAX, |c| if c < 0 { usize::MAX } else { c as usize });
            let hits = pystr::count_upto(s, old, limit, meter)?;
            let grow = hits.saturating_mul(new.len());
            value::ops::check_len(s.len().saturating_add(grow), max)?;
            meter.reserve(s.len().saturating_add(grow))?;
            text(pystr::replace(s, old, new, count, meter)?)
        }
        "split" | "rsplit" => {
            arity(name, args, 0, 2)?;
            let sep = opt_str(args, 0, name)?;
            let maxsplit = opt_int(args, 1, name)?.unwrap_or(-1);
            let meter = &mut vm.meter();
            let parts = if name == "split" {
                pystr::split(s, sep, maxsplit, meter)?
            } else {
                pystr::rsplit(s, sep, maxsplit, meter)?
            };
            string_list(parts)
        }
        "join" => {
            arity("join", args, 1, 1)?;
            let meter = &mut vm.meter();
            let items = super::iter::collect(&args[0], max, meter)?;
            let mut out = String::new();
            for (i, item) in items.iter().enumerate() {
                meter.charge(1 + item.work_size())?;
                let Value::Str(part) = item else {
                    return Err(MlError::type_error(format!(
                        "sequence item {i}: expected str instance, {} found",
                        item.kind_name()
                    )));
                };
                if i > 0 {
                    out.push_str(s);
                }
                out.push_str(part.as_str());
                value::ops::check_len(out.len(), max)?;
            }
            text(out)
        }
        "startswith" | "endswith" => {
            arity(name, args, 1, 3)?;
            let (start, end) = (opt_int(args, 1, name)?, opt_int(args, 2, name)?);
            let prefix = name == "startswith";
            Value::Bool(affix_match(
                s,
                &args[0],
                start,
                end,
                prefix,
                &mut vm.meter(),
            )?)
        }
        "find" | "rfind" | "index" | "rindex" | "count" => {
            arity(name, args, 1, 3)?;
            let sub = expect_str(&args[0], name, "sub")?;
            let (start, end) = (opt_int(args, 1, name)?, opt_int(args, 2, name)?);
            let meter = &mut vm.meter();
            Value::Int(match name {
                "find" => pystr::find(s, sub, start, end, meter)?,
                "rfind" => pystr::rfind(s, sub, start, end, meter)?,
                "index" => pystr::index(s, sub, start, end, meter)?,
                "rindex" => pystr::rindex(s, sub, start, end, meter)?,
                _ => pystr::count(s, sub, start, end, meter)?,
            })
        }
        "center" | "ljust" | "rjust" => {
            arity(name, args, 1, 2)?;
            let width = int_arg(name, &args[0])?;
            value::ops::check_len(width.max(0) as usize, max)?;
            let fill = fill_char(args, 1, name)?;
            let meter = &mut vm.meter();
            text(match name {
                "center" => pystr::center(s, width, fill, meter)?,
                "ljust" => pystr::ljust(s, width, fill, meter)?,
                _ => pystr::rjust(s, width, fill, meter)?,
            })
        }
        _ => return Err(no_method(recv, name)),
    })
}

fn seq_index(items: &[Value], args: &[Value], what: &str, meter: &mut Meter) -> VmResult<Value> {
    arity("index", args, 1, 3)?;
    let len = items.len() as i64;
    let norm = |v: Option<i64>, default: i64| -> i64 {
        match v {
            None => default,
            Some(i) if i < 0 => (i + len).max(0),
            Some(i) => i.min(len),
        }
    };
    let start = norm(opt_int(args, 1, "index")?, 0);
    let end = norm(opt_int(args, 2, "index")?, len);
    for i in start..end {
        if value::values_equal_m(&items[i as usize], &args[0], meter)? {
            return Ok(Value::Int(i));
        }
    }
    // The needle's repr is built under the deadline (it may be huge).
    let shown = value::try_display(&args[0], value::Style::Repr, usize::MAX, meter)?;
    Err(MlError::value_error(format!("{shown} is not in {what}")))
}

fn seq_count(items: &[Value], args: &[Value], meter: &mut Meter) -> VmResult<Value> {
    arity("count", args, 1, 1)?;
    let mut n = 0;
    for item in items {
        if value::values_equal_m(item, &args[0], meter)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn array_method(vm: &mut Vm, recv: &Value, name: &str, args: &[Value]) -> VmResult<Value> {
    let Value::Array(list) = recv else {
        unreachable!()
    };
    let max = vm.limits.max_len;
    match name {
        "append" => {
            arity("append", args, 1, 1)?;
            let mut a = list.borrow_mut();
            value::ops::check_len(a.len() + 1, max)?;
            a.push(args[0].clone());
            Ok(Value::Null)
        }
        "extend" => {
            arity("extend", args, 1, 1)?;
            let meter = &mut vm.meter();
            let items = super::iter::collect(&args[0], max, meter)?;
            value::ops::check_len(list.borrow().len() + items.len(), max)?;
            meter.charge(items.len())?;
            list.borrow_mut().extend(items);
            Ok(Value::Null)
        }
        "insert" => {
            arity("insert", args, 2, 2)?;
            let mut a = list.borrow_mut();
            value::ops::check_len(a.len() + 1, max)?;
            let len = a.len() as i64;
            let i = int_arg("insert", &args[0])?;
            let at = if i < 0 { (i + len).max(0) } else { i.min(len) };
            a.insert(at as usize, args[1].clone());
            Ok(Value::Null)
        }
        "remove" => {
            arity("remove", args, 1, 1)?;
            let meter = &mut vm.meter();
            let snapshot = super::iter::copy(&list.borrow(), meter)?;
            for (i, item) in snapshot.iter().enumerate() {
                if value::values_equal_m(item, &args[0], meter)? {
                    let mut a = list.borrow_mut();
                    if i < a.len() {
                        a.remove(i);
                    }
                    return Ok(Value::Null);
                }
            }
            Err(MlError::value_error("list.remove(x): x not in list"))
        }
        "pop" => {
            arity("pop", args, 0, 1)?;
            let mut a = list.borrow_mut();
            if a.is_empty() {
                return Err(MlError::new(ErrorKind::IndexError, "pop from empty list"));
            }
            let i = opt_int(args, 0, "pop")?.unwrap_or(-1);
            let i = crate::value::ops::resolve_index(i, a.len())
                .ok_or_else(|| MlError::new(ErrorKind::IndexError, "pop index out of range"))?;
            Ok(a.remove(i))
        }
        "index" => {
            let meter = &mut vm.meter();
            let snapshot = super::iter::copy(&list.borrow(), meter)?;
            seq_index(&snapshot, args, "list", meter)
        }
        "count" => {
            let meter = &mut vm.meter();
            let snapshot = super::iter::copy(&list.borrow(), meter)?;
            seq_count(&snapshot, args, meter)
        }
        "sort" => {
            arity("sort", args, 0, 1)?;
            let reverse = args.first().is_some_and(Value::truthy);
            let items = std::mem::take(&mut *list.borrow_mut());
            let meter = &mut vm.meter();
            let sorted = super::iter::copy(&items, meter)
                .and_then(|copy| sort::natural_sort(copy, reverse, meter));
            match sorted {
                Ok(v) => {
                    *list.borrow_mut() = v;
                    Ok(Value::Null)
                }
                Err(e) => {
                    *list.borrow_mut() = items;
                    Err(e)
                }
            }
        }
        "reverse" => {
            arity("reverse", args, 0, 0)?;
            list.borrow_mut().reverse();
            Ok(Value::Null)
        }
        "clear" => {
            arity("clear", args, 0, 0)?;
            let old = std::mem::take(&mut *list.borrow_mut());
            drop(old);
            Ok(Value::Null)
        }
        "copy" => {
            arity("copy", args, 0, 0)?;
            Ok(Value::array(super::iter::copy(
                &list.borrow(),
                &mut vm.meter(),
            )?))
        }
        _ => Err(no_method(recv, name)),
    }
}

fn dict_method(vm: &mut Vm, recv: &Value, name: &str, args: &[Value]) -> VmResult<Value> {
    let Value::Object(obj) = recv else {
        unreachable!()
    };
    match name {
        "get" => {
            arity("get", args, 1, 2)?;
            let k = Key::from_value(&args[0])?;
            Ok(obj
                .borrow()
                .get(&k)
                .cloned()
                .unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::Null)))
        }
        "keys" => Ok(Value::array(super::iter::collect(
            recv,
            usize::MAX,
            &mut vm.meter(),
        )?)),
        "values" => Ok(Value::array(super::iter::object_values(
            obj,
            &mut vm.meter(),
        )?)),
        "items" => Ok(Value::array(
            obj.borrow()
                .iter()
                .map(|(k, v)| Value::tuple(vec![k.to_value(), v.clone()]))
                .collect(),
        )),
        "pop" => {
            arity("pop", args, 1, 2)?;
            let k = Key::from_value(&args[0])?;
            let removed = obj.borrow_mut().remove(&k);
            match (removed, args.get(1)) {
                (Some(v), _) => Ok(v),
                (None, Some(d)) => Ok(d.clone()),
                (None, None) => Err(MlError::new(ErrorKind::KeyError, py_repr(&args[0]))),
            }
        }
        "popitem" => {
            let mut o = obj.borrow_mut();
            let last = o.last().map(|(k, _)| k.clone());
            match last {
                Some(k) => {
                    let v = o.remove(&k).unwrap_or(Value::Null);
                    Ok(Value::tuple(vec![k.to_value(), v]))
                }
                None => Err(MlError::new(
                    ErrorKind::KeyError,
                    "'popitem(): dictionary is empty'",
                )),
            }
        }
        "update" => {
            arity("update", args, 1, 1)?;
            let Value::Object(other) = &args[0] else {
                return Err(MlError::type_error("update() argument must be an object"));
            };
            let items: Vec<(Key, Value)> = other
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let mut o = obj.borrow_mut();
            for (k, v) in items {
                o.insert(k, v);
            }
            Ok(Value::Null)
        }
        "clear" => {
            let old = std::mem::take(&mut *obj.borrow_mut());
            drop(old);
            Ok(Value::Null)
        }
        "setdefault" => {
            arity("setdefault", args, 1, 2)?;
            let k = Key::from_value(&args[0])?;
            let mut o = obj.borrow_mut();
            if let Some(v) = o.get(&k) {
                return Ok(v.clone());
            }
            let d = args.get(1).cloned().unwrap_or(Value::Null);
            o.insert(k, d.clone());
            Ok(d)
        }
        _ => Err(no_method(recv, name)),
    }
}
