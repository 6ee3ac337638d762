//! mlpy-harness: the integration executor (async execution with real
//! timeouts, sessions and host callbacks) and the `.mltest` spec runner.

pub mod backend;
pub mod bless;
pub mod cache;
pub mod compare;
pub mod driver;
pub mod duration;
pub mod executor;
pub mod expect;
pub mod inspect;
pub mod mock;
pub mod outcome;
pub mod perf;
pub mod process;
pub mod protocol;
pub mod report;
pub mod request;
pub mod select;
pub mod session;
pub mod spec;
pub mod suite;
pub mod testing;

pub use backend::{Backend, Job, NativeBackend};
pub use executor::{Executor, ExecutorConfig};
pub use mock::{MockBackend, MockResponse, RecordedRequest};
pub use outcome::{ExecOutcome, Status, Timings};
pub use process::ProcessBackend;
pub use request::{Code, ExecRequest};
pub use session::{CallError, Callback, ExecOptions, Session, SessionOptions};
