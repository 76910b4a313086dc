//! SPEC §4 output: the metrics as JSON and the clients table as CSV.
//!
//! Written by hand rather than through serde so that field order, `null`s
//! and number formats are exactly SPEC's and money never passes through
//! binary floating point: an amount is rounded to the currency's minor unit
//! and written from its decimal digits (an integer for JPY). Rates and
//! ratios are written unrounded, in the shortest form that reads back to the
//! same `f64`.

use rust_decimal::Decimal;

use crate::money::round_to_minor;

use super::{ClientMetrics, Metrics};

/// A JSON value with its numbers already written out.
enum J {
    Null,
    Bool(bool),
    /// A number, already formatted.
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
}

struct Writer<'a> {
    currency: &'a str,
}

impl Writer<'_> {
    fn money(&self, v: Decimal) -> J {
        let r = round_to_minor(v, self.currency);
        // `-0` after rounding (e.g. -0.4 JPY) is written as 0.
        J::Num(if r.is_zero() {
            "0".to_string()
        } else {
            r.to_string()
        })
    }

    fn opt_money(&self, v: Option<Decimal>) -> J {
        v.map_or(J::Null, |v| self.money(v))
    }
}

fn rate(x: f64) -> J {
    if !x.is_finite() {
        return J::Null;
    }
    let x = if x == 0.0 { 0.0 } else { x };
    J::Num(serde_json::to_string(&x).expect("a finite f64 serialises"))
}

fn opt_rate(x: Option<f64>) -> J {
    x.map_or(J::Null, rate)
}

fn count(n: impl Into<u64>) -> J {
    J::Num(n.into().to_string())
}

fn usize_count(n: usize) -> J {
    J::Num(n.to_string())
}

fn text(s: impl Into<String>) -> J {
    J::Str(s.into())
}

fn opt_text(s: Option<impl Into<String>>) -> J {
    s.map_or(J::Null, text)
}

/// The SPEC §4 JSON, pretty-printed with a trailing newline.
pub fn to_json(m: &Metrics) -> String {
    let w = Writer {
        currency: &m.currency,
    };
    let p = &m.portfolio;
    let portfolio = J::Obj(vec![
        ("clients_total", usize_count(p.clients_total)),
        ("clients_alive", usize_count(p.clients_alive)),
        ("clients_new", usize_count(p.clients_new)),
        ("clients_churned", usize_count(p.clients_churned)),
        ("revenue_month", w.money(p.revenue_month)),
        ("revenue_t12", w.money(p.revenue_t12)),
        ("arpa_month", w.opt_money(p.arpa_month)),
        ("arpa_t12", w.opt_money(p.arpa_t12)),
        ("churn_month", opt_rate(p.churn_month)),
        ("churn_t12", opt_rate(p.churn_t12)),
        ("gross_margin", rate(p.gross_margin)),
        ("predicted_ltv", w.opt_money(p.predicted_ltv)),
        ("avg_cac", w.opt_money(p.avg_cac)),
        ("ltv_cac_ratio", opt_rate(p.ltv_cac_ratio)),
        ("cac_payback_months", opt_rate(p.cac_payback_months)),
        ("nrr_t12", opt_rate(p.nrr_t12)),
        ("grr_t12", opt_rate(p.grr_t12)),
        ("nps_t12", opt_rate(p.nps_t12)),
        ("upsell_rate_t12", opt_rate(p.upsell_rate_t12)),
        ("cross_sell_rate_t12", opt_rate(p.cross_sell_rate_t12)),
        (
            "by_channel",
            J::Arr(
                p.by_channel
                    .iter()
                    .map(|c| {
                        J::Obj(vec![
                            ("channel", text(&*c.channel)),
                            ("clients", usize_count(c.clients)),
                            ("avg_cac", w.money(c.avg_cac)),
                            ("revenue_ltv_mean", w.money(c.revenue_ltv_mean)),
                            ("ltv_cac_ratio", opt_rate(c.ltv_cac_ratio)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ]);
    let monthly = J::Arr(
        m.monthly
            .iter()
            .map(|r| {
                J::Obj(vec![
                    ("month", text(r.month.to_string())),
                    ("revenue", w.money(r.revenue)),
                    ("alive", usize_count(r.alive)),
                    ("new", usize_count(r.new)),
                    ("churned", usize_count(r.churned)),
                    ("reactivated", usize_count(r.reactivated)),
                    ("churn_rate", opt_rate(r.churn_rate)),
                    ("arpa", w.opt_money(r.arpa)),
                ])
            })
            .collect(),
    );
    let cohorts = J::Arr(
        m.cohorts
            .iter()
            .map(|c| {
                J::Obj(vec![
                    ("cohort", text(c.cohort.to_string())),
                    ("size", usize_count(c.size)),
                    (
                        "active",
                        J::Arr(c.active.iter().map(|a| usize_count(*a)).collect()),
                    ),
                    (
                        "revenue",
                        J::Arr(c.revenue.iter().map(|r| w.money(*r)).collect()),
                    ),
                    (
                        "retention",
                        J::Arr(c.retention.iter().map(|r| rate(*r)).collect()),
                    ),
                    (
                        "revenue_retention",
                        J::Arr(c.revenue_retention.iter().map(|r| opt_rate(*r)).collect()),
                    ),
                    (
                        "cumulative_ltv",
                        J::Arr(c.cumulative_ltv.iter().map(|r| w.money(*r)).collect()),
                    ),
                ])
            })
            .collect(),
    );
    let clients = J::Arr(
        m.clients
            .iter()
            .map(|c| J::Obj(client_record(&w, c)))
            .collect(),
    );
    let root = J::Obj(vec![
        ("as_of", text(m.as_of.to_string())),
        ("currency", text(&*m.currency)),
        ("portfolio", portfolio),
        ("monthly", monthly),
        ("cohorts", cohorts),
        ("clients", clients),
    ]);
    let mut out = String::new();
    write(&mut out, &root, 0);
    out.push('\n');
    out
}

/// The SPEC §4 client record; JSON and CSV share it so their columns agree.
fn client_record(w: &Writer<'_>, c: &ClientMetrics) -> Vec<(&'static str, J)> {
    vec![
        ("id", text(&*c.id)),
        ("name", text(&*c.name)),
        ("channel", opt_text(c.channel.as_deref())),
        ("start_month", text(c.start_month.to_string())),
        (
            "last_revenue_month",
            opt_text(c.last_revenue_month.map(|m| m.to_string())),
        ),
        ("alive", J::Bool(c.alive)),
        ("tenure_months", count(c.tenure_months)),
        ("revenue_ltv", w.money(c.revenue_ltv)),
        ("profit_ltv", w.money(c.profit_ltv)),
        ("cac", w.money(c.cac)),
        ("ltv_cac_ratio", opt_rate(c.ltv_cac_ratio)),
        ("avg_invoice", w.opt_money(c.avg_invoice)),
        ("invoices_per_month", rate(c.invoices_per_month)),
        ("revenue_month", w.money(c.revenue_month)),
        ("revenue_t3", w.money(c.revenue_t3)),
        ("revenue_p3", w.money(c.revenue_p3)),
        ("revenue_t12", w.money(c.revenue_t12)),
        ("nps_latest", c.nps_latest.map_or(J::Null, count)),
        ("health", opt_rate(c.health)),
        ("segment", text(c.segment.as_str())),
        ("touch", opt_text(c.touch.map(|t| t.as_str()))),
        (
            "signals",
            J::Arr(c.signals.iter().map(|s| text(s.code())).collect()),
        ),
    ]
}

fn is_scalar(j: &J) -> bool {
    !matches!(j, J::Arr(_) | J::Obj(_))
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// Objects one member a line, indented by two spaces; arrays of plain
/// values on one line (`[1, 2, 3]`), other arrays one item a line.
fn write(out: &mut String, j: &J, level: usize) {
    match j {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Num(n) => out.push_str(n),
        J::Str(s) => out.push_str(&serde_json::to_string(s).expect("a string serialises")),
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Arr(items) if items.iter().all(is_scalar) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(out, item, level);
            }
            out.push(']');
        }
        J::Arr(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                indent(out, level + 1);
                write(out, item, level + 1);
            }
            out.push('\n');
            indent(out, level);
            out.push(']');
        }
        J::Obj(members) if members.is_empty() => out.push_str("{}"),
        J::Obj(members) => {
            out.push_str("{\n");
            for (i, (key, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                indent(out, level + 1);
                out.push_str(&serde_json::to_string(key).expect("a key serialises"));
                out.push_str(": ");
                write(out, value, level + 1);
            }
            out.push('\n');
            indent(out, level);
            out.push('}');
        }
    }
}

/// A CSV cell: nulls are empty, lists (the signal codes) joined by `;`.
fn cell(j: &J) -> String {
    match j {
        J::Null => String::new(),
        J::Bool(b) => b.to_string(),
        J::Num(n) => n.clone(),
        J::Str(s) => s.clone(),
        J::Arr(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        J::Obj(_) => String::new(),
    }
}

/// The `clients` table as CSV: a header line, then one line per client in
/// id order, the same columns and number formats as the JSON.
pub fn clients_csv(m: &Metrics) -> String {
    let w = Writer {
        currency: &m.currency,
    };
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    csv.write_record(HEADER).expect("writing to memory");
    for c in &m.clients {
        let record: Vec<String> = client_record(&w, c).iter().map(|(_, v)| cell(v)).collect();
        csv.write_record(&record).expect("writing to memory");
    }
    String::from_utf8(csv.into_inner().expect("writing to memory")).expect("CSV of UTF-8 strings")
}

/// The clients columns (the keys of [`client_record`], checked by a test).
const HEADER: [&str; 22] = [
    "id",
    "name",
    "channel",
    "start_month",
    "last_revenue_month",
    "alive",
    "tenure_months",
    "revenue_ltv",
    "profit_ltv",
    "cac",
    "ltv_cac_ratio",
    "avg_invoice",
    "invoices_per_month",
    "revenue_month",
    "revenue_t3",
    "revenue_p3",
    "revenue_t12",
    "nps_latest",
    "health",
    "segment",
    "touch",
    "signals",
];
