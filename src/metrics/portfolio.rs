//! Portfolio numbers (SPEC §3.1–3.5) and `by_channel`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::model::Project;
use crate::money;
use crate::month::Month;

use super::series::{ClientSeries, Timeline};
use super::{ChannelMetrics, ClientMetrics, Portfolio, count_ratio, mean, ratio};

pub(crate) fn portfolio(
    project: &Project,
    series: &[ClientSeries<'_>],
    timeline: &Timeline,
    clients: &[ClientMetrics],
) -> Portfolio {
    let config = &project.config;
    let m = timeline.as_of;
    let g = config.gross_margin;

    let clients_alive = timeline.alive(m);
    let revenue_month = timeline.revenue(m);
    let revenue_t12 = money::total(timeline.t12().map(|k| timeline.revenue(k)));
    let alive_t12: usize = timeline.t12().map(|k| timeline.alive(k)).sum();
    let churned_t12: usize = timeline.t12().map(|k| timeline.churned(k)).sum();
    let alive_before_t12: usize = timeline.t12().map(|k| timeline.alive(k.plus(-1))).sum();
    let arpa_t12 = mean(revenue_t12, alive_t12);

    // L = 1 / churn_t12 = (Σ alive in m-1) / (Σ churned), capped; computed
    // from the two counts so that predicted LTV stays an exact decimal.
    let cap = Decimal::from(config.ltv_horizon_months);
    let lifetime = if churned_t12 == 0 {
        cap
    } else {
        (Decimal::from(alive_before_t12) / Decimal::from(churned_t12)).min(cap)
    };
    let predicted_ltv = arpa_t12.map(|a| a * g * lifetime);

    let t12_from = m.plus(-11);
    let new_t12: Vec<&ClientMetrics> = clients.iter().filter(|c| c.start_month >= t12_from).collect();
    let avg_cac = mean(money::total(new_t12.iter().map(|c| c.cac)), new_t12.len());
    let ltv_cac_ratio = match (predicted_ltv, avg_cac) {
        (Some(p), Some(c)) => ratio(p, c),
        _ => None,
    };
    // Decision: a payback needs a positive monthly margin; with a negative
    // or zero ARPA × g it never pays back and the value is null.
    let cac_payback_months = match (avg_cac, arpa_t12) {
        (Some(c), Some(a)) if a * g > Decimal::ZERO => ratio(c, a * g),
        _ => None,
    };

    let (nrr_t12, grr_t12) = net_and_gross_retention(series, m);

    let alive_now: Vec<&ClientSeries<'_>> = series.iter().filter(|s| s.alive_at(m)).collect();
    let upsell = alive_now.iter().filter(|s| s.upsell_t12).count();
    let cross_sell = alive_now.iter().filter(|s| s.cross_sell_t12).count();

    Portfolio {
        clients_total: series.len(),
        clients_alive,
        clients_new: timeline.new_clients(m),
        clients_churned: timeline.churned(m),
        revenue_month,
        revenue_t12,
        arpa_month: mean(revenue_month, clients_alive),
        arpa_t12,
        churn_month: timeline.churn_rate(m),
        churn_t12: count_ratio(churned_t12, alive_before_t12),
        gross_margin: g.to_f64().unwrap_or(1.0),
        predicted_ltv,
        avg_cac,
        ltv_cac_ratio,
        cac_payback_months,
        nrr_t12,
        grr_t12,
        nps_t12: nps_t12(series, m),
        upsell_rate_t12: count_ratio(upsell, alive_now.len()),
        cross_sell_rate_t12: count_ratio(cross_sell, alive_now.len()),
        by_channel: by_channel(clients),
    }
}

/// NRR and GRR over `T12(M)` against the twelve months before (SPEC §3.4).
///
/// Decision: in GRR a client's `now` counts at least 0 (`min(max(now, 0),
/// prev)`): credit notes can make a year's revenue negative, but a client
/// cannot retain less than nothing, and GRR stays a share in [0, 1]. NRR
/// uses the plain sums.
pub(crate) fn net_and_gross_retention(series: &[ClientSeries<'_>], m: Month) -> (Option<f64>, Option<f64>) {
    let mut prev_sum = Decimal::ZERO;
    let mut now_sum = Decimal::ZERO;
    let mut kept_sum = Decimal::ZERO;
    for s in series {
        let prev = s.sum(m.plus(-23), m.plus(-12));
        if prev <= Decimal::ZERO {
            continue;
        }
        let now = s.sum(m.plus(-11), m);
        prev_sum = money::add(prev_sum, prev);
        now_sum = money::add(now_sum, now);
        kept_sum = money::add(kept_sum, now.max(Decimal::ZERO).min(prev));
    }
    (ratio(now_sum, prev_sum), ratio(kept_sum, prev_sum))
}

/// `100 × (promoters − detractors) / responses` over every response dated
/// in `T12(M)` (SPEC §3.5), of the clients that exist as of `M`.
fn nps_t12(series: &[ClientSeries<'_>], m: Month) -> Option<f64> {
    let from = m.plus(-11).first_day();
    let to = m.last_day();
    let (mut promoters, mut detractors, mut responses) = (0i64, 0i64, 0i64);
    for s in series {
        for r in s.client.nps.iter().filter(|r| r.date >= from && r.date <= to) {
            responses += 1;
            match r.score {
                9..=10 => promoters += 1,
                0..=6 => detractors += 1,
                _ => {}
            }
        }
    }
    (responses > 0).then(|| 100.0 * (promoters - detractors) as f64 / responses as f64)
}

/// One entry per channel, sorted by name, over every client as of `M`.
///
/// Decision: a client with no channel is grouped as `"none"`; a channel
/// literally named `none` falls into the same group.
fn by_channel(clients: &[ClientMetrics]) -> Vec<ChannelMetrics> {
    #[derive(Default)]
    struct Acc {
        clients: usize,
        cac: Decimal,
        revenue_ltv: Decimal,
        value: Decimal,
    }
    let mut groups: BTreeMap<&str, Acc> = BTreeMap::new();
    for c in clients {
        let acc = groups.entry(c.channel.as_deref().unwrap_or("none")).or_default();
        acc.clients += 1;
        acc.cac = money::add(acc.cac, c.cac);
        acc.revenue_ltv = money::add(acc.revenue_ltv, c.revenue_ltv);
        acc.value = money::add(acc.value, c.gross_margin * c.revenue_ltv);
    }
    groups
        .into_iter()
        .map(|(channel, a)| ChannelMetrics {
            channel: channel.to_string(),
            clients: a.clients,
            avg_cac: a.cac / Decimal::from(a.clients),
            revenue_ltv_mean: a.revenue_ltv / Decimal::from(a.clients),
            ltv_cac_ratio: ratio(a.value, a.cac),
        })
        .collect()
}
