//! Taking samples: one per iteration, each the execution's own time
//! (compile + run, as the executor measured it on its worker, without
//! queueing or thread hand-off), after unmeasured warm-up runs; and
//! concurrent throughput. A failed iteration is counted and its first
//! reason kept, never hidden.

use mlpy_harness::perf::{latency_stats, median_ci, Estimate, LatencyStats, ThroughputStats};
use mlpy_harness::ExecOutcome;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How much to measure.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub iterations: usize,
    pub warmup: usize,
    pub concurrency: usize,
}

/// Everything measured for one case.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Measured {
    /// Per-iteration execution times of the successful iterations, µs.
    pub samples_us: Vec<f64>,
    pub latency: LatencyStats,
    /// The median with its 95% bootstrap interval.
    pub median_us: Estimate,
    pub throughput: Option<ThroughputStats>,
    /// Why the first failing iteration failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_failure: Option<String>,
}

impl Measured {
    pub fn failures(&self) -> usize {
        self.latency.failures + self.throughput.as_ref().map_or(0, |t| t.failures)
    }
}

/// The execution's own time in µs.
pub fn exec_time(o: &ExecOutcome) -> f64 {
    (o.timings.compile + o.timings.run).as_secs_f64() * 1e6
}

/// One iteration: its time in µs, or why it failed.
pub type Iteration<'a> = dyn Fn() -> Result<f64, String> + Sync + 'a;

pub fn measure(plan: Plan, run: &Iteration<'_>) -> Measured {
    for _ in 0..plan.warmup {
        let _ = run();
    }
    let mut samples = Vec::with_capacity(plan.iterations);
    let mut failures = 0;
    let mut first_failure = None;
    for _ in 0..plan.iterations {
        match run() {
            Ok(us) => samples.push(us),
            Err(why) => {
                failures += 1;
                first_failure.get_or_insert(why);
            }
        }
    }
    let durations: Vec<Duration> = samples
        .iter()
        .map(|us| Duration::from_secs_f64(us / 1e6))
        .collect();
    let latency = latency_stats(&durations, failures);
    let median_us = median_ci(&samples);
    let throughput = (plan.concurrency > 1).then(|| {
        let (t, why) = throughput(plan.iterations, plan.concurrency, run);
        if first_failure.is_none() {
            first_failure = why;
        }
        t
    });
    Measured {
        samples_us: samples,
        latency,
        median_us,
        throughput,
        first_failure,
    }
}

/// `total` iterations on `concurrency` threads at once: executions per
/// second of wall time.
fn throughput(
    total: usize,
    concurrency: usize,
    run: &Iteration<'_>,
) -> (ThroughputStats, Option<String>) {
    let next = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let first = Mutex::new(None);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..concurrency {
            s.spawn(|| {
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    if let Err(why) = run() {
                        failed.fetch_add(1, Ordering::Relaxed);
                        first
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .get_or_insert(why);
                    }
                }
            });
        }
    });
    let wall = start.elapsed();
    let failures = failed.into_inner();
    (
        ThroughputStats {
            total,
            concurrency,
            successes: total - failures,
            failures,
            wall_ms: wall.as_secs_f64() * 1000.0,
            per_second: total as f64 / wall.as_secs_f64().max(1e-9),
        },
        first.into_inner().unwrap_or_else(|e| e.into_inner()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_counted_and_explained() {
        let n = AtomicUsize::new(0);
        let run = || {
            let i = n.fetch_add(1, Ordering::Relaxed);
            if i.is_multiple_of(4) {
                Err(format!("iteration {i} failed"))
            } else {
                Ok(10.0 + i as f64)
            }
        };
        let m = measure(
            Plan {
                iterations: 8,
                warmup: 2,
                concurrency: 3,
            },
            &run,
        );
        // Warm-up runs 0 and 1; measured 2..10 of which 4 and 8 fail.
        assert_eq!((m.latency.successes, m.latency.failures), (6, 2));
        assert_eq!(m.first_failure.as_deref(), Some("iteration 4 failed"));
        let t = m.throughput.as_ref().unwrap();
        assert_eq!((t.total, t.concurrency, t.failures), (8, 3, 2));
        assert_eq!(m.failures(), 4);
        assert!(m.median_us.lo <= m.median_us.point && m.median_us.point <= m.median_us.hi);
    }
}
