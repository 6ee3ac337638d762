//! In-memory backends: a virtual file tree, a fixed environment, a fixed
//! or steppable clock, a seeded random source, and no network.

use super::*;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// A virtual file tree. Paths are absolute and normalised; directories are
/// implied by the files under them and can also exist empty.
#[derive(Debug)]
pub struct MemoryFs {
    state: Mutex<MemState>,
    cwd: String,
    /// Largest file one read returns.
    pub max_read: u64,
}

#[derive(Default, Debug, Clone)]
struct MemState {
    files: BTreeMap<String, (Vec<u8>, f64)>,
    dirs: std::collections::BTreeSet<String>,
}

fn parent(path: &str) -> Option<&str> {
    if path == "/" {
        return None;
    }
    match path.rfind('/') {
        Some(0) => Some("/"),
        Some(i) => Some(&path[..i]),
        None => None,
    }
}

fn err(kind: FsErrorKind, path: &str) -> FsError {
    let what = match kind {
        FsErrorKind::NotFound => "No such file or directory",
        FsErrorKind::IsADirectory => "Is a directory",
        FsErrorKind::NotADirectory => "Not a directory",
        FsErrorKind::AlreadyExists => "File exists",
        FsErrorKind::DirectoryNotEmpty => "Directory not empty",
        FsErrorKind::PermissionDenied => "Permission denied",
        FsErrorKind::InvalidData => "Invalid data",
        FsErrorKind::TooLarge => "File too large",
        FsErrorKind::Other => "I/O error",
    };
    FsError {
        kind,
        message: format!("{what}: '{path}'"),
    }
}

/// Makes `path` absolute against `cwd` and collapses `.`, `..` and `//`.
pub fn normalize_path(path: &str, cwd: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

impl Default for MemoryFs {
    fn default() -> MemoryFs {
        MemoryFs::new()
    }
}

impl MemoryFs {
    /// An empty file system whose working directory is `/work`.
    pub fn new() -> MemoryFs {
        MemoryFs {
            state: Mutex::default(),
            cwd: "/work".into(),
            max_read: DEFAULT_MAX_READ,
        }
    }

    /// A tree from (path, content) pairs.
    pub fn with_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> MemoryFs {
        let fs = MemoryFs::new();
        for (p, data) in files {
            let p = normalize_path(p, &fs.cwd);
            let _ = fs.write(&p, data, false);
        }
        fs
    }

    /// Sets the working directory relative paths resolve against.
    pub fn set_cwd(&mut self, cwd: &str) {
        self.cwd = normalize_path(cwd, "/");
    }

    /// Every file and its content (for assertions after a run).
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.files
            .iter()
            .map(|(k, (v, _))| (k.clone(), v.clone()))
            .collect()
    }

    fn is_dir(st: &MemState, path: &str) -> bool {
        if path == "/" || st.dirs.contains(path) {
            return true;
        }
        let prefix = format!("{path}/");
        st.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
            || st
                .dirs
                .range(prefix.clone()..)
                .next()
                .is_some_and(|k| k.starts_with(&prefix))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl FileSystem for MemoryFs {
    fn resolve(&self, path: &str) -> String {
        let expanded = expand_home(path, || self.home());
        normalize_path(&expanded, &self.cwd)
    }

    fn max_read(&self) -> u64 {
        self.max_read
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        let st = self.lock();
        match st.files.get(path) {
            Some((data, _)) if data.len() as u64 > self.max_read => Err(FsError {
                kind: FsErrorKind::TooLarge,
                message: format!(
                    "File too large: '{path}' has {} bytes, more than the read limit of {} bytes",
                    data.len(),
                    self.max_read
                ),
            }),
            Some((data, _)) => Ok(data.clone()),
            None if Self::is_dir(&st, path) => Err(err(FsErrorKind::IsADirectory, path)),
            None => Err(err(FsErrorKind::NotFound, path)),
        }
    }

    fn write(&self, path: &str, data: &[u8], append: bool) -> Result<(), FsError> {
        let mut st = self.lock();
        if Self::is_dir(&st, path) {
            return Err(err(FsErrorKind::IsADirectory, path));
        }
        let mut p = parent(path);
        while let Some(dir) = p {
            if st.files.contains_key(dir) {
                return Err(err(FsErrorKind::NotADirectory, dir));
            }
            p = parent(dir);
        }
        let entry = st
            .files
            .entry(path.to_string())
            .or_insert((Vec::new(), 0.0));
        if !append {
            entry.0.clear();
        }
        entry.0.extend_from_slice(data);
        entry.1 = 1_700_000_000.0;
        Ok(())
    }

    fn delete(&self, path: &str) -> Result<bool, FsError> {
        let mut st = self.lock();
        if st.files.remove(path).is_some() {
            return Ok(true);
        }
        if Self::is_dir(&st, path) {
            return Err(err(FsErrorKind::IsADirectory, path));
        }
        Ok(false)
    }

    fn metadata(&self, path: &str) -> Option<Metadata> {
        let st = self.lock();
        if let Some((data, modified)) = st.files.get(path) {
            return Some(Metadata {
                is_file: true,
                is_dir: false,
                size: data.len() as u64,
                modified: *modified,
            });
        }
        Self::is_dir(&st, path).then_some(Metadata {
            is_file: false,
            is_dir: true,
            size: 0,
            modified: 0.0,
        })
    }

    fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError> {
        let st = self.lock();
        if st.files.contains_key(path) {
            return Err(err(FsErrorKind::NotADirectory, path));
        }
        if !Self::is_dir(&st, path) {
            return Err(err(FsErrorKind::NotFound, path));
        }
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        let mut names: Vec<String> = st
            .files
            .keys()
            .chain(st.dirs.iter())
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_string())
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }

    fn create_dir(&self, path: &str) -> Result<(), FsError> {
        let mut st = self.lock();
        if st.files.contains_key(path) {
            return Err(err(FsErrorKind::AlreadyExists, path));
        }
        let mut p = Some(path);
        while let Some(dir) = p {
            if dir != "/" {
                st.dirs.insert(dir.to_string());
            }
            p = parent(dir);
        }
        Ok(())
    }

    fn remove_dir(&self, path: &str, recursive: bool) -> Result<(), FsError> {
        let mut st = self.lock();
        if !Self::is_dir(&st, path) {
            return Err(err(FsErrorKind::NotFound, path));
        }
        let prefix = format!("{path}/");
        let has_children = st.files.keys().any(|k| k.starts_with(&prefix))
            || st.dirs.iter().any(|k| k.starts_with(&prefix));
        if has_children && !recursive {
            return Err(err(FsErrorKind::DirectoryNotEmpty, path));
        }
        st.files.retain(|k, _| !k.starts_with(&prefix));
        st.dirs.retain(|k| !k.starts_with(&prefix) && k != path);
        Ok(())
    }

    fn rename(&self, from: &str, to: &str) -> Result<(), FsError> {
        let mut st = self.lock();
        if Self::is_dir(&st, to) {
            return Err(err(FsErrorKind::IsADirectory, to));
        }
        match st.files.remove(from) {
            Some(data) => {
                st.files.insert(to.to_string(), data);
                Ok(())
            }
            None if Self::is_dir(&st, from) && from != "/" => {
                if to == from || to.starts_with(&format!("{from}/")) {
                    return Err(err(FsErrorKind::Other, to));
                }
                let prefix = format!("{from}/");
                let moved: Vec<String> = st
                    .files
                    .keys()
                    .filter(|k| k.starts_with(&prefix))
                    .cloned()
                    .collect();
                for k in moved {
                    if let Some(v) = st.files.remove(&k) {
                        st.files.insert(format!("{to}{}", &k[from.len()..]), v);
                    }
                }
                let dirs: Vec<String> = st
                    .dirs
                    .iter()
                    .filter(|k| *k == from || k.starts_with(&prefix))
                    .cloned()
                    .collect();
                for d in dirs {
                    st.dirs.remove(&d);
                    st.dirs.insert(format!("{to}{}", &d[from.len()..]));
                }
                Ok(())
            }
            None => Err(err(FsErrorKind::NotFound, from)),
        }
    }

    fn cwd(&self) -> String {
        self.cwd.clone()
    }
    fn home(&self) -> String {
        "/home/user".into()
    }
    fn temp_dir(&self) -> String {
        "/tmp".into()
    }
}

/// No network at all: every request fails as unreachable.
#[derive(Default, Debug)]
pub struct NoNetwork;

impl HttpClient for NoNetwork {
    fn request(&self, req: &HttpRequest) -> Result<HttpResponse, HttpError> {
        Err(HttpError::Network(format!(
            "no network in this execution (request to {})",
            req.url
        )))
    }
}

/// A fixed set of environment variables.
#[derive(Default, Debug, Clone)]
pub struct MemoryEnv {
    /// The variables.
    pub vars: HashMap<String, String>,
}

impl MemoryEnv {
    /// An environment of these variables.
    pub fn new<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> MemoryEnv {
        MemoryEnv {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

impl Environment for MemoryEnv {
    fn get(&self, key: &str) -> Option<String> {
        self.vars.get(key).cloned()
    }
    fn set(&mut self, key: &str, value: &str) {
        self.vars.insert(key.into(), value.into());
    }
    fn remove(&mut self, key: &str) {
        self.vars.remove(key);
    }
    fn all(&self) -> Vec<(String, String)> {
        let mut v: Vec<_> = self
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        v.sort();
        v
    }
}

/// A clock that stands still unless stepped; local time is UTC plus a fixed
/// offset.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<f64>,
    /// Added to `now` on every reading (0 = frozen).
    pub step: f64,
    /// The local time zone's offset from UTC, in seconds.
    pub offset: i32,
}

impl FixedClock {
    /// A frozen clock at `unix_seconds`, local time UTC.
    pub fn at(unix_seconds: f64) -> FixedClock {
        FixedClock {
            now: Mutex::new(unix_seconds),
            step: 0.0,
            offset: 0,
        }
    }
    /// A clock starting at `unix_seconds` that moves `step` seconds per reading.
    pub fn stepping(unix_seconds: f64, step: f64) -> FixedClock {
        FixedClock {
            now: Mutex::new(unix_seconds),
            step,
            offset: 0,
        }
    }
    /// Moves the clock forward.
    pub fn advance(&self, seconds: f64) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) += seconds;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> f64 {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        let t = *now;
        *now += self.step;
        t
    }
    fn local_offset(&self, _at: f64) -> i32 {
        self.offset
    }
}

/// The ChaCha8 generator: deterministic from a seed (the in-memory world),
/// or seeded from the OS (the real one).
pub struct SeededRandom(ChaCha8Rng);

impl SeededRandom {
    /// A generator whose sequence `seed` decides.
    pub fn new(seed: u64) -> SeededRandom {
        SeededRandom(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A generator seeded from the OS's entropy.
    pub fn from_os() -> SeededRandom {
        SeededRandom(ChaCha8Rng::from_entropy())
    }
}

impl RandomSource for SeededRandom {
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn reseed(&mut self, seed: u64) {
        self.0 = ChaCha8Rng::seed_from_u64(seed);
    }
}

/// User modules from an in-memory map of dotted name → source.
#[derive(Default, Debug, Clone)]
pub struct MemoryModules {
    /// Module sources by dotted name (`a.b`).
    pub modules: HashMap<String, String>,
}

impl ModuleSource for MemoryModules {
    fn find(&self, dotted: &str, _importer_dir: Option<&str>) -> Option<(String, String)> {
        self.modules
            .get(dotted)
            .map(|src| (format!("{}.ml", dotted.replace('.', "/")), src.clone()))
    }
}
