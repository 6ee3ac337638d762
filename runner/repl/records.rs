//! Execution records: every REPL execution (code, `.async`, `.call`) gets
//! an id and a record of what it ran, when, for how long, how it ended,
//! what it printed and its trace. Background executions finish into the
//! same store; `.await` waits on it.

use mlpy_harness::{ExecOutcome, Status};
use mlpy_lang::vm::Interrupt;
use mlpy_lang::Data;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// Records kept (older ones are forgotten).
const KEEP: usize = 1000;

/// What started a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Code typed at the prompt.
    Line,
    /// `.async CODE`.
    Async,
    /// `.call NAME ARGS`.
    Call,
}

/// One execution the REPL started.
pub struct Record {
    /// Its number, for `.status N`.
    pub id: u64,
    /// What started it.
    pub kind: Kind,
    /// The code, or the call as typed.
    pub code: String,
    /// When it started (wall clock).
    pub started: SystemTime,
    /// When it started (for its duration).
    pub start: Instant,
    /// Set to stop it.
    pub interrupt: Interrupt,
    /// `None` while it runs.
    pub outcome: Option<ExecOutcome>,
    /// How long it ran, once finished.
    pub duration: Option<Duration>,
}

impl Record {
    /// `running`, or how it ended.
    pub fn status(&self) -> &'static str {
        match &self.outcome {
            None => "running",
            Some(o) => o.status.name(),
        }
    }

    /// One line for `.history`.
    pub fn summary(&self) -> String {
        let first = self.code.lines().next().unwrap_or("");
        let more = if self.code.lines().count() > 1 {
            " ..."
        } else {
            ""
        };
        let code: String = first.chars().take(60).collect();
        let kind = match self.kind {
            Kind::Line => "",
            Kind::Async => "async ",
            Kind::Call => "",
        };
        format!(
            "#{:<4} {:<9} {:>10}  {kind}{code}{more}",
            self.id,
            self.status(),
            self.duration
                .map(|d| format!("{:.3} ms", d.as_secs_f64() * 1000.0))
                .unwrap_or_else(|| "-".into()),
        )
    }

    /// Everything `.trace` shows.
    pub fn render(&self) -> String {
        let mut out = format!("execution #{}\n", self.id);
        let started: chrono::DateTime<chrono::Local> = self.started.into();
        out.push_str(&format!(
            "  started   {}\n",
            started.format("%Y-%m-%d %H:%M:%S%.3f")
        ));
        out.push_str(&format!(
            "  duration  {}\n",
            self.duration
                .map(|d| format!("{:.3} ms", d.as_secs_f64() * 1000.0))
                .unwrap_or_else(|| format!(
                    "running for {:.1} s",
                    self.start.elapsed().as_secs_f64()
                ))
        ));
        out.push_str(&format!("  status    {}\n", self.status()));
        out.push_str("  code\n");
        for line in self.code.lines() {
            out.push_str(&format!("    {line}\n"));
        }
        if let Some(o) = &self.outcome {
            match &o.status {
                Status::Ok { value } => out.push_str(&format!("  value     {}\n", value.to_json())),
                Status::Error { error } | Status::Violation { error } => {
                    out.push_str(&format!("  error     {}: {}\n", error.kind, error.message))
                }
                Status::Timeout => out.push_str("  error     timed out\n"),
                Status::Cancelled => out.push_str("  error     cancelled\n"),
            }
            if !o.stdout.is_empty() || !o.stderr.is_empty() {
                out.push_str("  output\n");
                for line in o.stdout.lines().chain(o.stderr.lines()) {
                    out.push_str(&format!("    {line}\n"));
                }
            }
            out.push_str("  trace\n");
            match &o.trace {
                Some(t) => out.push_str(&t.render()),
                None => out.push_str("  (not recorded)\n"),
            }
        }
        out
    }
}

/// The session's records, shared with background executions.
#[derive(Default)]
pub struct Records {
    inner: Mutex<Inner>,
    changed: Condvar,
}

#[derive(Default)]
struct Inner {
    next: u64,
    list: VecDeque<Record>,
}

impl Records {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a record for an execution that starts now; its id.
    pub fn start(&self, kind: Kind, code: &str) -> (u64, Interrupt) {
        let mut inner = self.lock();
        inner.next += 1;
        let id = inner.next;
        let interrupt = Interrupt::new();
        inner.list.push_back(Record {
            id,
            kind,
            code: code.to_string(),
            started: SystemTime::now(),
            start: Instant::now(),
            interrupt: interrupt.clone(),
            outcome: None,
            duration: None,
        });
        while inner.list.len() > KEEP {
            inner.list.pop_front();
        }
        (id, interrupt)
    }

    /// Records the outcome of record `id`.
    pub fn finish(&self, id: u64, outcome: ExecOutcome) {
        let mut inner = self.lock();
        if let Some(r) = inner.list.iter_mut().find(|r| r.id == id) {
            r.duration = Some(r.start.elapsed());
            r.outcome = Some(outcome);
        }
        drop(inner);
        self.changed.notify_all();
    }

    /// Runs `f` on record `id` (the latest when `None`).
    pub fn with<R>(&self, id: Option<u64>, f: impl FnOnce(&Record) -> R) -> Option<R> {
        let inner = self.lock();
        let r = match id {
            Some(id) => inner.list.iter().find(|r| r.id == id),
            None => inner.list.back(),
        };
        r.map(f)
    }

    /// The latest `.async` record's id.
    pub fn latest_async(&self) -> Option<u64> {
        let inner = self.lock();
        inner
            .list
            .iter()
            .rev()
            .find(|r| r.kind == Kind::Async)
            .map(|r| r.id)
    }

    /// Interrupts of background executions still running.
    pub fn running_async(&self) -> Vec<(u64, Interrupt)> {
        let inner = self.lock();
        inner
            .list
            .iter()
            .filter(|r| r.kind == Kind::Async && r.outcome.is_none())
            .map(|r| (r.id, r.interrupt.clone()))
            .collect()
    }

    /// Summaries of every kept record, oldest first.
    pub fn summaries(&self) -> Vec<String> {
        self.lock().list.iter().map(Record::summary).collect()
    }

    /// Waits until record `id` has finished; its outcome (`None` if there
    /// is no such record).
    pub fn wait(&self, id: u64) -> Option<ExecOutcome> {
        let mut inner = self.lock();
        loop {
            let r = inner.list.iter().find(|r| r.id == id)?;
            if let Some(o) = &r.outcome {
                return Some(o.clone());
            }
            inner = self.changed.wait(inner).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// An outcome for a `.call` result.
pub fn call_outcome(
    result: Result<Data, mlpy_harness::CallError>,
    output: ExecOutcome,
) -> ExecOutcome {
    let mut o = output;
    o.status = result.map_or_else(mlpy_harness::CallError::into_status, |value| Status::Ok {
        value,
    });
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_finish_and_wait() {
        let records = std::sync::Arc::new(Records::default());
        let (id, _) = records.start(Kind::Async, "while (true) {}");
        assert_eq!(records.running_async().len(), 1);
        let r2 = records.clone();
        let t = std::thread::spawn(move || r2.wait(id));
        records.finish(id, ExecOutcome::new(Status::Cancelled));
        assert_eq!(t.join().unwrap().unwrap().status, Status::Cancelled);
        assert!(records.running_async().is_empty());
        assert!(records.summaries()[0].starts_with("#1    cancelled"));
        assert!(records.wait(99).is_none());
        let text = records.with(None, Record::render).unwrap();
        assert!(text.contains("status    cancelled"), "{text}");
        assert!(text.contains("    while (true) {}"), "{text}");
    }
}
