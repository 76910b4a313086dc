//! Metrics of SPEC §3: pure functions of a loaded project and an as-of month.
//!
//! [`compute`] turns a [`Project`] and a month `M` into [`Metrics`]: the
//! portfolio numbers, the monthly series, the cohorts and one
//! [`ClientMetrics`] per client. [`to_json`] and [`clients_csv`] write them
//! out as SPEC §4 says. No I/O, no printing, no templates.
//!
//! How the work is organised (cost linear in invoices + clients × months):
//!
//! * `series`: one pass over each client's invoices buckets them by month
//!   into a vector indexed from the client's start month; aliveness is one
//!   more pass over that vector. The portfolio's monthly counts add those
//!   vectors up.
//! * `portfolio`: the portfolio numbers (ARPA, churn, predicted LTV, CAC,
//!   NRR/GRR, NPS, upsell rates) and `by_channel`.
//! * `cohorts`: the cohort table.
//! * `health`: the health score and the signals.
//! * `segments`: segment, touch tier and next step.
//! * `outcomes`: outcome KPIs against baseline and target, with month-on-month
//!   and year-on-year values; `fees`: the invoices of a month and their total;
//!   `display`: the NPS responses by score and the break-even month the pages show.
//! * `json`: the SPEC §4 JSON and the clients CSV.
//!
//! Money stays [`Decimal`] all the way and is never rounded here: rounding to
//! the currency's minor unit happens only in `json`. Rates and ratios are
//! `f64`, computed from the unrounded decimals. Data dated after the last day
//! of `M` is ignored everywhere, so numbers as of a past month never change
//! when later data arrives. The decisions taken where SPEC is silent are
//! written next to the code and collected in `docs/metrics.md`.

mod bridge;
mod cohorts;
mod display;
mod fees;
pub mod fiscal;
mod health;
mod json;
pub mod outcomes;
mod portfolio;
pub mod prediction;
mod segments;
mod series;
mod tables;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use rayon::prelude::*;

use crate::model::{Client, Project};
use crate::money;
use crate::month::Month;

pub use bridge::{Bridge, Movement};
pub use display::{CumulativeRevenue, cumulative_revenue, nps_responses_by_score};
pub use fees::{MonthInvoices, invoices_of_month};
pub use json::to_json;
pub use tables::{RATE_DECIMALS, TableKind, clients_csv, table_csv, table_csv_with};

use series::{ClientSeries, Timeline};

#[cfg(test)]
pub(crate) mod testkit;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod props;

#[cfg(test)]
mod bridge_tests;

/// Every metric of SPEC §3 as of one month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metrics {
    pub as_of: Month,
    pub currency: String,
    pub portfolio: Portfolio,
    /// From the earliest start month to `as_of`.
    pub monthly: Vec<MonthRow>,
    /// One per month in which at least one client started, oldest first.
    pub cohorts: Vec<Cohort>,
    /// Every client that exists as of `as_of` (start month on or before it), sorted by id.
    pub clients: Vec<ClientMetrics>,
    /// Predictive lifetime value (SPEC 3.9): the fitted models and notes.
    pub prediction: prediction::Prediction,
}

/// The portfolio block of SPEC §4 (field names and order as there).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Portfolio {
    pub clients_total: usize,
    pub clients_alive: usize,
    pub clients_new: usize,
    pub clients_churned: usize,
    pub revenue_month: Decimal,
    pub revenue_t12: Decimal,
    pub arpa_month: Option<Decimal>,
    pub arpa_t12: Option<Decimal>,
    pub churn_month: Option<f64>,
    pub churn_t12: Option<f64>,
    /// The project's gross margin (the portfolio never uses a client's own).
    pub gross_margin: f64,
    pub predicted_ltv: Option<Decimal>,
    pub avg_cac: Option<Decimal>,
    pub ltv_cac_ratio: Option<f64>,
    pub cac_payback_months: Option<f64>,
    pub nrr_t12: Option<f64>,
    pub grr_t12: Option<f64>,
    pub nps_t12: Option<f64>,
    pub upsell_rate_t12: Option<f64>,
    pub cross_sell_rate_t12: Option<f64>,
    /// Sorted by channel name; clients without a channel are `"none"`.
    pub by_channel: Vec<ChannelMetrics>,

    // ---- version 2 (SPEC §3.8) ----
    /// `W1 = T12(M)` against `W0 = M-23 ..= M-12`.
    pub bridge_t12: Bridge,
    /// `W1 = {M}` against `W0 = {M-1}`.
    pub bridge_month: Bridge,
    /// "FY2026": the fiscal year containing `M`, named by the calendar
    /// year of its first month.
    pub fiscal_year: String,
    /// Revenue from the fiscal year's first month through `M`.
    pub revenue_fytd: Decimal,
    /// Revenue of the same months one year earlier.
    pub revenue_fytd_prev: Decimal,
    /// The first month of the fiscal year containing `M` (for the pages;
    /// not in JSON).
    pub fiscal_year_first: Month,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelMetrics {
    pub channel: String,
    pub clients: usize,
    /// Mean `cac` of the channel's clients.
    pub avg_cac: Decimal,
    pub revenue_ltv_mean: Decimal,
    /// Σ g × revenue_ltv / Σ cac (null when Σ cac is 0).
    pub ltv_cac_ratio: Option<f64>,
}

/// One month of the portfolio series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthRow {
    pub month: Month,
    pub revenue: Decimal,
    pub alive: usize,
    pub new: usize,
    pub churned: usize,
    pub reactivated: usize,
    /// churned / alive in the month before (null when nobody was alive then).
    pub churn_rate: Option<f64>,
    /// revenue / alive (null when nobody is alive).
    pub arpa: Option<Decimal>,
    /// The bridge of this month against the month before (SPEC §3.8).
    pub bridge: Bridge,
}

/// The clients whose start month is `cohort`, followed month by month.
/// Every list has one entry per offset `k = 0 ..= as_of - cohort`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cohort {
    pub cohort: Month,
    pub size: usize,
    pub active: Vec<usize>,
    pub revenue: Vec<Decimal>,
    pub retention: Vec<f64>,
    pub revenue_retention: Vec<Option<f64>>,
    pub cumulative_ltv: Vec<Decimal>,
}

/// One client as of `M`. The fields up to `signals` are the SPEC §4 client
/// record (written to JSON and CSV); the fields after it are for the reports
/// and are not written to JSON or CSV.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientMetrics {
    pub id: String,
    pub name: String,
    /// The client's channel as written; `None` for a channel-less client
    /// (grouped as `"none"` in `by_channel`).
    pub channel: Option<String>,
    pub start_month: Month,
    pub last_revenue_month: Option<Month>,
    pub alive: bool,
    pub tenure_months: u32,
    pub revenue_ltv: Decimal,
    pub profit_ltv: Decimal,
    pub cac: Decimal,
    pub ltv_cac_ratio: Option<f64>,
    pub avg_invoice: Option<Decimal>,
    pub invoices_per_month: f64,
    pub revenue_month: Decimal,
    pub revenue_t3: Decimal,
    pub revenue_p3: Decimal,
    pub revenue_t12: Decimal,
    pub nps_latest: Option<u8>,
    pub health: Option<f64>,
    pub segment: Segment,
    pub touch: Option<Touch>,
    /// In SPEC order; JSON and CSV write their codes.
    pub signals: Vec<Signal>,
    /// The client's movement in `bridge_t12` (SPEC §3.8); `None` when its
    /// revenue did not change.
    pub bridge_t12_kind: Option<Movement>,
    /// Its amount: `n − p` for the gains, `p − n` for contraction, paused
    /// and churned, signed for an adjustment; `None` without a movement.
    pub bridge_t12_amount: Option<Decimal>,

    // ---- for the reports only (not in JSON/CSV) ----
    /// Every configured health component in config order: `score` is `None`
    /// for a component without data, and `weight` is the renormalised weight
    /// actually used (0 for a component left out).
    pub health_components: Vec<HealthPart>,
    /// The segment's suggested action, as a code the renderer translates:
    /// `loyal`, `stable`, `at_risk` or `churned`.
    pub next_step: &'static str,
    /// `R(c, m)` for every month from the start month to `M`.
    pub revenue_by_month: Vec<(Month, Decimal)>,
    /// The NPS response before the latest one (on or before `M`).
    pub nps_previous: Option<u8>,
    /// The client's gross margin (its own, else the project's) used for its LTV.
    pub gross_margin: Decimal,
    /// SPEC 3.9's per-client fields (`contract`, `expected_remaining_months`,
    /// ...), written to JSON and CSV after `signals`.
    pub prediction: prediction::ClientPrediction,
}

/// One component of a client's health score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HealthPart {
    /// `nps`, `revenue_trend` or an activity metric name.
    pub metric: String,
    /// The component score 0–100; `None` when the client has no data for it.
    pub score: Option<f64>,
    /// The renormalised weight (the used weights sum to 1; 0 when unused).
    pub weight: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    Loyal,
    Stable,
    AtRisk,
    Churned,
}

impl Segment {
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Loyal => "loyal",
            Segment::Stable => "stable",
            Segment::AtRisk => "at_risk",
            Segment::Churned => "churned",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Touch {
    High,
    Low,
    Tech,
}

impl Touch {
    pub fn as_str(self) -> &'static str {
        match self {
            Touch::High => "high",
            Touch::Low => "low",
            Touch::Tech => "tech",
        }
    }
}

/// A warning sign on an alive client (SPEC §3.7): what fired, with the
/// numbers (the pages put it in words: `pages::sentences::signal_sentence`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Signal {
    #[serde(flatten)]
    pub kind: SignalKind,
}

impl Signal {
    /// `revenue_drop`, `no_revenue`, `nps_drop`, `activity_drop` or `tickets_up`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// What fired, with the numbers behind it (for a translated sentence).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SignalKind {
    /// `revenue(P3) > 0` and `revenue(T3) / revenue(P3)` below the threshold.
    RevenueDrop { t3: Decimal, p3: Decimal, ratio: f64 },
    /// No revenue in `previous` (M-1) nor in `month` (M).
    NoRevenue { previous: Month, month: Month },
    /// The latest NPS score is 2 or more below the previous one.
    NpsDrop { previous: u8, latest: u8 },
    /// Higher-is-better health metrics whose T3 mean fell below the threshold × P3 mean.
    ActivityDrop { changes: Vec<MetricChange> },
    /// Lower-is-better health metrics whose T3 mean rose above the threshold × P3 mean.
    TicketsUp { changes: Vec<MetricChange> },
}

impl SignalKind {
    pub fn code(&self) -> &'static str {
        match self {
            SignalKind::RevenueDrop { .. } => "revenue_drop",
            SignalKind::NoRevenue { .. } => "no_revenue",
            SignalKind::NpsDrop { .. } => "nps_drop",
            SignalKind::ActivityDrop { .. } => "activity_drop",
            SignalKind::TicketsUp { .. } => "tickets_up",
        }
    }
}

/// An activity metric's monthly mean over `P3(M)` and over `T3(M)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricChange {
    pub metric: String,
    pub p3_mean: f64,
    pub t3_mean: f64,
}

impl ClientMetrics {
    /// `R(c, m)`, or `None` for a month outside start month ..= M.
    pub fn revenue_in(&self, m: Month) -> Option<Decimal> {
        let i = usize::try_from(m.since(self.start_month)).ok()?;
        self.revenue_by_month.get(i).map(|(_, v)| *v)
    }
}

impl Metrics {
    /// The metrics of the client with this id, if it exists as of `as_of`
    /// (clients are sorted by id).
    pub fn client(&self, id: &str) -> Option<&ClientMetrics> {
        self.clients
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.clients[i])
    }
}

/// The default as-of month: the latest month with an invoice (SPEC §2)
/// dated on or before `today`, the build date, so that one mistyped
/// far-future date (9999-12-31) does not move every report into the
/// future; `None` when no invoice is dated on or before `today`.
pub fn default_as_of(project: &Project, today: jiff::civil::Date) -> Option<Month> {
    project.latest_invoice_month_until(today)
}

/// `R(c, m)` for every month `from ..= to` (credit notes included); only
/// invoices dated on or before the last day of `to` count.
pub fn client_revenue_series(_project: &Project, client: &Client, from: Month, to: Month) -> Vec<(Month, Decimal)> {
    if from > to {
        return Vec::new();
    }
    let mut out: Vec<(Month, Decimal)> = Month::range(from, to).map(|m| (m, Decimal::ZERO)).collect();
    for inv in &client.invoices {
        let m = Month::of(inv.date);
        if m >= from && m <= to {
            let month = &mut out[m.since(from) as usize].1;
            *month = money::add(*month, inv.amount);
        }
    }
    out
}

/// A client's health score as of each of the `months` months ending with
/// `as_of`, oldest first: each computed from the data known then (SPEC §3.6);
/// `None` for a month before the client started, or without any health
/// component with data.
pub fn health_history(project: &Project, client: &Client, as_of: Month, months: u32) -> Vec<(Month, Option<f64>)> {
    let first = as_of.plus(1 - months.max(1) as i32);
    Month::range(first, as_of)
        .map(|m| {
            let health = ClientSeries::new(client, m, project.config.churn_after_months)
                .and_then(|s| health::assess(&project.config, &s).health);
            (m, health)
        })
        .collect()
}

/// Every metric of SPEC §3 as of `as_of`.
pub fn compute(project: &Project, as_of: Month) -> Metrics {
    let config = &project.config;
    let mut clients: Vec<&Client> = project.clients.iter().collect();
    clients.sort_by(|a, b| a.id.cmp(&b.id));
    // Per client work runs in parallel; `collect` keeps the order, so the
    // result is the same on any number of threads.
    let series: Vec<ClientSeries<'_>> = clients
        .into_par_iter()
        .filter_map(|c| ClientSeries::new(c, as_of, config.churn_after_months))
        .collect();
    let timeline = Timeline::new(&series, as_of);

    let mut client_metrics: Vec<ClientMetrics> = series.par_iter().map(|s| client_metrics(project, s)).collect();
    segments::assign_touch(&mut client_metrics, &config.touch);
    let margins: Vec<Decimal> = client_metrics.iter().map(|c| c.gross_margin).collect();
    let (prediction, per_client) =
        prediction::predict(&series, &margins, config.ltv_horizon_months, config.discount_rate);
    for (c, p) in client_metrics.iter_mut().zip(per_client) {
        c.prediction = p;
    }

    let mut monthly = timeline.month_rows();
    for (row, b) in monthly
        .iter_mut()
        .zip(bridge::monthly_bridges(&series, timeline.first, as_of))
    {
        row.bridge = b;
    }
    Metrics {
        as_of,
        currency: config.currency.clone(),
        portfolio: portfolio::portfolio(project, &series, &timeline, &client_metrics),
        monthly,
        cohorts: cohorts::cohorts(&series),
        clients: client_metrics,
        prediction,
    }
}

/// One client's record, all but the touch tier (which needs every client).
fn client_metrics(project: &Project, s: &ClientSeries<'_>) -> ClientMetrics {
    let config = &project.config;
    let c = s.client;
    let m = s.as_of;
    let g = project.margin_of(c);
    let cac = project.cac_of(c);
    let revenue_ltv = s.sum(s.start, m);
    let value = g * revenue_ltv;
    let last_alive = s.last_alive_month();
    // The start month is always alive (a new client is alive for its first N
    // months, and `ended` is never before it), so the tenure is at least 1.
    let tenure_months = last_alive.map_or(0, |l| l.since(s.start) as u32 + 1);
    let alive = s.alive_at(m);
    let a = health::assess(config, s);
    let movement = bridge::classify(bridge::Windows::t12(m).facts(s));
    let segment = segments::segment(&config.segments, alive, a.health, a.nps_latest, !a.signals.is_empty());
    ClientMetrics {
        id: c.id.clone(),
        name: c.name.clone(),
        channel: c.channel.clone(),
        start_month: s.start,
        last_revenue_month: s.last_revenue_month(),
        alive,
        tenure_months,
        revenue_ltv,
        profit_ltv: value - cac,
        cac,
        ltv_cac_ratio: ratio(value, cac),
        avg_invoice: mean(revenue_ltv, s.positive_invoices),
        invoices_per_month: if tenure_months == 0 {
            0.0
        } else {
            s.positive_invoices as f64 / f64::from(tenure_months)
        },
        revenue_month: s.r(m),
        revenue_t3: s.sum(m.plus(-2), m),
        revenue_p3: s.sum(m.plus(-5), m.plus(-3)),
        revenue_t12: s.sum(m.plus(-11), m),
        nps_latest: a.nps_latest,
        health: a.health,
        segment,
        touch: None,
        signals: a.signals,
        bridge_t12_kind: movement.map(|(kind, _)| kind),
        bridge_t12_amount: movement.map(|(_, amount)| amount),
        health_components: a.parts,
        next_step: segment.as_str(),
        revenue_by_month: s.by_month(),
        nps_previous: a.nps_previous,
        gross_margin: g,
        prediction: prediction::ClientPrediction::default(),
    }
}

/// `num / den` as a rate, `None` when `den` is 0.
pub(crate) fn ratio(num: Decimal, den: Decimal) -> Option<f64> {
    if den.is_zero() {
        return None;
    }
    match num.checked_div(den) {
        Some(q) => q.to_f64(),
        None => Some(num.to_f64()? / den.to_f64()?),
    }
}

/// `count / of` as a rate, `None` when `of` is 0.
pub(crate) fn count_ratio(count: usize, of: usize) -> Option<f64> {
    (of > 0).then(|| count as f64 / of as f64)
}

/// `sum / n` as money, `None` when `n` is 0.
pub(crate) fn mean(sum: Decimal, n: usize) -> Option<Decimal> {
    (n > 0).then(|| sum / Decimal::from(n))
}
