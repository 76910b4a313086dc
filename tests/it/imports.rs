//! Imports a bookkeeper can trust (issue 14, SPEC §8): invoice numbers,
//! duplicates and conflicts, statuses, presets tested against files laid
//! out as the real exports are (tests/fixtures/imports/), spellings, client
//! matching, dry runs and NPS surveys.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

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

/// A fresh project in `currency`, by `casebook init`.
fn project(currency: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run_in(dir.path(), &["init", "."]);
    assert_eq!(code, 0, "{stderr}");
    let toml = dir.path().join("casebook.toml");
    let text = fs::read_to_string(&toml).unwrap();
    let text: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("currency") {
                format!("currency = \"{currency}\"")
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(&toml, text.join("\n") + "\n").unwrap();
    dir
}

/// Copies a fixture of tests/fixtures/imports into the project folder.
fn fixture(root: &Path, name: &str) {
    fs::copy(repo().join("tests/fixtures/imports").join(name), root.join(name)).unwrap();
}

/// The project's data folder, file by file.
fn data(root: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(root).into_iter().filter(|(p, _)| p.starts_with("data/")).collect()
}

fn invoices(root: &Path, id: &str) -> String {
    fs::read_to_string(root.join("data/clients").join(id).join("invoices.csv")).unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn check_clean(root: &Path) {
    let (code, stdout, stderr) = run_in(root, &["check", "--today", "2026-11-25"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn xero_line_items_make_one_invoice_each_and_credit_notes_are_negative() {
    let p = project("NZD");
    let root = p.path();
    fixture(root, "xero-invoices.csv");
    let (code, stdout, stderr) = run_in(root, &["import", "invoices", "xero-invoices.csv", "--preset", "xero"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "new client kauri-design: Kauri Design Ltd\n\
         new client pohutukawa-cafe: Pohutukawa Cafe\n\
         imported 3 invoices for 2 clients (2 new clients); skipped 1 Deleted, 1 Draft, 1 Voided\n"
    );
    // INV-0001 has two lines repeating Total 2300.00 and TaxTotal 300.00:
    // taken once, before GST; the credit note is negative; `7/09/2026` is
    // 7 September.
    assert_eq!(
        invoices(root, "kauri-design"),
        "date,amount,service,kind,description,number\n\
         2026-09-07,2000,,,\"Website, phase 1\",INV-0001\n\
         2026-09-15,-100,,,Refund hosting,CN-0001\n"
    );
    check_clean(root);
    // The same export again adds nothing.
    let before = data(root);
    let (code, stdout, _) = run_in(root, &["import", "invoices", "xero-invoices.csv", "--preset", "xero"]);
    assert_eq!(code, 0);
    assert!(
        stdout.ends_with("imported 0 invoices for 0 clients; skipped 1 Deleted, 1 Draft, 1 Voided, 3 duplicates\n"),
        "{stdout}"
    );
    assert_eq!(data(root), before);
}

#[test]
fn stripe_takes_total_minus_tax_and_skips_drafts_voids_and_bad_debts() {
    let p = project("USD");
    let root = p.path();
    fixture(root, "stripe-invoices.csv");
    let (code, stdout, stderr) = run_in(
        root,
        &["import", "invoices", "stripe-invoices.csv", "--preset", "stripe"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout
            .ends_with("imported 3 invoices for 2 clients (2 new clients); skipped 1 draft, 1 uncollectible, 1 void\n"),
        "{stdout}"
    );
    // Subtotal 100, 20% off, tax 8, Total 88: revenue before tax is 80 (not
    // the Subtotal, which is before the discount); `Date (UTC)` has a time.
    assert_eq!(
        invoices(root, "harbour-analytics"),
        "date,amount,service,kind,description,number\n\
         2026-09-30,80,,,Annual plan (20% off),A1B2C3D4-0001\n\
         2026-10-31,50,,,Seats,A1B2C3D4-0002\n"
    );
    check_clean(root);
    // A USD export in a JPY project is refused, naming both currencies.
    let jpy = project("JPY");
    fixture(jpy.path(), "stripe-invoices.csv");
    let before = data(jpy.path());
    let (code, _, stderr) = run_in(
        jpy.path(),
        &["import", "invoices", "stripe-invoices.csv", "--preset", "stripe"],
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains("stripe-invoices.csv:2:81: this invoice is in USD, but the project's currency is JPY"),
        "{stderr}"
    );
    assert_eq!(data(jpy.path()), before);
}

#[test]
fn quickbooks_sales_by_customer_detail_groups_titles_and_totals() {
    let p = project("USD");
    let root = p.path();
    fixture(root, "quickbooks-sales-by-customer-detail.csv");
    let (code, stdout, stderr) = run_in(
        root,
        &[
            "import",
            "invoices",
            "quickbooks-sales-by-customer-detail.csv",
            "--preset",
            "quickbooks",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr
            .contains("quickbooks-sales-by-customer-detail.csv:14: warning: footer row `TOTAL` (no client) is skipped"),
        "{stderr}"
    );
    assert!(
        stdout.ends_with("imported 3 invoices for 2 clients (2 new clients); skipped 1 footer row; 3 title rows\n"),
        "{stdout}"
    );
    // The customer comes from its group row; invoice 1021's two lines are
    // summed; the Credit Memo is negative; dates are month-first.
    assert_eq!(
        invoices(root, "amy-s-bird-sanctuary"),
        "date,amount,service,kind,description,number\n\
         2026-10-01,175,Design,,Custom design,1021\n\
         2026-10-15,-25,Design,,Refund,1022\n"
    );
    assert_eq!(
        invoices(root, "bill-s-windsurf-shop"),
        "date,amount,service,kind,description,number\n2026-11-02,3000,Lessons,,Weekend lessons,1030\n"
    );
    check_clean(root);
}

#[test]
fn money_forward_vertical_csv_in_shift_jis_with_the_yen_byte() {
    let p = project("JPY");
    let root = p.path();
    fixture(root, "moneyforward-vertical.csv");
    let bytes = fs::read(root.join("moneyforward-vertical.csv")).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is Shift_JIS");
    assert!(
        bytes.windows(8).any(|w| w == b"\x5c110,000"),
        "amounts carry the yen byte 0x5C"
    );
    let (code, stdout, stderr) = run_in(
        root,
        &[
            "import",
            "invoices",
            "moneyforward-vertical.csv",
            "--preset",
            "moneyforward",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with("imported 2 invoices for 2 clients (2 new clients); skipped 1 下書き\n"),
        "{stdout}"
    );
    // 小計 (before consumption tax) of the invoice row, once; the item rows
    // below it are not added again.
    assert_eq!(
        invoices(root, "sanpuru"),
        "date,amount,service,kind,description,number\n2026-09-30,110000,,,9月分顧問料,MF-0001\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("data/clients/tesuto/client.toml")).unwrap(),
        "name = \"㈱テスト 御中\"\n"
    );
    check_clean(root);
}

const FREEE_LIKE: &str = "請求書番号,請求日,取引先,件名,小計,合計金額,ステータス\n\
    INV-1,2026/09/30,株式会社サンプル,顧問料,\"100,000\",\"110,000\",送付済み\n\
    INV-2,2026/10/31,株式会社サンプル,顧問料,\"100,000\",\"110,000\",取消\n\
    INV-3,2026/10/31,株式会社サンプル,顧問料,\"50,000\",\"55,000\",下書き\n\
    INV-4,2026/11/30,(株)サンプル,顧問料,\"100,000\",\"110,000\",送付済み\n";

fn import_jp(root: &Path, amount: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "import",
        "invoices",
        "export.csv",
        "--client-column",
        "取引先",
        "--date-column",
        "請求日",
        "--amount-column",
        amount,
        "--number-column",
        "請求書番号",
        "--status-column",
        "ステータス",
        "--skip-status",
        "取消,下書き",
    ];
    args.extend_from_slice(extra);
    run_in(root, &args)
}

#[test]
fn reimporting_with_the_other_amount_column_is_a_conflict_and_writes_nothing() {
    let p = project("JPY");
    let root = p.path();
    fs::write(root.join("export.csv"), FREEE_LIKE).unwrap();
    let (code, stdout, stderr) = import_jp(root, "合計金額", &[]);
    assert_eq!(code, 0, "{stderr}");
    // Cancelled and draft invoices are left out and counted; the summary
    // says which amount was taken, and a warning that it includes tax.
    assert_eq!(
        stdout,
        "new client sanpuru: 株式会社サンプル\nimported 2 invoices for 1 client (1 new client); skipped 1 下書き, 1 取消; amounts from `合計金額` (with tax), not `小計`\n"
    );
    assert_eq!(
        stderr,
        "export.csv:1: warning: the amounts are taken from `合計金額`, which includes tax, but revenue in casebook is before consumption or sales tax; pass --amount-column \"小計\" to take the amount before tax\n"
    );
    let before = data(root);
    let (code, stdout, stderr) = import_jp(root, "小計", &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stderr.contains("export.csv:2: invoice number `INV-1` is already in data/clients/sanpuru/invoices.csv:2 with other values (amount 110000 there, 100000 here)"),
        "{stderr}"
    );
    assert!(stderr.contains("export.csv:5: invoice number `INV-4`"), "{stderr}");
    assert!(
        stderr.ends_with("error: 2 problems found; nothing was imported\n"),
        "{stderr}"
    );
    assert_eq!(data(root), before, "the data folder is byte-identical");
    // The same column again: duplicates, skipped.
    let (code, stdout, _) = import_jp(root, "合計金額", &[]);
    assert_eq!(code, 0);
    assert!(
        stdout.ends_with("skipped 1 下書き, 1 取消, 2 duplicates; amounts from `合計金額` (with tax), not `小計`\n"),
        "{stdout}"
    );
    assert_eq!(data(root), before);
}

#[test]
fn a_row_with_the_date_and_amount_of_another_is_a_probable_duplicate() {
    let p = project("JPY");
    let root = p.path();
    let args = [
        "--client-column",
        "Client",
        "--date-column",
        "Date",
        "--amount-column",
        "Amount",
        "--description-column",
        "Memo",
    ];
    fs::write(
        root.join("a.csv"),
        "Client,Date,Amount,Memo\nAcme,2026-10-01,500,Audit\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(root, &[&["import", "invoices", "a.csv"][..], &args].concat());
    assert_eq!(code, 0, "{stderr}");
    fs::write(
        root.join("b.csv"),
        "Client,Date,Amount,Memo\nAcme,2026-10-01,500,Audit (phase 1)\n",
    )
    .unwrap();
    let before = data(root);
    let (code, _, stderr) = run_in(root, &[&["import", "invoices", "b.csv"][..], &args].concat());
    assert_eq!(code, 1);
    assert!(
        stderr.contains("b.csv:2: probably a duplicate of data/clients/acme/invoices.csv:2, which has the same date (2026-10-01) and amount (500) but other values; pass --allow-duplicates"),
        "{stderr}"
    );
    assert_eq!(data(root), before);
    let (code, stdout, stderr) = run_in(
        root,
        &[&["import", "invoices", "b.csv", "--allow-duplicates"][..], &args].concat(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "imported 1 invoice for 1 client\n");
    assert_eq!(invoices(root, "acme").lines().count(), 3);
}

#[test]
fn legal_forms_and_honorifics_do_not_make_new_clients() {
    let p = project("JPY");
    let root = p.path();
    fs::write(
        root.join("export.csv"),
        "Client,Date,Amount\n(株)サクラ,2026-09-01,100\n株式会社サクラ 御中,2026-10-01,200\nサクラ,2026-11-01,300\n㈱サクラ,2026-11-02,400\nｻｸﾗ 様,2026-11-03,500\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(
        root,
        &[
            "import",
            "invoices",
            "export.csv",
            "--client-column",
            "Client",
            "--date-column",
            "Date",
            "--amount-column",
            "Amount",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "new client sakura: (株)サクラ\nimported 5 invoices for 1 client (1 new client)\n"
    );
    assert_eq!(invoices(root, "sakura").lines().count(), 6);
    // The existing client is found by its name without `Co., Ltd.`, and a
    // close spelling is pointed at it.
    fs::write(
        root.join("more.csv"),
        "Client,Date,Amount\nEXAMPLE CLIENT,2026-11-10,1\nExampel Client Co.,2026-11-11,2\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(
        root,
        &[
            "import",
            "invoices",
            "more.csv",
            "--client-column",
            "Client",
            "--date-column",
            "Date",
            "--amount-column",
            "Amount",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout
            .contains("new client exampel-client: Exampel Client Co. (did you mean example-client? map it with --map)"),
        "{stdout}"
    );
    assert!(invoices(root, "example-client").contains("2026-11-10,1,"));
    // --map decides: the typo goes to the existing client.
    fs::remove_dir_all(root.join("data/clients/exampel-client")).unwrap();
    fs::write(root.join("map.csv"), "name,id\nExampel Client Co.,example-client\n").unwrap();
    fs::write(
        root.join("typo.csv"),
        "Client,Date,Amount\nExampel Client Co.,2026-11-12,3\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(
        root,
        &[
            "import",
            "invoices",
            "typo.csv",
            "--client-column",
            "Client",
            "--date-column",
            "Date",
            "--amount-column",
            "Amount",
            "--map",
            "map.csv",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "imported 1 invoice for 1 client\n");
    assert!(invoices(root, "example-client").contains("2026-11-12,3,"));
}

#[test]
fn dry_run_prints_what_would_be_added_and_writes_nothing() {
    let p = project("JPY");
    let root = p.path();
    fs::write(root.join("export.csv"), FREEE_LIKE).unwrap();
    let before = tree(root);
    let (code, stdout, stderr) = import_jp(root, "小計", &["--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "new client sanpuru: 株式会社サンプル\n\
         sanpuru: 2 invoices, total 200000 (new client)\n\
         would import 2 invoices for 1 client (1 new client); skipped 1 下書き, 1 取消; amounts from `小計` (before tax), not `合計金額`\n"
    );
    assert_eq!(stderr, "");
    assert_eq!(tree(root), before, "a dry run changes no file");
}

#[test]
fn spellings_of_exports_titles_footers_and_date_formats() {
    let p = project("JPY");
    let root = p.path();
    // A title above the header, a total below, `(1,000)`, Excel's
    // date-time and English month names.
    fs::write(
        root.join("report.csv"),
        "Invoices October 2026\nPrinted 2026-11-01\nCustomer,Date,Amount\nAcme,2026/10/01 0:00:00,\"1,000\"\nAcme,01 Oct 2026,(500)\nAcme,\"Oct 2, 2026\",\"¥2,000\"\n,Total,\"2,500\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(
        root,
        &[
            "import",
            "invoices",
            "report.csv",
            "--client-column",
            "Customer",
            "--date-column",
            "Date",
            "--amount-column",
            "Amount",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("report.csv:7: warning: footer row `Total` (no client) is skipped"),
        "{stderr}"
    );
    assert_eq!(
        stdout,
        "new client acme: Acme\nimported 3 invoices for 1 client (1 new client); skipped 1 footer row; 2 title rows\n"
    );
    assert_eq!(
        invoices(root, "acme"),
        "date,amount,service,kind,description\n2026-10-01,1000,,,\n2026-10-01,-500,,,\n2026-10-02,2000,,,\n"
    );
    // A month-first date is never guessed; --date-format reads it.
    fs::write(root.join("us.csv"), "Client,Date,Amount\nBeta,07/15/2026,5\n").unwrap();
    let base = [
        "import",
        "invoices",
        "us.csv",
        "--client-column",
        "Client",
        "--date-column",
        "Date",
        "--amount-column",
        "Amount",
    ];
    let (code, _, stderr) = run_in(root, &base);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("us.csv:2:6: `07/15/2026` has the day or the month first, which casebook never guesses"),
        "{stderr}"
    );
    assert!(stderr.contains("--date-format"), "{stderr}");
    let (code, _, stderr) = run_in(root, &[&base[..], &["--date-format", "%m/%d/%Y"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(invoices(root, "beta").contains("2026-07-15,5,"));
    // $ in a JPY project.
    fs::write(
        root.join("usd.csv"),
        "Client,Date,Amount\nBeta,2026-10-01,\"$4,500.00\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(
        root,
        &[
            "import",
            "invoices",
            "usd.csv",
            "--client-column",
            "Client",
            "--date-column",
            "Date",
            "--amount-column",
            "Amount",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains("usd.csv:2:17: `$4,500.00` is in dollars, but the project's currency is JPY"),
        "{stderr}"
    );
    // --header-row names the header line.
    let (code, _, stderr) = run_in(
        root,
        &[
            "import",
            "invoices",
            "report.csv",
            "--client-column",
            "Customer",
            "--date-column",
            "Date",
            "--amount-column",
            "Amount",
            "--header-row",
            "2",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains("report.csv:2:1: missing required column `Customer`"),
        "{stderr}"
    );
    // Presets whose layout could not be confirmed say so.
    let (code, _, stderr) = run_in(root, &["import", "invoices", "report.csv", "--preset", "freee"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("could not be confirmed from a public source"),
        "{stderr}"
    );
}

#[test]
fn invoice_numbers_in_invoices_csv_are_unique_per_client() {
    let p = project("JPY");
    let root = p.path();
    fs::write(
        root.join("data/clients/example-client/invoices.csv"),
        "date,amount,number\n2026-09-01,100,A-1\n2026-09-02,100,A-2\n2026-09-03,100,A-1\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(root, &["check", "--today", "2026-11-25"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("data/clients/example-client/invoices.csv:4:16: invoice number `A-1` is already on line 2"),
        "{stderr}"
    );
    // Any currency named in a project file must be the project's.
    fs::write(
        root.join("data/clients/example-client/invoices.csv"),
        "date,amount\n2026-09-01,\"$1,200\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(root, &["check", "--today", "2026-11-25"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("invoices.csv:2:12: `$1,200` is in dollars, but the project's currency is JPY"),
        "{stderr}"
    );
}

#[test]
fn nps_survey_exports_are_imported_once() {
    let p = project("JPY");
    let root = p.path();
    fs::write(
        root.join("survey.csv"),
        "Company,Submitted,Score,Why\nExample Client Co.,2026-10-20,9,\"Great, thanks\"\nEXAMPLE CLIENT,2026-11-20,10,\n",
    )
    .unwrap();
    let args = [
        "import",
        "nps",
        "survey.csv",
        "--client-column",
        "Company",
        "--date-column",
        "Submitted",
        "--score-column",
        "Score",
        "--comment-column",
        "Why",
    ];
    let before = tree(root);
    let (code, stdout, stderr) = run_in(root, &[&args[..], &["--dry-run"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "would import 2 NPS responses for 1 client\n");
    assert_eq!(tree(root), before);
    let (code, stdout, stderr) = run_in(root, &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "imported 2 NPS responses for 1 client\n");
    let nps = fs::read_to_string(root.join("data/clients/example-client/nps.csv")).unwrap();
    assert!(
        nps.ends_with("2026-10-20,9,,\"Great, thanks\"\n2026-11-20,10,,\n"),
        "{nps}"
    );
    let (code, stdout, _) = run_in(root, &args);
    assert_eq!(code, 0);
    assert_eq!(stdout, "imported 0 NPS responses for 0 clients; skipped 2 duplicates\n");
    check_clean(root);
    // A name that matches no client.
    fs::write(
        root.join("other.csv"),
        "Company,Submitted,Score\nNobody Ltd,2026-10-20,9\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(
        root,
        &[
            "import",
            "nps",
            "other.csv",
            "--client-column",
            "Company",
            "--date-column",
            "Submitted",
            "--score-column",
            "Score",
        ],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("no client matches `Nobody Ltd`"), "{stderr}");
}

/// An NPS import appends to the client's nps.csv as it is: after a last
/// line without its line break, under the file's own column order, with the
/// respondent; a response the file holds once and the export lists twice is
/// added once.
#[test]
fn nps_import_appends_under_the_files_own_header() {
    let p = project("JPY");
    let root = p.path();
    let nps = root.join("data/clients/example-client/nps.csv");
    fs::write(&nps, "score,date,comment,respondent\n7,2026-09-01,ok,Ito").unwrap();
    fs::write(
        root.join("survey.csv"),
        "Company,Submitted,Score,Who,Why\n\
         Example Client Co.,2026-09-01,7,Ito,ok\n\
         Example Client Co.,2026-09-01,7,Ito,ok\n\
         Example Client Co.,2026-10-20,9,Sato,fine\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(
        root,
        &[
            "import",
            "nps",
            "survey.csv",
            "--client-column",
            "Company",
            "--date-column",
            "Submitted",
            "--score-column",
            "Score",
            "--respondent-column",
            "Who",
            "--comment-column",
            "Why",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "imported 2 NPS responses for 1 client; skipped 1 duplicate\n");
    assert_eq!(
        fs::read_to_string(&nps).unwrap(),
        "score,date,comment,respondent\n7,2026-09-01,ok,Ito\n7,2026-09-01,ok,Ito\n9,2026-10-20,fine,Sato\n"
    );
    // A file that ends with its line break gets no empty line.
    fs::write(
        root.join("later.csv"),
        "Company,Submitted,Score\nExample Client Co.,2026-11-02,10\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(
        root,
        &[
            "import",
            "nps",
            "later.csv",
            "--client-column",
            "Company",
            "--date-column",
            "Submitted",
            "--score-column",
            "Score",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        fs::read_to_string(&nps).unwrap(),
        "score,date,comment,respondent\n7,2026-09-01,ok,Ito\n7,2026-09-01,ok,Ito\n9,2026-10-20,fine,Sato\n10,2026-11-02,,\n"
    );
    check_clean(root);
}

/// Lead review of issue 14: two rows of one export with the same client,
/// date and amount are probably one invoice listed twice, unless they carry
/// two different invoice numbers.
#[test]
fn rows_of_one_export_with_the_same_date_and_amount_are_probable_duplicates() {
    let p = project("JPY");
    let root = p.path();
    fs::write(
        root.join("export.csv"),
        "Client,Date,Amount,Memo,No\n\
         Acme,2026-10-01,500,Audit,A-1\n\
         Acme,2026-10-01,500,Audit follow-up,A-2\n\
         Beta,2026-10-01,500,Audit,\n\
         Beta,2026-10-01,\"¥500\",Licence,\n\
         Beta,2026-10-02,500,Licence,\n",
    )
    .unwrap();
    let args = [
        "import",
        "invoices",
        "export.csv",
        "--client-column",
        "Client",
        "--date-column",
        "Date",
        "--amount-column",
        "Amount",
        "--description-column",
        "Memo",
        "--number-column",
        "No",
    ];
    let before = data(root);
    for dry_run in [false, true] {
        let run_args = if dry_run {
            [&args[..], &["--dry-run"]].concat()
        } else {
            args.to_vec()
        };
        let (code, stdout, stderr) = run_in(root, &run_args);
        assert_eq!(code, 1, "{stdout}");
        assert_eq!(stdout, "");
        assert_eq!(
            stderr,
            "export.csv:4: probably the same invoice as export.csv:5: both are for beta with the date 2026-10-01 and the amount 500; pass --allow-duplicates to import both\n\
             export.csv:5: probably the same invoice as export.csv:4: both are for beta with the date 2026-10-01 and the amount 500; pass --allow-duplicates to import both\n\
             error: 2 problems found; nothing was imported\n"
        );
        assert_eq!(data(root), before, "nothing may be written");
    }
    let (code, stdout, stderr) = run_in(root, &[&args[..], &["--allow-duplicates"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with("imported 5 invoices for 2 clients (2 new clients)\n"),
        "{stdout}"
    );
    assert_eq!(invoices(root, "beta").lines().count(), 4);
    // Without the numbers, Acme's two invoices look like one listed twice.
    let other = project("JPY");
    fs::copy(root.join("export.csv"), other.path().join("export.csv")).unwrap();
    let (code, _, stderr) = run_in(other.path(), &args[..args.len() - 2]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("export.csv:2: probably the same invoice as export.csv:3: both are for acme"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("error: 4 problems found; nothing was imported\n"),
        "{stderr}"
    );
    // A row of a later export on the same command line with the date and
    // amount of one added from an earlier export, but other values.
    fs::write(
        other.path().join("a.csv"),
        "Client,Date,Amount,Memo\nAcme,2026-10-01,500,Audit\n",
    )
    .unwrap();
    fs::write(
        other.path().join("b.csv"),
        "Client,Date,Amount,Memo\nAcme,2026-10-01,500,Audit (v2)\n",
    )
    .unwrap();
    let before = data(other.path());
    let (code, _, stderr) = run_in(
        other.path(),
        &[&["import", "invoices", "a.csv", "b.csv"][..], &args[3..args.len() - 2]].concat(),
    );
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("b.csv:2: probably a duplicate of a.csv:2, which has the same date (2026-10-01) and amount (500) but other values"),
        "{stderr}"
    );
    assert_eq!(data(other.path()), before);
}

/// Two services billed the same amount on the same day in one export (two
/// retainers at the month's end) are two invoices, not a duplicate; the
/// same service twice is one invoice listed twice.
#[test]
fn two_services_with_the_same_date_and_amount_in_one_export_are_two_invoices() {
    let p = project("JPY");
    let root = p.path();
    let args = [
        "import",
        "invoices",
        "export.csv",
        "--client-column",
        "Client",
        "--date-column",
        "Date",
        "--amount-column",
        "Amount",
        "--service-column",
        "Service",
    ];
    fs::write(
        root.join("export.csv"),
        "Client,Date,Amount,Service\n\
         Acme,2026-10-31,300000,SEO retainer\n\
         Acme,2026-10-31,300000,Ads retainer\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(root, &args);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with("imported 2 invoices for 1 client (1 new client)\n"),
        "{stdout}"
    );
    assert_eq!(invoices(root, "acme").lines().count(), 3);

    let other = project("JPY");
    fs::write(
        other.path().join("export.csv"),
        "Client,Date,Amount,Service\n\
         Acme,2026-10-31,300000,SEO retainer\n\
         Acme,2026-11-30,300000,SEO retainer\n\
         Acme,2026-10-31,300000,SEO retainer\n",
    )
    .unwrap();
    let before = data(other.path());
    let (code, _, stderr) = run_in(other.path(), &args);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(
            "export.csv:2: probably the same invoice as export.csv:4: both are for acme with the date 2026-10-31, the amount 300000 and the service `SEO retainer`; pass --allow-duplicates"
        ),
        "{stderr}"
    );
    assert_eq!(data(other.path()), before, "nothing may be written");

    // Only two different numbers make two invoices: a numbered row and an
    // unnumbered one with the same date, amount and service are one invoice
    // listed twice.
    let third = project("JPY");
    fs::write(
        third.path().join("export.csv"),
        "Client,Date,Amount,Service,No\n\
         Acme,2026-10-31,300000,SEO retainer,INV-7\n\
         Acme,2026-10-31,300000,SEO retainer,\n",
    )
    .unwrap();
    let before = data(third.path());
    let (code, _, stderr) = run_in(third.path(), &[&args[..], &["--number-column", "No"]].concat());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("export.csv:3: probably the same invoice as export.csv:2"),
        "{stderr}"
    );
    assert_eq!(data(third.path()), before, "nothing may be written");
}

/// Lead review of issue 14: re-importing an export (here laid out like
/// Xero's, without the preset) into a client whose invoices.csv has
/// numbers, forgetting `--number-column`, stops and names the column.
#[test]
fn an_export_with_an_unnamed_number_column_stops_when_the_client_has_numbers() {
    let p = project("USD");
    let root = p.path();
    let base = [
        "import",
        "invoices",
        "export.csv",
        "--client-column",
        "ContactName",
        "--date-column",
        "InvoiceDate",
        "--amount-column",
        "SubTotal",
        "--date-format",
        "%d/%m/%Y",
    ];
    fs::write(
        root.join("export.csv"),
        "ContactName,Invoice Number,InvoiceDate,SubTotal\n\
         Kauri Design,INV-1,7/09/2026,100.00\n\
         Kauri Design,INV-2,7/10/2026,200.00\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(root, &[&base[..], &["--number-column", "Invoice Number"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with("imported 2 invoices for 1 client (1 new client)\n"),
        "{stdout}"
    );
    // A later export corrects INV-1 and adds INV-3; the user forgets the
    // number column. Compared by date and amount only, INV-1 would be
    // counted twice (100 and 110).
    fs::write(
        root.join("export.csv"),
        "ContactName,Invoice Number,InvoiceDate,SubTotal\n\
         Kauri Design,INV-1,7/09/2026,110.00\n\
         Kauri Design,INV-2,7/10/2026,200.00\n\
         Kauri Design,INV-3,7/11/2026,300.00\n",
    )
    .unwrap();
    let before = data(root);
    for extra in [&[][..], &["--dry-run"], &["--allow-duplicates"]] {
        let (code, stdout, stderr) = run_in(root, &[&base[..], extra].concat());
        assert_eq!(code, 1, "{extra:?}: {stdout}");
        assert_eq!(
            stderr,
            "export.csv:1: column `Invoice Number` looks like the invoice number, and data/clients/kauri-design/invoices.csv has invoice numbers; without --number-column the rows are compared by date and amount only and could be added twice: pass --number-column \"Invoice Number\" (if that column is not the invoice number, rename it in the export)\n\
             error: 1 problem found; nothing was imported\n",
            "{extra:?}"
        );
        assert_eq!(data(root), before, "nothing may be written");
    }
    // With the number: INV-1 is a conflict, shown with both places.
    let (code, _, stderr) = run_in(root, &[&base[..], &["--number-column", "Invoice Number"]].concat());
    assert_eq!(code, 1);
    assert!(
        stderr.contains("export.csv:2: invoice number `INV-1` is already in data/clients/kauri-design/invoices.csv:2 with other values (amount 100 there, 110 here)"),
        "{stderr}"
    );
    assert_eq!(data(root), before);
    // A client without numbers is compared as before: no stop.
    let q = project("USD");
    fs::copy(root.join("export.csv"), q.path().join("export.csv")).unwrap();
    let (code, stdout, stderr) = run_in(q.path(), &base);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with("imported 3 invoices for 1 client (1 new client)\n"),
        "{stdout}"
    );
}

/// Lead review of issue 14: a status column nobody named is warned about
/// with its values; a type column's credit notes are credits; the summary
/// says which of a tax-included and a tax-excluded amount was taken.
#[test]
fn columns_that_change_what_a_row_means_are_named() {
    let p = project("USD");
    let root = p.path();
    fs::write(
        root.join("export.csv"),
        "Customer,Date,Type,Status,Amount excl. tax,Amount incl. tax\n\
         Acme,2026-10-01,Invoice,Paid,100,110\n\
         Acme,2026-10-02,Credit Note,Paid,20,22\n\
         Acme,2026-10-03,Invoice,Draft,300,330\n\
         Acme,2026-10-04,Invoice,Void,400,440\n\
         Beta,2026-10-05,ACCRECCREDIT,paid,-5,-5.5\n",
    )
    .unwrap();
    let base = [
        "import",
        "invoices",
        "export.csv",
        "--client-column",
        "Customer",
        "--date-column",
        "Date",
        "--amount-column",
    ];
    let (code, stdout, stderr) = run_in(root, &[&base[..], &["Amount excl. tax", "--dry-run"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "export.csv:1: warning: column `Status` holds `Paid`, `Draft`, `Void`, but no --status-column is given, so every row counts as revenue whatever its status; to leave them out pass --status-column \"Status\" --skip-status \"Draft,Void\" (--status-column alone imports every row and silences this warning)\n\
         export.csv:1: warning: column `Type` marks 2 rows as credit notes (`Credit Note`, `ACCRECCREDIT`, first on line 3): their amounts are imported as negative\n"
    );
    // Acme: 100 - 20 + 300 + 400; Beta's credit stays negative.
    assert_eq!(
        stdout,
        "new client acme: Acme\n\
         new client beta: Beta\n\
         acme: 4 invoices, total 780 (new client)\n\
         beta: 1 invoice, total -5 (new client)\n\
         would import 5 invoices for 2 clients (2 new clients); amounts from `Amount excl. tax` (before tax), not `Amount incl. tax`\n"
    );
    // On a stop the warnings are printed with the errors.
    fs::write(
        root.join("twice.csv"),
        "Customer,Date,Status,Amount\nAcme,2026-10-01,Paid,100\nAcme,2026-10-01,Paid,100\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(
        root,
        &[
            "import",
            "invoices",
            "twice.csv",
            "--client-column",
            "Customer",
            "--date-column",
            "Date",
            "--amount-column",
            "Amount",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("twice.csv:1: warning: column `Status` holds `Paid`, but no --status-column is given, so every row counts as revenue whatever its status; to leave out drafts or cancelled invoices pass --status-column \"Status\" --skip-status <values>"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
    assert!(
        stderr.contains("twice.csv:3: probably the same invoice as twice.csv:2"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("error: 2 problems found; nothing was imported\n"),
        "{stderr}"
    );
    let skip = ["--status-column", "Status", "--skip-status", "Draft,Void"];
    let (code, stdout, stderr) = run_in(root, &[&base[..], &["Amount excl. tax"], &skip].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with("imported 3 invoices for 2 clients (2 new clients); skipped 1 Draft, 1 Void; amounts from `Amount excl. tax` (before tax), not `Amount incl. tax`\n"),
        "{stdout}"
    );
    assert!(!stderr.contains("Status"), "{stderr}");
    assert_eq!(
        invoices(root, "acme"),
        "date,amount,service,kind,description\n2026-10-01,100,,,\n2026-10-02,-20,,,\n"
    );
    // The tax-included column: the summary and a warning say so.
    let (code, stdout, stderr) = run_in(root, &[&base[..], &["Amount incl. tax", "--dry-run"], &skip].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with("amounts from `Amount incl. tax` (with tax), not `Amount excl. tax`\n"),
        "{stdout}"
    );
    assert!(
        stderr.contains("export.csv:1: warning: the amounts are taken from `Amount incl. tax`, which includes tax, but revenue in casebook is before consumption or sales tax; pass --amount-column \"Amount excl. tax\" to take the amount before tax\n"),
        "{stderr}"
    );
}
