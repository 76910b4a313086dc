//! The clean-up after interrupted builds: the staging and previous folders
//! they left beside the output.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

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
/// build of the output `name` leaves beside it (see [`sibling`](super::swap)).
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

#[cfg(test)]
mod tests {
    //! The clean-up of interrupted builds ([`remove_stale`]).
    use super::*;
    use crate::output::{OutputDir, Staging};

    fn put(root: &Path, rel: &str, body: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, body).unwrap();
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
