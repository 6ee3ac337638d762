//! `run`, `validate` and `exec` as documented, through the built binary.

mod support;

use std::process::Output;
use support::{assert_has, stderr, stdout};

/// `mlpy-test ARGS` with `stdin` on its standard input.
fn mlpy_test(args: &[&str], stdin: &str) -> Output {
    support::with_stdin(support::mlpy_test().args(args), stdin.as_bytes())
}

#[test]
fn run_passes_arguments_after_the_double_dash_and_reads_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let prog = dir.path().join("p.ml");
    std::fs::write(&prog, "import args;\nprint(args.rest());\n").unwrap();
    let p = prog.to_str().unwrap();
    let o = mlpy_test(
        &["run", p, "--grant", "args:read", "--", "a", "b c", "--flag"],
        "",
    );
    assert_eq!(stdout(&o), "['a', 'b c', '--flag']\n", "{}", stderr(&o));
    let o = mlpy_test(&["run", "-", "--json"], "print(\"hi\"); 6 * 7;");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["result"], 42);
    assert_eq!(report["stdout"], "hi\n");
}

#[test]
fn a_timeout_points_at_the_running_loop() {
    let o = mlpy_test(
        &["run", "-", "--timeout", "100ms"],
        "x = 0;\ny = 1;\nwhile (true) {\n  x = x + 1;\n}\n",
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("Timeout: "), "{err}");
    assert_has(&err, &["--> <stdin>:3:1"]);
}

#[test]
fn validate_compiles_spec_code_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.mltest"), "code = \"x = (;\"\nexpect.result = 1\n").unwrap();
    std::fs::write(
        d.join("b.mltest"),
        "[[case]]\nname = \"rows\"\ncode = \"\"\"\nx = 1;\ny = x +;\n\"\"\"\neach = [{ result = 1 }, { result = 2 }]\n\n[[case]]\nname = \"expects it\"\ncode = \"x = (;\"\nexpect.error = \"SyntaxError\"\n",
    )
    .unwrap();
    std::fs::write(d.join("ok.mltest"), "code = \"1;\"\nexpect.result = 1\n").unwrap();
    let o = mlpy_test(&["validate", d.to_str().unwrap()], "");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("SyntaxError: expected an expression, found `;`\n --> ")
            && out.contains("a.mltest:1:14\n  |\n1 | code = \"x = (;\"\n  |              ^\n"),
        "{out}"
    );
    assert!(out.contains("b.mltest:5:8\n"), "{out}");
    assert_eq!(
        out.matches("b.mltest:5:8").count(),
        1,
        "once for both rows: {out}"
    );
    assert!(out.ends_with("3 files checked, 2 with errors\n"), "{out}");
}

#[test]
fn exec_fields_are_optional_timings_real_and_bad_requests_answered() {
    let o = mlpy_test(
        &["exec"],
        r#"{"code": "s = 0; for (i in range(20000)) { s = s + i; } s;"}"#,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["value"], 199990000);
    assert!(v["timings"]["run"].as_u64().unwrap() > 0, "{v}");
    assert!(v["timings"]["total"].as_u64().unwrap() >= v["timings"]["run"].as_u64().unwrap());
    let o = mlpy_test(&["exec"], r#"{"grants": []}"#);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "error");
    assert_eq!(v["error"]["kind"], "RequestError");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("missing field `code`"),
        "{v}"
    );
}

/// `--memory` on every command that runs code: `run`, the spec runner
/// (the budget of cases that set none; a case's own `memory` wins),
/// `bench` and the REPL. 48 MB of array passes the default 1 GiB budget
/// and fails a 16 MiB one.
#[test]
fn memory_budgets_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let big = "a = [0] * 3000000; len(a);";
    let prog = dir.path().join("big.ml");
    std::fs::write(&prog, big).unwrap();
    let prog = prog.to_str().unwrap();

    let o = mlpy_test(&["run", prog], "");
    assert_eq!(stdout(&o), "3000000\n", "{}", stderr(&o));
    let o = mlpy_test(&["run", prog, "--memory", "16MiB"], "");
    assert!(stderr(&o).contains("MemoryError"), "{}", stderr(&o));

    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    std::fs::write(
        specs.join("m.mltest"),
        format!(
            "[[case]]\nname = \"default budget\"\ncode = \"{big}\"\nexpect.result = 3000000\n\n\
             [[case]]\nname = \"own budget\"\nmemory = \"1GiB\"\ncode = \"{big}\"\nexpect.result = 3000000\n"
        ),
    )
    .unwrap();
    let specs = specs.to_str().unwrap();
    let o = mlpy_test(&[specs, "--format", "terse"], "");
    assert!(o.status.success(), "{}", stdout(&o));
    let o = mlpy_test(&[specs, "--memory", "16MiB", "--format", "terse"], "");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert_has(&out, &["1 passed, 1 failed"]);
    assert!(
        out.contains("default budget") && out.contains("MemoryError"),
        "{out}"
    );

    let bench = ["bench", prog, "--iterations", "2", "--warmup", "0"];
    let o = mlpy_test(&bench, "");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = mlpy_test(&[&bench[..], &["--memory", "16MiB"]].concat(), "");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("MemoryError"), "{}", stdout(&o));

    let o = mlpy_test(&["repl", "--memory", "16MiB"], &format!("{big}\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        format!("{}{}", stdout(&o), stderr(&o)).contains("MemoryError"),
        "{}",
        stdout(&o)
    );
    let o = mlpy_test(&["repl"], &format!("{big}\n"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("3000000"), "{}", stdout(&o));
}
