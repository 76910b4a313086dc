//! Page contexts: what each page shows, already computed and formatted, in
//! small serialisable values (templates lay them out and compute nothing).
//!
//! [`internal`] builds the private pages from [`Metrics`](crate::metrics::Metrics); [`public`] builds
//! the success-story site from [`crate::publish::PublicStory`] values only,
//! so nothing private is within its reach.

pub mod forecast;
pub mod internal;
pub mod public;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::charts;
use crate::config::Lang;
use crate::format::Formatter;

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
}

impl Kpi {
    pub fn new(label: &str, value: String) -> Kpi {
        Kpi {
            label: label.to_string(),
            value,
            hint: String::new(),
            trend: "",
        }
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

/// Adds named values to a base context.
pub fn with(mut base: serde_json::Map<String, Value>, extra: Value) -> Value {
    if let Value::Object(e) = extra {
        base.extend(e);
    }
    Value::Object(base)
}

pub fn text(title: String, desc: String, x_label: &str, y_label: &str) -> charts::Text {
    charts::Text {
        title,
        desc,
        x_label: x_label.to_string(),
        y_label: y_label.to_string(),
    }
}

/// A measured value with its unit: `1.95%`, `5,764 JPY`, `201 bookings`.
pub fn with_unit(c: &Common, value: f64, unit: &str) -> String {
    let n = c.fmt.number(Some(value), if value.fract() == 0.0 { 0 } else { 2 });
    match unit {
        "" => n,
        "%" => format!("{n}%"),
        u => format!("{n} {u}"),
    }
}
