//! Segment and touch tier (SPEC §3.7).

use rust_decimal::Decimal;

use crate::config::{SegmentThresholds, TouchThresholds};
use crate::money;

use super::{ClientMetrics, Segment, Touch, ratio};

/// `churned` when not alive in `M`; `at_risk` when health < at_risk_health,
/// or `nps_latest` <= at_risk_nps, or a signal fired; `loyal` when health >=
/// loyal_health and `nps_latest` >= loyal_nps; `stable` otherwise. An
/// unknown health or NPS satisfies no comparison.
pub(crate) fn segment(
    th: &SegmentThresholds,
    alive: bool,
    health: Option<f64>,
    nps_latest: Option<u8>,
    any_signal: bool,
) -> Segment {
    let nps = nps_latest.map(f64::from);
    if !alive {
        Segment::Churned
    } else if health.is_some_and(|h| h < th.at_risk_health) || nps.is_some_and(|n| n <= th.at_risk_nps) || any_signal {
        Segment::AtRisk
    } else if health.is_some_and(|h| h >= th.loyal_health) && nps.is_some_and(|n| n >= th.loyal_nps) {
        Segment::Loyal
    } else {
        Segment::Stable
    }
}

/// Sets `touch` on the alive clients: sorted by `T12(M)` revenue, descending
/// (ties by id), a client whose cumulative share counted *before* adding it
/// is below `high_share` is `high`, below `low_share` `low`, else `tech`.
/// When the total is <= 0 every alive client is `tech`.
pub(crate) fn assign_touch(clients: &mut [ClientMetrics], th: &TouchThresholds) {
    let mut alive: Vec<usize> = (0..clients.len()).filter(|i| clients[*i].alive).collect();
    alive.sort_by(|a, b| {
        let (a, b) = (&clients[*a], &clients[*b]);
        b.revenue_t12.cmp(&a.revenue_t12).then_with(|| a.id.cmp(&b.id))
    });
    let total = money::total(alive.iter().map(|i| clients[*i].revenue_t12));
    let mut before = Decimal::ZERO;
    for i in alive {
        let tier = if total <= Decimal::ZERO {
            Touch::Tech
        } else {
            let share = ratio(before, total).unwrap_or(0.0);
            if share < th.high_share {
                Touch::High
            } else if share < th.low_share {
                Touch::Low
            } else {
                Touch::Tech
            }
        };
        before = money::add(before, clients[i].revenue_t12);
        clients[i].touch = Some(tier);
    }
}
