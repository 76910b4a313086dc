//! One build at a time: the build itself runs on a blocking thread, its
//! outcome is printed and published to the served pages.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use jiff::civil::Date;
use tokio::sync::watch;

use super::watcher::Watcher;
use super::{Status, say};
use crate::build::{self, BuildOptions};
use crate::cli::{self, Ui};
use crate::month::Month;

/// Runs one build on a blocking thread and publishes its outcome.
pub(super) async fn rebuild(
    builder: &Arc<Builder>,
    watcher: Option<&Arc<Watcher>>,
    status: &watch::Sender<Status>,
    changed: &[String],
) {
    let ui = builder.ui;
    if !changed.is_empty() && !ui.quiet {
        let mut list = changed.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
        if changed.len() > 3 {
            list.push_str(&format!(" and {} more", changed.len() - 3));
        }
        say(&format!("changed: {list}"));
    }
    let task = {
        let builder = builder.clone();
        let watcher = watcher.cloned();
        tokio::task::spawn_blocking(move || {
            // A watched folder created (or re-created) since the last build
            // gets its watch now.
            if let Some(w) = &watcher {
                w.refresh();
            }
            builder.build_once()
        })
    };
    let outcome = task
        .await
        .unwrap_or_else(|e| Err(format!("the build stopped unexpectedly: {e}")));
    match &outcome {
        Ok(summary) => {
            if !ui.quiet {
                say(&summary.to_string());
            }
        }
        // Stopped by Ctrl-C: nothing failed.
        Err(_) if builder.stop.load(Ordering::Relaxed) => {}
        Err(errors) => {
            let mut err = std::io::stderr().lock();
            for line in errors.lines() {
                let _ = writeln!(err, "{line}");
            }
            drop(err);
            cli::print_failure("the build failed; the last good site is still served, with the errors over every page");
        }
    }
    status.send_modify(|s| {
        s.generation += 1;
        s.error = outcome.err();
    });
}

/// Everything a build needs, shared with the blocking thread.
pub(super) struct Builder {
    pub(super) root: PathBuf,
    pub(super) out: PathBuf,
    pub(super) month: Option<Month>,
    pub(super) today: Option<Date>,
    pub(super) ui: Ui,
    /// Set on Ctrl-C: the running build stops (see [`BuildOptions::stop`]).
    pub(super) stop: Arc<AtomicBool>,
}

impl Builder {
    /// Loads and builds the project: a line for the terminal, or the errors.
    fn build_once(&self) -> Result<String, String> {
        let started = Instant::now();
        let loaded = build::load_project(&self.root, self.ui.cache);
        let mut diags = loaded.diagnostics;
        let result = match loaded.project {
            None => Err(build::problems(&diags)),
            Some(project) => {
                let opts = BuildOptions {
                    root: self.root.clone(),
                    out: self.out.clone(),
                    month: self.month,
                    today: self.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date()),
                    archive: false,
                    jobs: None,
                    incremental: self.ui.cache,
                    progress: !self.ui.quiet,
                    stop: Some(self.stop.clone()),
                    // Served together with the private site, whatever
                    // `[public] out` says.
                    base_url: None,
                    public_out: Some(self.out.join("public")),
                };
                build::build_project(&project, &opts, &mut diags)
                    .map(|s| {
                        use crate::format::count_of;
                        let mut line = format!(
                            "built as of {} in {} ms: {} ({}), {}",
                            s.as_of,
                            started.elapsed().as_millis(),
                            count_of(s.internal_pages, "internal page", "internal pages"),
                            count_of(s.reports, "report", "reports"),
                            count_of(s.stories, "public story", "public stories")
                        );
                        if self.ui.verbose {
                            for (stage, took) in &s.timings {
                                line.push_str(&format!("\n  {stage:<28} {:>8.1} ms", took.as_secs_f64() * 1000.0));
                            }
                        }
                        line
                    })
                    .map_err(|e| e.to_string())
            }
        };
        cli::print_warnings(&diags, self.ui);
        result
    }
}
