//! Acceptance tests of issue 5 that sit in the publishing rules: projects
//! are built in code.

use std::path::PathBuf;

use jiff::civil::{Date, date};

use super::*;
use crate::config::Config;
use crate::model::{Client, Consent, ConsentStatus, Project, Story};

const TODAY: Date = date(2026, 10, 15);
fn as_of() -> crate::month::Month {
    crate::month::Month::of(TODAY)
}

fn client(id: &str, name: &str) -> Client {
    Client::new(id, name)
}

fn story(title: &str, status: ConsentStatus, scope: &[&str]) -> Story {
    Story {
        title: title.to_string(),
        slug: None,
        summary: None,
        date: None,
        quote: None,
        image: None,
        image_alt: None,
        consent: Consent {
            status,
            granted_on: None,
            approved_by: None,
            expires: None,
            scope: scope.iter().map(|s| s.to_string()).collect(),
        },
        markdown: String::new(),
        path: PathBuf::new(),
    }
}

/// A small builder: `Build::new().client(..).story(..)...project()`.
struct Build {
    clients: Vec<Client>,
}

impl Build {
    fn new() -> Self {
        Build { clients: Vec::new() }
    }

    fn client(mut self, id: &str, name: &str) -> Self {
        self.clients.push(client(id, name));
        self
    }

    fn last(&mut self) -> &mut Client {
        self.clients.last_mut().expect("add a client first")
    }

    fn alias(mut self, alias: &str) -> Self {
        self.last().alias = Some(alias.to_string());
        self
    }

    fn aka(mut self, aka: &[&str]) -> Self {
        self.last().aka = aka.iter().map(|s| s.to_string()).collect();
        self
    }

    fn industry(mut self, industry: &str) -> Self {
        self.last().industry = Some(industry.to_string());
        self
    }

    fn outcome(mut self, kpi: &str) -> Self {
        self.last().outcomes.push(crate::model::OutcomeRow {
            date: date(2026, 1, 1),
            kpi: kpi.to_string(),
            value: 10.0,
            unit: String::new(),
            baseline: None,
            target: None,
            higher_is_better: true,
            line: 2,
        });
        self
    }

    fn story(mut self, title: &str, status: ConsentStatus, scope: &[&str]) -> Self {
        let c = self.last();
        let mut s = story(title, status, scope);
        s.path = PathBuf::from(format!("content/clients/{}/story.md", c.id));
        c.story = Some(s);
        self
    }

    fn with_story(mut self, f: impl FnOnce(&mut Story)) -> Self {
        f(self.last().story.as_mut().expect("add a story first"));
        self
    }

    fn project(mut self) -> Project {
        self.clients.sort_by(|a, b| a.id.cmp(&b.id));
        Project {
            fingerprints: Default::default(),
            config_fingerprint: String::new(),
            root: PathBuf::from("/nonexistent/casebook-test"),
            config: Config::with_defaults("T", "JPY"),
            clients: self.clients,
            pages: Vec::new(),
        }
    }
}

use ConsentStatus::{Granted, None as NoConsent, Pending, Revoked};

const ALL: &[&str] = &["name", "figures", "quotes"];

/// One story per consent case (issue 5).
fn consent_cases() -> Project {
    let full = |b: Build, id: &str, status, scope: &[&str]| {
        b.client(id, &format!("Realname {id} Inc"))
            .alias(&format!("alias of {id}"))
            .outcome(&format!("Orders of {id}"))
            .story(&format!("Story of {id}"), status, scope)
            .with_story(|s| {
                s.quote = Some(format!("Quote of {id}"));
                s.summary = Some(format!("Summary of {id}"));
                s.markdown = format!("Body of {id}\n");
            })
    };
    let b = Build::new();
    let b = full(b, "full", Granted, ALL);
    let b = full(b, "anon", Granted, &["figures", "quotes"]);
    let b = full(b, "nofig", Granted, &["name", "quotes"]);
    let b = full(b, "noquote", Granted, &["name", "figures"]);
    let b = full(b, "pending", Pending, ALL);
    let b = full(b, "revoked", Revoked, ALL);
    let b = full(b, "none", NoConsent, ALL);
    let b = full(b, "expired", Granted, ALL).with_story(|s| s.consent.expires = Some(TODAY.yesterday().unwrap()));
    let b = full(b, "today", Granted, ALL).with_story(|s| s.consent.expires = Some(TODAY));
    full(b, "tomorrow", Granted, ALL)
        .with_story(|s| s.consent.expires = Some(TODAY.tomorrow().unwrap()))
        .client("nostory", "Realname nostory Inc")
        .project()
}

fn find<'a>(stories: &'a [PublicStory], id: &str) -> Option<&'a PublicStory> {
    stories.iter().find(|s| s.title == format!("Story of {id}"))
}

#[test]
fn consent_gate_publishes_only_granted_unexpired_stories() {
    let p = consent_cases();
    let stories = public_stories(&p, TODAY, as_of());
    let mut ids: Vec<&str> = stories
        .iter()
        .map(|s| s.title.trim_start_matches("Story of "))
        .collect();
    ids.sort();
    assert_eq!(ids, ["anon", "full", "nofig", "noquote", "today", "tomorrow"]);

    let full = find(&stories, "full").unwrap();
    assert_eq!(full.display_name, "Realname full Inc");
    assert_eq!(full.title, "Story of full");
    assert_eq!(full.quote.as_deref(), Some("Quote of full"));
    assert_eq!(full.outcomes.len(), 1);
    assert_eq!(full.outcomes[0].kpi, "Orders of full");

    let anon = find(&stories, "anon").unwrap();
    assert_eq!(anon.display_name, "alias of anon");
    assert_eq!(anon.outcomes.len(), 1);
    assert_eq!(anon.quote.as_deref(), Some("Quote of anon"));

    let nofig = find(&stories, "nofig").unwrap();
    assert!(nofig.outcomes.is_empty());
    assert_eq!(nofig.display_name, "Realname nofig Inc");
    assert_eq!(nofig.quote.as_deref(), Some("Quote of nofig"));

    let noquote = find(&stories, "noquote").unwrap();
    assert_eq!(noquote.outcomes.len(), 1);
    assert_eq!(noquote.quote, None);

    // Expiring today is still valid today, and tomorrow's expiry too.
    assert!(find(&stories, "today").is_some());
    assert!(find(&stories, "tomorrow").is_some());
    // The day after, "today" is gone.
    let later = public_stories(&p, TODAY.tomorrow().unwrap(), as_of());
    assert!(find(&later, "today").is_none());
    assert!(find(&later, "tomorrow").is_some());
    // Revoking removes the story.
    let mut revoked = p.clone();
    for c in &mut revoked.clients {
        if let Some(s) = &mut c.story {
            s.consent.status = Revoked;
        }
    }
    assert_eq!(public_stories(&revoked, TODAY, as_of()), []);
}

#[test]
fn unpublished_stories_leave_no_trace_in_public_values() {
    let p = consent_cases();
    let stories = public_stories(&p, TODAY, as_of());
    let everything = format!("{stories:?}");
    for id in ["pending", "revoked", "none", "expired", "nostory"] {
        assert!(!everything.contains(&format!("of {id}")), "{id} leaked: {everything}");
    }
}

#[test]
fn stories_are_sorted_by_date_desc_then_slug() {
    let p = Build::new()
        .client("a", "Alpha Ltd")
        .story("Zeta", Granted, ALL)
        .with_story(|s| s.date = Some(date(2026, 1, 1)))
        .client("b", "Beta Ltd")
        .story("Eta", Granted, ALL)
        .with_story(|s| s.date = Some(date(2026, 5, 1)))
        .client("c", "Gamma Ltd")
        .story("Alpha story", Granted, ALL)
        .with_story(|s| s.date = Some(date(2026, 1, 1)))
        .client("d", "Delta Ltd")
        .story("Undated", Granted, ALL)
        .project();
    let slugs: Vec<String> = public_stories(&p, TODAY, as_of()).into_iter().map(|s| s.slug).collect();
    assert_eq!(slugs, ["eta", "alpha-story", "zeta", "undated"]);
}

/// The real name planted in every field of an anonymised story.
fn planted() -> Project {
    Build::new()
        .client("acme", "Acme Corporation")
        .alias("a mid-sized manufacturer")
        .aka(&["ACME", "Acme Corp.", "アクメ"])
        .industry("Manufacturing (Acme group)")
        .story("How Acme cut ad CPA by 30%", Granted, &["figures", "quotes"])
        .with_story(|s| {
            s.summary = Some("ACME CORPORATION and Ａｃｍｅ in one line".to_string());
            s.quote = Some("“Acme's reviews changed everything” — Acme Corp.".to_string());
            s.markdown = "# Acme, a year later\n\n\
                ![Acme logo](https://cdn.example/acme-logo.png)\n\n\
                We met [Acme's team](https://www.acme.com/team) at the Ａｃｍｅ　Corporation HQ.\n\
                Acme\nCorporation grew; acme-corp.com and info@acme.com stay private.\n\n\
                ## アクメの成果\n\n\
                Ac&#109;e and A&#x63;me are encoded.\n"
                .to_string();
        })
        .project()
}

#[test]
fn anonymised_story_has_no_trace_of_the_name() {
    let p = planted();
    let stories = public_stories(&p, TODAY, as_of());
    let s = &stories[0];
    let client = &p.clients[0];
    let anon = Anonymiser::for_client(client, &[]);
    let fields = [
        s.slug.as_str(),
        &s.title,
        s.summary.as_deref().unwrap(),
        s.quote.as_deref().unwrap(),
        &s.display_name,
        s.industry.as_deref().unwrap(),
        &s.body_markdown,
    ];
    for f in fields {
        assert!(!anon.matches(f), "name survives in {f:?}");
        assert!(!f.to_lowercase().contains("acme"), "name survives in {f:?}");
        assert!(!f.contains("アクメ"), "name survives in {f:?}");
    }
    assert_eq!(s.display_name, "a mid-sized manufacturer");
    assert_eq!(s.title, "How a mid-sized manufacturer cut ad CPA by 30%");
    assert_eq!(s.slug, "how-a-mid-sized-manufacturer-cut-ad-cpa-by-30");
    assert!(
        s.body_markdown
            .starts_with("# A mid-sized manufacturer, a year later\n"),
        "{}",
        s.body_markdown
    );
    // The rendered page is clean as well, and the leak scan agrees.
    let html = crate::markdown::to_safe_html(&s.body_markdown);
    assert!(!html.to_lowercase().contains("acme"), "{html}");
    assert!(!html.contains("アクメ"), "{html}");
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("stories").join(&s.slug);
    std::fs::create_dir_all(&page).unwrap();
    std::fs::write(
        page.join("index.html"),
        format!("<title>{}</title>{html}<p>{}</p>", s.title, s.quote.as_deref().unwrap()),
    )
    .unwrap();
    assert_eq!(scan_dir(dir.path(), &forbidden_names(&p, TODAY)).unwrap(), []);
    // ...and catches the name that a custom template prints on purpose.
    std::fs::write(
        dir.path().join("extra.html"),
        format!("<meta content=\"{}\">", client.name),
    )
    .unwrap();
    let leaks = scan_dir(dir.path(), &forbidden_names(&p, TODAY)).unwrap();
    assert_eq!(leaks.len(), 1, "{leaks:?}");
    assert_eq!(leaks[0].client_id, "acme");
}

#[test]
fn japanese_names_are_anonymised_and_get_a_hashed_slug() {
    let p = Build::new()
        .client("sample", "株式会社サンプル")
        .alias("ある製造業の企業")
        .aka(&["サンプル社"])
        .story("株式会社サンプルが広告費を30%削減", Granted, &["figures"])
        .with_story(|s| s.markdown = "ｻﾝﾌﾟﾙ社の担当者と、株式会社サンプルの本社で。".to_string())
        .project();
    let s = &public_stories(&p, TODAY, as_of())[0];
    assert_eq!(s.title, "ある製造業の企業が広告費を30%削減");
    assert_eq!(
        s.body_markdown,
        "ある製造業の企業の担当者と、ある製造業の企業の本社で。"
    );
    assert!(
        s.slug.starts_with("story-") && s.slug.len() == "story-".len() + 8,
        "{}",
        s.slug
    );
    assert!(crate::input::ids::is_valid_slug(&s.slug));
    // Stable: the same title gives the same URL.
    assert_eq!(s.slug, public_stories(&p, TODAY, as_of())[0].slug);
}

#[test]
fn slug_never_derives_from_name_or_id_when_anonymised() {
    let base = || {
        Build::new()
            .client("acme-corp", "Acme Corp")
            .alias("a retailer")
            .aka(&["ACME"])
    };
    // Explicit slugs that give the client away are ignored (and reported).
    for bad in ["acme-retail", "acmecorp-story", "story-acme-corp", "cpa-acme"] {
        let p = base()
            .story("Cutting CPA", Granted, &["figures"])
            .with_story(|s| s.slug = Some(bad.to_string()))
            .project();
        let c = &p.clients[0];
        let slug = public_slug(c, c.story.as_ref().unwrap(), &[]);
        assert_eq!(slug, "cutting-cpa", "{bad}");
        let errors = validate_stories(&p);
        assert_eq!(errors.len(), 1, "{bad}: {errors:?}");
        assert!(errors[0].2.contains(&format!("slug `{bad}`")), "{errors:?}");
    }
    // A harmless explicit slug is kept.
    let p = base()
        .story("Cutting CPA", Granted, &["figures"])
        .with_story(|s| s.slug = Some("retail-cpa".into()))
        .project();
    let c = &p.clients[0];
    assert_eq!(public_slug(c, c.story.as_ref().unwrap(), &[]), "retail-cpa");
    assert_eq!(validate_stories(&p), []);
    // A derived slug is built from the anonymised title.
    let p = base().story("How ACME cut CPA", Granted, &[]).project();
    let c = &p.clients[0];
    assert_eq!(public_slug(c, c.story.as_ref().unwrap(), &[]), "how-a-retailer-cut-cpa");
    // The id is private too: a title that spells it falls back to a hash.
    let p = Build::new()
        .client("retail", "Zebra Stores")
        .industry("retail")
        .story("Zebra Stores and its retail growth", Granted, &[])
        .project();
    let c = &p.clients[0];
    let slug = public_slug(c, c.story.as_ref().unwrap(), &[]);
    assert!(slug.starts_with("story-"), "{slug}");
    // With "name" in scope the name may be in the slug.
    let p = base()
        .story("How Acme cut CPA", Granted, ALL)
        .with_story(|s| s.slug = Some("acme-cpa".into()))
        .project();
    let c = &p.clients[0];
    assert_eq!(public_slug(c, c.story.as_ref().unwrap(), &[]), "acme-cpa");
    assert_eq!(validate_stories(&p), []);
}

#[test]
fn duplicate_slugs_are_reported_on_the_second_story() {
    let p = Build::new()
        .client("a", "Alpha Ltd")
        .story("Retail growth", Granted, ALL)
        .client("b", "Beta Ltd")
        .story("Other", Pending, ALL)
        .with_story(|s| s.slug = Some("retail-growth".into()))
        .client("c", "Gamma Ltd")
        .story("Unique", Granted, ALL)
        .project();
    let errors = validate_stories(&p);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (path, line, message) = &errors[0];
    assert_eq!(path, &PathBuf::from("content/clients/b/story.md"));
    assert_eq!(*line, None);
    assert!(
        message.contains("retail-growth") && message.contains("content/clients/a/story.md"),
        "{message}"
    );
}

#[test]
fn an_alias_that_contains_the_name_is_an_error() {
    let p = Build::new()
        .client("acme", "Acme")
        .alias("Acme's parent company")
        .story("S", Granted, &[])
        .client("beta", "Beta")
        .industry("Beta-style retail")
        .story("T", Granted, &["figures"])
        .client("gamma", "Gamma")
        .alias("Gamma group")
        .story("U", Granted, ALL)
        .project();
    let errors = validate_stories(&p);
    let paths: Vec<&PathBuf> = errors.iter().map(|e| &e.0).collect();
    assert_eq!(
        paths,
        [
            &PathBuf::from("data/clients/acme/client.toml"),
            &PathBuf::from("data/clients/beta/client.toml")
        ],
        "{errors:?}"
    );
    assert!(errors[1].2.contains("industry"), "{errors:?}");
}

#[test]
fn validation_reports_lines_from_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let story_path = PathBuf::from("content/clients/acme/story.md");
    std::fs::create_dir_all(dir.path().join("content/clients/acme")).unwrap();
    std::fs::write(
        dir.path().join(&story_path),
        "+++\ntitle = \"T\"\nslug = \"acme-story\"\n+++\nbody\n",
    )
    .unwrap();
    let mut p = Build::new()
        .client("acme", "Acme")
        .story("T", Granted, &[])
        .with_story(|s| s.slug = Some("acme-story".into()))
        .project();
    p.root = dir.path().to_path_buf();
    let errors = validate_stories(&p);
    assert_eq!(errors, [(story_path, Some(3), errors[0].2.clone())]);
    assert!(errors[0].2.contains("the client id `acme`"), "{errors:?}");
}

#[test]
fn forbidden_names_cover_every_client_not_published_under_its_name() {
    let p = Build::new()
        .client("named", "Named Co")
        .story("S", Granted, ALL)
        .client("anon", "Anon Co")
        .aka(&["AN", "Anon Company", "Anon Co"])
        .story("S", Granted, &["figures"])
        .client("later", "Later Co")
        .story("S", Pending, ALL)
        .client("old", "Old Co")
        .story("S", Granted, ALL)
        .with_story(|s| s.consent.expires = Some(date(2020, 1, 1)))
        .client("quiet", "東芝")
        .aka(&["HP", "X"])
        .project();
    let f = forbidden_names(&p, TODAY);
    let expect = |id: &str, names: &[&str]| (id.to_string(), names.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(
        f,
        [
            expect("anon", &["Anon Co", "AN", "Anon Company", "Anon"]),
            expect("later", &["Later Co", "Later"]),
            expect("old", &["Old Co", "Old"]),
            expect("quiet", &["東芝", "HP", "X"]),
        ]
    );
}

#[test]
fn partial_names_are_forbidden_unless_allowed() {
    let mut p = Build::new()
        .client("zephyr", "Zephyr Widgets Inc.")
        .aka(&["ZW"])
        .story("S", Granted, &["figures"])
        .client("apple", "Apple")
        .client("named", "Named Trading Co.")
        .story("S", Granted, ALL)
        .project();
    let f = forbidden_names(&p, TODAY);
    let names = |f: &[(String, Vec<String>)], id: &str| f.iter().find(|(i, _)| i == id).unwrap().1.clone();
    assert_eq!(names(&f, "zephyr"), ["Zephyr Widgets Inc.", "ZW", "Zephyr"]);
    assert_eq!(names(&f, "apple"), ["Apple"]);
    assert!(f.iter().all(|(id, _)| id != "named"));
    // Allowed words are left out however they are written; the full name
    // stays forbidden.
    p.config.allow_words = vec!["ZEPHYR".into(), "apple".into()];
    let f = forbidden_names(&p, TODAY);
    assert_eq!(names(&f, "zephyr"), ["Zephyr Widgets Inc.", "ZW"]);
    assert_eq!(names(&f, "apple"), Vec::<String>::new());
    // The scan of a page that names the first word: caught, then allowed.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<p>Zephyr's team and apples</p>").unwrap();
    p.config.allow_words.clear();
    let leaks = scan_dir(dir.path(), &forbidden_names(&p, TODAY)).unwrap();
    let found: Vec<&str> = leaks.iter().map(|l| l.matched.as_str()).collect();
    assert_eq!(found, ["Zephyr"]);
    p.config.allow_words = vec!["Zephyr".into()];
    assert_eq!(scan_dir(dir.path(), &forbidden_names(&p, TODAY)).unwrap(), []);
    // The anonymiser hides the first word too, unless it is allowed.
    let c = &p.clients.iter().find(|c| c.id == "zephyr").unwrap().clone();
    let text = "Zephyr's team (zephyr.example) and Zephyr Widgets Inc.";
    assert_eq!(
        Anonymiser::for_client(c, &[]).apply(text),
        "A client's team (a client) and a client."
    );
    assert_eq!(
        Anonymiser::for_client(c, &p.config.allow_words).apply(text),
        "Zephyr's team (zephyr.example) and a client."
    );
}

#[test]
fn a_spelling_shared_by_two_clients_is_a_warning() {
    let p = Build::new()
        .client("a", "Alpha Ltd")
        .aka(&["ZW Holdings", "AL"])
        .client("b", "Beta Ltd")
        .aka(&["zw-holdings"])
        .client("c", "ALPHA LTD")
        .client("d", "Delta")
        .aka(&["Delta", "DELTA"])
        .project();
    let w = name_warnings(&p);
    let got: Vec<(String, bool)> = w
        .iter()
        .map(|(path, m)| (path.to_string_lossy().replace('\\', "/"), m.contains("client `a`")))
        .collect();
    assert_eq!(
        got,
        [
            ("data/clients/b/client.toml".to_string(), true),
            ("data/clients/c/client.toml".to_string(), true),
        ],
        "{w:?}"
    );
    assert!(w[0].1.starts_with("`zw-holdings` also names client `a`"), "{w:?}");
}

mod properties {
    use proptest::prelude::*;

    use super::super::text::{HTML_VIEWS, Matcher};
    use super::*;

    const NAMES: &[&str] = &["Acme", "A&B Co", "株式会社サンプル"];

    /// Markdown made of pieces that often sit around names. Raw HTML comes
    /// in well-formed pieces, and `<` only as a comparison: the anonymiser
    /// reads markdown approximately (it does not parse it), and for malformed
    /// HTML such as `<a href="Ac<a href=" -->">me`, or `<Acme` (which an
    /// alias starting with "a" turns into a tag) only the final leak scan
    /// sees the name. The build then fails, which is the safe direction.
    fn markdown() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "Acme",
            "ACME",
            "Ａｃｍｅ",
            "acme",
            "A&B Co",
            "A&amp;B Co",
            "A\\&B Co",
            "&#65;cme",
            "A&#x63;me",
            "株式会社サンプル",
            "ｻﾝﾌﾟﾙ",
            "株式会社",
            "Ac",
            "me",
            "Co",
            "B",
            " ",
            "\n",
            "\n\n",
            "# ",
            "- ",
            "> ",
            "[",
            "]",
            "(",
            ")",
            "](",
            "![",
            "https://",
            "www.",
            ".com",
            "@",
            "*",
            "_",
            "`",
            "```\n",
            "<https://acme.com/x>",
            " < ",
            " > ",
            "<a href=\"https://acme.com/x\">",
            "</a>",
            "<img alt=\"Acme logo\" src=\"/img/acme.png\">",
            "<a href='x'>",
            "<span>",
            "</span>",
            "<br>",
            "<!-- Acme -->",
            "!",
            "&",
            ";",
            "#",
            "%41",
            "%",
            "-",
            "x",
            "é",
            "\\",
            "'",
            "\"",
            "=",
            ".",
            "。",
            "の",
            "1. ",
            "&shy;",
            "\u{AD}",
            "&nbsp;",
            "%20",
            "A",
            "E",
            "\\\n",
            "  \n",
            "|",
            "~~",
            "\t",
            "<b>",
            "</b>",
            "[x]: ",
            "&amp",
        ]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
    }

    /// A name, and markdown that splits it with one element of
    /// [`crate::markdown::ELEMENTS`] that the sanitiser keeps and that is
    /// not a block: `Ac<em>me</em>`, `<em>Ac</em>me`,
    /// `<ruby>三<rt>みつ</rt>井</ruby>`, with text around.
    fn split_by_element() -> impl Strategy<Value = (String, String)> {
        use crate::markdown::{Display, ELEMENTS};
        let elements: Vec<(&'static str, bool)> = ELEMENTS
            .iter()
            .filter(|e| e.kept && matches!(e.display, Display::Inline | Display::Annotation))
            .map(|e| (e.name, e.display == Display::Annotation))
            .collect();
        let names = prop::sample::select(vec!["Acme Corp", "Zephyr", "株式会社サンプル", "三井", "HP"]);
        let before = prop::sample::select(vec!["", " ", "We met ", "。", "\n", "x "]);
        let after = prop::sample::select(vec!["", " ", ". ", "の", "\n", " x"]);
        let annotation = prop::sample::select(vec!["", "x", "みつ", "(", "Acme"]);
        (
            names,
            prop::sample::select(elements),
            any::<prop::sample::Index>(),
            0..3usize,
            before,
            after,
            annotation,
        )
            .prop_map(|(name, (el, annotation), at, shape, before, after, note)| {
                let chars: Vec<char> = name.chars().collect();
                let cut = 1 + at.index(chars.len() - 1);
                let (a, b): (String, String) = (chars[..cut].iter().collect(), chars[cut..].iter().collect());
                let inner = match shape {
                    0 => format!("{a}<{el}>{b}</{el}>"),
                    1 => format!("<{el}>{a}</{el}>{b}"),
                    // Ruby: the annotation's text beside the base, as in
                    // furigana.
                    _ if annotation => format!("<ruby>{a}<{el}>{note}</{el}>{b}</ruby>"),
                    _ => format!("<ruby>{a}<{el}></{el}>{b}</ruby>"),
                };
                (name.to_string(), format!("{before}{inner}{after}"))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Nothing the anonymiser writes is found again, neither in the
        /// markdown nor in the rendered page by the leak scan's matcher.
        #[test]
        fn anonymised_markdown_renders_without_names(md in markdown()) {
            let anon = Anonymiser::new(NAMES.iter().copied(), "a client");
            let out = anon.apply(&md);
            prop_assert!(!anon.matches(&out), "{md:?} -> {out:?}");
            let html = crate::markdown::to_safe_html(&out);
            let scan = Matcher::new(NAMES.iter().map(|n| (*n, ())));
            prop_assert!(scan.find_views(&html, &HTML_VIEWS).is_empty(), "{md:?} -> {out:?} -> {html:?}");
        }

        /// Any text: no panic, and text without a name is left as it is.
        #[test]
        fn apply_is_total_and_leaves_other_text_alone(text in "\\PC*") {
            let anon = Anonymiser::new(NAMES.iter().copied(), "a client");
            let out = anon.apply(&text);
            if !anon.matches(&text) {
                prop_assert_eq!(out, text);
            }
        }

        /// A name split by any element the sanitiser keeps and a browser
        /// shows inline (or as a ruby annotation) is read as the browser
        /// shows it: the leak scan finds it on the rendered page, and the
        /// anonymiser replaces it so that the scan finds nothing.
        #[test]
        fn names_split_by_kept_inline_elements_are_found_and_replaced(
            (name, md) in split_by_element()
        ) {
            let scan = Matcher::new(std::iter::once((name.as_str(), ())));
            let html = crate::markdown::to_safe_html(&md);
            prop_assert!(!scan.find_views(&html, &HTML_VIEWS).is_empty(), "{md:?} -> {html:?}");
            let anon = Anonymiser::new([name.as_str()], "a client");
            let out = anon.apply(&md);
            let html = crate::markdown::to_safe_html(&out);
            prop_assert!(scan.find_views(&html, &HTML_VIEWS).is_empty(), "{md:?} -> {out:?} -> {html:?}");
        }

        #[test]
        fn slugs_are_valid_or_empty(title in "\\PC{0,200}") {
            let s = slugify(&title);
            prop_assert!(s.is_empty() || crate::input::ids::is_valid_slug(&s), "{s:?}");
            prop_assert!(!s.ends_with('-'), "{s:?}");
        }
    }
}
