//! `mlpy-test --backend` and `--compare` through the binary, against the
//! native runtime served over the process protocol (`mlpy-test exec`) and
//! against scripted backends that differ, lack features or are missing.

mod support;

use std::path::Path;
use support::{assert_has, fixture_copy, mlpy_test, run_in, text, BIN};

/// A spec tree (`fixtures/cli/backends`) with a plain case, a case needing
/// a mocked file, and a case documenting a difference on the backend named
/// `toy`.
fn specs() -> tempfile::TempDir {
    fixture_copy("backends")
}

/// `process:` with this binary's own `exec`.
fn native_process() -> String {
    format!("process:{BIN} exec")
}

/// A backend that answers every run with the value 99 and prints "toy";
/// it declares only `globals` (so file cases are skipped on it).
fn toy() -> String {
    let script = r#"read -r l
printf '%s\n' '{"type":"hello","protocol":1,"implementation":{"name":"toy","version":"0.1"},"features":["globals"],"unsupported":{"files":"no file system"}}'
while read -r l; do
  id=${l#*\"id\":}
  id=${id%%,*}
  printf '{"type":"outcome","id":%s,"status":"ok","value":99,"stdout":"toy\\n"}\n' "$id"
done"#;
    format!("process:sh -c '{}'", script.replace('\'', r"'\''"))
}

#[test]
fn the_examples_pass_on_the_native_runtime_over_the_process_protocol() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run_in(repo, &["specs/examples", "--backend", &native_process()]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert_has(&out, &["mlpy-test: backend mlpy-test", " 0 failed"]);
}

#[test]
fn compare_of_two_agreeing_backends() {
    let dir = specs();
    let o = run_in(
        dir.path(),
        &["--compare", &format!("native,{}", native_process())],
    );
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert_has(
        &out,
        &["comparison: native vs mlpy-test: 3 agree, 0 differ, 0 could not run on both"],
    );
}

#[test]
fn a_difference_fails_with_both_sides_named() {
    let dir = specs();
    let o = run_in(dir.path(), &["--compare", &format!("native,{}", toy())]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    // The differing case, side by side under the backends' names.
    assert_has(&out, &["native and toy differ"]);
    assert!(
        out.contains("value differs:\n    native   toy\n    42     | 99"),
        "{out}"
    );
    assert!(
        out.contains("stdout differs:\n    native   toy\n    sum    | toy"),
        "{out}"
    );
    // The toy lacks files: the file case could not run, and is not a pass.
    assert_has(
        &out,
        &[
            "basics::reads a mocked file ... skipped, backend 'toy' does not support files (no file system)",
        ],
    );
    // The documented difference passes and says so.
    assert_has(
        &out,
        &[
            "test basics::documented ... ok",
            "comparison: native vs toy: 0 agree, 2 differ, 1 could not run on both; 1 documented differences",
            "1 passed, 1 failed",
        ],
    );
}

#[test]
fn json_and_junit_carry_the_comparison() {
    let dir = specs();
    let junit = dir.path().join("report.xml");
    let o = run_in(
        dir.path(),
        &[
            "--compare",
            &format!("native,{}", toy()),
            "--format",
            "json",
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let adds = events
        .iter()
        .find(|e| e["name"] == "basics::adds")
        .expect("the case event");
    let c = &adds["comparison"];
    assert_eq!(c["backends"], serde_json::json!(["native", "toy"]));
    assert_eq!(c["agreement"], "differ");
    assert_eq!(c["differences"][0]["field"], "value");
    assert_eq!(c["differences"][0]["left"], "42");
    assert_eq!(c["differences"][0]["right"], "99");
    let finished = events.last().unwrap();
    assert_eq!(finished["comparison"]["differ"], 2);
    assert_eq!(finished["comparison"]["could_not_run"], 1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_has(
        &xml,
        &[
            r#"<property name="agree" value="0"/>"#,
            r#"<property name="agreement" value="differ"/>"#,
            r#"<property name="value on toy" value="99"/>"#,
        ],
    );
}

#[test]
fn a_documented_difference_that_went_away_fails() {
    let dir = specs();
    // Against itself the documented case agrees: the entry is stale.
    std::fs::write(
        dir.path().join("specs/basics.mltest"),
        "differs_on.mlpy-test = \"said to differ\"\ncode = '1;'\nexpect.result = 1\n",
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &["--compare", &format!("native,{}", native_process())],
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert_has(
        &out,
        &["listed as differing on mlpy-test", "remove the entry"],
    );
}

#[test]
fn one_backend_skips_what_it_cannot_honour_and_knows_its_differences() {
    let dir = specs();
    let o = run_in(dir.path(), &["--backend", &toy()]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert_has(&out, &["mlpy-test: backend toy 0.1 (cases needing"]);
    assert!(
        out.contains(
            "basics::documented ... known difference, differs_on.toy: toy answers 99 to everything"
        ),
        "{out}"
    );
    assert_has(
        &out,
        &["0 passed, 1 failed, 0 ignored, 1 skipped, 1 known differences"],
    );
}

#[test]
fn a_missing_mlpy_says_how_to_set_it_up() {
    let dir = specs();
    let o = run_in(dir.path(), &["--backend", "mlpy"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert_has(&out, &["MLPY_PATH is not set", "pip install lark"]);
    let o = mlpy_test()
        .args(["--backend", "mlpy"])
        .current_dir(dir.path())
        .env("MLPY_PATH", dir.path())
        .output()
        .unwrap();
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert_has(&out, &["does not hold the mlpy package"]);
}

#[test]
fn bad_backend_names_are_usage_errors() {
    let dir = specs();
    for args in [
        vec!["--backend", "lua"],
        vec!["--compare", "native"],
        vec!["--compare", "native,mlpy", "--bless"],
        vec!["--backend", "native", "--compare", "native,mlpy"],
    ] {
        let o = run_in(dir.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
    }
    let o = run_in(dir.path(), &["--backend", "process:/nonexistent/backend"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert_has(&out, &["cannot start backend '/nonexistent/backend'"]);
}
