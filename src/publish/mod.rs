//! What may reach the public site: consent gate, anonymisation, leak scan.
//!
//! The rules of SPEC §1.3 and §6 live here and nowhere else; page rendering
//! only ever sees [`PublicStory`] values.
//!
//! * **The public site's values** — [`public_site`]: everything the public
//!   pages show, built here and nowhere else ([`PublicSite`]), so that no
//!   code rendering a public page can reach a real name or a client's data.
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
mod names;
mod scan;
mod site;
mod slug;
mod statics;
mod text;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::key_line;
use crate::model::{Client, Project};

pub use anonymise::Anonymiser;
pub use edition::{
    ClientEdition, EditionLeak, EditionNote, Fee, consultancy_name, edition_leaks, edition_path, review_lang,
};
pub use names::{forbidden_names, name_warnings, partial_name};
pub use scan::{Leak, Scanned, entry_fingerprint, names_key, scan_dir, scan_dir_except};
pub use site::{
    FreePage, PublicBrand, PublicSite, PublicStory, SiteOptions, StoryImage, StoryList, public_site, public_stories,
    withheld_images, xml_safe,
};
pub use slug::{public_slug, slugify};
pub use statics::{StaticFile, read_static};

use slug::{PrivateName, private_names};
use text::Decode;

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
    let allow_words = &project.config.allow_words;
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
                let private = private_names(client, allow_words);
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
            let anon = Anonymiser::for_client(client, allow_words);
            if anon.matches(anon.alias()) {
                let toml = PathBuf::from("data/clients").join(&client.id).join("client.toml");
                let toml_text = std::fs::read_to_string(project.root.join(&toml)).ok();
                let key = if client.alias.is_some() { "alias" } else { "industry" };
                let line = toml_text.as_deref().and_then(|t| key_line(t, key));
                let message = if client.alias.is_some() {
                    format!(
                        "alias `{}` contains the client's name (or an aka, or the first word of the name), which the story without \"name\" consent must hide; choose an alias without it",
                        anon.alias()
                    )
                } else {
                    format!(
                        "the default alias `{}` (from `industry`) contains the client's name (or an aka, or the first word of the name), which the story without \"name\" consent must hide; set an `alias`",
                        anon.alias()
                    )
                };
                errors.push((toml, line, message));
            }
        }
        if let Some(image) = &story.image {
            let inside = std::path::Path::new(image)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside || !project.root.join("static").join(image).is_file() {
                errors.push((
                    story.path.clone(),
                    story_line("image"),
                    format!("image `{image}` is not a file under static/; put the picture in static/ and write its path there (e.g. image = \"images/story.jpg\")"),
                ));
            }
            if story.image_alt.is_none() {
                errors.push((
                    story.path.clone(),
                    story_line("image"),
                    "a story `image` needs `image_alt`: a short description of the picture for readers who cannot see it".to_string(),
                ));
            }
        }
        let slug = public_slug(client, story, allow_words);
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

/// Names narrower than this many columns (see the private `text` module's
/// `name_width`: a CJK character counts two) are not searched by the client
/// edition's check for other clients' names ([`edition_leaks`]). The public
/// leak scan searches every name ([`forbidden_names`]).
pub const MIN_FORBIDDEN_WIDTH: usize = 3;

fn describe(name: &PrivateName, client: &Client) -> String {
    match name {
        PrivateName::Id => format!("the client id `{}`", client.id),
        PrivateName::Name => format!("the client's name `{}`", client.name),
        PrivateName::Aka(a) => format!("the client's aka `{a}`"),
        PrivateName::Partial(p) => format!(
            "`{p}`, the first word of the client's name (add it to `allow_words` in casebook.toml if it is an ordinary word here)"
        ),
    }
}
