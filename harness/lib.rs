//! mlpy-harness: the integration executor (async execution with real
//! timeouts, sessions and host callbacks) and the `.mltest` spec runner.

pub mod backend;
pub mod cache;
pub mod executor;
pub mod outcome;
pub mod session;

pub use backend::{Backend, Job, NativeBackend};
pub use executor::{Code, ExecRequest, Executor, ExecutorConfig};
pub use outcome::{ExecOutcome, Status, Timings};
pub use session::{CallError, Callback, Session, SessionOptions};
