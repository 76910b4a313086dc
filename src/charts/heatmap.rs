//! Cohort heatmap: rows are cohorts, columns month offsets 0, 1, 2, ...

use super::format::{Ticks, compact_money, number, percent};
use super::layout::{Header, LABEL_SIZE, PAD, TICK_SIZE, min_max, no_data, pick_step};
use plotters::style::RGBColor;

use super::svg::{Canvas, Font, WIDTH, clean, fit, palette, render, text_width};
use super::{Locale, Text};

/// A grid of cells coloured light (low) to dark (high) with the value in
/// each cell when it fits (narrow percent cells without the % sign);
/// `None` cells stay blank. With `percent`, values
/// are fractions shown as percentages; the colour scale (with a key below
/// the grid) starts at 50 % or lower and ends at 100 % or higher.
pub fn heatmap(t: &Text, loc: &Locale, rows: &[String], values: &[Vec<Option<f64>>], percent_values: bool) -> String {
    let n_rows = rows.len().min(values.len());
    let grid: Vec<Vec<Option<f64>>> = values[..n_rows]
        .iter()
        .map(|r| r.iter().map(|v| v.filter(|v| v.is_finite())).collect())
        .collect();
    let cols = grid.iter().map(Vec::len).max().unwrap_or(0);
    let (lo, hi) = min_max(grid.iter().flatten().flatten().copied());
    let key = if percent_values {
        // Retention sits mostly between 50 % and 100 %: start the scale at the
        // lower of 50 % and the lowest value, end it at 100 % or the highest
        // value (at most 200 %).
        Ticks::nice(lo.clamp(0.0, 0.5), hi.clamp(1.0, 2.0), 5, 0.01)
    } else {
        Ticks::nice(lo.min(0.0), hi.max(0.0), 5, 0.0)
    };
    let plain = Locale {
        lang: loc.lang,
        currency: String::new(),
    };
    let scale = Scale {
        key,
        percent_values,
        plain,
    };
    let has_data = grid.iter().flatten().any(Option::is_some);

    let header = Header::new(t, &[]);
    let row_labels: Vec<String> = rows[..n_rows].iter().map(|r| clean(r)).collect();
    let label_w = row_labels
        .iter()
        .map(|l| text_width(l, TICK_SIZE))
        .fold(0.0, f64::max)
        .min(WIDTH * 0.3);
    let y_title = clean(&t.y_label);
    let x_title = clean(&t.x_label);
    let left = PAD + label_w.max(text_width(&y_title, LABEL_SIZE).min(WIDTH * 0.3)) + 10.0;
    let cw = ((WIDTH - PAD - left) / cols.max(1) as f64).min(52.0);
    let ch = if n_rows > 30 { 18.0 } else { 22.0 };
    let x_title_y = header.bottom + 8.0;
    let col_y = x_title_y + if x_title.is_empty() { 0.0 } else { 20.0 };
    let top = col_y + 12.0;
    let bottom = top + ch * n_rows.max(3) as f64;
    let scale_y = bottom + 16.0;
    let height = scale_y + 34.0;
    let col_step = pick_step(cols, cw, text_width(&cols.to_string(), TICK_SIZE) + 6.0);
    let cells = Cells {
        left,
        top,
        cw,
        ch,
        gap: if cw >= 8.0 { 1.0 } else { 0.0 },
    };

    render(t, WIDTH, height, |c| {
        header.draw(c);
        let grid_right = left + cw * cols as f64;
        if !x_title.is_empty() {
            let f = Font::new(LABEL_SIZE, palette::MUTED).center();
            c.text(
                &fit(&x_title, LABEL_SIZE, WIDTH - left - PAD),
                (left + grid_right.max(left + 200.0)) / 2.0,
                x_title_y,
                f,
            );
        }
        c.text(
            &fit(&y_title, LABEL_SIZE, left - PAD - 6.0),
            PAD,
            col_y,
            Font::new(LABEL_SIZE, palette::MUTED),
        );
        for k in (0..cols).step_by(col_step) {
            let x = left + cw * (k as f64 + 0.5);
            c.text(&k.to_string(), x, col_y, Font::new(TICK_SIZE, palette::MUTED).center());
        }
        for (i, row_label) in row_labels.iter().enumerate() {
            let (_, y0) = cells.corner(i, 0);
            let f = Font::new(TICK_SIZE, palette::INK).right();
            c.text(&fit(row_label, TICK_SIZE, label_w), left - 8.0, y0 + ch / 2.0, f);
        }
        // Cells first, then their labels: runs of alike elements keep the SVG small.
        draw_cells(c, &grid, &cells, &scale);
        draw_cell_labels(c, &grid, &cells, &scale);
        if has_data {
            draw_key(c, &scale, left, scale_y);
        } else {
            no_data(c, (left + WIDTH - PAD) / 2.0, (top + bottom) / 2.0, &t.no_data);
        }
    })
}

/// The colour scale: its key's ticks and how a value is written.
struct Scale {
    key: Ticks,
    percent_values: bool,
    /// Number spelling without a currency.
    plain: Locale,
}

impl Scale {
    fn shade(&self, v: f64) -> RGBColor {
        palette::blues((v - self.key.lo) / (self.key.hi - self.key.lo))
    }

    fn label(&self, v: f64) -> String {
        if self.percent_values {
            percent(v * 100.0, 0)
        } else {
            compact_money(v, &self.plain)
        }
    }
}

/// Where the cells go: the grid's left and top, a cell's width and height,
/// and the gap that separates neighbours.
struct Cells {
    left: f64,
    top: f64,
    cw: f64,
    ch: f64,
    gap: f64,
}

impl Cells {
    /// The top left corner of row `i`'s cell `k`.
    fn corner(&self, i: usize, k: usize) -> (f64, f64) {
        (self.left + self.cw * k as f64, self.top + self.ch * i as f64)
    }
}

fn draw_cells(c: &mut Canvas<'_>, grid: &[Vec<Option<f64>>], cells: &Cells, scale: &Scale) {
    for (i, row) in grid.iter().enumerate() {
        for (k, v) in row.iter().enumerate() {
            if let Some(v) = v {
                let (x0, y0) = cells.corner(i, k);
                c.rect(
                    x0,
                    y0,
                    x0 + cells.cw - cells.gap,
                    y0 + cells.ch - cells.gap,
                    scale.shade(*v),
                );
            }
        }
    }
}

/// Each cell's value, in the largest size that fits (none when none fits).
fn draw_cell_labels(c: &mut Canvas<'_>, grid: &[Vec<Option<f64>>], cells: &Cells, scale: &Scale) {
    let Cells { cw, ch, gap, .. } = *cells;
    // Narrow cells drop the % sign (the key below keeps it).
    let cramped = scale.percent_values && text_width("100%", 11.0) > cw - 4.0;
    // Labels on dark cells in white, the others in ink; one colour at a time.
    for white in [true, false] {
        for (i, row) in grid.iter().enumerate() {
            for (k, v) in row.iter().enumerate() {
                let Some(v) = v else { continue };
                if (palette::luminance(scale.shade(*v)) < 0.3) != white {
                    continue;
                }
                let (x0, y0) = cells.corner(i, k);
                let text = if cramped {
                    number(*v * 100.0, 0)
                } else {
                    scale.label(*v)
                };
                let ink = if white { palette::WHITE } else { palette::INK };
                let size = [TICK_SIZE, 11.0, 10.0, 9.0]
                    .into_iter()
                    .find(|s| text_width(&text, *s) <= cw - 4.0);
                if let Some(size) = size {
                    c.text(
                        &text,
                        x0 + (cw - gap) / 2.0,
                        y0 + (ch - gap) / 2.0,
                        Font::new(size, ink).center(),
                    );
                }
            }
        }
    }
}

/// The colour key below the grid: one swatch per key tick, labelled.
fn draw_key(c: &mut Canvas<'_>, scale: &Scale, left: f64, y: f64) {
    let key_w = 44.0;
    for (k, v) in scale.key.values.iter().enumerate() {
        let x = left + key_w * k as f64;
        c.rect(x, y, x + key_w - 1.0, y + 10.0, scale.shade(*v));
    }
    for (k, v) in scale.key.values.iter().enumerate() {
        let x = left + key_w * k as f64;
        c.text(
            &scale.label(*v),
            x + key_w / 2.0,
            y + 13.0,
            Font::new(11.0, palette::MUTED).center().top(),
        );
    }
}
