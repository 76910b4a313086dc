//! Page contexts: what each page shows, already computed and formatted, in
//! small serialisable values (templates lay them out and compute nothing).
//!
//! [`internal`] builds the private pages from [`Metrics`](crate::metrics::Metrics); [`public`] builds
//! the success-story site from [`crate::publish::PublicStory`] values only,
//! so nothing private is within its reach.

pub mod bridge;
pub mod client_edition;
pub mod downloads;
pub mod forecast;
pub mod internal;
pub mod public;
pub mod sentences;
pub mod trends;

#[cfg(test)]
mod internal_tests;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::charts;
use crate::format::Formatter;
use crate::i18n::Lang;

/// A chart with the numbers behind it.
#[derive(Serialize)]
pub struct Chart {
    pub svg: String,
    pub table: Option<Table>,
}

#[derive(Serialize)]
pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Serialize)]
pub struct Kpi {
    pub label: String,
    pub value: String,
    pub hint: String,
    /// `up`, `down` or empty: colours the hint.
    pub trend: &'static str,
    /// Changes against earlier months (portfolio tiles), one line each.
    pub trends: Vec<trends::Trend>,
}

impl Kpi {
    pub fn new(label: &str, value: String) -> Kpi {
        Kpi {
            label: label.to_string(),
            value,
            hint: String::new(),
            trend: "",
            trends: Vec::new(),
        }
    }

    pub fn trends(mut self, trends: Vec<trends::Trend>) -> Kpi {
        self.trends = trends;
        self
    }

    pub fn hint(mut self, hint: String, trend: &'static str) -> Kpi {
        self.hint = hint;
        self.trend = trend;
        self
    }
}

/// Language-dependent pieces shared by every page.
pub struct Common {
    pub lang: Lang,
    pub fmt: Formatter,
    pub labels: BTreeMap<&'static str, &'static str>,
    pub site_title: String,
}

impl Common {
    pub fn new(lang: Lang, currency: &str, site_title: &str) -> Common {
        Common {
            lang,
            fmt: Formatter::new(lang, currency),
            labels: crate::i18n::labels(lang),
            site_title: site_title.to_string(),
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        crate::i18n::label(self.lang, key)
    }

    /// The label `key` with each `{name}` replaced by its value in `pairs`
    /// (in one pass: a value is never read as a placeholder; an unknown
    /// placeholder stays as written).
    pub fn fill(&self, key: &str, pairs: &[(&str, String)]) -> String {
        let mut rest = self.t(key);
        let mut out = String::with_capacity(rest.len());
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                pairs
                    .iter()
                    .find(|(name, _)| *name == &after[..close])
                    .map(|p| (close, p))
            });
            match value {
                Some((close, (_, v))) => {
                    out.push_str(v);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// A chart's captions, with the "no data" note in the page's language.
    pub fn text(&self, title: String, desc: String, x_label: &str, y_label: &str) -> charts::Text {
        charts::Text {
            title,
            desc,
            x_label: x_label.to_string(),
            y_label: y_label.to_string(),
            no_data: self.t("chart_no_data").to_string(),
        }
    }

    pub fn locale(&self) -> charts::Locale {
        charts::Locale {
            lang: self.lang,
            currency: self.fmt.currency.clone(),
        }
    }

    /// The fields every page template reads.
    pub fn base(&self, title: &str, root: &str, as_of_label: &str) -> serde_json::Map<String, Value> {
        let mut m = serde_json::Map::new();
        m.insert("lang".into(), json!(self.lang.code()));
        m.insert("site_title".into(), json!(self.site_title));
        m.insert("t".into(), json!(self.labels));
        m.insert("title".into(), json!(title));
        m.insert("root".into(), json!(root));
        m.insert("as_of_label".into(), json!(as_of_label));
        m
    }
}

/// A page's context: the base fields and the page's own (a struct whose
/// fields become the template's names).
pub fn page<T: Serialize>(base: serde_json::Map<String, Value>, own: &T) -> Value {
    with(base, serde_json::to_value(own).expect("a page context serialises"))
}

/// Adds named values to a base context.
pub fn with(mut base: serde_json::Map<String, Value>, extra: Value) -> Value {
    if let Value::Object(e) = extra {
        base.extend(e);
    }
    Value::Object(base)
}

/// A number of months: `1 month`, `3 months`, `3.8 months`, `3か月`.
pub fn months_text(c: &Common, n: f64, decimals: usize) -> String {
    let number = c.fmt.number(Some(n), decimals);
    match c.lang {
        Lang::En if number == "1" => format!("{number} {}", c.t("month_one")),
        Lang::En => format!("{number} {}", c.t("months")),
        Lang::Ja => format!("{number}{}", c.t("months")),
    }
}

/// A measured value with its unit: `1.95%`, `¥5,764` (a unit that is the
/// project's currency is written as money), `201 bookings`.
pub fn with_unit(c: &Common, value: f64, unit: &str) -> String {
    with_unit_dp(c, value, unit, if value.fract() == 0.0 { 0 } else { 2 })
}

/// [`with_unit`] with `decimals` digits after the point (the precision the
/// value was written with: `1.20%`, `8,400 bookings`); an amount in the
/// project's currency is money, rounded to its minor unit as everywhere.
pub fn with_unit_dp(c: &Common, value: f64, unit: &str, decimals: usize) -> String {
    if unit == c.fmt.currency {
        if let Some(amount) = rust_decimal::Decimal::from_f64_retain(value) {
            return c.fmt.money(amount);
        }
    }
    let n = c.fmt.number(Some(value), decimals);
    match unit {
        "" => n,
        "%" => format!("{n}%"),
        u => format!("{n} {u}"),
    }
}

/// A KPI's values over time against its baseline and target, with the
/// numbers as a table.
pub fn outcome_chart(c: &Common, o: &crate::metrics::outcomes::OutcomeSummary) -> Chart {
    let dates: Vec<String> = o.history.iter().map(|(d, _)| c.fmt.date(*d)).collect();
    let values: Vec<f64> = o.history.iter().map(|(_, v)| *v).collect();
    let y = if o.unit.is_empty() {
        o.kpi.clone()
    } else {
        format!("{} ({})", o.kpi, o.unit)
    };
    let svg = charts::outcome_line(
        &c.text(o.kpi.clone(), String::new(), c.t("date"), &y),
        &dates,
        &values,
        Some(o.baseline),
        o.target,
        &o.unit,
        c.t("baseline"),
        c.t("target"),
    );
    // Values with their unit, at the precision they were written with.
    let rows = o
        .history
        .iter()
        .rev()
        .map(|(d, v)| vec![c.fmt.date(*d), with_unit_dp(c, *v, &o.unit, o.decimals)])
        .collect();
    Chart {
        svg,
        table: Some(Table {
            head: vec![c.t("date").into(), o.kpi.clone()],
            rows,
        }),
    }
}
