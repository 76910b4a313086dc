//! Transactions → the repeat-purchase summary of each customer, exactly as
//! lifetimes' `summary_data_from_transaction_data` makes it: every date is
//! put in its period (day, Monday-to-Sunday week as pandas' `W`, or
//! calendar month), a customer's transactions of one period count as one
//! purchase whose value is their sum, the first purchase is not counted,
//! and periods after the observation end are dropped.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::bgnbd::Rfm;

/// The time unit of a summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    /// `D`, `W` or `M`, as lifetimes' `freq`.
    pub fn parse(text: &str) -> Option<Period> {
        match text {
            "D" | "d" => Some(Period::Day),
            "W" | "w" => Some(Period::Week),
            "M" | "m" => Some(Period::Month),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Period::Day => "D",
            Period::Week => "W",
            Period::Month => "M",
        }
    }

    /// The period of `date` as a number; consecutive periods differ by 1.
    pub fn index(self, date: Date) -> i64 {
        match self {
            Period::Day => days_since_epoch(date),
            // 1970-01-01 was a Thursday; weeks start on Monday (pandas'
            // weekly period W-SUN ends on Sunday).
            Period::Week => (days_since_epoch(date) + 3).div_euclid(7),
            Period::Month => i64::from(date.year()) * 12 + i64::from(date.month()) - 1,
        }
    }

    /// Periods in a month, as lifetimes' `customer_lifetime_value` counts
    /// them (its `factor`: 30 days, 4.345 weeks, 1 month).
    pub fn per_month(self) -> f64 {
        match self {
            Period::Day => 30.0,
            Period::Week => 4.345,
            Period::Month => 1.0,
        }
    }
}

/// Days from 1970-01-01 (proleptic Gregorian; H. Hinnant's
/// `days_from_civil`).
fn days_since_epoch(date: Date) -> i64 {
    let (y, m, d) = (i64::from(date.year()), i64::from(date.month()), i64::from(date.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// One customer's summary.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerSummary {
    pub id: String,
    pub rfm: Rfm,
    /// Mean value of the repeat purchases (0 without any).
    pub monetary_value: f64,
    /// The period of the first purchase.
    pub first_period: i64,
}

/// Summarises `transactions` (customer, date, amount) up to the period of
/// `observation_end`. Customers come out sorted by id; those whose first
/// purchase is after the observation end are absent.
pub fn summarise<'a>(
    transactions: impl IntoIterator<Item = (&'a str, Date, f64)>,
    period: Period,
    observation_end: Date,
) -> Vec<CustomerSummary> {
    let end = period.index(observation_end);
    let mut by_customer: BTreeMap<&str, BTreeMap<i64, f64>> = BTreeMap::new();
    for (id, date, amount) in transactions {
        let p = period.index(date);
        if p > end {
            continue;
        }
        *by_customer.entry(id).or_default().entry(p).or_insert(0.0) += amount;
    }
    by_customer
        .into_iter()
        .map(|(id, periods)| {
            let mut iter = periods.iter();
            let (&first, _) = iter.next().expect("a customer has at least one period");
            let (&last, _) = periods.iter().next_back().expect("non-empty");
            let repeat: Vec<f64> = iter.map(|(_, &v)| v).collect();
            let monetary_value = if repeat.is_empty() {
                0.0
            } else {
                repeat.iter().sum::<f64>() / repeat.len() as f64
            };
            CustomerSummary {
                id: id.to_string(),
                rfm: Rfm {
                    frequency: repeat.len() as f64,
                    recency: (last - first) as f64,
                    age: (end - first) as f64,
                },
                monetary_value,
                first_period: first,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn periods_number_days_weeks_and_months() {
        assert_eq!(Period::Day.index(date(1970, 1, 1)), 0);
        assert_eq!(Period::Day.index(date(1997, 1, 1)), 9862);
        assert_eq!(Period::Day.index(date(1969, 12, 31)), -1);
        // Monday 1997-01-06 starts a week; Sunday 1997-01-05 ends the one before.
        assert_eq!(
            Period::Week.index(date(1997, 1, 6)),
            Period::Week.index(date(1997, 1, 12))
        );
        assert_eq!(
            Period::Week.index(date(1997, 1, 5)) + 1,
            Period::Week.index(date(1997, 1, 6))
        );
        assert_eq!(
            Period::Month.index(date(2024, 3, 31)) - Period::Month.index(date(2023, 12, 1)),
            3
        );
        assert_eq!(Period::parse("W"), Some(Period::Week));
        assert_eq!(Period::parse("Y"), None);
    }

    /// The example computed by lifetimes 0.11.3 (see bench/lifetimes_reference.py):
    /// customer 1 buys 2024-01-15, -01-20 and 03-02; customer 2 on 02-01 and
    /// 05-31; observed to 2024-06-10.
    #[test]
    fn matches_lifetimes_on_a_small_log() {
        let tx = [
            ("1", date(2024, 1, 15), 10.0),
            ("1", date(2024, 1, 20), 20.0),
            ("1", date(2024, 3, 2), 30.0),
            ("2", date(2024, 2, 1), 5.0),
            ("2", date(2024, 5, 31), 7.0),
            ("3", date(2024, 7, 1), 9.0),
        ];
        let days = summarise(tx.iter().map(|&(i, d, a)| (i, d, a)), Period::Day, date(2024, 6, 10));
        assert_eq!(days.len(), 2, "customer 3 starts after the end");
        assert_eq!(
            (
                days[0].rfm.frequency,
                days[0].rfm.recency,
                days[0].rfm.age,
                days[0].monetary_value
            ),
            (2.0, 47.0, 147.0, 25.0)
        );
        assert_eq!(
            (
                days[1].rfm.frequency,
                days[1].rfm.recency,
                days[1].rfm.age,
                days[1].monetary_value
            ),
            (1.0, 120.0, 130.0, 7.0)
        );
        let weeks = summarise(tx.iter().map(|&(i, d, a)| (i, d, a)), Period::Week, date(2024, 6, 10));
        // Both January purchases fall in one week: one purchase of 30.
        assert_eq!(
            (
                weeks[0].rfm.frequency,
                weeks[0].rfm.recency,
                weeks[0].rfm.age,
                weeks[0].monetary_value
            ),
            (1.0, 6.0, 21.0, 30.0)
        );
        assert_eq!((weeks[1].rfm.recency, weeks[1].rfm.age), (17.0, 19.0));
        let months = summarise(tx.iter().map(|&(i, d, a)| (i, d, a)), Period::Month, date(2024, 6, 10));
        assert_eq!(
            (
                months[0].rfm.frequency,
                months[0].rfm.recency,
                months[0].rfm.age,
                months[0].monetary_value
            ),
            (1.0, 2.0, 5.0, 30.0)
        );
    }
}
