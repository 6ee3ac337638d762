//! The one enforcement point for capabilities.
//!
//! Every stdlib function that touches the world calls [`Vm::require`] at
//! entry with the real resource (an absolute, normalised path from
//! `vm.host.fs.resolve`, a URL, an environment key). Because the check sits
//! in the function itself, the call syntax does not matter: `file.read(p)`,
//! `import file as f; f.read(p)`, `r = file.read; r(p)` and
//! `functional.map(file.read, paths)` are checked identically.
//!
//! A denial is recorded in `vm.violations` (whether or not ML code catches
//! it) and raised as a catchable `CapabilityViolation` whose `capability`
//! and `resource` fields ML code can read.

use crate::capability::{Cap, Denial, Mode};
use crate::error::{MlError, Violation, VmResult};
use crate::value::Data;
use crate::vm::Vm;

impl Vm {
    /// Requires `capability` (e.g. `file:read`, `network:http`,
    /// `env:write`, `args:read`; mlpy's dotted names also work) for
    /// `resource`. On success one use of a use-limited token is consumed.
    pub fn require(&mut self, capability: Cap, resource: &str) -> VmResult<()> {
        self.enforce(capability, resource, Mode::Exact)
    }

    /// Like [`Vm::require`], but also satisfied when a grant covers
    /// something *below* `resource`: listing a directory that leads to
    /// granted files, or enumerating environment variables when some keys
    /// are readable. Callers must filter what they return with
    /// [`Vm::permits`] / [`Vm::permits_listing`].
    pub fn require_listing(&mut self, capability: Cap, resource: &str) -> VmResult<()> {
        self.enforce(capability, resource, Mode::Listing)
    }

    /// A silent check: no violation is recorded and no use consumed. Only
    /// for filtering results of an operation that passed `require`.
    pub fn permits(&self, capability: Cap, resource: &str) -> bool {
        self.silent(capability, resource, Mode::Exact)
    }

    /// Silent form of [`Vm::require_listing`].
    pub fn permits_listing(&self, capability: Cap, resource: &str) -> bool {
        self.silent(capability, resource, Mode::Listing)
    }

    /// Time left before the execution's deadline (`None` = no deadline).
    /// Blocking host calls (HTTP requests) bound their own timeouts by it.
    pub fn time_left(&self) -> Option<std::time::Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(std::time::Instant::now()))
    }

    /// `getCapabilityInfo` data with this execution's usage counts.
    pub fn capability_info(&self, name: &str) -> Option<Data> {
        let info = self.grants.info_with(name, &self.capability_uses)?;
        let opt = |v: Option<Data>| v.unwrap_or(Data::Null);
        let texts = |v: Vec<String>| Data::Array(v.into_iter().map(Data::Str).collect());
        let fields = [
            ("type", Data::Str(info.token)),
            ("available", Data::Bool(true)),
            ("usage_count", Data::Int(i64::from(info.usage_count))),
            ("patterns", opt(info.patterns.map(texts))),
            (
                "operations",
                opt(info
                    .operations
                    .map(|o| texts(o.into_iter().map(String::from).collect()))),
            ),
            (
                "max_usage",
                opt(info.max_usage.map(|n| Data::Int(i64::from(n)))),
            ),
            ("expires_at", opt(info.expires_at.map(Data::Str))),
        ];
        Some(Data::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ))
    }

    fn now_for_grants(&self) -> f64 {
        if self.grants.has_expiry() {
            self.host.clock.now()
        } else {
            0.0
        }
    }

    fn silent(&self, capability: Cap, resource: &str, mode: Mode) -> bool {
        let now = self.now_for_grants();
        self.grants
            .check(
                capability.request,
                resource,
                mode,
                now,
                &self.capability_uses,
            )
            .is_ok()
    }

    fn enforce(&mut self, capability: Cap, resource: &str, mode: Mode) -> VmResult<()> {
        let now = self.now_for_grants();
        let checked = self.grants.check(
            capability.request,
            resource,
            mode,
            now,
            &self.capability_uses,
        );
        if self.tracer.is_some() {
            self.trace_capability(capability.name, resource, checked.is_ok());
        }
        match checked {
            Ok(Some(token)) => {
                self.capability_uses.charge(token);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(denial) => {
                let v = Violation {
                    capability: capability.name.to_string(),
                    resource: resource.to_string(),
                };
                self.violations.push(v.clone());
                let mut e = MlError::violation(v);
                let why = match denial {
                    Denial::NotGranted => None,
                    Denial::Expired { token } => Some(format!("the grant '{token}' has expired")),
                    Denial::UsedUp { token } => {
                        Some(format!("the grant '{token}' has no uses left"))
                    }
                    Denial::BadResource(reason) => Some(reason),
                };
                if let Some(why) = why {
                    e.0.message.push_str(&format!(" ({why})"));
                }
                Err(e)
            }
        }
    }
}
