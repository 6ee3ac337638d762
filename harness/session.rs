//! Sessions: persistent ML state (globals, functions, imports) across
//! executions, as in a REPL, and callbacks that call ML functions directly
//! with typed values.
//!
//! A session's VM holds reference-counted values that must never be
//! touched by two threads at once, so it lives behind a mutex; every call
//! runs on the caller's thread while holding it (no thread hop). Results
//! leave the lock only as plain [`Data`].

use crate::backend::{error_status, finish_trace, is_reported_global, syntax_error_info};
use crate::outcome::{ExecOutcome, Status};
use mlpy_lang::capability::{GrantSet, Token, TokenError};
use mlpy_lang::compile::{compile_with, CompileOptions};
use mlpy_lang::error::ErrorInfo;
use mlpy_lang::host::Host;
use mlpy_lang::syntax::SourceFile;
use mlpy_lang::trace::{EventKind, Trace, TraceEvent, Tracer};
use mlpy_lang::vm::{Interrupt, Limits};
use mlpy_lang::{Data, ErrorKind, Value, Vm};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Options for a new session.
pub struct SessionOptions {
    /// The capabilities every execution gets.
    pub grants: GrantSet,
    /// The world the session's code sees (default: `Host::captured()`).
    pub host: Option<Host>,
    /// Call depth, size and memory limits.
    pub limits: Limits,
    /// Per-execution timeout.
    pub timeout: Option<Duration>,
}

impl Default for SessionOptions {
    fn default() -> SessionOptions {
        SessionOptions {
            grants: GrantSet::none(),
            host: None,
            limits: Limits::default(),
            timeout: Some(Duration::from_secs(30)),
        }
    }
}

/// Options for one execution in a session.
#[derive(Clone, Debug, Default)]
pub struct ExecOptions {
    /// The file name in error locations (default `<session:N>`).
    pub name: Option<String>,
    /// Record a trace of boundary events in the outcome (`ExecOutcome::trace`).
    pub trace: bool,
    /// Overrides the session's timeout for this execution.
    pub timeout: Option<Duration>,
    /// An interrupt that stops this execution only (raised before the
    /// execution starts, it never runs). `Session::cancel` stops it too.
    pub interrupt: Option<Interrupt>,
    /// The line of file `name` the code starts on (0 or 1: the first):
    /// error locations are that file's lines.
    pub first_line: u32,
}

struct State {
    vm: Vm,
    /// Records traced executions; installed around the host on first use.
    tracer: Option<Arc<Tracer>>,
    grants: GrantSet,
    timeout: Option<Duration>,
    snippets: u64,
    /// Violations already reported by an outcome.
    violations_seen: usize,
}

// SAFETY: every `Rc` the VM holds is reachable only through `State`, which
// is only ever accessed while the session mutex is held, so no two threads
// touch one at once; nothing reference-counted leaves the lock (results
// are converted to `Data` first). This holds only while no `Rc` the VM can
// reach is also reachable from a `static` or `thread_local!` (such as a
// cache): a clone kept there would be touched by whichever thread owns it,
// outside the lock. Rule for `lang/` (ARCHITECTURE.md, "Threads and `Rc`"):
// statics and thread-locals hold only `Send + Sync` data (`Arc`, plain
// values), never an `Rc` or a `Value`.
unsafe impl Send for State {}

/// A persistent ML session. `Send + Sync + Clone`: calls from any thread
/// are serialised, so no result is ever lost or mixed.
#[derive(Clone)]
pub struct Session {
    state: Arc<Mutex<State>>,
    interrupt: Interrupt,
    /// The interrupt of the execution running now, when it has its own.
    running: Arc<Mutex<Option<Interrupt>>>,
}

/// Why a call into the session failed.
#[derive(Clone, Debug, PartialEq)]
pub enum CallError {
    /// The name is not an identifier.
    InvalidName(String),
    /// No global of that name exists.
    NotFound(String),
    /// The global exists but is not a function.
    NotCallable(String),
    /// The function raised an ML error.
    Error(Box<ErrorInfo>),
    /// A capability violation that the function did not catch.
    Violation(Box<ErrorInfo>),
    /// The call ran past its timeout.
    Timeout,
    /// The call was cancelled.
    Cancelled,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::InvalidName(n) => write!(f, "'{n}' is not a valid function name"),
            CallError::NotFound(n) => write!(f, "function '{n}' is not defined in the session"),
            CallError::NotCallable(n) => write!(f, "'{n}' is not a function"),
            CallError::Error(e) | CallError::Violation(e) => write!(f, "{}: {}", e.kind, e.message),
            CallError::Timeout => write!(f, "the call timed out"),
            CallError::Cancelled => write!(f, "the call was cancelled"),
        }
    }
}

impl std::error::Error for CallError {}

impl CallError {
    /// How a run that ended in this call error is reported: the call's
    /// ML error, violation, timeout or cancellation, else a `CallError`.
    pub fn into_status(self) -> Status {
        match self {
            CallError::Error(error) => Status::Error { error: *error },
            CallError::Violation(error) => Status::Violation { error: *error },
            CallError::Timeout => Status::Timeout,
            CallError::Cancelled => Status::Cancelled,
            other => Status::Error {
                error: ErrorInfo {
                    kind: "CallError".into(),
                    message: other.to_string(),
                    line: None,
                    column: None,
                    file: None,
                    rendered: format!("{other}\n"),
                    violation: None,
                },
            },
        }
    }
}

/// Whether `name` is an identifier (ASCII letters, digits, `_`; not starting with a digit).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Session {
    /// A session with its own VM and globals.
    pub fn new(options: SessionOptions) -> Session {
        let vm = Vm::new(
            options.host.unwrap_or_else(Host::captured),
            Arc::new(options.grants.clone()),
            options.limits,
        );
        let interrupt = vm.interrupt.clone();
        Session {
            state: Arc::new(Mutex::new(State {
                vm,
                tracer: None,
                grants: options.grants,
                timeout: options.timeout,
                snippets: 0,
                violations_seen: 0,
            })),
            interrupt,
            running: Arc::new(Mutex::new(None)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the session's VM (inspection, completion); waits while an
    /// execution runs.
    pub(crate) fn with_vm<R>(&self, f: impl FnOnce(&Vm) -> R) -> R {
        f(&self.lock().vm)
    }

    /// Changes the session's VM outside an execution (forgetting a module).
    pub(crate) fn with_vm_mut<R>(&self, f: impl FnOnce(&mut Vm) -> R) -> R {
        f(&mut self.lock().vm)
    }

    /// Like `with_vm`, but `None` instead of waiting while an execution
    /// runs.
    pub(crate) fn try_with_vm<R>(&self, f: impl FnOnce(&Vm) -> R) -> Option<R> {
        match self.state.try_lock() {
            Ok(st) => Some(f(&st.vm)),
            Err(std::sync::TryLockError::Poisoned(e)) => Some(f(&e.into_inner().vm)),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    /// Stops whatever the session is running now.
    pub fn cancel(&self) {
        self.interrupt.cancel();
        if let Some(i) = &*self.running.lock().unwrap_or_else(|e| e.into_inner()) {
            i.cancel();
        }
    }

    /// Runs code in the session; its definitions persist.
    pub fn execute(&self, code: &str) -> ExecOutcome {
        self.execute_with(code, &ExecOptions::default())
    }

    /// Runs code under a file name (for error locations).
    pub fn execute_named(&self, name: &str, code: &str) -> ExecOutcome {
        self.execute_with(
            code,
            &ExecOptions {
                name: Some(name.to_string()),
                ..ExecOptions::default()
            },
        )
    }

    /// Runs code with per-execution options (name, trace, timeout,
    /// interrupt).
    pub fn execute_with(&self, code: &str, options: &ExecOptions) -> ExecOutcome {
        let start = Instant::now();
        let mut st = self.lock();
        st.snippets += 1;
        let name = match &options.name {
            Some(n) => n.clone(),
            None => format!("<session:{}>", st.snippets),
        };
        let file = Arc::new(SourceFile::new(name, code).with_first_line(options.first_line));
        let compiled = {
            let vm = &st.vm;
            let known = |n: &str| vm.env.get(n).is_some();
            compile_with(
                file,
                &CompileOptions {
                    known_globals: Some(&known),
                },
            )
        };
        let compile_time = start.elapsed();
        let program = match compiled {
            Ok(p) => p,
            Err(e) => {
                let mut o = ExecOutcome::new(Status::Error {
                    error: syntax_error_info(&e),
                });
                if options.trace {
                    o.trace = Some(Default::default());
                    finish_trace(&mut o);
                }
                o.timings.compile = compile_time;
                o.timings.total = start.elapsed();
                return o;
            }
        };
        let deadline = options.timeout.or(st.timeout).map(|t| Instant::now() + t);
        let Some(saved) = self.enter(&mut st, options) else {
            let mut o = ExecOutcome::new(Status::Cancelled);
            o.timings.total = start.elapsed();
            return o;
        };
        let seen_violations = st.violations_seen;
        st.vm.set_deadline(deadline);
        let result = st.vm.run(&program);
        let status = match result {
            Ok(r) => Status::Ok {
                value: Data::from_value(&r.value),
            },
            Err(e) => {
                st.vm.reset_stack();
                error_status(&e)
            }
        };
        let mut outcome = ExecOutcome::new(status);
        outcome.trace = self.leave(&mut st, saved);
        finish_trace(&mut outcome);
        outcome.stdout = st.vm.host.console.take_stdout();
        outcome.stderr = st.vm.host.console.take_stderr();
        outcome.violations = st.vm.violations[seen_violations..].to_vec();
        st.violations_seen = st.vm.violations.len();
        outcome.globals = st
            .vm
            .env
            .defined()
            .filter(|(_, v)| is_reported_global(v))
            .map(|(k, v)| (k.to_string(), Data::from_value(&v)))
            .collect();
        outcome.timings.compile = compile_time;
        outcome.timings.run = start.elapsed() - compile_time;
        outcome.timings.total = start.elapsed();
        outcome
    }

    /// Prepares the VM for one execution: its interrupt and tracer.
    /// `None` when the execution was cancelled before it started; else
    /// the session's interrupt to put back when the execution has its own
    /// (the common case, without, touches no lock and no reference count).
    fn enter(&self, st: &mut State, options: &ExecOptions) -> Option<Option<Interrupt>> {
        let saved = match &options.interrupt {
            Some(own) => {
                if own.raised().is_some() {
                    return None;
                }
                *self.running.lock().unwrap_or_else(|e| e.into_inner()) = Some(own.clone());
                Some(std::mem::replace(&mut st.vm.interrupt, own.clone()))
            }
            None => {
                self.interrupt.clear();
                None
            }
        };
        if options.trace {
            let tracer = match &st.tracer {
                Some(t) => t.clone(),
                None => {
                    let t = Tracer::new();
                    mlpy_lang::host::traced::install(&mut st.vm.host, &t);
                    st.tracer = Some(t.clone());
                    t
                }
            };
            tracer.begin();
            st.vm.tracer = Some(tracer);
        }
        Some(saved)
    }

    /// Undoes [`Session::enter`]; returns the trace, if one was recorded.
    fn leave(&self, st: &mut State, saved: Option<Interrupt>) -> Option<Trace> {
        if let Some(saved) = saved {
            st.vm.interrupt = saved;
            *self.running.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        st.vm.tracer.take().map(|t| t.finish())
    }

    /// Runs code on a blocking-friendly thread from async code.
    pub async fn execute_async(&self, code: &str) -> ExecOutcome {
        let session = self.clone();
        let code = code.to_string();
        match tokio::task::spawn_blocking(move || session.execute(&code)).await {
            Ok(o) => o,
            Err(_) => ExecOutcome::new(Status::Cancelled),
        }
    }

    /// Defines (or replaces) a global.
    pub fn set_global(&self, name: &str, value: Data) {
        self.lock().vm.env.set(name, value.to_value());
    }

    /// What calls printed and violated since the last outcome, as an
    /// outcome with a null value.
    pub fn take_output(&self) -> ExecOutcome {
        let mut st = self.lock();
        let mut o = ExecOutcome::new(Status::Ok { value: Data::Null });
        o.stdout = st.vm.host.console.take_stdout();
        o.stderr = st.vm.host.console.take_stderr();
        o.violations = st.vm.violations[st.violations_seen..].to_vec();
        st.violations_seen = st.vm.violations.len();
        o
    }

    /// A global's value as plain data.
    pub fn get(&self, name: &str) -> Option<Data> {
        let st = self.lock();
        st.vm.env.get(name).map(|v| Data::from_value(&v))
    }

    /// Names of the session's data and function globals.
    pub fn names(&self) -> Vec<String> {
        let st = self.lock();
        st.vm.env.defined().map(|(k, _)| k.to_string()).collect()
    }

    /// Calls a function defined in the session with typed arguments.
    pub fn call(&self, function: &str, args: &[Data]) -> Result<Data, CallError> {
        self.call_with_timeout(function, args, None)
    }

    /// Calls a function with per-call options; with `trace`, also returns
    /// the call's trace (the callback itself first).
    pub fn call_with(
        &self,
        function: &str,
        args: &[Data],
        options: &ExecOptions,
    ) -> (Result<Data, CallError>, Option<Trace>) {
        let start = Instant::now();
        let r = self.call_inner(function, args, options);
        let (r, trace) = match r {
            Ok((r, trace)) => (r, trace),
            Err(e) => (Err(e), options.trace.then(Trace::default)),
        };
        let trace = trace.map(|mut t| {
            let result = match &r {
                Ok(v) => format!("=> {}", v.to_json()),
                Err(e) => format!("failed: {e}"),
            };
            t.events.insert(
                0,
                TraceEvent {
                    at_us: 0,
                    kind: EventKind::Callback {
                        function: function.to_string(),
                        args: Data::Array(args.to_vec()).to_json(),
                        result,
                        duration_us: start.elapsed().as_micros() as u64,
                    },
                },
            );
            t
        });
        (r, trace)
    }

    fn call_with_timeout(
        &self,
        function: &str,
        args: &[Data],
        timeout: Option<Duration>,
    ) -> Result<Data, CallError> {
        let options = ExecOptions {
            timeout,
            ..ExecOptions::default()
        };
        self.call_inner(function, args, &options)
            .and_then(|(r, _)| r)
    }

    /// A call; errors before the function runs are the outer `Err`.
    #[allow(clippy::type_complexity)]
    fn call_inner(
        &self,
        function: &str,
        args: &[Data],
        options: &ExecOptions,
    ) -> Result<(Result<Data, CallError>, Option<Trace>), CallError> {
        if !is_identifier(function) {
            return Err(CallError::InvalidName(function.to_string()));
        }
        let mut st = self.lock();
        let f = match st.vm.env.get(function) {
            Some(f) if f.is_callable() => f,
            Some(_) => return Err(CallError::NotCallable(function.to_string())),
            None => return Err(CallError::NotFound(function.to_string())),
        };
        let timeout = options.timeout.or(st.timeout);
        st.vm.set_deadline(timeout.map(|t| Instant::now() + t));
        let Some(saved) = self.enter(&mut st, options) else {
            return Ok((Err(CallError::Cancelled), None));
        };
        let args: Vec<Value> = args.iter().map(Data::to_value).collect();
        let r = match st.vm.call_value(&f, &args) {
            Ok(v) => Ok(Data::from_value(&v)),
            Err(e) => {
                st.vm.reset_stack();
                Err(match e.kind() {
                    ErrorKind::Timeout => CallError::Timeout,
                    ErrorKind::Cancelled => CallError::Cancelled,
                    ErrorKind::CapabilityViolation => CallError::Violation(Box::new(e.info())),
                    _ => CallError::Error(Box::new(e.info())),
                })
            }
        };
        let trace = self.leave(&mut st, saved);
        Ok((r, trace))
    }

    /// Grants a capability from the next execution on.
    pub fn grant(&self, capability: &str) -> Result<(), TokenError> {
        let token = Token::parse(capability)?;
        let mut st = self.lock();
        let mut tokens = st.grants.tokens().to_vec();
        if !tokens.iter().any(|t| t.text() == token.text()) {
            tokens.push(token);
        }
        st.grants = GrantSet::from_tokens(tokens);
        st.vm.grants = Arc::new(st.grants.clone());
        Ok(())
    }

    /// Revokes a capability (by its text); false if it was not granted.
    pub fn revoke(&self, capability: &str) -> bool {
        let mut st = self.lock();
        let wanted = capability.trim();
        let before = st.grants.tokens().len();
        let tokens: Vec<Token> = st
            .grants
            .tokens()
            .iter()
            .filter(|t| t.text() != wanted)
            .cloned()
            .collect();
        let changed = tokens.len() != before;
        if changed {
            st.grants = GrantSet::from_tokens(tokens);
            st.vm.grants = Arc::new(st.grants.clone());
        }
        changed
    }

    /// Granted capability texts, sorted.
    pub fn grants(&self) -> Vec<String> {
        self.lock().grants.names()
    }

    /// Every capability violation recorded in this session so far.
    pub fn violations(&self) -> Vec<mlpy_lang::Violation> {
        self.lock().vm.violations.clone()
    }

    /// A host callable for an ML function of this session. The name must
    /// be an identifier and the function must exist now.
    pub fn callback(&self, function: &str) -> Result<Callback, CallError> {
        if !is_identifier(function) {
            return Err(CallError::InvalidName(function.to_string()));
        }
        match self.get_kind(function) {
            Some(true) => Ok(Callback {
                session: self.clone(),
                function: function.to_string(),
                fallback: None,
                timeout: None,
            }),
            Some(false) => Err(CallError::NotCallable(function.to_string())),
            None => Err(CallError::NotFound(function.to_string())),
        }
    }

    fn get_kind(&self, name: &str) -> Option<bool> {
        let st = self.lock();
        st.vm.env.get(name).map(|v| v.is_callable())
    }
}

impl Drop for State {
    fn drop(&mut self) {
        self.vm.clear_globals();
    }
}

type ErrorHandler = Arc<dyn Fn(&CallError) -> Option<Data> + Send + Sync>;

/// An ML function callable from the host with plain-data arguments.
#[derive(Clone)]
pub struct Callback {
    session: Session,
    function: String,
    fallback: Option<ErrorHandler>,
    timeout: Option<Duration>,
}

impl Callback {
    /// Maps an error to a fallback value (`Some`) or lets it through (`None`).
    pub fn on_error(
        mut self,
        handler: impl Fn(&CallError) -> Option<Data> + Send + Sync + 'static,
    ) -> Callback {
        self.fallback = Some(Arc::new(handler));
        self
    }

    /// A per-call timeout (instead of the session's).
    pub fn timeout(mut self, timeout: Duration) -> Callback {
        self.timeout = Some(timeout);
        self
    }

    /// The function's name.
    pub fn name(&self) -> &str {
        &self.function
    }

    /// Calls the function. Runs on this thread under the session's lock.
    pub fn call(&self, args: &[Data]) -> Result<Data, CallError> {
        match self
            .session
            .call_with_timeout(&self.function, args, self.timeout)
        {
            Ok(v) => Ok(v),
            Err(e) => match self.fallback.as_ref().and_then(|h| h(&e)) {
                Some(v) => Ok(v),
                None => Err(e),
            },
        }
    }
}

/// A session that has run `code`, which must succeed (for tests).
#[cfg(test)]
pub(crate) fn session_after(code: &str) -> Session {
    let s = Session::new(SessionOptions::default());
    let o = s.execute(code);
    assert!(o.status.is_ok(), "{code}: {:?}", o.status);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_persists_and_callbacks_work() {
        let s = session_after("function add(a, b) { return a + b; } total = 0;");
        let o = s.execute("total = total + add(2, 3); total;");
        assert_eq!(o.status.value(), Some(&Data::Int(5)));
        assert_eq!(s.get("total"), Some(Data::Int(5)));
        let cb = s.callback("add").unwrap();
        assert_eq!(cb.call(&[Data::Int(3), Data::Int(4)]), Ok(Data::Int(7)));
        assert_eq!(
            cb.call(&[Data::Str("a\"b\né".into()), Data::Str("!".into())]),
            Ok(Data::Str("a\"b\né!".into()))
        );
        assert!(matches!(s.callback("nope"), Err(CallError::NotFound(_))));
        assert!(matches!(
            s.callback("total"),
            Err(CallError::NotCallable(_))
        ));
        assert!(matches!(
            s.callback("add(1);x"),
            Err(CallError::InvalidName(_))
        ));
    }

    #[test]
    fn errors_fallbacks_and_timeouts() {
        let s =
            session_after("function boom(x) { return x / 0; } function spin() { while (true) {} }");
        let cb = s.callback("boom").unwrap();
        assert!(
            matches!(cb.call(&[Data::Int(1)]), Err(CallError::Error(e)) if e.kind == "ZeroDivisionError")
        );
        let safe = cb.clone().on_error(|_| Some(Data::Int(-1)));
        assert_eq!(safe.call(&[Data::Int(1)]), Ok(Data::Int(-1)));
        let spin = s
            .callback("spin")
            .unwrap()
            .timeout(Duration::from_millis(50));
        assert_eq!(spin.call(&[]), Err(CallError::Timeout));
        // The session still works afterwards.
        assert_eq!(s.execute("1 + 1;").status.value(), Some(&Data::Int(2)));
    }

    /// A session used from several threads in turn, with the things that
    /// keep state outside the VM (the regex cache, json, user modules):
    /// every call sees the same state and the same answers.
    #[test]
    fn one_session_from_many_threads() {
        let s = session_after(
            "import regex; import json; p = regex.compile(\"[a-z]+\"); \
             function words(t) { return len(p.findall(t)) + len(regex.findall(\"[0-9]+\", t)); } \
             function roundtrip(x) { return json.parse(json.stringify(x)); }",
        );
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let s = s.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        let text = format!("ab cd {i} ef {t}");
                        let n = s.call("words", &[Data::Str(text)]).unwrap();
                        assert_eq!(n, Data::Int(5));
                        let o = s.execute("import regex; regex.findall(\"[a-z]+\", \"x y\");");
                        assert!(o.status.is_ok(), "{:?}", o.status);
                        let v = Data::Int(i);
                        assert_eq!(s.call("roundtrip", std::slice::from_ref(&v)), Ok(v));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }

    #[test]
    fn grants_change_between_executions() {
        let s = Session::new(SessionOptions::default());
        s.grant("env:read:HOME").unwrap();
        assert_eq!(s.grants(), vec!["env:read:HOME".to_string()]);
        assert!(s.revoke("env:read:HOME"));
        assert!(!s.revoke("env:read:HOME"));
        assert!(s.grant("not a token!").is_err());
    }
}
