//! What may reach the public site: consent gate, anonymisation, leak scan.

mod text;
