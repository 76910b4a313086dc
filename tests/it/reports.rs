//! End-to-end: monthly review reports are self-contained, never cross
//! clients, and the whole internal site is translated with `lang = "ja"`.

use std::fs;
use std::path::Path;

use crate::common::*;

fn reports(site: &Path) -> Vec<(String, String)> {
    tree(&site.join("internal/clients"))
        .into_iter()
        .filter(|(p, _)| !p.ends_with("index.html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

#[test]
fn reports_are_self_contained() {
    let p = copy_project(&repo());
    let (code, _, stderr) = build(p.path(), &["--archive"]);
    assert_eq!(code, 0, "{stderr}");
    let all = reports(&p.path().join("site"));
    assert!(
        all.len() > 200,
        "the archive holds a report per client-month, got {}",
        all.len()
    );
    for (path, html) in &all {
        // The one link out: to the client edition of the same month (SPEC
        // §7), a file beside the site that is never loaded by the page.
        let (id, month) = path.rsplit_once('/').unwrap();
        let edition = format!("href=../../../client/{id}/{month}");
        let (links, refs): (Vec<String>, Vec<String>) =
            external_references(html).into_iter().partition(|r| *r == edition);
        assert!(refs.is_empty(), "{path} refers outside itself: {refs:?}");
        assert_eq!(links.len(), 1, "{path} links to its client edition");
        assert!(!html.contains("<script"), "{path} needs no JavaScript");
        assert!(
            html.contains("@media print") && html.contains("size: A4"),
            "{path} lacks the A4 print stylesheet"
        );
    }
    // The check itself can fail: a dashboard links to other pages.
    let dashboard = fs::read_to_string(p.path().join("site/internal/index.html")).unwrap();
    assert!(!external_references(&dashboard).is_empty());
}

#[test]
fn archive_writes_a_report_for_every_month_of_a_clients_life() {
    let p = copy_project(&repo());
    let (code, _, stderr) = build(p.path(), &["--archive"]);
    assert_eq!(code, 0, "{stderr}");
    let dir = p.path().join("site/internal/clients/yamabiko-brewing");
    let mut months: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html")
        .collect();
    months.sort();
    // yamabiko-brewing's last invoice is in 2025-06: with the 3-month grace it
    // is alive through 2025-08 and gets no report after that.
    assert_eq!(months.last().map(String::as_str), Some("2025-08.html"), "{months:?}");
    let overview = fs::read_to_string(dir.join("index.html")).unwrap();
    for m in &months {
        assert!(overview.contains(&format!("href=\"{m}\"")), "the overview links {m}");
    }
    // Each report is computed as of its own month.
    let june = fs::read_to_string(dir.join("2025-06.html")).unwrap();
    assert!(june.contains("June 2025"));
    assert!(!june.contains("October 2026"));
}

/// The "Invoices of the month" table of a report: its rows, as text.
fn invoice_table(html: &str) -> Vec<String> {
    let start = html
        .find("Invoices of the month")
        .or_else(|| html.find("今月の請求"))
        .expect("the invoice section");
    let rest = &html[start..];
    let end = rest.find("</table>").unwrap_or(rest.len());
    rest[..end]
        .split("<tr>")
        .skip(2) // the text before the table, the header row
        .map(|row| {
            let mut text = String::new();
            let mut in_tag = false;
            for ch in row.chars() {
                match ch {
                    '<' => {
                        in_tag = true;
                        text.push('|');
                    }
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

#[test]
fn a_report_lists_the_invoices_of_its_month_and_their_total() {
    let p = copy_project(&repo());
    let (code, _, stderr) = build(p.path(), &["--archive"]);
    assert_eq!(code, 0, "{stderr}");
    let dir = p.path().join("site/internal/clients/hinode-foods");
    let october = fs::read_to_string(dir.join("2026-10.html")).unwrap();
    assert_eq!(
        invoice_table(&october),
        [
            "29 October 2026 | Performance ads | Recurring | Monthly retainer: Performance ads, October 2026 | ¥750,000",
            "29 October 2026 | CRM automation | Recurring | CRM automation retainer, October 2026 | ¥300,000",
            "Total | ¥1,050,000",
        ]
    );
    // The month with a credit note (invoices.csv: 2025-06-30,-45000): it is
    // listed, marked, and taken off the total.
    let june = fs::read_to_string(dir.join("2025-06.html")).unwrap();
    let rows = invoice_table(&june);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows[1].contains("Credit note: May report delivered late | -¥45,000"),
        "{rows:?}"
    );
    assert_eq!(rows[2], "Total | ¥705,000");
    assert!(june.contains("class=\"num down\">-¥45,000"));
}

fn write_client(root: &Path, id: &str, name: &str, amount: u32, note: &str) {
    let dir = root.join("data/clients").join(id);
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("client.toml"),
        format!("name = \"{name}\"\nchannel = \"referral\"\n"),
    )
    .unwrap();
    let mut inv = String::from("date,amount,service\n");
    for m in 1..=9 {
        inv.push_str(&format!("2026-{m:02}-10,{amount},consulting\n"));
    }
    fs::write(dir.join("invoices.csv"), inv).unwrap();
    fs::write(
        dir.join("nps.csv"),
        format!("date,score,comment\n2026-06-01,8,{name} comment\n"),
    )
    .unwrap();
    let notes = root.join("content/clients").join(id).join("notes");
    fs::create_dir_all(&notes).unwrap();
    for m in 7..=9 {
        fs::write(
            notes.join(format!("2026-{m:02}.md")),
            format!("# {name} notes\n\n{note} (month {m})\n"),
        )
        .unwrap();
    }
}

#[test]
fn a_report_never_shows_another_clients_data() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("casebook.toml"),
        "title = \"Two clients\"\ncurrency = \"JPY\"\n",
    )
    .unwrap();
    write_client(root, "alpha", "Albatross Analytics", 123_457, "Secret alpha roadmap");
    write_client(root, "beta", "Bluebell Bakery", 987_653, "Confidential beta pricing");
    let (code, _, stderr) = build(root, &["--archive"]);
    assert_eq!(code, 0, "{stderr}");
    let site = root.join("site/internal/clients");
    let theirs = |id: &str| -> [&'static str; 6] {
        if id == "alpha" {
            [
                "Bluebell",
                "Confidential beta pricing",
                "987,653",
                "1,975,306",
                "beta/",
                "Bluebell Bakery comment",
            ]
        } else {
            [
                "Albatross",
                "Secret alpha roadmap",
                "123,457",
                "246,914",
                "alpha/",
                "Albatross Analytics comment",
            ]
        }
    };
    let mut checked = 0;
    for id in ["alpha", "beta"] {
        for (path, bytes) in tree(&site.join(id)) {
            let html = String::from_utf8(bytes).unwrap();
            let own = if id == "alpha" {
                "Albatross Analytics"
            } else {
                "Bluebell Bakery"
            };
            assert!(html.contains(own), "{id}/{path}");
            for foreign in theirs(id) {
                assert!(
                    !html.contains(foreign),
                    "{id}/{path} shows `{foreign}` of the other client"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * (9 + 1), "nine monthly reports and an overview per client");
    // The month's own note is in its report.
    let sept = fs::read_to_string(site.join("alpha/2026-09.html")).unwrap();
    assert!(sept.contains("Secret alpha roadmap (month 9)"));
    assert!(!sept.contains("(month 8)"), "only the month's own note");
}

#[test]
fn sample_reports_name_only_their_own_client() {
    let p = copy_project(&repo());
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(p.path().join("site/internal/metrics.json")).unwrap()).unwrap();
    let names: Vec<(String, String)> = v["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let all = reports(&p.path().join("site"));
    assert!(all.len() >= 15);
    for (path, html) in all {
        let owner = path.split('/').next().unwrap();
        for (id, name) in &names {
            if id != owner {
                assert!(!html.contains(name.as_str()), "{path} names {name}");
            }
        }
    }
}

#[test]
fn japanese_sites_are_translated() {
    let p = copy_project(&repo());
    let cfg = fs::read_to_string(p.path().join("casebook.toml"))
        .unwrap()
        .replace("lang = \"en\"", "lang = \"ja\"");
    assert!(cfg.contains("lang = \"ja\""));
    fs::write(p.path().join("casebook.toml"), cfg).unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let site = p.path().join("site");
    let dashboard = fs::read_to_string(site.join("internal/index.html")).unwrap();
    assert!(dashboard.contains("<html lang=\"ja\">"));
    assert!(dashboard.contains("ポートフォリオ") && dashboard.contains("2026年10月"));
    assert!(dashboard.contains("¥"), "yen amounts");
    let (_, report) = reports(&site)
        .into_iter()
        .find(|(p, _)| p.ends_with("2026-10.html"))
        .unwrap();
    assert!(report.contains("月次レビュー") && report.contains("2026年10月"));
    // The invoice table is translated (dates, kinds); its descriptions are
    // the project's own text (English in the sample) and are left out of
    // the check below.
    let rows = invoice_table(&report);
    assert!(!rows.is_empty(), "the report lists the month's invoices");
    for row in rows.iter().filter(|r| !r.starts_with("合計")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        assert!(cells[0].starts_with("2026年10月") && cells[0].ends_with('日'), "{row}");
        assert!(
            ["新規", "継続", "アップセル", "クロスセル", "単発"].contains(&cells[2]),
            "{row}"
        );
    }
    let start = report.find("今月の請求").expect("the invoice section");
    let end = start + report[start..].find("</table>").unwrap();
    let report = format!("{}{}", &report[..start], &report[end..]);
    for english in [
        "Lifetime revenue",
        "Monthly review",
        "Suggested next step",
        "Revenue this month",
        "October 2026",
    ] {
        assert!(
            !dashboard.contains(english) && !report.contains(english),
            "`{english}` is not translated"
        );
    }
    let public = fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(public.contains("導入事例"));
}
