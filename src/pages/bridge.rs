//! The revenue bridge on the internal pages (SPEC §3.8): waterfalls, the
//! monthly movements chart, and a client's own movement in words.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{Chart, Common, Table};
use crate::charts::{self, Step};
use crate::format::to_f64;
use crate::metrics::{Bridge, ClientMetrics, MonthRow, Movement};

pub fn movement_label(c: &Common, kind: Movement) -> &'static str {
    c.t(&format!("mv_{}", kind.as_str()))
}

/// An amount as the movement moves revenue: `+¥4,310,000`, `-¥7,080,000`.
pub(super) fn signed(c: &Common, v: Decimal) -> String {
    if v > Decimal::ZERO {
        format!("+{}", c.fmt.money(v))
    } else {
        c.fmt.money(v)
    }
}

/// The words for the quick ratio: `3.72` or "—" when nothing was lost.
fn quick_ratio_text(c: &Common, b: &Bridge) -> String {
    c.fmt.number(b.quick_ratio, 2)
}

/// A waterfall of `b`, from `start_label` through the eight movements to
/// `end_label`, with its numbers as a table.
pub fn waterfall_chart(c: &Common, b: &Bridge, title: &str, start_label: &str, end_label: &str) -> Chart {
    let mut bars = vec![(start_label.to_string(), Step::Total(to_f64(b.start)))];
    bars.extend(
        Movement::ALL
            .iter()
            .map(|k| (movement_label(c, *k).to_string(), Step::Delta(to_f64(b.signed(*k))))),
    );
    bars.push((end_label.to_string(), Step::Total(to_f64(b.end))));
    // For screen readers: the ends and every movement that moved something.
    let moved: Vec<String> = Movement::ALL
        .iter()
        .filter(|k| !b.amount(**k).is_zero())
        .map(|k| format!("{} {}", movement_label(c, *k), signed(c, b.signed(*k))))
        .collect();
    let desc = format!(
        "{} {} → {} {}{}{}. {}: {}.",
        start_label,
        c.fmt.money(b.start),
        end_label,
        c.fmt.money(b.end),
        if moved.is_empty() { "" } else { ": " },
        moved.join(", "),
        c.t("quick_ratio"),
        quick_ratio_text(c, b),
    );
    let svg = charts::waterfall(
        &c.text(
            title.to_string(),
            desc,
            &format!("{} ({})", c.t("revenue"), c.fmt.currency),
            "",
        ),
        &c.locale(),
        &bars,
        [c.t("increase"), c.t("decrease"), c.t("total")],
    );
    let mut rows = vec![vec![start_label.to_string(), c.fmt.money(b.start)]];
    rows.extend(
        Movement::ALL
            .iter()
            .map(|k| vec![movement_label(c, *k).to_string(), signed(c, b.signed(*k))]),
    );
    rows.push(vec![end_label.to_string(), c.fmt.money(b.end)]);
    rows.push(vec![c.t("quick_ratio").to_string(), quick_ratio_text(c, b)]);
    Chart {
        svg,
        table: Some(Table {
            head: vec![c.t("movement").into(), c.t("amount").into()],
            rows,
        }),
    }
}

/// The movements of each month (the last `rows`), stacked above and below
/// zero, with the net change; the table lists every movement by month.
pub fn movements_chart(c: &Common, rows: &[MonthRow]) -> Chart {
    let f = &c.fmt;
    let labels: Vec<String> = rows.iter().map(|r| f.month_short(r.month)).collect();
    let series: Vec<(String, Vec<f64>)> = Movement::ALL
        .iter()
        .map(|k| {
            (
                movement_label(c, *k).to_string(),
                rows.iter().map(|r| to_f64(r.bridge.signed(*k))).collect(),
            )
        })
        .collect();
    let svg = charts::movements(
        &c.text(
            c.t("movements_title").into(),
            c.t("movements_desc").into(),
            c.t("month"),
            &format!("{} ({})", c.t("revenue"), f.currency),
        ),
        &c.locale(),
        &labels,
        &series,
        c.t("net_change"),
    );
    let mut head = vec![c.t("month").to_string()];
    head.extend(Movement::ALL.iter().map(|k| movement_label(c, *k).to_string()));
    head.push(c.t("net_change").into());
    head.push(c.t("quick_ratio").into());
    let table_rows = rows
        .iter()
        .rev()
        .map(|r| {
            let mut row = vec![f.month(r.month)];
            row.extend(Movement::ALL.iter().map(|k| signed(c, r.bridge.signed(*k))));
            row.push(signed(c, r.bridge.end - r.bridge.start));
            row.push(quick_ratio_text(c, &r.bridge));
            row
        })
        .collect();
    Chart {
        svg,
        table: Some(Table { head, rows: table_rows }),
    }
}

/// What each movement means, for a legend under the charts.
pub fn movement_meanings(c: &Common) -> Vec<Value> {
    Movement::ALL
        .iter()
        .map(|k| {
            json!({
                "label": movement_label(c, *k),
                "desc": c.t(&format!("mv_{}_desc", k.as_str())),
            })
        })
        .collect()
}

/// What the client's T12 movement did to revenue: its amount, negated for
/// the losses (`None` without a movement).
pub fn t12_change(cm: &ClientMetrics) -> Option<Decimal> {
    let (kind, amount) = (cm.bridge_t12_kind?, cm.bridge_t12_amount?);
    Some(if kind.sign() < 0 { -amount } else { amount })
}

/// The client's T12 movement in words: "Expansion: +¥1,200,000 against the
/// previous 12 months (¥3,600,000 → ¥4,800,000)."
pub fn client_movement_sentence(c: &Common, cm: &ClientMetrics) -> String {
    use crate::config::Lang::*;
    let m = cm.revenue_by_month.last().map(|(m, _)| *m);
    let sum = |from: i32, to: i32| -> Decimal {
        m.map_or(Decimal::ZERO, |m| {
            crate::month::Month::range(m.plus(from), m.plus(to))
                .filter_map(|k| cm.revenue_in(k))
                .sum()
        })
    };
    let (p, n) = (sum(-23, -12), sum(-11, 0));
    let f = &c.fmt;
    match (cm.bridge_t12_kind, t12_change(cm), c.lang) {
        (Some(kind), Some(moved), lang) => {
            let label = movement_label(c, kind);
            match lang {
                En => format!(
                    "{label}: {} against the previous 12 months ({} → {}).",
                    signed(c, moved),
                    f.money(p),
                    f.money(n)
                ),
                Ja => format!(
                    "{label}: 前の12か月に対して{} ({} → {})。",
                    signed(c, moved),
                    f.money(p),
                    f.money(n)
                ),
            }
        }
        (_, _, En) if p.is_zero() && n.is_zero() => "No revenue in the last 24 months.".to_string(),
        (_, _, Ja) if p.is_zero() && n.is_zero() => "直近24か月の売上はありません。".to_string(),
        (_, _, En) => format!("No change against the previous 12 months ({} in both).", f.money(n)),
        (_, _, Ja) => format!("前の12か月から変化なし (いずれも{})。", f.money(n)),
    }
}
