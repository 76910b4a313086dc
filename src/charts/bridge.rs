//! Charts of the revenue bridge (SPEC §3.8) and of a score over time: a
//! waterfall from the start revenue through each movement to the end, the
//! movements month by month stacked above and below zero, and a health
//! history.
//!
//! The two bridge charts use a narrower viewBox ([`NARROW`]) than the
//! others: on a phone the page scales every chart to the screen, and a
//! narrower chart keeps its labels large enough to read there.

use plotters::style::RGBColor;

use super::bars::{labels, money_step};
use super::format::{Ticks, compact_money, money_ticks, number};
use super::layout::{
    Axis, Header, LABEL_SIZE, LegendItem, PAD, Swatch, TICK_SIZE, Xy, XySpec, any_data, finite, min_max, no_data,
    series_line,
};
use super::svg::{Canvas, Font, WIDTH, clean, fit, palette, render, text_width};
use super::{Locale, Text};

/// Width of the viewBox of the bridge charts.
pub(crate) const NARROW: f64 = 400.0;

/// Row labels and amounts of the waterfall, a size up from the other charts':
/// they are the chart's content, and a phone shows them at 85 %.
const ROW_LABEL_SIZE: f64 = 14.0;

/// One bar of a waterfall.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Step {
    /// A level drawn from zero (the start and the end).
    Total(f64),
    /// A change drawn from the running level: up when positive, down when negative.
    Delta(f64),
}

const ROW: f64 = 28.0;
const BAR: f64 = 18.0;

/// Colours of increases, decreases and totals.
const UP: RGBColor = palette::GREEN;
const DOWN: RGBColor = palette::VERMILLION;
const TOTAL: RGBColor = palette::BLUE;

/// `+¥4.3M`, `-¥710K`, `¥0`: a signed compact amount.
fn signed_money(v: f64, loc: &Locale) -> String {
    let text = compact_money(v, loc);
    if v > 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        format!("+{text}")
    } else {
        text
    }
}

/// A horizontal waterfall: one row per bar, top to bottom; totals from zero,
/// changes floating from the running level, with a thin connector from each
/// bar's end to the next bar and the amount at the right of every row.
/// `legend` names increases, decreases and totals, in that order.
/// `Text::x_label` captions the money axis.
pub fn waterfall(t: &Text, loc: &Locale, bars: &[(String, Step)], legend: [&str; 3]) -> String {
    let width = NARROW;
    let rows = waterfall_rows(loc, bars);
    let has_data = any_data(rows.iter().flat_map(|r| [r.from, r.to]));
    let (lo, hi) = min_max(rows.iter().flat_map(|r| [r.from, r.to]).chain([0.0]));
    let ticks = Ticks::nice(lo, hi, 4, money_step(loc));
    let tick_labels = money_ticks(&ticks, loc);
    let header = Header::with_width(
        t,
        &[
            LegendItem::new(Swatch::Bar(UP), legend[0]),
            LegendItem::new(Swatch::Bar(DOWN), legend[1]),
            LegendItem::new(Swatch::Bar(TOTAL), legend[2]),
        ],
        width,
    );
    let x_title = clean(&t.x_label);
    let label_w = rows
        .iter()
        .map(|r| text_width(&r.label, ROW_LABEL_SIZE))
        .fold(0.0, f64::max)
        .min(width * 0.34);
    let value_w = rows
        .iter()
        .map(|r| text_width(&r.value, ROW_LABEL_SIZE))
        .fold(0.0, f64::max)
        .max(24.0);
    let left = PAD + label_w + 10.0;
    // Half of the last tick label may reach beyond the plot.
    let last_tick = tick_labels.last().map_or(0.0, |l| text_width(l, TICK_SIZE) / 2.0);
    let right = width - PAD - value_w.max(last_tick) - 10.0;
    let top = header.bottom + 12.0;
    let bottom = top + rows.len().max(2) as f64 * ROW;
    let height = bottom + 26.0 + if x_title.is_empty() { 0.0 } else { 20.0 } + 6.0;
    let span = ticks.hi - ticks.lo;
    let xv = |v: f64| left + ((v - ticks.lo) / span).clamp(-0.02, 1.02) * (right - left);
    render(t, width, height, |c: &mut Canvas<'_>| {
        header.draw(c);
        if has_data {
            for v in &ticks.values {
                c.line(&[(xv(*v), top), (xv(*v), bottom)], palette::GRID, 1);
            }
        }
        for (v, label) in ticks.values.iter().zip(&tick_labels) {
            if has_data || *v == 0.0 {
                c.text(
                    label,
                    xv(*v),
                    bottom + 6.0,
                    Font::new(TICK_SIZE, palette::MUTED).center().top(),
                );
            }
        }
        if !x_title.is_empty() {
            c.text(
                &fit(&x_title, LABEL_SIZE, width - 2.0 * PAD),
                (left + right) / 2.0,
                height - 8.0,
                Font::new(LABEL_SIZE, palette::MUTED).center().bottom(),
            );
        }
        let zero = xv(0.0_f64.clamp(ticks.lo, ticks.hi));
        c.line(&[(zero, top), (zero, bottom)], palette::AXIS, 1);
        let layout = WaterfallLayout {
            label_right: left - 10.0,
            label_w,
            value_right: width - PAD,
            top,
        };
        draw_waterfall_rows(c, &rows, &xv, &layout);
        if !has_data {
            no_data(c, (left + right) / 2.0, (top + bottom) / 2.0, &t.no_data);
        }
    })
}

/// One bar of a waterfall as drawn: its label, where it runs from and to,
/// its colour and its amount as written.
struct WaterfallRow {
    label: String,
    from: f64,
    to: f64,
    colour: RGBColor,
    value: String,
}

/// The bars laid end to end: a total from zero, a change from the level the
/// bar before it ended at (non-finite values count as 0).
fn waterfall_rows(loc: &Locale, bars: &[(String, Step)]) -> Vec<WaterfallRow> {
    let mut level = 0.0;
    let mut rows = Vec::with_capacity(bars.len());
    for (label, step) in bars {
        let (from, to, colour, value) = match *step {
            Step::Total(v) => {
                let v = finite(v).unwrap_or(0.0);
                (0.0, v, TOTAL, compact_money(v, loc))
            }
            Step::Delta(d) => {
                let d = finite(d).unwrap_or(0.0);
                let colour = if d < 0.0 { DOWN } else { UP };
                (level, level + d, colour, signed_money(d, loc))
            }
        };
        level = to;
        rows.push(WaterfallRow {
            label: clean(label),
            from,
            to,
            colour,
            value,
        });
    }
    rows
}

/// Where a waterfall row's texts go: its label right-aligned at
/// `label_right` within `label_w`, its amount right-aligned at
/// `value_right`; the first row below `top`.
struct WaterfallLayout {
    label_right: f64,
    label_w: f64,
    value_right: f64,
    top: f64,
}

/// Each row from the top down: its label, its bar (`x` maps an amount to a
/// position), a connector to the next row and its amount.
fn draw_waterfall_rows(c: &mut Canvas<'_>, rows: &[WaterfallRow], x: &impl Fn(f64) -> f64, layout: &WaterfallLayout) {
    for (i, row) in rows.iter().enumerate() {
        let y = layout.top + ROW * (i as f64 + 0.5);
        c.text(
            &fit(&row.label, ROW_LABEL_SIZE, layout.label_w),
            layout.label_right,
            y,
            Font::new(ROW_LABEL_SIZE, palette::INK).right(),
        );
        let (x0, x1) = (x(row.from), x(row.to));
        if (x1 - x0).abs() >= 1.0 {
            c.rect(x0, y - BAR / 2.0, x1, y + BAR / 2.0, row.colour);
        } else {
            // A movement of (almost) nothing: a tick where the level is.
            c.line(&[(x1, y - BAR / 2.0), (x1, y + BAR / 2.0)], palette::AXIS, 1);
        }
        // Connector from this bar's end to the next row.
        if i + 1 < rows.len() {
            c.line(&[(x1, y + BAR / 2.0), (x1, y + ROW - BAR / 2.0)], palette::FAINT, 1);
        }
        c.text(
            &row.value,
            layout.value_right,
            y,
            Font::new(ROW_LABEL_SIZE, palette::INK).right(),
        );
    }
}

/// Colours of the movements, in bridge order (new, reactivated, resumed,
/// expansion, contraction, paused, churned, adjustment), then repeated.
const MOVEMENT_COLOURS: [RGBColor; 8] = [
    palette::GREEN,
    palette::BLUE,
    palette::SKY,
    RGBColor(0xF0, 0xE4, 0x42), // Okabe–Ito yellow: bars only, never a line
    palette::ORANGE,
    palette::PURPLE,
    palette::VERMILLION,
    palette::FAINT,
];

/// Revenue movements month by month: each month's positive values stacked
/// upward from zero and its negative values downward, in series order, with
/// the net change (their sum) as a black line with dots. Values are signed
/// (losses negative).
pub fn movements(t: &Text, loc: &Locale, months: &[String], series: &[(String, Vec<f64>)], net_label: &str) -> String {
    let n = series.iter().map(|(_, v)| v.len()).fold(months.len(), usize::min);
    let n = if series.is_empty() { 0 } else { n };
    let data: Vec<Vec<f64>> = series
        .iter()
        .map(|(_, v)| v[..n].iter().map(|x| finite(*x).unwrap_or(0.0)).collect())
        .collect();
    let up: Vec<f64> = (0..n).map(|i| data.iter().map(|s| s[i].max(0.0)).sum()).collect();
    let down: Vec<f64> = (0..n).map(|i| data.iter().map(|s| s[i].min(0.0)).sum()).collect();
    let net: Vec<Option<f64>> = (0..n).map(|i| Some(up[i] + down[i])).collect();
    let (lo, hi) = min_max(up.iter().chain(&down).copied().chain([0.0]));
    let ticks = Ticks::nice(lo, hi, 5, money_step(loc));
    let colour = |k: usize| MOVEMENT_COLOURS[k % MOVEMENT_COLOURS.len()];
    let mut legend: Vec<LegendItem> = series
        .iter()
        .enumerate()
        .map(|(k, (name, _))| LegendItem::new(Swatch::Bar(colour(k)), name))
        .collect();
    legend.push(LegendItem::new(Swatch::LineDot(palette::BLACK), net_label));
    let spec = XySpec {
        t,
        x_labels: labels(months, n),
        left: Axis::money(ticks, loc, t.y_label.clone()),
        right: None,
        legend,
        height: 320.0,
        has_data: any_data(data.iter().flatten().copied()),
    };
    let xy = Xy::with_width(&spec, NARROW);
    render(t, NARROW, xy.height, |c| {
        xy.draw_frame(c, &spec);
        let ticks = &spec.left.ticks;
        let bw = xy.bar_width();
        for i in 0..n {
            let (mut above, mut below) = (0.0, 0.0);
            let (x0, x1) = (xy.cx(i) - bw / 2.0, xy.cx(i) + bw / 2.0);
            for (k, s) in data.iter().enumerate() {
                let v = s[i];
                if v > 0.0 {
                    c.rect(x0, xy.y(ticks, above), x1, xy.y(ticks, above + v), colour(k));
                    above += v;
                } else if v < 0.0 {
                    c.rect(x0, xy.y(ticks, below), x1, xy.y(ticks, below + v), colour(k));
                    below += v;
                }
            }
        }
        xy.draw_axis(c, &spec);
        if spec.has_data {
            let pts = xy.points(ticks, &net);
            series_line(c, &pts, palette::BLACK, 1, false);
            for (x, y) in pts.iter().flatten() {
                c.dot(*x, *y, 2, palette::BLACK, true);
            }
        }
    })
}

/// A score on 0–100 over months (`None`: no score that month, a gap), with
/// dashed lines at the `thresholds` (value, legend label), e.g. the at-risk
/// and loyal health levels.
pub fn score_history(t: &Text, months: &[String], scores: &[Option<f64>], thresholds: &[(f64, String)]) -> String {
    let n = months.len().min(scores.len());
    let vals: Vec<Option<f64>> = scores[..n]
        .iter()
        .map(|v| v.and_then(finite).map(|v| v.clamp(0.0, 100.0)))
        .collect();
    let ticks = Ticks::fixed(0.0, 100.0, 20.0);
    const DASHES: [(RGBColor, &str); 2] = [(palette::VERMILLION, "6 4"), (palette::GREEN, "2 3")];
    let lines: Vec<(f64, RGBColor, &str)> = thresholds
        .iter()
        .zip(DASHES.iter().cycle())
        .filter_map(|((v, _), (col, dash))| finite(*v).map(|v| (v.clamp(0.0, 100.0), *col, *dash)))
        .collect();
    let mut legend = vec![LegendItem::new(Swatch::LineDot(palette::BLUE), &t.y_label)];
    legend.extend(
        thresholds
            .iter()
            .zip(DASHES.iter().cycle())
            .map(|((_, label), (col, dash))| LegendItem::new(Swatch::Dashed(*col, dash), label)),
    );
    let spec = XySpec {
        t,
        x_labels: labels(months, n),
        left: Axis::plain(ticks, "", t.y_label.clone()),
        right: None,
        legend,
        height: 300.0,
        has_data: vals.iter().any(Option::is_some),
    };
    let xy = Xy::new(&spec);
    render(t, WIDTH, xy.height, |c| {
        xy.draw_frame(c, &spec);
        let ticks = &spec.left.ticks;
        for (v, col, dash) in &lines {
            let y = xy.y(ticks, *v);
            c.dashed((xy.left, y), (xy.right, y), *col, 2, dash);
        }
        xy.draw_axis(c, &spec);
        let pts = xy.points(ticks, &vals);
        series_line(c, &pts, palette::BLUE, 2, true);
        // Each score beside its dot: above it, or below it near the top.
        for ((x, y), v) in pts.iter().zip(&vals).filter_map(|(p, v)| p.zip(*v)) {
            let font = Font::new(TICK_SIZE, palette::INK).center();
            if v > 85.0 {
                c.text(&number(v, 0), x, y + 8.0, font.top());
            } else {
                c.text(&number(v, 0), x, y - 8.0, font.bottom());
            }
        }
    })
}
