//! What native functions need: the definitions of builtin functions and
//! modules, typed capabilities, argument helpers and the pieces several
//! modules share. Builtins and standard-library modules build on this
//! layer only, never on each other.

pub mod args;
pub mod sort;

use crate::error::VmResult;
use crate::value::Value;
use crate::vm::Vm;

/// The signature of every native function.
pub type NativeFnPtr = fn(&mut Vm, &[Value]) -> VmResult<Value>;

/// A static builtin or stdlib function.
pub struct BuiltinDef {
    /// The name ML code calls it by.
    pub name: &'static str,
    /// Module name, or "" for builtins.
    pub module: &'static str,
    /// The implementation.
    pub func: NativeFnPtr,
    /// Capabilities the function needs (documentation for `help` and
    /// `requiredCapabilities`; the function itself enforces them).
    pub caps: &'static [&'static str],
    /// One line: the signature, then what it does.
    pub doc: &'static str,
}

impl BuiltinDef {
    /// A definition (usable in statics).
    pub const fn new(
        module: &'static str,
        name: &'static str,
        func: NativeFnPtr,
        caps: &'static [&'static str],
        doc: &'static str,
    ) -> BuiltinDef {
        BuiltinDef {
            name,
            module,
            func,
            caps,
            doc,
        }
    }
}

impl std::fmt::Debug for BuiltinDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<builtin {}>", self.name)
    }
}

/// A native module: static functions plus constants.
pub struct ModuleDef {
    /// The name `import` takes.
    pub name: &'static str,
    /// One line for `help` and `module_info`.
    pub doc: &'static str,
    /// The module's functions.
    pub functions: &'static [BuiltinDef],
    /// Non-function members such as `math.pi`.
    pub constant: fn(&str) -> Option<Value>,
}

/// `ModuleDef::constant` of a module without constants.
pub fn no_constants(_: &str) -> Option<Value> {
    None
}
