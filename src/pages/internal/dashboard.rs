//! `site/internal/index.html`: the portfolio's tiles, charts, bridge,
//! clients at risk, the clients table and the forecasts.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::fiscal::{FiscalQuarters, fiscal_quarters_table, fiscal_year_tile};
use super::portfolio_charts::portfolio_charts;
use super::{REVENUE_WINDOW, edition_href, health_text, last_months, ratio_text, segment_label};
use crate::metrics::{ClientMetrics, Metrics, Portfolio, Segment, TableKind, nps_responses_by_score};
use crate::model::Project;
use crate::pages::bridge::{movement_label, movement_meanings, movements_chart, signed, t12_change, waterfall_chart};
use crate::pages::downloads::{charts_with_csv, table_with_csv};
use crate::pages::forecast::{DashboardForecasts, UncertainClient, ValuedClient};
use crate::pages::sentences::signal_sentence;
use crate::pages::trends::{Better, Earlier, KpiValue, Trend, trend};
use crate::pages::{Common, Kpi, Table, months_text, page};

/// What the portfolio pages (`internal/index.html`, `internal/cohorts/`,
/// `internal/metrics.json`) are rendered from, besides the settings and
/// templates. The build cache keeps those pages while a hash of this value
/// is unchanged (see [`crate::page_cache`]), so their page functions read
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
        PortfolioInputs {
            metrics: m,
            nps_counts: nps_responses_by_score(&project.clients, m.as_of),
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
    fn trends(&self, c: &Common, get: fn(&Portfolio) -> KpiValue, better: Better) -> Vec<Trend> {
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

#[derive(Serialize)]
struct DashboardPage {
    kpis: Vec<Kpi>,
    charts: Vec<Value>,
    bridge_charts: Vec<Value>,
    movement_meanings: Vec<Value>,
    fiscal: FiscalQuarters,
    at_risk: Vec<AtRiskRow>,
    at_risk_table: Value,
    clients: Vec<ClientRow>,
    clients_table: Value,
    filters: Vec<Filter>,
    downloads: Vec<Download>,
    forecast_tables: ForecastCsvTables,
    forecasts: DashboardForecasts,
}

/// The forecast tables as CSV tables; `None` (null) for a table the page
/// leaves out (no rows).
#[derive(Serialize)]
struct ForecastCsvTables {
    top_value: Option<Value>,
    lowest_p_active: Option<Value>,
}

/// A client at risk: why, in the signals' words or the segment's reason.
#[derive(Serialize)]
struct AtRiskRow {
    name: String,
    href: String,
    health: String,
    signals: Vec<String>,
    reason: &'static str,
}

/// A row of the clients table: each shown value with what it sorts by.
#[derive(Serialize)]
struct ClientRow {
    id: String,
    channel: String,
    industry: String,
    touch: &'static str,
    movement: &'static str,
    movement_amount: String,
    movement_sort: String,
    name: String,
    href: String,
    segment: &'static str,
    segment_label: &'static str,
    segment_rank: u8,
    touch_label: &'static str,
    touch_rank: u8,
    health: String,
    health_sort: String,
    t12: String,
    t12_sort: String,
    ltv: String,
    ltv_sort: String,
    ratio: String,
    ratio_sort: String,
    /// This month's review, both editions (written for clients alive in the month).
    briefing_href: Option<String>,
    edition_href: Option<String>,
}

/// A filter of the clients table and the values that occur.
#[derive(Serialize)]
struct Filter {
    key: &'static str,
    label: &'static str,
    options: Vec<FilterOption>,
}

#[derive(Serialize)]
struct FilterOption {
    value: String,
    label: String,
}

/// A full metrics table written beside the dashboard.
#[derive(Serialize)]
struct Download {
    label: &'static str,
    href: String,
}

/// `site/internal/index.html`.
pub fn dashboard(c: &Common, inputs: &PortfolioInputs) -> Value {
    let m = inputs.metrics;
    let p = &m.portfolio;
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
    let at_risk = at_risk_rows(c, inputs);
    let clients = client_rows(c, inputs);
    let forecasts = crate::pages::forecast::dashboard_tables(c, m);
    let downloads = TableKind::ALL
        .iter()
        .map(|t| Download {
            label: c.t(&format!("table_{}", t.name())),
            href: metrics_csv_name(*t),
        })
        .collect();
    page(
        c.base(c.t("dashboard"), "", &c.fmt.month(m.as_of)),
        &DashboardPage {
            kpis: portfolio_kpis(c, inputs),
            charts: portfolio_charts(c, m, &inputs.nps_counts),
            bridge_charts: charts_with_csv(&bridge_charts, &bridge_names),
            movement_meanings: movement_meanings(c),
            fiscal: fiscal_quarters_table(c, m),
            at_risk_table: table_with_csv(&at_risk_table(c, &at_risk), "clients-at-risk"),
            at_risk,
            clients_table: table_with_csv(&clients_table(c, &clients), "clients-table"),
            filters: client_filters(c, &clients),
            clients,
            downloads,
            forecast_tables: forecast_tables(c, &forecasts),
            forecasts,
        },
    )
}

/// The portfolio's tiles, each with its trends against last month and a
/// year ago.
fn portfolio_kpis(c: &Common, inputs: &PortfolioInputs) -> Vec<Kpi> {
    let p = &inputs.metrics.portfolio;
    let f = &c.fmt;
    use Better::{Higher, Lower};
    let tr = |get: fn(&Portfolio) -> KpiValue, better| inputs.trends(c, get, better);
    let quick_ratio_hint = c.fill(
        "two_parts",
        &[
            ("a", c.t("last_12_months").into()),
            ("b", c.t("quick_ratio_hint").into()),
        ],
    );
    vec![
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
        fiscal_year_tile(c, inputs.metrics, inputs.year_before),
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
            .hint(quick_ratio_hint, "")
            .trends(tr(|p| KpiValue::Ratio(p.bridge_t12.quick_ratio), Higher)),
        Kpi::new(c.t("nps_t12"), f.number(p.nps_t12, 0)).trends(tr(|p| KpiValue::Score(p.nps_t12), Higher)),
        Kpi::new(c.t("upsell_rate"), f.percent(p.upsell_rate_t12, 1))
            .trends(tr(|p| KpiValue::Share(p.upsell_rate_t12), Higher)),
        Kpi::new(c.t("cross_sell_rate"), f.percent(p.cross_sell_rate_t12, 1))
            .trends(tr(|p| KpiValue::Share(p.cross_sell_rate_t12), Higher)),
    ]
}

/// The clients at risk, least healthy first (ties by id).
fn at_risk_rows(c: &Common, inputs: &PortfolioInputs) -> Vec<AtRiskRow> {
    let mut at_risk: Vec<&ClientMetrics> = inputs
        .metrics
        .clients
        .iter()
        .filter(|cm| cm.segment == Segment::AtRisk)
        .collect();
    at_risk.sort_by(|a, b| {
        a.health
            .unwrap_or(-1.0)
            .total_cmp(&b.health.unwrap_or(-1.0))
            .then(a.id.cmp(&b.id))
    });
    at_risk
        .iter()
        .map(|cm| AtRiskRow {
            name: cm.name.clone(),
            href: format!("clients/{}/index.html", cm.id),
            health: health_text(c, cm.health),
            signals: cm.signals.iter().map(|s| signal_sentence(c, s)).collect(),
            reason: if cm.nps_latest.is_some_and(|n| (n as f64) <= inputs.at_risk_nps) {
                c.t("reason_nps")
            } else {
                c.t("reason_health")
            },
        })
        .collect()
}

fn at_risk_table(c: &Common, rows: &[AtRiskRow]) -> Table {
    Table {
        head: vec![c.t("client").into(), c.t("health").into(), c.t("signals").into()],
        rows: rows
            .iter()
            .map(|r| {
                let why = if r.signals.is_empty() {
                    r.reason.to_string()
                } else {
                    r.signals.join(" ")
                };
                vec![r.name.clone(), r.health.clone(), why]
            })
            .collect(),
    }
}

fn segment_rank(s: Segment) -> u8 {
    match s {
        Segment::AtRisk => 0,
        Segment::Stable => 1,
        Segment::Loyal => 2,
        Segment::Churned => 3,
    }
}

fn client_rows(c: &Common, inputs: &PortfolioInputs) -> Vec<ClientRow> {
    let m = inputs.metrics;
    let f = &c.fmt;
    m.clients
        .iter()
        .map(|cm| ClientRow {
            id: cm.id.clone(),
            channel: cm.channel.clone().unwrap_or_else(|| c.t("none").into()),
            industry: inputs.industries.get(&cm.id).cloned().unwrap_or_default(),
            touch: cm.touch.map(|t| t.as_str()).unwrap_or(""),
            movement: cm.bridge_t12_kind.map(|k| movement_label(c, k)).unwrap_or("—"),
            movement_amount: t12_change(cm).map(|v| signed(c, v)).unwrap_or_default(),
            movement_sort: t12_change(cm)
                .map(|v| v.round_dp(2).to_string())
                .unwrap_or_else(|| "0".into()),
            name: cm.name.clone(),
            href: format!("clients/{}/index.html", cm.id),
            segment: cm.segment.as_str(),
            segment_label: segment_label(c, cm.segment),
            segment_rank: segment_rank(cm.segment),
            touch_label: cm.touch.map(|t| c.t(&format!("touch_{}", t.as_str()))).unwrap_or("—"),
            touch_rank: cm.touch.map(|t| t as u8).unwrap_or(9),
            health: health_text(c, cm.health),
            health_sort: cm.health.map(|h| format!("{h:.3}")).unwrap_or_else(|| "-1".into()),
            t12: f.money(cm.revenue_t12),
            t12_sort: cm.revenue_t12.round_dp(2).to_string(),
            ltv: f.money(cm.revenue_ltv),
            ltv_sort: cm.revenue_ltv.round_dp(2).to_string(),
            ratio: ratio_text(c, cm.ltv_cac_ratio),
            ratio_sort: cm
                .ltv_cac_ratio
                .map(|r| format!("{r:.4}"))
                .unwrap_or_else(|| "-1".into()),
            briefing_href: cm.alive.then(|| format!("clients/{}/{}.html", cm.id, m.as_of)),
            edition_href: cm.alive.then(|| edition_href(&cm.id, m.as_of, "../")),
        })
        .collect()
}

fn clients_table(c: &Common, clients: &[ClientRow]) -> Table {
    let head = [
        "name",
        "segment",
        "touch",
        "channel",
        "industry",
        "health",
        "revenue_t12",
        "revenue_ltv",
        "ltv_cac",
        "t12_movement_short",
        "amount",
    ];
    Table {
        head: head.iter().map(|k| c.t(k).to_string()).collect(),
        rows: clients
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.segment_label.to_string(),
                    r.touch_label.to_string(),
                    r.channel.clone(),
                    r.industry.clone(),
                    r.health.clone(),
                    r.t12.clone(),
                    r.ltv.clone(),
                    r.ratio.clone(),
                    r.movement.to_string(),
                    r.movement_amount.clone(),
                ]
            })
            .collect(),
    }
}

/// The choices of the clients table's filters: every segment, touch tier,
/// channel and industry that occurs, with its label.
fn client_filters(c: &Common, clients: &[ClientRow]) -> Vec<Filter> {
    let filter = |key: &'static str, value_label: &dyn Fn(&ClientRow) -> (String, String)| {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (value, label) in clients.iter().map(value_label) {
            if !value.is_empty() {
                seen.insert(value, label);
            }
        }
        Filter {
            key,
            label: c.t(key),
            options: seen
                .into_iter()
                .map(|(value, label)| FilterOption { value, label })
                .collect(),
        }
    };
    let same = |v: &str| (v.to_string(), v.to_string());
    vec![
        filter("segment", &|r| (r.segment.into(), r.segment_label.into())),
        filter("touch", &|r| (r.touch.into(), r.touch_label.into())),
        filter("channel", &|r| same(&r.channel)),
        filter("industry", &|r| same(&r.industry)),
    ]
}

/// The dashboard's two forecast tables (see [`crate::pages::forecast`]) as
/// CSV tables, with the columns the template shows.
fn forecast_tables(c: &Common, forecasts: &DashboardForecasts) -> ForecastCsvTables {
    let table = |head: [&str; 4], rows: Vec<Vec<String>>, name: &str| {
        let head = head.iter().map(|k| c.t(k).to_string()).collect();
        (!rows.is_empty()).then(|| table_with_csv(&Table { head, rows }, name))
    };
    ForecastCsvTables {
        top_value: table(
            ["client", "contract", "predicted_value", "outlook"],
            forecasts.top_value.iter().map(ValuedClient::cells).collect(),
            "top-predicted-value",
        ),
        lowest_p_active: table(
            ["client", "p_active", "expected_purchases", "last_revenue"],
            forecasts.lowest_p_active.iter().map(UncertainClient::cells).collect(),
            "lowest-p-active",
        ),
    }
}

/// The file name of a full metrics table written beside the dashboard.
pub fn metrics_csv_name(t: TableKind) -> String {
    format!("metrics-{}.csv", t.name())
}
