//! CSV in UTF-8 with a byte-order mark, so Excel and WPS open Chinese text correctly. One file
//! holds every table: each section is a line with its title, its header row and its rows,
//! then an empty line; the notes come last, one per line.

use color_eyre::eyre::Result;

use crate::report::doc::{Block, Doc};

pub const BOM: &str = "\u{feff}";

pub fn render(doc: &Doc) -> Result<Vec<u8>> {
    let mut w = ::csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(BOM.as_bytes().to_vec());
    w.write_record([doc.title.as_str()])?;
    for m in &doc.meta {
        w.write_record([m.as_str()])?;
    }
    for b in &doc.blocks {
        w.write_record([""])?;
        match b {
            Block::Table(t) => {
                w.write_record([t.title.as_str()])?;
                w.write_record(&t.headers)?;
                for r in &t.rows {
                    w.write_record(r.iter().map(|c| c.display()))?;
                }
            }
            Block::Text { title, lines, .. } => {
                w.write_record([title.as_str()])?;
                for l in lines {
                    w.write_record([l.as_str()])?;
                }
            }
        }
    }
    w.write_record([""])?;
    w.write_record([doc.notes_sheet.as_str()])?;
    for (i, n) in doc.notes.iter().enumerate() {
        w.write_record([format!("{}. {n}", i + 1)])?;
    }
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}
