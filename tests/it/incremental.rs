//! End-to-end: incremental builds give the same tree as clean builds, and
//! the number of threads never changes the output.

use std::fs;
use std::path::Path;

use crate::common::*;

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
    let portfolio = [
        "internal/index.html",
        "internal/cohorts/index.html",
        "internal/metrics.json",
    ];
    let before = modified(&root.join("site"), &portfolio);
    let out = assert_incremental_equals_clean(root, "a note edit");
    assert!(out.contains("20 unchanged clients reused"), "{out}");
    let report = fs::read_to_string(root.join("site/internal/clients/hinode-foods/2026-10.html")).unwrap();
    assert!(report.contains("A sentence added for the incremental test."));
    assert_eq!(
        modified(&root.join("site"), &portfolio),
        before,
        "a note is in no portfolio page: they are kept"
    );

    let inv = root.join("data/clients/umi-hotels/invoices.csv");
    fs::write(
        &inv,
        fs::read_to_string(&inv).unwrap() + "2026/10/28,50000,Performance ads,upsell,Extra\n",
    )
    .unwrap();
    let before = fs::read(root.join("site/internal/metrics.json")).unwrap();
    assert_incremental_equals_clean(root, "an invoice edit");
    assert_ne!(fs::read(root.join("site/internal/metrics.json")).unwrap(), before);

    fs::remove_dir_all(root.join("data/clients/kujira-marine")).unwrap();
    let _ = fs::remove_dir_all(root.join("content/clients/kujira-marine"));
    assert_incremental_equals_clean(root, "a client deletion");
    assert!(!root.join("site/internal/clients/kujira-marine").exists());

    let cfg = root.join("casebook.toml");
    replace_in(&cfg, "gross_margin = 0.65", "gross_margin = 0.5");
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

    // Files and folders added by hand are deleted, as a clean build would.
    let site = root.join("site");
    for stray in [
        "stray.txt",
        "internal/clients/hinode-foods/stray.html",
        "internal/clients/no-such-client/index.html",
        "public/stories/not-a-story/index.html",
    ] {
        fs::create_dir_all(site.join(stray).parent().unwrap()).unwrap();
        fs::write(site.join(stray), "added by hand").unwrap();
    }
    fs::create_dir_all(site.join("internal/empty/deeper")).unwrap();
    let out = assert_incremental_equals_clean(root, "stray files added by hand");
    assert!(out.contains("20 unchanged clients reused"), "{out}");
    for gone in [
        "internal/clients/no-such-client",
        "public/stories/not-a-story",
        "internal/empty",
    ] {
        assert!(!site.join(gone).exists(), "{gone} is still there");
    }

    // A withdrawn consent: the story's page and every mention are gone.
    let story = root.join("content/clients/hinode-foods/story.md");
    replace_in(&story, "status = \"granted\"", "status = \"revoked\"");
    assert_incremental_equals_clean(root, "a revoked consent");
    assert!(!site.join("public/stories/food-maker-ad-cpa").exists());
    for (path, bytes) in tree(&site.join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Hinode") && !path.contains("food-maker"),
            "{path} still shows the story"
        );
    }

    // A client renamed to words the public site already shows: no public
    // file changed, but the list of names did, so the leak scan runs over
    // every file again, and the failed build leaves the site as it was.
    let before = tree(&site);
    let toml = root.join("data/clients/umi-hotels/client.toml");
    let original = fs::read_to_string(&toml).unwrap();
    fs::write(
        &toml,
        original.replace("name = \"Umi Hotels\"", "name = \"Calmer Month-Ends\""),
    )
    .unwrap();
    let (code, _, stderr) = run(
        root,
        &["build", "--today", "2026-11-25", "--out", site.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("umi-hotels") && stderr.contains("calmer-month-ends"),
        "{stderr}"
    );
    assert!(stderr.contains("was left as it was"), "{stderr}");
    assert!(tree(&site) == before, "a failed incremental build changed site/");
    fs::write(&toml, original).unwrap();
    let out = assert_incremental_equals_clean(root, "the rename undone");
    assert!(out.contains("unchanged clients reused"), "{out}");

    // Without a cache (a commit was interrupted, or it was deleted), the
    // next build renders everything and replaces the whole folder.
    fs::remove_dir_all(root.join(".casebook-cache")).unwrap();
    fs::write(site.join("internal/stray.html"), "added by hand").unwrap();
    let out = assert_incremental_equals_clean(root, "a lost cache");
    assert!(!out.contains("reused"), "{out}");
}

/// The modification times of files under `dir`.
fn modified(dir: &Path, files: &[&str]) -> Vec<std::time::SystemTime> {
    files
        .iter()
        .map(|f| fs::metadata(dir.join(f)).unwrap().modified().unwrap())
        .collect()
}

#[cfg(unix)]
#[test]
fn links_in_the_output_are_replaced_never_written_through() {
    let p = copy_project(&repo());
    let root = p.path();
    let site = root.join("site");
    build_to(root, &site, &[]);
    // A client's folder moved elsewhere and linked back, and a page linked
    // to a file outside: a build writes neither outside file.
    let moved = root.join("moved-out");
    fs::rename(site.join("internal/clients/hinode-foods"), &moved).unwrap();
    std::os::unix::fs::symlink(&moved, site.join("internal/clients/hinode-foods")).unwrap();
    let outside = root.join("outside.html");
    fs::write(&outside, "not casebook's").unwrap();
    fs::remove_file(site.join("internal/clients/umi-hotels/index.html")).unwrap();
    std::os::unix::fs::symlink(&outside, site.join("internal/clients/umi-hotels/index.html")).unwrap();
    let moved_before = tree(&moved);

    let out = assert_incremental_equals_clean(root, "links in the output");
    assert!(out.contains("19 unchanged clients reused"), "{out}");
    for rel in [
        "internal/clients/hinode-foods",
        "internal/clients/umi-hotels/index.html",
    ] {
        let meta = fs::symlink_metadata(site.join(rel)).unwrap();
        assert!(!meta.file_type().is_symlink(), "{rel} is still a link");
    }
    assert_eq!(tree(&moved), moved_before);
    assert_eq!(fs::read_to_string(&outside).unwrap(), "not casebook's");
}

/// An output folder that is a link (a site deployed as `site -> /var/www/html`)
/// keeps its link: every build, clean or incremental, fills the folder it
/// names.
#[cfg(unix)]
#[test]
fn an_output_link_is_kept_and_the_folder_it_names_is_built() {
    let p = copy_project(&repo());
    let root = p.path();
    let deployed = root.join("deployed");
    fs::create_dir(&deployed).unwrap();
    std::os::unix::fs::symlink(&deployed, root.join("site")).unwrap();
    let first = assert_incremental_equals_clean(root, "a first build through a link");
    assert!(!first.contains("reused"), "{first}");
    let note = root.join("content/clients/hinode-foods/notes/2026-10.md");
    fs::write(&note, fs::read_to_string(&note).unwrap() + "\nAdded behind a link.\n").unwrap();
    let out = assert_incremental_equals_clean(root, "a note edit through a link");
    assert!(out.contains("20 unchanged clients reused"), "{out}");
    assert!(
        fs::symlink_metadata(root.join("site"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let report = fs::read_to_string(deployed.join("internal/clients/hinode-foods/2026-10.html")).unwrap();
    assert!(report.contains("Added behind a link."));
    assert_eq!(tree(&root.join("site")), tree(&deployed));
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

/// A client's forecast comes from models fitted over every client: when
/// another client's invoices change the fitted churn, an unchanged client's
/// pages are rendered again, not reused with the old forecast.
#[test]
fn forecasts_follow_other_clients_data() {
    let p = copy_project(&repo());
    let root = p.path();
    assert_incremental_equals_clean(root, "the first build");
    let page = root.join("site/internal/clients/hinode-foods/index.html");
    let before = fs::read_to_string(&page).unwrap();
    // Umi Hotels stops paying after 2026-03: one more first churn.
    let invoices = root.join("data/clients/umi-hotels/invoices.csv");
    let text = fs::read_to_string(&invoices).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            ![
                "2026/04", "2026/05", "2026/06", "2026/07", "2026/08", "2026/09", "2026/10",
            ]
            .iter()
            .any(|m| l.starts_with(m))
        })
        .collect();
    fs::write(&invoices, kept.join("\n") + "\n").unwrap();
    assert_incremental_equals_clean(root, "another client's churn");
    let after = fs::read_to_string(&page).unwrap();
    assert_ne!(before, after, "hinode-foods' forecast did not change");
}
