use super::*;
use crate::config::Lang;

fn en() -> Locale {
    Locale { lang: Lang::En, currency: "JPY".into() }
}
fn ja() -> Locale {
    Locale { lang: Lang::Ja, currency: "JPY".into() }
}
fn usd() -> Locale {
    Locale { lang: Lang::En, currency: "USD".into() }
}

fn text(title: &str, x: &str, y: &str) -> Text {
    Text { title: title.into(), desc: format!("{title}: description for screen readers"), x_label: x.into(), y_label: y.into() }
}

fn months(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{}-{:02}", 2024 + (i + 10) / 12, (i + 10) % 12 + 1)).collect()
}

fn months_ja(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{}年{}月", 2024 + (i + 10) / 12, (i + 10) % 12 + 1)).collect()
}

fn revenue(n: usize) -> Vec<f64> {
    (0..n).map(|i| 800_000.0 + 40_000.0 * i as f64 + 150_000.0 * ((i * 7 % 5) as f64 - 2.0)).collect()
}

/// One sample of every chart kind, in English (`false`) or Japanese (`true`).
fn gallery(jp: bool) -> Vec<(&'static str, String)> {
    let loc = if jp { ja() } else { en() };
    let m = if jp { months_ja(24) } else { months(24) };
    let tx = |en: (&str, &str, &str), ja: (&str, &str, &str)| if jp { text(ja.0, ja.1, ja.2) } else { text(en.0, en.1, en.2) };
    let rev = revenue(24);
    let cumulative: Vec<f64> = rev.iter().scan(0.0, |s, v| {
        *s += v;
        Some(*s)
    }).collect();
    let dates: Vec<String> = ["2024-11-03", "2025-02-14", "2025-05-20", "2025-08-09", "2025-11-30", "2026-02-11", "2026-05-04", "2026-08-22", "2026-10-01"]
        .iter().map(|s| s.to_string()).collect();
    let alive: Vec<f64> = (0..24).map(|i| 20.0 + i as f64 * 0.8).map(f64::round).collect();
    let churn: Vec<Option<f64>> = (0..24).map(|i| if i == 0 { None } else { Some(((i * 5) % 7) as f64 / 100.0) }).collect();
    let cohorts: Vec<String> = months(12);
    let retention: Vec<Vec<Option<f64>>> = (0..12)
        .map(|r| (0..(12 - r)).map(|k| Some(if k == 0 { 1.0 } else { 0.95f64.powi(k as i32) - 0.02 * (r % 3) as f64 })).collect())
        .collect();
    let rev_ret: Vec<Vec<Option<f64>>> = (0..12)
        .map(|r| (0..(12 - r)).map(|k| if r == 4 && k == 2 { None } else { Some(1.0 + 0.04 * k as f64 - 0.03 * (r % 4) as f64) }).collect())
        .collect();
    let ltv_series: Vec<(String, Vec<Option<f64>>)> = (0..6)
        .map(|r| (cohorts[r * 2].clone(), (0..(12 - r * 2)).map(|k| Some((k + 1) as f64 * (300_000.0 + 20_000.0 * r as f64))).collect()))
        .collect();
    vec![
        ("revenue_bars", revenue_bars(&tx(("Monthly revenue — Acme & Co. <portfolio>", "Month", "Revenue (JPY)"), ("月次売上 — Acme & Co.", "月", "売上（円）")), &loc, &m, &rev)),
        ("cumulative_ltv", cumulative_ltv(&tx(("Cumulative revenue vs CAC", "Month", "Revenue (JPY)"), ("累計売上と獲得コスト", "月", "売上（円）")), &loc, &m, &cumulative, 3_500_000.0, Some(3), if jp { "獲得コスト (CAC)" } else { "CAC" }, if jp { "損益分岐" } else { "Break-even" })),
        ("health_bars", health_bars(&tx(("Health score components", "Score (0–100)", "Component"), ("ヘルススコアの内訳", "スコア（0〜100）", "項目")), &[
            ("NPS".into(), Some(90.0)), (if jp { "売上トレンド" } else { "Revenue trend" }.into(), Some(64.5)), (if jp { "ミーティング" } else { "Meetings" }.into(), None), (if jp { "問い合わせ件数" } else { "Support tickets" }.into(), Some(35.0)),
        ])),
        ("nps_history", nps_history(&tx(("NPS responses", "Date", "Score (0–10)"), ("NPS 回答の推移", "日付", "スコア（0〜10）")), &dates, &[9, 8, 10, 6, 7, 9, 9, 10, 3], if jp { ["批判者", "中立者", "推奨者"] } else { ["Detractors", "Passives", "Promoters"] })),
        ("nps_distribution", nps_distribution(&tx(("NPS distribution, last 12 months", "Score", "Responses"), ("NPS の分布（直近12か月）", "スコア", "回答数")), &[0, 1, 0, 2, 1, 3, 4, 8, 12, 15, 9])),
        ("outcome_line", outcome_line(&tx(("Hours saved per week", "Date", "Hours"), ("週あたりの削減時間", "日付", "時間")), &dates[..6], &[4.0, 6.5, 9.0, 12.0, 13.5, 15.0], Some(4.0), Some(20.0), if jp { "時間" } else { "h" }, if jp { "ベースライン" } else { "Baseline" }, if jp { "目標" } else { "Target" })),
        ("alive_and_churn", alive_and_churn(&tx(("Alive clients and churn rate", "Month", "Clients"), ("稼働中の顧客数と解約率", "月", "顧客数")), &m, &alive, &churn, if jp { "稼働中の顧客" } else { "Alive clients" }, if jp { "解約率" } else { "Churn rate" })),
        ("flows", flows(&tx(("New, churned and reactivated clients", "Month", "Clients"), ("新規・解約・復帰の顧客数", "月", "顧客数")), &m, &[
            (if jp { "新規" } else { "New" }.into(), (0..24).map(|i| ((i * 3) % 5) as f64).collect()),
            (if jp { "解約" } else { "Churned" }.into(), (0..24).map(|i| ((i * 2) % 3) as f64).collect()),
            (if jp { "復帰" } else { "Reactivated" }.into(), (0..24).map(|i| if i % 6 == 0 { 1.0 } else { 0.0 }).collect()),
        ])),
        ("category_bars_segments", category_bars(&tx(("Clients by segment", "Clients", "Segment"), ("セグメント別の顧客数", "顧客数", "セグメント")), &[
            (if jp { "ロイヤル" } else { "Loyal" }.into(), 12.0), (if jp { "安定" } else { "Stable" }.into(), 20.0), (if jp { "リスクあり" } else { "At risk" }.into(), 5.0), (if jp { "解約済み" } else { "Churned" }.into(), 7.0),
        ], None)),
        ("category_bars_ltv_cac", category_bars(&tx(("Realised LTV:CAC by channel", "LTV:CAC (×)", "Channel"), ("チャネル別 LTV:CAC（実績）", "LTV:CAC（倍）", "チャネル")), &[
            (if jp { "紹介" } else { "Referral" }.into(), 5.2), (if jp { "展示会" } else { "Trade show" }.into(), 1.8), (if jp { "ウェブ広告" } else { "Paid search" }.into(), 2.6), ("none".into(), 0.0),
        ], Some((3.0, if jp { "健全な水準 (3.0)" } else { "Healthy (3.0)" }.into())))),
        ("heatmap_clients", heatmap(&tx(("Client retention by cohort", "Months since start", "Cohort"), ("コホート別の顧客継続率", "開始からの月数", "コホート")), &cohorts, &retention, true)),
        ("heatmap_revenue", heatmap(&tx(("Revenue retention by cohort", "Months since start", "Cohort"), ("コホート別の売上継続率", "開始からの月数", "コホート")), &cohorts, &rev_ret, true)),
        ("multi_line", multi_line(&tx(("Cumulative LTV per client by cohort", "Months since start", "LTV per client (JPY)"), ("コホート別・顧客あたり累計 LTV", "開始からの月数", "顧客あたり LTV（円）")), &loc, &(0..12).map(|k| k.to_string()).collect::<Vec<_>>(), &ltv_series)),
    ]
}

/// Writes every chart kind (English and Japanese, plus edge cases) into
/// `target/charts-gallery.html` to look at in a browser.
#[test]
fn gallery_html() {
    let dir = std::env::var("CARGO_TARGET_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target")
    });
    std::fs::create_dir_all(&dir).unwrap();
    let mut html = String::from("<!doctype html><meta charset=utf-8><title>charts</title><style>body{font-family:sans-serif;margin:16px;background:#fafafa}.g{display:grid;grid-template-columns:1fr 1fr;gap:16px}figure{margin:0;background:#fff;border:1px solid #ddd;padding:8px}figcaption{font:12px monospace;color:#888}</style>\n");
    let empty = Text::default();
    let edge: Vec<(&str, String)> = vec![
        ("empty revenue", revenue_bars(&text("Empty", "Month", "Revenue"), &en(), &[], &[])),
        ("single point ltv", cumulative_ltv(&text("Single", "Month", "Revenue"), &usd(), &months(1), &[1234.5], 500.0, Some(0), "CAC", "Break-even")),
        ("negative revenue", revenue_bars(&text("Credit notes", "Month", "Revenue"), &usd(), &months(6), &[1200.0, -300.0, 800.0, 0.0, 50.25, -1500.0])),
        ("empty heatmap", heatmap(&empty, &[], &[], true)),
        ("zero health", health_bars(&text("ヘルス", "", ""), &[])),
        ("many cohorts", multi_line(&text("Many cohorts", "Months since start", "LTV"), &en(), &(0..24).map(|k| k.to_string()).collect::<Vec<_>>(), &(0..14).map(|r| (months(14)[r].clone(), (0..(24 - r)).map(|k| Some((k + 1) as f64 * 50_000.0 * (1.0 + r as f64 / 10.0))).collect())).collect::<Vec<_>>())),
    ];
    for (lang, charts) in [("en", gallery(false)), ("ja", gallery(true)), ("edge", edge)] {
        html.push_str(&format!("<h2>{lang}</h2><div class=g>\n"));
        for (name, svg) in charts {
            html.push_str(&format!("<figure>{svg}<figcaption>{name} — {} bytes</figcaption></figure>\n", svg.len()));
        }
        html.push_str("</div>\n");
    }
    std::fs::write(dir.join("charts-gallery.html"), html).unwrap();
}
