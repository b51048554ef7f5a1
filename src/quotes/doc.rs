//! The document as the quotation layer sees it: text, tokens and entity mentions, with the
//! look-ups the other modules share.

use super::lexicon::{CueInfo, WordClasses};
use crate::entities::{Entity, EntityKind, MentionOrder};
use crate::text::Span;
use crate::text::token::{Token, TokenKind};

/// A token of the document as the quotation layer reads it: a [`Token`]'s kind and span
/// (bytes of the text) with its folded form borrowed, so that the document's token list is
/// built from the paragraphs' cached tokens without copying a string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct DocToken<'a> {
    /// The token's kind.
    pub kind: TokenKind,
    /// Its range in the text (bytes).
    pub span: Span,
    /// Its folded form ([`Token::folded`]).
    pub folded: &'a str,
}

impl<'a> DocToken<'a> {
    /// `t` moved `offset` bytes later.
    pub fn shifted(t: &'a Token, offset: usize) -> Self {
        DocToken {
            kind: t.kind,
            span: Span::new(t.span.start + offset, t.span.end + offset),
            folded: &t.folded,
        }
    }
}

/// One mention of an entity (index into the `entities` slice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MentionRef {
    /// The mention's range (bytes).
    pub span: Span,
    /// Index of its entity.
    pub entity: usize,
}

/// Text, tokens and mentions of one analysis.
pub(crate) struct Doc<'a> {
    /// The original text.
    pub text: &'a str,
    /// Its tokens.
    pub tokens: Vec<DocToken<'a>>,
    /// The entities found in it.
    pub entities: &'a [Entity],
    /// The cue-verb reading of each token ([`super::lexicon::Lexicon::cue`] of its folded
    /// text), computed per paragraph and cached with it.
    pub cues: Vec<Option<CueInfo>>,
    /// Per token: [`super::lexicon::Lexicon::word_classes`] of its folded text.
    pub classes: Vec<WordClasses>,
    /// The indices of the tokens with a cue-verb reading (`cues[i]` is `Some`), in order.
    pub cue_tokens: Vec<usize>,
    /// Every mention of every entity, sorted by start (then longest first).
    pub mentions: Vec<MentionRef>,
    /// The longest mention's length (bytes): a mention overlapping byte `b` starts at or after
    /// `b - max_mention_len`, which bounds every look-up to a binary search plus a short walk.
    max_mention_len: usize,
    /// Each token's start and end (bytes, as `u32`: 8 bytes a token instead of a whole
    /// [`DocToken`]), so that the token searches read a table a fifth the size of `tokens`.
    /// Empty, and the searches read `tokens`, for a text of 4 GiB or more.
    bounds: Vec<(u32, u32)>,
}

/// A document's token table as the quotation layer reads it, with what needs no entities: each
/// token's cue-verb reading and word classes, and the tokens' bounds. Built by [`Tables::new`]
/// (possibly on another thread while the entities are merged), read by [`Doc::new`].
pub struct Tables<'a> {
    tokens: Vec<DocToken<'a>>,
    cues: Vec<Option<CueInfo>>,
    /// The indices of the tokens with a cue reading ([`Doc::cue_tokens`]).
    cue_tokens: Vec<usize>,
    classes: Vec<WordClasses>,
    bounds: Vec<(u32, u32)>,
}

impl<'a> Tables<'a> {
    /// The tables of `text`'s `tokens`; `cues` and `classes` hold one entry per token. The
    /// tokens' bounds are written into `bounds` (emptied first: a buffer whose allocation is
    /// reused), as `u32`s for a text under 4 GiB and not at all for a longer one.
    pub fn new(
        text: &str,
        tokens: Vec<DocToken<'a>>,
        cues: Vec<Option<CueInfo>>,
        classes: Vec<WordClasses>,
        mut bounds: Vec<(u32, u32)>,
    ) -> Self {
        bounds.clear();
        if u32::try_from(text.len()).is_ok() {
            // Every span lies inside the text, so each bound fits.
            bounds.extend(
                tokens
                    .iter()
                    .map(|t| (t.span.start as u32, t.span.end as u32)),
            );
        }
        let cue_tokens = cues
            .iter()
            .take(tokens.len())
            .enumerate()
            .filter_map(|(i, c)| c.is_some().then_some(i))
            .collect();
        Tables::from_parts(tokens, cues, cue_tokens, classes, bounds)
    }

    /// The tables from their parts, as [`Tables::new`] would make them from `tokens`, `cues`
    /// and `classes`: `cue_tokens` the indices of the tokens with a cue reading, in order, and
    /// `bounds` each token's start and end (or empty for a text of 4 GiB or more). For a caller
    /// that builds them in one pass over the paragraphs ([`super::prepare`]).
    pub(crate) fn from_parts(
        tokens: Vec<DocToken<'a>>,
        cues: Vec<Option<CueInfo>>,
        cue_tokens: Vec<usize>,
        classes: Vec<WordClasses>,
        bounds: Vec<(u32, u32)>,
    ) -> Self {
        debug_assert!(bounds.is_empty() || bounds.len() == tokens.len());
        debug_assert!(
            cue_tokens
                .iter()
                .all(|&i| cues.get(i).is_some_and(Option::is_some))
        );
        Tables {
            tokens,
            cues,
            cue_tokens,
            classes,
            bounds,
        }
    }
}

impl<'a> Doc<'a> {
    /// The view of `text` with the token `tables` and the mentions of `order` (the mentions of
    /// `entities` in text order), copied into `mentions` (emptied first: a buffer whose
    /// allocation is reused). Mentions whose span does not fit `text` or whose entity is not in
    /// `entities` are left out.
    pub fn new(
        text: &'a str,
        tables: Tables<'a>,
        entities: &'a [Entity],
        order: &MentionOrder,
        mut mentions: Vec<MentionRef>,
    ) -> Self {
        let Tables {
            tokens,
            cues,
            cue_tokens,
            classes,
            bounds,
        } = tables;
        mentions.clear();
        mentions.extend(
            order
                .as_slice()
                .iter()
                .map(|&(span, entity)| MentionRef { span, entity })
                .filter(|m| {
                    m.span.end <= text.len()
                        && m.span.start < m.span.end
                        && m.entity < entities.len()
                }),
        );
        let max_mention_len = mentions.iter().map(|m| m.span.len()).max().unwrap_or(0);
        Doc {
            text,
            tokens,
            entities,
            cues,
            classes,
            cue_tokens,
            mentions,
            max_mention_len,
            bounds,
        }
    }

    /// The buffers of [`Doc::new`] back, emptied of this text's tokens and bounds, with the
    /// cue readings, word classes and mentions as they are.
    #[allow(clippy::type_complexity)]
    pub fn into_buffers(
        self,
    ) -> (
        Vec<DocToken<'static>>,
        Vec<Option<CueInfo>>,
        Vec<WordClasses>,
        Vec<MentionRef>,
        Vec<(u32, u32)>,
    ) {
        (
            crate::recycle::recycle(self.tokens),
            self.cues,
            self.classes,
            self.mentions,
            crate::recycle::recycle(self.bounds),
        )
    }

    /// The cue-verb reading of token `i` (`None` for a token that is no cue verb).
    pub fn cue(&self, i: usize) -> Option<CueInfo> {
        self.cues.get(i).copied().flatten()
    }

    /// True when token `i` is in every word class of `bits` ([`WordClasses`]): read from the
    /// cached classes, or looked up when the table does not cover the token.
    pub fn class(&self, i: usize, bits: u8) -> bool {
        match self.classes.get(i) {
            Some(c) => c.has(bits),
            None => super::lexicon::LEXICON
                .word_classes(self.tokens[i].folded)
                .has(bits),
        }
    }

    /// Of the mentions of the entities `among` (indices into `entities`) that start before
    /// byte `before` and end at or before it, the one [`Doc::mentions`] lists last — the
    /// latest start; at one start the shortest, then the highest entity index — as an index
    /// into `entities`. The same answer as walking `mentions` back from `before`, without an
    /// index of all mentions: a binary search in each entity's own mentions (which are in
    /// document order), O(k log m) for k entities.
    pub fn latest_mention_before(&self, among: &[usize], before: usize) -> Option<usize> {
        // (start, the negated length, entity): the largest is the one the walk meets first.
        let mut best: Option<(usize, std::cmp::Reverse<usize>, usize)> = None;
        for &e in among {
            let Some(entity) = self.entities.get(e) else {
                continue;
            };
            let ms = &entity.mentions;
            let k = ms.partition_point(|m| m.span.start < before);
            for m in ms[..k].iter().rev() {
                let span = m.span;
                if best.is_some_and(|(start, _, _)| span.start < start) {
                    break; // every earlier mention of this entity starts earlier still
                }
                // Left out of `mentions` by `Doc::new`.
                let listed = span.end <= self.text.len() && span.start < span.end;
                if listed && span.end <= before {
                    best = best.max(Some((span.start, std::cmp::Reverse(span.len()), e)));
                }
            }
        }
        best.map(|(_, _, e)| e)
    }

    /// The mentions starting in bytes `from..to`, in order (a binary search: O(log n + k)).
    pub fn mentions_starting_in(&self, from: usize, to: usize) -> &[MentionRef] {
        let a = self.mentions.partition_point(|m| m.span.start < from);
        let b = self.mentions.partition_point(|m| m.span.start < to).max(a);
        &self.mentions[a..b]
    }

    /// The mentions that may overlap `span`: those starting in
    /// `span.start - max_mention_len .. span.end` (a superset; callers still test overlap).
    pub fn mentions_near(&self, span: Span) -> &[MentionRef] {
        self.mentions_starting_in(span.start.saturating_sub(self.max_mention_len), span.end)
    }

    /// Whether the searches read `bounds` (every text under 4 GiB) rather than `tokens`.
    fn compact(&self) -> bool {
        self.bounds.len() == self.tokens.len()
    }

    /// The byte span of token `i` (which must exist), read from the compact table when there
    /// is one: for loops over tokens spread across the document, whose whole [`DocToken`]s
    /// would each be a cache miss.
    pub fn token_span(&self, i: usize) -> Span {
        match self.bounds.get(i) {
            Some(&(start, end)) => Span::new(start as usize, end as usize),
            None => self.tokens[i].span,
        }
    }

    /// Index of the first token that starts at or after byte `offset`.
    pub fn token_at_or_after(&self, offset: usize) -> usize {
        if self.compact() {
            self.bounds.partition_point(|&(s, _)| (s as usize) < offset)
        } else {
            self.tokens.partition_point(|t| t.span.start < offset)
        }
    }

    /// [`Doc::token_at_or_after`], searched from the token index `hint`: forward by
    /// exponential search, or back a few tokens (then a binary search below `hint`). The same
    /// result for any hint; a few nearby probes when `hint` is within a few tokens of it.
    pub fn token_at_or_after_from(&self, offset: usize, hint: usize) -> usize {
        let n = self.tokens.len();
        let (compact, bounds, tokens) = (self.compact(), &self.bounds, &self.tokens);
        let before = |i: usize| {
            if compact {
                (bounds[i].0 as usize) < offset
            } else {
                tokens[i].span.start < offset
            }
        };
        let hint = hint.min(n);
        if hint < n && before(hint) {
            return gallop(hint, n, before);
        }
        // Every token from `hint` on starts at or after `offset`: the answer is at most `hint`.
        let mut i = hint;
        for _ in 0..4 {
            if i == 0 || before(i - 1) {
                return i;
            }
            i -= 1;
        }
        if compact {
            bounds[..i].partition_point(|&(s, _)| (s as usize) < offset)
        } else {
            tokens[..i].partition_point(|t| t.span.start < offset)
        }
    }

    /// [`Doc::tokens_in`], searched from the token index `hint` (exponential search forward
    /// from it, then binary search; a plain binary search when `span` starts before token
    /// `hint`): for spans taken in text order with the previous range's start as the hint, each
    /// search reads a few nearby tokens instead of probing the whole table. The same result as
    /// [`Doc::tokens_in`] for any hint.
    pub fn tokens_in_from(&self, span: Span, hint: usize) -> std::ops::Range<usize> {
        let (compact, bounds, tokens) = (self.compact(), &self.bounds, &self.tokens);
        let before = |i: usize| {
            if compact {
                (bounds[i].0 as usize) < span.start
            } else {
                tokens[i].span.start < span.start
            }
        };
        let start = if hint < tokens.len() && before(hint) {
            gallop(hint, tokens.len(), before)
        } else {
            self.token_at_or_after(span.start)
        };
        let inside = |i: usize| {
            if compact {
                bounds[i].1 as usize <= span.end
            } else {
                tokens[i].span.end <= span.end
            }
        };
        start..gallop(start, tokens.len(), inside)
    }

    /// Indices of the tokens lying inside `span`.
    pub fn tokens_in(&self, span: Span) -> std::ops::Range<usize> {
        let start = self.token_at_or_after(span.start);
        let end = if self.compact() {
            self.bounds
                .partition_point(|&(_, e)| e as usize <= span.end)
        } else {
            self.tokens.partition_point(|t| t.span.end <= span.end)
        };
        start..end.max(start)
    }

    /// The kind of the entity of a mention.
    pub fn kind(&self, m: &MentionRef) -> EntityKind {
        self.entities[m.entity].kind
    }

    /// Mentions lying inside `span`, in order.
    pub fn mentions_in(&self, span: Span) -> impl Iterator<Item = &MentionRef> {
        self.mentions_starting_in(span.start, span.end)
            .iter()
            .filter(move |m| span.contains(m.span))
    }

    /// The first mention overlapping `span`.
    pub fn mention_overlapping(&self, span: Span) -> Option<&MentionRef> {
        self.mentions_near(span)
            .iter()
            .find(|m| m.span.overlaps(span))
    }

    /// True when token `i` is covered by a mention up to its end; a mention may start a few
    /// bytes into the token (its proclitics: لداعش، والكرملين).
    pub fn token_in_mention(&self, i: usize) -> bool {
        let t = self.tokens[i].span;
        self.mentions_near(t).iter().any(|m| {
            m.span.overlaps(t)
                && m.span.end >= t.end
                && (m.span.start <= t.start || m.span.start - t.start <= 6)
        })
    }
}

/// True for a word token (Arabic, Latin or a number).
pub(crate) fn is_word(t: &DocToken<'_>) -> bool {
    t.kind != TokenKind::Punct
}

/// True for a token that ends a sentence: . ! ? ؟ …
pub(crate) fn is_sentence_end(t: &DocToken<'_>) -> bool {
    t.kind == TokenKind::Punct && matches!(t.folded, "." | "!" | "?" | "؟" | "…")
}

/// True for a punctuation token that ends a clause inside a sentence: ، , ؛ ;
pub(crate) fn is_clause_end(t: &DocToken<'_>) -> bool {
    t.kind == TokenKind::Punct && matches!(t.folded, "،" | "," | "؛" | ";")
}

/// True for a punctuation token that is really a symbol or emoji (🙂, ©, ★): not a sentence
/// or clause mark, so phrase windows step over it.
pub(crate) fn is_symbol(t: &DocToken<'_>) -> bool {
    t.kind == TokenKind::Punct
        && t.folded.chars().all(|c| {
            !c.is_ascii_punctuation()
                && !matches!(
                    c,
                    '،' | '؛'
                        | '؟'
                        | '«'
                        | '»'
                        | '“'
                        | '”'
                        | '‹'
                        | '›'
                        | '„'
                        | '‚'
                        | '‘'
                        | '’'
                        | '…'
                        | '–'
                        | '—'
                        | '٪'
                        | '٫'
                        | '٬'
                )
        })
}

/// Spans sorted by start with the running maximum of their ends, for containment and
/// start look-ups (quotations and quoted names; they nest but rarely overlap).
#[derive(Clone, Debug, Default)]
pub(crate) struct SpanIndex {
    /// The spans, sorted by start.
    pub spans: Vec<Span>,
    /// `max_end[j]`: the largest end among `spans[..=j]`.
    max_end: Vec<usize>,
    /// A max-tree of the ends (an implicit segment tree: leaf `j` at `leaves + j`, node `k`
    /// the larger of `2k` and `2k + 1`; empty leaves 0), for the spans that a long span before
    /// them keeps `max_end` above the query (an unclosed quotation running to the end of a
    /// one-line text).
    tree: Vec<usize>,
    /// The number of leaves of `tree` (a power of two ≥ the number of spans).
    leaves: usize,
}

/// How many spans [`SpanIndex::containing`] checks one by one, walking back, before it
/// descends the max-tree for the rest.
const LINEAR_WALK: usize = 16;

impl SpanIndex {
    /// Indexes `spans` (sorted here by start, stable).
    pub fn new(mut spans: Vec<Span>) -> Self {
        spans.sort_by_key(|s| s.start);
        let max_end = spans
            .iter()
            .scan(0, |max, s| {
                *max = s.end.max(*max);
                Some(*max)
            })
            .collect();
        let leaves = spans.len().next_power_of_two();
        let mut tree = vec![0; 2 * leaves];
        for (j, s) in spans.iter().enumerate() {
            tree[leaves + j] = s.end;
        }
        for k in (1..leaves).rev() {
            tree[k] = tree[2 * k].max(tree[2 * k + 1]);
        }
        SpanIndex {
            spans,
            max_end,
            tree,
            leaves,
        }
    }

    /// The spans containing `s`, innermost-start first (by decreasing start, then index).
    ///
    /// Walks back from the last span starting at or before `s` while the running maximum of
    /// ends still reaches `s`, for [`LINEAR_WALK`] spans; past them, descends the max-tree into
    /// the subtrees whose largest end reaches `s` (Bentley's segment tree, 1977): O(log n) per
    /// span found, so a query stays fast when one long span reaches every later one.
    pub fn containing(&self, s: Span) -> impl Iterator<Item = &Span> {
        let n = self.spans.partition_point(|q| q.start <= s.start);
        let near = n.saturating_sub(LINEAR_WALK);
        let linear = (near..n)
            .rev()
            .take_while(move |&j| self.max_end[j] >= s.end);
        let far = (near > 0 && self.max_end[near - 1] >= s.end)
            .then(|| ReachingBack::new(&self.tree, self.leaves, near, s.end));
        linear
            .chain(far.into_iter().flatten())
            .map(|j| &self.spans[j])
            .filter(move |q| q.contains(s))
    }

    /// True when a span starts at byte `at`.
    pub fn starts_at(&self, at: usize) -> bool {
        let j = self.spans.partition_point(|q| q.start < at);
        self.spans.get(j).is_some_and(|q| q.start == at)
    }

    /// The spans starting in bytes `from..to`, in order.
    pub fn starting_in(&self, from: usize, to: usize) -> &[Span] {
        let a = self.spans.partition_point(|q| q.start < from);
        let b = self.spans.partition_point(|q| q.start < to).max(a);
        &self.spans[a..b]
    }
}

/// The indices `j < below` of a [`SpanIndex`]'s max-tree whose end is at least `end`, largest
/// first: a depth-first walk, right subtree first, that skips every subtree whose largest end
/// is smaller. Node `k` at depth `d` (the root, 1, at depth 0) covers the leaves
/// `(k - 2^d) · leaves / 2^d` onwards, `leaves / 2^d` of them.
struct ReachingBack<'a> {
    tree: &'a [usize],
    leaves: usize,
    below: usize,
    end: usize,
    /// Nodes still to visit (at most two per level: 2 · 64 for any tree that fits in memory).
    stack: [usize; 128],
    len: usize,
}

impl<'a> ReachingBack<'a> {
    fn new(tree: &'a [usize], leaves: usize, below: usize, end: usize) -> Self {
        let mut stack = [0; 128];
        stack[0] = 1;
        ReachingBack {
            tree,
            leaves,
            below,
            end,
            stack,
            len: 1,
        }
    }
}

impl Iterator for ReachingBack<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.len > 0 {
            self.len -= 1;
            let node = self.stack[self.len];
            let depth = node.ilog2();
            let width = self.leaves >> depth;
            let first = (node - (1 << depth)) * width;
            if first >= self.below || self.tree[node] < self.end {
                continue;
            }
            if width == 1 {
                return Some(first);
            }
            self.stack[self.len] = 2 * node;
            self.stack[self.len + 1] = 2 * node + 1;
            self.len += 2;
        }
        None
    }
}

/// The first index in `from..n` where `pred` fails, for a `pred` that holds on a prefix of
/// `0..n` (the partition point of `from..n`; `n` when it holds throughout): steps of 1, 2, 4…
/// forward from `from` until one fails, then a binary search in the last step (Bentley & Yao
/// 1976, exponential search). O(log d) calls of `pred` for a result `d` indices after `from`.
pub(crate) fn gallop(from: usize, n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut step) = (from.min(n), 1);
    let mut hi = loop {
        let probe = lo.saturating_add(step - 1);
        if probe >= n || !pred(probe) {
            break probe.min(n);
        }
        lo = probe + 1;
        step *= 2;
    };
    // pred holds below `lo` and fails at `hi` (or `hi == n`).
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::token::tokenize;

    #[test]
    fn gallop_is_the_partition_point_from_any_start() {
        for n in 0..40usize {
            let items: Vec<usize> = (0..n).collect();
            for cut in 0..=n {
                for from in 0..=n {
                    let want = from.max(cut).min(n);
                    assert_eq!(gallop(from, n, |i| items[i] < cut), want, "n {n} cut {cut}");
                }
            }
        }
    }

    /// The quotation layer's view of `text` (its `tokens`), with no cue readings, word classes
    /// or mentions.
    fn doc_of<'t>(text: &'t str, tokens: &'t [crate::text::token::Token]) -> Doc<'t> {
        let doc_tokens: Vec<DocToken> = tokens.iter().map(|t| DocToken::shifted(t, 0)).collect();
        let n = doc_tokens.len();
        let tables = Tables::new(
            text,
            doc_tokens,
            vec![None; n],
            vec![WordClasses::default(); n],
            Vec::new(),
        );
        Doc::new(
            text,
            tables,
            &[],
            &crate::entities::MentionOrder::default(),
            Vec::new(),
        )
    }

    /// `Doc::latest_mention_before` finds what a walk back over every mention finds, with
    /// mentions sharing starts (of one entity and of several), nested and overlapping ones,
    /// and spans past the text's end (which `Doc::new` leaves out).
    #[test]
    fn latest_mention_before_equals_a_walk_back_over_every_mention() {
        let rng = crate::test_rng::XorShift::new(0x9e37_79b9_7f4a_7c15);
        let next = |m: usize| rng.below(m);
        let text = "ب".repeat(150); // 300 bytes
        for round in 0..60 {
            let n_entities = 1 + round % 7;
            let entities: Vec<Entity> = (0..n_entities)
                .map(|i| {
                    let mut spans: Vec<Span> = (0..next(12))
                        .map(|_| {
                            let start = next(if round % 3 == 0 { 20 } else { 320 });
                            Span::new(start, start + 1 + next(15))
                        })
                        .collect();
                    spans.sort_by_key(|s| s.start);
                    Entity {
                        id: format!("e{}", i + 1),
                        name: String::new(),
                        kind: EntityKind::Person,
                        aliases: Vec::new(),
                        roles: Vec::new(),
                        mentions: spans
                            .into_iter()
                            .map(|span| crate::entities::EntityMention {
                                text: "".into(),
                                span,
                            })
                            .collect(),
                    }
                })
                .collect();
            let order = crate::entities::MentionOrder::of(&entities);
            let tables = Tables::new(&text, Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let doc = Doc::new(&text, tables, &entities, &order, Vec::new());
            for _ in 0..40 {
                let among: Vec<usize> = (0..n_entities).filter(|_| next(2) == 0).collect();
                let before = next(340);
                let walked = doc.mentions
                    [..doc.mentions.partition_point(|m| m.span.start < before)]
                    .iter()
                    .rev()
                    .filter(|m| among.contains(&m.entity))
                    .find(|m| m.span.end <= before)
                    .map(|m| m.entity);
                assert_eq!(
                    doc.latest_mention_before(&among, before),
                    walked,
                    "round {round}, among {among:?}, before {before}"
                );
            }
        }
    }

    /// `SpanIndex::containing` lists exactly the spans that contain the query, in the order of
    /// a walk back over all of them (by decreasing index), also when spans reaching far ahead
    /// (unclosed quotations running to a line's end) send the walk past [`LINEAR_WALK`].
    #[test]
    fn containing_equals_a_walk_over_every_span() {
        let rng = crate::test_rng::XorShift::new(0x2545_f491_4f6c_dd1d);
        let next = |m: usize| rng.below(m);
        for n in [0, 1, 5, 16, 17, 40, 300] {
            let spans: Vec<Span> = (0..n)
                .map(|_| {
                    let start = next(1000);
                    let len = if next(8) == 0 { 1000 } else { next(30) };
                    Span::new(start, start + len)
                })
                .collect();
            let index = SpanIndex::new(spans);
            let mut far = 0;
            for _ in 0..400 {
                let start = next(1000);
                let q = Span::new(start, start + next(5));
                let found: Vec<Span> = index.containing(q).copied().collect();
                let all: Vec<Span> = (0..index.spans.len())
                    .rev()
                    .map(|j| index.spans[j])
                    .filter(|s| s.contains(q))
                    .collect();
                assert_eq!(found, all, "{n} spans, query {q:?}");
                far += usize::from(found.len() > 3);
            }
            if n >= 40 {
                assert!(far > 0, "some queries have several containing spans");
            }
        }
    }

    /// `token_at_or_after_from` equals `token_at_or_after` for every offset and hint, on the
    /// compact table and on the full one.
    #[test]
    fn token_at_or_after_from_equals_token_at_or_after_for_every_hint() {
        let text = "قال الوزير: «نعمل معا»، وأضاف   \"داعش\" هنا.";
        let tokens = tokenize(text);
        let n = tokens.len();
        let mut doc = doc_of(text, &tokens);
        for compact in [true, false] {
            if !compact {
                doc.bounds.clear();
            }
            assert_eq!(doc.compact(), compact);
            for offset in 0..=text.len() + 1 {
                let want = doc.token_at_or_after(offset);
                for hint in 0..=n + 2 {
                    assert_eq!(
                        doc.token_at_or_after_from(offset, hint),
                        want,
                        "offset {offset} hint {hint} compact {compact}"
                    );
                }
            }
        }
    }

    /// `tokens_in_from` equals `tokens_in` for every hint, on spans inside, across, between
    /// and outside tokens (white space, a mark, the text's edges).
    #[test]
    fn tokens_in_from_equals_tokens_in_for_every_hint() {
        let text = "قال الوزير: «نعمل معا»، وأضاف   \"داعش\" هنا.";
        let tokens = tokenize(text);
        let n = tokens.len();
        let doc = doc_of(text, &tokens);
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for (k, &a) in bounds.iter().enumerate() {
            for &b in &bounds[k..] {
                let span = Span::new(a, b);
                let want = doc.tokens_in(span);
                for hint in 0..=n + 1 {
                    assert_eq!(doc.tokens_in_from(span, hint), want, "{a}..{b} hint {hint}");
                }
            }
        }
    }
}
