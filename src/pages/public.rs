//! The public site: story list, story pages, lists by industry and service,
//! free pages, 404, robots.txt, feed and sitemap.
//!
//! Everything here comes from one [`PublicSite`] value, which the
//! publishing rules built, filtered by consent and anonymised: these
//! functions cannot reach the project, a client or a real name.

use rayon::prelude::*;
use serde_json::{Value, json};

use super::{Common, with};
use crate::charts;
use crate::markdown::to_plain_text;
use crate::publish::{FreePage, PublicSite, PublicStory, StoryList};

/// A page of the public site: its path under the public folder and context.
pub struct PublicPage {
    pub path: String,
    pub template: &'static str,
    pub context: Value,
}

/// The absolute address of `path` ("stories/x/", "" for the home page), or
/// an empty string without a base URL (templates then leave the link out).
fn canonical(site: &PublicSite, path: &str) -> String {
    site.base_url
        .as_deref()
        .map(|b| format!("{b}/{path}"))
        .unwrap_or_default()
}

fn nav_pages(pages: &[FreePage]) -> Vec<Value> {
    pages
        .iter()
        .map(|p| json!({ "href": format!("pages/{}/index.html", p.slug), "title": p.title }))
        .collect()
}

/// What a page is, for its `<head>`.
struct Head<'a> {
    title: &'a str,
    description: &'a str,
    /// From the page to the site's root: "", "../../".
    root: &'a str,
    /// The page's path under the root, for its canonical address.
    path: &'a str,
    og_type: &'a str,
    /// The page's picture (a path under the root), if any.
    image: Option<&'a str>,
}

fn public_base(c: &Common, site: &PublicSite, head: &Head) -> serde_json::Map<String, Value> {
    let mut base = c.base(head.title, head.root, "");
    let page_title = if head.title == c.site_title {
        head.title.to_string()
    } else {
        format!("{} — {}", head.title, c.site_title)
    };
    base.insert("page_title".into(), json!(page_title));
    base.insert("description".into(), json!(head.description));
    base.insert("canonical".into(), json!(canonical(site, head.path)));
    base.insert("og_type".into(), json!(head.og_type));
    let og_image = head.image.map(|i| canonical(site, i)).unwrap_or_default();
    base.insert("og_image".into(), json!(og_image));
    base.insert("has_feed".into(), json!(site.base_url.is_some()));
    base.insert("nav_pages".into(), json!(nav_pages(&site.pages)));
    base.insert(
        "brand".into(),
        json!({
            "name": site.brand.name.clone().unwrap_or_default(),
            "logo": site.brand.logo.clone().unwrap_or_default(),
            "accent": site.brand.accent.clone().unwrap_or_default(),
        }),
    );
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
            &c.text(kpi.clone(), String::new(), c.t("date"), &y),
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

/// The story cards of a list page whose root is `root`.
fn cards(c: &Common, stories: &[&PublicStory], root: &str) -> Vec<Value> {
    stories
        .par_iter()
        .map(|s| {
            json!({
                "href": format!("{root}stories/{}/index.html", s.slug),
                "title": s.title,
                "display_name": s.display_name,
                "industry": s.industry.clone().unwrap_or_default(),
                "summary": s.summary.clone().unwrap_or_default(),
                "headline": headline(c, s).unwrap_or_default(),
                "image": s.image.as_ref().map(|i| json!({ "src": format!("{root}{}", i.src), "alt": i.alt })),
            })
        })
        .collect()
}

/// Links to the lists of one kind (industries or services) from `root`.
fn list_links(lists: &[StoryList], kind: &str, root: &str) -> Vec<Value> {
    lists
        .iter()
        .map(|l| json!({ "href": format!("{root}{kind}/{}/index.html", l.slug), "name": l.name, "count": l.stories.len() }))
        .collect()
}

/// The JSON-LD `Article` of a story, safe inside `<script>`: `<`, `>` and
/// `&` are written as `\u003c`, `\u003e`, `\u0026`.
fn json_ld(site: &PublicSite, s: &PublicStory, description: &str) -> String {
    let mut article = json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": s.title,
        "description": description,
        "about": s.display_name,
        "publisher": { "@type": "Organization", "name": site.brand.name.clone().unwrap_or_else(|| site.title.clone()) },
    });
    if let Some(d) = s.date {
        article["datePublished"] = json!(d.to_string());
    }
    if site.base_url.is_some() {
        article["url"] = json!(canonical(site, &format!("stories/{}/", s.slug)));
        article["mainEntityOfPage"] = article["url"].clone();
        if let Some(i) = &s.image {
            article["image"] = json!(canonical(site, &i.src));
        }
    }
    article
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Every page of the public site (the stylesheet `css` and `static/` are
/// written separately). Without a base URL there is no feed and no sitemap.
pub fn pages(c: &Common, site: &PublicSite, css: &str) -> Vec<PublicPage> {
    let mut out = vec![home(c, site)];
    out.extend(list_pages(c, site));
    out.par_extend(site.stories.par_iter().map(|s| story_page(c, site, s)));
    out.extend(site.pages.iter().map(|p| free_page(c, site, p)));
    out.push(not_found(c, site, css));
    let sitemap = site.base_url.as_ref().map(|b| format!("{b}/sitemap.xml"));
    out.push(PublicPage {
        path: "robots.txt".into(),
        template: "robots.txt",
        context: json!({ "sitemap": sitemap.unwrap_or_default() }),
    });
    out.extend(feed_and_sitemap(c, site));
    out
}

/// The story list: every story, and links to the lists by industry and
/// service.
fn home(c: &Common, site: &PublicSite) -> PublicPage {
    let all: Vec<&PublicStory> = site.stories.iter().collect();
    let description = site
        .description
        .clone()
        .unwrap_or_else(|| c.t("site_description").to_string());
    PublicPage {
        path: "index.html".into(),
        template: "story_list.html",
        context: with(
            public_base(
                c,
                site,
                &Head {
                    title: &site.title,
                    description: &description,
                    root: "",
                    path: "",
                    og_type: "website",
                    image: None,
                },
            ),
            json!({
                "heading": c.t("stories"),
                "stories": cards(c, &all, ""),
                "industries": list_links(&site.industries, "industries", ""),
                "services": list_links(&site.services, "services", ""),
            }),
        ),
    }
}

/// One page per industry and per service with a published story.
fn list_pages(c: &Common, site: &PublicSite) -> Vec<PublicPage> {
    let mut out = Vec::new();
    for (kind, lists, label) in [
        ("industries", &site.industries, "by_industry"),
        ("services", &site.services, "by_service"),
    ] {
        for l in lists {
            let picked: Vec<&PublicStory> = site.stories.iter().filter(|s| l.stories.contains(&s.slug)).collect();
            let path = format!("{kind}/{}/", l.slug);
            let description = format!("{} {}", c.t(label), l.name);
            out.push(PublicPage {
                path: format!("{path}index.html"),
                template: "story_list.html",
                context: with(
                    public_base(
                        c,
                        site,
                        &Head {
                            title: &l.name,
                            description: &description,
                            root: "../../",
                            path: &path,
                            og_type: "website",
                            image: None,
                        },
                    ),
                    json!({
                        "heading": l.name,
                        "kicker": c.t(label),
                        "stories": cards(c, &picked, "../../"),
                        "industries": [],
                        "services": [],
                    }),
                ),
            });
        }
    }
    out
}

fn story_page(c: &Common, site: &PublicSite, s: &PublicStory) -> PublicPage {
    let f = &c.fmt;
    let (outcomes, svgs) = story_outcomes(c, s);
    let description = s
        .summary
        .clone()
        .unwrap_or_else(|| to_plain_text(&s.body_markdown).chars().take(160).collect());
    let path = format!("stories/{}/", s.slug);
    let link = |lists: &[StoryList], kind: &str, name: &str| {
        lists
            .iter()
            .find(|l| l.name == name)
            .map(|l| format!("../../{kind}/{}/index.html", l.slug))
            .unwrap_or_default()
    };
    let services: Vec<Value> = s
        .services
        .iter()
        .map(|name| json!({ "name": name, "href": link(&site.services, "services", name) }))
        .collect();
    PublicPage {
        path: format!("{path}index.html"),
        template: "story.html",
        context: with(
            public_base(
                c,
                site,
                &Head {
                    title: &s.title,
                    description: &description,
                    root: "../../",
                    path: &path,
                    og_type: "article",
                    image: s.image.as_ref().map(|i| i.src.as_str()),
                },
            ),
            json!({
                "json_ld": json_ld(site, s, &description),
                "story": {
                    "title": s.title,
                    "display_name": s.display_name,
                    "industry": s.industry.clone().unwrap_or_default(),
                    "industry_href": s.industry.as_deref().map(|i| link(&site.industries, "industries", i)).unwrap_or_default(),
                    "services": services,
                    "summary": s.summary.clone().unwrap_or_default(),
                    "quote": s.quote.clone().unwrap_or_default(),
                    "date_label": s.date.map(|d| f.date(d)).unwrap_or_default(),
                    "date_iso": s.date.map(|d| d.to_string()).unwrap_or_default(),
                    "image": s.image.as_ref().map(|i| json!({ "src": format!("../../{}", i.src), "alt": i.alt })),
                    "outcomes": outcomes,
                    "charts": svgs,
                    "body_html": s.body_html,
                }
            }),
        ),
    }
}

fn free_page(c: &Common, site: &PublicSite, p: &FreePage) -> PublicPage {
    let description: String = to_plain_text(&p.body_markdown).chars().take(160).collect();
    let path = format!("pages/{}/", p.slug);
    PublicPage {
        path: format!("{path}index.html"),
        template: "page.html",
        context: with(
            public_base(
                c,
                site,
                &Head {
                    title: &p.title,
                    description: &description,
                    root: "../../",
                    path: &path,
                    og_type: "website",
                    image: None,
                },
            ),
            json!({ "page": { "title": p.title, "body_html": p.body_html } }),
        ),
    }
}

/// A 404 page is served at any address: with a base URL its links are
/// absolute, without one they work from the site's root; its stylesheet
/// is inside, so that it looks right at any address and in a local
/// preview.
fn not_found(c: &Common, site: &PublicSite, css: &str) -> PublicPage {
    let root = site.base_url.as_deref().map(|b| format!("{b}/")).unwrap_or_default();
    let mut context = public_base(
        c,
        site,
        &Head {
            title: c.t("not_found"),
            description: c.t("not_found_text"),
            root: &root,
            path: "404.html",
            og_type: "website",
            image: None,
        },
    );
    context.insert("canonical".into(), json!(""));
    context.insert("inline_css".into(), json!(css.replace("</", "<\\/")));
    PublicPage {
        path: "404.html".into(),
        template: "404.html",
        context: Value::Object(context),
    }
}

/// `feed.xml` and `sitemap.xml`, only with a base URL. Their dates come
/// from the data, never from the clock.
fn feed_and_sitemap(c: &Common, site: &PublicSite) -> Vec<PublicPage> {
    let Some(base_url) = &site.base_url else {
        return Vec::new();
    };
    let stories = &site.stories;
    let fallback = site.fallback_date;
    let entry_date = |s: &PublicStory| s.date.unwrap_or(fallback);
    let updated = stories.iter().map(entry_date).max().unwrap_or(fallback);
    let entries: Vec<Value> = stories
        .iter()
        .map(|s| {
            json!({
                "title": s.title,
                "url": canonical(site, &format!("stories/{}/", s.slug)),
                "updated": format!("{}T00:00:00Z", entry_date(s)),
                "summary": s.summary.clone().unwrap_or_default(),
                "image": s.image.as_ref().map(|i| json!({ "url": canonical(site, &i.src), "type": image_type(&i.src), "alt": i.alt })),
            })
        })
        .collect();
    let author = site.brand.name.clone().unwrap_or_else(|| site.title.clone());
    let feed = PublicPage {
        path: "feed.xml".into(),
        template: "feed.xml",
        context: json!({ "lang": c.lang.code(), "site_title": site.title, "author": author, "base_url": base_url, "updated": format!("{updated}T00:00:00Z"), "stories": entries }),
    };
    let mut urls = vec![json!({ "loc": canonical(site, ""), "lastmod": updated.to_string() })];
    for s in stories {
        urls.push(
            json!({ "loc": canonical(site, &format!("stories/{}/", s.slug)), "lastmod": entry_date(s).to_string() }),
        );
    }
    for (kind, lists) in [("industries", &site.industries), ("services", &site.services)] {
        for l in lists {
            urls.push(json!({ "loc": canonical(site, &format!("{kind}/{}/", l.slug)), "lastmod": "" }));
        }
    }
    for p in &site.pages {
        urls.push(json!({ "loc": canonical(site, &format!("pages/{}/", p.slug)), "lastmod": "" }));
    }
    let sitemap = PublicPage {
        path: "sitemap.xml".into(),
        template: "sitemap.xml",
        context: json!({ "urls": urls }),
    };
    vec![feed, sitemap]
}

/// The media type of a story picture, by its extension (the file itself was
/// checked when `static/` was read).
fn image_type(src: &str) -> &'static str {
    let lower = src.to_ascii_lowercase();
    if lower.ends_with(".png") {
        "image/png"
    } else if lower.ends_with(".svg") {
        "image/svg+xml"
    } else {
        "image/jpeg"
    }
}
