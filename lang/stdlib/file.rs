//! `file`: reading and writing files through the host's file system.
//!
//! Every function resolves its path with `vm.host.fs.resolve` (absolute,
//! normalised, `~` expanded, symlinks resolved on the real file system) and
//! checks the capability for that resolved path before touching anything.
//! Existence probes (`exists`, `isFile`, `isDirectory`, `size`,
//! `modifiedTime`) need `file:read` too (mlpy needed nothing).
//!
//! Text is read in Python's text mode: decoded (utf-8 by default, also
//! ascii and latin-1) and with `\r\n` / `\r` turned into `\n`. Bad bytes are
//! a `ValueError` (Python's UnicodeDecodeError); nothing is written when an
//! argument is bad or text cannot be encoded.
//!
//! This file also holds the helpers the other world-touching modules
//! (`path`, `csv`, `crypto`, `log`) share.

use crate::capability::cap::{FILE_APPEND, FILE_DELETE, FILE_READ, FILE_WRITE};
use crate::capability::Cap;
use crate::error::{ErrorKind, MlError, VmResult};
use crate::host::{FsError, FsErrorKind};
use crate::native::args::{arity, check_len};
use crate::native::native_module;
use crate::value::{expect_str, py_str, Value};
use crate::vm::Vm;
use std::rc::Rc;

// ---- shared helpers ----

/// Argument `i`, or `None` when missing or null.
pub(crate) fn opt(args: &[Value], i: usize) -> Option<&Value> {
    match args.get(i) {
        None | Some(Value::Null) => None,
        Some(v) => Some(v),
    }
}

/// A required string argument.
pub(crate) fn str_arg<'a>(
    args: &'a [Value],
    i: usize,
    func: &str,
    what: &str,
) -> VmResult<&'a str> {
    match args.get(i) {
        Some(v) => expect_str(v, func, what),
        None => Err(MlError::type_error(format!(
            "{func}() missing required argument '{what}'"
        ))),
    }
}

/// A path argument: a string without NUL characters.
pub(crate) fn path_arg<'a>(args: &'a [Value], i: usize, func: &str) -> VmResult<&'a str> {
    let p = str_arg(args, i, func, "path")?;
    if p.contains('\0') {
        return Err(MlError::value_error(format!(
            "{func}(): embedded null character in path"
        )));
    }
    Ok(p)
}

/// Resolves `path` and requires `capability` for the resolved form.
pub(crate) fn gate(vm: &mut Vm, capability: Cap, path: &str) -> VmResult<String> {
    let resolved = vm.host.fs.resolve(path);
    vm.require(capability, &resolved)?;
    Ok(resolved)
}

/// A file-system failure as an ML error.
pub(crate) fn fs_error(e: FsError) -> MlError {
    let kind = match e.kind {
        FsErrorKind::NotFound => ErrorKind::FileNotFoundError,
        FsErrorKind::InvalidData => ErrorKind::ValueError,
        _ => ErrorKind::OSError,
    };
    MlError::new(kind, e.message)
}

pub(crate) fn not_found(path: &str) -> MlError {
    MlError::new(
        ErrorKind::FileNotFoundError,
        format!("No such file or directory: '{path}'"),
    )
}

/// Reads a resolved path, within the file system's and the VM's limits.
pub(crate) fn read_resolved(vm: &mut Vm, path: &str) -> VmResult<Vec<u8>> {
    let fs = vm.host.fs.clone();
    let data = fs.read(path).map_err(fs_error)?;
    check_len(vm, data.len())?;
    Ok(data)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Ascii,
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
pub(crate) fn encoding_arg(args: &[Value], i: usize, func: &str) -> VmResult<Encoding> {
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
pub(crate) fn decode(data: Vec<u8>, enc: Encoding, path: &str) -> VmResult<String> {
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
pub(crate) fn encode(text: &str, enc: Encoding) -> VmResult<Vec<u8>> {
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
pub(crate) fn universal_newlines(text: String) -> String {
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
pub(crate) fn read_text(vm: &mut Vm, resolved: &str, enc: Encoding) -> VmResult<String> {
    let data = read_resolved(vm, resolved)?;
    Ok(universal_newlines(decode(data, enc, resolved)?))
}

/// The last path component.
pub(crate) fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `dir/name` for a resolved directory.
pub(crate) fn child_path(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Every path below a resolved directory (depth first, parents before
/// children). Symlinked directories are listed but not entered.
pub(crate) fn descendants(vm: &mut Vm, dir: &str) -> VmResult<Vec<String>> {
    let fs = vm.host.fs.clone();
    let out = fs.tree(dir, vm.limits.max_len).map_err(fs_error)?;
    vm.charge(out.len())?;
    Ok(out)
}

// ---- the module ----

fn read(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("read", args, 1, 2)?;
    let path = path_arg(args, 0, "read")?;
    let enc = encoding_arg(args, 1, "read")?;
    let p = gate(vm, FILE_READ, path)?;
    Ok(Value::string(read_text(vm, &p, enc)?))
}

fn read_lines(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("readLines", args, 1, 2)?;
    let path = path_arg(args, 0, "readLines")?;
    let enc = encoding_arg(args, 1, "readLines")?;
    let p = gate(vm, FILE_READ, path)?;
    let text = read_text(vm, &p, enc)?;
    let meter = &mut vm.meter();
    let mut lines = Vec::new();
    for l in text.split_inclusive('\n') {
        meter.charge(1 + crate::limits::byte_cost(l.len()))?;
        lines.push(Value::str(l.strip_suffix('\n').unwrap_or(l)));
    }
    Ok(Value::array(lines))
}

fn read_bytes(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("readBytes", args, 1, 1)?;
    let path = path_arg(args, 0, "readBytes")?;
    let p = gate(vm, FILE_READ, path)?;
    Ok(Value::Bytes(Rc::new(read_resolved(vm, &p)?)))
}

fn content_arg<'a>(args: &'a [Value], func: &str) -> VmResult<&'a str> {
    match args.get(1) {
        Some(Value::Str(s)) => Ok(s.as_str()),
        Some(other) => Err(MlError::type_error(format!(
            "{func}() argument 'content' must be a string, not {}",
            other.kind_name()
        ))),
        None => Err(MlError::type_error(format!(
            "{func}() missing required argument 'content'"
        ))),
    }
}

fn write_resolved(vm: &mut Vm, path: &str, data: &[u8], append: bool) -> VmResult<()> {
    let fs = vm.host.fs.clone();
    fs.write(path, data, append).map_err(fs_error)
}

fn write(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("write", args, 2, 3)?;
    let path = path_arg(args, 0, "write")?;
    let content = content_arg(args, "write")?;
    let data = encode(content, encoding_arg(args, 2, "write")?)?;
    let p = gate(vm, FILE_WRITE, path)?;
    write_resolved(vm, &p, &data, false)?;
    Ok(Value::Null)
}

fn write_lines(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("writeLines", args, 2, 3)?;
    let path = path_arg(args, 0, "writeLines")?;
    let mut text = String::new();
    match args.get(1) {
        Some(Value::Array(a)) => {
            for line in a.borrow().iter() {
                text.push_str(&py_str(line));
                text.push('\n');
                check_len(vm, text.len())?;
            }
        }
        Some(Value::Tuple(t)) => {
            for line in t.iter() {
                text.push_str(&py_str(line));
                text.push('\n');
                check_len(vm, text.len())?;
            }
        }
        other => {
            return Err(MlError::type_error(format!(
                "writeLines() argument 'lines' must be an array, not {}",
                other.map_or("nothing", |v| v.kind_name())
            )))
        }
    }
    let data = encode(&text, encoding_arg(args, 2, "writeLines")?)?;
    let p = gate(vm, FILE_WRITE, path)?;
    write_resolved(vm, &p, &data, false)?;
    Ok(Value::Null)
}

/// Bytes from a bytes value or an array of integers 0..=255.
pub(crate) fn bytes_arg(v: Option<&Value>, func: &str) -> VmResult<Vec<u8>> {
    match v {
        Some(Value::Bytes(b)) => Ok(b.to_vec()),
        Some(Value::Array(a)) => a
            .borrow()
            .iter()
            .map(|x| match x.as_int() {
                Some(n) if (0..=255).contains(&n) => Ok(n as u8),
                _ => Err(MlError::value_error(format!(
                    "{func}(): byte values must be integers from 0 to 255"
                ))),
            })
            .collect(),
        other => Err(MlError::type_error(format!(
            "{func}() expected bytes, not {}",
            other.map_or("nothing", |v| v.kind_name())
        ))),
    }
}

fn write_bytes(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("writeBytes", args, 2, 2)?;
    let path = path_arg(args, 0, "writeBytes")?;
    let data = bytes_arg(args.get(1), "writeBytes")?;
    let p = gate(vm, FILE_WRITE, path)?;
    write_resolved(vm, &p, &data, false)?;
    Ok(Value::Null)
}

fn append(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("append", args, 2, 3)?;
    let path = path_arg(args, 0, "append")?;
    let content = content_arg(args, "append")?;
    let data = encode(content, encoding_arg(args, 2, "append")?)?;
    let p = gate(vm, FILE_APPEND, path)?;
    write_resolved(vm, &p, &data, true)?;
    Ok(Value::Null)
}

fn delete(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("delete", args, 1, 1)?;
    let path = path_arg(args, 0, "delete")?;
    let p = gate(vm, FILE_DELETE, path)?;
    let fs = vm.host.fs.clone();
    match fs.metadata(&p) {
        None => Ok(Value::Bool(false)),
        Some(m) if m.is_dir => Err(MlError::value_error(format!(
            "Not a file: {path} (use path.removeDir for directories)"
        ))),
        Some(_) => Ok(Value::Bool(fs.delete(&p).map_err(fs_error)?)),
    }
}

/// Source and destination of copy/move, checked; a destination that is a
/// directory means "into it" (Python's shutil).
fn src_dst(
    vm: &mut Vm,
    args: &[Value],
    func: &str,
    delete_src: bool,
) -> VmResult<(String, String)> {
    let src = str_arg(args, 0, func, "source")?;
    let dst = str_arg(args, 1, func, "destination")?;
    if src.contains('\0') || dst.contains('\0') {
        return Err(MlError::value_error(format!(
            "{func}(): embedded null character in path"
        )));
    }
    let s = gate(vm, FILE_READ, src)?;
    if delete_src {
        vm.require(FILE_DELETE, &s)?;
    }
    let mut d = gate(vm, FILE_WRITE, dst)?;
    let fs = vm.host.fs.clone();
    if fs.metadata(&d).is_some_and(|m| m.is_dir) {
        d = child_path(&d, base_name(&s));
        vm.require(FILE_WRITE, &d)?;
    }
    Ok((s, d))
}

fn copy(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("copy", args, 2, 2)?;
    let (s, d) = src_dst(vm, args, "copy", false)?;
    let fs = vm.host.fs.clone();
    match fs.metadata(&s) {
        None => return Err(not_found(&s)),
        Some(m) if m.is_dir => {
            return Err(MlError::new(
                ErrorKind::OSError,
                format!("Is a directory: '{s}' (copy copies files)"),
            ))
        }
        Some(_) => {}
    }
    let data = read_resolved(vm, &s)?;
    write_resolved(vm, &d, &data, false)?;
    Ok(Value::Null)
}

fn move_(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("move", args, 2, 2)?;
    let (s, d) = src_dst(vm, args, "move", true)?;
    let fs = vm.host.fs.clone();
    let Some(meta) = fs.metadata(&s) else {
        return Err(not_found(&s));
    };
    if meta.is_dir {
        // Everything moved must be readable and deletable where it is and
        // writable where it goes; check all before moving anything.
        for p in descendants(vm, &s)? {
            vm.require(FILE_READ, &p)?;
            vm.require(FILE_DELETE, &p)?;
            let rel = p.get(s.len()..).unwrap_or("");
            vm.require(FILE_WRITE, &format!("{d}{rel}"))?;
        }
        if d == s || d.starts_with(&format!("{s}/")) {
            return Err(MlError::new(
                ErrorKind::OSError,
                format!("Cannot move a directory '{s}' into itself '{d}'"),
            ));
        }
        return fs.rename(&s, &d).map(|_| Value::Null).map_err(fs_error);
    }
    if let Some(parent) = d.rsplit_once('/').map(|(p, _)| p).filter(|p| !p.is_empty()) {
        fs.create_dir(parent).map_err(fs_error)?;
    }
    if fs.rename(&s, &d).is_err() {
        // Across devices: copy, then delete.
        let data = read_resolved(vm, &s)?;
        write_resolved(vm, &d, &data, false)?;
        fs.delete(&s).map_err(fs_error)?;
    }
    Ok(Value::Null)
}

fn probe(vm: &mut Vm, args: &[Value], func: &str) -> VmResult<Option<crate::host::Metadata>> {
    arity(func, args, 1, 1)?;
    let path = path_arg(args, 0, func)?;
    let p = gate(vm, FILE_READ, path)?;
    Ok(vm.host.fs.metadata(&p))
}

pub(crate) fn exists(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::Bool(probe(vm, args, "exists")?.is_some()))
}

pub(crate) fn is_file(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::Bool(
        probe(vm, args, "isFile")?.is_some_and(|m| m.is_file),
    ))
}

pub(crate) fn is_directory(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::Bool(
        probe(vm, args, "isDirectory")?.is_some_and(|m| m.is_dir),
    ))
}

fn size(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    match probe(vm, args, "size")? {
        Some(m) => Ok(Value::Int(i64::try_from(m.size).unwrap_or(i64::MAX))),
        None => Err(not_found(&vm.host.fs.resolve(path_arg(args, 0, "size")?))),
    }
}

fn modified_time(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    match probe(vm, args, "modifiedTime")? {
        Some(m) => Ok(Value::Float(m.modified)),
        None => Err(not_found(&vm.host.fs.resolve(path_arg(
            args,
            0,
            "modifiedTime",
        )?))),
    }
}

native_module! {
    name: "file",
    doc: "files on the host file system (every function needs a file capability for its path)",
    functions: {
        "read" => read [FILE_READ], "read(path, encoding = \"utf-8\"): the file's text";
        "read_file" => read [FILE_READ], "read_file(path, encoding = \"utf-8\"): alias of read";
        "readLines" => read_lines [FILE_READ], "readLines(path, encoding): lines without line endings";
        "read_lines" => read_lines [FILE_READ], "read_lines(path, encoding): lines without line endings";
        "readBytes" => read_bytes [FILE_READ], "readBytes(path): the file's bytes";
        "read_bytes" => read_bytes [FILE_READ], "read_bytes(path): the file's bytes";
        "write" => write [FILE_WRITE], "write(path, content, encoding): replace the file's content";
        "writeLines" => write_lines [FILE_WRITE], "writeLines(path, lines, encoding): write each line plus \\n";
        "write_lines" => write_lines [FILE_WRITE], "write_lines(path, lines, encoding): write each line plus \\n";
        "writeBytes" => write_bytes [FILE_WRITE], "writeBytes(path, bytes): replace the file's content";
        "write_bytes" => write_bytes [FILE_WRITE], "write_bytes(path, bytes): replace the file's content";
        "append" => append [FILE_APPEND], "append(path, content, encoding): add to the end";
        "delete" => delete [FILE_DELETE], "delete(path): true if deleted, false if missing";
        "copy" => copy [FILE_READ, FILE_WRITE], "copy(src, dst): copy a file";
        "move" => move_ [FILE_READ, FILE_WRITE, FILE_DELETE], "move(src, dst): move or rename";
        "exists" => exists [FILE_READ], "exists(path): does the path exist";
        "isFile" => is_file [FILE_READ], "isFile(path): is it a file";
        "is_file" => is_file [FILE_READ], "is_file(path): is it a file";
        "isDirectory" => is_directory [FILE_READ], "isDirectory(path): is it a directory";
        "is_directory" => is_directory [FILE_READ], "is_directory(path): is it a directory";
        "size" => size [FILE_READ], "size(path): size in bytes";
        "modifiedTime" => modified_time [FILE_READ], "modifiedTime(path): seconds since the epoch";
        "modified_time" => modified_time [FILE_READ], "modified_time(path): seconds since the epoch";
    }
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
