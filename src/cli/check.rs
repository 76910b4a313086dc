//! `casebook check`: the project's problems, the client editions' and,
//! with `--public`, the public site's leaks.

use std::path::Path;

use jiff::civil::Date;

use super::{FAILED, Ui, drop_in_background, fail, load_or_report, print_warnings};
use crate::command;
use crate::format::count_of;
use crate::load::counts;

pub fn run_check(root: &Path, public_out: Option<&Path>, today: Date, ui: Ui) -> Result<(), u8> {
    let (project, _) = load_or_report(root, ui)?;
    print_warnings(&crate::load::future_dates(&project, today), ui);
    // Reported now; the public site is still scanned before the command fails.
    let editions = command::check_editions(&project);
    if let Err(e) = &editions {
        fail(e);
    }
    let c = counts(&project);
    if let Some(out) = public_out {
        let dir = command::check_public(&project, root, out, today).map_err(|e| fail(&e))?;
        if !ui.quiet {
            println!("ok: {} holds no name that a consent does not allow", dir.display());
        }
    }
    if editions.is_err() {
        drop_in_background(project);
        return Err(FAILED);
    }
    if !ui.quiet {
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
