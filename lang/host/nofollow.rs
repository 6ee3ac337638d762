//! Resolved paths opened one component at a time from `/`, never following
//! a symlink: `openat(dir, name, O_NOFOLLOW | O_DIRECTORY)` per directory,
//! then the `*at` call (open, stat, unlink, rename, mkdir) on the last name
//! relative to the directory handle, again without following a link.
//!
//! [`RealFs::resolve`](super::RealFs) has already followed every symlink, so
//! the path a capability was checked against holds none. If one appears
//! between the check and the use (a directory swapped for a link to
//! elsewhere), the walk meets it and fails: the operation lands on the
//! checked path or nowhere.

use super::{FsError, FsErrorKind};
use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};
use rustix::io::Errno;
use std::ffi::{OsStr, OsString};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};

/// Directories on the way are only searched: `O_PATH` needs no read
/// permission (as the kernel's own walk), elsewhere read-only.
#[cfg(any(target_os = "linux", target_os = "android"))]
const SEARCH: OFlags = OFlags::PATH;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const SEARCH: OFlags = OFlags::RDONLY;

/// A directory reached without following a link.
const DIR_NOFOLLOW: OFlags = OFlags::DIRECTORY
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

pub(super) fn fs_err(e: std::io::Error, path: &str) -> FsError {
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

pub(super) fn errno(e: Errno, path: &str) -> FsError {
    fs_err(e.into(), path)
}

fn swapped(path: &str) -> FsError {
    FsError {
        kind: FsErrorKind::PermissionDenied,
        message: format!("'{path}' became a symbolic link after it was checked"),
    }
}

pub(super) fn is_link(dir: &OwnedFd, name: &OsStr) -> bool {
    rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
        .is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Symlink)
}

/// An error of an `*at` call on `name` in `dir`; a symlink met where
/// the resolved path had none is named as such.
pub(super) fn at_error(dir: &OwnedFd, name: &OsStr, e: Errno, path: &str) -> FsError {
    if matches!(e, Errno::LOOP | Errno::NOTDIR) && is_link(dir, name) {
        swapped(path)
    } else {
        errno(e, path)
    }
}

/// The directory at `dir`, walked from `/`; with `create`, missing
/// directories are made on the way (`mkdir -p`). `shown` names the path in
/// errors.
pub(super) fn open_dir(dir: &Path, create: bool, shown: &str) -> Result<OwnedFd, FsError> {
    let mut fd = rustix::fs::open(
        "/",
        SEARCH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| errno(e, shown))?;
    for c in dir.components() {
        let name = match c {
            Component::RootDir | Component::CurDir => continue,
            Component::Normal(n) => n,
            // Resolved paths hold no `..`.
            Component::ParentDir | Component::Prefix(_) => {
                return Err(FsError {
                    kind: FsErrorKind::Other,
                    message: format!("not a resolved path: '{shown}'"),
                })
            }
        };
        fd = step(&fd, name, create, shown)?;
    }
    Ok(fd)
}

fn step(dir: &OwnedFd, name: &OsStr, create: bool, shown: &str) -> Result<OwnedFd, FsError> {
    let flags = SEARCH | DIR_NOFOLLOW;
    match rustix::fs::openat(dir, name, flags, Mode::empty()) {
        Err(Errno::NOENT) if create => {
            match rustix::fs::mkdirat(dir, name, Mode::from_raw_mode(0o777)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(errno(e, shown)),
            }
            rustix::fs::openat(dir, name, flags, Mode::empty())
                .map_err(|e| at_error(dir, name, e, shown))
        }
        r => r.map_err(|e| at_error(dir, name, e, shown)),
    }
}

/// The directory holding `path` and the last component's name.
pub(super) fn parent(path: &str, create: bool) -> Result<(OwnedFd, &OsStr), FsError> {
    let p = Path::new(path);
    let Some(name) = p.file_name() else {
        return Err(FsError {
            kind: FsErrorKind::IsADirectory,
            message: format!("Is a directory: '{path}'"),
        });
    };
    let dir = p.parent().unwrap_or(Path::new("/"));
    Ok((open_dir(dir, create, path)?, name))
}

/// What `path` is, without following a link anywhere.
pub(super) fn stat(path: &str) -> Result<rustix::fs::Stat, FsError> {
    if Path::new(path).file_name().is_none() {
        return rustix::fs::stat("/").map_err(|e| errno(e, path));
    }
    let (dir, name) = parent(path, false)?;
    rustix::fs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW).map_err(|e| errno(e, path))
}

/// The entries of an open directory (without `.` and `..`), with the type
/// the directory reports (possibly `Unknown`).
pub(super) fn entries(dir: &OwnedFd, shown: &str) -> Result<Vec<(OsString, FileType)>, FsError> {
    let mut out = Vec::new();
    // A search-only handle cannot be read: open the directory itself.
    let readable = rustix::fs::openat(dir, ".", OFlags::RDONLY | DIR_NOFOLLOW, Mode::empty())
        .map_err(|e| errno(e, shown))?;
    for entry in Dir::new(readable).map_err(|e| errno(e, shown))? {
        let entry = entry.map_err(|e| errno(e, shown))?;
        let name = entry.file_name().to_bytes();
        if name != b"." && name != b".." {
            out.push((OsStr::from_bytes(name).to_os_string(), entry.file_type()));
        }
    }
    Ok(out)
}

/// Is this entry a directory to descend into? (Never a link.)
fn is_dir_entry(dir: &OwnedFd, name: &OsStr, ft: FileType) -> bool {
    match ft {
        FileType::Directory => true,
        FileType::Unknown => rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
            .is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Directory),
        _ => false,
    }
}

/// Removes directory `name` in `parent` and everything below it. Entries
/// are removed by name in their directory's handle: a link is removed,
/// never followed, so nothing outside the directory is touched.
pub(super) fn remove_all(parent: &OwnedFd, name: &OsStr, shown: &str) -> Result<(), FsError> {
    let fd = rustix::fs::openat(parent, name, OFlags::RDONLY | DIR_NOFOLLOW, Mode::empty())
        .map_err(|e| at_error(parent, name, e, shown))?;
    clear(&fd, shown)?;
    drop(fd);
    rustix::fs::unlinkat(parent, name, AtFlags::REMOVEDIR).map_err(|e| errno(e, shown))
}

fn clear(fd: &OwnedFd, shown: &str) -> Result<(), FsError> {
    for (entry, ft) in entries(fd, shown)? {
        if is_dir_entry(fd, &entry, ft) {
            match rustix::fs::openat(fd, &entry, OFlags::RDONLY | DIR_NOFOLLOW, Mode::empty()) {
                Ok(child) => {
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || clear(&child, shown))?;
                    drop(child);
                    rustix::fs::unlinkat(fd, &entry, AtFlags::REMOVEDIR)
                        .map_err(|e| errno(e, shown))?;
                    continue;
                }
                // No longer a directory (a link now): removed below.
                Err(Errno::LOOP | Errno::NOTDIR) => {}
                Err(e) => return Err(errno(e, shown)),
            }
        }
        rustix::fs::unlinkat(fd, &entry, AtFlags::empty()).map_err(|e| errno(e, shown))?;
    }
    Ok(())
}

/// Appends every path below the directory open as `fd` (named `prefix`)
/// to `out`, descending only into real directories; stops once `out`
/// holds more than `max`.
pub(super) fn tree(
    fd: &OwnedFd,
    prefix: &str,
    max: usize,
    out: &mut Vec<String>,
) -> Result<(), FsError> {
    for (name, ft) in entries(fd, prefix)? {
        let p = format!(
            "{}/{}",
            prefix.trim_end_matches('/'),
            name.to_string_lossy()
        );
        let descend = is_dir_entry(fd, &name, ft);
        out.push(p.clone());
        if out.len() > max {
            return Ok(());
        }
        if descend {
            let child = rustix::fs::openat(fd, &name, SEARCH | DIR_NOFOLLOW, Mode::empty())
                .map_err(|e| at_error(fd, &name, e, &p))?;
            stacker::maybe_grow(64 * 1024, 1024 * 1024, || tree(&child, &p, max, out))?;
            if out.len() > max {
                return Ok(());
            }
        }
    }
    Ok(())
}
