//! Running cargo from inside a test.

use std::process::Command;

/// `cargo` (the one running this test) without the variables `cargo test`
/// set for this test: they would reach build scripts that watch them and
/// make cargo rebuild crates that are already built.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if (key.starts_with("CARGO_") && key != "CARGO_HOME" && key != "CARGO_TARGET_DIR")
            || key == "OUT_DIR"
            || key.starts_with("RUSTC")
        {
            cmd.env_remove(&*key);
        }
    }
    cmd
}
