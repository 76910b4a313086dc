//! Numbers the pages show that are not part of SPEC §4's output: the NPS
//! responses by score and a client's cumulative revenue with its
//! break-even month. Pure functions; the pages only format them.

use rust_decimal::Decimal;

use crate::model::Client;
use crate::money;
use crate::month::Month;

/// NPS responses by score (index 0–10) dated in the 12 months up to the end
/// of `as_of`, over all `clients`.
pub fn nps_responses_by_score(clients: &[Client], as_of: Month) -> [u32; 11] {
    let mut counts = [0u32; 11];
    let (start, end) = (as_of.plus(-11).first_day(), as_of.last_day());
    for client in clients {
        for r in client.nps.iter().filter(|r| r.date >= start && r.date <= end) {
            // Scores are 0–10 once loaded; anything else is not counted
            // rather than panicking.
            if let Some(n) = counts.get_mut(r.score as usize) {
                *n += 1;
            }
        }
    }
    counts
}

/// A client's revenue added up month by month, and where it pays back its
/// acquisition cost.
#[derive(Clone, Debug, PartialEq)]
pub struct CumulativeRevenue {
    /// The running total after each month of the input, in its order.
    pub totals: Vec<Decimal>,
    /// The index of the first month whose cumulative gross profit
    /// (`total × gross_margin`) covers `cac`; `None` without a positive CAC
    /// or before it is covered.
    pub break_even: Option<usize>,
}

/// The running total of `revenue_by_month` and its break-even month.
pub fn cumulative_revenue(
    revenue_by_month: &[(Month, Decimal)],
    gross_margin: Decimal,
    cac: Decimal,
) -> CumulativeRevenue {
    let mut total = Decimal::ZERO;
    let mut totals = Vec::with_capacity(revenue_by_month.len());
    let mut break_even = None;
    for (i, (_, v)) in revenue_by_month.iter().enumerate() {
        total = money::add(total, *v);
        totals.push(total);
        if break_even.is_none() && cac > Decimal::ZERO && total * gross_margin >= cac {
            break_even = Some(i);
        }
    }
    CumulativeRevenue { totals, break_even }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::{client, dec, month};

    #[test]
    fn nps_counts_take_the_twelve_months_up_to_the_month_end() {
        let a = client("a")
            .nps("2024-12-31", 9) // M-12: outside
            .nps("2025-01-01", 9) // M-11: its first day is inside
            .nps("2025-06-15", 3)
            .nps("2025-12-31", 10) // the last day of M
            .nps("2026-01-01", 0) // after M: outside
            .build();
        let b = client("b").nps("2025-07-01", 9).nps("2025-08-01", 7).build();
        let counts = nps_responses_by_score(&[a, b], month("2025-12"));
        assert_eq!(counts, [0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 1]);
    }

    #[test]
    fn break_even_is_the_first_month_whose_gross_profit_covers_the_cac() {
        let m = |k| month("2025-01").plus(k);
        let revenue = [
            (m(0), dec("100")),
            (m(1), dec("200")),
            (m(2), dec("-50")),
            (m(3), dec("300")),
        ];
        // Totals 100, 300, 250, 550; at a 40 % margin the gross profit is
        // 40, 120, 100, 220: a CAC of 120 is covered in month 1, one of 200
        // only in month 3, one of 300 never.
        let at = |cac: &str| cumulative_revenue(&revenue, dec("0.4"), dec(cac));
        assert_eq!(at("120").totals, [dec("100"), dec("300"), dec("250"), dec("550")]);
        assert_eq!(at("120").break_even, Some(1));
        assert_eq!(at("200").break_even, Some(3));
        assert_eq!(at("300").break_even, None);
        // No acquisition cost: nothing to pay back.
        assert_eq!(at("0").break_even, None);
        assert!(cumulative_revenue(&[], dec("0.4"), dec("1")).totals.is_empty());
    }
}
