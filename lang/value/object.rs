//! Objects (mlpy's dicts): insertion-ordered maps from [`Key`] to
//! [`Value`] with Python's dict semantics.
//!
//! Most objects a program builds are small records (`{x: 1, y: 2}`):
//! those keep their entries in one vector, searched linearly (a string key
//! is first compared by pointer: a literal's keys and the member names
//! that read them are often the same constant). Past [`SMALL`] keys an
//! object moves to a hash map, and stays there until it is cleared.

use super::{Key, MlStr, StrKey, Value};
use indexmap::IndexMap;
use std::rc::Rc;

/// Most keys kept in a linearly searched vector.
const SMALL: usize = 8;

type Map = IndexMap<Key, Value, ahash::RandomState>;

/// An insertion-ordered object (mlpy's dict).
#[derive(Clone)]
pub struct Object {
    repr: Repr,
    /// How many keys are not strings: such objects lose `.name` reads.
    non_str_keys: usize,
}

#[derive(Clone)]
enum Repr {
    /// Up to [`SMALL`] entries in insertion order.
    Small(Vec<(Key, Value)>),
    /// Larger objects (boxed: a small object stays small to move).
    Map(Box<Map>),
}

/// The hash keys every object shares: random once per process (as
/// Python's string hashing is), instead of a fresh `RandomState` (an
/// atomic counter and key mixing) for each object that grows large.
/// Plain `Send + Sync` data.
fn object_hasher() -> ahash::RandomState {
    static STATE: std::sync::OnceLock<ahash::RandomState> = std::sync::OnceLock::new();
    STATE.get_or_init(ahash::RandomState::new).clone()
}

fn new_map(n: usize) -> Repr {
    Repr::Map(Box::new(IndexMap::with_capacity_and_hasher(
        n,
        object_hasher(),
    )))
}

/// Is the string key `k` the text `name`? The same text in memory (a
/// constant name reading a literal's key) matches without a comparison.
#[inline]
fn is_str(k: &Key, name: &str) -> bool {
    match k {
        Key::Str(s) => same_text(s.as_str(), name),
        _ => false,
    }
}

/// `a == b`, short keys compared in line rather than by a `memcmp` call.
#[inline]
pub(super) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len()
        && (std::ptr::eq(a.as_ptr(), b.as_ptr())
            || if a.len() <= 16 {
                a.iter().zip(b).all(|(x, y)| x == y)
            } else {
                a == b
            })
}

/// A large object's lookup, out of line (small objects' stays in line).
#[inline(never)]
fn map_get_str<'a>(m: &'a Map, key: &str) -> Option<&'a Value> {
    m.get(&StrKey(key))
}

impl Default for Object {
    fn default() -> Object {
        Object::new()
    }
}

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object {
            repr: Repr::Small(Vec::new()),
            non_str_keys: 0,
        }
    }
    /// An empty object with room for `n` entries.
    pub fn with_capacity(n: usize) -> Object {
        Object {
            repr: if n <= SMALL {
                Repr::Small(Vec::with_capacity(n))
            } else {
                new_map(n)
            },
            non_str_keys: 0,
        }
    }
    /// Number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Small(v) => v.len(),
            Repr::Map(m) => m.len(),
        }
    }
    /// Has it no entries?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// True when every key is a string (a "plain" object).
    #[inline]
    pub fn is_plain(&self) -> bool {
        self.non_str_keys == 0
    }
    /// The value under the string key `key`, without building a [`Key`].
    #[inline(always)]
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        match &self.repr {
            Repr::Small(v) => v.iter().find(|(k, _)| is_str(k, key)).map(|(_, v)| v),
            Repr::Map(m) => map_get_str(m, key),
        }
    }
    /// The value under `key`.
    pub fn get(&self, key: &Key) -> Option<&Value> {
        match &self.repr {
            Repr::Small(v) => v.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Repr::Map(m) => m.get(key),
        }
    }
    /// The entry at `index` in insertion order.
    pub fn get_index(&self, index: usize) -> Option<(&Key, &Value)> {
        match &self.repr {
            Repr::Small(v) => v.get(index).map(|(k, v)| (k, v)),
            Repr::Map(m) => m.get_index(index),
        }
    }
    /// The last entry in insertion order.
    pub fn last(&self) -> Option<(&Key, &Value)> {
        self.len().checked_sub(1).and_then(|i| self.get_index(i))
    }
    /// Sets `key`; a new key goes last, an existing one keeps its place
    /// (and its first-inserted form: `1` stays `1` after `o[1.0] = ...`).
    pub fn insert(&mut self, key: Key, value: Value) {
        let is_str = matches!(key, Key::Str(_));
        let added = match &mut self.repr {
            Repr::Small(v) => {
                if let Some((_, slot)) = v.iter_mut().find(|(k, _)| *k == key) {
                    *slot = value;
                    false
                } else if v.len() < SMALL {
                    v.push((key, value));
                    true
                } else {
                    self.grow().insert(key, value);
                    true
                }
            }
            // One lookup: an existing key keeps its place and its first key.
            Repr::Map(m) => m.insert(key, value).is_none(),
        };
        if added && !is_str {
            self.non_str_keys += 1;
        }
    }
    /// Sets the string key `key`, as [`Object::insert`].
    pub fn insert_str(&mut self, key: &str, value: Value) {
        let slot = match &mut self.repr {
            Repr::Small(v) => v.iter_mut().find(|(k, _)| is_str(k, key)).map(|(_, v)| v),
            Repr::Map(m) => m.get_mut(&StrKey(key)),
        };
        match slot {
            Some(slot) => *slot = value,
            None => self.insert(Key::Str(Rc::new(MlStr::new(key))), value),
        }
    }
    /// Moves a full small object to a hash map; returns the map.
    fn grow(&mut self) -> &mut Map {
        if let Repr::Small(v) = &mut self.repr {
            let mut map = Map::with_capacity_and_hasher(2 * SMALL, object_hasher());
            map.extend(v.drain(..));
            self.repr = Repr::Map(Box::new(map));
        }
        match &mut self.repr {
            Repr::Map(m) => m,
            Repr::Small(_) => unreachable!("just grown"),
        }
    }
    /// Removes `key`, keeping the others' order.
    pub fn remove(&mut self, key: &Key) -> Option<Value> {
        let removed = match &mut self.repr {
            Repr::Small(v) => v.iter().position(|(k, _)| k == key).map(|i| v.remove(i).1),
            Repr::Map(m) => m.shift_remove(key),
        };
        if removed.is_some() && !matches!(key, Key::Str(_)) {
            self.non_str_keys -= 1;
        }
        removed
    }
    /// Removes every entry.
    pub fn clear(&mut self) {
        *self = Object::new();
    }
    /// The keys, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Key> + ExactSizeIterator {
        self.iter().map(|(k, _)| k)
    }
    /// The values, in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.iter().map(|(_, v)| v)
    }
    /// The entries, in order.
    pub fn iter(&self) -> Iter<'_> {
        match &self.repr {
            Repr::Small(v) => Iter::Small(v.iter()),
            Repr::Map(m) => Iter::Map(m.iter()),
        }
    }
    /// Takes every value out (the object is left empty), in order.
    pub fn drain_values(&mut self) -> Vec<Value> {
        match std::mem::take(self).repr {
            Repr::Small(v) => v.into_iter().map(|(_, v)| v).collect(),
            Repr::Map(m) => m.into_values().collect(),
        }
    }
}

/// The entries of an object, in order.
pub enum Iter<'a> {
    Small(std::slice::Iter<'a, (Key, Value)>),
    Map(indexmap::map::Iter<'a, Key, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Key, &'a Value);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(i) => i.next().map(|(k, v)| (k, v)),
            Iter::Map(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Small(i) => i.size_hint(),
            Iter::Map(i) => i.size_hint(),
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(i) => i.next_back().map(|(k, v)| (k, v)),
            Iter::Map(i) => i.next_back(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(o: &Object) -> Vec<String> {
        o.keys()
            .map(|k| super::super::py_repr(&k.to_value()))
            .collect()
    }

    #[test]
    fn order_and_semantics_hold_across_the_move_to_a_map() {
        for n in [SMALL - 1, SMALL, SMALL + 1, 3 * SMALL] {
            let mut o = Object::new();
            for i in 0..n {
                o.insert_str(&format!("k{i}"), Value::Int(i as i64));
            }
            o.insert(Key::Int(1), Value::Int(-1));
            // `true` and `1.0` are the key `1`: the first form stays.
            o.insert(Key::Bool(true), Value::Int(-2));
            assert_eq!(o.len(), n + 1);
            assert!(!o.is_plain());
            assert!(matches!(o.get(&Key::Int(1)), Some(Value::Int(-2))));
            assert_eq!(keys(&o).last().map(String::as_str), Some("1"));
            // Removing keeps the others' order; re-adding goes last.
            assert!(o.remove(&Key::str("k0")).is_some());
            o.insert_str("k0", Value::Null);
            let ks = keys(&o);
            assert_eq!(ks[0], if n > 1 { "'k1'" } else { "1" });
            assert_eq!(ks.last().map(String::as_str), Some("'k0'"));
            assert!(o.remove(&Key::Bool(true)).is_some());
            assert!(o.is_plain());
            assert_eq!(o.len(), n);
            let name = format!("k{}", 0);
            assert!(matches!(o.get_str(&name), Some(Value::Null)));
            assert!(o.get_str("absent").is_none());
            assert_eq!(o.iter().rev().count(), n);
            assert_eq!(o.drain_values().len(), n);
            assert!(o.is_empty());
        }
    }
}
