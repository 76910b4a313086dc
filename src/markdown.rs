//! Markdown: front matter split, and rendering to sanitised HTML.
//!
//! Raw HTML inside markdown is untrusted (SPEC §1.3): everything that
//! pulldown-cmark produces goes through ammonia, which drops scripts, event
//! handlers and `javascript:` URLs.

use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

use crate::input::tomlish::{Table, parse_toml, parse_yaml};

/// The front matter of a markdown file and the body after it.
pub struct Split<'a> {
    pub front: Option<Result<Table, (u64, u64, String)>>,
    pub body: &'a str,
}

/// Splits `+++` TOML or `---` YAML front matter from the body. A file
/// without front matter is all body.
pub fn split_front_matter(text: &str) -> Split<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (fence, is_toml) in [("+++", true), ("---", false)] {
        let Some(first_line_end) = text.find('\n') else {
            continue;
        };
        if text[..first_line_end].trim_end() != fence {
            continue;
        }
        let rest = &text[first_line_end + 1..];
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim_end() == fence {
                let front = &rest[..offset];
                let body = &rest[offset + line.len()..];
                let parsed = if is_toml {
                    parse_toml(front, 2)
                } else {
                    parse_yaml(front, 2)
                };
                return Split {
                    front: Some(parsed),
                    body,
                };
            }
            offset += line.len();
        }
        let msg =
            format!("front matter opened with `{fence}` on line 1 is never closed; add a `{fence}` line after it");
        return Split {
            front: Some(Err((1, 1, msg))),
            body: "",
        };
    }
    Split {
        front: None,
        body: text,
    }
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id"]);
    b.add_tag_attributes("img", ["loading"]);
    b.add_tag_attributes("th", ["align"]);
    b.add_tag_attributes("td", ["align"]);
    b.link_rel(Some("noopener noreferrer"));
    b
});

/// Renders markdown to HTML that is safe to embed in a page.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    SANITIZER.clean(&raw).to_string()
}

/// Plain text of a markdown fragment (for titles, summaries, meta tags).
pub fn to_plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
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
    fn toml_front_matter() {
        let s = split_front_matter("+++\ntitle = \"A\"\n+++\n# Body\n");
        let t = s.front.unwrap().unwrap();
        assert!(t.contains_key("title"));
        assert_eq!(s.body, "# Body\n");
    }

    #[test]
    fn yaml_front_matter_with_crlf() {
        let s = split_front_matter("---\r\ntitle: A\r\n---\r\nbody");
        assert!(s.front.unwrap().unwrap().contains_key("title"));
        assert_eq!(s.body, "body");
    }

    #[test]
    fn no_front_matter() {
        let s = split_front_matter("# Just text\n---\nmore");
        assert!(s.front.is_none());
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let s = split_front_matter("+++\ntitle = \"A\"\n# Body\n");
        assert!(s.front.unwrap().is_err());
    }

    #[test]
    fn bad_toml_in_front_matter_points_at_file_line() {
        let s = split_front_matter("+++\ntitle = \"A\"\ndate = = 3\n+++\n");
        let (line, _, msg) = s.front.unwrap().unwrap_err();
        assert_eq!(line, 3, "{msg}");
    }

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
    fn plain_text_strips_markup() {
        assert_eq!(to_plain_text("**Bold** and [link](x)\n\nNext"), "Bold and link Next");
    }
}
