//! Host backends: the only way ML code reaches the outside world.
//!
//! The VM never touches the process's stdout, files, network, environment,
//! clock or randomness directly; it goes through these traits. Real and
//! in-memory implementations live side by side, so tests run in mocked
//! worlds.

pub mod console;

pub use console::{CapturedConsole, Console, StdConsole};

/// The backends of one execution.
pub struct Host {
    pub console: Box<dyn Console>,
}

impl Host {
    /// Output captured in memory, no input: the default for tests.
    pub fn captured() -> Host {
        Host {
            console: Box::new(CapturedConsole::default()),
        }
    }

    /// The process's real stdout/stderr/stdin.
    pub fn real() -> Host {
        Host {
            console: Box::new(StdConsole::default()),
        }
    }

    /// Captured stdout so far (empty for real consoles).
    pub fn captured_stdout(&self) -> String {
        self.console.captured_stdout()
    }
}
