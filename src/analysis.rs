//! The one entry point of the analysis layers: text in, [`Analysis`] out.
//!
//! Data flow: [`crate::text::token::tokenize`] → [`crate::entities::recognize`] (lexicon, rules,
//! tagger) → [`crate::quotes::scan`] → [`crate::diagnostics::check`]. Pure: no I/O, no LSP types.

use serde::Serialize;

use crate::diagnostics::{self, Diagnostic};
use crate::entities::{self, Entity, MentionSource};
use crate::quotes::{self, QuoteScan};
use crate::text::token::{self, Token};

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

/// Analyses `text` with the shipped lexicon, rules and (when available) the shipped tagger.
pub fn analyze(text: &str) -> Analysis {
    let extra: Vec<&dyn MentionSource> = crate::ner::shipped().into_iter().collect();
    analyze_with(text, &extra)
}

/// Analyses `text` with the lexicon and rules plus the given extra mention sources.
pub fn analyze_with(text: &str, extra: &[&dyn MentionSource]) -> Analysis {
    let tokens = token::tokenize(text);
    let entities = entities::recognize(text, &tokens, extra);
    let quotes = quotes::scan(text, &tokens, &entities);
    let diagnostics = diagnostics::check(text, &tokens, &entities, &quotes);
    Analysis {
        tokens,
        entities,
        quotes,
        diagnostics,
    }
}
