//! Line and point charts over categories (months, dates, month offsets).

use super::bars::{BAND_COLOURS, labels, money_step};
use super::format::Ticks;
use super::layout::{Axis, LegendItem, Swatch, Xy, XySpec, any_data, finite, min_max, series_line};
use super::svg::{WIDTH, clean, palette, render};
use super::{Locale, Text};

/// Cumulative revenue of a client by month, its CAC as a dashed line and the
/// break-even month (index into `months`) as a dashed vertical line with a dot.
#[allow(clippy::too_many_arguments)]
pub fn cumulative_ltv(
    t: &Text,
    loc: &Locale,
    months: &[String],
    cumulative: &[f64],
    cac: f64,
    break_even: Option<usize>,
    line_label: &str,
    cac_label: &str,
    break_even_label: &str,
) -> String {
    let n = months.len().min(cumulative.len());
    let vals: Vec<Option<f64>> = cumulative[..n].iter().map(|v| finite(*v)).collect();
    let cac = finite(cac).filter(|c| *c > 0.0);
    let break_even = break_even.filter(|b| *b < n && vals[*b].is_some());
    let (lo, hi) = min_max(vals.iter().flatten().copied().chain(cac).chain([0.0]));
    let ticks = Ticks::nice(lo, hi, 5, money_step(loc));
    let mut legend = vec![LegendItem::new(Swatch::Line(palette::BLUE), line_label)];
    if cac.is_some() {
        legend.push(LegendItem::new(Swatch::Dashed(palette::VERMILLION, "6 4"), cac_label));
    }
    if break_even.is_some() {
        legend.push(LegendItem::new(Swatch::Dashed(palette::GREEN, "2 3"), break_even_label));
    }
    let spec = XySpec {
        t,
        x_labels: labels(months, n),
        left: Axis::money(ticks, loc, t.y_label.clone()),
        right: None,
        legend,
        height: 340.0,
        has_data: any_data(vals.iter().flatten().copied()),
    };
    let xy = Xy::new(&spec);
    render(t, WIDTH, xy.height, |c| {
        xy.draw_frame(c, &spec);
        let ticks = &spec.left.ticks;
        let z = xy.zero(ticks);
        let pts = xy.points(ticks, &vals);
        // A light area under each unbroken run of the line.
        let mut run: Vec<(f64, f64)> = Vec::new();
        for p in pts.iter().chain([&None]) {
            match p {
                Some(p) => run.push(*p),
                None => {
                    if run.len() > 1 {
                        let mut poly = run.clone();
                        poly.push((run[run.len() - 1].0, z));
                        poly.push((run[0].0, z));
                        c.polygon(&poly, palette::tint(palette::BLUE, 0.12));
                    }
                    run.clear();
                }
            }
        }
        xy.draw_axis(c, &spec);
        series_line(c, &pts, palette::BLUE, 2, false);
        if let Some(cac) = cac {
            let y = xy.y(ticks, cac);
            c.dashed((xy.left, y), (xy.right, y), palette::VERMILLION, 2, "6 4");
        }
        if let Some(b) = break_even {
            let x = xy.cx(b);
            c.dashed((x, xy.top), (x, xy.bottom), palette::GREEN, 2, "2 3");
            if let Some((x, y)) = pts[b] {
                c.dot(x, y, 5, palette::GREEN, true);
            }
        }
    })
}

/// NPS responses as points on 0..=10 over detractor (0–6), passive (7–8)
/// and promoter (9–10) bands; `band_labels` in that order.
pub fn nps_history(t: &Text, dates: &[String], scores: &[u8], band_labels: [&str; 3]) -> String {
    let n = dates.len().min(scores.len());
    let vals: Vec<f64> = scores[..n].iter().map(|s| (*s).min(10) as f64).collect();
    let ticks = Ticks::fixed(0.0, 10.0, 2.0);
    // The band names sit in the right margin, level with their bands.
    let bands = Ticks {
        lo: 0.0,
        hi: 10.0,
        step: 1.0,
        values: vec![3.25, 7.5, 9.25],
    };
    let spec = XySpec {
        t,
        x_labels: labels(dates, n),
        left: Axis::plain(ticks, "", t.y_label.clone()),
        right: Some(Axis {
            ticks: bands,
            labels: band_labels.iter().map(|l| clean(l)).collect(),
            title: String::new(),
        }),
        legend: Vec::new(),
        height: 320.0,
        has_data: n > 0,
    };
    let xy = Xy::new(&spec);
    render(t, WIDTH, xy.height, |c| {
        let ticks = &spec.left.ticks;
        for (k, (a, b)) in [(0.0, 6.5), (6.5, 8.5), (8.5, 10.0)].iter().enumerate() {
            c.rect(
                xy.left,
                xy.y(ticks, *a),
                xy.right,
                xy.y(ticks, *b),
                palette::tint(BAND_COLOURS[k], 0.16),
            );
        }
        xy.draw_frame(c, &spec);
        let pts: Vec<_> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| Some((xy.cx(i), xy.y(ticks, *v))))
            .collect();
        series_line(c, &pts, palette::tint(palette::BLUE, 0.55), 1, false);
        for (x, y) in pts.iter().flatten() {
            c.dot(*x, *y, 4, palette::BLUE, true);
        }
        xy.draw_axis(c, &spec);
    })
}

/// One outcome KPI over time with its baseline and target as dashed lines.
/// `unit` "%" is written on the ticks; any other unit joins the axis title.
#[allow(clippy::too_many_arguments)]
pub fn outcome_line(
    t: &Text,
    dates: &[String],
    values: &[f64],
    baseline: Option<f64>,
    target: Option<f64>,
    unit: &str,
    baseline_label: &str,
    target_label: &str,
) -> String {
    let n = dates.len().min(values.len());
    let vals: Vec<Option<f64>> = values[..n].iter().map(|v| finite(*v)).collect();
    let baseline = baseline.and_then(finite);
    let target = target.and_then(finite);
    let (mut lo, hi) = min_max(vals.iter().flatten().copied().chain(baseline).chain(target));
    if lo >= 0.0 && lo <= hi * 0.5 {
        lo = 0.0;
    }
    let ticks = Ticks::nice(lo, hi, 5, 0.0);
    let unit = clean(unit);
    let (suffix, title) = if unit == "%" || unit.is_empty() || t.y_label.contains(unit.as_str()) {
        (if unit == "%" { "%" } else { "" }, t.y_label.clone())
    } else if t.y_label.trim().is_empty() {
        ("", unit.clone())
    } else {
        ("", format!("{} ({unit})", t.y_label.trim()))
    };
    let mut legend = Vec::new();
    if baseline.is_some() {
        legend.push(LegendItem::new(Swatch::Dashed(palette::BLACK, "2 3"), baseline_label));
    }
    if target.is_some() {
        legend.push(LegendItem::new(Swatch::Dashed(palette::GREEN, "6 4"), target_label));
    }
    let spec = XySpec {
        t,
        x_labels: labels(dates, n),
        left: Axis::plain(ticks, suffix, title),
        right: None,
        legend,
        height: 320.0,
        has_data: vals.iter().any(Option::is_some),
    };
    let xy = Xy::new(&spec);
    render(t, WIDTH, xy.height, |c| {
        xy.draw_frame(c, &spec);
        let ticks = &spec.left.ticks;
        xy.draw_axis(c, &spec);
        let pts = xy.points(ticks, &vals);
        series_line(c, &pts, palette::BLUE, 2, n <= 36);
        if let Some(b) = baseline {
            let y = xy.y(ticks, b);
            c.dashed((xy.left, y), (xy.right, y), palette::BLACK, 2, "2 3");
        }
        if let Some(g) = target {
            let y = xy.y(ticks, g);
            c.dashed((xy.left, y), (xy.right, y), palette::GREEN, 2, "6 4");
        }
    })
}

/// Several money series over the same x (e.g. cumulative LTV per client by
/// cohort over month offsets); `None` leaves a gap. Up to seven series get
/// distinct colours, more get a light-to-dark ramp in series order.
pub fn multi_line(t: &Text, loc: &Locale, x: &[String], series: &[(String, Vec<Option<f64>>)]) -> String {
    let n = series.iter().map(|(_, v)| v.len()).max().unwrap_or(0).min(x.len());
    let data: Vec<Vec<Option<f64>>> = series
        .iter()
        .map(|(_, v)| v.iter().take(n).map(|x| x.and_then(finite)).collect())
        .collect();
    let (lo, hi) = min_max(data.iter().flatten().flatten().copied().chain([0.0]));
    let ticks = Ticks::nice(lo, hi, 5, money_step(loc));
    let k = series.len();
    let colour = |i: usize| {
        if k <= palette::SERIES.len() {
            palette::SERIES[i]
        } else {
            palette::ramp(i as f64 / (k - 1) as f64)
        }
    };
    let spec = XySpec {
        t,
        x_labels: labels(x, n),
        left: Axis::money(ticks, loc, t.y_label.clone()),
        right: None,
        legend: series
            .iter()
            .enumerate()
            .map(|(i, (name, _))| LegendItem::new(Swatch::Line(colour(i)), name))
            .collect(),
        height: 360.0,
        has_data: any_data(data.iter().flatten().flatten().copied()),
    };
    let xy = Xy::new(&spec);
    render(t, WIDTH, xy.height, |c| {
        xy.draw_frame(c, &spec);
        let ticks = &spec.left.ticks;
        xy.draw_axis(c, &spec);
        for (i, vals) in data.iter().enumerate() {
            let pts: Vec<_> = vals
                .iter()
                .enumerate()
                .map(|(j, v)| v.map(|v| (xy.cx(j), xy.y(ticks, v))))
                .collect();
            series_line(c, &pts, colour(i), 2, false);
        }
    })
}

/// Survival by months since start: the observed share (dots joined by a
/// thin line; `None` where nothing was observed) against a fitted curve
/// (a solid line), both fractions 0–1 drawn as 0–100 %. For the retention
/// model of the cohorts page.
pub fn survival_fit(
    t: &Text,
    x: &[String],
    observed: &[Option<f64>],
    fitted: &[f64],
    observed_label: &str,
    fitted_label: &str,
) -> String {
    let n = x.len().min(observed.len().max(fitted.len()));
    let pct = |v: f64| finite(v).map(|v| v.clamp(0.0, 1.0) * 100.0);
    let obs: Vec<Option<f64>> = (0..n)
        .map(|i| observed.get(i).copied().flatten().and_then(pct))
        .collect();
    let fit: Vec<Option<f64>> = (0..n).map(|i| fitted.get(i).copied().and_then(pct)).collect();
    let spec = XySpec {
        t,
        x_labels: labels(x, n),
        left: Axis::plain(Ticks::fixed(0.0, 100.0, 20.0), "%", t.y_label.clone()),
        right: None,
        legend: vec![
            LegendItem::new(Swatch::Line(palette::VERMILLION), observed_label),
            LegendItem::new(Swatch::Line(palette::BLUE), fitted_label),
        ],
        height: 340.0,
        has_data: obs.iter().chain(&fit).any(Option::is_some),
    };
    let xy = Xy::new(&spec);
    render(t, WIDTH, xy.height, |c| {
        xy.draw_frame(c, &spec);
        let ticks = &spec.left.ticks;
        xy.draw_axis(c, &spec);
        series_line(c, &xy.points(ticks, &fit), palette::BLUE, 2, false);
        series_line(c, &xy.points(ticks, &obs), palette::VERMILLION, 1, true);
    })
}
