//! `casebook pdf`: the reviews of the built site printed to PDF, and the
//! line that says which.

use super::{FAILED, print_failure};
use crate::pdf::{self, PdfOptions};

/// The `pdf` command (`quiet`: errors only); the exit code on failure.
pub fn run_pdf(opts: &PdfOptions, quiet: bool) -> Result<(), u8> {
    // The browser first: without one nothing is read or written.
    let browser = pdf::cdp::find_browser(opts.browser.as_deref()).map_err(|e| {
        print_failure(&e);
        FAILED
    })?;
    let out = crate::output::through_link(&opts.out);
    let jobs = pdf::plan(opts, &out).map_err(|e| {
        print_failure(&e);
        FAILED
    })?;
    let started = std::time::Instant::now();
    match pdf::print(&out, &jobs, &browser, !quiet) {
        Ok(written) => {
            if !quiet {
                let shown: Vec<String> = written
                    .iter()
                    .take(4)
                    .map(|p| opts.out.join(p).display().to_string())
                    .collect();
                let more = written.len().saturating_sub(shown.len());
                println!(
                    "printed {} PDF{} in {:.1} s: {}{}",
                    written.len(),
                    if written.len() == 1 { "" } else { "s" },
                    started.elapsed().as_secs_f64(),
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                );
            }
            Ok(())
        }
        Err(e) => {
            print_failure(&e);
            Err(FAILED)
        }
    }
}
