//! Argument pieces that several commands share.

use clap::Args;
use mlpy_lang::capability::GrantSet;
use std::time::Duration;

/// `--grant CAP` (repeatable) and `--allow-all`: the capabilities a
/// program run from the command line gets.
#[derive(Args, Debug, Clone, Default)]
pub struct GrantArgs {
    /// Grant a capability, e.g. `file:read:/data/*` (repeatable).
    #[arg(long = "grant", value_name = "CAP")]
    pub grants: Vec<String>,
    /// Grant every capability.
    #[arg(long)]
    pub allow_all: bool,
}

impl GrantArgs {
    /// The grant set, or why a token is not valid.
    pub fn grant_set(&self) -> Result<GrantSet, String> {
        if self.allow_all {
            Ok(GrantSet::all())
        } else {
            GrantSet::parse(&self.grants).map_err(|e| e.to_string())
        }
    }
}

/// `--timeout` and `--memory`: the budget of each run.
#[derive(Args, Debug, Clone, Default)]
pub struct LimitArgs {
    /// Stop each run after this long, e.g. `500ms`, `2s` or `1h2m`; overrides
    /// a spec case's own `timeout` (`bench` of a `.ml` file: 30s if not given).
    #[arg(long, value_parser = parse_duration_arg)]
    pub timeout: Option<Duration>,
    /// Memory budget of each run, e.g. `256MiB` (default 1 GiB); going past
    /// it is a catchable MemoryError. A spec case's own `memory` key wins.
    #[arg(long, value_parser = mlpy_lang::memory::parse_size, value_name = "SIZE")]
    pub memory: Option<usize>,
}

/// A duration argument, e.g. `200ms`, `2s` or `1h2m`.
pub fn parse_duration_arg(s: &str) -> Result<Duration, String> {
    mlpy_harness::duration::parse_duration(s)
}
