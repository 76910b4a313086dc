//! A public site you can deploy (SPEC §9, issue 16): its own name and
//! address, its own folder, static files and pictures without metadata,
//! and every page valid: HTML parsed by html5ever, the feed and the sitemap
//! by an XML parser, every link followed to a file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};

use crate::common::*;

const INTERNAL_TITLE: &str = "Consent fixture studio";
const PUBLIC_TITLE: &str = "Studio stories";
const BASE: &str = "https://example.com/cases/";

/// A 64×40 JPEG with an EXIF `Artist` (and nothing else added) naming
/// `artist`.
fn jpeg_with_artist(artist: &str) -> Vec<u8> {
    let plain = fs::read(repo().join("tests/fixtures/images/plain.jpg")).unwrap();
    let value = format!("{artist}\0");
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x3b\0\x02".to_vec();
    exif.extend_from_slice(&(value.len() as u32).to_be_bytes());
    exif.extend_from_slice(&26u32.to_be_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0]);
    exif.extend_from_slice(value.as_bytes());
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&plain[2..]);
    out
}

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 20\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#0b6e4f\"/></svg>\n";

/// The consent fixture with a public title, a brand with a logo, a base
/// URL (when given), `static/` with a logo, a text file and a JPEG whose
/// EXIF names the anonymised client, used as that story's picture.
fn deployable(base_url: Option<&str>) -> tempfile::TempDir {
    let p = copy_project(&repo().join("tests/fixtures/consent"));
    let root = p.path();
    let toml = root.join("casebook.toml");
    let text = fs::read_to_string(&toml)
        .unwrap()
        .replace("base_url = \"https://stories.example.org\"\n", "");
    let base = base_url.map(|b| format!("base_url = \"{b}\"\n")).unwrap_or_default();
    fs::write(
        &toml,
        format!(
            "{text}\n[public]\ntitle = \"{PUBLIC_TITLE}\"\ndescription = \"Stories we may tell.\"\n{base}\n[brand]\nname = \"Studio Co\"\nlogo = \"logo.svg\"\naccent = \"#0b6e4f\"\n"
        ),
    )
    .unwrap();
    fs::create_dir_all(root.join("static/images")).unwrap();
    fs::write(root.join("static/logo.svg"), LOGO).unwrap();
    fs::write(root.join("static/images/team.jpg"), jpeg_with_artist("Zephyr Widgets")).unwrap();
    fs::write(root.join("static/notes.txt"), "Plain words.\n").unwrap();
    // The fixture's story shows a picture that is not there; here it is.
    replace_in(
        &root.join("content/clients/anon-co/story.md"),
        "](logo.png)",
        "](../../logo.svg)",
    );
    replace_in(
        &root.join("content/clients/anon-co/story.md"),
        "[consent]",
        "image = \"images/team.jpg\"\nimage_alt = \"The Zephyr Widgets team at work\"\n[consent]",
    );
    p
}

fn public_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(&root.join("site/public"))
}

fn text(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join("site/public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

// ------------------------------------------------------------- HTML reading

/// A page as html5ever reads it: its parse errors and its elements.
struct Html {
    errors: Vec<String>,
    /// (element name, attributes, text inside) in document order.
    elements: Vec<(String, BTreeMap<String, String>, String)>,
}

fn parse_html(bytes: &[u8]) -> Html {
    let dom: RcDom = html5ever::parse_document(RcDom::default(), Default::default())
        .from_utf8()
        .read_from(&mut &bytes[..])
        .unwrap();
    let mut elements = Vec::new();
    walk(&dom.document, &mut elements);
    Html {
        errors: dom.errors.borrow().iter().map(|e| e.to_string()).collect(),
        elements,
    }
}

fn walk(node: &Handle, out: &mut Vec<(String, BTreeMap<String, String>, String)>) {
    if let NodeData::Element { name, attrs, .. } = &node.data {
        let attrs = attrs
            .borrow()
            .iter()
            .map(|a| (a.name.local.to_string(), a.value.to_string()))
            .collect();
        out.push((name.local.to_string(), attrs, text_of(node)));
    }
    for child in node.children.borrow().iter() {
        walk(child, out);
    }
}

fn text_of(node: &Handle) -> String {
    let mut s = String::new();
    if let NodeData::Text { contents } = &node.data {
        s.push_str(&contents.borrow());
    }
    for child in node.children.borrow().iter() {
        s.push_str(&text_of(child));
    }
    s
}

impl Html {
    fn all(&self, name: &str) -> Vec<&BTreeMap<String, String>> {
        self.elements.iter().filter(|e| e.0 == name).map(|e| &e.1).collect()
    }

    fn meta(&self, key: &str) -> Option<&str> {
        self.all("meta")
            .into_iter()
            .find(|a| a.get("name").or(a.get("property")).map(String::as_str) == Some(key))
            .and_then(|a| a.get("content").map(String::as_str))
    }

    fn link(&self, rel: &str) -> Option<&str> {
        self.all("link")
            .into_iter()
            .find(|a| a.get("rel").map(String::as_str) == Some(rel))
            .and_then(|a| a.get("href").map(String::as_str))
    }
}

/// Every HTML page of the public site, parsed.
fn pages(root: &Path) -> Vec<(String, Html)> {
    public_tree(root)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            let html = parse_html(&b);
            (p, html)
        })
        .collect()
}

/// `path` with `.` and `..` resolved; `None` when it climbs above the root.
fn normal(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The file under the public folder that `url` (found on page `page`)
/// points at, or `None` for an address outside the site.
fn target(page: &str, url: &str, base: Option<&str>) -> Option<Result<String, String>> {
    let url = url.split(['#', '?']).next().unwrap_or("");
    let rel = if let Some(rest) = base.and_then(|b| url.strip_prefix(b)) {
        rest.to_string()
    } else if url.is_empty() || url.contains(':') || url.starts_with("//") {
        return None;
    } else if url.starts_with('/') {
        return Some(Err(format!("{url}: a root-relative address breaks under a sub-path")));
    } else {
        let dir = page.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        format!("{dir}/{url}")
    };
    let Some(mut rel) = normal(&rel) else {
        return Some(Err(format!("{url}: climbs out of the site")));
    };
    if rel.is_empty() || url.ends_with('/') {
        rel = format!("{rel}/index.html").trim_start_matches('/').to_string();
    }
    Some(Ok(rel))
}

// ------------------------------------------------------------------- tests

#[test]
fn the_public_title_is_used_and_the_internal_title_never() {
    let p = deployable(Some(BASE));
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let files = public_tree(p.path());
    for (path, bytes) in &files {
        let t = String::from_utf8_lossy(bytes);
        assert!(!t.contains(INTERNAL_TITLE), "{path} shows the internal title");
    }
    for rel in [
        "index.html",
        "stories/full-story/index.html",
        "404.html",
        "pages/about/index.html",
    ] {
        let html = parse_html(files[rel].as_slice());
        assert_eq!(html.meta("og:site_name"), Some(PUBLIC_TITLE), "{rel}");
        let header = html
            .all("a")
            .into_iter()
            .any(|a| a.get("class").map(String::as_str) == Some("brand"));
        assert!(header, "{rel}: no brand link in the header");
        assert!(
            text(p.path(), rel).contains(&format!("<span>{PUBLIC_TITLE}</span>")),
            "{rel}"
        );
    }
    let feed = text(p.path(), "feed.xml");
    assert!(feed.contains(&format!("<title>{PUBLIC_TITLE}</title>")), "{feed}");
    assert!(feed.contains("<author><name>Studio Co</name></author>"), "{feed}");
    // Without [public] title or a brand name: a label, still not the
    // internal title.
    let p = copy_project(&repo().join("tests/fixtures/consent"));
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    for (path, bytes) in public_tree(p.path()) {
        assert!(!String::from_utf8_lossy(&bytes).contains(INTERNAL_TITLE), "{path}");
    }
    assert!(text(p.path(), "index.html").contains("<title>Success stories</title>"));
}

#[test]
fn base_url_from_settings_or_flag_makes_every_address_absolute() {
    for (setting, flag) in [
        (Some("https://stories.example.net/"), None),
        (None, Some("https://stories.example.net")),
    ] {
        let p = deployable(setting);
        let extra: Vec<&str> = flag.map(|f| vec!["--base-url", f]).unwrap_or_default();
        let (code, _, stderr) = build(p.path(), &extra);
        assert_eq!(code, 0, "{stderr}");
        assert!(!stderr.contains("no base_url"), "{stderr}");
        let story = parse_html(text(p.path(), "stories/how-a-widget-maker-cut-ad-costs/index.html").as_bytes());
        let url = "https://stories.example.net/stories/how-a-widget-maker-cut-ad-costs/";
        assert_eq!(story.link("canonical"), Some(url));
        assert_eq!(story.meta("og:url"), Some(url));
        assert_eq!(
            story.meta("og:image"),
            Some("https://stories.example.net/images/team.jpg")
        );
        let feed = text(p.path(), "feed.xml");
        assert!(feed.contains(&format!("<id>{url}</id>")), "{feed}");
        assert!(
            feed.contains(
                "<link rel=\"enclosure\" type=\"image/jpeg\" href=\"https://stories.example.net/images/team.jpg\""
            ),
            "{feed}"
        );
        let sitemap = text(p.path(), "sitemap.xml");
        assert!(sitemap.contains(&format!("<loc>{url}</loc>")), "{sitemap}");
        assert!(sitemap.contains("<loc>https://stories.example.net/</loc>"), "{sitemap}");
        assert_eq!(
            text(p.path(), "robots.txt"),
            "User-agent: *\nAllow: /\nSitemap: https://stories.example.net/sitemap.xml\n"
        );
    }
    // The flag wins over the setting, and a bad address is refused.
    let p = deployable(Some("https://old.example.com"));
    let (code, _, stderr) = build(p.path(), &["--base-url", "https://new.example.com/x/"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(text(p.path(), "sitemap.xml").contains("<loc>https://new.example.com/x/</loc>"));
    let (code, _, stderr) = build(p.path(), &["--base-url", "example.com"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("https://"), "{stderr}");
}

#[test]
fn without_a_base_url_the_site_is_valid_and_one_warning_says_why() {
    let p = deployable(None);
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("no base_url").count(), 1, "{stderr}");
    assert!(stderr.contains("casebook.toml: warning: no base_url"), "{stderr}");
    let files = public_tree(p.path());
    assert!(!files.contains_key("feed.xml") && !files.contains_key("sitemap.xml"));
    assert_eq!(text(p.path(), "robots.txt"), "User-agent: *\nAllow: /\n");
    for (path, html) in pages(p.path()) {
        assert!(html.errors.is_empty(), "{path}: {:?}", html.errors);
        assert_eq!(html.link("canonical"), None, "{path}");
        assert_eq!(html.meta("og:url"), None, "{path}");
        assert_eq!(html.meta("og:image"), None, "{path}");
        assert!(
            !text(p.path(), &path).contains("feed.xml"),
            "{path} links the missing feed"
        );
    }
    assert_links_resolve(p.path(), None);
}

/// Every `href` and `src` of every page leads to a file of the site.
fn assert_links_resolve(root: &Path, base: Option<&str>) {
    let files = public_tree(root);
    let mut checked = 0;
    for (path, html) in pages(root) {
        for (name, attrs, _) in &html.elements {
            for key in ["href", "src"] {
                let Some(url) = attrs.get(key) else { continue };
                if url.starts_with("data:") {
                    continue;
                }
                match target(&path, url, base) {
                    None => {}
                    Some(Err(e)) => panic!("{path}: <{name} {key}>: {e}"),
                    Some(Ok(rel)) => {
                        assert!(
                            files.contains_key(&rel),
                            "{path}: <{name} {key}=\"{url}\"> leads to missing {rel}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn a_sub_path_base_url_keeps_every_link_working() {
    let p = deployable(Some(BASE));
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_links_resolve(p.path(), Some(BASE));
    // The absolute addresses of the feed and the sitemap lead to files too.
    let files = public_tree(p.path());
    for doc in ["feed.xml", "sitemap.xml"] {
        let xml = text(p.path(), doc);
        let parsed = roxmltree::Document::parse(&xml).unwrap();
        let urls: Vec<String> = parsed
            .descendants()
            .filter_map(|n| {
                if n.has_tag_name("loc") || n.has_tag_name("id") {
                    n.text().map(str::to_string)
                } else if n.has_tag_name("link") {
                    n.attribute("href").map(str::to_string)
                } else {
                    None
                }
            })
            .collect();
        assert!(urls.len() >= 5, "{doc}: {urls:?}");
        for url in urls {
            let rel = match target("", &url, Some(BASE)) {
                Some(Ok(rel)) => rel,
                other => panic!("{doc}: {url} is not inside the site: {other:?}"),
            };
            assert!(files.contains_key(&rel), "{doc}: {url} -> missing {rel}");
        }
    }
    // The 404 page works at any address: its links are absolute.
    let not_found = parse_html(&files["404.html"]);
    let hrefs: Vec<&String> = not_found.all("a").into_iter().filter_map(|a| a.get("href")).collect();
    assert!(hrefs.iter().any(|h| *h == &format!("{BASE}index.html")), "{hrefs:?}");
}

#[test]
fn every_page_is_valid_html_with_the_basics() {
    let p = deployable(Some(BASE));
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let pages = pages(p.path());
    assert!(pages.len() >= 10, "{}", pages.len());
    for (path, html) in &pages {
        assert!(html.errors.is_empty(), "{path}: {:?}", html.errors);
        assert_eq!(html.all("h1").len(), 1, "{path}: one h1");
        let lang = html.all("html")[0].get("lang").cloned().unwrap_or_default();
        assert_eq!(lang, "en", "{path}");
        let description = html.meta("description").unwrap_or("");
        assert!(!description.trim().is_empty(), "{path}: meta description");
        assert!(!html.all("title").is_empty(), "{path}: title");
        for img in html.all("img") {
            let alt = img.get("alt").map(|a| a.trim()).unwrap_or("");
            assert!(!alt.is_empty(), "{path}: <img> without alt: {img:?}");
        }
    }
    // The story's picture: on the page and on its card, with anonymised alt.
    let story = &pages
        .iter()
        .find(|(p, _)| p == "stories/how-a-widget-maker-cut-ad-costs/index.html")
        .unwrap()
        .1;
    let img = story
        .all("img")
        .into_iter()
        .find(|i| i.get("src").map(String::as_str) == Some("../../images/team.jpg"));
    assert_eq!(
        img.and_then(|i| i.get("alt")).map(String::as_str),
        Some("The a widget maker team at work")
    );
    let index = &pages.iter().find(|(p, _)| p == "index.html").unwrap().1;
    assert!(
        index
            .all("img")
            .iter()
            .any(|i| i.get("src").map(String::as_str) == Some("images/team.jpg"))
    );
    // JSON-LD Article on each story.
    for (path, html) in pages.iter().filter(|(p, _)| p.starts_with("stories/")) {
        let script = html
            .elements
            .iter()
            .find(|e| e.0 == "script" && e.1.get("type").map(String::as_str) == Some("application/ld+json"))
            .unwrap_or_else(|| panic!("{path}: no JSON-LD"));
        let ld: serde_json::Value = serde_json::from_str(&script.2).unwrap();
        assert_eq!(ld["@type"], "Article", "{path}");
        assert_eq!(ld["@context"], "https://schema.org", "{path}");
        assert!(ld["headline"].as_str().is_some_and(|h| !h.is_empty()), "{path}");
        assert!(ld["url"].as_str().is_some_and(|u| u.starts_with(BASE)), "{path}");
    }
}

#[test]
fn feed_is_atom_and_sitemap_follows_the_schema() {
    let p = deployable(Some(BASE));
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let atom = "http://www.w3.org/2005/Atom";
    let feed = text(p.path(), "feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let root = doc.root_element();
    assert_eq!(
        (root.tag_name().namespace(), root.tag_name().name()),
        (Some(atom), "feed")
    );
    let child = |n: roxmltree::Node, name: &str| n.children().filter(|c| c.has_tag_name((atom, name))).count();
    let rfc3339 = |s: &str| {
        s.len() == 20 && s.ends_with('Z') && s.as_bytes()[10] == b'T' && s[..10].parse::<jiff::civil::Date>().is_ok()
    };
    for required in ["id", "title", "updated", "author"] {
        assert_eq!(child(root, required), 1, "feed/{required}");
    }
    let entries: Vec<roxmltree::Node> = root.children().filter(|c| c.has_tag_name((atom, "entry"))).collect();
    assert_eq!(entries.len(), 5);
    for e in &entries {
        for required in ["id", "title", "updated"] {
            assert_eq!(child(*e, required), 1, "entry/{required}");
        }
        let updated = e
            .children()
            .find(|c| c.has_tag_name((atom, "updated")))
            .unwrap()
            .text()
            .unwrap();
        assert!(rfc3339(updated), "{updated}");
        assert!(
            e.children()
                .any(|c| c.has_tag_name((atom, "link")) && c.attribute("rel") == Some("alternate"))
        );
    }
    let sitemap = text(p.path(), "sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    let root = doc.root_element();
    assert_eq!(
        (root.tag_name().namespace(), root.tag_name().name()),
        (Some(ns), "urlset")
    );
    let mut locs = Vec::new();
    for url in root.children().filter(|c| c.is_element()) {
        assert_eq!((url.tag_name().namespace(), url.tag_name().name()), (Some(ns), "url"));
        let kids: Vec<&str> = url
            .children()
            .filter(|c| c.is_element())
            .map(|c| c.tag_name().name())
            .collect();
        assert!(
            kids.first() == Some(&"loc")
                && kids
                    .iter()
                    .all(|k| ["loc", "lastmod", "changefreq", "priority"].contains(k)),
            "{kids:?}"
        );
        let loc = url
            .children()
            .find(|c| c.has_tag_name((ns, "loc")))
            .unwrap()
            .text()
            .unwrap();
        assert!(loc.starts_with(BASE) && loc.len() < 2048, "{loc}");
        if let Some(m) = url.children().find(|c| c.has_tag_name((ns, "lastmod"))) {
            assert!(m.text().unwrap().parse::<jiff::civil::Date>().is_ok());
        }
        locs.push(loc.to_string());
    }
    let mut unique = locs.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), locs.len(), "{locs:?}");
    assert!(locs.contains(&format!("{BASE}industries/retail/")), "{locs:?}");
}

#[test]
fn static_files_are_copied_and_pictures_lose_their_metadata() {
    let p = deployable(Some(BASE));
    let original = fs::read(p.path().join("static/images/team.jpg")).unwrap();
    assert!(String::from_utf8_lossy(&original).contains("Zephyr Widgets"));
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let files = public_tree(p.path());
    let published = &files["images/team.jpg"];
    assert!(
        !String::from_utf8_lossy(published).contains("Zephyr"),
        "the EXIF Artist is gone"
    );
    assert!(!published.windows(4).any(|w| w == b"Exif"));
    // Still the same picture: the frame and scan data are untouched.
    let plain = fs::read(repo().join("tests/fixtures/images/plain.jpg")).unwrap();
    assert!(published.ends_with(&plain[plain.len() - 200..]));
    assert_eq!(files["notes.txt"], b"Plain words.\n");
    assert_eq!(files["logo.svg"], LOGO.as_bytes());
    // A name in a text file or a file name of static/ fails the build like
    // any page; a GIF cannot be cleaned and is refused.
    for (name, body) in [
        ("thanks.txt", b"Thanks, Zephyr Widgets!".to_vec()),
        ("zw-holdings.svg", LOGO.as_bytes().to_vec()),
    ] {
        let p = deployable(Some(BASE));
        fs::write(p.path().join("static").join(name), body).unwrap();
        let (code, _, stderr) = build(p.path(), &[]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.contains(name) && stderr.contains("client anon-co"), "{stderr}");
    }
    let p = deployable(Some(BASE));
    fs::write(p.path().join("static/anim.gif"), b"GIF89a\x01\x00\x01\x00").unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("static/anim.gif: a GIF file"), "{stderr}");
    // A file of static/ may not replace a page casebook writes.
    let p = deployable(Some(BASE));
    fs::write(p.path().join("static/robots.txt"), "User-agent: *\nDisallow: /\n").unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("static/robots.txt"), "{stderr}");
}

#[test]
fn a_revoked_story_takes_its_picture_with_it() {
    let p = deployable(Some(BASE));
    replace_in(
        &p.path().join("content/clients/anon-co/story.md"),
        "status = \"granted\"",
        "status = \"revoked\"",
    );
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!public_tree(p.path()).contains_key("images/team.jpg"));
    // A picture that does not exist, or has no alt text, is an error.
    let p = deployable(Some(BASE));
    replace_in(
        &p.path().join("content/clients/anon-co/story.md"),
        "images/team.jpg",
        "images/missing.jpg",
    );
    replace_in(
        &p.path().join("content/clients/anon-co/story.md"),
        "image_alt = \"The Zephyr Widgets team at work\"\n",
        "",
    );
    let (code, _, stderr) = run(p.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("content/clients/anon-co/story.md:7:"), "{stderr}");
    assert!(
        stderr.contains("images/missing.jpg") && stderr.contains("image_alt"),
        "{stderr}"
    );
}

#[test]
fn the_public_site_can_have_a_folder_of_its_own() {
    let p = deployable(Some(BASE));
    let (code, stdout, stderr) = build(p.path(), &["--public-out", &p.path().join("deploy").to_string_lossy()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(p.path().join("deploy/index.html").is_file());
    assert!(p.path().join("deploy/stories/full-story/index.html").is_file());
    assert!(
        !p.path().join("site/public").exists(),
        "the public site is not also in site/"
    );
    assert!(p.path().join("site/internal/index.html").is_file());
    // From the settings, relative to the project; the same build twice.
    let toml = p.path().join("casebook.toml");
    replace_in(&toml, "[public]\n", "[public]\nout = \"www\"\n");
    for _ in 0..2 {
        let (code, _, stderr) = build(p.path(), &[]);
        assert_eq!(code, 0, "{stderr}");
        assert!(p.path().join("www/index.html").is_file());
    }
    // A leak leaves the public folder as it was.
    let before = tree(&p.path().join("www"));
    fs::write(p.path().join("static/thanks.txt"), "Thanks, Zephyr Widgets!").unwrap();
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&PathBuf::from("www").join("thanks.txt").display().to_string()),
        "{stderr}"
    );
    assert_eq!(tree(&p.path().join("www")), before);
    fs::remove_file(p.path().join("static/thanks.txt")).unwrap();
    // `check --public` scans that folder.
    let (code, stdout, stderr) = run(p.path(), &["check", "--public", "--today", "2026-11-25"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("www holds no name"), "{stdout}");
    fs::write(p.path().join("www/extra.html"), "<p>Zephyr Widgets</p>").unwrap();
    let (code, _, stderr) = run(p.path(), &["check", "--public", "--today", "2026-11-25"]);
    assert_eq!(code, 1, "{stderr}");
    fs::remove_file(p.path().join("www/extra.html")).unwrap();
    // Inside the output folder, or around it: refused before anything is written.
    for bad in ["site/www", "site", "."] {
        let dir = p.path().join(bad);
        let (code, _, stderr) = build(p.path(), &["--public-out", &dir.to_string_lossy()]);
        assert_eq!(code, 1, "{bad}: {stderr}");
        assert!(stderr.contains("may not be the output folder"), "{bad}: {stderr}");
    }
    // The project's own folders, or a folder of something else: refused,
    // and nothing in them is touched.
    fs::create_dir_all(p.path().join("documents")).unwrap();
    fs::write(p.path().join("documents/letter.txt"), "keep me").unwrap();
    for (bad, why) in [
        ("data", "the project's data/ folder"),
        ("content/clients", "inside the project's content/ folder"),
        ("static", "the project's static/ folder"),
        ("documents", "did not write"),
    ] {
        let dir = p.path().join(bad);
        let before = tree(&dir);
        let (code, _, stderr) = build(p.path(), &["--public-out", &dir.to_string_lossy()]);
        assert_eq!(code, 1, "{bad}: {stderr}");
        assert!(stderr.contains(why), "{bad}: {stderr}");
        assert_eq!(tree(&dir), before, "{bad} was changed");
    }
    assert!(p.path().join("data/clients/anon-co/client.toml").is_file());
}

#[test]
fn lists_by_industry_and_service_show_only_published_stories_anonymised() {
    let p = deployable(Some(BASE));
    // A pending story's client has an industry of its own: no list for it.
    replace_in(
        &p.path().join("data/clients/pending-co/client.toml"),
        "industry = \"retail\"",
        "industry = \"Shipbuilding\"",
    );
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let files = public_tree(p.path());
    let lists: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("industries/") || k.starts_with("services/"))
        .collect();
    assert_eq!(lists, ["industries/retail/index.html", "services/ads/index.html"]);
    let retail = text(p.path(), "industries/retail/index.html");
    assert!(
        retail.contains("how-a-widget-maker-cut-ad-costs") && retail.contains("a widget maker"),
        "{retail}"
    );
    assert!(!retail.contains("Shipbuilding"));
    let index = text(p.path(), "index.html");
    assert!(index.contains("industries/retail/index.html") && !index.contains("Shipbuilding"));
}

#[test]
fn japanese_labels_on_the_new_pages() {
    let p = deployable(Some(BASE));
    replace_in(
        &p.path().join("casebook.toml"),
        "currency = ",
        "lang = \"ja\"\ncurrency = ",
    );
    let (code, _, stderr) = build(p.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let not_found = text(p.path(), "404.html");
    assert!(
        not_found.contains("<html lang=\"ja\">") && not_found.contains("ページが見つかりません"),
        "{not_found}"
    );
    let index = text(p.path(), "index.html");
    assert!(
        index.contains("業種別の事例") && index.contains("サービス別の事例"),
        "{index}"
    );
}
