//! Numbers, money and dates as a reader expects them in each language.
//! Formatting happens only when a value is written out (SPEC §2).

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::config::Lang;
use crate::money::{minor_unit_digits, round_to_minor};
use crate::month::Month;

/// Formats money and dates for one project.
#[derive(Clone, Debug)]
pub struct Formatter {
    pub lang: Lang,
    pub currency: String,
}

/// "1234567" → "1,234,567" (digits only; no sign, no decimals).
pub(crate) fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `v` with `decimals` decimals, grouped (`-1,234.5`), halves rounded away
/// from zero as invoices round (`format!` alone rounds the binary value,
/// and ties to even: 64.5 -> "64"); no negative zero; `—` when not finite.
/// The one rule for every number a page or a chart writes, so that a chart
/// label and the table beside it always agree.
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "\u{2014}".to_string();
    }
    let text = format!("{:.decimals$}", round_half_away(v, decimals));
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (rest.bytes().any(|b| (b'1'..=b'9').contains(&b)), rest),
        None => (false, text.as_str()),
    };
    let (int, frac) = digits.split_at(digits.find('.').unwrap_or(digits.len()));
    let mut out = String::with_capacity(text.len() + 4);
    if negative {
        out.push('-');
    }
    out.push_str(&group_thousands(int));
    out.push_str(frac);
    out
}

/// `v` rounded to `decimals` places (at most 9), halves away from zero.
pub(crate) fn round_half_away(v: f64, decimals: usize) -> f64 {
    let f = 10f64.powi(decimals.min(9) as i32);
    let r = (v * f).round() / f;
    if r.is_finite() { r } else { v }
}

/// The symbol written before an amount, for the currencies that have one.
pub(crate) fn currency_symbol(currency: &str) -> Option<&'static str> {
    Some(match currency.trim().to_ascii_uppercase().as_str() {
        "JPY" => "¥",
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        _ => return None,
    })
}

impl Formatter {
    pub fn new(lang: Lang, currency: &str) -> Formatter {
        Formatter {
            lang,
            currency: currency.to_string(),
        }
    }

    /// An exact amount, rounded to the minor unit: `¥1,234,000`, `-$1,200.50`.
    pub fn money(&self, value: Decimal) -> String {
        let digits = minor_unit_digits(&self.currency);
        let rounded = round_to_minor(value, &self.currency);
        let negative = rounded.is_sign_negative() && !rounded.is_zero();
        let abs = rounded.abs();
        let text = format!("{:.*}", digits as usize, abs);
        let (int_part, frac) = match text.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (text.clone(), None),
        };
        let mut body = group_thousands(&int_part);
        if let Some(f) = frac {
            body.push('.');
            body.push_str(&f);
        }
        let sign = if negative { "-" } else { "" };
        match currency_symbol(&self.currency) {
            Some(sym) => format!("{sign}{sym}{body}"),
            None => format!("{sign}{body} {}", self.currency),
        }
    }

    pub fn money_opt(&self, value: Option<Decimal>) -> String {
        value.map(|v| self.money(v)).unwrap_or_else(|| "—".to_string())
    }

    /// A share as a percentage: `12.5%`.
    pub fn percent(&self, rate: Option<f64>, decimals: usize) -> String {
        match rate {
            Some(r) if r.is_finite() => format!("{}%", number(r * 100.0, decimals)),
            _ => "—".to_string(),
        }
    }

    /// A plain number with grouping and fixed decimals.
    pub fn number(&self, value: Option<f64>, decimals: usize) -> String {
        value.map_or_else(|| "—".to_string(), |v| number(v, decimals))
    }

    pub fn count(&self, n: usize) -> String {
        group_thousands(&n.to_string())
    }

    /// `October 2026` / `2026年10月`.
    pub fn month(&self, m: Month) -> String {
        match self.lang {
            Lang::En => format!("{} {}", MONTHS_EN[m.month() as usize - 1], m.year()),
            Lang::Ja => format!("{}年{}月", m.year(), m.month()),
        }
    }

    /// `Oct 2026` / `2026/10`, for chart axes and tables.
    pub fn month_short(&self, m: Month) -> String {
        match self.lang {
            Lang::En => format!("{} {}", &MONTHS_EN[m.month() as usize - 1][..3], m.year()),
            Lang::Ja => format!("{}/{:02}", m.year(), m.month()),
        }
    }

    /// `15 September 2026` / `2026年9月15日`.
    pub fn date(&self, d: Date) -> String {
        match self.lang {
            Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[d.month() as usize - 1], d.year()),
            Lang::Ja => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        }
    }
}

/// English month names, January first.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Decimal money as f64 for drawing (charts only; never for arithmetic).
pub fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_in_yen_and_dollars() {
        let jp = Formatter::new(Lang::Ja, "JPY");
        assert_eq!(jp.money(Decimal::from(1234000)), "¥1,234,000");
        assert_eq!(jp.money(Decimal::from_str("-5000.4").unwrap()), "-¥5,000");
        assert_eq!(jp.money(Decimal::ZERO), "¥0");
        let us = Formatter::new(Lang::En, "USD");
        assert_eq!(us.money(Decimal::from_str("1200.5").unwrap()), "$1,200.50");
        let other = Formatter::new(Lang::En, "CHF");
        assert_eq!(other.money(Decimal::from(999)), "999.00 CHF");
    }

    #[test]
    fn months_in_both_languages() {
        let m = Month::parse("2026-10").unwrap();
        assert_eq!(Formatter::new(Lang::En, "JPY").month(m), "October 2026");
        assert_eq!(Formatter::new(Lang::Ja, "JPY").month(m), "2026年10月");
        assert_eq!(
            Formatter::new(Lang::Ja, "JPY").date(jiff::civil::date(2026, 9, 15)),
            "2026年9月15日"
        );
    }

    #[test]
    fn numbers_and_percentages() {
        let f = Formatter::new(Lang::En, "JPY");
        assert_eq!(f.percent(Some(0.125), 1), "12.5%");
        assert_eq!(f.percent(None, 1), "—");
        assert_eq!(f.number(Some(12345.678), 1), "12,345.7");
        assert_eq!(f.number(Some(-0.01), 1), "0.0");
        assert_eq!(f.count(1234), "1,234");
        assert_eq!(f.percent(Some(12.345), 0), "1,235%");
    }

    #[test]
    fn one_rounding_rule_for_pages_and_charts() {
        // Ties go away from zero (format! alone would write 64 and 0).
        assert_eq!(number(64.5, 0), "65");
        assert_eq!(number(-64.5, 0), "-65");
        assert_eq!(number(0.5, 0), "1");
        assert_eq!(number(2.25, 1), "2.3");
        assert_eq!(number(1234567.0, 0), "1,234,567");
        assert_eq!(number(-1234.56, 1), "-1,234.6");
        assert_eq!(number(-0.04, 1), "0.0");
        assert_eq!(number(f64::NAN, 1), "\u{2014}");
        let f = Formatter::new(Lang::En, "JPY");
        assert_eq!(f.percent(Some(0.645), 0), "65%");
        assert_eq!(f.number(Some(64.5), 0), "65");
    }
}
