//! Writing CSV: every CSV file casebook writes (an import's rows, the
//! files of a demo project) goes through the `csv` crate's writer, which
//! quotes a field exactly when it holds the delimiter, a quote or a line
//! break.

use std::io;

/// A CSV text being written in memory.
pub struct CsvOut {
    writer: csv::Writer<Vec<u8>>,
    rows: usize,
}

/// How lines end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnd {
    Lf,
    CrLf,
}

impl CsvOut {
    /// Comma separated, `\n` line ends.
    pub fn new() -> CsvOut {
        CsvOut::with(b',', LineEnd::Lf)
    }

    pub fn with(delimiter: u8, line_end: LineEnd) -> CsvOut {
        let writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(match line_end {
                LineEnd::Lf => csv::Terminator::Any(b'\n'),
                LineEnd::CrLf => csv::Terminator::CRLF,
            })
            // Rows are as wide as their callers make them.
            .flexible(true)
            .from_writer(Vec::new());
        CsvOut { writer, rows: 0 }
    }

    /// A comma-separated text that starts with this header line (not
    /// counted in [`CsvOut::rows`]).
    pub fn with_header(header: &[&str]) -> CsvOut {
        let mut out = CsvOut::new();
        out.record(header);
        out
    }

    fn record<I, T>(&mut self, fields: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        // Into memory, with any number of fields allowed, this cannot fail;
        // the only error left, a failed flush, surfaces in `into_bytes`.
        let _ = self.writer.write_record(fields);
    }

    /// Writes one row.
    pub fn row<I, T>(&mut self, fields: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.record(fields);
        self.rows += 1;
    }

    /// How many rows were written (the header aside).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The text written.
    pub fn into_bytes(self) -> io::Result<Vec<u8>> {
        self.writer.into_inner().map_err(|e| e.into_error())
    }
}

impl Default for CsvOut {
    fn default() -> Self {
        CsvOut::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_quotes() {
        let mut out = CsvOut::with_header(&["date", "memo"]);
        out.row(["2026-01-01", "a, b"]);
        out.row(["2026-01-02", "say \"hi\""]);
        out.row(["2026-01-03", "two\nlines"]);
        out.row(["2026-01-04", "¥1,200"]);
        assert_eq!(out.rows(), 4);
        assert_eq!(
            String::from_utf8(out.into_bytes().unwrap()).unwrap(),
            "date,memo\n2026-01-01,\"a, b\"\n2026-01-02,\"say \"\"hi\"\"\"\n2026-01-03,\"two\nlines\"\n2026-01-04,\"¥1,200\"\n"
        );
        let mut tabs = CsvOut::with(b'\t', LineEnd::CrLf);
        tabs.row(["a, b", "c\td"]);
        assert_eq!(tabs.into_bytes().unwrap(), b"a, b\t\"c\td\"\r\n");
    }
}
