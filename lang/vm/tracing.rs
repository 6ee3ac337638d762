//! The VM's side of execution traces: capability checks and errors, with
//! the ML location and stack. Called only when `vm.tracer` is set.

use super::Vm;
use crate::error::MlError;
use crate::syntax::Span;
use crate::trace::{EventKind, Location, StackFrame};

impl Vm {
    pub(super) fn trace_capability(&self, capability: &str, resource: &str, granted: bool) {
        if let Some(t) = &self.tracer {
            t.record(EventKind::Capability {
                capability: capability.to_string(),
                resource: resource.to_string(),
                granted,
                at: self.ml_stack().into_iter().next().and_then(|f| f.at),
            });
        }
    }

    pub(super) fn trace_error(&self, err: &MlError, caught: bool) {
        let Some(t) = &self.tracer else {
            return;
        };
        let mut stack = self.ml_stack();
        // The innermost frame stands where the error was raised.
        if let (Some(top), Some(loc)) = (stack.first_mut(), &err.0.loc) {
            let lc = loc.line_col();
            top.at = Some(Location {
                file: loc.file.name.clone(),
                line: lc.line,
                column: lc.column,
            });
        }
        t.record(EventKind::Error {
            kind: err.kind().as_str().to_string(),
            message: err.message().to_string(),
            caught,
            stack,
        });
    }

    /// The ML call stack now, innermost frame first (at most 50 frames),
    /// each at the instruction it is executing or calling from.
    pub fn ml_stack(&self) -> Vec<StackFrame> {
        self.frames
            .iter()
            .rev()
            .take(50)
            .map(|f| {
                // SAFETY: every frame in `self.frames` is live; its callee
                // slot keeps the closure alive (see `Frame`).
                let c = unsafe { &*f.closure };
                let proto = &c.rt.program.protos[c.proto as usize];
                let at = proto.spans.get(f.pc.saturating_sub(1)).map(|s: &Span| {
                    let lc = c.rt.program.file.line_col(s.start);
                    Location {
                        file: c.rt.program.file.name.clone(),
                        line: lc.line,
                        column: lc.column,
                    }
                });
                StackFrame {
                    function: proto.name.to_string(),
                    at,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::capability::GrantSet;
    use crate::host::{traced, Host};
    use crate::syntax::SourceFile;
    use crate::trace::EventKind;
    use crate::vm::{Limits, Vm};
    use std::sync::Arc;

    #[test]
    fn capability_checks_host_calls_and_errors_in_order() {
        let (host, tracer) = traced::traced_host_with("/data/a.txt", b"hi");
        let grants = GrantSet::parse(&["file:read:/data/*"]).unwrap();
        let mut vm = Vm::new(host, Arc::new(grants), Limits::default());
        vm.tracer = Some(tracer.clone());
        let code = "import file;\nfunction get(p) {\n  return file.read(p);\n}\nx = get(\"/data/a.txt\");\ntry { get(\"/etc/passwd\"); } except (e) { }\nget(\"/root/k\");\n";
        let program = crate::compile(Arc::new(SourceFile::new("t.ml", code))).unwrap();
        let err = vm.run(&program).err().expect("the last read is denied");
        assert_eq!(err.kind().as_str(), "CapabilityViolation");
        let events = tracer.finish().events;
        let kinds: Vec<String> = events
            .iter()
            .map(|e| match &e.kind {
                EventKind::Capability {
                    resource,
                    granted,
                    at,
                    ..
                } => format!(
                    "cap {resource} {granted} line {}",
                    at.as_ref().unwrap().line
                ),
                EventKind::Host { op, target, .. } => format!("host {op} {target}"),
                EventKind::Error {
                    kind,
                    caught,
                    stack,
                    ..
                } => format!(
                    "error {kind} {caught} {}",
                    stack
                        .iter()
                        .map(|f| format!("{}@{}", f.function, f.at.as_ref().unwrap().line))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                EventKind::Callback { .. } => "callback".into(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "cap /data/a.txt true line 3",
                "host read /data/a.txt",
                "cap /etc/passwd false line 3",
                "error CapabilityViolation true get@3,<main>@6",
                "cap /root/k false line 3",
                "error CapabilityViolation false get@3,<main>@7",
            ]
        );
    }

    #[test]
    fn no_tracer_no_events() {
        let vm_code = "import file; try { file.read(\"/x\"); } except (e) { }";
        let mut vm = Vm::new(
            Host::captured(),
            Arc::new(GrantSet::none()),
            Limits::default(),
        );
        let program = crate::compile(Arc::new(SourceFile::new("t.ml", vm_code))).unwrap();
        assert!(vm.run(&program).is_ok());
        assert!(vm.tracer.is_none());
        assert_eq!(vm.violations.len(), 1);
    }
}
