//! Horizontal bar charts: one row per category, values along x.

use plotters::style::RGBColor;

use super::Text;
use super::format::{Ticks, decimals_for_values, number, plain_ticks};
use super::layout::{Header, LABEL_SIZE, LegendItem, PAD, Swatch, TICK_SIZE, finite, min_max, no_data};
use super::svg::{Canvas, Font, WIDTH, clean, fit, palette, render, text_width};

const ROW: f64 = 30.0;
const BAR: f64 = 18.0;

struct HSpec<'a> {
    t: &'a Text,
    rows: Vec<(String, Option<f64>)>,
    ticks: Ticks,
    tick_labels: Vec<String>,
    value_labels: Vec<String>,
    /// Draw a light 0..max track behind every bar (scores out of 100).
    track: bool,
    colour: RGBColor,
    reference: Option<(f64, String)>,
}

fn hbars(s: HSpec<'_>) -> String {
    let mut legend = Vec::new();
    if let Some((_, label)) = &s.reference {
        legend.push(LegendItem::new(Swatch::Dashed(palette::VERMILLION, "6 4"), label));
    }
    let header = Header::new(s.t, &legend);
    let y_title = clean(&s.t.y_label);
    let x_title = clean(&s.t.x_label);
    let top = header.bottom + if y_title.is_empty() { 8.0 } else { 26.0 };
    let label_w = s
        .rows
        .iter()
        .map(|(l, _)| text_width(&clean(l), LABEL_SIZE))
        .fold(0.0, f64::max)
        .min(WIDTH * 0.34);
    let missing = s.t.no_data.as_str();
    let value_w = s
        .value_labels
        .iter()
        .map(|l| text_width(l, TICK_SIZE))
        .chain([text_width(missing, TICK_SIZE) - 40.0, 0.0])
        .fold(0.0, f64::max);
    let left = PAD + label_w + 10.0;
    let right = WIDTH - PAD - value_w - 8.0;
    let rows = s.rows.len().max(2) as f64;
    let bottom = top + rows * ROW;
    let height = bottom + 26.0 + if x_title.is_empty() { 0.0 } else { 20.0 } + 6.0;
    let span = s.ticks.hi - s.ticks.lo;
    let xv = |v: f64| left + ((v - s.ticks.lo) / span).clamp(-0.02, 1.02) * (right - left);
    let has_data = s.rows.iter().any(|(_, v)| v.is_some());
    render(s.t, WIDTH, height, |c: &mut Canvas<'_>| {
        header.draw(c);
        c.text(
            &fit(&y_title, LABEL_SIZE, WIDTH / 2.0),
            PAD,
            top - 14.0,
            Font::new(LABEL_SIZE, palette::MUTED),
        );
        if has_data {
            for v in &s.ticks.values {
                c.line(&[(xv(*v), top), (xv(*v), bottom)], palette::GRID, 1);
            }
        }
        for (v, label) in s.ticks.values.iter().zip(&s.tick_labels) {
            let x = xv(*v);
            c.text(
                label,
                x,
                bottom + 6.0,
                Font::new(TICK_SIZE, palette::MUTED).center().top(),
            );
        }
        if !x_title.is_empty() {
            let f = Font::new(LABEL_SIZE, palette::MUTED).center().bottom();
            c.text(
                &fit(&x_title, LABEL_SIZE, WIDTH - 2.0 * PAD),
                (left + right) / 2.0,
                height - 8.0,
                f,
            );
        }
        let zero = xv(0.0_f64.clamp(s.ticks.lo, s.ticks.hi));
        let layout = HBarLayout {
            label_right: left - 10.0,
            label_w,
            zero,
            top,
        };
        draw_rows(c, &s, &xv, &layout, missing);
        c.line(&[(zero, top), (zero, bottom)], palette::AXIS, 1);
        if let Some((r, _)) = &s.reference {
            let x = xv(*r);
            c.dashed((x, top - 4.0), (x, bottom), palette::VERMILLION, 2, "6 4");
        }
        if !has_data {
            no_data(c, (left + right) / 2.0, (top + bottom) / 2.0, missing);
        }
    })
}

/// Where a row goes: its label right-aligned at `label_right` within
/// `label_w`, its bar from `zero`, the first row below `top`.
struct HBarLayout {
    label_right: f64,
    label_w: f64,
    zero: f64,
    top: f64,
}

/// Each row: its label, its track, its bar (`x` maps a value to a position)
/// with the value beside the bar's end, or `missing` where there is none.
fn draw_rows(c: &mut Canvas<'_>, s: &HSpec<'_>, x: &impl Fn(f64) -> f64, layout: &HBarLayout, missing: &str) {
    for (i, ((label, v), vl)) in s.rows.iter().zip(&s.value_labels).enumerate() {
        let y = layout.top + ROW * (i as f64 + 0.5);
        c.text(
            &fit(&clean(label), LABEL_SIZE, layout.label_w),
            layout.label_right,
            y,
            Font::new(LABEL_SIZE, palette::INK).right(),
        );
        if s.track {
            c.rect(
                x(s.ticks.lo),
                y - BAR / 2.0,
                x(s.ticks.hi),
                y + BAR / 2.0,
                palette::TRACK,
            );
        }
        match v {
            Some(v) => {
                let end = x(*v);
                c.rect(layout.zero, y - BAR / 2.0, end, y + BAR / 2.0, s.colour);
                if *v >= 0.0 {
                    c.text(vl, end + 5.0, y, Font::new(TICK_SIZE, palette::INK).left());
                } else {
                    c.text(vl, end - 5.0, y, Font::new(TICK_SIZE, palette::INK).right());
                }
            }
            None => c.text(
                missing,
                layout.zero + 6.0,
                y,
                Font::new(TICK_SIZE, palette::FAINT).left(),
            ),
        }
    }
}

/// Health score components as horizontal bars on 0..=100; `None` is shown
/// as "no data" on an empty track.
pub fn health_bars(t: &Text, items: &[(String, Option<f64>)]) -> String {
    let rows: Vec<(String, Option<f64>)> = items
        .iter()
        .map(|(l, v)| (l.clone(), v.and_then(finite).map(|v| v.clamp(0.0, 100.0))))
        .collect();
    let ticks = Ticks::fixed(0.0, 100.0, 20.0);
    let value_labels = rows
        .iter()
        .map(|(_, v)| v.map(|v| number(v, 0)).unwrap_or_default())
        .collect();
    hbars(HSpec {
        t,
        tick_labels: plain_ticks(&ticks, ""),
        ticks,
        rows,
        value_labels,
        track: true,
        colour: palette::BLUE,
        reference: None,
    })
}

/// One bar per category (clients by segment, LTV:CAC by channel), with an
/// optional dashed reference line (e.g. `(3.0, "Healthy LTV:CAC (3.0)")`).
pub fn category_bars(t: &Text, items: &[(String, f64)], reference: Option<(f64, String)>) -> String {
    let rows: Vec<(String, Option<f64>)> = items.iter().map(|(l, v)| (l.clone(), finite(*v))).collect();
    let reference = reference.and_then(|(v, l)| finite(v).map(|v| (v, l)));
    let (lo, hi) = min_max(
        rows.iter()
            .filter_map(|(_, v)| *v)
            .chain(reference.as_ref().map(|r| r.0))
            .chain([0.0]),
    );
    let ticks = Ticks::nice(lo, hi, 5, 0.0);
    let d = decimals_for_values(rows.iter().filter_map(|(_, v)| *v)).min(1);
    let value_labels = rows
        .iter()
        .map(|(_, v)| v.map(|v| number(v, d)).unwrap_or_default())
        .collect();
    hbars(HSpec {
        t,
        tick_labels: plain_ticks(&ticks, ""),
        ticks,
        rows,
        value_labels,
        track: false,
        colour: palette::BLUE,
        reference,
    })
}
