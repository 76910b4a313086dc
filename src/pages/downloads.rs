//! "Download CSV" for the tables of the internal pages: a table in a page
//! context that carries a `csv` file name is written as that CSV file beside
//! the page, and the templates link to it (no JavaScript needed).
//!
//! The CSV holds the table as shown, with amounts written as plain numbers
//! (`¥1,234,000` → `1234000`, `15.7×` → `15.7`) so that a spreadsheet can
//! add them up, and "—" as an empty cell. It starts with a UTF-8 byte-order
//! mark: Excel then reads Japanese text correctly.

use serde::Serialize;
use serde_json::Value;

#[cfg(test)]
use super::Chart;
use super::Table;
use crate::format::currency_symbol;

/// The charts as context values, each table named `<name>.csv` (names in
/// chart order; a chart without a name or a table gets no link).
pub fn charts_with_csv<C: Serialize>(charts: &[C], names: &[String]) -> Vec<Value> {
    charts
        .iter()
        .enumerate()
        .map(|(i, chart)| {
            let mut v = serde_json::to_value(chart).expect("a chart serialises");
            if let (Some(name), Some(table)) = (names.get(i), v.get_mut("table").and_then(Value::as_object_mut)) {
                table.insert("csv".into(), Value::String(format!("{name}.csv")));
            }
            v
        })
        .collect()
}

/// A table as a context value with the CSV file `<name>.csv`.
pub fn table_with_csv<T: Serialize>(table: &T, name: &str) -> Value {
    let mut v = serde_json::to_value(table).expect("a table serialises");
    if let Some(o) = v.as_object_mut() {
        o.insert("csv".into(), Value::String(format!("{name}.csv")));
    }
    v
}

/// Every table of a page context that names a CSV file: (file name, CSV
/// text), in the order they appear. A table is an object with `head` (a
/// list of strings), `rows` (a list of lists of strings) and `csv`.
pub fn csv_files(ctx: &Value, currency: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect(ctx, currency, &mut out);
    out
}

fn collect(v: &Value, currency: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(o) => {
            if let (Some(Value::String(name)), Some(head), Some(rows)) = (o.get("csv"), o.get("head"), o.get("rows")) {
                let strings = |v: &Value| -> Option<Vec<String>> {
                    v.as_array()?.iter().map(|s| s.as_str().map(String::from)).collect()
                };
                let rows: Option<Vec<Vec<String>>> = rows.as_array().and_then(|r| r.iter().map(strings).collect());
                if let (Some(head), Some(rows)) = (strings(head), rows) {
                    out.push((name.clone(), table_csv(&Table { head, rows }, currency)));
                }
            }
            // serde_json's map is ordered by key: the walk is deterministic.
            for value in o.values() {
                collect(value, currency, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect(item, currency, out);
            }
        }
        _ => {}
    }
}

/// The table as CSV: BOM, header, rows; `\n` line ends. Every line has
/// as many cells as the widest (a cohort triangle's short rows end with
/// empty cells).
pub fn table_csv(table: &Table, currency: &str) -> String {
    let width = table
        .rows
        .iter()
        .map(Vec::len)
        .chain([table.head.len()])
        .max()
        .unwrap_or(0);
    let padded = |cells: Vec<String>| -> Vec<String> {
        let mut cells = cells;
        cells.resize(width, String::new());
        cells
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(padded(table.head.clone())).expect("writing to memory");
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c, currency)).collect();
        w.write_record(padded(cells)).expect("writing to memory");
    }
    let body = String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 cells");
    format!("\u{FEFF}{body}")
}

/// A shown cell as a spreadsheet wants it: amounts and grouped numbers
/// plain (`-¥1,200` → `-1200`, `1,234.5` → `1234.5`, `15.7×` → `15.7`),
/// "—" empty, anything else as it is (percentages such as `12.5%` are read
/// as numbers by spreadsheets already).
pub fn csv_cell(text: &str, currency: &str) -> String {
    let t = text.trim();
    if t == "—" {
        return String::new();
    }
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", t.strip_prefix('+').unwrap_or(t)),
    };
    let mut body = rest;
    if let Some(sym) = currency_symbol(currency) {
        body = body.strip_prefix(sym).unwrap_or(body);
    }
    let code = format!(" {}", currency.trim());
    body = body.strip_suffix(code.as_str()).unwrap_or(body);
    body = body.strip_suffix('×').unwrap_or(body);
    // A symbol, a code or a × came off: a plain number below is an amount.
    let marked = body.len() < rest.len();
    if is_grouped_number(body) || (marked && is_plain_number(body)) {
        format!("{sign}{}", body.replace(',', ""))
    } else {
        text.to_string()
    }
}

/// `1,234`, `12,345.67`: digits in groups of three with commas.
fn is_grouped_number(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (s.contains('.') && frac.is_empty()) {
        return false;
    }
    let groups: Vec<&str> = int.split(',').collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3)
}

/// `1234`, `12.5`.
fn is_plain_number(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_become_numbers_where_they_are_amounts() {
        let jpy = |s: &str| csv_cell(s, "JPY");
        assert_eq!(jpy("¥1,234,000"), "1234000");
        assert_eq!(jpy("-¥5,000"), "-5000");
        assert_eq!(jpy("+¥120,000"), "120000");
        assert_eq!(jpy("¥0"), "0");
        assert_eq!(jpy("1,234"), "1234");
        assert_eq!(jpy("15.7×"), "15.7");
        assert_eq!(jpy("—"), "");
        assert_eq!(jpy("12.5%"), "12.5%");
        assert_eq!(jpy("42"), "42");
        assert_eq!(jpy("October 2026"), "October 2026");
        assert_eq!(jpy("2026年10月"), "2026年10月");
        assert_eq!(jpy("Hinode Foods Co., Ltd."), "Hinode Foods Co., Ltd.");
        assert_eq!(jpy("3.8 months"), "3.8 months");
        assert_eq!(jpy("1,23"), "1,23");
        assert_eq!(jpy("¥"), "¥");
        assert_eq!(jpy("-"), "-");
        assert_eq!(csv_cell("$1,200.50", "USD"), "1200.50");
        assert_eq!(csv_cell("999.00 CHF", "CHF"), "999.00");
    }

    #[test]
    fn named_tables_are_found_anywhere_in_a_context() {
        let t = |rows: Vec<Vec<&str>>| Table {
            head: vec!["Month".into(), "Revenue".into()],
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(String::from).collect())
                .collect(),
        };
        let charts = vec![
            Chart {
                svg: "<svg/>".into(),
                table: Some(t(vec![vec!["Oct 2026", "¥8,840,000"]])),
            },
            Chart {
                svg: "<svg/>".into(),
                table: None,
            },
        ];
        let ctx = serde_json::json!({
            "charts": charts_with_csv(&charts, &["revenue".to_string(), "nothing".to_string()]),
            "deep": { "list": [table_with_csv(&t(vec![vec!["a, \"b\"", "—"]]), "other")] },
            "unnamed": t(vec![]),
        });
        let files = csv_files(&ctx, "JPY");
        assert_eq!(
            files,
            vec![
                (
                    "revenue.csv".to_string(),
                    "\u{FEFF}Month,Revenue\nOct 2026,8840000\n".to_string()
                ),
                (
                    "other.csv".to_string(),
                    "\u{FEFF}Month,Revenue\n\"a, \"\"b\"\"\",\n".to_string()
                ),
            ]
        );
        assert_eq!(ctx["charts"][0]["table"]["csv"], "revenue.csv");
        // A triangle (cohorts) is padded, not refused.
        let ragged = Table {
            head: vec!["Cohort".into(), "+0".into(), "+1".into()],
            rows: vec![
                vec!["a".into(), "100%".into(), "50%".into()],
                vec!["b".into(), "100%".into()],
            ],
        };
        assert_eq!(table_csv(&ragged, "JPY"), "\u{FEFF}Cohort,+0,+1\na,100%,50%\nb,100%,\n");
        assert!(ctx["charts"][1]["table"].is_null());
    }
}
