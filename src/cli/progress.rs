//! A progress count for long commands (import, demo).

use std::io::IsTerminal;

/// A one-line progress count on stderr, shown only when stderr is a terminal and the work big.
pub struct Progress {
    total: usize,
    shown: bool,
}

impl Progress {
    pub fn new(total: usize) -> Self {
        Self {
            total,
            shown: total >= 20_000 && std::io::stderr().is_terminal(),
        }
    }

    /// More work than counted at first (the rows of one more file).
    pub fn add_total(&mut self, more: usize) {
        *self = Self::new(self.total + more);
    }

    pub fn tick(&self, done: usize) {
        if self.shown && done.is_multiple_of(10_000) {
            eprint!(
                "\r{done}/{} ({:.0}%)",
                self.total,
                done as f64 * 100.0 / self.total as f64
            );
        }
    }

    pub fn finish(&self) {
        if self.shown {
            eprint!("\r\x1b[2K");
        }
    }
}

impl Progress {
    /// Shown whenever stderr is a terminal, whatever the size (archive, backup).
    pub fn on_terminal(total: usize) -> Self {
        Self {
            total: total.max(1),
            shown: std::io::stderr().is_terminal(),
        }
    }

    /// Like `tick`, at any count: for callers that report in steps of their own.
    pub fn tick_some(&self, done: usize) {
        if self.shown {
            eprint!(
                "\r{done}/{} ({:.0}%)",
                self.total,
                done as f64 * 100.0 / self.total as f64
            );
        }
    }
}
