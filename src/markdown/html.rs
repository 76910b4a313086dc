//! Rendering markdown to sanitised HTML (for the private pages, and for
//! the public site without links out of it) and to plain text.

use std::sync::LazyLock;

use pulldown_cmark::{Parser, html};

use super::OPTIONS;
use super::elements::ELEMENTS;
use super::limits::{RENDERED_NESTING, check_limits, check_line_nesting, html_depth};

/// The sanitiser's settings: the allow-list of [`ELEMENTS`] and a few
/// attributes.
fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.tags(ELEMENTS.iter().filter(|e| e.kept).map(|e| e.name).collect());
    b.add_generic_attributes(["id"]);
    b.add_tag_attributes("img", ["loading"]);
    b.add_tag_attributes("th", ["align"]);
    b.add_tag_attributes("td", ["align"]);
    b.link_rel(Some("noopener noreferrer"));
    b
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(sanitizer);

/// Renders markdown to HTML that is safe to embed in a page. A text beyond
/// the limits of [`check_limits`] (which the loader reports as an error)
/// is shown as escaped text instead of being parsed.
pub fn to_safe_html(markdown: &str) -> String {
    SANITIZER.clean(&to_raw_html(markdown)).to_string()
}

/// The parser's HTML of `markdown`; beyond the limits of [`check_limits`],
/// the text escaped in a `<pre>` instead.
fn to_raw_html(markdown: &str) -> String {
    let escaped = || format!("<pre>{}</pre>", ammonia::clean_text(markdown));
    if check_line_nesting(markdown).is_err() {
        return escaped();
    }
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, OPTIONS));
    // The raw HTML limit, checked on the parser's output rather than by a
    // second parse: there every `<` is a tag, and lists, quotes and inline
    // markup add their own elements to the raw ones.
    if html_depth(&raw) > RENDERED_NESTING {
        return escaped();
    }
    raw
}

thread_local! {
    /// The addresses [`PUBLIC_SANITIZER`] removed during the current
    /// [`to_public_html`] call (ammonia calls its filter on the calling
    /// thread).
    static DROPPED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Attributes that hold an address.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "cite",
    "action",
    "poster",
    "data",
    "background",
];

static PUBLIC_SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = sanitizer();
    b.attribute_filter(|_element, attribute, value| {
        if URL_ATTRIBUTES.contains(&attribute) && leaves_public_site(value) {
            DROPPED.with(|d| d.borrow_mut().push(value.to_string()));
            None
        } else {
            Some(value.into())
        }
    });
    b
});

/// Renders markdown of a page two folders below the public site's root
/// (`stories/<slug>/`, `pages/<slug>/`) like [`to_safe_html`], without any
/// link or image address that leads out of the public site (see
/// [`leaves_public_site`]): the attribute is removed, the text stays.
/// Returns the HTML and the addresses removed.
pub fn to_public_html(markdown: &str) -> (String, Vec<String>) {
    DROPPED.with(|d| d.borrow_mut().clear());
    let html = PUBLIC_SANITIZER.clean(&to_raw_html(markdown)).to_string();
    (html, DROPPED.with(|d| std::mem::take(&mut *d.borrow_mut())))
}

/// Does an address, written on a page two folders below the public site's
/// root, lead out of it: a relative path that climbs above the root
/// (`../../../internal/`, into the private site or the client editions
/// beside it), or one that resolves to `/internal/` or `/client/` at the
/// root, written root-relative (`/internal/`) or relative
/// (`../../internal/`): where the whole output folder is served, those are
/// the private site and the client editions.
/// Full URLs (`https://...`, `mailto:`), `#fragments` and paths that stay
/// inside are kept. Percent-encoded dots and backslashes count as what they
/// encode.
pub fn leaves_public_site(url: &str) -> bool {
    let url = url.trim();
    let decoded = percent_encoding::percent_decode_str(url)
        .decode_utf8_lossy()
        .replace('\\', "/");
    let path = decoded.split(['?', '#']).next().unwrap_or("");
    let scheme = path
        .split_once(':')
        .is_some_and(|(s, _)| s.starts_with(|c: char| c.is_ascii_alphabetic()) && !s.contains('/'));
    if scheme || path.starts_with("//") {
        return false;
    }
    // The folders from the public root to the page; a rooted path starts at
    // the root. (The page's own folder names never matter: only climbing
    // above the root and the first folder below it do.)
    let rooted = path.starts_with('/');
    let mut folders: Vec<&str> = if rooted { vec![] } else { vec!["stories", "page"] };
    for segment in path.split('/') {
        match segment {
            // A browser stops a rooted path at the root (`/../x` is `/x`).
            ".." => {
                if folders.pop().is_none() && !rooted {
                    return true;
                }
            }
            "" | "." => {}
            name => folders.push(name),
        }
    }
    matches!(folders.first(), Some(&("internal" | "client")))
}

/// Plain text of a markdown fragment (for titles, summaries, meta tags).
/// A text beyond the limits of [`check_limits`] is taken as it is.
pub fn to_plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    if check_limits(markdown).is_err() {
        return markdown.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Heading(_)) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_html_is_neutralised() {
        let html = to_safe_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n<!-- secret -->\n\n<a href=\"https://ok.example\" onclick=\"x()\">ok</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("secret"), "{html}");
        assert!(html.contains("https://ok.example"), "{html}");
    }

    #[test]
    fn the_sanitiser_keeps_exactly_the_kept_elements() {
        // Table parts and map areas exist only inside their parents.
        let table = "<table><caption>t</caption><colgroup><col></colgroup><thead><tr><th>t</th></tr></thead><tbody><tr><td>t</td></tr></tbody></table>";
        for e in ELEMENTS {
            let html = match e.name {
                "caption" | "col" | "colgroup" | "thead" | "tbody" | "tr" | "th" | "td" => to_safe_html(table),
                "area" => to_safe_html("<map name=\"m\"><area alt=\"t\" href=\"https://x.example/\"></map>"),
                _ => to_safe_html(&format!("x <{0}>t</{0}> y", e.name)),
            };
            assert_eq!(html.contains(&format!("<{}", e.name)), e.kept, "{}: {html}", e.name);
        }
    }

    #[test]
    fn links_out_of_the_public_site_are_removed() {
        for out in [
            "../../../internal/index.html",
            "../../../client/acme/2026-10.html",
            "../../..",
            "/internal/",
            "/client/x",
            "%2e%2e/%2E%2E/%2e%2e/internal/",
            "..\\..\\..\\internal",
            "../../a/../../x",
            // Relative, but landing on the root's internal/ or client/.
            "../../internal/clients/acme/index.html",
            "../../client/acme/2026-10.html",
            "../x/../../client/",
            "/../internal/",
            // A colon after a slash is no scheme: still a path.
            "x/../../../../internal/a:b",
        ] {
            assert!(leaves_public_site(out), "{out}");
        }
        for inside in [
            "../../index.html",
            "../other/",
            "https://example.com/../../..",
            "mailto:a@example.com",
            "#top",
            "/about/",
            "//cdn.example/x.png",
            "img/x.png",
            "/../about/",
            // A scheme's host and path are another site's, however they read.
            "https://example.com/../../../../internal/",
            "//internal/x.png",
            "../../internal-notes-of-our-own/",
        ] {
            assert!(!leaves_public_site(inside), "{inside}");
        }
        let (html, dropped) = to_public_html(
            "[report](../../../internal/clients/acme/2026-10.html) and ![x](../../../internal/a.svg) and [ok](../../index.html)\n\n<a href=\"/client/acme/\">raw</a>",
        );
        assert_eq!(
            dropped,
            [
                "../../../internal/clients/acme/2026-10.html",
                "../../../internal/a.svg",
                "/client/acme/"
            ]
        );
        assert!(!html.contains("internal") && !html.contains("client/"), "{html}");
        assert!(
            html.contains(">report</a>") && html.contains("href=\"../../index.html\""),
            "{html}"
        );
        // The private pages' renderer keeps them.
        assert!(to_safe_html("[r](../internal/x.html)").contains("../internal/x.html"));
    }

    #[test]
    fn plain_text_strips_markup() {
        assert_eq!(to_plain_text("**Bold** and [link](x)\n\nNext"), "Bold and link Next");
    }
}
