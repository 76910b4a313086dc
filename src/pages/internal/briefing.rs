//! `site/internal/clients/<id>/<YYYY-MM>.html`: the briefing for a monthly
//! review, computed as of its own month.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::{
    ClientCharts, ClientHead, REVENUE_WINDOW, client_charts, client_head, edition_href, health_text, last_months,
    next_step, revenue_chart,
};
use crate::metrics::ClientMetrics;
use crate::metrics::outcomes::{KpiProgress, summarise};
use crate::model::Client;
use crate::month::Month;
use crate::pages::sentences::{outcome_sentence, signal_sentence};
use crate::pages::trends::revenue_change;
use crate::pages::{Chart, Common, Kpi, months_text, page, with_unit_dp};

#[derive(Serialize)]
struct BriefingPage<'a> {
    client: ClientHead<'a>,
    month_label: String,
    kpis: Vec<Kpi>,
    charts: Vec<&'a Chart>,
    outcomes: Vec<OutcomeRow>,
    invoices: Vec<InvoiceRow<'a>>,
    invoices_total: String,
    drivers: Vec<Driver>,
    drivers_then_label: String,
    drivers_note: String,
    signals: Vec<String>,
    notes_html: String,
    notes_title: String,
    notes_internal: Vec<String>,
    next_step: &'static str,
    talking_points: Vec<TalkingPoint>,
    edition_href: String,
}

/// An invoice of the month, as the review goes through it.
#[derive(Serialize)]
struct InvoiceRow<'a> {
    date: String,
    service: &'a str,
    kind: &'static str,
    description: &'a str,
    amount: String,
    credit: bool,
}

/// A KPI's row in the outcomes table.
#[derive(Serialize)]
struct OutcomeRow {
    kpi: String,
    baseline: String,
    current: String,
    change: String,
    target: String,
    status: &'static str,
    on_track: bool,
}

/// An LTV driver now and six months earlier.
#[derive(Serialize)]
struct Driver {
    label: &'static str,
    before: String,
    now: String,
}

#[derive(Serialize)]
struct TalkingPoint {
    label: &'static str,
    text: String,
}

/// The invoices dated in `month`, in date order, and their total: what the
/// client was billed, as the review goes through it.
fn invoice_rows<'a>(c: &Common, client: &'a Client, month: Month) -> (Vec<InvoiceRow<'a>>, String) {
    let f = &c.fmt;
    let of_month = crate::metrics::invoices_of_month(client, month);
    let rows = of_month
        .invoices
        .iter()
        .map(|i| InvoiceRow {
            date: f.date(i.date),
            service: &i.service,
            kind: c.t(&format!("kind_{}", i.kind.as_str())),
            description: &i.description,
            amount: f.money(i.amount),
            credit: i.amount < Decimal::ZERO,
        })
        .collect();
    (rows, f.money(of_month.total))
}

/// Outcome rows for a table: KPI, baseline, current, change, target, status.
fn outcome_rows(c: &Common, client: &Client, as_of: Month) -> Vec<OutcomeRow> {
    summarise(client, as_of)
        .into_iter()
        .map(|o| {
            let unit = |v: f64| with_unit_dp(c, v, &o.unit, o.decimals);
            let (status, on_track) = match o.progress {
                KpiProgress::Reached => (c.t("reached"), true),
                KpiProgress::Improving => (c.t("improving"), true),
                KpiProgress::Behind => (c.t("behind"), false),
            };
            OutcomeRow {
                kpi: o.kpi.clone(),
                baseline: unit(o.baseline),
                current: unit(o.current),
                change: o
                    .change
                    .map(|ch| format!("{}{}", if ch > 0.0 { "+" } else { "" }, c.fmt.percent(Some(ch), 1)))
                    .unwrap_or_else(|| "—".into()),
                target: o.target.map(unit).unwrap_or_else(|| "—".into()),
                status,
                on_track,
            }
        })
        .collect()
}

/// The KPI tiles: this month against last month and a year ago.
fn briefing_kpis(c: &Common, cm: &ClientMetrics, as_of: Month) -> Vec<Kpi> {
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
    vec![
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
    ]
}

/// The LTV drivers now and six months earlier ("—" before the client
/// existed, and a note saying so).
fn drivers(
    c: &Common,
    client: &Client,
    cm: &ClientMetrics,
    as_of: Month,
    six_months_ago: Option<&ClientMetrics>,
) -> (Vec<Driver>, String) {
    let f = &c.fmt;
    let note = match six_months_ago {
        Some(_) => String::new(),
        None => c.fill(
            "drivers_nothing_before",
            &[
                ("client", client.name.clone()),
                ("start", f.month(cm.start_month)),
                ("then", f.month(as_of.plus(-6))),
            ],
        ),
    };
    let driver = |label: &str, value: &dyn Fn(&ClientMetrics) -> String| Driver {
        label: c.t(label),
        before: six_months_ago.map(value).unwrap_or_else(|| "—".into()),
        now: value(cm),
    };
    let drivers = vec![
        driver("avg_invoice", &|x| f.money_opt(x.avg_invoice)),
        driver("invoices_per_month", &|x| f.number(Some(x.invoices_per_month), 2)),
        driver("tenure", &|x| months_text(c, x.tenure_months as f64, 0)),
    ];
    (drivers, note)
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
    let window = last_months(&cm.revenue_by_month, REVENUE_WINDOW);
    let revenue = revenue_chart(c, c.t("client_revenue_24").into(), c.t("revenue_desc").into(), window);
    let own;
    let shared = match shared {
        Some(s) => s,
        None => {
            own = client_charts(c, client, cm, as_of);
            &own
        }
    };
    let (drivers, drivers_note) = drivers(c, client, cm, as_of, six_months_ago);
    let note = client.notes.iter().find(|n| n.month == as_of);
    let month_label = f.month(as_of);
    let (invoices, invoices_total) = invoice_rows(c, client, as_of);
    page(
        c.base(&client.name, "", &month_label),
        &BriefingPage {
            client: client_head(c, client, cm),
            month_label,
            kpis: briefing_kpis(c, cm, as_of),
            charts: shared.with_revenue(&revenue),
            outcomes: outcome_rows(c, client, as_of),
            invoices,
            invoices_total,
            drivers,
            drivers_then_label: f.month(as_of.plus(-6)),
            drivers_note,
            signals: cm.signals.iter().map(|s| signal_sentence(c, s)).collect(),
            notes_html: note
                .map(|n| crate::markdown::to_safe_html(&n.markdown))
                .unwrap_or_default(),
            notes_title: note.and_then(|n| n.title.clone()).unwrap_or_default(),
            notes_internal: note
                .map(|n| {
                    crate::markdown::internal_sections(&n.markdown)
                        .into_iter()
                        .map(|s| s.heading)
                        .collect()
                })
                .unwrap_or_default(),
            next_step: next_step(c, cm),
            talking_points: talking_points(c, client, cm, as_of),
            edition_href: edition_href(&client.id, as_of, "../../../"),
        },
    )
}

/// What to say in the review, for the briefing: the results (one sentence
/// per KPI), what to watch (the signals) and how to approach the client
/// (the suggested next step).
fn talking_points(c: &Common, client: &Client, cm: &ClientMetrics, as_of: Month) -> Vec<TalkingPoint> {
    let point = |label: &str, text: String| TalkingPoint {
        label: c.t(label),
        text,
    };
    summarise(client, as_of)
        .iter()
        .map(|o| point("tp_results", outcome_sentence(c, o)))
        .chain(cm.signals.iter().map(|s| point("tp_watch", signal_sentence(c, s))))
        .chain(std::iter::once(point("tp_step", next_step(c, cm).to_string())))
        .collect()
}
