//! Mock backend, test kit and perf tester.

use mlpy_harness::perf::{callback_overhead, PerfTester};
use mlpy_harness::testing::*;
use mlpy_harness::{
    ExecRequest, Executor, ExecutorConfig, MockBackend, MockResponse, Session, SessionOptions,
    Status,
};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::Data;
use std::sync::Arc;
use std::time::Duration;

fn mock_executor(mock: Arc<MockBackend>) -> Executor {
    Executor::with_backend(
        ExecutorConfig {
            max_workers: 1,
            ..ExecutorConfig::default()
        },
        mock,
    )
}

#[tokio::test]
async fn mock_records_and_answers() {
    let mock = Arc::new(MockBackend::new());
    mock.on_code("result = f();", MockResponse::Value(Data::Int(5)));
    mock.on_code(
        "bad();",
        MockResponse::Error {
            kind: "ValueError".into(),
            message: "nope".into(),
        },
    );
    let ex = mock_executor(mock.clone());
    let o = ex
        .execute(
            ExecRequest::new("result = f();").grants(GrantSet::parse(&["env:read:X"]).unwrap()),
        )
        .await;
    assert_eq!(
        o.status,
        Status::Ok {
            value: Data::Int(5)
        }
    );
    let o = ex.execute(ExecRequest::new("bad();")).await;
    assert!(matches!(o.status, Status::Error { error } if error.kind == "ValueError"));
    let o = ex.execute(ExecRequest::new("other();")).await;
    assert_eq!(o.status, Status::Ok { value: Data::Null });
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].code.as_deref(), Some("result = f();"));
    assert_eq!(reqs[0].grants, vec!["env:read:X".to_string()]);
}

#[tokio::test]
async fn mock_delays_respect_timeouts_and_failures_are_injected() {
    let mock = Arc::new(MockBackend::new());
    mock.delay(Duration::from_secs(5));
    let ex = mock_executor(mock.clone());
    let o = ex
        .execute(ExecRequest::new("x;").timeout(Duration::from_millis(50)))
        .await;
    assert_eq!(o.status, Status::Timeout);
    mock.delay(Duration::ZERO).fail_next(1);
    let o = ex.execute(ExecRequest::new("x;")).await;
    assert!(matches!(o.status, Status::Error { .. }));
    let o = ex.execute(ExecRequest::new("x;")).await;
    assert!(o.status.is_ok());
}

#[test]
fn mock_calls_by_function_and_args() {
    let mock = MockBackend::new();
    mock.on_call(
        "double",
        Some(vec![Data::Int(2)]),
        MockResponse::Value(Data::Int(4)),
    );
    mock.on_call("double", None, MockResponse::Value(Data::Int(0)));
    assert_eq!(mock.call("double", &[Data::Int(2)], &[]), Ok(Data::Int(4)));
    assert_eq!(mock.call("double", &[Data::Int(9)], &[]), Ok(Data::Int(0)));
    assert!(mock.call("missing", &[], &[]).is_err());
    assert_eq!(mock.requests()[0].args, vec![Data::Int(2)]);
}

#[tokio::test]
async fn assertion_helpers_pass_and_fail() {
    assert_async_execution("result = 6 * 7;", 42).await;
    let err = check_async_execution("result = 6 * 7;", 41)
        .await
        .unwrap_err();
    assert!(
        err.contains("expected: 41") && err.contains("actual: 42"),
        "{err}"
    );
    let err = check_async_execution("result = 1 / 0;", 1)
        .await
        .unwrap_err();
    assert!(err.contains("ZeroDivisionError"), "{err}");

    let s = Session::new(SessionOptions::default());
    s.execute("function add(a, b) { return a + b; }");
    assert_callback_works(&s, "add", &[Data::Int(3), Data::Int(4)], 7);
    let err = check_callback_works(&s, "add", &[Data::Int(3), Data::Int(4)], 8).unwrap_err();
    assert!(
        err.contains("expected: 8") && err.contains("actual: 7"),
        "{err}"
    );
    assert!(check_callback_works(&s, "nope", &[], 1).is_err());

    let err = check_capability_violation("result = 1;", &[], "file:read")
        .await
        .unwrap_err();
    assert!(err.contains("no violation"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perf_tester_counts_honestly() {
    let ex = Executor::new(ExecutorConfig {
        max_workers: 2,
        ..ExecutorConfig::default()
    });
    let perf = PerfTester::new(ex);
    let s = perf.latency("result = 2 + 2;", 20, 2).await.unwrap();
    assert_eq!((s.iterations, s.successes, s.failures), (20, 20, 0));
    assert!(s.min_us <= s.median_us && s.median_us <= s.max_us);
    let s = perf.latency("result = 1 / 0;", 5, 0).await.unwrap();
    assert_eq!((s.successes, s.failures), (0, 5));
    assert!(perf.latency("x;", 0, 0).await.is_err());
    let t = perf.throughput("result = 1;", 8, 40).await.unwrap();
    assert_eq!((t.successes, t.failures), (40, 0));
    assert!(t.per_second > 0.0);
    assert!(perf.throughput("x;", 0, 10).await.is_err());
    let session = Session::new(SessionOptions::default());
    session.execute("function add(a, b) { return a + b; }");
    let c = callback_overhead(&session, "add", &[Data::Int(1), Data::Int(2)], 50).unwrap();
    assert_eq!(c.successes, 50);
    assert!(callback_overhead(&session, "add", &[], 0).is_err());
}
