//! The one entry point of the analysis layers: text in, [`Analysis`] out.
//!
//! Data flow: per paragraph, [`crate::text::token::tokenize`] → the mention sources (lexicon,
//! rules, tagger: [`crate::entities::source_mentions`]) → their paragraph-local resolution
//! ([`crate::entities::staged::local_mentions`]); then over the document the learned names, each
//! paragraph's resolved mentions, merging ([`crate::entities::staged`]) →
//! [`crate::quotes::scan`] → [`crate::diagnostics::check`] (see [`incremental`]). Pure: no I/O,
//! no LSP types.

pub mod incremental;
mod workers;

use std::sync::Arc;

use serde::Serialize;

use crate::diagnostics::{self, Code, Diagnostic};
use crate::entities::{Entity, MentionSource};
use crate::quotes::QuoteScan;
use crate::text::Span;
use crate::text::token::Token;

/// The result of analysing one text. Every span is a byte range of that text.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Analysis {
    /// Tokens of the text ([`crate::text::token::tokenize`] of it), shared with the paragraph
    /// stage's results.
    #[serde(skip)]
    pub tokens: Tokens,
    /// Entities, in order of first mention (`e1`, `e2`…).
    pub entities: Vec<Entity>,
    /// Quotations, quoted names and unpaired marks.
    pub quotes: QuoteScan,
    /// Diagnostics sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// The diagnostic codes that need neither the lexicons, the cue lists nor the tagger: they look
/// at the characters and tokens of one paragraph only ([`diagnostics::local_checks`]).
pub const EARLY_CODES: [Code; 5] = [
    Code::LatinPunctuation,
    Code::SpaceBeforePunctuation,
    Code::RepeatedWord,
    Code::BidiControl,
    Code::ConfusableLetter,
];

/// The diagnostics of `text` that need no data file or model ([`EARLY_CODES`]), sorted and
/// capped like [`analyze`]'s: exactly the diagnostics of those codes in `analyze(text)`, for
/// less than a tenth of its cost (tokens and character checks only) and without waiting for the
/// lexicons or the tagger to load. Spans are byte ranges of `text`. The server publishes them
/// when a document is opened, before the full set is ready.
pub fn early_diagnostics(text: &str) -> Vec<Diagnostic> {
    let tokens = crate::text::token::tokenize(text);
    diagnostics::finish(diagnostics::local_checks(text, &tokens))
}

/// Analyses `text` with the shipped lexicon, rules and (when available) the shipped tagger.
pub fn analyze(text: &str) -> Analysis {
    let extra: Vec<&dyn MentionSource> = crate::ner::shipped().into_iter().collect();
    analyze_with(text, &extra)
}

/// Analyses `text` with the lexicon and rules plus the given extra mention sources.
///
/// In two stages ([`incremental`]): per paragraph, tokens, readings and the sources' mentions
/// (the tagger tags each paragraph's sentences as one document); then, over the document,
/// propagation, overlap resolution, merging, quotations and diagnostics. An
/// [`incremental::IncrementalAnalyzer`] returns the same result while reusing unchanged
/// paragraphs.
pub fn analyze_with(text: &str, extra: &[&dyn MentionSource]) -> Analysis {
    incremental::analyze_staged(text, extra)
}

/// The tokens of an analysed text, kept as each paragraph's tokens (spans relative to the
/// paragraph) shared with the paragraph stage's results, and the paragraph's byte offset in the
/// text, applied when read: building it costs one shared pointer per paragraph, not a copy of
/// every token. Read as a whole, it is [`crate::text::token::tokenize`] of the text (spans are
/// byte ranges of the text).
#[derive(Clone, Default)]
pub struct Tokens {
    /// (byte offset of the paragraph in the text, its paragraph stage), in text order.
    parts: Vec<(usize, Arc<incremental::ParagraphWork>)>,
    /// Total number of tokens.
    len: usize,
}

impl Tokens {
    /// The tokens of the paragraphs `parts`: each paragraph's byte offset in the text and its
    /// paragraph stage, in text order.
    pub fn new(parts: Vec<(usize, Arc<incremental::ParagraphWork>)>) -> Self {
        let len = parts.iter().map(|(_, w)| w.tokens.len()).sum();
        Tokens { parts, len }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the text has no token.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Each paragraph's byte offset in the text and its tokens (spans relative to the
    /// paragraph), in text order.
    pub fn paragraphs(&self) -> impl Iterator<Item = (usize, &[Token])> + '_ {
        self.parts.iter().map(|(o, w)| (*o, w.tokens.as_slice()))
    }

    /// Each token's paragraph offset with the token itself (span relative to the paragraph),
    /// in text order: add the offset to the span for a byte range of the text.
    fn relative(&self) -> impl Iterator<Item = (usize, &Token)> + '_ {
        self.paragraphs()
            .flat_map(|(o, tokens)| tokens.iter().map(move |t| (o, t)))
    }

    /// The tokens as one vector, spans shifted to byte ranges of the text (a copy: one `String`
    /// per token).
    pub fn to_vec(&self) -> Vec<Token> {
        let mut out = Vec::with_capacity(self.len);
        out.extend(self.relative().map(|(o, t)| Token {
            kind: t.kind,
            span: Span::new(t.span.start + o, t.span.end + o),
            folded: t.folded.clone(),
        }));
        out
    }
}

impl PartialEq for Tokens {
    /// Equal when the token sequences are (kinds, text spans, folded forms), however the
    /// paragraphs are shared.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self
                .relative()
                .zip(other.relative())
                .all(|((oa, a), (ob, b))| {
                    a.kind == b.kind
                        && a.span.start + oa == b.span.start + ob
                        && a.span.end + oa == b.span.end + ob
                        && a.folded == b.folded
                })
    }
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.to_vec()).finish()
    }
}
