//! Reading one CSV file into rows of named fields, with the position of
//! every field for error messages (SPEC §1.2: comma separated, header line
//! required, columns in any order, CRLF or LF).
//!
//! Every CSV file casebook reads comes through a [`CsvReader`]: the
//! project's own files through [`read_rows`], which first decodes the bytes
//! as spreadsheets write them (see [`decode()`]): UTF-8 with or without
//! BOM, UTF-16 with BOM, or Shift_JIS/CP932, the "CSV" of a Japanese Excel.
//! Lines and columns in messages refer to the decoded text.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::decode::decode;
use super::records::TextLines;
use crate::diag::Diagnostics;

mod reader;

pub use reader::CsvReader;

/// A column a file format knows about.
pub struct Column {
    pub name: Cow<'static, str>,
    pub required: bool,
    /// Other header names that mean this column (rows are read by `name`).
    pub aliases: Vec<String>,
}

pub const fn req(name: &'static str) -> Column {
    Column {
        name: Cow::Borrowed(name),
        required: true,
        aliases: Vec::new(),
    }
}

pub const fn opt(name: &'static str) -> Column {
    Column {
        name: Cow::Borrowed(name),
        required: false,
        aliases: Vec::new(),
    }
}

impl Column {
    /// A column whose name is only known at run time (e.g. a column of an
    /// accounting export named on the command line).
    pub fn named(name: impl Into<String>, required: bool) -> Column {
        Column {
            name: Cow::Owned(name.into()),
            required,
            aliases: Vec::new(),
        }
    }

    /// This column under any of `names` (the first is its name).
    pub fn any_of(names: &[&str], required: bool) -> Column {
        Column {
            name: Cow::Owned(names.first().copied().unwrap_or("").to_string()),
            required,
            aliases: names.iter().skip(1).map(|n| n.to_string()).collect(),
        }
    }

    /// Every header name that means this column.
    fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_ref()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// Which row of a file is its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderAt {
    /// The first row (casebook's own files).
    First,
    /// The row that starts on this 1-based line; rows above it are titles.
    Line(u64),
    /// The first row, within the first [`HEADER_SEARCH_ROWS`], that holds
    /// every required column; rows above it are titles.
    Find,
}

/// How far [`HeaderAt::Find`] looks for the header.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// How [`CsvReader`] treats the header line.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    /// Warn about header columns that no [`Column`] asks for.
    pub warn_unknown_columns: bool,
    /// Match header names ignoring case, surrounding spaces and full-width
    /// forms (`Ｄａｔｅ` matches `date`); for files casebook did not define.
    pub loose_header: bool,
    pub header: HeaderAt,
    /// Read a row with fewer fields than the header as if the missing ones
    /// were empty (report layouts whose group rows are short).
    pub pad_short_rows: bool,
}

impl Default for ReadOptions {
    /// casebook's own files: exact column names, unknown ones warned about.
    fn default() -> Self {
        ReadOptions {
            warn_unknown_columns: true,
            loose_header: false,
            header: HeaderAt::First,
            pad_short_rows: false,
        }
    }
}

/// What every row of one file shares: the file's path and the known
/// columns it has.
struct RowHeader {
    path: PathBuf,
    names: Vec<String>,
}

/// One field of a row: its trimmed text and where it starts.
struct Cell {
    text: String,
    line: u64,
    column: u64,
}

/// One data row: the known columns that it has, each with its text and
/// position, and the 1-based line where the row starts.
pub struct Row {
    pub line: u64,
    header: Arc<RowHeader>,
    /// A cell for each of the header's `names`, in the same order.
    cells: Vec<Cell>,
}

impl Row {
    fn cell(&self, name: &str) -> Option<&Cell> {
        self.header.names.iter().position(|n| n == name).map(|i| &self.cells[i])
    }

    /// The trimmed text of a column, `""` when the column is absent.
    pub fn get(&self, name: &str) -> &str {
        self.cell(name).map(|c| c.text.as_str()).unwrap_or("")
    }

    /// The 1-based character column where the field starts (on the line
    /// where it starts: see [`Row::error`]).
    pub fn column(&self, name: &str) -> Option<u64> {
        self.cell(name).map(|c| c.column)
    }

    /// The file the row was read from, as given to the reader.
    pub fn path(&self) -> &Path {
        &self.header.path
    }

    /// Reports `message` as an error at the field of column `name` (at the
    /// row's line when the file has no such column).
    pub fn error(&self, name: &str, message: impl Into<String>, diags: &mut Diagnostics) {
        let (line, column) = match self.cell(name) {
            Some(c) => (c.line, Some(c.column)),
            None => (self.line, None),
        };
        diags.error(&self.header.path, Some(line), column, message);
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

/// A CSV file in memory, read whole.
pub struct CsvFile {
    /// The header's column names (trimmed), in order.
    pub header: Vec<String>,
    pub delimiter: u8,
    pub rows: Vec<Row>,
}

/// Reads `bytes` as a CSV file with the given columns. Problems are added to
/// `diags` against `path`; rows with structural problems are skipped, the
/// rest are returned. Returns `None` when the file cannot be read at all.
pub fn read_rows(bytes: &[u8], path: &Path, columns: &[Column], diags: &mut Diagnostics) -> Option<Vec<Row>> {
    read_rows_with(bytes, path, columns, ReadOptions::default(), diags)
}

/// [`read_rows`] with a choice of how the header is found and matched.
pub fn read_rows_with(
    bytes: &[u8],
    path: &Path,
    columns: &[Column],
    options: ReadOptions,
    diags: &mut Diagnostics,
) -> Option<Vec<Row>> {
    read_file(bytes, path, columns, options, diags).map(|f| f.rows)
}

/// [`read_rows_with`], with the header and delimiter of the file.
pub fn read_file(
    bytes: &[u8],
    path: &Path,
    columns: &[Column],
    options: ReadOptions,
    diags: &mut Diagnostics,
) -> Option<CsvFile> {
    let decoded = match decode(bytes) {
        Ok(d) => d,
        Err(e) => {
            diags.error(path, Some(e.line), Some(e.column), e.message);
            return None;
        }
    };
    if decoded.text.trim().is_empty() {
        diags.error(path, Some(1), Some(1), header_hint("the file is empty", columns));
        return None;
    }
    let mut reader = CsvReader::open(TextLines::new(&decoded.text), path, columns, options, diags)?;
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row(diags) {
        rows.push(row);
    }
    Some(CsvFile {
        header: reader.headers,
        delimiter: reader.delimiter,
        rows,
    })
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
            header: HeaderAt::First,
            pad_short_rows: false,
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

    #[test]
    fn a_header_below_title_rows_is_found_or_named() {
        let text = "Sales by Customer Detail\nAcme Ltd.\n\nDate,Customer,Amount\n2026-10-01,A,5\n";
        let cols = [Column::named("Date", true), Column::named("Amount", true)];
        let find = ReadOptions {
            warn_unknown_columns: false,
            loose_header: true,
            header: HeaderAt::Find,
            pad_short_rows: false,
        };
        let mut d = Diagnostics::new();
        let file = read_file(text.as_bytes(), Path::new("e.csv"), &cols, find, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(file.header, ["Date", "Customer", "Amount"]);
        assert_eq!((file.rows[0].line, file.rows[0].get("Amount")), (5, "5"));
        let at_line = |n| ReadOptions {
            header: HeaderAt::Line(n),
            ..find
        };
        let file = read_file(text.as_bytes(), Path::new("e.csv"), &cols, at_line(4), &mut d).unwrap();
        assert_eq!(file.rows.len(), 1);
        assert!(read_file(text.as_bytes(), Path::new("e.csv"), &cols, at_line(3), &mut d).is_none());
        assert!(read_file(text.as_bytes(), Path::new("e.csv"), &cols, at_line(2), &mut d).is_none());
        let all: Vec<String> = d.into_vec().iter().map(|x| x.to_string()).collect();
        assert_eq!(
            all,
            [
                "e.csv:3:1: line 3, the header line, is blank",
                "e.csv:2:1: missing required column `Date` (the header has: Acme Ltd.)",
                "e.csv:2:1: missing required column `Amount` (the header has: Acme Ltd.)",
            ]
        );
        // Not within the first 20 rows.
        let far = format!("{}Date,Amount\n", "title\n".repeat(20));
        let mut d = Diagnostics::new();
        assert!(read_file(far.as_bytes(), Path::new("e.csv"), &cols, find, &mut d).is_none());
        assert_eq!(
            d.into_vec()[0].to_string(),
            "e.csv:1:1: missing required column `Date` (the header has: title)"
        );
    }
}
