//! The input layer seen from the command line: a quote that is never
//! closed (issue 11 item 5) is an error where it opened, in the project's
//! files and in an export, and the rows after it are still read.

use std::fs;

use crate::common::*;

#[test]
fn an_unclosed_quote_is_an_error_where_it_opened_not_a_silent_swallow() {
    let project = copy_project(&repo());
    let root = project.path();
    let invoices = root.join("data/clients/hinode-foods/invoices.csv");
    let mut text = fs::read_to_string(&invoices).unwrap();
    let line = text.lines().count() + 1;
    // The quote of the first row is never closed: without the check it
    // would swallow the three rows below, the bad date included.
    text.push_str("2026-07-01,100,Ads,,\"oops\n2026-08-01,200,Ads,,fine\n2026-13-01,300,Ads,,bad date\n2026-09-01,400,Ads,,\"closed\"\n");
    fs::write(&invoices, &text).unwrap();
    let (code, _, stderr) = run(root, &["check", "--today", "2026-11-25"]);
    assert_eq!(code, 1, "{stderr}");
    let rel = "data/clients/hinode-foods/invoices.csv";
    assert!(
        stderr.contains(&format!(
            "{rel}:{line}:21: the quote opened here is still open on line {}, which looks like a new row",
            line + 1
        )),
        "{stderr}"
    );
    // The rows after it were read and checked.
    assert!(
        stderr.contains(&format!("{rel}:{}:1: `2026-13-01` is not a calendar date", line + 2)),
        "{stderr}"
    );

    // At the end of the file, through lines of text.
    let mut text = fs::read_to_string(&invoices).unwrap();
    text.truncate(text.find("2026-07-01,100").unwrap());
    text.push_str("2026-07-01,100,Ads,,\"a memo\nthat never ends\n");
    fs::write(&invoices, &text).unwrap();
    let (code, _, stderr) = run(root, &["check", "--today", "2026-11-25"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("{rel}:{line}:21: this quoted field is never closed")),
        "{stderr}"
    );
}

#[test]
fn an_export_with_an_unclosed_quote_imports_nothing() {
    let project = copy_project(&repo());
    let root = project.path();
    let before = tree(root);
    fs::write(
        root.join("export.csv"),
        "Client,Date,Amount,Memo\nAcme,2026-10-01,100,\"oops\nAcme,2026-10-02,200,hidden\n",
    )
    .unwrap();
    let out = casebook()
        .current_dir(root)
        .args([
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
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("export.csv:2:21: the quote opened here is still open on line 3"),
        "{stderr}"
    );
    let mut after = tree(root);
    after.remove("export.csv");
    assert_eq!(after, before, "nothing was written");
}
