//! The public site: story list, story pages, free pages, feed and sitemap.
//!
//! Everything here comes from one [`PublicSite`] value, which the
//! publishing rules built, filtered by consent and anonymised: these
//! functions cannot reach the project, a client or a real name.

use rayon::prelude::*;
use serde_json::{Value, json};

use super::{Common, text, with};
use crate::charts;
use crate::markdown::to_plain_text;
use crate::publish::{FreePage, PublicSite, PublicStory};

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

fn nav_pages(pages: &[FreePage]) -> Vec<Value> {
    pages
        .iter()
        .map(|p| json!({ "href": format!("pages/{}/index.html", p.slug), "title": p.title }))
        .collect()
}

fn public_base(
    c: &Common,
    site: &PublicSite,
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
    base.insert("canonical".into(), json!(canonical(&site.base_url, path)));
    base.insert("og_type".into(), json!(og_type));
    base.insert("nav_pages".into(), json!(nav_pages(&site.pages)));
    base
}

/// The best-looking outcome for a card, e.g. "Ad CPA −32%".
fn headline(c: &Common, story: &PublicStory) -> Option<String> {
    story.headline().map(|(kpi, ch)| {
        format!(
            "{kpi} {}{}",
            if ch > 0.0 { "+" } else { "" },
            c.fmt.percent(Some(ch), 0)
        )
    })
}

fn story_outcomes(c: &Common, story: &PublicStory) -> (Vec<Value>, Vec<String>) {
    let mut rows = Vec::new();
    let mut svgs = Vec::new();
    for o in &story.outcomes {
        let kpi = o.kpi.clone();
        let unit = o.unit.clone();
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
pub fn pages(c: &Common, site: &PublicSite) -> Vec<PublicPage> {
    let stories = &site.stories;
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
                "headline": headline(c, s).unwrap_or_default(),
            })
        })
        .collect();
    let site_title = site.title.clone();
    out.push(PublicPage {
        path: "index.html".into(),
        template: "story_list.html",
        context: with(
            public_base(c, site, &site_title, c.t("stories"), "", "", "website"),
            json!({ "stories": cards }),
        ),
    });
    out.par_extend(stories.par_iter().map(|s| {
        let (outcomes, svgs) = story_outcomes(c, s);
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
                    site,
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
                        "body_html": s.body_html,
                    }
                }),
            ),
        }
    }));
    for p in &site.pages {
        let description: String = to_plain_text(&p.body_markdown).chars().take(160).collect();
        out.push(PublicPage {
            path: format!("pages/{}/index.html", p.slug),
            template: "page.html",
            context: with(
                public_base(
                    c,
                    site,
                    &p.title,
                    &description,
                    "../../",
                    &format!("pages/{}/", p.slug),
                    "website",
                ),
                json!({ "page": { "title": p.title, "body_html": p.body_html } }),
            ),
        });
    }

    // Feed and sitemap dates come from the data, never from the clock.
    let fallback = site.fallback_date;
    let entry_date = |s: &PublicStory| s.date.unwrap_or(fallback);
    let updated = stories.iter().map(entry_date).max().unwrap_or(fallback);
    let base_url = &site.base_url;
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
    for p in &site.pages {
        urls.push(json!({ "loc": canonical(base_url, &format!("pages/{}/", p.slug)), "lastmod": "" }));
    }
    out.push(PublicPage {
        path: "sitemap.xml".into(),
        template: "sitemap.xml",
        context: json!({ "urls": urls }),
    });
    out
}
