//! FNV-1a: the one stable, dependency-free hash behind generated ids
//! (client ids from imports, story slugs, chart element ids). Unlike `std`'s
//! hasher its values never change across runs, platforms or versions, so ids
//! built from it stay the same from one build to the next.

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

#[cfg(test)]
mod tests {
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
