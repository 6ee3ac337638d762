//! Import-able standard-library modules (section 15): each file is one
//! module; this list is what the standard registry ([`crate::STANDARD`])
//! offers to `import`.

pub mod args;
pub mod collections;
pub mod console;
pub mod crypto;
pub mod csv;
pub mod datetime;
pub mod env;
pub mod file;
pub mod functional;
pub mod http;
pub mod json;
pub mod log;
pub mod math;
pub mod path;
pub mod random;
pub mod regex;

pub use crate::native::ModuleDef;

/// Every standard module, in the order of the spec.
pub static MODULES: &[&ModuleDef] = &[
    &args::MODULE,
    &collections::MODULE,
    &console::MODULE,
    &crypto::MODULE,
    &csv::MODULE,
    &datetime::MODULE,
    &env::MODULE,
    &file::MODULE,
    &functional::MODULE,
    &http::MODULE,
    &json::MODULE,
    &log::MODULE,
    &math::MODULE,
    &path::MODULE,
    &random::MODULE,
    &regex::MODULE,
];
