//! Problems found in a project, reported all at once as
//! `path:line:column: message`.

use std::fmt;
use std::path::{Path, PathBuf};

/// How many errors are printed before the rest are only counted.
pub const MAX_LISTED: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem at a place in a file (line and column are 1-based).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

/// `text` with every control character (NUL, newline, escape, ...) and
/// every Unicode bidirectional control written as an escape (`\0`, `\n`,
/// `\u{1b}`), so that a value quoted from a file prints as one line and can
/// neither hide text nor drive the terminal.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let special = |c: char| {
        c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(special) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if special(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", escape_controls(&self.path.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        let label = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        write!(f, ": {label}{}", escape_controls(&self.message))
    }
}

/// Collects problems while loading; never stops at the first one.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, path: &Path, line: Option<u64>, column: Option<u64>, message: impl Into<String>) {
        self.push(Severity::Error, path, line, column, message.into());
    }

    pub fn warning(&mut self, path: &Path, line: Option<u64>, column: Option<u64>, message: impl Into<String>) {
        self.push(Severity::Warning, path, line, column, message.into());
    }

    fn push(&mut self, severity: Severity, path: &Path, line: Option<u64>, column: Option<u64>, message: String) {
        self.items.push(Diagnostic {
            severity,
            path: path.to_path_buf(),
            line,
            column,
            message,
        });
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Warning)
    }

    /// Sorts by path, then position, so reports do not depend on the order
    /// in which files were read (loading may run in parallel).
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
        });
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Renders the errors for a terminal: at most [`MAX_LISTED`], then a count
/// of the rest.
pub fn format_errors<'a>(errors: impl IntoIterator<Item = &'a Diagnostic>) -> String {
    let errors: Vec<&Diagnostic> = errors.into_iter().collect();
    let mut out = String::new();
    for d in errors.iter().take(MAX_LISTED) {
        out.push_str(&format!("{d}\n"));
    }
    if errors.len() > MAX_LISTED {
        let more = errors.len() - MAX_LISTED;
        let noun = if more == 1 { "error" } else { "errors" };
        out.push_str(&format!("... and {more} more {noun}\n"));
    }
    out
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() as u64 + 1;
    (line, column)
}

/// The largest char boundary of `text` at or before `i` (clamped to its length).
pub(crate) fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line of the first `key = ...` (or `key: ...`) in a small TOML or
/// YAML text, so that value errors can point at the line that holds them.
pub fn key_line(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .map(|rest| {
                    let rest = rest.trim_start();
                    rest.starts_with('=') || rest.starts_with(':')
                })
                .unwrap_or(false)
        })
        .map(|i| i as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_path_line_column() {
        let mut d = Diagnostics::new();
        d.error(
            Path::new("data/clients/a/invoices.csv"),
            Some(3),
            Some(12),
            "bad amount",
        );
        d.warning(Path::new("x.csv"), None, None, "unknown column");
        let v = d.into_vec();
        assert_eq!(v[0].to_string(), "data/clients/a/invoices.csv:3:12: bad amount");
        assert_eq!(v[1].to_string(), "x.csv: warning: unknown column");
    }

    #[test]
    fn control_characters_in_messages_are_escaped() {
        let mut d = Diagnostics::new();
        d.error(
            Path::new("data/clients/a\nb/invoices.csv"),
            Some(2),
            Some(1),
            "`20\u{0}26-1\r\n0-01\t\u{1b}[31mred\u{202e}` is not a date",
        );
        let text = d.into_vec()[0].to_string();
        assert_eq!(
            text,
            "data/clients/a\\nb/invoices.csv:2:1: `20\\026-1\\r\\n0-01\\t\\u{1b}[31mred\\u{202e}` is not a date"
        );
        assert_eq!(text.lines().count(), 1);
        assert!(!text.chars().any(|c| c.is_control()));
        assert!(matches!(escape_controls("日本語 ok"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\n¥c,d\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // '¥' is two bytes but one column.
        assert_eq!(line_col(text, 6), (2, 3));
    }

    #[test]
    fn caps_the_list() {
        let mut d = Diagnostics::new();
        for i in 0..105 {
            d.error(Path::new("f"), Some(i), None, "x");
        }
        let text = format_errors(d.errors());
        assert_eq!(text.lines().count(), 101);
        assert!(text.ends_with("... and 5 more errors\n"));
        let mut one_more = Diagnostics::new();
        for i in 0..=MAX_LISTED {
            one_more.error(Path::new("f"), Some(i as u64), None, "x");
        }
        assert!(format_errors(one_more.errors()).ends_with("... and 1 more error\n"));
        let mut exactly = Diagnostics::new();
        for i in 0..MAX_LISTED {
            exactly.error(Path::new("f"), Some(i as u64), None, "x");
        }
        let text = format_errors(exactly.errors());
        assert_eq!(text.lines().count(), MAX_LISTED);
        assert!(!text.contains("more"), "{text}");
    }

    #[test]
    fn finds_key_lines() {
        let text = "name = \"A\"\n  ended = 2024-01-01\nendedx = 1\n";
        assert_eq!(key_line(text, "ended"), Some(2));
        assert_eq!(key_line(text, "missing"), None);
    }
}
