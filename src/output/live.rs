//! The output folder as it stands before an incremental build.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

/// An entry of the output folder, as read without following symbolic links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A regular file, with its size and modification time (nanoseconds
    /// since the Unix epoch).
    File {
        size: u64,
        mtime_ns: u128,
    },
    Dir,
    /// A symbolic link or anything else a build never writes.
    Other,
}

/// What the output folder holds before an incremental build: every entry
/// by `/`-separated relative path. Symbolic links are not followed, so a
/// file listed here is reached through real folders only.
#[derive(Debug, Default)]
pub struct Live {
    pub(super) entries: HashMap<String, Entry>,
    /// Entries whose name is not UTF-8 (a build never writes one), not read into.
    pub(super) unnamed: Vec<(PathBuf, Entry)>,
}

impl Live {
    /// Reads the tree at `out`, which must be a real folder (not a link to
    /// one). Folders are read in parallel.
    pub fn read(out: &Path) -> io::Result<Live> {
        if !fs::symlink_metadata(out)?.is_dir() {
            return Err(io::Error::other(format!("{} is not a folder", out.display())));
        }
        let mut live = Live::default();
        for part in read_tree(out, String::new())? {
            match part {
                Found::Named(rel, entry) => {
                    live.entries.insert(rel, entry);
                }
                Found::Unnamed(path, entry) => live.unnamed.push((path, entry)),
            }
        }
        Ok(live)
    }

    pub fn get(&self, rel: &str) -> Option<&Entry> {
        self.entries.get(rel)
    }
}

enum Found {
    Named(String, Entry),
    Unnamed(PathBuf, Entry),
}

fn read_tree(dir: &Path, rel: String) -> io::Result<Vec<Found>> {
    let mut found = Vec::new();
    let mut subdirs = Vec::new();
    for item in fs::read_dir(dir)? {
        let item = item?;
        let file_type = match item.file_type() {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let name = item.file_name();
        let Some(name) = name.to_str() else {
            let entry = if file_type.is_dir() { Entry::Dir } else { Entry::Other };
            found.push(Found::Unnamed(PathBuf::from(&rel).join(&name), entry));
            continue;
        };
        let child = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        let entry = if file_type.is_dir() {
            subdirs.push((item.path(), child.clone()));
            Entry::Dir
        } else if file_type.is_file() {
            let meta = match item.metadata() {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            Entry::File {
                size: meta.len(),
                mtime_ns: mtime_ns(&meta)?,
            }
        } else {
            Entry::Other
        };
        found.push(Found::Named(child, entry));
    }
    let below: Vec<Vec<Found>> = subdirs
        .into_par_iter()
        .map(|(path, rel)| read_tree(&path, rel))
        .collect::<io::Result<_>>()?;
    found.extend(below.into_iter().flatten());
    Ok(found)
}

/// A file's modification time in nanoseconds since the Unix epoch (0 before it).
pub fn mtime_ns(meta: &fs::Metadata) -> io::Result<u128> {
    Ok(meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0))
}
