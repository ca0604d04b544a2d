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
    t.format(DATETIME_FMT).to_string()
}

pub fn ser_datetime<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&fmt_datetime(*t))
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
    fn rfc3339_now_is_converted_to_the_zone() {
        let zone = Zone::parse("Asia/Shanghai").unwrap();
        let t = parse_now("2026-12-03T02:00:00Z", zone).unwrap();
        assert_eq!(fmt_datetime(t), "2026-12-03 10:00");
    }
}
