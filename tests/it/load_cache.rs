//! The load cache never changes what a load sees: after every kind of edit,
//! a load that takes unchanged clients from the cache tells exactly what a
//! load reading every file tells (clients, content hashes, problems).

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::common::*;
use casebook::load::{Loaded, load, load_cached};
use casebook::load_cache::{LoadCache, SETTLE};

/// Everything a load tells, as text.
fn describe(l: &Loaded) -> String {
    let project = l.project.as_ref().map(|p| (&p.clients, &p.fingerprints, &p.pages));
    let problems: Vec<String> = l
        .diagnostics
        .errors()
        .chain(l.diagnostics.warnings())
        .map(|d| d.to_string())
        .collect();
    format!("{project:#?}\n{problems:#?}")
}

/// Loads through the cache, checks the result against a load of every
/// file, and returns how many clients came from the cache.
fn cached_load_equals_fresh(root: &Path, step: &str) -> usize {
    let cached = load_cached(root);
    let fresh = load(root);
    assert_eq!(fresh.clients_cached, 0);
    let (c, f) = (describe(&cached), describe(&fresh));
    assert!(c == f, "after {step}, the cached load differs:\n{c}\n---- fresh:\n{f}");
    cached.clients_cached
}

/// Whether the load reported an error (`errors`) or a warning whose text
/// holds `needle`.
fn reports(l: &Loaded, errors: bool, needle: &str) -> bool {
    let mut problems: Box<dyn Iterator<Item = _>> = if errors {
        Box::new(l.diagnostics.errors())
    } else {
        Box::new(l.diagnostics.warnings())
    };
    problems.any(|d| d.to_string().contains(needle))
}

/// Waits until files written so far are old enough to be cached.
fn settle() {
    std::thread::sleep(SETTLE + Duration::from_millis(300));
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = fs::read_to_string(path).unwrap();
    fs::write(path, f(text)).unwrap();
}

#[test]
fn cached_loads_equal_fresh_loads_through_every_kind_of_edit() {
    let p = copy_project(&repo());
    let root = p.path();
    settle();
    assert_eq!(cached_load_equals_fresh(root, "the first load"), 0, "no cache yet");
    assert!(LoadCache::dir(root).is_dir(), "the first load writes the cache");
    assert_eq!(cached_load_equals_fresh(root, "no change"), 21);

    // One edit in each of six clients, all at once.
    // A note edited in place at the same size.
    let note = root.join("content/clients/hinode-foods/notes/2026-10.md");
    let before = fs::read_to_string(&note).unwrap();
    edit(&note, |mut t| {
        let last_a = t.rfind('a').unwrap();
        t.replace_range(last_a..last_a + 1, "Q");
        t
    });
    // A new note, a deleted story, a new optional CSV, a stray file, a broken invoice.
    fs::write(
        root.join("content/clients/umi-hotels/notes/2026-11.md"),
        "A note added after the cache was written.\n",
    )
    .unwrap();
    fs::remove_file(root.join("content/clients/aozora-dental/story.md")).unwrap();
    fs::write(
        root.join("data/clients/komorebi-cafe/nps.csv"),
        "date,score\n2026-10-05,9\n",
    )
    .unwrap();
    fs::write(root.join("data/clients/ginga-education/notes.txt"), "stray").unwrap();
    let invoices = root.join("data/clients/hibari-insurance/invoices.csv");
    let good_invoices = fs::read_to_string(&invoices).unwrap();
    edit(&invoices, |t| t + "2026-10-31,twelve,Analytics setup,,\n");

    assert_eq!(cached_load_equals_fresh(root, "six edits"), 15);
    let broken = load_cached(root);
    assert!(broken.project.is_none(), "the broken invoice is an error");
    assert!(
        reports(&broken, true, "hibari-insurance/invoices.csv"),
        "{}",
        describe(&broken)
    );
    assert!(
        reports(&broken, false, "ginga-education/notes.txt"),
        "{}",
        describe(&broken)
    );

    fs::write(&invoices, good_invoices).unwrap();
    let loaded = load_cached(root);
    let project = loaded.project.as_ref().expect("fixed");
    let hinode = project.client("hinode-foods").unwrap();
    let edited = &hinode
        .notes
        .iter()
        .find(|n| n.path.ends_with("2026-10.md"))
        .unwrap()
        .markdown;
    assert_ne!(edited.as_str(), before.as_str());
    assert!(edited.contains('Q'), "the same-size edit is seen");
    assert!(project.client("aozora-dental").unwrap().story.is_none());
    assert_eq!(project.client("komorebi-cafe").unwrap().nps.len(), 1);
    assert_eq!(project.client("umi-hotels").unwrap().notes.len(), 4);

    // Files written a moment ago are read again until they settle; then
    // they are cached like the others.
    assert_eq!(cached_load_equals_fresh(root, "the fix"), 15);
    settle();
    assert_eq!(
        cached_load_equals_fresh(root, "settling"),
        15,
        "re-read once more, then cached"
    );
    assert_eq!(cached_load_equals_fresh(root, "settled"), 21);

    // A deleted client is gone, and the cache no longer holds it.
    fs::remove_dir_all(root.join("data/clients/yamabiko-brewing")).unwrap();
    fs::remove_dir_all(root.join("content/clients/yamabiko-brewing")).ok();
    assert_eq!(cached_load_equals_fresh(root, "a deleted client"), 20);

    // A client whose files have errors is cached with its errors: a load
    // that takes it from the cache still fails and lists them.
    edit(&invoices, |t| t + "2026-10-31,twelve,Analytics setup,,\n");
    settle();
    assert_eq!(cached_load_equals_fresh(root, "an invoice broken again"), 19);
    assert_eq!(cached_load_equals_fresh(root, "the broken client cached"), 20);
    let cached = load_cached(root);
    assert_eq!(cached.clients_cached, 20);
    assert!(cached.project.is_none());
    assert!(
        reports(&cached, true, "hibari-insurance/invoices.csv"),
        "{}",
        describe(&cached)
    );
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored_and_rewritten() {
    let p = copy_project(&repo());
    let root = p.path();
    settle();
    cached_load_equals_fresh(root, "the first load");
    let dir = LoadCache::dir(root);
    let shards: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(!shards.is_empty());
    for (i, shard) in shards.iter().enumerate() {
        let bytes = fs::read(shard).unwrap();
        // Truncated, garbage, empty, or one flipped bit deep inside.
        let damaged = match i % 4 {
            0 => bytes[..bytes.len() / 2].to_vec(),
            1 => bytes.iter().map(|b| b ^ 0x5a).collect(),
            2 => Vec::new(),
            _ => {
                let mut b = bytes.clone();
                let at = b.len() * 2 / 3;
                b[at] ^= 0x01;
                b
            }
        };
        fs::write(shard, damaged).unwrap();
    }
    assert_eq!(cached_load_equals_fresh(root, "damaging every shard"), 0);
    assert_eq!(cached_load_equals_fresh(root, "the rewrite"), 21);
}

#[test]
fn the_cli_gives_the_same_metrics_with_and_without_the_cache() {
    let p = copy_project(&repo());
    let root = p.path();
    let (code, uncached, stderr) = run(root, &["metrics", "--no-cache"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!root.join(".casebook-cache").exists(), "--no-cache writes no cache");
    settle();
    for step in ["writing the cache", "reading it"] {
        let (code, cached, stderr) = run(root, &["metrics", "-v"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(cached == uncached, "metrics differ when {step}");
        let expected = if step == "reading it" { "21 of 21" } else { "0 of 21" };
        assert!(
            stderr.contains(&format!("load cache: {expected} client folders")),
            "{stderr}"
        );
    }
}
