//! Rendering the private pages into the staging folder: the portfolio pages
//! (dashboard, cohorts, metrics files) and every client's overview, reports
//! and client editions, keeping a client's pages from the previous build
//! while its inputs are unchanged.

use std::path::PathBuf;

use rayon::prelude::*;

use super::plan::{Plan, Previous};
use super::{BuildError, BuildOptions};
use crate::metrics::{self, Metrics};
use crate::model::{Client, Project};
use crate::month::Month;
use crate::output::Staging;
use crate::page_cache::{self, FileStamp};
use crate::pages::{self, Common};
use crate::progress::TerminalProgress;
use crate::publish;
use crate::render::Renderer;

/// Renders templates and writes files into the staging folder.
pub(super) struct Writer<'a> {
    pub staging: &'a Staging,
    pub renderer: &'a Renderer,
    /// The project's currency, for the tables' CSV files.
    pub currency: &'a str,
}

impl Writer<'_> {
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
        self.staging
            .write(rel, bytes)
            .map_err(|e| BuildError::Io(PathBuf::from(rel), e))
    }

    pub fn render<T: serde::Serialize>(&self, template: &str, ctx: &T) -> Result<String, BuildError> {
        self.renderer.render(template, ctx).map_err(BuildError::Template)
    }

    /// Size and mtime of the written files `files`, for the cache.
    pub fn stamps(&self, files: &[String]) -> Result<Vec<FileStamp>, BuildError> {
        files
            .iter()
            .map(|rel| page_cache::stamp(self.staging.dir(), rel).map_err(|e| BuildError::Io(PathBuf::from(rel), e)))
            .collect()
    }

    /// A page's tables as CSV files beside it ("download CSV" links).
    pub fn write_tables(&self, dir: &str, ctx: &serde_json::Value, files: &mut Vec<String>) -> Result<(), BuildError> {
        for (name, text) in pages::downloads::csv_files(ctx, self.currency) {
            let rel = format!("{dir}/{name}");
            self.write(&rel, text.as_bytes())?;
            files.push(rel);
        }
        Ok(())
    }
}

/// Writes the dashboard, the cohorts page and the metrics as JSON and CSV;
/// returns the stamps of the files written.
fn portfolio(
    w: &Writer,
    common: &Common,
    inputs: &pages::internal::PortfolioInputs,
    m: &Metrics,
) -> Result<Vec<FileStamp>, BuildError> {
    let mut files: Vec<String> = vec![
        "internal/metrics.json".into(),
        "internal/index.html".into(),
        "internal/cohorts/index.html".into(),
    ];
    w.write("internal/metrics.json", metrics::to_json(m).as_bytes())?;
    // The metrics tables for spreadsheets (BOM: Excel reads them as UTF-8).
    for t in metrics::TableKind::ALL {
        let rel = format!("internal/{}", pages::internal::metrics_csv_name(t));
        w.write(&rel, metrics::table_csv_with(m, t, true).as_bytes())?;
        files.push(rel);
    }
    let dashboard = pages::internal::dashboard(common, inputs);
    w.write(
        "internal/index.html",
        w.render("dashboard.html", &dashboard)?.as_bytes(),
    )?;
    w.write_tables("internal", &dashboard, &mut files)?;
    let cohorts = pages::internal::cohorts(common, m);
    w.write(
        "internal/cohorts/index.html",
        w.render("cohorts.html", &cohorts)?.as_bytes(),
    )?;
    w.write_tables("internal/cohorts", &cohorts, &mut files)?;
    w.stamps(&files)
}

/// What the build did for one client.
pub(super) struct ClientOutput {
    pub id: String,
    pub pages: usize,
    /// What the cache keeps for the next build (none without a fingerprint).
    pub entry: Option<page_cache::Pages>,
    pub reports: usize,
    /// Client editions (`client/<id>/<YYYY-MM>.html`), one per report.
    pub editions: usize,
    pub reused: bool,
}

impl ClientOutput {
    /// A client whose pages of the previous build stay.
    fn reused(id: &str, pages: page_cache::Pages) -> ClientOutput {
        let internal_html = |f: &&FileStamp| f.path.starts_with("internal/") && f.path.ends_with(".html");
        ClientOutput {
            id: id.to_string(),
            // Pages are the internal HTML files (the tables' CSV files sit
            // beside them; the client editions count apart).
            pages: pages.files.iter().filter(internal_html).count(),
            reports: pages
                .files
                .iter()
                .filter(internal_html)
                .filter(|f| !f.path.ends_with("index.html"))
                .count(),
            editions: pages.files.iter().filter(|f| f.path.starts_with("client/")).count(),
            entry: Some(pages),
            reused: true,
        }
    }
}

/// ProjectCounts a client as done when its work ends, however it ends.
struct Tick<'a>(&'a TerminalProgress);

impl Drop for Tick<'_> {
    fn drop(&mut self) {
        self.0.inc();
    }
}

/// What the rendering steps of a build share.
pub(super) struct Rendering<'a> {
    pub project: &'a Project,
    pub opts: &'a BuildOptions,
    pub plan: &'a Plan,
    pub previous: &'a Previous,
    /// The project's language, currency and title.
    pub common: &'a Common,
    pub writer: &'a Writer<'a>,
}

impl Rendering<'_> {
    /// The portfolio pages: kept from the previous build when their key
    /// `key` is unchanged (then their files join `kept`), else rendered.
    /// Returns what the cache keeps of them.
    pub fn portfolio(
        &self,
        inputs: &pages::internal::PortfolioInputs,
        key: Option<String>,
        kept: &mut Vec<String>,
    ) -> Result<Option<page_cache::Pages>, BuildError> {
        match self
            .previous
            .unchanged(self.previous.manifest.portfolio.as_ref(), key.as_ref())
        {
            Some(pages) => {
                kept.extend(pages.files.iter().map(|f| f.path.clone()));
                Ok(Some(pages))
            }
            None => {
                let files = portfolio(self.writer, self.common, inputs, self.plan.current())?;
                Ok(key.map(|key| page_cache::Pages { key, files }))
            }
        }
    }

    /// Reports: one per client alive in each report month, computed as of
    /// it. A client whose inputs did not change since the previous build
    /// keeps its pages (see [`crate::page_cache`]). The first error in client
    /// order, whatever thread found it first.
    pub fn clients(&self) -> Result<Vec<ClientOutput>, BuildError> {
        let models_key = self.plan.models_key();
        let progress = TerminalProgress::new(
            self.project.clients.len() as u64,
            "rendering clients",
            self.opts.progress,
        );
        let per_client: Vec<Result<ClientOutput, BuildError>> = self
            .project
            .clients
            .par_iter()
            .map(|client| {
                let _tick = Tick(&progress);
                self.opts.stopped()?;
                self.client(client, &models_key)
            })
            .collect();
        progress.finish();
        per_client.into_iter().collect()
    }

    fn client(&self, client: &Client, models_key: &str) -> Result<ClientOutput, BuildError> {
        // Projects made in code have no fingerprints: always rendered. A
        // client's forecast comes from models fitted over every client: its
        // pages are kept only while those are unchanged too.
        let key = self
            .project
            .fingerprints
            .get(&client.id)
            .map(|k| format!("{k}+{models_key}"));
        let previous = self.previous.manifest.clients.get(&client.id);
        if let Some(pages) = self.previous.unchanged(previous, key.as_ref()) {
            return Ok(ClientOutput::reused(&client.id, pages));
        }
        let (as_of, m) = (self.plan.as_of, self.plan.current());
        let cfg = &self.project.config;
        let w = self.writer;
        let mut files = Vec::new();
        let current = m.client(&client.id);
        let shared = current.map(|cm| pages::internal::client_charts(self.common, client, cm, as_of));
        let written = self.reports(client, shared.as_ref(), &mut files)?;
        if let (Some(cm), Some(shared)) = (current, &shared) {
            let history = pages::internal::HealthHistory {
                months: metrics::health_history(self.project, client, as_of, 12),
                at_risk: cfg.segments.at_risk_health,
                loyal: cfg.segments.loyal_health,
            };
            let ctx = pages::internal::client_overview(self.common, client, cm, m, &written, shared, &history);
            let dir = format!("internal/clients/{}", client.id);
            let rel = format!("{dir}/index.html");
            w.write(&rel, w.render("client.html", &ctx)?.as_bytes())?;
            files.push(rel);
            w.write_tables(&dir, &ctx, &mut files)?;
        }
        let stamps = w.stamps(&files)?;
        Ok(ClientOutput {
            id: client.id.clone(),
            pages: files
                .iter()
                .filter(|f| f.starts_with("internal/") && f.ends_with(".html"))
                .count(),
            reports: written.len(),
            editions: written.len(),
            entry: key.map(|key| page_cache::Pages { key, files: stamps }),
            reused: false,
        })
    }

    /// Writes the briefing and the client edition of every report month in
    /// which the client is alive; returns those months.
    fn reports(
        &self,
        client: &Client,
        shared: Option<&pages::internal::ClientCharts>,
        files: &mut Vec<String>,
    ) -> Result<Vec<Month>, BuildError> {
        let cfg = &self.project.config;
        let (as_of, w) = (self.plan.as_of, self.writer);
        // Both editions of the review speak the client's language; the
        // overview keeps the project's.
        let review_common;
        let review_lang = publish::review_lang(cfg, client);
        let rc = if review_lang == cfg.lang {
            self.common
        } else {
            review_common = Common::new(review_lang, &cfg.currency, &cfg.title);
            &review_common
        };
        let mut written = Vec::new();
        for month in &self.plan.report_months {
            let mm = &self.plan.computed[month];
            let Some(cm) = mm.client(&client.id) else {
                continue;
            };
            if !cm.alive {
                continue;
            }
            let before = self
                .plan
                .computed
                .get(&month.plus(-6))
                .and_then(|b| b.client(&client.id));
            // Charts drawn once for the overview, the briefing and the
            // client edition where they show the same month in one language.
            let month_charts;
            let charts = match shared.filter(|_| *month == as_of && review_lang == cfg.lang) {
                Some(s) => s,
                None => {
                    month_charts = pages::internal::client_charts(rc, client, cm, *month);
                    &month_charts
                }
            };
            let mut ctx = pages::internal::report(rc, client, cm, *month, before, Some(charts));
            // The forecast is the consultancy's: the briefing has it, the
            // client edition (rendered from its own context) never does.
            ctx["forecast"] = pages::forecast::client_forecast(rc, cm, &mm.prediction);
            let rel = format!("internal/clients/{}/{month}.html", client.id);
            w.write(&rel, w.render("report.html", &ctx)?.as_bytes())?;
            files.push(rel);
            let edition = publish::ClientEdition::new(cfg, client, *month);
            let rel = publish::edition_path(&client.id, *month);
            let page = w.render(
                "client_edition.html",
                &pages::client_edition::page(rc, &edition, Some(&charts.outcome_svgs())),
            )?;
            w.write(&rel, page.as_bytes())?;
            files.push(rel);
            written.push(*month);
        }
        Ok(written)
    }
}
