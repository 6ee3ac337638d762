//! What natives over lists share (`collections` and `functional` offer
//! some of the same functions, `zip` is also a builtin): the items of an
//! iterable, slicing, de-duplication, flattening, chunking, sorting and
//! one-argument calls.

use crate::error::VmResult;
use crate::native::args::{arity, check_len, expect_callable, int_arg};
use crate::native::sort::natural_sort;
use crate::value::{values_equal_m, Key, Value};
use crate::vm::access::slice_range;
use crate::vm::iter;
use crate::vm::Vm;
use std::collections::HashSet;

/// The items of an iterable argument (arrays, tuples, strings, object keys).
pub fn items(vm: &Vm, v: &Value) -> VmResult<Vec<Value>> {
    iter::collect(v, vm.limits.max_len, &mut vm.meter())
}

/// Runs `f` on the items of a sequence, without copying arrays and tuples.
/// `f` must not call ML code (the array stays borrowed).
pub fn with_items<R>(vm: &Vm, v: &Value, f: impl FnOnce(&[Value]) -> VmResult<R>) -> VmResult<R> {
    match v {
        Value::Array(a) => f(&a.borrow()),
        Value::Tuple(t) => f(t),
        other => f(&items(vm, other)?),
    }
}

/// Python `lst[start:stop]` with clamping; `None` bounds are open.
pub fn slice(
    vm: &Vm,
    items: &[Value],
    start: Option<Value>,
    stop: Option<Value>,
) -> VmResult<Vec<Value>> {
    let r = slice_range(&[start, stop, None], items.len())?;
    let first = r.start.max(0) as usize;
    iter::copy(&items[first..first + r.count], &mut vm.meter())
}

/// Items in first-seen order without repeats. Hashable items are compared
/// as dict keys (`1`, `1.0` and `true` are one item), others with `==`.
pub fn unique_items(vm: &Vm, items: Vec<Value>) -> VmResult<Vec<Value>> {
    let meter = &mut vm.meter();
    let mut seen: HashSet<Key, ahash::RandomState> = HashSet::default();
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        meter.charge(1)?;
        match Key::from_value(&item) {
            Ok(k) => {
                if seen.insert(k) {
                    out.push(item);
                }
            }
            Err(_) => {
                let mut found = false;
                for o in &out {
                    if values_equal_m(o, &item, meter)? {
                        found = true;
                        break;
                    }
                }
                if !found {
                    out.push(item);
                }
            }
        }
    }
    Ok(out)
}

/// One level of flattening: arrays are spliced in, anything else is kept.
pub fn flatten_items(vm: &Vm, items: Vec<Value>) -> VmResult<Vec<Value>> {
    let meter = &mut vm.meter();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        meter.charge(1)?;
        match &item {
            Value::Array(a) => {
                let a = a.borrow();
                check_len(vm, out.len().saturating_add(a.len()))?;
                meter.extend_repeated(&mut out, &a, 1)?;
            }
            _ => out.push(item),
        }
    }
    Ok(out)
}

/// Consecutive groups of `size` items (`size` > 0).
pub fn chunks(vm: &Vm, items: &[Value], size: usize) -> VmResult<Vec<Value>> {
    let meter = &mut vm.meter();
    let mut out = Vec::with_capacity(items.len() / size + 1);
    for c in items.chunks(size) {
        out.push(Value::array(iter::copy(c, meter)?));
    }
    Ok(out)
}

/// Stable sort in natural order; `reverse` keeps equal items in order.
pub fn sort_items(vm: &Vm, items: Vec<Value>, reverse: bool) -> VmResult<Vec<Value>> {
    natural_sort(items, reverse, &mut vm.meter())
}

/// Calls `f(x)` (a key or predicate function).
pub fn call1(vm: &mut Vm, f: &Value, x: &Value) -> VmResult<Value> {
    vm.call_value(f, std::slice::from_ref(x))
}

/// `reverse(iterable)`: a reversed copy.
pub fn reverse(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("reverse", args, 1, 1)?;
    let mut out = items(vm, &args[0])?;
    out.reverse();
    Ok(Value::array(out))
}

/// `unique(iterable)`: items without repeats.
pub fn unique(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("unique", args, 1, 1)?;
    Ok(Value::array(unique_items(vm, items(vm, &args[0])?)?))
}

/// `map(lst, fn)`: `fn` applied to each item.
pub fn map(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("map", args, 2, 2)?;
    expect_callable("map", &args[1])?;
    let all = items(vm, &args[0])?;
    let mut out = Vec::with_capacity(all.len());
    for item in &all {
        out.push(call1(vm, &args[1], item)?);
    }
    Ok(Value::array(out))
}

/// `filter(lst, pred)`: the items where `pred` is true.
pub fn filter(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("filter", args, 2, 2)?;
    expect_callable("filter", &args[1])?;
    let mut out = Vec::new();
    for item in items(vm, &args[0])? {
        if call1(vm, &args[1], &item)?.truthy() {
            out.push(item);
        }
    }
    Ok(Value::array(out))
}

/// The first item of `args[0]` for which the predicate `args[1]` is
/// `truthy == want` (`find`, `some` and `every` all stop there).
fn first_where(vm: &mut Vm, args: &[Value], func: &str, want: bool) -> VmResult<Option<Value>> {
    arity(func, args, 2, 2)?;
    expect_callable(func, &args[1])?;
    for item in items(vm, &args[0])? {
        if call1(vm, &args[1], &item)?.truthy() == want {
            return Ok(Some(item));
        }
    }
    Ok(None)
}

/// `find(lst, pred)`: the first item where `pred` is true, or null.
pub fn find(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(first_where(vm, args, "find", true)?.unwrap_or(Value::Null))
}

/// `some(lst, pred)`: is `pred` true for some item.
pub fn some(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::Bool(first_where(vm, args, "some", true)?.is_some()))
}

/// `every(lst, pred)`: is `pred` true for every item.
pub fn every(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::Bool(
        first_where(vm, args, "every", false)?.is_none(),
    ))
}

/// `take(lst, n)`: the first n items.
pub fn take(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    head_or_tail(vm, "take", args, true)
}

/// `drop(lst, n)`: all but the first n items.
pub fn drop(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    head_or_tail(vm, "drop", args, false)
}

/// `lst[:n]` (`head`) or `lst[n:]`, for `[lst, n]`.
fn head_or_tail(vm: &Vm, name: &str, args: &[Value], head: bool) -> VmResult<Value> {
    arity(name, args, 2, 2)?;
    int_arg(name, &args[1])?;
    let all = items(vm, &args[0])?;
    let n = Some(args[1].clone());
    let (start, stop) = if head { (None, n) } else { (n, None) };
    Ok(Value::array(slice(vm, &all, start, stop)?))
}

/// `zip(a, b, ...)`: tuples of the items at each index, as long as the
/// shortest iterable.
pub fn zip(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let lists: Vec<Vec<Value>> = args.iter().map(|a| items(vm, a)).collect::<VmResult<_>>()?;
    let n = lists.iter().map(Vec::len).min().unwrap_or(0);
    let meter = &mut vm.meter();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        meter.charge(1)?;
        out.push(Value::tuple(lists.iter().map(|l| l[i].clone()).collect()));
    }
    Ok(Value::array(out))
}

/// `flatten(iterable)`: one level flattened.
pub fn flatten(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("flatten", args, 1, 1)?;
    let all = items(vm, &args[0])?;
    Ok(Value::array(flatten_items(vm, all)?))
}
