//! The incremental build cache: pages are kept from the previous build when
//! nothing they are rendered from changed, and the leak scan skips public
//! files it already found clean.
//!
//! The manifest describes the output as the last successful build left it:
//!
//! * **Client pages** (overview and reports) depend on the client's own
//!   files (hashed by the loader as it reads them: `Project::fingerprints`),
//!   the project settings, the templates, the as-of month and the archive
//!   flag (together the `global` key), and on nothing of other clients.
//!   Per client the manifest keeps a hash of those files and the size and
//!   modification time of each page written.
//! * **Portfolio pages** (`internal/index.html`, `internal/cohorts/`,
//!   `internal/metrics.json`) depend on every client, but only through what
//!   they are rendered from: the as-of metrics and the NPS counts of
//!   [`crate::pages::internal::PortfolioInputs`], with the global key. Their
//!   key is a hash of that value (a note edit changes none of it).
//! * **The leak scan** of `site/public/`: the fingerprints of the entries
//!   the last scan found clean and the key of the names it searched for
//!   (see [`crate::publish::scan_dir_except`]). Public pages themselves are
//!   always rendered: the consent gate depends on the build date.
//!
//! A later build with the same `global` key keeps a client's (or the
//! portfolio's) pages in place when the key is unchanged and every page is
//! still the file it wrote (same size and modification time, a regular
//! file reached through real folders), and commits by patching the output
//! (see [`crate::output`]); any other build renders everything and swaps.
//!
//! The cache lives beside the output: `<parent>/.casebook-cache/<name>.json`.
//! A build removes it before it changes the output and writes it after, so
//! a build interrupted in the middle of its commit leaves no cache and the
//! next build is a full one.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::output::{Entry, Live};

/// Bumped when the cache format changes.
pub const FORMAT: u32 = 2;

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: u32,
    /// Hash of casebook's version, settings, templates, as-of month, archive flag.
    pub global: String,
    pub clients: BTreeMap<String, Pages>,
    pub portfolio: Option<Pages>,
    pub public_scan: PublicScan,
}

/// Pages written from one key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pages {
    pub key: String,
    pub files: Vec<FileStamp>,
}

/// What the leak scan found clean in `site/public/`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub struct PublicScan {
    /// [`crate::publish::names_key`] of the names searched for.
    pub names: String,
    /// [`crate::publish::entry_fingerprint`] of every entry.
    pub clean: BTreeSet<String>,
}

/// A page as written: path relative to the output, size and mtime.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileStamp {
    pub path: String,
    pub size: u64,
    pub mtime_ns: u128,
}

pub fn cache_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(".casebook-cache").join(format!("{name}.json"))
}

/// The previous manifest, or an empty one when there is none or it cannot
/// be read (a cache is never worth failing a build for).
pub fn load(out: &Path) -> Manifest {
    fs::read(cache_path(out))
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        .filter(|m| m.format == FORMAT)
        .unwrap_or_default()
}

pub fn save(out: &Path, manifest: &Manifest) -> io::Result<()> {
    let path = cache_path(out);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("json.{}", std::process::id()));
    fs::write(&tmp, serde_json::to_vec(manifest).map_err(io::Error::other)?)?;
    fs::rename(tmp, path)
}

pub fn remove(out: &Path) {
    let _ = fs::remove_file(cache_path(out));
}

/// The stamp of a file just written at `rel` under `dir`.
pub fn stamp(dir: &Path, rel: &str) -> io::Result<FileStamp> {
    let meta = fs::metadata(dir.join(rel))?;
    Ok(FileStamp {
        path: rel.to_string(),
        size: meta.len(),
        mtime_ns: crate::output::mtime_ns(&meta)?,
    })
}

/// Whether every page of `pages` is still in the output exactly as written.
pub fn still_there(live: &Live, pages: &Pages) -> bool {
    pages.files.iter().all(|f| {
        live.get(&f.path)
            == Some(&Entry::File {
                size: f.size,
                mtime_ns: f.mtime_ns,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trip_and_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir_all(out.join("x")).unwrap();
        fs::write(out.join("x/a.html"), "a").unwrap();
        let pages = Pages {
            key: "k".into(),
            files: vec![stamp(&out, "x/a.html").unwrap()],
        };
        assert!(still_there(&Live::read(&out).unwrap(), &pages));
        let mut m = Manifest {
            format: FORMAT,
            global: "g".into(),
            portfolio: Some(pages.clone()),
            ..Manifest::default()
        };
        m.clients.insert("a".into(), pages.clone());
        m.public_scan.clean.insert("f".into());
        save(&out, &m).unwrap();
        assert_eq!(load(&out), m);
        fs::write(out.join("x/a.html"), "changed by hand").unwrap();
        assert!(!still_there(&Live::read(&out).unwrap(), &pages));
    }

    #[cfg(unix)]
    #[test]
    fn a_page_behind_a_symbolic_link_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        fs::write(dir.path().join("elsewhere/a.html"), "a").unwrap();
        let pages = Pages {
            key: "k".into(),
            files: vec![FileStamp {
                path: "x/a.html".into(),
                ..stamp(&dir.path().join("elsewhere"), "a.html").unwrap()
            }],
        };
        fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), out.join("x")).unwrap();
        assert!(!still_there(&Live::read(&out).unwrap(), &pages));
    }
}
