//! The REPL over piped input (a file or another program): no prompt,
//! editor or history. Statements continue over lines while the parser
//! says the input ended too early; input that ends inside a statement is
//! run anyway, so the parser reports where it ended. Error locations name
//! `<stdin>` and its line numbers. The exit status is 1 when anything
//! failed (an error, a violation, a timeout, input that is not UTF-8 or
//! that ends inside a statement), like a script run.

use super::input::{classify, Input};
use super::records::Kind;
use super::Repl;
use std::io::BufRead;
use std::process::ExitCode;

const NAME: &str = "<stdin>";

pub fn run(repl: &mut Repl) -> ExitCode {
    let mut failed = false;
    // The statement read so far and the line it starts on.
    let mut code = String::new();
    let mut first = 0u32;
    let mut line_no = 0u32;
    loop {
        // Ctrl-C between statements stops none.
        repl.ctrl_c.forget();
        let mut raw = Vec::new();
        // Locked per line only: ML `input()` reads the same stdin.
        match std::io::stdin().lock().read_until(b'\n', &mut raw) {
            Ok(0) => break,
            Ok(_) => line_no += 1,
            Err(e) => {
                eprintln!("mlpy-test: {NAME}:{}: {e}", line_no + 1);
                return ExitCode::from(1);
            }
        }
        let Ok(text) = String::from_utf8(raw) else {
            eprintln!("mlpy-test: {NAME}:{line_no}: the input is not UTF-8; line skipped");
            failed = true;
            continue;
        };
        let text = text.trim_end_matches(['\n', '\r']);
        if code.is_empty() {
            let t = text.trim();
            if t.is_empty() {
                continue;
            }
            if t.starts_with('.') {
                if !repl.command(t) {
                    break;
                }
                continue;
            }
            first = line_no;
        } else {
            code.push('\n');
        }
        code.push_str(text);
        if let Input::Complete(c) = classify(&code) {
            let o = repl.run_from(Kind::Line, &c, Some((NAME, first)));
            failed |= !o.status.is_ok();
            code.clear();
        }
    }
    if !code.is_empty() {
        // The parser names the place the input ended.
        repl.run_from(Kind::Line, &code, Some((NAME, first)));
        failed = true;
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
