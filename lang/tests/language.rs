//! Language behaviour, table-driven: every edge case of the spec's
//! section 21 and every error kind with its line.

mod common;
use common::*;

#[test]
fn lexing_and_parsing() {
    check("x = 7 // 2; // comment\nx;", "3");
    check("c = 2; x = [1, 4 // c\n]; x[1];", "2");
    check("3 -5;", "-2");
    check("a = 1; [a, -1];", "[1, -1]");
    check("+5;", "5");
    check(".5 + 1.;", "1.5");
    check("007;", "7");
    check("1e3;", "1000.0");
    check("function f(x) { return fn(y) => x + y; } f(1)(2);", "3");
    check("a = [fn(x) => x * 2]; a[0](4);", "8");
    check("(fn(x) => x)(1);", "1");
    check("{a: 1};", "{'a': 1}");
    check("{};", "{}");
    check("f = fn() => {}; f();", "{}");
    check("f = fn(x) => x > 0 ? \"p\" : \"n\"; f(1) + f(-1);", "pn");
    check(
        "read = 1; write = 2; network = 3; system = read + write + network; system;",
        "6",
    );
    check("o = {read: 1}; o.read;", "1");
    check("let x = 5; x * 2;", "10");
    check("const y = 3; y;", "3");
    check("let z; z;", "None");
    check("f = (a, b) => a + b; f(2, 3);", "5");
    check("g = x => x + 1; g(1);", "2");
    check("h = (a) => { return a * 3; }; h(2);", "6");
    check(
        "x = 5; if (x > 10) { r = 1; } else if (x > 3) { r = 2; } else { r = 3; } r;",
        "2",
    );
    check(
        "x = 1; if (x == 0) { r = 0; } elif (x == 1) { r = 1; } r;",
        "1",
    );
    check("a = [1, 2, 3,]; o = {a: 1, b: 2,}; len(a) + len(o);", "5");
    check("try { } result = 1;", "1");
    check("s = \"a\\nb\"; len(s);", "3");
    check("s = 'it\\'s'; s;", "it's");
    check("s = \"\\d+\"; len(s);", "3");
    check("s = \"\\u00e9\"; s;", "é");
}

#[test]
fn syntax_errors_have_lines() {
    check_err("x = 1;\ny = ;\n", "SyntaxError", 2);
    check_err("if (x) y = 1;", "SyntaxError", 1);
    check_err("x = 1;;", "SyntaxError", 1);
    check_err("throw e;", "SyntaxError", 1);
    check_err("x = 1;\nbreak;", "SyntaxError", 2);
    check_err("function f(a, a) { }", "SyntaxError", 1);
    check_err("x += 1;", "SyntaxError", 1);
}

#[test]
fn arithmetic() {
    check("7/2;", "3.5");
    check("6/2;", "3.0");
    check("-7//2;", "-4");
    check("-7%3;", "2");
    check("7%-3;", "-2");
    check("7.5//2;", "3.0");
    check("0.1+0.2;", "0.30000000000000004");
    check("1e16;", "1e+16");
    check("1e15;", "1000000000000000.0");
    check("1e-5;", "1e-05");
    check("9007199254740993 + 0.0;", "9007199254740992.0");
    check(
        "function fact(n) { if (n <= 1) { return 1; } return n * fact(n - 1); } fact(30);",
        "265252859812191058636308480000000",
    );
    check("9223372036854775807 + 1;", "9223372036854775808");
    check(
        "x = 9223372036854775807; x * x;",
        "85070591730234615847396907784232501249",
    );
    check("true + true;", "2");
    check("-true;", "-1");
    check("1 + true;", "2");
    check("2 * 3.0;", "6.0");
    check_err("x = 1;\ny = 1 / 0;", "ZeroDivisionError", 2);
    check_err("1 % 0;", "ZeroDivisionError", 1);
    check_err("7 // 0;", "ZeroDivisionError", 1);
}

#[test]
fn string_rule_for_plus() {
    check("\"a\" + 1;", "a1");
    check("1 + \"a\";", "1a");
    check("\"a\" + true;", "aTrue");
    check("\"a\" + null;", "aNone");
    check("\"a\" + [1, 2];", "a[1, 2]");
    check("x = 1; y = 2; x + y + \"!\";", "3!");
    check("x = 1; \"!\" + x + 1;", "!11");
    check("t = 1; \"x\" + t + 1;", "x11");
    check("s = \"a\"; t = \"b\"; s + t;", "ab");
    check_err("s = \"a\";\ns + 1;", "TypeError", 2);
    check("s = \"a\"; s + \"\" + 1;", "a1");
    check("\"ok: \" + str(true);", "ok: true");
    check("[1] + [2];", "[1, 2]");
    check("[0] * 3;", "[0, 0, 0]");
    check("\"ab\" * 0;", "");
    check("\"ab\" * 2;", "abab");
    check_err("[1] + 2;", "TypeError", 1);
    check_err("{a: 1} + {b: 2};", "TypeError", 1);
}

#[test]
fn comparisons_and_logic() {
    check("1 == 1.0;", "true");
    check("true == 1;", "true");
    check("0 == false;", "true");
    check("null == false;", "false");
    check("\"1\" == 1;", "false");
    check("[1,2] == [1.0,2.0];", "true");
    check("{a:1,b:2} == {b:2,a:1};", "true");
    check("1 < 2 < 3;", "true");
    check("3 > 2 > 1;", "false");
    check("\"B\" < \"a\";", "true");
    check("[1,2] < [1,2,3];", "true");
    check_err("1 < \"a\";", "TypeError", 1);
    check_err("null < 1;", "TypeError", 1);
    check("0 || \"x\";", "x");
    check("1 && 2;", "2");
    check("calls = 0; function f() { nonlocal calls; calls = calls + 1; return 1; } r = \"\" && f(); calls;", "0");
    check("!\"0\";", "false");
    check("bool(\"0\");", "true");
    check("bool([0]);", "true");
    check("bool({});", "false");
    check("bool(0.0);", "false");
    check("bool(null);", "false");
    check("1 == 1 == true;", "true");
    check("!1 == false;", "true");
    check(
        "s = \"0\"; r = 0; if (s == 0) { r = 1; } elif (s != 0) { r = 2; } r;",
        "2",
    );
    check("f = 0.0; r = 0; if (f == 0) { r = 1; } r;", "1");
    check("b = true; r = 0; if (b == 1) { r = 1; } r;", "1");
    check("n = null; r = 0; if (n != 0) { r = 1; } r;", "1");
    check(
        "function z(n) { if (n == 0) { return \"zero\"; } return z(n - 1); } z(5);",
        "zero",
    );
    check("x = 5; while (x != 0) { x = x - 1; } x;", "0");
    check_err("s = \"a\";\nif (s < 1) { }", "TypeError", 2);
}

#[test]
fn indexing_and_slicing() {
    check("a = [1, 2, 3]; a[-1];", "3");
    check_err("a = [1];\na[5];", "IndexError", 2);
    check_err("s = \"abc\"; s[0] = \"x\";", "TypeError", 1);
    check("a = [1, 2, 3]; a[::-1];", "[3, 2, 1]");
    check("a = [1, 2, 3]; a[-2:];", "[2, 3]");
    check("a = [1, 2, 3]; a[10:];", "[]");
    check("[1,2,3][-5:];", "[1, 2, 3]");
    check_err("a = [1, 2, 3]; a[::0];", "ValueError", 1);
    check("a = [1, 2, 3, 4]; a[1:3] = [9]; a;", "[1, 9, 4]");
    check("\"héllo\"[1:3];", "él");
    check("len(\"héllo\");", "5");
    check("\"abc\"[::-1];", "cba");
    check("o = {}; o.missing;", "None");
    check_err("o = {};\no[\"missing\"];", "KeyError", 2);
    check("o = {}; o.length;", "None");
    check("a = [1, 2]; a.length;", "2");
    check("\"abc\".length;", "3");
    check(
        "d = {}; d[1] = \"a\"; d[true] = \"b\"; d[1.0] = \"c\"; d;",
        "{1: 'c'}",
    );
    check("o = {}; o.f = fn(x) => x * 10; o.f(4);", "40");
    check_err("o = {a: 1};\no.keys();", "AttributeError", 2);
    check_err("a = [];\na.push(1);", "AttributeError", 2);
    check_err("x = null;\nx.y;", "AttributeError", 2);
    check("a = [3, 1, 2]; r = a.sort(); [r, a];", "[None, [1, 2, 3]]");
    check_err("x = 5;\nx();", "TypeError", 2);
    check("a = [1, 2, 3]; a[1 ? 0 : 2];", "1");
}

#[test]
fn scoping_and_closures() {
    check(
        "function counter() { count = 0; function inc() { nonlocal count; count = count + 1; return count; } return inc; } c = counter(); c(); c(); c();",
        "3",
    );
    check_err(
        "function outer() { total = 0; function add(n) {\n total = total + n; } add(1); return total; } outer();",
        "UnboundLocalError",
        2,
    );
    check("counter = 0; function bump() { nonlocal counter; counter = counter + 1; } bump(); bump(); counter;", "2");
    check(
        "fs = []; for (i in [1, 2, 3]) { fs.append(fn() => i); } [fs[0](), fs[1](), fs[2]()];",
        "[3, 3, 3]",
    );
    check("for (i in [1, 2, 3]) { } i;", "3");
    check_err("f();\nfunction f() { return 1; }", "UnboundLocalError", 1);
    check("function even(n) { return n == 0 ? true : odd(n - 1); } function odd(n) { return n == 0 ? false : even(n - 1); } even(10);", "true");
    check(
        "g = 10; function f() { g = 20; return g; } [f(), g];",
        "[20, 10]",
    );
    check_err("function f(a) { return a; }\nf(1, 2);", "TypeError", 2);
    check_err("function f(a, b) { return a; }\nf(1);", "TypeError", 2);
    check("function f() { } f();", "None");
    check("function max(a) { return \"mine\"; } max(1);", "mine");
    check(
        "function f() { x = 1; g = fn() => x; x = 2; return g(); } f();",
        "2",
    );
    check_err("x = 1;\nnonlocal x;", "SyntaxError", 2);
}

#[test]
fn recursion_is_catchable() {
    check(
        "function r(n) { return r(n + 1); } try { r(0); } except (e) { result = str(e); } result;",
        "maximum recursion depth exceeded",
    );
    check(
        "function deep(n) { if (n == 0) { return 0; } return 1 + deep(n - 1); } deep(9000);",
        "9000",
    );
}

#[test]
fn exceptions() {
    check(
        "try { throw {message: \"boom\"}; } except (e) { r = str(e); } r;",
        "boom",
    );
    check(
        "try { throw {code: 1}; } except (e) { r = str(e); } r;",
        "User-defined exception",
    );
    check(
        "try { {}[\"nokey\"]; } except (e) { r = str(e); } r;",
        "'nokey'",
    );
    check(
        "try { [][1]; } except (e) { r = str(e); } r;",
        "list index out of range",
    );
    check(
        "try { 1/0; } except (e) { r = str(e); } r;",
        "division by zero",
    );
    check("r = []; try { throw {message: \"a\"}; } except (e) { r.append(1); } except (e2) { r.append(2); } r;", "[1]");
    check("try { 1/0; } except { r = \"caught\"; } r;", "caught");
    check("log = []; function f() { try { return \"try\"; } finally { log.append(\"fin\"); } } r = f(); [r, log];", "['try', ['fin']]");
    check(
        "function f() { try { return \"try\"; } finally { return \"finally\"; } } f();",
        "finally",
    );
    check(
        "r = []; for (i in [1, 2]) { try { break; } finally { r.append(i); } } r;",
        "[1]",
    );
    check(
        "r = []; for (i in [1, 2]) { try { continue; } finally { r.append(i); } } r;",
        "[1, 2]",
    );
    check(
        "try { try { 1/0; } except (e) { {}[\"x\"]; } } except (e2) { r = e2.type; } r;",
        "KeyError",
    );
    check("try { throw {message: \"m\", code: 42}; } except (e) { r = [e.message, e.code, e.type]; } r;", "['m', 42, 'UserError']");
    check("try { 1/0; } except (e) { } typeof(e);", "unknown");
    check(
        "function f() { try { throw {message: \"x\"}; } finally { return 1; } } f();",
        "1",
    );
    check_err("x = 1;\nthrow {message: \"boom\"};", "UserError", 2);
    check("r = 0; try { r = 1; } finally { r = r + 10; } r;", "11");
    check(
        "function f() { r = []; try { try { throw {message: \"in\"}; } finally { r.append(\"f1\"); } } except (e) { r.append(str(e)); } return r; } f();",
        "['f1', 'in']",
    );
}

#[test]
fn program_result() {
    check("result = 42; print(\"x\");", "42");
    check("return 7; 8;", "7");
    check("x = 1;", "None");
    check("x = 5; x * 2;", "10");
}

#[test]
fn destructuring() {
    check("[a, b] = [1, 2]; a + b;", "3");
    check("{a, b} = {a: 1, b: 2}; a * 10 + b;", "12");
    check_err("[a, b] = [1, 2, 3];", "ValueError", 1);
    check_err("{a} = {b: 1};", "KeyError", 1);
    check("let [x, y] = \"hi\"; y;", "i");
}

#[test]
fn loops() {
    check(
        "i = 0; s = 0; while (i < 10) { i = i + 1; if (i % 2 == 0) { continue; } s = s + i; } s;",
        "25",
    );
    check(
        "s = \"\"; for (c in \"abc\") { s = s + c + \"-\"; } s;",
        "a-b-c-",
    );
    check(
        "ks = []; for (k in {x: 1, y: 2}) { ks.append(k); } ks;",
        "['x', 'y']",
    );
    check_err("for (x in 5) { }", "TypeError", 1);
    check_err(
        "o = {a: 1}; for (k in o) {\n o[\"b\"] = 2; }",
        "RuntimeError",
        1,
    );
    check(
        "a = [1]; n = 0; for (x in a) { if (len(a) < 4) { a.append(x); } n = n + 1; } n;",
        "4",
    );
}

#[test]
fn display_rules() {
    check_out(
        "import console; console.log(true, null, [true]);",
        "True None [True]\n",
    );
    check_out("print(true, null);", "true None\n");
    check_out("print();", "\n");
    check_out(
        "print(1.0, 2.5, [1.5], {\"k\": 'v'});",
        "1.0 2.5 [1.5] {'k': 'v'}\n",
    );
    check("str(null);", "None");
    check("str([true]);", "[True]");
    check("repr(\"hi\");", "'hi'");
    check("repr(true);", "true");
    check("typeof(null);", "unknown");
    check("typeof(1.5);", "number");
    check("typeof(\"s\");", "string");
    check("typeof([]);", "array");
    check("typeof({});", "object");
    check("typeof(print);", "function");
    check("enumerate([\"a\"]);", "[(0, 'a')]");
}

#[test]
fn builtins() {
    check("int(\"3.7\");", "3");
    check("int(\"1e3\");", "1000");
    check("int(\" 42 \");", "42");
    check("int(-3.9);", "-3");
    check("int(true);", "1");
    check_err("int(\"x\");", "ValueError", 1);
    check_err("int(null);", "TypeError", 1);
    check("float(\"1e3\");", "1000.0");
    check("float(\" 2.5 \");", "2.5");
    check("float(\"inf\");", "inf");
    check_err("float(\"abc\");", "ValueError", 1);
    check("len(5);", "0");
    check("len(null);", "0");
    check("range(5);", "[0, 1, 2, 3, 4]");
    check("range(5, 0, -2);", "[5, 3, 1]");
    check_err("range(1.5);", "TypeError", 1);
    check_err("range(1, 2, 0);", "ValueError", 1);
    check("zip([1, 2, 3], [\"a\", \"b\"]);", "[(1, 'a'), (2, 'b')]");
    check("sorted([3, 1, 2], true);", "[3, 2, 1]");
    check("sorted(\"cab\");", "['a', 'b', 'c']");
    check_err("sorted([1, \"a\"]);", "TypeError", 1);
    check("reversed(\"abc\");", "['c', 'b', 'a']");
    check("sum([1, 2, 3]);", "6");
    check("sum([1, 2.5]);", "3.5");
    check_err("sum([\"a\"]);", "TypeError", 1);
    check("min(3, 1, 2);", "1");
    check("max([3, 1, 2]);", "3");
    check("max([]);", "None");
    check("abs(-3);", "3");
    check("abs(true);", "1");
    check("round(2.5);", "2.0");
    check("round(3.5);", "4.0");
    check("round(-0.5);", "-0.0");
    check("round(42);", "42");
    check("round(3.14159, 2);", "3.14");
    check("chr(65) + str(ord(\"a\"));", "A97");
    check_err("ord(\"ab\");", "TypeError", 1);
    check("hex(255);", "0xff");
    check("bin(5);", "0b101");
    check("oct(8);", "0o10");
    check("hex(-1);", "-0x1");
    check_err("hex(1.5);", "TypeError", 1);
    check("format(3.14159, \".2f\");", "3.14");
    check("format(42, \"05d\");", "00042");
    check("format(255, \"x\");", "ff");
    check("format(1234567, \",\");", "1,234,567");
    check("format(\"s\", \">5\");", "    s");
    check("callable(print);", "true");
    check("all([]);", "true");
    check("any([]);", "false");
    check(
        "it = iter([1, 2]); [next(it), next(it), next(it, \"done\")];",
        "[1, 2, 'done']",
    );
    check_err("it = iter([]);\nnext(it);", "RuntimeError", 2);
    check("call(fn(a, b) => a - b, 5, 3);", "2");
    check("hasattr(\"s\", \"upper\");", "true");
    check("hasattr({a: 1}, \"a\");", "false");
    check("hasattr(\"s\", \"_x\");", "false");
    check("f = getattr(\"abc\", \"upper\"); f();", "ABC");
    check("getattr({a: 1}, \"a\", \"dflt\");", "dflt");
    check("isinstance(true, \"number\");", "false");
    check("isinstance(1, \"number\");", "true");
    check("keys({a: 1, b: 2});", "['a', 'b']");
    check("values({a: 1, b: 2});", "[1, 2]");
    check("builtin.len([1, 2]);", "2");
    check("methods([])[0];", "append");
}

#[test]
fn string_and_array_methods() {
    check("\"Hello\".upper();", "HELLO");
    check("\"  x \".strip();", "x");
    check("\"a,b,,c\".split(\",\");", "['a', 'b', '', 'c']");
    check("\" a  b \".split();", "['a', 'b']");
    check("\"-\".join([\"a\", \"b\"]);", "a-b");
    check_err("\",\".join([1, 2]);", "TypeError", 1);
    check("\"hello\".find(\"l\");", "2");
    check("\"hello\".find(\"z\");", "-1");
    check_err("\"hello\".index(\"z\");", "ValueError", 1);
    check("\"hello\".replace(\"l\", \"L\");", "heLLo");
    check("\"hello\".startswith(\"he\");", "true");
    check("\"hello world\".title();", "Hello World");
    check("\"ab\".center(6, \"*\");", "**ab**");
    check(
        "a = [1, 2]; a.append(3); a.extend([4]); a.insert(0, 0); a;",
        "[0, 1, 2, 3, 4]",
    );
    check("a = [1, 2, 3]; a.pop();", "3");
    check_err("a = [];\na.pop();", "IndexError", 2);
    check_err("a = [1];\na.remove(5);", "ValueError", 2);
    check("a = [1, 2, 2]; a.count(2);", "2");
    check("a = [1, 2]; b = a; b.append(3); a;", "[1, 2, 3]");
    check("a = [1, 2]; b = a.copy(); b.append(3); a;", "[1, 2]");
    check("d = {}; d[1] = 2; d.get(1);", "2");
    check("d = {}; d[1] = 2; d.items();", "[(1, 2)]");
}

#[test]
fn limits_stop_bad_programs() {
    use mlpy_lang::vm::Limits;
    use std::time::Duration;
    let ran = run_with(
        "while (true) { }",
        Limits::default(),
        Some(Duration::from_millis(100)),
    );
    assert_eq!(ran.result.unwrap_err().0, "Timeout");
    let ran = run_with(
        "while (true) { try { while (true) {} } except (e) { } }",
        Limits::default(),
        Some(Duration::from_millis(100)),
    );
    assert_eq!(ran.result.unwrap_err().0, "Timeout");
    check_err("s = \"x\" * 100000000000;", "MemoryError", 1);
    check_err("a = [0] * 100000000000;", "MemoryError", 1);
    check_err("range(100000000000);", "MemoryError", 1);
    check("a = []; for (i in range(200000)) { a = [a]; } 1;", "1");
    check("a = []; a.append(a); str(a);", "[[...]]");
    check("function f(n) { return sorted([n], false); } s = 0; for (i in range(1000)) { s = s + f(i)[0]; } s;", "499500");
}

#[test]
fn reference_cycles_in_globals_are_freed_at_the_end_of_a_run() {
    use mlpy_lang::capability::GrantSet;
    use mlpy_lang::host::Host;
    use mlpy_lang::syntax::SourceFile;
    use mlpy_lang::{compile, Limits, Value, Vm};
    use std::rc::Rc;
    use std::sync::Arc;
    let src = "a = []; a.append(a); o = {}; o.me = o; function f() { return f; } g = fn() => a;";
    let program = compile(Arc::new(SourceFile::new("cycles.ml", src))).unwrap();
    let mut vm = Vm::new(
        Host::captured(),
        Arc::new(GrantSet::none()),
        Limits::default(),
    );
    vm.run(&program).unwrap();
    let (Some(Value::Array(a)), Some(Value::Object(o)), Some(Value::Function(f))) =
        (vm.env.get("a"), vm.env.get("o"), vm.env.get("f"))
    else {
        panic!("globals missing");
    };
    let weak = (Rc::downgrade(&a), Rc::downgrade(&o), Rc::downgrade(&f));
    drop((a, o, f));
    vm.clear_globals();
    assert!(weak.0.upgrade().is_none(), "array cycle leaked");
    assert!(weak.1.upgrade().is_none(), "object cycle leaked");
    assert!(weak.2.upgrade().is_none(), "function cycle leaked");
}
