//! The public site: story list, story pages, free pages, feed and sitemap.
//!
//! Everything here comes from [`PublicStory`] values, which the publishing
//! rules already filtered by consent and anonymised; the only client data
//! read besides them is `outcomes.csv`, and only when the consent has
//! `figures` in scope.

use rayon::prelude::*;
use serde_json::{Value, json};

use super::{Common, text, with};
use crate::charts;
use crate::markdown::{to_plain_text, to_safe_html};
use crate::model::{Page, Project};
use crate::month::Month;
use crate::outcomes::summarise;
use crate::publish::{Anonymiser, PublicStory};

/// A page of the public site: its path under `site/public/` and context.
pub struct PublicPage {
    pub path: String,
    pub template: &'static str,
    pub context: Value,
}

fn canonical(base_url: &str, path: &str) -> String {
    // `path` is e.g. "stories/x/" or "" for the home page.
    format!("{base_url}/{path}")
}

fn nav_pages(pages: &[Page]) -> Vec<Value> {
    pages
        .iter()
        .map(|p| json!({ "href": format!("pages/{}/index.html", p.slug), "title": p.title }))
        .collect()
}

fn public_base(
    c: &Common,
    project: &Project,
    title: &str,
    description: &str,
    root: &str,
    path: &str,
    og_type: &str,
) -> serde_json::Map<String, Value> {
    let mut base = c.base(title, root, "");
    let page_title = if title == c.site_title {
        title.to_string()
    } else {
        format!("{title} — {}", c.site_title)
    };
    base.insert("page_title".into(), json!(page_title));
    base.insert("description".into(), json!(description));
    base.insert("canonical".into(), json!(canonical(&project.config.base_url, path)));
    base.insert("og_type".into(), json!(og_type));
    base.insert("nav_pages".into(), json!(nav_pages(&project.pages)));
    base
}

/// The best-looking outcome for a card: the KPI with the largest
/// improvement, e.g. "Ad CPA −32%".
fn headline(c: &Common, story: &PublicStory, project: &Project, as_of: Month) -> Option<String> {
    if !story.show_figures {
        return None;
    }
    let client = project.client(&story.client_id)?;
    let anon = Anonymiser::for_client(client, &project.config.allow_words);
    summarise(client, as_of)
        .into_iter()
        .filter_map(|o| {
            let ch = o.change?;
            let gain = if o.higher_is_better { ch } else { -ch };
            (gain > 0.0).then_some((gain, o.kpi, ch))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, kpi, ch)| {
            let name = if story.display_name == client.name {
                kpi
            } else {
                anon.apply(&kpi)
            };
            format!(
                "{name} {}{}",
                if ch > 0.0 { "+" } else { "" },
                c.fmt.percent(Some(ch), 0)
            )
        })
}

fn story_outcomes(c: &Common, story: &PublicStory, project: &Project, as_of: Month) -> (Vec<Value>, Vec<String>) {
    if !story.show_figures {
        return (Vec::new(), Vec::new());
    }
    let Some(client) = project.client(&story.client_id) else {
        return (Vec::new(), Vec::new());
    };
    let anonymise = story.display_name != client.name;
    let anon = Anonymiser::for_client(client, &project.config.allow_words);
    let clean = |s: &str| if anonymise { anon.apply(s) } else { s.to_string() };
    let mut rows = Vec::new();
    let mut svgs = Vec::new();
    for o in summarise(client, as_of) {
        let kpi = clean(&o.kpi);
        let unit = clean(&o.unit);
        let show = |v: f64| super::with_unit(c, v, &unit);
        rows.push(json!({
            "kpi": kpi,
            "baseline": show(o.baseline),
            "current": show(o.current),
            "change": o.change.map(|ch| format!("{}{}", if ch > 0.0 { "+" } else { "" }, c.fmt.percent(Some(ch), 1))).unwrap_or_else(|| "—".into()),
        }));
        let dates: Vec<String> = o.history.iter().map(|(d, _)| c.fmt.date(*d)).collect();
        let values: Vec<f64> = o.history.iter().map(|(_, v)| *v).collect();
        let y = if unit.is_empty() {
            kpi.clone()
        } else {
            format!("{kpi} ({unit})")
        };
        svgs.push(charts::outcome_line(
            &text(kpi.clone(), String::new(), c.t("date"), &y),
            &dates,
            &values,
            Some(o.baseline),
            o.target,
            &unit,
            c.t("baseline"),
            c.t("target"),
        ));
    }
    (rows, svgs)
}

/// Every page of `site/public/` (the stylesheet is written separately).
pub fn pages(c: &Common, project: &Project, stories: &[PublicStory], as_of: Month) -> Vec<PublicPage> {
    let mut out = Vec::new();
    let f = &c.fmt;
    let cards: Vec<Value> = stories
        .par_iter()
        .map(|s| {
            json!({
                "href": format!("stories/{}/index.html", s.slug),
                "title": s.title,
                "display_name": s.display_name,
                "industry": s.industry.clone().unwrap_or_default(),
                "summary": s.summary.clone().unwrap_or_default(),
                "headline": headline(c, s, project, as_of).unwrap_or_default(),
            })
        })
        .collect();
    let site_title = project.config.title.clone();
    out.push(PublicPage {
        path: "index.html".into(),
        template: "story_list.html",
        context: with(
            public_base(c, project, &site_title, c.t("stories"), "", "", "website"),
            json!({ "stories": cards }),
        ),
    });
    out.par_extend(stories.par_iter().map(|s| {
        let (outcomes, svgs) = story_outcomes(c, s, project, as_of);
        let description = s
            .summary
            .clone()
            .unwrap_or_else(|| to_plain_text(&s.body_markdown).chars().take(160).collect());
        PublicPage {
            path: format!("stories/{}/index.html", s.slug),
            template: "story.html",
            context: with(
                public_base(
                    c,
                    project,
                    &s.title,
                    &description,
                    "../../",
                    &format!("stories/{}/", s.slug),
                    "article",
                ),
                json!({
                    "story": {
                        "title": s.title,
                        "display_name": s.display_name,
                        "industry": s.industry.clone().unwrap_or_default(),
                        "summary": s.summary.clone().unwrap_or_default(),
                        "quote": s.quote.clone().unwrap_or_default(),
                        "date_label": s.date.map(|d| f.date(d)).unwrap_or_default(),
                        "date_iso": s.date.map(|d| d.to_string()).unwrap_or_default(),
                        "outcomes": outcomes,
                        "charts": svgs,
                        "body_html": to_safe_html(&s.body_markdown),
                    }
                }),
            ),
        }
    }));
    for p in &project.pages {
        let description: String = to_plain_text(&p.markdown).chars().take(160).collect();
        out.push(PublicPage {
            path: format!("pages/{}/index.html", p.slug),
            template: "page.html",
            context: with(
                public_base(
                    c,
                    project,
                    &p.title,
                    &description,
                    "../../",
                    &format!("pages/{}/", p.slug),
                    "website",
                ),
                json!({ "page": { "title": p.title, "body_html": to_safe_html(&p.markdown) } }),
            ),
        });
    }

    // Feed and sitemap dates come from the data, never from the clock.
    let fallback = as_of.last_day();
    let entry_date = |s: &PublicStory| s.date.unwrap_or(fallback);
    let updated = stories.iter().map(entry_date).max().unwrap_or(fallback);
    let base_url = &project.config.base_url;
    let entries: Vec<Value> = stories
        .iter()
        .map(|s| {
            json!({
                "title": s.title,
                "url": canonical(base_url, &format!("stories/{}/", s.slug)),
                "updated": format!("{}T00:00:00Z", entry_date(s)),
                "summary": s.summary.clone().unwrap_or_default(),
            })
        })
        .collect();
    out.push(PublicPage {
        path: "feed.xml".into(),
        template: "feed.xml",
        context: json!({ "lang": c.lang.code(), "site_title": site_title, "base_url": base_url, "updated": format!("{updated}T00:00:00Z"), "stories": entries }),
    });
    let mut urls = vec![json!({ "loc": canonical(base_url, ""), "lastmod": updated.to_string() })];
    for s in stories {
        urls.push(json!({ "loc": canonical(base_url, &format!("stories/{}/", s.slug)), "lastmod": entry_date(s).to_string() }));
    }
    for p in &project.pages {
        urls.push(json!({ "loc": canonical(base_url, &format!("pages/{}/", p.slug)), "lastmod": "" }));
    }
    out.push(PublicPage {
        path: "sitemap.xml".into(),
        template: "sitemap.xml",
        context: json!({ "urls": urls }),
    });
    out
}
