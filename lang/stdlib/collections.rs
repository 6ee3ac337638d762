//! `collections`: list utilities with the list first (`collections.map(lst,
//! fn)`). Nothing here mutates its input; every list result is new (except
//! `removeAt` with an index out of range, which returns its input, as mlpy).

use crate::error::{MlError, VmResult};
use crate::native::args::{arity, check_len, expect_callable, int_arg, opt};
use crate::native::list::{
    self, call1, chunks, drop, every, filter, find, flatten, items, map, reverse, slice, some,
    sort_items, take, unique, with_items,
};
use crate::native::native_module;
use crate::native::sort::{merge_sort, natural_less};
use crate::value::{values_equal_m, Value};
use crate::vm::Vm;

// ---- reading ----

fn length(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("length", args, 1, 1)?;
    match &args[0] {
        Value::Array(_) | Value::Tuple(_) | Value::Str(_) | Value::Object(_) | Value::Bytes(_) => {
            Ok(Value::Int(crate::value::ops::length(&args[0]) as i64))
        }
        other => Err(MlError::type_error(format!(
            "object of type '{}' has no len()",
            other.kind_name()
        ))),
    }
}

fn get(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("get", args, 2, 2)?;
    let i = int_arg("get", &args[1])?;
    with_items(vm, &args[0], |items| {
        let len = items.len() as i64;
        let idx = if i < 0 { i + len } else { i };
        Ok(if (0..len).contains(&idx) {
            items[idx as usize].clone()
        } else {
            Value::Null
        })
    })
}

fn first(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("first", args, 1, 1)?;
    with_items(vm, &args[0], |items| {
        Ok(items.first().cloned().unwrap_or(Value::Null))
    })
}

fn last(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("last", args, 1, 1)?;
    with_items(vm, &args[0], |items| {
        Ok(items.last().cloned().unwrap_or(Value::Null))
    })
}

fn contains(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("contains", args, 2, 2)?;
    let meter = &mut vm.meter();
    with_items(vm, &args[0], |items| {
        for item in items {
            if values_equal_m(item, &args[1], meter)? {
                return Ok(Value::Bool(true));
            }
        }
        Ok(Value::Bool(false))
    })
}

fn index_of(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("indexOf", args, 2, 2)?;
    let meter = &mut vm.meter();
    with_items(vm, &args[0], |items| {
        for (i, item) in items.iter().enumerate() {
            if values_equal_m(item, &args[1], meter)? {
                return Ok(Value::Int(i as i64));
            }
        }
        Ok(Value::Int(-1))
    })
}

fn is_empty(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("isEmpty", args, 1, 1)?;
    with_items(vm, &args[0], |items| Ok(Value::Bool(items.is_empty())))
}

// ---- transforming ----

fn append(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("append", args, 2, 2)?;
    let mut out = items(vm, &args[0])?;
    check_len(vm, out.len() + 1)?;
    out.push(args[1].clone());
    Ok(Value::array(out))
}

fn prepend(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("prepend", args, 2, 2)?;
    let rest = items(vm, &args[0])?;
    check_len(vm, rest.len() + 1)?;
    let mut out = Vec::with_capacity(rest.len() + 1);
    out.push(args[1].clone());
    out.extend(rest);
    Ok(Value::array(out))
}

fn concat(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("concat", args, 2, 2)?;
    let mut out = items(vm, &args[0])?;
    let rest = items(vm, &args[1])?;
    check_len(vm, out.len().saturating_add(rest.len()))?;
    out.extend(rest);
    Ok(Value::array(out))
}

fn slice_fn(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("slice", args, 2, 3)?;
    let all = items(vm, &args[0])?;
    Ok(Value::array(slice(
        vm,
        &all,
        opt(args, 1).cloned(),
        opt(args, 2).cloned(),
    )?))
}

fn reduce(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("reduce", args, 3, 3)?;
    expect_callable("reduce", &args[1])?;
    let mut acc = args[2].clone();
    for item in items(vm, &args[0])? {
        acc = vm.call_value(&args[1], &[acc, item])?;
    }
    Ok(acc)
}

fn remove_at(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("removeAt", args, 2, 2)?;
    let i = int_arg("removeAt", &args[1])?;
    let mut all = items(vm, &args[0])?;
    if i < 0 || i as u64 >= all.len() as u64 {
        // mlpy returned its input unchanged (the same list).
        return Ok(args[0].clone());
    }
    all.remove(i as usize);
    Ok(Value::array(all))
}

/// `zip(a, b)`: the builtin `zip` of exactly two lists.
fn zip(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("zip", args, 2, 2)?;
    list::zip(vm, args)
}

fn sort(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("sort", args, 1, 2)?;
    let reverse = args.get(1).is_some_and(Value::truthy);
    let all = items(vm, &args[0])?;
    Ok(Value::array(sort_items(vm, all, reverse)?))
}

/// Sorts by `key_fn(item)` (called once per item), stable.
pub(crate) fn sort_by_key(
    vm: &mut Vm,
    all: Vec<Value>,
    key_fn: &Value,
    reverse: bool,
) -> VmResult<Vec<Value>> {
    let mut keys = Vec::with_capacity(all.len());
    for item in &all {
        keys.push(call1(vm, key_fn, item)?);
    }
    let order: Vec<Value> = (0..all.len() as i64).map(Value::Int).collect();
    let key_of = |v: &Value| -> &Value { &keys[v.as_int().unwrap_or(0) as usize] };
    let meter = &mut vm.meter();
    let sorted = if reverse {
        merge_sort(order, meter, |a, b| natural_less(key_of(b), key_of(a)))?
    } else {
        merge_sort(order, meter, |a, b| natural_less(key_of(a), key_of(b)))?
    };
    Ok(sorted
        .iter()
        .map(|i| all[i.as_int().unwrap_or(0) as usize].clone())
        .collect())
}

fn sort_by(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("sortBy", args, 2, 3)?;
    expect_callable("sortBy", &args[1])?;
    let reverse = args.get(2).is_some_and(Value::truthy);
    let all = items(vm, &args[0])?;
    Ok(Value::array(sort_by_key(vm, all, &args[1], reverse)?))
}

fn chunk(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("chunk", args, 2, 2)?;
    let size = int_arg("chunk", &args[1])?;
    let all = items(vm, &args[0])?;
    if size <= 0 {
        return Ok(Value::array(Vec::new()));
    }
    Ok(Value::array(chunks(vm, &all, size as usize)?))
}

native_module! {
    name: "collections",
    doc: "list utilities, list first; they never mutate their input",
    functions: {
        "length" => length, "(lst): number of items";
        "get" => get, "(lst, index): item or null when out of range (negative allowed)";
        "first" => first, "(lst): first item or null";
        "last" => last, "(lst): last item or null";
        "contains" => contains, "(lst, item): is item in the list";
        "indexOf" | "index_of" => index_of, "(lst, item): index of item or -1";
        "isEmpty" | "is_empty" => is_empty, "(lst): has no items";
        "find" => find, "(lst, pred): first item where pred is true, or null";
        "every" => every, "(lst, pred): pred true for all items";
        "some" => some, "(lst, pred): pred true for some item";
        "append" => append, "(lst, item): new list with item at the end";
        "prepend" => prepend, "(lst, item): new list with item at the front";
        "concat" => concat, "(a, b): new list a then b";
        "slice" => slice_fn, "(lst, start, end = null): lst[start:end]";
        "reverse" => reverse, "(lst): new reversed list";
        "unique" => unique, "(lst): items without repeats, first-seen order";
        "flatten" => flatten, "(lst): flatten one level";
        "filter" => filter, "(lst, pred): items where pred is true";
        "map" => map, "(lst, fn): fn applied to each item";
        "reduce" => reduce, "(lst, fn(acc, item), initial): folded value";
        "removeAt" | "remove_at" => remove_at, "(lst, index): new list without the item at index";
        "take" => take, "(lst, n): first n items";
        "drop" => drop, "(lst, n): all but the first n items";
        "zip" => zip, "(a, b): list of (a, b) tuples";
        "sort" => sort, "(lst, reverse = false): new sorted list";
        "sortBy" => sort_by, "(lst, key_fn, reverse = false): new list sorted by key";
        "chunk" => chunk, "(lst, size): list of lists of size items (size <= 0 gives [])";
    }
}
