//! The private site: portfolio dashboard, cohorts, client overviews and
//! monthly review reports.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};

use std::collections::BTreeMap;

use super::bridge::{
    client_movement_sentence, movement_label, movement_meanings, movements_chart, signed, t12_change, waterfall_chart,
};
use super::downloads::{charts_with_csv, table_with_csv};
use super::trends::{Better, Earlier, KpiValue, revenue_change, trend};
use super::{Chart, Common, Kpi, Table, text, with};
use crate::charts;
use crate::format::to_f64;
use crate::metrics::fiscal::{fiscal_year_label, quarters};
use crate::metrics::outcomes::{Progress, summarise};
use crate::metrics::{ClientMetrics, Metrics, Portfolio, Segment, Signal, SignalKind};
use crate::model::{Client, Project};
use crate::money;
use crate::month::Month;

/// Months shown in the revenue bar charts.
const REVENUE_WINDOW: i32 = 24;

fn segment_rank(s: Segment) -> u8 {
    match s {
        Segment::AtRisk => 0,
        Segment::Stable => 1,
        Segment::Loyal => 2,
        Segment::Churned => 3,
    }
}

fn segment_label(c: &Common, s: Segment) -> &'static str {
    c.t(&format!("segment_{}", s.as_str()))
}

fn health_text(c: &Common, h: Option<f64>) -> String {
    match h {
        Some(v) => format!("{v:.0}"),
        None => c.t("unknown").to_string(),
    }
}

fn ratio_text(c: &Common, r: Option<f64>) -> String {
    match r {
        Some(v) => format!("{}×", c.fmt.number(Some(v), 1)),
        None => "—".to_string(),
    }
}

fn months_text(c: &Common, n: f64, decimals: usize) -> String {
    super::months_text(c, n, decimals)
}

/// A sentence for a signal in the project's language, with its numbers.
pub fn signal_sentence(c: &Common, s: &Signal) -> String {
    use crate::config::Lang::*;
    let pct = |r: f64| c.fmt.number(Some(r * 100.0), 0);
    match (&s.kind, c.lang) {
        (SignalKind::RevenueDrop { ratio, .. }, En) => {
            format!(
                "Revenue of the last 3 months is {}% below the 3 months before.",
                pct(1.0 - ratio)
            )
        }
        (SignalKind::RevenueDrop { ratio, .. }, Ja) => {
            format!("直近3か月の売上が前の3か月より{}%減少しています。", pct(1.0 - ratio))
        }
        (SignalKind::NoRevenue { .. }, En) => "No revenue this month nor last month.".to_string(),
        (SignalKind::NoRevenue { .. }, Ja) => "今月・前月とも売上がありません。".to_string(),
        (SignalKind::NpsDrop { previous, latest }, En) => format!("NPS score fell from {previous} to {latest}."),
        (SignalKind::NpsDrop { previous, latest }, Ja) => format!("NPSスコアが{previous}から{latest}に下がりました。"),
        (SignalKind::ActivityDrop { changes }, lang) | (SignalKind::TicketsUp { changes }, lang) => {
            let parts: Vec<String> = changes
                .iter()
                .map(|ch| {
                    let (p, t) = (c.fmt.number(Some(ch.p3_mean), 1), c.fmt.number(Some(ch.t3_mean), 1));
                    match lang {
                        En => format!("{} went from {p} to {t} a month", ch.metric),
                        Ja => format!("{}が月平均{p}から{t}に変化", ch.metric),
                    }
                })
                .collect();
            let up = matches!(s.kind, SignalKind::TicketsUp { .. });
            match (lang, up) {
                (En, false) => format!(
                    "Activity is down: {} (last 3 months vs the 3 before).",
                    parts.join("; ")
                ),
                (En, true) => format!("Issues are up: {} (last 3 months vs the 3 before).", parts.join("; ")),
                (Ja, false) => format!("活動が減少: {}(直近3か月と前の3か月の比較)。", parts.join("、")),
                (Ja, true) => format!("問い合わせが増加: {}(直近3か月と前の3か月の比較)。", parts.join("、")),
            }
        }
    }
}

fn component_label(c: &Common, metric: &str) -> String {
    match metric {
        "nps" => c.t("nps").to_string(),
        "revenue_trend" => c.t("revenue_trend").to_string(),
        other => other.to_string(),
    }
}

fn money_axis(c: &Common) -> String {
    format!("{} ({})", c.t("revenue"), c.fmt.currency)
}

/// Monthly revenue bars for `months` (with the numbers as a table).
fn revenue_chart(c: &Common, title: String, desc: String, series: &[(Month, Decimal)]) -> Chart {
    let labels: Vec<String> = series.iter().map(|(m, _)| c.fmt.month_short(*m)).collect();
    let values: Vec<f64> = series.iter().map(|(_, v)| to_f64(*v)).collect();
    let svg = charts::revenue_bars(
        &text(title, desc, c.t("month"), &money_axis(c)),
        &c.locale(),
        &labels,
        &values,
    );
    let rows = series
        .iter()
        .rev()
        .map(|(m, v)| vec![c.fmt.month(*m), c.fmt.money(*v)])
        .collect();
    Chart {
        svg,
        table: Some(Table {
            head: vec![c.t("month").into(), c.t("revenue").into()],
            rows,
        }),
    }
}

fn last_window(series: &[(Month, Decimal)], months: i32) -> &[(Month, Decimal)] {
    let start = series.len().saturating_sub(months as usize);
    &series[start..]
}

/// Cumulative revenue with the CAC line; break-even where the cumulative
/// gross profit first covers the CAC.
fn cumulative_chart(c: &Common, cm: &ClientMetrics) -> Chart {
    let mut total = Decimal::ZERO;
    let mut cumulative = Vec::new();
    let mut break_even = None;
    for (i, (_, v)) in cm.revenue_by_month.iter().enumerate() {
        total = money::add(total, *v);
        cumulative.push(total);
        if break_even.is_none() && cm.cac > Decimal::ZERO && total * cm.gross_margin >= cm.cac {
            break_even = Some(i);
        }
    }
    let labels: Vec<String> = cm.revenue_by_month.iter().map(|(m, _)| c.fmt.month_short(*m)).collect();
    let values: Vec<f64> = cumulative.iter().map(|v| to_f64(*v)).collect();
    let desc = match break_even {
        Some(i) => format!("{}: {}", c.t("break_even"), c.fmt.month(cm.revenue_by_month[i].0)),
        None => format!("{}: —", c.t("break_even")),
    };
    let svg = charts::cumulative_ltv(
        &text(c.t("cumulative_title").to_string(), desc, c.t("month"), &money_axis(c)),
        &c.locale(),
        &labels,
        &values,
        to_f64(cm.cac),
        break_even,
        &format!("CAC {}", c.fmt.money(cm.cac)),
        c.t("break_even"),
    );
    let rows = cm
        .revenue_by_month
        .iter()
        .zip(&cumulative)
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
    let svg = charts::health_bars(&text(c.t("health_title").into(), desc, c.t("score_0_100"), ""), &items);
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
        &text(c.t("nps_history").into(), String::new(), c.t("date"), c.t("score")),
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
        .map(|o| super::outcome_chart(c, o))
        .collect()
}

/// The invoices dated in `month`, in date order, and their total: what the
/// client was billed, as the review goes through it.
fn invoice_rows(c: &Common, client: &Client, month: Month) -> (Vec<Value>, String) {
    let f = &c.fmt;
    let of_month = crate::metrics::invoices_of_month(client, month);
    let rows = of_month
        .invoices
        .iter()
        .map(|i| {
            json!({
                "date": f.date(i.date),
                "service": i.service,
                "kind": c.t(&format!("kind_{}", i.kind.as_str())),
                "description": i.description,
                "amount": f.money(i.amount),
                "credit": i.amount < Decimal::ZERO,
            })
        })
        .collect();
    (rows, f.money(of_month.total))
}

/// Outcome rows for a table: KPI, baseline, current, change, target, status.
pub fn outcome_rows(c: &Common, client: &Client, as_of: Month) -> Vec<Value> {
    summarise(client, as_of)
        .into_iter()
        .map(|o| {
            let unit = |v: f64| super::with_unit_dp(c, v, &o.unit, o.decimals);
            let (status, on_track) = match o.progress {
                Progress::Reached => (c.t("reached"), true),
                Progress::Improving => (c.t("improving"), true),
                Progress::Behind => (c.t("behind"), false),
            };
            json!({
                "kpi": o.kpi,
                "baseline": unit(o.baseline),
                "current": unit(o.current),
                "change": o.change.map(|ch| format!("{}{}", if ch > 0.0 { "+" } else { "" }, c.fmt.percent(Some(ch), 1))).unwrap_or_else(|| "—".into()),
                "target": o.target.map(unit).unwrap_or_else(|| "—".into()),
                "status": status,
                "on_track": on_track,
            })
        })
        .collect()
}

fn next_step(c: &Common, cm: &ClientMetrics) -> &'static str {
    c.t(&format!("step_{}", cm.next_step))
}

fn client_kpis(c: &Common, cm: &ClientMetrics) -> Vec<Kpi> {
    vec![
        Kpi::new(c.t("revenue_month"), c.fmt.money(cm.revenue_month)),
        Kpi::new(c.t("revenue_t12"), c.fmt.money(cm.revenue_t12)),
        Kpi::new(c.t("revenue_ltv"), c.fmt.money(cm.revenue_ltv)),
        Kpi::new(c.t("profit_ltv"), c.fmt.money(cm.profit_ltv)),
        Kpi::new(c.t("ltv_cac"), ratio_text(c, cm.ltv_cac_ratio)).hint(format!("CAC {}", c.fmt.money(cm.cac)), ""),
        Kpi::new(c.t("tenure"), months_text(c, cm.tenure_months as f64, 0)),
        Kpi::new(
            c.t("nps_latest"),
            cm.nps_latest.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
        ),
        Kpi::new(c.t("health"), health_text(c, cm.health)),
    ]
}

fn client_head(c: &Common, client: &Client, cm: &ClientMetrics) -> Value {
    json!({
        "id": client.id,
        "name": client.name,
        "industry": client.industry.clone().unwrap_or_default(),
        "channel": client.channel.clone().unwrap_or_else(|| c.t("none").into()),
        "since": c.fmt.month(cm.start_month),
        "segment": cm.segment.as_str(),
        "segment_label": segment_label(c, cm.segment),
        "health": health_text(c, cm.health),
    })
}

/// What the portfolio pages (`internal/index.html`, `internal/cohorts/`,
/// `internal/metrics.json`) are rendered from, besides the settings and
/// templates. The build cache keeps those pages while a hash of this value
/// is unchanged (see [`crate::cache`]), so their page functions read
/// nothing else of the project.
#[derive(Serialize)]
pub struct PortfolioInputs<'a> {
    pub metrics: &'a Metrics,
    /// NPS responses by score (0–10) in the 12 months up to the as-of month.
    pub nps_counts: [u32; 11],
    /// The `segments.at_risk_nps` setting.
    pub at_risk_nps: f64,
    /// The portfolio as of the month before and a year before `M` (`None`
    /// when no client existed then): the trends of the tiles.
    pub month_before: Option<&'a Portfolio>,
    pub year_before: Option<&'a Portfolio>,
    /// Each client's industry by id (for the clients table's filter).
    pub industries: BTreeMap<String, String>,
}

impl<'a> PortfolioInputs<'a> {
    pub fn new(project: &Project, m: &'a Metrics) -> PortfolioInputs<'a> {
        let mut nps_counts = [0u32; 11];
        let end = m.as_of.last_day();
        let start = m.as_of.plus(-11).first_day();
        for client in &project.clients {
            for r in client.nps.iter().filter(|r| r.date >= start && r.date <= end) {
                nps_counts[r.score as usize] += 1;
            }
        }
        PortfolioInputs {
            metrics: m,
            nps_counts,
            at_risk_nps: project.config.segments.at_risk_nps,
            month_before: None,
            year_before: None,
            industries: project
                .clients
                .iter()
                .filter_map(|c| c.industry.as_ref().map(|i| (c.id.clone(), i.clone())))
                .collect(),
        }
    }

    /// Adds the metrics as of `M-1` and `M-12`, for the tiles' trends.
    pub fn with_trends(mut self, month_before: Option<&'a Metrics>, year_before: Option<&'a Metrics>) -> Self {
        let existed = |m: Option<&'a Metrics>| m.map(|m| &m.portfolio).filter(|p| p.clients_total > 0);
        self.month_before = existed(month_before);
        self.year_before = existed(year_before);
        self
    }

    /// The two trend lines of a tile: against last month and a year ago.
    fn trends(&self, c: &Common, get: fn(&Portfolio) -> KpiValue, better: Better) -> Vec<super::trends::Trend> {
        let now = get(&self.metrics.portfolio);
        let against = |then: Option<&Portfolio>, label: &str, before: &str| match then {
            Some(p) => trend(c, label, now, Earlier::Value(&get(p)), better),
            None => trend(c, label, now, Earlier::Before(before), better),
        };
        vec![
            against(self.month_before, c.t("vs_last_month"), c.t("first_month")),
            against(self.year_before, c.t("vs_a_year_ago"), c.t("no_data_year_ago")),
        ]
    }
}

/// `site/internal/index.html`.
pub fn dashboard(c: &Common, inputs: &PortfolioInputs) -> Value {
    let m = inputs.metrics;
    let p = &m.portfolio;
    let f = &c.fmt;
    use Better::{Higher, Lower};
    let tr = |get: fn(&Portfolio) -> KpiValue, better| inputs.trends(c, get, better);
    let kpis = vec![
        Kpi::new(c.t("clients_alive"), f.count(p.clients_alive))
            .hint(format!("{} {}", f.count(p.clients_total), c.t("in_total")), "")
            .trends(tr(|p| KpiValue::Count(p.clients_alive), Higher)),
        Kpi::new(c.t("clients_new"), f.count(p.clients_new)).trends(tr(|p| KpiValue::Count(p.clients_new), Higher)),
        Kpi::new(c.t("clients_churned"), f.count(p.clients_churned))
            .trends(tr(|p| KpiValue::Count(p.clients_churned), Lower)),
        Kpi::new(c.t("revenue_month"), f.money(p.revenue_month))
            .trends(tr(|p| KpiValue::Money(Some(p.revenue_month)), Higher)),
        Kpi::new(c.t("revenue_t12"), f.money(p.revenue_t12))
            .trends(tr(|p| KpiValue::Money(Some(p.revenue_t12)), Higher)),
        fiscal_year_tile(c, inputs),
        Kpi::new(c.t("arpa_month"), f.money_opt(p.arpa_month))
            .hint(format!("{}: {}", c.t("arpa_t12"), f.money_opt(p.arpa_t12)), "")
            .trends(tr(|p| KpiValue::Money(p.arpa_month), Higher)),
        Kpi::new(c.t("churn_t12"), f.percent(p.churn_t12, 1))
            .hint(format!("{}: {}", c.t("this_month"), f.percent(p.churn_month, 1)), "")
            .trends(tr(|p| KpiValue::Share(p.churn_t12), Lower)),
        Kpi::new(c.t("predicted_ltv"), f.money_opt(p.predicted_ltv))
            .trends(tr(|p| KpiValue::Money(p.predicted_ltv), Higher)),
        Kpi::new(c.t("avg_cac"), f.money_opt(p.avg_cac)).trends(tr(|p| KpiValue::Money(p.avg_cac), Lower)),
        Kpi::new(c.t("ltv_cac"), ratio_text(c, p.ltv_cac_ratio))
            .trends(tr(|p| KpiValue::Ratio(p.ltv_cac_ratio), Higher)),
        Kpi::new(
            c.t("cac_payback"),
            p.cac_payback_months
                .map(|v| months_text(c, v, 1))
                .unwrap_or_else(|| "—".into()),
        )
        .trends(tr(|p| KpiValue::Months(p.cac_payback_months), Lower)),
        Kpi::new(c.t("nrr"), f.percent(p.nrr_t12, 1))
            .hint(format!("{}: {}", c.t("grr"), f.percent(p.grr_t12, 1)), "")
            .trends(tr(|p| KpiValue::Share(p.nrr_t12), Higher)),
        Kpi::new(c.t("quick_ratio"), ratio_text(c, p.bridge_t12.quick_ratio))
            .hint(
                match c.lang {
                    crate::config::Lang::En => format!("{}, {}", c.t("last_12_months"), c.t("quick_ratio_hint")),
                    crate::config::Lang::Ja => format!("{}、{}", c.t("last_12_months"), c.t("quick_ratio_hint")),
                },
                "",
            )
            .trends(tr(|p| KpiValue::Ratio(p.bridge_t12.quick_ratio), Higher)),
        Kpi::new(c.t("nps_t12"), f.number(p.nps_t12, 0)).trends(tr(|p| KpiValue::Score(p.nps_t12), Higher)),
        Kpi::new(c.t("upsell_rate"), f.percent(p.upsell_rate_t12, 1))
            .trends(tr(|p| KpiValue::Share(p.upsell_rate_t12), Higher)),
        Kpi::new(c.t("cross_sell_rate"), f.percent(p.cross_sell_rate_t12, 1))
            .trends(tr(|p| KpiValue::Share(p.cross_sell_rate_t12), Higher)),
    ];

    let mut charts_out = Vec::new();
    let series: Vec<(Month, Decimal)> = m.monthly.iter().map(|r| (r.month, r.revenue)).collect();
    let window = last_window(&series, REVENUE_WINDOW);
    charts_out.push(revenue_chart(
        c,
        c.t("portfolio_revenue").into(),
        c.t("revenue_desc").into(),
        window,
    ));

    let rows = last_months(&m.monthly, REVENUE_WINDOW);
    let labels: Vec<String> = rows.iter().map(|r| f.month_short(r.month)).collect();
    let alive: Vec<f64> = rows.iter().map(|r| r.alive as f64).collect();
    let churn: Vec<Option<f64>> = rows.iter().map(|r| r.churn_rate).collect();
    let svg = charts::alive_and_churn(
        &text(
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
    let table = Table {
        head: vec![
            c.t("month").into(),
            c.t("clients_alive").into(),
            c.t("churn_rate").into(),
        ],
        rows: rows
            .iter()
            .rev()
            .map(|r| vec![f.month(r.month), f.count(r.alive), f.percent(r.churn_rate, 1)])
            .collect(),
    };
    charts_out.push(Chart {
        svg,
        table: Some(table),
    });

    let flows = vec![
        (c.t("new").to_string(), rows.iter().map(|r| r.new as f64).collect()),
        (
            c.t("churned").to_string(),
            rows.iter().map(|r| r.churned as f64).collect(),
        ),
        (
            c.t("reactivated").to_string(),
            rows.iter().map(|r| r.reactivated as f64).collect(),
        ),
    ];
    let svg = charts::flows(
        &text(c.t("flows_title").into(), String::new(), c.t("month"), c.t("clients")),
        &labels,
        &flows,
    );
    let table = Table {
        head: vec![
            c.t("month").into(),
            c.t("new").into(),
            c.t("churned").into(),
            c.t("reactivated").into(),
        ],
        rows: rows
            .iter()
            .rev()
            .map(|r| {
                vec![
                    f.month(r.month),
                    f.count(r.new),
                    f.count(r.churned),
                    f.count(r.reactivated),
                ]
            })
            .collect(),
    };
    charts_out.push(Chart {
        svg,
        table: Some(table),
    });

    let segments = [Segment::Loyal, Segment::Stable, Segment::AtRisk, Segment::Churned];
    let seg_items: Vec<(String, f64)> = segments
        .iter()
        .map(|s| {
            (
                segment_label(c, *s).to_string(),
                m.clients.iter().filter(|cm| cm.segment == *s).count() as f64,
            )
        })
        .collect();
    let svg = charts::category_bars(
        &text(
            c.t("segments_title").into(),
            String::new(),
            c.t("segment"),
            c.t("clients"),
        ),
        &seg_items,
        None,
    );
    let table = Table {
        head: vec![c.t("segment").into(), c.t("clients").into()],
        rows: seg_items
            .iter()
            .map(|(l, n)| vec![l.clone(), format!("{n:.0}")])
            .collect(),
    };
    charts_out.push(Chart {
        svg,
        table: Some(table),
    });

    let ch_items: Vec<(String, f64)> = p
        .by_channel
        .iter()
        .map(|ch| (ch.channel.clone(), ch.ltv_cac_ratio.unwrap_or(0.0)))
        .collect();
    let svg = charts::category_bars(
        &text(
            c.t("channel_title").into(),
            c.t("channel_desc").into(),
            c.t("channel"),
            c.t("ltv_cac"),
        ),
        &ch_items,
        Some((3.0, c.t("healthy_ratio").into())),
    );
    let table = Table {
        head: vec![
            c.t("channel").into(),
            c.t("clients").into(),
            c.t("avg_cac_short").into(),
            c.t("revenue_ltv_mean").into(),
            c.t("ltv_cac").into(),
        ],
        rows: p
            .by_channel
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
    charts_out.push(Chart {
        svg,
        table: Some(table),
    });

    let counts = &inputs.nps_counts;
    let svg = charts::nps_distribution(
        &text(
            c.t("nps_distribution").into(),
            format!("NPS {}", f.number(p.nps_t12, 0)),
            c.t("score"),
            c.t("responses"),
        ),
        counts,
    );
    let table = Table {
        head: vec![c.t("score").into(), c.t("responses").into()],
        rows: (0..=10).map(|s| vec![s.to_string(), counts[s].to_string()]).collect(),
    };
    charts_out.push(Chart {
        svg,
        table: Some(table),
    });

    let mut at_risk: Vec<&ClientMetrics> = m.clients.iter().filter(|cm| cm.segment == Segment::AtRisk).collect();
    at_risk.sort_by(|a, b| {
        a.health
            .unwrap_or(-1.0)
            .total_cmp(&b.health.unwrap_or(-1.0))
            .then(a.id.cmp(&b.id))
    });
    let at_risk: Vec<Value> = at_risk
        .iter()
        .map(|cm| {
            let reason = if cm.nps_latest.is_some_and(|n| (n as f64) <= inputs.at_risk_nps) {
                c.t("reason_nps")
            } else {
                c.t("reason_health")
            };
            json!({
                "name": cm.name,
                "href": format!("clients/{}/index.html", cm.id),
                "health": health_text(c, cm.health),
                "signals": cm.signals.iter().map(|s| signal_sentence(c, s)).collect::<Vec<_>>(),
                "reason": reason,
            })
        })
        .collect();

    let industry_of = |id: &str| inputs.industries.get(id).cloned().unwrap_or_default();
    let clients: Vec<Value> = m
        .clients
        .iter()
        .map(|cm| {
            json!({
                "id": cm.id,
                "channel": cm.channel.clone().unwrap_or_else(|| c.t("none").into()),
                "industry": industry_of(&cm.id),
                "touch": cm.touch.map(|t| t.as_str()).unwrap_or(""),
                "movement": cm.bridge_t12_kind.map(|k| movement_label(c, k)).unwrap_or("—"),
                "movement_amount": t12_change(cm).map(|v| signed(c, v)).unwrap_or_default(),
                "movement_sort": t12_change(cm).map(|v| v.round_dp(2).to_string()).unwrap_or_else(|| "0".into()),
                "name": cm.name,
                "href": format!("clients/{}/index.html", cm.id),
                "segment": cm.segment.as_str(),
                "segment_label": segment_label(c, cm.segment),
                "segment_rank": segment_rank(cm.segment),
                "touch_label": cm.touch.map(|t| c.t(&format!("touch_{}", t.as_str()))).unwrap_or("—"),
                "touch_rank": cm.touch.map(|t| t as u8).unwrap_or(9),
                "health": health_text(c, cm.health),
                "health_sort": cm.health.map(|h| format!("{h:.3}")).unwrap_or_else(|| "-1".into()),
                "t12": f.money(cm.revenue_t12),
                "t12_sort": cm.revenue_t12.round_dp(2).to_string(),
                "ltv": f.money(cm.revenue_ltv),
                "ltv_sort": cm.revenue_ltv.round_dp(2).to_string(),
                "ratio": ratio_text(c, cm.ltv_cac_ratio),
                "ratio_sort": cm.ltv_cac_ratio.map(|r| format!("{r:.4}")).unwrap_or_else(|| "-1".into()),
                // This month's review, both editions (written for clients alive in the month).
                "briefing_href": cm.alive.then(|| format!("clients/{}/{}.html", cm.id, m.as_of)),
                "edition_href": cm.alive.then(|| edition_href(&cm.id, m.as_of, "../")),
            })
        })
        .collect();

    let forecasts = super::forecast::dashboard_tables(c, m);
    let as_of = f.month(m.as_of);
    let chart_names = [
        "revenue-24-months",
        "active-clients-and-churn",
        "new-churned-reactivated",
        "clients-by-segment",
        "ltv-cac-by-channel",
        "nps-by-score",
    ]
    .map(String::from);
    let bridge_charts = vec![
        waterfall_chart(
            c,
            &p.bridge_t12,
            c.t("bridge_title_t12"),
            c.t("prev_12_months"),
            c.t("last_12_months"),
        ),
        waterfall_chart(
            c,
            &p.bridge_month,
            c.t("bridge_title_month"),
            c.t("last_month"),
            c.t("this_month_cap"),
        ),
        movements_chart(c, last_months(&m.monthly, REVENUE_WINDOW)),
    ];
    let bridge_names = ["bridge-12-months", "bridge-month", "movements-24-months"].map(String::from);
    let at_risk_table = Table {
        head: vec![c.t("client").into(), c.t("health").into(), c.t("signals").into()],
        rows: at_risk
            .iter()
            .map(|r| {
                let signals: Vec<&str> = r["signals"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let why = if signals.is_empty() {
                    r["reason"].as_str().unwrap_or_default().to_string()
                } else {
                    signals.join(" ")
                };
                vec![
                    r["name"].as_str().unwrap_or_default().to_string(),
                    r["health"].as_str().unwrap_or_default().to_string(),
                    why,
                ]
            })
            .collect(),
    };
    let clients_table = Table {
        head: vec![
            c.t("name").into(),
            c.t("segment").into(),
            c.t("touch").into(),
            c.t("channel").into(),
            c.t("industry").into(),
            c.t("health").into(),
            c.t("revenue_t12").into(),
            c.t("revenue_ltv").into(),
            c.t("ltv_cac").into(),
            c.t("t12_movement_short").into(),
            c.t("amount").into(),
        ],
        rows: clients
            .iter()
            .map(|r| {
                [
                    "name",
                    "segment_label",
                    "touch_label",
                    "channel",
                    "industry",
                    "health",
                    "t12",
                    "ltv",
                    "ratio",
                    "movement",
                    "movement_amount",
                ]
                .iter()
                .map(|k| r[*k].as_str().unwrap_or_default().to_string())
                .collect()
            })
            .collect(),
    };
    let downloads: Vec<Value> = crate::metrics::TableKind::ALL
        .iter()
        .map(|t| json!({ "label": c.t(&format!("table_{}", t.name())), "href": metrics_csv_name(*t) }))
        .collect();
    with(
        c.base(c.t("dashboard"), "", &as_of),
        json!({
            "kpis": kpis,
            "charts": charts_with_csv(&charts_out, &chart_names),
            "bridge_charts": charts_with_csv(&bridge_charts, &bridge_names),
            "movement_meanings": movement_meanings(c),
            "fiscal": fiscal_quarters_table(c, m),
            "at_risk": at_risk,
            "at_risk_table": table_with_csv(&at_risk_table, "clients-at-risk"),
            "clients": clients,
            "clients_table": table_with_csv(&clients_table, "clients-table"),
            "filters": client_filters(c, &clients),
            "downloads": downloads,
            "forecast_tables": forecast_tables(c, &forecasts),
            "forecasts": forecasts,
        }),
    )
}

/// The dashboard's two forecast tables (see [`super::forecast`]) as CSV
/// tables, with the columns the template shows; null for a table the page
/// leaves out (no rows).
fn forecast_tables(c: &Common, forecasts: &Value) -> Value {
    let table = |key: &str, head: &[&str], cells: &[&str], name: &str| -> Value {
        let rows: Vec<Vec<String>> = forecasts[key]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|r| {
                        cells
                            .iter()
                            .map(|k| r[*k].as_str().unwrap_or_default().to_string())
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        if rows.is_empty() {
            return Value::Null;
        }
        let head = head.iter().map(|k| c.t(k).to_string()).collect();
        table_with_csv(&Table { head, rows }, name)
    };
    json!({
        "top_value": table(
            "top_value",
            &["client", "contract", "predicted_value", "outlook"],
            &["name", "contract", "value", "outlook"],
            "top-predicted-value",
        ),
        "lowest_p_active": table(
            "lowest_p_active",
            &["client", "p_active", "expected_purchases", "last_revenue"],
            &["name", "p_active", "purchases", "last_revenue"],
            "lowest-p-active",
        ),
    })
}

/// The file name of a full metrics table written beside the dashboard.
pub fn metrics_csv_name(t: crate::metrics::TableKind) -> String {
    format!("metrics-{}.csv", t.name())
}

/// "Revenue FY2026 to date" against the same months of the previous FY.
fn fiscal_year_tile(c: &Common, inputs: &PortfolioInputs) -> Kpi {
    let p = &inputs.metrics.portfolio;
    let prev_fy = fiscal_year_label(p.fiscal_year_first.plus(-12));
    let label = match c.lang {
        crate::config::Lang::En => format!("Revenue {} to date", p.fiscal_year),
        crate::config::Lang::Ja => format!("{} 累計売上", p.fiscal_year),
    };
    let since = format!(
        "{} – {}",
        c.fmt.month_short(p.fiscal_year_first),
        c.fmt.month_short(inputs.metrics.as_of)
    );
    let against = match c.lang {
        crate::config::Lang::En => format!("vs the same months of {prev_fy}"),
        crate::config::Lang::Ja => format!("{prev_fy}同期間比"),
    };
    let now = KpiValue::Money(Some(p.revenue_fytd));
    let then = KpiValue::Money(Some(p.revenue_fytd_prev));
    // Nothing a year before (and nothing billed then): no comparison.
    let earlier = if inputs.year_before.is_none() && p.revenue_fytd_prev.is_zero() {
        Earlier::Before(c.t("no_data_year_ago"))
    } else {
        Earlier::Value(&then)
    };
    Kpi::new(&label, c.fmt.money(p.revenue_fytd))
        .hint(since, "")
        .trends(vec![trend(c, &against, now, earlier, Better::Higher)])
}

/// Revenue by fiscal quarter for the current fiscal year and the two before.
fn fiscal_quarters_table(c: &Common, m: &Metrics) -> Value {
    let f = &c.fmt;
    let first = m.portfolio.fiscal_year_first;
    let years = quarters(&m.monthly, m.as_of, first.month(), 3);
    let quarter_head = |q: i32| {
        let (a, b) = (first.plus(3 * q), first.plus(3 * q + 2));
        match c.lang {
            crate::config::Lang::En => format!(
                "Q{} ({}–{})",
                q + 1,
                &crate::format::MONTHS_EN[a.month() as usize - 1][..3],
                &crate::format::MONTHS_EN[b.month() as usize - 1][..3]
            ),
            crate::config::Lang::Ja => format!("第{}四半期 ({}–{}月)", q + 1, a.month(), b.month()),
        }
    };
    let mut head = vec![c.t("fiscal_year").to_string()];
    head.extend((0..4).map(quarter_head));
    head.push(c.t("fy_total").into());
    let rows = years
        .iter()
        .rev()
        .map(|y| {
            let mut row = vec![y.label.clone()];
            for (q, v) in y.quarters.iter().enumerate() {
                let q_last = y.first.plus(3 * q as i32 + 2);
                row.push(match v {
                    None => "—".to_string(),
                    Some(v) if q_last > m.as_of => format!("{} ({})", f.money(*v), c.t("to_date")),
                    Some(v) => f.money(*v),
                });
            }
            row.push(if y.months < 12 {
                format!("{} ({})", f.money(y.total), c.t("to_date"))
            } else {
                f.money(y.total)
            });
            row
        })
        .collect();
    let table = Table { head, rows };
    json!({
        "label": m.portfolio.fiscal_year,
        "table": table_with_csv(&table, "revenue-by-fiscal-quarter"),
    })
}

/// The choices of the clients table's filters: every segment, touch tier,
/// channel and industry that occurs, with its label.
fn client_filters(c: &Common, clients: &[Value]) -> Vec<Value> {
    let options = |key: &str, label_key: Option<&str>| -> Vec<Value> {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for r in clients {
            let v = r[key].as_str().unwrap_or_default();
            if v.is_empty() {
                continue;
            }
            let label = match label_key {
                Some(lk) => r[lk].as_str().unwrap_or(v).to_string(),
                None => v.to_string(),
            };
            seen.insert(v.to_string(), label);
        }
        seen.into_iter()
            .map(|(v, l)| json!({ "value": v, "label": l }))
            .collect()
    };
    vec![
        json!({ "key": "segment", "label": c.t("segment"), "options": options("segment", Some("segment_label")) }),
        json!({ "key": "touch", "label": c.t("touch"), "options": options("touch", Some("touch_label")) }),
        json!({ "key": "channel", "label": c.t("channel"), "options": options("channel", None) }),
        json!({ "key": "industry", "label": c.t("industry"), "options": options("industry", None) }),
    ]
}

fn last_months<T>(rows: &[T], n: i32) -> &[T] {
    &rows[rows.len().saturating_sub(n as usize)..]
}

/// `site/internal/cohorts/index.html`.
pub fn cohorts(c: &Common, m: &Metrics) -> Value {
    let f = &c.fmt;
    let names: Vec<String> = m
        .cohorts
        .iter()
        .map(|co| format!("{} (n={})", f.month_short(co.cohort), co.size))
        .collect();
    let width = m.cohorts.iter().map(|co| co.active.len()).max().unwrap_or(0);
    let offsets: Vec<String> = (0..width).map(|k| format!("+{k}")).collect();

    let retention: Vec<Vec<Option<f64>>> = m
        .cohorts
        .iter()
        .map(|co| co.retention.iter().map(|v| Some(*v)).collect())
        .collect();
    let rev_ret: Vec<Vec<Option<f64>>> = m.cohorts.iter().map(|co| co.revenue_retention.clone()).collect();
    let cum: Vec<(String, Vec<Option<f64>>)> = m
        .cohorts
        .iter()
        .zip(&names)
        .map(|(co, n)| (n.clone(), co.cumulative_ltv.iter().map(|v| Some(to_f64(*v))).collect()))
        .collect();

    let pct_table = |values: &Vec<Vec<Option<f64>>>| Table {
        head: std::iter::once(c.t("cohort").to_string())
            .chain(offsets.iter().cloned())
            .collect(),
        rows: values
            .iter()
            .zip(&names)
            .map(|(row, n)| {
                std::iter::once(n.clone())
                    .chain(row.iter().map(|v| f.percent(*v, 0)))
                    .collect()
            })
            .collect(),
    };
    let mut charts_out = vec![
        Chart {
            svg: charts::heatmap(
                &text(
                    c.t("retention_title").into(),
                    c.t("retention_desc").into(),
                    c.t("months_since_start"),
                    c.t("cohort"),
                ),
                &names,
                &retention,
                true,
            ),
            table: Some(pct_table(&retention)),
        },
        Chart {
            svg: charts::heatmap(
                &text(
                    c.t("revenue_retention_title").into(),
                    c.t("revenue_retention_desc").into(),
                    c.t("months_since_start"),
                    c.t("cohort"),
                ),
                &names,
                &rev_ret,
                true,
            ),
            table: Some(pct_table(&rev_ret)),
        },
        Chart {
            svg: charts::multi_line(
                &text(
                    c.t("cumulative_cohort_title").into(),
                    c.t("cumulative_cohort_desc").into(),
                    c.t("months_since_start"),
                    &money_axis(c),
                ),
                &c.locale(),
                &offsets,
                &cum,
            ),
            table: Some(Table {
                head: std::iter::once(c.t("cohort").to_string())
                    .chain(offsets.iter().cloned())
                    .collect(),
                rows: m
                    .cohorts
                    .iter()
                    .zip(&names)
                    .map(|(co, n)| {
                        std::iter::once(n.clone())
                            .chain(co.cumulative_ltv.iter().map(|v| f.money(*v)))
                            .collect()
                    })
                    .collect(),
            }),
        },
    ];
    charts_out.extend(super::forecast::survival_chart(c, m));
    let names = [
        "client-retention",
        "revenue-retention",
        "cumulative-revenue-per-client",
        "retainer-survival",
    ]
    .map(String::from);
    with(
        c.base(c.t("cohorts"), "../", &f.month(m.as_of)),
        json!({ "charts": charts_with_csv(&charts_out, &names) }),
    )
}

/// The charts a client's overview and its as-of report have in common,
/// drawn once for both.
pub struct ClientCharts {
    cumulative: Chart,
    health: Chart,
    nps: Option<Chart>,
    outcomes: Vec<Chart>,
}

impl ClientCharts {
    /// The outcome charts (one per KPI, in KPI order), for the client
    /// edition of the same month, which shows them too.
    pub fn outcome_svgs(&self) -> Vec<&str> {
        self.outcomes.iter().map(|c| c.svg.as_str()).collect()
    }

    fn with_revenue<'a>(&'a self, revenue: &'a Chart) -> Vec<&'a Chart> {
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

fn health_history_chart(c: &Common, h: &HealthHistory) -> Chart {
    let labels: Vec<String> = h.months.iter().map(|(m, _)| c.fmt.month_short(*m)).collect();
    let scores: Vec<Option<f64>> = h.months.iter().map(|(_, v)| *v).collect();
    let n = |v: f64| c.fmt.number(Some(v), 0);
    let thresholds = match c.lang {
        crate::config::Lang::En => [
            (h.at_risk, format!("At risk below {}", n(h.at_risk))),
            (h.loyal, format!("Loyal from {}", n(h.loyal))),
        ],
        crate::config::Lang::Ja => [
            (h.at_risk, format!("要注意 ({}未満)", n(h.at_risk))),
            (h.loyal, format!("ロイヤル ({}以上)", n(h.loyal))),
        ],
    };
    let svg = charts::score_history(
        &text(
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

/// `site/internal/clients/<id>/index.html`: all-time view and report links.
pub fn client_overview(
    c: &Common,
    client: &Client,
    cm: &ClientMetrics,
    m: &Metrics,
    reports: &[Month],
    shared: &ClientCharts,
    health: &HealthHistory,
) -> Value {
    let revenue = revenue_chart(
        c,
        c.t("client_revenue_all").into(),
        c.t("revenue_desc").into(),
        &cm.revenue_by_month,
    );
    let history = health_history_chart(c, health);
    let mut charts_out = shared.with_revenue(&revenue);
    // The health history right after the health components.
    charts_out.insert(3, &history);
    let mut names: Vec<String> = [
        "revenue-by-month",
        "cumulative-revenue",
        "health-components",
        "health-history",
    ]
    .map(String::from)
    .to_vec();
    if shared.nps.is_some() {
        names.push("nps-responses".into());
    }
    names.extend((1..=shared.outcomes.len()).map(|i| format!("outcome-{i}")));
    let reports_table = Table {
        head: vec![c.t("month").into(), c.t("revenue").into()],
        rows: reports
            .iter()
            .rev()
            .map(|month| {
                vec![
                    c.fmt.month(*month),
                    c.fmt.money(cm.revenue_in(*month).unwrap_or_default()),
                ]
            })
            .collect(),
    };
    let reports: Vec<Value> = reports
        .iter()
        .rev()
        .map(|month| json!({ "label": c.fmt.month(*month), "href": format!("{month}.html"), "edition_href": edition_href(&client.id, *month, "../../../"), "revenue": c.fmt.money(cm.revenue_in(*month).unwrap_or_default()) }))
        .collect();
    with(
        c.base(&client.name, "../../", &c.fmt.month(m.as_of)),
        json!({
            "client": client_head(c, client, cm),
            "kpis": client_kpis(c, cm),
            "movement": {
                "label": c.t("t12_movement_short"),
                "kind": cm.bridge_t12_kind.map(|k| k.as_str()),
                "sentence": client_movement_sentence(c, cm),
            },
            "charts": charts_with_csv(&charts_out, &names),
            "reports": reports,
            "reports_table": table_with_csv(&reports_table, "reports"),
            "next_step": next_step(c, cm),
            "forecast": super::forecast::client_forecast(c, cm, &m.prediction),
        }),
    )
}

/// `site/internal/clients/<id>/<YYYY-MM>.html`: the monthly review report,
/// computed as of its own month. `six_months_ago` is the same client as of
/// M-6, for the LTV drivers.
pub fn report(
    c: &Common,
    client: &Client,
    cm: &ClientMetrics,
    as_of: Month,
    six_months_ago: Option<&ClientMetrics>,
    shared: Option<&ClientCharts>,
) -> Value {
    let f = &c.fmt;
    let now = cm.revenue_month;
    // "vs last month ¥280,000: +¥20,000 (+7%)", "…: no change", "…: first month";
    // against a year ago: "this month: +¥20,000 (+7%)", or since when the
    // client exists when it did not a year ago.
    let since = format!("{} {}", c.t("client_since"), f.month(cm.start_month));
    let (prev_hint, prev_trend) = revenue_change(
        c,
        c.t("vs_last_month"),
        now,
        cm.revenue_in(as_of.plus(-1)),
        true,
        c.t("first_month"),
    );
    let (year_hint, year_trend) = match cm.revenue_in(as_of.plus(-12)) {
        Some(then) => revenue_change(c, c.t("this_month"), now, Some(then), false, ""),
        None => (since, ""),
    };
    let kpis = vec![
        Kpi::new(c.t("revenue_month"), f.money(now)).hint(prev_hint, prev_trend),
        Kpi::new(c.t("revenue_year_ago"), f.money_opt(cm.revenue_in(as_of.plus(-12)))).hint(year_hint, year_trend),
        Kpi::new(c.t("revenue_t12"), f.money(cm.revenue_t12)),
        Kpi::new(c.t("revenue_ltv"), f.money(cm.revenue_ltv)),
        Kpi::new(c.t("tenure"), months_text(c, cm.tenure_months as f64, 0)),
        Kpi::new(
            c.t("nps_latest"),
            cm.nps_latest.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
        )
        .hint(
            cm.nps_previous
                .map(|p| format!("{}: {p}", c.t("previous")))
                .unwrap_or_default(),
            "",
        ),
        Kpi::new(c.t("health"), health_text(c, cm.health)),
    ];

    let window = last_window(&cm.revenue_by_month, REVENUE_WINDOW);
    let revenue = revenue_chart(c, c.t("client_revenue_24").into(), c.t("revenue_desc").into(), window);
    let own;
    let shared = match shared {
        Some(s) => s,
        None => {
            own = client_charts(c, client, cm, as_of);
            &own
        }
    };
    let charts_out = shared.with_revenue(&revenue);

    // LTV drivers now and six months earlier ("—" before the client
    // existed, and a note saying so).
    let then = |value: &dyn Fn(&ClientMetrics) -> String| six_months_ago.map(value).unwrap_or_else(|| "—".into());
    let drivers_note = match six_months_ago {
        Some(_) => String::new(),
        None => match c.lang {
            crate::config::Lang::En => format!(
                "— : {} started in {}, after {}; there is nothing to compare with yet.",
                client.name,
                f.month(cm.start_month),
                f.month(as_of.plus(-6))
            ),
            crate::config::Lang::Ja => format!(
                "—: {}の取引開始は{}で、{}より後のため、まだ比較できません。",
                client.name,
                f.month(cm.start_month),
                f.month(as_of.plus(-6))
            ),
        },
    };
    let avg_invoice = |x: &ClientMetrics| f.money_opt(x.avg_invoice);
    let per_month = |x: &ClientMetrics| f.number(Some(x.invoices_per_month), 2);
    let tenure = |x: &ClientMetrics| months_text(c, x.tenure_months as f64, 0);
    let drivers = vec![
        json!({ "label": c.t("avg_invoice"), "before": then(&avg_invoice), "now": avg_invoice(cm) }),
        json!({ "label": c.t("invoices_per_month"), "before": then(&per_month), "now": per_month(cm) }),
        json!({ "label": c.t("tenure"), "before": then(&tenure), "now": tenure(cm) }),
    ];
    let note = client.notes.iter().find(|n| n.month == as_of);
    let month_label = f.month(as_of);
    let (invoices, invoices_total) = invoice_rows(c, client, as_of);
    with(
        c.base(&client.name, "", &month_label),
        json!({
            "client": client_head(c, client, cm),
            "month_label": month_label,
            "kpis": kpis,
            "charts": charts_out,
            "outcomes": outcome_rows(c, client, as_of),
            "invoices": invoices,
            "invoices_total": invoices_total,
            "drivers": drivers,
            "drivers_then_label": f.month(as_of.plus(-6)),
            "drivers_note": drivers_note,
            "signals": cm.signals.iter().map(|s| signal_sentence(c, s)).collect::<Vec<_>>(),
            "notes_html": note.map(|n| crate::markdown::to_safe_html(&n.markdown)).unwrap_or_default(),
            "notes_title": note.and_then(|n| n.title.clone()).unwrap_or_default(),
            "notes_internal": note.map(|n| crate::markdown::internal_sections(&n.markdown).into_iter().map(|s| s.heading).collect::<Vec<_>>()).unwrap_or_default(),
            "next_step": next_step(c, cm),
            "talking_points": talking_points(c, client, cm, as_of),
            "edition_href": edition_href(&client.id, as_of, "../../../"),
        }),
    )
}

/// The client edition of `id`'s review of `month`, from a page `root` below
/// the output folder.
pub fn edition_href(id: &str, month: Month, root: &str) -> String {
    format!("{root}{}", crate::publish::edition_path(id, month))
}

/// What to say in the review, for the briefing: the results (one sentence
/// per KPI), what to watch (the signals) and how to approach the client
/// (the suggested next step).
fn talking_points(c: &Common, client: &Client, cm: &ClientMetrics, as_of: Month) -> Vec<Value> {
    let point = |label: &str, text: String| json!({ "label": c.t(label), "text": text });
    summarise(client, as_of)
        .iter()
        .map(|o| point("tp_results", super::outcome_sentence(c, o)))
        .chain(cm.signals.iter().map(|s| point("tp_watch", signal_sentence(c, s))))
        .chain(std::iter::once(point("tp_step", next_step(c, cm).to_string())))
        .collect()
}
