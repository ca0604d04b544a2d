//! XLSX: one sheet per table, the header row frozen, counts as numbers and shares as numbers
//! with a percent format (so they sum and chart), a sheet for text blocks and one for the notes.

use color_eyre::eyre::{Result, eyre};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use crate::report::doc::{Block, Cell, Doc};
use crate::text::width;

/// Sheet names: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
fn sheet_name(want: &str, taken: &mut Vec<String>) -> String {
    let clean: String = want
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let mut name = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{clean}{n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

fn lines_sheet(ws: &mut Worksheet, title: &str, lines: &[String], bold: &Format) -> Result<()> {
    ws.write_string_with_format(0, 0, title, bold)?;
    for (i, l) in lines.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, l)?;
    }
    ws.set_column_width(0, 100)?;
    Ok(())
}

pub fn render(doc: &Doc) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let mut taken = Vec::new();
    for b in &doc.blocks {
        let ws = wb.add_worksheet();
        match b {
            Block::Table(t) => {
                ws.set_name(sheet_name(&t.sheet, &mut taken))?;
                let mut widths: Vec<usize> = t.headers.iter().map(|h| width(h)).collect();
                for (c, h) in t.headers.iter().enumerate() {
                    ws.write_string_with_format(0, c as u16, h, &bold)?;
                }
                for (r, row) in t.rows.iter().enumerate() {
                    let r = r as u32 + 1;
                    for (c, cell) in row.iter().enumerate() {
                        let col = c as u16;
                        match cell {
                            Cell::Text(s) => {
                                ws.write_string(r, col, s)?;
                            }
                            Cell::Int(n) => {
                                ws.write_number(r, col, *n as f64)?;
                            }
                            Cell::Pct(Some(p)) => {
                                ws.write_number_with_format(r, col, *p, &pct)?;
                            }
                            Cell::Bool(Some(v)) => {
                                ws.write_boolean(r, col, *v)?;
                            }
                            Cell::Pct(None) | Cell::Bool(None) => {}
                        }
                        if let Some(w) = widths.get_mut(c) {
                            *w = (*w).max(width(&cell.display()));
                        }
                    }
                }
                for (c, w) in widths.iter().enumerate() {
                    ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0)?;
                }
                ws.set_freeze_panes(1, 0)?;
            }
            Block::Text {
                sheet,
                title,
                lines,
            } => {
                ws.set_name(sheet_name(sheet, &mut taken))?;
                lines_sheet(ws, title, lines, &bold)?;
            }
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&doc.notes_sheet, &mut taken))?;
    let mut lines = doc.meta.clone();
    lines.extend(
        doc.notes
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}. {n}", i + 1)),
    );
    lines_sheet(ws, &doc.title, &lines, &bold)?;
    wb.save_to_buffer()
        .map_err(|e| eyre!("cannot make the XLSX workbook: {e}"))
}
