//! `casebook pdf`: the monthly reviews of a built site printed to PDF by a
//! local Chromium, Chrome or Edge ([`cdp`]: one browser process for every
//! file).
//!
//! * Client edition `client/<id>/<YYYY-MM>.html` →
//!   `client/<id>/<id>-<YYYY-MM>.pdf` (the file name says whose and which
//!   month, so it can be attached to an email as it is).
//! * Briefing `internal/clients/<id>/<YYYY-MM>.html` →
//!   `internal/clients/<id>/<YYYY-MM>.pdf`.
//!
//! A PDF is written beside its page, through a temporary file renamed into
//! place: an interrupted run leaves whole PDFs or none.
//!
//! **PDFs and builds.** A build replaces the output with exactly what it
//! renders; a PDF is not rendered by the build, yet deleting every PDF on
//! every build (each `serve` rebuild) would surprise. So `pdf` records, for
//! each PDF it writes, a hash of the page it printed and the PDF's size and
//! modification time, in `.casebook-cache/<output>.pdf.json` beside the
//! other caches; a build keeps a PDF exactly while the page it was printed
//! from comes out of the build byte for byte the same and the PDF is the
//! file `pdf` wrote ([`retained`]). A PDF whose page changed is removed with
//! the old page (it would no longer match it): print it again. A build
//! with `--no-cache`, or after `.casebook-cache/` was deleted, cannot tell
//! and removes every PDF.

pub mod cdp;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::month::Month;
use crate::output::{Entry, Live};
use crate::progress::TerminalProgress;

/// Which edition(s) to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    Client,
    Briefing,
}

pub struct PdfOptions {
    /// The built site (the output folder of `casebook build`).
    pub out: PathBuf,
    /// The month of the reviews [default: the as-of month of the last build].
    pub month: Option<Month>,
    /// Only these clients [default: every client with a review that month].
    pub clients: Vec<String>,
    /// Only this edition [default: both].
    pub edition: Option<Edition>,
    /// The browser [default: `CASEBOOK_BROWSER`, else one found on PATH].
    pub browser: Option<PathBuf>,
}

/// One PDF to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// The page, relative to the output.
    pub html: String,
    /// The PDF, relative to the output.
    pub pdf: String,
}

/// The PDF of a client edition and of a briefing, relative to the output.
pub fn pdf_path(edition: Edition, id: &str, month: Month) -> String {
    match edition {
        Edition::Client => format!("client/{id}/{id}-{month}.pdf"),
        Edition::Briefing => format!("internal/clients/{id}/{month}.pdf"),
    }
}

fn html_path(edition: Edition, id: &str, month: Month) -> String {
    match edition {
        Edition::Client => crate::publish::edition_path(id, month),
        Edition::Briefing => format!("internal/clients/{id}/{month}.html"),
    }
}

/// The as-of month of the build that wrote `out` (its `metrics.json`).
fn built_month(out: &Path) -> Result<Month, String> {
    let path = out.join("internal/metrics.json");
    let text = fs::read_to_string(&path)
        .map_err(|_| format!("{}: no built site here; run `casebook build` first", out.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    v["as_of"]
        .as_str()
        .and_then(|m| Month::parse(m).ok())
        .ok_or_else(|| format!("{}: no as_of month", path.display()))
}

/// The PDFs to print, checked before any browser starts.
pub fn plan(opts: &PdfOptions, out: &Path) -> Result<Vec<Job>, String> {
    let month = match opts.month {
        Some(m) => m,
        None => built_month(out)?,
    };
    let editions: &[Edition] = match opts.edition {
        Some(Edition::Client) => &[Edition::Client],
        Some(Edition::Briefing) => &[Edition::Briefing],
        None => &[Edition::Client, Edition::Briefing],
    };
    let mut ids: Vec<String> = match fs::read_dir(out.join("client")) {
        Ok(entries) => entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => {
            return Err(format!(
                "{}: no client editions; run `casebook build` first",
                out.display()
            ));
        }
    };
    ids.sort();
    let asked = !opts.clients.is_empty();
    if asked {
        let unknown: Vec<&String> = opts.clients.iter().filter(|c| !ids.contains(c)).collect();
        if !unknown.is_empty() {
            return Err(format!(
                "no client {} in {} (client ids are the folder names under data/clients/)",
                unknown.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", "),
                out.display()
            ));
        }
        ids.retain(|id| opts.clients.contains(id));
    }
    let mut jobs = Vec::new();
    let mut missing = Vec::new();
    for id in &ids {
        for e in editions {
            let html = html_path(*e, id, month);
            if out.join(&html).is_file() {
                jobs.push(Job {
                    html,
                    pdf: pdf_path(*e, id, month),
                });
            } else if asked {
                missing.push(html);
            }
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "no review for {month} at {} (the client was not active that month, or the site was built for another month: `casebook build --month {month}` or `--archive`)",
            missing.join(", ")
        ));
    }
    if jobs.is_empty() {
        return Err(format!(
            "{}: no review of {month}; build it first (`casebook build --month {month}`, or `--archive` for every month)",
            out.display()
        ));
    }
    Ok(jobs)
}

/// What `pdf` wrote: per PDF (relative path) the page it was printed from.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Printed {
    format: u32,
    pdfs: BTreeMap<String, PrintedPdf>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct PrintedPdf {
    html: String,
    /// [`crate::hash::Hasher`] of the page's bytes.
    html_hash: String,
    size: u64,
    mtime_ns: u128,
}

const PRINTED_FORMAT: u32 = 1;

fn printed_path(out: &Path) -> PathBuf {
    crate::page_cache::cache_path(out).with_extension("pdf.json")
}

fn load_printed(out: &Path) -> Printed {
    fs::read(printed_path(out))
        .ok()
        .and_then(|b| serde_json::from_slice::<Printed>(&b).ok())
        .filter(|p| p.format == PRINTED_FORMAT)
        .unwrap_or_default()
}

fn save_printed(out: &Path, printed: &Printed) -> io::Result<()> {
    let path = printed_path(out);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("json.{}", std::process::id()));
    fs::write(&tmp, serde_json::to_vec(printed).map_err(io::Error::other)?)?;
    fs::rename(tmp, path)
}

fn hash(bytes: &[u8]) -> String {
    crate::hash::Hasher::new().add(bytes).hex()
}

fn file_entry(path: &Path) -> Option<Entry> {
    let meta = fs::symlink_metadata(path).ok()?;
    meta.is_file().then(|| Entry::File {
        size: meta.len(),
        mtime_ns: crate::output::mtime_ns(&meta).unwrap_or(0),
    })
}

/// The PDFs of the output that a build keeps (see the module docs): those
/// whose page is rendered again byte for byte (`rendered` is the staging
/// folder; `kept` are pages the build leaves in place) and that are still
/// the files `pdf` wrote. The record of the others is dropped; the record
/// on disk is removed until [`Retained::save`] writes it after the commit.
pub fn retained(out: &Path, rendered: &Path, kept: &[String], live: Option<&Live>) -> Retained {
    let mut printed = load_printed(out);
    let kept: std::collections::HashSet<&str> = kept.iter().map(String::as_str).collect();
    printed.pdfs.retain(|pdf, p| {
        let page = if rendered.join(&p.html).is_file() {
            fs::read(rendered.join(&p.html)).ok()
        } else if kept.contains(p.html.as_str()) {
            fs::read(out.join(&p.html)).ok()
        } else {
            None
        };
        let entry = match live {
            Some(l) => l.get(pdf).cloned(),
            None => file_entry(&out.join(pdf)),
        };
        page.is_some_and(|b| hash(&b) == p.html_hash)
            && entry
                == Some(Entry::File {
                    size: p.size,
                    mtime_ns: p.mtime_ns,
                })
    });
    let _ = fs::remove_file(printed_path(out));
    Retained { record: printed }
}

/// The PDFs a build keeps, and their record.
pub struct Retained {
    record: Printed,
}

impl Retained {
    /// The PDFs kept, relative to the output.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.record.pdfs.keys().map(String::as_str)
    }

    /// Links (or copies) the PDFs from `out` into `staging`, for a build
    /// that swaps the whole output.
    pub fn carry_over(&self, out: &Path, staging: &Path) -> io::Result<()> {
        for rel in self.paths() {
            let to = staging.join(rel);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            if fs::hard_link(out.join(rel), &to).is_err() {
                fs::copy(out.join(rel), &to)?;
            }
        }
        Ok(())
    }

    /// After the commit: the record of the PDFs kept (a lost record only
    /// means the next build drops them).
    pub fn save(&self, out: &Path) {
        if !self.record.pdfs.is_empty() {
            let _ = save_printed(out, &self.record);
        }
    }
}

/// Prints `jobs` with one browser; returns the PDFs written.
pub fn print(out: &Path, jobs: &[Job], browser: &Path, progress: bool) -> Result<Vec<String>, String> {
    let mut b = cdp::Browser::start(browser).map_err(|e| format!("{}: {e}", browser.display()))?;
    let bar = TerminalProgress::new(jobs.len() as u64, "printing PDFs", progress && jobs.len() > 3);
    let mut printed = load_printed(out);
    printed.format = PRINTED_FORMAT;
    let mut written = Vec::new();
    let mut failure = None;
    for job in jobs {
        let page = out.join(&job.html);
        let result = fs::read(&page).and_then(|html| {
            let pdf = b.print(&page)?;
            let target = out.join(&job.pdf);
            let tmp = target.with_extension(format!("pdf.tmp-{}", std::process::id()));
            fs::write(&tmp, &pdf)?;
            fs::rename(&tmp, &target)?;
            let meta = fs::metadata(&target)?;
            printed.pdfs.insert(
                job.pdf.clone(),
                PrintedPdf {
                    html: job.html.clone(),
                    html_hash: hash(&html),
                    size: meta.len(),
                    mtime_ns: crate::output::mtime_ns(&meta)?,
                },
            );
            Ok(())
        });
        bar.inc();
        match result {
            Ok(()) => written.push(job.pdf.clone()),
            Err(e) => {
                failure = Some(format!("{}: {e}", page.display()));
                break;
            }
        }
    }
    bar.finish();
    b.close();
    // A record for the PDFs that were written, even when a later one failed.
    printed.pdfs.retain(|pdf, _| out.join(pdf).is_file());
    let _ = save_printed(out, &printed);
    match failure {
        Some(e) => Err(e),
        None => Ok(written),
    }
}
