//! The holiday calendar: the shipped tables against the State Council's notices, working-day
//! windows across the long holidays, month and year ends and a leap day, the weekends-only
//! fallback for years no table covers, config errors, and properties of working-day counting.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use chrono::{Datelike, NaiveDate, Weekday};
use huifang::config::{Config, WindowRule};
use huifang::domain::Anchor;
use huifang::rules::{Calendar, DayKind, Offset, windows_for};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn cn() -> Calendar {
    Calendar::shipped("cn").unwrap()
}

/// A holiday as the notice gives it: first day, last day (month, day), name.
type Holiday = ((u32, u32), (u32, u32), &'static str);

/// One year of a notice: holidays as (first, last, name), and the make-up working days.
struct Notice {
    year: i32,
    holidays: &'static [Holiday],
    makeup: &'static [(u32, u32)],
    /// The number of days off the notice names (共N天), per holiday, in order.
    lengths: &'static [i64],
}

/// 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号, 2023-10-25).
const N2024: Notice = Notice {
    year: 2024,
    holidays: &[
        ((1, 1), (1, 1), "元旦"),
        ((2, 10), (2, 17), "春节"),
        ((4, 4), (4, 6), "清明节"),
        ((5, 1), (5, 5), "劳动节"),
        ((6, 10), (6, 10), "端午节"),
        ((9, 15), (9, 17), "中秋节"),
        ((10, 1), (10, 7), "国庆节"),
    ],
    makeup: &[
        (2, 4),
        (2, 18),
        (4, 7),
        (4, 28),
        (5, 11),
        (9, 14),
        (9, 29),
        (10, 12),
    ],
    lengths: &[1, 8, 3, 5, 1, 3, 7],
};

/// 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12).
const N2025: Notice = Notice {
    year: 2025,
    holidays: &[
        ((1, 1), (1, 1), "元旦"),
        ((1, 28), (2, 4), "春节"),
        ((4, 4), (4, 6), "清明节"),
        ((5, 1), (5, 5), "劳动节"),
        ((5, 31), (6, 2), "端午节"),
        ((10, 1), (10, 8), "国庆节、中秋节"),
    ],
    makeup: &[(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)],
    lengths: &[1, 8, 3, 5, 3, 8],
};

/// 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
const N2026: Notice = Notice {
    year: 2026,
    holidays: &[
        ((1, 1), (1, 3), "元旦"),
        ((2, 15), (2, 23), "春节"),
        ((4, 4), (4, 6), "清明节"),
        ((5, 1), (5, 5), "劳动节"),
        ((6, 19), (6, 21), "端午节"),
        ((9, 25), (9, 27), "中秋节"),
        ((10, 1), (10, 7), "国庆节"),
    ],
    makeup: &[(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)],
    lengths: &[3, 9, 3, 5, 3, 3, 7],
};

fn check_notice(n: &Notice) {
    let cal = cn();
    let y = n.year;
    assert!(cal.covers(y), "{y} is covered");
    let mut holidays = BTreeMap::new();
    for (i, ((fm, fd), (tm, td), name)) in n.holidays.iter().enumerate() {
        let (from, to) = (d(y, *fm, *fd), d(y, *tm, *td));
        assert_eq!(
            (to - from).num_days() + 1,
            n.lengths[i],
            "{name} {y}: 共N天"
        );
        for day in from.iter_days().take_while(|x| *x <= to) {
            holidays.insert(day, *name);
        }
    }
    let makeup: BTreeSet<NaiveDate> = n.makeup.iter().map(|(m, dd)| d(y, *m, *dd)).collect();
    for m in &makeup {
        assert!(
            matches!(m.weekday(), Weekday::Sat | Weekday::Sun),
            "{m} is a weekend day"
        );
    }
    // Every day of the year, one by one.
    for day in d(y, 1, 1).iter_days().take_while(|x| x.year() == y) {
        let expected = if let Some(name) = holidays.get(&day) {
            DayKind::Holiday(name.to_string())
        } else if makeup.contains(&day) {
            DayKind::MakeupWorkday
        } else if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            DayKind::Weekend
        } else {
            DayKind::Workday
        };
        assert_eq!(cal.day_kind(day), expected, "{day}");
        assert_eq!(
            cal.is_workday(day),
            matches!(expected, DayKind::Workday | DayKind::MakeupWorkday),
            "{day}"
        );
    }
}

#[test]
fn table_2024_matches_the_notice_day_by_day() {
    check_notice(&N2024);
}

#[test]
fn table_2025_matches_the_notice_day_by_day() {
    check_notice(&N2025);
}

#[test]
fn table_2026_matches_the_notice_day_by_day() {
    check_notice(&N2026);
}

#[test]
fn every_make_up_day_is_listed() {
    let cal = cn();
    let all: Vec<NaiveDate> = d(2024, 1, 1)
        .iter_days()
        .take_while(|x| x.year() <= 2026)
        .filter(|x| cal.day_kind(*x) == DayKind::MakeupWorkday)
        .collect();
    let expected: Vec<NaiveDate> = [N2024, N2025, N2026]
        .iter()
        .flat_map(|n| n.makeup.iter().map(|(m, dd)| d(n.year, *m, *dd)))
        .collect();
    assert_eq!(all, expected);
    assert_eq!(all.len(), 8 + 5 + 6);
    assert_eq!(cal.years(), [2024, 2025, 2026]);
}

/// Config with one category whose windows count in working days.
fn config_with(windows: &str, extra: &str) -> Config {
    let text = format!("{extra}\n[categories.complaint]\nwindows = [{windows}]\n");
    Config::from_user_text(Some("t.toml"), &text).unwrap()
}

fn due_after(completed: NaiveDate, due: &str) -> (NaiveDate, String, Vec<i32>) {
    due_with(completed, due, "")
}

fn due_with(completed: NaiveDate, due: &str, extra: &str) -> (NaiveDate, String, Vec<i32>) {
    let c = config_with(
        &format!("{{ anchor = \"completion\", opens = \"0d\", due = \"{due}\" }}"),
        extra,
    );
    let rule = &c.categories["complaint"];
    let w = windows_for("complaint", rule, completed, None, c.calendar()).unwrap();
    assert_eq!(w.len(), 1);
    let w = &w[0];
    (w.due, w.explanation.clone(), w.uncovered_years.clone())
}

#[test]
fn spring_festival_2025() {
    // Mon before 除夕: 01-28..02-04 off, then Wed 02-05, Thu 02-06.
    let (due, why, uncovered) = due_after(d(2025, 1, 27), "2wd");
    assert_eq!(due, d(2025, 2, 6));
    assert!(why.contains("skipped 01-28..02-04 春节"), "{why}");
    assert!(uncovered.is_empty());
    // Fri 01-24: Sat weekend, Sun 01-26 is worked.
    let (due, why, _) = due_after(d(2025, 1, 24), "1wd");
    assert_eq!(due, d(2025, 1, 26));
    assert!(why.contains("counted make-up workday 01-26"), "{why}");
    // Fri 02-07: the make-up Saturday 02-08.
    assert_eq!(due_after(d(2025, 2, 7), "1wd").0, d(2025, 2, 8));
    // From inside the holiday.
    assert_eq!(due_after(d(2025, 1, 30), "1wd").0, d(2025, 2, 5));
    assert_eq!(due_after(d(2025, 1, 30), "0wd").0, d(2025, 2, 5));
}

#[test]
fn national_day_2025() {
    // 10-01..10-08 off; Thu 10-09, Fri 10-10, make-up Sat 10-11.
    let (due, why, _) = due_after(d(2025, 9, 30), "3wd");
    assert_eq!(due, d(2025, 10, 11));
    assert_eq!(
        why,
        "completed 2025-09-30; opens 2025-09-30 + 0d = 2025-09-30; due by the end of \
         2025-09-30 + 3wd = 2025-10-11 (3rd working day after 2025-09-30; skipped 10-01..10-08 \
         国庆节、中秋节; counted make-up workday 10-11)"
    );
    // Fri 09-26: Sat weekend, Sun 09-28 worked.
    assert_eq!(due_after(d(2025, 9, 26), "1wd").0, d(2025, 9, 28));
    assert_eq!(due_after(d(2025, 9, 26), "2wd").0, d(2025, 9, 29));
    assert_eq!(due_after(d(2025, 9, 30), "4wd").0, d(2025, 10, 13));
}

#[test]
fn spring_festival_2026() {
    // Fri 02-13: make-up Sat 02-14, 02-15..02-23 off, Tue 02-24, Wed 02-25.
    let (due, why, _) = due_after(d(2026, 2, 13), "3wd");
    assert_eq!(due, d(2026, 2, 25));
    assert!(why.contains("skipped 02-15..02-23 春节"), "{why}");
    assert!(why.contains("counted make-up workday 02-14"), "{why}");
    // Fri 02-27: make-up Sat 02-28, and a month end.
    assert_eq!(due_after(d(2026, 2, 27), "1wd").0, d(2026, 2, 28));
    assert_eq!(due_after(d(2026, 2, 27), "2wd").0, d(2026, 3, 2));
    // Five calendar days against five working days.
    assert_eq!(due_after(d(2026, 2, 12), "5d").0, d(2026, 2, 17));
    assert_eq!(due_after(d(2026, 2, 12), "5wd").0, d(2026, 2, 26));
}

#[test]
fn national_day_2026() {
    let (due, why, _) = due_after(d(2026, 9, 30), "3wd");
    assert_eq!(due, d(2026, 10, 10));
    assert!(
        why.contains(
            "2026-09-30 + 3wd = 2026-10-10 (3rd working day after 2026-09-30; skipped 10-01..10-07 国庆节; counted make-up workday 10-10)"
        ),
        "{why}"
    );
    // Fri 09-18: Sat weekend, make-up Sun 09-20.
    assert_eq!(due_after(d(2026, 9, 18), "1wd").0, d(2026, 9, 20));
    // Thu 09-24: 中秋 09-25..09-27, Mon 09-28, Tue 09-29.
    let (due, why, _) = due_after(d(2026, 9, 24), "2wd");
    assert_eq!(due, d(2026, 9, 29));
    assert!(why.contains("skipped 09-25..09-27 中秋节"), "{why}");
    // Across both: Thu 09-24 + 5wd = 09-28, 09-29, 09-30, 10-08, 10-09.
    assert_eq!(due_after(d(2026, 9, 24), "5wd").0, d(2026, 10, 9));
}

#[test]
fn month_ends() {
    assert_eq!(due_after(d(2026, 1, 30), "1wd").0, d(2026, 2, 2));
    // 劳动节 2026: 05-01..05-05.
    assert_eq!(due_after(d(2026, 4, 30), "1wd").0, d(2026, 5, 6));
    // 端午节 2025: 05-31..06-02.
    assert_eq!(due_after(d(2025, 5, 30), "1wd").0, d(2025, 6, 3));
    // 2024: make-up Sun 04-28 before 劳动节.
    assert_eq!(due_after(d(2024, 4, 26), "1wd").0, d(2024, 4, 28));
    assert_eq!(due_after(d(2024, 4, 30), "1wd").0, d(2024, 5, 6));
    assert_eq!(due_after(d(2024, 8, 30), "1wd").0, d(2024, 9, 2));
}

#[test]
fn year_ends() {
    // 2026 元旦 01-01..01-03, make-up Sun 01-04.
    let (due, why, uncovered) = due_after(d(2025, 12, 31), "1wd");
    assert_eq!(due, d(2026, 1, 4));
    assert!(why.contains("skipped 2026-01-01..2026-01-03 元旦"), "{why}");
    assert!(uncovered.is_empty());
    assert_eq!(due_after(d(2024, 12, 31), "1wd").0, d(2025, 1, 2));
    assert_eq!(due_after(d(2023, 12, 29), "1wd").0, d(2024, 1, 2));
    // Into a year no table covers: weekends only, and said.
    let (due, why, uncovered) = due_after(d(2026, 12, 31), "1wd");
    assert_eq!(due, d(2027, 1, 1));
    assert_eq!(uncovered, [2027]);
    assert!(
        why.contains("the holiday table has no 2027: counted weekends only"),
        "{why}"
    );
}

#[test]
fn leap_day_weekends_only_and_user_added() {
    // 2028 is in no shipped table: Mon 02-28 + 1wd is Tue 02-29, reported.
    let (due, _, uncovered) = due_after(d(2028, 2, 28), "1wd");
    assert_eq!(due, d(2028, 2, 29));
    assert_eq!(uncovered, [2028]);
    // A user adds 2028 (dates for the test, not a notice).
    let extra = "[holidays.years.2028]\nholidays = [{ date = \"2028-02-29\", name = \"测试假日\" }]\nmakeup_workdays = [\"2028-03-04\"]\n";
    let (due, why, uncovered) = due_with(d(2028, 2, 28), "1wd", extra);
    assert_eq!(due, d(2028, 3, 1));
    assert!(why.contains("skipped 02-29 测试假日"), "{why}");
    assert!(uncovered.is_empty());
    let (due, _, _) = due_with(d(2028, 3, 2), "2wd", extra);
    assert_eq!(due, d(2028, 3, 4), "Fri 03-03, make-up Sat 03-04");
    // Calendar months still clamp to the leap day.
    assert_eq!(due_after(d(2028, 1, 31), "1m").0, d(2028, 2, 29));
    // 2027 has no 02-29.
    let e = Config::from_user_text(
        Some("u.toml"),
        "[holidays.years.2027]\nholidays = [{ date = \"2027-02-29\", name = \"x\" }]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("u.toml:2: holidays.years.2027.holidays[0].date: `2027-02-29` is not a date"),
        "{e}"
    );
}

#[test]
fn uncovered_years_count_weekends_only_and_are_reported() {
    let cal = cn();
    assert!(!cal.covers(2023));
    assert!(!cal.covers(2027));
    // 2027-01-01 would be 元旦, but no notice is in the table: a plain Friday.
    assert_eq!(cal.day_kind(d(2027, 1, 1)), DayKind::Workday);
    assert_eq!(cal.day_kind(d(2027, 1, 2)), DayKind::Weekend);
    assert_eq!(
        cal.uncovered_years(d(2025, 6, 1), d(2028, 1, 1)),
        [2027, 2028]
    );
    let w = cal.add_working_days(d(2027, 9, 30), 3).unwrap();
    assert_eq!(w.date, d(2027, 10, 5));
    assert_eq!(w.uncovered_years, [2027]);
    // A year added by the user is covered, and replaces the table's year whole.
    let c = Config::from_user_text(
        None,
        "[holidays.years.2027]\nnotice = \"国务院办公厅关于2027年部分节假日安排的通知\"\nholidays = [{ date = \"2027-01-01\", name = \"元旦\" }]\n\n[holidays.years.2026]\nholidays = []\n",
    )
    .unwrap();
    let cal = c.calendar();
    assert!(cal.covers(2027));
    assert_eq!(cal.day_kind(d(2027, 1, 1)), DayKind::Holiday("元旦".into()));
    assert_eq!(cal.year_source(2027).unwrap().0, "config");
    assert_eq!(cal.day_kind(d(2026, 10, 1)), DayKind::Workday);
    assert_eq!(cal.day_kind(d(2026, 10, 10)), DayKind::Weekend);
    assert_eq!(cal.day_kind(d(2025, 10, 1)).code(), "holiday");
}

#[test]
fn another_table_replaces_the_chinese_one() {
    let c = Config::from_user_text(
        None,
        "[holidays]\ntable = \"none\"\n[holidays.years.2026]\nholidays = [{ from = \"2026-12-25\", to = \"2026-12-26\", name = \"Christmas\" }]\n",
    )
    .unwrap();
    let cal = c.calendar();
    assert_eq!(cal.name(), "none");
    assert_eq!(cal.years(), [2026]);
    assert_eq!(cal.day_kind(d(2026, 10, 1)), DayKind::Workday);
    assert_eq!(cal.day_kind(d(2026, 12, 25)).name(), Some("Christmas"));
    assert!(!cal.covers(2025));
}

#[test]
fn bad_holiday_entries_name_file_line_and_key() {
    let text = "\
timezone = \"system\"

[holidays.years.2026]
holidays = [
    { date = \"2026-10-01\", name = \"国庆节\" },
    { date = \"2026-02-30\", name = \"春节\" },
    { from = \"2026-05-05\", to = \"2026-05-01\", name = \"劳动节\" },
]
makeup_workdays = [\"2026-10-01\", \"2026-10-14\"]
";
    let e = Config::from_user_text(Some("u.toml"), text)
        .unwrap_err()
        .to_string();
    for want in [
        "u.toml:6: holidays.years.2026.holidays[1].date: `2026-02-30` is not a date",
        "u.toml:7: holidays.years.2026.holidays[2].to: 2026-05-01 is before the holiday starts (2026-05-05)",
        "u.toml:9: holidays.years.2026.makeup_workdays[0]: 2026-10-01 is listed both as a holiday (国庆节) and as a make-up working day",
        "u.toml:9: holidays.years.2026.makeup_workdays[1]: 2026-10-14 is a Wed",
    ] {
        assert!(e.contains(want), "missing `{want}` in:\n{e}");
    }
    let e = Config::from_user_text(Some("u.toml"), "[holidays]\ntable = \"hk\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "u.toml:2: holidays.table: unknown holiday table `hk`: expected one of cn, none"
        ),
        "{e}"
    );
    let e = Config::from_user_text(Some("u.toml"), "[holidays.years.2026]\nholiday = []\n")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("u.toml:2: holiday:"), "{e}");
    let e = Config::from_user_text(Some("u.toml"), "\n[holidays.years.next]\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("u.toml:2: holidays.years.next: `next` is not a year"),
        "{e}"
    );
    let e = Config::from_user_text(
        Some("u.toml"),
        "[holidays.years.2026]\nholidays = [{ date = \"2027-01-01\", name = \"元旦\" }]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("2027-01-01 is not in 2026"), "{e}");
}

#[test]
fn impossible_working_day_window_is_refused() {
    let e = Config::from_user_text(
        Some("u.toml"),
        "[categories.complaint]\nwindows = [{ anchor = \"completion\", opens = \"3wd\", due = \"3d\" }]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("u.toml:2: categories.complaint.windows: window 1 is impossible"),
        "{e}"
    );
}

fn huifang(args: &[&str], config: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_huifang"))
        .args(args)
        .arg("--config")
        .arg(&path)
        .arg("--db")
        .arg(dir.path().join("h.db"))
        .env("HUIFANG_NOW", "2026-09-30 10:00")
        .env_remove("LANG")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const WD_CONFIG: &str = "[categories.complaint]\nwindows = [{ anchor = \"completion\", opens = \"0d\", due = \"3wd\" }]\n";

#[test]
fn rules_explain_says_when_a_year_is_not_covered() {
    let (ok, out, err) = huifang(
        &[
            "rules",
            "explain",
            "complaint",
            "--completed",
            "2026-12-30 15:00",
            "--json",
        ],
        WD_CONFIG,
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "category", "rate", "role", "channels", "windows", "warnings",
    ] {
        assert!(v.get(key).is_some(), "{key} in {v}");
    }
    let w = &v["windows"][0];
    assert_eq!(w["kind"], "completion");
    assert_eq!(w["opens"], "2026-12-30");
    assert_eq!(w["due"], "2027-01-04");
    assert_eq!(w["uncovered_years"][0], 2027);
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].as_str().unwrap().contains("2027"),
        "{warnings:?}"
    );

    let (ok, out, _) = huifang(
        &[
            "rules",
            "explain",
            "complaint",
            "--completed",
            "2026-09-30 15:00",
            "--lang",
            "en",
        ],
        WD_CONFIG,
    );
    assert!(ok);
    assert!(out.contains("2026-10-10"), "{out}");
    assert!(out.contains("skipped 10-01..10-07 国庆节"), "{out}");
    assert!(!out.contains("has no"), "{out}");

    let (ok, out, _) = huifang(
        &[
            "rules",
            "explain",
            "complaint",
            "--completed",
            "2027-03-01 09:00",
            "--lang",
            "en",
        ],
        WD_CONFIG,
    );
    assert!(ok);
    assert!(out.contains("the holiday table (cn) has no 2027"), "{out}");
    let (ok, json, _) = huifang(
        &[
            "rules",
            "explain",
            "repair",
            "--completed",
            "2027-03-01 09:00",
            "--json",
        ],
        "",
    );
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["warnings"].as_array().unwrap().len(),
        0,
        "calendar days need no table"
    );
}

#[test]
fn calendar_command_lists_days() {
    let (ok, out, err) = huifang(
        &[
            "calendar",
            "--from",
            "2026-09-30",
            "--to",
            "2026-10-11",
            "--json",
        ],
        "",
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let days = v.as_array().unwrap();
    assert_eq!(days.len(), 12);
    assert_eq!(days[0]["date"], "2026-09-30");
    assert_eq!(days[0]["workday"], true);
    assert_eq!(days[0]["kind"], "workday");
    assert!(days[0]["name"].is_null());
    assert_eq!(days[1]["kind"], "holiday");
    assert_eq!(days[1]["name"], "国庆节");
    assert_eq!(days[1]["workday"], false);
    assert_eq!(days[10]["date"], "2026-10-10");
    assert_eq!(days[10]["kind"], "makeup_workday");
    assert_eq!(days[10]["workday"], true);
    assert_eq!(days[11]["kind"], "weekend");
    assert!(err.is_empty(), "{err}");

    let (ok, out, _) = huifang(
        &["calendar", "--from", "2026-12-30", "--to", "2027-01-02"],
        "",
    );
    assert!(ok);
    assert!(out.contains("调休") || out.contains("周末"), "{out}");
    assert!(out.contains("2027"), "{out}");
    assert!(out.contains("没有 2027 年"), "{out}");

    let (ok, _, err) = huifang(
        &["calendar", "--from", "2026-10-02", "--to", "2026-10-01"],
        "",
    );
    assert!(!ok);
    assert!(err.contains("--to"), "{err}");
}

fn offset(n: i32, unit: &str) -> Offset {
    format!("{n}{unit}").parse().unwrap()
}

fn calendars() -> Vec<Calendar> {
    let user = Config::from_user_text(
        None,
        "[holidays.years.2028]\nholidays = [{ from = \"2028-01-25\", to = \"2028-02-01\", name = \"春节\" }, { date = \"2028-02-29\", name = \"测试\" }]\nmakeup_workdays = [\"2028-01-23\", \"2028-02-05\"]\n",
    )
    .unwrap();
    vec![cn(), Calendar::weekends_only(), user.calendar().clone()]
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0i64..(365 * 7)).prop_map(|n| d(2023, 1, 1) + chrono::Days::new(n as u64))
}

proptest! {
    #[test]
    fn a_window_never_opens_after_it_is_due(
        anchor in any_date(),
        a in 0i32..40,
        extra in 0i32..40,
        units in prop::sample::select(vec![("d", "d"), ("w", "w"), ("m", "m"), ("wd", "wd"), ("d", "wd"), ("d", "w")]),
        which in 0usize..3,
    ) {
        let cal = &calendars()[which];
        let (ou, du) = units;
        // Same unit: a ≤ b. Days against working days: N days never reach past N working days.
        // (N working days against N weeks is not a property: 1wd from 2026-02-14 is 10 days.)
        let (opens, due) = (offset(a, ou), offset(a + extra, du));
        let config = Config::builtin();
        let mut rule = config.categories["complaint"].clone();
        rule.windows = vec![WindowRule { anchor: Anchor::Completion, opens, due }];
        let w = windows_for("complaint", &rule, anchor, None, cal).unwrap();
        prop_assert!(w[0].opens <= w[0].due, "{:?}", w[0]);
    }

    #[test]
    fn working_day_offsets_are_monotonic(anchor in any_date(), n in 0i32..120, which in 0usize..3) {
        let cal = &calendars()[which];
        let a = cal.add_working_days(anchor, n).unwrap().date;
        let b = cal.add_working_days(anchor, n + 1).unwrap().date;
        // 0wd on a day off is the next working day, which is also 1wd: equal there, strict after.
        if n == 0 {
            prop_assert!(a <= b, "{anchor} + 0wd = {a}, + 1wd = {b}");
        } else {
            prop_assert!(a < b, "{anchor} + {n}wd = {a}, + {}wd = {b}", n + 1);
        }
        prop_assert!(a >= anchor);
        let back = cal.add_working_days(anchor, -n - 1).unwrap().date;
        prop_assert!(back < anchor);
    }

    #[test]
    fn working_days_land_on_working_days(anchor in any_date(), n in -60i32..120, which in 0usize..3) {
        let cal = &calendars()[which];
        let w = cal.add_working_days(anchor, n).unwrap();
        prop_assert!(cal.is_workday(w.date), "{anchor} + {n}wd = {}", w.date);
        // Exactly |n| working days lie strictly between the anchor and the date (plus the date).
        let (lo, hi) = if w.date >= anchor { (anchor, w.date) } else { (w.date, anchor) };
        let between = lo.iter_days().skip(1).take_while(|x| *x < hi).filter(|x| cal.is_workday(*x)).count();
        if n != 0 {
            prop_assert_eq!(between + 1, n.unsigned_abs() as usize);
        }
        // Each skipped day is a day off, each counted make-up day a make-up day.
        for (day, kind) in &w.skipped {
            prop_assert!(!kind.is_workday());
            prop_assert_eq!(&cal.day_kind(*day), kind);
        }
        for day in &w.makeup_counted {
            prop_assert_eq!(cal.day_kind(*day), DayKind::MakeupWorkday);
        }
        let uncovered: Vec<i32> = cal.uncovered_years(anchor, w.date);
        prop_assert_eq!(&w.uncovered_years, &uncovered);
    }
}
