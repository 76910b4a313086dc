//! Predictive lifetime value in a project (SPEC 3.9 and 4): the JSON and
//! CSV fields, the settings that steer it, and their validation.

use std::fs;

use serde_json::Value;

use crate::common::{copy_project, replace_in, repo, run};

fn metrics(root: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["metrics"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(root, &args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

/// The sample portfolio: every retainer churns at about the same rate, so
/// sBG reports the geometric limit; its one project client is too few for
/// BG/NBD. Every client says which contract it is.
#[test]
fn sample_project_prediction() {
    let v = metrics(&repo(), &[]);
    let p = &v["prediction"];
    assert!(p["sbg"]["alpha"].is_null() && p["sbg"]["beta"].is_null(), "{p}");
    let churn = p["sbg"]["monthly_churn"].as_f64().unwrap();
    assert!(churn > 0.0 && churn < 0.1, "{churn}");
    let survival = p["sbg"]["survival"].as_array().unwrap();
    assert_eq!(survival.len(), 61, "t = 0 ..= ltv_horizon_months");
    assert_eq!(survival[0].as_f64(), Some(1.0));
    let s12 = survival[12].as_f64().unwrap();
    assert!((s12 - (1.0 - churn).powi(12)).abs() < 1e-12);
    assert!(p["bgnbd"].is_null() && p["gamma_gamma"].is_null());
    let notes = p["notes"].to_string();
    assert!(
        notes.contains("geometric limit") && notes.contains("repeat buyer"),
        "{notes}"
    );
    let remaining: f64 = (1..=60).map(|t| (1.0 - churn).powi(t)).sum();
    for c in v["clients"].as_array().unwrap() {
        let contract = c["contract"].as_str().unwrap();
        assert!(contract == "retainer" || contract == "project", "{c}");
        if contract == "retainer" && c["alive"] == Value::Bool(true) {
            let e = c["expected_remaining_months"].as_f64().unwrap();
            assert!((e - remaining).abs() < 1e-9, "{}: {e}", c["id"]);
            // g × T12 revenue / alive months in T12 × E, rounded to the yen;
            // every alive sample retainer was alive all of T12 or started in it.
            let value = c["predicted_value"].as_f64().unwrap();
            assert!(value > 0.0);
        } else {
            assert!(c["expected_remaining_months"].is_null(), "{c}");
            assert!(c["predicted_value"].is_null(), "{c}");
        }
        assert!(c["p_alive"].is_null() && c["expected_value"].is_null());
    }
}

/// `predicted_value` = g × (T12 revenue ÷ alive months in T12) × expected
/// remaining months, checked on one sample client from its own JSON fields
/// (it was alive all twelve months).
#[test]
fn predicted_value_follows_its_definition() {
    let v = metrics(&repo(), &[]);
    let c = v["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "hinode-foods")
        .unwrap();
    let g = v["portfolio"]["gross_margin"].as_f64().unwrap();
    let t12 = c["revenue_t12"].as_f64().unwrap();
    let e = c["expected_remaining_months"].as_f64().unwrap();
    let value = c["predicted_value"].as_f64().unwrap();
    assert!(
        (value - g * t12 / 12.0 * e).abs() <= 1.0,
        "{value} vs {}",
        g * t12 / 12.0 * e
    );
}

/// `contract` in client.toml overrides the inference; `discount_rate`
/// lowers the expected remaining months; both are validated.
#[test]
fn contract_and_discount_rate_settings() {
    let project = copy_project(&repo());
    let root = project.path();
    let toml = root.join("data/clients/hinode-foods/client.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, format!("{text}contract = \"project\"\n")).unwrap();
    replace_in(
        &root.join("casebook.toml"),
        "ltv_horizon_months = 60",
        "ltv_horizon_months = 60\ndiscount_rate = 0.08",
    );
    let v = metrics(root, &[]);
    let hinode = v["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "hinode-foods")
        .unwrap();
    assert_eq!(hinode["contract"], "project");
    assert!(hinode["expected_remaining_months"].is_null());
    let churn = v["prediction"]["sbg"]["monthly_churn"].as_f64().unwrap();
    let d = 1.08_f64.powf(1.0 / 12.0) - 1.0;
    let want: f64 = (1..=60).map(|t| ((1.0 - churn) / (1.0 + d)).powi(t)).sum();
    let other = v["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "aozora-dental")
        .unwrap();
    let got = other["expected_remaining_months"].as_f64().unwrap();
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");

    // Wrong values: errors with their position, nothing printed to stdout.
    fs::write(&toml, format!("{text}contract = \"monthly\"\n")).unwrap();
    replace_in(&root.join("casebook.toml"), "discount_rate = 0.08", "discount_rate = 8");
    let (code, stdout, stderr) = run(root, &["metrics"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let line = text.lines().count() + 1;
    assert!(
        stderr.contains(&format!("data/clients/hinode-foods/client.toml:{line}:"))
            && stderr.contains("unknown contract `monthly`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("casebook.toml:") && stderr.contains("`discount_rate` 8"),
        "{stderr}"
    );
}

/// The CSV clients table carries the same new columns as the JSON.
#[test]
fn csv_has_the_prediction_columns() {
    let (code, stdout, _) = run(&repo(), &["metrics", "--format", "csv"]);
    assert_eq!(code, 0);
    let header = stdout.lines().next().unwrap();
    assert!(
        header
            // SPEC 4's order: contract, the bridge's two, then the forecasts.
            .ends_with(",contract,bridge_t12_kind,bridge_t12_amount,expected_remaining_months,predicted_value,p_alive,expected_purchases,expected_value"),
        "{header}"
    );
}

/// The forecasts on the internal pages, and nowhere on the public site.
#[test]
fn forecasts_are_shown_internally_only() {
    let p = copy_project(&repo());
    let root = p.path();
    let (code, _, stderr) = crate::common::build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    let site = root.join("site");
    let read = |rel: &str| fs::read_to_string(site.join(rel)).unwrap();
    let v = metrics(root, &[]);
    let hinode = v["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "hinode-foods")
        .unwrap();
    let months = hinode["expected_remaining_months"].as_f64().unwrap().round();
    let stay = format!("Expected to stay about {months} more months");
    for page in [
        "internal/clients/hinode-foods/index.html",
        "internal/clients/hinode-foods/2026-10.html",
    ] {
        let html = read(page);
        assert!(html.contains(&stay), "{page} lacks `{stay}`");
        assert!(html.contains("Contract: Retainer"), "{page}");
    }
    let dashboard = read("internal/index.html");
    assert!(dashboard.contains("Highest predicted value"));
    assert!(dashboard.contains("Hinode Foods Co., Ltd."));
    let cohorts = read("internal/cohorts/index.html");
    assert!(cohorts.contains("Retainer clients still active: model against observed"));
    // A project client without a model: the reason, not a number.
    let tanpopo = read("internal/clients/tanpopo-childcare/index.html");
    assert!(tanpopo.contains("No forecast yet: the purchase model needs at least 20 project clients"));
    for entry in walkdir::WalkDir::new(site.join("public")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = fs::read_to_string(entry.path()).unwrap_or_default();
            for word in ["Expected to stay", "Predicted value", "P(active)", "Forecast"] {
                assert!(!text.contains(word), "{} shows `{word}`", entry.path().display());
            }
        }
    }
}
