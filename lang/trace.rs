//! Execution traces: what one execution did at its boundary with the
//! world, in order. Capability checks (granted or denied, with the
//! resource), host calls (files, http, env, clock), host callbacks into ML
//! and errors with their ML stack.
//!
//! Tracing is off unless a host asks for it: the VM then holds no
//! [`Tracer`] and each boundary point costs one `Option` test. Host calls
//! are recorded by wrapping the world's backends ([`crate::host::traced`]),
//! so the interpreter loop has no hook at all.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Events kept per execution; later ones are counted in
/// [`Trace::dropped`] (a loop reading the clock a million times must not
/// eat memory).
pub const MAX_EVENTS: usize = 10_000;

/// A place in ML source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The source file's name.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// One frame of an ML call stack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackFrame {
    /// The function's name (`<main>` for the top level).
    pub function: String,
    /// Where it was executing (the call site for outer frames).
    pub at: Option<Location>,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// A capability check by a standard-library function.
    Capability {
        /// The capability checked, e.g. `file:read`.
        capability: String,
        /// The resource it was checked for (path, URL, key).
        resource: String,
        /// Whether the grants allowed it.
        granted: bool,
        /// The ML code that called the function.
        at: Option<Location>,
    },
    /// A call into the world's backends.
    Host {
        /// `file`, `http`, `env` or `clock`.
        host: String,
        /// `read`, `write`, `GET`, `get`, `now`, ...
        op: String,
        /// The path, URL or key (empty for the clock).
        target: String,
        /// A short result: `ok`, `12 bytes`, `200`, `not found`, ...
        result: String,
        /// How long the backend took.
        duration_us: u64,
    },
    /// The host called an ML function.
    Callback {
        /// The function's name.
        function: String,
        /// Arguments as JSON.
        args: String,
        /// `=> value` as JSON, or the error.
        result: String,
        /// How long the call took.
        duration_us: u64,
    },
    /// An ML error: `caught` by `try`/`except`, or the one that ended the run.
    Error {
        /// The error's kind (`KeyError`).
        kind: String,
        /// The error's message.
        message: String,
        /// Caught by ML code (the run went on).
        caught: bool,
        /// Innermost frame first.
        stack: Vec<StackFrame>,
    },
}

/// One event and when it happened, in microseconds since the trace began.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Microseconds since the trace began.
    pub at_us: u64,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// A finished trace.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The events kept, oldest first.
    pub events: Vec<TraceEvent>,
    /// Events beyond [`MAX_EVENTS`] that were not kept.
    #[serde(default)]
    pub dropped: u64,
}

struct Buffer {
    start: Instant,
    events: Vec<TraceEvent>,
    dropped: u64,
}

/// Collects events for one execution at a time. Shared by the VM and the
/// traced host backends; recording can be switched off between
/// executions (a session keeps its wrapped backends).
pub struct Tracer {
    on: AtomicBool,
    buffer: Mutex<Buffer>,
}

impl Tracer {
    /// A tracer that records from now on.
    pub fn new() -> Arc<Tracer> {
        Arc::new(Tracer {
            on: AtomicBool::new(true),
            buffer: Mutex::new(Buffer {
                start: Instant::now(),
                events: Vec::new(),
                dropped: 0,
            }),
        })
    }

    fn buffer(&self) -> std::sync::MutexGuard<'_, Buffer> {
        self.buffer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Is it recording?
    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    /// Starts a new trace (clearing any previous events) and records.
    pub fn begin(&self) {
        let mut b = self.buffer();
        b.start = Instant::now();
        b.events.clear();
        b.dropped = 0;
        self.on.store(true, Ordering::Relaxed);
    }

    /// Stops recording and returns what was recorded.
    pub fn finish(&self) -> Trace {
        self.on.store(false, Ordering::Relaxed);
        let mut b = self.buffer();
        Trace {
            events: std::mem::take(&mut b.events),
            dropped: std::mem::take(&mut b.dropped),
        }
    }

    /// Records an event (when on).
    pub fn record(&self, kind: EventKind) {
        if !self.is_on() {
            return;
        }
        let mut b = self.buffer();
        if b.events.len() >= MAX_EVENTS {
            b.dropped += 1;
            return;
        }
        let at_us = b.start.elapsed().as_micros() as u64;
        b.events.push(TraceEvent { at_us, kind });
    }
}

impl std::fmt::Debug for Tracer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tracer(on: {})", self.is_on())
    }
}

impl Location {
    fn show(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

impl TraceEvent {
    /// One line (plus stack lines for errors), as `.trace` prints it.
    pub fn render(&self) -> String {
        let t = format!("{:>9.3} ms", self.at_us as f64 / 1000.0);
        match &self.kind {
            EventKind::Capability {
                capability,
                resource,
                granted,
                at,
            } => format!(
                "{t}  capability {capability} {resource} {}{}",
                if *granted { "granted" } else { "DENIED" },
                at.as_ref()
                    .map(|l| format!("  at {}", l.show()))
                    .unwrap_or_default()
            ),
            EventKind::Host {
                host,
                op,
                target,
                result,
                duration_us,
            } => {
                let target = if target.is_empty() {
                    String::new()
                } else {
                    format!(" {target}")
                };
                format!(
                    "{t}  {host}.{op}{target} -> {result} ({:.3} ms)",
                    *duration_us as f64 / 1000.0
                )
            }
            EventKind::Callback {
                function,
                args,
                result,
                duration_us,
            } => format!(
                "{t}  callback {function}({}) {result} ({:.3} ms)",
                args.trim_start_matches('[').trim_end_matches(']'),
                *duration_us as f64 / 1000.0
            ),
            EventKind::Error {
                kind,
                message,
                caught,
                stack,
            } => {
                let mut s = format!(
                    "{t}  error {kind}: {message}{}",
                    if *caught { " (caught)" } else { "" }
                );
                for f in stack {
                    s.push_str(&format!(
                        "\n               in {}{}",
                        f.function,
                        f.at.as_ref()
                            .map(|l| format!(" at {}", l.show()))
                            .unwrap_or_default()
                    ));
                }
                s
            }
        }
    }
}

impl Trace {
    /// Appends the trace of a later execution that began `offset` after
    /// this one did (a spec case's callback after its code): its times
    /// follow on from this timeline, and the event limit still holds.
    pub fn append(&mut self, later: Trace, offset: std::time::Duration) {
        let offset = offset.as_micros() as u64;
        let room = MAX_EVENTS.saturating_sub(self.events.len());
        let over = later.events.len().saturating_sub(room) as u64;
        self.events
            .extend(later.events.into_iter().take(room).map(|mut e| {
                e.at_us += offset;
                e
            }));
        self.dropped += later.dropped + over;
    }

    /// Every event, one per line, and how many were dropped.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.events.is_empty() {
            out.push_str("  (no boundary events)\n");
        }
        for e in &self.events {
            out.push_str("  ");
            out.push_str(&e.render());
            out.push('\n');
        }
        if self.dropped > 0 {
            out.push_str(&format!(
                "  ... {} more events not kept (limit {MAX_EVENTS})\n",
                self.dropped
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_only_while_on_and_caps_events() {
        let t = Tracer::new();
        let ev = || EventKind::Host {
            host: "clock".into(),
            op: "now".into(),
            target: String::new(),
            result: "ok".into(),
            duration_us: 0,
        };
        t.record(ev());
        let first = t.finish();
        assert_eq!(first.events.len(), 1);
        t.record(ev());
        assert!(t.finish().events.is_empty(), "off after finish");
        t.begin();
        for _ in 0..MAX_EVENTS + 5 {
            t.record(ev());
        }
        let full = t.finish();
        assert_eq!((full.events.len(), full.dropped), (MAX_EVENTS, 5));
        assert!(full.render().contains("5 more events not kept"));
    }

    #[test]
    fn appended_traces_follow_on_and_keep_the_limit() {
        let clock = |at_us| TraceEvent {
            at_us,
            kind: EventKind::Host {
                host: "clock".into(),
                op: "now".into(),
                target: String::new(),
                result: "ok".into(),
                duration_us: 0,
            },
        };
        let mut first = Trace {
            events: vec![clock(10), clock(900)],
            dropped: 0,
        };
        let later = Trace {
            events: vec![clock(0), clock(5)],
            dropped: 2,
        };
        first.append(later, std::time::Duration::from_micros(1000));
        let at: Vec<u64> = first.events.iter().map(|e| e.at_us).collect();
        assert_eq!(at, [10, 900, 1000, 1005]);
        assert_eq!(first.dropped, 2);
        let mut full = Trace {
            events: vec![clock(0); MAX_EVENTS - 1],
            dropped: 0,
        };
        full.append(first, std::time::Duration::ZERO);
        assert_eq!((full.events.len(), full.dropped), (MAX_EVENTS, 2 + 3));
    }

    #[test]
    fn renders_and_round_trips_as_json() {
        let trace = Trace {
            events: vec![TraceEvent {
                at_us: 1500,
                kind: EventKind::Capability {
                    capability: "file:read".into(),
                    resource: "/etc/passwd".into(),
                    granted: false,
                    at: Some(Location {
                        file: "main.ml".into(),
                        line: 2,
                        column: 1,
                    }),
                },
            }],
            dropped: 0,
        };
        let text = trace.render();
        assert!(
            text.contains("1.500 ms  capability file:read /etc/passwd DENIED  at main.ml:2:1"),
            "{text}"
        );
        let json = serde_json::to_string(&trace).unwrap();
        assert!(json.contains(r#""event":"capability""#), "{json}");
        assert_eq!(serde_json::from_str::<Trace>(&json).unwrap(), trace);
    }
}
