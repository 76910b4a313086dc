//! What served HTML pages get added: the script that reloads them after a
//! build and, after a failed build, the overlay with its errors.

use super::{EVENTS, OVERLAY_ID, RELOAD_ID, Status};

/// Adds the reload script, and the overlay after a failed build, before
/// the last `</body>` of a page (at its end when it has none).
pub(super) fn inject(mut html: Vec<u8>, status: &Status) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(errors) = &status.error {
        extra.push_str(&overlay(errors));
    }
    extra.push_str(&reload_script(status.generation));
    let at = rfind_ignore_case(&html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, extra.into_bytes());
    html
}

fn rfind_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The script that reloads a served page when a build has finished since
/// it was served: `__BUILT__` stands for the page's build generation,
/// `__EVENTS__` for [`EVENTS`].
const RELOAD_SCRIPT: &str = include_str!("reload.js");

/// The overlay over a page after a failed build: `__ID__` stands for
/// [`OVERLAY_ID`], `__ERRORS__` for the build's errors.
const OVERLAY: &str = include_str!("overlay.html");

fn reload_script(generation: u64) -> String {
    let script = RELOAD_SCRIPT
        .trim_end()
        .replace("__EVENTS__", EVENTS)
        .replace("__BUILT__", &generation.to_string());
    format!("<script id=\"{RELOAD_ID}\">{script}</script>\n")
}

fn overlay(errors: &str) -> String {
    // The errors go in last, so that nothing in them is taken for a
    // placeholder.
    let mut html = OVERLAY.trim_end().replace("__ID__", OVERLAY_ID).replacen(
        "__ERRORS__",
        &crate::charts::escape(errors.trim_end()),
        1,
    );
    html.push('\n');
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injection_goes_before_the_last_body_end() {
        let status = Status {
            generation: 7,
            error: Some("data/x.csv:2:1: bad <date> & \"more\"".into()),
        };
        let html = inject(b"<html><body><p>x</p></BODY></html>".to_vec(), &status);
        let html = String::from_utf8(html).unwrap();
        let script = html.find(RELOAD_ID).unwrap();
        let overlay = html.find(OVERLAY_ID).unwrap();
        assert!(overlay < script && script < html.find("</BODY>").unwrap());
        assert!(html.contains("var built=\"7\""));
        assert!(html.contains("data/x.csv:2:1: bad &lt;date&gt; &amp; &quot;more&quot;"));
        assert!(html.ends_with("</BODY></html>"));

        let plain = inject(b"no body".to_vec(), &Status::default());
        let plain = String::from_utf8(plain).unwrap();
        assert!(plain.starts_with("no body<script"));
        assert!(!plain.contains(OVERLAY_ID));
    }
}
