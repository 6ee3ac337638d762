//! What native functions need: the definitions of builtin functions and
//! modules, typed capabilities, argument helpers and the pieces several
//! modules share. Builtins and standard-library modules build on this
//! layer only, never on each other.

pub mod args;
pub mod fs;
pub mod list;
pub mod sort;

use crate::capability::Cap;
use crate::error::VmResult;
use crate::value::Value;
use crate::vm::Vm;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The signature of every native function.
pub type NativeFnPtr = fn(&mut Vm, &[Value]) -> VmResult<Value>;

/// A static builtin or stdlib function.
pub struct BuiltinDef {
    /// The name ML code calls it by.
    pub name: &'static str,
    /// The module it belongs to (`builtin` for the builtins).
    pub module: &'static str,
    /// The implementation.
    pub func: NativeFnPtr,
    /// Capabilities the function needs (for `help` and
    /// `requiredCapabilities`); the function checks the same constants
    /// with `Vm::require`.
    pub caps: &'static [Cap],
    /// One line: the signature, then what it does.
    pub doc: &'static str,
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

impl ModuleDef {
    /// The function or constant `name` of this module.
    pub fn member(&'static self, name: &str) -> Option<Value> {
        self.functions
            .iter()
            .find(|f| f.name == name)
            .map(Value::Builtin)
            .or_else(|| (self.constant)(name))
    }
}

/// Declares a native module as `pub static MODULE: ModuleDef`, one line a
/// function: `"name" => function, "(params): what it does";` (the doc is
/// the name followed by that text). Names of one function with one doc are
/// joined by `|` (`"read_lines" | "readLines" => ...`, one table entry
/// each, in that order); a function that touches the world lists the
/// [`cap`](crate::capability::cap) constants it checks in brackets:
/// `"load" => load [FILE_READ], "(path): ...";`. `constant:` names the
/// function that gives non-function members (default: none).
macro_rules! native_module {
    (
        name: $module:literal,
        doc: $doc:literal,
        $(constant: $constant:path,)?
        functions: { $($rows:tt)* }
    ) => {
        native_module!(@rows [$module, $doc, native_module!(@constant $($constant)?)] [] $($rows)*);
    };
    // Rows are read one at a time into `(names) function, [caps], doc`, so
    // that the names can repeat apart from the capabilities.
    (@rows $head:tt [$($done:tt)*]
        $($name:literal)|+ => $func:path [$($cap:ident),+], $fdoc:literal; $($rest:tt)*) => {
        native_module!(@rows $head [$($done)* (($($name),+) $func, [$($cap),+], $fdoc)] $($rest)*);
    };
    (@rows $head:tt [$($done:tt)*]
        $($name:literal)|+ => $func:path, $fdoc:literal; $($rest:tt)*) => {
        native_module!(@rows $head [$($done)* (($($name),+) $func, [], $fdoc)] $($rest)*);
    };
    (@rows [$module:literal, $doc:literal, $constant:expr]
        [$((($($name:literal),+) $func:path, $caps:tt, $fdoc:literal))*]) => {
        /// The module's table.
        pub static MODULE: $crate::native::ModuleDef = $crate::native::ModuleDef {
            name: $module,
            doc: $doc,
            functions: &[$($($crate::native::BuiltinDef {
                name: $name,
                module: $module,
                func: $func,
                caps: native_module!(@caps $caps),
                doc: concat!($name, $fdoc),
            }),+),*],
            constant: $constant,
        };
    };
    (@caps [$($cap:ident),*]) => { &[$($crate::capability::cap::$cap),*] };
    (@constant) => { $crate::native::no_constants };
    (@constant $constant:path) => { $constant };
}
pub(crate) use native_module;

/// `ModuleDef::constant` of a module without constants.
pub fn no_constants(_: &str) -> Option<Value> {
    None
}

/// What a VM can call and import without ML source: the builtin functions
/// (in scope everywhere, and importable as the module `builtin`) and the
/// native modules. A VM gets its registry when it is created; the
/// standard one is [`crate::STANDARD`].
pub struct Registry {
    /// The builtin functions, as the module `import builtin` gives.
    pub builtins: &'static ModuleDef,
    /// The importable native modules, in the order `available_modules`
    /// lists them (`builtin` comes last).
    pub modules: &'static [&'static ModuleDef],
    /// Builtins by name, built on first use: every program load looks up
    /// each of its globals.
    index: OnceLock<HashMap<&'static str, &'static BuiltinDef, ahash::RandomState>>,
}

impl Registry {
    /// A registry of these builtins and modules (usable in statics).
    pub const fn new(builtins: &'static ModuleDef, modules: &'static [&'static ModuleDef]) -> Self {
        Registry {
            builtins,
            modules,
            index: OnceLock::new(),
        }
    }

    /// The builtin function `name`.
    pub fn builtin(&self, name: &str) -> Option<&'static BuiltinDef> {
        let index = self.index.get_or_init(|| {
            let functions = self.builtins.functions;
            functions.iter().map(|b| (b.name, b)).collect()
        });
        index.get(name).copied()
    }

    /// The native module `name` (`builtin` included).
    pub fn module(&self, name: &str) -> Option<&'static ModuleDef> {
        self.all_modules().find(|m| m.name == name)
    }

    /// Every importable native module, `builtin` last.
    pub fn all_modules(&self) -> impl Iterator<Item = &'static ModuleDef> + '_ {
        self.modules
            .iter()
            .copied()
            .chain(std::iter::once(self.builtins))
    }
}
