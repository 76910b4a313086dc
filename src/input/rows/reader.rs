//! [`CsvReader`]: a CSV file read one row at a time, after a header found
//! and matched against the columns a format knows.

use std::path::Path;
use std::sync::Arc;

use super::{Cell, Column, HEADER_SEARCH_ROWS, HeaderAt, ReadOptions, Row, RowHeader, delimiter_of, header_hint};
use crate::diag::Diagnostics;
use crate::input::records::{LineSource, RawField, RawRecord, RecordError, Records};
use crate::input::spelling::fold_width;

/// A CSV file read one row at a time, after its header.
pub struct CsvReader<S> {
    records: Records<S>,
    pub(super) delimiter: u8,
    /// The header's names (trimmed), in order.
    pub(super) headers: Vec<String>,
    header_line: u64,
    /// Title rows skipped above the header.
    title_rows: usize,
    /// For each known column the file has, the index of its field.
    index: Vec<usize>,
    row_header: Arc<RowHeader>,
    pad_short_rows: bool,
}

impl<S: LineSource> CsvReader<S> {
    /// Reads the header of the file whose lines `source` gives. Problems
    /// are added to `diags` against `path`; `None` when the file has no
    /// usable header (a missing required column, say).
    pub fn open(
        source: S,
        path: &Path,
        columns: &[Column],
        options: ReadOptions,
        diags: &mut Diagnostics,
    ) -> Option<CsvReader<S>> {
        let mut records = Records::new(source);
        let (header, delimiter, title_rows) = find_header(&mut records, path, columns, options, diags)?;
        let header = Header::of(&header, options.loose_header);
        let matched = match_columns(&header, columns, options.loose_header, path, diags);
        if options.warn_unknown_columns {
            warn_unknown_columns(&header, columns, options.loose_header, path, diags);
        }
        let (index, names) = matched?;
        records.width = header.names.len();
        Some(CsvReader {
            records,
            delimiter,
            headers: header.names,
            header_line: header.line,
            title_rows,
            index,
            row_header: Arc::new(RowHeader {
                path: path.to_path_buf(),
                names,
            }),
            pad_short_rows: options.pad_short_rows,
        })
    }

    /// The next data row; `None` at the end. Rows that cannot be read (a
    /// wrong number of fields, a quote never closed) are reported and
    /// skipped; blank rows are skipped.
    pub fn next_row(&mut self, diags: &mut Diagnostics) -> Option<Row> {
        loop {
            let record = match self.records.next_record(self.delimiter) {
                Ok(Some(r)) => r,
                Ok(None) => return None,
                Err(e) => {
                    report(diags, &self.row_header.path, e);
                    continue;
                }
            };
            if record.fields.iter().all(|f| f.text.trim().is_empty()) {
                continue;
            }
            let mut record = record;
            if self.pad_short_rows && record.fields.len() < self.headers.len() {
                let line = record.line;
                record.fields.resize_with(self.headers.len(), || RawField {
                    text: String::new(),
                    line,
                    column: 1,
                });
            }
            if record.fields.len() != self.headers.len() {
                diags.error(
                    &self.row_header.path,
                    Some(record.line),
                    None,
                    format!(
                        "this row has {} fields but the header has {}",
                        record.fields.len(),
                        self.headers.len()
                    ),
                );
                continue;
            }
            let mut fields: Vec<Option<RawField>> = record.fields.into_iter().map(Some).collect();
            let cells = self
                .index
                .iter()
                .map(|&i| {
                    let f = fields[i].take().unwrap_or_default();
                    Cell {
                        text: trimmed(f.text),
                        line: f.line,
                        column: f.column,
                    }
                })
                .collect();
            return Some(Row {
                line: record.line,
                header: self.row_header.clone(),
                cells,
            });
        }
    }

    /// The header's column names (trimmed), in order.
    pub fn header(&self) -> &[String] {
        &self.headers
    }

    /// The field separator.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The 1-based line of the header.
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// How many title rows were skipped above the header.
    pub fn title_rows(&self) -> usize {
        self.title_rows
    }
}

fn report(diags: &mut Diagnostics, path: &Path, e: RecordError) {
    diags.error(path, Some(e.line), e.column, e.message);
}

fn texts(record: &RawRecord) -> Vec<String> {
    record.fields.iter().map(|f| f.text.trim().to_string()).collect()
}

/// `text` without surrounding white space, reusing its buffer when it has
/// none.
fn trimmed(text: String) -> String {
    if text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_string()
    }
}

/// A header name as it is compared with the columns' names: as written,
/// or, for a loose header, folded.
fn header_key(name: &str, loose: bool) -> String {
    if loose {
        // `*ContactName`: import templates mark required columns.
        let folded = fold_width(name).trim().to_lowercase();
        folded.strip_prefix('*').unwrap_or(&folded).to_string()
    } else {
        name.to_string()
    }
}

/// Finds the header row as `options.header` says: the header record, the
/// file's delimiter and how many title rows stand above the header.
/// Problems are reported; `None` when there is no header.
fn find_header<S: LineSource>(
    records: &mut Records<S>,
    path: &Path,
    columns: &[Column],
    options: ReadOptions,
    diags: &mut Diagnostics,
) -> Option<(RawRecord, u8, usize)> {
    let key = |name: &str| header_key(name, options.loose_header);
    let has_required = |record: &RawRecord| {
        let keys: Vec<String> = record.fields.iter().map(|f| key(f.text.trim())).collect();
        columns
            .iter()
            .filter(|c| c.required)
            .all(|c| c.names().any(|n| keys.contains(&key(n))))
    };
    let mut title_rows = 0;
    let mut first_record: Option<RawRecord> = None;
    let (header, delimiter) = loop {
        let delimiter = match records.peek_line() {
            Ok(Some(line)) => delimiter_of(line),
            Ok(None) => break (None, b','),
            Err(e) => {
                report(diags, path, e);
                return None;
            }
        };
        let record = match records.next_record(delimiter) {
            Ok(Some(r)) => r,
            Ok(None) => break (None, delimiter),
            Err(e) => {
                report(diags, path, e);
                return None;
            }
        };
        let is_header = match options.header {
            HeaderAt::First => true,
            HeaderAt::Line(n) => record.line >= n,
            HeaderAt::Find => has_required(&record),
        };
        if is_header {
            break (Some(record), delimiter);
        }
        if first_record.is_none() {
            first_record = Some(record);
        }
        title_rows += 1;
        if options.header == HeaderAt::Find && title_rows >= HEADER_SEARCH_ROWS {
            break (None, delimiter);
        }
    };
    // No row holds every column: take the first one, so that the
    // missing columns are named against it.
    let header = match (header, options.header, first_record) {
        (Some(h), _, _) => h,
        (None, HeaderAt::Find, Some(first)) => {
            title_rows = 0;
            first
        }
        (None, at, first) => {
            let message = match (at, first) {
                (HeaderAt::Line(n), Some(_)) => format!("the file ends before line {n}, the header line"),
                _ => header_hint("the file is empty", columns),
            };
            diags.error(path, Some(1), Some(1), message);
            return None;
        }
    };
    if let HeaderAt::Line(n) = options.header {
        if header.line != n {
            diags.error(path, Some(n), Some(1), format!("line {n}, the header line, is blank"));
            return None;
        }
    }
    Some((header, delimiter, title_rows))
}

/// The header row as the columns are matched against it.
struct Header {
    line: u64,
    /// The names (trimmed), in order.
    names: Vec<String>,
    /// Where each name starts on the line.
    cols: Vec<u64>,
    /// Each name as [`header_key`] compares it.
    keys: Vec<String>,
}

impl Header {
    fn of(record: &RawRecord, loose: bool) -> Header {
        let names = texts(record);
        Header {
            line: record.line,
            cols: record.fields.iter().map(|f| f.column).collect(),
            keys: names.iter().map(|h| header_key(h, loose)).collect(),
            names,
        }
    }
}

/// For each of `columns` that the header has, the index of its field and
/// its name. A column the header has twice, or a required one it lacks, is
/// reported, and the result is `None`.
fn match_columns(
    header: &Header,
    columns: &[Column],
    loose: bool,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<(Vec<usize>, Vec<String>)> {
    let key = |name: &str| header_key(name, loose);
    let mut index = Vec::new();
    let mut names = Vec::new();
    let mut ok = true;
    for c in columns {
        let wanted: Vec<String> = c.names().map(key).collect();
        // The first of its names that the header has.
        let want = wanted
            .iter()
            .find(|w| header.keys.contains(w))
            .cloned()
            .unwrap_or_else(|| key(&c.name));
        let mut found = header
            .keys
            .iter()
            .enumerate()
            .filter(|(_, h)| **h == want)
            .map(|(i, _)| i);
        match (found.next(), found.next()) {
            (Some(i), None) => {
                index.push(i);
                names.push(c.name.to_string());
            }
            (Some(_), Some(again)) => {
                diags.error(
                    path,
                    Some(header.line),
                    header.cols.get(again).copied(),
                    format!("column `{}` appears twice in the header", &header.names[again]),
                );
                ok = false;
            }
            (None, _) if c.required => {
                diags.error(
                    path,
                    Some(header.line),
                    Some(1),
                    format!(
                        "missing required column `{}` (the header has: {})",
                        c.name,
                        header.names.join(", ")
                    ),
                );
                ok = false;
            }
            (None, _) => {}
        }
    }
    ok.then_some((index, names))
}

/// Warns about each header name that none of `columns` asks for.
fn warn_unknown_columns(header: &Header, columns: &[Column], loose: bool, path: &Path, diags: &mut Diagnostics) {
    for (i, h) in header.names.iter().enumerate() {
        if columns
            .iter()
            .any(|c| c.names().any(|n| header_key(n, loose) == header.keys[i]))
        {
            continue;
        }
        let known: Vec<&str> = columns.iter().map(|c| c.name.as_ref()).collect();
        diags.warning(
            path,
            Some(header.line),
            header.cols.get(i).copied(),
            format!("unknown column `{h}` is ignored (known columns: {})", known.join(", ")),
        );
    }
}
