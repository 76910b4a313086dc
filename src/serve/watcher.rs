//! The file watcher: which changes of the project start a build.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::Notify;

use super::{absolute, lock, warn};
use crate::cli::Ui;

/// The folders watched recursively; `casebook.toml` is watched too.
const WATCHED_DIRS: [&str; 3] = ["data", "content", "templates"];

/// How long the watcher waits for a burst of changes (an editor's save,
/// a `git checkout`) to settle before a rebuild.
const DEBOUNCE: Duration = Duration::from_millis(200);
/// The file watcher: the project's folders and `casebook.toml`, debounced.
pub(super) struct Watcher {
    root: PathBuf,
    debouncer: Mutex<Debouncer<notify::RecommendedWatcher, RecommendedCache>>,
    /// Watched folders, by name.
    watched: Mutex<HashSet<&'static str>>,
    /// Watched folders that were created, moved or removed since: their
    /// watch may be stale.
    stale: Arc<Mutex<HashSet<&'static str>>>,
    /// Changed files (relative to the root) since the last build started.
    changes: Arc<Mutex<BTreeSet<String>>>,
}

impl Watcher {
    pub(super) fn start(root: &Path, site: &Path, trigger: Arc<Notify>, ui: Ui) -> Result<Watcher, String> {
        let root = absolute(root);
        let stale = Arc::new(Mutex::new(HashSet::new()));
        let changes = Arc::new(Mutex::new(BTreeSet::new()));
        let filter = Filter {
            root: root.clone(),
            site: site.to_path_buf(),
        };
        let handler = {
            let stale = stale.clone();
            let changes = changes.clone();
            move |result: DebounceEventResult| match result {
                Ok(events) => {
                    let mut any = false;
                    for event in &events {
                        if matches!(event.kind, EventKind::Access(_)) {
                            continue;
                        }
                        if event.need_rescan() {
                            any = true;
                        }
                        for path in &event.paths {
                            let Some(rel) = filter.relevant(path) else {
                                continue;
                            };
                            if let Some(dir) = WATCHED_DIRS.iter().find(|d| Path::new(d) == rel) {
                                lock(&stale).insert(*dir);
                            }
                            lock(&changes).insert(rel.to_string_lossy().replace('\\', "/"));
                            any = true;
                        }
                    }
                    if any {
                        trigger.notify_one();
                    }
                }
                Err(errors) => {
                    for e in errors {
                        warn(&format!("watching for changes: {e}"), ui);
                    }
                }
            }
        };
        let mut debouncer = new_debouncer(DEBOUNCE, None, handler).map_err(|e| e.to_string())?;
        // The root itself, not recursively: casebook.toml (an editor may
        // replace the file, which a watch on the file would not survive) and
        // the watched folders appearing or going.
        debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("{}: {e}", root.display()))?;
        let watcher = Watcher {
            root,
            debouncer: Mutex::new(debouncer),
            watched: Mutex::new(HashSet::new()),
            stale,
            changes,
        };
        watcher.refresh();
        Ok(watcher)
    }

    /// Watches the folders that exist and are not watched yet, and renews
    /// the watch of those that were re-created.
    pub(super) fn refresh(&self) {
        let stale: Vec<&'static str> = lock(&self.stale).drain().collect();
        let mut watched = lock(&self.watched);
        let mut debouncer = lock(&self.debouncer);
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            if watched.contains(dir) && stale.contains(&dir) {
                let _ = debouncer.unwatch(&path);
                watched.remove(dir);
            }
            if !watched.contains(dir) && path.is_dir() && debouncer.watch(&path, RecursiveMode::Recursive).is_ok() {
                watched.insert(dir);
            }
        }
    }

    /// The changed files noted since the last call.
    pub(super) fn take_changes(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.changes)).into_iter().collect()
    }
}

/// Which changed paths matter to a build.
struct Filter {
    root: PathBuf,
    site: PathBuf,
}

impl Filter {
    /// The path relative to the root when a build reads it: casebook.toml
    /// and what is inside data/, content/ and templates/, less editors'
    /// swap and backup files and the output folder.
    fn relevant<'a>(&self, path: &'a Path) -> Option<&'a Path> {
        if path.starts_with(&self.site) {
            return None;
        }
        let rel = path.strip_prefix(&self.root).ok()?;
        let mut parts = rel.components();
        let first = parts.next()?.as_os_str().to_str()?;
        let nested = parts.next().is_some();
        let wanted = match first {
            "casebook.toml" => !nested,
            d => WATCHED_DIRS.contains(&d),
        };
        let name = rel.file_name()?.to_string_lossy();
        let scratch = name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name == "4913";
        (wanted && !scratch).then_some(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_project_inputs_trigger_builds() {
        let f = Filter {
            root: PathBuf::from("/p"),
            site: PathBuf::from("/p/site"),
        };
        for yes in [
            "/p/casebook.toml",
            "/p/data/clients/a/invoices.csv",
            "/p/content/clients/a/notes/2026-10.md",
            "/p/templates/report.html",
            "/p/data",
        ] {
            assert!(f.relevant(Path::new(yes)).is_some(), "{yes}");
        }
        for no in [
            "/p/site/internal/index.html",
            "/p/.site.building-12/x.html",
            "/p/README.md",
            "/p/content/clients/a/notes/.2026-10.md.swp",
            "/p/content/clients/a/notes/2026-10.md~",
            "/p/content/clients/a/notes/4913",
            "/p/casebook.toml.bak",
            "/elsewhere/casebook.toml",
        ] {
            assert!(f.relevant(Path::new(no)).is_none(), "{no}");
        }
    }
}
