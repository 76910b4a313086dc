//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root (the shipped sample project lives there).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a project (casebook.toml, data/, content/, templates/, static/) into a
/// fresh temporary folder.
pub fn copy_project(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["casebook.toml", "data", "content", "templates", "static"] {
        let src = from.join(part);
        if src.is_file() {
            fs::copy(&src, dir.path().join(part)).unwrap();
        } else if src.is_dir() {
            for entry in walkdir::WalkDir::new(&src) {
                let entry = entry.unwrap();
                let rel = entry.path().strip_prefix(from).unwrap();
                let dst = dir.path().join(rel);
                if entry.file_type().is_dir() {
                    fs::create_dir_all(&dst).unwrap();
                } else {
                    fs::copy(entry.path(), &dst).unwrap();
                }
            }
        }
    }
    dir
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

pub fn casebook() -> Command {
    Command::cargo_bin("casebook").unwrap()
}

/// Runs `casebook --root ROOT ARGS...` and returns (exit code, stdout, stderr).
pub fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = casebook().arg("--root").arg(root).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A build of `root` into `root/site` with a fixed build date.
pub fn build(root: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["build", "--today", "2026-11-25"];
    args.extend_from_slice(extra);
    run(root, &args)
}

/// `1234567` → `1,234,567`, written independently of casebook's own
/// formatting so that parser tests do not check the code with itself.
pub fn thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Replaces `from` by `to` in the file at `path` (which must hold it).
pub fn replace_in(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} does not hold {from:?}", path.display());
    fs::write(path, text.replace(from, to)).unwrap();
}

/// Every `src=`/`href=` value that is not a fragment or a `data:` URI, and
/// every CSS `url(` or `@import`.
pub fn external_references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [
        "src=",
        "href=",
        "xlink:href=",
        "srcset=",
        "action=",
        "poster=",
        "content=\"http",
    ] {
        for (i, _) in html.match_indices(attr) {
            let value: String = html[i + attr.len()..]
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ' ' | '>'))
                .collect();
            if !value.starts_with('#') && !value.starts_with("data:") {
                out.push(format!("{attr}{value}"));
            }
        }
    }
    for css in ["url(", "@import"] {
        if html.contains(css) {
            out.push(css.to_string());
        }
    }
    out
}
