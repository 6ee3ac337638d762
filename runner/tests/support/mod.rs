//! What the runner's end-to-end tests share: the built `mlpy-test` with a
//! clean environment, a child with piped streams, its output as text, and
//! a project directory of spec files.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// A spec with one case of each outcome (passes, fails, ignored, skipped
/// with and without a reason) whose name, output and reason the reporters
/// must escape.
pub const OUTCOMES: &str = include_str!("../../../fixtures/cli/outcomes.mltest");

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_mlpy-test");

/// `mlpy-test` without the caller's colour, CI and mlpy variables, which
/// would change what it prints or which backend it finds.
pub fn mlpy_test() -> Command {
    let mut cmd = Command::new(BIN);
    for var in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "CLICOLOR",
        "GITHUB_ACTIONS",
        "MLPY_PATH",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// `mlpy-test ARGS` run to its end in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    mlpy_test()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("mlpy-test runs")
}

/// `cmd` started with stdin, stdout and stderr piped.
pub fn spawn_piped(cmd: &mut Command) -> Child {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts")
}

/// `cmd` run to its end with `input` on its stdin.
pub fn with_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = spawn_piped(cmd);
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input)
        .expect("stdin written");
    child.wait_with_output().expect("the command ends")
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Stdout followed by stderr, as text.
pub fn text(o: &Output) -> String {
    stdout(o) + &stderr(o)
}

/// Writes `text` to `dir/rel`, creating the folders on the way.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("a file path has a parent"))
        .expect("folders created");
    std::fs::write(path, text).expect("file written");
}

/// A temporary directory holding `files` (paths relative to it).
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    dir
}

/// A temporary copy of the project `fixtures/cli/NAME`.
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cli")
        .join(name);
    copy_tree(&from, dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder created");
    for entry in std::fs::read_dir(from).expect("fixture folder read") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("fixture copied");
        }
    }
}

/// Asserts that `text` holds each of `parts`, showing `text` when one is
/// missing.
#[track_caller]
pub fn assert_has(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} is missing from:\n{text}");
    }
}
