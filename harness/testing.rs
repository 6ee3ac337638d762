//! Assertions for Rust users testing their ML integration, usable from
//! `#[tokio::test]`. Each `assert_*` panics with expected and actual on
//! failure; the `check_*` forms return the message instead.

use crate::executor::{Executor, ExecutorConfig};
use crate::outcome::Status;
use crate::request::ExecRequest;
use crate::session::Session;
use mlpy_lang::capability::GrantSet;
use mlpy_lang::Data;

fn one_off_executor() -> Executor {
    Executor::new(ExecutorConfig {
        max_workers: 1,
        queue_capacity: 16,
        ..ExecutorConfig::default()
    })
}

/// Runs `code` (no grants) and checks its result equals `expected`.
pub async fn check_async_execution(code: &str, expected: impl Into<Data>) -> Result<(), String> {
    let expected = expected.into();
    let ex = one_off_executor();
    let outcome = ex.execute(ExecRequest::new(code)).await;
    ex.shutdown();
    match outcome.status {
        Status::Ok { value } if value == expected => Ok(()),
        Status::Ok { value } => Err(format!(
            "execution result differs\n  expected: {}\n    actual: {}\n      code: {code}",
            expected.to_json(),
            value.to_json()
        )),
        other => Err(format!(
            "execution did not succeed\n  expected: {}\n    actual: {}\n      code: {code}",
            expected.to_json(),
            describe(&other)
        )),
    }
}

/// Runs `code` through an executor and panics unless its result is `expected`.
pub async fn assert_async_execution(code: &str, expected: impl Into<Data>) {
    if let Err(msg) = check_async_execution(code, expected).await {
        panic!("{msg}");
    }
}

/// Calls `function(args)` in the session and checks the return value.
pub fn check_callback_works(
    session: &Session,
    function: &str,
    args: &[Data],
    expected: impl Into<Data>,
) -> Result<(), String> {
    let expected = expected.into();
    let cb = session
        .callback(function)
        .map_err(|e| format!("cannot create callback '{function}': {e}"))?;
    match cb.call(args) {
        Ok(v) if v == expected => Ok(()),
        Ok(v) => Err(format!(
            "callback {function} returned a different value\n  expected: {}\n    actual: {}",
            expected.to_json(),
            v.to_json()
        )),
        Err(e) => Err(format!(
            "callback {function} failed\n  expected: {}\n    actual: error {e}",
            expected.to_json()
        )),
    }
}

/// Calls `function` in `session` and panics unless it returns `expected`.
pub fn assert_callback_works(
    session: &Session,
    function: &str,
    args: &[Data],
    expected: impl Into<Data>,
) {
    if let Err(msg) = check_callback_works(session, function, args, expected) {
        panic!("{msg}");
    }
}

/// Runs `code` with `grants` and checks that a violation of
/// `expected_capability` (e.g. `file:read`) was recorded.
pub async fn check_capability_violation(
    code: &str,
    grants: &[&str],
    expected_capability: &str,
) -> Result<(), String> {
    let grants = GrantSet::parse(grants).map_err(|e| e.to_string())?;
    let ex = one_off_executor();
    let outcome = ex.execute(ExecRequest::new(code).grants(grants)).await;
    ex.shutdown();
    let wanted = expected_capability.replace('.', ":");
    if outcome
        .violations
        .iter()
        .any(|v| v.capability == wanted || v.capability.starts_with(&format!("{wanted}:")))
    {
        return Ok(());
    }
    let seen: Vec<String> = outcome
        .violations
        .iter()
        .map(|v| format!("{} on {}", v.capability, v.resource))
        .collect();
    Err(format!(
        "expected a capability violation\n  expected: {wanted}\n    actual: {} (status {})",
        if seen.is_empty() {
            "no violation".to_string()
        } else {
            seen.join(", ")
        },
        describe(&outcome.status)
    ))
}

/// Runs `code` with `grants` and panics unless it ends in a violation of `expected_capability`.
pub async fn assert_capability_violation(code: &str, grants: &[&str], expected_capability: &str) {
    if let Err(msg) = check_capability_violation(code, grants, expected_capability).await {
        panic!("{msg}");
    }
}

fn describe(status: &Status) -> String {
    match status {
        Status::Ok { value } => format!("ok {}", value.to_json()),
        Status::Error { error } | Status::Violation { error } => {
            format!("{}: {}", error.kind, error.message)
        }
        Status::Timeout => "timeout".into(),
        Status::Cancelled => "cancelled".into(),
    }
}
