//! The HTML elements markdown may hold: the sanitiser's allow-list and how
//! a browser lays each out.

/// How a browser lays out an element's tags, for reading text as it is
/// shown: the anonymiser and the leak scan ([`crate::publish`]) follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Display {
    /// Its tags do not separate words: `Ac<em>me</em>` reads "Acme".
    Inline,
    /// A line break (`<br>`): a space.
    LineBreak,
    /// A ruby annotation (`<rt>`, `<rp>`, `<rtc>`): shown beside the base
    /// text, so text reads both with it and without it.
    Annotation,
    /// A block, a table cell, an image, or not rendered: a paragraph break.
    Block,
}

/// An HTML element that the sanitiser keeps or that templates commonly use.
pub struct Element {
    pub name: &'static str,
    pub display: Display,
    /// Kept by the sanitiser in markdown (notes, stories, pages). An element
    /// not kept loses its tags but keeps its text (except `script` and
    /// `style`, whose text goes too).
    pub kept: bool,
}

const fn el(name: &'static str, display: Display, kept: bool) -> Element {
    Element { name, display, kept }
}

/// The one list of elements: the sanitiser's allow-list (`kept`) and how
/// each element is displayed. The anonymiser and the leak scan read tags
/// through [`display_of`], so a tag the sanitiser keeps is always read as a
/// browser shows it.
pub const ELEMENTS: &[Element] = {
    use Display::*;
    &[
        // Kept by the sanitiser (ammonia's default allow-list).
        el("a", Inline, true),
        el("abbr", Inline, true),
        el("acronym", Inline, true),
        el("area", Block, true),
        el("article", Block, true),
        el("aside", Block, true),
        el("b", Inline, true),
        el("bdi", Inline, true),
        el("bdo", Inline, true),
        el("blockquote", Block, true),
        el("br", LineBreak, true),
        el("caption", Block, true),
        el("center", Block, true),
        el("cite", Inline, true),
        el("code", Inline, true),
        el("col", Block, true),
        el("colgroup", Block, true),
        el("data", Inline, true),
        el("dd", Block, true),
        el("del", Inline, true),
        el("details", Block, true),
        el("dfn", Inline, true),
        el("div", Block, true),
        el("dl", Block, true),
        el("dt", Block, true),
        el("em", Inline, true),
        el("figcaption", Block, true),
        el("figure", Block, true),
        el("footer", Block, true),
        el("h1", Block, true),
        el("h2", Block, true),
        el("h3", Block, true),
        el("h4", Block, true),
        el("h5", Block, true),
        el("h6", Block, true),
        el("header", Block, true),
        el("hgroup", Block, true),
        el("hr", Block, true),
        el("i", Inline, true),
        el("img", Block, true),
        el("ins", Inline, true),
        el("kbd", Inline, true),
        el("li", Block, true),
        el("map", Inline, true),
        el("mark", Inline, true),
        el("nav", Block, true),
        el("ol", Block, true),
        el("p", Block, true),
        el("pre", Block, true),
        el("q", Inline, true),
        el("rp", Annotation, true),
        el("rt", Annotation, true),
        el("rtc", Annotation, true),
        el("ruby", Inline, true),
        el("s", Inline, true),
        el("samp", Inline, true),
        el("small", Inline, true),
        el("span", Inline, true),
        el("strike", Inline, true),
        el("strong", Inline, true),
        el("sub", Inline, true),
        el("summary", Block, true),
        el("sup", Inline, true),
        el("table", Block, true),
        el("tbody", Block, true),
        el("td", Block, true),
        el("th", Block, true),
        el("thead", Block, true),
        el("time", Inline, true),
        el("tr", Block, true),
        el("tt", Inline, true),
        el("u", Inline, true),
        el("ul", Block, true),
        el("var", Inline, true),
        el("wbr", Inline, true),
        // Removed by the sanitiser, seen in templates: inline ones join
        // text on a published page.
        el("big", Inline, false),
        el("button", Inline, false),
        el("font", Inline, false),
        el("label", Inline, false),
        el("nobr", Inline, false),
        el("output", Inline, false),
        el("script", Block, false),
        el("style", Block, false),
    ]
};

/// How the tags of element `name` (lower case) are read.
///
/// * In markdown (`in_markdown`), an element the sanitiser does not keep
///   loses its tags and keeps its text, which then joins its neighbours:
///   [`Display::Inline`] (`script` and `style`, whose text is dropped:
///   [`Display::Block`]).
/// * On a published page, an element that is not in [`ELEMENTS`] (`main`,
///   `section`, `title`, SVG elements, ...) is a [`Display::Block`].
pub fn display_of(name: &str, in_markdown: bool) -> Display {
    match ELEMENTS.iter().find(|e| e.name == name) {
        Some(e) if e.kept || !in_markdown => e.display,
        Some(e) if e.display == Display::Block => Display::Block,
        Some(_) => Display::Inline,
        None if in_markdown => Display::Inline,
        None => Display::Block,
    }
}
