//! Monthly and quarterly reports (回访结果统计): figures computed from the store's grouped
//! queries (store/reports.rs), shaped here, and rendered as Markdown, CSV, XLSX or JSON.

pub mod doc;
pub mod format;
pub mod monthly;
pub mod period;
pub mod quarterly;
pub mod render;
pub mod repeats;
pub mod summary;

use serde::Serialize;

use crate::config::Config;
use crate::i18n::Lang;

pub use period::{Month, Quarter};

/// Escalations opened and closed in the period, and still open at its end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EscCounts {
    pub opened: u64,
    pub closed: u64,
    pub open: u64,
}

impl EscCounts {
    pub fn add(&mut self, o: &EscCounts) {
        self.opened += o.opened;
        self.closed += o.closed;
        self.open += o.open;
    }
}

/// `part ÷ whole`, or `None` when there is no whole.
pub fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The category's name to show: its Chinese name in zh, its key in en.
pub fn category_name(config: &Config, lang: Lang, key: &str) -> String {
    match (lang, config.category(key)) {
        (Lang::Zh, Some((_, c))) if !c.name.is_empty() => c.name.clone(),
        _ => key.to_string(),
    }
}
