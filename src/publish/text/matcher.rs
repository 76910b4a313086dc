//! Compiled names and the [`Matcher`] that finds them in folded text.

use std::collections::HashMap;
use std::ops::Range;

use super::fold::{FoldedChar, boundary, fold_text, is_unspaced_script};
use super::views::{Decode, Ruby, has_annotation};

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
/// [`crate::publish::MIN_FORBIDDEN_WIDTH`]; the public leak scan searches every
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
