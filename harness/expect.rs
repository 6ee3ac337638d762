//! Comparing what a run produced with what its case expects.
//!
//! [`check`] (or [`check_with`], which also takes the http requests the
//! mocks recorded and a colour switch) returns a [`Verdict`]: passed, or a
//! list of [`Failure`]s, each with expected and actual text and, for
//! multi-line text and pretty-printed values, a unified diff.
//!
//! Rules (see `docs/mltest-format.md`):
//! - A run must end the way the case expects: with a value unless
//!   `expect.error`, `expect.violation` (uncaught) or `expect.timeout` says
//!   otherwise. An unexpected error fails with the error rendered.
//! - Values compare structurally; numbers compare numerically (`1 == 1.0`),
//!   floats within `expect.tolerance`
//!   (`|a - b| <= tolerance * max(1, |a|, |b|)`, default 0 = exact; NaN
//!   equals NaN). Object key order does not matter.
//! - Every expected violation must match at least one violation the run
//!   recorded (caught or not).

use crate::outcome::{ExecOutcome, Status};
use crate::spec::{wildcard_match, CallExpect, ErrorSpec, Expect, ViolationExpect};
use mlpy_lang::error::{ErrorInfo, Violation};
use mlpy_lang::Data;
use std::fmt::{self, Write as _};

/// One http request a mocked backend saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedCall {
    /// The method, upper-case.
    pub method: String,
    /// The full URL.
    pub url: String,
}

/// What else [`check_with`] needs besides the outcome.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The requests the mocked http backend recorded, in order.
    pub calls: &'a [RecordedCall],
    /// Colour diffs with ANSI escapes.
    pub colour: bool,
}

/// The judgement on one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Whether every expectation held.
    pub passed: bool,
    /// The unmet expectations, in check order.
    pub failures: Vec<Failure>,
}

/// One unmet expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What differs: `result`, `stdout`, `error`, `violation`, `timeout`,
    /// `calls`, `global x`, `status`.
    pub what: String,
    /// The `expect.*` key that is not met (`stdout_matches`), or `None`
    /// when the run ended in a way no key allows.
    pub key: Option<&'static str>,
    /// What the case expects, as shown to people.
    pub expected: String,
    /// What the run produced, shown the same way.
    pub actual: String,
    /// A unified diff (expected → actual) when either side spans lines.
    pub diff: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} differs", self.what)?;
        match &self.diff {
            Some(diff) => {
                for line in diff.lines() {
                    writeln!(f, "  {line}")?;
                }
                Ok(())
            }
            None => {
                write_labelled(f, "expected", &self.expected)?;
                write_labelled(f, "actual", &self.actual)
            }
        }
    }
}

fn write_labelled(f: &mut fmt::Formatter<'_>, label: &str, text: &str) -> fmt::Result {
    let mut lines = text.lines();
    writeln!(f, "  {label:>8}: {}", lines.next().unwrap_or(""))?;
    for line in lines {
        writeln!(f, "            {line}")?;
    }
    Ok(())
}

impl Verdict {
    /// A verdict without failures.
    pub fn pass() -> Verdict {
        Verdict {
            passed: true,
            failures: Vec::new(),
        }
    }

    /// All failures as text, one block each (empty when passed).
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in &self.failures {
            let _ = write!(out, "{f}");
        }
        out
    }
}

/// [`check_with`] without recorded calls or colour.
pub fn check(expect: &Expect, outcome: &ExecOutcome) -> Verdict {
    check_with(expect, outcome, &Context::default())
}

/// Checks every expectation of `expect` against `outcome`.
pub fn check_with(expect: &Expect, outcome: &ExecOutcome, ctx: &Context<'_>) -> Verdict {
    let mut c = Checker {
        colour: ctx.colour,
        failures: Vec::new(),
    };
    c.status(expect, &outcome.status);
    c.output(
        Output {
            keys: ["stdout", "stdout_contains", "stdout_matches"],
            noun: "output",
            exact: &expect.stdout,
            contains: &expect.stdout_contains,
            matches: &expect.stdout_matches,
        },
        &outcome.stdout,
    );
    c.output(
        Output {
            keys: ["stderr", "stderr_contains", "stderr_matches"],
            noun: "stderr",
            exact: &expect.stderr,
            contains: &expect.stderr_contains,
            matches: &expect.stderr_matches,
        },
        &outcome.stderr,
    );
    for (name, want) in &expect.globals {
        match outcome.globals.get(name) {
            Some(got) if values_equal(want, got, expect.tolerance) => {}
            Some(got) => c.values("globals", &format!("global {name}"), want, got),
            None => c.fail(
                Some("globals"),
                format!("global {name}"),
                show_value(want),
                "<not defined>".into(),
                None,
            ),
        }
    }
    c.violations(expect, outcome);
    if let Some(calls) = &expect.calls {
        c.calls(calls, ctx.calls);
    }
    Verdict {
        passed: c.failures.is_empty(),
        failures: c.failures,
    }
}

/// What a case expects of one output stream.
struct Output<'a> {
    /// The keys of the exact text, the parts and the patterns; the first
    /// also names the stream in failures.
    keys: [&'static str; 3],
    /// The stream in "... containing", "... matching".
    noun: &'static str,
    exact: &'a Option<String>,
    contains: &'a [String],
    matches: &'a [regex::Regex],
}

/// Whether the case checks what the run wrote to stderr (a backend must
/// report it).
pub fn reads_stderr(e: &Expect) -> bool {
    e.stderr.is_some() || !e.stderr_contains.is_empty() || !e.stderr_matches.is_empty()
}

struct Checker {
    colour: bool,
    failures: Vec<Failure>,
}

impl Checker {
    fn fail(
        &mut self,
        key: Option<&'static str>,
        what: impl Into<String>,
        expected: String,
        actual: String,
        diff: Option<String>,
    ) {
        self.failures.push(Failure {
            what: what.into(),
            key,
            expected,
            actual,
            diff,
        });
    }

    /// How the run ended, and the result.
    fn status(&mut self, e: &Expect, status: &Status) {
        match status {
            Status::Ok { value } => {
                if e.timeout {
                    self.fail(
                        Some("timeout"),
                        "timeout",
                        "the run to be stopped by its timeout".into(),
                        format!("it finished with {}", show_value(value)),
                        None,
                    );
                } else if let Some(err) = &e.error {
                    self.fail(
                        Some("error"),
                        "error",
                        describe_error_spec(err),
                        format!("no error; the run finished with {}", show_value(value)),
                        None,
                    );
                } else if let Some(want) = &e.result {
                    if !values_equal(want, value, e.tolerance) {
                        self.values("result", "result", want, value);
                    }
                }
            }
            Status::Error { error } | Status::Violation { error } => {
                let uncaught_violation = matches!(status, Status::Violation { .. });
                if e.timeout {
                    self.fail(
                        Some("timeout"),
                        "timeout",
                        "the run to be stopped by its timeout".into(),
                        render_error(error),
                        None,
                    );
                } else if let Some(spec) = &e.error {
                    if !error_matches(spec, error) {
                        self.fail(
                            Some("error"),
                            "error",
                            describe_error_spec(spec),
                            render_error(error),
                            None,
                        );
                    }
                } else if uncaught_violation && !e.violations.is_empty() && e.result.is_none() {
                    // Checked against the recorded violations below.
                } else {
                    let (key, what, expected) = match &e.result {
                        Some(want) => (Some("result"), "result", show_value(want)),
                        None => (
                            None,
                            "status",
                            "the run to finish without an error".to_string(),
                        ),
                    };
                    self.fail(key, what, expected, render_error(error), None);
                }
            }
            Status::Timeout => {
                if !e.timeout {
                    let (key, what, expected) = match &e.result {
                        Some(want) => (Some("result"), "result", show_value(want)),
                        None => (None, "status", "the run to finish".to_string()),
                    };
                    self.fail(
                        key,
                        what,
                        expected,
                        "the run was stopped by its timeout".into(),
                        None,
                    );
                }
            }
            Status::Cancelled => {
                self.fail(
                    None,
                    "status",
                    "the run to finish".into(),
                    "the run was cancelled".into(),
                    None,
                );
            }
        }
    }

    fn values(&mut self, key: &'static str, what: &str, want: &Data, got: &Data) {
        let (expected, actual) = (show_value(want), show_value(got));
        let diff = if expected.contains('\n') || actual.contains('\n') {
            Some(unified_diff(&expected, &actual, self.colour))
        } else {
            None
        };
        self.fail(Some(key), what, expected, actual, diff);
    }

    /// One output stream's expectations: exactly this text, containing
    /// these parts, matching these patterns.
    fn output(&mut self, o: Output<'_>, text: &str) {
        let [exact_key, contains_key, matches_key] = o.keys;
        if let Some(want) = o.exact {
            if want != text {
                let diff = (want.contains('\n') || text.contains('\n'))
                    .then(|| unified_diff(want, text, self.colour));
                self.fail(
                    Some(exact_key),
                    exact_key,
                    show_text(want),
                    show_text(text),
                    diff,
                );
            }
        }
        for part in o.contains.iter().filter(|p| !text.contains(p.as_str())) {
            let expected = format!("{} containing {part:?}", o.noun);
            self.fail(
                Some(contains_key),
                exact_key,
                expected,
                show_text(text),
                None,
            );
        }
        for re in o.matches.iter().filter(|re| !re.is_match(text)) {
            let expected = format!("{} matching /{}/", o.noun, re.as_str());
            self.fail(
                Some(matches_key),
                exact_key,
                expected,
                show_text(text),
                None,
            );
        }
    }

    fn violations(&mut self, e: &Expect, outcome: &ExecOutcome) {
        if e.violations.is_empty() {
            return;
        }
        let mut seen: Vec<&Violation> = outcome.violations.iter().collect();
        if let Some(v) = outcome
            .status
            .error()
            .and_then(|err| err.violation.as_ref())
        {
            if !seen.contains(&v) {
                seen.push(v);
            }
        }
        for want in &e.violations {
            if !seen.iter().any(|v| violation_matches(want, v)) {
                let actual = if seen.is_empty() {
                    "no capability violation was recorded".to_string()
                } else {
                    seen.iter()
                        .map(|v| format!("{} on {}", v.capability, v.resource))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                self.fail(
                    Some("violation"),
                    "violation",
                    describe_violation(want),
                    actual,
                    None,
                );
            }
        }
    }

    fn calls(&mut self, want: &[CallExpect], got: &[RecordedCall]) {
        let ok = want.len() == got.len()
            && want.iter().zip(got).all(|(w, g)| {
                w.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(&g.method))
                    && wildcard_match(&w.url, &g.url)
            });
        if ok {
            return;
        }
        let expected: String = want
            .iter()
            .map(|w| format!("{} {}\n", w.method.as_deref().unwrap_or("*"), w.url))
            .collect();
        let actual: String = got
            .iter()
            .map(|g| format!("{} {}\n", g.method, g.url))
            .collect();
        let diff = unified_diff(&expected, &actual, self.colour);
        let none = |s: String| {
            if s.is_empty() {
                "no requests".to_string()
            } else {
                s
            }
        };
        self.fail(
            Some("calls"),
            "calls",
            none(expected.trim_end().to_string()),
            none(actual.trim_end().to_string()),
            Some(diff),
        );
    }
}

// ---------------------------------------------------------------------------
// Matching

/// Structural equality for expectations: numbers compare numerically
/// (`1 == 1.0`), floats within `tolerance` (relative, absolute below 1;
/// NaN equals NaN), object key order is ignored.
pub fn values_equal(expected: &Data, actual: &Data, tolerance: f64) -> bool {
    use Data::*;
    match (expected, actual) {
        (Null, Null) => true,
        (Bool(a), Bool(b)) => a == b,
        (Str(a), Str(b)) => a == b,
        (Int(a), Int(b)) => a == b,
        (Big(a), Big(b)) => a == b,
        (Array(a), Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| values_equal(x, y, tolerance))
        }
        (Object(a), Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| values_equal(v, w, tolerance)))
        }
        (Float(_), Int(_) | Big(_) | Float(_)) | (Int(_) | Big(_), Float(_)) => {
            match (as_f64(expected), as_f64(actual)) {
                (Some(a), Some(b)) => floats_equal(a, b, tolerance),
                _ => false,
            }
        }
        _ => false,
    }
}

fn as_f64(d: &Data) -> Option<f64> {
    match d {
        Data::Int(i) => Some(*i as f64),
        Data::Big(b) => b.to_string().parse().ok(),
        Data::Float(f) => Some(*f),
        _ => None,
    }
}

/// `|a - b| <= tolerance * max(1, |a|, |b|)`; NaN equals NaN.
pub fn floats_equal(a: f64, b: f64, tolerance: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a == b {
        return true;
    }
    if !(a.is_finite() && b.is_finite()) {
        return false;
    }
    (a - b).abs() <= tolerance * 1f64.max(a.abs()).max(b.abs())
}

fn error_matches(spec: &ErrorSpec, err: &ErrorInfo) -> bool {
    spec.kind.as_ref().is_none_or(|k| *k == err.kind)
        && spec.message.as_ref().is_none_or(|m| *m == err.message)
        && spec
            .message_contains
            .as_ref()
            .is_none_or(|m| err.message.contains(m.as_str()))
        && spec.line.is_none_or(|l| err.line == Some(l))
        && spec.column.is_none_or(|c| err.column == Some(c))
}

/// Capabilities compare with `.` and `:` alike; `file` matches any
/// `file:*` action. Resources match as `*` wildcards.
fn violation_matches(want: &ViolationExpect, got: &Violation) -> bool {
    let w = want.capability.replace('.', ":");
    let g = got.capability.replace('.', ":");
    let cap_ok = g == w || (g.starts_with(&w) && g[w.len()..].starts_with(':'));
    cap_ok
        && want
            .resource
            .as_ref()
            .is_none_or(|r| wildcard_match(r, &got.resource))
}

// ---------------------------------------------------------------------------
// Text

fn describe_error_spec(e: &ErrorSpec) -> String {
    let mut s = e.kind.clone().unwrap_or_else(|| "an error".into());
    if let Some(m) = &e.message {
        let _ = write!(s, " with message {m:?}");
    }
    if let Some(m) = &e.message_contains {
        let _ = write!(s, " with a message containing {m:?}");
    }
    match (e.line, e.column) {
        (Some(l), Some(c)) => {
            let _ = write!(s, " at line {l}, column {c}");
        }
        (Some(l), None) => {
            let _ = write!(s, " at line {l}");
        }
        (None, Some(c)) => {
            let _ = write!(s, " at column {c}");
        }
        (None, None) => {}
    }
    s
}

fn describe_violation(v: &ViolationExpect) -> String {
    match &v.resource {
        Some(r) => format!("{} on {r}", v.capability),
        None => format!("{} on any resource", v.capability),
    }
}

/// The error as the user should see it: rendered with its source line and
/// caret when available, else `Kind: message (line N)`.
pub fn render_error(err: &ErrorInfo) -> String {
    if !err.rendered.trim().is_empty() {
        return err.rendered.trim_end().to_string();
    }
    match err.line {
        Some(l) => format!("{}: {} (line {l})", err.kind, err.message),
        None => format!("{}: {}", err.kind, err.message),
    }
}

fn show_text(s: &str) -> String {
    let body = s.strip_suffix('\n').unwrap_or(s);
    if body.contains('\n') {
        escape_controls(s).into_owned()
    } else {
        format!("{s:?}")
    }
}

/// Program output made safe for a terminal: control characters other than
/// line feed and tab (escape sequences, carriage returns, bells, C1
/// controls) are written as `\r`, `\0` or `\x1b`-style escapes, so a
/// diff shows them instead of obeying them.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    let needs = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !s.chars().any(needs) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if needs(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A value as JSON: on one line when short, else pretty-printed.
pub fn show_value(d: &Data) -> String {
    let mut compact = String::new();
    write_compact(d, &mut compact);
    if compact.chars().count() <= 72 {
        return compact;
    }
    serde_json::to_string_pretty(d).unwrap_or(compact)
}

fn write_compact(d: &Data, out: &mut String) {
    match d {
        Data::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_compact(item, out);
            }
            out.push(']');
        }
        Data::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{ ");
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push_str(": ");
                write_compact(v, out);
            }
            out.push_str(" }");
        }
        other => out.push_str(&other.to_json()),
    }
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// A unified diff from `expected` to `actual` (lines starting `-` are
/// expected, `+` actual), optionally coloured.
pub fn unified_diff(expected: &str, actual: &str, colour: bool) -> String {
    // Escaped first: a carriage return shows as `\r`, never as a break.
    let (expected, actual) = (escape_controls(expected), escape_controls(actual));
    let diff = similar::TextDiff::from_lines(&*expected, &*actual);
    let paint = |out: &mut String, colour_code: &str, text: &str| {
        if colour && !colour_code.is_empty() {
            out.push_str(colour_code);
            out.push_str(text);
            out.push_str(RESET);
        } else {
            out.push_str(text);
        }
        out.push('\n');
    };
    let mut out = String::new();
    paint(&mut out, RED, "--- expected");
    paint(&mut out, GREEN, "+++ actual");
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        paint(&mut out, CYAN, &hunk.header().to_string());
        for change in hunk.iter_changes() {
            let (sign, code) = match change.tag() {
                similar::ChangeTag::Delete => ('-', RED),
                similar::ChangeTag::Insert => ('+', GREEN),
                similar::ChangeTag::Equal => (' ', ""),
            };
            let value = change.value();
            let line = value.strip_suffix('\n').unwrap_or(value);
            paint(&mut out, code, &format!("{sign}{line}"));
            if change.missing_newline() {
                paint(&mut out, DIM, "\\ No newline at end of text");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    fn obj(pairs: &[(&str, Data)]) -> Data {
        Data::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<IndexMap<_, _>>(),
        )
    }

    #[test]
    fn numbers_compare_numerically() {
        assert!(values_equal(&Data::Int(1), &Data::Float(1.0), 0.0));
        assert!(values_equal(&Data::Float(6.0), &Data::Int(6), 0.0));
        assert!(!values_equal(
            &Data::Float(0.3),
            &Data::Float(0.1 + 0.2),
            0.0
        ));
        assert!(values_equal(
            &Data::Float(0.3),
            &Data::Float(0.1 + 0.2),
            1e-9
        ));
        assert!(values_equal(
            &Data::Float(f64::NAN),
            &Data::Float(f64::NAN),
            0.0
        ));
        assert!(values_equal(
            &Data::Float(f64::INFINITY),
            &Data::Float(f64::INFINITY),
            0.0
        ));
        assert!(!values_equal(&Data::Bool(true), &Data::Int(1), 0.0));
        assert!(!values_equal(&Data::Str("1".into()), &Data::Int(1), 0.0));
        assert!(values_equal(
            &Data::Float(1000.0),
            &Data::Float(1000.5),
            1e-3
        ));
        assert!(!values_equal(
            &Data::Float(1000.0),
            &Data::Float(1002.0),
            1e-3
        ));
        assert!(values_equal(&Data::Float(0.0), &Data::Float(0.0005), 1e-3));
    }

    #[test]
    fn objects_ignore_key_order() {
        let a = obj(&[("a", Data::Int(1)), ("b", Data::Int(2))]);
        let b = obj(&[("b", Data::Int(2)), ("a", Data::Float(1.0))]);
        assert!(values_equal(&a, &b, 0.0));
        let c = obj(&[("a", Data::Int(1))]);
        assert!(!values_equal(&a, &c, 0.0));
    }

    #[test]
    fn short_values_stay_on_one_line() {
        let v = Data::Array(vec![Data::Int(1), Data::Str("x".into()), Data::Float(2.0)]);
        assert_eq!(show_value(&v), "[1, \"x\", 2.0]");
        assert_eq!(show_value(&obj(&[("a", Data::Null)])), "{ \"a\": null }");
        let long = Data::Array((0..40).map(Data::Int).collect());
        assert!(show_value(&long).contains('\n'));
    }

    #[test]
    fn diffs_mark_lines_and_colour_on_request() {
        let d = unified_diff("a\nb\nc\n", "a\nB\nc\n", false);
        assert_eq!(
            d,
            "--- expected\n+++ actual\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
        let d = unified_diff("a\n", "a", false);
        assert!(d.contains("\\ No newline at end of text"), "{d}");
        let d = unified_diff("a\n", "b\n", true);
        assert!(d.contains("\x1b[31m-a\x1b[0m"), "{d:?}");
        assert!(d.contains("\x1b[32m+b\x1b[0m"), "{d:?}");
    }

    #[test]
    fn control_characters_are_escaped_in_diffs() {
        assert_eq!(escape_controls("a\tb\n"), "a\tb\n");
        assert_eq!(
            escape_controls("\x1b[2J\r\0\u{7}\u{9b}"),
            "\\x1b[2J\\r\\0\\x07\\x9b"
        );
        let d = unified_diff("ok\n", "\x1b[31mred\x1b[0m\n", false);
        assert!(d.contains("+\\x1b[31mred\\x1b[0m"), "{d}");
        assert!(!d.contains('\x1b'), "{d}");
    }

    #[test]
    fn capability_names_match_loosely() {
        let got = Violation {
            capability: "file:read".into(),
            resource: "/etc/passwd".into(),
        };
        let want = |c: &str, r: Option<&str>| ViolationExpect {
            capability: c.into(),
            resource: r.map(str::to_string),
        };
        assert!(violation_matches(
            &want("file:read", Some("/etc/passwd")),
            &got
        ));
        assert!(violation_matches(&want("file.read", None), &got));
        assert!(violation_matches(&want("file", Some("/etc/*")), &got));
        assert!(!violation_matches(&want("fil", None), &got));
        assert!(!violation_matches(&want("file:write", None), &got));
        assert!(!violation_matches(&want("file:read", Some("/tmp/*")), &got));
    }
}
