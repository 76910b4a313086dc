//! Orchestration of a build: load → metrics → charts → render → write, and
//! the `check` and `metrics` commands. Printing and exit codes live here so
//! that `main.rs` stays a thin argument parser.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::diag::{format_errors, Diagnostics};
use crate::load::{counts, load};
use crate::model::Project;
use crate::month::Month;

pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub month: Option<Month>,
    pub today: Date,
    pub archive: bool,
}

#[derive(Clone, Copy)]
pub enum MetricsFormat {
    Json,
    Csv,
}

/// Exit code for invalid input and failed builds.
const FAILED: u8 = 1;

fn print_warnings(diags: &Diagnostics) {
    let mut err = std::io::stderr().lock();
    for w in diags.warnings() {
        let _ = writeln!(err, "{w}");
    }
}

/// Loads the project, printing warnings, and every error when there are any.
fn load_or_report(root: &Path) -> Result<Project, u8> {
    let loaded = load(root);
    print_warnings(&loaded.diagnostics);
    match loaded.project {
        Some(p) => Ok(p),
        None => {
            let n = loaded.diagnostics.errors().count();
            eprint!("{}", format_errors(loaded.diagnostics.errors()));
            eprintln!("error: {n} problem{} in {}", if n == 1 { "" } else { "s" }, root.display());
            Err(FAILED)
        }
    }
}

pub fn run_check(root: &Path, public_out: Option<&Path>, today: Date) -> Result<(), u8> {
    let project = load_or_report(root)?;
    let c = counts(&project);
    let _ = (public_out, today);
    let f = crate::format::Formatter::new(crate::config::Lang::En, "JPY");
    println!(
        "ok: {} clients, {} invoices, {} NPS responses, {} notes, {} stories",
        f.count(c.clients),
        f.count(c.invoices),
        f.count(c.nps),
        f.count(c.notes),
        f.count(c.stories)
    );
    Ok(())
}

pub fn run_build(opts: &BuildOptions) -> Result<(), u8> {
    let _project = load_or_report(&opts.root)?;
    eprintln!("error: build is not implemented yet");
    Err(FAILED)
}

pub fn run_metrics(root: &Path, month: Option<Month>, format: MetricsFormat) -> Result<(), u8> {
    let _project = load_or_report(root)?;
    let _ = (month, format);
    Err(FAILED)
}
