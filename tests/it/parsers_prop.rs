//! Property tests for the parsers of user input.

use std::path::Path;
use std::str::FromStr;

use crate::common::thousands;
use proptest::prelude::*;
use rust_decimal::Decimal;

use casebook::diag::Diagnostics;
use casebook::input::{opt, parse_date, parse_money, read_rows, req};
use casebook::month::Month;

proptest! {
    #[test]
    fn money_never_panics(s in "\\PC{0,24}") {
        let _ = parse_money(&s);
    }

    #[test]
    fn money_reads_every_spelling_of_an_amount(units in 0u64..10_000_000_000, cents in 0u32..100, neg: bool, sym in 0usize..4, grouped: bool) {
        let int = units.to_string();
        let body = if grouped { thousands(&int) } else { int.clone() };
        let text = format!("{}{}{}.{:02}", if neg { "-" } else { "" }, ["", "¥", "$", "€"][sym], body, cents);
        let want = Decimal::from_str(&format!("{}{}.{:02}", if neg { "-" } else { "" }, int, cents)).unwrap();
        prop_assert_eq!(parse_money(&text).unwrap(), want);
    }

    #[test]
    fn dates_never_panic_and_round_trip(s in "\\PC{0,16}", y in 1i16..9999, m in 1i8..=12, d in 1i8..=28, slash: bool) {
        let _ = parse_date(&s);
        let sep = if slash { "/" } else { "-" };
        let text = format!("{y:04}{sep}{m:02}{sep}{d:02}");
        prop_assert_eq!(parse_date(&text).unwrap(), jiff::civil::date(y, m, d));
    }

    #[test]
    fn months_never_panic(s in "\\PC{0,10}") {
        let _ = Month::parse(&s);
    }

    #[test]
    fn csv_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut diags = Diagnostics::new();
        let cols = [req("date"), req("amount"), opt("service")];
        let mut input = b"date,amount,service\n".to_vec();
        input.extend_from_slice(&bytes);
        let _ = read_rows(&input, Path::new("x.csv"), &cols, &mut diags);
        let _ = read_rows(&bytes, Path::new("x.csv"), &cols, &mut diags);
    }
}

/// Every record of `text`, as casebook's splitter reads it; `None` when it
/// reports a quote that is never closed.
fn split_with_casebook(text: &str) -> Option<Vec<Vec<String>>> {
    use casebook::input::records::{Records, TextLines};
    let mut records = Records::new(TextLines::new(text));
    let mut out = Vec::new();
    loop {
        match records.next_record(b',') {
            Ok(Some(r)) => out.push(r.fields.into_iter().map(|f| f.text).collect()),
            Ok(None) => return Some(out),
            Err(_) => return None,
        }
    }
}

/// The same text as the `csv` crate reads it (line ends normalised first,
/// as casebook reads them).
fn split_with_csv_crate(text: &str) -> Vec<Vec<String>> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

proptest! {
    #[test]
    fn the_splitter_reads_what_the_csv_writer_wrote(
        records in proptest::collection::vec(proptest::collection::vec("[a é,\"\n\r]{0,6}", 1..5), 1..6),
        crlf: bool,
    ) {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_writer(Vec::new());
        for r in &records {
            writer.write_record(r).unwrap();
        }
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        // Line breaks inside quotes are read as `\n`, whatever was written.
        let want: Vec<Vec<String>> = records
            .iter()
            .map(|r| r.iter().map(|f| f.replace("\r\n", "\n").replace('\r', "\n")).collect())
            .collect();
        prop_assert_eq!(split_with_casebook(&text), Some(want));
    }

    #[test]
    fn the_splitter_agrees_with_the_csv_crate_on_any_text(text in "[ab ,\"\n\r]{0,40}") {
        // A quote that runs to the end of the file is an error for casebook
        // and a field for the csv crate; everything else must agree.
        if let Some(ours) = split_with_casebook(&text) {
            prop_assert_eq!(ours, split_with_csv_crate(&text));
        }
    }
}
