//! The malformed-spec corpus in fixtures/bad-specs: each file fails to load
//! with exactly this `file:line:col: reason`, and a bad file does not stop
//! the others from loading.

use mlpy_harness::spec::{discover, list_file, load_file, Loader};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

const DIR: &str = "fixtures/bad-specs";

/// (file, expected error without the directory, also reported by listing)
const CORPUS: &[(&str, &str, bool)] = &[
    (
        "args_without_callback",
        "3:12: `args` in an `each` row needs a `callback` to pass them to",
        false,
    ),
    (
        "bad_clock",
        "2:9: `clock`: invalid time 'yesterday': expected RFC 3339 such as \"2024-01-01T00:00:00Z\"",
        true,
    ),
    (
        "bad_duration",
        "2:11: `timeout`: invalid duration '2 parsecs': unknown unit 'parsecs' (use us, ms, s, m or h)",
        true,
    ),
    (
        "bad_each_row_key",
        "5:17: unknown key `reslt`, did you mean `result`?",
        true,
    ),
    (
        "bad_grant",
        "3:31: invalid capability 'file read /data': unexpected ' read /data' after 'file' (use KIND:ACTION:PATTERN)",
        false,
    ),
    (
        "bad_regex",
        "2:25: `expect.stdout_matches`: invalid regex 'h(i': unclosed group",
        true,
    ),
    (
        "bad_result_json",
        "2:22: `result_json` is not valid JSON: EOF while parsing a value at line 1 column 3",
        false,
    ),
    ("bad_toml", "2:20: invalid TOML: invalid basic string, expected `\"`", true),
    (
        "case_without_name",
        "1:1: [[case]] number 1 has no `name`",
        true,
    ),
    (
        "duplicate_case",
        "6:1: duplicate case name `adds` (first used at line 1)",
        true,
    ),
    (
        "http_two_bodies",
        "4:3: an http mock takes only one of `body`, `json` and `body_file`",
        false,
    ),
    (
        "misplaced_result",
        "2:1: unknown key `result`, did you mean `expect.result`?",
        true,
    ),
    (
        "missing_code_file",
        "3:13: code_file `scripts/nope.ml`: no such file (looked next to the spec file and in fixtures/)",
        false,
    ),
    (
        "missing_fixture",
        "2:13: files_dir `no-such-tree`: no such directory (looked next to the spec file and in fixtures/)",
        false,
    ),
    (
        "missing_module",
        "2:23: module `helpers`: file `modules/missing.ml`: no such file (looked next to the spec file and in fixtures/)",
        false,
    ),
    (
        "name_at_top",
        "1:8: `name` belongs in [[case]] tables; a file without them is one case named after the file",
        true,
    ),
    (
        "no_code",
        "1:1: case `forgot the code` has no `code` or `code_file`",
        false,
    ),
    (
        "no_expectation",
        "8:1: case `checks nothing` has no expectation (set expect.result, expect.stdout, expect.error, expect.violation or another expect.* key)",
        false,
    ),
    (
        "result_and_error",
        "1:1: case `both` expects both a result and an error; a run ends in one or the other",
        false,
    ),
    (
        "single_bracket_case",
        "1:1: invalid type: table, expected an array of [[case]] tables (write [[case]], not [case])",
        true,
    ),
    (
        "unknown_expect_key",
        "4:8: unknown key `reslt`, did you mean `result`?",
        true,
    ),
    (
        "unknown_key",
        "3:1: unknown key `grants`, did you mean `grant`?",
        true,
    ),
    (
        "wrong_type",
        "2:8: `tags`: invalid type: string \"math\", expected an array",
        true,
    ),
    (
        "wrong_type_env",
        "2:16: `PORT`: invalid type: integer `8080`, expected a string",
        true,
    ),
    (
        "zero_concurrency",
        "2:15: `concurrency` must be at least 1",
        false,
    ),
];

fn relative(message: String) -> String {
    message.replace(&format!("{}/", workspace().display()), "")
}

#[test]
fn every_bad_spec_gives_its_exact_message() {
    let root = workspace().join(DIR);
    let mut problems = Vec::new();
    for (name, want, listed) in CORPUS {
        let file = root.join(format!("{name}.mltest"));
        let want = format!("{DIR}/{name}.mltest:{want}");
        match load_file(&file, &root) {
            Ok(cases) => problems.push(format!("{name}: loaded {} case(s)", cases.len())),
            Err(e) => {
                let got = relative(e.to_string());
                if got != want {
                    problems.push(format!("{name}:\n  want {want}\n   got {got}"));
                }
                assert!(!got.contains('\n'), "{got}");
            }
        }
        // Listing reports TOML-level and naming errors the same way, and
        // leaves the rest (fixtures, grants, expectations) to loading.
        match (list_file(&file, &root), listed) {
            (Err(e), true) => {
                let got = relative(e.to_string());
                if got != want {
                    problems.push(format!("{name} (list):\n  want {want}\n   got {got}"));
                }
            }
            (Ok(_), false) => {}
            (Err(e), false) => problems.push(format!("{name}: listing failed: {e}")),
            (Ok(_), true) => problems.push(format!("{name}: listing succeeded")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_corpus_is_complete() {
    let root = workspace().join(DIR);
    let found: Vec<String> = discover(&root)
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let known: Vec<String> = CORPUS.iter().map(|c| c.0.to_string()).collect();
    assert_eq!(found, known, "every file in {DIR} needs an entry in CORPUS");
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.mltest"),
        "code = \"1;\"\nexpect.result = 1\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("b.mltest"), "code = \"1;\"\nbogus = 1\n").unwrap();
    std::fs::write(
        dir.path().join("c.mltest"),
        "code = \"2;\"\nexpect.result = 2\n",
    )
    .unwrap();
    let loader = Loader::new(dir.path());
    let results: Vec<_> = discover(dir.path())
        .iter()
        .map(|f| loader.load_file(f))
        .collect();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap()[0].summary.full_name, "a");
    let err = results[1].as_ref().unwrap_err();
    assert_eq!((err.line, err.column), (2, 1));
    assert_eq!(err.message, "unknown key `bogus` (expected one of `name`, `code`, `code_file`, `grant`, `timeout`, `memory`, `tags`, `ignore`, `skip`, `files`, `files_dir`, `http`, `env`, `clock`, `seed`, `stdin`, `argv`, `modules`, `module_paths`, `globals`, `callback`, `each`, `concurrency`, `bench`, `differs_on`, `expect`, `case`)");
    assert_eq!(results[2].as_ref().unwrap()[0].summary.full_name, "c");
}
