//! What the parts of a demo client's generation share: the project's
//! calendar and name space ([`Ctx`]), and the state of the simulation that
//! the notes and the story are written from.

use super::random::Rng;
use super::vocabulary::{Kpi, SEASON, SYLLABLES};
use super::{DemoOptions, LAST_MONTH};
use crate::month::Month;

/// Everything shared by the clients of one project.
pub(super) struct Ctx {
    pub(super) seed: u64,
    pub(super) months: usize,
    /// Per month index: `YYYY-MM`, last day, English name.
    pub(super) cal: Vec<(String, u8, String)>,
    /// Cumulative acquisition weights per month index.
    pub(super) acquisition: Vec<f64>,
    /// Syllables per coined name, and the permutation that spreads names.
    pub(super) syllables: u32,
    pub(super) perm_mul: u128,
    pub(super) perm_add: u128,
    pub(super) perm_mod: u128,
    pub(super) width: usize,
    /// Whether the flat invoices CSV is wanted (its lines are not built otherwise).
    pub(super) flat: bool,
}

impl Ctx {
    pub(super) fn new(opts: &DemoOptions) -> Ctx {
        let last = Month::new(LAST_MONTH.0, LAST_MONTH.1).expect("valid month");
        let months = opts.months as usize;
        let first = last.plus(1 - months as i32);
        let cal = Month::range(first, last)
            .map(|m| {
                (
                    m.to_string(),
                    m.last_day().day() as u8,
                    format!("{} {}", crate::format::MONTHS_EN[m.month() as usize - 1], m.year()),
                )
            })
            .collect();
        let mut acquisition = Vec::with_capacity(months);
        let mut total = 0.0;
        for m in Month::range(first, last) {
            total += SEASON[m.month() as usize - 1];
            acquisition.push(total);
        }
        let n = SYLLABLES.len() as u128;
        let mut syllables = 4;
        while n.pow(syllables) < opts.clients as u128 {
            syllables += 1;
        }
        let perm_mod = n.pow(syllables);
        let mut r = Rng::new(opts.seed, u64::MAX);
        let mut perm_mul = (r.next_u64() as u128 % perm_mod).max(2);
        while gcd(perm_mul, perm_mod) != 1 {
            perm_mul += 1;
        }
        let perm_add = r.next_u64() as u128 % perm_mod;
        Ctx {
            seed: opts.seed,
            months,
            cal,
            acquisition,
            syllables,
            perm_mul,
            perm_add,
            perm_mod,
            width: opts.clients.to_string().len().max(5),
            flat: opts.invoices_csv.is_some(),
        }
    }

    /// The coined name of client `idx` (capitalised) and its katakana.
    pub(super) fn coined(&self, idx: usize) -> (String, String) {
        let mut j = (idx as u128 * self.perm_mul + self.perm_add) % self.perm_mod;
        let n = SYLLABLES.len() as u128;
        let mut latin = String::new();
        let mut kana = String::new();
        for _ in 0..self.syllables {
            let (l, k) = SYLLABLES[(j % n) as usize];
            j /= n;
            latin.push_str(l);
            kana.push_str(k);
        }
        let mut cap = latin[..1].to_ascii_uppercase();
        cap.push_str(&latin[1..]);
        (cap, kana)
    }

    pub(super) fn date(&self, t: usize, day: u8) -> String {
        let (ym, last, _) = &self.cal[t];
        format!("{ym}-{:02}", day.min(*last))
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// 10^decimals, exactly.
pub(super) const SCALE: [f64; 3] = [1.0, 10.0, 100.0];

/// State of one outcome KPI during the simulation.
pub(super) struct KpiTrack {
    pub(super) kpi: &'static Kpi,
    pub(super) baseline: f64,
    pub(super) target: f64,
    pub(super) progress: f64,
    /// Latest measured value.
    pub(super) current: Option<f64>,
    /// Whether baseline and target are written on every row or only the first.
    pub(super) every_row: bool,
    pub(super) written: bool,
}

impl KpiTrack {
    pub(super) fn value(&self, noise: f64) -> f64 {
        let v = self.baseline + (self.target - self.baseline) * self.progress;
        let v = v + noise * (self.target - self.baseline).abs() * 0.04;
        let min = if self.kpi.decimals == 0 { 1.0 } else { 0.1 };
        v.max(min)
    }
}

/// What the notes and the story need from the simulation, per month index.
#[derive(Clone, Copy, Default)]
pub(super) struct MonthState {
    pub(super) billed: bool,
    pub(super) health: f64,
    pub(super) revenue: i64,
    pub(super) meetings: u32,
    pub(super) tickets: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn coined_names_are_unique() {
        let opts = DemoOptions {
            clients: 50_000,
            months: 36,
            seed: 3,
            out: PathBuf::from("unused"),
            invoices_csv: None,
        };
        let ctx = Ctx::new(&opts);
        let mut seen = std::collections::HashSet::new();
        for i in 0..opts.clients {
            let (latin, kana) = ctx.coined(i);
            assert!(!latin.contains('e'));
            assert!(seen.insert(latin), "duplicate name at {i}");
            assert_eq!(kana.chars().count(), ctx.syllables as usize);
        }
    }
}
