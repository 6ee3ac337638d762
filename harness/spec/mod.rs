//! The `.mltest` spec model: discovery, parsing, validation, defaults and
//! expansion into runnable [`Case`]s.
//!
//! ```text
//! .mltest file --parse--> model::SpecFile --merge defaults, resolve paths,
//!     expand `each` rows--> Vec<Case> --> executor --> expect::check
//! ```
//!
//! - [`discover`] lists `**/*.mltest` under a root, sorted.
//! - [`load_file`] / [`Loader::load_file`] read one file into its cases,
//!   ready to run: code text loaded, fixtures read, durations parsed,
//!   grants validated, defaults merged. A malformed file is one
//!   [`SpecError`] (`file:line:col: reason`).
//! - [`list_file`] / [`Loader::list_file`] only names the cases (for
//!   `--list`): no code files, fixtures or grants are read.
//! - [`resolve_name`] maps a test name `a::b::c` straight to the file(s) that
//!   can hold it (`root/a/b.mltest`, `root/a/b/c.mltest`, ...).
//! - [`Loader::tests`] and [`SpecSet`] give the test list every front end
//!   shares: names, ignore/skip, and each test's case or spec error.
//!
//! The format itself is documented in `docs/mltest-format.md`.

/// `JsonSchema` for a spec type written as another type `$as`: inlined
/// (not a reference), under the name `$name`.
macro_rules! schema_as {
    ($ty:ty, $name:expr, $as:ty) => {
        impl JsonSchema for $ty {
            fn is_referenceable() -> bool {
                false
            }
            fn schema_name() -> String {
                $name.into()
            }
            fn json_schema(gen: &mut SchemaGenerator) -> Schema {
                gen.subschema_for::<$as>()
            }
        }
    };
}

mod error;
pub mod keys;
mod load;
pub mod model;
mod plan;

pub use error::{line_col, SpecError};
pub use keys::Expect;
pub use load::{
    discover, discover_all, list_file, load_file, normalize, resolve_name, specs_root,
    test_name_prefix, Discovered, Loader,
};
pub use model::{CallExpect, ClockSpec, ErrorSpec, HttpFailure, ViolationExpect};
pub use plan::{Body, SpecSet, Test, SPEC_ERROR};

use indexmap::IndexMap;
use mlpy_lang::capability::GrantSet;
use mlpy_lang::Data;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// One runnable test: a case of a spec file (or one `each` row of it),
/// with the file-level defaults merged in and everything resolved.
#[derive(Clone, Debug)]
pub struct Case {
    /// The test name (`<path under the specs root, without extension,
    /// `/` → `::`>::<case name>[::<row name>]`; a file without `[[case]]`
    /// tables is one case named by its path alone, `core::arith`), where
    /// the case (its `[[case]]` header, or its `each` row) starts, its
    /// tags, and whether it is ignored, skipped or benchmarked.
    pub summary: CaseSummary,
    /// The name within its file: the case name (the file stem for a
    /// single-case file), plus `::<row>` for an `each` row.
    pub name: String,
    /// The spec file.
    pub file: PathBuf,
    /// Where the case sits in its file, for `bless`.
    pub location: CaseLocation,

    /// The ML source.
    pub code: Arc<str>,
    /// The file the source came from: `code_file`, or `None` for inline
    /// `code` (which lives in `file`).
    pub code_file: Option<PathBuf>,
    /// The line of `file` (or `code_file`) on which the source starts.
    pub code_line: u32,
    /// The column of that line on which the source starts (1 for a
    /// `code_file` or a block that starts on its own line).
    pub code_col: u32,

    /// The capability tokens as written.
    pub grant: Vec<String>,
    /// The parsed grant set.
    pub grants: GrantSet,
    /// Per-run time limit; `None` = the runner's default.
    pub timeout: Option<Duration>,
    /// Memory budget of one run in bytes (`memory`; default: the
    /// executor's limits).
    pub memory: Option<usize>,

    /// The in-memory file system: absolute path → content (`files_dir`
    /// first, then `files`).
    pub files: BTreeMap<String, Arc<[u8]>>,
    /// Mocked http responses, in matching order.
    pub http: Vec<HttpMock>,
    /// Environment variables.
    pub env: IndexMap<String, String>,
    /// A fixed or stepping clock.
    pub clock: Option<ClockSpec>,
    /// Seed of the random source.
    pub seed: Option<u64>,
    /// Standard input.
    pub stdin: Option<String>,
    /// Program arguments after the script name.
    pub argv: Vec<String>,
    /// User modules by import name (dotted).
    pub modules: IndexMap<String, UserModule>,
    /// Directories searched for `import a.b` (`a/b.ml`).
    pub module_paths: Vec<PathBuf>,
    /// Variables injected before the run.
    pub globals: IndexMap<String, Data>,
    /// Call this function after `code` has run; its return is the result.
    pub callback: Option<CallbackSpec>,
    /// Parallel runs of the case (1 = a plain run).
    pub concurrency: u32,
    /// Set when the case takes part in `mlpy-test bench`.
    pub bench: Option<Bench>,
    /// Known differences from other backends: backend name -> reason.
    pub differs_on: IndexMap<String, String>,

    /// What the run must produce.
    pub expect: Expect,
}

impl Case {
    /// Compiles the case's code without running it. A syntax error is
    /// located in the spec file (inline code: its line and column there)
    /// or in the `code_file`; render it with `render_as("SyntaxError")`.
    /// A case that expects a `SyntaxError` (or any error) is not checked.
    pub fn check_syntax(&self) -> Result<(), SpecError> {
        if self
            .expect
            .error
            .as_ref()
            .is_some_and(|e| e.kind.as_deref().is_none_or(|k| k == "SyntaxError"))
        {
            return Ok(());
        }
        use mlpy_lang::compile::{compile_with, CompileOptions};
        use mlpy_lang::syntax::SourceFile;
        let inline = self.code_file.is_none();
        let (file, first_line) = match &self.code_file {
            Some(p) => (p.clone(), 1),
            None => (self.file.clone(), self.code_line),
        };
        let source =
            SourceFile::new(file.display().to_string(), &*self.code).with_first_line(first_line);
        let known = |n: &str| self.globals.contains_key(n);
        let options = CompileOptions {
            known_globals: Some(&known),
        };
        let Err(e) = compile_with(Arc::new(source), &options) else {
            return Ok(());
        };
        let (line, mut column) = e.first_location();
        if inline && line == first_line {
            column += self.code_col.saturating_sub(1);
        }
        let source_line = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| error::line_text(&text, line));
        Err(SpecError {
            file,
            line,
            column,
            message: e.first_message().to_string(),
            source_line,
        })
    }
}

/// Where a case sits in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseLocation {
    /// Index into the `[[case]]` array; `None` for a single-case file.
    pub case_index: Option<usize>,
    /// Index into `each`, for a row.
    pub row: Option<usize>,
}

/// A mocked http response.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpMock {
    /// Upper-case method to match; `None` matches any.
    pub method: Option<String>,
    /// URL to match: exact, or with `*` wildcards (see [`wildcard_match`]).
    pub url: String,
    /// The response status code.
    pub status: u16,
    /// Headers as written, plus `content-type: application/json` for a
    /// `json` body unless given.
    pub headers: Vec<(String, String)>,
    /// The response body.
    pub body: Arc<[u8]>,
    /// Answer after this long.
    pub delay: Option<Duration>,
    /// Fail instead of answering.
    pub error: Option<HttpFailure>,
}

impl HttpMock {
    /// Whether this mock answers the request.
    pub fn matches(&self, method: &str, url: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && wildcard_match(&self.url, url)
    }
}

/// A user ML module.
#[derive(Clone, Debug, PartialEq)]
pub struct UserModule {
    /// The module's source text.
    pub source: Arc<str>,
    /// The file it was read from; `None` for inline `code`.
    pub path: Option<PathBuf>,
}

/// `callback = { function, args }`.
#[derive(Clone, Debug, PartialEq)]
pub struct CallbackSpec {
    /// The global function to call.
    pub function: String,
    /// Its arguments.
    pub args: Vec<Data>,
}

/// `bench` settings with defaults applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bench {
    /// Measured runs (default 100).
    pub iterations: u32,
    /// Runs in flight at once (default 1).
    pub concurrency: u32,
    /// Unmeasured runs first (default 10).
    pub warmup: u32,
}

/// The names and filter data of one test, without loading its code or
/// fixtures (see [`list_file`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseSummary {
    /// The full test name.
    pub full_name: String,
    /// 1-based line of the case.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// The ignore reason, when ignored.
    pub ignore: Option<String>,
    /// The skip reason, when skipped.
    pub skip: Option<String>,
    /// Its tags (file, case and row).
    pub tags: Vec<String>,
    /// Whether it takes part in `mlpy-test bench`.
    pub bench: bool,
}

/// `*`-only wildcard matching: `*` matches any run of characters
/// (including `/`); every other character matches itself. Used for mocked
/// URLs, expected violation resources and expected calls.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == text;
    }
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let (last, middle) = parts.split_last().map_or(("", &[][..]), |(l, m)| (*l, m));
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The JSON Schema of `.mltest` files (shipped as `mltest.schema.json`),
/// pretty-printed with a trailing newline.
pub fn schema_json() -> String {
    let mut settings = schemars::gen::SchemaSettings::draft07();
    settings.option_add_null_type = false;
    let schema = settings
        .into_generator()
        .into_root_schema_for::<keys::SpecFile>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The key tables of `docs/mltest-format.md`, generated from the key
/// declarations (`keys.rs`) with the descriptions the schema gives them:
/// `(marker, markdown table)` for the `case`, `row` and `expect` keys.
pub fn key_tables() -> Vec<(&'static str, String)> {
    use keys::{ExpectTable, Fields, Key, RowTable, Rule};
    let schema: serde_json::Value = serde_json::from_str(&schema_json()).unwrap_or_default();
    let case_rule = |name: &str| {
        Fields::KEYS
            .iter()
            .find(|k| k.name == name)
            .map_or(Rule::Own, |k| k.rule)
    };
    let rule_text = |rule: Rule| match rule {
        Rule::Replace => "replace".to_string(),
        Rule::Merge => "merge".to_string(),
        Rule::InsteadOf(other) => format!("one setting with `{other}`"),
        Rule::AsCase | Rule::Own => "the row's own".to_string(),
    };
    let table = |definition: &serde_json::Value, keys: &[Key], prefix: &str| {
        let mut out = String::from("| key | meaning | combines |\n|---|---|---|\n");
        for k in keys {
            let words = definition["properties"][k.name]["description"]
                .as_str()
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('|', "\\|");
            let rule = match k.rule {
                Rule::AsCase => case_rule(k.name),
                other => other,
            };
            out.push_str(&format!(
                "| `{prefix}{}` | {words} | {} |\n",
                k.name,
                rule_text(rule)
            ));
        }
        out
    };
    let definitions = &schema["definitions"];
    vec![
        ("case", table(&schema, Fields::KEYS, "")),
        ("row", table(&definitions["RowTable"], RowTable::KEYS, "")),
        (
            "expect",
            table(&definitions["ExpectTable"], ExpectTable::KEYS, "expect."),
        ),
    ]
}

/// `docs` with each key table regenerated between its markers: a line
/// `<!-- keys:MARKER -->` and the next line `<!-- /keys -->`.
pub fn with_key_tables(docs: &str) -> String {
    let mut out = docs.to_string();
    for (marker, table) in key_tables() {
        let open = format!("<!-- keys:{marker} -->\n");
        let Some(start) = out.find(&open).map(|i| i + open.len()) else {
            continue;
        };
        let Some(len) = out[start..].find("<!-- /keys -->") else {
            continue;
        };
        out.replace_range(start..start + len, &table);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wildcard_match as m;

    #[test]
    fn wildcards() {
        for (pattern, text, want) in [
            ("abc", "abc", true),
            ("abc", "abcd", false),
            (
                "https://api.example.com/users/*",
                "https://api.example.com/users/7",
                true,
            ),
            (
                "https://api.example.com/users/*",
                "https://api.example.com/users/",
                true,
            ),
            (
                "https://api.example.com/users/*",
                "https://api.example.com/user",
                false,
            ),
            ("*", "", true),
            ("/etc/*", "/etc/a/b", true),
            ("*.csv", "/data/x.csv", true),
            ("*.csv", "/data/x.csv.bak", false),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "abc", true),
            ("a*b*c", "acb", false),
            ("ab*ba", "aba", false),
            ("ab*ba", "abba", true),
        ] {
            assert_eq!(m(pattern, text), want, "{pattern} {text}");
        }
    }
}
