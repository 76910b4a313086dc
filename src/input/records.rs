//! Splitting decoded text into CSV records, line by line (RFC 4180: quoted
//! fields, doubled quotes, line breaks inside quotes), with the line and
//! column where every field starts.
//!
//! One rule goes beyond RFC 4180, because a quote that is never closed
//! would otherwise swallow every row after it without a word: a quoted
//! field that runs to the end of the file, or that continues onto a line
//! that looks like a new record (a field separator and a date), is an error
//! at the line where the quote opened. The record is dropped and reading
//! goes on at the line after that one, so that the rows below are still
//! read and checked.

use std::collections::VecDeque;

use super::spelling::parse_date;

/// Where the lines of a file come from.
pub trait LineSource {
    /// Puts the next physical line, without its line break, into `buf`
    /// (cleared first). `Ok(false)` at the end of the text.
    fn next_line(&mut self, buf: &mut String) -> Result<bool, String>;
}

/// The lines of a text in memory; a line ends at `\n`, `\r\n` or a lone
/// `\r`.
pub struct TextLines<'a> {
    rest: &'a str,
}

impl<'a> TextLines<'a> {
    pub fn new(text: &'a str) -> Self {
        TextLines { rest: text }
    }
}

impl TextLines<'_> {
    /// How many bytes of the text are still to be read.
    pub fn rest_len(&self) -> usize {
        self.rest.len()
    }
}

impl LineSource for TextLines<'_> {
    fn next_line(&mut self, buf: &mut String) -> Result<bool, String> {
        buf.clear();
        if self.rest.is_empty() {
            return Ok(false);
        }
        let (line, rest) = match self.rest.find(['\n', '\r']) {
            Some(i) => {
                let after = if self.rest[i..].starts_with("\r\n") {
                    i + 2
                } else {
                    i + 1
                };
                (&self.rest[..i], &self.rest[after..])
            }
            None => (self.rest, ""),
        };
        buf.push_str(line);
        self.rest = rest;
        Ok(true)
    }
}

/// One field of a record: its text (unquoted, not trimmed) and the 1-based
/// line and character column where it starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawField {
    pub text: String,
    pub line: u64,
    pub column: u64,
}

/// One record: the line where it starts and its fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRecord {
    pub line: u64,
    pub fields: Vec<RawField>,
}

/// A problem that stops a record (or the file) from being read, at a line
/// and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    pub line: u64,
    pub column: Option<u64>,
    pub message: String,
}

/// Splits the lines of a [`LineSource`] into records. Blank lines are
/// skipped.
pub struct Records<S> {
    source: S,
    /// Lines read ahead while following a quote that turned out not to be
    /// closed; they are read again.
    again: VecDeque<(u64, String)>,
    /// The number of the last line taken from `source`.
    line: u64,
    buf: String,
    /// How many fields a record has (once the header is known), which makes
    /// a swallowed record easier to recognise.
    pub width: usize,
}

enum State {
    StartField,
    Unquoted,
    Quoted,
    /// Just after a quote inside a quoted field: a closing quote, or the
    /// first of a doubled one.
    QuoteInQuoted,
}

impl<S: LineSource> Records<S> {
    pub fn new(source: S) -> Self {
        Records {
            source,
            again: VecDeque::new(),
            line: 0,
            buf: String::new(),
            width: 0,
        }
    }

    /// The next physical line and its number.
    fn next_line(&mut self) -> Result<Option<(u64, String)>, RecordError> {
        if let Some(l) = self.again.pop_front() {
            return Ok(Some(l));
        }
        match self.source.next_line(&mut self.buf) {
            Ok(true) => {
                self.line += 1;
                Ok(Some((self.line, std::mem::take(&mut self.buf))))
            }
            Ok(false) => Ok(None),
            Err(message) => Err(RecordError {
                line: self.line + 1,
                column: None,
                message,
            }),
        }
    }

    /// The next line that is not blank, left to be read again (to choose
    /// the delimiter of a header line).
    pub fn peek_line(&mut self) -> Result<Option<&str>, RecordError> {
        loop {
            match self.next_line()? {
                None => return Ok(None),
                Some((_, t)) if t.is_empty() => continue,
                Some(l) => {
                    self.again.push_front(l);
                    return Ok(self.again.front().map(|(_, t)| t.as_str()));
                }
            }
        }
    }

    /// The next record split with `delimiter`: `Ok(None)` at the end of
    /// the text; `Err` for a record that cannot be read (reading may go on).
    pub fn next_record(&mut self, delimiter: u8) -> Result<Option<RawRecord>, RecordError> {
        let (line, text) = loop {
            match self.next_line()? {
                None => return Ok(None),
                Some((_, t)) if t.is_empty() => continue,
                Some(l) => break l,
            }
        };
        self.split(line, text, delimiter).map(Some)
    }

    /// Splits the record that starts with line `first`.
    fn split(&mut self, first: u64, text: String, delimiter: u8) -> Result<RawRecord, RecordError> {
        let delimiter = delimiter as char;
        let mut fields = Vec::new();
        let mut field = RawField {
            text: String::new(),
            line: first,
            column: 1,
        };
        let mut state = State::StartField;
        // Lines taken after `first` while inside quotes.
        let mut more: Vec<(u64, String)> = Vec::new();
        let (mut line, mut text) = (first, text);
        loop {
            for (i, c) in text.chars().enumerate() {
                state = match (state, c) {
                    (State::StartField, '"') => State::Quoted,
                    (State::StartField | State::Unquoted | State::QuoteInQuoted, c) if c == delimiter => {
                        let next = RawField {
                            text: String::new(),
                            line,
                            column: i as u64 + 2,
                        };
                        fields.push(std::mem::replace(&mut field, next));
                        State::StartField
                    }
                    (State::Quoted, '"') => State::QuoteInQuoted,
                    (State::QuoteInQuoted, '"') => {
                        field.text.push('"');
                        State::Quoted
                    }
                    (State::Quoted, c) => {
                        field.text.push(c);
                        State::Quoted
                    }
                    (_, c) => {
                        field.text.push(c);
                        State::Unquoted
                    }
                };
            }
            if !matches!(state, State::Quoted) {
                fields.push(field);
                return Ok(RawRecord { line: first, fields });
            }
            // The line break belongs to the quoted field, unless the quote
            // was never closed.
            let opened = QuoteStart::of(&field);
            let next = match self.next_line() {
                Ok(Some(l)) => l,
                Ok(None) => return Err(self.unclosed(opened, more, None)),
                Err(e) => return Err(e),
            };
            if self.looks_like_a_record(&next.1, delimiter) {
                let at = next.0;
                more.push(next);
                return Err(self.unclosed(opened, more, Some(at)));
            }
            field.text.push('\n');
            more.push(next.clone());
            (line, text) = next;
        }
    }

    /// The error for a quote that opened at `opened` and was not closed;
    /// the lines after the opening line are read again as records.
    fn unclosed(&mut self, opened: QuoteStart, more: Vec<(u64, String)>, record_at: Option<u64>) -> RecordError {
        for l in more.into_iter().rev() {
            self.again.push_front(l);
        }
        let message = match record_at {
            None => "this quoted field is never closed: the quote opened here runs to the end of the file; add the closing `\"`".to_string(),
            Some(at) => format!(
                "the quote opened here is still open on line {at}, which looks like a new row; add the closing `\"` (a line break inside quotes belongs to the field)"
            ),
        };
        RecordError {
            line: opened.line,
            column: Some(opened.column),
            message,
        }
    }

    /// Does the part of `line` before its first closing quote look like a
    /// row of its own: a field separator, and a date as one of its fields?
    fn looks_like_a_record(&self, line: &str, delimiter: char) -> bool {
        let inside = closing_quote(line).map_or(line, |i| &line[..i]);
        inside.contains(delimiter)
            && inside
                .split(delimiter)
                .any(|piece| !piece.trim().is_empty() && parse_date(piece).is_ok())
    }
}

/// Where a quoted field's quote opened.
struct QuoteStart {
    line: u64,
    column: u64,
}

impl QuoteStart {
    fn of(field: &RawField) -> QuoteStart {
        QuoteStart {
            line: field.line,
            column: field.column,
        }
    }
}

/// The byte offset of the first quote in `text` that is not doubled (a
/// quote that would close a quoted field).
fn closing_quote(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            if bytes.get(i + 1) == Some(&b'"') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record's fields, or the line and column of its error.
    type Split = Result<Vec<String>, (u64, Option<u64>)>;

    fn split_all(text: &str) -> Vec<Split> {
        let mut r = Records::new(TextLines::new(text));
        let mut out = Vec::new();
        loop {
            match r.next_record(b',') {
                Ok(None) => return out,
                Ok(Some(rec)) => out.push(Ok(rec.fields.into_iter().map(|f| f.text).collect())),
                Err(e) => out.push(Err((e.line, e.column))),
            }
        }
    }

    fn ok(fields: &[&str]) -> Split {
        Ok(fields.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn quotes_as_rfc_4180() {
        assert_eq!(
            split_all("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\n\"x\ny\",z,\n\"ab\"cd,e\"f\r"),
            [
                ok(&["a", "b,c", "say \"hi\""]),
                ok(&["x\ny", "z", ""]),
                ok(&["abcd", "e\"f"]),
            ]
        );
    }

    #[test]
    fn fields_know_their_line_and_column() {
        let mut r = Records::new(TextLines::new("h\n¥1,\"two\nlines\",x\n"));
        r.next_record(b',').unwrap();
        let rec = r.next_record(b',').unwrap().unwrap();
        let at: Vec<(u64, u64)> = rec.fields.iter().map(|f| (f.line, f.column)).collect();
        assert_eq!(at, [(2, 1), (2, 4), (3, 8)]);
    }

    #[test]
    fn an_unclosed_quote_is_an_error_where_it_opened_and_later_rows_are_read() {
        let text = "date,amount,memo\n2026-06-01,100,ok\n2026-07-01,100,\"oops\n2026-08-01,200,fine\n";
        assert_eq!(
            split_all(text),
            [
                ok(&["date", "amount", "memo"]),
                ok(&["2026-06-01", "100", "ok"]),
                Err((3, Some(16))),
                ok(&["2026-08-01", "200", "fine"]),
            ]
        );
        // Running to the end of the file, through lines of plain text.
        assert_eq!(
            split_all("a,b\n1,\"never\nclosed\nat all"),
            [ok(&["a", "b"]), Err((2, Some(3))), ok(&["closed"]), ok(&["at all"])]
        );
        // A line break inside a closed quote is part of the field.
        assert_eq!(
            split_all("d,memo\n2026-01-01,\"first, line\nsecond line\"\n"),
            [ok(&["d", "memo"]), ok(&["2026-01-01", "first, line\nsecond line"])]
        );
        // A swallowed row whose quote closes later on its line.
        assert_eq!(
            split_all("d,a,m\n2026-01-01,1,\"x\n2026-01-02,\"1,200\",y\n")[1],
            Err((2, Some(14)))
        );
    }
}
