//! End-to-end: `casebook pdf` prints client editions with a real Chromium
//! (Debian's `chromium`), read back with poppler's `pdftotext`, `pdffonts`
//! and `pdfinfo` (`poppler-utils`): the client's name and Japanese text are
//! text, every font is embedded, the pages are A4 and numbered. A build
//! keeps a PDF while its page is unchanged. Without a browser the command
//! says what to install and touches nothing.
//!
//! Without Chromium or poppler the printing test prints a note and passes,
//! except under CI (`CI` set), where `.ci/run` installs both.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::browser::chromium;
use crate::common::*;

/// `pdftotext`, `pdffonts` and `pdfinfo` are installed (asserted under CI).
fn poppler() -> bool {
    let found = Command::new("pdffonts").arg("-v").output().is_ok();
    if !found {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        assert!(
            !ci,
            "CI is set but pdffonts is missing: install Debian's poppler-utils, as .ci/run does"
        );
        eprintln!("note: poppler-utils not found; skipping the PDF test");
    }
    found
}

fn poppler_out(tool: &str, args: &[&str], pdf: &Path) -> String {
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(pdf);
    if tool == "pdftotext" {
        cmd.arg("-"); // to stdout
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{tool} failed on {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn client_editions_print_to_a4_pdfs_with_text_and_embedded_fonts() {
    let Some(browser) = chromium() else { return };
    if !poppler() {
        return;
    }
    let p = copy_project(&repo());
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let browser = browser.to_string_lossy().into_owned();
    let (code, stdout, stderr) = run(
        p.path(),
        &[
            "pdf",
            "--edition",
            "client",
            "--client",
            "hinode-foods",
            "--client",
            "tsukimi-games",
            "--browser",
            &browser,
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("printed 2 PDFs"), "{stdout}");
    let site = p.path().join("site");
    let hinode = site.join("client/hinode-foods/hinode-foods-2026-10.pdf");
    let tsukimi = site.join("client/tsukimi-games/tsukimi-games-2026-10.pdf");
    assert!(
        !site.join("internal/clients/hinode-foods/2026-10.pdf").exists(),
        "only the client edition was asked for"
    );

    let text = poppler_out("pdftotext", &[], &hinode);
    assert!(text.contains("Hinode Foods Co., Ltd."), "{text}");
    assert!(
        text.contains("Prepared for Hinode Foods Co., Ltd. by Kumo Growth Partners"),
        "{text}"
    );
    let info = poppler_out("pdfinfo", &[], &hinode);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let compact = text.replace(' ', "");
    for page in 1..=pages {
        assert!(
            compact.contains(&format!("{page}/{pages}")),
            "page {page} of {pages} is numbered: {text}"
        );
    }
    let ja = poppler_out("pdftotext", &[], &tsukimi);
    for words in [
        "Tsukimi Games",
        "月次レビュー",
        "取り組みの成果",
        "今月のご請求",
        "決定事項",
    ] {
        assert!(ja.contains(words), "{words} is not text in the PDF:\n{ja}");
    }
    for pdf in [&hinode, &tsukimi] {
        let fonts = poppler_out("pdffonts", &[], pdf);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{fonts}");
        for row in rows {
            // name, type, encoding, emb, sub, uni, object, id: emb is fifth from the end
            // (names and types may hold spaces: `[none]  Type 3`).
            let cols: Vec<&str> = row.split_whitespace().collect();
            let emb = cols[cols.len() - 5];
            assert_eq!(emb, "yes", "a font is not embedded in {}:\n{fonts}", pdf.display());
        }
        let info = poppler_out("pdfinfo", &[], pdf);
        assert!(info.contains("(A4)"), "{info}");
    }

    // A build keeps the PDFs of unchanged pages, byte for byte...
    let before = fs::read(&hinode).unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read(&hinode).unwrap(), before);
    assert!(tsukimi.is_file());
    // ... also a build that swaps the whole site (another month first).
    let (code, _, stderr) = build(p.path(), &["--month", "2026-10", "--archive"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read(&hinode).unwrap(), before, "kept through a full rebuild");
    // A changed page loses its PDF; the others stay.
    replace_in(
        &p.path().join("content/clients/hinode-foods/notes/2026-10.md"),
        "best month of the year",
        "best month so far",
    );
    let (code, _, stderr) = build(p.path(), &["--archive"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!hinode.exists(), "the PDF of a changed page is removed with it");
    assert!(tsukimi.is_file());
    // Without the caches a build cannot tell, and removes them all.
    let (code, _, stderr) = run(p.path(), &["--no-cache", "build", "--today", "2026-11-25", "--archive"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!tsukimi.exists());
}

#[test]
fn without_a_browser_pdf_says_what_to_install_and_touches_nothing() {
    let p = copy_project(&repo());
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let before = tree(p.path());
    // No browser on PATH, none named.
    let out = casebook()
        .arg("--root")
        .arg(p.path())
        .arg("pdf")
        .env("PATH", "/nonexistent")
        .env_remove("CASEBOOK_BROWSER")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("install") && stderr.contains("chromium"), "{stderr}");
    // A named browser that does not exist.
    let out = casebook()
        .arg("--root")
        .arg(p.path())
        .args(["pdf", "--browser", "/nonexistent/chrome"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("/nonexistent/chrome"), "{stderr}");
    let out = casebook()
        .arg("--root")
        .arg(p.path())
        .arg("pdf")
        .env("CASEBOOK_BROWSER", "/nonexistent/edge")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/edge"));
    assert_eq!(tree(p.path()), before, "nothing was written or removed");
}

#[test]
fn pdf_refuses_unknown_clients_and_months_before_printing() {
    let p = copy_project(&repo());
    // No site yet.
    let (code, _, stderr) = run(p.path(), &["pdf", "--browser", "/bin/sh"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("casebook build"), "{stderr}");
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let before = tree(p.path());
    let (code, _, stderr) = run(p.path(), &["pdf", "--browser", "/bin/sh", "--client", "nobody"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no client `nobody`"), "{stderr}");
    let (code, _, stderr) = run(p.path(), &["pdf", "--browser", "/bin/sh", "--month", "2026-09"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no review of 2026-09") && stderr.contains("--month 2026-09"),
        "{stderr}"
    );
    assert_eq!(tree(p.path()), before);
}
