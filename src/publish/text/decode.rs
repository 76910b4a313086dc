//! Reading a text in one view: character references, percent-encoding,
//! backslash escapes, tags and markdown markup decoded, each decoded
//! character with the byte range of its source.

use std::cell::Cell;

use markup5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

use super::views::{Decode, References, Ruby, Tags};
use crate::markdown::{Display, display_of};

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
    let hidden = Cell::new(mode.ruby == Ruby::Annotations);
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
                    emit_tag(tag, i, i + len, mode, &hidden, &mut emit);
                    len
                }),
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
                _ if mode.markdown => decode_markup(text, i, open_comments, &mut emit),
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

/// Emits what a tag or comment at `text[s..e]` (read by [`skip_tag`])
/// stands for in the view `mode`, and updates `hidden`: whether the text
/// after it is left out of the view (see [`Ruby`]).
fn emit_tag(
    tag: Tag,
    s: usize,
    e: usize,
    mode: Decode,
    hidden: &Cell<bool>,
    emit: &mut impl FnMut(usize, usize, char),
) {
    let outside_annotations_hidden = mode.ruby == Ruby::Annotations;
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
}

/// Reads the markdown markup at `text[i]`, if any (in a view that reads
/// markdown): emits what it stands for and returns the bytes consumed.
fn decode_markup(
    text: &str,
    i: usize,
    open_comments: bool,
    emit: &mut impl FnMut(usize, usize, char),
) -> Option<usize> {
    let bytes = text.as_bytes();
    match bytes[i] {
        // Code spans: the backticks and one space or line break
        // next to them (stripped from the code).
        b'`' => {
            let run = text[i..].bytes().take_while(|b| *b == b'`').count();
            let after = if matches!(bytes.get(i + run), Some(b' ' | b'\n')) {
                1
            } else {
                0
            };
            emit(i, i + run + after, MARKUP);
            Some(run + after)
        }
        b' ' | b'\n' if bytes.get(i + 1) == Some(&b'`') => {
            emit(i, i + 1, MARKUP);
            Some(1)
        }
        b'*' | b'_' | b'~' | b'[' => {
            emit(i, i + 1, MARKUP);
            Some(1)
        }
        // A block quote marker: as the start of a line.
        b'>' if at_line_start(text, i, &[' ', '>']) => {
            emit(i, i + 1, ' ');
            Some(1)
        }
        b'!' if bytes.get(i + 1) == Some(&b'[') => {
            emit(i, i + 1, MARKUP);
            Some(1)
        }
        b']' => {
            let n = if open_comments { 1 } else { skip_link_end(text, i) };
            emit(i, i + n, MARKUP);
            Some(n)
        }
        _ => None,
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
