//! Changes of a number against an earlier month, as the KPI tiles and the
//! reports state them: "▲ +¥120,000 (+5.2%) vs last month", "no change",
//! "first month". The direction is carried by the arrow and the sign, whether
//! it is good news by the colour *and* a word for screen readers, so colour
//! is never the only carrier of meaning.

use rust_decimal::Decimal;
use serde::Serialize;

use super::Common;
use crate::format::to_f64;

/// Which way is good news for a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// A value of a KPI tile, by kind (each kind states its change its own way).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KpiValue {
    Money(Option<Decimal>),
    Count(usize),
    /// A share (0.05 is 5 %): its change is in percentage points.
    Share(Option<f64>),
    /// A ratio such as LTV:CAC (`3.2×`).
    Ratio(Option<f64>),
    Months(Option<f64>),
    /// A plain score such as NPS.
    Score(Option<f64>),
}

impl KpiValue {
    fn number(self) -> Option<f64> {
        match self {
            KpiValue::Money(v) => v.map(to_f64),
            KpiValue::Count(n) => Some(n as f64),
            KpiValue::Share(v) | KpiValue::Ratio(v) | KpiValue::Months(v) | KpiValue::Score(v) => v,
        }
    }
}

/// One line under a KPI value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trend {
    /// "vs last month", "vs a year ago".
    pub label: String,
    /// `▲`, `▼`, `=` or empty (no comparison).
    pub arrow: &'static str,
    /// "+¥120,000 (+5.2%)", "no change", "first month".
    pub text: String,
    /// `good`, `bad` or `flat`: the colour of the line.
    pub tone: &'static str,
    /// "better" / "worse" (for screen readers), empty for `flat`.
    pub tone_word: &'static str,
}

/// Against what an earlier value is compared.
#[derive(Clone, Copy, Debug)]
pub enum Earlier<'a> {
    /// The value then.
    Value(&'a KpiValue),
    /// Nothing existed then (the portfolio, or the client, started later);
    /// the words say why, e.g. "first month".
    Before(&'a str),
}

/// The change from `then` to `now`, labelled `label`.
pub fn trend(c: &Common, label: &str, now: KpiValue, then: Earlier<'_>, better: Better) -> Trend {
    let flat = |text: String, arrow: &'static str| Trend {
        label: label.to_string(),
        arrow,
        text,
        tone: "flat",
        tone_word: "",
    };
    let then = match then {
        Earlier::Before(words) => return flat(words.to_string(), ""),
        Earlier::Value(v) => *v,
    };
    let (Some(a), Some(b)) = (now.number(), then.number()) else {
        return flat(c.t("no_figure_then").to_string(), "");
    };
    let diff = a - b;
    // Money compares exactly; the others at the precision they are shown.
    let zero = match (now, then) {
        (KpiValue::Money(Some(x)), KpiValue::Money(Some(y))) => x == y,
        _ => (diff.abs() * 1e6).round() == 0.0,
    };
    if zero {
        return flat(c.t("no_change").to_string(), "");
    }
    let f = &c.fmt;
    // A change too small to show at the tile's precision.
    let shown = match now {
        KpiValue::Money(_) => 1.0,
        KpiValue::Count(_) | KpiValue::Score(_) => (diff.abs()).round(),
        KpiValue::Share(_) => (diff.abs() * 1000.0).round(),
        KpiValue::Ratio(_) | KpiValue::Months(_) => (diff.abs() * 10.0).round(),
    };
    if shown == 0.0 {
        return flat(c.t("about_the_same").to_string(), "≈");
    }
    let sign = if diff > 0.0 { "+" } else { "" };
    let text = match (now, then) {
        (KpiValue::Money(Some(x)), KpiValue::Money(Some(y))) => {
            let pct = if y > Decimal::ZERO {
                format!(" ({sign}{})", f.percent(Some(to_f64(x - y) / to_f64(y)), 1))
            } else {
                String::new()
            };
            format!("{sign}{}{pct}", f.money(x - y))
        }
        (KpiValue::Count(_), _) => format!("{sign}{}", f.number(Some(diff), 0)),
        (KpiValue::Share(_), _) => format!("{sign}{} {}", f.number(Some(diff * 100.0), 1), c.t("points")),
        (KpiValue::Ratio(_), _) => format!("{sign}{}×", f.number(Some(diff), 1)),
        (KpiValue::Months(_), _) => format!("{sign}{}", super::months_text(c, diff, 1)),
        _ => format!("{sign}{}", f.number(Some(diff), 0)),
    };
    let good = (diff > 0.0) == (better == Better::Higher);
    Trend {
        label: label.to_string(),
        arrow: if diff > 0.0 { "▲" } else { "▼" },
        text,
        tone: if good { "good" } else { "bad" },
        tone_word: c.t(if good { "better" } else { "worse" }),
    }
}

/// The hint of a report's revenue tile against an earlier month: "vs last
/// month ¥1,050,000: +¥20,000 (+2%)", "…: no change", or `before` when the
/// client did not exist then ("first month"). With `show_base` the earlier
/// amount follows the label. The second value colours the hint: `up`,
/// `down` or empty.
pub fn revenue_change(
    c: &Common,
    label: &str,
    now: Decimal,
    then: Option<Decimal>,
    show_base: bool,
    before: &str,
) -> (String, &'static str) {
    let f = &c.fmt;
    let Some(t) = then else {
        return (format!("{label}: {before}"), "");
    };
    let base = if show_base {
        format!(" {}", f.money(t))
    } else {
        String::new()
    };
    let diff = now - t;
    if diff.is_zero() {
        return (format!("{label}{base}: {}", c.t("no_change")), "");
    }
    let (sign, trend) = if diff > Decimal::ZERO {
        ("+", "up")
    } else {
        ("", "down")
    };
    let pct = if t > Decimal::ZERO {
        format!(" ({sign}{})", f.percent(Some(to_f64(diff) / to_f64(t)), 0))
    } else {
        String::new()
    };
    (format!("{label}{base}: {sign}{}{pct}", f.money(diff)), trend)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;

    fn en() -> Common {
        Common::new(Lang::En, "JPY", "T")
    }

    #[test]
    fn money_changes_with_percent_and_tone() {
        let c = en();
        let now = KpiValue::Money(Some(Decimal::from(1_120_000)));
        let then = KpiValue::Money(Some(Decimal::from(1_000_000)));
        let t = trend(&c, "vs last month", now, Earlier::Value(&then), Better::Higher);
        assert_eq!(
            (t.arrow, t.text.as_str(), t.tone, t.tone_word),
            ("▲", "+¥120,000 (+12.0%)", "good", "better")
        );
        let t = trend(&c, "vs last month", then, Earlier::Value(&now), Better::Higher);
        assert_eq!((t.arrow, t.text.as_str(), t.tone), ("▼", "-¥120,000 (-10.7%)", "bad"));
        let t = trend(&c, "x", now, Earlier::Value(&now), Better::Higher);
        assert_eq!(
            (t.arrow, t.text.as_str(), t.tone, t.tone_word),
            ("", "no change", "flat", "")
        );
        let t = trend(&c, "x", now, Earlier::Before("first month"), Better::Higher);
        assert_eq!((t.arrow, t.text.as_str(), t.tone), ("", "first month", "flat"));
        // From zero: no percentage.
        let zero = KpiValue::Money(Some(Decimal::ZERO));
        let t = trend(&c, "x", now, Earlier::Value(&zero), Better::Higher);
        assert_eq!(t.text, "+¥1,120,000");
    }

    #[test]
    fn lower_is_better_turns_the_tone_not_the_arrow() {
        let c = en();
        let t = trend(
            &c,
            "vs a year ago",
            KpiValue::Share(Some(0.012)),
            Earlier::Value(&KpiValue::Share(Some(0.008))),
            Better::Lower,
        );
        assert_eq!(
            (t.arrow, t.text.as_str(), t.tone, t.tone_word),
            ("▲", "+0.4 pt", "bad", "worse")
        );
        let t = trend(
            &c,
            "x",
            KpiValue::Months(Some(3.8)),
            Earlier::Value(&KpiValue::Months(Some(4.0))),
            Better::Lower,
        );
        assert_eq!((t.arrow, t.text.as_str(), t.tone), ("▼", "-0.2 months", "good"));
        let t = trend(
            &c,
            "x",
            KpiValue::Count(3),
            Earlier::Value(&KpiValue::Count(5)),
            Better::Higher,
        );
        assert_eq!(t.text, "-2");
        // Too small to show at the tile's precision (0.1 pt, 0.1 months, 0.1×, 1 point).
        for (now, then) in [
            (KpiValue::Share(Some(0.0100)), KpiValue::Share(Some(0.01004))),
            (KpiValue::Months(Some(3.81)), KpiValue::Months(Some(3.8))),
            (KpiValue::Ratio(Some(15.74)), KpiValue::Ratio(Some(15.7))),
            (KpiValue::Score(Some(62.2)), KpiValue::Score(Some(62.0))),
        ] {
            let t = trend(&c, "x", now, Earlier::Value(&then), Better::Higher);
            assert_eq!(
                (t.arrow, t.text.as_str(), t.tone),
                ("≈", "about the same", "flat"),
                "{now:?}"
            );
        }
        let t = trend(
            &c,
            "x",
            KpiValue::Share(Some(0.0106)),
            Earlier::Value(&KpiValue::Share(Some(0.01))),
            Better::Lower,
        );
        assert_eq!((t.arrow, t.text.as_str()), ("▲", "+0.1 pt"));
        let t = trend(
            &c,
            "x",
            KpiValue::Ratio(Some(15.7)),
            Earlier::Value(&KpiValue::Ratio(None)),
            Better::Higher,
        );
        assert_eq!((t.arrow, t.text.as_str()), ("", "no figure then"));
    }

    #[test]
    fn report_hints_say_no_change_and_first_month() {
        let c = en();
        let d = Decimal::from;
        assert_eq!(
            revenue_change(
                &c,
                "vs last month",
                d(1_050_000),
                Some(d(1_050_000)),
                true,
                "first month"
            ),
            ("vs last month ¥1,050,000: no change".to_string(), "")
        );
        assert_eq!(
            revenue_change(&c, "vs last month", d(300), None, true, "first month"),
            ("vs last month: first month".to_string(), "")
        );
        assert_eq!(
            revenue_change(&c, "vs last month", d(300_000), Some(d(280_000)), true, "first month"),
            ("vs last month ¥280,000: +¥20,000 (+7%)".to_string(), "up")
        );
        assert_eq!(
            revenue_change(&c, "this month", d(0), Some(d(280_000)), false, "x"),
            ("this month: -¥280,000 (-100%)".to_string(), "down")
        );
    }
}
