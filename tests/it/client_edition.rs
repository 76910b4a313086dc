//! End-to-end: the client edition of the monthly review (SPEC §7) holds
//! nothing the consultancy keeps to itself, nothing of another client, and
//! nothing outside itself; internal sections of notes stay in the briefing;
//! a client's `lang` gives it reviews in its language; `check` names the
//! note that would put another client's name into an edition.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use casebook::config::Lang;
use casebook::i18n::label;

use crate::common::*;

/// Labels of what the client edition never shows, in both languages.
const PRIVATE_LABELS: &[&str] = &[
    "health",
    "health_title",
    "segment",
    "segment_loyal",
    "segment_stable",
    "segment_at_risk",
    "segment_churned",
    "touch",
    "touch_high",
    "touch_low",
    "touch_tech",
    "signals",
    "no_signals",
    "promoters",
    "passives",
    "detractors",
    "ltv_cac",
    "avg_cac",
    "avg_cac_short",
    "predicted_ltv",
    "profit_ltv",
    "revenue_ltv",
    "cac_payback",
    "ltv_drivers",
    "cumulative_title",
    "next_step",
    "step_loyal",
    "step_stable",
    "step_at_risk",
    "step_churned",
    "confidential",
    "talking_points",
    "reason_nps",
    "reason_health",
];

/// Words of the consultancy's view that no client edition holds, whatever
/// the label wording.
const PRIVATE_WORDS: &[&str] = &[
    "LTV",
    "CAC",
    "P(alive)",
    "Predicted",
    "predicted",
    "margin",
    "Margin",
    "粗利",
    "ヘルス",
    "セグメント",
    "シグナル",
    "推奨アクション",
    "獲得コスト",
    "社内",
    "社外秘",
    "Health",
    "Segment",
    // The predictive models' forecasts (SPEC 3.9) are the consultancy's view too.
    "P(active)",
    "Expected to stay",
    "継続確率",
    "継続が見込まれます",
];

fn private_words() -> Vec<String> {
    let mut out: Vec<String> = PRIVATE_WORDS.iter().map(|w| w.to_string()).collect();
    for key in PRIVATE_LABELS {
        for lang in [Lang::En, Lang::Ja] {
            let l = label(lang, key);
            assert!(!l.is_empty(), "no label {key}");
            out.push(l.to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// (id, name, akas) of every client of a project.
fn clients(root: &Path) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(root.join("data/clients")).unwrap() {
        let entry = entry.unwrap();
        let toml: toml::Table = fs::read_to_string(entry.path().join("client.toml"))
            .unwrap()
            .parse()
            .unwrap();
        let akas = toml
            .get("aka")
            .and_then(|a| a.as_array())
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        out.push((
            entry.file_name().to_string_lossy().to_string(),
            toml["name"].as_str().unwrap().to_string(),
            akas,
        ));
    }
    out.sort();
    out
}

/// The page without its stylesheet and tags (CSS says `margin`), attribute
/// values kept apart from the text.
fn visible_text(html: &str) -> String {
    let without_style = match (html.find("<style>"), html.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &html[..a], &html[b..]),
        _ => html.to_string(),
    };
    let mut out = String::new();
    let mut in_tag = false;
    for ch in without_style.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    tree(dir)
        .into_iter()
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

#[test]
fn every_client_edition_of_the_archive_is_for_its_client_only() {
    let p = copy_project(&repo());
    let (code, out, stderr) = build(p.path(), &["--archive"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("warning"),
        "the sample builds without warnings: {stderr}"
    );
    let site = p.path().join("site");
    let editions = read_tree(&site.join("client"));
    // The overviews' tables sit beside them as CSV files.
    let briefings: Vec<String> = tree(&site.join("internal/clients"))
        .into_keys()
        .filter(|k| k.ends_with(".html") && !k.ends_with("index.html"))
        .collect();
    assert!(editions.len() > 200, "an edition per client-month: {}", editions.len());
    assert_eq!(
        editions.keys().collect::<Vec<_>>(),
        briefings.iter().collect::<Vec<_>>(),
        "one client edition beside every briefing, and nothing else in client/<id>/"
    );
    assert!(out.contains(&format!("{} client editions", editions.len())), "{out}");

    let clients = clients(p.path());
    let private = private_words();
    let mut problems = Vec::new();
    for (path, html) in &editions {
        let (owner, file) = path.split_once('/').unwrap();
        assert!(
            file.len() == "2026-10.html".len() && file.ends_with(".html") && !file.contains('/'),
            "{path}: only <YYYY-MM>.html files"
        );
        let (_, name, _) = clients.iter().find(|(id, _, _)| id == owner).unwrap();
        if !html.contains(&format!("<h1>{name}</h1>")) {
            problems.push(format!("{path}: does not name its client {name}"));
        }
        for (id, other, akas) in &clients {
            for n in std::iter::once(other).chain(akas) {
                if id != owner && html.contains(n.as_str()) {
                    problems.push(format!("{path}: names {n} (client {id})"));
                }
            }
        }
        let text = visible_text(html);
        for w in &private {
            if text.contains(w.as_str()) {
                problems.push(format!("{path}: contains the private word {w:?}"));
            }
        }
        if html.to_lowercase().contains("internal") {
            problems.push(format!("{path}: contains the word internal"));
        }
        let refs = external_references(html);
        if !refs.is_empty() {
            problems.push(format!("{path}: refers outside itself: {refs:?}"));
        }
        if html.contains("<script") {
            problems.push(format!("{path}: has a script"));
        }
        if !(html.contains("@media print") && html.contains("size: A4")) {
            problems.push(format!("{path}: no A4 print stylesheet"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The checks can fail: the briefing of the same month has every kind of
    // private word and a link out.
    let briefing = fs::read_to_string(site.join("internal/clients/hinode-foods/2026-10.html")).unwrap();
    let found: Vec<&String> = private.iter().filter(|w| briefing.contains(w.as_str())).collect();
    assert!(found.len() >= 10, "{found:?}");
    assert!(!external_references(&briefing).is_empty());
    assert!(briefing.contains("href=\"../../../client/hinode-foods/2026-10.html\""));
}

#[test]
fn the_client_edition_shows_results_fees_and_notes_of_its_month() {
    let p = copy_project(&repo());
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let html = fs::read_to_string(p.path().join("site/client/hinode-foods/2026-10.html")).unwrap();
    assert!(html.contains("Prepared for Hinode Foods Co., Ltd. by Kumo Growth Partners"));
    assert!(
        html.contains("<img src=\"data:image/svg+xml;base64,"),
        "the brand's logo, inlined"
    );
    assert!(html.contains("--accent:#0b6e8f"), "the brand's accent");
    // outcomes.csv: Ad CPA baseline 8,400, target 5,500, October 5,764:
    // (5764 − 8400) / 8400 = −31.4 %.
    assert!(
        html.contains("Ad CPA fell 31% since the baseline (¥8,400); the target is ¥5,500."),
        "{html}"
    );
    // The fees are the invoices of October: 750,000 + 300,000.
    assert!(html.contains("¥1,050,000"));
    assert!(html.contains("Monthly retainer: Performance ads, October 2026"));
    assert!(html.contains("Start 2027 planning in November"), "decisions");
    assert!(html.contains("Kumo: propose the workshop agenda"), "next actions");
    assert!(
        !html.contains("Renewal: propose the 2027 retainer"),
        "the internal section"
    );
    let briefing = fs::read_to_string(p.path().join("site/internal/clients/hinode-foods/2026-10.html")).unwrap();
    assert!(briefing.contains("Renewal: propose the 2027 retainer"));
    assert!(briefing.contains("Talking points"));
}

#[test]
fn an_internal_section_is_in_the_briefing_and_never_in_the_client_edition() {
    let p = copy_project(&repo());
    let note = p.path().join("content/clients/kawasemi-software/notes/2026-10.md");
    let mut text = fs::read_to_string(&note).unwrap();
    text.push_str(
        "\n## Internal\n\nPLANTED-SECRET-ONE: raise the fee.\n\n### Detail\n\nPLANTED-SECRET-TWO.\n\n\
         ## After the internal part\n\nPLANTED-AFTER-ONE.\n\n\
         ### 社内メモ：\n\n植えた秘密の行。\n\n### 次の節\n\n植えた後の行。\n",
    );
    fs::write(&note, text).unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let site = p.path().join("site");
    let briefing = fs::read_to_string(site.join("internal/clients/kawasemi-software/2026-10.html")).unwrap();
    let edition = fs::read_to_string(site.join("client/kawasemi-software/2026-10.html")).unwrap();
    for secret in ["PLANTED-SECRET-ONE", "PLANTED-SECRET-TWO", "植えた秘密の行"] {
        assert!(briefing.contains(secret), "the briefing shows {secret}");
        assert!(!edition.contains(secret), "the client edition shows {secret}");
    }
    for after in ["PLANTED-AFTER-ONE", "After the internal part", "植えた後の行", "次の節"] {
        assert!(
            briefing.contains(after) && edition.contains(after),
            "{after} is in both"
        );
    }
    assert!(!edition.contains("社内"));
}

#[test]
fn a_japanese_client_in_an_english_project_gets_japanese_reviews() {
    let p = copy_project(&repo());
    let toml = fs::read_to_string(p.path().join("casebook.toml")).unwrap();
    assert!(toml.contains("lang = \"en\""));
    assert!(
        fs::read_to_string(p.path().join("data/clients/tsukimi-games/client.toml"))
            .unwrap()
            .contains("lang = \"ja\"")
    );
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let site = p.path().join("site");
    let read = |rel: &str| fs::read_to_string(site.join(rel)).unwrap();
    let edition = read("client/tsukimi-games/2026-10.html");
    let briefing = read("internal/clients/tsukimi-games/2026-10.html");
    let overview = read("internal/clients/tsukimi-games/index.html");
    for page in [&edition, &briefing] {
        assert!(page.contains("<html lang=\"ja\">"));
        assert!(page.contains("月次レビュー") && page.contains("2026年10月"));
        // (The invoice descriptions are the project's own English text.)
        for english in [
            "Monthly review",
            "Results of our work",
            "Revenue this month",
            "Baseline",
            "Date",
        ] {
            assert!(!page.contains(english), "`{english}` is not translated");
        }
    }
    assert!(edition.contains("取り組みの成果") && edition.contains("今月のご請求"));
    assert!(edition.contains("Tsukimi Games 御中 — Kumo Growth Partners 作成"));
    assert!(briefing.contains("ヘルス"));
    // The rest of the internal site keeps the project's language.
    assert!(overview.contains("<html lang=\"en\">") && overview.contains("Monthly revenue since the start"));
    // An English client of the same project: English editions.
    let english = read("client/hinode-foods/2026-10.html");
    assert!(english.contains("<html lang=\"en\">") && english.contains("Results of our work"));

    // Without its lang the client's reviews are English again.
    replace_in(
        &p.path().join("data/clients/tsukimi-games/client.toml"),
        "lang = \"ja\"\n",
        "",
    );
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(read("client/tsukimi-games/2026-10.html").contains("<html lang=\"en\">"));
}

#[test]
fn an_unknown_client_lang_is_an_error_at_its_line() {
    let p = copy_project(&repo());
    let toml = p.path().join("data/clients/umi-hotels/client.toml");
    let mut text = fs::read_to_string(&toml).unwrap();
    text.push_str("lang = \"fr\"\n");
    let line = text.lines().count();
    fs::write(&toml, text).unwrap();
    let (code, _, stderr) = run(p.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("data/clients/umi-hotels/client.toml:{line}:"))
            && stderr.contains("unknown lang `fr`"),
        "{stderr}"
    );
}

#[test]
fn check_names_the_note_that_puts_another_clients_name_into_an_edition() {
    let p = copy_project(&repo());
    let (code, _, stderr) = run(p.path(), &["check"]);
    assert_eq!(code, 0, "the sample is clean: {stderr}");

    let note = p.path().join("content/clients/hinode-foods/notes/2026-10.md");
    let text = fs::read_to_string(&note).unwrap();
    let at = "- October was the best month";
    let line = text.lines().position(|l| l.starts_with(at)).unwrap() + 1;
    fs::write(
        &note,
        text.replace(at, "- As at UMI HOTELS, October was the best month"),
    )
    .unwrap();
    // An aka of another client in an invoice description too.
    replace_in(
        &p.path().join("data/clients/kawasemi-software/invoices.csv"),
        "Monthly retainer",
        "Sakura Kesho referral retainer",
    );
    let (code, _, stderr) = run(p.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    let place = format!("content/clients/hinode-foods/notes/2026-10.md:{line}:9:");
    assert!(stderr.contains(&place), "{place} in:\n{stderr}");
    assert!(stderr.contains("\"UMI HOTELS\" names client `umi-hotels`"), "{stderr}");
    assert!(
        stderr.contains("data/clients/kawasemi-software/invoices.csv:") && stderr.contains("`sakura-cosmetics`"),
        "{stderr}"
    );

    // A build warns and still builds.
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(&format!("{place} warning:")), "{stderr}");

    // Under an internal heading the name is the consultancy's business only.
    let text = fs::read_to_string(&note).unwrap();
    fs::write(
        &note,
        text.replace(
            "- As at UMI HOTELS, October",
            "## Internal\n\n- As at UMI HOTELS\n\n## Discussion, continued\n\n- October",
        ),
    )
    .unwrap();
    let (code, _, stderr) = run(p.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(!stderr.contains("hinode-foods/notes"), "{stderr}");
}

#[test]
fn the_example_note_of_init_keeps_its_internal_section_out_of_the_client_edition() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("new");
    let (code, _, stderr) = run(Path::new("."), &["init", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let note = fs::read_to_string(root.join("content/clients/example-client/notes/2026-09.md")).unwrap();
    assert!(note.contains("## Internal"));
    let (code, _, stderr) = build(&root, &["--month", "2026-09"]);
    assert_eq!(code, 0, "{stderr}");
    let briefing = fs::read_to_string(root.join("site/internal/clients/example-client/2026-09.html")).unwrap();
    let edition = fs::read_to_string(root.join("site/client/example-client/2026-09.html")).unwrap();
    let secret = "Aiko asked about a discount for 2027";
    assert!(briefing.contains(secret) && !edition.contains(secret));
    assert!(
        edition.contains("Send the updated tracking plan"),
        "the section after it"
    );
}
