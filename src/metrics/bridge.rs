//! The revenue bridge (SPEC §3.8): why revenue moved between two windows of
//! equal length, client by client, in the words of SPEC §3.1.
//!
//! For each client that exists as of `M`, `p` is its revenue in the window
//! before (`W0`) and `n` in the window after (`W1`); `f` and `l` are the
//! first and last month of `W1`. The client's movement follows from `p`, `n`,
//! its start month and whether it was alive in `f − 1` and in `l`
//! ([`classify`]). Every movement's amount is `n − p` or `p − n` exactly, so
//! `end = start + gains − losses + adjustment` holds exactly in decimals.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::month::Month;

use super::ratio;
use super::series::ClientSeries;

/// One of the eight movements of a revenue bridge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// Revenue in `W1`, none in `W0`, and the client started in `W1`.
    New,
    /// Revenue in `W1`, none in `W0`, and the client was not alive in `f − 1`.
    Reactivated,
    /// Revenue in `W1`, none in `W0`, and the client was alive in `f − 1` (a pause ended).
    Resumed,
    /// More revenue in `W1` than in `W0` (which had some).
    Expansion,
    /// Less (but some) revenue in `W1` than in `W0`.
    Contraction,
    /// Revenue in `W0`, none in `W1`, yet still alive in `l`.
    Paused,
    /// Revenue in `W0`, none in `W1`, and not alive in `l`.
    Churned,
    /// No revenue in either window, but credit notes changed the sum.
    Adjustment,
}

impl Movement {
    /// In bridge order: the gains, the losses, then the adjustment.
    pub const ALL: [Movement; 8] = [
        Movement::New,
        Movement::Reactivated,
        Movement::Resumed,
        Movement::Expansion,
        Movement::Contraction,
        Movement::Paused,
        Movement::Churned,
        Movement::Adjustment,
    ];

    /// The word of SPEC §3.8 (`new`, `reactivated`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Movement::New => "new",
            Movement::Reactivated => "reactivated",
            Movement::Resumed => "resumed",
            Movement::Expansion => "expansion",
            Movement::Contraction => "contraction",
            Movement::Paused => "paused",
            Movement::Churned => "churned",
            Movement::Adjustment => "adjustment",
        }
    }

    /// +1 for the movements added in the identity, −1 for those subtracted
    /// (their amounts are positive), +1 for the adjustment (its amount is signed).
    pub fn sign(self) -> i32 {
        match self {
            Movement::Contraction | Movement::Paused | Movement::Churned => -1,
            _ => 1,
        }
    }
}

/// A revenue bridge between `W0` (before) and `W1` (after). Amounts are
/// exact; `contraction`, `paused` and `churned` are positive amounts that
/// are subtracted, `adjustment` is signed.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Bridge {
    /// Σ revenue in `W0`.
    pub start: Decimal,
    pub new: Decimal,
    pub reactivated: Decimal,
    pub resumed: Decimal,
    pub expansion: Decimal,
    pub contraction: Decimal,
    pub paused: Decimal,
    pub churned: Decimal,
    pub adjustment: Decimal,
    /// Σ revenue in `W1`.
    pub end: Decimal,
    /// (new + reactivated + resumed + expansion) / (contraction + paused +
    /// churned); `None` when the divisor is 0.
    pub quick_ratio: Option<f64>,
}

impl Bridge {
    /// The amount of one movement, as stored (losses positive).
    pub fn amount(&self, kind: Movement) -> Decimal {
        match kind {
            Movement::New => self.new,
            Movement::Reactivated => self.reactivated,
            Movement::Resumed => self.resumed,
            Movement::Expansion => self.expansion,
            Movement::Contraction => self.contraction,
            Movement::Paused => self.paused,
            Movement::Churned => self.churned,
            Movement::Adjustment => self.adjustment,
        }
    }

    /// The movement's effect on revenue: its amount, negated for the losses.
    pub fn signed(&self, kind: Movement) -> Decimal {
        if kind.sign() < 0 {
            -self.amount(kind)
        } else {
            self.amount(kind)
        }
    }

    fn slot(&mut self, kind: Movement) -> &mut Decimal {
        match kind {
            Movement::New => &mut self.new,
            Movement::Reactivated => &mut self.reactivated,
            Movement::Resumed => &mut self.resumed,
            Movement::Expansion => &mut self.expansion,
            Movement::Contraction => &mut self.contraction,
            Movement::Paused => &mut self.paused,
            Movement::Churned => &mut self.churned,
            Movement::Adjustment => &mut self.adjustment,
        }
    }

    /// Adds one client with revenue `p` in `W0` and `n` in `W1`.
    fn add(&mut self, p: Decimal, n: Decimal, movement: Option<(Movement, Decimal)>) {
        self.start += p;
        self.end += n;
        if let Some((kind, amount)) = movement {
            *self.slot(kind) += amount;
        }
    }

    /// Sets the quick ratio from the sums (call once every client is in).
    fn finish(mut self) -> Bridge {
        let gains = self.new + self.reactivated + self.resumed + self.expansion;
        let losses = self.contraction + self.paused + self.churned;
        self.quick_ratio = ratio(gains, losses);
        self
    }
}

/// What is known of one client for its movement between two windows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Facts {
    /// Revenue in `W0`.
    pub p: Decimal,
    /// Revenue in `W1`.
    pub n: Decimal,
    /// `s(c)` lies in `W1`.
    pub starts_in_w1: bool,
    /// `alive(c, f − 1)`.
    pub alive_before: bool,
    /// `alive(c, l)`.
    pub alive_at_end: bool,
}

/// The client's movement and its amount (SPEC §3.8), or `None` when its
/// revenue did not change (`n == p`).
pub(crate) fn classify(x: Facts) -> Option<(Movement, Decimal)> {
    let Facts { p, n, .. } = x;
    let zero = Decimal::ZERO;
    if p <= zero && n > zero {
        let kind = if x.starts_in_w1 {
            Movement::New
        } else if !x.alive_before {
            Movement::Reactivated
        } else {
            Movement::Resumed
        };
        Some((kind, n - p))
    } else if p > zero && n <= zero {
        let kind = if x.alive_at_end {
            Movement::Paused
        } else {
            Movement::Churned
        };
        Some((kind, p - n))
    } else if p > zero && n > p {
        Some((Movement::Expansion, n - p))
    } else if p > zero && n < p {
        // 0 < n < p: n <= 0 was taken above.
        Some((Movement::Contraction, p - n))
    } else if p <= zero && n <= zero && n != p {
        Some((Movement::Adjustment, n - p))
    } else {
        None
    }
}

/// `W0 = w1_first − len ..= w1_first − 1` and `W1 = w1_first ..= w1_last`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Windows {
    pub w1_first: Month,
    pub w1_last: Month,
}

impl Windows {
    /// `W1 = T12(M)`, `W0 = M-23 ..= M-12` (the windows of `nrr_t12`).
    pub fn t12(m: Month) -> Windows {
        Windows {
            w1_first: m.plus(-11),
            w1_last: m,
        }
    }

    /// `W1 = {M}`, `W0 = {M-1}`.
    pub fn month(m: Month) -> Windows {
        Windows {
            w1_first: m,
            w1_last: m,
        }
    }

    fn len(self) -> i32 {
        self.w1_last.since(self.w1_first) + 1
    }

    /// The client's facts for these windows.
    pub fn facts(self, s: &ClientSeries<'_>) -> Facts {
        let (f, l) = (self.w1_first, self.w1_last);
        Facts {
            p: s.sum(f.plus(-self.len()), f.plus(-1)),
            n: s.sum(f, l),
            starts_in_w1: s.start >= f && s.start <= l,
            alive_before: s.alive_at(f.plus(-1)),
            alive_at_end: s.alive_at(l),
        }
    }
}

/// The bridge over every client of `series` for `windows`.
pub(crate) fn bridge(series: &[ClientSeries<'_>], windows: Windows) -> Bridge {
    let mut b = Bridge::default();
    for s in series {
        let x = windows.facts(s);
        b.add(x.p, x.n, classify(x));
    }
    b.finish()
}

/// The bridge of every month `first ..= as_of` against the month before
/// (index `j` is month `first + j`), in one pass over each client's months.
/// Equal to [`bridge`] with [`Windows::month`] for each month: a client has
/// no revenue before its start month, so only its own months can move.
pub(crate) fn monthly_bridges(series: &[ClientSeries<'_>], first: Month, as_of: Month) -> Vec<Bridge> {
    if first > as_of {
        return Vec::new();
    }
    let mut out = vec![Bridge::default(); as_of.since(first) as usize + 1];
    for s in series {
        let offset = s.start.since(first) as usize;
        for (i, n) in s.revenue.iter().enumerate() {
            let x = Facts {
                p: if i > 0 { s.revenue[i - 1] } else { Decimal::ZERO },
                n: *n,
                starts_in_w1: i == 0,
                alive_before: i > 0 && s.alive[i - 1],
                alive_at_end: s.alive[i],
            };
            out[offset + i].add(x.p, x.n, classify(x));
        }
    }
    out.into_iter().map(Bridge::finish).collect()
}
