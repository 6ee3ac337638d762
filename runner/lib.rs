//! mlpy-test: the command-line front end (`mlpy-test run`, the spec runner,
//! benchmarks, validate and the REPL) over the `mlpy-lang` runtime and the
//! `mlpy-harness` executor.

pub mod args;
pub mod backends;
pub mod bench_cmd;
pub mod cli;
pub mod exec;
pub mod out;
pub mod repl;
pub mod run;
pub mod specs_glue;
pub mod test_cmd;
pub mod validate;
