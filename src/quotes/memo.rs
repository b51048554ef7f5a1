//! Attribution reused across versions of a text: what one run of `attribute` leaves for the
//! next ([`AttrMemo`]), and the plan that decides, from the edit between the two texts, which
//! cue verbs and quotations are taken from it and which are attributed again ([`Plan`]).
//!
//! Why reuse is exact. Attributing a cue verb or a quotation reads (a) the tokens, mentions,
//! quotation spans and paragraphs within its paragraph, the paragraph before it (a cue after a
//! colon that ends it) and at most [`MARGIN_TOKENS`] tokens around it (the longest fixed
//! windows are 14 tokens back for أما, 14 forward for جاء في, 8 for a source phrase, 5 for an
//! apposition), (b) the entities' ids, names, kinds and roles, and (c) the speakers introduced
//! before it (events) with, for a definite phrase, the latest earlier mention of an entity with
//! the same head noun. The *core* is the changed bytes widened by every quotation, quoted name
//! or paragraph (old or new) that touches them; the *zone* is the core widened to whole paragraphs and then
//! by at least [`MARGIN_PARAGRAPHS`] paragraphs and [`MARGIN_TOKENS`] tokens on each side. The
//! plan exists only when the quotation spans, quoted names, paragraphs and mentions outside the
//! core are the same up to the edit's shift, and the entities (b) are the same up to those the
//! edit added or removed: every mention outside the core belongs to an entity with the same
//! name and kind as before, whose id may have changed (entities are numbered in order of first
//! mention, so a name written mid-document renumbers those after it; reused attributions and
//! events take the new ids) and whose roles may have changed (a title written before one of its
//! mentions: then every item that looked up the head noun of a role gained or lost — to resolve
//! a definite phrase — or read all the roles of the entity it resolved to, is attributed again,
//! before the zone too, and what it leaves changed is handled as below). Then an item outside
//! the zone reads (a) the same as before. An item before the zone reads only earlier events and
//! mentions, which are the same, so it is reused (unless it read such a role, or it read an
//! event or cue result that a redone item before it changed). An item
//! after the zone is reused
//! when, in addition, what it read of the state before it is the same: each memo records the
//! range of offsets where its attribution read events and cue verbs' results ([`Reads`]), and
//! the item is attributed again when an event or cue result that changed lies in that range —
//! the zone's (when the zone left other cue events or source events behind than the memo's,
//! up to the shift) or one of an item after the zone that was attributed again with another
//! result. An item whose attribution looked up the latest mention with a head noun (the only
//! read of mentions beyond its windows) is also attributed again when the zone's mentions
//! changed. Mentions that differ outside the core's paragraphs (a half-typed name learned and
//! found in another paragraph, at most [`MAX_CHANGED_MENTIONS`]) do not cancel the plan: each
//! marks a range widened like the zone whose items are attributed again and compared with
//! their memos like the items after the zone (a different result is a changed event or cue
//! result for the items that read it), and an item that looked a mention up by head noun after
//! the first of them is attributed again. So typing inside a name re-attributes the zone and the few items after it that
//! read what changed (the next speaker who continues, «وأضاف»), not every item after it.
//! Everything else is attributed again. `tests/incremental.rs` checks the result against a
//! fresh analysis.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::attribute::{Attribution, Event, Named};
use super::doc::{Doc, MentionRef};
use super::{Cue, Source, Speaker};
use crate::entities::{Entity, EntityKind};
use crate::text::Span;
use crate::text::edit::EditMap;

/// Whole paragraphs on each side of the core that are attributed again.
pub(crate) const MARGIN_PARAGRAPHS: usize = 2;
/// At least this many tokens on each side of the core are attributed again (more than any
/// fixed window of `attribute` reads across a paragraph break).
pub(crate) const MARGIN_TOKENS: usize = 64;

/// What the attribution of a cue verb left: not an event (not a main-clause reporting verb,
/// or inside another quotation), or whether computing its written subject read the events and
/// the event recorded with that subject (none when it has no written subject).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CueMemo {
    /// Skipped by the events pass.
    NotEvent,
    /// A main-clause reporting verb.
    Event {
        /// Whether its subject was computed from the events (then it is not memoised for the
        /// quotation pass).
        read_events: bool,
        /// Whether computing its subject read the mentions of the whole text before it (a
        /// definite phrase resolved to the latest mention with its head noun): then it is
        /// not reused after a zone whose mentions changed.
        read_mentions: bool,
        /// The events computing its subject read.
        reads: Reads,
        /// Index of its event in the run's events ([`AttrMemo::events`]), when it has a
        /// written subject (the event's `who`).
        event: Option<u32>,
    },
}

/// What the attribution of a quotation left: its final attribution, the token its cue was
/// found at before it (byte offset), and the event its attribution added, if any.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct QuoteMemo {
    /// The quotation's span (bytes).
    pub span: Span,
    /// Its attribution.
    pub attr: Attribution,
    /// Start (bytes) and token index of the cue verb found before it ([`super::attribute`]'s
    /// `before_cue`).
    pub before_cue: Option<(usize, usize)>,
    /// The source events its attribution added (at most one, in practice).
    pub added: Vec<Event>,
    /// Whether its attribution read the mentions of the whole text before it (as
    /// [`CueMemo::Event`]'s `read_mentions`).
    pub read_mentions: bool,
    /// The events and cue-verb results its attribution read.
    pub reads: Reads,
}

/// What an attribution read beyond its windows: the events (speakers introduced by cue verbs
/// and sources) and the cue verbs' results, every offset of which lies in `lo..=hi` (bytes of
/// the text it was made on), and — `heads` — which head nouns it looked up among the entities'
/// names and roles (to resolve a definite phrase), as a set of [`head_bit`]s ([`ALL_HEADS`]
/// when it read every role of the entity it resolved to, to check a phrase's modifiers). An
/// item outside the zone is attributed again when an event or cue result that changed lies in
/// its range, or when one of its head nouns is the head of a role some entity gained or lost
/// ([`Plan::changed_heads`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Reads {
    pub lo: usize,
    pub hi: usize,
    pub heads: u64,
}

/// Every head noun: what an attribution that read all of an entity's roles depends on.
pub(crate) const ALL_HEADS: u64 = u64::MAX;

/// The bit of a head noun (folded, no article) in [`Reads::heads`] and [`Plan::changed_heads`]:
/// one of 64 by hash, so two heads may share a bit (an item is then attributed again when it
/// need not be, never the reverse).
pub(crate) fn head_bit(head: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    head.hash(&mut h);
    1 << (h.finish() >> 58)
}

impl Reads {
    /// Nothing read.
    pub const NONE: Reads = Reads {
        lo: usize::MAX,
        hi: 0,
        heads: 0,
    };

    /// True when no event or cue result was read.
    pub fn is_none(&self) -> bool {
        self.lo > self.hi
    }

    /// These reads and `lo..=hi`.
    pub fn with(self, lo: usize, hi: usize) -> Reads {
        Reads {
            lo: self.lo.min(lo),
            hi: self.hi.max(hi),
            heads: self.heads,
        }
    }

    /// True when one of `changed` (sorted offsets) lies in the range read.
    pub fn touch(&self, changed: &[usize]) -> bool {
        let i = changed.partition_point(|&c| c < self.lo);
        changed.get(i).is_some_and(|&c| c <= self.hi)
    }
}

/// The entity fields attribution reads, per entity in order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EntityKey {
    id: String,
    name: String,
    kind: EntityKind,
    roles: Vec<String>,
}

impl EntityKey {
    fn same(&self, e: &Entity) -> bool {
        self.id == e.id && self.same_but_id(e)
    }

    /// The same name, kind and roles (the id may differ: entities are numbered in order of
    /// first mention, so a name written earlier renumbers those after it).
    fn same_but_id(&self, e: &Entity) -> bool {
        self.same_name_and_kind(e) && self.roles == e.roles
    }

    /// The same name and kind (the roles may differ: a title written before one of its
    /// mentions adds one).
    fn same_name_and_kind(&self, e: &Entity) -> bool {
        self.name == e.name && self.kind == e.kind
    }
}

/// How far ahead in the new entities a memo's entity is looked for ([`match_entities`]): an
/// edit adds or removes a few entities (those whose mentions all lie in the changed text).
const ENTITY_LOOKAHEAD: usize = 8;

/// For each of the memo's entities `old`, the index of the same entity among `new` (the same
/// name and kind; its roles may have changed), matched in order, each looked for among the next
/// [`ENTITY_LOOKAHEAD`] new entities after the last match; `None` for one not found (removed,
/// or renamed). The plan then requires every mention outside the core to belong to matched
/// entities, so an unmatched entity can only be one of the edit's.
fn match_entities(old: &[EntityKey], new: &[Entity]) -> Vec<Option<usize>> {
    let mut j = 0;
    old.iter()
        .map(|k| {
            let end = (j + ENTITY_LOOKAHEAD).min(new.len());
            let found = (j..end).find(|&n| k.same_name_and_kind(&new[n]))?;
            j = found + 1;
            Some(found)
        })
        .collect()
}

/// The keys of `entities`.
pub(crate) fn entity_keys(entities: &[Entity]) -> Arc<Vec<EntityKey>> {
    Arc::new(
        entities
            .iter()
            .map(|e| EntityKey {
                id: e.id.clone(),
                name: e.name.clone(),
                kind: e.kind,
                roles: e.roles.clone(),
            })
            .collect(),
    )
}

/// One run of attribution, kept for the next version of the text. Every offset is a byte of
/// the text it was computed on (`text_len` bytes long).
#[derive(Clone, Debug, Default)]
pub struct AttrMemo {
    pub(crate) text_len: usize,
    /// The number of tokens of that text.
    pub(crate) tokens: usize,
    pub(crate) entities: Arc<Vec<EntityKey>>,
    /// Head noun → entities with it (shared while the entities stay the same).
    pub(crate) entity_heads: Arc<FxHashMap<String, Vec<usize>>>,
    pub(crate) paras: Vec<Span>,
    pub(crate) mentions: Vec<MentionRef>,
    /// Speech quotation spans and quoted-name spans, sorted by start.
    pub(crate) speech: Vec<Span>,
    pub(crate) names: Vec<Span>,
    /// Per cue-verb token, sorted by its start (bytes).
    pub(crate) cues: Vec<(usize, CueMemo)>,
    /// The cue verbs' events, in order (what [`CueMemo::Event`] indexes); `None` once taken
    /// by the next run.
    pub(crate) events: Vec<Option<Event>>,
    /// Per speech quotation, in order.
    pub(crate) quotes: Vec<QuoteMemo>,
    /// The name-or-speech decisions on the quoted spans (set by the scan, which makes them
    /// before attribution).
    pub(crate) name_decisions: super::names::NamesMemo,
    /// How much of this run came from the memo it was given.
    pub(crate) stats: ReuseStats,
}

/// How much of one attribution run was taken from the previous run's memo.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReuseStats {
    /// Cue-verb tokens taken from the memo.
    pub cues_reused: usize,
    /// Cue-verb tokens in all.
    pub cues: usize,
    /// Speech quotations whose attribution was taken from the memo.
    pub quotes_reused: usize,
    /// Speech quotations in all.
    pub quotes: usize,
    /// Quoted spans whose name-or-speech decision was taken from the memo.
    pub names_reused: usize,
    /// Quoted spans (speech and names) in all.
    pub names: usize,
}

/// Where an item lies relative to the zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Region {
    Before,
    Inside,
    After,
}

/// The reuse plan for one run (see the module doc).
pub(crate) struct Plan {
    pub memo: AttrMemo,
    pub map: EditMap,
    /// The zone in the new text (bytes).
    pub zone: Span,
    /// The zone in the old text.
    pub old_zone: Span,
    /// The mentions inside the zone are the same up to the shift.
    pub zone_mentions_same: bool,
    /// The ranges (new text, sorted, disjoint) around the mentions outside the core's
    /// paragraphs that differ from the memo's, each widened like the zone: their items are
    /// attributed again ([`Plan::dirty`]).
    dirty: Vec<Span>,
    /// The start of the first mention outside the core's paragraphs that differs.
    mentions_changed_from: Option<usize>,
    /// When the entities differ from the memo's (some added or removed, the others
    /// renumbered): each old entity id's new id, for the ids written in reused attributions
    /// and events. `None` when they are the same entities with the same ids.
    ids: Option<FxHashMap<String, Arc<str>>>,
    /// The [`head_bit`]s of the roles that entities kept (matched by name and kind) gained or
    /// lost: the items that looked up one of those head nouns ([`Reads::heads`]) are attributed
    /// again, wherever they lie.
    pub changed_heads: u64,
    /// Where the last look-ups in `memo.cues` and `memo.quotes` ended ([`Plan::cue`],
    /// [`Plan::quote`]): callers look items up in text order, so each search starts there.
    cue_cursor: std::cell::Cell<usize>,
    quote_cursor: std::cell::Cell<usize>,
}

/// Index of the first of `items` (sorted by `key`) whose key is at least `at`, searched forward
/// from `cursor` (which it then holds) by exponential search ([`super::doc::gallop`]) when the
/// answer lies at or after it — a step or two when look-ups come in order —, else by binary
/// search. The same result as
/// `items.partition_point(|x| key(x) < at)`.
fn seek<T>(
    items: &[T],
    at: usize,
    key: impl Fn(&T) -> usize,
    cursor: &std::cell::Cell<usize>,
) -> usize {
    let from = cursor.get().min(items.len());
    let i = if from == 0 || key(&items[from - 1]) < at {
        super::doc::gallop(from, items.len(), |i| key(&items[i]) < at)
    } else {
        items.partition_point(|x| key(x) < at)
    };
    cursor.set(i);
    i
}

/// Offset `x` of the text whose changed bytes are `from` moved into the text whose changed
/// bytes are `to` (both sides of one edit); an offset inside the changed bytes goes to `inside`.
fn shift(x: usize, from: Span, to: Span, inside: usize) -> usize {
    if x <= from.start {
        x
    } else if x >= from.end {
        x - from.end + to.end
    } else {
        inside
    }
}

/// The end `x` of a span that contains the changed bytes `from`, moved into the text whose
/// changed bytes are `to`: like [`shift`], but an end at the changed bytes' end goes to the
/// other side's end — also when they are empty (a deletion seen from the new text), where
/// [`shift`] would keep it before the deleted bytes.
fn shift_end(x: usize, from: Span, to: Span) -> usize {
    if x >= from.end {
        x - from.end + to.end
    } else {
        shift(x, from, to, to.end)
    }
}

/// At most this many mentions outside the edit's paragraphs may differ from the memo's for the
/// plan to stand ([`differing_mentions`]); beyond, everything is attributed again.
const MAX_CHANGED_MENTIONS: usize = 32;

/// Appends to `changed` the spans (new text) of the mentions of `new` and `old` (sorted by
/// start, `old` in the memo's text) that have no equal ([`Plan::new`]'s `same`) on the other
/// side, by one merge of the two lists; false when more than [`MAX_CHANGED_MENTIONS`] differ
/// or an old one does not map into the new text. `changed` stays sorted by start when the
/// calls come in text order.
fn differing_mentions(
    new: &[MentionRef],
    old: &[MentionRef],
    map: &EditMap,
    same: impl Fn(&MentionRef, &MentionRef) -> bool,
    changed: &mut Vec<Span>,
) -> bool {
    let (mut i, mut j) = (0, 0);
    let mut found = Vec::new();
    while i < new.len() || j < old.len() {
        if found.len() > MAX_CHANGED_MENTIONS {
            return false;
        }
        if let (Some(n), Some(o)) = (new.get(i), old.get(j))
            && same(n, o)
        {
            i += 1;
            j += 1;
            continue;
        }
        let old_span = match old.get(j) {
            Some(o) => match map.old_to_new(o.span) {
                Some(s) => Some(s),
                None => return false,
            },
            None => None,
        };
        match (new.get(i), old_span) {
            (Some(n), Some(o)) if n.span.start <= o.start => {
                found.push(n.span);
                i += 1;
                if n.span.start == o.start {
                    if o != n.span {
                        found.push(o);
                    }
                    j += 1;
                }
            }
            (_, Some(o)) => {
                found.push(o);
                j += 1;
            }
            (Some(n), None) => {
                found.push(n.span);
                i += 1;
            }
            (None, None) => break,
        }
    }
    if found.len() > MAX_CHANGED_MENTIONS {
        return false;
    }
    found.sort_by_key(|s| s.start);
    changed.extend(found);
    true
}

/// `core` (new text) widened to its paragraphs `paras[first..last]`.
fn with_paragraphs(paras: &[Span], first: usize, last: usize, core: Span) -> Span {
    Span::new(
        paras
            .get(first)
            .map_or(core.start, |p| p.start.min(core.start)),
        last.checked_sub(1)
            .and_then(|l| paras.get(l))
            .map_or(core.end, |p| p.end.max(core.end)),
    )
}

/// `core` (new text; its paragraphs are `paras[first..last]`) widened to those paragraphs and
/// then by at least [`MARGIN_PARAGRAPHS`] paragraphs and [`MARGIN_TOKENS`] tokens on each side:
/// the zone of an edit, or the range around a mention that changed.
fn with_margins(doc: &Doc, paras: &[Span], first: usize, last: usize, core: Span) -> Span {
    let cp = with_paragraphs(paras, first, last, core);
    let tokens_in = |p: &Span| {
        let r = doc.tokens_in(*p);
        r.end - r.start
    };
    let mut i = first.min(paras.len());
    let (mut n, mut toks) = (0, 0);
    while i > 0 && (n < MARGIN_PARAGRAPHS || toks < MARGIN_TOKENS) {
        i -= 1;
        n += 1;
        toks += tokens_in(&paras[i]);
    }
    let za = if i == 0 { 0 } else { paras[i].start };
    let mut j = last;
    let (mut n, mut toks) = (0, 0);
    while j < paras.len() && (n < MARGIN_PARAGRAPHS || toks < MARGIN_TOKENS) {
        toks += tokens_in(&paras[j]);
        n += 1;
        j += 1;
    }
    let zb = if j >= paras.len() {
        doc.text.len()
    } else {
        paras[j].start
    };
    Span::new(za.min(cp.start), zb.max(cp.end))
}

/// True when `a` and `b` (sorted lists) hold the same spans outside `zone_new` / `zone_old`
/// up to the shift.
fn same_outside(map: &EditMap, new: &[Span], old: &[Span], zone_new: Span, zone_old: Span) -> bool {
    let outside = |s: &Span, z: Span| s.end <= z.start || s.start >= z.end;
    let a = new
        .iter()
        .filter(|s| outside(s, zone_new))
        .map(|s| Some(*s));
    let b = old.iter().filter(|s| outside(s, zone_old));
    b.map(|s| map.old_to_new(*s)).eq(a)
}

impl Plan {
    /// The plan for attributing `doc` (paragraphs `paras`, speech spans `speech` and quoted
    /// names `names`, both sorted by start) after `memo`, `map` taking `memo`'s text to
    /// `doc.text`. `Err(memo)` (boxed) when nothing can be reused: the entities differ, `map`
    /// does not fit the two texts, quotation spans, quoted names or paragraphs outside the
    /// core differ, or more than [`MAX_CHANGED_MENTIONS`] mentions outside it do.
    pub fn new(
        memo: AttrMemo,
        map: EditMap,
        doc: &Doc,
        paras: &[Span],
        speech: &[Span],
        names: &[Span],
    ) -> Result<Plan, Box<AttrMemo>> {
        let ch_new = map.changed_new();
        let ch_old = map.changed_old();
        let delta_ok = doc.text.len() + ch_old.len() == memo.text_len + ch_new.len();
        if !delta_ok || ch_old.end > memo.text_len || ch_new.end > doc.text.len() {
            return Err(Box::new(memo));
        }
        let same_entities = memo.entities.len() == doc.entities.len()
            && memo
                .entities
                .iter()
                .zip(doc.entities)
                .all(|(k, e)| k.same(e));
        // Old entity index → new index (checked on every mention outside the core below).
        let entity_map = (!same_entities).then(|| match_entities(&memo.entities, doc.entities));
        let mut changed_heads = 0;
        for (n, k) in entity_map.iter().flatten().zip(memo.entities.iter()) {
            let Some(new) = n.map(|n| &doc.entities[n].roles) else {
                continue;
            };
            if k.roles != *new {
                let gained = new.iter().filter(|r| !k.roles.contains(r));
                let lost = k.roles.iter().filter(|r| !new.contains(r));
                for role in gained.chain(lost) {
                    changed_heads |= head_bit(&super::attribute::head_noun(role));
                }
            }
        }
        let ids = entity_map.as_ref().map(|m| {
            memo.entities
                .iter()
                .zip(m)
                .filter_map(|(k, n)| {
                    Some((k.id.clone(), Arc::from(doc.entities[(*n)?].id.as_str())))
                })
                .collect::<FxHashMap<String, Arc<str>>>()
        });
        // The core (new offsets): the changed bytes and every span touching them, old or new.
        let touches = |s: &Span, ch: Span| s.start <= ch.end && s.end >= ch.start;
        let (mut ca, mut cb) = (ch_new.start, ch_new.end);
        for s in speech.iter().chain(names) {
            if touches(s, ch_new) {
                ca = ca.min(s.start);
                cb = cb.max(s.end);
            }
        }
        // Paragraphs too: deleting back to a line's trailing white space moves the end of its
        // (trimmed) paragraph out of the changed bytes.
        for s in paras.iter().filter(|p| touches(p, ch_new)) {
            ca = ca.min(s.start);
            cb = cb.max(s.end);
        }
        for s in memo.speech.iter().chain(&memo.names).chain(&memo.paras) {
            if touches(s, ch_old) {
                ca = ca.min(shift(s.start, ch_old, ch_new, ch_new.start));
                cb = cb.max(shift(s.end, ch_old, ch_new, ch_new.end));
            }
        }
        let core = Span::new(ca, cb.max(ca));
        // The core's paragraphs, then the margins.
        let first = paras.partition_point(|p| p.end < core.start);
        let last = paras.partition_point(|p| p.start <= core.end).max(first);
        let cp = with_paragraphs(paras, first, last, core);
        let cp_old = Span::new(
            shift(cp.start, ch_new, ch_old, ch_old.start),
            shift_end(cp.end, ch_new, ch_old),
        );
        if !same_outside(&map, speech, &memo.speech, cp, cp_old)
            || !same_outside(&map, names, &memo.names, cp, cp_old)
            || !same_outside(&map, paras, &memo.paras, cp, cp_old)
        {
            return Err(Box::new(memo));
        }
        let zone = with_margins(doc, paras, first, last, cp);
        let old_zone = Span::new(
            shift(zone.start, ch_new, ch_old, ch_old.start),
            shift_end(zone.end, ch_new, ch_old),
        );
        // Mentions: the same outside the core's paragraphs (else nothing is reused); inside
        // them, the same for the items after the zone to be reused.
        let same_entity = |new: usize, old: usize| match &entity_map {
            None => new == old,
            Some(m) => m.get(old).copied().flatten() == Some(new),
        };
        let same_mention = |new: &MentionRef, old: &MentionRef| {
            same_entity(new.entity, old.entity) && map.old_to_new(old.span) == Some(new.span)
        };
        let split = |ms: &[MentionRef], z: Span| {
            let a = ms.partition_point(|m| m.span.start < z.start);
            let b = ms.partition_point(|m| m.span.start < z.end).max(a);
            (a, b)
        };
        let eq = |x: &[MentionRef], y: &[MentionRef]| {
            x.len() == y.len() && x.iter().zip(y).all(|(n, o)| same_mention(n, o))
        };
        let (na, nb) = split(&doc.mentions, cp);
        let (oa, ob) = split(&memo.mentions, cp_old);
        // Outside them, a mention that differs (a half-typed name learned and found in
        // another paragraph) marks a range of its own, widened like the zone, whose items are
        // attributed again and compared with their memos.
        let mut changed = Vec::new();
        let both_sides = [
            (0, na, 0, oa),
            (nb, doc.mentions.len(), ob, memo.mentions.len()),
        ];
        for (new_from, new_to, old_from, old_to) in both_sides {
            let (new, old) = (
                &doc.mentions[new_from..new_to],
                &memo.mentions[old_from..old_to],
            );
            if !eq(new, old) && !differing_mentions(new, old, &map, same_mention, &mut changed) {
                return Err(Box::new(memo));
            }
        }
        let mut dirty: Vec<Span> = Vec::with_capacity(changed.len());
        for m in &changed {
            let first = paras.partition_point(|p| p.end < m.start);
            let last = paras.partition_point(|p| p.start <= m.end).max(first);
            let range = with_margins(doc, paras, first, last, *m);
            match dirty.last_mut() {
                Some(d) if d.end >= range.start => d.end = d.end.max(range.end),
                _ => dirty.push(range),
            }
        }
        let inside_same = eq(&doc.mentions[na..nb], &memo.mentions[oa..ob]);
        Ok(Plan {
            memo,
            map,
            zone,
            old_zone,
            zone_mentions_same: inside_same,
            mentions_changed_from: changed.first().map(|m| m.start),
            dirty,
            ids,
            changed_heads,
            cue_cursor: Default::default(),
            quote_cursor: Default::default(),
        })
    }

    /// True when an item at `span` (new offsets) outside the zone must be attributed again
    /// because of mentions that changed outside the zone: it overlaps a range around one
    /// ([`Plan::dirty`]), or, when it looked a mention up by head noun (`read_mentions`: the
    /// latest earlier one), one changed before it.
    pub fn mentions_changed(&self, span: Span, read_mentions: bool) -> bool {
        let i = self.dirty.partition_point(|d| d.end <= span.start);
        self.dirty.get(i).is_some_and(|d| d.start < span.end)
            || (read_mentions && self.mentions_changed_from.is_some_and(|m| m < span.start))
    }

    /// Where `span` (new offsets) lies relative to the zone.
    pub fn region(&self, span: Span) -> Region {
        if span.end <= self.zone.start {
            Region::Before
        } else if span.start >= self.zone.end {
            Region::After
        } else {
            Region::Inside
        }
    }

    /// Offset `old` of the old text in the new one; one inside the edit's changed bytes goes
    /// to their start.
    pub fn offset(&self, old: usize) -> usize {
        shift(
            old,
            self.map.changed_old(),
            self.map.changed_new(),
            self.map.changed_new().start,
        )
    }

    /// `r` (reads in the old text) in the new text, widened to the edit's changed bytes when
    /// an end lies in them.
    pub fn reads(&self, r: Reads) -> Reads {
        if r.is_none() {
            return r;
        }
        let (o, n) = (self.map.changed_old(), self.map.changed_new());
        Reads {
            lo: shift(r.lo, o, n, n.start),
            hi: shift(r.hi, o, n, n.end),
            heads: r.heads,
        }
    }

    /// True when `entry` and `event`, computed again for the cue verb at new offset `at` after
    /// the zone, are what the memo holds for it (events compared up to the shift).
    pub fn same_cue(&self, at: usize, entry: &CueMemo, event: Option<&Event>) -> bool {
        match (self.cue(at), entry) {
            (Some(CueMemo::NotEvent), CueMemo::NotEvent) => true,
            (
                Some(CueMemo::Event {
                    read_events: ro,
                    event: eo,
                    ..
                }),
                CueMemo::Event {
                    read_events: rn, ..
                },
            ) => {
                let old = eo.map(|i| self.memo.events.get(i as usize).and_then(Option::as_ref));
                ro == *rn
                    && match (old, event) {
                        (None, None) => true,
                        (Some(Some(o)), Some(n)) => self.same_event(o, n),
                        _ => false,
                    }
            }
            _ => false,
        }
    }

    /// The memo of the cue verb starting at new offset `at` (outside the zone).
    pub fn cue(&self, at: usize) -> Option<CueMemo> {
        let old = self.map.new_to_old_at(at)?;
        let cues = &self.memo.cues;
        let i = seek(cues, old, |(x, _)| *x, &self.cue_cursor);
        cues.get(i).filter(|(x, _)| *x == old).map(|(_, c)| *c)
    }

    /// True when the entities are the memo's, with the same ids.
    pub fn same_entities(&self) -> bool {
        self.ids.is_none()
    }

    /// The new id of the entity with old id `id` (`Some(None)` for no entity); `None` when
    /// that entity is not among the new ones.
    fn entity(&self, id: &Option<Arc<str>>) -> Option<Option<Arc<str>>> {
        match (&self.ids, id) {
            (None, _) | (_, None) => Some(id.clone()),
            (Some(ids), Some(old)) => Some(Some(ids.get(old.as_ref())?.clone())),
        }
    }

    /// The old run's event `i`, moved out of the memo and into the new text; `None` when it
    /// has no image there (or was taken already).
    pub fn take_event(&mut self, i: u32) -> Option<Event> {
        let mut e = self.memo.events.get_mut(i as usize)?.take()?;
        e.at = self.map.old_to_new_at(e.at)?;
        e.who.span = self.map.old_to_new(e.who.span)?;
        e.who.entity = self.entity(&e.who.entity)?;
        Some(e)
    }

    /// True when `new` is the old run's event `old` moved into the new text.
    pub fn same_event(&self, old: &Event, new: &Event) -> bool {
        self.map.old_to_new_at(old.at) == Some(new.at)
            && self.map.old_to_new(old.who.span) == Some(new.who.span)
            && old.who.name == new.who.name
            && self.entity(&old.who.entity).as_ref() == Some(&new.who.entity)
            && old.written_head == new.written_head
            && old.feminine == new.feminine
            && old.who_head == new.who_head
    }

    /// The old cue memos inside the zone, in order.
    pub fn zone_cues(&self) -> &[(usize, CueMemo)] {
        let cues = &self.memo.cues;
        let a = cues.partition_point(|(x, _)| *x < self.old_zone.start);
        let b = cues.partition_point(|(x, _)| *x < self.old_zone.end).max(a);
        &cues[a..b]
    }

    /// The memo of the quotation with new span `span` (outside the zone).
    pub fn quote(&self, span: Span) -> Option<&QuoteMemo> {
        let old = self.map.new_to_old(span)?;
        let qs = &self.memo.quotes;
        let i = seek(qs, old.start, |q| q.span.start, &self.quote_cursor);
        qs.get(i).filter(|q| q.span == old)
    }

    /// `span` of the old text in the new one.
    pub fn span(&self, span: Span) -> Option<Span> {
        self.map.old_to_new(span)
    }

    /// `n` moved into the new text.
    pub fn named(&self, n: &Named) -> Option<Named> {
        Some(Named {
            name: n.name.clone(),
            entity: self.entity(&n.entity)?,
            span: self.span(n.span)?,
        })
    }

    /// `e` moved into the new text.
    pub fn event(&self, e: &Event) -> Option<Event> {
        Some(Event {
            at: self.map.old_to_new_at(e.at)?,
            who: self.named(&e.who)?,
            written_head: e.written_head.clone(),
            feminine: e.feminine,
            who_head: e.who_head.clone(),
        })
    }

    /// `a` moved into the new text.
    pub fn attribution(&self, a: &Attribution) -> Option<Attribution> {
        Some(Attribution {
            speaker: match &a.speaker {
                Some(s) => Some(Speaker {
                    name: s.name.clone(),
                    entity: self.entity(&s.entity)?,
                    span: self.span(s.span)?,
                }),
                None => None,
            },
            cue: match &a.cue {
                Some(c) => Some(Cue {
                    span: self.span(c.span)?,
                }),
                None => None,
            },
            source: match &a.source {
                Some(s) => Some(Source {
                    name: s.name.clone(),
                    entity: self.entity(&s.entity)?,
                    span: self.span(s.span)?,
                }),
                None => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::seek;

    /// `seek` equals `partition_point` for every key and every cursor, on lists with repeated
    /// keys, and leaves the cursor at its answer.
    #[test]
    fn seek_equals_partition_point_from_any_cursor() {
        for items in [
            vec![],
            vec![5],
            vec![1, 3, 3, 3, 7, 9, 9, 12, 20, 21, 22, 40],
        ] {
            for at in 0..=45 {
                let want = items.partition_point(|&x| x < at);
                for from in 0..=items.len() + 2 {
                    let cursor = std::cell::Cell::new(from);
                    assert_eq!(
                        seek(&items, at, |&x| x, &cursor),
                        want,
                        "{items:?} {at} {from}"
                    );
                    assert_eq!(cursor.get(), want);
                }
            }
        }
    }
}
