//! The load cache: what loading made of each client folder (the client,
//! its problems, the content hash that keys the build cache) is reused by
//! the next load while none of the files and folders it looked at changed.
//!
//! Loading a large project is mostly reading and parsing files (271,062 of
//! them at 50,000 clients); knowing that they did not change needs only
//! their metadata. While loading a client, the loader records every path it
//! looks at, before it reads it: missing, or a folder or file with its
//! size, modification and change times and inode ([`Stamp`]). A later load
//! stats the same paths in the same order; when every stamp matches, the
//! client comes from the cache. A folder's stamp changes whenever an entry
//! is added, removed or renamed in it, so an unchanged folder still holds
//! the same entries: a new note or a deleted story is seen.
//!
//! Timestamps are coarse (a few milliseconds): a file written twice within
//! one tick, at the same size, keeps its stamp. So, like git's "racy clean"
//! rule, a client is cached only when every stamp is at least [`SETTLE`]
//! older than the start of the load that read it; a file saved a moment
//! ago is read again until it has settled.
//!
//! The cache lives in `<root>/.casebook-cache/load/NN.bin` (postcard), in
//! [`SHARDS`] files by a hash of the client id, so that one edit rewrites a
//! sixteenth of it. A shard that cannot be read, fails its checksum, or
//! was written by another build of casebook ([`crate::BUILD_ID`]) is
//! ignored: the cache is never worth failing a load.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostics;
use crate::model::Client;

/// Bumped with any change of what a shard holds (shards also carry
/// [`crate::BUILD_ID`], so a casebook built from other sources ignores them).
const FORMAT: u32 = 3;

/// Number of shard files.
pub const SHARDS: usize = 16;

/// How old every stamp of a client must be, at the start of a load, for
/// the client to be cached.
pub const SETTLE: Duration = Duration::from_secs(2);

/// What a path was when the loader looked at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stamp {
    Missing,
    Dir(Times),
    File {
        size: u64,
        times: Times,
    },
    /// Something else (a socket, a broken link) or a failed stat: never cached.
    Other,
}

/// Modification and change times (nanoseconds since 1970) and the inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Times {
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
}

impl Stamp {
    /// The stamp of `path` now (following links, as reading does).
    pub fn of(path: &Path) -> Stamp {
        Stamp::from_metadata(fs::metadata(path))
    }

    /// The stamp of `path` in the project at `root`: a symbolic link is
    /// followed only as far as the project's link rule allows
    /// ([`crate::links`]); one that leaves the project is
    /// [`Stamp::Other`], never read and never cached.
    pub fn of_in(root: &Path, path: &Path) -> Stamp {
        match fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => match crate::links::problem(root, path) {
                None => Stamp::of(path),
                Some(_) => Stamp::Other,
            },
            other => Stamp::from_metadata(other),
        }
    }

    fn from_metadata(meta: io::Result<fs::Metadata>) -> Stamp {
        match meta {
            Ok(m) => {
                let times = times(&m);
                if m.is_dir() {
                    Stamp::Dir(times)
                } else if m.is_file() {
                    Stamp::File { size: m.len(), times }
                } else {
                    Stamp::Other
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Stamp::Missing,
            Err(_) => Stamp::Other,
        }
    }

    pub fn is_file(&self) -> bool {
        matches!(self, Stamp::File { .. })
    }

    pub fn is_dir(&self) -> bool {
        matches!(self, Stamp::Dir(_))
    }

    /// Old enough, at `load_start`, to be trusted next time.
    fn settled(&self, load_start: i128) -> bool {
        let limit = load_start - SETTLE.as_nanos() as i128;
        match self {
            Stamp::Missing => true,
            Stamp::Dir(t) | Stamp::File { times: t, .. } => t.mtime_ns < limit && t.ctime_ns < limit,
            Stamp::Other => false,
        }
    }
}

#[cfg(unix)]
fn times(m: &fs::Metadata) -> Times {
    use std::os::unix::fs::MetadataExt;
    let ns = |s: i64, n: i64| s as i128 * 1_000_000_000 + n as i128;
    Times {
        mtime_ns: ns(m.mtime(), m.mtime_nsec()),
        ctime_ns: ns(m.ctime(), m.ctime_nsec()),
        ino: m.ino(),
    }
}

#[cfg(not(unix))]
fn times(m: &fs::Metadata) -> Times {
    let ns = |t: io::Result<SystemTime>| t.ok().map(nanos_since_epoch).unwrap_or(0);
    Times {
        mtime_ns: ns(m.modified()),
        ctime_ns: ns(m.created()),
        ino: 0,
    }
}

fn nanos_since_epoch(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// A path the loader looked at (relative to the project root) and its stamp.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub path: PathBuf,
    pub stamp: Stamp,
}

/// Everything the loader looked at for one client, in order.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Inputs {
    pub seen: Vec<Seen>,
}

impl Inputs {
    /// Stats `path` (under `root`, see [`Stamp::of_in`]), records it and
    /// returns its stamp.
    pub fn look(&mut self, root: &Path, path: &Path) -> Stamp {
        let stamp = Stamp::of_in(root, path);
        let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        self.seen.push(Seen { path: rel, stamp });
        stamp
    }

    /// Whether every path still has the stamp it had (stops at the first
    /// change). A path that was missing needs no stat when its folder is
    /// unchanged or still missing: a folder's stamp changes with every entry
    /// added to it. Most clients have no content folder and some CSV files
    /// are optional, so this saves a fifth of the stats.
    fn unchanged(&self, root: &Path) -> bool {
        let mut checked: Vec<&Seen> = Vec::with_capacity(self.seen.len());
        for s in &self.seen {
            let parent_vouches = s.stamp == Stamp::Missing
                && checked.iter().any(|c| {
                    Some(c.path.as_path()) == s.path.parent() && matches!(c.stamp, Stamp::Dir(_) | Stamp::Missing)
                });
            if !parent_vouches && Stamp::of_in(root, &root.join(&s.path)) != s.stamp {
                return false;
            }
            checked.push(s);
        }
        true
    }

    fn settled(&self, load_start: i128) -> bool {
        self.seen.iter().all(|s| s.stamp.settled(load_start))
    }
}

/// What loading made of one client folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClientLoad {
    pub id: String,
    /// `None` when the folder has errors (they are in `diagnostics`).
    pub client: Option<Client>,
    /// Errors and warnings of this client's files only.
    pub diagnostics: Diagnostics,
    /// Content hash of the files read (see `Project::fingerprints`).
    pub fingerprint: String,
    pub inputs: Inputs,
    /// The project currency its amounts were checked against.
    pub currency: String,
}

#[derive(Serialize, Deserialize)]
struct Shard {
    format: u32,
    version: String,
    entries: Vec<ClientLoad>,
}

/// The cached clients of a project, taken out one by one as they are checked.
pub struct LoadCache {
    dir: PathBuf,
    /// When this load started (ns since 1970): only stamps older by
    /// [`SETTLE`] are saved.
    started: i128,
    entries: BTreeMap<String, ClientLoad>,
    /// The ids each shard file held when it was read.
    held: Vec<BTreeSet<String>>,
}

fn shard_of(id: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(id.as_bytes()) % SHARDS as u64) as usize
}

fn shard_path(dir: &Path, shard: usize) -> PathBuf {
    dir.join(format!("{shard:02}.bin"))
}

impl LoadCache {
    /// The folder of the load cache of the project at `root`.
    pub fn dir(root: &Path) -> PathBuf {
        root.join(".casebook-cache").join("load")
    }

    /// Reads the cache of the project at `root` (empty when there is none).
    pub fn open(root: &Path) -> LoadCache {
        let dir = LoadCache::dir(root);
        let shards: Vec<Vec<ClientLoad>> = (0..SHARDS)
            .into_par_iter()
            .map(|s| read_shard(&shard_path(&dir, s)).unwrap_or_default())
            .collect();
        let mut cache = LoadCache::empty(root);
        for (s, entries) in shards.into_iter().enumerate() {
            for e in entries {
                // A client can only be in its own shard; anything else is not ours.
                if shard_of(&e.id) == s {
                    cache.held[s].insert(e.id.clone());
                    cache.entries.insert(e.id.clone(), e);
                }
            }
        }
        cache
    }

    /// A cache that holds nothing (loads read every file).
    pub fn empty(root: &Path) -> LoadCache {
        LoadCache {
            dir: LoadCache::dir(root),
            started: nanos_since_epoch(SystemTime::now()),
            entries: BTreeMap::new(),
            held: vec![BTreeSet::new(); SHARDS],
        }
    }

    /// Takes the cached load of client `id` out of the cache, whatever its state.
    pub fn take(&mut self, id: &str) -> Option<ClientLoad> {
        self.entries.remove(id)
    }

    /// Whether `entry` still describes the files under `root`.
    pub fn is_current(root: &Path, entry: &ClientLoad) -> bool {
        entry.inputs.unchanged(root)
    }

    /// Writes the shards whose content changed: `loads` are every client
    /// folder of this load, `fresh` tells which of them were read from
    /// files rather than taken from the cache. Errors are ignored.
    pub fn save<'a>(&self, loads: impl IntoIterator<Item = (&'a ClientLoad, bool)>) {
        let mut by_shard: Vec<Vec<&ClientLoad>> = vec![Vec::new(); SHARDS];
        let mut dirty = [false; SHARDS];
        for (load, fresh) in loads {
            let s = shard_of(&load.id);
            if fresh {
                dirty[s] = true;
            }
            if load.inputs.settled(self.started) {
                by_shard[s].push(load);
            }
        }
        for (s, kept) in by_shard.iter().enumerate() {
            let ids: BTreeSet<&str> = kept.iter().map(|l| l.id.as_str()).collect();
            if !ids.iter().copied().eq(self.held[s].iter().map(String::as_str)) {
                dirty[s] = true;
            }
        }
        if !dirty.iter().any(|d| *d) || fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        (0..SHARDS).into_par_iter().filter(|s| dirty[*s]).for_each(|s| {
            let _ = write_shard(&shard_path(&self.dir, s), &by_shard[s]);
        });
    }
}

/// A shard file is the XXH3-64 of its payload (8 bytes, little-endian),
/// then the payload: a damaged file is never decoded into wrong clients.
const CHECKSUM_LEN: usize = 8;

fn read_shard(path: &Path) -> Option<Vec<ClientLoad>> {
    let bytes = fs::read(path).ok()?;
    let (sum, payload) = bytes.split_at_checked(CHECKSUM_LEN)?;
    if sum != xxhash_rust::xxh3::xxh3_64(payload).to_le_bytes() {
        return None;
    }
    let shard: Shard = postcard::from_bytes(payload).ok()?;
    (shard.format == FORMAT && shard.version == crate::BUILD_ID).then_some(shard.entries)
}

#[derive(Serialize)]
struct ShardRef<'a> {
    format: u32,
    version: &'a str,
    entries: &'a [&'a ClientLoad],
}

fn write_shard(path: &Path, entries: &[&ClientLoad]) -> io::Result<()> {
    let payload = postcard::to_stdvec(&ShardRef {
        format: FORMAT,
        version: crate::BUILD_ID,
        entries,
    })
    .map_err(io::Error::other)?;
    let mut bytes = Vec::with_capacity(CHECKSUM_LEN + payload.len());
    bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    let tmp = path.with_extension(format!("bin.{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_load(id: &str, seen: Vec<Seen>) -> ClientLoad {
        ClientLoad {
            id: id.to_string(),
            client: Some(Client::new(id, "Name")),
            diagnostics: Diagnostics::new(),
            fingerprint: format!("fp-{id}"),
            inputs: Inputs { seen },
            currency: "JPY".to_string(),
        }
    }

    #[test]
    fn stamps_tell_files_folders_and_missing_paths_apart() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "12345").unwrap();
        assert!(matches!(
            Stamp::of(&dir.path().join("a.csv")),
            Stamp::File { size: 5, .. }
        ));
        assert!(Stamp::of(dir.path()).is_dir());
        assert_eq!(Stamp::of(&dir.path().join("missing")), Stamp::Missing);
    }

    #[test]
    fn only_stamps_older_than_the_settling_time_are_trusted() {
        let now = nanos_since_epoch(SystemTime::now());
        let at = |ago: Duration| Times {
            mtime_ns: now - ago.as_nanos() as i128,
            ctime_ns: now - ago.as_nanos() as i128,
            ino: 1,
        };
        let old = at(SETTLE * 2);
        let fresh = at(SETTLE / 4);
        assert!(Stamp::File { size: 1, times: old }.settled(now));
        assert!(!Stamp::File { size: 1, times: fresh }.settled(now));
        assert!(!Stamp::Dir(fresh).settled(now));
        // A change time counts as much as a modification time (`touch -m` can
        // set the latter back; nothing sets the former).
        let touched = Times {
            ctime_ns: fresh.ctime_ns,
            ..old
        };
        assert!(!Stamp::Dir(touched).settled(now));
        assert!(Stamp::Missing.settled(now));
        assert!(!Stamp::Other.settled(now));
    }

    #[test]
    fn a_file_added_to_a_recorded_folder_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("c")).unwrap();
        let mut inputs = Inputs::default();
        inputs.look(root, &root.join("c"));
        inputs.look(root, &root.join("c/nps.csv"));
        inputs.look(root, &root.join("gone/x.md"));
        assert_eq!(inputs.seen[1].stamp, Stamp::Missing);
        assert!(inputs.unchanged(root));
        // Coarse clocks: let the folder's modification time move on.
        std::thread::sleep(Duration::from_millis(30));
        fs::write(root.join("c/nps.csv"), "date,score\n").unwrap();
        assert!(!inputs.unchanged(root), "the new file changes its folder's stamp");
    }

    #[test]
    fn only_shards_with_changes_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Two clients in two shards.
        let b = ["b", "c", "d", "e"]
            .into_iter()
            .find(|id| shard_of(id) != shard_of("a"))
            .unwrap();
        let loads = [client_load("a", Vec::new()), client_load(b, Vec::new())];
        LoadCache::open(root).save(loads.iter().map(|l| (l, true)));
        let mut cache = LoadCache::open(root);
        let a = cache.take("a").expect("a was saved");
        assert_eq!(a.fingerprint, "fp-a");
        assert_eq!(a.client.unwrap().name, "Name");
        assert!(cache.take(b).is_some());

        // Nothing read from files and the same clients: nothing is written.
        let shards = || -> Vec<PathBuf> {
            fs::read_dir(LoadCache::dir(root))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect()
        };
        for shard in shards() {
            fs::remove_file(shard).unwrap();
        }
        let mut cache = LoadCache::empty(root);
        cache.held[shard_of("a")].insert("a".into());
        cache.held[shard_of(b)].insert(b.into());
        cache.save(loads.iter().map(|l| (l, false)));
        assert_eq!(shards(), Vec::<PathBuf>::new());

        // A client gone from the project: only its shard is written, without it.
        cache.save(loads[..1].iter().map(|l| (l, false)));
        assert_eq!(shards(), [shard_path(&LoadCache::dir(root), shard_of(b))]);
        assert!(LoadCache::open(root).take(b).is_none());
    }

    #[test]
    fn a_client_with_a_fresh_file_is_not_saved() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("f.csv"), "x").unwrap();
        let mut inputs = Inputs::default();
        inputs.look(root, &root.join("f.csv"));
        let load = client_load("a", inputs.seen);
        LoadCache::open(root).save([(&load, true)]);
        assert!(LoadCache::open(root).take("a").is_none());
    }
}
