//! The values of the public site: what the public pages may show, already
//! filtered by consent and anonymised. Page rendering receives a
//! [`PublicSite`] and nothing else of the project.

use std::path::PathBuf;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::markdown::to_public_html;
use crate::model::{Client, Project, Story};
use crate::month::Month;
use crate::outcomes::{OutcomeSummary, summarise};

use super::slug::short_hash;
use super::{Anonymiser, public_slug, slugify};

/// A story as it may appear publicly, every text field already anonymised
/// when the consent lacks `"name"`. It holds nothing that identifies the
/// client beyond what the consent allows: no id, no real name without
/// `"name"`, no figures without `"figures"`.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicStory {
    /// See [`public_slug`].
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub date: Option<Date>,
    /// `None` without `"quotes"` in scope.
    pub quote: Option<String>,
    /// The real name with `"name"` in scope, else the alias.
    pub display_name: String,
    pub industry: Option<String>,
    /// The client's outcomes (outcomes.csv) as of the build's month, KPI
    /// names and units anonymised like the text; empty without `"figures"`
    /// in scope.
    pub outcomes: Vec<OutcomeSummary>,
    /// The story's markdown, anonymised.
    pub body_markdown: String,
    /// `body_markdown` rendered and sanitised.
    pub body_html: String,
    /// The story's picture (front matter `image`, a file of `static/`).
    pub image: Option<StoryImage>,
    /// What the client bought (the `service` of its invoices), anonymised
    /// like the text, sorted, without duplicates.
    pub services: Vec<String>,
}

/// A story's picture.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryImage {
    /// The file's path in the public site (`/`-separated, as under `static/`).
    pub src: String,
    /// Alt text, anonymised like the story.
    pub alt: String,
}

/// The stories of one industry or one service.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryList {
    /// As the stories show it (anonymised).
    pub name: String,
    /// URL part: `industries/<slug>/`, `services/<slug>/`.
    pub slug: String,
    /// Slugs of the stories, in the site's order.
    pub stories: Vec<String>,
}

/// The consultancy's brand as the public header shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PublicBrand {
    pub name: Option<String>,
    /// The logo as a `data:` URI, ready for `<img src>`.
    pub logo: Option<String>,
    /// `#rrggbb`.
    pub accent: Option<String>,
}

impl PublicStory {
    /// The best-looking outcome for a story card: the KPI with the largest
    /// improvement and its change (a fraction), e.g. ("Ad CPA", -0.32).
    pub fn headline(&self) -> Option<(&str, f64)> {
        self.outcomes
            .iter()
            .filter_map(|o| {
                let ch = o.change?;
                let gain = if o.higher_is_better { ch } else { -ch };
                (gain > 0.0).then_some((gain, o.kpi.as_str(), ch))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, kpi, ch)| (kpi, ch))
    }
}

/// A free page of the public site (`content/pages/<slug>.md`).
#[derive(Clone, Debug, PartialEq)]
pub struct FreePage {
    pub slug: String,
    pub title: String,
    pub body_markdown: String,
    pub body_html: String,
}

/// Everything the public pages show.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicSite {
    /// The public site's name: `[public] title`, else `[brand] name`, else
    /// the "Success stories" label. Never the internal `title`.
    pub title: String,
    /// `[public] description`: the story list's meta description.
    pub description: Option<String>,
    /// The site's address without a trailing `/`: `--base-url`, else
    /// `[public] base_url`, else `base_url`. `None`: no feed, sitemap or
    /// canonical links (relative ones would be wrong).
    pub base_url: Option<String>,
    pub brand: PublicBrand,
    /// Story lists by industry and by service, by slug; only those with a
    /// story.
    pub industries: Vec<StoryList>,
    pub services: Vec<StoryList>,
    /// Sorted as [`public_stories`] sorts them.
    pub stories: Vec<PublicStory>,
    /// Sorted by slug.
    pub pages: Vec<FreePage>,
    /// The date of feed and sitemap entries without a date of their own
    /// (the last day of the as-of month: never the clock).
    pub fallback_date: Date,
}

/// How a build asks for the public site.
pub struct SiteOptions {
    /// The build date: consents are checked against it.
    pub today: Date,
    /// The as-of month: outcomes are summarised as of it.
    pub as_of: Month,
    /// `--base-url` (already checked), over the settings.
    pub base_url: Option<String>,
}

/// The public site of `project` (see [`PublicSite`]), and warnings as
/// `(project-relative path, message)` about content that was left out.
pub fn public_site(project: &Project, opts: &SiteOptions) -> (PublicSite, Vec<(PathBuf, String)>) {
    let mut warnings = Vec::new();
    let stories = public_stories_with(project, opts.today, opts.as_of, &mut warnings);
    let pages = project
        .pages
        .iter()
        .map(|p| {
            let body_markdown = xml_safe(&p.markdown);
            FreePage {
                slug: p.slug.clone(),
                title: xml_safe(&p.title),
                body_html: public_html(&body_markdown, &p.path, &mut warnings),
                body_markdown,
            }
        })
        .collect();
    warnings.sort();
    let cfg = &project.config;
    let brand = PublicBrand {
        name: cfg.brand.name.as_deref().map(xml_safe),
        logo: cfg.brand.logo.as_ref().map(|l| l.data_uri()),
        accent: cfg.brand.accent.clone(),
    };
    let title = cfg
        .public
        .title
        .clone()
        .or_else(|| brand.name.clone())
        .unwrap_or_else(|| crate::i18n::label(cfg.lang, "stories").to_string());
    let base_url = opts
        .base_url
        .clone()
        .or_else(|| Some(cfg.public_base_url().to_string()))
        .filter(|u| !u.is_empty());
    let site = PublicSite {
        title: xml_safe(&title),
        description: cfg.public.description.as_deref().map(xml_safe),
        base_url,
        brand,
        industries: lists(&stories, |s| s.industry.iter().cloned().collect()),
        services: lists(&stories, |s| s.services.clone()),
        stories,
        pages,
        fallback_date: opts.as_of.last_day(),
    };
    (site, warnings)
}

/// The `image` files of stories that are not published on `today` (and
/// that no published story uses): `static/` is copied without them, so
/// that a picture leaves the site with its story when a consent is revoked
/// or expires.
pub fn withheld_images(project: &Project, today: Date) -> std::collections::BTreeSet<String> {
    let (mut shown, mut hidden) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
    for story in project.clients.iter().filter_map(|c| c.story.as_ref()) {
        if let Some(image) = &story.image {
            let image = image.replace('\\', "/");
            if story.consent.is_publishable(today) {
                shown.insert(image);
            } else {
                hidden.insert(image);
            }
        }
    }
    hidden.retain(|i| !shown.contains(i));
    hidden
}

/// Groups stories by the names `of` gives each (names that slugify alike
/// are one list, named as its first story writes it).
fn lists(stories: &[PublicStory], of: impl Fn(&PublicStory) -> Vec<String>) -> Vec<StoryList> {
    let mut by_slug: std::collections::BTreeMap<String, StoryList> = std::collections::BTreeMap::new();
    for s in stories {
        for name in of(s) {
            let slug = list_slug(&name);
            let list = by_slug.entry(slug.clone()).or_insert_with(|| StoryList {
                name: name.clone(),
                slug,
                stories: Vec::new(),
            });
            if !list.stories.contains(&s.slug) {
                list.stories.push(s.slug.clone());
            }
        }
    }
    by_slug.into_values().collect()
}

/// The URL part of a list: [`slugify`] of its name, or `x-` and a stable
/// hash for a name without ASCII letters (`食品`).
fn list_slug(name: &str) -> String {
    let slug = slugify(name);
    if slug.bytes().any(|b| b.is_ascii_alphanumeric()) {
        slug
    } else {
        format!("x-{}", short_hash(name.trim()))
    }
}

/// `markdown` rendered for the public site (see
/// [`crate::markdown::to_public_html`]); a warning on `path` for each
/// address left out.
fn public_html(markdown: &str, path: &std::path::Path, warnings: &mut Vec<(PathBuf, String)>) -> String {
    let (html, dropped) = to_public_html(markdown);
    for url in dropped {
        warnings.push((
            path.to_path_buf(),
            format!(
                "the link `{url}` leads out of the public site (into the private site or the client editions); it was left out of the published page"
            ),
        ));
    }
    html
}

/// `text` without the characters XML 1.0 does not allow (control
/// characters other than tab, line feed and carriage return, and U+FFFE,
/// U+FFFF) nor the C1 controls HTML reports as errors: one of them in a
/// title would make `feed.xml` unreadable.
pub fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| !matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}'))
        .collect()
}

/// The stories that may be published on `today`: consent `granted` and not
/// expired (`expires >= today`: a consent expiring today is still valid
/// today). Sorted by date, newest first (undated stories last), then by slug.
///
/// Without `"name"` in scope, title, summary, quote, industry, body and
/// outcome names are anonymised and `display_name` is the alias. Mentions
/// of *other* clients are not rewritten here: the leak scan fails the build
/// on them, so that a consultant decides how to word them rather than
/// finding them silently replaced.
///
/// Two stories may end up with the same slug only if
/// [`super::validate_stories`] was not run (the loader runs it); the build
/// must not skip it.
pub fn public_stories(project: &Project, today: Date, as_of: Month) -> Vec<PublicStory> {
    public_stories_with(project, today, as_of, &mut Vec::new())
}

fn public_stories_with(
    project: &Project,
    today: Date,
    as_of: Month,
    warnings: &mut Vec<(PathBuf, String)>,
) -> Vec<PublicStory> {
    let made: Vec<(PublicStory, Vec<(PathBuf, String)>)> = project
        .clients
        .par_iter()
        .filter_map(|c| {
            let story = c.story.as_ref()?;
            story
                .consent
                .is_publishable(today)
                .then(|| public_story(c, story, &project.config.allow_words, as_of))
        })
        .collect();
    let mut out = Vec::with_capacity(made.len());
    for (story, w) in made {
        out.push(story);
        warnings.extend(w);
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    out
}

fn public_story(
    client: &Client,
    story: &Story,
    allow_words: &[String],
    as_of: Month,
) -> (PublicStory, Vec<(PathBuf, String)>) {
    let consent = &story.consent;
    let named = consent.allows("name");
    let anon = Anonymiser::for_client(client, allow_words);
    let text = |s: &str| xml_safe(&if named { s.to_string() } else { anon.apply(s) });
    let outcomes = if consent.allows("figures") {
        summarise(client, as_of)
            .into_iter()
            .map(|o| OutcomeSummary {
                kpi: text(&o.kpi),
                unit: text(&o.unit),
                ..o
            })
            .collect()
    } else {
        Vec::new()
    };
    let body_markdown = text(&story.markdown);
    let mut warnings = Vec::new();
    let body_html = public_html(&body_markdown, &story.path, &mut warnings);
    let public = PublicStory {
        slug: public_slug(client, story, allow_words),
        title: text(&story.title),
        summary: story.summary.as_deref().map(text),
        date: story.date,
        quote: if consent.allows("quotes") {
            story.quote.as_deref().map(text)
        } else {
            None
        },
        display_name: xml_safe(if named { &client.name } else { anon.alias() }),
        industry: client.industry.as_deref().map(text),
        outcomes,
        body_html,
        body_markdown,
        image: story.image.as_ref().map(|src| StoryImage {
            src: src.clone(),
            alt: story.image_alt.as_deref().map(text).unwrap_or_default(),
        }),
        services: {
            let mut services: Vec<String> = client
                .invoices
                .iter()
                .map(|i| i.service.trim())
                .filter(|s| !s.is_empty())
                .map(text)
                .collect();
            services.sort();
            services.dedup();
            services
        },
    };
    (public, warnings)
}
