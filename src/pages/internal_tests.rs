//! The internal pages' contexts on small hand-made projects: trends,
//! downloads, the bridge in words, the report's hints and notes.

use serde_json::Value;

use super::downloads::csv_files;
use super::internal::*;
use super::{Common, months_text};
use crate::config::Lang;
use crate::metrics::testkit::*;
use crate::metrics::{Metrics, compute};
use crate::model::Project;

fn en() -> Common {
    Common::new(Lang::En, "JPY", "Test")
}

fn ja() -> Common {
    Common::new(Lang::Ja, "JPY", "Test")
}

/// Every object with `head` and `rows` in a context (a table), with its `csv` name.
fn tables(v: &Value, out: &mut Vec<(Value, Option<String>)>) {
    match v {
        Value::Object(o) => {
            if o.contains_key("head") && o.contains_key("rows") {
                out.push((v.clone(), o.get("csv").and_then(Value::as_str).map(String::from)));
            }
            o.values().for_each(|x| tables(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| tables(x, out)),
        _ => {}
    }
}

/// Three clients over 2025–2026: a grows, b shrinks, c starts in 2026.
fn portfolio() -> Project {
    project()
        .client(
            client("a")
                .channel("referral")
                .industry("Retail")
                .monthly("2025-01", "2025-12", 100)
                .monthly("2026-01", "2026-10", 150),
        )
        .client(
            client("b")
                .channel("ads")
                .industry("Food")
                .monthly("2025-01", "2025-12", 200)
                .monthly("2026-01", "2026-10", 100),
        )
        .client(client("c").industry("Retail").monthly("2026-03", "2026-10", 80))
        .build()
}

fn dashboard_of(project: &Project, m: &Metrics, before: &Metrics, year: &Metrics, c: &Common) -> Value {
    let inputs = PortfolioInputs::new(project, m).with_trends(Some(before), Some(year));
    dashboard(c, &inputs)
}

#[test]
fn every_portfolio_tile_has_its_trends() {
    let p = portfolio();
    let (m, before, year) = (
        compute(&p, month("2026-10")),
        compute(&p, month("2026-09")),
        compute(&p, month("2025-10")),
    );
    let ctx = dashboard_of(&p, &m, &before, &year, &en());
    let kpis = ctx["kpis"].as_array().unwrap();
    assert!(kpis.len() >= 16, "{}", kpis.len());
    for k in kpis {
        let n = k["trends"].as_array().unwrap().len();
        assert!(n == 2 || (n == 1 && k["label"].as_str().unwrap().contains("FY")), "{k}");
        for t in k["trends"].as_array().unwrap() {
            assert!(!t["text"].as_str().unwrap().is_empty(), "{k}");
        }
    }
    // Revenue this month: 330 now and in September (no change); a year ago
    // 300 -> +¥30 (+10.0%), better.
    let revenue = kpis.iter().find(|k| k["label"] == "Revenue this month").unwrap();
    assert_eq!(revenue["trends"][0]["text"], "no change");
    assert_eq!(revenue["trends"][1]["text"], "+¥30 (+10.0%)");
    assert_eq!(revenue["trends"][1]["tone"], "good");
    assert_eq!(revenue["trends"][1]["arrow"], "▲");
    // FY2026 to date (Jan..Oct 2026): a 1500 + b 1000 + c 640 = 3140; the
    // same months of 2025: 1000 + 2000 = 3000.
    let fy = kpis.iter().find(|k| k["label"] == "Revenue FY2026 to date").unwrap();
    assert_eq!(fy["value"], "¥3,140");
    assert_eq!(fy["trends"][0]["text"], "+¥140 (+4.7%)");
    assert_eq!(fy["trends"][0]["label"], "vs the same months of FY2025");
}

#[test]
fn trends_before_the_portfolio_existed_say_so() {
    let p = portfolio();
    let m = compute(&p, month("2025-01"));
    let none = compute(&p, month("2024-12"));
    let ctx = dashboard_of(&p, &m, &none, &compute(&p, month("2024-01")), &en());
    let first = &ctx["kpis"][0]["trends"];
    assert_eq!(first[0]["text"], "first month");
    assert_eq!(first[1]["text"], "no data a year ago");
    assert_eq!(first[0]["arrow"], "");
}

#[test]
fn every_table_of_the_dashboard_and_cohorts_has_a_csv_file() {
    let p = portfolio();
    let m = compute(&p, month("2026-10"));
    let c = en();
    let dashboard = dashboard_of(&p, &m, &m, &m, &c);
    let cohorts = cohorts(&c, &m);
    for (page, ctx, min) in [("dashboard", &dashboard, 12), ("cohorts", &cohorts, 3)] {
        let mut found = Vec::new();
        tables(ctx, &mut found);
        assert!(found.len() >= min, "{page}: {}", found.len());
        let names: Vec<String> = found
            .iter()
            .map(|(t, name)| {
                name.clone()
                    .unwrap_or_else(|| panic!("{page}: a table without a CSV file: {t}"))
            })
            .collect();
        let files = csv_files(ctx, "JPY");
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{page}: {names:?}");
        assert_eq!(files.len(), names.len());
        for (name, text) in &files {
            assert!(name.ends_with(".csv") && !name.contains('/'), "{name}");
            assert!(text.starts_with('\u{FEFF}'), "{name}");
        }
    }
    // The bridge's CSV: plain numbers, the identity holds in it.
    let files = csv_files(&dashboard, "JPY");
    let (_, bridge) = files.iter().find(|(n, _)| n == "bridge-12-months.csv").unwrap();
    // W0 = Nov 2024..Oct 2025: a 10 × 100, b 10 × 200 = 3000. W1 = Nov
    // 2025..Oct 2026: a 2 × 100 + 10 × 150 = 1700 (+700), b 2 × 200 + 10 ×
    // 100 = 1400 (−600), c 8 × 80 = 640 (new): 3740. Quick (640 + 700) / 600.
    assert_eq!(
        bridge,
        "\u{FEFF}Movement,Amount\nPrevious 12 months,3000\nNew,640\nReactivated,0\nResumed,0\n\
Expansion,700\nContraction,-600\nPaused,0\nChurned,0\nAdjustment,0\nLast 12 months,3740\nQuick ratio,2.23\n"
    );
}

#[test]
fn the_clients_table_carries_what_the_filters_need() {
    let p = portfolio();
    let m = compute(&p, month("2026-10"));
    let ctx = dashboard_of(&p, &m, &m, &m, &en());
    let rows = ctx["clients"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["industry"], "Retail");
    assert_eq!(rows[1]["channel"], "ads");
    assert_eq!(rows[2]["channel"], "none");
    assert_eq!(rows[0]["movement"], "Expansion");
    assert_eq!(rows[0]["movement_amount"], "+¥700");
    assert_eq!(rows[1]["movement_amount"], "-¥600");
    let filters = ctx["filters"].as_array().unwrap();
    let keys: Vec<&str> = filters.iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["segment", "touch", "channel", "industry"]);
    let industries: Vec<&str> = filters[3]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert_eq!(industries, ["Food", "Retail"]);
}

#[test]
fn fiscal_quarters_follow_the_fiscal_year_start() {
    let p = portfolio();
    let mut april = p.clone();
    april.config.fiscal_year_start = 4;
    let m = compute(&april, month("2026-10"));
    let ctx = dashboard_of(&april, &m, &m, &m, &en());
    let head = &ctx["fiscal"]["table"]["head"];
    assert_eq!(head[1], "Q1 (Apr–Jun)");
    assert_eq!(head[4], "Q4 (Jan–Mar)");
    let rows = ctx["fiscal"]["table"]["rows"].as_array().unwrap();
    // FY2026 first: Q1 Apr–Jun 2026 = 3 × (150 + 100 + 80) = 990; Q3 is
    // October only, to date; Q4 has not begun.
    assert_eq!(rows[0][0], "FY2026");
    assert_eq!(rows[0][1], "¥990");
    assert_eq!(rows[0][3], "¥330 (to date)");
    assert_eq!(rows[0][4], "—");
    let ja_ctx = dashboard_of(&april, &m, &m, &m, &ja());
    assert_eq!(ja_ctx["fiscal"]["table"]["head"][1], "第1四半期 (4–6月)");
}

#[test]
fn a_clients_movement_in_words() {
    let p = portfolio();
    let m = compute(&p, month("2026-10"));
    let c = en();
    let sentence = |id: &str| super::bridge::client_movement_sentence(&c, m.expect_client(id));
    // W0 = Nov 2024..Oct 2025: a 10 × 100 = 1000; W1 = Nov 2025..Oct 2026:
    // 2 × 100 + 10 × 150 = 1700: expansion 700.
    assert_eq!(
        sentence("a"),
        "Expansion: +¥700 against the previous 12 months (¥1,000 → ¥1,700)."
    );
    // b: 10 × 200 = 2000 -> 2 × 200 + 10 × 100 = 1400: contraction 600.
    assert_eq!(
        sentence("b"),
        "Contraction: -¥600 against the previous 12 months (¥2,000 → ¥1,400)."
    );
    let flat = compute(
        &project().client(client("f").monthly("2024-01", "2026-10", 100)).build(),
        month("2026-10"),
    );
    assert_eq!(
        super::bridge::client_movement_sentence(&c, flat.expect_client("f")),
        "No change against the previous 12 months (¥1,200 in both)."
    );
    assert_eq!(
        super::bridge::client_movement_sentence(&ja(), flat.expect_client("f")),
        "前の12か月から変化なし (いずれも¥1,200)。"
    );
}

#[test]
fn report_hints_read_well() {
    let p = project()
        .client(
            client("a")
                .monthly("2026-05", "2026-10", 180)
                .outcome("2026-06-30", "Conversion", "1.20", "%", "1.20", "2.00")
                .outcome("2026-09-30", "Conversion", "1.00", "%", "", "")
                .outcome("2026-09-30", "CPA", "8400", "JPY", "", "5,500")
                .outcome("2026-09-30", "Hours saved", "12.5", "hours", "", "20"),
        )
        .build();
    let c = en();
    let the_client = &p.clients[0];
    let hint = |m: &str, k: usize| {
        let mm = compute(&p, month(m));
        let before = compute(&p, month(m).plus(-6));
        let ctx = report(
            &c,
            the_client,
            mm.expect_client("a"),
            month(m),
            before.client("a"),
            None,
        );
        (ctx["kpis"][k]["hint"].as_str().unwrap().to_string(), ctx)
    };
    assert_eq!(hint("2026-10", 0).0, "vs last month ¥180: no change");
    assert_eq!(hint("2026-05", 0).0, "vs last month: first month");
    let (year, ctx) = hint("2026-10", 1);
    assert_eq!(year, "Client since May 2026");
    // The LTV drivers compare with April 2026, before the client started.
    assert_eq!(
        ctx["drivers_note"],
        "— : Client a started in May 2026, after April 2026; there is nothing to compare with yet."
    );
    assert_eq!(ctx["drivers"][0]["before"], "—");
    // Outcomes: units, and the precision they were written with.
    let outcomes = ctx["outcomes"].as_array().unwrap();
    let conv = outcomes.iter().find(|o| o["kpi"] == "Conversion").unwrap();
    assert_eq!(
        (conv["baseline"].as_str(), conv["current"].as_str()),
        (Some("1.20%"), Some("1.00%"))
    );
    assert_eq!(conv["target"], "2.00%");
    // An amount in the project's currency is money.
    let cpa = outcomes.iter().find(|o| o["kpi"] == "CPA").unwrap();
    assert_eq!(
        (cpa["current"].as_str(), cpa["target"].as_str()),
        (Some("¥8,400"), Some("¥5,500"))
    );
    // One decimal as written, also on the target written without one.
    let hours = outcomes.iter().find(|o| o["kpi"] == "Hours saved").unwrap();
    assert_eq!(
        (hours["current"].as_str(), hours["target"].as_str()),
        (Some("12.5 hours"), Some("20.0 hours"))
    );
    let charts = outcome_charts(&c, the_client, month("2026-10"));
    let rows: Vec<Vec<String>> = charts
        .iter()
        .flat_map(|ch| ch.table.as_ref().unwrap().rows.clone())
        .collect();
    assert!(
        rows.contains(&vec!["30 September 2026".to_string(), "12.5 hours".to_string()]),
        "{rows:?}"
    );
    assert!(
        rows.contains(&vec!["30 June 2026".to_string(), "1.20%".to_string()]),
        "{rows:?}"
    );
    // Six months in, the drivers compare and the note is gone.
    let p2 = project().client(client("a").monthly("2026-01", "2026-10", 180)).build();
    let mm = compute(&p2, month("2026-10"));
    let before = compute(&p2, month("2026-04"));
    let ctx = report(
        &c,
        &p2.clients[0],
        mm.expect_client("a"),
        month("2026-10"),
        before.client("a"),
        None,
    );
    assert_eq!(ctx["drivers_note"], "");
}

#[test]
fn months_are_counted_in_words() {
    assert_eq!(months_text(&en(), 1.0, 0), "1 month");
    assert_eq!(months_text(&en(), 32.0, 0), "32 months");
    assert_eq!(months_text(&en(), 1.0, 1), "1.0 months");
    assert_eq!(months_text(&ja(), 3.0, 0), "3か月");
}

#[test]
fn every_label_the_internal_pages_ask_for_exists() {
    // Every segment, touch tier, invoice kind, signal and movement occurs:
    // their labels are looked up by keys built at run time.
    let p = project()
        .client(
            client("loyal")
                .channel("referral")
                .monthly("2025-01", "2026-10", 300)
                .nps("2026-09-01", 10)
                .outcome("2026-09-30", "CPA", "8400", "JPY", "9000", "5,500"),
        )
        .client(
            client("risk")
                .monthly("2025-01", "2026-06", 500)
                .monthly("2026-07", "2026-10", 100)
                .inv_kind("2026-10-05", 50, crate::model::InvoiceKind::OneOff)
                .nps("2026-03-01", 9)
                .nps("2026-09-01", 3)
                .act("2026-03-15", "meetings", 4.0)
                .act("2026-09-15", "meetings", 0.0),
        )
        .client(client("gone").monthly("2025-01", "2025-06", 100).ended("2025-06-30"))
        .client(client("new").monthly("2026-09", "2026-10", 80))
        .build();
    let as_of = month("2026-10");
    let m = compute(&p, as_of);
    let before = compute(&p, as_of.plus(-1));
    let year = compute(&p, as_of.plus(-12));
    let six = compute(&p, as_of.plus(-6));
    for c in [en(), ja()] {
        dashboard_of(&p, &m, &before, &year, &c);
        cohorts(&c, &m);
        for client in &p.clients {
            let cm = m.expect_client(&client.id);
            let shared = client_charts(&c, client, cm, as_of);
            let history = HealthHistory {
                months: vec![(as_of, cm.health)],
                at_risk: 40.0,
                loyal: 70.0,
            };
            client_overview(&c, client, cm, &m, &[as_of], &shared, &history);
            report(&c, client, cm, as_of, six.client(&client.id), Some(&shared));
        }
    }
    assert_eq!(crate::i18n::asked_unknown(), Default::default());
}

#[test]
fn labels_are_filled_in_one_pass() {
    let fill = |pairs: &[(&str, String)]| en().fill("drivers_nothing_before", pairs);
    assert_eq!(
        fill(&[
            ("client", "Acme {start}".into()),
            ("start", "May 2026".into()),
            ("then", "April 2026".into())
        ]),
        "— : Acme {start} started in May 2026, after April 2026; there is nothing to compare with yet."
    );
    // A placeholder without a value stays as written.
    assert_eq!(ja().fill("health_loyal_from", &[]), "ロイヤル ({n}以上)");
    assert_eq!(
        ja().fill("health_loyal_from", &[("n", "70".into())]),
        "ロイヤル (70以上)"
    );
}
