//! Orchestration of a build: load → metrics → charts → render → write, and
//! the `check` and `metrics` commands. Printing and exit codes live here so
//! that `main.rs` stays a thin argument parser.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use jiff::civil::Date;

use crate::cache;
use crate::diag::{Diagnostics, format_errors};
use crate::load::{Loaded, counts, load, load_cached};
use crate::metrics;
use crate::model::Project;
use crate::month::Month;
use crate::output::{self, Staging};
use crate::pages::{self, Common};
use crate::progress::{Colour, paint};
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
    /// Reuse unchanged clients' pages from the previous build (see [`crate::cache`]).
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

#[derive(Clone, Copy)]
pub enum MetricsFormat {
    Json,
    /// One table of SPEC §4 as CSV; with `bom`, a UTF-8 byte-order mark first.
    Csv {
        table: metrics::TableKind,
        bom: bool,
    },
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
    /// Counts the pages of one client.
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

/// How far after the build date `--month` may be: a year.
pub const MAX_MONTHS_AHEAD: i32 = 12;

/// Refuses an as-of month more than [`MAX_MONTHS_AHEAD`] months after the
/// build date's month (a mistyped year would compute every report for
/// decades of empty months).
pub fn check_month(month: Option<Month>, today: Date) -> Result<(), String> {
    match month {
        Some(m) if m > Month::of(today).plus(MAX_MONTHS_AHEAD) => Err(format!(
            "--month {m} is more than a year after the build date {today}; the latest as-of month allowed is {}",
            Month::of(today).plus(MAX_MONTHS_AHEAD)
        )),
        _ => Ok(()),
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

    let mut summary = BuildSummary {
        as_of,
        internal_pages: 0,
        reports: 0,
        client_editions: 0,
        stories: 0,
        clients_reused: 0,
        timings: Vec::new(),
    };
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
    let mut manifest = cache::Manifest {
        format: cache::FORMAT,
        global,
        clients: BTreeMap::new(),
        portfolio,
        public_scan: cache::PublicScan::default(),
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

/// Exit code for invalid input and failed builds.
const FAILED: u8 = 1;

/// How much the commands print besides their result and errors.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ui {
    /// Errors only.
    pub quiet: bool,
    /// Also stage timings and counts.
    pub verbose: bool,
    /// Take unchanged clients from the load cache (see [`crate::load_cache`]).
    pub cache: bool,
}

fn print_error_lines(text: &str) {
    let mut err = std::io::stderr().lock();
    for line in text.lines() {
        let _ = writeln!(err, "{line}");
    }
}

pub(crate) fn print_failure(message: &str) {
    eprintln!("{}", paint(&format!("error: {message}"), Colour::Red));
}

pub(crate) fn print_warnings(diags: &Diagnostics, ui: Ui) {
    if ui.quiet {
        return;
    }
    let mut err = std::io::stderr().lock();
    for w in diags.warnings() {
        let _ = writeln!(err, "{}", paint(&w.to_string(), Colour::Yellow));
    }
}

/// Loads the project, printing warnings, and every error when there are any.
fn load_or_report(root: &Path, ui: Ui) -> Result<(Project, Diagnostics), u8> {
    let loaded = load_project(root, ui.cache);
    if ui.verbose {
        eprintln!(
            "  load cache: {} of {} client folders unchanged",
            loaded.clients_cached, loaded.client_folders
        );
    }
    let (project, diags) = (loaded.project, loaded.diagnostics);
    print_warnings(&diags, ui);
    match project {
        Some(p) => Ok((p, diags)),
        None => {
            let n = diags.errors().count();
            print_error_lines(&format_errors(diags.errors()));
            print_failure(&format!(
                "{n} problem{} in {}",
                if n == 1 { "" } else { "s" },
                root.display()
            ));
            Err(FAILED)
        }
    }
}

pub fn run_check(root: &Path, public_out: Option<&Path>, today: Date, ui: Ui) -> Result<(), u8> {
    let (project, _) = load_or_report(root, ui)?;
    print_warnings(&crate::load::future_dates(&project, today), ui);
    let mut leaks = Diagnostics::new();
    for leak in publish::edition_leaks(&project) {
        leak.report(&mut leaks, true);
    }
    let editions_leak = leaks.has_errors();
    if editions_leak {
        let n = leaks.errors().count();
        print_error_lines(&format_errors(leaks.errors()));
        print_failure(&format!(
            "{n} place{} would show another client's name in a client edition",
            if n == 1 { "" } else { "s" }
        ));
    }
    let c = counts(&project);
    if let Some(out) = public_out {
        // The public site's own folder when the settings give it one.
        let dir = match &project.config.public.out {
            Some(own) => root.join(own),
            None => out.join("public"),
        };
        if !dir.is_dir() {
            print_failure(&format!(
                "{}: not found; build the site first (casebook build)",
                dir.display()
            ));
            return Err(FAILED);
        }
        match publish::scan_dir(&dir, &publish::forbidden_names(&project, today)) {
            Ok(leaks) if leaks.is_empty() => {
                if !ui.quiet {
                    println!("ok: {} holds no name that a consent does not allow", dir.display());
                }
            }
            Ok(leaks) => {
                let n = leaks.len();
                for l in leaks {
                    eprintln!(
                        "{}",
                        publish::Leak {
                            path: dir.join(&l.path),
                            ..l
                        }
                    );
                }
                print_failure(&format!("{n} name(s) in {} that no consent allows", dir.display()));
                return Err(FAILED);
            }
            Err(e) => {
                print_failure(&format!("{}: {e}", dir.display()));
                return Err(FAILED);
            }
        }
    }
    if editions_leak {
        drop_in_background(project);
        return Err(FAILED);
    }
    if !ui.quiet {
        use crate::format::count_of;
        println!(
            "ok: {}, {}, {}, {}, {}",
            count_of(c.clients, "client", "clients"),
            count_of(c.invoices, "invoice", "invoices"),
            count_of(c.nps, "NPS response", "NPS responses"),
            count_of(c.notes, "note", "notes"),
            count_of(c.stories, "story", "stories")
        );
    }
    drop_in_background(project);
    Ok(())
}

/// Threads per core that `--jobs` may ask for: more only cost memory
/// (100,000 threads took minutes to start).
pub const MAX_JOBS_PER_CORE: usize = 8;

/// `--jobs n`, at least 1 and at most [`MAX_JOBS_PER_CORE`] per core of
/// this machine, and a warning when it had to be lowered.
pub fn clamp_jobs(n: usize) -> (usize, Option<String>) {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let max = MAX_JOBS_PER_CORE * cores;
    if n > max {
        let warning = format!(
            "--jobs {n} is more than {MAX_JOBS_PER_CORE} threads per core ({max} on this machine of {cores} core{}); using {max}",
            if cores == 1 { "" } else { "s" }
        );
        (max, Some(warning))
    } else {
        (n.max(1), None)
    }
}

pub fn run_build(opts: &BuildOptions, ui: Ui) -> Result<(), u8> {
    let Some(asked) = opts.jobs else {
        return run_build_here(opts, ui);
    };
    let (n, warning) = clamp_jobs(asked);
    if let (Some(w), false) = (warning, ui.quiet) {
        eprintln!("{}", paint(&format!("warning: {w}"), Colour::Yellow));
    }
    match rayon::ThreadPoolBuilder::new().num_threads(n).build() {
        Ok(pool) => pool.install(|| run_build_here(opts, ui)),
        Err(e) => {
            print_failure(&format!("cannot start {n} threads: {e}"));
            Err(FAILED)
        }
    }
}

fn run_build_here(opts: &BuildOptions, ui: Ui) -> Result<(), u8> {
    let started = std::time::Instant::now();
    // Refuse a forbidden output before spending time on loading (the build
    // checks again before it writes).
    refuse_output(&opts.out, &opts.root)?;
    if let Err(e) = check_month(opts.month, opts.today) {
        print_failure(&e);
        return Err(FAILED);
    }
    let (project, mut diags) = load_or_report(&opts.root, ui)?;
    let loaded_in = started.elapsed();
    let warnings_before = diags.warnings().count();
    let result = build_project(&project, opts, &mut diags);
    if !ui.quiet {
        for w in diags.warnings().skip(warnings_before) {
            eprintln!("{}", paint(&w.to_string(), Colour::Yellow));
        }
    }
    let title = project.config.title.clone();
    drop_in_background(project);
    match result {
        Ok(s) => {
            if ui.verbose {
                eprintln!(
                    "  {:<28} {:>8.1} ms",
                    "load and validate",
                    loaded_in.as_secs_f64() * 1000.0
                );
                for (stage, took) in &s.timings {
                    eprintln!("  {stage:<28} {:>8.1} ms", took.as_secs_f64() * 1000.0);
                }
                eprintln!("  {:<28} {:>8.1} ms", "total", started.elapsed().as_secs_f64() * 1000.0);
            }
            if !ui.quiet {
                use crate::format::count_of;
                let reused = if s.clients_reused > 0 {
                    format!(
                        ", {} reused",
                        count_of(s.clients_reused, "unchanged client", "unchanged clients")
                    )
                } else {
                    String::new()
                };
                println!(
                    "built {} as of {}: {} ({}{reused}), {}, {} → {}",
                    title,
                    s.as_of,
                    count_of(s.internal_pages, "internal page", "internal pages"),
                    count_of(s.reports, "report", "reports"),
                    count_of(s.client_editions, "client edition", "client editions"),
                    count_of(s.stories, "public story", "public stories"),
                    opts.out.display()
                );
            }
            Ok(())
        }
        Err(e) => {
            print_error_lines(&e.to_string());
            if e.left_output_untouched() {
                print_failure(&format!("the build failed; {} was left as it was", opts.out.display()));
            } else {
                print_failure("the build failed");
            }
            Err(FAILED)
        }
    }
}

/// Prints why `out` may not be a build's output folder, if it may not.
pub(crate) fn refuse_output(out: &Path, root: &Path) -> Result<(), u8> {
    match output::check_output(out, root) {
        Ok(_) => Ok(()),
        Err(refused) => {
            print_error_lines(&refused.to_string());
            print_failure("nothing was built");
            Err(FAILED)
        }
    }
}

/// `casebook metrics`: the JSON or one CSV table, to stdout or, with
/// `output`, to that file (written whole or not at all).
pub fn run_metrics(
    root: &Path,
    month: Option<Month>,
    today: Date,
    format: MetricsFormat,
    output: Option<&Path>,
    ui: Ui,
) -> Result<(), u8> {
    if let Some(path) = output {
        if let Some(why) = refused_output(root, path) {
            print_failure(&why);
            return Err(FAILED);
        }
    }
    if let Err(e) = check_month(month, today) {
        print_failure(&e);
        return Err(FAILED);
    }
    let (project, _) = load_or_report(root, ui)?;
    print_warnings(&crate::load::future_dates(&project, today), ui);
    let Some(as_of) = month.or_else(|| metrics::default_as_of(&project, today)) else {
        print_failure(&format!(
            "the project has no invoice dated on or before {today}; pass --month YYYY-MM"
        ));
        return Err(FAILED);
    };
    let m = metrics::compute(&project, as_of);
    let text = match format {
        MetricsFormat::Json => metrics::to_json(&m),
        MetricsFormat::Csv { table, bom } => metrics::table_csv_with(&m, table, bom),
    };
    drop_in_background(project);
    match output {
        Some(path) => write_whole(path, text.as_bytes()).map_err(|e| {
            print_failure(&format!("{}: {e}; nothing was written", path.display()));
            FAILED
        }),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|_| FAILED)
        }
    }
}

/// Why `metrics -o PATH` must not write there: a folder, or a file of the
/// project's own input (settings, data/, content/, templates/), which a
/// slip of the keyboard would otherwise overwrite.
fn refused_output(root: &Path, path: &Path) -> Option<String> {
    if path.is_dir() {
        return Some(format!(
            "{} is a folder; give a file name, e.g. clients.csv",
            path.display()
        ));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let (Ok(dir), Ok(root)) = (parent.canonicalize(), root.canonicalize()) else {
        // A missing folder is reported when writing.
        return None;
    };
    let file = dir.join(path.file_name()?);
    let inputs = ["casebook.toml", "data", "content", "templates"];
    inputs.iter().any(|i| file.starts_with(root.join(i))).then(|| {
        format!(
            "{} is part of the project's input; write the table somewhere else",
            path.display()
        )
    })
}

/// Writes `bytes` to a temporary file beside `path` and moves it into
/// place: `path` holds the old content or the new, never half of it.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?
        .to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.casebook-{}.tmp", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Frees a loaded project on another thread: a large one is millions of
/// allocations (0.15 s at 50,000 clients), and a command that ends now
/// need not wait for them.
fn drop_in_background(project: Project) {
    std::thread::spawn(move || drop(project));
}
