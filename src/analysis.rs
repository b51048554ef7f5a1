//! The one entry point of the analysis layers: text in, [`Analysis`] out.
//!
//! Data flow: per paragraph, [`crate::text::token::tokenize`] → the mention sources (lexicon,
//! rules, tagger: [`crate::entities::source_mentions`]) → their paragraph-local resolution
//! ([`crate::entities::staged::local_mentions`]); then over the document the learned names, each
//! paragraph's resolved mentions, merging ([`crate::entities::staged`]) →
//! [`crate::quotes::scan`] → [`crate::diagnostics::check`] (see [`incremental`]). Pure: no I/O,
//! no LSP types.

pub mod incremental;

use serde::Serialize;

use crate::diagnostics::{self, Code, Diagnostic};
use crate::entities::{Entity, MentionSource};
use crate::quotes::QuoteScan;
use crate::text::token::Token;

/// The result of analysing one text. Every span is a byte range of that text.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Analysis {
    /// Tokens of the text.
    #[serde(skip)]
    pub tokens: Vec<Token>,
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
