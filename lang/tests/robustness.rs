//! Hostile input: random bytes, random token soup and random small
//! programs must never panic or hang past their deadline.

mod common;

use common::run_with;
use mlpy_lang::syntax::SourceFile;
use mlpy_lang::vm::Limits;
use proptest::prelude::*;
use std::sync::Arc;
use std::time::Duration;

const TOKENS: &[&str] = &[
    "x", "y", "f", "a", "1", "0", "-1", "2.5", "\"s\"", "'t'", "[", "]", "{", "}", "(", ")", ",",
    ";", ":", ".", "?", "=", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "//", "%", "!",
    "&&", "||", "=>", "fn", "function", "if", "elif", "else", "while", "for", "in", "try",
    "except", "finally", "throw", "return", "break", "continue", "nonlocal", "import", "let",
    "true", "false", "null", "len", "print", "range", "\n",
];

fn compile_only(src: String) {
    let _ = mlpy_lang::compile(Arc::new(SourceFile::new("fuzz.ml", src)));
}

/// Small well-formed-ish programs built from statement templates.
fn program() -> impl Strategy<Value = String> {
    let expr = prop_oneof![
        Just("x".to_string()),
        Just("y".to_string()),
        (-5i64..5).prop_map(|n| n.to_string()),
        Just("\"ab\"".to_string()),
        Just("[1, 2, 3]".to_string()),
        Just("{k: 1}".to_string()),
        Just("null".to_string()),
        Just("2.5".to_string()),
    ];
    let op = prop_oneof![
        Just("+"),
        Just("-"),
        Just("*"),
        Just("/"),
        Just("//"),
        Just("%"),
        Just("=="),
        Just("<"),
        Just("&&"),
        Just("||"),
    ];
    let binary = (expr.clone(), op, expr.clone()).prop_map(|(a, o, b)| format!("{a} {o} {b}"));
    let stmt = prop_oneof![
        binary.clone().prop_map(|e| format!("x = {e};")),
        binary.clone().prop_map(|e| format!("y = {e};")),
        expr.clone().prop_map(|e| format!("print({e});")),
        binary
            .clone()
            .prop_map(|e| format!("if ({e}) {{ x = 1; }} else {{ y = 2; }}")),
        Just("while (x < 100) { x = x + 1; }".to_string()),
        Just("while (true) { }".to_string()),
        Just("for (i in range(50)) { y = y + i; }".to_string()),
        Just("function f(n) { return n <= 0 ? 0 : f(n - 1) + 1; } x = f(50);".to_string()),
        Just("function g() { return g(); } try { g(); } except (e) { y = str(e); }".to_string()),
        expr.clone()
            .prop_map(|e| format!("try {{ x = {e}[5]; }} except (e) {{ x = 0; }}")),
        expr.prop_map(|e| format!("x = {e} * 1000;")),
        Just("s = \"ab\"; while (len(s) < 100000000) { s = s + s; }".to_string()),
        Just("a = []; while (true) { a.append(a); }".to_string()),
    ];
    prop::collection::vec(stmt, 1..8).prop_map(|v| format!("x = 0; y = 0;\n{}", v.join("\n")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        compile_only(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn token_soup_never_panics(toks in prop::collection::vec(prop::sample::select(TOKENS), 0..80)) {
        let src = toks.join(" ");
        compile_only(src.clone());
        // Whatever compiles also runs without panicking, within a deadline.
        let limits = Limits { max_len: 1 << 20, ..Limits::default() };
        let _ = run_with(&src, limits, Some(Duration::from_millis(200)));
    }

    #[test]
    fn random_programs_finish_cleanly(src in program()) {
        let limits = Limits { max_len: 1 << 22, ..Limits::default() };
        let start = std::time::Instant::now();
        let ran = run_with(&src, limits, Some(Duration::from_millis(150)));
        // Stopped by the deadline at the latest (generous margin for CI).
        prop_assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
        if let Err((kind, _, _)) = &ran.result {
            prop_assert!(!kind.is_empty());
        }
    }
}

/// Pathological inputs are handled in (near) linear time: a function with
/// 70,000 parameters compiles, a 10 MB regex pattern is rejected at once,
/// and a capability check against a 32,000-segment path ends. (The old
/// quadratic and exponential paths took 11 s, 5–11 s and 23 s.)
#[test]
fn pathological_inputs_are_handled_fast() {
    use std::time::{Duration, Instant};
    let bound = Duration::from_secs(10);

    let params: Vec<String> = (0..70_000).map(|i| format!("p{i}")).collect();
    let src = format!("function f({}) {{ return p69999; }} 1;", params.join(", "));
    let start = Instant::now();
    assert_eq!(common::run(&src).result, Ok("1".into()));
    assert!(
        start.elapsed() < bound,
        "70,000 parameters: {:?}",
        start.elapsed()
    );

    let start = Instant::now();
    let ran = common::run("import regex; regex.compile(\"a\" * 10000000);");
    match &ran.result {
        Err((k, _, msg)) => {
            assert_eq!(k, "ValueError");
            assert!(
                msg.contains("more than the limit") && msg.len() < 300,
                "{msg}"
            );
        }
        Ok(v) => panic!("compiled: {v}"),
    }
    assert!(
        start.elapsed() < bound,
        "10 MB pattern: {:?}",
        start.elapsed()
    );

    let g = mlpy_lang::capability::PathGlob::parse("/srv/**/public/**/x.txt").unwrap();
    let mut path = String::from("/srv");
    for _ in 0..32_000 {
        path.push_str("/public");
    }
    let start = Instant::now();
    assert!(!g.matches(&path));
    assert!(g.matches(&format!("{path}/x.txt")));
    assert!(
        start.elapsed() < bound,
        "32,000 segments: {:?}",
        start.elapsed()
    );
}
