//! The matcher end to end: decoding, folding and matching together.

use super::views::Ruby;
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
    let ruby = "<p>x <ruby>三<rt>みつ</rt>井<rt>い</rt></ruby>と<ruby>Ac<rp>(</rp><rt>Acme</rt><rp>)</rp>me</ruby></p>";
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
