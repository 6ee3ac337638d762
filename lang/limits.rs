//! Limits that make hostile programs safe: call depth, sizes, deadline and
//! the interrupt flag a host uses to stop a run.

use crate::error::{ErrorKind, MlError, VmResult};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// What one execution may use; a host sets them per run.
#[derive(Clone, Debug)]
pub struct Limits {
    /// ML call frames before a RecursionError.
    pub max_call_depth: usize,
    /// Nested native→ML re-entries (sort keys, map callbacks, ...).
    pub max_native_depth: usize,
    /// Largest string (bytes) or array/object (items) a program may build.
    /// 32 Mi: an array that size already holds 512 MiB of values.
    pub max_len: usize,
    /// Value-stack slots across all frames.
    pub max_stack: usize,
    /// Bytes one execution may allocate and keep (its memory budget),
    /// counted by [`crate::memory::TrackingAlloc`]: 1 GiB.
    pub max_memory: usize,
    /// Bytes of captured output (stdout and stderr together) one execution
    /// may write: 64 MiB. Output streamed to the real console is not capped.
    pub max_output: usize,
}

/// The default memory budget of one execution (1 GiB).
pub const DEFAULT_MAX_MEMORY: usize = 1 << 30;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_call_depth: 10_000,
            max_native_depth: 1_000,
            max_len: 32 * 1024 * 1024,
            max_stack: 4 * 1024 * 1024,
            max_memory: DEFAULT_MAX_MEMORY,
            max_output: 64 * 1024 * 1024,
        }
    }
}

/// Units of work between two interrupt/deadline checks. One unit is about
/// one VM loop iteration (10–30 ns), so a check (one atomic load and one
/// clock read) happens every few tens of microseconds.
pub const CHECK_INTERVAL: i64 = 1024;

/// Work units for a pass over `bytes` bytes of text (hashing, scanning,
/// copying): about 16 bytes per unit.
#[inline]
pub fn byte_cost(bytes: usize) -> usize {
    bytes / 16
}

/// Fuel for natives that cannot hold `&mut Vm` while they work (pure text
/// helpers, comparators): charges work units and checks the interrupt and
/// deadline whenever the fuel runs out, like the VM itself does.
pub struct Meter<'a> {
    interrupt: Option<&'a Interrupt>,
    deadline: Option<Instant>,
    /// The thread's allocation count past which the budget is spent.
    memory_limit: isize,
    fuel: i64,
}

impl<'a> Meter<'a> {
    /// A meter for one execution: `interrupt` and `deadline` stop it, `memory_limit` is the thread's allocation count past which the budget is spent.
    pub fn new(
        interrupt: &'a Interrupt,
        deadline: Option<Instant>,
        memory_limit: isize,
    ) -> Meter<'a> {
        Meter {
            interrupt: Some(interrupt),
            deadline,
            memory_limit,
            fuel: CHECK_INTERVAL,
        }
    }
    /// A meter that never stops anything (for code outside an execution).
    pub fn unlimited() -> Meter<'static> {
        Meter {
            interrupt: None,
            deadline: None,
            memory_limit: isize::MAX,
            fuel: i64::MAX,
        }
    }
    /// Charges `cost` units; fails with Timeout/Cancelled when the run must
    /// stop, or MemoryError once the execution's memory budget is spent.
    #[inline]
    pub fn charge(&mut self, cost: usize) -> VmResult<()> {
        self.fuel -= cost.min(CHECK_INTERVAL as usize * 1024) as i64;
        if self.fuel <= 0 {
            return self.out_of_fuel();
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn out_of_fuel(&mut self) -> VmResult<()> {
        self.fuel = CHECK_INTERVAL;
        check(self.interrupt, self.deadline)?;
        check_memory(self.memory_limit, 0)
    }
    /// Fails with MemoryError if allocating `bytes` more would spend the
    /// budget: asked before a large allocation.
    pub fn reserve(&self, bytes: usize) -> VmResult<()> {
        check_memory(self.memory_limit, bytes)
    }
    /// Appends `n` copies of `items` to `out` after reserving their bytes,
    /// charging one unit per item in chunks of 64 Ki, so a huge repetition
    /// (or copy) stops part-way at the deadline.
    pub fn extend_repeated<T: Clone>(
        &mut self,
        out: &mut Vec<T>,
        items: &[T],
        n: usize,
    ) -> VmResult<()> {
        let bytes = std::mem::size_of::<T>();
        self.reserve(items.len().saturating_mul(n).saturating_mul(bytes))?;
        for _ in 0..n {
            for chunk in items.chunks(1 << 16) {
                self.charge(chunk.len())?;
                out.extend_from_slice(chunk);
            }
        }
        Ok(())
    }
}

/// MemoryError when this thread's allocations plus `more` pass `limit`.
#[inline]
pub(crate) fn check_memory(limit: isize, more: usize) -> VmResult<()> {
    let now = crate::memory::thread_allocated();
    if now.saturating_add(more.min(isize::MAX as usize) as isize) > limit {
        return Err(memory_error());
    }
    Ok(())
}

#[cold]
pub(crate) fn memory_error() -> MlError {
    MlError::new(
        ErrorKind::MemoryError,
        "the execution's memory budget is spent (see Limits::max_memory, --memory, the `memory` spec key)",
    )
}

/// The shared check behind [`Meter::charge`] and `Vm::charge`.
#[cold]
pub(crate) fn check(interrupt: Option<&Interrupt>, deadline: Option<Instant>) -> VmResult<()> {
    if let Some(kind) = interrupt.and_then(Interrupt::raised) {
        return Err(MlError::new(kind, interrupt_message(kind)));
    }
    if let Some(d) = deadline {
        if Instant::now() >= d {
            return Err(MlError::new(
                ErrorKind::Timeout,
                interrupt_message(ErrorKind::Timeout),
            ));
        }
    }
    Ok(())
}

pub(crate) fn interrupt_message(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Cancelled => "execution cancelled",
        _ => "execution timed out",
    }
}

/// Stack size for threads that run the VM: deep native re-entry (up to
/// `max_native_depth`) needs more than the default 2 MiB.
pub const VM_THREAD_STACK: usize = 256 * 1024 * 1024;

/// A flag shared with the host: raising it stops the run at the next loop
/// iteration or call.
#[derive(Clone, Debug, Default)]
pub struct Interrupt(Arc<AtomicU8>);

const NONE: u8 = 0;
const TIMEOUT: u8 = 1;
const CANCEL: u8 = 2;

impl Interrupt {
    /// A flag that is not raised.
    pub fn new() -> Interrupt {
        Interrupt::default()
    }
    /// Stops the run with a Timeout (a host's own deadline passed).
    pub fn timeout(&self) {
        self.0.store(TIMEOUT, Ordering::Relaxed);
    }
    /// Stops the run as Cancelled.
    pub fn cancel(&self) {
        self.0.store(CANCEL, Ordering::Relaxed);
    }
    /// Lowers the flag for the next run.
    pub fn clear(&self) {
        self.0.store(NONE, Ordering::Relaxed);
    }
    /// The kind of stop asked for, if any.
    pub fn raised(&self) -> Option<ErrorKind> {
        match self.0.load(Ordering::Relaxed) {
            NONE => None,
            TIMEOUT => Some(ErrorKind::Timeout),
            _ => Some(ErrorKind::Cancelled),
        }
    }
}

/// Runs `f` on a thread with a stack large enough for the VM's limits.
pub fn run_on_vm_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .name("mlpy-vm".into())
        .stack_size(VM_THREAD_STACK)
        .spawn(f)
        .expect("spawn VM thread")
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// Parses durations written like `200ms`, `2s`, `1.5s`, `1m`, `750us`.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| {
        format!("invalid duration '{text}': expected a number and a unit, e.g. 200ms or 2s")
    })?;
    let secs = match unit.trim() {
        "ms" => n / 1000.0,
        "s" | "sec" => n,
        "" if n == 0.0 => 0.0,
        "us" | "µs" => n / 1_000_000.0,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        other => {
            return Err(format!(
                "invalid duration '{text}': unknown unit '{other}' (use us, ms, s, m or h)"
            ))
        }
    };
    if !secs.is_finite() || !(0.0..=1.0e9).contains(&secs) {
        return Err(format!("invalid duration '{text}': out of range"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("200ms").unwrap(), Duration::from_millis(200));
        assert_eq!(parse_duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert!(parse_duration("2").is_err());
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("2 parsecs").is_err());
    }
}
