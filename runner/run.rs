//! `mlpy-test run FILE.ml`: run one program, streaming its output, or
//! report it as one JSON object with `--json`.

use clap::Args;
use mlpy_lang::capability::GrantSet;
use mlpy_lang::error::{ErrorInfo, Violation};
use mlpy_lang::host::{CapturedConsole, Host, StdConsole};
use mlpy_lang::syntax::SourceFile;
use mlpy_lang::value::{ml_str, Data};
use mlpy_lang::vm::{run_on_vm_thread, Limits};
use mlpy_lang::{compile, ErrorKind, Value, Vm};
use serde::Serialize;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `mlpy-test run` arguments.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// The ML source file, or `-` to read the program from stdin.
    pub file: String,
    /// Program arguments, after `--` (`mlpy-test run p.ml -- a b`); the
    /// program reads them through the `args` module (with `args:read`).
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
    /// Print one JSON object describing the run instead of streaming output.
    #[arg(long)]
    pub json: bool,
    /// The capabilities the program gets.
    #[command(flatten)]
    pub grants: crate::args::GrantArgs,
    /// Its time and memory.
    #[command(flatten)]
    pub limits: crate::args::LimitArgs,
}

/// The `--json` report. Its shape is a stable interface.
#[derive(Serialize)]
pub struct RunReport {
    /// `ok`, `error`, `violation` or `timeout`.
    pub status: &'static str,
    /// The program result (null unless `ok`).
    pub result: Data,
    /// Top-level variables after the run (data only).
    pub globals: indexmap::IndexMap<String, Data>,
    /// What the program printed.
    pub stdout: String,
    /// The error, unless `ok`.
    pub error: Option<ErrorJson>,
    /// Every capability violation, caught or not.
    pub violations: Vec<Violation>,
    /// How long it ran.
    pub duration_ms: f64,
}

/// An error in the `--json` report.
#[derive(Serialize)]
pub struct ErrorJson {
    /// The error kind.
    pub kind: String,
    /// The message.
    pub message: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
}

impl From<&ErrorInfo> for ErrorJson {
    fn from(e: &ErrorInfo) -> ErrorJson {
        ErrorJson {
            kind: e.kind.clone(),
            message: e.message.clone(),
            line: e.line,
            column: e.column,
        }
    }
}

struct Finished {
    status: &'static str,
    result: Data,
    globals: indexmap::IndexMap<String, Data>,
    stdout: String,
    error: Option<ErrorInfo>,
    violations: Vec<Violation>,
    duration: Duration,
}

/// Largest program `run` reads (ML sources are small; this stops
/// `mlpy-test run /dev/zero`-like inputs).
const MAX_SOURCE: u64 = 64 * 1024 * 1024;

/// Reads a program: a regular file only (a FIFO, device or socket could
/// block or never end), of at most [`MAX_SOURCE`] bytes.
fn read_source(path: &str) -> Result<String, String> {
    use std::io::Read;
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_SOURCE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read the program from stdin: {e}"))?;
        if bytes.len() as u64 > MAX_SOURCE {
            return Err(format!(
                "the program on stdin is larger than {MAX_SOURCE} bytes"
            ));
        }
        return String::from_utf8(bytes).map_err(|_| "stdin: not valid UTF-8 text".into());
    }
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    let meta = f
        .metadata()
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "cannot read {path}: not a regular file (a FIFO, device or directory)"
        ));
    }
    let mut bytes = Vec::new();
    f.take(MAX_SOURCE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    if bytes.len() as u64 > MAX_SOURCE {
        return Err(format!(
            "cannot read {path}: larger than {MAX_SOURCE} bytes"
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{path}: not valid UTF-8 text"))
}

/// Runs `mlpy-test run`.
pub fn run(args: RunArgs) -> ExitCode {
    let text = match read_source(&args.file) {
        Ok(t) => t,
        Err(e) => return usage_error(&e),
    };
    let grants = match args.grants.grant_set() {
        Ok(g) => g,
        Err(e) => return usage_error(&e),
    };
    let json = args.json;
    let timeout = args.limits.timeout;
    let memory = args.limits.memory;
    let name = if args.file == "-" {
        "<stdin>".to_string()
    } else {
        args.file.clone()
    };
    let program_args = args.args.clone();
    let file = Arc::new(SourceFile::new(name, text));
    // A bug in the runtime must still end as a reported error, not a crash.
    let finished = run_on_vm_thread(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            execute(file, &program_args, grants, timeout, memory, json)
        }))
        .unwrap_or_else(|p| internal_failure(&p))
    });
    if !json && StdConsole::stream_closed() {
        // The reader has gone (`mlpy-test run x.ml | head -1`): the run
        // stopped at its next output; stop quietly, as Unix tools do.
        return ExitCode::SUCCESS;
    }
    if json {
        let report = RunReport {
            status: finished.status,
            result: finished.result,
            globals: finished.globals,
            stdout: finished.stdout,
            error: finished.error.as_ref().map(ErrorJson::from),
            violations: finished.violations,
            duration_ms: finished.duration.as_secs_f64() * 1000.0,
        };
        crate::outln!(
            "{}",
            serde_json::to_string(&report).unwrap_or_else(|e| format!(
                "{{\"status\":\"error\",\"error\":{{\"kind\":\"InternalError\",\"message\":\"{e}\"}}}}"
            ))
        );
    } else if let Some(e) = &finished.error {
        eprint!("{}", e.rendered);
    }
    if finished.status == "ok" {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn internal_failure(p: &Box<dyn std::any::Any + Send>) -> Finished {
    let msg = p
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    Finished {
        status: "error",
        result: Data::Null,
        globals: Default::default(),
        stdout: String::new(),
        error: Some(ErrorInfo {
            kind: "InternalError".into(),
            message: format!("internal error: {msg}"),
            line: None,
            column: None,
            file: None,
            rendered: format!("InternalError: internal error: {msg}\n"),
            violation: None,
        }),
        violations: Vec::new(),
        duration: Duration::ZERO,
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("mlpy-test: {msg}");
    ExitCode::from(2)
}

fn execute(
    file: Arc<SourceFile>,
    program_args: &[String],
    grants: GrantSet,
    timeout: Option<Duration>,
    memory: Option<usize>,
    json: bool,
) -> Finished {
    let start = Instant::now();
    let mut finished = Finished {
        status: "ok",
        result: Data::Null,
        globals: Default::default(),
        stdout: String::new(),
        error: None,
        violations: Vec::new(),
        duration: Duration::ZERO,
    };
    let file_name = file.name.clone();
    let program = match compile(file) {
        Ok(p) => p,
        Err(e) => {
            finished.status = "error";
            finished.error = Some(mlpy_harness::backend::syntax_error_info(&e));
            finished.duration = start.elapsed();
            return finished;
        }
    };
    let mut host = Host::real();
    host.http = Arc::new(mlpy_lang::host::UreqHttp::new());
    host.args = std::iter::once(file_name)
        .chain(program_args.iter().cloned())
        .collect();
    if json {
        host.console = Box::new(CapturedConsole::default());
    }
    let mut limits = Limits::default();
    if let Some(m) = memory {
        limits.max_memory = m;
    }
    let mut vm = Vm::new(host, Arc::new(grants), limits);
    vm.set_deadline(timeout.map(|t| start + t));
    match vm.run(&program) {
        Ok(r) => {
            finished.result = Data::from_value(&r.value);
            if !json && !matches!(r.value, Value::Null) {
                let _ = vm.write_out(&format!("{}\n", ml_str(&r.value)));
            }
        }
        Err(e) => {
            finished.status = match e.kind() {
                ErrorKind::Timeout | ErrorKind::Cancelled => "timeout",
                ErrorKind::CapabilityViolation => "violation",
                _ => "error",
            };
            finished.error = Some(e.info());
        }
    }
    // Only the JSON report shows globals: converting them is work (a
    // program's big arrays) the plain output does not need.
    if json {
        finished.globals = vm
            .env
            .defined()
            .filter(|(_, v)| {
                !matches!(
                    v,
                    Value::Module(_) | Value::Function(_) | Value::Builtin(_) | Value::Native(_)
                )
            })
            .map(|(k, v)| (k.to_string(), Data::from_value(&v)))
            .collect();
    }
    finished.violations = std::mem::take(&mut vm.violations);
    finished.stdout = vm.host.console.take_stdout();
    // The process ends after this one run: the globals' values are left to
    // the operating system instead of being freed one by one and their
    // cycles broken (a tenth of a run that built many objects).
    std::mem::forget(std::mem::take(&mut vm.env));
    finished.duration = start.elapsed();
    finished
}
