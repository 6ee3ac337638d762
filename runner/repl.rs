//! `mlpy-test repl`: an interactive ML session with integration commands.
//! Lines run in one persistent session; dot commands act on it.

use mlpy_harness::perf::latency_stats;
use mlpy_harness::{Session, SessionOptions, Status};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::host::Host;
use mlpy_lang::Data;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

const HELP: &str = "\
Type ML code; a missing final `;` is added. Commands:
  .help                      this text
  .vars                      the session's globals
  .caps                      granted capabilities
  .grant CAP                 grant a capability (e.g. file:read:/data/*)
  .revoke CAP                revoke it
  .callback NAME             check NAME is a callable ML function
  .call NAME [JSON ARGS]     call it with a JSON array of arguments
  .async CODE                run CODE in the session on a worker thread
  .benchmark [-n N] CODE     time CODE N times (default 100) in the session
  .quit / .exit              leave";

/// Runs the REPL over stdin/stdout.
pub fn run(allow_all: bool) -> ExitCode {
    let session = Session::new(SessionOptions {
        grants: if allow_all {
            GrantSet::all()
        } else {
            GrantSet::none()
        },
        host: Some(Host::real()),
        ..SessionOptions::default()
    });
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        println!("mlpy-test REPL. .help for commands, .quit to leave.");
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            print!("ml> ");
            let _ = std::io::stdout().flush();
        }
        let Some(Ok(first)) = lines.next() else {
            break;
        };
        let first = first.trim();
        if first.is_empty() {
            continue;
        }
        if first.starts_with('.') {
            if !command(&session, first) {
                break;
            }
            continue;
        }
        // Keep reading while brackets are open (a function typed over
        // several lines), up to an empty line.
        let mut code = first.to_string();
        while open_brackets(&code) > 0 {
            if interactive {
                print!("... ");
                let _ = std::io::stdout().flush();
            }
            match lines.next() {
                Some(Ok(more)) if !more.trim().is_empty() => {
                    code.push('\n');
                    code.push_str(&more);
                }
                _ => break,
            }
        }
        show(&session.execute(&with_semicolon(code.trim())));
    }
    ExitCode::SUCCESS
}

/// How many `(`, `[`, `{` are still open, ignoring strings and comments.
fn open_brackets(code: &str) -> i64 {
    let mut depth = 0i64;
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                while let Some(d) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == c {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// REPL convenience: end a simple statement with `;`.
fn with_semicolon(line: &str) -> String {
    if line.ends_with(';') || line.ends_with('}') {
        line.to_string()
    } else {
        format!("{line};")
    }
}

fn show(o: &mlpy_harness::ExecOutcome) {
    print!("{}", o.stdout);
    match &o.status {
        Status::Ok { value } => {
            if *value != Data::Null {
                println!("=> {}", value.to_json());
            }
        }
        Status::Error { error } | Status::Violation { error } => print!("{}", error.rendered),
        Status::Timeout => println!("timed out"),
        Status::Cancelled => println!("cancelled"),
    }
    for v in &o.violations {
        println!("violation: {} on {}", v.capability, v.resource);
    }
}

/// Handles a dot command; false to quit.
fn command(session: &Session, line: &str) -> bool {
    let (word, rest) = match line.split_once(char::is_whitespace) {
        Some((w, r)) => (w, r.trim()),
        None => (line, ""),
    };
    match word.to_ascii_lowercase().as_str() {
        ".quit" | ".exit" => return false,
        ".help" => println!("{HELP}"),
        ".vars" => {
            for name in session.names() {
                if let Some(v) = session.get(&name) {
                    println!("{name} = {}", v.to_json());
                }
            }
        }
        ".caps" => {
            let caps = session.grants();
            if caps.is_empty() {
                println!("no capabilities granted");
            }
            for c in caps {
                println!("  {c}");
            }
        }
        ".grant" if !rest.is_empty() => match session.grant(rest) {
            Ok(()) => println!("granted {rest}"),
            Err(e) => println!("{e}"),
        },
        ".revoke" if !rest.is_empty() => {
            if session.revoke(rest) {
                println!("revoked {rest}");
            } else {
                println!("{rest} was not granted");
            }
        }
        ".callback" if !rest.is_empty() => match session.callback(rest) {
            Ok(cb) => println!("callback {} ready: .call {} [args]", cb.name(), cb.name()),
            Err(e) => println!("{e}"),
        },
        ".call" if !rest.is_empty() => {
            let (name, args) = match rest.split_once(char::is_whitespace) {
                Some((n, a)) => (n, a.trim()),
                None => (rest, "[]"),
            };
            let args = match Data::from_json(args) {
                Ok(Data::Array(a)) => a,
                Ok(other) => vec![other],
                Err(e) => {
                    println!("arguments must be JSON: {e}");
                    return true;
                }
            };
            match session.call(name, &args) {
                Ok(v) => println!("=> {}", v.to_json()),
                Err(e) => println!("{e}"),
            }
        }
        ".async" if !rest.is_empty() => {
            let s = session.clone();
            let code = with_semicolon(rest);
            let start = Instant::now();
            let o = std::thread::spawn(move || s.execute(&code))
                .join()
                .unwrap_or_else(|_| mlpy_harness::ExecOutcome::new(Status::Cancelled));
            show(&o);
            println!("({:.3} ms)", start.elapsed().as_secs_f64() * 1000.0);
        }
        ".benchmark" if !rest.is_empty() => {
            let (n, code) = match rest.strip_prefix("-n") {
                Some(r) => {
                    let r = r.trim_start();
                    let (num, code) = r.split_once(char::is_whitespace).unwrap_or((r, ""));
                    match num.parse::<usize>() {
                        Ok(n) if n > 0 => (n, code.trim()),
                        _ => {
                            println!("-n needs a positive number of iterations");
                            return true;
                        }
                    }
                }
                None => (100, rest),
            };
            if code.is_empty() {
                println!("usage: .benchmark [-n N] CODE");
                return true;
            }
            let code = with_semicolon(code);
            let mut samples = Vec::with_capacity(n);
            let mut failures = 0;
            for _ in 0..n {
                let start = Instant::now();
                let ok = session.execute(&code).status.is_ok();
                if ok {
                    samples.push(start.elapsed());
                } else {
                    failures += 1;
                }
            }
            let s = latency_stats(&samples, failures);
            println!(
                "{} runs: {} ok, {} failed; median {:.1} µs, p95 {:.1} µs, p99 {:.1} µs, min {:.1} µs, max {:.1} µs",
                s.iterations, s.successes, s.failures, s.median_us, s.p95_us, s.p99_us, s.min_us, s.max_us
            );
        }
        _ => println!("unknown command {word}; .help lists the commands"),
    }
    true
}
