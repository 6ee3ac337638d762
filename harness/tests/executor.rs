//! Executor behaviour: timeouts and cancellation really stop code,
//! isolation under load, sessions under concurrent callbacks.

use mlpy_harness::{ExecRequest, Executor, ExecutorConfig, Session, SessionOptions, Status};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::Data;
use std::time::{Duration, Instant};

fn executor(workers: usize) -> Executor {
    Executor::new(ExecutorConfig {
        max_workers: workers,
        ..ExecutorConfig::default()
    })
}

#[tokio::test]
async fn small_program_runs() {
    let ex = executor(2);
    let o = ex.execute(ExecRequest::new("result = 2 + 2;")).await;
    assert_eq!(
        o.status,
        Status::Ok {
            value: Data::Int(4)
        }
    );
    assert_eq!(o.execution_id.len(), 36);
}

#[tokio::test]
async fn timeout_stops_the_code_and_frees_the_worker() {
    let ex = executor(1);
    let start = Instant::now();
    let o = ex
        .execute(ExecRequest::new("while (true) {}").timeout(Duration::from_millis(100)))
        .await;
    assert_eq!(o.status, Status::Timeout);
    // The only worker is free again: the next job runs at once.
    let o = ex.execute(ExecRequest::new("result = 1;")).await;
    assert_eq!(
        o.status,
        Status::Ok {
            value: Data::Int(1)
        }
    );
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn dropping_the_future_cancels_the_job() {
    let ex = executor(1);
    let spin = ex.execute(ExecRequest::new("while (true) {}").timeout(Duration::from_secs(3600)));
    // Give up after 50 ms: the future is dropped.
    let r = tokio::time::timeout(Duration::from_millis(50), spin).await;
    assert!(r.is_err());
    // With one worker, the next job can only run if the spin really stopped.
    let o = tokio::time::timeout(
        Duration::from_secs(10),
        ex.execute(ExecRequest::new("result = 7;")),
    )
    .await
    .expect("worker was not freed");
    assert_eq!(
        o.status,
        Status::Ok {
            value: Data::Int(7)
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_mixed_grant_executions_stay_isolated() {
    let ex = executor(2);
    let mut tasks = Vec::new();
    for i in 0..10_000 {
        let ex = ex.clone();
        tasks.push(tokio::spawn(async move {
            let grant = format!("env:read:VAR_{i}");
            let req = ExecRequest::new(
                "try { prev = leaked; } except (e) { prev = \"none\"; } leaked = seed; result = [getCapabilities(), seed * 2, prev];",
            )
                .grants(GrantSet::parse(&[grant.as_str()]).unwrap())
                .global("seed", Data::Int(i));
            let o = ex.execute(req).await;
            (i, grant, o)
        }));
    }
    for t in tasks {
        let (i, grant, o) = t.await.unwrap();
        let expected = Data::Array(vec![
            Data::Array(vec![Data::Str(grant)]),
            Data::Int(i * 2),
            Data::Str("none".into()),
        ]);
        assert_eq!(o.status, Status::Ok { value: expected }, "job {i}");
    }
}

#[test]
fn blocking_facade() {
    let ex = executor(1);
    let o = ex.execute_blocking(ExecRequest::new("x = 1 / 0;"));
    let Status::Error { error } = &o.status else {
        panic!("{:?}", o.status)
    };
    assert_eq!(error.kind, "ZeroDivisionError");
    assert_eq!(error.line, Some(1));
    let o = ex.execute_blocking(ExecRequest::new("x = ;"));
    assert!(matches!(o.status, Status::Error { error } if error.kind == "SyntaxError"));
}

#[test]
fn concurrent_callbacks_on_one_session_are_all_correct() {
    let s = Session::new(SessionOptions::default());
    s.execute("function ident(x) { return x; } function add(a, b) { return a + b; }");
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let s = s.clone();
            std::thread::spawn(move || {
                let ident = s.callback("ident").unwrap();
                let add = s.callback("add").unwrap();
                for i in 0..1250i64 {
                    let v = Data::Str(format!("t{t}-{i} a=b \"q\""));
                    assert_eq!(ident.call(std::slice::from_ref(&v)).unwrap(), v);
                    assert_eq!(
                        add.call(&[Data::Int(i), Data::Int(t)]).unwrap(),
                        Data::Int(i + t)
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
