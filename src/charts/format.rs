//! Number formatting for tick and value labels, and "nice" axis ticks.
//!
//! Everything here is display-only: charts get `f64` values from the caller
//! and exact amounts live in the tables beside the charts.

use super::Locale;
use crate::config::Lang;
use crate::money::minor_unit_digits;

/// The sign of negative numbers: ASCII, as in the amounts of the tables
/// (`crate::format`), so a chart and its table read alike.
pub(crate) const MINUS: char = '-';

/// Compact money for axis ticks and short value labels.
///
/// English uses K / M / B / T (`¥1.2M`, `¥850K`, `$12K`); Japanese uses
/// 万 / 億 / 兆 (`¥120万`, `¥1.2億`). Amounts below the first unit are written
/// in full with the currency's minor unit when they have one (`$12.50`).
/// Below 10 units one decimal is kept (`¥1.2M`), above it none (`¥850K`).
/// Negative amounts start with a minus sign: `-¥1.2M`. Currencies without a
/// symbol here get their code after the amount (`12K CHF`), like the tables.
/// Non-finite values give `—`.
pub fn compact_money(v: f64, loc: &Locale) -> String {
    if !v.is_finite() {
        return "\u{2014}".to_string();
    }
    let body = compact_abs(v.abs(), loc);
    let zero = !body.bytes().any(|b| (b'1'..=b'9').contains(&b));
    let sign = if v < 0.0 && !zero {
        MINUS.to_string()
    } else {
        String::new()
    };
    with_currency(&sign, &body, &loc.currency)
}

/// `-¥12K`, `$5`, `12K CHF`.
fn with_currency(sign: &str, body: &str, currency: &str) -> String {
    match crate::format::currency_symbol(currency) {
        Some(sym) => format!("{sign}{sym}{body}"),
        None if currency.trim().is_empty() => format!("{sign}{body}"),
        None => format!("{sign}{body}\u{a0}{}", currency.trim()),
    }
}

fn compact_abs(a: f64, loc: &Locale) -> String {
    let units: &[(f64, &str)] = match loc.lang {
        Lang::En => &[(1e3, "K"), (1e6, "M"), (1e9, "B"), (1e12, "T")],
        Lang::Ja => &[(1e4, "万"), (1e8, "億"), (1e12, "兆")],
    };
    // The largest unit the amount reaches; the next one up when rounding
    // would write 1000K or 10000万.
    let mut pick = units.iter().rposition(|(u, _)| a >= *u);
    if let Some(i) = pick {
        if i + 1 < units.len() && round_scaled(a / units[i].0) * units[i].0 >= units[i + 1].0 {
            pick = Some(i + 1);
        }
    } else if round_scaled(a / units[0].0) >= 1.0 && a >= units[0].0 * 0.9995 {
        pick = Some(0);
    }
    match pick {
        None => {
            let digits = minor_unit_digits(&loc.currency) as usize;
            let cents = (a - a.round()).abs() >= 0.5 / 10f64.powi(digits as i32);
            if digits > 0 && cents {
                group_thousands(&format!("{:.digits$}", crate::format::round_half_away(a, digits)))
            } else {
                group_thousands(&format!("{:.0}", a.round()))
            }
        }
        Some(i) => {
            let (u, name) = units[i];
            let s = round_scaled(a / u);
            let text = if s < 10.0 {
                trim_zeros(&format!("{s:.1}"))
            } else {
                format!("{s:.0}")
            };
            format!("{}{name}", group_thousands(&text))
        }
    }
}

/// Rounds a scaled amount the way it will be displayed.
fn round_scaled(s: f64) -> f64 {
    if s < 9.95 { (s * 10.0).round() / 10.0 } else { s.round() }
}

/// "1234567.5" -> "1,234,567.5" (the integer part only is grouped).
pub(crate) fn group_thousands(s: &str) -> String {
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = s.split_at(s.find('.').unwrap_or(s.len()));
    let mut out = crate::format::group_thousands(int);
    out.push_str(frac);
    if neg { format!("{MINUS}{out}") } else { out }
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// A plain number with `decimals` decimals: the pages' rule
/// ([`crate::format::number`]), so that a label and its table agree.
pub(crate) fn number(v: f64, decimals: usize) -> String {
    crate::format::number(v, decimals)
}

/// Decimals needed to tell apart ticks `step` apart.
pub(crate) fn decimals_for_step(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) || step >= 1.0 {
        return 0;
    }
    ((-step.log10()) - 1e-9).ceil().clamp(0.0, 6.0) as usize
}

/// Decimals for value labels of a set of values: none when all are whole,
/// else one (two when every value is below 10).
pub(crate) fn decimals_for_values(values: impl IntoIterator<Item = f64>) -> usize {
    let mut whole = true;
    let mut small = true;
    for v in values.into_iter().filter(|v| v.is_finite()) {
        if (v - v.round()).abs() > 1e-9 {
            whole = false;
        }
        if v.abs() >= 10.0 {
            small = false;
        }
    }
    if whole {
        0
    } else if small {
        2
    } else {
        1
    }
}

/// Ticks of a linear axis: `lo`, `lo + step`, ..., `hi`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
}

impl Ticks {
    /// Ticks covering `min ..= max` with about `target` intervals of 1, 2 or 5
    /// times a power of ten, never finer than `min_step`.
    pub fn nice(min: f64, max: f64, target: usize, min_step: f64) -> Ticks {
        let (mut min, mut max) = if min.is_finite() && max.is_finite() && min <= max {
            (min, max)
        } else {
            (0.0, 1.0)
        };
        if max - min <= f64::EPSILON * max.abs().max(min.abs()).max(1.0) {
            if min == 0.0 {
                max = 1.0;
            } else {
                let pad = (min.abs() * 0.1).max(min_step);
                min -= pad;
                max += pad;
            }
        }
        let raw = (max - min) / target.max(1) as f64;
        let mut step = nice_step(raw).max(min_step);
        // Keep the tick count bounded whatever min_step did.
        while ((max - min) / step).ceil() > 12.0 {
            step = nice_step(step * 1.5);
        }
        let (k0, k1) = (
            (min / step + 1e-9).floor(),
            (max / step - 1e-9).ceil().max((min / step + 1e-9).floor() + 1.0),
        );
        if !(k0.abs() < 1e15 && k1.abs() < 1e15 && k1 - k0 <= 24.0) {
            // Beyond what f64 ticks can tell apart: just the two ends.
            return Ticks {
                lo: min,
                hi: max,
                step: max - min,
                values: vec![min, max],
            };
        }
        let values: Vec<f64> = (k0 as i64..=k1 as i64).map(|k| clean(k as f64 * step)).collect();
        Ticks {
            lo: values[0],
            hi: values[values.len() - 1],
            step,
            values,
        }
    }

    /// Fixed ticks `lo ..= hi` every `step`.
    pub fn fixed(lo: f64, hi: f64, step: f64) -> Ticks {
        let n = ((hi - lo) / step).round().max(1.0) as i64;
        let values = (0..=n).map(|k| clean(lo + k as f64 * step)).collect();
        Ticks { lo, hi, step, values }
    }

    /// Ticks `0 ..= intervals * step` (to line up a second axis with a first one).
    pub fn aligned(max: f64, intervals: usize, min_step: f64) -> Ticks {
        let intervals = intervals.max(1);
        let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
        let step = nice_step(max / intervals as f64).max(min_step);
        let values = (0..=intervals).map(|k| clean(k as f64 * step)).collect();
        Ticks {
            lo: 0.0,
            hi: intervals as f64 * step,
            step,
            values,
        }
    }

    /// Number of intervals between the first and last tick.
    pub fn intervals(&self) -> usize {
        self.values.len().saturating_sub(1)
    }
}

/// Removes floating-point noise such as 0.30000000000000004.
fn clean(v: f64) -> f64 {
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

/// The nice step (1, 2 or 5 × 10^k) closest above `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= raw * (1.0 - 1e-9) {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Formats a list of ticks, falling back to full numbers when the compact
/// form would print two different ticks the same way.
pub(crate) fn money_ticks(ticks: &Ticks, loc: &Locale) -> Vec<String> {
    let labels: Vec<String> = ticks.values.iter().map(|v| compact_money(*v, loc)).collect();
    let distinct = labels.windows(2).all(|w| w[0] != w[1]);
    if distinct {
        labels
    } else {
        let d = decimals_for_step(ticks.step);
        ticks
            .values
            .iter()
            .map(|v| {
                let sign = if *v < 0.0 { MINUS.to_string() } else { String::new() };
                with_currency(&sign, &number(v.abs(), d), &loc.currency)
            })
            .collect()
    }
}

/// Plain tick labels with the decimals the step needs, and an optional suffix.
pub(crate) fn plain_ticks(ticks: &Ticks, suffix: &str) -> Vec<String> {
    let d = decimals_for_step(ticks.step);
    ticks
        .values
        .iter()
        .map(|v| format!("{}{suffix}", number(*v, d)))
        .collect()
}

/// A percentage label for a value already in percent units.
pub(crate) fn percent(v: f64, decimals: usize) -> String {
    format!("{}%", number(v, decimals))
}
