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
