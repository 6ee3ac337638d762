//! Loading `.mltest` files: every key, defaults, rows, names, paths.

use mlpy_harness::spec::{
    discover, list_file, load_file, resolve_name, test_name_prefix, Case, HttpFailure, Loader,
};
use mlpy_lang::Data;
use std::path::Path;
use std::time::{Duration, Instant};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn load(root: &Path, rel: &str) -> Vec<Case> {
    load_file(&root.join(rel), &root.join("specs")).unwrap_or_else(|e| panic!("{e}"))
}

fn s(x: &str) -> Data {
    Data::Str(x.into())
}

#[test]
fn every_key_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "fixtures/tree/a.txt", "A");
    write(root, "fixtures/tree/sub/b.txt", "B");
    write(root, "fixtures/bodies/users.json", "[1, 2]");
    write(
        root,
        "fixtures/modules/helpers.ml",
        "function f() { return 1; }",
    );
    write(root, "fixtures/lib/util/strings.ml", "x = 1;");
    write(root, "specs/area/main.ml", "result = 2 * 3;");
    write(
        root,
        "specs/area/all.mltest",
        r#"
# file-level defaults
tags = ["area"]
timeout = "2s"
env = { HOME = "/home/ada", LANG = "C" }

[[case]]
name = "everything"
code_file = "main.ml"
grant = ["file:read:/data/*", "network:http:api.example.com"]
timeout = "250ms"
tags = ["big", "area"]
ignore = "slow on CI"
files = { "/data/extra.txt" = "E" }
files_dir = { dir = "tree", at = "/data" }
http = [
  { method = "get", url = "https://api.example.com/users/*", status = 201, json = { id = 7, ok = true }, headers = { "x-a" = "1" }, delay = "50ms" },
  { url = "https://api.example.com/file", body_file = "bodies/users.json" },
  { url = "https://down.example.com/*", error = "network" },
]
env = { LANG = "en" }
clock = { at = "2024-01-01T12:00:00+02:00", step = "1s" }
seed = 42
stdin = "line 1\n"
modules = { helpers = "modules/helpers.ml", "pkg.inline" = { code = "y = 2;" } }
module_paths = ["lib"]
globals = { n = 3, name = "x", xs = [1, 2.5], when = 1979-05-27T07:32:00Z }
callback = { function = "add", args = [3, 7] }
concurrency = 4
bench = { iterations = 50, concurrency = 10 }
expect.result = 10
expect.tolerance = 1e-9
expect.stdout = "hello\n"
expect.stdout_contains = "hel"
expect.stdout_matches = ["^hello$", "l+"]
expect.globals = { n = 3 }
expect.violation = [{ capability = "file:read", resource = "/etc/*" }, { capability = "env" }]
expect.calls = [{ method = "get", url = "https://api.example.com/users/*" }]
"#,
    );
    let cases = load(root, "specs/area/all.mltest");
    assert_eq!(cases.len(), 1);
    let c = &cases[0];
    assert_eq!(c.summary.full_name, "area::all::everything");
    assert_eq!(c.name, "everything");
    assert_eq!((c.summary.line, c.summary.col), (7, 1));
    assert_eq!(&*c.code, "result = 2 * 3;");
    assert!(c
        .code_file
        .as_ref()
        .unwrap()
        .ends_with("specs/area/main.ml"));
    assert_eq!(c.code_line, 1);
    assert_eq!(
        c.grant,
        ["file:read:/data/*", "network:http:api.example.com"]
    );
    assert_eq!(c.grants.tokens().len(), 2);
    assert_eq!(c.timeout, Some(Duration::from_millis(250)));
    assert_eq!(c.summary.tags, ["area", "big"]);
    assert_eq!(c.summary.ignore.as_deref(), Some("slow on CI"));
    assert_eq!(c.summary.skip, None);
    let files: Vec<(&str, &[u8])> = c.files.iter().map(|(k, v)| (k.as_str(), &v[..])).collect();
    assert_eq!(
        files,
        [
            ("/data/a.txt", &b"A"[..]),
            ("/data/extra.txt", b"E"),
            ("/data/sub/b.txt", b"B")
        ]
    );
    assert_eq!(c.http.len(), 3);
    let m = &c.http[0];
    assert_eq!(m.method.as_deref(), Some("GET"));
    assert_eq!(m.status, 201);
    assert_eq!(&*m.body, br#"{"id":7,"ok":true}"#);
    assert_eq!(
        m.headers,
        [
            ("x-a".to_string(), "1".to_string()),
            ("content-type".to_string(), "application/json".to_string())
        ]
    );
    assert_eq!(m.delay, Some(Duration::from_millis(50)));
    assert!(m.matches("GET", "https://api.example.com/users/7"));
    assert!(!m.matches("POST", "https://api.example.com/users/7"));
    assert_eq!(&*c.http[1].body, b"[1, 2]");
    assert!(c.http[1].matches("DELETE", "https://api.example.com/file"));
    assert_eq!(c.http[2].error, Some(HttpFailure::Network));
    let env: Vec<_> = c
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(env, [("HOME", "/home/ada"), ("LANG", "en")]);
    let clock = c.clock.unwrap();
    assert_eq!(clock.at, 1_704_103_200.0);
    assert_eq!(clock.offset, 7200);
    assert_eq!(clock.step, Some(Duration::from_secs(1)));
    assert_eq!(c.seed, Some(42));
    assert_eq!(c.stdin.as_deref(), Some("line 1\n"));
    assert_eq!(&*c.modules["helpers"].source, "function f() { return 1; }");
    assert!(c.modules["helpers"].path.is_some());
    assert_eq!(&*c.modules["pkg.inline"].source, "y = 2;");
    assert!(c.module_paths[0].ends_with("fixtures/lib"));
    assert_eq!(c.globals["n"], Data::Int(3));
    assert_eq!(
        c.globals["xs"],
        Data::Array(vec![Data::Int(1), Data::Float(2.5)])
    );
    assert_eq!(c.globals["when"], s("1979-05-27T07:32:00Z"));
    let cb = c.callback.as_ref().unwrap();
    assert_eq!(cb.function, "add");
    assert_eq!(cb.args, [Data::Int(3), Data::Int(7)]);
    assert_eq!(c.concurrency, 4);
    let b = c.bench.unwrap();
    assert_eq!((b.iterations, b.concurrency, b.warmup), (50, 10, 10));
    let e = &c.expect;
    assert_eq!(e.result, Some(Data::Int(10)));
    assert_eq!(e.tolerance, 1e-9);
    assert_eq!(e.stdout.as_deref(), Some("hello\n"));
    assert_eq!(e.stdout_contains, ["hel"]);
    assert_eq!(e.stdout_matches.len(), 2);
    assert!(
        e.stdout_matches[0].is_match("x\nhello\ny"),
        "multi-line anchors"
    );
    assert_eq!(e.globals["n"], Data::Int(3));
    assert_eq!(e.violations.len(), 2);
    assert_eq!(e.violations[0].resource.as_deref(), Some("/etc/*"));
    assert_eq!(e.violations[1].resource, None);
    let calls = e.calls.as_ref().unwrap();
    assert_eq!(calls[0].method.as_deref(), Some("GET"));
}

#[test]
fn cases_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Case>();
    send_sync::<Loader>();
}

#[test]
fn defaults_merge_into_cases() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "specs/d.mltest",
        r#"
tags = ["file"]
timeout = "2s"
grant = ["file:read:/a/*"]
env = { A = "1", B = "2" }
globals = { g = 1 }
expect.stdout = ""
ignore = true

[[case]]
name = "inherits"
code = "1;"
expect.result = 1

[[case]]
name = "overrides"
code = "2;"
tags = ["x"]
timeout = "1s"
grant = []
env = { B = "3" }
globals = { h = 2 }
ignore = false
expect.stdout = "out\n"
expect.result_json = "null"
"#,
    );
    let cases = load(root, "specs/d.mltest");
    let (a, b) = (&cases[0], &cases[1]);
    assert_eq!(a.summary.full_name, "d::inherits");
    assert_eq!(a.summary.tags, ["file"]);
    assert_eq!(a.timeout, Some(Duration::from_secs(2)));
    assert_eq!(a.grant, ["file:read:/a/*"]);
    assert_eq!(a.summary.ignore.as_deref(), Some(""));
    assert_eq!(a.expect.stdout.as_deref(), Some(""));
    assert_eq!(a.expect.result, Some(Data::Int(1)));
    assert_eq!(a.concurrency, 1);
    assert_eq!(a.bench, None);

    assert_eq!(b.summary.tags, ["file", "x"]);
    assert_eq!(b.timeout, Some(Duration::from_secs(1)));
    assert!(b.grant.is_empty());
    assert_eq!(b.env["A"], "1");
    assert_eq!(b.env["B"], "3");
    assert_eq!(b.globals.len(), 2);
    assert_eq!(b.summary.ignore, None);
    assert_eq!(b.expect.stdout.as_deref(), Some("out\n"));
    assert_eq!(b.expect.result, Some(Data::Null));
}

#[test]
fn single_case_files_are_named_by_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "specs/core/arith.mltest",
        "code = '''\nresult = 2 * 3;\n'''\nexpect.result = 6\n",
    );
    let cases = load(root, "specs/core/arith.mltest");
    assert_eq!(cases.len(), 1);
    let c = &cases[0];
    assert_eq!(c.summary.full_name, "core::arith");
    assert_eq!(c.name, "arith");
    assert_eq!((c.summary.line, c.summary.col), (1, 1));
    assert_eq!(&*c.code, "result = 2 * 3;\n");
    assert_eq!(c.code_line, 2, "the code starts on the line after '''");
    assert_eq!(c.location.case_index, None);
}

#[test]
fn each_rows_become_tests() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "specs/callbacks/double.mltest",
        r#"
code = "function double(x) { return x * 2; }"
callback = { function = "double" }
each = [
  { args = [1], result = 2 },
  { name = "big", args = [1000000], result = 2000000, tags = ["slow"] },
  { args = [0.5], expect = { result = 1.0, tolerance = 1e-12 } },
  { args = ["a"], expect.error = { kind = "TypeError", line = 1 } },
]
"#,
    );
    let cases = load(root, "specs/callbacks/double.mltest");
    let names: Vec<&str> = cases.iter().map(|c| c.summary.full_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "callbacks::double::0",
            "callbacks::double::big",
            "callbacks::double::2",
            "callbacks::double::3"
        ]
    );
    assert_eq!(cases[0].callback.as_ref().unwrap().args, [Data::Int(1)]);
    assert_eq!(cases[0].expect.result, Some(Data::Int(2)));
    assert_eq!((cases[1].summary.line, cases[1].summary.col), (6, 3));
    assert_eq!(cases[1].summary.tags, ["slow"]);
    assert_eq!(cases[2].expect.tolerance, 1e-12);
    assert_eq!(
        cases[3].expect.error.as_ref().unwrap().kind.as_deref(),
        Some("TypeError")
    );
    assert_eq!(cases[3].location.row, Some(3));

    // In a multi-case file rows sit under the case name.
    write(
        root,
        "specs/m.mltest",
        r#"
[[case]]
name = "sq"
code = "x * x;"
each = [{ globals = { x = 3 }, result = 9 }, { name = "neg", globals = { x = -2 }, result = 4 }]
"#,
    );
    let cases = load(root, "specs/m.mltest");
    let names: Vec<&str> = cases.iter().map(|c| c.summary.full_name.as_str()).collect();
    assert_eq!(names, ["m::sq::0", "m::sq::neg"]);
    assert_eq!(cases[1].name, "sq::neg");
    assert_eq!(cases[1].globals["x"], Data::Int(-2));
    assert_eq!(cases[1].location.case_index, Some(0));
}

#[test]
fn listing_names_match_loading() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "specs/l.mltest",
        r#"
tags = ["t"]
[[case]]
name = "a"
code_file = "does/not/exist/yet.ml"
expect.result = 1
bench = true
[[case]]
name = "b"
code = "1;"
skip = "no network"
each = [{ result = 1 }, { name = "x", ignore = "later", result = 1 }]
"#,
    );
    let file = root.join("specs/l.mltest");
    let listed = list_file(&file, &root.join("specs")).unwrap();
    let names: Vec<&str> = listed.iter().map(|c| c.full_name.as_str()).collect();
    assert_eq!(names, ["l::a", "l::b::0", "l::b::x"]);
    assert!(listed[0].bench);
    assert_eq!(listed[0].tags, ["t"]);
    assert_eq!(listed[1].skip.as_deref(), Some("no network"));
    assert_eq!(listed[2].ignore.as_deref(), Some("later"));
    assert_eq!((listed[2].line, listed[2].col), (12, 25));
    // Loading needs the code file.
    let err = load_file(&file, &root.join("specs")).unwrap_err();
    assert_eq!((err.line, err.column), (5, 13));
    write(root, "specs/does/not/exist/yet.ml", "1;");
    let loaded = load_file(&file, &root.join("specs")).unwrap();
    let loaded: Vec<&str> = loaded
        .iter()
        .map(|c| c.summary.full_name.as_str())
        .collect();
    assert_eq!(loaded, names);
}

#[test]
fn names_resolve_straight_to_files() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    write(
        &specs,
        "a/b.mltest",
        "[[case]]\nname = \"c\"\ncode = \"1;\"\nexpect.result = 1\n",
    );
    write(&specs, "a/b/c.mltest", "code = \"1;\"\nexpect.result = 1\n");
    assert_eq!(
        resolve_name(&specs, "a::b::c"),
        [specs.join("a/b/c.mltest"), specs.join("a/b.mltest")]
    );
    assert_eq!(resolve_name(&specs, "a::b"), [specs.join("a/b.mltest")]);
    assert!(resolve_name(&specs, "a::..::b").is_empty());
    assert!(resolve_name(&specs, "nope::x").is_empty());
    let loader = Loader::new(&specs);
    let found = loader.find_case("a::b::c").unwrap();
    assert_eq!(
        found.len(),
        2,
        "one from each file: the suite has two tests of that name"
    );
    assert_eq!(
        test_name_prefix(&specs, &specs.join("a/b/c.mltest")),
        "a::b::c"
    );
    assert_eq!(
        test_name_prefix(&specs, Path::new("/elsewhere/x.y.mltest")),
        "x.y"
    );
}

#[test]
fn discovery_is_sorted_and_skips_hidden_dirs() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path();
    for f in [
        "b.mltest",
        "a/z.mltest",
        "a/b.mltest",
        ".git/x.mltest",
        "c.toml",
        "a/c/d.mltest",
    ] {
        write(specs, f, "");
    }
    let found: Vec<String> = discover(specs)
        .iter()
        .map(|p| p.strip_prefix(specs).unwrap().display().to_string())
        .collect();
    assert_eq!(
        found,
        ["a/b.mltest", "a/c/d.mltest", "a/z.mltest", "b.mltest"]
    );
    assert_eq!(discover(&specs.join("b.mltest")), [specs.join("b.mltest")]);
}

#[test]
fn paths_resolve_next_to_the_spec_then_in_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "specs/x/local.ml", "local;");
    write(root, "fixtures/shared.ml", "shared;");
    write(root, "fixtures/tree/f.txt", "F");
    write(
        root,
        "specs/x/p.mltest",
        r#"
[[case]]
name = "local"
code_file = "local.ml"
expect.result = 1
[[case]]
name = "fixture"
code_file = "shared.ml"
expect.result = 1
[[case]]
name = "project relative"
code = "1;"
files_dir = "fixtures/tree"
expect.result = 1
"#,
    );
    let cases = load(root, "specs/x/p.mltest");
    assert_eq!(&*cases[0].code, "local;");
    assert_eq!(&*cases[1].code, "shared;");
    assert_eq!(&*cases[2].files["/f.txt"], b"F");
    // A configured fixtures directory wins.
    write(root, "other/shared.ml", "other;");
    let loader = Loader::new(root.join("specs")).with_fixtures(root.join("other"));
    let cases = loader.load_file(&root.join("specs/x/p.mltest")).unwrap();
    assert_eq!(&*cases[0].code, "local;");
    assert_eq!(&*cases[1].code, "other;");
}

#[test]
fn clocks_take_several_forms() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "specs/c.mltest",
        r#"
[[case]]
name = "toml datetime"
clock = 2024-01-01T00:00:00Z
code = "1;"
expect.result = 1
[[case]]
name = "unix seconds"
clock = 86400
code = "1;"
expect.result = 1
[[case]]
name = "date only"
clock = "1970-01-02"
code = "1;"
expect.result = 1
[[case]]
name = "table with datetime"
clock = { at = 1970-01-01T01:00:00+01:00, step = "500ms" }
code = "1;"
expect.result = 1
"#,
    );
    let cases = load(root, "specs/c.mltest");
    let clocks: Vec<_> = cases.iter().map(|c| c.clock.unwrap()).collect();
    assert_eq!(clocks[0].at, 1_704_067_200.0);
    assert_eq!(clocks[1].at, 86400.0);
    assert_eq!(clocks[2].at, 86400.0);
    assert_eq!((clocks[3].at, clocks[3].offset), (0.0, 3600));
    assert_eq!(clocks[3].step, Some(Duration::from_millis(500)));
}

#[test]
fn violation_and_error_shorthands() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "specs/v.mltest",
        r#"
[[case]]
name = "one violation"
code = "1;"
expect.violation = { capability = "file:read", resource = "/etc/passwd" }
[[case]]
name = "error kind only"
code = "1 / 0;"
expect.error = "ZeroDivisionError"
[[case]]
name = "timeout"
code = "while (true) {}"
timeout = "50ms"
expect.timeout = true
"#,
    );
    let cases = load(root, "specs/v.mltest");
    assert_eq!(cases[0].expect.violations.len(), 1);
    assert_eq!(
        cases[1].expect.error.as_ref().unwrap().kind.as_deref(),
        Some("ZeroDivisionError")
    );
    assert!(cases[2].expect.timeout);
}

/// 1,000 trivial spec files: discovery, reading and loading stay a small
/// part of the runner's 50 ms budget (measured in release builds; this
/// debug-build check is only a guard against gross regressions).
#[test]
fn a_thousand_trivial_files_load_fast() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    for i in 0..1000 {
        write(
            &specs,
            &format!("d{}/f{i}.mltest", i % 10),
            "code = \"result = 2 * 3;\"\nexpect.result = 6\n",
        );
    }
    let start = Instant::now();
    let loader = Loader::new(&specs);
    let files = discover(&specs);
    let mut cases = 0;
    for f in &files {
        cases += loader.load_file(f).unwrap().len();
    }
    let elapsed = start.elapsed();
    assert_eq!(cases, 1000);
    let start = Instant::now();
    let mut listed = 0;
    for f in &files {
        listed += loader.list_file(f).unwrap().len();
    }
    let list_elapsed = start.elapsed();
    assert_eq!(listed, 1000);
    eprintln!("1000 files: load {elapsed:?}, list {list_elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

/// Every TOML example in docs/mltest-format.md uses real keys with the
/// right types (fragments may leave out code or fixtures).
#[test]
fn the_format_docs_examples_parse() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/mltest-format.md"
    ))
    .unwrap();
    let loader = Loader::new("/specs");
    let mut checked = 0;
    for block in doc.split("```toml\n").skip(1) {
        let text = block.split("```").next().unwrap();
        if text.contains("[rule.schema]") {
            continue; // the taplo configuration
        }
        if let Err(e) = loader.list_str(Path::new("/specs/doc.mltest"), text) {
            panic!("{e}\n{text}");
        }
        checked += 1;
    }
    assert!(checked >= 12, "{checked}");
}

#[test]
fn memory_budgets_and_concurrency_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "specs/m.mltest",
        "memory = \"64MiB\"\n[[case]]\nname = \"a\"\ncode = \"1;\"\nexpect.result = 1\n\
         [[case]]\nname = \"b\"\nmemory = \"1GiB\"\ncode = \"1;\"\nexpect.result = 1\n",
    );
    let cases = load(root, "specs/m.mltest");
    assert_eq!(cases[0].memory, Some(64 << 20));
    assert_eq!(cases[1].memory, Some(1 << 30));
    for (key, needle) in [
        ("memory = \"lots\"", "invalid size"),
        ("concurrency = 10000000", "at most 1000"),
        ("bench = { concurrency = 5000 }", "at most 1000"),
    ] {
        write(
            root,
            "specs/bad.mltest",
            &format!("{key}\n[[case]]\nname = \"a\"\ncode = \"1;\"\nexpect.result = 1\n"),
        );
        let err = load_file(&root.join("specs/bad.mltest"), &root.join("specs"))
            .err()
            .unwrap_or_else(|| panic!("{key} loaded"));
        assert!(err.to_string().contains(needle), "{key}: {err}");
    }
}
