//! Reading the project's files: folders listed in name order under the
//! project's link rule, and each client's reads recorded for the caches.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostics;
use crate::load_cache::{Inputs, Stamp};

/// An entry of a listed folder.
pub(super) struct Listed {
    name: std::ffi::OsString,
    path: PathBuf,
    /// Of the entry, or of what it names when it is a symbolic link that
    /// stays inside the project (see [`crate::links`]).
    kind: fs::FileType,
}

impl Listed {
    pub fn file_name(&self) -> &std::ffi::OsStr {
        &self.name
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file_type(&self) -> fs::FileType {
        self.kind
    }
}

/// The entries of one folder of the project at `root`, sorted by name. A
/// symbolic link is listed as what it names when the project's link rule
/// allows it ([`crate::links`]); otherwise it is an error and left out.
/// (`read_dir` rather than walkdir: a depth-1 walk still opens every
/// subfolder it yields, which is 10,000 needless opens on data/clients of
/// a 10,000-client project.)
pub(super) fn sorted_entries(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<Listed> {
    let mut out = Vec::new();
    let fail = |e: std::io::Error, diags: &mut Diagnostics| {
        diags.error(dir, None, None, format!("cannot list the folder: {e}"))
    };
    match fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries {
                match entry.and_then(|e| Ok((e.file_type()?, e))) {
                    Ok((kind, e)) if kind.is_symlink() => {
                        let path = e.path();
                        if let Some(problem) = crate::links::problem(root, &path) {
                            diags.error(&rel_path(root, &path), None, None, problem);
                            continue;
                        }
                        match fs::metadata(&path) {
                            Ok(target) => out.push(Listed {
                                name: e.file_name(),
                                path,
                                kind: target.file_type(),
                            }),
                            Err(e) => fail(e, diags),
                        }
                    }
                    Ok((kind, e)) => out.push(Listed {
                        name: e.file_name(),
                        path: e.path(),
                        kind,
                    }),
                    Err(e) => fail(e, diags),
                }
            }
        }
        Err(e) => fail(e, diags),
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub(super) fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The fixed paths of a project that the loader reaches without listing a
/// folder; a symbolic link among them that leaves the project stops the
/// load (nothing behind it is read).
pub(super) const ROOT_PATHS: [&str; 6] = [
    "casebook.toml",
    "data",
    "data/clients",
    "content",
    "content/clients",
    "content/pages",
];

pub(super) fn rel_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// What loading one client records: a content hash of every file read
/// (the build cache's key) and every path looked at, before it is read
/// (the load cache's stamps).
#[derive(Default)]
pub(super) struct Record {
    pub hash: crate::hash::Hasher,
    pub inputs: Inputs,
}

pub(super) type Recorder = std::cell::RefCell<Record>;

/// Stats `path` for the record and tells what it is.
pub(super) fn look(root: &Path, path: &Path, rec: &Recorder) -> Stamp {
    rec.borrow_mut().inputs.look(root, path)
}

/// Reads a file, adding its path and bytes to the record's hash (a
/// client's file; files of no client have no record).
pub(super) fn read_file(root: &Path, path: &Path, diags: &mut Diagnostics, rec: Option<&Recorder>) -> Option<Vec<u8>> {
    match fs::read(path) {
        Ok(b) => {
            if let Some(rec) = rec {
                rec.borrow_mut()
                    .hash
                    .add(rel_path(root, path).to_string_lossy().as_bytes())
                    .add(&b);
            }
            Some(b)
        }
        Err(e) => {
            diags.error(&rel_path(root, path), None, None, format!("cannot read: {e}"));
            None
        }
    }
}

pub(super) fn read_text(root: &Path, path: &Path, diags: &mut Diagnostics, rec: Option<&Recorder>) -> Option<String> {
    let bytes = read_file(root, path, diags, rec)?;
    match String::from_utf8(bytes) {
        Ok(t) => Some(t),
        Err(_) => {
            diags.error(&rel_path(root, path), None, None, "the file is not UTF-8 text");
            None
        }
    }
}
