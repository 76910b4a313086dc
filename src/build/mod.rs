//! A build of both sites, in steps: `plan` (the as-of month, the months
//! whose metrics the pages need, the cache keys), `render` (the private
//! pages, keeping unchanged ones), `public` (the public site and its leak
//! scan), `commit` (the staged folders replace the output). Nothing here
//! prints: [`crate::cli`] does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use jiff::civil::Date;

use crate::diag::{Diagnostics, format_errors};
use crate::load::{Loaded, load, load_cached};
use crate::model::Project;
use crate::month::Month;
use crate::output::{self, Staging};
use crate::page_cache;
use crate::pages::{self, Common};
use crate::publish;
use crate::render::Renderer;

mod commit;
mod plan;
mod public;
mod render;

use commit::Commit;
use plan::{Plan, Previous};
use render::{Rendering, Writer};

pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub month: Option<Month>,
    pub today: Date,
    pub archive: bool,
    /// Threads for rendering (`None`: one per core). Output is the same for any number.
    pub jobs: Option<usize>,
    /// Reuse unchanged clients' pages from the previous build (see [`crate::page_cache`]).
    pub incremental: bool,
    /// Show a progress bar on a terminal when the build takes a while.
    pub progress: bool,
    /// Set by another thread to stop the build: it ends with
    /// [`BuildError::Stopped`] at the next client, before touching the
    /// output (`serve` sets it on Ctrl-C).
    pub stop: Option<Arc<AtomicBool>>,
    /// `--base-url`: the public site's address for this build (checked with
    /// [`crate::config::check_base_url`]), over `[public] base_url`.
    pub base_url: Option<String>,
    /// `--public-out`: where the public site goes, over `[public] out`
    /// (relative to the project root); by default `<out>/public`.
    pub public_out: Option<PathBuf>,
}

impl BuildOptions {
    fn stopped(&self) -> Result<(), BuildError> {
        match &self.stop {
            Some(s) if s.load(Ordering::Relaxed) => Err(BuildError::Stopped),
            _ => Ok(()),
        }
    }
}

/// What a successful build wrote.
#[derive(Debug)]
pub struct BuildSummary {
    pub as_of: Month,
    pub internal_pages: usize,
    pub reports: usize,
    /// Client editions written or kept (one per report).
    pub client_editions: usize,
    pub stories: usize,
    /// Clients whose pages were reused from the previous build.
    pub clients_reused: usize,
    /// Wall time of each stage, in order (for `--verbose`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl BuildSummary {
    fn new(as_of: Month) -> BuildSummary {
        BuildSummary {
            as_of,
            internal_pages: 0,
            reports: 0,
            client_editions: 0,
            stories: 0,
            clients_reused: 0,
            timings: Vec::new(),
        }
    }

    /// ProjectCounts the pages of one client.
    fn add(&mut self, client: &render::ClientOutput) {
        self.internal_pages += client.pages;
        self.reports += client.reports;
        self.client_editions += client.editions;
        self.clients_reused += client.reused as usize;
    }
}

/// Why a build failed; the previous output is untouched in every case.
#[derive(Debug)]
pub enum BuildError {
    /// The project has errors (every one is listed).
    Invalid(Diagnostics),
    /// A template failed to parse or render.
    Template(String),
    /// The public site would show a name that no consent allows.
    Leak(Vec<publish::Leak>),
    Io(PathBuf, std::io::Error),
    /// Moving the new files into the output failed part way (incremental
    /// builds only; see [`crate::output`]): the output may be partly
    /// updated, and the next build rebuilds it in full.
    Commit(PathBuf, std::io::Error),
    /// Stopped on request (see [`BuildOptions::stop`]).
    Stopped,
    /// The output path may not be built into (see [`output::check_output`]);
    /// nothing was written.
    Output(output::Refused),
    /// The public site's folder cannot be used (it overlaps the output).
    PublicOut(PathBuf, String),
}

impl BuildError {
    /// Whether the previous output is still as it was.
    pub fn left_output_untouched(&self) -> bool {
        !matches!(self, BuildError::Commit(..))
    }
}

// No `source`: the message already says what the cause says.
impl std::error::Error for BuildError {}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Invalid(d) => write!(f, "{}; nothing was built", problems(d)),
            BuildError::Template(e) => write!(f, "{e}"),
            BuildError::Leak(leaks) => {
                for l in leaks {
                    writeln!(f, "{l}")?;
                }
                write!(
                    f,
                    "the public site would show {} name(s) that no consent allows; nothing was published",
                    leaks.len()
                )
            }
            BuildError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            BuildError::Stopped => write!(f, "the build was stopped"),
            BuildError::Output(refused) => write!(f, "{refused}"),
            BuildError::PublicOut(p, why) => write!(f, "{}: {why}", p.display()),
            BuildError::Commit(p, e) => write!(
                f,
                "{}: {e}; the site may be partly updated, and the next build rewrites it in full",
                p.display()
            ),
        }
    }
}

/// Loads the project with cross-file validation (with `cache`, unchanged
/// clients come from the load cache); the diagnostics include warnings
/// either way.
pub fn load_project(root: &Path, cache: bool) -> Loaded {
    if cache { load_cached(root) } else { load(root) }
}

/// The project's templates; their errors (and only those) when one does
/// not parse.
fn templates(project: &Project, warnings: &mut Diagnostics) -> Result<Renderer, BuildError> {
    Renderer::new(&project.root, warnings).ok_or_else(|| {
        let mut only_errors = Diagnostics::new();
        for e in warnings.errors() {
            only_errors.error(&e.path, e.line, e.column, e.message.clone());
        }
        BuildError::Invalid(only_errors)
    })
}

/// Builds both sites of `project` into `opts.out`: plan the months and
/// cache keys, render the private pages, render and scan the public site,
/// commit. Nothing of the output changes before the commit.
pub fn build_project(
    project: &Project,
    opts: &BuildOptions,
    warnings: &mut Diagnostics,
) -> Result<BuildSummary, BuildError> {
    let mut clock = std::time::Instant::now();
    let mut timings = Vec::new();
    let mut lap = |stage: &'static str| {
        timings.push((stage, clock.elapsed()));
        clock = std::time::Instant::now();
    };
    // Before anything else: a build never writes over the project or over
    // a folder casebook did not make.
    let target = output::check_output(&opts.out, &project.root).map_err(BuildError::Output)?;
    let renderer = templates(project, warnings)?;
    warnings.extend(crate::load::future_dates(project, opts.today));
    let cfg = &project.config;
    let common = Common::new(cfg.lang, &cfg.currency, &cfg.title);
    // An output folder that is a link (site -> /var/www/html) is built where
    // it points: the link stays, the folder it names gets the new site.
    let out = target.path().to_path_buf();
    let staging = Staging::new(&target).map_err(|e| BuildError::Io(out.clone(), e))?;
    let writer = Writer {
        staging: &staging,
        renderer: &renderer,
        currency: &cfg.currency,
    };
    let plan = Plan::new(project, opts);
    let (as_of, m) = (plan.as_of, plan.current());
    lap("templates and metrics");
    // Another client's name in a client's own text would reach its client
    // edition: a warning here (`check` fails on it).
    for leak in publish::edition_leaks(project) {
        leak.report(warnings, false);
    }
    lap("cross-client check");

    let mut summary = BuildSummary::new(as_of);
    let global = plan.global_key(project, &renderer, opts.archive);
    let inputs = pages::internal::PortfolioInputs::new(project, m)
        .with_trends(plan.computed.get(&as_of.plus(-1)), plan.computed.get(&as_of.plus(-12)));
    let (previous, portfolio_key) = Previous::read(&out, opts.incremental, &global, &inputs);
    let rendering = Rendering {
        project,
        opts,
        plan: &plan,
        previous: &previous,
        common: &common,
        writer: &writer,
    };
    // Files of the output that the new build keeps as they are.
    let mut kept: Vec<String> = Vec::new();
    let portfolio = rendering.portfolio(&inputs, portfolio_key, &mut kept)?;
    summary.internal_pages += 2;
    lap("portfolio pages");

    let clients = rendering.clients()?;
    let mut manifest = page_cache::Manifest {
        format: page_cache::FORMAT,
        global,
        clients: BTreeMap::new(),
        portfolio,
        public_scan: page_cache::PublicScan::default(),
    };
    for client in clients {
        summary.add(&client);
        if let Some(entry) = client.entry {
            if client.reused {
                kept.extend(entry.files.iter().map(|f| f.path.clone()));
            }
            manifest.clients.insert(client.id, entry);
        }
    }
    lap("client pages");

    let public = public::PublicSite::build(&rendering, &out, warnings)?;
    summary.stories = public.stories;
    manifest.public_scan = public.scan;
    lap("public site and leak scan");
    opts.stopped()?;
    Commit {
        out: &out,
        staging,
        public: public.own,
        live: previous.live,
        kept,
        incremental: opts.incremental,
    }
    .run(&manifest)?;
    lap("swap");
    summary.timings = timings;
    Ok(summary)
}

/// Every error of `diags` (at most [`crate::diag::MAX_LISTED`]) and a
/// closing count: "... 3 problems found".
pub fn problems(diags: &Diagnostics) -> String {
    let n = diags.errors().count();
    format!(
        "{}{n} problem{} found",
        format_errors(diags.errors()),
        if n == 1 { "" } else { "s" }
    )
}
