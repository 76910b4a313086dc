//! The steps of the `build`, `check` and `metrics` commands around the
//! build itself: each returns a [`CommandError`], and [`crate::cli`] prints
//! it. Nothing here prints.

use std::fmt;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::build::BuildError;
use crate::diag::{Diagnostics, format_errors};
use crate::metrics;
use crate::model::Project;
use crate::month::Month;
use crate::output;
use crate::publish;

/// Why a command failed. Its message is [`CommandError::details`] (lines
/// printed as they are) followed by [`CommandError::summary`] (the line
/// printed as `error: ...`).
#[derive(Debug)]
pub enum CommandError {
    /// The output path may not be built into; nothing was built.
    Output(output::Refused),
    /// `--month` is too far after the build date.
    MonthTooFar(MonthTooFar),
    /// `--jobs`: the threads could not be started.
    Threads(usize, rayon::ThreadPoolBuildError),
    /// The project did not load: its diagnostics, with every error.
    Load { root: PathBuf, diagnostics: Diagnostics },
    /// The build failed; `out` is the output folder asked for.
    Build { out: PathBuf, error: BuildError },
    /// `check`: places in clients' own text that would show another
    /// client's name in a client edition (as errors).
    EditionLeaks(Diagnostics),
    /// `check --public`: the public site's folder does not exist.
    NoPublicSite(PathBuf),
    /// `check --public`: names in the public site `.0` that no consent
    /// allows (paths within it).
    PublicLeaks(PathBuf, Vec<publish::Leak>),
    /// `check --public`: the public site could not be read.
    PublicScan(PathBuf, std::io::Error),
    /// `metrics -o`: the path is a folder.
    OutputIsFolder(PathBuf),
    /// `metrics -o`: the path is part of the project's input.
    OutputIsInput(PathBuf),
    /// `metrics`: no `--month`, and no invoice on or before the build date.
    NoInvoice(Date),
    /// `metrics -o`: the file could not be written; nothing was.
    Write(PathBuf, std::io::Error),
}

impl CommandError {
    /// The lines before the summary (diagnostics, leaks), each one line of
    /// output.
    pub fn details(&self) -> Vec<String> {
        let lines = |text: &str| text.lines().map(String::from).collect();
        match self {
            CommandError::Output(refused) => lines(&refused.to_string()),
            CommandError::Load { diagnostics, .. } => lines(&format_errors(diagnostics.errors())),
            CommandError::Build { error, .. } => lines(&error.to_string()),
            CommandError::EditionLeaks(leaks) => lines(&format_errors(leaks.errors())),
            CommandError::PublicLeaks(dir, leaks) => leaks
                .iter()
                .map(|l| {
                    publish::Leak {
                        path: dir.join(&l.path),
                        ..l.clone()
                    }
                    .to_string()
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The one line that says what failed.
    pub fn summary(&self) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        match self {
            CommandError::Output(_) => "nothing was built".into(),
            CommandError::MonthTooFar(e) => e.to_string(),
            CommandError::Threads(n, e) => format!("cannot start {n} threads: {e}"),
            CommandError::Load { root, diagnostics } => {
                let n = diagnostics.errors().count();
                format!("{n} problem{} in {}", plural(n), root.display())
            }
            // Only a folder that exists can be "left as it was".
            CommandError::Build { out, error } if error.left_output_untouched() && out.exists() => {
                format!("the build failed; {} was left as it was", out.display())
            }
            CommandError::Build { out, error } if error.left_output_untouched() => {
                format!("the build failed; nothing was written to {}", out.display())
            }
            CommandError::Build { .. } => "the build failed".into(),
            CommandError::EditionLeaks(leaks) => {
                let n = leaks.errors().count();
                format!(
                    "{n} place{} would show another client's name in a client edition",
                    plural(n)
                )
            }
            CommandError::NoPublicSite(dir) => {
                format!("{}: not found; build the site first (casebook build)", dir.display())
            }
            CommandError::PublicLeaks(dir, leaks) => {
                format!("{} name(s) in {} that no consent allows", leaks.len(), dir.display())
            }
            CommandError::PublicScan(dir, e) => format!("{}: {e}", dir.display()),
            CommandError::OutputIsFolder(path) => {
                format!("{} is a folder; give a file name, e.g. clients.csv", path.display())
            }
            CommandError::OutputIsInput(path) => format!(
                "{} is part of the project's input; write the table somewhere else",
                path.display()
            ),
            CommandError::NoInvoice(today) => {
                format!("the project has no invoice dated on or before {today}; pass --month YYYY-MM")
            }
            CommandError::Write(path, e) => format!("{}: {e}; nothing was written", path.display()),
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in self.details() {
            writeln!(f, "{line}")?;
        }
        write!(f, "{}", self.summary())
    }
}

// No `source`: the message already says what the cause says.
impl std::error::Error for CommandError {}

/// How far after the build date `--month` may be: a year.
pub const MAX_MONTHS_AHEAD: i32 = 12;

/// An as-of month more than [`MAX_MONTHS_AHEAD`] months after the build
/// date's month (a mistyped year would compute every report for decades of
/// empty months).
#[derive(Debug)]
pub struct MonthTooFar {
    pub month: Month,
    pub today: Date,
}

impl fmt::Display for MonthTooFar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--month {} is more than a year after the build date {}; the latest as-of month allowed is {}",
            self.month,
            self.today,
            Month::of(self.today).plus(MAX_MONTHS_AHEAD)
        )
    }
}

impl std::error::Error for MonthTooFar {}

/// Refuses an as-of month too far after the build date (see [`MonthTooFar`]).
pub fn check_month(month: Option<Month>, today: Date) -> Result<(), MonthTooFar> {
    match month {
        Some(m) if m > Month::of(today).plus(MAX_MONTHS_AHEAD) => Err(MonthTooFar { month: m, today }),
        _ => Ok(()),
    }
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

/// A pool of `n` threads for a build.
pub fn thread_pool(n: usize) -> Result<rayon::ThreadPool, CommandError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| CommandError::Threads(n, e))
}

/// The project's diagnostics as a load failure when it did not load.
pub fn loaded(
    root: &Path,
    project: Option<Project>,
    diagnostics: Diagnostics,
) -> Result<(Project, Diagnostics), CommandError> {
    match project {
        Some(p) => Ok((p, diagnostics)),
        None => Err(CommandError::Load {
            root: root.to_path_buf(),
            diagnostics,
        }),
    }
}

/// `check`: every place where a client's own text would show another
/// client's name in its client edition.
pub fn check_editions(project: &Project) -> Result<(), CommandError> {
    let mut leaks = Diagnostics::new();
    for leak in publish::edition_leaks(project) {
        leak.report(&mut leaks, true);
    }
    if leaks.has_errors() {
        Err(CommandError::EditionLeaks(leaks))
    } else {
        Ok(())
    }
}

/// `check --public`: scans the public site built into `out` (or into the
/// settings' own folder for it) for names that no consent allows as of
/// `today`; returns the folder scanned.
pub fn check_public(project: &Project, root: &Path, out: &Path, today: Date) -> Result<PathBuf, CommandError> {
    let dir = match &project.config.public.out {
        Some(own) => root.join(own),
        None => out.join("public"),
    };
    if !dir.is_dir() {
        return Err(CommandError::NoPublicSite(dir));
    }
    match publish::scan_dir(&dir, &publish::forbidden_names(project, today)) {
        Ok(leaks) if leaks.is_empty() => Ok(dir),
        Ok(leaks) => Err(CommandError::PublicLeaks(dir, leaks)),
        Err(e) => Err(CommandError::PublicScan(dir, e)),
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

/// `metrics`: the JSON or one CSV table as of `month`, else as of the
/// latest month with an invoice on or before `today`.
pub fn metrics_text(
    project: &Project,
    month: Option<Month>,
    today: Date,
    format: MetricsFormat,
) -> Result<String, CommandError> {
    let as_of = month
        .or_else(|| metrics::default_as_of(project, today))
        .ok_or(CommandError::NoInvoice(today))?;
    let m = metrics::compute(project, as_of);
    Ok(match format {
        MetricsFormat::Json => metrics::to_json(&m),
        MetricsFormat::Csv { table, bom } => metrics::table_csv_with(&m, table, bom),
    })
}

/// Refuses `metrics -o PATH` where it must not write: a folder, or a file
/// of the project's own input (settings, data/, content/, templates/),
/// which a slip of the keyboard would otherwise overwrite.
pub fn check_metrics_output(root: &Path, path: &Path) -> Result<(), CommandError> {
    if path.is_dir() {
        return Err(CommandError::OutputIsFolder(path.to_path_buf()));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let (Ok(dir), Ok(root), Some(name)) = (parent.canonicalize(), root.canonicalize(), path.file_name()) else {
        // A missing folder is reported when writing.
        return Ok(());
    };
    let file = dir.join(name);
    let inputs = ["casebook.toml", "data", "content", "templates"];
    if inputs.iter().any(|i| file.starts_with(root.join(i))) {
        return Err(CommandError::OutputIsInput(path.to_path_buf()));
    }
    Ok(())
}

/// Writes `bytes` to a temporary file beside `path` and moves it into
/// place: `path` holds the old content or the new, never half of it.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), CommandError> {
    let write = || -> std::io::Result<()> {
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
    };
    write().map_err(|e| CommandError::Write(path.to_path_buf(), e))
}
