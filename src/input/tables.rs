//! The CSV files of a client folder (SPEC §1.2), each read by one function
//! that `load` and `import` share: `invoices.csv`, `nps.csv`,
//! `activity.csv` and `outcomes.csv`.

use std::path::Path;

use super::rows::{Column, Row, opt, read_rows, req};
use super::spelling::{decimals_written, fold_width, parse_date, parse_money_in, parse_number};
use crate::diag::Diagnostics;
use crate::model::{ActivityRow, Invoice, InvoiceKind, NpsResponse, OutcomeRow};
use crate::month::Month;

/// The columns of `invoices.csv`.
pub const INVOICE_COLUMNS: &[Column] = &[
    req("date"),
    req("amount"),
    opt("service"),
    opt("kind"),
    opt("description"),
    opt("number"),
];
pub const NPS_COLUMNS: &[Column] = &[req("date"), req("score"), opt("respondent"), opt("comment")];
pub const ACTIVITY_COLUMNS: &[Column] = &[req("date"), req("metric"), req("value")];
pub const OUTCOME_COLUMNS: &[Column] = &[
    req("date"),
    req("kpi"),
    req("value"),
    opt("unit"),
    opt("baseline"),
    opt("target"),
    opt("higher_is_better"),
];

/// Reads `invoices.csv`, sorted by date and line. An empty `kind` is left
/// to [`infer_kinds`] (`kind_inferred`). Amounts must be in the project's
/// `currency`; invoice numbers, where given, unique.
pub fn read_invoices(bytes: &[u8], path: &Path, currency: &str, diags: &mut Diagnostics) -> Option<Vec<Invoice>> {
    let rows = read_rows(bytes, path, INVOICE_COLUMNS, diags)?;
    Some(
        invoices_from_rows(&rows, currency, diags)
            .into_iter()
            .map(|n| n.invoice)
            .collect(),
    )
}

/// An invoice and its number (empty when the file has none for it).
#[derive(Clone, Debug)]
pub struct NumberedInvoice {
    pub invoice: Invoice,
    pub number: String,
}

/// The invoices of rows read with [`INVOICE_COLUMNS`], sorted by date and
/// line; rows that cannot be read are reported and left out. Two rows with
/// the same `number` are an error at the second (SPEC §8).
pub fn invoices_from_rows(rows: &[Row], currency: &str, diags: &mut Diagnostics) -> Vec<NumberedInvoice> {
    let mut out = Vec::with_capacity(rows.len());
    let mut numbers: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for row in rows {
        let date = row.field("date", parse_date, diags);
        let amount = row.field("amount", |t| parse_money_in(t, currency), diags);
        let kind = row.optional("kind", parse_kind, diags);
        let number = row.get("number");
        let unique = number.is_empty()
            || match numbers.get(number) {
                Some(first) => {
                    row.error(
                        "number",
                        format!("invoice number `{number}` is already on line {first}; each invoice of a client has its own number"),
                        diags,
                    );
                    false
                }
                None => {
                    numbers.insert(number, row.line);
                    true
                }
            };
        if let (Some(date), Some(amount), Some(kind), true) = (date, amount, kind, unique) {
            out.push(NumberedInvoice {
                invoice: Invoice {
                    date,
                    amount,
                    service: row.get("service").to_string(),
                    kind: kind.unwrap_or(InvoiceKind::Recurring),
                    kind_inferred: kind.is_none(),
                    description: row.get("description").to_string(),
                    line: row.line,
                },
                number: number.to_string(),
            });
        }
    }
    out.sort_by_key(|n| (n.invoice.date, n.invoice.line));
    out
}

/// A `kind` field (SPEC §1.2).
pub fn parse_kind(text: &str) -> Result<InvoiceKind, String> {
    InvoiceKind::parse(text).ok_or_else(|| InvoiceKind::unknown(text))
}

/// SPEC §1.2: an empty `kind` is `new` for the client's first invoice,
/// `cross-sell` for the first invoice of a service never bought before
/// (after the first invoice's month), else `recurring`. An empty `service`
/// names no service, so it never makes a cross-sell. `invoices` are sorted
/// by date.
pub fn infer_kinds(invoices: &mut [Invoice]) {
    let Some(first_month) = invoices.first().map(|i| Month::of(i.date)) else {
        return;
    };
    let mut seen_services: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (n, inv) in invoices.iter_mut().enumerate() {
        let new_service = !inv.service.is_empty() && !seen_services.contains(&inv.service);
        if inv.kind_inferred {
            inv.kind = if n == 0 {
                InvoiceKind::New
            } else if new_service && Month::of(inv.date) > first_month {
                InvoiceKind::CrossSell
            } else {
                InvoiceKind::Recurring
            };
        }
        if !inv.service.is_empty() {
            seen_services.insert(inv.service.clone());
        }
    }
}

/// Reads `nps.csv`, sorted by date and line.
pub fn read_nps(bytes: &[u8], path: &Path, diags: &mut Diagnostics) -> Option<Vec<NpsResponse>> {
    let rows = read_rows(bytes, path, NPS_COLUMNS, diags)?;
    let mut out = Vec::new();
    for row in rows {
        let date = row.field("date", parse_date, diags);
        let score = row.field("score", parse_score, diags);
        if let (Some(date), Some(score)) = (date, score) {
            out.push(NpsResponse {
                date,
                score,
                respondent: row.get("respondent").to_string(),
                comment: row.get("comment").to_string(),
                line: row.line,
            });
        }
    }
    out.sort_by_key(|r| (r.date, r.line));
    Some(out)
}

/// An NPS score: a whole number from 0 to 10 (full-width digits too).
pub fn parse_score(text: &str) -> Result<u8, String> {
    match fold_width(text).trim().parse::<u8>() {
        Ok(s) if s <= 10 => Ok(s),
        _ => Err(format!("NPS score `{text}` must be a whole number from 0 to 10")),
    }
}

/// Reads `activity.csv`, sorted by date and line.
pub fn read_activity(bytes: &[u8], path: &Path, diags: &mut Diagnostics) -> Option<Vec<ActivityRow>> {
    let rows = read_rows(bytes, path, ACTIVITY_COLUMNS, diags)?;
    let mut out = Vec::new();
    for row in rows {
        let date = row.field("date", parse_date, diags);
        let metric = row.field("metric", |t| non_empty(t, "empty metric name"), diags);
        let value = row.field("value", parse_number, diags);
        if let (Some(date), Some(value), Some(metric)) = (date, value, metric) {
            out.push(ActivityRow {
                date,
                metric,
                value,
                line: row.line,
            });
        }
    }
    out.sort_by_key(|r| (r.date, r.line));
    Some(out)
}

fn non_empty(text: &str, message: &str) -> Result<String, String> {
    if text.is_empty() {
        Err(message.to_string())
    } else {
        Ok(text.to_string())
    }
}

/// Reads `outcomes.csv`, sorted by KPI, date and line.
pub fn read_outcomes(bytes: &[u8], path: &Path, diags: &mut Diagnostics) -> Option<Vec<OutcomeRow>> {
    let rows = read_rows(bytes, path, OUTCOME_COLUMNS, diags)?;
    let mut out = Vec::new();
    for row in rows {
        let date = row.field("date", parse_date, diags);
        let kpi = row.field("kpi", |t| non_empty(t, "empty KPI name"), diags);
        let value = row.field("value", parse_number, diags);
        let baseline = row.optional("baseline", parse_number, diags);
        let target = row.optional("target", parse_number, diags);
        let hib = row.field("higher_is_better", parse_higher_is_better, diags);
        // Outcomes are shown with the precision they were written with.
        let decimals = ["value", "baseline", "target"]
            .iter()
            .map(|col| decimals_written(row.get(col)))
            .max()
            .unwrap_or(0);
        if let (Some(date), Some(kpi), Some(value), Some(baseline), Some(target), Some(hib)) =
            (date, kpi, value, baseline, target, hib)
        {
            out.push(OutcomeRow {
                date,
                kpi,
                value,
                unit: row.get("unit").to_string(),
                baseline,
                target,
                higher_is_better: hib,
                line: row.line,
                decimals,
            });
        }
    }
    out.sort_by(|a, b| (&a.kpi, a.date, a.line).cmp(&(&b.kpi, b.date, b.line)));
    Some(out)
}

/// `higher_is_better`: `true` (the default, when empty) or `false`.
fn parse_higher_is_better(text: &str) -> Result<bool, String> {
    match text {
        "" | "true" | "TRUE" | "True" => Ok(true),
        "false" | "FALSE" | "False" => Ok(false),
        other => Err(format!("`{other}` must be true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_of_a_row_is_reported_at_its_column() {
        let mut d = Diagnostics::new();
        let bytes = b"date,kpi,value,baseline,higher_is_better\n2026-13-01,,x,y,maybe\n2026-01-01,cpa,3,,\n";
        let rows = read_outcomes(bytes, Path::new("o.csv"), &mut d).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].baseline, None);
        assert!(rows[0].higher_is_better);
        let all: Vec<String> = d.into_vec().iter().map(|x| x.to_string()).collect();
        assert_eq!(
            all,
            [
                "o.csv:2:1: `2026-13-01` is not a calendar date (no such day)",
                "o.csv:2:12: empty KPI name",
                "o.csv:2:13: `x` is not a number",
                "o.csv:2:15: `y` is not a number",
                "o.csv:2:17: `maybe` must be true or false",
            ]
        );
    }

    #[test]
    fn kinds_are_read_or_left_to_inference() {
        let mut d = Diagnostics::new();
        let bytes =
            b"date,amount,service,kind\n2026-02-01,5,b,\n2026-01-01,5,a,\n2026-03-01,5,c,upsell\n2026-03-02,5,c,big\n";
        let mut inv = read_invoices(bytes, Path::new("i.csv"), "JPY", &mut d).unwrap();
        assert_eq!(
            d.into_vec()[0].to_string(),
            format!("i.csv:5:16: {}", InvoiceKind::unknown("big"))
        );
        infer_kinds(&mut inv);
        let kinds: Vec<&str> = inv.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["new", "cross-sell", "upsell"]);
        assert_eq!(inv.iter().map(|i| i.line).collect::<Vec<_>>(), [3, 2, 4]);
    }
}
