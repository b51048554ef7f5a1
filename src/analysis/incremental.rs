//! Incremental analysis: the per-paragraph work of [`crate::analysis::analyze`] memoised by
//! paragraph content, so that re-analysing an edited text redoes only the paragraphs the edit
//! touched.
//!
//! The analysis is defined in two stages, for fresh and incremental runs alike:
//!
//! 1. **Paragraph stage** (a pure function of one paragraph's text, [`ParagraphWork`]):
//!    tokens ([`crate::text::token::tokenize`]), their proclitic readings
//!    ([`crate::entities::words::Doc`]), and the sources' mentions
//!    ([`crate::entities::source_mentions`]: lexicon, context rules, and the tagger, which tags
//!    the paragraph's sentences as one document), the quotation marks and cue-verb readings
//!    ([`crate::quotes::paragraph_quotes`]) and the paragraph-local diagnostics with the words
//!    compared across the document ([`crate::diagnostics::paragraph_checks`]). All offsets are
//!    relative to the paragraph.
//! 2. **Document stage** (runs on every analysis, [`document_stage`]): the paragraphs' parts
//!    shifted to their place and concatenated, then propagation of learned names, overlap
//!    resolution, merging into entities and roles ([`crate::entities::recognize_found`]),
//!    quotation pairing and attribution ([`crate::quotes::scan_paragraphs`], which pairs the
//!    cached marks across paragraphs) and diagnostics ([`crate::diagnostics::check_paragraphs`]:
//!    the document-level checks plus the cached local ones). They equal the one-shot
//!    [`crate::quotes::scan`] and [`crate::diagnostics::check`] on the whole text.
//!
//! Paragraphs are the trimmed non-blank lines of [`crate::text::segment::paragraphs`]; no token
//! crosses a line break, so the tokens of the paragraphs are the tokens of the text.
//!
//! Because the cache only memoises a pure function keyed by the paragraph's exact text,
//! [`IncrementalAnalyzer::analyze`] returns exactly what a fresh analysis of the same text
//! returns, whatever was analysed before (checked by the property test in
//! `tests/incremental.rs`). The cache keeps the paragraphs of the last analysed text only.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::analysis::Analysis;
use crate::diagnostics;
use crate::entities::words::{Doc, Reading};
use crate::entities::{self, MentionSource, SourceMentions};
use crate::quotes;
use crate::text::Span;
use crate::text::segment;
use crate::text::token::{self, Token};

/// The paragraph stage's result for one paragraph; every span is a byte range of the
/// paragraph's text (offset 0 = the paragraph's first byte).
#[derive(Clone, Debug, PartialEq)]
pub struct ParagraphWork {
    /// [`token::tokenize`] of the paragraph.
    pub tokens: Vec<Token>,
    /// The proclitic readings of each token ([`Doc::readings`]).
    pub readings: Vec<Vec<Reading>>,
    /// The sources' mentions (lexicon, rules, tagger).
    pub found: SourceMentions,
    /// The quotation layer's part: marks and cue readings ([`quotes::paragraph_quotes`]).
    pub quotes: quotes::ParagraphQuotes,
    /// The paragraph-local diagnostics and the words compared across the document
    /// ([`diagnostics::paragraph_checks`]).
    pub checks: diagnostics::ParagraphChecks,
}

/// Runs the paragraph stage on `paragraph` (one trimmed line) with the lexicon, the rules and
/// the `extra` sources.
pub fn paragraph_stage(paragraph: &str, extra: &[&dyn MentionSource]) -> ParagraphWork {
    let tokens = token::tokenize(paragraph);
    let doc = Doc::new(paragraph, &tokens);
    let found = entities::source_mentions(&doc, extra);
    let readings = doc.readings;
    let quotes = quotes::paragraph_quotes(paragraph, &tokens);
    let checks = diagnostics::paragraph_checks(paragraph, &tokens);
    ParagraphWork {
        tokens,
        readings,
        found,
        quotes,
        checks,
    }
}

/// The first step of the document stage: the paragraphs' tokens, proclitic readings (one entry
/// per token) and source mentions, shifted by each paragraph's byte offset and concatenated in
/// text order. `parts` as for [`document_stage`]; every span returned is a byte range of the text.
pub fn assemble(
    parts: &[(usize, &ParagraphWork)],
) -> (Vec<Token>, Vec<Vec<Reading>>, SourceMentions) {
    let n: usize = parts.iter().map(|(_, p)| p.tokens.len()).sum();
    let mut tokens: Vec<Token> = Vec::with_capacity(n);
    let mut readings: Vec<Vec<Reading>> = Vec::with_capacity(n);
    let mut found = SourceMentions::default();
    for &(offset, part) in parts {
        tokens.extend(part.tokens.iter().map(|t| Token {
            kind: t.kind,
            span: Span::new(t.span.start + offset, t.span.end + offset),
            folded: t.folded.clone(),
        }));
        readings.extend(part.readings.iter().cloned());
        found.append(part.found.shifted(offset));
    }
    (tokens, readings, found)
}

/// Runs the document stage on `text` from the paragraph stage's results `parts`: each with the
/// byte offset of its paragraph in `text`, in text order. `tagger`: whether the sources
/// included a tagger.
pub fn document_stage(text: &str, parts: &[(usize, &ParagraphWork)], tagger: bool) -> Analysis {
    let (tokens, readings, found) = assemble(parts);
    let doc = Doc {
        text,
        tokens: &tokens,
        readings,
    };
    let entities = entities::recognize_found(&doc, found, tagger);
    drop(doc);
    let quote_parts: Vec<(usize, &quotes::ParagraphQuotes)> =
        parts.iter().map(|&(o, p)| (o, &p.quotes)).collect();
    let quotes = quotes::scan_paragraphs(text, &tokens, &entities, &quote_parts);
    let check_parts: Vec<_> = parts
        .iter()
        .map(|&(o, p)| (o, p.tokens.first().map(|t| (t.kind, t.span)), &p.checks))
        .collect();
    let diagnostics = diagnostics::check_paragraphs(text, &check_parts, &entities, &quotes);
    Analysis {
        tokens,
        entities,
        quotes,
        diagnostics,
    }
}

/// Analyses texts (successive versions of one document), keeping the paragraph stage's results
/// of the last text analysed.
///
/// Memory: the cache holds each distinct paragraph of the last text once (its text, tokens,
/// readings and mentions), a few times the text's size.
pub struct IncrementalAnalyzer {
    extra: Vec<&'static dyn MentionSource>,
    cache: FxHashMap<Box<str>, Arc<ParagraphWork>>,
    reused: usize,
    computed: usize,
}

impl std::fmt::Debug for IncrementalAnalyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncrementalAnalyzer")
            .field("sources", &self.extra.len())
            .field("cached_paragraphs", &self.cache.len())
            .finish()
    }
}

impl Default for IncrementalAnalyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl IncrementalAnalyzer {
    /// An analyser with the shipped lexicon, rules and (when available) the shipped tagger, as
    /// [`crate::analysis::analyze`] uses; the tagger is loaded on first analysis.
    pub fn new() -> Self {
        IncrementalAnalyzer {
            extra: Vec::new(),
            cache: FxHashMap::default(),
            reused: usize::MAX,
            computed: 0,
        }
    }

    /// An analyser with the lexicon and rules plus the given extra mention sources.
    pub fn with_sources(extra: Vec<&'static dyn MentionSource>) -> Self {
        IncrementalAnalyzer {
            extra,
            cache: FxHashMap::default(),
            reused: 0,
            computed: 0,
        }
    }

    /// Forgets every cached paragraph.
    pub fn clear(&mut self) {
        self.cache = FxHashMap::default();
    }

    /// Number of distinct paragraphs cached (those of the last text analysed).
    pub fn cached_paragraphs(&self) -> usize {
        self.cache.len()
    }

    /// Of the last analysis's paragraphs: how many were taken from the cache and how many
    /// computed.
    pub fn last_counts(&self) -> (usize, usize) {
        (self.reused, self.computed)
    }

    /// Analyses `text`; equal to [`crate::analysis::analyze`]`(text)` (or
    /// [`crate::analysis::analyze_with`] with this analyser's sources).
    pub fn analyze(&mut self, text: &str) -> Analysis {
        if self.reused == usize::MAX {
            // `new()`: the shipped sources, resolved lazily (model load on first use).
            self.extra = crate::ner::shipped().into_iter().collect();
            self.reused = 0;
        }
        let extra: Vec<&dyn MentionSource> = self.extra.to_vec();
        let spans = segment::paragraphs(text);
        let mut old = std::mem::take(&mut self.cache);
        let mut next: FxHashMap<Box<str>, Arc<ParagraphWork>> =
            FxHashMap::with_capacity_and_hasher(spans.len(), Default::default());
        let (mut reused, mut computed) = (0, 0);
        let mut works: Vec<(usize, Arc<ParagraphWork>)> = Vec::with_capacity(spans.len());
        for span in spans {
            let p = span.slice(text);
            let work = if let Some(w) = next.get(p) {
                reused += 1;
                w.clone()
            } else if let Some((k, w)) = old.remove_entry(p) {
                reused += 1;
                next.insert(k, w.clone());
                w
            } else {
                computed += 1;
                let w = Arc::new(paragraph_stage(p, &extra));
                next.insert(p.into(), w.clone());
                w
            };
            works.push((span.start, work));
        }
        self.cache = next;
        self.reused = reused;
        self.computed = computed;
        let parts: Vec<(usize, &ParagraphWork)> =
            works.iter().map(|(o, w)| (*o, w.as_ref())).collect();
        document_stage(text, &parts, !extra.is_empty())
    }
}

/// A fresh analysis of `text` in two stages with the given sources (no cache kept).
pub fn analyze_staged(text: &str, extra: &[&dyn MentionSource]) -> Analysis {
    let works: Vec<(usize, ParagraphWork)> = segment::paragraphs(text)
        .into_iter()
        .map(|s| (s.start, paragraph_stage(s.slice(text), extra)))
        .collect();
    let parts: Vec<(usize, &ParagraphWork)> = works.iter().map(|(o, w)| (*o, w)).collect();
    document_stage(text, &parts, !extra.is_empty())
}
