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

use bgnbd::{BgNbd, Rfm};
use gamma_gamma::GammaGamma;
use summary::Period;

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
