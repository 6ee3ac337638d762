//! Rendering case results for people: failure blocks with the spec
//! location, the differences and the ML error with its caret.

use mlpy_harness::spec::Case;
use mlpy_harness::suite::CaseResult;
use mlpy_harness::Status;
use std::fmt::Write;

/// The full text of a failed case.
pub fn failure_text(case: &Case, result: &CaseResult, colour: bool) -> String {
    let _ = colour;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}:{}:{}: case '{}' failed ({:.1} ms)",
        case.file.display(),
        case.line,
        case.col,
        case.name,
        result.duration.as_secs_f64() * 1000.0
    );
    out.push_str(&result.verdict.render());
    if let Status::Error { error } | Status::Violation { error } = &result.outcome.status {
        let first = error.rendered.lines().next().unwrap_or("");
        if !error.rendered.is_empty() && !out.contains(first) {
            out.push_str("ML error:\n");
            for line in error.rendered.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    if !result.outcome.stdout.is_empty() && !out.contains("stdout") {
        out.push_str("stdout:\n");
        for line in result.outcome.stdout.lines().take(40) {
            let _ = writeln!(out, "  | {line}");
        }
    }
    out
}
