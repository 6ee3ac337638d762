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

use crate::capability::cap::{FILE_APPEND, FILE_DELETE, FILE_READ, FILE_WRITE};
use crate::error::{ErrorKind, MlError, VmResult};
use crate::native::args::{arity, check_len, str_arg};
use crate::native::fs::{
    base_name, child_path, descendants, encode, encoding_arg, exists, fs_error, gate, is_directory,
    is_file, not_found, path_arg, probe, read_resolved, read_text,
};
use crate::native::native_module;
use crate::value::{Style, Value};
use crate::vm::Vm;
use std::rc::Rc;

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

fn write_resolved(vm: &mut Vm, path: &str, data: &[u8], append: bool) -> VmResult<()> {
    let fs = vm.host.fs.clone();
    fs.write(path, data, append).map_err(fs_error)
}

/// `write` and `append`: text content in an encoding, gated by the
/// matching capability.
fn write_text(vm: &mut Vm, args: &[Value], func: &str, append: bool) -> VmResult<Value> {
    arity(func, args, 2, 3)?;
    let path = path_arg(args, 0, func)?;
    let content = str_arg(args, 1, func, "content")?;
    let data = encode(content, encoding_arg(args, 2, func)?)?;
    let p = gate(vm, if append { FILE_APPEND } else { FILE_WRITE }, path)?;
    write_resolved(vm, &p, &data, append)?;
    Ok(Value::Null)
}

fn write(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    write_text(vm, args, "write", false)
}

/// One line of `writeLines`: a string as it is, another value's text
/// built under the deadline and the size limit.
fn push_line(vm: &Vm, text: &mut String, line: &Value) -> VmResult<()> {
    match line {
        Value::Str(s) => text.push_str(s.as_str()),
        other => text.push_str(&vm.display(other, Style::Str)?),
    }
    text.push('\n');
    Ok(())
}

fn write_lines(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("writeLines", args, 2, 3)?;
    let path = path_arg(args, 0, "writeLines")?;
    let mut text = String::new();
    match args.get(1) {
        Some(Value::Array(a)) => {
            for line in a.borrow().iter() {
                push_line(vm, &mut text, line)?;
                check_len(vm, text.len())?;
            }
        }
        Some(Value::Tuple(t)) => {
            for line in t.iter() {
                push_line(vm, &mut text, line)?;
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
    write_text(vm, args, "append", true)
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
        "read" => read [FILE_READ], "(path, encoding = \"utf-8\"): the file's text";
        "read_file" => read [FILE_READ], "(path, encoding = \"utf-8\"): alias of read";
        "readLines" | "read_lines" => read_lines [FILE_READ], "(path, encoding): lines without line endings";
        "readBytes" | "read_bytes" => read_bytes [FILE_READ], "(path): the file's bytes";
        "write" => write [FILE_WRITE], "(path, content, encoding): replace the file's content";
        "writeLines" | "write_lines" => write_lines [FILE_WRITE], "(path, lines, encoding): write each line plus \\n";
        "writeBytes" | "write_bytes" => write_bytes [FILE_WRITE], "(path, bytes): replace the file's content";
        "append" => append [FILE_APPEND], "(path, content, encoding): add to the end";
        "delete" => delete [FILE_DELETE], "(path): true if deleted, false if missing";
        "copy" => copy [FILE_READ, FILE_WRITE], "(src, dst): copy a file";
        "move" => move_ [FILE_READ, FILE_WRITE, FILE_DELETE], "(src, dst): move or rename";
        "exists" => exists [FILE_READ], "(path): does the path exist";
        "isFile" | "is_file" => is_file [FILE_READ], "(path): is it a file";
        "isDirectory" | "is_directory" => is_directory [FILE_READ], "(path): is it a directory";
        "size" => size [FILE_READ], "(path): size in bytes";
        "modifiedTime" | "modified_time" => modified_time [FILE_READ], "(path): seconds since the epoch";
    }
}
