//! Finding spec files, reading them into the model, merging defaults,
//! resolving paths and expanding `each` rows.

use super::error::{self, SpecError};
use super::keys::{unique, Expect, ExpectTable, Fields, RowTable, SpecFile};
use super::model::{
    fix, BenchSpec, CallbackTable, FilesDir, HttpMockTable, ModuleSpec, Reason, Sp,
};
use super::{Bench, CallbackSpec, Case, CaseLocation, CaseSummary, HttpMock, UserModule};
use indexmap::IndexMap;
use mlpy_lang::capability::GrantSet;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// Most concurrent runs of one case (`concurrency`, `bench.concurrency`):
/// each holds a world and a worker's memory.
pub const MAX_CONCURRENCY: u32 = 1000;
/// Most measured iterations of one bench case.
pub const MAX_BENCH_ITERATIONS: u32 = 10_000_000;

/// The names a file has used so far, with the line of each first use.
pub(super) type Seen = ahash::AHashMap<String, u32>;

const NOT_FOUND_HINT: &str = "looked next to the spec file and in fixtures/";

// ---------------------------------------------------------------------------
// Discovery and names

/// Every `*.mltest` file under `root` (or `root` itself when it is a file),
/// sorted by path. Hidden directories (`.git`, ...) are skipped; symbolic
/// links are followed, and a link back to a directory being walked (a
/// loop) is skipped (see [`discover_all`]).
pub fn discover(root: &Path) -> Vec<PathBuf> {
    discover_all(root).files
}

/// What [`discover_all`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovered {
    /// The spec files, sorted by path.
    pub files: Vec<PathBuf>,
    /// Directories that could not be walked: symbolic-link loops and
    /// unreadable directories, each with the reason.
    pub skipped: Vec<String>,
}

/// [`discover`], also telling what it had to skip.
pub fn discover_all(root: &Path) -> Discovered {
    let mut found = Discovered::default();
    if root.is_file() {
        found.files.push(root.to_path_buf());
        return found;
    }
    // Each directory's entries sorted by name, depth first: that is the
    // order of the paths themselves (component by component), without
    // sorting 1,000s of paths afterwards. Siblings' paths are their
    // directory's path joined with their names, so comparing the whole
    // paths' bytes orders them by name, without parsing each name out of
    // its path per comparison (as `sort_by_file_name` does).
    let walk = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by(|a, b| {
            a.path()
                .as_os_str()
                .as_encoded_bytes()
                .cmp(b.path().as_os_str().as_encoded_bytes())
        })
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().as_encoded_bytes().starts_with(b"."));
    for entry in walk {
        match entry {
            Ok(e) => {
                let path = e.path();
                if e.file_type().is_file() && path.extension().is_some_and(|x| x == "mltest") {
                    found.files.push(e.into_path());
                }
            }
            Err(e) => {
                let at = e
                    .path()
                    .map_or_else(String::new, |p| p.display().to_string());
                let why = match e.loop_ancestor() {
                    Some(a) => format!("a symbolic link back to {} (a loop)", a.display()),
                    None => e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string),
                };
                found.skipped.push(format!("{at}: skipped: {why}"));
            }
        }
    }
    found
}

/// The test-name prefix of a spec file: its path under `root` without the
/// extension, `/` → `::` (`specs/core/arith.mltest` → `core::arith`).
/// Both paths are compared made absolute (so `specs/../specs/core` and
/// `/abs/specs/core` give the same name), then with links resolved. A file
/// outside `root` is named by its stem.
pub fn test_name_prefix(root: &Path, file: &Path) -> String {
    name_prefix(root, &normalize(root), None, file)
}

/// [`test_name_prefix`] with `root` already normalized (`abs_root`), and
/// the working directory when the caller knows it.
fn name_prefix(root: &Path, abs_root: &Path, cwd: Option<&Path>, file: &Path) -> String {
    plain_name_prefix(abs_root, cwd, file)
        .unwrap_or_else(|| general_name_prefix(root, abs_root, cwd, file))
}

/// [`name_prefix`] for any paths.
fn general_name_prefix(root: &Path, abs_root: &Path, cwd: Option<&Path>, file: &Path) -> String {
    let rel = normalize_from(cwd, file)
        .strip_prefix(abs_root)
        .ok()
        .map(Path::to_path_buf)
        .or_else(|| match (root.canonicalize(), file.canonicalize()) {
            (Ok(r), Ok(f)) => f.strip_prefix(&r).ok().map(Path::to_path_buf),
            _ => None,
        });
    let stem = || {
        file.file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    };
    let Some(rel) = rel.filter(|r| !r.as_os_str().is_empty()) else {
        return stem();
    };
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.last_mut() {
        if let Some(s) = last.strip_suffix(".mltest") {
            *last = s.to_string();
        }
    }
    parts.join("::")
}

/// [`name_prefix`] on the text of the paths, for the common case: UTF-8
/// paths without `.`, `..` or empty components (what a walk of a clean
/// root gives), the file under the root. `None` for anything else; the
/// general path then gives the name (the same one wherever both apply).
/// Parsing each path into components costs more than reading the file.
fn plain_name_prefix(abs_root: &Path, cwd: Option<&Path>, file: &Path) -> Option<String> {
    fn plain(p: &str) -> bool {
        p.strip_prefix('/')
            .unwrap_or(p)
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
    }
    let file = file.to_str()?;
    let root = abs_root.to_str()?;
    if !plain(file) || !plain(root) || !root.starts_with('/') || root.len() < 2 {
        return None;
    }
    let joined;
    let abs = if file.starts_with('/') {
        file
    } else {
        let cwd = cwd?.to_str()?;
        if !plain(cwd) || !cwd.starts_with('/') || cwd.len() < 2 {
            return None;
        }
        joined = format!("{cwd}/{file}");
        &joined
    };
    let rel = abs.strip_prefix(root)?.strip_prefix('/')?;
    let rel = rel.strip_suffix(".mltest").unwrap_or(rel);
    Some(rel.replace('/', "::"))
}

/// `path` made absolute, with `.` and `..` resolved lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    lexical(&abs)
}

/// [`normalize`] with relative paths taken from `cwd` (the working
/// directory, looked up once by the caller rather than once per path).
fn normalize_from(cwd: Option<&Path>, path: &Path) -> PathBuf {
    match cwd {
        Some(cwd) if path.is_relative() => lexical(&cwd.join(path)),
        _ => normalize(path),
    }
}

/// `.` and `..` resolved without looking at the file system.
fn lexical(abs: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The specs root that tests found at `path` are named under: the nearest
/// directory named `specs` at or above `path`; else `path` itself when it
/// is a directory, or the directory holding it.
pub fn specs_root(path: &Path) -> PathBuf {
    let named_specs = |p: &Path| {
        p.ancestors()
            .find(|a| a.file_name().is_some_and(|n| n == "specs") && a.is_dir())
            .map(Path::to_path_buf)
    };
    let abs = normalize(path);
    if let Some(root) = named_specs(&abs) {
        return root;
    }
    if abs.is_dir() {
        return abs;
    }
    abs.parent().map_or(abs.clone(), Path::to_path_buf)
}

/// The spec files that can hold the test `name` (`a::b::c` →
/// `root/a/b/c.mltest`, `root/a/b.mltest`, `root/a.mltest`), those that
/// exist, longest path first. Loads nothing.
pub fn resolve_name(root: &Path, name: &str) -> Vec<PathBuf> {
    let parts: Vec<&str> = name.split("::").collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains(['/', '\\']))
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    for k in (1..=parts.len()).rev() {
        let mut path = root.to_path_buf();
        for p in &parts[..k] {
            path.push(p);
        }
        let mut os = path.into_os_string();
        os.push(".mltest");
        let path = PathBuf::from(os);
        if path.is_file() {
            out.push(path);
        }
    }
    out
}

/// Loads one spec file into its cases (see [`Loader::load_file`]).
pub fn load_file(path: &Path, root: &Path) -> Result<Vec<Case>, SpecError> {
    Loader::new(root).load_file(path)
}

/// Names one spec file's cases (see [`Loader::list_file`]).
pub fn list_file(path: &Path, root: &Path) -> Result<Vec<CaseSummary>, SpecError> {
    Loader::new(root).list_file(path)
}

// ---------------------------------------------------------------------------
// The loader

/// Loads spec files under one specs root. Shares fixture reads between
/// files (a fixture directory used by many specs is read once); safe to
/// use from several threads.
#[derive(Debug)]
pub struct Loader {
    root: PathBuf,
    /// `root` made absolute ([`normalize`]), once: every test name needs it.
    abs_root: PathBuf,
    /// The working directory when the loader was made: relative spec
    /// paths are named against it without a system call per file.
    cwd: Option<PathBuf>,
    fixtures: Option<PathBuf>,
    cache: Mutex<Cache>,
}

type Tree = Arc<Vec<(String, Arc<[u8]>)>>;

#[derive(Debug, Default)]
struct Cache {
    /// Spec directory → the `fixtures/` directory found above it.
    fixtures: HashMap<PathBuf, Option<PathBuf>>,
    bytes: HashMap<PathBuf, Arc<[u8]>>,
    texts: HashMap<PathBuf, Arc<str>>,
    trees: HashMap<PathBuf, Tree>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
}

impl Loader {
    /// A loader for specs under `root`. Fixtures are looked up in the
    /// nearest `fixtures/` directory above each spec file.
    pub fn new(root: impl Into<PathBuf>) -> Loader {
        let root = root.into();
        let cwd = std::env::current_dir().ok();
        Loader {
            abs_root: normalize_from(cwd.as_deref(), &root),
            cwd,
            root,
            fixtures: None,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// Uses `dir` as the fixtures directory instead of searching for one.
    pub fn with_fixtures(mut self, dir: impl Into<PathBuf>) -> Loader {
        self.fixtures = Some(dir.into());
        self
    }

    /// The specs root: test names are paths under it.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn cache(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads, validates and expands one spec file: its cases (and `each`
    /// rows) in file order, resolved and ready to run.
    pub fn load_file(&self, path: &Path) -> Result<Vec<Case>, SpecError> {
        let text = read_spec(path)?;
        self.load_str(path, &text)
    }

    /// [`Loader::load_file`] on text already in memory; `path` names the
    /// file in errors and anchors relative paths.
    pub fn load_str(&self, path: &Path, text: &str) -> Result<Vec<Case>, SpecError> {
        self.collect(path, text, |ctx, f, index, offset, seen, out| {
            ctx.expand(f, index, offset, seen, out)
        })
    }

    /// [`Loader::each_case`] with `add` filling one list, and the names
    /// seen so far (a name must not repeat).
    fn collect<T>(
        &self,
        path: &Path,
        text: &str,
        mut add: impl FnMut(
            &Ctx<'_>,
            Fields,
            Option<usize>,
            usize,
            &mut Seen,
            &mut Vec<T>,
        ) -> Result<(), SpecError>,
    ) -> Result<Vec<T>, SpecError> {
        let mut seen = Seen::default();
        let mut out = Vec::new();
        self.each_case(path, text, |ctx, f, index, offset| {
            add(ctx, f, index, offset, &mut seen, &mut out)
        })?;
        Ok(out)
    }

    /// Calls `f` with (the case's keys from every level, case index,
    /// offset) for every case of the file, in order; stops at the first
    /// error.
    pub(super) fn each_case(
        &self,
        path: &Path,
        text: &str,
        mut f: impl FnMut(&Ctx<'_>, Fields, Option<usize>, usize) -> Result<(), SpecError>,
    ) -> Result<(), SpecError> {
        let spec: SpecFile = parse(path, text)?;
        let ctx = Ctx::new(self, path, text);
        let (defaults, cases) = spec.split();
        match cases {
            None => {
                if let Some(n) = &defaults.name {
                    return Err(ctx.err(n.start(), NAME_AT_TOP_SINGLE));
                }
                f(&ctx, defaults, None, 0)
            }
            Some(list) => {
                ctx.check_case_list(&defaults, list.0.len())?;
                for (i, table) in list.0.into_iter().enumerate() {
                    let offset = table.start();
                    let fields = defaults.clone().overlay(table.0.into_inner().into());
                    f(&ctx, fields, Some(i), offset)?;
                }
                Ok(())
            }
        }
    }

    /// The names and filter data of a file's tests, without reading code
    /// files or fixtures or checking grants: for `--list` and for choosing
    /// what to run. TOML and naming errors are reported exactly as
    /// [`Loader::load_file`] reports them; a file that lists fine may still
    /// fail to load (a missing fixture), and then each of its tests
    /// should fail with that error.
    pub fn list_file(&self, path: &Path) -> Result<Vec<CaseSummary>, SpecError> {
        let text = read_spec(path)?;
        self.list_str(path, &text)
    }

    /// [`Loader::list_file`] on text already in memory.
    pub fn list_str(&self, path: &Path, text: &str) -> Result<Vec<CaseSummary>, SpecError> {
        self.collect(path, text, |ctx, f, index, offset, seen, out| {
            ctx.summarize(&f, index, offset, seen, out)
        })
    }

    /// The spec files that can hold test `name` under this loader's root.
    pub fn resolve_name(&self, name: &str) -> Vec<PathBuf> {
        resolve_name(&self.root, name)
    }

    /// The cases named exactly `name`, loading only the file(s) it can
    /// live in.
    pub fn find_case(&self, name: &str) -> Result<Vec<Case>, SpecError> {
        let mut out = Vec::new();
        for file in self.resolve_name(name) {
            out.extend(
                self.load_file(&file)?
                    .into_iter()
                    .filter(|c| c.summary.full_name == name),
            );
        }
        Ok(out)
    }

    fn fixtures_dir(&self, spec_dir: &Path) -> Option<PathBuf> {
        if let Some(f) = &self.fixtures {
            return Some(f.clone());
        }
        if let Some(found) = self.cache().fixtures.get(spec_dir) {
            return found.clone();
        }
        let found = spec_dir
            .ancestors()
            .map(|a| a.join("fixtures"))
            .find(|f| f.is_dir());
        self.cache()
            .fixtures
            .insert(spec_dir.to_path_buf(), found.clone());
        found
    }

    /// A path from a spec: absolute as is; otherwise relative to the spec
    /// file's directory, then to `fixtures/`, then to the directory that
    /// holds `fixtures/` (so `"fixtures/tree"` also works).
    fn find(&self, spec_dir: &Path, rel: &str, kind: Kind) -> Option<PathBuf> {
        let ok = |p: &Path| match kind {
            Kind::File => p.is_file(),
            Kind::Dir => p.is_dir(),
        };
        let p = Path::new(rel);
        if rel.is_empty() {
            return None;
        }
        if p.is_absolute() {
            return ok(p).then(|| p.to_path_buf());
        }
        let here = spec_dir.join(p);
        if ok(&here) {
            return Some(here);
        }
        let fixtures = self.fixtures_dir(spec_dir)?;
        let there = fixtures.join(p);
        if ok(&there) {
            return Some(there);
        }
        let above = fixtures.parent()?.join(p);
        ok(&above).then_some(above)
    }

    fn read_bytes(&self, path: &Path) -> std::io::Result<Arc<[u8]>> {
        if let Some(b) = self.cache().bytes.get(path) {
            return Ok(b.clone());
        }
        let b: Arc<[u8]> = std::fs::read(path)?.into();
        self.cache().bytes.insert(path.to_path_buf(), b.clone());
        Ok(b)
    }

    fn read_text(&self, path: &Path) -> Result<Arc<str>, String> {
        if let Some(t) = self.cache().texts.get(path) {
            return Ok(t.clone());
        }
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let text: Arc<str> = String::from_utf8(bytes)
            .map_err(|_| "it is not valid UTF-8".to_string())?
            .into();
        self.cache().texts.insert(path.to_path_buf(), text.clone());
        Ok(text)
    }

    fn read_tree(&self, dir: &Path) -> std::io::Result<Tree> {
        if let Some(t) = self.cache().trees.get(dir) {
            return Ok(t.clone());
        }
        let mut files = Vec::new();
        read_tree_into(dir, "", &mut files)?;
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let tree: Tree = Arc::new(files);
        self.cache().trees.insert(dir.to_path_buf(), tree.clone());
        Ok(tree)
    }
}

fn read_tree_into(
    dir: &Path,
    prefix: &str,
    out: &mut Vec<(String, Arc<[u8]>)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let path = entry.path();
        let meta = std::fs::metadata(&path)?;
        if meta.is_dir() {
            read_tree_into(&path, &rel, out)?;
        } else if meta.is_file() {
            out.push((rel, std::fs::read(&path)?.into()));
        }
    }
    Ok(())
}

pub(super) fn read_spec(path: &Path) -> Result<String, SpecError> {
    read_text(path).map_err(|e| SpecError::file(path, format!("cannot read the spec file: {e}")))
}

/// Reads a whole file with one `read` of its known size (listing 1,000
/// specs is mostly system calls; `fs::read_to_string` makes one more).
fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len() as usize;
    let mut buf = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        match f.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    buf.truncate(filled);
    String::from_utf8(buf).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, SpecError> {
    let de = toml::de::Deserializer::parse(text).map_err(|e| error::syntax(path, text, &e))?;
    T::deserialize(de).map_err(|e| error::data(path, text, &e))
}

const NAME_AT_TOP_SINGLE: &str =
    "`name` belongs in [[case]] tables; a file without them is one case named after the file";

// ---------------------------------------------------------------------------
// One file

pub(super) struct Ctx<'a> {
    loader: &'a Loader,
    path: &'a Path,
    text: &'a str,
    dir: PathBuf,
    prefix: String,
    stem: String,
    lines: OnceLock<Vec<usize>>,
}

impl<'a> Ctx<'a> {
    fn new(loader: &'a Loader, path: &'a Path, text: &'a str) -> Ctx<'a> {
        Ctx {
            loader,
            path,
            text,
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            prefix: name_prefix(&loader.root, &loader.abs_root, loader.cwd.as_deref(), path),
            stem: path
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
            lines: OnceLock::new(),
        }
    }

    fn err(&self, offset: usize, message: impl Into<String>) -> SpecError {
        let (line, column) = self.pos(offset);
        SpecError {
            file: self.path.to_path_buf(),
            line,
            column,
            message: message.into(),
            source_line: self.line_text(line),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The text of 1-based line `line`.
    fn line_text(&self, line: u32) -> Option<String> {
        let starts = self.line_starts();
        let start = *starts.get(line.checked_sub(1)? as usize)?;
        let end = starts.get(line as usize).map_or(self.text.len(), |e| e - 1);
        self.text
            .get(start..end)
            .map(|l| l.trim_end_matches('\r').to_string())
    }

    /// 1-based line and column of a byte offset (line starts indexed once).
    fn pos(&self, offset: usize) -> (u32, u32) {
        if offset == 0 {
            return (1, 1);
        }
        let lines = self.line_starts();
        let offset = offset.min(self.text.len());
        let line = lines.partition_point(|&s| s <= offset) - 1;
        let start = lines[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line as u32 + 1, column as u32 + 1)
    }

    fn check_case_list(&self, defaults: &Fields, count: usize) -> Result<(), SpecError> {
        if let Some(n) = &defaults.name {
            return Err(self.err(
                n.start(),
                "`name` at the top of a file with [[case]] tables; give each case its own name",
            ));
        }
        if count == 0 {
            return Err(self.err(0, "the file has an empty `case` array"));
        }
        Ok(())
    }

    /// The case's name within the file.
    fn case_name(
        &self,
        c: &Fields,
        index: Option<usize>,
        offset: usize,
    ) -> Result<String, SpecError> {
        match index {
            None => Ok(self.stem.clone()),
            Some(i) => match &c.name {
                Some(n) => self.check_name(n),
                None => Err(self.err(offset, format!("[[case]] number {} has no `name`", i + 1))),
            },
        }
    }

    fn check_name(&self, n: &Sp<String>) -> Result<String, SpecError> {
        let s = n.get();
        if s.trim().is_empty() {
            return Err(self.err(n.start(), "a name cannot be empty"));
        }
        if s.contains("::") || s.contains(['\n', '\r']) {
            return Err(self.err(
                n.start(),
                format!("invalid name {s:?}: names cannot contain `::` or line breaks"),
            ));
        }
        Ok(s.clone())
    }

    fn full_name(&self, index: Option<usize>, name: &str) -> String {
        match index {
            None => self.prefix.clone(),
            Some(_) => format!("{}::{}", self.prefix, name),
        }
    }

    fn row_name(
        &self,
        base_name: &str,
        single: bool,
        row: &RowTable,
        j: usize,
    ) -> Result<String, SpecError> {
        let own = match &row.name {
            Some(n) => self.check_name(n)?,
            None => j.to_string(),
        };
        Ok(if single {
            own
        } else {
            format!("{base_name}::{own}")
        })
    }

    /// Registers a name; a second use in the same file is an error.
    fn claim(&self, seen: &mut Seen, name: &str, offset: usize) -> Result<(), SpecError> {
        let line = self.pos(offset).0;
        if let Some(first) = seen.insert(name.to_string(), line) {
            return Err(self.err(
                offset,
                format!("duplicate case name `{name}` (first used at line {first})"),
            ));
        }
        Ok(())
    }

    /// The test's name and place: the case's summary, or one row's.
    fn summary(&self, f: &Fields, full_name: String, offset: usize) -> CaseSummary {
        let (line, col) = self.pos(offset);
        CaseSummary {
            full_name,
            line,
            col,
            ignore: f.ignore.as_ref().and_then(Reason::reason),
            skip: f.skip.as_ref().and_then(Reason::reason),
            tags: unique(f.tags.iter().flatten().cloned()),
            bench: f.bench.as_ref().is_some_and(|b| b.get().enabled),
        }
    }

    /// Names one case (its keys from every level in `f`), or its `each`
    /// rows.
    pub(super) fn summarize(
        &self,
        f: &Fields,
        index: Option<usize>,
        offset: usize,
        seen: &mut Seen,
        out: &mut Vec<CaseSummary>,
    ) -> Result<(), SpecError> {
        let name = self.case_name(f, index, offset)?;
        self.claim(seen, &name, offset)?;
        let Some(rows) = &f.each else {
            out.push(self.summary(f, self.full_name(index, &name), offset));
            return Ok(());
        };
        if rows.get().is_empty() {
            return Err(self.err(rows.start(), EMPTY_EACH));
        }
        let mut base = f.clone();
        base.each = None;
        for (j, row) in rows.get().iter().enumerate() {
            let (over, own) = row.get().clone().split();
            let name = self.row_name(&name, index.is_none(), &own, j)?;
            self.claim(seen, &name, row.start())?;
            let full_name = format!("{}::{}", self.prefix, name);
            out.push(self.summary(&base.clone().overlay(over), full_name, row.start()));
        }
        Ok(())
    }

    /// Resolves one case (its keys from every level in `f`) and pushes it,
    /// or its `each` rows.
    pub(super) fn expand(
        &self,
        mut f: Fields,
        index: Option<usize>,
        offset: usize,
        seen: &mut Seen,
        out: &mut Vec<Case>,
    ) -> Result<(), SpecError> {
        let name = self.case_name(&f, index, offset)?;
        self.claim(seen, &name, offset)?;
        let rows = f.each.take();
        let mut case = self.resolve(&f, &name, offset)?;
        case.summary.full_name = self.full_name(index, &name);
        case.name = name;
        case.location.case_index = index;
        let Some(rows) = rows else {
            case.expect = self.expect(f.expect.as_ref(), offset, &case.name)?;
            out.push(case);
            return Ok(());
        };
        if rows.get().is_empty() {
            return Err(self.err(rows.start(), EMPTY_EACH));
        }
        for (j, row) in rows.0.into_inner().into_iter().enumerate() {
            out.push(self.row(&f, &case, row, j, seen)?);
        }
        Ok(())
    }

    /// One `each` row of the case `base` (resolved from `f`): the row's
    /// keys laid over the case's, resolved again.
    fn row(
        &self,
        f: &Fields,
        base: &Case,
        row: Sp<RowTable>,
        j: usize,
        seen: &mut Seen,
    ) -> Result<Case, SpecError> {
        let offset = row.start();
        let (over, own) = row.0.into_inner().split();
        let single = base.location.case_index.is_none();
        let name = self.row_name(&base.name, single, &own, j)?;
        self.claim(seen, &name, offset)?;
        if let (Some(args), None) = (&own.args, &f.callback) {
            return Err(self.err(
                args.start(),
                "`args` in an `each` row needs a `callback` to pass them to",
            ));
        }
        let sets = |key: fn(&ExpectTable) -> bool| over.expect.as_ref().is_some_and(key);
        let sets_result = sets(|x| x.result.is_some() || x.result_json.is_some());
        let sets_stdout = sets(|x| x.stdout.is_some());
        let f = f.clone().overlay(over);
        let mut case = self.resolve(&f, &name, offset)?;
        case.summary.full_name = format!("{}::{}", self.prefix, name);
        case.name = name;
        case.location = CaseLocation {
            case_index: base.location.case_index,
            row: Some(j),
        };
        if let (Some(args), Some(cb)) = (&own.args, &mut case.callback) {
            cb.args = args.get().iter().map(|v| v.0.clone()).collect();
        }
        let mut e = f.expect.unwrap_or_default();
        if own.result.is_some() || own.result_json.is_some() || own.stdout.is_some() {
            if (own.result.is_some() || own.result_json.is_some()) && sets_result {
                return Err(self.err(
                    offset,
                    "this row sets both `result` and `expect.result`; use one",
                ));
            }
            if own.stdout.is_some() && sets_stdout {
                return Err(self.err(
                    offset,
                    "this row sets both `stdout` and `expect.stdout`; use one",
                ));
            }
            e = e.overlay(ExpectTable {
                result: own.result,
                result_json: own.result_json,
                stdout: own.stdout,
                ..ExpectTable::default()
            });
        }
        case.expect = self.expect(Some(&e), offset, &case.name)?;
        Ok(case)
    }

    /// Everything of a case but its names, place and expectations, from
    /// its keys at every level (`f`). Errors without a key of their own
    /// point at `offset`.
    fn resolve(&self, f: &Fields, name: &str, offset: usize) -> Result<Case, SpecError> {
        f.check_spellings()
            .map_err(|(at, message)| self.err(at, message))?;
        let (code, code_path, code_line) = match (&f.code, &f.code_file) {
            (Some(src), _) => (
                Arc::<str>::from(src.get().as_str()),
                None,
                self.code_start(src),
            ),
            (None, Some(file)) => {
                let p = self.find(file, "code_file", Kind::File)?;
                let text = self.loader.read_text(&p).map_err(|e| {
                    self.err(
                        file.start(),
                        format!("cannot read code_file `{}`: {e}", file.get()),
                    )
                })?;
                (text, Some(p), (1, 1))
            }
            (None, None) => {
                return Err(self.err(
                    offset,
                    format!("case `{name}` has no `code` or `code_file`"),
                ))
            }
        };

        let (grant, grants) = self.grants(f.grant.as_ref(), offset)?;

        let mut files = BTreeMap::new();
        if let Some(fd) = &f.files_dir {
            self.files_dir(fd, &mut files)?;
        }
        for (k, v) in f.files.iter().flatten() {
            files.insert(k.clone(), Arc::from(v.as_bytes()));
        }

        let http = match &f.http {
            Some(list) => list
                .iter()
                .map(|m| self.http_mock(m))
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };

        let mut modules = IndexMap::new();
        for (k, v) in f.modules.iter().flatten() {
            modules.insert(k.clone(), self.module(k, v)?);
        }
        let module_paths = match &f.module_paths {
            Some(list) => list
                .iter()
                .map(|p| self.find(p, "module_paths entry", Kind::Dir))
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };

        let callback = match &f.callback {
            Some(cb) => Some(self.callback(cb)?),
            None => None,
        };
        let concurrency = match &f.concurrency {
            Some(n) if *n.get() == 0 => {
                return Err(self.err(n.start(), "`concurrency` must be at least 1"))
            }
            Some(n) if *n.get() > MAX_CONCURRENCY => {
                return Err(self.err(
                    n.start(),
                    format!("`concurrency` must be at most {MAX_CONCURRENCY}"),
                ))
            }
            Some(n) => *n.get(),
            None => 1,
        };
        let bench = match &f.bench {
            Some(b) if b.get().enabled => Some(self.bench(b)?),
            _ => None,
        };

        Ok(Case {
            summary: self.summary(f, String::new(), offset),
            name: String::new(),
            file: self.path.to_path_buf(),
            location: CaseLocation {
                case_index: None,
                row: None,
            },
            code,
            code_file: code_path,
            code_line: code_line.0,
            code_col: code_line.1,
            grant,
            grants,
            timeout: f.timeout.map(|t| t.0),
            memory: f.memory.map(|m| m.0),
            files,
            http,
            env: f.env.clone().unwrap_or_default(),
            clock: f.clock,
            seed: f.seed,
            stdin: f.stdin.clone(),
            argv: f.argv.clone().unwrap_or_default(),
            modules,
            module_paths,
            globals: f
                .globals
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.0.clone()))
                .collect(),
            callback,
            concurrency,
            bench,
            differs_on: f.differs_on.clone().unwrap_or_default(),
            expect: Expect::default(),
        })
    }

    /// The line of the spec file on which inline code starts (a multi-line
    /// string's first line break is not part of it).
    /// The line and column of the spec file at which inline code starts:
    /// after the opening quote, or on the line after a block's opening
    /// quotes when a line break follows them.
    fn code_start(&self, src: &Sp<String>) -> (u32, u32) {
        let start = src.start();
        let (line, col) = self.pos(start);
        let lit = self.text.get(start..).unwrap_or("");
        let opens_block = lit.starts_with("\'\'\'") || lit.starts_with("\"\"\"");
        if opens_block && (lit[3..].starts_with('\n') || lit[3..].starts_with("\r\n")) {
            (line + 1, 1)
        } else if opens_block {
            (line, col + 3)
        } else {
            (line, col + 1)
        }
    }

    fn find(&self, rel: &Sp<String>, what: &str, kind: Kind) -> Result<PathBuf, SpecError> {
        self.find_at(rel.start(), rel.get(), what, kind)
    }

    fn find_at(
        &self,
        offset: usize,
        rel: &str,
        what: &str,
        kind: Kind,
    ) -> Result<PathBuf, SpecError> {
        self.loader.find(&self.dir, rel, kind).ok_or_else(|| {
            let is = match kind {
                Kind::File => "file",
                Kind::Dir => "directory",
            };
            self.err(
                offset,
                format!("{what} `{rel}`: no such {is} ({NOT_FOUND_HINT})"),
            )
        })
    }

    fn grants(
        &self,
        list: Option<&Vec<Sp<String>>>,
        offset: usize,
    ) -> Result<(Vec<String>, GrantSet), SpecError> {
        let Some(list) = list else {
            return Ok((Vec::new(), GrantSet::none()));
        };
        let texts: Vec<String> = list.iter().map(|t| t.get().clone()).collect();
        match GrantSet::parse(&texts) {
            Ok(set) => Ok((texts, set)),
            Err(e) => {
                let at = list
                    .iter()
                    .find(|t| *t.get() == e.token)
                    .map_or(offset, |t| t.start());
                Err(self.err(at, e.to_string()))
            }
        }
    }

    fn files_dir(
        &self,
        fd: &Sp<FilesDir>,
        files: &mut BTreeMap<String, Arc<[u8]>>,
    ) -> Result<(), SpecError> {
        let spec = fd.get();
        let dir = self.find_at(fd.start(), &spec.dir, "files_dir", Kind::Dir)?;
        let tree = self.loader.read_tree(&dir).map_err(|e| {
            self.err(
                fd.start(),
                format!("cannot read files_dir `{}`: {e}", spec.dir),
            )
        })?;
        let at = spec.at.trim_end_matches('/');
        for (rel, content) in tree.iter() {
            files.insert(format!("{at}/{rel}"), content.clone());
        }
        Ok(())
    }

    fn http_mock(&self, m: &Sp<HttpMockTable>) -> Result<HttpMock, SpecError> {
        let t = m.get();
        let at = m.start();
        let method = match &t.method {
            Some(x) => {
                let up = x.trim().to_ascii_uppercase();
                if up.is_empty() || !up.chars().all(|c| c.is_ascii_alphabetic()) {
                    return Err(self.err(at, format!("invalid http method {x:?}")));
                }
                Some(up)
            }
            None => None,
        };
        if t.url.is_empty() {
            return Err(self.err(at, "an http mock needs a non-empty `url`"));
        }
        let status = t.status.unwrap_or(200);
        if !(100..=599).contains(&status) {
            return Err(self.err(at, format!("http status {status} is not in 100..=599")));
        }
        let bodies = [t.body.is_some(), t.json.is_some(), t.body_file.is_some()];
        if bodies.iter().filter(|b| **b).count() > 1 {
            return Err(self.err(
                at,
                "an http mock takes only one of `body`, `json` and `body_file`",
            ));
        }
        let mut headers: Vec<(String, String)> = t
            .headers
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let body: Arc<[u8]> = if let Some(b) = &t.body {
            Arc::from(b.as_bytes())
        } else if let Some(j) = &t.json {
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("content-type".into(), "application/json".into()));
            }
            Arc::from(fix(j.clone()).to_json().into_bytes())
        } else if let Some(f) = &t.body_file {
            let p = self.find(f, "body_file", Kind::File)?;
            self.loader.read_bytes(&p).map_err(|e| {
                self.err(
                    f.start(),
                    format!("cannot read body_file `{}`: {e}", f.get()),
                )
            })?
        } else {
            Arc::from(&b""[..])
        };
        Ok(HttpMock {
            method,
            url: t.url.clone(),
            status,
            headers,
            body,
            delay: t.delay.map(|d| d.0),
            error: t.error,
        })
    }

    fn module(&self, name: &str, m: &Sp<ModuleSpec>) -> Result<UserModule, SpecError> {
        if !dotted_name(name) {
            return Err(self.err(
                m.start(),
                format!("invalid module name {name:?}: use identifiers separated by dots"),
            ));
        }
        match m.get() {
            ModuleSpec::Code(src) => Ok(UserModule {
                source: Arc::from(src.as_str()),
                path: None,
            }),
            ModuleSpec::File(f) => {
                let what = format!("module `{name}`: file");
                let p = self.find_at(m.start(), f, &what, Kind::File)?;
                let source = self.loader.read_text(&p).map_err(|e| {
                    self.err(
                        m.start(),
                        format!("cannot read module `{name}` from `{f}`: {e}"),
                    )
                })?;
                Ok(UserModule {
                    source,
                    path: Some(p),
                })
            }
        }
    }

    fn callback(&self, cb: &Sp<CallbackTable>) -> Result<CallbackSpec, SpecError> {
        let t = cb.get();
        if !dotted_name(&t.function) {
            return Err(self.err(
                cb.start(),
                format!("invalid callback function name {:?}", t.function),
            ));
        }
        Ok(CallbackSpec {
            function: t.function.clone(),
            args: t.args.iter().flatten().cloned().map(fix).collect(),
        })
    }

    fn bench(&self, b: &Sp<BenchSpec>) -> Result<Bench, SpecError> {
        let spec = b.get().settings;
        let bench = Bench {
            iterations: spec.iterations.unwrap_or(100),
            concurrency: spec.concurrency.unwrap_or(1),
            warmup: spec.warmup.unwrap_or(10),
        };
        if bench.iterations == 0 || bench.concurrency == 0 {
            return Err(self.err(
                b.start(),
                "`bench.iterations` and `bench.concurrency` must be at least 1",
            ));
        }
        if bench.concurrency > MAX_CONCURRENCY || bench.iterations > MAX_BENCH_ITERATIONS {
            return Err(self.err(
                b.start(),
                format!(
                    "`bench.concurrency` must be at most {MAX_CONCURRENCY} and `bench.iterations` at most {MAX_BENCH_ITERATIONS}"
                ),
            ));
        }
        Ok(bench)
    }

    fn expect(
        &self,
        t: Option<&ExpectTable>,
        offset: usize,
        name: &str,
    ) -> Result<Expect, SpecError> {
        let Some(t) = t.filter(|t| !t.is_empty()) else {
            return Err(self.err(
                offset,
                format!(
                    "case `{name}` has no expectation (set expect.result, expect.stdout, \
                     expect.error, expect.violation or another expect.* key)"
                ),
            ));
        };
        t.check_spellings()
            .map_err(|(at, message)| self.err(at, message))?;
        let e = t
            .resolve()
            .map_err(|e| self.err(e.at.unwrap_or(offset), e.message))?;
        if e.result.is_some() && e.error.is_some() {
            return Err(self.err(
                offset,
                format!("case `{name}` expects both a result and an error; a run ends in one or the other"),
            ));
        }
        if e.timeout && (e.result.is_some() || e.error.is_some()) {
            return Err(self.err(
                offset,
                format!("case `{name}` expects a timeout and also a result or an error"),
            ));
        }
        Ok(e)
    }
}

const EMPTY_EACH: &str = "`each` is empty: give it at least one row";

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn symlink_loops_are_skipped_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("a")).unwrap();
        std::fs::write(root.join("a/x.mltest"), "").unwrap();
        std::os::unix::fs::symlink(".", root.join("a/l")).unwrap();
        std::os::unix::fs::symlink("..", root.join("a/up")).unwrap();
        let found = discover_all(root);
        assert_eq!(found.files, [root.join("a/x.mltest")]);
        assert_eq!(found.skipped.len(), 2, "{:?}", found.skipped);
        assert!(
            found.skipped[0].contains("a symbolic link back to"),
            "{:?}",
            found.skipped
        );
    }

    #[test]
    fn names_do_not_depend_on_the_path_given() {
        let dir = tempfile::tempdir().unwrap();
        let specs = dir.path().join("specs");
        std::fs::create_dir_all(specs.join("core")).unwrap();
        let file = specs.join("core/arith.mltest");
        std::fs::write(&file, "").unwrap();
        for given in [
            specs.clone(),
            specs.join("core"),
            specs.join("core/../core/arith.mltest"),
        ] {
            let root = specs_root(&given);
            assert_eq!(root, normalize(&specs), "{}", given.display());
            assert_eq!(test_name_prefix(&root, &file), "core::arith");
        }
        let elsewhere = dir.path().join("other");
        std::fs::create_dir(&elsewhere).unwrap();
        assert_eq!(specs_root(&elsewhere), normalize(&elsewhere));
    }

    #[test]
    fn the_plain_path_names_like_the_general_one() {
        let cwd = Path::new("/work/proj");
        let roots = ["/work/proj/specs", "/work/proj", "/work", "/work/pro", "/"];
        let files = [
            "specs/core/arith.mltest",
            "specs/a.b.mltest",
            "specs/x.toml",
            "specs/.mltest",
            "specs//core/arith.mltest",
            "specs/./core/arith.mltest",
            "specs/../specs/arith.mltest",
            "./specs/arith.mltest",
            "/work/proj/specs/core/arith.mltest",
            "/work/projx/specs/arith.mltest",
            "/work/proj/specs",
            "arith.mltest",
        ];
        let mut plain = 0;
        for root in roots {
            let abs_root = Path::new(root);
            for file in files {
                let file = Path::new(file);
                let general = general_name_prefix(abs_root, abs_root, Some(cwd), file);
                if let Some(name) = plain_name_prefix(abs_root, Some(cwd), file) {
                    plain += 1;
                    assert_eq!(name, general, "{root} {}", file.display());
                }
                assert_eq!(name_prefix(abs_root, abs_root, Some(cwd), file), general);
            }
        }
        assert!(plain >= 10, "the plain path took only {plain}");
    }
}

/// Identifiers separated by dots (`a.b_1`), as module and callback
/// function names must be.
fn dotted_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|p| {
            !p.is_empty()
                && !p.starts_with(|c: char| c.is_ascii_digit())
                && p.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
}
