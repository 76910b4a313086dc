//! The invoices of one month and their total: what the client was billed,
//! as both editions of the monthly review go through it.

use rust_decimal::Decimal;

use crate::model::{Client, Invoice};
use crate::month::Month;

/// The invoices dated in one month, in date order (then line order), and
/// their total, credit notes included: `R(c, m)` of SPEC §3.
#[derive(Clone, Debug)]
pub struct MonthInvoices<'a> {
    pub month: Month,
    pub invoices: Vec<&'a Invoice>,
    pub total: Decimal,
}

/// The invoices of `client` dated in `month` (found by binary search: the
/// client's invoices are sorted by date).
pub fn invoices_of_month(client: &Client, month: Month) -> MonthInvoices<'_> {
    let (first, last) = (month.first_day(), month.last_day());
    let start = client.invoices.partition_point(|i| i.date < first);
    let end = client.invoices.partition_point(|i| i.date <= last);
    let invoices: Vec<&Invoice> = client.invoices[start..end].iter().collect();
    let total = crate::money::total(invoices.iter().map(|i| i.amount));
    MonthInvoices { month, invoices, total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InvoiceKind;
    use jiff::civil::date;

    fn inv(d: jiff::civil::Date, amount: i64, line: u64) -> Invoice {
        Invoice {
            date: d,
            amount: Decimal::from(amount),
            service: "Ads".into(),
            kind: InvoiceKind::Recurring,
            kind_inferred: true,
            description: String::new(),
            line,
        }
    }

    #[test]
    fn a_month_holds_its_first_and_last_day_and_credit_notes() {
        let c = Client {
            invoices: vec![
                inv(date(2026, 9, 30), 1_000, 2),
                inv(date(2026, 10, 1), 300_000, 3),
                inv(date(2026, 10, 15), -20_000, 4),
                inv(date(2026, 10, 31), 50_000, 5),
                inv(date(2026, 11, 1), 7, 6),
            ],
            ..Client::new("a", "A")
        };
        let oct = invoices_of_month(&c, Month::new(2026, 10).unwrap());
        assert_eq!(oct.invoices.iter().map(|i| i.line).collect::<Vec<_>>(), [3, 4, 5]);
        // 300,000 − 20,000 + 50,000
        assert_eq!(oct.total, Decimal::from(330_000));
        let aug = invoices_of_month(&c, Month::new(2026, 8).unwrap());
        assert!(aug.invoices.is_empty());
        assert_eq!(aug.total, Decimal::ZERO);
    }
}
