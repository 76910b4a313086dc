//! Vertical bar charts over categories (months, NPS scores).

use super::format::{Ticks, number};
use super::layout::{Axis, LegendItem, Swatch, TICK_SIZE, Xy, XySpec, any_data, finite, min_max, series_line};
use super::svg::{Font, WIDTH, clean, palette, render};
use super::{Locale, Text};
use crate::money::minor_unit_digits;

/// Smallest tick step for money: the currency's minor unit.
pub(crate) fn money_step(loc: &Locale) -> f64 {
    10f64.powi(-(minor_unit_digits(&loc.currency) as i32))
}

pub(crate) fn labels(xs: &[String], n: usize) -> Vec<String> {
    xs.iter().take(n).map(|s| clean(s)).collect()
}

/// Monthly revenue as bars with a trailing 3-month moving average (drawn
/// from the third month on); `legend` names the bars and the average.
pub fn revenue_bars(t: &Text, loc: &Locale, months: &[String], revenue: &[f64], legend: [&str; 2]) -> String {
    let n = months.len().min(revenue.len());
    let vals: Vec<f64> = revenue[..n].iter().map(|v| finite(*v).unwrap_or(0.0)).collect();
    let ma: Vec<Option<f64>> = (0..n)
        .map(|i| (i >= 2).then(|| (vals[i - 2] + vals[i - 1] + vals[i]) / 3.0))
        .collect();
    let (lo, hi) = min_max(vals.iter().copied().chain([0.0]));
    let ticks = Ticks::nice(lo, hi, 5, money_step(loc));
    let [bars_label, average_label] = legend;
    let mut legend = vec![LegendItem::new(Swatch::Bar(palette::SKY), bars_label)];
    if ma.iter().any(Option::is_some) {
        legend.push(LegendItem::new(Swatch::Line(palette::VERMILLION), average_label));
    }
    let spec = XySpec {
        t,
        x_labels: labels(months, n),
        left: Axis::money(ticks, loc, t.y_label.clone()),
        right: None,
        legend,
        height: 340.0,
        has_data: any_data(vals.iter().copied()),
    };
    let xy = Xy::new(&spec);
    render(t, WIDTH, xy.height, |c| {
        xy.draw_frame(c, &spec);
        let ticks = &spec.left.ticks;
        for (i, v) in vals.iter().enumerate() {
            xy.bar(c, ticks, i, *v, palette::SKY);
        }
        xy.draw_axis(c, &spec);
        let pts = xy.points(ticks, &ma);
        series_line(c, &pts, palette::VERMILLION, 2, false);
    })
}

/// Alive clients as bars (left axis, counts) and the monthly churn rate as a
/// line (right axis, percent; `churn_rate` as fractions, `None` leaves a gap).
pub fn alive_and_churn(
    t: &Text,
    months: &[String],
    alive: &[f64],
    churn_rate: &[Option<f64>],
    alive_label: &str,
    churn_label: &str,
) -> String {
    let n = months.len().min(alive.len()).min(churn_rate.len());
    let alive: Vec<f64> = alive[..n].iter().map(|v| finite(*v).unwrap_or(0.0)).collect();
    let churn: Vec<Option<f64>> = churn_rate[..n]
        .iter()
        .map(|v| v.and_then(finite).map(|v| v * 100.0))
        .collect();
    let (lo, hi) = min_max(alive.iter().copied().chain([0.0]));
    let left = Ticks::nice(lo, hi, 5, 1.0);
    let (_, churn_hi) = min_max(churn.iter().flatten().copied().chain([0.0]));
    let right = Ticks::aligned(churn_hi, left.intervals(), 0.1);
    let has_data = any_data(alive.iter().copied().chain(churn.iter().flatten().copied()));
    let spec = XySpec {
        t,
        x_labels: labels(months, n),
        right: Some(Axis::plain(right, "%", clean(churn_label))),
        left: Axis::plain(left, "", t.y_label.clone()),
        legend: vec![
            LegendItem::new(Swatch::Bar(palette::SKY), alive_label),
            LegendItem::new(Swatch::LineDot(palette::VERMILLION), churn_label),
        ],
        height: 340.0,
        has_data,
    };
    let xy = Xy::new(&spec);
    render(t, WIDTH, xy.height, |c| {
        xy.draw_frame(c, &spec);
        let (lt, rt) = (
            &spec.left.ticks,
            &spec
                .right
                .as_ref()
                .map(|a| a.ticks.clone())
                .unwrap_or_else(|| Ticks::fixed(0.0, 1.0, 1.0)),
        );
        for (i, v) in alive.iter().enumerate() {
            xy.bar(c, lt, i, *v, palette::SKY);
        }
        xy.draw_axis(c, &spec);
        let pts = xy.points(rt, &churn);
        series_line(c, &pts, palette::VERMILLION, 2, n <= 36);
    })
}

/// Series colours for flows: new, churned, reactivated, then the palette.
const FLOW_COLOURS: [plotters::style::RGBColor; 7] = [
    palette::GREEN,
    palette::VERMILLION,
    palette::BLUE,
    palette::ORANGE,
    palette::PURPLE,
    palette::SKY,
    palette::BLACK,
];

/// Grouped bars per month, one per series (e.g. new / churned /
/// reactivated). Negative values are drawn below the zero line.
pub fn flows(t: &Text, months: &[String], series: &[(String, Vec<f64>)]) -> String {
    let n = series.iter().map(|(_, v)| v.len()).fold(months.len(), usize::min);
    let n = if series.is_empty() { 0 } else { n };
    let data: Vec<Vec<f64>> = series
        .iter()
        .map(|(_, v)| v[..n].iter().map(|x| finite(*x).unwrap_or(0.0)).collect())
        .collect();
    let all = || data.iter().flatten().copied();
    let (lo, hi) = min_max(all().chain([0.0]));
    let ticks = Ticks::nice(lo, hi, 5, 1.0);
    let colour = |k: usize| FLOW_COLOURS[k % FLOW_COLOURS.len()];
    let spec = XySpec {
        t,
        x_labels: labels(months, n),
        left: Axis::plain(ticks, "", t.y_label.clone()),
        right: None,
        legend: series
            .iter()
            .enumerate()
            .map(|(k, (name, _))| LegendItem::new(Swatch::Bar(colour(k)), name))
            .collect(),
        height: 340.0,
        has_data: any_data(all()),
    };
    let xy = Xy::new(&spec);
    render(t, WIDTH, xy.height, |c| {
        xy.draw_frame(c, &spec);
        let ticks = &spec.left.ticks;
        let z = xy.zero(ticks);
        let k = data.len().max(1) as f64;
        let group = (xy.slot() * 0.8).min(24.0 * k);
        let bw = group / k;
        let gap = if bw >= 4.0 { 1.0 } else { 0.0 };
        for (s, vals) in data.iter().enumerate() {
            for (i, v) in vals.iter().enumerate() {
                let x0 = xy.cx(i) - group / 2.0 + s as f64 * bw;
                c.rect(x0, z, x0 + bw - gap, xy.y(ticks, *v), colour(s));
            }
        }
        xy.draw_axis(c, &spec);
    })
}

/// NPS band of a score: 0 detractor, 1 passive, 2 promoter.
pub(crate) fn band(score: usize) -> usize {
    match score {
        0..=6 => 0,
        7..=8 => 1,
        _ => 2,
    }
}

pub(crate) const BAND_COLOURS: [plotters::style::RGBColor; 3] = [palette::VERMILLION, palette::ORANGE, palette::GREEN];

/// Responses per score 0..=10, coloured by band (0–6, 7–8, 9–10), with the
/// count above each bar.
pub fn nps_distribution(t: &Text, counts: &[u32; 11]) -> String {
    let vals: Vec<f64> = counts.iter().map(|c| *c as f64).collect();
    let (_, hi) = min_max(vals.iter().copied());
    let ticks = Ticks::nice(0.0, hi, 5, 1.0);
    let spec = XySpec {
        t,
        x_labels: (0..=10).map(|s| s.to_string()).collect(),
        left: Axis::plain(ticks, "", t.y_label.clone()),
        right: None,
        legend: ["0\u{2013}6", "7\u{2013}8", "9\u{2013}10"]
            .iter()
            .zip(BAND_COLOURS)
            .map(|(l, col)| LegendItem::new(Swatch::Bar(col), l))
            .collect(),
        height: 320.0,
        has_data: any_data(vals.iter().copied()),
    };
    let xy = Xy::new(&spec);
    render(t, WIDTH, xy.height, |c| {
        xy.draw_frame(c, &spec);
        let ticks = &spec.left.ticks;
        for (i, v) in vals.iter().enumerate() {
            let top = xy.bar(c, ticks, i, *v, BAND_COLOURS[band(i)]);
            if *v > 0.0 {
                c.text(
                    &number(*v, 0),
                    xy.cx(i),
                    top - 3.0,
                    Font::new(TICK_SIZE, palette::INK).center().bottom(),
                );
            }
        }
        xy.draw_axis(c, &spec);
    })
}
