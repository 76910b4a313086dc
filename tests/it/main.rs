//! End-to-end tests, linked into one binary (as ripgrep and mdBook do):
//! each module was a test binary of its own that linked the whole crate
//! with axum, tokio, plotters and tera, which made CI link fourteen times.

mod common;

mod adversarial;
mod bridge_pages;
mod browser;
mod client_edition;
mod clv;
mod demo;
mod encodings;
mod fuzz_seeded;
mod imports;
mod incremental;
mod init_import;
mod input_layer;
mod load_cache;
mod metrics_cli;
mod metrics_csv;
mod output_folder;
mod parsers_prop;
mod pdf;
mod prediction;
mod public_deploy;
mod public_leaks;
mod public_site;
mod reports;
mod robustness;
mod serve;
mod snapshots;
mod validation;
