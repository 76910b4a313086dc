//! Money: parsing the spellings people type into spreadsheets, exactly.
//!
//! Amounts are [`rust_decimal::Decimal`]; binary floating point never holds
//! money in casebook.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::csvread::fold_width;

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
    Ok(if negative { -value } else { value })
}

/// Number of decimals of a currency's minor unit (ISO 4217, common ones).
pub fn minor_unit_digits(currency: &str) -> u32 {
    match currency.to_ascii_uppercase().as_str() {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" | "XAF" | "XOF" | "PYG" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "IQD" | "LYD" => 3,
        _ => 2,
    }
}

/// Rounds an amount to the currency's minor unit (half away from zero, as
/// invoices round).
pub fn round_to_minor(value: Decimal, currency: &str) -> Decimal {
    value
        .round_dp_with_strategy(
            minor_unit_digits(currency),
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        )
        .normalize()
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
    fn rounds_to_the_minor_unit() {
        assert_eq!(round_to_minor(d("1234.5"), "JPY"), d("1235"));
        assert_eq!(round_to_minor(d("-1234.5"), "JPY"), d("-1235"));
        assert_eq!(round_to_minor(d("10.005"), "USD"), d("10.01"));
    }
}
