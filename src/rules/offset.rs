use chrono::{Days, Months, NaiveDate};
use std::fmt;
use std::str::FromStr;

use super::calendar::{Calendar, WorkingDays};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetUnit {
    Days,
    Weeks,
    Months,
    /// Working days under the holiday calendar (`3wd`).
    WorkingDays,
}

/// A signed distance from an anchor date: `0d`, `2d`, `1w`, `2m`, `3wd`, `-3d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset {
    pub amount: i32,
    pub unit: OffsetUnit,
}

impl Offset {
    pub const ZERO: Offset = Offset {
        amount: 0,
        unit: OffsetUnit::Days,
    };

    /// `date` moved by this offset. Months are calendar months, clamped to the month's end
    /// (Jan 31 + 1m = Feb 28/29). Working days count on `calendar`: `Nwd` is the N-th working
    /// day after `date`, `0wd` the date itself if it is a working day, else the next one (see
    /// [`Calendar::add_working_days`]). `None` only outside chrono's date range.
    pub fn apply(self, date: NaiveDate, calendar: &Calendar) -> Option<NaiveDate> {
        self.resolve(date, calendar).map(|r| r.date)
    }

    /// Like [`Offset::apply`], with how working days were counted, for explanations.
    pub fn resolve(self, date: NaiveDate, calendar: &Calendar) -> Option<Resolved> {
        let n = self.amount.unsigned_abs();
        let forward = self.amount >= 0;
        let plain = |date: Option<NaiveDate>| {
            date.map(|date| Resolved {
                date,
                working: None,
            })
        };
        match self.unit {
            OffsetUnit::Days | OffsetUnit::Weeks => {
                let days =
                    Days::new(u64::from(n) * if self.unit == OffsetUnit::Weeks { 7 } else { 1 });
                plain(if forward {
                    date.checked_add_days(days)
                } else {
                    date.checked_sub_days(days)
                })
            }
            OffsetUnit::Months => {
                let m = Months::new(n);
                plain(if forward {
                    date.checked_add_months(m)
                } else {
                    date.checked_sub_months(m)
                })
            }
            OffsetUnit::WorkingDays => {
                let w = calendar.add_working_days(date, self.amount)?;
                Some(Resolved {
                    date: w.date,
                    working: Some(w),
                })
            }
        }
    }

    /// The same distance the other way.
    pub fn negated(self) -> Offset {
        Offset {
            amount: -self.amount,
            unit: self.unit,
        }
    }

    pub fn is_working_days(self) -> bool {
        self.unit == OffsetUnit::WorkingDays
    }

    /// A rough length in days, to compare offsets of different units.
    pub fn approx_days(self) -> i64 {
        let n = i64::from(self.amount);
        match self.unit {
            OffsetUnit::Days => n,
            OffsetUnit::Weeks => n * 7,
            OffsetUnit::Months => n * 30,
            OffsetUnit::WorkingDays => n * 7 / 5,
        }
    }
}

/// An offset applied to a date: the date, and for working days how they were counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub date: NaiveDate,
    pub working: Option<WorkingDays>,
}

impl FromStr for Offset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let expected = || {
            format!(
                "`{s}` is not an offset: expected a whole number and a unit, like \"0d\", \"2d\", \"1w\", \"2m\" or \"3wd\" (days, weeks, months, working days)"
            )
        };
        let split = t.find(|c: char| c.is_alphabetic()).ok_or_else(expected)?;
        let (num, unit) = t.split_at(split);
        let amount: i32 = num.trim().parse().map_err(|_| expected())?;
        if amount.abs() > 3650 {
            return Err(format!("`{s}` is too far: offsets are at most 3650 units"));
        }
        let unit = match unit.trim() {
            "d" | "day" | "days" | "天" => OffsetUnit::Days,
            "w" | "week" | "weeks" | "周" => OffsetUnit::Weeks,
            "m" | "month" | "months" | "月" => OffsetUnit::Months,
            "wd" | "workday" | "workdays" | "working_day" | "working_days" | "工作日" => {
                OffsetUnit::WorkingDays
            }
            _ => return Err(expected()),
        };
        Ok(Offset { amount, unit })
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = match self.unit {
            OffsetUnit::Days => "d",
            OffsetUnit::Weeks => "w",
            OffsetUnit::Months => "m",
            OffsetUnit::WorkingDays => "wd",
        };
        write!(f, "{}{u}", self.amount)
    }
}

impl<'de> serde::Deserialize<'de> for Offset {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Offset {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::shipped("cn").unwrap()
    }

    #[test]
    fn working_days_count_on_the_calendar() {
        let wd: Offset = "3wd".parse().unwrap();
        assert_eq!(wd.unit, OffsetUnit::WorkingDays);
        assert_eq!(wd.to_string(), "3wd");
        assert_eq!("2工作日".parse::<Offset>().unwrap().amount, 2);
        // 2026-02-13 (Fri) + 3wd: 02-14 make-up day, 02-15..02-23 春节, 02-24, 02-25.
        assert_eq!(wd.apply(d(2026, 2, 13), &cal()), Some(d(2026, 2, 25)));
        // Weekends only where the table has no year.
        assert_eq!(
            wd.apply(d(2026, 2, 13), &Calendar::weekends_only()),
            Some(d(2026, 2, 18))
        );
    }

    #[test]
    fn parses_units() {
        assert_eq!(
            "2d".parse::<Offset>().unwrap(),
            Offset {
                amount: 2,
                unit: OffsetUnit::Days
            }
        );
        assert_eq!(
            "1w".parse::<Offset>()
                .unwrap()
                .apply(d(2026, 12, 28), &cal()),
            Some(d(2027, 1, 4))
        );
        assert_eq!(
            "-3d"
                .parse::<Offset>()
                .unwrap()
                .apply(d(2026, 3, 1), &cal()),
            Some(d(2026, 2, 26))
        );
        assert!("2x".parse::<Offset>().is_err());
        assert!("d".parse::<Offset>().is_err());
        assert!("99999d".parse::<Offset>().is_err());
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        let m1: Offset = "1m".parse().unwrap();
        assert_eq!(m1.apply(d(2026, 1, 31), &cal()), Some(d(2026, 2, 28)));
        assert_eq!(m1.apply(d(2028, 1, 31), &cal()), Some(d(2028, 2, 29)));
        assert_eq!(
            "2m".parse::<Offset>()
                .unwrap()
                .apply(d(2026, 12, 31), &cal()),
            Some(d(2027, 2, 28))
        );
    }
}
