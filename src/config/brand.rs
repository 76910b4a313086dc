//! `[brand]`: how the consultancy presents itself, and its logo.

use std::path::Path;

use super::Config;
use crate::input::document::Fields;

/// `[brand]`: how the consultancy presents itself in the documents it
/// hands out (the client edition of the review, the public site).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Brand {
    /// The consultancy's name as clients know it.
    pub name: Option<String>,
    /// The logo file as written in casebook.toml (a path under `static/`);
    /// the loader reads it into [`Brand::logo`].
    pub logo_file: Option<String>,
    /// Where `logo` was written in casebook.toml, for the loader's errors.
    pub logo_at: (Option<u64>, Option<u64>),
    /// The logo image, read and checked by the loader.
    pub logo: Option<Logo>,
    /// A CSS colour, always `#rrggbb` (lower case).
    pub accent: Option<String>,
}

/// A logo image, held whole so that pages can inline it (a client edition
/// is one self-contained file).
#[derive(Clone, Debug, PartialEq)]
pub struct Logo {
    pub kind: LogoKind,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogoKind {
    Svg,
    Png,
}

impl Logo {
    /// The largest logo accepted: it is copied into every client edition.
    pub const MAX_BYTES: usize = 512 * 1024;

    /// Recognises an SVG or PNG image by its content (not its file name).
    pub fn sniff(bytes: Vec<u8>) -> Result<Logo, String> {
        if bytes.len() > Self::MAX_BYTES {
            return Err(format!(
                "is {} KiB; a logo is inlined into every client edition, so keep it under {} KiB",
                bytes.len().div_ceil(1024),
                Self::MAX_BYTES / 1024
            ));
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Ok(Logo {
                kind: LogoKind::Png,
                bytes,
            });
        }
        let is_svg = std::str::from_utf8(&bytes).is_ok_and(|text| {
            let head: String = text.chars().take(4096).collect::<String>().to_ascii_lowercase();
            head.contains("<svg") && text.trim_end().to_ascii_lowercase().ends_with("</svg>")
        });
        if is_svg {
            return Ok(Logo {
                kind: LogoKind::Svg,
                bytes,
            });
        }
        Err("is not an SVG or PNG image; save the logo as .svg or .png".to_string())
    }

    pub fn mime(&self) -> &'static str {
        match self.kind {
            LogoKind::Svg => "image/svg+xml",
            LogoKind::Png => "image/png",
        }
    }

    /// A `data:` URI for `<img src>`. An SVG shown through `<img>` runs no
    /// script and loads nothing, whatever the file holds.
    pub fn data_uri(&self) -> String {
        use base64::Engine as _;
        format!(
            "data:{};base64,{}",
            self.mime(),
            base64::engine::general_purpose::STANDARD.encode(&self.bytes)
        )
    }
}

/// `#rgb` or `#rrggbb` (any case) as `#rrggbb`; nothing else, so that an
/// accent can never carry CSS of its own into a page.
pub fn parse_accent(text: &str) -> Option<String> {
    let hex = text.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(hex.chars().flat_map(|c| [c, c]).fold(String::from("#"), |mut s, c| {
            s.push(c.to_ascii_lowercase());
            s
        })),
        _ => None,
    }
}
/// Reads `[brand]` into `c.brand`.
pub(super) fn read_brand(f: &mut Fields<'_, '_>, text: &str, path: &Path, c: &mut Config) {
    if let Some(t) = f.table("brand") {
        let mut sub = Fields::new(t, text, path, f.diags());
        c.brand.name = sub.string("name").filter(|n| !n.trim().is_empty());
        if let Some(file) = sub.string("logo") {
            let p = Path::new(&file);
            let inside = !file.is_empty()
                && p.components()
                    .all(|part| matches!(part, std::path::Component::Normal(_)));
            if inside {
                c.brand.logo_at = t.get("logo").map_or((None, None), |n| (n.line, n.column));
                c.brand.logo_file = Some(file);
            } else {
                sub.error_at(
                    "logo",
                    format!(
                        "`{file}` is not a file under static/; write its path inside static/, e.g. logo = \"logo.svg\""
                    ),
                );
            }
        }
        if let Some(v) = sub.string("accent") {
            match parse_accent(&v) {
                Some(hex) => c.brand.accent = Some(hex),
                None => sub.error_at(
                    "accent",
                    format!("`{v}` is not a colour; write it as #rrggbb or #rgb, e.g. accent = \"#0b6e4f\""),
                ),
            }
        }
        sub.warn_unknown(&["name", "logo", "accent"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    #[test]
    fn brand_is_read_and_checked() {
        let text =
            "title = \"T\"\ncurrency = \"JPY\"\n[brand]\nname = \"Kumo\"\nlogo = \"img/logo.svg\"\naccent = \"#0B6\"\n";
        let mut d = Diagnostics::new();
        let c = Config::parse(text, Path::new("casebook.toml"), &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.brand.name.as_deref(), Some("Kumo"));
        assert_eq!(c.brand.logo_file.as_deref(), Some("img/logo.svg"));
        assert_eq!(c.brand.logo_at, (Some(5), Some(8)));
        assert_eq!(c.brand.accent.as_deref(), Some("#00bb66"));

        let bad = "title = \"T\"\ncurrency = \"JPY\"\n[brand]\nlogo = \"../secret.png\"\naccent = \"red; background: url(x)\"\n";
        let mut d = Diagnostics::new();
        let _ = Config::parse(bad, Path::new("casebook.toml"), &mut d);
        let all: Vec<String> = d.into_vec().iter().map(|x| x.to_string()).collect();
        assert!(
            all.iter()
                .any(|m| m.starts_with("casebook.toml:4:") && m.contains("static/")),
            "{all:?}"
        );
        assert!(
            all.iter()
                .any(|m| m.starts_with("casebook.toml:5:") && m.contains("#rrggbb")),
            "{all:?}"
        );
    }

    #[test]
    fn accents() {
        assert_eq!(parse_accent("#A1b2C3").as_deref(), Some("#a1b2c3"));
        assert_eq!(parse_accent(" #abc ").as_deref(), Some("#aabbcc"));
        for bad in ["abc", "#abcd", "#ggg", "#12345", "", "#"] {
            assert_eq!(parse_accent(bad), None, "{bad}");
        }
    }

    #[test]
    fn logos_are_recognised_by_content() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert_eq!(Logo::sniff(png).unwrap().kind, LogoKind::Png);
        let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>\n".to_vec();
        let logo = Logo::sniff(svg).unwrap();
        assert_eq!(logo.kind, LogoKind::Svg);
        assert!(
            logo.data_uri().starts_with("data:image/svg+xml;base64,PD94bWwg"),
            "{}",
            logo.data_uri()
        );
        assert!(Logo::sniff(b"GIF89a....".to_vec()).is_err());
        assert!(Logo::sniff(b"<html><svg></svg></html>".to_vec()).is_err());
        assert!(
            Logo::sniff(vec![b' '; Logo::MAX_BYTES + 1])
                .unwrap_err()
                .contains("KiB")
        );
    }
}
