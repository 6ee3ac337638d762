//! The test list, one contract for every front end: `cargo test`,
//! `cargo nextest run` and `mlpy-test` name, list and run the same tests.
//!
//! - A test is named `<path under the specs root, without extension,
//!   `/` → `::`>::<case>[::<row>]`, whatever path the spec was reached by
//!   (see [`specs_root`]).
//! - A file whose cases can be named but not loaded (a bad grant, a
//!   missing `code_file`, no expectation) lists every case under its own
//!   name, and each of them fails with the spec error; the file's other
//!   cases run. A file that cannot be named at all (bad TOML, a duplicate
//!   name) is one failing test, `<prefix>::<spec error>`.
//! - Listing ([`Loader::tests`] with `load = false`) reads no code files or
//!   fixtures, and lists exactly the names a run runs.

use super::load::{
    discover_all, normalize, read_spec, resolve_name, specs_root, test_name_prefix, Seen,
};
use super::{Case, CaseSummary, Loader, SpecError};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The last part of the name of the test that stands for a spec file that
/// cannot be read as spec cases.
pub const SPEC_ERROR: &str = "<spec error>";

/// Fewest spec files worth a thread of their own when reading a suite.
const FILES_PER_THREAD: usize = 64;

/// One test of a suite.
#[derive(Clone, Debug)]
pub struct Test {
    /// Its name (the summary's full name), place in the file, tags, and
    /// whether it is ignored, skipped or benchmarked.
    pub summary: CaseSummary,
    /// The spec file.
    pub file: PathBuf,
    /// The case to run, or why its spec is malformed.
    pub body: Body,
}

/// What running a [`Test`] means.
#[derive(Clone, Debug)]
pub enum Body {
    /// Only listed: its file was not loaded.
    Listed,
    /// A case, ready to run.
    Case(Arc<Case>),
    /// The spec cannot give this test a case: running it fails with this.
    Broken(Arc<SpecError>),
}

impl Test {
    /// The test standing for a file that cannot be named.
    fn unreadable(root: &Path, file: &Path, error: SpecError) -> Test {
        let summary = CaseSummary {
            full_name: format!("{}::{SPEC_ERROR}", test_name_prefix(root, file)),
            line: error.line,
            col: error.column,
            ignore: None,
            skip: None,
            tags: Vec::new(),
            bench: false,
        };
        Test::new(summary, file, Body::Broken(Arc::new(error)))
    }

    fn new(summary: CaseSummary, file: &Path, body: Body) -> Test {
        Test {
            summary,
            file: file.to_path_buf(),
            body,
        }
    }

    /// The full test name.
    pub fn name(&self) -> &str {
        &self.summary.full_name
    }

    /// Whether the test is marked `ignore` or `skip` (libtest's ignored).
    pub fn is_ignored(&self) -> bool {
        self.summary.ignore.is_some() || self.summary.skip.is_some()
    }

    /// The test of a whole unreadable file (`…::<spec error>`).
    pub fn is_file_error(&self) -> bool {
        self.name().ends_with(SPEC_ERROR) && matches!(self.body, Body::Broken(_))
    }

    /// The case, when the test was loaded and has one.
    pub fn case(&self) -> Option<&Arc<Case>> {
        match &self.body {
            Body::Case(c) => Some(c),
            _ => None,
        }
    }
}

impl Loader {
    /// The tests of one spec file, in file order: listed only, or (with
    /// `load`) each with its case or its spec error. Never fails: a file
    /// that cannot be read as cases is one failing test.
    pub fn tests(&self, path: &Path, load: bool) -> Vec<Test> {
        match read_spec(path) {
            Ok(text) => self.tests_str(path, &text, load),
            Err(e) => vec![Test::unreadable(self.root(), path, e)],
        }
    }

    /// [`Loader::tests`] on text already in memory.
    pub fn tests_str(&self, path: &Path, text: &str, load: bool) -> Vec<Test> {
        let mut listed = Seen::default();
        let mut loaded = Seen::default();
        let mut out = Vec::new();
        let named = self.each_case(path, text, |ctx, f, index, offset| {
            let mut summaries = Vec::new();
            ctx.summarize(&f, index, offset, &mut listed, &mut summaries)?;
            if !load {
                out.extend(
                    summaries
                        .into_iter()
                        .map(|s| Test::new(s, path, Body::Listed)),
                );
                return Ok(());
            }
            let mut cases = Vec::new();
            match ctx.expand(f, index, offset, &mut loaded, &mut cases) {
                Ok(()) if same_names(&summaries, &cases) => {
                    out.extend(
                        summaries
                            .into_iter()
                            .zip(cases)
                            .map(|(s, case)| Test::new(s, path, Body::Case(Arc::new(case)))),
                    );
                }
                other => {
                    let error = Arc::new(other.err().unwrap_or_else(|| {
                        SpecError::file(
                            path,
                            "internal error: the loaded cases are not the listed ones",
                        )
                    }));
                    out.extend(
                        summaries
                            .into_iter()
                            .map(|s| Test::new(s, path, Body::Broken(error.clone()))),
                    );
                }
            }
            Ok(())
        });
        match named {
            Ok(()) => out,
            Err(e) => vec![Test::unreadable(self.root(), path, e)],
        }
    }
}

fn same_names(summaries: &[CaseSummary], cases: &[Case]) -> bool {
    summaries.len() == cases.len()
        && summaries
            .iter()
            .zip(cases)
            .all(|(s, c)| s.full_name == c.summary.full_name)
}

/// Spec files gathered from paths, each group named under its specs root.
#[derive(Debug, Default)]
pub struct SpecSet {
    groups: Vec<(Loader, Vec<PathBuf>)>,
    /// Directories discovery skipped (symbolic-link loops, unreadable), with
    /// the reason.
    pub skipped: Vec<String>,
}

impl SpecSet {
    /// The spec files at `paths` (files or directories, walked for
    /// `*.mltest`). Tests are named under `root` when given, else under
    /// each path's own [`specs_root`]. A path that does not exist is an
    /// error; a file reached twice is taken once.
    pub fn find(paths: &[PathBuf], root: Option<&Path>) -> Result<SpecSet, String> {
        let mut set = SpecSet::default();
        let mut seen = HashSet::new();
        for p in paths {
            if !p.exists() {
                return Err(format!("{}: no such spec file or directory", p.display()));
            }
            let root = root.map_or_else(|| specs_root(p), Path::to_path_buf);
            let found = discover_all(p);
            set.skipped.extend(found.skipped);
            // One walk names each file once; only several paths can
            // reach a file twice.
            let files: Vec<PathBuf> = if paths.len() == 1 {
                found.files
            } else {
                found
                    .files
                    .into_iter()
                    .filter(|f| seen.insert(normalize(f)))
                    .collect()
            };
            set.add(&root, files);
        }
        Ok(set)
    }

    /// Only the files under `dir` that can hold the test `name` (named
    /// under `root`, else under `dir`'s specs root): what `--exact NAME`
    /// needs to load.
    pub fn for_name(dir: &Path, root: Option<&Path>, name: &str) -> SpecSet {
        let root = root.map_or_else(|| specs_root(dir), Path::to_path_buf);
        let within = normalize(dir);
        let files = resolve_name(&root, name)
            .into_iter()
            .filter(|f| normalize(f).starts_with(&within))
            .collect();
        let mut set = SpecSet::default();
        set.add(&root, files);
        set
    }

    fn add(&mut self, root: &Path, files: Vec<PathBuf>) {
        match self.groups.iter_mut().find(|(l, _)| l.root() == root) {
            Some((_, list)) => list.extend(files),
            None => self.groups.push((Loader::new(root), files)),
        }
    }

    /// Every spec file, in order.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.groups
            .iter()
            .flat_map(|(_, files)| files.iter().map(PathBuf::as_path))
    }

    /// The tests of every file, in order (see [`Loader::tests`]).
    pub fn tests(&self, load: bool) -> Vec<Test> {
        self.tests_where(load, |_| true)
    }

    /// The tests of the files `keep` accepts. Many files are read on
    /// several threads (reading and parsing them is most of the cost of
    /// a large suite of small specs); the order stays the files' order.
    pub fn tests_where(&self, load: bool, keep: impl Fn(&Path) -> bool) -> Vec<Test> {
        let files: Vec<(&Loader, &Path)> = self
            .groups
            .iter()
            .flat_map(|(loader, files)| files.iter().map(move |f| (loader, f.as_path())))
            .filter(|(_, f)| keep(f))
            .collect();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(files.len() / FILES_PER_THREAD)
            .max(1);
        let read = |part: &[(&Loader, &Path)]| -> Vec<Vec<Test>> {
            part.iter().map(|(l, f)| l.tests(f, load)).collect()
        };
        let per_file: Vec<Vec<Test>> = if threads == 1 {
            read(&files)
        } else {
            let chunk = files.len().div_ceil(threads);
            std::thread::scope(|s| {
                let parts: Vec<_> = files
                    .chunks(chunk)
                    .map(|c| s.spawn(move || read(c)))
                    .collect();
                parts
                    .into_iter()
                    .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        let mut out = Vec::new();
        let mut names = ahash::AHashSet::new();
        for t in per_file.into_iter().flatten() {
            // Two roots can name two files alike; the first wins.
            if names.insert(t.name().to_string()) {
                out.push(t);
            }
        }
        out
    }
}
