//! Global environments and loaded programs.
//!
//! Every global is a shared cell. Loading a program links its global names
//! to the cells of an environment once, so global access at run time is an
//! index, and a session's later snippets see the same variables.

use crate::compile::{Const, Program};
use crate::native::{BuiltinDef, Registry};
use crate::value::{MlStr, Value};
use indexmap::IndexMap;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

/// One global variable, shared by every program linked to its environment.
pub type GlobalCell = Rc<RefCell<Value>>;

/// Top-level variables of a program, a module or a session, by name.
#[derive(Default)]
pub struct Env {
    /// The variables by name, in definition order; an unassigned one holds `Value::Undef`.
    pub cells: IndexMap<Rc<str>, GlobalCell, ahash::RandomState>,
}

impl Env {
    /// An empty environment.
    pub fn new() -> Env {
        Env::default()
    }

    /// The value of a defined global.
    pub fn get(&self, name: &str) -> Option<Value> {
        let v = self.cells.get(name)?.borrow().clone();
        (!matches!(v, Value::Undef)).then_some(v)
    }

    /// Assigns `name`, creating it if needed.
    pub fn set(&mut self, name: &str, value: Value) {
        match self.cells.get(name) {
            Some(cell) => *cell.borrow_mut() = value,
            None => {
                self.cells.insert(name.into(), Rc::new(RefCell::new(value)));
            }
        }
    }

    /// The cell of `name`, created unassigned if needed.
    pub fn cell(&mut self, name: &str) -> GlobalCell {
        if let Some(c) = self.cells.get(name) {
            return c.clone();
        }
        let c = Rc::new(RefCell::new(Value::Undef));
        self.cells.insert(name.into(), c.clone());
        c
    }

    /// Defined globals in definition order.
    pub fn defined(&self) -> impl Iterator<Item = (&str, Value)> {
        self.cells.iter().filter_map(|(k, c)| {
            let v = c.borrow().clone();
            (!matches!(v, Value::Undef)).then_some((&**k, v))
        })
    }

    /// Breaks reference cycles through globals (functions that refer to
    /// themselves through their global name) so the memory is freed.
    pub fn clear(&mut self) {
        let values: Vec<Value> = self.take_values();
        break_cycles(values);
    }

    /// Empties every cell, returning the values.
    pub fn take_values(&mut self) -> Vec<Value> {
        self.cells
            .drain(..)
            .filter_map(|(_, c)| c.try_borrow_mut().ok().map(|mut v| std::mem::take(&mut *v)))
            .collect()
    }
}

/// Empties every container, closure cell and module reachable from
/// `values`, so that reference cycles among them (`a.append(a)`, a closure
/// that captures itself) are freed. Only for values no one will read again:
/// the end of a run, after its outcome has been converted to plain data.
pub fn break_cycles(values: Vec<Value>) {
    use crate::value::Module;
    let mut work = values;
    while let Some(v) = work.pop() {
        match v {
            Value::Array(a) => {
                if let Ok(mut items) = a.try_borrow_mut() {
                    work.append(&mut items);
                }
            }
            Value::Object(o) => {
                if let Ok(mut obj) = o.try_borrow_mut() {
                    work.append(&mut obj.drain_values());
                }
            }
            Value::Tuple(t) => work.extend(t.iter().cloned()),
            Value::Function(f) => {
                for cell in f.cells.iter() {
                    if let Ok(mut c) = cell.try_borrow_mut() {
                        work.push(std::mem::take(&mut *c));
                    }
                }
            }
            Value::Cell(c) => {
                if let Ok(mut c) = c.try_borrow_mut() {
                    work.push(std::mem::take(&mut *c));
                }
            }
            Value::Module(m) => {
                if let Module::Script { env, .. } = &*m {
                    if let Ok(mut env) = env.try_borrow_mut() {
                        work.extend(env.take_values());
                    }
                }
            }
            _ => {}
        }
    }
}

/// A program linked into an environment, with its constants materialised.
pub struct ProgramRt {
    /// The compiled program.
    pub program: Arc<Program>,
    /// Each prototype's constants as values.
    pub consts: Vec<Box<[Value]>>,
    /// The cell of each of the program's global names.
    pub globals: Box<[GlobalCell]>,
    /// The builtin each global falls back to while it is unassigned.
    pub builtins: Box<[Option<&'static BuiltinDef>]>,
}

impl ProgramRt {
    /// Links `program` into `env`: its globals to `env`'s cells, unassigned ones to `registry`'s builtins.
    pub fn link(program: &Arc<Program>, env: &mut Env, registry: &Registry) -> Rc<ProgramRt> {
        // Equal strings among all functions' constants are one string:
        // an object literal's keys and the member names that read them
        // then match by pointer (see `value::Object`).
        let mut strings: ahash::HashMap<&str, Rc<MlStr>> = Default::default();
        let consts = program
            .protos
            .iter()
            .map(|p| {
                p.consts
                    .iter()
                    .map(|c| const_value(c, &mut strings))
                    .collect()
            })
            .collect();
        let globals = program.globals.iter().map(|g| env.cell(&g.name)).collect();
        let builtins = program
            .globals
            .iter()
            .map(|g| registry.builtin(&g.name))
            .collect();
        Rc::new(ProgramRt {
            program: program.clone(),
            consts,
            globals,
            builtins,
        })
    }
}

fn const_value<'p>(c: &'p Const, strings: &mut ahash::HashMap<&'p str, Rc<MlStr>>) -> Value {
    match c {
        Const::Int(i) => Value::Int(*i),
        Const::Float(f) => Value::Float(*f),
        Const::Big(b) => Value::from_big(b.clone()),
        Const::Str(s) => Value::Str(
            strings
                .entry(&**s)
                .or_insert_with(|| Rc::new(MlStr::new(&**s)))
                .clone(),
        ),
    }
}
