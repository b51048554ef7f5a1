//! Quotations: quotation marks paired into quotations, names in quotation marks told apart from
//! speech, and each quotation attributed (cue verb, speaker, source).
//!
//! Pipeline of [`scan`] (private modules): `marks` finds the marks and the direction their
//! neighbours suggest → `pair` pairs them per paragraph (nesting, broken marks, multi-paragraph
//! quotations) → `names` tells names and terms from speech → `attribute` finds each quotation's
//! cue verb, speaker and source. Word lists live in `data/quotes/` (loaded by `lexicon`; formats
//! in `data/quotes/README.md`).
//!
//! In the two-stage analysis ([`crate::analysis::incremental`]) the paragraph-local part —
//! the marks with their neighbour contexts and each token's cue-verb reading — is computed per
//! paragraph by [`paragraph_quotes`] and cached; [`scan_paragraphs`] runs the rest (pairing on
//! the cached marks, names, attribution) over the document. After an edit,
//! [`scan_paragraphs_reusing`] takes the previous scan's [`AttrMemo`] and keeps the attribution
//! of the cue verbs and quotations the edit cannot have affected (`memo`: the zone around the
//! edit and why reuse outside it is exact).

mod attribute;
mod doc;
mod lexicon;
mod marks;
mod memo;
mod names;
mod pair;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde::Serialize;

pub use memo::{AttrMemo, ReuseStats};

use crate::entities::{Entity, MentionOrder};
use crate::recycle::{cleared, recycle};
use crate::text::Span;
use crate::text::token::Token;

/// A quotation: speech between quotation marks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quote {
    /// `q1`, `q2`… in order of the opening mark (shared with the analyser's table of ids:
    /// [`Buffers`]).
    pub id: Arc<str>,
    /// Range including the marks (bytes). An unclosed quotation ends at its paragraph's end
    /// (trailing white space excluded); an unclosed one nested in a closed one ends where the
    /// outer one's content ends. A multi-paragraph quotation runs from its first opening mark
    /// to its final closing mark.
    pub span: Span,
    /// The content without the outer marks (bytes): exactly the bytes between them, so white
    /// space just inside the marks is kept (`span.start + mark length == content.start`); for a
    /// multi-paragraph quotation it includes the paragraph breaks and the reopening marks
    /// (render it with [`Quote::text`], which drops them).
    pub content: Span,
    /// False when no closing mark was found.
    pub closed: bool,
    /// The id of the quotation this one is nested in.
    pub nested_in: Option<Arc<str>>,
    /// Who said it.
    pub speaker: Option<Speaker>,
    /// The reporting verb (قال، أضاف، مضيفا…); with no reporting verb, a relay verb (نقلت … عن)
    /// or a back-referring attribution phrase (على حد قوله).
    pub cue: Option<Cue>,
    /// The source it is reported through (وفقا لـ، بحسب، نقلا عن…).
    pub source: Option<Source>,
}

impl Quote {
    /// The quotation's words as a reader sees them: [`Quote::content`] sliced from `source`
    /// (the text this quote was found in), with the reopening marks of a multi-paragraph
    /// quotation removed — the mark of the opening's family that starts a continuation
    /// paragraph (after the line break and any white space), as the multi-paragraph
    /// convention writes it («…⏎⏎«…»). Paragraph breaks and everything else are kept as
    /// written. Returns an empty string when `content` is not a valid range of `source`
    /// (never panics).
    pub fn text(&self, source: &str) -> String {
        let Some(content) = source.get(self.content.start..self.content.end) else {
            return String::new();
        };
        let family = source
            .get(self.span.start..self.content.start)
            .and_then(|m| m.chars().next())
            .and_then(marks::classify)
            .map(|(f, _)| f);
        let Some(family) = family else {
            return content.to_string();
        };
        let mut out = String::with_capacity(content.len());
        let mut at_para_start = false;
        for c in content.chars() {
            if matches!(c, '\n' | '\r') {
                at_para_start = true;
                out.push(c);
                continue;
            }
            if at_para_start {
                if c.is_whitespace() || crate::text::normalize::is_ignorable(c) {
                    out.push(c);
                    continue;
                }
                at_para_start = false;
                if marks::classify(c).is_some_and(|(f, _)| f == family) {
                    continue;
                }
            }
            out.push(c);
        }
        out
    }
}

/// The speaker of a quotation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Speaker {
    /// The linked entity's canonical name, else the phrase as written (shared: copying a
    /// speaker allocates nothing).
    pub name: Arc<str>,
    /// The linked entity's id, if any.
    pub entity: Option<Arc<str>>,
    /// Range of the words naming the speaker (bytes); for a pronoun verb, the antecedent's mention.
    pub span: Span,
}

/// The reporting verb of a quotation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cue {
    /// Range of the verb as written, proclitics included (bytes).
    pub span: Span,
}

/// The source a quotation is reported through.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Source {
    /// The linked entity's canonical name, else the phrase as written (shared).
    pub name: Arc<str>,
    /// The linked entity's id, if any.
    pub entity: Option<Arc<str>>,
    /// Range of the words naming the source (bytes).
    pub span: Span,
}

/// Everything the quotation layer finds in a document.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QuoteScan {
    /// Quotations (speech), in document order of their opening marks.
    pub quotes: Vec<Quote>,
    /// Spans in quotation marks that are names or terms, not speech (marks included), in
    /// document order.
    pub quoted_names: Vec<Span>,
    /// Closing marks with no opening mark (one character each, bytes), in document order.
    /// Unclosed opening marks are not listed here: they are the quotations with `closed: false`.
    pub unmatched_closing: Vec<Span>,
}

/// Finds, classifies and attributes the quotations of `text`, linking speakers and sources to
/// `entities` where a mention matches.
///
/// `tokens` must be [`crate::text::token::tokenize`]`(text)`; `entities` may be empty (then
/// speakers and sources are named as written). Every span is a byte range of `text`. Never
/// panics on any input.
///
/// The same steps as [`scan_paragraphs`] (which the analysis uses, with the paragraph-local
/// part cached per paragraph), with that part computed here.
pub fn scan(text: &str, tokens: &[Token], entities: &[Entity]) -> QuoteScan {
    let lex = &*lexicon::LEXICON;
    let paras = crate::text::segment::paragraphs(text);
    let marks = marks::find_marks(text);
    let cues = tokens.iter().map(|t| lex.cue(&t.folded)).collect();
    let classes = tokens.iter().map(|t| lex.word_classes(&t.folded)).collect();
    let tokens = tokens
        .iter()
        .map(|t| doc::DocToken::shifted(t, 0))
        .collect();
    let prepared = Prepared {
        paras,
        marks,
        tables: doc::Tables::new(text, tokens, cues, classes, Vec::new()),
    };
    let order = MentionOrder::of(entities);
    scan_prepared(
        text,
        entities,
        &order,
        prepared,
        None,
        &mut Buffers::default(),
    )
    .0
}

impl AttrMemo {
    /// How much of the run that left this memo was taken from the memo it was given.
    pub fn stats(&self) -> ReuseStats {
        self.stats
    }
}

/// The quotation layer's paragraph-local work on one paragraph (the paragraph stage's part of
/// [`scan`], a pure function of the paragraph's text): its quotation marks with their
/// neighbour contexts, the cue-verb reading of each token and its word classes
/// ([`lexicon::Lexicon::word_classes`]). Spans are byte ranges of the paragraph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParagraphQuotes {
    /// The paragraph's length (bytes).
    len: usize,
    /// Its quotation-mark characters.
    marks: Vec<marks::ParagraphMark>,
    /// One entry per token of the paragraph.
    cues: Vec<Option<lexicon::CueInfo>>,
    /// One entry per token: [`lexicon::Lexicon::word_classes`] of its folded form.
    classes: Vec<lexicon::WordClasses>,
}

impl ParagraphQuotes {
    /// The paragraph's length (bytes).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for an empty paragraph.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The paragraph stage's quotation work for `paragraph` (a block of
/// [`crate::text::segment::blocks`]: a paragraph, or part of a long one) and its `tokens` ([`crate::text::token::tokenize`] of
/// the paragraph). Cost: one pass over the paragraph's characters, one cue look-up and one
/// word-class look-up per token.
pub fn paragraph_quotes(paragraph: &str, tokens: &[Token]) -> ParagraphQuotes {
    let lex = &*lexicon::LEXICON;
    ParagraphQuotes {
        len: paragraph.len(),
        marks: marks::paragraph_marks(paragraph),
        cues: tokens.iter().map(|t| lex.cue(&t.folded)).collect(),
        classes: tokens.iter().map(|t| lex.word_classes(&t.folded)).collect(),
    }
}

/// [`scan`] from the paragraph stage's results: `parts` holds, in text order, the byte offset
/// in `text` of each block of [`crate::text::segment::blocks`]`(text)` (a paragraph, or part of
/// a long one: the blocks of a line are read as one paragraph), its [`paragraph_quotes`] and
/// its tokens ([`crate::text::token::tokenize`] of the block, spans relative to it). Equal to [`scan`]`(text, tokens, entities)` with `tokens` the paragraphs'
/// tokens shifted and concatenated (the text's tokens). The text is not scanned again: pairing
/// works on the cached marks, attribution on the paragraphs' tokens (borrowed, shifted as read)
/// and the cached cue readings.
pub fn scan_paragraphs(
    text: &str,
    entities: &[Entity],
    parts: &[(usize, &ParagraphQuotes, &[Token])],
) -> QuoteScan {
    let order = MentionOrder::of(entities);
    scan_paragraphs_reusing(text, entities, &order, parts, None, &mut Buffers::default()).0
}

/// [`scan_paragraphs`] after an earlier version of the text: `prev` holds the memo that the
/// scan of that version returned and the map of its byte offsets into `text`
/// ([`crate::text::edit::EditMap`]). The cue verbs and quotations the edit cannot have
/// affected keep their attribution from the memo (the rules of that reuse: module `memo`);
/// the result equals [`scan_paragraphs`] whatever the memo holds, as long as it and the map
/// describe the earlier text. Returns the scan and the memo for the next version.
pub fn scan_paragraphs_reusing(
    text: &str,
    entities: &[Entity],
    order: &MentionOrder,
    parts: &[(usize, &ParagraphQuotes, &[Token])],
    prev: Option<(AttrMemo, crate::text::edit::EditMap)>,
    buffers: &mut Buffers,
) -> (QuoteScan, AttrMemo) {
    let prepared = prepare(text, parts, buffers);
    scan_prepared(text, entities, order, prepared, prev, buffers)
}

/// What the scan of a text reads that needs no entities: its paragraphs, its quotation marks
/// and its token table (`doc::Tables`). Built by [`prepare`], which can run on another thread
/// while the entities are merged; read by [`scan_prepared`].
pub struct Prepared<'t> {
    paras: Vec<Span>,
    marks: Vec<marks::Mark>,
    tables: doc::Tables<'t>,
}

/// The first half of [`scan_paragraphs_reusing`] (same `text` and `parts`): the paragraphs,
/// the marks read from the paragraphs' cached ones, and the token table built from the
/// paragraphs' tokens, cue readings and word classes, in vectors taken from `buffers` (they go
/// back at the end of [`scan_prepared`]).
pub fn prepare<'t>(
    text: &str,
    parts: &[(usize, &'t ParagraphQuotes, &'t [Token])],
    buffers: &mut Buffers,
) -> Prepared<'t> {
    let paras = paragraphs_of(text, parts);
    let mark_parts: Vec<(usize, &[marks::ParagraphMark])> = parts
        .iter()
        .map(|&(offset, p, _)| (offset, p.marks.as_slice()))
        .collect();
    let marks = marks::document_marks(text, &mark_parts);
    let n: usize = parts.iter().map(|(_, _, t)| t.len()).sum();
    let mut cues = cleared(std::mem::take(&mut buffers.cues), n);
    let mut classes = cleared(std::mem::take(&mut buffers.classes), n);
    let mut tokens = recycle(std::mem::take(&mut buffers.tokens));
    tokens.reserve(n);
    // Each token's bounds are written as it is copied (one pass over the tokens, not two), and
    // the cue tokens read from the paragraph's cue readings just copied.
    let mut bounds = cleared(std::mem::take(&mut buffers.bounds), n);
    let compact = u32::try_from(text.len()).is_ok();
    let mut cue_tokens = Vec::new();
    let lex = &*lexicon::LEXICON;
    for &(offset, p, toks) in parts {
        let first = tokens.len();
        if compact {
            // Every span lies inside the text, so each bound fits.
            for t in toks {
                let t = doc::DocToken::shifted(t, offset);
                bounds.push((t.span.start as u32, t.span.end as u32));
                tokens.push(t);
            }
        } else {
            tokens.extend(toks.iter().map(|t| doc::DocToken::shifted(t, offset)));
        }
        let from = cues.len();
        if p.cues.len() == toks.len() && p.classes.len() == toks.len() {
            cues.extend_from_slice(&p.cues);
            classes.extend_from_slice(&p.classes);
        } else {
            // Not the paragraph's tokens: read them from the tokens given.
            cues.extend(toks.iter().map(|t| lex.cue(&t.folded)));
            classes.extend(toks.iter().map(|t| lex.word_classes(&t.folded)));
        }
        debug_assert_eq!(from, first);
        cue_tokens.extend(
            cues[from..]
                .iter()
                .enumerate()
                .filter_map(|(j, c)| c.is_some().then_some(first + j)),
        );
    }
    Prepared {
        paras,
        marks,
        tables: doc::Tables::from_parts(tokens, cues, cue_tokens, classes, bounds),
    }
}

/// The paragraphs ([`crate::text::segment::paragraphs`]) that `parts` cover: a part that
/// follows the previous one on the same line (a block of a long paragraph,
/// [`crate::text::segment::blocks`]) extends the previous part's paragraph, so that pairing,
/// the name decisions and attribution read the text's paragraphs whatever its blocks are.
fn paragraphs_of(text: &str, parts: &[(usize, &ParagraphQuotes, &[Token])]) -> Vec<Span> {
    let mut paras: Vec<Span> = Vec::with_capacity(parts.len());
    for &(offset, p, _) in parts {
        let span = Span::new(offset, offset + p.len);
        match paras.last_mut() {
            Some(last)
                if text
                    .get(last.end..offset)
                    .is_some_and(|gap| !gap.contains(['\n', '\r'])) =>
            {
                last.end = span.end;
            }
            _ => paras.push(span),
        }
    }
    paras
}

/// The second half of [`scan_paragraphs_reusing`]: pairing, names, attribution on `prepared`
/// (from [`prepare`] on the same text), with `entities`, their mentions in text order `order`,
/// `prev` and `buffers` as there.
pub fn scan_prepared<'t>(
    text: &'t str,
    entities: &[Entity],
    order: &MentionOrder,
    prepared: Prepared<'t>,
    prev: Option<(AttrMemo, crate::text::edit::EditMap)>,
    buffers: &mut Buffers,
) -> (QuoteScan, AttrMemo) {
    let Prepared {
        paras,
        marks,
        tables,
    } = prepared;
    scan_with(text, tables, entities, order, &paras, marks, prev, buffers)
}

/// The document-level steps shared by [`scan`] and [`scan_paragraphs`]: `paras` the text's
/// paragraphs, `tables` its token table, `marks` [`marks::find_marks`]`(text)`, `prev` and
/// `buffers` as for [`scan_paragraphs_reusing`].
#[allow(clippy::too_many_arguments)]
fn scan_with<'t>(
    text: &'t str,
    tables: doc::Tables<'t>,
    entities: &[Entity],
    order: &MentionOrder,
    paras: &[Span],
    marks: Vec<marks::Mark>,
    prev: Option<(AttrMemo, crate::text::edit::EditMap)>,
    buffers: &mut Buffers,
) -> (QuoteScan, AttrMemo) {
    let lex = &*lexicon::LEXICON;
    // Emptied by `Doc::new`.
    let mentions = std::mem::take(&mut buffers.mentions);
    let doc = doc::Doc::new(text, tables, entities, order, mentions);
    let pairing = pair::pair_marks(text, paras, marks, std::mem::take(&mut buffers.quoted));
    let quoted = &pairing.quoted;

    let mut has_children = vec![false; quoted.len()];
    for q in quoted {
        if let Some(p) = q.parent {
            has_children[p] = true;
        }
    }
    // Token ranges searched forward from the previous span's (spans come in text order).
    let mut hint = 0;
    // The previous version's decisions that still hold are taken from its memo.
    let mut reuse = prev.as_ref().and_then(|(memo, map)| {
        names::Reuse::new(&memo.name_decisions, &memo.mentions, *map, &doc, paras)
    });
    let mut decisions =
        names::NamesMemo::recycled(std::mem::take(&mut buffers.name_decisions), text.len());
    let mut names_reused = 0;
    let is_name: Vec<bool> = quoted
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let reused = reuse.as_mut().and_then(|r| r.decision(q, has_children[i]));
            names_reused += usize::from(reused.is_some());
            let d = reused.unwrap_or_else(|| {
                let content = doc.tokens_in_from(q.content, hint);
                hint = content.start;
                names::decide(&doc, lex, q, content, has_children[i])
            });
            decisions.push(d);
            d.name
        })
        .collect();
    let quoted_names: Vec<Span> = quoted
        .iter()
        .zip(&is_name)
        .filter_map(|(q, &name)| name.then_some(q.span))
        .collect();

    let speech_idx: Vec<usize> = (0..quoted.len()).filter(|&i| !is_name[i]).collect();
    let speech: Vec<&pair::Quoted> = speech_idx.iter().map(|&i| &quoted[i]).collect();
    // Each quoted span's number among the speech quotations (from 1), for its id.
    let numbers: Vec<Option<usize>> = {
        let mut numbers = vec![None; quoted.len()];
        for (n, &i) in speech_idx.iter().enumerate() {
            numbers[i] = Some(n + 1);
        }
        numbers
    };
    let (mut attributions, mut memo) =
        attribute::attribute(&doc, lex, paras, &speech, &quoted_names, prev, buffers);

    let quotes = speech_idx
        .iter()
        .zip(attributions.drain(..))
        .map(|(&i, a)| {
            let q = &quoted[i];
            // The nearest enclosing quotation that is speech.
            let mut parent = q.parent;
            while let Some(p) = parent
                && is_name[p]
            {
                parent = quoted[p].parent;
            }
            Quote {
                id: numbers[i].map_or_else(|| Arc::from(""), |n| buffers.ids.get(n)),
                span: q.span,
                content: q.content,
                closed: q.close.is_some(),
                nested_in: parent.and_then(|p| numbers[p]).map(|n| buffers.ids.get(n)),
                speaker: a.speaker,
                cue: a.cue,
                source: a.source,
            }
        })
        .collect();
    // The memo keeps the mentions; the other document-sized vectors are kept for the next scan.
    let (tokens, cues, classes, mentions, bounds) = doc.into_buffers();
    memo.mentions = mentions;
    memo.name_decisions = decisions;
    memo.stats.names = quoted.len();
    memo.stats.names_reused = names_reused;
    buffers.tokens = tokens;
    buffers.cues = cues;
    buffers.classes = classes;
    buffers.bounds = bounds;
    buffers.quoted = pairing.quoted;
    buffers.attributions = attributions;
    (
        QuoteScan {
            quotes,
            quoted_names,
            unmatched_closing: pairing.unmatched_closing,
        },
        memo,
    )
}

/// The ids of speech quotations, `q1`, `q2`… ([`Quote::id`]), each written once and shared by
/// every scan that numbers a quotation so: a keystroke in a 1 MB article renumbers about 2,400
/// quotations, and writing each id anew cost an allocation and a formatting per quotation.
#[derive(Default)]
struct QuoteIds(Vec<Arc<str>>);

impl QuoteIds {
    /// The id of the `n`th speech quotation (`n` ≥ 1).
    fn get(&mut self, n: usize) -> Arc<str> {
        while self.0.len() < n {
            let mut digits = itoa::Buffer::new();
            let digits = digits.format(self.0.len() + 1);
            let mut id = String::with_capacity(1 + digits.len());
            id.push('q');
            id.push_str(digits);
            self.0.push(id.into());
        }
        self.0[n - 1].clone()
    }
}

/// Allocations the quotation scan of one document keeps from one text to the next
/// ([`crate::recycle`]): the token table and its bounds, the tokens' cue readings and word classes, the
/// mentions, the quoted spans, the name decisions, the per-token quotation flags, the events
/// and the attributions. Empty between scans (only
/// their capacity is kept, at most that of the largest text scanned with them) but for the
/// table of quotation ids, which holds text-independent strings; any
/// `Buffers`, `Buffers::default()` included, serves any text. Kept by the document's
/// [`crate::analysis::incremental::IncrementalAnalyzer`] and dropped with it.
#[derive(Default)]
pub struct Buffers {
    tokens: Vec<doc::DocToken<'static>>,
    cues: Vec<Option<lexicon::CueInfo>>,
    classes: Vec<lexicon::WordClasses>,
    mentions: Vec<doc::MentionRef>,
    /// The tokens' bounds ([`doc::Doc::new`]).
    bounds: Vec<(u32, u32)>,
    quoted: Vec<pair::Quoted>,
    /// The quotation ids written so far (kept, not emptied: ids do not depend on the text).
    ids: QuoteIds,
    /// The previous memo's events (then taken), for this scan's events.
    events: Vec<Option<attribute::Event>>,
    /// The previous memo's per-quotation entries.
    quote_memos: Vec<memo::QuoteMemo>,
    /// The previous memo's name decisions.
    name_decisions: names::NamesMemo,
    /// Attribution's per-token bits: inside a speech quotation, inside a quoted name.
    in_speech_token: Vec<u64>,
    in_name_token: Vec<u64>,
    attributions: Vec<attribute::Attribution>,
}

impl std::fmt::Debug for Buffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Buffers")
            .field("tokens", &self.tokens.capacity())
            .field("mentions", &self.mentions.capacity())
            .field("events", &self.events.capacity())
            .finish_non_exhaustive()
    }
}
