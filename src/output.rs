//! Safe writing: a build renders into a fresh folder beside the output
//! (`.<name>.building-<pid>`) and moves it in only at the end, so a failed
//! build leaves the previous site as it was, and files the new build does
//! not produce are gone.
//!
//! Two ways to move the new files in:
//!
//! * **Swap** ([`Staging::commit`], every clean build): the staging folder
//!   holds the whole site and replaces the output folder by two renames;
//!   the previous tree is then deleted.
//! * **Patch** ([`Staging::commit_patch`], incremental builds): the staging
//!   folder holds only the files that are new or changed; the unchanged
//!   files stay where they are in the output. At commit each staged file is
//!   renamed over its place in the output (never written through: a hard
//!   link or symbolic link someone made to a page is not followed), then
//!   every entry of the output that the new build does not produce is
//!   deleted: pages of removed clients, files someone added by hand,
//!   symbolic links, and folders left empty. The output then holds exactly
//!   the files a clean build would write.
//!
//! Guarantees of the patch commit, and what the build relies on:
//!
//! * Everything that can fail a build (an invalid project, a template
//!   error, a leak, a write error while rendering) fails before the commit
//!   starts; such a build removes its staging folder and leaves the output
//!   untouched, byte for byte.
//! * The commit itself is not atomic: an I/O error or a crash in the middle
//!   leaves some files new and some old. The build removes its cache
//!   manifest before the commit and writes the new one after it, so the
//!   build after an interrupted commit finds no manifest and rebuilds
//!   everything with a swap. A reader of the output during a commit (e.g.
//!   `serve`) may see a mix of old and new pages for that moment.
//! * The output is read once, by [`Live::read`], before the pages are
//!   rendered; an entry added to it by hand *during* a build may survive the
//!   commit and is deleted by the next build.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

/// Why a folder cannot receive a new project.
#[derive(Debug)]
pub enum NotNew {
    /// It exists and holds something.
    NotEmpty,
    /// The path is a file.
    NotAFolder,
    Io(io::Error),
}

/// Checks that `dir` is missing or an empty folder: commands that create a
/// project (`init`, `demo-data`) never write over anything.
pub fn ensure_new_folder(dir: &Path) -> Result<(), NotNew> {
    match fs::metadata(dir) {
        Ok(m) if !m.is_dir() => Err(NotNew::NotAFolder),
        Ok(_) => match fs::read_dir(dir).map_err(NotNew::Io)?.next() {
            Some(_) => Err(NotNew::NotEmpty),
            None => Ok(()),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(NotNew::Io(e)),
    }
}

/// The folder a build writes for the output path `out`: `out` itself, or,
/// when `out` is a symbolic link to a folder, the folder it points to (a
/// site deployed as `site -> /var/www/html` keeps its link; the swap and
/// the patch happen in the folder the link names).
pub fn through_link(out: &Path) -> PathBuf {
    match fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() && out.is_dir() => {
            fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf())
        }
        _ => out.to_path_buf(),
    }
}

/// A fresh folder that becomes the output folder on [`Staging::commit`];
/// dropped without commit, it is removed and the output is untouched.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "site".into());
    out.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

impl Staging {
    pub fn new(out: &Path) -> io::Result<Staging> {
        let out = if out.is_absolute() {
            out.to_path_buf()
        } else {
            std::env::current_dir()?.join(out)
        };
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent)?;
        }
        let tmp = sibling(&out, "building");
        if tmp.exists() {
            fs::remove_dir_all(&tmp)?;
        }
        fs::create_dir_all(&tmp)?;
        Ok(Staging {
            out,
            tmp,
            committed: false,
        })
    }

    /// The folder being written.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// Writes `bytes` at `rel` (a `/`-separated path) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.tmp.join(rel);
        // Most writes go to a folder that exists already: try first, and
        // create the folders only when they are missing (saves a syscall
        // per page on large builds).
        match fs::write(&path, bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(path, bytes)
            }
            other => other,
        }
    }

    /// Replaces the output folder with the staging folder.
    pub fn commit(mut self) -> io::Result<()> {
        let old = sibling(&self.out, "previous");
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        let had_previous = self.out.exists();
        if had_previous {
            fs::rename(&self.out, &old)?;
        }
        if let Err(e) = fs::rename(&self.tmp, &self.out) {
            if had_previous {
                // Put the previous site back: a failed swap must lose nothing.
                let _ = fs::rename(&old, &self.out);
            }
            return Err(e);
        }
        self.committed = true;
        if had_previous {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }

    /// Moves the staged files into the output and deletes every entry of the
    /// output that is neither staged nor in `kept`: see the module docs for
    /// what this guarantees. `live` is the output as [`Live::read`] found
    /// it; `kept` are files of it that the new build produces unchanged
    /// (each must be a [`Entry::File`] of `live`).
    pub fn commit_patch<'a>(mut self, live: &Live, kept: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
        let staged = files_under(&self.tmp)?;
        let mut files: HashSet<&str> = kept.into_iter().collect();
        files.extend(staged.iter().map(String::as_str));
        let mut dirs: HashSet<&str> = HashSet::new();
        for f in &files {
            let mut rel = *f;
            while let Some(i) = rel.rfind('/') {
                rel = &rel[..i];
                if !dirs.insert(rel) {
                    break;
                }
            }
        }
        let wanted = |rel: &str, entry: &Entry| match entry {
            Entry::File { .. } => files.contains(rel),
            Entry::Dir => dirs.contains(rel),
            Entry::Other => false,
        };

        // New files first, so that pages are missing for as short a time
        // as possible. What stands in a new file's way (a folder or a link
        // where the file goes, a file where its folder goes) is deleted
        // first.
        let mut gone: HashSet<&str> = HashSet::new();
        let mut ready: HashSet<&str> = HashSet::new();
        for rel in &staged {
            let mut parents = Vec::new();
            let mut dir = rel.as_str();
            while let Some(i) = dir.rfind('/') {
                dir = &dir[..i];
                if ready.contains(dir) {
                    break;
                }
                parents.push(dir);
            }
            for dir in parents.into_iter().rev() {
                match live.get(dir) {
                    Some(Entry::Dir) => {}
                    other => {
                        if let Some(entry) = other {
                            remove(&self.out.join(dir), *entry)?;
                            gone.insert(dir);
                        }
                        match fs::create_dir(self.out.join(dir)) {
                            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                            _ => {}
                        }
                    }
                }
                ready.insert(dir);
            }
            if let Some(entry) = live.get(rel).filter(|e| matches!(e, Entry::Dir | Entry::Other)) {
                remove(&self.out.join(rel), *entry)?;
                gone.insert(rel);
            }
            fs::rename(self.tmp.join(rel), self.out.join(rel))?;
        }

        // Then everything else the new build does not produce, outermost
        // first (a folder goes with what it holds).
        let mut unwanted: Vec<(&str, Entry)> = live
            .entries
            .iter()
            .filter(|(rel, entry)| !wanted(rel, entry))
            .map(|(rel, entry)| (rel.as_str(), *entry))
            .collect();
        unwanted.sort_by_key(|(rel, _)| (rel.matches('/').count(), *rel));
        for (rel, entry) in unwanted {
            let already = gone.contains(rel) || rel.char_indices().any(|(i, c)| c == '/' && gone.contains(&rel[..i]));
            if !already {
                remove(&self.out.join(rel), entry)?;
                gone.insert(rel);
            }
        }
        for (rel, entry) in &live.unnamed {
            remove(&self.out.join(rel), *entry)?;
        }

        self.committed = true;
        fs::remove_dir_all(&self.tmp)
    }
}

/// Deletes an entry of the output (a folder with what it holds); one that
/// is already gone is no error.
fn remove(path: &Path, entry: Entry) -> io::Result<()> {
    let result = match entry {
        Entry::Dir => fs::remove_dir_all(path),
        Entry::File { .. } | Entry::Other => fs::remove_file(path).or_else(|e| match fs::symlink_metadata(path) {
            // A symbolic link to a folder is a folder to Windows.
            Ok(m) if m.file_type().is_symlink() => fs::remove_dir(path),
            _ => Err(e),
        }),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Every regular file under `dir`, as `/`-separated relative paths.
fn files_under(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            out.push(slash_path(rel).ok_or_else(|| io::Error::other("a staged file name is not UTF-8"))?);
        }
    }
    Ok(out)
}

fn slash_path(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

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
    entries: HashMap<String, Entry>,
    /// Entries whose name is not UTF-8 (a build never writes one), not read into.
    unnamed: Vec<(PathBuf, Entry)>,
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

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_discards() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir_all(out.join("old")).unwrap();
        fs::write(out.join("old/stale.html"), "stale").unwrap();

        let s = Staging::new(&out).unwrap();
        s.write("a/b.html", b"new").unwrap();
        drop(s);
        assert!(
            out.join("old/stale.html").exists(),
            "an abandoned build leaves the old site"
        );

        let s = Staging::new(&out).unwrap();
        s.write("a/b.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(
            !out.join("old").exists(),
            "files the new build does not produce are gone"
        );
        assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "new");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("site")]);
    }

    fn put(root: &Path, rel: &str, body: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, body).unwrap();
    }

    /// Every file under `dir` with its text, and every folder (as `name/`).
    fn listing(dir: &Path) -> Vec<(String, String)> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                let rel = slash_path(e.path().strip_prefix(dir).unwrap()).unwrap();
                if e.file_type().is_dir() {
                    (format!("{rel}/"), String::new())
                } else {
                    (rel, fs::read_to_string(e.path()).unwrap_or_else(|_| "<link>".into()))
                }
            })
            .collect()
    }

    #[test]
    fn a_patch_leaves_exactly_the_kept_and_staged_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        put(&out, "keep/a.html", "a");
        put(&out, "keep/b.html", "old b");
        put(&out, "keep/stray.txt", "added by hand");
        put(&out, "gone/c.html", "a removed client");
        put(&out, "was-a-folder/x.html", "now a file stands here");
        put(&out, "was-a-file", "now a folder stands here");
        put(&out, "top.txt", "stray at the top");
        fs::create_dir_all(out.join("empty/deeper")).unwrap();
        let live = Live::read(&out).unwrap();
        assert!(matches!(live.get("keep/a.html"), Some(Entry::File { size: 1, .. })));
        assert_eq!(live.get("keep"), Some(&Entry::Dir));

        let s = Staging::new(&out).unwrap();
        s.write("keep/b.html", b"new b").unwrap();
        s.write("was-a-folder", b"file").unwrap();
        s.write("was-a-file/y.html", b"y").unwrap();
        s.write("new/z.html", b"z").unwrap();
        s.commit_patch(&live, ["keep/a.html"]).unwrap();
        let expected: Vec<(String, String)> = [
            ("keep/", ""),
            ("keep/a.html", "a"),
            ("keep/b.html", "new b"),
            ("new/", ""),
            ("new/z.html", "z"),
            ("was-a-file/", ""),
            ("was-a-file/y.html", "y"),
            ("was-a-folder", "file"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(listing(&out), expected);
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("site")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_patch_never_writes_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let outside = dir.path().join("outside");
        put(&outside, "page.html", "not ours");
        put(&outside, "sub/page.html", "not ours either");
        fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(outside.join("page.html"), out.join("page.html")).unwrap();
        std::os::unix::fs::symlink(outside.join("sub"), out.join("sub")).unwrap();
        std::os::unix::fs::symlink(outside.join("page.html"), out.join("stray-link")).unwrap();
        let live = Live::read(&out).unwrap();
        assert_eq!(live.get("sub"), Some(&Entry::Other));
        assert_eq!(live.get("sub/page.html"), None, "links are not followed");

        let s = Staging::new(&out).unwrap();
        s.write("page.html", b"ours").unwrap();
        s.write("sub/page.html", b"ours too").unwrap();
        s.commit_patch(&live, []).unwrap();
        assert_eq!(
            listing(&out),
            [("page.html", "ours"), ("sub/", ""), ("sub/page.html", "ours too")]
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        );
        assert_eq!(fs::read_to_string(outside.join("page.html")).unwrap(), "not ours");
        assert_eq!(
            fs::read_to_string(outside.join("sub/page.html")).unwrap(),
            "not ours either"
        );
    }

    #[test]
    fn an_abandoned_patch_leaves_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        put(&out, "a.html", "a");
        let before = listing(&out);
        let s = Staging::new(&out).unwrap();
        s.write("a.html", b"new").unwrap();
        drop(s);
        assert_eq!(listing(&out), before);
        assert!(Live::read(&dir.path().join("missing")).is_err());
        assert!(Live::read(&out.join("a.html")).is_err());
    }
}
