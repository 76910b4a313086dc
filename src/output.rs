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
use std::path::{Component, Path, PathBuf};
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

/// The file casebook writes into the root of every output folder it
/// builds. A build replaces only a folder that holds it (or is empty, or
/// missing, or was written by a casebook older than the marker; see
/// [`check_output`]).
pub const MARKER: &str = ".casebook-output";

/// What the marker file says to a person who opens it.
const MARKER_TEXT: &str = "This folder is written by casebook. Every `casebook build` replaces it whole:\n\
keep nothing else here. (casebook refuses to build into a folder without this file.)\n";

/// The parts of a project that an output folder may never be, hold or lie
/// inside (besides the project folder itself).
pub const PROJECT_PARTS: [&str; 5] = ["casebook.toml", "data", "content", "templates", "static"];

/// Top-level folders of an output written by casebook before the marker
/// existed (see [`check_output`]).
const LEGACY_FOLDERS: [&str; 3] = ["internal", "public", "client"];

/// An output folder that passed [`check_output`]: the only kind a
/// [`Staging`] writes to.
#[derive(Clone, Debug)]
pub struct OutputDir {
    /// The real folder, every symbolic link resolved.
    path: PathBuf,
}

impl OutputDir {
    /// The real folder the build replaces.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// How an output path stands to a part of the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlap {
    Is,
    Inside,
    Contains,
}

/// Why a build may not write to an output path. Nothing has been written
/// when this is returned.
#[derive(Debug)]
pub enum Refused {
    /// The output is, is inside, or contains the project folder or one of
    /// [`PROJECT_PARTS`] (`part` is `None` for the project folder).
    Project {
        out: PathBuf,
        part: Option<&'static str>,
        overlap: Overlap,
    },
    /// An existing, non-empty folder that casebook did not write: it has no
    /// [`MARKER`]. `sample` names a few of its entries.
    NotOurs {
        out: PathBuf,
        sample: Vec<String>,
    },
    /// Something other than a folder stands at the output path.
    NotAFolder(PathBuf),
    /// The output path is a symbolic link to nothing.
    BrokenLink(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A path typed by the user prints as one line, whatever it holds.
        let shown = |p: &Path| crate::diag::escape_controls(&p.display().to_string()).into_owned();
        match self {
            Refused::Project { out, part, overlap } => {
                let what = match part {
                    None => "the project folder".to_string(),
                    Some(p) if p.contains('.') => format!("the project's {p}"),
                    Some(p) => format!("the project's {p}/ folder"),
                };
                let how = match overlap {
                    Overlap::Is => "is",
                    Overlap::Inside => "is inside",
                    Overlap::Contains => "contains",
                };
                write!(
                    f,
                    "{}: the output folder {how} {what}; a build replaces its output folder whole, so casebook never \
                     builds there (symbolic links resolved). Choose a folder of its own with --out, e.g. the default <root>/site",
                    shown(out)
                )
            }
            Refused::NotOurs { out, sample } => write!(
                f,
                "{}: the folder already holds files that casebook did not write ({}) and no {MARKER} file; a build \
                 replaces its output folder whole, so casebook will not build there. Choose a new or empty folder with \
                 --out, or, if everything in it may go, delete the folder first",
                shown(out),
                sample.join(", ")
            ),
            Refused::NotAFolder(out) => write!(
                f,
                "{}: not a folder; choose a folder for the output with --out",
                shown(out)
            ),
            Refused::BrokenLink(out) => write!(
                f,
                "{}: a symbolic link to a folder that does not exist; create that folder or remove the link",
                shown(out)
            ),
            Refused::Io(out, e) => write!(f, "{}: {e}", shown(out)),
        }
    }
}

/// The rule every output folder passes before a build writes anything
/// (docs/data-format.md, "The output folder"):
///
/// 1. Symbolic links are resolved first, in the output path and in the
///    project's paths (`site -> .` is the project folder).
/// 2. The output may not be, lie inside, or contain the project folder or
///    any of [`PROJECT_PARTS`].
/// 3. It must be missing, an empty folder, or a folder casebook built: one
///    holding [`MARKER`], or, written by a casebook older than the marker,
///    one holding nothing but real folders named `internal`, `public` and
///    `client`, with `internal/index.html` and `internal/metrics.json`.
///
/// Returns the real folder to build into (a link to a folder is kept, and
/// the folder it names is built).
pub fn check_output(out: &Path, project_root: &Path) -> Result<OutputDir, Refused> {
    let io_err = |e| Refused::Io(out.to_path_buf(), e);
    let real = resolve(out).map_err(io_err)?;
    let root = resolve(project_root).map_err(|e| Refused::Io(project_root.to_path_buf(), e))?;
    let overlap = |part: &Path| {
        if real == part {
            Some(Overlap::Is)
        } else if real.starts_with(part) {
            Some(Overlap::Inside)
        } else if part.starts_with(&real) {
            Some(Overlap::Contains)
        } else {
            None
        }
    };
    let project = |part, overlap| Refused::Project {
        out: out.to_path_buf(),
        part,
        overlap,
    };
    match overlap(&root) {
        Some(Overlap::Inside) | None => {}
        Some(o) => return Err(project(None, o)),
    }
    for part in PROJECT_PARTS {
        let resolved = resolve(&root.join(part)).map_err(io_err)?;
        if let Some(o) = overlap(&resolved) {
            return Err(project(Some(part), o));
        }
    }
    match fs::symlink_metadata(&real) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(e)),
        // `resolve` follows every link that leads somewhere.
        Ok(m) if m.file_type().is_symlink() => return Err(Refused::BrokenLink(out.to_path_buf())),
        Ok(m) if !m.is_dir() => return Err(Refused::NotAFolder(out.to_path_buf())),
        Ok(_) => {
            let mut names: Vec<String> = Vec::new();
            for item in fs::read_dir(&real).map_err(io_err)? {
                names.push(item.map_err(io_err)?.file_name().to_string_lossy().into_owned());
            }
            names.sort();
            if !names.is_empty() && !is_casebook_output(&real, &names) {
                let mut sample: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
                if names.len() > 3 {
                    sample.push(format!("{} more", names.len() - 3));
                }
                return Err(Refused::NotOurs {
                    out: out.to_path_buf(),
                    sample,
                });
            }
        }
    }
    Ok(OutputDir { path: real })
}

/// Whether the folder `dir`, holding `names`, was written by casebook.
fn is_casebook_output(dir: &Path, names: &[String]) -> bool {
    let is_file = |rel: &str| fs::symlink_metadata(dir.join(rel)).is_ok_and(|m| m.is_file());
    let is_real_dir = |rel: &str| fs::symlink_metadata(dir.join(rel)).is_ok_and(|m| m.is_dir());
    if is_file(MARKER) {
        return true;
    }
    names
        .iter()
        .all(|n| LEGACY_FOLDERS.contains(&n.as_str()) && is_real_dir(n))
        && is_file("internal/index.html")
        && is_file("internal/metrics.json")
}

/// `path` made absolute with every symbolic link resolved: its longest
/// existing beginning is canonicalised, the rest (which does not exist
/// yet, so holds no link) is appended with `.` and `..` applied.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut existing = abs.as_path();
    let mut rest: Vec<Component> = Vec::new();
    let base = loop {
        match fs::canonicalize(existing) {
            Ok(real) => break real,
            Err(_) => {
                let mut parts = existing.components();
                match parts.next_back() {
                    Some(last @ (Component::Normal(_) | Component::CurDir | Component::ParentDir)) => {
                        rest.push(last);
                        existing = parts.as_path();
                    }
                    // Nothing of the path exists, not even its root.
                    _ => break PathBuf::from(existing),
                }
            }
        }
    };
    let mut real = base;
    for part in rest.into_iter().rev() {
        match part {
            Component::ParentDir => {
                real.pop();
            }
            Component::CurDir => {}
            other => real.push(other),
        }
    }
    Ok(real)
}

/// The folder a command that adds to a built site (`casebook pdf`) writes
/// for the output path `out`: `out` itself, or, when `out` is a symbolic
/// link to a folder, the folder it points to. (A build resolves its output
/// with [`check_output`] instead.)
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

/// Cleans up after builds of `out` that were interrupted (killed, power
/// lost): their `.<name>.building-<pid>` and `.<name>.previous-<pid>`
/// folders beside the output are removed once process `<pid>` no longer
/// runs. A folder of a running process (a concurrent build, or this one)
/// is never touched. A `previous` folder holds the last good site; when
/// the output itself is missing (the build stopped between its two
/// renames), the newest one is moved back into place instead.
pub fn remove_stale(out: &Path) -> io::Result<()> {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name().and_then(|n| n.to_str())) else {
        return Ok(());
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let entries = match fs::read_dir(parent) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let own = std::process::id();
    let mut previous: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for item in entries {
        let item = item?;
        let file_name = item.file_name();
        let Some((tag, pid)) = file_name.to_str().and_then(|n| leftover(n, name)) else {
            continue;
        };
        // Only real folders: a link or file of that name is not a build's.
        if pid == own || !item.file_type()?.is_dir() || process_runs(pid) {
            continue;
        }
        if tag == "previous" {
            let modified = item.metadata()?.modified().unwrap_or(UNIX_EPOCH);
            previous.push((modified, item.path()));
        } else {
            remove_if_there(&item.path())?;
        }
    }
    previous.sort();
    let newest = previous.pop();
    for (_, path) in previous {
        remove_if_there(&path)?;
    }
    if let Some((_, path)) = newest {
        match fs::symlink_metadata(out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => fs::rename(&path, out)?,
            _ => remove_if_there(&path)?,
        }
    }
    Ok(())
}

fn remove_if_there(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// `("building" | "previous", pid)` when `file_name` is a folder name that a
/// build of the output `name` leaves beside it (see [`sibling`]).
fn leftover<'a>(file_name: &'a str, name: &str) -> Option<(&'a str, u32)> {
    let rest = file_name.strip_prefix('.')?.strip_prefix(name)?.strip_prefix('.')?;
    let (tag, pid) = rest.split_once('-')?;
    if !matches!(tag, "building" | "previous") || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((tag, pid.parse().ok()?))
}

/// Whether process `pid` exists (when that cannot be known: yes, so that
/// nothing of a running build is ever deleted).
fn process_runs(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if pid <= 0 {
            return true;
        }
        // Signal 0 checks that the process exists without disturbing it;
        // EPERM means it exists but belongs to someone else.
        // SAFETY: kill with signal 0 sends nothing and touches no memory.
        let sent = unsafe { libc::kill(pid, 0) };
        sent == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
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

#[cfg(test)]
mod rule_tests {
    //! The output-folder rule ([`check_output`]) and the clean-up of
    //! interrupted builds ([`remove_stale`]).
    use super::*;

    fn put(root: &Path, rel: &str, body: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, body).unwrap();
    }

    /// A project folder `p` inside a fresh temporary folder.
    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p");
        put(&p, "casebook.toml", "title = \"x\"\n");
        put(&p, "data/clients/a/client.toml", "name = \"A\"\n");
        put(&p, "content/pages/about.md", "# About\n");
        put(&p, "templates/report.html", "x");
        put(&p, "static/logo.svg", "<svg/>");
        (dir, p)
    }

    fn refused_part(out: &Path, root: &Path) -> (Option<&'static str>, Overlap) {
        match check_output(out, root) {
            Err(Refused::Project { part, overlap, .. }) => (part, overlap),
            other => panic!("{}: {other:?}", out.display()),
        }
    }

    #[test]
    fn the_project_and_its_parts_are_never_an_output() {
        let (dir, p) = project();
        assert_eq!(refused_part(&p, &p), (None, Overlap::Is));
        assert_eq!(refused_part(dir.path(), &p), (None, Overlap::Contains));
        assert_eq!(refused_part(&p.join("data"), &p), (Some("data"), Overlap::Is));
        assert_eq!(
            refused_part(&p.join("data/clients/a"), &p),
            (Some("data"), Overlap::Inside)
        );
        assert_eq!(
            refused_part(&p.join("data/new/deeper"), &p),
            (Some("data"), Overlap::Inside)
        );
        assert_eq!(refused_part(&p.join("content"), &p), (Some("content"), Overlap::Is));
        assert_eq!(refused_part(&p.join("templates"), &p), (Some("templates"), Overlap::Is));
        assert_eq!(
            refused_part(&p.join("static/img"), &p),
            (Some("static"), Overlap::Inside)
        );
        assert_eq!(
            refused_part(&p.join("casebook.toml"), &p),
            (Some("casebook.toml"), Overlap::Is)
        );
        // `..` is applied, also after a folder that does not exist.
        assert_eq!(refused_part(&p.join("site/../data"), &p), (Some("data"), Overlap::Is));
        assert_eq!(
            refused_part(&p.join("new/../content"), &p),
            (Some("content"), Overlap::Is)
        );
        // Parts that do not exist are protected all the same.
        fs::remove_dir_all(p.join("static")).unwrap();
        assert_eq!(refused_part(&p.join("static"), &p), (Some("static"), Overlap::Is));
        // The default output, and a folder beside the project, are fine.
        assert_eq!(
            check_output(&p.join("site"), &p).unwrap().path(),
            resolve(&p.join("site")).unwrap()
        );
        assert!(check_output(&dir.path().join("elsewhere/site"), &p).is_ok());
        let message = check_output(&p.join("data"), &p).unwrap_err().to_string();
        assert!(message.contains("is the project's data/ folder"), "{message}");
        let message = check_output(dir.path(), &p).unwrap_err().to_string();
        assert!(message.contains("contains the project folder"), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_resolved_before_the_rule() {
        use std::os::unix::fs::symlink;
        let (dir, p) = project();
        symlink(".", p.join("site")).unwrap();
        assert_eq!(refused_part(&p.join("site"), &p), (None, Overlap::Is));
        symlink(p.join("content"), dir.path().join("to-content")).unwrap();
        assert_eq!(
            refused_part(&dir.path().join("to-content/x"), &p),
            (Some("content"), Overlap::Inside)
        );
        // The project reached through a link of its own.
        symlink(&p, dir.path().join("p-link")).unwrap();
        assert_eq!(
            refused_part(&p.join("data"), &dir.path().join("p-link")),
            (Some("data"), Overlap::Is)
        );
        // A data/ folder that is a link: its target is protected too.
        let shared = dir.path().join("shared-data");
        fs::rename(p.join("data"), &shared).unwrap();
        symlink(&shared, p.join("data")).unwrap();
        assert_eq!(refused_part(&shared, &p), (Some("data"), Overlap::Is));
        // A link to nothing.
        symlink(dir.path().join("gone"), dir.path().join("dangling")).unwrap();
        assert!(matches!(
            check_output(&dir.path().join("dangling"), &p),
            Err(Refused::BrokenLink(_))
        ));
        // A link to an empty folder is built where it points.
        fs::create_dir(dir.path().join("www")).unwrap();
        symlink(dir.path().join("www"), dir.path().join("site-link")).unwrap();
        assert_eq!(
            check_output(&dir.path().join("site-link"), &p).unwrap().path(),
            fs::canonicalize(dir.path().join("www")).unwrap()
        );
    }

    #[test]
    fn only_a_folder_casebook_made_is_replaced() {
        let (dir, p) = project();
        let out = dir.path().join("out");
        assert!(check_output(&out, &p).is_ok(), "a missing folder");
        fs::create_dir(&out).unwrap();
        assert!(check_output(&out, &p).is_ok(), "an empty folder");
        put(&out, "notes.txt", "mine");
        put(&out, "photos/a.jpg", "mine");
        match check_output(&out, &p) {
            Err(Refused::NotOurs { sample, .. }) => assert_eq!(sample, ["`notes.txt`", "`photos`"]),
            other => panic!("{other:?}"),
        }
        put(&out, MARKER, "");
        assert!(check_output(&out, &p).is_ok(), "a folder with the marker");
        fs::remove_file(out.join(MARKER)).unwrap();
        fs::create_dir(out.join(MARKER)).unwrap();
        assert!(check_output(&out, &p).is_err(), "the marker must be a file");

        let file = dir.path().join("file.html");
        put(dir.path(), "file.html", "x");
        assert!(matches!(check_output(&file, &p), Err(Refused::NotAFolder(_))));
        // Only hidden files still count.
        let hidden = dir.path().join("hidden");
        put(&hidden, ".git/HEAD", "ref");
        assert!(matches!(check_output(&hidden, &p), Err(Refused::NotOurs { .. })));
    }

    #[test]
    fn an_output_of_an_older_casebook_is_recognised_by_its_shape() {
        let (dir, p) = project();
        let out = dir.path().join("site");
        put(&out, "internal/index.html", "x");
        put(&out, "internal/metrics.json", "{}");
        put(&out, "public/index.html", "x");
        put(&out, "client/a/2026-10.html", "x");
        assert!(check_output(&out, &p).is_ok());
        // Anything else at its top, or a missing casebook file, and it is not.
        put(&out, "index.html", "mine");
        assert!(check_output(&out, &p).is_err());
        fs::remove_file(out.join("index.html")).unwrap();
        fs::remove_file(out.join("internal/metrics.json")).unwrap();
        assert!(check_output(&out, &p).is_err());
        let only_public = dir.path().join("web");
        put(&only_public, "public/index.html", "x");
        assert!(check_output(&only_public, &p).is_err());
    }

    /// A process id that no longer runs: a child that has exited and been
    /// waited for.
    #[cfg(unix)]
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!process_runs(pid));
        pid
    }

    #[cfg(unix)]
    #[test]
    fn leftovers_of_dead_builds_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        put(&out, "internal/index.html", "current");
        let dead = dead_pid();
        let mut live = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        let planted = [
            format!(".site.building-{dead}"),
            format!(".site.previous-{dead}"),
            format!(".site.building-{}", live.id()),
            format!(".site.previous-{}", live.id()),
            // Not a build's: another output's, a name that only looks alike.
            format!(".other.building-{dead}"),
            format!(".site.building-{dead}x"),
            format!(".site.copy-{dead}"),
        ];
        for name in &planted {
            put(&dir.path().join(name), "internal/report.html", "private");
        }
        remove_stale(&out).unwrap();
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected: Vec<String> = planted[2..].to_vec();
        expected.push("site".into());
        expected.sort();
        assert_eq!(left, expected);
        assert_eq!(fs::read_to_string(out.join("internal/index.html")).unwrap(), "current");
        live.kill().unwrap();
        live.wait().unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_build_killed_between_its_renames_gets_its_previous_site_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let dead = dead_pid();
        put(
            &dir.path().join(format!(".site.previous-{dead}")),
            "internal/index.html",
            "last good",
        );
        put(
            &dir.path().join(format!(".site.building-{dead}")),
            "internal/index.html",
            "half",
        );
        let staging = Staging::new(&OutputDir { path: out.clone() }).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("internal/index.html")).unwrap(),
            "last good"
        );
        drop(staging);
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("site")]);
    }
}
