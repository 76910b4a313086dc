//! The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005,
//! "Counting your customers the easy way", Marketing Science 24 (2)), with
//! the same formulas as lifetimes' `BetaGeoFitter`.
//!
//! While alive, a customer buys as a Poisson process of rate λ
//! (λ ~ Gamma(r, α) across customers); after each purchase it drops out
//! for good with probability p (p ~ Beta(a, b)). From a customer's
//! repeat-purchase count x, the time of its last purchase t_x and its age
//! T the model gives P(alive) and the expected purchases in the next t
//! periods.

use std::collections::BTreeMap;

use super::optim;
use super::special::{digamma, hyp2f1_ln, ln_gamma};

/// One customer's repeat-purchase summary (lifetimes' `frequency`,
/// `recency`, `T`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rfm {
    pub frequency: f64,
    pub recency: f64,
    pub age: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BgNbd {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// The customers grouped by identical (x, t_x, T), with the distinct x, T
/// and t_x values indexed, so that one likelihood evaluation computes each
/// ln Γ, ψ and ln once per distinct value, not once per customer.
struct Grouped {
    xs: Vec<f64>,
    ages: Vec<f64>,
    recencies: Vec<f64>,
    /// (index into xs, into ages, into recencies, how many customers).
    patterns: Vec<(usize, usize, usize, f64)>,
    customers: f64,
}

fn index_of(values: &mut BTreeMap<u64, usize>, v: f64) -> usize {
    let n = values.len();
    *values.entry(v.to_bits()).or_insert(n)
}

fn ordered(values: BTreeMap<u64, usize>, scale: f64) -> Vec<f64> {
    let mut out = vec![0.0; values.len()];
    for (bits, i) in values {
        out[i] = f64::from_bits(bits) * scale;
    }
    out
}

impl Grouped {
    fn new(data: &[Rfm], time_scale: f64) -> Grouped {
        let (mut xs, mut ages, mut recs) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let mut counts: BTreeMap<(usize, usize, usize), f64> = BTreeMap::new();
        for c in data {
            let key = (
                index_of(&mut xs, c.frequency),
                index_of(&mut ages, c.age),
                index_of(&mut recs, c.recency),
            );
            *counts.entry(key).or_insert(0.0) += 1.0;
        }
        Grouped {
            xs: ordered(xs, 1.0),
            ages: ordered(ages, time_scale),
            recencies: ordered(recs, time_scale),
            patterns: counts.into_iter().map(|((x, t, r), n)| (x, t, r, n)).collect(),
            customers: data.len() as f64,
        }
    }

    /// Σ ln L (lifetimes' `_negative_log_likelihood`, negated and summed)
    /// and its gradient in (ln r, ln α, ln a, ln b).
    fn log_likelihood(&self, m: &BgNbd, grad: &mut [f64]) -> f64 {
        let BgNbd { r, alpha, a, b } = *m;
        let (lg_r, lg_ab, lg_b) = (ln_gamma(r), ln_gamma(a + b), ln_gamma(b));
        let (dg_r, dg_ab, dg_b) = (digamma(r), digamma(a + b), digamma(b));
        let ln_alpha = alpha.ln();
        struct PerX {
            a12: f64,
            d_r: f64,
            d_a: f64,
            d_b: f64,
            ln_b: f64,
            inv_b: f64,
        }
        let per_x: Vec<PerX> = self
            .xs
            .iter()
            .map(|&x| PerX {
                a12: ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + x) - lg_b - ln_gamma(a + b + x),
                d_r: digamma(r + x) - dg_r + ln_alpha,
                d_a: dg_ab - digamma(a + b + x),
                d_b: dg_ab + digamma(b + x) - dg_b - digamma(a + b + x),
                ln_b: (b + x.max(1.0) - 1.0).ln(),
                inv_b: 1.0 / (b + x.max(1.0) - 1.0),
            })
            .collect();
        let per_age: Vec<(f64, f64)> = self
            .ages
            .iter()
            .map(|&t| ((alpha + t).ln(), 1.0 / (alpha + t)))
            .collect();
        let per_rec: Vec<(f64, f64)> = self
            .recencies
            .iter()
            .map(|&t| ((alpha + t).ln(), 1.0 / (alpha + t)))
            .collect();
        let ln_a = a.ln();
        let (mut ll, mut g_r, mut g_alpha, mut g_a, mut g_b) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(xi, ti, ri, n) in &self.patterns {
            let x = self.xs[xi];
            let px = &per_x[xi];
            let (l_t, i_t) = per_age[ti];
            let a3 = -(r + x) * l_t;
            let (value, w3, w4, l_r, i_r) = if x > 0.0 {
                let (l_r, i_r) = per_rec[ri];
                let a4 = ln_a - px.ln_b - (r + x) * l_r;
                let top = a3.max(a4);
                let (e3, e4) = ((a3 - top).exp(), (a4 - top).exp());
                let sum = e3 + e4;
                (top + sum.ln(), e3 / sum, e4 / sum, l_r, i_r)
            } else {
                (a3, 1.0, 0.0, 0.0, 0.0)
            };
            ll += n * (px.a12 + value);
            g_r += n * (px.d_r - w3 * l_t - w4 * l_r);
            g_alpha += n * (r / alpha - (r + x) * (w3 * i_t + w4 * i_r));
            g_a += n * (px.d_a + w4 / a);
            g_b += n * (px.d_b - w4 * px.inv_b);
        }
        grad[0] = g_r * r;
        grad[1] = g_alpha * alpha;
        grad[2] = g_a * a;
        grad[3] = g_b * b;
        ll
    }
}

/// The fitted model and its log-likelihood on the data's own time unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BgNbdFit {
    pub model: BgNbd,
    pub log_likelihood: f64,
}

/// Fits r, α, a, b by maximum likelihood, as lifetimes does: time rescaled
/// by 1 / max T for the search (α scaled back afterwards; the maximum is
/// the same), log-parameters starting at 0.1. None when the data are empty
/// or the search does not converge.
pub fn fit(data: &[Rfm]) -> Option<BgNbdFit> {
    let max_age = data.iter().map(|c| c.age).fold(0.0_f64, f64::max);
    if data.is_empty() || max_age.is_nan() || max_age <= 0.0 {
        return None;
    }
    let scale = 1.0 / max_age;
    let grouped = Grouped::new(data, scale);
    let [r, alpha, a, b] = optim::fit_log_parameters(grouped.customers, |[r, alpha, a, b], grad| {
        grouped.log_likelihood(&BgNbd { r, alpha, a, b }, grad)
    })?;
    let model = BgNbd {
        r,
        alpha: alpha / scale,
        a,
        b,
    };
    Some(BgNbdFit {
        model,
        log_likelihood: log_likelihood(&model, data),
    })
}

/// Σ ln L of the data under `model` (the time unit of the data).
pub fn log_likelihood(model: &BgNbd, data: &[Rfm]) -> f64 {
    let mut grad = [0.0; 4];
    Grouped::new(data, 1.0).log_likelihood(model, &mut grad)
}

impl BgNbd {
    /// P(alive | x, t_x, T) (Fader, Hardie & Lee 2008, note 021; lifetimes'
    /// `conditional_probability_alive`): 1 for a customer without repeat
    /// purchases.
    pub fn p_alive(&self, c: &Rfm) -> f64 {
        if c.frequency == 0.0 {
            return 1.0;
        }
        let BgNbd { r, alpha, a, b } = *self;
        let x = c.frequency;
        let log_div = (r + x) * ((alpha + c.age) / (alpha + c.recency)).ln() + (a / (b + x.max(1.0) - 1.0)).ln();
        // expit(−log_div)
        1.0 / (1.0 + log_div.exp())
    }

    /// E[X(t) | x, t_x, T]: expected purchases in the next `t` periods
    /// (equation 10 of the paper; lifetimes'
    /// `conditional_expected_number_of_purchases_up_to_time`). NaN when
    /// ₂F₁ does not converge.
    pub fn expected_purchases(&self, c: &Rfm, t: f64) -> f64 {
        if t == 0.0 {
            return 0.0;
        }
        let BgNbd { r, alpha, a, b } = *self;
        let x = c.frequency;
        let (ha, hb, hc) = (r + x, b + x, a + b + x - 1.0);
        let z = t / (alpha + c.age + t);
        let (sign, ln_hyp) = hyp2f1_ln(ha, hb, hc, z);
        let first = (a + b + x - 1.0) / (a - 1.0);
        let second = 1.0 - sign * (ln_hyp + (r + x) * ((alpha + c.age) / (alpha + t + c.age)).ln()).exp();
        let repeat = if x > 0.0 { 1.0 } else { 0.0 };
        let denominator = 1.0 + repeat * (a / (b + x - 1.0)) * ((alpha + c.age) / (alpha + c.recency)).powf(r + x);
        first * second / denominator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfm(frequency: f64, recency: f64, age: f64) -> Rfm {
        Rfm {
            frequency,
            recency,
            age,
        }
    }

    fn model([r, alpha, a, b]: [f64; 4]) -> BgNbd {
        BgNbd { r, alpha, a, b }
    }

    /// The gradient agrees with central differences of the likelihood.
    #[test]
    fn gradient_matches_finite_differences() {
        let data = [
            rfm(0.0, 0.0, 30.0),
            rfm(3.0, 20.0, 35.0),
            rfm(1.0, 2.0, 38.0),
            rfm(3.0, 20.0, 35.0),
        ];
        let g = Grouped::new(&data, 1.0);
        assert_eq!(g.patterns.len(), 3, "identical customers share a pattern");
        let base = [0.3_f64, 4.0, 0.8, 2.4];
        let mut grad = [0.0; 4];
        g.log_likelihood(&model(base), &mut grad);
        for i in 0..4 {
            let h = 1e-6;
            let (mut up, mut down) = (base, base);
            up[i] = (base[i].ln() + h).exp();
            down[i] = (base[i].ln() - h).exp();
            let mut tmp = [0.0; 4];
            let numeric =
                (g.log_likelihood(&model(up), &mut tmp) - g.log_likelihood(&model(down), &mut tmp)) / (2.0 * h);
            assert!(
                (grad[i] - numeric).abs() < 1e-6,
                "parameter {i}: {} vs {numeric}",
                grad[i]
            );
        }
    }

    #[test]
    fn p_alive_is_one_without_repeat_purchases_and_falls_with_silence() {
        let m = model([0.243, 4.414, 0.793, 2.426]);
        let new = rfm(0.0, 0.0, 38.0);
        assert_eq!(m.p_alive(&new), 1.0);
        let recent = rfm(2.0, 37.0, 38.0);
        let silent = rfm(2.0, 5.0, 38.0);
        assert!(m.p_alive(&recent) > m.p_alive(&silent));
        assert_eq!(m.expected_purchases(&recent, 0.0), 0.0);
        assert!(m.expected_purchases(&recent, 52.0) > m.expected_purchases(&recent, 39.0));
    }

    /// a + b < 1 makes c = a + b + x − 1 negative for a customer without
    /// repeat purchases; ₂F₁ is then negative and lifetimes (taking its
    /// logarithm) gives NaN. The formula itself is fine: scipy's hyp2f1 in
    /// equation 10 gives 1.4676185028621516.
    #[test]
    fn expected_purchases_with_negative_c() {
        let m = model([0.360389, 3.267712, 0.045995, 0.437953]);
        let c = rfm(0.0, 0.0, 10.0);
        let got = m.expected_purchases(&c, 60.0);
        assert!((got - 1.4676185028621516).abs() < 1e-9, "{got}");
    }

    #[test]
    fn empty_data_is_not_fitted() {
        assert!(fit(&[]).is_none());
        let zero = rfm(0.0, 0.0, 0.0);
        assert!(fit(&[zero]).is_none());
    }
}
