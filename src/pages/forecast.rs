//! What the predictive models (SPEC 3.9) say, where a consultant decides:
//! the forecast box of a client's overview and briefing, the dashboard's
//! tables of the most valuable and the least certain clients, and the
//! cohorts page's fitted retention curve. Internal pages only.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::{Chart, Common, Table};
use crate::charts;
use crate::metrics::prediction::Prediction;
use crate::metrics::{ClientMetrics, Metrics};
use crate::model::Contract;

/// Rows of each dashboard table.
const TOP: usize = 5;

fn contract_label(c: &Common, contract: Option<Contract>) -> &'static str {
    match contract {
        Some(Contract::Retainer) => c.t("contract_retainer"),
        Some(Contract::Project) => c.t("contract_project"),
        None => "—",
    }
}

/// A client's predicted value: sBG's for a retainer, BG/NBD + Gamma-Gamma's
/// for a project client.
fn value_of(cm: &ClientMetrics) -> Option<Decimal> {
    cm.prediction.predicted_value.or(cm.prediction.expected_value)
}

/// A client's forecast box.
#[derive(Serialize)]
struct ForecastBox {
    contract: &'static str,
    headline: String,
    details: Vec<String>,
    model: String,
    /// Why there is no forecast (then the other lines are empty).
    note: &'static str,
}

impl ForecastBox {
    fn none(contract: &'static str, note: &'static str) -> ForecastBox {
        ForecastBox {
            contract,
            headline: String::new(),
            details: Vec::new(),
            model: String::new(),
            note,
        }
    }
}

/// The dashboard's two tables (see [`dashboard_tables`]).
#[derive(Serialize)]
pub struct DashboardForecasts {
    pub top_value: Vec<ValuedClient>,
    pub lowest_p_active: Vec<UncertainClient>,
}

/// A row of the most valuable clients.
#[derive(Serialize)]
pub struct ValuedClient {
    pub name: String,
    pub href: String,
    pub contract: &'static str,
    pub value: String,
    pub outlook: String,
}

impl ValuedClient {
    /// The columns the page shows: client, contract, value, outlook.
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.contract.into(),
            self.value.clone(),
            self.outlook.clone(),
        ]
    }
}

/// A row of the project clients least likely to be active.
#[derive(Serialize)]
pub struct UncertainClient {
    pub name: String,
    pub href: String,
    pub p_active: String,
    pub purchases: String,
    pub last_revenue: String,
}

impl UncertainClient {
    /// The columns the page shows: client, P(active), purchases, last revenue.
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.p_active.clone(),
            self.purchases.clone(),
            self.last_revenue.clone(),
        ]
    }
}

/// The forecast box: a headline ("Expected to stay about 31 more months";
/// "P(active) 0.82"), details, and which model said it. Null for a client
/// that is no longer active and has no forecast.
pub fn client_forecast(c: &Common, cm: &ClientMetrics, p: &Prediction) -> Value {
    match forecast_box(c, cm, p) {
        Some(b) => serde_json::to_value(b).expect("a forecast box serialises"),
        None => Value::Null,
    }
}

fn forecast_box(c: &Common, cm: &ClientMetrics, p: &Prediction) -> Option<ForecastBox> {
    let f = &c.fmt;
    let cp = &cm.prediction;
    let horizon = p.horizon.to_string();
    let contract = contract_label(c, cp.contract);
    match cp.contract {
        Some(Contract::Retainer) => {
            let Some(months) = cp.expected_remaining_months else {
                let note = if cm.alive {
                    c.t("forecast_none_retainer")
                } else {
                    c.t("forecast_churned")
                };
                return Some(ForecastBox::none(contract, note));
            };
            let mut details = Vec::new();
            if let Some(v) = cp.predicted_value {
                details.push(c.fill("forecast_value", &[("v", f.money(v)), ("h", horizon.clone())]));
            }
            let model = match p.sbg.as_ref().and_then(|s| s.monthly_churn) {
                Some(churn) => c.fill("forecast_model_geometric", &[("p", f.percent(Some(churn), 1))]),
                None => c.t("forecast_model_sbg").to_string(),
            };
            Some(ForecastBox {
                contract,
                headline: c.fill("forecast_stay", &[("n", f.number(Some(months), 0))]),
                details,
                model,
                note: "",
            })
        }
        Some(Contract::Project) => {
            let Some(p_alive) = cp.p_alive else {
                let note = if cm.last_revenue_month.is_some() {
                    c.t("forecast_none_project")
                } else {
                    c.t("forecast_no_purchase")
                };
                return Some(ForecastBox::none(contract, note));
            };
            let mut details = Vec::new();
            if let Some(n) = cp.expected_purchases {
                details.push(c.fill(
                    "forecast_purchases",
                    &[("n", f.number(Some(n), 1)), ("h", horizon.clone())],
                ));
            }
            if let Some(v) = cp.expected_value {
                details.push(c.fill("forecast_expected_value", &[("v", f.money(v))]));
            }
            Some(ForecastBox {
                contract,
                headline: c.fill("forecast_p_active", &[("p", f.number(Some(p_alive), 2))]),
                details,
                model: c.t("forecast_model_bgnbd").to_string(),
                note: "",
            })
        }
        None => None,
    }
}

/// The dashboard's two tables: the clients with the highest predicted value
/// (alive ones; ties by id) and the project clients with the lowest
/// P(active).
pub fn dashboard_tables(c: &Common, m: &Metrics) -> DashboardForecasts {
    let f = &c.fmt;
    let href = |cm: &ClientMetrics| format!("clients/{}/index.html", cm.id);
    let mut valued: Vec<(&ClientMetrics, Decimal)> = m
        .clients
        .iter()
        .filter(|cm| cm.alive)
        .filter_map(|cm| value_of(cm).map(|v| (cm, v)))
        .collect();
    valued.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    let top_value = valued
        .iter()
        .take(TOP)
        .map(|(cm, v)| {
            let outlook = match (cm.prediction.expected_remaining_months, cm.prediction.p_alive) {
                (Some(months), _) => format!("{} {}", f.number(Some(months), 0), c.t("months")),
                (None, Some(p)) => format!("{} {}", c.t("p_active"), f.number(Some(p), 2)),
                _ => "—".to_string(),
            };
            ValuedClient {
                name: cm.name.clone(),
                href: href(cm),
                contract: contract_label(c, cm.prediction.contract),
                value: f.money(*v),
                outlook,
            }
        })
        .collect();
    let mut uncertain: Vec<(&ClientMetrics, f64)> = m
        .clients
        .iter()
        .filter_map(|cm| cm.prediction.p_alive.map(|p| (cm, p)))
        .collect();
    uncertain.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.id.cmp(&b.0.id)));
    let lowest_p_active = uncertain
        .iter()
        .take(TOP)
        .map(|(cm, p)| UncertainClient {
            name: cm.name.clone(),
            href: href(cm),
            p_active: f.number(Some(*p), 2),
            purchases: f.number(cm.prediction.expected_purchases, 1),
            last_revenue: cm
                .last_revenue_month
                .map(|mo| f.month(mo))
                .unwrap_or_else(|| "—".into()),
        })
        .collect();
    DashboardForecasts {
        top_value,
        lowest_p_active,
    }
}

/// The retainers' survival, observed (Kaplan–Meier over the cohorts) and
/// fitted (sBG, or its geometric limit), over the months observed. None
/// without retainer clients.
pub fn survival_chart(c: &Common, m: &Metrics) -> Option<Chart> {
    let p = &m.prediction;
    if p.observed_survival.is_empty() {
        return None;
    }
    let n = p.observed_survival.len();
    let fitted: Vec<f64> = p
        .sbg
        .as_ref()
        .map(|s| s.survival.iter().take(n).copied().collect())
        .unwrap_or_default();
    let observed: Vec<Option<f64>> = p.observed_survival.iter().map(|v| Some(*v)).collect();
    let x: Vec<String> = (0..n).map(|k| format!("+{k}")).collect();
    let svg = charts::survival_fit(
        &c.text(
            c.t("survival_fit_title").into(),
            c.t("survival_fit_desc").into(),
            c.t("months_since_start"),
            c.t("still_active"),
        ),
        &x,
        &observed,
        &fitted,
        c.t("observed"),
        c.t("model_sbg"),
    );
    let table = Table {
        head: vec![
            c.t("months_since_start").into(),
            c.t("observed").into(),
            c.t("model_sbg").into(),
        ],
        rows: (0..n)
            .map(|k| {
                vec![
                    x[k].clone(),
                    c.fmt.percent(observed[k], 1),
                    c.fmt.percent(fitted.get(k).copied(), 1),
                ]
            })
            .collect(),
    };
    Some(Chart {
        svg,
        table: Some(table),
    })
}
