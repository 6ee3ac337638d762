//! Helpers for running ML snippets in tests.

#![allow(dead_code)]

use mlpy_lang::capability::GrantSet;
use mlpy_lang::host::Host;
use mlpy_lang::syntax::SourceFile;
use mlpy_lang::value::ml_str;
use mlpy_lang::vm::{run_on_vm_thread, Limits};
use mlpy_lang::{compile, Vm};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a snippet produced: its result display or `Kind@line: message`,
/// plus captured stdout.
#[derive(Debug, Clone, PartialEq)]
pub struct Ran {
    pub result: Result<String, (String, u32, String)>,
    pub stdout: String,
}

/// Compiles and runs `src` on a VM thread; gives the run, every recorded
/// violation, and the host afterwards.
fn run_in(
    src: &str,
    grants: GrantSet,
    host: Host,
    limits: Limits,
    timeout: Option<Duration>,
) -> (Ran, Vec<mlpy_lang::Violation>, Host) {
    let src = src.to_string();
    run_on_vm_thread(move || {
        let file = Arc::new(SourceFile::new("test.ml", src));
        let program = match compile(file) {
            Ok(p) => p,
            Err(e) => {
                let (line, _) = e.first_location();
                let ran = Ran {
                    result: Err(("SyntaxError".into(), line, e.first_message().to_string())),
                    stdout: String::new(),
                };
                return (ran, Vec::new(), host);
            }
        };
        let mut vm = Vm::new(host, Arc::new(grants), limits);
        vm.set_deadline(timeout.map(|t| Instant::now() + t));
        let result = match vm.run(&program) {
            Ok(r) => Ok(ml_str(&r.value)),
            Err(e) => {
                let info = e.info();
                Err((info.kind, info.line.unwrap_or(0), info.message))
            }
        };
        let stdout = vm.host.captured_stdout();
        vm.clear_globals();
        let violations = std::mem::take(&mut vm.violations);
        let host = std::mem::replace(&mut vm.host, Host::captured());
        (Ran { result, stdout }, violations, host)
    })
}

/// Runs `src` with every capability, in a captured host.
pub fn run_with(src: &str, limits: Limits, timeout: Option<Duration>) -> Ran {
    run_in(src, GrantSet::all(), Host::captured(), limits, timeout).0
}

pub fn run(src: &str) -> Ran {
    run_with(src, Limits::default(), Some(Duration::from_secs(20)))
}

/// Asserts the program result's display text.
#[track_caller]
pub fn check(src: &str, expected: &str) {
    let ran = run(src);
    assert_eq!(
        ran.result,
        Ok(expected.to_string()),
        "program:\n{src}\nstdout:\n{}",
        ran.stdout
    );
}

/// Asserts the error kind and line.
#[track_caller]
pub fn check_err(src: &str, kind: &str, line: u32) {
    let ran = run(src);
    match &ran.result {
        Err((k, l, _)) => assert_eq!(
            (k.as_str(), *l),
            (kind, line),
            "program:\n{src}\n{:?}",
            ran.result
        ),
        Ok(v) => panic!("expected {kind} at line {line}, got result {v}\nprogram:\n{src}"),
    }
}

#[track_caller]
pub fn check_out(src: &str, stdout: &str) {
    let ran = run(src);
    assert!(
        ran.result.is_ok(),
        "program failed: {:?}\n{src}",
        ran.result
    );
    assert_eq!(ran.stdout, stdout, "program:\n{src}");
}

// ---- runs with specific grants and host worlds (capability tests) ----

/// Runs a snippet with exactly these grants in the given host; returns the
/// run, every recorded violation, and the host afterwards (its in-memory
/// environment, captured stderr, ... can be inspected).
pub fn run_world_full(
    src: &str,
    grants: &[&str],
    host: Host,
) -> (Ran, Vec<mlpy_lang::Violation>, Host) {
    let grants = GrantSet::parse(grants).expect("test grants must parse");
    let timeout = Some(Duration::from_secs(20));
    run_in(src, grants, host, Limits::default(), timeout)
}

/// [`run_world_full`] without the host.
pub fn run_world(src: &str, grants: &[&str], host: Host) -> (Ran, Vec<mlpy_lang::Violation>) {
    let (ran, violations, _) = run_world_full(src, grants, host);
    (ran, violations)
}

// ---- shared by the world-touching stdlib tests ----

/// Adds the final `;` that snippets leave out.
pub fn norm(src: &str) -> String {
    let t = src.trim_end();
    if t.ends_with(';') || t.ends_with('}') {
        t.to_string()
    } else {
        format!("{t};")
    }
}

pub fn run_w(src: &str, grants: &[&str], host: Host) -> (Ran, Vec<mlpy_lang::Violation>) {
    run_world(&norm(src), grants, host)
}

#[track_caller]
pub fn expect_ok(src: &str, grants: &[&str], host: Host) -> String {
    let (ran, v) = run_w(src, grants, host);
    match ran.result {
        Ok(r) => {
            assert!(v.is_empty(), "unexpected violations {v:?}\nprogram:\n{src}");
            r
        }
        Err(e) => panic!("program failed: {e:?}\ngrants: {grants:?}\nprogram:\n{src}"),
    }
}

#[track_caller]
pub fn expect_err(src: &str, grants: &[&str], host: Host, kind: &str) -> String {
    let (ran, _) = run_w(src, grants, host);
    match ran.result {
        Err((k, _, msg)) => {
            assert_eq!(k, kind, "message: {msg}\nprogram:\n{src}");
            msg
        }
        Ok(r) => panic!("expected {kind}, got {r}\nprogram:\n{src}"),
    }
}

/// Runs `src` expecting a CapabilityViolation for `cap` on `resource`;
/// gives its message.
#[track_caller]
pub fn expect_denied(src: &str, grants: &[&str], host: Host, cap: &str, resource: &str) -> String {
    let (ran, v) = run_w(src, grants, host);
    let msg = match ran.result {
        Err((k, _, msg)) => {
            assert_eq!(k, "CapabilityViolation", "{msg}\nprogram:\n{src}");
            msg
        }
        Ok(r) => panic!("expected a violation, got {r}\ngrants: {grants:?}\nprogram:\n{src}"),
    };
    assert_eq!(
        v.first(),
        Some(&mlpy_lang::Violation {
            capability: cap.into(),
            resource: resource.into()
        }),
        "grants: {grants:?}\nprogram:\n{src}"
    );
    msg
}

// ---- real files ----

/// A fresh directory under the system's temp dir (canonical, so paths in
/// it hold no symlink), removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!("mlpy-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(std::fs::canonicalize(&p).unwrap())
    }
    pub fn path(&self, rel: &str) -> String {
        self.0.join(rel).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Grants to read, write, append and delete anything under `dir`.
pub fn all_file_grants(dir: &str) -> Vec<String> {
    ["read", "write", "append", "delete"]
        .iter()
        .map(|a| format!("file:{a}:{dir}/**"))
        .collect()
}

/// A captured host on the real file system.
pub fn real_host() -> Host {
    let mut host = Host::captured();
    host.fs = Arc::new(mlpy_lang::host::RealFs::default());
    host
}
