//! Every label of both sites in English and Japanese (`lang` in
//! casebook.toml), read from `i18n/labels.tsv`. Templates read them as
//! `t.<key>`.

use std::collections::BTreeMap;

/// The language of a site or a client (`lang` in casebook.toml and
/// client.toml).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// `en` or `ja`, as written in casebook.toml and client.toml.
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "ja" => Some(Lang::Ja),
            _ => None,
        }
    }

    /// Why `code` is not a language, for an error message.
    pub fn unknown(code: &str) -> String {
        format!("unknown lang `{code}`; expected \"en\" or \"ja\"")
    }
}

/// The labels: one `key<TAB>English<TAB>Japanese` line each; `#` starts
/// a comment line. Kept as data so that translators edit one table.
const LABELS_TSV: &str = include_str!("i18n/labels.tsv");

/// (key, English, Japanese), in file order.
fn table() -> &'static [(&'static str, &'static str, &'static str)] {
    static TABLE: std::sync::OnceLock<Vec<(&str, &str, &str)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        label_lines()
            .filter_map(|line| {
                let mut fields = line.split('\t');
                Some((fields.next()?, fields.next()?, fields.next()?))
            })
            .collect()
    })
}

/// The lines of the table that are labels (not comments or blank).
fn label_lines() -> impl Iterator<Item = &'static str> {
    LABELS_TSV
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
}

/// The labels of one language, for templates.
pub fn labels(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    table()
        .iter()
        .map(|(k, en, ja)| {
            (
                *k,
                match lang {
                    Lang::En => *en,
                    Lang::Ja => *ja,
                },
            )
        })
        .collect()
}

/// One label by key (for text built in Rust, e.g. chart titles); empty for
/// an unknown key (which tests catch: see `asked_unknown`).
pub fn label(lang: Lang, key: &str) -> &'static str {
    match table().iter().find(|(k, _, _)| *k == key) {
        Some((_, en, ja)) => match lang {
            Lang::En => en,
            Lang::Ja => ja,
        },
        None => {
            #[cfg(test)]
            ASKED_UNKNOWN
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key.to_string());
            ""
        }
    }
}

/// The unknown keys [`label`] was asked for by any test so far: a key built
/// at run time (`segment_{…}`, `kind_{…}`) that has no label.
#[cfg(test)]
static ASKED_UNKNOWN: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

#[cfg(test)]
pub(crate) fn asked_unknown() -> std::collections::BTreeSet<String> {
    ASKED_UNKNOWN.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every `t.<key>` of the templates.
    fn template_keys(text: &str, out: &mut BTreeSet<String>) {
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices("t.") {
            let word_before =
                i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'.');
            let key: String = text[i + 2..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !word_before && !key.is_empty() {
                out.insert(key);
            }
        }
    }

    /// Every `.t("<key>")` of the Rust code (keys built at run time are
    /// checked by the pages' tests through `asked_unknown`).
    fn code_keys(text: &str, out: &mut BTreeSet<String>) {
        for (i, pattern) in text.match_indices(".t(\"") {
            let rest = &text[i + pattern.len()..];
            if let Some(end) = rest.find('"') {
                out.insert(rest[..end].to_string());
            }
        }
    }

    fn keys_used(root: &Path) -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        for (dir, ext, scan) in [
            ("templates", "html", template_keys as fn(&str, &mut BTreeSet<String>)),
            ("templates", "xml", template_keys),
            ("src", "rs", code_keys),
        ] {
            for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
                // This file's own examples are no use of a key.
                let own = entry.path().ends_with("src/i18n.rs");
                if entry.path().extension().is_some_and(|e| e == ext) && !own {
                    let text = std::fs::read_to_string(entry.path()).expect("a source file reads");
                    scan(&text, &mut used);
                }
            }
        }
        used
    }

    fn missing(used: &BTreeSet<String>) -> Vec<String> {
        used.iter()
            .filter(|k| {
                !table()
                    .iter()
                    .any(|(key, en, ja)| key == k && !en.is_empty() && !ja.is_empty())
            })
            .cloned()
            .collect()
    }

    #[test]
    fn every_key_the_templates_and_pages_use_exists_in_both_languages() {
        let used = keys_used(Path::new(env!("CARGO_MANIFEST_DIR")));
        // The scan finds the keys (a broken scan would find none).
        assert!(
            used.contains("dashboard") && used.contains("break_even") && used.len() > 150,
            "{used:?}"
        );
        assert_eq!(
            missing(&used),
            Vec::<String>::new(),
            "keys without a label in en and ja"
        );
        // A key without a label is reported.
        let mut with_typo = used.clone();
        template_keys("{{ t.dashbaord }}", &mut with_typo);
        code_keys(r#"c.t("break_evn")"#, &mut with_typo);
        assert_eq!(missing(&with_typo), ["break_evn", "dashbaord"]);
    }

    #[test]
    fn keys_are_unique_and_translated() {
        let mut seen = BTreeSet::new();
        for line in label_lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(
                fields.len() == 3 && fields.iter().all(|f| !f.is_empty()),
                "not `key<TAB>English<TAB>Japanese`: {line:?}"
            );
            assert!(seen.insert(fields[0]), "duplicate label key {}", fields[0]);
        }
        assert_eq!(seen.len(), table().len());
    }
}
