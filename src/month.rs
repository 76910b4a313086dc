//! Calendar months (`YYYY-MM`) and calendar dates.
//!
//! Metrics work on whole months; a [`Month`] is a year and a month packed
//! into one integer so that month arithmetic (`m - 11`, `m - s(c)`) is plain
//! integer arithmetic.

use std::fmt;

use jiff::civil::Date;
use serde::{Serialize, Serializer};

/// A calendar month, e.g. 2026-10.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// Builds a month from a year and a month number 1–12.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        if !(1..=12).contains(&month) || !(1..=9999).contains(&year) {
            return None;
        }
        Some(Month(year * 12 + month as i32 - 1))
    }

    pub fn of(date: Date) -> Month {
        Month(date.year() as i32 * 12 + date.month() as i32 - 1)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// Month number 1–12.
    pub fn month(self) -> u32 {
        (self.0.rem_euclid(12) + 1) as u32
    }

    /// The month `n` months later (`n` may be negative).
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// Number of months from `earlier` to `self` (negative if `self` is earlier).
    pub fn since(self, earlier: Month) -> i32 {
        self.0 - earlier.0
    }

    pub fn first_day(self) -> Date {
        Date::new(self.year() as i16, self.month() as i8, 1).expect("month in range")
    }

    pub fn last_day(self) -> Date {
        self.first_day().last_of_month()
    }

    /// Inclusive range `from ..= to`; empty when `from > to`.
    pub fn range(from: Month, to: Month) -> impl DoubleEndedIterator<Item = Month> + Clone {
        (from.0..=to.0).map(Month)
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Month, String> {
        let bad = || format!("`{text}` is not a month; expected YYYY-MM, e.g. 2026-10");
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let y: i32 = y.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        Month::new(y, m).ok_or_else(bad)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic_crosses_years() {
        let m = Month::parse("2026-01").unwrap();
        assert_eq!(m.plus(-1).to_string(), "2025-12");
        assert_eq!(m.plus(11).to_string(), "2026-12");
        assert_eq!(m.plus(12).to_string(), "2027-01");
        assert_eq!(m.since(Month::parse("2024-11").unwrap()), 14);
    }

    #[test]
    fn month_parse_rejects_garbage() {
        for bad in ["2026-13", "2026-00", "26-01", "2026/01", "", "2026-1", "abcd-ef"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn last_day_of_february() {
        let m = Month::parse("2024-02").unwrap();
        assert_eq!(m.last_day(), jiff::civil::date(2024, 2, 29));
    }
}
