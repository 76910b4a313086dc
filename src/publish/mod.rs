//! What may reach the public site: consent gate, anonymisation, leak scan.
//!
//! The rules of SPEC §1.3 and §6 live here and nowhere else; page rendering
//! only ever sees [`PublicStory`] values.
//!
//! * **Consent gate** — [`public_stories`]: a story is public only with
//!   `status = "granted"` and an `expires` (if any) on or after the build
//!   date. Everything else (pending, revoked, none, expired) yields nothing.
//! * **Anonymisation** — [`Anonymiser`]: without `"name"` in scope every
//!   text field has the real name and every `aka` replaced by the alias;
//!   [`public_slug`] never derives the URL from the name, an `aka` or the
//!   client id.
//! * **Validation** — [`validate_stories`]: duplicate public slugs, explicit
//!   slugs and aliases that would give an anonymised client away.
//! * **Leak scan** — [`forbidden_names`] and [`scan_dir`]: after rendering,
//!   every byte and path of `site/public/` is searched for the names of every
//!   client that is not published under its own name; a hit fails the build.
//!   A build searches again only the entries that changed since the
//!   previous build's scan for the same names ([`scan_dir_except`]).
//!
//! How names are matched (case, width, accents, separators, encodings,
//! markup, word boundaries) is described in the private `text` module and
//! is the same for anonymising, validating and scanning. The anonymiser
//! searches every view of the text that the scan uses on the rendered page,
//! so the scan does not flag what the anonymiser wrote (a property test
//! renders anonymised markdown and scans it). The anonymiser reads markdown
//! approximately, without parsing it: for malformed raw HTML it may miss a
//! name that the scan then finds, and the build fails — the safe direction.

mod anonymise;
mod edition;
mod scan;
mod slug;
mod text;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::diag::key_line;
use crate::model::{Client, Project, Story};

pub use anonymise::Anonymiser;
pub use edition::{
    ClientEdition, EditionLeak, EditionNote, Fee, consultancy_name, edition_leaks, edition_path, review_lang,
};
pub use scan::{Leak, Scanned, entry_fingerprint, names_key, scan_dir, scan_dir_except};
pub use slug::{public_slug, slugify};

use slug::{PrivateName, private_names};
use text::{Decode, MARKDOWN_VIEWS, Matcher, name_width};

/// A story as it may appear publicly, every text field already anonymised
/// when the consent lacks `"name"`.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicStory {
    /// Internal use only (finding the client's outcomes); never printed.
    pub client_id: String,
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
    /// `"figures"` is in scope: the client's outcomes may be shown.
    pub show_figures: bool,
    /// The story's markdown, anonymised (render with
    /// [`crate::markdown::to_safe_html`]).
    pub body_markdown: String,
}

/// The stories that may be published on `today`: consent `granted` and not
/// expired (`expires >= today`: a consent expiring today is still valid
/// today). Sorted by date, newest first (undated stories last), then by slug.
///
/// Without `"name"` in scope, title, summary, quote, industry and body are
/// anonymised and `display_name` is the alias. Mentions of *other* clients
/// are not rewritten here: the leak scan fails the build on them, so that a
/// consultant decides how to word them rather than finding them silently
/// replaced.
///
/// Two stories may end up with the same slug only if [`validate_stories`]
/// was not run (the loader runs it); the build must not skip it.
pub fn public_stories(project: &Project, today: Date) -> Vec<PublicStory> {
    let mut out: Vec<PublicStory> = project
        .clients
        .par_iter()
        .filter_map(|c| {
            let story = c.story.as_ref()?;
            story.consent.is_publishable(today).then(|| public_story(c, story))
        })
        .collect();
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    out
}

fn public_story(client: &Client, story: &Story) -> PublicStory {
    let consent = &story.consent;
    let named = consent.allows("name");
    let anon = Anonymiser::for_client(client);
    let text = |s: &str| if named { s.to_string() } else { anon.apply(s) };
    PublicStory {
        client_id: client.id.clone(),
        slug: public_slug(client, story),
        title: text(&story.title),
        summary: story.summary.as_deref().map(text),
        date: story.date,
        quote: if consent.allows("quotes") {
            story.quote.as_deref().map(text)
        } else {
            None
        },
        display_name: if named {
            client.name.clone()
        } else {
            anon.alias().to_string()
        },
        industry: client.industry.as_deref().map(text),
        show_figures: consent.allows("figures"),
        body_markdown: text(&story.markdown),
    }
}

/// Problems of the stories as `(path, line, message)`, sorted; the paths are
/// the project-relative ones of the model. Every story is checked whatever
/// its consent status (validation does not depend on the build date, and a
/// pending story is one signature away from being published).
///
/// * Two stories with the same [`public_slug`]: reported on the second
///   (clients in id order), naming the first.
/// * Without `"name"` in scope: an explicit `slug` that contains the client
///   id, the name or an `aka` (matched like the anonymiser matches, so
///   `acme-corp`, `acmecorp` and `ACME` all count); an alias (or the default
///   alias built from `industry`) that contains the name or an `aka`, since
///   the anonymised story would print it.
///
/// Lines are found by reading the file again when there is an error (best
/// effort: `None` when the file cannot be read, as for a project built in
/// memory).
pub fn validate_stories(project: &Project) -> Vec<(PathBuf, Option<u64>, String)> {
    let mut errors = Vec::new();
    let mut seen: BTreeMap<String, &Path> = BTreeMap::new();
    for client in &project.clients {
        let Some(story) = &client.story else { continue };
        // Read again only to place an error: most stories have none.
        let story_line = |key: &str| {
            std::fs::read_to_string(project.root.join(&story.path))
                .ok()
                .and_then(|t| key_line(&t, key))
        };
        if !story.consent.allows("name") {
            if let Some(slug) = &story.slug {
                let private = private_names(client);
                if let Some(hit) = private.find_in(slug, Decode::PLAIN).first() {
                    let what = describe(&hit.tags[0], client);
                    errors.push((
                        story.path.clone(),
                        story_line("slug"),
                        format!(
                            "slug `{slug}` contains {what}, but the consent does not include \"name\"; choose a slug without it, or remove `slug` to derive one from the anonymised title"
                        ),
                    ));
                }
            }
            let anon = Anonymiser::for_client(client);
            let names = Matcher::new(
                std::iter::once(client.name.as_str())
                    .chain(client.aka.iter().map(String::as_str))
                    .map(|n| (n, ())),
            );
            if !names.find_views(anon.alias(), &MARKDOWN_VIEWS).is_empty() {
                let toml = PathBuf::from("data/clients").join(&client.id).join("client.toml");
                let toml_text = std::fs::read_to_string(project.root.join(&toml)).ok();
                let key = if client.alias.is_some() { "alias" } else { "industry" };
                let line = toml_text.as_deref().and_then(|t| key_line(t, key));
                let message = if client.alias.is_some() {
                    format!(
                        "alias `{}` contains the client's name (or an aka), which the story without \"name\" consent must hide; choose an alias without it",
                        anon.alias()
                    )
                } else {
                    format!(
                        "the default alias `{}` (from `industry`) contains the client's name (or an aka), which the story without \"name\" consent must hide; set an `alias`",
                        anon.alias()
                    )
                };
                errors.push((toml, line, message));
            }
        }
        let slug = public_slug(client, story);
        match seen.get(&slug) {
            Some(first) => errors.push((
                story.path.clone(),
                story_line(if story.slug.is_some() { "slug" } else { "title" }),
                format!(
                    "public slug `{slug}` is already used by {}; give one of the stories a different `slug` in its front matter",
                    first.display()
                ),
            )),
            None => {
                seen.insert(slug, &story.path);
            }
        }
    }
    errors.sort();
    errors.dedup();
    errors
}

fn describe(name: &PrivateName, client: &Client) -> String {
    match name {
        PrivateName::Id => format!("the client id `{}`", client.id),
        PrivateName::Name => format!("the client's name `{}`", client.name),
        PrivateName::Aka(a) => format!("the client's aka `{a}`"),
    }
}

/// Names shorter than this many columns are not searched by the leak scan
/// (a CJK character counts two columns, other characters one).
///
/// Two-letter names (`HP`, `GE`) would fire on ordinary text and make every
/// build fail; a two-kanji name (`東芝`, `花王`) is as specific as a long
/// Latin one and stays searched. The anonymiser still replaces short names:
/// only the final scan skips them.
pub const MIN_FORBIDDEN_WIDTH: usize = 3;

/// The names the public site must not contain, per client (by id): for every
/// client that is *not* published under its own name on `today` — that is,
/// every client except those with a publishable story whose scope has
/// `"name"` — its name and every `aka` of at least
/// [`MIN_FORBIDDEN_WIDTH`] columns (see there), without duplicates. A client
/// whose names are all too short is listed with an empty list.
///
/// Clients without a story are included: the public site must not mention a
/// client who never consented to anything.
pub fn forbidden_names(project: &Project, today: Date) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = project
        .clients
        .par_iter()
        .filter(|c| {
            !c.story
                .as_ref()
                .is_some_and(|s| s.consent.is_publishable(today) && s.consent.allows("name"))
        })
        .map(|c| {
            let mut names: Vec<String> = Vec::new();
            for n in std::iter::once(&c.name).chain(&c.aka) {
                if name_width(n).is_some_and(|w| w >= MIN_FORBIDDEN_WIDTH) && !names.contains(n) {
                    names.push(n.clone());
                }
            }
            (c.id.clone(), names)
        })
        .collect();
    out.sort();
    out
}
