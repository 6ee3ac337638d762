//! Checking outcomes against expectations: every `expect.*` key, the
//! status rules, diffs.

use indexmap::IndexMap;
use mlpy_harness::expect::{check, check_with, Context, RecordedCall};
use mlpy_harness::spec::{Case, Loader};
use mlpy_harness::{ExecOutcome, ExecRequest, Executor, ExecutorConfig, Status};
use mlpy_lang::error::{ErrorInfo, Violation};
use mlpy_lang::Data;
use std::path::Path;

/// The single case of a spec written inline.
fn case(toml: &str) -> Case {
    let loader = Loader::new("/specs");
    let mut cases = loader
        .load_str(Path::new("/specs/t.mltest"), toml)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cases.len(), 1);
    cases.remove(0)
}

/// A case whose code does not matter, with the keys `keys` (TOML lines).
fn expecting(keys: &str) -> Case {
    case(&format!("code = \"x\"\n{keys}"))
}

/// `outcome` judged by the expectations of [`expecting`]`(keys)`.
fn verdict(keys: &str, outcome: &ExecOutcome) -> mlpy_harness::expect::Verdict {
    check(&expecting(keys).expect, outcome)
}

/// Asserts that the first failure of `v` shows a diff holding `part`.
#[track_caller]
fn assert_diff_has(v: &mlpy_harness::expect::Verdict, part: &str) {
    let diff = v.failures[0].diff.as_deref().expect("a diff");
    assert!(diff.contains(part), "{part:?} is missing from:\n{diff}");
}

fn ok(value: Data) -> ExecOutcome {
    ExecOutcome::new(Status::Ok { value })
}

fn error(kind: &str, message: &str, line: u32) -> ErrorInfo {
    ErrorInfo {
        kind: kind.into(),
        message: message.into(),
        line: Some(line),
        column: Some(3),
        file: None,
        rendered: format!("{kind}: {message}\n  --> line {line}\n   | 1 / 0;\n   |   ^"),
        violation: None,
    }
}

fn whats(outcome: &ExecOutcome, c: &Case) -> Vec<String> {
    check(&c.expect, outcome)
        .failures
        .into_iter()
        .map(|f| f.what)
        .collect()
}

#[test]
fn results_compare_numerically_and_within_tolerance() {
    let c = expecting("expect.result = 6\n");
    assert!(check(&c.expect, &ok(Data::Int(6))).passed);
    assert!(check(&c.expect, &ok(Data::Float(6.0))).passed);
    let v = check(&c.expect, &ok(Data::Int(7)));
    assert!(!v.passed);
    assert_eq!(v.failures[0].what, "result");
    assert_eq!(v.failures[0].expected, "6");
    assert_eq!(v.failures[0].actual, "7");
    assert_eq!(v.failures[0].diff, None);

    let c = expecting("expect.result = 0.3\n");
    assert!(
        !check(&c.expect, &ok(Data::Float(0.1 + 0.2))).passed,
        "exact by default"
    );
    let c = expecting("expect.result = 0.3\nexpect.tolerance = 1e-9\n");
    assert!(check(&c.expect, &ok(Data::Float(0.1 + 0.2))).passed);
    let c = expecting("expect.result = [1.0, { a = 0.3 }]\nexpect.tolerance = 1e-9\n");
    let mut m = IndexMap::new();
    m.insert("a".to_string(), Data::Float(0.1 + 0.2));
    assert!(
        check(
            &c.expect,
            &ok(Data::Array(vec![Data::Int(1), Data::Object(m)]))
        )
        .passed
    );
    let c = expecting("expect.result = nan\n");
    assert!(check(&c.expect, &ok(Data::Float(f64::NAN))).passed);
}

#[test]
fn null_results_use_result_json() {
    let c = expecting("expect.result_json = \"null\"\n");
    assert!(check(&c.expect, &ok(Data::Null)).passed);
    assert!(!check(&c.expect, &ok(Data::Int(0))).passed);
    let c = expecting("expect.result_json = '{\"a\": [1, null]}'\n");
    let v = Data::from_json(r#"{"a": [1, null]}"#).unwrap();
    assert!(check(&c.expect, &ok(v)).passed);
}

#[test]
fn big_values_get_a_pretty_diff() {
    let c = expecting(
        "expect.result = { name = \"ada\", langs = [\"ml\", \"python\", \"rust\"], born = 1815, note = \"first programmer\" }\n",
    );
    let actual = Data::from_json(
        r#"{"name": "ada", "langs": ["ml", "python", "rust"], "born": 1816, "note": "first programmer"}"#,
    )
    .unwrap();
    let v = check(&c.expect, &ok(actual));
    assert_diff_has(&v, "-  \"born\": 1815,\n+  \"born\": 1816,");
    let plain = v.failures[0].diff.as_deref().unwrap();
    assert!(!plain.contains('\x1b'), "{plain}");
    let coloured = check_with(
        &c.expect,
        &ok(Data::Int(1)),
        &Context {
            colour: true,
            ..Context::default()
        },
    );
    assert_diff_has(&coloured, "\x1b[31m");
}

#[test]
fn an_unexpected_error_fails_with_the_error_rendered() {
    let c = expecting("expect.result = 1\n");
    let out = ExecOutcome::new(Status::Error {
        error: error("ZeroDivisionError", "division by zero", 1),
    });
    let v = check(&c.expect, &out);
    assert_eq!(v.failures.len(), 1);
    assert_eq!(v.failures[0].what, "result");
    assert_eq!(v.failures[0].expected, "1");
    assert!(
        v.failures[0].actual.contains("^"),
        "{}",
        v.failures[0].actual
    );
    let text = v.render();
    assert!(
        text.starts_with(
            "result differs\n  expected: 1\n    actual: ZeroDivisionError: division by zero\n"
        ),
        "{text}"
    );

    // Without a result expectation it is still a failure.
    let c = expecting("expect.stdout = \"\"\n");
    assert_eq!(whats(&out, &c), ["status"]);
}

#[test]
fn expected_errors_match_kind_message_and_line() {
    let out = ExecOutcome::new(Status::Error {
        error: error("ZeroDivisionError", "division by zero", 3),
    });
    for (spec, pass) in [
        ("expect.error = \"ZeroDivisionError\"", true),
        ("expect.error = \"ValueError\"", false),
        ("expect.error = { kind = \"ZeroDivisionError\", message_contains = \"zero\", line = 3 }", true),
        ("expect.error = { message_contains = \"nonzero\" }", false),
        ("expect.error = { message = \"division by zero\", column = 3 }", true),
        ("expect.error = { line = 2 }", false),
    ] {
        assert_eq!(verdict(&format!("{spec}\n"), &out).passed, pass, "{spec}");
    }
    let c = expecting("expect.error = { kind = \"ValueError\", line = 2 }\n");
    let v = check(&c.expect, &out);
    assert_eq!(v.failures[0].expected, "ValueError at line 2");
    // An error was expected but the run succeeded.
    let v = check(&c.expect, &ok(Data::Int(1)));
    assert_eq!(v.failures[0].actual, "no error; the run finished with 1");
}

#[test]
fn violations_match_any_recorded_one() {
    let c = expecting(
        "expect.violation = [{ capability = \"file:read\", resource = \"/etc/*\" }, { capability = \"env\" }]\n",
    );
    let mut out = ok(Data::Null); // caught by the code: the run still succeeds
    out.violations = vec![
        Violation {
            capability: "env:read".into(),
            resource: "HOME".into(),
        },
        Violation {
            capability: "file:read".into(),
            resource: "/etc/passwd".into(),
        },
    ];
    assert!(check(&c.expect, &out).passed);

    // Uncaught: the run ends in a violation, which is what was expected.
    let mut err = error("CapabilityError", "file:read denied for /etc/passwd", 1);
    err.violation = Some(Violation {
        capability: "file:read".into(),
        resource: "/etc/passwd".into(),
    });
    let only_file = expecting(
        "expect.violation = { capability = \"file:read\", resource = \"/etc/passwd\" }\n",
    );
    let out = ExecOutcome::new(Status::Violation { error: err });
    assert!(
        check(&only_file.expect, &out).passed,
        "{}",
        check(&only_file.expect, &out).render()
    );

    let v = check(&c.expect, &ok(Data::Null));
    assert_eq!(v.failures.len(), 2);
    assert_eq!(v.failures[0].actual, "no capability violation was recorded");
    assert_eq!(v.failures[1].expected, "env on any resource");

    // An uncaught violation leaves no result to compare.
    let both = expecting("expect.violation = { capability = \"file:read\" }\nexpect.result = 1\n");
    assert_eq!(whats(&out, &both), ["result"]);

    // A violation nobody expected is a failure.
    let plain = expecting("expect.result = 1\n");
    assert_eq!(whats(&out, &plain), ["result"]);
}

#[test]
fn stdout_exact_contains_and_matches() {
    let mut out = ok(Data::Null);
    out.stdout = "hello\nworld\n".into();
    assert!(verdict("expect.stdout = '''\nhello\nworld\n'''\n", &out).passed);
    let v = verdict("expect.stdout = \"hello\\nWorld\\n\"\n", &out);
    assert_eq!(v.failures[0].what, "stdout");
    assert_diff_has(&v, "-World\n+world");
    let v = verdict("expect.stdout = \"hello\\nworld\"\n", &out);
    assert_diff_has(&v, "No newline");
    assert!(verdict("expect.stdout_contains = [\"lo\\nwo\", \"world\"]\n", &out).passed);
    let c = expecting("expect.stdout_contains = \"planet\"\n");
    assert_eq!(
        check(&c.expect, &out).failures[0].expected,
        "output containing \"planet\""
    );
    assert!(verdict("expect.stdout_matches = '^w\\w+$'\n", &out).passed);
    assert!(!verdict("expect.stdout_matches = '^\\d+$'\n", &out).passed);
    let mut short = ok(Data::Null);
    short.stdout = "a".into();
    let v = verdict("expect.stdout = \"b\"\n", &short);
    assert_eq!(
        (
            v.failures[0].expected.as_str(),
            v.failures[0].actual.as_str()
        ),
        ("\"b\"", "\"a\"")
    );
}

#[test]
fn stderr_is_checked_like_stdout_and_failures_name_their_key() {
    let mut out = ok(Data::Null);
    out.stderr = "WARNING: disk low\n".into();
    assert!(verdict("expect.stderr_matches = ['^WARNING: \\w+', 'low$']\n", &out).passed);
    let v = verdict(
        "expect.stderr_contains = 'full'\nexpect.stderr_matches = '^ERROR'\n",
        &out,
    );
    let got: Vec<(&str, Option<&str>, &str)> = v
        .failures
        .iter()
        .map(|f| (f.what.as_str(), f.key, f.expected.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "stderr",
                Some("stderr_contains"),
                "stderr containing \"full\""
            ),
            ("stderr", Some("stderr_matches"), "stderr matching /^ERROR/"),
        ]
    );
}

#[test]
fn globals_are_a_subset_match() {
    let mut out = ok(Data::Null);
    out.globals.insert("x".into(), Data::Int(1));
    out.globals.insert("y".into(), Data::Str("a".into()));
    assert!(verdict("expect.globals = { x = 1.0 }\n", &out).passed);
    let v = verdict("expect.globals = { x = 2, z = 0 }\n", &out);
    assert_eq!(
        v.failures
            .iter()
            .map(|f| f.what.as_str())
            .collect::<Vec<_>>(),
        ["global x", "global z"]
    );
    assert_eq!(v.failures[1].actual, "<not defined>");
}

#[test]
fn timeouts() {
    let c = expecting("timeout = \"10ms\"\nexpect.timeout = true\n");
    assert!(check(&c.expect, &ExecOutcome::new(Status::Timeout)).passed);
    assert_eq!(whats(&ok(Data::Int(1)), &c), ["timeout"]);
    let c = expecting("expect.result = 1\n");
    let v = check(&c.expect, &ExecOutcome::new(Status::Timeout));
    assert_eq!(v.failures[0].actual, "the run was stopped by its timeout");
    assert_eq!(whats(&ExecOutcome::new(Status::Cancelled), &c), ["status"]);
}

#[test]
fn calls_are_an_exact_ordered_list() {
    let c = expecting(
        "expect.calls = [{ method = \"GET\", url = \"https://api.example.com/users/*\" }, { url = \"https://api.example.com/ping\" }]\n",
    );
    let call = |m: &str, u: &str| RecordedCall {
        method: m.into(),
        url: u.into(),
    };
    let good = [
        call("GET", "https://api.example.com/users/1"),
        call("POST", "https://api.example.com/ping"),
    ];
    let ctx = |calls| Context {
        calls,
        colour: false,
    };
    assert!(check_with(&c.expect, &ok(Data::Null), &ctx(&good)).passed);
    let v = check_with(&c.expect, &ok(Data::Null), &ctx(&good[..1]));
    assert_eq!(v.failures[0].what, "calls");
    assert_diff_has(&v, "-* https://api.example.com/ping");
    let reordered = [good[1].clone(), good[0].clone()];
    assert!(!check_with(&c.expect, &ok(Data::Null), &ctx(&reordered)).passed);
    let none = expecting("expect.calls = []\n");
    assert!(check(&none.expect, &ok(Data::Null)).passed);
    let v = check_with(&none.expect, &ok(Data::Null), &ctx(&good));
    assert_eq!(v.failures[0].expected, "no requests");
}

/// The real executor's outcomes check as expected.
#[test]
fn real_runs() {
    let ex = Executor::new(ExecutorConfig {
        max_workers: 1,
        ..ExecutorConfig::default()
    });
    let run = |c: &Case| {
        let mut req = ExecRequest::new(c.code.clone()).grants(c.grants.clone());
        if let Some(t) = c.timeout {
            req = req.timeout(t);
        }
        for (k, v) in &c.globals {
            req = req.global(k.clone(), v.clone());
        }
        ex.execute_blocking(req)
    };
    let verdict = |toml: &str| {
        let c = case(toml);
        check(&c.expect, &run(&c))
    };
    for toml in [
        "code = \"result = n * 3;\"\nglobals = { n = 2 }\nexpect.result = 6\nexpect.globals = { result = 6 }\n",
        "code = '''\nx = 1;\ny = x / 0;\n'''\nexpect.error = { kind = \"ZeroDivisionError\", line = 2 }\n",
        "code = 'import file; file.read_file(\"/etc/passwd\");'\nexpect.violation = { capability = \"file:read\", resource = \"/etc/passwd\" }\n",
        "code = 'while (true) { }'\ntimeout = \"50ms\"\nexpect.timeout = true\n",
    ] {
        let v = verdict(toml);
        assert!(v.passed, "{}", v.render());
    }
    let v = verdict("code = '''\nx = 1;\ny = x / 0;\n'''\nexpect.result = 1\n");
    assert!(!v.passed);
    assert!(
        v.failures[0].actual.contains("ZeroDivisionError"),
        "{}",
        v.render()
    );
    ex.shutdown();
}
