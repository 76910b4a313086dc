//! Finding names in text the way a reader would recognise them.
//!
//! Text goes through three steps before names are compared:
//!
//! 1. **Decoding** (optional): HTML character references (`&amp;`,
//!    `&#65;`, `&#x41;`, every named HTML5 entity), percent-encoding
//!    (`%41`, `%E6%A0%AA`) and, in markdown, backslash escapes (`\&`). A
//!    decoded character remembers the byte range of its source so that a
//!    match can be reported or replaced in the original text.
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
//!    optional too (`A&B` = `A & B`).
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
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Which encodings are decoded before matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decode {
    /// Nothing: the text as it is.
    Plain,
    /// CommonMark rules: character references need their `;`; backslash
    /// escapes; percent-encoding.
    Markdown,
    /// Browser rules: also the legacy references without `;` (`&amp`,
    /// `&eacute`) and numeric ones without `;`; percent-encoding.
    Html,
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
    /// Case of the source character (for camel-case boundaries).
    pub upper: bool,
    pub lower: bool,
}

/// Decodes and folds `text`.
pub(crate) fn fold_text(text: &str, mode: Decode) -> Vec<FoldedChar> {
    let mut out = Vec::with_capacity(text.len());
    let mut gap = false;
    decode(text, mode, |start, end, ch| {
        let (upper, lower) = (ch.is_uppercase(), ch.is_lowercase());
        fold_char(ch, &mut |f| match f {
            Folded::Gap => gap = true,
            Folded::Char(c) => {
                out.push(FoldedChar {
                    c,
                    start,
                    end,
                    gap_before: gap,
                    upper,
                    lower,
                });
                gap = false;
            }
        });
    });
    out
}

pub(crate) enum Folded {
    Char(char),
    Gap,
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
        if is_separator(d) {
            emit(Folded::Gap);
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
    if n.gap_before {
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

/// Calls `emit(start, end, ch)` for every character of `text` after
/// decoding (a character reference may yield two characters with the same
/// range).
pub(crate) fn decode(text: &str, mode: Decode, mut emit: impl FnMut(usize, usize, char)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let b = bytes[i];
        if mode != Decode::Plain {
            let consumed = match b {
                b'&' => decode_reference(text, i, mode, &mut emit),
                b'%' => decode_percent(text, i, &mut emit),
                b'\\' if mode == Decode::Markdown => match bytes.get(i + 1) {
                    Some(&p) if p.is_ascii_punctuation() => {
                        emit(i, i + 2, p as char);
                        Some(2)
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
        } else if mode == Decode::Markdown {
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
    if mode == Decode::Html {
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

/// Compiles a name; `None` when nothing of it is a letter or digit.
fn compile(name: &str) -> Option<Tokens> {
    let folded = fold_text(name, Decode::Plain);
    let first = folded.iter().position(|f| f.c.is_alphanumeric())?;
    let last = folded.iter().rposition(|f| f.c.is_alphanumeric())?;
    let f = &folded[first..=last];
    let toks = f
        .iter()
        .enumerate()
        .map(|(k, x)| {
            let gap_ok = k > 0 && (x.gap_before || !x.c.is_alphanumeric() || !f[k - 1].c.is_alphanumeric());
            (x.c, gap_ok)
        })
        .collect();
    Some(Tokens(toks))
}

/// How long a name reads, in columns: a character of an unspaced script
/// (a kanji, a kana) counts 2, others 1. `None` for a name that has no
/// letter or digit.
pub(crate) fn name_width(name: &str) -> Option<usize> {
    let toks = compile(name)?;
    Some(
        toks.0
            .iter()
            .map(|(c, _)| if is_unspaced_script(*c) { 2 } else { 1 })
            .sum(),
    )
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
    /// First folded character → patterns, longest first.
    by_first: HashMap<char, Vec<usize>>,
}

impl<T: Clone + PartialEq> Matcher<T> {
    /// Names that fold to the same pattern share it (and all their tags
    /// are reported). Names without a letter or digit are ignored.
    pub fn new<'a>(names: impl IntoIterator<Item = (&'a str, T)>) -> Self {
        let mut patterns: Vec<(Tokens, Vec<T>)> = Vec::new();
        for (name, tag) in names {
            let Some(toks) = compile(name) else { continue };
            match patterns.iter_mut().find(|(t, _)| *t == toks) {
                Some((_, tags)) => {
                    if !tags.contains(&tag) {
                        tags.push(tag)
                    }
                }
                None => patterns.push((toks, vec![tag])),
            }
        }
        let mut by_first: HashMap<char, Vec<usize>> = HashMap::new();
        for (i, (toks, _)) in patterns.iter().enumerate() {
            by_first.entry(toks.0[0].0).or_default().push(i);
        }
        for list in by_first.values_mut() {
            list.sort_by_key(|&i| (std::cmp::Reverse(patterns[i].0.0.len()), i));
        }
        Matcher { patterns, by_first }
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
                self.by_first
                    .get(&f[i].c)
                    .and_then(|cands| cands.iter().find_map(|&p| self.match_at(p, f, i).map(|end| (p, end))))
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

    /// The end (exclusive, in folded characters) of pattern `p` matched at
    /// `i`, if it matches there.
    fn match_at(&self, p: usize, f: &[FoldedChar], i: usize) -> Option<usize> {
        let mut j = i;
        for (k, &(c, gap_ok)) in self.patterns[p].0.0.iter().enumerate() {
            let x = f.get(j)?;
            if x.c != c || (k > 0 && x.gap_before && !gap_ok) {
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
        found(names, text, Decode::Plain)
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
        assert_eq!(plain(&["ACME"], "ACMEグループ"), ["ACME"]);
        // Half-width katakana and the voiced marks.
        assert_eq!(plain(&["サンプル"], "ｻﾝﾌﾟﾙ"), ["ｻﾝﾌﾟﾙ"]);
        assert!(plain(&["サンフ"], "サンプル").is_empty());
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
        let html = |t: &str| found(&["Acme", "A&B Co"], t, Decode::Html);
        assert_eq!(html("&#65;cme"), ["&#65;cme"]);
        assert_eq!(html("&#x41;&#X43;me"), ["&#x41;&#X43;me"]);
        assert_eq!(html("A&amp;B Co"), ["A&amp;B Co"]);
        assert_eq!(html("A&ampB Co"), ["A&ampB Co"]);
        assert_eq!(html("https://x.example/%41cme/"), ["%41cme"]);
        assert_eq!(html("&Aacute;cme"), ["&Aacute;cme"]);
        let ja = "%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE%E3%82%B5%E3%83%B3%E3%83%97%E3%83%AB";
        assert_eq!(found(&["株式会社サンプル"], ja, Decode::Html), [ja]);
        // Markdown needs the `;` and knows backslash escapes.
        assert!(found(&["Acme"], "&#65cme", Decode::Markdown).is_empty());
        assert_eq!(found(&["A&B Co"], "A\\&B Co", Decode::Markdown), ["A\\&B Co"]);
        // Not decoded in plain mode.
        assert!(plain(&["Acme"], "&#65;cme").is_empty());
    }

    #[test]
    fn invalid_percent_sequences_stay_text() {
        assert_eq!(found(&["Acme"], "100%ACME", Decode::Html), ["ACME"]);
        assert_eq!(found(&["Acme"], "%Acme %zz acme%", Decode::Html), ["Acme", "acme"]);
    }

    #[test]
    fn widths() {
        assert_eq!(name_width("HP"), Some(2));
        assert_eq!(name_width("東芝"), Some(4));
        assert_eq!(name_width("Ａｃ"), Some(2));
        assert_eq!(name_width(" Acme Inc. "), Some(7));
        assert_eq!(name_width("---"), None);
    }
}
