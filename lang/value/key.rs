//! Object keys. Keys that are equal as numbers are one key (`1`, `1.0` and
//! `true`), as in Python dicts; the first-inserted form is kept.

use super::{MlStr, Value};
use crate::error::{ErrorKind, MlError, VmResult};
use indexmap::Equivalent;
use num_bigint::BigInt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// An object key: the hashable values, compared as Python compares them (`1`, `1.0` and `true` are one key).
#[derive(Clone)]
pub enum Key {
    /// A string key.
    Str(Rc<MlStr>),
    /// An integer key (also integral floats).
    Int(i64),
    /// A boolean key.
    Bool(bool),
    /// A float key that is not integral (integral floats become `Int`).
    Float(f64),
    /// An integer key outside i64.
    Big(Rc<BigInt>),
    /// The `null` key.
    Null,
    /// A tuple of keys.
    Tuple(Rc<Vec<Key>>),
}

/// Borrowed string key for allocation-free lookups.
pub struct StrKey<'a>(pub &'a str);

const TAG_STR: u8 = 1;
const TAG_NUM: u8 = 2;
const TAG_FLOAT: u8 = 3;
const TAG_BIG: u8 = 4;
const TAG_NULL: u8 = 5;
const TAG_TUPLE: u8 = 6;

impl Key {
    /// The key for a value, or a TypeError for unhashable values.
    pub fn from_value(v: &Value) -> VmResult<Key> {
        Ok(match v {
            Value::Str(s) => Key::Str(s.clone()),
            Value::Int(i) => Key::Int(*i),
            Value::Bool(b) => Key::Bool(*b),
            Value::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    Key::Int(*f as i64)
                } else if f.fract() == 0.0 {
                    // Integral beyond i64: the same key as the equal integer.
                    use num_traits::{FromPrimitive, ToPrimitive};
                    match BigInt::from_f64(*f) {
                        Some(b) => match b.to_i64() {
                            Some(i) => Key::Int(i),
                            None => Key::Big(Rc::new(b)),
                        },
                        None => Key::Float(*f),
                    }
                } else {
                    Key::Float(*f)
                }
            }
            Value::Big(b) => Key::Big(b.clone()),
            Value::Null => Key::Null,
            Value::Tuple(t) => Key::Tuple(Rc::new(
                t.iter().map(Key::from_value).collect::<VmResult<_>>()?,
            )),
            other => {
                return Err(MlError::new(
                    ErrorKind::TypeError,
                    format!("unhashable type: '{}'", other.kind_name()),
                ))
            }
        })
    }

    /// A string key.
    pub fn str(s: &str) -> Key {
        Key::Str(Rc::new(MlStr::new(s)))
    }

    /// The key as a value (what iterating an object gives).
    pub fn to_value(&self) -> Value {
        match self {
            Key::Str(s) => Value::Str(s.clone()),
            Key::Int(i) => Value::Int(*i),
            Key::Bool(b) => Value::Bool(*b),
            Key::Float(f) => Value::Float(*f),
            Key::Big(b) => Value::Big(b.clone()),
            Key::Null => Value::Null,
            Key::Tuple(t) => Value::tuple(t.iter().map(Key::to_value).collect()),
        }
    }

    /// The text of a string key.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Key::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    fn num(&self) -> Option<i64> {
        match self {
            Key::Int(i) => Some(*i),
            Key::Bool(b) => Some(*b as i64),
            _ => None,
        }
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Key::Str(s) => {
                state.write_u8(TAG_STR);
                s.as_str().hash(state);
            }
            Key::Int(_) | Key::Bool(_) => {
                state.write_u8(TAG_NUM);
                state.write_i64(self.num().unwrap_or(0));
            }
            Key::Float(f) => {
                state.write_u8(TAG_FLOAT);
                state.write_u64(f.to_bits());
            }
            Key::Big(b) => {
                state.write_u8(TAG_BIG);
                b.hash(state);
            }
            Key::Null => state.write_u8(TAG_NULL),
            Key::Tuple(items) => {
                state.write_u8(TAG_TUPLE);
                for k in items.iter() {
                    k.hash(state);
                }
            }
        }
    }
}

impl PartialEq for Key {
    #[inline]
    fn eq(&self, other: &Key) -> bool {
        if let (Key::Str(a), Key::Str(b)) = (self, other) {
            return super::object::same_text(a.as_str(), b.as_str());
        }
        self.eq_other(other)
    }
}

impl Key {
    /// [`PartialEq::eq`] for keys that are not both strings.
    fn eq_other(&self, other: &Key) -> bool {
        match (self, other) {
            (Key::Float(a), Key::Float(b)) => a.to_bits() == b.to_bits(),
            (Key::Big(a), Key::Big(b)) => a == b,
            (Key::Null, Key::Null) => true,
            (Key::Tuple(a), Key::Tuple(b)) => a == b,
            _ => match (self.num(), other.num()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }
}

impl Eq for Key {}

impl Hash for StrKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u8(TAG_STR);
        self.0.hash(state);
    }
}

impl Equivalent<Key> for StrKey<'_> {
    #[inline]
    fn equivalent(&self, key: &Key) -> bool {
        matches!(key, Key::Str(s) if super::object::same_text(s.as_str(), self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Object;

    #[test]
    fn numeric_keys_unify() {
        let mut o = Object::new();
        o.insert(Key::from_value(&Value::Int(1)).unwrap(), Value::str("a"));
        o.insert(
            Key::from_value(&Value::Bool(true)).unwrap(),
            Value::str("b"),
        );
        o.insert(
            Key::from_value(&Value::Float(1.0)).unwrap(),
            Value::str("c"),
        );
        assert_eq!(o.len(), 1);
        assert!(matches!(o.keys().next(), Some(Key::Int(1))));
        assert!(!o.is_plain());
    }

    #[test]
    fn str_lookup_without_allocation() {
        let mut o = Object::new();
        o.insert_str("name", Value::Int(3));
        assert!(matches!(o.get_str("name"), Some(Value::Int(3))));
        assert!(o.get_str("other").is_none());
        assert!(o.is_plain());
        assert!(Key::from_value(&Value::array(vec![])).is_err());
    }
}
