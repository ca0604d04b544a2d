//! The one clock everything asks: wall time in the configured zone, or `HUIFANG_NOW`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::Serializer;

use crate::error::BadInput;

pub const DATETIME_FMT: &str = "%Y-%m-%d %H:%M";

/// The time zone days are counted in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    /// The system's zone (honours `TZ`).
    System,
    Named(chrono_tz::Tz),
}

impl Zone {
    /// `"system"` (or empty) or an IANA name such as `Asia/Shanghai`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() || s.eq_ignore_ascii_case("system") || s.eq_ignore_ascii_case("local") {
            return Ok(Zone::System);
        }
        s.parse::<chrono_tz::Tz>()
            .map(Zone::Named)
            .map_err(|_| format!("unknown time zone `{s}`: expected \"system\" or an IANA name such as \"Asia/Shanghai\""))
    }

    fn local_of(self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::System => t.with_timezone(&chrono::Local).naive_local(),
            Zone::Named(tz) => t.with_timezone(&tz).naive_local(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Clock {
    zone: Zone,
    frozen: Option<NaiveDateTime>,
}

impl Clock {
    /// A clock in `zone`, frozen at `HUIFANG_NOW` when that is set.
    pub fn from_env(zone: Zone) -> Result<Self, BadInput> {
        let frozen = match std::env::var("HUIFANG_NOW") {
            Ok(v) if !v.trim().is_empty() => Some(parse_now(&v, zone).ok_or_else(|| {
                BadInput::new(format!(
                    "HUIFANG_NOW: `{v}` is not a time: expected RFC 3339 (2026-12-03T10:00:00+08:00) or `YYYY-MM-DD HH:MM`"
                ))
            })?),
            _ => None,
        };
        Ok(Self { zone, frozen })
    }

    /// A clock stopped at `at` (tests).
    pub fn fixed(at: NaiveDateTime) -> Self {
        Self {
            zone: Zone::System,
            frozen: Some(at),
        }
    }

    pub fn zone(&self) -> Zone {
        self.zone
    }

    pub fn now(&self) -> NaiveDateTime {
        self.frozen
            .unwrap_or_else(|| self.zone.local_of(Utc::now()))
    }

    pub fn today(&self) -> NaiveDate {
        self.now().date()
    }
}

fn parse_now(s: &str, zone: Zone) -> Option<NaiveDateTime> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Some(zone.local_of(t.with_timezone(&Utc)));
    }
    parse_datetime(s)
}

/// Reads the date-times people and spreadsheets write: `2026-12-03 15:04`, `2026/12/3 15:04`,
/// with or without seconds, a `T` between, or a bare date (taken as midnight).
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    // The shape huifang itself writes (and most exports use), read without a format string: a
    // million-row import spends a good part of its time here otherwise.
    if let Some(t) = parse_iso_fast(s) {
        return Some(t);
    }
    const FORMATS: &[&str] = &[
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y.%m.%d %H:%M",
    ];
    FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| parse_date(s).map(|d| d.and_time(NaiveTime::MIN)))
}

/// `2026-12-03 15:04` or `2026-12-03 15:04:05`, exactly; `None` for anything else (which the
/// format strings then read, or refuse).
fn parse_iso_fast(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if !(b.len() == 16 || b.len() == 19) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' {
        return None;
    }
    let sec = if b.len() == 19 {
        if b[16] != b':' {
            return None;
        }
        num(17..19)?
    } else {
        0
    };
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    date.and_hms_opt(num(11..13)?, num(14..16)?, sec)
}

/// Appends `n` as `width` decimal digits (`n` < 10^width): no format machinery, which a bulk
/// import would run millions of times.
fn push_digits(out: &mut String, n: u32, width: u32) {
    for i in (0..width).rev() {
        out.push(char::from(b'0' + (n / 10u32.pow(i) % 10) as u8));
    }
}

/// `2026-12-03`, what `%Y-%m-%d` (and `NaiveDate`'s Display) gives, without a format string.
pub fn iso_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    if !(0..=9999).contains(&d.year()) {
        return d.format("%Y-%m-%d").to_string();
    }
    let mut out = String::with_capacity(10);
    push_digits(&mut out, d.year() as u32, 4);
    out.push('-');
    push_digits(&mut out, d.month(), 2);
    out.push('-');
    push_digits(&mut out, d.day(), 2);
    out
}

/// `2026-12-03 15:04:05`, without a format string (what `%Y-%m-%d %H:%M:%S` gives).
pub fn iso_seconds(t: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    if !(0..=9999).contains(&t.year()) {
        return t.format("%Y-%m-%d %H:%M:%S").to_string();
    }
    let mut out = iso_date(t.date());
    out.reserve(9);
    out.push(' ');
    push_digits(&mut out, t.hour(), 2);
    out.push(':');
    push_digits(&mut out, t.minute(), 2);
    out.push(':');
    push_digits(&mut out, t.second(), 2);
    out
}

/// `2026-12`, the month of `t` (what `%Y-%m` gives).
pub fn iso_month(t: NaiveDateTime) -> String {
    use chrono::Datelike;
    if !(0..=9999).contains(&t.year()) {
        return t.format("%Y-%m").to_string();
    }
    let mut out = String::with_capacity(7);
    push_digits(&mut out, t.year() as u32, 4);
    out.push('-');
    push_digits(&mut out, t.month(), 2);
    out
}

/// Reads a date: `2026-12-03`, `2026/12/3`, `2026.12.3`, `20261203`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .or_else(|| {
            (s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| NaiveDate::parse_from_str(s, "%Y%m%d").ok())
                .flatten()
        })
}

/// Formats a date-time the way huifang prints and stores it: `2026-12-03 15:04`.
pub fn fmt_datetime(t: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    if !(0..=9999).contains(&t.year()) {
        return t.format(DATETIME_FMT).to_string();
    }
    // Without the format-string machinery: `due --json` writes thousands of these.
    let mut out = iso_date(t.date());
    out.push(' ');
    push_digits(&mut out, t.hour(), 2);
    out.push(':');
    push_digits(&mut out, t.minute(), 2);
    out
}

/// `2026-12-03` exactly, read without a format string (how the store keeps dates).
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// A stored date-time (`2026-12-03 15:04:05`), read without a format string.
pub fn parse_iso_datetime(s: &str) -> Option<NaiveDateTime> {
    (s.len() == 19).then(|| parse_iso_fast(s)).flatten()
}

pub fn ser_datetime<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&fmt_datetime(*t))
}

/// Serialises a date as `2026-12-03` without the format machinery (`due --json` writes thousands).
pub fn ser_date<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&iso_date(*d))
}

pub fn ser_opt_datetime<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&fmt_datetime(*t)),
        None => s.serialize_none(),
    }
}

/// Midnight at the start of `d`, in a zone-free sense.
pub fn start_of(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

#[cfg(test)]
mod fast_format_tests {
    use super::*;

    #[test]
    fn the_fast_paths_agree_with_the_format_strings() {
        let t = NaiveDate::from_ymd_opt(2026, 2, 3)
            .unwrap()
            .and_hms_opt(7, 4, 9)
            .unwrap();
        assert_eq!(iso_seconds(t), t.format("%Y-%m-%d %H:%M:%S").to_string());
        assert_eq!(iso_month(t), t.format("%Y-%m").to_string());
        assert_eq!(fmt_datetime(t), t.format(DATETIME_FMT).to_string());
        assert_eq!(parse_iso_date("2026-02-03"), Some(t.date()));
        assert_eq!(parse_iso_date("2026-02-30"), None);
        assert_eq!(parse_iso_datetime("2026-02-03 07:04:09"), Some(t));
        for s in [
            "2026-02-03 07:04:09",
            "2026-02-03 07:04",
            "2026-12-31 23:59:59",
        ] {
            assert_eq!(parse_iso_fast(s), {
                let f = if s.len() == 19 {
                    "%Y-%m-%d %H:%M:%S"
                } else {
                    "%Y-%m-%d %H:%M"
                };
                NaiveDateTime::parse_from_str(s, f).ok()
            });
        }
        for s in [
            "2026-02-30 07:04",
            "2026-13-01 07:04",
            "2026-02-03 24:00",
            "2026-2-3 07:04:00",
            "2026/02/03 07:04",
        ] {
            assert_eq!(parse_iso_fast(s), None, "{s}");
        }
        assert_eq!(
            parse_datetime("2026-2-3 7:04"),
            NaiveDateTime::parse_from_str("2026-2-3 7:04", "%Y-%m-%d %H:%M").ok()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_common_date_styles() {
        let want = NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(15, 4, 0)
            .unwrap();
        assert_eq!(parse_datetime("2026-12-03 15:04"), Some(want));
        assert_eq!(parse_datetime("2026/12/3 15:04"), Some(want));
        assert_eq!(parse_datetime(" 2026-12-03T15:04:00 "), Some(want));
        assert_eq!(parse_datetime("2026-12-03"), Some(start_of(want.date())));
        assert_eq!(parse_datetime("2026-02-30"), None);
        assert_eq!(parse_datetime("tomorrow"), None);
        assert_eq!(parse_date("2026年12月3日"), Some(want.date()));
    }

    #[test]
    fn hand_formatting_is_what_chrono_formats() {
        for (y, m, d, h, mi, sec) in [
            (2026, 12, 3, 15, 4, 5),
            (1, 1, 1, 0, 0, 0),
            (9999, 9, 30, 23, 59, 59),
        ] {
            let t = NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, mi, sec)
                .unwrap();
            assert_eq!(iso_seconds(t), t.format("%Y-%m-%d %H:%M:%S").to_string());
            assert_eq!(iso_month(t), t.format("%Y-%m").to_string());
            assert_eq!(iso_date(t.date()), t.date().to_string());
        }
    }

    #[test]
    fn rfc3339_now_is_converted_to_the_zone() {
        let zone = Zone::parse("Asia/Shanghai").unwrap();
        let t = parse_now("2026-12-03T02:00:00Z", zone).unwrap();
        assert_eq!(fmt_datetime(t), "2026-12-03 10:00");
    }
}
