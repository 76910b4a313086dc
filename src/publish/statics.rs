//! `static/`: files copied into the public site as they are, except that
//! images lose the metadata that can name people and places (EXIF, XMP,
//! IPTC, text chunks). What cannot be cleaned is refused.

use std::path::{Path, PathBuf};

use img_parts::Bytes;
use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;

/// A file of `static/`, ready to be written into the public site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticFile {
    /// `/`-separated, relative to `static/` (and to the public site).
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// Every file under `<root>/static/` (none without the folder) but those in
/// `skip` (paths relative to `static/`), images cleaned of metadata, sorted
/// by path. Hidden files (`.DS_Store`, `.gitkeep`) are left out. Errors as `(project-relative path, message)`:
/// a symbolic link, a file that cannot be read, an image format whose
/// metadata casebook cannot remove (GIF, TIFF, WebP, HEIC/AVIF, BMP), or a
/// document that carries an author (PDF, office files).
pub fn read_static(
    root: &Path,
    skip: &std::collections::BTreeSet<String>,
) -> Result<Vec<StaticFile>, Vec<(PathBuf, String)>> {
    let dir = root.join("static");
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    let walk = walkdir::WalkDir::new(&dir).min_depth(1).sort_by_file_name().into_iter();
    for entry in walk.filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.')) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().map(|p| p.to_path_buf()).unwrap_or_else(|| dir.clone());
                errors.push((relative(root, &at), format!("cannot read: {e}")));
                continue;
            }
        };
        let rel_path = relative(root, entry.path());
        if entry.file_type().is_symlink() {
            errors.push((
                rel_path,
                "a symbolic link: static/ is copied to the public site, and links are not followed; copy the file itself"
                    .to_string(),
            ));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if skip.contains(&rel) {
            continue;
        }
        match std::fs::read(entry.path()) {
            Ok(bytes) => match clean(bytes) {
                Ok(bytes) => files.push(StaticFile { rel, bytes }),
                Err(e) => errors.push((rel_path, e)),
            },
            Err(e) => errors.push((rel_path, format!("cannot read: {e}"))),
        }
    }
    if errors.is_empty() { Ok(files) } else { Err(errors) }
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// A file's bytes as published: JPEG and PNG without metadata, other
/// files as they are, formats that may hide metadata refused. Recognised
/// by content, not by name.
pub fn clean(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let refuse = |what: &str| {
        Err(format!(
            "a {what} file: casebook cannot remove the metadata (author, place, camera) it may carry; save it as JPEG or PNG (images) or leave it out of static/"
        ))
    };
    match bytes.as_slice() {
        [0xFF, 0xD8, 0xFF, ..] => strip_jpeg(bytes),
        [0x89, b'P', b'N', b'G', ..] => strip_png(bytes),
        [b'G', b'I', b'F', b'8', ..] => refuse("GIF"),
        [b'I', b'I', 0x2A, 0, ..] | [b'M', b'M', 0, 0x2A, ..] => refuse("TIFF"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => refuse("WebP"),
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => refuse("HEIC/AVIF (or other ISO media)"),
        [b'B', b'M', ..] => refuse("BMP"),
        [b'%', b'P', b'D', b'F', ..] => refuse("PDF"),
        [b'P', b'K', 3, 4, ..] => refuse("ZIP (or office document)"),
        [0xD0, 0xCF, 0x11, 0xE0, ..] => refuse("office document"),
        _ => Ok(bytes),
    }
}

/// Keeps what draws the picture: frame, tables, scans, JFIF, the colour
/// profile and Adobe's colour transform. Drops EXIF and XMP (APP1), IPTC
/// (APP13), comments and every other application segment.
fn strip_jpeg(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let mut jpeg = Jpeg::from_bytes(Bytes::from(bytes)).map_err(|e| format!("not a readable JPEG image: {e}"))?;
    jpeg.segments_mut().retain(|s| {
        let m = s.marker();
        match m {
            markers::APP0 | markers::APP14 => true,
            markers::APP2 => s.contents().starts_with(b"ICC_PROFILE\0"),
            0xE0..=0xEF | markers::COM => false,
            _ => true,
        }
    });
    Ok(jpeg.encoder().bytes().to_vec())
}

/// Chunks that draw a PNG (or an animated one); text, EXIF, time and every
/// other ancillary chunk go.
const PNG_KEEP: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"bKGD", b"hIST",
    b"pHYs", b"acTL", b"fcTL", b"fdAT",
];

fn strip_png(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let mut png = Png::from_bytes(Bytes::from(bytes)).map_err(|e| format!("not a readable PNG image: {e}"))?;
    png.chunks_mut().retain(|c| PNG_KEEP.contains(&&c.kind()));
    Ok(png.encoder().bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1×1 JPEG (baseline) with an EXIF segment naming an artist, an XMP
    /// segment, an IPTC segment and a comment.
    pub(crate) fn jpeg_with_metadata(artist: &str) -> Vec<u8> {
        let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x3b\0\x02".to_vec();
        let value = format!("{artist}\0");
        exif.extend_from_slice(&(value.len() as u32).to_be_bytes());
        exif.extend_from_slice(&26u32.to_be_bytes());
        exif.extend_from_slice(&[0, 0, 0, 0]);
        exif.extend_from_slice(value.as_bytes());
        let segment = |marker: u8, body: &[u8]| {
            let mut s = vec![0xFF, marker];
            s.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
            s.extend_from_slice(body);
            s
        };
        let mut out = vec![0xFF, 0xD8];
        out.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        out.extend(segment(0xE1, &exif));
        out.extend(segment(
            0xE1,
            format!("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><dc:creator>{artist}</dc:creator></x:xmpmeta>")
                .as_bytes(),
        ));
        out.extend(segment(
            0xED,
            format!("Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x10\x1c\x02\x50\0\x0c{artist}").as_bytes(),
        ));
        out.extend(segment(0xFE, format!("shot for {artist}").as_bytes()));
        out.extend_from_slice(TINY_JPEG_BODY);
        out
    }

    /// A 64×40 JPEG without metadata (ImageMagick, `-strip`), after its SOI.
    const TINY_JPEG_BODY: &[u8] = {
        let all = include_bytes!("../../tests/fixtures/images/plain.jpg");
        all.split_at(2).1
    };

    #[test]
    fn jpeg_metadata_is_removed_and_the_picture_kept() {
        let original = jpeg_with_metadata("Zephyr Widgets");
        assert!(String::from_utf8_lossy(&original).contains("Zephyr Widgets"));
        let cleaned = clean(original).unwrap();
        let text = String::from_utf8_lossy(&cleaned);
        assert!(!text.contains("Zephyr"), "{text}");
        assert!(cleaned.starts_with(&[0xFF, 0xD8]) && cleaned.ends_with(&[0xFF, 0xD9]));
        assert!(text.contains("JFIF"));
        // The tables, frame and scan are untouched.
        assert!(cleaned.ends_with(TINY_JPEG_BODY), "{cleaned:?}");
        // Cleaning is idempotent.
        assert_eq!(clean(cleaned.clone()).unwrap(), cleaned);
    }

    #[test]
    fn png_text_chunks_are_removed() {
        let chunk = |kind: &[u8; 4], body: &[u8]| {
            let mut c = (body.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(body);
            let crc = crc32(&c[4..]);
            c.extend_from_slice(&crc.to_be_bytes());
            c
        };
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        png.extend(chunk(b"tEXt", b"Author\0Zephyr Widgets"));
        png.extend(chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x>Zephyr</x>"));
        png.extend(chunk(b"eXIf", b"MM\0*Zephyr"));
        png.extend(chunk(
            b"IDAT",
            &[0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01],
        ));
        png.extend(chunk(b"IEND", b""));
        let cleaned = clean(png).unwrap();
        assert!(!String::from_utf8_lossy(&cleaned).contains("Zephyr"));
        assert!(cleaned.windows(4).any(|w| w == b"IDAT"));
        assert!(cleaned.windows(4).any(|w| w == b"IEND"));
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn formats_that_cannot_be_cleaned_are_refused_and_text_is_kept() {
        for (bytes, what) in [
            (b"GIF89a....".to_vec(), "GIF"),
            (b"II*\0....".to_vec(), "TIFF"),
            (b"RIFF\0\0\0\0WEBPVP8 ".to_vec(), "WebP"),
            (b"%PDF-1.7".to_vec(), "PDF"),
            (b"\0\0\0\x18ftypheic".to_vec(), "HEIC"),
        ] {
            let e = clean(bytes).unwrap_err();
            assert!(e.contains(what), "{e}");
        }
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec();
        assert_eq!(clean(svg.clone()).unwrap(), svg);
        assert!(clean(b"\xFF\xD8\xFFbroken".to_vec()).unwrap_err().contains("JPEG"));
    }
}
