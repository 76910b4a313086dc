//! One client's side of an import: the lines of the exports made into
//! invoices (one per invoice number), compared with the client's
//! invoices.csv, and the new text of that file (SPEC §8).

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

use super::read::Line;
use super::spec::AmountPer;
use crate::diag::Diagnostics;
use crate::input::rows::{ReadOptions, read_file};
use crate::input::tables::{INVOICE_COLUMNS, NumberedInvoice, invoices_from_rows};
use crate::input::write::{CsvOut, LineEnd};
use crate::input::{TextEncoding, decode};
use crate::model::{Invoice, InvoiceKind};

/// The header of a new invoices.csv.
const HEADER: &[&str] = &["date", "amount", "service", "kind", "description"];

/// NFKC with runs of white space collapsed to one space, for comparing
/// services and descriptions: `ＳＥＯ　対策` and `SEO 対策` are the same.
pub fn normalise(text: &str) -> String {
    let nfkc: String = text.nfkc().collect();
    nfkc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What makes two rows the same invoice (its number aside): the values,
/// with amounts compared as numbers and text normalised.
type InvoiceKey = (Date, String, String, &'static str, String);

fn invoice_key(invoice: &Invoice) -> InvoiceKey {
    (
        invoice.date,
        invoice.amount.normalize().to_string(),
        normalise(&invoice.service),
        kind_text(invoice),
        normalise(&invoice.description),
    )
}

/// The `kind` as written: empty when it was left to inference.
fn kind_text(invoice: &Invoice) -> &'static str {
    if invoice.kind_inferred {
        ""
    } else {
        invoice.kind.as_str()
    }
}

/// The text of `column` of `invoices.csv` for an invoice.
fn column_text(n: &NumberedInvoice, column: &str) -> String {
    let invoice = &n.invoice;
    match column {
        "date" => invoice.date.to_string(),
        "amount" => invoice.amount.normalize().to_string(),
        "service" => invoice.service.clone(),
        "kind" => kind_text(invoice).to_string(),
        "description" => invoice.description.clone(),
        "number" => n.number.clone(),
        _ => String::new(),
    }
}

/// A client's invoices.csv as it is before the import.
pub struct Target {
    pub rel: PathBuf,
    /// The file's text, to which rows are appended (UTF-8; a file in
    /// another encoding is converted).
    base: Vec<u8>,
    /// The header's column names, in order.
    header: Vec<String>,
    delimiter: u8,
    line_end: LineEnd,
    invoices: Vec<NumberedInvoice>,
}

impl Target {
    /// Does any invoice of the file have a number?
    pub fn has_numbers(&self) -> bool {
        self.invoices.iter().any(|n| !n.number.is_empty())
    }
}

/// Reads a client's invoices.csv; its problems are errors, since rows that
/// cannot be read cannot be compared either.
pub fn read_target(root: &Path, rel: &Path, currency: &str, diags: &mut Diagnostics) -> io::Result<Target> {
    let mut target = Target {
        rel: rel.to_path_buf(),
        base: Vec::new(),
        header: HEADER.iter().map(|h| h.to_string()).collect(),
        delimiter: b',',
        line_end: LineEnd::Lf,
        invoices: Vec::new(),
    };
    let bytes = match fs::read(root.join(rel)) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(target),
        Err(e) => return Err(e),
    };
    let decoded = match decode(&bytes) {
        Ok(d) => d,
        Err(e) => {
            diags.error(rel, Some(e.line), Some(e.column), e.message);
            return Ok(target);
        }
    };
    if decoded.text.trim().is_empty() {
        return Ok(target);
    }
    let mut file_diags = Diagnostics::new();
    if let Some(file) = read_file(&bytes, rel, INVOICE_COLUMNS, ReadOptions::default(), &mut file_diags) {
        target.invoices = invoices_from_rows(&file.rows, currency, &mut file_diags);
        target.header = file.header;
        target.delimiter = file.delimiter;
    }
    for e in file_diags.errors() {
        diags.error(&e.path, e.line, e.column, e.message.clone());
    }
    let text: &str = &decoded.text;
    target.line_end = if text.contains("\r\n") {
        LineEnd::CrLf
    } else {
        LineEnd::Lf
    };
    target.base = match decoded.encoding {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => bytes.clone(),
        _ => text.as_bytes().to_vec(),
    };
    Ok(target)
}

/// One invoice of the exports, its lines put together.
struct New {
    file: usize,
    line: u64,
    invoice: NumberedInvoice,
}

/// What merging one client gave.
#[derive(Default)]
pub struct Merged {
    /// The invoices to add, in date order.
    pub added: Vec<NumberedInvoice>,
    pub duplicates: usize,
    /// The file's new text, when something is added.
    pub bytes: Option<Vec<u8>>,
}

/// Puts the lines of one invoice number together: one invoice per number
/// and file (lines summed, or the invoice total taken once).
fn invoices_of(lines: Vec<Line>, amount_per: AmountPer, files: &[PathBuf], diags: &mut Diagnostics) -> Vec<New> {
    let mut news: Vec<New> = Vec::new();
    let mut by_number: HashMap<(usize, String), usize> = HashMap::new();
    for l in lines {
        if !l.number.is_empty() {
            if let Some(&i) = by_number.get(&(l.file, l.number.clone())) {
                let first = &mut news[i];
                match amount_per {
                    AmountPer::Line => {
                        first.invoice.invoice.amount = crate::money::add(first.invoice.invoice.amount, l.amount)
                    }
                    AmountPer::Invoice if first.invoice.invoice.amount != l.amount => diags.error(
                        &files[l.file],
                        Some(l.line),
                        None,
                        format!(
                            "invoice `{}` has the total {} here but {} on line {}; the lines of one invoice must repeat the same total",
                            l.number,
                            l.amount.normalize(),
                            first.invoice.invoice.amount.normalize(),
                            first.line
                        ),
                    ),
                    AmountPer::Invoice => {}
                }
                if first.invoice.invoice.service.is_empty() {
                    first.invoice.invoice.service = l.service;
                }
                if first.invoice.invoice.description.is_empty() {
                    first.invoice.invoice.description = l.description;
                }
                continue;
            }
            by_number.insert((l.file, l.number.clone()), news.len());
        }
        news.push(New {
            file: l.file,
            line: l.line,
            invoice: NumberedInvoice {
                invoice: Invoice {
                    date: l.date,
                    amount: l.amount,
                    service: l.service,
                    kind: l.kind.unwrap_or(InvoiceKind::Recurring),
                    kind_inferred: l.kind.is_none(),
                    description: l.description,
                    line: l.line,
                },
                number: l.number,
            },
        });
    }
    news
}

/// How two invoices differ, for a conflict message.
fn differences(a: &Invoice, b: &Invoice) -> String {
    let mut out = Vec::new();
    if a.date != b.date {
        out.push(format!("date {} there, {} here", a.date, b.date));
    }
    if a.amount.normalize() != b.amount.normalize() {
        out.push(format!(
            "amount {} there, {} here",
            a.amount.normalize(),
            b.amount.normalize()
        ));
    }
    if normalise(&a.service) != normalise(&b.service) {
        out.push(format!("service `{}` there, `{}` here", a.service, b.service));
    }
    if kind_text(a) != kind_text(b) {
        out.push(format!("kind `{}` there, `{}` here", kind_text(a), kind_text(b)));
    }
    if normalise(&a.description) != normalise(&b.description) {
        out.push(format!(
            "description `{}` there, `{}` here",
            a.description, b.description
        ));
    }
    out.join(", ")
}

/// Merges the lines of one client into its invoices.csv: an invoice number
/// seen again is a duplicate when its invoice is identical, a conflict
/// (an error) when it differs; without a number an identical row is a
/// duplicate. Unless `allow_duplicates`, a row with the date and amount of
/// an existing row (or of one added from an earlier file) but other values
/// is a probable duplicate, and so are two rows of one file with the same
/// date and amount that do not carry two different numbers (errors).
pub fn merge(
    lines: Vec<Line>,
    target: &Target,
    amount_per: AmountPer,
    allow_duplicates: bool,
    files: &[PathBuf],
    diags: &mut Diagnostics,
) -> Merged {
    let news = invoices_of(lines, amount_per, files, diags);
    let mut merged = Merged::default();
    let by_number: HashMap<&str, &NumberedInvoice> = target
        .invoices
        .iter()
        .filter(|n| !n.number.is_empty())
        .map(|n| (n.number.as_str(), n))
        .collect();
    let mut counts: HashMap<InvoiceKey, usize> = HashMap::new();
    // Where a row with each date and amount already is: the client's file,
    // or an export read before the current one.
    let mut date_amount: HashMap<(Date, Decimal), String> = HashMap::new();
    for n in &target.invoices {
        *counts.entry(invoice_key(&n.invoice)).or_insert(0) += 1;
        date_amount
            .entry((n.invoice.date, n.invoice.amount.normalize()))
            .or_insert_with(|| format!("{}:{}", target.rel.display(), n.invoice.line));
    }
    let mut numbers_seen: HashMap<String, (usize, u64, InvoiceKey)> = HashMap::new();
    for file in 0..files.len() {
        let mut in_file: HashMap<InvoiceKey, usize> = HashMap::new();
        let mut candidates: Vec<&New> = Vec::new();
        for n in news.iter().filter(|n| n.file == file) {
            let key = invoice_key(&n.invoice.invoice);
            let number = n.invoice.number.as_str();
            let here = |diags: &mut Diagnostics, message: String| {
                diags.error(&files[n.file], Some(n.line), None, message);
            };
            if !number.is_empty() {
                if let Some(t) = by_number.get(number) {
                    if invoice_key(&t.invoice) == key {
                        merged.duplicates += 1;
                    } else {
                        here(
                            diags,
                            format!(
                                "invoice number `{number}` is already in {}:{} with other values ({}); a number seen again must be the same invoice",
                                target.rel.display(),
                                t.invoice.line,
                                differences(&t.invoice, &n.invoice.invoice)
                            ),
                        );
                    }
                    continue;
                }
                if let Some((f, l, k)) = numbers_seen.get(number) {
                    if *k == key {
                        merged.duplicates += 1;
                    } else {
                        here(
                            diags,
                            format!(
                                "invoice number `{number}` is also in {}:{l} with other values; a number seen again must be the same invoice",
                                files[*f].display()
                            ),
                        );
                    }
                    continue;
                }
                numbers_seen.insert(number.to_string(), (n.file, n.line, key.clone()));
            }
            let seen = in_file.entry(key.clone()).or_insert(0);
            *seen += 1;
            let have = counts.entry(key).or_insert(0);
            if *seen <= *have {
                merged.duplicates += 1;
                continue;
            }
            let invoice = &n.invoice.invoice;
            if !allow_duplicates {
                if let Some(place) = date_amount.get(&(invoice.date, invoice.amount.normalize())) {
                    here(
                        diags,
                        format!(
                            "probably a duplicate of {place}, which has the same date ({}) and amount ({}) but other values; pass --allow-duplicates to import it anyway",
                            invoice.date,
                            invoice.amount.normalize()
                        ),
                    );
                    continue;
                }
            }
            *have += 1;
            candidates.push(n);
        }
        if !allow_duplicates {
            let client = target.rel.parent().and_then(Path::file_name).unwrap_or_default();
            repeated_in_file(&candidates, &files[file], &client.to_string_lossy(), diags);
        }
        for n in candidates {
            let invoice = &n.invoice.invoice;
            date_amount
                .entry((invoice.date, invoice.amount.normalize()))
                .or_insert_with(|| format!("{}:{}", files[n.file].display(), n.line));
            merged.added.push(n.invoice.clone());
        }
    }
    merged.added.sort_by_key(|n| n.invoice.date);
    if !merged.added.is_empty() {
        merged.bytes = text_with(target, &merged.added, diags);
    }
    merged
}

/// Reports the new invoices of one export (one client's) that share their
/// date, amount and service with another of the same export, unless both
/// carry invoice numbers (which then differ): probably one invoice listed
/// twice, as when two overlapping exports were pasted into one file. Two
/// services billed the same amount on the same day (two retainers at the
/// month's end) are two invoices.
fn repeated_in_file(candidates: &[&New], file: &Path, client: &str, diags: &mut Diagnostics) {
    let mut by_date_amount: HashMap<(Date, Decimal, &str), Vec<&New>> = HashMap::new();
    for n in candidates {
        let invoice = &n.invoice.invoice;
        by_date_amount
            .entry((invoice.date, invoice.amount.normalize(), invoice.service.as_str()))
            .or_default()
            .push(n);
    }
    let numbered = |n: &New| !n.invoice.number.is_empty();
    for group in by_date_amount.values() {
        for n in group {
            let Some(other) = group.iter().find(|o| o.line != n.line && !(numbered(o) && numbered(n))) else {
                continue;
            };
            let invoice = &n.invoice.invoice;
            let what = if invoice.service.is_empty() {
                format!(
                    "the date {} and the amount {}",
                    invoice.date,
                    invoice.amount.normalize()
                )
            } else {
                format!(
                    "the date {}, the amount {} and the service `{}`",
                    invoice.date,
                    invoice.amount.normalize(),
                    invoice.service
                )
            };
            diags.error(
                file,
                Some(n.line),
                None,
                format!(
                    "probably the same invoice as {}:{}: both are for {client} with {what}; pass --allow-duplicates to import both",
                    file.display(),
                    other.line,
                ),
            );
        }
    }
}

/// The target's text with `added` appended; `None` (and an error) when the
/// file lacks a column the new rows need.
fn text_with(target: &Target, added: &[NumberedInvoice], diags: &mut Diagnostics) -> Option<Vec<u8>> {
    let mut header = target.header.clone();
    let new_file = target.base.is_empty();
    let with_numbers = added.iter().any(|n| !n.number.is_empty());
    if new_file && with_numbers {
        header.push("number".to_string());
    }
    let mut ok = true;
    for column in ["service", "kind", "description", "number"] {
        if added.iter().any(|n| !column_text(n, column).is_empty()) && !header.iter().any(|h| h == column) {
            diags.error(
                &target.rel,
                Some(1),
                None,
                format!("has no `{column}` column, but the import has a {column} for this client; add `{column}` to its header line"),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let mut bytes = target.base.clone();
    let line_end: &[u8] = match target.line_end {
        LineEnd::Lf => b"\n",
        LineEnd::CrLf => b"\r\n",
    };
    let mut rows = CsvOut::with(target.delimiter, target.line_end);
    if new_file {
        rows.row(header.iter());
    } else if !bytes.ends_with(b"\n") && !bytes.ends_with(b"\r") {
        bytes.extend_from_slice(line_end);
    }
    for n in added {
        rows.row(header.iter().map(|h| column_text(n, h)));
    }
    match rows.into_bytes() {
        Ok(b) => bytes.extend_from_slice(&b),
        Err(e) => {
            diags.error(&target.rel, None, None, format!("cannot write: {e}"));
            return None;
        }
    }
    Some(bytes)
}
