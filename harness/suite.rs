//! Running spec cases: each case's mocked world is built from the spec,
//! the code runs through the executor (or a session for callback cases),
//! and the outcome is judged against the case's expectations.

use crate::executor::Executor;
use crate::expect::{check_with, Context, RecordedCall, Verdict};
use crate::outcome::{ExecOutcome, Status};
use crate::protocol::{CallSpec, WorldSpec};
use crate::request::{Code, ExecRequest};
use crate::session::{CallError, ExecOptions, Session, SessionOptions};
use crate::spec::Case;
use mlpy_lang::host::http::ScriptedHttp;
use mlpy_lang::host::Host;
use mlpy_lang::vm::Limits;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The default per-case timeout when neither the case nor the runner sets one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The mocked world of one run, plus handles to inspect it afterwards.
pub struct World {
    /// The world the code sees.
    pub host: Host,
    /// The mocked http backend, to read the requests it saw.
    pub http: Arc<ScriptedHttp>,
}

/// Builds the in-memory world a case declares.
pub fn build_world(case: &Case) -> World {
    let (host, http) = WorldSpec::from_case(case).build();
    World { host, http }
}

/// Why the executor's backend cannot run this case (it needs a feature the
/// backend does not honour); such a case is reported as skipped, never
/// run without its mock.
pub fn skip_reason(executor: &Executor, case: &Case) -> Option<String> {
    executor.backend_info().cannot_run(case)
}

/// The verdict on one case.
#[derive(Debug)]
pub struct CaseResult {
    /// Whether every run met the expectations, and what did not.
    pub verdict: Verdict,
    /// The (first) run's outcome.
    pub outcome: ExecOutcome,
    /// The http requests the (first) run's mocks saw.
    pub calls: Vec<RecordedCall>,
    /// How long the case took, all runs included.
    pub duration: Duration,
}

/// Options for running cases.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Used when a case sets no timeout.
    pub default_timeout: Duration,
    /// Forces this timeout on every case.
    pub timeout_override: Option<Duration>,
    /// The memory budget of a case that sets none (`None`: the runtime's
    /// default, `Limits::max_memory`). A case's own `memory` key wins: its
    /// expectations may depend on it.
    pub default_memory: Option<usize>,
    /// Colour diffs with ANSI escapes.
    pub colour: bool,
    /// Record each run's trace of boundary events in its outcome.
    pub trace: bool,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            default_timeout: DEFAULT_TIMEOUT,
            timeout_override: None,
            default_memory: None,
            colour: false,
            trace: false,
        }
    }
}

fn code_name(case: &Case) -> Arc<str> {
    case.code_file
        .as_ref()
        .unwrap_or(&case.file)
        .to_string_lossy()
        .into_owned()
        .into()
}

fn recorded_calls(http: &ScriptedHttp) -> Vec<RecordedCall> {
    http.requests()
        .into_iter()
        .map(|r| RecordedCall {
            method: r.method,
            url: r.url,
        })
        .collect()
}

/// Runs one case (all its concurrent runs) and judges it. Blocking.
pub fn run_case(executor: &Executor, case: &Case, options: &RunOptions) -> CaseResult {
    let start = Instant::now();
    let timeout = options
        .timeout_override
        .or(case.timeout)
        .unwrap_or(options.default_timeout);
    let runs = case.concurrency.max(1) as usize;
    // Out-of-process backends get the world as data, callbacks included.
    let world_spec = executor.backend_info().needs_world_spec;
    let results: Vec<(ExecOutcome, Vec<RecordedCall>)> = if case.callback.is_some() && !world_spec {
        // Sessions run on the calling thread; concurrent runs get threads.
        if runs == 1 {
            vec![run_callback_case(case, timeout, options)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..runs)
                    .map(|_| s.spawn(|| run_callback_case(case, timeout, options)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| panicked()))
                    .collect()
            })
        }
    } else {
        let worlds: Vec<World> = (0..runs).map(|_| build_world(case)).collect();
        let https: Vec<Arc<ScriptedHttp>> = worlds.iter().map(|w| w.http.clone()).collect();
        let requests: Vec<ExecRequest> = worlds
            .into_iter()
            .map(|w| ExecRequest {
                code: Code::Source {
                    name: code_name(case),
                    text: case.code.clone(),
                    first_line: case.code_line,
                },
                grants: Arc::new(case.grants.clone()),
                host: Some(w.host),
                timeout: Some(timeout),
                globals: case
                    .globals
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                limits: case_limits(case, options),
                collect_globals: !case.expect.globals.is_empty(),
                trace: options.trace,
                world: world_spec.then(|| Arc::new(WorldSpec::from_case(case))),
                callback: case.callback.as_ref().map(|c| CallSpec {
                    function: c.function.clone(),
                    args: c.args.clone(),
                }),
            })
            .collect();
        // A single in-process run stays on this thread (the caller is one
        // of a bounded set of runner threads): handing it to a worker and
        // waiting costs more than running a small program.
        let outcomes = if runs == 1 && !world_spec {
            requests
                .into_iter()
                .map(|r| executor.execute_here(r))
                .collect()
        } else {
            let futures: Vec<_> = requests
                .into_iter()
                .map(|r| Box::pin(executor.execute(r)))
                .collect();
            pollster::block_on(join_all(futures))
        };
        outcomes
            .into_iter()
            .zip(https)
            .map(|(o, h)| {
                let mut calls = recorded_calls(&h);
                calls.extend(o.http_calls.iter().map(|c| RecordedCall {
                    method: c.method.clone(),
                    url: c.url.clone(),
                }));
                (o, calls)
            })
            .collect()
    };
    let mut results = results;
    for (o, _) in &mut results {
        code_relative_lines(case, o);
    }
    let mut verdict = Verdict::pass();
    for (i, (outcome, calls)) in results.iter().enumerate() {
        let v = check_with(
            &case.expect,
            outcome,
            &Context {
                calls,
                colour: options.colour,
            },
        );
        if !v.passed {
            verdict.passed = false;
            for mut f in v.failures {
                if runs > 1 {
                    f.what = format!("run {} of {runs}: {}", i + 1, f.what);
                }
                verdict.failures.push(f);
            }
            break;
        }
    }
    // Isolation: identical runs of a deterministic case must agree.
    if verdict.passed && runs > 1 {
        let first = &results[0].0;
        for (i, (o, _)) in results.iter().enumerate().skip(1) {
            if o.status != first.status
                || o.stdout != first.stdout
                || o.violations != first.violations
            {
                verdict.passed = false;
                verdict.failures.push(crate::expect::Failure {
                    what: format!("isolation (run {} differs from run 1)", i + 1),
                    key: None,
                    expected: format!("{:?} / {:?}", first.status, first.stdout),
                    actual: format!("{:?} / {:?}", o.status, o.stdout),
                    diff: None,
                });
                break;
            }
        }
    }
    let (outcome, calls) = results.into_iter().next().unwrap_or_else(panicked);
    CaseResult {
        verdict,
        calls,
        outcome,
        duration: start.elapsed(),
    }
}

/// `expect.error.line` counts from the first line of the code: turn the
/// spec-file line of an inline case's error back into that.
fn code_relative_lines(case: &Case, o: &mut ExecOutcome) {
    if case.code_file.is_some() || case.code_line <= 1 {
        return;
    }
    let shift = case.code_line - 1;
    if let Status::Error { error } | Status::Violation { error } = &mut o.status {
        if let Some(line) = error.line.as_mut() {
            *line = line.saturating_sub(shift).max(1);
        }
    }
}

fn panicked() -> (ExecOutcome, Vec<RecordedCall>) {
    let outcome = ExecOutcome::new(Status::Error {
        error: crate::executor::internal_error("the run panicked"),
    });
    (outcome, Vec::new())
}

/// The case's limits when it (or the run) sets a memory budget.
fn case_limits(case: &Case, options: &RunOptions) -> Option<Limits> {
    case.memory.or(options.default_memory).map(|m| Limits {
        max_memory: m,
        ..Limits::default()
    })
}

fn run_callback_case(
    case: &Case,
    timeout: Duration,
    run: &RunOptions,
) -> (ExecOutcome, Vec<RecordedCall>) {
    let trace = run.trace;
    let world = build_world(case);
    let http = world.http.clone();
    let session = Session::new(SessionOptions {
        grants: case.grants.clone(),
        host: Some(world.host),
        limits: case_limits(case, run).unwrap_or_default(),
        timeout: Some(timeout),
    });
    for (k, v) in &case.globals {
        session.set_global(k, v.clone());
    }
    let options = ExecOptions {
        name: Some(code_name(case).to_string()),
        trace,
        first_line: case.code_line,
        ..ExecOptions::default()
    };
    let code_start = Instant::now();
    let mut outcome = session.execute_with(&case.code, &options);
    if outcome.status.is_ok() {
        if let Some(cb) = &case.callback {
            let start = Instant::now();
            let (r, call_trace) = session.call_with(&cb.function, &cb.args, &options);
            let mut call = session.take_output();
            call.status = r.map_or_else(CallError::into_status, |value| Status::Ok { value });
            call.stdout = format!("{}{}", outcome.stdout, call.stdout);
            call.stderr = format!("{}{}", outcome.stderr, call.stderr);
            let mut violations = std::mem::take(&mut outcome.violations);
            violations.extend(call.violations);
            call.violations = violations;
            call.timings.run = start.elapsed();
            if let (Some(mut t), Some(more)) = (outcome.trace.take(), call_trace) {
                // The code's trace began once it had compiled.
                let began = code_start + outcome.timings.compile;
                t.append(more, start.saturating_duration_since(began));
                call.trace = Some(t);
            }
            outcome = call;
        }
    }
    let calls = recorded_calls(&http);
    (outcome, calls)
}

/// Awaits futures concurrently (all are polled on every wake).
async fn join_all<F: std::future::Future + Unpin>(futures: Vec<F>) -> Vec<F::Output> {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context as TaskContext, Poll};
    struct JoinAll<F: Future> {
        futures: Vec<Option<F>>,
        outputs: Vec<Option<F::Output>>,
    }
    // Never pin-projected: the inner futures are Unpin themselves.
    impl<F: Future> Unpin for JoinAll<F> {}
    impl<F: Future + Unpin> Future for JoinAll<F> {
        type Output = Vec<F::Output>;
        fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
            let this = &mut *self;
            let mut pending = false;
            for (slot, out) in this.futures.iter_mut().zip(this.outputs.iter_mut()) {
                if let Some(f) = slot {
                    match Pin::new(f).poll(cx) {
                        Poll::Ready(v) => {
                            *out = Some(v);
                            *slot = None;
                        }
                        Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                Poll::Pending
            } else {
                Poll::Ready(this.outputs.iter_mut().filter_map(Option::take).collect())
            }
        }
    }
    let n = futures.len();
    JoinAll {
        futures: futures.into_iter().map(Some).collect(),
        outputs: (0..n).map(|_| None).collect(),
    }
    .await
}
