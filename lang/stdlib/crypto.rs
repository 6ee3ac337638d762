//! `crypto`: hashes, HMAC, UUIDs and random tokens. Pure computation and
//! randomness need no capability (random bytes come from `vm.host.random`,
//! so a seeded host is reproducible); `hash_file` needs `file:read`.

use crate::capability::cap::FILE_READ;
use crate::error::{MlError, VmResult};
use crate::limits::{byte_cost, Meter};
use crate::native::args::{arity, check_len, int_arg, required};
use crate::native::native_module;
use crate::value::{expect_str, Value};
use crate::vm::Vm;
use hmac::{Hmac, Mac};
use sha2::Digest;
use std::rc::Rc;

use crate::native::args::opt;
use crate::native::fs::{gate, path_arg, read_resolved};

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

const ALGORITHMS: &str = "md5, sha1, sha224, sha256, sha384, sha512";

/// Bytes hashed between two interrupt checks (about 1 ms of SHA-256).
const HASH_CHUNK: usize = 256 * 1024;

/// Feeds `parts` to `update` in chunks, charging the meter as it goes, so
/// hashing a large input stops part-way at the deadline.
fn feed(parts: &[&[u8]], meter: &mut Meter, mut update: impl FnMut(&[u8])) -> VmResult<()> {
    for part in parts {
        for chunk in part.chunks(HASH_CHUNK) {
            meter.charge(byte_cost(chunk.len()))?;
            update(chunk);
        }
    }
    Ok(())
}

fn hash_with<D: Digest>(parts: &[&[u8]], meter: &mut Meter) -> VmResult<Vec<u8>> {
    let mut d = D::new();
    feed(parts, meter, |c| d.update(c))?;
    Ok(d.finalize().to_vec())
}

fn digest(alg: &str, parts: &[&[u8]], meter: &mut Meter) -> VmResult<String> {
    Ok(hex(&match alg.to_ascii_lowercase().as_str() {
        "md5" => hash_with::<md5::Md5>(parts, meter)?,
        "sha1" => hash_with::<sha1::Sha1>(parts, meter)?,
        "sha224" => hash_with::<sha2::Sha224>(parts, meter)?,
        "sha256" => hash_with::<sha2::Sha256>(parts, meter)?,
        "sha384" => hash_with::<sha2::Sha384>(parts, meter)?,
        "sha512" => hash_with::<sha2::Sha512>(parts, meter)?,
        _ => {
            return Err(MlError::value_error(format!(
                "unsupported hash algorithm '{alg}' (supported: {ALGORITHMS})"
            )))
        }
    }))
}

fn mac_with<M: Mac + hmac::digest::KeyInit>(
    key: &[u8],
    msg: &[u8],
    meter: &mut Meter,
) -> VmResult<Vec<u8>> {
    match <M as Mac>::new_from_slice(key) {
        Ok(mut m) => {
            feed(&[msg], meter, |c| m.update(c))?;
            Ok(m.finalize().into_bytes().to_vec())
        }
        // HMAC accepts keys of any length; this cannot happen.
        Err(_) => Ok(Vec::new()),
    }
}

fn hmac_hex(alg: &str, key: &[u8], msg: &[u8], meter: &mut Meter) -> VmResult<String> {
    Ok(hex(&match alg.to_ascii_lowercase().as_str() {
        "md5" => mac_with::<Hmac<md5::Md5>>(key, msg, meter)?,
        "sha1" => mac_with::<Hmac<sha1::Sha1>>(key, msg, meter)?,
        "sha224" => mac_with::<Hmac<sha2::Sha224>>(key, msg, meter)?,
        "sha256" => mac_with::<Hmac<sha2::Sha256>>(key, msg, meter)?,
        "sha384" => mac_with::<Hmac<sha2::Sha384>>(key, msg, meter)?,
        "sha512" => mac_with::<Hmac<sha2::Sha512>>(key, msg, meter)?,
        _ => {
            return Err(MlError::value_error(format!(
                "unsupported HMAC algorithm '{alg}' (supported: {ALGORITHMS})"
            )))
        }
    }))
}

/// Text or bytes as a byte slice (text as UTF-8).
fn data_arg<'a>(args: &'a [Value], i: usize, func: &str, what: &str) -> VmResult<&'a [u8]> {
    match required(args, i, func, what)? {
        Value::Str(s) => Ok(s.as_str().as_bytes()),
        Value::Bytes(b) => Ok(b.as_slice()),
        other => Err(MlError::type_error(format!(
            "{func}() argument '{what}' must be a string or bytes, not {}",
            other.kind_name()
        ))),
    }
}

fn alg_arg<'a>(args: &'a [Value], i: usize, func: &str) -> VmResult<&'a str> {
    match opt(args, i) {
        Some(v) => expect_str(v, func, "algorithm"),
        None => Ok("sha256"),
    }
}

/// `hash(data, salt)`: the salt goes first.
fn salted(vm: &Vm, alg: &str, args: &[Value], func: &str) -> VmResult<Value> {
    arity(func, args, 1, 2)?;
    let data = data_arg(args, 0, func, "data")?;
    let salt = match opt(args, 1) {
        Some(_) => data_arg(args, 1, func, "salt")?,
        None => &[],
    };
    Ok(Value::string(digest(alg, &[salt, data], &mut vm.meter())?))
}

fn sha256(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    salted(vm, "sha256", args, "sha256")
}

fn sha1(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    salted(vm, "sha1", args, "sha1")
}

fn md5(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    salted(vm, "md5", args, "md5")
}

fn hash_file(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("hash_file", args, 1, 2)?;
    let path = path_arg(args, 0, "hash_file")?;
    let alg = alg_arg(args, 1, "hash_file")?;
    digest(alg, &[], &mut Meter::unlimited())?; // reject a bad algorithm before touching the file
    let p = gate(vm, FILE_READ, path)?;
    let data = read_resolved(vm, &p)?;
    Ok(Value::string(digest(alg, &[&data], &mut vm.meter())?))
}

fn hmac(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("hmac", args, 2, 3)?;
    let msg = data_arg(args, 0, "hmac", "message")?;
    let key = data_arg(args, 1, "hmac", "key")?;
    Ok(Value::string(hmac_hex(
        alg_arg(args, 2, "hmac")?,
        key,
        msg,
        &mut vm.meter(),
    )?))
}

/// Constant-time comparison (no early exit on the first difference).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() ^ b.len()) as u64;
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= u64::from(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

fn verify_hmac(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("verify_hmac", args, 3, 4)?;
    let msg = data_arg(args, 0, "verify_hmac", "message")?;
    let sig = data_arg(args, 1, "verify_hmac", "signature")?;
    let key = data_arg(args, 2, "verify_hmac", "key")?;
    let expected = hmac_hex(alg_arg(args, 3, "verify_hmac")?, key, msg, &mut vm.meter())?;
    Ok(Value::Bool(ct_eq(sig, expected.as_bytes())))
}

fn compare_hash(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("compare_hash", args, 2, 2)?;
    let a = data_arg(args, 0, "compare_hash", "a")?;
    let b = data_arg(args, 1, "compare_hash", "b")?;
    Ok(Value::Bool(ct_eq(a, b)))
}

fn uuid_from_string(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("uuid_from_string", args, 1, 2)?;
    let data = data_arg(args, 0, "uuid_from_string", "data")?;
    let ns = match opt(args, 1) {
        Some(v) => {
            let s = expect_str(v, "uuid_from_string", "namespace")?;
            uuid::Uuid::parse_str(s.trim()).map_err(|e| {
                MlError::value_error(format!("badly formed namespace UUID '{s}': {e}"))
            })?
        }
        None => uuid::Uuid::NAMESPACE_DNS,
    };
    // Version 5 is SHA-1 of namespace and name (RFC 9562), hashed in
    // metered chunks like every digest here.
    let sha1 = hash_with::<sha1::Sha1>(&[ns.as_bytes(), data], &mut vm.meter())?;
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&sha1[..16]);
    let id = uuid::Builder::from_sha1_bytes(bytes).into_uuid();
    Ok(Value::string(id.to_string()))
}

fn random_fill(vm: &mut Vm, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let word = vm.host.random.next_u64().to_le_bytes();
        let take = (n - out.len()).min(8);
        out.extend_from_slice(&word[..take]);
    }
    out
}

fn uuid(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("uuid", args, 0, 0)?;
    let mut b = [0u8; 16];
    b.copy_from_slice(&random_fill(vm, 16));
    Ok(Value::string(
        uuid::Builder::from_random_bytes(b).into_uuid().to_string(),
    ))
}

fn count_arg(vm: &Vm, args: &[Value], func: &str, scale: usize) -> VmResult<usize> {
    arity(func, args, 1, 1)?;
    let n = int_arg(func, &args[0])?;
    if n < 0 {
        return Err(MlError::value_error(format!(
            "{func}(): length must not be negative"
        )));
    }
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    check_len(vm, n.saturating_mul(scale))?;
    Ok(n)
}

fn random_bytes(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let n = count_arg(vm, args, "random_bytes", 1)?;
    Ok(Value::Bytes(Rc::new(random_fill(vm, n))))
}

fn random_hex(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let n = count_arg(vm, args, "random_hex", 2)?;
    Ok(Value::string(hex(&random_fill(vm, n))))
}

/// Uniform in `0..bound` (bound > 0), by rejection sampling.
fn below(vm: &mut Vm, bound: u128) -> u128 {
    if bound <= 1 {
        return 0;
    }
    let bits = 128 - (bound - 1).leading_zeros();
    loop {
        let hi = u128::from(vm.host.random.next_u64());
        let lo = u128::from(vm.host.random.next_u64());
        let x = ((hi << 64) | lo) >> (128 - bits);
        if x < bound {
            return x;
        }
    }
}

fn random_string(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let n = count_arg(vm, args, "random_string", 1)?;
    let mut s = String::with_capacity(n);
    for i in 0..n {
        if i % 4096 == 0 {
            vm.charge(256)?;
        }
        s.push(ALPHABET[below(vm, ALPHABET.len() as u128) as usize] as char);
    }
    Ok(Value::string(s))
}

fn random_int(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("random_int", args, 2, 2)?;
    let lo = int_arg("random_int", &args[0])?;
    let hi = int_arg("random_int", &args[1])?;
    if lo > hi {
        return Err(MlError::value_error(format!(
            "random_int(): empty range, min {lo} is greater than max {hi}"
        )));
    }
    let span = (i128::from(hi) - i128::from(lo) + 1) as u128;
    let x = i128::from(lo) + below(vm, span) as i128;
    Ok(Value::Int(x as i64))
}

fn random_float(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("random_float", args, 0, 0)?;
    Ok(Value::Float(vm.host.random.next_f64()))
}

native_module! {
    name: "crypto",
    doc: "hashes, HMAC, UUIDs and random tokens (no capability; hash_file needs file:read)",
    functions: {
        "sha256" => sha256, "(data, salt = \"\"): hex SHA-256 of salt + data";
        "sha1" => sha1, "(data, salt = \"\"): hex SHA-1 of salt + data";
        "md5" => md5, "(data, salt = \"\"): hex MD5 of salt + data";
        "hmac" => hmac, "(message, key, algorithm = \"sha256\"): hex HMAC";
        "verify_hmac" | "verifyHmac" => verify_hmac, "(message, signature, key, algorithm): constant-time check";
        "compare_hash" | "compareHash" => compare_hash, "(a, b): constant-time equality";
        "uuid_from_string" | "uuidFromString" => uuid_from_string, "(data, namespace = DNS): UUID v5";
        "hash_file" | "hashFile" => hash_file [FILE_READ], "(path, algorithm = \"sha256\"): hex hash of a file";
        "uuid" => uuid, "(): random UUID v4";
        "random_bytes" | "randomBytes" => random_bytes, "(n): n random bytes";
        "random_hex" | "randomHex" => random_hex, "(n): 2n random hex digits";
        "random_string" | "randomString" => random_string, "(n): n random letters and digits";
        "random_int" | "randomInt" => random_int, "(min, max): integer in [min, max]";
        "random_float" | "randomFloat" => random_float, "(): float in [0, 1)";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(
            digest("sha256", &[b"a", b"bc"], &mut Meter::unlimited()).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            digest("md5", &[], &mut Meter::unlimited()).unwrap(),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        assert_eq!(
            hmac_hex(
                "sha256",
                b"key",
                b"The quick brown fox jumps over the lazy dog",
                &mut Meter::unlimited()
            )
            .unwrap(),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
        assert!(digest("sha3", &[], &mut Meter::unlimited()).is_err());
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"abcd"));
    }
}
