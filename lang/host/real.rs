//! Real backends: the process's file system, environment and clock (the
//! real world's randomness is `SeededRandom::from_os`).

use super::nofollow::{self, fs_err};
use super::*;
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use std::ffi::{OsStr, OsString};
use std::os::fd::OwnedFd;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// The real file system through `std::fs`. Whole-file writes go to a
/// temporary file in the same directory that is then renamed over the
/// target, so a failed write never leaves a half-written file.
#[derive(Debug)]
pub struct RealFs {
    /// Largest file one read returns.
    pub max_read: u64,
}

impl Default for RealFs {
    fn default() -> RealFs {
        RealFs {
            max_read: DEFAULT_MAX_READ,
        }
    }
}

impl RealFs {
    /// The real file system with the default read cap.
    pub fn new() -> RealFs {
        RealFs::default()
    }
}

static TMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn too_large(path: &str, size: u64, max: u64) -> FsError {
    FsError {
        kind: FsErrorKind::TooLarge,
        message: format!(
            "File too large: '{path}' has {size} bytes, more than the read limit of {max} bytes"
        ),
    }
}

fn is_a_directory(path: &str) -> FsError {
    FsError {
        kind: FsErrorKind::IsADirectory,
        message: format!("Is a directory: '{path}'"),
    }
}

fn not_regular(path: &str) -> FsError {
    FsError {
        kind: FsErrorKind::Other,
        message: format!(
            "Not a regular file: '{path}' (a FIFO, device or socket could block or never end)"
        ),
    }
}

/// Writes `data` to a fresh temporary file in the directory `dir` (which
/// holds `name`), then renames it over `name`.
fn write_atomic(
    dir: &OwnedFd,
    name: &OsStr,
    mode: Option<u32>,
    data: &[u8],
    path: &str,
) -> Result<(), FsError> {
    use std::io::Write;
    let n = TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut tmp = OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".mlpy-tmp-{}-{n}", std::process::id()));
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(dir, &tmp, flags, Mode::from_raw_mode(0o666))
        .map_err(|e| nofollow::errno(e, path))?;
    let result = (|| {
        if let Some(mode) = mode {
            rustix::fs::fchmod(&fd, Mode::from_raw_mode(mode))
                .map_err(|e| nofollow::errno(e, path))?;
        }
        std::fs::File::from(fd)
            .write_all(data)
            .map_err(|e| fs_err(e, path))?;
        rustix::fs::renameat(dir, &tmp, dir, name).map_err(|e| nofollow::errno(e, path))
    })();
    if result.is_err() {
        let _ = rustix::fs::unlinkat(dir, &tmp, AtFlags::empty());
    }
    result
}

/// Most symlinks one resolution follows (the kernel's limit too).
const MAX_LINKS: usize = 40;

/// Resolves `abs` (absolute) the way the kernel will when the path is
/// used: every symlink is followed, in every component and also the last
/// one, whether its target exists or not (a write through a dangling link
/// creates the target); `..` applies to the resolved parent. What does not
/// exist is appended as written. The result contains no symlink in its
/// existing part, so a capability check on it judges where the operation
/// lands.
fn resolve_like_kernel(abs: &str) -> String {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStrExt;
    let mut out = std::path::PathBuf::from("/");
    // Components still to resolve, the next one last.
    let mut pending: Vec<OsString> = abs.split('/').rev().map(OsString::from).collect();
    let mut links = 0;
    let mut exists = true;
    while let Some(c) = pending.pop() {
        match c.as_bytes() {
            b"" | b"." => continue,
            b".." => {
                out.pop();
                continue;
            }
            _ => {}
        }
        let next = out.join(&c);
        if exists {
            match std::fs::symlink_metadata(&next) {
                Ok(m) if m.file_type().is_symlink() && links < MAX_LINKS => {
                    links += 1;
                    if let Ok(target) = std::fs::read_link(&next) {
                        if target.is_absolute() {
                            out = std::path::PathBuf::from("/");
                        }
                        for part in target.as_os_str().as_bytes().split(|&b| b == b'/').rev() {
                            pending.push(std::ffi::OsStr::from_bytes(part).to_os_string());
                        }
                        continue;
                    }
                }
                Ok(_) => {}
                Err(_) => exists = false,
            }
        }
        out = next;
    }
    out.to_string_lossy().into_owned()
}

/// Opens the file at a resolved path without following a symlink in any
/// component and without blocking on a FIFO or device; only a regular file
/// may be read or written (anything else is an error, never a hang).
fn open_regular(path: &str, flags: OFlags) -> Result<std::fs::File, FsError> {
    let (dir, name) = nofollow::parent(path, flags.contains(OFlags::CREATE))?;
    // A device is not even opened (opening one can have effects).
    if let Ok(st) = rustix::fs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        if !matches!(
            FileType::from_raw_mode(st.st_mode),
            FileType::RegularFile | FileType::Directory | FileType::Symlink
        ) {
            return Err(not_regular(path));
        }
    }
    let flags = flags | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(&dir, name, flags, Mode::from_raw_mode(0o666)).map_err(|e| {
        match e {
            // A FIFO without a reader, a device without its driver.
            rustix::io::Errno::NXIO => not_regular(path),
            e => nofollow::at_error(&dir, name, e, path),
        }
    })?;
    let f = std::fs::File::from(fd);
    let meta = f.metadata().map_err(|e| fs_err(e, path))?;
    if meta.is_dir() {
        return Err(is_a_directory(path));
    }
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    Ok(f)
}

impl FileSystem for RealFs {
    fn resolve(&self, path: &str) -> String {
        let expanded = expand_home(path, || self.home());
        let abs = if expanded.starts_with('/') {
            expanded
        } else {
            format!("{}/{expanded}", self.cwd())
        };
        resolve_like_kernel(&abs)
    }

    fn max_read(&self) -> u64 {
        self.max_read
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        use std::io::Read;
        let f = open_regular(path, OFlags::RDONLY)?;
        let meta = f.metadata().map_err(|e| fs_err(e, path))?;
        if meta.len() > self.max_read {
            return Err(too_large(path, meta.len(), self.max_read));
        }
        // The size can change while reading: cap the read too.
        let mut buf = Vec::new();
        f.take(self.max_read.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| fs_err(e, path))?;
        if buf.len() as u64 > self.max_read {
            return Err(too_large(path, buf.len() as u64, self.max_read));
        }
        Ok(buf)
    }

    fn write(&self, path: &str, data: &[u8], append: bool) -> Result<(), FsError> {
        use std::io::Write;
        if append {
            let mut f = open_regular(path, OFlags::WRONLY | OFlags::CREATE | OFlags::APPEND)?;
            return f.write_all(data).map_err(|e| fs_err(e, path));
        }
        let (dir, name) = nofollow::parent(path, true)?;
        let mode = match rustix::fs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => match FileType::from_raw_mode(st.st_mode) {
                FileType::RegularFile => Some(st.st_mode & 0o7777),
                FileType::Directory => return Err(is_a_directory(path)),
                // A link that appeared after the check is never written through.
                FileType::Symlink => {
                    return Err(nofollow::at_error(
                        &dir,
                        name,
                        rustix::io::Errno::LOOP,
                        path,
                    ))
                }
                _ => return Err(not_regular(path)),
            },
            Err(_) => None,
        };
        write_atomic(&dir, name, mode, data, path)
    }

    fn delete(&self, path: &str) -> Result<bool, FsError> {
        let (dir, name) = match nofollow::parent(path, false) {
            Ok(found) => found,
            Err(e) if e.kind == FsErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        match rustix::fs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW) {
            Err(_) => Ok(false),
            Ok(st) => match FileType::from_raw_mode(st.st_mode) {
                FileType::Directory => Err(is_a_directory(path)),
                FileType::Symlink => Err(nofollow::at_error(
                    &dir,
                    name,
                    rustix::io::Errno::LOOP,
                    path,
                )),
                _ => rustix::fs::unlinkat(&dir, name, AtFlags::empty())
                    .map(|_| true)
                    .map_err(|e| nofollow::errno(e, path)),
            },
        }
    }

    fn metadata(&self, path: &str) -> Option<Metadata> {
        let st = nofollow::stat(path).ok()?;
        let ft = FileType::from_raw_mode(st.st_mode);
        Some(Metadata {
            is_file: ft == FileType::RegularFile,
            is_dir: ft == FileType::Directory,
            size: st.st_size as u64,
            modified: st.st_mtime as f64 + st.st_mtime_nsec as f64 / 1e9,
        })
    }

    fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError> {
        let dir = nofollow::open_dir(Path::new(path), false, path)?;
        let mut names: Vec<String> = nofollow::entries(&dir, path)?
            .into_iter()
            .map(|(n, _)| n.to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    fn create_dir(&self, path: &str) -> Result<(), FsError> {
        nofollow::open_dir(Path::new(path), true, path).map(drop)
    }

    fn remove_dir(&self, path: &str, recursive: bool) -> Result<(), FsError> {
        let (dir, name) = nofollow::parent(path, false)?;
        if recursive {
            return nofollow::remove_all(&dir, name, path);
        }
        rustix::fs::unlinkat(&dir, name, AtFlags::REMOVEDIR)
            .map_err(|e| nofollow::at_error(&dir, name, e, path))
    }

    fn tree(&self, dir: &str, max: usize) -> Result<Vec<String>, FsError> {
        // Names as the directory holds them (bytes), so an entry whose name
        // is not UTF-8 is still visited; never through a symlink.
        let fd = nofollow::open_dir(Path::new(dir), false, dir)?;
        let mut out = Vec::new();
        nofollow::tree(&fd, dir, max, &mut out)?;
        if out.len() > max {
            return Err(super::too_many_entries(dir, max));
        }
        out.sort();
        Ok(out)
    }

    fn rename(&self, from: &str, to: &str) -> Result<(), FsError> {
        let (from_dir, from_name) = nofollow::parent(from, false)?;
        let (to_dir, to_name) = nofollow::parent(to, false)?;
        rustix::fs::renameat(&from_dir, from_name, &to_dir, to_name)
            .map_err(|e| nofollow::errno(e, from))
    }

    fn cwd(&self) -> String {
        std::env::current_dir()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "/".into())
    }
    fn home(&self) -> String {
        std::env::var("HOME").unwrap_or_else(|_| "/".into())
    }
    fn temp_dir(&self) -> String {
        std::env::temp_dir().to_string_lossy().into_owned()
    }
}

/// The process environment (a private copy: `env.set` does not leak into
/// other executions or the host process).
#[derive(Debug, Clone)]
pub struct ProcessEnv(super::memory::MemoryEnv);

impl Default for ProcessEnv {
    fn default() -> ProcessEnv {
        ProcessEnv(super::memory::MemoryEnv::new(std::env::vars()))
    }
}

impl Environment for ProcessEnv {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get(key)
    }
    fn set(&mut self, key: &str, value: &str) {
        self.0.set(key, value)
    }
    fn remove(&mut self, key: &str) {
        self.0.remove(key)
    }
    fn all(&self) -> Vec<(String, String)> {
        self.0.all()
    }
}

/// The system's clock and time zone.
#[derive(Default, Debug)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    }
    fn local_offset(&self, at: f64) -> i32 {
        use chrono::{Local, Offset, TimeZone};
        Local
            .timestamp_opt(at as i64, 0)
            .single()
            .map(|t| t.offset().fix().local_minus_utc())
            .unwrap_or(0)
    }
}

/// User modules from directories on disk: `a.b` is `a/b.ml` under the
/// importing file's directory, then under each search path.
#[derive(Default, Debug, Clone)]
pub struct DirModules {
    /// Directories searched after the importing file's own.
    pub search_paths: Vec<String>,
}

impl ModuleSource for DirModules {
    fn find(&self, dotted: &str, importer_dir: Option<&str>) -> Option<(String, String)> {
        let rel = format!("{}.ml", dotted.replace('.', "/"));
        importer_dir
            .into_iter()
            .chain(self.search_paths.iter().map(String::as_str))
            .map(|dir| Path::new(dir).join(&rel))
            .find_map(|p| {
                let text = std::fs::read_to_string(&p).ok()?;
                Some((p.to_string_lossy().into_owned(), text))
            })
    }
}
