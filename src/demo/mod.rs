//! `casebook demo-data`: a synthetic project of any size, for demos and
//! benchmarks.
//!
//! The same options give the same bytes on every platform: the random numbers
//! come from a SplitMix64 generator seeded per client (so clients can be
//! generated in parallel, in any order), and the few transcendental functions
//! the distributions need (`exp`, `ln`) are computed here from `+ - * /` and
//! `sqrt`, which IEEE 754 rounds the same way everywhere, instead of calling
//! the platform's maths library. The months end at [`LAST_MONTH`], whatever
//! the date, so the output never depends on the clock.
//!
//! The shapes follow a small model of a consultancy's book of clients:
//!
//! * **Acquisition** is spread over the months with a seasonal pattern (more
//!   in April and October, fewer in August and December).
//! * Each client has a **hidden health** (a logistic of an AR(1) process
//!   around a per-client level). Health drives everything visible: churn
//!   (the monthly hazard rises as health falls, so lifetimes are geometric
//!   with a client-specific rate), upsells and cross-sells (more likely when
//!   healthy), downsells and credit notes (more likely when not), NPS scores,
//!   meetings, tickets and logins, and the progress of the outcome KPIs.
//! * **Invoices**: monthly retainers per service line (lognormal fees),
//!   occasional one-off projects (lognormal amounts), upsell add-ons and
//!   cross-sold services, rare credit notes; some clients are **reactivated**
//!   after a gap of four months or more; some churned clients have `ended`.
//! * **Notes** for the last three months for about a third of the clients
//!   still active, and **stories** for one client in 25, with every kind of
//!   consent (granted with various scopes, expired, pending, revoked, none);
//!   the anonymised ones have an `alias`.
//!
//! Client names are coined words of Japanese-like syllables without the
//! vowel `e` (`Kaminori Foods`), one per client: unique, never a prefix of one
//! another, and unlike any English word on the public site, so the leak scan
//! has nothing to find but what consent forbids.
//!
//! Every client's start month is the month of its first invoice (`acquired`
//! lies in that month), so peers reading only the flat invoices CSV
//! (`--invoices-csv`) find the same cohorts as casebook.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::input::write::CsvOut;

mod context;
mod profile;
mod prose;
mod random;
mod simulate;
mod vocabulary;
mod write;

use context::Ctx;
pub use random::{Rng, exp, ln};
use simulate::gen_client;
use write::{ABOUT, casebook_toml};

/// The last month of every demo project: the data never depends on the clock.
pub const LAST_MONTH: (i32, u32) = (2026, 10);

/// Clients generated (and written) per parallel batch: bounds memory.
const BATCH: usize = 2048;

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub clients: usize,
    /// Months of history, ending at [`LAST_MONTH`].
    pub months: u32,
    pub seed: u64,
    /// The project folder to create (must not exist, or be empty).
    pub out: PathBuf,
    /// Also write every invoice to this flat CSV: `client_id,date,amount,service,kind`.
    pub invoices_csv: Option<PathBuf>,
}

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub clients: usize,
    pub invoices: usize,
    pub nps: usize,
    pub activity: usize,
    pub outcomes: usize,
    pub notes: usize,
    pub stories: usize,
    pub files: usize,
}

impl DemoSummary {
    fn add(&mut self, o: &DemoSummary) {
        self.clients += o.clients;
        self.invoices += o.invoices;
        self.nps += o.nps;
        self.activity += o.activity;
        self.outcomes += o.outcomes;
        self.notes += o.notes;
        self.stories += o.stories;
        self.files += o.files;
    }
}

/// Why nothing (or not everything) was written.
#[derive(Debug)]
pub enum DemoError {
    Usage(String),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for DemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DemoError::Usage(m) => write!(f, "{m}"),
            DemoError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

/// The `demo-data` command: generates, prints a summary line, returns the exit code on failure.
pub fn run(opts: &DemoOptions, quiet: bool) -> Result<(), u8> {
    let started = std::time::Instant::now();
    match generate(opts) {
        Ok(s) => {
            if !quiet {
                for line in summary_lines(&s, opts, started.elapsed().as_secs_f64()) {
                    println!("{line}");
                }
            }
            Ok(())
        }
        Err(e) => {
            eprintln!(
                "{}",
                crate::progress::paint(&format!("error: {e}"), crate::progress::Colour::Red)
            );
            Err(1)
        }
    }
}

/// What `demo-data` prints when it is done: every count spelt for its
/// number ("1 client", "2 invoices").
fn summary_lines(s: &DemoSummary, opts: &DemoOptions, seconds: f64) -> Vec<String> {
    use crate::format::count_of;
    let mut lines = vec![format!(
        "wrote {}, {}, {}, {}, {}, {}, {} ({}) to {} in {seconds:.1} s",
        count_of(s.clients, "client", "clients"),
        count_of(s.invoices, "invoice", "invoices"),
        count_of(s.nps, "NPS response", "NPS responses"),
        count_of(s.activity, "activity row", "activity rows"),
        count_of(s.outcomes, "outcome row", "outcome rows"),
        count_of(s.notes, "note", "notes"),
        count_of(s.stories, "story", "stories"),
        count_of(s.files, "file", "files"),
        opts.out.display(),
    )];
    if let Some(csv) = &opts.invoices_csv {
        lines.push(format!(
            "wrote {} to {}",
            count_of(s.invoices, "invoice row", "invoice rows"),
            csv.display()
        ));
    }
    lines
}

/// Writes the demo project (and the flat invoices CSV if asked).
pub fn generate(opts: &DemoOptions) -> Result<DemoSummary, DemoError> {
    if opts.clients == 0 {
        return Err(DemoError::Usage("--clients must be at least 1".into()));
    }
    if !(1..=1200).contains(&opts.months) {
        return Err(DemoError::Usage("--months must be from 1 to 1200".into()));
    }
    let out = &opts.out;
    let io_err = |p: &Path| {
        let p = p.to_path_buf();
        move |e| DemoError::Io(p, e)
    };
    use crate::output::{NotNew, ensure_new_folder};
    match ensure_new_folder(out) {
        Ok(()) => {}
        Err(NotNew::NotEmpty) => {
            return Err(DemoError::Usage(format!(
                "{} is not empty; choose a new folder (demo-data never overwrites files)",
                out.display()
            )));
        }
        Err(NotNew::NotAFolder) => {
            return Err(DemoError::Usage(format!(
                "{} is a file; choose a new folder",
                out.display()
            )));
        }
        Err(NotNew::Io(e)) => return Err(DemoError::Io(out.to_path_buf(), e)),
    }
    let ctx = Ctx::new(opts);
    fs::create_dir_all(out.join("data/clients")).map_err(io_err(out))?;
    fs::create_dir_all(out.join("content/pages")).map_err(io_err(out))?;
    let mut summary = DemoSummary::default();
    let toml = casebook_toml(opts);
    write_file(&out.join("casebook.toml"), toml.as_bytes())?;
    write_file(&out.join("content/pages/about.md"), ABOUT.as_bytes())?;
    summary.files += 2;

    let mut flat = match &opts.invoices_csv {
        Some(p) => {
            if let Some(parent) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(parent).map_err(io_err(parent))?;
            }
            let f = fs::File::create(p).map_err(io_err(p))?;
            let mut w = BufWriter::with_capacity(1 << 20, f);
            let header = CsvOut::with_header(&["client_id", "date", "amount", "service", "kind"])
                .into_bytes()
                .map_err(io_err(p))?;
            w.write_all(&header).map_err(io_err(p))?;
            Some((w, p))
        }
        None => None,
    };
    let mut start = 0;
    while start < opts.clients {
        let end = (start + BATCH).min(opts.clients);
        let batch: Vec<Result<(DemoSummary, Vec<u8>), DemoError>> = (start..end)
            .into_par_iter()
            .map(|idx| gen_client(&ctx, idx).write(out))
            .collect();
        for r in batch {
            let (counts, rows) = r?;
            summary.add(&counts);
            if let Some((w, p)) = &mut flat {
                w.write_all(&rows).map_err(io_err(p))?;
            }
        }
        start = end;
    }
    if let Some((w, p)) = flat {
        w.into_inner().map_err(|e| DemoError::Io(p.clone(), e.into_error()))?;
    }
    Ok(summary)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), DemoError> {
    fs::write(path, bytes).map_err(|e| DemoError::Io(path.to_path_buf(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_spells_each_count_for_its_number() {
        let opts = DemoOptions {
            clients: 1,
            months: 1,
            seed: 2,
            out: PathBuf::from("/tmp/demo"),
            invoices_csv: Some(PathBuf::from("/tmp/invoices.csv")),
        };
        let one = DemoSummary {
            clients: 1,
            invoices: 1,
            nps: 1,
            activity: 1,
            outcomes: 1,
            notes: 1,
            stories: 1,
            files: 1,
        };
        assert_eq!(
            summary_lines(&one, &opts, 0.04),
            [
                "wrote 1 client, 1 invoice, 1 NPS response, 1 activity row, 1 outcome row, 1 note, 1 story (1 file) to /tmp/demo in 0.0 s",
                "wrote 1 invoice row to /tmp/invoices.csv"
            ]
        );
        let many = DemoSummary {
            clients: 2,
            invoices: 1234,
            files: 0,
            ..one
        };
        let lines = summary_lines(&many, &opts, 1.04);
        assert!(
            lines[0].starts_with("wrote 2 clients, 1,234 invoices, 1 NPS response"),
            "{}",
            lines[0]
        );
        assert!(lines[0].ends_with("(0 files) to /tmp/demo in 1.0 s"), "{}", lines[0]);
        assert_eq!(lines[1], "wrote 1,234 invoice rows to /tmp/invoices.csv");
    }
}
