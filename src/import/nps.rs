//! `casebook import nps`: survey exports (client, date, score, comment)
//! into `data/clients/<id>/nps.csv`, with the clients matched as for
//! invoices; a response already there is skipped. A name that matches no
//! client is an error (a client is made by its invoices, not its survey).
//! Survey exports are small: they are read whole.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use super::ImportError;
use super::clients::{self, fold_name};
use super::commit::Staging;
use super::merge::normalise;
use crate::diag::Diagnostics;
use crate::input::rows::{Column, HeaderAt, ReadOptions, read_file, read_rows_with};
use crate::input::spelling::parse_date_with;
use crate::input::tables::{NPS_COLUMNS, parse_score};
use crate::input::write::CsvOut;

/// An import of NPS responses.
#[derive(Clone, Debug)]
pub struct NpsImport {
    pub files: Vec<PathBuf>,
    pub client: String,
    pub date: String,
    pub score: String,
    pub comment: Option<String>,
    pub respondent: Option<String>,
    pub date_format: Option<String>,
    pub map: Option<PathBuf>,
    pub header_row: Option<u64>,
    pub dry_run: bool,
}

/// What an NPS import did (or would do).
#[derive(Clone, Debug, Default)]
pub struct NpsSummary {
    pub responses: usize,
    pub clients: usize,
    pub duplicates: usize,
    pub written: Vec<PathBuf>,
    pub dry_run: bool,
}

/// One response: date, score, respondent, comment.
type Response = (jiff::civil::Date, u8, String, String);

fn key(r: &Response) -> (jiff::civil::Date, u8, String, String) {
    (r.0, r.1, normalise(&r.2), normalise(&r.3))
}

/// Imports the responses of the exports into the project at `root`.
pub fn import_nps(root: &Path, job: &NpsImport) -> Result<NpsSummary, ImportError> {
    if !root.join("casebook.toml").is_file() {
        return Err(ImportError::NoProject(root.to_path_buf()));
    }
    let mut diags = Diagnostics::new();
    let rows_by_name = read_responses(job, &mut diags);
    let by_id = match_clients(root, job, rows_by_name, &mut diags)?;
    if diags.has_errors() {
        diags.sort();
        return Err(ImportError::Invalid(diags));
    }
    let mut summary = NpsSummary {
        dry_run: job.dry_run,
        ..Default::default()
    };
    let mut staging = Staging::new();
    for (id, responses) in by_id {
        let rel = Path::new("data/clients").join(&id).join("nps.csv");
        let path = root.join(&rel);
        let Some(out) = merged_file(&path, &rel, responses, &mut summary, &mut diags)? else {
            continue;
        };
        if !job.dry_run {
            staging
                .stage(&path, &out)
                .map_err(|e| ImportError::Io(e.path, e.error))?;
            summary.written.push(rel);
        }
    }
    super::finish(staging, diags, job.dry_run)?;
    Ok(summary)
}

/// Every response of the exports, by folded client name (with the name as
/// first written); a row that cannot be read is an error in `diags`.
fn read_responses(job: &NpsImport, diags: &mut Diagnostics) -> BTreeMap<String, (String, Vec<Response>)> {
    let mut columns = vec![
        Column::named(job.client.clone(), true),
        Column::named(job.date.clone(), true),
        Column::named(job.score.clone(), true),
    ];
    for c in [&job.comment, &job.respondent].into_iter().flatten() {
        columns.push(Column::named(c.clone(), true));
    }
    let options = ReadOptions {
        warn_unknown_columns: false,
        loose_header: true,
        header: job.header_row.map(HeaderAt::Line).unwrap_or(HeaderAt::Find),
        pad_short_rows: false,
    };
    let mut rows_by_name: BTreeMap<String, (String, Vec<Response>)> = BTreeMap::new();
    for path in &job.files {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                diags.error(path, None, None, format!("cannot read: {e}"));
                continue;
            }
        };
        for row in read_rows_with(&bytes, path, &columns, options, diags).unwrap_or_default() {
            let client = row.get(&job.client).trim().to_string();
            if client.is_empty() {
                row.error(&job.client, format!("no client name in column `{}`", job.client), diags);
            }
            let date = row.field(&job.date, |t| parse_date_with(t, job.date_format.as_deref()), diags);
            let score = row.field(&job.score, parse_score, diags);
            let text = |c: &Option<String>| c.as_deref().map(|c| row.get(c).to_string()).unwrap_or_default();
            if let (Some(date), Some(score), false) = (date, score, client.is_empty()) {
                rows_by_name
                    .entry(fold_name(&client))
                    .or_insert_with(|| (client.clone(), Vec::new()))
                    .1
                    .push((date, score, text(&job.respondent), text(&job.comment)));
            }
        }
    }
    rows_by_name
}

/// The responses by client id: each name matched through `--map` or to an
/// existing client; a name that matches none is an error.
fn match_clients(
    root: &Path,
    job: &NpsImport,
    rows_by_name: BTreeMap<String, (String, Vec<Response>)>,
    diags: &mut Diagnostics,
) -> Result<BTreeMap<String, Vec<Response>>, ImportError> {
    let existing = clients::Existing::read(root).map_err(|e| ImportError::Io(root.join("data/clients"), e))?;
    let map: HashMap<String, String> = match &job.map {
        Some(p) => clients::read_map(p, &existing.taken, diags),
        None => HashMap::new(),
    };
    let mut by_id: BTreeMap<String, Vec<Response>> = BTreeMap::new();
    for (key, (name, responses)) in rows_by_name {
        match map.get(&key).map(String::as_str).or_else(|| existing.find(&key)) {
            Some(id) => by_id.entry(id.to_string()).or_default().extend(responses),
            None => {
                let close = existing
                    .close_to(&key)
                    .map(|id| format!(" (did you mean {id}?)"))
                    .unwrap_or_default();
                diags.error(
                    &job.files[0],
                    None,
                    None,
                    format!("no client matches `{name}`{close}; import its invoices first, or map the name with --map"),
                );
            }
        }
    }
    Ok(by_id)
}

/// The client's nps.csv (at `path`) with the new responses appended, or
/// `None` when every response is already there (counted in `summary`). A
/// response listed n times is added until the file holds it n times.
fn merged_file(
    path: &Path,
    rel: &Path,
    responses: Vec<Response>,
    summary: &mut NpsSummary,
    diags: &mut Diagnostics,
) -> Result<Option<Vec<u8>>, ImportError> {
    let existing_bytes = fs::read(path).ok();
    let mut counts: HashMap<_, usize> = HashMap::new();
    let mut header: Vec<String> = ["date", "score", "respondent", "comment"].map(String::from).to_vec();
    if let Some(bytes) = &existing_bytes
        && let Some(file) = read_file(bytes, rel, NPS_COLUMNS, ReadOptions::default(), diags)
    {
        for row in &file.rows {
            let date = row.field("date", crate::input::parse_date, diags);
            let score = row.field("score", parse_score, diags);
            if let (Some(d), Some(s)) = (date, score) {
                let r = (d, s, row.get("respondent").to_string(), row.get("comment").to_string());
                *counts.entry(key(&r)).or_insert(0) += 1;
            }
        }
        header = file.header;
    }
    let mut added = Vec::new();
    let mut in_import: HashMap<_, usize> = HashMap::new();
    for r in responses {
        let k = key(&r);
        let seen = in_import.entry(k.clone()).or_insert(0);
        *seen += 1;
        // The first `have` copies are in the file already; the rest are new.
        let have = counts.get(&k).copied().unwrap_or(0);
        if *seen <= have {
            summary.duplicates += 1;
        } else {
            added.push(r);
        }
    }
    if added.is_empty() {
        return Ok(None);
    }
    added.sort_by_key(|r| r.0);
    summary.responses += added.len();
    summary.clients += 1;
    let mut out = existing_bytes.unwrap_or_default();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut csv = if out.is_empty() {
        CsvOut::with_header(&["date", "score", "respondent", "comment"])
    } else {
        CsvOut::new()
    };
    for (date, score, respondent, comment) in &added {
        csv.row(header.iter().map(|h| match h.as_str() {
            "date" => date.to_string(),
            "score" => score.to_string(),
            "respondent" => respondent.clone(),
            "comment" => comment.clone(),
            _ => String::new(),
        }));
    }
    out.extend(csv.into_bytes().map_err(|e| ImportError::Io(path.to_path_buf(), e))?);
    Ok(Some(out))
}
