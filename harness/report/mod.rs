//! Reporting a run: one event stream ([`Event`]) and the [`Reporter`]s
//! that consume it. The front end only chooses: [`Pretty`] for people,
//! [`Terse`] for dots, [`Json`] lines for programs, [`Junit`] XML for CI
//! dashboards, [`Github`] annotations in GitHub Actions, and
//! [`Progress`], a live display of the running tests around another
//! reporter. [`Fanout`] feeds several at once (a format on stdout plus a
//! JUnit file, say).

mod github;
mod json;
mod junit;
mod pretty;
mod progress;
mod terse;

pub use github::Github;
pub use json::Json;
pub use junit::Junit;
pub use pretty::Pretty;
pub use progress::Progress;
pub use terse::Terse;

use serde::Serialize;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// How one test ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    /// Met its expectations.
    Passed,
    /// Did not.
    Failed,
    /// Marked `ignore` and not asked for: not run.
    Ignored,
    /// Marked `skip`: never runs.
    Skipped,
    /// Failed, and `--bless` rewrote its expectations with what it
    /// produced (the next run passes).
    Blessed,
    /// Did not meet its expectations on a backend where the case documents
    /// the difference (`differs_on`); the message says why.
    KnownDifference,
}

/// How one test's outcomes on two backends compared (`--compare`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The two backends, as named by their handshakes.
    pub backends: [String; 2],
    /// `agree`, `differ`, or `could_not_run` (one side lacks a feature).
    pub agreement: &'static str,
    /// The documented difference (`differs_on`), when the case has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known: Option<String>,
    /// Why one side could not run the case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The fields that differ, as each side shows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<ComparedField>,
}

/// One field on which two backends differ.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComparedField {
    /// The field, e.g. `stdout`.
    pub field: &'static str,
    /// The first backend's side.
    pub left: String,
    /// The second backend's side.
    pub right: String,
}

/// The counts of a `--compare` run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ComparisonCounts {
    /// The two backends.
    pub backends: [String; 2],
    /// Tests whose outcomes agree.
    pub agree: usize,
    /// Tests whose outcomes differ.
    pub differ: usize,
    /// Of `differ` (or `agree` with one side failing expectations): the
    /// documented ones (`differs_on`).
    pub known: usize,
    /// Tests one side could not run.
    pub could_not_run: usize,
}

/// One finished test.
#[derive(Clone, Debug, Serialize)]
pub struct TestResult {
    /// The full test name.
    pub name: String,
    /// The spec file.
    pub file: PathBuf,
    /// 1-based line of the case.
    pub line: u32,
    /// 1-based column of the case.
    #[serde(skip)]
    pub col: u32,
    /// How it ended.
    pub status: TestStatus,
    /// How long it ran.
    #[serde(serialize_with = "millis", rename = "duration_ms")]
    pub duration: Duration,
    /// Why it failed (plain text, possibly with ANSI colour when the run
    /// is coloured), the ignore or skip reason, or what bless changed.
    pub message: String,
    /// With `--compare`: how the two backends' outcomes compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
}

/// The counts of a finished run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
    /// Tests ignored (not asked for).
    pub ignored: usize,
    /// Tests skipped.
    pub skipped: usize,
    /// Tests blessed.
    pub blessed: usize,
    /// Failed only as documented (`differs_on`) on the backend that ran.
    pub known_differences: usize,
    /// With `--compare`: agree / differ / could not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<ComparisonCounts>,
    /// Selected but never started: the run stopped early (`--fail-fast`).
    pub not_run: usize,
    /// Not selected by the filters.
    pub filtered_out: usize,
    /// Wall-clock time of the whole run.
    #[serde(serialize_with = "millis", rename = "duration_ms")]
    pub duration: Duration,
    /// The slowest tests that ran, slowest first (at most five).
    #[serde(skip)]
    pub slowest: Vec<(String, Duration)>,
    /// The failed tests, in the order they finished.
    #[serde(skip)]
    pub failures: Vec<String>,
}

impl Summary {
    /// Counts one finished test.
    pub fn record(&mut self, r: &TestResult) {
        match r.status {
            TestStatus::Passed => self.passed += 1,
            TestStatus::Failed => {
                self.failed += 1;
                self.failures.push(r.name.clone());
            }
            TestStatus::Ignored => self.ignored += 1,
            TestStatus::Skipped => self.skipped += 1,
            TestStatus::Blessed => self.blessed += 1,
            TestStatus::KnownDifference => self.known_differences += 1,
        }
        if let Some(c) = &r.comparison {
            let counts = self.comparison.get_or_insert_with(|| ComparisonCounts {
                backends: c.backends.clone(),
                ..ComparisonCounts::default()
            });
            match c.agreement {
                "agree" => counts.agree += 1,
                "differ" => counts.differ += 1,
                _ => counts.could_not_run += 1,
            }
            if c.known.is_some() && r.status != TestStatus::Failed {
                counts.known += 1;
            }
        }
        if matches!(
            r.status,
            TestStatus::Passed
                | TestStatus::Failed
                | TestStatus::Blessed
                | TestStatus::KnownDifference
        ) {
            let at = self.slowest.partition_point(|(_, d)| *d >= r.duration);
            if at < 5 {
                self.slowest.insert(at, (r.name.clone(), r.duration));
                self.slowest.truncate(5);
            }
        }
    }

    /// Whether the run is a success (nothing failed).
    pub fn ok(&self) -> bool {
        self.failed == 0
    }
}

/// What happens during a run, in order: `Started`, then per test
/// `TestStarted` (for tests that run), any number of `Slow`, and
/// `TestFinished`; finally `Finished`.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// The run begins.
    Started {
        /// Tests selected (run, ignored or skipped).
        total: usize,
        /// Tests left out by the filters.
        filtered_out: usize,
    },
    /// A test begins to run.
    TestStarted {
        /// Its full name.
        name: &'a str,
    },
    /// A test is still running after `elapsed` (one event each time it
    /// passes another multiple of the slow threshold).
    Slow {
        /// Its full name.
        name: &'a str,
        /// How long it has run.
        elapsed: Duration,
    },
    /// A test is done.
    TestFinished(&'a TestResult),
    /// The run is done.
    Finished(&'a Summary),
}

/// A consumer of the event stream.
pub trait Reporter {
    /// Takes one event; an error (a closed pipe, a full disk) is the reporter's output failing.
    /// It may keep what it writes buffered until [`Reporter::flush`] or
    /// `Finished`.
    fn report(&mut self, event: &Event<'_>) -> io::Result<()>;

    /// Writes out what [`Reporter::report`] kept buffered. The driver
    /// calls it whenever no more events are waiting: a test per write
    /// would cost a system call each (1,000 for 1,000 dots).
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<R: Reporter + ?Sized> Reporter for Box<R> {
    fn report(&mut self, event: &Event<'_>) -> io::Result<()> {
        (**self).report(event)
    }
    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }
}

/// Feeds every event to several reporters, in order.
#[derive(Default)]
pub struct Fanout(pub Vec<Box<dyn Reporter + Send>>);

impl Reporter for Fanout {
    fn report(&mut self, event: &Event<'_>) -> io::Result<()> {
        let mut first_error = Ok(());
        for r in &mut self.0 {
            if let Err(e) = r.report(event) {
                if first_error.is_ok() {
                    first_error = Err(e);
                }
            }
        }
        first_error
    }
    fn flush(&mut self) -> io::Result<()> {
        let mut first_error = Ok(());
        for r in &mut self.0 {
            if let Err(e) = r.flush() {
                if first_error.is_ok() {
                    first_error = Err(e);
                }
            }
        }
        first_error
    }
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1e6).round() / 1e3)
}

/// `1 test`, `2 tests`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else if let Some(stem) = word.strip_suffix('y') {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {word}s")
    }
}

/// A duration for people: `0.4 ms`, `12.3 ms`, `1.25 s`, `2m 05s`.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 1.0 {
        format!("{:.1} ms", secs * 1000.0)
    } else if secs < 60.0 {
        format!("{secs:.2} s")
    } else {
        let whole = d.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}

/// The closing counts: `3 passed, 1 failed, 2 ignored` and, when not
/// zero, skipped, blessed and not run.
pub fn counts(s: &Summary) -> String {
    let mut out = format!(
        "{} passed, {} failed, {} ignored",
        s.passed, s.failed, s.ignored
    );
    if s.skipped > 0 {
        out.push_str(&format!(", {} skipped", s.skipped));
    }
    if s.blessed > 0 {
        out.push_str(&format!(", {} blessed", s.blessed));
    }
    if s.known_differences > 0 {
        out.push_str(&format!(", {} known differences", s.known_differences));
    }
    if s.not_run > 0 {
        out.push_str(&format!(", {} not run", s.not_run));
    }
    out
}

/// With `--compare`, the closing comparison counts: `native vs mlpy: 55
/// agree, 8 differ, 7 could not run on both; 10 documented differences`.
pub fn comparison_counts(s: &Summary) -> Option<String> {
    let c = s.comparison.as_ref()?;
    Some(format!(
        "{} vs {}: {} agree, {} differ, {} could not run on both; {} documented differences (differs_on)",
        c.backends[0], c.backends[1], c.agree, c.differ, c.could_not_run, c.known
    ))
}

/// Whether output to stdout gets colour: `forced` (`--color always` /
/// `never`), else a terminal without `NO_COLOR`, or `CLICOLOR_FORCE` set
/// (anstream's rules).
pub fn stdout_colour(forced: Option<bool>) -> bool {
    forced.unwrap_or_else(|| {
        !matches!(
            anstream::AutoStream::choice(&std::io::stdout()),
            anstream::ColorChoice::Never
        )
    })
}

/// Text without ANSI escape sequences (for files and machine formats).
pub fn strip_ansi(s: &str) -> String {
    anstream::adapter::strip_str(s).to_string()
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A fixed run that the reporters' snapshot tests replay.

    use super::*;

    fn result(name: &str, status: TestStatus, ms: u64, message: &str) -> TestResult {
        TestResult {
            name: name.into(),
            file: PathBuf::from(format!(
                "specs/{}.mltest",
                name.rsplit_once("::")
                    .map_or(name, |(f, _)| f)
                    .replace("::", "/")
            )),
            line: 3,
            col: 1,
            status,
            duration: Duration::from_micros(ms * 1000 + 250),
            message: message.into(),
            comparison: None,
        }
    }

    /// Every kind of outcome, in finishing order.
    pub fn results() -> Vec<TestResult> {
        vec![
            result("core::arith::adds", TestStatus::Passed, 1, ""),
            result(
                "core::arith::divides <&\"'>",
                TestStatus::Failed,
                3,
                "specs/core/arith.mltest:3:1: case 'divides <&\"'>' failed\nresult differs\n  expected: 2\n    actual: 2.5\nstdout:\n  | bell \\x07 here\n",
            ),
            result("core::arith::later", TestStatus::Ignored, 0, "not today"),
            result("core::arith::never", TestStatus::Skipped, 0, ""),
            result(
                "io::files::reads",
                TestStatus::Blessed,
                2,
                "blessed io::files::reads (specs/io/files.mltest)\n  expect.result: 1 -> 2",
            ),
            result("io::files::slow one", TestStatus::Passed, 2400, ""),
        ]
    }

    /// Replays the fixed run into `r`.
    pub fn replay(r: &mut dyn Reporter) {
        let results = results();
        r.report(&Event::Started {
            total: results.len() + 1,
            filtered_out: 1,
        })
        .unwrap();
        let mut summary = Summary {
            filtered_out: 1,
            ..Summary::default()
        };
        for res in &results {
            if matches!(
                res.status,
                TestStatus::Passed | TestStatus::Failed | TestStatus::Blessed
            ) {
                r.report(&Event::TestStarted { name: &res.name }).unwrap();
            }
            if res.name == "io::files::slow one" {
                r.report(&Event::Slow {
                    name: &res.name,
                    elapsed: Duration::from_secs(2),
                })
                .unwrap();
            }
            summary.record(res);
            r.report(&Event::TestFinished(res)).unwrap();
        }
        summary.not_run = 1;
        summary.duration = Duration::from_millis(2412);
        r.report(&Event::Finished(&summary)).unwrap();
    }

    /// What the reporter `make` builds around a buffer writes for the
    /// fixed run.
    pub fn output<R: Reporter>(make: impl FnOnce(Buffer) -> R) -> String {
        let buf = Buffer::default();
        replay(&mut make(buf.clone()));
        buf.text()
    }

    /// What a reporter writing into a shared buffer wrote.
    #[derive(Clone, Default)]
    pub struct Buffer(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl io::Write for Buffer {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Buffer {
        pub fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::output;
    use super::*;

    // Each reporter's output for the fixed run, as reviewed snapshots.

    #[test]
    fn pretty_snapshot() {
        insta::assert_snapshot!(output(|b| Pretty::new(b, false)));
    }

    #[test]
    fn pretty_coloured_snapshot() {
        insta::assert_snapshot!(output(|b| Pretty::new(b, true)).replace('\x1b', "<ESC>"));
    }

    #[test]
    fn terse_snapshot() {
        insta::assert_snapshot!(output(|b| Terse::new(b, false)));
    }

    #[test]
    fn json_snapshot_of_valid_json_lines() {
        let text = output(Json::new);
        for line in text.lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
        insta::assert_snapshot!(text);
    }

    #[test]
    fn junit_snapshot() {
        insta::assert_snapshot!(output(Junit::new));
    }

    #[test]
    fn github_snapshot() {
        insta::assert_snapshot!(output(Github::new));
    }

    #[test]
    fn plurals_and_durations() {
        assert_eq!(plural(1, "test"), "1 test");
        assert_eq!(plural(0, "test"), "0 tests");
        assert_eq!(plural(2, "entry"), "2 entries");
        assert_eq!(human_duration(Duration::from_micros(420)), "0.4 ms");
        assert_eq!(human_duration(Duration::from_millis(1250)), "1.25 s");
        assert_eq!(human_duration(Duration::from_secs(125)), "2m 05s");
    }

    #[test]
    fn slowest_keeps_five_in_order() {
        let mut s = Summary::default();
        for (i, r) in fixture::results().iter().enumerate() {
            let mut r = r.clone();
            r.status = TestStatus::Passed;
            r.duration = Duration::from_millis(i as u64);
            s.record(&r);
        }
        let ms: Vec<u128> = s.slowest.iter().map(|(_, d)| d.as_millis()).collect();
        assert_eq!(ms, [5, 4, 3, 2, 1]);
    }
}
