//! Markdown for reading and printing: real Markdown tables whose columns are also aligned by
//! display width (a CJK character counts two cells), so the raw text reads well in a terminal.

use std::borrow::Cow;

use crate::report::doc::{Block, Cell, Doc, Table};
use crate::text::{sanitize, sanitized, width};

fn cell_text(s: &str) -> String {
    escaped(Cow::Borrowed(s)).into_owned()
}

/// A cell's text made safe for a table line (no terminal controls, `|` escaped), copied only
/// when something had to change.
fn escaped(s: Cow<'_, str>) -> Cow<'_, str> {
    let clean = match sanitized(&s) {
        Cow::Borrowed(_) => None,
        Cow::Owned(o) => Some(o),
    };
    match clean {
        // Line breaks are control characters: sanitizing replaced them already.
        Some(o) => Cow::Owned(o.replace('|', "\\|")),
        None if s.contains('|') => Cow::Owned(s.replace('|', "\\|")),
        None => s,
    }
}

/// The cell's table text and its display width.
fn measured(s: Cow<'_, str>) -> (Cow<'_, str>, usize) {
    let s = escaped(s);
    let w = width(&s);
    (s, w)
}

fn spaces(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A table whose cells are each made into text and measured once: at a million events a
/// monthly report has tens of thousands of rows.
fn table(t: &Table, out: &mut String) {
    if t.rows.is_empty() {
        out.push_str(&format!("{}\n\n", t.empty));
        return;
    }
    let heads: Vec<(Cow<'_, str>, usize)> = t
        .headers
        .iter()
        .map(|h| measured(Cow::Borrowed(h)))
        .collect();
    let n = heads.len();
    let rows: Vec<Vec<(Cow<'_, str>, usize)>> = t
        .rows
        .iter()
        .map(|r| r.iter().take(n).map(|c| measured(c.shown())).collect())
        .collect();
    let mut widths: Vec<usize> = heads.iter().map(|(_, w)| (*w).max(3)).collect();
    for r in &rows {
        for (i, (_, w)) in r.iter().enumerate() {
            widths[i] = widths[i].max(*w);
        }
    }
    let numeric: Vec<bool> = (0..n)
        .map(|i| {
            t.rows
                .iter()
                .all(|r| r.get(i).is_some_and(Cell::is_numeric))
        })
        .collect();
    // Every cell is at most its column's width: padding never cuts.
    let line = |cells: &[(Cow<'_, str>, usize)], out: &mut String| {
        out.push('|');
        for (i, w) in widths.iter().enumerate() {
            let (c, cw) = cells.get(i).map_or(("", 0), |(c, cw)| (c.as_ref(), *cw));
            out.push(' ');
            if numeric[i] {
                spaces(w - cw.min(*w), out);
                out.push_str(c);
            } else {
                out.push_str(c);
                spaces(w.saturating_sub(cw), out);
            }
            out.push_str(" |");
        }
        out.push('\n');
    };
    let row_bytes: usize = widths.iter().map(|w| w * 2 + 3).sum::<usize>() + 2;
    out.reserve(row_bytes * (rows.len() + 2));
    line(&heads, out);
    out.push('|');
    for (i, w) in widths.iter().enumerate() {
        out.push(' ');
        if numeric[i] {
            out.push_str(&"-".repeat(w - 1));
            out.push(':');
        } else {
            out.push_str(&"-".repeat(*w));
        }
        out.push_str(" |");
    }
    out.push('\n');
    for r in &rows {
        line(r, out);
    }
    out.push('\n');
}

pub fn render(doc: &Doc) -> String {
    let mut out = format!("# {}\n\n", cell_text(&doc.title));
    let refs: String = (1..=doc.notes.len()).map(|i| format!("[^{i}]")).collect();
    for (i, m) in doc.meta.iter().enumerate() {
        out.push_str(&cell_text(m));
        if i + 1 == doc.meta.len() && !refs.is_empty() {
            out.push(' ');
            out.push_str(&refs);
        }
        out.push_str("  \n");
    }
    out.push('\n');
    for b in &doc.blocks {
        match b {
            Block::Table(t) => {
                out.push_str(&format!("## {}\n\n", cell_text(&t.title)));
                table(t, &mut out);
            }
            Block::Text { title, lines, .. } => {
                out.push_str(&format!("## {}\n\n", cell_text(title)));
                for l in lines {
                    out.push_str(&sanitize(l));
                    out.push_str("  \n");
                }
                out.push('\n');
            }
        }
    }
    for (i, n) in doc.notes.iter().enumerate() {
        out.push_str(&format!("[^{}]: {}\n", i + 1, cell_text(n)));
    }
    out
}
