//! Host backends: the only way ML code reaches the outside world.
//!
//! The VM never touches the process's stdout, files, network, environment,
//! clock or randomness directly; it goes through these traits. Real and
//! in-memory implementations live side by side, so tests run in mocked
//! worlds. A `Host` is `Send`: it is built on the caller's thread and moved
//! to the worker that runs the VM.

pub mod console;
pub mod http;
pub mod memory;
mod nofollow;
pub mod real;
pub mod traced;

pub use console::{CapturedConsole, Console, StdConsole};
pub use http::{Route, ScriptedHttp, UreqHttp};
pub use memory::{FixedClock, MemoryEnv, MemoryFs, MemoryModules, NoNetwork, SeededRandom};
pub use real::{DirModules, ProcessEnv, RealFs, SystemClock};

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Largest file one read may return unless a file system sets its own
/// limit (64 MiB).
pub const DEFAULT_MAX_READ: u64 = 64 * 1024 * 1024;

/// Why a file-system operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsErrorKind {
    /// Nothing at the path.
    NotFound,
    /// The operating system refused.
    PermissionDenied,
    /// A directory where a file was expected.
    IsADirectory,
    /// A file (or a missing path component) where a directory was expected.
    NotADirectory,
    /// Something is already at the path.
    AlreadyExists,
    /// A directory that must be empty is not.
    DirectoryNotEmpty,
    /// Not valid text, or otherwise unreadable content.
    InvalidData,
    /// Beyond the size cap for one read.
    TooLarge,
    /// Any other failure (the message says which).
    Other,
}

/// A failed file-system operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FsError {
    /// Why it failed.
    pub kind: FsErrorKind,
    /// Python's message for it (`No such file or directory: '/x'`).
    pub message: String,
}

/// What is at a path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metadata {
    /// A regular file.
    pub is_file: bool,
    /// A directory.
    pub is_dir: bool,
    /// Size in bytes (files).
    pub size: u64,
    /// Seconds since the Unix epoch.
    pub modified: f64,
}

/// Files and directories. Paths given to these methods are absolute and
/// already normalised by [`FileSystem::resolve`]; the methods follow no
/// symlink in any component of them (on the real file system a link found
/// there, swapped in after the capability check, fails the operation), so
/// an operation lands on the path that was checked.
pub trait FileSystem: Send + Sync {
    /// Largest file [`FileSystem::read`] returns; bigger files give
    /// [`FsErrorKind::TooLarge`] without being read.
    fn max_read(&self) -> u64 {
        DEFAULT_MAX_READ
    }
    /// The absolute, normalised form of `path` (relative paths against the
    /// working directory, `~` expanded; on the real file system every
    /// symlink is followed, also a dangling last one, so the result names
    /// where an operation lands). Capability checks match this form.
    fn resolve(&self, path: &str) -> String;
    /// The whole content of a file (at most [`FileSystem::max_read`] bytes).
    fn read(&self, path: &str) -> Result<Vec<u8>, FsError>;
    /// Writes (or appends) the whole content; parent directories are created.
    fn write(&self, path: &str, data: &[u8], append: bool) -> Result<(), FsError>;
    /// Removes a file: `Ok(false)` if it did not exist.
    fn delete(&self, path: &str) -> Result<bool, FsError>;
    /// What is at `path` itself (a symlink there is neither file nor
    /// directory: resolve a path to learn what a link points at).
    fn metadata(&self, path: &str) -> Option<Metadata>;
    /// Entry names (not paths), sorted.
    fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError>;
    /// Creates a directory and its missing parents.
    fn create_dir(&self, path: &str) -> Result<(), FsError>;
    /// Removes a directory: an empty one, or with `recursive` everything in it.
    fn remove_dir(&self, path: &str, recursive: bool) -> Result<(), FsError>;
    /// Moves or renames a file or directory.
    fn rename(&self, from: &str, to: &str) -> Result<(), FsError>;
    /// Every path below `dir`, without following symlinks, at most `max`
    /// of them. Every entry is listed whatever bytes its name holds (names
    /// that are not UTF-8 show U+FFFD), so a recursive operation can check
    /// each one before it touches any.
    fn tree(&self, dir: &str, max: usize) -> Result<Vec<String>, FsError> {
        let mut out = Vec::new();
        let mut pending = vec![dir.to_string()];
        while let Some(d) = pending.pop() {
            for name in self.list_dir(&d)? {
                let p = format!("{}/{name}", d.trim_end_matches('/'));
                let is_link = self.resolve(&p) != p;
                if !is_link && self.metadata(&p).is_some_and(|m| m.is_dir) {
                    pending.push(p.clone());
                }
                out.push(p);
                if out.len() > max {
                    return Err(too_many_entries(dir, max));
                }
            }
        }
        Ok(out)
    }
    /// The working directory relative paths resolve against.
    fn cwd(&self) -> String;
    /// The home directory `~` stands for.
    fn home(&self) -> String;
    /// The directory for temporary files.
    fn temp_dir(&self) -> String;
}

/// `path` with a leading `~` or `~/` replaced by the home directory.
fn expand_home(path: &str, home: impl FnOnce() -> String) -> String {
    match path.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{}{rest}", home()),
        _ => path.to_string(),
    }
}

/// A tree too big to check entry by entry.
pub fn too_many_entries(dir: &str, max: usize) -> FsError {
    FsError {
        kind: FsErrorKind::TooLarge,
        message: format!("'{dir}' holds more than {max} entries"),
    }
}

/// One HTTP request of the `http` module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
    /// How long the whole exchange may take.
    pub timeout: Duration,
}

/// An HTTP response (any status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The reason phrase (`OK`, `Not Found`).
    pub status_text: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why a request got no response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// Could not connect, DNS failure, connection reset...
    Network(String),
    /// No response within the request's timeout.
    Timeout,
    /// A URL the client cannot request (the message says why).
    InvalidUrl(String),
    /// The response body exceeded the size cap.
    TooLarge,
}

/// The network, as the `http` module reaches it.
pub trait HttpClient: Send + Sync {
    /// Sends `req` and reads the whole response; redirects are not followed.
    fn request(&self, req: &HttpRequest) -> Result<HttpResponse, HttpError>;
}

/// Environment variables of one execution.
pub trait Environment: Send {
    /// The value of `key`, if set.
    fn get(&self, key: &str) -> Option<String>;
    /// Sets `key`.
    fn set(&mut self, key: &str, value: &str);
    /// Unsets `key`.
    fn remove(&mut self, key: &str);
    /// All variables, sorted by key.
    fn all(&self) -> Vec<(String, String)>;
}

/// Wall-clock time and the local time zone.
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch (UTC), with fractions.
    fn now(&self) -> f64;
    /// The local time zone's offset from UTC in seconds at `at`.
    fn local_offset(&self, at: f64) -> i32;
}

/// Randomness for the `random` and `crypto` modules.
pub trait RandomSource: Send {
    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64;
    /// Restarts the sequence (ML's `random.setSeed`).
    fn reseed(&mut self, seed: u64);
    /// Uniform in [0, 1).
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Where `import name;` finds user ML modules: returns (file name, source).
pub trait ModuleSource: Send + Sync {
    /// The file name and source of module `dotted` (`a.b`); `importer_dir`
    /// is the importing file's directory, if it has one.
    fn find(&self, dotted: &str, importer_dir: Option<&str>) -> Option<(String, String)>;
}

/// The backends of one execution.
pub struct Host {
    /// Standard output, error and input.
    pub console: Box<dyn Console>,
    /// Files and directories.
    pub fs: Arc<dyn FileSystem>,
    /// The network.
    pub http: Arc<dyn HttpClient>,
    /// Environment variables.
    pub env: Box<dyn Environment>,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Randomness.
    pub random: Box<dyn RandomSource>,
    /// Where user modules come from.
    pub modules: Arc<dyn ModuleSource>,
    /// Program arguments for the `args` module (script name first).
    pub args: Vec<String>,
    /// Per-execution state of stdlib modules (e.g. the `log` module's
    /// default logger), keyed by type.
    pub state: Extensions,
}

/// A small type map: one value per type, created on first use.
#[derive(Default)]
pub struct Extensions(HashMap<TypeId, Box<dyn Any + Send>>);

impl Extensions {
    /// The value of type `T`, created with `Default` on first use.
    pub fn get_or_default<T: Any + Send + Default>(&mut self) -> &mut T {
        let slot = self
            .0
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()));
        match slot.downcast_mut::<T>() {
            Some(v) => v,
            None => unreachable!("Extensions: value stored under the wrong type id"),
        }
    }
    /// The value of type `T`, if one was stored.
    pub fn get<T: Any + Send>(&self) -> Option<&T> {
        self.0
            .get(&TypeId::of::<T>())
            .and_then(|b| b.downcast_ref::<T>())
    }
    /// Stores `value`, replacing any of its type.
    pub fn insert<T: Any + Send>(&mut self, value: T) {
        self.0.insert(TypeId::of::<T>(), Box::new(value));
    }
}

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Extensions({} entries)", self.0.len())
    }
}

impl Host {
    /// A closed, deterministic world: captured console, empty in-memory
    /// file tree, no network, empty environment, a clock fixed at
    /// 2024-01-01T00:00:00Z and randomness seeded with 0.
    pub fn captured() -> Host {
        Host {
            console: Box::new(CapturedConsole::default()),
            fs: Arc::new(MemoryFs::new()),
            http: Arc::new(NoNetwork),
            env: Box::new(MemoryEnv::default()),
            clock: Arc::new(FixedClock::at(1_704_067_200.0)),
            random: Box::new(SeededRandom::new(0)),
            modules: Arc::new(MemoryModules::default()),
            args: vec!["main.ml".into()],
            state: Extensions::default(),
        }
    }

    /// The real world: the process's streams, file system, environment,
    /// clock and OS randomness. HTTP stays disabled until a client is set
    /// (`host.http = Arc::new(UreqHttp::new())`, as `mlpy-test run` does).
    pub fn real() -> Host {
        Host {
            console: Box::new(StdConsole),
            fs: Arc::new(RealFs::default()),
            http: Arc::new(NoNetwork),
            env: Box::new(ProcessEnv::default()),
            clock: Arc::new(SystemClock),
            random: Box::new(SeededRandom::from_os()),
            modules: Arc::new(DirModules::default()),
            args: vec!["main.ml".into()],
            state: Extensions::default(),
        }
    }

    /// Captured stdout so far (empty for real consoles).
    pub fn captured_stdout(&self) -> String {
        self.console.captured_stdout()
    }
}
