//! Runtime values of the ML virtual machine.
//!
//! Values live inside one execution (or one session) and are reference
//! counted with `Rc`: the VM is single-threaded per execution. What crosses
//! threads or reaches a host is [`Data`], the plain-data form.

mod data;
mod display;
mod key;
mod object;
pub mod ops;

pub use data::Data;
pub use display::{ml_str, py_repr, py_str, try_display, Style};
pub use key::{Key, StrKey};
pub use object::Object;
pub use ops::{compare, compare_m, values_equal, values_equal_m};

use crate::error::{ErrorKind, MlError, VmResult};
use crate::vm::Vm;
use indexmap::IndexMap;
use num_bigint::BigInt;
use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// A runtime value. 16 bytes: every heap variant is a thin `Rc`.
///
/// `repr(u64)` puts every payload at byte 8 behind a full-word tag, so a
/// value moves as two words; with the default layout a `Bool` lives at
/// byte 1 and every copy of a value moved bytes 1..8 piecewise, which
/// stalled the dispatch loop on partial store forwarding.
#[derive(Default)]
#[repr(u64)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in i64.
    Int(i64),
    /// A float (IEEE double).
    Float(f64),
    /// Only for integers outside i64; results that fit go back to `Int`.
    Big(Rc<BigInt>),
    /// A string.
    Str(Rc<MlStr>),
    /// A mutable array, shared by reference.
    Array(Rc<List>),
    /// An immutable tuple.
    Tuple(Rc<TupleItems>),
    /// A mutable object (mlpy's dict), shared by reference.
    Object(Rc<ObjCell>),
    /// A function written in ML, with its captured variables.
    Function(Rc<crate::vm::Closure>),
    /// A static builtin or stdlib function.
    Builtin(&'static crate::native::BuiltinDef),
    /// A native function with captured state (bound methods, combinators).
    Native(Rc<NativeFn>),
    /// An imported module.
    Module(Rc<Module>),
    /// A native object with methods (regex Pattern, DateTime, ...).
    Host(Rc<HostBox>),
    /// Binary data (`readBytes`, hashes).
    Bytes(Rc<Vec<u8>>),
    /// A caught error, as `except (e)` binds it.
    Error(Rc<ErrorObj>),
    /// A lazy iterator (ranges, `enumerate`, ...).
    Iter(Rc<RefCell<crate::vm::iter::Iter>>),
    /// A captured variable (VM-internal; never visible to ML code).
    Cell(Rc<RefCell<Value>>),
    /// An unassigned variable (VM-internal).
    Undef,
}

impl Clone for Value {
    /// Inlined (the derived version is an out-of-line call on the VM's
    /// hottest paths). Raises the count of a heap variant's `Rc`, then
    /// copies the value whole: built field by field, a clone left partial
    /// stores that the next whole-value load had to wait for.
    #[inline(always)]
    fn clone(&self) -> Value {
        use std::mem::forget;
        match self {
            Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Builtin(_)
            | Value::Undef => {}
            Value::Big(b) => forget(b.clone()),
            Value::Str(s) => forget(s.clone()),
            Value::Array(a) => forget(a.clone()),
            Value::Tuple(t) => forget(t.clone()),
            Value::Object(o) => forget(o.clone()),
            Value::Function(f) => forget(f.clone()),
            Value::Native(n) => forget(n.clone()),
            Value::Module(m) => forget(m.clone()),
            Value::Host(h) => forget(h.clone()),
            Value::Bytes(b) => forget(b.clone()),
            Value::Error(e) => forget(e.clone()),
            Value::Iter(i) => forget(i.clone()),
            Value::Cell(c) => forget(c.clone()),
        }
        // SAFETY: a heap variant's count was raised just above by the
        // forgotten clone, so this bitwise copy is one more owner of it, as
        // `Rc::clone` makes; the other variants own nothing.
        unsafe { std::ptr::read(self) }
    }
}

/// An immutable string with its length in code points. Texts of up to
/// [`INLINE`] bytes (keys, numbers, words) live inside the string itself,
/// so the `Rc` holding it is their only allocation.
pub struct MlStr {
    text: Text,
    chars: usize,
}

/// Bytes of text kept inline (the size of the `Heap` variant and more).
const INLINE: usize = 22;

enum Text {
    /// The first `len` bytes of `bytes`, copied whole from a `str`.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Box<str>),
}

impl MlStr {
    /// A string, its length counted once.
    pub fn new(text: impl Into<Box<str>> + AsRef<str>) -> MlStr {
        let t = text.as_ref();
        let chars = if t.is_ascii() {
            t.len()
        } else {
            t.chars().count()
        };
        let text = if t.len() <= INLINE {
            inline(&[t])
        } else {
            Text::Heap(text.into())
        };
        MlStr { text, chars }
    }
    /// `a` then `b`, built at its exact size, its length known.
    pub fn concat(a: &MlStr, b: &MlStr) -> MlStr {
        let (x, y) = (a.as_str(), b.as_str());
        let text = if x.len() + y.len() <= INLINE {
            inline(&[x, y])
        } else {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Text::Heap(s.into_boxed_str())
        };
        MlStr {
            text,
            chars: a.chars + b.chars,
        }
    }
    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.text {
            Text::Inline { len, bytes } => {
                // SAFETY: `inline` copied exactly `len` bytes, whole `str`s
                // one after another, to the start of `bytes`: they are UTF-8.
                unsafe { std::str::from_utf8_unchecked(bytes.get_unchecked(..*len as usize)) }
            }
            Text::Heap(s) => s,
        }
    }
    /// Length in code points.
    #[inline]
    pub fn char_len(&self) -> usize {
        self.chars
    }
    /// Length in bytes.
    #[inline]
    pub fn byte_len(&self) -> usize {
        match &self.text {
            Text::Inline { len, .. } => *len as usize,
            Text::Heap(s) => s.len(),
        }
    }
    /// Is every character ASCII (so byte and code-point indices agree)?
    #[inline]
    pub fn is_ascii(&self) -> bool {
        self.chars == self.byte_len()
    }
    /// The code point at `index` (0-based, in range).
    pub fn char_at(&self, index: usize) -> Option<char> {
        if self.is_ascii() {
            self.as_str().as_bytes().get(index).map(|&b| b as char)
        } else {
            self.as_str().chars().nth(index)
        }
    }
}

/// The texts `parts` (at most [`INLINE`] bytes together) one after another.
fn inline(parts: &[&str]) -> Text {
    let mut bytes = [0u8; INLINE];
    let mut len = 0;
    for p in parts {
        bytes[len..len + p.len()].copy_from_slice(p.as_bytes());
        len += p.len();
    }
    Text::Inline {
        len: len as u8,
        bytes,
    }
}

impl fmt::Debug for MlStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// A native function value with state.
pub struct NativeFn {
    /// The name it shows (`<function name>`) and reports errors under.
    pub name: Rc<str>,
    /// The implementation, with its state captured.
    #[allow(clippy::type_complexity)]
    pub func: Box<dyn Fn(&mut Vm, &[Value]) -> VmResult<Value>>,
}

/// An imported module: a stdlib module or a user ML module.
pub enum Module {
    /// A native module from the VM's registry.
    Std(&'static crate::native::ModuleDef),
    /// A namespace holding submodules (`a` of `import a.b;`).
    User {
        /// The namespace's name.
        name: Rc<str>,
        /// The submodules imported into it.
        members: RefCell<IndexMap<Rc<str>, Value, ahash::RandomState>>,
    },
    /// A user ML module: members read its live top-level variables.
    Script {
        /// The module's name (`a.b`).
        name: Rc<str>,
        /// Its top-level variables.
        env: RefCell<crate::vm::Env>,
    },
}

impl Module {
    /// The name `import` took.
    pub fn name(&self) -> &str {
        match self {
            Module::Std(def) => def.name,
            Module::User { name, .. } | Module::Script { name, .. } => name,
        }
    }
}

/// A host object (regex Pattern, DateTime, HttpResponse, Logger, ...).
pub trait HostObject: Any {
    /// The class name, which is also what `typeof` reports.
    fn class_name(&self) -> &'static str;
    /// Calls method `name`. `None` when there is no such method.
    fn call_method(&self, vm: &mut Vm, name: &str, args: &[Value]) -> Option<VmResult<Value>>;
    /// Reads property `name` (not a method call).
    fn get_property(&self, _vm: &mut Vm, _name: &str) -> Option<Value> {
        None
    }
    /// Method names, for `methods()` and `hasattr`.
    fn method_names(&self) -> &'static [&'static str];
    /// Text for `str()`/`print`.
    fn display(&self) -> String {
        format!("<{}>", self.class_name())
    }
    /// The integer this object stands for when it is one of Python's int
    /// subclasses (regex flags): arithmetic, comparisons, integer arguments
    /// and plain data then treat it as that integer.
    fn int_value(&self) -> Option<i64> {
        None
    }
    /// The object as `Any`, for downcasting to its own type.
    fn as_any(&self) -> &dyn Any;
}

/// A host object behind one pointer (keeps `Value` two words).
pub struct HostBox(pub Box<dyn HostObject>);

/// What `except (e)` binds: a caught error.
pub struct ErrorObj {
    /// The error that was caught.
    pub error: MlError,
}

impl Value {
    /// A string value.
    #[inline]
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::new(MlStr::new(s)))
    }
    /// A string value, taking the `String`.
    #[inline]
    pub fn string(s: String) -> Value {
        Value::Str(Rc::new(MlStr::new(s)))
    }
    /// A new array.
    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(List(RefCell::new(items))))
    }
    /// A new tuple.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(TupleItems(items)))
    }
    /// A new object value.
    pub fn object(obj: Object) -> Value {
        Value::Object(Rc::new(ObjCell(RefCell::new(obj))))
    }
    /// A host object value.
    pub fn host(obj: impl HostObject) -> Value {
        Value::Host(Rc::new(HostBox(Box::new(obj))))
    }
    /// A native function value named `name` (bound methods, combinators).
    pub fn native(
        name: impl Into<Rc<str>>,
        func: impl Fn(&mut Vm, &[Value]) -> VmResult<Value> + 'static,
    ) -> Value {
        Value::Native(Rc::new(NativeFn {
            name: name.into(),
            func: Box::new(func),
        }))
    }
    /// An integer from a big integer, back in i64 when it fits.
    pub fn from_big(b: BigInt) -> Value {
        use num_traits::ToPrimitive;
        match b.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::Big(Rc::new(b)),
        }
    }

    /// Truthiness (section 4.1).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null | Value::Undef => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Big(_) => true,
            Value::Str(s) => s.byte_len() != 0,
            Value::Array(a) => !a.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Object(o) => !o.borrow().is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            _ => true,
        }
    }

    /// What `typeof` returns (mlpy-compatible).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) | Value::Big(_) => "number",
            Value::Str(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Function(_) | Value::Builtin(_) | Value::Native(_) => "function",
            Value::Host(h) if h.0.int_value().is_some() => "number",
            Value::Host(h) => h.0.class_name(),
            _ => "unknown",
        }
    }

    /// A precise kind name for error messages ("int", "str", "list", ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null | Value::Undef => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Big(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "string",
            Value::Array(_) => "array",
            Value::Tuple(_) => "tuple",
            Value::Object(_) => "object",
            Value::Function(_) | Value::Builtin(_) | Value::Native(_) => "function",
            Value::Module(_) => "module",
            Value::Host(h) => h.0.class_name(),
            Value::Bytes(_) => "bytes",
            Value::Error(_) => "error",
            Value::Iter(_) => "iterator",
            Value::Cell(_) => "cell",
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// Can it be called (ML function, builtin or native function)?
    pub fn is_callable(&self) -> bool {
        matches!(
            self,
            Value::Function(_) | Value::Builtin(_) | Value::Native(_)
        )
    }

    /// Integer value of an int or boolean.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(*b as i64),
            Value::Host(h) => h.0.int_value(),
            _ => None,
        }
    }

    /// Numeric value as f64 for ints, bools, floats and big ints.
    pub fn as_f64(&self) -> Option<f64> {
        use num_traits::ToPrimitive;
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Bool(b) => Some(*b as i64 as f64),
            Value::Float(f) => Some(*f),
            Value::Big(b) => Some(b.to_f64().unwrap_or(f64::INFINITY)),
            Value::Host(h) => h.0.int_value().map(|i| i as f64),
            _ => None,
        }
    }

    /// Is it a number (int, float, big int, bool, or an int-like host object)?
    pub fn is_number(&self) -> bool {
        match self {
            Value::Int(_) | Value::Float(_) | Value::Big(_) | Value::Bool(_) => true,
            Value::Host(h) => h.0.int_value().is_some(),
            _ => false,
        }
    }

    /// An int subclass (a regex flag) as the plain `Int` it stands for;
    /// any other value as it is.
    pub fn as_plain(&self) -> std::borrow::Cow<'_, Value> {
        match self {
            Value::Host(h) => match h.0.int_value() {
                Some(i) => std::borrow::Cow::Owned(Value::Int(i)),
                None => std::borrow::Cow::Borrowed(self),
            },
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    /// Work units (see `Vm::charge`) of one pass over this value's top
    /// level: what an operation whose work grows with its input pays.
    #[inline]
    pub fn work_size(&self) -> usize {
        match self {
            Value::Str(s) => crate::limits::byte_cost(s.byte_len()),
            Value::Big(b) => (b.bits() / 16) as usize,
            Value::Array(a) => a.borrow().len(),
            Value::Tuple(t) => t.len(),
            Value::Object(o) => o.borrow().len(),
            Value::Bytes(b) => crate::limits::byte_cost(b.len()),
            _ => 0,
        }
    }

    /// Identity of heap values, for cycle detection.
    pub fn heap_ptr(&self) -> Option<usize> {
        match self {
            Value::Array(a) => Some(Rc::as_ptr(a) as *const u8 as usize),
            Value::Object(o) => Some(Rc::as_ptr(o) as *const u8 as usize),
            Value::Tuple(t) => Some(Rc::as_ptr(t) as *const u8 as usize),
            _ => None,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&py_repr(self))
    }
}

/// Extracts a string argument or raises a TypeError naming the function.
pub fn expect_str<'a>(v: &'a Value, func: &str, what: &str) -> VmResult<&'a str> {
    match v {
        Value::Str(s) => Ok(s.as_str()),
        other => Err(MlError::new(
            ErrorKind::TypeError,
            format!(
                "{func}() argument '{what}' must be a string, not {}",
                other.kind_name()
            ),
        )),
    }
}

/// An integer argument (booleans and integer-like host objects count).
pub fn int_arg(name: &str, v: &Value) -> VmResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::Host(h) if h.0.int_value().is_some() => Ok(v.as_int().unwrap_or(0)),
        Value::Big(_) => Err(MlError::new(
            ErrorKind::OverflowError,
            format!("{name}(): integer argument too large"),
        )),
        other => Err(MlError::type_error(format!(
            "{name}() expected an integer, got {}",
            other.kind_name()
        ))),
    }
}

/// An array's storage. Dropping it is iterative (see [`drop_nested`]).
#[derive(Default)]
pub struct List(pub RefCell<Vec<Value>>);
/// An object's storage.
#[derive(Default)]
pub struct ObjCell(pub RefCell<Object>);
/// A tuple's items.
pub struct TupleItems(pub Vec<Value>);

impl std::ops::Deref for List {
    type Target = RefCell<Vec<Value>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}
impl std::ops::Deref for ObjCell {
    type Target = RefCell<Object>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}
impl std::ops::Deref for TupleItems {
    type Target = Vec<Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for List {
    fn drop(&mut self) {
        drop_nested(std::mem::take(self.0.get_mut()));
    }
}
impl Drop for ObjCell {
    fn drop(&mut self) {
        // Most objects hold no container of their own: their own drop
        // frees them without collecting the values first.
        let obj = self.0.get_mut();
        if obj.values().any(is_unique_container) {
            drop_nested(obj.drain_values());
        }
    }
}
impl Drop for TupleItems {
    fn drop(&mut self) {
        drop_nested(std::mem::take(&mut self.0));
    }
}

/// Frees containers without recursion: a uniquely owned child container is
/// emptied into a work list before it is dropped, so a million-deep
/// `[[[...]]]` chain cannot overflow the native stack.
fn drop_nested(items: Vec<Value>) {
    if !items.iter().any(is_unique_container) {
        return;
    }
    let mut pending = items;
    while let Some(v) = pending.pop() {
        if !is_unique_container(&v) {
            continue;
        }
        match v {
            Value::Array(rc) => pending.append(&mut rc.0.borrow_mut()),
            Value::Object(rc) => {
                pending.append(&mut rc.0.borrow_mut().drain_values());
            }
            Value::Tuple(mut rc) => {
                if let Some(t) = Rc::get_mut(&mut rc) {
                    pending.append(&mut t.0);
                }
            }
            _ => {}
        }
    }
}

fn is_unique_container(v: &Value) -> bool {
    match v {
        Value::Array(rc) => Rc::strong_count(rc) == 1,
        Value::Object(rc) => Rc::strong_count(rc) == 1,
        Value::Tuple(rc) => Rc::strong_count(rc) == 1,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_inline_and_long_ones_on_the_heap() {
        assert!(std::mem::size_of::<MlStr>() <= 32);
        for text in [
            "",
            "a",
            "é",
            "x".repeat(INLINE).as_str(),
            "y".repeat(INLINE + 1).as_str(),
        ] {
            let s = MlStr::new(text);
            assert_eq!(s.as_str(), text);
            assert_eq!(s.byte_len(), text.len());
            assert_eq!(s.char_len(), text.chars().count());
            assert_eq!(matches!(s.text, Text::Inline { .. }), text.len() <= INLINE);
            let owned = MlStr::new(text.to_string());
            assert_eq!(owned.as_str(), text);
        }
        let (a, b) = (MlStr::new("ab€"), MlStr::new("c".repeat(INLINE - 5)));
        let ab = MlStr::concat(&a, &b);
        assert_eq!(ab.as_str(), format!("ab€{}", "c".repeat(INLINE - 5)));
        assert_eq!(ab.char_len(), 3 + INLINE - 5);
        assert!(!ab.is_ascii());
        assert!(matches!(ab.text, Text::Inline { .. }));
        let long = MlStr::concat(&ab, &a);
        assert_eq!(long.as_str(), format!("{}ab€", ab.as_str()));
        assert!(matches!(long.text, Text::Heap(_)));
    }
}
