//! `MockBackend`: a stand-in executor backend for host developers testing
//! their own integration code. It records every request and answers with
//! configured results as real `ExecOutcome`s.

use crate::backend::{Backend, Job};
use crate::executor::internal_error;
use crate::outcome::{ExecOutcome, Status};
use crate::session::CallError;
use mlpy_lang::error::ErrorInfo;
use mlpy_lang::Data;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// One request the mock saw.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// Source text of an execution (None for function calls).
    pub code: Option<String>,
    /// Function name of a callback call.
    pub function: Option<String>,
    /// Arguments of a callback call.
    pub args: Vec<Data>,
    /// Capability tokens granted to the request.
    pub grants: Vec<String>,
    /// The request's timeout.
    pub timeout: Option<Duration>,
    /// When the mock saw it.
    pub at: SystemTime,
}

/// What the mock answers.
#[derive(Clone, Debug, PartialEq)]
pub enum MockResponse {
    /// Return this value.
    Value(Data),
    /// Fail with this ML error.
    Error {
        /// The error kind, e.g. `ValueError`.
        kind: String,
        /// The message.
        message: String,
    },
    /// Report a timeout.
    Timeout,
}

#[derive(Default)]
struct State {
    requests: Vec<RecordedRequest>,
    by_code: HashMap<String, MockResponse>,
    by_call: Vec<(String, Option<Vec<Data>>, MockResponse)>,
    default: Option<MockResponse>,
    delay: Duration,
    failures_left: u32,
}

/// A recording backend with configurable answers, delays and failures.
#[derive(Default)]
pub struct MockBackend {
    state: Mutex<State>,
}

impl MockBackend {
    /// A mock that answers `null` to every execution until told otherwise.
    pub fn new() -> MockBackend {
        MockBackend::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answer executions of exactly this code.
    pub fn on_code(&self, code: &str, response: MockResponse) -> &Self {
        self.lock().by_code.insert(code.to_string(), response);
        self
    }

    /// Answer calls of `function` (with exactly `args`, or any args).
    pub fn on_call(
        &self,
        function: &str,
        args: Option<Vec<Data>>,
        response: MockResponse,
    ) -> &Self {
        self.lock()
            .by_call
            .push((function.to_string(), args, response));
        self
    }

    /// The answer when nothing more specific matches (default: null).
    pub fn otherwise(&self, response: MockResponse) -> &Self {
        self.lock().default = Some(response);
        self
    }

    /// Delay every answer (interruptible by the job's timeout or cancel).
    pub fn delay(&self, delay: Duration) -> &Self {
        self.lock().delay = delay;
        self
    }

    /// Make the next `n` requests fail with an internal error.
    pub fn fail_next(&self, n: u32) -> &Self {
        self.lock().failures_left = n;
        self
    }

    /// Every request seen so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// How many requests it has seen.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// Forgets everything: the requests seen, the answers, delay and failures.
    pub fn reset(&self) {
        *self.lock() = State::default();
    }

    /// A callback call through the mock (what `Session::call` would do).
    pub fn call(
        &self,
        function: &str,
        args: &[Data],
        grants: &[String],
    ) -> Result<Data, CallError> {
        let (response, delay, fail) = {
            let mut st = self.lock();
            st.requests.push(RecordedRequest {
                code: None,
                function: Some(function.to_string()),
                args: args.to_vec(),
                grants: grants.to_vec(),
                timeout: None,
                at: SystemTime::now(),
            });
            let fail = take_failure(&mut st);
            // The latest exact-argument stub wins, then the latest wildcard.
            let exact = st
                .by_call
                .iter()
                .rev()
                .find(|(f, a, _)| f == function && a.as_deref() == Some(args));
            let any = || {
                st.by_call
                    .iter()
                    .rev()
                    .find(|(f, a, _)| f == function && a.is_none())
            };
            let response = exact
                .or_else(any)
                .map(|(_, _, r)| r.clone())
                .or_else(|| st.default.clone());
            (response, st.delay, fail)
        };
        std::thread::sleep(delay);
        if fail {
            return Err(CallError::Error(Box::new(internal_error("mock failure"))));
        }
        match response {
            None => Err(CallError::NotFound(function.to_string())),
            Some(MockResponse::Value(v)) => Ok(v),
            Some(MockResponse::Error { kind, message }) => {
                Err(CallError::Error(Box::new(error_info(&kind, &message))))
            }
            Some(MockResponse::Timeout) => Err(CallError::Timeout),
        }
    }
}

fn take_failure(st: &mut State) -> bool {
    if st.failures_left > 0 {
        st.failures_left -= 1;
        true
    } else {
        false
    }
}

fn error_info(kind: &str, message: &str) -> ErrorInfo {
    ErrorInfo {
        kind: kind.to_string(),
        message: message.to_string(),
        line: None,
        column: None,
        file: None,
        rendered: format!("{kind}: {message}\n"),
        violation: None,
    }
}

impl Backend for MockBackend {
    fn run(&self, job: Job) -> ExecOutcome {
        let start = Instant::now();
        let code = job.request.code.text().unwrap_or("").to_string();
        let (response, delay, fail) = {
            let mut st = self.lock();
            st.requests.push(RecordedRequest {
                code: Some(code.clone()),
                function: None,
                args: job.request.globals.iter().map(|(_, v)| v.clone()).collect(),
                grants: job.request.grants.names(),
                timeout: job.timeout,
                at: SystemTime::now(),
            });
            let fail = take_failure(&mut st);
            let response = st
                .by_code
                .get(&code)
                .cloned()
                .or_else(|| st.default.clone())
                .unwrap_or(MockResponse::Value(Data::Null));
            (response, st.delay, fail)
        };
        // Sleep in small steps so timeouts and cancellation still apply.
        let deadline = job.timeout.map(|t| start + t);
        let until = start + delay;
        while Instant::now() < until {
            if job.interrupt.raised().is_some() {
                return ExecOutcome::new(Status::Cancelled);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return ExecOutcome::new(Status::Timeout);
            }
            std::thread::sleep(Duration::from_millis(1).min(until - Instant::now()));
        }
        let status = if fail {
            Status::Error {
                error: internal_error("mock failure"),
            }
        } else {
            match response {
                MockResponse::Value(value) => Status::Ok { value },
                MockResponse::Error { kind, message } => Status::Error {
                    error: error_info(&kind, &message),
                },
                MockResponse::Timeout => Status::Timeout,
            }
        };
        let mut outcome = ExecOutcome::new(status);
        outcome.timings.run = start.elapsed();
        outcome.timings.total = job.submitted.elapsed();
        outcome
    }
}
