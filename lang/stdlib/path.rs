//! `path`: path strings (pure, no capability) and directory operations
//! (gated by file capabilities on the resolved path).
//!
//! Pure functions follow Python's `posixpath`: `join`, `dirname`,
//! `basename`, `extname` (`splitext`), `split`, `normalize` (`normpath`),
//! `relative` (`relpath`), `absolute` (`abspath` after `~` expansion).
//!
//! Listings show only what the grants let the program see: `listDir(d)`
//! needs `file:read` on `d` or on something below it, and returns the
//! entries that are readable themselves, lead to something readable, or
//! all entries when `d` itself is readable. `glob` and `walk` apply the
//! same rule at every level and never enter symlinked directories.

use crate::capability::cap::{FILE_DELETE, FILE_READ, FILE_WRITE};
use crate::capability::TextGlob;
use crate::error::{ErrorKind, MlError, VmResult};
use crate::limits::byte_cost;
use crate::native::args::{arity, check_len, int_arg};
use crate::native::native_module;
use crate::value::Value;
use crate::vm::Vm;

use crate::native::args::{opt, str_arg};
use crate::native::fs::{child_path, descendants, fs_error, gate, not_found, path_arg};

// ---- pure path functions (posixpath) ----

pub(crate) fn join_paths(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if p.starts_with('/') || i == 0 {
            out = p.to_string();
        } else if out.is_empty() || out.ends_with('/') {
            out.push_str(p);
        } else {
            out.push('/');
            out.push_str(p);
        }
    }
    out
}

fn split_path(p: &str) -> (String, String) {
    let i = p.rfind('/').map_or(0, |i| i + 1);
    let (head, tail) = p.split_at(i);
    let head = if !head.is_empty() && !head.chars().all(|c| c == '/') {
        head.trim_end_matches('/')
    } else {
        head
    };
    (head.to_string(), tail.to_string())
}

fn splitext(p: &str) -> (&str, &str) {
    let sep = p.rfind('/').map_or(0, |i| i + 1);
    if let Some(dot) = p.rfind('.') {
        if dot >= sep && p[sep..dot].chars().any(|c| c != '.') {
            return (&p[..dot], &p[dot..]);
        }
    }
    (p, "")
}

/// Python's `posixpath.normpath`.
pub(crate) fn normpath(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let initial = if p.starts_with("//") && !p.starts_with("///") {
        2
    } else if p.starts_with('/') {
        1
    } else {
        0
    };
    let mut comps: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if (initial == 0 && comps.is_empty()) || comps.last() == Some(&"..") {
                    comps.push("..");
                } else if !comps.is_empty() {
                    comps.pop();
                }
            }
            c => comps.push(c),
        }
    }
    let out = format!("{}{}", "/".repeat(initial), comps.join("/"));
    if out.is_empty() {
        ".".into()
    } else {
        out
    }
}

fn expand_user(vm: &Vm, p: &str) -> String {
    match p.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            format!("{}{rest}", vm.host.fs.home())
        }
        _ => p.to_string(),
    }
}

fn abspath(vm: &Vm, p: &str) -> String {
    if p.starts_with('/') {
        normpath(p)
    } else {
        normpath(&join_paths(&[&vm.host.fs.cwd(), p]))
    }
}

/// `to` relative to `from`; each linear pass over the paths is charged
/// (a pass over a million segments takes milliseconds), so a call on
/// huge paths stops between passes at the deadline.
fn relpath(vm: &mut Vm, to: &str, from: &str) -> VmResult<String> {
    let pass = 1 + byte_cost(from.len() + to.len()) * 4;
    vm.charge(pass)?;
    let a = abspath(vm, from);
    vm.charge(pass)?;
    let b = abspath(vm, to);
    vm.charge(pass)?;
    let a: Vec<&str> = a.split('/').filter(|s| !s.is_empty()).collect();
    let b: Vec<&str> = b.split('/').filter(|s| !s.is_empty()).collect();
    vm.charge(pass)?;
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = vec![".."; a.len() - common];
    parts.extend(&b[common..]);
    vm.charge(pass)?;
    Ok(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

fn s1(args: &[Value], func: &str) -> VmResult<String> {
    arity(func, args, 1, 1)?;
    Ok(str_arg(args, 0, func, "path")?.to_string())
}

fn join(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("join", args, 1, usize::MAX)?;
    let parts = (0..args.len())
        .map(|i| str_arg(args, i, "join", "part"))
        .collect::<VmResult<Vec<&str>>>()?;
    Ok(Value::string(join_paths(&parts)))
}

fn dirname(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::string(split_path(&s1(args, "dirname")?).0))
}

fn basename(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::string(split_path(&s1(args, "basename")?).1))
}

fn extname(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::str(splitext(&s1(args, "extname")?).1))
}

fn split(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let (h, t) = split_path(&s1(args, "split")?);
    Ok(Value::array(vec![Value::string(h), Value::string(t)]))
}

fn absolute(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let p = s1(args, "absolute")?;
    let e = expand_user(vm, &p);
    Ok(Value::string(abspath(vm, &e)))
}

fn normalize(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::string(normpath(&s1(args, "normalize")?)))
}

fn relative(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("relative", args, 2, 2)?;
    let from = str_arg(args, 0, "relative", "from")?;
    let to = str_arg(args, 1, "relative", "to")?;
    Ok(Value::string(relpath(vm, to, from)?))
}

fn is_absolute(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    Ok(Value::Bool(s1(args, "isAbsolute")?.starts_with('/')))
}

fn cwd(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("cwd", args, 0, 0)?;
    Ok(Value::string(vm.host.fs.cwd()))
}

fn home(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("home", args, 0, 0)?;
    Ok(Value::string(vm.host.fs.home()))
}

fn temp_dir(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("tempDir", args, 0, 0)?;
    Ok(Value::string(vm.host.fs.temp_dir()))
}

fn separator(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("separator", args, 0, 0)?;
    Ok(Value::str("/"))
}

fn delimiter(_vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("delimiter", args, 0, 0)?;
    Ok(Value::str(":"))
}

// ---- file-system queries (file:read) ----

// `exists`, `isFile` and `isDirectory` are the `file` module's probes.
use crate::native::fs::{exists, is_directory, is_file};

/// May the program see the entry `path` inside a listing of `parent`?
fn visible(vm: &Vm, parent_readable: bool, path: &str) -> bool {
    parent_readable || vm.permits_listing(FILE_READ, path)
}

/// What `path` (inside a resolved directory) is, following a symlink
/// (the file system's `metadata` follows none).
fn target_meta(vm: &Vm, path: &str) -> Option<crate::host::Metadata> {
    vm.host.fs.metadata(&vm.host.fs.resolve(path))
}

/// Is `path` (inside a resolved directory) a symlink?
fn is_link(vm: &Vm, path: &str) -> bool {
    vm.host.fs.resolve(path) != path
}

/// FileNotFoundError unless the resolved path `d` is there, OSError
/// naming `shown` unless it is a directory.
fn existing_dir(vm: &Vm, d: &str, shown: &str) -> VmResult<()> {
    match vm.host.fs.metadata(d) {
        None => Err(not_found(d)),
        Some(m) if !m.is_dir => Err(MlError::new(
            ErrorKind::OSError,
            format!("Not a directory: '{shown}'"),
        )),
        Some(_) => Ok(()),
    }
}

fn list_dir(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("listDir", args, 0, 1)?;
    let dir = match opt(args, 0) {
        Some(_) => path_arg(args, 0, "listDir")?,
        None => ".",
    };
    let d = vm.host.fs.resolve(dir);
    vm.require_listing(FILE_READ, &d)?;
    let fs = vm.host.fs.clone();
    existing_dir(vm, &d, dir)?;
    let all = vm.permits(FILE_READ, &d);
    let names = fs.list_dir(&d).map_err(fs_error)?;
    let shown: Vec<Value> = names
        .into_iter()
        .filter(|n| visible(vm, all, &child_path(&d, n)))
        .map(Value::string)
        .collect();
    Ok(Value::array(shown))
}

enum GlobSeg {
    Deep,
    Lit(String),
    Pat(TextGlob, bool),
}

fn glob_walk(vm: &mut Vm, dir: &str, segs: &[GlobSeg], out: &mut Vec<String>) -> VmResult<()> {
    let fs = vm.host.fs.clone();
    let Some((seg, rest)) = segs.split_first() else {
        out.push(dir.to_string());
        return check_len(vm, out.len());
    };
    let dir_readable = vm.permits(FILE_READ, dir);
    match seg {
        GlobSeg::Lit(name) => {
            let p = child_path(dir, name);
            if target_meta(vm, &p).is_some() && visible(vm, dir_readable, &p) {
                if rest.is_empty() {
                    out.push(p);
                    check_len(vm, out.len())?;
                } else if !is_link(vm, &p) && vm.permits_listing(FILE_READ, &p) {
                    glob_walk(vm, &p, rest, out)?;
                }
            }
        }
        GlobSeg::Pat(g, dotted) => {
            let Ok(names) = fs.list_dir(dir) else {
                return Ok(());
            };
            for n in names {
                if (n.starts_with('.') && !dotted) || !g.matches(&n) {
                    continue;
                }
                let p = child_path(dir, &n);
                if !visible(vm, dir_readable, &p) {
                    continue;
                }
                if rest.is_empty() {
                    out.push(p);
                    check_len(vm, out.len())?;
                } else if !is_link(vm, &p)
                    && fs.metadata(&p).is_some_and(|m| m.is_dir)
                    && vm.permits_listing(FILE_READ, &p)
                {
                    glob_walk(vm, &p, rest, out)?;
                }
            }
        }
        GlobSeg::Deep => {
            // Zero directories...
            if !rest.is_empty() {
                glob_walk(vm, dir, rest, out)?;
            }
            // ...or one more, keeping `**` in front.
            let Ok(names) = fs.list_dir(dir) else {
                return Ok(());
            };
            for n in names {
                if n.starts_with('.') {
                    continue;
                }
                let p = child_path(dir, &n);
                if !visible(vm, dir_readable, &p) {
                    continue;
                }
                let is_dir = target_meta(vm, &p).is_some_and(|m| m.is_dir);
                if rest.is_empty() {
                    out.push(p.clone());
                    check_len(vm, out.len())?;
                }
                if is_dir && !is_link(vm, &p) && vm.permits_listing(FILE_READ, &p) {
                    glob_walk(vm, &p, segs, out)?;
                }
            }
        }
    }
    Ok(())
}

fn glob(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("glob", args, 1, 1)?;
    let pattern = path_arg(args, 0, "glob")?;
    let abs = if pattern.starts_with('/') {
        normpath(pattern)
    } else {
        normpath(&join_paths(&[&vm.host.fs.cwd(), pattern]))
    };
    let parts: Vec<&str> = abs.split('/').filter(|s| !s.is_empty()).collect();
    let fixed = parts
        .iter()
        .take_while(|p| !p.contains(['*', '?', '[']))
        .count();
    let base = format!("/{}", parts[..fixed].join("/"));
    let base = vm.host.fs.resolve(&base);
    vm.require_listing(FILE_READ, &base)?;
    let mut segs = Vec::new();
    for p in &parts[fixed..] {
        let seg = if *p == "**" {
            GlobSeg::Deep
        } else if p.contains(['*', '?', '[']) {
            GlobSeg::Pat(TextGlob::new(p), p.starts_with('.'))
        } else {
            GlobSeg::Lit(p.to_string())
        };
        if matches!(seg, GlobSeg::Deep) && matches!(segs.last(), Some(GlobSeg::Deep)) {
            continue;
        }
        segs.push(seg);
    }
    let mut out = Vec::new();
    if segs.is_empty() {
        if vm.host.fs.metadata(&base).is_some() {
            out.push(base);
        }
    } else if vm.host.fs.metadata(&base).is_some_and(|m| m.is_dir) {
        glob_walk(vm, &base, &segs, &mut out)?;
    }
    out.sort();
    out.dedup();
    Ok(Value::array(out.into_iter().map(Value::string).collect()))
}

fn walk(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("walk", args, 1, 2)?;
    let dir = path_arg(args, 0, "walk")?;
    let max_depth = match opt(args, 1) {
        Some(v) => int_arg("walk", v)?,
        None => -1,
    };
    let root = vm.host.fs.resolve(dir);
    vm.require_listing(FILE_READ, &root)?;
    let fs = vm.host.fs.clone();
    let mut out: Vec<String> = Vec::new();
    if !fs.metadata(&root).is_some_and(|m| m.is_dir) {
        return Ok(Value::array(Vec::new()));
    }
    let mut pending: Vec<(String, i64)> = vec![(root.clone(), 0)];
    while let Some((d, depth)) = pending.pop() {
        let Ok(names) = fs.list_dir(&d) else {
            continue;
        };
        let readable = vm.permits(FILE_READ, &d);
        for n in names {
            let p = child_path(&d, &n);
            if !visible(vm, readable, &p) {
                continue;
            }
            let link = is_link(vm, &p);
            if target_meta(vm, &p).is_some_and(|m| m.is_dir) {
                let descend = !link && (max_depth < 0 || depth < max_depth);
                if descend && vm.permits_listing(FILE_READ, &p) {
                    pending.push((p, depth + 1));
                }
            } else {
                let rel = p.get(root.len()..).unwrap_or("").trim_start_matches('/');
                out.push(rel.to_string());
                check_len(vm, out.len())?;
            }
        }
    }
    out.sort();
    Ok(Value::array(out.into_iter().map(Value::string).collect()))
}

// ---- directory changes ----

fn create_dir(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("createDir", args, 1, 2)?;
    let dir = path_arg(args, 0, "createDir")?;
    let d = gate(vm, FILE_WRITE, dir)?;
    let fs = vm.host.fs.clone();
    if fs.metadata(&d).is_some_and(|m| !m.is_dir) {
        return Err(MlError::new(
            ErrorKind::OSError,
            format!("File exists: '{d}'"),
        ));
    }
    fs.create_dir(&d).map_err(fs_error)?;
    Ok(Value::Null)
}

/// `removeDir` and `removeDirRecursive`: an existing directory the
/// program may delete.
fn deletable_dir(vm: &mut Vm, args: &[Value], func: &str) -> VmResult<String> {
    arity(func, args, 1, 1)?;
    let dir = path_arg(args, 0, func)?;
    let d = gate(vm, FILE_DELETE, dir)?;
    existing_dir(vm, &d, &d)?;
    Ok(d)
}

fn remove_dir(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let d = deletable_dir(vm, args, "removeDir")?;
    vm.host.fs.remove_dir(&d, false).map_err(fs_error)?;
    Ok(Value::Null)
}

fn remove_dir_recursive(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let d = deletable_dir(vm, args, "removeDirRecursive")?;
    // Every path that would be removed must be deletable: check them all
    // before removing anything.
    for p in descendants(vm, &d)? {
        vm.require(FILE_DELETE, &p)?;
    }
    vm.host.fs.remove_dir(&d, true).map_err(fs_error)?;
    Ok(Value::Null)
}

native_module! {
    name: "path",
    doc: "path strings (no capability) and directories (file capabilities)",
    functions: {
        "join" => join, "(*parts): join path parts; an absolute part restarts";
        "dirname" => dirname, "(p): the directory part";
        "basename" => basename, "(p): the last component";
        "extname" => extname, "(p): the extension with its dot, or \"\"";
        "split" => split, "(p): [dirname, basename]";
        "absolute" => absolute, "(p): absolute, normalised path";
        "normalize" => normalize, "(p): collapse ., .. and //";
        "relative" => relative, "(from, to): path from `from` to `to`";
        "isAbsolute" | "is_absolute" => is_absolute, "(p): starts with /";
        "cwd" => cwd, "(): working directory";
        "home" => home, "(): home directory";
        "tempDir" | "temp_dir" => temp_dir, "(): temporary directory";
        "separator" => separator, "(): \"/\"";
        "delimiter" => delimiter, "(): \":\"";
        "exists" => exists [FILE_READ], "(p): does the path exist";
        "isFile" | "is_file" => is_file [FILE_READ], "(p): is it a file";
        "isDirectory" | "is_directory" => is_directory [FILE_READ], "(p): is it a directory";
        "listDir" | "list_dir" => list_dir [FILE_READ], "(dir = \".\"): sorted entry names";
        "glob" => glob [FILE_READ], "(pattern): sorted absolute paths (** recursive)";
        "walk" => walk [FILE_READ], "(dir, max_depth = -1): sorted relative file paths";
        "createDir" | "create_dir" => create_dir [FILE_WRITE], "(dir, parents = true): create with parents";
        "removeDir" | "remove_dir" => remove_dir [FILE_DELETE], "(dir): remove an empty directory";
        "removeDirRecursive" | "remove_dir_recursive" => remove_dir_recursive [FILE_DELETE], "(dir): remove a directory and everything in it";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posixpath() {
        assert_eq!(join_paths(&["a", "b", "c.txt"]), "a/b/c.txt");
        assert_eq!(join_paths(&["/a", "/b", "c"]), "/b/c");
        assert_eq!(join_paths(&["a/", "b"]), "a/b");
        assert_eq!(join_paths(&["", "b"]), "b");
        assert_eq!(split_path("/a/b/c.txt"), ("/a/b".into(), "c.txt".into()));
        assert_eq!(split_path("c.txt"), ("".into(), "c.txt".into()));
        assert_eq!(split_path("/c"), ("/".into(), "c".into()));
        assert_eq!(split_path("/a/b/"), ("/a/b".into(), "".into()));
        assert_eq!(splitext("a/archive.tar.gz").1, ".gz");
        assert_eq!(splitext(".bashrc").1, "");
        assert_eq!(splitext("a.").1, ".");
        assert_eq!(splitext("a.b/c").1, "");
        assert_eq!(splitext("..a").1, "");
        assert_eq!(normpath("/path/./to/../file"), "/path/file");
        assert_eq!(normpath("//path//to"), "//path/to");
        assert_eq!(normpath("///x"), "/x");
        assert_eq!(normpath("../a/.."), "..");
        assert_eq!(normpath("a/../.."), "..");
        assert_eq!(normpath(""), ".");
        assert_eq!(normpath("/.."), "/");
    }
}
