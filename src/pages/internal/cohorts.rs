//! `site/internal/cohorts/index.html`: retention and cumulative revenue by
//! start-month cohort, and the retainers' survival against its model.

use serde::Serialize;
use serde_json::Value;

use super::money_axis;
use crate::charts;
use crate::format::to_f64;
use crate::metrics::Metrics;
use crate::pages::downloads::charts_with_csv;
use crate::pages::{Chart, Common, Table, page};

#[derive(Serialize)]
struct CohortsPage {
    charts: Vec<Value>,
}

/// A table with one row per cohort and one column per month since start.
fn cohort_table(c: &Common, names: &[String], offsets: &[String], cells: Vec<Vec<String>>) -> Table {
    Table {
        head: std::iter::once(c.t("cohort").to_string())
            .chain(offsets.iter().cloned())
            .collect(),
        rows: cells
            .into_iter()
            .zip(names)
            .map(|(row, n)| std::iter::once(n.clone()).chain(row).collect())
            .collect(),
    }
}

/// A retention heatmap (shares by cohort and month since start) with its
/// numbers.
fn retention_chart(
    c: &Common,
    (title, desc): (&str, &str),
    names: &[String],
    offsets: &[String],
    shares: &[Vec<Option<f64>>],
) -> Chart {
    let cells = shares
        .iter()
        .map(|row| row.iter().map(|v| c.fmt.percent(*v, 0)).collect())
        .collect();
    Chart {
        svg: charts::heatmap(
            &c.text(
                c.t(title).into(),
                c.t(desc).into(),
                c.t("months_since_start"),
                c.t("cohort"),
            ),
            &c.locale(),
            names,
            shares,
            true,
        ),
        table: Some(cohort_table(c, names, offsets, cells)),
    }
}

/// `site/internal/cohorts/index.html`.
pub fn cohorts(c: &Common, m: &Metrics) -> Value {
    let f = &c.fmt;
    let names: Vec<String> = m
        .cohorts
        .iter()
        .map(|co| format!("{} (n={})", f.month_short(co.cohort), co.size))
        .collect();
    let width = m.cohorts.iter().map(|co| co.active.len()).max().unwrap_or(0);
    let offsets: Vec<String> = (0..width).map(|k| format!("+{k}")).collect();

    let retention: Vec<Vec<Option<f64>>> = m
        .cohorts
        .iter()
        .map(|co| co.retention.iter().map(|v| Some(*v)).collect())
        .collect();
    let revenue_retention: Vec<Vec<Option<f64>>> = m.cohorts.iter().map(|co| co.revenue_retention.clone()).collect();
    let cumulative: Vec<(String, Vec<Option<f64>>)> = m
        .cohorts
        .iter()
        .zip(&names)
        .map(|(co, n)| (n.clone(), co.cumulative_ltv.iter().map(|v| Some(to_f64(*v))).collect()))
        .collect();
    let cumulative_cells = m
        .cohorts
        .iter()
        .map(|co| co.cumulative_ltv.iter().map(|v| f.money(*v)).collect())
        .collect();
    let mut charts_out = vec![
        retention_chart(c, ("retention_title", "retention_desc"), &names, &offsets, &retention),
        retention_chart(
            c,
            ("revenue_retention_title", "revenue_retention_desc"),
            &names,
            &offsets,
            &revenue_retention,
        ),
        Chart {
            svg: charts::multi_line(
                &c.text(
                    c.t("cumulative_cohort_title").into(),
                    c.t("cumulative_cohort_desc").into(),
                    c.t("months_since_start"),
                    &money_axis(c),
                ),
                &c.locale(),
                &offsets,
                &cumulative,
            ),
            table: Some(cohort_table(c, &names, &offsets, cumulative_cells)),
        },
    ];
    charts_out.extend(crate::pages::forecast::survival_chart(c, m));
    let names = [
        "client-retention",
        "revenue-retention",
        "cumulative-revenue-per-client",
        "retainer-survival",
    ]
    .map(String::from);
    page(
        c.base(c.t("cohorts"), "../", &f.month(m.as_of)),
        &CohortsPage {
            charts: charts_with_csv(&charts_out, &names),
        },
    )
}
