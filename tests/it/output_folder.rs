//! `--out` never destroys what casebook did not make: the output-folder
//! rule (docs/data-format.md, "The output folder"), end to end.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::common::*;

/// Every entry under `dir` (folders as `name/`, links as `name@`) with the
/// bytes of the files: what a refused build must leave exactly as it was.
/// The load cache (`.casebook-cache/`, which any command reading the
/// project may update) is left out.
fn everything(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let walk = walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name().into_iter();
    for entry in walk.filter_entry(|e| e.file_name() != ".casebook-cache") {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if entry.file_type().is_symlink() {
            out.insert(format!("{rel}@"), Vec::new());
        } else if entry.file_type().is_dir() {
            out.insert(format!("{rel}/"), Vec::new());
        } else {
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// A copy of the sample project at `<tmp>/p`.
fn sample_in_folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let project = copy_project(&repo());
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p");
    fs::rename(project.path(), &p).unwrap_or_else(|_| {
        // Another file system: copy instead.
        for (rel, bytes) in tree(project.path()) {
            let to = p.join(rel);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::write(to, bytes).unwrap();
        }
    });
    (dir, p)
}

/// Builds `p` into `out` and checks that it was refused with `says` and
/// that nothing under `watch` changed.
fn assert_refused(p: &Path, out: &Path, watch: &Path, says: &str) {
    let before = everything(watch);
    let (code, stdout, stderr) = build(p, &["--out", out.to_str().unwrap()]);
    assert_eq!(code, 1, "--out {} was not refused:\n{stdout}\n{stderr}", out.display());
    assert!(stderr.contains(says), "--out {}: {stderr}", out.display());
    assert!(stderr.contains("nothing was built"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        everything(watch) == before,
        "--out {} changed {}",
        out.display(),
        watch.display()
    );
}

#[test]
fn a_folder_of_someone_else_is_refused_and_left_as_it_was() {
    let (dir, p) = sample_in_folder();
    let mine = dir.path().join("my-documents");
    fs::create_dir_all(mine.join("photos")).unwrap();
    fs::write(mine.join("thesis.docx"), "years of work").unwrap();
    fs::write(mine.join("photos/a.jpg"), "a photo").unwrap();
    assert_refused(
        &p,
        &mine,
        dir.path(),
        "casebook did not write (`photos`, `thesis.docx`) and no .casebook-output",
    );
    // A hidden file is a file too.
    let hidden = dir.path().join("hidden");
    fs::create_dir_all(&hidden).unwrap();
    fs::write(hidden.join(".env"), "SECRET=1").unwrap();
    assert_refused(&p, &hidden, dir.path(), "`.env`");
    // A file where the folder would go.
    let file = dir.path().join("site.html");
    fs::write(&file, "a page").unwrap();
    assert_refused(&p, &file, dir.path(), "not a folder");
}

#[test]
fn the_project_and_its_parts_are_never_an_output() {
    let (dir, p) = sample_in_folder();
    let abs = fs::canonicalize(&p).unwrap();
    for (out, says) in [
        (p.join("data"), "is the project's data/ folder"),
        (
            p.join("data/clients/hinode-foods"),
            "is inside the project's data/ folder",
        ),
        (p.join("content"), "is the project's content/ folder"),
        (p.join("templates"), "is the project's templates/ folder"),
        (p.join("static"), "is the project's static/ folder"),
        (p.join("casebook.toml"), "is the project's casebook.toml"),
        (abs.clone(), "is the project folder"),
        (p.join("site/.."), "is the project folder"),
        (dir.path().to_path_buf(), "contains the project folder"),
    ] {
        assert_refused(&p, &out, dir.path(), says);
    }
    // The same relative to the current folder, as a user types it.
    let before = everything(dir.path());
    let out = casebook()
        .current_dir(&p)
        .args(["build", "--today", "2026-11-25", "--out", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is the project folder"));
    assert!(everything(dir.path()) == before);
}

#[cfg(unix)]
#[test]
fn a_site_link_to_the_project_is_refused() {
    let (dir, p) = sample_in_folder();
    std::os::unix::fs::symlink(".", p.join("site")).unwrap();
    // The default output, site/, is the project through the link.
    let before = everything(dir.path());
    let (code, _, stderr) = build(&p, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("is the project folder"), "{stderr}");
    assert!(everything(dir.path()) == before);
    // A link elsewhere that leads into data/.
    std::os::unix::fs::symlink(p.join("data/clients"), dir.path().join("deploy")).unwrap();
    assert_refused(
        &p,
        &dir.path().join("deploy"),
        dir.path(),
        "is inside the project's data/ folder",
    );
    // serve refuses to start on it, before building or serving anything.
    let before = everything(dir.path());
    let out = casebook()
        .arg("--root")
        .arg(&p)
        .args(["serve", "--port", "0"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is the project folder"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("serving"));
    assert!(everything(dir.path()) == before);
}

#[test]
fn casebook_replaces_its_own_output_and_marks_it() {
    let (dir, p) = sample_in_folder();
    let out = dir.path().join("out");
    let (code, _, stderr) = build(&p, &["--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join(".casebook-output").is_file());
    // Again (a clean build swaps it, an incremental one patches it).
    for extra in [&["--no-cache"][..], &[]] {
        let mut args = vec!["--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let (code, _, stderr) = build(&p, &args);
        assert_eq!(code, 0, "{stderr}");
        assert!(out.join(".casebook-output").is_file());
    }
    // An output of a casebook older than the marker is still replaced.
    fs::remove_file(out.join(".casebook-output")).unwrap();
    let (code, _, stderr) = build(&p, &["--out", out.to_str().unwrap(), "--no-cache"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join(".casebook-output").is_file());
    // An empty folder made for the site is fine.
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let (code, _, stderr) = build(&p, &["--out", empty.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn check_public_only_reads_the_output() {
    let (dir, p) = sample_in_folder();
    let (code, _, stderr) = build(&p, &[]);
    assert_eq!(code, 0, "{stderr}");
    // A deployed copy without the marker, holding other files too: check
    // scans its public/ and writes nothing anywhere.
    let deployed = dir.path().join("www");
    for (rel, bytes) in tree(&p.join("site/public")) {
        let to = deployed.join("public").join(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::write(to, bytes).unwrap();
    }
    fs::write(deployed.join("notes.txt"), "mine").unwrap();
    let before = everything(dir.path());
    let (code, stdout, stderr) = run(
        &p,
        &[
            "check",
            "--public",
            "--today",
            "2026-11-25",
            "--no-cache",
            "--out",
            deployed.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("holds no name that a consent does not allow"),
        "{stdout}"
    );
    assert!(everything(dir.path()) == before, "check --public wrote something");
}

/// What builds killed halfway left beside the output (full of internal
/// reports) is removed by the next build; a live build's folder is not.
#[cfg(unix)]
#[test]
fn leftovers_of_killed_builds_are_removed_by_the_next_build() {
    let (dir, p) = sample_in_folder();
    let (code, _, stderr) = build(&p, &[]);
    assert_eq!(code, 0, "{stderr}");
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let mut running = std::process::Command::new("sleep").arg("60").spawn().unwrap();
    let plant = |name: &str| {
        let report = p.join(name).join("internal/clients/hinode-foods/2026-10.html");
        fs::create_dir_all(report.parent().unwrap()).unwrap();
        fs::write(report, "a private report").unwrap();
    };
    let stale = [format!(".site.building-{dead}"), format!(".site.previous-{dead}")];
    let live = format!(".site.building-{}", running.id());
    for name in stale.iter().chain([&live]) {
        plant(name);
    }
    let (code, _, stderr) = build(&p, &[]);
    assert_eq!(code, 0, "{stderr}");
    for name in &stale {
        assert!(!p.join(name).exists(), "{name} is still there");
    }
    assert!(p.join(&live).exists(), "the folder of a running build was deleted");
    assert!(p.join("site/internal/index.html").is_file());
    running.kill().unwrap();
    running.wait().unwrap();
    drop(dir);
}

/// The public site's folder of its own (`--public-out`, `[public] out`)
/// passes the same rule: its own marker, nothing of someone else's, never
/// the project (links resolved).
#[test]
fn the_public_sites_own_folder_follows_the_same_rule() {
    let (dir, p) = sample_in_folder();
    let www = dir.path().join("www");
    let (code, _, stderr) = build(&p, &["--public-out", www.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(www.join(".casebook-output").is_file());
    assert!(www.join("index.html").is_file());
    let (code, _, stderr) = build(&p, &["--public-out", www.to_str().unwrap()]);
    assert_eq!(code, 0, "a second build replaces its own folder: {stderr}");
    // A web root of someone else's is left alone.
    let root = dir.path().join("var-www");
    fs::create_dir_all(root.join("assets")).unwrap();
    fs::write(root.join("index.html"), "<h1>My shop</h1>").unwrap();
    fs::write(root.join("assets/style.css"), "body{}").unwrap();
    let before = everything(dir.path());
    let (code, _, stderr) = build(&p, &["--public-out", root.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("casebook did not write (`assets`, `index.html`)"),
        "{stderr}"
    );
    assert!(everything(dir.path()) == before);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(p.join("content"), dir.path().join("pub-link")).unwrap();
        let before = everything(dir.path());
        let (code, _, stderr) = build(&p, &["--public-out", dir.path().join("pub-link").to_str().unwrap()]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("is the project's content/ folder"), "{stderr}");
        assert!(everything(dir.path()) == before);
    }
}
