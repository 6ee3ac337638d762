//! `ProcessBackend`: runs executions in an external program that speaks the
//! process protocol (version 1, `docs/process-protocol.md`), so the same
//! specs can run on another ML implementation.
//!
//! Processes are kept and reused: each worker takes an idle process (or
//! starts one and shakes hands), sends one `run` request and reads its
//! `outcome`. A process that misses its deadline or is cancelled is killed
//! and replaced, so a runaway program never blocks the next run.

use crate::backend::{Backend, Job};
use crate::executor::internal_error;
use crate::outcome::{ExecOutcome, Status};
use crate::protocol::{
    BackendInfo, BackendMessage, Handshake, HostMessage, RunRequest, WireOutcome, PROTOCOL_VERSION,
};
use crate::request::Code;
use mlpy_lang::error::{ErrorInfo, Violation};
use mlpy_lang::Data;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a starting backend may take to answer the handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);
/// Time past a run's own timeout before its process is killed (the
/// backend should stop the code and answer `timeout` itself first).
const GRACE: Duration = Duration::from_millis(1500);
/// How much of a backend's stderr is kept for error messages.
const STDERR_TAIL: usize = 4096;

/// An external program speaking the process protocol.
pub struct ProcessBackend {
    program: String,
    args: Vec<String>,
    info: BackendInfo,
    idle: Mutex<Vec<Conn>>,
    next_id: AtomicU64,
}

impl ProcessBackend {
    /// Starts the program once and shakes hands; the error says why a
    /// backend cannot be used (it did not start, exited, spoke another
    /// protocol version), with the end of its stderr.
    pub fn connect(
        program: impl Into<String>,
        args: Vec<String>,
    ) -> Result<ProcessBackend, String> {
        let program = program.into();
        let (conn, hello) = Conn::start(&program, &args)?;
        Ok(ProcessBackend {
            info: hello.info(),
            idle: Mutex::new(vec![conn]),
            next_id: AtomicU64::new(1),
            program,
            args,
        })
    }

    /// The command line, for messages.
    pub fn command(&self) -> String {
        command_line(&self.program, &self.args)
    }

    fn take_conn(&self) -> Result<Conn, String> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match idle {
            Some(c) => Ok(c),
            None => Conn::start(&self.program, &self.args).map(|(c, _)| c),
        }
    }

    fn give_back(&self, conn: Conn) {
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(conn);
    }

    fn request(&self, job: &Job) -> RunRequest {
        let r = &job.request;
        let (name, code, first_line) = match &r.code {
            Code::Source {
                name,
                text,
                first_line,
            } => (name.to_string(), text.to_string(), *first_line),
            Code::Program(p) => (p.file.name.clone(), p.file.text.clone(), 1),
        };
        RunRequest {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            code,
            name,
            first_line,
            grants: r.grants.names(),
            timeout_ms: job.timeout.map(|t| t.as_millis() as u64),
            globals: r.globals.iter().cloned().collect(),
            callback: r.callback.clone(),
            world: r.world.as_deref().cloned().unwrap_or_default(),
        }
    }

    // The error side is the final status itself; boxing it buys nothing.
    #[allow(clippy::result_large_err)]
    fn exchange(&self, job: &Job, start: Instant) -> Result<ExecOutcome, Status> {
        let request = self.request(job);
        let id = request.id;
        let missing: Vec<&str> = request
            .needs()
            .into_iter()
            .filter(|f| !self.info.features.contains(f))
            .map(|f| f.name())
            .collect();
        if !missing.is_empty() {
            return Err(fail(format!(
                "backend '{}' does not support {}",
                self.info.name,
                missing.join(", ")
            )));
        }
        let line = serde_json::to_string(&HostMessage::Run(Box::new(request)))
            .map_err(|e| fail(format!("cannot encode the request: {e}")))?;
        // A reused process may have died while idle: retry once on a new one.
        let mut conn = self.take_conn().map_err(fail)?;
        if conn.send(&line).is_err() {
            conn = Conn::start(&self.program, &self.args).map_err(fail)?.0;
            conn.send(&line)
                .map_err(|e| fail(format!("cannot write to {}: {e}", self.command())))?;
        }
        conn.busy = true;
        let deadline = job.timeout.map(|t| start + t + GRACE);
        loop {
            match conn.recv(deadline, Some(&job.interrupt)) {
                Recv::Message(BackendMessage::Outcome(o)) if o.id == id => {
                    conn.busy = false;
                    self.give_back(conn);
                    return outcome_of(*o);
                }
                Recv::Message(BackendMessage::Error { message }) => {
                    return Err(fail(format!("backend error: {message}")));
                }
                Recv::Message(_) => continue,
                Recv::Deadline => return Err(Status::Timeout),
                Recv::Cancelled => return Err(Status::Cancelled),
                Recv::Closed => {
                    conn.wait_briefly();
                    return Err(fail(format!(
                        "the backend process exited during the run{}",
                        conn.stderr_note()
                    )));
                }
            }
        }
    }
}

impl Backend for ProcessBackend {
    fn run(&self, job: Job) -> ExecOutcome {
        let start = Instant::now();
        let mut outcome = self.exchange(&job, start).unwrap_or_else(ExecOutcome::new);
        outcome.timings.run = start.elapsed();
        outcome.timings.total = job.submitted.elapsed();
        outcome
    }

    fn info(&self) -> BackendInfo {
        self.info.clone()
    }
}

fn fail(message: String) -> Status {
    Status::Error {
        error: internal_error(&message),
    }
}

#[allow(clippy::result_large_err)]
fn outcome_of(o: WireOutcome) -> Result<ExecOutcome, Status> {
    let error = o.error.map(|e| ErrorInfo {
        rendered: format!("{}: {}\n", e.kind, e.message),
        kind: e.kind,
        message: e.message,
        line: e.line,
        column: e.column,
        file: None,
        violation: None,
    });
    let status = match o.status.as_str() {
        "ok" => Status::Ok {
            value: o.value.unwrap_or(Data::Null),
        },
        "timeout" => Status::Timeout,
        "cancelled" => Status::Cancelled,
        "violation" => Status::Violation {
            error: error.unwrap_or_else(|| internal_error("violation without error")),
        },
        "error" => Status::Error {
            error: error.unwrap_or_else(|| internal_error("error without details")),
        },
        "unsupported" => {
            return Err(fail(format!(
                "the backend refused the run: {}",
                o.reason.unwrap_or_default()
            )))
        }
        other => return Err(fail(format!("unknown outcome status '{other}'"))),
    };
    let mut outcome = ExecOutcome::new(status);
    if let Some(t) = o.timings {
        outcome.timings.compile = t.compile;
        outcome.timings.run = t.run;
    }
    outcome.stdout = o.stdout;
    outcome.stderr = o.stderr;
    outcome.violations = o
        .violations
        .into_iter()
        .map(|v| Violation {
            capability: v.capability,
            resource: v.resource.unwrap_or_default(),
        })
        .collect();
    outcome.globals = o.globals;
    outcome.http_calls = o.http_calls;
    Ok(outcome)
}

/// A command line for messages; a long argument (a script passed with
/// `-c`) is shown by its size.
fn command_line(program: &str, args: &[String]) -> String {
    std::iter::once(program.to_string())
        .chain(args.iter().map(|a| {
            if a.len() > 80 {
                format!("<{}-byte argument>", a.len())
            } else {
                a.clone()
            }
        }))
        .collect::<Vec<_>>()
        .join(" ")
}

enum Recv {
    Message(BackendMessage),
    Deadline,
    Cancelled,
    Closed,
}

/// One running backend process.
struct Conn {
    child: Child,
    /// A run is in flight: dropping the process kills it at once.
    busy: bool,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
    /// Set when the process's stderr reached its end.
    stderr_done: Arc<std::sync::atomic::AtomicBool>,
}

impl Conn {
    /// Starts the program and shakes hands.
    fn start(program: &str, args: &[String]) -> Result<(Conn, Handshake), String> {
        let command = command_line(program, args);
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start backend '{command}': {e}"))?;
        let (tx, lines) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let stderr = Arc::new(Mutex::new(String::new()));
        let stderr_done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        if let Some(mut err) = child.stderr.take() {
            let tail = stderr.clone();
            let done = stderr_done.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 1024];
                while let Ok(n) = err.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut t = tail.lock().unwrap_or_else(|e| e.into_inner());
                    t.push_str(&String::from_utf8_lossy(&buf[..n]));
                    if t.len() > STDERR_TAIL {
                        let cut = t.len() - STDERR_TAIL;
                        let cut = (cut..t.len()).find(|&i| t.is_char_boundary(i)).unwrap_or(0);
                        t.drain(..cut);
                    }
                }
                done.store(true, Ordering::Release);
            });
        }
        let mut conn = Conn {
            busy: false,
            stdin: child.stdin.take(),
            child,
            lines,
            stderr,
            stderr_done,
        };
        let hello = serde_json::to_string(&HostMessage::Hello {
            protocol: PROTOCOL_VERSION,
            client: format!("mlpy-test {}", env!("CARGO_PKG_VERSION")),
        })
        .map_err(|e| e.to_string())?;
        // A backend that exits at once breaks the pipe: then its exit
        // status and stderr tell why.
        let sent = conn.send(&hello);
        let deadline = Instant::now() + HANDSHAKE_TIMEOUT;
        loop {
            let received = match sent {
                Ok(()) => conn.recv(Some(deadline), None),
                Err(_) => Recv::Closed,
            };
            match received {
                Recv::Message(BackendMessage::Hello(h)) => {
                    if h.protocol != PROTOCOL_VERSION {
                        return Err(format!(
                            "backend '{command}' speaks protocol version {}, not {PROTOCOL_VERSION}",
                            h.protocol
                        ));
                    }
                    return Ok((conn, h));
                }
                Recv::Message(BackendMessage::Error { message }) => {
                    return Err(format!(
                        "backend '{command}' refused the handshake: {message}"
                    ))
                }
                Recv::Message(_) => continue,
                Recv::Deadline | Recv::Cancelled => {
                    return Err(format!(
                        "backend '{command}' did not answer the handshake within {} s{}",
                        HANDSHAKE_TIMEOUT.as_secs(),
                        conn.stderr_note()
                    ))
                }
                Recv::Closed => {
                    conn.wait_briefly();
                    let status = match conn.child.try_wait() {
                        Ok(Some(s)) => format!(" ({s})"),
                        _ => String::new(),
                    };
                    return Err(format!(
                        "backend '{command}' exited before the handshake{status}{}",
                        conn.stderr_note()
                    ));
                }
            }
        }
    }

    fn send(&mut self, line: &str) -> std::io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::other("stdin closed"))?;
        stdin.write_all(line.as_bytes())?;
        stdin.write_all(b"\n")?;
        stdin.flush()
    }

    /// The next protocol message; lines that are not one are skipped.
    fn recv(
        &mut self,
        deadline: Option<Instant>,
        interrupt: Option<&mlpy_lang::vm::Interrupt>,
    ) -> Recv {
        loop {
            if interrupt.is_some_and(|i| i.raised().is_some()) {
                return Recv::Cancelled;
            }
            let mut wait = Duration::from_millis(20);
            if let Some(d) = deadline {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Recv::Deadline;
                }
                wait = wait.min(left);
            }
            match self.lines.recv_timeout(wait) {
                Ok(line) => {
                    let t = line.trim();
                    if t.starts_with('{') {
                        if let Ok(m) = BackendMessage::parse(t) {
                            return Recv::Message(m);
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return Recv::Closed,
            }
        }
    }

    /// Gives an exiting process a moment so that its status and last
    /// stderr lines are available.
    fn wait_briefly(&mut self) {
        let until = Instant::now() + Duration::from_millis(500);
        while Instant::now() < until {
            let exited = matches!(self.child.try_wait(), Ok(Some(_)));
            if exited && self.stderr_done.load(Ordering::Acquire) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn stderr_note(&self) -> String {
        let t = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        let t = t.trim();
        if t.is_empty() {
            String::new()
        } else {
            format!("; its stderr ends with:\n{t}")
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        // An idle backend is asked to exit; a busy one is killed.
        if let Some(mut stdin) = self.stdin.take() {
            if !self.busy {
                let _ = stdin.write_all(b"{\"type\":\"bye\"}\n");
            }
        }
        let wait = if self.busy { 0 } else { 200 };
        let until = Instant::now() + Duration::from_millis(wait);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(5)),
                Ok(None) => break,
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
