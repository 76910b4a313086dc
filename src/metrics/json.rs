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

use super::prediction::Prediction;
use super::{Bridge, ChannelMetrics, ClientMetrics, Metrics, MonthRow};

/// A JSON value with its numbers already written out.
pub(super) enum J {
    Null,
    Bool(bool),
    /// A number, already formatted.
    Num(String),
    /// A rate or ratio: written unrounded in JSON, rounded in CSV (see
    /// `tables`).
    Rate(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
}

pub(super) struct Writer<'a> {
    pub currency: &'a str,
}

impl Writer<'_> {
    pub(super) fn money(&self, v: Decimal) -> J {
        let r = round_to_minor(v, self.currency);
        // `-0` after rounding (e.g. -0.4 JPY) is written as 0.
        J::Num(if r.is_zero() { "0".to_string() } else { r.to_string() })
    }

    fn opt_money(&self, v: Option<Decimal>) -> J {
        v.map_or(J::Null, |v| self.money(v))
    }

    /// A bridge object of SPEC §4 (version 2), in its field order.
    fn bridge(&self, b: &Bridge) -> J {
        J::Obj(vec![
            ("start", self.money(b.start)),
            ("new", self.money(b.new)),
            ("reactivated", self.money(b.reactivated)),
            ("resumed", self.money(b.resumed)),
            ("expansion", self.money(b.expansion)),
            ("contraction", self.money(b.contraction)),
            ("paused", self.money(b.paused)),
            ("churned", self.money(b.churned)),
            ("adjustment", self.money(b.adjustment)),
            ("end", self.money(b.end)),
            ("quick_ratio", opt_rate(b.quick_ratio)),
        ])
    }
}

fn rate(x: f64) -> J {
    if !x.is_finite() {
        return J::Null;
    }
    J::Rate(if x == 0.0 { 0.0 } else { x })
}

/// A finite rate as JSON writes it: the shortest form that reads back to
/// the same `f64` (`0.3333333333333333`, `20.0`).
fn rate_text(x: f64) -> String {
    serde_json::to_string(&x).expect("a finite f64 serialises")
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
    let w = Writer { currency: &m.currency };
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
            J::Arr(p.by_channel.iter().map(|c| J::Obj(channel_record(&w, c))).collect()),
        ),
        ("bridge_t12", w.bridge(&p.bridge_t12)),
        ("bridge_month", w.bridge(&p.bridge_month)),
        ("fiscal_year", text(&*p.fiscal_year)),
        ("revenue_fytd", w.money(p.revenue_fytd)),
        ("revenue_fytd_prev", w.money(p.revenue_fytd_prev)),
    ]);
    let monthly = J::Arr(m.monthly.iter().map(|r| J::Obj(monthly_record(&w, r))).collect());
    let cohorts = J::Arr(
        m.cohorts
            .iter()
            .map(|c| {
                J::Obj(vec![
                    ("cohort", text(c.cohort.to_string())),
                    ("size", usize_count(c.size)),
                    ("active", J::Arr(c.active.iter().map(|a| usize_count(*a)).collect())),
                    ("revenue", J::Arr(c.revenue.iter().map(|r| w.money(*r)).collect())),
                    ("retention", J::Arr(c.retention.iter().map(|r| rate(*r)).collect())),
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
    let clients = J::Arr(m.clients.iter().map(|c| J::Obj(client_record(&w, c))).collect());
    let root = J::Obj(vec![
        ("as_of", text(m.as_of.to_string())),
        ("currency", text(&*m.currency)),
        ("portfolio", portfolio),
        ("monthly", monthly),
        ("cohorts", cohorts),
        ("clients", clients),
        ("prediction", prediction_json(&m.prediction)),
    ]);
    let mut out = String::new();
    write(&mut out, &root, 0);
    out.push('\n');
    out
}

/// One entry of `portfolio.by_channel`; JSON and CSV share it.
pub(super) fn channel_record(w: &Writer<'_>, c: &ChannelMetrics) -> Vec<(&'static str, J)> {
    vec![
        ("channel", text(&*c.channel)),
        ("clients", usize_count(c.clients)),
        ("avg_cac", w.money(c.avg_cac)),
        ("revenue_ltv_mean", w.money(c.revenue_ltv_mean)),
        ("ltv_cac_ratio", opt_rate(c.ltv_cac_ratio)),
    ]
}

/// One entry of `monthly`; JSON and CSV share it (the CSV flattens the
/// bridge into `bridge_start`, `bridge_new`, ...).
pub(super) fn monthly_record(w: &Writer<'_>, r: &MonthRow) -> Vec<(&'static str, J)> {
    vec![
        ("month", text(r.month.to_string())),
        ("revenue", w.money(r.revenue)),
        ("alive", usize_count(r.alive)),
        ("new", usize_count(r.new)),
        ("churned", usize_count(r.churned)),
        ("reactivated", usize_count(r.reactivated)),
        ("churn_rate", opt_rate(r.churn_rate)),
        ("arpa", w.opt_money(r.arpa)),
        ("bridge", w.bridge(&r.bridge)),
    ]
}

/// The SPEC §4 client record; JSON and CSV share it so their columns agree.
pub(super) fn client_record(w: &Writer<'_>, c: &ClientMetrics) -> Vec<(&'static str, J)> {
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
        ("signals", J::Arr(c.signals.iter().map(|s| text(s.code())).collect())),
        // SPEC 3.9 and 3.8 (version 2), in SPEC 4's order.
        ("contract", opt_text(c.prediction.contract.map(|k| k.as_str()))),
        ("bridge_t12_kind", opt_text(c.bridge_t12_kind.map(|k| k.as_str()))),
        ("bridge_t12_amount", w.opt_money(c.bridge_t12_amount)),
        (
            "expected_remaining_months",
            opt_rate(c.prediction.expected_remaining_months),
        ),
        ("predicted_value", w.opt_money(c.prediction.predicted_value)),
        ("p_alive", opt_rate(c.prediction.p_alive)),
        ("expected_purchases", opt_rate(c.prediction.expected_purchases)),
        ("expected_value", w.opt_money(c.prediction.expected_value)),
    ]
}

/// `prediction` (SPEC 3.9 and 4): the fitted parameters, null for a model
/// that was not fitted, and the notes.
fn prediction_json(p: &Prediction) -> J {
    let sbg = p.sbg.as_ref().map_or(J::Null, |s| {
        J::Obj(vec![
            ("alpha", opt_rate(s.alpha)),
            ("beta", opt_rate(s.beta)),
            ("monthly_churn", opt_rate(s.monthly_churn)),
            ("log_likelihood", rate(s.log_likelihood)),
            ("survival", J::Arr(s.survival.iter().map(|v| rate(*v)).collect())),
        ])
    });
    let bgnbd = p.bgnbd.as_ref().map_or(J::Null, |f| {
        J::Obj(vec![
            ("r", rate(f.model.r)),
            ("alpha", rate(f.model.alpha)),
            ("a", rate(f.model.a)),
            ("b", rate(f.model.b)),
            ("log_likelihood", rate(f.log_likelihood)),
        ])
    });
    let gamma_gamma = p.gamma_gamma.as_ref().map_or(J::Null, |f| {
        J::Obj(vec![
            ("p", rate(f.model.p)),
            ("q", rate(f.model.q)),
            ("gamma", rate(f.model.gamma)),
            ("log_likelihood", rate(f.log_likelihood)),
        ])
    });
    J::Obj(vec![
        ("sbg", sbg),
        ("bgnbd", bgnbd),
        ("gamma_gamma", gamma_gamma),
        ("notes", J::Arr(p.notes.iter().map(|n| text(n.as_str())).collect())),
    ])
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
        J::Rate(x) => out.push_str(&rate_text(*x)),
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

/// The clients columns (the keys of [`client_record`], checked by a test).
pub(super) const HEADER: [&str; 30] = [
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
    "contract",
    "bridge_t12_kind",
    "bridge_t12_amount",
    "expected_remaining_months",
    "predicted_value",
    "p_alive",
    "expected_purchases",
    "expected_value",
];

#[cfg(test)]
mod tests {
    use super::super::tables::clients_csv;
    use super::super::testkit::*;
    use super::*;

    /// One USD client, as of 2025-02:
    ///   acme ("Acme \"Tools\"", referral, cac 60.0375 by channel)
    ///   invoices 800.50 (2025-01-10) and 400.25 (2025-02-10); NPS 9 in Feb.
    fn tiny() -> Metrics {
        project()
            .config(|c| {
                c.currency = "USD".into();
                c.cac_by_channel.insert("referral".into(), dec("60.0375"));
            })
            .client({
                let mut b = client("acme").channel("referral").inv_dec("2025-01-10", "800.50");
                b = b.inv_dec("2025-02-10", "400.25").nps("2025-02-01", 9);
                b.name("Acme \"Tools\"")
            })
            .metrics("2025-02")
    }

    #[test]
    fn json_by_hand() {
        // revenue_t12 = 800.50 + 400.25 = 1200.75; alive 1 in Jan and Feb:
        //   arpa_t12 = 1200.75 / 2 = 600.375 -> written 600.38 (half away from 0)
        //   churn_t12 = 0 churned / 1 alive-in-m-1 (Jan) = 0 -> L = cap 60
        //   predicted_ltv = 600.375 × 1.0 × 60 = 36022.5
        //   avg_cac = 60.0375 -> written 60.04; ratio 36022.5 / 60.0375 = 600
        //   payback = 60.0375 / 600.375 = 0.1
        //   nps_t12 = 100 × (1 − 0) / 1 = 100
        // bridges: T12 (W0 before any invoice): new 1200.75 from 0, no
        //   losses -> quick ratio null; month: 800.5 -> 400.25, a
        //   contraction of 400.25, no gains -> quick ratio 0 / 400.25 = 0.
        //   Calendar fiscal years: FY2025, to date 1200.75, a year before 0.
        // cohort 2025-01: revenue [800.5, 400.25], revenue_retention [1, 0.5],
        //   cumulative [800.5, 1200.75]
        // acme: profit = 1200.75 − 60.0375 = 1140.7125 -> 1140.71; ratio
        //   1200.75 / 60.0375 = 20; avg_invoice 600.375 -> 600.38; 2 invoices
        //   over 2 months = 1.0; health: nps 90 and trend 100 (P3 = 0, T3 > 0)
        //   -> 95; loyal (95 >= 70, nps 9 >= 9); the only alive client: high.
        // The expected document is json_by_hand.json beside this file.
        let expected = include_str!("json_by_hand.json");
        assert_eq!(to_json(&tiny()), expected);
    }

    #[test]
    fn csv_by_hand() {
        let expected = "id,name,channel,start_month,last_revenue_month,alive,tenure_months,revenue_ltv,profit_ltv,cac,\
ltv_cac_ratio,avg_invoice,invoices_per_month,revenue_month,revenue_t3,revenue_p3,revenue_t12,nps_latest,health,segment,touch,signals,\
contract,bridge_t12_kind,bridge_t12_amount,expected_remaining_months,predicted_value,p_alive,expected_purchases,expected_value
acme,\"Acme \"\"Tools\"\"\",referral,2025-01,2025-02,true,2,1200.75,1140.71,60.04,20,600.38,1,400.25,1200.75,0,1200.75,9,95,loyal,high,,retainer,new,1200.75,,,,,
";
        assert_eq!(clients_csv(&tiny()), expected);
    }

    #[test]
    fn csv_nulls_are_empty_and_signals_joined() {
        // d: P3 = 300, T3 = 50 − 200 = −150: revenue_drop; nothing in May
        // (−200) nor June: no_revenue. n: acquired in June, nothing else:
        // no channel, no revenue month, no avg invoice, no NPS, no health.
        let m = project()
            .client(
                client("d")
                    .monthly("2025-01", "2025-03", 100)
                    .inv("2025-04", 50)
                    .inv("2025-05", -200),
            )
            .client(client("n").acquired("2025-06-01"))
            .metrics("2025-06");
        let csv = clients_csv(&m);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].starts_with("d,Client d,,2025-01,2025-04,true,6,"),
            "{}",
            lines[1]
        );
        // d holds all of the T12 revenue (150 of 150): high touch.
        // d: no revenue a year before, 150 in T12 and started in it: new 150.
        assert!(
            lines[1].ends_with(",at_risk,high,revenue_drop;no_revenue,retainer,new,150,,,,,"),
            "{}",
            lines[1]
        );
        // n: id, name, channel "", start, last revenue "", alive, tenure 1,
        // revenue_ltv 0, profit 0, cac 0, ratio "", avg_invoice "", 0 a month,
        // revenue 0 ×4, nps "", health "", at_risk, tech, no_revenue, no
        // movement (0 in both windows): kind and amount empty
        assert_eq!(
            lines[2],
            "n,Client n,,2025-06,,true,1,0,0,0,,,0,0,0,0,0,,,at_risk,tech,no_revenue,retainer,,,,,,,"
        );
    }

    #[test]
    fn empty_project_still_has_a_header_and_valid_json() {
        let m = project().metrics("2025-01");
        assert_eq!(clients_csv(&m), format!("{}\n", HEADER.join(",")));
        let v: serde_json::Value = serde_json::from_str(&to_json(&m)).unwrap();
        assert_eq!(v["monthly"], serde_json::json!([]));
        assert_eq!(v["portfolio"]["arpa_t12"], serde_json::Value::Null);
        assert_eq!(v["portfolio"]["by_channel"], serde_json::json!([]));
    }

    #[test]
    fn header_matches_the_client_record() {
        let m = tiny();
        let w = Writer { currency: "USD" };
        let keys: Vec<&str> = client_record(&w, &m.clients[0]).iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, HEADER);
    }

    fn render(j: J) -> String {
        let mut s = String::new();
        write(&mut s, &j, 0);
        s
    }

    #[test]
    fn money_is_rounded_to_the_minor_unit_only_when_written() {
        let jpy = Writer { currency: "JPY" };
        let usd = Writer { currency: "USD" };
        let kwd = Writer { currency: "KWD" };
        assert_eq!(render(jpy.money(dec("1000.5"))), "1001");
        assert_eq!(render(jpy.money(dec("-1234.5"))), "-1235");
        assert_eq!(render(jpy.money(dec("333.3333333333333333333333333"))), "333");
        // −0.4 yen rounds to zero: written 0, not −0
        assert_eq!(render(jpy.money(dec("-0.4"))), "0");
        assert_eq!(render(usd.money(dec("10.005"))), "10.01");
        assert_eq!(render(usd.money(dec("1200.00"))), "1200");
        assert_eq!(render(kwd.money(dec("1.23456"))), "1.235");
        assert_eq!(render(usd.opt_money(None)), "null");
    }

    #[test]
    fn rates_are_unrounded_and_finite() {
        assert_eq!(render(rate(1.0 / 3.0)), "0.3333333333333333");
        assert_eq!(render(rate(-0.0)), "0.0");
        assert_eq!(render(rate(f64::NAN)), "null");
        assert_eq!(render(rate(f64::INFINITY)), "null");
        assert_eq!(render(opt_rate(None)), "null");
    }

    #[test]
    fn sums_are_rounded_after_adding() {
        // Three invoices of 0.4 yen: each would round to 0, the sum 1.2 rounds to 1.
        let m = project()
            .client(
                client("a")
                    .inv_dec("2025-01-01", "0.4")
                    .inv_dec("2025-01-02", "0.4")
                    .inv_dec("2025-01-03", "0.4"),
            )
            .metrics("2025-01");
        let v: serde_json::Value = serde_json::from_str(&to_json(&m)).unwrap();
        assert_eq!(v["portfolio"]["revenue_month"], serde_json::json!(1));
    }
}
