//! The REPL's dot commands. Each missing or malformed argument is a usage
//! line saying what the command expects.

use super::editor::COMMANDS;
use super::records::{call_outcome, Kind, Record};
use super::{show, Repl};
use mlpy_harness::perf::latency_stats;
use mlpy_harness::ExecOptions;
use mlpy_lang::vm::{parse_duration, Interrupt};
use mlpy_lang::Data;
use std::time::{Duration, Instant};

/// Most runs one `.benchmark -n` makes (each keeps a timing sample).
const MAX_BENCHMARK_RUNS: usize = 1_000_000;

/// The default timeout of `.async` executions.
const ASYNC_TIMEOUT: Duration = Duration::from_secs(30);

fn usage(command: &str) {
    let (args, what) = COMMANDS
        .iter()
        .find(|(c, _, _)| *c == command)
        .map(|(_, a, w)| (*a, *w))
        .unwrap_or(("", ""));
    crate::outln!("usage: {command} {args}  ({what})");
}

fn help() {
    crate::outln!(
        "Type ML code; input continues while it is incomplete, and a missing final `;` is added."
    );
    crate::outln!(
        "Ctrl-C stops running code (the session is kept) or clears the line; Ctrl-D leaves."
    );
    crate::outln!("Tab completes names, members and commands. Commands:");
    for (c, a, w) in COMMANDS {
        let head = format!("{c} {a}");
        crate::outln!("  {head:<30} {w}");
    }
}

/// Each line after `indent`, or `none` when there are no lines.
fn print_list(lines: &[String], indent: &str, none: &str) {
    if lines.is_empty() {
        crate::outln!("{none}");
    }
    for l in lines {
        crate::outln!("{indent}{l}");
    }
}

/// The code of `command` (`.async`, `.benchmark`) as a complete
/// statement; `None`, after the usage line, when there is none.
fn code_arg(code: &str, command: &str) -> Option<String> {
    if code.is_empty() {
        usage(command);
        return None;
    }
    Some(match super::input::classify(code) {
        super::input::Input::Complete(c) => c,
        super::input::Input::Incomplete => code.to_string(),
    })
}

/// `N` or `#N`.
fn parse_id(text: &str) -> Option<u64> {
    text.trim().trim_start_matches('#').parse().ok()
}

impl Repl {
    /// Handles a dot command; false to leave.
    pub(super) fn command(&mut self, line: &str) -> bool {
        let (word, rest) = match line.split_once(char::is_whitespace) {
            Some((w, r)) => (w, r.trim()),
            None => (line, ""),
        };
        let word = word.to_ascii_lowercase();
        let needs_arg = COMMANDS
            .iter()
            .any(|(c, a, _)| *c == word && !a.is_empty() && !a.starts_with('['));
        if needs_arg && rest.is_empty() {
            usage(&word);
            return true;
        }
        match word.as_str() {
            ".quit" | ".exit" => return false,
            ".help" => help(),
            ".vars" => self.vars(),
            ".inspect" => match self.session.inspect(rest) {
                Some(text) => crate::outln!("{text}"),
                None => crate::outln!("no variable '{rest}' (.vars lists them)"),
            },
            ".history" => print_list(&self.records.summaries(), "", "no executions yet"),
            ".trace" => {
                let id = if rest.is_empty() {
                    None
                } else {
                    match parse_id(rest) {
                        Some(id) => Some(id),
                        None => {
                            usage(".trace");
                            return true;
                        }
                    }
                };
                match self.records.with(id, Record::render) {
                    Some(text) => crate::out!("{text}"),
                    None if id.is_none() => crate::outln!("no executions yet"),
                    None => crate::outln!("no execution #{rest} (.history lists them)"),
                }
            }
            ".caps" => print_list(&self.session.grants(), "  ", "no capabilities granted"),
            ".grant" => match self.session.grant(rest) {
                Ok(()) => crate::outln!("granted {rest}"),
                Err(e) => crate::outln!("{e}"),
            },
            ".revoke" => {
                if self.session.revoke(rest) {
                    crate::outln!("revoked {rest}");
                } else {
                    crate::outln!("{rest} was not granted (.caps lists the grants)");
                }
            }
            ".callback" => match self.session.callback(rest) {
                Ok(cb) => {
                    crate::outln!("callback {rest} registered: .call {rest} [JSON args]");
                    self.callbacks.insert(rest.to_string(), cb);
                }
                Err(e) => crate::outln!("{e}"),
            },
            ".callbacks" => self.list_callbacks(),
            ".call" => self.call(rest),
            ".async" => self.async_command(rest),
            ".await" => self.await_command(rest),
            ".cancel" => match parse_id(rest) {
                None => usage(".cancel"),
                Some(id) => match self
                    .records
                    .with(Some(id), |r| (r.outcome.is_none(), r.interrupt.clone()))
                {
                    None => crate::outln!("no execution #{id} (.history lists them)"),
                    Some((true, i)) => {
                        i.cancel();
                        crate::outln!("cancelling #{id}");
                    }
                    Some((false, _)) => crate::outln!("#{id} has already finished"),
                },
            },
            ".benchmark" => self.benchmark(rest),
            ".test" => {
                let args = crate::test_cmd::TestArgs {
                    filters: vec![rest.to_string()],
                    ..Default::default()
                };
                let _ = crate::test_cmd::run(args);
            }
            ".modules" => {
                let mods = self.session.modules();
                if mods.is_empty() {
                    crate::outln!("no modules loaded");
                }
                for m in mods {
                    match m.file {
                        Some(f) => crate::outln!("  {:<16} {:<10} {f}", m.name, m.kind),
                        None => crate::outln!("  {:<16} {}", m.name, m.kind),
                    }
                }
            }
            ".reload" => self.reload(rest),
            _ => crate::outln!("unknown command {word}; .help lists the commands"),
        }
        true
    }

    fn vars(&self) {
        let names = self.session.names();
        if names.is_empty() {
            crate::outln!("no variables");
        }
        for name in names {
            if let Some(v) = self.session.get(&name) {
                crate::outln!("{name} = {}", v.to_json());
            }
        }
    }

    fn list_callbacks(&self) {
        if self.callbacks.is_empty() {
            crate::outln!("no callbacks registered (.callback NAME registers one)");
        }
        for name in self.callbacks.keys() {
            match self.session.inspect(name) {
                Some(text) => {
                    let first = text.lines().next().unwrap_or("");
                    let what = first.split_once(": ").map_or(first, |(_, w)| w);
                    crate::outln!("  {name:<16} {what}");
                }
                None => crate::outln!("  {name:<16} (no longer defined)"),
            }
        }
    }

    fn call(&self, rest: &str) {
        let (name, args) = match rest.split_once(char::is_whitespace) {
            Some((n, a)) => (n, a.trim()),
            None => (rest, "[]"),
        };
        let args = match Data::from_json(args) {
            Ok(Data::Array(a)) => a,
            Ok(other) => vec![other],
            Err(e) => {
                crate::outln!("arguments must be JSON (an array for several): {e}");
                return;
            }
        };
        let code = format!(".call {rest}");
        let (id, interrupt) = self.records.start(Kind::Call, &code);
        self.ctrl_c.arm(
            &self.records,
            interrupt.clone(),
            self.records.running_async(),
        );
        let (r, trace) = self
            .session
            .call_with(name, &args, &Repl::options(id, interrupt, None));
        self.ctrl_c.disarm();
        let mut o = call_outcome(r, self.session.take_output());
        o.trace = trace;
        show(&o);
        self.records.finish(id, o);
    }

    fn async_command(&self, rest: &str) {
        let (timeout, code) = match rest.strip_prefix("-t") {
            Some(r) => {
                let r = r.trim_start();
                let (d, code) = r.split_once(char::is_whitespace).unwrap_or((r, ""));
                match parse_duration(d) {
                    Ok(t) => (t, code.trim()),
                    Err(e) => {
                        crate::outln!("{e}");
                        usage(".async");
                        return;
                    }
                }
            }
            None => (ASYNC_TIMEOUT, rest),
        };
        let Some(code) = code_arg(code, ".async") else {
            return;
        };
        let id = self.start_async(&code, timeout);
        crate::outln!("#{id} started in the background (.await {id}, .cancel {id})");
    }

    fn await_command(&self, rest: &str) {
        let id = if rest.is_empty() {
            match self.records.latest_async() {
                Some(id) => id,
                None => {
                    crate::outln!("no background executions (.async CODE starts one)");
                    return;
                }
            }
        } else {
            match parse_id(rest) {
                Some(id) => id,
                None => {
                    usage(".await");
                    return;
                }
            }
        };
        let Some(interrupt) = self.records.with(Some(id), |r| r.interrupt.clone()) else {
            crate::outln!("no execution #{id} (.history lists them)");
            return;
        };
        self.ctrl_c.arm(&self.records, interrupt, Vec::new());
        let o = self.records.wait(id);
        self.ctrl_c.disarm();
        if let Some(o) = o {
            crate::out!("{}", o.stdout);
            eprint!("{}", o.stderr);
            show(&o);
            crate::outln!("(#{id}: {})", super::brief(&o));
        }
    }

    fn benchmark(&self, rest: &str) {
        let (n, code) = match rest.strip_prefix("-n") {
            Some(r) => {
                let r = r.trim_start();
                let (num, code) = r.split_once(char::is_whitespace).unwrap_or((r, ""));
                match num.parse::<usize>() {
                    Ok(n) if (1..=MAX_BENCHMARK_RUNS).contains(&n) => (n, code.trim()),
                    _ => {
                        crate::outln!("-n needs a positive number of iterations, at most {MAX_BENCHMARK_RUNS}");
                        usage(".benchmark");
                        return;
                    }
                }
            }
            None => (100, rest),
        };
        let Some(code) = code_arg(code, ".benchmark") else {
            return;
        };
        let interrupt = Interrupt::new();
        self.ctrl_c
            .arm(&self.records, interrupt.clone(), Vec::new());
        let options = ExecOptions {
            interrupt: Some(interrupt.clone()),
            ..ExecOptions::default()
        };
        let mut samples = Vec::with_capacity(n.min(1 << 16));
        let mut failures = 0;
        let mut first_error = None;
        for _ in 0..n {
            let start = Instant::now();
            let o = self.session.execute_with(&code, &options);
            if o.status.is_ok() {
                samples.push(start.elapsed());
            } else {
                failures += 1;
                if first_error.is_none() {
                    first_error = Some(o);
                }
            }
            if interrupt.raised().is_some() {
                break;
            }
        }
        self.ctrl_c.disarm();
        if let Some(o) = &first_error {
            show(o);
        }
        let s = latency_stats(&samples, failures);
        crate::outln!(
            "{} runs: {} ok, {} failed; mean {:.1} µs, median {:.1} µs, p95 {:.1} µs, p99 {:.1} µs, min {:.1} µs, max {:.1} µs",
            s.iterations, s.successes, s.failures, s.mean_us, s.median_us, s.p95_us, s.p99_us, s.min_us, s.max_us
        );
    }

    fn reload(&self, name: &str) {
        let Some(m) = self.session.modules().into_iter().find(|m| m.name == name) else {
            crate::outln!("module '{name}' is not loaded (.modules lists the loaded ones)");
            return;
        };
        if m.kind == "standard" {
            crate::outln!("'{name}' is a standard module: built in, nothing to reload");
            return;
        }
        self.session.forget_module(name);
        let o = self.run_foreground(Kind::Line, &format!("import {name};"));
        if o.status.is_ok() {
            let from = self
                .session
                .modules()
                .into_iter()
                .find(|m| m.name == name)
                .and_then(|m| m.file)
                .map(|f| format!(" from {f}"))
                .unwrap_or_default();
            crate::outln!("reloaded {name}{from}");
        }
    }
}
