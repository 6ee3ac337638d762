//! On a real terminal (a pseudo-terminal), `mlpy-test` shows a live
//! progress line naming the tests that are running, and SLOW warnings
//! while a test runs long; the final output is the normal report.

use expectrl::{Eof, Regex, Session};
use std::process::Command;
use std::time::Duration;

#[test]
fn the_progress_line_names_the_running_tests() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("specs")).unwrap();
    let slow = |name: &str| {
        format!(
            "[[case]]\nname = \"{name}\"\ncode = \"while (true) {{}}\"\ntimeout = \"900ms\"\nexpect.timeout = true\n\n"
        )
    };
    std::fs::write(
        dir.path().join("specs/slow.mltest"),
        slow("first loop") + &slow("second loop"),
    )
    .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlpy-test"));
    cmd.args(["--jobs", "2", "--slow-timeout", "300ms"])
        .current_dir(dir.path())
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(60)));
    p.expect("running 2 tests").expect("the header");
    // indicatif redraws the line; both loops run at once, named in the
    // order they started (two workers race to start them).
    p.expect(Regex(
        "running slow::(first loop, slow::second|second loop, slow::first) loop",
    ))
    .expect("the progress line names the running tests");
    p.expect("SLOW [> 300.0 ms]").expect("a slow warning");
    p.expect("test slow::").expect("a test's line");
    p.expect("test result: ").expect("the summary");
    p.expect("2 passed, 0 failed, 0 ignored in")
        .expect("both loops timed out as expected");
    p.expect(Eof).expect("the end of the run");
}
