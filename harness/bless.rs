//! Blessing: rewriting a case's `expect.result` and `expect.stdout` in its
//! spec file with the values a run actually produced, keeping the file's
//! comments and layout (toml_edit).
//!
//! - Only keys the case already checks are rewritten; nothing new is
//!   asserted.
//! - The value is written where the case is most specific: an `each` row,
//!   else the `[[case]]` table (or the top level of a single-case file). A
//!   value inherited from the file's defaults is overridden in the case,
//!   never changed for every case.
//! - A run that ended in an error, a violation or a timeout is never turned
//!   into an expectation: [`bless`] refuses, unless the case already
//!   expects exactly that ending, in which case only `stdout` is blessed.
//! - A result TOML cannot hold (null, or holding null, or a huge integer)
//!   is written as `result_json`, in the place (and with the comments) of
//!   the `result` it replaces.
//! - A case whose other expectations would still fail (a
//!   `stdout_matches`, `stdout_contains`, an error...) is not blessed:
//!   [`bless`] says which expectation still fails, and the run fails.
//! - The file is rewritten atomically (a temporary file renamed over the
//!   real file, through symbolic links), under a lock that serialises
//!   processes and threads (nextest runs each test in its own process),
//!   keeping its mode, byte-order mark, line endings and string quoting.

use crate::expect::{check_with, render_error, show_value, values_equal, Context};
use crate::outcome::{ExecOutcome, Status};
use crate::spec::Case;
use crate::suite::CaseResult;
use mlpy_lang::Data;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Key, Table, TableLike, Value};

/// One rewritten key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where, e.g. `expect.result`, `each[2].result`.
    pub key: String,
    /// The previous expectation, shown as in failure reports.
    pub old: String,
    /// The new expectation, shown the same way.
    pub new: String,
}

/// What [`bless`] did to one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blessed {
    /// The spec file.
    pub file: PathBuf,
    /// The case's full test name.
    pub case: String,
    /// Empty when the expectations already matched.
    pub changes: Vec<Change>,
}

impl fmt::Display for Blessed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return write!(f, "{} ({}): up to date", self.case, self.file.display());
        }
        write!(f, "blessed {} ({})", self.case, self.file.display())?;
        for c in &self.changes {
            write!(f, "\n  {}: {} -> {}", c.key, indent(&c.old), indent(&c.new))?;
        }
        Ok(())
    }
}

fn indent(s: &str) -> String {
    s.replace('\n', "\n    ")
}

/// Why a case was not blessed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlessError {
    /// The spec file.
    pub file: PathBuf,
    /// The case's full test name.
    pub case: String,
    /// Why it was not blessed.
    pub message: String,
}

impl fmt::Display for BlessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot bless {} ({}): {}",
            self.case,
            self.file.display(),
            self.message
        )
    }
}

impl std::error::Error for BlessError {}

/// Serialises read-modify-write cycles between threads of this process
/// (the file lock serialises processes).
static FILE_LOCK: Mutex<()> = Mutex::new(());

/// Rewrites the case's `expect.result` / `expect.stdout` in its file with
/// what its run produced, when that makes the case pass. Writes the file
/// only when something changed.
pub fn bless(case: &Case, result: &CaseResult) -> Result<Blessed, BlessError> {
    let err = |message: String| BlessError {
        file: case.file.clone(),
        case: case.summary.full_name.clone(),
        message,
    };
    still_failing(case, result).map_or(Ok(()), |what| {
        Err(err(format!(
            "{what} would still fail; bless rewrites only expect.result and expect.stdout"
        )))
    })?;
    // The real file, so that a symbolic link stays a link to it.
    let real = std::fs::canonicalize(&case.file)
        .map_err(|e| err(format!("cannot find the spec file: {e}")))?;
    let _guard = FILE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let _lock = lock_beside(&real).map_err(|e| err(format!("cannot lock the spec file: {e}")))?;
    // Read under the lock: another process may have just blessed a sibling.
    let text = std::fs::read_to_string(&real)
        .map_err(|e| err(format!("cannot read the spec file: {e}")))?;
    let (new_text, changes) = bless_text(&text, case, &result.outcome).map_err(err)?;
    if !changes.is_empty() && new_text != text {
        write_atomically(&real, &new_text)
            .map_err(|e| err(format!("cannot write the spec file: {e}")))?;
    }
    Ok(Blessed {
        file: case.file.clone(),
        case: case.summary.full_name.clone(),
        changes,
    })
}

/// What would still fail once `expect.result` and `expect.stdout` hold
/// what the run produced (`None`: the case would pass).
fn still_failing(case: &Case, result: &CaseResult) -> Option<String> {
    let outcome = &result.outcome;
    let mut expect = case.expect.clone();
    if let (Some(_), Status::Ok { value }) = (&expect.result, &outcome.status) {
        expect.result = Some(value.clone());
        expect.tolerance = 0.0;
    }
    if expect.stdout.is_some() {
        expect.stdout = Some(outcome.stdout.clone());
    }
    let ctx = Context {
        calls: &result.calls,
        colour: false,
    };
    let verdict = check_with(&expect, outcome, &ctx);
    let mut failing: Vec<String> = verdict
        .failures
        .iter()
        .map(|f| match f.key {
            Some(key) => format!("expect.{key}"),
            None => "the run's ending".to_string(),
        })
        .collect();
    // Runs after the first, and isolation between them, bless cannot see.
    if failing.is_empty() && !result.verdict.passed && case.concurrency > 1 {
        failing.extend(result.verdict.failures.iter().map(|f| f.what.clone()));
    }
    failing.dedup();
    (!failing.is_empty()).then(|| failing.join(", "))
}

/// An exclusive lock held while the file beside which it is taken is
/// rewritten: on the directory holding it (Unix), else on a lock file in
/// the temporary directory named after the file.
fn lock_beside(real: &Path) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    let lock = std::fs::File::open(real.parent().unwrap_or(Path::new("/")))?;
    #[cfg(not(unix))]
    let lock = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        real.hash(&mut h);
        let path = std::env::temp_dir().join(format!("mlpy-test-bless-{:016x}.lock", h.finish()));
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?
    };
    lock.lock()?;
    Ok(lock)
}

/// Writes `text` to a temporary file beside `path` and renames it over
/// `path`, keeping `path`'s permissions: a reader sees the old or the new
/// file, never a part.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".bless-")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().set_permissions(permissions)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// [`bless`] on the file's text: the new text and the changes, or why not.
pub fn bless_text(
    text: &str,
    case: &Case,
    outcome: &ExecOutcome,
) -> Result<(String, Vec<Change>), String> {
    // toml_edit drops a byte-order mark and writes new lines with `\n`:
    // edit the text without them, then put them back.
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let crlf = body.contains("\r\n") && !body.replace("\r\n", "").contains('\n');
    if !crlf {
        let (new, changes) = bless_lf_text(body, case, outcome)?;
        return Ok((format!("{bom}{new}"), changes));
    }
    let (new, changes) = bless_lf_text(&body.replace("\r\n", "\n"), case, outcome)?;
    Ok((format!("{bom}{}", new.replace('\n', "\r\n")), changes))
}

fn bless_lf_text(
    text: &str,
    case: &Case,
    outcome: &ExecOutcome,
) -> Result<(String, Vec<Change>), String> {
    let e = &case.expect;
    let value = match &outcome.status {
        Status::Ok { value } => Some(value),
        other => {
            let expected_ending = match other {
                Status::Error { .. } => e.error.is_some(),
                Status::Violation { .. } => e.error.is_some() || !e.violations.is_empty(),
                Status::Timeout => e.timeout,
                _ => false,
            };
            if !expected_ending {
                let how = match other {
                    Status::Error { error } | Status::Violation { error } => {
                        let first = render_error(error);
                        let first = first.lines().next().unwrap_or("").to_string();
                        format!("the run ended in an error ({first})")
                    }
                    Status::Timeout => "the run timed out".to_string(),
                    _ => "the run was cancelled".to_string(),
                };
                return Err(format!(
                    "{how}; bless never turns an error, violation or timeout into an \
                     expectation: fix the code, or write expect.error / expect.violation / \
                     expect.timeout by hand"
                ));
            }
            None
        }
    };
    if e.result.is_none() && e.stdout.is_none() {
        return Err(
            "the case checks neither expect.result nor expect.stdout, the keys bless rewrites"
                .into(),
        );
    }

    let mut want_result = None;
    if let (Some(old), Some(new)) = (&e.result, value) {
        if !values_equal(old, new, e.tolerance) {
            want_result = Some((old, new));
        }
    }
    let mut want_stdout = None;
    if let Some(old) = &e.stdout {
        if *old != outcome.stdout {
            want_stdout = Some((old, &outcome.stdout));
        }
    }
    if want_result.is_none() && want_stdout.is_none() {
        return Ok((text.to_string(), Vec::new()));
    }

    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("the spec file no longer parses: {e}"))?;
    let mut changes = Vec::new();
    {
        let mut target = locate(&mut doc, case)?;
        if let Some((old, new)) = want_result {
            changes.push(target.write_result(old, new)?);
        }
        if let Some((old, new)) = want_stdout {
            changes.push(target.write_stdout(old, new)?);
        }
    }
    let new_text = doc.to_string();
    verify(
        &new_text,
        case,
        want_result.map(|r| r.1),
        want_stdout.map(|s| s.1),
    )?;
    Ok((new_text, changes))
}

fn show_text(s: &str) -> String {
    let body = s.strip_suffix('\n').unwrap_or(s);
    if body.contains('\n') {
        s.to_string()
    } else {
        format!("{s:?}")
    }
}

/// Where a case's expectations are written.
struct Target<'a> {
    table: &'a mut dyn TableLike,
    /// `each[N].` for a row, else empty: the start of change descriptions.
    label: String,
    row: bool,
    /// The row is an inline table.
    inline: bool,
}

fn locate<'a>(doc: &'a mut DocumentMut, case: &Case) -> Result<Target<'a>, String> {
    let root: &mut Table = doc.as_table_mut();
    let (table, mut label): (&mut dyn TableLike, String) = match case.location.case_index {
        None => (root, String::new()),
        Some(i) => {
            let cases = root
                .get_mut("case")
                .and_then(Item::as_array_of_tables_mut)
                .ok_or("the file has no [[case]] tables any more")?;
            let t = cases
                .get_mut(i)
                .ok_or_else(|| format!("the file has no [[case]] number {} any more", i + 1))?;
            (t, String::new())
        }
    };
    let Some(j) = case.location.row else {
        return Ok(Target {
            table,
            label,
            row: false,
            inline: false,
        });
    };
    let each = table
        .get_mut("each")
        .ok_or("the case's `each` rows come from the file's defaults; bless them by hand")?;
    label.push_str(&format!("each[{j}]."));
    let missing = || format!("`each` has no row {j} any more");
    let inline = each.is_value();
    let row: &mut dyn TableLike = match each {
        Item::Value(Value::Array(rows)) => rows
            .get_mut(j)
            .and_then(Value::as_inline_table_mut)
            .map(|t| t as &mut dyn TableLike)
            .ok_or_else(missing)?,
        Item::ArrayOfTables(rows) => rows
            .get_mut(j)
            .map(|t| t as &mut dyn TableLike)
            .ok_or_else(missing)?,
        _ => return Err("`each` is not an array of tables".into()),
    };
    Ok(Target {
        table: row,
        label,
        row: true,
        inline,
    })
}

impl Target<'_> {
    /// The table holding expectation `key` (or its `_json` twin): a row's
    /// own `expect` table when that sets it, else the row itself; for a
    /// case, its `expect` table (created as dotted keys when missing).
    fn holder(&mut self, keys: &[&str]) -> Result<Holder<'_>, String> {
        let has_expect_key = self
            .table
            .get("expect")
            .and_then(Item::as_table_like)
            .is_some_and(|t| keys.iter().any(|k| t.contains_key(k)));
        if self.row && !has_expect_key {
            return Ok(Holder {
                table: &mut *self.table,
                label: self.label.clone(),
                inline: self.inline,
            });
        }
        if !self.table.contains_key("expect") {
            let mut t = Table::new();
            t.set_dotted(true);
            self.table.insert("expect", Item::Table(t));
        }
        let label = format!("{}expect.", self.label);
        let item = self.table.get_mut("expect").ok_or("`expect` is missing")?;
        let inline = item.is_inline_table();
        let table = item.as_table_like_mut().ok_or("`expect` is not a table")?;
        Ok(Holder {
            table,
            label,
            inline,
        })
    }

    /// Replaces the expected result `old` by `value`.
    fn write_result(&mut self, old: &Data, value: &Data) -> Result<Change, String> {
        let Holder {
            table: t,
            label,
            inline,
        } = self.holder(&["result", "result_json"])?;
        let as_json = t.contains_key("result_json") && !t.contains_key("result");
        let style = ["result", "result_json"]
            .iter()
            .find_map(|k| t.get(k).and_then(Item::as_value))
            .map_or(Quotes::Default, quotes_of);
        let toml = match value {
            _ if as_json => None,
            Data::Str(s) => Some(string_value(s, true, style)),
            other => toml_value(other, true),
        };
        let (key, other, v) = match toml {
            Some(v) => ("result", "result_json", v),
            None => (
                "result_json",
                "result",
                string_value(&value.to_json(), false, style),
            ),
        };
        if t.contains_key(other) && !t.contains_key(key) {
            rename_value(t, other, key, v);
        } else {
            t.remove(other);
            set_value(t, key, v, inline);
        }
        Ok(Change {
            key: format!("{label}{key}"),
            old: show_value(old),
            new: show_value(value),
        })
    }

    /// Replaces the expected output `old` by `text`.
    fn write_stdout(&mut self, old: &str, text: &str) -> Result<Change, String> {
        let Holder {
            table: t,
            label,
            inline,
        } = self.holder(&["stdout"])?;
        let style = t
            .get("stdout")
            .and_then(Item::as_value)
            .map_or(Quotes::Default, quotes_of);
        set_value(t, "stdout", string_value(text, true, style), inline);
        Ok(Change {
            key: format!("{label}stdout"),
            old: show_text(old),
            new: show_text(text),
        })
    }
}

/// The table an expectation is written into.
struct Holder<'a> {
    table: &'a mut dyn TableLike,
    label: String,
    /// An inline table (`{ ... }`): added keys go after the last one.
    inline: bool,
}

/// Replaces key `old` by `new` with value `v` in the same place, keeping
/// the old key's comments and layout and the old value's trailing comment.
fn rename_value(t: &mut dyn TableLike, old: &str, new: &str, mut v: Value) {
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
    let Some(at) = keys.iter().position(|k| k == old) else {
        set_value(t, new, v, false);
        return;
    };
    let old_key = t.key(old).cloned();
    if let Some(Item::Value(old_value)) = t.remove(old) {
        *v.decor_mut() = old_value.decor().clone();
    }
    let tail: Vec<(Key, Item)> = keys[at + 1..]
        .iter()
        .filter_map(|k| Some((t.key(k)?.clone(), t.remove(k)?)))
        .collect();
    let mut key = Key::new(new);
    if let Some(o) = old_key {
        *key.leaf_decor_mut() = o.leaf_decor().clone();
        *key.dotted_decor_mut() = o.dotted_decor().clone();
    }
    t.entry_format(&key).or_insert(Item::Value(v));
    for (k, item) in tail {
        t.entry_format(&k).or_insert(item);
    }
}

/// Replaces `key`'s value keeping its surrounding whitespace and comment,
/// or adds the key (in an inline table, the space before `}` moves to the
/// new last value).
fn set_value(t: &mut dyn TableLike, key: &str, mut v: Value, inline: bool) {
    match t.get_mut(key) {
        Some(Item::Value(old)) => {
            *v.decor_mut() = old.decor().clone();
            *old = v;
        }
        Some(item) => *item = Item::Value(v),
        None => {
            if inline {
                if let Some((_, Item::Value(last))) = t.iter_mut().last() {
                    if let Some(suffix) = last.decor().suffix().cloned() {
                        v.decor_mut().set_suffix(suffix);
                        last.decor_mut().set_suffix("");
                    }
                }
            }
            t.insert(key, Item::Value(v));
        }
    }
}

/// TOML for plain data; `None` when TOML cannot hold it (null, big ints).
fn toml_value(d: &Data, top: bool) -> Option<Value> {
    Some(match d {
        Data::Null | Data::Big(_) => return None,
        Data::Bool(b) => Value::from(*b),
        Data::Int(i) => Value::from(*i),
        Data::Float(f) => Value::from(*f),
        Data::Str(s) => string_value(s, top, Quotes::Default),
        Data::Array(items) => {
            let mut a = Array::new();
            for item in items {
                a.push(toml_value(item, false)?);
            }
            a.fmt();
            Value::Array(a)
        }
        Data::Object(map) => {
            let mut t = InlineTable::new();
            for (k, v) in map {
                t.insert(k, toml_value(v, false)?);
            }
            t.fmt();
            Value::InlineTable(t)
        }
    })
}

/// How a string was quoted in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quotes {
    /// Not written yet, or `"…"`: a `\'\'\'` block for several lines,
    /// else `"…"`.
    Default,
    /// A `"""` block.
    BasicBlock,
    /// `'…'` (or a `\'\'\'` block).
    Literal,
}

fn quotes_of(v: &Value) -> Quotes {
    let Value::String(f) = v else {
        return Quotes::Default;
    };
    let raw = f
        .as_repr()
        .and_then(|r| r.as_raw().as_str())
        .unwrap_or_default();
    if raw.starts_with("\"\"\"") {
        Quotes::BasicBlock
    } else if raw.starts_with('\'') {
        Quotes::Literal
    } else {
        Quotes::Default
    }
}

/// A string value in the file's quoting style: multi-line text at the top
/// level as a block (`"""` where the file had one, else `\'\'\'`), else
/// one line (`'…'` where the file had that); whatever cannot be written so
/// falls back to a one-line basic string.
fn string_value(s: &str, top: bool, style: Quotes) -> Value {
    let multi = top && s.trim_end_matches('\n').contains('\n');
    let plain = s.chars().all(|c| c == '\n' || c == '\t' || !c.is_control());
    let literal_ok = plain && !s.contains("\'\'\'") && !s.ends_with('\'');
    let candidate = match (style, multi) {
        (Quotes::BasicBlock, true) => Some(format!("\"\"\"\n{}\"\"\"", basic_block(s))),
        (_, true) if literal_ok => Some(format!("\'\'\'\n{s}\'\'\'")),
        (Quotes::Literal, false) if plain && !s.contains(['\'', '\n']) => Some(format!("\'{s}\'")),
        _ => None,
    };
    for text in candidate.into_iter().chain([basic_string(s)]) {
        if let Ok(v) = text.parse::<Value>() {
            if v.as_str() == Some(s) {
                return v;
            }
        }
    }
    Value::from(s)
}

/// The body of a `"""` block: line breaks kept, everything else escaped as
/// in a basic string.
fn basic_block(s: &str) -> String {
    s.split('\n')
        .map(|line| {
            let quoted = basic_string(line);
            quoted[1..quoted.len() - 1].to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `s` as a one-line TOML basic string.
fn basic_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Table `i` of the array of tables `key` in `t`.
fn nth_table<'a>(t: &'a toml::Table, key: &str, i: usize) -> Option<&'a toml::Table> {
    t.get(key)?.as_array()?.get(i)?.as_table()
}

/// Reads the rewritten text back and checks the case now expects exactly
/// the blessed values.
fn verify(
    text: &str,
    case: &Case,
    result: Option<&Data>,
    stdout: Option<&String>,
) -> Result<(), String> {
    let broken = |why: String| format!("internal error: the rewritten file {why}; left unchanged");
    let doc: toml::Table =
        toml::from_str(text).map_err(|e| broken(format!("does not parse ({e})")))?;
    let mut table = &doc;
    if let Some(i) = case.location.case_index {
        table = nth_table(table, "case", i).ok_or_else(|| broken("lost the case".into()))?;
    }
    if let Some(j) = case.location.row {
        table = nth_table(table, "each", j).ok_or_else(|| broken("lost the row".into()))?;
    }
    let expect = table.get("expect").and_then(|e| e.as_table());
    let lookup = |key: &str| {
        expect
            .and_then(|e| e.get(key))
            .or_else(|| case.location.row.and_then(|_| table.get(key)))
    };
    if let Some(want) = result {
        let got = match (lookup("result"), lookup("result_json")) {
            (Some(v), _) => v.clone().try_into::<Data>().ok(),
            (None, Some(toml::Value::String(j))) => Data::from_json(j).ok(),
            _ => None,
        };
        if !got.is_some_and(|g| values_equal(want, &g, 0.0)) {
            return Err(broken("does not hold the new result".into()));
        }
    }
    if let Some(want) = stdout {
        if lookup("stdout").and_then(|v| v.as_str()) != Some(want.as_str()) {
            return Err(broken("does not hold the new stdout".into()));
        }
    }
    Ok(())
}
