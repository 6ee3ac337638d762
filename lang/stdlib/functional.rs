//! `functional`: function-first helpers (`functional.map(fn, list)`) and
//! combinators. Functions returned here (compose, pipe, curry, partial,
//! memoize, constant, ifElse, cond, juxt, curry2) are native values that
//! call back into ML with `vm.call_value`.

use crate::error::{MlError, VmResult};
use crate::native::args::{arity, check_len, expect_callable, int_arg};
use crate::native::list::{self, call1, chunks, flatten, items, reverse, unique, zip};
use crate::native::native_module;
use crate::value::{Key, Object, Value};
use crate::vm::Vm;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

fn callables(name: &str, fns: Vec<Value>) -> VmResult<Rc<[Value]>> {
    for f in &fns {
        expect_callable(name, f)?;
    }
    Ok(fns.into())
}

// ---- list functions (function first) ----

/// Natives taking the function (or count) first: the `collections`
/// functions of the same name with the two arguments swapped.
macro_rules! swapped_natives {
    ($($name:ident),*) => {$(
        fn $name(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
            list::$name(vm, &swapped(args))
        }
    )*};
}

swapped_natives!(map, filter, find, some, every, take, drop);

/// `[b, a]` for `[a, b]`; other counts as they are (for the arity error).
fn swapped(args: &[Value]) -> Vec<Value> {
    match args {
        [a, b] => vec![b.clone(), a.clone()],
        _ => args.to_vec(),
    }
}

fn reduce(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("reduce", args, 2, 3)?;
    expect_callable("reduce", &args[0])?;
    let mut it = items(vm, &args[1])?.into_iter();
    // A null initial means "none given", as in mlpy.
    let mut acc = match args.get(2) {
        Some(v) if !matches!(v, Value::Null) => v.clone(),
        _ => it.next().ok_or_else(|| {
            MlError::type_error("reduce() of empty iterable with no initial value")
        })?,
    };
    for item in it {
        acc = vm.call_value(&args[0], &[acc, item])?;
    }
    Ok(acc)
}

fn for_each(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("forEach", args, 2, 2)?;
    expect_callable("forEach", &args[0])?;
    for item in items(vm, &args[1])? {
        call1(vm, &args[0], &item)?;
    }
    Ok(Value::Null)
}

fn take_while(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("takeWhile", args, 2, 2)?;
    expect_callable("takeWhile", &args[0])?;
    let mut out = Vec::new();
    for item in items(vm, &args[1])? {
        if !call1(vm, &args[0], &item)?.truthy() {
            break;
        }
        out.push(item);
    }
    Ok(Value::array(out))
}

fn partition(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("partition", args, 2, 2)?;
    expect_callable("partition", &args[0])?;
    let (mut yes, mut no) = (Vec::new(), Vec::new());
    for item in items(vm, &args[1])? {
        if call1(vm, &args[0], &item)?.truthy() {
            yes.push(item);
        } else {
            no.push(item);
        }
    }
    Ok(Value::array(vec![Value::array(yes), Value::array(no)]))
}

fn group_by(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("groupBy", args, 2, 2)?;
    expect_callable("groupBy", &args[0])?;
    let mut groups: Vec<(Key, Vec<Value>)> = Vec::new();
    let mut index: HashMap<Key, usize, ahash::RandomState> = HashMap::default();
    for item in items(vm, &args[1])? {
        let k = Key::from_value(&call1(vm, &args[0], &item)?)?;
        match index.get(&k) {
            Some(&i) => groups[i].1.push(item),
            None => {
                index.insert(k.clone(), groups.len());
                groups.push((k, vec![item]));
            }
        }
    }
    let mut obj = Object::with_capacity(groups.len());
    for (k, g) in groups {
        obj.insert(k, Value::array(g));
    }
    Ok(Value::object(obj))
}

fn is_int(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::Big(_))
}

fn chunk(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("chunk", args, 2, 2)?;
    // `chunk(size, iterable)`; mlpy's older `chunk(iterable, size)` order
    // is accepted too.
    let (size, seq) = if is_int(&args[0]) || !is_int(&args[1]) {
        (&args[0], &args[1])
    } else {
        (&args[1], &args[0])
    };
    let size = int_arg("chunk", size)?;
    let all = items(vm, seq)?;
    if size == 0 {
        return Err(MlError::value_error("chunk() size must not be zero"));
    }
    if size < 0 {
        return Ok(Value::array(Vec::new()));
    }
    Ok(Value::array(chunks(vm, &all, size as usize)?))
}

fn zip_with(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("zipWith", args, 3, 3)?;
    expect_callable("zipWith", &args[0])?;
    let a = items(vm, &args[1])?;
    let b = items(vm, &args[2])?;
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    for (x, y) in a.into_iter().zip(b) {
        out.push(vm.call_value(&args[0], &[x, y])?);
    }
    Ok(Value::array(out))
}

fn times(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("times", args, 2, 2)?;
    // `times(n, fn)`; the reversed order `times(fn, n)` is accepted too.
    let (n, f) = if args[0].is_callable() {
        (&args[1], &args[0])
    } else {
        (&args[0], &args[1])
    };
    let n = int_arg("times", n)?;
    expect_callable("times", f)?;
    let mut out = Vec::new();
    for i in 0..n.max(0) {
        check_len(vm, out.len() + 1)?;
        out.push(call1(vm, f, &Value::Int(i))?);
    }
    Ok(Value::array(out))
}

fn range(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("range", args, 1, 3)?;
    let start = int_arg("range", &args[0])?;
    let (start, stop) = match args.get(1) {
        None | Some(Value::Null) => (0, start),
        Some(v) => (start, int_arg("range", v)?),
    };
    let step = match args.get(2) {
        None | Some(Value::Null) => 1,
        Some(v) => int_arg("range", v)?,
    };
    if step == 0 {
        return Err(MlError::value_error("range() arg 3 must not be zero"));
    }
    let (start, stop, step) = (start as i128, stop as i128, step as i128);
    let count = if step > 0 && stop > start {
        (stop - start - 1) / step + 1
    } else if step < 0 && start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    check_len(vm, count.min(usize::MAX as i128) as usize)?;
    let meter = &mut vm.meter();
    meter.reserve((count as usize).saturating_mul(crate::value::ops::VALUE_BYTES))?;
    let mut out = Vec::with_capacity(count as usize);
    for k in 0..count {
        meter.charge(1)?;
        out.push(Value::Int((start + k * step) as i64));
    }
    Ok(Value::array(out))
}

fn repeat(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("repeat", args, 2, 2)?;
    let n = int_arg("repeat", &args[1])?.max(0) as u64;
    check_len(vm, n.min(usize::MAX as u64) as usize)?;
    let meter = &mut vm.meter();
    let mut out = Vec::new();
    meter.extend_repeated(&mut out, std::slice::from_ref(&args[0]), n as usize)?;
    Ok(Value::array(out))
}

// ---- combinators ----

/// A function of one argument applying `fns` in order.
fn chain(name: &'static str, fns: Rc<[Value]>) -> Value {
    Value::native(name, move |vm, args| {
        arity(name, args, 1, 1)?;
        let mut x = args[0].clone();
        for f in fns.iter() {
            x = call1(vm, f, &x)?;
        }
        Ok(x)
    })
}

fn compose(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let mut fns = args.to_vec();
    fns.reverse();
    Ok(chain("composed", callables("compose", fns)?))
}

fn compose_all(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("composeAll", args, 1, 1)?;
    let mut fns = items(vm, &args[0])?;
    fns.reverse();
    Ok(chain("composed", callables("composeAll", fns)?))
}

fn pipe(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(chain("piped", callables("pipe", args.to_vec())?))
}

fn pipe_all(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("pipeAll", args, 1, 1)?;
    let fns = items(vm, &args[0])?;
    Ok(chain("piped", callables("pipeAll", fns)?))
}

/// Collects arguments until `arity` are there, then calls `f` with the
/// first `arity` of them.
fn curried(f: Value, arity: usize, got: Rc<[Value]>) -> Value {
    Value::native("curried", move |vm, args| {
        let mut all: Vec<Value> = got.to_vec();
        all.extend(args.iter().cloned());
        if all.len() >= arity {
            all.truncate(arity);
            vm.call_value(&f, &all)
        } else {
            Ok(curried(f.clone(), arity, all.into()))
        }
    })
}

fn curry(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("curry", args, 1, 2)?;
    expect_callable("curry", &args[0])?;
    let n = match args.get(1) {
        Some(v) if !matches!(v, Value::Null) => int_arg("curry", v)?.max(0) as usize,
        _ => match &args[0] {
            Value::Function(c) => c.arity(),
            other => {
                return Err(MlError::type_error(format!(
                    "curry() cannot tell how many parameters {} takes; pass the arity",
                    crate::value::py_repr(other)
                )))
            }
        },
    };
    Ok(curried(args[0].clone(), n, Rc::from(Vec::new())))
}

fn curry2(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("curry2", args, 1, 1)?;
    expect_callable("curry2", &args[0])?;
    let f = args[0].clone();
    Ok(Value::native("curried", move |_vm, args| {
        arity("curried", args, 1, 1)?;
        let (f, a) = (f.clone(), args[0].clone());
        Ok(Value::native("inner", move |vm, args| {
            arity("inner", args, 1, 1)?;
            vm.call_value(&f, &[a.clone(), args[0].clone()])
        }))
    }))
}

fn partial(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("partial", args, 1, usize::MAX)?;
    expect_callable("partial", &args[0])?;
    let f = args[0].clone();
    let bound: Rc<[Value]> = args[1..].to_vec().into();
    Ok(Value::native("partial", move |vm, args| {
        let mut all = bound.to_vec();
        all.extend(args.iter().cloned());
        vm.call_value(&f, &all)
    }))
}

fn identity(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("identity", args, 1, 1)?;
    Ok(args[0].clone())
}

fn constant(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("constant", args, 1, 1)?;
    let v = args[0].clone();
    // Arguments are ignored, so `map(constant(0), xs)` works.
    Ok(Value::native("constant", move |_vm, _args| Ok(v.clone())))
}

fn memoize(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("memoize", args, 1, 1)?;
    expect_callable("memoize", &args[0])?;
    let f = args[0].clone();
    let cache: RefCell<HashMap<Key, Value, ahash::RandomState>> = RefCell::new(HashMap::default());
    Ok(Value::native("memoized", move |vm, args| {
        let key = Key::Tuple(Rc::new(
            args.iter()
                .map(Key::from_value)
                .collect::<VmResult<Vec<_>>>()?,
        ));
        if let Some(v) = cache.borrow().get(&key) {
            return Ok(v.clone());
        }
        // No borrow is held while ML code runs (it may recurse into us).
        let v = vm.call_value(&f, args)?;
        cache.borrow_mut().insert(key, v.clone());
        Ok(v)
    }))
}

fn if_else(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("ifElse", args, 3, 3)?;
    for f in args {
        expect_callable("ifElse", f)?;
    }
    let (p, t, e) = (args[0].clone(), args[1].clone(), args[2].clone());
    Ok(Value::native("conditional", move |vm, args| {
        arity("conditional", args, 1, 1)?;
        if call1(vm, &p, &args[0])?.truthy() {
            call1(vm, &t, &args[0])
        } else {
            call1(vm, &e, &args[0])
        }
    }))
}

fn cond(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("cond", args, 1, 1)?;
    let mut pairs = Vec::new();
    for pair in items(vm, &args[0])? {
        let two = match &pair {
            Value::Array(_) | Value::Tuple(_) => items(vm, &pair)?,
            other => {
                return Err(MlError::type_error(format!(
                    "cond() expects [predicate, function] pairs, got {}",
                    other.kind_name()
                )))
            }
        };
        if two.len() < 2 {
            return Err(MlError::type_error(
                "cond() expects [predicate, function] pairs",
            ));
        }
        pairs.push((two[0].clone(), two[1].clone()));
    }
    Ok(Value::native("conditional", move |vm, args| {
        arity("conditional", args, 1, 1)?;
        for (p, f) in &pairs {
            if call1(vm, p, &args[0])?.truthy() {
                return call1(vm, f, &args[0]);
            }
        }
        Ok(Value::Null)
    }))
}

fn juxt(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("juxt", args, 1, 1)?;
    let fns = callables("juxt", items(vm, &args[0])?)?;
    Ok(Value::native("apply_all", move |vm, args| {
        arity("apply_all", args, 1, 1)?;
        let mut out = Vec::with_capacity(fns.len());
        for f in fns.iter() {
            out.push(call1(vm, f, &args[0])?);
        }
        Ok(Value::array(out))
    }))
}

native_module! {
    name: "functional",
    doc: "functional programming helpers (function-first argument order)",
    functions: {
        "map" => map, "(fn, iterable): fn applied to each item";
        "filter" => filter, "(pred, iterable): items where pred is true";
        "reduce" => reduce, "(fn(acc, item), iterable, initial = null): folded value";
        "forEach" | "for_each" => for_each, "(fn, iterable): call fn on each item";
        "find" => find, "(pred, iterable): first item where pred is true, or null";
        "some" => some, "(pred, iterable): pred true for some item";
        "every" => every, "(pred, iterable): pred true for all items";
        "take" => take, "(n, iterable): first n items";
        "drop" => drop, "(n, iterable): all but the first n items";
        "takeWhile" => take_while, "(pred, iterable): leading items where pred is true";
        "partition" => partition, "(pred, iterable): [matching, rest]";
        "groupBy" | "group_by" => group_by, "(key_fn, iterable): object key -> list of items";
        "unique" => unique, "(iterable): items without repeats";
        "reverse" => reverse, "(iterable): reversed list";
        "flatten" => flatten, "(iterable): flatten one level";
        "chunk" => chunk, "(size, iterable): list of lists of size items";
        "zip" => zip, "(*iterables): list of tuples, shortest wins";
        "zipWith" => zip_with, "(fn(a, b), xs, ys): fn applied pairwise";
        "times" => times, "(n, fn(i)): [fn(0), ..., fn(n-1)]";
        "range" => range, "(start, end = null, step = 1): list of integers";
        "repeat" => repeat, "(value, n): list of n copies of value";
        "compose" => compose, "(*fns): function applying fns right to left";
        "composeAll" => compose_all, "(fns): function applying fns right to left";
        "pipe" => pipe, "(*fns): function applying fns left to right";
        "pipeAll" => pipe_all, "(fns): function applying fns left to right";
        "curry" => curry, "(fn, arity = null): curried function";
        "curry2" => curry2, "(fn): a => b => fn(a, b)";
        "partial" | "partial_apply" => partial, "(fn, *args): fn with leading arguments bound";
        "identity" => identity, "(x): x";
        "constant" => constant, "(v): function returning v";
        "memoize" => memoize, "(fn): caching function (arguments must be hashable)";
        "ifElse" => if_else, "(pred, f, g): x => pred(x) ? f(x) : g(x)";
        "cond" => cond, "([[pred, fn], ...]): first matching fn's result, or null";
        "juxt" => juxt, "(fns): x => [f(x) for each f]";
    }
}
