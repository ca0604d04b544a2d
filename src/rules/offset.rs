use chrono::{Days, Months, NaiveDate};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetUnit {
    Days,
    Weeks,
    Months,
}

/// A signed distance from an anchor date: `0d`, `2d`, `1w`, `2m`, `-3d`.
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
    /// (Jan 31 + 1m = Feb 28/29). `None` only outside chrono's date range.
    pub fn apply(self, date: NaiveDate) -> Option<NaiveDate> {
        let n = self.amount.unsigned_abs();
        let forward = self.amount >= 0;
        match self.unit {
            OffsetUnit::Days | OffsetUnit::Weeks => {
                let days =
                    Days::new(u64::from(n) * if self.unit == OffsetUnit::Weeks { 7 } else { 1 });
                if forward {
                    date.checked_add_days(days)
                } else {
                    date.checked_sub_days(days)
                }
            }
            OffsetUnit::Months => {
                let m = Months::new(n);
                if forward {
                    date.checked_add_months(m)
                } else {
                    date.checked_sub_months(m)
                }
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

    /// A rough length in days, to compare offsets of different units.
    pub fn approx_days(self) -> i64 {
        i64::from(self.amount)
            * match self.unit {
                OffsetUnit::Days => 1,
                OffsetUnit::Weeks => 7,
                OffsetUnit::Months => 30,
            }
    }
}

impl FromStr for Offset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let expected = || {
            format!(
                "`{s}` is not an offset: expected a whole number and a unit, like \"0d\", \"2d\", \"1w\" or \"2m\" (days, weeks, months)"
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
            "1w".parse::<Offset>().unwrap().apply(d(2026, 12, 28)),
            Some(d(2027, 1, 4))
        );
        assert_eq!(
            "-3d".parse::<Offset>().unwrap().apply(d(2026, 3, 1)),
            Some(d(2026, 2, 26))
        );
        assert!("2x".parse::<Offset>().is_err());
        assert!("d".parse::<Offset>().is_err());
        assert!("99999d".parse::<Offset>().is_err());
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        let m1: Offset = "1m".parse().unwrap();
        assert_eq!(m1.apply(d(2026, 1, 31)), Some(d(2026, 2, 28)));
        assert_eq!(m1.apply(d(2028, 1, 31)), Some(d(2028, 2, 29)));
        assert_eq!(
            "2m".parse::<Offset>().unwrap().apply(d(2026, 12, 31)),
            Some(d(2027, 2, 28))
        );
    }
}
