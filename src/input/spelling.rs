//! Spelling: how people write amounts, numbers and dates in spreadsheets,
//! read exactly. Every file casebook reads (its own CSV and TOML files and
//! the exports of other programs) goes through these functions, so that
//! `¥12,000`, `▲5,000` or `２０２６／１０／０１` mean the same everywhere.

use std::borrow::Cow;
use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

/// Folds the full-width forms a Japanese keyboard types into spreadsheets
/// (`１２，０００`, `２０２６／１０／０１`, `－`, `．`), the full-width yen sign
/// `￥` and the ideographic space to their ordinary forms, as NFKC does for
/// exactly these characters. Other compatibility characters are left alone
/// on purpose: full NFKC would also read `①`, `²` or `½` as digits.
pub fn fold_width(text: &str) -> Cow<'_, str> {
    let folds = |c: char| {
        matches!(
            c,
            '\u{FF01}'..='\u{FF5E}' | '\u{FFE5}' | '\u{FFE0}' | '\u{FFE1}' | '\u{3000}'
        )
    };
    if !text.chars().any(folds) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if folds(c) { c.nfkc().next().unwrap_or(c) } else { c })
            .collect(),
    )
}

/// Currency symbols and codes accepted (and ignored) around an amount.
/// (`￥` is folded to `¥` before they are looked for.)
const SYMBOLS: &[&str] = &["¥", "$", "€", "£", "円", "JPY", "USD", "EUR", "GBP"];

/// Signs that make an amount negative: the minus, the Unicode minus `−`,
/// and `▲` / `△`, which Japanese accounts and Excel formats print before a
/// negative amount (`▲5,000` is −5,000).
const MINUS_SIGNS: &[char] = &['-', '\u{2212}', '▲', '△'];

/// The text after a leading minus sign (see `MINUS_SIGNS`), if it has one.
pub fn strip_minus(text: &str) -> Option<&str> {
    text.strip_prefix(MINUS_SIGNS)
}

/// Parses an amount such as `12000`, `12,000`, `¥12,000`, `$1,200.50`,
/// `-5000`, `▲5,000` or, as a Japanese keyboard types it, `１２，０００円`
/// and `￥１２，０００`. Thousands separators must group three digits.
pub fn parse_money(text: &str) -> Result<Decimal, String> {
    let original = text.trim();
    let bad = |why: &str| format!("`{original}` is not an amount: {why}");
    if original.is_empty() {
        return Err(bad("it is empty"));
    }
    let folded = fold_width(original);
    let mut s: &str = folded.trim();
    let mut negative = false;
    if let Some(rest) = strip_minus(s) {
        negative = true;
        s = rest.trim_start();
    }
    for sym in SYMBOLS {
        if let Some(rest) = s.strip_prefix(sym) {
            s = rest.trim_start();
        }
        if let Some(rest) = s.strip_suffix(sym) {
            s = rest.trim_end();
        }
    }
    if let Some(rest) = strip_minus(s) {
        if negative {
            return Err(bad("two minus signs"));
        }
        negative = true;
        s = rest;
    }
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return Err(bad("expected digits, e.g. 12000, 12,000 or ¥12,000"));
    }
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(bad("commas must separate groups of three digits"));
        }
    }
    if let Some(f) = frac_part {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("expected digits after the decimal point"));
        }
    }
    let digits: String = int_part.chars().filter(|c| *c != ',').collect();
    let joined = match frac_part {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    let value = Decimal::from_str(&joined).map_err(|_| bad("too large or too precise"))?;
    within_bounds(if negative { -value } else { value }, original)
}

/// The largest amount casebook reads, in any currency: 10^15. Every total
/// casebook computes adds up fewer than 10^13 such amounts, far below what
/// a [`Decimal`] holds (about 7.9 × 10^28), so no sum can overflow.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0);

/// `value` (read from `text`) when it is within ±[`MAX_AMOUNT`].
pub fn within_bounds(value: Decimal, text: &str) -> Result<Decimal, String> {
    if value.abs() > MAX_AMOUNT {
        Err(format!(
            "`{}` is too large for an amount: casebook reads at most 1,000,000,000,000,000 (10^15) in any currency",
            text.trim()
        ))
    } else {
        Ok(value)
    }
}

/// Parses a plain number (activity values, outcomes), allowing thousands
/// separators in groups of three, full-width digits (`１，２３４`) and the
/// minus signs of [`strip_minus`] (`▲3`).
pub fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let bad = || format!("`{t}` is not a number");
    let folded = fold_width(t);
    let (negative, unsigned) = match strip_minus(folded.trim()) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, folded.trim()),
    };
    if unsigned.is_empty() {
        return Err(bad());
    }
    let int_part = unsigned.split('.').next().unwrap_or("");
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        if !(1..=3).contains(&groups[0].len()) || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(bad());
        }
    }
    let cleaned: String = unsigned.chars().filter(|c| *c != ',').collect();
    if !cleaned.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(bad());
    }
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(if negative { -v } else { v }),
        _ => Err(bad()),
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

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn accepts_the_spellings_of_the_spec() {
        assert_eq!(parse_money("12000").unwrap(), d("12000"));
        assert_eq!(parse_money("12,000").unwrap(), d("12000"));
        assert_eq!(parse_money("¥12,000").unwrap(), d("12000"));
        assert_eq!(parse_money("$1,200.50").unwrap(), d("1200.50"));
        assert_eq!(parse_money("-5000").unwrap(), d("-5000"));
        assert_eq!(parse_money("-¥5,000").unwrap(), d("-5000"));
        assert_eq!(parse_money("¥-5,000").unwrap(), d("-5000"));
        assert_eq!(parse_money(" 1,234,567 ").unwrap(), d("1234567"));
        assert_eq!(parse_money("12000円").unwrap(), d("12000"));
    }

    #[test]
    fn accepts_japanese_spreadsheet_spellings() {
        assert_eq!(parse_money("１２，０００円").unwrap(), d("12000"));
        assert_eq!(parse_money("￥１２，０００").unwrap(), d("12000"));
        assert_eq!(parse_money("\u{3000}１２０００\u{3000}").unwrap(), d("12000"));
        assert_eq!(parse_money("１，２００．５").unwrap(), d("1200.5"));
        assert_eq!(parse_money("▲5,000").unwrap(), d("-5000"));
        assert_eq!(parse_money("△5,000").unwrap(), d("-5000"));
        assert_eq!(parse_money("▲ ¥5,000").unwrap(), d("-5000"));
        assert_eq!(parse_money("¥▲5,000").unwrap(), d("-5000"));
        assert_eq!(parse_money("▲５，０００円").unwrap(), d("-5000"));
        assert_eq!(parse_money("－５０００").unwrap(), d("-5000"));
        assert_eq!(parse_money("−5000").unwrap(), d("-5000"));
        assert_eq!(parse_money("１２，０００ ＪＰＹ").unwrap(), d("12000"));
    }

    #[test]
    fn rejects_lookalikes_that_full_nfkc_would_turn_into_digits() {
        for bad in ["①", "1²", "½", "▲▲5", "▲-5", "1,2000円", "(5,000)"] {
            assert!(parse_money(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_money("１２，００").unwrap_err(),
            "`１２，００` is not an amount: commas must separate groups of three digits"
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "", "abc", "12,00", "1,2345", "12.", "1.2.3", "--5", "¥", "12 000", "1e5", ",000",
        ] {
            assert!(parse_money(bad).is_err(), "{bad}");
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
    fn amounts_are_bounded_at_ten_to_the_fifteenth() {
        assert_eq!(MAX_AMOUNT, d("1000000000000000"));
        assert_eq!(parse_money("1,000,000,000,000,000").unwrap(), MAX_AMOUNT);
        assert_eq!(parse_money("-1000000000000000").unwrap(), -MAX_AMOUNT);
        for big in [
            "1000000000000000.01",
            "-1,000,000,000,000,001",
            "79228162514264337593543950335",
        ] {
            assert!(parse_money(big).unwrap_err().contains("is too large"), "{big}");
        }
    }

    #[test]
    fn fold_width_touches_only_full_width_forms() {
        assert_eq!(fold_width("１２，０００円"), "12,000円");
        assert_eq!(fold_width("￥\u{3000}５"), "¥ 5");
        assert_eq!(fold_width("①²½ｱ"), "①²½ｱ");
        assert!(matches!(fold_width("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1,234.5").unwrap(), 1234.5);
        assert_eq!(parse_number("-3").unwrap(), -3.0);
        assert_eq!(parse_number("１，２３４．５").unwrap(), 1234.5);
        assert_eq!(parse_number("▲3").unwrap(), -3.0);
        for bad in ["", "1,23", "abc", "1e9", "NaN", "inf", "--3", "-", "▲-3", "②"] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
    }
}
