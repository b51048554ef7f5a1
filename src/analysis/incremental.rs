//! Incremental analysis: the per-paragraph work of [`crate::analysis::analyze`] memoised by
//! paragraph content, so that re-analysing an edited text redoes only the paragraphs the edit
//! touched.
//!
//! The analysis is defined in two stages, for fresh and incremental runs alike:
//!
//! 1. **Paragraph stage** (a pure function of one paragraph's text, [`ParagraphWork`]):
//!    tokens ([`crate::text::token::tokenize`]), their proclitic readings
//!    ([`crate::entities::words::Doc`]), the sources' mentions
//!    ([`crate::entities::source_mentions`]: lexicon, context rules, and the tagger, which tags
//!    the paragraph's sentences as one document), the learned-independent half of entity
//!    recognition ([`crate::entities::staged::local_mentions`], including the names the
//!    paragraph teaches), the quotation marks and cue-verb readings
//!    ([`crate::quotes::paragraph_quotes`]) and the paragraph-local diagnostics with the words
//!    compared across the document ([`crate::diagnostics::paragraph_checks`]). All offsets are
//!    relative to the paragraph.
//! 2. **Document stage** (runs on every analysis, [`document_stage`]): the document's learned
//!    names ([`learned_names`]), each paragraph's resolved mentions
//!    ([`crate::entities::staged::part_mentions`]: copies of learned names, overlap resolution,
//!    transliterations, roles — inside the paragraph), merging into entities
//!    ([`crate::entities::staged::document_entities`]), then quotation pairing and attribution
//!    on the paragraphs' tokens, borrowed and shifted as read
//!    ([`crate::quotes::scan_paragraphs`], which pairs the cached marks across paragraphs) and
//!    diagnostics ([`crate::diagnostics::check_paragraphs`]: the document-level checks plus the
//!    cached local ones). They equal the one-shot [`crate::quotes::scan`] and
//!    [`crate::diagnostics::check`] on the whole text.
//!
//! Paragraphs are the blocks of [`crate::text::segment::blocks`]: the trimmed non-blank lines,
//! a line longer than [`crate::text::segment::LONG_PARAGRAPH_BYTES`] cut between sentences at
//! content-defined points, so that typing in a text without line breaks redoes one block of
//! about 8 KB, not the whole line. No token crosses a block's edge, so the tokens of the
//! paragraphs are the tokens of the text.
//!
//! The analysis's tokens ([`Tokens`], built by [`assemble`]) share the paragraphs' cached
//! token vectors: nothing is copied per token.
//!
//! The cache memoises the paragraph stage, a pure function keyed by the paragraph's exact text,
//! and each paragraph's resolved mentions with the learned names they were computed with; a
//! paragraph's resolved mentions are reused while no learned name it depends on changed
//! ([`crate::entities::staged::LocalMentions::depends_on`]). So
//! [`IncrementalAnalyzer::analyze`] returns exactly what a fresh analysis of the same text
//! returns, whatever was analysed before (checked by the property test in
//! `tests/incremental.rs`). The cache keeps the paragraphs of the last analysed text only.

use std::sync::{Arc, LazyLock};

use rustc_hash::FxHashMap;

use super::workers;
use crate::analysis::{Analysis, Tokens};
use crate::diagnostics;
use crate::entities::propagate::{self, Learned};
use crate::entities::staged::{self, LocalMentions, PartMentions};
use crate::entities::words::{Doc, Reading};
use crate::entities::{self, MentionSource};
use crate::quotes;
use crate::text::Span;
use crate::text::edit::EditMap;
use crate::text::segment;
use crate::text::token::{self, Token};

/// The paragraph stage's result for one paragraph; every span is a byte range of the
/// paragraph's text (offset 0 = the paragraph's first byte).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParagraphWork {
    /// The paragraph's length in bytes.
    pub len: usize,
    /// [`token::tokenize`] of the paragraph.
    pub tokens: Vec<Token>,
    /// The proclitic readings of each token ([`Doc::readings`]).
    pub readings: Vec<Vec<Reading>>,
    /// The entity recognition's learned-independent half ([`staged::local_mentions`] of the
    /// sources' mentions: lexicon, rules, tagger).
    pub entities: LocalMentions,
    /// The quotation layer's part: marks and cue readings ([`quotes::paragraph_quotes`]).
    pub quotes: quotes::ParagraphQuotes,
    /// The paragraph-local diagnostics and the words compared across the document
    /// ([`diagnostics::paragraph_checks`]).
    pub checks: diagnostics::ParagraphChecks,
}

impl ParagraphWork {
    /// The word view of the paragraph, `paragraph` being its text (the one this work was
    /// computed from).
    pub fn doc<'a>(&'a self, paragraph: &'a str) -> Doc<'a> {
        Doc::with_readings(paragraph, &self.tokens, &self.readings)
    }
}

/// Runs the paragraph stage on `paragraph` (one trimmed line) with the lexicon, the rules and
/// the `extra` sources.
pub fn paragraph_stage(paragraph: &str, extra: &[&dyn MentionSource]) -> ParagraphWork {
    paragraph_batch(&[paragraph], extra)
        .pop()
        .unwrap_or_default()
}

/// [`paragraph_stage`] of each of `paragraphs` (same results), computed together: the tagger
/// tags them in one call, sharing its per-word work. Large batches are split over the machine's
/// cores (at most [`MAX_THREADS`] threads, each part at least [`MIN_BATCH_BYTES_PER_THREAD`]
/// bytes); the result does not depend on the split. A panic in one part is raised again here.
pub fn paragraph_stages(paragraphs: &[&str], extra: &[&dyn MentionSource]) -> Vec<ParagraphWork> {
    let bytes: usize = paragraphs.iter().map(|p| p.len()).sum();
    let threads = (bytes / MIN_BATCH_BYTES_PER_THREAD).min(MAX_THREADS);
    // Asked only for a batch large enough to split (the answer reads cgroup files), then kept.
    let threads = if threads > 1 { threads.min(*CORES) } else { 1 };
    split_batches(paragraphs, extra, threads)
}

/// [`paragraph_batch`] over `threads` consecutive parts of `paragraphs` of about equal bytes,
/// one thread each (this thread alone when `threads` ≤ 1), results in order.
fn split_batches(
    paragraphs: &[&str],
    extra: &[&dyn MentionSource],
    threads: usize,
) -> Vec<ParagraphWork> {
    if threads <= 1 || paragraphs.len() < 2 {
        return paragraph_batch(paragraphs, extra);
    }
    let bytes: usize = paragraphs.iter().map(|p| p.len()).sum();
    let per = bytes.div_ceil(threads);
    let mut parts: Vec<&[&str]> = Vec::with_capacity(threads);
    let (mut from, mut acc) = (0, 0);
    for (i, p) in paragraphs.iter().enumerate() {
        acc += p.len();
        if acc >= per && parts.len() + 1 < threads {
            parts.push(&paragraphs[from..=i]);
            (from, acc) = (i + 1, 0);
        }
    }
    parts.push(&paragraphs[from..]);
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .iter()
            .map(|part| scope.spawn(move || paragraph_batch(part, extra)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The cores this process may run on (`std::thread::available_parallelism`, asked once).
static CORES: LazyLock<usize> =
    LazyLock::new(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

/// [`CORES`]: the cores this process may run on.
pub(super) fn cores() -> usize {
    *CORES
}

/// At most this many threads compute one batch of paragraphs ([`paragraph_stages`]).
pub const MAX_THREADS: usize = 4;
/// The document stage runs its second thread (the entity checks, the quotation layer's token
/// table) only for texts of at least this many bytes.
pub const MIN_BYTES_PER_THREAD: usize = 64 * 1024;
/// A batch of paragraphs is split over threads only in parts of at least this many bytes: the
/// paragraph stage costs ≈ 0.3 ms of CPU per KB (four fifths of a fresh analysis), so a part of
/// 16 KB is worth a thread. On two cores this took the full diagnostics of the 112 KB harness
/// document from 70–80 ms to 57–64 ms (median of 16 runs, twice; it was not split before).
pub const MIN_BATCH_BYTES_PER_THREAD: usize = 16 * 1024;

/// [`paragraph_stage`] of each paragraph, on this thread, with one batched call per extra source
/// ([`entities::source_mentions_many`]).
fn paragraph_batch(paragraphs: &[&str], extra: &[&dyn MentionSource]) -> Vec<ParagraphWork> {
    let tokens: Vec<Vec<Token>> = paragraphs.iter().map(|p| token::tokenize(p)).collect();
    let docs: Vec<Doc<'_>> = paragraphs
        .iter()
        .zip(&tokens)
        .map(|(p, t)| Doc::new(p, t))
        .collect();
    let doc_refs: Vec<&Doc<'_>> = docs.iter().collect();
    let found = entities::source_mentions_many(&doc_refs, extra);
    let tagger = !extra.is_empty();
    let locals: Vec<LocalMentions> = docs
        .iter()
        .zip(found)
        .map(|(doc, found)| staged::local_mentions(doc, found, tagger))
        .collect();
    let readings: Vec<Vec<Vec<Reading>>> =
        docs.into_iter().map(|d| d.readings.into_owned()).collect();
    paragraphs
        .iter()
        .zip(tokens)
        .zip(readings.into_iter().zip(locals))
        .map(|((paragraph, tokens), (readings, local))| ParagraphWork {
            len: paragraph.len(),
            quotes: quotes::paragraph_quotes(paragraph, &tokens),
            checks: diagnostics::paragraph_checks(paragraph, &tokens),
            tokens,
            readings,
            entities: local,
        })
        .collect()
}

/// The document's learned names ([`propagate::Learned`]) from the paragraphs' results, in text
/// order: first every paragraph's names learned from rules, then every paragraph's names
/// learned from the tagger.
pub fn learned_names(works: &[&ParagraphWork]) -> Learned {
    Learned::new(
        works
            .iter()
            .map(|w| w.entities.learned_from_rules())
            .chain(works.iter().map(|w| w.entities.learned_from_model())),
    )
}

/// The text of the paragraph at byte `offset` of `text` whose paragraph stage gave `work`.
fn paragraph_text<'a>(text: &'a str, offset: usize, work: &ParagraphWork) -> &'a str {
    &text[offset..offset + work.len]
}

/// The text's tokens as [`Analysis::tokens`] holds them: the paragraphs' cached tokens shared,
/// each paragraph's byte offset applied when read (no token is copied). `parts` as for
/// [`document_stage`].
pub fn assemble(parts: &[(usize, Arc<ParagraphWork>)]) -> Tokens {
    Tokens::new(parts.to_vec())
}

/// The entity half of the document stage on fresh paragraph results (nothing cached): the
/// document's learned names, each paragraph's [`staged::part_mentions`], then
/// [`staged::document_entities`]. `text`, `parts` and `tagger` as for [`document_stage`].
pub fn document_entities(
    text: &str,
    parts: &[(usize, &ParagraphWork)],
    tagger: bool,
) -> Vec<entities::Entity> {
    let resolved = part_mentions_fresh(text, parts, tagger);
    staged::document_entities(&with_offsets(parts, &resolved))
}

/// Each of `resolved` (one per part) with its part's byte offset.
fn with_offsets<'r>(
    parts: &[(usize, &ParagraphWork)],
    resolved: &'r [PartMentions],
) -> Vec<(usize, &'r PartMentions)> {
    parts
        .iter()
        .zip(resolved)
        .map(|((o, _), p)| (*o, p))
        .collect()
}

/// Each paragraph's [`staged::part_mentions`] with the document's learned names.
fn part_mentions_fresh(
    text: &str,
    parts: &[(usize, &ParagraphWork)],
    tagger: bool,
) -> Vec<PartMentions> {
    let works: Vec<&ParagraphWork> = parts.iter().map(|(_, w)| *w).collect();
    let learned = learned_names(&works);
    parts
        .iter()
        .map(|&(offset, w)| {
            let doc = w.doc(paragraph_text(text, offset, w));
            staged::part_mentions(&doc, &w.entities, &learned, tagger)
        })
        .collect()
}

/// Runs the document stage on `text` from the paragraph stage's results `parts`: each with the
/// byte offset of its paragraph in `text`, in text order (shared: the analysis's tokens point
/// to them). `tagger`: whether the sources included a tagger (the same as for the paragraph
/// stage).
pub fn document_stage(text: &str, parts: &[(usize, Arc<ParagraphWork>)], tagger: bool) -> Analysis {
    let refs: Vec<(usize, &ParagraphWork)> = parts.iter().map(|(o, w)| (*o, w.as_ref())).collect();
    let resolved = part_mentions_fresh(text, &refs, tagger);
    let (entities, order) = staged::document_entities_ordered(&with_offsets(&refs, &resolved));
    let quote_parts = quote_parts(parts);
    let mut kept = Kept::default();
    finish(text, parts, &quote_parts, entities, &order, None, &mut kept).0
}

/// Each paragraph's offset, quotation-layer part and tokens, as the quotation scan reads them.
fn quote_parts(
    parts: &[(usize, Arc<ParagraphWork>)],
) -> Vec<(usize, &quotes::ParagraphQuotes, &[Token])> {
    parts
        .iter()
        .map(|(o, p)| (*o, &p.quotes, p.tokens.as_slice()))
        .collect()
}

/// The rest of the document stage once the paragraphs' mentions are merged into `entities`
/// ([`staged::document_entities`]), `order` being their mentions in text order: `quote_parts`
/// is [`quote_parts`]`(parts)`, `prev` the quotation layer's memo of the previous text with the
/// map of its offsets into `text` ([`quotes::scan_paragraphs_reusing`]). Returns the analysis
/// and the memo for the next text. (A large text's analysis on several cores scans the
/// quotations beside the entity merge instead: [`IncrementalAnalyzer::analyze`].)
fn finish<'p>(
    text: &str,
    parts: &'p [(usize, Arc<ParagraphWork>)],
    quote_parts: &[(usize, &'p quotes::ParagraphQuotes, &'p [Token])],
    entities: Vec<entities::Entity>,
    order: &entities::MentionOrder,
    prev: Option<(quotes::AttrMemo, EditMap)>,
    kept: &mut Kept,
) -> (Analysis, quotes::AttrMemo) {
    let check_parts = check_parts(parts);
    // The diagnostics that need the entities but not the quotations, with the paragraphs'
    // local ones sorted in, run on a second core while the quotations are scanned (large texts
    // only: a thread costs tens of µs); the quotation diagnostics are merged in after.
    let buffers = &mut kept.quote_buffers;
    let scan = || {
        let prepared = quotes::prepare(text, quote_parts, buffers);
        quotes::scan_prepared(text, &entities, order, prepared, prev, buffers)
    };
    let checks_memo = &kept.entity_checks;
    let without_quotes = || entity_checks(text, &check_parts, &entities, order, checks_memo);
    let (quotes, without_quotes) = if *CORES > 1 && text.len() >= MIN_BYTES_PER_THREAD {
        std::thread::scope(|scope| {
            // A thread that cannot be started (resource limits) is not an error: the checks
            // then run here, after the scan.
            let checks = std::thread::Builder::new()
                .name("qalam-entity-checks".into())
                .spawn_scoped(scope, without_quotes)
                .ok();
            let quotes = scan();
            let checks = match checks {
                Some(h) => h
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => without_quotes(),
            };
            (quotes, checks)
        })
    } else {
        (scan(), without_quotes())
    };
    let (quotes, memo) = quotes;
    let diagnostics = diagnostics::with_quotes(text, without_quotes, &quotes);
    (analysis_of(parts, entities, quotes, diagnostics), memo)
}

/// How far [`IncrementalAnalyzer::analyze`]'s threads took the document stage.
enum Stage {
    /// Entities merged (entities, their mentions in text order): the rest is [`finish`]'s.
    Merged(Vec<entities::Entity>, entities::MentionOrder),
    /// The entity checks (the diagnostics that need no quotations), run here while a worker
    /// scanned the quotations; the entities are in the `OnceLock` the scan read them from, the
    /// scan's result in the one it set ([`ScanResult`]).
    Scanned(diagnostics::WithoutQuotes),
}

/// The quotation scan (with the memo for the next text) and its diagnostics, as the worker of
/// [`IncrementalAnalyzer::analyze`] leaves them.
type ScanResult = (
    (quotes::QuoteScan, quotes::AttrMemo),
    diagnostics::QuoteDiagnostics,
);

/// What the entity checks read of each paragraph: its offset, its first token's kind and span,
/// and its local checks.
type CheckPart<'p> = (
    usize,
    Option<(token::TokenKind, Span)>,
    &'p diagnostics::ParagraphChecks,
);

fn check_parts(parts: &[(usize, Arc<ParagraphWork>)]) -> Vec<CheckPart<'_>> {
    parts
        .iter()
        .map(|(o, p)| (*o, p.tokens.first().map(|t| (t.kind, t.span)), &p.checks))
        .collect()
}

/// The diagnostics that need the entities but not the quotations
/// ([`diagnostics::entity_checks_paragraphs_reusing`], then [`diagnostics::without_quotes`]).
fn entity_checks(
    text: &str,
    check_parts: &[CheckPart<'_>],
    entities: &[entities::Entity],
    order: &entities::MentionOrder,
    memo: &std::sync::Mutex<diagnostics::EntityChecksMemo>,
) -> diagnostics::WithoutQuotes {
    let mut memo = memo.lock().unwrap_or_else(|p| p.into_inner());
    let by_entities = diagnostics::entity_checks_paragraphs_reusing(
        text,
        check_parts,
        entities,
        order,
        &mut memo,
    );
    drop(memo);
    diagnostics::without_quotes(text, check_parts, by_entities)
}

/// The analysis of a text made of `parts`, with its entities, quotations and diagnostics.
fn analysis_of(
    parts: &[(usize, Arc<ParagraphWork>)],
    entities: Vec<entities::Entity>,
    quotes: quotes::QuoteScan,
    diagnostics: Vec<diagnostics::Diagnostic>,
) -> Analysis {
    Analysis {
        tokens: assemble(parts),
        entities,
        quotes,
        diagnostics,
    }
}

/// What the document stage keeps from one analysis of a document to the next besides the
/// quotation memo: the last merge of entities ([`staged::EntityMemo`]), the quotation layer's
/// buffers ([`quotes::Buffers`]) and the entity checks' memo
/// ([`diagnostics::EntityChecksMemo`]: `inconsistent-spelling` findings per entity, the
/// document's words by orthography key; in a mutex because the checks run on another thread).
/// None changes a result.
#[derive(Debug, Default)]
struct Kept {
    entities: staged::EntityMemo,
    quote_buffers: quotes::Buffers,
    entity_checks: std::sync::Mutex<diagnostics::EntityChecksMemo>,
}

/// One distinct paragraph of the last analysed text: its paragraph stage and its resolved
/// mentions, computed with the learned names of that text; a free slot when `uses` is 0.
#[derive(Default)]
struct Entry {
    work: Arc<ParagraphWork>,
    resolved: Option<Arc<PartMentions>>,
    /// How many paragraphs of the last text are this one.
    uses: usize,
}

/// Analyses texts (successive versions of one document), keeping the paragraph stage's results
/// of the last text analysed, each paragraph's resolved mentions and the learned names they
/// were resolved with.
///
/// An edit is located by comparing the text with the last one (common prefix and suffix): the
/// paragraphs on whole lines before and after the changed bytes are the last text's, found
/// without hashing their text again; only the lines in between are segmented and looked up.
///
/// Memory: the cache holds each distinct paragraph of the last text once (its text, tokens,
/// readings and mentions), a few times the text's size, plus a copy of the last text.
pub struct IncrementalAnalyzer {
    extra: Vec<&'static dyn MentionSource>,
    /// Paragraph text → index into `entries` (the paragraphs of the last text).
    cache: FxHashMap<Box<str>, usize>,
    /// Distinct paragraphs of the last text; free slots (`uses == 0`) are listed in `free`.
    entries: Vec<Entry>,
    free: Vec<usize>,
    /// The last analysed text.
    last_text: String,
    /// Its paragraphs in text order: byte span in `last_text` and entry index.
    last_order: Vec<(Span, usize)>,
    /// The learned names of the last analysis: every cached `resolved` was computed with them.
    learned: Learned,
    /// The quotation layer's memo of the last analysis (attribution reused across edits).
    quote_memo: Option<quotes::AttrMemo>,
    /// The last merge, the quotation layer's buffers and the entity checks' memo, kept between
    /// analyses.
    kept: Kept,
    /// The last text's changed bytes against the one before it ([`Self::last_edit`]).
    last_edit: Option<EditMap>,
    reused: usize,
    computed: usize,
    resolved: usize,
}

impl std::fmt::Debug for IncrementalAnalyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncrementalAnalyzer")
            .field("sources", &self.extra.len())
            .field("cached_paragraphs", &self.cache.len())
            .field("learned", &self.learned.len())
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
            entries: Vec::new(),
            free: Vec::new(),
            last_text: String::new(),
            last_order: Vec::new(),
            learned: Learned::default(),
            quote_memo: None,
            kept: Kept::default(),
            last_edit: None,
            reused: usize::MAX,
            computed: 0,
            resolved: 0,
        }
    }

    /// An analyser with the lexicon and rules plus the given extra mention sources.
    pub fn with_sources(extra: Vec<&'static dyn MentionSource>) -> Self {
        IncrementalAnalyzer {
            extra,
            cache: FxHashMap::default(),
            entries: Vec::new(),
            free: Vec::new(),
            last_text: String::new(),
            last_order: Vec::new(),
            learned: Learned::default(),
            quote_memo: None,
            kept: Kept::default(),
            last_edit: None,
            reused: 0,
            computed: 0,
            resolved: 0,
        }
    }

    /// Forgets every cached paragraph.
    pub fn clear(&mut self) {
        self.cache = FxHashMap::default();
        self.entries = Vec::new();
        self.free = Vec::new();
        self.last_text = String::new();
        self.last_order = Vec::new();
        self.learned = Learned::default();
        self.quote_memo = None;
        self.kept = Kept::default();
        self.last_edit = None;
    }

    /// Number of distinct paragraphs cached (those of the last text analysed).
    pub fn cached_paragraphs(&self) -> usize {
        self.cache.len()
    }

    /// The bytes the last analysed text changed from the one analysed before it (their common
    /// prefix and suffix); `None` before the first analysis and after [`Self::clear`].
    pub fn last_edit(&self) -> Option<EditMap> {
        self.last_edit
    }

    /// Of the last analysis's paragraphs: how many were taken from the cache and how many
    /// computed.
    pub fn last_counts(&self) -> (usize, usize) {
        (self.reused, self.computed)
    }

    /// How much of the last analysis's quotation attribution was taken from the analysis
    /// before it ([`quotes::ReuseStats`]; all zero before the first analysis).
    pub fn last_quote_reuse(&self) -> quotes::ReuseStats {
        self.quote_memo
            .as_ref()
            .map(|m| m.stats())
            .unwrap_or_default()
    }

    /// Of the last analysis's distinct paragraphs: how many had their mentions resolved again
    /// ([`staged::part_mentions`]: new paragraphs, and those a change of the learned names may
    /// affect); the others reused their resolved mentions.
    pub fn last_resolved(&self) -> usize {
        self.resolved
    }

    /// Whether the last analysis took its entities from the one before it (no mention or role
    /// changed but for its position: [`staged::document_entities_reusing`]).
    pub fn last_entities_reused(&self) -> bool {
        self.kept.entities.reused()
    }

    /// How many mentions the last analysis merged into entities again: none when it reused the
    /// last merge, those the edit's forms can reach when it regrouped them, else all
    /// ([`staged::EntityMemo::regrouped`]).
    pub fn last_regrouped(&self) -> usize {
        self.kept.entities.regrouped()
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
        let tagger = !extra.is_empty();
        // Taken out first: a panic below leaves an empty analyser (no resolved mentions that
        // disagree with `self.learned`).
        let mut old_learned = std::mem::take(&mut self.learned);
        let mut cache = std::mem::take(&mut self.cache);
        let mut entries = std::mem::take(&mut self.entries);
        let mut free = std::mem::take(&mut self.free);
        let old_text = std::mem::take(&mut self.last_text);
        let old_order = std::mem::take(&mut self.last_order);
        let old_memo = self.quote_memo.take();

        // The changed bytes: everything between the common prefix and the common suffix, widened
        // to whole lines — from the start of the line holding the first changed byte (`a`) to
        // the start of the line after the last one (`b`; `old_b` in the last text). Lines before
        // `a` and from `b` on are the last text's lines, so their paragraphs are too (shifted
        // by `delta` after the change).
        let (old, new) = (old_text.as_bytes(), text.as_bytes());
        let pre = common_prefix(old, new);
        let max_suf = old.len().min(new.len()) - pre;
        let suf = common_suffix(&old[pre..], &new[pre..]).min(max_suf);
        let a = new[..pre]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1);
        let b = new[new.len() - suf..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(new.len(), |i| new.len() - suf + i + 1);
        let old_b = b + old.len() - new.len();
        let before = old_order.partition_point(|(s, _)| s.start < a);
        let after = old_order.partition_point(|(s, _)| s.start < old_b);

        // (offset, entry index) of each paragraph, in text order.
        let mut order: Vec<(Span, usize)> = Vec::with_capacity(old_order.len() + 1);
        order.extend_from_slice(&old_order[..before]);
        // (entry index, text) of the paragraphs not cached.
        let mut missing: Vec<(usize, &str)> = Vec::new();
        let (mut reused, mut computed) = (old_order.len() - (after - before), 0);
        for span in segment::blocks(&text[a..b]) {
            let span = Span::new(span.start + a, span.end + a);
            let p = span.slice(text);
            let slot = if let Some(&e) = cache.get(p) {
                reused += 1;
                e
            } else {
                computed += 1;
                // Computed below, with the other new paragraphs, in one batch.
                let e = free.pop().unwrap_or_else(|| {
                    entries.push(Entry::default());
                    entries.len() - 1
                });
                entries[e] = Entry::default();
                missing.push((e, p));
                cache.insert(p.into(), e);
                e
            };
            entries[slot].uses += 1;
            order.push((span, slot));
        }
        // The last text's paragraphs in the changed lines, for their learned names below.
        let replaced: Vec<Arc<ParagraphWork>> = old_order[before..after]
            .iter()
            .map(|&(_, e)| entries[e].work.clone())
            .collect();
        // The last text's paragraphs in the changed lines are gone (unless written again).
        for &(span, e) in &old_order[before..after] {
            let entry = &mut entries[e];
            entry.uses -= 1;
            if entry.uses == 0 {
                cache.remove(span.slice(&old_text));
                *entry = Entry::default();
                free.push(e);
            }
        }
        let delta = new.len() as isize - old.len() as isize;
        // Paragraphs after the changed lines (the last text's, shifted).
        let kept_after = old_order.len() - after;
        order.extend(old_order[after..].iter().map(|&(s, e)| {
            let shift = |x: usize| x.wrapping_add_signed(delta);
            (Span::new(shift(s.start), shift(s.end)), e)
        }));
        drop(old_order);
        let texts: Vec<&str> = missing.iter().map(|&(_, p)| p).collect();
        for ((e, _), work) in missing.iter().zip(paragraph_stages(&texts, &extra)) {
            entries[*e].work = Arc::new(work);
        }
        self.reused = reused;
        self.computed = computed;

        // Shared copies, read while `entries` is updated.
        let works: Vec<Arc<ParagraphWork>> = entries.iter().map(|e| e.work.clone()).collect();
        let parts: Vec<(usize, Arc<ParagraphWork>)> = order
            .iter()
            .map(|&(s, e)| (s.start, works[e].clone()))
            .collect();
        let quote_parts = quote_parts(&parts);
        let map = EditMap::new(old.len(), new.len(), pre, suf);
        self.last_edit = map;
        let mut prev = old_memo.zip(map);
        // On a large text the quotation scan runs on a second core: its first half, which
        // needs no entities, while this thread finds the learned names and merges the entities;
        // then, given them, its second half, while this thread runs the entity checks.
        let buffers = &mut self.kept.quote_buffers;
        let checks_memo = &self.kept.entity_checks;
        let merged: std::sync::OnceLock<(Vec<entities::Entity>, entities::MentionOrder)> =
            std::sync::OnceLock::new();
        // The scan's result, set by its job before the scope ends.
        let scanned: std::sync::OnceLock<ScanResult> = std::sync::OnceLock::new();
        // Tells the scan that `merged` is set (or, dropped unsent, that this thread is
        // unwinding: the scan then ends without a result).
        let (ready, wait) = std::sync::mpsc::channel::<()>();
        // The pool and the scan's job, for a text large enough to hand it over.
        let scan = (text.len() >= MIN_BYTES_PER_THREAD)
            .then(workers::claim)
            .flatten()
            .map(|(pool, claim)| {
                let (quote_parts, merged, prev, scanned) =
                    (&quote_parts, &merged, prev.take(), &scanned);
                let job = move |_: &rayon::Scope<'_>| {
                    // Given back when the job ends.
                    let _claim = claim;
                    let prepared = quotes::prepare(text, quote_parts, buffers);
                    let Ok(()) = wait.recv() else { return };
                    let Some((entities, order)) = merged.get() else {
                        return;
                    };
                    let scan =
                        quotes::scan_prepared(text, entities, order, prepared, prev, buffers);
                    let quoted = diagnostics::quote_diagnostics(text, &scan.0);
                    let _ = scanned.set((scan, quoted));
                };
                (pool, job)
            });
        let run = |started: bool| {
            // Moved in, so that a panic here drops it before the scope waits for the scan.
            let ready = ready;
            // The learned names are the last text's when the changed lines teach the same names,
            // in the same order, as the lines they replace: the document's lists, read in order,
            // are then the same.
            let written = order[before..order.len() - kept_after]
                .iter()
                .map(|&(_, e)| works[e].as_ref());
            let same_learned = same_learned_lists(replaced.iter().map(Arc::as_ref), written);
            drop(replaced);
            let learned = if same_learned {
                std::mem::take(&mut old_learned)
            } else {
                let in_order: Vec<&ParagraphWork> =
                    order.iter().map(|&(_, e)| works[e].as_ref()).collect();
                learned_names(&in_order)
            };
            // The learned names whose kind changed since the last analysis (None: not learned),
            // with whether they match spelling variants before or after.
            let mut changes: Vec<(&str, bool)> = Vec::new();
            if !same_learned {
                for (k, kind) in learned.iter() {
                    let before = old_learned.get(k);
                    if before != Some(kind) {
                        let variant = propagate::is_variant_surname(k, kind)
                            || before.is_some_and(|b| propagate::is_variant_surname(k, b));
                        changes.push((k, variant));
                    }
                }
                for (k, kind) in old_learned.iter() {
                    if learned.get(k).is_none() {
                        changes.push((k, propagate::is_variant_surname(k, kind)));
                    }
                }
            }
            // Each entry's first paragraph (its text for the paragraph view), for the entries to
            // resolve or to check against the changes.
            let mut first_offset: Vec<usize> = vec![usize::MAX; entries.len()];
            for &(span, e) in &order {
                if first_offset[e] == usize::MAX {
                    first_offset[e] = span.start;
                }
            }
            let mut resolved = 0;
            for (e, entry) in entries.iter_mut().enumerate() {
                if entry.uses == 0 || (entry.resolved.is_some() && changes.is_empty()) {
                    continue;
                }
                let work = works[e].as_ref();
                let doc = work.doc(paragraph_text(text, first_offset[e], work));
                let valid = entry.resolved.is_some()
                    && !changes
                        .iter()
                        .any(|&(k, variant)| work.entities.depends_on(&doc, k, variant));
                if !valid {
                    resolved += 1;
                    entry.resolved = Some(Arc::new(staged::part_mentions(
                        &doc,
                        &work.entities,
                        &learned,
                        tagger,
                    )));
                }
            }
            self.resolved = resolved;
            drop(changes);
            drop(old_learned);
            let resolved_parts: Vec<(usize, Arc<PartMentions>)> = order
                .iter()
                .map(|&(s, e)| {
                    (
                        s.start,
                        entries[e]
                            .resolved
                            .clone()
                            .expect("every entry resolved above"),
                    )
                })
                .collect();
            let (entities, mentions) =
                staged::document_entities_reusing(&resolved_parts, &mut self.kept.entities);
            drop(resolved_parts);
            if !started {
                return (learned, Stage::Merged(entities, mentions));
            }
            let (entities, order) = merged.get_or_init(|| (entities, mentions));
            let _ = ready.send(());
            let checks = entity_checks(text, &check_parts(&parts), entities, order, checks_memo);
            (learned, Stage::Scanned(checks))
        };
        // The scope ends when the scan's job has (a panic in it is raised again there).
        let (learned, stage) = match scan {
            Some((pool, job)) => pool.in_place_scope(|scope| {
                scope.spawn(job);
                run(true)
            }),
            None => run(false),
        };
        let (analysis, memo) = match stage {
            Stage::Merged(entities, mentions) => finish(
                text,
                &parts,
                &quote_parts,
                entities,
                &mentions,
                prev,
                &mut self.kept,
            ),
            Stage::Scanned(checks) => {
                let ((quotes, memo), quoted) = scanned
                    .into_inner()
                    .expect("the scan is given the entities it waits for");
                let (entities, _) = merged
                    .into_inner()
                    .expect("set before the scan was spawned");
                let diagnostics = diagnostics::with_quote_diagnostics(checks, quoted);
                (analysis_of(&parts, entities, quotes, diagnostics), memo)
            }
        };
        drop(quote_parts);
        drop(parts);
        let mut last_text = old_text;
        last_text.clear();
        last_text.push_str(text);
        self.cache = cache;
        self.entries = entries;
        self.free = free;
        self.last_text = last_text;
        self.last_order = order;
        self.learned = learned;
        self.quote_memo = Some(memo);
        analysis
    }
}

/// True when the paragraphs `old` and `new` teach the same names in the same order: their
/// rule-taught lists, read in order, are equal, and so are their tagger-taught lists
/// ([`learned_names`] reads every paragraph's rule-taught list, then every tagger-taught one).
fn same_learned_lists<'w>(
    old: impl Iterator<Item = &'w ParagraphWork> + Clone,
    new: impl Iterator<Item = &'w ParagraphWork> + Clone,
) -> bool {
    let rules = |w: &'w ParagraphWork| w.entities.learned_from_rules().iter();
    let model = |w: &'w ParagraphWork| w.entities.learned_from_model().iter();
    old.clone().flat_map(rules).eq(new.clone().flat_map(rules))
        && old.flat_map(model).eq(new.flat_map(model))
}

/// Length of the longest common prefix of `a` and `b` (bytes), compared a block at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Length of the longest common suffix of `a` and `b` (bytes), compared a block at a time.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + BLOCK <= n && a[n - i - BLOCK..n - i] == b[n - i - BLOCK..n - i] {
        i += BLOCK;
    }
    while i < n && a[n - i - 1] == b[n - i - 1] {
        i += 1;
    }
    i
}

/// A fresh analysis of `text` in two stages with the given sources (no cache kept).
pub fn analyze_staged(text: &str, extra: &[&dyn MentionSource]) -> Analysis {
    let spans = segment::blocks(text);
    let paragraphs: Vec<&str> = spans.iter().map(|s| s.slice(text)).collect();
    let parts: Vec<(usize, Arc<ParagraphWork>)> = spans
        .iter()
        .map(|s| s.start)
        .zip(
            paragraph_stages(&paragraphs, extra)
                .into_iter()
                .map(Arc::new),
        )
        .collect();
    document_stage(text, &parts, !extra.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The merge lists the entities' mentions in text order already, so that
    /// [`entities::MentionOrder`] costs no sort: checked on our sample and the seed article.
    #[test]
    fn mentions_come_out_of_the_merge_in_text_order() {
        let seed = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/seed/000_52c75b453decbfc7.txt"
        ))
        .unwrap_or_default();
        let sample = include_str!("../../examples/sample.txt");
        let extra = crate::ner::shipped().into_iter().collect::<Vec<_>>();
        for text in [sample, seed.as_str()]
            .into_iter()
            .filter(|t| !t.is_empty())
        {
            let spans = segment::blocks(text);
            let paragraphs: Vec<&str> = spans.iter().map(|s| s.slice(text)).collect();
            let works = paragraph_stages(&paragraphs, &extra);
            let refs: Vec<(usize, &ParagraphWork)> =
                spans.iter().map(|s| s.start).zip(&works).collect();
            let resolved = part_mentions_fresh(text, &refs, !extra.is_empty());
            let (entities, listed) =
                staged::document_entities_item_order(&with_offsets(&refs, &resolved));
            assert!(listed.len() >= 10, "{} mentions", listed.len());
            let key = |&(s, e): &(Span, usize)| (s.start, std::cmp::Reverse(s.end), e);
            for w in listed.windows(2) {
                assert!(key(&w[0]) <= key(&w[1]), "{:?} before {:?}", w[0], w[1]);
            }
            let order = entities::MentionOrder::of(&entities);
            assert_eq!(order.as_slice(), listed.as_slice());
        }
    }

    /// Paragraphs of our sample article, with a few variants so that words repeat across
    /// paragraphs (the tagger's shared per-word work) and some do not.
    fn paragraphs() -> Vec<String> {
        let sample = include_str!("../../examples/sample.txt");
        let base: Vec<&str> = sample.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut out: Vec<String> = base.iter().map(|p| p.trim().to_string()).collect();
        out.push("قال المتحدث باسم الوزارة: «سنعود غدا».".to_string());
        out.push(base[0].trim().replacen(' ', " و", 1));
        out
    }

    #[test]
    fn batched_and_split_paragraph_stages_equal_one_at_a_time() {
        let owned = paragraphs();
        let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
        assert!(texts.len() >= 4, "the sample has paragraphs");
        let extra: Vec<&dyn MentionSource> = crate::ner::shipped().into_iter().collect();
        assert!(!extra.is_empty(), "the shipped tagger is among the sources");
        let one_by_one: Vec<ParagraphWork> = texts
            .iter()
            .flat_map(|p| paragraph_batch(&[p], &extra))
            .collect();
        assert!(
            one_by_one
                .iter()
                .any(|w| !w.entities.learned_from_model().is_empty()),
            "the tagger taught names"
        );
        for threads in [1, 2, 3] {
            assert_eq!(
                split_batches(&texts, &extra, threads),
                one_by_one,
                "{threads} threads"
            );
        }
        assert_eq!(paragraph_stages(&texts, &extra), one_by_one);
    }
}
