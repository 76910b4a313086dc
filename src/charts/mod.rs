//! SVG charts: numbers in, deterministic SVG strings out.
//!
//! The caller computes every value and translates every caption; the charts
//! only draw. Each function returns one self-contained `<svg>` element:
//!
//! * `role="img"` with `aria-labelledby` pointing at a `<title>` and a
//!   `<desc>` placed right after the opening tag; their ids are derived from
//!   a hash of the chart's text and content (`cb-1a2b3c4d-title`), so they are
//!   stable and differ between different charts on one page;
//! * a `viewBox` 720 units wide and `width="100%"` without a height, so CSS
//!   scales it and the height follows the aspect ratio;
//! * the font stack `Hiragino Sans, Noto Sans CJK JP, Yu Gothic, sans-serif`
//!   on the root (the browser draws the glyphs; no font file is needed);
//! * Okabe–Ito colours; byte-identical output for the same input;
//! * no panic on empty, all-zero, negative, non-finite or single-point data:
//!   a chart without data is drawn empty with the caller's `Text::no_data`
//!   note. Charts write no words of their own: legends and notes come in
//!   translated.
//!
//! Mismatched slice lengths are cut to the shorter one. Rates are fractions
//! (`0.05` is 5 %). In horizontal bar charts, `Text::x_label` names the
//! horizontal (value) axis and `Text::y_label` the categories, as the names say.

mod bars;
mod bridge;
mod format;
mod hbars;
mod heatmap;
mod layout;
mod lines;
mod svg;
/// XML/HTML text escaping (also used for the `serve` overlay).
pub(crate) use svg::escape;

#[cfg(test)]
mod tests;

pub use bars::{alive_and_churn, flows, nps_distribution, revenue_bars};
pub use bridge::{Step, movements, score_history, waterfall};
pub use format::compact_money;
pub use hbars::{category_bars, health_bars};
pub use heatmap::heatmap;
pub use lines::{cumulative_ltv, multi_line, nps_history, outcome_line, survival_fit};

/// Language and currency of tick labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locale {
    pub lang: crate::i18n::Lang,
    /// ISO 4217 code such as `JPY` or `USD`.
    pub currency: String,
}

/// Captions of a chart, already translated by the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    /// Drawn at the top and written into the SVG `<title>`.
    pub title: String,
    /// Written into the SVG `<desc>` for screen readers (not drawn).
    pub desc: String,
    /// Caption of the horizontal axis.
    pub x_label: String,
    /// Caption of the vertical axis (drawn above it).
    pub y_label: String,
    /// The note drawn on a chart without data (and on a health component
    /// without a score).
    pub no_data: String,
}
