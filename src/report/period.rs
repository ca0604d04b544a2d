//! Report periods: a calendar month (`2026-11`) and a quarter (`2026-Q4`), as half-open ranges.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::error::BadInput;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    /// Reads `YYYY-MM`; `flag` names the argument in the error.
    pub fn parse(flag: &str, s: &str) -> Result<Self, BadInput> {
        let bad = || {
            BadInput::new(format!(
                "{flag}: `{s}` is not a month: expected YYYY-MM with a month 01-12, such as 2026-11"
            ))
        };
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if y.len() != 4 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Self { year, month })
    }

    pub fn of(d: NaiveDate) -> Self {
        Self {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month")
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Midnight of the first day, and of the first day of the next month.
    pub fn range(self) -> (NaiveDateTime, NaiveDateTime) {
        (
            crate::clock::start_of(self.first_day()),
            crate::clock::start_of(self.next().first_day()),
        )
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a day before")
    }

    /// `YYYY-MM`, as events store their cohort month.
    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key())
    }
}

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    /// 1–4.
    pub quarter: u32,
}

impl Quarter {
    /// Reads `YYYY-Qn` (`q` in either case); `flag` names the argument in the error.
    pub fn parse(flag: &str, s: &str) -> Result<Self, BadInput> {
        let bad = || {
            BadInput::new(format!(
                "{flag}: `{s}` is not a quarter: expected YYYY-Qn with n 1-4, such as 2026-Q4"
            ))
        };
        let t = s.trim().to_ascii_uppercase();
        let (y, q) = t.split_once("-Q").ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let quarter: u32 = q.parse().map_err(|_| bad())?;
        if y.len() != 4 || !(1..=4).contains(&quarter) {
            return Err(bad());
        }
        Ok(Self { year, quarter })
    }

    pub fn of(d: NaiveDate) -> Self {
        Self {
            year: d.year(),
            quarter: (d.month() - 1) / 3 + 1,
        }
    }

    /// Its three months, in order.
    pub fn months(self) -> [Month; 3] {
        let first = Month {
            year: self.year,
            month: (self.quarter - 1) * 3 + 1,
        };
        [first, first.next(), first.next().next()]
    }

    pub fn range(self) -> (NaiveDateTime, NaiveDateTime) {
        let [a, _, c] = self.months();
        (a.range().0, c.range().1)
    }

    pub fn last_day(self) -> NaiveDate {
        self.months()[2].last_day()
    }

    /// `2026-Q4`.
    pub fn key(self) -> String {
        format!("{:04}-Q{}", self.year, self.quarter)
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_quarters_parse_strictly() {
        assert_eq!(
            Month::parse("--month", "2026-11").unwrap(),
            Month {
                year: 2026,
                month: 11
            }
        );
        for bad in ["2026-13", "2026-00", "2026-1x", "26-11", "2026/11", ""] {
            assert!(Month::parse("--month", bad).is_err(), "{bad}");
        }
        let q = Quarter::parse("--quarter", "2026-q4").unwrap();
        assert_eq!(q.key(), "2026-Q4");
        assert_eq!(
            q.months().map(|m| m.key()),
            ["2026-10", "2026-11", "2026-12"]
        );
        assert_eq!(q.range().1.to_string(), "2027-01-01 00:00:00");
        for bad in ["2026-Q5", "2026-Q0", "2026Q4", "2026-4"] {
            assert!(Quarter::parse("--quarter", bad).is_err(), "{bad}");
        }
    }
}
