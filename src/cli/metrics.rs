//! `casebook metrics`: the JSON or one CSV table, to stdout or a file.

use std::io::Write;
use std::path::Path;

use jiff::civil::Date;

use super::{FAILED, Ui, drop_in_background, fail, load_or_report, print_warnings};
use crate::command::{self, CommandError, MetricsFormat};
use crate::month::Month;

/// The JSON or one CSV table, to stdout or, with `output`, to that file
/// (written whole or not at all).
pub fn run_metrics(
    root: &Path,
    month: Option<Month>,
    today: Date,
    format: MetricsFormat,
    output: Option<&Path>,
    ui: Ui,
) -> Result<(), u8> {
    if let Some(path) = output {
        command::check_metrics_output(root, path).map_err(|e| fail(&e))?;
    }
    command::check_month(month, today).map_err(|e| fail(&CommandError::MonthTooFar(e)))?;
    let (project, _) = load_or_report(root, ui)?;
    print_warnings(&crate::load::future_dates(&project, today), ui);
    let text = command::metrics_text(&project, month, today, format);
    drop_in_background(project);
    let text = text.map_err(|e| fail(&e))?;
    match output {
        Some(path) => command::write_whole(path, text.as_bytes()).map_err(|e| fail(&e)),
        None => {
            // A closed stdout (`| head`) ends the command without a message.
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|_| FAILED)
        }
    }
}
