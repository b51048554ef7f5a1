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

/// Non-overlapping mentions, in document order.
pub(crate) fn resolve(mut cands: Vec<Candidate>) -> Vec<Mention> {
    cands.retain(|c| !c.mention.span.is_empty());
    // Promote tagger mentions that extend a stronger mention of the same kind without cutting
    // any other stronger mention.
    let strong: Vec<(Span, super::EntityKind, u8)> = cands
        .iter()
        .filter(|c| c.tier > MODEL)
        .map(|c| (c.mention.span, c.mention.kind, c.tier))
        .collect();
    for c in cands
        .iter_mut()
        .filter(|c| c.tier == MODEL && c.mention.origin == super::MentionOrigin::Model)
    {
        let span = c.mention.span;
        // Copies of the model's own span (propagated) do not count, nor mentions nested inside
        // another strong mention (العالمية inside منظمة الصحة العالمية).
        let inner: Vec<&(Span, super::EntityKind, u8)> = strong
            .iter()
            .filter(|(s, _, _)| span.overlaps(*s) && *s != span)
            .filter(|(s, _, _)| {
                !strong
                    .iter()
                    .any(|(o, _, _)| *o != *s && *o != span && o.contains(*s))
            })
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
    let mut taken: Vec<Mention> = Vec::with_capacity(cands.len());
    for c in cands {
        if taken.iter().any(|t| t.span.overlaps(c.mention.span)) {
            continue;
        }
        taken.push(c.mention);
    }
    taken.sort_by_key(|m| (m.span.start, m.span.end));
    taken
}
