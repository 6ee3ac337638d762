//! Which implementation specs run on: `native` (the VM in this process),
//! `mlpy` (the real mlpy through the adapter shipped in `adapters/mlpy/`,
//! built into this binary), or `process:CMD ARGS` (any program speaking
//! the process protocol, `docs/process-protocol.md`).

use mlpy_harness::{Executor, ExecutorConfig, ProcessBackend};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The mlpy adapter's source; `--backend mlpy` runs it with `python -c`.
pub const MLPY_ADAPTER: &str = include_str!("../adapters/mlpy/mlpy_adapter.py");

/// How to set up the mlpy backend, for error messages.
pub const MLPY_SETUP: &str = "\
The mlpy backend needs a copy of mlpy and a Python 3.12 with mlpy's dependencies:
  python3.12 -m venv .venv-mlpy
  .venv-mlpy/bin/pip install lark click rich pygments psutil typing-extensions pyyaml prompt_toolkit
  export MLPY_PATH=../shared/reference/mlpy/src   # the directory holding the mlpy package
  export MLPY_PYTHON=.venv-mlpy/bin/python        # default: python3";

/// A backend named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackendSpec {
    /// The native runtime, in process.
    Native,
    /// The real mlpy (`adapters/mlpy/`), over the process protocol.
    Mlpy,
    /// Any program speaking the process protocol.
    Process {
        /// The program to start.
        program: String,
        /// Its arguments.
        args: Vec<String>,
    },
}

impl std::str::FromStr for BackendSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<BackendSpec, String> {
        match s.trim() {
            "native" => Ok(BackendSpec::Native),
            "mlpy" => Ok(BackendSpec::Mlpy),
            other => {
                let Some(command) = other.strip_prefix("process:") else {
                    return Err(format!(
                        "unknown backend '{other}' (expected native, mlpy or process:CMD ARGS)"
                    ));
                };
                let words = shlex::split(command)
                    .ok_or_else(|| format!("backend '{other}': unbalanced quotes"))?;
                let mut words = words.into_iter();
                let program = words
                    .next()
                    .ok_or_else(|| "backend 'process:' needs a command".to_string())?;
                Ok(BackendSpec::Process {
                    program,
                    args: words.collect(),
                })
            }
        }
    }
}

impl BackendSpec {
    /// Starts the backend (for a process: the first process and its
    /// handshake) and puts an executor with `workers` workers over it.
    pub fn executor(&self, workers: usize) -> Result<Executor, String> {
        let config = ExecutorConfig {
            max_workers: workers.max(1),
            ..ExecutorConfig::default()
        };
        let backend = match self {
            BackendSpec::Native => return Ok(Executor::new(config)),
            BackendSpec::Mlpy => {
                let (path, python) = mlpy_from_env()?;
                mlpy_backend(&path, &python)?
            }
            BackendSpec::Process { program, args } => {
                ProcessBackend::connect(program.clone(), args.clone())?
            }
        };
        Ok(Executor::with_backend(config, Arc::new(backend)))
    }
}

/// `MLPY_PATH` and `MLPY_PYTHON` (default `python3`).
pub fn mlpy_from_env() -> Result<(PathBuf, String), String> {
    let path = std::env::var_os("MLPY_PATH")
        .filter(|p| !p.is_empty())
        .ok_or_else(|| format!("mlpy backend: MLPY_PATH is not set.\n{MLPY_SETUP}"))?;
    let python = std::env::var("MLPY_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into());
    Ok((PathBuf::from(path), python))
}

/// The real mlpy at `path` (the directory holding the `mlpy` package),
/// run by `python` through the built-in adapter.
pub fn mlpy_backend(path: &Path, python: &str) -> Result<ProcessBackend, String> {
    if !path.join("mlpy").join("__init__.py").is_file() {
        return Err(format!(
            "mlpy backend: MLPY_PATH={} does not hold the mlpy package (no mlpy/__init__.py).\n{MLPY_SETUP}",
            path.display()
        ));
    }
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    ProcessBackend::connect(
        python,
        vec![
            "-c".into(),
            MLPY_ADAPTER.into(),
            "--mlpy-path".into(),
            path.to_string_lossy().into_owned(),
        ],
    )
    .map_err(|e| format!("mlpy backend: {e}\n{MLPY_SETUP}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_names_parse() {
        assert_eq!("native".parse(), Ok(BackendSpec::Native));
        assert_eq!("mlpy".parse(), Ok(BackendSpec::Mlpy));
        assert_eq!(
            "process:python3 'my adapter.py' -v".parse(),
            Ok(BackendSpec::Process {
                program: "python3".into(),
                args: vec!["my adapter.py".into(), "-v".into()]
            })
        );
        let e = "lua".parse::<BackendSpec>().unwrap_err();
        assert!(
            e.contains("expected native, mlpy or process:CMD ARGS"),
            "{e}"
        );
        assert!("process:".parse::<BackendSpec>().is_err());
        assert!("process:'x".parse::<BackendSpec>().is_err());
    }
}
