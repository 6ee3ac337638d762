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

/// `int()` of text longer than its digit limit allows is refused by its
/// length, and its error shows at most 200 characters of the text (as
/// Python's), so neither costs time in proportion to the text.
#[test]
fn int_of_huge_text_is_refused_at_once() {
    for (src, needle) in [
        ("int(\"1\" * 32000000);", "Exceeds the limit"),
        ("int(\" -\" + \"1_\" * 16000000);", "Exceeds the limit"),
        (
            "int(\"é\" * 16000000);",
            "invalid literal for int() with base 10: 'ééé",
        ),
    ] {
        let ran = common::run_with(src, Limits::default(), None);
        match &ran.result {
            Err((k, _, msg)) => {
                assert!(
                    k == "ValueError" && msg.contains(needle),
                    "{src}: {k}: {msg}"
                );
                assert!(msg.len() < 600, "{src}: a message of {} bytes", msg.len());
            }
            Ok(v) => panic!("{src}: {v}"),
        }
    }
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

// ---- one call on a maximal input ----
//
// Each group builds its inputs without a deadline (the sizes are the
// limits: strings of ~32 MB, arrays of tens of millions of items, integers
// near 1,000,000 bits), then runs ONE native call with a short deadline:
// it must end as a Timeout, which it can only do if the native itself
// checks the deadline as it works (the VM checks nothing while a native
// runs). Run with `--release -- --ignored --nocapture --test-threads=1` to
// see each call's overrun (deadline to stop).

/// Far shorter than any of these calls takes on its maximal input.
const SINGLE_DEADLINE: Duration = Duration::from_millis(2);

struct Group {
    vm: mlpy_lang::Vm,
    failures: Vec<String>,
}

impl Group {
    fn new(setup: &str) -> Group {
        let mut vm = mlpy_lang::Vm::new(
            mlpy_lang::host::Host::captured(),
            std::sync::Arc::new(mlpy_lang::capability::GrantSet::all()),
            Limits::default(),
        );
        let r = vm.run(&compile(setup));
        assert!(r.is_ok(), "setup failed: {:?}\n{setup}", r.err());
        Group {
            vm,
            failures: Vec::new(),
        }
    }

    /// Runs `call` once with a short deadline; it must stop as a Timeout
    /// (failures are collected, so one run reports every call).
    fn stops(&mut self, call: &str) {
        let program = compile(call);
        let deadline = Instant::now() + SINGLE_DEADLINE;
        self.vm.set_deadline(Some(deadline));
        let r = self.vm.run(&program);
        let overrun = Instant::now().saturating_duration_since(deadline);
        self.vm.set_deadline(None);
        self.vm.reset_stack();
        let outcome = match &r {
            Err(e) if e.kind() == mlpy_lang::ErrorKind::Timeout => "Timeout".to_string(),
            Err(e) => format!("{:?}", e.kind()),
            Ok(_) => "Ok".to_string(),
        };
        println!("{overrun:>12.3?}  {outcome:<12} {call}");
        if outcome != "Timeout" || overrun >= BOUND {
            self.failures
                .push(format!("{call}: {outcome} {overrun:?} past the deadline"));
        }
    }

    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "calls that did not stop at their deadline:\n{}",
            self.failures.join("\n")
        );
    }
}

fn compile(src: &str) -> std::sync::Arc<mlpy_lang::compile::Program> {
    let file = std::sync::Arc::new(mlpy_lang::syntax::SourceFile::new(
        "test.ml",
        src.to_string(),
    ));
    mlpy_lang::compile(file).expect("compiles")
}

fn in_vm_thread(f: impl FnOnce() + Send + 'static) {
    mlpy_lang::vm::run_on_vm_thread(f)
}

#[test]
#[ignore = "heavy: maximal inputs (run by .ci/run)"]
fn one_call_string_methods() {
    in_vm_thread(|| {
        let mut g = Group::new(
            "s = \"é\" * 16000000; a = \"ab\" * 16000000; w = \"é \" * 10000000; \
             parts = [\"é\"] * 16000000; t = \"Éé\" * 8000000;",
        );
        for call in [
            "s.upper();",
            "s.lower();",
            "s.capitalize();",
            "s.title();",
            "s.swapcase();",
            "s.strip(\"é\");",
            "s.lstrip(\"é\");",
            "s.rstrip(\"é\");",
            "s.isalpha();",
            "s.isalnum();",
            "s.islower();",
            "s.replace(\"é\", \"e\");",
            "a.replace(\"a\", \"\");",
            "s.split(\"é\");",
            "s.rsplit(\"é\");",
            "w.split();",
            "w.rsplit();",
            "\"é\".join(parts);",
            "s.find(\"x\");",
            "s.rfind(\"x\");",
            "s.count(\"é\");",
            "s.find(\"é\", 15999990);",
            "s.count(\"éé\", 100);",
            "s.endswith(\"x\", 0, -1);",
            "s.center(33000000);",
            "s.ljust(33000000, \"é\");",
            "\"x\".rjust(33000000, \"é\");",
        ] {
            g.stops(call);
        }
        g.finish();
    });
}

#[test]
#[ignore = "heavy: maximal inputs (run by .ci/run)"]
fn one_call_string_operators() {
    in_vm_thread(|| {
        let mut g = Group::new("s = \"é\" * 16000000; h = \"é\" * 8000000; t = s + \"\";");
        for call in [
            "\"é\" * 16000000;",
            "h * 2;",
            "s[::-1];",
            "s[1:];",
            "s[::2];",
            "reversed(s);",
            "sorted(s);",
            "enumerate(s);",
            "zip(s, s);",
            "repr(s);",
            "for (c in s) { }",
        ] {
            g.stops(call);
        }
        g.finish();
    });
}

#[test]
#[ignore = "heavy: maximal inputs (run by .ci/run)"]
fn one_call_arrays() {
    in_vm_thread(|| {
        let mut g = Group::new(
            "a = range(8000000); b = range(8000000); c = a + []; \
             n = [[1]] * 8000000; m = [[1]] * 8000000; \
             t = [\"é\"] * 8000000; f = [1.5] * 8000000;",
        );
        for call in [
            "a + b;",
            "a * 2;",
            "[0] * 30000000;",
            "[a] * 30000000;",
            "a == c;",
            "n == m;",
            "n < m;",
            "a.index(-1);",
            "a.count(-1);",
            "n.count([2]);",
            "a[::-1];",
            "a[1:];",
            "a.copy();",
            "c.extend(b);",
            "c.remove(-5);",
            "c.sort();",
            "t.sort();",
            "f.sort(true);",
            "sorted(a, true);",
            "reversed(a);",
            "enumerate(a);",
            "zip(a, b, a);",
            "sum(a);",
            "sum(f);",
            "min(a);",
            "max(n);",
            "all(a);",
            "any([0] * 8000000 + [1]);",
            "str(a);",
            "repr(t);",
            "print(a);",
            "tuple = zip(a); tuple == tuple;",
        ] {
            g.stops(call);
        }
        g.finish();
    });
}

#[test]
#[ignore = "heavy: maximal inputs (run by .ci/run)"]
fn one_call_numbers() {
    in_vm_thread(|| {
        let mut g = Group::new(
            "import math; c = math.pow(3, 300000) * math.pow(3, 300000) - 1; \
             d = math.pow(5, 300000) + 1; s = \"é\" * 16000000; \
             n = \"1\" * 32000000; f = \"1.\" + \"0\" * 30000000; a = range(8000000);",
        );
        for call in [
            "math.gcd(c, d);",
            "math.lcm(c, d);",
            "float(s);",
            "float(n);",
            "float(f);",
            "format(a);",
        ] {
            g.stops(call);
        }
        g.finish();
    });
}

#[test]
#[ignore = "heavy: maximal inputs (run by .ci/run)"]
fn one_call_objects() {
    in_vm_thread(|| {
        let mut g = Group::new(
            "import json; o = {}; i = 0; while (i < 1000000) { o[str(i)] = i; i = i + 1; } \
             p = json.parse(json.stringify(o));",
        );
        for call in [
            "keys(o);",
            "values(o);",
            "o == p;",
            "str(o);",
            "json.stringify(o);",
            "json.prettyPrint(o);",
            "json.keys(o);",
            "json.values(o);",
            "json.merge(o, p);",
        ] {
            g.stops(call);
        }
        g.finish();
    });
}

#[test]
#[ignore = "heavy: maximal inputs (run by .ci/run)"]
fn one_call_text_formats() {
    in_vm_thread(|| {
        let mut g = Group::new(
            "import json; import csv; import http; import crypto; \
             s = \"é\" * 16000000; a = \"ab\" * 16000000; \
             j = json.stringify(range(3000000)); js = json.stringify(\"é\" * 5000000); \
             c = \"é,b,c\\n\" * 4000000; rows = [[\"é\", \"b\", \"c\"]] * 3000000; \
             q = \"a=é&\" * 6000000; u = \"%C3%A9\" * 5000000; \
             ks = []; i = 0; while (i < 2000000) { ks.append(\"k\" + str(i) + \"=v\"); i = i + 1; } \
             k = \"&\".join(ks); \
             crypto.sha256(\"warm\");",
        );
        for call in [
            "json.parse(j);",
            "json.parse(js);",
            "json.stringify(s);",
            "json.safeParse(j);",
            "json.validate(j);",
            "json.prettyPrint(range(3000000));",
            "csv.read_string(c);",
            "csv.write_string(rows);",
            "crypto.sha256(s);",
            "crypto.sha1(s);",
            "crypto.md5(s);",
            "crypto.hmac(s, \"key\");",
            "crypto.verify_hmac(s, \"key\", \"00\");",
            "crypto.random_string(30000000);",
            "crypto.uuid_from_string(s);",
            "http.encodeURI(s);",
            "http.decodeURI(u);",
            "http.parseQuery(q);",
            "http.parseQuery(k);",
            "http.encodeQuery({\"k\": s});",
            "http.encodeQuery({\"k\": range(3000000)});",
            "csv.write_string([[range(3000000)]]);",
        ] {
            g.stops(call);
        }
        g.finish();
    });
}

#[test]
#[ignore = "heavy: maximal inputs (run by .ci/run)"]
fn one_call_regexes() {
    in_vm_thread(|| {
        let mut g = Group::new(
            "import regex; s = \"é\" * 16000000; a = \"ab\" * 16000000; \
             p = regex.compile(\"[a-z]+c\"); big = \"(a|b)\" * 40000;",
        );
        for call in [
            "regex.fullmatch(\"(?:é|a)*\", s + \"x\");",
            "regex.findall(\"é\", s);",
            "regex.finditer(\"ab\", a);",
            "regex.split(\"é\", s);",
            "regex.sub(\"é\", \"xy\", s);",
            "regex.subn(\"a\", \"\\\\g<0>\\\\g<0>\", a);",
            "regex.count(\"b\", a);",
            "regex.escape(s);",
            "regex.search(\"\\\\w+c\", s);",
            "regex.test(\"[^é]\", s);",
            "regex.search(\"(?:é|x)[^é]\", s);",
            "regex.match(\"(?:é|a)*x\", s);",
            "regex.fullmatch(\"(é)*\", s);",
            "regex.search(\"(?<=é)x|é+(?=x)\", s);",
            "regex.findall(\"é+x\", s);",
            "regex.sub(\"\\\\w+c\", \"\", s);",
            "p.search(s);",
            "regex.compile(big);",
            "regex.compile(big + \"x\", regex.IGNORECASE());",
        ] {
            g.stops(call);
        }
        g.finish();
    });
}

#[test]
#[ignore = "heavy: maximal inputs (run by .ci/run)"]
fn one_call_library_collections() {
    in_vm_thread(|| {
        let mut g = Group::new(
            "import collections; import functional; import random; \
             a = range(8000000); b = range(8000000); n = [[1, 2]] * 8000000; \
             s = [\"é\"] * 8000000;",
        );
        for call in [
            "collections.concat(a, b);",
            "collections.contains(a, -1);",
            "collections.indexOf(a, -1);",
            "collections.slice(a, 1);",
            "collections.reverse(a);",
            "collections.unique(a);",
            "collections.unique(n);",
            "collections.flatten(n);",
            "collections.take(a, 8000000);",
            "collections.drop(a, 1);",
            "collections.zip(a, b);",
            "collections.sort(s);",
            "collections.chunk(a, 2);",
            "collections.append(a, 1);",
            "collections.prepend(a, 1);",
            "collections.removeAt(a, 0);",
            "functional.unique(a);",
            "functional.flatten(n);",
            "functional.chunk(a, 3);",
            "functional.zip(a, b);",
            "functional.reverse(a);",
            "functional.range(30000000);",
            "functional.repeat(1, 30000000);",
            "random.shuffle(a);",
            "random.sample(a, 8000000);",
        ] {
            g.stops(call);
        }
        g.finish();
    });
}

#[test]
#[ignore = "heavy: maximal inputs (run by .ci/run)"]
fn one_call_world() {
    in_vm_thread(|| {
        let mut g = Group::new(
            "import file; import crypto; import path; import console; import log; \
             s = \"é\" * 16000000; l = \"é\\n\" * 10000000; \
             file.write(\"/big.txt\", s); file.write(\"/lines.txt\", l); \
             deep = \"/x\" * 1000000;",
        );
        for call in [
            "file.readLines(\"/lines.txt\");",
            "file.writeLines(\"/out.txt\", l.split(\"\\n\"));",
            "path.relative(deep, \"/y\" * 1000000);",
            "file.writeLines(\"/o.txt\", [range(3000000)]);",
            "log.info(range(3000000));",
            "log.info(\"x\", {\"k\": range(3000000)});",
        ] {
            g.stops(call);
        }
        g.finish();
    });
}
