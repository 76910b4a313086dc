//! Writing an import's files all together or not at all.
//!
//! Every new text is first written to a temporary file beside its target;
//! only when all of them are written are they renamed over their targets,
//! each old file kept under a backup name (a hard link) until the last
//! rename succeeded. On any failure the temporaries are removed, every
//! target that was already replaced gets its old content back, and folders
//! made for new clients are removed: the project is as it was.
//!
//! (A crash in the middle can leave a target replaced and the backups
//! beside it; it never leaves a target missing or half written.)

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One file to write: its path and its new content.
#[cfg(test)]
pub struct Write {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// A write that failed, and where.
#[derive(Debug)]
pub struct CommitError {
    pub path: PathBuf,
    pub error: io::Error,
}

/// A name beside `path`, hidden, that no other casebook process uses.
fn beside(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.casebook-{what}-{}", std::process::id()))
}

/// What has been done so far, to be undone on failure.
#[derive(Default)]
struct Undo {
    /// Folders created, outermost first.
    folders: Vec<PathBuf>,
    temporaries: Vec<PathBuf>,
    /// How many of `temporaries` (the first ones) are renamed into place.
    renamed: usize,
    /// Targets replaced: the target and its backup (`None`: it was new).
    replaced: Vec<(PathBuf, Option<PathBuf>)>,
}

impl Undo {
    /// Puts everything back as it was (best effort: an undo step that fails
    /// cannot be undone either).
    fn roll_back(self) {
        for (target, backup) in self.replaced.into_iter().rev() {
            match backup {
                Some(b) => {
                    let _ = fs::rename(&b, &target);
                }
                None => {
                    let _ = fs::remove_file(&target);
                }
            }
        }
        for t in self.temporaries.into_iter().skip(self.renamed) {
            let _ = fs::remove_file(t);
        }
        for f in self.folders.into_iter().rev() {
            let _ = fs::remove_dir(f);
        }
    }
}

/// Files written under temporary names, waiting to be renamed into place
/// together ([`Staging::commit`]); dropped without a commit, it removes
/// them and every folder it made.
#[derive(Default)]
pub struct Staging {
    /// Target and temporary file, in the order staged.
    staged: Vec<(PathBuf, PathBuf)>,
    undo: Undo,
    done: bool,
}

impl Staging {
    pub fn new() -> Staging {
        Staging::default()
    }

    /// Writes `bytes` beside `path` under a temporary name.
    pub fn stage(&mut self, path: &Path, bytes: &[u8]) -> Result<(), CommitError> {
        let fail = |error| CommitError {
            path: path.to_path_buf(),
            error,
        };
        if let Some(parent) = path.parent() {
            create_folders(parent, &mut self.undo).map_err(fail)?;
        }
        let tmp = beside(path, "import");
        fs::write(&tmp, bytes).map_err(fail)?;
        self.undo.temporaries.push(tmp.clone());
        self.staged.push((path.to_path_buf(), tmp));
        Ok(())
    }

    /// Renames every staged file over its target, or, on any failure, puts
    /// every target back as it was.
    pub fn commit(mut self) -> Result<(), CommitError> {
        let staged = std::mem::take(&mut self.staged);
        let mut undo = std::mem::take(&mut self.undo);
        self.done = true;
        match rename_all(&staged, &mut undo) {
            Ok(backups) => {
                for b in backups {
                    let _ = fs::remove_file(b);
                }
                Ok(())
            }
            Err(e) => {
                undo.roll_back();
                Err(e)
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            std::mem::take(&mut self.undo).roll_back();
        }
    }
}

/// Writes every file of `writes`, or none of them.
#[cfg(test)]
pub fn commit(writes: &[Write]) -> Result<(), CommitError> {
    let mut staging = Staging::new();
    for w in writes {
        staging.stage(&w.path, &w.bytes)?;
    }
    staging.commit()
}

/// Renames each temporary over its target, keeping a backup of each old
/// file; returns the backups to remove once everything is in place.
fn rename_all(staged: &[(PathBuf, PathBuf)], undo: &mut Undo) -> Result<Vec<PathBuf>, CommitError> {
    let fail = |path: &Path| {
        let path = path.to_path_buf();
        move |error| CommitError { path, error }
    };
    let mut backups = Vec::new();
    for (target, tmp) in staged {
        let backup = match fs::symlink_metadata(target) {
            Ok(_) => {
                let b = beside(target, "backup");
                fs::hard_link(target, &b)
                    .or_else(|_| fs::copy(target, &b).map(|_| ()))
                    .map_err(fail(target))?;
                backups.push(b.clone());
                Some(b)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(fail(target)(e)),
        };
        match fs::rename(tmp, target) {
            Ok(()) => undo.replaced.push((target.clone(), backup)),
            Err(e) => {
                if let Some(b) = backup {
                    let _ = fs::remove_file(b);
                }
                return Err(fail(target)(e));
            }
        }
        // Staged in the order of `temporaries`.
        undo.renamed += 1;
    }
    Ok(backups)
}

/// Creates `dir` and its missing parents, recording the ones it made.
fn create_folders(dir: &Path, undo: &mut Undo) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        at = d.parent();
    }
    for d in missing.into_iter().rev() {
        fs::create_dir(&d)?;
        undo.folders.push(d);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `dir` with its content.
    fn files(dir: &Path) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, fs::read_to_string(e.path()).unwrap_or_default()));
            }
        }
        out
    }

    fn write(path: PathBuf, text: &str) -> Write {
        Write {
            path,
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn writes_everything() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a/invoices.csv");
        fs::create_dir_all(a.parent().unwrap()).unwrap();
        fs::write(&a, "old").unwrap();
        let b = dir.path().join("new/client.toml");
        commit(&[write(a, "new a"), write(b, "new b")]).unwrap();
        assert_eq!(
            files(dir.path()),
            [
                ("a/invoices.csv".to_string(), "new a".to_string()),
                ("new/client.toml".to_string(), "new b".to_string())
            ]
        );
    }

    /// Issue 11 item 10: when one write fails, the files written before it
    /// get their old content back and nothing else is left behind.
    #[test]
    fn a_failed_write_leaves_every_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("a/invoices.csv"), "old a").unwrap();
        // A regular file where a folder should be: no one, root included,
        // can write below it.
        fs::write(root.join("blocked"), "not a folder").unwrap();
        // A non-empty folder where a file should be: it cannot be replaced.
        fs::create_dir_all(root.join("c/invoices.csv/x")).unwrap();
        let before = files(root);
        for failing in [root.join("blocked/invoices.csv"), root.join("c/invoices.csv")] {
            let writes = [
                write(root.join("a/invoices.csv"), "new a"),
                write(root.join("new-client/client.toml"), "new"),
                write(failing.clone(), "never"),
                write(root.join("z/invoices.csv"), "new z"),
            ];
            let e = commit(&writes).unwrap_err();
            assert_eq!(e.path, failing);
            assert_eq!(files(root), before, "{}", failing.display());
            assert!(!root.join("new-client").exists());
            assert!(!root.join("z").exists());
        }
    }
}
