//! Plain-text tables for the terminal, aligned by display width (CJK counts two cells), with
//! every cell sanitised so that no imported text can drive the terminal.

use crate::text::{pad, sanitize, width};

pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: AsRef<str>>(headers: &[S]) -> Self {
        Self {
            headers: headers.iter().map(|h| h.as_ref().to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells.iter().map(|c| sanitize(c)).collect());
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as text, columns at most 40 cells wide, two spaces apart.
    pub fn render(&self) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n) {
                widths[i] = widths[i].max(width(c)).min(40);
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, w) in widths.iter().enumerate() {
                let c = cells.get(i).map(String::as_str).unwrap_or("");
                if i + 1 == n {
                    s.push_str(&crate::text::truncate(c, *w));
                } else {
                    s.push_str(&pad(c, *w));
                    s.push_str("  ");
                }
            }
            s.trim_end().to_string()
        };
        let mut out = line(&self.headers);
        out.push('\n');
        for r in &self.rows {
            out.push_str(&line(r));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_line_up() {
        let mut t = Table::new(&["客户", "房号"]);
        t.row(vec!["林一".into(), "1栋101".into()]);
        t.row(vec!["Lin\x1b[2J".into(), "2".into()]);
        let text = t.render();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(
            lines[1], "林一     1栋101",
            "Lin\u{FFFD}[2J is 7 cells wide"
        );
        assert!(!text.contains('\x1b'));
    }
}
