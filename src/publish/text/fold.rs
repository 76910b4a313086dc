//! Folding decoded characters (case, width, accents, ignorables,
//! separators) and the word boundaries between them.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use super::decode::{MARKUP, decode};
use super::views::Decode;

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
pub(super) fn boundary(prev: Option<&FoldedChar>, next: Option<&FoldedChar>) -> bool {
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
