//! The REPL driven through a real pseudo-terminal: line editing, Ctrl-C
//! during a loop and at the prompt, history recall (also across runs),
//! completion, and every dot command.

use expectrl::{ControlCode, Eof, Regex, Session};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

type Repl = Session;

fn spawn(cwd: &Path, data: &Path) -> Repl {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlpy-test"));
    cmd.arg("repl")
        .current_dir(cwd)
        .env("XDG_DATA_HOME", data)
        .env("HOME", data)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let mut p = Session::spawn(cmd).expect("spawn the REPL in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p.expect("ml> ").expect("prompt");
    p
}

/// Types a line (Enter is `\r` on a terminal) and waits for `expected`.
fn line(p: &mut Repl, text: &str, expected: &str) {
    p.send(format!("{text}\r")).unwrap();
    if let Err(e) = p.expect(expected) {
        panic!("after {text:?}: expected {expected:?}: {e}");
    }
}

/// Types `text` and Tab; waits until the line shows `completed`.
fn complete(p: &mut Repl, text: &str, completed: &str) {
    p.send(format!("{text}\t")).unwrap();
    if let Err(e) = p.expect(completed) {
        panic!("Tab after {text:?}: expected {completed:?}: {e}");
    }
}

/// Presses Ctrl-C until the running code reports that it was cancelled
/// (a press that lands before the code starts is ignored, so retry).
fn interrupt(p: &mut Repl) {
    p.set_expect_timeout(Some(Duration::from_millis(250)));
    let mut stopped = false;
    for _ in 0..80 {
        p.send(ControlCode::EndOfText).unwrap();
        if p.expect("cancelled (the session").is_ok() {
            stopped = true;
            break;
        }
    }
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    assert!(stopped, "Ctrl-C never stopped the running code");
}

fn prompt(p: &mut Repl) {
    p.expect("ml> ").expect("prompt");
}

#[test]
fn editing_interrupts_history_and_completion() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut p = spawn(dir.path(), &data);

    // A line ending in `}` gets its `;`; the grammar decides completeness.
    line(&mut p, r#"order = {"total": 5, "tax": 1}"#, "ml> ");
    line(&mut p, "function add(a, b) {", "");
    line(&mut p, "  return a + b;", "");
    line(&mut p, "}", "ml> ");

    // Ctrl-C stops a running loop; the session and its globals survive.
    p.send("while (true) { }\r").unwrap();
    interrupt(&mut p);
    prompt(&mut p);
    line(&mut p, "order.total + add(1, 1)", "=> 7");
    prompt(&mut p);

    // Ctrl-C at an empty prompt does not leave.
    p.send(ControlCode::EndOfText).unwrap();
    prompt(&mut p);
    line(&mut p, "1000 + 234", "=> 1234");

    // History recall: Up arrow, Enter.
    p.send("\x1b[A\r").unwrap();
    p.expect("=> 1234").expect("the recalled line ran again");
    prompt(&mut p);

    // Completion of a global, then of an object member, of a module
    // member and of a dot command (each Tab's result is echoed).
    complete(&mut p, "orde", "order");
    complete(&mut p, ".to", "order.total");
    p.send("\r").unwrap();
    p.expect("=> 5").expect("order.total completed");
    prompt(&mut p);
    line(&mut p, "import math", "ml> ");
    complete(&mut p, "math.fl", "math.floor");
    p.send("(2.5)\r").unwrap();
    p.expect("=> 2").expect("math.floor completed");
    prompt(&mut p);
    complete(&mut p, ".hist", ".history");
    p.send("\r").unwrap();
    p.expect(Regex(r"#1 +ok"))
        .expect(".history completed and ran");
    prompt(&mut p);

    // Editing: move left and insert.
    p.send("10 + 5\x1b[D\x1b[D\x1b[D\x1b[D0\r").unwrap();
    p.expect("=> 105").expect("inserted a digit in the middle");
    prompt(&mut p);

    p.send(ControlCode::EndOfTransmission).unwrap();
    p.expect(Eof).expect("Ctrl-D leaves");

    // The history persisted in the user's data directory.
    let history = std::fs::read_to_string(data.join("mlpy-test/repl_history")).unwrap();
    assert!(history.contains("1000 + 234"), "{history}");
    assert!(history.trim_end().ends_with("100 + 5"), "{history}");
    let mut p = spawn(dir.path(), &data);
    p.send("\x1b[A\r").unwrap();
    p.expect("=> 105").expect("history of the previous run");
    p.send(ControlCode::EndOfTransmission).unwrap();
    p.expect(Eof).unwrap();
}

#[test]
fn every_dot_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::write(dir.path().join("greet.ml"), "function hi() { return 1; }\n").unwrap();
    let mut p = spawn(dir.path(), &data);

    line(&mut p, ".help", ".reload MODULE");
    prompt(&mut p);
    line(&mut p, "o = {\"a\": [1, 2]}", "ml> ");
    line(&mut p, ".vars", r#"o = {"a":[1,2]}"#);
    line(&mut p, ".inspect o", "a: array, 2 items");
    line(&mut p, "function twice(x) { return x * 2; }", "ml> ");
    line(
        &mut p,
        ".inspect twice",
        "function twice(x) defined at <repl:2>:1:1",
    );
    line(&mut p, ".inspect", "usage: .inspect NAME");
    line(&mut p, ".history", "#2 ");
    // Capabilities and the trace of a denied check.
    line(&mut p, ".caps", "no capabilities granted");
    line(&mut p, ".grant", "usage: .grant CAP");
    line(&mut p, ".grant env:read:HOME", "granted env:read:HOME");
    line(&mut p, ".caps", "env:read:HOME");
    line(
        &mut p,
        "import env; try { env.get(\"PATH\"); } except (e) { }",
        "violation: env:read on PATH",
    );
    line(&mut p, ".trace", "capability env:read PATH DENIED");
    p.expect("error CapabilityViolation").unwrap();
    line(&mut p, ".trace 1", "execution #1");
    line(&mut p, ".trace 99", "no execution #99");
    line(&mut p, ".revoke env:read:HOME", "revoked env:read:HOME");
    line(&mut p, ".revoke", "usage: .revoke CAP");
    // Callbacks.
    line(&mut p, ".callback twice", "callback twice registered");
    line(&mut p, ".callbacks", "function twice(x)");
    line(&mut p, ".call twice [21]", "=> 42");
    line(&mut p, ".trace", "callback twice(21) => 42");
    line(&mut p, ".call", "usage: .call NAME");
    line(&mut p, ".callback nope", "function 'nope' is not defined");
    // Background executions: id at once, await, cancel, Ctrl-C.
    line(&mut p, ".async 6 * 7", "started in the background (.await");
    line(&mut p, ".await", "=> 42");
    p.send(".async while (true) { }\r").unwrap();
    let started = p.expect(Regex(r"\.cancel (\d+)\)")).unwrap();
    let id = String::from_utf8_lossy(&started[1]).to_string();
    prompt(&mut p);
    line(&mut p, ".history", "running");
    line(&mut p, ".cancel", "usage: .cancel ID");
    line(
        &mut p,
        &format!(".cancel {id}"),
        &format!("cancelling #{id}"),
    );
    line(&mut p, &format!(".await {id}"), "cancelled");
    line(&mut p, &format!(".cancel {id}"), "has already finished");
    line(&mut p, ".async -t 200ms while (true) { }", "started");
    line(&mut p, ".await", "timed out");
    line(&mut p, ".async -t soon 1", "invalid duration");
    line(&mut p, ".async", "usage: .async [-t DURATION] CODE");
    line(&mut p, ".await 999", "no execution #999");
    // Ctrl-C stops what .await waits for.
    line(&mut p, ".async while (true) { }", "started");
    p.send(".await\r").unwrap();
    interrupt(&mut p);
    prompt(&mut p);
    // Benchmark.
    line(&mut p, ".benchmark -n 5 twice(2)", "5 runs: 5 ok, 0 failed");
    line(&mut p, ".benchmark -n x 1", "-n needs a positive number");
    line(&mut p, ".benchmark", "usage: .benchmark");
    // Modules: list and reload from disk.
    line(&mut p, "import greet", "ml> ");
    line(&mut p, "greet.hi()", "=> 1");
    line(&mut p, ".modules", "greet");
    std::fs::write(dir.path().join("greet.ml"), "function hi() { return 2; }\n").unwrap();
    line(&mut p, ".reload greet", "reloaded greet");
    line(&mut p, "greet.hi()", "=> 2");
    line(&mut p, ".reload env", "standard module");
    line(&mut p, ".reload nothing", "is not loaded");
    line(&mut p, ".reload", "usage: .reload MODULE");
    line(&mut p, ".test", "usage: .test NAME");
    line(&mut p, ".bogus", "unknown command .bogus");
    line(&mut p, ".quit", "");
    p.expect(Eof).expect(".quit leaves");
}

#[test]
fn test_command_runs_project_specs_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn(Path::new(env!("CARGO_MANIFEST_DIR")), dir.path());
    line(&mut p, ".test 21_bench", "21_bench");
    p.expect("2 passed, 0 failed").unwrap();
    prompt(&mut p);
    p.send(ControlCode::EndOfTransmission).unwrap();
    p.expect(Eof).unwrap();
}
