//! Reading one CSV file into rows of named fields, with the position of
//! every field for error messages (SPEC §1.2: UTF-8 with or without BOM,
//! comma separated, header line required, columns in any order, CRLF or LF).

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostics;

/// A column a file format knows about.
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

pub const fn req(name: &'static str) -> Column {
    Column { name, required: true }
}

pub const fn opt(name: &'static str) -> Column {
    Column { name, required: false }
}

/// One data row: the known columns that it has, each with its text and
/// 1-based column, and the row's 1-based line.
pub struct Row {
    pub line: u64,
    fields: BTreeMap<&'static str, (String, u64)>,
}

impl Row {
    /// The trimmed text of a column, `""` when the column is absent.
    pub fn get(&self, name: &str) -> &str {
        self.fields.get(name).map(|(v, _)| v.as_str()).unwrap_or("")
    }

    /// The 1-based character column where the field starts.
    pub fn column(&self, name: &str) -> Option<u64> {
        self.fields.get(name).map(|(_, c)| *c)
    }
}

/// Reads `bytes` as a CSV file with the given columns. Problems are added to
/// `diags` against `path`; rows with structural problems are skipped, the
/// rest are returned. Returns `None` when the file cannot be read at all.
pub fn read_rows(bytes: &[u8], path: &Path, columns: &[Column], diags: &mut Diagnostics) -> Option<Vec<Row>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) =
                crate::diag::line_col(&String::from_utf8_lossy(&bytes[..e.valid_up_to()]), e.valid_up_to());
            diags.error(
                path,
                Some(line),
                Some(col),
                "the file is not UTF-8 text; save it as \"CSV UTF-8\"",
            );
            return None;
        }
    };
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
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.error(path, Some(1), Some(1), format!("cannot read the header line: {e}"));
            return None;
        }
    };
    let header_cols = field_columns(text.lines().next().unwrap_or(""));
    let mut index: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut ok = true;
    for (i, h) in headers.iter().enumerate() {
        let col = header_cols.get(i).copied();
        match columns.iter().find(|c| c.name == h) {
            Some(c) => {
                if index.insert(c.name, i).is_some() {
                    diags.error(path, Some(1), col, format!("column `{h}` appears twice in the header"));
                    ok = false;
                }
            }
            None => {
                let known: Vec<&str> = columns.iter().map(|c| c.name).collect();
                diags.warning(
                    path,
                    Some(1),
                    col,
                    format!("unknown column `{h}` is ignored (known columns: {})", known.join(", ")),
                );
            }
        }
    }
    for c in columns.iter().filter(|c| c.required) {
        if !index.contains_key(c.name) {
            let have: Vec<&str> = headers.iter().collect();
            diags.error(
                path,
                Some(1),
                Some(1),
                format!(
                    "missing required column `{}` (the header has: {})",
                    c.name,
                    have.join(", ")
                ),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| {
                    let start = (p.byte() as usize).min(text.len());
                    text.as_bytes()[..start].iter().filter(|b| **b == b'\n').count() as u64 + 1
                });
                diags.error(
                    path,
                    line,
                    None,
                    format!("cannot read this row: {}", csv_error_text(&e)),
                );
                continue;
            }
        };
        let pos = record.position().expect("records from a reader have positions");
        // Count lines from the byte offset: csv's own line count skips
        // blank lines.
        let mut start = (pos.byte() as usize).min(text.len());
        while text.as_bytes().get(start) == Some(&b'\n') {
            start += 1;
        }
        let line = text.as_bytes()[..start].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            diags.error(
                path,
                Some(line),
                None,
                format!(
                    "this row has {} fields but the header has {}",
                    record.len(),
                    headers.len()
                ),
            );
            continue;
        }
        let line_text = text[start..].lines().next().unwrap_or("");
        let cols = field_columns(line_text);
        let fields = index
            .iter()
            .map(|(name, &i)| {
                (
                    *name,
                    (
                        record.get(i).unwrap_or("").to_string(),
                        cols.get(i).copied().unwrap_or(1),
                    ),
                )
            })
            .collect();
        rows.push(Row { line, fields });
    }
    Some(rows)
}

fn header_hint(what: &str, columns: &[Column]) -> String {
    let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
    format!("{what}; it needs at least a header line such as `{}`", names.join(","))
}

fn csv_error_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".into(),
        _ => e.to_string(),
    }
}

/// 1-based character column where each field of a CSV line starts,
/// following quotes. (A quoted field spanning lines is rare in these files;
/// its later fields get approximate columns.)
fn field_columns(line: &str) -> Vec<u64> {
    let mut cols = vec![1];
    let mut in_quotes = false;
    for (i, ch) in line.chars().enumerate() {
        match ch {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => cols.push(i as u64 + 2),
            _ => {}
        }
    }
    cols
}

/// Parses a plain number (activity values, outcomes), allowing thousands
/// separators in groups of three.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let bad = || format!("`{t}` is not a number");
    if t.is_empty() {
        return Err(bad());
    }
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    let int_part = unsigned.split('.').next().unwrap_or("");
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        if !(1..=3).contains(&groups[0].len()) || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(bad());
        }
    }
    let cleaned: String = t.chars().filter(|c| *c != ',').collect();
    if !cleaned.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') {
        return Err(bad());
    }
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn not_utf8_is_an_error() {
        let mut d = Diagnostics::new();
        assert!(read_rows(b"date,amount\n\x82\xa0,1\n", Path::new("i.csv"), COLS, &mut d).is_none());
        assert!(d.has_errors());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1,234.5").unwrap(), 1234.5);
        assert_eq!(parse_number("-3").unwrap(), -3.0);
        for bad in ["", "1,23", "abc", "1e9", "NaN", "inf"] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
    }
}
