//! End-to-end (issue 15): the revenue bridge, fiscal year and trends on the
//! built pages, a "download CSV" link beside every table of the internal
//! pages (and the file behind it), the clients table's filters without
//! JavaScript, and the Japanese site.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::common::*;

/// Every `href="…"` of links with a `download` attribute.
fn download_links(html: &str) -> Vec<String> {
    html.split("<a href=\"")
        .skip(1)
        .filter_map(|rest| {
            let (href, after) = rest.split_once('"')?;
            after.trim_start().starts_with("download").then(|| href.to_string())
        })
        .collect()
}

/// The records of a CSV file written for a page, which starts with a BOM.
fn csv_rows_bom(text: &str) -> Vec<Vec<String>> {
    assert!(text.starts_with('\u{FEFF}'), "the CSV starts with a BOM");
    csv_rows(text)
}

/// Checks that every `<table>` of the page at `rel` has a download link
/// right after it, that every link leads to a CSV file beside the page with
/// as many rows as the table, and returns the links.
fn check_tables_have_csv(site: &Path, rel: &str) -> Vec<String> {
    let html = fs::read_to_string(site.join(rel)).unwrap();
    let dir = site.join(rel).parent().unwrap().to_path_buf();
    let links = download_links(&html);
    let tables: Vec<&str> = html.split("<table").skip(1).collect();
    assert!(!tables.is_empty(), "{rel} has no table");
    for (i, t) in tables.iter().enumerate() {
        let end = t.find("</table>").unwrap();
        let after = &t[end..];
        let next_link = after.find("download>").or_else(|| after.find("\" download"));
        let next_table = after.find("<table");
        let linked = match (next_link, next_table) {
            (Some(l), Some(n)) => l < n,
            (Some(_), None) => true,
            _ => false,
        };
        assert!(linked, "{rel}: table {} has no download link after it", i + 1);
    }
    let names: BTreeSet<&String> = links.iter().collect();
    assert_eq!(names.len(), links.len(), "{rel}: a CSV file linked twice: {links:?}");
    for href in &links {
        assert!(!href.contains('/'), "{rel}: {href} is not beside the page");
        let text = fs::read_to_string(dir.join(href)).unwrap_or_else(|e| panic!("{rel}: {href}: {e}"));
        let rows = csv_rows_bom(&text);
        assert!(rows.len() >= 2, "{rel}: {href} has no data row");
        let width = rows[0].len();
        assert!(rows.iter().all(|r| r.len() == width), "{rel}: {href} is ragged");
    }
    links
}

#[test]
fn every_table_of_the_internal_pages_has_its_csv_beside_it() {
    let project = copy_project(&repo());
    let (code, _, stderr) = build(project.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let site = project.path().join("site");
    let dashboard = check_tables_have_csv(&site, "internal/index.html");
    // The dashboard's tables and the four metrics tables.
    for name in [
        "bridge-12-months.csv",
        "bridge-month.csv",
        "movements-24-months.csv",
        "revenue-by-fiscal-quarter.csv",
        "clients-table.csv",
        "metrics-clients.csv",
        "metrics-monthly.csv",
        "metrics-cohorts.csv",
        "metrics-channels.csv",
    ] {
        assert!(dashboard.iter().any(|l| l == name), "{name} not linked: {dashboard:?}");
    }
    check_tables_have_csv(&site, "internal/cohorts/index.html");
    for id in ["hinode-foods", "komorebi-cafe", "yamabiko-brewing"] {
        let links = check_tables_have_csv(&site, &format!("internal/clients/{id}/index.html"));
        assert!(links.iter().any(|l| l == "health-history.csv"), "{id}: {links:?}");
    }
    // No CSV file is left without a link (on the pages of its folder).
    for (dir, pages) in [
        ("internal", vec!["index.html"]),
        ("internal/cohorts", vec!["index.html"]),
    ] {
        let linked: Vec<String> = pages
            .iter()
            .flat_map(|p| download_links(&fs::read_to_string(site.join(dir).join(p)).unwrap()))
            .collect();
        for entry in fs::read_dir(site.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".csv") {
                assert!(linked.contains(&name), "{dir}/{name} is not linked");
            }
        }
    }
}

#[test]
fn the_bridge_on_the_dashboard_is_the_metrics_bridge() {
    let project = copy_project(&repo());
    let (code, _, stderr) = build(project.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let site = project.path().join("site/internal");
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(site.join("metrics.json")).unwrap()).unwrap();
    for (file, key) in [
        ("bridge-12-months.csv", "bridge_t12"),
        ("bridge-month.csv", "bridge_month"),
    ] {
        let rows = csv_rows_bom(&fs::read_to_string(site.join(file)).unwrap());
        let b = &v["portfolio"][key];
        let amount = |i: usize| {
            rows[i][1]
                .parse::<i64>()
                .unwrap_or_else(|_| panic!("{file}: {:?}", rows[i]))
        };
        assert_eq!(amount(1), b["start"].as_i64().unwrap(), "{file}");
        // Gains positive, losses negative, in SPEC order.
        let signs = [1, 1, 1, 1, -1, -1, -1, 1];
        let fields = [
            "new",
            "reactivated",
            "resumed",
            "expansion",
            "contraction",
            "paused",
            "churned",
            "adjustment",
        ];
        let mut sum = amount(1);
        for (k, (field, sign)) in fields.iter().zip(signs).enumerate() {
            assert_eq!(amount(2 + k), sign * b[*field].as_i64().unwrap(), "{file}: {field}");
            sum += amount(2 + k);
        }
        assert_eq!(amount(10), b["end"].as_i64().unwrap(), "{file}");
        assert_eq!(sum, amount(10), "{file}: the identity");
    }
    let html = fs::read_to_string(site.join("index.html")).unwrap();
    assert!(html.contains("Revenue bridge, 12 months"));
    assert!(html.contains("Revenue movements, last 24 months"));
    assert!(html.contains("Revenue FY2026 to date"));
    // Trends on the tiles: two lines each (the fiscal year's tile has one).
    let tiles = html.matches("<div class=\"tile\">").count();
    let trends = html.matches("<div class=\"trend ").count();
    assert_eq!(trends, 2 * tiles - 1, "{tiles} tiles, {trends} trend lines");
    // A client's movement in words on its overview.
    let overview = fs::read_to_string(site.join("clients/hinode-foods/index.html")).unwrap();
    let c = v["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "hinode-foods")
        .unwrap();
    assert_eq!(c["bridge_t12_kind"], "expansion");
    let amount = thousands(&c["bridge_t12_amount"].as_i64().unwrap().to_string());
    assert!(
        overview.contains(&format!("Expansion: +¥{amount} against the previous 12 months")),
        "{amount}"
    );
    assert!(overview.contains("Health score, last 12 months"));
}

#[test]
fn the_clients_table_is_complete_without_javascript() {
    let project = copy_project(&repo());
    let (code, _, stderr) = build(project.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let html = fs::read_to_string(project.path().join("site/internal/index.html")).unwrap();
    // The filters are hidden until the script shows them; every row is there.
    assert!(html.contains("<form class=\"filters noprint\" id=\"client-filters\" hidden>"));
    let table = &html[html.find("<table id=\"clients\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows: Vec<&str> = table.split("<tr data-segment=").skip(1).collect();
    assert_eq!(rows.len(), 21);
    for r in &rows {
        assert!(!r.split('>').next().unwrap().contains("hidden"), "{r}");
        for attr in ["data-touch=", "data-channel=", "data-industry="] {
            assert!(r.contains(attr), "{attr} missing: {r}");
        }
    }
    for select in ["segment", "touch", "channel", "industry"] {
        assert!(html.contains(&format!("<select data-filter=\"{select}\">")), "{select}");
    }
}

#[test]
fn fiscal_years_from_april_and_a_japanese_dashboard() {
    let project = copy_project(&repo());
    replace_in(
        &project.path().join("casebook.toml"),
        "lang = \"en\"",
        "lang = \"ja\"\nfiscal_year_start = 4",
    );
    let (code, _, stderr) = build(project.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let site = project.path().join("site/internal");
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(site.join("metrics.json")).unwrap()).unwrap();
    // As of 2026-10 with April years: FY2026 (April 2026 – March 2027).
    assert_eq!(v["portfolio"]["fiscal_year"], "FY2026");
    let april_to_october: i64 = v["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["month"].as_str().unwrap() >= "2026-04")
        .map(|r| r["revenue"].as_i64().unwrap())
        .sum();
    assert_eq!(v["portfolio"]["revenue_fytd"].as_i64().unwrap(), april_to_october);
    let html = fs::read_to_string(site.join("index.html")).unwrap();
    for ja in [
        "売上ブリッジ (12か月)",
        "売上の増減 (直近24か月)",
        "FY2026 累計売上",
        "第1四半期 (4–6月)",
        "前月比",
        "前年同月比",
        "CSVをダウンロード",
    ] {
        assert!(html.contains(ja), "{ja} missing");
    }
    for en in [
        "Revenue bridge",
        "Download CSV",
        "vs last month",
        "Reactivated",
        "no change",
    ] {
        assert!(!html.contains(en), "English `{en}` on the Japanese dashboard");
    }
    let quarters = csv_rows_bom(&fs::read_to_string(site.join("revenue-by-fiscal-quarter.csv")).unwrap());
    assert_eq!(quarters[1][0], "FY2026");
    // A bad fiscal_year_start (line 6, after `lang`) stops the build with its position.
    replace_in(
        &project.path().join("casebook.toml"),
        "fiscal_year_start = 4",
        "fiscal_year_start = 13",
    );
    let (code, _, stderr) = build(project.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("casebook.toml:6:21: `fiscal_year_start` must be a month number from 1 to 12, not 13"),
        "{stderr}"
    );
}
