//! Hostile and careless input from the adversarial review (issue 11):
//! nesting bombs, far-future dates, misspelt consent keys, control
//! characters in messages, symbolic links that leave the project, absurd
//! `--jobs`. Each gives a clear message, never a hang, a leak or a panic.

use std::fs;
use std::path::Path;

use crate::common::*;

const NOTE: &str = "content/clients/hinode-foods/notes/2026-10.md";
const STORY: &str = "content/clients/hinode-foods/story.md";
const INVOICES: &str = "data/clients/hinode-foods/invoices.csv";

fn append(path: &Path, text: &str) {
    let mut all = fs::read_to_string(path).unwrap();
    all.push_str(text);
    fs::write(path, all).unwrap();
}

#[test]
fn nesting_bombs_are_errors_at_their_place() {
    let p = copy_project(&repo());
    let root = p.path();
    let note = root.join(NOTE);
    let note_lines = fs::read_to_string(&note).unwrap().lines().count();
    // 100,000 nested list items on one line (minutes to parse before).
    append(&note, &format!("\n{}x\n", "- ".repeat(100_000)));
    // 100,000 `[` in YAML front matter (39 s before).
    let page = root.join("content/pages/bomb.md");
    fs::write(
        &page,
        format!("---\ntitle: ok\ntags: {}\n---\nbody\n", "[".repeat(100_000)),
    )
    .unwrap();
    // Nested quotes, and raw HTML elements left open, in a story.
    append(&root.join(STORY), &format!("\n{}deep\n", "> ".repeat(150)));
    let other_story = root.join("content/clients/aozora-dental/story.md");
    append(&other_story, &format!("\n{}\n", "<div>".repeat(5_000)));
    let (code, _, stderr) = run(root, &["check"]);
    assert_eq!(code, 1, "{stderr}");
    let expect = [
        format!(
            "{NOTE}:{}:201: lists and quotes nested more than 100 levels deep",
            note_lines + 2
        ),
        format!("{STORY}:"),
        "content/pages/bomb.md:2:1: the front matter is 100017 bytes long; at most 65536 are read".to_string(),
        "content/clients/aozora-dental/story.md:".to_string(),
    ];
    for e in &expect {
        assert!(stderr.contains(e.as_str()), "missing {e:?} in\n{stderr}");
    }
    assert!(stderr.contains("more than 100 HTML elements open at once"), "{stderr}");
    // Within the size limit, the brackets themselves are refused.
    fs::write(
        &page,
        format!("---\ntitle: ok\ntags: {}\n---\nbody\n", "[".repeat(20_000)),
    )
    .unwrap();
    let (_, _, stderr) = run(root, &["check"]);
    assert!(
        stderr
            .contains("content/pages/bomb.md:3:107: `[` and `{` nested more than 100 levels deep in the front matter"),
        "{stderr}"
    );
}

#[test]
fn a_far_future_date_is_a_warning_and_moves_no_report() {
    let p = copy_project(&repo());
    let root = p.path();
    let (_, sample_json, _) = run(root, &["metrics", "--today", "2026-11-25"]);
    assert!(sample_json.contains("\"as_of\": \"2026-10\""), "{}", &sample_json[..80]);
    let lines = fs::read_to_string(root.join(INVOICES)).unwrap().lines().count();
    append(
        &root.join(INVOICES),
        "9999-12-31,100000,,,typo for 2026\n2027-01-15,5000,,,\n",
    );
    // Within the margin: no warning.
    append(
        &root.join("data/clients/umi-hotels/invoices.csv"),
        "2026-12-26,5000,,,\n",
    );
    let (code, json, stderr) = run(root, &["metrics", "--today", "2026-11-25"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(json.contains("\"as_of\": \"2026-10\""), "{}", &json[..80]);
    assert_eq!(
        json, sample_json,
        "invoices after the as-of month change no figure of it"
    );
    let warning = format!(
        "{INVOICES}:{}: warning: date 9999-12-31 is more than 31 days after the build date 2026-11-25 (and 1 more row of this file)",
        lines + 1
    );
    assert!(stderr.contains(&warning), "{stderr}");
    assert!(!stderr.contains("umi-hotels"), "{stderr}");
    // The build: the same warning, the same as-of month, a site of normal size.
    let (code, stdout, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(&warning), "{stderr}");
    assert!(stdout.contains("as of 2026-10"), "{stdout}");
    assert_eq!(
        fs::read_to_string(root.join("site/internal/metrics.json")).unwrap(),
        sample_json
    );
    let (code, _, stderr) = run(root, &["check", "--today", "2026-11-25"]);
    assert_eq!(code, 0);
    assert!(stderr.contains(&warning), "{stderr}");
    // Once the build date passes the rows, the default month moves on.
    let (_, json, _) = run(root, &["metrics", "--today", "2027-01-20"]);
    assert!(json.contains("\"as_of\": \"2027-01\""), "{}", &json[..80]);
}

#[test]
fn an_as_of_month_more_than_a_year_ahead_is_an_error() {
    let p = copy_project(&repo());
    let root = p.path();
    for args in [
        &["build", "--today", "2026-11-25", "--month", "2027-12"][..],
        &["metrics", "--today", "2026-11-25", "--month", "9999-12"],
    ] {
        let (code, _, stderr) = run(root, args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("is more than a year after the build date 2026-11-25"),
            "{stderr}"
        );
        assert!(stderr.contains("the latest as-of month allowed is 2027-11"), "{stderr}");
    }
    assert!(!root.join("site").exists());
    let (code, _, stderr) = run(root, &["metrics", "--today", "2026-11-25", "--month", "2027-11"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_misspelt_consent_key_is_an_error_not_a_silent_publication() {
    let p = copy_project(&repo());
    let root = p.path();
    let story = root.join(STORY);
    // `expire` for `expires`: the consent ended, yet the story would be
    // published if the key were only a warning.
    replace_in(&story, "expires = 2027-09-30", "expire = 2026-10-31");
    let line = fs::read_to_string(&story)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("expire ="))
        .unwrap()
        + 1;
    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{STORY}:{line}: unknown key `expire` in [consent]: did you mean `expires`?"
        )),
        "{stderr}"
    );
    assert!(!root.join("site").exists());
    replace_in(&story, "expire = 2026-10-31", "publish_after = 2026-10-31");
    let (code, _, stderr) = run(root, &["check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "unknown key `publish_after` in [consent]: expected one of status, granted_on, approved_by, expires, scope"
        ),
        "{stderr}"
    );
    // Outside [consent], an unknown key stays a warning.
    replace_in(&story, "publish_after = 2026-10-31", "expires = 2027-09-30");
    replace_in(&story, "quote = ", "tags = [\"retail\"]\nquote = ");
    let (code, _, stderr) = run(root, &["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: unknown key `tags` is ignored"), "{stderr}");
}

#[test]
fn control_characters_in_messages_are_escaped() {
    let p = copy_project(&repo());
    let root = p.path();
    append(
        &root.join(INVOICES),
        "2026-10-0\u{0}1,100,,,\n2026-10-02,\u{1b}[2J50,,,\n",
    );
    let (code, _, stderr) = run(root, &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("`2026-10-0\\01`"), "{stderr}");
    assert!(stderr.contains("`\\u{1b}[2J50`"), "{stderr}");
    assert!(
        !stderr.contains('\u{0}') && !stderr.contains('\u{1b}'),
        "raw control characters in {stderr:?}"
    );
    for line in stderr.lines().filter(|l| l.contains("invoices.csv")) {
        assert!(line.starts_with(INVOICES), "a message broke across lines: {line:?}");
    }
}

#[test]
fn absurd_jobs_are_lowered_with_a_warning() {
    let p = copy_project(&repo());
    let root = p.path();
    let out = casebook()
        .arg("--root")
        .arg(root)
        .args(["build", "--today", "2026-11-25", "--jobs", "100000"])
        // Starting 100,000 threads took minutes: a hang guard, not a speed check.
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let cores = std::thread::available_parallelism().unwrap().get();
    let max = 8 * cores;
    assert!(
        stderr.contains(&format!(
            "warning: --jobs 100000 is more than 8 threads per core ({max} on this machine"
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("using {max}")), "{stderr}");
    let built = tree(&root.join("site"));
    let (code, _, stderr) = build(root, &["--jobs", &max.to_string(), "--no-cache"]);
    assert_eq!(code, 0);
    assert!(!stderr.contains("--jobs"), "{stderr}");
    assert!(tree(&root.join("site")) == built);
}

/// One rule for every symbolic link in the project: followed when it stays
/// inside the project, an error (and never read) when it leaves it.
#[cfg(unix)]
#[test]
fn links_that_leave_the_project_are_refused_everywhere() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let secret_csv = outside.path().join("other-firm.csv");
    fs::write(&secret_csv, "date,amount\nSECRET-ROW,1\n").unwrap();
    let secret_story = outside.path().join("story.md");
    fs::write(
        &secret_story,
        "+++\ntitle = \"Someone else's story\"\n[consent]\nstatus = \"granted\"\nscope = [\"name\"]\n+++\nNot ours.\n",
    )
    .unwrap();
    fs::write(outside.path().join("report.html"), "{{ secret }}").unwrap();

    let p = copy_project(&repo());
    let root = p.path();
    let link = |target: &Path, at: &str| {
        let at = root.join(at);
        if at.exists() {
            fs::remove_file(&at).unwrap();
        }
        symlink(target, at).unwrap();
    };
    // A story without one gets a linked one; a CSV and a client.toml are
    // replaced by links; a note links to nothing.
    link(&secret_story, "content/clients/ginga-education/story.md");
    link(&secret_csv, "data/clients/umi-hotels/invoices.csv");
    link(
        &outside.path().join("client.toml"),
        "data/clients/mori-furniture/client.toml",
    );
    link(
        &outside.path().join("gone.md"),
        "content/clients/komorebi-cafe/notes/2026-09.md",
    );
    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 1, "{stderr}");
    for (path, what) in [
        ("content/clients/ginga-education/story.md", "outside the project folder"),
        ("data/clients/umi-hotels/invoices.csv", "outside the project folder"),
        ("data/clients/mori-furniture/client.toml", "which does not exist"),
        ("content/clients/komorebi-cafe/notes/2026-09.md", "which does not exist"),
    ] {
        let line = stderr
            .lines()
            .find(|l| l.starts_with(&format!("{path}: symbolic link to `")))
            .unwrap_or_else(|| panic!("no message for {path} in\n{stderr}"));
        assert!(line.contains(what), "{line}");
        // One clear message per link: no "missing" or "ignored" besides.
        assert_eq!(stderr.matches(path).count(), 1, "{stderr}");
    }
    assert!(
        !stderr.contains("SECRET-ROW"),
        "a linked CSV outside the project was read:\n{stderr}"
    );
    assert!(!root.join("site").exists());

    // Links into the project itself are read like the files they name.
    for at in [
        "content/clients/ginga-education/story.md",
        "data/clients/umi-hotels/invoices.csv",
        "data/clients/mori-furniture/client.toml",
        "content/clients/komorebi-cafe/notes/2026-09.md",
    ] {
        fs::remove_file(root.join(at)).unwrap();
    }
    let original = copy_project(&repo());
    let keep = root.join("kept");
    for rel in [
        "data/clients/umi-hotels/invoices.csv",
        "data/clients/mori-furniture/client.toml",
        "content/clients/komorebi-cafe/notes/2026-09.md",
    ] {
        let at = keep.join(rel.replace('/', "_"));
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        fs::copy(original.path().join(rel), &at).unwrap();
        link(&at, rel);
    }
    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("ignored"), "{stderr}");
    let report = fs::read_to_string(root.join("site/internal/clients/komorebi-cafe/index.html")).unwrap();
    assert!(report.contains("Komorebi"), "the linked client loaded");
    // A story linked from inside the project is a story like any other.
    let hinode = root.join(STORY);
    fs::rename(&hinode, keep.join("hinode-story.md")).unwrap();
    symlink(keep.join("hinode-story.md"), &hinode).unwrap();
    let (code, stdout, stderr) = build(root, &["--no-cache"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("3 public stories"), "{stdout}");
    assert!(!stderr.contains("ignored"), "{stderr}");

    // A whole folder, and a template, that lead outside.
    link(outside.path(), "data/clients/zz-elsewhere");
    let (code, _, stderr) = run(root, &["check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("data/clients/zz-elsewhere: symbolic link to `"),
        "{stderr}"
    );
    fs::remove_file(root.join("data/clients/zz-elsewhere")).unwrap();
    fs::create_dir_all(root.join("templates")).unwrap();
    link(&outside.path().join("report.html"), "templates/report.html");
    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("templates/report.html: symbolic link to `"), "{stderr}");
    fs::remove_file(root.join("templates/report.html")).unwrap();
    // The data folder itself.
    let data = root.join("data");
    fs::rename(&data, outside.path().join("data")).unwrap();
    symlink(outside.path().join("data"), &data).unwrap();
    let (code, _, stderr) = run(root, &["check"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("data: symbolic link to `"), "{stderr}");
}
