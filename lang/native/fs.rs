//! What natives that touch files share: path arguments, the capability
//! gate on a resolved path, file-system errors as ML errors, text
//! encodings, directory walks, and the existence probes `file` and `path`
//! both offer.

use crate::capability::cap::FILE_READ;
use crate::capability::Cap;
use crate::error::{ErrorKind, MlError, VmResult};
use crate::host::{FsError, FsErrorKind};
use crate::native::args::{arity, check_len, opt, str_arg};
use crate::value::{expect_str, Value};
use crate::vm::Vm;

/// A path argument: a string without NUL characters.
pub fn path_arg<'a>(args: &'a [Value], i: usize, func: &str) -> VmResult<&'a str> {
    let p = str_arg(args, i, func, "path")?;
    if p.contains('\0') {
        return Err(MlError::value_error(format!(
            "{func}(): embedded null character in path"
        )));
    }
    Ok(p)
}

/// Resolves `path` and requires `capability` for the resolved form.
pub fn gate(vm: &mut Vm, capability: Cap, path: &str) -> VmResult<String> {
    let resolved = vm.host.fs.resolve(path);
    vm.require(capability, &resolved)?;
    Ok(resolved)
}

/// A file-system failure as an ML error.
pub fn fs_error(e: FsError) -> MlError {
    let kind = match e.kind {
        FsErrorKind::NotFound => ErrorKind::FileNotFoundError,
        FsErrorKind::InvalidData => ErrorKind::ValueError,
        _ => ErrorKind::OSError,
    };
    MlError::new(kind, e.message)
}

/// FileNotFoundError for `path`, with Python's message.
pub fn not_found(path: &str) -> MlError {
    MlError::new(
        ErrorKind::FileNotFoundError,
        format!("No such file or directory: '{path}'"),
    )
}

/// Reads a resolved path, within the file system's and the VM's limits.
pub fn read_resolved(vm: &mut Vm, path: &str) -> VmResult<Vec<u8>> {
    let fs = vm.host.fs.clone();
    let data = fs.read(path).map_err(fs_error)?;
    check_len(vm, data.len())?;
    Ok(data)
}

/// A text encoding the file functions accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `utf-8` (the default).
    Utf8,
    /// `ascii`: bytes above 127 are an error.
    Ascii,
    /// `latin-1`: one byte a character.
    Latin1,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Ascii => "ascii",
            Encoding::Latin1 => "latin-1",
        }
    }
}

/// The `encoding` argument at `i` (default utf-8).
pub fn encoding_arg(args: &[Value], i: usize, func: &str) -> VmResult<Encoding> {
    let Some(v) = opt(args, i) else {
        return Ok(Encoding::Utf8);
    };
    let name = expect_str(v, func, "encoding")?;
    let norm = name.trim().to_ascii_lowercase().replace('_', "-");
    Ok(match norm.as_str() {
        "utf-8" | "utf8" | "u8" => Encoding::Utf8,
        "ascii" | "us-ascii" => Encoding::Ascii,
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => Encoding::Latin1,
        _ => {
            return Err(MlError::value_error(format!(
                "{func}(): unknown encoding '{name}' (supported: utf-8, ascii, latin-1)"
            )))
        }
    })
}

/// Decodes file bytes; bad bytes are a ValueError naming the file.
pub fn decode(data: Vec<u8>, enc: Encoding, path: &str) -> VmResult<String> {
    match enc {
        Encoding::Utf8 => String::from_utf8(data).map_err(|e| {
            let pos = e.utf8_error().valid_up_to();
            let byte = e.as_bytes().get(pos).copied().unwrap_or(0);
            MlError::value_error(format!(
                "UnicodeDecodeError: 'utf-8' codec can't decode byte 0x{byte:02x} in position {pos} of '{path}'"
            ))
        }),
        Encoding::Ascii => match data.iter().position(|b| *b >= 0x80) {
            Some(pos) => Err(MlError::value_error(format!(
                "UnicodeDecodeError: 'ascii' codec can't decode byte 0x{:02x} in position {pos} of '{path}': ordinal not in range(128)",
                data[pos]
            ))),
            None => Ok(data.into_iter().map(char::from).collect()),
        },
        Encoding::Latin1 => Ok(data.into_iter().map(char::from).collect()),
    }
}

/// Encodes text for writing; unencodable characters are a ValueError.
pub fn encode(text: &str, enc: Encoding) -> VmResult<Vec<u8>> {
    let limit: u32 = match enc {
        Encoding::Utf8 => return Ok(text.as_bytes().to_vec()),
        Encoding::Ascii => 0x80,
        Encoding::Latin1 => 0x100,
    };
    let mut out = Vec::with_capacity(text.len());
    for (pos, c) in text.chars().enumerate() {
        if u32::from(c) >= limit {
            return Err(MlError::value_error(format!(
                "UnicodeEncodeError: '{}' codec can't encode character {:?} in position {pos}",
                enc.name(),
                c
            )));
        }
        out.push(u32::from(c) as u8);
    }
    Ok(out)
}

/// Python's universal newlines: `\r\n` and lone `\r` become `\n`.
pub fn universal_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads a text file (after the capability check) in text mode.
pub fn read_text(vm: &mut Vm, resolved: &str, enc: Encoding) -> VmResult<String> {
    let data = read_resolved(vm, resolved)?;
    Ok(universal_newlines(decode(data, enc, resolved)?))
}

/// The last path component.
pub fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `dir/name` for a resolved directory.
pub fn child_path(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Every path below a resolved directory (depth first, parents before
/// children). Symlinked directories are listed but not entered.
pub fn descendants(vm: &mut Vm, dir: &str) -> VmResult<Vec<String>> {
    let fs = vm.host.fs.clone();
    let out = fs.tree(dir, vm.limits.max_len).map_err(fs_error)?;
    vm.charge(out.len())?;
    Ok(out)
}

/// Metadata of a path argument after its `file:read` check.
pub fn probe(vm: &mut Vm, args: &[Value], func: &str) -> VmResult<Option<crate::host::Metadata>> {
    arity(func, args, 1, 1)?;
    let path = path_arg(args, 0, func)?;
    let p = gate(vm, FILE_READ, path)?;
    Ok(vm.host.fs.metadata(&p))
}

/// `exists(path)`: does the path exist.
pub fn exists(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::Bool(probe(vm, args, "exists")?.is_some()))
}

/// `isFile(path)`: is it a file.
pub fn is_file(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::Bool(
        probe(vm, args, "isFile")?.is_some_and(|m| m.is_file),
    ))
}

/// `isDirectory(path)`: is it a directory.
pub fn is_directory(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::Bool(
        probe(vm, args, "isDirectory")?.is_some_and(|m| m.is_dir),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_and_codecs() {
        assert_eq!(universal_newlines("a\r\nb\rc\n".into()), "a\nb\nc\n");
        assert_eq!(
            decode(vec![b'a', 0xe9], Encoding::Latin1, "x").unwrap(),
            "aé"
        );
        let e = decode(vec![b'a', 0xff], Encoding::Utf8, "/f").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ValueError);
        assert!(
            e.message().contains("byte 0xff in position 1"),
            "{}",
            e.message()
        );
        assert!(decode(vec![0x80], Encoding::Ascii, "x").is_err());
        assert_eq!(encode("aé", Encoding::Latin1).unwrap(), vec![b'a', 0xe9]);
        assert!(encode("é", Encoding::Ascii).is_err());
        assert!(encode("€", Encoding::Latin1).is_err());
    }
}
