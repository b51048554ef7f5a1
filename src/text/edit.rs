//! Where one text differs from the next version of it, as a map of byte offsets.

use super::Span;

/// The byte offsets of an old text mapped into a new version of it, when the two differ in one
/// run of bytes: the first `prefix` bytes are equal, and so are the last `suffix` bytes
/// (`prefix + suffix` at most the shorter text's length). A span lying wholly in the equal
/// prefix keeps its offsets, one lying wholly in the equal suffix moves by the length
/// difference, and one touching the changed bytes has no image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EditMap {
    /// Length of the common prefix (bytes).
    prefix: usize,
    /// Start of the common suffix in the old text (bytes).
    old_tail: usize,
    /// Start of the common suffix in the new text (bytes).
    new_tail: usize,
}

impl EditMap {
    /// The map for texts of `old_len` and `new_len` bytes with a common prefix of `prefix`
    /// bytes and a common suffix of `suffix` bytes. `None` when the two overlap in either text
    /// (`prefix + suffix` greater than `old_len` or `new_len`).
    pub fn new(old_len: usize, new_len: usize, prefix: usize, suffix: usize) -> Option<Self> {
        let old_tail = old_len.checked_sub(suffix)?;
        let new_tail = new_len.checked_sub(suffix)?;
        (prefix <= old_tail && prefix <= new_tail).then_some(EditMap {
            prefix,
            old_tail,
            new_tail,
        })
    }

    /// The changed bytes of the new text: from the end of the common prefix to the start of
    /// the common suffix (empty for a deletion).
    pub fn changed_new(&self) -> Span {
        Span::new(self.prefix, self.new_tail)
    }

    /// The changed bytes of the old text.
    pub fn changed_old(&self) -> Span {
        Span::new(self.prefix, self.old_tail)
    }

    /// `span` of the old text in the new one: unchanged when it ends inside the common prefix,
    /// moved by the length difference when it starts inside the common suffix, else `None`.
    pub fn old_to_new(&self, span: Span) -> Option<Span> {
        self.carry(span, self.old_tail, self.new_tail)
    }

    /// `span` of the new text in the old one (the inverse of [`EditMap::old_to_new`]).
    pub fn new_to_old(&self, span: Span) -> Option<Span> {
        self.carry(span, self.new_tail, self.old_tail)
    }

    /// `span` of a text whose common suffix starts at `from_tail` carried into the text whose
    /// common suffix starts at `to_tail`.
    fn carry(&self, span: Span, from_tail: usize, to_tail: usize) -> Option<Span> {
        if span.end <= self.prefix {
            Some(span)
        } else if span.start >= from_tail {
            let shift = |x: usize| x - from_tail + to_tail;
            Some(Span::new(shift(span.start), shift(span.end)))
        } else {
            None
        }
    }

    /// The old text's offset of the first byte at new offset `at` (`at` not inside the
    /// changed bytes): [`EditMap::new_to_old`] of the one-byte span there.
    pub fn new_to_old_at(&self, at: usize) -> Option<usize> {
        self.new_to_old(Span::new(at, at + 1)).map(|s| s.start)
    }

    /// The new text's offset of the byte at old offset `at`.
    pub fn old_to_new_at(&self, at: usize) -> Option<usize> {
        self.old_to_new(Span::new(at, at + 1)).map(|s| s.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_move_with_the_suffix_and_touching_ones_have_no_image() {
        // "abcXYdef" → "abcZdef": prefix 3, suffix 3.
        let m = EditMap::new(8, 7, 3, 3).unwrap();
        assert_eq!(m.changed_old(), Span::new(3, 5));
        assert_eq!(m.changed_new(), Span::new(3, 4));
        assert_eq!(m.old_to_new(Span::new(0, 3)), Some(Span::new(0, 3)));
        assert_eq!(m.old_to_new(Span::new(5, 8)), Some(Span::new(4, 7)));
        assert_eq!(m.old_to_new(Span::new(2, 4)), None);
        assert_eq!(m.old_to_new(Span::new(4, 6)), None);
        assert_eq!(m.new_to_old(Span::new(4, 7)), Some(Span::new(5, 8)));
        assert_eq!(m.new_to_old(Span::new(3, 4)), None);
        assert_eq!(m.old_to_new_at(6), Some(5));
        assert_eq!(m.new_to_old_at(2), Some(2));
        // A pure insertion at 3: the byte at old 3 is now at 4.
        let ins = EditMap::new(6, 7, 3, 3).unwrap();
        assert_eq!(ins.old_to_new_at(3), Some(4));
        assert_eq!(ins.old_to_new(Span::new(1, 3)), Some(Span::new(1, 3)));
        assert_eq!(EditMap::new(4, 4, 3, 3), None);
    }
}
