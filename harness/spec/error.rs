//! Spec errors: a file, a 1-based line and column, and a one-line reason.

use super::keys::ExpectTable;
use mlpy_lang::syntax::ast::Span;
use mlpy_lang::syntax::SourceFile;
use std::fmt;
use std::path::{Path, PathBuf};

/// A malformed spec file. Displays as `file:line:col: message` on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file.
    pub file: PathBuf,
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    /// One line, no trailing period.
    pub message: String,
    /// The text of line `line` of the file, when known (for the caret).
    pub source_line: Option<String>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl std::error::Error for SpecError {}

impl SpecError {
    /// An error at a byte offset of the file's text.
    pub fn at(file: &Path, text: &str, offset: usize, message: impl Into<String>) -> SpecError {
        let (line, column) = line_col(text, offset);
        SpecError {
            file: file.to_path_buf(),
            line,
            column,
            message: one_line(&message.into()),
            source_line: line_text(text, line),
        }
    }

    /// An error about the whole file (reported at 1:1).
    pub fn file(file: &Path, message: impl Into<String>) -> SpecError {
        SpecError {
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            message: one_line(&message.into()),
            source_line: None,
        }
    }

    /// The error as ML errors are shown: the message, the location, the
    /// source line and a caret under the column.
    pub fn render(&self) -> String {
        self.render_as("spec error")
    }

    /// [`SpecError::render`] with another label (`SyntaxError` for ML code
    /// in a spec that does not compile).
    pub fn render_as(&self, label: &str) -> String {
        let Some(text) = &self.source_line else {
            return format!(
                "{label}: {}\n --> {}:{}:{}\n",
                self.message,
                self.file.display(),
                self.line,
                self.column
            );
        };
        let at = text
            .char_indices()
            .nth(self.column.saturating_sub(1) as usize)
            .map_or(text.len(), |(i, _)| i);
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        SourceFile::new(self.file.display().to_string(), text.clone())
            .with_first_line(self.line)
            .render(label, &self.message, Span::new(at, end), &[])
    }
}

/// The text of 1-based line `line`, without its line ending.
pub(crate) fn line_text(text: &str, line: u32) -> Option<String> {
    text.split('\n')
        .nth(line.checked_sub(1)? as usize)
        .map(|l| l.trim_end_matches('\r').to_string())
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

/// Joins a multi-line message into one line.
fn one_line(message: &str) -> String {
    if !message.contains('\n') {
        return message.trim().to_string();
    }
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A TOML syntax error.
pub(crate) fn syntax(file: &Path, text: &str, err: &toml::de::Error) -> SpecError {
    let offset = err.span().map_or(0, |s| s.start);
    SpecError::at(
        file,
        text,
        offset,
        format!("invalid TOML: {}", one_line(err.message())),
    )
}

/// An error found while reading the TOML into the model (unknown key,
/// wrong type, bad duration...), made friendlier.
pub(crate) fn data(file: &Path, text: &str, err: &toml::de::Error) -> SpecError {
    let offset = err.span().map_or(0, |s| s.start);
    let raw = toml_words(&one_line(err.message()));
    let message = if let Some(rest) = raw.strip_prefix("unknown field ") {
        unknown_key(rest)
    } else if let Some(rest) = raw.strip_prefix("missing field ") {
        format!("missing key {rest}")
    } else {
        match key_before(text, offset) {
            Some(key) => format!("`{key}`: {raw}"),
            None => raw,
        }
    };
    SpecError::at(file, text, offset, message)
}

/// serde's words for TOML's things ("sequence" → "array", "map" →
/// "table", "u32" → "a non-negative integer").
fn toml_words(message: &str) -> String {
    if !message.starts_with("invalid type:") && !message.starts_with("invalid value:") {
        return message.to_string();
    }
    let mut m = message
        .replacen("invalid type: map,", "invalid type: table,", 1)
        .replacen("invalid type: sequence,", "invalid type: array,", 1)
        .replacen("invalid type: floating point", "invalid type: float", 1);
    for (from, to) in [
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
        ("expected u64", "expected a non-negative integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected u16", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
        ("expected i64", "expected an integer"),
    ] {
        if let Some(stripped) = m.strip_suffix(from) {
            m = format!("{stripped}{to}");
        }
    }
    m
}

/// `` `reslt`, expected `result` or `stdout` `` → "unknown key `reslt`,
/// did you mean `result`?"
fn unknown_key(rest: &str) -> String {
    let (key, expected) = match rest.split_once(", ") {
        Some((k, e)) => (k.trim_matches('`'), e),
        None => (rest.trim_matches('`'), ""),
    };
    let allowed: Vec<&str> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty())
        .collect();
    if allowed.is_empty() {
        return format!("unknown key `{key}`");
    }
    if allowed.contains(&"expect") && ExpectTable::KEYS.iter().any(|k| k.name == key) {
        return format!("unknown key `{key}`, did you mean `expect.{key}`?");
    }
    if let Some(best) = closest(key, &allowed) {
        return format!("unknown key `{key}`, did you mean `{best}`?");
    }
    let list = allowed
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("unknown key `{key}` (expected one of {list})")
}

fn closest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let limit = if key.chars().count() <= 4 { 1 } else { 2 };
    allowed
        .iter()
        .map(|a| (edit_distance(key, a), *a))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The key whose value starts at `offset`, when it sits on the same line
/// (`timeout = "2x"`, `env = { PORT = 80 }`).
fn key_before(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let eq = line.rfind('=')?;
    if !line[eq + 1..]
        .chars()
        .all(|c| c.is_whitespace() || c == '[' || c == '{')
    {
        return None;
    }
    let lhs = line[..eq].trim_end();
    let start = lhs
        .rfind(|c: char| !(c.is_alphanumeric() || "_-.\"' ".contains(c)))
        .map_or(0, |i| i + 1);
    let key: String = lhs[start..]
        .trim()
        .split('.')
        .map(|p| p.trim().trim_matches(|c| c == '"' || c == '\''))
        .collect::<Vec<_>>()
        .join(".");
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let t = "a = 1\nbé = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 10), (2, 4));
        assert_eq!(line_col(t, 999), (3, 1));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            unknown_key("`reslt`, expected `result` or `stdout`"),
            "unknown key `reslt`, did you mean `result`?"
        );
        assert_eq!(
            unknown_key("`result`, expected one of `name`, `code`, `expect`"),
            "unknown key `result`, did you mean `expect.result`?"
        );
        assert_eq!(
            unknown_key("`zzz`, expected `dir` or `at`"),
            "unknown key `zzz` (expected one of `dir`, `at`)"
        );
        assert_eq!(unknown_key("`x`, there are no fields"), "unknown key `x`");
    }

    #[test]
    fn keys_before_values() {
        let t = "timeout = \"2x\"\nenv = { PORT = 80 }\nexpect.result_json = 5\n";
        assert_eq!(key_before(t, 10).as_deref(), Some("timeout"));
        let p = t.find("80").unwrap();
        assert_eq!(key_before(t, p).as_deref(), Some("PORT"));
        let p = t.find('5').unwrap();
        assert_eq!(key_before(t, p).as_deref(), Some("expect.result_json"));
        assert_eq!(key_before("x = [1,\n  2]", 10), None);
    }

    #[test]
    fn rendered_with_the_line_and_a_caret() {
        let text = "code = \"1;\"\ngrant = [\"nonsense::\"]\n";
        let e = SpecError::at(Path::new("s.mltest"), text, 21, "invalid capability");
        assert_eq!(
            e.render(),
            "spec error: invalid capability\n --> s.mltest:2:10\n  |\n2 | grant = [\"nonsense::\"]\n  |          ^\n"
        );
    }

    #[test]
    fn display_is_one_line() {
        let e = SpecError::at(Path::new("a.mltest"), "x\ny", 2, "bad\nthing");
        assert_eq!(e.to_string(), "a.mltest:2:1: bad; thing");
    }
}
