//! Deadlines reach native code: a program whose time goes into natives
//! (hashing, sorting, replacing, parsing, big integers, regexes, building
//! big arrays, printing huge values) stops at its deadline, whether it
//! calls one expensive native in a loop or makes one long call.
//!
//! The bound checked here is deliberately loose (debug builds, a shared
//! machine): it catches the old behaviour (stopping only after ~1,024 such
//! calls, tens of seconds). The overrun itself is measured by
//! `cargo bench --bench deadline` (README: "Deadlines").

mod common;

use mlpy_lang::Limits;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_millis(150);
/// Far above the real overrun; far below the old one.
const BOUND: Duration = Duration::from_secs(4);

#[track_caller]
fn stops(src: &str) {
    let start = Instant::now();
    let ran = common::run_with(src, Limits::default(), Some(DEADLINE));
    let took = start.elapsed();
    assert!(
        matches!(&ran.result, Err((k, _, _)) if k == "Timeout"),
        "expected a Timeout, got {:?} for\n{src}",
        ran.result
    );
    assert!(took < BOUND, "took {took:?} to stop\n{src}");
}

#[test]
fn loops_of_hashing_and_one_long_hash() {
    stops("import crypto; s = \"ab\" * 2000000; while (true) { crypto.sha256(s); }");
    stops("import crypto; s = \"ab\" * 2000000; while (true) { crypto.hmac(s, \"k\"); }");
    stops("import crypto; s = \"ab\" * 16000000; crypto.sha256(s); crypto.sha256(s);");
}

#[test]
fn sorting() {
    stops("a = range(300000); while (true) { sorted(a, true); }");
    stops("a = []; i = 0; while (i < 20) { a = a + range(1000000); i = i + 1; } a.sort(true); a.sort(); 1;");
    stops("import collections; a = range(2000000); while (true) { collections.sort(a, true); }");
}

#[test]
fn string_methods() {
    stops("s = \"ab\" * 4000000; while (true) { s.replace(\"a\", \"xy\"); }");
    stops("s = \"a,\" * 8000000; s.split(\",\"); s.split(\",\"); s.rsplit(\",\"); 1;");
    stops("s = \"a \" * 8000000; s.split(); s.split(); 1;");
    stops("p = [\"abc\"] * 3000000; while (true) { \"-\".join(p); }");
    stops("s = \"ab\" * 4000000; while (true) { s.upper(); }");
    stops("s = \"ab\" * 4000000; while (true) { s.find(\"c\"); }");
}

#[test]
fn big_integers() {
    stops("import math; a = math.pow(3, 400000); b = math.pow(7, 110000); while (true) { q = a // b; }");
    stops("import math; a = math.pow(3, 200000); while (true) { b = a * a; }");
    stops("import math; a = math.pow(3, 400000); while (true) { s = str(a); }");
}

#[test]
fn building_big_arrays() {
    stops("while (true) { range(10000000); }");
    stops("a = range(10000000); zip(a, a); zip(a, a); 1;");
    stops("a = range(10000000); enumerate(a); enumerate(a); 1;");
    stops("while (true) { x = [0] * 30000000; }");
    stops("s = \"ab\" * 8000000; while (true) { reversed(s); }");
}

#[test]
fn parsing_and_formatting() {
    stops("import json; t = json.stringify(range(3000000)); while (true) { json.parse(t); }");
    stops("import json; a = range(3000000); while (true) { json.stringify(a); }");
    stops("import csv; t = \"a,b,c\\n\" * 2000000; while (true) { csv.read_string(t); }");
    stops("a = range(3000000); while (true) { str(a); }");
}

#[test]
fn regexes_over_long_text() {
    stops("import regex; s = \"ab\" * 5000000; while (true) { regex.findall(\"[ab]{1,3}b\", s); }");
    stops("import regex; s = \"ab\" * 5000000; while (true) { regex.sub(\"a\", \"x\", s); }");
    stops("import regex; s = \"ab\" * 5000000; while (true) { regex.search(\"c\", s); }");
}

#[test]
fn printing_a_value_shared_many_times() {
    // 2^40 leaves: the text would be terabytes; it stops at the deadline
    // or at the size limit, never runs away.
    let src = "a = [1]; i = 0; while (i < 40) { a = [a, a]; i = i + 1; } print(a);";
    let ran = common::run_with(src, Limits::default(), Some(DEADLINE));
    assert!(
        matches!(&ran.result, Err((k, _, _)) if k == "Timeout" || k == "MemoryError"),
        "{:?}",
        ran.result
    );
}
