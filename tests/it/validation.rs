//! End-to-end: a project with planted problems is reported in full, and a
//! failed build leaves the previous site byte-identical.

use std::fs;

use crate::common::*;

/// Each planted problem of tests/fixtures/broken, as the start of its line
/// in the report (`path:line:column: message`).
const EXPECTED: &[&str] = &[
    "data/clients/alpha/invoices.csv:3:1: `2026-13-01` is not a calendar date",
    "data/clients/alpha/invoices.csv:4:12: `12,00` is not an amount",
    "data/clients/alpha/invoices.csv:5:17: unknown kind `renewal`",
    "data/clients/beta/nps.csv:1:1: missing required column `score`",
    "data/clients/gamma/nps.csv:2:12: NPS score `11` must be a whole number from 0 to 10",
    "data/clients/Bad_Name: `Bad_Name` is not a valid client id",
    "data/clients/no-toml/client.toml: missing",
    "content/clients/alpha/story.md:3:8: invalid TOML",
    "content/clients/beta/notes/2026-01.md:3:1: invalid YAML",
    "content/clients/gamma/story.md:4:10: unknown consent status `maybe`",
    "content/clients/epsilon/story.md:3",
    "data/clients/delta/client.toml:2: `ended` 2020-01-01 is before the client's start month 2026-01",
];

const EXPECTED_WARNINGS: &[&str] = &[
    "data/clients/alpha/invoices.csv:1:18: warning: unknown column `colour`",
    "data/clients/beta/README.txt: warning: unknown file",
];

#[test]
fn check_lists_every_planted_problem() {
    let project = copy_project(&repo().join("tests/fixtures/broken"));
    let (code, stdout, stderr) = run(project.path(), &["check"]);
    assert_eq!(code, 1, "stdout: {stdout}\nstderr: {stderr}");
    for want in EXPECTED.iter().chain(EXPECTED_WARNINGS) {
        assert!(
            stderr.lines().any(|l| l.starts_with(want)),
            "missing `{want}` in:\n{stderr}"
        );
    }
    let errors = stderr
        .lines()
        .filter(|l| !l.contains(": warning: ") && !l.starts_with("error: "))
        .count();
    assert_eq!(errors, EXPECTED.len(), "unexpected extra errors:\n{stderr}");
    assert!(
        stderr.contains(&format!("error: {} problems", EXPECTED.len())),
        "{stderr}"
    );
    assert!(!stdout.contains("ok:"), "{stdout}");
}

#[test]
fn failed_build_leaves_the_previous_site_byte_identical() {
    let project = copy_project(&repo());
    let (code, _, stderr) = build(project.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let site = project.path().join("site");
    let before = tree(&site);
    assert!(before.contains_key("internal/index.html"));

    // Break one CSV and one story: the build must fail and touch nothing.
    let invoices = project.path().join("data/clients/hinode-foods/invoices.csv");
    let mut text = fs::read_to_string(&invoices).unwrap();
    text.push_str("2026-10-99,abc,,,\n");
    fs::write(&invoices, text).unwrap();
    let (code, _, stderr) = build(project.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("data/clients/hinode-foods/invoices.csv:"), "{stderr}");
    assert_eq!(tree(&site), before, "a failed build changed site/");
    let siblings: Vec<String> = fs::read_dir(project.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site"))
        .collect();
    assert!(siblings.is_empty(), "staging folders left behind: {siblings:?}");
}

#[test]
fn a_rebuild_removes_files_the_new_build_does_not_produce() {
    let project = copy_project(&repo());
    let (code, _, stderr) = build(project.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let stale = project.path().join("site/internal/stale.html");
    fs::write(&stale, "old").unwrap();
    let (code, _, stderr) = build(project.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stale.exists());
}

#[test]
fn two_builds_of_the_sample_are_identical() {
    let project = copy_project(&repo());
    let (a_dir, b_dir) = (project.path().join("a"), project.path().join("b"));
    let (code, _, stderr) = run(
        project.path(),
        &["build", "--today", "2026-11-25", "--out", a_dir.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = run(
        project.path(),
        &["build", "--today", "2026-11-25", "--out", b_dir.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let a = tree(&a_dir);
    let b = tree(&b_dir);
    assert!(a.len() > 40, "only {} files", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two builds");
    }
}

#[test]
fn check_on_the_sample_is_clean() {
    let (code, stdout, stderr) = run(&repo(), &["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "the sample must load without warnings:\n{stderr}");
    assert!(stdout.starts_with("ok: 21 clients, "), "{stdout}");
    assert!(stdout.trim_end().ends_with("5 stories"), "{stdout}");
}

#[test]
fn missing_project_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("casebook.toml: not found"), "{stderr}");
}

#[test]
fn brand_logo_must_be_an_svg_or_png_under_static() {
    let project = copy_project(&repo());
    let root = project.path();
    // The sample's logo loads.
    let (code, _, stderr) = run(root, &["check"]);
    assert_eq!(code, 0, "{stderr}");

    let logo_line = fs::read_to_string(root.join("casebook.toml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("logo = "))
        .unwrap()
        + 1;
    // Not an image: reported at the `logo` key, with what to do.
    fs::write(root.join("static/kumo-logo.svg"), "GIF89a not really").unwrap();
    let (code, _, stderr) = run(root, &["check"]);
    assert_eq!(code, 1);
    let at = format!("casebook.toml:{logo_line}:");
    assert!(
        stderr.contains(&at) && stderr.contains("static/kumo-logo.svg is not an SVG or PNG image"),
        "{stderr}"
    );
    // Missing.
    fs::remove_file(root.join("static/kumo-logo.svg")).unwrap();
    let (code, _, stderr) = run(root, &["check"]);
    assert_eq!(code, 1);
    assert!(stderr.contains(&at) && stderr.contains("not found"), "{stderr}");
}
