use std::process::ExitCode;

use clap::Parser;
use huifang::cli::{self, Cli};
use huifang::error::BadInput;

fn main() -> ExitCode {
    if color_eyre::install().is_err() {
        eprintln!("huifang: could not install the error reporter");
    }
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(command) => cli::run(&cli, command),
        None => huifang::tui::run(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(bad) = e.downcast_ref::<BadInput>() {
                // Problems quote the file's text: shown as text, never as terminal controls.
                for p in &bad.problems {
                    eprintln!("{}", shown(p));
                }
                ExitCode::from(2)
            } else {
                if let Some(what) = huifang::store::explain(&e) {
                    eprintln!("huifang: {what}");
                }
                eprintln!("huifang: {}", shown(&e.to_string()));
                for cause in e.chain().skip(1) {
                    eprintln!("  because: {}", shown(&cause.to_string()));
                }
                ExitCode::from(1)
            }
        }
    }
}

/// A message line by line, each neutralised (control characters, escapes, bidi overrides).
fn shown(s: &str) -> String {
    s.split('\n')
        .map(huifang::text::sanitize)
        .collect::<Vec<_>>()
        .join("\n")
}
