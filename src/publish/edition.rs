//! The client edition of the monthly review (SPEC §7): the one document of
//! the month that leaves the consultancy.
//!
//! [`ClientEdition::new`] is the privacy boundary. It reads one client and
//! the project settings and keeps only what the client may see: its own
//! name, the consultancy's name and brand, the outcomes of the work, the
//! fees of the month (with the month before and a year before), and the
//! month's note without its internal sections. The page that renders it
//! receives nothing else: no [`crate::metrics::ClientMetrics`] (health,
//! segment, touch, signals, LTV, CAC, margin, predictions), no
//! [`crate::model::Project`] (other clients).
//!
//! [`edition_leaks`] is the other half: the names of *other* clients that
//! a client's own text (its note, its invoices, its outcome KPIs) would put
//! into its edition, found with the public leak scan's matcher.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use rust_decimal::Decimal;

use super::MIN_FORBIDDEN_WIDTH;
use super::text::{Decode, HTML_VIEWS, MARKDOWN_RENDERED, Matcher, name_width};
use crate::config::{Config, Lang};
use crate::markdown::{internal_sections, without_internal};
use crate::metrics::invoices_of_month;
use crate::metrics::outcomes::{OutcomeSummary, summarise};
use crate::model::{Client, Project};
use crate::month::Month;

/// Everything the client edition of one month shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientEdition {
    /// The client's folder name: where the file goes (`client/<id>/`); not printed.
    pub client_id: String,
    /// "Prepared for …".
    pub client_name: String,
    /// "… by …": `[brand] name`, else the project's `title`.
    pub consultancy: String,
    /// The client's `lang`, else the project's.
    pub lang: Lang,
    pub currency: String,
    pub month: Month,
    /// The brand's logo as a `data:` URI (the file stays self-contained).
    pub logo: Option<String>,
    /// The brand's accent colour, `#rrggbb`.
    pub accent: Option<String>,
    /// Outcome KPIs as of the month, sorted by KPI name.
    pub outcomes: Vec<OutcomeSummary>,
    /// The invoices of the month, called fees, in date order.
    pub fees: Vec<Fee>,
    pub fees_total: Decimal,
    /// Fees of the month before; `None` before the client started.
    pub fees_previous_month: Option<Decimal>,
    /// Fees of the same month a year before; `None` before the client started.
    pub fees_year_ago: Option<Decimal>,
    /// The month's note without its internal sections; `None` without a
    /// note, or when nothing but internal sections is in it.
    pub note: Option<EditionNote>,
}

/// One invoice as the client sees it (no kind: "upsell" and "cross-sell"
/// are the consultancy's words about the client).
#[derive(Clone, Debug, PartialEq)]
pub struct Fee {
    pub date: Date,
    pub service: String,
    pub description: String,
    pub amount: Decimal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EditionNote {
    pub title: Option<String>,
    /// Markdown (render with [`crate::markdown::to_safe_html`]).
    pub markdown: String,
}

/// Where the client edition of `id`'s review of `month` goes, relative to
/// the output: `client/<id>/<YYYY-MM>.html` (a folder per client, holding
/// nothing of anyone else).
pub fn edition_path(id: &str, month: Month) -> String {
    format!("client/{id}/{month}.html")
}

/// The language of a client's monthly reviews, both editions: its own
/// `lang`, else the project's.
pub fn review_lang(config: &Config, client: &Client) -> Lang {
    client.lang.unwrap_or(config.lang)
}

/// Who prepares the client edition: `[brand] name`, else the project title.
pub fn consultancy_name(config: &Config) -> &str {
    config.brand.name.as_deref().unwrap_or(&config.title)
}

impl ClientEdition {
    /// The client edition of `client` for `month` (data after the month's
    /// last day is ignored, as everywhere).
    pub fn new(config: &Config, client: &Client, month: Month) -> ClientEdition {
        let of_month = invoices_of_month(client, month);
        let started = client.start_month();
        let fees_in = |m: Month| started.filter(|s| *s <= m).map(|_| invoices_of_month(client, m).total);
        let note = client.notes.iter().find(|n| n.month == month).and_then(|n| {
            let markdown = without_internal(&n.markdown);
            (!markdown.trim().is_empty() || n.title.is_some()).then(|| EditionNote {
                title: n.title.clone(),
                markdown,
            })
        });
        ClientEdition {
            client_id: client.id.clone(),
            client_name: client.name.clone(),
            consultancy: consultancy_name(config).to_string(),
            lang: review_lang(config, client),
            currency: config.currency.clone(),
            month,
            logo: config.brand.logo.as_ref().map(|l| l.data_uri()),
            accent: config.brand.accent.clone(),
            outcomes: summarise(client, month),
            fees: of_month
                .invoices
                .iter()
                .map(|i| Fee {
                    date: i.date,
                    service: i.service.clone(),
                    description: i.description.clone(),
                    amount: i.amount,
                })
                .collect(),
            fees_total: of_month.total,
            fees_previous_month: fees_in(month.plus(-1)),
            fees_year_ago: fees_in(month.plus(-12)),
            note,
        }
    }
}

/// Another client's name (or `aka`) that a client's own files would put
/// into its client edition.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EditionLeak {
    /// The file that holds it, relative to the project.
    pub path: PathBuf,
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// Whose edition would show it.
    pub client_id: String,
    /// Whose name it is.
    pub other_id: String,
    /// The text as it stands in the file.
    pub matched: String,
}

impl EditionLeak {
    /// What is wrong and how to mend it (the place is `path`, `line`, `column`).
    pub fn message(&self) -> String {
        format!(
            "{:?} names client `{}`; the client edition of `{}` would show it (reword it, or move it under an `## Internal` heading)",
            self.matched, self.other_id, self.client_id
        )
    }

    /// Adds the finding to `diags`, as an error or a warning.
    pub fn report(&self, diags: &mut crate::diag::Diagnostics, as_error: bool) {
        if as_error {
            diags.error(&self.path, self.line, self.column, self.message());
        } else {
            diags.warning(&self.path, self.line, self.column, self.message());
        }
    }
}

/// Every place where a client's own files would put another client's name
/// or `aka` into its client edition: the month notes outside their internal
/// sections (with line and column), and the service and description of its
/// invoices and the KPI and unit of its outcomes (with the line). Names are
/// matched with the public leak scan's matcher (case, width, accents,
/// separators, markup; names shorter than
/// [`MIN_FORBIDDEN_WIDTH`] columns are not searched), and a client's own
/// name hides a shorter name inside it (`Hinode` is not reported inside
/// `Hinode Foods`, its own client's name). Sorted; files are read again
/// only to place a finding.
pub fn edition_leaks(project: &Project) -> Vec<EditionLeak> {
    let names = Matcher::new(project.clients.iter().flat_map(|c| {
        std::iter::once(c.name.as_str())
            .chain(c.aka.iter().map(String::as_str))
            .filter(|n| name_width(n).is_some_and(|w| w >= MIN_FORBIDDEN_WIDTH))
            .map(move |n| (n, c.id.as_str()))
    }));
    if names.is_empty() {
        return Vec::new();
    }
    // Invoice and outcome fields repeat across clients and months
    // ("Monthly retainer", "Ad CPA"): each distinct text is searched once.
    let mut fields: Vec<&str> = project
        .clients
        .iter()
        .flat_map(|c| {
            c.invoices
                .iter()
                .flat_map(|i| [i.service.as_str(), i.description.as_str()])
                .chain(c.outcomes.iter().flat_map(|o| [o.kpi.as_str(), o.unit.as_str()]))
        })
        .collect();
    fields.par_sort_unstable();
    fields.dedup();
    let found: FieldHits = fields
        .par_iter()
        .filter_map(|text| {
            let hits: Vec<(Range<usize>, Vec<&str>)> = names
                .find_views(text, &HTML_VIEWS)
                .into_iter()
                .map(|h| (h.range, h.tags.to_vec()))
                .collect();
            (!hits.is_empty()).then_some((*text, hits))
        })
        .collect();
    let mut out: Vec<EditionLeak> = project
        .clients
        .par_iter()
        .flat_map_iter(|c| client_leaks(&project.root, c, &names, &found))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// How a note is read for other clients' names: as written, and as its
/// rendering reads (markup and raw HTML read through, `&amp;` and `\&`
/// decoded). The public scan's further views (percent-encoding, HTML
/// rules inside markdown) look for names hidden on purpose; a consultant's
/// note mentions a client plainly, and each view costs a pass over every
/// note of the project.
const NOTE_VIEWS: [Decode; 2] = [Decode::PLAIN, MARKDOWN_RENDERED];

/// Hits of other clients' names in `text`: (byte range, other id).
fn others(names: &Matcher<&str>, own: &str, text: &str, views: &[Decode]) -> Vec<(Range<usize>, String)> {
    let mut hits: Vec<(Range<usize>, String)> = names
        .find_views(text, views)
        .into_iter()
        .filter(|h| !h.tags.contains(&own))
        .flat_map(|h| h.tags.iter().map(move |id| (h.range.clone(), id.to_string())))
        .collect();
    hits.sort_by(|a, b| (a.0.start, a.0.end, &a.1).cmp(&(b.0.start, b.0.end, &b.1)));
    hits.dedup();
    hits
}

/// Hits of names in the distinct invoice and outcome texts: (range, whose).
type FieldHits<'t, 'n> = HashMap<&'t str, Vec<(Range<usize>, Vec<&'n str>)>>;

fn client_leaks(root: &Path, c: &Client, names: &Matcher<&str>, fields: &FieldHits) -> Vec<EditionLeak> {
    let mut out = Vec::new();
    let leak = |path: &Path, line, column, other: String, matched: &str| EditionLeak {
        path: path.to_path_buf(),
        line,
        column,
        client_id: c.id.clone(),
        other_id: other,
        matched: matched.to_string(),
    };
    for note in &c.notes {
        let internal = internal_sections(&note.markdown);
        let title = note.title.as_deref().unwrap_or("");
        let in_title = others(names, &c.id, title, &NOTE_VIEWS);
        let in_body = others(names, &c.id, &note.markdown, &NOTE_VIEWS);
        if in_title.is_empty() && in_body.is_empty() {
            continue;
        }
        // The note as it is on disk: its body is the end of the file.
        let file = std::fs::read_to_string(root.join(&note.path)).ok();
        let body_at = file
            .as_deref()
            .filter(|f| f.ends_with(note.markdown.as_str()))
            .map(|f| f.len() - note.markdown.len());
        for (range, other) in in_title {
            let at = file
                .as_deref()
                .and_then(|f| find_line(f, "title", &title[range.clone()]));
            out.push(leak(&note.path, at.map(|a| a.0), at.map(|a| a.1), other, &title[range]));
        }
        for (range, other) in in_body {
            if internal.iter().any(|s| s.range.contains(&range.start)) {
                continue;
            }
            let (line, column) = match (&file, body_at) {
                (Some(f), Some(at)) => line_column(f, at + range.start),
                _ => line_column(&note.markdown, range.start),
            };
            let line = body_at.map(|_| line);
            let column = body_at.map(|_| column);
            out.push(leak(&note.path, line, column, other, &note.markdown[range]));
        }
    }
    let data = PathBuf::from("data/clients").join(&c.id);
    let in_data = c
        .invoices
        .iter()
        .flat_map(|i| {
            [
                (&i.service, i.line, "invoices.csv"),
                (&i.description, i.line, "invoices.csv"),
            ]
        })
        .chain(
            c.outcomes
                .iter()
                .flat_map(|o| [(&o.kpi, o.line, "outcomes.csv"), (&o.unit, o.line, "outcomes.csv")]),
        );
    for (text, line, file) in in_data {
        let Some(hits) = fields.get(text.as_str()) else {
            continue;
        };
        let mut others: Vec<(Range<usize>, &str)> = hits
            .iter()
            .filter(|(_, tags)| !tags.contains(&c.id.as_str()))
            .flat_map(|(r, tags)| tags.iter().map(move |t| (r.clone(), *t)))
            .collect();
        others.sort_by(|a, b| (a.0.start, a.0.end, a.1).cmp(&(b.0.start, b.0.end, b.1)));
        others.dedup();
        for (range, other) in others {
            let other = other.to_string();
            let path = data.join(file);
            let column = std::fs::read_to_string(root.join(&path))
                .ok()
                .and_then(|f| f.lines().nth(line.saturating_sub(1) as usize).map(str::to_string))
                .and_then(|l| l.find(&text[range.clone()]).map(|b| l[..b].chars().count() as u64 + 1));
            out.push(leak(&path, Some(line), column, other, &text[range]));
        }
    }
    out
}

/// 1-based line and column (in characters) of byte `at` of `text`.
fn line_column(text: &str, at: usize) -> (u64, u64) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() as u64 + 1)
}

/// Line and column of `needle` on the line of front-matter key `key`.
fn find_line(file: &str, key: &str, needle: &str) -> Option<(u64, u64)> {
    let line = crate::diag::key_line(file, key)?;
    let text = file.lines().nth(line as usize - 1)?;
    let byte = text.find(needle)?;
    Some((line, text[..byte].chars().count() as u64 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Invoice, InvoiceKind, Note};
    use jiff::civil::date;

    fn month(y: i32, m: u32) -> Month {
        Month::new(y, m).unwrap()
    }

    fn invoice(d: Date, amount: i64) -> Invoice {
        Invoice {
            date: d,
            amount: Decimal::from(amount),
            service: "Ads".into(),
            kind: InvoiceKind::Upsell,
            kind_inferred: false,
            description: "October retainer".into(),
            line: 2,
        }
    }

    fn client() -> Client {
        Client {
            invoices: vec![
                invoice(date(2025, 10, 31), 100_000),
                invoice(date(2026, 9, 30), 200_000),
                invoice(date(2026, 10, 1), 300_000),
                invoice(date(2026, 10, 20), -50_000),
            ],
            notes: vec![Note {
                month: month(2026, 10),
                title: Some("October review".into()),
                markdown: "## Results\n\nGood.\n\n## Internal\n\nPrice rise.\n\n## Decisions\n\n- Go.\n".into(),
                path: "content/clients/a/notes/2026-10.md".into(),
            }],
            lang: Some(Lang::Ja),
            ..Client::new("a", "Alpha Foods")
        }
    }

    #[test]
    fn the_edition_keeps_what_the_client_may_see() {
        let mut config = Config::with_defaults("Studio — reviews", "JPY");
        let e = ClientEdition::new(&config, &client(), month(2026, 10));
        assert_eq!(e.client_name, "Alpha Foods");
        assert_eq!(e.consultancy, "Studio — reviews", "no brand: the title");
        assert_eq!(e.lang, Lang::Ja, "the client's lang wins");
        assert_eq!(e.fees.len(), 2);
        // 300,000 − 50,000; September 200,000; October 2025 100,000.
        assert_eq!(e.fees_total, Decimal::from(250_000));
        assert_eq!(e.fees_previous_month, Some(Decimal::from(200_000)));
        assert_eq!(e.fees_year_ago, Some(Decimal::from(100_000)));
        let note = e.note.unwrap();
        assert_eq!(note.markdown, "## Results\n\nGood.\n\n## Decisions\n\n- Go.\n");
        config.brand.name = Some("Studio".into());
        let e = ClientEdition::new(&config, &client(), month(2025, 10));
        assert_eq!(e.consultancy, "Studio");
        assert_eq!(e.fees_previous_month, None, "the client had not started");
        assert_eq!(e.fees_year_ago, None);
        assert_eq!(e.note, None);
    }

    #[test]
    fn a_note_of_internal_sections_only_gives_no_note() {
        let mut c = client();
        c.notes[0].title = None;
        c.notes[0].markdown = "## Internal\n\nAll of it.\n".into();
        let e = ClientEdition::new(&Config::with_defaults("S", "JPY"), &c, month(2026, 10));
        assert_eq!(e.note, None);
    }

    #[test]
    fn leaks_name_other_clients_outside_internal_sections_only() {
        let mut a = client();
        a.notes[0].markdown =
            "## Results\n\nLike BETA corp did.\n\n## Internal\n\nBeta Corp pays more.\n\nAlpha Foods itself.\n".into();
        a.invoices[1].description = "Referral of Gamma".into();
        let mut b = Client::new("b", "Beta Corp");
        b.aka = vec!["Gamma".into()];
        let project = Project {
            root: PathBuf::from("/nonexistent"),
            config: Config::with_defaults("S", "JPY"),
            clients: vec![a, b],
            pages: Vec::new(),
            fingerprints: Default::default(),
            config_fingerprint: String::new(),
        };
        let leaks = edition_leaks(&project);
        let found: Vec<(String, String, Option<u64>)> = leaks
            .iter()
            .map(|l| (l.path.display().to_string(), l.matched.clone(), l.line))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "content/clients/a/notes/2026-10.md".to_string(),
                    "BETA corp".to_string(),
                    None
                ),
                ("data/clients/a/invoices.csv".to_string(), "Gamma".to_string(), Some(2)),
            ]
        );
        assert!(leaks.iter().all(|l| l.client_id == "a" && l.other_id == "b"));
    }
}
