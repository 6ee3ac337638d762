//! Looking into a session without running code: a variable in depth
//! (`.inspect`), names for completion, and the loaded modules.

use crate::session::Session;
use mlpy_lang::value::{py_repr, Key, Module};
use mlpy_lang::vm::methods::method_names;
use mlpy_lang::{Value, Vm};

/// Items shown per level and levels shown by [`Session::inspect`].
const SHOW_ITEMS: usize = 20;
const SHOW_DEPTH: usize = 3;

/// A loaded module as `.modules` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedModule {
    /// The import name.
    pub name: String,
    /// `standard`, `user` or `namespace`.
    pub kind: &'static str,
    /// The file a user module was read from.
    pub file: Option<String>,
}

impl Session {
    /// A variable (or a dotted path through objects and modules) in depth:
    /// type, size, structure; for functions their parameters and where
    /// they are defined. `None` if there is no such variable.
    pub fn inspect(&self, path: &str) -> Option<String> {
        self.with_vm(|vm| {
            let v = resolve(vm, path)?;
            let mut out = format!("{path}: ");
            describe(&v, 0, &mut out);
            Some(out)
        })
    }

    /// Completions for the word before the cursor: globals, builtins and
    /// module names for a plain word; members for `a.b.pre`. `None` while
    /// an execution holds the session (completion never waits).
    pub fn completions(&self, word: &str) -> Option<Vec<String>> {
        self.try_with_vm(|vm| {
            let mut out: Vec<String> = match word.rsplit_once('.') {
                Some((head, tail)) => match resolve(vm, head) {
                    Some(v) => member_names(&v)
                        .into_iter()
                        .filter(|m| m.starts_with(tail))
                        .map(|m| format!("{head}.{m}"))
                        .collect(),
                    None => Vec::new(),
                },
                None => {
                    let globals = vm.env.defined().map(|(k, _)| k.to_string());
                    let builtins = vm
                        .registry
                        .builtins
                        .functions
                        .iter()
                        .map(|b| b.name.to_string());
                    let modules = vm.registry.all_modules().map(|m| m.name.to_string());
                    let keywords = KEYWORDS.iter().map(|k| k.to_string());
                    globals
                        .chain(builtins)
                        .chain(modules)
                        .chain(keywords)
                        .filter(|n| n.starts_with(word))
                        .collect()
                }
            };
            out.sort();
            out.dedup();
            out
        })
    }

    /// Every loaded module, sorted by name.
    pub fn modules(&self) -> Vec<LoadedModule> {
        self.with_vm(|vm| {
            vm.modules
                .loaded()
                .into_iter()
                .filter(|(name, _)| name != "builtin")
                .map(|(name, v)| {
                    let (kind, file) = match &v {
                        Value::Module(m) => match &**m {
                            Module::Std(_) => ("standard", None),
                            Module::User { .. } => ("namespace", None),
                            Module::Script { env, .. } => ("user", script_file(&env.borrow())),
                        },
                        _ => ("user", None),
                    };
                    LoadedModule { name, kind, file }
                })
                .collect()
        })
    }

    /// Forgets a loaded module so that the next `import` reads it from
    /// disk again. False if it was not loaded.
    pub fn forget_module(&self, name: &str) -> bool {
        self.with_vm_mut(|vm| vm.modules.forget(name))
    }
}

const KEYWORDS: &[&str] = &[
    "break",
    "capability",
    "const",
    "continue",
    "elif",
    "else",
    "except",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "let",
    "nonlocal",
    "null",
    "return",
    "throw",
    "true",
    "try",
    "while",
];

/// The file a user module's functions come from.
fn script_file(env: &mlpy_lang::vm::Env) -> Option<String> {
    env.defined().find_map(|(_, v)| match v {
        Value::Function(c) => Some(c.rt.program.file.name.clone()),
        _ => None,
    })
}

/// Follows `a.b.c` through globals, object keys and module members.
fn resolve(vm: &Vm, path: &str) -> Option<Value> {
    let mut parts = path.split('.');
    let first = parts.next()?.trim();
    let mut v = vm.env.get(first).or_else(|| {
        vm.modules
            .loaded()
            .into_iter()
            .find(|(n, _)| n == first)
            .map(|(_, v)| v)
    })?;
    for p in parts {
        v = member(&v, p.trim())?;
    }
    Some(v)
}

fn member(v: &Value, name: &str) -> Option<Value> {
    match v {
        Value::Object(o) => o.borrow().get_str(name).cloned(),
        Value::Module(m) => match &**m {
            Module::Std(def) => def
                .functions
                .iter()
                .find(|f| f.name == name)
                .map(Value::Builtin)
                .or_else(|| (def.constant)(name)),
            Module::User { members, .. } => members.borrow().get(name).cloned(),
            Module::Script { env, .. } => env.borrow().get(name),
        },
        _ => None,
    }
}

fn member_names(v: &Value) -> Vec<String> {
    match v {
        Value::Object(o) => o
            .borrow()
            .keys()
            .filter_map(|k| match k {
                Key::Str(s) => Some(s.as_str().to_string()),
                _ => None,
            })
            .collect(),
        Value::Module(m) => match &**m {
            Module::Std(def) => def.functions.iter().map(|f| f.name.to_string()).collect(),
            Module::User { members, .. } => {
                members.borrow().keys().map(|k| k.to_string()).collect()
            }
            Module::Script { env, .. } => {
                env.borrow().defined().map(|(k, _)| k.to_string()).collect()
            }
        },
        Value::Host(h) => h.0.method_names().iter().map(|m| m.to_string()).collect(),
        other => method_names(other).iter().map(|m| m.to_string()).collect(),
    }
}

fn indent(out: &mut String, depth: usize) {
    out.push('\n');
    out.push_str(&"  ".repeat(depth + 1));
}

/// One value: its kind and size on this line, its parts below.
fn describe(v: &Value, depth: usize, out: &mut String) {
    match v {
        Value::Array(a) => {
            let items = a.borrow();
            out.push_str(&format!("array, {} items", items.len()));
            list_items(items.iter(), items.len(), depth, out);
        }
        Value::Tuple(t) => {
            out.push_str(&format!("tuple, {} items", t.0.len()));
            list_items(t.0.iter(), t.0.len(), depth, out);
        }
        Value::Object(o) => {
            let o = o.borrow();
            out.push_str(&format!("object, {} keys", o.len()));
            if depth >= SHOW_DEPTH {
                return;
            }
            for (k, item) in o.iter().take(SHOW_ITEMS) {
                indent(out, depth);
                let key = match k {
                    Key::Str(s) => s.as_str().to_string(),
                    other => py_repr(&other.to_value()),
                };
                out.push_str(&format!("{key}: "));
                describe(item, depth + 1, out);
            }
            if o.len() > SHOW_ITEMS {
                indent(out, depth);
                out.push_str(&format!("... {} more", o.len() - SHOW_ITEMS));
            }
        }
        Value::Str(s) => {
            let text = s.as_str();
            out.push_str(&format!("string, {} characters: ", text.chars().count()));
            out.push_str(&preview(&py_repr(v)));
        }
        Value::Int(_) | Value::Big(_) => out.push_str(&format!("int {}", py_repr(v))),
        Value::Float(_) => out.push_str(&format!("float {}", py_repr(v))),
        Value::Bool(_) | Value::Null | Value::Undef => out.push_str(&py_repr(v)),
        Value::Function(c) => {
            let program = &c.rt.program;
            let proto = &program.protos()[c.proto as usize];
            let params: Vec<&str> = proto
                .local_names
                .iter()
                .take(proto.nparams as usize)
                .map(|n| &**n)
                .collect();
            let lc = program.file.line_col(proto.span.start);
            out.push_str(&format!(
                "function {}({}) defined at {}:{}:{}",
                proto.name,
                params.join(", "),
                program.file.name,
                lc.line,
                lc.column
            ));
            if let Some(line) = program.file.text.lines().nth(lc.line as usize - 1) {
                indent(out, depth);
                out.push_str(&preview(line.trim()));
            }
        }
        Value::Builtin(b) => out.push_str(&format!("builtin function {}", b.name)),
        Value::Native(n) => out.push_str(&format!("native function {}", n.name)),
        Value::Module(m) => {
            let names = member_names(v);
            let kind = match &**m {
                Module::Std(_) => "standard module",
                Module::User { .. } => "module namespace",
                Module::Script { .. } => "user module",
            };
            out.push_str(&format!("{kind} {}, {} members", m.name(), names.len()));
            indent(out, depth);
            out.push_str(&preview(&names.join(", ")));
        }
        Value::Host(h) => {
            out.push_str(&format!(
                "{} object: {}",
                h.0.class_name(),
                preview(&h.0.display())
            ));
            indent(out, depth);
            out.push_str(&format!("methods: {}", h.0.method_names().join(", ")));
        }
        other => out.push_str(&format!(
            "{}: {}",
            other.kind_name(),
            preview(&py_repr(other))
        )),
    }
}

fn list_items<'a>(
    items: impl Iterator<Item = &'a Value>,
    len: usize,
    depth: usize,
    out: &mut String,
) {
    if depth >= SHOW_DEPTH {
        return;
    }
    for (i, item) in items.take(SHOW_ITEMS).enumerate() {
        indent(out, depth);
        out.push_str(&format!("[{i}] "));
        describe(item, depth + 1, out);
    }
    if len > SHOW_ITEMS {
        indent(out, depth);
        out.push_str(&format!("... {} more", len - SHOW_ITEMS));
    }
}

/// At most 200 characters of a text.
fn preview(text: &str) -> String {
    if text.chars().count() <= 200 {
        text.to_string()
    } else {
        let head: String = text.chars().take(197).collect();
        format!("{head}...")
    }
}

#[cfg(test)]
mod tests {
    use crate::session::session_after;

    #[test]
    fn inspects_structure_functions_and_modules() {
        let s = session_after("import math; o = {\"a\": [1, 2.5, \"x\"], \"b\": {\"c\": null}};\nfunction add(x, y) { return x + y; }");
        let o = s.inspect("o").unwrap();
        assert_eq!(
            o,
            "o: object, 2 keys\n  a: array, 3 items\n    [0] int 1\n    [1] float 2.5\n    [2] string, 1 characters: 'x'\n  b: object, 1 keys\n    c: None"
        );
        let f = s.inspect("add").unwrap();
        assert!(
            f.starts_with("add: function add(x, y) defined at <session:1>:2:1"),
            "{f}"
        );
        assert!(f.contains("function add(x, y) { return x + y; }"), "{f}");
        assert!(s.inspect("math").unwrap().contains("standard module math"));
        assert_eq!(s.inspect("o.b.c").unwrap(), "o.b.c: None");
        assert!(s.inspect("nope").is_none());
        assert!(s.inspect("o.zz").is_none());
    }

    #[test]
    fn completes_globals_members_and_modules() {
        let s = session_after("import math; order = {\"total\": 1, \"tax\": 2}; s = \"x\";");
        assert_eq!(s.completions("ord").unwrap(), ["ord", "order"]);
        assert_eq!(
            s.completions("order.t").unwrap(),
            ["order.tax", "order.total"]
        );
        assert!(s
            .completions("math.sq")
            .unwrap()
            .contains(&"math.sqrt".to_string()));
        assert!(s
            .completions("s.up")
            .unwrap()
            .contains(&"s.upper".to_string()));
        assert!(s.completions("jso").unwrap().contains(&"json".to_string()));
        assert!(s.completions("nothing.x").unwrap().is_empty());
        let mods = s.modules();
        assert_eq!(mods.len(), 1);
        assert_eq!((mods[0].name.as_str(), mods[0].kind), ("math", "standard"));
        assert!(s.forget_module("math"));
        assert!(!s.forget_module("math"));
    }
}
