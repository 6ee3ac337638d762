//! Memory accounting for the per-execution budget.
//!
//! [`TrackingAlloc`] wraps an allocator ([`Mimalloc`] by default) and keeps, per thread, the
//! net number of bytes allocated minus freed on that thread (one
//! thread-local add per allocation). A VM runs an execution on one thread,
//! so what the execution allocates and keeps is the growth of that count
//! since it started; [`Vm::charge`](crate::vm::Vm::charge) compares it with
//! the budget whenever it checks the deadline, and natives that are about
//! to allocate much ask first ([`Meter::reserve`](crate::limits::Meter::reserve)).
//! Going past the budget is a catchable `MemoryError`, never an abort.
//!
//! Memory freed on another thread than the one that allocated it (a
//! session's globals, built on one worker and dropped on the next, or a
//! result dropped by the host) moves the counts of both threads, but opens
//! no hole: every allocation and free an execution makes happens on its
//! own thread (no native spawns a thread), so the growth of its thread's
//! count is exactly the growth of the process's live memory it caused.
//! Freeing a value it did not allocate gives it room, exactly as that free
//! gives the process room.
//!
//! With the default `global-allocator` feature this crate installs
//! `TrackingAlloc` as the global allocator. An embedder with its own
//! allocator turns the feature off and wraps it:
//! `#[global_allocator] static A: TrackingAlloc<MyAlloc> = TrackingAlloc(MyAlloc);`.
//! Without tracking, budgets are not enforced (sizes still are).

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::c_void;

thread_local! {
    /// Bytes allocated minus bytes freed on this thread (a plain integer:
    /// no destructor, no allocation, safe to touch from the allocator).
    static NET: Cell<isize> = const { Cell::new(0) };
}

/// An allocator that counts bytes per thread (see the module docs).
pub struct TrackingAlloc<A = System>(pub A);

impl TrackingAlloc {
    /// Counts on top of the system allocator.
    pub const fn system() -> TrackingAlloc {
        TrackingAlloc(System)
    }
}

/// mimalloc, through plain `mi_malloc` whenever that alignment is
/// guaranteed anyway (as the standard library's system allocator does with
/// `malloc`): mimalloc's aligned entry point takes a slow path, allocating
/// a larger block, whenever the page of a size class runs out.
pub struct Mimalloc;

/// The alignment every `mi_malloc` block of `size` bytes has.
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= 16 && align <= size
}

/// A block for `layout` from `plain_fn(size)` when [`plain`] promises its
/// alignment, else from `aligned_fn(size, align)`.
///
/// # Safety
/// The two functions are a matching mimalloc pair (`mi_malloc` and
/// `mi_malloc_aligned`, or `mi_zalloc` and `mi_zalloc_aligned`).
#[inline(always)]
unsafe fn mi_alloc(
    layout: Layout,
    plain_fn: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned_fn: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    if plain(layout.align(), layout.size()) {
        plain_fn(layout.size()).cast()
    } else {
        aligned_fn(layout.size(), layout.align()).cast()
    }
}

// SAFETY: each method passes its arguments on to the matching mimalloc
// function (through `mi_alloc` for the allocating pair); the aligned variants are used whenever `plain` does not promise
// that `mi_malloc`'s block is aligned enough; `mi_free` frees blocks of both.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        mi_alloc(layout, mi::mi_malloc, mi::mi_malloc_aligned)
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        mi_alloc(layout, mi::mi_zalloc, mi::mi_zalloc_aligned)
    }
    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        libmimalloc_sys::mi_free(ptr.cast());
    }
    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if plain(layout.align(), new_size) {
            mi::mi_realloc(ptr.cast(), new_size).cast()
        } else {
            mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
        }
    }
}

#[inline]
fn count(delta: isize) {
    // `try_with`: a thread being torn down has no counter any more.
    let _ = NET.try_with(|n| n.set(n.get().wrapping_add(delta)));
}

// SAFETY: every method forwards to the wrapped allocator with the same
// arguments and returns its result unchanged; the counting touches only a
// const-initialised thread-local `Cell<isize>`, which never allocates.
unsafe impl<A: GlobalAlloc> GlobalAlloc for TrackingAlloc<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = self.0.alloc(layout);
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = self.0.alloc_zeroed(layout);
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.0.dealloc(ptr, layout);
        count(-(layout.size() as isize));
    }
    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = self.0.realloc(ptr, layout, new_size);
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Net bytes allocated on this thread so far (0 without tracking).
#[inline]
pub fn thread_allocated() -> isize {
    NET.try_with(Cell::get).unwrap_or(0)
}

/// Takes over `bytes` counted on another thread (a helper's result that
/// this thread will keep and free), so the budget sees them here.
pub(crate) fn adopt(bytes: isize) {
    count(bytes);
}

/// Whether allocations are counted (the tracking allocator is installed).
pub fn tracking() -> bool {
    let before = thread_allocated();
    let probe: Vec<u8> = Vec::with_capacity(64);
    let seen = thread_allocated() != before;
    drop(std::hint::black_box(probe));
    seen
}

/// Parses sizes written like `512MiB`, `1GiB`, `64MB`, `100k`, `4096`.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.replace('_', "").parse().map_err(|_| {
        format!("invalid size '{text}': expected a number and a unit, e.g. 512MiB or 2GiB")
    })?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" => 1e12,
        "tib" => 1024f64.powi(4),
        other => {
            return Err(format!(
                "invalid size '{text}': unknown unit '{other}' (use B, KiB, MiB, GiB, kB, MB, GB)"
            ))
        }
    };
    let bytes = n * scale;
    if !bytes.is_finite() || bytes < 0.0 || bytes > usize::MAX as f64 {
        return Err(format!("invalid size '{text}': out of range"));
    }
    Ok(bytes as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512MiB").unwrap(), 512 << 20);
        assert_eq!(parse_size("1GiB").unwrap(), 1 << 30);
        assert_eq!(parse_size("64MB").unwrap(), 64_000_000);
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert_eq!(parse_size("1.5 GiB").unwrap(), 3 << 29);
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1MiB").is_err());
        assert!(parse_size("3 parsecs").is_err());
    }

    #[test]
    fn allocations_on_this_thread_are_counted() {
        assert!(tracking(), "the tracking allocator is installed");
        let before = thread_allocated();
        let v = vec![0u8; 1 << 20];
        assert!(thread_allocated() - before >= 1 << 20);
        drop(v);
        assert!(thread_allocated() - before < 1 << 10);
    }
}
