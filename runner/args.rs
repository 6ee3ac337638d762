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

/// A duration argument, e.g. `200ms` or `2s`.
pub fn parse_duration_arg(s: &str) -> Result<Duration, String> {
    mlpy_lang::vm::parse_duration(s)
}
