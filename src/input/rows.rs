//! Reading one CSV file into rows of named fields, with the position of
//! every field for error messages (SPEC §1.2: comma separated, header line
//! required, columns in any order, CRLF or LF).
//!
//! Every CSV file casebook reads comes through [`read_rows`], which first
//! decodes the bytes as spreadsheets write them (see [`decode()`]): UTF-8 with
//! or without BOM, UTF-16 with BOM, or Shift_JIS/CP932, the "CSV" of a
//! Japanese Excel. Lines and columns in messages refer to the decoded text.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::decode::decode;
use super::spelling::fold_width;
use crate::diag::Diagnostics;

/// A column a file format knows about.
pub struct Column {
    pub name: Cow<'static, str>,
    pub required: bool,
}

pub const fn req(name: &'static str) -> Column {
    Column {
        name: Cow::Borrowed(name),
        required: true,
    }
}

pub const fn opt(name: &'static str) -> Column {
    Column {
        name: Cow::Borrowed(name),
        required: false,
    }
}

impl Column {
    /// A column whose name is only known at run time (e.g. a column of an
    /// accounting export named on the command line).
    pub fn named(name: impl Into<String>, required: bool) -> Column {
        Column {
            name: Cow::Owned(name.into()),
            required,
        }
    }
}

/// How [`read_rows_with`] treats the header line.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    /// Warn about header columns that no [`Column`] asks for.
    pub warn_unknown_columns: bool,
    /// Match header names ignoring case, surrounding spaces and full-width
    /// forms (`Ｄａｔｅ` matches `date`); for files casebook did not define.
    pub loose_header: bool,
}

impl Default for ReadOptions {
    /// casebook's own files: exact column names, unknown ones warned about.
    fn default() -> Self {
        ReadOptions {
            warn_unknown_columns: true,
            loose_header: false,
        }
    }
}

/// What every row of one file shares: the file's path and the known
/// columns it has.
struct RowHeader {
    path: PathBuf,
    names: Vec<String>,
}

/// One data row: the known columns that it has, each with its text and
/// 1-based column, and the row's 1-based line.
pub struct Row {
    pub line: u64,
    header: Arc<RowHeader>,
    /// Text and column of each of the header's `names`, in the same order.
    fields: Vec<(String, u64)>,
}

impl Row {
    fn cell(&self, name: &str) -> Option<&(String, u64)> {
        self.header
            .names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.fields[i])
    }

    /// The trimmed text of a column, `""` when the column is absent.
    pub fn get(&self, name: &str) -> &str {
        self.cell(name).map(|(v, _)| v.as_str()).unwrap_or("")
    }

    /// The 1-based character column where the field starts.
    pub fn column(&self, name: &str) -> Option<u64> {
        self.cell(name).map(|(_, c)| *c)
    }

    /// The file the row was read from, as given to the reader.
    pub fn path(&self) -> &Path {
        &self.header.path
    }

    /// Reports `message` as an error at the field of column `name`.
    pub fn error(&self, name: &str, message: impl Into<String>, diags: &mut Diagnostics) {
        diags.error(&self.header.path, Some(self.line), self.column(name), message);
    }

    /// The field of column `name` read by `parse`; when it cannot be read
    /// the error is reported at the field and the result is `None`.
    pub fn field<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
        diags: &mut Diagnostics,
    ) -> Option<T> {
        parse(self.get(name)).map_err(|e| self.error(name, e, diags)).ok()
    }

    /// [`Row::field`] for an optional value: an empty field is `Some(None)`.
    pub fn optional<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
        diags: &mut Diagnostics,
    ) -> Option<Option<T>> {
        if self.get(name).is_empty() {
            return Some(None);
        }
        self.field(name, parse, diags).map(Some)
    }
}

/// One record as csv_core split it: the byte offset where it starts and
/// its fields (unquoted, not yet trimmed).
struct Record {
    start: usize,
    fields: Vec<String>,
}

thread_local! {
    /// csv_core readers by delimiter, reused across files: building one
    /// (its DFA) costs more than parsing a small client file.
    static CSV_READERS: std::cell::RefCell<Vec<(u8, csv_core::Reader)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Splits `text` into records (quotes, doubled quotes and quoted line
/// breaks as RFC 4180; blank lines skipped).
fn split_records(text: &str, delimiter: u8) -> Vec<Record> {
    CSV_READERS.with(|cell| {
        let mut readers = cell.borrow_mut();
        let idx = match readers.iter().position(|(d, _)| *d == delimiter) {
            Some(i) => i,
            None => {
                readers.push((delimiter, csv_core::ReaderBuilder::new().delimiter(delimiter).build()));
                readers.len() - 1
            }
        };
        let rdr = &mut readers[idx].1;
        rdr.reset();
        let bytes = text.as_bytes();
        let mut records = Vec::new();
        let mut input = bytes;
        let mut out = vec![0u8; 256];
        let mut ends = vec![0usize; 16];
        let (mut nout_total, mut nend_total) = (0, 0);
        let mut record_start = 0;
        loop {
            let (res, nin, nout, nend) = rdr.read_record(input, &mut out[nout_total..], &mut ends[nend_total..]);
            input = &input[nin..];
            nout_total += nout;
            nend_total += nend;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                csv_core::ReadRecordResult::Record => {
                    let mut fields = Vec::with_capacity(nend_total);
                    let mut from = 0;
                    for &end in &ends[..nend_total] {
                        fields.push(String::from_utf8_lossy(&out[from..end]).into_owned());
                        from = end;
                    }
                    // Blank lines come through as one empty field: skip them.
                    let mut start = record_start;
                    while bytes.get(start) == Some(&b'\n') {
                        start += 1;
                    }
                    if !(fields.len() == 1 && fields[0].is_empty()) {
                        records.push(Record { start, fields });
                    }
                    record_start = bytes.len() - input.len();
                    nout_total = 0;
                    nend_total = 0;
                }
                csv_core::ReadRecordResult::End => break,
            }
        }
        records
    })
}

/// Reads `bytes` as a CSV file with the given columns. Problems are added to
/// `diags` against `path`; rows with structural problems are skipped, the
/// rest are returned. Returns `None` when the file cannot be read at all.
pub fn read_rows(bytes: &[u8], path: &Path, columns: &[Column], diags: &mut Diagnostics) -> Option<Vec<Row>> {
    read_rows_with(bytes, path, columns, ReadOptions::default(), diags)
}

/// [`read_rows`] with a choice of how the header is matched.
pub fn read_rows_with(
    bytes: &[u8],
    path: &Path,
    columns: &[Column],
    options: ReadOptions,
    diags: &mut Diagnostics,
) -> Option<Vec<Row>> {
    let decoded = match decode(bytes) {
        Ok(d) => d,
        Err(e) => {
            diags.error(path, Some(e.line), Some(e.column), e.message);
            return None;
        }
    };
    let text: &str = &decoded.text;
    // csv's positions drift on CRLF files; normalising line ends first keeps
    // reported lines and columns exact.
    let normalised;
    let text = if text.contains('\r') {
        normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        normalised.as_str()
    } else {
        text
    };
    if text.trim().is_empty() {
        diags.error(path, Some(1), Some(1), header_hint("the file is empty", columns));
        return None;
    }
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = delimiter_of(first_line);
    let mut records = split_records(text, delimiter).into_iter();
    let Some(header) = records.next() else {
        diags.error(
            path,
            Some(1),
            Some(1),
            header_hint("the file has no header line", columns),
        );
        return None;
    };
    let headers: Vec<String> = header.fields.iter().map(|h| h.trim().to_string()).collect();
    let header_cols = field_columns(first_line, delimiter);
    let key = |name: &str| -> String {
        if options.loose_header {
            fold_width(name).trim().to_lowercase()
        } else {
            name.to_string()
        }
    };
    let header_keys: Vec<String> = headers.iter().map(|h| key(h)).collect();
    // Column name → index of its field in the header.
    let mut index: Vec<(&str, usize)> = Vec::new();
    let mut ok = true;
    for c in columns {
        let want = key(&c.name);
        let mut found = header_keys
            .iter()
            .enumerate()
            .filter(|(_, h)| **h == want)
            .map(|(i, _)| i);
        match (found.next(), found.next()) {
            (Some(i), None) => index.push((&c.name, i)),
            (Some(_), Some(again)) => {
                diags.error(
                    path,
                    Some(1),
                    header_cols.get(again).copied(),
                    format!("column `{}` appears twice in the header", &headers[again]),
                );
                ok = false;
            }
            (None, _) if c.required => {
                diags.error(
                    path,
                    Some(1),
                    Some(1),
                    format!(
                        "missing required column `{}` (the header has: {})",
                        c.name,
                        headers.join(", ")
                    ),
                );
                ok = false;
            }
            (None, _) => {}
        }
    }
    if options.warn_unknown_columns {
        for (i, h) in headers.iter().enumerate() {
            if columns.iter().any(|c| key(&c.name) == header_keys[i]) {
                continue;
            }
            let known: Vec<&str> = columns.iter().map(|c| c.name.as_ref()).collect();
            diags.warning(
                path,
                Some(1),
                header_cols.get(i).copied(),
                format!("unknown column `{h}` is ignored (known columns: {})", known.join(", ")),
            );
        }
    }
    if !ok {
        return None;
    }
    let row_header = Arc::new(RowHeader {
        path: path.to_path_buf(),
        names: index.iter().map(|(n, _)| n.to_string()).collect(),
    });
    let mut rows = Vec::new();
    // Lines are counted incrementally from the records' byte offsets.
    let (mut counted_to, mut line) = (0usize, 1u64);
    for record in records {
        let start = record.start.min(text.len());
        line += text.as_bytes()[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        counted_to = start;
        if record.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.fields.len() != headers.len() {
            diags.error(
                path,
                Some(line),
                None,
                format!(
                    "this row has {} fields but the header has {}",
                    record.fields.len(),
                    headers.len()
                ),
            );
            continue;
        }
        let line_text = text[start..].lines().next().unwrap_or("");
        let cols = field_columns(line_text, delimiter);
        let fields = index
            .iter()
            .map(|&(_, i)| (record.fields[i].trim().to_string(), cols.get(i).copied().unwrap_or(1)))
            .collect();
        rows.push(Row {
            line,
            header: row_header.clone(),
            fields,
        });
    }
    Some(rows)
}

fn header_hint(what: &str, columns: &[Column]) -> String {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_ref()).collect();
    format!("{what}; it needs at least a header line such as `{}`", names.join(","))
}

/// The field separator: a comma, or a tab when the header line has tabs and
/// no comma (Excel's "Unicode text", UTF-16 with tabs).
pub fn delimiter_of(header: &str) -> u8 {
    if !header.contains(',') && header.contains('\t') {
        b'\t'
    } else {
        b','
    }
}

/// 1-based character column where each field of a CSV line starts,
/// following quotes. (A quoted field spanning lines is rare in these files;
/// its later fields get approximate columns.)
fn field_columns(line: &str, delimiter: u8) -> Vec<u64> {
    let mut cols = vec![1];
    let mut in_quotes = false;
    for (i, ch) in line.chars().enumerate() {
        match ch {
            '"' => in_quotes = !in_quotes,
            c if c == delimiter as char && !in_quotes => cols.push(i as u64 + 2),
            _ => {}
        }
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::decode::{BAD_UTF16, NOT_TEXT};

    const COLS: &[Column] = &[req("date"), req("amount"), opt("service")];

    #[test]
    fn reads_bom_crlf_and_quoted_commas() {
        let mut d = Diagnostics::new();
        let bytes = b"\xEF\xBB\xBFamount,date\r\n\"12,000\",2026-01-05\r\n\r\n\"\xC2\xA51,000\",2026/02/01\r\n";
        let rows = read_rows(bytes, Path::new("i.csv"), COLS, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get("amount"), "12,000");
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].column("date"), Some(10));
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].get("service"), "");
    }

    #[test]
    fn missing_and_unknown_columns() {
        let mut d = Diagnostics::new();
        assert!(read_rows(b"date,colour\n2026-01-01,red\n", Path::new("i.csv"), COLS, &mut d).is_none());
        let all: Vec<String> = d.into_vec().iter().map(|x| x.to_string()).collect();
        assert!(
            all.iter()
                .any(|m| m.contains("i.csv:1:1: missing required column `amount`")),
            "{all:?}"
        );
        assert!(
            all.iter()
                .any(|m| m.contains("i.csv:1:6: warning: unknown column `colour`")),
            "{all:?}"
        );
    }

    #[test]
    fn short_rows_are_reported_with_their_line() {
        let mut d = Diagnostics::new();
        let rows = read_rows(
            b"date,amount\n2026-01-01\n2026-01-02,5\n",
            Path::new("i.csv"),
            COLS,
            &mut d,
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            d.into_vec()[0].to_string(),
            "i.csv:2: this row has 1 fields but the header has 2"
        );
    }

    #[test]
    fn shift_jis_is_decoded() {
        let mut d = Diagnostics::new();
        // `あ` in Shift_JIS is 82 A0: not UTF-8.
        let rows = read_rows(
            b"date,amount,service\n2026-01-01,1,\x82\xa0\n",
            Path::new("i.csv"),
            COLS,
            &mut d,
        )
        .unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(rows[0].get("service"), "あ");
    }

    #[test]
    fn undecodable_bytes_are_an_error_at_their_place() {
        let mut d = Diagnostics::new();
        // FF is neither UTF-8 nor Shift_JIS.
        let bytes = b"date,amount\r\n2026-01-01,1\r\n2026-01-02,\xff\r\n";
        assert!(read_rows(bytes, Path::new("i.csv"), COLS, &mut d).is_none());
        assert_eq!(d.into_vec()[0].to_string(), format!("i.csv:3:12: {NOT_TEXT}"));
    }

    #[test]
    fn utf16_with_bom_and_tabs() {
        let text = "date\tamount\tservice\r\n2026-01-05\t12000\t広告運用\r\n";
        for (bom, big_endian) in [([0xFF, 0xFE], false), ([0xFE, 0xFF], true)] {
            let mut bytes = bom.to_vec();
            for unit in text.encode_utf16() {
                let b = if big_endian {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                };
                bytes.extend_from_slice(&b);
            }
            let mut d = Diagnostics::new();
            let rows = read_rows(&bytes, Path::new("i.csv"), COLS, &mut d).unwrap();
            assert!(d.is_empty(), "{d:?}");
            assert_eq!(rows[0].get("service"), "広告運用");
            assert_eq!(rows[0].column("service"), Some(18));
        }
        // An odd number of bytes after the BOM is not UTF-16.
        let e = decode(b"\xFF\xFEa\x00\n\x00b").unwrap_err();
        assert_eq!((e.line, e.column, e.message), (2, 1, BAD_UTF16));
    }

    #[test]
    fn loose_headers_for_foreign_files() {
        let cols = [Column::named("取引先", true), Column::named("Amount", true)];
        let loose = ReadOptions {
            warn_unknown_columns: false,
            loose_header: true,
        };
        let mut d = Diagnostics::new();
        let rows = read_rows_with(
            " 取引先 ,ＡＭＯＵＮＴ,memo\nA,1,x\n".as_bytes(),
            Path::new("e.csv"),
            &cols,
            loose,
            &mut d,
        )
        .unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(rows[0].get("取引先"), "A");
        assert_eq!(rows[0].get("Amount"), "1");
        // Exact matching for casebook's own files.
        let mut d = Diagnostics::new();
        assert!(read_rows(b"Date,amount\n", Path::new("i.csv"), COLS, &mut d).is_none());
    }
}
