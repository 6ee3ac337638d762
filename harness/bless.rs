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
//!   is written as `result_json`.

use crate::expect::{render_error, show_value, values_equal};
use crate::outcome::{ExecOutcome, Status};
use crate::spec::Case;
use mlpy_lang::Data;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, TableLike, Value};

/// One rewritten key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where, e.g. `expect.result`, `each[2].result`.
    pub key: String,
    /// The previous expectation, shown as in failure reports.
    pub old: String,
    pub new: String,
}

/// What [`bless`] did to one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blessed {
    pub file: PathBuf,
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
    pub file: PathBuf,
    pub case: String,
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

/// Serialises read-modify-write cycles: cases of one file may finish on
/// different threads.
static FILE_LOCK: Mutex<()> = Mutex::new(());

/// Rewrites the case's `expect.result` / `expect.stdout` in its file with
/// what `outcome` produced. Writes the file only when something changed.
pub fn bless(case: &Case, outcome: &ExecOutcome) -> Result<Blessed, BlessError> {
    let err = |message: String| BlessError {
        file: case.file.clone(),
        case: case.full_name.clone(),
        message,
    };
    let _guard = FILE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let text = std::fs::read_to_string(&case.file)
        .map_err(|e| err(format!("cannot read the spec file: {e}")))?;
    let (new_text, changes) = bless_text(&text, case, outcome).map_err(err)?;
    if !changes.is_empty() && new_text != text {
        write_atomically(&case.file, &new_text)
            .map_err(|e| err(format!("cannot write the spec file: {e}")))?;
    }
    Ok(Blessed {
        file: case.file.clone(),
        case: case.full_name.clone(),
        changes,
    })
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".bless-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// [`bless`] on the file's text: the new text and the changes, or why not.
pub fn bless_text(
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
            let key = target.write_result(new)?;
            changes.push(Change {
                key,
                old: show_value(old),
                new: show_value(new),
            });
        }
        if let Some((old, new)) = want_stdout {
            let key = target.write_stdout(new)?;
            changes.push(Change {
                key,
                old: show_text(old),
                new: show_text(new),
            });
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

    fn write_result(&mut self, value: &Data) -> Result<String, String> {
        let Holder {
            table: t,
            label,
            inline,
        } = self.holder(&["result", "result_json"])?;
        let as_json = t.contains_key("result_json") && !t.contains_key("result");
        let toml = if as_json {
            None
        } else {
            toml_value(value, true)
        };
        match toml {
            Some(v) => {
                t.remove("result_json");
                set_value(t, "result", v, inline);
                Ok(format!("{label}result"))
            }
            None => {
                t.remove("result");
                set_value(t, "result_json", Value::from(value.to_json()), inline);
                Ok(format!("{label}result_json"))
            }
        }
    }

    fn write_stdout(&mut self, text: &str) -> Result<String, String> {
        let Holder {
            table: t,
            label,
            inline,
        } = self.holder(&["stdout"])?;
        set_value(t, "stdout", string_value(text, true), inline);
        Ok(format!("{label}stdout"))
    }
}

/// The table an expectation is written into.
struct Holder<'a> {
    table: &'a mut dyn TableLike,
    label: String,
    /// An inline table (`{ ... }`): added keys go after the last one.
    inline: bool,
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
        Data::Str(s) => string_value(s, top),
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

/// A string value: a `'''` literal block for text of several lines at the
/// top level (when it can be written as one), else a one-line basic string.
fn string_value(s: &str, top: bool) -> Value {
    let literal_ok = top
        && s.trim_end_matches('\n').contains('\n')
        && !s.contains("'''")
        && !s.ends_with('\'')
        && s.chars().all(|c| c == '\n' || c == '\t' || !c.is_control());
    if literal_ok {
        if let Ok(v) = format!("'''\n{s}'''").parse::<Value>() {
            if v.as_str() == Some(s) {
                return v;
            }
        }
    }
    if let Ok(v) = basic_string(s).parse::<Value>() {
        if v.as_str() == Some(s) {
            return v;
        }
    }
    Value::from(s)
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
        table = doc
            .get("case")
            .and_then(|c| c.as_array())
            .and_then(|a| a.get(i))
            .and_then(|t| t.as_table())
            .ok_or_else(|| broken("lost the case".into()))?;
    }
    if let Some(j) = case.location.row {
        table = table
            .get("each")
            .and_then(|c| c.as_array())
            .and_then(|a| a.get(j))
            .and_then(|t| t.as_table())
            .ok_or_else(|| broken("lost the row".into()))?;
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
