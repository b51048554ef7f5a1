//! Attribution: the cue verb, speaker and source of each quotation.
//!
//! Rules (Arabic news style; inventory in `docs/arabic-resources.md`, section 3; lists in
//! `data/quotes/`):
//! - **Cue**: the nearest reporting verb before the quotation in its sentence, skipping other
//!   quotations (وقال فلان: «…»، وأضاف: "…"، قالت الوزيرة إن المشروع «…»); when the quotation
//!   opens a paragraph and the previous one ends with a colon, that paragraph too. Else a verb
//!   right after it (quote-first: «…»، قال فلان — «…»، هكذا علق فلان) that does not introduce
//!   the next quotation. Proclitics و ف and object pronouns (سألني) are allowed on the verb.
//!   When the nearest verb is part of an earlier verb's subject phrase (only words between:
//!   وقال مصدر لم يكشف عن اسمه: «…»، وتابع قائلا: «…») the first finite verb of the chain is
//!   the cue. With no reporting verb, جاء/ورد في (وجاء في بيان صادر عن X أن "…"، أصدرت X بيانا
//!   جاء فيه: «…») is the cue and the document's issuer the speaker.
//! - **Speaker of a VSO verb**: the words after the verb up to a colon, the quotation, إن/أن, a
//!   source phrase or a clause break: a person mention there first, else a name in apposition
//!   between commas (مديرة الشركة، سارة، إن), else an organization or place mention at the
//!   subject's head (قالت وزارة الصحة), else the phrase as written (مصدر في الوزارة), cut before
//!   adjuncts (اليوم، في بيان), recipients (للصحفيين) and relative or verbal clauses (لم، الذي،
//!   طلب…: `clause_openers`); an object pronoun right after the verb is skipped (قال لي الوزير).
//!   Inside a quotation, the subject of an inner cue is read inside it too. A definite phrase
//!   (الوزير، الهيئة، المصدر) refers back to the latest speaker (among the last 100) whose name,
//!   role or written title has the same head noun, else to the latest entity with it. A
//!   statement as subject (وقال بيان…) speaks for its issuer when written (بيان صادر عن X →
//!   X; بيان لـX → X when X is an entity), else for itself (بيان للحكومة); البيان refers back
//!   to the previous speaker only when that one is not a person. The range stays the words
//!   written. A phrase after the verb yields to a person mention right before it (إدريس يقول
//!   لطلابه "…").
//!   **SVO**: أما فلان فقال, or a mention right before a verb without و, else a title phrase
//!   (`data/lexicon/titles.txt`) filling the clause before that verb, agreeing with it in gender
//!   (فإن الرئيس الصيني قال إن…، والوزيرة البريطانية قالت: «…»).
//! - **No written subject** (وأضاف:، participles مضيفا/مؤكدة, plurals): the first person mention
//!   of the sentence's main clause before the verb (أبدى المدرب فلان أسفه، وقال: «…»); else the
//!   previous speaker — the subject of the latest main-clause reporting verb, with or without a
//!   quotation, across paragraphs — preferring, among the last three, one whose verb has the
//!   same gender (وأضافت → the latest قالت). Verbs inside a complement clause (أن الرئيس أكد)
//!   are not speakers' events. A third-person verb inside a quotation (سألني) is not the quoting
//!   speaker: the latest other person mentioned before it.
//! - **Source**: وفقا لـ، بحسب، نقلا عن… (`sources.txt`), ل + a media noun (لوكالة) or a quoted
//!   name (لـ«الصحيفة»), and the relay pattern نقلت الوكالة عن فلان قوله (source the agency,
//!   speaker the person, cue the relay verb). The source is a quoted name within three tokens
//!   (وكالة أنباء " تاس "), else a mention, else the words as written — or the person mention
//!   inside those words (بحسب المتحدث باسم القيادة اللواء فلان). With no cue verb, a named
//!   source is the speaker too («…»، بحسب الوزارة).
//!
//! Cost: linear in the document (up to constant windows): mentions, quotations and quoted names
//! are looked up by binary search on sorted vectors (`doc::SpanIndex`, `Doc::mentions_starting_in`),
//! never scanned whole per quotation (see `benches/quotes.rs`).
//! - A quotation with no cue and no source, following another in the same paragraph, keeps
//!   that one's speaker.

use std::sync::Arc;

use super::doc::{Doc, SpanIndex, is_clause_end, is_sentence_end, is_symbol, is_word};
use super::lexicon::{CueForm, Lexicon, WordClasses};
use super::memo::{self, AttrMemo, CueMemo, Plan, QuoteMemo, Reads, Region, ReuseStats};
use super::pair::Quoted;
use super::{Cue, Source, Speaker};
use crate::entities::EntityKind;
use crate::recycle::{cleared, recycle};
use crate::text::Span;
use crate::text::edit::EditMap;
use crate::text::normalize::{fold_str, is_ignorable};
use crate::text::token::TokenKind;

/// How many tokens before a quotation its cue verb may be.
const BEFORE_WINDOW: usize = 48;
/// How many tokens after a quotation a quote-first cue or a source may be.
const AFTER_WINDOW: usize = 16;
/// How many tokens after a verb its subject may run.
const SUBJECT_WINDOW: usize = 14;
/// Longest speaker or source phrase kept when no mention names it (words).
const PHRASE_WORDS: usize = 8;
/// The most words of a title subject written before its verb (الرئيس الصيني قال): a title and
/// up to three modifiers.
const SVO_TITLE_WORDS: usize = 4;

/// Cue, speaker and source of one quotation (see [`super::Quote`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Attribution {
    /// Who said it.
    pub speaker: Option<Speaker>,
    /// The reporting verb (or relay verb / attribution phrase).
    pub cue: Option<Cue>,
    /// The source it is reported through.
    pub source: Option<Source>,
}

/// For each head noun (folded, no article), the mentions of the entities that have it, sorted
/// by start.
/// A named thing found in the text: a speaker or a source.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Named {
    pub name: Arc<str>,
    pub entity: Option<Arc<str>>,
    pub span: Span,
}

impl Named {
    fn speaker(self) -> Speaker {
        Speaker {
            name: self.name,
            entity: self.entity,
            span: self.span,
        }
    }
    fn source(self) -> Source {
        Source {
            name: self.name,
            entity: self.entity,
            span: self.span,
        }
    }
}

/// A source phrase found at a token.
struct SourceMatch {
    /// The named source, if the phrase names one.
    source: Option<Named>,
    /// The speaker named by a relay pattern (نقلت … عن فلان).
    speaker: Option<Named>,
    /// The relay verb, or the whole phrase for على حد قوله.
    cue: Option<Span>,
}

/// A speaker introduced at some point of the text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Event {
    /// Byte offset of the verb (or quotation).
    pub at: usize,
    /// Who speaks.
    pub who: Named,
    /// The head noun (folded, no article) of the word written right after the verb — the
    /// title before the name (أكد الرئيس الجزائري فلان → رئيس), so that a later الرئيس refers
    /// to that speaker even when the entity layer kept no role. Empty when unknown.
    pub written_head: String,
    /// The verb's gender (قالت: feminine), when known.
    pub feminine: Option<bool>,
    /// [`head_noun`] of `who.name`, computed once (definite phrases compare it with up to
    /// [`DEFINITE_LOOKBACK`] earlier events).
    pub who_head: String,
}

impl Event {
    fn new(at: usize, who: Named, feminine: Option<bool>, written_head: String) -> Event {
        let who_head = head_noun(&who.name);
        Event {
            at,
            who,
            written_head,
            feminine,
            who_head,
        }
    }
}

/// How many of the latest speakers a gendered continuation verb may skip to find one of its
/// gender (قالت الوزيرة… وقال الخبير… وأضافت: → الوزيرة).
const GENDER_LOOKBACK: usize = 3;

/// How many of the latest speakers a definite phrase (الوزير) may look back through for one
/// with the same head noun: a constant, so that attribution stays linear in the document.
const DEFINITE_LOOKBACK: usize = 100;

struct Attributor<'a> {
    doc: &'a Doc<'a>,
    lex: &'a Lexicon,
    paras: &'a [Span],
    /// Spans (marks included) of the speech quotations, in order of their starts.
    speech: SpanIndex,
    /// Spans (marks included) of the quoted names.
    names: SpanIndex,
    /// Every main-clause reporting verb with a written subject, sorted by offset.
    events: Vec<Event>,
    /// Quotations attributed through a named source («…»، بحسب الوزارة), added while
    /// attributing in document order, sorted by offset (kept apart from `events` so that adding
    /// one is O(1), not a shift of the whole list).
    source_events: Vec<Event>,
    /// The token indices of the cue verbs found before quotations, sorted.
    before_cue_set: Vec<usize>,
    /// For each head noun (folded, no article), the entities whose name or a role has it
    /// (shared with the memo while the entities stay the same).
    entity_heads: Arc<rustc_hash::FxHashMap<String, Vec<usize>>>,
    /// The indices of the sentence-end tokens ([`is_sentence_end`]), in order: built when
    /// [`Attributor::after`] first skips a quotation at once.
    sentence_ends: std::cell::OnceCell<Vec<usize>>,
    /// Entity id → index.
    entity_index: rustc_hash::FxHashMap<&'a str, usize>,
    /// One bit per token ([`token_bit`]): set when some speech quotation contains it (what
    /// [`SpanIndex::containing`] of `speech` would say), so that the common case — a token
    /// outside every quotation — costs one read instead of a binary search.
    in_speech_token: Vec<u64>,
    /// One bit per token: set when some quoted name contains it.
    in_name_token: Vec<u64>,
    /// The written subject of each cue verb whose [`Attributor::explicit_speaker`], computed
    /// while collecting the events, read no event: it is the same when the quotation is
    /// attributed, so it is not computed twice. (One that read the events is computed again:
    /// by then the list holds the verb's own event and the source events.)
    /// Pairs of the verb's token index and the index of its event in `events` (whose `who` is
    /// the subject), or `None` for no written subject; pushed in token order by
    /// [`Attributor::collect_events`], so sorted by token index (binary search).
    speaker_of_cue: Vec<(usize, Option<u32>)>,
    /// Set by every read of the events ([`Attributor::events_before`]).
    events_read: std::cell::Cell<bool>,
    /// Set by every read of the mentions by head noun ([`Attributor::resolve_definite`]'s look-up
    /// of the latest mention of an entity with a head noun, [`Doc::latest_mention_before`]).
    mentions_read: std::cell::Cell<bool>,
    /// Widened by every read of the events ([`Attributor::events_before`]) and of a cue
    /// verb's result ([`Attributor::cue_speaker`]).
    reads: std::cell::Cell<Reads>,
    /// The source events added since this was last emptied ([`Attributor::add_event`]).
    added: Vec<Event>,
}

/// For each head noun (folded, no article) of an entity's name or roles, the entities with it.
fn entity_heads(entities: &[crate::entities::Entity]) -> rustc_hash::FxHashMap<String, Vec<usize>> {
    let mut map: rustc_hash::FxHashMap<String, Vec<usize>> = Default::default();
    for (i, e) in entities.iter().enumerate() {
        let mut heads: Vec<String> = std::iter::once(head_noun(&e.name))
            .chain(e.roles.iter().map(|r| head_noun(r)))
            .collect();
        heads.sort();
        heads.dedup();
        for h in heads {
            map.entry(h).or_default().push(i);
        }
    }
    map
}

/// True when `new` (the memos of the cue verbs inside the zone, in order) are the memo's cue
/// verbs inside the zone, up to the shift.
fn same_cues(p: &Plan, new: &[(usize, CueMemo)], new_events: &[Event]) -> bool {
    let old_event =
        |i: &Option<u32>| i.map(|i| p.memo.events.get(i as usize).and_then(Option::as_ref));
    let new_event = |i: &Option<u32>| i.map(|i| new_events.get(i as usize));
    let same = |om: &CueMemo, nm: &CueMemo| match (om, nm) {
        (CueMemo::NotEvent, CueMemo::NotEvent) => true,
        (
            CueMemo::Event {
                read_events: ro,
                event: eo,
                ..
            },
            CueMemo::Event {
                read_events: rn,
                event: en,
                ..
            },
        ) => {
            ro == rn
                && match (old_event(eo), new_event(en)) {
                    (None, None) => true,
                    (Some(Some(o)), Some(Some(n))) => p.same_event(o, n),
                    _ => false,
                }
        }
        _ => false,
    };
    let old = p.zone_cues();
    old.len() == new.len()
        && old
            .iter()
            .zip(new)
            .all(|((oa, om), (na, nm))| p.map.old_to_new_at(*oa) == Some(*na) && same(om, nm))
}

/// One bit per token of `doc` (read with [`token_bit`]): set when a span of `spans` (sorted by
/// start, as [`SpanIndex`] keeps them) contains the token. Each span's token range (searched
/// forward from the previous span's, [`Doc::tokens_in_from`]) is set from where the ranges
/// before it ended, so a nested quotation adds no writes. The bits are written into `bits`
/// (emptied first: a buffer kept across edits, [`super::Buffers`]); a bit per token instead of
/// a `bool` writes an eighth of the memory on every edit (25 KB for 200,000 tokens).
fn tokens_inside(doc: &Doc, spans: &[Span], mut bits: Vec<u64>) -> Vec<u64> {
    bits.clear();
    bits.resize(doc.tokens.len().div_ceil(64), 0);
    let mut filled_to = 0;
    let mut hint = 0;
    for s in spans {
        let r = doc.tokens_in_from(*s, hint);
        hint = r.start;
        let from = r.start.max(filled_to);
        if from < r.end {
            set_token_bits(&mut bits, from, r.end);
            filled_to = r.end;
        }
    }
    bits
}

/// Sets the bits of tokens `from..to` in `bits` (64 tokens a word, token `i` at bit `i % 64`
/// of word `i / 64`); the words must cover `to`.
fn set_token_bits(bits: &mut [u64], from: usize, to: usize) {
    let mut i = from;
    while i < to {
        let (word, bit) = (i / 64, i % 64);
        let n = (64 - bit).min(to - i);
        let ones = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
        bits[word] |= ones << bit;
        i += n;
    }
}

/// Whether the bit of token `i` is set in `bits` ([`tokens_inside`]); false past the end.
fn token_bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

/// The cue verbs whose result (main-clause verb or not, its event) differs from the memo's
/// run: all of the zone's when the zone's cue events differ, and those outside the zone that
/// were computed again with another result (their offsets, new text, ascending).
#[derive(Default)]
struct CueChanges {
    zone: bool,
    at: Vec<usize>,
}

impl CueChanges {
    /// True when `reads` (new text) include a changed cue verb: `zone` is the plan's zone.
    fn touch(&self, zone: Span, reads: Reads) -> bool {
        (self.zone && reads.lo < zone.end && reads.hi >= zone.start) || reads.touch(&self.at)
    }
}

/// Attributes each of `speech` (speech quotations in document order); `names` are the quoted
/// names' spans. With `prev` — the memo of the attribution of an earlier version of the text
/// and the map of that text's byte offsets into `doc.text` — what the edit cannot have changed
/// is taken from the memo ([`super::memo`]); the result is the same either way. Returns the
/// attributions, in the order of `speech`, and the memo of this run.
pub(crate) fn attribute(
    doc: &Doc,
    lex: &Lexicon,
    paras: &[Span],
    speech: &[&Quoted],
    names: &[Span],
    prev: Option<(AttrMemo, EditMap)>,
    buffers: &mut super::Buffers,
) -> (Vec<Attribution>, AttrMemo) {
    let speech_index = SpanIndex::new(speech.iter().map(|q| q.span).collect());
    let names = SpanIndex::new(names.to_vec());
    let (mut planned, refused) = match prev
        .map(|(memo, map)| Plan::new(memo, map, doc, paras, &speech_index.spans, &names.spans))
    {
        Some(Ok(plan)) => (Some(plan), None),
        Some(Err(memo)) => (None, Some(memo)),
        None => (None, None),
    };
    let (keys, heads) = match &planned {
        Some(p) if p.same_entities() => (p.memo.entities.clone(), p.memo.entity_heads.clone()),
        _ => (
            memo::entity_keys(doc.entities),
            Arc::new(entity_heads(doc.entities)),
        ),
    };
    let mut a = Attributor {
        doc,
        lex,
        paras,
        in_speech_token: tokens_inside(
            doc,
            &speech_index.spans,
            std::mem::take(&mut buffers.in_speech_token),
        ),
        in_name_token: tokens_inside(
            doc,
            &names.spans,
            std::mem::take(&mut buffers.in_name_token),
        ),
        speech: speech_index,
        names,
        events: recycle(std::mem::take(&mut buffers.events)),
        source_events: Vec::new(),
        before_cue_set: Default::default(),
        entity_heads: heads,
        sentence_ends: std::cell::OnceCell::new(),
        entity_index: doc
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect(),
        speaker_of_cue: Default::default(),
        events_read: std::cell::Cell::new(false),
        mentions_read: std::cell::Cell::new(false),
        reads: std::cell::Cell::new(Reads::NONE),
        added: Vec::new(),
    };
    let (cue_memos, cue_changes, cues_reused) = a.collect_events(planned.as_mut());
    let plan = planned.as_ref();

    // The cue found before each quotation (it depends on the quotations only, not on the
    // speakers found so far): from the memo for a quotation outside the zone, else from the
    // tokens before it, which are kept for its attribution.
    let mut befores: Vec<Option<Vec<usize>>> = vec![None; speech.len()];
    let mut olds: Vec<Option<&QuoteMemo>> = vec![None; speech.len()];
    let mut before_cues: Vec<Option<usize>> = Vec::with_capacity(speech.len());
    // The cue tokens come in text order: each is searched from the last one found.
    let mut cue_hint = 0;
    for (k, q) in speech.iter().enumerate() {
        let old = plan
            .filter(|p| p.region(q.span) != Region::Inside)
            .and_then(|p| Some((p, p.quote(q.span)?)));
        let cached = old.and_then(|(p, m)| match m.before_cue {
            None => Some(None),
            Some((at, old_i)) => {
                let x = p.map.old_to_new_at(at)?;
                // Tokens outside the zone are the memo's, shifted by the number the edit
                // added or removed after it: the old index, moved so, is checked in O(1) to be
                // the first token starting at `x`; otherwise it is searched for.
                let moved = if x < p.zone.start {
                    Some(old_i)
                } else {
                    (old_i + doc.tokens.len()).checked_sub(p.memo.tokens)
                };
                let starts_at = |i: usize| i < doc.tokens.len() && doc.token_span(i).start == x;
                let i = match moved {
                    Some(g) if starts_at(g) && (g == 0 || doc.token_span(g - 1).start < x) => g,
                    _ => doc.token_at_or_after_from(x, cue_hint),
                };
                cue_hint = i;
                let start = (i < doc.tokens.len()).then(|| doc.token_span(i).start)?;
                (start == x).then_some(Some(i))
            }
        });
        olds[k] = old.map(|(_, m)| m);
        match cached {
            Some(c) => before_cues.push(c),
            None => {
                let b = a.before(q.span);
                before_cues.push(a.before_cue(&b));
                befores[k] = Some(b);
            }
        }
    }
    a.before_cue_set = before_cues.iter().flatten().copied().collect();
    // In quotation order, so nearly sorted already.
    a.before_cue_set.sort_unstable();

    let mut out = cleared(std::mem::take(&mut buffers.attributions), speech.len());
    let mut quote_memos = cleared(std::mem::take(&mut buffers.quote_memos), speech.len());
    let mut quotes_reused = 0;
    // Quotations attributed again, and the paragraphs they open in: a quotation inside one, or
    // after one in the same paragraph, reads its attribution, so it is attributed again too.
    let mut redone: rustc_hash::FxHashSet<Span> = Default::default();
    // The largest end among `redone`: a quotation ending after it lies in none of them.
    let mut redone_max_end = 0;
    let mut redone_paras: rustc_hash::FxHashSet<usize> = Default::default();
    // Offsets (new text) of the source events that differ from the memo's run: the zone's,
    // filled at the first quotation after the zone, then those of quotations after it that
    // were attributed again with other events.
    let mut source_changes: std::collections::BTreeSet<usize> = Default::default();
    let mut zone_sources_compared = false;
    for (k, q) in speech.iter().enumerate() {
        let para = a.para_of(q.open.start);
        let region = plan.map(|p| p.region(q.span));
        if let Some(p) = plan
            && region == Some(Region::After)
            && !zone_sources_compared
        {
            source_changes.extend(a.changed_source_events(p));
            zone_sources_compared = true;
        }
        let reusable = plan.and_then(|p| {
            let depends = redone_paras.contains(&para.start)
                || (redone_max_end >= q.span.end
                    && a.speech_containing(q.span).any(|s| redone.contains(s)));
            let m = olds[k].filter(|_| region != Some(Region::Inside) && !depends)?;
            // Attributed again when what it read changed: events or cue results in the range
            // it read, the entities' roles for a definite phrase, or — after the zone — the
            // mentions for a look-up by head noun.
            let r = p.reads(m.reads);
            let read_changed = !r.is_none()
                && (cue_changes.touch(p.zone, r)
                    || source_changes.range(r.lo..=r.hi).next().is_some());
            let changed = read_changed
                || r.heads & p.changed_heads != 0
                || (region == Some(Region::After) && m.read_mentions && !p.zone_mentions_same)
                || p.mentions_changed(q.span, m.read_mentions);
            if changed {
                return None;
            }
            let added: Option<Vec<Event>> = m.added.iter().map(|e| p.event(e)).collect();
            Some((
                p.attribution(&m.attr)?,
                added?,
                m.read_mentions,
                p.reads(m.reads),
            ))
        });
        if let Some((attr, added, read_mentions, reads)) = reusable {
            quotes_reused += 1;
            for e in &added {
                a.add_event(e.clone());
            }
            a.added.clear();
            quote_memos.push(QuoteMemo {
                span: q.span,
                attr: attr.clone(),
                before_cue: before_cues[k].map(|i| (doc.token_span(i).start, i)),
                added,
                read_mentions,
                reads,
            });
            out.push(attr);
            continue;
        }
        redone.insert(q.span);
        redone_max_end = redone_max_end.max(q.span.end);
        redone_paras.insert(para.start);
        a.added.clear();
        a.mentions_read.set(false);
        a.reads.set(Reads::NONE);
        let before = befores[k].take().unwrap_or_else(|| a.before(q.span));
        let mut attr = a.attribute_one(q, &before, before_cues[k]);
        if attr.speaker.is_none() && attr.cue.is_none() && q.parent.is_none() {
            // A quotation following another in the same paragraph with nothing of its own:
            // the same speaker goes on.
            let prev = (0..k)
                .rev()
                .take_while(|&j| speech[j].open.start >= para.start)
                .find(|&j| speech[j].parent.is_none());
            if let Some(j) = prev {
                attr.speaker = out[j].speaker.clone();
            }
        }
        if let Some(outer) = a.enclosing(q.span)
            && let Some(j) = (0..k)
                .rev()
                .take_while(|&j| speech[j].span.start >= outer.start)
                .find(|&j| speech[j].span == outer)
        {
            a.not_the_quoting_speaker(&mut attr, &out[j], speech[j].content);
        }
        let added = std::mem::take(&mut a.added);
        if let Some(p) = plan
            && region != Some(Region::Inside)
        {
            // Another result than the memo's: later quotations that read these events are
            // attributed again.
            let old = olds[k].map_or(&[][..], |m| m.added.as_slice());
            let same =
                old.len() == added.len() && old.iter().zip(&added).all(|(o, n)| p.same_event(o, n));
            if !same {
                source_changes.extend(added.iter().map(|e| e.at));
                source_changes.extend(old.iter().map(|e| p.offset(e.at)));
            }
        }
        quote_memos.push(QuoteMemo {
            span: q.span,
            attr: attr.clone(),
            before_cue: before_cues[k].map(|i| (doc.token_span(i).start, i)),
            added,
            read_mentions: a.mentions_read.get(),
            reads: a.reads.get(),
        });
        out.push(attr);
    }
    let cues = cue_memos.len();
    let memo = AttrMemo {
        text_len: doc.text.len(),
        tokens: doc.tokens.len(),
        entities: keys,
        entity_heads: a.entity_heads.clone(),
        paras: paras.to_vec(),
        // Set by the caller, which owns `doc` (moved, not copied).
        mentions: Vec::new(),
        speech: a.speech.spans.clone(),
        names: a.names.spans.clone(),
        cues: cue_memos,
        events: std::mem::take(&mut a.events)
            .into_iter()
            .map(Some)
            .collect(),
        quotes: quote_memos,
        name_decisions: Default::default(),
        stats: ReuseStats {
            cues_reused,
            cues,
            quotes_reused,
            quotes: speech.len(),
            // Set by the caller, which decides names.
            names_reused: 0,
            names: 0,
        },
    };
    buffers.in_speech_token = cleared(std::mem::take(&mut a.in_speech_token), 0);
    buffers.in_name_token = cleared(std::mem::take(&mut a.in_name_token), 0);
    drop(a);
    if let Some(old) = planned.map(|p| p.memo).or(refused.map(|m| *m)) {
        // The previous memo's vectors serve the next scan.
        let AttrMemo {
            events,
            quotes,
            mentions,
            name_decisions,
            ..
        } = old;
        buffers.events = events;
        buffers.quote_memos = quotes;
        buffers.mentions = mentions;
        buffers.name_decisions = name_decisions;
    }
    (out, memo)
}

impl Attributor<'_> {
    fn para_of(&self, offset: usize) -> Span {
        let i = self.paras.partition_point(|p| p.end < offset);
        self.paras
            .get(i)
            .copied()
            .unwrap_or(Span::new(0, self.doc.text.len()))
    }

    /// The speech quotations that contain `s`: those starting at or before it whose end
    /// reaches it (walks back while the running maximum of ends still reaches it).
    fn speech_containing(&self, s: Span) -> impl Iterator<Item = &Span> {
        self.speech.containing(s)
    }

    /// True when token `i` lies inside a speech quotation that does not contain `own`.
    fn in_other_speech(&self, i: usize, own: Option<Span>) -> bool {
        if !token_bit(&self.in_speech_token, i) {
            return false;
        }
        let s = self.doc.tokens[i].span;
        self.speech_containing(s)
            .any(|q| own.is_none_or(|o| !q.contains(o)))
    }

    /// The smallest start and the largest end (bytes) of the speech quotations that contain
    /// token `i` but not `own`; `None` when there is none ([`Attributor::in_other_speech`] is
    /// false). Every token between the start and token `i`, and every token from `i` that ends
    /// by the end, lies in one of them: a walk that skips other quotations token by token can
    /// skip those at once (linear, not quadratic, when an unclosed quotation runs to the end of
    /// a one-line text and holds every later one).
    fn other_speech_bounds(&self, i: usize, own: Span) -> Option<(usize, usize)> {
        if !token_bit(&self.in_speech_token, i) {
            return None;
        }
        self.speech_containing(self.doc.tokens[i].span)
            .filter(|q| !q.contains(own))
            .fold(None, |bounds, q| match bounds {
                None => Some((q.start, q.end)),
                Some((start, end)) => Some((q.start.min(start), q.end.max(end))),
            })
    }

    /// The index of the first sentence-end token at or after token `i` (the number of tokens
    /// when there is none).
    fn next_sentence_end(&self, i: usize) -> usize {
        let ends = self.sentence_ends.get_or_init(|| {
            (0..self.doc.tokens.len())
                .filter(|&j| is_sentence_end(&self.doc.tokens[j]))
                .collect()
        });
        ends.get(ends.partition_point(|&j| j < i))
            .copied()
            .unwrap_or(self.doc.tokens.len())
    }

    /// True when token `i` lies inside any speech quotation.
    fn in_speech(&self, i: usize) -> bool {
        token_bit(&self.in_speech_token, i)
    }

    /// The innermost speech quotation strictly containing `own`.
    fn enclosing(&self, own: Span) -> Option<Span> {
        self.speech_containing(own)
            .filter(|q| **q != own)
            .min_by_key(|q| q.len())
            .copied()
    }

    /// Tokens before `own` in its sentence, nearest first, skipping other quotations.
    fn before(&self, own: Span) -> Vec<usize> {
        let para = self.para_of(own.start);
        let floor = match self.enclosing(own) {
            Some(e) => e.start.max(para.start) + 1,
            None => self.introduced_by_colon(para, own).unwrap_or(para.start),
        };
        let mut out = Vec::new();
        let mut i = self.doc.token_at_or_after(own.start);
        while i > 0 && out.len() < BEFORE_WINDOW {
            i -= 1;
            let t = &self.doc.tokens[i];
            if t.span.start < floor {
                break;
            }
            if let Some((start, _)) = self.other_speech_bounds(i, own) {
                // Tokens from that quotation's start to `i` are skipped too: go on before them.
                i = self.doc.token_at_or_after(start).min(i);
                continue;
            }
            if is_sentence_end(t) {
                break;
            }
            out.push(i);
        }
        out
    }

    /// Inside a quotation the quoting speaker talks in the first person, so a third-person
    /// cue verb there (سألني، قال لي) has another subject: when the inner quotation's cue lies
    /// in the outer one's `content` and its speaker came out as the outer speaker, it becomes
    /// the latest other person mentioned before the cue in the outer quotation's paragraph
    /// (or nobody).
    fn not_the_quoting_speaker(&self, attr: &mut Attribution, outer: &Attribution, content: Span) {
        let (Some(cue), Some(inner), Some(quoting)) = (&attr.cue, &attr.speaker, &outer.speaker)
        else {
            return;
        };
        let same = match (&inner.entity, &quoting.entity) {
            (Some(a), Some(b)) => a == b,
            _ => inner.name == quoting.name,
        };
        if !same || !content.contains(cue.span) {
            return;
        }
        let para = self.para_of(content.start);
        attr.speaker = self
            .doc
            .mentions_starting_in(para.start, cue.span.start)
            .iter()
            .rev()
            .filter(|m| m.span.end <= cue.span.start)
            .filter(|m| self.doc.kind(m) == EntityKind::Person)
            .find(|m| match &quoting.entity {
                Some(id) => *self.doc.entities[m.entity].id != **id,
                None => true,
            })
            .map(|m| self.named_mention(m.span, m.entity).speaker());
    }

    /// When `own` opens its paragraph and the previous paragraph ends with a colon
    /// (وقال المحامي للصحفيين:⏎«…»), the previous paragraph's start: the cue is there.
    fn introduced_by_colon(&self, para: Span, own: Span) -> Option<usize> {
        let lead = self.doc.text.get(para.start..own.start)?;
        if !lead.chars().all(|c| c.is_whitespace() || is_ignorable(c)) {
            return None;
        }
        let i = self.paras.partition_point(|p| p.start < para.start);
        if self.paras.get(i) != Some(&para) {
            return None;
        }
        let prev = self.paras.get(i.checked_sub(1)?)?;
        prev.slice(self.doc.text)
            .trim_end_matches(|c: char| c.is_whitespace() || is_ignorable(c))
            .ends_with(':')
            .then_some(prev.start)
    }

    /// Tokens after `own` to its sentence's end, skipping other quotations.
    fn after(&self, own: Span) -> Vec<usize> {
        let para = self.para_of(own.end.saturating_sub(1));
        let ceiling = self
            .enclosing(own)
            .map_or(para.end, |e| e.end.min(para.end));
        let mut out = Vec::new();
        let mut i = self.doc.token_at_or_after(own.end);
        while i < self.doc.tokens.len() && out.len() < AFTER_WINDOW {
            let t = &self.doc.tokens[i];
            if t.span.end > ceiling || is_sentence_end(t) {
                break;
            }
            match self.other_speech_bounds(i, own) {
                None => out.push(i),
                Some((_, end)) if end <= ceiling => {
                    // The tokens up to that quotation's end are skipped too (none crosses the
                    // ceiling): go on after them, or at the first sentence end among them,
                    // which ends the walk.
                    let past =
                        i + 1 + self.doc.tokens[i + 1..].partition_point(|t| t.span.end <= end);
                    i = past.min(self.next_sentence_end(i + 1));
                    continue;
                }
                Some(_) => {}
            }
            i += 1;
        }
        out
    }

    fn is_cue(&self, i: usize) -> bool {
        let t = &self.doc.tokens[i];
        t.kind == TokenKind::Arabic && self.doc.cue(i).is_some()
    }

    fn cue_form(&self, i: usize) -> Option<CueForm> {
        self.doc.cue(i).map(|c| c.form)
    }

    /// The cue verb before the quotation: the nearest one, or — when it belongs to an earlier
    /// cue's subject phrase (وقال مصدر لم يكشف عن اسمه: «…»، وتابع قائلا: «…») — the first
    /// reporting verb of that chain: only words, no complementizer, between the two.
    fn before_cue(&self, before: &[usize]) -> Option<usize> {
        let k = before.iter().position(|&i| self.is_cue(i))?;
        let mut cue = before[k];
        let mut prev = before[k];
        for &j in &before[k + 1..] {
            let t = &self.doc.tokens[j];
            // A gap (a quotation skipped), punctuation or a complementizer ends the chain.
            if j + 1 != prev || !is_word(t) || self.class(j, WordClasses::COMPLEMENTIZER) {
                break;
            }
            if self.is_cue(j) && matches!(self.cue_form(j), Some(CueForm::Past | CueForm::Present))
            {
                cue = j;
            }
            prev = j;
        }
        Some(cue)
    }

    /// A cue verb right after the quotation (quote-first), not introducing another quotation.
    fn after_cue(&self, after: &[usize]) -> Option<usize> {
        let i = after.iter().copied().find(|&i| {
            let t = &self.doc.tokens[i];
            !(is_clause_end(t)
                || matches!(t.folded, "-" | "–" | "—")
                || self.lex.is_quote_first_filler(t.folded))
        })?;
        (self.is_cue(i) && self.before_cue_set.binary_search(&i).is_err()).then_some(i)
    }

    /// `before`: [`Self::before`] of the quotation; `before_cue`: [`Self::before_cue`] of it.
    fn attribute_one(
        &mut self,
        q: &Quoted,
        before: &[usize],
        before_cue: Option<usize>,
    ) -> Attribution {
        let after = if q.close.is_some() {
            self.after(q.span)
        } else {
            Vec::new()
        };
        let (cue, mut speaker) = match before_cue {
            Some(ci) => (Some(ci), self.cue_speaker(ci)),
            None => match self.after_cue(&after) {
                Some(ci) => (Some(ci), self.cue_speaker(ci)),
                None => match self.came_in(before) {
                    Some((ci, who)) => {
                        if let Some(w) = &who {
                            self.add_event(Event::new(
                                self.doc.tokens[ci].span.start,
                                w.clone(),
                                None,
                                String::new(),
                            ));
                        }
                        (Some(ci), who)
                    }
                    None => (None, None),
                },
            },
        };
        let mut cue_span = cue.map(|ci| self.doc.tokens[ci].span);
        let found = before
            .iter()
            .chain(after.iter())
            .find_map(|&i| self.source_at(i, q.span));
        let mut source = None;
        if let Some(m) = found {
            if speaker.is_none() && cue.is_none() {
                speaker = m.speaker.clone();
            }
            if cue_span.is_none() {
                cue_span = m.cue;
            }
            source = m.source;
        }
        let speaker = match speaker {
            Some(s) => Some(s),
            None if cue_span.is_some() => {
                let at = cue.map_or(q.span.start, |ci| self.doc.tokens[ci].span.start);
                self.unwritten_subject(at.min(q.span.start), cue)
            }
            None => {
                // «…»، بحسب الوزارة: the named source said it.
                let s = source.clone();
                if let Some(s) = &s {
                    self.add_event(Event::new(q.span.start, s.clone(), None, String::new()));
                }
                s
            }
        };
        Attribution {
            speaker: speaker.map(Named::speaker),
            cue: cue_span.map(|span| Cue { span }),
            source: source.map(Named::source),
        }
    }

    /// جاء/ورد + في before the quotation (nearest first in `before`): the cue, and the author of
    /// the document it came in — وجاء في بيان صادر عن X → X; أصدرت X بيانا جاء فيه → X, the
    /// subject of the issuing verb.
    fn came_in(&self, before: &[usize]) -> Option<(usize, Option<Named>)> {
        let toks = &self.doc.tokens;
        let ci = before.iter().copied().find(|&i| {
            self.lex.is_came_in(toks[i].folded)
                && toks
                    .get(i + 1)
                    .is_some_and(|t| self.lex.is_came_in_prep(t.folded))
        })?;
        let prep = toks[ci + 1].folded;
        if prep == "في" {
            let window: Vec<usize> = (ci + 2..toks.len().min(ci + 2 + SUBJECT_WINDOW))
                .take_while(|&j| {
                    let t = &toks[j];
                    is_word(t)
                        && !self.class(j, WordClasses::COMPLEMENTIZER)
                        && !self.is_cue(j)
                        && !self.in_speech(j)
                })
                .collect();
            let who = match window.first() {
                Some(&first) if self.is_document_word(first) => self.statement(&window),
                _ => None,
            };
            return Some((ci, who));
        }
        // أصدرت X بيانا جاء فيه: the subject of the issuing verb, up to the document noun.
        let mut who = None;
        for v in (ci.saturating_sub(SUBJECT_WINDOW)..ci).rev() {
            let t = &toks[v];
            if is_sentence_end(t) || is_clause_end(t) {
                break;
            }
            if self.lex.is_issue_verb(t.folded) {
                let subject: Vec<usize> = (v + 1..ci)
                    .take_while(|&j| is_word(&toks[j]) && !self.is_document_word(j))
                    .collect();
                if let (Some(&a), Some(&b)) = (subject.first(), subject.last()) {
                    let span = Span::new(toks[a].span.start, toks[b].span.end);
                    who = match self.doc.mentions_in(span).next() {
                        Some(m) => Some(self.named_mention(m.span, m.entity)),
                        None => self.phrase(&subject),
                    };
                }
                break;
            }
        }
        Some((ci, who))
    }

    fn add_event(&mut self, e: Event) {
        self.added.push(e.clone());
        // Quotations are attributed in document order: this is (almost always) a push.
        let i = self.source_events.partition_point(|x| x.at <= e.at);
        self.source_events.insert(i, e);
    }

    /// The events before byte `before`, latest first (both lists merged).
    fn events_before(&self, before: usize) -> impl Iterator<Item = &Event> {
        self.events_read.set(true);
        let reads = &self.reads;
        // Each event yielded was read, and the absence of any other after it; running out
        // read everything before `before`.
        let hi = before.saturating_sub(1);
        let mut a = self.events[..self.events.partition_point(|x| x.at < before)]
            .iter()
            .rev()
            .peekable();
        let mut b = self.source_events[..self.source_events.partition_point(|x| x.at < before)]
            .iter()
            .rev()
            .peekable();
        std::iter::from_fn(move || {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if y.at > x.at => b.next(),
                (Some(_), _) => a.next(),
                (None, _) => b.next(),
            };
            reads.set(reads.get().with(next.map_or(0, |e| e.at), hi));
            next
        })
    }

    /// The speaker of the latest event before byte `before`; with a gendered verb, the latest
    /// of the last [`GENDER_LOOKBACK`] events whose verb has the same gender, if any.
    fn previous_speaker(&self, before: usize, feminine: Option<bool>) -> Option<Named> {
        let same_gender = feminine.and_then(|f| {
            self.events_before(before)
                .take(GENDER_LOOKBACK)
                .find(|e| e.feminine == Some(f))
        });
        same_gender
            .or_else(|| self.events_before(before).next())
            .map(|e| e.who.clone())
    }

    /// Records every main-clause reporting verb with a written subject. With a `plan`, the
    /// cue verbs before the zone are taken from the memo, and those after it unless what they
    /// read changed: an event in the range their subject's computation read ([`Reads`]: the
    /// zone's when its cue events differ from the memo's, or one after it computed again with
    /// another result), or the mentions when they looked one up by head noun and the zone's
    /// mentions changed. Returns each cue-verb token's memo (by its start), the cue verbs whose
    /// result changed, and how many memos were reused.
    fn collect_events(
        &mut self,
        mut plan: Option<&mut Plan>,
    ) -> (Vec<(usize, CueMemo)>, CueChanges, usize) {
        // Only the tokens with a cue reading can be cue verbs (`is_cue`).
        let doc = self.doc;
        let cues: &[usize] = &doc.cue_tokens;
        let mut memos: Vec<(usize, CueMemo)> = Vec::with_capacity(cues.len());
        let mut reused = 0;
        // The cues from `split` on lie after the zone; those from `zone_from` to `split`
        // inside it.
        let split = plan.as_ref().map_or(cues.len(), |p| {
            cues.partition_point(|&i| self.doc.token_span(i).start < p.zone.end)
        });
        let mut zone_from = None;
        let mut changes = CueChanges::default();
        for (n, &i) in cues.iter().enumerate() {
            let span = self.doc.token_span(i);
            if n == split
                && let Some(p) = plan.as_deref()
            {
                let inside = &memos[zone_from.unwrap_or(memos.len())..];
                changes.zone = !same_cues(p, inside, &self.events);
            }
            let region = plan.as_deref().map(|p| p.region(span));
            let from_memo = plan.as_deref_mut().and_then(|p| {
                if region == Some(Region::Inside) {
                    zone_from.get_or_insert(memos.len());
                    return None;
                }
                match p.cue(span.start)? {
                    CueMemo::NotEvent => Some((CueMemo::NotEvent, None)),
                    CueMemo::Event {
                        read_events,
                        read_mentions,
                        reads,
                        event,
                    } => {
                        let reads = p.reads(reads);
                        let changed = (!reads.is_none() && changes.touch(p.zone, reads))
                            || reads.heads & p.changed_heads != 0
                            || (region == Some(Region::After)
                                && read_mentions
                                && !p.zone_mentions_same)
                            || p.mentions_changed(span, read_mentions);
                        if changed {
                            return None;
                        }
                        let event = match event {
                            Some(e) => Some(p.take_event(e)?),
                            None => None,
                        };
                        let memo = CueMemo::Event {
                            read_events,
                            read_mentions,
                            reads,
                            event: None,
                        };
                        Some((memo, event))
                    }
                }
            });
            let (mut entry, event) = match from_memo {
                Some(e) => {
                    reused += 1;
                    e
                }
                None => {
                    let (entry, event) = self.cue_memo(i);
                    if let Some(p) = plan.as_deref()
                        && region != Some(Region::Inside)
                        && !p.same_cue(span.start, &entry, event.as_ref())
                    {
                        changes.at.push(span.start);
                    }
                    (entry, event)
                }
            };
            if let CueMemo::Event {
                read_events,
                event: slot,
                ..
            } = &mut entry
            {
                if let Some(e) = event {
                    // Events come in document order, so earlier ones resolve later references.
                    *slot = Some(self.events.len() as u32);
                    self.events.push(e);
                }
                if !*read_events {
                    self.speaker_of_cue.push((i, *slot));
                }
            }
            memos.push((span.start, entry));
        }
        if split == cues.len()
            && let Some(p) = plan.as_deref()
        {
            let inside = &memos[zone_from.unwrap_or(memos.len())..];
            changes.zone = !same_cues(p, inside, &self.events);
        }
        (memos, changes, reused)
    }

    /// The events pass on the cue-verb token `i`: whether it is a main-clause reporting verb
    /// (its memo, with the event not yet numbered), and the event of its written subject.
    fn cue_memo(&mut self, i: usize) -> (CueMemo, Option<Event>) {
        if !self.is_cue(i) || self.in_other_speech(i, None) || self.is_embedded(i) {
            return (CueMemo::NotEvent, None);
        }
        self.events_read.set(false);
        self.mentions_read.set(false);
        self.reads.set(Reads::NONE);
        let speaker = self.explicit_speaker(i);
        let read_events = self.events_read.get();
        let read_mentions = self.mentions_read.get();
        let reads = self.reads.get();
        let event = speaker.map(|who| {
            let written_head = self
                .doc
                .tokens
                .get(i + 1)
                .filter(|t| is_word(t) && !self.class(i + 1, WordClasses::OBJECT_LAM))
                .map(|t| head_noun(t.span.slice(self.doc.text)))
                .unwrap_or_default();
            Event::new(
                self.doc.tokens[i].span.start,
                who,
                self.doc.cue(i).map(|c| c.feminine),
                written_head,
            )
        });
        (
            CueMemo::Event {
                read_events,
                read_mentions,
                reads,
                event: None,
            },
            event,
        )
    }

    /// The offsets (new text) where the source events added so far (every quotation before
    /// the zone's end has been attributed) differ from those the memo's run had added by the
    /// same point, up to the shift: events of either run that the other lacks, both ends of
    /// an event that changed.
    fn changed_source_events(&self, p: &Plan) -> std::collections::BTreeSet<usize> {
        let mut old: Vec<&Event> = p
            .memo
            .quotes
            .iter()
            .take_while(|q| q.span.start < p.old_zone.end)
            .flat_map(|q| &q.added)
            .collect();
        // `add_event` keeps them sorted by offset, equal offsets in the order added.
        old.sort_by_key(|e| e.at);
        let new = &self.source_events;
        let mut changed = std::collections::BTreeSet::new();
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new.len() {
            let o = old.get(i).map(|e| (p.offset(e.at), *e));
            match (o, new.get(j)) {
                (Some((oa, o)), Some(n)) if oa == n.at => {
                    if !p.same_event(o, n) {
                        changed.insert(oa);
                    }
                    (i, j) = (i + 1, j + 1);
                }
                (Some((oa, _)), Some(n)) if oa < n.at => {
                    changed.insert(oa);
                    i += 1;
                }
                (Some((oa, _)), None) => {
                    changed.insert(oa);
                    i += 1;
                }
                (_, Some(n)) => {
                    changed.insert(n.at);
                    j += 1;
                }
                (None, None) => break,
            }
        }
        changed
    }

    /// The speaker of a verb with no written subject at byte `at` (a cue verb at token `cue`,
    /// if any): the subject of the sentence's main clause when one is written before the verb
    /// (أبدى المدرب فلان أسفه، وقال: «…»), else the previous speaker.
    fn unwritten_subject(&self, at: usize, cue: Option<usize>) -> Option<Named> {
        let feminine = cue.and_then(|ci| self.doc.cue(ci)).map(|c| c.feminine);
        self.sentence_subject(at)
            .or_else(|| self.previous_speaker(at, feminine))
    }

    /// The first person mention of the sentence before byte `at` that is not inside a
    /// complement clause, a quotation or a quoted name, when it comes after the previous
    /// speaker event.
    fn sentence_subject(&self, at: usize) -> Option<Named> {
        let para = self.para_of(at);
        let end = self.doc.token_at_or_after(at);
        let mut start = end;
        // Bounded like the cue window, so that a paragraph with no sentence mark stays linear.
        while start > 0 && end - start < 2 * BEFORE_WINDOW {
            let t = &self.doc.tokens[start - 1];
            if t.span.start < para.start
                || (is_sentence_end(t) && !self.in_other_speech(start - 1, None))
            {
                break;
            }
            start -= 1;
        }
        let from = self.doc.tokens.get(start).map_or(at, |t| t.span.start);
        let last_event = self.events_before(at).next().map(|e| e.at);
        self.doc
            .mentions_starting_in(from, at)
            .iter()
            .filter(|m| m.span.end <= at)
            .filter(|m| last_event.is_none_or(|e| m.span.start > e))
            .filter(|m| self.doc.kind(m) == EntityKind::Person)
            .find(|m| {
                let i = self.doc.token_at_or_after(m.span.start);
                i < self.doc.tokens.len()
                    && !self.in_other_speech(i, None)
                    && !self.in_name(i)
                    && !self.is_embedded(i)
            })
            .map(|m| self.named_mention(m.span, m.entity))
    }

    /// A speaker written as a definite noun phrase (الوزير، الوزارة، المصدر، البيان) refers
    /// back: to an earlier speaker or entity whose name or role has the same head noun, or —
    /// for a document noun (البيان) — to the previous speaker. The range stays the words written.
    fn resolve_definite(&self, named: Named, at: usize) -> Named {
        let words: Vec<String> = named.name.split_whitespace().map(fold_str).collect();
        let Some(head) = words.first().and_then(|w| w.strip_prefix("ال")) else {
            return named;
        };
        if words.len() > 3 || head.chars().count() < 2 {
            return named;
        }
        // Reads the entities with this head noun (in their names or roles).
        let reads = self.reads.get();
        self.reads.set(Reads {
            heads: reads.heads | super::memo::head_bit(head),
            ..reads
        });
        let span = named.span;
        let refer = |who: &Named| Named {
            name: who.name.clone(),
            entity: who.entity.clone(),
            span,
        };
        if self.lex.is_document_noun(head) {
            // البيان speaks for its issuer: an organization that spoke before, not a person.
            return self
                .previous_speaker(at, None)
                .filter(|w| !self.is_person(w))
                .map_or(named, |w| refer(&w));
        }
        let earlier_speaker = self.events_before(at).take(DEFINITE_LOOKBACK).find(|e| {
            e.who_head == head
                || e.written_head == head
                || e.who
                    .entity
                    .as_ref()
                    .is_some_and(|id| self.entity_has_head(id, head))
        });
        if let Some(e) = earlier_speaker {
            return refer(&e.who);
        }
        // The latest mention, before the phrase, of an entity with that head noun.
        self.mentions_read.set(true);
        let entity = self
            .entity_heads
            .get(head)
            .and_then(|es| self.doc.latest_mention_before(es, named.span.start));
        match entity {
            Some(e) => {
                let e = &self.doc.entities[e];
                Named {
                    name: e.name.as_str().into(),
                    entity: Some(e.id.as_str().into()),
                    span: named.span,
                }
            }
            None => named,
        }
    }

    /// True when the entity `id`'s name or one of its roles has the head noun `head`.
    fn entity_has_head(&self, id: &str, head: &str) -> bool {
        self.entity_index.get(id).is_some_and(|&i| {
            self.entity_heads
                .get(head)
                .is_some_and(|es| es.contains(&i))
        })
    }

    /// True when the cue verb at `i` sits in a complement clause (أن الرئيس أكد…): then its
    /// subject is not the paragraph's speaker.
    fn is_embedded(&self, i: usize) -> bool {
        if self.lex.cue_has_conjunction(self.doc.tokens[i].folded) {
            return false;
        }
        let para = self.para_of(self.doc.tokens[i].span.start);
        for j in (0..i).rev().take(BEFORE_WINDOW) {
            let t = &self.doc.tokens[j];
            if t.span.start < para.start || is_sentence_end(t) || is_clause_end(t) {
                return false;
            }
            if self.in_other_speech(j, None) {
                continue;
            }
            if self.class(j, WordClasses::CONNECTOR) {
                return false;
            }
            if self.class(j, WordClasses::COMPLEMENTIZER) {
                return true;
            }
        }
        false
    }

    /// [`Attributor::explicit_speaker`] of the cue verb at `ci`, from `speaker_of_cue` when
    /// the events pass kept it.
    fn cue_speaker(&self, ci: usize) -> Option<Named> {
        let at = self.doc.token_span(ci).start;
        self.reads.set(self.reads.get().with(at, at));
        let known = self
            .speaker_of_cue
            .binary_search_by_key(&ci, |&(i, _)| i)
            .map(|k| self.speaker_of_cue[k].1);
        match known {
            Ok(Some(e)) => self.events.get(e as usize).map(|e| e.who.clone()),
            Ok(None) => None,
            Err(_) => self.explicit_speaker(ci),
        }
    }

    /// The written subject of the cue verb at `ci` (VSO, then SVO), if any.
    fn explicit_speaker(&self, ci: usize) -> Option<Named> {
        match self.cue_form(ci) {
            Some(CueForm::Participle | CueForm::Plural) | None => None,
            // A phrase after the verb yields to a mention written right before it (إدريس يقول
            // لطلابه "…": the mention is the subject, لطلابه the addressee).
            Some(_) => match self.vso(ci) {
                Some(v) if v.entity.is_none() => {
                    Some(self.svo(ci).filter(|s| s.entity.is_some()).unwrap_or(v))
                }
                Some(v) => Some(v),
                None => self.svo(ci),
            },
        }
    }

    /// True when a token starts a source phrase (so a subject ends before it).
    fn starts_source(&self, i: usize) -> bool {
        if !self.may_start_source(i) {
            return false;
        }
        let f = self.doc.tokens[i].folded;
        let lam_name = f == "ل"
            && self
                .doc
                .tokens
                .get(i + 1)
                .is_some_and(|n| self.names.starts_at(n.span.start));
        lam_name
            || self.lex.is_lam_media(f)
            || self.lex.is_relay(f)
            || self
                .lex
                .sources_starting(f)
                .any(|s| self.phrase_matches(i, &s.words))
    }

    /// True when token `i` has every class of `bits` ([`WordClasses`], read from the
    /// paragraph stage's cached flags).
    fn class(&self, i: usize, bits: u8) -> bool {
        self.doc.class(i, bits)
    }

    fn may_start_source(&self, i: usize) -> bool {
        self.class(i, WordClasses::SOURCE_START)
    }

    fn phrase_matches(&self, i: usize, words: &[String]) -> bool {
        words.iter().enumerate().all(|(k, w)| {
            self.doc.tokens.get(i + k).is_some_and(|t| {
                t.folded == *w || (k == 0 && t.folded.strip_prefix('و') == Some(w.as_str()))
            })
        })
    }

    fn in_name(&self, i: usize) -> bool {
        token_bit(&self.in_name_token, i)
    }

    /// The subject written after the verb at `ci`.
    fn vso(&self, ci: usize) -> Option<Named> {
        let para = self.para_of(self.doc.tokens[ci].span.start);
        let cue_span = self.doc.tokens[ci].span;
        let mut window = Vec::new();
        let mut stop = None;
        for j in ci + 1..self.doc.tokens.len() {
            let t = &self.doc.tokens[j];
            // A quotation other than one holding the verb ends the subject (inside a quotation,
            // قال لي الوزير: "…" has its subject inside it too).
            if t.span.end > para.end
                || window.len() >= SUBJECT_WINDOW
                || self.in_other_speech(j, Some(cue_span))
            {
                break;
            }
            if is_symbol(t) {
                continue;
            }
            if window.is_empty() && self.class(j, WordClasses::OBJECT_LAM) {
                // قال لي الوزير: the object pronoun, then the subject.
                continue;
            }
            if !window.is_empty() && self.class(j, WordClasses::CLAUSE_OPENER) {
                // قال مصدر دبلوماسي لم يكشف عن اسمه: a relative or verbal clause follows.
                break;
            }
            if t.kind == TokenKind::Punct {
                if matches!(t.folded, "(" | ")") || self.in_name(j) {
                    window.push(j);
                    continue;
                }
                stop = Some(j);
                break;
            }
            if self.class(j, WordClasses::COMPLEMENTIZER) || self.is_cue(j) || self.starts_source(j)
            {
                break;
            }
            window.push(j);
        }
        let (&first, &last) = (window.first()?, window.last()?);
        if self.is_document_word(first) {
            // وقال بيان للحكومة إن…، وقال بيان صادر عن الشركة إن…
            return self.statement(&window);
        }
        // A name in apposition between commas: قالت مديرة الشركة، سارة، إن…
        let apposition = stop.and_then(|j| self.apposition(j));
        if let Some(app) = &apposition {
            let span = Span::new(
                self.doc.tokens[app[0]].span.start,
                self.doc.tokens[app[app.len() - 1]].span.end,
            );
            if let Some(m) = self
                .doc
                .mentions_in(span)
                .find(|m| self.doc.kind(m) == EntityKind::Person)
                && !self
                    .doc
                    .mentions_in(Span::new(
                        self.doc.tokens[first].span.start,
                        self.doc.tokens[last].span.end,
                    ))
                    .any(|m| self.doc.kind(m) == EntityKind::Person)
            {
                return Some(self.named_mention(m.span, m.entity));
            }
        }
        let span = Span::new(
            self.doc.tokens[first].span.start,
            self.doc.tokens[last].span.end,
        );
        if let Some(m) = self
            .doc
            .mentions_in(span)
            .find(|m| self.doc.kind(m) == EntityKind::Person)
        {
            return Some(self.named_mention(m.span, m.entity));
        }
        let words: Vec<usize> = window
            .iter()
            .copied()
            .filter(|&j| is_word(&self.doc.tokens[j]))
            .collect();
        if let Some(&head) = words.get(1).or(words.first()) {
            let head_end = self.doc.tokens[head].span.end;
            if let Some(m) = self.doc.mentions_in(span).find(|m| m.span.start < head_end) {
                return Some(self.named_mention(m.span, m.entity));
            }
        }
        if let Some(named) = apposition.and_then(|app| self.phrase(&app)) {
            return Some(named);
        }
        let at = self.doc.tokens[ci].span.start;
        self.phrase(&window).map(|n| self.resolve_definite(n, at))
    }

    /// True when token `i` is a document noun (بيان، البيان، بيانا، وبيان).
    fn is_document_word(&self, i: usize) -> bool {
        let f = self.doc.tokens[i].folded;
        let f = f
            .strip_prefix('و')
            .filter(|w| w.chars().count() >= 3)
            .unwrap_or(f);
        let f = f.strip_prefix("ال").unwrap_or(f);
        let f = f
            .strip_suffix('ا')
            .filter(|w| self.lex.is_document_noun(w))
            .unwrap_or(f);
        self.lex.is_document_noun(f)
    }

    /// The speaker of a statement phrase starting at `window[0]` (a document noun): its issuer
    /// when written — بيان صادر عن X → X, بيان لـX → X when X is a recognised entity — else
    /// the phrase itself (بيان للحكومة، البيان). A definite البيان refers back to the previous
    /// speaker when that one is not a person (أصدرت الوزارة بيانا… وقال البيان).
    fn statement(&self, window: &[usize]) -> Option<Named> {
        let own = Span::new(0, 0);
        let toks = &self.doc.tokens;
        for (k, &j) in window.iter().enumerate().skip(1).take(2) {
            let f = toks[j].folded;
            if self.lex.is_issued_by(f)
                && let Some(&from) = window.get(k + 1)
                && self.lex.is_relay_from(toks[from].folded)
                && let Some(&next) = window.get(k + 2)
            {
                let stop = window.last().map(|&l| l + 1);
                return self
                    .named_at(toks[next].span.start, next, stop, own)
                    .or_else(|| self.phrase(window));
            }
            if k == 1 && f.starts_with('ل') && !self.lex.is_recipient(f) {
                let start = self.after_lam(j);
                if let Some(m) = self
                    .doc
                    .mentions_starting_in(start, toks[j].span.end)
                    .iter()
                    .find(|m| self.doc.kind(m) != EntityKind::Person)
                {
                    return Some(self.named_mention(m.span, m.entity));
                }
            }
        }
        let named = self.phrase(window)?;
        let definite = toks[window[0]]
            .folded
            .trim_start_matches('و')
            .starts_with("ال");
        if definite && named.span == toks[window[0]].span {
            let at = toks[window[0]].span.start;
            if let Some(prev) = self.previous_speaker(at, None)
                && !self.is_person(&prev)
            {
                return Some(Named {
                    name: prev.name,
                    entity: prev.entity,
                    span: named.span,
                });
            }
        }
        Some(named)
    }

    /// True when `n` is linked to a person entity.
    fn is_person(&self, n: &Named) -> bool {
        n.entity
            .as_ref()
            .and_then(|id| self.entity_index.get(&**id))
            .is_some_and(|&i| self.doc.entities[i].kind == EntityKind::Person)
    }

    /// The words between the comma at token `comma` and a second comma followed by إن/أن, a
    /// colon or a quotation (one to four words): an apposition naming the subject.
    fn apposition(&self, comma: usize) -> Option<Vec<usize>> {
        if !is_clause_end(&self.doc.tokens[comma]) {
            return None;
        }
        let mut words = Vec::new();
        for j in comma + 1..self.doc.tokens.len().min(comma + 6) {
            let t = &self.doc.tokens[j];
            if is_clause_end(t) {
                let next = self.doc.tokens.get(j + 1)?;
                let introduces = next.folded == ":"
                    || self.class(j + 1, WordClasses::COMPLEMENTIZER)
                    || self.speech.starts_at(next.span.start);
                return (introduces && !words.is_empty()).then_some(words);
            }
            if !is_word(t) || self.class(j, WordClasses::COMPLEMENTIZER) || self.is_cue(j) {
                return None;
            }
            words.push(j);
        }
        None
    }

    /// The subject written before the verb at `ci`: أما فلان فقال, or a mention ending right
    /// before a verb without the conjunction و.
    fn svo(&self, ci: usize) -> Option<Named> {
        let verb = self.doc.tokens[ci].folded;
        if verb.starts_with('ف') && self.lex.cue_has_conjunction(verb) {
            let start = (0..ci)
                .rev()
                .take(SUBJECT_WINDOW)
                .take_while(|&j| !is_sentence_end(&self.doc.tokens[j]))
                .find(|&j| matches!(self.doc.tokens[j].folded, "اما" | "واما"))?;
            let window: Vec<usize> = (start + 1..ci).collect();
            let (&first, &last) = (window.first()?, window.last()?);
            let span = Span::new(
                self.doc.tokens[first].span.start,
                self.doc.tokens[last].span.end,
            );
            let mentions: Vec<_> = self.doc.mentions_in(span).collect();
            if let Some(m) = mentions
                .iter()
                .find(|m| self.doc.kind(m) == EntityKind::Person)
            {
                return Some(self.named_mention(m.span, m.entity));
            }
            // أما مديرة الشركة، سارة، فقالت: the name between the last two commas.
            if is_clause_end(&self.doc.tokens[last]) {
                let app: Vec<usize> = window[..window.len() - 1]
                    .iter()
                    .rev()
                    .take_while(|&&j| !is_clause_end(&self.doc.tokens[j]))
                    .copied()
                    .collect();
                let opened = window.len() > app.len() + 1;
                if opened
                    && (1..=4).contains(&app.len())
                    && let Some(named) = self.phrase(&app.into_iter().rev().collect::<Vec<_>>())
                {
                    return Some(named);
                }
            }
            if let Some(m) = mentions.first() {
                return Some(self.named_mention(m.span, m.entity));
            }
            let at = self.doc.tokens[ci].span.start;
            return self.phrase(&window).map(|n| self.resolve_definite(n, at));
        }
        if self.lex.cue_has_conjunction(verb) {
            return None;
        }
        let prev = ci.checked_sub(1)?;
        let end = self.doc.tokens[prev].span.end;
        if let Some(m) = self
            .doc
            .mentions_near(Span::new(end.saturating_sub(1), end))
            .iter()
            .find(|m| m.span.end == end && self.doc.kind(m) != EntityKind::Misc)
        {
            return Some(self.named_mention(m.span, m.entity));
        }
        self.title_subject(ci)
    }

    /// A title phrase written right before the verb at `ci` as its subject, with no name: فإن
    /// الرئيس الصيني قال إن…، والوزيرة البريطانية قالت: «…». The phrase runs from the clause's
    /// start (the paragraph or sentence start, a comma, إن/أن or a connector) to the verb, at
    /// most [`SVO_TITLE_WORDS`] words, and its first word (after the conjunction و or ف) is a
    /// title of `data/lexicon/titles.txt`. The title's gender must agree with the verb's
    /// (الوزيرة … قالت; الوزير … قالت is rejected). The range leaves out the conjunction. A
    /// title alone (الوزير قال) refers back like a definite VSO subject; with modifiers, only
    /// to a referent whose name or role holds every modifier (الرئيس الصيني is not an earlier
    /// الرئيس الأمريكي).
    fn title_subject(&self, ci: usize) -> Option<Named> {
        let toks = &self.doc.tokens;
        let para = self.para_of(toks[ci].span.start);
        let mut start = ci;
        while start > 0 {
            let j = start - 1;
            let t = &toks[j];
            if t.span.start < para.start
                || !is_word(t)
                || self.class(j, WordClasses::COMPLEMENTIZER)
                || self.class(j, WordClasses::CONNECTOR)
                || self.is_cue(j)
                || self.in_other_speech(j, None)
                || self.in_name(j)
            {
                break;
            }
            if ci - j > SVO_TITLE_WORDS {
                return None;
            }
            start = j;
        }
        if start == ci {
            return None;
        }
        // The token before the phrase must end a clause (or there is none in the paragraph).
        if let Some(b) = start.checked_sub(1) {
            let t = &toks[b];
            let boundary = t.span.start < para.start
                || is_sentence_end(t)
                || is_clause_end(t)
                || t.folded == ":"
                || self.class(b, WordClasses::COMPLEMENTIZER)
                || self.class(b, WordClasses::CONNECTOR);
            if !boundary {
                return None;
            }
        }
        let titles = &crate::entities::lexicon::Lexicon::get().titles;
        let first = toks[start].folded;
        let conj = ['و', 'ف']
            .iter()
            .find_map(|c| first.strip_prefix(*c))
            .filter(|w| w.chars().count() >= 2);
        let (title, stripped) = [(first, false)]
            .into_iter()
            .chain(conj.map(|w| (w, true)))
            .find(|(w, _)| {
                titles.get(*w) == Some(&1)
                    || toks.get(start + 1).is_some_and(|n| {
                        start + 1 < ci && titles.get(&format!("{w} {}", n.folded)) == Some(&2)
                    })
            })?;
        if let Some(cue) = self.doc.cue(ci)
            && title.ends_with('ه') != cue.feminine
        {
            return None;
        }
        let mut from = toks[start].span.start;
        if stripped {
            // Skip the conjunction's letter and any diacritic on it.
            let written = toks[start].span.slice(self.doc.text);
            let skip = written
                .char_indices()
                .skip(1)
                .find(|(_, c)| !is_ignorable(*c))
                .map_or(0, |(k, _)| k);
            from += skip;
        }
        let span = Span::new(from, toks[ci - 1].span.end);
        let named = Named {
            name: span.slice(self.doc.text).into(),
            entity: None,
            span,
        };
        let modifiers: Vec<String> = named
            .name
            .split_whitespace()
            .skip(1)
            .map(fold_str)
            .collect();
        let resolved = self.resolve_definite(named.clone(), toks[ci].span.start);
        if modifiers.is_empty() || resolved.entity.is_none() && resolved.name == named.name {
            return Some(resolved);
        }
        // Reads every role of the entity resolved to.
        self.reads.set(Reads {
            heads: super::memo::ALL_HEADS,
            ..self.reads.get()
        });
        // Keep the referent only when it carries every modifier (in its name or a role).
        let mut written = fold_str(&resolved.name);
        if let Some(e) = resolved
            .entity
            .as_ref()
            .and_then(|id| self.entity_index.get(&**id))
            .map(|&i| &self.doc.entities[i])
        {
            for r in &e.roles {
                written.push(' ');
                written.push_str(&fold_str(r));
            }
        }
        let words: Vec<&str> = written.split_whitespace().collect();
        if modifiers.iter().all(|m| words.contains(&m.as_str())) {
            Some(resolved)
        } else {
            Some(named)
        }
    }

    fn named_mention(&self, span: Span, entity: usize) -> Named {
        let e = &self.doc.entities[entity];
        Named {
            name: e.name.as_str().into(),
            entity: Some(e.id.as_str().into()),
            span,
        }
    }

    /// A speaker or source written without a recognised name: the words from the window's
    /// start up to an adjunct (اليوم، خلال…), a recipient (للصحفيين، لوكالة…) or punctuation.
    /// Other لـ words stay (المدير العام للأرصاد الجوية): they are part of a title.
    fn phrase(&self, window: &[usize]) -> Option<Named> {
        let mut words: Vec<usize> = Vec::new();
        for &j in window {
            let t = &self.doc.tokens[j];
            if is_symbol(t) {
                continue;
            }
            if !is_word(t) {
                break;
            }
            let f = t.folded;
            let adjunct = if words.is_empty() {
                self.lex.is_adjunct_as_written(f) && !self.is_document_word(j)
            } else {
                self.lex.is_adjunct(f)
            };
            if f == "ل"
                || adjunct
                || (!words.is_empty() && self.lex.is_clause_opener(f))
                || (!words.is_empty() && (self.lex.is_recipient(f) || self.lex.is_lam_media(f)))
            {
                break;
            }
            words.push(j);
            if words.len() >= PHRASE_WORDS {
                break;
            }
        }
        while let Some(&last) = words.last() {
            if matches!(self.doc.tokens[last].folded, "في" | "من" | "و" | "ب") {
                words.pop();
            } else {
                break;
            }
        }
        let (&first, &last) = (words.first()?, words.last()?);
        let span = Span::new(
            self.doc.tokens[first].span.start,
            self.doc.tokens[last].span.end,
        );
        Some(Named {
            name: span.slice(self.doc.text).into(),
            entity: None,
            span,
        })
    }

    /// The source phrase starting at token `i`, if any.
    fn source_at(&self, i: usize, own: Span) -> Option<SourceMatch> {
        let t = &self.doc.tokens[i];
        if t.kind != TokenKind::Arabic || self.in_name(i) || !self.may_start_source(i) {
            return None;
        }
        if self.lex.is_relay(t.folded) {
            let from = (i + 1..self.doc.tokens.len())
                .take(SUBJECT_WINDOW)
                .take_while(|&j| !self.is_boundary(j, own))
                .find(|&j| self.lex.is_relay_from(self.doc.tokens[j].folded))?;
            let source = self.named_at(
                self.doc.tokens.get(i + 1)?.span.start,
                i + 1,
                Some(from),
                own,
            );
            let speaker = self
                .doc
                .tokens
                .get(from + 1)
                .and_then(|t| self.named_at(t.span.start, from + 1, None, own))
                .map(|n| match n.entity {
                    Some(_) => n,
                    None => self.resolve_definite(n, t.span.start),
                });
            return Some(SourceMatch {
                source,
                speaker,
                cue: Some(t.span),
            });
        }
        if t.folded == "ل"
            && let Some(next) = self.doc.tokens.get(i + 1)
            && self.names.starts_at(next.span.start)
        {
            // قال لـ«الصحيفة»: the outlet he spoke to.
            return Some(SourceMatch {
                source: self.named_at(next.span.start, i + 1, None, own),
                speaker: None,
                cue: None,
            });
        }
        if self.lex.is_lam_media(t.folded) {
            let start = self.after_lam(i);
            return Some(SourceMatch {
                source: self.named_at(start, i, None, own),
                speaker: None,
                cue: None,
            });
        }
        let phrase = self.lex.sources_starting(t.folded).find(|s| {
            self.phrase_matches(i, &s.words) && (!s.lam || self.lam_at(i + s.words.len()))
        })?;
        let n = phrase.words.len();
        if !phrase.takes_name {
            let last = self.doc.tokens[i + n - 1].span;
            return Some(SourceMatch {
                source: None,
                speaker: None,
                cue: Some(Span::new(t.span.start, last.end)),
            });
        }
        let (start, next) = if phrase.lam {
            let l = i + n;
            if self.doc.tokens[l].folded == "ل" {
                (self.doc.tokens.get(l + 1)?.span.start, l + 1)
            } else {
                (self.after_lam(l), l)
            }
        } else {
            (self.doc.tokens.get(i + n)?.span.start, i + n)
        };
        Some(SourceMatch {
            source: self.named_at(start, next, None, own),
            speaker: None,
            cue: None,
        })
    }

    fn is_boundary(&self, j: usize, own: Span) -> bool {
        let t = &self.doc.tokens[j];
        is_sentence_end(t) || t.span.start >= own.start && t.span.end <= own.end
    }

    /// Token `i` is the preposition lām, alone (لـ) or joined to a word (لوكالة).
    fn lam_at(&self, i: usize) -> bool {
        self.doc.tokens.get(i).is_some_and(|t| {
            t.kind == TokenKind::Arabic
                && (t.folded == "ل" || (t.folded.starts_with('ل') && t.folded.chars().count() >= 3))
        })
    }

    /// The byte offset just after the lām (and a و before it) that starts token `i`.
    fn after_lam(&self, i: usize) -> usize {
        let t = self.doc.tokens[i].span;
        let word = t.slice(self.doc.text);
        let mut seen_lam = false;
        for (k, c) in word.char_indices() {
            if is_ignorable(c) {
                continue;
            }
            if seen_lam {
                return t.start + k;
            }
            if c == 'ل' {
                seen_lam = true;
            } else if c != 'و' {
                return t.start + k;
            }
        }
        t.end
    }

    /// The source or speaker named from byte `start` (inside token `next` or at its start): a
    /// quoted name within three tokens, else a mention starting there, else the words as
    /// written. `stop` bounds the search (exclusive token index).
    fn named_at(&self, start: usize, next: usize, stop: Option<usize>, own: Span) -> Option<Named> {
        let end_tok = stop.unwrap_or(self.doc.tokens.len()).min(next + 4);
        // وفقا لنص مقابلة بثتها شبكة "…": past a document noun the outlet may come later.
        let head = self
            .doc
            .text
            .get(start..self.doc.tokens.get(next)?.span.end)
            .map(fold_str);
        let reach = match head.as_deref().map(|h| h.strip_prefix("ال").unwrap_or(h)) {
            Some(h) if self.lex.is_document_noun(h) || self.lex.is_adjunct(h) => next + 8,
            _ => end_tok,
        };
        let reach = stop.map_or(reach, |s| reach.min(s));
        let sentence_end = (next..reach.min(self.doc.tokens.len()))
            .find(|&j| is_sentence_end(&self.doc.tokens[j]) || is_clause_end(&self.doc.tokens[j]))
            .unwrap_or(reach);
        let reach = if reach > end_tok { sentence_end } else { reach };
        // The first quoted name whose first token is in `next..reach`.
        let tokens = &self.doc.tokens;
        let from = next.checked_sub(1).map_or(0, |j| {
            tokens.get(j).map_or(usize::MAX, |t| t.span.start + 1)
        });
        let to = match reach.checked_sub(1) {
            None => 0,
            Some(j) => tokens.get(j).map_or(usize::MAX, |t| t.span.start + 1),
        };
        if let Some(n) = self.names.starting_in(from, to).first() {
            let inner = self.doc.tokens_in(*n);
            let words: Vec<usize> = inner.filter(|&j| is_word(&self.doc.tokens[j])).collect();
            if let (Some(&a), Some(&b)) = (words.first(), words.last()) {
                let span = Span::new(self.doc.tokens[a].span.start, self.doc.tokens[b].span.end);
                return Some(match self.doc.mention_overlapping(span) {
                    Some(m) => self.named_mention(span, m.entity),
                    None => Named {
                        name: span.slice(self.doc.text).into(),
                        entity: None,
                        span,
                    },
                });
            }
        }
        let limit = self
            .doc
            .tokens
            .get(end_tok.saturating_sub(1).min(next + 2))
            .map_or(start, |t| t.span.end);
        if let Some(m) = self
            .doc
            .mentions_starting_in(start, limit)
            .iter()
            .find(|m| !own.contains(m.span))
        {
            return Some(self.named_mention(m.span, m.entity));
        }
        let phrase_end = stop.unwrap_or(usize::MAX).min(next + PHRASE_WORDS);
        let window: Vec<usize> = (next..phrase_end.min(self.doc.tokens.len()))
            .take_while(|&j| {
                let t = &self.doc.tokens[j];
                is_word(t)
                    && !self.class(j, WordClasses::COMPLEMENTIZER)
                    && !self.is_cue(j)
                    && !own.contains(t.span)
            })
            .collect();
        if window.is_empty() {
            return None;
        }
        let named = self.phrase(&window)?;
        // بحسب المتحدث باسم القيادة اللواء فلان: a person named inside the phrase is the one.
        if let Some(m) = self
            .doc
            .mentions_in(named.span)
            .find(|m| self.doc.kind(m) == EntityKind::Person)
        {
            return Some(self.named_mention(m.span, m.entity));
        }
        // The first word may begin after a lām inside it.
        let start = start.clamp(named.span.start, named.span.end);
        let span = Span::new(start, named.span.end);
        Some(Named {
            name: span.slice(self.doc.text).into(),
            entity: None,
            span,
        })
    }
}

/// The first word of a name or role, folded, without the article: "وزارة الصحة" → "وزاره",
/// "الرئيس الجزائري" → "رئيس".
pub(crate) fn head_noun(phrase: &str) -> String {
    let first = phrase
        .split_whitespace()
        .next()
        .map(fold_str)
        .unwrap_or_default();
    match first.strip_prefix("ال") {
        Some(rest) => rest.to_string(),
        None => first,
    }
}

#[cfg(test)]
mod tests {
    use super::{set_token_bits, token_bit};

    /// Setting token ranges bit by bit per word agrees with a `bool` per token, for ranges that
    /// start and end inside a word, on word boundaries, and span several words.
    #[test]
    fn token_bits_agree_with_one_bool_per_token() {
        let n: usize = 300;
        for (from, to) in [
            (0, 0),
            (0, 1),
            (3, 9),
            (0, 64),
            (63, 65),
            (64, 128),
            (10, 250),
            (127, 300),
            (299, 300),
        ] {
            let mut bits = vec![0u64; n.div_ceil(64)];
            set_token_bits(&mut bits, from, to);
            for i in 0..n + 70 {
                assert_eq!(
                    token_bit(&bits, i),
                    (from..to).contains(&i),
                    "{from}..{to} at {i}"
                );
            }
        }
        let mut bits = vec![0u64; 2];
        set_token_bits(&mut bits, 5, 7);
        set_token_bits(&mut bits, 60, 70);
        let set: Vec<usize> = (0..128).filter(|&i| token_bit(&bits, i)).collect();
        assert_eq!(set, [5, 6, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
    }
}
