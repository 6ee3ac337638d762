//! A live progress display around another reporter: a bar with the count
//! and the names of the tests running now, redrawn in place (indicatif);
//! the inner reporter's lines print above it.

use super::{Event, Reporter};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io;

/// Progress on a terminal around `R`.
pub struct Progress<R> {
    inner: R,
    target: Option<ProgressDrawTarget>,
    bar: Option<ProgressBar>,
    running: Vec<String>,
}

impl<R: Reporter> Progress<R> {
    /// Draws on stderr.
    pub fn new(inner: R) -> Progress<R> {
        Progress::with_target(inner, ProgressDrawTarget::stderr())
    }

    /// `inner` with the live display drawn to `target` (tests draw into a buffer).
    pub fn with_target(inner: R, target: ProgressDrawTarget) -> Progress<R> {
        Progress {
            inner,
            target: Some(target),
            bar: None,
            running: Vec::new(),
        }
    }

    fn pass(&mut self, event: &Event<'_>) -> io::Result<()> {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.inner.report(event)),
            None => self.inner.report(event),
        }
    }

    fn redraw(&self) {
        if let Some(bar) = &self.bar {
            bar.set_message(running_text(&self.running));
        }
    }
}

/// `core::arith, io::files (+3)`: the running tests, first started first.
fn running_text(running: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut s = running
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if running.len() > SHOWN {
        s.push_str(&format!(" (+{})", running.len() - SHOWN));
    }
    s
}

impl<R: Reporter> Reporter for Progress<R> {
    fn report(&mut self, event: &Event<'_>) -> io::Result<()> {
        match event {
            Event::Started { total, .. } => {
                self.inner.report(event)?;
                let target = self
                    .target
                    .take()
                    .unwrap_or_else(ProgressDrawTarget::hidden);
                let bar = ProgressBar::with_draw_target(Some(*total as u64), target);
                if let Ok(style) = ProgressStyle::with_template(
                    "{elapsed:>4} [{bar:20}] {pos}/{len} running {wide_msg}",
                ) {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar.enable_steady_tick(std::time::Duration::from_millis(100));
                self.bar = Some(bar);
                Ok(())
            }
            Event::TestStarted { name } => {
                self.running.push(name.to_string());
                self.redraw();
                self.inner.report(event)
            }
            Event::TestFinished(r) => {
                if let Some(i) = self.running.iter().position(|n| *n == r.name) {
                    self.running.remove(i);
                }
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                self.redraw();
                self.pass(event)
            }
            Event::Slow { .. } => self.pass(event),
            Event::Finished(_) => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
                self.inner.report(event)
            }
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.inner.flush()),
            None => self.inner.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{replay, Buffer};
    use super::super::Pretty;
    use super::*;

    #[test]
    fn names_the_running_tests() {
        let names: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        assert_eq!(running_text(&names[..2]), "a, b");
        assert_eq!(running_text(&names), "a, b, c (+2)");
    }

    #[test]
    fn passes_every_event_through() {
        let plain = Buffer::default();
        replay(&mut Pretty::new(plain.clone(), false));
        let wrapped = Buffer::default();
        replay(&mut Progress::with_target(
            Pretty::new(wrapped.clone(), false),
            ProgressDrawTarget::hidden(),
        ));
        assert_eq!(plain.text(), wrapped.text());
    }
}
