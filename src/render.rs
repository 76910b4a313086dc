//! Rendering pages with tera. The built-in templates are compiled into the
//! binary so that an installed casebook works anywhere; a project's own
//! `templates/<name>` replaces the built-in one of the same name.
//!
//! Templates only lay out values that are already computed and formatted;
//! they never compute metrics.

use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};

use crate::diag::Diagnostics;

/// Built-in templates: (name, source).
pub const BUILTIN: &[(&str, &str)] = &[
    ("internal_base.html", include_str!("../templates/internal_base.html")),
    ("tiles.html", include_str!("../templates/tiles.html")),
    ("chart_cards.html", include_str!("../templates/chart_cards.html")),
    ("forecast.html", include_str!("../templates/forecast.html")),
    ("dashboard.html", include_str!("../templates/dashboard.html")),
    ("cohorts.html", include_str!("../templates/cohorts.html")),
    ("client.html", include_str!("../templates/client.html")),
    ("report.html", include_str!("../templates/report.html")),
    ("client_edition.html", include_str!("../templates/client_edition.html")),
    ("public_base.html", include_str!("../templates/public_base.html")),
    ("story_list.html", include_str!("../templates/story_list.html")),
    ("story.html", include_str!("../templates/story.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("feed.xml", include_str!("../templates/feed.xml")),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
    ("404.html", include_str!("../templates/404.html")),
    ("robots.txt", include_str!("../templates/robots.txt")),
];

pub struct Renderer {
    tera: Tera,
    /// Content hash of every template source in use (built-in or override).
    fingerprint: String,
}

impl Renderer {
    /// Loads the built-in templates and the project's overrides from
    /// `<root>/templates/`. Template syntax errors are reported against
    /// the override's path.
    pub fn new(root: &Path, diags: &mut Diagnostics) -> Option<Renderer> {
        let dir = root.join("templates");
        // The project's link rule (crate::links): nothing is read through
        // a link that leaves the project.
        let refused = |path: &Path, diags: &mut Diagnostics| match crate::links::problem_at(root, path) {
            Some(problem) => {
                diags.error(path.strip_prefix(root).unwrap_or(path), None, None, problem);
                true
            }
            None => false,
        };
        if refused(&dir, diags) || refused(&dir.join("assets"), diags) || refused(&dir.join("assets/style.css"), diags)
        {
            return None;
        }
        let mut sources: Vec<(String, String)> = Vec::new();
        for (name, builtin) in BUILTIN {
            let custom = dir.join(name);
            if refused(&custom, diags) {
                continue;
            }
            let source = if custom.is_file() {
                match std::fs::read_to_string(&custom) {
                    Ok(s) => s,
                    Err(e) => {
                        diags.error(
                            &Path::new("templates").join(name),
                            None,
                            None,
                            format!("cannot read: {e}"),
                        );
                        continue;
                    }
                }
            } else {
                builtin.to_string()
            };
            sources.push((name.to_string(), source));
        }
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir)
                .min_depth(1)
                .max_depth(1)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                let name = entry.file_name().to_string_lossy().to_string();
                let is_assets = name == "assets" && entry.file_type().is_dir();
                if !is_assets && !BUILTIN.iter().any(|(n, _)| *n == name) {
                    diags.warning(
                        &Path::new("templates").join(&name),
                        None,
                        None,
                        "not the name of a built-in template; ignored (see `templates/` in the casebook repository for the names)",
                    );
                }
            }
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        for (name, source) in &sources {
            if let Err(e) = tera.add_raw_template(name, source) {
                diags.error(
                    &Path::new("templates").join(name),
                    None,
                    None,
                    format!("template error: {}", error_chain(&e)),
                );
            }
        }
        if diags.has_errors() {
            return None;
        }
        let mut h = crate::hash::Hasher::new();
        for (name, source) in &sources {
            h.add(name.as_bytes()).add(source.as_bytes());
        }
        Some(Renderer {
            tera,
            fingerprint: h.hex(),
        })
    }

    /// Content hash of the templates, for the build cache.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Renders a built-in (or overridden) page with a serialisable context.
    pub fn render<T: Serialize>(&self, name: &str, page: &T) -> Result<String, String> {
        let context = Context::from_serialize(page).map_err(|e| format!("{name}: {}", error_chain(&e)))?;
        self.tera
            .render(name, &context)
            .map_err(|e| format!("templates/{name}: {}", error_chain(&e)))
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out.lines().map(str::trim_end).collect::<Vec<_>>().join(" ")
}

/// The public stylesheet: the project's `templates/assets/style.css` if it
/// has one, else the built-in one.
pub fn public_stylesheet(root: &Path) -> std::io::Result<String> {
    let custom = root.join("templates/assets/style.css");
    if custom.is_file() {
        std::fs::read_to_string(custom)
    } else {
        Ok(include_str!("../templates/assets/style.css").to_string())
    }
}
