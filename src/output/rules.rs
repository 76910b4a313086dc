//! Which folders a build may replace: the [`MARKER`] file, the project's
//! parts an output may never touch, and [`check_output`], the rule every
//! output passes before anything is written.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file casebook writes into the root of every output folder it
/// builds. A build replaces only a folder that holds it (or is empty, or
/// missing, or was written by a casebook older than the marker; see
/// [`check_output`]).
pub const MARKER: &str = ".casebook-output";

/// What the marker file says to a person who opens it.
pub(super) const MARKER_TEXT: &str = "This folder is written by casebook. Every `casebook build` replaces it whole:\n\
keep nothing else here. (casebook refuses to build into a folder without this file.)\n";

/// The parts of a project that an output folder may never be, hold or lie
/// inside (besides the project folder itself).
pub const PROJECT_PARTS: [&str; 5] = ["casebook.toml", "data", "content", "templates", "static"];

/// Top-level folders of an output written by casebook before the marker
/// existed (see [`check_output`]).
const LEGACY_FOLDERS: [&str; 3] = ["internal", "public", "client"];

/// An output folder that passed [`check_output`]: the only kind a
/// [`Staging`](super::Staging) writes to.
#[derive(Clone, Debug)]
pub struct OutputDir {
    /// The real folder, every symbolic link resolved.
    pub(super) path: PathBuf,
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
                     builds there (symbolic links resolved). Choose a folder of its own (--out for the site, e.g. the \
                     default <root>/site; --public-out for the public site, e.g. <root>/public)",
                    shown(out)
                )
            }
            Refused::NotOurs { out, sample } => write!(
                f,
                "{}: the folder already holds files that casebook did not write ({}) and no {MARKER} file; a build \
                 replaces its output folder whole, so casebook will not build there. Choose a new or empty folder \
                 (--out for the site, --public-out for the public site), or, if everything in it may go, delete the \
                 folder first",
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

#[cfg(test)]
mod tests {
    //! The output-folder rule ([`check_output`]).
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
}
