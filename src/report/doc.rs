//! A report as the renderers see it: a title, lines under it, tables and text blocks, and
//! footnotes. Markdown, CSV and XLSX are drawn from this one shape; JSON comes from the
//! report's own serde types.

use std::borrow::Cow;

/// One cell, typed so that XLSX can give numbers and shares their formats.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(u64),
    /// A share 0.0–1.0; `None` when its denominator is zero.
    Pct(Option<f64>),
    Bool(Option<bool>),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    /// The cell as a reader sees it: `85.0%`, `✓`, `—` for nothing.
    pub fn display(&self) -> String {
        self.shown().into_owned()
    }

    /// As [`Cell::display`], borrowing a text cell's own text (a report renders hundreds of
    /// thousands of cells: no copy for those).
    pub fn shown(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Int(n) => Cow::Owned(n.to_string()),
            Cell::Pct(Some(p)) => Cow::Owned(format!("{:.1}%", p * 100.0)),
            Cell::Pct(None) | Cell::Bool(None) => Cow::Borrowed("—"),
            Cell::Bool(Some(true)) => Cow::Borrowed("✓"),
            Cell::Bool(Some(false)) => Cow::Borrowed("✗"),
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Pct(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The sheet name in XLSX (short; at most 31 characters).
    pub sheet: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Said instead of an empty table.
    pub empty: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Table(Table),
    /// Paragraphs under a heading (a conclusion, a chain of steps).
    Text {
        sheet: String,
        title: String,
        lines: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub title: String,
    /// Lines under the title: period, site, when it was made.
    pub meta: Vec<String>,
    pub blocks: Vec<Block>,
    /// What each figure means (footnotes in Markdown, a sheet in XLSX, a section in CSV).
    pub notes: Vec<String>,
    /// The sheet name of the notes.
    pub notes_sheet: String,
}
