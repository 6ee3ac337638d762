//! The pure standard-library modules at ML level: math, json, regex,
//! functional, collections, random, datetime. Expected values were checked
//! against CPython 3.11 where Python decides the behaviour.

mod common;
use common::*;

/// Runs `body` after importing `module`.
fn m(module: &str, body: &str) -> String {
    format!("import {module};\n{body}")
}

#[track_caller]
fn ok(module: &str, body: &str, expected: &str) {
    check(&m(module, body), expected);
}

/// Asserts an error of `kind` on line 2 (the first line after the import).
#[track_caller]
fn fails(module: &str, body: &str, kind: &str) {
    check_err(&m(module, body), kind, 2);
}

/// The message of the error raised by `expr`.
#[track_caller]
fn message(module: &str, expr: &str, expected: &str) {
    let src = format!("try {{ {expr}; r = \"no error\"; }} except (e) {{ r = str(e); }}\nr;");
    ok(module, &src, expected);
}

// ---------------------------------------------------------------- math

#[test]
fn math_constants_and_roots() {
    ok("math", "math.pi;", "3.141592653589793");
    ok("math", "math.e;", "2.718281828459045");
    ok("math", "math.sqrt(16);", "4.0");
    ok("math", "math.sqrt(2);", "1.4142135623730951");
    fails("math", "math.sqrt(-1);", "ValueError");
    message("math", "math.sqrt(-1)", "math domain error");
    fails("math", "math.sqrt(\"x\");", "TypeError");
    ok(
        "math",
        "[math.abs(-5), math.abs(-2.5), math.abs(true)];",
        "[5, 2.5, 1]",
    );
    ok(
        "math",
        "math.abs(-9223372036854775807 - 1);",
        "9223372036854775808",
    );
}

#[test]
fn math_trigonometry_and_exponentials() {
    ok(
        "math",
        "[math.sin(0), math.cos(0), math.tan(0)];",
        "[0.0, 1.0, 0.0]",
    );
    ok(
        "math",
        "[math.asin(1), math.acos(1), math.atan(1)];",
        "[1.5707963267948966, 0.0, 0.7853981633974483]",
    );
    fails("math", "math.asin(2);", "ValueError");
    fails("math", "math.acos(-1.5);", "ValueError");
    ok("math", "math.atan2(1, -1);", "2.356194490192345");
    ok("math", "math.exp(1);", "2.718281828459045");
    ok("math", "math.exp(1000);", "inf");
    ok("math", "math.ln(math.e);", "1.0");
    fails("math", "math.ln(0);", "ValueError");
    fails("math", "math.ln(-1);", "ValueError");
    ok("math", "math.log(1000);", "2.9999999999999996");
    ok("math", "math.log(8, 2);", "3.0");
    ok("math", "math.log(100);", "2.0");
    ok(
        "math",
        "math.log(math.pow(2, 3000), 2);",
        "2999.9999999999995",
    );
    fails("math", "math.log(0);", "ValueError");
    fails("math", "math.log(8, 1);", "ValueError");
    fails("math", "math.log(8, 0);", "ValueError");
    fails("math", "math.log(8, -2);", "ValueError");
    ok(
        "math",
        "[math.degToRad(180), math.radians(90)];",
        "[3.141592653589793, 1.5707963267948966]",
    );
    ok(
        "math",
        "[math.radToDeg(math.pi), math.degrees(math.pi / 2)];",
        "[180.0, 90.0]",
    );
}

#[test]
fn math_pow_keeps_ints_exact() {
    ok("math", "math.pow(2, 10);", "1024");
    ok(
        "math",
        "typeof(math.pow(2, 10)) + \" \" + str(math.pow(2, 10) == 1024);",
        "number true",
    );
    ok(
        "math",
        "math.pow(2, 100);",
        "1267650600228229401496703205376",
    );
    ok("math", "math.pow(-3, 3);", "-27");
    ok("math", "math.pow(2, -1);", "0.5");
    ok("math", "math.pow(2.5, 2);", "6.25");
    ok("math", "math.pow(4, 0.5);", "2.0");
    ok("math", "math.pow(10, 400.0);", "inf");
    fails("math", "math.pow(0, -1);", "ZeroDivisionError");
    fails("math", "math.pow(-8, 1 / 3);", "ValueError");
    fails("math", "math.pow(10, 100000000000);", "MemoryError");
    ok("math", "math.pow(1, 100000000000);", "1");
    ok("math", "math.pow(-1, 100000000001);", "-1");
}

#[test]
fn math_rounding() {
    ok(
        "math",
        "[math.floor(2.7), math.floor(-2.5), math.floor(5)];",
        "[2, -3, 5]",
    );
    ok(
        "math",
        "[math.ceil(2.1), math.ceil(-2.5), math.ceil(5)];",
        "[3, -2, 5]",
    );
    ok("math", "math.floor(1e20);", "100000000000000000000");
    fails("math", "math.floor(float(\"inf\"));", "OverflowError");
    fails("math", "math.ceil(float(\"nan\"));", "ValueError");
    ok(
        "math",
        "[math.round(2.5), math.round(3.5), math.round(-2.5), math.round(2.4), math.round(7)];",
        "[2, 4, -2, 2, 7]",
    );
    ok(
        "math",
        "typeof(math.round(2.5)) + str(math.round(2.5));",
        "number2",
    );
    ok(
        "math",
        "[math.sign(-3), math.sign(0), math.sign(2.5), math.sign(-0.5)];",
        "[-1, 0, 1, -1]",
    );
}

#[test]
fn math_min_max_integers() {
    ok(
        "math",
        "[math.min(3, 1.5), math.max(2, 7), math.min(1, 1.0), math.max(\"a\", \"b\")];",
        "[1.5, 7, 1, 'b']",
    );
    fails("math", "math.min(1, 2, 3);", "TypeError");
    fails("math", "math.max(1, \"a\");", "TypeError");
    ok(
        "math",
        "[math.factorial(0), math.factorial(5), math.factorial(25)];",
        "[1, 120, 15511210043330985984000000]",
    );
    ok(
        "math",
        "math.factorial(30);",
        "265252859812191058636308480000000",
    );
    ok("math", "len(str(math.factorial(1000)));", "2568");
    fails("math", "math.factorial(-1);", "ValueError");
    fails("math", "math.factorial(2.5);", "ValueError");
    fails("math", "math.factorial(\"5\");", "TypeError");
    ok(
        "math",
        "[math.gcd(12, 18), math.gcd(0, 5), math.gcd(-12, 18)];",
        "[6, 5, 6]",
    );
    ok(
        "math",
        "[math.lcm(4, 6), math.lcm(0, 3), math.lcm(-4, 6)];",
        "[12, 0, 12]",
    );
    fails("math", "math.gcd(1.5, 3);", "TypeError");
    ok("math", "r = math.random(); r >= 0 && r < 1;", "true");
}

// ---------------------------------------------------------------- json

#[test]
fn json_stringify_python_style() {
    ok(
        "json",
        r#"json.stringify({"c": "é"});"#,
        r#"{"c": "\u00e9"}"#,
    );
    ok(
        "json",
        r#"json.stringify({"a": 1, "b": [true, null]});"#,
        r#"{"a": 1, "b": [true, null]}"#,
    );
    ok("json", r#"json.stringify("😀");"#, r#""\ud83d\ude00""#);
    ok(
        "json",
        r#"json.stringify([1e16, 1.0, 0.1, -0.0, 2.5e-7]);"#,
        "[1e+16, 1.0, 0.1, -0.0, 2.5e-07]",
    );
    ok(
        "json",
        r#"json.stringify([float("nan"), float("inf"), float("-inf")]);"#,
        "[NaN, Infinity, -Infinity]",
    );
    ok(
        "json",
        r#"json.stringify(enumerate(["x"]));"#,
        r#"[[0, "x"]]"#,
    );
    ok(
        "json",
        r#"d = {}; d[1] = "a"; d[1.5] = "b"; d[true] = "c"; d[null] = "n"; json.stringify(d);"#,
        r#"{"1": "c", "1.5": "b", "null": "n"}"#,
    );
    ok(
        "json",
        r#"json.stringify("a\"b\\c\n\t");"#,
        r#""a\"b\\c\n\t""#,
    );
    ok(
        "json",
        r#"json.stringify(chr(1) + chr(127));"#,
        r#""\u0001\u007f""#,
    );
    ok(
        "json",
        "json.stringify(123456789012345678901234567890);",
        "123456789012345678901234567890",
    );
    ok("json", "json.stringify([]) + json.stringify({});", "[]{}");
    fails("json", "json.stringify(fn(x) => x);", "ValueError");
    fails("json", "json.stringify({\"f\": print});", "ValueError");
    message(
        "json",
        "json.stringify(fn(x) => x)",
        "JSON serialization failed: Object of type function is not JSON serializable",
    );
    fails(
        "json",
        "a = []; a.append(a); json.stringify(a);",
        "ValueError",
    );
    message(
        "json",
        "a = []; a.append(a); json.stringify(a)",
        "JSON serialization failed: Circular reference detected",
    );
    // Shared (not cyclic) references are fine.
    ok("json", "s = [1]; json.stringify([s, s]);", "[[1], [1]]");
    // Deep nesting is an error, not a crash.
    fails(
        "json",
        "x = 1; for (i in range(5000)) { x = [x]; } json.stringify(x);",
        "ValueError",
    );
}

#[test]
fn json_pretty_print() {
    ok(
        "json",
        r#"json.prettyPrint({"a": [1, 2]});"#,
        "{\n    \"a\": [\n        1,\n        2\n    ]\n}",
    );
    ok(
        "json",
        r#"json.prettyPrint([1, [], {}], 2);"#,
        "[\n  1,\n  [],\n  {}\n]",
    );
    ok(
        "json",
        r#"json.prettyPrint({"a": 1}, 0);"#,
        "{\n\"a\": 1\n}",
    );
    ok(
        "json",
        r#"json.prettyPrint({"a": [1]}, "\t");"#,
        "{\n\t\"a\": [\n\t\t1\n\t]\n}",
    );
    ok(
        "json",
        "json.prettyPrint({}) + json.prettyPrint([]);",
        "{}[]",
    );
    ok(
        "json",
        r#"json.prettyPrint({"é": 1});"#,
        "{\n    \"\\u00e9\": 1\n}",
    );
}

#[test]
fn json_parse_keeps_numbers() {
    ok("json", r#"json.parse('{"a": 1.0}');"#, "{'a': 1.0}");
    ok(
        "json",
        r#"json.parse('{"a": 1, "b": [true, null]}');"#,
        "{'a': 1, 'b': [True, None]}",
    );
    ok(
        "json",
        r#"json.parse("123456789012345678901234567890") + 1;"#,
        "123456789012345678901234567891",
    );
    ok("json", r#"json.parse("-0.5e3");"#, "-500.0");
    ok(
        "json",
        r#"json.parse("[NaN, Infinity, -Infinity]");"#,
        "[nan, inf, -inf]",
    );
    ok(
        "json",
        r#"json.parse('"a\\nb \\u00e9 \\ud83d\\ude00"');"#,
        "a\nb é 😀",
    );
    ok(
        "json",
        r#"json.parse('  {"a": {"b": []}}  ');"#,
        "{'a': {'b': []}}",
    );
    ok("json", r#"json.parse('{"a": 1, "a": 2}');"#, "{'a': 2}");
    ok("json", r#"x = json.parse('{"k": [1, 2]}'); x.k[1];"#, "2");
    ok(
        "json",
        r#"json.parse(json.stringify({"x": [1, 2.5, "s", null, false]}));"#,
        "{'x': [1, 2.5, 's', None, False]}",
    );
}

#[test]
fn json_parse_errors() {
    fails("json", "json.parse(\"{bad\");", "ValueError");
    message(
        "json",
        "json.parse(\"\")",
        "JSON parsing failed: Expecting value: line 1 column 1 (char 0)",
    );
    message(
        "json",
        "json.parse(\"[1, 2\")",
        "JSON parsing failed: Expecting ',' delimiter: line 1 column 6 (char 5)",
    );
    message("json", "json.parse(\"{'a': 1}\")", "JSON parsing failed: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)");
    message(
        "json",
        "json.parse(\"[1]\\n x\")",
        "JSON parsing failed: Extra data: line 2 column 2 (char 5)",
    );
    message(
        "json",
        "json.parse(5)",
        "JSON parsing failed: the JSON object must be str, bytes or bytearray, not int",
    );
    fails("json", "json.parse(\"[\" * 5000);", "ValueError");
}

#[test]
fn json_safe_parse_and_validate() {
    ok("json", r#"json.safeParse("[[1]]");"#, "[[1]]");
    ok("json", r#"json.safeParse("[1]", 1);"#, "[1]");
    fails("json", r#"json.safeParse("[[1]]", 1);"#, "ValueError");
    message(
        "json",
        r#"json.safeParse("[[1]]", 1)"#,
        "JSON object depth exceeds maximum allowed (1)",
    );
    ok(
        "json",
        r#"len(json.safeParse("[" * 100 + "1" + "]" * 100));"#,
        "1",
    );
    fails(
        "json",
        r#"json.safeParse("[" * 101 + "1" + "]" * 101);"#,
        "ValueError",
    );
    // The limit is capped at 100.
    fails(
        "json",
        r#"json.safeParse("[" * 101 + "1" + "]" * 101, 500);"#,
        "ValueError",
    );
    fails("json", r#"json.safeParse("{oops");"#, "ValueError");
    ok(
        "json",
        r#"[json.validate('{"a": 1}'), json.validate("{a: 1}"), json.validate(""), json.validate(5)];"#,
        "[True, False, False, False]",
    );
}

#[test]
fn json_predicates_and_objects() {
    ok(
        "json",
        r#"[json.isObject({}), json.isObject([]), json.isArray([]), json.isArray(enumerate([1])[0])];"#,
        "[True, False, True, False]",
    );
    ok(
        "json",
        r#"[json.isString(""), json.isNumber(1), json.isNumber(1.5), json.isNumber(true), json.isNumber("1")];"#,
        "[True, True, True, False, False]",
    );
    ok(
        "json",
        r#"[json.isBoolean(false), json.isBoolean(0), json.isNull(null), json.isNull(0)];"#,
        "[True, False, True, False]",
    );
    ok(
        "json",
        r#"[json.keys({"a": 1, "b": 2}), json.keys([1]), json.values({"a": 1, "b": 2}), json.values("x")];"#,
        "[['a', 'b'], [], [1, 2], []]",
    );
    ok(
        "json",
        r#"[json.hasKey({"a": 1}, "a"), json.hasKey({"a": 1}, "b"), json.hasKey([], "a")];"#,
        "[True, False, False]",
    );
    ok(
        "json",
        r#"[json.get({"a": 1}, "a"), json.get({"a": 1}, "z"), json.get({"a": 1}, "z", 0), json.get(5, "a", "d")];"#,
        "[1, None, 0, 'd']",
    );
    ok(
        "json",
        r#"a = {"a": 1, "b": 2}; m = json.merge(a, {"b": 3, "c": 4}); [m, a];"#,
        "[{'a': 1, 'b': 3, 'c': 4}, {'a': 1, 'b': 2}]",
    );
    ok(
        "json",
        r#"o = {"x": [1]}; c = json.merge({}, o); c.y = 2; [o, c];"#,
        "[{'x': [1]}, {'x': [1], 'y': 2}]",
    );
    fails("json", "json.merge({}, [1]);", "TypeError");
}

// ---------------------------------------------------------------- regex

#[test]
fn regex_module_functions() {
    ok("regex", r#"regex.test("\\d+", "abc 42");"#, "true");
    ok("regex", r#"regex.test("^\\d+$", "123\n");"#, "true");
    ok(
        "regex",
        r#"regex.findall("(a)(b)", "abab");"#,
        "[('a', 'b'), ('a', 'b')]",
    );
    ok("regex", r#"regex.findall("a(b)", "abab");"#, "['b', 'b']");
    ok(
        "regex",
        r#"regex.findall("\\d+", "a1b22c333");"#,
        "['1', '22', '333']",
    );
    ok("regex", r#"regex.findall("(a)|b", "ab");"#, "['a', '']");
    ok("regex", r#"regex.match("b", "ab");"#, "None");
    ok("regex", r#"regex.search("b", "ab").span();"#, "[1, 2]");
    ok("regex", r#"regex.match("a", "ab").group();"#, "a");
    ok(
        "regex",
        r#"[regex.fullmatch("a|ab", "ab").span(), regex.fullmatch("a", "ab")];"#,
        "[[0, 2], None]",
    );
    ok(
        "regex",
        r#"regex.split("[,;]\\s*", "a, b;c");"#,
        "['a', 'b', 'c']",
    );
    ok(
        "regex",
        r#"regex.split("(,)", "a,b,c", 1);"#,
        "['a', ',', 'b,c']",
    );
    ok(
        "regex",
        r#"regex.split("x*", "axbc");"#,
        "['', 'a', '', 'b', 'c', '']",
    );
    ok("regex", r#"regex.sub("\\d+", "X", "a1b22");"#, "aXbX");
    ok("regex", r#"regex.sub("x*", "-", "abxd");"#, "-a-b--d-");
    ok(
        "regex",
        r#"regex.sub("(\\w+)-(\\w+)", "\\2-\\1", "foo-bar");"#,
        "bar-foo",
    );
    ok(
        "regex",
        r#"regex.sub("(?P<w>\\w+)", "<\\g<w>|\\g<1>|\\g<0>>", "hi");"#,
        "<hi|hi|hi>",
    );
    ok(
        "regex",
        r#"regex.sub("a", "\\n", "bab") == "b\nb";"#,
        "true",
    );
    ok("regex", r#"regex.sub("a", "x", "aaa", 2);"#, "xxa");
    ok(
        "regex",
        r#"regex.sub("a", fn(m) => m.group().upper() + str(m.start()), "banana");"#,
        "bA1nA3nA5",
    );
    ok(
        "regex",
        r#"regex.subn("a", "b", "aaa");"#,
        "{'result': 'bbb', 'count': 3}",
    );
    ok("regex", r#"regex.count("a", "banana");"#, "3");
    ok("regex", r#"len(regex.finditer("\\w+", "a bb ccc"));"#, "3");
    ok(
        "regex",
        r#"r = []; for (x in regex.finditer("\\w+", "a bb")) { r.append(x.group()); } r;"#,
        "['a', 'bb']",
    );
    ok(
        "regex",
        r#"regex.escape("Price: $5.99");"#,
        "Price:\\ \\$5\\.99",
    );
    ok(
        "regex",
        r#"[regex.isValid("a+"), regex.isValid("("), regex.isValid(5)];"#,
        "[True, False, False]",
    );
}

#[test]
fn regex_flags() {
    ok("regex", "[regex.IGNORECASE(), regex.MULTILINE(), regex.DOTALL(), regex.UNICODE(), regex.VERBOSE(), regex.ASCII()] == [2, 8, 16, 32, 64, 256];", "true");
    ok(
        "regex",
        r#"regex.findall("hello", "Hello HELLO", regex.IGNORECASE());"#,
        "['Hello', 'HELLO']",
    );
    ok(
        "regex",
        r#"regex.findall("^\\w", "ab\ncd", regex.MULTILINE());"#,
        "['a', 'c']",
    );
    ok(
        "regex",
        r#"regex.findall("a.b", "a\nb", regex.DOTALL() + regex.IGNORECASE());"#,
        "['a\\nb']",
    );
    ok(
        "regex",
        r#"regex.findall("\\w+", "héllo", regex.ASCII());"#,
        "['h', 'llo']",
    );
    ok("regex", r#"regex.findall("\\w+", "héllo");"#, "['héllo']");
    ok(
        "regex",
        r#"regex.test("\\d{3} - \\d{4} # phone", "555-1234", regex.VERBOSE());"#,
        "true",
    );
    ok(
        "regex",
        r#"regex.findall("(?i)ab", "AB ab");"#,
        "['AB', 'ab']",
    );
}

#[test]
fn regex_match_objects() {
    let setup = r#"m = regex.search("(?P<year>\\d{4})-(?P<month>\\d\\d)(-(\\d\\d))?", "Date: 2025-10 end");"#;
    let t = |expr: &str, expected: &str| ok("regex", &format!("{setup}\n{expr};"), expected);
    t("typeof(m)", "Match");
    t("m.group(0)", "2025-10");
    t("m.group()", "2025-10");
    t("m.group(1)", "2025");
    t("m.group(\"month\")", "10");
    t("m.group(4)", "None");
    t("m.group(9)", "None");
    t("m.group(\"nope\")", "None");
    t("m.groups()", "['2025', '10', None, None]");
    t("m.groups(\"-\")", "['2025', '10', '-', '-']");
    t("m.groupDict()", "{'year': '2025', 'month': '10'}");
    t("m.start()", "6");
    t("m.end()", "13");
    t("m.span(2)", "[11, 13]");
    t("m.start(3)", "-1");
    t("m.span(7)", "[-1, -1]");
    t("m.start(\"year\")", "6");
    t("m.value()", "2025-10");
    t("m.lastGroup()", "month");
    t("m.groupCount()", "4");
    t("m.expand(\"\\\\g<month>/\\\\1\")", "10/2025");
    t("m.toString()", "Match(value='2025-10', span=[6, 13])");
    t("str(m)", "Match(value='2025-10', span=[6, 13])");
    // Positions count code points, not bytes.
    ok(
        "regex",
        r#"m = regex.search("b+", "ééébb"); [m.start(), m.end(), m.span()];"#,
        "[3, 5, [3, 5]]",
    );
    ok(
        "regex",
        r#"regex.search("(a)(b)?", "a").lastGroup();"#,
        "None",
    );
    ok(
        "regex",
        r#"m = regex.search("(a)(b)?", "a"); m.expand("[\\2]");"#,
        "[]",
    );
    fails(
        "regex",
        r#"regex.search("(a)", "a").expand("\\5");"#,
        "ValueError",
    );
}

#[test]
fn regex_pattern_objects() {
    let setup = r#"p = regex.compile("(\\w)(\\w)?", regex.IGNORECASE() + regex.MULTILINE());"#;
    let t = |expr: &str, expected: &str| ok("regex", &format!("{setup}\n{expr};"), expected);
    t("typeof(p)", "Pattern");
    t("p.pattern", "(\\w)(\\w)?");
    t("p.getPattern()", "(\\w)(\\w)?");
    t("p.getFlags()", "10");
    t(
        "p.toString()",
        "Pattern('(\\\\w)(\\\\w)?', flags=IGNORECASE | MULTILINE)",
    );
    t("p.test(\"!a\")", "true");
    t("p.findall(\"abcde\", 1, 4)", "[('b', 'c'), ('d', '')]");
    t("p.search(\"abcde\", 2).span()", "[2, 4]");
    t("p.match(\"abcde\", 3).group(0)", "de");
    t("p.match(\"!abc\")", "None");
    t("p.fullmatch(\"abcde\", 1, 3).span()", "[1, 3]");
    t("p.fullmatch(\"abc\")", "None");
    t("len(p.finditer(\"abcde\"))", "3");
    t("p.finditer(\"ab cd\", 3)[0].group()", "cd");
    t("p.split(\"ab-cd\")", "['', 'a', 'b', '-', 'c', 'd', '']");
    t("p.split(\"ab-cd\", 1)", "['', 'a', 'b', '-cd']");
    t("p.sub(\"\\\\2\\\\1\", \"abc\")", "bac");
    t("p.sub(\"x\", \"abcde\", 2)", "xxe");
    t("p.subn(\"x\", \"abc\")", "{'result': 'xx', 'count': 2}");
    t("p.count(\"abcde f\")", "4");
    ok("regex", r#"regex.compile("a").toString();"#, "Pattern('a')");
    ok(
        "regex",
        r#"p = regex.compile("\\d"); regex.findall(p, "a1b2");"#,
        "['1', '2']",
    );
    ok(
        "regex",
        r#"regex.compile("^x$", regex.MULTILINE()).findall("x\nx\ny");"#,
        "['x', 'x']",
    );
}

#[test]
fn regex_python_syntax_is_translated() {
    ok(
        "regex",
        r#"regex.findall("(\\w)\\1", "aabbcd");"#,
        "['a', 'b']",
    );
    ok(
        "regex",
        r#"regex.findall("(?P<c>\\w)(?P=c)", "xxyz");"#,
        "['x']",
    );
    ok(
        "regex",
        r#"regex.findall("(?<=\\$)\\d+", "cost $42 or $7");"#,
        "['42', '7']",
    );
    ok(
        "regex",
        r#"regex.findall("\\d+(?= dollars)", "5 dollars 6 euros");"#,
        "['5']",
    );
    ok("regex", r#"regex.test("a\\Z", "a\n");"#, "false");
    ok("regex", r#"regex.test("a$", "a\n");"#, "true");
    ok("regex", r#"regex.findall("[[]", "a[b");"#, "['[']");
    ok(
        "regex",
        r#"regex.findall("a{,2}", "aaa");"#,
        "['aa', 'a', '']",
    );
    ok("regex", r#"regex.findall("x{", "x{");"#, "['x{']");
    ok(
        "regex",
        r#"regex.findall("\\u00e9|\\x41", "Aé");"#,
        "['A', 'é']",
    );
    ok(
        "regex",
        r#"regex.findall("a(?#comment)b", "ab");"#,
        "['ab']",
    );
    ok("regex", r#"regex.findall("😀+", "a😀😀b");"#, "['😀😀']");
    ok("regex", r#"regex.findall("|a", "a");"#, "['', 'a', '']");
    ok(
        "regex",
        r#"regex.findall("a*?", "aa");"#,
        "['', 'a', '', 'a', '']",
    );
}

#[test]
fn regex_errors() {
    fails("regex", r#"regex.compile("(a");"#, "ValueError");
    message(
        "regex",
        r#"regex.compile("(a")"#,
        "Invalid regex pattern '(a': missing ), unterminated subpattern at position 0",
    );
    message(
        "regex",
        r#"regex.search("\\q", "q")"#,
        "Invalid regex pattern '\\q': bad escape \\q at position 0",
    );
    message(
        "regex",
        r#"regex.test("(a)\\2", "aa")"#,
        "Invalid regex pattern '(a)\\2': invalid group reference 2 at position 4",
    );
    message(
        "regex",
        r#"regex.findall("[z-a]", "a")"#,
        "Invalid regex pattern '[z-a]': bad character range z-a at position 1",
    );
    fails("regex", r#"regex.sub("a", "\\q", "a");"#, "ValueError");
    fails(
        "regex",
        r#"regex.sub("(a)", "\\g<nope>", "a");"#,
        "ValueError",
    );
    fails("regex", r#"regex.sub("a", 5, "a");"#, "TypeError");
    fails("regex", r#"regex.sub("a", fn(m) => 5, "a");"#, "TypeError");
    fails("regex", r#"regex.search("a", 5);"#, "TypeError");
    fails("regex", r#"regex.compile("a", 4);"#, "ValueError");
    fails("regex", r#"regex.compile("a").nope();"#, "AttributeError");
    // Catastrophic backtracking is stopped, not left to hang.
    fails(
        "regex",
        r#"regex.test("(a|aa)+\\1$", "a" * 40 + "!");"#,
        "RuntimeError",
    );
    // Without backreferences the linear engine answers at once.
    ok("regex", r#"regex.test("(a+)+b", "a" * 5000);"#, "false");
}

// ---------------------------------------------------------------- functional

#[test]
fn functional_list_functions() {
    ok(
        "functional",
        "functional.map(fn(x) => x * 2, [1, 2, 3]);",
        "[2, 4, 6]",
    );
    ok(
        "functional",
        "functional.map(fn(c) => c.upper(), \"ab\");",
        "['A', 'B']",
    );
    ok(
        "functional",
        "functional.filter(fn(x) => x % 2 == 0, [1, 2, 3, 4]);",
        "[2, 4]",
    );
    ok(
        "functional",
        "functional.reduce(fn(a, b) => a + b, [1, 2, 3]);",
        "6",
    );
    ok(
        "functional",
        "functional.reduce(fn(a, b) => a + b, [1, 2, 3], 10);",
        "16",
    );
    ok(
        "functional",
        "functional.reduce(fn(a, b) => a + b, [], 0);",
        "0",
    );
    fails(
        "functional",
        "functional.reduce(fn(a, b) => a + b, []);",
        "TypeError",
    );
    fails(
        "functional",
        "functional.reduce(fn(a, b) => a + b, [], null);",
        "TypeError",
    );
    ok(
        "functional",
        "out = []; r = functional.forEach(fn(x) => out.append(x * 10), [1, 2]); [r, out];",
        "[None, [10, 20]]",
    );
    ok(
        "functional",
        "out = []; functional.for_each(fn(x) => out.append(x), \"ab\"); out;",
        "['a', 'b']",
    );
    ok(
        "functional",
        "[functional.find(fn(x) => x > 1, [1, 2, 3]), functional.find(fn(x) => x > 5, [1])];",
        "[2, None]",
    );
    ok("functional", "[functional.some(fn(x) => x > 2, [1, 3]), functional.every(fn(x) => x > 2, [1, 3]), functional.every(fn(x) => false, [])];", "[True, False, True]");
    ok("functional", "[functional.take(2, [1, 2, 3]), functional.drop(1, [1, 2, 3]), functional.take(-1, [1, 2, 3])];", "[[1, 2], [2, 3], [1, 2]]");
    ok(
        "functional",
        "functional.takeWhile(fn(x) => x < 3, [1, 2, 3, 1]);",
        "[1, 2]",
    );
    ok(
        "functional",
        "functional.partition(fn(x) => x > 1, [1, 2, 3]);",
        "[[2, 3], [1]]",
    );
    ok(
        "functional",
        "functional.groupBy(fn(x) => x % 2, [1, 2, 3, 4]);",
        "{1: [1, 3], 0: [2, 4]}",
    );
    ok(
        "functional",
        "functional.group_by(fn(s) => len(s), [\"a\", \"bb\", \"c\"]);",
        "{1: ['a', 'c'], 2: ['bb']}",
    );
    fails(
        "functional",
        "functional.groupBy(fn(x) => [x], [1]);",
        "TypeError",
    );
    ok("functional", "[functional.unique([1, 2, 1, 3, 2]), functional.reverse([1, 2]), functional.flatten([[1, 2], [3], 4])];", "[[1, 2, 3], [2, 1], [1, 2, 3, 4]]");
    ok(
        "functional",
        "functional.chunk(2, [1, 2, 3, 4, 5]);",
        "[[1, 2], [3, 4], [5]]",
    );
    ok(
        "functional",
        "functional.chunk([1, 2, 3], 2);",
        "[[1, 2], [3]]",
    );
    fails("functional", "functional.chunk(0, [1]);", "ValueError");
    ok(
        "functional",
        "[functional.zip([1, 2], [\"a\", \"b\", \"c\"]), functional.zip()];",
        "[[(1, 'a'), (2, 'b')], []]",
    );
    ok(
        "functional",
        "functional.zipWith(fn(a, b) => a + b, [1, 2], [10, 20, 30]);",
        "[11, 22]",
    );
    ok(
        "functional",
        "functional.times(3, fn(i) => i * i);",
        "[0, 1, 4]",
    );
    ok(
        "functional",
        "[functional.range(5), functional.range(2, 5), functional.range(10, 0, -3)];",
        "[[0, 1, 2, 3, 4], [2, 3, 4], [10, 7, 4, 1]]",
    );
    fails("functional", "functional.range(1, 5, 0);", "ValueError");
    ok(
        "functional",
        "[functional.repeat(\"x\", 3), functional.repeat(0, -1)];",
        "[['x', 'x', 'x'], []]",
    );
    fails(
        "functional",
        "functional.repeat(0, 1000000000000);",
        "MemoryError",
    );
    fails("functional", "functional.map(5, [1]);", "TypeError");
    fails("functional", "functional.map(fn(x) => x, 5);", "TypeError");
}

#[test]
fn functional_combinators() {
    ok(
        "functional",
        "h = functional.compose(fn(x) => x + 1, fn(x) => x * 2); h(5);",
        "11",
    );
    ok(
        "functional",
        "h = functional.pipe(fn(x) => x + 1, fn(x) => x * 2); h(5);",
        "12",
    );
    ok(
        "functional",
        "h = functional.composeAll([fn(x) => x + 1, fn(x) => x * 2]); h(5);",
        "11",
    );
    ok(
        "functional",
        "h = functional.pipeAll([fn(x) => x + 1, fn(x) => x * 2]); h(5);",
        "12",
    );
    ok("functional", "h = functional.compose(); h(7);", "7");
    ok("functional", "typeof(functional.compose(str));", "function");
    ok("functional", "h = functional.pipe(abs, str); h(-4);", "4");
    fails("functional", "functional.compose(1);", "TypeError");
    ok(
        "functional",
        "add3 = fn(a, b, c) => a + b + c; c = functional.curry(add3); a = c(1); b = a(2); b(3);",
        "6",
    );
    ok("functional", "add3 = fn(a, b, c) => a + b + c; c = functional.curry(add3); b = c(1, 2); [b(3), c(1, 2, 3)];", "[6, 6]");
    ok(
        "functional",
        "c = functional.curry(max, 2); f = c(3); f(9);",
        "9",
    );
    fails("functional", "functional.curry(max);", "TypeError");
    ok(
        "functional",
        "sub = functional.curry2(fn(a, b) => a - b); f = sub(10); f(3);",
        "7",
    );
    ok(
        "functional",
        "f = functional.partial(fn(a, b) => a - b, 10); f(3);",
        "7",
    );
    ok(
        "functional",
        "f = functional.partial_apply(fn(a, b, c) => a + b + c, 1, 2); f(3);",
        "6",
    );
    ok(
        "functional",
        "[functional.identity(5), functional.constant(7)()];",
        "[5, 7]",
    );
    ok(
        "functional",
        "functional.map(functional.constant(0), [1, 2]);",
        "[0, 0]",
    );
    ok(
        "functional",
        "count = 0; function slow(x) { nonlocal count; count = count + 1; return x * 2; }\n\
         f = functional.memoize(slow); r = [f(2), f(2), f(3)]; [r, count];",
        "[[4, 4, 6], 2]",
    );
    ok(
        "functional",
        "fib = functional.memoize(fn(n) => n < 2 ? n : fib(n - 1) + fib(n - 2)); fib(80);",
        "23416728348467685",
    );
    fails(
        "functional",
        "f = functional.memoize(fn(x) => 1); f([1]);",
        "TypeError",
    );
    ok(
        "functional",
        "s = functional.ifElse(fn(x) => x > 0, fn(x) => \"pos\", fn(x) => \"neg\"); [s(1), s(-1)];",
        "['pos', 'neg']",
    );
    ok(
        "functional",
        "c = functional.cond([[fn(x) => x < 0, fn(x) => \"neg\"], [fn(x) => x == 0, fn(x) => \"zero\"]]); [c(-2), c(0), c(5)];",
        "['neg', 'zero', None]",
    );
    ok(
        "functional",
        "j = functional.juxt([fn(x) => x + 1, fn(x) => x * 2]); j(3);",
        "[4, 6]",
    );
    fails(
        "functional",
        "h = functional.pipe(fn(x) => x); h(1, 2);",
        "TypeError",
    );
}

// ---------------------------------------------------------------- collections

#[test]
fn collections_reading() {
    ok(
        "collections",
        "[collections.length([1, 2, 3]), collections.length(\"ab\")];",
        "[3, 2]",
    );
    ok("collections", "[collections.get([1, 2, 3], 1), collections.get([1, 2, 3], -1), collections.get([1, 2, 3], 5), collections.get([1], -2)];", "[2, 3, None, None]");
    ok("collections", "[collections.first([]), collections.first([4, 5]), collections.last([1, 2]), collections.last([])];", "[None, 4, 2, None]");
    ok("collections", "[collections.contains([1, 2], 2), collections.contains([1, 2], 1.0), collections.contains([[1]], [1]), collections.contains([1], 3)];", "[True, True, True, False]");
    ok("collections", "[collections.indexOf([1, 2, 3], 3), collections.indexOf([1], 9), collections.index_of([\"a\"], \"a\")];", "[2, -1, 0]");
    ok(
        "collections",
        "[collections.isEmpty([]), collections.is_empty([1])];",
        "[True, False]",
    );
    ok(
        "collections",
        "[collections.find([1, 2, 3], fn(x) => x > 1), collections.find([1], fn(x) => x > 1)];",
        "[2, None]",
    );
    ok("collections", "[collections.every([2, 4], fn(x) => x % 2 == 0), collections.some([1, 3], fn(x) => x % 2 == 0)];", "[True, False]");
    fails("collections", "collections.length(5);", "TypeError");
}

#[test]
fn collections_never_mutate() {
    ok(
        "collections",
        "a = [1, 2]; b = collections.append(a, 3); [a, b];",
        "[[1, 2], [1, 2, 3]]",
    );
    ok(
        "collections",
        "a = [1, 2]; b = collections.prepend(a, 0); [a, b];",
        "[[1, 2], [0, 1, 2]]",
    );
    ok(
        "collections",
        "a = [1]; b = collections.concat(a, [2, 3]); [a, b];",
        "[[1], [1, 2, 3]]",
    );
    ok(
        "collections",
        "a = [3, 1, 2]; b = collections.sort(a); [a, b];",
        "[[3, 1, 2], [1, 2, 3]]",
    );
    ok(
        "collections",
        "a = [1, 2]; b = collections.reverse(a); [a, b];",
        "[[1, 2], [2, 1]]",
    );
    ok(
        "collections",
        "a = [1, 2, 3]; b = collections.removeAt(a, 1); [a, b];",
        "[[1, 2, 3], [1, 3]]",
    );
}

#[test]
fn collections_transforming() {
    ok("collections", "[collections.slice([1, 2, 3, 4], 1, 3), collections.slice([1, 2, 3, 4], 2), collections.slice([1, 2, 3], -2)];", "[[2, 3], [3, 4], [2, 3]]");
    ok(
        "collections",
        "collections.unique([1, [1], [1], 1, 2]);",
        "[1, [1], 2]",
    );
    ok(
        "collections",
        "collections.flatten([[1], [2, [3]], 4]);",
        "[1, 2, [3], 4]",
    );
    ok(
        "collections",
        "collections.filter([1, 2, 3, 4], fn(x) => x % 2 == 1);",
        "[1, 3]",
    );
    ok(
        "collections",
        "collections.map([1, 2], fn(x) => x * 10);",
        "[10, 20]",
    );
    ok(
        "collections",
        "collections.reduce([1, 2, 3], fn(acc, x) => acc + x, 0);",
        "6",
    );
    ok(
        "collections",
        "collections.reduce([], fn(acc, x) => acc + x, \"start\");",
        "start",
    );
    fails(
        "collections",
        "collections.reduce([1, 2], fn(acc, x) => acc + x);",
        "TypeError",
    );
    ok(
        "collections",
        "[collections.removeAt([1, 2, 3], 5), collections.remove_at([1, 2, 3], -1)];",
        "[[1, 2, 3], [1, 2, 3]]",
    );
    ok("collections", "[collections.take([1, 2, 3], 2), collections.drop([1, 2, 3], 2), collections.take([1], 5)];", "[[1, 2], [3], [1]]");
    ok(
        "collections",
        "collections.zip([1, 2], [\"a\"]);",
        "[(1, 'a')]",
    );
    ok("collections", "[collections.sort([3, 1, 2]), collections.sort([3, 1, 2], true), collections.sort([\"b\", \"a\"])];", "[[1, 2, 3], [3, 2, 1], ['a', 'b']]");
    fails("collections", "collections.sort([1, \"a\"]);", "TypeError");
    ok(
        "collections",
        "collections.sortBy([{\"n\": 2}, {\"n\": 1}], fn(o) => o.n);",
        "[{'n': 1}, {'n': 2}]",
    );
    ok(
        "collections",
        "collections.sortBy([\"bb\", \"a\", \"ccc\"], fn(s) => len(s), true);",
        "['ccc', 'bb', 'a']",
    );
    // Stable: equal keys keep their order, also when reversed.
    ok(
        "collections",
        "collections.sortBy([\"b1\", \"a1\", \"b2\", \"a2\"], fn(s) => s[0], true);",
        "['b1', 'b2', 'a1', 'a2']",
    );
    ok("collections", "[collections.chunk([1, 2, 3], 2), collections.chunk([1, 2], 0), collections.chunk([1], -1)];", "[[[1, 2], [3]], [], []]");
}

// ---------------------------------------------------------------- random

#[test]
fn random_ranges() {
    ok(
        "random",
        "seen = {}; for (i in range(300)) { v = random.randomInt(1, 3); seen[str(v)] = true; } sorted(keys(seen));",
        "['1', '2']",
    );
    ok(
        "random",
        "ok = true; for (i in range(200)) { r = random.random(); ok = ok && r >= 0 && r < 1; } ok;",
        "true",
    );
    ok("random", "ok = true; for (i in range(200)) { r = random.randomFloat(5, 10); ok = ok && r >= 5 && r < 10; } ok;", "true");
    ok("random", "ok = true; for (i in range(200)) { r = random.uniform(-1, 1); ok = ok && r >= -1 && r < 1; } ok;", "true");
    ok("random", "ok = true; for (i in range(200)) { r = random.randomInt(); ok = ok && r >= 0 && r < 100; } ok;", "true");
    ok("random", "ok = true; for (i in range(200)) { r = random.nextInt(); ok = ok && r >= 0 && r <= 4294967295; } ok;", "true");
    ok("random", "ok = true; for (i in range(200)) { r = random.triangular(0, 10); ok = ok && r >= 0 && r <= 10; } ok;", "true");
    ok("random", "[typeof(random.randomBool()), random.randomBoolWeighted(0), random.randomBoolWeighted(1)];", "['boolean', False, True]");
    ok(
        "random",
        "[random.randomNormal(10, 0), random.triangular(1, 1), typeof(random.gaussian())];",
        "[10.0, 1.0, 'number']",
    );
    ok("random", "random.random_int(-5, -4);", "-5");
    fails("random", "random.randomInt(5, 5);", "ValueError");
    ok("random", "random.getSeed();", "2147483648");
}

#[test]
fn random_seed_repeats_sequences() {
    ok(
        "random",
        "random.setSeed(7); a = [random.random(), random.randomInt(0, 1000), random.shuffle([1, 2, 3, 4, 5])];\n\
         random.set_seed(7); b = [random.random(), random.randomInt(0, 1000), random.shuffle([1, 2, 3, 4, 5])];\n\
         a == b;",
        "true",
    );
    ok("random", "random.setSeed(42);", "42");
    ok("random", "random.setSeed(\"abc\"); a = random.random(); random.setSeed(\"abc\"); a == random.random();", "true");
    ok(
        "random",
        "random.setSeed(1); a = random.random(); random.setSeed(2); a != random.random();",
        "true",
    );
}

#[test]
fn random_sampling() {
    ok(
        "random",
        "[random.choice([]), random.choice([5])];",
        "[None, 5]",
    );
    ok(
        "random",
        "x = random.choice([\"a\", \"b\"]); x == \"a\" || x == \"b\";",
        "true",
    );
    ok(
        "random",
        "a = [3, 1, 2]; s = random.shuffle(a); [a, sorted(s)];",
        "[[3, 1, 2], [1, 2, 3]]",
    );
    ok(
        "random",
        "s = random.sample([1, 2, 3, 4], 2); [len(s), s[0] != s[1], s[0] >= 1 && s[0] <= 4];",
        "[2, True, True]",
    );
    ok(
        "random",
        "sorted(random.sample([1, 2, 3, 4], 10));",
        "[1, 2, 3, 4]",
    );
    ok("random", "random.sample([], 3);", "[]");
    fails("random", "random.sample([1], -1);", "ValueError");
    ok("random", "random.randomIndices(5, 10);", "[0, 1, 2, 3, 4]");
    ok(
        "random",
        "r = random.random_indices(10, 3); [len(r), r[0] != r[1] && r[1] != r[2] && r[0] != r[2]];",
        "[3, True]",
    );
    ok(
        "random",
        "r = random.randomIndices(1000000000, 3); ok = len(r) == 3; for (i in r) { ok = ok && i >= 0 && i < 1000000000; } ok;",
        "true",
    );
    ok(
        "random",
        "r = sorted(random.randomIndices(6, 5)); len(r) == 5 && r[4] <= 5 && r[0] >= 0;",
        "true",
    );
}

// ---------------------------------------------------------------- datetime

#[test]
fn datetime_objects() {
    let setup = "dt = datetime.create(2024, 2, 29, 13, 5, 9);";
    let t = |expr: &str, expected: &str| ok("datetime", &format!("{setup}\n{expr};"), expected);
    t("typeof(dt)", "DateTimeObject");
    t("dt.toISOString()", "2024-02-29T13:05:09");
    t(
        "[dt.toString(), dt.to_string(), str(dt)]",
        "['2024-02-29T13:05:09', '2024-02-29T13:05:09', '2024-02-29T13:05:09']",
    );
    t(
        "[dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute(), dt.second(), dt.weekday()]",
        "[2024, 2, 29, 13, 5, 9, 3]",
    );
    t("dt.format()", "2024-02-29 13:05:09");
    t("dt.format(\"%Y/%m/%d %H:%M\")", "2024/02/29 13:05");
    t(
        "dt.format(\"%A %B %a %b %j %U %W %I %p %%\")",
        "Thursday February Thu Feb 060 08 09 01 PM %",
    );
    t("dt.addDays(1).toISOString()", "2024-03-01T13:05:09");
    t("dt.addHours(11).toISOString()", "2024-03-01T00:05:09");
    t("dt.addMinutes(-5).toISOString()", "2024-02-29T13:00:09");
    t(
        "dt.addSeconds(1.5).toISOString()",
        "2024-02-29T13:05:10.500000",
    );
    t(
        "dt.add_days(-60).add_hours(1).add_minutes(1).add_seconds(1).toISOString()",
        "2023-12-31T14:06:10",
    );
    t("dt.startOfDay().toISOString()", "2024-02-29T00:00:00");
    t("dt.endOfDay().toISOString()", "2024-02-29T23:59:59.999999");
    t("dt.startOfMonth().toISOString()", "2024-02-01T00:00:00");
    t(
        "dt.end_of_month().toISOString()",
        "2024-02-29T23:59:59.999999",
    );
    t("dt.start_of_year().toISOString()", "2024-01-01T00:00:00");
    t("dt.endOfYear().toISOString()", "2024-12-31T23:59:59.999999");
    t("o = datetime.create(2024, 3, 1); [dt.isBefore(o), dt.isAfter(o), dt.isSame(dt.addDays(0)), dt.isSameDay(dt.startOfDay()), dt.is_same_day(o)]", "[True, False, True, True, False]");
    t(
        "d = dt.date(); [typeof(d), d.toISOString()]",
        "['Date', '2024-02-29']",
    );
    t(
        "tm = dt.time(); [typeof(tm), tm.hour(), tm.minute(), tm.second()]",
        "['Time', 13, 5, 9]",
    );
    t(
        "delta = datetime.createDelta(1, 2); dt.add(delta).toISOString()",
        "2024-03-01T15:05:09",
    );
    t(
        "delta = datetime.createDelta(0, 0, 5); dt.subtract(delta).toISOString()",
        "2024-02-29T13:00:09",
    );
    t("d = datetime.create(2024, 3, 1).diff(dt); [typeof(d), d.days(), d.seconds(), d.totalSeconds()]", "['TimeDelta', 0, 39291, 39291.0]");
    t("datetime.create(2024, 1, 1).timestamp()", "1704067200.0");
}

#[test]
fn datetime_module_functions() {
    ok(
        "datetime",
        "datetime.now().toISOString();",
        "2024-01-01T00:00:00",
    );
    ok(
        "datetime",
        "datetime.now(\"UTC\").toISOString();",
        "2024-01-01T00:00:00",
    );
    ok("datetime", "datetime.today().toISOString();", "2024-01-01");
    fails("datetime", "datetime.create(2024, 2, 30);", "RuntimeError");
    message(
        "datetime",
        "datetime.create(2024, 13, 1)",
        "Invalid datetime components: month must be in 1..12",
    );
    fails(
        "datetime",
        "datetime.create(2024, 1, 1, 24);",
        "RuntimeError",
    );
    fails("datetime", "datetime.create(0, 1, 1);", "RuntimeError");
    ok(
        "datetime",
        "datetime.fromTimestamp(0).toISOString();",
        "1970-01-01T00:00:00",
    );
    ok(
        "datetime",
        "datetime.from_timestamp(1704067200.25).toISOString();",
        "2024-01-01T00:00:00.250000",
    );
    fails(
        "datetime",
        "datetime.fromTimestamp(float(\"inf\"));",
        "RuntimeError",
    );
    ok(
        "datetime",
        "datetime.parseISO(\"2024-01-15T10:30:00\").toISOString();",
        "2024-01-15T10:30:00",
    );
    ok(
        "datetime",
        "datetime.parseISO(\"2024-01-15\").toISOString();",
        "2024-01-15T00:00:00",
    );
    ok(
        "datetime",
        "datetime.parseISO(\"2024-01-15 10:30:05.5\").toISOString();",
        "2024-01-15T10:30:05.500000",
    );
    fails(
        "datetime",
        "datetime.parseISO(\"garbage\");",
        "RuntimeError",
    );
    ok(
        "datetime",
        "datetime.createTimeZone(5, 30);",
        "{'hours': 5, 'minutes': 30, 'name': 'UTC+5:30'}",
    );
    ok(
        "datetime",
        "datetime.createTimeZone(-3, 0, \"BRT\").name;",
        "BRT",
    );
    ok("datetime", "datetime.createTimeZone(-3).name;", "UTC-3:00");
    ok("datetime", "b = datetime.create(1990, 6, 15); [datetime.calculateAge(b, datetime.create(2024, 6, 14)), datetime.calculate_age(b, datetime.create(2024, 6, 15))];", "[33, 34]");
    ok(
        "datetime",
        "datetime.calculateAge(datetime.create(2000, 1, 1));",
        "24",
    );
    ok(
        "datetime",
        "datetime.addBusinessDays(datetime.create(2024, 1, 5), 1).toISOString();",
        "2024-01-08T00:00:00",
    );
    ok(
        "datetime",
        "datetime.add_business_days(datetime.create(2024, 1, 5, 9), 10).toISOString();",
        "2024-01-19T09:00:00",
    );
    ok(
        "datetime",
        "datetime.addBusinessDays(datetime.create(2024, 1, 8), -1).toISOString();",
        "2024-01-05T00:00:00",
    );
    ok(
        "datetime",
        "datetime.addBusinessDays(datetime.create(2024, 1, 3), -7).toISOString();",
        "2023-12-25T00:00:00",
    );
    ok(
        "datetime",
        "datetime.businessDaysBetween(datetime.create(2024, 1, 1), datetime.create(2024, 1, 31));",
        "23",
    );
    ok("datetime", "datetime.business_days_between(datetime.create(2024, 3, 15), datetime.create(2023, 12, 25));", "60");
    ok(
        "datetime",
        "datetime.businessDaysBetween(datetime.create(2024, 1, 6), datetime.create(2024, 1, 7));",
        "0",
    );
    ok("datetime", "[datetime.daysInMonth(2024, 2), datetime.days_in_month(2023, 2), datetime.daysInMonth(2024, 13), datetime.daysInMonth(2024, 4)];", "[29, 28, 0, 30]");
    ok(
        "datetime",
        "[datetime.isLeapYear(2000), datetime.isLeapYear(1900), datetime.isLeapYear(2024)];",
        "[True, False, True]",
    );
    ok("datetime", "s = datetime.create(2024, 1, 6); [datetime.isWeekend(s), datetime.is_weekday(s), datetime.isWeekday(s.addDays(2)), datetime.is_weekend(datetime.createDate(2024, 1, 7))];", "[True, False, True, True]");
    ok("datetime", "datetime.utc();", "UTC");
    fails("datetime", "datetime.isWeekend(5);", "TypeError");
}

#[test]
fn datetime_dates_times_deltas() {
    ok("datetime", "d = datetime.createDate(2024, 1, 15); [d.weekday(), d.isWeekend(), d.year(), d.month(), d.day()];", "[0, False, 2024, 1, 15]");
    ok("datetime", "d = datetime.createDate(2024, 1, 15); [d.addDays(6).toISOString(), d.subtractDays(15).toISOString(), d.diff(datetime.createDate(2024, 1, 1))];", "['2024-01-21', '2023-12-31', 14]");
    fails(
        "datetime",
        "datetime.createDate(2023, 2, 29);",
        "RuntimeError",
    );
    ok(
        "datetime",
        "t = datetime.createTime(10, 30); [t.hour(), t.minute(), t.second()];",
        "[10, 30, 0]",
    );
    ok("datetime", "datetime.createTime();", "00:00:00");
    fails("datetime", "datetime.createTime(25);", "RuntimeError");
    let delta = "d = datetime.createDelta(1, 2, 3, 4);";
    let t = |expr: &str, expected: &str| ok("datetime", &format!("{delta}\n{expr};"), expected);
    t(
        "[d.days(), d.seconds(), d.totalSeconds()]",
        "[1, 7384, 93784.0]",
    );
    t(
        "[d.totalMinutes(), d.totalHours(), d.totalDays()]",
        "[1563.0666666666666, 26.051111111111112, 1.085462962962963]",
    );
    t("str(d)", "1 day, 2:03:04");
    t("d.multiply(2).toString()", "2 days, 4:06:08");
    t("d.multiply(0.5).toString()", "13:01:32");
    t("n = datetime.createDelta(0, -1); [n.days(), n.seconds(), n.isNegative(), n.abs().totalSeconds(), str(n)]", "[-1, 82800, True, 3600.0, '-1 day, 23:00:00']");
    t(
        "d.add(datetime.createDelta(0, 0, 0, 56)).toString()",
        "1 day, 2:04:00",
    );
    t("d.subtract(d).toString()", "0:00:00");
    ok(
        "datetime",
        "datetime.createDelta(0, 0, 0, 1.5).toString();",
        "0:00:01.500000",
    );
    fails(
        "datetime",
        "datetime.createDelta(1000000000);",
        "OverflowError",
    );
    fails(
        "datetime",
        "datetime.create(9999, 12, 31).addDays(1);",
        "OverflowError",
    );
}

// ---------------------------------------------------------------- general

#[test]
fn pure_modules_need_no_capability() {
    for module in [
        "math",
        "json",
        "regex",
        "functional",
        "collections",
        "random",
        "datetime",
    ] {
        ok(
            module,
            &format!("requiredCapabilities({module}.{});", first_fn(module)),
            "[]",
        );
    }
}

fn first_fn(module: &str) -> &'static str {
    match module {
        "math" => "sqrt",
        "json" => "parse",
        "regex" => "compile",
        "functional" => "map",
        "collections" => "map",
        "random" => "random",
        _ => "now",
    }
}

#[test]
fn host_objects_expose_their_methods() {
    ok(
        "regex",
        r#"p = regex.compile("a"); [hasattr(p, "search"), hasattr(p, "nope"), callable(getattr(p, "test"))];"#,
        "[True, False, True]",
    );
    ok(
        "regex",
        r#"m = regex.search("a", "a"); methods(m).index("groupDict") >= 0;"#,
        "true",
    );
    ok(
        "datetime",
        r#"d = datetime.createDelta(1); f = d.totalHours; f();"#,
        "24.0",
    );
}

#[test]
fn size_limits_raise_memory_error() {
    let limits = mlpy_lang::Limits {
        max_len: 1000,
        ..Default::default()
    };
    let cases = [
        "import json;\njson.stringify(range(900));",
        "import json;\njson.prettyPrint([[1, 2, 3]] * 100);",
        "import regex;\nregex.sub(\"\", \"xx\", \"a\" * 600);",
        "import regex;\nregex.escape(\".\" * 600);",
        "import functional;\nfunctional.repeat(0, 1001);",
        "import functional;\nfunctional.range(0, 5000);",
        "import functional;\nfunctional.times(2000, fn(i) => i);",
        "import collections;\ncollections.flatten([range(600), range(600)]);",
        "import datetime;\ndatetime.create(2024, 1, 1).format(\"%c\" * 100);",
        "import math;\nmath.pow(10, 2000);",
    ];
    for src in cases {
        let ran = run_with(
            src,
            limits.clone(),
            Some(std::time::Duration::from_secs(20)),
        );
        match &ran.result {
            Err((kind, line, _)) => assert_eq!((kind.as_str(), *line), ("MemoryError", 2), "{src}"),
            Ok(v) => panic!("expected MemoryError, got {v} for\n{src}"),
        }
    }
}

#[test]
fn callbacks_stay_interruptible() {
    let src =
        "import functional;\nfunction spin(x) { while (true) { } }\nfunctional.map(spin, [1]);";
    let ran = run_with(
        src,
        mlpy_lang::Limits::default(),
        Some(std::time::Duration::from_millis(300)),
    );
    assert!(
        matches!(&ran.result, Err((k, _, _)) if k == "Timeout"),
        "{:?}",
        ran.result
    );
}
