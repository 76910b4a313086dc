//! End-to-end: the public site publishes only what each consent allows.
//! Every test builds a fixture project and scans the files written.

use std::fs;
use std::path::Path;

use crate::common::*;
use unicode_normalization::UnicodeNormalization;

fn fixture() -> tempfile::TempDir {
    copy_project(&repo().join("tests/fixtures/consent"))
}

fn fold(s: &str) -> String {
    s.nfkc().collect::<String>().to_lowercase()
}

/// Every public file (path and text) that mentions `needle`, ignoring case
/// and Unicode width.
fn mentions(public: &Path, needle: &str) -> Vec<String> {
    let needle = fold(needle);
    tree(public)
        .into_iter()
        .filter(|(path, bytes)| fold(path).contains(&needle) || fold(&String::from_utf8_lossy(bytes)).contains(&needle))
        .map(|(path, _)| path)
        .collect()
}

fn read(public: &Path, rel: &str) -> String {
    fs::read_to_string(public.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

const ANON_SLUG: &str = "how-a-widget-maker-cut-ad-costs";

#[test]
fn only_granted_unexpired_stories_are_published() {
    let p = fixture();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let public = p.path().join("site/public");
    let files: Vec<String> = tree(&public).into_keys().collect();
    let mut want = vec![
        "404.html".to_string(),
        "assets/style.css".into(),
        "feed.xml".into(),
        "index.html".into(),
        "industries/retail/index.html".into(),
        "pages/about/index.html".into(),
        "robots.txt".into(),
        "services/ads/index.html".into(),
        "sitemap.xml".into(),
        "stories/full-story/index.html".into(),
        format!("stories/{ANON_SLUG}/index.html"),
        "stories/nofig-story/index.html".into(),
        "stories/noquote-story/index.html".into(),
        "stories/tomorrow-story/index.html".into(),
    ];
    want.sort();
    assert_eq!(files, want);

    // No trace of unpublished stories: names, titles, quotes, slugs.
    for gone in [
        "Pendingham",
        "pending-story",
        "Revokia",
        "revoked-story",
        "Nonesuch",
        "none-story",
        "Expiredale",
        "expired-story",
    ] {
        assert!(
            mentions(&public, gone).is_empty(),
            "`{gone}` appears in {:?}",
            mentions(&public, gone)
        );
    }
    // The list, feed and sitemap name exactly the published stories.
    let index = read(&public, "index.html");
    let feed = read(&public, "feed.xml");
    let sitemap = read(&public, "sitemap.xml");
    for slug in [
        "full-story",
        ANON_SLUG,
        "nofig-story",
        "noquote-story",
        "tomorrow-story",
    ] {
        assert!(
            index.contains(&format!("stories/{slug}/index.html")),
            "{slug} not listed"
        );
        assert!(
            feed.contains(&format!("https://stories.example.org/stories/{slug}/")),
            "{slug} not in feed"
        );
        assert!(
            sitemap.contains(&format!("https://stories.example.org/stories/{slug}/")),
            "{slug} not in sitemap"
        );
    }
    assert_eq!(feed.matches("<entry>").count(), 5);
    // Never a link into the internal site, never the consultancy's own figures.
    assert!(mentions(&public, "internal/").is_empty());
    for private in ["341,234", "341234", "1,601,234", "Lifetime revenue", "great"] {
        assert!(
            mentions(&public, private).is_empty(),
            "`{private}` in {:?}",
            mentions(&public, private)
        );
    }
}

#[test]
fn scopes_decide_names_figures_and_quotes() {
    let p = fixture();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let public = p.path().join("site/public");

    let full = read(&public, "stories/full-story/index.html");
    assert!(full.contains("Fullname Trading"));
    assert!(full.contains("Quote from Fullname Trading"));
    assert!(full.contains("3,456"), "figures scope shows the outcome values");
    assert!(full.contains("<svg"), "figures scope shows the outcome chart");

    let anon = read(&public, &format!("stories/{ANON_SLUG}/index.html"));
    assert!(anon.contains("a widget maker"));
    for hidden in ["Zephyr Widgets", "ZW Holdings", "ゼファー"] {
        assert!(
            mentions(&public, hidden).is_empty(),
            "`{hidden}` in {:?}",
            mentions(&public, hidden)
        );
    }
    assert!(anon.contains("3,456"), "figures without name still shows outcomes");

    let nofig = read(&public, "stories/nofig-story/index.html");
    assert!(nofig.contains("Nofigure Foods"));
    assert!(nofig.contains("Quote from Nofigure Foods"));
    for number in ["3,456", "4,321", "5,000", "3,500", "<svg"] {
        assert!(!nofig.contains(number), "`{number}` shown without figures scope");
    }
    let index = read(&public, "index.html");
    let nofig_card = index.split("nofig-story").nth(1).unwrap_or("");
    assert!(
        !nofig_card.split("</li>").next().unwrap_or("").contains('%'),
        "headline figure on a card without figures scope"
    );

    let noquote = read(&public, "stories/noquote-story/index.html");
    assert!(noquote.contains("Noquote Motors"));
    assert!(!noquote.contains("Quote from Noquote Motors"));
    assert!(mentions(&public, "Quote from Noquote").is_empty());
}

#[test]
fn every_planted_real_name_is_anonymised() {
    let p = fixture();
    let story = p.path().join("content/clients/anon-co/story.md");
    fs::write(
        &story,
        r#"+++
title = "ZEPHYR WIDGETS: a story about zephyr widgets"
summary = "Summary naming Ｚｅｐｈｙｒ Ｗｉｄｇｅｔｓ and zw holdings"
quote = "Zephyr Widgets loved it"
[consent]
status = "granted"
scope = ["figures", "quotes"]
+++
# Heading with Zephyr Widgets

## ゼファー の挑戦

Text: Zephyr  Widgets? No — Zephyr Widgets, ZEPHYR widgets, Ｚｅｐｈｙｒ Ｗｉｄｇｅｔｓ, ZW HOLDINGS.

![Logo of Zephyr Widgets](zephyr-widgets.png "Zephyr Widgets")

[Visit Zephyr Widgets](https://example.org/?q=Zephyr%20Widgets)

<span title="Zephyr Widgets">inline html with Zephyr Widgets</span>
"#,
    )
    .unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let public = p.path().join("site/public");
    for hidden in ["Zephyr Widgets", "ZW Holdings", "ゼファー", "zephyr-widgets"] {
        assert!(
            mentions(&public, hidden).is_empty(),
            "`{hidden}` survives in {:?}",
            mentions(&public, hidden)
        );
    }
    assert!(
        mentions(&public, "a widget maker").len() >= 3,
        "the alias replaces the name"
    );
    // The slug never derives from the real name or the id.
    for f in tree(&public).keys() {
        assert!(!f.contains("zephyr") && !f.contains("anon-co"), "{f}");
    }
}

#[test]
fn the_leak_scan_catches_a_name_a_custom_template_prints() {
    let p = fixture();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let before = tree(&p.path().join("site"));

    let builtin = fs::read_to_string(repo().join("templates/story.html")).unwrap();
    fs::create_dir_all(p.path().join("templates")).unwrap();
    fs::write(
        p.path().join("templates/story.html"),
        builtin.replace("</article>", "<p>Thanks to Zephyr Widgets!</p></article>"),
    )
    .unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("stories/"), "{stderr}");
    assert!(stderr.contains("Zephyr Widgets"), "{stderr}");
    assert_eq!(
        tree(&p.path().join("site")),
        before,
        "a leaking build must leave the previous site"
    );

    // `check --public` runs the same scan on an existing site.
    let (code, _, _) = run(p.path(), &["check", "--public", "--today", "2026-11-25"]);
    assert_eq!(code, 0);
    fs::write(p.path().join("site/public/index.html"), "<p>ZW Holdings</p>").unwrap();
    let (code, _, stderr) = run(p.path(), &["check", "--public", "--today", "2026-11-25"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("index.html") && stderr.contains("ZW Holdings"),
        "{stderr}"
    );
}

#[test]
fn revoking_a_consent_removes_every_trace() {
    let p = fixture();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let site = p.path().join("site");
    assert!(!mentions(&site.join("public"), "Fullname Trading").is_empty());

    let story = p.path().join("content/clients/full-co/story.md");
    let text = fs::read_to_string(&story)
        .unwrap()
        .replace("status = \"granted\"", "status = \"revoked\"");
    fs::write(&story, text).unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let public = site.join("public");
    for trace in ["Fullname Trading", "full-story", "Quote from Fullname"] {
        assert!(
            mentions(&public, trace).is_empty(),
            "`{trace}` in {:?}",
            mentions(&public, trace)
        );
    }
    assert!(!public.join("stories/full-story").exists());
}

#[test]
fn hostile_markdown_is_never_executable() {
    let p = fixture();
    let hostile = "\n<script>alert('x')</script>\n\n<img src=x onerror=\"alert(1)\">\n\n[click](javascript:alert(1))\n\n<!-- internal comment -->\n\n<a href=\"#\" onclick=\"steal()\">x</a>\n\n<iframe src=\"https://evil.example\"></iframe>\n";
    let story = p.path().join("content/clients/full-co/story.md");
    let mut text = fs::read_to_string(&story).unwrap();
    text.push_str(hostile);
    fs::write(&story, text).unwrap();
    let notes = p.path().join("content/clients/full-co/notes");
    fs::create_dir_all(&notes).unwrap();
    fs::write(notes.join("2026-03.md"), format!("# March notes\n{hostile}")).unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let site = p.path().join("site");
    let story_html = read(&site, "public/stories/full-story/index.html");
    let report_html = read(&site, "internal/clients/full-co/2026-03.html");
    assert!(report_html.contains("March notes"), "the note is in the report");
    for html in [&story_html, &report_html] {
        for bad in [
            "<script>alert",
            "onerror",
            "onclick",
            "javascript:",
            "internal comment",
            "<iframe",
        ] {
            assert!(!html.contains(bad), "`{bad}` reached the output");
        }
    }
}
