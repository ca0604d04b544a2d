use std::process::ExitCode;

use clap::Parser;
use huifang::cli::{self, Cli};
use huifang::error::BadInput;

// A bulk import or a due list of thousands allocates millions of small strings: mimalloc does
// that in a fraction of the system allocator's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    if color_eyre::install().is_err() {
        eprintln!("huifang: could not install the error reporter");
    }
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(command) => {
            quiet_on_closed_pipe();
            cli::run(&cli, command)
        }
        None => huifang::tui::run(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(bad) = e.downcast_ref::<BadInput>() {
                // One line per problem, whatever a cell of the input held.
                for p in &bad.problems {
                    eprintln!("{}", huifang::text::one_line(p));
                }
                ExitCode::from(2)
            } else if let Some(why) = huifang::store::refusal(&e) {
                eprintln!("huifang: {}", huifang::text::one_line(&why));
                ExitCode::from(2)
            } else {
                if let Some(what) = huifang::store::explain(&e) {
                    eprintln!("huifang: {what}");
                }
                eprintln!("huifang: {}", huifang::text::one_line(&e.to_string()));
                for cause in e.chain().skip(1) {
                    eprintln!("  because: {}", huifang::text::one_line(&cause.to_string()));
                }
                ExitCode::from(1)
            }
        }
    }
}

/// `huifang audit | head` closes the pipe early: end quietly like other Unix tools instead of
/// panicking on the failed write (Rust ignores SIGPIPE by default).
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal at start-up, before any thread runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
