//! Finding names in text the way a reader would recognise them.
//!
//! Text goes through three steps before names are compared:
//!
//! 1. **Decoding**, in several *views* ([`Decode`]) since each sees names
//!    the others miss: as it is; HTML character references decoded
//!    (`&amp;`, `&#65;`, `&#x41;`, every named HTML5 entity);
//!    percent-encoding decoded (`%41`, `%E6%A0%AA`); tags and comments read
//!    through as a browser renders them (`Ac<em>me</em>`); in markdown,
//!    backslash escapes (`\&`) and markup (`Ac*me*`, `` `Ac`me ``). A
//!    decoded character remembers the byte range of its source so that a
//!    match can be reported or replaced in the original text. The
//!    anonymiser searches markdown in every view the leak scan uses on the
//!    rendered page and more (a property test renders anonymised markdown
//!    and scans it), so the scan does not flag what the anonymiser wrote.
//! 2. **Folding**, character by character: compatibility decomposition
//!    (NFKD, so full-width `Ａ`, half-width `ｻ`, ligatures and circled
//!    letters meet their plain forms, and composed and decomposed accents
//!    agree), lower case, accents of the Latin combining block dropped
//!    (`Müller` = `Muller`), default-ignorable characters (soft hyphen,
//!    zero-width space, ...) dropped, typographic apostrophes unified.
//!    Comparing NFKD-folded characters is the NFKC equivalence the SPEC asks
//!    for, made insensitive to case and diacritics as well.
//! 3. **Separators** (whitespace, `-`, `_`, `+`, dashes, `・`) are not
//!    characters but *gaps*: a separator in a name matches any run of
//!    separators in the text, or none (`Acme Corp` = `acme-corp` =
//!    `AcmeCorp` = `Acme\nCorp`); around punctuation in a name the gap is
//!    optional too (`A&B` = `A & B`), and so is it between two characters
//!    of a script written without spaces (`株式会社サンプル` =
//!    `株式会社 サンプル`, or broken across lines). No name spans a
//!    paragraph break (a blank line, a block-level HTML tag).
//!
//! A match must start and end on a word boundary where the script writes
//! spaces between words: `Acme` matches `Acme's`, `acme.com`, `ACME-2024`
//! and `AcmeCorp` (camel case), but not `Acmeville`, so short names do not
//! fire inside ordinary words. Scripts written without spaces (Han, kana,
//! Hangul, Thai, ...) need no boundary: `サンプル` is found inside
//! `株式会社サンプルの`. A match never ends in front of a combining mark
//! (`サ` is not `ザ`).

use std::collections::HashMap;
use std::ops::Range;

use markup5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

use crate::markdown::{Display, display_of};
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Which encodings are decoded before matching: a *view* of the text.
///
/// Different views see different names (`%41cme` decodes to a name,
/// `%41Acme` reads as one only undecoded), so a text is searched in several.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decode {
    references: References,
    /// `%XX` (UTF-8) decoded.
    percent: bool,
    /// Markdown backslash escapes (`\&`) and hard breaks (`\` + newline).
    backslash: bool,
    tags: Tags,
    /// Markdown markup (`*`, `_`, `~`, `` ` ``, `[`, `](destination)`, `>`
    /// at the start of a line) read as [`MARKUP`].
    markdown: bool,
    /// Every non-ASCII character read as `%` (a percent-encoded `href`).
    url_encoded: bool,
    /// With rendered tags: which text of ruby (`<ruby>三<rt>みつ</rt>井<rt>い</rt></ruby>`)
    /// is read. A browser shows the base text with its annotations
    /// (`<rt>`, `<rp>`, `<rtc>`) above it, so each line is a reading.
    ruby: Ruby,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ruby {
    /// Annotations are text of their own, beside the base: "三", "みつ",
    /// "井", "い".
    Both,
    /// The base text, annotations left out: "三井".
    Base,
    /// The annotations only, each ruby element on its own: "みつい".
    Annotations,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum References {
    None,
    /// CommonMark: only with their `;`.
    Strict,
    /// Browsers: also legacy named references and numeric ones without `;`.
    Legacy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tags {
    /// Tags are text.
    Text,
    /// Tags and comments left out as a reader of the page sees it: an inline
    /// tag or a comment joins its neighbours (`Ac<em>me</em>` reads "Acme"),
    /// `<br>` separates them like a space, an image or a block-level tag like
    /// a blank line.
    Rendered,
    /// As `Rendered`, in markdown: inline tags and comments are
    /// [`MARKUP`], and a comment inside a paragraph ends at a blank line.
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
    const fn markdown_rendered(open_comments: bool, percent: bool, ruby: Ruby) -> Decode {
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
fn has_annotation(text: &str) -> bool {
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

/// One folded character and where it came from.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FoldedChar {
    pub c: char,
    /// Byte range in the original text of the (decoded) character this
    /// folded character comes from.
    pub start: usize,
    pub end: usize,
    /// A separator (or several) stands between this character and the
    /// previous one.
    pub gap_before: bool,
    /// A paragraph break (a blank line, a block-level tag) stands between
    /// this character and the previous one: no name spans it.
    pub hard_before: bool,
    /// Markdown markup stands between this character and the previous one:
    /// a name may run through it, and it is a word boundary as well.
    pub markup_before: bool,
    /// Case of the source character (for camel-case boundaries).
    pub upper: bool,
    pub lower: bool,
}

/// Decodes and folds `text`.
pub(crate) fn fold_text(text: &str, mode: Decode) -> Vec<FoldedChar> {
    let mut out = Vec::with_capacity(text.len());
    let (mut gap, mut hard, mut markup, mut newlines) = (false, false, false, 0);
    decode(text, mode, |start, end, ch| {
        let (upper, lower) = (ch.is_uppercase(), ch.is_lowercase());
        fold_char(ch, &mut |f| match f {
            Folded::Gap { newline } => {
                gap = true;
                newlines += usize::from(newline);
                hard |= newlines >= 2;
            }
            Folded::Break => (gap, hard) = (true, true),
            Folded::Markup => markup = true,
            Folded::Char(c) => {
                out.push(FoldedChar {
                    c,
                    start,
                    end,
                    gap_before: gap,
                    hard_before: hard,
                    markup_before: markup,
                    upper,
                    lower,
                });
                (gap, hard, markup, newlines) = (false, false, false, 0);
            }
        });
    });
    out
}

pub(crate) enum Folded {
    Char(char),
    /// A separator (`newline`: a line break).
    Gap {
        newline: bool,
    },
    /// A paragraph break (U+2029, which decoding emits for block-level
    /// tags).
    Break,
    /// Markdown markup ([`MARKUP`]).
    Markup,
}

/// Folds one character (see the module docs); `emit` receives nothing for
/// an ignorable character, one or more characters, or a gap.
pub(crate) fn fold_char(ch: char, emit: &mut impl FnMut(Folded)) {
    let ch = match ch {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{FF07}' => '\'',
        // Spacing (Japanese) voiced marks decompose to a space plus the
        // combining mark; keep only the mark.
        '\u{309B}' => '\u{3099}',
        '\u{309C}' => '\u{309A}',
        c => c,
    };
    decompose_compatible(ch, |d| {
        if d == '\u{2029}' {
            emit(Folded::Break);
            return;
        }
        if d == MARKUP {
            emit(Folded::Markup);
            return;
        }
        if is_separator(d) {
            emit(Folded::Gap {
                newline: matches!(d, '\n' | '\u{2028}' | '\u{85}'),
            });
            return;
        }
        if is_ignorable(d) || is_latin_accent(d) {
            return;
        }
        for l in d.to_lowercase() {
            match l {
                'ß' => {
                    emit(Folded::Char('s'));
                    emit(Folded::Char('s'));
                }
                'ς' => emit(Folded::Char('σ')),
                c if is_latin_accent(c) => {}
                c => emit(Folded::Char(c)),
            }
        }
    });
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '_' | '+' | '\u{00B7}' | '\u{2010}'..='\u{2015}' | '\u{2027}' | '\u{2212}' | '\u{30FB}' | '\u{FF65}'
        )
}

fn is_latin_accent(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Unicode's Default_Ignorable_Code_Point: invisible in a browser, so they
/// must not hide a name (`Ac\u{AD}me` reads "Acme").
fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Scripts written without spaces between words: no word boundary is
/// required around a name in them.
pub(crate) fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'       // Thai, Lao
        | '\u{1000}'..='\u{109F}'     // Myanmar
        | '\u{1100}'..='\u{11FF}'     // Hangul Jamo
        | '\u{1780}'..='\u{17FF}'     // Khmer
        | '\u{2E80}'..='\u{2FDF}'     // CJK radicals
        | '\u{3005}'..='\u{3007}' | '\u{3021}'..='\u{3029}' | '\u{3038}'..='\u{303C}'
        | '\u{3040}'..='\u{30FF}'     // Hiragana, Katakana
        | '\u{3130}'..='\u{318F}'     // Hangul compatibility Jamo
        | '\u{31F0}'..='\u{31FF}'     // Katakana extensions
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{A960}'..='\u{A97F}'
        | '\u{AC00}'..='\u{D7FF}'     // Hangul syllables, Jamo extended
        | '\u{F900}'..='\u{FAFF}' | '\u{FF66}'..='\u{FF9F}'
        | '\u{20000}'..='\u{3FFFF}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Other,
}

fn class(c: char) -> Class {
    if c.is_numeric() {
        Class::Digit
    } else if c.is_alphabetic() && !is_unspaced_script(c) {
        Class::Letter
    } else {
        Class::Other
    }
}

/// Is there a word boundary between `prev` and `next` (either may be the
/// edge of the text)?
fn boundary(prev: Option<&FoldedChar>, next: Option<&FoldedChar>) -> bool {
    let (Some(p), Some(n)) = (prev, next) else { return true };
    if n.gap_before || n.markup_before {
        return true;
    }
    if is_combining_mark(n.c) {
        return false;
    }
    let (cp, cn) = (class(p.c), class(n.c));
    if cp != cn || cp == Class::Other {
        return true;
    }
    cp == Class::Letter && p.lower && n.upper
}

// ---------------------------------------------------------------- decoding

/// Stands for markdown markup (`*`, `` ` ``, `[`, inline tags, ...) in the
/// rendered markdown view: a name may run through it (`Ac*me*` renders
/// "Ac<em>me</em>"), and it may also end a word (`` `Ac`me[x] `` renders
/// "Acme[x]"), so both readings are searched at once. A noncharacter, never
/// in real text.
pub(crate) const MARKUP: char = '\u{FDD0}';

/// Calls `emit(start, end, ch)` for every character of `text` after
/// decoding (a character reference may yield two characters with the same
/// range).
pub(crate) fn decode(text: &str, mode: Decode, mut emit_decoded: impl FnMut(usize, usize, char)) {
    let url_encoded = mode.url_encoded;
    // Text that the view leaves out (annotations of the base text, or
    // everything but annotations): characters are dropped, paragraph breaks
    // are not.
    let outside_annotations_hidden = mode.ruby == Ruby::Annotations;
    let hidden = std::cell::Cell::new(outside_annotations_hidden);
    let mut emit = |s, e, c: char| {
        if !hidden.get() || c == '\u{2029}' {
            emit_decoded(s, e, if url_encoded && !c.is_ascii() { '%' } else { c })
        }
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let b = bytes[i];
        if mode != Decode::PLAIN {
            let open_comments = mode.tags == Tags::MarkdownOpenComments;
            let consumed = match b {
                b'&' if mode.references != References::None => decode_reference(text, i, mode, &mut emit),
                b'<' if open_comments && text[i..].starts_with("<!--") => {
                    emit(i, i + 4, MARKUP);
                    Some(4)
                }
                b'-' if open_comments && text[i..].starts_with("-->") => {
                    emit(i, i + 3, MARKUP);
                    Some(3)
                }
                b'<' if mode.tags != Tags::Text => skip_tag(text, i, mode.markdown).map(|(len, tag)| {
                    let (s, e) = (i, i + len);
                    match tag {
                        Tag::Comment => {
                            if mode.markdown {
                                emit(s, e, MARKUP)
                            }
                        }
                        Tag::Element { name, closing } => match display_of(&name, mode.markdown) {
                            Display::LineBreak => emit(s, e, ' '),
                            Display::Block => {
                                hidden.set(outside_annotations_hidden);
                                emit(s, e, '\u{2029}')
                            }
                            Display::Inline if name == "ruby" && closing => {
                                hidden.set(outside_annotations_hidden);
                                // The annotations of one ruby element do
                                // not run on into the next one's.
                                emit(
                                    s,
                                    e,
                                    if mode.ruby == Ruby::Annotations {
                                        '\u{2029}'
                                    } else {
                                        MARKUP
                                    },
                                )
                            }
                            Display::Inline => {
                                if mode.markdown {
                                    emit(s, e, MARKUP)
                                }
                            }
                            // A word boundary, and a name may run through
                            // it: base and annotation sit side by side.
                            Display::Annotation => {
                                match mode.ruby {
                                    Ruby::Both => {}
                                    Ruby::Base => hidden.set(!closing),
                                    Ruby::Annotations => hidden.set(closing),
                                }
                                emit(s, e, MARKUP)
                            }
                        },
                    }
                    len
                }),
                // Code spans: the backticks and one space or line break
                // next to them (stripped from the code).
                b'`' if mode.markdown => {
                    let run = text[i..].bytes().take_while(|b| *b == b'`').count();
                    let after = if matches!(bytes.get(i + run), Some(b' ' | b'\n')) {
                        1
                    } else {
                        0
                    };
                    emit(i, i + run + after, MARKUP);
                    Some(run + after)
                }
                b' ' | b'\n' if mode.markdown && bytes.get(i + 1) == Some(&b'`') => {
                    emit(i, i + 1, MARKUP);
                    Some(1)
                }
                b'*' | b'_' | b'~' | b'[' if mode.markdown => {
                    emit(i, i + 1, MARKUP);
                    Some(1)
                }
                // A block quote marker: as the start of a line.
                b'>' if mode.markdown && at_line_start(text, i, &[' ', '>']) => {
                    emit(i, i + 1, ' ');
                    Some(1)
                }
                b'!' if mode.markdown && bytes.get(i + 1) == Some(&b'[') => {
                    emit(i, i + 1, MARKUP);
                    Some(1)
                }
                b']' if mode.markdown => {
                    let n = if open_comments { 1 } else { skip_link_end(text, i) };
                    emit(i, i + n, MARKUP);
                    Some(n)
                }
                b'%' if mode.percent => decode_percent(text, i, &mut emit),
                b'\\' if mode.backslash => match bytes.get(i + 1) {
                    // `\%20` renders `%20`, which is percent-decoded next.
                    Some(b'%') if mode.percent => Some(1),
                    Some(&p) if p.is_ascii_punctuation() => {
                        emit(i, i + 2, p as char);
                        Some(2)
                    }
                    // A hard line break.
                    Some(b'\n' | b'\r') => {
                        emit(i, i + 1, ' ');
                        Some(1)
                    }
                    _ => None,
                },
                _ => None,
            };
            if let Some(n) = consumed {
                i += n;
                continue;
            }
        }
        let ch = text[i..].chars().next().expect("i is on a char boundary");
        emit(i, i + ch.len_utf8(), ch);
        i += ch.len_utf8();
    }
}

/// Decodes a character reference at `text[i] == '&'`; returns the bytes
/// consumed.
fn decode_reference(text: &str, i: usize, mode: Decode, emit: &mut impl FnMut(usize, usize, char)) -> Option<usize> {
    let rest = &text[i + 1..];
    if let Some(num) = rest.strip_prefix('#') {
        let (radix, prefix) = if num.starts_with(['x', 'X']) { (16, 1) } else { (10, 0) };
        let digits_len = num[prefix..]
            .bytes()
            .take_while(|b| (*b as char).is_digit(radix))
            .count();
        if digits_len == 0 {
            return None;
        }
        let mut len = 2 + prefix + digits_len;
        if text[i + len..].starts_with(';') {
            len += 1;
        } else if mode.references == References::Strict {
            return None;
        }
        let value = u32::from_str_radix(&num[prefix..prefix + digits_len], radix).unwrap_or(u32::MAX);
        let ch = match value {
            0x80..=0x9F => C1_REPLACEMENTS[(value - 0x80) as usize].unwrap_or('\u{FFFD}'),
            v => char::from_u32(v).filter(|c| *c != '\0').unwrap_or('\u{FFFD}'),
        };
        emit(i, i + len, ch);
        return Some(len);
    }
    let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if name_len == 0 || name_len > 40 {
        return None;
    }
    let mut emit_value = |len: usize, (a, b): (u32, u32)| {
        for cp in [a, b] {
            if let Some(c) = char::from_u32(cp).filter(|c| *c != '\0') {
                emit(i, i + len, c);
            }
        }
    };
    if rest[name_len..].starts_with(';') {
        if let Some(&v) = NAMED_ENTITIES.get(&rest[..name_len + 1]) {
            if v.0 != 0 {
                emit_value(name_len + 2, v);
                return Some(name_len + 2);
            }
        }
    }
    if mode.references == References::Legacy {
        // Legacy references without `;` (the table holds them as keys
        // without `;`; its other semicolon-less keys map to 0).
        for l in (1..=name_len).rev() {
            if let Some(&v) = NAMED_ENTITIES.get(&rest[..l]) {
                if v.0 != 0 {
                    emit_value(l + 1, v);
                    return Some(l + 1);
                }
            }
        }
    }
    None
}

/// Is `text[..i]`, from the start of its line, made of `chars` only?
fn at_line_start(text: &str, i: usize, chars: &[char]) -> bool {
    let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
    text[line_start..i].chars().all(|c| chars.contains(&c))
}

/// Skips the end of a markdown link or image at `text[i] == ']'`: the
/// bracket and a following `(destination)` or `[label]`.
fn skip_link_end(text: &str, i: usize) -> usize {
    let rest = &text[i + 1..];
    let (open, close) = match rest.as_bytes().first() {
        Some(b'(') => ('(', ')'),
        Some(b'[') => ('[', ']'),
        _ => return 1,
    };
    let mut depth = 0usize;
    for (k, c) in rest.char_indices() {
        match c {
            '\n' => return 1,
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return 1 + k + 1;
                }
            }
            _ => {}
        }
    }
    1
}

/// A tag read by [`skip_tag`].
enum Tag {
    Comment,
    /// `name` in lower case.
    Element {
        name: String,
        closing: bool,
    },
}

/// Reads a comment or a tag at `text[i] == '<'`: its length in bytes and
/// what it is (the caller reads it with [`display_of`]). In markdown, a
/// comment inside a paragraph ends at a blank line (it is then no comment
/// but text); one that starts a line is an HTML block and may span them.
fn skip_tag(text: &str, i: usize, markdown: bool) -> Option<(usize, Tag)> {
    let rest = &text[i..];
    if let Some(comment) = rest.strip_prefix("<!--") {
        let end = comment.find("-->")?;
        if markdown {
            let starts_block = at_line_start(text, i, &[' ', '>']);
            let lines: Vec<&str> = comment[..end].split('\n').collect();
            let blank_line = lines.len() > 2 && lines[1..lines.len() - 1].iter().any(|l| l.trim().is_empty());
            if blank_line && !starts_block {
                return None;
            }
        }
        return Some((4 + end + 3, Tag::Comment));
    }
    let closing = rest[1..].starts_with('/');
    let after = rest[1..].strip_prefix('/').unwrap_or(&rest[1..]);
    if !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_len = after
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .count();
    let name = after[..name_len].to_ascii_lowercase();
    let mut quote = None;
    for (k, c) in rest.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '<') => return None,
            (None, '>') => return Some((k + 1, Tag::Element { name, closing })),
            _ => {}
        }
    }
    None
}

/// Decodes a run of `%XX` at `text[i] == '%'` as UTF-8; a byte that is not
/// part of a valid character stays as its three source characters.
fn decode_percent(text: &str, i: usize, emit: &mut impl FnMut(usize, usize, char)) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::new();
    let mut j = i;
    while j + 2 < bytes.len() && bytes[j] == b'%' {
        let (h, l) = (bytes[j + 1], bytes[j + 2]);
        match ((h as char).to_digit(16), (l as char).to_digit(16)) {
            (Some(h), Some(l)) => decoded.push((h * 16 + l) as u8),
            _ => break,
        }
        j += 3;
    }
    if decoded.is_empty() {
        return None;
    }
    let mut k = 0;
    while k < decoded.len() {
        let width = utf8_width(decoded[k]);
        let ch = (width > 0 && k + width <= decoded.len())
            .then(|| std::str::from_utf8(&decoded[k..k + width]).ok())
            .flatten()
            .and_then(|s| s.chars().next());
        match ch {
            Some(c) => {
                emit(i + 3 * k, i + 3 * (k + width), c);
                k += width;
            }
            None => {
                let at = i + 3 * k;
                for (n, c) in text[at..at + 3].char_indices() {
                    emit(at + n, at + n + 1, c);
                }
                k += 1;
            }
        }
    }
    Some(3 * decoded.len())
}

fn utf8_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

// ---------------------------------------------------------------- matching

/// A compiled name: folded characters, each with "may a gap precede it".
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Tokens(Vec<(char, bool)>);

/// A name with fewer letters and digits than this is *short* (`HP`, `AU`,
/// `3M`, `三井`): it matches only as an exact run of its characters, with
/// no separator, space or line break inside (`H P` and `三 井` do not
/// count), so that two letters do not fire on every `a b` of a page. Case,
/// width and accents still fold, and in scripts written with spaces it
/// must still stand as a whole word (`HP` is not found in `HPE` or
/// `chip`).
pub(crate) const SHORT_NAME: usize = 3;

/// Compiles a name; `None` when nothing of it is a letter or digit.
fn compile(name: &str) -> Option<Tokens> {
    let folded = fold_text(name, Decode::PLAIN);
    let first = folded.iter().position(|f| f.c.is_alphanumeric())?;
    let last = folded.iter().rposition(|f| f.c.is_alphanumeric())?;
    let f = &folded[first..=last];
    let short = f.iter().filter(|x| x.c.is_alphanumeric()).count() < SHORT_NAME;
    let toks = f
        .iter()
        .enumerate()
        .map(|(k, x)| {
            let prev = f.get(k.wrapping_sub(1));
            let gap_ok = !short
                && prev.is_some_and(|p| {
                    x.gap_before
                        || !x.c.is_alphanumeric()
                        || !p.c.is_alphanumeric()
                        || (is_unspaced_script(x.c) && is_unspaced_script(p.c))
                });
            (x.c, gap_ok)
        })
        .collect();
    Some(Tokens(toks))
}

/// How long a name reads, in columns: a character of an unspaced script
/// (a kanji, a kana) counts 2, others 1. `None` for a name that has no
/// letter or digit. (The client edition's check skips names narrower than
/// [`super::MIN_FORBIDDEN_WIDTH`]; the public leak scan searches every
/// name, short ones as exact whole words.)
pub(crate) fn name_width(name: &str) -> Option<usize> {
    let toks = compile(name)?;
    Some(
        toks.0
            .iter()
            .map(|(c, _)| if is_unspaced_script(*c) { 2 } else { 1 })
            .sum(),
    )
}

/// Do two names compile to the same pattern (`Acme Corp`, `ACME-CORP`,
/// `ａｃｍｅ ｃｏｒｐ`)? Names without a letter or digit equal nothing.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    matches!((compile(a), compile(b)), (Some(x), Some(y)) if x == y)
}

/// One match: the byte range in the original text and the tags of every
/// name that compiles to the matched pattern.
#[derive(Debug)]
pub(crate) struct Hit<'m, T> {
    pub range: Range<usize>,
    pub tags: &'m [T],
}

/// A set of names, found leftmost-longest and without overlap.
#[derive(Clone, Debug)]
pub(crate) struct Matcher<T> {
    patterns: Vec<(Tokens, Vec<T>)>,
    /// The first (up to) three folded characters of a pattern → patterns,
    /// longest first. Keying on three characters keeps the candidates at a
    /// text position few even with tens of thousands of names.
    by_prefix: HashMap<Prefix, Vec<usize>>,
}

/// The first one, two or three characters of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Prefix {
    One(char),
    Two(char, char),
    Three(char, char, char),
}

fn prefix_of(toks: &Tokens) -> Prefix {
    match toks.0.as_slice() {
        [a] => Prefix::One(a.0),
        [a, b] => Prefix::Two(a.0, b.0),
        [a, b, c, ..] => Prefix::Three(a.0, b.0, c.0),
        [] => unreachable!("a compiled name has at least one character"),
    }
}

impl<T: Clone + PartialEq> Matcher<T> {
    /// Names that fold to the same pattern share it (and all their tags
    /// are reported). Names without a letter or digit are ignored.
    pub fn new<'a>(names: impl IntoIterator<Item = (&'a str, T)>) -> Self {
        let mut patterns: Vec<(Tokens, Vec<T>)> = Vec::new();
        let mut seen: HashMap<Tokens, usize> = HashMap::new();
        for (name, tag) in names {
            let Some(toks) = compile(name) else { continue };
            match seen.get(&toks) {
                Some(&i) => {
                    let tags = &mut patterns[i].1;
                    if !tags.contains(&tag) {
                        tags.push(tag)
                    }
                }
                None => {
                    seen.insert(toks.clone(), patterns.len());
                    patterns.push((toks, vec![tag]));
                }
            }
        }
        let mut by_prefix: HashMap<Prefix, Vec<usize>> = HashMap::new();
        for (i, (toks, _)) in patterns.iter().enumerate() {
            by_prefix.entry(prefix_of(toks)).or_default().push(i);
        }
        for list in by_prefix.values_mut() {
            list.sort_by_key(|&i| (std::cmp::Reverse(patterns[i].0.0.len()), i));
        }
        Matcher { patterns, by_prefix }
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Every match in folded text, leftmost-longest, not overlapping.
    pub fn find<'m>(&'m self, f: &[FoldedChar]) -> Vec<Hit<'m, T>> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < f.len() {
            let found = if boundary(i.checked_sub(1).map(|k| &f[k]), Some(&f[i])) {
                // Longest patterns first: those keyed on three characters,
                // then two, then one.
                let c = |k: usize| f.get(i + k).map(|x| x.c);
                let keys = [
                    c(1).zip(c(2)).map(|(b, d)| Prefix::Three(f[i].c, b, d)),
                    c(1).map(|b| Prefix::Two(f[i].c, b)),
                    Some(Prefix::One(f[i].c)),
                ];
                keys.into_iter().flatten().find_map(|key| {
                    self.by_prefix
                        .get(&key)
                        .and_then(|cands| cands.iter().find_map(|&p| self.match_at(p, f, i).map(|end| (p, end))))
                })
            } else {
                None
            };
            match found {
                Some((p, end)) => {
                    hits.push(Hit {
                        range: f[i].start..f[end - 1].end,
                        tags: &self.patterns[p].1,
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
        hits
    }

    /// Decodes, folds and searches `text`.
    pub fn find_in<'m>(&'m self, text: &str, mode: Decode) -> Vec<Hit<'m, T>> {
        if self.is_empty() {
            return Vec::new();
        }
        self.find(&fold_text(text, mode))
    }

    /// The hits of every view of `text` (a view may see a name that another
    /// does not: `%41cme` decodes to a name, `%41Acme` reads as one only
    /// undecoded). The same occurrence may be reported by several views.
    pub fn find_views<'m>(&'m self, text: &str, views: &[Decode]) -> Vec<Hit<'m, T>> {
        let ruby = views.iter().any(|v| v.ruby != Ruby::Both) && has_annotation(text);
        views
            .iter()
            .filter(|mode| ruby || mode.ruby == Ruby::Both)
            .flat_map(|mode| self.find_in(text, *mode))
            .collect()
    }

    /// The end (exclusive, in folded characters) of pattern `p` matched at
    /// `i`, if it matches there.
    fn match_at(&self, p: usize, f: &[FoldedChar], i: usize) -> Option<usize> {
        let mut j = i;
        for (k, &(c, gap_ok)) in self.patterns[p].0.0.iter().enumerate() {
            let x = f.get(j)?;
            if x.c != c || (k > 0 && (x.hard_before || (x.gap_before && !gap_ok))) {
                return None;
            }
            j += 1;
        }
        boundary(Some(&f[j - 1]), f.get(j)).then_some(j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(names: &[&str], text: &str, mode: Decode) -> Vec<String> {
        let m = Matcher::new(names.iter().map(|n| (*n, ())));
        m.find_in(text, mode)
            .into_iter()
            .map(|h| text[h.range].to_string())
            .collect()
    }

    fn plain(names: &[&str], text: &str) -> Vec<String> {
        found(names, text, Decode::PLAIN)
    }

    #[test]
    fn case_width_and_accents_fold() {
        assert_eq!(
            plain(&["Acme"], "ACME, Acme, acme and Ａｃｍｅ"),
            ["ACME", "Acme", "acme", "Ａｃｍｅ"]
        );
        assert_eq!(
            plain(&["Müller AG"], "MULLER AG and Mu\u{308}ller ag"),
            ["MULLER AG", "Mu\u{308}ller ag"]
        );
        assert_eq!(plain(&["Straße"], "STRASSE"), ["STRASSE"]);
    }

    #[test]
    fn separators_are_flexible() {
        assert_eq!(
            plain(
                &["Acme Corp"],
                "Acme Corp, acme-corp, AcmeCorp, Acme\n  Corp, acme_corp, Acme\u{A0}Corp"
            ),
            [
                "Acme Corp",
                "acme-corp",
                "AcmeCorp",
                "Acme\n  Corp",
                "acme_corp",
                "Acme\u{A0}Corp"
            ]
        );
        assert_eq!(plain(&["A&B Co."], "A & B Co is A&B co."), ["A & B Co", "A&B co"]);
        assert!(plain(&["Acme"], "Ac me").is_empty());
    }

    #[test]
    fn word_boundaries_in_spaced_scripts_only() {
        assert_eq!(
            plain(&["Acme"], "Acme's acme.com ACME-2024 AcmeCorp GoAcme"),
            ["Acme", "acme", "ACME", "Acme", "Acme"]
        );
        assert!(plain(&["Acme"], "Acmeville and Bacme and ACMECORP").is_empty());
        assert!(plain(&["Ion"], "information").is_empty());
        assert_eq!(plain(&["サンプル"], "株式会社サンプルの事例"), ["サンプル"]);
        assert_eq!(
            plain(&["株式会社サンプル"], "（株式会社サンプル）"),
            ["株式会社サンプル"]
        );
        assert_eq!(
            plain(&["株式会社サンプル"], "株式会社 サンプル、株式会社\nサンプル"),
            ["株式会社 サンプル", "株式会社\nサンプル"]
        );
        assert_eq!(plain(&["ACME"], "ACMEグループ"), ["ACME"]);
        // Half-width katakana and the voiced marks.
        assert_eq!(plain(&["サンプル"], "ｻﾝﾌﾟﾙ"), ["ｻﾝﾌﾟﾙ"]);
        assert!(plain(&["サンフ"], "サンプル").is_empty());
    }

    #[test]
    fn no_name_spans_a_paragraph_break() {
        assert!(plain(&["Acme Corp"], "Acme\n\nCorp").is_empty());
        assert!(plain(&["株式会社サンプル"], "株式会社\n \nサンプル").is_empty());
        assert_eq!(plain(&["Acme Corp"], "Acme\r\nCorp"), ["Acme\r\nCorp"]);
    }

    #[test]
    fn longest_name_first() {
        assert_eq!(
            plain(&["Acme", "Acme Holdings"], "Acme Holdings and Acme"),
            ["Acme Holdings", "Acme"]
        );
        assert_eq!(
            plain(&["サンプル", "株式会社サンプル"], "株式会社サンプル"),
            ["株式会社サンプル"]
        );
    }

    #[test]
    fn ignorable_characters_do_not_hide_a_name() {
        assert_eq!(
            plain(&["Acme"], "Ac\u{AD}me Ac\u{200B}me"),
            ["Ac\u{AD}me", "Ac\u{200B}me"]
        );
    }

    #[test]
    fn html_and_percent_encodings_are_decoded() {
        let html = |t: &str| found(&["Acme", "A&B Co"], t, Decode::HTML);
        assert_eq!(html("&#65;cme"), ["&#65;cme"]);
        assert_eq!(html("&#x41;&#X43;me"), ["&#x41;&#X43;me"]);
        assert_eq!(html("A&amp;B Co"), ["A&amp;B Co"]);
        assert_eq!(html("A&ampB Co"), ["A&ampB Co"]);
        assert_eq!(html("https://x.example/%41cme/"), ["%41cme"]);
        assert_eq!(html("&Aacute;cme"), ["&Aacute;cme"]);
        let ja = "%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE%E3%82%B5%E3%83%B3%E3%83%97%E3%83%AB";
        assert_eq!(found(&["株式会社サンプル"], ja, Decode::HTML), [ja]);
        // Markdown needs the `;` and knows backslash escapes.
        assert!(found(&["Acme"], "&#65cme", Decode::MARKDOWN).is_empty());
        assert!(found(&["Acme"], "&Aacutecme", Decode::MARKDOWN_TEXT).is_empty());
        assert_eq!(found(&["Acme"], "&Aacutecme", Decode::HTML_TEXT), ["&Aacutecme"]);
        // The text views leave percent-encoding alone.
        assert!(found(&["Acme"], "%41cme", Decode::HTML_TEXT).is_empty());
        assert!(found(&["Acme"], "%41cme", Decode::MARKDOWN_TEXT).is_empty());
        assert_eq!(found(&["Acme"], "%41cme", Decode::MARKDOWN), ["%41cme"]);
        assert_eq!(found(&["A&B Co"], "A\\&B Co", Decode::MARKDOWN), ["A\\&B Co"]);
        // Not decoded in plain mode.
        assert!(plain(&["Acme"], "&#65;cme").is_empty());
    }

    #[test]
    fn rendered_views_read_through_markup() {
        let html = |t: &str| found(&["Acme", "Acme Corp"], t, Decode::HTML_RENDERED);
        assert_eq!(html("<p>Ac<em class=\"x\">me</em></p>"), ["Ac<em class=\"x\">me"]);
        assert_eq!(html("Ac<!-- x -->me"), ["Ac<!-- x -->me"]);
        assert!(html("<td>Ac</td><td>me</td>").is_empty());
        assert_eq!(html("<p>Acme</p><p>Corp</p>"), ["Acme"]);
        assert_eq!(html("<p>Acme<br>Corp</p>"), ["Acme<br>Corp"]);
        assert_eq!(html("a < b and Acme > c"), ["Acme"]);
        // Ruby: the base text, the annotations, and each as text of its own.
        let ruby =
            "<p>x <ruby>三<rt>みつ</rt>井<rt>い</rt></ruby>と<ruby>Ac<rp>(</rp><rt>Acme</rt><rp>)</rp>me</ruby></p>";
        let views = |names: &[&str], mode| found(names, ruby, mode);
        assert_eq!(
            views(&["三井", "Acme"], Decode::HTML_RENDERED_BASE),
            ["三<rt>みつ</rt>井", "Ac<rp>(</rp><rt>Acme</rt><rp>)</rp>me"]
        );
        assert_eq!(
            views(&["みつい"], Decode::HTML_RENDERED_ANNOTATIONS),
            ["みつ</rt>井<rt>い"]
        );
        assert_eq!(views(&["Acme"], Decode::HTML_RENDERED), ["Acme"]);
        assert!(views(&["三井"], Decode::HTML_RENDERED).is_empty());
        assert!(views(&["いAc", "みつい"], Decode::HTML_RENDERED_BASE).is_empty());
        // The annotations of two ruby elements do not join.
        assert!(views(&["い(Acme"], Decode::HTML_RENDERED_ANNOTATIONS).is_empty());
        let md = |t: &str| found(&["Acme"], t, Decode::markdown_rendered(false, true, Ruby::Both));
        assert_eq!(md("Ac*me* and A`cm`e and A\\*cme"), ["Ac*me", "A`cm`e"]);
        assert_eq!(
            md("Ac[me](https://x.example/(y)) and ![A](z)cme"),
            ["Ac[me", "A](z)cme"]
        );
    }

    #[test]
    fn invalid_percent_sequences_stay_text() {
        assert_eq!(found(&["Acme"], "100%ACME", Decode::HTML), ["ACME"]);
        assert_eq!(found(&["Acme"], "%Acme %zz acme%", Decode::HTML), ["Acme", "acme"]);
    }

    #[test]
    fn short_names_match_as_exact_whole_words() {
        assert_eq!(
            plain(&["HP"], "HP, hp's ＨＰ (HP) HP-UX"),
            ["HP", "hp", "ＨＰ", "HP", "HP"]
        );
        assert!(plain(&["HP"], "H P, H-P, HPE, chip, php").is_empty());
        assert_eq!(plain(&["三井"], "三井住友の三井"), ["三井", "三井"]);
        assert!(plain(&["三井"], "三 井、三\n井").is_empty());
        assert_eq!(plain(&["A&B"], "A&B and a&b"), ["A&B", "a&b"]);
        assert!(plain(&["A&B"], "A & B").is_empty());
        // Three characters and more keep the flexible separators.
        assert_eq!(plain(&["三井物"], "三井 物"), ["三井 物"]);
        // Markup between the characters still joins them, as rendered.
        assert_eq!(found(&["HP"], "<b>H</b>P", Decode::HTML_RENDERED), ["H</b>P"]);
    }

    #[test]
    fn same_name_compares_compiled_patterns() {
        assert!(same_name("Acme Corp", "ACME-corp"));
        assert!(same_name("Ｚｅｐｈｙｒ", "zephyr"));
        assert!(!same_name("Zephyr", "Zephyrs"));
        assert!(!same_name("---", "---"));
    }
}
