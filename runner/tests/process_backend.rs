//! The ProcessBackend protocol end to end, against this crate's own
//! `mlpy-test exec`.

use mlpy_harness::{ExecRequest, Executor, ExecutorConfig, ProcessBackend, Status};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::Data;
use std::sync::Arc;
use std::time::Duration;

fn executor() -> Executor {
    let backend = ProcessBackend::new(env!("CARGO_BIN_EXE_mlpy-test"), vec!["exec".into()]);
    Executor::with_backend(
        ExecutorConfig {
            max_workers: 2,
            ..ExecutorConfig::default()
        },
        Arc::new(backend),
    )
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
}

#[test]
fn reports_errors_and_grants() {
    let ex = executor();
    let o = ex.execute_blocking(ExecRequest::new("x = 1;\ny = [][3];"));
    match o.status {
        Status::Error { error } => {
            assert_eq!(error.kind, "IndexError");
            assert_eq!(error.line, Some(2));
        }
        other => panic!("{other:?}"),
    }
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
fn timeouts_apply_to_the_child() {
    let ex = executor();
    let o = ex
        .execute_blocking(ExecRequest::new("while (true) {}").timeout(Duration::from_millis(200)));
    assert_eq!(o.status, Status::Timeout);
}
