//! Columns of an export that change what its rows mean, when the import
//! was not told about them: an invoice number (without it a re-import is
//! compared by date and amount only), a status (drafts and cancelled
//! invoices would count as revenue), a document type marking credit notes
//! (their amounts are credits), and a tax-included amount picked beside a
//! tax-excluded one (revenue in casebook is before tax). See
//! docs/data-format.md §18.

use std::path::Path;

use super::spec::{Spec, fold_status};
use crate::diag::Diagnostics;
use crate::input::fold_width;
use crate::input::rows::Column;

/// The row keys of the watched columns: no header spells them, so they
/// never clash with a column the import names.
pub const STATUS_WATCH: &str = "\u{1}status";
pub const TYPE_WATCH: &str = "\u{1}type";

/// Headers of a status column, in the order they are looked for.
const STATUS_NAMES: &[&str] = &[
    "Status",
    "Invoice Status",
    "InvoiceStatus",
    "ステータス",
    "請求書ステータス",
    "状態",
];

/// Headers of a document-type column.
const TYPE_NAMES: &[&str] = &[
    "Type",
    "Document Type",
    "Transaction Type",
    "Invoice Type",
    "種別",
    "伝票種別",
    "書類種別",
];

/// Headers that look like an invoice number, as [`header_key`] folds them.
const NUMBER_KEYS: &[&str] = &[
    "number",
    "no",
    "num",
    "#",
    "invoicenumber",
    "invoiceno",
    "invoicenum",
    "invoice#",
    "documentnumber",
    "docnumber",
    "billnumber",
    "請求書番号",
    "請求番号",
    "伝票番号",
    "請求書no",
    "番号",
];

/// Document types that are credits, as [`fold_status`] folds them (Xero's
/// `Sales credit note` / `ACCRECCREDIT`, QuickBooks' `Credit Memo`).
const CREDIT_TYPES: &[&str] = &[
    "credit note",
    "sales credit note",
    "accreccredit",
    "credit memo",
    "refund receipt",
    "refund",
    "返金",
    "返品",
    "赤伝",
    "赤伝票",
];

/// Statuses that usually mean "not revenue", as [`fold_status`] folds them:
/// the ones a warning suggests for `--skip-status`.
const SKIP_LIKE: &[&str] = &[
    "draft",
    "void",
    "voided",
    "deleted",
    "cancelled",
    "canceled",
    "uncollectible",
    "下書き",
    "取消",
    "取り消し",
    "キャンセル",
    "無効",
    "削除",
];

/// How many distinct statuses a warning lists.
const MAX_STATUSES: usize = 12;

/// A header folded for comparing with [`NUMBER_KEYS`]: width and case
/// folded, a leading `*` and spaces, `_`, `-`, `.` and `・` removed.
fn header_key(name: &str) -> String {
    let folded = fold_width(name).trim().to_lowercase();
    let folded = folded.strip_prefix('*').unwrap_or(&folded);
    folded
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.' | '・'))
        .collect()
}

/// A header as the CSV reader compares it (width and case, a leading `*`).
fn reader_key(name: &str) -> String {
    let folded = fold_width(name).trim().to_lowercase();
    folded.strip_prefix('*').unwrap_or(&folded).to_string()
}

/// Is `value` of a document-type column a credit note?
pub fn is_credit(value: &str) -> bool {
    !value.is_empty() && CREDIT_TYPES.contains(&fold_status(value).as_str())
}

/// Every header name the spec gives a column, folded as the reader does.
fn named_keys(spec: &Spec) -> Vec<String> {
    let c = &spec.columns;
    [
        &c.client,
        &c.date,
        &c.amount,
        &c.tax,
        &c.service,
        &c.kind,
        &c.description,
        &c.number,
        &c.status,
        &c.currency,
        &c.doc_type,
    ]
    .into_iter()
    .flatten()
    .map(|n| reader_key(n))
    .collect()
}

/// The columns watched for an export read with `spec`: a status column
/// when it names none, a document type when it names none (each by the
/// headers the spec does not use for another column).
pub struct Watches {
    status: Vec<&'static str>,
    doc_type: Vec<&'static str>,
}

impl Watches {
    pub fn of(spec: &Spec) -> Watches {
        let named = named_keys(spec);
        let free = |names: &[&'static str]| -> Vec<&'static str> {
            names
                .iter()
                .copied()
                .filter(|n| !named.contains(&reader_key(n)))
                .collect()
        };
        Watches {
            status: if spec.columns.status.is_empty() {
                free(STATUS_NAMES)
            } else {
                Vec::new()
            },
            doc_type: if spec.columns.doc_type.is_empty() {
                free(TYPE_NAMES)
            } else {
                Vec::new()
            },
        }
    }

    /// The reader's columns for the watches (never required).
    pub fn columns(&self) -> Vec<Column> {
        let mut columns = Vec::new();
        for (key, names) in [(STATUS_WATCH, &self.status), (TYPE_WATCH, &self.doc_type)] {
            if !names.is_empty() {
                columns.push(Column {
                    name: key.into(),
                    required: false,
                    aliases: names.iter().map(|n| n.to_string()).collect(),
                });
            }
        }
        columns
    }
}

/// The header of `header` that the reader takes for a column known by
/// `names` (the first of them that the header has).
fn matched<'h>(header: &'h [String], names: &[&str]) -> Option<&'h str> {
    names.iter().find_map(|n| {
        let key = reader_key(n);
        header.iter().find(|h| reader_key(h) == key).map(String::as_str)
    })
}

/// Which side of tax a header says an amount is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TaxSide {
    /// `税込`, `incl. tax`, `gross`: tax included, said outright.
    Included,
    /// `Total`, `合計`: tax included when a before-tax column is beside it.
    Total,
    /// `税抜`, `税別`, `小計`, `Subtotal`, `excl. tax`, `net`, `before tax`.
    Excluded,
}

fn tax_side(header: &str) -> Option<TaxSide> {
    let text = fold_width(header).trim().to_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let word = |w: &str| words.contains(&w);
    let joined: String = words.concat();
    if text.contains("税込") || ["incl", "including", "inclusive", "gross"].iter().any(|w| word(w)) {
        return Some(TaxSide::Included);
    }
    if ["税抜", "税別", "小計"].iter().any(|w| text.contains(w))
        || ["excl", "excluding", "exclusive", "net", "subtotal", "pretax"]
            .iter()
            .any(|w| word(w))
        || joined.contains("subtotal")
        || joined.contains("beforetax")
    {
        return Some(TaxSide::Excluded);
    }
    // `Tax`, `TaxTotal`, `消費税`, `税額`: the tax itself.
    if text.contains('税') || joined.contains("tax") {
        return None;
    }
    if ["合計", "総額", "請求金額"].iter().any(|w| text.contains(w)) || word("total") {
        return Some(TaxSide::Total);
    }
    None
}

/// Which of a tax-included and a tax-excluded amount column was used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmountChoice {
    pub used: String,
    pub other: String,
    pub includes_tax: bool,
}

/// The status column nobody named, and the values it holds.
#[derive(Clone, Debug, Default)]
struct Statuses {
    column: String,
    /// Distinct values as first written, in order of appearance (at most
    /// [`MAX_STATUSES`]).
    values: Vec<String>,
    /// `values` as [`fold_status`] folds them.
    folded: Vec<String>,
    more: bool,
}

/// Credit notes found by a document-type column nobody named.
#[derive(Clone, Debug, Default)]
struct Credits {
    column: String,
    values: Vec<String>,
    rows: usize,
    first_line: u64,
}

/// What the header and rows of one export say about columns the import
/// was not told about.
#[derive(Clone, Debug, Default)]
pub struct FileHints {
    pub header_line: u64,
    /// A column that looks like the invoice number, when none is named.
    pub number: Option<String>,
    pub amount: Option<AmountChoice>,
    /// The picked amount column says tax is included, said outright.
    amount_says_included: bool,
    statuses: Option<Statuses>,
    credit_column: Option<String>,
    credits: Option<Credits>,
}

impl FileHints {
    /// Learns the export's columns from its header.
    pub fn read_header(&mut self, header: &[String], header_line: u64, spec: &Spec, watches: &Watches) {
        self.header_line = header_line;
        let named = named_keys(spec);
        if spec.columns.number.is_empty() {
            self.number = header
                .iter()
                .find(|h| NUMBER_KEYS.contains(&header_key(h).as_str()) && !named.contains(&reader_key(h)))
                .cloned();
        }
        self.statuses = matched(header, &watches.status).map(|column| Statuses {
            column: column.to_string(),
            ..Statuses::default()
        });
        self.credit_column = matched(header, &watches.doc_type).map(String::from);
        let amount_named = spec.columns.amount.first().is_some_and(|a| spec.explicit.contains(a));
        if spec.columns.tax.is_empty() && amount_named {
            self.read_amount_choice(header, &spec.columns.amount[0]);
        }
    }

    fn read_amount_choice(&mut self, header: &[String], amount: &str) {
        let Some(used) = matched(header, &[amount]) else { return };
        let Some(side) = tax_side(used) else { return };
        self.amount_says_included = side == TaxSide::Included;
        let other = header.iter().find(|h| {
            matches!(
                (side, tax_side(h)),
                (TaxSide::Excluded, Some(TaxSide::Included | TaxSide::Total))
                    | (TaxSide::Included | TaxSide::Total, Some(TaxSide::Excluded))
            )
        });
        if let Some(other) = other {
            self.amount = Some(AmountChoice {
                used: used.to_string(),
                other: other.clone(),
                includes_tax: side != TaxSide::Excluded,
            });
        }
    }

    /// Notes the value of the status column nobody named.
    pub fn status_seen(&mut self, value: &str) {
        let Some(s) = &mut self.statuses else { return };
        // Most rows repeat a status as first written: no folding for them.
        if value.is_empty() || s.values.iter().any(|v| v == value) {
            return;
        }
        let folded = fold_status(value);
        if s.folded.contains(&folded) {
            return;
        }
        if s.values.len() < MAX_STATUSES {
            s.values.push(value.to_string());
            s.folded.push(folded);
        } else {
            s.more = true;
        }
    }

    /// Is this row a credit note by the document type nobody named? Notes
    /// it when so.
    pub fn credit_seen(&mut self, value: &str, line: u64) -> bool {
        let Some(column) = &self.credit_column else {
            return false;
        };
        if !is_credit(value) {
            return false;
        }
        let c = self.credits.get_or_insert_with(|| Credits {
            column: column.clone(),
            first_line: line,
            ..Credits::default()
        });
        c.rows += 1;
        if !c.values.iter().any(|v| v == value) {
            c.values.push(value.to_string());
        }
        true
    }

    /// The warnings of this export: a status nobody named, credit notes
    /// found by their type, an amount that includes tax.
    pub fn warn(&self, path: &Path, diags: &mut Diagnostics) {
        let at = Some(self.header_line);
        if let Some(s) = self.statuses.as_ref().filter(|s| !s.values.is_empty()) {
            diags.warning(path, at, None, status_message(s));
        }
        if let Some(c) = &self.credits {
            diags.warning(
                path,
                at,
                None,
                format!(
                    "column `{}` marks {} ({}, first on line {}): {} imported as negative",
                    c.column,
                    super::plural(c.rows, "row as a credit note", "rows as credit notes"),
                    quoted(&c.values),
                    c.first_line,
                    if c.rows == 1 {
                        "its amount is"
                    } else {
                        "their amounts are"
                    }
                ),
            );
        }
        let included = self.amount.as_ref().filter(|a| a.includes_tax);
        if let Some(a) = included {
            diags.warning(
                path,
                at,
                None,
                format!(
                    "the amounts are taken from `{}`, which includes tax, but revenue in casebook is before consumption or sales tax; pass --amount-column \"{}\" to take the amount before tax",
                    a.used, a.other
                ),
            );
        } else if self.amount_says_included {
            diags.warning(
                path,
                at,
                None,
                "the amount column's name says it includes tax, but revenue in casebook is before consumption or sales tax; name the column with the amount before tax, if the export has one",
            );
        }
    }
}

fn quoted(values: &[String]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

fn status_message(s: &Statuses) -> String {
    let skip: Vec<&str> = s
        .values
        .iter()
        .filter(|v| SKIP_LIKE.contains(&fold_status(v).as_str()))
        .map(String::as_str)
        .collect();
    let values = format!("{}{}", quoted(&s.values), if s.more { ", ..." } else { "" });
    let suggestion = if skip.is_empty() {
        format!(
            "to leave out drafts or cancelled invoices pass --status-column \"{}\" --skip-status <values>",
            s.column
        )
    } else {
        format!(
            "to leave them out pass --status-column \"{}\" --skip-status \"{}\"",
            s.column,
            skip.join(",")
        )
    };
    format!(
        "column `{}` holds {values}, but no --status-column is given, so every row counts as revenue whatever its status; {suggestion} (--status-column alone imports every row and silences this warning)",
        s.column
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_that_look_like_invoice_numbers() {
        for h in [
            "Number",
            "Invoice Number",
            "InvoiceNumber",
            "No.",
            "invoice_no",
            "請求書番号",
            "伝票番号",
            "Ｎｏ．",
        ] {
            assert!(NUMBER_KEYS.contains(&header_key(h).as_str()), "{h}");
        }
        for h in ["Customer", "Date", "Amount", "Notes", "Phone number"] {
            assert!(!NUMBER_KEYS.contains(&header_key(h).as_str()), "{h}");
        }
    }

    #[test]
    fn sides_of_tax_by_header() {
        use TaxSide::*;
        let cases = [
            ("税込金額", Some(Included)),
            ("合計(税込)", Some(Included)),
            ("Amount incl. tax", Some(Included)),
            ("Gross", Some(Included)),
            ("Total", Some(Total)),
            ("合計金額", Some(Total)),
            ("税抜金額", Some(Excluded)),
            ("小計", Some(Excluded)),
            ("Subtotal", Some(Excluded)),
            ("Sub Total", Some(Excluded)),
            ("Amount excl. tax", Some(Excluded)),
            ("Net", Some(Excluded)),
            ("Tax", None),
            ("TaxTotal", None),
            ("消費税", None),
            ("Amount", None),
            ("Internet fee", None),
        ];
        for (h, want) in cases {
            assert_eq!(tax_side(h), want, "{h}");
        }
    }

    #[test]
    fn credit_types_are_folded() {
        assert!(is_credit("Credit Note"));
        assert!(is_credit("ACCRECCREDIT"));
        assert!(is_credit("ｃｒｅｄｉｔ　ｍｅｍｏ"));
        assert!(!is_credit("ACCREC"));
        assert!(!is_credit("Sales invoice"));
        assert!(!is_credit(""));
    }
}
