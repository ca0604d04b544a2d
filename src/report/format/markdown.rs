//! Markdown for reading and printing: real Markdown tables whose columns are also aligned by
//! display width (a CJK character counts two cells), so the raw text reads well in a terminal.

use crate::report::doc::{Block, Cell, Doc, Table};
use crate::text::{pad, sanitize, width};

fn cell_text(s: &str) -> String {
    sanitize(s).replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn table(t: &Table, out: &mut String) {
    if t.rows.is_empty() {
        out.push_str(&format!("{}\n\n", t.empty));
        return;
    }
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.iter().map(|c| cell_text(&c.display())).collect())
        .collect();
    let heads: Vec<String> = t.headers.iter().map(|h| cell_text(h)).collect();
    let n = heads.len();
    let mut widths: Vec<usize> = heads.iter().map(|h| width(h).max(3)).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate().take(n) {
            widths[i] = widths[i].max(width(c));
        }
    }
    let numeric: Vec<bool> = (0..n)
        .map(|i| {
            t.rows
                .iter()
                .all(|r| r.get(i).is_some_and(Cell::is_numeric))
        })
        .collect();
    let line = |cells: &[String], out: &mut String| {
        out.push('|');
        for (i, w) in widths.iter().enumerate() {
            let c = cells.get(i).map(String::as_str).unwrap_or("");
            let padded = if numeric[i] {
                format!("{}{c}", " ".repeat(w - width(c).min(*w)))
            } else {
                pad(c, *w)
            };
            out.push(' ');
            out.push_str(&padded);
            out.push_str(" |");
        }
        out.push('\n');
    };
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
