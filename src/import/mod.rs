//! `casebook import invoices`: splits one accounting export (or several)
//! into `data/clients/<id>/invoices.csv`.
//!
//! Everything is read and checked before anything is written: a row that
//! cannot be read is reported as `FILE:line:column: message` with every
//! other such row, and then nothing is written at all. Importing the same
//! file again adds nothing.

mod commit;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use unicode_normalization::UnicodeNormalization;

use crate::diag::{Diagnostics, format_errors};
use crate::input::client_toml::parse_client_toml;
use crate::input::ids::is_valid_id;
use crate::input::rows::{self, Column, ReadOptions, Row, read_file, read_rows_with};
use crate::input::spelling::{parse_date, parse_money};
use crate::input::tables::{INVOICE_COLUMNS, invoices_from_rows, parse_kind};
use crate::input::write::{CsvOut, LineEnd};
use crate::input::{TextEncoding, decode};
use crate::model::Invoice;
use crate::progress::{Colour, paint};

/// The columns of an export that hold each part of an invoice, as named in
/// its header line.
#[derive(Clone, Debug)]
pub struct InvoiceColumns {
    pub client: String,
    pub date: String,
    pub amount: String,
    pub service: Option<String>,
    pub kind: Option<String>,
    pub description: Option<String>,
}

/// What an import did (or, with nothing to write, would have done).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Invoices added.
    pub invoices: usize,
    /// Clients that got at least one invoice.
    pub clients: usize,
    /// Clients created, with their id and name.
    pub new_clients: Vec<(String, String)>,
    /// Rows already in the project.
    pub duplicates: usize,
    /// Files written, relative to the project folder.
    pub written: Vec<PathBuf>,
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum ImportError {
    /// `--root` is not a project folder.
    NoProject(PathBuf),
    /// Rows or files that cannot be read (every one is listed).
    Invalid(Diagnostics),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::NoProject(root) => write!(
                f,
                "{}: no casebook.toml; pass the project folder with --root DIR (or create one with casebook init DIR)",
                root.display()
            ),
            ImportError::Invalid(d) => {
                let n = d.errors().count();
                write!(
                    f,
                    "{}{n} problem{} found; nothing was imported",
                    format_errors(d.errors()),
                    if n == 1 { "" } else { "s" }
                )
            }
            ImportError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

const HEADER: &str = "date,amount,service,kind,description";

/// What makes two rows the same invoice: the values, with amounts compared
/// as numbers and text in NFKC with spaces collapsed.
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
fn column_text(invoice: &Invoice, column: &str) -> String {
    match column {
        "date" => invoice.date.to_string(),
        "amount" => invoice.amount.normalize().to_string(),
        "service" => invoice.service.clone(),
        "kind" => kind_text(invoice).to_string(),
        "description" => invoice.description.clone(),
        _ => String::new(),
    }
}

/// A row of an export, read and checked.
struct Imported {
    /// Which file (index into the list of files).
    file: usize,
    client: String,
    invoice: Invoice,
}

/// NFKC with runs of white space collapsed to one space, for comparing
/// services and descriptions: `ＳＥＯ　対策` and `SEO 対策` are the same.
pub fn normalise(text: &str) -> String {
    let nfkc: String = text.nfkc().collect();
    nfkc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What makes two client names the same client: NFKC, lowercase, without
/// white space. `ＡＢＣ商事`, `ABC商事` and `abc 商事` are one client, and so
/// are `株式会社サンプル` and `株式会社　サンプル`.
pub fn name_key(name: &str) -> String {
    name.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The client id for a name: a lowercase ASCII slug of its letters and
/// digits (`Hinode Foods Co., Ltd.` → `hinode-foods-co-ltd`, accents
/// dropped, at most 64 characters). A name with no ASCII letter, such as
/// `株式会社サンプル`, gets `client-` and the 8 hex digits of the 32-bit
/// FNV-1a hash of the UTF-8 bytes of its [`name_key`], which never changes
/// between versions or platforms.
pub fn client_id_for(name: &str) -> String {
    let nfkc: String = name.nfkc().collect();
    let mut slug = String::new();
    for c in nfkc.nfkd() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if unicode_normalization::char::is_combining_mark(c) {
            // The accent of an accented letter: keep the letter only.
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_matches('-').to_string();
    if slug.len() > 64 {
        slug.truncate(64);
        slug = slug.trim_end_matches('-').to_string();
    }
    if slug.bytes().any(|b| b.is_ascii_lowercase()) {
        slug
    } else {
        format!("client-{:08x}", fnv1a32(name_key(name).as_bytes()))
    }
}

fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in bytes {
        hash ^= u32::from(*b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// `base`, or `base-2`, `base-3`, ... whichever is not taken (at most 64
/// characters).
fn unique_id(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            let stem = &base[..base.len().min(64 - suffix.len())];
            format!("{}{suffix}", stem.trim_end_matches('-'))
        })
        .find(|id| !taken.contains(id))
        .expect("some suffix is free")
}

/// The clients already in the project: folder names, and which id each
/// name and `aka` spelling (by [`name_key`]) belongs to.
struct Existing {
    taken: BTreeSet<String>,
    by_name: HashMap<String, String>,
    by_aka: HashMap<String, Vec<String>>,
}

fn existing_clients(root: &Path) -> Result<Existing, ImportError> {
    let mut existing = Existing {
        taken: BTreeSet::new(),
        by_name: HashMap::new(),
        by_aka: HashMap::new(),
    };
    let dir = root.join("data/clients");
    if !dir.is_dir() {
        return Ok(existing);
    }
    let mut ids: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| ImportError::Io(dir.clone(), e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    for id in ids {
        existing.taken.insert(id.clone());
        if !is_valid_id(&id) {
            continue;
        }
        let rel = Path::new("data/clients").join(&id).join("client.toml");
        let Ok(text) = fs::read_to_string(root.join(&rel)) else {
            continue;
        };
        // Problems of client.toml are `check`'s to report; its name and
        // spellings are all that matching needs.
        let Some(client) = parse_client_toml(&id, &text, &rel, &mut Diagnostics::new()) else {
            continue;
        };
        existing
            .by_name
            .entry(name_key(&client.name))
            .or_insert_with(|| id.clone());
        for aka in &client.aka {
            let ids = existing.by_aka.entry(name_key(aka)).or_default();
            if !ids.contains(&id) {
                ids.push(id.clone());
            }
        }
    }
    Ok(existing)
}

/// Reads and checks every row of the exports.
fn read_exports(files: &[PathBuf], cols: &InvoiceColumns, diags: &mut Diagnostics) -> Vec<Imported> {
    let mut columns = vec![
        Column::named(cols.client.clone(), true),
        Column::named(cols.date.clone(), true),
        Column::named(cols.amount.clone(), true),
    ];
    for c in [&cols.service, &cols.kind, &cols.description].into_iter().flatten() {
        columns.push(Column::named(c.clone(), true));
    }
    let options = ReadOptions {
        warn_unknown_columns: false,
        loose_header: true,
        header: rows::HeaderAt::First,
    };
    let mut out = Vec::new();
    for (file, path) in files.iter().enumerate() {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                diags.error(path, None, None, format!("cannot read: {e}"));
                continue;
            }
        };
        let Some(rows) = read_rows_with(&bytes, path, &columns, options, diags) else {
            continue;
        };
        for row in rows {
            if let Some((client, invoice)) = read_export_row(&row, cols, diags) {
                out.push(Imported { file, client, invoice });
            }
        }
    }
    out
}

fn read_export_row(row: &Row, cols: &InvoiceColumns, diags: &mut Diagnostics) -> Option<(String, Invoice)> {
    let client = row.field(&cols.client, |t| non_empty_name(t, &cols.client), diags);
    let date = row.field(&cols.date, parse_date, diags);
    let amount = row.field(&cols.amount, parse_money, diags);
    let text = |col: &Option<String>| col.as_deref().map(|c| row.get(c).to_string()).unwrap_or_default();
    let kind = match &cols.kind {
        Some(c) => row.optional(c, parse_kind, diags)?,
        None => None,
    };
    Some((
        client?,
        Invoice {
            date: date?,
            amount: amount?,
            service: text(&cols.service),
            kind: kind.unwrap_or(crate::model::InvoiceKind::Recurring),
            kind_inferred: kind.is_none(),
            description: text(&cols.description),
            line: row.line,
        },
    ))
}

fn non_empty_name(text: &str, column: &str) -> Result<String, String> {
    match text.trim() {
        "" => Err(format!("no client name in column `{column}`")),
        name => Ok(name.to_string()),
    }
}

/// A client's invoices.csv as it is before the import.
struct Target {
    /// The file's text, to which rows are appended (UTF-8; a file in
    /// another encoding is converted).
    base: Vec<u8>,
    /// The header's column names, in order.
    header: Vec<String>,
    delimiter: u8,
    line_end: LineEnd,
    /// How many times each invoice appears in it.
    counts: HashMap<InvoiceKey, usize>,
}

impl Target {
    fn empty() -> Target {
        Target {
            base: Vec::new(),
            header: HEADER.split(',').map(String::from).collect(),
            delimiter: b',',
            line_end: LineEnd::Lf,
            counts: HashMap::new(),
        }
    }
}

/// Reads an existing invoices.csv; its problems are errors, since rows that
/// cannot be read cannot be compared either.
fn read_target(root: &Path, rel: &Path, diags: &mut Diagnostics) -> Result<Target, ImportError> {
    let path = root.join(rel);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Target::empty()),
        Err(e) => return Err(ImportError::Io(path, e)),
    };
    let decoded = match decode(&bytes) {
        Ok(d) => d,
        Err(e) => {
            diags.error(rel, Some(e.line), Some(e.column), e.message);
            return Ok(Target::empty());
        }
    };
    if decoded.text.trim().is_empty() {
        return Ok(Target::empty());
    }
    let mut file_diags = Diagnostics::new();
    let file = read_file(&bytes, rel, INVOICE_COLUMNS, ReadOptions::default(), &mut file_diags);
    let mut counts = HashMap::new();
    let (header, delimiter) = match file {
        Some(file) => {
            for invoice in invoices_from_rows(&file.rows, &mut file_diags) {
                *counts.entry(invoice_key(&invoice)).or_insert(0) += 1;
            }
            (file.header, file.delimiter)
        }
        None => (Vec::new(), b','),
    };
    for e in file_diags.errors() {
        diags.error(&e.path, e.line, e.column, e.message.clone());
    }
    let text: &str = &decoded.text;
    let base = match decoded.encoding {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => bytes.clone(),
        _ => text.as_bytes().to_vec(),
    };
    Ok(Target {
        base,
        header,
        delimiter,
        line_end: if text.contains("\r\n") {
            LineEnd::CrLf
        } else {
            LineEnd::Lf
        },
        counts,
    })
}

/// Imports the invoices of `files` into the project at `root`. Nothing is
/// written unless every row of every file can be read.
pub fn import_invoices(root: &Path, files: &[PathBuf], cols: &InvoiceColumns) -> Result<ImportSummary, ImportError> {
    if !root.join("casebook.toml").is_file() {
        return Err(ImportError::NoProject(root.to_path_buf()));
    }
    let mut diags = Diagnostics::new();
    let rows = read_exports(files, cols, &mut diags);
    if diags.has_errors() {
        diags.sort();
        return Err(ImportError::Invalid(diags));
    }

    // Names to ids: an existing client with that name, else the one client
    // with that `aka`, else a new id (given in name order, so that the same
    // names get the same ids whatever the order of the rows).
    let mut existing = existing_clients(root)?;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for r in &rows {
        names.entry(name_key(&r.client)).or_insert_with(|| r.client.clone());
    }
    let mut id_of: HashMap<String, String> = HashMap::new();
    let mut new_clients: BTreeMap<String, String> = BTreeMap::new();
    for (key, name) in &names {
        let known = existing
            .by_name
            .get(key)
            .cloned()
            .or_else(|| match existing.by_aka.get(key) {
                Some(ids) if ids.len() == 1 => Some(ids[0].clone()),
                _ => None,
            });
        let id = known.unwrap_or_else(|| {
            let id = unique_id(&client_id_for(name), &existing.taken);
            existing.taken.insert(id.clone());
            new_clients.insert(id.clone(), name.clone());
            id
        });
        id_of.insert(key.clone(), id);
    }

    // Each file adds the rows that the project does not hold yet: a row that
    // an export lists twice is kept twice, and importing it again adds
    // nothing.
    let mut by_client: BTreeMap<&str, Vec<&Imported>> = BTreeMap::new();
    for r in &rows {
        by_client.entry(&id_of[&name_key(&r.client)]).or_default().push(r);
    }
    let mut summary = ImportSummary::default();
    let mut writes: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (id, imported) in by_client {
        let rel = Path::new("data/clients").join(id).join("invoices.csv");
        let mut target = read_target(root, &rel, &mut diags)?;
        let mut added: Vec<&Invoice> = Vec::new();
        for file in 0..files.len() {
            let mut in_file: HashMap<_, usize> = HashMap::new();
            for r in imported.iter().filter(|r| r.file == file) {
                let key = invoice_key(&r.invoice);
                let seen = in_file.entry(key.clone()).or_insert(0);
                *seen += 1;
                let have = target.counts.entry(key).or_insert(0);
                if *seen > *have {
                    *have += 1;
                    added.push(&r.invoice);
                } else {
                    summary.duplicates += 1;
                }
            }
        }
        if added.is_empty() {
            continue;
        }
        added.sort_by_key(|i| i.date);
        for column in ["service", "kind", "description"] {
            if added.iter().any(|i| !column_text(i, column).is_empty()) && !target.header.iter().any(|h| h == column) {
                diags.error(
                    &rel,
                    Some(1),
                    None,
                    format!("has no `{column}` column, but the import has a {column} for this client; add `{column}` to its header line"),
                );
            }
        }
        let mut bytes = target.base;
        let line_end: &[u8] = match target.line_end {
            LineEnd::Lf => b"\n",
            LineEnd::CrLf => b"\r\n",
        };
        if bytes.is_empty() {
            bytes.extend_from_slice(HEADER.as_bytes());
            bytes.extend_from_slice(line_end);
        } else if !bytes.ends_with(b"\n") && !bytes.ends_with(b"\r") {
            bytes.extend_from_slice(line_end);
        }
        let mut rows = CsvOut::with(target.delimiter, target.line_end);
        for invoice in &added {
            rows.row(target.header.iter().map(|h| column_text(invoice, h)));
        }
        let rel_bytes = rows.into_bytes().map_err(|e| ImportError::Io(root.join(&rel), e))?;
        bytes.extend_from_slice(&rel_bytes);
        if let Some(name) = new_clients.get(id) {
            let toml = format!("name = {}\n", toml::Value::String(name.clone()));
            writes.push((
                Path::new("data/clients").join(id).join("client.toml"),
                toml.into_bytes(),
            ));
        }
        writes.push((rel, bytes));
        summary.invoices += added.len();
        summary.clients += 1;
    }
    if diags.has_errors() {
        diags.sort();
        return Err(ImportError::Invalid(diags));
    }
    let files: Vec<commit::Write> = writes
        .iter()
        .map(|(rel, bytes)| commit::Write {
            path: root.join(rel),
            bytes: bytes.clone(),
        })
        .collect();
    commit::commit(&files).map_err(|e| ImportError::Io(e.path, e.error))?;
    summary.new_clients = new_clients.into_iter().collect();
    summary.written = writes.into_iter().map(|(rel, _)| rel).collect();
    Ok(summary)
}

/// The `import invoices` command: imports and prints a summary.
pub fn run_invoices(root: &Path, files: &[PathBuf], cols: &InvoiceColumns, quiet: bool) -> Result<(), u8> {
    match import_invoices(root, files, cols) {
        Ok(s) => {
            if !quiet {
                for (id, name) in &s.new_clients {
                    println!("new client {id}: {name}");
                }
                println!(
                    "imported {} invoices for {} clients ({} new clients, {} duplicates skipped)",
                    s.invoices,
                    s.clients,
                    s.new_clients.len(),
                    s.duplicates
                );
            }
            Ok(())
        }
        Err(e) => {
            let text = e.to_string();
            let mut lines: Vec<&str> = text.lines().collect();
            let last = lines.pop().unwrap_or("");
            for line in lines {
                eprintln!("{line}");
            }
            eprintln!("{}", paint(&format!("error: {last}"), Colour::Red));
            Err(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_names() {
        assert_eq!(client_id_for("Hinode Foods Co., Ltd."), "hinode-foods-co-ltd");
        assert_eq!(client_id_for("  Café Müller  "), "cafe-muller");
        assert_eq!(client_id_for("ＡＢＣ商事"), "abc");
        assert_eq!(client_id_for("株式会社ABC"), "abc");
        assert_eq!(client_id_for(&"x".repeat(100)).len(), 64);
        assert_eq!(client_id_for(&format!("{}-{}", "a".repeat(63), "b")), "a".repeat(63));
        // No ASCII letter: a hash of the normalised name, fixed forever.
        assert_eq!(client_id_for("株式会社サンプル"), "client-016baff3");
        assert_eq!(client_id_for("株式会社　サンプル"), "client-016baff3");
        assert_eq!(name_key("ＡＢＣ　Ｉｎｃ．"), name_key("abc inc."));
        assert_eq!(client_id_for("2024"), format!("client-{:08x}", fnv1a32(b"2024")));
        for name in ["株式会社サンプル", "Hinode", "㈱テスト", "", "---"] {
            assert!(is_valid_id(&client_id_for(name)), "{name}");
        }
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn unique_ids_get_a_suffix() {
        let taken: BTreeSet<String> = ["abc".to_string(), "abc-2".to_string()].into();
        assert_eq!(unique_id("abc", &taken), "abc-3");
        assert_eq!(unique_id("xyz", &taken), "xyz");
        let long = "a".repeat(64);
        let taken: BTreeSet<String> = [long.clone()].into();
        assert_eq!(unique_id(&long, &taken), format!("{}-2", "a".repeat(62)));
    }
}
