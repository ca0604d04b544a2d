//! Reading service events from files: CSV (UTF-8 with or without BOM, or GB18030/GBK as Excel
//! and WPS write it in a Chinese locale), JSON Lines, and spreadsheets (XLSX, XLS, ODS). A
//! mapping [`Profile`] turns another system's columns into huifang's fields; without one, the
//! columns are huifang's own (English or Chinese). Rows are checked against the rules here, so
//! that a file with one bad row is refused whole before anything is stored.

mod decode;
mod fields;
pub mod inspect;
mod profile;
mod source;

use std::collections::HashMap;
use std::path::Path;

use crate::config::Config;
use crate::domain::{CustomerKind, NewEvent};
use crate::error::BadInput;
use crate::workflow::check_event_with;

pub use decode::decode_text;
pub use fields::{Field, field_for_header};
pub use profile::{
    Mapped, Profile, ProfileSpec, SHIPPED, parse_with, save_profile, saved_profiles_dir,
};
pub use source::{Cell, Kind, Table, read_table, sheet_names};
use source::{SourceRow, csv_open};

/// A file read and checked: its good rows, and every problem as `FILE:LINE: field: problem`.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub name: String,
    /// `(line, event)` for each good row, in file order (only the first few when they were handed
    /// on as read: `cli::import` keeps those for a dry run's preview).
    pub rows: Vec<(usize, NewEvent)>,
    /// How many good rows the file has.
    pub good: usize,
    pub problems: Vec<String>,
    /// Things worth saying that do not stop the import (ignored columns).
    pub notes: Vec<String>,
    /// Data rows read (not counting empty ones).
    pub read: usize,
    /// Rows left out by the profile's filter.
    pub filtered: usize,
    /// Rows with at least one problem.
    pub bad_rows: usize,
}

impl ParsedFile {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// How to read a file: with which profile (default: huifang's own columns) and which sheet
/// (default: the profile's, else the first).
#[derive(Debug, Default, Clone, Copy)]
pub struct ReadOptions<'a> {
    pub profile: Option<&'a Profile>,
    pub sheet: Option<&'a str>,
}

/// Reads one file with huifang's own columns; the kind is told by its extension
/// (`.jsonl`/`.ndjson`, `.xlsx`/`.xls`/`.ods`…, else CSV).
pub fn read_file(path: &Path, config: &Config) -> Result<ParsedFile, BadInput> {
    read_file_with(path, config, ReadOptions::default())
}

/// Reads one file as `opts` say.
pub fn read_file_with(
    path: &Path,
    config: &Config,
    opts: ReadOptions<'_>,
) -> Result<ParsedFile, BadInput> {
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| BadInput::new(format!("{name}: cannot read: {e}")))?;
    Ok(parse_source(&name, path, &bytes, config, opts))
}

/// Parses a CSV or JSON Lines file's bytes with huifang's own columns. Never panics, whatever
/// the bytes.
pub fn parse_bytes(name: &str, bytes: &[u8], jsonl: bool, config: &Config) -> ParsedFile {
    let kind = Path::new(if jsonl { "f.jsonl" } else { "f.csv" });
    parse_source(name, kind, bytes, config, ReadOptions::default())
}

/// Parses a file's bytes, of the kind `path`'s extension tells. Never panics, whatever the bytes.
pub fn parse_source(
    name: &str,
    path: &Path,
    bytes: &[u8],
    config: &Config,
    opts: ReadOptions<'_>,
) -> ParsedFile {
    let mut rows = Vec::new();
    let mut out = parse_source_each(name, path, bytes, config, opts, &mut |p| {
        if let Parsed::Row(line, e) = p {
            rows.push((line, e));
        }
    });
    out.rows = rows;
    out
}

/// What a parse hands on as it goes.
// Handed over one at a time, never stored as such: boxing the row would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Parsed {
    /// The file is open: at most this many rows follow (a progress display's total).
    Table(usize),
    /// A good row, by line.
    Row(usize, NewEvent),
}

/// Reads `path` like [`read_file_with`], handing each good row to `sink` as soon as it is
/// checked instead of keeping them: an import stores them while the rest is read. The rows
/// handed on are good one by one; the file is good only if the returned problems are empty.
pub fn read_file_streamed(
    path: &Path,
    config: &Config,
    opts: ReadOptions<'_>,
    sink: &mut dyn FnMut(Parsed),
) -> Result<ParsedFile, BadInput> {
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| BadInput::new(format!("{name}: cannot read: {e}")))?;
    Ok(parse_source_each(&name, path, &bytes, config, opts, sink))
}

fn parse_source_each(
    name: &str,
    path: &Path,
    bytes: &[u8],
    config: &Config,
    opts: ReadOptions<'_>,
    sink: &mut dyn FnMut(Parsed),
) -> ParsedFile {
    let mut out = ParsedFile {
        name: name.to_string(),
        ..Default::default()
    };
    let builtin = Profile::builtin();
    let profile = opts.profile.unwrap_or(&builtin);
    let sheet = opts.sheet.or(profile.sheet.as_deref());
    // A CSV's rows are read as they are checked; the other kinds are read whole first.
    let text;
    let (table, total, rows): (Table, usize, Box<dyn Iterator<Item = SourceRow> + '_>) =
        if Kind::of(path) == Kind::Csv && sheet.is_none() {
            text = match decode_text(bytes) {
                Ok(t) => t,
                Err(e) => {
                    out.problems.push(format!("{name}: {e}"));
                    return out;
                }
            };
            match csv_open(name, &text, profile.header_row) {
                // At most one row per line after the header's (one for a last line without
                // a line break): a progress display's total.
                Ok((table, rows)) => {
                    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
                    let total = lines.saturating_sub(table.header_line);
                    (table, total, Box::new(rows))
                }
                Err(p) => {
                    out.problems.push(p);
                    return out;
                }
            }
        } else {
            match read_table(name, path, bytes, sheet, profile.header_row) {
                Ok(mut table) => {
                    // Each row's cells are let go once it is checked.
                    let rows = std::mem::take(&mut table.rows);
                    (table, rows.len(), Box::new(rows.into_iter().map(Ok)))
                }
                Err(p) => {
                    out.problems.push(p);
                    return out;
                }
            }
        };
    out.problems.extend(table.problems.iter().cloned());
    out.bad_rows += table.problems.len();
    let bound = match profile.bind(name, &table) {
        Ok(b) => b,
        Err((problems, notes)) => {
            out.notes = notes;
            out.problems.extend(problems);
            return out;
        }
    };
    out.notes.extend(bound.notes().iter().cloned());
    sink(Parsed::Table(total));
    let mut first_seen: HashMap<String, (usize, String)> = HashMap::new();
    let mut windows = crate::rules::WindowMemo::new(config);
    for row in rows {
        let (line, cells) = match row {
            Ok(row) => row,
            Err(p) => {
                // A record that cannot be read at all ends the file.
                out.problems.push(p);
                break;
            }
        };
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        out.read += 1;
        let (values, mut problems) = match bound.map(&cells) {
            Mapped::Filtered => {
                out.filtered += 1;
                continue;
            }
            Mapped::Row(v, p) => (v, p),
        };
        match build_event(&values, config) {
            Ok(event) if problems.is_empty() => {
                let checked = check_event_with(&mut windows, &event);
                if !checked.is_empty() {
                    out.bad_rows += 1;
                    for (field, p) in checked {
                        out.problems.push(format!("{name}:{line}: {field}: {p}"));
                    }
                    continue;
                }
                let fp = event.fingerprint();
                match first_seen.get(&event.reference) {
                    Some((first, seen)) if *seen != fp => {
                        out.bad_rows += 1;
                        out.problems.push(format!(
                            "{name}:{line}: ref: `{}` appears again with different content (first on line {first})",
                            event.reference
                        ));
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        first_seen.insert(event.reference.clone(), (line, fp));
                    }
                }
                out.good += 1;
                sink(Parsed::Row(line, event));
            }
            Ok(_) => {}
            Err(more) => {
                // A field the mapping already found wrong is not reported twice.
                let known: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
                problems.extend(more.into_iter().filter(|(f, _)| !known.contains(f)));
            }
        }
        if !problems.is_empty() {
            out.bad_rows += 1;
            for (field, p) in problems {
                out.problems.push(format!("{name}:{line}: {field}: {p}"));
            }
        }
    }
    out
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
    let customer_kind = CustomerKind::read(get(Field::CustomerKind)).unwrap_or_else(|| {
        problems.push((
            "customer_kind",
            format!(
                "`{}` is not a kind of customer: expected individual (个人客户) or organisation (企业客户)",
                get(Field::CustomerKind)
            ),
        ));
        CustomerKind::Individual
    });
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
            customer_kind,
            stage: get(Field::Stage).to_string(),
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
