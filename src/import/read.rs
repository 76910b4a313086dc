//! Reading an export, row by row as the file streams, into invoice lines:
//! title rows, footer rows, group rows, skipped statuses and credit notes
//! handled, every field checked (SPEC §8).

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::hints::{FileHints, STATUS_WATCH, TYPE_WATCH, Watches};
use super::spec::{Layout, Spec, fold_status};
use crate::diag::Diagnostics;
use crate::input::decode::open_lines;
use crate::input::rows::{Column, CsvReader, HeaderAt, ReadOptions, Row};
use crate::input::spelling::{parse_date_with, parse_money_in};
use crate::input::tables::parse_kind;
use crate::model::InvoiceKind;

/// One row of an export that is an invoice, or a line of one.
#[derive(Clone, Debug)]
pub struct Line {
    /// Which file (index into the list of files).
    pub file: usize,
    pub line: u64,
    pub client: String,
    pub date: Date,
    pub amount: Decimal,
    pub service: String,
    pub kind: Option<InvoiceKind>,
    pub description: String,
    /// Empty when the export has no number for it.
    pub number: String,
}

/// What reading the exports left out, for the summary.
#[derive(Clone, Debug, Default)]
pub struct Skipped {
    /// Rows left out by status, by the status as written.
    pub status: BTreeMap<String, usize>,
    pub title_rows: usize,
    pub footer_rows: usize,
    /// QuickBooks `Total for …` rows and Money Forward item rows.
    pub layout_rows: usize,
}

/// The internal names of the columns the reader asks for.
const CLIENT: &str = "client";
const DATE: &str = "date";
const AMOUNT: &str = "amount";
const TAX: &str = "tax";
const SERVICE: &str = "service";
const KIND: &str = "kind";
const DESCRIPTION: &str = "description";
const NUMBER: &str = "number";
const STATUS: &str = "status";
const CURRENCY: &str = "currency";
const DOC_TYPE: &str = "type";
/// The first column, which a grouped report leaves unnamed.
const FIRST: &str = "";

/// Reads one export and gives each invoice line to `sink`. Problems are
/// added to `diags` (rows with errors are not given); footers and title
/// rows are counted in `skipped`; what the export says about columns the
/// spec does not name goes to `hints` (and its warnings to `diags`).
#[allow(clippy::too_many_arguments)]
pub fn read_export(
    file: usize,
    path: &Path,
    spec: &Spec,
    currency: &str,
    skipped: &mut Skipped,
    hints: &mut FileHints,
    diags: &mut Diagnostics,
    sink: &mut dyn FnMut(Line),
) {
    let source = match open_lines(path) {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            diags.error(path, Some(e.line), Some(e.column), e.message);
            return;
        }
        Err(e) => {
            diags.error(path, None, None, format!("cannot read: {e}"));
            return;
        }
    };
    let grouped = spec.layout == Layout::Grouped;
    let watches = Watches::of(spec);
    let mut columns = columns_of(spec);
    columns.extend(watches.columns());
    let options = ReadOptions {
        warn_unknown_columns: false,
        loose_header: true,
        header: match spec.header_row {
            Some(n) => HeaderAt::Line(n),
            None => HeaderAt::Find,
        },
        pad_short_rows: spec.layout != Layout::Flat,
    };
    let Some(mut reader) = CsvReader::open(source, path, &columns, options, diags) else {
        return;
    };
    skipped.title_rows += reader.title_rows();
    hints.read_header(reader.header(), reader.header_line(), spec, &watches);
    let names = ColumnNames::new(spec);
    let skip: Vec<String> = spec.skip_status.iter().map(|s| fold_status(s)).collect();
    let credits: Vec<String> = spec.credit_types.iter().map(|s| fold_status(s)).collect();
    let mut group = String::new();
    let mut in_invoice = false;
    while let Some(row) = reader.next_row(diags) {
        let client_text = names.get(&row, CLIENT).trim().to_string();
        if grouped {
            let first = row.get(names.name(FIRST)).trim();
            if first.to_lowercase().starts_with("total for ") || first.starts_with("合計") {
                skipped.layout_rows += 1;
                continue;
            }
            if !first.is_empty() && names.all_empty_but_first(&row) {
                group = first.to_string();
                continue;
            }
        }
        if client_text.is_empty() && is_footer(&row, &names) {
            let text = names.footer_text(&row);
            diags.warning(
                path,
                Some(row.line),
                None,
                format!("footer row `{text}` (no client) is skipped"),
            );
            skipped.footer_rows += 1;
            continue;
        }
        if spec.layout == Layout::Vertical {
            if client_text.is_empty() {
                if in_invoice {
                    skipped.layout_rows += 1;
                    continue;
                }
            } else {
                in_invoice = true;
            }
        }
        let status = names.get(&row, STATUS).trim();
        if !status.is_empty() && skip.contains(&fold_status(status)) {
            *skipped.status.entry(status.to_string()).or_insert(0) += 1;
            continue;
        }
        hints.status_seen(row.get(STATUS_WATCH));
        let client = if client_text.is_empty() {
            group.clone()
        } else {
            client_text
        };
        if let Some(mut line) = read_line(file, &row, &names, spec, currency, &credits, client, diags) {
            if hints.credit_seen(row.get(TYPE_WATCH), row.line) {
                line.amount = -line.amount.abs();
            }
            sink(line);
        }
    }
    hints.warn(path, diags);
}

/// The reader's columns: each part under any of its header names; rows
/// are read by the first of them (see `ColumnNames`). Columns named on the
/// command line must be there.
fn columns_of(spec: &Spec) -> Vec<Column> {
    let c = &spec.columns;
    let grouped = spec.layout == Layout::Grouped;
    let column = |names: &[String], required: bool| -> Option<Column> {
        let required = required || names.first().is_some_and(|n| spec.explicit.contains(n));
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        (!names.is_empty()).then(|| Column::any_of(&names, required))
    };
    let mut columns: Vec<Column> = [
        column(&c.client, !grouped),
        column(&c.date, true),
        column(&c.amount, true),
        column(&c.tax, false),
        column(&c.service, false),
        column(&c.kind, false),
        column(&c.description, false),
        column(&c.number, false),
        column(&c.status, false),
        column(&c.currency, false),
        column(&c.doc_type, false),
    ]
    .into_iter()
    .flatten()
    .collect();
    if grouped {
        columns.push(Column::named(FIRST, false));
    }
    columns
}

/// Reads the fields of one invoice row.
#[allow(clippy::too_many_arguments)]
fn read_line(
    file: usize,
    row: &Row,
    names: &ColumnNames,
    spec: &Spec,
    currency: &str,
    credits: &[String],
    client: String,
    diags: &mut Diagnostics,
) -> Option<Line> {
    let client_column = names.name(CLIENT).to_string();
    if client.is_empty() {
        row.error(
            &client_column,
            format!(
                "no client name in column `{}`",
                spec.columns.client.first().map(String::as_str).unwrap_or("")
            ),
            diags,
        );
    }
    let date = row.field(
        names.name(DATE),
        |t| parse_date_with(t, spec.date_format.as_deref()),
        diags,
    );
    let amount = row.field(names.name(AMOUNT), |t| parse_money_in(t, currency), diags);
    let tax = row.optional(names.name(TAX), |t| parse_money_in(t, currency), diags);
    let row_currency = names.get(row, CURRENCY).trim();
    let currency_ok = row_currency.is_empty() || row_currency.eq_ignore_ascii_case(currency);
    if !currency_ok {
        row.error(
            names.name(CURRENCY),
            format!(
                "this invoice is in {}, but the project's currency is {}; casebook does not convert currencies",
                row_currency.to_ascii_uppercase(),
                currency.to_ascii_uppercase()
            ),
            diags,
        );
    }
    let kind = match names.has(KIND) {
        true => row.optional(names.name(KIND), parse_kind, diags)?,
        false => None,
    };
    let (amount, tax) = (amount?, tax?);
    let mut amount = amount - tax.unwrap_or(Decimal::ZERO);
    let doc_type = fold_status(names.get(row, DOC_TYPE));
    if !doc_type.is_empty() && credits.contains(&doc_type) {
        amount = -amount.abs();
    }
    if client.is_empty() || !currency_ok {
        return None;
    }
    Some(Line {
        file,
        line: row.line,
        client,
        date: date?,
        amount,
        service: names.get(row, SERVICE).to_string(),
        kind,
        description: names.get(row, DESCRIPTION).to_string(),
        number: names.get(row, NUMBER).to_string(),
    })
}

/// Does a row without a client look like a footer: a `Total` / `合計`
/// label in one of its fields?
fn is_footer(row: &Row, names: &ColumnNames) -> bool {
    !names.footer_text(row).is_empty()
}

/// The header names under which the reader knows each part.
struct ColumnNames {
    by_part: Vec<(&'static str, String)>,
}

impl ColumnNames {
    fn new(spec: &Spec) -> ColumnNames {
        let c = &spec.columns;
        let mut by_part = Vec::new();
        for (part, names) in [
            (CLIENT, &c.client),
            (DATE, &c.date),
            (AMOUNT, &c.amount),
            (TAX, &c.tax),
            (SERVICE, &c.service),
            (KIND, &c.kind),
            (DESCRIPTION, &c.description),
            (NUMBER, &c.number),
            (STATUS, &c.status),
            (CURRENCY, &c.currency),
            (DOC_TYPE, &c.doc_type),
        ] {
            if let Some(first) = names.first() {
                by_part.push((part, first.clone()));
            }
        }
        if spec.layout == Layout::Grouped {
            by_part.push((FIRST, String::new()));
        }
        ColumnNames { by_part }
    }

    fn has(&self, part: &str) -> bool {
        self.by_part.iter().any(|(p, _)| *p == part)
    }

    /// The name the row knows the part by ("\u{0}" when the export has no
    /// such column, which no header holds).
    fn name(&self, part: &str) -> &str {
        self.by_part
            .iter()
            .find(|(p, _)| *p == part)
            .map(|(_, n)| n.as_str())
            .unwrap_or("\u{0}")
    }

    fn get<'r>(&self, row: &'r Row, part: &str) -> &'r str {
        row.get(self.name(part))
    }

    fn all_empty_but_first(&self, row: &Row) -> bool {
        self.by_part
            .iter()
            .filter(|(p, _)| *p != FIRST)
            .all(|(_, n)| row.get(n).trim().is_empty())
    }

    /// The first field that reads `Total…`, `TOTAL`, `合計…` or `総計`.
    fn footer_text<'r>(&self, row: &'r Row) -> &'r str {
        self.by_part
            .iter()
            .map(|(_, n)| row.get(n).trim())
            .find(|t| {
                let lower = t.to_lowercase();
                lower.starts_with("total") || t.starts_with("合計") || t.starts_with("総計") || t.starts_with("総合計")
            })
            .unwrap_or("")
    }
}
