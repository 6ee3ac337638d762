//! The REPL driven through a real pseudo-terminal: line editing, Ctrl-C
//! during a loop and at the prompt, history recall (also across runs),
//! completion, and every dot command; and over piped input.
//!
//! Like a person, the tests wait for the prompt before typing the next
//! line: a Ctrl-C makes the terminal discard input typed ahead. Timeouts
//! are generous (a loaded machine is slow), and nothing sleeps.

use expectrl::{ControlCode, Eof, Regex, Session};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

type Repl = Session;

/// How long any one expected output may take (CI machines can be loaded).
const PATIENCE: Duration = Duration::from_secs(120);

/// What the line editor prints when it hands a line over (it turns
/// bracketed paste off after leaving raw mode): from here on Ctrl-C is a
/// signal for the code that line runs.
const ACCEPTED: &str = "\x1b[?2004l";

fn spawn(cwd: &Path, data: &Path) -> Repl {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlpy-test"));
    cmd.arg("repl")
        .current_dir(cwd)
        .env("XDG_DATA_HOME", data)
        .env("HOME", data)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let mut p = Session::spawn(cmd).expect("spawn the REPL in a pty");
    p.set_expect_timeout(Some(PATIENCE));
    p.expect("ml> ").expect("prompt");
    p
}

/// Types a line (Enter is `\r` on a terminal), waits for `expected` and
/// then for the next prompt.
fn line(p: &mut Repl, text: &str, expected: &str) {
    p.send(format!("{text}\r")).unwrap();
    if let Err(e) = p.expect(expected) {
        panic!("after {text:?}: expected {expected:?}: {e}");
    }
    prompt(p);
}

/// Types one line of a statement that continues on the next line.
fn more(p: &mut Repl, text: &str) {
    p.send(format!("{text}\r")).unwrap();
}

/// Types `text` and Tab; waits until the line shows `completed`.
fn complete(p: &mut Repl, text: &str, completed: &str) {
    p.send(format!("{text}\t")).unwrap();
    if let Err(e) = p.expect(completed) {
        panic!("Tab after {text:?}: expected {completed:?}: {e}");
    }
}

/// Types a line that runs forever and presses Ctrl-C once, as soon as
/// the editor has handed the line over (before or while the code runs:
/// either way that one press must stop it).
fn run_and_interrupt(p: &mut Repl, text: &str) {
    p.send(format!("{text}\r")).unwrap();
    p.expect(ACCEPTED).expect("the editor accepts the line");
    p.send(ControlCode::EndOfText).unwrap();
    if let Err(e) = p.expect("cancelled (the session") {
        panic!("one Ctrl-C after {text:?} did not stop it: {e}");
    }
    prompt(p);
}

/// Types `keys` (Ctrl-D, or `.quit` and Enter) and waits for the REPL to
/// end.
#[track_caller]
fn leave(p: &mut Repl, keys: impl AsRef<[u8]>) {
    p.send(keys).unwrap();
    p.expect(Eof).expect("the REPL ends");
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
    line(&mut p, r#"order = {"total": 5, "tax": 1}"#, ACCEPTED);
    more(&mut p, "function add(a, b) {");
    more(&mut p, "  return a + b;");
    line(&mut p, "}", ACCEPTED);

    // Ctrl-C stops a running loop; the session and its globals survive.
    run_and_interrupt(&mut p, "while (true) { }");
    // Also when pressed while it runs.
    p.send("print(\"loop\" + \"ing\"); while (true) { }\r")
        .unwrap();
    p.expect("looping").unwrap();
    p.send(ControlCode::EndOfText).unwrap();
    p.expect("cancelled (the session")
        .expect("Ctrl-C while code runs");
    prompt(&mut p);
    line(&mut p, "order.total + add(1, 1)", "=> 7");

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
    line(&mut p, "import math", ACCEPTED);
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

    leave(&mut p, ControlCode::EndOfTransmission);

    // The history persisted in the user's data directory.
    let history = std::fs::read_to_string(data.join("mlpy-test/repl_history")).unwrap();
    assert!(history.contains("1000 + 234"), "{history}");
    assert!(history.trim_end().ends_with("100 + 5"), "{history}");
    let mut p = spawn(dir.path(), &data);
    p.send("\x1b[A\r").unwrap();
    p.expect("=> 105").expect("history of the previous run");
    // Ctrl-D only once the editor reads again: one typed while the line
    // runs is discarded when the editor takes the terminal back.
    prompt(&mut p);
    leave(&mut p, ControlCode::EndOfTransmission);
}

#[test]
fn every_dot_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::write(dir.path().join("greet.ml"), "function hi() { return 1; }\n").unwrap();
    let mut p = spawn(dir.path(), &data);

    line(&mut p, ".help", ".reload MODULE");
    line(&mut p, "o = {\"a\": [1, 2]}", ACCEPTED);
    line(&mut p, ".vars", r#"o = {"a":[1,2]}"#);
    line(&mut p, ".inspect o", "a: array, 2 items");
    line(&mut p, "function twice(x) { return x * 2; }", ACCEPTED);
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
    p.send(".trace\r").unwrap();
    p.expect("capability env:read PATH DENIED").unwrap();
    p.expect("error CapabilityViolation").unwrap();
    prompt(&mut p);
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
    run_and_interrupt(&mut p, ".await");
    // Benchmark.
    line(&mut p, ".benchmark -n 5 twice(2)", "5 runs: 5 ok, 0 failed");
    line(&mut p, ".benchmark -n x 1", "-n needs a positive number");
    line(&mut p, ".benchmark", "usage: .benchmark");
    // Modules: list and reload from disk.
    line(&mut p, "import greet", ACCEPTED);
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
    leave(&mut p, ".quit\r");
}

#[test]
fn test_command_runs_project_specs_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn(Path::new(env!("CARGO_MANIFEST_DIR")), dir.path());
    line(&mut p, ".test 21_bench", "2 passed, 0 failed");
    leave(&mut p, ControlCode::EndOfTransmission);
}

/// Piped input: no prompt; statements continue over lines; input that
/// ends inside a statement is an error at the place it ended, and the
/// exit status says something failed.
#[test]
fn piped_input() {
    use std::io::Write;
    use std::process::Stdio;
    let run = |input: &[u8]| {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_mlpy-test"))
            .arg("repl")
            .current_dir(dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .env("HOME", dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        // Piped input never goes into the user's history.
        assert!(!dir.path().join("mlpy-test/repl_history").exists());
        (out.status.code(), text)
    };

    let (code, out) = run(b"x = [1,\n  2]\nfunction f(a) {\n  return a * 10;\n}\nf(x[1])\n.vars\n");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("=> 20"), "{out}");
    assert!(out.contains("x = [1,2]"), "{out}");
    assert!(!out.contains("ml> "), "{out}");

    let (code, out) = run(b"y = 1\nfunction g(a) {\n  return a +\n");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("end of file"), "{out}");
    assert!(out.contains("<stdin>:3:"), "{out}");

    let (code, out) = run(b"s = \"abc\n");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("unterminated string"), "{out}");
    assert!(out.contains("<stdin>:1:5"), "{out}");

    // Every statement still runs after a failing one; the status says so.
    let (code, out) = run(b"z = [1][5]\n\"after\"\n");
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("IndexError") && out.contains("<stdin>:1:"),
        "{out}"
    );
    assert!(out.contains("=> \"after\""), "{out}");

    let (code, out) = run(b"1 + 1\n\xff\n");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("=> 2"), "{out}");
    assert!(out.contains("<stdin>:2: the input is not UTF-8"), "{out}");
}
