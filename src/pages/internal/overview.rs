//! `site/internal/clients/<id>/index.html`: a client's all-time view and
//! the links to its monthly reviews.

use serde::Serialize;
use serde_json::Value;

use super::client_charts::health_history_chart;
use super::{
    ClientCharts, ClientHead, HealthHistory, client_head, edition_href, health_text, next_step, ratio_text,
    revenue_chart,
};
use crate::metrics::{ClientMetrics, Metrics};
use crate::model::Client;
use crate::month::Month;
use crate::pages::bridge::client_movement_sentence;
use crate::pages::downloads::{charts_with_csv, table_with_csv};
use crate::pages::{Common, Kpi, Table, months_text, page};

#[derive(Serialize)]
struct OverviewPage<'a> {
    client: ClientHead<'a>,
    kpis: Vec<Kpi>,
    movement: Movement,
    charts: Vec<Value>,
    reports: Vec<ReportLink>,
    reports_table: Value,
    next_step: &'static str,
    forecast: Value,
}

/// The client's 12-month revenue movement, in a word and a sentence.
#[derive(Serialize)]
struct Movement {
    label: &'static str,
    kind: Option<&'static str>,
    sentence: String,
}

/// One monthly review, both editions.
#[derive(Serialize)]
struct ReportLink {
    label: String,
    href: String,
    edition_href: String,
    revenue: String,
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

/// The overview's charts in page order, with their CSV file names.
fn overview_charts(c: &Common, cm: &ClientMetrics, shared: &ClientCharts, health: &HealthHistory) -> Vec<Value> {
    let revenue = revenue_chart(
        c,
        c.t("client_revenue_all").into(),
        c.t("revenue_desc").into(),
        &cm.revenue_by_month,
    );
    let history = health_history_chart(c, health);
    let mut charts = shared.with_revenue(&revenue);
    // The health history right after the health components.
    charts.insert(3, &history);
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
    charts_with_csv(&charts, &names)
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
    let revenue_in = |month: Month| c.fmt.money(cm.revenue_in(month).unwrap_or_default());
    let reports_table = Table {
        head: vec![c.t("month").into(), c.t("revenue").into()],
        rows: reports
            .iter()
            .rev()
            .map(|month| vec![c.fmt.month(*month), revenue_in(*month)])
            .collect(),
    };
    let links = reports
        .iter()
        .rev()
        .map(|month| ReportLink {
            label: c.fmt.month(*month),
            href: format!("{month}.html"),
            edition_href: edition_href(&client.id, *month, "../../../"),
            revenue: revenue_in(*month),
        })
        .collect();
    page(
        c.base(&client.name, "../../", &c.fmt.month(m.as_of)),
        &OverviewPage {
            client: client_head(c, client, cm),
            kpis: client_kpis(c, cm),
            movement: Movement {
                label: c.t("t12_movement_short"),
                kind: cm.bridge_t12_kind.map(|k| k.as_str()),
                sentence: client_movement_sentence(c, cm),
            },
            charts: overview_charts(c, cm, shared, health),
            reports: links,
            reports_table: table_with_csv(&reports_table, "reports"),
            next_step: next_step(c, cm),
            forecast: crate::pages::forecast::client_forecast(c, cm, &m.prediction),
        },
    )
}
