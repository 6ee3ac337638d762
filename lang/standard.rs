//! The standard registry (section 14's builtins, section 15's modules) and
//! [`Vm::new`], which creates a VM with it. This is the crate's top floor:
//! it names builtins, stdlib and the VM, and nothing below names it.

use crate::capability::GrantSet;
use crate::host::Host;
use crate::limits::Limits;
use crate::native::Registry;
use crate::vm::Vm;
use crate::{builtins, stdlib};
use std::sync::Arc;

/// The builtins and the standard-library modules.
pub static STANDARD: Registry = Registry::new(&builtins::MODULE, stdlib::MODULES);

impl Vm {
    /// A VM with the standard registry (see [`Vm::with_registry`]).
    pub fn new(host: Host, grants: Arc<GrantSet>, limits: Limits) -> Vm {
        Vm::with_registry(&STANDARD, host, grants, limits)
    }
}
