//! `site/client/<id>/<YYYY-MM>.html`: the client edition of the monthly
//! review, laid out from a [`ClientEdition`] and nothing else (see
//! [`crate::publish::ClientEdition`] for what it may hold).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::sentences::outcome_sentence;
use super::{Common, outcome_chart, with_unit_dp};
use crate::config::Lang;
use crate::metrics::outcomes::OutcomeSummary;
use crate::publish::ClientEdition;

/// The accent colour without a `[brand] accent`.
const DEFAULT_ACCENT: &str = "#0072b2";

/// What `client_edition.html` lays out.
#[derive(Serialize)]
pub struct EditionPage {
    pub lang: &'static str,
    pub t: BTreeMap<&'static str, &'static str>,
    /// The document title (browser tab, PDF metadata).
    pub title: String,
    pub client_name: String,
    pub consultancy: String,
    /// "Prepared for … by …".
    pub prepared: String,
    pub month_label: String,
    pub logo: Option<String>,
    pub accent: String,
    /// The KPI sentences, for the summary at the top.
    pub highlights: Vec<String>,
    pub fees_total: String,
    /// "Last month ¥…", "A year ago ¥…", where the client was with us then.
    pub fees_compare: Vec<Compared>,
    pub outcomes: Vec<EditionOutcome>,
    /// Which comparison columns the outcomes table has.
    pub show_last_month: bool,
    pub show_year_ago: bool,
    pub fees: Vec<FeeRow>,
    pub note_title: Option<String>,
    pub note_html: Option<String>,
}

#[derive(Serialize)]
pub struct Compared {
    pub label: &'static str,
    pub value: String,
}

#[derive(Serialize)]
pub struct EditionOutcome {
    pub kpi: String,
    pub sentence: String,
    pub svg: String,
    pub baseline: String,
    pub year_ago: String,
    pub last_month: String,
    pub now: String,
    pub target: String,
    /// `up` when the last month's move was for the better, `down` when for
    /// the worse, else empty.
    pub trend: &'static str,
}

#[derive(Serialize)]
pub struct FeeRow {
    pub date: String,
    pub service: String,
    pub description: String,
    pub amount: String,
    pub credit: bool,
}

/// "Prepared for Hinode Foods Co., Ltd. by Kumo Growth Partners".
pub fn prepared_line(lang: Lang, client: &str, consultancy: &str) -> String {
    match lang {
        Lang::En => format!("Prepared for {client} by {consultancy}"),
        Lang::Ja => format!("{client} 御中 — {consultancy} 作成"),
    }
}

fn outcome(c: &Common, o: &OutcomeSummary, drawn: Option<&str>) -> EditionOutcome {
    // At the precision the values were written with (`1.20%`).
    let v = |x: f64| with_unit_dp(c, x, &o.unit, o.decimals);
    let opt = |x: Option<f64>| x.map(v).unwrap_or_else(|| "—".into());
    let trend = match o.previous_month {
        Some(p) if p != o.current => {
            if o.improved_on(p) {
                "up"
            } else {
                "down"
            }
        }
        _ => "",
    };
    EditionOutcome {
        kpi: o.kpi.clone(),
        sentence: outcome_sentence(c, o),
        svg: drawn.map_or_else(|| outcome_chart(c, o).svg, str::to_string),
        baseline: v(o.baseline),
        year_ago: opt(o.year_ago),
        last_month: opt(o.previous_month),
        now: v(o.current),
        target: opt(o.target),
        trend,
    }
}

/// The page context of one client edition. `c` must be in the edition's
/// language. `drawn`: the outcome charts of the month, when the briefing
/// has drawn them already in this language (one per KPI, in order).
pub fn page(c: &Common, e: &ClientEdition, drawn: Option<&[&str]>) -> EditionPage {
    let f = &c.fmt;
    let month_label = f.month(e.month);
    let drawn = drawn.filter(|d| d.len() == e.outcomes.len());
    let outcomes: Vec<EditionOutcome> = e
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| outcome(c, o, drawn.map(|d| d[i])))
        .collect();
    let mut fees_compare = Vec::new();
    if let Some(v) = e.fees_previous_month {
        fees_compare.push(Compared {
            label: c.t("last_month"),
            value: f.money(v),
        });
    }
    if let Some(v) = e.fees_year_ago {
        fees_compare.push(Compared {
            label: c.t("a_year_ago"),
            value: f.money(v),
        });
    }
    EditionPage {
        lang: e.lang.code(),
        t: c.labels.clone(),
        title: format!("{} — {} {month_label}", e.client_name, c.t("edition_monthly_review")),
        client_name: e.client_name.clone(),
        consultancy: e.consultancy.clone(),
        prepared: prepared_line(e.lang, &e.client_name, &e.consultancy),
        month_label,
        logo: e.logo.clone(),
        accent: e.accent.clone().unwrap_or_else(|| DEFAULT_ACCENT.to_string()),
        highlights: outcomes.iter().map(|o| o.sentence.clone()).collect(),
        fees_total: f.money(e.fees_total),
        fees_compare,
        show_last_month: e.outcomes.iter().any(|o| o.previous_month.is_some()),
        show_year_ago: e.outcomes.iter().any(|o| o.year_ago.is_some()),
        outcomes,
        fees: e
            .fees
            .iter()
            .map(|fee| FeeRow {
                date: f.date(fee.date),
                service: fee.service.clone(),
                description: fee.description.clone(),
                amount: f.money(fee.amount),
                credit: fee.amount < Decimal::ZERO,
            })
            .collect(),
        note_title: e.note.as_ref().and_then(|n| n.title.clone()),
        note_html: e.note.as_ref().map(|n| crate::markdown::to_safe_html(&n.markdown)),
    }
}
