//! casebook: client reviews, lifetime-value metrics and consented success
//! stories, built as two static sites from one project folder.
//!
//! Data flows one way: [`load`] (files → [`model::Project`], with every
//! problem in [`diag::Diagnostics`]) → [`metrics`] (pure numbers as of a
//! month) → [`charts`] (SVG strings) → [`render`] (tera pages) →
//! [`output`] (a fresh folder moved in at the end: swapped in whole, or,
//! for an incremental build, only its changed files). [`publish`] holds the
//! rules of what may reach the public site. Two caches make repeated
//! commands fast without changing any result: [`load_cache`] (parsed client
//! folders, checked by file stamps) and [`page_cache`] (rendered pages and
//! leak-scan verdicts, checked by content hashes).

/// This build of casebook: its version and a hash of the sources it was
/// built from (see the build script, `build.rs`). Caches written by any
/// other build are not used.
pub const BUILD_ID: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("CASEBOOK_SOURCE_HASH"));

pub mod build;
pub mod charts;
pub mod cli;
pub mod clv;
pub mod command;
pub mod config;
pub mod demo;
pub mod diag;
pub mod format;
pub mod hash;
pub mod i18n;
pub mod import;
pub mod init;
pub mod input;
pub mod links;
pub mod load;
pub mod load_cache;
pub mod markdown;
pub mod metrics;
pub mod model;
pub mod money;
pub mod month;
pub mod page_cache;
/// Outcome summaries moved into [`metrics`]; the old path still works.
pub use metrics::outcomes;
pub mod output;
pub mod pages;
pub mod pdf;
pub mod predict;
pub mod progress;
pub mod publish;
pub mod render;
pub mod serve;
