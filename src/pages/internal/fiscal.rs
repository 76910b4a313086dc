//! The dashboard's fiscal-year pieces: the "revenue to date" tile and the
//! revenue by fiscal quarter.

use serde::Serialize;
use serde_json::Value;

use crate::i18n::Lang;
use crate::metrics::fiscal::{fiscal_year_label, quarters};
use crate::metrics::{Metrics, Portfolio};
use crate::pages::downloads::table_with_csv;
use crate::pages::trends::{Better, Earlier, KpiValue, trend};
use crate::pages::{Common, Kpi, Table};

/// The fiscal quarters table and the fiscal year it ends in.
#[derive(Serialize)]
pub(super) struct FiscalQuarters {
    label: String,
    table: Value,
}

/// "Revenue FY2026 to date" against the same months of the previous FY
/// (`year_before`: the portfolio a year before, if it existed).
pub(super) fn fiscal_year_tile(c: &Common, m: &Metrics, year_before: Option<&Portfolio>) -> Kpi {
    let p = &m.portfolio;
    let prev_fy = fiscal_year_label(p.fiscal_year_first.plus(-12));
    let label = c.fill("fy_revenue_to_date", &[("fy", p.fiscal_year.clone())]);
    let against = c.fill("fy_vs_same_months", &[("fy", prev_fy)]);
    let since = format!(
        "{} – {}",
        c.fmt.month_short(p.fiscal_year_first),
        c.fmt.month_short(m.as_of)
    );
    let now = KpiValue::Money(Some(p.revenue_fytd));
    let then = KpiValue::Money(Some(p.revenue_fytd_prev));
    // Nothing a year before (and nothing billed then): no comparison.
    let earlier = if year_before.is_none() && p.revenue_fytd_prev.is_zero() {
        Earlier::Before(c.t("no_data_year_ago"))
    } else {
        Earlier::Value(&then)
    };
    Kpi::new(&label, c.fmt.money(p.revenue_fytd))
        .hint(since, "")
        .trends(vec![trend(c, &against, now, earlier, Better::Higher)])
}

/// Revenue by fiscal quarter for the current fiscal year and the two before.
pub(super) fn fiscal_quarters_table(c: &Common, m: &Metrics) -> FiscalQuarters {
    let f = &c.fmt;
    let first = m.portfolio.fiscal_year_first;
    let years = quarters(&m.monthly, m.as_of, first.month(), 3);
    let quarter_head = |q: i32| {
        let (a, b) = (first.plus(3 * q), first.plus(3 * q + 2));
        match c.lang {
            Lang::En => format!(
                "Q{} ({}–{})",
                q + 1,
                &crate::format::MONTHS_EN[a.month() as usize - 1][..3],
                &crate::format::MONTHS_EN[b.month() as usize - 1][..3]
            ),
            Lang::Ja => format!("第{}四半期 ({}–{}月)", q + 1, a.month(), b.month()),
        }
    };
    let mut head = vec![c.t("fiscal_year").to_string()];
    head.extend((0..4).map(quarter_head));
    head.push(c.t("fy_total").into());
    let to_date = |v| format!("{} ({})", f.money(v), c.t("to_date"));
    let rows = years
        .iter()
        .rev()
        .map(|y| {
            let mut row = vec![y.label.clone()];
            for (q, v) in y.quarters.iter().enumerate() {
                let q_last = y.first.plus(3 * q as i32 + 2);
                row.push(match v {
                    None => "—".to_string(),
                    Some(v) if q_last > m.as_of => to_date(*v),
                    Some(v) => f.money(*v),
                });
            }
            row.push(if y.months < 12 {
                to_date(y.total)
            } else {
                f.money(y.total)
            });
            row
        })
        .collect();
    FiscalQuarters {
        label: m.portfolio.fiscal_year.clone(),
        table: table_with_csv(&Table { head, rows }, "revenue-by-fiscal-quarter"),
    }
}
