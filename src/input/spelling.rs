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

/// Currency symbols and codes accepted around an amount, with the
/// currency each one names. (`￥` is folded to `¥` before they are looked
/// for; `\` is the yen sign of Shift_JIS, byte 0x5C, which decodes as a
/// backslash.) `$` names any dollar: see [`currency_matches`].
const SYMBOLS: &[(&str, &str)] = &[
    ("¥", "JPY"),
    ("\\", "JPY"),
    ("円", "JPY"),
    ("$", "$"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("JPY", "JPY"),
    ("USD", "USD"),
    ("EUR", "EUR"),
    ("GBP", "GBP"),
    ("AUD", "AUD"),
    ("CAD", "CAD"),
    ("NZD", "NZD"),
    ("SGD", "SGD"),
    ("HKD", "HKD"),
    ("CHF", "CHF"),
    ("CNY", "CNY"),
];

/// Signs that make an amount negative: the minus, the Unicode minus `−`,
/// and `▲` / `△`, which Japanese accounts and Excel formats print before a
/// negative amount (`▲5,000` is −5,000).
const MINUS_SIGNS: &[char] = &['-', '\u{2212}', '▲', '△'];

/// The text after a leading minus sign (see `MINUS_SIGNS`), if it has one.
pub fn strip_minus(text: &str) -> Option<&str> {
    text.strip_prefix(MINUS_SIGNS)
}

/// An amount and the currency its text names, if any (`"JPY"`, `"EUR"`,
/// ..., or `"$"` for a dollar sign).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    pub value: Decimal,
    pub currency: Option<&'static str>,
}

/// Does a currency named in an amount (a code, or `"$"`) fit the project's
/// currency code? A `$` fits every dollar (USD, AUD, CAD, NZD, ...).
pub fn currency_matches(named: &str, project: &str) -> bool {
    let project = project.trim().to_ascii_uppercase();
    if named == "$" {
        project.ends_with('D') && ["USD", "AUD", "CAD", "NZD", "SGD", "HKD", "TWD", "MXD"].contains(&project.as_str())
    } else {
        named.eq_ignore_ascii_case(&project)
    }
}

/// Parses an amount such as `12000`, `12,000`, `¥12,000`, `$1,200.50`,
/// `-5000`, `▲5,000`, `(5,000)` (an accountant's negative) or, as a
/// Japanese keyboard types it, `１２，０００円` and `￥１２，０００`.
/// Thousands separators must group three digits. The currency symbol or
/// code, if any, is returned, not checked: see [`parse_money_in`].
pub fn parse_amount(text: &str) -> Result<Amount, String> {
    let original = text.trim();
    let bad = |why: &str| format!("`{original}` is not an amount: {why}");
    if original.is_empty() {
        return Err(bad("it is empty"));
    }
    let folded = fold_width(original);
    let mut s: &str = folded.trim();
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    if let Some(rest) = strip_minus(s) {
        if negative {
            return Err(bad("two minus signs"));
        }
        negative = true;
        s = rest.trim_start();
    }
    let mut currency = None;
    for (sym, code) in SYMBOLS {
        if let Some(rest) = s.strip_prefix(sym) {
            s = rest.trim_start();
            currency = Some(*code);
        }
        if let Some(rest) = s.strip_suffix(sym) {
            s = rest.trim_end();
            currency = Some(*code);
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
    let value = within_bounds(if negative { -value } else { value }, original)?;
    Ok(Amount { value, currency })
}

/// [`parse_amount`] without its currency: for settings, whose currency is
/// the project's by definition.
pub fn parse_money(text: &str) -> Result<Decimal, String> {
    parse_amount(text).map(|a| a.value)
}

/// [`parse_amount`] in a project whose currency is `project`: an amount
/// that names another currency (`$1,200` in a JPY project) is an error,
/// since casebook never converts.
pub fn parse_money_in(text: &str, project: &str) -> Result<Decimal, String> {
    let amount = parse_amount(text)?;
    match amount.currency {
        Some(named) if !currency_matches(named, project) => Err(format!(
            "`{}` is in {}, but the project's currency is {}; casebook does not convert currencies",
            text.trim(),
            if named == "$" { "dollars" } else { named },
            project.trim().to_ascii_uppercase()
        )),
        _ => Ok(amount.value),
    }
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
/// How many digits a number is written with after its decimal point
/// (`1.20` → 2, `8,400` → 0, `１．５` → 1): the precision to show it with.
pub fn decimals_written(text: &str) -> u8 {
    let folded = fold_width(text.trim());
    folded.split_once('.').map_or(0, |(_, frac)| {
        frac.bytes().take_while(u8::is_ascii_digit).count().min(12) as u8
    })
}

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

/// English month names and their usual abbreviations.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The message for a date that is not one.
fn not_a_date(t: &str) -> String {
    format!("`{t}` is not a date; expected YYYY-MM-DD (or YYYY/MM/DD, YYYY年M月D日, 1 Oct 2026, Oct 1, 2026)")
}

/// Parses a calendar date written `YYYY-MM-DD`, `YYYY/MM/DD`, as Japanese
/// spreadsheets show dates (`YYYY年M月D日`), or with an English month name
/// (`01 Oct 2026`, `1 October 2026`, `Oct 1, 2026`). A time after the date
/// (`2026/09/30 0:00:00`, Excel's date-time; `2026-09-30 14:03` or
/// `2026-09-30T14:03:00Z`) is ignored: the date is taken as written.
/// Full-width digits and separators (`２０２６／１０／０１`) are read like
/// ordinary ones. A date with the day or month first (`07/15/2026`) is
/// never guessed: see [`parse_date_with`].
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let folded = fold_width(t);
    let s = strip_time(folded.trim());
    if let Some(date) = named_month_date(s) {
        return date.map_err(|_| format!("`{t}` is not a calendar date (no such day)"));
    }
    let (y, m, d) = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(|| not_a_date(t))?;
        let (m, d) = rest.split_once('月').ok_or_else(|| not_a_date(t))?;
        (y.trim(), m.trim(), d.trim())
    } else {
        let sep = if s.contains('/') { '/' } else { '-' };
        let mut parts = s.split(sep);
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(not_a_date(t));
        };
        (y, m, d)
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if y.len() <= 2 && d.len() == 4 && all_digits(y) && all_digits(m) && all_digits(d) {
        return Err(format!(
            "`{t}` has the day or the month first, which casebook never guesses: write it as YYYY-MM-DD, or (importing) pass --date-format, e.g. --date-format %m/%d/%Y or %d/%m/%Y"
        ));
    }
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return Err(not_a_date(t));
    }
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return Err(not_a_date(t));
    }
    let (y, m, d): (i16, i8, i8) = (
        y.parse().map_err(|_| not_a_date(t))?,
        m.parse().map_err(|_| not_a_date(t))?,
        d.parse().map_err(|_| not_a_date(t))?,
    );
    if y < 1 {
        return Err(not_a_date(t));
    }
    Date::new(y, m, d).map_err(|_| format!("`{t}` is not a calendar date (no such day)"))
}

/// `s` without a time of day after its date: ` 0:00:00`, ` 14:03`,
/// `T14:03:00Z`, ` 14:03:00 +09:00`.
fn strip_time(s: &str) -> &str {
    let cut = s.find([' ', 'T']).filter(|&i| {
        let rest = s[i + 1..].trim_start();
        let mut hm = rest.splitn(2, ':');
        let h = hm.next().unwrap_or("");
        let m = hm.next().unwrap_or("");
        !h.is_empty()
            && h.len() <= 2
            && h.bytes().all(|b| b.is_ascii_digit())
            && m.len() >= 2
            && m.as_bytes()[..2].iter().all(|b| b.is_ascii_digit())
    });
    match cut {
        Some(i) => s[..i].trim_end(),
        None => s,
    }
}

/// `01 Oct 2026`, `1 October 2026`, `Oct 1, 2026`, `October 1 2026`:
/// `None` when `s` has no English month name in one of these orders.
fn named_month_date(s: &str) -> Option<Result<Date, ()>> {
    let words: Vec<&str> = s.split([' ', ',', '-']).filter(|w| !w.is_empty()).collect();
    let [a, b, c] = words.as_slice() else {
        return None;
    };
    let month = |w: &str| {
        let w = w.trim_end_matches('.').to_ascii_lowercase();
        (w.len() >= 3)
            .then(|| {
                MONTHS
                    .iter()
                    .position(|m| m.starts_with(&w) && (w.len() == 3 || *m == w || w == "sept"))
            })
            .flatten()
            .map(|i| i as i8 + 1)
    };
    let number = |w: &str| {
        (!w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse::<i16>().ok())
            .flatten()
    };
    let (day, m, year) = if let Some(m) = month(b) {
        (number(a)?, m, *c)
    } else if let Some(m) = month(a) {
        (number(b)?, m, *c)
    } else {
        return None;
    };
    if year.len() != 4 {
        return None;
    }
    // Year 0 is no calendar year casebook reads (as in YYYY-MM-DD).
    let year = number(year).filter(|&y| y >= 1)?;
    let Ok(day) = i8::try_from(day) else {
        return Some(Err(()));
    };
    Some(Date::new(year, m, day).map_err(|_| ()))
}

/// [`parse_date`], trying first a strftime-style `format` such as
/// `%m/%d/%Y` or `%d/%m/%Y` (given with `--date-format`); one-digit days
/// and months (`7/09/2026`) are read too.
pub fn parse_date_with(text: &str, format: Option<&str>) -> Result<Date, String> {
    let Some(format) = format else {
        return parse_date(text);
    };
    let folded = fold_width(text.trim());
    let s = strip_time(folded.trim());
    match jiff::fmt::strtime::parse(format, s).and_then(|t| t.to_date()) {
        Ok(d) if d.year() >= 1 => Ok(d),
        _ => parse_date(text).map_err(|_| {
            format!(
                "`{}` is not a date in the format {format} (nor YYYY-MM-DD)",
                text.trim()
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_as_written() {
        assert_eq!(decimals_written("1.20"), 2);
        assert_eq!(decimals_written("8,400"), 0);
        assert_eq!(decimals_written("-0.125"), 3);
        assert_eq!(decimals_written("１．５"), 1);
        assert_eq!(decimals_written(" 12. "), 0);
        assert_eq!(decimals_written(""), 0);
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// Checks that each spelling reads as the amount beside it.
    fn amounts(cases: &[(&str, &str)]) {
        for (text, amount) in cases {
            assert_eq!(parse_money(text).unwrap(), d(amount), "{text}");
        }
    }

    #[test]
    fn accepts_the_spellings_of_the_spec() {
        amounts(&[
            ("12000", "12000"),
            ("12,000", "12000"),
            ("¥12,000", "12000"),
            ("$1,200.50", "1200.50"),
            ("-5000", "-5000"),
            ("-¥5,000", "-5000"),
            ("¥-5,000", "-5000"),
            (" 1,234,567 ", "1234567"),
            ("12000円", "12000"),
        ]);
    }

    #[test]
    fn accepts_japanese_spreadsheet_spellings() {
        amounts(&[
            ("１２，０００円", "12000"),
            ("￥１２，０００", "12000"),
            ("\u{3000}１２０００\u{3000}", "12000"),
            ("１，２００．５", "1200.5"),
            ("▲5,000", "-5000"),
            ("△5,000", "-5000"),
            ("▲ ¥5,000", "-5000"),
            ("¥▲5,000", "-5000"),
            ("▲５，０００円", "-5000"),
            ("－５０００", "-5000"),
            ("−5000", "-5000"),
            ("１２，０００ ＪＰＹ", "12000"),
        ]);
    }

    #[test]
    fn rejects_lookalikes_that_full_nfkc_would_turn_into_digits() {
        for bad in ["①", "1²", "½", "▲▲5", "▲-5", "1,2000円"] {
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
        for bad in ["2026-02-30", "2026-10", "10/01/2026", "x", "2026-1a-01"] {
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
    fn spellings_of_exports() {
        // The yen sign of Shift_JIS decodes as a backslash.
        assert_eq!(
            parse_amount("\\220,000").unwrap(),
            Amount {
                value: d("220000"),
                currency: Some("JPY")
            }
        );
        assert_eq!(parse_money("(1,000)").unwrap(), d("-1000"));
        assert_eq!(parse_money("($1,000.50)").unwrap(), d("-1000.50"));
        assert!(parse_money("(-1,000)").is_err());
        assert_eq!(parse_money_in("$4,500.00", "USD").unwrap(), d("4500.00"));
        assert_eq!(parse_money_in("$4,500.00", "nzd").unwrap(), d("4500.00"));
        assert_eq!(
            parse_money_in("$4,500.00", "JPY").unwrap_err(),
            "`$4,500.00` is in dollars, but the project's currency is JPY; casebook does not convert currencies"
        );
        assert!(parse_money_in("4,500 EUR", "JPY").unwrap_err().contains("is in EUR"));
        assert_eq!(parse_money_in("\\4,500", "JPY").unwrap(), d("4500"));
        let oct1 = jiff::civil::date(2026, 10, 1);
        for text in [
            "2026/10/01 0:00:00",
            "2026-10-01 14:03",
            "2026-10-01T14:03:00Z",
            "01 Oct 2026",
            "1 October 2026",
            "Oct 1, 2026",
            "October 1, 2026",
            "1-Oct-2026",
        ] {
            assert_eq!(parse_date(text).unwrap(), oct1, "{text}");
        }
        assert!(parse_date("07/15/2026").unwrap_err().contains("--date-format"));
        assert!(parse_date("Foo 1, 2026").is_err());
        assert!(parse_date("Feb 30, 2026").unwrap_err().contains("no such day"));
        // Year 0 in any spelling is no date (found by the `dates` fuzz
        // target: "1 jun-0000" was read but its YYYY-MM-DD was not).
        for text in ["1 jun-0000", "Jun 1, 0000", "0000-06-01", "0000年6月1日"] {
            assert!(parse_date(text).is_err(), "{text}");
        }
        assert!(parse_date_with("01/06/0000", Some("%d/%m/%Y")).is_err());
        assert_eq!(parse_date("1 jun-0001").unwrap(), jiff::civil::date(1, 6, 1));
        assert_eq!(
            parse_date_with("7/09/2026", Some("%d/%m/%Y")).unwrap(),
            jiff::civil::date(2026, 9, 7)
        );
        assert_eq!(
            parse_date_with("07/15/2026", Some("%m/%d/%Y")).unwrap(),
            jiff::civil::date(2026, 7, 15)
        );
        assert_eq!(parse_date_with("2026-10-01", Some("%m/%d/%Y")).unwrap(), oct1);
        assert!(
            parse_date_with("15/07/2026", Some("%m/%d/%Y"))
                .unwrap_err()
                .contains("format %m/%d/%Y")
        );
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
