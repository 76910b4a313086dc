//! End-to-end: `casebook metrics` prints SPEC §4, agrees with the build's
//! metrics.json byte for byte, and never changes when later data arrives.

use std::fs;

use crate::common::*;

#[test]
fn metrics_json_has_every_field_of_the_spec() {
    let (code, stdout, stderr) = run(&repo(), &["metrics", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(v["as_of"], "2026-10");
    assert_eq!(v["currency"], "JPY");
    let portfolio = [
        "clients_total",
        "clients_alive",
        "clients_new",
        "clients_churned",
        "revenue_month",
        "revenue_t12",
        "arpa_month",
        "arpa_t12",
        "churn_month",
        "churn_t12",
        "gross_margin",
        "predicted_ltv",
        "avg_cac",
        "ltv_cac_ratio",
        "cac_payback_months",
        "nrr_t12",
        "grr_t12",
        "nps_t12",
        "upsell_rate_t12",
        "cross_sell_rate_t12",
        "by_channel",
        // version 2 (SPEC §3.8)
        "bridge_t12",
        "bridge_month",
        "fiscal_year",
        "revenue_fytd",
        "revenue_fytd_prev",
    ];
    let keys: Vec<&str> = v["portfolio"].as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(keys.len(), portfolio.len(), "{keys:?}");
    for k in portfolio {
        assert!(v["portfolio"].get(k).is_some(), "portfolio.{k} missing");
    }
    assert_eq!(v["portfolio"]["clients_total"], 21);
    for k in ["channel", "clients", "avg_cac", "revenue_ltv_mean", "ltv_cac_ratio"] {
        assert!(
            v["portfolio"]["by_channel"][0].get(k).is_some(),
            "by_channel.{k} missing"
        );
    }
    for k in [
        "month",
        "revenue",
        "alive",
        "new",
        "churned",
        "reactivated",
        "churn_rate",
        "arpa",
    ] {
        assert!(v["monthly"][0].get(k).is_some(), "monthly.{k} missing");
    }
    assert_eq!(v["monthly"].as_array().unwrap().last().unwrap()["month"], "2026-10");
    for k in [
        "cohort",
        "size",
        "active",
        "revenue",
        "retention",
        "revenue_retention",
        "cumulative_ltv",
    ] {
        assert!(v["cohorts"][0].get(k).is_some(), "cohorts.{k} missing");
    }
    let client_keys = [
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
        // SPEC 3.9 (version 2)
        "contract",
        "expected_remaining_months",
        "predicted_value",
        "p_alive",
        "expected_purchases",
        "expected_value",
        "bridge_t12_kind",
        "bridge_t12_amount",
    ];
    for k in ["sbg", "bgnbd", "gamma_gamma", "notes"] {
        assert!(v["prediction"].get(k).is_some(), "prediction.{k} missing");
    }
    let bridge_keys = [
        "start",
        "new",
        "reactivated",
        "resumed",
        "expansion",
        "contraction",
        "paused",
        "churned",
        "adjustment",
        "end",
        "quick_ratio",
    ];
    for b in [
        &v["portfolio"]["bridge_t12"],
        &v["portfolio"]["bridge_month"],
        &v["monthly"][0]["bridge"],
    ] {
        // serde_json's map is sorted by key: compare as sets.
        let mut keys: Vec<&str> = b.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        let mut want = bridge_keys.to_vec();
        keys.sort();
        want.sort();
        assert_eq!(keys, want);
    }
    // The sample's bridge: start + gains − losses + adjustment = end, in yen.
    let b = &v["portfolio"]["bridge_t12"];
    let y = |k: &str| b[k].as_i64().unwrap();
    assert_eq!(
        y("start") + y("new") + y("reactivated") + y("resumed") + y("expansion")
            - y("contraction")
            - y("paused")
            - y("churned")
            + y("adjustment"),
        y("end")
    );
    assert_eq!(y("end"), v["portfolio"]["revenue_t12"].as_i64().unwrap());
    assert_eq!(v["portfolio"]["fiscal_year"], "FY2026");
    let clients = v["clients"].as_array().unwrap();
    assert_eq!(clients.len(), 21);
    let ids: Vec<&str> = clients.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "clients sorted by id");
    for c in clients {
        assert_eq!(c.as_object().unwrap().len(), client_keys.len());
        for k in client_keys {
            assert!(c.get(k).is_some(), "clients.{k} missing");
        }
        // JPY money is written as whole numbers.
        assert!(
            c["revenue_ltv"].is_i64() || c["revenue_ltv"].is_u64(),
            "{}",
            c["revenue_ltv"]
        );
    }
    // The sample has churned clients and one reactivation (see scripts/gen_sample.py).
    let churned = clients.iter().filter(|c| c["segment"] == "churned").count();
    assert!(churned >= 3, "{churned}");
    let reactivated: u64 = v["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reactivated"].as_u64().unwrap())
        .sum();
    assert!(reactivated >= 1);
}

#[test]
fn cli_and_build_agree_byte_for_byte() {
    let p = copy_project(&repo());
    let (code, json, stderr) = run(p.path(), &["metrics"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        fs::read_to_string(p.path().join("site/internal/metrics.json")).unwrap(),
        json
    );

    let (code, json, _) = run(p.path(), &["metrics", "--month", "2026-06"]);
    assert_eq!(code, 0);
    let (code, _, stderr) = build(p.path(), &["--month", "2026-06"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        fs::read_to_string(p.path().join("site/internal/metrics.json")).unwrap(),
        json
    );
}

#[test]
fn later_data_never_changes_a_past_month() {
    let p = copy_project(&repo());
    let (_, json_before, _) = run(p.path(), &["metrics", "--month", "2026-08"]);
    let (_, csv_before, _) = run(p.path(), &["metrics", "--month", "2026-08", "--format", "csv"]);
    // Add data dated after 2026-08 to several clients: invoices, NPS, activity, outcomes.
    for id in ["hinode-foods", "kitahama-realty", "umi-hotels"] {
        let dir = p.path().join("data/clients").join(id);
        let mut inv = fs::read_to_string(dir.join("invoices.csv")).unwrap();
        inv.push_str("2026-09-15,999999,,upsell,\n2026-11-01,-50000,,,\n");
        fs::write(dir.join("invoices.csv"), inv).unwrap();
        if dir.join("nps.csv").exists() {
            let mut nps = fs::read_to_string(dir.join("nps.csv")).unwrap();
            nps.push_str("2026-09-30,0,,\n");
            fs::write(dir.join("nps.csv"), nps).unwrap();
        }
    }
    let (code, json_after, stderr) = run(p.path(), &["metrics", "--month", "2026-08"]);
    assert_eq!(code, 0, "{stderr}");
    let (_, csv_after, _) = run(p.path(), &["metrics", "--month", "2026-08", "--format", "csv"]);
    assert_eq!(json_before, json_after);
    assert_eq!(csv_before, csv_after);
    // ...while the default as-of month moves on.
    let (_, json_now, _) = run(p.path(), &["metrics"]);
    assert!(json_now.contains("\"as_of\": \"2026-11\""), "{}", &json_now[..80]);
}

#[test]
fn csv_format_prints_the_clients_table() {
    let (code, csv, stderr) = run(&repo(), &["metrics", "--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("id,name,channel,start_month"), "{header}");
    assert_eq!(lines.count(), 21);
}
