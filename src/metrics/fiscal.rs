//! Fiscal years (SPEC §3.8): `fiscal_year_start` is the first month (1–12)
//! of the fiscal year, and "FY2026" is the fiscal year that starts in
//! calendar year 2026 (with an April start: April 2026 – March 2027).

use rust_decimal::Decimal;
use serde::Serialize;

use crate::month::Month;

use super::MonthRow;

/// The first month of the fiscal year that contains `m`, for fiscal years
/// starting in month `start` (1–12; anything else is taken as 1).
pub fn fiscal_year_first(m: Month, start: u32) -> Month {
    let start = if (1..=12).contains(&start) { start } else { 1 };
    let back = (m.month() + 12 - start) % 12;
    m.plus(-(back as i32))
}

/// "FY2026" for the fiscal year whose first month is in calendar 2026.
pub fn fiscal_year_label(first: Month) -> String {
    format!("FY{}", first.year())
}

/// One fiscal year's revenue by fiscal quarter (Q1 starts with the fiscal
/// year's first month).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FiscalYearQuarters {
    /// The fiscal year's first month.
    pub first: Month,
    /// "FY2026".
    pub label: String,
    /// Revenue of Q1..Q4 over the months up to `as_of`; `None` for a
    /// quarter that has not begun as of `as_of`.
    pub quarters: [Option<Decimal>; 4],
    /// Σ of the quarters (the fiscal year to date for the current one).
    pub total: Decimal,
    /// The number of months of the year up to `as_of` (12 for a past year).
    pub months: u32,
}

/// Revenue by fiscal quarter for the last `years` fiscal years up to the
/// one containing `as_of`, oldest first, from the portfolio's monthly
/// series (months before the series count 0).
pub fn quarters(monthly: &[MonthRow], as_of: Month, start: u32, years: u32) -> Vec<FiscalYearQuarters> {
    let current = fiscal_year_first(as_of, start);
    let revenue = |m: Month| -> Decimal {
        let Some(first) = monthly.first().map(|r| r.month) else {
            return Decimal::ZERO;
        };
        usize::try_from(m.since(first))
            .ok()
            .and_then(|i| monthly.get(i))
            .map_or(Decimal::ZERO, |r| r.revenue)
    };
    (0..years)
        .rev()
        .map(|k| {
            let first = current.plus(-12 * k as i32);
            let mut quarters = [None; 4];
            let mut total = Decimal::ZERO;
            let mut months = 0;
            for (q, slot) in quarters.iter_mut().enumerate() {
                let q_first = first.plus(3 * q as i32);
                if q_first > as_of {
                    continue;
                }
                let sum: Decimal = Month::range(q_first, q_first.plus(2).min(as_of)).map(revenue).sum();
                months += q_first.plus(2).min(as_of).since(q_first) as u32 + 1;
                total += sum;
                *slot = Some(sum);
            }
            FiscalYearQuarters {
                first,
                label: fiscal_year_label(first),
                quarters,
                total,
                months,
            }
        })
        .collect()
}
