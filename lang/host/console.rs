//! Console output and input.

use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Where `print` and `input` go.
pub trait Console: Send {
    /// Writes to standard output.
    fn write_out(&mut self, text: &str);
    /// Writes to standard error.
    fn write_err(&mut self, text: &str);
    /// One line of input without its line ending; `None` at end of input.
    fn read_line(&mut self) -> Option<String>;
    /// The standard output held so far (empty for a streaming console).
    fn captured_stdout(&self) -> String {
        String::new()
    }
    /// The standard error held so far (empty for a streaming console).
    fn captured_stderr(&self) -> String {
        String::new()
    }
    /// Bytes of output held in memory (0 for a streaming console).
    fn captured_len(&self) -> usize {
        0
    }
    /// Takes the captured stdout, leaving it empty.
    fn take_stdout(&mut self) -> String {
        String::new()
    }
    /// Takes the captured stderr, leaving it empty.
    fn take_stderr(&mut self) -> String {
        String::new()
    }
    /// Whether the reader of this output has gone (a closed pipe): the VM
    /// then ends the run, since nothing it prints can be seen.
    fn closed(&self) -> bool {
        false
    }
}

/// Captures output in memory and reads scripted input.
#[derive(Default, Debug, Clone)]
pub struct CapturedConsole {
    /// What was written to standard output.
    pub stdout: String,
    /// What was written to standard error.
    pub stderr: String,
    /// Lines `input` will read, in order.
    pub stdin: std::collections::VecDeque<String>,
}

impl CapturedConsole {
    /// A console whose input is the lines of `text`.
    pub fn with_stdin(text: &str) -> CapturedConsole {
        CapturedConsole {
            stdin: text.lines().map(str::to_string).collect(),
            ..CapturedConsole::default()
        }
    }
}

impl Console for CapturedConsole {
    fn write_out(&mut self, text: &str) {
        self.stdout.push_str(text);
    }
    fn write_err(&mut self, text: &str) {
        self.stderr.push_str(text);
    }
    fn read_line(&mut self) -> Option<String> {
        self.stdin.pop_front()
    }
    fn captured_stdout(&self) -> String {
        self.stdout.clone()
    }
    fn captured_stderr(&self) -> String {
        self.stderr.clone()
    }
    fn captured_len(&self) -> usize {
        self.stdout.len() + self.stderr.len()
    }
    fn take_stdout(&mut self) -> String {
        std::mem::take(&mut self.stdout)
    }
    fn take_stderr(&mut self) -> String {
        std::mem::take(&mut self.stderr)
    }
}

/// The process's standard streams; stdout is flushed at each newline so
/// output streams as the program runs.
#[derive(Default)]
pub struct StdConsole;

/// Set once a write to the process's stdout or stderr found the reader
/// gone. The streams belong to the process, so the flag does too.
static STD_CLOSED: AtomicBool = AtomicBool::new(false);

fn note_broken_pipe(result: std::io::Result<()>) {
    if result.is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
        STD_CLOSED.store(true, Ordering::Relaxed);
    }
}

impl StdConsole {
    /// Whether a write to the process's stdout or stderr met a closed pipe.
    pub fn stream_closed() -> bool {
        STD_CLOSED.load(Ordering::Relaxed)
    }
}

impl Console for StdConsole {
    fn write_out(&mut self, text: &str) {
        let mut out = std::io::stdout().lock();
        note_broken_pipe(out.write_all(text.as_bytes()).and_then(|_| {
            if text.contains('\n') {
                out.flush()
            } else {
                Ok(())
            }
        }));
    }
    fn write_err(&mut self, text: &str) {
        note_broken_pipe(std::io::stderr().lock().write_all(text.as_bytes()));
    }
    fn closed(&self) -> bool {
        StdConsole::stream_closed()
    }
    fn read_line(&mut self) -> Option<String> {
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
        }
    }
}
