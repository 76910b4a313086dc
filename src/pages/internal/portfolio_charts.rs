//! The dashboard's charts of the whole portfolio: revenue, active clients
//! and churn, flows, segments, LTV:CAC by channel and NPS by score.

use rust_decimal::Decimal;
use serde_json::Value;

use super::{REVENUE_WINDOW, last_months, ratio_text, revenue_chart, segment_label};
use crate::charts;
use crate::metrics::{Metrics, MonthRow, Segment};
use crate::month::Month;
use crate::pages::downloads::charts_with_csv;
use crate::pages::{Chart, Common, Table};

/// The six charts in page order, with their CSV file names.
pub(super) fn portfolio_charts(c: &Common, m: &Metrics, nps_counts: &[u32; 11]) -> Vec<Value> {
    let series: Vec<(Month, Decimal)> = m.monthly.iter().map(|r| (r.month, r.revenue)).collect();
    let rows = last_months(&m.monthly, REVENUE_WINDOW);
    let charts = [
        revenue_chart(
            c,
            c.t("portfolio_revenue").into(),
            c.t("revenue_desc").into(),
            last_months(&series, REVENUE_WINDOW),
        ),
        alive_churn_chart(c, rows),
        flows_chart(c, rows),
        segments_chart(c, m),
        channels_chart(c, m),
        nps_chart(c, m, nps_counts),
    ];
    let names = [
        "revenue-24-months",
        "active-clients-and-churn",
        "new-churned-reactivated",
        "clients-by-segment",
        "ltv-cac-by-channel",
        "nps-by-score",
    ]
    .map(String::from);
    charts_with_csv(&charts, &names)
}

fn alive_churn_chart(c: &Common, rows: &[MonthRow]) -> Chart {
    let f = &c.fmt;
    let labels: Vec<String> = rows.iter().map(|r| f.month_short(r.month)).collect();
    let alive: Vec<f64> = rows.iter().map(|r| r.alive as f64).collect();
    let churn: Vec<Option<f64>> = rows.iter().map(|r| r.churn_rate).collect();
    let svg = charts::alive_and_churn(
        &c.text(
            c.t("alive_churn_title").into(),
            String::new(),
            c.t("month"),
            c.t("clients"),
        ),
        &labels,
        &alive,
        &churn,
        c.t("clients_alive"),
        c.t("churn_rate"),
    );
    let head = ["month", "clients_alive", "churn_rate"];
    let table = Table {
        head: head.iter().map(|k| c.t(k).to_string()).collect(),
        rows: rows
            .iter()
            .rev()
            .map(|r| vec![f.month(r.month), f.count(r.alive), f.percent(r.churn_rate, 1)])
            .collect(),
    };
    Chart {
        svg,
        table: Some(table),
    }
}

/// A count of a month's row.
type Count = fn(&MonthRow) -> usize;

fn flows_chart(c: &Common, rows: &[MonthRow]) -> Chart {
    let f = &c.fmt;
    let labels: Vec<String> = rows.iter().map(|r| f.month_short(r.month)).collect();
    let counts: [(&str, Count); 3] = [
        ("new", |r| r.new),
        ("churned", |r| r.churned),
        ("reactivated", |r| r.reactivated),
    ];
    let flows: Vec<(String, Vec<f64>)> = counts
        .iter()
        .map(|(key, get)| (c.t(key).to_string(), rows.iter().map(|r| get(r) as f64).collect()))
        .collect();
    let svg = charts::flows(
        &c.text(c.t("flows_title").into(), String::new(), c.t("month"), c.t("clients")),
        &labels,
        &flows,
    );
    let table = Table {
        head: std::iter::once(c.t("month").to_string())
            .chain(counts.iter().map(|(key, _)| c.t(key).to_string()))
            .collect(),
        rows: rows
            .iter()
            .rev()
            .map(|r| {
                std::iter::once(f.month(r.month))
                    .chain(counts.iter().map(|(_, get)| f.count(get(r))))
                    .collect()
            })
            .collect(),
    };
    Chart {
        svg,
        table: Some(table),
    }
}

fn segments_chart(c: &Common, m: &Metrics) -> Chart {
    let segments = [Segment::Loyal, Segment::Stable, Segment::AtRisk, Segment::Churned];
    let items: Vec<(String, f64)> = segments
        .iter()
        .map(|s| {
            (
                segment_label(c, *s).to_string(),
                m.clients.iter().filter(|cm| cm.segment == *s).count() as f64,
            )
        })
        .collect();
    let svg = charts::category_bars(
        &c.text(
            c.t("segments_title").into(),
            String::new(),
            c.t("segment"),
            c.t("clients"),
        ),
        &items,
        None,
    );
    let table = Table {
        head: vec![c.t("segment").into(), c.t("clients").into()],
        rows: items.iter().map(|(l, n)| vec![l.clone(), format!("{n:.0}")]).collect(),
    };
    Chart {
        svg,
        table: Some(table),
    }
}

fn channels_chart(c: &Common, m: &Metrics) -> Chart {
    let f = &c.fmt;
    let channels = &m.portfolio.by_channel;
    let items: Vec<(String, f64)> = channels
        .iter()
        .map(|ch| (ch.channel.clone(), ch.ltv_cac_ratio.unwrap_or(0.0)))
        .collect();
    let svg = charts::category_bars(
        &c.text(
            c.t("channel_title").into(),
            c.t("channel_desc").into(),
            c.t("channel"),
            c.t("ltv_cac"),
        ),
        &items,
        Some((3.0, c.t("healthy_ratio").into())),
    );
    let head = ["channel", "clients", "avg_cac_short", "revenue_ltv_mean", "ltv_cac"];
    let table = Table {
        head: head.iter().map(|k| c.t(k).to_string()).collect(),
        rows: channels
            .iter()
            .map(|ch| {
                vec![
                    ch.channel.clone(),
                    f.count(ch.clients),
                    f.money(ch.avg_cac),
                    f.money(ch.revenue_ltv_mean),
                    ratio_text(c, ch.ltv_cac_ratio),
                ]
            })
            .collect(),
    };
    Chart {
        svg,
        table: Some(table),
    }
}

/// NPS responses by score (see [`crate::metrics::nps_responses_by_score`]).
fn nps_chart(c: &Common, m: &Metrics, counts: &[u32; 11]) -> Chart {
    let svg = charts::nps_distribution(
        &c.text(
            c.t("nps_distribution").into(),
            format!("NPS {}", c.fmt.number(m.portfolio.nps_t12, 0)),
            c.t("score"),
            c.t("responses"),
        ),
        counts,
    );
    let table = Table {
        head: vec![c.t("score").into(), c.t("responses").into()],
        rows: counts
            .iter()
            .enumerate()
            .map(|(s, n)| vec![s.to_string(), n.to_string()])
            .collect(),
    };
    Chart {
        svg,
        table: Some(table),
    }
}
