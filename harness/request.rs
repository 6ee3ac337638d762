//! What one execution is asked to do: the code ([`Code`]) and its inputs
//! ([`ExecRequest`]). Shared by the executor, which queues requests, and
//! the backends, which run them.

use crate::protocol::{CallSpec, WorldSpec};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::host::Host;
use mlpy_lang::vm::Limits;
use mlpy_lang::{Data, Program};
use std::sync::Arc;
use std::time::Duration;

/// What to run: source text or an already compiled program.
#[derive(Clone)]
pub enum Code {
    /// Source text; `first_line` numbers its first line (1, or the line of
    /// a spec file that inline code starts on).
    Source {
        /// The file name in messages.
        name: Arc<str>,
        /// The source text.
        text: Arc<str>,
        /// The line number of its first line.
        first_line: u32,
    },
    /// A program compiled before (runs without compiling).
    Program(Arc<Program>),
}

impl Code {
    /// Source text named `<exec>`.
    pub fn source(text: impl Into<Arc<str>>) -> Code {
        Code::Source {
            name: "<exec>".into(),
            text: text.into(),
            first_line: 1,
        }
    }
    /// Source text named after its file.
    pub fn named(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Code {
        Code::Source {
            name: name.into(),
            text: text.into(),
            first_line: 1,
        }
    }
    /// The source text, when there is one.
    pub fn text(&self) -> Option<&str> {
        match self {
            Code::Source { text, .. } => Some(text),
            Code::Program(p) => Some(&p.file.text),
        }
    }
}

/// One execution's inputs.
pub struct ExecRequest {
    /// What to run.
    pub code: Code,
    /// The capabilities the code gets.
    pub grants: Arc<GrantSet>,
    /// The world the code sees; `None` means `Host::captured()` (a closed,
    /// deterministic in-memory world).
    pub host: Option<Host>,
    /// Overrides the executor's default timeout.
    pub timeout: Option<Duration>,
    /// Variables defined before the code runs.
    pub globals: Vec<(String, Data)>,
    /// Overrides the executor's limits.
    pub limits: Option<Limits>,
    /// Report top-level variables in the outcome (default true). Turning
    /// it off saves converting large globals to plain data.
    pub collect_globals: bool,
    /// Record a trace of boundary events in `ExecOutcome::trace` (native
    /// backend only).
    pub trace: bool,
    /// The world as plain data, for backends that cannot take `host` (an
    /// external process). Used when `host` is `None`.
    pub world: Option<Arc<WorldSpec>>,
    /// After the code ran, call this function; its return is the result.
    pub callback: Option<CallSpec>,
}

impl ExecRequest {
    /// A request for this source text, granting nothing.
    pub fn new(code: impl Into<Arc<str>>) -> ExecRequest {
        ExecRequest::from_code(Code::source(code))
    }
    /// A request for this code, granting nothing.
    pub fn from_code(code: Code) -> ExecRequest {
        ExecRequest {
            code,
            grants: Arc::new(GrantSet::none()),
            host: None,
            timeout: None,
            globals: Vec::new(),
            limits: None,
            collect_globals: true,
            trace: false,
            world: None,
            callback: None,
        }
    }
    /// Grants these capabilities.
    pub fn grants(mut self, grants: GrantSet) -> ExecRequest {
        self.grants = Arc::new(grants);
        self
    }
    /// Runs in this world.
    pub fn host(mut self, host: Host) -> ExecRequest {
        self.host = Some(host);
        self
    }
    /// Stops the run after this long.
    pub fn timeout(mut self, timeout: Duration) -> ExecRequest {
        self.timeout = Some(timeout);
        self
    }
    /// The memory budget of this execution in bytes (default: the
    /// executor's `limits.max_memory`, 1 GiB). Going past it is a
    /// catchable MemoryError.
    pub fn memory(mut self, bytes: usize) -> ExecRequest {
        let mut limits = self.limits.take().unwrap_or_default();
        limits.max_memory = bytes;
        self.limits = Some(limits);
        self
    }
    /// Records capability checks, host calls and errors in the outcome's
    /// `trace`.
    pub fn trace(mut self, on: bool) -> ExecRequest {
        self.trace = on;
        self
    }
    /// Defines a variable before the run.
    pub fn global(mut self, name: impl Into<String>, value: Data) -> ExecRequest {
        self.globals.push((name.into(), value));
        self
    }
}
