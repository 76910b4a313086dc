//! Per-client NPS, health score (SPEC §3.5–3.6) and signals (SPEC §3.7).

use rust_decimal::Decimal;

use crate::config::{Config, HealthComponent};
use crate::month::Month;

use super::series::ClientSeries;
use super::{HealthPart, MetricChange, Signal, SignalKind, ratio};

/// What the health score, the signals and the segment need of one client.
pub(crate) struct Assessment {
    /// The latest NPS score on or before `M` (last line of the latest date).
    pub nps_latest: Option<u8>,
    /// The response just before the latest one.
    pub nps_previous: Option<u8>,
    pub health: Option<f64>,
    pub parts: Vec<HealthPart>,
    /// Empty unless the client is alive in `M`.
    pub signals: Vec<Signal>,
}

/// An activity metric of the health components, month by month over
/// `P3(M)` and `T3(M)`.
struct ActivityWindow<'c> {
    component: &'c HealthComponent,
    /// The client has a row of this metric on or before `M`.
    any: bool,
    /// Sums of the months `M-5 ..= M` (index 0 is `M-5`).
    months: [f64; 6],
}

impl ActivityWindow<'_> {
    fn p3_mean(&self) -> f64 {
        self.months[..3].iter().sum::<f64>() / 3.0
    }

    fn t3_mean(&self) -> f64 {
        self.months[3..].iter().sum::<f64>() / 3.0
    }
}

fn is_activity(c: &HealthComponent) -> bool {
    c.metric != "nps" && c.metric != "revenue_trend"
}

pub(crate) fn assess(config: &Config, s: &ClientSeries<'_>) -> Assessment {
    let m = s.as_of;
    let last_day = m.last_day();
    let client = s.client;

    // NPS rows are sorted by date then line: the last one dated <= M is the latest.
    let known_nps: Vec<_> = client.nps.iter().filter(|r| r.date <= last_day).collect();
    let latest = known_nps.last().copied();
    let nps_latest = latest.map(|r| r.score);
    let nps_previous = known_nps.len().checked_sub(2).map(|i| known_nps[i].score);

    // One pass over the activity rows for every activity metric the health
    // components name (a metric named twice is summed once per component).
    let mut windows: Vec<ActivityWindow<'_>> = config
        .health_components
        .iter()
        .filter(|c| is_activity(c))
        .map(|component| ActivityWindow {
            component,
            any: false,
            months: [0.0; 6],
        })
        .collect();
    if !windows.is_empty() {
        let p3_from = m.plus(-5);
        for row in client.activity.iter().filter(|r| r.date <= last_day) {
            let month = Month::of(row.date);
            let offset = usize::try_from(month.since(p3_from)).ok();
            for w in windows.iter_mut().filter(|w| w.component.metric == row.metric) {
                w.any = true;
                if let Some(i) = offset {
                    w.months[i] += row.value;
                }
            }
        }
    }

    let t3 = s.sum(m.plus(-2), m);
    let p3 = s.sum(m.plus(-5), m.plus(-3));
    // r = revenue(T3) / revenue(P3) when revenue(P3) > 0
    let trend = if p3 > Decimal::ZERO { ratio(t3, p3) } else { None };

    let t12_from = m.plus(-11);
    let mut scores: Vec<(f64, Option<f64>)> = Vec::new();
    let mut activity = windows.iter();
    for component in &config.health_components {
        let score = match component.metric.as_str() {
            "nps" => latest
                .filter(|r| Month::of(r.date) >= t12_from)
                .map(|r| f64::from(r.score) * 10.0),
            "revenue_trend" => match trend {
                Some(r) => Some(r.min(1.0) * 100.0),
                None if t3 > Decimal::ZERO => Some(100.0),
                None => None,
            },
            _ => {
                let w = activity.next().expect("one window per activity component");
                activity_score(w)
            }
        };
        scores.push((component.weight, score.map(|x| x.clamp(0.0, 100.0))));
    }
    let total_weight: f64 = scores.iter().filter(|(_, s)| s.is_some()).map(|(w, _)| w).sum();
    // Decision: when the components with data all weigh 0 there is nothing to
    // renormalise, and the health is unknown (null) as with no component.
    let usable = total_weight > 0.0;
    let health = usable.then(|| {
        let sum: f64 = scores.iter().filter_map(|(w, s)| s.map(|s| w * s)).sum();
        (sum / total_weight).clamp(0.0, 100.0)
    });
    let parts = config
        .health_components
        .iter()
        .zip(&scores)
        .map(|(c, (w, score))| HealthPart {
            metric: c.metric.clone(),
            score: *score,
            weight: if usable && score.is_some() {
                w / total_weight
            } else {
                0.0
            },
        })
        .collect();

    let signals = if s.alive_at(m) {
        signals(config, s, t3, p3, trend, nps_latest, nps_previous, &windows)
    } else {
        Vec::new()
    };
    Assessment {
        nps_latest,
        nps_previous,
        health,
        parts,
        signals,
    }
}

/// An activity component's score: `v` = mean of the three months of `T3(M)`.
fn activity_score(w: &ActivityWindow<'_>) -> Option<f64> {
    let target = w.component.target?;
    if !w.any || target <= 0.0 {
        return None;
    }
    let v = w.t3_mean();
    Some(if w.component.higher_is_better {
        (v / target).min(1.0) * 100.0
    } else if v <= target {
        100.0
    } else {
        target / v * 100.0
    })
}

#[allow(clippy::too_many_arguments)]
fn signals(
    config: &Config,
    s: &ClientSeries<'_>,
    t3: Decimal,
    p3: Decimal,
    trend: Option<f64>,
    nps_latest: Option<u8>,
    nps_previous: Option<u8>,
    windows: &[ActivityWindow<'_>],
) -> Vec<Signal> {
    let th = &config.signals;
    let m = s.as_of;
    let mut out = Vec::new();
    if let Some(r) = trend.filter(|r| *r < th.revenue_drop) {
        out.push(SignalKind::RevenueDrop { t3, p3, ratio: r });
    }
    if s.r(m) <= Decimal::ZERO && s.r(m.plus(-1)) <= Decimal::ZERO {
        out.push(SignalKind::NoRevenue {
            previous: m.plus(-1),
            month: m,
        });
    }
    if let (Some(latest), Some(previous)) = (nps_latest, nps_previous) {
        if u16::from(latest) + 2 <= u16::from(previous) {
            out.push(SignalKind::NpsDrop { previous, latest });
        }
    }
    // Decision: each code fires at most once; when several metrics moved,
    // the one signal lists them all (in the order of the health components).
    let change = |w: &ActivityWindow<'_>| MetricChange {
        metric: w.component.metric.clone(),
        p3_mean: w.p3_mean(),
        t3_mean: w.t3_mean(),
    };
    let mut seen: Vec<(&str, bool)> = Vec::new();
    let distinct: Vec<&ActivityWindow<'_>> = windows
        .iter()
        .filter(|w| {
            let key = (w.component.metric.as_str(), w.component.higher_is_better);
            let fresh = !seen.contains(&key);
            seen.push(key);
            fresh
        })
        .collect();
    let drops: Vec<MetricChange> = distinct
        .iter()
        .filter(|w| w.component.higher_is_better && w.p3_mean() > 0.0 && w.t3_mean() < th.activity_drop * w.p3_mean())
        .map(|w| change(w))
        .collect();
    if !drops.is_empty() {
        out.push(SignalKind::ActivityDrop { changes: drops });
    }
    let rises: Vec<MetricChange> = distinct
        .iter()
        .filter(|w| !w.component.higher_is_better && w.p3_mean() > 0.0 && w.t3_mean() > th.tickets_up * w.p3_mean())
        .map(|w| change(w))
        .collect();
    if !rises.is_empty() {
        out.push(SignalKind::TicketsUp { changes: rises });
    }
    out.into_iter().map(|kind| Signal { kind }).collect()
}
