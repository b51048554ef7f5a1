//! Paragraphs and sentences.
//!
//! A paragraph is one non-blank line (news text puts one paragraph on a line; editors wrap it),
//! without its line terminator or surrounding white space. Sentences end at . ! ? ؟ … or the
//! paragraph's end; a full stop after a one-letter abbreviation (د. أ.) or between digits does not end one.

use super::Span;

/// The paragraphs of `text` in order (byte spans, trimmed of surrounding white space).
pub fn paragraphs(text: &str) -> Vec<Span> {
    todo!()
}

/// The sentences of `text` in order (byte spans, trimmed), never crossing a paragraph.
pub fn sentences(text: &str) -> Vec<Span> {
    todo!()
}
