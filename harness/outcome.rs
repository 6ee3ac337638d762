//! What one execution produced: plain, thread-safe data.

use mlpy_lang::error::{ErrorInfo, Violation};
use mlpy_lang::trace::Trace;
use mlpy_lang::Data;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How an execution ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Finished; the program result (section 13) or the callback's return.
    Ok {
        /// The value.
        value: Data,
    },
    /// An ML error (syntax errors included: kind `SyntaxError`).
    Error {
        /// The error.
        error: ErrorInfo,
    },
    /// Ended by an uncaught capability violation.
    Violation {
        /// The violation, as an error.
        error: ErrorInfo,
    },
    /// Stopped by its deadline; the code really stopped.
    Timeout,
    /// Stopped because the caller gave up (dropped the future) or cancelled.
    Cancelled,
}

impl Status {
    /// The status as a word: `ok`, `error`, `violation`, `timeout`, `cancelled`.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Ok { .. } => "ok",
            Status::Error { .. } => "error",
            Status::Violation { .. } => "violation",
            Status::Timeout => "timeout",
            Status::Cancelled => "cancelled",
        }
    }
    /// Whether the run finished without an error.
    pub fn is_ok(&self) -> bool {
        matches!(self, Status::Ok { .. })
    }
    /// The result, when the run finished.
    pub fn value(&self) -> Option<&Data> {
        match self {
            Status::Ok { value } => Some(value),
            _ => None,
        }
    }
    /// The error, for an error or an uncaught violation.
    pub fn error(&self) -> Option<&ErrorInfo> {
        match self {
            Status::Error { error } | Status::Violation { error } => Some(error),
            _ => None,
        }
    }
}

/// Where the time went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Waiting for a free worker.
    #[serde(with = "micros")]
    pub queued: Duration,
    /// Parsing and compiling (zero on a compile-cache hit).
    #[serde(with = "micros")]
    pub compile: Duration,
    /// Running the VM.
    #[serde(with = "micros")]
    pub run: Duration,
    /// From submission to outcome.
    #[serde(with = "micros")]
    pub total: Duration,
}

mod micros {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_micros() as u64)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_micros(u64::deserialize(d)?))
    }
}

/// One http request a run made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpCall {
    /// The method, upper-case.
    pub method: String,
    /// The full URL.
    pub url: String,
}

/// The result of one execution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExecOutcome {
    /// A fresh id (UUID v4) for this execution.
    pub execution_id: String,
    /// How the run ended.
    #[serde(flatten)]
    pub status: Status,
    /// What the code printed.
    pub stdout: String,
    /// What the code wrote to stderr.
    #[serde(default)]
    pub stderr: String,
    /// Every capability violation, caught by ML code or not.
    pub violations: Vec<Violation>,
    /// Top-level variables after the run (functions and modules left out).
    #[serde(default)]
    pub globals: indexmap::IndexMap<String, Data>,
    /// The http requests the run made, when its world was built from a
    /// `protocol::WorldSpec` (mocked http records them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub http_calls: Vec<HttpCall>,
    /// Where the time went.
    #[serde(default)]
    pub timings: Timings,
    /// Boundary events, when the request asked for a trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Trace>,
}

impl ExecOutcome {
    /// An outcome with this status and nothing else recorded (a new id).
    pub fn new(status: Status) -> ExecOutcome {
        ExecOutcome {
            execution_id: new_execution_id(),
            status,
            stdout: String::new(),
            stderr: String::new(),
            violations: Vec::new(),
            globals: Default::default(),
            http_calls: Vec::new(),
            timings: Timings::default(),
            trace: None,
        }
    }
}

/// A fresh UUID v4 in its hyphenated form, encoded straight into its
/// string (`to_string` goes through the formatting machinery).
fn new_execution_id() -> String {
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Uuid::new_v4()
        .hyphenated()
        .encode_lower(&mut buf)
        .to_owned()
}
