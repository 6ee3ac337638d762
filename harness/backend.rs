//! Backends the executor runs jobs through: the native VM, a recording
//! mock for host developers' own tests, and an external process speaking
//! JSON (so the same specs can run against another ML implementation).

use crate::cache::CompileCache;
use crate::executor::{Code, ExecRequest};
use crate::outcome::{ExecOutcome, Status};
use mlpy_lang::error::ErrorInfo;
use mlpy_lang::host::Host;
use mlpy_lang::vm::{Interrupt, Limits};
use mlpy_lang::{CompileError, Data, ErrorKind, Value, Vm};
use std::time::{Duration, Instant};

/// One queued execution as a backend sees it.
pub struct Job {
    pub request: ExecRequest,
    pub interrupt: Interrupt,
    pub timeout: Option<Duration>,
    pub limits: Limits,
    pub submitted: Instant,
}

/// Something that can run an execution request on a worker thread.
pub trait Backend: Send + Sync {
    fn run(&self, job: Job) -> ExecOutcome;
}

/// The native ML virtual machine, with a compile cache.
pub struct NativeBackend {
    cache: CompileCache,
}

impl NativeBackend {
    pub fn new(cache_capacity: usize, _limits: Limits) -> NativeBackend {
        NativeBackend {
            cache: CompileCache::new(cache_capacity),
        }
    }
}

impl Backend for NativeBackend {
    fn run(&self, job: Job) -> ExecOutcome {
        let start = Instant::now();
        let program = match &job.request.code {
            Code::Program(p) => Ok(p.clone()),
            Code::Source { name, text } => {
                let known: Vec<String> =
                    job.request.globals.iter().map(|(k, _)| k.clone()).collect();
                self.cache.get_or_compile(name, text, &known)
            }
        };
        let compile = start.elapsed();
        let mut outcome = match program {
            Ok(program) => {
                let deadline = job.timeout.map(|t| Instant::now() + t);
                let req = job.request;
                run_program(
                    &program,
                    req.host.unwrap_or_else(Host::captured),
                    req.grants,
                    job.limits,
                    job.interrupt,
                    deadline,
                    &req.globals,
                    req.collect_globals,
                )
            }
            Err(e) => ExecOutcome::new(Status::Error {
                error: syntax_error_info(&e),
            }),
        };
        outcome.timings.compile = compile;
        outcome.timings.run = start.elapsed() - compile;
        outcome.timings.total = job.submitted.elapsed();
        outcome
    }
}

/// The error info for a compile error (its first diagnostic).
pub fn syntax_error_info(e: &CompileError) -> ErrorInfo {
    let (line, column) = e.first_location();
    ErrorInfo {
        kind: "SyntaxError".into(),
        message: e.first_message().to_string(),
        line: Some(line),
        column: Some(column),
        file: Some(e.file.name.clone()),
        rendered: e.render(),
        violation: None,
    }
}

/// The status for an ML error.
pub fn error_status(e: &mlpy_lang::MlError) -> Status {
    match e.kind() {
        ErrorKind::Timeout => Status::Timeout,
        ErrorKind::Cancelled => Status::Cancelled,
        ErrorKind::CapabilityViolation => Status::Violation { error: e.info() },
        _ => Status::Error { error: e.info() },
    }
}

/// Whether a global is reported in outcomes (data, not code).
pub fn is_reported_global(v: &Value) -> bool {
    !matches!(
        v,
        Value::Module(_) | Value::Function(_) | Value::Builtin(_) | Value::Native(_)
    )
}

/// Runs a compiled program in a fresh VM and collects everything the
/// outcome reports.
#[allow(clippy::too_many_arguments)]
pub fn run_program(
    program: &std::sync::Arc<mlpy_lang::Program>,
    host: Host,
    grants: std::sync::Arc<mlpy_lang::capability::GrantSet>,
    limits: Limits,
    interrupt: Interrupt,
    deadline: Option<Instant>,
    globals: &[(String, Data)],
    collect_globals: bool,
) -> ExecOutcome {
    let mut vm = Vm::new(host, grants, limits);
    vm.interrupt = interrupt;
    vm.set_deadline(deadline);
    for (name, value) in globals {
        vm.env.set(name, value.to_value());
    }
    let status = match vm.run(program) {
        Ok(r) => Status::Ok {
            value: Data::from_value(&r.value),
        },
        Err(e) => error_status(&e),
    };
    let mut outcome = ExecOutcome::new(status);
    outcome.stdout = vm.host.console.take_stdout();
    outcome.stderr = vm.host.console.take_stderr();
    outcome.violations = std::mem::take(&mut vm.violations);
    if collect_globals {
        outcome.globals = vm
            .env
            .defined()
            .filter(|(_, v)| is_reported_global(v))
            .map(|(k, v)| (k.to_string(), Data::from_value(&v)))
            .collect();
    }
    // Functions refer to themselves through globals: break those cycles.
    vm.clear_globals();
    outcome
}
