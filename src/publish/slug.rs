//! Public slugs: the URL part of a story page.

use crate::input::ids::is_valid_slug;
use crate::model::{Client, Story};

use super::anonymise::Anonymiser;
use super::text::{Decode, Folded, Matcher, fold_char};

/// Longest slug derived from a title, in bytes (cut at a `-`).
const MAX_DERIVED: usize = 80;

/// The URL part of a story: `stories/<slug>/`.
///
/// * The explicit `slug` of the front matter, when it is valid and — for a
///   story without `"name"` in scope — contains none of the client's id,
///   name or `aka`s. A leaking explicit slug is also reported by
///   [`super::validate_stories`]; here it is ignored so that even a build
///   that skipped validation cannot publish it.
/// * Else [`slugify`] of the title, anonymised first when `"name"` is not in
///   scope. If that slug still contains the id, the name or an `aka` (the
///   id may be an ordinary word of the alias or title), or has no ASCII
///   letter (a Japanese title), it is `story-` + 8 hex digits of a stable
///   hash of the (anonymised) title: the same title always gives the same
///   URL, and the hash is of text that is public anyway.
pub fn public_slug(client: &Client, story: &Story, allow_words: &[String]) -> String {
    let named = story.consent.allows("name");
    let private = (!named).then(|| private_names(client, allow_words));
    let leaks = |s: &str| {
        private
            .as_ref()
            .is_some_and(|m| !m.find_in(s, Decode::PLAIN).is_empty())
    };
    if let Some(explicit) = &story.slug {
        if is_valid_slug(explicit) && !leaks(explicit) {
            return explicit.clone();
        }
    }
    let title = if named {
        story.title.clone()
    } else {
        Anonymiser::for_client(client, allow_words).apply(&story.title)
    };
    let title = title.trim();
    let slug = slugify(title);
    if slug.bytes().any(|b| b.is_ascii_lowercase()) && !leaks(&slug) {
        slug
    } else {
        format!("story-{}", short_hash(title))
    }
}

/// What identifies a client privately, tagged with what it is (for
/// messages): the id, the name, every `aka` and the partial name (unless
/// allowed), of any length.
pub(crate) fn private_names(client: &Client, allow_words: &[String]) -> Matcher<PrivateName> {
    let partial = super::names::allowed_partial(client, allow_words);
    let names = std::iter::once((client.id.as_str(), PrivateName::Id))
        .chain(std::iter::once((client.name.as_str(), PrivateName::Name)))
        .chain(client.aka.iter().map(|a| (a.as_str(), PrivateName::Aka(a.clone()))))
        .chain(partial.as_deref().map(|p| (p, PrivateName::Partial(p.to_string()))));
    Matcher::new(names)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrivateName {
    Id,
    Name,
    Aka(String),
    Partial(String),
}

/// `text` as a slug: folded like names are (case, width, accents), ASCII
/// letters and digits kept, apostrophes dropped, every other run of
/// characters one `-`; at most 80 bytes, cut at a `-`. May be empty.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for ch in text.chars() {
        if ch == '\'' || ch == '\u{2019}' {
            continue;
        }
        fold_char(ch, &mut |f| match f {
            Folded::Char(c) if c.is_ascii_alphanumeric() => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(c);
            }
            _ => dash = true,
        });
    }
    if out.len() > MAX_DERIVED {
        let cut = out[..=MAX_DERIVED].rfind('-').unwrap_or(MAX_DERIVED);
        out.truncate(cut);
    }
    out
}

/// 8 hex digits of FNV-1a (64-bit, folded to 32): stable across runs,
/// platforms and versions, unlike `std`'s hasher.
pub(crate) fn short_hash(text: &str) -> String {
    let h = crate::hash::fnv1a64(text.as_bytes());
    format!("{:08x}", (h ^ (h >> 32)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_folds_and_dashes() {
        assert_eq!(
            slugify("How a retailer cut ad CPA by 30%"),
            "how-a-retailer-cut-ad-cpa-by-30"
        );
        assert_eq!(
            slugify("  Ｆｕｌｌ—width & Café's “quotes”!  "),
            "full-width-cafes-quotes"
        );
        assert_eq!(slugify("株式会社の事例"), "");
        assert_eq!(slugify("ある企業がCPAを30%削減"), "cpa-30");
        let long = slugify(&"word ".repeat(40));
        assert!(
            long.len() <= MAX_DERIVED && !long.ends_with('-') && is_valid_slug(&long),
            "{long}"
        );
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(short_hash("ある企業の事例"), short_hash("ある企業の事例"));
        assert_ne!(short_hash("a"), short_hash("b"));
        // Pinned: a change would move every hashed URL.
        assert_eq!(short_hash("ある企業の事例"), "670c6336");
    }
}
