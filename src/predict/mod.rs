//! Predictive lifetime value (SPEC 3.9): the sBG model of contract
//! retention, BG/NBD for repeat purchases and Gamma-Gamma for their value,
//! fitted by maximum likelihood in pure Rust, with the same definitions as
//! the published papers and the Python library `lifetimes`. No I/O: the
//! project's metrics ([`crate::metrics`]) and `casebook clv` feed it data.

pub mod bgnbd;
pub mod gamma_gamma;
pub mod optim;
pub mod sbg;
pub mod special;
pub mod summary;

use bgnbd::{BgNbd, BgNbdFit, Rfm};
use gamma_gamma::{GammaGamma, GammaGammaFit, Spend};
use summary::{CustomerSummary, Period};

/// The fewest repeat buyers a BG/NBD or Gamma-Gamma fit needs (SPEC 3.9);
/// with fewer, the model is not fitted and a note says why.
pub const MIN_REPEAT_BUYERS: usize = 20;

/// The fewest cohorts with an observed churn an sBG fit needs (SPEC 3.9).
pub const MIN_CHURNED_COHORTS: usize = 2;

/// A per-period discount rate from an annual one: (1 + annual)^(1/n) − 1
/// for `n` periods a year.
pub fn per_period_discount(annual: f64, periods_per_year: f64) -> f64 {
    (1.0 + annual).powf(1.0 / periods_per_year) - 1.0
}

/// What BG/NBD and Gamma-Gamma say about one customer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CustomerForecast {
    pub p_alive: f64,
    /// Expected repeat purchases in the next `horizon` periods.
    pub expected_purchases: f64,
    /// Gamma-Gamma's expected value of a future purchase (None without a
    /// Gamma-Gamma fit, or when its q <= 1).
    pub expected_avg_value: Option<f64>,
    /// `expected_avg_value` × the expected purchases, discounted month by
    /// month (see [`expected_value`]).
    pub expected_value: Option<f64>,
}

/// The forecast of one customer over `horizon` periods of `period`.
pub fn forecast(
    bg: &BgNbd,
    gg: Option<&GammaGamma>,
    rfm: &Rfm,
    monetary_value: f64,
    horizon: f64,
    period: Period,
    monthly_discount: f64,
) -> CustomerForecast {
    let expected_purchases = bg.expected_purchases(rfm, horizon);
    let expected_avg_value = gg.and_then(|g| g.expected_average_value(rfm.frequency, monetary_value));
    CustomerForecast {
        p_alive: bg.p_alive(rfm),
        expected_purchases,
        expected_avg_value,
        expected_value: expected_avg_value
            .map(|v| expected_value(bg, rfm, v, horizon, period, monthly_discount, expected_purchases)),
    }
}

/// `avg_value` × the purchases expected in each month of the horizon,
/// each divided by (1 + d)^(months from now), as lifetimes'
/// `customer_lifetime_value` sums it: month i covers periods
/// ((i − 1)·f, i·f] with f periods a month ([`Period::per_month`]); a last
/// partial month ends at the horizon. Without a discount this is
/// `avg_value × expected_purchases` exactly.
pub fn expected_value(
    bg: &BgNbd,
    rfm: &Rfm,
    avg_value: f64,
    horizon: f64,
    period: Period,
    monthly_discount: f64,
    expected_purchases: f64,
) -> f64 {
    if monthly_discount == 0.0 {
        return avg_value * expected_purchases;
    }
    let per_month = period.per_month();
    let mut total = 0.0;
    let mut before = 0.0;
    let mut month = 1.0;
    loop {
        let end = (month * per_month).min(horizon);
        let cumulative = bg.expected_purchases(rfm, end);
        total += avg_value * (cumulative - before) / (1.0 + monthly_discount).powf(end / per_month);
        before = cumulative;
        if end >= horizon {
            return total;
        }
        month += 1.0;
    }
}

/// Fits BG/NBD on `customers` (None and a note with too few repeat buyers).
pub fn fit_bgnbd(customers: &[CustomerSummary], notes: &mut Vec<String>) -> Option<BgNbdFit> {
    let repeat = customers.iter().filter(|c| c.rfm.frequency > 0.0).count();
    if repeat < MIN_REPEAT_BUYERS {
        notes.push(format!(
            "BG/NBD not fitted: {repeat} repeat buyer{} (at least {MIN_REPEAT_BUYERS} needed)",
            if repeat == 1 { "" } else { "s" }
        ));
        return None;
    }
    let data: Vec<_> = customers.iter().map(|c| c.rfm).collect();
    let fit = bgnbd::fit(&data);
    if fit.is_none() {
        notes.push("BG/NBD not fitted: the likelihood search did not converge".into());
    }
    fit
}

/// Fits Gamma-Gamma on the customers with repeat purchases of positive
/// mean value (None and a note with too few of them, or when q <= 1).
pub fn fit_gamma_gamma(customers: &[CustomerSummary], notes: &mut Vec<String>) -> Option<GammaGammaFit> {
    let data: Vec<Spend> = customers
        .iter()
        .filter(|c| c.rfm.frequency > 0.0 && c.monetary_value > 0.0)
        .map(|c| Spend {
            frequency: c.rfm.frequency,
            mean_value: c.monetary_value,
        })
        .collect();
    if data.len() < MIN_REPEAT_BUYERS {
        notes.push(format!(
            "Gamma-Gamma not fitted: {} repeat buyer{} with a positive mean value (at least {MIN_REPEAT_BUYERS} needed)",
            data.len(),
            if data.len() == 1 { "" } else { "s" }
        ));
        return None;
    }
    let fit = gamma_gamma::fit(&data);
    match fit {
        None => notes.push("Gamma-Gamma not fitted: the likelihood search did not converge".into()),
        Some(f) if f.model.q.is_nan() || f.model.q <= 1.0 => notes.push(format!(
            "Gamma-Gamma: q = {} <= 1, so the mean purchase value is unbounded; no expected values",
            f.model.q
        )),
        Some(_) => {}
    }
    fit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> BgNbd {
        BgNbd {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
        }
    }

    const RFM: Rfm = Rfm {
        frequency: 2.0,
        recency: 30.0,
        age: 38.0,
    };

    #[test]
    fn per_period_discount_compounds_to_the_annual_rate() {
        let d = per_period_discount(0.1, 12.0);
        assert!(((1.0 + d).powi(12) - 1.1).abs() < 1e-14, "{d}");
        assert_eq!(per_period_discount(0.0, 12.0), 0.0);
        assert!(per_period_discount(0.1, 52.0) < d);
    }

    /// Weekly data, a horizon of three months (3 × 4.345 weeks): each
    /// month's expected purchases divided by 1.01^month, as lifetimes'
    /// customer_lifetime_value sums them; a horizon of 10 weeks ends with a
    /// partial month discounted by 1.01^(10/4.345).
    #[test]
    fn expected_value_discounts_month_by_month() {
        let m = model();
        let e = |t: f64| m.expected_purchases(&RFM, t);
        let f = Period::Week.per_month();
        let want = 10.0
            * (e(f) / 1.01 + (e(2.0 * f) - e(f)) / 1.01_f64.powi(2) + (e(3.0 * f) - e(2.0 * f)) / 1.01_f64.powi(3));
        let got = expected_value(&m, &RFM, 10.0, 3.0 * f, Period::Week, 0.01, e(3.0 * f));
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        let want = 10.0
            * (e(f) / 1.01 + (e(2.0 * f) - e(f)) / 1.01_f64.powi(2) + (e(10.0) - e(2.0 * f)) / 1.01_f64.powf(10.0 / f));
        let got = expected_value(&m, &RFM, 10.0, 10.0, Period::Week, 0.01, e(10.0));
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        // Without a discount: value × purchases, whatever the unit.
        assert_eq!(expected_value(&m, &RFM, 10.0, 10.0, Period::Day, 0.0, 1.5), 15.0);
    }

    /// `n` repeat buyers (varied histories and values) and 10 one-time buyers.
    fn customers(n: usize) -> Vec<CustomerSummary> {
        let mut out = Vec::new();
        for i in 0..n + 10 {
            let repeat = if i < n { (i % 4 + 1) as f64 } else { 0.0 };
            out.push(CustomerSummary {
                id: format!("c{i:02}"),
                rfm: Rfm {
                    frequency: repeat,
                    recency: if repeat > 0.0 {
                        ((i % 7) as f64 + repeat) * 3.0
                    } else {
                        0.0
                    },
                    age: 40.0 + (i % 5) as f64,
                },
                monetary_value: if repeat > 0.0 { 10.0 + (i * 37 % 23) as f64 } else { 0.0 },
                first_period: 0,
            });
        }
        out
    }

    /// Exactly MIN_REPEAT_BUYERS repeat buyers are enough; one fewer is not.
    #[test]
    fn the_thresholds_count_repeat_buyers() {
        let mut notes = Vec::new();
        assert!(
            fit_bgnbd(&customers(MIN_REPEAT_BUYERS), &mut notes).is_some(),
            "{notes:?}"
        );
        assert!(
            fit_gamma_gamma(&customers(MIN_REPEAT_BUYERS), &mut notes).is_some(),
            "{notes:?}"
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert!(fit_bgnbd(&customers(MIN_REPEAT_BUYERS - 1), &mut notes).is_none());
        assert_eq!(notes, ["BG/NBD not fitted: 19 repeat buyers (at least 20 needed)"]);
        // A repeat buyer whose purchases net to nothing (or less) does not
        // count for Gamma-Gamma (but does for BG/NBD).
        for net in [0.0, -5.0] {
            let mut data = customers(MIN_REPEAT_BUYERS);
            data[0].monetary_value = net;
            let mut notes = Vec::new();
            assert!(fit_bgnbd(&data, &mut notes).is_some());
            assert!(fit_gamma_gamma(&data, &mut notes).is_none());
            assert_eq!(
                notes,
                ["Gamma-Gamma not fitted: 19 repeat buyers with a positive mean value (at least 20 needed)"]
            );
        }
    }

    /// Mean values from 1 to 10^(29/9) ≈ 1,700 across 30 customers: so
    /// spread out that Gamma-Gamma's q comes out below 1 (lifetimes: 0.41),
    /// where the mean purchase value is unbounded. The fit is reported, with a
    /// note, and no customer gets an expected value.
    #[test]
    fn gamma_gamma_with_q_below_one_gives_a_note_and_no_values() {
        let data: Vec<CustomerSummary> = (0..30)
            .map(|i| CustomerSummary {
                id: format!("c{i:02}"),
                rfm: Rfm {
                    frequency: f64::from(1 + i % 2),
                    recency: 10.0,
                    age: 20.0,
                },
                monetary_value: 10f64.powf(f64::from(i) / 9.0),
                first_period: 0,
            })
            .collect();
        let mut notes = Vec::new();
        let fit = fit_gamma_gamma(&data, &mut notes).expect("fitted");
        assert!((fit.model.q - 0.4110046413488693).abs() < 1e-3, "{fit:?}");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("Gamma-Gamma: q = 0.41") && notes[0].ends_with("no expected values"),
            "{notes:?}"
        );
        let f = forecast(
            &model(),
            Some(&fit.model),
            &data[3].rfm,
            data[3].monetary_value,
            12.0,
            Period::Month,
            0.0,
        );
        assert_eq!((f.expected_avg_value, f.expected_value), (None, None));
    }

    #[test]
    fn forecast_needs_gamma_gamma_for_values() {
        let m = model();
        let without = forecast(&m, None, &RFM, 20.0, 52.0, Period::Week, 0.0);
        assert_eq!(without.p_alive, m.p_alive(&RFM));
        assert_eq!(without.expected_purchases, m.expected_purchases(&RFM, 52.0));
        assert_eq!((without.expected_avg_value, without.expected_value), (None, None));
        let gg = GammaGamma {
            p: 6.25,
            q: 3.74,
            gamma: 15.44,
        };
        let with = forecast(&m, Some(&gg), &RFM, 20.0, 52.0, Period::Week, 0.0);
        let avg = gg.expected_average_value(2.0, 20.0).unwrap();
        assert_eq!(with.expected_avg_value, Some(avg));
        assert_eq!(with.expected_value, Some(avg * with.expected_purchases));
    }
}
