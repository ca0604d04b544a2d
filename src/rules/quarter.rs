//! Calendar quarters and their close (结账): records are archived by the 10th of the month after
//! a quarter ends, so from that day on the quarter is closed.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

/// The day of the month after a quarter ends from which it is closed.
pub const CLOSE_DAY: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u32,
}

impl Quarter {
    pub fn of(d: NaiveDate) -> Self {
        Self {
            year: d.year(),
            q: (d.month() - 1) / 3 + 1,
        }
    }

    /// `2026-Q3` (also `2026Q3`, `2026-q3`).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_uppercase();
        let (y, q) = s.split_once('Q')?;
        let year: i32 = y.trim_end_matches('-').parse().ok()?;
        let q: u32 = q.parse().ok()?;
        ((1..=4).contains(&q) && (1000..=9999).contains(&year)).then_some(Self { year, q })
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).expect("a quarter's first day")
    }

    /// The first day after the quarter: everything dated before it belongs to it or earlier.
    pub fn end(self) -> NaiveDate {
        self.start() + Months::new(3)
    }

    /// The day the quarter closes by itself: the 10th of the month after it ends.
    pub fn closes_on(self) -> NaiveDate {
        self.end()
            .with_day(CLOSE_DAY)
            .expect("every month has a 10th")
    }

    pub fn previous(self) -> Self {
        Self::of(self.start() - chrono::Days::new(1))
    }

    /// The latest quarter whose close day is `today` or earlier.
    pub fn last_due(today: NaiveDate) -> Self {
        let prev = Self::of(today).previous();
        if prev.closes_on() <= today {
            prev
        } else {
            prev.previous()
        }
    }

    /// The quarter that ended last (it may not be closed yet).
    pub fn last_ended(today: NaiveDate) -> Self {
        Self::of(today).previous()
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarters_and_their_close_days() {
        let q3 = Quarter::parse("2026-Q3").unwrap();
        assert_eq!(q3, Quarter::of(d(2026, 9, 30)));
        assert_eq!(q3.start(), d(2026, 7, 1));
        assert_eq!(q3.end(), d(2026, 10, 1));
        assert_eq!(q3.closes_on(), d(2026, 10, 10));
        assert_eq!(
            Quarter::parse("2026q4").unwrap().closes_on(),
            d(2027, 1, 10)
        );
        assert_eq!(q3.previous().to_string(), "2026-Q2");
        assert_eq!(
            Quarter::parse("2027-Q1").unwrap().previous().to_string(),
            "2026-Q4"
        );
        assert_eq!(Quarter::parse("2026-Q5"), None);
        assert_eq!(Quarter::parse("Q3"), None);
    }

    #[test]
    fn the_last_quarter_due_turns_on_the_tenth() {
        assert_eq!(Quarter::last_due(d(2026, 10, 9)).to_string(), "2026-Q2");
        assert_eq!(Quarter::last_due(d(2026, 10, 10)).to_string(), "2026-Q3");
        assert_eq!(Quarter::last_due(d(2026, 12, 3)).to_string(), "2026-Q3");
        assert_eq!(Quarter::last_due(d(2027, 1, 9)).to_string(), "2026-Q3");
        assert_eq!(Quarter::last_due(d(2027, 1, 10)).to_string(), "2026-Q4");
        assert_eq!(Quarter::last_ended(d(2027, 1, 3)).to_string(), "2026-Q4");
    }
}
