//! GitHub Actions workflow commands: each failed test also becomes an
//! `::error file=…,line=…,col=…,title=…::message` annotation, shown on the
//! spec's line in the pull request.

use super::{strip_ansi, Event, Reporter, TestStatus};
use std::io::{self, Write};

/// Annotations for GitHub Actions (the CLI adds this reporter when
/// `GITHUB_ACTIONS=true`).
pub struct Github<W: Write> {
    out: W,
}

impl<W: Write> Github<W> {
    /// Annotations written to `out`.
    pub fn new(out: W) -> Github<W> {
        Github { out }
    }
}

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

impl<W: Write> Reporter for Github<W> {
    fn report(&mut self, event: &Event<'_>) -> io::Result<()> {
        if let Event::TestFinished(r) = event {
            if r.status == TestStatus::Failed {
                writeln!(
                    self.out,
                    "::error file={},line={},col={},title={}::{}",
                    property(&r.file.display().to_string()),
                    r.line,
                    r.col.max(1),
                    property(&r.name),
                    data(strip_ansi(&r.message).trim_end())
                )?;
                self.out.flush()?;
            }
        }
        Ok(())
    }
}
