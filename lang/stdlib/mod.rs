//! Import-able standard-library modules (section 15) and module loading.

pub mod args;
pub mod collections;
pub mod console;
pub mod crypto;
pub mod csv;
pub mod datetime;
pub mod env;
pub mod file;
pub mod functional;
pub mod http;
pub mod json;
pub mod log;
pub mod math;
pub mod path;
pub mod random;
pub mod regex;

use crate::builtins::{BuiltinDef, BUILTINS};
use crate::error::{ErrorKind, MlError, VmResult};
use crate::value::{Module, Value};
use crate::vm::Vm;
use std::collections::HashMap;
use std::rc::Rc;

/// A standard module: static functions plus constants.
pub struct ModuleDef {
    pub name: &'static str,
    pub doc: &'static str,
    pub functions: &'static [BuiltinDef],
    /// Non-function members such as `math.pi`.
    pub constant: fn(&str) -> Option<Value>,
}

fn no_constants(_: &str) -> Option<Value> {
    None
}

pub static BUILTIN_MODULE: ModuleDef = ModuleDef {
    name: "builtin",
    doc: "the builtin functions, also reachable as builtin.NAME",
    functions: BUILTINS,
    constant: no_constants,
};

/// Every standard module, in the order of the spec.
pub static MODULES: &[&ModuleDef] = &[
    &args::MODULE,
    &collections::MODULE,
    &console::MODULE,
    &crypto::MODULE,
    &csv::MODULE,
    &datetime::MODULE,
    &env::MODULE,
    &file::MODULE,
    &functional::MODULE,
    &http::MODULE,
    &json::MODULE,
    &log::MODULE,
    &math::MODULE,
    &path::MODULE,
    &random::MODULE,
    &regex::MODULE,
    &BUILTIN_MODULE,
];

/// Module names that are rejected outright (mlpy's forbidden list).
const FORBIDDEN: &[&str] = &[
    "os", "sys", "subprocess", "shutil", "pickle", "marshal", "imp", "importlib", "types",
    "inspect", "gc", "ctypes", "builtins", "__builtin__",
];

pub fn find_module(name: &str) -> Option<&'static ModuleDef> {
    MODULES.iter().copied().find(|m| m.name == name)
}

/// Loaded modules of one VM.
#[derive(Default)]
pub struct ModuleCache {
    loaded: HashMap<String, Value>,
}

impl ModuleCache {
    pub fn std_loaded(&self) -> Vec<String> {
        self.loaded
            .iter()
            .filter(|(_, v)| matches!(v, Value::Module(m) if matches!(**m, Module::Std(_))))
            .map(|(k, _)| k.clone())
            .filter(|k| k != "builtin")
            .collect()
    }
}

pub fn builtin_module() -> VmResult<Value> {
    Ok(Value::Module(Rc::new(Module::Std(&BUILTIN_MODULE))))
}

/// A member of a standard module.
pub fn member(_vm: &mut Vm, def: &'static ModuleDef, name: &str) -> Option<Value> {
    def.functions
        .iter()
        .find(|f| f.name == name)
        .map(Value::Builtin)
        .or_else(|| (def.constant)(name))
}

/// `import path;` — `root` asks for the value bound to the first component.
pub fn import(vm: &mut Vm, path: &str, root: bool) -> VmResult<Value> {
    let first = path.split('.').next().unwrap_or(path);
    if FORBIDDEN.contains(&first) || path.split('.').any(|p| p.starts_with("__")) {
        return Err(MlError::new(
            ErrorKind::SecurityError,
            format!("import of module '{path}' is not allowed"),
        ));
    }
    if let Some(v) = vm.modules.loaded.get(path) {
        if !root {
            return Ok(v.clone());
        }
    }
    if let Some(def) = find_module(path) {
        let v = Value::Module(Rc::new(Module::Std(def)));
        vm.modules.loaded.insert(path.to_string(), v.clone());
        return Ok(v);
    }
    Err(MlError::new(
        ErrorKind::ImportError,
        format!("module '{path}' not found"),
    ))
}
