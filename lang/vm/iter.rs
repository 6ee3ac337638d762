//! Iteration over arrays, tuples, strings, object keys and iterators
//! (`for ... in`, `iter`/`next`, destructuring).

use crate::error::{arity, MlError, VmResult};
use crate::limits::Meter;
use crate::native::BuiltinDef;
use crate::value::{int_arg, List, MlStr, ObjCell, TupleItems, Value};
use std::rc::Rc;

pub enum Iter {
    /// Live view: items appended during the loop are visited (as Python).
    Array {
        list: Rc<List>,
        index: usize,
    },
    Tuple {
        items: Rc<TupleItems>,
        index: usize,
    },
    Str {
        text: Rc<MlStr>,
        byte: usize,
    },
    /// Object keys; changing the object's size while iterating is an error.
    Keys {
        obj: Rc<ObjCell>,
        index: usize,
        len: usize,
    },
    Items {
        items: Vec<Value>,
        index: usize,
    },
    /// `for (x in range(...))`: the integers, without the array.
    Range {
        next: i128,
        step: i64,
        left: u64,
    },
}

impl Iter {
    pub fn new(v: &Value) -> VmResult<Iter> {
        Ok(match v {
            Value::Array(a) => Iter::Array {
                list: a.clone(),
                index: 0,
            },
            Value::Tuple(t) => Iter::Tuple {
                items: t.clone(),
                index: 0,
            },
            Value::Str(s) => Iter::Str {
                text: s.clone(),
                byte: 0,
            },
            Value::Object(o) => Iter::Keys {
                len: o.borrow().len(),
                obj: o.clone(),
                index: 0,
            },
            Value::Bytes(b) => Iter::Items {
                items: b.iter().map(|&x| Value::Int(x as i64)).collect(),
                index: 0,
            },
            Value::Iter(it) => {
                // Iterating an iterator drains it: snapshot the rest.
                let mut items = Vec::new();
                while let Some(v) = it.borrow_mut().next()? {
                    items.push(v);
                }
                Iter::Items { items, index: 0 }
            }
            other => {
                return Err(MlError::type_error(format!(
                    "'{}' object is not iterable",
                    other.kind_name()
                )))
            }
        })
    }

    /// The next item; fallible, so not `Iterator::next`. Ranges and
    /// arrays (most loops) in line, the other kinds out of line.
    #[allow(clippy::should_implement_trait)]
    #[inline]
    pub fn next(&mut self) -> VmResult<Option<Value>> {
        match self {
            Iter::Range { next, step, left } => {
                if *left == 0 {
                    return Ok(None);
                }
                *left -= 1;
                let v = *next as i64;
                *next += *step as i128;
                Ok(Some(Value::Int(v)))
            }
            Iter::Array { list, index } => {
                let v = list.borrow().get(*index).cloned();
                *index += 1;
                Ok(v)
            }
            _ => self.next_other(),
        }
    }

    #[inline(never)]
    fn next_other(&mut self) -> VmResult<Option<Value>> {
        Ok(match self {
            Iter::Range { .. } | Iter::Array { .. } => return self.next(),
            Iter::Tuple { items, index } => {
                let v = items.get(*index).cloned();
                *index += 1;
                v
            }
            Iter::Str { text, byte } => {
                let s = text.as_str();
                match s[*byte..].chars().next() {
                    Some(c) => {
                        *byte += c.len_utf8();
                        let mut buf = [0u8; 4];
                        Some(Value::str(c.encode_utf8(&mut buf)))
                    }
                    None => None,
                }
            }
            Iter::Keys { obj, index, len } => {
                let o = obj.borrow();
                if o.len() != *len {
                    return Err(MlError::runtime("dictionary changed size during iteration"));
                }
                let k = o.get_index(*index).map(|(k, _)| k.to_value());
                *index += 1;
                k
            }
            Iter::Items { items, index } => {
                let v = items.get(*index).cloned();
                *index += 1;
                v
            }
        })
    }
}

/// The values of an object, in order, copied under the meter.
pub fn object_values(o: &crate::value::ObjCell, meter: &mut Meter) -> VmResult<Vec<Value>> {
    let o = o.borrow();
    let mut out = Vec::with_capacity(o.len());
    for (_, v) in o.iter() {
        meter.charge(1)?;
        out.push(v.clone());
    }
    Ok(out)
}

/// A copy of `items`, made chunk by chunk under the meter.
pub fn copy(items: &[Value], meter: &mut Meter) -> VmResult<Vec<Value>> {
    let mut out = Vec::with_capacity(items.len());
    meter.extend_repeated(&mut out, items, 1)?;
    Ok(out)
}

/// All items of an iterable, capped at `max` items; charges the meter one
/// unit per item built.
pub fn collect(v: &Value, max: usize, meter: &mut Meter) -> VmResult<Vec<Value>> {
    match v {
        Value::Array(a) => copy(&a.borrow(), meter),
        Value::Tuple(t) => copy(t, meter),
        Value::Object(o) => {
            let o = o.borrow();
            let mut out = Vec::with_capacity(o.len());
            for k in o.keys() {
                meter.charge(1)?;
                out.push(k.to_value());
            }
            Ok(out)
        }
        _ => {
            let mut it = Iter::new(v)?;
            let mut out = Vec::new();
            while let Some(x) = it.next()? {
                meter.charge(1)?;
                if out.len() >= max {
                    return Err(MlError::new(
                        crate::error::ErrorKind::MemoryError,
                        "iterable too large",
                    ));
                }
                out.push(x);
            }
            Ok(out)
        }
    }
}

/// `range`'s arguments checked as `range` checks them: (start, step,
/// number of items).
pub fn range_params(args: &[Value]) -> VmResult<(i64, i64, u64)> {
    arity("range", args, 1, 3)?;
    let ints: Vec<i64> = args
        .iter()
        .map(|a| match a {
            Value::Float(_) => Err(MlError::type_error(
                "'float' object cannot be interpreted as an integer",
            )),
            other => int_arg("range", other),
        })
        .collect::<VmResult<_>>()?;
    let (start, stop, step) = match ints.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        _ => unreachable!(),
    };
    if step == 0 {
        return Err(MlError::value_error("range() arg 3 must not be zero"));
    }
    // At most 2^64 - 1 items: the difference of two i64 fits in a u64.
    let count = if step > 0 && stop > start {
        (stop as i128 - start as i128 - 1) / step as i128 + 1
    } else if step < 0 && start > stop {
        (start as i128 - stop as i128 - 1) / (-(step as i128)) + 1
    } else {
        0
    };
    Ok((start, step, count as u64))
}

/// Whether `def` is the `range` builtin (a `for` loop over a call to it
/// iterates without building the array: see `Op::RangeIter`).
pub fn is_range(def: &BuiltinDef) -> bool {
    def.module == "builtin" && def.name == "range"
}
