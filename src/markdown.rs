//! Markdown: front matter split, and rendering to sanitised HTML.
//!
//! Raw HTML inside markdown is untrusted (SPEC §1.3): everything that
//! pulldown-cmark produces goes through ammonia, which drops scripts, event
//! handlers and `javascript:` URLs.

use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

use crate::input::tomlish::{Table, parse_toml, parse_yaml};

/// How deep lists and block quotes may nest. Parsing deeper nesting takes
/// time that grows faster than the text (a line of 100,000 `- ` took
/// minutes), so such a text is refused. A line's nesting is counted as its
/// leading `>` and list markers plus one level per two columns of
/// indentation: an upper bound of what a markdown parser can open there.
pub const MAX_NESTING: usize = 100;

/// How many raw HTML elements may be open at once: the HTML sanitiser's
/// time grows with the depth of the element tree.
pub const MAX_HTML_NESTING: usize = 100;

/// The largest front matter read, in bytes (YAML parsing of adversarial
/// text is superlinear; real front matter is a few hundred bytes).
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// How deep `[ ]` and `{ }` may nest in front matter.
pub const MAX_FRONT_MATTER_NESTING: usize = 100;

/// The options every markdown text is parsed with.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

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
fn check_line_nesting(markdown: &str) -> Result<(), (usize, String)> {
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

/// Where front matter passes [`MAX_FRONT_MATTER_NESTING`] levels of
/// `[ ]` and `{ }` (strings and comments skipped), if it does.
fn front_matter_too_deep_at(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    for (i, c) in text.char_indices() {
        if comment {
            comment = c != '\n';
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q || c == '\n' && q == '\'' {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '#' => comment = true,
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FRONT_MATTER_NESTING {
                    return Some(i);
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

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
                let parsed = if front.len() > MAX_FRONT_MATTER {
                    Err((
                        2,
                        1,
                        format!(
                            "the front matter is {} bytes long; at most {MAX_FRONT_MATTER} are read (put long text in the body)",
                            front.len()
                        ),
                    ))
                } else if let Some(at) = front_matter_too_deep_at(front) {
                    let (line, column) = crate::diag::line_col(front, at);
                    Err((
                        line + 1,
                        column,
                        format!(
                            "`[` and `{{` nested more than {MAX_FRONT_MATTER_NESTING} levels deep in the front matter"
                        ),
                    ))
                } else if is_toml {
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

/// How a browser lays out an element's tags, for reading text as it is
/// shown: the anonymiser and the leak scan ([`crate::publish`]) follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Display {
    /// Its tags do not separate words: `Ac<em>me</em>` reads "Acme".
    Inline,
    /// A line break (`<br>`): a space.
    LineBreak,
    /// A ruby annotation (`<rt>`, `<rp>`, `<rtc>`): shown beside the base
    /// text, so text reads both with it and without it.
    Annotation,
    /// A block, a table cell, an image, or not rendered: a paragraph break.
    Block,
}

/// An HTML element that the sanitiser keeps or that templates commonly use.
pub struct Element {
    pub name: &'static str,
    pub display: Display,
    /// Kept by the sanitiser in markdown (notes, stories, pages). An element
    /// not kept loses its tags but keeps its text (except `script` and
    /// `style`, whose text goes too).
    pub kept: bool,
}

const fn el(name: &'static str, display: Display, kept: bool) -> Element {
    Element { name, display, kept }
}

/// The one list of elements: the sanitiser's allow-list (`kept`) and how
/// each element is displayed. The anonymiser and the leak scan read tags
/// through [`display_of`], so a tag the sanitiser keeps is always read as a
/// browser shows it.
pub const ELEMENTS: &[Element] = {
    use Display::*;
    &[
        // Kept by the sanitiser (ammonia's default allow-list).
        el("a", Inline, true),
        el("abbr", Inline, true),
        el("acronym", Inline, true),
        el("area", Block, true),
        el("article", Block, true),
        el("aside", Block, true),
        el("b", Inline, true),
        el("bdi", Inline, true),
        el("bdo", Inline, true),
        el("blockquote", Block, true),
        el("br", LineBreak, true),
        el("caption", Block, true),
        el("center", Block, true),
        el("cite", Inline, true),
        el("code", Inline, true),
        el("col", Block, true),
        el("colgroup", Block, true),
        el("data", Inline, true),
        el("dd", Block, true),
        el("del", Inline, true),
        el("details", Block, true),
        el("dfn", Inline, true),
        el("div", Block, true),
        el("dl", Block, true),
        el("dt", Block, true),
        el("em", Inline, true),
        el("figcaption", Block, true),
        el("figure", Block, true),
        el("footer", Block, true),
        el("h1", Block, true),
        el("h2", Block, true),
        el("h3", Block, true),
        el("h4", Block, true),
        el("h5", Block, true),
        el("h6", Block, true),
        el("header", Block, true),
        el("hgroup", Block, true),
        el("hr", Block, true),
        el("i", Inline, true),
        el("img", Block, true),
        el("ins", Inline, true),
        el("kbd", Inline, true),
        el("li", Block, true),
        el("map", Inline, true),
        el("mark", Inline, true),
        el("nav", Block, true),
        el("ol", Block, true),
        el("p", Block, true),
        el("pre", Block, true),
        el("q", Inline, true),
        el("rp", Annotation, true),
        el("rt", Annotation, true),
        el("rtc", Annotation, true),
        el("ruby", Inline, true),
        el("s", Inline, true),
        el("samp", Inline, true),
        el("small", Inline, true),
        el("span", Inline, true),
        el("strike", Inline, true),
        el("strong", Inline, true),
        el("sub", Inline, true),
        el("summary", Block, true),
        el("sup", Inline, true),
        el("table", Block, true),
        el("tbody", Block, true),
        el("td", Block, true),
        el("th", Block, true),
        el("thead", Block, true),
        el("time", Inline, true),
        el("tr", Block, true),
        el("tt", Inline, true),
        el("u", Inline, true),
        el("ul", Block, true),
        el("var", Inline, true),
        el("wbr", Inline, true),
        // Removed by the sanitiser, seen in templates: inline ones join
        // text on a published page.
        el("big", Inline, false),
        el("button", Inline, false),
        el("font", Inline, false),
        el("label", Inline, false),
        el("nobr", Inline, false),
        el("output", Inline, false),
        el("script", Block, false),
        el("style", Block, false),
    ]
};

/// How the tags of element `name` (lower case) are read.
///
/// * In markdown (`in_markdown`), an element the sanitiser does not keep
///   loses its tags and keeps its text, which then joins its neighbours:
///   [`Display::Inline`] (`script` and `style`, whose text is dropped:
///   [`Display::Block`]).
/// * On a published page, an element that is not in [`ELEMENTS`] (`main`,
///   `section`, `title`, SVG elements, ...) is a [`Display::Block`].
pub fn display_of(name: &str, in_markdown: bool) -> Display {
    match ELEMENTS.iter().find(|e| e.name == name) {
        Some(e) if e.kept || !in_markdown => e.display,
        Some(e) if e.display == Display::Block => Display::Block,
        Some(_) => Display::Inline,
        None if in_markdown => Display::Inline,
        None => Display::Block,
    }
}

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
/// beside it), or a root-relative one into `/internal/` or `/client/`?
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
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/') && s.starts_with(|c: char| c.is_ascii_alphabetic()));
    if scheme || path.starts_with("//") {
        return false;
    }
    if let Some(rooted) = path.strip_prefix('/') {
        let first = rooted.split('/').next().unwrap_or("");
        return first == "internal" || first == "client";
    }
    let mut depth: i64 = 2;
    for segment in path.split('/') {
        match segment {
            ".." => depth -= 1,
            "" | "." => {}
            _ => depth += 1,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// The deepest element nesting that a text within [`check_limits`] can
/// render to: two elements per list level (`<ul><li>`), one per quote, the
/// raw HTML, and room for inline markup and tables.
const RENDERED_NESTING: usize = 2 * MAX_NESTING + MAX_HTML_NESTING + 100;

/// The deepest nesting of elements in `html` (tags counted as [`tags`]).
fn html_depth(html: &str) -> usize {
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

/// A part of a note that only the consultancy reads: a section whose
/// heading is an [`is_internal_heading`], from that heading to the next
/// heading of the same or a higher level (or the end of the block that
/// holds it: a section that starts inside a list item or a quote ends with
/// it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalSection {
    /// Byte range in the markdown, heading included.
    pub range: std::ops::Range<usize>,
    /// The heading as written (plain text).
    pub heading: String,
}

/// Whether a heading marks a section for the consultancy only: after
/// folding width (`Ｉｎｔｅｒｎａｌ`) and case and trimming spaces, the
/// heading is `internal`, `internal note`, `internal notes` or `社内メモ`,
/// alone or followed by `:`, `：`, `(`, `（`, `-`, `–`, `—` and anything
/// (`## Internal: pricing`, `### 社内メモ（価格）`). `Internal audit
/// results` is an ordinary heading.
pub fn is_internal_heading(text: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    let folded = folded.trim();
    ["internal notes", "internal note", "internal", "社内メモ"]
        .iter()
        .any(|key| match folded.strip_prefix(key) {
            Some(rest) => {
                let rest = rest.trim_start();
                // NFKC has turned `：` into `:` and `（` into `(`.
                rest.is_empty() || rest.starts_with([':', '(', '-', '–', '—'])
            }
            None => false,
        })
}

/// The sections of `markdown` for the consultancy only, in order, found on
/// pulldown-cmark's event stream (so a `## Internal` inside a code block or
/// an HTML comment is text, not a heading).
pub fn internal_sections(markdown: &str) -> Vec<InternalSection> {
    use pulldown_cmark::{Event, Tag, TagEnd};
    struct Open {
        level: pulldown_cmark::HeadingLevel,
        depth: usize,
        start: usize,
        heading: String,
    }
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    // Container depth (list items, quotes, ...) at each event.
    let mut depth = 0usize;
    // The heading being read: (level, start, text).
    let mut heading: Option<(pulldown_cmark::HeadingLevel, usize, String)> = None;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let close = |open: &mut Option<Open>, out: &mut Vec<InternalSection>, end: usize| {
        if let Some(o) = open.take() {
            out.push(InternalSection {
                range: o.start..end,
                heading: o.heading,
            });
        }
    };
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                if open.as_ref().is_some_and(|o| level <= o.level && depth <= o.depth) {
                    close(&mut open, &mut out, range.start);
                }
                heading = Some((level, range.start, String::new()));
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, text)) = heading.take() {
                    if open.is_none() && is_internal_heading(&text) {
                        open = Some(Open {
                            level,
                            depth,
                            start,
                            heading: text.trim().to_string(),
                        });
                    }
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if open.as_ref().is_some_and(|o| depth < o.depth) {
                    close(&mut open, &mut out, range.end);
                }
            }
            _ => {}
        }
    }
    close(&mut open, &mut out, markdown.len());
    out
}

/// `markdown` without its [`internal_sections`]: what the client edition
/// shows of a note. Everything else is kept byte for byte.
pub fn without_internal(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for s in internal_sections(markdown) {
        out.push_str(&markdown[at..s.range.start]);
        at = s.range.end;
    }
    out.push_str(&markdown[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_headings_and_their_forms() {
        for yes in [
            "Internal",
            "internal",
            "  INTERNAL  ",
            "Ｉｎｔｅｒｎａｌ",
            "Internal:",
            "Internal: pricing",
            "Internal notes",
            "Internal note — do not share",
            "Internal (renewal)",
            "社内メモ",
            "社内メモ：",
            "社内メモ（価格）",
            "社内メモ - 更新",
        ] {
            assert!(is_internal_heading(yes), "{yes:?}");
        }
        for no in [
            "Internal audit results",
            "Internals",
            "International",
            "Notes (internal)",
            "社内",
            "社内報の改善",
            "Decisions",
        ] {
            assert!(!is_internal_heading(no), "{no:?}");
        }
    }

    #[test]
    fn an_internal_section_runs_to_the_next_heading_of_its_level_or_higher() {
        let md = "# Review\n\nIntro.\n\n## Internal\n\nPrice rise next year.\n\n### Detail\n\nStill internal.\n\n## Decisions\n\n- Go.\n";
        let s = internal_sections(md);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].heading, "Internal");
        assert_eq!(
            &md[s[0].range.clone()],
            "## Internal\n\nPrice rise next year.\n\n### Detail\n\nStill internal.\n\n"
        );
        assert_eq!(without_internal(md), "# Review\n\nIntro.\n\n## Decisions\n\n- Go.\n");
        // A level-1 internal section swallows level-2 headings; a setext heading counts.
        let md = "Intro\n\n社内メモ：\n=====\n\n## Sub\n\nx\n\n# Next\n\ny\n";
        assert_eq!(without_internal(md), "Intro\n\n# Next\n\ny\n");
        // To the end of the note.
        assert_eq!(without_internal("a\n\n### internal\n\nb\n"), "a\n\n");
    }

    #[test]
    fn internal_is_read_from_the_markdown_not_from_its_text() {
        // In a code block, an HTML comment or a paragraph it is not a heading.
        let md = "```\n## Internal\n```\n\n<!--\n## Internal\n-->\n\nThe word Internal alone.\n";
        assert!(internal_sections(md).is_empty());
        assert_eq!(without_internal(md), md);
        // Inside a list item the section ends with the item.
        let md = "- a\n\n  ## Internal\n\n  hidden\n\n- b\n\nafter\n";
        let s = internal_sections(md);
        assert_eq!(s.len(), 1);
        let kept = without_internal(md);
        assert!(
            !kept.contains("hidden") && kept.contains("- b") && kept.contains("after"),
            "{kept:?}"
        );
        // Markup in the heading is read through.
        assert_eq!(internal_sections("## *Internal*\n\nx\n\n## Next\n").len(), 1);
    }

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

    #[test]
    fn front_matter_size_and_nesting_are_limited() {
        let long = format!("---\ntitle: \"{}\"\n---\nbody", "x".repeat(MAX_FRONT_MATTER));
        let (line, col, msg) = split_front_matter(&long).front.unwrap().unwrap_err();
        assert_eq!((line, col), (2, 1));
        assert!(msg.contains("at most 65536"), "{msg}");
        for (fence, key) in [("---", "title: "), ("+++", "title = ")] {
            let deep = format!(
                "{fence}\nsummary{}\"ok\"\n{key}{}\n{fence}\n",
                &key[5..],
                "[".repeat(10_000)
            );
            let (line, col, msg) = split_front_matter(&deep).front.unwrap().unwrap_err();
            assert_eq!(
                (line, col),
                (3, key.len() as u64 + MAX_FRONT_MATTER_NESTING as u64 + 1),
                "{msg}"
            );
            assert!(msg.contains("nested more than 100"), "{msg}");
        }
        // Brackets in strings and comments are text.
        let fine = format!(
            "+++\ntitle = \"{0}\"\nquote = '{0}' # {0}\n[consent]\nscope = [\"name\"]\n+++\n",
            "[{".repeat(200)
        );
        assert!(split_front_matter(&fine).front.unwrap().is_ok());
        let yaml = format!(
            "---\ntitle: \"{0}\"\ntags: [[a, b], {{c: [d]}}]\n---\n",
            "\\\"[".repeat(200)
        );
        assert!(split_front_matter(&yaml).front.unwrap().is_ok());
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
