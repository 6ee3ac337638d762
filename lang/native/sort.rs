//! A stable merge sort with a fallible `<`, as Python's sort uses.
//!
//! `slice::sort_by` may panic when a comparator is not a total order
//! (NaN, mixed types raising midway), so ML sorting never uses it.

use crate::error::VmResult;
use crate::limits::Meter;
use crate::value::Value;

/// Sorts by `less(a, b)`; stops at the first error, or when the meter
/// (charged one unit per comparison) says the run must stop.
pub fn merge_sort(
    items: Vec<Value>,
    meter: &mut Meter,
    less: &mut dyn FnMut(&Value, &Value) -> VmResult<bool>,
) -> VmResult<Vec<Value>> {
    let mut less = |a: &Value, b: &Value| -> VmResult<bool> {
        meter.charge(1)?;
        less(a, b)
    };
    let n = items.len();
    if n < 2 {
        return Ok(items);
    }
    let mut src: Vec<Value> = items;
    let mut dst: Vec<Value> = Vec::with_capacity(n);
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
        let sorted = merge_sort(items, &mut Meter::unlimited(), &mut natural_less).unwrap();
        let ints: Vec<i64> = sorted.iter().filter_map(Value::as_int).collect();
        assert_eq!(ints, (0..100).collect::<Vec<_>>());
        let mixed = vec![Value::Int(1), Value::str("a"), Value::Int(0)];
        assert!(merge_sort(mixed, &mut Meter::unlimited(), &mut natural_less).is_err());
        let nans = vec![
            Value::Float(f64::NAN),
            Value::Int(1),
            Value::Float(f64::NAN),
            Value::Int(0),
        ];
        assert_eq!(
            merge_sort(nans, &mut Meter::unlimited(), &mut natural_less)
                .unwrap()
                .len(),
            4
        );
    }
}
