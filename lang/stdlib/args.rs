//! `args`: the program's arguments (`vm.host.args`, script name first) and
//! a small argument parser. Reading the arguments needs `args:read`;
//! building and using a parser on an explicit list needs nothing.

use crate::capability::cap::ARGS_READ;
use crate::error::{MlError, VmResult};
use crate::native::args::arity;
use crate::native::native_module;
use crate::value::{expect_str, py_str, Object, Value};
use crate::vm::Vm;
use std::cell::RefCell;

use crate::native::args::{opt, str_arg};

fn program_args(vm: &mut Vm) -> VmResult<Vec<String>> {
    vm.require(ARGS_READ, "argv")?;
    Ok(vm.host.args.clone())
}

fn strings(items: impl IntoIterator<Item = String>) -> Value {
    Value::array(items.into_iter().map(Value::string).collect())
}

fn all(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("all", args, 0, 0)?;
    Ok(strings(program_args(vm)?))
}

fn script(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("script", args, 0, 0)?;
    Ok(Value::string(
        program_args(vm)?.into_iter().next().unwrap_or_default(),
    ))
}

fn rest(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("rest", args, 0, 0)?;
    Ok(strings(program_args(vm)?.into_iter().skip(1)))
}

fn create_parser(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("create_parser", args, 0, 2)?;
    let name = match opt(args, 0) {
        Some(v) => expect_str(v, "create_parser", "name")?.to_string(),
        None => String::new(),
    };
    let description = match opt(args, 1) {
        Some(v) => expect_str(v, "create_parser", "description")?.to_string(),
        None => String::new(),
    };
    Ok(Value::host(ArgParser {
        state: RefCell::new(ParserState {
            name,
            description,
            ..Default::default()
        }),
    }))
}

struct FlagDef {
    name: String,
    short: Option<char>,
    help: String,
}

struct OptionDef {
    name: String,
    short: Option<char>,
    help: String,
    default: Value,
}

struct PositionalDef {
    name: String,
    help: String,
    required: bool,
}

#[derive(Default)]
struct ParserState {
    name: String,
    description: String,
    flags: Vec<FlagDef>,
    options: Vec<OptionDef>,
    positionals: Vec<PositionalDef>,
}

/// `args.create_parser(...)`.
pub struct ArgParser {
    state: RefCell<ParserState>,
}

fn short_arg(args: &[Value], i: usize, func: &str) -> VmResult<Option<char>> {
    let Some(v) = opt(args, i) else {
        return Ok(None);
    };
    let s = expect_str(v, func, "short")?;
    let s = s.strip_prefix('-').unwrap_or(s);
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (None, _) => Ok(None),
        (Some(c), None) if c != '-' => Ok(Some(c)),
        _ => Err(MlError::value_error(format!(
            "{func}(): the short name must be one character, got {s:?}"
        ))),
    }
}

fn text_arg(args: &[Value], i: usize) -> String {
    opt(args, i).map(py_str).unwrap_or_default()
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

impl ArgParser {
    fn add_flag(&self, args: &[Value]) -> VmResult<Value> {
        arity("add_flag", args, 1, 3)?;
        let name = str_arg(args, 0, "add_flag", "name")?.to_string();
        let short = short_arg(args, 1, "add_flag")?;
        let help = text_arg(args, 2);
        let mut st = self.state.borrow_mut();
        st.flags.retain(|f| f.name != name);
        st.flags.push(FlagDef { name, short, help });
        Ok(Value::Null)
    }

    fn add_option(&self, args: &[Value]) -> VmResult<Value> {
        arity("add_option", args, 1, 4)?;
        let name = str_arg(args, 0, "add_option", "name")?.to_string();
        let short = short_arg(args, 1, "add_option")?;
        let help = text_arg(args, 2);
        let default = args.get(3).cloned().unwrap_or(Value::Null);
        let mut st = self.state.borrow_mut();
        st.options.retain(|o| o.name != name);
        st.options.push(OptionDef {
            name,
            short,
            help,
            default,
        });
        Ok(Value::Null)
    }

    fn add_positional(&self, args: &[Value]) -> VmResult<Value> {
        arity("add_positional", args, 1, 3)?;
        let name = str_arg(args, 0, "add_positional", "name")?.to_string();
        let help = text_arg(args, 1);
        let required = opt(args, 2).is_some_and(Value::truthy);
        self.state.borrow_mut().positionals.push(PositionalDef {
            name,
            help,
            required,
        });
        Ok(Value::Null)
    }

    fn parse(&self, vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
        arity("parse", args, 0, 1)?;
        let argv: Vec<String> = match opt(args, 0) {
            None => program_args(vm)?.into_iter().skip(1).collect(),
            Some(Value::Array(a)) => a.borrow().iter().map(py_str).collect(),
            Some(Value::Tuple(t)) => t.iter().map(py_str).collect(),
            Some(other) => {
                return Err(MlError::type_error(format!(
                    "parse() expected an array of strings, not {}",
                    other.kind_name()
                )))
            }
        };
        let st = self.state.borrow();
        let mut flags = Object::new();
        let mut options = Object::new();
        let mut values: Vec<String> = Vec::new();
        let mut i = 0;
        let take_value = |i: &mut usize, what: &str| -> VmResult<String> {
            *i += 1;
            argv.get(*i)
                .cloned()
                .ok_or_else(|| MlError::value_error(format!("Option {what} requires a value")))
        };
        while i < argv.len() {
            let arg = &argv[i];
            if let Some(long) = arg.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (long, None),
                };
                if name == "help" && inline.is_none() {
                    flags.insert_str("help", Value::Bool(true));
                } else if st.flags.iter().any(|f| f.name == name) && inline.is_none() {
                    flags.insert_str(name, Value::Bool(true));
                } else if st.options.iter().any(|o| o.name == name) {
                    let v = match inline {
                        Some(v) => v,
                        None => take_value(&mut i, &format!("--{name}"))?,
                    };
                    options.insert_str(name, Value::string(v));
                } else {
                    return Err(MlError::value_error(format!("Unknown option: {arg}")));
                }
            } else if arg.len() > 1 && arg.starts_with('-') {
                for c in arg.chars().skip(1) {
                    if c == 'h' && !st.flags.iter().any(|f| f.short == Some('h')) {
                        flags.insert_str("help", Value::Bool(true));
                    } else if let Some(f) = st.flags.iter().find(|f| f.short == Some(c)) {
                        flags.insert_str(&f.name, Value::Bool(true));
                    } else if let Some(o) = st.options.iter().find(|o| o.short == Some(c)) {
                        let v = take_value(&mut i, &format!("-{c}"))?;
                        options.insert_str(&o.name, Value::string(v));
                    } else {
                        return Err(MlError::value_error(format!("Unknown option: -{c}")));
                    }
                }
            } else {
                values.push(arg.clone());
            }
            i += 1;
        }
        for o in &st.options {
            if options.get_str(&o.name).is_none() && !matches!(o.default, Value::Null) {
                options.insert_str(&o.name, o.default.clone());
            }
        }
        let mut positionals = Object::new();
        for (k, p) in st.positionals.iter().enumerate() {
            match values.get(k) {
                Some(v) => positionals.insert_str(&p.name, Value::string(v.clone())),
                None if p.required => {
                    return Err(MlError::value_error(format!(
                        "Required positional argument missing: {}",
                        p.name
                    )))
                }
                None => {}
            }
        }
        Ok(Value::host(ParsedArgs {
            flags,
            options,
            positionals,
        }))
    }

    fn help(&self) -> String {
        let st = self.state.borrow();
        let mut lines: Vec<String> = Vec::new();
        if !st.name.is_empty() {
            lines.push(st.name.clone());
        }
        if !st.description.is_empty() {
            lines.push(st.description.clone());
        }
        let mut usage = "Usage: script.ml [options]".to_string();
        for p in &st.positionals {
            if p.required {
                usage.push_str(&format!(" <{}>", p.name));
            } else {
                usage.push_str(&format!(" [{}]", p.name));
            }
        }
        lines.push(String::new());
        lines.push(usage);
        if !st.positionals.is_empty() {
            lines.push(String::new());
            lines.push("Positional Arguments:".into());
            for p in &st.positionals {
                let req = if p.required {
                    "(required)"
                } else {
                    "(optional)"
                };
                lines.push(format!("  {} {} {req}", pad(&p.name, 18), p.help));
            }
        }
        lines.push(String::new());
        lines.push("Options:".into());
        let short = |s: Option<char>| match s {
            Some(c) => format!("-{c}, "),
            None => "    ".into(),
        };
        for f in &st.flags {
            lines.push(format!(
                "  {}--{} {}",
                short(f.short),
                pad(&f.name, 15),
                f.help
            ));
        }
        for o in &st.options {
            let mut help = o.help.clone();
            if !matches!(o.default, Value::Null) {
                help.push_str(&format!(" (default: {})", py_str(&o.default)));
            }
            lines.push(format!(
                "  {}{} {help}",
                short(o.short),
                pad(&format!("--{} VALUE", o.name), 15)
            ));
        }
        lines.push("  -h, --help         Show this help message".into());
        lines.join("\n")
    }
}

const PARSER_METHODS: &[&str] = &[
    "add_flag",
    "addFlag",
    "add_option",
    "addOption",
    "add_positional",
    "addPositional",
    "parse",
    "help",
];

impl ArgParser {
    fn call(&self, vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<Value> {
        match name {
            "add_flag" | "addFlag" => self.add_flag(args),
            "add_option" | "addOption" => self.add_option(args),
            "add_positional" | "addPositional" => self.add_positional(args),
            "parse" => self.parse(vm, args),
            "help" => arity("help", args, 0, 0).map(|_| Value::string(self.help())),
            _ => unreachable!("checked by call_method"),
        }
    }
}

host_object!(ArgParser, "ArgParser", PARSER_METHODS, |o| format!(
    "<ArgParser {:?}>",
    o.state.borrow().name
));

/// What `ArgParser.parse` returns.
pub struct ParsedArgs {
    flags: Object,
    options: Object,
    positionals: Object,
}

impl ParsedArgs {
    fn get(&self, name: &str) -> Option<Value> {
        self.options
            .get_str(name)
            .or_else(|| self.positionals.get_str(name))
            .or_else(|| self.flags.get_str(name))
            .cloned()
    }
}

const PARSED_METHODS: &[&str] = &[
    "get",
    "get_bool",
    "getBool",
    "has",
    "flags",
    "options",
    "positionals",
];

impl ParsedArgs {
    fn call(&self, _vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<Value> {
        let one = |args: &[Value], f: &str| -> VmResult<String> {
            Ok(str_arg(args, 0, f, "name")?.to_string())
        };
        match name {
            "get" => arity("get", args, 1, 2).and_then(|_| {
                let n = one(args, "get")?;
                Ok(self
                    .get(&n)
                    .unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::Null)))
            }),
            "get_bool" | "getBool" => arity("get_bool", args, 1, 1).and_then(|_| {
                let n = one(args, "get_bool")?;
                Ok(Value::Bool(
                    self.flags.get_str(&n).is_some_and(Value::truthy),
                ))
            }),
            "has" => arity("has", args, 1, 1).and_then(|_| {
                let n = one(args, "has")?;
                Ok(Value::Bool(self.get(&n).is_some()))
            }),
            "flags" => arity("flags", args, 0, 0).map(|_| Value::object(self.flags.clone())),
            "options" => arity("options", args, 0, 0).map(|_| Value::object(self.options.clone())),
            "positionals" => arity("positionals", args, 0, 0)
                .map(|_| Value::array(self.positionals.iter().map(|(_, v)| v.clone()).collect())),
            _ => unreachable!("checked by call_method"),
        }
    }
}

host_object!(ParsedArgs, "ParsedArgs", PARSED_METHODS, |_o| {
    "<ParsedArgs>".to_string()
});

native_module! {
    name: "args",
    doc: "program arguments (args:read) and an argument parser",
    functions: {
        "all" => all [ARGS_READ], "(): every argument, script name first";
        "script" => script [ARGS_READ], "(): the script name";
        "rest" => rest [ARGS_READ], "(): the arguments after the script name";
        "create_parser" | "createParser" => create_parser, "(name = \"\", description = \"\"): an ArgParser";
    }
}
