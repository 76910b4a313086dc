//! Snapshot tests (insta) of what a client sees: the rendered HTML of one
//! monthly review report and one chart, built from the fixed fixture in
//! `tests/fixtures/consent` with a fixed build date.
//!
//! A deliberate change to a template, a chart or a number shows up here as a
//! reviewable diff: run `cargo insta review` (or `INSTA_UPDATE=always cargo test
//! --test snapshots`), look at the new `.snap` files and commit them.

use std::fs;
use std::path::Path;

use crate::common::{build, copy_project, repo};

const REPORT: &str = "site/internal/clients/full-co/2026-03.html";

/// Builds the consent fixture (with `--today 2026-11-25`) in a fresh folder
/// and returns the bytes of the full-co report for March 2026.
fn fixture_report() -> String {
    let project = copy_project(&repo().join("tests/fixtures/consent"));
    let (code, _out, err) = build(project.path(), &[]);
    assert_eq!(code, 0, "the consent fixture must build: {err}");
    read(&project.path().join(REPORT))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The first `<svg ...>...</svg>` element of a page, as written.
fn first_svg(html: &str) -> &str {
    let start = html.find("<svg").expect("the report has an inline SVG chart");
    let len = html[start..].find("</svg>").expect("the first <svg> is closed") + "</svg>".len();
    &html[start..start + len]
}

#[test]
fn monthly_report_html() {
    let html = fixture_report();
    insta::assert_snapshot!("full_co_2026_03_report_html", html);
}

#[test]
fn first_chart_svg_of_the_report() {
    let html = fixture_report();
    let svg = first_svg(&html);
    assert!(svg.contains("<title"), "the chart has an accessible title");
    insta::assert_snapshot!("full_co_2026_03_first_chart_svg", svg);
}

#[test]
fn fixture_build_is_reproducible() {
    // The snapshots are only useful if two builds of the same input agree.
    assert_eq!(fixture_report(), fixture_report(), "two builds of the fixture differ");
}
