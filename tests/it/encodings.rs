//! CSV as spreadsheets write it, in real bytes: Shift_JIS/CP932 (with the
//! NEC and IBM characters only CP932 has), UTF-16 LE/BE with BOM, UTF-8 with
//! BOM; full-width amounts, `▲` negatives and `年月日` dates. The fixtures in
//! tests/fixtures/encodings/ come from Python's codecs (see make.py there);
//! the other bytes here come from encoding_rs's encoder or are written out.

use std::fs;
use std::path::Path;
use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use casebook::diag::Diagnostics;
use casebook::input::{self, NOT_TEXT, TextEncoding, opt, parse_date, parse_money, read_rows, req};
use casebook::load::load;
use casebook::model::{Client, InvoiceKind};

use crate::common::*;

fn fixture(name: &str) -> Vec<u8> {
    fs::read(repo().join("tests/fixtures/encodings").join(name)).unwrap()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn day(y: i16, m: i8, dd: i8) -> jiff::civil::Date {
    jiff::civil::date(y, m, dd)
}

/// A one-client project whose files are the given bytes.
fn project_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("casebook.toml"), "title = \"T\"\ncurrency = \"JPY\"\n").unwrap();
    let client = dir.path().join("data/clients/kaisha");
    fs::create_dir_all(&client).unwrap();
    fs::write(client.join("client.toml"), "name = \"株式会社カイシャ\"\n").unwrap();
    for (name, bytes) in files {
        fs::write(client.join(name), bytes).unwrap();
    }
    dir
}

fn load_client(files: &[(&str, &[u8])]) -> Client {
    let dir = project_with(files);
    let loaded = load(dir.path());
    let all: Vec<String> = loaded.diagnostics.into_vec().iter().map(|x| x.to_string()).collect();
    assert!(all.is_empty(), "{all:?}");
    loaded.project.unwrap().clients.remove(0)
}

fn amounts_and_dates(c: &Client) -> Vec<(jiff::civil::Date, Decimal)> {
    c.invoices.iter().map(|i| (i.date, i.amount)).collect()
}

#[test]
fn excel_shift_jis_invoices_load_with_exact_amounts_and_dates() {
    let bytes = fixture("invoices-shift_jis.csv");
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture must not be UTF-8");
    assert_eq!(input::decode(&bytes).unwrap().encoding, TextEncoding::ShiftJis);
    let c = load_client(&[("invoices.csv", &bytes)]);
    assert_eq!(
        amounts_and_dates(&c),
        vec![
            (day(2026, 4, 1), d("12000")),
            (day(2026, 5, 1), d("12000")),
            (day(2026, 6, 1), d("12000")),
            (day(2026, 6, 30), d("-3000")),
            (day(2026, 7, 1), d("-2000")),
            (day(2026, 7, 15), d("-1500")),
        ]
    );
    let desc: Vec<&str> = c.invoices.iter().map(|i| i.description.as_str()).collect();
    // NEC row 13 (①, ㈱, №), NEC-selected IBM extensions (髙 EE E0, 﨑 ED 95,
    // ⅲ EE F1). 81 60 is read as the full-width tilde, as Windows does.
    assert_eq!(
        desc,
        [
            "㈱サンプル 4月分 ①",
            "髙橋様 ご依頼分",
            "山﨑 ⅲ期 4月～6月",
            "値引き №12",
            "返金",
            "調整 ∵"
        ]
    );
    assert_eq!(c.invoices[0].service, "顧問契約");
    assert_eq!(c.invoices[0].kind, InvoiceKind::New);
    // Lines count in the decoded text, CRLF or not.
    assert_eq!(
        c.invoices.iter().map(|i| i.line).collect::<Vec<_>>(),
        [2, 3, 4, 5, 6, 7]
    );
}

#[test]
fn shift_jis_activity_with_full_width_numbers() {
    let invoices = fixture("invoices-shift_jis.csv");
    let activity = fixture("activity-shift_jis.csv");
    let c = load_client(&[("invoices.csv", &invoices), ("activity.csv", &activity)]);
    let rows: Vec<(jiff::civil::Date, &str, f64)> = c
        .activity
        .iter()
        .map(|a| (a.date, a.metric.as_str(), a.value))
        .collect();
    assert_eq!(
        rows,
        [
            (day(2026, 4, 10), "面談", 2.0),
            (day(2026, 5, 12), "面談", 1.0),
            (day(2026, 5, 20), "問合せ", 1200.0)
        ]
    );
}

#[test]
fn utf16_little_endian_tab_separated_as_excel_unicode_text() {
    let bytes = fixture("invoices-utf16le-tab.csv");
    assert_eq!(&bytes[..2], b"\xFF\xFE");
    let c = load_client(&[("invoices.csv", &bytes)]);
    assert_eq!(
        amounts_and_dates(&c),
        [(day(2026, 4, 1), d("12000")), (day(2026, 5, 1), d("12000"))]
    );
    assert_eq!(c.invoices[0].description, "①髙橋様");
    assert_eq!(c.invoices[1].description, "𠮷野家 (U+20BB7, a surrogate pair)");
}

#[test]
fn utf16_big_endian_and_utf8_with_bom() {
    let c = load_client(&[("invoices.csv", &fixture("invoices-utf16be.csv"))]);
    assert_eq!(amounts_and_dates(&c), [(day(2026, 4, 1), d("12000"))]);
    assert_eq!(c.invoices[0].description, "㈱サンプル");
    let c = load_client(&[("invoices.csv", &fixture("invoices-utf8-bom.csv"))]);
    assert_eq!(amounts_and_dates(&c), [(day(2026, 4, 1), d("12000"))]);
    assert_eq!(c.invoices[0].description, "①");
}

#[test]
fn encoding_rs_encoded_shift_jis_round_trips() {
    let text = "date,amount,service,kind,description\r\n\
                2026年10月1日,\"￥１，２３４，５６７\",ＳＥＯ対策,upsell,㈲テスト ⑳ Ⅹ ㍉ 髙\r\n\
                2026/10/31,▲１００,ＳＥＯ対策,,返金\r\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    // The WHATWG encoder writes 髙 as the IBM extension FB FC.
    assert!(bytes.windows(2).any(|w| w == b"\xFB\xFC"));
    let c = load_client(&[("invoices.csv", &bytes)]);
    assert_eq!(
        amounts_and_dates(&c),
        [(day(2026, 10, 1), d("1234567")), (day(2026, 10, 31), d("-100"))]
    );
    assert_eq!(c.invoices[0].service, "ＳＥＯ対策");
    assert_eq!(c.invoices[0].description, "㈲テスト ⑳ Ⅹ ㍉ 髙");
    assert_eq!(c.invoices[0].kind, InvoiceKind::Upsell);
}

#[test]
fn cp932_only_bytes_written_out() {
    // ① 87 40, ㈱ 87 8A, № 87 82 (NEC row 13); 髙 as NEC-selected IBM
    // extension EE E0 and as IBM extension FB FC; ⅰ FA 40; 﨑 FA B1.
    let mut bytes = b"date,amount,description\r\n2026/10/01,1,".to_vec();
    bytes.extend_from_slice(b"\x87\x40\x87\x8A\x87\x82\xEE\xE0\xFB\xFC\xFA\x40\xFA\xB1\r\n");
    let mut diags = Diagnostics::new();
    let cols = [req("date"), req("amount"), opt("description")];
    let rows = read_rows(&bytes, Path::new("x.csv"), &cols, &mut diags).unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(rows[0].get("description"), "①㈱№髙髙ⅰ﨑");
    assert_eq!(rows[0].column("description"), Some(14));
}

#[test]
fn error_positions_refer_to_the_decoded_text() {
    // An amount error after multi-byte Shift_JIS text: the column counts
    // characters, not bytes.
    let (bytes, _, _) =
        encoding_rs::SHIFT_JIS.encode("description,amount,date\r\n㈱髙橋商店,１２，００,2026/10/01\r\n");
    let dir = project_with(&[("invoices.csv", &bytes)]);
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "data/clients/kaisha/invoices.csv:2:7: `１２，００` is not an amount: commas must separate groups of three digits"
        ),
        "{stderr}"
    );
    // The same in UTF-16LE.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "date,amount\r\n2026年13月1日,1\r\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let dir = project_with(&[("invoices.csv", &utf16)]);
    let (_, _, stderr) = run(dir.path(), &["check"]);
    assert!(
        stderr.contains("data/clients/kaisha/invoices.csv:2:1: `2026年13月1日` is not a calendar date"),
        "{stderr}"
    );
}

#[test]
fn bytes_that_are_no_known_encoding_are_reported_at_their_place() {
    let dir = project_with(&[("invoices.csv", &fixture("invoices-not-text.csv"))]);
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(&format!("data/clients/kaisha/invoices.csv:3:13: {NOT_TEXT}")),
        "{stderr}"
    );
    assert!(NOT_TEXT.contains("neither UTF-8, UTF-16 nor Shift_JIS; save it as \"CSV UTF-8\""));
}

/// Characters that Japanese spreadsheets put into amount and date cells.
fn japanese_chars() -> impl Strategy<Value = String> {
    let alphabet: Vec<char> =
        "0123456789０１２３４５６７８９,，.．-－−▲△¥￥円年月日/／ 　$JPY①²½ｱ\u{301C}\u{FEFF}\t\"e"
            .chars()
            .collect();
    proptest::collection::vec(proptest::sample::select(alphabet), 0..20).prop_map(|v| v.into_iter().collect())
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | ',' | '.' | '-' | '/' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            _ => c,
        })
        .collect()
}

proptest! {
    #[test]
    fn parsers_never_panic_on_any_string(s in "\\PC{0,32}", j in japanese_chars()) {
        for text in [&s, &j] {
            let _ = parse_money(text);
            let _ = parse_date(text);
            let _ = input::parse_number(text);
        }
    }

    #[test]
    fn parsers_never_panic_on_any_unicode(s in any::<String>()) {
        let _ = parse_money(&s);
        let _ = parse_date(&s);
        let _ = input::parse_number(&s);
    }

    #[test]
    fn full_width_and_triangle_amounts_read_like_ascii(units in 0u64..10_000_000_000, neg: bool, style in 0usize..4, yen: bool) {
        let digits = units.to_string();
        let ascii = thousands(&digits);
        let body = full_width(&ascii);
        let sign = if neg { ["-", "▲", "△", "－"][style] } else { "" };
        let text = if yen { format!("{sign}￥{body}") } else { format!("{sign}{body}円") };
        let want = if neg { -d(&digits) } else { d(&digits) };
        prop_assert_eq!(parse_money(&text).unwrap(), want);
    }

    #[test]
    fn japanese_dates_read_like_iso(y in 1i16..9999, m in 1i8..=12, dd in 1i8..=28, wide: bool, pad: bool) {
        let text = if pad { format!("{y:04}年{m:02}月{dd:02}日") } else { format!("{y:04}年{m}月{dd}日") };
        let text = if wide { full_width(&text) } else { text };
        prop_assert_eq!(parse_date(&text).unwrap(), day(y, m, dd));
        let slashed = full_width(&format!("{y:04}/{m:02}/{dd:02}"));
        prop_assert_eq!(parse_date(&slashed).unwrap(), day(y, m, dd));
    }

    #[test]
    fn decode_never_panics_and_keeps_utf8_as_is(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        match input::decode(&bytes) {
            Ok(decoded) => {
                if let Ok(text) = std::str::from_utf8(&bytes) {
                    prop_assert_eq!(decoded.text.as_ref(), text.strip_prefix('\u{FEFF}').unwrap_or(text));
                }
            }
            Err(e) => {
                prop_assert!(e.line >= 1 && e.column >= 1);
            }
        }
    }

    #[test]
    fn shift_jis_csv_round_trips_through_the_reader(
        rows in proptest::collection::vec((2000i16..2100, 1i8..=12, 1i8..=28, -1_000_000i64..1_000_000, "[ぁ-んァ-ヶ①-⑳㈱㈲髙﨑顧問料値引]{1,8}"), 1..8),
    ) {
        let mut text = String::from("date,amount,description\r\n");
        for (y, m, dd, amount, desc) in &rows {
            let amount_text = if *amount < 0 { format!("▲{}", full_width(&thousands(&(-amount).to_string()))) } else { full_width(&thousands(&amount.to_string())) };
            text.push_str(&format!("{y}年{m}月{dd}日,\"{amount_text}\",{desc}\r\n"));
        }
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
        prop_assume!(!unmappable);
        let mut diags = Diagnostics::new();
        let cols = [req("date"), req("amount"), opt("description")];
        let read = read_rows(&bytes, Path::new("x.csv"), &cols, &mut diags).unwrap();
        prop_assert!(diags.is_empty());
        prop_assert_eq!(read.len(), rows.len());
        for (row, (y, m, dd, amount, desc)) in read.iter().zip(&rows) {
            prop_assert_eq!(parse_date(row.get("date")).unwrap(), day(*y, *m, *dd));
            prop_assert_eq!(parse_money(row.get("amount")).unwrap(), Decimal::from(*amount));
            prop_assert_eq!(row.get("description"), desc.as_str());
        }
    }
}
