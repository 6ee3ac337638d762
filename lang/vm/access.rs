//! Indexing, slicing and member access (section 6).

use super::Vm;
use crate::error::{ErrorKind, MlError, VmResult};
use crate::value::ops::resolve_index;
use crate::value::{py_repr, Key, MlStr, Module, Value};
use num_traits::Signed;
use std::rc::Rc;

fn index_error(what: &str) -> MlError {
    MlError::new(ErrorKind::IndexError, format!("{what} index out of range"))
}

/// An integer index for sequences (booleans count as 0/1).
fn seq_index(idx: &Value, what: &str) -> VmResult<i64> {
    match idx {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::Big(b) => Ok(if b.is_negative() { i64::MIN } else { i64::MAX }),
        Value::Host(h) if h.0.int_value().is_some() => Ok(h.0.int_value().unwrap_or(0)),
        other => Err(MlError::type_error(format!(
            "{what} indices must be integers or slices, not {}",
            other.kind_name()
        ))),
    }
}

/// `obj[idx]`: an array at an integer index in line, the rest out of line.
#[inline]
pub fn get_index(obj: &Value, idx: &Value) -> VmResult<Value> {
    if let (Value::Array(a), Value::Int(i)) = (obj, idx) {
        let a = a.borrow();
        if let Some(i) = resolve_index(*i, a.len()) {
            return Ok(a[i].clone());
        }
    }
    get_index_other(obj, idx)
}

#[inline(never)]
fn get_index_other(obj: &Value, idx: &Value) -> VmResult<Value> {
    match obj {
        Value::Array(a) => {
            let a = a.borrow();
            let i = seq_index(idx, "list")?;
            resolve_index(i, a.len())
                .map(|i| a[i].clone())
                .ok_or_else(|| index_error("list"))
        }
        Value::Tuple(t) => {
            let i = seq_index(idx, "tuple")?;
            resolve_index(i, t.len())
                .map(|i| t[i].clone())
                .ok_or_else(|| index_error("tuple"))
        }
        Value::Str(s) => {
            let i = seq_index(idx, "string")?;
            resolve_index(i, s.char_len())
                .and_then(|i| s.char_at(i))
                .map(|c| Value::string(c.to_string()))
                .ok_or_else(|| index_error("string"))
        }
        Value::Bytes(b) => {
            let i = seq_index(idx, "bytes")?;
            resolve_index(i, b.len())
                .map(|i| Value::Int(b[i] as i64))
                .ok_or_else(|| index_error("bytes"))
        }
        Value::Object(o) => {
            let o = o.borrow();
            let found = match idx {
                // The common string key without building a `Key`.
                Value::Str(s) => o.get_str(s.as_str()),
                _ => o.get(&Key::from_value(idx)?),
            };
            found
                .cloned()
                .ok_or_else(|| MlError::new(ErrorKind::KeyError, py_repr(idx)))
        }
        other => Err(MlError::type_error(format!(
            "'{}' object is not subscriptable",
            other.kind_name()
        ))),
    }
}

pub fn set_index(obj: &Value, idx: &Value, v: Value, max_len: usize) -> VmResult<()> {
    match obj {
        Value::Array(a) => {
            let mut a = a.borrow_mut();
            let i = seq_index(idx, "list")?;
            let i = resolve_index(i, a.len()).ok_or_else(|| {
                MlError::new(ErrorKind::IndexError, "list assignment index out of range")
            })?;
            a[i] = v;
            Ok(())
        }
        Value::Object(o) => {
            let key = Key::from_value(idx)?;
            let mut o = o.borrow_mut();
            if o.len() >= max_len && o.get(&key).is_none() {
                return Err(MlError::new(
                    ErrorKind::MemoryError,
                    format!("object would exceed the limit of {max_len} keys"),
                ));
            }
            o.insert(key, v);
            Ok(())
        }
        other => Err(MlError::type_error(format!(
            "'{}' object does not support item assignment",
            other.kind_name()
        ))),
    }
}

/// A resolved slice: start, step and the number of items.
pub struct SliceRange {
    pub start: i64,
    pub step: i64,
    pub count: usize,
}

impl SliceRange {
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.count as i64).map(move |k| (self.start + k * self.step) as usize)
    }
}

fn bound(v: &Option<Value>) -> VmResult<Option<i64>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Int(i)) => Ok(Some(*i)),
        Some(Value::Bool(b)) => Ok(Some(*b as i64)),
        Some(Value::Big(b)) => Ok(Some(if b.is_negative() { i64::MIN } else { i64::MAX })),
        Some(Value::Host(h)) if h.0.int_value().is_some() => Ok(h.0.int_value()),
        Some(other) => Err(MlError::type_error(format!(
            "slice indices must be integers or None, not {}",
            other.kind_name()
        ))),
    }
}

/// Python's slice.indices(len) with clamping.
pub fn slice_range(parts: &[Option<Value>; 3], len: usize) -> VmResult<SliceRange> {
    let step = bound(&parts[2])?.unwrap_or(1);
    if step == 0 {
        return Err(MlError::value_error("slice step cannot be zero"));
    }
    let step = step.max(-i64::MAX);
    let len = len as i64;
    let clamp = |v: Option<i64>, default: i64| -> i64 {
        match v {
            None => default,
            Some(i) => {
                let i = if i < 0 { i.saturating_add(len) } else { i };
                if step > 0 {
                    i.clamp(0, len)
                } else {
                    i.clamp(-1, len - 1)
                }
            }
        }
    };
    let (start, stop) = if step > 0 {
        (clamp(bound(&parts[0])?, 0), clamp(bound(&parts[1])?, len))
    } else {
        (
            clamp(bound(&parts[0])?, len - 1),
            clamp(bound(&parts[1])?, -1),
        )
    };
    let count = if step > 0 {
        if stop > start {
            ((stop - start - 1) / step + 1) as usize
        } else {
            0
        }
    } else if start > stop {
        ((start - stop - 1) / (-step) + 1) as usize
    } else {
        0
    };
    Ok(SliceRange { start, step, count })
}

pub fn get_slice(
    obj: &Value,
    parts: &[Option<Value>; 3],
    meter: &mut super::Meter,
) -> VmResult<Value> {
    // Charged per 4 Ki items taken, so slicing a maximal sequence is metered.
    fn take<T>(
        r: &SliceRange,
        meter: &mut super::Meter,
        get: impl Fn(usize) -> T,
    ) -> VmResult<Vec<T>> {
        let mut out = Vec::with_capacity(r.count);
        for (k, i) in r.indices().enumerate() {
            if k % 4096 == 0 {
                meter.charge(4096)?;
            }
            out.push(get(i));
        }
        Ok(out)
    }
    match obj {
        Value::Array(a) => {
            let a = a.borrow();
            let r = slice_range(parts, a.len())?;
            Ok(Value::array(take(&r, meter, |i| a[i].clone())?))
        }
        Value::Tuple(t) => {
            let r = slice_range(parts, t.len())?;
            Ok(Value::tuple(take(&r, meter, |i| t[i].clone())?))
        }
        Value::Str(s) => {
            let r = slice_range(parts, s.char_len())?;
            if s.is_ascii() {
                let b = s.as_str().as_bytes();
                let out = take(&r, meter, |i| b[i])?;
                Ok(Value::string(String::from_utf8(out).unwrap_or_default()))
            } else {
                meter.reserve(s.char_len() * 4)?;
                let mut chars: Vec<char> = Vec::with_capacity(s.char_len());
                for piece in crate::text::pystr::chunks(s.as_str()) {
                    meter.charge(crate::limits::byte_cost(piece.len()))?;
                    chars.extend(piece.chars());
                }
                let out = take(&r, meter, |i| chars[i])?;
                Ok(Value::string(out.into_iter().collect::<String>()))
            }
        }
        Value::Bytes(b) => {
            let r = slice_range(parts, b.len())?;
            Ok(Value::Bytes(Rc::new(r.indices().map(|i| b[i]).collect())))
        }
        other => Err(MlError::type_error(format!(
            "'{}' object is not subscriptable",
            other.kind_name()
        ))),
    }
}

pub fn set_slice(
    obj: &Value,
    parts: &[Option<Value>; 3],
    v: Value,
    max_len: usize,
    meter: &mut crate::limits::Meter,
) -> VmResult<()> {
    let Value::Array(a) = obj else {
        return Err(MlError::type_error(format!(
            "'{}' object does not support slice assignment",
            obj.kind_name()
        )));
    };
    let items = super::iter::collect(&v, max_len, meter)?;
    let mut a = a.borrow_mut();
    let r = slice_range(parts, a.len())?;
    if r.step == 1 {
        let start = r.start as usize;
        let end = start + r.count;
        crate::value::ops::check_len(a.len() - r.count + items.len(), max_len)?;
        a.splice(start..end, items);
        return Ok(());
    }
    if items.len() != r.count {
        return Err(MlError::value_error(format!(
            "attempt to assign sequence of size {} to extended slice of size {}",
            items.len(),
            r.count
        )));
    }
    let idx: Vec<usize> = r.indices().collect();
    for (i, item) in idx.into_iter().zip(items) {
        a[i] = item;
    }
    Ok(())
}

fn no_attribute(v: &Value, name: &str) -> MlError {
    MlError::new(
        ErrorKind::AttributeError,
        format!("'{}' object has no attribute '{name}'", v.kind_name()),
    )
}

/// `x.name` (not a call).
pub fn get_member(vm: &mut Vm, obj: &Value, name: &str) -> VmResult<Value> {
    match obj {
        Value::Object(o) => {
            let o_ref = o.borrow();
            if o_ref.is_plain() {
                return Ok(o_ref.get_str(name).cloned().unwrap_or(Value::Null));
            }
            if name == "length" {
                return Ok(Value::Int(o_ref.len() as i64));
            }
            if let Some(v) = o_ref.get_str(name) {
                return Ok(v.clone());
            }
            drop(o_ref);
            bound_method(obj, name)
        }
        Value::Array(a) if name == "length" => Ok(Value::Int(a.borrow().len() as i64)),
        Value::Str(s) if name == "length" => Ok(Value::Int(s.char_len() as i64)),
        Value::Tuple(t) if name == "length" => Ok(Value::Int(t.len() as i64)),
        Value::Bytes(b) if name == "length" => Ok(Value::Int(b.len() as i64)),
        Value::Array(_) | Value::Str(_) | Value::Tuple(_) => bound_method(obj, name),
        Value::Module(m) => module_member(m, name),
        Value::Host(h) => {
            if let Some(v) = h.0.get_property(vm, name) {
                return Ok(v);
            }
            bound_method(obj, name)
        }
        Value::Error(e) => Ok(error_member(e, name)),
        other => Err(no_attribute(other, name)),
    }
}

/// Fields readable on a caught error: `message`, `type`/`kind`, the
/// capability violation's fields, and every field of a thrown object.
pub fn error_member(e: &crate::value::ErrorObj, name: &str) -> Value {
    let err = &e.error;
    if let Some(Value::Object(o)) = err.payload::<Value>() {
        if let Some(v) = o.borrow().get_str(name) {
            return v.clone();
        }
    }
    match name {
        "message" => Value::str(err.message()),
        "type" | "kind" | "name" => Value::str(err.kind().as_str()),
        "line" => err
            .0
            .loc
            .as_ref()
            .map(|l| Value::Int(l.line_col().line as i64))
            .unwrap_or(Value::Null),
        "capability" => err
            .0
            .violation
            .as_ref()
            .map(|v| Value::str(&v.capability))
            .unwrap_or(Value::Null),
        "resource" => err
            .0
            .violation
            .as_ref()
            .map(|v| Value::str(&v.resource))
            .unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

fn module_member(m: &Rc<Module>, name: &str) -> VmResult<Value> {
    let found = match &**m {
        Module::Std(def) => def.member(name),
        Module::User { members, .. } => members.borrow().get(name).cloned(),
        Module::Script { env, .. } => env.borrow().get(name),
    };
    found.ok_or_else(|| {
        MlError::new(
            ErrorKind::AttributeError,
            format!("module '{}' has no attribute '{name}'", m.name()),
        )
    })
}

/// A method of a string/array/host value as a callable (`f = s.upper;`).
fn bound_method(recv: &Value, name: &str) -> VmResult<Value> {
    if !super::methods::has_method(recv, name) {
        return Err(no_attribute(recv, name));
    }
    let recv = recv.clone();
    let method: Rc<str> = name.into();
    Ok(Value::native(
        format!("{}.{name}", recv.kind_name()),
        move |vm, args| {
            if super::methods::passes_over(&recv, &method, args) {
                vm.charge(recv.work_size())?;
            }
            super::methods::call_method(vm, &recv, &method, args)
        },
    ))
}

pub fn set_member(obj: &Value, name: &str, v: Value, max_len: usize) -> VmResult<()> {
    match obj {
        Value::Object(o) => {
            let mut o = o.borrow_mut();
            if o.len() >= max_len && o.get_str(name).is_none() {
                return Err(MlError::new(
                    ErrorKind::MemoryError,
                    format!("object would exceed the limit of {max_len} keys"),
                ));
            }
            o.insert(Key::Str(Rc::new(MlStr::new(name))), v);
            Ok(())
        }
        other => Err(MlError::type_error(format!(
            "cannot set attribute '{name}' on '{}' object",
            other.kind_name()
        ))),
    }
}

/// What `recv.name(args)` calls.
pub enum MethodTarget {
    /// A stored function (object entry, module member).
    Value(Value),
    /// A builtin method of the receiver's type.
    Builtin,
}

pub fn method_target(recv: &Value, name: &str) -> VmResult<MethodTarget> {
    match recv {
        Value::Object(o) => {
            let o_ref = o.borrow();
            match o_ref.get_str(name) {
                Some(v) if v.is_callable() => Ok(MethodTarget::Value(v.clone())),
                Some(v) => Err(MlError::type_error(format!(
                    "'{}' object is not callable (property '{name}')",
                    v.kind_name()
                ))),
                None if !o_ref.is_plain() => Ok(MethodTarget::Builtin),
                None => Err(MlError::new(
                    ErrorKind::AttributeError,
                    format!("ML object has no property '{name}'"),
                )),
            }
        }
        Value::Module(m) => Ok(MethodTarget::Value(module_member(m, name)?)),
        Value::Error(e) => {
            let v = error_member(e, name);
            if v.is_callable() {
                Ok(MethodTarget::Value(v))
            } else {
                Err(no_attribute(recv, name))
            }
        }
        Value::Str(_) | Value::Array(_) | Value::Tuple(_) | Value::Host(_) | Value::Bytes(_) => {
            Ok(MethodTarget::Builtin)
        }
        other => Err(no_attribute(other, name)),
    }
}
