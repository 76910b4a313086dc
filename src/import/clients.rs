//! Which client a name in an export is (SPEC §8): names are compared
//! folded (width, case, spaces and punctuation; legal forms and honorifics
//! removed) against every client's `name` and `aka`; `--map` decides the
//! rest; a new client gets a readable id.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::diag::Diagnostics;
use crate::hash::fnv1a32;
use crate::input::client_toml::parse_client_toml;
use crate::input::ids::is_valid_id;
use crate::input::rows::{Column, read_rows_with};

/// Legal-entity forms and honorifics written before or after a Japanese
/// company name (after NFKC, so `㈱` is `(株)`).
const JAPANESE_FORMS: &[&str] = &[
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "(株)",
    "(有)",
    "(同)",
    "御中",
    "様",
    "殿",
];

/// Latin legal forms, as whole words after folding (dots removed).
const LATIN_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "ltd",
    "limited",
    "co",
    "corp",
    "corporation",
    "kk",
    "gk",
    "gmbh",
    "ag",
    "sa",
    "sarl",
    "bv",
    "plc",
    "pty",
    "llp",
];

/// What makes two client names the same client: NFKC (full-width folded),
/// lowercase, legal forms and honorifics removed, then spaces and
/// punctuation removed. `(株)サンプル`, `株式会社サンプル 御中` and
/// `サンプル` fold alike, and so do `Acme, Inc.` and `ACME`.
pub fn fold_name(name: &str) -> String {
    let nfkc: String = name.nfkc().flat_map(char::to_lowercase).collect();
    let mut s = nfkc.trim().to_string();
    // Japanese forms, repeatedly at either end (`株式会社サンプル 御中`).
    loop {
        let before = s.clone();
        for form in JAPANESE_FORMS {
            if let Some(rest) = s.trim().strip_prefix(form) {
                s = rest.trim().to_string();
            }
            if let Some(rest) = s.trim().strip_suffix(form) {
                s = rest.trim().to_string();
            }
        }
        if s == before {
            break;
        }
    }
    // Latin forms as words: `k.k.` and `co.,` become `kk` and `co`.
    let words: Vec<String> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.chars().filter(|c| *c != '.').collect::<String>())
        .filter(|w| !w.is_empty())
        .collect();
    let mut kept: Vec<&str> = words.iter().map(String::as_str).collect();
    while kept.len() > 1 && kept.last().is_some_and(|w| LATIN_FORMS.contains(w)) {
        kept.pop();
    }
    let joined: String = kept.concat();
    let folded: String = joined.chars().filter(|c| c.is_alphanumeric()).collect();
    if folded.is_empty() {
        // A name that is only a legal form: keep what there was.
        nfkc.chars().filter(|c| c.is_alphanumeric()).collect()
    } else {
        folded
    }
}

/// Hepburn romaji of a katakana or hiragana character sequence; other
/// characters are returned as they are (see [`romanise`]).
const KANA: &[(&str, &str)] = &[
    ("キャ", "kya"),
    ("キュ", "kyu"),
    ("キョ", "kyo"),
    ("シャ", "sha"),
    ("シュ", "shu"),
    ("ショ", "sho"),
    ("チャ", "cha"),
    ("チュ", "chu"),
    ("チョ", "cho"),
    ("ニャ", "nya"),
    ("ニュ", "nyu"),
    ("ニョ", "nyo"),
    ("ヒャ", "hya"),
    ("ヒュ", "hyu"),
    ("ヒョ", "hyo"),
    ("ミャ", "mya"),
    ("ミュ", "myu"),
    ("ミョ", "myo"),
    ("リャ", "rya"),
    ("リュ", "ryu"),
    ("リョ", "ryo"),
    ("ギャ", "gya"),
    ("ギュ", "gyu"),
    ("ギョ", "gyo"),
    ("ジャ", "ja"),
    ("ジュ", "ju"),
    ("ジョ", "jo"),
    ("ビャ", "bya"),
    ("ビュ", "byu"),
    ("ビョ", "byo"),
    ("ピャ", "pya"),
    ("ピュ", "pyu"),
    ("ピョ", "pyo"),
    ("ティ", "ti"),
    ("ディ", "di"),
    ("ファ", "fa"),
    ("フィ", "fi"),
    ("フェ", "fe"),
    ("フォ", "fo"),
    ("ウィ", "wi"),
    ("ウェ", "we"),
    ("ウォ", "wo"),
    ("シェ", "she"),
    ("ジェ", "je"),
    ("チェ", "che"),
    ("ヴァ", "va"),
    ("ヴィ", "vi"),
    ("ヴェ", "ve"),
    ("ヴォ", "vo"),
    ("ア", "a"),
    ("イ", "i"),
    ("ウ", "u"),
    ("エ", "e"),
    ("オ", "o"),
    ("カ", "ka"),
    ("キ", "ki"),
    ("ク", "ku"),
    ("ケ", "ke"),
    ("コ", "ko"),
    ("サ", "sa"),
    ("シ", "shi"),
    ("ス", "su"),
    ("セ", "se"),
    ("ソ", "so"),
    ("タ", "ta"),
    ("チ", "chi"),
    ("ツ", "tsu"),
    ("テ", "te"),
    ("ト", "to"),
    ("ナ", "na"),
    ("ニ", "ni"),
    ("ヌ", "nu"),
    ("ネ", "ne"),
    ("ノ", "no"),
    ("ハ", "ha"),
    ("ヒ", "hi"),
    ("フ", "fu"),
    ("ヘ", "he"),
    ("ホ", "ho"),
    ("マ", "ma"),
    ("ミ", "mi"),
    ("ム", "mu"),
    ("メ", "me"),
    ("モ", "mo"),
    ("ヤ", "ya"),
    ("ユ", "yu"),
    ("ヨ", "yo"),
    ("ラ", "ra"),
    ("リ", "ri"),
    ("ル", "ru"),
    ("レ", "re"),
    ("ロ", "ro"),
    ("ワ", "wa"),
    ("ヲ", "o"),
    ("ン", "n"),
    ("ガ", "ga"),
    ("ギ", "gi"),
    ("グ", "gu"),
    ("ゲ", "ge"),
    ("ゴ", "go"),
    ("ザ", "za"),
    ("ジ", "ji"),
    ("ズ", "zu"),
    ("ゼ", "ze"),
    ("ゾ", "zo"),
    ("ダ", "da"),
    ("ヂ", "ji"),
    ("ヅ", "zu"),
    ("デ", "de"),
    ("ド", "do"),
    ("バ", "ba"),
    ("ビ", "bi"),
    ("ブ", "bu"),
    ("ベ", "be"),
    ("ボ", "bo"),
    ("パ", "pa"),
    ("ピ", "pi"),
    ("プ", "pu"),
    ("ペ", "pe"),
    ("ポ", "po"),
    ("ヴ", "vu"),
    ("ァ", "a"),
    ("ィ", "i"),
    ("ゥ", "u"),
    ("ェ", "e"),
    ("ォ", "o"),
    ("ャ", "ya"),
    ("ュ", "yu"),
    ("ョ", "yo"),
];

/// Romanises the kana of `text` (Hepburn; hiragana read as katakana; `ッ`
/// doubles the next consonant, `ー` is dropped). Kanji have no reading
/// without a dictionary and are left as they are.
pub fn romanise(text: &str) -> String {
    // Hiragana to katakana.
    let kata: String = text
        .chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect();
    let mut out = String::new();
    let mut rest = kata.as_str();
    let mut double_next = false;
    while let Some(c) = rest.chars().next() {
        if c == 'ッ' {
            double_next = true;
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == 'ー' {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let found = KANA
            .iter()
            .filter(|(k, _)| rest.starts_with(k))
            .max_by_key(|(k, _)| k.len());
        match found {
            Some((k, r)) => {
                if double_next {
                    let first = if r.starts_with("ch") {
                        't'
                    } else {
                        r.chars().next().unwrap_or('t')
                    };
                    out.push(first);
                }
                out.push_str(r);
                rest = &rest[k.len()..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        double_next = false;
    }
    out
}

/// The client id for a name: the name without its legal form, kana
/// romanised (Hepburn), as a lowercase ASCII slug of its letters and
/// digits (`Hinode Foods Co., Ltd.` → `hinode-foods`, `株式会社サンプル` →
/// `sanpuru`, accents dropped, at most 64 characters). Kanji cannot be
/// read without a dictionary: a name with no kana or Latin letter, such as
/// `髙橋商店`, gets `client-` and the 8 hex digits of the 32-bit FNV-1a
/// hash of its [`fold_name`], which never changes between versions or
/// platforms.
pub fn client_id_for(name: &str) -> String {
    let nfkc: String = name.nfkc().collect();
    let without_form = strip_forms(&nfkc);
    let romaji = romanise(&without_form);
    let mut slug = String::new();
    for c in romaji.nfkd() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if unicode_normalization::char::is_combining_mark(c) {
            // The accent of an accented letter: keep the letter only.
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_matches('-').to_string();
    if slug.len() > 64 {
        slug.truncate(64);
        slug = slug.trim_end_matches('-').to_string();
    }
    if slug.bytes().any(|b| b.is_ascii_lowercase()) {
        slug
    } else {
        format!("client-{:08x}", fnv1a32(fold_name(name).as_bytes()))
    }
}

/// `name` without the legal forms and honorifics that [`fold_name`]
/// removes, but with its spaces kept (for ids).
fn strip_forms(name: &str) -> String {
    let mut s = name.trim().to_string();
    loop {
        let before = s.clone();
        for form in JAPANESE_FORMS {
            if let Some(rest) = s.strip_prefix(form) {
                s = rest.trim().to_string();
            }
            if let Some(rest) = s.strip_suffix(form) {
                s = rest.trim().to_string();
            }
        }
        if s == before {
            break;
        }
    }
    let mut words: Vec<&str> = s.split_whitespace().collect();
    while words.len() > 1 {
        let last: String = words[words.len() - 1]
            .chars()
            .filter(|c| *c != '.' && *c != ',')
            .flat_map(char::to_lowercase)
            .collect();
        if LATIN_FORMS.contains(&last.as_str()) {
            words.pop();
        } else {
            break;
        }
    }
    words.join(" ").trim_end_matches(',').to_string()
}

/// `base`, or `base-2`, `base-3`, ... whichever is not taken (at most 64
/// characters).
pub fn unique_id(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            let stem = &base[..base.len().min(64 - suffix.len())];
            format!("{}{suffix}", stem.trim_end_matches('-'))
        })
        .find(|id| !taken.contains(id))
        .unwrap_or_else(|| base.to_string())
}

/// The clients already in the project.
pub struct Existing {
    /// Every entry of data/clients (ids that are taken).
    pub taken: BTreeSet<String>,
    /// Folded name → id.
    by_name: HashMap<String, String>,
    /// Folded `aka` → ids.
    by_aka: HashMap<String, Vec<String>>,
    /// (folded name, id) of every client, for "did you mean".
    names: Vec<(String, String)>,
}

impl Existing {
    pub fn read(root: &Path) -> std::io::Result<Existing> {
        let mut existing = Existing {
            taken: BTreeSet::new(),
            by_name: HashMap::new(),
            by_aka: HashMap::new(),
            names: Vec::new(),
        };
        let dir = root.join("data/clients");
        if !dir.is_dir() {
            return Ok(existing);
        }
        let mut ids: Vec<String> = fs::read_dir(&dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        ids.sort();
        for id in ids {
            existing.taken.insert(id.clone());
            if !is_valid_id(&id) {
                continue;
            }
            let rel = Path::new("data/clients").join(&id).join("client.toml");
            let Ok(text) = fs::read_to_string(root.join(&rel)) else {
                continue;
            };
            // Problems of client.toml are `check`'s to report; its name and
            // spellings are all that matching needs.
            let Some(client) = parse_client_toml(&id, &text, &rel, &mut Diagnostics::new()) else {
                continue;
            };
            let key = fold_name(&client.name);
            existing.by_name.entry(key.clone()).or_insert_with(|| id.clone());
            existing.names.push((key, id.clone()));
            for aka in &client.aka {
                let ids = existing.by_aka.entry(fold_name(aka)).or_default();
                if !ids.contains(&id) {
                    ids.push(id.clone());
                }
            }
        }
        Ok(existing)
    }

    /// The client whose name, else whose one `aka`, folds to `key`.
    pub fn find(&self, key: &str) -> Option<&str> {
        self.by_name
            .get(key)
            .map(String::as_str)
            .or_else(|| match self.by_aka.get(key) {
                Some(ids) if ids.len() == 1 => Some(ids[0].as_str()),
                _ => None,
            })
    }

    /// An existing client whose folded name is close to `key` (a typo, a
    /// word more or less): for "did you mean".
    pub fn close_to(&self, key: &str) -> Option<&str> {
        let n = key.chars().count();
        if n < 3 {
            return None;
        }
        let limit = (n / 5).max(1);
        self.names
            .iter()
            .filter(|(k, _)| k.chars().count().abs_diff(n) <= limit)
            .filter(|(k, _)| k.chars().next() == key.chars().next())
            .map(|(k, id)| (edit_distance(k, key), id))
            .filter(|(d, _)| *d <= limit)
            .min()
            .map(|(_, id)| id.as_str())
    }
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `--map FILE`: a CSV of export names and client ids (header `name,id`).
pub fn read_map(path: &Path, taken: &BTreeSet<String>, diags: &mut Diagnostics) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.error(path, None, None, format!("cannot read the map: {e}"));
            return map;
        }
    };
    let columns = [Column::named("name", true), Column::named("id", true)];
    let options = crate::input::ReadOptions {
        warn_unknown_columns: true,
        loose_header: true,
        header: crate::input::HeaderAt::First,
        pad_short_rows: false,
    };
    for row in read_rows_with(&bytes, path, &columns, options, diags).unwrap_or_default() {
        let id = row.get("id");
        if !is_valid_id(id) {
            row.error(
                "id",
                format!("`{id}` is not a client id (1–64 of a-z, 0-9 and `-`)"),
                diags,
            );
        } else if !taken.contains(id) {
            row.error("id", format!("no client `{id}` in data/clients/"), diags);
        } else {
            map.insert(fold_name(row.get("name")), id.to_string());
        }
    }
    map
}

/// How the names of an import were matched.
pub struct Resolved {
    /// Folded name → id.
    pub id_of: HashMap<String, String>,
    /// New clients: id → (name as first written, id of a close existing
    /// client).
    pub new: BTreeMap<String, (String, Option<String>)>,
}

/// Matches every name (folded key → name as first written) to a client:
/// the map, else an existing client, else a new id (given in key order, so
/// that the same names get the same ids whatever the order of the rows).
pub fn resolve(names: &BTreeMap<String, String>, existing: &mut Existing, map: &HashMap<String, String>) -> Resolved {
    let mut id_of = HashMap::new();
    let mut new = BTreeMap::new();
    for (key, name) in names {
        let known = map.get(key).cloned().or_else(|| existing.find(key).map(String::from));
        let id = known.unwrap_or_else(|| {
            let id = unique_id(&client_id_for(name), &existing.taken);
            existing.taken.insert(id.clone());
            let close = existing.close_to(key).map(String::from);
            new.insert(id.clone(), (name.clone(), close));
            id
        });
        id_of.insert(key.clone(), id);
    }
    Resolved { id_of, new }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_forms_and_honorifics_fold_away() {
        let x = fold_name("サンプル");
        for name in [
            "(株)サンプル",
            "㈱サンプル",
            "株式会社サンプル 御中",
            "株式会社　サンプル",
            "サンプル株式会社",
            "ｻﾝﾌﾟﾙ 様",
        ] {
            assert_eq!(fold_name(name), x, "{name}");
        }
        assert_eq!(fold_name("Acme, Inc."), fold_name("ACME"));
        assert_eq!(fold_name("Hinode Foods Co., Ltd."), "hinodefoods");
        assert_eq!(fold_name("Sakura K.K."), "sakura");
        assert_eq!(fold_name("Müller GmbH"), "müller");
        assert_eq!(fold_name("Co."), "co");
    }

    #[test]
    fn ids_are_readable_where_the_name_can_be_read() {
        assert_eq!(client_id_for("Hinode Foods Co., Ltd."), "hinode-foods");
        assert_eq!(client_id_for("  Café Müller  "), "cafe-muller");
        assert_eq!(client_id_for("株式会社サンプル"), "sanpuru");
        assert_eq!(client_id_for("(株)さくらデザイン"), "sakuradezain");
        assert_eq!(client_id_for("ｷｯﾁﾝ・マッチ"), "kitchin-matchi");
        assert_eq!(client_id_for("ＡＢＣ商事"), "abc");
        assert_eq!(client_id_for(&"x".repeat(100)).len(), 64);
        // Kanji only: a hash of the folded name, fixed forever.
        assert_eq!(
            client_id_for("㈱髙橋商店"),
            format!("client-{:08x}", fnv1a32(fold_name("髙橋商店").as_bytes()))
        );
        assert_eq!(client_id_for("2024"), format!("client-{:08x}", fnv1a32(b"2024")));
        for name in ["株式会社サンプル", "Hinode", "㈱テスト", "", "---", "髙橋"] {
            assert!(is_valid_id(&client_id_for(name)), "{name}");
        }
    }

    #[test]
    fn unique_ids_get_a_suffix() {
        let taken: BTreeSet<String> = ["abc".to_string(), "abc-2".to_string()].into();
        assert_eq!(unique_id("abc", &taken), "abc-3");
        assert_eq!(unique_id("xyz", &taken), "xyz");
        let long = "a".repeat(64);
        let taken: BTreeSet<String> = [long.clone()].into();
        assert_eq!(unique_id(&long, &taken), format!("{}-2", "a".repeat(62)));
    }

    #[test]
    fn close_names_are_found() {
        let existing = Existing {
            taken: BTreeSet::new(),
            by_name: HashMap::new(),
            by_aka: HashMap::new(),
            names: vec![(fold_name("Hinode Foods"), "hinode-foods".to_string())],
        };
        assert_eq!(existing.close_to(&fold_name("Hinode Food")), Some("hinode-foods"));
        assert_eq!(existing.close_to(&fold_name("Hinada Foods")), Some("hinode-foods"));
        assert_eq!(existing.close_to(&fold_name("Sakura")), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
