//! A small deterministic random number generator for tests that draw many random cases
//! without proptest's shrinking (xorshift64, Marsaglia 2003: "Xorshift RNGs", J. Stat. Softw.
//! 8(14)).

use std::cell::Cell;

/// xorshift64 with shifts 13, 7, 17; interior state, so that several closures of one test can
/// draw from it.
pub(crate) struct XorShift(Cell<u64>);

impl XorShift {
    /// A generator starting from `seed` (which must not be 0).
    pub(crate) fn new(seed: u64) -> Self {
        XorShift(Cell::new(seed))
    }

    /// The next number below `m` (which must not be 0).
    pub(crate) fn below(&self, m: usize) -> usize {
        let mut x = self.0.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0.set(x);
        (x % m as u64) as usize
    }
}
