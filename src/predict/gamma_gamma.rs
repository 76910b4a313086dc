//! The Gamma-Gamma model of spend per purchase (Fader & Hardie 2013, "The
//! Gamma-Gamma model of monetary value"; lifetimes' `GammaGammaFitter`).
//!
//! A customer's purchases vary around its own mean value; those means vary
//! across customers. The model shrinks a customer's observed mean towards
//! the population mean, the more the fewer purchases it has.

use std::collections::BTreeMap;

use super::optim;
use super::special::{digamma, ln_gamma};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GammaGamma {
    pub p: f64,
    pub q: f64,
    /// γ (lifetimes calls it `v`).
    pub gamma: f64,
}

/// A repeat buyer: its repeat-purchase count and mean value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spend {
    pub frequency: f64,
    pub mean_value: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GammaGammaFit {
    pub model: GammaGamma,
    pub log_likelihood: f64,
}

/// The repeat buyers prepared once for the many evaluations of a fit: the
/// distinct frequencies with their logarithms, and per customer the index
/// of its frequency, x·m̄ and ln m̄.
struct Prepared {
    xs: Vec<f64>,
    ln_xs: Vec<f64>,
    customers: Vec<(usize, f64, f64)>,
}

impl Prepared {
    /// `data` must hold frequency > 0 and mean value > 0 only.
    fn new(data: &[Spend]) -> Prepared {
        let mut index: BTreeMap<u64, usize> = BTreeMap::new();
        let mut xs = Vec::new();
        let customers = data
            .iter()
            .map(|s| {
                let i = *index.entry(s.frequency.to_bits()).or_insert_with(|| {
                    xs.push(s.frequency);
                    xs.len() - 1
                });
                (i, s.frequency * s.mean_value, s.mean_value.ln())
            })
            .collect();
        Prepared {
            ln_xs: xs.iter().map(|x| x.ln()).collect(),
            xs,
            customers,
        }
    }

    /// Σ ln L and its gradient in (ln p, ln q, ln γ).
    fn log_likelihood(&self, m: &GammaGamma, grad: &mut [f64]) -> f64 {
        let GammaGamma { p, q, gamma: v } = *m;
        let (lg_q, dg_q, ln_v) = (ln_gamma(q), digamma(q), v.ln());
        // ln Γ(px + q) − ln Γ(px) − ln Γ(q) + px ln x, and the two ψ, per distinct x.
        let per_x: Vec<(f64, f64, f64)> = self
            .xs
            .iter()
            .zip(&self.ln_xs)
            .map(|(&x, &ln_x)| {
                let px = p * x;
                (
                    ln_gamma(px + q) - ln_gamma(px) - lg_q + px * ln_x,
                    digamma(px + q),
                    digamma(px),
                )
            })
            .collect();
        let (mut ll, mut g_p, mut g_q, mut g_v) = (0.0, 0.0, 0.0, 0.0);
        for &(i, xm, ln_m) in &self.customers {
            let (x, ln_x) = (self.xs[i], self.ln_xs[i]);
            let (c, dg_sum, dg_px) = per_x[i];
            let px = p * x;
            let total = xm + v;
            let ln_total = total.ln();
            ll += c + q * ln_v + (px - 1.0) * ln_m - (px + q) * ln_total;
            g_p += x * (dg_sum - dg_px + ln_x + ln_m - ln_total);
            g_q += dg_sum - dg_q + ln_v - ln_total;
            g_v += q / v - (px + q) / total;
        }
        grad[0] = g_p * p;
        grad[1] = g_q * q;
        grad[2] = g_v * v;
        ll
    }
}

/// Σ ln L and its gradient in (ln p, ln q, ln γ); `data` must hold
/// frequency > 0 and mean value > 0 only.
fn log_likelihood(m: &GammaGamma, data: &[Spend], grad: &mut [f64]) -> f64 {
    Prepared::new(data).log_likelihood(m, grad)
}

/// Fits p, q, γ by maximum likelihood on the customers with frequency > 0
/// and a positive mean value (the others are ignored, as SPEC 3.9 says).
/// Values are rescaled by their mean for the search (γ scaled back; the
/// maximum is the same), so that yen and dollars converge alike. None when
/// no customer qualifies or the search does not converge.
pub fn fit(data: &[Spend]) -> Option<GammaGammaFit> {
    let used: Vec<Spend> = data
        .iter()
        .copied()
        .filter(|s| s.frequency > 0.0 && s.mean_value > 0.0)
        .collect();
    if used.is_empty() {
        return None;
    }
    let n = used.len() as f64;
    let scale = used.iter().map(|s| s.mean_value).sum::<f64>() / n;
    let scaled: Vec<Spend> = used
        .iter()
        .map(|s| Spend {
            frequency: s.frequency,
            mean_value: s.mean_value / scale,
        })
        .collect();
    let prepared = Prepared::new(&scaled);
    let [p, q, gamma] = optim::fit_log_parameters(n, |[p, q, gamma], grad| {
        prepared.log_likelihood(&GammaGamma { p, q, gamma }, grad)
    })?;
    let model = GammaGamma {
        p,
        q,
        gamma: gamma * scale,
    };
    let mut grad = [0.0; 3];
    let log_likelihood = log_likelihood(&model, &used, &mut grad);
    Some(GammaGammaFit { model, log_likelihood })
}

impl GammaGamma {
    /// E[M | x, m̄]: the expected value of a customer's future purchases
    /// (lifetimes' `conditional_expected_average_profit`): a weighted mean
    /// of its own mean `m̄` and the population mean γp/(q − 1). None when
    /// q <= 1 (the population mean is then infinite).
    pub fn expected_average_value(&self, frequency: f64, mean_value: f64) -> Option<f64> {
        if self.q.is_nan() || self.q <= 1.0 {
            return None;
        }
        let GammaGamma { p, q, gamma } = *self;
        let individual = p * frequency / (p * frequency + q - 1.0);
        let population = gamma * p / (q - 1.0);
        Some((1.0 - individual) * population + individual * mean_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let data = [
            Spend {
                frequency: 1.0,
                mean_value: 12.0,
            },
            Spend {
                frequency: 4.0,
                mean_value: 30.5,
            },
            Spend {
                frequency: 1.0,
                mean_value: 7.25,
            },
        ];
        let base = [6.0_f64, 3.7, 15.0];
        let model = |p: &[f64; 3]| GammaGamma {
            p: p[0],
            q: p[1],
            gamma: p[2],
        };
        let mut grad = [0.0; 3];
        log_likelihood(&model(&base), &data, &mut grad);
        for i in 0..3 {
            let h = 1e-6;
            let (mut up, mut down) = (base, base);
            up[i] = (base[i].ln() + h).exp();
            down[i] = (base[i].ln() - h).exp();
            let mut tmp = [0.0; 3];
            let numeric = (log_likelihood(&model(&up), &data, &mut tmp)
                - log_likelihood(&model(&down), &data, &mut tmp))
                / (2.0 * h);
            assert!(
                (grad[i] - numeric).abs() < 1e-6,
                "parameter {i}: {} vs {numeric}",
                grad[i]
            );
        }
    }

    #[test]
    fn expected_value_shrinks_towards_the_population_mean() {
        let m = GammaGamma {
            p: 6.25,
            q: 3.74,
            gamma: 15.45,
        };
        let population = 15.45 * 6.25 / 2.74;
        // No purchase seen: the population mean.
        assert!((m.expected_average_value(0.0, 0.0).unwrap() - population).abs() < 1e-12);
        // One purchase of 100: weight p/(p + q − 1) on it.
        let w = 6.25 / (6.25 + 2.74);
        let want = (1.0 - w) * population + w * 100.0;
        assert!((m.expected_average_value(1.0, 100.0).unwrap() - want).abs() < 1e-12);
        // More purchases: closer to the customer's own mean.
        assert!(m.expected_average_value(10.0, 100.0).unwrap() > m.expected_average_value(1.0, 100.0).unwrap());
        let flat = GammaGamma { q: 1.0, ..m };
        assert_eq!(flat.expected_average_value(1.0, 100.0), None);
    }

    #[test]
    fn nothing_to_fit_without_repeat_buyers() {
        let data = [
            Spend {
                frequency: 0.0,
                mean_value: 0.0,
            },
            Spend {
                frequency: 2.0,
                mean_value: -5.0,
            },
        ];
        assert!(fit(&data).is_none());
    }
}
