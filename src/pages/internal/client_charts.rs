//! The charts of one client: cumulative revenue against CAC, the health
//! components and history, the NPS answers and the outcome KPIs.

use super::{health_text, money_axis};
use crate::charts;
use crate::format::to_f64;
use crate::metrics::outcomes::summarise;
use crate::metrics::{ClientMetrics, cumulative_revenue};
use crate::model::Client;
use crate::month::Month;
use crate::pages::{Chart, Common, Table};

fn component_label(c: &Common, metric: &str) -> String {
    match metric {
        "nps" => c.t("nps").to_string(),
        "revenue_trend" => c.t("revenue_trend").to_string(),
        other => other.to_string(),
    }
}

/// Cumulative revenue with the CAC line and the break-even month (see
/// [`crate::metrics::cumulative_revenue`]).
fn cumulative_chart(c: &Common, cm: &ClientMetrics) -> Chart {
    let cumulative = cumulative_revenue(&cm.revenue_by_month, cm.gross_margin, cm.cac);
    let labels: Vec<String> = cm.revenue_by_month.iter().map(|(m, _)| c.fmt.month_short(*m)).collect();
    let values: Vec<f64> = cumulative.totals.iter().map(|v| to_f64(*v)).collect();
    let desc = match cumulative.break_even {
        Some(i) => format!("{}: {}", c.t("break_even"), c.fmt.month(cm.revenue_by_month[i].0)),
        None => format!("{}: —", c.t("break_even")),
    };
    let svg = charts::cumulative_ltv(
        &c.text(c.t("cumulative_title").to_string(), desc, c.t("month"), &money_axis(c)),
        &c.locale(),
        &labels,
        &values,
        to_f64(cm.cac),
        cumulative.break_even,
        c.t("cumulative_revenue"),
        &format!("CAC {}", c.fmt.money(cm.cac)),
        c.t("break_even"),
    );
    let rows = cm
        .revenue_by_month
        .iter()
        .zip(&cumulative.totals)
        .rev()
        .map(|((m, _), cum)| vec![c.fmt.month(*m), c.fmt.money(*cum)])
        .collect();
    Chart {
        svg,
        table: Some(Table {
            head: vec![c.t("month").into(), c.t("cumulative_revenue").into()],
            rows,
        }),
    }
}

fn health_chart(c: &Common, cm: &ClientMetrics) -> Chart {
    let items: Vec<(String, Option<f64>)> = cm
        .health_components
        .iter()
        .map(|p| (component_label(c, &p.metric), p.score))
        .collect();
    let desc = format!("{}: {}", c.t("health"), health_text(c, cm.health));
    let svg = charts::health_bars(
        &c.text(c.t("health_title").into(), desc, c.t("score_0_100"), ""),
        &items,
    );
    let rows = cm
        .health_components
        .iter()
        .map(|p| {
            vec![
                component_label(c, &p.metric),
                p.score
                    .map(|s| format!("{s:.0}"))
                    .unwrap_or_else(|| c.t("no_data").into()),
                c.fmt.percent(Some(p.weight), 0),
            ]
        })
        .collect();
    Chart {
        svg,
        table: Some(Table {
            head: vec![c.t("component").into(), c.t("score").into(), c.t("weight").into()],
            rows,
        }),
    }
}

fn nps_chart(c: &Common, client: &Client, as_of: Month) -> Option<Chart> {
    let end = as_of.last_day();
    let rows: Vec<_> = client.nps.iter().filter(|r| r.date <= end).collect();
    if rows.is_empty() {
        return None;
    }
    let dates: Vec<String> = rows.iter().map(|r| c.fmt.date(r.date)).collect();
    let scores: Vec<u8> = rows.iter().map(|r| r.score).collect();
    let svg = charts::nps_history(
        &c.text(c.t("nps_history").into(), String::new(), c.t("date"), c.t("score")),
        &dates,
        &scores,
        [c.t("detractors"), c.t("passives"), c.t("promoters")],
    );
    let table_rows = rows
        .iter()
        .rev()
        .map(|r| {
            vec![
                c.fmt.date(r.date),
                r.score.to_string(),
                r.respondent.clone(),
                r.comment.clone(),
            ]
        })
        .collect();
    Some(Chart {
        svg,
        table: Some(Table {
            head: vec![
                c.t("date").into(),
                c.t("score").into(),
                c.t("respondent").into(),
                c.t("comment").into(),
            ],
            rows: table_rows,
        }),
    })
}

/// One chart per KPI: values over time against baseline and target.
pub fn outcome_charts(c: &Common, client: &Client, as_of: Month) -> Vec<Chart> {
    summarise(client, as_of)
        .iter()
        .map(|o| crate::pages::outcome_chart(c, o))
        .collect()
}

/// The charts a client's overview and its as-of report have in common,
/// drawn once for both.
pub struct ClientCharts {
    cumulative: Chart,
    health: Chart,
    pub(super) nps: Option<Chart>,
    pub(super) outcomes: Vec<Chart>,
}

impl ClientCharts {
    /// The outcome charts (one per KPI, in KPI order), for the client
    /// edition of the same month, which shows them too.
    pub fn outcome_svgs(&self) -> Vec<&str> {
        self.outcomes.iter().map(|c| c.svg.as_str()).collect()
    }

    pub(super) fn with_revenue<'a>(&'a self, revenue: &'a Chart) -> Vec<&'a Chart> {
        let mut out = vec![revenue, &self.cumulative, &self.health];
        out.extend(self.nps.as_ref());
        out.extend(self.outcomes.iter());
        out
    }
}

pub fn client_charts(c: &Common, client: &Client, cm: &ClientMetrics, as_of: Month) -> ClientCharts {
    ClientCharts {
        cumulative: cumulative_chart(c, cm),
        health: health_chart(c, cm),
        nps: nps_chart(c, client, as_of),
        outcomes: outcome_charts(c, client, as_of),
    }
}

/// A client's health as of each of the last months (see
/// [`crate::metrics::health_history`]), with the segment thresholds drawn
/// as lines.
pub struct HealthHistory {
    pub months: Vec<(Month, Option<f64>)>,
    /// `segments.at_risk_health`.
    pub at_risk: f64,
    /// `segments.loyal_health`.
    pub loyal: f64,
}

pub(super) fn health_history_chart(c: &Common, h: &HealthHistory) -> Chart {
    let labels: Vec<String> = h.months.iter().map(|(m, _)| c.fmt.month_short(*m)).collect();
    let scores: Vec<Option<f64>> = h.months.iter().map(|(_, v)| *v).collect();
    let n = |v: f64| c.fmt.number(Some(v), 0);
    let thresholds = [
        (h.at_risk, c.fill("health_at_risk_below", &[("n", n(h.at_risk))])),
        (h.loyal, c.fill("health_loyal_from", &[("n", n(h.loyal))])),
    ];
    let svg = charts::score_history(
        &c.text(
            c.t("health_history").into(),
            c.t("health_history_desc").into(),
            c.t("month"),
            c.t("health"),
        ),
        &labels,
        &scores,
        &thresholds,
    );
    let rows = h
        .months
        .iter()
        .rev()
        .map(|(m, v)| vec![c.fmt.month(*m), health_text(c, *v)])
        .collect();
    Chart {
        svg,
        table: Some(Table {
            head: vec![c.t("month").into(), c.t("health").into()],
            rows,
        }),
    }
}
