//! The text layer: everything about characters, positions and words, nothing about meaning.
//!
//! - [`position`]: byte offsets ↔ LSP-style positions in UTF-8 / UTF-16 / UTF-32 code units.
//! - [`document`]: an open document (rope + version) and incremental edits.
//! - [`edit`]: byte offsets of one version of a text mapped into the next.
//! - [`normalize`]: orthographic folding for matching, with a map back to original offsets.
//! - [`token`]: the Arabic-aware tokenizer.
//! - [`clitic`]: proclitic splitting (و ف ب ل ك ال لل and stacks).
//! - [`segment`]: paragraphs and sentences.

pub mod clitic;
pub mod document;
pub mod edit;
pub mod normalize;
pub mod position;
pub mod segment;
pub mod token;

use serde::Serialize;

/// A half-open range `[start, end)` of **byte offsets** into the original UTF-8 text.
///
/// Every span handed out by the analysis layers refers to the writer's original characters
/// (never to folded text). Both ends always fall on `char` boundaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes). Panics in debug builds if `start > end`.
    pub const fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when `other` lies entirely inside `self`.
    pub const fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// True when the two spans share at least one byte.
    pub const fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when byte offset `offset` lies in `[start, end)`.
    pub const fn contains_offset(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// The text the span covers in `source`.
    pub fn slice<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}
