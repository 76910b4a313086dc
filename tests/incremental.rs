//! End-to-end: incremental builds give the same tree as clean builds, and
//! the number of threads never changes the output.

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn build_to(root: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["build", "--today", "2026-11-25", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(root, &args);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

/// Builds incrementally into `site` and cleanly into `clean`, and compares.
fn assert_incremental_equals_clean(root: &Path, step: &str) -> String {
    let stdout = build_to(root, &root.join("site"), &[]);
    let clean = root.join("clean");
    build_to(root, &clean, &["--no-cache"]);
    let (inc, cl) = (tree(&root.join("site")), tree(&clean));
    assert_eq!(
        inc.keys().collect::<Vec<_>>(),
        cl.keys().collect::<Vec<_>>(),
        "after {step}: different files"
    );
    for (path, bytes) in &inc {
        assert!(bytes == &cl[path], "after {step}: {path} differs from a clean build");
    }
    stdout
}

#[test]
fn incremental_builds_equal_clean_builds() {
    let p = copy_project(&repo());
    let root = p.path();
    let first = assert_incremental_equals_clean(root, "the first build");
    assert!(!first.contains("reused"), "{first}");
    let again = assert_incremental_equals_clean(root, "no change");
    assert!(again.contains("21 unchanged clients reused"), "{again}");

    let note = root.join("content/clients/hinode-foods/notes/2026-10.md");
    fs::write(
        &note,
        fs::read_to_string(&note).unwrap() + "\nA sentence added for the incremental test.\n",
    )
    .unwrap();
    let out = assert_incremental_equals_clean(root, "a note edit");
    assert!(out.contains("20 unchanged clients reused"), "{out}");
    let report = fs::read_to_string(root.join("site/internal/clients/hinode-foods/2026-10.html")).unwrap();
    assert!(report.contains("A sentence added for the incremental test."));

    let inv = root.join("data/clients/umi-hotels/invoices.csv");
    fs::write(
        &inv,
        fs::read_to_string(&inv).unwrap() + "2026/10/28,50000,Performance ads,upsell,Extra\n",
    )
    .unwrap();
    assert_incremental_equals_clean(root, "an invoice edit");

    fs::remove_dir_all(root.join("data/clients/kujira-marine")).unwrap();
    let _ = fs::remove_dir_all(root.join("content/clients/kujira-marine"));
    assert_incremental_equals_clean(root, "a client deletion");
    assert!(!root.join("site/internal/clients/kujira-marine").exists());

    let cfg = root.join("casebook.toml");
    fs::write(
        &cfg,
        fs::read_to_string(&cfg)
            .unwrap()
            .replace("gross_margin = 0.65", "gross_margin = 0.5"),
    )
    .unwrap();
    let out = assert_incremental_equals_clean(root, "a config change");
    assert!(
        !out.contains("reused"),
        "a config change re-renders every client: {out}"
    );

    fs::create_dir_all(root.join("templates")).unwrap();
    let report_tpl = fs::read_to_string(repo().join("templates/report.html")).unwrap();
    fs::write(
        root.join("templates/report.html"),
        report_tpl.replace("</h1>", " · custom</h1>"),
    )
    .unwrap();
    let out = assert_incremental_equals_clean(root, "a template change");
    assert!(!out.contains("reused"), "{out}");

    // A page changed by hand in site/ is not trusted: it is rendered again.
    let page = root.join("site/internal/clients/hinode-foods/index.html");
    fs::write(&page, "edited by hand").unwrap();
    assert_incremental_equals_clean(root, "a hand-edited page");
}

#[test]
fn the_number_of_threads_never_changes_the_output() {
    let p = copy_project(&repo());
    let root = p.path();
    let one = root.join("one");
    let two = root.join("two");
    let four = root.join("four");
    build_to(root, &one, &["--jobs", "1", "--archive"]);
    build_to(root, &two, &["--jobs", "2", "--archive"]);
    build_to(root, &four, &["--jobs", "4", "--archive"]);
    let (a, b, c) = (tree(&one), tree(&two), tree(&four));
    assert!(a.len() > 200);
    assert!(a == b && b == c, "the output depends on --jobs");
}
