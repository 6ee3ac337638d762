//! Source files, line/column lookup and caret rendering shared by syntax
//! errors and runtime errors.

use super::ast::Span;
use std::fmt::Write as _;

/// A named source text with a precomputed line index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name errors show (usually the path).
    pub name: String,
    /// The source text.
    pub text: String,
    line_starts: Vec<u32>,
    /// The line number of the text's first line (1 unless the text was
    /// cut out of a larger file, such as the inline code of a spec).
    first_line: u32,
}

/// 1-based line and column (column counts characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl SourceFile {
    /// A source file of this name and text, its lines indexed.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            first_line: 1,
        }
    }

    /// Numbers lines from `line` on: errors in text taken from line `line`
    /// of a larger file point at that file's lines.
    pub fn with_first_line(mut self, line: u32) -> SourceFile {
        self.first_line = line.max(1);
        self
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.text.len() as u32);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count() as u32 + 1;
        LineCol {
            line: line as u32 + self.first_line,
            column,
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: u32) -> &str {
        let i = line.saturating_sub(self.first_line) as usize;
        let Some(&start) = self.line_starts.get(i) else {
            return "";
        };
        let end = self
            .line_starts
            .get(i + 1)
            .map(|&e| e as usize)
            .unwrap_or(self.text.len());
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }

    /// Renders `kind: message`, the location, the source line and a caret
    /// under the span, in the style of rustc.
    pub fn render(&self, kind: &str, message: &str, span: Span, notes: &[String]) -> String {
        let lc = self.line_col(span.start);
        let line = self.line_text(lc.line);
        let gutter = lc.line.to_string().len();
        let mut out = String::new();
        let _ = writeln!(out, "{kind}: {message}");
        let _ = writeln!(
            out,
            "{:gutter$}--> {}:{}:{}",
            "", self.name, lc.line, lc.column
        );
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{} | {}", lc.line, line.replace('\t', " "));
        // Caret width: the span's characters on this line, at least one.
        let start_col = lc.column as usize - 1;
        let line_chars = line.chars().count();
        let span_chars = if span.end > span.start {
            let end_lc = self.line_col(span.end);
            if end_lc.line == lc.line {
                (end_lc.column - lc.column) as usize
            } else {
                line_chars.saturating_sub(start_col)
            }
        } else {
            1
        };
        let width = span_chars.max(1);
        let _ = writeln!(
            out,
            "{:gutter$} | {}{}",
            "",
            " ".repeat(start_col),
            "^".repeat(width)
        );
        for note in notes {
            let _ = writeln!(out, "{:gutter$} = {}", "", note);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_offsets_lines() {
        let f = SourceFile::new("s.mltest", "x = 1;\ny = x +;\n").with_first_line(40);
        assert_eq!(f.line_col(8).line, 41);
        assert_eq!(f.line_text(41), "y = x +;");
        let r = f.render("SyntaxError", "bad", Span { start: 13, end: 14 }, &[]);
        assert!(r.contains("--> s.mltest:41:7"), "{r}");
        assert!(r.contains("41 | y = x +;"), "{r}");
    }

    #[test]
    fn line_col_counts_chars() {
        let f = SourceFile::new("t.ml", "ab\nhé x\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'x' is at byte 7 (é is two bytes) but column 4.
        assert_eq!(f.line_col(7), LineCol { line: 2, column: 4 });
        assert_eq!(f.line_text(2), "hé x");
    }

    #[test]
    fn render_points_at_span() {
        let f = SourceFile::new("t.ml", "x = 1;\ny = x +;\n");
        let out = f.render("error", "expected an expression", Span::new(13, 14), &[]);
        assert!(out.contains("--> t.ml:2:7"), "{out}");
        assert!(out.contains("2 | y = x +;"), "{out}");
        assert!(out.contains("  |       ^"), "{out}");
    }
}
