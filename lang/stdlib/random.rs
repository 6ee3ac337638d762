//! `random`: numbers and sampling over the host's random source
//! (`vm.host.random`). `setSeed(n)` restarts the source, so the same seed
//! gives the same sequence; the sequences differ from CPython's Mersenne
//! Twister.

use crate::error::{MlError, VmResult};
use crate::native::args::{arity, check_len, int_arg};
use crate::native::native_module;
use crate::value::Value;
use crate::vm::iter;
use crate::vm::Vm;
use std::collections::HashSet;

use crate::native::args::real_arg;

/// Uniform integer in `[0, n)` (`n > 0`), without modulo bias.
fn below(vm: &mut Vm, n: u128) -> u128 {
    if n <= 1 {
        return 0;
    }
    if n <= u64::MAX as u128 {
        let n = n as u64;
        // Rejection sampling on the largest multiple of n.
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let r = vm.host.random.next_u64();
            if r < zone {
                return (r % n) as u128;
            }
        }
    }
    let bits = 128 - (n - 1).leading_zeros();
    loop {
        let r = ((vm.host.random.next_u64() as u128) << 64) | vm.host.random.next_u64() as u128;
        let r = if bits >= 128 {
            r
        } else {
            r & ((1u128 << bits) - 1)
        };
        if r < n {
            return r;
        }
    }
}

fn next_f64(vm: &mut Vm) -> f64 {
    vm.host.random.next_f64()
}

fn opt_real(name: &str, args: &[Value], i: usize, default: f64) -> VmResult<f64> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => real_arg(name, v),
    }
}

fn opt_int(name: &str, args: &[Value], i: usize, default: i64) -> VmResult<i64> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => int_arg(name, v),
    }
}

/// A 64-bit seed from any hashable-looking value.
fn seed_of(v: &Value) -> VmResult<u64> {
    Ok(match v {
        Value::Int(i) => *i as u64,
        Value::Bool(b) => *b as u64,
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                *f as i64 as u64
            } else {
                f.to_bits()
            }
        }
        Value::Big(b) => {
            // FNV-1a over the decimal digits.
            fnv(b.to_string().as_bytes())
        }
        Value::Str(s) => fnv(s.as_str().as_bytes()),
        Value::Null => 0,
        other => {
            return Err(MlError::type_error(format!(
                "setSeed() seed must be a number or a string, not {}",
                other.kind_name()
            )))
        }
    })
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn set_seed(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("setSeed", args, 1, 1)?;
    let seed = seed_of(&args[0])?;
    vm.host.random.reseed(seed);
    Ok(args[0].clone())
}

fn get_seed(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("getSeed", args, 0, 0)?;
    // mlpy returned random.getstate()[1][0], the first Mersenne Twister
    // state word, which is 0x80000000 after any seeding.
    Ok(Value::Int(2_147_483_648))
}

fn random(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("random", args, 0, 0)?;
    Ok(Value::Float(next_f64(vm)))
}

fn random_float(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("randomFloat", args, 0, 2)?;
    let lo = opt_real("randomFloat", args, 0, 0.0)?;
    let hi = opt_real("randomFloat", args, 1, 1.0)?;
    Ok(Value::Float(lo + (hi - lo) * next_f64(vm)))
}

fn uniform(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("uniform", args, 2, 2)?;
    random_float(vm, args)
}

fn random_int(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("randomInt", args, 0, 2)?;
    let lo = opt_int("randomInt", args, 0, 0)?;
    let hi = opt_int("randomInt", args, 1, 100)?;
    // [lo, hi - 1], as mlpy's randint(lo, hi - 1).
    if hi <= lo {
        return Err(MlError::value_error(format!(
            "empty range for randomInt({lo}, {hi}): max must be greater than min"
        )));
    }
    let width = (hi as i128 - lo as i128) as u128;
    let r = below(vm, width) as i128;
    Ok(Value::Int((lo as i128 + r) as i64))
}

fn next_int(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("nextInt", args, 0, 0)?;
    Ok(Value::Int((vm.host.random.next_u64() >> 32) as i64))
}

fn random_bool(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("randomBool", args, 0, 0)?;
    Ok(Value::Bool(next_f64(vm) < 0.5))
}

fn random_bool_weighted(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("randomBoolWeighted", args, 1, 1)?;
    let p = real_arg("randomBoolWeighted", &args[0])?;
    Ok(Value::Bool(next_f64(vm) < p))
}

fn random_normal(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("randomNormal", args, 0, 2)?;
    let mean = opt_real("randomNormal", args, 0, 0.0)?;
    let sd = opt_real("randomNormal", args, 1, 1.0)?;
    // Box-Muller; 1 - u is in (0, 1] so the logarithm is finite.
    let u1 = 1.0 - next_f64(vm);
    let u2 = next_f64(vm);
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    Ok(Value::Float(mean + z * sd))
}

fn triangular(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("triangular", args, 0, 3)?;
    let mut low = opt_real("triangular", args, 0, 0.0)?;
    let mut high = opt_real("triangular", args, 1, 1.0)?;
    let mode = opt_real("triangular", args, 2, (low + high) / 2.0)?;
    // Python's random.triangular.
    let mut u = next_f64(vm);
    if high == low {
        return Ok(Value::Float(low));
    }
    let mut c = (mode - low) / (high - low);
    if u > c {
        u = 1.0 - u;
        c = 1.0 - c;
        std::mem::swap(&mut low, &mut high);
    }
    Ok(Value::Float(low + (high - low) * (u * c).sqrt()))
}

fn population(vm: &Vm, name: &str, v: &Value) -> VmResult<Vec<Value>> {
    match v {
        Value::Array(_) | Value::Tuple(_) | Value::Str(_) => {
            iter::collect(v, vm.limits.max_len, &mut vm.meter())
        }
        other => Err(MlError::type_error(format!(
            "{name}() expected a list, got {}",
            other.kind_name()
        ))),
    }
}

fn shuffle_in_place(vm: &mut Vm, items: &mut [Value]) {
    for i in (1..items.len()).rev() {
        let j = below(vm, i as u128 + 1) as usize;
        items.swap(i, j);
    }
}

fn choice(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("choice", args, 1, 1)?;
    let n = match &args[0] {
        Value::Array(a) => a.borrow().len(),
        Value::Tuple(t) => t.len(),
        other => population(vm, "choice", other)?.len(),
    };
    if n == 0 {
        return Ok(Value::Null);
    }
    let i = below(vm, n as u128) as usize;
    Ok(match &args[0] {
        Value::Array(a) => a.borrow().get(i).cloned().unwrap_or(Value::Null),
        Value::Tuple(t) => t[i].clone(),
        other => population(vm, "choice", other)?.swap_remove(i),
    })
}

fn shuffle(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("shuffle", args, 1, 1)?;
    let mut items = population(vm, "shuffle", &args[0])?;
    shuffle_in_place(vm, &mut items);
    Ok(Value::array(items))
}

fn sample(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("sample", args, 2, 2)?;
    let mut items = population(vm, "sample", &args[0])?;
    let n = int_arg("sample", &args[1])?;
    if items.is_empty() {
        return Ok(Value::array(items));
    }
    if n < 0 {
        return Err(MlError::value_error(
            "Sample larger than population or is negative",
        ));
    }
    let n = (n as u64).min(items.len() as u64) as usize;
    // Partial Fisher-Yates: the first n slots end up a uniform sample.
    for i in 0..n {
        let j = i + below(vm, (items.len() - i) as u128) as usize;
        items.swap(i, j);
    }
    items.truncate(n);
    Ok(Value::array(items))
}

fn random_indices(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("randomIndices", args, 2, 2)?;
    let length = int_arg("randomIndices", &args[0])?;
    let count = int_arg("randomIndices", &args[1])?;
    if count >= length {
        let n = length.max(0) as u64;
        check_len(vm, n.min(usize::MAX as u64) as usize)?;
        return Ok(Value::array((0..length.max(0)).map(Value::Int).collect()));
    }
    if count < 0 {
        return Err(MlError::value_error(
            "Sample larger than population or is negative",
        ));
    }
    check_len(vm, count as usize)?;
    let count = count as usize;
    let length = length as u128;
    let mut out = Vec::with_capacity(count);
    if (count as u128) * 4 >= length {
        let mut all: Vec<i64> = (0..length as i64).collect();
        for i in 0..count {
            let j = i + below(vm, (all.len() - i) as u128) as usize;
            all.swap(i, j);
            out.push(Value::Int(all[i]));
        }
    } else {
        let mut seen: HashSet<u128> = HashSet::with_capacity(count);
        while out.len() < count {
            let r = below(vm, length);
            if seen.insert(r) {
                out.push(Value::Int(r as i64));
            }
        }
    }
    Ok(Value::array(out))
}

native_module! {
    name: "random",
    doc: "random numbers and sampling (sequences differ from CPython's)",
    functions: {
        "setSeed" | "set_seed" => set_seed, "(seed): restart the generator; returns seed";
        "getSeed" | "get_seed" => get_seed, "(): mlpy's first state word (always 2147483648)";
        "random" => random, "(): float in [0, 1)";
        "randomFloat" | "random_float" => random_float, "(min = 0, max = 1): float in [min, max)";
        "uniform" => uniform, "(min, max): float in [min, max)";
        "randomInt" | "random_int" => random_int, "(min = 0, max = 100): int in [min, max - 1]";
        "nextInt" | "next_int" => next_int, "(): int in [0, 2**32 - 1]";
        "randomBool" | "random_bool" => random_bool, "(): true or false";
        "randomBoolWeighted" => random_bool_weighted, "(p): true with probability p";
        "randomNormal" | "random_normal" | "gaussian" => random_normal, "(mean = 0, stddev = 1): normal variate";
        "triangular" => triangular, "(low, high, mode = midpoint): triangular variate";
        "choice" => choice, "(list): one item (null if empty)";
        "shuffle" => shuffle, "(list): shuffled copy";
        "sample" => sample, "(list, n): n distinct items (n >= len: shuffled copy)";
        "randomIndices" | "random_indices" => random_indices, "(length, count): distinct indices";
    }
}
