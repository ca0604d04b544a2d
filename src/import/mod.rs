//! Reading service events from files: CSV (UTF-8 with or without BOM, or GB18030/GBK as Excel
//! and WPS write it in a Chinese locale) and JSON Lines. Rows are checked against the rules
//! here, so that a file with one bad row is refused whole before anything is stored.

mod decode;
mod fields;

use std::collections::HashMap;
use std::path::Path;

use crate::config::Config;
use crate::domain::NewEvent;
use crate::error::BadInput;
use crate::workflow::check_event;

pub use decode::decode_text;
pub use fields::{Field, field_for_header};

/// A file read and checked: its good rows, and every problem as `FILE:LINE: field: problem`.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub name: String,
    /// `(line, event)` for each row, in file order.
    pub rows: Vec<(usize, NewEvent)>,
    pub problems: Vec<String>,
    /// Things worth saying that do not stop the import (ignored columns).
    pub notes: Vec<String>,
}

impl ParsedFile {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Reads one file; the kind is told by its extension (`.jsonl`/`.ndjson`, else CSV).
pub fn read_file(path: &Path, config: &Config) -> Result<ParsedFile, BadInput> {
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| BadInput::new(format!("{name}: cannot read: {e}")))?;
    let jsonl = matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("jsonl" | "ndjson")
    );
    Ok(parse_bytes(&name, &bytes, jsonl, config))
}

/// Parses a file's bytes. Never panics, whatever the bytes.
pub fn parse_bytes(name: &str, bytes: &[u8], jsonl: bool, config: &Config) -> ParsedFile {
    let mut out = ParsedFile {
        name: name.to_string(),
        ..Default::default()
    };
    let text = match decode_text(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.problems.push(format!("{name}: {e}"));
            return out;
        }
    };
    let raw_rows = if jsonl {
        jsonl_rows(name, &text, &mut out)
    } else {
        csv_rows(name, &text, &mut out)
    };
    let mut first_seen: HashMap<String, (usize, String)> = HashMap::new();
    for (line, values) in raw_rows {
        match build_event(&values, config) {
            Ok(event) => {
                let problems = check_event(config, &event);
                if !problems.is_empty() {
                    for (field, p) in problems {
                        out.problems.push(format!("{name}:{line}: {field}: {p}"));
                    }
                    continue;
                }
                let fp = event.fingerprint();
                match first_seen.get(&event.reference) {
                    Some((first, seen)) if *seen != fp => out.problems.push(format!(
                        "{name}:{line}: ref: `{}` appears again with different content (first on line {first})",
                        event.reference
                    )),
                    Some(_) => {}
                    None => {
                        first_seen.insert(event.reference.clone(), (line, fp));
                    }
                }
                out.rows.push((line, event));
            }
            Err(problems) => {
                for (field, p) in problems {
                    out.problems.push(format!("{name}:{line}: {field}: {p}"));
                }
            }
        }
    }
    out
}

type RawRow = (usize, HashMap<Field, String>);

fn csv_rows(name: &str, text: &str, out: &mut ParsedFile) -> Vec<RawRow> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            out.problems
                .push(format!("{name}:1: header: cannot read the header row: {e}"));
            return Vec::new();
        }
    };
    let mut columns: Vec<Option<Field>> = Vec::new();
    for h in headers.iter() {
        let f = field_for_header(h);
        if f.is_none() && !h.trim().is_empty() {
            out.notes.push(format!(
                "{name}:1: column `{}` is not a huifang field and was ignored",
                h.trim()
            ));
        }
        columns.push(f);
    }
    for required in Field::REQUIRED {
        if !columns.contains(&Some(*required)) {
            out.problems.push(format!(
                "{name}:1: header: no `{}` column ({}): the columns are {}",
                required.key(),
                required.zh(),
                Field::ALL
                    .iter()
                    .map(|f| f.key())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if !out.problems.is_empty() {
        return Vec::new();
    }
    let mut rows = Vec::new();
    let mut lines = Lines::new(text);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| lines.start_line(p));
                if record.iter().all(|v| v.trim().is_empty()) {
                    continue;
                }
                let mut values = HashMap::new();
                for (i, v) in record.iter().enumerate() {
                    if let Some(Some(f)) = columns.get(i) {
                        values.insert(*f, v.trim().to_string());
                    }
                }
                rows.push((line, values));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.start_line(p));
                out.problems
                    .push(format!("{name}:{line}: row: cannot be read as CSV: {e}"));
                break;
            }
        }
    }
    rows
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

fn jsonl_rows(name: &str, text: &str, out: &mut ParsedFile) -> Vec<RawRow> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let obj: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(line) {
            Ok(o) => o,
            Err(e) => {
                out.problems
                    .push(format!("{name}:{line_no}: row: not a JSON object: {e}"));
                continue;
            }
        };
        let mut values = HashMap::new();
        for (k, v) in obj {
            let Some(f) = field_for_header(&k) else {
                out.notes.push(format!(
                    "{name}:{line_no}: key `{k}` is not a huifang field and was ignored"
                ));
                continue;
            };
            let s = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            values.insert(f, s.trim().to_string());
        }
        rows.push((line_no, values));
    }
    rows
}

/// Builds an event from a row's values (by field), or lists what is wrong with them, as
/// `(field, problem)`. Checks the values themselves; [`check_event`] checks them against the rules.
pub fn build_event(
    v: &HashMap<Field, String>,
    config: &Config,
) -> Result<NewEvent, Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    // Bounded first, so that no message quotes a 100 kB value and no such value is stored.
    for f in Field::ALL {
        let n = v.get(f).map_or(0, |s| s.chars().count());
        let max = f.max_chars();
        if n > max {
            problems.push((
                f.key(),
                format!("{n} characters is too long: at most {max} (is this the right column?)"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let get = |f: Field| v.get(&f).map(String::as_str).unwrap_or("");
    for f in Field::REQUIRED {
        if get(*f).is_empty() {
            problems.push((f.key(), "empty: this column is required".to_string()));
        }
    }
    let category = match config.category(get(Field::Category)) {
        Some((k, _)) => k.to_string(),
        None => {
            if !get(Field::Category).is_empty() {
                problems.push((
                    "category",
                    format!(
                        "unknown category `{}`: expected one of {} (or their Chinese names)",
                        get(Field::Category),
                        config.category_keys()
                    ),
                ));
            }
            String::new()
        }
    };
    let major = match parse_flag(get(Field::Major)) {
        Some(b) => b,
        None => {
            problems.push((
                "major",
                format!(
                    "`{}` is not yes or no: expected yes/no, true/false, 1/0, 是/否",
                    get(Field::Major)
                ),
            ));
            false
        }
    };
    let completed_at = match crate::clock::parse_datetime(get(Field::CompletedAt)) {
        Some(t) => Some(t),
        None => {
            if !get(Field::CompletedAt).is_empty() {
                problems.push(("completed_at", format!(
                    "`{}` is not a date-time: expected 2026-12-03 15:04, 2026/12/3 15:04 or 2026-12-03",
                    get(Field::CompletedAt)
                )));
            }
            None
        }
    };
    let mut date = |f: Field| {
        let s = get(f);
        if s.is_empty() {
            return None;
        }
        let d = crate::clock::parse_date(s)
            .or_else(|| crate::clock::parse_datetime(s).map(|t| t.date()));
        if d.is_none() {
            problems.push((
                f.key(),
                format!("`{s}` is not a date: expected 2026-12-03 or 2026/12/3"),
            ));
        }
        d
    };
    let contract_start = date(Field::ContractStart);
    let contract_end = date(Field::ContractEnd);
    match (problems.is_empty(), completed_at) {
        (true, Some(completed_at)) => Ok(NewEvent {
            reference: get(Field::Ref).to_string(),
            category,
            major,
            site: get(Field::Site).to_string(),
            customer: get(Field::Customer).to_string(),
            phone: get(Field::Phone).to_string(),
            unit: get(Field::Unit).to_string(),
            department: get(Field::Department).to_string(),
            matter: get(Field::Matter).to_string(),
            summary: get(Field::Summary).to_string(),
            completed_at,
            contract_start,
            contract_end,
        }),
        _ => Err(problems),
    }
}

/// Reads yes/no the ways spreadsheets write it. Empty is no.
pub fn parse_flag(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" | "否" | "一般" | "不是" => Some(false),
        "yes" | "y" | "true" | "1" | "是" | "重大" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_lines(text: &str) -> Vec<String> {
        parse_bytes("f.csv", text.as_bytes(), false, &Config::builtin())
            .problems
            .into_iter()
            .filter(|p| p.contains("plumbing"))
            .collect()
    }

    #[test]
    fn line_numbers_are_the_file_lines_whatever_the_line_ends() {
        let h = "ref,category,completed_at";
        for text in [
            format!("{h}\nA,complaint,2026-12-01\nB,plumbing,2026-12-01\n"),
            format!("{h}\r\nA,complaint,2026-12-01\r\nB,plumbing,2026-12-01\r\n"),
            format!("{h}\r\n\r\nA,complaint,2026-12-01\r\nB,plumbing,2026-12-01"),
        ] {
            let want = if text.contains("\r\n\r\n") { 4 } else { 3 };
            assert_eq!(
                bad_lines(&text),
                [format!(
                    "f.csv:{want}: category: unknown category `plumbing`: expected one of complaint|emergency|event|help|other|publication|repair|special_service (or their Chinese names)"
                )],
                "{text:?}"
            );
        }
        let ml = format!(
            "{h}\r\nA,complaint,\"2026-12-01\"\r\n\"B\r\n2\",plumbing,2026-12-01\r\nC,plumbing,2026-12-01\r\n"
        );
        let lines: Vec<_> = bad_lines(&ml)
            .iter()
            .map(|p| p.split(':').nth(1).unwrap().to_string())
            .collect();
        assert_eq!(lines, ["3", "5"]);
    }
}
