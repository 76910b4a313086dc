//! Loading and validating a project folder (SPEC §1). Knows files, CSV,
//! TOML and markdown; nothing of HTML pages or metrics.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::input::ids::is_valid_id;
use crate::load_cache::{ClientLoad, LoadCache};
use crate::model::*;

mod client;
mod content;
mod files;

use client::load_client_folder;
use content::{check_orphan_content, load_pages};
use files::{ROOT_PATHS, rel_path, sorted_entries};

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

    let client_dirs = client_dirs(root, &mut diags);
    // Amounts are checked against the project's currency (SPEC §8).
    let currency = config.as_ref().map(|c| c.currency.clone()).unwrap_or_default();
    let loads = load_clients(root, &client_dirs, &mut cache, save_cache, &currency);
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

/// Every client folder: from the load cache when its files are unchanged
/// (and the currency is the same), else read; the cache is updated with
/// `save_cache`. Each load comes with whether it was read from the files.
fn load_clients(
    root: &Path,
    client_dirs: &[(String, PathBuf)],
    cache: &mut LoadCache,
    save_cache: bool,
    currency: &str,
) -> Vec<(ClientLoad, bool)> {
    let jobs: Vec<_> = client_dirs.iter().map(|(id, dir)| (id, dir, cache.take(id))).collect();
    // (the load, whether it was read from the files)
    let loads: Vec<(ClientLoad, bool)> = jobs
        .into_par_iter()
        .map(
            |(id, dir, cached)| match cached.filter(|c| c.currency == currency && LoadCache::is_current(root, c)) {
                Some(c) => (c, false),
                None => (load_client_folder(root, id, dir, currency), true),
            },
        )
        .collect();
    if save_cache {
        cache.save(loads.iter().map(|(l, fresh)| (l, *fresh)));
    }
    loads
}

/// The client folders of `data/clients/` with a valid id, in name order;
/// anything else there is reported.
fn client_dirs(root: &Path, diags: &mut Diagnostics) -> Vec<(String, PathBuf)> {
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
        for entry in sorted_entries(root, &clients_dir, diags) {
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
    client_dirs
}

/// The settings, and a content hash of the text they were read from.
fn load_config(root: &Path, diags: &mut Diagnostics) -> (Option<Config>, String) {
    let rel = Path::new("casebook.toml");
    match fs::read_to_string(root.join(rel)) {
        Ok(text) => {
            let mut hasher = crate::hash::Hasher::new();
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

/// ProjectCounts for `casebook check`'s summary line.
pub struct ProjectCounts {
    pub clients: usize,
    pub invoices: usize,
    pub nps: usize,
    pub notes: usize,
    pub stories: usize,
}

pub fn counts(p: &Project) -> ProjectCounts {
    ProjectCounts {
        clients: p.clients.len(),
        invoices: p.clients.iter().map(|c| c.invoices.len()).sum(),
        nps: p.clients.iter().map(|c| c.nps.len()).sum(),
        notes: p.clients.iter().map(|c| c.notes.len()).sum(),
        stories: p.clients.iter().filter(|c| c.story.is_some()).count(),
    }
}
