//! End-to-end: `casebook metrics --format csv --table ...` writes tables a
//! spreadsheet and Python's `csv` module read back exactly, with Japanese
//! names intact behind the BOM, and numbers equal to the JSON's (rates
//! rounded to 4 places).
//!
//! The Python check runs when `python3` is on PATH; under CI (`CI` set) a
//! missing `python3` fails the test (CI images have it).

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::*;

const TABLES: [&str; 4] = ["clients", "monthly", "cohorts", "channels"];

/// A copy of the sample in which Hinode Foods has a Japanese name with a
/// comma and quotes, the hardest text for a CSV cell.
fn japanese_sample() -> tempfile::TempDir {
    let dir = copy_project(&repo());
    replace_in(
        &dir.path().join("data/clients/hinode-foods/client.toml"),
        "name = \"Hinode Foods Co., Ltd.\"",
        "name = \"株式会社ひので食品, \\\"本店\\\"\"",
    );
    dir
}

const JAPANESE_NAME: &str = "株式会社ひので食品, \"本店\"";

fn python3() -> Option<&'static str> {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("python3");
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(!ci, "CI is set but python3 was not found on PATH");
    eprintln!("note: python3 not found; the Python round trip was skipped");
    None
}

/// Reads the file with Python's csv module (`utf-8-sig` drops the BOM),
/// writes the rows back with `csv.writer`, and prints the rows as JSON.
const ROUND_TRIP: &str = r#"
import csv, io, json, sys
path = sys.argv[1]
with open(path, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f))
out = io.StringIO()
csv.writer(out, lineterminator="\n").writerows(rows)
with open(path, newline="", encoding="utf-8-sig") as f:
    original = f.read()
print(json.dumps({"rows": rows, "same": out.getvalue() == original, "widths": sorted({len(r) for r in rows})}))
"#;

#[derive(serde::Deserialize)]
struct Python {
    rows: Vec<Vec<String>>,
    same: bool,
    widths: Vec<usize>,
}

fn through_python(py: &str, file: &Path) -> Python {
    let out = Command::new(py).arg("-c").arg(ROUND_TRIP).arg(file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rust_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv_rows(std::str::from_utf8(bytes).unwrap())
}

#[test]
fn every_table_round_trips_through_python_with_the_bom() {
    let project = japanese_sample();
    let out = tempfile::tempdir().unwrap();
    let py = python3();
    for table in TABLES {
        let file = out.path().join(format!("{table}.csv"));
        let (code, stdout, stderr) = run(
            project.path(),
            &["metrics", "--table", table, "--bom", "-o", file.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{table}: {stderr}");
        assert!(stdout.is_empty(), "-o writes nothing to stdout: {stdout}");
        let bytes = fs::read(&file).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{table}: no BOM");
        let rows = rust_rows(&bytes);
        assert!(rows.len() > 1, "{table}: no rows");
        let width = rows[0].len();
        assert!(rows.iter().all(|r| r.len() == width), "{table}: ragged rows");
        if let Some(py) = py {
            let p = through_python(py, &file);
            assert!(p.same, "{table}: Python's csv module writes the rows back differently");
            assert_eq!(p.rows, rows, "{table}: Python reads other cells than Rust");
            assert_eq!(p.widths, vec![width], "{table}");
        }
        if table == "clients" {
            assert!(
                rows.iter().any(|r| r[1] == JAPANESE_NAME),
                "the Japanese name did not survive: {:?}",
                rows.iter().map(|r| &r[1]).collect::<Vec<_>>()
            );
            if let Some(py) = py {
                let p = through_python(py, &file);
                assert!(p.rows.iter().any(|r| r[1] == JAPANESE_NAME));
            }
        }
    }
}

#[test]
fn csv_numbers_are_the_json_numbers() {
    let project = japanese_sample();
    let (_, json, _) = run(project.path(), &["metrics"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let num = |x: &serde_json::Value| x.as_f64();
    let close = |csv: &str, json: &serde_json::Value, what: &str| match num(json) {
        None => assert_eq!(csv, "", "{what}: null is an empty cell"),
        Some(j) => {
            let c: f64 = csv.parse().unwrap_or_else(|_| panic!("{what}: {csv:?}"));
            // Rates are rounded to 4 places, money is written as in JSON.
            assert!((c - j).abs() <= 0.00005 + 1e-12, "{what}: CSV {c} vs JSON {j}");
        }
    };

    let (code, clients, _) = run(project.path(), &["metrics", "--format", "csv"]);
    assert_eq!(code, 0);
    let rows = rust_rows(clients.as_bytes());
    let header = &rows[0];
    for column in ["bridge_t12_kind", "bridge_t12_amount"] {
        assert!(header.iter().any(|h| h == column), "{column} missing: {header:?}");
    }
    for (row, jc) in rows[1..].iter().zip(v["clients"].as_array().unwrap()) {
        assert_eq!(row[0], jc["id"].as_str().unwrap());
        for (k, cell) in header.iter().zip(row) {
            match &jc[k.as_str()] {
                serde_json::Value::Number(_) | serde_json::Value::Null => close(cell, &jc[k.as_str()], k),
                serde_json::Value::String(s) => assert_eq!(cell, s, "{k}"),
                serde_json::Value::Bool(b) => assert_eq!(cell, &b.to_string(), "{k}"),
                serde_json::Value::Array(a) => {
                    let joined: Vec<&str> = a.iter().map(|x| x.as_str().unwrap()).collect();
                    assert_eq!(cell, &joined.join(";"), "{k}");
                }
                other => panic!("{k}: {other:?}"),
            }
        }
    }

    let (_, monthly, _) = run(project.path(), &["metrics", "--table", "monthly"]);
    let rows = rust_rows(monthly.as_bytes());
    let months = v["monthly"].as_array().unwrap();
    assert_eq!(rows.len(), months.len() + 1);
    for (row, jm) in rows[1..].iter().zip(months) {
        for (k, cell) in rows[0].iter().zip(row) {
            let value = match k.strip_prefix("bridge_") {
                Some(member) => &jm["bridge"][member],
                None => &jm[k.as_str()],
            };
            if k == "month" {
                assert_eq!(cell, value.as_str().unwrap());
            } else {
                close(cell, value, k);
            }
        }
    }

    let (_, cohorts, _) = run(project.path(), &["metrics", "--table", "cohorts"]);
    let rows = rust_rows(cohorts.as_bytes());
    let expected_rows: usize = v["cohorts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["active"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows.len(), expected_rows + 1);
    let first = &v["cohorts"][0];
    for (k, row) in rows[1..].iter().take(3).enumerate() {
        assert_eq!(row[0], first["cohort"].as_str().unwrap());
        assert_eq!(row[2], k.to_string());
        close(&row[5], &first["revenue"][k], "revenue");
        close(&row[7], &first["revenue_retention"][k], "revenue_retention");
    }

    let (_, channels, _) = run(project.path(), &["metrics", "--table", "channels"]);
    let rows = rust_rows(channels.as_bytes());
    for (row, jc) in rows[1..].iter().zip(v["portfolio"]["by_channel"].as_array().unwrap()) {
        assert_eq!(row[0], jc["channel"].as_str().unwrap());
        close(&row[4], &jc["ltv_cac_ratio"], "ltv_cac_ratio");
    }
}

#[test]
fn careless_flags_are_refused_and_write_nothing() {
    let project = copy_project(&repo());
    let root = project.path();
    let invoices = root.join("data/clients/hinode-foods/invoices.csv");
    let before = fs::read(&invoices).unwrap();
    // -o onto the project's own data: refused, the file untouched.
    let (code, _, stderr) = run(
        root,
        &["metrics", "--table", "clients", "-o", invoices.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("part of the project's input"), "{stderr}");
    assert_eq!(fs::read(&invoices).unwrap(), before);
    // A table with JSON, a BOM with JSON: usage errors.
    let (code, _, stderr) = run(root, &["metrics", "--format", "json", "--table", "monthly"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--table"), "{stderr}");
    let (code, _, stderr) = run(root, &["metrics", "--format", "json", "--bom"]);
    assert_eq!(code, 2, "{stderr}");
    // An unknown table: clap lists the choices.
    let (code, _, stderr) = run(root, &["metrics", "--table", "invoices"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("clients") && stderr.contains("channels"), "{stderr}");
    // A folder that does not exist: an error, no stray temporary file.
    let out = tempfile::tempdir().unwrap();
    let missing = out.path().join("nope/clients.csv");
    let (code, _, stderr) = run(root, &["metrics", "-o", missing.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("nothing was written"), "{stderr}");
    // The same command twice gives the same file; nothing else is left beside it.
    let file = out.path().join("m.csv");
    for _ in 0..2 {
        let (code, _, stderr) = run(root, &["metrics", "--table", "monthly", "-o", file.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
    }
    let names: Vec<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["m.csv".to_string()]);
    let (_, stdout, _) = run(root, &["metrics", "--table", "monthly"]);
    assert_eq!(fs::read_to_string(&file).unwrap(), stdout);
    // --table alone means CSV; without --table the clients table.
    let (_, clients, _) = run(root, &["metrics", "--format", "csv"]);
    let (_, clients2, _) = run(root, &["metrics", "--table", "clients"]);
    assert_eq!(clients, clients2);
    assert!(clients.starts_with("id,name,"));
}
