//! `casebook build`: the build, its warnings and the line that says what
//! it wrote.

use std::time::{Duration, Instant};

use super::{Ui, drop_in_background, fail, load_or_report, refuse_output};
use crate::build::{self, BuildOptions, BuildSummary};
use crate::command::{self, CommandError};
use crate::format::count_of;
use crate::progress::{Colour, paint};

/// Builds with `--jobs` threads when asked (at most
/// [`command::MAX_JOBS_PER_CORE`] per core), else one per core.
pub fn run_build(opts: &BuildOptions, ui: Ui) -> Result<(), u8> {
    let Some(asked) = opts.jobs else {
        return run_build_here(opts, ui);
    };
    let (n, warning) = command::clamp_jobs(asked);
    if let (Some(w), false) = (warning, ui.quiet) {
        eprintln!("{}", paint(&format!("warning: {w}"), Colour::Yellow));
    }
    match command::thread_pool(n) {
        Ok(pool) => pool.install(|| run_build_here(opts, ui)),
        Err(e) => Err(fail(&e)),
    }
}

fn run_build_here(opts: &BuildOptions, ui: Ui) -> Result<(), u8> {
    let started = Instant::now();
    // Refuse a forbidden output before spending time on loading (the build
    // checks again before it writes).
    refuse_output(&opts.out, &opts.root)?;
    command::check_month(opts.month, opts.today).map_err(|e| fail(&CommandError::MonthTooFar(e)))?;
    let (project, mut diags) = load_or_report(&opts.root, ui)?;
    let loaded_in = started.elapsed();
    let warnings_before = diags.warnings().count();
    let result = build::build_project(&project, opts, &mut diags);
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
                print_timings(&s, loaded_in, started);
            }
            if !ui.quiet {
                print_built(&s, &title, opts);
            }
            Ok(())
        }
        Err(error) => Err(fail(&CommandError::Build {
            out: opts.out.clone(),
            error,
        })),
    }
}

/// `--verbose`: the time of each stage, to stderr.
fn print_timings(s: &BuildSummary, loaded_in: Duration, started: Instant) {
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

/// What the build wrote, in one line to stdout.
fn print_built(s: &BuildSummary, title: &str, opts: &BuildOptions) {
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
