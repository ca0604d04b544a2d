//! Mapping profiles: how another system's export becomes huifang's fields. A profile (TOML, in
//! `[profiles.NAME]` of the config or a file of its own) names for each field a column (by
//! header or position), a template joining columns, or a constant; value maps with a default or
//! an error for unmapped values; date formats tried in order; cleaning; a row filter; and a
//! prefix for refs. It turns a source row into the `HashMap<Field, String>` that
//! [`super::build_event`] reads, so validation stays in one place.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::fields::{Field, field_for_header};
use super::source::{Cell, Table, excel_serial};
use crate::config::{Config, key_path, locate, toml_error};
use crate::error::BadInput;

/// The profiles shipped in `assets/profiles/`, by the name `--profile` takes.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "property-work-orders",
        include_str!("../../assets/profiles/property-work-orders.toml"),
    ),
    (
        "hotline-12345",
        include_str!("../../assets/profiles/hotline-12345.toml"),
    ),
    ("us-311", include_str!("../../assets/profiles/us-311.toml")),
];

/// A profile as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileSpec {
    /// What the profile is for.
    pub description: Option<String>,
    /// The sheet of a workbook to read (default: the first; `--sheet` wins).
    pub sheet: Option<String>,
    /// The row holding the headers, 1-based, counting non-empty rows (default 1): title rows
    /// above it are skipped.
    pub header_row: Option<usize>,
    /// Put before every ref, so that refs of two systems never collide: `"WO-"`.
    pub ref_prefix: Option<String>,
    /// Date formats tried in order for date fields written as text (chrono `strftime`).
    pub date_formats: Vec<String>,
    /// field → `"header"`, `3` (the 3rd column), `"{楼栋}-{单元}-{房号}"` (a template), or
    /// `{ column = "…", fallback = "…" }` (the fallback when the column is empty).
    pub fields: BTreeMap<String, toml::Value>,
    /// field → a value for what the source does not carry (or leaves empty).
    pub constants: BTreeMap<String, toml::Value>,
    /// field → value map.
    pub values: BTreeMap<String, ValueMapSpec>,
    pub clean: CleanSpec,
    /// Only rows passing this are imported; the others are counted.
    pub filter: Option<FilterSpec>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ValueMapSpec {
    /// source value → huifang value (`"报修" = "repair"`, `"是" = true`).
    pub map: BTreeMap<String, toml::Value>,
    /// The value for an unmapped source value; without it an unmapped value is a problem row.
    pub default: Option<toml::Value>,
    /// `error` (default) or `keep` (pass unmapped values on unchanged).
    pub unmapped: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CleanSpec {
    /// Trim spaces, tabs and line breaks around every cell (default true).
    pub trim: bool,
    /// Collapse inner runs of spaces and tabs to one space: `true` for every field, or a list.
    pub collapse_spaces: Option<toml::Value>,
}

impl Default for CleanSpec {
    fn default() -> Self {
        Self {
            trim: true,
            collapse_spaces: None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FilterSpec {
    /// The column tested, by header or position.
    pub column: Option<toml::Value>,
    /// Keep rows whose value is this (or one of these).
    pub equals: Option<toml::Value>,
    /// Leave out rows whose value is this (or one of these).
    pub not_equals: Option<toml::Value>,
}

/// A column named by its header or its 1-based position.
#[derive(Debug, Clone, PartialEq)]
pub enum ColRef {
    Header(String),
    Position(usize),
}

impl std::fmt::Display for ColRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColRef::Header(h) => write!(f, "`{h}`"),
            ColRef::Position(p) => write!(f, "column {p}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Lit(String),
    Col(ColRef),
}

#[derive(Debug, Clone, PartialEq)]
enum Source {
    Column(ColRef),
    Template(Vec<Piece>),
    Fallback(Box<Source>, Box<Source>),
}

#[derive(Debug, Clone, PartialEq)]
struct ValueMap {
    map: Vec<(String, String)>,
    default: Option<String>,
    keep: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    column: ColRef,
    equals: Vec<String>,
    not_equals: Vec<String>,
}

/// A profile checked and ready to map rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Where it came from, for messages: a file, `config.toml [profiles.x]`, or `shipped x`.
    pub origin: String,
    pub sheet: Option<String>,
    pub header_row: usize,
    ref_prefix: String,
    date_formats: Vec<String>,
    fields: Vec<(Field, Source)>,
    constants: HashMap<Field, String>,
    values: HashMap<Field, ValueMap>,
    trim: bool,
    collapse: HashSet<Field>,
    filter: Option<Filter>,
    /// The built-in mapping: columns by huifang's own header names.
    builtin: bool,
}

/// Where a profile is written, to name file, line and key in its errors.
struct Origin<'a> {
    file: &'a str,
    text: &'a str,
    prefix: Vec<&'a str>,
}

impl Origin<'_> {
    fn problem(&self, path: &[&str], msg: impl std::fmt::Display) -> String {
        let full: Vec<&str> = self
            .prefix
            .iter()
            .copied()
            .chain(path.iter().copied())
            .collect();
        let line = locate(self.text, &full)
            .or_else(|| locate(self.text, &full[..full.len().saturating_sub(1)]))
            .unwrap_or(1);
        format!("{}:{line}: {}: {msg}", self.file, key_path(&full))
    }
}

fn value_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

fn one_or_many(v: &toml::Value) -> Option<Vec<String>> {
    match v {
        toml::Value::Array(a) => a.iter().map(value_text).collect(),
        other => value_text(other).map(|s| vec![s]),
    }
}

fn col_ref(v: &toml::Value) -> Result<ColRef, String> {
    match v {
        toml::Value::String(s) if !s.trim().is_empty() => Ok(ColRef::Header(s.trim().to_string())),
        toml::Value::Integer(i) if *i >= 1 => Ok(ColRef::Position(*i as usize)),
        other => Err(format!(
            "`{other}` is not a column: expected a header (\"完成时间\") or a position from 1"
        )),
    }
}

/// Parses `"{楼栋}-{单元}-{房号}"`. `{{` and `}}` are literal braces; `{3}` is the 3rd column
/// when no header is called `3`.
fn template(s: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some('{') | None => {
                            return Err(format!(
                                "bad template `{s}`: a `{{` is not closed by `}}`"
                            ));
                        }
                        Some(c) => name.push(c),
                    }
                }
                if name.trim().is_empty() {
                    return Err(format!(
                        "bad template `{s}`: `{{}}` names no column: write `{{HEADER}}` or `{{3}}`"
                    ));
                }
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Col(ColRef::Header(name.trim().to_string())));
            }
            '}' => {
                return Err(format!(
                    "bad template `{s}`: a `}}` has no `{{` (write `}}}}` for a brace)"
                ));
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    if !pieces.iter().any(|p| matches!(p, Piece::Col(_))) {
        return Err(format!(
            "bad template `{s}`: it names no column; use [constants] for a fixed value"
        ));
    }
    Ok(pieces)
}

fn source(v: &toml::Value) -> Result<Source, String> {
    match v {
        toml::Value::String(s) if s.contains('{') || s.contains('}') => {
            template(s).map(Source::Template)
        }
        toml::Value::String(_) | toml::Value::Integer(_) => col_ref(v).map(Source::Column),
        toml::Value::Table(t) => {
            let mut primary = None;
            let mut fallback = None;
            for (k, v) in t {
                match k.as_str() {
                    "column" => primary = Some(col_ref(v).map(Source::Column)?),
                    "template" => {
                        let s = v.as_str().ok_or("template: expected a string")?;
                        primary = Some(Source::Template(template(s)?));
                    }
                    "fallback" => fallback = Some(source(v)?),
                    other => {
                        return Err(format!(
                            "unknown key `{other}`: expected column, template or fallback"
                        ));
                    }
                }
            }
            let primary = primary.ok_or("no `column` or `template`")?;
            Ok(match fallback {
                Some(f) => Source::Fallback(Box::new(primary), Box::new(f)),
                None => primary,
            })
        }
        other => Err(format!(
            "`{other}` is not a source: expected a header, a position, a template or {{ column = …, fallback = … }}"
        )),
    }
}

fn field_names() -> String {
    Field::ALL
        .iter()
        .map(|f| f.key())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Profile {
    /// The built-in mapping: huifang's own column names (English or Chinese), nothing else.
    pub fn builtin() -> Profile {
        Profile {
            origin: "huifang's own columns".into(),
            sheet: None,
            header_row: 1,
            ref_prefix: String::new(),
            date_formats: Vec::new(),
            fields: Vec::new(),
            constants: HashMap::new(),
            values: HashMap::new(),
            trim: true,
            collapse: HashSet::new(),
            filter: None,
            builtin: true,
        }
    }

    /// Reads a profile file's text. Every error names the file, line and key.
    pub fn from_text(file: &str, text: &str, config: &Config) -> Result<Profile, BadInput> {
        let spec: ProfileSpec = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
        Profile::compile(&spec, file, text, &[], config)
    }

    /// Checks a spec written in `text` (under the keys `prefix`, for a config's profile).
    pub fn compile(
        spec: &ProfileSpec,
        file: &str,
        text: &str,
        prefix: &[&str],
        config: &Config,
    ) -> Result<Profile, BadInput> {
        let at = Origin {
            file,
            text,
            prefix: prefix.to_vec(),
        };
        let mut problems = Vec::new();
        let field = |k: &str| field_for_header(k);
        let mut fields = Vec::new();
        for (k, v) in &spec.fields {
            match (field(k), source(v)) {
                (None, _) => problems.push(at.problem(
                    &["fields", k],
                    format!("unknown field `{k}`: expected one of {}", field_names()),
                )),
                (_, Err(e)) => problems.push(at.problem(&["fields", k], e)),
                (Some(f), Ok(s)) => fields.push((f, s)),
            }
        }
        let mut constants = HashMap::new();
        for (k, v) in &spec.constants {
            match (field(k), value_text(v)) {
                (None, _) => problems.push(at.problem(
                    &["constants", k],
                    format!("unknown field `{k}`: expected one of {}", field_names()),
                )),
                (_, None) => problems.push(at.problem(
                    &["constants", k],
                    "expected a string, a number or true/false",
                )),
                (Some(f), Some(s)) => {
                    constants.insert(f, s);
                }
            }
        }
        let mut values = HashMap::new();
        for (k, vm) in &spec.values {
            let Some(f) = field(k) else {
                problems.push(at.problem(
                    &["values", k],
                    format!("unknown field `{k}`: expected one of {}", field_names()),
                ));
                continue;
            };
            let check_target = |path: &[&str], v: &toml::Value, problems: &mut Vec<String>| {
                let full: Vec<&str> = ["values", k.as_str()]
                    .iter()
                    .copied()
                    .chain(path.iter().copied())
                    .collect();
                let Some(s) = value_text(v) else {
                    problems.push(at.problem(&full, "expected a string or true/false"));
                    return None;
                };
                if f == Field::Category && config.category(&s).is_none() {
                    problems.push(at.problem(
                        &full,
                        format!(
                            "unknown category `{s}`: expected one of {}",
                            config.category_keys()
                        ),
                    ));
                }
                if f == Field::Major && super::parse_flag(&s).is_none() {
                    problems.push(at.problem(&full, format!("`{s}` is not yes or no")));
                }
                Some(s)
            };
            let mut map = Vec::new();
            for (src, v) in &vm.map {
                if let Some(s) = check_target(&["map", src], v, &mut problems) {
                    map.push((src.trim().to_string(), s));
                }
            }
            let default = vm
                .default
                .as_ref()
                .and_then(|v| check_target(&["default"], v, &mut problems));
            let keep = match vm.unmapped.as_deref() {
                None | Some("error") => false,
                Some("keep") => true,
                Some(other) => {
                    problems.push(at.problem(
                        &["values", k, "unmapped"],
                        format!("`{other}` is not a choice: expected \"error\" or \"keep\""),
                    ));
                    false
                }
            };
            if keep && default.is_some() {
                problems.push(at.problem(
                    &["values", k, "unmapped"],
                    "`unmapped = \"keep\"` and a `default` exclude each other",
                ));
            }
            values.insert(f, ValueMap { map, default, keep });
        }
        for (i, fmt) in spec.date_formats.iter().enumerate() {
            let idx = format!("[{i}]");
            let bad = chrono::format::StrftimeItems::new(fmt)
                .any(|it| matches!(it, chrono::format::Item::Error));
            if bad || fmt.trim().is_empty() {
                problems.push(at.problem(
                    &["date_formats", &idx],
                    format!("`{fmt}` is not a date format: expected e.g. \"%Y/%m/%d %H:%M:%S\""),
                ));
            }
        }
        let mut collapse = HashSet::new();
        match &spec.clean.collapse_spaces {
            None | Some(toml::Value::Boolean(false)) => {}
            Some(toml::Value::Boolean(true)) => collapse.extend(Field::ALL.iter().copied()),
            Some(toml::Value::Array(a)) => {
                for v in a {
                    match v.as_str().and_then(field) {
                        Some(f) => {
                            collapse.insert(f);
                        }
                        None => problems.push(at.problem(
                            &["clean", "collapse_spaces"],
                            format!("`{v}` is not a field: expected some of {}", field_names()),
                        )),
                    }
                }
            }
            Some(other) => problems.push(at.problem(
                &["clean", "collapse_spaces"],
                format!("`{other}`: expected true, false or a list of fields"),
            )),
        }
        let filter = match &spec.filter {
            None => None,
            Some(fs) => {
                let column = match fs.column.as_ref().map(col_ref) {
                    Some(Ok(c)) => Some(c),
                    Some(Err(e)) => {
                        problems.push(at.problem(&["filter", "column"], e));
                        None
                    }
                    None => {
                        problems.push(at.problem(&["filter"], "no `column` to test"));
                        None
                    }
                };
                let list = |key: &str, v: &Option<toml::Value>, problems: &mut Vec<String>| match v
                {
                    None => Vec::new(),
                    Some(v) => one_or_many(v).unwrap_or_else(|| {
                        problems.push(
                            at.problem(&["filter", key], "expected a value or a list of values"),
                        );
                        Vec::new()
                    }),
                };
                let equals = list("equals", &fs.equals, &mut problems);
                let not_equals = list("not_equals", &fs.not_equals, &mut problems);
                if equals.is_empty() && not_equals.is_empty() {
                    problems.push(at.problem(&["filter"], "no `equals` or `not_equals`"));
                }
                column.map(|column| Filter {
                    column,
                    equals,
                    not_equals,
                })
            }
        };
        for f in Field::REQUIRED {
            if !fields.iter().any(|(g, _)| g == f) && !constants.contains_key(f) {
                problems.push(at.problem(
                    &["fields"],
                    format!(
                        "no source for `{}` ({}), which is required: name its column under [fields] or give it under [constants]",
                        f.key(),
                        f.zh()
                    ),
                ));
            }
        }
        if spec.header_row == Some(0) {
            problems.push(at.problem(&["header_row"], "rows count from 1"));
        }
        if !problems.is_empty() {
            return Err(BadInput::many(problems));
        }
        let origin = if prefix.is_empty() {
            file.to_string()
        } else {
            format!("{file} [{}]", key_path(prefix))
        };
        Ok(Profile {
            origin,
            sheet: spec.sheet.clone(),
            header_row: spec.header_row.unwrap_or(1),
            ref_prefix: spec.ref_prefix.clone().unwrap_or_default(),
            date_formats: spec.date_formats.clone(),
            fields,
            constants,
            values,
            trim: spec.clean.trim,
            collapse,
            filter,
            builtin: false,
        })
    }

    /// Finds `--profile FILE|NAME`: a file (a path, or a name ending in `.toml`), else a
    /// `[profiles.NAME]` of the config, a saved profile (`--save-profile`), or a shipped one.
    pub fn find(arg: &str, config: &Config) -> Result<Profile, BadInput> {
        let path = Path::new(arg);
        let looks_like_file = arg.ends_with(".toml") || arg.contains('/') || arg.contains('\\');
        if looks_like_file || (path.is_file() && !config.profiles.contains_key(arg)) {
            let text = std::fs::read_to_string(path)
                .map_err(|e| BadInput::new(format!("--profile: {arg}: cannot read: {e}")))?;
            return Profile::from_text(arg, &text, config);
        }
        if let Some(p) = config.profile(arg) {
            return Ok(p.clone());
        }
        if let Some(saved) = saved_profile_path(arg).filter(|p| p.is_file()) {
            let file = saved.display().to_string();
            let text = std::fs::read_to_string(&saved)
                .map_err(|e| BadInput::new(format!("{file}: cannot read: {e}")))?;
            return Profile::from_text(&file, &text, config);
        }
        if let Some((n, text)) = SHIPPED.iter().find(|(n, _)| *n == arg) {
            return Profile::from_text(&format!("assets/profiles/{n}.toml"), text, config);
        }
        let mut names: Vec<String> = config.profiles.keys().cloned().collect();
        names.extend(saved_profile_names());
        names.extend(SHIPPED.iter().map(|(n, _)| n.to_string()));
        Err(BadInput::new(format!(
            "--profile: no profile or file `{arg}`: the profiles are {}",
            names.join(", ")
        )))
    }

    /// Resolves the profile's columns against a table's headers. Problems name the header line.
    pub fn bind(&self, name: &str, table: &Table) -> Result<Bound<'_>, (Vec<String>, Vec<String>)> {
        let mut problems = Vec::new();
        let mut notes = Vec::new();
        let hl = table.header_line.max(1);
        let mut resolve = |c: &ColRef, what: &str, problems: &mut Vec<String>| -> Option<usize> {
            let found = match c {
                ColRef::Header(h) => table.column(h).or_else(|| {
                    // `{3}` in a template: the 3rd column, when no header is called `3`.
                    h.parse::<usize>()
                        .ok()
                        .filter(|p| *p >= 1 && *p <= table.headers.len())
                        .map(|p| p - 1)
                }),
                ColRef::Position(p) => (*p <= table.headers.len()).then(|| p - 1),
            };
            if found.is_none() {
                problems.push(format!(
                    "{name}:{hl}: header: {what} names column {c}, which the file does not have (profile {}): the columns are {}",
                    self.origin,
                    table
                        .headers
                        .iter()
                        .enumerate()
                        .map(|(i, h)| format!("{} {h}", i + 1))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            found
        };
        fn bind_source(
            s: &Source,
            what: &str,
            problems: &mut Vec<String>,
            resolve: &mut Resolve<'_>,
        ) -> BoundSource {
            match s {
                Source::Column(c) => BoundSource::Column(resolve(c, what, problems).unwrap_or(0)),
                Source::Template(ps) => BoundSource::Template(
                    ps.iter()
                        .map(|p| match p {
                            Piece::Lit(l) => BoundPiece::Lit(l.clone()),
                            Piece::Col(c) => {
                                BoundPiece::Col(resolve(c, what, problems).unwrap_or(0))
                            }
                        })
                        .collect(),
                ),
                Source::Fallback(a, b) => BoundSource::Fallback(
                    Box::new(bind_source(a, what, problems, resolve)),
                    Box::new(bind_source(b, what, problems, resolve)),
                ),
            }
        }
        let mut fields = Vec::new();
        if self.builtin {
            for (i, h) in table.headers.iter().enumerate() {
                match field_for_header(h) {
                    Some(f) => fields.push((f, BoundSource::Column(i))),
                    None if !h.trim().is_empty() && table.tabular => notes.push(format!(
                        "{name}:{hl}: column `{}` is not a huifang field and was ignored",
                        h.trim()
                    )),
                    None if !h.trim().is_empty() => notes.push(format!(
                        "{name}: key `{}` is not a huifang field and was ignored",
                        h.trim()
                    )),
                    None => {}
                }
            }
            if table.tabular {
                for required in Field::REQUIRED {
                    if !fields.iter().any(|(f, _)| f == required) {
                        problems.push(format!(
                            "{name}:{hl}: header: no `{}` column ({}): the columns are {}",
                            required.key(),
                            required.zh(),
                            field_names()
                        ));
                    }
                }
            }
        } else {
            for (f, s) in &self.fields {
                let what = format!("fields.{}", f.key());
                fields.push((*f, bind_source(s, &what, &mut problems, &mut resolve)));
            }
        }
        let filter = self.filter.as_ref().map(|flt| {
            (
                resolve(&flt.column, "filter.column", &mut problems).unwrap_or(0),
                flt,
            )
        });
        if problems.is_empty() {
            Ok(Bound {
                profile: self,
                fields,
                filter,
                notes,
            })
        } else {
            Err((problems, notes))
        }
    }
}

/// Finds a column of the table, or records why not.
type Resolve<'a> = dyn FnMut(&ColRef, &str, &mut Vec<String>) -> Option<usize> + 'a;

#[derive(Debug)]
enum BoundPiece {
    Lit(String),
    Col(usize),
}

#[derive(Debug)]
enum BoundSource {
    Column(usize),
    Template(Vec<BoundPiece>),
    Fallback(Box<BoundSource>, Box<BoundSource>),
}

/// A profile bound to one table's columns.
#[derive(Debug)]
pub struct Bound<'p> {
    profile: &'p Profile,
    fields: Vec<(Field, BoundSource)>,
    filter: Option<(usize, &'p Filter)>,
    notes: Vec<String>,
}

/// What a profile makes of one row.
#[derive(Debug)]
pub enum Mapped {
    /// Left out by the profile's filter.
    Filtered,
    /// The values by field, and the problems found while mapping (unmapped values, dates in
    /// none of the formats), as `(field, problem)`.
    Row(HashMap<Field, String>, Vec<(&'static str, String)>),
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() && c != '\n' && c != '\r' {
            space = true;
        } else {
            if space && !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

fn is_date_field(f: Field) -> bool {
    matches!(
        f,
        Field::CompletedAt | Field::ContractStart | Field::ContractEnd
    )
}

/// The text `build_event` reads for a date-time: `2026-12-03 15:04:05`.
fn fmt_dt(t: NaiveDateTime) -> String {
    crate::clock::iso_seconds(t)
}

/// Parses a text date with one format: as a date-time, or a date alone at midnight.
pub fn parse_with(s: &str, fmt: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, fmt).ok().or_else(|| {
        NaiveDate::parse_from_str(s, fmt)
            .ok()
            .map(|d| d.and_time(NaiveTime::MIN))
    })
}

impl Bound<'_> {
    /// Things worth saying that do not stop the import (ignored columns).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    fn cell<'c>(&self, cells: &'c [Cell], i: usize) -> std::borrow::Cow<'c, Cell> {
        use std::borrow::Cow;
        match cells.get(i) {
            Some(Cell::Text(s)) if self.profile.trim => {
                let t = s.trim();
                if t.is_empty() {
                    Cow::Owned(Cell::Empty)
                } else if t.len() == s.len() {
                    Cow::Borrowed(&cells[i])
                } else {
                    Cow::Owned(Cell::Text(t.to_string()))
                }
            }
            Some(c) => Cow::Borrowed(c),
            None => Cow::Owned(Cell::Empty),
        }
    }

    fn eval(&self, s: &BoundSource, cells: &[Cell]) -> Cell {
        match s {
            BoundSource::Column(i) => self.cell(cells, *i).into_owned(),
            BoundSource::Template(ps) => {
                let mut out = String::new();
                let mut any = false;
                for p in ps {
                    match p {
                        BoundPiece::Lit(l) => out.push_str(l),
                        BoundPiece::Col(i) => {
                            let c = self.cell(cells, *i);
                            if !c.is_empty() {
                                any = true;
                            }
                            out.push_str(&c.text());
                        }
                    }
                }
                if any { Cell::Text(out) } else { Cell::Empty }
            }
            BoundSource::Fallback(a, b) => {
                let v = self.eval(a, cells);
                if v.is_empty() { self.eval(b, cells) } else { v }
            }
        }
    }

    /// Maps one row.
    pub fn map(&self, cells: &[Cell]) -> Mapped {
        let p = self.profile;
        if let Some((i, flt)) = self.filter {
            let v = self.cell(cells, i).text();
            let v = v.trim();
            let pass = (flt.equals.is_empty() || flt.equals.iter().any(|e| e == v))
                && !flt.not_equals.iter().any(|e| e == v);
            if !pass {
                return Mapped::Filtered;
            }
        }
        let mut values = HashMap::with_capacity(self.fields.len() + p.constants.len());
        let mut problems = Vec::new();
        for (f, s) in &self.fields {
            let cell = self.eval(s, cells);
            let text = if is_date_field(*f) {
                match self.date(&cell) {
                    Ok(t) => t,
                    Err(e) => {
                        problems.push((f.key(), e));
                        continue;
                    }
                }
            } else {
                cell.text()
            };
            // Two columns of one field (`编号` on one JSON line, `ref` on another): the value
            // that is there wins.
            match values.get_mut(f) {
                Some(v) if !text.is_empty() => *v = text,
                Some(_) => {}
                None => {
                    values.insert(*f, text);
                }
            }
        }
        for (f, c) in &p.constants {
            let v = values.entry(*f).or_default();
            if v.is_empty() {
                v.clone_from(c);
            }
        }
        for (f, v) in values.iter_mut() {
            if p.collapse.contains(f) {
                *v = collapse_spaces(v);
            }
            if let Some(vm) = p.values.get(f) {
                if v.is_empty() && !vm.map.iter().any(|(k, _)| k.is_empty()) {
                    continue;
                }
                let found = vm
                    .map
                    .iter()
                    .find(|(k, _)| k == v)
                    .or_else(|| vm.map.iter().find(|(k, _)| k.eq_ignore_ascii_case(v)));
                match (found, &vm.default) {
                    (Some((_, to)), _) => v.clone_from(to),
                    (None, Some(d)) => v.clone_from(d),
                    (None, None) if vm.keep => {}
                    (None, None) => {
                        let mut known: Vec<&str> = vm.map.iter().map(|(k, _)| k.as_str()).collect();
                        known.truncate(12);
                        problems.push((
                            f.key(),
                            format!(
                                "`{v}` is not in the profile's value map (values.{}): expected one of {}, or give the map a `default`",
                                f.key(),
                                known.join(", ")
                            ),
                        ));
                    }
                }
            }
        }
        if !p.ref_prefix.is_empty()
            && let Some(r) = values.get_mut(&Field::Ref).filter(|r| !r.is_empty())
        {
            r.insert_str(0, &p.ref_prefix);
        }
        Mapped::Row(values, problems)
    }

    fn date(&self, cell: &Cell) -> Result<String, String> {
        let formats = &self.profile.date_formats;
        match cell {
            Cell::Empty => Ok(String::new()),
            Cell::DateTime(t) => Ok(fmt_dt(*t)),
            Cell::Number(n) => excel_serial(*n)
                .map(fmt_dt)
                .ok_or_else(|| format!("the number {n} is not a date-time")),
            Cell::Bool(b) => Err(format!("`{b}` is not a date-time")),
            Cell::Text(s) => {
                let s = s.trim();
                if let Some(t) = formats.iter().find_map(|f| parse_with(s, f)) {
                    return Ok(fmt_dt(t));
                }
                if formats.is_empty() || crate::clock::parse_datetime(s).is_some() {
                    return Ok(s.to_string());
                }
                Err(format!(
                    "`{s}` is not a date-time in any of the profile's date_formats ({})",
                    formats.join(" | ")
                ))
            }
        }
    }
}

/// The folder `--save-profile` writes to: `profiles/` in the config dir.
pub fn saved_profiles_dir() -> Option<std::path::PathBuf> {
    crate::config::project_dirs().map(|d| d.config_dir().join("profiles"))
}

fn saved_profile_path(name: &str) -> Option<std::path::PathBuf> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    ok.then(|| saved_profiles_dir().map(|d| d.join(format!("{name}.toml"))))
        .flatten()
}

fn saved_profile_names() -> Vec<String> {
    let Some(dir) = saved_profiles_dir() else {
        return Vec::new();
    };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".toml"))
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// Writes a proposed profile as `NAME.toml` in the saved profiles' folder; never overwrites.
pub fn save_profile(name: &str, text: &str) -> Result<std::path::PathBuf, BadInput> {
    let path = saved_profile_path(name).ok_or_else(|| {
        BadInput::new(format!(
            "--save-profile: `{name}` is not a profile name: use letters, digits, - and _"
        ))
    })?;
    if path.exists() {
        return Err(BadInput::new(format!(
            "--save-profile: {} exists already: edit it, or save under another name",
            path.display()
        )));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            BadInput::new(format!(
                "--save-profile: cannot create {}: {e}",
                dir.display()
            ))
        })?;
    }
    std::fs::write(&path, text).map_err(|e| {
        BadInput::new(format!(
            "--save-profile: cannot write {}: {e}",
            path.display()
        ))
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(text: &str) -> Result<Profile, BadInput> {
        Profile::from_text("p.toml", text, &Config::builtin())
    }

    const BASE: &str =
        "[fields]\nref = \"工单编号\"\ncategory = \"类型\"\ncompleted_at = \"完成时间\"\n";

    #[test]
    fn templates_parse_and_bad_ones_are_named() {
        assert_eq!(
            template("{楼栋}-{单元}").unwrap(),
            [
                Piece::Col(ColRef::Header("楼栋".into())),
                Piece::Lit("-".into()),
                Piece::Col(ColRef::Header("单元".into()))
            ]
        );
        let e = compile(&format!("{BASE}unit = \"{{楼栋}}-{{单元\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.toml:5: fields.unit: bad template"), "{e}");
    }

    #[test]
    fn unknown_keys_and_fields_name_line_and_key() {
        let e = compile(&format!("{BASE}\n[constants]\nsight = \"x\"\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("p.toml:7: constants.sight: unknown field"),
            "{e}"
        );
        let e = compile(&format!("refprefix = \"A\"\n{BASE}"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.toml:1: refprefix: unknown field"), "{e}");
    }

    #[test]
    fn value_map_targets_and_date_formats_are_checked() {
        let e = compile(&format!(
            "date_formats = [\"%Y\", \"%Q\"]\n{BASE}[values.category.map]\n\"报修\" = \"repiar\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("p.toml:1: date_formats[1]: `%Q`"), "{e}");
        assert!(
            e.contains("p.toml:7: values.category.map.报修: unknown category `repiar`"),
            "{e}"
        );
    }

    #[test]
    fn required_fields_need_a_source() {
        let e = compile("[fields]\nref = 1\n").unwrap_err().to_string();
        assert!(e.contains("fields: no source for `category`"), "{e}");
        assert!(e.contains("fields: no source for `completed_at`"), "{e}");
    }

    #[test]
    fn dates_with_and_without_padding_and_am_pm() {
        for (s, f) in [
            ("2026/1/5 9:04:05", "%Y/%m/%d %H:%M:%S"),
            ("2026/01/05 09:04:05", "%Y/%m/%d %H:%M:%S"),
            ("1/5/2026 9:04:05 AM", "%m/%d/%Y %I:%M:%S %p"),
        ] {
            assert_eq!(
                parse_with(s, f).map(fmt_dt).as_deref(),
                Some("2026-01-05 09:04:05"),
                "{s}"
            );
        }
        assert_eq!(
            parse_with("12/03/2026 03:04:05 PM", "%m/%d/%Y %I:%M:%S %p").map(fmt_dt),
            Some("2026-12-03 15:04:05".into())
        );
        assert_eq!(
            parse_with("2026/12/3", "%Y/%m/%d").map(fmt_dt),
            Some("2026-12-03 00:00:00".into())
        );
    }

    #[test]
    fn collapsing_keeps_line_breaks() {
        assert_eq!(collapse_spaces("a  \t b\u{3000}\u{3000}c\nd"), "a b c\nd");
    }
}
