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
//!
//! The parts: `views` (the [`Decode`] views), `decode` (reading a view),
//! `fold` (folding characters, word boundaries) and `matcher` (compiled
//! names and [`Matcher`]).

mod decode;
mod fold;
mod matcher;
mod views;

#[cfg(test)]
mod tests;

pub(crate) use fold::{Folded, fold_char};
pub(crate) use matcher::{Matcher, name_width, same_name};
pub(crate) use views::{Decode, HTML_VIEWS, MARKDOWN_RENDERED, MARKDOWN_VIEWS};
