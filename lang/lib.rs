//! mlpy-lang: the ML scripting language of the mlpy project (parser,
//! compiler, virtual machine, builtins and standard library).

pub mod builtins;
pub mod capability;
pub mod compile;
pub mod error;
pub mod host;
pub mod stdlib;
pub mod syntax;
pub mod text;
pub mod trace;
pub mod value;
pub mod vm;

pub use compile::{compile, CompileError, Program};
pub use error::{ErrorKind, MlError, Violation};
pub use value::{Data, Value};
pub use vm::{Limits, Vm};
