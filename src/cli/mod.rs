//! The command line's side of the `build`, `check`, `metrics`, `init` and
//! `pdf` commands: everything they print, and their exit codes. The library
//! steps they call ([`crate::build`], [`crate::command`], [`crate::init`],
//! [`crate::pdf`]) return errors and print nothing (a progress bar aside);
//! `src/main.rs` only parses the arguments. `serve`, `import`, `clv` and
//! `demo-data` still print from their own modules.

use std::io::Write;
use std::path::Path;

use crate::command::{self, CommandError};
use crate::diag::Diagnostics;
use crate::model::Project;
use crate::output;
use crate::progress::{Colour, paint};

mod build;
mod check;
mod init;
mod metrics;
mod pdf;

pub use build::run_build;
pub use check::run_check;
pub use init::run_init;
pub use metrics::run_metrics;
pub use pdf::run_pdf;

/// Exit code for invalid input and failed commands.
pub const FAILED: u8 = 1;

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

/// Prints `text` to stderr as it is, line by line.
pub fn print_error_lines(text: &str) {
    let mut err = std::io::stderr().lock();
    for line in text.lines() {
        let _ = writeln!(err, "{line}");
    }
}

/// Prints `error: message` to stderr (red on a terminal).
pub fn print_failure(message: &str) {
    eprintln!("{}", paint(&format!("error: {message}"), Colour::Red));
}

/// Prints the warnings of `diags` to stderr, unless quiet.
pub fn print_warnings(diags: &Diagnostics, ui: Ui) {
    if ui.quiet {
        return;
    }
    let mut err = std::io::stderr().lock();
    for w in diags.warnings() {
        let _ = writeln!(err, "{}", paint(&w.to_string(), Colour::Yellow));
    }
}

/// Prints why a command failed (its details, then `error: ` and its
/// summary); returns the exit code.
pub fn fail(e: &CommandError) -> u8 {
    let mut err = std::io::stderr().lock();
    for line in e.details() {
        let _ = writeln!(err, "{line}");
    }
    drop(err);
    print_failure(&e.summary());
    FAILED
}

/// Loads the project, printing warnings, and every error when there are any.
pub fn load_or_report(root: &Path, ui: Ui) -> Result<(Project, Diagnostics), u8> {
    let loaded = crate::build::load_project(root, ui.cache);
    if ui.verbose {
        eprintln!(
            "  load cache: {} of {} client folders unchanged",
            loaded.clients_cached, loaded.client_folders
        );
    }
    print_warnings(&loaded.diagnostics, ui);
    command::loaded(root, loaded.project, loaded.diagnostics).map_err(|e| fail(&e))
}

/// Prints why `out` may not be a build's output folder, if it may not.
pub fn refuse_output(out: &Path, root: &Path) -> Result<(), u8> {
    match output::check_output(out, root) {
        Ok(_) => Ok(()),
        Err(refused) => Err(fail(&CommandError::Output(refused))),
    }
}

/// Frees a loaded project on another thread: a large one is millions of
/// allocations (0.15 s at 50,000 clients), and a command that ends now
/// need not wait for them.
fn drop_in_background(project: Project) {
    std::thread::spawn(move || drop(project));
}
