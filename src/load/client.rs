//! One client: its data folder (client.toml and the CSV tables) and its
//! content folder (notes and story), read on their own so that the load
//! cache can keep them.

use std::fs;
use std::path::{Path, PathBuf};

use super::content::{front_matter, parse_story};
use super::files::{Record, Recorder, is_link, look, read_file, read_text, rel_path, sorted_entries};
use crate::diag::{Diagnostics, key_line};
use crate::input::document::Fields;
use crate::input::{client_toml, tables};
use crate::load_cache::ClientLoad;
use crate::model::*;
use crate::month::Month;

const CLIENT_FILES: &[&str] = &["client.toml", "invoices.csv", "nps.csv", "activity.csv", "outcomes.csv"];

/// Loads one client folder (and its content folder) on its own: what the
/// load cache keeps.
pub(super) fn load_client_folder(root: &Path, id: &str, dir: &Path, currency: &str) -> ClientLoad {
    let mut diagnostics = Diagnostics::new();
    let rec = Recorder::default();
    let client = load_client(root, id, dir, currency, &mut diagnostics, &rec);
    let Record { hash, inputs } = rec.into_inner();
    ClientLoad {
        id: id.to_string(),
        client,
        diagnostics,
        fingerprint: hash.hex(),
        inputs,
        currency: currency.to_string(),
    }
}

fn load_client(
    root: &Path,
    id: &str,
    dir: &Path,
    currency: &str,
    diags: &mut Diagnostics,
    fp: &Recorder,
) -> Option<Client> {
    let rel_dir = rel_path(root, dir);
    look(root, dir, fp);
    warn_unknown_files(root, dir, diags);

    let toml_path = dir.join("client.toml");
    let rel_toml = rel_dir.join("client.toml");
    let mut client = if look(root, &toml_path, fp).is_file() {
        let text = read_text(root, &toml_path, diags, Some(fp))?;
        client_toml::parse_client_toml(id, &text, &rel_toml, diags)
    } else if is_link(&toml_path) {
        // Refused by the link rule; the folder's listing said why.
        None
    } else {
        diags.error(
            &rel_toml,
            None,
            None,
            "missing: every client folder needs a client.toml with at least `name = \"...\"`",
        );
        None
    };

    let invoices_path = dir.join("invoices.csv");
    let invoices = if look(root, &invoices_path, fp).is_file() {
        read_file(root, &invoices_path, diags, Some(fp))
            .and_then(|b| tables::read_invoices(&b, &rel_dir.join("invoices.csv"), currency, diags))
    } else if is_link(&invoices_path) {
        None
    } else {
        diags.error(
            &rel_dir.join("invoices.csv"),
            None,
            None,
            "missing: every client folder needs an invoices.csv (a header line `date,amount` alone is valid)",
        );
        None
    };
    let optional = |file: &str, diags: &mut Diagnostics| -> Option<(Vec<u8>, PathBuf)> {
        let p = dir.join(file);
        if look(root, &p, fp).is_file() {
            read_file(root, &p, diags, Some(fp)).map(|b| (b, rel_dir.join(file)))
        } else {
            None
        }
    };
    let nps = optional("nps.csv", diags)
        .and_then(|(b, p)| tables::read_nps(&b, &p, diags))
        .unwrap_or_default();
    let activity = optional("activity.csv", diags)
        .and_then(|(b, p)| tables::read_activity(&b, &p, diags))
        .unwrap_or_default();
    let outcomes = optional("outcomes.csv", diags)
        .and_then(|(b, p)| tables::read_outcomes(&b, &p, diags))
        .unwrap_or_default();

    let (notes, story) = load_content(root, id, diags, fp);

    let c = client.as_mut()?;
    c.invoices = invoices?;
    c.nps = nps;
    c.activity = activity;
    c.outcomes = outcomes;
    c.notes = notes;
    c.story = story;
    tables::infer_kinds(&mut c.invoices);
    check_ended(c, &toml_path, &rel_toml, diags);
    client
}

/// Warns of every entry of a client folder that is not one of
/// [`CLIENT_FILES`].
fn warn_unknown_files(root: &Path, dir: &Path, diags: &mut Diagnostics) {
    let rel_dir = rel_path(root, dir);
    for entry in sorted_entries(root, dir, diags) {
        let name = entry.file_name().to_string_lossy().to_string();
        if !CLIENT_FILES.contains(&name.as_str()) && name != ".DS_Store" {
            let what = if entry.file_type().is_dir() { "folder" } else { "file" };
            diags.warning(
                &rel_dir.join(&name),
                None,
                None,
                format!(
                    "unknown {what} in a client folder is ignored (known files: {})",
                    CLIENT_FILES.join(", ")
                ),
            );
        }
    }
}

/// A client's notes and story from `content/clients/<id>/`, warning of
/// anything else there.
fn load_content(root: &Path, id: &str, diags: &mut Diagnostics, fp: &Recorder) -> (Vec<Note>, Option<Story>) {
    let content_dir = root.join("content/clients").join(id);
    if look(root, &content_dir, fp).is_dir() {
        for entry in sorted_entries(root, &content_dir, diags) {
            let name = entry.file_name().to_string_lossy().to_string();
            let known =
                (name == "story.md" && entry.file_type().is_file()) || (name == "notes" && entry.file_type().is_dir());
            if !known && name != ".DS_Store" {
                diags.warning(
                    &rel_path(root, entry.path()),
                    None,
                    None,
                    "unknown entry in a client's content folder is ignored (known: story.md, notes/YYYY-MM.md)",
                );
            }
        }
    }
    let notes = load_notes(root, &content_dir.join("notes"), diags, fp);
    let story_path = content_dir.join("story.md");
    let story = if look(root, &story_path, fp).is_file() {
        read_text(root, &story_path, diags, Some(fp)).and_then(|t| parse_story(&t, &rel_path(root, &story_path), diags))
    } else {
        None
    };

    (notes, story)
}

/// `ended` may not be before the client's start month.
fn check_ended(c: &Client, toml_path: &Path, rel_toml: &Path, diags: &mut Diagnostics) {
    if let (Some(ended), Some(start)) = (c.ended, c.start_month()) {
        if Month::of(ended) < start {
            let text = fs::read_to_string(toml_path).unwrap_or_default();
            diags.error(
                rel_toml,
                key_line(&text, "ended"),
                None,
                format!("`ended` {ended} is before the client's start month {start} (its first invoice or `acquired`)"),
            );
        }
    }
}

/// A client's monthly notes, `content/clients/<id>/notes/YYYY-MM.md`.
fn load_notes(root: &Path, dir: &Path, diags: &mut Diagnostics, fp: &Recorder) -> Vec<Note> {
    if !look(root, dir, fp).is_dir() {
        return Vec::new();
    }
    let mut notes = Vec::new();
    for entry in sorted_entries(root, dir, diags) {
        let rel = rel_path(root, entry.path());
        let name = entry.file_name().to_string_lossy().to_string();
        let month = name.strip_suffix(".md").and_then(|m| Month::parse(m).ok());
        let Some(month) = month.filter(|_| entry.file_type().is_file()) else {
            diags.warning(
                &rel,
                None,
                None,
                "not a monthly note (expected notes/YYYY-MM.md); ignored",
            );
            continue;
        };
        look(root, entry.path(), fp);
        let Some(text) = read_text(root, entry.path(), diags, Some(fp)) else {
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
            // Notes may carry any other front matter (attendees, tags, ...).
        }
        notes.push(Note {
            month,
            title,
            markdown: body.to_string(),
            path: rel,
        });
    }
    notes
}
