//! The shifted-beta-geometric (sBG) model of contract retention (Fader &
//! Hardie 2007, "How to project customer retention", Journal of Interactive
//! Marketing 21 (1)).
//!
//! Each client renews every period with its own probability 1 − θ; θ
//! varies between clients as Beta(α, β). Then P(T = t) = B(α + 1, β + t − 1)
//! / B(α, β) and S(t) = B(α, β + t) / B(α, β). Both are computed here as
//! products of the period-to-period retention rates
//! r(t) = S(t)/S(t−1) = (β + t − 1)/(α + β + t − 1), which stay accurate for
//! any α and β (differences of ln Γ at α ≈ 10⁸ would lose half the digits).

use super::optim;

/// One cohort's history: `churned[t − 1]` clients churned at period `t`
/// (`t = 1 ..= n`), and `survivors` were still there at period `n`, the
/// last the cohort can be observed (right-censored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cohort {
    pub churned: Vec<u64>,
    pub survivors: u64,
}

impl Cohort {
    /// From survivor counts at periods `0 ..= n` (the papers' tables:
    /// 1000, 631, 468, ...). None when a count rises.
    pub fn from_survivors(counts: &[u64]) -> Option<Cohort> {
        let (&last, _) = counts.split_last()?;
        let mut churned = Vec::with_capacity(counts.len() - 1);
        for pair in counts.windows(2) {
            churned.push(pair[0].checked_sub(pair[1])?);
        }
        Some(Cohort {
            churned,
            survivors: last,
        })
    }

    fn clients(&self) -> u64 {
        self.churned.iter().sum::<u64>() + self.survivors
    }

    fn churns(&self) -> u64 {
        self.churned.iter().sum()
    }
}

/// Above this, α or β means "no heterogeneity": the geometric limit
/// (SPEC 3.9).
pub const LIMIT: f64 = 1e6;

/// The fitted model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sbg {
    /// A proper sBG fit.
    Beta { alpha: f64, beta: f64, log_likelihood: f64 },
    /// The limit α, β → ∞ with α/(α + β) fixed: every client churns with the
    /// same probability `churn` each period (the geometric model), because
    /// the likelihood keeps rising towards that limit.
    Geometric { churn: f64, log_likelihood: f64 },
}

/// Why no model was fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SbgError {
    /// No client in any cohort.
    NoClients,
    /// Nobody churned: the data cannot tell how fast clients leave.
    NoChurn,
    /// The optimiser did not converge.
    NotConverged,
}

impl Sbg {
    pub fn log_likelihood(&self) -> f64 {
        match *self {
            Sbg::Beta { log_likelihood, .. } | Sbg::Geometric { log_likelihood, .. } => log_likelihood,
        }
    }

    /// r(t) = S(t)/S(t − 1), for t >= 1.
    pub fn retention(&self, t: u32) -> f64 {
        match *self {
            Sbg::Beta { alpha, beta, .. } => {
                let t = f64::from(t);
                (beta + t - 1.0) / (alpha + beta + t - 1.0)
            }
            Sbg::Geometric { churn, .. } => 1.0 - churn,
        }
    }

    /// S(t) for t = 0 ..= horizon.
    pub fn survival(&self, horizon: u32) -> Vec<f64> {
        let mut out = Vec::with_capacity(horizon as usize + 1);
        let mut s = 1.0;
        out.push(s);
        for t in 1..=horizon {
            s *= self.retention(t);
            out.push(s);
        }
        out
    }

    /// Σ_{t=1..H} S(k + t)/S(k) / (1 + d)^t: the expected number of further
    /// periods of a client that has survived `k` periods, over `horizon`
    /// periods, discounted at `d` per period (SPEC 3.9).
    pub fn expected_remaining(&self, k: u32, horizon: u32, discount_per_period: f64) -> f64 {
        let mut ratio = 1.0;
        let mut factor = 1.0;
        let mut total = 0.0;
        for t in 1..=horizon {
            ratio *= self.retention(k + t);
            factor /= 1.0 + discount_per_period;
            total += ratio * factor;
        }
        total
    }
}

/// ln L over all cohorts: Σ_t n_t ln P(t) + survivors · ln S(n), with the
/// gradient in (ln α, ln β) written into `grad`.
fn log_likelihood(alpha: f64, beta: f64, cohorts: &[Cohort], grad: &mut [f64]) -> f64 {
    let mut ll = 0.0;
    let (mut da, mut db) = (0.0, 0.0);
    for cohort in cohorts {
        // ln S(t − 1) and its derivatives, built up period by period.
        let (mut ls, mut ls_a, mut ls_b) = (0.0, 0.0, 0.0);
        for (i, &n) in cohort.churned.iter().enumerate() {
            let t = i as f64 + 1.0;
            let total = alpha + beta + t - 1.0;
            if n > 0 {
                // ln P(t) = ln S(t − 1) + ln(α / (α + β + t − 1)).
                let w = n as f64;
                ll += w * (ls + (alpha / total).ln());
                da += w * (ls_a + 1.0 / alpha - 1.0 / total);
                db += w * (ls_b - 1.0 / total);
            }
            ls += ((beta + t - 1.0) / total).ln();
            ls_a -= 1.0 / total;
            ls_b += 1.0 / (beta + t - 1.0) - 1.0 / total;
        }
        if cohort.survivors > 0 {
            let w = cohort.survivors as f64;
            ll += w * ls;
            da += w * ls_a;
            db += w * ls_b;
        }
    }
    grad[0] = da * alpha;
    grad[1] = db * beta;
    ll
}

/// The geometric model's estimate: churns ÷ client-periods at risk (a
/// client churning at t was at risk in periods 1..=t, a survivor at n in
/// 1..=n), and its log-likelihood.
pub fn geometric(cohorts: &[Cohort]) -> Option<(f64, f64)> {
    let (mut churns, mut at_risk) = (0u64, 0u64);
    for c in cohorts {
        for (i, &n) in c.churned.iter().enumerate() {
            churns += n;
            at_risk += n * (i as u64 + 1);
        }
        at_risk += c.survivors * c.churned.len() as u64;
    }
    if at_risk == 0 {
        return None;
    }
    let theta = churns as f64 / at_risk as f64;
    let stay = (at_risk - churns) as f64;
    let ll = xlogy(churns as f64, theta) + xlogy(stay, 1.0 - theta);
    Some((theta, ll))
}

/// x ln y with 0 ln 0 = 0.
fn xlogy(x: f64, y: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * y.ln() }
}

/// Fits α and β by maximum likelihood over all cohorts together, or
/// reports the geometric limit (SPEC 3.9: when the likelihood is highest
/// there, or α or β would exceed [`LIMIT`]).
pub fn fit(cohorts: &[Cohort]) -> Result<Sbg, SbgError> {
    let clients: u64 = cohorts.iter().map(Cohort::clients).sum();
    if clients == 0 {
        return Err(SbgError::NoClients);
    }
    if cohorts.iter().map(Cohort::churns).sum::<u64>() == 0 {
        return Err(SbgError::NoChurn);
    }
    let (churn, geo_ll) = geometric(cohorts).ok_or(SbgError::NoChurn)?;
    let scale = clients as f64;
    let objective = |x: &[f64], grad: &mut [f64]| {
        let ll = log_likelihood(x[0].exp(), x[1].exp(), cohorts, grad);
        grad[0] /= -scale;
        grad[1] /= -scale;
        -ll / scale
    };
    let found = optim::minimize(&objective, &[0.0, 0.0], 1e-10);
    let (alpha, beta) = (found.x[0].exp(), found.x[1].exp());
    let ll = -found.value * scale;
    let runs_away = alpha > LIMIT || beta > LIMIT;
    // The limit is the supremum when no finite point does better.
    let better_than_the_limit = ll > geo_ll + 1e-9 * geo_ll.abs();
    if runs_away || !better_than_the_limit {
        return Ok(Sbg::Geometric {
            churn,
            log_likelihood: geo_ll,
        });
    }
    if !found.converged {
        return Err(SbgError::NotConverged);
    }
    Ok(Sbg::Beta {
        alpha,
        beta,
        log_likelihood: ll,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGULAR: [u64; 13] = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173];
    const HIGH_END: [u64; 13] = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394];

    fn beta_of(fit: Sbg) -> (f64, f64, f64) {
        match fit {
            Sbg::Beta {
                alpha,
                beta,
                log_likelihood,
            } => (alpha, beta, log_likelihood),
            other => panic!("expected a beta fit, got {other:?}"),
        }
    }

    /// Fader & Hardie (2007), table 1 and section 4: years 0..7 of each
    /// table fitted; the published parameters and log-likelihoods.
    #[test]
    fn reproduces_fader_hardie_2007() {
        let regular = Cohort::from_survivors(&REGULAR[..8]).unwrap();
        let (a, b, ll) = beta_of(fit(&[regular]).unwrap());
        assert!((a - 0.704).abs() < 5e-4 && (b - 1.182).abs() < 5e-4, "{a} {b}");
        assert!((ll - -1680.3).abs() < 0.05, "{ll}");
        let high = Cohort::from_survivors(&HIGH_END[..8]).unwrap();
        let (a, b, ll) = beta_of(fit(&[high]).unwrap());
        assert!((a - 0.668).abs() < 5e-4 && (b - 3.806).abs() < 5e-4, "{a} {b}");
        assert!((ll - -1611.2).abs() < 0.05, "{ll}");
    }

    /// The log-likelihood written with ln B (the paper's form) agrees with
    /// the product form used here, and so does the gradient with a finite
    /// difference.
    #[test]
    fn likelihood_matches_the_beta_function_form() {
        use crate::predict::special::ln_beta;
        let cohort = Cohort::from_survivors(&REGULAR).unwrap();
        let (alpha, beta) = (0.7, 1.2);
        let mut want = 0.0;
        for (i, &n) in cohort.churned.iter().enumerate() {
            let t = i as f64 + 1.0;
            want += n as f64 * (ln_beta(alpha + 1.0, beta + t - 1.0) - ln_beta(alpha, beta));
        }
        want += cohort.survivors as f64 * (ln_beta(alpha, beta + 12.0) - ln_beta(alpha, beta));
        let mut g = [0.0; 2];
        let got = log_likelihood(alpha, beta, std::slice::from_ref(&cohort), &mut g);
        assert!((got - want).abs() < 1e-9 * want.abs(), "{got} {want}");
        let h = 1e-6;
        let mut tmp = [0.0; 2];
        let up = log_likelihood((alpha.ln() + h).exp(), beta, std::slice::from_ref(&cohort), &mut tmp);
        let down = log_likelihood((alpha.ln() - h).exp(), beta, std::slice::from_ref(&cohort), &mut tmp);
        assert!((g[0] - (up - down) / (2.0 * h)).abs() < 1e-4, "{g:?}");
        let up = log_likelihood(alpha, (beta.ln() + h).exp(), std::slice::from_ref(&cohort), &mut tmp);
        let down = log_likelihood(alpha, (beta.ln() - h).exp(), std::slice::from_ref(&cohort), &mut tmp);
        assert!((g[1] - (up - down) / (2.0 * h)).abs() < 1e-4, "{g:?}");
    }

    /// Every client churns with probability 0.1 each period, exactly as
    /// expected: no heterogeneity, so the geometric limit is reported.
    #[test]
    fn homogeneous_cohorts_give_the_geometric_limit() {
        let counts: Vec<u64> = (0..10).map(|t| (10_000.0 * 0.9_f64.powi(t)).round() as u64).collect();
        let a = Cohort::from_survivors(&counts).unwrap();
        let b = Cohort::from_survivors(&counts[..6]).unwrap();
        let fit = fit(&[a.clone(), b.clone()]).unwrap();
        let Sbg::Geometric { churn, log_likelihood } = fit else {
            panic!("expected the geometric limit, got {fit:?}");
        };
        let (theta, ll) = geometric(&[a, b]).unwrap();
        assert_eq!((churn, log_likelihood), (theta, ll));
        assert!((churn - 0.1).abs() < 1e-3, "{churn}");
        let s = fit.survival(3);
        assert!((s[3] - (1.0 - churn).powi(3)).abs() < 1e-15);
        // Memoryless: the expected remaining periods do not depend on age.
        let young = fit.expected_remaining(0, 60, 0.0);
        let old = fit.expected_remaining(40, 60, 0.0);
        assert!((young - old).abs() < 1e-12);
        let q: f64 = 1.0 - churn;
        let want: f64 = (1..=60).map(|t| q.powi(t)).sum();
        assert!((young - want).abs() < 1e-9);
    }

    /// Churn at exactly the geometric MLE: the sBG fit of a heterogeneous
    /// population is not mistaken for the limit (the F&H tables above), and
    /// the geometric estimate is churns over client-periods at risk.
    #[test]
    fn geometric_estimate_counts_periods_at_risk() {
        // 2 churn at t=1 (2 periods at risk), 1 at t=3 (3), 3 survive to 3 (9).
        let c = Cohort {
            churned: vec![2, 0, 1],
            survivors: 3,
        };
        let (theta, ll) = geometric(&[c]).unwrap();
        assert!((theta - 3.0 / 14.0).abs() < 1e-15);
        let want = 3.0 * (3.0_f64 / 14.0).ln() + 11.0 * (11.0_f64 / 14.0).ln();
        assert!((ll - want).abs() < 1e-12);
    }

    #[test]
    fn heterogeneous_survival_and_remaining_months() {
        let fit = Sbg::Beta {
            alpha: 0.704,
            beta: 1.182,
            log_likelihood: 0.0,
        };
        let s = fit.survival(2);
        // S(1) = β/(α+β), S(2) = S(1)(β+1)/(α+β+1).
        let s1 = 1.182 / 1.886;
        assert!((s[1] - s1).abs() < 1e-15);
        assert!((s[2] - s1 * 2.182 / 2.886).abs() < 1e-15);
        // Older clients are more loyal: more expected remaining periods.
        assert!(fit.expected_remaining(5, 10, 0.0) > fit.expected_remaining(0, 10, 0.0));
        // k = 0, H = 2: S(1) + S(2), and discounting divides by (1+d)^t.
        let e = fit.expected_remaining(0, 2, 0.0);
        assert!((e - (s[1] + s[2])).abs() < 1e-15);
        let d = fit.expected_remaining(0, 2, 0.1);
        assert!((d - (s[1] / 1.1 + s[2] / 1.21)).abs() < 1e-15);
    }

    #[test]
    fn no_churn_or_no_clients_is_an_error() {
        assert_eq!(fit(&[]), Err(SbgError::NoClients));
        let c = Cohort::from_survivors(&[10, 10, 10]).unwrap();
        assert_eq!(fit(&[c]), Err(SbgError::NoChurn));
        assert_eq!(Cohort::from_survivors(&[10, 11]), None);
        assert_eq!(Cohort::from_survivors(&[]), None);
    }
}
