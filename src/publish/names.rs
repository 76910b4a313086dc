//! Which names the leak scan searches for, and warnings about names that
//! identify more than one client.

use std::path::PathBuf;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::model::{Client, Project};

use super::text::same_name;

/// Words of a company name that say what kind of company it is, not which
/// one (compared without case and without a final `.` or `,`).
const LEGAL_FORMS: &[&str] = &[
    "ab",
    "ag",
    "bv",
    "co",
    "company",
    "corp",
    "corporation",
    "gk",
    "gmbh",
    "inc",
    "incorporated",
    "k.k",
    "kk",
    "limited",
    "llc",
    "llp",
    "lp",
    "ltd",
    "nv",
    "oy",
    "plc",
    "pte",
    "pty",
    "s.a",
    "sa",
    "sarl",
    "sas",
    "spa",
    "srl",
    "y.k",
    "yk",
];

/// Japanese legal forms, written before or after the name without a space.
const LEGAL_FORMS_JA: &[&str] = &[
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "(株)",
    "（株）",
    "㈱",
    "(有)",
    "（有）",
    "㈲",
];

/// The distinctive first word of a company name, without its legal form:
/// "Zephyr" of "Zephyr Widgets Inc.", "Hinode" of "Hinode Foods Co., Ltd.",
/// "サンプル" of "株式会社サンプル". `None` when that is the whole name
/// ("Zephyr", "サクラ化粧品": a name written without spaces has no first
/// word to take), or when it has fewer than three letters or digits (a
/// partial "AB" of "AB Foods" would fire on ordinary text; list it as an
/// `aka` to have it searched).
pub fn partial_name(name: &str) -> Option<String> {
    let mut rest = name.trim();
    loop {
        let before = rest;
        for form in LEGAL_FORMS_JA {
            rest = rest.strip_prefix(form).unwrap_or(rest).trim();
            rest = rest.strip_suffix(form).unwrap_or(rest).trim();
        }
        if rest == before {
            break;
        }
    }
    let mut words: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    let is_form = |w: &str| LEGAL_FORMS.contains(&w.to_lowercase().trim_end_matches('.'));
    // Legal forms end a Western name ("Co., Ltd."); only "The" leads one.
    while words.last().is_some_and(|w| is_form(w)) {
        words.pop();
    }
    let first = match words.as_slice() {
        [the, next, ..] if the.eq_ignore_ascii_case("the") => *next,
        [first, ..] => *first,
        [] => return None,
    };
    let letters = first.chars().filter(|c| c.is_alphanumeric()).count();
    (letters >= 3 && !same_name(first, name)).then(|| first.to_string())
}

/// The [`partial_name`] of a client unless `allow_words` holds it: the
/// anonymiser replaces it, and slugs may not contain it.
pub(crate) fn allowed_partial(c: &Client, allow_words: &[String]) -> Option<String> {
    partial_name(&c.name).filter(|p| !allow_words.iter().any(|w| same_name(w, p)))
}

/// The names the public site must not contain, per client (by id): for every
/// client that is *not* published under its own name on `today` — that is,
/// every client except those with a publishable story whose scope has
/// `"name"` — its name, every `aka` and its [`partial_name`], without
/// duplicates and without the words of `allow_words` in casebook.toml.
/// Names of any length are searched; short ones (`HP`, `三井`) only as exact
/// whole words (see the private `text` module's `SHORT_NAME`). A client
/// whose names are all allowed is listed with an empty list.
///
/// Clients without a story are included: the public site must not mention a
/// client who never consented to anything.
pub fn forbidden_names(project: &Project, today: Date) -> Vec<(String, Vec<String>)> {
    let allowed = &project.config.allow_words;
    let mut out: Vec<(String, Vec<String>)> = project
        .clients
        .par_iter()
        .filter(|c| {
            !c.story
                .as_ref()
                .is_some_and(|s| s.consent.is_publishable(today) && s.consent.allows("name"))
        })
        .map(|c| {
            let mut names: Vec<String> = Vec::new();
            let partial = partial_name(&c.name);
            for n in std::iter::once(&c.name).chain(&c.aka).chain(partial.as_ref()) {
                if !names.contains(n) && !allowed.iter().any(|w| same_name(w, n)) {
                    names.push(n.clone());
                }
            }
            (c.id.clone(), names)
        })
        .collect();
    out.sort();
    out
}

/// Warnings as `(path, message)`: a name or `aka` that another client also
/// has (after folding: `ZW`, `zw`). The anonymiser hides it for each of
/// them, but the public site cannot name the one without the other: a
/// story that may name one of them fails the leak scan as soon as it
/// mentions the shared spelling while the other is not published under its
/// name. Reported on the client that comes second in id order.
pub fn name_warnings(project: &Project) -> Vec<(PathBuf, String)> {
    let mut seen: Vec<(&str, &Client)> = Vec::new();
    let mut out = Vec::new();
    for c in &project.clients {
        let mut own: Vec<&str> = Vec::new();
        for n in std::iter::once(&c.name).chain(&c.aka) {
            if own.iter().any(|o| same_name(o, n)) {
                continue;
            }
            own.push(n);
            if let Some((_, other)) = seen.iter().find(|(s, _)| same_name(s, n)) {
                out.push((
                    PathBuf::from("data/clients").join(&c.id).join("client.toml"),
                    format!(
                        "`{n}` also names client `{}`: the anonymiser hides it for both, but a story that may show one client's name cannot print it while the other is not published under its name; give each client its own spellings",
                        other.id
                    ),
                ));
            }
        }
        seen.extend(own.into_iter().map(|n| (n, c)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_names_drop_the_legal_form() {
        let p = |n: &str| partial_name(n);
        assert_eq!(p("Zephyr Widgets Inc.").as_deref(), Some("Zephyr"));
        assert_eq!(p("Hinode Foods Co., Ltd.").as_deref(), Some("Hinode"));
        assert_eq!(p("The Acme Company").as_deref(), Some("Acme"));
        assert_eq!(p("Acme Inc.").as_deref(), Some("Acme"));
        assert_eq!(p("株式会社サンプル").as_deref(), Some("サンプル"));
        assert_eq!(p("サンプル株式会社").as_deref(), Some("サンプル"));
        assert_eq!(p("㈱ゼファー 東京").as_deref(), Some("ゼファー"));
        // The whole name, no first word, too short.
        assert_eq!(p("Zephyr"), None);
        assert_eq!(p("サクラ化粧品"), None);
        assert_eq!(p("A1 Foods"), None);
        assert_eq!(p("AB Foods"), None);
        assert_eq!(p("Foods AB").as_deref(), Some("Foods"));
        assert_eq!(p("Co-op Kobe Inc.").as_deref(), Some("Co-op"));
        assert_eq!(p("Inc."), None);
    }
}
