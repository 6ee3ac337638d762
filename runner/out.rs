//! Writing to standard output the way Unix tools do: when the reader has
//! gone (`mlpy-test specs | head -1`, `mlpy-test run x.ml --json | head -c
//! 10`), stop quietly at once instead of panicking in `println!` or
//! running on with nobody reading.

use std::io::Write;

/// A closed pipe ends the process quietly with status 0, as ripgrep does;
/// other results pass through.
fn quiet<T>(result: std::io::Result<T>) -> std::io::Result<T> {
    if let Err(e) = &result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
    result
}

/// Writes `text` to stdout; a closed pipe ends the process quietly, any
/// other write error is ignored.
pub fn write_stdout(text: &str) {
    let _ = Stdout
        .write_all(text.as_bytes())
        .and_then(|_| Stdout.flush());
}

/// Standard output as a writer (for reporters) that ends the process
/// quietly when the reader has gone.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        quiet(std::io::stdout().write(buf))
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        quiet(std::io::stdout().lock().write_all(buf))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        quiet(std::io::stdout().flush())
    }
}

/// `print!` that stops quietly on a closed pipe.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::write_stdout(&format!($($arg)*))
    };
}

/// `println!` that stops quietly on a closed pipe.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::out::write_stdout("\n")
    };
    ($($arg:tt)*) => {
        $crate::out::write_stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}
