//! Sentences the pages say about a client, in the project's language:
//! one per signal and one per outcome KPI. The only place these words are
//! written (docs/metrics.md quotes them).

use super::{Common, with_unit_dp};
use crate::i18n::Lang;
use crate::metrics::outcomes::{KpiProgress, OutcomeSummary};
use crate::metrics::{Signal, SignalKind};

/// A sentence for a signal in the project's language, with its numbers.
pub fn signal_sentence(c: &Common, s: &Signal) -> String {
    use Lang::*;
    let pct = |r: f64| c.fmt.number(Some(r * 100.0), 0);
    match (&s.kind, c.lang) {
        (SignalKind::RevenueDrop { ratio, .. }, En) => {
            format!(
                "Revenue of the last 3 months is {}% below the 3 months before.",
                pct(1.0 - ratio)
            )
        }
        (SignalKind::RevenueDrop { ratio, .. }, Ja) => {
            format!("直近3か月の売上が前の3か月より{}%減少しています。", pct(1.0 - ratio))
        }
        (SignalKind::NoRevenue { .. }, En) => "No revenue this month nor last month.".to_string(),
        (SignalKind::NoRevenue { .. }, Ja) => "今月・前月とも売上がありません。".to_string(),
        (SignalKind::NpsDrop { previous, latest }, En) => format!("NPS score fell from {previous} to {latest}."),
        (SignalKind::NpsDrop { previous, latest }, Ja) => format!("NPSスコアが{previous}から{latest}に下がりました。"),
        (SignalKind::ActivityDrop { changes }, lang) | (SignalKind::TicketsUp { changes }, lang) => {
            let parts: Vec<String> = changes
                .iter()
                .map(|ch| {
                    let (p, t) = (c.fmt.number(Some(ch.p3_mean), 1), c.fmt.number(Some(ch.t3_mean), 1));
                    match lang {
                        En => format!("{} went from {p} to {t} a month", ch.metric),
                        Ja => format!("{}が月平均{p}から{t}に変化", ch.metric),
                    }
                })
                .collect();
            let up = matches!(s.kind, SignalKind::TicketsUp { .. });
            match (lang, up) {
                (En, false) => format!(
                    "Activity is down: {} (last 3 months vs the 3 before).",
                    parts.join("; ")
                ),
                (En, true) => format!("Issues are up: {} (last 3 months vs the 3 before).", parts.join("; ")),
                (Ja, false) => format!("活動が減少: {}(直近3か月と前の3か月の比較)。", parts.join("、")),
                (Ja, true) => format!("問い合わせが増加: {}(直近3か月と前の3か月の比較)。", parts.join("、")),
            }
        }
    }
}

/// A KPI in one plain sentence: "Ad CPA fell 31% since the baseline; the
/// target is ¥5,500."
pub fn outcome_sentence(c: &Common, o: &OutcomeSummary) -> String {
    use Lang::*;
    let v = |x: f64| with_unit_dp(c, x, &o.unit, o.decimals);
    let reached = o.progress == KpiProgress::Reached;
    let moved = o.change.filter(|ch| c.fmt.percent(Some(ch.abs()), 0) != "0%");
    let first = match (moved, c.lang) {
        (Some(ch), En) => format!(
            "{} {} {} since the baseline ({})",
            o.kpi,
            if ch > 0.0 { "rose" } else { "fell" },
            c.fmt.percent(Some(ch.abs()), 0),
            v(o.baseline)
        ),
        (Some(ch), Ja) => format!(
            "{}はベースライン（{}）から{}{}しました",
            o.kpi,
            v(o.baseline),
            c.fmt.percent(Some(ch.abs()), 0),
            if ch > 0.0 { "上昇" } else { "低下" }
        ),
        (None, En) => format!("{} is {} (baseline {})", o.kpi, v(o.current), v(o.baseline)),
        (None, Ja) => format!("{}は{}です（ベースライン {}）", o.kpi, v(o.current), v(o.baseline)),
    };
    match (o.target, reached, c.lang) {
        (Some(t), true, En) => format!("{first} and has reached the target of {}.", v(t)),
        (Some(t), false, En) => format!("{first}; the target is {}.", v(t)),
        (None, _, En) => format!("{first}."),
        (Some(t), true, Ja) => format!("{first}。目標の{}を達成しています。", v(t)),
        (Some(t), false, Ja) => format!("{first}。目標は{}です。", v(t)),
        (None, _, Ja) => format!("{first}。"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MetricChange;
    use crate::metrics::testkit::{money, month};

    fn say(lang: Lang, kind: SignalKind) -> String {
        signal_sentence(&Common::new(lang, "JPY", "Test"), &Signal { kind })
    }

    fn change(metric: &str, p3_mean: f64, t3_mean: f64) -> Vec<MetricChange> {
        vec![MetricChange {
            metric: metric.into(),
            p3_mean,
            t3_mean,
        }]
    }

    /// The sentences docs/metrics.md quotes.
    #[test]
    fn signals_in_words() {
        use Lang::{En, Ja};
        let drop = |ratio| SignalKind::RevenueDrop {
            t3: money(0),
            p3: money(0),
            ratio,
        };
        assert_eq!(
            say(En, drop(0.5)),
            "Revenue of the last 3 months is 50% below the 3 months before."
        );
        // Credits of 150 after revenue of 300: T3 ÷ P3 = −0.5.
        assert_eq!(
            say(En, drop(-0.5)),
            "Revenue of the last 3 months is 150% below the 3 months before."
        );
        assert_eq!(say(Ja, drop(0.5)), "直近3か月の売上が前の3か月より50%減少しています。");
        let none = SignalKind::NoRevenue {
            previous: month("2025-05"),
            month: month("2025-06"),
        };
        assert_eq!(say(En, none.clone()), "No revenue this month nor last month.");
        assert_eq!(say(Ja, none), "今月・前月とも売上がありません。");
        let nps = SignalKind::NpsDrop { previous: 8, latest: 3 };
        assert_eq!(say(En, nps.clone()), "NPS score fell from 8 to 3.");
        assert_eq!(say(Ja, nps), "NPSスコアが8から3に下がりました。");
        let activity = SignalKind::ActivityDrop {
            changes: change("meetings", 2.0, 1.0),
        };
        assert_eq!(
            say(En, activity.clone()),
            "Activity is down: meetings went from 2.0 to 1.0 a month (last 3 months vs the 3 before)."
        );
        assert_eq!(
            say(Ja, activity),
            "活動が減少: meetingsが月平均2.0から1.0に変化(直近3か月と前の3か月の比較)。"
        );
        let tickets = SignalKind::TicketsUp {
            changes: change("tickets", 1.0, 5.0),
        };
        assert_eq!(
            say(En, tickets),
            "Issues are up: tickets went from 1.0 to 5.0 a month (last 3 months vs the 3 before)."
        );
    }
}
