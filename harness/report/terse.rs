//! One character per test (`.` passed, `F` failed, `i` ignored, `s`
//! skipped, `b` blessed), then the failures and the counts as [`Pretty`]
//! shows them.
//!
//! [`Pretty`]: super::Pretty

use super::pretty::{paint, write_result, RED, YELLOW};
use super::{plural, Event, Reporter, TestResult, TestStatus};
use std::io::{self, Write};

/// Dots.
pub struct Terse<W: Write> {
    out: W,
    colour: bool,
    column: usize,
    failures: Vec<TestResult>,
}

impl<W: Write> Terse<W> {
    /// Dots written to `out`, coloured when `colour`.
    pub fn new(out: W, colour: bool) -> Terse<W> {
        Terse {
            out,
            colour,
            column: 0,
            failures: Vec::new(),
        }
    }
}

impl<W: Write> Reporter for Terse<W> {
    fn report(&mut self, event: &Event<'_>) -> io::Result<()> {
        let c = self.colour;
        match event {
            Event::Started { total, .. } => {
                writeln!(self.out, "\nrunning {}", plural(*total, "test"))?;
            }
            Event::TestStarted { .. } | Event::Slow { .. } => {}
            Event::TestFinished(r) => {
                let mark = match r.status {
                    TestStatus::Passed => std::borrow::Cow::Borrowed("."),
                    TestStatus::Failed => paint(c, RED, "F").into(),
                    TestStatus::Ignored => paint(c, YELLOW, "i").into(),
                    TestStatus::Skipped => paint(c, YELLOW, "s").into(),
                    TestStatus::Blessed => paint(c, YELLOW, "b").into(),
                    TestStatus::KnownDifference => paint(c, YELLOW, "k").into(),
                };
                write!(self.out, "{mark}")?;
                self.column += 1;
                if self.column == 88 {
                    writeln!(self.out)?;
                    self.column = 0;
                }
                if r.status == TestStatus::Failed {
                    self.failures.push((*r).clone());
                }
            }
            Event::Finished(s) => {
                if self.column > 0 {
                    writeln!(self.out)?;
                }
                if !self.failures.is_empty() {
                    writeln!(self.out, "\nfailures:\n")?;
                    for f in &self.failures {
                        writeln!(self.out, "---- {} ----", f.name)?;
                        writeln!(self.out, "{}\n", f.message.trim_end())?;
                    }
                }
                if s.not_run > 0 {
                    writeln!(
                        self.out,
                        "{} not run: --fail-fast stopped the run at the first failure",
                        plural(s.not_run, "test")
                    )?;
                }
                write_result(&mut self.out, s, c)?;
            }
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
