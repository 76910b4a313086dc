//! Front matter: `+++` TOML or `---` YAML split from the body, within
//! limits of size and nesting.

use crate::input::document::{NodeMap, parse_toml, parse_yaml};

/// The largest front matter read, in bytes (YAML parsing of adversarial
/// text is superlinear; real front matter is a few hundred bytes).
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// How deep `[ ]` and `{ }` may nest in front matter.
pub const MAX_FRONT_MATTER_NESTING: usize = 100;
/// The front matter of a markdown file and the body after it.
pub struct Split<'a> {
    pub front: Option<Result<NodeMap, (u64, u64, String)>>,
    pub body: &'a str,
}

/// Splits `+++` TOML or `---` YAML front matter from the body. A file
/// without front matter is all body.
pub fn split_front_matter(text: &str) -> Split<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (fence, is_toml) in [("+++", true), ("---", false)] {
        let Some(first_line_end) = text.find('\n') else {
            continue;
        };
        if text[..first_line_end].trim_end() != fence {
            continue;
        }
        let rest = &text[first_line_end + 1..];
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim_end() == fence {
                let front = &rest[..offset];
                let body = &rest[offset + line.len()..];
                let parsed = if front.len() > MAX_FRONT_MATTER {
                    Err((
                        2,
                        1,
                        format!(
                            "the front matter is {} bytes long; at most {MAX_FRONT_MATTER} are read (put long text in the body)",
                            front.len()
                        ),
                    ))
                } else if let Some(at) = front_matter_too_deep_at(front) {
                    let (line, column) = crate::diag::line_col(front, at);
                    Err((
                        line + 1,
                        column,
                        format!(
                            "`[` and `{{` nested more than {MAX_FRONT_MATTER_NESTING} levels deep in the front matter"
                        ),
                    ))
                } else if is_toml {
                    parse_toml(front, 2)
                } else {
                    parse_yaml(front, 2)
                };
                return Split {
                    front: Some(parsed),
                    body,
                };
            }
            offset += line.len();
        }
        let msg =
            format!("front matter opened with `{fence}` on line 1 is never closed; add a `{fence}` line after it");
        return Split {
            front: Some(Err((1, 1, msg))),
            body: "",
        };
    }
    Split {
        front: None,
        body: text,
    }
}
/// Where front matter passes [`MAX_FRONT_MATTER_NESTING`] levels of
/// `[ ]` and `{ }` (strings and comments skipped), if it does.
fn front_matter_too_deep_at(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    for (i, c) in text.char_indices() {
        if comment {
            comment = c != '\n';
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q || c == '\n' && q == '\'' {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '#' => comment = true,
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FRONT_MATTER_NESTING {
                    return Some(i);
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_front_matter() {
        let s = split_front_matter("+++\ntitle = \"A\"\n+++\n# Body\n");
        let t = s.front.unwrap().unwrap();
        assert!(t.contains_key("title"));
        assert_eq!(s.body, "# Body\n");
    }

    #[test]
    fn yaml_front_matter_with_crlf() {
        let s = split_front_matter("---\r\ntitle: A\r\n---\r\nbody");
        assert!(s.front.unwrap().unwrap().contains_key("title"));
        assert_eq!(s.body, "body");
    }

    #[test]
    fn no_front_matter() {
        let s = split_front_matter("# Just text\n---\nmore");
        assert!(s.front.is_none());
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let s = split_front_matter("+++\ntitle = \"A\"\n# Body\n");
        assert!(s.front.unwrap().is_err());
    }

    #[test]
    fn bad_toml_in_front_matter_points_at_file_line() {
        let s = split_front_matter("+++\ntitle = \"A\"\ndate = = 3\n+++\n");
        let (line, _, msg) = s.front.unwrap().unwrap_err();
        assert_eq!(line, 3, "{msg}");
    }

    #[test]
    fn front_matter_size_and_nesting_are_limited() {
        let long = format!("---\ntitle: \"{}\"\n---\nbody", "x".repeat(MAX_FRONT_MATTER));
        let (line, col, msg) = split_front_matter(&long).front.unwrap().unwrap_err();
        assert_eq!((line, col), (2, 1));
        assert!(msg.contains("at most 65536"), "{msg}");
        for (fence, key) in [("---", "title: "), ("+++", "title = ")] {
            let deep = format!(
                "{fence}\nsummary{}\"ok\"\n{key}{}\n{fence}\n",
                &key[5..],
                "[".repeat(10_000)
            );
            let (line, col, msg) = split_front_matter(&deep).front.unwrap().unwrap_err();
            assert_eq!(
                (line, col),
                (3, key.len() as u64 + MAX_FRONT_MATTER_NESTING as u64 + 1),
                "{msg}"
            );
            assert!(msg.contains("nested more than 100"), "{msg}");
        }
        // Brackets in strings and comments are text.
        let fine = format!(
            "+++\ntitle = \"{0}\"\nquote = '{0}' # {0}\n[consent]\nscope = [\"name\"]\n+++\n",
            "[{".repeat(200)
        );
        assert!(split_front_matter(&fine).front.unwrap().is_ok());
        let yaml = format!(
            "---\ntitle: \"{0}\"\ntags: [[a, b], {{c: [d]}}]\n---\n",
            "\\\"[".repeat(200)
        );
        assert!(split_front_matter(&yaml).front.unwrap().is_ok());
    }
}
