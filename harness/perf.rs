//! Performance statistics over one reused executor: latency, concurrent
//! throughput and callback overhead. Failures are counted, never hidden,
//! and nonsense inputs are rejected.

use crate::executor::Executor;
use crate::request::ExecRequest;
use crate::session::Session;
use mlpy_lang::Data;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, Instant};

/// Why a measurement could not be made.
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
    /// Runs made.
    pub iterations: usize,
    /// Runs that finished without an error.
    pub successes: usize,
    /// Runs that failed.
    pub failures: usize,
    /// Mean latency.
    pub mean_us: f64,
    /// Median latency.
    pub median_us: f64,
    /// 95th percentile.
    pub p95_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Fastest run.
    pub min_us: f64,
    /// Slowest run.
    pub max_us: f64,
    /// Standard deviation.
    pub std_dev_us: f64,
}

/// Runs per second with several in flight at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThroughputStats {
    /// Runs made.
    pub total: usize,
    /// Runs in flight at once.
    pub concurrency: usize,
    /// Runs that finished without an error.
    pub successes: usize,
    /// Runs that failed.
    pub failures: usize,
    /// Wall-clock time of all runs, in milliseconds.
    pub wall_ms: f64,
    /// Runs per second (`total / wall time`).
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

/// A point estimate with a confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The estimate.
    pub point: f64,
    /// Lower bound of the interval.
    pub lo: f64,
    /// Upper bound of the interval.
    pub hi: f64,
}

/// Confidence level of every interval reported here.
pub const CONFIDENCE: f64 = 0.95;
/// Bootstrap resamples per estimate.
const RESAMPLES: usize = 2000;

/// A small deterministic generator (SplitMix64) for resampling: the same
/// samples always give the same interval.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }
}

/// The median of unsorted values (0 for none).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    median_in_place(&mut v)
}

fn median_in_place(v: &mut [f64]) -> f64 {
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    let (_, m, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    let upper = *m;
    if n % 2 == 1 {
        return upper;
    }
    let lower = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lower + upper) / 2.0
}

fn percentile_of_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((q * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1);
    sorted[i]
}

/// One bootstrap resample's median.
fn resampled_median(values: &[f64], rng: &mut SplitMix, buf: &mut Vec<f64>) -> f64 {
    buf.clear();
    buf.extend((0..values.len()).map(|_| values[rng.below(values.len())]));
    median_in_place(buf)
}

/// The median of `samples` with its 95% bootstrap (percentile) interval.
pub fn median_ci(samples: &[f64]) -> Estimate {
    let point = median(samples);
    if samples.len() < 2 {
        return Estimate {
            point,
            lo: point,
            hi: point,
        };
    }
    let mut rng = SplitMix(0x5EED);
    let mut buf = Vec::with_capacity(samples.len());
    let mut medians: Vec<f64> = (0..RESAMPLES)
        .map(|_| resampled_median(samples, &mut rng, &mut buf))
        .collect();
    medians.sort_by(f64::total_cmp);
    let tail = (1.0 - CONFIDENCE) / 2.0;
    Estimate {
        point,
        lo: percentile_of_sorted(&medians, tail),
        hi: percentile_of_sorted(&medians, 1.0 - tail),
    }
}

/// What a comparison with a baseline concludes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The whole interval of the change is a slowdown beyond the threshold.
    Regression,
    /// The whole interval is a speed-up beyond the threshold.
    Improvement,
    /// Otherwise: the change is within the threshold or within the noise.
    NoChange,
}

/// A new run against a baseline: the ratio of medians (new / old) with
/// its interval, and the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// New median over old median, with its interval.
    pub ratio: Estimate,
    /// What the ratio means.
    pub change: Change,
}

/// Compares two sets of samples (criterion's approach): bootstrap the
/// ratio of their medians; a regression only when the whole 95% interval
/// lies beyond `1 + threshold` (an improvement when it lies below
/// `1 / (1 + threshold)`). Noise widens the interval, so it cannot raise
/// a regression by itself.
pub fn compare(old: &[f64], new: &[f64], threshold: f64) -> Comparison {
    let ratio_of = |o: f64, n: f64| if o > 0.0 { n / o } else { 1.0 };
    let point = ratio_of(median(old), median(new));
    let mut ratio = Estimate {
        point,
        lo: point,
        hi: point,
    };
    if old.len() >= 2 && new.len() >= 2 {
        let mut rng = SplitMix(0xC0FFEE);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut ratios: Vec<f64> = (0..RESAMPLES)
            .map(|_| {
                let o = resampled_median(old, &mut rng, &mut a);
                let n = resampled_median(new, &mut rng, &mut b);
                ratio_of(o, n)
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        let tail = (1.0 - CONFIDENCE) / 2.0;
        ratio.lo = percentile_of_sorted(&ratios, tail);
        ratio.hi = percentile_of_sorted(&ratios, 1.0 - tail);
    }
    let change = if ratio.lo > 1.0 + threshold {
        Change::Regression
    } else if ratio.hi < 1.0 / (1.0 + threshold) {
        Change::Improvement
    } else {
        Change::NoChange
    };
    Comparison { ratio, change }
}

/// Measures ML code through one reused executor.
pub struct PerfTester {
    executor: Executor,
}

/// A count that must be at least 1 (`what` names it in the error).
fn at_least_one(n: usize, what: &str) -> Result<(), PerfError> {
    if n == 0 {
        return Err(PerfError(format!("{what} must be at least 1")));
    }
    Ok(())
}

impl PerfTester {
    /// A tester running through `executor`.
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
        at_least_one(iterations, "iterations")?;
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
        at_least_one(concurrency, "concurrency")?;
        at_least_one(total, "total")?;
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
    at_least_one(iterations, "iterations")?;
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
        assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), 2.5);
        assert_eq!(
            (empty.successes, empty.failures, empty.mean_us),
            (0, 5, 0.0)
        );
    }

    fn noisy(base: f64, n: usize, seed: u64) -> Vec<f64> {
        // Deterministic noise: mostly within ±5%, some 3x outliers.
        let mut rng = SplitMix(seed);
        (0..n)
            .map(|i| {
                let jitter = (rng.next() % 1000) as f64 / 1000.0 * 0.1 - 0.05;
                let outlier = if i.is_multiple_of(17) { 3.0 } else { 1.0 };
                base * (1.0 + jitter) * outlier
            })
            .collect()
    }

    #[test]
    fn median_interval_contains_the_median() {
        let s = noisy(100.0, 100, 1);
        let e = median_ci(&s);
        assert!(e.lo <= e.point && e.point <= e.hi, "{e:?}");
        assert!(e.hi - e.lo < 10.0, "{e:?}");
        assert_eq!(median_ci(&s), e, "deterministic");
        let one = median_ci(&[5.0]);
        assert_eq!((one.lo, one.point, one.hi), (5.0, 5.0, 5.0));
    }

    #[test]
    fn regressions_only_beyond_threshold_and_noise() {
        let old = noisy(100.0, 100, 1);
        // Same code, other noise: no change.
        assert_eq!(
            compare(&old, &noisy(100.0, 100, 2), 0.10).change,
            Change::NoChange
        );
        // 5% slower with a 10% threshold: still no regression.
        assert_eq!(
            compare(&old, &noisy(105.0, 100, 3), 0.10).change,
            Change::NoChange
        );
        // Twice the cost: a regression; half: an improvement.
        let c = compare(&old, &noisy(200.0, 100, 4), 0.10);
        assert_eq!(c.change, Change::Regression);
        assert!(c.ratio.lo > 1.8 && c.ratio.hi < 2.2, "{c:?}");
        assert_eq!(
            compare(&old, &noisy(50.0, 100, 5), 0.10).change,
            Change::Improvement
        );
        // Three samples of pure noise cannot prove a regression.
        assert_eq!(
            compare(&[100.0, 300.0, 100.0], &[300.0, 100.0, 300.0], 0.10).change,
            Change::NoChange
        );
    }
}
