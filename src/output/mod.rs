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
//!
//! The module's parts: `rules` (which folders a build may replace), `swap`
//! (the staging folder and its two commits), `live` (the output as read
//! before an incremental build) and `stale` (the clean-up after interrupted
//! builds).

use std::fs;
use std::io;
use std::path::Path;

mod live;
mod rules;
mod stale;
mod swap;

pub use live::{Entry, Live, mtime_ns};
pub use rules::{MARKER, OutputDir, Overlap, PROJECT_PARTS, Refused, check_output, resolve, through_link};
pub use stale::remove_stale;
pub use swap::Staging;

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
