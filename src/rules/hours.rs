//! Contact hours (不得随意打扰客户): when a customer may be called, and the spacing of retries.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration, NaiveDateTime, NaiveTime};

use super::{Calendar, DayKind};

/// A span of the day, `09:00-12:00` (start included, end excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl FromStr for Span {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let expected = || format!("`{s}` is not a span of hours: expected \"09:00-12:00\"");
        let (a, b) = s.split_once('-').ok_or_else(expected)?;
        let t = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").map_err(|_| expected());
        let (start, end) = (
            t(a)?,
            if b.trim() == "24:00" {
                NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
            } else {
                t(b)?
            },
        );
        if end <= start {
            return Err(format!("`{s}`: the span ends before it starts"));
        }
        Ok(Span { start, end })
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

impl<'de> serde::Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A length of time between tries: `2h`, `90min`, `1d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spacing(pub Duration);

impl FromStr for Spacing {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let expected =
            || format!("`{s}` is not a length of time: expected \"2h\", \"90min\" or \"1d\"");
        let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(expected)?;
        let (num, unit) = t.split_at(split);
        let n: i64 = num.parse().map_err(|_| expected())?;
        let d = match unit.trim() {
            "min" | "m" | "分钟" => Duration::minutes(n),
            "h" | "小时" => Duration::hours(n),
            "d" | "天" => Duration::days(n),
            _ => return Err(expected()),
        };
        if d > Duration::days(30) {
            return Err(format!("`{s}` is too long: at most 30 days"));
        }
        Ok(Spacing(d))
    }
}

impl fmt::Display for Spacing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0.num_minutes();
        if m % (24 * 60) == 0 && m > 0 {
            write!(f, "{}d", m / (24 * 60))
        } else if m % 60 == 0 && m > 0 {
            write!(f, "{}h", m / 60)
        } else {
            write!(f, "{m}min")
        }
    }
}

impl<'de> serde::Deserialize<'de> for Spacing {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Spacing {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// When calls may be made: spans of the day, and whether public holidays count.
#[derive(Debug, Clone, Copy)]
pub struct ContactHours<'a> {
    pub spans: &'a [Span],
    pub holidays: bool,
}

impl ContactHours<'_> {
    /// May the customer be called at `t`? No spans means any time.
    pub fn allows(&self, calendar: &Calendar, t: NaiveDateTime) -> bool {
        if !self.holidays && matches!(calendar.day_kind(t.date()), DayKind::Holiday(_)) {
            return false;
        }
        self.spans.is_empty()
            || self
                .spans
                .iter()
                .any(|s| s.start <= t.time() && t.time() < s.end)
    }

    /// The first callable moment at or after `t`, within 60 days.
    pub fn next_from(&self, calendar: &Calendar, t: NaiveDateTime) -> Option<NaiveDateTime> {
        if self.allows(calendar, t) {
            return Some(t);
        }
        let mut day = t.date();
        for _ in 0..60 {
            let holiday_blocked =
                !self.holidays && matches!(calendar.day_kind(day), DayKind::Holiday(_));
            if !holiday_blocked {
                let mut starts: Vec<NaiveDateTime> = if self.spans.is_empty() {
                    vec![day.and_time(NaiveTime::MIN)]
                } else {
                    self.spans.iter().map(|s| day.and_time(s.start)).collect()
                };
                starts.sort();
                if let Some(s) = starts.into_iter().find(|s| *s >= t) {
                    return Some(s);
                }
            }
            day = day.succ_opt()?;
        }
        None
    }

    pub fn describe(&self) -> String {
        if self.spans.is_empty() {
            return "any time".into();
        }
        self.spans
            .iter()
            .map(Span::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn spans_and_spacings_parse() {
        assert_eq!(
            "09:00-12:00".parse::<Span>().unwrap().to_string(),
            "09:00-12:00"
        );
        assert!("12:00-09:00".parse::<Span>().is_err());
        assert!("9-12".parse::<Span>().is_err());
        assert_eq!("2h".parse::<Spacing>().unwrap().0, Duration::hours(2));
        assert_eq!("90min".parse::<Spacing>().unwrap().to_string(), "90min");
        assert!("2x".parse::<Spacing>().is_err());
        assert!(
            "31d".parse::<Spacing>().is_err(),
            "at most 30 days, whatever the unit"
        );
        assert!("720h".parse::<Spacing>().is_ok());
    }

    #[test]
    fn lunch_break_and_holidays_are_respected() {
        let spans: Vec<Span> = ["09:00-12:00", "14:00-20:00"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let cal = Calendar::shipped("cn").unwrap();
        let h = ContactHours {
            spans: &spans,
            holidays: false,
        };
        assert!(h.allows(&cal, at("2026-12-03 10:00")));
        assert!(!h.allows(&cal, at("2026-12-03 12:30")));
        assert_eq!(
            h.next_from(&cal, at("2026-12-03 12:30")),
            Some(at("2026-12-03 14:00"))
        );
        assert_eq!(
            h.next_from(&cal, at("2026-12-03 20:00")),
            Some(at("2026-12-04 09:00"))
        );
        // 国庆节 2026-10-01..07 is held: the next callable time is the morning after it.
        assert_eq!(
            h.next_from(&cal, at("2026-09-30 21:00")),
            Some(at("2026-10-08 09:00"))
        );
        let open = ContactHours {
            spans: &spans,
            holidays: true,
        };
        assert!(open.allows(&cal, at("2026-10-02 10:00")));
    }
}
