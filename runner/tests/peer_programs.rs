//! The programs `benches/peers.sh` times against CPython and Lua 5.4
//! (`benches/programs/NAME.{ml,py,lua}`) must compute the same thing: each
//! ML version, run by `mlpy-test run`, prints exactly what the Python and
//! the Lua versions print. One trial per program; ignored by default (the ML
//! side takes ~20 s in a debug build; `.ci/run` runs them with
//! `--ignored`). A missing `python3` or `lua5.4` is reported as an ignored
//! trial named `SKIPPED …`, never as a pass.

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The programs of `benches/peers.sh`, in its order.
const PROGRAMS: [&str; 7] = [
    "fib", "loop", "strings", "objects", "sort", "closures", "mandel",
];

/// The peers, the file extension of their programs, and a flag that makes
/// them print their version and exit.
const PEERS: [(&str, &str, &str); 2] = [("python3", "py", "--version"), ("lua5.4", "lua", "-v")];

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/programs")
}

/// The program's standard output, or why it did not run cleanly.
fn output(mut cmd: Command) -> Result<String, String> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown} exited with {}:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("{shown}: output is not UTF-8: {e}"))
}

fn available(tool: &str, version_flag: &str) -> bool {
    Command::new(tool)
        .arg(version_flag)
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success())
}

fn check(
    program: &str,
    peers: &[(&'static str, &'static str, &'static str)],
) -> Result<(), Failed> {
    let dir = programs_dir();
    let mut ml = Command::new(env!("CARGO_BIN_EXE_mlpy-test"));
    ml.arg("run").arg(dir.join(format!("{program}.ml")));
    let expected = output(ml)?;
    if expected.trim().is_empty() {
        return Err(format!("{program}.ml printed nothing").into());
    }
    for (tool, ext, _) in peers {
        let mut cmd = Command::new(tool);
        cmd.arg(dir.join(format!("{program}.{ext}")));
        let got = output(cmd)?;
        if got != expected {
            return Err(format!(
                "{program}: ML printed {expected:?}, {program}.{ext} ({tool}) printed {got:?}"
            )
            .into());
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let (present, missing): (Vec<_>, Vec<_>) = PEERS
        .into_iter()
        .partition(|(tool, _, flag)| available(tool, flag));
    let mut trials: Vec<Trial> = missing
        .iter()
        .map(|(tool, ext, _)| {
            eprintln!("SKIPPED: {tool} not found; the .{ext} programs are not compared");
            Trial::test(format!("SKIPPED ({tool} not found)"), || Ok(())).with_ignored_flag(true)
        })
        .collect();
    if !present.is_empty() {
        trials.extend(PROGRAMS.iter().map(|&program| {
            let peers = present.clone();
            Trial::test(format!("same_output::{program}"), move || {
                check(program, &peers)
            })
            .with_ignored_flag(true)
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}
