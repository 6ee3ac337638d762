//! What Ctrl-C stops. While the line editor reads a line the terminal is
//! in raw mode and Ctrl-C is a key (it clears the line); otherwise it
//! arrives as SIGINT. A SIGINT with no execution armed yet (after Enter,
//! before the code starts) is kept as pending and taken by the next
//! execution that starts, so a Ctrl-C pressed just after Enter is never
//! lost. The pending press is dropped when the REPL goes back to reading
//! and again when the editor accepts a line (in raw mode, where no SIGINT
//! can come), so a press that belonged to finished code never stops the
//! next line.

use super::records::Records;
use mlpy_lang::vm::Interrupt;
use std::sync::{Mutex, MutexGuard};

#[derive(Default)]
pub struct CtrlC {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Background executions the foreground waits for: stopped first.
    waiting_for: Vec<(u64, Interrupt)>,
    /// The execution running (or awaited) on the REPL's thread.
    foreground: Option<Interrupt>,
    /// A SIGINT arrived with nothing armed.
    pending: bool,
}

impl CtrlC {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The REPL is about to read a line, or the editor has just accepted
    /// one: presses so far belong to no execution to come.
    pub fn forget(&self) {
        self.lock().pending = false;
    }

    /// An execution starts (or is awaited): Ctrl-C stops it. A press that
    /// came after Enter but before this stops it at once.
    pub fn arm(
        &self,
        records: &Records,
        foreground: Interrupt,
        waiting_for: Vec<(u64, Interrupt)>,
    ) {
        let mut st = self.lock();
        st.foreground = Some(foreground);
        st.waiting_for = waiting_for;
        if std::mem::take(&mut st.pending) {
            stop(&mut st, records);
        }
    }

    pub fn disarm(&self) {
        let mut st = self.lock();
        st.foreground = None;
        st.waiting_for.clear();
    }

    /// SIGINT arrived.
    pub fn fire(&self, records: &Records) {
        let mut st = self.lock();
        if st.foreground.is_some() {
            stop(&mut st, records);
        } else {
            st.pending = true;
        }
    }
}

/// Stops the awaited background executions still running, or, when there
/// are none, the foreground execution.
fn stop(st: &mut State, records: &Records) {
    let running: Vec<Interrupt> = st
        .waiting_for
        .drain(..)
        .filter(|(id, _)| records.with(Some(*id), |r| r.outcome.is_none()) == Some(true))
        .map(|(_, i)| i)
        .collect();
    if running.is_empty() {
        if let Some(i) = &st.foreground {
            i.cancel();
        }
    }
    for i in running {
        i.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::records::Kind;

    /// Starts `code` as a foreground line and arms Ctrl-C for it: is it
    /// stopped at once (by a press still pending)?
    fn stopped_at_start(c: &CtrlC, records: &Records, code: &str) -> bool {
        let (_, i) = records.start(Kind::Line, code);
        c.arm(records, i.clone(), Vec::new());
        i.raised().is_some()
    }

    #[test]
    fn a_press_after_enter_stops_the_execution_that_starts_next() {
        let (c, records) = (CtrlC::default(), Records::default());
        c.forget();
        c.fire(&records);
        assert!(stopped_at_start(&c, &records, "while (true) {}"));
        c.disarm();
        // Taken once: the next execution runs.
        assert!(!stopped_at_start(&c, &records, "1"));
    }

    #[test]
    fn a_press_left_over_when_the_prompt_returns_is_dropped() {
        let (c, records) = (CtrlC::default(), Records::default());
        c.fire(&records);
        c.forget();
        assert!(!stopped_at_start(&c, &records, "1"));
    }

    #[test]
    fn awaited_background_executions_stop_before_the_foreground() {
        let (c, records) = (CtrlC::default(), Records::default());
        let (bg, b) = records.start(Kind::Async, "while (true) {}");
        let (_, f) = records.start(Kind::Line, "x");
        c.arm(&records, f.clone(), vec![(bg, b.clone())]);
        c.fire(&records);
        assert!(b.raised().is_some());
        assert!(f.raised().is_none());
        records.finish(
            bg,
            mlpy_harness::ExecOutcome::new(mlpy_harness::Status::Cancelled),
        );
        c.fire(&records);
        assert!(f.raised().is_some());
    }
}
