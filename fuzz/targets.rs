//! The fuzz targets: one function per parser of user input, each taking raw
//! bytes and panicking only on a bug. Shared, through `#[path]`, by the
//! coverage-guided libFuzzer binaries in `fuzz/fuzz_targets/` (run by
//! `.ci/fuzz`) and by the seeded random-input test of the main crate
//! (`tests/it/fuzz_seeded.rs`), so that both exercise the same entry points
//! and every `cargo test` compiles and lints these functions.
//!
//! Each uses only casebook's public API, at the narrowest entry point that
//! the loader itself calls.

use std::path::Path;
use std::sync::OnceLock;

use casebook::diag::Diagnostics;

/// The names of the targets, as the binaries and `.ci/fuzz` know them.
pub const TARGETS: [&str; 5] = ["csv_rows", "money", "dates", "front_matter", "public_html"];

/// Runs the target called `name` on `data`.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "csv_rows" => csv_rows(data),
        "money" => money(data),
        "dates" => dates(data),
        "front_matter" => front_matter(data),
        "public_html" => public_html(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// A CSV file read as each of a client's tables is read (invoices, NPS,
/// activity, outcomes: decoded, split into rows, every field parsed). Never
/// a panic; every problem is a diagnostic of one line, and every row read
/// is from line 2 on.
pub fn csv_rows(data: &[u8]) {
    use casebook::input::tables;
    let mut diags = Diagnostics::new();
    let path = Path::new("data/clients/x/invoices.csv");
    if let Some(invoices) = tables::read_invoices(data, path, "JPY", &mut diags) {
        assert!(invoices.iter().all(|i| i.line >= 2));
        assert!(
            invoices
                .windows(2)
                .all(|w| (w[0].date, w[0].line) <= (w[1].date, w[1].line))
        );
    }
    let _ = tables::read_nps(data, path, &mut diags);
    let _ = tables::read_activity(data, path, &mut diags);
    let _ = tables::read_outcomes(data, path, &mut diags);
    for d in diags.into_vec() {
        assert!(!d.message.is_empty());
        assert!(!d.to_string().contains('\n'), "a message across lines: {d:?}");
    }
}

/// An amount as the CSV and TOML readers read it; what is read prints back
/// as a number that reads the same.
pub fn money(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(amount) = casebook::input::parse_money(text) {
        assert_eq!(
            casebook::input::parse_money(&amount.to_string()),
            Ok(amount),
            "{text:?} read as {amount}"
        );
    }
}

/// A date (and a month) as every file spells them; what is read prints
/// back as `YYYY-MM-DD` and reads the same.
pub fn dates(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(date) = casebook::input::parse_date(text) {
        assert_eq!(casebook::input::parse_date(&date.to_string()), Ok(date), "{text:?}");
    }
    if let Ok(month) = casebook::month::Month::parse(text) {
        assert_eq!(casebook::month::Month::parse(&month.to_string()), Ok(month), "{text:?}");
    }
}

/// A markdown file's front matter (TOML or YAML) and the limits of its
/// body, as the loader checks them.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let split = casebook::markdown::split_front_matter(text);
    if let Some(Err((line, column, message))) = &split.front {
        assert!(*line >= 1 && *column >= 1 && !message.is_empty());
    }
    if let Err((at, _)) = casebook::markdown::check_limits(split.body) {
        assert!(at <= split.body.len());
    }
}

/// A story's text through everything that puts it on the public site: the
/// anonymiser (the consent lacks `"name"`), markdown to the public site's
/// sanitised HTML, and the leak scan of the written page. The first line of the input is the
/// title, the second the summary, the rest the body. A leak found is the
/// safety net working (the build would stop), not a failure; a panic is.
pub fn public_html(data: &[u8]) {
    use casebook::model::{Client, Consent, ConsentStatus, Project, Story};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\n');
    let (title, summary, body) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let today = jiff::civil::date(2026, 11, 25);
    let mut teller = Client::new("teller", "Sakura Cosmetics");
    teller.aka = vec!["さくら化粧品".into(), "Sakura".into()];
    teller.alias = Some("a cosmetics maker".into());
    teller.story = Some(Story {
        title: title.to_string(),
        slug: Some("a-story".into()),
        summary: Some(summary.to_string()),
        date: None,
        quote: None,
        consent: Consent {
            status: ConsentStatus::Granted,
            granted_on: None,
            approved_by: None,
            expires: None,
            scope: vec!["figures".into()],
        },
        markdown: body.to_string(),
        path: "content/clients/teller/story.md".into(),
        image: None,
        image_alt: None,
    });
    let mut other = Client::new("other", "Hinode Foods");
    other.aka = vec!["日の出食品".into()];
    let project = Project {
        root: ".".into(),
        config: casebook::config::Config::with_defaults("Fuzz", "JPY"),
        clients: vec![other, teller],
        pages: Vec::new(),
        fingerprints: Default::default(),
        config_fingerprint: String::new(),
    };
    let stories = casebook::publish::public_stories(&project, today, casebook::month::Month::of(today));
    assert_eq!(stories.len(), 1);
    let story = &stories[0];
    let html = format!(
        "<h1>{}</h1><p>{}</p>{}",
        casebook::markdown::to_safe_html(&story.title),
        casebook::markdown::to_safe_html(story.summary.as_deref().unwrap_or_default()),
        story.body_html
    );
    let dir = scratch_dir();
    std::fs::write(dir.join("index.html"), html).expect("write the page");
    let forbidden = casebook::publish::forbidden_names(&project, today);
    let _leaks = casebook::publish::scan_dir(dir, &forbidden).expect("scan the page");
}

/// The folder for the page of [`public_html`], one per process.
fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
        .path()
}
