//! The plan of a build: the as-of month, the months whose metrics the pages
//! need, and the cache keys that decide which pages of the previous build
//! may stay.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use super::BuildOptions;
use crate::metrics::{self, Metrics};
use crate::model::Project;
use crate::month::Month;
use crate::output::Live;
use crate::page_cache;
use crate::render::Renderer;

/// The as-of month: the one asked for, else the latest with an invoice
/// on or before the build date, else the build date's month (a project
/// without such invoices).
pub(super) fn as_of_month(project: &Project, asked: Option<Month>, today: Date) -> Month {
    asked
        .or_else(|| metrics::default_as_of(project, today))
        .unwrap_or_else(|| Month::of(today))
}

/// The months a build reports on and the metrics of every month its pages
/// show.
pub(super) struct Plan {
    pub as_of: Month,
    /// The months with a report per client: the as-of month, or with
    /// `--archive` every month from the first client's start.
    pub report_months: Vec<Month>,
    pub computed: BTreeMap<Month, Metrics>,
}

impl Plan {
    /// Metrics for every month a page needs: M, M-6 for the LTV drivers,
    /// M-1 and M-12 for the trends of the dashboard's tiles, and every
    /// month of the archive (with its M-6).
    pub fn new(project: &Project, opts: &BuildOptions) -> Plan {
        let as_of = as_of_month(project, opts.month, opts.today);
        let earliest = project.clients.iter().filter_map(|c| c.start_month()).min();
        let mut months: Vec<Month> = vec![as_of, as_of.plus(-6), as_of.plus(-1), as_of.plus(-12)];
        let report_months: Vec<Month> = match (opts.archive, earliest) {
            (true, Some(first)) if first <= as_of => Month::range(first, as_of).collect(),
            _ => vec![as_of],
        };
        months.extend(report_months.iter().copied());
        months.extend(report_months.iter().map(|m| m.plus(-6)));
        months.sort();
        months.dedup();
        let computed = months.par_iter().map(|m| (*m, metrics::compute(project, *m))).collect();
        Plan {
            as_of,
            report_months,
            computed,
        }
    }

    /// The metrics as of the as-of month.
    pub fn current(&self) -> &Metrics {
        &self.computed[&self.as_of]
    }

    /// The key of everything every page depends on: this casebook, the
    /// settings, the templates, the as-of month and `--archive`.
    pub fn global_key(&self, project: &Project, renderer: &Renderer, archive: bool) -> String {
        let mut global = crate::hash::Hasher::new();
        global
            .add(crate::BUILD_ID.as_bytes())
            // The settings as loaded, not re-read: an edit during the build
            // must not pair new settings with pages rendered from the old ones.
            .add(project.config_fingerprint.as_bytes())
            .add(renderer.fingerprint().as_bytes())
            .add(self.as_of.to_string().as_bytes())
            .add(&[archive as u8]);
        global.hex()
    }

    /// The key of the prediction models of the report months: a client's
    /// forecast comes from models fitted over every client.
    pub fn models_key(&self) -> String {
        let mut h = crate::hash::Hasher::new();
        for month in &self.report_months {
            if let Some(mm) = self.computed.get(month) {
                h.add(format!("{month} {:?}", mm.prediction).as_bytes());
            }
        }
        h.hex()
    }
}

/// What the previous build left: its manifest, and the output as it is now
/// when that build had the same global key. Then unchanged pages stay where
/// they are and the commit patches the output (see [`crate::page_cache`] and
/// [`crate::output`]); otherwise everything is rendered and swapped in.
pub(super) struct Previous {
    pub manifest: page_cache::Manifest,
    pub live: Option<Live>,
}

impl Previous {
    /// Reads what the previous build left in `out` (nothing without
    /// `incremental`), and, beside it, the key of the portfolio pages from
    /// `global` and their inputs.
    pub fn read<T: Serialize + Sync>(
        out: &Path,
        incremental: bool,
        global: &str,
        portfolio: &T,
    ) -> (Previous, Option<String>) {
        let manifest = if incremental {
            page_cache::load(out)
        } else {
            page_cache::Manifest::default()
        };
        let (live, portfolio_key) = rayon::join(
            || {
                (incremental && manifest.global == global)
                    .then(|| Live::read(out).ok())
                    .flatten()
            },
            || {
                let mut key = crate::hash::Hasher::new();
                key.add(global.as_bytes());
                incremental.then(|| key.add_json(portfolio).map(|h| h.hex())).flatten()
            },
        );
        (Previous { manifest, live }, portfolio_key)
    }

    /// The pages `pages` of the previous build when their key is `key` and
    /// they are still in the output as that build wrote them.
    pub fn unchanged(&self, pages: Option<&page_cache::Pages>, key: Option<&String>) -> Option<page_cache::Pages> {
        let (live, key) = (self.live.as_ref()?, key?);
        pages
            .filter(|p| &p.key == key && page_cache::still_there(live, p))
            .cloned()
    }
}
