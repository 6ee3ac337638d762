//! `import`: native modules from the VM's registry, user modules compiled
//! from the host's module source and run once, the namespaces dotted
//! imports create, and the per-VM cache of what is loaded.

use super::env::Env;
use super::Vm;
use crate::error::{ErrorKind, MlError, VmResult};
use crate::value::{Module, Value};
use std::collections::HashMap;
use std::rc::Rc;

/// Module names that are rejected outright (mlpy's forbidden list).
const FORBIDDEN: &[&str] = &[
    "os",
    "sys",
    "subprocess",
    "shutil",
    "pickle",
    "marshal",
    "imp",
    "importlib",
    "types",
    "inspect",
    "gc",
    "ctypes",
    "builtins",
    "__builtin__",
];

/// Loaded modules of one VM.
#[derive(Default)]
pub struct ModuleCache {
    loaded: HashMap<String, Value>,
    /// Modules whose top level is running (to reject circular imports).
    loading: Vec<String>,
}

impl ModuleCache {
    /// Breaks reference cycles through user modules' globals.
    pub fn clear(&mut self) {
        super::env::break_cycles(self.loaded.drain().map(|(_, v)| v).collect());
    }

    /// Loaded modules by dotted name, sorted (with the namespaces that
    /// dotted imports create).
    pub fn loaded(&self) -> Vec<(String, Value)> {
        let mut v: Vec<(String, Value)> = self
            .loaded
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Forgets a loaded module (and the namespaces above it), so the next
    /// import loads it again. False if it was not loaded.
    pub fn forget(&mut self, path: &str) -> bool {
        let found = self.loaded.remove(path).is_some();
        let parts: Vec<&str> = path.split('.').collect();
        for i in 1..parts.len() {
            self.loaded.remove(&parts[..i].join("."));
        }
        found
    }

    /// Names of the loaded native modules.
    pub fn std_loaded(&self) -> Vec<String> {
        self.loaded
            .iter()
            .filter(|(_, v)| matches!(v, Value::Module(m) if matches!(**m, Module::Std(_))))
            .map(|(k, _)| k.clone())
            .collect()
    }
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
    let leaf = match vm.modules.loaded.get(path) {
        Some(v) => v.clone(),
        None => load(vm, path)?,
    };
    if !root {
        return Ok(leaf);
    }
    // `import a.b.c;` binds `a`: a namespace whose members lead to the leaf.
    let parts: Vec<&str> = path.split('.').collect();
    let mut value = leaf;
    for i in (1..parts.len()).rev() {
        let prefix = parts[..i].join(".");
        let ns = match vm.modules.loaded.get(&prefix) {
            Some(Value::Module(m)) if matches!(**m, Module::User { .. }) => m.clone(),
            _ => {
                let m = Rc::new(Module::User {
                    name: prefix.clone().into(),
                    members: Default::default(),
                });
                vm.modules
                    .loaded
                    .insert(prefix.clone(), Value::Module(m.clone()));
                m
            }
        };
        if let Module::User { members, .. } = &*ns {
            members.borrow_mut().insert(parts[i].into(), value);
        }
        value = Value::Module(ns);
    }
    Ok(value)
}

/// Loads a standard module, or compiles and runs a user module once.
fn load(vm: &mut Vm, path: &str) -> VmResult<Value> {
    if let Some(def) = vm.registry.module(path) {
        let v = Value::Module(Rc::new(Module::Std(def)));
        vm.modules.loaded.insert(path.to_string(), v.clone());
        return Ok(v);
    }
    let importer_dir = vm.current_file.as_ref().and_then(|f| {
        std::path::Path::new(&f.name)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
    });
    let Some((file_name, source)) = vm.host.modules.find(path, importer_dir.as_deref()) else {
        return Err(MlError::new(
            ErrorKind::ImportError,
            format!("module '{path}' not found"),
        ));
    };
    if vm.modules.loading.iter().any(|p| p == path) {
        return Err(MlError::new(
            ErrorKind::ImportError,
            format!("circular import of module '{path}'"),
        ));
    }
    let file = std::sync::Arc::new(crate::syntax::SourceFile::new(file_name, source));
    let program = crate::compile::compile(file).map_err(|e| {
        let mut err = MlError::new(ErrorKind::SyntaxError, format!("in module '{path}': {}", e));
        if let Some(d) = e.diagnostics.first() {
            err = err.with_loc(crate::error::ErrorLoc {
                file: e.file.clone(),
                span: d.span,
            });
        }
        err
    })?;
    let mut env = Env::new();
    vm.modules.loading.push(path.to_string());
    let saved_file = vm.current_file.replace(program.file.clone());
    let r = vm.run_module(&program, &mut env);
    vm.current_file = saved_file;
    vm.modules.loading.pop();
    r?;
    let m = Value::Module(Rc::new(Module::Script {
        name: path.into(),
        env: std::cell::RefCell::new(env),
    }));
    vm.modules.loaded.insert(path.to_string(), m.clone());
    Ok(m)
}
