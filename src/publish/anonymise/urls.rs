//! The URL-like spans of a text (link destinations, autolinks, bare URLs,
//! e-mail addresses, domains), which the anonymiser replaces as a whole.

use std::ops::Range;

/// What may precede a reference definition on its line: indentation, list
/// markers, block quote markers.
const CONTAINER_MARKERS: &[char] = &[
    ' ', '\t', '-', '*', '+', '>', '.', ')', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
];

/// How a URL-like span containing a name is replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Span {
    /// Ordinary text: the alias replaces the match.
    Text,
    /// A link or image destination: replaced by `#`.
    Destination,
    /// A bare URL, autolink, e-mail address or domain in running text:
    /// replaced as a whole by the alias.
    Inline,
}

/// URL-like spans of `text` (markdown or plain text).
pub(super) fn url_spans(text: &str) -> Vec<(Range<usize>, Span)> {
    let mut spans = Vec::new();
    link_destinations(text, &mut spans);
    reference_definitions(text, &mut spans);
    html_url_attributes(text, &mut spans);
    autolinks(text, &mut spans);
    // Last: a bare URL inside a span found above is not one of its own.
    bare_urls(text, &mut spans);
    spans.sort_by_key(|(r, _)| (r.start, r.end));
    spans
}

/// Inline link and image destinations: `](dest "title")`.
fn link_destinations(text: &str, spans: &mut Vec<(Range<usize>, Span)>) {
    for (i, _) in text.match_indices("](") {
        let s = i + 2 + (text[i + 2..].len() - text[i + 2..].trim_start_matches([' ', '\t']).len());
        let rest = &text[s..];
        let end = if rest.starts_with('<') {
            rest.find('>').map(|e| s + e + 1)
        } else {
            let mut depth = 0usize;
            let mut end = s + rest.len();
            for (k, ch) in rest.char_indices() {
                match ch {
                    '(' => depth += 1,
                    ')' if depth == 0 => {
                        end = s + k;
                        break;
                    }
                    ')' => depth -= 1,
                    c if c.is_whitespace() => {
                        end = s + k;
                        break;
                    }
                    _ => {}
                }
            }
            Some(end)
        };
        if let Some(end) = end.filter(|e| *e > s) {
            spans.push((s..end, Span::Destination));
        }
    }
}

/// Reference definitions: `[label]: dest`, also inside list items and
/// block quotes.
fn reference_definitions(text: &str, spans: &mut Vec<(Range<usize>, Span)>) {
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(CONTAINER_MARKERS).len();
        let t = &line[indent..];
        if t.starts_with('[') {
            if let Some(close) = t.find("]:") {
                let after = &t[close + 2..];
                let lead = after.len() - after.trim_start().len();
                let dest = &after[lead..];
                let len = dest.find(char::is_whitespace).unwrap_or(dest.len());
                if len > 0 {
                    let s = line_start + indent + close + 2 + lead;
                    spans.push((s..s + len, Span::Destination));
                }
            }
        }
        line_start += line.len();
    }
}

/// HTML attributes that hold URLs.
fn html_url_attributes(text: &str, spans: &mut Vec<(Range<usize>, Span)>) {
    let lower = text.to_ascii_lowercase();
    for attr in [
        "href",
        "src",
        "srcset",
        "action",
        "poster",
        "cite",
        "background",
        "data",
    ] {
        for (i, _) in lower.match_indices(attr) {
            let preceded = lower[..i].ends_with(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ':');
            let rest = lower[i + attr.len()..].trim_start();
            if !preceded || !rest.starts_with('=') {
                continue;
            }
            let value = rest[1..].trim_start();
            let s = lower.len() - value.len();
            let span = match value.chars().next() {
                Some(q @ ('"' | '\'')) => value[1..].find(q).map(|e| s + 1..s + 1 + e),
                Some(_) => Some(
                    s..s + value
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(value.len()),
                ),
                None => None,
            };
            if let Some(span) = span.filter(|r| !r.is_empty()) {
                spans.push((span, Span::Destination));
            }
        }
    }
}

/// Autolinks: `<scheme:...>`, `<user@host>`.
fn autolinks(text: &str, spans: &mut Vec<(Range<usize>, Span)>) {
    for (i, _) in text.match_indices('<') {
        let rest = &text[i + 1..];
        if let Some(e) = rest.find(|c: char| c == '>' || c == '<' || c.is_whitespace()) {
            if rest[e..].starts_with('>') && is_autolink(&rest[..e]) {
                spans.push((i..i + e + 2, Span::Inline));
            }
        }
    }
}

/// Bare URLs, e-mail addresses and domains in running text, where no span
/// found before overlaps them.
fn bare_urls(text: &str, spans: &mut Vec<(Range<usize>, Span)>) {
    let is_delim = |c: char| c.is_whitespace() || "<>\"'()[]{}`".contains(c);
    let mut k = 0;
    while k < text.len() {
        let rest = &text[k..];
        let Some(start) = rest.find(|c: char| !is_delim(c)) else {
            break;
        };
        let token_start = k + start;
        let len = text[token_start..].find(is_delim).unwrap_or(text.len() - token_start);
        let token = &text[token_start..token_start + len];
        let lead = token.len() - token.trim_start_matches(['*', '_', '~']).len();
        let trimmed = token[lead..].trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '_', '~']);
        let s = token_start + lead;
        let r = s..s + trimmed.len();
        if is_url_like(trimmed) && !spans.iter().any(|(x, _)| x.start < r.end && r.start < x.end) {
            spans.push((r, Span::Inline));
        }
        k = token_start + len;
    }
}

fn is_autolink(inner: &str) -> bool {
    if let Some((scheme, rest)) = inner.split_once(':') {
        let mut cs = scheme.chars();
        if scheme.len() >= 2
            && scheme.len() <= 32
            && cs.next().is_some_and(|c| c.is_ascii_alphabetic())
            && cs.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            && !rest.is_empty()
        {
            return true;
        }
    }
    is_email(inner)
}

fn is_email(t: &str) -> bool {
    match t.split_once('@') {
        Some((local, domain)) => !local.is_empty() && is_domain(domain),
        None => false,
    }
}

fn is_url_like(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    if let Some(p) = lower.find("://") {
        return p > 0
            && lower[..p]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    }
    lower.starts_with("www.") || lower.starts_with("mailto:") || is_email(t) || is_domain(t)
}

/// `host.tld` with an optional path: two or more labels, the last one 2–24
/// ASCII letters.
fn is_domain(t: &str) -> bool {
    let host = t.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && labels
            .last()
            .is_some_and(|tld| (2..=24).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_spans_found() {
        let spans = |t: &str| {
            url_spans(t)
                .into_iter()
                .map(|(r, k)| (t[r].to_string(), k))
                .collect::<Vec<_>>()
        };
        assert_eq!(spans("[a](b.html)"), [("b.html".to_string(), Span::Destination)]);
        assert_eq!(spans("see (www.x.com)."), [("www.x.com".to_string(), Span::Inline)]);
        assert!(spans("e.g. 3.5 Node. ok").is_empty());
    }
}
