//! Markdown content: front matter, stories, and the pages of
//! `content/pages/`.

use std::path::Path;

use super::files::{read_text, rel_path, sorted_entries};
use crate::diag::Diagnostics;
use crate::input::document::{Fields, NodeMap};
use crate::input::ids::is_valid_slug;
use crate::markdown::split_front_matter;
use crate::model::*;

/// The front matter and body of a markdown file; `false` when either is
/// wrong (reported), including a body beyond the nesting limits of
/// [`crate::markdown::check_limits`].
pub(super) fn front_matter<'t>(text: &'t str, rel: &Path, diags: &mut Diagnostics) -> (Option<NodeMap>, &'t str, bool) {
    let split = split_front_matter(text);
    let (front, ok) = match split.front {
        None => (None, true),
        Some(Ok(t)) => (Some(t), true),
        Some(Err((line, col, msg))) => {
            diags.error(rel, Some(line), Some(col), msg);
            (None, false)
        }
    };
    if let Err((at, msg)) = crate::markdown::check_limits(split.body) {
        // The body is the end of the text: lines before it are front matter.
        let lines_before = text[..text.len() - split.body.len()].matches('\n').count() as u64;
        let (line, col) = crate::diag::line_col(split.body, at);
        diags.error(rel, Some(lines_before + line), Some(col), msg);
        return (front, split.body, false);
    }
    (front, split.body, ok)
}

/// A client's story: its front matter (title, consent, ...) and body.
pub(super) fn parse_story(text: &str, rel: &Path, diags: &mut Diagnostics) -> Option<Story> {
    let (front, body, ok) = front_matter(text, rel, diags);
    if !ok {
        return None;
    }
    let Some(front) = front else {
        diags.error(
            rel,
            Some(1),
            Some(1),
            "a story needs front matter with at least `title` and a `[consent]` table",
        );
        return None;
    };
    let mut f = Fields::new(&front, text, rel, diags);
    let title = f.required_string("title");
    let slug = f.string("slug");
    if let Some(s) = &slug {
        if !is_valid_slug(s) {
            f.error_at(
                "slug",
                format!("slug `{s}` must be lowercase letters, digits and `-` (e.g. \"retail-cpa\")"),
            );
        }
    }
    let summary = f.string("summary");
    let date = f.date("date");
    let quote = f.string("quote");
    let image = f.string("image").filter(|s| !s.trim().is_empty());
    let image_alt = f.string("image_alt").filter(|s| !s.trim().is_empty());
    let consent_table = f.table("consent");
    f.warn_unknown(&[
        "title",
        "slug",
        "summary",
        "date",
        "quote",
        "image",
        "image_alt",
        "consent",
    ]);
    let consent = match consent_table {
        None => Some(Consent {
            status: ConsentStatus::None,
            granted_on: None,
            approved_by: None,
            expires: None,
            scope: Vec::new(),
        }),
        Some(t) => parse_consent(t, text, rel, diags),
    };
    Some(Story {
        title: title?,
        slug,
        summary,
        date,
        quote,
        image,
        image_alt,
        consent: consent?,
        markdown: body.to_string(),
        path: rel.to_path_buf(),
    })
}

/// A story's `[consent]` table; `None` when it is wrong (reported).
fn parse_consent(t: &NodeMap, text: &str, rel: &Path, diags: &mut Diagnostics) -> Option<Consent> {
    let mut c = Fields::new(t, text, rel, diags);
    let status_text = c.string("status").unwrap_or_else(|| "none".to_string());
    let status = ConsentStatus::parse(&status_text);
    if status.is_none() {
        c.error_at(
            "status",
            format!("unknown consent status `{status_text}`; expected granted, pending, revoked or none"),
        );
    }
    let granted_on = c.date("granted_on");
    let approved_by = c.string("approved_by");
    let expires = c.date("expires");
    let scope = c.strings("scope");
    let mut scope_ok = true;
    for s in &scope {
        if !["name", "figures", "quotes"].contains(&s.as_str()) {
            c.error_at(
                "scope",
                format!("unknown consent scope `{s}`; expected any of \"name\", \"figures\", \"quotes\""),
            );
            scope_ok = false;
        }
    }
    // An error, not a warning: a misspelt `expires` must not publish
    // a story after its consent ended.
    c.refuse_unknown(
        &["status", "granted_on", "approved_by", "expires", "scope"],
        "[consent]",
    );
    match (status, scope_ok) {
        (Some(status), true) => Some(Consent {
            status,
            granted_on,
            approved_by,
            expires,
            scope,
        }),
        _ => None,
    }
}

/// Content for a client id that has no data folder is a mistake (a typo in
/// a folder name would silently drop a story or notes).
pub(super) fn check_orphan_content(root: &Path, known: &std::collections::HashSet<&str>, diags: &mut Diagnostics) {
    let dir = root.join("content/clients");
    if !dir.is_dir() {
        return;
    }
    for entry in sorted_entries(root, &dir, diags) {
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.file_type().is_dir() && !known.contains(name.as_str()) {
            diags.error(
                &rel_path(root, entry.path()),
                None,
                None,
                format!("no client `{name}` in data/clients/; content for a client needs its data folder (check the spelling)"),
            );
        } else if !entry.file_type().is_dir() && name != ".DS_Store" {
            diags.warning(
                &rel_path(root, entry.path()),
                None,
                None,
                "not a client folder; ignored",
            );
        }
    }
}

/// The public site's own pages, `content/pages/*.md`.
pub(super) fn load_pages(root: &Path, diags: &mut Diagnostics) -> Vec<Page> {
    let dir = root.join("content/pages");
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut pages = Vec::new();
    for entry in sorted_entries(root, &dir, diags) {
        let rel = rel_path(root, entry.path());
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(slug) = name.strip_suffix(".md").filter(|_| entry.file_type().is_file()) else {
            diags.warning(&rel, None, None, "not a markdown page (*.md); ignored");
            continue;
        };
        if !is_valid_slug(slug) {
            diags.error(
                &rel,
                None,
                None,
                format!("page file name `{slug}` must be lowercase letters, digits and `-`"),
            );
            continue;
        }
        let Some(text) = read_text(root, entry.path(), diags, None) else {
            continue;
        };
        let (front, body, ok) = front_matter(&text, &rel, diags);
        if !ok {
            continue;
        }
        let mut title = None;
        if let Some(t) = &front {
            let mut f = Fields::new(t, &text, &rel, diags);
            title = f.string("title");
            f.warn_unknown(&["title"]);
        }
        let title = title.unwrap_or_else(|| crate::markdown::to_plain_text(body.lines().next().unwrap_or(slug)));
        pages.push(Page {
            slug: slug.to_string(),
            title,
            markdown: body.to_string(),
            path: rel,
        });
    }
    pages
}
