//! Special functions the models need: ln Γ and ψ from the `special` crate
//! (a port of well-tested C code over `libm`), and the Gauss
//! hypergeometric function ₂F₁ that BG/NBD's expectations use, which no
//! maintained Rust crate offers.

use special::Gamma;

/// ln Γ(x) for x > 0.
pub fn ln_gamma(x: f64) -> f64 {
    Gamma::ln_gamma(x).0
}

/// The digamma function ψ(x) = d/dx ln Γ(x), for x > 0.
pub fn digamma(x: f64) -> f64 {
    Gamma::digamma(x)
}

/// ln B(a, b), the log of the beta function.
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// The most terms [`hyp2f1_ln`] sums before it gives up (NaN). At the
/// arguments BG/NBD produces (z = t / (α + T + t) < 1) the series needs a
/// few hundred terms for z ≈ 0.95 and about 4,000 for z ≈ 0.995.
const MAX_TERMS: usize = 200_000;

/// ₂F₁(a, b; c; z) for 0 <= z < 1 and c not 0 or a negative integer, as
/// (sign, ln |value|): the quantity BG/NBD's conditional expectation needs,
/// with a = r + x, b = b + x, c = a + b + x − 1 (lifetimes calls scipy's
/// `hyp2f1` there). The logarithm keeps values like 10⁴⁰⁰ (many repeat
/// purchases, z near 1) finite; the sign matters when c < 0, which happens
/// for a customer without repeat purchases when a + b < 1: ₂F₁ is then
/// negative at larger z. (lifetimes takes the logarithm of it and returns
/// NaN there; casebook returns the value the formula defines.)
///
/// The Gauss series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ is summed directly when
/// c − a − b >= 0; otherwise (the series then grows like (1 − z)^(c−a−b)
/// near z = 1) through Euler's transformation ₂F₁(a, b; c; z) =
/// (1 − z)^(c−a−b) ₂F₁(c − a, c − b; c; z), whose own c − a − b is positive.
/// This is the same pair of forms lifetimes switches between.
///
/// Convergence test: the ratio of consecutive terms is
/// ρₙ = (a+n)(b+n) / ((c+n)(n+1)) · z, which tends to z < 1. Once n is past
/// every negative parameter (all factors positive) and |ρₙ| < 1, the tail
/// after term n is at most |termₙ| · m / (1 − m) with m = max(|ρₙ|, z) (the
/// later ratios move monotonically towards z), and the sum stops when that
/// bound falls below 1e-16 of the sum. NaN when it has not converged in
/// 200,000 terms or the arguments are out of range.
pub fn hyp2f1_ln(a: f64, b: f64, c: f64, z: f64) -> (f64, f64) {
    let pole = c <= 0.0 && c == c.floor();
    let valid = (0.0..1.0).contains(&z) && !pole && c.is_finite() && a.is_finite() && b.is_finite();
    if !valid {
        return (f64::NAN, f64::NAN);
    }
    let (sum, shift) = if c - a - b >= 0.0 {
        (series(a, b, c, z), 0.0)
    } else {
        (series(c - a, c - b, c, z), (c - a - b) * (1.0 - z).ln())
    };
    if sum.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    (sum.signum(), sum.abs().ln() + shift)
}

/// Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ with the tail test of [`hyp2f1_ln`].
fn series(a: f64, b: f64, c: f64, z: f64) -> f64 {
    // Past this index every factor of the ratio is positive.
    let settled = (-a).max(-b).max(-c).max(0.0).ceil();
    let mut term = 1.0_f64;
    let mut sum = 1.0_f64;
    for n in 0..MAX_TERMS {
        let k = n as f64;
        let ratio = (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        term *= ratio;
        sum += term;
        if !sum.is_finite() {
            return f64::NAN;
        }
        if term == 0.0 {
            return sum;
        }
        if k + 1.0 < settled {
            continue;
        }
        let next = (a + k + 1.0) * (b + k + 1.0) / ((c + k + 1.0) * (k + 2.0)) * z;
        let m = next.abs().max(z);
        if m < 1.0 && term.abs() * m / (1.0 - m) <= 1e-16 * sum.abs() {
            return sum;
        }
    }
    f64::NAN
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_and_digamma_known_values() {
        assert!(ln_gamma(1.0).abs() < 1e-15);
        assert!(close(ln_gamma(10.0), 362_880.0_f64.ln(), 1e-14));
        assert!(close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-14));
        // ψ(1) = −γ (Euler–Mascheroni), ψ(x + 1) = ψ(x) + 1/x.
        assert!(close(digamma(1.0), -0.577_215_664_901_532_9, 1e-14));
        assert!(close(digamma(3.7), digamma(2.7) + 1.0 / 2.7, 1e-14));
        assert!(close(ln_beta(2.0, 3.0), (1.0_f64 / 12.0).ln(), 1e-14));
    }

    /// Closed forms: ₂F₁(1, 1; 2; z) = −ln(1 − z)/z and
    /// ₂F₁(a, b; b; z) = (1 − z)^(−a).
    #[test]
    fn hyp2f1_closed_forms() {
        for z in [0.0_f64, 0.1, 0.5, 0.9, 0.99, 0.999] {
            let want = if z == 0.0 { 1.0 } else { -(1.0 - z).ln() / z };
            assert!(close(value(1.0, 1.0, 2.0, z), want, 1e-12), "z={z}");
            let want = (1.0 - z).powf(-0.7);
            assert!(close(value(0.7, 2.5, 2.5, z), want, 1e-12), "z={z}");
            // c − a − b < 0: the Euler branch.
            let want = (1.0 - z).powf(-3.2);
            assert!(close(hyp2f1_ln(3.2, 5.0, 5.0, z).1, want.ln(), 1e-12), "z={z}");
        }
    }

    /// Values of scipy.special.hyp2f1 (scipy 1.17) at BG/NBD-like arguments:
    /// a = r + x, b = b + x, c = a + b + x − 1.
    #[test]
    fn hyp2f1_matches_scipy() {
        let cases = [
            (
                0.2426,
                2.4258,
                2.2186,
                39.0 / (4.4135 + 38.86 + 39.0),
                1.1899375756280806,
            ),
            (
                5.2426,
                7.4258,
                7.2186,
                52.0 / (4.4135 + 30.0 + 52.0),
                145.36017701124305,
            ),
            (30.38, 31.4, 30.3, 0.95, 9.070248112020205e+40),
            (0.5, 0.5, 1.5, 0.3, 1.0582725367454624),
        ];
        for (a, b, c, z, want) in cases {
            let got = value(a, b, c, z);
            assert!(close(got, want, 1e-11), "2F1({a},{b};{c};{z}) = {got}, scipy {want}");
        }
    }

    /// c < 0 (a BG/NBD customer without repeat purchases when a + b < 1):
    /// scipy 1.17's values, negative at the larger z.
    #[test]
    fn hyp2f1_with_negative_c_matches_scipy() {
        for (z, want) in [
            (0.3, 0.8198103511127338),
            (0.8, -2.524815873490999),
            (0.95, -28.328897833412956),
        ] {
            let got = value(0.360389, 0.437953, -0.516052, z);
            assert!(close(got, want, 1e-10), "z={z}: {got} vs {want}");
        }
    }

    #[test]
    fn hyp2f1_out_of_range_is_nan() {
        assert!(value(1.0, 1.0, 2.0, 1.0).is_nan());
        assert!(value(1.0, 1.0, 2.0, -0.1).is_nan());
        assert!(value(1.0, 1.0, 0.0, 0.5).is_nan());
        assert!(value(1.0, 1.0, -2.0, 0.5).is_nan());
        assert!(value(f64::NAN, 1.0, 2.0, 0.5).is_nan());
    }

    fn value(a: f64, b: f64, c: f64, z: f64) -> f64 {
        let (sign, ln) = hyp2f1_ln(a, b, c, z);
        sign * ln.exp()
    }
}
