//! The staging folder a build writes into, and its two commits: the swap
//! of a clean build and the patch of an incremental one (see the
//! [module docs](super)).

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::live::{Entry, Live};
use super::rules::{MARKER, MARKER_TEXT, OutputDir};
use super::stale::remove_stale;

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
    /// Starts a build of `out`: removes the unfinished folders of builds
    /// of it that were interrupted (see [`remove_stale`]), creates the
    /// staging folder and writes the [`MARKER`] into it.
    pub fn new(out: &OutputDir) -> io::Result<Staging> {
        let out = out.path().to_path_buf();
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent)?;
        }
        remove_stale(&out)?;
        let tmp = sibling(&out, "building");
        if tmp.exists() {
            fs::remove_dir_all(&tmp)?;
        }
        fs::create_dir_all(&tmp)?;
        let staging = Staging {
            out,
            tmp,
            committed: false,
        };
        staging.write(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
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

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The output `out`, unchecked (these tests are about the commit).
    fn target(out: &Path) -> OutputDir {
        OutputDir {
            path: out.to_path_buf(),
        }
    }

    #[test]
    fn commit_replaces_and_drop_discards() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir_all(out.join("old")).unwrap();
        fs::write(out.join("old/stale.html"), "stale").unwrap();

        let s = Staging::new(&target(&out)).unwrap();
        s.write("a/b.html", b"new").unwrap();
        drop(s);
        assert!(
            out.join("old/stale.html").exists(),
            "an abandoned build leaves the old site"
        );

        let s = Staging::new(&target(&out)).unwrap();
        s.write("a/b.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(
            !out.join("old").exists(),
            "files the new build does not produce are gone"
        );
        assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "new");
        assert_eq!(fs::read_to_string(out.join(MARKER)).unwrap(), MARKER_TEXT);
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

    /// Every file under `dir` with its text, and every folder (as `name/`);
    /// the marker, which every build writes, is left out.
    fn listing(dir: &Path) -> Vec<(String, String)> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .filter(|e| e.as_ref().map_or(true, |e| e.path() != dir.join(MARKER)))
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

        let s = Staging::new(&target(&out)).unwrap();
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

        let s = Staging::new(&target(&out)).unwrap();
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
        let s = Staging::new(&target(&out)).unwrap();
        s.write("a.html", b"new").unwrap();
        drop(s);
        assert_eq!(listing(&out), before);
        assert!(Live::read(&dir.path().join("missing")).is_err());
        assert!(Live::read(&out.join("a.html")).is_err());
    }
}
