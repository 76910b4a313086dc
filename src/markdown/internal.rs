//! The parts of a note that only the consultancy reads, found and cut.

use pulldown_cmark::{Options, Parser};

/// A part of a note that only the consultancy reads: a section whose
/// heading is an [`is_internal_heading`], from that heading to the next
/// heading of the same or a higher level (or the end of the block that
/// holds it: a section that starts inside a list item or a quote ends with
/// it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalSection {
    /// Byte range in the markdown, heading included.
    pub range: std::ops::Range<usize>,
    /// The heading as written (plain text).
    pub heading: String,
}

/// Whether a heading marks a section for the consultancy only: after
/// folding width (`Ｉｎｔｅｒｎａｌ`) and case and trimming spaces, the
/// heading is `internal`, `internal note`, `internal notes` or `社内メモ`,
/// alone or followed by `:`, `：`, `(`, `（`, `-`, `–`, `—` and anything
/// (`## Internal: pricing`, `### 社内メモ（価格）`). `Internal audit
/// results` is an ordinary heading.
pub fn is_internal_heading(text: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    let folded = folded.trim();
    ["internal notes", "internal note", "internal", "社内メモ"]
        .iter()
        .any(|key| match folded.strip_prefix(key) {
            Some(rest) => {
                let rest = rest.trim_start();
                // NFKC has turned `：` into `:` and `（` into `(`.
                rest.is_empty() || rest.starts_with([':', '(', '-', '–', '—'])
            }
            None => false,
        })
}

/// The sections of `markdown` for the consultancy only, in order, found on
/// pulldown-cmark's event stream (so a `## Internal` inside a code block or
/// an HTML comment is text, not a heading).
pub fn internal_sections(markdown: &str) -> Vec<InternalSection> {
    use pulldown_cmark::{Event, Tag, TagEnd};
    struct Open {
        level: pulldown_cmark::HeadingLevel,
        depth: usize,
        start: usize,
        heading: String,
    }
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    // Container depth (list items, quotes, ...) at each event.
    let mut depth = 0usize;
    // The heading being read: (level, start, text).
    let mut heading: Option<(pulldown_cmark::HeadingLevel, usize, String)> = None;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let close = |open: &mut Option<Open>, out: &mut Vec<InternalSection>, end: usize| {
        if let Some(o) = open.take() {
            out.push(InternalSection {
                range: o.start..end,
                heading: o.heading,
            });
        }
    };
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                if open.as_ref().is_some_and(|o| level <= o.level && depth <= o.depth) {
                    close(&mut open, &mut out, range.start);
                }
                heading = Some((level, range.start, String::new()));
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, text)) = heading.take() {
                    if open.is_none() && is_internal_heading(&text) {
                        open = Some(Open {
                            level,
                            depth,
                            start,
                            heading: text.trim().to_string(),
                        });
                    }
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if open.as_ref().is_some_and(|o| depth < o.depth) {
                    close(&mut open, &mut out, range.end);
                }
            }
            _ => {}
        }
    }
    close(&mut open, &mut out, markdown.len());
    out
}

/// `markdown` without its [`internal_sections`]: what the client edition
/// shows of a note. Everything else is kept byte for byte.
pub fn without_internal(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for s in internal_sections(markdown) {
        out.push_str(&markdown[at..s.range.start]);
        at = s.range.end;
    }
    out.push_str(&markdown[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_headings_and_their_forms() {
        for yes in [
            "Internal",
            "internal",
            "  INTERNAL  ",
            "Ｉｎｔｅｒｎａｌ",
            "Internal:",
            "Internal: pricing",
            "Internal notes",
            "Internal note — do not share",
            "Internal (renewal)",
            "社内メモ",
            "社内メモ：",
            "社内メモ（価格）",
            "社内メモ - 更新",
        ] {
            assert!(is_internal_heading(yes), "{yes:?}");
        }
        for no in [
            "Internal audit results",
            "Internals",
            "International",
            "Notes (internal)",
            "社内",
            "社内報の改善",
            "Decisions",
        ] {
            assert!(!is_internal_heading(no), "{no:?}");
        }
    }

    #[test]
    fn an_internal_section_runs_to_the_next_heading_of_its_level_or_higher() {
        let md = "# Review\n\nIntro.\n\n## Internal\n\nPrice rise next year.\n\n### Detail\n\nStill internal.\n\n## Decisions\n\n- Go.\n";
        let s = internal_sections(md);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].heading, "Internal");
        assert_eq!(
            &md[s[0].range.clone()],
            "## Internal\n\nPrice rise next year.\n\n### Detail\n\nStill internal.\n\n"
        );
        assert_eq!(without_internal(md), "# Review\n\nIntro.\n\n## Decisions\n\n- Go.\n");
        // A level-1 internal section swallows level-2 headings; a setext heading counts.
        let md = "Intro\n\n社内メモ：\n=====\n\n## Sub\n\nx\n\n# Next\n\ny\n";
        assert_eq!(without_internal(md), "Intro\n\n# Next\n\ny\n");
        // To the end of the note.
        assert_eq!(without_internal("a\n\n### internal\n\nb\n"), "a\n\n");
    }

    #[test]
    fn internal_is_read_from_the_markdown_not_from_its_text() {
        // In a code block, an HTML comment or a paragraph it is not a heading.
        let md = "```\n## Internal\n```\n\n<!--\n## Internal\n-->\n\nThe word Internal alone.\n";
        assert!(internal_sections(md).is_empty());
        assert_eq!(without_internal(md), md);
        // Inside a list item the section ends with the item.
        let md = "- a\n\n  ## Internal\n\n  hidden\n\n- b\n\nafter\n";
        let s = internal_sections(md);
        assert_eq!(s.len(), 1);
        let kept = without_internal(md);
        assert!(
            !kept.contains("hidden") && kept.contains("- b") && kept.contains("after"),
            "{kept:?}"
        );
        // Markup in the heading is read through.
        assert_eq!(internal_sections("## *Internal*\n\nx\n\n## Next\n").len(), 1);
    }
}
