//! The predictive models against lifetimes (SPEC 3.9): the reference JSON
//! in tests/fixtures/clv/ was written by bench/lifetimes_reference.sh
//! (lifetimes 0.11.3 in a Python virtual environment); these tests only
//! read it. Data: the CDNOW sample and master log that lifetimes ships
//! (lifetimes is MIT-licensed; the CDNOW data set is Fader & Hardie's,
//! distributed with lifetimes for this kind of comparison).

use std::collections::BTreeMap;
use std::fs;
use std::sync::OnceLock;

use casebook::clv::{self, ClvOptions, Transaction};
use casebook::diag::Diagnostics;
use casebook::predict::bgnbd::{self, Rfm};
use casebook::predict::gamma_gamma::{self, Spend};
use casebook::predict::summary::Period;
use casebook::predict::{self, CustomerForecast};
use serde_json::Value;

use crate::common::{casebook, repo};

/// Relative agreement asked of every parameter and per-customer value.
const REL: f64 = 1e-3;

fn reference() -> &'static Value {
    static REF: OnceLock<Value> = OnceLock::new();
    REF.get_or_init(|| {
        let text = fs::read_to_string(repo().join("tests/fixtures/clv/lifetimes_reference.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    })
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    let ok = (got - want).abs() <= rel * want.abs().max(1e-9);
    assert!(
        ok,
        "{what}: casebook {got}, lifetimes {want} (rel {:.2e})",
        (got - want).abs() / want.abs()
    );
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn cdnow_log() -> &'static Vec<Transaction> {
    static LOG: OnceLock<Vec<Transaction>> = OnceLock::new();
    LOG.get_or_init(|| {
        let path = repo().join("tests/fixtures/clv/cdnow_master.csv");
        let bytes = fs::read(&path).unwrap();
        let mut diags = Diagnostics::new();
        let tx = clv::read_transactions(&bytes, &path, &options(Period::Day), &mut diags);
        assert!(!diags.has_errors());
        tx
    })
}

fn options(period: Period) -> ClvOptions {
    ClvOptions {
        customer_column: "customer_id".into(),
        date_column: "date".into(),
        amount_column: "amount".into(),
        period,
        calibration_end: None,
        observation_end: None,
        horizon: None,
        discount_rate: 0.0,
    }
}

/// The published results (Fader, Hardie & Lee 2005; Fader & Hardie 2013)
/// and lifetimes' own on the 2,357-customer CDNOW sample summary, per
/// customer included.
#[test]
fn cdnow_sample_summary_matches_the_papers_and_lifetimes() {
    let text = fs::read_to_string(repo().join("tests/fixtures/clv/cdnow_summary.csv")).unwrap();
    let mut ids = Vec::new();
    let mut rfm = Vec::new();
    let mut zbar = Vec::new();
    for line in text.lines().skip(1) {
        let v: Vec<&str> = line.split(',').collect();
        ids.push(v[0].to_string());
        rfm.push(Rfm {
            frequency: v[1].parse().unwrap(),
            recency: v[2].parse().unwrap(),
            age: v[3].parse().unwrap(),
        });
        zbar.push(v[4].parse::<f64>().unwrap());
    }
    assert_eq!(rfm.len(), 2357);
    let bg = bgnbd::fit(&rfm).unwrap();
    let m = bg.model;
    // Published: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
    assert!((m.r - 0.243).abs() < 5e-4 && (m.alpha - 4.414).abs() < 5e-4, "{m:?}");
    assert!((m.a - 0.793).abs() < 5e-4 && (m.b - 2.426).abs() < 5e-4, "{m:?}");
    assert!((bg.log_likelihood - -9582.4).abs() < 0.05, "{}", bg.log_likelihood);
    let spend: Vec<Spend> = rfm
        .iter()
        .zip(&zbar)
        .filter(|(c, z)| c.frequency > 0.0 && **z > 0.0)
        .map(|(c, z)| Spend {
            frequency: c.frequency,
            mean_value: *z,
        })
        .collect();
    assert_eq!(spend.len(), 946);
    let gg = gamma_gamma::fit(&spend).unwrap();
    // Published: p = 6.25, q = 3.74, γ = 15.44 (lifetimes 15.45).
    assert!(
        (gg.model.p - 6.25).abs() < 5e-3 && (gg.model.q - 3.74).abs() < 5e-3,
        "{gg:?}"
    );
    assert!((gg.model.gamma - 15.45).abs() < 5e-3, "{gg:?}");

    let r = &reference()["cdnow_summary"];
    for (k, got) in [
        ("r", m.r),
        ("alpha", m.alpha),
        ("a", m.a),
        ("b", m.b),
        ("log_likelihood", bg.log_likelihood),
    ] {
        close(k, got, f(&r["bgnbd"][k]), REL);
    }
    let g = &r["gamma_gamma"];
    for (k, got) in [
        ("p", gg.model.p),
        ("q", gg.model.q),
        ("gamma", gg.model.gamma),
        ("log_likelihood", gg.log_likelihood),
    ] {
        close(k, got, f(&g[k]), REL);
    }
    let by_id: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let customers = r["customers"].as_array().unwrap();
    assert!(customers.len() > 200);
    for c in customers {
        let i = by_id[c["id"].as_str().unwrap()];
        let who = format!("customer {}", c["id"]);
        close(&format!("{who} p_alive"), m.p_alive(&rfm[i]), f(&c["p_alive"]), REL);
        close(
            &format!("{who} E[X(39)]"),
            m.expected_purchases(&rfm[i], 39.0),
            f(&c["expected_purchases_39"]),
            REL,
        );
        close(
            &format!("{who} E[X(52)]"),
            m.expected_purchases(&rfm[i], 52.0),
            f(&c["expected_purchases_52"]),
            REL,
        );
        let avg = gg.model.expected_average_value(rfm[i].frequency, zbar[i]).unwrap();
        close(&format!("{who} E[M]"), avg, f(&c["expected_avg_value"]), REL);
        // lifetimes' customer_lifetime_value(time=12 months, 1 % a month, weekly data).
        let horizon = 12.0 * Period::Week.per_month();
        let purchases = m.expected_purchases(&rfm[i], horizon);
        let clv = predict::expected_value(&m, &rfm[i], avg, horizon, Period::Week, 0.01, purchases);
        close(&format!("{who} CLV"), clv, f(&c["clv_12_months_1pct_weekly"]), REL);
    }
}

/// Compares a report with lifetimes' numbers for the same log.
fn compare_report(report: &clv::ClvReport, r: &Value) {
    let bg = report.bgnbd.unwrap();
    let gg = report.gamma_gamma.unwrap();
    for (k, got) in [
        ("r", bg.model.r),
        ("alpha", bg.model.alpha),
        ("a", bg.model.a),
        ("b", bg.model.b),
        ("log_likelihood", bg.log_likelihood),
    ] {
        close(k, got, f(&r["bgnbd"][k]), REL);
    }
    for (k, got) in [
        ("p", gg.model.p),
        ("q", gg.model.q),
        ("gamma", gg.model.gamma),
        ("log_likelihood", gg.log_likelihood),
    ] {
        close(k, got, f(&r["gamma_gamma"][k]), REL);
    }
    assert_eq!(report.customers.len() as u64, r["customers_total"].as_u64().unwrap());
    let by_id: BTreeMap<&str, usize> = report
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    for c in r["customers"].as_array().unwrap() {
        let i = by_id[c["id"].as_str().unwrap()];
        let ours = &report.customers[i];
        let who = format!("customer {}", c["id"]);
        assert_eq!(ours.rfm.frequency, f(&c["frequency"]), "{who}");
        assert_eq!(ours.rfm.recency, f(&c["recency"]), "{who}");
        assert_eq!(ours.rfm.age, f(&c["T"]), "{who}");
        close(
            &format!("{who} monetary"),
            ours.monetary_value,
            f(&c["monetary_value"]),
            1e-12,
        );
        let fc: CustomerForecast = report.forecasts[i].unwrap();
        close(&format!("{who} p_alive"), fc.p_alive, f(&c["p_alive"]), REL);
        close(
            &format!("{who} purchases"),
            fc.expected_purchases,
            f(&c["expected_purchases"]),
            REL,
        );
        close(
            &format!("{who} avg value"),
            fc.expected_avg_value.unwrap(),
            f(&c["expected_avg_value"]),
            REL,
        );
        close(
            &format!("{who} value"),
            fc.expected_value.unwrap(),
            f(&c["expected_value"]),
            REL,
        );
    }
}

#[test]
fn full_cdnow_log_weekly_matches_lifetimes() {
    let r = &reference()["cdnow_W"];
    let mut opts = options(Period::Week);
    opts.horizon = Some(f(&r["horizon"]));
    let report = clv::analyse(cdnow_log(), &opts).unwrap();
    compare_report(&report, r);
}

#[test]
fn full_cdnow_log_daily_matches_lifetimes() {
    let r = &reference()["cdnow_D"];
    let mut opts = options(Period::Day);
    opts.horizon = Some(f(&r["horizon"]));
    let report = clv::analyse(cdnow_log(), &opts).unwrap();
    compare_report(&report, r);
}

/// Calibration up to 1997-09-30 (Fader, Hardie & Lee's 39 weeks), holdout
/// to the end of the log: the calibration fit and the predicted and actual
/// holdout purchases agree with lifetimes' calibration_and_holdout_data.
#[test]
fn calibration_and_holdout_match_lifetimes() {
    for (freq, period) in [("W", Period::Week), ("D", Period::Day)] {
        let h = &reference()[format!("cdnow_{freq}")]["holdout"];
        let mut opts = options(period);
        opts.calibration_end = Some(jiff::civil::date(1997, 9, 30));
        let report = clv::analyse(cdnow_log(), &opts).unwrap();
        let bg = report.bgnbd.unwrap().model;
        for (k, got) in [("r", bg.r), ("alpha", bg.alpha), ("a", bg.a), ("b", bg.b)] {
            close(&format!("{freq} {k}"), got, f(&h[k]), REL);
        }
        let holdout = report.holdout.as_ref().unwrap();
        assert_eq!(holdout.duration, f(&h["duration"]));
        assert_eq!(holdout.actual.len() as u64, h["customers"].as_u64().unwrap());
        assert_eq!(holdout.actual.iter().sum::<f64>(), f(&h["actual_purchases"]));
        close(
            &format!("{freq} predicted holdout purchases"),
            holdout.predicted.iter().sum(),
            f(&h["predicted_purchases"]),
            REL,
        );
    }
}

/// By calendar month through the command line, with a 10 % annual
/// discount: lifetimes' customer_lifetime_value(time=12, freq='M',
/// discount_rate=1.1^(1/12) − 1).
#[test]
fn monthly_command_line_with_discount_matches_lifetimes() {
    let r = &reference()["cdnow_M"];
    let out = casebook()
        .args([
            "clv",
            "tests/fixtures/clv/cdnow_master.csv",
            "--freq",
            "M",
            "--horizon",
            "12",
        ])
        .args(["--discount-rate", "0.1"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in ["r", "alpha", "a", "b", "log_likelihood"] {
        close(k, f(&v["bgnbd"][k]), f(&r["bgnbd"][k]), REL);
    }
    for k in ["p", "q", "gamma", "log_likelihood"] {
        close(k, f(&v["gamma_gamma"][k]), f(&r["gamma_gamma"][k]), REL);
    }
    let ours: BTreeMap<&str, &Value> = v["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c))
        .collect();
    assert_eq!(ours.len() as u64, r["customers_total"].as_u64().unwrap());
    for c in r["customers"].as_array().unwrap() {
        let o = ours[c["id"].as_str().unwrap()];
        for k in ["frequency", "recency", "T"] {
            assert_eq!(o[k], c[k], "{k} of {}", c["id"]);
        }
        for k in ["p_alive", "expected_purchases", "expected_avg_value"] {
            close(&format!("{k} of {}", c["id"]), f(&o[k]), f(&c[k]), REL);
        }
        close(
            &format!("discounted value of {}", c["id"]),
            f(&o["expected_value"]),
            f(&c["clv_12_months_10pct_annual"]),
            REL,
        );
    }
}

/// Fader & Hardie (2007) through the command line, and the fit of several
/// cohorts together against scipy's.
#[test]
fn sbg_command_line_reproduces_the_paper() {
    let out = casebook()
        .args(["clv", "--sbg", "1000,631,468,382,326,289,262,241"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["sbg"];
    close("alpha", f(&s["alpha"]), 0.704, 5e-4);
    close("beta", f(&s["beta"]), 1.182, 5e-4);
    close("LL", f(&s["log_likelihood"]), -1680.3, 1e-4);
    let both = &reference()["sbg"]["both_7_years"];
    let out = casebook()
        .args(["clv", "--sbg", "1000,631,468,382,326,289,262,241"])
        .args(["--sbg", "1000,869,743,653,593,551,517,491", "--horizon", "12"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["sbg"];
    for k in ["alpha", "beta", "log_likelihood"] {
        close(k, f(&s[k]), f(&both[k]), 1e-5);
    }
    assert_eq!(s["survival"].as_array().unwrap().len(), 13);
    for whole in ["regular", "high_end"] {
        let r = &reference()["sbg"][whole];
        let counts: Vec<String> = r["counts"].as_array().unwrap().iter().map(|c| c.to_string()).collect();
        let out = casebook().args(["clv", "--sbg", &counts.join(",")]).output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        for k in ["alpha", "beta", "log_likelihood"] {
            close(&format!("{whole} {k}"), f(&v["sbg"][k]), f(&r[k]), 1e-5);
        }
    }
}

/// A log that is not what it should be: every bad row as FILE:line:column,
/// nothing printed to stdout.
#[test]
fn bad_rows_are_reported_with_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    fs::write(
        &path,
        "customer_id,date,amount\na,2024-01-05,10\nb,2024-13-01,5\n,2024-01-07,3\nc,2024-01-08,ten\n",
    )
    .unwrap();
    let out = casebook().arg("clv").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    let file = path.display().to_string();
    assert!(err.contains(&format!("{file}:3:3:")), "{err}");
    assert!(err.contains(&format!("{file}:4:1:")), "{err}");
    assert!(err.contains(&format!("{file}:5:14:")), "{err}");
    assert!(err.contains("3 problems found"), "{err}");

    // A missing column names the header line.
    let out = casebook()
        .arg("clv")
        .arg(&path)
        .args(["--amount-column", "total"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{file}:1")));

    // Wrong flags: clap's usage error, exit 2.
    let out = casebook().arg("clv").arg(&path).args(["--freq", "Y"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = casebook().args(["clv", "--sbg", "100,120"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot rise"));
    let out = casebook().args(["clv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Too few repeat buyers: null parameters and a note, never a made-up
/// number; the calibration end must come before the observation end.
#[test]
fn too_little_data_gives_nulls_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    let mut text = String::from("customer_id,date,amount\n");
    for i in 0..30 {
        text.push_str(&format!("c{i},2024-01-{:02},10\n", i % 28 + 1));
    }
    for i in 0..5 {
        text.push_str(&format!("c{i},2024-03-{:02},12\n", i + 1));
    }
    fs::write(&path, &text).unwrap();
    let out = casebook()
        .arg("clv")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["bgnbd"].is_null() && v["gamma_gamma"].is_null());
    let notes = v["notes"].to_string();
    assert!(notes.contains("5 repeat buyers"), "{notes}");
    assert!(
        v["customers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["p_alive"].is_null())
    );
    let out = casebook()
        .arg("clv")
        .arg(&path)
        .args(["--calibration-end", "2024-03-05"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not before the observation end"));
    // CSV: the customer rows, empty cells where nothing is known.
    let out = casebook()
        .arg("clv")
        .arg(&path)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("id,frequency,recency,T,monetary_value,p_alive"));
    assert!(
        csv.lines().any(|l| l.starts_with("c0,1,") && l.ends_with(",,,,")),
        "{csv}"
    );
}
