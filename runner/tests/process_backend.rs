//! The process protocol end to end: `ProcessBackend` driving this crate's
//! own `mlpy-test exec`, plus scripted backends that misbehave.

mod support;

use mlpy_harness::protocol::{Feature, WorldSpec};
use mlpy_harness::{ExecRequest, Executor, ExecutorConfig, ProcessBackend, Status};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::Data;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::assert_has;

fn exec_backend() -> ProcessBackend {
    ProcessBackend::connect(support::BIN, vec!["exec".into()]).expect("mlpy-test exec shakes hands")
}

fn executor() -> Executor {
    Executor::with_backend(
        ExecutorConfig {
            max_workers: 2,
            ..ExecutorConfig::default()
        },
        Arc::new(exec_backend()),
    )
}

#[test]
fn the_handshake_declares_every_feature() {
    let ex = executor();
    let info = ex.backend_info();
    assert_eq!(info.name, "mlpy-test");
    assert_eq!(info.features.len(), Feature::ALL.len());
    assert!(info.needs_world_spec);
}

#[test]
fn runs_code_in_a_child_process() {
    let ex = executor();
    let o = ex.execute_blocking(
        ExecRequest::new("print(\"hi\"); result = x * 2;").global("x", Data::Int(21)),
    );
    assert_eq!(
        o.status,
        Status::Ok {
            value: Data::Int(42)
        }
    );
    assert_eq!(o.stdout, "hi\n");
    // The same process answers many requests.
    for i in 0..20 {
        let o = ex.execute_blocking(ExecRequest::new(format!("{i} * 2;")));
        assert_eq!(o.status.value(), Some(&Data::Int(i * 2)));
    }
}

#[test]
fn reports_errors_and_grants() {
    let ex = executor();
    let o = ex.execute_blocking(ExecRequest::new("x = 1;\ny = [][3];"));
    let Status::Error { error } = &o.status else {
        panic!("{:?}", o.status)
    };
    assert_eq!(error.kind, "IndexError");
    assert_eq!(error.line, Some(2));
    let o = ex.execute_blocking(
        ExecRequest::new("result = getCapabilities();")
            .grants(GrantSet::parse(&["env:read:HOME"]).unwrap()),
    );
    assert_eq!(
        o.status,
        Status::Ok {
            value: Data::Array(vec![Data::Str("env:read:HOME".into())])
        }
    );
}

#[test]
fn the_world_travels_with_the_request() {
    let ex = executor();
    let mut world = WorldSpec::default();
    world.files.insert(
        "/data/a.txt".into(),
        mlpy_harness::protocol::Bytes(b"hello".to_vec().into()),
    );
    world.env.insert("APP_MODE".into(), "test".into());
    world.stdin = Some("typed\n".into());
    world.argv = vec!["--v".into()];
    world
        .modules
        .insert("util".into(), "function twice(x) { return x * 2; }".into());
    let mut req = ExecRequest::new(
        "import file; import env; import args; import util;\n\
         [file.read(\"/data/a.txt\"), env.get(\"APP_MODE\"), input(), args.all(), util.twice(4)];",
    )
    .grants(GrantSet::parse(&["file:read:/data/*", "env:read", "args:read"]).unwrap());
    req.world = Some(Arc::new(world));
    let o = ex.execute_blocking(req);
    assert_eq!(
        o.status.value().map(Data::to_json).as_deref(),
        Some(r#"["hello","test","typed",["main.ml","--v"],8]"#),
        "{o:?}"
    );
    // A violation is reported with its resource.
    let o = ex.execute_blocking(ExecRequest::new("import file; file.read(\"/etc/passwd\");"));
    assert_eq!(o.status.name(), "violation");
    assert_eq!(o.violations[0].resource, "/etc/passwd");
}

#[test]
fn callbacks_run_after_the_code() {
    let ex = executor();
    let mut req = ExecRequest::new(
        "print(\"defined\"); function add(a, b) { print(\"adding\"); return a + b; }",
    );
    req.callback = Some(mlpy_harness::protocol::CallSpec {
        function: "add".into(),
        args: vec![Data::Int(2), Data::Int(3)],
    });
    let o = ex.execute_blocking(req);
    assert_eq!(o.status.value(), Some(&Data::Int(5)));
    assert_eq!(o.stdout, "defined\nadding\n");
    let mut req = ExecRequest::new("x = 1;");
    req.callback = Some(mlpy_harness::protocol::CallSpec {
        function: "nope".into(),
        args: vec![],
    });
    let o = ex.execute_blocking(req);
    assert_eq!(o.status.error().map(|e| e.kind.as_str()), Some("NameError"));
}

#[test]
fn timeouts_apply_to_the_child() {
    let ex = executor();
    let o = ex
        .execute_blocking(ExecRequest::new("while (true) {}").timeout(Duration::from_millis(200)));
    assert_eq!(o.status, Status::Timeout);
    // The backend is still usable afterwards.
    let o = ex.execute_blocking(ExecRequest::new("1 + 1;"));
    assert_eq!(o.status.value(), Some(&Data::Int(2)));
}

/// A scripted backend: `sh -c SCRIPT`.
fn sh(script: &str) -> Result<ProcessBackend, String> {
    ProcessBackend::connect("sh", vec!["-c".into(), script.into()])
}

const HELLO: &str = r#"{"type":"hello","protocol":1,"implementation":{"name":"toy"},"features":["globals"],"unsupported":{"files":"no file system"}}"#;

#[test]
fn a_missing_program_is_a_clear_error() {
    let e = ProcessBackend::connect("/nonexistent/backend", vec![])
        .err()
        .expect("fails");
    assert_has(&e, &["cannot start backend '/nonexistent/backend'"]);
}

#[test]
fn a_backend_that_exits_shows_its_stderr() {
    let e = sh("echo 'mlpy not found: set MLPY_PATH' >&2; exit 3")
        .err()
        .expect("fails");
    assert_has(
        &e,
        &[
            "exited before the handshake",
            "mlpy not found: set MLPY_PATH",
        ],
    );
}

#[test]
fn another_protocol_version_is_refused() {
    let e = sh(r#"read l; echo '{"type":"hello","protocol":2,"implementation":{"name":"x"}}'"#)
        .err()
        .expect("fails");
    assert_has(&e, &["speaks protocol version 2"]);
}

#[test]
fn requests_needing_unsupported_features_are_refused_not_run() {
    // The toy answers every run with ok: it must never see this request.
    let script = format!(
        r#"read l; echo '{HELLO}'; while read l; do echo '{{"type":"outcome","id":1,"status":"ok","value":1}}'; done"#
    );
    let backend = sh(&script).unwrap();
    let ex = Executor::with_backend(ExecutorConfig::default(), Arc::new(backend));
    let info = ex.backend_info();
    assert_eq!(info.name, "toy");
    assert!(info.features.contains(&Feature::Globals));
    assert_eq!(info.unsupported[&Feature::Files], "no file system");
    let mut world = WorldSpec::default();
    world.files.insert(
        "/a".into(),
        mlpy_harness::protocol::Bytes(b"x".to_vec().into()),
    );
    let mut req = ExecRequest::new("1;");
    req.world = Some(Arc::new(world));
    let o = ex.execute_blocking(req);
    let e = o.status.error().expect("an error");
    assert!(
        e.message.contains("does not support files"),
        "{}",
        e.message
    );
}

#[test]
fn a_hung_backend_is_killed_at_the_deadline() {
    let script = format!(r#"read l; echo '{HELLO}'; while read l; do sleep 30; done"#);
    let ex = Executor::with_backend(ExecutorConfig::default(), Arc::new(sh(&script).unwrap()));
    let start = Instant::now();
    let o = ex.execute_blocking(ExecRequest::new("1;").timeout(Duration::from_millis(100)));
    assert_eq!(o.status, Status::Timeout);
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_backend_dying_mid_run_is_an_error_with_its_stderr() {
    let script = format!(r#"read l; echo '{HELLO}'; read l; echo 'segfault!' >&2; exit 1"#);
    let ex = Executor::with_backend(ExecutorConfig::default(), Arc::new(sh(&script).unwrap()));
    let o = ex.execute_blocking(ExecRequest::new("1;"));
    let e = o.status.error().expect("an error");
    assert!(e.message.contains("exited during the run"), "{}", e.message);
    assert!(e.message.contains("segfault!"), "{}", e.message);
}

#[test]
fn exec_still_answers_a_single_legacy_request() {
    let out = support::with_stdin(
        support::mlpy_test().arg("exec"),
        br#"{"code": "result = x * 2;", "name": "main.ml", "grants": [], "timeout_ms": 2000, "globals": {"x": 21}}"#,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["value"], 42);
}
