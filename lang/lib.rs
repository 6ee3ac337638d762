//! mlpy-lang: the ML scripting language of the mlpy project (parser,
//! compiler, virtual machine, builtins and standard library).

mod builtins;
pub mod capability;
pub mod compile;
pub mod error;
pub mod host;
pub mod limits;
pub mod memory;
pub mod native;
mod standard;
mod stdlib;
pub mod syntax;
pub mod text;
pub mod trace;
pub mod value;
pub mod vm;

pub use compile::{compile, CompileError, Program};
pub use error::{ErrorKind, MlError, Violation};
pub use standard::STANDARD;
pub use value::{Data, Value};
pub use vm::{Limits, Vm};

/// Counts allocations per thread for execution memory budgets (see
/// [`memory`]) on top of mimalloc (small strings and objects allocate
/// often); turn off the `global-allocator` feature to use your own.
#[cfg(feature = "global-allocator")]
#[global_allocator]
static GLOBAL: memory::TrackingAlloc<memory::Mimalloc> = memory::TrackingAlloc(memory::Mimalloc);
