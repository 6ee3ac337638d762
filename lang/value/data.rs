//! Plain data: the form in which values cross into hosts, JSON output and
//! spec files. Non-finite floats serialise as `"nan"`, `"inf"`, `"-inf"`;
//! big integers as exact JSON numbers; functions and host objects as
//! descriptive strings such as `"<function fib>"`.

use super::{py_repr, Key, Object, Value};
use indexmap::IndexMap;
use num_bigint::BigInt;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A value as plain, thread-safe data (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer that fits in i64.
    Int(i64),
    /// An integer outside i64, exact.
    Big(BigInt),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// An array or tuple.
    Array(Vec<Data>),
    /// An object, in insertion order, keys as text.
    Object(IndexMap<String, Data>),
}

/// Containers nested deeper than this convert to `"<nested too deep>"`.
const MAX_DEPTH: usize = 500;

/// Most items (values of any kind) one conversion to plain data produces.
pub const MAX_DATA_ITEMS: usize = 4 << 20;
/// Most bytes of text one conversion to plain data copies.
pub const MAX_DATA_BYTES: usize = 64 << 20;

impl Data {
    /// Converts a runtime value to plain data. Tuples become arrays and
    /// non-string object keys become their display text. A value past
    /// [`MAX_DATA_ITEMS`] items or [`MAX_DATA_BYTES`] bytes of text (a big
    /// array, or one shared many times over) converts to the string
    /// `"<too large: ...>"` instead: a result or a global can never take
    /// unbounded time or memory after the run.
    pub fn from_value(v: &Value) -> Data {
        let mut c = Convert {
            stack: Vec::new(),
            items: MAX_DATA_ITEMS,
            bytes: MAX_DATA_BYTES,
        };
        let d = convert(v, &mut c);
        if c.items == 0 || c.bytes == 0 {
            return too_large();
        }
        d
    }

    /// Builds a runtime value from plain data.
    pub fn to_value(&self) -> Value {
        match self {
            Data::Null => Value::Null,
            Data::Bool(b) => Value::Bool(*b),
            Data::Int(i) => Value::Int(*i),
            Data::Big(b) => Value::from_big(b.clone()),
            Data::Float(f) => Value::Float(*f),
            Data::Str(s) => Value::str(s),
            Data::Array(items) => Value::array(items.iter().map(Data::to_value).collect()),
            Data::Object(map) => {
                let mut obj = Object::with_capacity(map.len());
                for (k, v) in map {
                    obj.insert_str(k, v.to_value());
                }
                Value::object(obj)
            }
        }
    }

    /// The ML type name (`int`, `string`, `array`, ...) for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Data::Null => "null",
            Data::Bool(_) => "boolean",
            Data::Int(_) | Data::Big(_) => "int",
            Data::Float(_) => "float",
            Data::Str(_) => "string",
            Data::Array(_) => "array",
            Data::Object(_) => "object",
        }
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "null".into())
    }

    /// Parses JSON text (integers stay exact, big ones become `Big`).
    pub fn from_json(text: &str) -> Result<Data, serde_json::Error> {
        serde_json::from_str(text)
    }
}

impl From<i64> for Data {
    fn from(i: i64) -> Data {
        Data::Int(i)
    }
}
impl From<f64> for Data {
    fn from(f: f64) -> Data {
        Data::Float(f)
    }
}
impl From<bool> for Data {
    fn from(b: bool) -> Data {
        Data::Bool(b)
    }
}
impl From<&str> for Data {
    fn from(s: &str) -> Data {
        Data::Str(s.to_string())
    }
}
impl From<String> for Data {
    fn from(s: String) -> Data {
        Data::Str(s)
    }
}
impl From<Vec<Data>> for Data {
    fn from(v: Vec<Data>) -> Data {
        Data::Array(v)
    }
}

struct Convert {
    stack: Vec<usize>,
    /// Items and bytes still allowed; 0 means the budget is spent.
    items: usize,
    bytes: usize,
}

fn too_large() -> Data {
    Data::Str(format!(
        "<too large: more than {MAX_DATA_ITEMS} items or {MAX_DATA_BYTES} bytes of text>"
    ))
}

/// Converts items until the budget is spent.
fn convert_items(items: &[Value], c: &mut Convert) -> Vec<Data> {
    let mut out = Vec::with_capacity(items.len().min(c.items));
    for x in items {
        if c.items == 0 || c.bytes == 0 {
            break;
        }
        out.push(convert(x, c));
    }
    out
}

fn convert(v: &Value, c: &mut Convert) -> Data {
    if c.items == 0 || c.bytes == 0 {
        return Data::Null;
    }
    c.items -= 1;
    if let Some(ptr) = v.heap_ptr() {
        if c.stack.len() >= MAX_DEPTH || c.stack.contains(&ptr) {
            return Data::Str("<...>".into());
        }
        c.stack.push(ptr);
    }
    let out = match v {
        Value::Null | Value::Undef => Data::Null,
        Value::Bool(b) => Data::Bool(*b),
        Value::Int(i) => Data::Int(*i),
        Value::Big(b) => Data::Big((**b).clone()),
        Value::Float(f) => Data::Float(*f),
        Value::Str(s) => {
            let text = s.as_str();
            c.bytes = c.bytes.saturating_sub(text.len());
            if c.bytes == 0 {
                Data::Null
            } else {
                Data::Str(text.to_string())
            }
        }
        Value::Array(a) => Data::Array(convert_items(&a.borrow(), c)),
        Value::Tuple(t) => Data::Array(convert_items(t, c)),
        Value::Object(o) => {
            let o = o.borrow();
            let mut map = IndexMap::with_capacity(o.len().min(c.items));
            for (k, item) in o.iter() {
                if c.items == 0 {
                    break;
                }
                let key = match k {
                    Key::Str(s) => s.as_str().to_string(),
                    other => super::py_str(&other.to_value()),
                };
                map.insert(key, convert(item, c));
            }
            Data::Object(map)
        }
        Value::Cell(cell) => convert(&cell.borrow(), c),
        Value::Host(_) if v.as_int().is_some() => Data::Int(v.as_int().unwrap_or(0)),
        Value::Error(e) => Data::Str(format!("<{}: {}>", e.error.kind(), e.error.message())),
        other => Data::Str(py_repr(other)),
    };
    if v.heap_ptr().is_some() {
        c.stack.pop();
    }
    out
}

impl Serialize for Data {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Data::Null => s.serialize_unit(),
            Data::Bool(b) => s.serialize_bool(*b),
            Data::Int(i) => s.serialize_i64(*i),
            Data::Big(b) => {
                // Exact digits: serde_json's arbitrary_precision number.
                let n: serde_json::Number =
                    b.to_string().parse().map_err(serde::ser::Error::custom)?;
                n.serialize(s)
            }
            Data::Float(f) => {
                if f.is_nan() {
                    s.serialize_str("nan")
                } else if f.is_infinite() {
                    s.serialize_str(if *f > 0.0 { "inf" } else { "-inf" })
                } else {
                    s.serialize_f64(*f)
                }
            }
            Data::Str(t) => s.serialize_str(t),
            Data::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Data::Object(map) => {
                let mut m = s.serialize_map(Some(map.len()))?;
                for (k, v) in map {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Data {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Data, D::Error> {
        d.deserialize_any(DataVisitor)
    }
}

struct DataVisitor;

impl<'de> Visitor<'de> for DataVisitor {
    type Value = Data;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("plain data (null, boolean, number, string, array or table)")
    }
    fn visit_unit<E>(self) -> Result<Data, E> {
        Ok(Data::Null)
    }
    fn visit_none<E>(self) -> Result<Data, E> {
        Ok(Data::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Data, D::Error> {
        Data::deserialize(d)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Data, E> {
        Ok(Data::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Data, E> {
        Ok(Data::Int(i))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Data, E> {
        Ok(match i64::try_from(u) {
            Ok(i) => Data::Int(i),
            Err(_) => Data::Big(BigInt::from(u)),
        })
    }
    fn visit_i128<E>(self, i: i128) -> Result<Data, E> {
        Ok(match i64::try_from(i) {
            Ok(i) => Data::Int(i),
            Err(_) => Data::Big(BigInt::from(i)),
        })
    }
    fn visit_u128<E>(self, u: u128) -> Result<Data, E> {
        Ok(match i64::try_from(u) {
            Ok(i) => Data::Int(i),
            Err(_) => Data::Big(BigInt::from(u)),
        })
    }
    fn visit_f64<E>(self, f: f64) -> Result<Data, E> {
        Ok(Data::Float(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Data, E> {
        Ok(Data::Str(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Data, E> {
        Ok(Data::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Data, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Data::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Data, A::Error> {
        let mut out = IndexMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "$serde_json::private::Number" {
                // arbitrary_precision numbers arrive as a one-entry map.
                let text: String = map.next_value()?;
                return parse_number(&text).map_err(de::Error::custom);
            }
            let value: Data = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Data::Object(out))
    }
}

/// A JSON number's text: integers stay exact, anything else is a float.
pub fn parse_number(text: &str) -> Result<Data, String> {
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Data::Int(i));
        }
        if let Ok(b) = text.parse::<BigInt>() {
            return Ok(Data::Big(b));
        }
    }
    text.parse::<f64>()
        .map(Data::Float)
        .map_err(|e| format!("bad number {text}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_exact_ints() {
        let d = Data::from_json(
            r#"{"a": 1, "b": 2.5, "c": 123456789012345678901234567890, "d": [true, null]}"#,
        )
        .unwrap();
        let Data::Object(m) = &d else { panic!() };
        assert_eq!(m["a"], Data::Int(1));
        assert_eq!(m["b"], Data::Float(2.5));
        assert!(matches!(m["c"], Data::Big(_)));
        assert_eq!(
            d.to_json(),
            r#"{"a":1,"b":2.5,"c":123456789012345678901234567890,"d":[true,null]}"#
        );
    }

    #[test]
    fn non_finite_floats_are_strings() {
        assert_eq!(Data::Float(f64::NAN).to_json(), "\"nan\"");
        assert_eq!(Data::Float(f64::NEG_INFINITY).to_json(), "\"-inf\"");
        assert_eq!(Data::Float(1.0).to_json(), "1.0");
    }

    #[test]
    fn values_convert() {
        let v = Value::tuple(vec![Value::Int(1), Value::str("x")]);
        assert_eq!(
            Data::from_value(&v),
            Data::Array(vec![Data::Int(1), Data::Str("x".into())])
        );
        let back = Data::Array(vec![Data::Int(1)]).to_value();
        assert!(matches!(back, Value::Array(_)));
    }
}
