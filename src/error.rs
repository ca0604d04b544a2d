//! Errors that are the user's to fix (exit code 2) as opposed to everything else (exit code 1).

use std::fmt;

/// Bad input: a file, an argument or a config the user can correct. Nothing was stored.
/// Each entry is one line of the message (`FILE:LINE: field: problem` for files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadInput {
    pub problems: Vec<String>,
}

impl BadInput {
    pub fn new(problem: impl Into<String>) -> Self {
        Self {
            problems: vec![problem.into()],
        }
    }

    pub fn many(problems: Vec<String>) -> Self {
        Self { problems }
    }
}

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("\n"))
    }
}

impl std::error::Error for BadInput {}

/// Shorthand for returning a bad-input error from a function returning `eyre::Result`.
#[macro_export]
macro_rules! bad_input {
    ($($arg:tt)*) => {
        return Err($crate::error::BadInput::new(format!($($arg)*)).into())
    };
}
