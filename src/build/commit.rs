//! The last step of a build: the staged folders replace the output (whole,
//! or only the changed files when the previous build's pages stay; see
//! [`crate::output`] for the safety rules), then the cache of the new
//! output is written.

use std::path::Path;

use super::BuildError;
use crate::output::{Live, OutputDir, Staging};
use crate::page_cache;

/// The staged output and what the build knows of the output as it is.
pub(super) struct Commit<'a> {
    /// The output folder (where a link named as output points).
    pub out: &'a Path,
    pub staging: Staging,
    /// The public site's own folder and its staging, when it has one.
    pub public: Option<(OutputDir, Staging)>,
    /// The output as it is now, when unchanged pages stay in place.
    pub live: Option<Live>,
    /// Files of the output that the new build keeps as they are.
    pub kept: Vec<String>,
    /// Whether the caches are used: the new manifest is written.
    pub incremental: bool,
}

impl Commit<'_> {
    /// Moves the staged files into the output and writes `manifest`.
    pub fn run(mut self, manifest: &page_cache::Manifest) -> Result<(), BuildError> {
        let out = self.out;
        // PDFs printed from pages that come out of this build unchanged stay
        // (see crate::pdf); a build without the caches cannot tell, and
        // drops them.
        let pdfs = self
            .incremental
            .then(|| crate::pdf::retained(out, self.staging.dir(), &self.kept, self.live.as_ref()));
        if let Some(pdfs) = &pdfs {
            match &self.live {
                Some(_) => self.kept.extend(pdfs.paths().map(String::from)),
                None => pdfs
                    .carry_over(out, self.staging.dir())
                    .map_err(|e| BuildError::Io(out.to_path_buf(), e))?,
            }
        }
        // The old cache describes the old site: drop it before the output
        // changes, write the new one after.
        page_cache::remove(out);
        match &self.live {
            Some(live) => self
                .staging
                .commit_patch(live, self.kept.iter().map(String::as_str))
                .map_err(|e| BuildError::Commit(out.to_path_buf(), e))?,
            None => self
                .staging
                .commit()
                .map_err(|e| BuildError::Io(out.to_path_buf(), e))?,
        }
        if let Some((dir, staging)) = self.public {
            staging
                .commit()
                .map_err(|e| BuildError::Io(dir.path().to_path_buf(), e))?;
        }
        if self.incremental {
            // A cache that cannot be written only costs the next build time.
            let _ = page_cache::save(out, manifest);
        }
        if let Some(pdfs) = &pdfs {
            pdfs.save(out);
        }
        Ok(())
    }
}
