//! `mlpy-test repl`: an interactive ML session on a line editor
//! (rustyline: history, editing, completion, highlighting), with
//! execution records, traces and the integration commands.
//!
//! Code typed at the prompt runs on the main thread in one persistent
//! session; `.async` code runs on its own thread in the same session
//! (executions are serialised by the session). Every execution gets its
//! own interrupt, which Ctrl-C (SIGINT, delivered while the terminal is
//! not in raw mode, i.e. while code runs) raises; the session and its
//! globals survive. At the prompt, Ctrl-C clears the line and Ctrl-D
//! leaves.

mod commands;
mod ctrl_c;
pub mod editor;
pub mod input;
mod piped;
pub mod records;

use ctrl_c::CtrlC;
use editor::{history_path, ReplHelper};
use input::{classify, Input};
use mlpy_harness::{Callback, ExecOptions, ExecOutcome, Session, SessionOptions, Status};
use mlpy_lang::capability::GrantSet;
use mlpy_lang::host::{Console, Host, StdConsole};
use mlpy_lang::limits::DEFAULT_MAX_MEMORY;
use mlpy_lang::vm::{Interrupt, Limits};
use mlpy_lang::Data;
use records::{Kind, Records};
use rustyline::config::Config;
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Editor, ExternalPrinter};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

/// Output kept per execution record (the tail beyond it is dropped).
const KEEP_OUTPUT: usize = 1 << 20;

/// The session's console: code on the REPL's own thread prints straight
/// to the terminal; background executions print nothing until `.await`.
/// Both keep a copy for the execution record.
struct TeeConsole {
    foreground: ThreadId,
    real: StdConsole,
    out: String,
    err: String,
}

fn keep(buf: &mut String, text: &str) {
    if buf.len() + text.len() <= KEEP_OUTPUT {
        buf.push_str(text);
    }
}

impl Console for TeeConsole {
    fn write_out(&mut self, text: &str) {
        if std::thread::current().id() == self.foreground {
            self.real.write_out(text);
        }
        keep(&mut self.out, text);
    }
    fn write_err(&mut self, text: &str) {
        if std::thread::current().id() == self.foreground {
            self.real.write_err(text);
        }
        keep(&mut self.err, text);
    }
    fn read_line(&mut self) -> Option<String> {
        self.real.read_line()
    }
    fn take_stdout(&mut self) -> String {
        std::mem::take(&mut self.out)
    }
    fn take_stderr(&mut self) -> String {
        std::mem::take(&mut self.err)
    }
    fn closed(&self) -> bool {
        self.real.closed()
    }
}

type Printer = Arc<Mutex<Box<dyn ExternalPrinter + Send>>>;

/// The REPL's state around the session.
pub struct Repl {
    session: Session,
    records: Arc<Records>,
    callbacks: BTreeMap<String, Callback>,
    ctrl_c: Arc<CtrlC>,
    /// Prints notices of finished background executions above the prompt.
    printer: Option<Printer>,
}

impl Repl {
    fn new(allow_all: bool, memory: Option<usize>) -> Repl {
        let mut host = Host::real();
        host.http = Arc::new(mlpy_lang::host::UreqHttp::new());
        host.console = Box::new(TeeConsole {
            foreground: std::thread::current().id(),
            real: StdConsole,
            out: String::new(),
            err: String::new(),
        });
        let session = Session::new(SessionOptions {
            grants: if allow_all {
                GrantSet::all()
            } else {
                GrantSet::none()
            },
            host: Some(host),
            timeout: None,
            limits: Limits {
                max_memory: memory.unwrap_or(DEFAULT_MAX_MEMORY),
                ..Limits::default()
            },
        });
        Repl {
            session,
            records: Arc::new(Records::default()),
            callbacks: BTreeMap::new(),
            ctrl_c: Arc::new(CtrlC::default()),
            printer: None,
        }
    }

    /// Handles one input; false to leave.
    fn input(&mut self, text: &str) -> bool {
        let t = text.trim();
        if t.is_empty() {
            return true;
        }
        if t.starts_with('.') {
            return self.command(t);
        }
        // Incomplete only when input ended inside it: run it to show why.
        let code = match classify(text) {
            Input::Complete(c) => c,
            Input::Incomplete => text.to_string(),
        };
        self.run_foreground(Kind::Line, &code);
        true
    }

    fn options(id: u64, interrupt: Interrupt, timeout: Option<Duration>) -> ExecOptions {
        ExecOptions {
            name: Some(format!("<repl:{id}>")),
            trace: true,
            timeout,
            interrupt: Some(interrupt),
            ..ExecOptions::default()
        }
    }

    /// Runs code on this thread; Ctrl-C stops it.
    fn run_foreground(&self, kind: Kind, code: &str) -> ExecOutcome {
        self.run_from(kind, code, None)
    }

    /// Like `run_foreground`; with `from`, error locations name that
    /// file and the line the code starts on instead of `<repl:ID>`.
    fn run_from(&self, kind: Kind, code: &str, from: Option<(&str, u32)>) -> ExecOutcome {
        let (id, interrupt) = self.records.start(kind, code);
        let busy = self.records.running_async();
        if !busy.is_empty() {
            let ids: Vec<String> = busy.iter().map(|(id, _)| format!("#{id}")).collect();
            crate::outln!(
                "(waiting for {} to finish; Ctrl-C cancels it)",
                ids.join(", ")
            );
        }
        self.ctrl_c.arm(&self.records, interrupt.clone(), busy);
        let mut options = Repl::options(id, interrupt, None);
        if let Some((name, line)) = from {
            options.name = Some(name.to_string());
            options.first_line = line;
        }
        let o = self.session.execute_with(code, &options);
        self.ctrl_c.disarm();
        show(&o);
        self.records.finish(id, o.clone());
        o
    }

    /// Runs code on a background thread; returns its id at once.
    fn start_async(&self, code: &str, timeout: Duration) -> u64 {
        let (id, interrupt) = self.records.start(Kind::Async, code);
        let session = self.session.clone();
        let records = self.records.clone();
        let printer = self.printer.clone();
        let code = code.to_string();
        let spawned = std::thread::Builder::new()
            .name(format!("mlpy-async-{id}"))
            .stack_size(mlpy_lang::vm::VM_THREAD_STACK)
            .spawn(move || {
                let o = session.execute_with(&code, &Repl::options(id, interrupt, Some(timeout)));
                let notice = format!("#{id} finished: {}\n", brief(&o));
                records.finish(id, o);
                if let Some(p) = printer {
                    let _ = p.lock().unwrap_or_else(|e| e.into_inner()).print(notice);
                }
            });
        if let Err(e) = spawned {
            let mut o = ExecOutcome::new(Status::Cancelled);
            o.stderr = format!("cannot start a thread: {e}");
            self.records.finish(id, o);
        }
        id
    }

    /// Stops every background execution; their ids.
    fn cancel_background(&self) -> Vec<u64> {
        self.records
            .running_async()
            .into_iter()
            .map(|(id, i)| {
                i.cancel();
                id
            })
            .collect()
    }
}

/// A one-line result for notices.
fn brief(o: &ExecOutcome) -> String {
    let ms = o.timings.total.as_secs_f64() * 1000.0;
    match &o.status {
        Status::Ok { value } => format!("ok => {} ({ms:.3} ms)", value.to_json()),
        Status::Error { error } | Status::Violation { error } => {
            format!("{}: {} ({ms:.3} ms)", error.kind, error.message)
        }
        Status::Timeout => format!("timed out ({ms:.3} ms)"),
        Status::Cancelled => "cancelled".into(),
    }
}

/// Prints an outcome's result (its output was streamed already, or is
/// printed by the caller).
fn show(o: &ExecOutcome) {
    match &o.status {
        Status::Ok { value } => {
            if *value != Data::Null {
                crate::outln!("=> {}", value.to_json());
            }
        }
        Status::Error { error } | Status::Violation { error } => crate::out!("{}", error.rendered),
        Status::Timeout => crate::outln!("timed out"),
        Status::Cancelled => crate::outln!("cancelled (the session and its variables are kept)"),
    }
    for v in &o.violations {
        crate::outln!("violation: {} on {}", v.capability, v.resource);
    }
    let _ = std::io::stdout().flush();
}

/// Runs the REPL over the terminal, or over piped stdin.
/// The REPL; each execution (typed code, `.async`, `.call`) has the memory
/// budget `memory` (default 1 GiB).
pub fn run(allow_all: bool, memory: Option<usize>) -> ExitCode {
    let mut repl = Repl::new(allow_all, memory);
    {
        let (ctrl_c, records) = (repl.ctrl_c.clone(), repl.records.clone());
        // Only reaches us while code runs (the editor reads keys raw).
        let _ = ctrlc::set_handler(move || ctrl_c.fire(&records));
    }
    let code = if std::io::stdin().is_terminal() {
        interactive(&mut repl)
    } else {
        piped::run(&mut repl)
    };
    repl.cancel_background();
    code
}

fn interactive(repl: &mut Repl) -> ExitCode {
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .max_history_size(1000)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| b.build())
        .unwrap_or_default();
    let mut editor: Editor<ReplHelper, FileHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("mlpy-test: cannot start the line editor: {e}");
            return ExitCode::from(2);
        }
    };
    editor.set_helper(Some(ReplHelper {
        session: repl.session.clone(),
        colour,
        ctrl_c: repl.ctrl_c.clone(),
    }));
    let history = history_path();
    if let Some(p) = &history {
        let _ = editor.load_history(p);
    }
    if let Ok(p) = editor.create_external_printer() {
        let p: Box<dyn ExternalPrinter + Send> = Box::new(p);
        repl.printer = Some(Arc::new(Mutex::new(p)));
    }
    crate::outln!("mlpy-test REPL. .help for commands, Ctrl-D or .quit to leave.");
    loop {
        repl.ctrl_c.forget();
        match editor.readline("ml> ") {
            Ok(text) => {
                if !text.trim().is_empty() {
                    let _ = editor.add_history_entry(text.as_str());
                    if let Some(p) = &history {
                        save_history(&mut editor, p);
                    }
                }
                if !repl.input(&text) {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {
                let stopped = repl.cancel_background();
                if !stopped.is_empty() {
                    let ids: Vec<String> = stopped.iter().map(|id| format!("#{id}")).collect();
                    crate::outln!("cancelling {}", ids.join(", "));
                }
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("mlpy-test: {e}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

fn save_history(editor: &mut Editor<ReplHelper, FileHistory>, path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = editor.save_history(path);
}
