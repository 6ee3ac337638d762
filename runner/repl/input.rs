//! Whether typed code is complete, decided by the parser: input whose
//! only problem is that it ends too early (an open bracket, block or
//! string) continues on the next line; a missing final `;` is added where
//! the grammar wants one.

use mlpy_lang::syntax::{parse, SourceFile};

/// What to do with the text typed so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Input {
    /// Run this code (possibly with a `;` added).
    Complete(String),
    /// The input ended too early: read another line.
    Incomplete,
}

fn parses(code: &str) -> Result<(), Vec<mlpy_lang::syntax::SyntaxError>> {
    parse(&SourceFile::new("<repl>", code)).map(|_| ())
}

/// Classifies `code`. Code with a real syntax error is `Complete` too: it
/// runs and reports the error.
pub fn classify(code: &str) -> Input {
    let errors = match parses(code) {
        Ok(()) => return Input::Complete(code.to_string()),
        Err(e) => e,
    };
    let with_semi = format!("{};", code.trim_end());
    if parses(&with_semi).is_ok() {
        return Input::Complete(with_semi);
    }
    let end = code.trim_end().len();
    let ends_early = errors
        .iter()
        .any(|e| e.span.start as usize >= end || e.message.starts_with("unterminated string"));
    if ends_early {
        Input::Incomplete
    } else {
        Input::Complete(code.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(code: &str) -> String {
        match classify(code) {
            Input::Complete(c) => c,
            Input::Incomplete => panic!("{code:?} should be complete"),
        }
    }

    #[test]
    fn missing_semicolons_are_added_where_the_grammar_wants_one() {
        for (code, want) in [
            ("x = 1", "x = 1;"),
            (r#"o = {"a": 1}"#, r#"o = {"a": 1};"#),
            ("f = (a) => a * 2", "f = (a) => a * 2;"),
            ("x = 1;", "x = 1;"),
            ("function f() { return 1; }", "function f() { return 1; }"),
            ("if (true) { x = 2; }", "if (true) { x = 2; }"),
            // `1 // note` is floor division (mlpy's quirk), not a comment.
            ("x = 1 // note", "x = 1 // note;"),
        ] {
            assert_eq!(complete(code), want, "{code}");
        }
    }

    #[test]
    fn input_that_ends_early_continues() {
        for code in [
            "function f() {",
            "x = [1, 2",
            "f(1,",
            "if (x) { y = 1; } else",
            "s = \"abc",
            "x = 1 +",
            "o = {\"a\": 1, // comment",
        ] {
            assert_eq!(classify(code), Input::Incomplete, "{code:?}");
        }
    }

    #[test]
    fn real_errors_run_and_report() {
        assert_eq!(complete("x = )"), "x = )");
        assert_eq!(complete("1 2 3"), "1 2 3");
        assert_eq!(complete("]"), "]");
    }
}
