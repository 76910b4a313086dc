//! Cargo build script: a hash of casebook's own sources and locked
//! dependencies, as `CASEBOOK_SOURCE_HASH`.
//!
//! The caches in `.casebook-cache/` hold what one build of casebook made of
//! the project (parsed clients, rendered pages, leak-scan verdicts). A
//! release bumps the version, but a build from changed sources does not:
//! without this hash, a developer who changes how a CSV is parsed or a page
//! is rendered would get the old results from the cache.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::Hasher;
use std::path::Path;

fn add_tree(h: &mut DefaultHasher, dir: &Path) {
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(_) => return,
    };
    entries.sort();
    for path in entries {
        if path.is_dir() {
            add_tree(h, &path);
        } else if let Ok(bytes) = fs::read(&path) {
            h.write(path.to_string_lossy().as_bytes());
            h.write_usize(bytes.len());
            h.write(&bytes);
        }
    }
}

fn main() {
    let mut h = DefaultHasher::new();
    for part in ["src", "templates"] {
        println!("cargo:rerun-if-changed={part}");
        add_tree(&mut h, Path::new(part));
    }
    for file in ["Cargo.lock", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={file}");
        if let Ok(bytes) = fs::read(file) {
            h.write(&bytes);
        }
    }
    println!("cargo:rustc-env=CASEBOOK_SOURCE_HASH={:016x}", h.finish());
}
