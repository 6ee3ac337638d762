//! `mlpy-test exec`: the native runtime as a backend of the process
//! protocol (version 1, `docs/process-protocol.md`), so that a harness can
//! drive it like any other ML implementation.
//!
//! A first stdin line `{"type":"hello",...}` starts a persistent session:
//! the handshake, then one `outcome` line per `run` line until `bye` or the
//! end of stdin. Anything else is read as one legacy request (the whole of
//! stdin, without `type`) answered by one outcome line.

use mlpy_harness::backend::{Backend, Job, NativeBackend};
use mlpy_harness::outcome::{ExecOutcome, Status};
use mlpy_harness::protocol::{
    BackendInfo, BackendMessage, Feature, Handshake, HostMessage, Implementation, RunRequest,
    WireError, WireOutcome, WireViolation, PROTOCOL_VERSION,
};
use mlpy_harness::request::{Code, ExecRequest};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::vm::{run_on_vm_thread, Interrupt, Limits};
use std::io::{BufRead, Read, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs `mlpy-test exec`: the protocol on stdin and stdout.
pub fn run() -> ExitCode {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut first = String::new();
    if let Err(e) = read_line_bounded(&mut input, &mut first) {
        return usage_error(&e);
    }
    match HostMessage::parse(first.trim()) {
        Ok(HostMessage::Hello { protocol, .. }) => session(protocol, input),
        _ => {
            let mut rest = String::new();
            let limit = MAX_REQUEST.saturating_sub(first.len() as u64);
            if let Err(e) = (&mut input).take(limit + 1).read_to_string(&mut rest) {
                return usage_error(&format!("cannot read the request from stdin: {e}"));
            }
            if rest.len() as u64 > limit {
                return usage_error(&too_large());
            }
            legacy(&(first + &rest))
        }
    }
}

/// Largest request (one line of the protocol, or a legacy request): its
/// globals become values several times their JSON size.
const MAX_REQUEST: u64 = 16 * 1024 * 1024;

fn too_large() -> String {
    format!("a request is larger than {MAX_REQUEST} bytes (code and globals together)")
}

/// One line of at most [`MAX_REQUEST`] bytes; 0 at the end of input.
fn read_line_bounded(input: &mut impl BufRead, line: &mut String) -> Result<usize, String> {
    line.clear();
    let n = input
        .take(MAX_REQUEST + 1)
        .read_line(line)
        .map_err(|e| format!("cannot read the request from stdin: {e}"))?;
    if n as u64 > MAX_REQUEST {
        return Err(too_large());
    }
    Ok(n)
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("mlpy-test exec: {msg}");
    ExitCode::from(2)
}

fn send(out: &mut impl Write, msg: &BackendMessage) -> std::io::Result<()> {
    let line = serde_json::to_string(msg).map_err(std::io::Error::other)?;
    writeln!(out, "{line}")?;
    out.flush()
}

/// The persistent protocol: handshake, then requests until `bye`.
fn session(protocol: u32, input: impl BufRead) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if protocol != PROTOCOL_VERSION {
        let _ = send(
            &mut out,
            &BackendMessage::Error {
                message: format!(
                    "protocol version {protocol} is not supported (only {PROTOCOL_VERSION})"
                ),
            },
        );
        return ExitCode::from(2);
    }
    let info = BackendInfo::native();
    let hello = Handshake {
        protocol: PROTOCOL_VERSION,
        implementation: Implementation {
            name: "mlpy-test".into(),
            version: info.version.clone(),
        },
        features: Feature::ALL.iter().map(|f| f.name().to_string()).collect(),
        unsupported: Default::default(),
    };
    if send(&mut out, &BackendMessage::Hello(hello)).is_err() {
        return ExitCode::from(2);
    }
    let mut input = input;
    let mut line = String::new();
    loop {
        match read_line_bounded(&mut input, &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                let _ = send(&mut out, &BackendMessage::Error { message: e });
                return ExitCode::from(2);
            }
        }
        if line.trim().is_empty() {
            continue;
        }
        let reply = match HostMessage::parse(&line) {
            Ok(HostMessage::Run(req)) => BackendMessage::Outcome(Box::new(execute(*req))),
            Ok(HostMessage::Bye) => break,
            Ok(HostMessage::Hello { .. }) => BackendMessage::Error {
                message: "the handshake was already done".into(),
            },
            Err(e) => BackendMessage::Error {
                message: format!("invalid message: {e}"),
            },
        };
        if send(&mut out, &reply).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

/// One request, one outcome line (the protocol before version 1).
fn legacy(input: &str) -> ExitCode {
    let req: RunRequest = match serde_json::from_str(input) {
        Ok(r) => r,
        Err(e) => {
            // The caller reads an outcome line whatever happens.
            let message = format!("invalid request JSON: {e}");
            let error = serde_json::json!({
                "id": 0,
                "status": "error",
                "error": { "kind": "RequestError", "message": message },
            });
            crate::outln!("{error}");
            return usage_error(&message);
        }
    };
    match serde_json::to_string(&execute(req)) {
        Ok(line) => {
            crate::outln!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => usage_error(&format!("cannot encode the outcome: {e}")),
    }
}

/// Runs one request on the native VM.
fn execute(req: RunRequest) -> WireOutcome {
    let id = req.id;
    let grants = match GrantSet::parse(&req.grants) {
        Ok(g) => g,
        Err(e) => {
            return wire(
                id,
                ExecOutcome::new(Status::Error {
                    error: mlpy_lang::error::ErrorInfo {
                        kind: "ValueError".into(),
                        message: e.to_string(),
                        line: None,
                        column: None,
                        file: None,
                        rendered: format!("ValueError: {e}\n"),
                        violation: None,
                    },
                }),
            )
        }
    };
    let mut request = ExecRequest::from_code(Code::Source {
        name: req.name.into(),
        text: req.code.into(),
        first_line: req.first_line.max(1),
    });
    request.grants = Arc::new(grants);
    request.globals = req.globals.into_iter().collect();
    request.world = Some(Arc::new(req.world));
    request.callback = req.callback;
    let job = Job {
        request,
        interrupt: Interrupt::new(),
        timeout: req.timeout_ms.map(Duration::from_millis),
        limits: Limits::default(),
        submitted: Instant::now(),
    };
    let outcome = run_on_vm_thread(move || NativeBackend::new(0, Limits::default()).run(job));
    wire(id, outcome)
}

fn wire(id: u64, o: ExecOutcome) -> WireOutcome {
    let error = o.status.error().map(|e| WireError {
        kind: e.kind.clone(),
        message: e.message.clone(),
        line: e.line,
        column: e.column,
    });
    WireOutcome {
        id,
        status: o.status.name().into(),
        value: o.status.value().cloned(),
        error,
        stdout: o.stdout,
        stderr: o.stderr,
        violations: o
            .violations
            .into_iter()
            .map(|v| WireViolation {
                capability: v.capability,
                resource: Some(v.resource),
            })
            .collect(),
        globals: o.globals,
        http_calls: o.http_calls,
        reason: None,
        timings: Some(o.timings),
    }
}
