//! What may reach the public site: consent gate, anonymisation, leak scan.

mod anonymise;
mod scan;
mod slug;
mod text;

pub use anonymise::Anonymiser;
pub use scan::{scan_dir, Leak};
pub use slug::{public_slug, slugify};
