//! The project's rule for symbolic links (docs/data-format.md, "Symbolic
//! links"): a link anywhere in the project is followed when what it names
//! lies inside the project folder, and counts as that file or folder; a
//! link that leads outside the project, or to nothing, is an error and is
//! never followed. Every place that reads the project applies this one
//! rule, so that a linked `story.md` is either read like any story or
//! refused, never published while reported as ignored, and a linked CSV is
//! never read from outside the project.

use std::fs;
use std::path::Path;

/// What is wrong with the symbolic link at `path` (which must be one), if
/// anything: `None` when it names an existing file or folder inside
/// `root`.
pub fn problem(root: &Path, path: &Path) -> Option<String> {
    let written = fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_default();
    let written = crate::diag::escape_controls(&written).into_owned();
    let Ok(real) = fs::canonicalize(path) else {
        return Some(format!(
            "symbolic link to `{written}`, which does not exist; remove the link or restore what it names"
        ));
    };
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if real.starts_with(&root) {
        None
    } else {
        Some(format!(
            "symbolic link to `{written}`, outside the project folder; casebook reads only files inside the \
             project (copy the file or folder into the project instead)"
        ))
    }
}

/// [`problem`] for any path: `None` when `path` is not a symbolic link (or
/// cannot be looked at; reading it then reports why).
pub fn problem_at(root: &Path, path: &Path) -> Option<String> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => problem(root, path),
        _ => None,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_pass_and_links_out_or_to_nothing_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("p");
        fs::create_dir_all(root.join("data")).unwrap();
        fs::write(root.join("data/a.csv"), "x").unwrap();
        fs::write(dir.path().join("secret.csv"), "x").unwrap();
        symlink("data/a.csv", root.join("inside.csv")).unwrap();
        symlink(root.join("data"), root.join("data-link")).unwrap();
        symlink("../secret.csv", root.join("outside.csv")).unwrap();
        symlink(dir.path(), root.join("up")).unwrap();
        symlink("nothing.csv", root.join("dangling.csv")).unwrap();
        assert_eq!(problem(&root, &root.join("inside.csv")), None);
        assert_eq!(problem(&root, &root.join("data-link")), None);
        let out = problem(&root, &root.join("outside.csv")).unwrap();
        assert!(out.contains("`../secret.csv`, outside the project folder"), "{out}");
        assert!(problem(&root, &root.join("up")).is_some());
        let gone = problem(&root, &root.join("dangling.csv")).unwrap();
        assert!(gone.contains("`nothing.csv`, which does not exist"), "{gone}");
        assert_eq!(problem_at(&root, &root.join("data/a.csv")), None);
        assert_eq!(problem_at(&root, &root.join("missing")), None);
        // A project reached through a link of its own.
        symlink(&root, dir.path().join("p-link")).unwrap();
        assert_eq!(problem(&dir.path().join("p-link"), &root.join("inside.csv")), None);
    }
}
