//! The tagger as a [`MentionSource`] over running text.
//!
//! Sentences are cut at `.` `!` `?` `؟` `…` tokens and at line breaks; each sentence is tagged
//! and every entity chunk becomes a [`Mention`] from its first token to its last. A leading
//! و ف ب ل ك (or a stack of two, e.g. وب، ول، فل) is left out of the span only when what remains
//! starts with the article ال (or is the elided لل form) or is a word the model saw inside
//! entities in training; the article is kept ("والكرملين" → "الكرملين", "للأمم" → "لأمم").

use crate::entities::{Mention, MentionOrigin, MentionSource};
use crate::text::Span;
use crate::text::token::{Token, TokenKind};

use super::eval::chunks;
use super::features::fold;
use super::labels::KINDS;
use super::tagger::Tagger;

/// Sentences longer than this many tokens are cut (bounds decoding cost on unpunctuated text).
const MAX_SENTENCE: usize = 256;

/// A [`Tagger`] used as a mention source.
#[derive(Debug)]
pub struct ModelSource<'m> {
    model: &'m Tagger,
}

impl<'m> ModelSource<'m> {
    /// Wraps a tagger.
    pub fn new(model: &'m Tagger) -> Self {
        ModelSource { model }
    }
}

fn ends_sentence(text: &str, t: &Token) -> bool {
    t.kind == TokenKind::Punct && matches!(t.span.slice(text), "." | "!" | "?" | "؟" | "…")
}

/// Byte length of the proclitics to leave out of a mention starting with `word`.
pub fn proclitic_len(word: &str, model: &Tagger) -> usize {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let is_conj = |c: char| matches!(c, 'و' | 'ف');
    let is_prep = |c: char| matches!(c, 'ب' | 'ل' | 'ك');
    let mut candidates = Vec::new();
    if let Some(&(_, c0)) = chars.first() {
        if is_conj(c0) || is_prep(c0) {
            candidates.push(1);
        }
        if is_conj(c0) && chars.get(1).is_some_and(|&(_, c1)| is_prep(c1)) {
            candidates.push(2);
        }
    }
    // Longest acceptable split first.
    for &n in candidates.iter().rev() {
        let Some(&(at, _)) = chars.get(n) else {
            continue;
        };
        let rest = &word[at..];
        if rest.chars().count() < 2 {
            continue;
        }
        let prev_is_lam = chars[n - 1].1 == 'ل';
        let folded = fold(rest);
        let article = folded.starts_with("ال") || (prev_is_lam && folded.starts_with('ل'));
        if article || model.first().names.contains(&folded) {
            return at;
        }
    }
    0
}

/// The sentences of `tokens` as token ranges: cut after `.` `!` `?` `؟` `…`, at line breaks and
/// every [`MAX_SENTENCE`] tokens.
fn sentence_ranges(text: &str, tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for i in 0..tokens.len() {
        let last = i + 1 == tokens.len()
            || ends_sentence(text, &tokens[i])
            || i + 1 - start >= MAX_SENTENCE
            || text[tokens[i].span.end..tokens[i + 1].span.start].contains(['\n', '\r']);
        if last {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    ranges
}

impl ModelSource<'_> {
    /// The words (as written) of each sentence range.
    fn words<'t>(
        text: &'t str,
        tokens: &[Token],
        ranges: &[std::ops::Range<usize>],
    ) -> Vec<Vec<&'t str>> {
        ranges
            .iter()
            .map(|r| {
                tokens[r.clone()]
                    .iter()
                    .map(|t| t.span.slice(text))
                    .collect()
            })
            .collect()
    }

    /// The mentions of the labelled sentences: every entity chunk from its first token (less
    /// its proclitics, see [`proclitic_len`]) to its last.
    fn chunk_mentions(
        &self,
        text: &str,
        tokens: &[Token],
        ranges: &[std::ops::Range<usize>],
        labels: &[Vec<super::labels::Label>],
    ) -> Vec<Mention> {
        let mut out = Vec::new();
        for (r, labels) in ranges.iter().zip(labels) {
            let sentence = &tokens[r.clone()];
            for c in chunks(labels) {
                let first = &sentence[c.start];
                let skip = proclitic_len(first.span.slice(text), self.model);
                let span = Span::new(first.span.start + skip, sentence[c.end - 1].span.end);
                if !span.is_empty() && KINDS.contains(&c.kind) {
                    out.push(Mention {
                        span,
                        kind: c.kind,
                        origin: MentionOrigin::Model,
                    });
                }
            }
        }
        out
    }
}

impl MentionSource for ModelSource<'_> {
    fn mentions(&self, text: &str, tokens: &[Token]) -> Vec<Mention> {
        self.mentions_many(&[(text, tokens)])
            .pop()
            .unwrap_or_default()
    }

    /// Each document tagged as by [`MentionSource::mentions`], in one
    /// [`Tagger::tag_documents`] call (the per-word work shared).
    fn mentions_many(&self, documents: &[(&str, &[Token])]) -> Vec<Vec<Mention>> {
        let ranges: Vec<Vec<std::ops::Range<usize>>> = documents
            .iter()
            .map(|(text, tokens)| sentence_ranges(text, tokens))
            .collect();
        let words: Vec<Vec<Vec<&str>>> = documents
            .iter()
            .zip(&ranges)
            .map(|((text, tokens), r)| Self::words(text, tokens, r))
            .collect();
        let labels = self.model.tag_documents(&words);
        documents
            .iter()
            .zip(ranges.iter().zip(&labels))
            .map(|((text, tokens), (r, l))| self.chunk_mentions(text, tokens, r, l))
            .collect()
    }
}
