//! Reading a source file into a table of cells: CSV (any of the encodings [`decode_text`]
//! knows), JSON Lines, and spreadsheets (XLSX, XLSM, XLSB, XLS, ODS, through calamine). Nothing
//! here knows huifang's fields: a profile (or the built-in header names) maps the cells later.

use std::path::Path;

use chrono::NaiveDateTime;

use super::decode_text;

/// One cell as the source holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A real date-time cell of a spreadsheet (a serial number formatted as a date).
    DateTime(NaiveDateTime),
}

impl Cell {
    /// The cell as text: numbers without a spurious `.0` (phone numbers, refs), date-times as
    /// `2026-12-03 15:04:05`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => number_text(*n),
            Cell::Bool(b) => b.to_string(),
            Cell::DateTime(t) => crate::clock::iso_seconds(*t),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// `13912345678`, not `1.3912345678e10`; `12.5` stays `12.5`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// What kind of file a path is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Csv,
    JsonLines,
    Spreadsheet,
}

impl Kind {
    pub fn of(path: &Path) -> Kind {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson") => Kind::JsonLines,
            Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => Kind::Spreadsheet,
            _ => Kind::Csv,
        }
    }
}

/// A source read whole: its header row and its data rows, each with the line (CSV, JSON Lines)
/// or row number (spreadsheets) a person finds it on.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    /// The line or row the headers are on.
    pub header_line: usize,
    pub rows: Vec<(usize, Vec<Cell>)>,
    /// Whether every row must have the required columns (not so for JSON Lines, whose lines
    /// each name their own keys).
    pub tabular: bool,
    /// Rows that could not be read at all (a JSON Lines line that is not an object), as
    /// `FILE:LINE: row: problem`.
    pub problems: Vec<String>,
}

impl Table {
    /// The index of the column with this header (trimmed; English headers in any case).
    pub fn column(&self, header: &str) -> Option<usize> {
        let want = header.trim();
        self.headers
            .iter()
            .position(|h| h.trim() == want)
            .or_else(|| {
                self.headers
                    .iter()
                    .position(|h| h.trim().eq_ignore_ascii_case(want))
            })
    }
}

/// Reads a file into a table. `header_row` is the 1-based row holding the headers (title rows
/// above it are skipped); `sheet` picks a spreadsheet's sheet (default: the first). The error
/// is one problem line, `FILE:LINE: what: problem`.
pub fn read_table(
    name: &str,
    path: &Path,
    bytes: &[u8],
    sheet: Option<&str>,
    header_row: usize,
) -> Result<Table, String> {
    match Kind::of(path) {
        Kind::Spreadsheet => spreadsheet_table(name, bytes, sheet, header_row),
        kind => {
            if let Some(s) = sheet {
                return Err(format!(
                    "{name}: sheet: `{s}` asked for, but a {} file has no sheets",
                    if kind == Kind::Csv {
                        "CSV"
                    } else {
                        "JSON Lines"
                    }
                ));
            }
            let text = decode_text(bytes).map_err(|e| format!("{name}: {e}"))?;
            if kind == Kind::Csv {
                csv_table(name, &text, header_row)
            } else {
                Ok(jsonl_table(name, &text))
            }
        }
    }
}

fn csv_table(name: &str, text: &str, header_row: usize) -> Result<Table, String> {
    let (mut table, rows) = csv_open(name, text, header_row)?;
    for row in rows {
        table.rows.push(row?);
    }
    Ok(table)
}

/// Opens a CSV text: its header row read into a table without rows, and its data rows to come
/// record by record (a million-row file is never held whole as cells).
pub fn csv_open<'t>(
    name: &'t str,
    text: &'t str,
    header_row: usize,
) -> Result<(Table, CsvRows<'t>), String> {
    let mut rows = CsvRows {
        name,
        reader: csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(text.as_bytes()),
        record: csv::StringRecord::new(),
        lines: Lines::new(text),
        failed: false,
    };
    let mut table = Table {
        tabular: true,
        ..Default::default()
    };
    let mut seen = 0usize;
    while seen < header_row {
        match rows.next_record() {
            Ok(Some(line)) => {
                seen += 1;
                if seen == header_row {
                    table.headers = rows
                        .record
                        .iter()
                        .map(|h| h.trim_start_matches('\u{FEFF}').trim().to_string())
                        .collect();
                    table.header_line = line;
                }
            }
            Ok(None) => {
                return Err(format!(
                    "{name}:{header_row}: header: no header row: the file has fewer than {header_row} non-empty line(s)"
                ));
            }
            Err((line, e)) => {
                return Err(format!(
                    "{name}:{line}: header: cannot read the header row: {e}"
                ));
            }
        }
    }
    Ok((table, rows))
}

/// A data row, by line, or why the source cannot be read on from there.
pub type SourceRow = Result<(usize, Vec<Cell>), String>;

/// The data rows of a CSV text after its header, by line; a record that cannot be read ends
/// them with its problem as `FILE:LINE: row: …`.
pub struct CsvRows<'t> {
    name: &'t str,
    reader: csv::Reader<&'t [u8]>,
    record: csv::StringRecord,
    lines: Lines<'t>,
    failed: bool,
}

impl CsvRows<'_> {
    /// Reads the next record that is not blank into `self.record`, with the line it starts on.
    fn next_record(&mut self) -> Result<Option<usize>, (usize, csv::Error)> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return Ok(None),
                Ok(true) => {
                    if self.record.iter().all(|v| v.trim().is_empty()) {
                        continue;
                    }
                    let lines = &mut self.lines;
                    return Ok(Some(
                        self.record.position().map_or(0, |p| lines.start_line(p)),
                    ));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| self.lines.start_line(p));
                    return Err((line, e));
                }
            }
        }
    }
}

impl Iterator for CsvRows<'_> {
    type Item = SourceRow;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.next_record() {
            Ok(None) => None,
            Ok(Some(line)) => {
                let cells = self
                    .record
                    .iter()
                    .map(|v| {
                        if v.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(v.to_string())
                        }
                    })
                    .collect();
                Some(Ok((line, cells)))
            }
            Err((line, e)) => {
                self.failed = true;
                Some(Err(format!(
                    "{}:{line}: row: cannot be read as CSV: {e}",
                    self.name
                )))
            }
        }
    }
}

/// The line a CSV record starts on. The csv crate's own line number is where the previous record
/// stopped reading: one short in a CRLF file (Excel, WPS), whose `\n` it has not consumed yet, and
/// short by any blank lines skipped before the record. So skip the line breaks from the record's
/// byte position, then count the lines before it.
///
/// Records come in file order, so the count goes on from the previous record: counting from the
/// top for each one made a 100k-row file take minutes.
struct Lines<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    newlines: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            counted_to: 0,
            newlines: 0,
        }
    }

    fn start_line(&mut self, pos: &csv::Position) -> usize {
        let bytes = self.bytes;
        let mut start = (pos.byte() as usize).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.counted_to {
            // Not expected (records come in order), but never wrong: count from the top.
            self.counted_to = 0;
            self.newlines = 0;
        }
        self.newlines += bytes[self.counted_to..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.counted_to = start;
        1 + self.newlines
    }
}

/// JSON Lines: the headers are the keys in the order first seen.
fn jsonl_table(name: &str, text: &str) -> Table {
    let mut table = Table {
        header_line: 1,
        ..Default::default()
    };
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let obj: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(line) {
            Ok(o) => o,
            Err(e) => {
                table
                    .problems
                    .push(format!("{name}:{line_no}: row: not a JSON object: {e}"));
                continue;
            }
        };
        let mut cells = vec![Cell::Empty; table.headers.len()];
        for (k, v) in obj {
            let i = match table.headers.iter().position(|h| *h == k) {
                Some(i) => i,
                None => {
                    table.headers.push(k);
                    cells.push(Cell::Empty);
                    table.headers.len() - 1
                }
            };
            cells[i] = match v {
                serde_json::Value::Null => Cell::Empty,
                serde_json::Value::String(s) => Cell::Text(s),
                serde_json::Value::Bool(b) => Cell::Bool(b),
                serde_json::Value::Number(n) => match n.as_f64() {
                    Some(f) if n.is_f64() || n.as_i64().is_some_and(|i| i.abs() < (1 << 52)) => {
                        Cell::Number(f)
                    }
                    _ => Cell::Text(n.to_string()),
                },
                other => Cell::Text(other.to_string()),
            };
        }
        table.rows.push((line_no, cells));
    }
    table
}

/// The sheet names of a spreadsheet.
pub fn sheet_names(name: &str, bytes: &[u8]) -> Result<Vec<String>, String> {
    use calamine::Reader;
    let book = open_book(name, bytes)?;
    Ok(book.sheet_names())
}

fn open_book<'b>(
    name: &str,
    bytes: &'b [u8],
) -> Result<calamine::Sheets<std::io::Cursor<&'b [u8]>>, String> {
    calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("{name}: cannot be read as a spreadsheet (XLSX, XLS, ODS): {e}"))
}

fn spreadsheet_table(
    name: &str,
    bytes: &[u8],
    sheet: Option<&str>,
    header_row: usize,
) -> Result<Table, String> {
    use calamine::{Data, Reader};
    let mut book = open_book(name, bytes)?;
    let names = book.sheet_names();
    let sheet_name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| names.iter().find(|n| n.trim() == s.trim()))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "{name}: sheet: no sheet `{s}`: the sheets are {}",
                    names.join(", ")
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| format!("{name}: sheet: the workbook has no sheets"))?,
    };
    let range = book
        .worksheet_range(&sheet_name)
        .map_err(|e| format!("{name}: sheet `{sheet_name}` cannot be read: {e}"))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut table = Table {
        tabular: true,
        ..Default::default()
    };
    let mut seen = 0usize;
    for (i, row) in range.rows().enumerate() {
        // Spreadsheet row numbers, 1-based, as the user sees them at the left of the sheet.
        let row_no = row0 as usize + i + 1;
        let mut cells: Vec<Cell> = Vec::with_capacity(col0 as usize + row.len());
        // Columns left of the used range are empty: keep positions as the sheet's (A = 1).
        cells.resize(col0 as usize, Cell::Empty);
        for d in row {
            cells.push(match d {
                Data::Empty => Cell::Empty,
                Data::String(s) => Cell::Text(s.to_owned()),
                Data::Int(n) => Cell::Number(n.to_owned() as f64),
                Data::Float(f) => Cell::Number(f.to_owned()),
                Data::Bool(b) => Cell::Bool(b.to_owned()),
                Data::DateTime(dt) => match dt.as_datetime() {
                    Some(t) if dt.is_datetime() => Cell::DateTime(t),
                    _ => Cell::Number(dt.as_f64()),
                },
                Data::DateTimeIso(s) => match iso_datetime(s.as_str()) {
                    Some(t) => Cell::DateTime(t),
                    None => Cell::Text(s.to_owned()),
                },
                Data::DurationIso(s) => Cell::Text(s.to_owned()),
                Data::Error(e) => Cell::Text(format!("#{e:?}")),
            });
        }
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        seen += 1;
        if seen < header_row {
            continue;
        }
        if seen == header_row {
            table.headers = cells.iter().map(|c| c.text().trim().to_string()).collect();
            table.header_line = row_no;
            continue;
        }
        table.rows.push((row_no, cells));
    }
    if table.headers.is_empty() {
        return Err(format!(
            "{name}: sheet `{sheet_name}`: no header row: the sheet has fewer than {header_row} non-empty row(s)"
        ));
    }
    Ok(table)
}

/// An ODS date-time (`2026-12-03T15:04:05` or a date alone).
fn iso_datetime(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
}

/// An Excel serial number (days since 1899-12-30) as a date-time, for number cells in a date
/// column that were not formatted as dates. Only plausible serials (1900–9999) are taken.
pub fn excel_serial(n: f64) -> Option<NaiveDateTime> {
    if !(1.0..2_958_466.0).contains(&n) {
        return None;
    }
    calamine::ExcelDateTime::new(n, calamine::ExcelDateTimeType::DateTime, false).as_datetime()
}
