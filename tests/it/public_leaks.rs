//! End-to-end regressions of the leak scan and the anonymiser (issue 11):
//! names split by markup a browser joins, short names, partial names,
//! links into the private site, control characters.

use std::fs;
use std::path::Path;

use crate::common::*;

fn fixture() -> tempfile::TempDir {
    copy_project(&repo().join("tests/fixtures/consent"))
}

fn page(root: &Path, body: &str) {
    fs::write(root.join("content/pages/about.md"), format!("# About\n\n{body}\n")).unwrap();
}

#[test]
fn names_split_by_ruby_and_other_kept_inline_elements_are_caught() {
    // Furigana, acronym, rp/rtc: each split spells a client no consent names.
    for body in [
        "Thanks to <ruby>ゼ<rt>ぜ</rt>ファー</ruby>.",
        "Thanks to Zephyr <acronym>Wid</acronym>gets.",
        "Thanks to <ruby>Zephyr<rp>(</rp><rt>z</rt><rp>)</rp> Widgets</ruby>.",
        "Thanks to <ruby>ZW<rtc>x</rtc> Holdings</ruby>.",
        "Ruby text shows too: <ruby>漢字<rt>Pendingham</rt></ruby>.",
    ] {
        let p = fixture();
        page(p.path(), body);
        let (code, _, stderr) = build(p.path(), &[]);
        assert_eq!(code, 1, "{body}: {stderr}");
        assert!(stderr.contains("pages/about/index.html"), "{body}: {stderr}");
    }
    // `check --public` reads an existing page the same way.
    let p = fixture();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    fs::write(
        p.path().join("site/public/index.html"),
        "<p>Zephyr <acronym>Wid</acronym>gets and <ruby>ゼ<rt>ぜ</rt>ファー</ruby></p>",
    )
    .unwrap();
    let (code, _, stderr) = run(p.path(), &["check", "--public", "--today", "2026-11-25"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("ファー") && stderr.contains("gets"), "{stderr}");
}

#[test]
fn an_anonymised_story_with_furigana_is_published_without_the_name() {
    let p = fixture();
    let story = p.path().join("content/clients/anon-co/story.md");
    let text = fs::read_to_string(&story).unwrap();
    fs::write(
        &story,
        format!("{text}\nWe visited <ruby>ゼ<rt>ぜ</rt>ファー</ruby> and Zephyr <acronym>Wid</acronym>gets.\n"),
    )
    .unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let html = fs::read_to_string(
        p.path()
            .join("site/public/stories/how-a-widget-maker-cut-ad-costs/index.html"),
    )
    .unwrap();
    assert!(
        html.contains("<p>We visited <ruby>a widget maker</ruby> and a widget maker.</p>"),
        "{html}"
    );
}

#[test]
fn short_names_are_scanned_as_whole_words() {
    let p = fixture();
    replace_in(
        &p.path().join("data/clients/pending-co/client.toml"),
        "name = ",
        "aka = [\"HP\", \"三井\"]\nname = ",
    );
    // Ordinary words that contain the letters are fine.
    page(p.path(), "A chip, php and HPE; 三 井.");
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    for body in ["Our work with HP.", "hp's team", "三井住友と"] {
        page(p.path(), body);
        let (code, _, stderr) = build(p.path(), &[]);
        assert_eq!(code, 1, "{body}: {stderr}");
        assert!(stderr.contains("client pending-co"), "{body}: {stderr}");
    }
}

#[test]
fn partial_names_are_caught_unless_allowed() {
    let p = fixture();
    page(p.path(), "The Zephyr team agreed.");
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("\"Zephyr\"") && stderr.contains("client anon-co"),
        "{stderr}"
    );
    let toml = p.path().join("casebook.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, format!("allow_words = [\"zephyr\"]\n{text}")).unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let about = fs::read_to_string(p.path().join("site/public/pages/about/index.html")).unwrap();
    assert!(about.contains("The Zephyr team agreed."), "{about}");
}

#[test]
fn links_into_the_private_site_are_not_published() {
    let p = fixture();
    let story = p.path().join("content/clients/full-co/story.md");
    let text = fs::read_to_string(&story).unwrap();
    fs::write(
        &story,
        format!(
            "{text}\nSee [the report](../../../internal/clients/full-co/2026-03.html), [the edition](../../../client/full-co/2026-03.html) and [the list](../../index.html).\n"
        ),
    )
    .unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("content/clients/full-co/story.md")
            && stderr.contains("../../../internal/clients/full-co/2026-03.html")
            && stderr.contains("leads out of the public site"),
        "{stderr}"
    );
    let html = fs::read_to_string(p.path().join("site/public/stories/full-story/index.html")).unwrap();
    assert!(
        !html.contains("internal/") && !html.contains("client/full-co"),
        "{html}"
    );
    assert!(
        html.contains(">the report</a>") && html.contains("href=\"../../index.html\""),
        "{html}"
    );
}

#[test]
fn control_characters_in_front_matter_do_not_break_the_feed() {
    let p = fixture();
    let story = p.path().join("content/clients/full-co/story.md");
    let text = fs::read_to_string(&story).unwrap();
    let line = |key: &str| text.lines().find(|l| l.starts_with(key)).unwrap().to_string();
    fs::write(
        &story,
        text.replace(&line("title"), "title = \"Bell\\u0007 and\\u000b tab\\tstory \\u001f\"")
            .replace(&line("summary"), "summary = \"x\\u0001y\""),
    )
    .unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let feed = fs::read_to_string(p.path().join("site/public/feed.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("{e}: {feed}"));
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title") && n.parent().is_some_and(|p| p.has_tag_name("entry")))
        .filter_map(|n| n.text())
        .collect();
    assert!(titles.contains(&"Bell and tab\tstory "), "{titles:?}");
}

#[test]
fn a_spelling_shared_by_two_clients_is_reported() {
    let p = fixture();
    replace_in(
        &p.path().join("data/clients/pending-co/client.toml"),
        "name = ",
        "aka = [\"zw holdings\"]\nname = ",
    );
    let (code, _, stderr) = run(p.path(), &["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("data/clients/pending-co/client.toml: warning: `zw holdings` also names client `anon-co`"),
        "{stderr}"
    );
}
