//! The `mlpy-test` command against hostile inputs and readers: special
//! files as programs, oversized requests, and a reader that goes away.

mod support;

use std::io::Write;
use std::process::Command;
use support::{assert_has, mlpy_test as mlpy, spawn_piped};

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("mlpy-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

#[cfg(unix)]
#[test]
fn special_files_are_not_read_as_programs() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("prog.ml");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for path in [fifo.to_str().unwrap(), "/dev/zero", "/dev/urandom", "/"] {
        let out = mlpy().args(["run", path]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {err}");
        assert!(err.contains("not a regular file"), "{path}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn oversized_exec_requests_are_refused() {
    let mut child = spawn_piped(mlpy().arg("exec"));
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..40 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_has(&err, &["larger than"]);
}

/// `mlpy-test run x.ml --json | head -c 10`, `exec`, `validate` and `repl` into a
/// pipe whose reader has gone: a quiet stop, no panic, no status 101.
#[test]
fn a_closed_pipe_stops_output_quietly() {
    let dir = temp_dir("pipe");
    let prog = dir.join("big.ml");
    std::fs::write(
        &prog,
        "s = \"x\" * 1000000; i = 0; while (i < 5) { print(s); i = i + 1; }",
    )
    .unwrap();
    let prog = prog.to_str().unwrap().to_string();
    let runs: Vec<(Vec<&str>, Option<&str>)> = vec![
        (vec!["run", &prog, "--json"], None),
        (vec!["run", &prog], None),
        (
            vec!["exec"],
            Some(r#"{"code": "s = \"x\" * 1000000; result = s;"}"#),
        ),
        (vec!["validate"], None),
        (vec!["repl"], Some("1 + 1\nprint(\"x\" * 100000)\n.help\n")),
    ];
    for (args, input) in runs {
        let mut child = spawn_piped(mlpy().args(&args));
        // The reader goes away before anything is written.
        drop(child.stdout.take());
        if let Some(text) = input {
            let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
        } else {
            drop(child.stdin.take());
        }
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `mlpy-test ARGS` with its stdout's reader gone before anything is
/// written; returns the exit status and stderr. A command that keeps
/// running (into the hour-long timeouts below) is killed after a minute
/// and fails the test: a closed pipe must end it, not its deadline.
fn with_reader_gone(args: &[&str], input: &str) -> (Option<i32>, String) {
    let mut child = spawn_piped(mlpy().args(args));
    drop(child.stdout.take());
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let pid = child.id();
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if wait
            .recv_timeout(std::time::Duration::from_secs(60))
            .is_err()
        {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            return true;
        }
        false
    });
    let out = child.wait_with_output().unwrap();
    let _ = done.send(());
    assert!(
        !watchdog.join().unwrap(),
        "{args:?} kept running after its reader had gone"
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Every command whose reader goes away stops at once and quietly: status
/// 0, nothing on stderr. A program printing in an endless loop ends at its
/// next output (not at its hour-long deadline); the spec runner stops in
/// the middle of a suite whose second case would run for an hour.
#[test]
fn every_command_stops_at_once_when_its_reader_goes() {
    let dir = temp_dir("reader");
    let prog = dir.join("loop.ml");
    std::fs::write(&prog, "while (true) { print(\"x\"); }").unwrap();
    let prog = prog.to_str().unwrap().to_string();
    let specs = dir.join("specs");
    std::fs::create_dir_all(&specs).unwrap();
    std::fs::write(
        specs.join("a.mltest"),
        "[[case]]\nname = \"quick\"\ncode = \"1;\"\nexpect.result = 1\n\n\
         [[case]]\nname = \"endless\"\ntimeout = \"1h\"\ncode = \"while (true) {}\"\n\
         expect.result = 1\n",
    )
    .unwrap();
    let specs = specs.to_str().unwrap().to_string();
    let bench = dir.join("b.ml");
    std::fs::write(&bench, "x = 1;").unwrap();
    let bench = bench.to_str().unwrap().to_string();
    let runs: Vec<(Vec<&str>, &str)> = vec![
        (vec!["run", &prog, "--timeout", "1h"], ""),
        (
            vec!["run", "-", "--timeout", "1h"],
            "import console; while (true) { console.log(1); }",
        ),
        (vec![&specs, "-j", "1"], ""),
        (vec![&specs, "-j", "1", "--format", "terse"], ""),
        (vec![&specs, "-j", "1", "--format", "json"], ""),
        // JUnit is written whole at the end: a quiet stop then.
        (vec![&specs, "--format", "junit", "--filter", "quick"], ""),
        (vec![&specs, "--list"], ""),
        (
            vec!["bench", &bench, "--iterations", "3", "--warmup", "0"],
            "",
        ),
        (vec!["validate"], ""),
        (vec!["validate", &specs], ""),
        (vec!["repl"], "while (true) { print(1); }\n"),
    ];
    for (args, input) in runs {
        let (status, err) = with_reader_gone(&args, input);
        assert_eq!(status, Some(0), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Hostile programs under a 3 GiB address-space limit (`ulimit -v`): each
/// ends in a clean error (a MemoryError or a timeout in the JSON report),
/// never an abort. Slow in debug builds: `.ci/run` runs it with
/// `--ignored`.
#[cfg(unix)]
#[test]
#[ignore]
fn hostile_programs_end_cleanly_under_ulimit() {
    let dir = temp_dir("ulimit");
    let programs = [
        ("output", "s = \"x\" * 33554432; while (true) { print(s); }"),
        (
            "append",
            "a = []; while (true) { a.append(\"x\" * 1000000 + str(len(a))); }",
        ),
        (
            "ranges",
            "a = []; while (true) { a.append(range(30000000)); }",
        ),
        (
            "repeat",
            "a = []; while (true) { a.append([0] * 33554432); }",
        ),
        (
            "doubling",
            "s = \"ab\"; a = []; while (true) { s = s + s; a.append(s); }",
        ),
        (
            "objects",
            "o = {}; i = 0; while (true) { o[str(i)] = [i, i, i]; i = i + 1; }",
        ),
        (
            "shared",
            "a = [1]; i = 0; while (i < 60) { a = [a, a]; i = i + 1; } print(a);",
        ),
        ("json", "import json; json.parse(\"1\" * 1000000);"),
        (
            "result",
            "a = [1]; i = 0; while (i < 60) { a = [a, a]; i = i + 1; } result = a;",
        ),
        (
            "split",
            "s = \"a,\" * 16000000; a = []; while (true) { a.append(s.split(\",\")); }",
        ),
    ];
    for (name, src) in programs {
        let prog = dir.join(format!("{name}.ml"));
        std::fs::write(&prog, src).unwrap();
        let cmd = format!(
            "ulimit -v 3145728; exec '{}' run '{}' --json --timeout 20s",
            env!("CARGO_BIN_EXE_mlpy-test"),
            prog.display()
        );
        let out = Command::new("bash").args(["-c", &cmd]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        assert!(
            code == Some(0) || code == Some(1),
            "{name}: status {:?}\nstderr: {stderr}",
            out.status
        );
        let report: serde_json::Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("{name}: no JSON report ({e}): {stdout:.300}\n{stderr}"));
        let status = report["status"].as_str().unwrap_or("");
        let kind = report["error"]["kind"].as_str().unwrap_or("");
        assert!(
            (status == "error" && ["MemoryError", "ValueError", "OverflowError"].contains(&kind))
                || status == "timeout"
                || (status == "ok" && name == "result"),
            "{name}: {status} {kind}: {:.300}",
            report["error"]
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
