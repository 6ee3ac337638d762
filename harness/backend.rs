//! Backends the executor runs jobs through: the native VM, a recording
//! mock for host developers' own tests, and an external process speaking
//! JSON (so the same specs can run against another ML implementation).

use crate::cache::CompileCache;
use crate::outcome::HttpCall;
use crate::outcome::{ExecOutcome, Status};
use crate::protocol::{BackendInfo, CallSpec};
use crate::request::{Code, ExecRequest};
use mlpy_lang::error::ErrorInfo;
use mlpy_lang::host::Host;
use mlpy_lang::trace::{EventKind, Location, StackFrame, Trace, TraceEvent, Tracer};
use mlpy_lang::vm::{Interrupt, Limits};
use mlpy_lang::{CompileError, Data, ErrorKind, Value, Vm};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One queued execution as a backend sees it.
pub struct Job {
    /// The request to run.
    pub request: ExecRequest,
    /// Set to stop the run (cancellation, shutdown).
    pub interrupt: Interrupt,
    /// The time limit, counted from when the run starts.
    pub timeout: Option<Duration>,
    /// Call depth, size and memory limits.
    pub limits: Limits,
    /// When the executor accepted the job (for the queued time).
    pub submitted: Instant,
}

/// Something that can run an execution request on a worker thread.
pub trait Backend: Send + Sync {
    /// Runs the job to its outcome (never panics out: errors are outcomes).
    fn run(&self, job: Job) -> ExecOutcome;
    /// What the backend is and which spec features it honours.
    fn info(&self) -> BackendInfo {
        BackendInfo::native()
    }
}

/// The native ML virtual machine, with a compile cache.
pub struct NativeBackend {
    cache: CompileCache,
}

impl NativeBackend {
    /// A backend whose compile cache keeps `cache_capacity` programs (the limits come with each job).
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
            Code::Source {
                name,
                text,
                first_line,
            } => {
                let known: Vec<String> =
                    job.request.globals.iter().map(|(k, _)| k.clone()).collect();
                self.cache.get_or_compile(name, text, *first_line, &known)
            }
        };
        let compiled = Instant::now();
        let mut outcome = match program {
            Ok(program) => {
                let deadline = job.timeout.map(|t| compiled + t);
                let req = job.request;
                let tracer = req.trace.then(Tracer::new);
                let (mut host, http) = match (req.host, &req.world) {
                    (Some(host), _) => (host, None),
                    (None, Some(world)) => {
                        let (host, http) = world.build();
                        (host, Some(http))
                    }
                    (None, None) => (Host::captured(), None),
                };
                if let Some(t) = &tracer {
                    mlpy_lang::host::traced::install(&mut host, t);
                }
                let mut outcome = run_traced(
                    &program,
                    host,
                    req.grants,
                    job.limits,
                    job.interrupt,
                    deadline,
                    &req.globals,
                    req.collect_globals,
                    req.callback.as_ref(),
                    tracer,
                );
                if let Some(http) = http {
                    outcome.http_calls = http
                        .requests()
                        .into_iter()
                        .map(|r| HttpCall {
                            method: r.method,
                            url: r.url,
                        })
                        .collect();
                }
                outcome
            }
            Err(e) => {
                let mut o = ExecOutcome::new(Status::Error {
                    error: syntax_error_info(&e),
                });
                if job.request.trace {
                    o.trace = Some(Trace::default());
                    finish_trace(&mut o);
                }
                o
            }
        };
        let end = Instant::now();
        outcome.timings.compile = compiled - start;
        outcome.timings.run = end - compiled;
        outcome.timings.total = end.saturating_duration_since(job.submitted);
        outcome
    }
}

/// Calls a global ML function of a VM that has run its program.
fn call_function(vm: &mut Vm, cb: &CallSpec) -> Status {
    let f = match vm.env.get(&cb.function) {
        Some(f) if f.is_callable() => f,
        found => {
            let (kind, message) = match found {
                Some(v) => (
                    ErrorKind::TypeError,
                    format!("'{}' object is not callable", v.kind_name()),
                ),
                None => (
                    ErrorKind::NameError,
                    format!("name '{}' is not defined", cb.function),
                ),
            };
            return error_status(&mlpy_lang::MlError::new(kind, message));
        }
    };
    let args: Vec<Value> = cb.args.iter().map(Data::to_value).collect();
    match vm.call_value(&f, &args) {
        Ok(v) => Status::Ok {
            value: Data::from_value(&v),
        },
        Err(e) => error_status(&e),
    }
}

/// The error info for a compile error (its first diagnostic).
pub fn syntax_error_info(e: &CompileError) -> ErrorInfo {
    let (line, column) = e.first_location();
    ErrorInfo {
        kind: e.first_kind().as_str().into(),
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

/// Runs a compiled program in a fresh VM (then the callback, if any, in the
/// same VM) and collects everything the outcome reports; with a `tracer`
/// (whose host backends the caller has wrapped), its boundary events too.
#[allow(clippy::too_many_arguments)]
fn run_traced(
    program: &std::sync::Arc<mlpy_lang::Program>,
    host: Host,
    grants: std::sync::Arc<mlpy_lang::capability::GrantSet>,
    limits: Limits,
    interrupt: Interrupt,
    deadline: Option<Instant>,
    globals: &[(String, Data)],
    collect_globals: bool,
    callback: Option<&CallSpec>,
    tracer: Option<Arc<Tracer>>,
) -> ExecOutcome {
    let mut vm = Vm::new(host, grants, limits);
    vm.tracer = tracer.clone();
    vm.interrupt = interrupt;
    vm.set_deadline(deadline);
    for (name, value) in globals {
        vm.env.set(name, value.to_value());
    }
    let status = match vm.run(program) {
        Ok(r) => match callback {
            None => Status::Ok {
                value: Data::from_value(&r.value),
            },
            Some(cb) => call_function(&mut vm, cb),
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
    if let Some(t) = tracer {
        vm.tracer = None;
        outcome.trace = Some(t.finish());
        finish_trace(&mut outcome);
    }
    // Functions refer to themselves through globals: break those cycles.
    vm.clear_globals();
    outcome
}

/// Ends a trace with the error that ended the execution, when the VM did
/// not record it (syntax errors, errors raised before any frame ran).
pub fn finish_trace(outcome: &mut ExecOutcome) {
    let Some(trace) = outcome.trace.as_mut() else {
        return;
    };
    let (kind, message, at) = match &outcome.status {
        Status::Error { error } | Status::Violation { error } => (
            error.kind.clone(),
            error.message.clone(),
            match (&error.file, error.line, error.column) {
                (Some(file), Some(line), Some(column)) => Some(Location {
                    file: file.clone(),
                    line,
                    column,
                }),
                _ => None,
            },
        ),
        _ => return,
    };
    let recorded = trace.events.last().is_some_and(
        |e| matches!(&e.kind, EventKind::Error { caught: false, kind: k, .. } if *k == kind),
    );
    if !recorded {
        let at_us = trace.events.last().map_or(0, |e| e.at_us);
        trace.events.push(TraceEvent {
            at_us,
            kind: EventKind::Error {
                kind,
                message,
                caught: false,
                stack: at
                    .map(|at| StackFrame {
                        function: "<main>".into(),
                        at: Some(at),
                    })
                    .into_iter()
                    .collect(),
            },
        });
    }
}
