//! The public site: rendered into its staging folder (inside the output's,
//! as `public/`, or a folder of its own) and scanned for names that no
//! consent allows before anything is committed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::render::Rendering;
use super::{BuildError, BuildOptions};
use crate::diag::Diagnostics;
use crate::model::Project;
use crate::month::Month;
use crate::output::{self, OutputDir, Staging};
use crate::page_cache;
use crate::pages::{self, Common};
use crate::publish;
use crate::render::Renderer;

/// The public site of a build, staged and scanned.
pub(super) struct PublicSite {
    /// The site's own folder and its staging folder, when it is not
    /// `<out>/public` (staged with the output then).
    pub own: Option<(OutputDir, Staging)>,
    pub stories: usize,
    /// What the scan found clean, for the next build.
    pub scan: page_cache::PublicScan,
}

impl PublicSite {
    /// Only consented stories, anonymised as the consent says. Always
    /// rendered (the consent gate depends on the build date) and scanned;
    /// the scan skips the files it found clean in the previous build, for
    /// the same names. It is written into `<out>/public`, or into a folder
    /// of its own (`[public] out`, `--public-out`), staged and swapped in
    /// the same way.
    pub fn build(r: &Rendering, out: &Path, warnings: &mut Diagnostics) -> Result<PublicSite, BuildError> {
        let (project, opts, staging) = (r.project, r.opts, r.writer.staging);
        let own = match public_folder(project, opts, out)? {
            Some(dir) => {
                let staging = Staging::new(&dir).map_err(|e| BuildError::Io(dir.path().to_path_buf(), e))?;
                Some((dir, staging))
            }
            None => None,
        };
        let target = own
            .as_ref()
            .map_or(PublicTarget::Inside(staging), |(_, s)| PublicTarget::Own(s));
        let stories = write_public_site(project, opts, r.plan.as_of, r.writer.renderer, target, warnings)?;
        let (staged, published) = match &own {
            Some((dir, s)) => (s.dir().to_path_buf(), dir.path().to_path_buf()),
            None => (staging.dir().join("public"), out.join("public")),
        };
        let scan = scan(
            project,
            opts.today,
            &r.previous.manifest.public_scan,
            &staged,
            &published,
        )?;
        Ok(PublicSite { own, stories, scan })
    }
}

/// Where the public site is staged: inside the output's staging folder (as
/// `public/`), or in a staging folder of its own.
#[derive(Clone, Copy)]
enum PublicTarget<'a> {
    Inside(&'a Staging),
    Own(&'a Staging),
}

/// Renders the public site (pages, stylesheet, `static/`) into `target`;
/// returns the number of stories. The leak scan runs after, on the staged
/// folder.
fn write_public_site(
    project: &Project,
    opts: &BuildOptions,
    as_of: Month,
    renderer: &Renderer,
    target: PublicTarget,
    warnings: &mut Diagnostics,
) -> Result<usize, BuildError> {
    let cfg = &project.config;
    let render = |template: &str, ctx: &serde_json::Value| renderer.render(template, ctx).map_err(BuildError::Template);
    let write_public = |rel: &str, bytes: &[u8]| {
        let (staging, at) = match target {
            PublicTarget::Own(s) => (s, rel.to_string()),
            PublicTarget::Inside(s) => (s, format!("public/{rel}")),
        };
        staging
            .write(&at, bytes)
            .map_err(|e| BuildError::Io(PathBuf::from(at), e))
    };
    let (site, site_warnings) = publish::public_site(
        project,
        &publish::SiteOptions {
            today: opts.today,
            as_of,
            base_url: opts.base_url.clone(),
        },
    );
    for (path, message) in site_warnings {
        warnings.warning(&path, None, None, message);
    }
    if site.base_url.is_none() {
        warnings.warning(
            Path::new("casebook.toml"),
            None,
            None,
            "no base_url: feed.xml, sitemap.xml and the canonical links of the public site are left out; set base_url under [public] in casebook.toml, or pass --base-url https://...",
        );
    }
    let public_common = Common::new(cfg.lang, &cfg.currency, &site.title);
    let css = crate::render::public_stylesheet(&project.root)
        .map_err(|e| BuildError::Io(PathBuf::from("templates/assets/style.css"), e))?;
    let public_pages = pages::public::pages(&public_common, &site, &css);
    let withheld = publish::withheld_images(project, opts.today);
    let statics = publish::read_static(&project.root, &withheld).map_err(|errors| {
        let mut d = Diagnostics::new();
        for (path, message) in errors {
            d.error(&path, None, None, message);
        }
        BuildError::Invalid(d)
    })?;
    // A file of static/ may not stand where casebook writes a page.
    let mut generated: BTreeSet<&str> = public_pages.iter().map(|p| p.path.as_str()).collect();
    generated.insert("assets/style.css");
    let mut clashes = Diagnostics::new();
    for f in &statics {
        let clash =
            generated.contains(f.rel.as_str()) || generated.iter().any(|g| g.starts_with(&format!("{}/", f.rel)));
        if clash {
            clashes.error(
                &Path::new("static").join(&f.rel),
                None,
                None,
                format!(
                    "casebook writes `{}` of the public site itself; rename the file in static/",
                    f.rel
                ),
            );
        }
    }
    if clashes.has_errors() {
        return Err(BuildError::Invalid(clashes));
    }
    write_public("assets/style.css", css.as_bytes())?;
    for f in &statics {
        write_public(&f.rel, &f.bytes)?;
    }
    let written: Vec<Result<(), BuildError>> = public_pages
        .par_iter()
        .map(|page| write_public(&page.path, render(page.template, &page.context)?.as_bytes()))
        .collect();
    // The first error in page order, whatever thread found it first.
    written.into_iter().collect::<Result<(), _>>()?;
    Ok(site.stories.len())
}

/// The public site's own folder, or `None` for `<out>/public`: `--public-out`
/// (as given), else `[public] out` (relative to the project root). It may
/// not be the output folder, lie inside it (other than as `public/`) or
/// contain it: one build would replace the other's files.
fn public_folder(project: &Project, opts: &BuildOptions, out: &Path) -> Result<Option<OutputDir>, BuildError> {
    let asked = match (&opts.public_out, &project.config.public.out) {
        (Some(dir), _) => dir.clone(),
        (None, Some(dir)) => project.root.join(dir),
        (None, None) => return Ok(None),
    };
    let resolved = |p: &Path| output::resolve(p).map_err(|e| BuildError::Io(p.to_path_buf(), e));
    let (dir, site) = (resolved(&asked)?, resolved(out)?);
    if dir == site.join("public") {
        return Ok(None);
    }
    if dir.starts_with(&site) || site.starts_with(&dir) {
        return Err(BuildError::PublicOut(
            asked,
            format!(
                "the public site's folder may not be the output folder {}, lie inside it or contain it; choose a folder beside it (e.g. public/ in the project)",
                out.display()
            ),
        ));
    }
    // The rule of every output folder: never the project's own files,
    // never a folder that casebook did not make.
    output::check_output(&asked, &project.root)
        .map(Some)
        .map_err(BuildError::Output)
}

/// Scans the staged public site `staged` for the names that no consent
/// allows as of the build date, skipping the entries the previous build
/// found clean for the same names. `published` is where the site goes,
/// to name the files of a leak there.
fn scan(
    project: &Project,
    today: jiff::civil::Date,
    previous: &page_cache::PublicScan,
    staged: &Path,
    published: &Path,
) -> Result<page_cache::PublicScan, BuildError> {
    let forbidden = publish::forbidden_names(project, today);
    let names = publish::names_key(&forbidden);
    let no_entries = BTreeSet::new();
    let clean = if previous.names == names {
        &previous.clean
    } else {
        &no_entries
    };
    let scanned =
        publish::scan_dir_except(staged, &forbidden, clean).map_err(|e| BuildError::Io(staged.to_path_buf(), e))?;
    if !scanned.leaks.is_empty() {
        let leaks = scanned
            .leaks
            .into_iter()
            .map(|l| publish::Leak {
                path: published.join(&l.path),
                ..l
            })
            .collect();
        return Err(BuildError::Leak(leaks));
    }
    Ok(page_cache::PublicScan {
        names,
        clean: scanned.entries,
    })
}
