use super::format::Ticks;
use super::*;
use crate::config::Lang;

fn en() -> Locale {
    Locale {
        lang: Lang::En,
        currency: "JPY".into(),
    }
}
fn ja() -> Locale {
    Locale {
        lang: Lang::Ja,
        currency: "JPY".into(),
    }
}
fn usd() -> Locale {
    Locale {
        lang: Lang::En,
        currency: "USD".into(),
    }
}

/// Captions as a caller writes them: the "no data" note in the language of
/// the title.
fn text(title: &str, x: &str, y: &str) -> Text {
    let ja = title.chars().any(super::svg::is_wide);
    Text {
        title: title.into(),
        desc: format!("{title}: description for screen readers"),
        x_label: x.into(),
        y_label: y.into(),
        no_data: if ja { "データなし" } else { "No data" }.into(),
    }
}

/// The legend of `revenue_bars` in the locale's language.
fn rev_legend(loc: &Locale) -> [&'static str; 2] {
    match loc.lang {
        Lang::En => ["Revenue", "3-month moving average"],
        Lang::Ja => ["売上", "3か月移動平均"],
    }
}

/// The line's legend of `cumulative_ltv` in the locale's language.
fn line_label(loc: &Locale) -> &'static str {
    match loc.lang {
        Lang::En => "Cumulative revenue",
        Lang::Ja => "累計売上",
    }
}

fn months(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{}-{:02}", 2024 + (i + 10) / 12, (i + 10) % 12 + 1))
        .collect()
}

fn months_ja(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{}年{}月", 2024 + (i + 10) / 12, (i + 10) % 12 + 1))
        .collect()
}

fn revenue(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 800_000.0 + 40_000.0 * i as f64 + 150_000.0 * ((i * 7 % 5) as f64 - 2.0))
        .collect()
}

/// One sample of every chart kind, in English (`false`) or Japanese (`true`).
fn gallery(jp: bool) -> Vec<(&'static str, String)> {
    let loc = if jp { ja() } else { en() };
    let m = if jp { months_ja(24) } else { months(24) };
    let tx = |en: (&str, &str, &str), ja: (&str, &str, &str)| {
        if jp {
            text(ja.0, ja.1, ja.2)
        } else {
            text(en.0, en.1, en.2)
        }
    };
    let rev = revenue(24);
    let cumulative: Vec<f64> = rev
        .iter()
        .scan(0.0, |s, v| {
            *s += v;
            Some(*s)
        })
        .collect();
    let dates: Vec<String> = [
        "2024-11-03",
        "2025-02-14",
        "2025-05-20",
        "2025-08-09",
        "2025-11-30",
        "2026-02-11",
        "2026-05-04",
        "2026-08-22",
        "2026-10-01",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let alive: Vec<f64> = (0..24).map(|i| 20.0 + i as f64 * 0.8).map(f64::round).collect();
    let churn: Vec<Option<f64>> = (0..24)
        .map(|i| {
            if i == 0 {
                None
            } else {
                Some(((i * 5) % 7) as f64 / 100.0)
            }
        })
        .collect();
    let cohorts: Vec<String> = months(12);
    let retention: Vec<Vec<Option<f64>>> = (0..12)
        .map(|r| {
            (0..(12 - r))
                .map(|k| {
                    Some(if k == 0 {
                        1.0
                    } else {
                        0.95f64.powi(k) - 0.02 * (r % 3) as f64
                    })
                })
                .collect()
        })
        .collect();
    let rev_ret: Vec<Vec<Option<f64>>> = (0..12)
        .map(|r| {
            (0..(12 - r))
                .map(|k| {
                    if r == 4 && k == 2 {
                        None
                    } else {
                        Some(1.0 + 0.04 * k as f64 - 0.03 * (r % 4) as f64)
                    }
                })
                .collect()
        })
        .collect();
    let ltv_series: Vec<(String, Vec<Option<f64>>)> = (0..6)
        .map(|r| {
            (
                cohorts[r * 2].clone(),
                (0..(12 - r * 2))
                    .map(|k| Some((k + 1) as f64 * (300_000.0 + 20_000.0 * r as f64)))
                    .collect(),
            )
        })
        .collect();
    vec![
        (
            "revenue_bars",
            revenue_bars(
                &tx(
                    ("Monthly revenue — Acme & Co. <portfolio>", "Month", "Revenue (JPY)"),
                    ("月次売上 — Acme & Co.", "月", "売上（円）"),
                ),
                &loc,
                &m,
                &rev,
                rev_legend(&loc),
            ),
        ),
        (
            "cumulative_ltv",
            cumulative_ltv(
                &tx(
                    ("Cumulative revenue vs CAC", "Month", "Revenue (JPY)"),
                    ("累計売上と獲得コスト", "月", "売上（円）"),
                ),
                &loc,
                &m,
                &cumulative,
                3_500_000.0,
                Some(3),
                line_label(&loc),
                if jp { "獲得コスト (CAC)" } else { "CAC" },
                if jp { "損益分岐" } else { "Break-even" },
            ),
        ),
        (
            "health_bars",
            health_bars(
                &tx(
                    ("Health score components", "Score (0–100)", "Component"),
                    ("ヘルススコアの内訳", "スコア（0〜100）", "項目"),
                ),
                &[
                    ("NPS".into(), Some(90.0)),
                    (if jp { "売上トレンド" } else { "Revenue trend" }.into(), Some(64.5)),
                    (if jp { "ミーティング" } else { "Meetings" }.into(), None),
                    (if jp { "問い合わせ件数" } else { "Support tickets" }.into(), Some(35.0)),
                ],
            ),
        ),
        (
            "nps_history",
            nps_history(
                &tx(
                    ("NPS responses", "Date", "Score (0–10)"),
                    ("NPS 回答の推移", "日付", "スコア（0〜10）"),
                ),
                &dates,
                &[9, 8, 10, 6, 7, 9, 9, 10, 3],
                if jp {
                    ["批判者", "中立者", "推奨者"]
                } else {
                    ["Detractors", "Passives", "Promoters"]
                },
            ),
        ),
        (
            "nps_distribution",
            nps_distribution(
                &tx(
                    ("NPS distribution, last 12 months", "Score", "Responses"),
                    ("NPS の分布（直近12か月）", "スコア", "回答数"),
                ),
                &[0, 1, 0, 2, 1, 3, 4, 8, 12, 15, 9],
            ),
        ),
        (
            "outcome_line",
            outcome_line(
                &tx(
                    ("Hours saved per week", "Date", "Hours"),
                    ("週あたりの削減時間", "日付", "時間"),
                ),
                &dates[..6],
                &[4.0, 6.5, 9.0, 12.0, 13.5, 15.0],
                Some(4.0),
                Some(20.0),
                if jp { "時間" } else { "h" },
                if jp { "ベースライン" } else { "Baseline" },
                if jp { "目標" } else { "Target" },
            ),
        ),
        (
            "alive_and_churn",
            alive_and_churn(
                &tx(
                    ("Alive clients and churn rate", "Month", "Clients"),
                    ("稼働中の顧客数と解約率", "月", "顧客数"),
                ),
                &m,
                &alive,
                &churn,
                if jp { "稼働中の顧客" } else { "Alive clients" },
                if jp { "解約率" } else { "Churn rate" },
            ),
        ),
        (
            "flows",
            flows(
                &tx(
                    ("New, churned and reactivated clients", "Month", "Clients"),
                    ("新規・解約・復帰の顧客数", "月", "顧客数"),
                ),
                &m,
                &[
                    (
                        if jp { "新規" } else { "New" }.into(),
                        (0..24).map(|i| ((i * 3) % 5) as f64).collect(),
                    ),
                    (
                        if jp { "解約" } else { "Churned" }.into(),
                        (0..24).map(|i| ((i * 2) % 3) as f64).collect(),
                    ),
                    (
                        if jp { "復帰" } else { "Reactivated" }.into(),
                        (0..24).map(|i| if i % 6 == 0 { 1.0 } else { 0.0 }).collect(),
                    ),
                ],
            ),
        ),
        (
            "category_bars_segments",
            category_bars(
                &tx(
                    ("Clients by segment", "Clients", "Segment"),
                    ("セグメント別の顧客数", "顧客数", "セグメント"),
                ),
                &[
                    (if jp { "ロイヤル" } else { "Loyal" }.into(), 12.0),
                    (if jp { "安定" } else { "Stable" }.into(), 20.0),
                    (if jp { "リスクあり" } else { "At risk" }.into(), 5.0),
                    (if jp { "解約済み" } else { "Churned" }.into(), 7.0),
                ],
                None,
            ),
        ),
        (
            "category_bars_ltv_cac",
            category_bars(
                &tx(
                    ("Realised LTV:CAC by channel", "LTV:CAC (×)", "Channel"),
                    ("チャネル別 LTV:CAC（実績）", "LTV:CAC（倍）", "チャネル"),
                ),
                &[
                    (if jp { "紹介" } else { "Referral" }.into(), 5.2),
                    (if jp { "展示会" } else { "Trade show" }.into(), 1.8),
                    (if jp { "ウェブ広告" } else { "Paid search" }.into(), 2.6),
                    ("none".into(), 0.0),
                ],
                Some((3.0, if jp { "健全な水準 (3.0)" } else { "Healthy (3.0)" }.into())),
            ),
        ),
        (
            "heatmap_clients",
            heatmap(
                &tx(
                    ("Client retention by cohort", "Months since start", "Cohort"),
                    ("コホート別の顧客継続率", "開始からの月数", "コホート"),
                ),
                &en(),
                &cohorts,
                &retention,
                true,
            ),
        ),
        (
            "heatmap_revenue",
            heatmap(
                &tx(
                    ("Revenue retention by cohort", "Months since start", "Cohort"),
                    ("コホート別の売上継続率", "開始からの月数", "コホート"),
                ),
                &en(),
                &cohorts,
                &rev_ret,
                true,
            ),
        ),
        (
            "multi_line",
            multi_line(
                &tx(
                    (
                        "Cumulative LTV per client by cohort",
                        "Months since start",
                        "LTV per client (JPY)",
                    ),
                    (
                        "コホート別・顧客あたり累計 LTV",
                        "開始からの月数",
                        "顧客あたり LTV（円）",
                    ),
                ),
                &loc,
                &(0..12).map(|k| k.to_string()).collect::<Vec<_>>(),
                &ltv_series,
            ),
        ),
        (
            "waterfall",
            waterfall(
                &tx(
                    ("Revenue bridge, last 12 months", "Revenue (JPY)", ""),
                    ("売上ブリッジ (直近12か月)", "売上（円）", ""),
                ),
                &loc,
                &bridge_steps(jp),
                if jp {
                    ["増加", "減少", "合計"]
                } else {
                    ["Increase", "Decrease", "Total"]
                },
            ),
        ),
        (
            "movements",
            movements(
                &tx(
                    ("Revenue movements by month", "Month", "Revenue (JPY)"),
                    ("月別の売上の増減", "月", "売上（円）"),
                ),
                &loc,
                &m,
                &movement_series(jp),
                if jp { "純増減" } else { "Net change" },
            ),
        ),
        (
            "score_history",
            score_history(
                &tx(
                    ("Health, last 12 months", "Month", "Health"),
                    ("ヘルスの推移", "月", "ヘルス"),
                ),
                &m[12..],
                &(0..12)
                    .map(|i| if i == 3 { None } else { Some(40.0 + 4.0 * i as f64) })
                    .collect::<Vec<_>>(),
                &[
                    (40.0, if jp { "要注意 (40未満)" } else { "At risk below 40" }.into()),
                    (70.0, if jp { "ロイヤル (70以上)" } else { "Loyal from 70" }.into()),
                ],
            ),
        ),
    ]
}

fn bridge_steps(jp: bool) -> Vec<(String, Step)> {
    let names_en = [
        "Start",
        "New",
        "Reactivated",
        "Resumed",
        "Expansion",
        "Contraction",
        "Paused",
        "Churned",
        "Adjustment",
        "End",
    ];
    let names_ja = [
        "期首", "新規", "復活", "再開", "拡大", "縮小", "休止", "解約", "調整", "期末",
    ];
    let names = if jp { names_ja } else { names_en };
    let values = [
        88_125_000.0,
        4_310_000.0,
        0.0,
        1_200_000.0,
        27_945_000.0,
        -7_080_000.0,
        -350_000.0,
        -1_600_000.0,
        -250_000.0,
    ];
    let mut out: Vec<(String, Step)> = Vec::new();
    out.push((names[0].into(), Step::Total(values[0])));
    for (name, v) in names[1..9].iter().zip(&values[1..]) {
        out.push((name.to_string(), Step::Delta(*v)));
    }
    out.push((names[9].into(), Step::Total(values.iter().sum())));
    out
}

fn movement_series(jp: bool) -> Vec<(String, Vec<f64>)> {
    let names = if jp {
        ["新規", "復活", "再開", "拡大", "縮小", "休止", "解約", "調整"]
    } else {
        [
            "New",
            "Reactivated",
            "Resumed",
            "Expansion",
            "Contraction",
            "Paused",
            "Churned",
            "Adjustment",
        ]
    };
    names
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let sign = if (4..7).contains(&k) { -1.0 } else { 1.0 };
            let v = (0..24)
                .map(|i| {
                    if (i + k) % 3 == 0 {
                        sign * (100_000.0 + 50_000.0 * k as f64)
                    } else {
                        0.0
                    }
                })
                .collect();
            (n.to_string(), v)
        })
        .collect()
}

/// Writes every chart kind (English and Japanese, plus edge cases) into
/// `target/charts-gallery.html` to look at in a browser.
#[test]
fn gallery_html() {
    let dir = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut html = String::from(
        "<!doctype html><meta charset=utf-8><title>charts</title><style>body{font-family:sans-serif;margin:16px;background:#fafafa}.g{display:grid;grid-template-columns:1fr 1fr;gap:16px}figure{margin:0;background:#fff;border:1px solid #ddd;padding:8px}figcaption{font:12px monospace;color:#888}</style>\n",
    );
    let empty = Text::default();
    let edge: Vec<(&str, String)> = vec![
        (
            "empty revenue",
            revenue_bars(&text("Empty", "Month", "Revenue"), &en(), &[], &[], rev_legend(&en())),
        ),
        (
            "single point ltv",
            cumulative_ltv(
                &text("Single", "Month", "Revenue"),
                &usd(),
                &months(1),
                &[1234.5],
                500.0,
                Some(0),
                line_label(&usd()),
                "CAC",
                "Break-even",
            ),
        ),
        (
            "negative revenue",
            revenue_bars(
                &text("Credit notes", "Month", "Revenue"),
                &usd(),
                &months(6),
                &[1200.0, -300.0, 800.0, 0.0, 50.25, -1500.0],
                rev_legend(&usd()),
            ),
        ),
        ("empty heatmap", heatmap(&empty, &en(), &[], &[], true)),
        ("zero health", health_bars(&text("ヘルス", "", ""), &[])),
        (
            "long labels",
            category_bars(
                &text(
                    "A title that is much too long for one line of a chart, so it must be cut somewhere sensible",
                    "Value",
                    "Category",
                ),
                &[
                    ("A category label that is rather long indeed, too long".into(), 3.0),
                    ("短い".into(), 1.0),
                    ("とても長い日本語のカテゴリ名がここに入ります".into(), 2.0),
                ],
                Some((2.5, "Reference".into())),
            ),
        ),
        (
            "flows with negative churn",
            flows(
                &text("Flows", "Month", "Clients"),
                &months(12),
                &[
                    ("New".into(), (0..12).map(|i| (i % 4) as f64).collect()),
                    ("Churned".into(), (0..12).map(|i| -((i % 3) as f64)).collect()),
                ],
            ),
        ),
        (
            "outcome percent single",
            outcome_line(
                &text("Conversion rate", "Date", "Rate"),
                &months(1),
                &[42.5],
                Some(30.0),
                None,
                "%",
                "Baseline",
                "Target",
            ),
        ),
        (
            "nps single",
            nps_history(
                &text("NPS", "Date", "Score"),
                &months(1),
                &[7],
                ["Detractors", "Passives", "Promoters"],
            ),
        ),
        (
            "heatmap 24x24",
            heatmap(
                &text("Client retention, 24 cohorts", "Months since start", "Cohort"),
                &en(),
                &months(24),
                &(0..24)
                    .map(|r| (0..(24 - r)).map(|k| Some(0.97f64.powi(k))).collect())
                    .collect::<Vec<_>>(),
                true,
            ),
        ),
        (
            "heatmap money",
            heatmap(
                &text("Revenue by cohort", "Months since start", "Cohort"),
                &en(),
                &months(4),
                &(0..4)
                    .map(|r| {
                        (0..(4 - r))
                            .map(|k| Some(1_000_000.0 * (k as f64 + 1.0) - 300_000.0 * r as f64))
                            .collect()
                    })
                    .collect::<Vec<_>>(),
                false,
            ),
        ),
        (
            "empty ja",
            alive_and_churn(
                &text("稼働中の顧客数と解約率", "月", "顧客数"),
                &[],
                &[],
                &[],
                "稼働中",
                "解約率",
            ),
        ),
        (
            "many cohorts",
            multi_line(
                &text("Many cohorts", "Months since start", "LTV"),
                &en(),
                &(0..24).map(|k| k.to_string()).collect::<Vec<_>>(),
                &(0..14)
                    .map(|r| {
                        (
                            months(14)[r].clone(),
                            (0..(24 - r))
                                .map(|k| Some((k + 1) as f64 * 50_000.0 * (1.0 + r as f64 / 10.0)))
                                .collect(),
                        )
                    })
                    .collect::<Vec<_>>(),
            ),
        ),
    ];
    for (lang, charts) in [("en", gallery(false)), ("ja", gallery(true)), ("edge", edge)] {
        html.push_str(&format!("<h2>{lang}</h2><div class=g>\n"));
        for (name, svg) in charts {
            html.push_str(&format!(
                "<figure>{svg}<figcaption>{name} — {} bytes</figcaption></figure>\n",
                svg.len()
            ));
        }
        html.push_str("</div>\n");
    }
    std::fs::write(dir.join("charts-gallery.html"), html).unwrap();
}

/// A small XML well-formedness check: balanced tags, quoted attributes, only
/// the five XML entities or numeric references after `&`, no stray `<`/`>`.
fn assert_well_formed(svg: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').unwrap_or_else(|| panic!("unclosed tag in {svg}"));
            let tag = &after[..end];
            assert!(!tag.contains('<'), "`<` inside a tag: {tag}");
            // Attribute values: every `=` is followed by a quoted value without `<`, `>` or a raw `&`.
            let quotes = tag.matches('"').count();
            assert!(quotes % 2 == 0, "unbalanced quotes: {tag}");
            check_entities(tag);
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().unwrap_or_else(|| panic!("stray </{name}>"));
                assert_eq!(open, name, "mismatched tags in {svg}");
            } else if !tag.ends_with('/') {
                let name = tag.split([' ', '\n']).next().unwrap().to_string();
                stack.push(name);
            }
            rest = &after[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            assert!(!text.contains('>'), "raw `>` in text: {text}");
            check_entities(text);
            rest = &rest[end..];
        }
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
}

fn check_entities(s: &str) {
    for (i, _) in s.match_indices('&') {
        let tail = &s[i..];
        let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
            .iter()
            .any(|e| tail.starts_with(e))
            || (tail.starts_with("&#") && tail.find(';').is_some());
        assert!(ok, "raw & in {s}");
    }
}

/// The root element and the two accessibility elements right after it.
fn check_accessible(svg: &str) {
    let first = svg.lines().next().unwrap();
    // 720 units wide; 400 for the bridge charts (see `bridge::NARROW`).
    assert!(
        first.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 ")
            || first.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 "),
        "{first}"
    );
    assert!(first.contains(" width=\"100%\""), "{first}");
    assert!(!first.contains(" height="), "fixed height on the root: {first}");
    assert!(first.contains(" role=\"img\""), "{first}");
    let labelled = first
        .split("aria-labelledby=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let ids: Vec<&str> = labelled.split(' ').collect();
    assert_eq!(ids.len(), 2);
    let mut lines = svg.lines().skip(1);
    let title = lines.next().unwrap();
    let desc = lines.next().unwrap();
    assert!(title.starts_with(&format!("<title id=\"{}\">", ids[0])), "{title}");
    assert!(desc.starts_with(&format!("<desc id=\"{}\">", ids[1])), "{desc}");
    assert!(title.ends_with("</title>") && desc.ends_with("</desc>"));
    assert!(svg.ends_with("</svg>\n"));
}

#[test]
fn every_chart_is_well_formed_accessible_and_small() {
    for jp in [false, true] {
        for (name, svg) in gallery(jp) {
            assert_well_formed(&svg);
            check_accessible(&svg);
            assert!(
                svg.contains("font-family=\"Hiragino Sans, Noto Sans CJK JP, Yu Gothic, sans-serif\""),
                "{name}"
            );
            assert!(svg.len() < 16_000, "{name} is {} bytes", svg.len());
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{name}");
        }
    }
}

#[test]
fn same_input_gives_the_same_bytes() {
    for jp in [false, true] {
        assert_eq!(gallery(jp), gallery(jp));
    }
}

#[test]
fn ids_differ_between_charts() {
    let mut ids: Vec<String> = gallery(false)
        .into_iter()
        .chain(gallery(true))
        .map(|(_, svg)| {
            svg.split("aria-labelledby=\"")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    // The same title over different data still gets a different id.
    let t = text("Revenue", "Month", "JPY");
    let a = revenue_bars(&t, &en(), &months(3), &[1.0, 2.0, 3.0], rev_legend(&en()));
    let b = revenue_bars(&t, &en(), &months(3), &[1.0, 2.0, 4.0], rev_legend(&en()));
    assert_ne!(a.lines().nth(1), b.lines().nth(1));
}

#[test]
fn a_24_month_bar_chart_is_a_few_kilobytes() {
    let svg = revenue_bars(
        &text("Revenue", "Month", "Revenue (JPY)"),
        &en(),
        &months(24),
        &revenue(24),
        rev_legend(&en()),
    );
    assert!(svg.len() < 6_000, "{} bytes", svg.len());
    // Coordinates are whole pixels and font sizes are short.
    assert!(!svg.contains(".000"), "{svg}");
}

#[test]
fn captions_and_labels_are_escaped() {
    let nasty = "R&D <\"quoted\"> 'it's' \u{1}\n";
    let t = Text {
        title: nasty.into(),
        desc: nasty.into(),
        x_label: nasty.into(),
        y_label: nasty.into(),
        no_data: "No data".into(),
    };
    let labels = vec![nasty.to_string(), "b".to_string()];
    let charts = vec![
        revenue_bars(&t, &en(), &labels, &[1.0, 2.0], rev_legend(&en())),
        cumulative_ltv(
            &t,
            &en(),
            &labels,
            &[1.0, 2.0],
            1.5,
            Some(1),
            line_label(&en()),
            nasty,
            nasty,
        ),
        health_bars(&t, &[(nasty.into(), Some(50.0)), (nasty.into(), None)]),
        nps_history(&t, &labels, &[3, 9], [nasty, nasty, nasty]),
        nps_distribution(&t, &[1; 11]),
        outcome_line(&t, &labels, &[1.0, 2.0], Some(1.0), Some(3.0), nasty, nasty, nasty),
        alive_and_churn(&t, &labels, &[3.0, 4.0], &[None, Some(0.25)], nasty, nasty),
        flows(&t, &labels, &[(nasty.into(), vec![1.0, 2.0])]),
        category_bars(&t, &[(nasty.into(), 2.0)], Some((3.0, nasty.into()))),
        heatmap(&t, &en(), &labels, &[vec![Some(1.0)], vec![Some(0.5), None]], true),
        multi_line(&t, &en(), &labels, &[(nasty.into(), vec![Some(1.0), Some(2.0)])]),
        survival_fit(&t, &labels, &[Some(1.0), Some(0.5)], &[1.0, 0.6], nasty, nasty),
    ];
    for svg in charts {
        assert_well_formed(&svg);
        check_accessible(&svg);
        assert!(svg.contains("<title id=\"cb-"), "{svg}");
        assert!(
            svg.contains(">R&amp;D &lt;&quot;quoted&quot;&gt; &apos;it&apos;s&apos;</title>"),
            "{svg}"
        );
        assert!(
            svg.contains(">R&amp;D &lt;&quot;quoted&quot;&gt; &apos;it&apos;s&apos;</desc>"),
            "{svg}"
        );
        assert!(!svg.contains('\u{1}'));
    }
}

#[test]
fn compact_money_english() {
    let cases = [
        (1_200_000.0, "¥1.2M"),
        (850_000.0, "¥850K"),
        (0.0, "¥0"),
        (999.0, "¥999"),
        (999.7, "¥1K"),
        (1_000.0, "¥1K"),
        (999_950.0, "¥1M"),
        (12_345_678.0, "¥12M"),
        (1_500_000_000.0, "¥1.5B"),
        (2_000_000_000_000.0, "¥2T"),
        (-1_200_000.0, "-¥1.2M"),
        (-0.4, "¥0"),
        (500.5, "¥501"),
    ];
    for (v, want) in cases {
        assert_eq!(compact_money(v, &en()), want, "{v}");
    }
    let usd = [
        (12_000.0, "$12K"),
        (12.5, "$12.50"),
        (12.0, "$12"),
        (950.0, "$950"),
        (-1_500.0, "-$1.5K"),
        (0.004, "$0"),
    ];
    for (v, want) in usd {
        assert_eq!(compact_money(v, &usd_loc()), want, "{v}");
    }
    let chf = Locale {
        lang: Lang::En,
        currency: "CHF".into(),
    };
    assert_eq!(compact_money(12_000.0, &chf), "12K\u{a0}CHF");
    assert_eq!(compact_money(f64::NAN, &en()), "\u{2014}");
    assert_eq!(compact_money(f64::INFINITY, &en()), "\u{2014}");
}

fn usd_loc() -> Locale {
    usd()
}

#[test]
fn compact_money_japanese() {
    let cases = [
        (1_200_000.0, "¥120万"),
        (120_000_000.0, "¥1.2億"),
        (5_000.0, "¥5,000"),
        (12_000.0, "¥1.2万"),
        (99_999_999.0, "¥1億"),
        (98_765_432.0, "¥9,877万"),
        (3_000_000_000_000.0, "¥3兆"),
        (-1_200_000.0, "-¥120万"),
    ];
    for (v, want) in cases {
        assert_eq!(compact_money(v, &ja()), want, "{v}");
    }
    let usd_ja = Locale {
        lang: Lang::Ja,
        currency: "USD".into(),
    };
    assert_eq!(compact_money(12_000.0, &usd_ja), "$1.2万");
    assert_eq!(compact_money(12.5, &usd_ja), "$12.50");
}

#[test]
fn money_ticks_are_compact_and_distinct() {
    let t = revenue_bars(
        &text("R", "M", "JPY"),
        &en(),
        &months(3),
        &[1_000_000.0, 1_900_000.0, 500_000.0],
        rev_legend(&en()),
    );
    for label in ["¥0", "¥500K", "¥1M", "¥1.5M", "¥2M"] {
        assert!(t.contains(&format!(">{label}</text>")), "{label} in {t}");
    }
    let t = revenue_bars(
        &text("R", "M", "JPY"),
        &ja(),
        &months(3),
        &[1_000_000.0, 1_900_000.0, 500_000.0],
        rev_legend(&ja()),
    );
    for label in ["¥0", "¥50万", "¥100万", "¥150万", "¥200万"] {
        assert!(t.contains(&format!(">{label}</text>")), "{label} in {t}");
    }
}

#[test]
fn ticks_are_nice_and_bounded() {
    let t = Ticks::nice(0.0, 1_930_000.0, 5, 1.0);
    assert_eq!(t.values, vec![0.0, 500_000.0, 1_000_000.0, 1_500_000.0, 2_000_000.0]);
    let t = Ticks::nice(-300.0, 1_200.0, 5, 0.01);
    assert_eq!((t.lo, t.hi, t.step), (-500.0, 1_500.0, 500.0));
    let t = Ticks::nice(0.0, 0.0, 5, 1.0);
    assert_eq!((t.lo, t.hi), (0.0, 1.0));
    let t = Ticks::nice(0.0, 3.0, 5, 1.0);
    assert_eq!(t.values, vec![0.0, 1.0, 2.0, 3.0]);
    let t = Ticks::nice(42.0, 42.0, 5, 0.0);
    assert!(t.lo < 42.0 && t.hi > 42.0);
    for (lo, hi) in [
        (f64::NAN, 1.0),
        (0.0, f64::INFINITY),
        (1e300, 1e300 * 1.0000001),
        (5.0, 1.0),
        (-1e308, 1e308),
    ] {
        let t = Ticks::nice(lo, hi, 5, 0.0);
        assert!(t.values.len() >= 2 && t.values.len() <= 26, "{lo} {hi}: {t:?}");
    }
}

#[test]
fn japanese_labels_are_written_as_given() {
    for (name, svg) in gallery(true) {
        assert!(svg.chars().any(super::svg::is_wide), "{name} has no Japanese text");
    }
    let svg = revenue_bars(
        &text("月次売上", "月", "売上（円）"),
        &ja(),
        &months_ja(2),
        &[1.0, 2.0],
        rev_legend(&ja()),
    );
    for s in [
        ">月次売上</text>",
        ">2024年11月</text>",
        ">売上（円）</text>",
        ">売上</text>",
    ] {
        assert!(svg.contains(s), "{s} in {svg}");
    }
    let svg = health_bars(&text("ヘルス", "スコア", "項目"), &[("売上".into(), None)]);
    assert!(svg.contains(">データなし</text>"), "{svg}");
}

#[test]
fn value_labels_round_halves_away_from_zero() {
    let svg = health_bars(
        &text("H", "", ""),
        &[("a".into(), Some(64.5)), ("b".into(), Some(12.49))],
    );
    assert!(svg.contains(">65</text>") && svg.contains(">12</text>"), "{svg}");
    assert_eq!(super::format::number(-2.5, 0), "-3");
    assert_eq!(super::format::number(-0.4, 0), "0");
    assert_eq!(super::format::number(1234567.25, 1), "1,234,567.3");
}

/// Every function with empty, all-zero, negative, non-finite, single-point
/// and mismatched inputs: no panic, valid SVG, a note where nothing is drawn.
#[test]
fn odd_inputs_do_not_panic() {
    let t = text("T", "X", "Y");
    let tj = text("空", "月", "円");
    let e: Vec<String> = Vec::new();
    let one = months(1);
    let three = months(3);
    let mut out: Vec<(bool, String)> = Vec::new(); // (expects a "no data" note, svg)
    for loc in [en(), ja(), usd()] {
        let note = |s: String| (true, s);
        out.push(note(revenue_bars(&t, &loc, &e, &[], rev_legend(&loc))));
        out.push(note(revenue_bars(&t, &loc, &three, &[0.0, 0.0, 0.0], rev_legend(&loc))));
        out.push((
            false,
            revenue_bars(&t, &loc, &three, &[-5.0, -1e9, -0.5], rev_legend(&loc)),
        ));
        out.push((false, revenue_bars(&t, &loc, &one, &[42.0], rev_legend(&loc))));
        out.push((
            false,
            revenue_bars(&t, &loc, &three, &[f64::NAN, f64::INFINITY, 3.0], rev_legend(&loc)),
        ));
        out.push((false, revenue_bars(&t, &loc, &three, &[1.0], rev_legend(&loc))));
        out.push(note(cumulative_ltv(
            &t,
            &loc,
            &e,
            &[],
            0.0,
            Some(5),
            line_label(&loc),
            "CAC",
            "BE",
        )));
        out.push(note(cumulative_ltv(
            &t,
            &loc,
            &three,
            &[0.0; 3],
            f64::NAN,
            None,
            line_label(&loc),
            "",
            "",
        )));
        out.push((
            false,
            cumulative_ltv(
                &t,
                &loc,
                &three,
                &[-100.0, -50.0, 10.0],
                1e12,
                Some(99),
                line_label(&loc),
                "CAC",
                "BE",
            ),
        ));
        out.push((
            false,
            cumulative_ltv(&t, &loc, &one, &[7.0], 7.0, Some(0), line_label(&loc), "CAC", "BE"),
        ));
        out.push(note(multi_line(&t, &loc, &e, &[])));
        out.push(note(multi_line(&t, &loc, &three, &[("a".into(), vec![None, None])])));
        out.push((false, multi_line(&t, &loc, &one, &[("a".into(), vec![Some(-3.0)])])));
        out.push((
            false,
            multi_line(
                &t,
                &loc,
                &three,
                &[("a".into(), vec![Some(1.0), None, Some(f64::NAN), Some(4.0)])],
            ),
        ));
    }
    out.push((true, survival_fit(&t, &e, &[], &[], "o", "f")));
    out.push((true, survival_fit(&t, &three, &[None, None], &[f64::NAN], "o", "f")));
    out.push((false, survival_fit(&t, &one, &[Some(-3.0)], &[7.0], "o", "f")));
    out.push((
        false,
        survival_fit(
            &tj,
            &three,
            &[Some(1.0), None, Some(0.4), Some(0.1)],
            &[1.0, 0.8],
            "観測",
            "モデル",
        ),
    ));
    out.push((true, health_bars(&t, &[])));
    out.push((true, health_bars(&t, &[("a".into(), None)])));
    // (the NaN row reads "No data" too)
    out.push((
        true,
        health_bars(
            &t,
            &[
                ("a".into(), Some(-20.0)),
                ("b".into(), Some(250.0)),
                ("c".into(), Some(f64::NAN)),
            ],
        ),
    ));
    out.push((
        false,
        health_bars(&t, &[("a".into(), Some(-20.0)), ("b".into(), Some(250.0))]),
    ));
    out.push((true, nps_history(&t, &e, &[], ["D", "P", "Pr"])));
    out.push((false, nps_history(&t, &one, &[0], ["D", "P", "Pr"])));
    out.push((false, nps_history(&t, &three, &[255, 11, 0], ["D", "P", "Pr"])));
    out.push((true, nps_distribution(&t, &[0; 11])));
    out.push((false, nps_distribution(&t, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])));
    out.push((true, outcome_line(&t, &e, &[], None, None, "", "", "")));
    out.push((
        false,
        outcome_line(&t, &one, &[5.0], Some(5.0), Some(5.0), "%", "B", "T"),
    ));
    out.push((
        false,
        outcome_line(&t, &three, &[-5.0, -10.0, f64::NAN], None, Some(-1.0), "件", "B", "T"),
    ));
    out.push((true, outcome_line(&t, &three, &[f64::NAN; 3], None, None, "", "", "")));
    out.push((true, alive_and_churn(&t, &e, &[], &[], "A", "C")));
    out.push((
        true,
        alive_and_churn(&t, &three, &[0.0; 3], &[None, Some(0.0), None], "A", "C"),
    ));
    out.push((false, alive_and_churn(&t, &one, &[1.0], &[None], "A", "C")));
    out.push((
        false,
        alive_and_churn(
            &t,
            &three,
            &[-1.0, 2.0, 3.0],
            &[Some(-0.5), Some(f64::NAN), Some(2.0)],
            "A",
            "C",
        ),
    ));
    out.push((true, flows(&t, &e, &[])));
    out.push((true, flows(&t, &three, &[])));
    out.push((
        true,
        flows(&t, &three, &[("n".into(), vec![0.0; 3]), ("c".into(), vec![0.0; 3])]),
    ));
    out.push((
        false,
        flows(&t, &three, &[("n".into(), vec![1.0]), ("c".into(), vec![-2.0, 3.0])]),
    ));
    out.push((true, category_bars(&t, &[], None)));
    out.push((true, category_bars(&t, &[], Some((3.0, "ref".into())))));
    out.push((
        true,
        category_bars(
            &t,
            &[("a".into(), -2.5), ("b".into(), f64::NAN)],
            Some((f64::NAN, "ref".into())),
        ),
    ));
    out.push((
        false,
        category_bars(
            &t,
            &[("a".into(), -2.5), ("b".into(), 1e9)],
            Some((f64::NAN, "ref".into())),
        ),
    ));
    out.push((false, category_bars(&t, &[("a".into(), 0.0)], None)));
    out.push((true, heatmap(&t, &en(), &[], &[], true)));
    out.push((
        true,
        heatmap(&t, &en(), &three, &[vec![None], vec![], vec![Some(f64::NAN)]], false),
    ));
    out.push((false, heatmap(&t, &en(), &one, &[vec![Some(-0.5), Some(3.0)]], true)));
    out.push((
        false,
        heatmap(&t, &en(), &three, &[vec![Some(5.0)], vec![Some(-1e6)]], false),
    ));
    out.push((
        false,
        heatmap(
            &t,
            &en(),
            &one,
            &[(0..200).map(|k| Some(k as f64 / 200.0)).collect()],
            true,
        ),
    ));
    for loc in [en(), ja(), usd()] {
        let legend = ["up", "down", "total"];
        out.push((true, waterfall(&t, &loc, &[], legend)));
        out.push((true, waterfall(&t, &loc, &[("a".into(), Step::Total(0.0))], legend)));
        out.push((
            false,
            waterfall(
                &t,
                &loc,
                &[
                    ("s".into(), Step::Total(-5.0)),
                    ("d".into(), Step::Delta(f64::NAN)),
                    ("e".into(), Step::Delta(1e12)),
                    ("x".into(), Step::Total(f64::INFINITY)),
                ],
                legend,
            ),
        ));
        out.push((true, movements(&t, &loc, &e, &[], "net")));
        out.push((true, movements(&t, &loc, &three, &[("a".into(), vec![0.0; 3])], "net")));
        out.push((
            false,
            movements(&t, &loc, &three, &[("a".into(), vec![f64::NAN, -3.0])], "net"),
        ));
    }
    out.push((true, score_history(&t, &e, &[], &[])));
    out.push((
        true,
        score_history(&t, &three, &[None, None, None], &[(40.0, "x".into())]),
    ));
    out.push((
        false,
        score_history(
            &t,
            &three,
            &[Some(f64::NAN), Some(-5.0), Some(400.0)],
            &[(f64::NAN, "y".into())],
        ),
    ));
    out.push((true, revenue_bars(&tj, &ja(), &e, &[], rev_legend(&ja()))));
    for (i, (note, svg)) in out.iter().enumerate() {
        assert_well_formed(svg);
        check_accessible(svg);
        let has_note = svg.contains(">No data</text>") || svg.contains(">データなし</text>");
        assert_eq!(*note, has_note, "case {i}: {svg}");
    }
    assert!(out.last().unwrap().1.contains(">データなし</text>"));
}

#[test]
fn long_labels_are_cut_not_spilled() {
    let long = "A very long category label that goes on and on and on ".repeat(5);
    let labels = vec![long.clone(), long.clone()];
    let t = Text {
        title: long.clone(),
        desc: String::new(),
        x_label: long.clone(),
        y_label: long.clone(),
        no_data: "No data".into(),
    };
    for svg in [
        revenue_bars(&t, &en(), &labels, &[1.0, 2.0], rev_legend(&en())),
        category_bars(&t, &[(long.clone(), 1.0)], Some((3.0, long.clone()))),
        nps_history(&t, &labels, &[1, 2], [&long, &long, &long]),
        heatmap(&t, &en(), &labels, &[vec![Some(0.5)], vec![Some(0.7)]], true),
    ] {
        assert_well_formed(&svg);
        assert!(svg.contains('…'), "{svg}");
        // Every x in the viewBox.
        for part in svg.split(" x=\"").skip(1) {
            let x: f64 = part.split('"').next().unwrap().parse().unwrap();
            assert!((0.0..=720.0).contains(&x), "x={x} in {svg}");
        }
    }
}

/// The fitted survival curve against the observed one: fractions drawn as
/// percentages on a fixed 0–100 % axis, observed values as dots, the same
/// bytes every time.
#[test]
fn survival_fit_draws_both_curves() {
    let t = text("Retention of retainers", "Months since start", "Still a client");
    let x: Vec<String> = (0..6).map(|k| k.to_string()).collect();
    let observed = [Some(1.0), Some(1.0), Some(0.9), Some(0.8), None, None];
    let fitted = [1.0, 0.95, 0.9, 0.86, 0.82, 0.78];
    let svg = survival_fit(&t, &x, &observed, &fitted, "Observed", "sBG model");
    assert_well_formed(&svg);
    check_accessible(&svg);
    assert!(svg.contains(">100%</text>") && svg.contains(">0%</text>"), "{svg}");
    assert!(svg.contains(">Observed</text>") && svg.contains(">sBG model</text>"));
    // Four observed points as dots (circles), none for the missing two.
    assert_eq!(svg.matches("r=\"2\" fill=\"#D55E00\"").count(), 4, "{svg}");
    assert_eq!(svg, survival_fit(&t, &x, &observed, &fitted, "Observed", "sBG model"));
    let other = survival_fit(
        &t,
        &x,
        &observed,
        &[1.0, 0.5, 0.4, 0.3, 0.2, 0.1],
        "Observed",
        "sBG model",
    );
    assert_ne!(svg, other);
}
