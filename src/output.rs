//! Safe writing: a build renders into a fresh folder beside the output and
//! swaps it in only at the end, so a failed build leaves the previous site
//! as it was, and files the new build does not produce are gone.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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
}
