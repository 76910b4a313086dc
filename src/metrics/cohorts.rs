//! Cohorts (SPEC §3.4): the clients who started in the same month, followed
//! month by month.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::money;
use crate::month::Month;

use super::series::ClientSeries;
use super::{Cohort, count_ratio, ratio};

/// One cohort per month in which at least one client started, oldest first.
pub(crate) fn cohorts(series: &[ClientSeries<'_>]) -> Vec<Cohort> {
    let mut by_start: BTreeMap<Month, Vec<&ClientSeries<'_>>> = BTreeMap::new();
    for s in series {
        by_start.entry(s.start).or_default().push(s);
    }
    by_start
        .into_iter()
        .map(|(start, members)| cohort(start, &members))
        .collect()
}

fn cohort(start: Month, members: &[&ClientSeries<'_>]) -> Cohort {
    let size = members.len();
    // Every member's series starts at `start` and ends at M: same length.
    let len = members[0].revenue.len();
    let mut active = vec![0usize; len];
    let mut revenue = vec![Decimal::ZERO; len];
    for s in members {
        for (k, r) in s.revenue.iter().enumerate() {
            revenue[k] = money::add(revenue[k], *r);
            active[k] += usize::from(*r > Decimal::ZERO);
        }
    }
    let size_dec = Decimal::from(size);
    let first = revenue[0];
    let mut running = Decimal::ZERO;
    let cumulative_ltv = revenue
        .iter()
        .map(|r| {
            running = money::add(running, *r);
            running / size_dec
        })
        .collect();
    Cohort {
        cohort: start,
        size,
        retention: active.iter().map(|a| count_ratio(*a, size).unwrap_or(0.0)).collect(),
        // null when revenue[0] <= 0: a share of nothing (or of a credit) means nothing.
        revenue_retention: revenue
            .iter()
            .map(|r| if first > Decimal::ZERO { ratio(*r, first) } else { None })
            .collect(),
        active,
        revenue,
        cumulative_ltv,
    }
}
