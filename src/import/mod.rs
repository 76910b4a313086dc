//! `casebook import invoices` and `casebook import nps`: turn what other
//! programs export into the project's files (SPEC §8).
//!
//! Everything is read and checked before anything is written, and revenue
//! is never added twice without a word: an invoice number seen again is a
//! duplicate or a conflict, a row with the date and amount of an existing
//! one a probable duplicate. A row that cannot be read, a conflict or a
//! probable duplicate is reported as `FILE:line: message` with every other
//! one, and then nothing is written at all. Writing is all or nothing too
//! (see `import/commit.rs`).
//!
//! An export is read as it streams, twice or more: once to check every
//! row and learn its clients, then once per batch of clients whose rows fit
//! [`BATCH_ROWS`], so that memory follows the number of clients, not of
//! rows.

pub mod cli;
mod clients;
mod commit;
mod hints;
mod merge;
mod nps;
mod read;
pub mod spec;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

pub use clients::{client_id_for, fold_name, romanise};
pub use hints::AmountChoice;
pub use nps::{NpsImport, import_nps};
pub use read::Skipped;

use crate::diag::{Diagnostics, format_errors};
use read::{Line, read_export};
use spec::Spec;

/// How many export rows one batch of clients holds in memory at most.
pub const BATCH_ROWS: usize = 250_000;

/// An import of invoices: the exports, how to read them, and what to do.
#[derive(Clone, Debug)]
pub struct InvoiceImport {
    pub files: Vec<PathBuf>,
    pub spec: Spec,
    /// `--map FILE`: export name → client id.
    pub map: Option<PathBuf>,
    /// Report what would be added; write nothing.
    pub dry_run: bool,
    /// Import rows that look like duplicates of existing ones.
    pub allow_duplicates: bool,
}

/// What one client gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAdded {
    pub id: String,
    pub invoices: usize,
    pub total: Decimal,
    /// A new client: its name as written.
    pub new: Option<String>,
    /// For a new client, an existing client whose name is close.
    pub close_to: Option<String>,
}

/// What an import did (or, with `--dry-run`, would do).
#[derive(Clone, Debug, Default)]
pub struct ImportSummary {
    /// Clients that get rows, by id.
    pub clients: Vec<ClientAdded>,
    /// Rows already in the project.
    pub duplicates: usize,
    pub skipped: Skipped,
    /// Files written, relative to the project folder.
    pub written: Vec<PathBuf>,
    pub dry_run: bool,
    /// Footer rows skipped and other warnings of reading the exports.
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// Where an export has a tax-included and a tax-excluded amount: which
    /// one was used (each choice once).
    pub amounts: Vec<AmountChoice>,
}

impl ImportSummary {
    pub fn invoices(&self) -> usize {
        self.clients.iter().map(|c| c.invoices).sum()
    }

    pub fn new_clients(&self) -> usize {
        self.clients.iter().filter(|c| c.new.is_some()).count()
    }
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum ImportError {
    /// `--root` is not a project folder.
    NoProject(PathBuf),
    /// A flag that cannot be used (an unknown preset, say).
    Usage(String),
    /// Rows or files that cannot be read, conflicts and probable
    /// duplicates (every one is listed).
    Invalid(Diagnostics),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::NoProject(root) => write!(
                f,
                "{}: no casebook.toml; pass the project folder with --root DIR (or create one with casebook init DIR)",
                root.display()
            ),
            ImportError::Usage(m) => write!(f, "{m}"),
            ImportError::Invalid(d) => {
                // The warnings too: they name what to fix next.
                for w in d.warnings() {
                    writeln!(f, "{w}")?;
                }
                let n = d.errors().count();
                write!(
                    f,
                    "{}{} found; nothing was imported",
                    format_errors(d.errors()),
                    plural(n, "problem", "problems")
                )
            }
            ImportError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl std::error::Error for ImportError {}

/// `1 client`, `2 clients`, `1,234 invoices` (as every command counts).
pub fn plural(n: usize, one: &str, many: &str) -> String {
    crate::format::count_of(n, one, many)
}

/// The project's currency, from casebook.toml.
fn project_currency(root: &Path) -> Result<String, ImportError> {
    let rel = Path::new("casebook.toml");
    let text = std::fs::read_to_string(root.join(rel)).map_err(|_| ImportError::NoProject(root.to_path_buf()))?;
    let mut diags = Diagnostics::new();
    match crate::config::Config::parse(&text, rel, &mut diags) {
        Some(c) if !diags.has_errors() => Ok(c.currency),
        _ => Err(ImportError::Invalid(diags)),
    }
}

/// Imports the invoices of the exports into the project at `root`.
pub fn import_invoices(root: &Path, job: &InvoiceImport) -> Result<ImportSummary, ImportError> {
    if !root.join("casebook.toml").is_file() {
        return Err(ImportError::NoProject(root.to_path_buf()));
    }
    let currency = project_currency(root)?;
    let mut diags = Diagnostics::new();
    let mut summary = ImportSummary {
        dry_run: job.dry_run,
        ..Default::default()
    };

    // Pass 1: check every row, learn the clients' names and row counts.
    let mut names: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut folded = FoldCache::default();
    let mut hints = vec![hints::FileHints::default(); job.files.len()];
    for (i, path) in job.files.iter().enumerate() {
        read_export(
            i,
            path,
            &job.spec,
            &currency,
            &mut summary.skipped,
            &mut hints[i],
            &mut diags,
            &mut |line| {
                let entry = names
                    .entry(folded.get(&line.client).to_string())
                    .or_insert_with(|| (line.client.clone(), 0));
                entry.1 += 1;
            },
        );
    }
    for choice in hints.iter().filter_map(|h| h.amount.clone()) {
        if !summary.amounts.contains(&choice) {
            summary.amounts.push(choice);
        }
    }
    summary.warnings = diags.warnings().cloned().collect();
    if diags.has_errors() {
        diags.sort();
        return Err(ImportError::Invalid(diags));
    }

    let mut existing = clients::Existing::read(root).map_err(|e| ImportError::Io(root.join("data/clients"), e))?;
    let map = match &job.map {
        Some(path) => clients::read_map(path, &existing.taken, &mut diags),
        None => HashMap::new(),
    };
    if diags.has_errors() {
        diags.sort();
        return Err(ImportError::Invalid(diags));
    }
    let first_names: BTreeMap<String, String> = names.iter().map(|(k, (n, _))| (k.clone(), n.clone())).collect();
    let resolved = clients::resolve(&first_names, &mut existing, &map);

    let batches = batches(&names, &resolved.id_of);
    let mut staging = commit::Staging::new();
    let mut unnumbered = Unnumbered::default();
    for batch in batches.iter().filter(|b| !b.is_empty()) {
        let lines = lines_of(batch, job, &currency, &resolved.id_of);
        for (id, lines) in batch.iter().zip(lines) {
            let rel = Path::new("data/clients").join(id).join("invoices.csv");
            let target = merge::read_target(root, &rel, &currency, &mut diags)
                .map_err(|e| ImportError::Io(root.join(&rel), e))?;
            if unnumbered.note(&target, &lines, &hints) {
                continue;
            }
            let merged = merge::merge(
                lines,
                &target,
                job.spec.amount_per,
                job.allow_duplicates,
                &job.files,
                &mut diags,
            );
            summary.duplicates += merged.duplicates;
            let Some(bytes) = merged.bytes else { continue };
            let new = resolved.new.get(*id);
            summary.clients.push(ClientAdded {
                id: id.to_string(),
                invoices: merged.added.len(),
                total: crate::money::total(merged.added.iter().map(|n| n.invoice.amount)),
                new: new.map(|(name, _)| name.clone()),
                close_to: new.and_then(|(_, close)| close.clone()),
            });
            if job.dry_run || diags.has_errors() {
                continue;
            }
            if let Some((name, _)) = new {
                let toml_rel = Path::new("data/clients").join(id).join("client.toml");
                let toml = format!("name = {}\n", toml::Value::String(name.clone()));
                stage(&mut staging, root, &toml_rel, toml.as_bytes())?;
                summary.written.push(toml_rel);
            }
            stage(&mut staging, root, &rel, &bytes)?;
            summary.written.push(rel);
        }
    }
    unnumbered.report(&job.files, &hints, &mut diags);
    finish(staging, diags, job.dry_run)?;
    Ok(summary)
}

/// The end of every import: an error anywhere (reported with the warnings
/// `diags` still holds, sorted) writes nothing; otherwise the staged files
/// are renamed into place all at once, unless this is a dry run.
fn finish(staging: commit::Staging, mut diags: Diagnostics, dry_run: bool) -> Result<(), ImportError> {
    if diags.has_errors() {
        diags.sort();
        return Err(ImportError::Invalid(diags));
    }
    if !dry_run {
        staging.commit().map_err(|e| ImportError::Io(e.path, e.error))?;
    }
    Ok(())
}

/// The clients in id order, cut into batches whose rows fit
/// [`BATCH_ROWS`].
fn batches<'a>(names: &BTreeMap<String, (String, usize)>, id_of: &'a HashMap<String, String>) -> Vec<Vec<&'a str>> {
    let mut rows_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (key, (_, rows)) in names {
        *rows_of.entry(id_of[key].as_str()).or_insert(0) += rows;
    }
    let mut batches: Vec<Vec<&str>> = vec![Vec::new()];
    let mut in_batch = 0;
    for (id, rows) in rows_of {
        if in_batch > 0 && in_batch + rows > BATCH_ROWS {
            batches.push(Vec::new());
            in_batch = 0;
        }
        in_batch += rows;
        if let Some(b) = batches.last_mut() {
            b.push(id);
        }
    }
    batches
}

/// Reads the exports again and keeps the lines of the clients of `batch`
/// (in its order); every row was checked by the first pass.
fn lines_of(batch: &[&str], job: &InvoiceImport, currency: &str, id_of: &HashMap<String, String>) -> Vec<Vec<Line>> {
    let members: HashMap<&str, usize> = batch.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut lines: Vec<Vec<Line>> = vec![Vec::new(); batch.len()];
    let (mut again, mut ignored) = (Diagnostics::new(), Skipped::default());
    let mut folded = FoldCache::default();
    for (i, path) in job.files.iter().enumerate() {
        let mut hints = hints::FileHints::default();
        read_export(
            i,
            path,
            &job.spec,
            currency,
            &mut ignored,
            &mut hints,
            &mut again,
            &mut |line| {
                if let Some(&slot) = id_of
                    .get(folded.get(&line.client))
                    .and_then(|id| members.get(id.as_str()))
                {
                    lines[slot].push(line);
                }
            },
        );
    }
    lines
}

fn stage(staging: &mut commit::Staging, root: &Path, rel: &Path, bytes: &[u8]) -> Result<(), ImportError> {
    staging
        .stage(&root.join(rel), bytes)
        .map_err(|e| ImportError::Io(e.path, e.error))
}

/// Clients whose invoices.csv has invoice numbers while an export that
/// gives their rows has a column that looks like one but is not named
/// (`--number-column`): compared by date and amount only, a re-import
/// could add invoices again. Per export, the first such file and how many.
#[derive(Default)]
struct Unnumbered(BTreeMap<usize, (PathBuf, usize)>);

impl Unnumbered {
    /// Notes the client of `target` when its rows come from such an export;
    /// `true` when it is noted (and is not to be merged).
    fn note(&mut self, target: &merge::Target, lines: &[Line], hints: &[hints::FileHints]) -> bool {
        if !target.has_numbers() {
            return false;
        }
        let mut noted = false;
        for (file, h) in hints.iter().enumerate() {
            if h.number.is_some() && lines.iter().any(|l| l.file == file) {
                let entry = self.0.entry(file).or_insert_with(|| (target.rel.clone(), 0));
                entry.1 += 1;
                noted = true;
            }
        }
        noted
    }

    /// One error per export, at its header line.
    fn report(&self, files: &[PathBuf], hints: &[hints::FileHints], diags: &mut Diagnostics) {
        for (&file, (first, count)) in &self.0 {
            let h = &hints[file];
            let column = h.number.as_deref().unwrap_or("");
            let others = match count - 1 {
                0 => String::new(),
                n => format!(" (so do the files of {} more)", plural(n, "client", "clients")),
            };
            diags.error(
                &files[file],
                Some(h.header_line),
                None,
                format!(
                    "column `{column}` looks like the invoice number, and {} has invoice numbers{others}; without --number-column the rows are compared by date and amount only and could be added twice: pass --number-column \"{column}\" (if that column is not the invoice number, rename it in the export)",
                    first.display()
                ),
            );
        }
    }
}

/// [`fold_name`] of each name as written, computed once: an export
/// repeats its few thousand names on a million rows.
#[derive(Default)]
struct FoldCache(HashMap<String, String>);

impl FoldCache {
    fn get(&mut self, name: &str) -> &str {
        if !self.0.contains_key(name) {
            self.0.insert(name.to_string(), fold_name(name));
        }
        &self.0[name]
    }
}
