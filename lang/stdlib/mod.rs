//! Import-able standard-library modules (section 15): each file is one
//! module; this list is what the standard registry ([`crate::STANDARD`])
//! offers to `import`.

/// Implements [`crate::value::HostObject`] for a stdlib object from its
/// class name, its method table and its `display` text. The type's own
/// `call(&self, vm, name, args)` runs a method of the table (any other
/// name is no method). Further trait items (`get_property`) follow in
/// braces.
macro_rules! host_object {
    ($ty:ty, $class:literal, $methods:expr, |$o:ident| $display:expr $(, { $($extra:tt)* })?) => {
        impl crate::value::HostObject for $ty {
            fn class_name(&self) -> &'static str {
                $class
            }
            fn call_method(
                &self,
                vm: &mut crate::vm::Vm,
                name: &str,
                args: &[crate::value::Value],
            ) -> Option<crate::error::VmResult<crate::value::Value>> {
                $methods.contains(&name).then(|| self.call(vm, name, args))
            }
            fn method_names(&self) -> &'static [&'static str] {
                $methods
            }
            fn display(&self) -> String {
                let $o = self;
                $display
            }
            fn as_any(&self) -> &dyn std::any::Any {
                self
            }
            $($($extra)*)?
        }
    };
}

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
