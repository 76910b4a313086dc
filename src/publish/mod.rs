//! What may reach the public site: consent gate, anonymisation, leak scan.

mod anonymise;
mod slug;
mod text;

pub use anonymise::Anonymiser;
pub use slug::{public_slug, slugify};
