//! One event stream feeds every output format: pretty, terse, JSON lines
//! and JUnit XML.

use crate::test_cmd::Format;
use mlpy_harness::spec::Case;
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    Passed,
    Failed,
    Ignored,
    /// Failed, but `--bless` rewrote the expectation with the actual value.
    Blessed,
}

/// One finished case.
#[derive(Clone, Debug, Serialize)]
pub struct CaseEvent {
    pub name: String,
    pub file: Option<PathBuf>,
    pub line: u32,
    pub status: CaseStatus,
    #[serde(serialize_with = "ms", rename = "duration_ms")]
    pub duration: Duration,
    /// Failure text, ignore reason or bless summary.
    pub message: String,
    #[serde(skip)]
    pub bless_note: Option<String>,
}

fn ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1e6).round() / 1e3)
}

impl CaseEvent {
    pub fn new(case: &Case) -> CaseEvent {
        CaseEvent {
            name: case.full_name.clone(),
            file: Some(case.file.clone()),
            line: case.line,
            status: CaseStatus::Passed,
            duration: Duration::ZERO,
            message: String::new(),
            bless_note: None,
        }
    }
    pub fn spec_error(name: String, message: String) -> CaseEvent {
        CaseEvent {
            name,
            file: None,
            line: 0,
            status: CaseStatus::Failed,
            duration: Duration::ZERO,
            message: format!("{message}\n"),
            bless_note: None,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub ignored: usize,
    pub blessed: usize,
    #[serde(serialize_with = "ms", rename = "duration_ms")]
    pub duration: Duration,
    /// The slowest cases, slowest first.
    pub slowest: Vec<(String, f64)>,
}

impl Summary {
    pub fn record(&mut self, ev: &CaseEvent) {
        match ev.status {
            CaseStatus::Passed => self.passed += 1,
            CaseStatus::Failed => self.failed += 1,
            CaseStatus::Ignored => self.ignored += 1,
            CaseStatus::Blessed => self.blessed += 1,
        }
        if ev.status != CaseStatus::Ignored {
            self.slowest
                .push((ev.name.clone(), ev.duration.as_secs_f64() * 1000.0));
            self.slowest.sort_by(|a, b| b.1.total_cmp(&a.1));
            self.slowest.truncate(5);
        }
    }
}

pub enum Event {
    Started { total: usize },
    Case(CaseEvent),
    Finished(Summary),
}

pub struct Reporter {
    format: Format,
    colour: bool,
    progress: bool,
    total: usize,
    done: usize,
    failures: Vec<CaseEvent>,
    all: Vec<CaseEvent>,
    out: std::io::BufWriter<std::io::Stdout>,
}

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Reporter {
    pub fn new(format: Format, colour: bool, progress: bool) -> Reporter {
        Reporter {
            format,
            colour,
            progress,
            total: 0,
            done: 0,
            failures: Vec::new(),
            all: Vec::new(),
            out: std::io::BufWriter::new(std::io::stdout()),
        }
    }

    fn paint(&self, colour: &str, text: &str) -> String {
        if self.colour {
            format!("{colour}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    fn clear_progress(&mut self) {
        if self.progress {
            let _ = write!(self.out, "\r\x1b[2K");
        }
    }

    pub fn handle(&mut self, event: &Event) {
        match event {
            Event::Started { total } => {
                self.total = *total;
                match self.format {
                    Format::Pretty | Format::Terse => {
                        let _ = writeln!(self.out, "\nrunning {total} tests");
                    }
                    Format::Json => {
                        let _ = writeln!(self.out, "{{\"event\":\"started\",\"total\":{total}}}");
                    }
                    Format::Junit => {}
                }
            }
            Event::Case(ev) => {
                self.done += 1;
                self.all.push(ev.clone());
                if ev.status == CaseStatus::Failed {
                    self.failures.push(ev.clone());
                }
                match self.format {
                    Format::Pretty => {
                        self.clear_progress();
                        let label = match ev.status {
                            CaseStatus::Passed => self.paint(GREEN, "ok"),
                            CaseStatus::Failed => self.paint(RED, "FAILED"),
                            CaseStatus::Ignored => self.paint(YELLOW, "ignored"),
                            CaseStatus::Blessed => self.paint(YELLOW, "blessed"),
                        };
                        let _ = writeln!(
                            self.out,
                            "test {} ... {label} ({:.1} ms)",
                            ev.name,
                            ev.duration.as_secs_f64() * 1000.0
                        );
                        if ev.status == CaseStatus::Blessed {
                            for line in ev.message.lines() {
                                let _ = writeln!(self.out, "    {line}");
                            }
                        }
                        if self.progress {
                            let _ = write!(self.out, "[{}/{}] running", self.done, self.total);
                            let _ = self.out.flush();
                        }
                    }
                    Format::Terse => {
                        let c = match ev.status {
                            CaseStatus::Passed => ".".to_string(),
                            CaseStatus::Failed => self.paint(RED, "F"),
                            CaseStatus::Ignored => self.paint(YELLOW, "i"),
                            CaseStatus::Blessed => self.paint(YELLOW, "b"),
                        };
                        let _ = write!(self.out, "{c}");
                        if self.done.is_multiple_of(88) {
                            let _ = writeln!(self.out);
                        }
                    }
                    Format::Json => {
                        let mut v = serde_json::to_value(ev).unwrap_or_default();
                        if let Some(o) = v.as_object_mut() {
                            o.insert("event".into(), "case".into());
                        }
                        let _ = writeln!(self.out, "{v}");
                    }
                    Format::Junit => {}
                }
            }
            Event::Finished(summary) => self.finish(summary),
        }
    }

    fn finish(&mut self, s: &Summary) {
        match self.format {
            Format::Pretty | Format::Terse => {
                self.clear_progress();
                if self.format == Format::Terse {
                    let _ = writeln!(self.out);
                }
                if !self.failures.is_empty() {
                    let _ = writeln!(self.out, "\nfailures:\n");
                    let failures = std::mem::take(&mut self.failures);
                    for f in &failures {
                        let _ = writeln!(self.out, "---- {} ----", self.paint(BOLD, &f.name));
                        let _ = writeln!(self.out, "{}", f.message);
                    }
                    let _ = writeln!(self.out, "failures:");
                    for f in &failures {
                        let _ = writeln!(self.out, "    {}", f.name);
                    }
                }
                if !s.slowest.is_empty() && self.format == Format::Pretty {
                    let _ = writeln!(self.out, "\nslowest:");
                    for (name, ms) in &s.slowest {
                        let _ = writeln!(self.out, "  {ms:8.1} ms  {name}");
                    }
                }
                let result = if s.failed == 0 {
                    self.paint(GREEN, "ok")
                } else {
                    self.paint(RED, "FAILED")
                };
                let blessed = if s.blessed > 0 {
                    format!(", {} blessed", s.blessed)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    self.out,
                    "\ntest result: {result}. {} passed, {} failed, {} ignored{blessed} in {:.2} s",
                    s.passed,
                    s.failed,
                    s.ignored,
                    s.duration.as_secs_f64()
                );
            }
            Format::Json => {
                let mut v = serde_json::to_value(s).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("event".into(), "finished".into());
                }
                let _ = writeln!(self.out, "{v}");
            }
            Format::Junit => {
                let xml = self.junit_xml_with(s);
                let _ = write!(self.out, "{xml}");
            }
        }
        let _ = self.out.flush();
    }

    /// The JUnit XML report of every case seen so far.
    pub fn junit_xml(&self) -> String {
        let mut s = Summary::default();
        for ev in &self.all {
            s.record(ev);
        }
        s.duration = self.all.iter().map(|e| e.duration).sum();
        self.junit_xml_with(&s)
    }

    fn junit_xml_with(&self, s: &Summary) -> String {
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            x,
            "<testsuites name=\"mlpy-test\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
            self.all.len(),
            s.failed,
            s.ignored,
            s.duration.as_secs_f64()
        );
        let _ = writeln!(
            x,
            "  <testsuite name=\"specs\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
            self.all.len(),
            s.failed,
            s.ignored,
            s.duration.as_secs_f64()
        );
        for ev in &self.all {
            let (class, name) = match ev.name.rsplit_once("::") {
                Some((c, n)) => (c, n),
                None => ("specs", ev.name.as_str()),
            };
            let _ = write!(
                x,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.6}\"",
                xml_escape(class),
                xml_escape(name),
                ev.duration.as_secs_f64()
            );
            if let Some(f) = &ev.file {
                let _ = write!(
                    x,
                    " file=\"{}\" line=\"{}\"",
                    xml_escape(&f.display().to_string()),
                    ev.line
                );
            }
            match ev.status {
                CaseStatus::Failed => {
                    let first = ev.message.lines().next().unwrap_or("failed");
                    let _ = writeln!(
                        x,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        xml_escape(first),
                        xml_escape(&strip_ansi(&ev.message))
                    );
                }
                CaseStatus::Ignored => {
                    let _ = writeln!(
                        x,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        xml_escape(&ev.message)
                    );
                }
                _ => {
                    let _ = writeln!(x, "/>");
                }
            }
        }
        x.push_str("  </testsuite>\n</testsuites>\n");
        x
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
