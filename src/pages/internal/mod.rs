//! The private site: portfolio dashboard, cohorts, client overviews and
//! monthly review briefings. Each page has a typed context (a struct
//! deriving `Serialize`, as Zola's `SerializingPage`) merged into the
//! [`Common::base`] fields every template reads.
//!
//! * [`dashboard`] writes `internal/index.html` (its charts in
//!   `portfolio_charts`, the fiscal-year tile and table in `fiscal`);
//! * [`cohorts`] writes `internal/cohorts/index.html`;
//! * [`client_overview`] writes `internal/clients/<id>/index.html`;
//! * [`report`] writes the briefing `internal/clients/<id>/<YYYY-MM>.html`;
//! * `client_charts` draws the charts the last two have in common.

mod briefing;
mod client_charts;
mod cohorts;
mod dashboard;
mod fiscal;
mod overview;
mod portfolio_charts;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Chart, Common, Table};
use crate::charts;
use crate::format::to_f64;
use crate::metrics::{ClientMetrics, Segment};
use crate::model::Client;
use crate::month::Month;

pub use briefing::report;
pub use client_charts::{ClientCharts, HealthHistory, client_charts, outcome_charts};
pub use cohorts::cohorts;
pub use dashboard::{PortfolioInputs, dashboard, metrics_csv_name};
pub use overview::client_overview;

/// Months shown in the revenue bar charts.
const REVENUE_WINDOW: i32 = 24;

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

fn money_axis(c: &Common) -> String {
    format!("{} ({})", c.t("revenue"), c.fmt.currency)
}

/// Monthly revenue bars for `months` (with the numbers as a table).
fn revenue_chart(c: &Common, title: String, desc: String, series: &[(Month, Decimal)]) -> Chart {
    let labels: Vec<String> = series.iter().map(|(m, _)| c.fmt.month_short(*m)).collect();
    let values: Vec<f64> = series.iter().map(|(_, v)| to_f64(*v)).collect();
    let svg = charts::revenue_bars(
        &c.text(title, desc, c.t("month"), &money_axis(c)),
        &c.locale(),
        &labels,
        &values,
        [c.t("revenue"), c.t("moving_average_3")],
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

/// The last `n` rows (all of them when there are fewer).
fn last_months<T>(rows: &[T], n: i32) -> &[T] {
    &rows[rows.len().saturating_sub(n as usize)..]
}

fn next_step(c: &Common, cm: &ClientMetrics) -> &'static str {
    c.t(&format!("step_{}", cm.next_step))
}

/// The client edition of `id`'s review of `month`, from a page `root` below
/// the output folder.
pub fn edition_href(id: &str, month: Month, root: &str) -> String {
    format!("{root}{}", crate::publish::edition_path(id, month))
}

/// Who the client is, at the top of its overview and briefing.
#[derive(Serialize)]
struct ClientHead<'a> {
    id: &'a str,
    name: &'a str,
    industry: String,
    channel: String,
    since: String,
    segment: &'static str,
    segment_label: &'static str,
    health: String,
}

fn client_head<'a>(c: &Common, client: &'a Client, cm: &ClientMetrics) -> ClientHead<'a> {
    ClientHead {
        id: &client.id,
        name: &client.name,
        industry: client.industry.clone().unwrap_or_default(),
        channel: client.channel.clone().unwrap_or_else(|| c.t("none").into()),
        since: c.fmt.month(cm.start_month),
        segment: cm.segment.as_str(),
        segment_label: segment_label(c, cm.segment),
        health: health_text(c, cm.health),
    }
}
