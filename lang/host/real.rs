//! Real backends: the process's file system, environment, clock and
//! OS-seeded randomness.

use super::*;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
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

/// Writes `data` to a fresh temporary file next to `path`, then renames it.
fn write_atomic(path: &str, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let target = Path::new(path);
    let dir = target.parent().unwrap_or(Path::new("/"));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.mlpy-tmp-{}-{n}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(data)?;
        if let Ok(meta) = std::fs::metadata(target) {
            f.set_permissions(meta.permissions())?;
        }
        drop(f);
        std::fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn fs_err(e: std::io::Error, path: &str) -> FsError {
    use std::io::ErrorKind as K;
    let kind = match e.kind() {
        K::NotFound => FsErrorKind::NotFound,
        K::PermissionDenied => FsErrorKind::PermissionDenied,
        K::AlreadyExists => FsErrorKind::AlreadyExists,
        K::IsADirectory => FsErrorKind::IsADirectory,
        K::NotADirectory => FsErrorKind::NotADirectory,
        K::DirectoryNotEmpty => FsErrorKind::DirectoryNotEmpty,
        K::InvalidData => FsErrorKind::InvalidData,
        _ => FsErrorKind::Other,
    };
    FsError {
        kind,
        message: format!("{e}: '{path}'"),
    }
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

/// Opens the file at a resolved path without following a symlink in its
/// last component and without blocking on a FIFO or device; only a regular
/// file may be read or written (anything else is an error, never a hang).
fn open_regular(path: &str, options: &mut std::fs::OpenOptions) -> Result<std::fs::File, FsError> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = options
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => FsError {
                kind: FsErrorKind::PermissionDenied,
                message: format!("'{path}' became a symbolic link after it was checked"),
            },
            _ => fs_err(e, path),
        })?;
    let meta = f.metadata().map_err(|e| fs_err(e, path))?;
    if meta.is_dir() {
        return Err(FsError {
            kind: FsErrorKind::IsADirectory,
            message: format!("Is a directory: '{path}'"),
        });
    }
    if !meta.is_file() {
        return Err(FsError {
            kind: FsErrorKind::Other,
            message: format!(
                "Not a regular file: '{path}' (a FIFO, device or socket could block or never end)"
            ),
        });
    }
    Ok(f)
}

impl FileSystem for RealFs {
    fn resolve(&self, path: &str) -> String {
        let expanded = match path.strip_prefix('~') {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                format!("{}{rest}", self.home())
            }
            _ => path.to_string(),
        };
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
        let f = open_regular(path, std::fs::OpenOptions::new().read(true))?;
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
        if let Some(parent) = Path::new(path).parent() {
            std::fs::create_dir_all(parent).map_err(|e| fs_err(e, path))?;
        }
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(FsError {
                    kind: FsErrorKind::IsADirectory,
                    message: format!("Is a directory: '{path}'"),
                })
            }
            Ok(m) if !m.is_file() => {
                // A link that appeared after the check, a FIFO, a device.
                open_regular(path, std::fs::OpenOptions::new().read(true))?;
            }
            _ => {}
        }
        if !append {
            return write_atomic(path, data).map_err(|e| fs_err(e, path));
        }
        let mut f = open_regular(path, std::fs::OpenOptions::new().create(true).append(true))?;
        f.write_all(data).map_err(|e| fs_err(e, path))
    }

    fn delete(&self, path: &str) -> Result<bool, FsError> {
        match std::fs::metadata(path) {
            Err(_) => Ok(false),
            Ok(m) if m.is_dir() => Err(FsError {
                kind: FsErrorKind::IsADirectory,
                message: format!("Is a directory: '{path}'"),
            }),
            Ok(_) => std::fs::remove_file(path)
                .map(|_| true)
                .map_err(|e| fs_err(e, path)),
        }
    }

    fn metadata(&self, path: &str) -> Option<Metadata> {
        let m = std::fs::metadata(path).ok()?;
        let modified = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        Some(Metadata {
            is_file: m.is_file(),
            is_dir: m.is_dir(),
            size: m.len(),
            modified,
        })
    }

    fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError> {
        let mut names: Vec<String> = std::fs::read_dir(path)
            .map_err(|e| fs_err(e, path))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    fn create_dir(&self, path: &str) -> Result<(), FsError> {
        std::fs::create_dir_all(path).map_err(|e| fs_err(e, path))
    }

    fn remove_dir(&self, path: &str, recursive: bool) -> Result<(), FsError> {
        if recursive {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_dir(path)
        }
        .map_err(|e| fs_err(e, path))
    }

    fn tree(&self, dir: &str, max: usize) -> Result<Vec<String>, FsError> {
        // Walk with the real names (bytes), so an entry whose name is not
        // UTF-8 is still visited, and never through a symlink.
        let mut out = Vec::new();
        let mut pending = vec![std::path::PathBuf::from(dir)];
        while let Some(d) = pending.pop() {
            let entries = std::fs::read_dir(&d).map_err(|e| fs_err(e, &d.to_string_lossy()))?;
            for entry in entries {
                let entry = entry.map_err(|e| fs_err(e, &d.to_string_lossy()))?;
                let p = entry.path();
                let ft = entry
                    .file_type()
                    .map_err(|e| fs_err(e, &p.to_string_lossy()))?;
                out.push(p.to_string_lossy().into_owned());
                if out.len() > max {
                    return Err(super::too_many_entries(dir, max));
                }
                if ft.is_dir() {
                    pending.push(p);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn rename(&self, from: &str, to: &str) -> Result<(), FsError> {
        std::fs::rename(from, to).map_err(|e| fs_err(e, from))
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

/// Randomness seeded from the OS.
pub struct OsRandom(ChaCha8Rng);

impl Default for OsRandom {
    fn default() -> OsRandom {
        OsRandom(ChaCha8Rng::from_entropy())
    }
}

impl RandomSource for OsRandom {
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn reseed(&mut self, seed: u64) {
        self.0 = ChaCha8Rng::seed_from_u64(seed);
    }
}

/// User modules from directories on disk: `a.b` is `a/b.ml` under the
/// importing file's directory, then under each search path.
#[derive(Default, Debug, Clone)]
pub struct DirModules {
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
