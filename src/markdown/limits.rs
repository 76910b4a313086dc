//! The limits of nesting under which rendering markdown takes time linear
//! in its size, and the reading of HTML tags they are counted with.

use pulldown_cmark::Parser;

use super::OPTIONS;

/// How deep lists and block quotes may nest. Parsing deeper nesting takes
/// time that grows faster than the text (a line of 100,000 `- ` took
/// minutes), so such a text is refused. A line's nesting is counted as its
/// leading `>` and list markers plus one level per two columns of
/// indentation: an upper bound of what a markdown parser can open there.
pub const MAX_NESTING: usize = 100;

/// How many raw HTML elements may be open at once: the HTML sanitiser's
/// time grows with the depth of the element tree.
pub const MAX_HTML_NESTING: usize = 100;
/// Checks that `markdown` stays within [`MAX_NESTING`] and
/// [`MAX_HTML_NESTING`], the limits under which rendering it takes time
/// linear in its size. The error is the byte offset where the limit is
/// passed, and what is wrong.
pub fn check_limits(markdown: &str) -> Result<(), (usize, String)> {
    check_line_nesting(markdown)?;
    // Raw HTML: only what the parser takes for HTML (not code) counts, so
    // the text is parsed (linear now that the nesting is bounded), but only
    // when it has more tag openings than the limit: fewer cannot pass it.
    if tag_openings(markdown) > MAX_HTML_NESTING {
        let mut depth = 0usize;
        for (event, range) in Parser::new_ext(markdown, OPTIONS).into_offset_iter() {
            if let pulldown_cmark::Event::Html(html) | pulldown_cmark::Event::InlineHtml(html) = event {
                for (at, opens) in tags(&html) {
                    if opens {
                        depth += 1;
                    } else {
                        depth = depth.saturating_sub(1);
                    }
                    if depth > MAX_HTML_NESTING {
                        let at = (range.start + at).min(range.end.saturating_sub(1));
                        return Err((
                            at,
                            format!(
                                "more than {MAX_HTML_NESTING} HTML elements open at once; casebook does not render \
                                 HTML nested this deep (close the elements you open)"
                            ),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The line part of [`check_limits`]: no line may open more than
/// [`MAX_NESTING`] lists and quotes. Linear, and needed before any parse.
pub(super) fn check_line_nesting(markdown: &str) -> Result<(), (usize, String)> {
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        if let Some(at) = too_deep_at(line) {
            return Err((
                offset + at,
                format!(
                    "lists and quotes nested more than {MAX_NESTING} levels deep (counting the `>` and list markers at \
                     the start of the line and one level per two spaces of indentation); casebook does not render \
                     nesting this deep"
                ),
            ));
        }
        offset += line.len();
    }
    Ok(())
}

/// How many `<` in `text` are followed by a letter (an upper bound of the
/// elements raw HTML in it can open).
fn tag_openings(text: &str) -> usize {
    text.as_bytes()
        .windows(2)
        .filter(|w| w[0] == b'<' && w[1].is_ascii_alphabetic())
        .count()
}

/// Where in `line` its nesting bound passes [`MAX_NESTING`], if it does.
fn too_deep_at(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let ends_marker = |j: usize| matches!(b.get(j), None | Some(b' ' | b'\t' | b'\n' | b'\r'));
    let (mut i, mut markers, mut columns) = (0usize, 0usize, 0usize);
    // The space that ends a marker belongs to it.
    let mut after_marker = false;
    loop {
        if markers + columns / 2 > MAX_NESTING {
            return Some(i.saturating_sub(1));
        }
        let marker = after_marker;
        after_marker = false;
        match b.get(i) {
            Some(b' ') if marker => {}
            Some(b' ') => columns += 1,
            Some(b'\t') => columns += 4,
            Some(b'>') => {
                markers += 1;
                after_marker = true;
            }
            Some(b'-' | b'*' | b'+') if ends_marker(i + 1) => {
                markers += 1;
                after_marker = true;
            }
            Some(c) if c.is_ascii_digit() => {
                let digits = b[i..].iter().take(10).take_while(|c| c.is_ascii_digit()).count();
                let j = i + digits;
                if digits > 9 || !matches!(b.get(j), Some(b'.' | b')')) || !ends_marker(j + 1) {
                    return None;
                }
                markers += 1;
                after_marker = true;
                i = j;
            }
            _ => return None,
        }
        i += 1;
    }
}

/// The tags of a piece of raw HTML that open an element (`true`) or close
/// one (`false`), with their byte offsets. Void elements (`<br>`),
/// self-closing tags (`<x/>`), comments and declarations open nothing.
fn tags(html: &str) -> Vec<(usize, bool)> {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ];
    let b = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(lt) = b[i..].iter().position(|&c| c == b'<') {
        let at = i + lt;
        let closing = b.get(at + 1) == Some(&b'/');
        let name_start = at + 1 + closing as usize;
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        i = name_start + name_len;
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if closing {
            found.push((at, false));
            continue;
        }
        let end = b[i..].iter().position(|&c| c == b'>').map(|p| i + p);
        let self_closing = end.is_some_and(|e| e > i && b[e - 1] == b'/');
        if let Some(e) = end {
            i = e + 1;
        }
        if !self_closing && !VOID.contains(&name.as_str()) {
            found.push((at, true));
        }
    }
    found
}
/// The deepest element nesting that a text within [`check_limits`] can
/// render to: two elements per list level (`<ul><li>`), one per quote, the
/// raw HTML, and room for inline markup and tables.
pub(super) const RENDERED_NESTING: usize = 2 * MAX_NESTING + MAX_HTML_NESTING + 100;

/// The deepest nesting of elements in `html` (tags counted as [`tags`]).
pub(super) fn html_depth(html: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for (_, opens) in tags(html) {
        if opens {
            depth += 1;
            deepest = deepest.max(depth);
        } else {
            depth = depth.saturating_sub(1);
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{to_plain_text, to_safe_html};
    #[test]
    fn nesting_within_the_limit_renders_and_beyond_it_is_refused() {
        let at_limit = "- ".repeat(MAX_NESTING) + "x\n";
        assert_eq!(check_limits(&at_limit), Ok(()));
        assert_eq!(to_safe_html(&at_limit).matches("<ul>").count(), MAX_NESTING);
        let over = format!("intro\n\n{}x\n", "- ".repeat(MAX_NESTING + 1));
        let (at, msg) = check_limits(&over).unwrap_err();
        assert!(msg.contains("nested more than 100"), "{msg}");
        // The marker that goes over the limit: line 3, column 201.
        assert_eq!(crate::diag::line_col(&over, at), (3, 201));
        for deep in [
            ">".repeat(MAX_NESTING + 1) + " x",
            "> ".repeat(MAX_NESTING + 1) + "x",
            "1. ".repeat(MAX_NESTING + 1) + "x",
            "* > 2) ".repeat(MAX_NESTING / 3 + 1) + "x",
            " ".repeat(2 * MAX_NESTING + 2) + "- x",
            "\t".repeat(MAX_NESTING / 2 + 1) + "x",
        ] {
            assert!(check_limits(&deep).is_err(), "{deep}");
            // Rendered anyway (by a caller that skipped the loader): escaped text, at once.
            assert!(to_safe_html(&deep).starts_with("<pre>"), "{deep}");
            assert!(!to_plain_text(&deep).is_empty());
        }
        // What only looks like markers does not count.
        for fine in [
            "-".repeat(1000),
            "*emphasis* ".repeat(500),
            "1.5 2.5 ".repeat(500),
            "1234567890. ".repeat(200),
            "- ".repeat(50) + &"x ".repeat(1000),
        ] {
            assert_eq!(check_limits(&fine), Ok(()), "{fine}");
        }
    }

    #[test]
    fn raw_html_nesting_is_limited_but_code_is_not_html() {
        let open = "<div>".repeat(MAX_HTML_NESTING);
        assert_eq!(check_limits(&open), Ok(()));
        // At the limits of both kinds at once, a text still renders.
        let both = format!("{}{}x\n", "- ".repeat(MAX_NESTING), open);
        assert_eq!(check_limits(&both), Ok(()));
        assert!(!to_safe_html(&both).starts_with("<pre>"));
        // Rendered anyway (by a caller that skipped the loader): escaped text.
        assert!(to_safe_html(&"<div>".repeat(RENDERED_NESTING + 1)).starts_with("<pre>"));
        assert!(!to_safe_html(&"<div>".repeat(RENDERED_NESTING)).starts_with("<pre>"));
        let over = format!("text\n\n{}<span>x", open);
        let (at, msg) = check_limits(&over).unwrap_err();
        assert!(msg.contains("HTML elements"), "{msg}");
        assert_eq!(&over[at..at + 6], "<span>");
        assert!(check_limits(&"<b><i>".repeat(MAX_HTML_NESTING)).is_err());
        // Closed, void and self-closing elements, comments and code do not add up.
        for fine in [
            "<span>x</span> ".repeat(1000),
            "<br><img src=x><hr/><x-y/> ".repeat(1000),
            "<!-- c --> <!doctype html> ".repeat(1000),
            "`List<String>` ".repeat(1000),
            format!("```\n{}\n```\n", "<div>".repeat(1000)),
            format!("    {}\n", "<div>".repeat(1000)),
            "a < b and 3<4 ".repeat(1000),
        ] {
            assert_eq!(check_limits(&fine), Ok(()), "{fine}");
        }
    }
}
