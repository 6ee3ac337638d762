//! Running a selected list of tests: on a pool of threads through one
//! executor, each result judged (and blessed on request), every step
//! reported to a [`Reporter`] as it happens, slow tests announced while
//! they run, and `fail_fast` stopping the run at the first failure.

use crate::bless::bless;
use crate::compare::{known_difference, run_pair, Agreement};
use crate::executor::Executor;
use crate::expect::escape_controls;
use crate::outcome::Status;
use crate::report::{ComparedField, Comparison, Event, Reporter, Summary, TestResult, TestStatus};
use crate::spec::{Body, Case, Test};
use crate::suite::{run_case, skip_reason, CaseResult, RunOptions};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// How to run the tests.
#[derive(Clone, Debug)]
pub struct DriveOptions {
    /// Tests run at once (at least 1).
    pub jobs: usize,
    /// Stop starting tests after the first failure.
    pub fail_fast: bool,
    /// Announce a test still running after this long (and again after
    /// each further multiple).
    pub slow_timeout: Option<Duration>,
    /// Rewrite failing expectations with the actual values.
    pub bless: bool,
    /// Run tests marked `ignore` too (`skip` never runs).
    pub run_ignored: bool,
    /// How each case runs (timeouts, memory, colour, traces).
    pub run: RunOptions,
    /// `--compare`: run every case on this backend too and compare the
    /// outcomes (the driven executor is the left side).
    pub compare_with: Option<Executor>,
}

impl Default for DriveOptions {
    fn default() -> DriveOptions {
        DriveOptions {
            jobs: 1,
            fail_fast: false,
            slow_timeout: None,
            bless: false,
            run_ignored: false,
            run: RunOptions::default(),
            compare_with: None,
        }
    }
}

enum Msg {
    Started(usize),
    Finished(usize, Box<TestResult>),
}

/// Runs `tests` (loaded: each a case or a spec error) and reports to
/// `reporter`. `filtered_out` is how many tests the selection left out.
/// Returns the summary and the first error a reporter met (output that
/// could not be written), if any. A caller that passes the tests as an
/// `Arc` it keeps decides when they are freed (a command about to exit
/// need not free thousands of cases one by one).
pub fn drive(
    executor: &Executor,
    tests: impl Into<Arc<Vec<Test>>>,
    filtered_out: usize,
    options: &DriveOptions,
    reporter: &mut dyn Reporter,
) -> (Summary, Option<std::io::Error>) {
    let start = Instant::now();
    let tests: Arc<Vec<Test>> = tests.into();
    let total = tests.len();
    let mut report_error = None;
    // The first error of the reporter's output is kept; the run goes on.
    let mut note = |r: std::io::Result<()>| {
        if let Err(err) = r {
            report_error.get_or_insert(err);
        }
    };
    note(reporter.report(&Event::Started {
        total,
        filtered_out,
    }));
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<Msg>();
    let jobs = options.jobs.clamp(1, total.max(1));
    let mut workers = Vec::new();
    for _ in 0..jobs {
        let (tests, next, stop, tx) = (tests.clone(), next.clone(), stop.clone(), tx.clone());
        let (executor, options) = (executor.clone(), options.clone());
        workers.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(test) = tests.get(i) else {
                    return;
                };
                if runs(test, &options) && tx.send(Msg::Started(i)).is_err() {
                    return;
                }
                // A runtime bug fails this test; it never loses the others.
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run_test(&executor, test, &options)
                }))
                .unwrap_or_else(|_| {
                    result_of(
                        test,
                        TestStatus::Failed,
                        "internal error: the run panicked\n".into(),
                    )
                });
                if result.status == TestStatus::Failed && options.fail_fast {
                    stop.store(true, Ordering::Relaxed);
                }
                if tx.send(Msg::Finished(i, Box::new(result))).is_err() {
                    return;
                }
            }
        }));
    }
    drop(tx);

    let mut summary = Summary {
        filtered_out,
        ..Summary::default()
    };
    // Running tests: when they started and when they are next slow.
    let mut running: HashMap<usize, (Instant, Duration)> = HashMap::new();
    let mut finished = 0;
    let tick = Duration::from_millis(100);
    let mut done = false;
    while !done {
        let mut batch = Vec::new();
        match rx.recv_timeout(tick) {
            Ok(m) => batch.push(m),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => done = true,
        }
        if !batch.is_empty() {
            // Take what else has gathered (a loaded machine gathers many
            // results before this thread gets a core back) and report them
            // with one flush. (Pausing to let results gather saved context
            // switches on an idle machine, but on a loaded one each pause
            // meant waiting for a core again: the run ended later.)
            loop {
                match rx.try_recv() {
                    Ok(m) => batch.push(m),
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => {
                        done = true;
                        break;
                    }
                }
            }
        }
        for msg in batch {
            match msg {
                Msg::Started(i) => {
                    if let Some(slow) = options.slow_timeout {
                        running.insert(i, (Instant::now(), slow));
                    }
                    note(reporter.report(&Event::TestStarted {
                        name: tests[i].name(),
                    }));
                }
                Msg::Finished(i, result) => {
                    running.remove(&i);
                    finished += 1;
                    summary.record(&result);
                    note(reporter.report(&Event::TestFinished(&result)));
                }
            }
        }
        if let Some(slow) = options.slow_timeout.filter(|s| !s.is_zero()) {
            for (i, (started, next_at)) in running.iter_mut() {
                let elapsed = started.elapsed();
                if elapsed >= *next_at {
                    note(reporter.report(&Event::Slow {
                        name: tests[*i].name(),
                        elapsed: *next_at,
                    }));
                    *next_at += slow;
                }
            }
        }
        note(reporter.flush());
    }
    for w in workers {
        let _ = w.join();
    }
    summary.not_run = total - finished;
    summary.duration = start.elapsed();
    note(reporter.report(&Event::Finished(&summary)));
    // Nothing follows `Finished`: what the reporters kept goes out now.
    note(reporter.flush());
    (summary, report_error)
}

/// Whether the test runs code (else it is only reported).
fn runs(test: &Test, options: &DriveOptions) -> bool {
    test.summary.skip.is_none()
        && (test.summary.ignore.is_none() || options.run_ignored)
        && !matches!(test.body, Body::Listed)
}

fn result_of(test: &Test, status: TestStatus, message: String) -> TestResult {
    TestResult {
        name: test.name().to_string(),
        file: test.file.clone(),
        line: test.summary.line,
        col: test.summary.col,
        status,
        duration: Duration::ZERO,
        message,
        comparison: None,
    }
}

/// Runs one test and judges it (blessing a failure when asked).
pub fn run_test(executor: &Executor, test: &Test, options: &DriveOptions) -> TestResult {
    if let Some(reason) = &test.summary.skip {
        return result_of(test, TestStatus::Skipped, reason.clone());
    }
    if let (Some(reason), false) = (&test.summary.ignore, options.run_ignored) {
        return result_of(test, TestStatus::Ignored, reason.clone());
    }
    let case = match &test.body {
        Body::Case(case) => case,
        Body::Broken(e) => return result_of(test, TestStatus::Failed, e.render()),
        Body::Listed => {
            return result_of(
                test,
                TestStatus::Failed,
                "internal error: the test was not loaded\n".into(),
            )
        }
    };
    if let Some(other) = &options.compare_with {
        return compared(executor, other, test, case, options);
    }
    // A backend that cannot honour what the case needs skips it.
    if let Some(reason) = skip_reason(executor, case) {
        return result_of(test, TestStatus::Skipped, reason);
    }
    let result = run_case(executor, case, &options.run);
    let mut r = result_of(test, TestStatus::Passed, String::new());
    r.duration = result.duration;
    if result.verdict.passed {
        return r;
    }
    let backend = &executor.backend_info().name;
    if let Some(why) = known_difference(case, backend) {
        r.status = TestStatus::KnownDifference;
        r.message = format!(
            "differs_on.{backend}: {why}\n{}",
            failure_message(case, &result)
        );
        return r;
    }
    r.status = TestStatus::Failed;
    r.message = failure_message(case, &result);
    if options.bless {
        match bless(case, &result) {
            Ok(b) => {
                r.status = TestStatus::Blessed;
                r.message = b.to_string();
            }
            Err(e) => {
                let _ = writeln!(r.message, "not blessed: {}", e.message);
            }
        }
    }
    r
}

/// One case on both backends of `--compare`: passed when the outcomes
/// agree and meet the expectations (or differ as the case documents), failed
/// with the differences side by side otherwise, skipped when one side cannot
/// run it.
fn compared(
    left: &Executor,
    right: &Executor,
    test: &Test,
    case: &Case,
    options: &DriveOptions,
) -> TestResult {
    let names = [
        left.backend_info().name.clone(),
        right.backend_info().name.clone(),
    ];
    let pair = run_pair(left, right, case, &options.run);
    let mut r = result_of(test, TestStatus::Passed, String::new());
    r.duration = [&pair.left, &pair.right]
        .iter()
        .filter_map(|s| s.result())
        .map(|c| c.duration)
        .sum();
    let (agreement, reason, differences) = match &pair.agreement {
        Agreement::Agree => ("agree", None, Vec::new()),
        Agreement::Differ(d) => (
            "differ",
            None,
            d.iter()
                .map(|d| ComparedField {
                    field: d.field,
                    left: d.left.clone(),
                    right: d.right.clone(),
                })
                .collect(),
        ),
        Agreement::CouldNotRun(why) => ("could_not_run", Some(why.clone()), Vec::new()),
    };
    r.comparison = Some(Comparison {
        backends: names.clone(),
        agreement,
        known: pair.known.as_ref().map(|(_, why)| why.clone()),
        reason: reason.clone(),
        differences,
    });
    let description = pair.describe(&names[0], &names[1]);
    if !pair.passed() {
        r.status = TestStatus::Failed;
        r.message = format!(
            "{}:{}:{}: case '{}' failed\n{description}",
            case.file.display(),
            case.summary.line,
            case.summary.col,
            case.name
        );
    } else if let Some(why) = reason {
        r.status = TestStatus::Skipped;
        r.message = why;
    } else if pair.known.is_some() {
        // Passed because it differs as documented: say how.
        r.message = description;
    }
    r
}

/// The full text of a failed case: where it is, what differs, the ML error
/// with its caret and what the program printed (control characters
/// escaped).
pub fn failure_message(case: &Case, result: &CaseResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}:{}:{}: case '{}' failed",
        case.file.display(),
        case.summary.line,
        case.summary.col,
        case.name,
    );
    out.push_str(&result.verdict.render());
    if let Status::Error { error } | Status::Violation { error } = &result.outcome.status {
        let first = error.rendered.lines().next().unwrap_or("");
        if !error.rendered.is_empty() && !out.contains(first) {
            out.push_str("ML error:\n");
            for line in escape_controls(&error.rendered).lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    let stdout = &result.outcome.stdout;
    if !stdout.is_empty() && !result.verdict.failures.iter().any(|f| f.what == "stdout") {
        out.push_str("stdout:\n");
        let lines: Vec<&str> = stdout.lines().collect();
        for line in lines.iter().take(40) {
            let _ = writeln!(out, "  | {}", escape_controls(line));
        }
        if lines.len() > 40 {
            let _ = writeln!(out, "  | … {} more lines", lines.len() - 40);
        }
    }
    if let Some(trace) = &result.outcome.trace {
        out.push_str("trace:\n");
        out.push_str(&escape_controls(&trace.render()));
    }
    out
}
