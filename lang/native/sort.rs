//! A stable merge sort with a fallible `<`, as Python's sort uses.
//!
//! `slice::sort_by` may panic when a comparator is not a total order
//! (NaN, mixed types raising midway), so ML sorting never uses it.

use crate::error::VmResult;
use crate::limits::Meter;
use crate::value::Value;
use std::cmp::Ordering;

/// Sorts by `less(a, b)`; stops at the first error, or when the meter
/// (charged one unit per comparison) says the run must stop.
pub fn merge_sort<T: Clone>(
    items: Vec<T>,
    meter: &mut Meter,
    mut less: impl FnMut(&T, &T) -> VmResult<bool>,
) -> VmResult<Vec<T>> {
    let mut less = |a: &T, b: &T| -> VmResult<bool> {
        meter.charge(1)?;
        less(a, b)
    };
    let n = items.len();
    if n < 2 {
        return Ok(items);
    }
    let mut src: Vec<T> = items;
    let mut dst: Vec<T> = Vec::with_capacity(n);
    // Insertion-sort runs of 16, then merge bottom-up.
    const RUN: usize = 16;
    let mut start = 0;
    while start < n {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && less(&src[j], &src[j - 1])? {
                src.swap(j, j - 1);
                j -= 1;
            }
        }
        start = end;
    }
    let mut width = RUN;
    while width < n {
        dst.clear();
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                // Take from the right only when strictly less: stable.
                if less(&src[j], &src[i])? {
                    dst.push(src[j].clone());
                    j += 1;
                } else {
                    dst.push(src[i].clone());
                    i += 1;
                }
            }
            dst.extend_from_slice(&src[i..mid]);
            dst.extend_from_slice(&src[j..hi]);
            lo = hi;
        }
        std::mem::swap(&mut src, &mut dst);
        width *= 2;
    }
    Ok(src)
}

/// Sorts `items` stably in natural order (`<`, TypeError for mixed
/// types); `reverse` keeps equal items in their original order, as
/// Python's `reverse=True` does. Metered like [`merge_sort`].
pub fn natural_sort(
    mut items: Vec<Value>,
    reverse: bool,
    meter: &mut Meter,
) -> VmResult<Vec<Value>> {
    // All integers or all strings (the common cases): compared as plain
    // `i64`s or byte strings (UTF-8 order is code-point order), without
    // the generic comparison's dispatch on both operands' types. Equal
    // items of these are indistinguishable, so stability cannot show.
    let ints: Option<Vec<i64>> = items
        .iter()
        .map(|v| match v {
            Value::Int(i) => Some(*i),
            _ => None,
        })
        .collect();
    if let Some(ints) = ints {
        let sorted = if ints.len() >= RADIX_MIN {
            let mut up = radix_sort(ints, meter)?;
            if reverse {
                up.reverse();
            }
            up
        } else if reverse {
            sort_total(ints, meter, |a, b| b.cmp(a))?
        } else {
            sort_total(ints, meter, |a, b| a.cmp(b))?
        };
        for (slot, i) in items.iter_mut().zip(sorted) {
            *slot = Value::Int(i);
        }
        return Ok(items);
    }
    if items.iter().all(|v| matches!(v, Value::Str(_))) {
        return if reverse {
            sort_total(items, meter, |a, b| b.as_str().cmp(&a.as_str()))
        } else {
            sort_total(items, meter, |a, b| a.as_str().cmp(&b.as_str()))
        };
    }
    if reverse {
        merge_sort(items, meter, |a, b| natural_less(b, a))
    } else {
        merge_sort(items, meter, natural_less)
    }
}

/// Fewest integers sorted by [`radix_sort`] (below, comparing is faster).
const RADIX_MIN: usize = 1 << 10;

/// Items the meter is charged for at once by [`radix_sort`].
const RADIX_CHUNK: usize = 1 << 16;

/// Sorts integers ascending by least-significant-digit radix sort, a byte
/// per pass (linear time; a pass whose byte is the same in every item is
/// skipped). Charges one unit per item per pass, in chunks.
fn radix_sort(ints: Vec<i64>, meter: &mut Meter) -> VmResult<Vec<i64>> {
    // With the sign bit flipped, the unsigned order is the signed one.
    let key = |i: i64| (i as u64) ^ (1 << 63);
    let n = ints.len();
    meter.reserve(n * std::mem::size_of::<i64>())?;
    let mut counts = [[0usize; 256]; 8];
    for chunk in ints.chunks(RADIX_CHUNK) {
        meter.charge(chunk.len())?;
        for &i in chunk {
            let k = key(i);
            for (byte, count) in counts.iter_mut().enumerate() {
                count[(k >> (8 * byte)) as u8 as usize] += 1;
            }
        }
    }
    let mut src = ints;
    let mut dst = vec![0i64; n];
    for (byte, count) in counts.iter().enumerate() {
        if count.contains(&n) {
            continue;
        }
        let mut next = [0usize; 256];
        let mut at = 0;
        for (slot, c) in next.iter_mut().zip(count) {
            *slot = at;
            at += c;
        }
        for chunk in src.chunks(RADIX_CHUNK) {
            meter.charge(chunk.len())?;
            for &i in chunk {
                let digit = (key(i) >> (8 * byte)) as u8 as usize;
                dst[next[digit]] = i;
                next[digit] += 1;
            }
        }
        std::mem::swap(&mut src, &mut dst);
    }
    Ok(src)
}

/// Items sorted by one piece before the pieces are merged.
const PIECE: usize = 1 << 12;

/// Sorts by `cmp`, a total order under which equal items are
/// indistinguishable (so an unstable sort of each piece cannot show):
/// pieces of [`PIECE`] items by the standard library's unstable sort, then
/// merged bottom-up. Charges about one unit per comparison, as
/// [`merge_sort`] does, in steps of at most a piece.
fn sort_total<T: Clone>(
    mut items: Vec<T>,
    meter: &mut Meter,
    cmp: impl Fn(&T, &T) -> Ordering,
) -> VmResult<Vec<T>> {
    let n = items.len();
    for piece in items.chunks_mut(PIECE) {
        // log2(PIECE) comparisons per item.
        meter.charge(piece.len() * 12)?;
        piece.sort_unstable_by(&cmp);
    }
    let mut src = items;
    let mut dst = Vec::with_capacity(n);
    let mut width = PIECE;
    while width < n {
        dst.clear();
        for lo in (0..n).step_by(2 * width) {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            merge(&src[lo..mid], &src[mid..hi], &mut dst, meter, &cmp)?;
        }
        std::mem::swap(&mut src, &mut dst);
        width *= 2;
    }
    Ok(src)
}

/// Appends the merge of the sorted runs `a` and `b` to `out` (from `a`
/// first on ties), charging the meter per piece of output.
fn merge<T: Clone>(
    a: &[T],
    b: &[T],
    out: &mut Vec<T>,
    meter: &mut Meter,
    cmp: &impl Fn(&T, &T) -> Ordering,
) -> VmResult<()> {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if (i + j) % PIECE == 0 {
            meter.charge(PIECE)?;
        }
        if cmp(&b[j], &a[i]).is_lt() {
            out.push(b[j].clone());
            j += 1;
        } else {
            out.push(a[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(())
}

/// Natural order (`<`), raising TypeError for mixed types.
pub fn natural_less(a: &Value, b: &Value) -> VmResult<bool> {
    Ok(crate::value::compare(a, b)?.is_some_and(|o| o.is_lt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_and_reports_errors() {
        let items: Vec<Value> = (0..100).rev().map(Value::Int).collect();
        let sorted = merge_sort(items, &mut Meter::unlimited(), natural_less).unwrap();
        let ints: Vec<i64> = sorted.iter().filter_map(Value::as_int).collect();
        assert_eq!(ints, (0..100).collect::<Vec<_>>());
        let mixed = vec![Value::Int(1), Value::str("a"), Value::Int(0)];
        assert!(merge_sort(mixed, &mut Meter::unlimited(), natural_less).is_err());
        let nans = vec![
            Value::Float(f64::NAN),
            Value::Int(1),
            Value::Float(f64::NAN),
            Value::Int(0),
        ];
        assert_eq!(
            merge_sort(nans, &mut Meter::unlimited(), natural_less)
                .unwrap()
                .len(),
            4
        );
    }

    fn shown(items: &[Value]) -> Vec<String> {
        items.iter().map(crate::value::py_repr).collect()
    }

    #[test]
    fn radix_sort_orders_every_range_of_integers() {
        let mut seed = 11u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed
        };
        let spreads: [fn(u64) -> i64; 4] = [
            |r| r as i64,
            |r| (r >> 40) as i64 - (1 << 23),
            |r| (r >> 60) as i64,
            |_| 42,
        ];
        for spread in spreads {
            let mut ints: Vec<i64> = (0..RADIX_MIN + 777).map(|_| spread(next())).collect();
            ints.extend([i64::MIN, i64::MAX, -1, 0]);
            let mut want = ints.clone();
            want.sort_unstable();
            assert_eq!(radix_sort(ints, &mut Meter::unlimited()).unwrap(), want);
        }
    }

    #[test]
    fn natural_sort_fast_paths_match_the_generic_order() {
        let m = &mut Meter::unlimited();
        let ints: Vec<Value> = [5, -3, 9, 0, 5, i64::MIN, i64::MAX].map(Value::Int).into();
        let up = natural_sort(ints.clone(), false, m).unwrap();
        assert_eq!(
            shown(&up),
            shown(&merge_sort(ints.clone(), m, natural_less).unwrap())
        );
        let down = natural_sort(ints, true, m).unwrap();
        assert_eq!(shown(&down)[0], i64::MAX.to_string());
        let strs: Vec<Value> = ["z", "é", "a", "Z", ""].map(Value::str).into();
        assert_eq!(
            shown(&natural_sort(strs.clone(), false, m).unwrap()),
            ["''", "'Z'", "'a'", "'z'", "'é'"]
        );
        assert_eq!(
            shown(&natural_sort(strs, true, m).unwrap()),
            ["'é'", "'z'", "'a'", "'Z'", "''"]
        );
        // Equal items keep their order, reversed or not.
        let equal = vec![Value::Int(1), Value::Float(1.0), Value::Bool(true)];
        assert_eq!(
            shown(&natural_sort(equal, true, m).unwrap()),
            ["1", "1.0", "True"]
        );
        let mixed = vec![Value::Int(1), Value::str("a")];
        assert!(natural_sort(mixed, false, m).is_err());
        // Past one piece: the pieces are merged.
        let mut seed = 7u64;
        let many: Vec<Value> = (0..3 * PIECE + 5)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                Value::Int((seed >> 40) as i64 % 1000 - 500)
            })
            .collect();
        for reverse in [false, true] {
            let fast = natural_sort(many.clone(), reverse, m).unwrap();
            let slow = if reverse {
                merge_sort(many.clone(), m, |a, b| natural_less(b, a))
            } else {
                merge_sort(many.clone(), m, natural_less)
            };
            assert_eq!(shown(&fast), shown(&slow.unwrap()));
        }
    }
}
