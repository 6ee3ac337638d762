//! Performance statistics over one reused executor: latency, concurrent
//! throughput and callback overhead. Failures are counted, never hidden,
//! and nonsense inputs are rejected.

use crate::executor::{ExecRequest, Executor};
use crate::session::Session;
use mlpy_lang::Data;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PerfError(pub String);

impl fmt::Display for PerfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PerfError {}

/// Latency statistics in microseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyStats {
    pub iterations: usize,
    pub successes: usize,
    pub failures: usize,
    pub mean_us: f64,
    pub median_us: f64,
    pub p95_us: f64,
    pub p99_us: f64,
    pub min_us: f64,
    pub max_us: f64,
    pub std_dev_us: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThroughputStats {
    pub total: usize,
    pub concurrency: usize,
    pub successes: usize,
    pub failures: usize,
    pub wall_ms: f64,
    pub per_second: f64,
}

/// Statistics over samples (successful runs only); counts come separately.
pub fn latency_stats(samples: &[Duration], failures: usize) -> LatencyStats {
    let mut us: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
    us.sort_by(f64::total_cmp);
    let n = us.len();
    let pick = |q: f64| -> f64 {
        if n == 0 {
            return 0.0;
        }
        // Nearest-rank percentile.
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        us[rank - 1]
    };
    let mean = if n == 0 {
        0.0
    } else {
        us.iter().sum::<f64>() / n as f64
    };
    let var = if n < 2 {
        0.0
    } else {
        us.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64
    };
    let median = if n == 0 {
        0.0
    } else if n % 2 == 1 {
        us[n / 2]
    } else {
        (us[n / 2 - 1] + us[n / 2]) / 2.0
    };
    LatencyStats {
        iterations: n + failures,
        successes: n,
        failures,
        mean_us: mean,
        median_us: median,
        p95_us: pick(0.95),
        p99_us: pick(0.99),
        min_us: us.first().copied().unwrap_or(0.0),
        max_us: us.last().copied().unwrap_or(0.0),
        std_dev_us: var.sqrt(),
    }
}

/// Measures ML code through one reused executor.
pub struct PerfTester {
    executor: Executor,
}

impl PerfTester {
    pub fn new(executor: Executor) -> PerfTester {
        PerfTester { executor }
    }

    /// Sequential end-to-end latency of `code`, after `warmup` runs.
    pub async fn latency(
        &self,
        code: &str,
        iterations: usize,
        warmup: usize,
    ) -> Result<LatencyStats, PerfError> {
        if iterations == 0 {
            return Err(PerfError("iterations must be at least 1".into()));
        }
        for _ in 0..warmup {
            self.executor.execute(ExecRequest::new(code)).await;
        }
        let mut samples = Vec::with_capacity(iterations);
        let mut failures = 0;
        for _ in 0..iterations {
            let start = Instant::now();
            let o = self.executor.execute(ExecRequest::new(code)).await;
            let t = start.elapsed();
            if o.status.is_ok() {
                samples.push(t);
            } else {
                failures += 1;
            }
        }
        Ok(latency_stats(&samples, failures))
    }

    /// `total` executions with at most `concurrency` in flight.
    pub async fn throughput(
        &self,
        code: &str,
        concurrency: usize,
        total: usize,
    ) -> Result<ThroughputStats, PerfError> {
        if concurrency == 0 {
            return Err(PerfError("concurrency must be at least 1".into()));
        }
        if total == 0 {
            return Err(PerfError("total must be at least 1".into()));
        }
        let code: std::sync::Arc<str> = code.into();
        let start = Instant::now();
        let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency));
        let mut tasks = Vec::with_capacity(total);
        for _ in 0..total {
            let permit = sem
                .clone()
                .acquire_owned()
                .await
                .map_err(|e| PerfError(e.to_string()))?;
            let ex = self.executor.clone();
            let code = code.clone();
            tasks.push(tokio::spawn(async move {
                let o = ex.execute(ExecRequest::new(code)).await;
                drop(permit);
                o.status.is_ok()
            }));
        }
        let mut successes = 0;
        for t in tasks {
            if t.await.unwrap_or(false) {
                successes += 1;
            }
        }
        let wall = start.elapsed();
        Ok(ThroughputStats {
            total,
            concurrency,
            successes,
            failures: total - successes,
            wall_ms: wall.as_secs_f64() * 1000.0,
            per_second: total as f64 / wall.as_secs_f64().max(1e-9),
        })
    }
}

/// Per-call overhead of a session callback.
pub fn callback_overhead(
    session: &Session,
    function: &str,
    args: &[Data],
    iterations: usize,
) -> Result<LatencyStats, PerfError> {
    if iterations == 0 {
        return Err(PerfError("iterations must be at least 1".into()));
    }
    let cb = session
        .callback(function)
        .map_err(|e| PerfError(e.to_string()))?;
    let mut samples = Vec::with_capacity(iterations);
    let mut failures = 0;
    for _ in 0..iterations {
        let start = Instant::now();
        let r = cb.call(args);
        let t = start.elapsed();
        match r {
            Ok(_) => samples.push(t),
            Err(_) => failures += 1,
        }
    }
    Ok(latency_stats(&samples, failures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_counts() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        let s = latency_stats(&samples, 3);
        assert_eq!(s.iterations, 103);
        assert_eq!(s.failures, 3);
        assert_eq!(s.min_us, 1.0);
        assert_eq!(s.max_us, 100.0);
        assert_eq!(s.p95_us, 95.0);
        assert_eq!(s.p99_us, 99.0);
        assert_eq!(s.median_us, 50.5);
        assert!((s.mean_us - 50.5).abs() < 1e-9);
        let empty = latency_stats(&[], 5);
        assert_eq!(
            (empty.successes, empty.failures, empty.mean_us),
            (0, 5, 0.0)
        );
    }
}
