//! The leak scan: the last gate before `site/public/` is published.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use super::text::{HTML_VIEWS, Matcher};

/// A forbidden name found in the public site.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Leak {
    /// Relative to the scanned folder.
    pub path: PathBuf,
    pub client_id: String,
    /// The text exactly as it stands in the file or path (`Acme`,
    /// `&#65;cme`, `Ａｃｍｅ`), so that a search in the file finds it.
    pub matched: String,
    /// Found in the file or folder name rather than in the content.
    pub in_path: bool,
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.in_path { "the path contains" } else { "contains" };
        write!(
            f,
            "{}: {what} {:?} (client {}, not published under its name)",
            self.path.display(),
            self.matched,
            self.client_id
        )
    }
}

/// Size of the pieces a large file is scanned in (bounds memory: the folded
/// form of text takes several times its size).
const CHUNK: usize = 1 << 20;
/// Overlap between pieces: longer than any encoded name.
const OVERLAP: usize = 4096;

/// Scans every file and folder under `dir` for the given names: each entry's
/// name (so `stories/acme/` is reported once, as a path), and each file's
/// bytes read as text (invalid UTF-8 replaced, so names inside binary files
/// are found too; of a JPEG or PNG, only the metadata: see
/// `readable_part`).
///
/// Text is searched in four views: as it is; as a browser shows it, with
/// HTML character references decoded (`&amp;`, `&#65;`, legacy `&eacute`
/// without `;`); with percent-encoding decoded as well (names inside URLs);
/// and as rendered, tags and comments read through (`Ac<em>me</em>` reads
/// "Acme"; a block-level tag separates like a blank line). An encoded name
/// cannot hide. Matching ignores case, width, accents and separators and
/// respects word boundaries like [`super::Anonymiser`]; a name in base64,
/// split across block elements, or drawn in an image is not found.
///
/// Symbolic links are followed (a loop is an error). The result is sorted
/// (by path, client, text, `in_path`) and free of duplicates.
pub fn scan_dir(dir: &Path, forbidden: &[(String, Vec<String>)]) -> std::io::Result<Vec<Leak>> {
    Ok(scan_dir_except(dir, forbidden, &BTreeSet::new())?.leaks)
}

/// What [`scan_dir_except`] found.
pub struct Scanned {
    pub leaks: Vec<Leak>,
    /// The [`entry_fingerprint`] of every entry under the folder.
    pub entries: BTreeSet<String>,
    /// How many entries were searched (the others were known to be clean).
    pub searched: usize,
}

/// [`scan_dir`], except that an entry whose [`entry_fingerprint`] is in
/// `clean` is not searched.
///
/// The leaks of an entry depend only on its name, a file's bytes and the
/// names searched for: an entry is searched for nothing but its own name and
/// bytes, whatever else the folder holds. So `clean` may hold the
/// fingerprints of entries that a scan for the same [`names_key`] found
/// clean before, and the result is the same as a full scan's: this is how a
/// build skips the public files it already scanned in the previous build.
/// Anything else (a changed byte, a renamed file, a different list of
/// names, another casebook version) is searched again.
pub fn scan_dir_except(
    dir: &Path,
    forbidden: &[(String, Vec<String>)],
    clean: &BTreeSet<String>,
) -> std::io::Result<Scanned> {
    let mut matcher: Option<Matcher<&str>> = None;
    let mut leaks = BTreeSet::new();
    let mut entries = BTreeSet::new();
    let mut searched = 0;
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .min_depth(1)
        .sort_by_file_name()
    {
        let entry = entry?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_path_buf();
        let bytes = if entry.file_type().is_file() {
            Some(std::fs::read(entry.path())?)
        } else {
            None
        };
        let fingerprint = entry_fingerprint(&rel, bytes.as_deref());
        let known = clean.contains(&fingerprint);
        entries.insert(fingerprint);
        if known {
            continue;
        }
        searched += 1;
        let matcher = matcher.get_or_insert_with(|| {
            Matcher::new(
                forbidden
                    .iter()
                    .flat_map(|(id, names)| names.iter().map(move |n| (n.as_str(), id.as_str()))),
            )
        });
        if matcher.is_empty() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        for (id, matched) in find(matcher, &name) {
            leaks.insert(Leak {
                path: rel.clone(),
                client_id: id,
                matched,
                in_path: true,
            });
        }
        if let Some(bytes) = &bytes {
            let readable = readable_part(bytes);
            let text = String::from_utf8_lossy(&readable);
            for (id, matched) in find(matcher, &text) {
                leaks.insert(Leak {
                    path: rel.clone(),
                    client_id: id,
                    matched,
                    in_path: false,
                });
            }
        }
    }
    Ok(Scanned {
        leaks: leaks.into_iter().collect(),
        entries,
        searched,
    })
}

/// The part of a file that can hold readable text: for a JPEG its
/// application segments (EXIF, XMP, IPTC, ...) and comments, for a PNG
/// every chunk but the image data; the whole of any other file. Compressed
/// pixels hold no text, and read as text they spell short names by chance
/// (`hp` about once in 20,000 bytes), which would stop builds for nothing.
/// Parts are joined by a blank line, so no name spans two of them. A file
/// that does not parse as what its first bytes say is read whole.
fn readable_part(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use img_parts::Bytes;
    let mut out = Vec::new();
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        if let Ok(jpeg) = img_parts::jpeg::Jpeg::from_bytes(Bytes::copy_from_slice(bytes)) {
            for s in jpeg.segments() {
                if matches!(s.marker(), 0xE0..=0xEF | img_parts::jpeg::markers::COM) {
                    out.extend_from_slice(s.contents());
                    out.extend_from_slice(b"\n\n");
                }
            }
            return out.into();
        }
    } else if bytes.starts_with(b"\x89PNG") {
        if let Ok(png) = img_parts::png::Png::from_bytes(Bytes::copy_from_slice(bytes)) {
            for c in png.chunks() {
                if !matches!(&c.kind(), b"IDAT" | b"fdAT") {
                    out.extend_from_slice(&c.kind());
                    out.extend_from_slice(c.contents());
                    out.extend_from_slice(b"\n\n");
                }
            }
            return out.into();
        }
    }
    bytes.into()
}

/// A hash of everything a scan's verdict depends on besides the entries:
/// the names searched for (with their clients) and the matching rules, that
/// is this build of casebook ([`crate::BUILD_ID`]: its version and a hash
/// of its sources, so a changed scanner never trusts an old verdict).
pub fn names_key(forbidden: &[(String, Vec<String>)]) -> String {
    let mut h = crate::hash::Hasher::new();
    h.add(crate::BUILD_ID.as_bytes());
    for (id, names) in forbidden {
        h.add(id.as_bytes()).add(&(names.len() as u64).to_le_bytes());
        for n in names {
            h.add(n.as_bytes());
        }
    }
    h.hex()
}

/// A hash (XXH3-128) of what the scan reads of one entry: its path relative
/// to the scanned folder and, for a file, its bytes. Equal fingerprints
/// stand for equal entries: the odds of two different entries sharing one
/// by chance are 2^-128 (the hash guards against accidents, not against
/// contents forged to collide with a clean page).
pub fn entry_fingerprint(rel: &Path, bytes: Option<&[u8]>) -> String {
    let mut h = crate::hash::Hasher::new();
    h.add(rel.as_os_str().as_encoded_bytes());
    match bytes {
        Some(b) => h.add(b"file").add(b),
        None => h.add(b"folder"),
    };
    h.hex()
}

/// (client id, matched text) of every hit in `text`, raw and decoded.
fn find(matcher: &Matcher<&str>, text: &str) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut core = 0;
    while core < text.len() {
        let core_end = ceil_boundary(text, core + CHUNK);
        let start = crate::diag::floor_char_boundary(text, core.saturating_sub(OVERLAP));
        let end = ceil_boundary(text, core_end + OVERLAP);
        let window = &text[start..end];
        for hit in matcher.find_views(window, &HTML_VIEWS) {
            let at = start + hit.range.start;
            if at < core || at >= core_end {
                continue;
            }
            for id in hit.tags {
                found.insert((id.to_string(), window[hit.range.clone()].to_string()));
            }
        }
        core = core_end;
    }
    found
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forbidden() -> Vec<(String, Vec<String>)> {
        vec![
            ("acme".to_string(), vec!["Acme".to_string(), "A&B Holdings".to_string()]),
            (
                "sample".to_string(),
                vec!["株式会社サンプル".to_string(), "サンプル社".to_string()],
            ),
        ]
    }

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, body) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        dir
    }

    fn clean_site() -> Vec<(&'static str, &'static str)> {
        vec![
            (
                "index.html",
                "<h1>Stories</h1><p>A mid-sized manufacturer &amp; a retailer. Acmeville.</p>",
            ),
            (
                "stories/a-mid-sized-manufacturer/index.html",
                "<p>ある製造業の企業がCPAを削減</p>",
            ),
            ("feed.xml", "<feed><title>Stories</title></feed>"),
            ("assets/style.css", "body { margin: 0 }"),
        ]
    }

    #[test]
    fn a_clean_tree_has_no_leak() {
        let dir = tree(&clean_site());
        assert_eq!(scan_dir(dir.path(), &forbidden()).unwrap(), []);
    }

    #[test]
    fn names_in_bodies_paths_and_encodings_are_found() {
        let mut files = clean_site();
        files.extend([
            ("stories/x/index.html", "<p>We helped Acme grow.</p>"),
            ("stories/y/index.html", "<p>&#65;cme and A&amp;B Holdings</p>"),
            ("stories/z/index.html", "<title>Ａｃｍｅ</title>"),
            ("stories/acme-retail/index.html", "<p>clean</p>"),
            ("stories/ja/index.html", "<p>株式会社サンプルの事例、ｻﾝﾌﾟﾙ社</p>"),
            ("feed.xml", "<feed><title>&#x41;CME</title></feed>"),
        ]);
        let dir = tree(&files);
        let leaks = scan_dir(dir.path(), &forbidden()).unwrap();
        let got: Vec<(String, &str, &str, bool)> = leaks
            .iter()
            .map(|l| {
                (
                    l.path.to_string_lossy().replace('\\', "/"),
                    l.client_id.as_str(),
                    l.matched.as_str(),
                    l.in_path,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("feed.xml".to_string(), "acme", "&#x41;CME", false),
                ("stories/acme-retail".to_string(), "acme", "acme", true),
                ("stories/ja/index.html".to_string(), "sample", "株式会社サンプル", false),
                ("stories/ja/index.html".to_string(), "sample", "ｻﾝﾌﾟﾙ社", false),
                ("stories/x/index.html".to_string(), "acme", "Acme", false),
                ("stories/y/index.html".to_string(), "acme", "&#65;cme", false),
                ("stories/y/index.html".to_string(), "acme", "A&amp;B Holdings", false),
                ("stories/z/index.html".to_string(), "acme", "Ａｃｍｅ", false),
            ]
        );
        assert_eq!(
            leaks[4].to_string(),
            format!(
                "{}: contains \"Acme\" (client acme, not published under its name)",
                Path::new("stories/x/index.html").display()
            )
        );
        assert_eq!(
            leaks[1].to_string(),
            format!(
                "{}: the path contains \"acme\" (client acme, not published under its name)",
                Path::new("stories/acme-retail").display()
            )
        );
    }

    #[test]
    fn names_in_binary_files_are_found() {
        let dir = tree(&[]);
        let mut bytes = vec![0x89, b'P', b'N', b'G', 0xff, 0x00];
        bytes.extend_from_slice(b"tEXtAuthor\0Acme\0");
        bytes.extend_from_slice(&[0xfe, 0x80]);
        std::fs::write(dir.path().join("logo.png"), bytes).unwrap();
        let leaks = scan_dir(dir.path(), &forbidden()).unwrap();
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        assert_eq!(leaks[0].matched, "Acme");
    }

    #[test]
    fn pictures_are_read_for_their_metadata_not_their_pixels() {
        let plain = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/images/plain.jpg")).unwrap();
        // "Acme" inside the compressed scan data: not text anyone can read.
        let mut noisy = plain.clone();
        let at = noisy.len() - 40;
        noisy.splice(at..at + 6, *b" Acme ");
        // "Acme" in a comment segment right after the start of the image.
        let mut commented = vec![0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x0C];
        commented.extend_from_slice(b"by Acme Co");
        commented.extend_from_slice(&plain[2..]);
        let dir = tree(&[]);
        std::fs::write(dir.path().join("noisy.jpg"), &noisy).unwrap();
        std::fs::write(dir.path().join("commented.jpg"), &commented).unwrap();
        let leaks = scan_dir(dir.path(), &forbidden()).unwrap();
        let paths: Vec<String> = leaks.iter().map(|l| l.path.to_string_lossy().to_string()).collect();
        assert_eq!(paths, ["commented.jpg"], "{leaks:?}");
    }

    #[test]
    fn large_files_are_scanned_across_chunk_edges() {
        let dir = tree(&[]);
        let mut text = "x ".repeat(CHUNK / 2 - 2);
        text.push_str("Acme ");
        text.push_str(&"y ".repeat(CHUNK));
        text.push_str("株式会社サンプル");
        std::fs::write(dir.path().join("big.html"), &text).unwrap();
        let leaks = scan_dir(dir.path(), &forbidden()).unwrap();
        let matched: Vec<&str> = leaks.iter().map(|l| l.matched.as_str()).collect();
        assert_eq!(matched, ["Acme", "株式会社サンプル"]);
    }

    #[test]
    fn only_entries_found_clean_for_the_same_names_are_skipped() {
        let mut files = clean_site();
        files.push(("stories/x/index.html", "<p>We helped Acme grow.</p>"));
        let dir = tree(&files);
        let first = scan_dir_except(dir.path(), &forbidden(), &BTreeSet::new()).unwrap();
        assert_eq!(first.leaks.len(), 1);
        assert_eq!(first.searched, first.entries.len());
        // Pretend the leaking page had been found clean: it is skipped, and
        // every other entry too, since none changed.
        let fp = entry_fingerprint(Path::new("stories/x/index.html"), Some(b"<p>We helped Acme grow.</p>"));
        assert!(first.entries.contains(&fp));
        let all = first.entries.clone();
        let again = scan_dir_except(dir.path(), &forbidden(), &all).unwrap();
        assert_eq!((again.leaks.len(), again.searched), (0, 0));
        assert_eq!(again.entries, all);
        // One changed byte, and the page is searched again.
        std::fs::write(dir.path().join("stories/x/index.html"), "<p>We helped Acme grow!</p>").unwrap();
        let changed = scan_dir_except(dir.path(), &forbidden(), &all).unwrap();
        assert_eq!((changed.leaks.len(), changed.searched), (1, 1));
        // The same bytes under another path are another entry.
        assert_ne!(
            fp,
            entry_fingerprint(Path::new("stories/y/index.html"), Some(b"<p>We helped Acme grow.</p>"))
        );
        assert_ne!(
            entry_fingerprint(Path::new("a"), None),
            entry_fingerprint(Path::new("a"), Some(b""))
        );
    }

    #[test]
    fn the_names_key_follows_every_name() {
        let base = names_key(&forbidden());
        assert_eq!(base, names_key(&forbidden()));
        let mut renamed = forbidden();
        renamed[0].1[0] = "Acme Two".into();
        assert_ne!(base, names_key(&renamed));
        let mut moved = forbidden();
        let name = moved[1].1.pop().unwrap();
        moved[0].1.push(name);
        assert_ne!(base, names_key(&moved));
        assert_ne!(names_key(&[]), names_key(&[("a".into(), vec![])]));
    }

    #[test]
    fn nothing_forbidden_nothing_found() {
        let dir = tree(&[("acme.html", "Acme")]);
        assert_eq!(scan_dir(dir.path(), &[]).unwrap(), []);
        assert!(scan_dir(&dir.path().join("missing"), &forbidden()).is_err());
    }
}
