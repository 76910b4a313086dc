//! The project's two hashes. FNV-1a is the one stable, dependency-free hash
//! behind generated ids (client ids from imports, story slugs, chart element
//! ids): unlike `std`'s hasher its values never change across runs,
//! platforms or versions, so ids built from it stay the same from one build
//! to the next. [`Hasher`] (XXH3-128) keys the caches by content: the load
//! cache's client fingerprints, the page cache and the leak-scan verdicts.

use std::io::{self, Write};

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

const OFFSET_32: u32 = 0x811c_9dc5;
const PRIME_32: u32 = 0x0100_0193;
const OFFSET_64: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME_64: u64 = 0x0000_0100_0000_01b3;

/// 32-bit FNV-1a of `bytes`.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut hasher = Fnv1a32::new();
    hasher.write(bytes);
    hasher.finish()
}

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(OFFSET_64, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(PRIME_64))
}

/// 32-bit FNV-1a fed in pieces: the same value as [`fnv1a32`] of the pieces
/// joined.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a32(u32);

impl Fnv1a32 {
    pub fn new() -> Self {
        Fnv1a32(OFFSET_32)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u32::from(*b)).wrapping_mul(PRIME_32);
        }
    }

    pub fn finish(&self) -> u32 {
        self.0
    }
}

impl Default for Fnv1a32 {
    fn default() -> Self {
        Self::new()
    }
}

/// A streaming content hash (XXH3-128) written as hex.
pub struct Hasher(Xxh3);

impl Default for Hasher {
    fn default() -> Self {
        Hasher(Xxh3::new())
    }
}

impl Hasher {
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// Adds a length-prefixed chunk, so that ("ab","c") and ("a","bc") differ.
    pub fn add(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds a value as its JSON (self-delimiting, so no prefix is needed);
    /// `None` if the value cannot be written as JSON (a map with keys that
    /// are not strings), and then the hash must not be used.
    pub fn add_json<T: Serialize>(&mut self, value: &T) -> Option<&mut Self> {
        struct Feed<'a>(&'a mut Xxh3);
        impl Write for Feed<'_> {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.update(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        self.0.update(b"json:");
        let mut w = io::BufWriter::with_capacity(1 << 16, Feed(&mut self.0));
        let ok = serde_json::to_writer(&mut w, value).is_ok() && w.flush().is_ok();
        drop(w);
        ok.then_some(self)
    }

    pub fn hex(&self) -> String {
        format!("{:032x}", self.0.digest128())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    #[test]
    fn hash_chunks_are_delimited() {
        let a = Hasher::new().add(b"ab").add(b"c").hex();
        let b = Hasher::new().add(b"a").add(b"bc").hex();
        assert_ne!(a, b);
        assert_eq!(a, Hasher::new().add(b"ab").add(b"c").hex());
        assert_eq!(a.len(), 32);
        let json = |v: &[&str]| Hasher::new().add_json(&v).unwrap().hex();
        assert_eq!(json(&["a", "b"]), json(&["a", "b"]));
        assert_ne!(json(&["a", "b"]), json(&["ab"]));
        let not_json: BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert!(Hasher::new().add_json(&not_json).is_none());
    }

    use super::*;

    // Reference vectors from the FNV authors' test suite
    // (http://www.isthe.com/chongo/src/fnv/test_fnv.c).
    #[test]
    fn fnv1a32_matches_the_reference_vectors() {
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn fnv1a64_matches_the_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn pieces_hash_as_their_concatenation() {
        let mut hasher = Fnv1a32::new();
        hasher.write(b"foo");
        hasher.write(b"");
        hasher.write(b"bar");
        assert_eq!(hasher.finish(), fnv1a32(b"foobar"));
        assert_ne!(fnv1a32(b"foobar"), fnv1a32(b"foobaz"));
    }
}
