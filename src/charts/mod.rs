//! SVG charts: numbers in, deterministic SVG strings out.
