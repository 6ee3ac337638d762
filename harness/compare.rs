//! Differential runs: the same case on two backends, their outcomes
//! compared field by field (status, value, stdout, error kind, violations),
//! and a difference shown side by side under the backends' names.

use crate::executor::Executor;
use crate::outcome::{ExecOutcome, Status};
use crate::spec::Case;
use crate::suite::{run_case, skip_reason, CaseResult, RunOptions};
use mlpy_lang::capability::{Kind, Token};
use mlpy_lang::error::Violation;
use mlpy_lang::Data;
use std::fmt::Write as _;

/// A case run on one backend of a pair.
#[derive(Debug)]
pub enum Side {
    /// The backend ran the case.
    Ran(Box<CaseResult>),
    /// The backend cannot run the case (a feature it lacks).
    Skipped(String),
}

impl Side {
    /// The result, when the backend ran the case.
    pub fn result(&self) -> Option<&CaseResult> {
        match self {
            Side::Ran(r) => Some(r),
            Side::Skipped(_) => None,
        }
    }
}

/// How the two backends' outcomes relate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Agreement {
    /// Both outcomes are the same.
    Agree,
    /// The fields on which they differ.
    Differ(Vec<Difference>),
    /// One side could not run the case; the reason names the backend.
    CouldNotRun(String),
}

/// One case on two backends.
#[derive(Debug)]
pub struct Pair {
    /// The case on the first backend (the driven executor).
    pub left: Side,
    /// The case on the second backend.
    pub right: Side,
    /// How the two compare.
    pub agreement: Agreement,
    /// The case's documented difference on one of the two backends
    /// (`differs_on`): `(true for the right side, reason)`.
    pub known: Option<(bool, String)>,
}

/// A documented difference of `case` on `backend` (`differs_on`).
pub fn known_difference<'a>(case: &'a Case, backend: &str) -> Option<&'a str> {
    case.differs_on.get(backend).map(String::as_str)
}

impl Pair {
    /// Passed: the outcomes agree (or one side could not run) and every
    /// side that ran met the case's expectations. With a documented
    /// difference, the other side must meet its expectations and the
    /// listed side must really differ (outcome or expectations): a listed
    /// difference that went away fails, so the list stays true.
    pub fn passed(&self) -> bool {
        let met = |s: &Side| s.result().is_none_or(|r| r.verdict.passed);
        match &self.known {
            None => {
                !matches!(self.agreement, Agreement::Differ(_))
                    && met(&self.left)
                    && met(&self.right)
            }
            Some((right, _)) => {
                let (listed, other) = if *right {
                    (&self.right, &self.left)
                } else {
                    (&self.left, &self.right)
                };
                met(other) && (matches!(self.agreement, Agreement::Differ(_)) || !met(listed))
                    || matches!(self.agreement, Agreement::CouldNotRun(_)) && met(other)
            }
        }
    }

    /// A listed difference that did not show up.
    pub fn stale_known_difference(&self) -> bool {
        self.known.is_some() && matches!(self.agreement, Agreement::Agree) && !self.passed()
    }
}

impl Pair {
    /// What a reader needs to see: the differences side by side, each
    /// side's unmet expectations, or which side could not run and why.
    pub fn describe(&self, left_name: &str, right_name: &str) -> String {
        let mut out = String::new();
        if let Some((right, reason)) = &self.known {
            let name = if *right { right_name } else { left_name };
            if self.stale_known_difference() {
                let _ = writeln!(
                    out,
                    "listed as differing on {name} (differs_on.{name} = {reason:?}), but {left_name} and {right_name} agree and meet the expectations: remove the entry"
                );
            } else {
                let _ = writeln!(out, "known difference on {name}: {reason}");
            }
        }
        match &self.agreement {
            Agreement::Agree => {}
            Agreement::Differ(d) => {
                let _ = writeln!(out, "{left_name} and {right_name} differ");
                out.push_str(&render(left_name, right_name, d));
            }
            Agreement::CouldNotRun(why) => {
                let _ = writeln!(out, "could not run on both: {why}");
            }
        }
        for (name, side) in [(left_name, &self.left), (right_name, &self.right)] {
            if let Some(r) = side.result().filter(|r| !r.verdict.passed) {
                let _ = writeln!(out, "on {name}, expectations not met:");
                for line in r.verdict.render().lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        out
    }
}

/// Runs `case` on both executors (one after the other) and compares.
pub fn run_pair(left: &Executor, right: &Executor, case: &Case, options: &RunOptions) -> Pair {
    let known = known_difference(case, &right.backend_info().name)
        .map(|r| (true, r.to_string()))
        .or_else(|| {
            known_difference(case, &left.backend_info().name).map(|r| (false, r.to_string()))
        });
    let side = |ex: &Executor| match skip_reason(ex, case) {
        Some(reason) => Side::Skipped(reason),
        None => Side::Ran(Box::new(run_case(ex, case, options))),
    };
    let (l, r) = (side(left), side(right));
    let agreement = match (&l, &r) {
        (Side::Ran(a), Side::Ran(b)) => {
            let d = compare(&a.outcome, &b.outcome);
            if d.is_empty() {
                Agreement::Agree
            } else {
                Agreement::Differ(d)
            }
        }
        (Side::Skipped(why), _) | (_, Side::Skipped(why)) => Agreement::CouldNotRun(why.clone()),
    };
    Pair {
        left: l,
        right: r,
        agreement,
        known,
    }
}

/// One field on which two outcomes differ, as each side shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// `status`, `value`, `stdout`, `error kind` or `violations`.
    pub field: &'static str,
    /// How the first backend's outcome shows it.
    pub left: String,
    /// How the second backend's outcome shows it.
    pub right: String,
}

/// The fields on which `left` and `right` differ (empty: they agree).
/// Values compare exactly (an int is not a float; NaN equals NaN; object
/// key order is ignored); violations compare by capability, normalised
/// (`file.read`, `path.read` and `file:read` are the same), and by resource
/// when both sides name one.
pub fn compare(left: &ExecOutcome, right: &ExecOutcome) -> Vec<Difference> {
    let mut out = Vec::new();
    if left.status.name() != right.status.name() {
        out.push(Difference {
            field: "status",
            left: describe_status(&left.status),
            right: describe_status(&right.status),
        });
    }
    if let (Some(a), Some(b)) = (left.status.value(), right.status.value()) {
        if !same_data(a, b) {
            out.push(Difference {
                field: "value",
                left: pretty(a),
                right: pretty(b),
            });
        }
    }
    if let (Some(a), Some(b)) = (left.status.error(), right.status.error()) {
        if a.kind != b.kind {
            out.push(Difference {
                field: "error kind",
                left: format!("{}: {}", a.kind, a.message),
                right: format!("{}: {}", b.kind, b.message),
            });
        }
    }
    if left.stdout != right.stdout {
        out.push(Difference {
            field: "stdout",
            left: left.stdout.clone(),
            right: right.stdout.clone(),
        });
    }
    if !same_violations(&left.violations, &right.violations) {
        out.push(Difference {
            field: "violations",
            left: show_violations(&left.violations),
            right: show_violations(&right.violations),
        });
    }
    out
}

fn describe_status(s: &Status) -> String {
    match s {
        Status::Ok { value } => format!("ok: {}", value.to_json()),
        Status::Error { error } | Status::Violation { error } => {
            format!(
                "{}: {}: {}",
                s.name(),
                error.kind,
                first_line(&error.message)
            )
        }
        other => other.name().to_string(),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn pretty(d: &Data) -> String {
    serde_json::to_string_pretty(d).unwrap_or_else(|_| d.to_json())
}

/// Exact structural equality of plain data.
pub fn same_data(a: &Data, b: &Data) -> bool {
    use Data::*;
    match (a, b) {
        (Float(x), Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_data(p, q)),
        (Object(x), Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_data(v, w)))
        }
        _ => a == b,
    }
}

/// `kind:action` of a capability name in any accepted spelling.
fn normal_capability(name: &str) -> String {
    match Token::parse(name) {
        Ok(t) if t.kind() != Kind::Inert => {
            let mut ops = t.operations();
            ops.sort_unstable();
            format!("{}:{}", t.kind().as_str(), ops.join("+"))
        }
        _ => name.trim().to_ascii_lowercase(),
    }
}

fn same_violations(a: &[Violation], b: &[Violation]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            normal_capability(&x.capability) == normal_capability(&y.capability)
                && (x.resource.is_empty() || y.resource.is_empty() || x.resource == y.resource)
        })
}

fn show_violations(v: &[Violation]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    v.iter()
        .map(|v| {
            if v.resource.is_empty() {
                format!("{} (no resource given)\n", v.capability)
            } else {
                format!("{} on {}\n", v.capability, v.resource)
            }
        })
        .collect()
}

/// The differences side by side under the two backends' names: one block
/// per field, lines paired up (`|` marks a changed line, `<` a line only
/// the left side has, `>` one only the right side has).
pub fn render(left_name: &str, right_name: &str, diffs: &[Difference]) -> String {
    let mut out = String::new();
    for d in diffs {
        let _ = writeln!(out, "{} differs:", d.field);
        let raw = d.field == "stdout";
        out.push_str(&side_by_side(left_name, right_name, &d.left, &d.right, raw));
    }
    out
}

const COLUMN: usize = 48;

/// One line for a column: control characters (tabs too, which would break
/// the columns) written as escapes, and for program output (`raw`)
/// backslashes doubled so that an escape cannot pass for one; long lines
/// cut.
fn clip(s: &str, raw: bool) -> String {
    let doubled = if raw {
        s.replace('\\', "\\\\")
    } else {
        s.to_string()
    };
    let shown = crate::expect::escape_controls(&doubled).replace('\t', "\\t");
    if shown.chars().count() > COLUMN {
        let mut t: String = shown.chars().take(COLUMN - 1).collect();
        t.push('…');
        t
    } else {
        shown
    }
}

fn side_by_side(left_name: &str, right_name: &str, left: &str, right: &str, raw: bool) -> String {
    let mut rows: Vec<(String, char, String)> = Vec::new();
    let diff = similar::TextDiff::from_lines(left, right);
    for op in diff.ops() {
        let old: Vec<&str> = diff.old_slices()[op.old_range()].to_vec();
        let new: Vec<&str> = diff.new_slices()[op.new_range()].to_vec();
        let strip = |s: &str| s.strip_suffix('\n').unwrap_or(s).to_string();
        match op.tag() {
            similar::DiffTag::Equal => rows.extend(old.iter().map(|l| (strip(l), ' ', strip(l)))),
            _ => {
                for i in 0..old.len().max(new.len()) {
                    let l = old.get(i).map(|s| strip(s));
                    let r = new.get(i).map(|s| strip(s));
                    let mark = match (&l, &r) {
                        (Some(_), Some(_)) => '|',
                        (Some(_), None) => '<',
                        _ => '>',
                    };
                    rows.push((l.unwrap_or_default(), mark, r.unwrap_or_default()));
                }
            }
        }
    }
    // Text without a final newline shows it; an empty side says so.
    let ending = |s: &str| !s.is_empty() && !s.ends_with('\n');
    if left.is_empty() || right.is_empty() || ending(left) != ending(right) {
        let note = |s: &str| {
            if s.is_empty() {
                "(nothing)".to_string()
            } else if ending(s) {
                "(no newline at end)".to_string()
            } else {
                String::new()
            }
        };
        rows.push((note(left), ' ', note(right)));
    }
    let width = rows
        .iter()
        .map(|(l, _, _)| clip(l, raw).chars().count())
        .chain([left_name.chars().count()])
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(out, "    {left_name:width$}   {right_name}");
    for (l, mark, r) in rows {
        let l = clip(&l, raw);
        let line = format!("    {l:width$} {mark} {}", clip(&r, raw));
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlpy_lang::error::ErrorInfo;

    fn ok(v: Data, stdout: &str) -> ExecOutcome {
        let mut o = ExecOutcome::new(Status::Ok { value: v });
        o.stdout = stdout.into();
        o
    }

    #[test]
    fn agreeing_outcomes_have_no_differences() {
        let a = ok(
            Data::from_json(r#"{"a": [1, 2.5], "b": null}"#).unwrap(),
            "x\n",
        );
        let b = ok(
            Data::from_json(r#"{"b": null, "a": [1, 2.5]}"#).unwrap(),
            "x\n",
        );
        assert_eq!(compare(&a, &b), vec![]);
    }

    #[test]
    fn ints_and_floats_differ() {
        let d = compare(&ok(Data::Int(2), ""), &ok(Data::Float(2.0), ""));
        assert_eq!(d[0].field, "value");
        assert_eq!((d[0].left.as_str(), d[0].right.as_str()), ("2", "2.0"));
    }

    #[test]
    fn differences_show_side_by_side_under_the_backend_names() {
        let a = ok(Data::Null, "one\ntwo\nthree\n");
        let mut b = ExecOutcome::new(Status::Error {
            error: ErrorInfo {
                kind: "NameError".into(),
                message: "name 'console' is not defined".into(),
                line: None,
                column: None,
                file: None,
                rendered: String::new(),
                violation: None,
            },
        });
        b.stdout = "one\n2\n".into();
        let text = render("native", "mlpy", &compare(&a, &b));
        assert_eq!(
            text,
            "status differs:
    native     mlpy
    ok: null | error: NameError: name 'console' is not defined
stdout differs:
    native   mlpy
    one      one
    two    | 2
    three  <
"
        );
    }

    #[test]
    fn violations_compare_by_normalised_capability() {
        let v = |c: &str, r: &str| Violation {
            capability: c.into(),
            resource: r.into(),
        };
        let mut a = ok(Data::Null, "");
        let mut b = ok(Data::Null, "");
        a.violations = vec![v("file:read", "/etc/passwd")];
        b.violations = vec![v("file.read", "")];
        assert_eq!(compare(&a, &b), vec![]);
        b.violations = vec![v("path.read", "/etc/shadow")];
        assert_eq!(compare(&a, &b)[0].field, "violations");
        b.violations = vec![v("env.read", "")];
        assert_eq!(compare(&a, &b)[0].field, "violations");
    }
}
