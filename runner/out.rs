//! Writing to standard output the way Unix tools do: when the reader has
//! gone (`mlpy-test run x.ml --json | head -c 10`), stop quietly instead of
//! panicking in `println!`.

use std::io::Write;

/// Writes `text` to stdout; a closed pipe ends the process quietly (status
/// 0, as ripgrep does), any other write error is ignored.
pub fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
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
