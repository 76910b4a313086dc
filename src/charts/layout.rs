//! Layout shared by the charts: the title and legend block, and the frame of
//! a chart with categories along x and one or two value axes.

use plotters::style::RGBColor;

use super::format::{Ticks, money_ticks, plain_ticks};
use super::svg::{Canvas, Font, WIDTH, clean, fit, palette, text_width};
use super::{Locale, Text};

/// Outer margin on the left and right.
pub(crate) const PAD: f64 = 12.0;
/// Font sizes (px in the viewBox).
pub(crate) const TITLE_SIZE: f64 = 17.0;
pub(crate) const LABEL_SIZE: f64 = 13.0;
pub(crate) const TICK_SIZE: f64 = 12.0;
pub(crate) const NOTE_SIZE: f64 = 13.0;

/// What a legend entry looks like.
#[derive(Clone, Copy)]
pub(crate) enum Swatch {
    Bar(RGBColor),
    Line(RGBColor),
    LineDot(RGBColor),
    Dashed(RGBColor, &'static str),
}

#[derive(Clone)]
pub(crate) struct LegendItem {
    pub swatch: Swatch,
    pub label: String,
}

impl LegendItem {
    pub fn new(swatch: Swatch, label: &str) -> LegendItem {
        LegendItem {
            swatch,
            label: clean(label),
        }
    }
}

const SWATCH_W: f64 = 18.0;
const LEGEND_ROW: f64 = 18.0;
/// Bottom of a header with one legend row.
const ONE_ROW_HEADER: f64 = LEGEND_TOP + LEGEND_ROW / 2.0 + 6.0;
/// Centre line of the first legend row (CJK titles need the room).
const LEGEND_TOP: f64 = 46.0;

/// Title and legend, laid out before drawing so the chart height is known.
pub(crate) struct Header {
    title: String,
    title_size: f64,
    legend: Vec<(f64, f64, LegendItem)>,
    /// y just below the block.
    pub bottom: f64,
}

impl Header {
    pub fn new(t: &Text, legend: &[LegendItem]) -> Header {
        Header::with_width(t, legend, WIDTH)
    }

    /// The block laid out for a chart `width` units wide.
    pub fn with_width(t: &Text, legend: &[LegendItem], width: f64) -> Header {
        let max_w = width - 2.0 * PAD;
        let title = clean(&t.title);
        let mut title_size = TITLE_SIZE;
        let w = text_width(&title, title_size * 1.05);
        if w > max_w {
            title_size = (title_size * max_w / w).max(12.0);
        }
        let title = fit(&title, title_size * 1.05, max_w);
        let mut y = LEGEND_TOP;
        let mut x = PAD;
        let mut placed = Vec::new();
        let items: Vec<&LegendItem> = legend.iter().filter(|i| !i.label.is_empty()).collect();
        for item in &items {
            let label = fit(&item.label, LABEL_SIZE, max_w - SWATCH_W - 6.0);
            let w = SWATCH_W + 6.0 + text_width(&label, LABEL_SIZE);
            if x > PAD && x + w > width - PAD {
                x = PAD;
                y += LEGEND_ROW;
            }
            placed.push((
                x,
                y,
                LegendItem {
                    swatch: item.swatch,
                    label,
                },
            ));
            x += w + 18.0;
        }
        let bottom = if items.is_empty() {
            40.0
        } else {
            y + LEGEND_ROW / 2.0 + 6.0
        };
        Header {
            title,
            title_size,
            legend: placed,
            bottom,
        }
    }

    pub fn draw(&self, c: &mut Canvas<'_>) {
        c.text(
            &self.title,
            PAD,
            12.0,
            Font::new(self.title_size, palette::INK).bold().top(),
        );
        for (x, y, item) in &self.legend {
            let (x, y) = (*x, *y);
            match item.swatch {
                Swatch::Bar(col) => c.rect(x + 2.0, y - 6.0, x + SWATCH_W - 2.0, y + 6.0, col),
                Swatch::Line(col) => c.line(&[(x, y), (x + SWATCH_W, y)], col, 3),
                Swatch::LineDot(col) => {
                    c.line(&[(x, y), (x + SWATCH_W, y)], col, 2);
                    c.dot(x + SWATCH_W / 2.0, y, 3, col, false);
                }
                Swatch::Dashed(col, dash) => c.dashed((x, y), (x + SWATCH_W, y), col, 2, dash),
            }
            c.text(&item.label, x + SWATCH_W + 6.0, y, Font::new(LABEL_SIZE, palette::INK));
        }
    }
}

/// One value axis: ticks and their labels, plus the axis title.
pub(crate) struct Axis {
    pub ticks: Ticks,
    pub labels: Vec<String>,
    pub title: String,
}

impl Axis {
    /// Amounts, labelled compactly in the locale's currency.
    pub fn money(ticks: Ticks, loc: &Locale, title: String) -> Axis {
        Axis {
            labels: money_ticks(&ticks, loc),
            ticks,
            title,
        }
    }

    /// Plain numbers with a unit suffix (`"%"`, or `""` for counts).
    pub fn plain(ticks: Ticks, suffix: &str, title: String) -> Axis {
        Axis {
            labels: plain_ticks(&ticks, suffix),
            ticks,
            title,
        }
    }
}

/// Everything a category-by-value chart needs to lay itself out.
pub(crate) struct XySpec<'a> {
    pub t: &'a Text,
    pub x_labels: Vec<String>,
    pub left: Axis,
    pub right: Option<Axis>,
    pub legend: Vec<LegendItem>,
    pub height: f64,
    pub has_data: bool,
}

/// The computed frame: plot rectangle and scales.
pub(crate) struct Xy {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub n: usize,
    /// Total height: the spec's height plus any extra legend rows.
    pub height: f64,
    /// Width of the viewBox ([`WIDTH`] unless made with [`Xy::with_width`]).
    pub width: f64,
    header: Header,
    label_step: usize,
    /// The category labels, cleaned and cut to a sane width.
    x_labels: Vec<String>,
}

/// Longest tick label and category label kept (longer ones get an ellipsis).
const MAX_TICK_W: f64 = 150.0;
const MAX_X_LABEL_W: f64 = 140.0;

fn max_width(labels: &[String], size: f64) -> f64 {
    labels.iter().map(|l| text_width(l, size)).fold(0.0, f64::max)
}

impl Xy {
    pub fn new(spec: &XySpec<'_>) -> Xy {
        Xy::with_width(spec, WIDTH)
    }

    /// The frame of a chart `width` units wide (a narrower viewBox keeps
    /// its text readable when a phone scales the chart down).
    pub fn with_width(spec: &XySpec<'_>, width: f64) -> Xy {
        let header = Header::with_width(spec.t, &spec.legend, width);
        let n = spec.x_labels.len().max(1);
        let left = PAD + max_width(&spec.left.labels, TICK_SIZE).min(MAX_TICK_W) + 8.0;
        let mut right = width - PAD - 4.0;
        if let Some(r) = &spec.right {
            right = width - PAD - max_width(&r.labels, TICK_SIZE).min(MAX_TICK_W) - 8.0;
        }
        let x_labels: Vec<String> = spec
            .x_labels
            .iter()
            .map(|l| fit(&clean(l), TICK_SIZE, MAX_X_LABEL_W))
            .collect();
        let widest = max_width(&x_labels, TICK_SIZE);
        let mut label_step = 1;
        // Two passes: the label step depends on the plot width and vice versa.
        for _ in 0..2 {
            let slot = (right - left) / n as f64;
            label_step = pick_step(n, slot, widest + 10.0);
            if let Some(last) = x_labels.last() {
                let overflow = text_width(last, TICK_SIZE) / 2.0 - slot / 2.0;
                if overflow > 0.0 {
                    right = right.min(width - 4.0 - overflow);
                }
            }
        }
        let right = right.max(left + 120.0);
        let height = spec.height + (header.bottom - ONE_ROW_HEADER).max(0.0);
        let top = header.bottom + 26.0;
        let mut bottom = height - 6.0 - 22.0;
        if !clean(&spec.t.x_label).is_empty() {
            bottom -= 20.0;
        }
        Xy {
            left,
            right,
            top,
            bottom,
            n,
            height,
            width,
            header,
            label_step,
            x_labels,
        }
    }

    pub fn slot(&self) -> f64 {
        (self.right - self.left) / self.n as f64
    }

    /// Centre of category `i`.
    pub fn cx(&self, i: usize) -> f64 {
        self.left + self.slot() * (i as f64 + 0.5)
    }

    /// Width of a single bar in a category.
    pub fn bar_width(&self) -> f64 {
        (self.slot() * 0.68).clamp(1.0, 56.0)
    }

    /// y of a value on an axis.
    pub fn y(&self, ticks: &Ticks, v: f64) -> f64 {
        let span = ticks.hi - ticks.lo;
        let f = if span > 0.0 { (v - ticks.lo) / span } else { 0.0 };
        self.bottom - f.clamp(-0.05, 1.05) * (self.bottom - self.top)
    }

    /// Screen points of a series on an axis; a `None` value stays a gap.
    pub fn points(&self, ticks: &Ticks, vals: &[Option<f64>]) -> Vec<Option<(f64, f64)>> {
        vals.iter()
            .enumerate()
            .map(|(i, v)| v.map(|v| (self.cx(i), self.y(ticks, v))))
            .collect()
    }

    /// A bar of category `i` from zero to `v`; returns the y of its top.
    pub fn bar(&self, c: &mut Canvas<'_>, ticks: &Ticks, i: usize, v: f64, colour: RGBColor) -> f64 {
        let (bw, top) = (self.bar_width(), self.y(ticks, v));
        c.rect(
            self.cx(i) - bw / 2.0,
            self.zero(ticks),
            self.cx(i) + bw / 2.0,
            top,
            colour,
        );
        top
    }

    /// y of the zero line (or the bottom when zero is off the axis).
    pub fn zero(&self, ticks: &Ticks) -> f64 {
        if ticks.lo <= 0.0 && ticks.hi >= 0.0 {
            self.y(ticks, 0.0)
        } else {
            self.bottom
        }
    }

    /// Title, legend, axis titles, grid and tick labels: call before the data.
    pub fn draw_frame(&self, c: &mut Canvas<'_>, spec: &XySpec<'_>) {
        self.header.draw(c);
        let half = self.width / 2.0 - PAD - 6.0;
        let title_y = self.top - 18.0;
        c.text(
            &fit(&clean(&spec.left.title), LABEL_SIZE, half),
            PAD,
            title_y,
            Font::new(LABEL_SIZE, palette::MUTED),
        );
        if let Some(r) = &spec.right {
            let f = Font::new(LABEL_SIZE, palette::MUTED).right();
            c.text(&fit(&clean(&r.title), LABEL_SIZE, half), self.width - PAD, title_y, f);
        }
        if spec.has_data {
            for v in &spec.left.ticks.values {
                let y = self.y(&spec.left.ticks, *v);
                c.line(&[(self.left, y), (self.right, y)], palette::GRID, 1);
            }
        }
        for (v, label) in spec.left.ticks.values.iter().zip(&spec.left.labels) {
            let y = self.y(&spec.left.ticks, *v);
            if spec.has_data || *v == 0.0 {
                c.text(
                    &fit(label, TICK_SIZE, MAX_TICK_W),
                    self.left - 8.0,
                    y,
                    Font::new(TICK_SIZE, palette::MUTED).right(),
                );
            }
        }
        if let (Some(r), true) = (&spec.right, spec.has_data) {
            for (v, label) in r.ticks.values.iter().zip(&r.labels) {
                let y = self.y(&r.ticks, *v);
                c.text(
                    &fit(label, TICK_SIZE, MAX_TICK_W),
                    self.right + 8.0,
                    y,
                    Font::new(TICK_SIZE, palette::MUTED).left(),
                );
            }
        }
        let n = self.x_labels.len();
        for (i, label) in self.x_labels.iter().enumerate() {
            if (n - 1 - i) % self.label_step == 0 {
                c.text(
                    label,
                    self.cx(i),
                    self.bottom + 7.0,
                    Font::new(TICK_SIZE, palette::MUTED).center().top(),
                );
            }
        }
        let x_title = clean(&spec.t.x_label);
        if !x_title.is_empty() {
            let f = Font::new(LABEL_SIZE, palette::MUTED).center().bottom();
            c.text(
                &fit(&x_title, LABEL_SIZE, self.width - 2.0 * PAD),
                (self.left + self.right) / 2.0,
                self.height - 8.0,
                f,
            );
        }
    }

    /// The zero line and, without data, the "no data" note: call after the data.
    pub fn draw_axis(&self, c: &mut Canvas<'_>, spec: &XySpec<'_>) {
        let y = self.zero(&spec.left.ticks);
        c.line(&[(self.left, y), (self.right, y)], palette::AXIS, 1);
        if !spec.has_data {
            no_data(
                c,
                (self.left + self.right) / 2.0,
                (self.top + self.bottom) / 2.0,
                &spec.t.no_data,
            );
        }
    }
}

/// The smallest label step (1, 2, 3, 4, 6, 12, ...) that keeps labels apart.
pub(crate) fn pick_step(n: usize, slot: f64, need: f64) -> usize {
    if slot <= 0.0 {
        return n.max(1);
    }
    for s in [1usize, 2, 3, 4, 6, 12, 24] {
        if s as f64 * slot >= need {
            return s;
        }
    }
    ((need / slot).ceil() as usize).clamp(1, n.max(1))
}

/// The caller's "no data" note (`Text::no_data`), centred at (x, y).
pub(crate) fn no_data(c: &mut Canvas<'_>, x: f64, y: f64, note: &str) {
    c.text(note, x, y, Font::new(NOTE_SIZE, palette::FAINT).center());
}

/// Smallest and largest finite values, with `(0, 0)` when there are none.
pub(crate) fn min_max(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi { (0.0, 0.0) } else { (lo, hi) }
}

/// True when some value is finite and not zero.
pub(crate) fn any_data(values: impl IntoIterator<Item = f64>) -> bool {
    values.into_iter().any(|v| v.is_finite() && v != 0.0)
}

/// A value to draw: finite values as they are, the rest as `None`.
pub(crate) fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Draws a polyline through the points, broken where a point is missing;
/// isolated points (and every point when `dots`) get a dot.
pub(crate) fn series_line(c: &mut Canvas<'_>, pts: &[Option<(f64, f64)>], color: RGBColor, width: u32, dots: bool) {
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut singles: Vec<(f64, f64)> = Vec::new();
    let mut flush = |run: &mut Vec<(f64, f64)>, c: &mut Canvas<'_>| {
        if run.len() == 1 {
            singles.push(run[0]);
        } else {
            c.line(run, color, width);
        }
        run.clear();
    };
    for p in pts {
        match p {
            Some(p) => run.push(*p),
            None => flush(&mut run, c),
        }
    }
    flush(&mut run, c);
    if dots {
        for (x, y) in pts.iter().flatten() {
            c.dot(*x, *y, width + 1, color, true);
        }
    } else {
        for (x, y) in singles {
            c.dot(x, y, width + 1, color, true);
        }
    }
}
