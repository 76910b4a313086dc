//! Terminal output: a progress bar for long builds, coloured diagnostics,
//! and nothing extra when the output is not a terminal.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Work shorter than this shows no bar at all.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress bar that appears only on a terminal, and only once the work
/// has taken about a second.
pub struct TerminalProgress {
    bar: ProgressBar,
    start: Instant,
    shown: AtomicBool,
    enabled: bool,
}

impl TerminalProgress {
    pub fn new(len: u64, message: &str, enabled: bool) -> TerminalProgress {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:32}] {pos}/{len} ({eta})") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message.to_string());
        TerminalProgress {
            bar,
            start: Instant::now(),
            shown: AtomicBool::new(false),
            enabled: enabled && std::io::stderr().is_terminal(),
        }
    }

    /// A bar that never shows.
    pub fn off() -> TerminalProgress {
        TerminalProgress::new(0, "", false)
    }

    pub fn inc(&self) {
        self.bar.inc(1);
        if self.enabled && !self.shown.load(Ordering::Relaxed) && self.start.elapsed() >= SHOW_AFTER {
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Colours for diagnostics: only on a terminal, never with `NO_COLOR`.
pub fn paint(text: &str, colour: Colour) -> String {
    let on = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if !on {
        return text.to_string();
    }
    let code = match colour {
        Colour::Red => "31",
        Colour::Yellow => "33",
        Colour::Green => "32",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

#[derive(Clone, Copy)]
pub enum Colour {
    Red,
    Yellow,
    Green,
}
