//! Memory stays bounded: an execution's memory budget, captured output,
//! and integer and text results all have limits, and going past one is a
//! catchable error, never an abort.

mod common;

use mlpy_lang::Limits;
use std::time::Duration;

fn limits(max_memory: usize) -> Limits {
    Limits {
        max_memory,
        ..Limits::default()
    }
}

#[track_caller]
fn fails_with(src: &str, lim: Limits, kind: &str) {
    let ran = common::run_with(src, lim, Some(Duration::from_secs(30)));
    match &ran.result {
        Err((k, _, msg)) => assert_eq!(k, kind, "{src}: {msg}"),
        Ok(v) => panic!("expected {kind}, got {v} for\n{src}"),
    }
}

#[test]
fn the_budget_is_a_catchable_memory_error() {
    let src = r#"
        kept = [];
        try {
            while (true) { kept.append("x" * 1000000 + str(len(kept))); }
        } except (e) {
            n = len(kept);
            kept = null;
            result = [e.type, n > 10];
        }
    "#;
    let ran = common::run_with(src, limits(64 << 20), Some(Duration::from_secs(30)));
    assert_eq!(ran.result, Ok("['MemoryError', True]".into()));
    for src in [
        "a = []; while (true) { a.append(range(100000)); }",
        "a = [0] * 30000000;",
        "s = \"ab\"; while (true) { s = s + s; }",
        "import json; a = []; while (true) { a.append(json.parse(\"[1, 2, 3, 4, 5, 6, 7, 8]\")); }",
    ] {
        fails_with(src, limits(32 << 20), "MemoryError");
    }
    // The default budget is far above what ordinary programs use.
    let ran = common::run("a = range(1000000); len(a);");
    assert_eq!(ran.result, Ok("1000000".into()));
}

#[test]
fn captured_output_is_capped() {
    let lim = Limits {
        max_output: 1 << 20,
        ..Limits::default()
    };
    for src in [
        "s = \"x\" * 100000; while (true) { print(s); }",
        "import console; s = \"x\" * 100000; while (true) { console.error(s); }",
    ] {
        fails_with(src, lim.clone(), "MemoryError");
    }
}

#[test]
fn integer_results_respect_the_bit_limit() {
    fails_with(
        "import json; json.parse(\"1\" * 1000000);",
        Limits::default(),
        "ValueError",
    );
    fails_with(
        "import math; math.lcm(math.pow(2, 600000), math.pow(3, 300000));",
        Limits::default(),
        "OverflowError",
    );
    fails_with(
        "import math; math.pow(2, 1000001);",
        Limits::default(),
        "OverflowError",
    );
    fails_with(
        "import math; math.factorial(100000);",
        Limits::default(),
        "OverflowError",
    );
    let ran = common::run("import math; math.lcm(math.pow(2, 400000), 3) > 0;");
    assert_eq!(ran.result, Ok("true".into()));
}

#[test]
fn text_forms_of_shared_values_are_bounded() {
    // 2^40 leaves through sharing.
    let build = "a = [1]; i = 0; while (i < 40) { a = [a, a]; i = i + 1; }";
    let lim = Limits {
        max_len: 1 << 20,
        ..Limits::default()
    };
    fails_with(&format!("{build} s = str(a);"), lim.clone(), "MemoryError");
    fails_with(
        &format!("{build} s = \"\" + a;"),
        lim.clone(),
        "MemoryError",
    );
    fails_with(
        &format!("{build} import json; json.stringify(a);"),
        lim,
        "MemoryError",
    );
}

#[test]
fn plain_data_of_huge_values_is_cut() {
    use mlpy_lang::Data;
    let mut v = mlpy_lang::Value::array(vec![mlpy_lang::Value::Int(1)]);
    for _ in 0..40 {
        v = mlpy_lang::Value::array(vec![v.clone(), v]);
    }
    match Data::from_value(&v) {
        Data::Str(s) => assert!(s.starts_with("<too large"), "{s}"),
        other => panic!("{:?}", other.type_name()),
    }
}
