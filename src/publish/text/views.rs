//! The views of a text ([`Decode`]): which encodings are decoded before
//! names are matched.

/// Which encodings are decoded before matching: a *view* of the text.
///
/// Different views see different names (`%41cme` decodes to a name,
/// `%41Acme` reads as one only undecoded), so a text is searched in several.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decode {
    pub(super) references: References,
    /// `%XX` (UTF-8) decoded.
    pub(super) percent: bool,
    /// Markdown backslash escapes (`\&`) and hard breaks (`\` + newline).
    pub(super) backslash: bool,
    pub(super) tags: Tags,
    /// Markdown markup (`*`, `_`, `~`, `` ` ``, `[`, `](destination)`, `>`
    /// at the start of a line) read as [`MARKUP`](super::decode::MARKUP).
    pub(super) markdown: bool,
    /// Every non-ASCII character read as `%` (a percent-encoded `href`).
    pub(super) url_encoded: bool,
    /// With rendered tags: which text of ruby (`<ruby>三<rt>みつ</rt>井<rt>い</rt></ruby>`)
    /// is read. A browser shows the base text with its annotations
    /// (`<rt>`, `<rp>`, `<rtc>`) above it, so each line is a reading.
    pub(super) ruby: Ruby,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ruby {
    /// Annotations are text of their own, beside the base: "三", "みつ",
    /// "井", "い".
    Both,
    /// The base text, annotations left out: "三井".
    Base,
    /// The annotations only, each ruby element on its own: "みつい".
    Annotations,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum References {
    None,
    /// CommonMark: only with their `;`.
    Strict,
    /// Browsers: also legacy named references and numeric ones without `;`.
    Legacy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tags {
    /// Tags are text.
    Text,
    /// Tags and comments left out as a reader of the page sees it: an inline
    /// tag or a comment joins its neighbours (`Ac<em>me</em>` reads "Acme"),
    /// `<br>` separates them like a space, an image or a block-level tag like
    /// a blank line.
    Rendered,
    /// As `Rendered`, in markdown: inline tags and comments are
    /// [`MARKUP`](super::decode::MARKUP), and a comment inside a paragraph
    /// ends at a blank line.
    Markdown,
    /// As `Markdown`, but comments and link destinations read as text (as
    /// in a code span, or where brackets are not a link): only `<!--`,
    /// `-->` and `]` are markup.
    MarkdownOpenComments,
}

impl Decode {
    const NONE: Decode = Decode {
        references: References::None,
        percent: false,
        backslash: false,
        tags: Tags::Text,
        markdown: false,
        url_encoded: false,
        ruby: Ruby::Both,
    };
    /// The text as it is.
    pub const PLAIN: Decode = Decode::NONE;
    /// What a browser shows of text: character references decoded.
    pub const HTML_TEXT: Decode = Decode {
        references: References::Legacy,
        ..Decode::NONE
    };
    /// `HTML_TEXT` plus percent-encoding (what an address bar shows).
    pub const HTML: Decode = Decode {
        percent: true,
        ..Decode::HTML_TEXT
    };
    /// `HTML_TEXT` as rendered: tags and comments left out.
    pub const HTML_RENDERED: Decode = Decode {
        tags: Tags::Rendered,
        ..Decode::HTML_TEXT
    };
    /// `HTML_RENDERED` reading only the base text of ruby.
    pub const HTML_RENDERED_BASE: Decode = Decode {
        ruby: Ruby::Base,
        ..Decode::HTML_RENDERED
    };
    /// `HTML_RENDERED` reading only the annotations of ruby.
    pub const HTML_RENDERED_ANNOTATIONS: Decode = Decode {
        ruby: Ruby::Annotations,
        ..Decode::HTML_RENDERED
    };
    /// What markdown rendering shows of text: character references with
    /// their `;`, backslash escapes.
    pub const MARKDOWN_TEXT: Decode = Decode {
        references: References::Strict,
        backslash: true,
        ..Decode::NONE
    };
    /// `MARKDOWN_TEXT` plus percent-encoding (names inside URLs).
    pub const MARKDOWN: Decode = Decode {
        percent: true,
        ..Decode::MARKDOWN_TEXT
    };
    /// A markdown link destination as the rendered `href` holds it:
    /// `MARKDOWN_TEXT` with every non-ASCII character percent-encoded (seen
    /// as `%`), which can turn `Acmeé` into `Acme%C3%A9`.
    pub const URL_ENCODED: Decode = Decode {
        url_encoded: true,
        ..Decode::MARKDOWN_TEXT
    };

    /// Markdown as rendered: markup and raw HTML read through.
    pub(super) const fn markdown_rendered(open_comments: bool, percent: bool, ruby: Ruby) -> Decode {
        Decode {
            ruby,
            tags: if open_comments {
                Tags::MarkdownOpenComments
            } else {
                Tags::Markdown
            },
            markdown: true,
            percent,
            ..Decode::MARKDOWN_TEXT
        }
    }
}

/// Markdown as a reader of the rendered page sees it: character references
/// and backslash escapes decoded, markup and raw HTML read through.
pub(crate) const MARKDOWN_RENDERED: Decode = Decode::markdown_rendered(false, false, Ruby::Both);

/// The views of a published file that the leak scan searches.
pub(crate) const HTML_VIEWS: [Decode; 6] = [
    Decode::PLAIN,
    Decode::HTML_TEXT,
    Decode::HTML,
    Decode::HTML_RENDERED,
    Decode::HTML_RENDERED_BASE,
    Decode::HTML_RENDERED_ANNOTATIONS,
];
/// The views of markdown (or plain) text that the anonymiser searches:
/// those of the leak scan (raw HTML inside markdown follows browser rules)
/// and markdown's own, so that the scan does not find a name in a page
/// rendered from anonymised markdown.
pub(crate) const MARKDOWN_VIEWS: [Decode; 20] = [
    Decode::PLAIN,
    Decode::HTML_TEXT,
    Decode::HTML,
    Decode::HTML_RENDERED,
    Decode::HTML_RENDERED_BASE,
    Decode::HTML_RENDERED_ANNOTATIONS,
    Decode::MARKDOWN_TEXT,
    Decode::MARKDOWN,
    Decode::markdown_rendered(false, false, Ruby::Both),
    Decode::markdown_rendered(false, true, Ruby::Both),
    Decode::markdown_rendered(true, false, Ruby::Both),
    Decode::markdown_rendered(true, true, Ruby::Both),
    Decode::markdown_rendered(false, false, Ruby::Base),
    Decode::markdown_rendered(false, true, Ruby::Base),
    Decode::markdown_rendered(true, false, Ruby::Base),
    Decode::markdown_rendered(true, true, Ruby::Base),
    Decode::markdown_rendered(false, false, Ruby::Annotations),
    Decode::markdown_rendered(false, true, Ruby::Annotations),
    Decode::markdown_rendered(true, false, Ruby::Annotations),
    Decode::markdown_rendered(true, true, Ruby::Annotations),
];

/// Does `text` hold a ruby annotation tag (`<rt`, `<rp`, `</rt`, ...)?
/// Without one, a view of the base text reads like its sibling and one of
/// the annotations reads nothing: neither need be searched.
pub(super) fn has_annotation(text: &str) -> bool {
    let b = text.as_bytes();
    memchr_iter(b'<', b).any(|i| {
        let rest = &b[i + 1..];
        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
        rest.len() >= 2 && rest[0].eq_ignore_ascii_case(&b'r') && matches!(rest[1], b't' | b'T' | b'p' | b'P')
    })
}

fn memchr_iter(needle: u8, hay: &[u8]) -> impl Iterator<Item = usize> + '_ {
    hay.iter()
        .enumerate()
        .filter(move |(_, b)| **b == needle)
        .map(|(i, _)| i)
}
