//! Working days: an official holiday schedule (a table per region, shipped in `assets/holidays/`,
//! with years a user adds or replaces in the config) laid over the plain Monday–Friday week.
//!
//! A year the table does not cover is never guessed: it is counted weekends only, and every
//! answer that touched such a year names it (`uncovered_years`) so that callers can say so.
//!
//! Pure: built from text and typed tables, asked about dates. Nothing here reads a file or a clock.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The holiday tables shipped in `assets/holidays/`, by the name `[holidays] table = "…"` takes.
pub const HOLIDAY_TABLES: &[(&str, &str)] =
    &[("cn", include_str!("../../assets/holidays/cn.toml"))];
/// The table used when the config names none.
pub const DEFAULT_TABLE: &str = "cn";
/// `table = "none"`: no shipped table; only the years in the config, weekends elsewhere.
pub const NO_TABLE: &str = "none";

/// A holiday table file: `name`, and `[years.YYYY]` tables.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HolidayTable {
    pub name: String,
    pub years: BTreeMap<String, YearTable>,
}

/// One year of a schedule, as written in a table or in the config's `[holidays.years.YYYY]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct YearTable {
    /// The notice the year comes from, shown by `calendar` and `rules explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// `{ date = "2026-01-01", name = "元旦" }` or `{ from = "2026-02-15", to = "2026-02-23", name = "春节" }`.
    pub holidays: Vec<HolidayEntry>,
    /// Weekend days that are worked (调休上班): `["2026-02-14", "2026-02-28"]`.
    pub makeup_workdays: Vec<String>,
}

/// A holiday: one `date`, or a range `from`..`to` (both included).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub name: String,
}

/// A problem with a table, at `path` below the year (`["makeup_workdays", "[2]"]`); array
/// elements are written `[i]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableProblem {
    pub path: Vec<String>,
    pub message: String,
}

impl TableProblem {
    fn at(path: &[&str], message: String) -> Self {
        Self {
            path: path.iter().map(|s| s.to_string()).collect(),
            message,
        }
    }
}

/// What kind of day a date is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DayKind {
    Workday,
    Weekend,
    /// A day off under the schedule, with the holiday's name.
    Holiday(String),
    /// A weekend day that is worked (调休上班).
    MakeupWorkday,
}

impl DayKind {
    pub fn is_workday(&self) -> bool {
        matches!(self, DayKind::Workday | DayKind::MakeupWorkday)
    }

    /// `workday`, `weekend`, `holiday` or `makeup_workday`.
    pub fn code(&self) -> &'static str {
        match self {
            DayKind::Workday => "workday",
            DayKind::Weekend => "weekend",
            DayKind::Holiday(_) => "holiday",
            DayKind::MakeupWorkday => "makeup_workday",
        }
    }

    /// The holiday's name, for a holiday.
    pub fn name(&self) -> Option<&str> {
        match self {
            DayKind::Holiday(n) => Some(n),
            _ => None,
        }
    }
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayKind::Holiday(n) => f.write_str(n),
            DayKind::MakeupWorkday => f.write_str("make-up workday"),
            k => f.write_str(k.code()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Year {
    holidays: BTreeMap<NaiveDate, String>,
    makeup: BTreeSet<NaiveDate>,
    notice: Option<String>,
    /// `cn` or `config`: where the year came from.
    source: String,
}

/// Working days under a holiday schedule. `Default` is weekends-only, covering no year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    name: String,
    years: BTreeMap<i32, Year>,
}

/// The answer of [`Calendar::add_working_days`], with what it skipped, for explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingDays {
    pub from: NaiveDate,
    pub n: i32,
    pub date: NaiveDate,
    /// The days passed over (not counted), in date order.
    pub skipped: Vec<(NaiveDate, DayKind)>,
    /// Make-up working days that were counted, in date order.
    pub makeup_counted: Vec<NaiveDate>,
    /// Years between `from` and `date` that the table does not cover (counted weekends only).
    pub uncovered_years: Vec<i32>,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A `[years.KEY]` key as a year.
pub fn parse_year_key(key: &str) -> Result<i32, String> {
    key.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .ok_or_else(|| format!("`{key}` is not a year: expected a year like 2027"))
}

impl YearTable {
    /// The year checked and compiled: every date a real date of `year`, no date twice, no date
    /// both a holiday and a make-up day, and make-up days on weekends.
    fn compile(&self, year: i32, source: &str) -> Result<Year, Vec<TableProblem>> {
        let mut problems = Vec::new();
        let mut holidays: BTreeMap<NaiveDate, String> = BTreeMap::new();
        let date_of = |path: &[&str], s: &str, problems: &mut Vec<TableProblem>| match parse_date(s)
        {
            None => {
                problems.push(TableProblem::at(
                    path,
                    format!("`{s}` is not a date: expected YYYY-MM-DD, like {year}-10-01"),
                ));
                None
            }
            Some(d) if d.year() != year => {
                problems.push(TableProblem::at(
                    path,
                    format!("{d} is not in {year}: a year's table lists only its own dates"),
                ));
                None
            }
            Some(d) => Some(d),
        };
        for (i, h) in self.holidays.iter().enumerate() {
            let idx = format!("[{i}]");
            let at = |field: &str| vec!["holidays".to_string(), idx.clone(), field.to_string()];
            let here = |field: &str, message: String| TableProblem {
                path: at(field),
                message,
            };
            let name = h.name.trim();
            if name.is_empty() {
                problems.push(here("name", "empty: a holiday needs its name".into()));
            }
            let range = match (&h.date, &h.from, &h.to) {
                (Some(d), None, None) => {
                    date_of(&["holidays", idx.as_str(), "date"], d, &mut problems).map(|d| (d, d))
                }
                (None, Some(f), Some(t)) => {
                    let f = date_of(&["holidays", idx.as_str(), "from"], f, &mut problems);
                    let t = date_of(&["holidays", idx.as_str(), "to"], t, &mut problems);
                    match (f, t) {
                        (Some(f), Some(t)) if t < f => {
                            problems.push(here(
                                "to",
                                format!("{t} is before the holiday starts ({f})"),
                            ));
                            None
                        }
                        (Some(f), Some(t)) => Some((f, t)),
                        _ => None,
                    }
                }
                (None, Some(_), None) => {
                    problems.push(here("from", "a range needs `to` as well".into()));
                    None
                }
                (None, None, Some(_)) => {
                    problems.push(here("to", "a range needs `from` as well".into()));
                    None
                }
                (None, None, None) => {
                    problems.push(here(
                        "name",
                        "no date: expected `date = \"YYYY-MM-DD\"` or `from` and `to`".into(),
                    ));
                    None
                }
                (Some(_), _, _) => {
                    problems.push(here(
                        "date",
                        "both `date` and a range: give one date, or `from` and `to`".into(),
                    ));
                    None
                }
            };
            if let Some((f, t)) = range {
                for d in f.iter_days().take_while(|d| *d <= t) {
                    if let Some(other) = holidays.insert(d, name.to_string()) {
                        problems.push(here(
                            if h.date.is_some() { "date" } else { "from" },
                            format!("{d} is listed twice (also {other})"),
                        ));
                    }
                }
            }
        }
        let mut makeup = BTreeSet::new();
        for (i, s) in self.makeup_workdays.iter().enumerate() {
            let idx = format!("[{i}]");
            let path = ["makeup_workdays", idx.as_str()];
            let Some(d) = date_of(&path, s, &mut problems) else {
                continue;
            };
            if let Some(name) = holidays.get(&d) {
                problems.push(TableProblem::at(
                    &path,
                    format!(
                        "{d} is listed both as a holiday ({name}) and as a make-up working day"
                    ),
                ));
            } else if !is_weekend(d) {
                problems.push(TableProblem::at(
                    &path,
                    format!(
                        "{d} is a {}: a make-up working day (调休上班) is a weekend day that is worked",
                        d.weekday()
                    ),
                ));
            } else if !makeup.insert(d) {
                problems.push(TableProblem::at(&path, format!("{d} is listed twice")));
            }
        }
        if problems.is_empty() {
            Ok(Year {
                holidays,
                makeup,
                notice: self.notice.clone(),
                source: source.to_string(),
            })
        } else {
            Err(problems)
        }
    }
}

impl Calendar {
    /// No table: every year is counted weekends only (and reported as uncovered).
    pub fn weekends_only() -> Self {
        Self {
            name: NO_TABLE.to_string(),
            years: BTreeMap::new(),
        }
    }

    /// A shipped table by name (`cn`), or `none` for [`Calendar::weekends_only`].
    pub fn shipped(name: &str) -> Option<Self> {
        if name == NO_TABLE {
            return Some(Self::weekends_only());
        }
        let (n, text) = HOLIDAY_TABLES.iter().find(|(n, _)| *n == name)?;
        Some(
            Self::from_table_text(n, text)
                .unwrap_or_else(|p| panic!("the shipped holiday table {n} is valid: {p:?}")),
        )
    }

    /// The names `[holidays] table` accepts.
    pub fn table_names() -> Vec<&'static str> {
        HOLIDAY_TABLES
            .iter()
            .map(|(n, _)| *n)
            .chain([NO_TABLE])
            .collect()
    }

    /// A table from its TOML text. Problems name the path from the file's root.
    pub fn from_table_text(name: &str, text: &str) -> Result<Self, Vec<TableProblem>> {
        let table: HolidayTable = toml::from_str(text).map_err(|e| {
            vec![TableProblem {
                path: Vec::new(),
                message: e.to_string(),
            }]
        })?;
        Self::from_table(name, &table)
    }

    pub fn from_table(name: &str, table: &HolidayTable) -> Result<Self, Vec<TableProblem>> {
        let mut cal = Self {
            name: name.to_string(),
            years: BTreeMap::new(),
        };
        let mut problems = Vec::new();
        for (key, y) in &table.years {
            let prefix = |mut p: TableProblem| {
                p.path.splice(0..0, ["years".to_string(), key.clone()]);
                p
            };
            match parse_year_key(key) {
                Err(m) => problems.push(prefix(TableProblem::at(&[], m))),
                Ok(year) => {
                    if let Err(ps) = cal.set_year(year, y, name) {
                        problems.extend(ps.into_iter().map(prefix));
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(cal)
        } else {
            Err(problems)
        }
    }

    /// Adds `year`, or replaces it whole (a user's year replaces the shipped one).
    pub fn set_year(
        &mut self,
        year: i32,
        table: &YearTable,
        source: &str,
    ) -> Result<(), Vec<TableProblem>> {
        let y = table.compile(year, source)?;
        self.years.insert(year, y);
        Ok(())
    }

    /// The table's name: `cn`, `none`…
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The years the table covers, in order.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// Where a covered year came from (`cn`, `config`) and the notice it follows.
    pub fn year_source(&self, year: i32) -> Option<(&str, Option<&str>)> {
        self.years
            .get(&year)
            .map(|y| (y.source.as_str(), y.notice.as_deref()))
    }

    /// Whether the table has `year`'s schedule.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The years from `a` to `b` (either order, both included) that the table does not cover.
    pub fn uncovered_years(&self, a: NaiveDate, b: NaiveDate) -> Vec<i32> {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        (lo.year()..=hi.year())
            .filter(|y| !self.covers(*y))
            .collect()
    }

    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        if let Some(y) = self.years.get(&date.year()) {
            if let Some(name) = y.holidays.get(&date) {
                return DayKind::Holiday(name.clone());
            }
            if y.makeup.contains(&date) {
                return DayKind::MakeupWorkday;
            }
        }
        if is_weekend(date) {
            DayKind::Weekend
        } else {
            DayKind::Workday
        }
    }

    pub fn is_workday(&self, date: NaiveDate) -> bool {
        self.day_kind(date).is_workday()
    }

    /// The `n`-th working day after `date`: "within N working days" is due by the end of it.
    ///
    /// `n = 0` is `date` itself when it is a working day, else the next working day (work done
    /// on a holiday is due on the first working day after it). A negative `n` counts back: the
    /// `|n|`-th working day before `date`. `None` only outside chrono's date range.
    pub fn add_working_days(&self, date: NaiveDate, n: i32) -> Option<WorkingDays> {
        let mut skipped = Vec::new();
        let mut makeup_counted = Vec::new();
        let step = |d: NaiveDate| {
            if n < 0 { d.pred_opt() } else { d.succ_opt() }
        };
        let mut d = date;
        if n == 0 {
            loop {
                match self.day_kind(d) {
                    DayKind::MakeupWorkday => {
                        makeup_counted.push(d);
                        break;
                    }
                    DayKind::Workday => break,
                    k => skipped.push((d, k)),
                }
                d = d.succ_opt()?;
            }
        } else {
            let mut counted = 0;
            while counted < n.unsigned_abs() {
                d = step(d)?;
                match self.day_kind(d) {
                    DayKind::MakeupWorkday => {
                        makeup_counted.push(d);
                        counted += 1;
                    }
                    DayKind::Workday => counted += 1,
                    k => skipped.push((d, k)),
                }
            }
        }
        skipped.sort_by_key(|(d, _)| *d);
        makeup_counted.sort();
        Some(WorkingDays {
            from: date,
            n,
            date: d,
            skipped,
            makeup_counted,
            uncovered_years: self.uncovered_years(date, d),
        })
    }
}

/// `1st`, `2nd`, `3rd`, `11th`, `22nd`…
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// At most this many runs of skipped days are spelled out in an explanation.
const RUNS_SHOWN: usize = 8;

impl WorkingDays {
    /// How the date was counted: "3rd working day after 2026-09-30; skipped 10-01..10-07 国庆节;
    /// counted make-up workday 10-10".
    pub fn summary(&self) -> String {
        let mut s = match self.n {
            0 if self.skipped.is_empty() => format!("{} is a working day", self.from),
            0 => format!("the first working day from {}", self.from),
            n if n > 0 => format!(
                "{} working day after {}",
                ordinal(n.unsigned_abs()),
                self.from
            ),
            n => format!(
                "{} working day before {}",
                ordinal(n.unsigned_abs()),
                self.from
            ),
        };
        let short = |d: NaiveDate| {
            if d.year() == self.from.year() {
                d.format("%m-%d").to_string()
            } else {
                d.to_string()
            }
        };
        let mut runs: Vec<(NaiveDate, NaiveDate, &DayKind)> = Vec::new();
        for (d, k) in &self.skipped {
            match runs.last_mut() {
                Some((_, end, kind)) if *kind == k && end.succ_opt() == Some(*d) => *end = *d,
                _ => runs.push((*d, *d, k)),
            }
        }
        if !runs.is_empty() {
            let mut parts: Vec<String> = runs
                .iter()
                .take(RUNS_SHOWN)
                .map(|(a, b, k)| {
                    if a == b {
                        format!("{} {k}", short(*a))
                    } else {
                        format!("{}..{} {k}", short(*a), short(*b))
                    }
                })
                .collect();
            if runs.len() > RUNS_SHOWN {
                parts.push(format!("and {} more", runs.len() - RUNS_SHOWN));
            }
            s.push_str("; skipped ");
            s.push_str(&parts.join(", "));
        }
        if !self.makeup_counted.is_empty() {
            let days: Vec<String> = self.makeup_counted.iter().map(|d| short(*d)).collect();
            s.push_str(&format!(
                "; counted make-up workday{} {}",
                if days.len() > 1 { "s" } else { "" },
                days.join(", ")
            ));
        }
        if !self.uncovered_years.is_empty() {
            let years: Vec<String> = self.uncovered_years.iter().map(i32::to_string).collect();
            s.push_str(&format!(
                "; the holiday table has no {}: counted weekends only",
                years.join(", ")
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn shipped_tables_are_valid() {
        for (name, _) in HOLIDAY_TABLES {
            let cal = Calendar::shipped(name).unwrap();
            assert!(!cal.years().is_empty(), "{name}");
        }
        assert!(Calendar::shipped("xx").is_none());
    }

    #[test]
    fn national_day_2026() {
        let cal = Calendar::shipped("cn").unwrap();
        let w = cal.add_working_days(d(2026, 9, 30), 3).unwrap();
        assert_eq!(w.date, d(2026, 10, 10));
        assert_eq!(
            w.summary(),
            "3rd working day after 2026-09-30; skipped 10-01..10-07 国庆节; counted make-up workday 10-10"
        );
    }

    #[test]
    fn zero_is_the_day_itself_or_the_next_workday() {
        let cal = Calendar::shipped("cn").unwrap();
        assert_eq!(
            cal.add_working_days(d(2026, 9, 30), 0).unwrap().date,
            d(2026, 9, 30)
        );
        assert_eq!(
            cal.add_working_days(d(2026, 10, 3), 0).unwrap().date,
            d(2026, 10, 8)
        );
        assert_eq!(
            cal.add_working_days(d(2026, 10, 12), -2).unwrap().date,
            d(2026, 10, 9)
        );
    }

    #[test]
    fn bad_years_are_located() {
        let y = YearTable {
            notice: None,
            holidays: vec![HolidayEntry {
                date: Some("2026-02-30".into()),
                from: None,
                to: None,
                name: "x".into(),
            }],
            makeup_workdays: vec!["2026-10-01".into()],
        };
        let e = y.compile(2026, "config").unwrap_err();
        assert_eq!(e[0].path, ["holidays", "[0]", "date"]);
        assert!(e[0].message.contains("`2026-02-30` is not a date"), "{e:?}");
        assert_eq!(e[1].path, ["makeup_workdays", "[0]"]);
        assert!(e[1].message.contains("is a Thu"), "{e:?}");
    }

    #[test]
    fn ordinals() {
        let o: Vec<_> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111]
            .map(ordinal)
            .into();
        assert_eq!(
            o,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
                "101st", "111th"
            ]
        );
    }
}
