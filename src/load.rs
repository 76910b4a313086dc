//! Loading and validating a project folder (SPEC §1). Knows files, CSV,
//! TOML and markdown; nothing of HTML pages or metrics.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostics, key_line};
use crate::input::ids::{is_valid_id, is_valid_slug};
use crate::input::tomlish::{Fields, Table};
use crate::input::{client_toml, tables};
use crate::load_cache::{ClientLoad, Inputs, LoadCache, Stamp};
use crate::markdown::split_front_matter;
use crate::model::*;
use crate::month::Month;

const CLIENT_FILES: &[&str] = &["client.toml", "invoices.csv", "nps.csv", "activity.csv", "outcomes.csv"];

/// What a load produced: the project when there were no errors, and every
/// problem (errors and warnings) sorted by place.
pub struct Loaded {
    pub project: Option<Project>,
    pub diagnostics: Diagnostics,
    /// Client folders in `data/clients/` (with a valid id).
    pub client_folders: usize,
    /// Of those, the ones taken from the load cache instead of their files.
    pub clients_cached: usize,
}

/// Loads and validates the project at `root`, reading every file.
pub fn load(root: &Path) -> Loaded {
    load_with(root, LoadCache::empty(root), false)
}

/// Loads and validates the project at `root`, taking unchanged clients
/// from the load cache and updating it (see [`crate::load_cache`]). The
/// result is the same as [`load`]'s.
pub fn load_cached(root: &Path) -> Loaded {
    load_with(root, LoadCache::open(root), true)
}

fn load_with(root: &Path, mut cache: LoadCache, save_cache: bool) -> Loaded {
    let mut diags = Diagnostics::new();
    for part in ROOT_PATHS {
        if let Some(problem) = crate::links::problem_at(root, &root.join(part)) {
            diags.error(Path::new(part), None, None, problem);
        }
    }
    if diags.has_errors() {
        return Loaded {
            project: None,
            diagnostics: diags,
            client_folders: 0,
            clients_cached: 0,
        };
    }
    let (config, config_fingerprint) = load_config(root, &mut diags);

    let clients_dir = root.join("data/clients");
    let mut client_dirs = Vec::new();
    if !clients_dir.is_dir() {
        diags.error(
            Path::new("data/clients"),
            None,
            None,
            "folder not found; a project keeps one folder per client in data/clients/<id>/ (is --root the project folder?)",
        );
    } else {
        for entry in sorted_entries(root, &clients_dir, &mut diags) {
            let name = entry.file_name().to_string_lossy().to_string();
            let rel = rel_path(root, entry.path());
            if !entry.file_type().is_dir() {
                if name != ".DS_Store" {
                    diags.warning(&rel, None, None, "not a client folder; ignored");
                }
                continue;
            }
            if !is_valid_id(&name) {
                diags.error(
                    &rel,
                    None,
                    None,
                    format!("`{name}` is not a valid client id: use 1–64 characters of a-z, 0-9 and `-`, not starting with `-` (rename the folder)"),
                );
                continue;
            }
            client_dirs.push((name, entry.path().to_path_buf()));
        }
    }
    // Amounts are checked against the project's currency (SPEC §8).
    let currency = config.as_ref().map(|c| c.currency.clone()).unwrap_or_default();
    let jobs: Vec<_> = client_dirs.iter().map(|(id, dir)| (id, dir, cache.take(id))).collect();
    // (the load, whether it was read from the files)
    let loads: Vec<(ClientLoad, bool)> = jobs
        .into_par_iter()
        .map(
            |(id, dir, cached)| match cached.filter(|c| c.currency == currency && LoadCache::is_current(root, c)) {
                Some(c) => (c, false),
                None => (load_client_folder(root, id, dir, &currency), true),
            },
        )
        .collect();
    if save_cache {
        cache.save(loads.iter().map(|(l, fresh)| (l, *fresh)));
    }
    let clients_cached = loads.iter().filter(|(_, fresh)| !fresh).count();
    let mut clients = Vec::new();
    let mut fingerprints = BTreeMap::new();
    for (l, _) in loads {
        diags.extend(l.diagnostics);
        if let Some(c) = l.client {
            fingerprints.insert(c.id.clone(), l.fingerprint);
            clients.push(c);
        }
    }
    let known_ids: std::collections::HashSet<&str> = client_dirs.iter().map(|(id, _)| id.as_str()).collect();
    check_orphan_content(root, &known_ids, &mut diags);
    let pages = load_pages(root, &mut diags);

    // Cross-file rules (e.g. two stories with one public slug) are checked
    // on whatever loaded, so that they are listed with every other problem.
    let valid_config = config.is_some();
    let project = Project {
        root: root.to_path_buf(),
        config: config.unwrap_or_else(|| Config::with_defaults("", "JPY")),
        clients,
        pages,
        fingerprints,
        config_fingerprint,
    };
    for (path, line, message) in crate::publish::validate_stories(&project) {
        diags.error(&path, line, None, message);
    }
    for (path, message) in crate::publish::name_warnings(&project) {
        diags.warning(&path, None, None, message);
    }
    diags.sort();
    let project = (valid_config && !diags.has_errors()).then_some(project);
    Loaded {
        project,
        diagnostics: diags,
        client_folders: client_dirs.len(),
        clients_cached,
    }
}

/// The settings, and a content hash of the text they were read from.
fn load_config(root: &Path, diags: &mut Diagnostics) -> (Option<Config>, String) {
    let rel = Path::new("casebook.toml");
    match fs::read_to_string(root.join(rel)) {
        Ok(text) => {
            let mut hasher = crate::cache::Hasher::new();
            hasher.add(text.as_bytes());
            let mut config = Config::parse(&text, rel, diags);
            if let Some(c) = config.as_mut() {
                load_logo(root, &mut c.brand, diags);
                if let Some(logo) = &c.brand.logo {
                    // Pages inline the logo: a new logo must re-render them.
                    hasher.add(&logo.bytes);
                }
            }
            (config, hasher.hex())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.error(
                rel,
                None,
                None,
                format!(
                    "not found in {}; run casebook in a project folder or pass --root DIR",
                    root.display()
                ),
            );
            (None, String::new())
        }
        Err(e) => {
            diags.error(rel, None, None, format!("cannot read: {e}"));
            (None, String::new())
        }
    }
}

/// Reads `[brand] logo` from `static/` and checks that it is an image.
fn load_logo(root: &Path, brand: &mut crate::config::Brand, diags: &mut Diagnostics) {
    let Some(file) = &brand.logo_file else { return };
    let (line, column) = brand.logo_at;
    let rel = Path::new("casebook.toml");
    let path = root.join("static").join(file);
    match fs::read(&path) {
        Ok(bytes) => match crate::config::Logo::sniff(bytes) {
            Ok(logo) => brand.logo = Some(logo),
            Err(why) => diags.error(rel, line, column, format!("brand logo static/{file} {why}")),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => diags.error(
            rel,
            line,
            column,
            format!("brand logo static/{file} not found; put the image in the project's static/ folder"),
        ),
        Err(e) => diags.error(rel, line, column, format!("cannot read brand logo static/{file}: {e}")),
    }
}

/// An entry of a listed folder.
struct Listed {
    name: std::ffi::OsString,
    path: PathBuf,
    /// Of the entry, or of what it names when it is a symbolic link that
    /// stays inside the project (see [`crate::links`]).
    kind: fs::FileType,
}

impl Listed {
    fn file_name(&self) -> &std::ffi::OsStr {
        &self.name
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn file_type(&self) -> fs::FileType {
        self.kind
    }
}

/// The entries of one folder of the project at `root`, sorted by name. A
/// symbolic link is listed as what it names when the project's link rule
/// allows it ([`crate::links`]); otherwise it is an error and left out.
/// (`read_dir` rather than walkdir: a depth-1 walk still opens every
/// subfolder it yields, which is 10,000 needless opens on data/clients of
/// a 10,000-client project.)
fn sorted_entries(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<Listed> {
    let mut out = Vec::new();
    let fail = |e: std::io::Error, diags: &mut Diagnostics| {
        diags.error(dir, None, None, format!("cannot list the folder: {e}"))
    };
    match fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries {
                match entry.and_then(|e| Ok((e.file_type()?, e))) {
                    Ok((kind, e)) if kind.is_symlink() => {
                        let path = e.path();
                        if let Some(problem) = crate::links::problem(root, &path) {
                            diags.error(&rel_path(root, &path), None, None, problem);
                            continue;
                        }
                        match fs::metadata(&path) {
                            Ok(target) => out.push(Listed {
                                name: e.file_name(),
                                path,
                                kind: target.file_type(),
                            }),
                            Err(e) => fail(e, diags),
                        }
                    }
                    Ok((kind, e)) => out.push(Listed {
                        name: e.file_name(),
                        path: e.path(),
                        kind,
                    }),
                    Err(e) => fail(e, diags),
                }
            }
        }
        Err(e) => fail(e, diags),
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The fixed paths of a project that the loader reaches without listing a
/// folder; a symbolic link among them that leaves the project stops the
/// load (nothing behind it is read).
const ROOT_PATHS: [&str; 6] = [
    "casebook.toml",
    "data",
    "data/clients",
    "content",
    "content/clients",
    "content/pages",
];

fn rel_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// What loading one client records: a content hash of every file read
/// (the build cache's key) and every path looked at, before it is read
/// (the load cache's stamps).
#[derive(Default)]
struct Record {
    hash: crate::cache::Hasher,
    inputs: Inputs,
}

type Recorder = std::cell::RefCell<Record>;

/// Stats `path` for the record and tells what it is.
fn look(root: &Path, path: &Path, rec: &Recorder) -> Stamp {
    rec.borrow_mut().inputs.look(root, path)
}

/// Reads a file, adding its path and bytes to the record's hash (a
/// client's file; files of no client have no record).
fn read_file(root: &Path, path: &Path, diags: &mut Diagnostics, rec: Option<&Recorder>) -> Option<Vec<u8>> {
    match fs::read(path) {
        Ok(b) => {
            if let Some(rec) = rec {
                rec.borrow_mut()
                    .hash
                    .add(rel_path(root, path).to_string_lossy().as_bytes())
                    .add(&b);
            }
            Some(b)
        }
        Err(e) => {
            diags.error(&rel_path(root, path), None, None, format!("cannot read: {e}"));
            None
        }
    }
}

fn read_text(root: &Path, path: &Path, diags: &mut Diagnostics, rec: Option<&Recorder>) -> Option<String> {
    let bytes = read_file(root, path, diags, rec)?;
    match String::from_utf8(bytes) {
        Ok(t) => Some(t),
        Err(_) => {
            diags.error(&rel_path(root, path), None, None, "the file is not UTF-8 text");
            None
        }
    }
}

/// Loads one client folder (and its content folder) on its own: what the
/// load cache keeps.
fn load_client_folder(root: &Path, id: &str, dir: &Path, currency: &str) -> ClientLoad {
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

    let c = client.as_mut()?;
    c.invoices = invoices?;
    c.nps = nps;
    c.activity = activity;
    c.outcomes = outcomes;
    c.notes = notes;
    c.story = story;
    tables::infer_kinds(&mut c.invoices);
    if let (Some(ended), Some(start)) = (c.ended, c.start_month()) {
        if Month::of(ended) < start {
            let text = fs::read_to_string(&toml_path).unwrap_or_default();
            diags.error(
                &rel_toml,
                key_line(&text, "ended"),
                None,
                format!("`ended` {ended} is before the client's start month {start} (its first invoice or `acquired`)"),
            );
        }
    }
    client
}

/// The front matter and body of a markdown file; `false` when either is
/// wrong (reported), including a body beyond the nesting limits of
/// [`crate::markdown::check_limits`].
fn front_matter<'t>(text: &'t str, rel: &Path, diags: &mut Diagnostics) -> (Option<Table>, &'t str, bool) {
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

fn parse_story(text: &str, rel: &Path, diags: &mut Diagnostics) -> Option<Story> {
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
        Some(t) => {
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

/// Content for a client id that has no data folder is a mistake (a typo in
/// a folder name would silently drop a story or notes).
fn check_orphan_content(root: &Path, known: &std::collections::HashSet<&str>, diags: &mut Diagnostics) {
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

fn load_pages(root: &Path, diags: &mut Diagnostics) -> Vec<Page> {
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

/// How many days after the build date a row may be dated without a warning
/// (an invoice issued ahead for next month is normal; 9999-12-31 is not).
pub const FUTURE_MARGIN_DAYS: i32 = 31;

/// Warnings for rows dated more than [`FUTURE_MARGIN_DAYS`] after `today`
/// (the build date): one per file, at the first such row, with the number
/// of others. Computed after loading because the load cache keeps no build
/// date.
pub fn future_dates(project: &Project, today: jiff::civil::Date) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Ok(limit) = today.checked_add(jiff::Span::new().days(FUTURE_MARGIN_DAYS)) else {
        return diags;
    };
    for c in &project.clients {
        let dir = Path::new("data/clients").join(&c.id);
        let files: [(&str, Vec<(u64, jiff::civil::Date)>); 4] = [
            ("invoices.csv", c.invoices.iter().map(|r| (r.line, r.date)).collect()),
            ("nps.csv", c.nps.iter().map(|r| (r.line, r.date)).collect()),
            ("activity.csv", c.activity.iter().map(|r| (r.line, r.date)).collect()),
            ("outcomes.csv", c.outcomes.iter().map(|r| (r.line, r.date)).collect()),
        ];
        for (file, rows) in files {
            let mut late: Vec<(u64, jiff::civil::Date)> = rows.into_iter().filter(|(_, d)| *d > limit).collect();
            late.sort();
            let Some(&(line, date)) = late.first() else {
                continue;
            };
            let others = match late.len() - 1 {
                0 => String::new(),
                1 => " (and 1 more row of this file)".to_string(),
                n => format!(" (and {n} more rows of this file)"),
            };
            diags.warning(
                &dir.join(file),
                Some(line),
                None,
                format!(
                    "date {date} is more than {FUTURE_MARGIN_DAYS} days after the build date {today}{others}; \
                     is the year right? Reports are as of the latest month with an invoice on or before the build date"
                ),
            );
        }
    }
    diags
}

/// Counts for `casebook check`'s summary line.
pub struct Counts {
    pub clients: usize,
    pub invoices: usize,
    pub nps: usize,
    pub notes: usize,
    pub stories: usize,
}

pub fn counts(p: &Project) -> Counts {
    Counts {
        clients: p.clients.len(),
        invoices: p.clients.iter().map(|c| c.invoices.len()).sum(),
        nps: p.clients.iter().map(|c| c.nps.len()).sum(),
        notes: p.clients.iter().map(|c| c.notes.len()).sum(),
        stories: p.clients.iter().filter(|c| c.story.is_some()).count(),
    }
}
