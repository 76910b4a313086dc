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
