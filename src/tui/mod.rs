//! The operator's terminal UI.

use color_eyre::eyre::{Result, eyre};

use crate::cli::Cli;

pub fn run(_cli: &Cli) -> Result<()> {
    Err(eyre!(
        "the TUI is not built yet: use the subcommands (huifang --help)"
    ))
}
