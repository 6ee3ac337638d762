//! The three front ends agree. Over one tree of good and broken specs,
//! the real `cargo nextest`, the libtest binary that `cargo test` runs,
//! and `mlpy-test` list the same names (relative to the specs root,
//! whatever path is given) and give every test the same verdict. nextest
//! runs each listed name alone with `--exact`, so its run also shows that
//! every listed name, a broken spec's included, runs as exactly that test.
//!
//! Needs `cargo nextest` (CI installs it when missing).

mod nested;
mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::{stdout, write};

/// `DIR/specs/...`: passing, failing, ignored, skipped and broken specs
/// (`fixtures/cli/front-ends`), and a symbolic-link loop.
fn spec_tree() -> tempfile::TempDir {
    let tmp = support::fixture_copy("front-ends");
    #[cfg(unix)]
    std::os::unix::fs::symlink(".", tmp.path().join("specs/sub/loop")).unwrap();
    tmp
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.code().is_some(),
        "{cmd:?} was killed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn mlpy_test(args: &[&str]) -> Output {
    run(support::mlpy_test().args(args))
}

/// `cargo nextest ARGS --test specs` over `specs`.
fn nextest_command(specs: &Path, args: &[&str]) -> Command {
    let mut cmd = nested::cargo();
    cmd.arg("nextest")
        .args(args)
        .args(["--test", "specs"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("MLTEST_SPECS_DIR", specs)
        .env("NEXTEST_EXPERIMENTAL_LIBTEST_JSON", "1")
        .env_remove("NEXTEST_PROFILE")
        .env_remove("MLTEST_BLESS");
    cmd
}

fn cargo_nextest(specs: &Path, args: &[&str]) -> Output {
    let out = run(&mut nextest_command(specs, args));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("no such command"),
        "cargo-nextest is not installed (cargo install cargo-nextest --locked): {err}"
    );
    out
}

/// `name: test` lines → names.
fn listed(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// One verdict word per test, from JSON lines whose `name_key` names the
/// test and whose `status_key` says what happened.
fn verdicts(text: &str, strip: &str, status_key: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if v["type"] == "suite" || v["event"] == "started" || v["event"] == "finished" {
            continue;
        }
        let (Some(name), Some(status)) = (v["name"].as_str(), v[status_key].as_str()) else {
            continue;
        };
        let word = match status {
            "ok" | "passed" => "pass",
            "failed" => "fail",
            "ignored" | "skipped" => "not run",
            other => panic!("unknown status {other} in {line}"),
        };
        out.insert(
            name.strip_prefix(strip).unwrap_or(name).to_string(),
            word.to_string(),
        );
    }
    out
}

#[test]
fn names_and_verdicts_agree_across_front_ends() {
    let tmp = spec_tree();
    let specs: PathBuf = tmp.path().join("specs");
    let s = |p: &Path| p.to_str().unwrap().to_string();

    // mlpy-test names tests relative to the specs root, whatever the path.
    let names = listed(&stdout(&mlpy_test(&[&s(&specs), "--list"])));
    let expected = [
        "broken::badgrant",
        "broken::dup::<spec error>",
        "broken::nocode",
        "broken::noexpect",
        "broken::partial::fine",
        "broken::partial::no file",
        "broken::toml::<spec error>",
        "good",
        "sub::cases::passes",
        "sub::cases::fails",
        "sub::cases::ignored with a reason",
        "sub::cases::skipped",
        "sub::rows::0",
        "sub::rows::two",
    ];
    assert_eq!(names, expected, "the symlink loop lists nothing twice");
    let sub = listed(&stdout(&mlpy_test(&[&s(&specs.join("sub")), "--list"])));
    assert_eq!(sub, expected[8..]);
    let one = listed(&stdout(&mlpy_test(&[
        &s(&specs.join("sub/../sub/cases.mltest")),
        "--list",
    ])));
    assert_eq!(one, expected[8..12]);

    // nextest: the same names, the same ignored set, and the binary that
    // `cargo test` runs.
    let list = cargo_nextest(&specs, &["list", "--message-format", "json"]);
    let json: Value = serde_json::from_slice(&list.stdout).unwrap_or_else(|e| {
        panic!(
            "nextest list: {e}\n{}",
            String::from_utf8_lossy(&list.stderr)
        )
    });
    let suite = &json["rust-suites"]["mlpy-test::specs"];
    let cases = suite["testcases"].as_object().expect("testcases");
    let mut nextest_names: Vec<&str> = cases.keys().map(String::as_str).collect();
    let mut sorted = expected.to_vec();
    nextest_names.sort();
    sorted.sort();
    assert_eq!(nextest_names, sorted);
    let ignored: Vec<&str> = cases
        .iter()
        .filter(|(_, c)| c["ignored"] == true)
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(
        ignored,
        ["sub::cases::ignored with a reason", "sub::cases::skipped"]
    );
    let binary = suite["binary-path"].as_str().expect("binary-path");

    // The libtest binary lists exactly what mlpy-test lists.
    let libtest = |args: &[&str]| {
        run(Command::new(binary)
            .args(args)
            .env("MLTEST_SPECS_DIR", &specs))
    };
    assert_eq!(listed(&stdout(&libtest(&["--list"]))), expected);
    assert_eq!(
        listed(&stdout(&libtest(&["--list", "--ignored"]))),
        ["sub::cases::ignored with a reason", "sub::cases::skipped"]
    );

    // Verdicts: the same from all three.
    let mine = verdicts(
        &stdout(&mlpy_test(&[&s(&specs), "--format", "json"])),
        "",
        "status",
    );
    let cargo_test = verdicts(&stdout(&libtest(&["--format", "json"])), "", "event");
    let run = cargo_nextest(
        &specs,
        &["run", "--no-fail-fast", "--message-format", "libtest-json"],
    );
    let nextest = verdicts(&stdout(&run), "mlpy-test::specs$", "event");
    let fail = |n: &str| (n.to_string(), "fail".to_string());
    let pass = |n: &str| (n.to_string(), "pass".to_string());
    let not_run = |n: &str| (n.to_string(), "not run".to_string());
    let want: BTreeMap<String, String> = [
        fail("broken::badgrant"),
        fail("broken::dup::<spec error>"),
        fail("broken::nocode"),
        fail("broken::noexpect"),
        pass("broken::partial::fine"),
        fail("broken::partial::no file"),
        fail("broken::toml::<spec error>"),
        pass("good"),
        pass("sub::cases::passes"),
        fail("sub::cases::fails"),
        not_run("sub::cases::ignored with a reason"),
        not_run("sub::cases::skipped"),
        pass("sub::rows::0"),
        pass("sub::rows::two"),
    ]
    .into_iter()
    .collect();
    assert_eq!(mine, want, "mlpy-test");
    assert_eq!(cargo_test, want, "cargo test's binary");
    // Every listed name runs alone with --exact, with the same verdict.
    for (name, verdict) in &want {
        let one = verdicts(
            &stdout(&libtest(&["--exact", name, "--format", "json"])),
            "",
            "event",
        );
        assert_eq!(
            one,
            [(name.clone(), verdict.clone())].into_iter().collect(),
            "--exact {name}"
        );
    }
    assert_eq!(
        nextest,
        want,
        "nextest\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(run.status.code(), Some(100), "nextest fails the run");
}

/// `MLTEST_BLESS=1 cargo nextest run`: one process per test, all blessing
/// the same file at once; every case is blessed, none lost.
#[test]
fn bless_under_nextest_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = tmp.path().join("specs");
    let cases: String = (0..12)
        .map(|i| {
            format!(
                "# case {i}\n[[case]]\nname = \"c{i}\"\ncode = \"{i} * 2;\"\nexpect.result = {}  # wrong\n\n",
                i * 2 + 1
            )
        })
        .collect();
    write(tmp.path(), "specs/many.mltest", &cases);
    let nextest = |bless: bool| {
        let args = ["run", "--no-fail-fast", "--message-format", "libtest-json"];
        let mut cmd = nextest_command(&specs, &args);
        if bless {
            cmd.env("MLTEST_BLESS", "1").arg("--test-threads=12");
        }
        verdicts(&stdout(&run(&mut cmd)), "mlpy-test::specs$", "event")
    };
    let blessed = nextest(true);
    assert_eq!(blessed.len(), 12);
    assert!(blessed.values().all(|v| v == "pass"), "{blessed:?}");
    let text = std::fs::read_to_string(specs.join("many.mltest")).unwrap();
    for i in 0..12 {
        assert!(
            text.contains(&format!("# case {i}\n[[case]]\nname = \"c{i}\"\ncode = \"{i} * 2;\"\nexpect.result = {}  # wrong\n", i * 2)),
            "case {i} not blessed:\n{text}"
        );
    }
    let again = nextest(false);
    assert!(again.values().all(|v| v == "pass"), "{again:?}");
}
