//! A small BFGS minimiser for the models' negative log-likelihoods.
//!
//! Why not a crate: `argmin` would do, but it brings a generic math layer
//! and a dozen crates into a project that needs one method for two to four
//! smooth parameters with analytic gradients. BFGS on log-parameters, with
//! a backtracking (Armijo) line search whose steps are capped so that
//! `exp` of a parameter cannot overflow, converges in 20–60 iterations on
//! every data set of the tests — the same method lifetimes uses (scipy's
//! `minimize`, BFGS, on log-parameters). Deterministic: no randomness, no
//! threads, the same operations in the same order for the same input.

/// What [`minimize`] found.
#[derive(Clone, Debug)]
pub struct Minimum {
    pub x: Vec<f64>,
    pub value: f64,
    /// The gradient fell below the tolerance (else the iteration limit or a
    /// failed line search ended the search).
    pub converged: bool,
    pub iterations: usize,
    /// The largest gradient component at `x`.
    pub gradient: f64,
}

/// Largest change of one coordinate (a log-parameter) in one step.
const MAX_STEP: f64 = 3.0;
const MAX_ITERATIONS: usize = 1000;
/// The gradient below which a search whose value stopped changing counts
/// as converged (see the end of [`minimize`]).
const STALLED_GTOL: f64 = 1e-6;

/// Gradient tolerance of [`fit_log_parameters`], on the mean log-likelihood
/// per customer in log-parameters: lifetimes' (scipy's BFGS with
/// `tol=1e-7`). Below it the parameters move by less than 1e-6 relative on
/// the test data; the mean over tens of thousands of customers is not exact
/// beyond ~1e-8.
const LIKELIHOOD_GTOL: f64 = 1e-7;

/// Fits `N` positive parameters by maximum likelihood as lifetimes does
/// (BG/NBD, Gamma-Gamma): BFGS on the log-parameters from 0.1, minimising
/// the negative log-likelihood's mean over `observations`.
/// `log_likelihood(parameters, grad)` returns the total log-likelihood at
/// the parameters and writes its gradient in the log-parameters into
/// `grad`. The parameters found, or None when the search does not converge.
pub fn fit_log_parameters<const N: usize>(
    observations: f64,
    log_likelihood: impl Fn([f64; N], &mut [f64]) -> f64,
) -> Option<[f64; N]> {
    let objective = |x: &[f64], grad: &mut [f64]| {
        let ll = log_likelihood(std::array::from_fn(|i| x[i].exp()), grad);
        for g in grad.iter_mut() {
            *g /= -observations;
        }
        -ll / observations
    };
    let found = minimize(&objective, &[0.1; N], LIKELIHOOD_GTOL);
    found.converged.then(|| std::array::from_fn(|i| found.x[i].exp()))
}

/// Minimises `f` from `x0`. `f(x, grad)` returns the value at `x` and
/// writes the gradient into `grad`; a non-finite value marks a point
/// outside the domain (the line search then steps back).
/// Converged when every gradient component is below `gtol` in absolute
/// value (the objectives are means over customers, so `gtol` is
/// independent of the data size).
pub fn minimize(f: &dyn Fn(&[f64], &mut [f64]) -> f64, x0: &[f64], gtol: f64) -> Minimum {
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let mut h = identity(n);
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    let mut iterations = 0;
    let mut stalls = 0;
    while iterations < MAX_ITERATIONS {
        if !fx.is_finite() {
            break;
        }
        if max_abs(&g) < gtol {
            return Minimum {
                gradient: max_abs(&g),
                x,
                value: fx,
                converged: true,
                iterations,
            };
        }
        iterations += 1;
        let mut p = mat_vec(&h, &g).into_iter().map(|v| -v).collect::<Vec<_>>();
        let mut slope = dot(&g, &p);
        if slope.is_nan() || slope >= 0.0 {
            // Not a descent direction (H lost positive definiteness): restart.
            h = identity(n);
            p = g.iter().map(|v| -v).collect();
            slope = dot(&g, &p);
        }
        let longest = max_abs(&p);
        let mut step = if longest > MAX_STEP { MAX_STEP / longest } else { 1.0 };
        let mut accepted = false;
        // 40 halvings take the step below 1e-12 of the first.
        for _ in 0..40 {
            for i in 0..n {
                x_new[i] = x[i] + step * p[i];
            }
            let f_new = f(&x_new, &mut g_new);
            if f_new.is_finite() && f_new <= fx + 1e-4 * step * slope {
                let s: Vec<f64> = (0..n).map(|i| x_new[i] - x[i]).collect();
                let y: Vec<f64> = (0..n).map(|i| g_new[i] - g[i]).collect();
                bfgs_update(&mut h, &s, &y);
                let improvement = fx - f_new;
                x.copy_from_slice(&x_new);
                g.copy_from_slice(&g_new);
                fx = f_new;
                // Progress below rounding several times in a row: as far as
                // double precision goes.
                if improvement <= 1e-15 * fx.abs().max(1e-300) {
                    stalls += 1;
                } else {
                    stalls = 0;
                }
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if !accepted || stalls >= 5 {
            break;
        }
    }
    // Stalled: the value no longer changes in double precision. That is
    // convergence too when the gradient is small (what is left of it is
    // rounding in the sum over customers).
    let converged = fx.is_finite() && (max_abs(&g) < gtol || (stalls >= 5 && max_abs(&g) < STALLED_GTOL));
    Minimum {
        gradient: max_abs(&g),
        x,
        value: fx,
        converged,
        iterations,
    }
}

fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter()
        .fold(0.0_f64, |m, x| if x.abs() > m || x.is_nan() { x.abs() } else { m })
}

fn mat_vec(m: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    m.iter().map(|row| dot(row, v)).collect()
}

/// The BFGS update of the inverse Hessian `h` with step `s` and gradient
/// change `y`; skipped when the curvature `s·y` is not clearly positive
/// (keeps `h` positive definite).
fn bfgs_update(h: &mut [Vec<f64>], s: &[f64], y: &[f64]) {
    let sy = dot(s, y);
    let threshold = 1e-12 * dot(s, s).sqrt() * dot(y, y).sqrt();
    if sy.is_nan() || threshold.is_nan() || sy <= threshold {
        return;
    }
    let rho = 1.0 / sy;
    let hy = mat_vec(h, y);
    let yhy = dot(y, &hy);
    let n = s.len();
    for i in 0..n {
        for j in 0..n {
            h[i][j] += (1.0 + rho * yhy) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's valley: the classic hard case for a quasi-Newton method.
    #[test]
    fn finds_the_rosenbrock_minimum() {
        let f = |x: &[f64], g: &mut [f64]| {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        };
        let m = minimize(&f, &[-1.2, 1.0], 1e-10);
        assert!(m.converged, "{m:?}");
        assert!((m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8, "{m:?}");
    }

    /// A quadratic whose minimum lies far away: the step cap keeps each
    /// step at most MAX_STEP long, and it still arrives.
    #[test]
    fn far_minimum_with_capped_steps() {
        let f = |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * (x[0] - 40.0);
            (x[0] - 40.0).powi(2)
        };
        let m = minimize(&f, &[0.0], 1e-10);
        assert!(m.converged);
        assert!((m.x[0] - 40.0).abs() < 1e-9);
    }

    /// Outside the domain (NaN) the line search steps back instead of
    /// accepting the point.
    #[test]
    fn steps_back_from_nan() {
        let f = |x: &[f64], g: &mut [f64]| {
            if x[0] > 2.5 {
                return f64::NAN;
            }
            g[0] = 2.0 * (x[0] - 2.0);
            (x[0] - 2.0).powi(2)
        };
        let m = minimize(&f, &[0.0], 1e-10);
        assert!(m.converged, "{m:?}");
        assert!((m.x[0] - 2.0).abs() < 1e-9);
    }

    #[test]
    fn nan_start_is_not_converged() {
        let f = |_: &[f64], _: &mut [f64]| f64::NAN;
        let m = minimize(&f, &[0.0], 1e-10);
        assert!(!m.converged);
    }
}
