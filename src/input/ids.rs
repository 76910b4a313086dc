//! The names a project gives its parts: client ids (folder names) and
//! public slugs (SPEC §1, §1.3).

/// Is `id` a valid client id: 1–64 of `a-z 0-9 -`, not starting with `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Is `s` a valid public slug: 1–100 of `a-z 0-9 -`, not starting with `-`.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && !s.starts_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_slugs() {
        for ok in ["a", "acme-2", "0", &"x".repeat(64)] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in ["", "-a", "A", "a_b", "a b", "é", &"x".repeat(65)] {
            assert!(!is_valid_id(bad), "{bad}");
        }
        assert!(is_valid_slug(&"x".repeat(100)));
        assert!(!is_valid_slug(&"x".repeat(101)));
        assert!(!is_valid_slug("-retail") && !is_valid_slug("Retail") && !is_valid_slug(""));
    }
}
