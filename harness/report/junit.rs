//! JUnit XML, written when the run finishes: one `<testsuite>` per spec
//! file, one `<testcase>` per test (`failure` with the message, `skipped`
//! for ignored and skipped tests with the reason).

use super::{strip_ansi, Event, Reporter, Summary, TestResult, TestStatus};
use crate::expect::escape_controls;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

/// JUnit XML.
pub struct Junit<W: Write> {
    out: W,
    results: Vec<TestResult>,
}

impl<W: Write> Junit<W> {
    /// A JUnit document written to `out` when the run finishes.
    pub fn new(out: W) -> Junit<W> {
        Junit {
            out,
            results: Vec::new(),
        }
    }
}

impl<W: Write> Reporter for Junit<W> {
    fn report(&mut self, event: &Event<'_>) -> io::Result<()> {
        match event {
            Event::TestFinished(r) => self.results.push((*r).clone()),
            Event::Finished(s) => {
                self.out.write_all(document(&self.results, s).as_bytes())?;
                self.out.flush()?;
            }
            _ => {}
        }
        Ok(())
    }
}

fn document(results: &[TestResult], s: &Summary) -> String {
    let mut files: Vec<(PathBuf, Vec<&TestResult>)> = Vec::new();
    for r in results {
        match files.iter_mut().find(|(f, _)| *f == r.file) {
            Some((_, list)) => list.push(r),
            None => files.push((r.file.clone(), vec![r])),
        }
    }
    let not_passed = |list: &[&TestResult], st: &[TestStatus]| {
        list.iter().filter(|r| st.contains(&r.status)).count()
    };
    let skipped = [
        TestStatus::Ignored,
        TestStatus::Skipped,
        TestStatus::KnownDifference,
    ];
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"mlpy-test\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3}\">",
        results.len(),
        s.failed,
        s.ignored + s.skipped + s.known_differences,
        s.duration.as_secs_f64()
    );
    if let Some(c) = &s.comparison {
        let _ = writeln!(
            x,
            "  <properties>\n    <property name=\"compare\" value=\"{} vs {}\"/>\n    <property name=\"agree\" value=\"{}\"/>\n    <property name=\"differ\" value=\"{}\"/>\n    <property name=\"documented\" value=\"{}\"/>\n    <property name=\"could_not_run\" value=\"{}\"/>\n  </properties>",
            attr(&c.backends[0]),
            attr(&c.backends[1]),
            c.agree,
            c.differ,
            c.known,
            c.could_not_run
        );
    }
    for (file, list) in &files {
        let file = attr(&file.display().to_string());
        let time: f64 = list.iter().map(|r| r.duration.as_secs_f64()).sum();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{file}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{time:.3}\">",
            list.len(),
            not_passed(list, &[TestStatus::Failed]),
            not_passed(list, &skipped),
        );
        for r in list {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"{file}\" file=\"{file}\" line=\"{}\" time=\"{:.6}\"",
                attr(&r.name),
                r.line,
                r.duration.as_secs_f64()
            );
            let message = strip_ansi(&r.message);
            let properties = r.comparison.as_ref().map(comparison_properties);
            if let Some(p) = &properties {
                // A compared test always has a body for its properties.
                let _ = write!(x, ">\n{p}");
            }
            let open = if properties.is_some() { "" } else { ">\n" };
            let close_empty = if properties.is_some() {
                "    </testcase>"
            } else {
                "/>"
            };
            match r.status {
                TestStatus::Failed => {
                    let first = message.lines().next().unwrap_or("failed");
                    let _ = writeln!(
                        x,
                        "{open}      <failure message=\"{}\" type=\"failure\">{}</failure>\n    </testcase>",
                        attr(first),
                        text(&message)
                    );
                }
                TestStatus::Ignored | TestStatus::Skipped | TestStatus::KnownDifference => {
                    let why = match r.status {
                        TestStatus::Ignored => "ignored",
                        TestStatus::Skipped => "skipped",
                        _ => "known difference",
                    };
                    let reason = if message.is_empty() {
                        why.to_string()
                    } else {
                        format!("{why}: {message}")
                    };
                    let _ = writeln!(
                        x,
                        "{open}      <skipped message=\"{}\"/>\n    </testcase>",
                        attr(&reason)
                    );
                }
                TestStatus::Blessed => {
                    let _ = writeln!(
                        x,
                        "{open}      <system-out>{}</system-out>\n    </testcase>",
                        text(&message)
                    );
                }
                TestStatus::Passed if r.comparison.is_some() && !message.is_empty() => {
                    // A documented difference that showed: what differed.
                    let _ = writeln!(
                        x,
                        "      <system-out>{}</system-out>\n    </testcase>",
                        text(&message)
                    );
                }
                TestStatus::Passed => {
                    let _ = writeln!(x, "{close_empty}");
                }
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

/// A compared test's `<properties>`: the backends, the agreement, the
/// documented difference, and each differing field as both sides show it.
fn comparison_properties(c: &super::Comparison) -> String {
    let mut p = String::from("      <properties>\n");
    let mut prop = |name: &str, value: &str| {
        let _ = writeln!(
            p,
            "        <property name=\"{}\" value=\"{}\"/>",
            attr(name),
            attr(value)
        );
    };
    prop(
        "compare",
        &format!("{} vs {}", c.backends[0], c.backends[1]),
    );
    prop("agreement", c.agreement);
    if let Some(k) = &c.known {
        prop("documented difference", k);
    }
    if let Some(r) = &c.reason {
        prop("could not run", r);
    }
    for d in &c.differences {
        prop(&format!("{} on {}", d.field, c.backends[0]), &d.left);
        prop(&format!("{} on {}", d.field, c.backends[1]), &d.right);
    }
    p.push_str("      </properties>\n");
    p
}

/// Element text: markup escaped; characters XML 1.0 cannot hold written
/// as visible escapes.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in escape_controls(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push_str("\\u{fffe}"),
            c => out.push(c),
        }
    }
    out
}

/// An attribute value: [`text`] plus quotes, and line breaks and tabs as
/// character references (an XML parser would turn them into spaces).
fn attr(s: &str) -> String {
    text(s)
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
        .replace('\n', "&#10;")
        .replace('\t', "&#9;")
}
