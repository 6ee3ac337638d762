//! `mlpy-test` as a user runs it: selection, output, exit statuses, files.
//! Each test drives the built binary over specs in a temporary directory.

mod support;

use std::path::Path;
use std::process::Output;
use support::{assert_has, stderr as err, stdout as out};

/// A project directory with `specs/s.mltest`, one case of each outcome
/// (and more files in `specs/`).
fn project(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = support::project(&[("specs/s.mltest", support::OUTCOMES)]);
    for (name, text) in extra {
        support::write(dir.path(), &format!("specs/{name}"), text);
    }
    dir
}

/// `mlpy-test ARGS` in `dir` with `env` added to a clean environment.
fn mlpy_test(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    support::mlpy_test()
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// `mlpy-test ARGS` in `dir`, asserted to exit with `code` and to say
/// `message` on stderr.
#[track_caller]
fn exits_saying(dir: &Path, args: &[&str], code: i32, message: &str) -> Output {
    let o = mlpy_test(dir, args, &[]);
    assert_eq!(o.status.code(), Some(code), "{}", out(&o));
    assert_has(&err(&o), &[message]);
    o
}

#[test]
fn summary_reasons_plurals_and_escaped_output() {
    let p = project(&[]);
    let o = mlpy_test(p.path(), &[], &[]);
    let text = out(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("running 5 tests\n"), "{text}");
    assert_has(
        &text,
        &[
            "test s::ignored ... ignored, reason with <markup> & \"quotes\"",
            "test s::skipped ... skipped, needs a network",
            "test s::skipped without a reason ... skipped\n",
            "test result: FAILED. 1 passed, 1 failed, 1 ignored, 2 skipped in ",
        ],
    );
    // The program's escape sequence and carriage return are shown, not obeyed.
    assert!(!text.contains('\x1b') && !text.contains('\r'), "{text:?}");
    assert!(text.contains(r"\x1b[2J\rgone"), "{text}");
    let one = mlpy_test(p.path(), &["--filter", "passes"], &[]);
    assert!(
        out(&one).contains("running 1 test (4 filtered out)\n"),
        "{}",
        out(&one)
    );
}

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let p = project(&[]);
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        out(&mlpy_test(p.path(), args, env)).contains("\x1b[32mok\x1b[0m")
    };
    assert!(!coloured(&[], &[]), "a pipe gets no colour");
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]), "CI logs can ask");
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
}

#[test]
fn a_run_that_selects_nothing_is_not_a_pass() {
    let p = project(&[]);
    exits_saying(
        p.path(),
        &["--filter", "nothing matches"],
        4,
        "no tests to run (0 selected, 5 filtered out)",
    );
    // Only ignored and skipped tests selected: still nothing runs.
    let o = mlpy_test(p.path(), &["--filter", "ed"], &[]);
    assert_eq!(o.status.code(), Some(4), "{}", out(&o));
    let o = mlpy_test(
        p.path(),
        &["--filter", "nothing", "--no-tests", "warn"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(err(&o).contains("warning: no tests to run"));
    let o = mlpy_test(
        p.path(),
        &["--filter", "nothing", "--no-tests", "pass"],
        &[],
    );
    assert_eq!((o.status.code(), err(&o).as_str()), (Some(0), ""));
}

#[test]
fn exact_skip_ignored_and_partitions() {
    let p = project(&[]);
    let list = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["--list"];
        a.extend_from_slice(args);
        out(&mlpy_test(p.path(), &a, &[]))
            .lines()
            .map(|l| l.trim_end_matches(": test").to_string())
            .collect()
    };
    let passes = "s::passes <&\"'>";
    assert_eq!(list(&["--filter", passes, "--exact"]), [passes]);
    assert!(list(&["--filter", "s::passes", "--exact"]).is_empty());
    assert_eq!(list(&["--skip", "ed"]), [passes, "s::fails"]);
    assert_eq!(
        list(&["--ignored"]),
        ["s::ignored", "s::skipped", "s::skipped without a reason"]
    );
    let all = list(&[]);
    for kind in ["count", "hash"] {
        let mut shards: Vec<String> = (1..=3)
            .flat_map(|k| list(&["--partition", &format!("{kind}:{k}/3")]))
            .collect();
        shards.sort();
        let mut want = all.clone();
        want.sort();
        assert_eq!(shards, want, "{kind}: every test in exactly one shard");
    }
    let args = ["--partition", "count:4/3"];
    exits_saying(p.path(), &args, 2, "invalid partition 'count:4/3'");
}

#[test]
fn rerun_failed_runs_the_last_failures() {
    let p = project(&[]);
    exits_saying(
        p.path(),
        &["--rerun-failed"],
        2,
        "no previous run is recorded",
    );
    assert_eq!(mlpy_test(p.path(), &[], &[]).status.code(), Some(1));
    let o = mlpy_test(p.path(), &["--rerun-failed"], &[]);
    let text = out(&o);
    assert_has(
        &text,
        &[
            "running 1 test (4 filtered out)",
            "test s::fails ... FAILED",
        ],
    );
    // Fixed: the rerun passes, and then nothing is left to rerun.
    let spec = p.path().join("specs/s.mltest");
    let fixed = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("expect.stdout = \"kept\\n\"", "expect.result = 1");
    std::fs::write(&spec, fixed).unwrap();
    assert_eq!(
        mlpy_test(p.path(), &["--rerun-failed"], &[]).status.code(),
        Some(0)
    );
    assert_eq!(
        mlpy_test(p.path(), &["--rerun-failed"], &[]).status.code(),
        Some(4)
    );
}

#[test]
fn fail_fast_says_how_many_did_not_run() {
    let failing: String = (0..5)
        .map(|i| format!("[[case]]\nname = \"f{i}\"\ncode = \"1;\"\nexpect.result = 2\n"))
        .collect();
    let p = project(&[("f.mltest", &failing)]);
    let o = mlpy_test(
        p.path(),
        &["specs/f.mltest", "--fail-fast", "--jobs", "1"],
        &[],
    );
    let text = out(&o);
    assert_has(
        &text,
        &[
            "4 tests not run: --fail-fast stopped the run",
            "1 failed, 0 ignored, 4 not run in",
        ],
    );
}

#[test]
fn outputs_are_opened_before_the_run() {
    let p = project(&[]);
    let args = ["--junit", "no/such/dir/report.xml"];
    let o = exits_saying(p.path(), &args, 2, "cannot write no/such/dir/report.xml");
    assert_eq!(out(&o), "", "nothing ran");
}

#[test]
fn durations_like_humantime_and_slow_warnings() {
    let slow = "code = \"while (true) {}\"\ntimeout = \"700ms\"\nexpect.timeout = true\n";
    let p = project(&[("slow.mltest", slow)]);
    let o = mlpy_test(
        p.path(),
        &["specs/slow.mltest", "--slow-timeout", "200ms"],
        &[],
    );
    let text = out(&o);
    assert_has(
        &text,
        &[
            "SLOW [> 200.0 ms] slow",
            "SLOW [> 400.0 ms] slow",
            "test slow ... ok",
        ],
    );
    let o = mlpy_test(p.path(), &["--list", "--timeout", "1h2m"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    exits_saying(
        p.path(),
        &["--timeout", "1h2x"],
        2,
        "invalid duration '1h2x'",
    );
}

#[test]
fn github_actions_annotations() {
    let p = project(&[]);
    let o = mlpy_test(p.path(), &[], &[("GITHUB_ACTIONS", "true")]);
    let text = out(&o);
    let line = text
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.starts_with("::error file=specs/s.mltest,line=9,col=1,title=s%3A%3Afails::specs/s.mltest:9:1: case 'fails' failed%0A"),
        "{line}"
    );
    assert!(!mlpy_test(p.path(), &[], &[]).stdout.starts_with(b"::error"));
}

#[test]
fn spec_errors_show_the_line_and_a_caret() {
    let p = project(&[("bad.mltest", "code = \"1;\"\nexpect.reslt = 1\n")]);
    let o = mlpy_test(p.path(), &["specs/bad.mltest"], &[]);
    let text = out(&o);
    assert!(
        text.contains(
            "spec error: unknown key `reslt`, did you mean `result`?\n --> specs/bad.mltest:2:8\n  |\n2 | expect.reslt = 1\n  |        ^\n"
        ),
        "{text}"
    );
}
