//! Blessing rewrites `expect.result` / `expect.stdout` in place, keeping
//! comments, layout, quoting, line endings, byte-order mark, mode and
//! symbolic links, and never blesses an unexpected error or a case that
//! would still fail.

use mlpy_harness::bless::{bless, bless_text};
use mlpy_harness::expect::check;
use mlpy_harness::spec::{Case, Loader};
use mlpy_harness::suite::CaseResult;
use mlpy_harness::{ExecOutcome, Status};
use mlpy_lang::error::ErrorInfo;
use mlpy_lang::Data;
use std::path::Path;

fn cases(text: &str) -> Vec<Case> {
    Loader::new("/specs")
        .load_str(Path::new("/specs/b.mltest"), text)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn ok(value: Data, stdout: &str) -> ExecOutcome {
    let mut o = ExecOutcome::new(Status::Ok { value });
    o.stdout = stdout.into();
    o
}

/// What running `case` gave `outcome`.
fn result(case: &Case, outcome: ExecOutcome) -> CaseResult {
    CaseResult {
        verdict: check(&case.expect, &outcome),
        outcome,
        calls: Vec::new(),
        duration: std::time::Duration::ZERO,
    }
}

fn load(file: &Path) -> Vec<Case> {
    Loader::new(file.parent().unwrap())
        .load_file(file)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Blesses case `i` of `text` and checks the new text loads with the new
/// expectation.
fn bless_case(text: &str, i: usize, outcome: &ExecOutcome) -> (String, Vec<String>) {
    let all = cases(text);
    let (new, changes) = bless_text(text, &all[i], outcome).unwrap();
    cases(&new); // still a valid spec
    let changes = changes
        .into_iter()
        .map(|c| format!("{}: {} -> {}", c.key, c.old, c.new))
        .collect();
    (new, changes)
}

/// Asserts that blessing case `i` of `text` with `outcome` gives `want`.
#[track_caller]
fn assert_blessed(text: &str, i: usize, outcome: ExecOutcome, want: &str) {
    assert_eq!(bless_case(text, i, &outcome).0, want);
}

#[test]
fn results_are_rewritten_keeping_comments() {
    let text = "# arithmetic\ncode = \"2 * 3;\" # the code\nexpect.result = 5 # the answer\n";
    let (new, changes) = bless_case(text, 0, &ok(Data::Int(6), ""));
    assert_eq!(
        new,
        "# arithmetic\ncode = \"2 * 3;\" # the code\nexpect.result = 6 # the answer\n"
    );
    assert_eq!(changes, ["expect.result: 5 -> 6"]);
}

#[test]
fn only_the_blessed_case_changes() {
    let text = r#"timeout = "1s"

# first
[[case]]
name = "a"
code = "1;"
expect.result = 1

# second
[[case]]
name = "b"
code = "[1, 2];"
expect.result = [1, 3]   # wrong

[[case]]
name = "c"
code = "3;"
expect.result = 3
"#;
    let value = Data::Array(vec![Data::Int(1), Data::Int(2)]);
    let (new, _) = bless_case(text, 1, &ok(value, ""));
    assert_eq!(new, text.replace("[1, 3]", "[1, 2]"));
}

#[test]
fn stdout_becomes_a_literal_block() {
    let text = "[[case]]\nname = \"p\"\ncode = \"x\"\nexpect.stdout = \"\"\n";
    let (new, changes) = bless_case(text, 0, &ok(Data::Null, "a\nb 'q' \\n\n"));
    assert_eq!(
        new,
        "[[case]]\nname = \"p\"\ncode = \"x\"\nexpect.stdout = '''\na\nb 'q' \\n\n'''\n"
    );
    assert_eq!(changes, ["expect.stdout: \"\" -> a\nb 'q' \\n\n"]);
    // Text a literal block cannot hold falls back to a one-line basic string.
    let (new, _) = bless_case(text, 0, &ok(Data::Null, "x'''y\n\u{1}\n"));
    assert!(
        new.contains(r#"expect.stdout = "x'''y\n\u0001\n""#),
        "{new}"
    );
    let (new, _) = bless_case(text, 0, &ok(Data::Null, "one line"));
    assert!(new.contains("expect.stdout = \"one line\"\n"), "{new}");
}

#[test]
fn null_results_are_written_as_json() {
    let text = "code = \"x\"\nexpect.result = 1\n";
    let (new, changes) = bless_case(text, 0, &ok(Data::Null, ""));
    assert_eq!(new, "code = \"x\"\nexpect.result_json = \"null\"\n");
    assert_eq!(changes, ["expect.result_json: 1 -> null"]);
    let nested = Data::from_json(r#"{"a": null}"#).unwrap();
    let (new, _) = bless_case(text, 0, &ok(nested, ""));
    assert!(
        new.contains(r#"expect.result_json = '{"a":null}'"#)
            || new.contains(r#"expect.result_json = "{\"a\":null}""#),
        "{new}"
    );
    // And back: a plain value replaces result_json with result... unless the
    // author chose result_json, which is kept.
    let text = "code = \"x\"\nexpect.result_json = \"null\"\n";
    let want = "code = \"x\"\nexpect.result_json = \"2\"\n";
    assert_blessed(text, 0, ok(Data::Int(2), ""), want);
}

#[test]
fn inherited_expectations_are_overridden_in_the_case() {
    let text = "expect.stdout = \"\"\n\n[[case]]\nname = \"a\"\ncode = \"x\"\n\n[[case]]\nname = \"b\"\ncode = \"y\"\n";
    let want = "expect.stdout = \"\"\n\n[[case]]\nname = \"a\"\ncode = \"x\"\n\n[[case]]\nname = \"b\"\ncode = \"y\"\nexpect.stdout = \"hi\"\n";
    assert_blessed(text, 1, ok(Data::Null, "hi"), want);
}

#[test]
fn expect_tables_of_every_form() {
    let header =
        "[[case]]\nname = \"a\"\ncode = \"x\"\n\n[case.expect]\nresult = 1 # one\nstdout = \"\"\n";
    let (new, changes) = bless_case(header, 0, &ok(Data::Int(2), "out\n"));
    assert_eq!(
        new,
        "[[case]]\nname = \"a\"\ncode = \"x\"\n\n[case.expect]\nresult = 2 # one\nstdout = \"out\\n\"\n"
    );
    assert_eq!(changes.len(), 2);
    let inline = "code = \"x\"\nexpect = { result = 1, stdout_contains = \"a\" }\n";
    let want = "code = \"x\"\nexpect = { result = \"s\", stdout_contains = \"a\" }\n";
    assert_blessed(inline, 0, ok(Data::Str("s".into()), "a"), want);
}

#[test]
fn each_rows_are_blessed_in_the_row() {
    let text = r#"code = "function f(x) { return x; }"
callback = { function = "f" }
expect.result = 0
each = [
  { args = [1], result = 1 },
  { args = [2] }, # uses the case's
  { args = [3], expect = { result = 0 } },
]
"#;
    let all = cases(text);
    assert_eq!(all.len(), 3);
    let (new, changes) = bless_text(text, &all[0], &ok(Data::Int(10), "")).unwrap();
    assert!(new.contains("{ args = [1], result = 10 },"), "{new}");
    assert_eq!(changes[0].key, "each[0].result");
    let (new, _) = bless_text(text, &all[1], &ok(Data::Int(2), "")).unwrap();
    assert!(
        new.contains("{ args = [2], result = 2 }, # uses the case's"),
        "{new}"
    );
    assert!(
        new.contains("expect.result = 0\n"),
        "the default is untouched"
    );
    let (new, changes) = bless_text(text, &all[2], &ok(Data::Int(3), "")).unwrap();
    assert!(
        new.contains("{ args = [3], expect = { result = 3 } },"),
        "{new}"
    );
    assert_eq!(changes[0].key, "each[2].expect.result");
    cases(&new);
}

#[test]
fn errors_violations_and_timeouts_are_never_blessed() {
    let text = "code = \"1 / 0;\"\nexpect.result = 1\n";
    let case = &cases(text)[0];
    let err = ErrorInfo {
        kind: "ZeroDivisionError".into(),
        message: "division by zero".into(),
        line: Some(1),
        column: Some(1),
        file: None,
        rendered: String::new(),
        violation: None,
    };
    let out = ExecOutcome::new(Status::Error { error: err.clone() });
    let why = bless_text(text, case, &out).unwrap_err();
    assert_eq!(
        why,
        "the run ended in an error (ZeroDivisionError: division by zero (line 1)); bless never \
         turns an error, violation or timeout into an expectation: fix the code, or write \
         expect.error / expect.violation / expect.timeout by hand"
    );
    let why = bless_text(text, case, &ExecOutcome::new(Status::Timeout)).unwrap_err();
    assert!(why.starts_with("the run timed out;"), "{why}");
    let out = ExecOutcome::new(Status::Violation { error: err.clone() });
    assert!(bless_text(text, case, &out).is_err());

    // When the case expects that error, its stdout can still be blessed.
    let text = "code = \"x\"\nexpect.error = \"ZeroDivisionError\"\nexpect.stdout = \"\"\n";
    let case = &cases(text)[0];
    let mut out = ExecOutcome::new(Status::Error { error: err });
    out.stdout = "before\n".into();
    let (new, _) = bless_text(text, case, &out).unwrap();
    assert_eq!(
        new,
        "code = \"x\"\nexpect.error = \"ZeroDivisionError\"\nexpect.stdout = \"before\\n\"\n"
    );
}

#[test]
fn nothing_to_bless() {
    let text = "code = \"x\"\nexpect.result = 1.0\n";
    let case = &cases(text)[0];
    let (new, changes) = bless_text(text, case, &ok(Data::Int(1), "")).unwrap();
    assert!(changes.is_empty());
    assert_eq!(new, text);
    let text = "code = \"x\"\nexpect.stdout_contains = \"a\"\n";
    let case = &cases(text)[0];
    let why = bless_text(text, case, &ok(Data::Int(1), "")).unwrap_err();
    assert!(
        why.contains("neither expect.result nor expect.stdout"),
        "{why}"
    );
}

#[test]
fn bless_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.mltest");
    let text = "[[case]]\nname = \"w\"\ncode = \"x\"\nexpect.result = \"old\"\n";
    std::fs::write(&file, text).unwrap();
    let case = Loader::new(dir.path()).load_file(&file).unwrap().remove(0);
    let done = bless(&case, &result(&case, ok(Data::Str("new".into()), ""))).unwrap();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text.replace("old", "new")
    );
    let shown = done.to_string();
    assert!(shown.starts_with("blessed w::w ("), "{shown}");
    assert!(
        shown.ends_with("):\n  expect.result: \"old\" -> \"new\"")
            || shown.contains("\n  expect.result: \"old\" -> \"new\""),
        "{shown}"
    );
    let again = bless(&case, &result(&case, ok(Data::Str("old".into()), ""))).unwrap();
    assert!(
        again.changes.is_empty(),
        "the loaded case still expects \"old\""
    );
    assert!(again.to_string().ends_with("up to date"));
}

#[test]
fn a_failing_pattern_is_never_blessed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.mltest");
    let text =
        "code = \"x\"\nexpect.result = 1\nexpect.stdout = \"\"\nexpect.stdout_matches = \"^ok\"\n";
    std::fs::write(&file, text).unwrap();
    let case = load(&file).remove(0);
    let why = bless(&case, &result(&case, ok(Data::Int(2), "nope\n"))).unwrap_err();
    assert!(
        why.message
            .starts_with("expect.stdout_matches would still fail; bless rewrites only"),
        "{why}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "nothing written"
    );
    let text = "code = \"x\"\nexpect.stdout_contains = \"a\"\n";
    std::fs::write(&file, text).unwrap();
    let case = load(&file).remove(0);
    let why = bless(&case, &result(&case, ok(Data::Int(1), "b"))).unwrap_err();
    assert!(why.message.starts_with("expect.stdout_contains"), "{why}");
}

#[test]
fn result_becomes_result_json_in_place_with_its_comments() {
    let text = "code = \"x\"\n# what comes out\nexpect.result = 1 # one\nexpect.stdout = \"\"\n";
    let want = "code = \"x\"\n# what comes out\nexpect.result_json = \"null\" # one\nexpect.stdout = \"\"\n";
    assert_blessed(text, 0, ok(Data::Null, ""), want);
}

#[test]
fn quoting_style_is_kept() {
    let text = "code = \"x\"\nexpect.stdout = \"\"\"\nold\n\"\"\"\n";
    let want = "code = \"x\"\nexpect.stdout = \"\"\"\na \\\"q\\\"\nb\\\\c\n\"\"\"\n";
    assert_blessed(text, 0, ok(Data::Null, "a \"q\"\nb\\c\n"), want);
    let text = "code = \"x\"\nexpect.result = 'old'\n";
    let want = "code = \"x\"\nexpect.result = 'C:\\new'\n";
    assert_blessed(text, 0, ok(Data::Str("C:\\new".into()), ""), want);
}

#[test]
fn line_endings_and_byte_order_mark_are_kept() {
    let text = "\u{feff}# c\r\ncode = \"x\"\r\nexpect.stdout = '''\r\nold\r\n'''\r\n";
    let lf = text.replace("\r\n", "\n");
    let case = &cases(lf.trim_start_matches('\u{feff}'))[0];
    let (new, _) = bless_text(text, case, &ok(Data::Null, "a\nb\n")).unwrap();
    assert_eq!(
        new,
        "\u{feff}# c\r\ncode = \"x\"\r\nexpect.stdout = '''\r\na\r\nb\r\n'''\r\n"
    );
}

#[cfg(unix)]
#[test]
fn links_mode_and_the_real_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("s.mltest");
    std::fs::write(&real, "code = \"x\"\nexpect.result = 1\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.mltest");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let case = load(&link).remove(0);
    bless(&case, &result(&case, ok(Data::Int(2), ""))).unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        "code = \"x\"\nexpect.result = 2\n"
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let entries = std::fs::read_dir(&real_dir).unwrap().count();
    assert_eq!(entries, 1, "no temporary file left behind");
}
