//! End-to-end: `casebook init` gives a project that checks clean and builds
//! at once; `casebook import invoices` splits exports by client, is
//! idempotent, and writes nothing when a row cannot be read.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::common::*;

/// Runs casebook in `dir` (so that file names in messages are as typed).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = casebook().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh project made by `casebook init`.
fn init_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run_in(dir.path(), &["init", "."]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    dir
}

fn import(dir: &Path, file: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "import",
        "invoices",
        file,
        "--client-column",
        "Client",
        "--date-column",
        "Date",
        "--amount-column",
        "Amount",
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

fn text(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The project's data and content (not exports or the built site).
fn data_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(dir)
        .into_iter()
        .filter(|(p, _)| p.starts_with("data/") || p.starts_with("content/") || p == "casebook.toml")
        .collect()
}

fn check_clean(dir: &Path) -> String {
    let (code, stdout, stderr) = run_in(dir, &["check", "--today", "2026-11-25"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stderr, "", "check printed warnings or errors");
    stdout
}

#[test]
fn init_makes_a_project_that_checks_clean_and_builds_at_once() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("reviews");
    let (code, stdout, stderr) = run_in(parent.path(), &["init", "reviews"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("created a casebook project in reviews"), "{stdout}");
    for rel in [
        "casebook.toml",
        "README.md",
        "data/clients/example-client/client.toml",
        "data/clients/example-client/invoices.csv",
        "data/clients/example-client/nps.csv",
        "data/clients/example-client/activity.csv",
        "data/clients/example-client/outcomes.csv",
        "content/clients/example-client/notes/2026-09.md",
        "content/clients/example-client/story.md",
    ] {
        assert!(root.join(rel).is_file(), "{rel}");
    }
    assert!(
        text(&root, "casebook.toml").contains("\n# "),
        "casebook.toml explains itself"
    );
    assert!(text(&root, "README.md").contains("data/clients/<id>/invoices.csv"));
    assert!(text(&root, "content/clients/example-client/story.md").contains("status = \"pending\""));

    assert_eq!(
        check_clean(&root),
        "ok: 1 client, 8 invoices, 2 NPS responses, 1 note, 1 story\n"
    );
    let (code, stdout, stderr) = run(&root, &["build", "--today", "2026-11-25"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // The one thing left to set before publishing.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("casebook.toml: warning: no base_url"), "{stderr}");
    let report = text(&root, "site/internal/clients/example-client/2026-09.html");
    assert!(
        report.contains("Qualified leads reached 58 a month"),
        "the note is in the report"
    );
    assert!(report.contains("Example Client Co., Ltd."));
    let public = text(&root, "site/public/index.html");
    assert!(!public.contains("Example Client"), "a pending story is not published");
    assert!(root.join("site/public/pages/about/index.html").is_file());
}

#[test]
fn init_is_deterministic_and_refuses_a_folder_that_is_not_empty() {
    let a = init_project();
    let b = init_project();
    assert_eq!(tree(a.path()), tree(b.path()));

    let before = tree(a.path());
    let (code, stdout, stderr) = run_in(a.path(), &["init", "."]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.contains("error: . is not empty"), "{stderr}");
    assert_eq!(tree(a.path()), before, "nothing was written");

    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let (code, _, stderr) = run_in(dir.path(), &["init", "."]);
    assert_eq!(code, 1);
    assert!(stderr.contains("not empty"), "{stderr}");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    let (code, _, stderr) = run_in(dir.path(), &["init", "notes.txt"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("notes.txt exists and is not a folder"), "{stderr}");
}

const EXPORT: &str = "\
No,Date,Client,Item,Amount,Memo
1,2026/10/05,Acme Inc.,Audit,\"¥120,000\",\"Audit, phase 1\"
2,2026/10/06,株式会社サンプル,顧問料,\"110,000\",10月分
3,2026/10/31,\"Example Client Co., Ltd.\",Monthly advisory,250000,\"Monthly advisory retainer, October 2026\"
4,2026/09/30,\"Example Client Co., Ltd.\",Monthly advisory,250000,\"Monthly advisory retainer with KPI reporting, September 2026\"
5,2026/11/05,ＡＣＭＥ　Inc.,Audit,\"120,000.00\",\"Audit, phase 2\"
6,2026/11/06,株式会社サンプル,顧問料,\"110,000\",11月分
7,2026/11/06,ExampleCo,Analytics set-up,▲15000,\"Credit note: dashboard \"\"lite\"\"\"
8,2026/09/01,Acme Inc.,Audit,\"¥120,000\",\"Audit, phase 1\"
";

const MORE: &[&str] = &["--service-column", "Item", "--description-column", "Memo"];

#[test]
fn import_splits_an_export_into_clients_and_check_stays_clean() {
    let project = init_project();
    let root = project.path();
    fs::write(root.join("export.csv"), EXPORT).unwrap();
    let (code, stdout, stderr) = import(root, "export.csv", MORE);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(
        stdout,
        "new client acme: Acme Inc.\n\
         new client sanpuru: 株式会社サンプル\n\
         imported 7 invoices for 3 clients (2 new clients); skipped 1 duplicate\n"
    );
    // A new client: a minimal client.toml with the real name, and the rows
    // sorted by date, with plain amounts.
    assert_eq!(text(root, "data/clients/acme/client.toml"), "name = \"Acme Inc.\"\n");
    assert_eq!(
        text(root, "data/clients/acme/invoices.csv"),
        "date,amount,service,kind,description\n\
         2026-09-01,120000,Audit,,\"Audit, phase 1\"\n\
         2026-10-05,120000,Audit,,\"Audit, phase 1\"\n\
         2026-11-05,120000,Audit,,\"Audit, phase 2\"\n"
    );
    // A Japanese name: the stable fallback id, the name kept as written.
    assert_eq!(
        text(root, "data/clients/sanpuru/client.toml"),
        "name = \"株式会社サンプル\"\n"
    );
    assert_eq!(
        text(root, "data/clients/sanpuru/invoices.csv"),
        "date,amount,service,kind,description\n2026-10-06,110000,顧問料,,10月分\n2026-11-06,110000,顧問料,,11月分\n"
    );
    // The existing client, found by its name and by an `aka` spelling:
    // rows appended after the file's own, September's already there.
    let example = text(root, "data/clients/example-client/invoices.csv");
    assert!(
        example.ends_with(
            "2026-09-30,250000,Monthly advisory,,\"Monthly advisory retainer with KPI reporting, September 2026\"\n\
             2026-10-31,250000,Monthly advisory,,\"Monthly advisory retainer, October 2026\"\n\
             2026-11-06,-15000,Analytics set-up,,\"Credit note: dashboard \"\"lite\"\"\"\n"
        ),
        "{example}"
    );
    assert_eq!(example.matches("September 2026").count(), 1);
    assert!(!root.join("data/clients/exampleco").exists());

    let stdout = check_clean(root);
    assert_eq!(stdout, "ok: 3 clients, 15 invoices, 2 NPS responses, 1 note, 1 story\n");
    let (code, _, stderr) = run(root, &["build", "--today", "2026-11-25"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(root.join("site/internal/clients/sanpuru/2026-11.html").is_file());
}

#[test]
fn importing_the_same_file_twice_adds_nothing() {
    let project = init_project();
    let root = project.path();
    fs::write(root.join("export.csv"), EXPORT).unwrap();
    let (code, _, stderr) = import(root, "export.csv", MORE);
    assert_eq!(code, 0, "{stderr}");
    let after_first = tree(root);
    let (code, stdout, stderr) = import(root, "export.csv", MORE);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "imported 0 invoices for 0 clients; skipped 8 duplicates\n");
    assert_eq!(tree(root), after_first, "the second import changed the project");
}

#[test]
fn overlapping_exports_add_each_invoice_once_and_repeated_rows_need_allow_duplicates() {
    let project = init_project();
    let root = project.path();
    // Two identical licence invoices on one day: probably one invoice
    // listed twice, unless the user says otherwise; the second export
    // repeats October and adds November.
    fs::write(
        root.join("october.csv"),
        "Client,Date,Amount\nAcme,2026-10-01,100\nAcme,2026-10-01,100\nAcme,2026-10-15,50\n",
    )
    .unwrap();
    fs::write(
        root.join("oct-nov.csv"),
        "Client,Date,Amount\nAcme,2026-10-01,100\nAcme,2026-10-01,100.00\nAcme,2026-10-15,50\nAcme,2026-11-01,100\n",
    )
    .unwrap();
    let args = [
        "import",
        "invoices",
        "october.csv",
        "oct-nov.csv",
        "--client-column",
        "client",
        "--date-column",
        "DATE",
        "--amount-column",
        "Amount",
    ];
    let before = data_tree(root);
    let (code, stdout, stderr) = run_in(root, &args);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        stderr,
        "october.csv:2: probably the same invoice as october.csv:3: both are for acme with the date 2026-10-01 and the amount 100; pass --allow-duplicates to import both\n\
         october.csv:3: probably the same invoice as october.csv:2: both are for acme with the date 2026-10-01 and the amount 100; pass --allow-duplicates to import both\n\
         error: 2 problems found; nothing was imported\n"
    );
    assert_eq!(data_tree(root), before, "nothing may be written");
    // Two invoices after all: each is added once however often it is listed.
    let mut allowed = args.to_vec();
    allowed.push("--allow-duplicates");
    let (code, stdout, stderr) = run_in(root, &allowed);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "new client acme: Acme\nimported 4 invoices for 1 client (1 new client); skipped 3 duplicates\n"
    );
    assert_eq!(
        text(root, "data/clients/acme/invoices.csv"),
        "date,amount,service,kind,description\n2026-10-01,100,,,\n2026-10-01,100,,,\n2026-10-15,50,,,\n2026-11-01,100,,,\n"
    );
}

#[test]
fn a_bad_row_is_reported_with_its_place_and_nothing_is_written() {
    let project = init_project();
    let root = project.path();
    let before = data_tree(root);
    fs::write(
        root.join("export.csv"),
        "Client,Date,Amount,Kind\n\
         Acme,2026-10-01,100,\n\
         Acme,2026-13-01,100,\n\
         ,2026-10-02,100,\n\
         Beta,2026-10-03,\"12,00\",\n\
         Beta,2026-10-04,5,renewal\n\
         Beta,2026-10-05,5\n\
         Beta,2026-10-06,5,upsell\n",
    )
    .unwrap();
    let (code, stdout, stderr) = import(root, "export.csv", &["--kind-column", "Kind"]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(stdout, "");
    let want = [
        "export.csv:3:6: `2026-13-01` is not a calendar date (no such day)",
        "export.csv:4:1: no client name in column `Client`",
        "export.csv:5:17: `12,00` is not an amount: commas must separate groups of three digits",
        "export.csv:6:19: unknown kind `renewal`",
        "export.csv:7: this row has 3 fields but the header has 4",
        "error: 5 problems found; nothing was imported",
    ];
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), want.len(), "{stderr}");
    for (line, want) in lines.iter().zip(want) {
        assert!(line.starts_with(want), "`{line}` should start with `{want}`\n{stderr}");
    }
    assert_eq!(data_tree(root), before, "nothing may be written");

    // A column that the export does not have.
    let (code, _, stderr) = import(root, "export.csv", &["--service-column", "Item"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("export.csv:1:1: missing required column `Item` (the header has: Client, Date, Amount, Kind)"),
        "{stderr}"
    );
    // Not a project.
    let elsewhere = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run_in(
        elsewhere.path(),
        &[
            "import",
            "invoices",
            "x.csv",
            "--client-column",
            "a",
            "--date-column",
            "b",
            "--amount-column",
            "c",
        ],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("no casebook.toml"), "{stderr}");
}

#[test]
fn japanese_names_get_stable_ids_and_one_client_per_spelling() {
    let project = init_project();
    let root = project.path();
    fs::write(
        root.join("export.csv"),
        "Client,Date,Amount\n\
         ＡＢＣ商事,2026-10-01,100\n\
         ABC商事,2026-10-02,200\n\
         株式会社サンプル,2026-10-03,300\n\
         株式会社　サンプル,2026-10-04,400\n\
         ひので食品株式会社,2026-10-05,500\n",
    )
    .unwrap();
    let (code, stdout, stderr) = import(root, "export.csv", &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "new client abc: ＡＢＣ商事\n\
         new client hinode: ひので食品株式会社\n\
         new client sanpuru: 株式会社サンプル\n\
         imported 5 invoices for 3 clients (3 new clients)\n"
    );
    // The name as first written.
    assert_eq!(text(root, "data/clients/abc/client.toml"), "name = \"ＡＢＣ商事\"\n");
    assert_eq!(
        text(root, "data/clients/sanpuru/invoices.csv"),
        "date,amount,service,kind,description\n2026-10-03,300,,,\n2026-10-04,400,,,\n"
    );
    // A client renamed by hand keeps its folder: the name finds the id.
    fs::rename(root.join("data/clients/sanpuru"), root.join("data/clients/sample")).unwrap();
    fs::write(
        root.join("november.csv"),
        "Client,Date,Amount\n株式会社サンプル,2026-11-03,300\n",
    )
    .unwrap();
    let (code, stdout, _) = import(root, "november.csv", &[]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "imported 1 invoice for 1 client\n");
    assert!(text(root, "data/clients/sample/invoices.csv").ends_with("2026-11-03,300,,,\n"));
    assert!(!root.join("data/clients/sanpuru").exists());
    check_clean(root);
}

#[test]
fn a_shift_jis_export_from_japanese_accounting_software() {
    let project = init_project();
    let root = project.path();
    let bytes = fs::read(repo().join("tests/fixtures/encodings/export-shift_jis.csv")).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err());
    fs::write(root.join("請求書.csv"), &bytes).unwrap();
    let args = [
        "import",
        "invoices",
        "請求書.csv",
        "--client-column",
        "取引先",
        "--date-column",
        "取引日",
        "--amount-column",
        "金額",
        "--service-column",
        "品目",
        "--description-column",
        "摘要",
    ];
    let (code, stdout, stderr) = run_in(root, &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "new client client-e9f156f6: ㈱髙橋商店\n\
         new client hinode-foods: Hinode Foods Co., Ltd.\n\
         new client sanpuru: 株式会社サンプル\n\
         imported 5 invoices for 3 clients (3 new clients)\n"
    );
    assert_eq!(
        text(root, "data/clients/client-e9f156f6/invoices.csv"),
        "date,amount,service,kind,description\n2026-09-05,330000,ウェブ制作,,サイト改修 ①\n2026-10-20,-33000,ウェブ制作,,値引き\n"
    );
    assert_eq!(
        text(root, "data/clients/client-e9f156f6/client.toml"),
        "name = \"㈱髙橋商店\"\n"
    );
    assert_eq!(
        text(root, "data/clients/hinode-foods/invoices.csv"),
        "date,amount,service,kind,description\n2026-10-10,550000,広告運用,,10月分\n"
    );
    // What casebook then reads is exactly what the export said.
    let project = casebook::load::load(root).project.expect("the project loads");
    let takahashi = project.clients.iter().find(|c| c.id == "client-e9f156f6").unwrap();
    let amounts: Vec<Decimal> = takahashi.invoices.iter().map(|i| i.amount).collect();
    assert_eq!(amounts, [Decimal::from(330_000), Decimal::from_str("-33000").unwrap()]);
    check_clean(root);
    // Idempotent in Shift_JIS too.
    let before = tree(root);
    let (code, stdout, _) = run_in(root, &args);
    assert_eq!(code, 0);
    assert!(stdout.ends_with("; skipped 5 duplicates\n"), "{stdout}");
    assert_eq!(tree(root), before);
}

#[test]
fn an_existing_shift_jis_invoices_file_is_kept_and_converted_to_utf8() {
    let project = init_project();
    let root = project.path();
    let file = root.join("data/clients/example-client/invoices.csv");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("date,amount,service\r\n2026/09/01,\"１２，０００円\",顧問\r\n");
    fs::write(&file, &sjis).unwrap();
    fs::write(
        root.join("export.csv"),
        "Client,Date,Amount,Item\nExample Client Co.,Ltd.,2026-09-01,12000,顧問\n",
    )
    .unwrap();
    // (A name with a comma must be quoted: that row is an error.)
    let (code, _, stderr) = import(root, "export.csv", &["--service-column", "Item"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("export.csv:2: this row has 5 fields but the header has 4"),
        "{stderr}"
    );
    assert_eq!(fs::read(&file).unwrap(), sjis.as_ref());

    fs::write(
        root.join("export.csv"),
        "Client,Date,Amount,Item\n\
         \"Example Client Co., Ltd.\",2026-09-01,12000,顧問\n\
         \"Example Client Co., Ltd.\",2026-10-01,12000,顧問\n",
    )
    .unwrap();
    let (code, stdout, stderr) = import(root, "export.csv", &["--service-column", "Item"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with("imported 1 invoice for 1 client; skipped 1 duplicate\n"),
        "{stdout}"
    );
    // The file's own lines as they were (now UTF-8, CRLF kept), the new row
    // in its column order.
    assert_eq!(
        text(root, "data/clients/example-client/invoices.csv"),
        "date,amount,service\r\n2026/09/01,\"１２，０００円\",顧問\r\n2026-10-01,12000,顧問\r\n"
    );

    // A description the file has no column for is an error, not lost.
    fs::write(
        root.join("export.csv"),
        "Client,Date,Amount,Memo\n\"Example Client Co., Ltd.\",2026-11-01,1,November\n",
    )
    .unwrap();
    let before = data_tree(root);
    let (code, _, stderr) = import(root, "export.csv", &["--description-column", "Memo"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("data/clients/example-client/invoices.csv:1: has no `description` column"),
        "{stderr}"
    );
    assert_eq!(data_tree(root), before);
}
