//! `ProcessBackend`: runs an external command per execution. The request
//! goes to the command's stdin as one JSON object, and the command prints
//! one JSON outcome on stdout. This lets the same specs run against another
//! ML implementation. Protocol (documented in the README):
//!
//! request:  `{"code": "...", "name": "main.ml", "grants": ["..."],
//!             "timeout_ms": 2000, "globals": {"x": 1}}`
//! response: `{"status": "ok"|"error"|"violation"|"timeout"|"cancelled",
//!             "value"|"result": ..., "error": {"kind", "message", "line",
//!             "column"}, "stdout": "...", "violations": [...]}`

use crate::backend::{Backend, Job};
use crate::executor::{internal_error, Code};
use crate::outcome::{ExecOutcome, Status};
use mlpy_lang::error::{ErrorInfo, Violation};
use mlpy_lang::Data;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Serialize, Deserialize, Debug)]
pub struct ProcessRequest {
    pub code: String,
    pub name: String,
    pub grants: Vec<String>,
    pub timeout_ms: Option<u64>,
    pub globals: indexmap::IndexMap<String, Data>,
}

#[derive(Deserialize, Debug)]
struct ProcessResponse {
    status: String,
    #[serde(default)]
    value: Option<Data>,
    #[serde(default)]
    result: Option<Data>,
    #[serde(default)]
    error: Option<ErrorJson>,
    #[serde(default)]
    stdout: String,
    #[serde(default)]
    violations: Vec<Violation>,
    #[serde(default)]
    globals: indexmap::IndexMap<String, Data>,
}

#[derive(Deserialize, Debug)]
struct ErrorJson {
    kind: String,
    message: String,
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    column: Option<u32>,
}

/// An external command speaking the JSON protocol.
pub struct ProcessBackend {
    program: String,
    args: Vec<String>,
}

impl ProcessBackend {
    pub fn new(program: impl Into<String>, args: Vec<String>) -> ProcessBackend {
        ProcessBackend {
            program: program.into(),
            args,
        }
    }
}

impl Backend for ProcessBackend {
    fn run(&self, job: Job) -> ExecOutcome {
        let start = Instant::now();
        let (name, code) = match &job.request.code {
            // The protocol has no line offset: blank lines in front keep
            // the reported lines those of the file the code came from.
            Code::Source {
                name,
                text,
                first_line,
            } => (
                name.to_string(),
                "\n".repeat(first_line.saturating_sub(1) as usize) + text,
            ),
            Code::Program(p) => (p.file.name.clone(), p.file.text.clone()),
        };
        let request = ProcessRequest {
            code,
            name,
            grants: job.request.grants.names(),
            timeout_ms: job.timeout.map(|t| t.as_millis() as u64),
            globals: job.request.globals.iter().cloned().collect(),
        };
        let mut outcome = match self.exchange(&request, &job, start) {
            Ok(o) => o,
            Err(status) => ExecOutcome::new(status),
        };
        outcome.timings.run = start.elapsed();
        outcome.timings.total = job.submitted.elapsed();
        outcome
    }
}

impl ProcessBackend {
    // The error side is the final status itself; boxing it buys nothing.
    #[allow(clippy::result_large_err)]
    fn exchange(
        &self,
        request: &ProcessRequest,
        job: &Job,
        start: Instant,
    ) -> Result<ExecOutcome, Status> {
        let fail = |m: String| Status::Error {
            error: internal_error(&m),
        };
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| fail(format!("cannot start {}: {e}", self.program)))?;
        let body = serde_json::to_vec(request).map_err(|e| fail(e.to_string()))?;
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(&body);
        }
        let mut stdout = child
            .stdout
            .take()
            .ok_or_else(|| fail("no stdout".into()))?;
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.read_to_end(&mut out);
            out
        });
        // Grace period past the request's own timeout before killing.
        let deadline = job.timeout.map(|t| start + t + Duration::from_millis(500));
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) => {}
                Err(e) => return Err(fail(e.to_string())),
            }
            if job.interrupt.raised().is_some() {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Status::Cancelled);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Status::Timeout);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let out = reader.join().unwrap_or_default();
        let text = String::from_utf8_lossy(&out);
        let line = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let resp: ProcessResponse = serde_json::from_str(line)
            .map_err(|e| fail(format!("bad outcome from {}: {e}: {line}", self.program)))?;
        let error = resp.error.map(|e| ErrorInfo {
            rendered: format!("{}: {}\n", e.kind, e.message),
            kind: e.kind,
            message: e.message,
            line: e.line,
            column: e.column,
            file: None,
            violation: None,
        });
        let status = match resp.status.as_str() {
            "ok" => Status::Ok {
                value: resp.value.or(resp.result).unwrap_or(Data::Null),
            },
            "timeout" => Status::Timeout,
            "cancelled" => Status::Cancelled,
            "violation" => Status::Violation {
                error: error.unwrap_or_else(|| internal_error("violation without error")),
            },
            _ => Status::Error {
                error: error.unwrap_or_else(|| internal_error("error without details")),
            },
        };
        let mut outcome = ExecOutcome::new(status);
        outcome.stdout = resp.stdout;
        outcome.violations = resp.violations;
        outcome.globals = resp.globals;
        Ok(outcome)
    }
}
