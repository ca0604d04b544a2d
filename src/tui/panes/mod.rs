//! One pane per file; each draws from `&State` only.

pub mod escalations;
pub mod overlay;
pub mod queue;
pub mod record;
pub mod reports;
pub mod status;

use crate::text::{sanitize, truncate};

/// Text from the store, made safe and cut to `cells` display cells.
pub fn cell(s: &str, cells: usize) -> String {
    truncate(&sanitize(s), cells)
}
