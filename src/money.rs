//! Money: currencies' minor units and rounding. (Reading amounts is
//! [`crate::input::spelling`]'s job.)
//!
//! Amounts are [`rust_decimal::Decimal`]; binary floating point never holds
//! money in casebook.

use rust_decimal::Decimal;

/// `a + b` for money, saturating instead of panicking on overflow. Amounts
/// are bounded when read (±10^15, see
/// [`crate::input::spelling::MAX_AMOUNT`]), so no total of a project comes
/// near [`Decimal`]'s limit and the saturation never happens; it keeps a
/// panic out of reach all the same. Every money total adds with this.
pub fn add(a: Decimal, b: Decimal) -> Decimal {
    a.saturating_add(b)
}

/// The sum of `amounts`, with [`add`].
pub fn total(amounts: impl IntoIterator<Item = Decimal>) -> Decimal {
    amounts.into_iter().fold(Decimal::ZERO, add)
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
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn totals_saturate_instead_of_panicking() {
        assert_eq!(total([d("1.5"), d("-0.5"), d("2")]), d("3"));
        assert_eq!(add(Decimal::MAX, d("1")), Decimal::MAX);
        assert_eq!(total([Decimal::MIN, d("-1")]), Decimal::MIN);
    }

    #[test]
    fn rounds_to_the_minor_unit() {
        assert_eq!(round_to_minor(d("1234.5"), "JPY"), d("1235"));
        assert_eq!(round_to_minor(d("-1234.5"), "JPY"), d("-1235"));
        assert_eq!(round_to_minor(d("10.005"), "USD"), d("10.01"));
    }
}
