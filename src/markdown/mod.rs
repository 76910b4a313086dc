//! Markdown: front matter split, and rendering to sanitised HTML.
//!
//! Raw HTML inside markdown is untrusted (SPEC §1.3): everything that
//! pulldown-cmark produces goes through ammonia, which drops scripts, event
//! handlers and `javascript:` URLs.
//!
//! The parts: `front_matter`, `limits` (nesting a text may not pass),
//! `elements` (the allow-list of HTML elements), `html` (rendering) and
//! `internal` (sections for the consultancy only).

use pulldown_cmark::Options;

mod elements;
mod front_matter;
mod html;
mod internal;
mod limits;

pub use elements::{Display, ELEMENTS, Element, display_of};
pub use front_matter::{MAX_FRONT_MATTER, MAX_FRONT_MATTER_NESTING, Split, split_front_matter};
pub use html::{leaves_public_site, to_plain_text, to_public_html, to_safe_html};
pub use internal::{InternalSection, internal_sections, is_internal_heading, without_internal};
pub use limits::{MAX_HTML_NESTING, MAX_NESTING, check_limits};

/// The options every markdown text is parsed with.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);
