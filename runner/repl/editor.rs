//! The line editor's helper: completion (globals, modules, members of
//! modules and objects, dot commands), parser-driven multi-line input and
//! syntax highlighting; and where the history lives.

use super::ctrl_c::CtrlC;
use super::input::{classify, Input};
use mlpy_harness::Session;
use mlpy_lang::syntax::lexer::{tokenize, Tok};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

/// Dot commands with their argument synopsis (completion and `.help`).
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (".help", "", "this text"),
    (".vars", "", "the session's globals"),
    (
        ".inspect",
        "NAME",
        "a variable in depth (type, size, structure; functions: parameters, source)",
    ),
    (
        ".history",
        "",
        "past executions: id, status, duration, code",
    ),
    (
        ".trace",
        "[ID]",
        "one execution's record and trace (default: the last)",
    ),
    (".caps", "", "granted capabilities"),
    (
        ".grant",
        "CAP",
        "grant a capability (e.g. file:read:/data/*)",
    ),
    (".revoke", "CAP", "revoke it"),
    (
        ".callback",
        "NAME",
        "register ML function NAME as a host callback",
    ),
    (".callbacks", "", "registered callbacks"),
    (
        ".call",
        "NAME [JSON ARGS]",
        "call an ML function with a JSON array of arguments",
    ),
    (
        ".async",
        "[-t DURATION] CODE",
        "run CODE in the background (default timeout 30s); prints its id",
    ),
    (
        ".await",
        "[ID]",
        "wait for a background execution (default: the latest)",
    ),
    (".cancel", "ID", "stop a background execution"),
    (
        ".benchmark",
        "[-n N] CODE",
        "time CODE N times (default 100) in the session",
    ),
    (
        ".test",
        "NAME",
        "run the spec cases whose name contains NAME (specs/)",
    ),
    (".modules", "", "loaded modules"),
    (".reload", "MODULE", "read a user module from disk again"),
    (".quit", "", "leave (also .exit, Ctrl-D)"),
    (".exit", "", "leave"),
];

/// `$XDG_DATA_HOME/mlpy-test/repl_history` (or the platform's data
/// directory); `None` when there is no home.
pub fn history_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("mlpy-test").join("repl_history"))
}

/// Completion, hints and highlighting for the line editor.
pub struct ReplHelper {
    /// The session, whose globals complete names.
    pub session: Session,
    /// Whether to colour.
    pub colour: bool,
    /// Ctrl-C handling while a line is edited.
    pub ctrl_c: Arc<CtrlC>,
}

impl Helper for ReplHelper {}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        // Enter, in raw mode: a SIGINT still pending came before the prompt.
        self.ctrl_c.forget();
        let input = ctx.input();
        if input.trim_start().starts_with('.') || input.trim().is_empty() {
            return Ok(ValidationResult::Valid(None));
        }
        Ok(match classify(input) {
            Input::Incomplete => ValidationResult::Incomplete,
            Input::Complete(_) => ValidationResult::Valid(None),
        })
    }
}

/// The identifier-and-dots word that ends at `pos`: its start.
fn word_start(line: &str, pos: usize) -> usize {
    line[..pos]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '.')
        .last()
        .map_or(pos, |(i, _)| i)
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let pos = pos.min(line.len());
        let trimmed = line[..pos].trim_start();
        // The command word itself.
        if trimmed.starts_with('.') && !trimmed.contains(char::is_whitespace) {
            let start = pos - trimmed.len();
            let pairs = COMMANDS
                .iter()
                .filter(|(c, _, _)| c.starts_with(trimmed))
                .map(|(c, _, _)| Pair {
                    display: c.to_string(),
                    replacement: format!("{c} "),
                })
                .collect();
            return Ok((start, pairs));
        }
        let start = word_start(line, pos);
        let word = &line[start..pos];
        if word.is_empty() {
            return Ok((pos, Vec::new()));
        }
        let names = self.session.completions(word).unwrap_or_default();
        let pairs = names
            .into_iter()
            .map(|n| Pair {
                display: n.rsplit('.').next().unwrap_or(&n).to_string(),
                replacement: n,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.colour || line.trim_start().starts_with('.') {
            return Cow::Borrowed(line);
        }
        Cow::Owned(highlight(line))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.colour
    }
}

/// ANSI colours: keywords, strings, numbers and `//` comments.
pub fn highlight(line: &str) -> String {
    let lexed = tokenize(line);
    let mut out = String::with_capacity(line.len() * 2);
    let mut at = 0usize;
    let gap = |out: &mut String, text: &str| match text.find("//") {
        Some(i) => {
            out.push_str(&text[..i]);
            out.push_str("\x1b[90m");
            out.push_str(&text[i..]);
            out.push_str("\x1b[0m");
        }
        None => out.push_str(text),
    };
    for t in &lexed.tokens {
        let (s, e) = (t.span.start as usize, t.span.end as usize);
        if s < at || e > line.len() || !line.is_char_boundary(s) || !line.is_char_boundary(e) {
            continue;
        }
        gap(&mut out, &line[at..s]);
        let text = &line[s..e];
        let colour = match t.tok {
            Tok::Kw(_) => Some("\x1b[1;34m"),
            Tok::Str(_) => Some("\x1b[32m"),
            Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) => Some("\x1b[36m"),
            Tok::Error => Some("\x1b[31m"),
            _ => None,
        };
        match colour {
            Some(c) if !text.is_empty() => {
                out.push_str(c);
                out.push_str(text);
                out.push_str("\x1b[0m");
            }
            _ => out.push_str(text),
        }
        at = e;
    }
    if at < line.len() {
        gap(&mut out, &line[at..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn highlighting_keeps_the_text() {
        for line in [
            "if (x > 1) { y = \"héllo\"; } // note",
            "s = 'unterminated",
            "x = 1.5e3 + 007",
            "",
            "   ",
        ] {
            assert_eq!(strip(&highlight(line)), line);
        }
        assert!(highlight("while (true) {}").contains("\x1b[1;34mwhile\x1b[0m"));
    }

    #[test]
    fn words_for_completion() {
        assert_eq!(word_start("x = order.to", 12), 4);
        assert_eq!(word_start("print(ma", 8), 6);
        assert_eq!(word_start("", 0), 0);
    }
}
