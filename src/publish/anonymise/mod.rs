//! Replacing a client's real name and every `aka` by its public alias.

use std::ops::Range;

use crate::model::Client;

use super::text::{Decode, MARKDOWN_VIEWS, Matcher};

mod urls;

use urls::{Span, url_spans};

/// Replaces a client's real name and every `aka` with its alias.
///
/// Matching follows the rules of the private `text` module: case, width
/// (NFKC), accents, separators, HTML and percent encodings, and markdown or
/// HTML markup (`Ac*me*`, `Ac<em>me</em>`) do not hide a name; several
/// names are tried longest first; a name of a script written with spaces
/// must stand as a word (`Acme` is not replaced inside `Acmeville`), one
/// written without spaces (Japanese) is found anywhere. The text is searched
/// in every view the leak scan uses on the rendered page, so the scan does
/// not flag what the anonymiser wrote.
///
/// Everything outside a match is kept byte for byte. Within markdown:
///
/// * link text, image alt text, headings, emphasis: the alias replaces the
///   name in place;
/// * a link or image **destination** (`[x](https://acme.com)`, `[x]: url`,
///   `href="…"`, `src="…"`) that contains a name is replaced as a whole by
///   `#`: an anonymised story must not link to the client's site or logo, and
///   a name swapped inside a URL would point somewhere arbitrary;
/// * a bare URL, an autolink (`<https://acme.com>`), an e-mail address or a
///   domain (`acme.co.jp`) that contains a name is replaced as a whole by the
///   alias.
///
/// The alias is capitalised when it starts a sentence, a heading, a list
/// item or a paragraph ("Acme cut costs" → "A mid-sized manufacturer cut
/// costs"); it is inserted as is everywhere else.
///
/// The client id is *not* replaced: it is an internal folder name that may be
/// an ordinary word; [`super::public_slug`] and [`super::validate_stories`]
/// keep it out of URLs.
#[derive(Clone, Debug)]
pub struct Anonymiser {
    alias: String,
    matcher: Matcher<()>,
}

impl Anonymiser {
    /// The anonymiser of a client: its `name`, every `aka` and its
    /// [`super::partial_name`] ("Zephyr" of "Zephyr Widgets Inc.") unless
    /// `allow_words` holds it, replaced by [`Client::public_alias`] (a blank
    /// alias counts as none: "a client").
    pub fn for_client(c: &Client, allow_words: &[String]) -> Self {
        let mut alias = c.public_alias();
        if alias.trim().is_empty() {
            alias = "a client".to_string();
        }
        let partial = super::names::allowed_partial(c, allow_words);
        Self::new(
            std::iter::once(c.name.as_str())
                .chain(c.aka.iter().map(String::as_str))
                .chain(partial.as_deref()),
            alias,
        )
    }

    /// An anonymiser of arbitrary names (all replaced by `alias`).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>, alias: impl Into<String>) -> Self {
        Anonymiser {
            alias: alias.into(),
            matcher: Matcher::new(names.into_iter().map(|n| (n, ()))),
        }
    }

    /// The text that replaces the names.
    pub fn alias(&self) -> &str {
        &self.alias
    }

    /// Does `text` contain one of the names?
    pub fn matches(&self, text: &str) -> bool {
        !self.edits(text).is_empty()
    }

    /// Byte ranges of the names in `text`, searched as it is, as markdown
    /// shows it (references and escapes decoded) and with percent-encoding
    /// decoded too: rendered, the page is searched in the same views.
    fn hits(&self, text: &str) -> Vec<Range<usize>> {
        self.matcher
            .find_views(text, &MARKDOWN_VIEWS)
            .into_iter()
            .map(|h| h.range)
            .collect()
    }

    /// `text` (plain text or markdown) with every occurrence of the names
    /// replaced.
    ///
    /// Replacing can change what surrounds another spelling (in `ACME&#65;cme`
    /// only `ACME` stands as a word, but once it is replaced, `&#65;cme` does),
    /// so replacement repeats until nothing is found (a few rounds at most;
    /// once only when the alias itself contains a name, which
    /// [`super::validate_stories`] reports).
    pub fn apply(&self, text: &str) -> String {
        let edits = self.edits(text);
        if edits.is_empty() {
            return text.to_string();
        }
        let mut out = self.replace(text, edits);
        if self.matches(&self.alias) {
            return out;
        }
        for _ in 0..16 {
            let edits = self.edits(&out);
            if edits.is_empty() {
                break;
            }
            out = self.replace(&out, edits);
        }
        out
    }

    /// What to replace in `text`: sorted, not overlapping. A name inside a
    /// URL-like span takes the whole span; URL-like spans are also searched
    /// as the rendered, percent-encoded `href` will read.
    fn edits(&self, text: &str) -> Vec<(Range<usize>, Span)> {
        let hits = self.hits(text);
        let spans = url_spans(text);
        let mut edits: Vec<(Range<usize>, Span)> = hits
            .into_iter()
            .map(|mut range| {
                let mut kind = Span::Text;
                for (s, k) in &spans {
                    // A name that runs through a link (`[Zephyr](a) [Widgets](b)`)
                    // keeps the link: see `Self::rewrite`.
                    let runs_through = *k == Span::Destination
                        && range.start < s.start
                        && s.end < range.end
                        && text[..s.start].trim_end_matches([' ', '\t']).ends_with("](");
                    if !runs_through && s.start < range.end && range.start < s.end {
                        range = range.start.min(s.start)..range.end.max(s.end);
                        kind = *k;
                    }
                }
                if kind != Span::Destination {
                    range = balance_delimiters(text, range);
                }
                (range, kind)
            })
            .collect();
        for (s, k) in &spans {
            if !self.matcher.find_in(&text[s.clone()], Decode::URL_ENCODED).is_empty() {
                edits.push((s.clone(), *k));
            }
        }
        edits.sort_by_key(|(r, _)| (r.start, r.end));
        let mut merged: Vec<(Range<usize>, Span)> = Vec::new();
        for (r, k) in edits {
            match merged.last_mut() {
                Some((last, lk)) if r.start < last.end => {
                    // A destination inside a name's text is rewritten with
                    // it (`Self::rewrite`); one that reaches past it takes
                    // the whole.
                    if k == Span::Destination && r.end > last.end {
                        *lk = k;
                    }
                    last.end = last.end.max(r.end);
                }
                _ => merged.push((r, k)),
            }
        }
        merged
    }

    /// `text` with `edits` (of [`Self::edits`]) made.
    fn replace(&self, text: &str, edits: Vec<(Range<usize>, Span)>) -> String {
        let mut out = String::with_capacity(text.len() + edits.len() * self.alias.len());
        let mut at = 0;
        for (r, kind) in edits {
            if r.start < at {
                // Inside an empty link removed with the previous edit.
                continue;
            }
            out.push_str(&text[at..r.start]);
            at = r.end;
            match kind {
                Span::Destination => out.push('#'),
                Span::Text | Span::Inline => {
                    let alias = if starts_sentence(text, r.start) {
                        capitalise(&self.alias)
                    } else {
                        self.alias.clone()
                    };
                    out.push_str(&self.rewrite(text, r, &alias));
                    // A link whose text was all name would be left empty
                    // (`[](b)`): it goes with it.
                    if out.ends_with('[') && text[at..].starts_with("](") {
                        if let Some(close) = destination_end(text, at + 2) {
                            out.pop();
                            if out.ends_with('!') {
                                out.pop();
                            }
                            at = close + 1;
                        }
                    }
                }
            }
        }
        out.push_str(&text[at.min(text.len())..]);
        out
    }

    /// The replacement of the name at `r`: the alias, and the link syntax
    /// the name runs through. `Zephyr](a) [Widgets` (of
    /// `[Zephyr](a) [Widgets](b)`) becomes `alias](a)[`, so that the first
    /// link carries the alias and no bracket is left unmatched; a
    /// destination that holds a name itself becomes `#`. Emphasis and other
    /// text inside the name go.
    fn rewrite(&self, text: &str, r: Range<usize>, alias: &str) -> String {
        let span = &text[r.clone()];
        if !span.contains(['[', ']']) {
            return alias.to_string();
        }
        let mut out = String::new();
        let mut placed = false;
        let mut k = 0;
        while k < span.len() {
            let rest = &span[k..];
            if rest.starts_with("](") {
                if let Some(close) = destination_end(text, r.start + k + 2).filter(|c| *c < r.end) {
                    let dest = &text[r.start + k + 2..close];
                    if !placed {
                        out.push_str(alias);
                        placed = true;
                    }
                    out.push_str("](");
                    if self.matcher.find_views(dest, &MARKDOWN_VIEWS).is_empty()
                        && self.matcher.find_in(dest, Decode::URL_ENCODED).is_empty()
                    {
                        out.push_str(dest);
                    } else {
                        out.push('#');
                    }
                    out.push(')');
                    k = close + 1 - r.start;
                    continue;
                }
            }
            if rest.starts_with("![") || rest.starts_with('[') {
                let n = if rest.starts_with('!') { 2 } else { 1 };
                out.push_str(&rest[..n]);
                k += n;
                continue;
            }
            let ch = rest.chars().next().expect("k is on a char boundary");
            if !placed && ch.is_alphanumeric() {
                out.push_str(alias);
                placed = true;
            }
            k += ch.len_utf8();
        }
        if !placed {
            out.insert_str(0, alias);
        }
        out
    }
}

/// The `)` that closes an inline link destination starting at `start`
/// (after `](`), skipping nested parentheses and a quoted title.
fn destination_end(text: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (k, ch) in text[start..].char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if k > 0 => quote = Some(ch),
            (None, '\n') => return None,
            (None, '(') => depth += 1,
            (None, ')') if depth == 0 => return Some(start + k),
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `r` grown over emphasis or code delimiters next to it (`*`, `_`, `~`,
/// `` ` ``) while the name inside holds an odd number of them: replacing
/// `Cos*metics` of `Cos*metics*` must not leave the closing `*` behind.
/// An `_` between two letters or digits is text, not a delimiter.
fn balance_delimiters(text: &str, mut r: Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    let is_word = |i: Option<&u8>| i.is_some_and(|c| c.is_ascii_alphanumeric() || *c >= 0x80);
    for d in [b'*', b'_', b'~', b'`'] {
        loop {
            let n = (r.start..r.end)
                .filter(|&i| {
                    b[i] == d && !(d == b'_' && is_word(i.checked_sub(1).map(|j| &b[j])) && is_word(b.get(i + 1)))
                })
                .count();
            if n % 2 == 0 {
                break;
            }
            if b.get(r.end) == Some(&d) {
                r.end += 1;
            } else if r.start > 0 && b[r.start - 1] == d {
                r.start -= 1;
            } else {
                break;
            }
        }
    }
    r
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
        _ => s.to_string(),
    }
}

/// Characters that may stand between a sentence start and a word:
/// spaces, emphasis, brackets, quotes, heading and quote markers.
const OPENERS: &[char] = &[
    ' ', '\t', '*', '_', '~', '[', '(', '"', '\'', '“', '‘', '「', '『', '`', '#', '>', '!',
];
const TERMINATORS: &[char] = &['.', '!', '?', '。', '！', '？'];

/// Does a word at `pos` start a sentence (or a heading, list item or
/// paragraph)?
fn starts_sentence(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..pos];
    let only_markers = prefix
        .chars()
        .all(|c| OPENERS.contains(&c) || "-+.)".contains(c) || c.is_ascii_digit());
    if only_markers {
        if prefix.trim_start().starts_with(['#', '>', '-', '+', '*'])
            || prefix.trim_start().starts_with(|c: char| c.is_ascii_digit())
        {
            return true;
        }
        if line_start == 0 {
            return true;
        }
        let previous = text[..line_start - 1].rsplit('\n').next().unwrap_or("").trim();
        return previous.is_empty() || previous.ends_with(TERMINATORS) || previous.starts_with('#');
    }
    let before = prefix.trim_end_matches(OPENERS);
    before.len() < prefix.len() && before.ends_with(TERMINATORS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anon() -> Anonymiser {
        Anonymiser::new(["Acme Corporation", "Acme", "ACME Corp."], "a mid-sized manufacturer")
    }

    fn assert_clean(out: &str) {
        assert!(!out.to_lowercase().contains("acme"), "{out}");
        assert!(!out.contains("Ａｃｍｅ"), "{out}");
    }

    #[test]
    fn every_spelling_is_replaced() {
        let a = anon();
        assert_eq!(
            a.apply("We met ACME, Acme and Ａｃｍｅ."),
            "We met a mid-sized manufacturer, a mid-sized manufacturer and a mid-sized manufacturer."
        );
        assert_eq!(
            a.apply("Acme Corporation and ACME Corp and Acme corp."),
            "A mid-sized manufacturer and a mid-sized manufacturer and a mid-sized manufacturer."
        );
    }

    #[test]
    fn emphasis_inside_a_name_leaves_no_stray_delimiter() {
        let a = Anonymiser::new(["Sakura Cosmetics"], "a brand");
        assert_eq!(a.apply("Sak**ura** Cos*metics* grew."), "A brand grew.");
        assert_eq!(a.apply("We met *Sak*ura Cosmetics."), "We met a brand.");
        assert_eq!(a.apply("We met `Sakura` Cosmetics."), "We met a brand.");
        assert_eq!(a.apply("**Sakura Cosmetics** grew"), "**A brand** grew");
        // An underscore between letters is text, not emphasis.
        let a = Anonymiser::new(["sakura_cosmetics"], "a brand");
        assert_eq!(a.apply("see sakura_cosmetics_jp"), "see a brand_jp");
    }

    #[test]
    fn a_name_running_through_links_keeps_the_first_link() {
        let a = Anonymiser::new(["Zephyr Widgets"], "a widget maker");
        assert_eq!(
            a.apply("We met [Zephyr](https://a.example/) [Widgets](https://b.example/) staff."),
            "We met [a widget maker](https://a.example/) staff."
        );
        assert_eq!(
            a.apply("[Zephyr](https://a.example/ \"title\") [Widgets staff](https://b.example/)"),
            "[A widget maker](https://a.example/ \"title\")[ staff](https://b.example/)"
        );
        // A destination naming the client still goes.
        assert_eq!(
            a.apply("[Zephyr](https://zephyr-widgets.example/) [Widgets](https://b.example/)"),
            "[A widget maker](#)"
        );
    }

    #[test]
    fn surrounding_text_is_kept_exactly() {
        let a = anon();
        let text = "  Before\t**Acme's** plan,\r\nafter — 30% → 45%  \n";
        assert_eq!(
            a.apply(text),
            "  Before\t**a mid-sized manufacturer's** plan,\r\nafter — 30% → 45%  \n"
        );
        assert_eq!(
            a.apply("no names here, Acmeville stays"),
            "no names here, Acmeville stays"
        );
    }

    #[test]
    fn sentence_starts_are_capitalised() {
        let a = anon();
        assert_eq!(a.apply("Acme cut costs"), "A mid-sized manufacturer cut costs");
        assert_eq!(
            a.apply("# Acme\n\n- Acme did\n1. Acme too"),
            "# A mid-sized manufacturer\n\n- A mid-sized manufacturer did\n1. A mid-sized manufacturer too"
        );
        assert_eq!(
            a.apply("It worked. Acme grew"),
            "It worked. A mid-sized manufacturer grew"
        );
        assert_eq!(
            a.apply("we worked with\nAcme on it"),
            "we worked with\na mid-sized manufacturer on it"
        );
        assert_eq!(a.apply("intro\n\nAcme did"), "intro\n\nA mid-sized manufacturer did");
        let ja = Anonymiser::new(["株式会社サンプル"], "ある製造業の企業");
        assert_eq!(ja.apply("株式会社サンプルは"), "ある製造業の企業は");
    }

    #[test]
    fn markdown_structures() {
        let a = anon();
        let md = "# Working with Acme\n\n![Acme logo](https://cdn.example/acme/logo.png \"ACME\")\n\n\
                  See [Acme's site](https://www.acme.com/about) or <https://acme.com>, write to info@acme.com \
                  or visit acme.co.jp. [More][acme]\n\n[acme]: https://acme.com/more\n\n\
                  <a href=\"https://acme.com\" title=\"Acme\">Ａｃｍｅ</a> <img src='/img/acme.png' alt=\"Acme\">\n\n\
                  ### Ａｃｍｅ　Corporation's results\n";
        let out = a.apply(md);
        assert_clean(&out);
        assert!(out.starts_with("# Working with a mid-sized manufacturer\n\n![A mid-sized manufacturer logo](# \"a mid-sized manufacturer\")"), "{out}");
        assert!(out.contains("See [a mid-sized manufacturer's site](#) or a mid-sized manufacturer, write to a mid-sized manufacturer"), "{out}");
        assert!(
            out.contains("[More][a mid-sized manufacturer]\n\n[A mid-sized manufacturer]: #\n"),
            "{out}"
        );
        assert!(out.contains("<a href=\"#\" title=\"a mid-sized manufacturer\">a mid-sized manufacturer</a> <img src='#' alt=\"a mid-sized manufacturer\">"), "{out}");
        assert!(out.contains("### A mid-sized manufacturer's results"), "{out}");
        // The rendered page is clean too, and the links still parse.
        let html = crate::markdown::to_safe_html(&out);
        assert_clean(&html);
        assert!(html.contains("href=\"#\""), "{html}");
    }

    #[test]
    fn links_without_the_name_are_kept() {
        let a = anon();
        let md = "[report](https://example.com/report.pdf) about Acme";
        assert_eq!(
            a.apply(md),
            "[report](https://example.com/report.pdf) about a mid-sized manufacturer"
        );
    }

    #[test]
    fn encoded_names_in_markdown() {
        let a = anon();
        assert_clean(&a.apply("&#65;cme and A&#x63;me and https://x.example/%41cme"));
        let ja = Anonymiser::new(["株式会社サンプル", "サンプル社"], "ある企業");
        let out = ja.apply("[株式会社サンプル](https://ja.example/wiki/%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE%E3%82%B5%E3%83%B3%E3%83%97%E3%83%AB) とｻﾝﾌﾟﾙ社");
        assert_eq!(out, "[ある企業](#) とある企業");
    }
}
