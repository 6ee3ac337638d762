//! `log`: levelled log lines on stdout (and optionally appended to files).
//!
//! Text lines look like Python's logging output that mlpy produced:
//! `[2024-01-01 00:00:00] WARNING: message | key=value, other=1` (local time
//! from `vm.host.clock`). The JSON format prints one object per line:
//! `{"message": ..., "level": "WARN", "logger": "default", "timestamp":
//! "2024-01-01T00:00:00Z", "data": {...}}`. Logging needs no capability;
//! `add_file` needs `file:append` for the file (checked when it is added).
//!
//! The module-level logger's settings belong to the execution (kept in
//! `vm.host.state`), so one program's `log.set_level` never affects another.

use crate::capability::cap::FILE_APPEND;
use crate::error::VmResult;
use crate::native::args::{arity, check_len};
use crate::native::native_module;
use crate::value::{expect_str, py_str, Object, Style, Value};
use crate::vm::Vm;
use std::cell::RefCell;

use crate::native::args::{opt, str_arg};
use crate::native::fs::{fs_error, gate, path_arg};

const DEBUG: u8 = 10;
const INFO: u8 = 20;
const WARNING: u8 = 30;
const ERROR: u8 = 40;
const CRITICAL: u8 = 50;

/// One logger's settings.
#[derive(Clone, Debug)]
pub struct LogConfig {
    pub name: String,
    pub level: u8,
    pub json: bool,
    pub timestamp: bool,
    /// Resolved paths of files every line is appended to.
    pub files: Vec<String>,
}

impl LogConfig {
    fn named(name: &str) -> LogConfig {
        LogConfig {
            name: name.to_string(),
            level: INFO,
            json: false,
            timestamp: true,
            files: Vec::new(),
        }
    }
}

/// The module-level logger of one execution.
#[derive(Debug)]
struct DefaultLogger(LogConfig);

impl Default for DefaultLogger {
    fn default() -> DefaultLogger {
        DefaultLogger(LogConfig::named("default"))
    }
}

fn default_config(vm: &mut Vm) -> &mut LogConfig {
    &mut vm.host.state.get_or_default::<DefaultLogger>().0
}

/// A level name; unknown names mean INFO (as in mlpy, which never raised).
fn parse_level(v: &Value, func: &str) -> VmResult<u8> {
    let s = expect_str(v, func, "level")?;
    Ok(match s.trim().to_ascii_uppercase().as_str() {
        "DEBUG" => DEBUG,
        "WARN" | "WARNING" => WARNING,
        "ERROR" => ERROR,
        "CRITICAL" => CRITICAL,
        _ => INFO,
    })
}

/// `"json"` or text (anything else, as in mlpy).
fn parse_format(v: &Value, func: &str) -> VmResult<bool> {
    let s = expect_str(v, func, "format")?;
    Ok(s.trim().eq_ignore_ascii_case("json"))
}

/// Python logging's level name (text lines).
fn level_name(level: u8) -> &'static str {
    match level {
        DEBUG => "DEBUG",
        INFO => "INFO",
        WARNING => "WARNING",
        ERROR => "ERROR",
        _ => "CRITICAL",
    }
}

/// mlpy's level name (JSON lines).
fn json_level(level: u8) -> &'static str {
    match level {
        WARNING => "WARN",
        other => level_name(other),
    }
}

fn local_time(vm: &Vm) -> String {
    let now = vm.host.clock.now();
    let local = now + f64::from(vm.host.clock.local_offset(now));
    match chrono::DateTime::from_timestamp(local.floor() as i64, 0) {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => "????-??-?? ??:??:??".into(),
    }
}

/// `datetime.utcnow().isoformat() + "Z"`.
fn utc_iso(vm: &Vm) -> String {
    let now = vm.host.clock.now();
    let secs = now.floor();
    let micros = (((now - secs) * 1e6).round() as u32).min(999_999);
    match chrono::DateTime::from_timestamp(secs as i64, micros * 1000) {
        Some(t) if micros == 0 => format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S")),
        Some(t) => format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S%.6f")),
        None => "invalid".into(),
    }
}

fn format_line(
    vm: &Vm,
    cfg: &LogConfig,
    level: u8,
    message: &Value,
    data: Option<&Value>,
) -> VmResult<String> {
    if cfg.json {
        let mut o = Object::new();
        o.insert_str("message", message.clone());
        o.insert_str("level", Value::str(json_level(level)));
        o.insert_str("logger", Value::str(&cfg.name));
        if cfg.timestamp {
            o.insert_str("timestamp", Value::string(utc_iso(vm)));
        }
        if let Some(d) = data.filter(|d| d.truthy()) {
            o.insert_str("data", d.clone());
        }
        return super::json::to_json_text(&Value::object(o), None, vm.limits.max_len, vm.meter());
    }
    // Values' text is built under the deadline and the size limit.
    let text = |v: &Value| vm.display(v, Style::Str);
    let mut line = format!(
        "[{}] {}: {}",
        local_time(vm),
        level_name(level),
        text(message)?
    );
    match data.filter(|d| d.truthy()) {
        Some(Value::Object(o)) => {
            let parts: Vec<String> = o
                .borrow()
                .iter()
                .map(|(k, v)| Ok(format!("{}={}", py_str(&k.to_value()), text(v)?)))
                .collect::<VmResult<_>>()?;
            line.push_str(" | ");
            line.push_str(&parts.join(", "));
        }
        Some(other) => {
            line.push_str(" | ");
            line.push_str(&text(other)?);
        }
        None => {}
    }
    check_len(vm, line.len())?;
    Ok(line)
}

fn emit(vm: &mut Vm, cfg: &LogConfig, level: u8, args: &[Value], func: &str) -> VmResult<Value> {
    arity(func, args, 1, 2)?;
    if level < cfg.level {
        return Ok(Value::Null);
    }
    let mut line = format_line(vm, cfg, level, &args[0], opt(args, 1))?;
    line.push('\n');
    crate::native::args::check_len(vm, line.len())?;
    vm.write_out(&line)?;
    let fs = vm.host.fs.clone();
    for f in &cfg.files {
        fs.write(f, line.as_bytes(), true).map_err(fs_error)?;
    }
    Ok(Value::Null)
}

/// Resolves, checks and creates a log file; returns its resolved path.
fn open_log_file(vm: &mut Vm, args: &[Value], func: &str) -> VmResult<String> {
    arity(func, args, 1, 1)?;
    let path = path_arg(args, 0, func)?;
    let p = gate(vm, FILE_APPEND, path)?;
    let fs = vm.host.fs.clone();
    fs.write(&p, b"", true).map_err(fs_error)?;
    Ok(p)
}

fn bool_arg(args: &[Value], func: &str) -> VmResult<bool> {
    arity(func, args, 1, 1)?;
    Ok(args[0].truthy())
}

// ---- module-level logger ----

macro_rules! level_fn {
    ($name:ident, $level:expr, $label:literal) => {
        fn $name(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
            let cfg = default_config(vm).clone();
            emit(vm, &cfg, $level, args, $label)
        }
    };
}

level_fn!(debug, DEBUG, "debug");
level_fn!(info, INFO, "info");
level_fn!(warn, WARNING, "warn");
level_fn!(error, ERROR, "error");
level_fn!(critical, CRITICAL, "critical");

fn set_level(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("set_level", args, 1, 1)?;
    let level = parse_level(&args[0], "set_level")?;
    default_config(vm).level = level;
    Ok(Value::Null)
}

fn set_format(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("set_format", args, 1, 1)?;
    let json = parse_format(&args[0], "set_format")?;
    default_config(vm).json = json;
    Ok(Value::Null)
}

fn set_timestamp(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let on = bool_arg(args, "set_timestamp")?;
    default_config(vm).timestamp = on;
    Ok(Value::Null)
}

fn add_file(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let p = open_log_file(vm, args, "add_file")?;
    let cfg = default_config(vm);
    if !cfg.files.contains(&p) {
        cfg.files.push(p);
    }
    Ok(Value::Null)
}

fn is_debug(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("is_debug", args, 0, 0)?;
    Ok(Value::Bool(default_config(vm).level <= DEBUG))
}

fn create_logger(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("create_logger", args, 0, 1)?;
    let name = match opt(args, 0) {
        Some(_) => str_arg(args, 0, "create_logger", "name")?.to_string(),
        None => "default".to_string(),
    };
    Ok(Value::host(Logger {
        cfg: RefCell::new(LogConfig::named(&name)),
    }))
}

/// A named logger from `log.create_logger(name)`.
pub struct Logger {
    cfg: RefCell<LogConfig>,
}

const LOGGER_METHODS: &[&str] = &[
    "debug",
    "info",
    "warn",
    "warning",
    "error",
    "critical",
    "set_level",
    "setLevel",
    "set_format",
    "setFormat",
    "set_timestamp",
    "setTimestamp",
    "add_file",
    "addFile",
    "is_debug",
    "isDebug",
];

impl Logger {
    fn call(&self, vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<Value> {
        let level = match name {
            "debug" => Some(DEBUG),
            "info" => Some(INFO),
            "warn" | "warning" => Some(WARNING),
            "error" => Some(ERROR),
            "critical" => Some(CRITICAL),
            _ => None,
        };
        if let Some(level) = level {
            let cfg = self.cfg.borrow().clone();
            return emit(vm, &cfg, level, args, name);
        }
        match name {
            "set_level" | "setLevel" => arity(name, args, 1, 1)
                .and_then(|_| parse_level(&args[0], name))
                .map(|l| {
                    self.cfg.borrow_mut().level = l;
                    Value::Null
                }),
            "set_format" | "setFormat" => arity(name, args, 1, 1)
                .and_then(|_| parse_format(&args[0], name))
                .map(|j| {
                    self.cfg.borrow_mut().json = j;
                    Value::Null
                }),
            "set_timestamp" | "setTimestamp" => bool_arg(args, name).map(|on| {
                self.cfg.borrow_mut().timestamp = on;
                Value::Null
            }),
            "add_file" | "addFile" => open_log_file(vm, args, name).map(|p| {
                let mut cfg = self.cfg.borrow_mut();
                if !cfg.files.contains(&p) {
                    cfg.files.push(p);
                }
                Value::Null
            }),
            "is_debug" | "isDebug" => {
                arity(name, args, 0, 0).map(|_| Value::Bool(self.cfg.borrow().level <= DEBUG))
            }
            _ => unreachable!("checked by call_method"),
        }
    }
}

host_object!(
    Logger,
    "Logger",
    LOGGER_METHODS,
    |o| format!("<Logger {}>", o.cfg.borrow().name),
    {
        fn get_property(&self, _vm: &mut Vm, name: &str) -> Option<Value> {
            (name == "name").then(|| Value::str(&self.cfg.borrow().name))
        }
    }
);

native_module! {
    name: "log",
    doc: "levelled log lines on stdout (no capability; add_file needs file:append)",
    functions: {
        "debug" => debug, "(message, data = null): log at DEBUG";
        "info" => info, "(message, data = null): log at INFO";
        "warn" | "warning" => warn, "(message, data = null): log at WARNING";
        "error" => error, "(message, data = null): log at ERROR";
        "critical" => critical, "(message, data = null): log at CRITICAL";
        "set_level" | "setLevel" => set_level, "(level): DEBUG, INFO, WARN, ERROR or CRITICAL";
        "set_format" | "setFormat" => set_format, "(\"text\" | \"json\")";
        "set_timestamp" | "setTimestamp" => set_timestamp, "(on): timestamps in JSON lines";
        "add_file" | "addFile" => add_file [FILE_APPEND], "(path): also append lines to a file";
        "is_debug" | "isDebug" => is_debug, "(): is DEBUG enabled";
        "create_logger" | "createLogger" => create_logger, "(name): a new Logger";
    }
}
