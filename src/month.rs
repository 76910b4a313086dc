//! Calendar months (`YYYY-MM`) and calendar dates.
//!
//! Metrics work on whole months; a [`Month`] is a year and a month packed
//! into one integer so that month arithmetic (`m - 11`, `m - s(c)`) is plain
//! integer arithmetic.

use std::fmt;

use jiff::civil::Date;
use serde::{Serialize, Serializer};

use crate::csvread::fold_width;

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

/// Parses a calendar date written `YYYY-MM-DD`, `YYYY/MM/DD` or, as Japanese
/// spreadsheets show dates, `YYYY年M月D日`; full-width digits and separators
/// (`２０２６／１０／０１`) are read like ordinary ones.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let bad = || format!("`{t}` is not a date; expected YYYY-MM-DD (or YYYY/MM/DD, YYYY年M月D日)");
    let folded = fold_width(t);
    let s = folded.trim();
    let (y, m, d) = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(bad)?;
        let (m, d) = rest.split_once('月').ok_or_else(bad)?;
        (y.trim(), m.trim(), d.trim())
    } else {
        let sep = if s.contains('/') { '/' } else { '-' };
        let mut parts = s.split(sep);
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        (y, m, d)
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return Err(bad());
    }
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return Err(bad());
    }
    let (y, m, d): (i16, i8, i8) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    if y < 1 {
        return Err(bad());
    }
    Date::new(y, m, d).map_err(|_| format!("`{t}` is not a calendar date (no such day)"))
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
    fn dates_in_both_spellings() {
        assert_eq!(parse_date("2026-10-01").unwrap(), jiff::civil::date(2026, 10, 1));
        assert_eq!(parse_date("2026/10/01").unwrap(), jiff::civil::date(2026, 10, 1));
        assert_eq!(parse_date(" 2026/1/5 ").unwrap(), jiff::civil::date(2026, 1, 5));
        for bad in [
            "2026-02-30",
            "2026-10",
            "10/01/2026",
            "2026-10-01T00:00",
            "x",
            "2026-1a-01",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_as_japanese_spreadsheets_write_them() {
        let oct1 = jiff::civil::date(2026, 10, 1);
        for text in [
            "2026年10月1日",
            "2026年10月01日",
            "２０２６年１０月１日",
            "2026年 10月 1日",
            "２０２６／１０／０１",
            "２０２６－１０－０１",
            "\u{3000}2026/10/1\u{3000}",
        ] {
            assert_eq!(parse_date(text).unwrap(), oct1, "{text}");
        }
        for bad in [
            "2026年10月",
            "10月1日",
            "2026年13月1日",
            "2026年2月30日",
            "令和8年10月1日",
            "2026年10月1日日",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_date("2026年2月30日").unwrap_err(),
            "`2026年2月30日` is not a calendar date (no such day)"
        );
    }

    #[test]
    fn last_day_of_february() {
        let m = Month::parse("2024-02").unwrap();
        assert_eq!(m.last_day(), jiff::civil::date(2024, 2, 29));
    }
}
