//! The incremental build cache: a client's pages are reused from the
//! previous build when nothing they depend on changed.
//!
//! A client's pages (overview and reports) depend on the client's own files
//! (hashed by the loader as it reads them: `Project::fingerprints`),
//! the project settings, the templates, the as-of month and the archive
//! flag, and on nothing of other clients (the portfolio pages, which depend
//! on every client, are always rendered). The cache keeps, per client, a
//! content hash of those inputs and the size and modification time of each
//! page it wrote; a later build with the same key hard-links (or copies)
//! those pages from the current site into the new one, after checking that
//! they are still the files it wrote.
//!
//! The cache lives beside the output: `<parent>/.casebook-cache/<name>.json`.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

/// Bumped when the cache format changes.
pub const FORMAT: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: u32,
    /// Hash of casebook's version, settings, templates, as-of month, archive flag.
    pub global: String,
    pub clients: BTreeMap<String, ClientEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClientEntry {
    pub key: String,
    pub files: Vec<FileStamp>,
}

/// A page as written: path relative to the output, size and mtime.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileStamp {
    pub path: String,
    pub size: u64,
    pub mtime_ns: u128,
}

/// A streaming content hash (XXH3-128) written as hex.
pub struct Hasher(Xxh3);

impl Default for Hasher {
    fn default() -> Self {
        Hasher(Xxh3::new())
    }
}

impl Hasher {
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// Adds a length-prefixed chunk, so that ("ab","c") and ("a","bc") differ.
    pub fn add(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn hex(&self) -> String {
        format!("{:032x}", self.0.digest128())
    }
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

pub fn stamp(out_dir: &Path, rel: &str) -> io::Result<FileStamp> {
    let meta = fs::metadata(out_dir.join(rel))?;
    let mtime_ns = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    Ok(FileStamp {
        path: rel.to_string(),
        size: meta.len(),
        mtime_ns,
    })
}

/// Whether every page of `entry` is still in `site` exactly as written.
pub fn still_there(site: &Path, entry: &ClientEntry) -> bool {
    entry
        .files
        .iter()
        .all(|f| stamp(site, &f.path).map(|s| &s == f).unwrap_or(false))
}

/// Puts a previous page into the new build: a hard link when possible.
pub fn reuse(from_site: &Path, to_dir: &Path, rel: &str) -> io::Result<()> {
    let src = from_site.join(rel);
    let dst = to_dir.join(rel);
    if let Some(parent) = dst.parent() {
        fs::create_dir_all(parent)?;
    }
    if fs::hard_link(&src, &dst).is_err() {
        fs::copy(&src, &dst)?;
        // A copy gets a new mtime; keep the old one so the stamp still matches.
        let mtime = fs::metadata(&src)?.modified()?;
        fs::File::options().write(true).open(&dst)?.set_modified(mtime)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_chunks_are_delimited() {
        let a = Hasher::new().add(b"ab").add(b"c").hex();
        let b = Hasher::new().add(b"a").add(b"bc").hex();
        assert_ne!(a, b);
        assert_eq!(a, Hasher::new().add(b"ab").add(b"c").hex());
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn manifest_round_trip_and_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir_all(out.join("x")).unwrap();
        fs::write(out.join("x/a.html"), "a").unwrap();
        let entry = ClientEntry {
            key: "k".into(),
            files: vec![stamp(&out, "x/a.html").unwrap()],
        };
        assert!(still_there(&out, &entry));
        let mut m = Manifest {
            format: FORMAT,
            global: "g".into(),
            clients: BTreeMap::new(),
        };
        m.clients.insert("a".into(), entry.clone());
        save(&out, &m).unwrap();
        assert_eq!(load(&out), m);
        fs::write(out.join("x/a.html"), "changed by hand").unwrap();
        assert!(!still_there(&out, &entry));
    }
}
