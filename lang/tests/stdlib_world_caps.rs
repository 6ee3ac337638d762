//! `env` and `args`, and capability semantics that do not depend on one
//! module: aliasing, function values, callbacks, catching, use limits,
//! expiry, introspection builtins, harmless names.

mod common;

use common::*;
use mlpy_lang::capability::{GrantSet, Token};
use mlpy_lang::host::{FileSystem, FixedClock, Host, MemoryEnv, MemoryFs};
use mlpy_lang::Violation;
use std::sync::Arc;

fn v(cap: &str, resource: &str) -> Violation {
    Violation {
        capability: cap.into(),
        resource: resource.into(),
    }
}

// ---- env ----

fn env_host() -> Host {
    let mut host = Host::captured();
    host.env = Box::new(MemoryEnv::new([
        ("HOME", "/home/u"),
        ("APP_KEY", "k3y"),
        ("APP_PORT", " 8080 "),
        ("APP_DEBUG", "Yes"),
        ("APP_RATE", "2.5"),
        ("APP_BAD", "x"),
        ("APP_BIG", "1_000_000_000_000_000_000_000"),
        ("APP_ARABIC", "\u{663}"),
    ]));
    host
}

#[test]
fn env_module() {
    let src = r#"
        import env;
        [env.get("HOME"), env.get("NOPE"), env.get("NOPE", "dflt"), env.require("APP_KEY"),
         env.has("HOME"), env.has("NOPE"), env.get_int("APP_PORT"), env.get_int("APP_BAD", 7),
         env.getInt("NOPE"), env.get_float("APP_RATE"), env.get_float("APP_BAD"),
         env.get_float("NOPE", 1.5), env.get_bool("APP_DEBUG"), env.get_bool("HOME"),
         env.get_bool("NOPE"), env.get_bool("NOPE", true), len(env.all()), env.get_int("APP_BIG"),
         env.get_int("APP_ARABIC"), env.get_float("APP_ARABIC"), env.get_int("APP_RATE", -1)]
    "#;
    assert_eq!(
        expect_ok(src, &["env:read:*"], env_host()),
        "['/home/u', None, 'dflt', 'k3y', True, False, 8080, 7, 0, 2.5, 0.0, 1.5, True, False, False, True, 8, \
         1000000000000000000000, 3, 3.0, -1]"
    );
    let src = r#"
        import env;
        env.set("NEW", 42);
        env.set("HOME", true);
        env.delete("APP_KEY");
        env.delete("NEVER_SET");
        [env.get("NEW"), env.get("HOME"), env.has("APP_KEY")]
    "#;
    let (ran, viol, host) = run_world_full(&norm(src), &["env:read", "env:write"], env_host());
    assert!(viol.is_empty());
    assert_eq!(ran.result, Ok("['42', 'True', False]".into()));
    assert_eq!(host.env.get("NEW").as_deref(), Some("42"));
    assert_eq!(host.env.get("APP_KEY"), None);
    for (src, kind) in [
        (r#"env.require("NOPE")"#, "RuntimeError"),
        (r#"env.get(1)"#, "TypeError"),
        (r#"env.get("")"#, "ValueError"),
        (r#"env.set("A=B", "x")"#, "ValueError"),
        (r#"env.set("A")"#, "TypeError"),
    ] {
        expect_err(
            &format!("import env; {src}"),
            &["env:read", "env:write"],
            env_host(),
            kind,
        );
    }
}

#[test]
fn env_gates() {
    let reads = [
        r#"env.get("HOME")"#,
        r#"env.require("HOME")"#,
        r#"env.has("HOME")"#,
        r#"env.get_int("HOME")"#,
        r#"env.get_float("HOME")"#,
        r#"env.get_bool("HOME")"#,
    ];
    for call in reads {
        let src = format!("import env; {call}");
        expect_ok(&src, &["env:read:HOME"], env_host());
        expect_ok(&src, &["env:read:HO*"], env_host());
        expect_denied(&src, &[], env_host(), "env:read", "HOME");
        // Near misses: another key's pattern, a prefix that is not a glob,
        // the write right only.
        expect_denied(&src, &["env:read:APP_*"], env_host(), "env:read", "HOME");
        expect_denied(&src, &["env:read:HOM"], env_host(), "env:read", "HOME");
        expect_denied(&src, &["env:write:*"], env_host(), "env:read", "HOME");
    }
    for call in [r#"env.set("HOME", "x")"#, r#"env.delete("HOME")"#] {
        let src = format!("import env; {call}");
        expect_ok(&src, &["env:write:HOME"], env_host());
        expect_denied(&src, &[], env_host(), "env:write", "HOME");
        expect_denied(&src, &["env:read:*"], env_host(), "env:write", "HOME");
        expect_denied(&src, &["env:write:APP_*"], env_host(), "env:write", "HOME");
    }
    // all() shows only readable variables, and needs at least one.
    assert_eq!(
        expect_ok(
            "import env; keys(env.all())",
            &["env:read:APP_*"],
            env_host()
        ),
        "['APP_ARABIC', 'APP_BAD', 'APP_BIG', 'APP_DEBUG', 'APP_KEY', 'APP_PORT', 'APP_RATE']"
    );
    expect_denied("import env; env.all()", &[], env_host(), "env:read", "*");
    expect_denied(
        "import env; env.all()",
        &["env:write:*"],
        env_host(),
        "env:read",
        "*",
    );
}

// ---- args ----

fn args_host(args: &[&str]) -> Host {
    let mut host = Host::captured();
    host.args = args.iter().map(|s| s.to_string()).collect();
    host
}

#[test]
fn args_module_and_gate() {
    let host = || args_host(&["prog.ml", "--verbose", "-o", "out.txt", "in.txt"]);
    assert_eq!(
        expect_ok("import args; [args.all(), args.script(), args.rest()]", &["args:read"], host()),
        "[['prog.ml', '--verbose', '-o', 'out.txt', 'in.txt'], 'prog.ml', ['--verbose', '-o', 'out.txt', 'in.txt']]"
    );
    assert_eq!(
        expect_ok("import args; args.script()", &["args.read"], args_host(&[])),
        ""
    );
    let host = || args_host(&["prog.ml", "in.txt"]);
    for call in [
        "args.all()",
        "args.script()",
        "args.rest()",
        "args.create_parser().parse()",
    ] {
        let src = format!("import args; {call}");
        expect_ok(&src, &["args:read"], host());
        expect_denied(&src, &[], host(), "args:read", "argv");
        expect_denied(
            &src,
            &["env:read:*", "file:read"],
            host(),
            "args:read",
            "argv",
        );
    }
    // Parsing an explicit list needs nothing.
    expect_ok(
        r#"import args; args.create_parser().parse(["x"])"#,
        &[],
        host(),
    );
}

#[test]
fn arg_parser() {
    let setup = r#"
        import args;
        p = args.create_parser("tool", "Does things");
        p.add_flag("verbose", "v", "Talk more");
        p.addFlag("quiet", "q", "Talk less");
        p.add_option("output", "o", "Where to write", "out.txt");
        p.add_option("level", null, "How hard", null);
        p.add_positional("input", "What to read", true);
        p.addPositional("extra", "More");
    "#;
    let run = |tail: &str| {
        expect_ok(
            &format!("{setup}\n{tail}"),
            &["args:read"],
            args_host(&["prog.ml", "-vq", "--level=9", "in.txt"]),
        )
    };
    assert_eq!(
        run(
            r#"a = p.parse(); [a.get("input"), a.get_bool("verbose"), a.getBool("quiet"), a.get("output"), a.get("level"), a.has("extra"), a.get("extra", "none"), a.flags(), a.options(), a.positionals(), typeof(a), typeof(p)]"#
        ),
        "['in.txt', True, True, 'out.txt', '9', False, 'none', {'verbose': True, 'quiet': True}, \
         {'level': '9', 'output': 'out.txt'}, ['in.txt'], 'ParsedArgs', 'ArgParser']"
    );
    assert_eq!(
        run(
            r#"a = p.parse(["-o", "x", "--verbose", "i", "e", "-h"]); [a.get("output"), a.get("extra"), a.get_bool("help"), a.get_bool("quiet"), a.get("verbose")]"#
        ),
        "['x', 'e', True, False, True]"
    );
    assert_eq!(
        run(r#"a = p.parse(["--help", "i"]); a.flags()"#),
        "{'help': True}"
    );
    assert_eq!(
        run("p.help()"),
        "tool\nDoes things\n\nUsage: script.ml [options] <input> [extra]\n\n\
         Positional Arguments:\n  input              What to read (required)\n  \
         extra              More (optional)\n\nOptions:\n  -v, --verbose         Talk more\n  \
         -q, --quiet           Talk less\n  -o, --output VALUE  Where to write (default: out.txt)\n  \
         \x20   --level VALUE   How hard\n  -h, --help         Show this help message"
    );
    for (argv, msg) in [
        (r#"["--nope", "i"]"#, "Unknown option: --nope"),
        (r#"["-x", "i"]"#, "Unknown option: -x"),
        (r#"["i", "--output"]"#, "Option --output requires a value"),
        (r#"["i", "-o"]"#, "Option -o requires a value"),
        (r#"[]"#, "Required positional argument missing: input"),
    ] {
        let m = expect_err(
            &format!("{setup}\np.parse({argv})"),
            &[],
            args_host(&[]),
            "ValueError",
        );
        assert_eq!(m, msg);
    }
    expect_err(
        &format!("{setup}\np.parse(\"i\")"),
        &[],
        args_host(&[]),
        "TypeError",
    );
    expect_err(
        &format!("{setup}\np.add_flag(\"x\", \"xy\", \"\")"),
        &[],
        args_host(&[]),
        "ValueError",
    );
}

// ---- the gate does not depend on call syntax ----

fn data_host() -> Host {
    let fs = MemoryFs::with_files([
        ("/data/a.txt", &b"A"[..]),
        ("/data/b.txt", &b"B"[..]),
        ("/etc/passwd", &b"root"[..]),
    ]);
    let mut host = Host::captured();
    host.fs = Arc::new(fs);
    host
}

#[test]
fn checks_survive_aliases_function_values_and_callbacks() {
    let grant = &["file:read:/data/*"];
    for src in [
        r#"import file as f; f.read("/etc/passwd")"#,
        r#"import file; r = file.read; r("/etc/passwd")"#,
        r#"import file; o = {r: file.read}; o.r("/etc/passwd")"#,
        r#"import file; function apply(g, x) { return g(x); } apply(file.read, "/etc/passwd")"#,
        r#"import file; call(file.read, "/etc/passwd")"#,
        r#"import file; import functional; functional.map(file.read, ["/data/a.txt", "/etc/passwd"])"#,
        r#"import file; import collections; collections.map(["/data/a.txt", "/etc/passwd"], file.read)"#,
        r#"import file; g = fn(p) => file.read(p); g("/etc/passwd")"#,
        r#"import file; import builtin; builtin.call(file.read, "/etc/passwd")"#,
    ] {
        expect_denied(src, grant, data_host(), "file:read", "/etc/passwd");
        let allowed = src.replace("/etc/passwd", "/data/b.txt");
        expect_ok(&allowed, grant, data_host());
    }
}

#[test]
fn violations_are_catchable_and_always_recorded() {
    let src = r#"
        import file;
        out = [];
        for (p in ["/data/a.txt", "/etc/passwd", "/etc/shadow"]) {
            try {
                out.append(file.read(p));
            } except (e) {
                out.append([e.type, e.capability, e.resource, typeof(str(e))]);
            }
        }
        out
    "#;
    let (ran, viols) = run_w(src, &["file:read:/data/*"], data_host());
    assert_eq!(
        ran.result,
        Ok(
            "['A', ['CapabilityViolation', 'file:read', '/etc/passwd', 'string'], \
            ['CapabilityViolation', 'file:read', '/etc/shadow', 'string']]"
                .into()
        )
    );
    assert_eq!(
        viols,
        vec![v("file:read", "/etc/passwd"), v("file:read", "/etc/shadow")]
    );
    // The message names the capability and the resource.
    let msg = expect_denied(
        r#"import file; file.read("/etc/passwd")"#,
        &[],
        data_host(),
        "file:read",
        "/etc/passwd",
    );
    assert!(
        msg.contains("file:read") && msg.contains("/etc/passwd"),
        "{msg}"
    );
}

#[test]
fn use_limits_count_per_execution() {
    let grant = &["file:read:/data/*;uses=2"];
    let src = r#"import file; [file.read("/data/a.txt"), file.read("/data/b.txt")]"#;
    assert_eq!(expect_ok(src, grant, data_host()), "['A', 'B']");
    // A fresh execution starts with fresh counts.
    assert_eq!(expect_ok(src, grant, data_host()), "['A', 'B']");
    let msg = expect_denied(
        r#"import file; file.read("/data/a.txt"); file.exists("/data/a.txt"); file.read("/data/b.txt")"#,
        grant,
        data_host(),
        "file:read",
        "/data/b.txt",
    );
    assert!(msg.contains("no uses left"), "{msg}");
    // Another token can still grant it.
    expect_ok(
        r#"import file; file.read("/data/a.txt"); file.read("/data/a.txt"); file.read("/data/a.txt")"#,
        &["file:read:/data/*;uses=1", "file:read:/data/a.txt;uses=2"],
        data_host(),
    );
    // Introspection shows the count.
    assert_eq!(
        expect_ok(
            r#"import file; a = getCapabilityInfo("file.read"); file.read("/data/a.txt"); [a["max_usage"], a["patterns"], a["operations"]]"#,
            grant,
            data_host()
        ),
        "[2, ['/data/*'], ['read']]"
    );
}

#[test]
fn expiry_uses_the_host_clock() {
    // Host::captured() stands at 2024-01-01T00:00:00Z.
    let src = r#"import file; file.read("/data/a.txt")"#;
    let msg = expect_denied(
        src,
        &["file:read:/data/*;expires=2023-12-31T23:59:59Z"],
        data_host(),
        "file:read",
        "/data/a.txt",
    );
    assert!(msg.contains("expired"), "{msg}");
    assert_eq!(
        expect_ok(
            src,
            &["file:read:/data/*;expires=2024-01-01T00:00:01Z"],
            data_host()
        ),
        "A"
    );
    // A clock that moves on makes the token expire during the run.
    let mut host = data_host();
    host.clock = Arc::new(FixedClock::stepping(1_704_067_199.0, 1.0));
    let (ran, viols) = run_w(
        r#"import file; out = []; for (i in range(3)) { try { out.append(file.read("/data/a.txt")); } except (e) { out.append("x"); } } out"#,
        &["file:read:/data/*;expires=2024-01-01T00:00:01Z"],
        host,
    );
    assert_eq!(ran.result, Ok("['A', 'A', 'x']".into()));
    assert_eq!(viols.len(), 1);
}

#[test]
fn builder_tokens_match_suffix_tokens() {
    let built = GrantSet::from_tokens(vec![Token::parse("file:read:/data/*")
        .unwrap()
        .with_max_uses(1)
        .with_expiry(1_893_456_000.0)]);
    assert_eq!(
        built.names(),
        vec!["file:read:/data/*;uses=1;expires=2030-01-01T00:00:00Z"]
    );
    let parsed = GrantSet::parse(&built.names()).unwrap();
    assert_eq!(parsed.tokens(), built.tokens());
}

#[test]
fn malformed_grants_are_clear_errors() {
    let e = GrantSet::parse(&["file:read:/data/*", "file:raed:/x"]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid capability 'file:raed:/x': unknown action 'raed' for 'file' (known: read, write, append, delete, *)"
    );
    let e = GrantSet::parse(&["network:http:api.example.com:http"]).unwrap_err();
    assert!(e
        .to_string()
        .starts_with("invalid capability 'network:http:api.example.com:http': "));
}

#[test]
fn pure_modules_need_no_grant_and_harmless_names_parse() {
    let src = r#"
        import math; import json; import console; import crypto; import log; import path;
        import http; import csv; import args;
        console.log("out");
        log.info("logged");
        p = args.create_parser("x");
        [math.sqrt(16), json.stringify({a: 1}), crypto.sha1("a"), path.join("a", "b"),
         http.encodeURI("a b"), csv.write_string([[1]]), len(crypto.uuid())]
    "#;
    let grants_sets: [&[&str]; 2] = [
        &[],
        &[
            "math.compute",
            "json.parse",
            "json.serialize",
            "regex.compile",
            "regex.match",
            "collections.read",
            "collections.transform",
            "functional.compose",
            "functional.transform",
            "random.generate",
            "random.sample",
            "datetime.create",
            "datetime.now",
            "console.write",
            "console.error",
            "crypto.hash",
            "crypto.random",
            "log.write",
            "network.socket",
            "console:write",
        ],
    ];
    for grants in grants_sets {
        assert_eq!(
            expect_ok(src, grants, Host::captured()),
            "[4.0, '{\"a\": 1}', '86f7e437faa5a7fce15d1ddcb9eaeaea377667b8', 'a/b', 'a%20b', '1\\r\\n', 36]"
        );
    }
    // The harmless names grant nothing that touches the world.
    let harmless = grants_sets[1];
    expect_denied(
        r#"import file; file.read("/data/a.txt")"#,
        harmless,
        data_host(),
        "file:read",
        "/data/a.txt",
    );
}

#[test]
fn introspection_builtins() {
    let src = r#"
        import file; import math; import http;
        [hasCapability("file.read"), hasCapability("file:write"), hasCapability("math.compute"),
         hasCapability("network.http"), getCapabilities(), requiredCapabilities(file.move),
         requiredCapabilities(math.sqrt), requiredCapabilities(http.get), requiredCapabilities(print),
         getCapabilityInfo("file.write")]
    "#;
    assert_eq!(
        expect_ok(src, &["file:read:/data/*", "env.read"], Host::captured()),
        "[True, False, True, False, ['env.read', 'file:read:/data/*'], \
         ['file:read', 'file:write', 'file:delete'], [], ['network:http'], [], None]"
    );
}

/// What a function declares is what it checks, for every function of the
/// standard registry (no hand-kept list): run with no grants over a few
/// argument lists, each capability a function is denied is one it
/// declares, and a function that declares any is denied at least once.
#[test]
fn declared_capabilities_are_the_checked_ones() {
    const ARGS: &[&str] = &[
        "",
        "\"/d/x\"",
        "\"/d\"",
        "\"/d/x\", \"/d/y\"",
        "\"/d/x\", \"a\"",
        "\"/d/x\", [[\"a\"]]",
        "\"/d/x\", [1]",
        "\"/d\", \"*\"",
        "\"HOME\"",
        "\"HOME\", \"v\"",
        "\"http://127.0.0.1:9/\"",
        "\"http://127.0.0.1:9/\", \"b\"",
        "{url: \"http://127.0.0.1:9/\"}",
    ];
    for m in mlpy_lang::STANDARD.all_modules() {
        for f in m.functions {
            let mut src = format!("import {};\n", m.name);
            for a in ARGS {
                src.push_str(&format!(
                    "try {{ {}.{}({a}); }} except (e) {{ }}\n",
                    m.name, f.name
                ));
            }
            src.push_str("0;");
            let mut host = Host::captured();
            host.fs = Arc::new(MemoryFs::with_files([("/d/x", &b"a,b\n1,2\n"[..])]));
            let (ran, denied) = run_world(&src, &[], host);
            let declared: Vec<&str> = f.caps.iter().map(|c| c.name).collect();
            assert!(
                ran.result.is_ok(),
                "{}.{}: {:?}",
                m.name,
                f.name,
                ran.result
            );
            for v in &denied {
                assert!(
                    declared.contains(&v.capability.as_str()),
                    "{}.{} checks {} but declares {declared:?}",
                    m.name,
                    f.name,
                    v.capability
                );
            }
            assert_eq!(
                denied.is_empty(),
                declared.is_empty(),
                "{}.{} declares {declared:?}; denied: {denied:?}",
                m.name,
                f.name
            );
        }
    }
}

#[test]
fn memory_fs_directory_rename() {
    let fs = MemoryFs::with_files([("/a/x", &b"1"[..]), ("/a/s/y", &b"2"[..])]);
    fs.create_dir("/a/empty").unwrap();
    fs.rename("/a", "/b").unwrap();
    let snap = fs.snapshot();
    assert_eq!(snap.keys().collect::<Vec<_>>(), vec!["/b/s/y", "/b/x"]);
    assert!(fs.metadata("/b/empty").is_some_and(|m| m.is_dir));
    assert!(fs.metadata("/a").is_none());
}

#[test]
fn no_function_panics_on_odd_arguments() {
    const VALUES: &[&str] = &[
        "null",
        "0",
        "-1",
        "3.5",
        "1e308",
        "true",
        "\"\"",
        "\"/\"",
        "\"a\\0b\"",
        "\"~/x\"",
        "\"../..\"",
        "\"*\"",
        "\"http://x\"",
        "\"é\"",
        "[]",
        "[1, \"a\", null]",
        "{}",
        "{a: null, b: [1]}",
        "print",
        "99999999999999999999",
    ];
    // Every module with a function that touches the world.
    let gated = mlpy_lang::STANDARD
        .all_modules()
        .filter(|m| m.functions.iter().any(|f| !f.caps.is_empty()));
    for def in gated {
        let module = def.name;
        for f in def.functions {
            let calls = argument_lists(VALUES, |a| {
                vec![
                    format!("{a}, \",\", true, \"utf-8\""),
                    format!("\"/d/x\", {a}, \"x\""),
                ]
            });
            let mut src = format!("import {module};\nn = 0;\n");
            for c in &calls {
                src.push_str(&format!(
                    "try {{ r = {module}.{}({c}); }} except (e) {{ n = n + 1; }}\n",
                    f.name
                ));
            }
            src.push_str("n;");
            let fs = MemoryFs::with_files([("/d/x", &b"a,b\n1,2\n"[..])]);
            let mut host = Host::captured();
            host.fs = Arc::new(fs);
            let (ran, _) = run_world(&src, &["file", "env", "args", "network"], host);
            assert!(ran.result.is_ok(), "{module}.{}: {:?}", f.name, ran.result);
        }
    }
}

/// Argument lists for the odd-argument sweeps: none, each of `values`,
/// each pair of them, and the lists `more` gives for each value.
fn argument_lists(values: &[&str], more: impl Fn(&str) -> Vec<String>) -> Vec<String> {
    let mut calls = vec![String::new()];
    for a in values {
        calls.push(a.to_string());
        for b in values {
            calls.push(format!("{a}, {b}"));
        }
        calls.extend(more(a));
    }
    calls
}

#[test]
fn no_host_object_method_panics_on_odd_arguments() {
    const VALUES: &[&str] = &[
        "null",
        "0",
        "-1",
        "\"\"",
        "\"x\"",
        "\"DEBUG\"",
        "\"json\"",
        "\"-\"",
        "\"--\"",
        "[\"-x\", \"--y=1\", \"-\"]",
        "{}",
        "true",
        "\"/d/log\"",
    ];
    // Each host object's methods, as `methods(o)` lists them, plus one it
    // does not have.
    let objects = [
        r#"log.create_logger("x")"#,
        r#"args.create_parser("x", "y")"#,
        r#"args.create_parser().parse([])"#,
        r#"http.get("http://h.test/")"#,
    ];
    let host = || {
        let mut host = Host::captured();
        host.http =
            Arc::new(mlpy_lang::host::ScriptedHttp::new().on("*", "*", 200, "{\"a\": [1]}"));
        host
    };
    let imports = "import log; import args; import http;";
    for make in objects {
        let list = format!("{imports}\nfor (m in methods({make})) {{ print(m); }}");
        let (ran, _) = run_world(&list, &["network"], host());
        assert!(ran.result.is_ok(), "{make}: {:?}", ran.result);
        let methods: Vec<&str> = ran.stdout.lines().chain(["nope"]).collect();
        assert!(methods.len() > 3, "{make}: {methods:?}");
        let mut src = format!("{imports}\no = {make};\nn = 0;\n");
        for m in methods {
            let calls = argument_lists(VALUES, |a| {
                VALUES
                    .iter()
                    .map(|b| format!("{a}, {b}, {a}, {b}"))
                    .collect()
            });
            for c in calls {
                src.push_str(&format!(
                    "try {{ r = o.{m}({c}); }} except (e) {{ n = n + 1; }}\n"
                ));
            }
        }
        src.push_str("n;");
        let (ran, _) = run_world(&src, &["file", "network", "args"], host());
        assert!(ran.result.is_ok(), "{make}: {:?}", ran.result);
    }
}
