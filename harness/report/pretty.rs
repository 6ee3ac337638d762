//! The report for people: a line per test, slow warnings, then the
//! failures in full, the slowest tests and the counts.

use super::{
    comparison_counts, counts, human_duration, plural, Event, Reporter, Summary, TestResult,
    TestStatus,
};
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

pub(super) const GREEN: Style = AnsiColor::Green.on_default();
pub(super) const RED: Style = AnsiColor::Red.on_default();
pub(super) const YELLOW: Style = AnsiColor::Yellow.on_default();
pub(super) const BOLD: Style = Style::new().bold();

/// `text` in `style` when colour is on.
pub(super) fn paint(colour: bool, style: Style, text: &str) -> String {
    if colour {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

/// The closing lines: `test result: ok. 3 passed, ... in 1.2 s`, and the
/// comparison counts with `--compare`.
pub(super) fn write_result(out: &mut impl Write, s: &Summary, colour: bool) -> io::Result<()> {
    let result = if s.ok() {
        paint(colour, GREEN, "ok")
    } else {
        paint(colour, RED, "FAILED")
    };
    writeln!(
        out,
        "\ntest result: {result}. {} in {}",
        counts(s),
        human_duration(s.duration)
    )?;
    if let Some(line) = comparison_counts(s) {
        writeln!(out, "comparison: {line}")?;
    }
    Ok(())
}

/// Human-readable output, like libtest's with timings.
pub struct Pretty<W: Write> {
    out: W,
    colour: bool,
    failures: Vec<TestResult>,
}

impl<W: Write> Pretty<W> {
    /// The report written to `out`, coloured when `colour`.
    pub fn new(out: W, colour: bool) -> Pretty<W> {
        Pretty {
            out,
            colour,
            failures: Vec::new(),
        }
    }

    fn finished(&mut self, r: &TestResult) -> io::Result<()> {
        let c = self.colour;
        let took = human_duration(r.duration);
        let (label, detail) = match r.status {
            TestStatus::Passed => (paint(c, GREEN, "ok"), format!(" ({took})")),
            TestStatus::Failed => (paint(c, RED, "FAILED"), format!(" ({took})")),
            TestStatus::Blessed => (paint(c, YELLOW, "blessed"), format!(" ({took})")),
            TestStatus::Ignored => (paint(c, YELLOW, "ignored"), reason(&r.message)),
            TestStatus::Skipped => (paint(c, YELLOW, "skipped"), reason(&r.message)),
            TestStatus::KnownDifference => (
                paint(c, YELLOW, "known difference"),
                reason(r.message.lines().next().unwrap_or("")),
            ),
        };
        writeln!(self.out, "test {} ... {label}{detail}", r.name)?;
        if r.status == TestStatus::Blessed {
            for line in r.message.lines().skip(1) {
                writeln!(self.out, "    {}", line.trim_start())?;
            }
        }
        if r.status == TestStatus::Failed {
            self.failures.push(r.clone());
        }
        Ok(())
    }

    fn summary(&mut self, s: &Summary) -> io::Result<()> {
        let c = self.colour;
        if !self.failures.is_empty() {
            writeln!(self.out, "\nfailures:\n")?;
            for f in &self.failures {
                writeln!(self.out, "---- {} ----", paint(c, BOLD, &f.name))?;
                writeln!(self.out, "{}", f.message.trim_end())?;
                writeln!(self.out)?;
            }
            writeln!(self.out, "failures:")?;
            for f in &self.failures {
                writeln!(self.out, "    {}", f.name)?;
            }
        }
        if s.slowest.len() > 1 {
            writeln!(self.out, "\nslowest:")?;
            for (name, d) in &s.slowest {
                writeln!(self.out, "  {:>9}  {name}", human_duration(*d))?;
            }
        }
        if s.not_run > 0 {
            writeln!(
                self.out,
                "\n{}",
                paint(
                    c,
                    YELLOW,
                    &format!(
                        "{} not run: --fail-fast stopped the run at the first failure",
                        plural(s.not_run, "test")
                    )
                )
            )?;
        }
        write_result(&mut self.out, s, c)?;
        Ok(())
    }
}

/// `, reason` after `ignored` / `skipped` (libtest's style).
fn reason(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(", {message}")
    }
}

impl<W: Write> Reporter for Pretty<W> {
    fn report(&mut self, event: &Event<'_>) -> io::Result<()> {
        match event {
            Event::Started {
                total,
                filtered_out,
            } => {
                let filtered = if *filtered_out > 0 {
                    format!(" ({filtered_out} filtered out)")
                } else {
                    String::new()
                };
                writeln!(self.out, "\nrunning {}{filtered}", plural(*total, "test"))?;
            }
            Event::TestStarted { .. } => {}
            Event::Slow { name, elapsed } => {
                let tag = format!("SLOW [> {}]", human_duration(*elapsed));
                writeln!(self.out, "{} {name}", paint(self.colour, YELLOW, &tag))?;
            }
            Event::TestFinished(r) => self.finished(r)?,
            Event::Finished(s) => self.summary(s)?,
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
