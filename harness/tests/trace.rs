//! Execution traces through the executor and sessions.

use mlpy_harness::{
    ExecOptions, ExecOutcome, ExecRequest, Executor, ExecutorConfig, Session, SessionOptions,
};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::host::{Host, MemoryFs};
use mlpy_lang::trace::EventKind;
use mlpy_lang::vm::Interrupt;
use mlpy_lang::Data;
use std::sync::Arc;
use std::time::Duration;

fn lines(t: &mlpy_lang::trace::Trace) -> Vec<String> {
    t.events.iter().map(|e| e.render()).collect()
}

#[test]
fn executor_trace_only_when_asked() {
    let ex = Executor::new(ExecutorConfig::default());
    let mut host = Host::captured();
    host.fs = Arc::new(MemoryFs::with_files([("/data/x", &b"42"[..])]));
    let code = "import file;\nv = file.read(\"/data/x\");\nfile.read(\"/secret\");\n";
    let req = ExecRequest::new(code)
        .grants(GrantSet::parse(&["file:read:/data/*"]).unwrap())
        .host(host)
        .trace(true);
    let o = ex.execute_blocking(req);
    let t = o.trace.expect("asked for a trace");
    let l = lines(&t);
    assert_eq!(l.len(), 4, "{l:#?}");
    assert!(l[0].contains("capability file:read /data/x granted  at <exec>:2:5"));
    assert!(l[1].contains("file.read /data/x -> 2 bytes"));
    assert!(l[2].contains("capability file:read /secret DENIED"));
    assert!(l[3].contains("error CapabilityViolation"));
    assert!(l[3].contains("in <main> at <exec>:3:1"), "{}", l[3]);
    // JSON form of the outcome carries the trace.
    let json =
        serde_json::to_string(&ex.execute_blocking(ExecRequest::new("1;").trace(true))).unwrap();
    assert!(json.contains(r#""trace":{"events":[]"#), "{json}");
    // Off by default.
    assert!(ex.execute_blocking(ExecRequest::new(code)).trace.is_none());
}

#[test]
fn syntax_errors_end_a_trace_too() {
    let ex = Executor::new(ExecutorConfig::default());
    let o = ex.execute_blocking(ExecRequest::new("x = ;").trace(true));
    let t = o.trace.unwrap();
    assert!(matches!(&t.events[0].kind, EventKind::Error { kind, .. } if kind == "SyntaxError"));
}

#[test]
fn session_traces_executions_and_callbacks() {
    let s = Session::new(SessionOptions {
        grants: GrantSet::parse(&["env:read:HOME"]).unwrap(),
        ..SessionOptions::default()
    });
    let traced = ExecOptions {
        trace: true,
        ..ExecOptions::default()
    };
    let o = s.execute_with(
        "import env; function home() { return env.get(\"HOME\"); } h = home();",
        &traced,
    );
    assert!(o.status.is_ok(), "{:?}", o.status);
    let l = lines(o.trace.as_ref().unwrap());
    assert!(l[0].contains("capability env:read HOME granted"), "{l:#?}");
    assert!(l[1].contains("env.get HOME -> unset"), "{l:#?}");
    // An untraced execution records nothing (the tracer is off).
    assert!(s.execute("home();").trace.is_none());
    let (r, t) = s.call_with("home", &[], &traced);
    assert_eq!(r, Ok(Data::Null));
    let l = lines(&t.unwrap());
    assert!(l[0].contains("callback home() => null"), "{l:#?}");
    assert!(l[1].contains("capability env:read HOME granted"), "{l:#?}");
}

#[test]
fn own_interrupt_stops_one_execution_and_keeps_the_session() {
    let s = Session::new(SessionOptions {
        timeout: None,
        ..SessionOptions::default()
    });
    s.execute("kept = 7;");
    let stop = Interrupt::new();
    let stopper = stop.clone();
    let o = spin_until(
        move || stopper.cancel(),
        &s,
        ExecOptions {
            interrupt: Some(stop.clone()),
            trace: true,
            ..ExecOptions::default()
        },
    );
    let l = lines(o.trace.as_ref().unwrap());
    assert!(l.last().unwrap().contains("error Cancelled"), "{l:#?}");
    // Raised before it starts: it never runs.
    let o = s.execute_with(
        "kept = 8;",
        &ExecOptions {
            interrupt: Some(stop),
            ..ExecOptions::default()
        },
    );
    assert_eq!(o.status.name(), "cancelled");
    assert_eq!(s.get("kept"), Some(Data::Int(7)));
    // The session's own interrupt is untouched.
    assert!(s.execute("kept + 1;").status.is_ok());
    // Session::cancel reaches an execution with its own interrupt.
    let s2 = s.clone();
    spin_until(
        move || s2.cancel(),
        &s,
        ExecOptions {
            interrupt: Some(Interrupt::new()),
            ..ExecOptions::default()
        },
    );
}

/// Runs an endless loop in `s` with `options` while another thread calls
/// `stop` 50 ms in; the execution must end cancelled.
fn spin_until(
    stop: impl FnOnce() + Send + 'static,
    s: &Session,
    options: ExecOptions,
) -> ExecOutcome {
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        stop();
    });
    let o = s.execute_with("while (true) { }", &options);
    t.join().unwrap();
    assert_eq!(o.status.name(), "cancelled");
    o
}
