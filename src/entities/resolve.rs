//! Overlap resolution between mention sources.
//!
//! Tiers: context-rule mentions ([`CONTEXT`]: a trigger or title decides the kind, صحيفة
//! "الشرق الأوسط" is a newspaper) beat strong lexicon mentions ([`STRONG`]: multi-word names, and
//! one-word ANERcorp names when no tagger runs), which beat propagated mentions
//! ([`PROPAGATED`]), which beat the tagger's ([`MODEL`]), which beat one-word gazetteer names
//! ([`LEXICON_WORD`] for ANERcorp names when the tagger runs — the tagger sees the context a
//! gazetteer does not — and [`WEAK`] for names known only from GeoNames/CLDR: كورونا is a place
//! there, a virus in the news); within a tier the longer mention wins, then the earlier. A tagger mention that strictly
//! contains a stronger mention of the same kind takes its place (the model's recall extends the
//! lexicon's precision: بوتين → فلاديمير بوتين), but one that contradicts it (another kind, or a
//! partial overlap) loses.

use super::Mention;
use crate::text::Span;

/// Tier of context-rule mentions (titles, triggers).
pub(crate) const CONTEXT: u8 = 5;
/// Tier of strong lexicon mentions (multi-word gazetteer names; one-word ANERcorp names when no
/// tagger runs).
pub(crate) const STRONG: u8 = 4;
/// Tier of propagated mentions (a name found elsewhere in the document).
pub(crate) const PROPAGATED: u8 = 3;
/// Tier of the tagger's mentions.
pub(crate) const MODEL: u8 = 2;
/// Tier of one-word ANERcorp gazetteer names when the tagger runs: the tagger decides their
/// boundaries and kind (measured on ANERcorp dev, see `data/README.md`).
pub(crate) const LEXICON_WORD: u8 = 1;
/// Tier of one-word names known only from the general gazetteers.
pub(crate) const WEAK: u8 = 0;

/// A mention with its tier (higher wins).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Candidate {
    /// The mention.
    pub mention: Mention,
    /// [`CONTEXT`], [`STRONG`], [`PROPAGATED`], [`MODEL`], [`LEXICON_WORD`] or [`WEAK`].
    pub tier: u8,
}

/// Spans sorted by start, for overlap queries in O(log n + k) (k: spans starting within the
/// longest span's length before the query).
pub(crate) struct SpanIndex {
    /// `(span, payload index)` sorted by `span.start`.
    spans: Vec<(Span, usize)>,
    /// The longest span's length in bytes.
    max_len: usize,
}

impl SpanIndex {
    /// Indexes `spans` (payload = position in the input).
    pub(crate) fn new(spans: impl IntoIterator<Item = Span>) -> Self {
        let mut spans: Vec<(Span, usize)> = spans.into_iter().zip(0..).collect();
        spans.sort_by_key(|(s, i)| (s.start, *i));
        let max_len = spans.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
        SpanIndex { spans, max_len }
    }

    /// Indexed spans overlapping `q` (sharing at least one byte), with their input positions,
    /// in order of start.
    pub(crate) fn overlapping(&self, q: Span) -> impl Iterator<Item = (Span, usize)> + '_ {
        let lo = q.start.saturating_sub(self.max_len);
        let from = self.spans.partition_point(|(s, _)| s.start < lo);
        let to = self.spans.partition_point(|(s, _)| s.start < q.end);
        self.spans[from..to.max(from)]
            .iter()
            .copied()
            .filter(move |(s, _)| s.overlaps(q))
    }

    /// True when some indexed span overlaps `q`.
    pub(crate) fn any_overlap(&self, q: Span) -> bool {
        self.overlapping(q).next().is_some()
    }
}

/// Non-overlapping mentions, in document order. O(n log n) for mentions of bounded length.
pub(crate) fn resolve(mut cands: Vec<Candidate>) -> Vec<Mention> {
    cands.retain(|c| !c.mention.span.is_empty());
    // Promote tagger mentions that extend a stronger mention of the same kind without cutting
    // any other stronger mention.
    let strong: Vec<(Span, super::EntityKind, u8)> = cands
        .iter()
        .filter(|c| c.tier > MODEL)
        .map(|c| (c.mention.span, c.mention.kind, c.tier))
        .collect();
    let index = SpanIndex::new(strong.iter().map(|(s, _, _)| *s));
    // For each strong span, up to two distinct other strong spans containing it: a span is
    // nested for a model span `q` when one of its containers differs from `q`.
    let containers: Vec<Vec<Span>> = strong
        .iter()
        .map(|(s, _, _)| {
            let mut out: Vec<Span> = Vec::new();
            for (o, _) in index.overlapping(*s) {
                if o != *s && o.contains(*s) && !out.contains(&o) {
                    out.push(o);
                    if out.len() == 2 {
                        break;
                    }
                }
            }
            out
        })
        .collect();
    for c in cands
        .iter_mut()
        .filter(|c| c.tier == MODEL && c.mention.origin == super::MentionOrigin::Model)
    {
        let span = c.mention.span;
        // Copies of the model's own span (propagated) do not count, nor mentions nested inside
        // another strong mention (العالمية inside منظمة الصحة العالمية).
        let inner: Vec<&(Span, super::EntityKind, u8)> = index
            .overlapping(span)
            .filter(|(s, i)| *s != span && !containers[*i].iter().any(|o| *o != span))
            .map(|(_, i)| &strong[i])
            .collect();
        if inner.is_empty() {
            continue;
        }
        let extends = inner
            .iter()
            .all(|(s, k, _)| span.contains(*s) && *k == c.mention.kind);
        if extends {
            c.tier = inner.iter().map(|(_, _, t)| *t).max().unwrap_or(MODEL);
        }
    }
    cands.sort_by(|a, b| {
        b.tier
            .cmp(&a.tier)
            .then(b.mention.span.len().cmp(&a.mention.span.len()))
            .then(a.mention.span.start.cmp(&b.mention.span.start))
    });
    // Kept mentions are disjoint: keyed by start, they are also sorted by end, so only the kept
    // mention with the greatest start before a candidate's end can overlap it.
    let mut taken: std::collections::BTreeMap<usize, Mention> = std::collections::BTreeMap::new();
    for c in cands {
        let span = c.mention.span;
        if taken
            .range(..span.end)
            .next_back()
            .is_some_and(|(_, t)| t.span.end > span.start)
        {
            continue;
        }
        taken.insert(span.start, c.mention);
    }
    taken.into_values().collect()
}
