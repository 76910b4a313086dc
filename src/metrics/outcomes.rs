//! The quantified results of a client's work (outcomes.csv) summarised as
//! of a month: baseline → latest value, change, progress to target, and the
//! values a month and a year before. Pure: no I/O, no formatting; both
//! editions of the monthly review, the client overview and the public
//! stories show these numbers and compute none of them.

use crate::model::{Client, OutcomeRow};
use crate::month::Month;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KpiProgress {
    /// The latest value has reached the target.
    Reached,
    /// Better than the baseline, target not reached yet.
    Improving,
    /// Not better than the baseline.
    Behind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeSummary {
    pub kpi: String,
    pub unit: String,
    /// `baseline` column of the KPI's first row that has one, else its first value.
    pub baseline: f64,
    pub current: f64,
    /// (current − baseline) / |baseline|; `None` when the baseline is 0.
    pub change: Option<f64>,
    pub target: Option<f64>,
    pub higher_is_better: bool,
    /// Progress towards the target (or away from the baseline without one).
    pub progress: KpiProgress,
    /// Every value up to the month, oldest first: (date, value).
    pub history: Vec<(jiff::civil::Date, f64)>,
    /// Digits after the decimal point, as the KPI's rows are written (the
    /// most of any row up to the month).
    pub decimals: usize,
    /// The latest value dated in the month before, when the current value
    /// is dated in the month itself (a month-on-month comparison only
    /// means something between two measurements one month apart).
    pub previous_month: Option<f64>,
    /// The latest value dated in the same month a year earlier, when the
    /// current value is dated in the month itself.
    pub year_ago: Option<f64>,
}

impl OutcomeSummary {
    /// The change from `before` to the current value relative to
    /// `|before|`; `None` when `before` is 0.
    pub fn change_from(&self, before: f64) -> Option<f64> {
        (before != 0.0).then(|| (self.current - before) / before.abs())
    }

    /// Whether a move from `before` to the current value is for the better.
    pub fn improved_on(&self, before: f64) -> bool {
        if self.higher_is_better {
            self.current > before
        } else {
            self.current < before
        }
    }
}

/// The latest value of `history` (oldest first) dated in `month`.
fn value_in(history: &[(jiff::civil::Date, f64)], month: Month) -> Option<f64> {
    history
        .iter()
        .rev()
        .find(|(d, _)| Month::of(*d) == month)
        .map(|(_, v)| *v)
}

/// One summary per KPI with a value on or before the end of `as_of`,
/// sorted by KPI name.
pub fn summarise(client: &Client, as_of: Month) -> Vec<OutcomeSummary> {
    let end = as_of.last_day();
    let mut out = Vec::new();
    let rows: Vec<&OutcomeRow> = client.outcomes.iter().filter(|r| r.date <= end).collect();
    let mut i = 0;
    while i < rows.len() {
        let kpi = &rows[i].kpi;
        let mut j = i;
        while j < rows.len() && &rows[j].kpi == kpi {
            j += 1;
        }
        let group = &rows[i..j];
        let first = group[0];
        let last = group[group.len() - 1];
        let baseline = group.iter().find_map(|r| r.baseline).unwrap_or(first.value);
        let target = group.iter().rev().find_map(|r| r.target);
        let unit = group
            .iter()
            .rev()
            .map(|r| r.unit.as_str())
            .find(|u| !u.is_empty())
            .unwrap_or("")
            .to_string();
        let hib = last.higher_is_better;
        let current = last.value;
        let change = if baseline != 0.0 {
            Some((current - baseline) / baseline.abs())
        } else {
            None
        };
        let better = |a: f64, b: f64| if hib { a > b } else { a < b };
        let reached = |t: f64| if hib { current >= t } else { current <= t };
        let progress = match target {
            Some(t) if reached(t) => KpiProgress::Reached,
            _ if better(current, baseline) => KpiProgress::Improving,
            _ => KpiProgress::Behind,
        };
        let history: Vec<_> = group.iter().map(|r| (r.date, r.value)).collect();
        let measured_now = Month::of(last.date) == as_of;
        let before = |m: Month| if measured_now { value_in(&history, m) } else { None };
        out.push(OutcomeSummary {
            kpi: kpi.clone(),
            unit,
            baseline,
            current,
            change,
            target,
            higher_is_better: hib,
            progress,
            previous_month: before(as_of.plus(-1)),
            year_ago: before(as_of.plus(-12)),
            history,
            decimals: group.iter().map(|r| usize::from(r.decimals)).max().unwrap_or(0),
        });
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn row(
        d: jiff::civil::Date,
        kpi: &str,
        value: f64,
        baseline: Option<f64>,
        target: Option<f64>,
        hib: bool,
    ) -> OutcomeRow {
        OutcomeRow {
            date: d,
            kpi: kpi.into(),
            value,
            unit: "¥".into(),
            baseline,
            target,
            higher_is_better: hib,
            line: 2,
            decimals: 0,
        }
    }

    fn client(outcomes: Vec<OutcomeRow>) -> Client {
        Client {
            outcomes,
            ..Client::new("a", "A")
        }
    }

    #[test]
    fn lower_is_better_kpi_with_target() {
        // CPA 5000 → 4200 → 3400 with target 3500: reached; change = -1600/5000 = -32%.
        let c = client(vec![
            row(date(2026, 1, 31), "CPA", 5000.0, None, Some(3500.0), false),
            row(date(2026, 4, 30), "CPA", 4200.0, None, Some(3500.0), false),
            row(date(2026, 7, 31), "CPA", 3400.0, None, Some(3500.0), false),
        ]);
        let s = summarise(&c, Month::new(2026, 7).unwrap());
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].baseline, 5000.0);
        assert_eq!(s[0].current, 3400.0);
        assert!((s[0].change.unwrap() + 0.32).abs() < 1e-12);
        assert_eq!(s[0].progress, KpiProgress::Reached);
        // As of April only two values are known: 4200 is better than 5000 but above 3500.
        let s = summarise(&c, Month::new(2026, 4).unwrap());
        assert_eq!(s[0].current, 4200.0);
        assert_eq!(s[0].progress, KpiProgress::Improving);
        assert!(summarise(&c, Month::new(2025, 12).unwrap()).is_empty());
    }

    #[test]
    fn comparisons_need_a_measurement_in_the_month_and_in_the_one_compared() {
        let c = client(vec![
            row(date(2025, 7, 31), "CPA", 6000.0, None, None, false),
            row(date(2026, 6, 30), "CPA", 4800.0, None, None, false),
            row(date(2026, 7, 15), "CPA", 4500.0, None, None, false),
            row(date(2026, 7, 31), "CPA", 4400.0, None, None, false),
        ]);
        let july = &summarise(&c, Month::new(2026, 7).unwrap())[0];
        assert_eq!(july.current, 4400.0);
        assert_eq!(july.previous_month, Some(4800.0));
        assert_eq!(july.year_ago, Some(6000.0));
        // −400 / 4800
        assert!((july.change_from(4800.0).unwrap() + 400.0 / 4800.0).abs() < 1e-12);
        assert!(july.improved_on(4800.0), "lower is better");
        // August has no measurement: nothing to compare, though June/July exist.
        let aug = &summarise(&c, Month::new(2026, 8).unwrap())[0];
        assert_eq!((aug.previous_month, aug.year_ago), (None, None));
        // June 2026: May has no value, June 2025 neither.
        let june = &summarise(&c, Month::new(2026, 6).unwrap())[0];
        assert_eq!((june.previous_month, june.year_ago), (None, None));
        assert_eq!(july.change_from(0.0), None);
    }

    #[test]
    fn explicit_baseline_and_zero_baseline() {
        let c = client(vec![
            row(date(2026, 2, 1), "Conv", 2.0, Some(2.5), Some(4.0), true),
            row(date(2026, 2, 1), "Hours", 10.0, Some(0.0), None, true),
        ]);
        let s = summarise(&c, Month::new(2026, 2).unwrap());
        assert_eq!(s[0].kpi, "Conv");
        assert_eq!(s[0].baseline, 2.5);
        assert_eq!(s[0].progress, KpiProgress::Behind);
        assert_eq!(s[1].change, None);
        assert_eq!(s[1].progress, KpiProgress::Improving);
    }
}
