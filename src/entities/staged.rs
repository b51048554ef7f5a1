//! Entity recognition in the analysis's two stages (see [`crate::analysis::incremental`]).
//!
//! Up to merging, everything is local to one paragraph — no mention, rule match or overlap
//! crosses a line break — except the set of learned names, which is the document's:
//!
//! 1. [`local_mentions`] (paragraph stage, a pure function of the paragraph): the tagger's
//!    mentions widened over proclitics that are part of a name, person mentions trimmed, the
//!    tagger's unsupported common nouns dropped, the lexicon's and rules' mentions given their
//!    tiers, and the names the paragraph teaches ([`propagate::learn`]).
//! 2. [`Learned::new`] (document): the paragraphs' learned names folded in document order.
//! 3. [`part_mentions`] (per paragraph, given the document's learned names): the learned names
//!    found again in the paragraph, the tagger's mentions cut to a learned name behind a
//!    proclitic, overlaps resolved, transliterations attached, and what merging needs of each
//!    mention (key, name parts, spellings, roles). It depends on the learned names only through
//!    the keys [`PartMentions`] records ([`LocalMentions::depends_on`]), so a cached result stays
//!    valid while those keys keep their kinds.
//! 4. [`document_entities`] (document): mentions merged into entities with canonical names,
//!    aliases and roles.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::FxHasher;

use super::propagate::{self, Learned};
use super::words::{self, Doc};
use super::{
    Entity, EntityKind, EntityMention, Mention, MentionOrder, MentionOrigin, SourceMentions,
    lexicon, merge, regroup, resolve, roles, transliteration,
};
use crate::text::Span;
use crate::text::normalize::fold_str;

/// The learned-independent half of one paragraph's entity recognition ([`local_mentions`]).
/// Spans are byte ranges of the paragraph's text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LocalMentions {
    /// Lexicon and rule mentions with their tiers (lexicon first, then rules; nisbas and bare
    /// titles removed).
    direct: Vec<resolve::Candidate>,
    /// The tagger's mentions, widened, trimmed and filtered, before the cut against learned
    /// names.
    model: Vec<Mention>,
    /// Names learned from the rules' mentions, in order ([`propagate::learn`]).
    learned_rules: Vec<(String, EntityKind)>,
    /// Names learned from the tagger's mentions, in order.
    learned_model: Vec<(String, EntityKind)>,
    /// [`fold_hash`] of every reading's fold of every token, sorted, without duplicates.
    folds: Vec<u64>,
}

impl LocalMentions {
    /// The names learned from the rules' mentions (folded key, kind), in order.
    pub fn learned_from_rules(&self) -> &[(String, EntityKind)] {
        &self.learned_rules
    }

    /// The names learned from the tagger's mentions (folded key, kind), in order.
    pub fn learned_from_model(&self) -> &[(String, EntityKind)] {
        &self.learned_model
    }

    /// True when [`part_mentions`] of this paragraph (`doc`, the paragraph's view) may change
    /// when the learned name `key` appears, disappears or changes kind; `variant`: when `key`
    /// is, before or after the change, an [`propagate::is_variant_surname`]. False means the
    /// result computed with the names before the change equals the one with the names after.
    ///
    /// A learned key is only probed at a token one of whose readings folds to the key's first
    /// word; a variant surname also matches readings [`merge::same_part`] accepts.
    pub fn depends_on(&self, doc: &Doc<'_>, key: &str, variant: bool) -> bool {
        let first = key.split(' ').next().unwrap_or(key);
        if self.folds.binary_search(&fold_hash(first)).is_ok() {
            return true;
        }
        variant
            && (0..doc.len()).any(|i| {
                doc.is_arabic(i)
                    && doc.readings[i]
                        .iter()
                        .any(|r| merge::same_part(&r.fold, key))
            })
    }
}

/// FxHash of a folded word (deterministic, for [`LocalMentions::depends_on`]).
fn fold_hash(fold: &str) -> u64 {
    let mut h = FxHasher::default();
    fold.hash(&mut h);
    h.finish()
}

/// The learned-independent half of recognition for one paragraph (or any text the
/// [`words::Doc`] covers): from the sources' mentions `found` of `doc`'s text. `tagger`:
/// whether a tagger was among the sources (one-word lexicon names then yield to it).
pub fn local_mentions(doc: &Doc<'_>, found: SourceMentions, tagger: bool) -> LocalMentions {
    let lx = lexicon::Lexicon::get();
    let lexical = found.lexical;
    // One-word names known only from GeoNames/CLDR are weak evidence (the tagger may overrule).
    let weak: Vec<bool> = lexical
        .iter()
        .map(|m| {
            let key = doc.key(m.span);
            !key.contains(' ') && lx.lookup(&key).is_some_and(|e| e.anercorp.is_none())
        })
        .collect();
    let mut direct: Vec<Mention> = lexical.into_iter().chain(found.rules).collect();
    let mut model: Vec<Mention> = found.model;
    // The tagger splits proclitics on its own; the surface form wins when it is itself a known
    // name (قال كريم: not ك + ريم), and the longest reading that is a gazetteer name wins over a
    // shorter stem (زار بكين: not ب + كين; لبكين: ل + بكين, not لب + كين).
    for m in &mut model {
        if let Some((first, _)) = doc.token_range(m.span) {
            let start = doc.tokens[first].span.start;
            if m.span.start <= start || !doc.is_arabic(first) {
                continue;
            }
            let cut = m.span.start - start;
            // A stem with the article after a proclitic is the usual reading (والدنمارك, though
            // ANERcorp lists the whole word): only a gazetteer name read without one widens.
            let articled = doc.readings[first]
                .iter()
                .any(|r| r.prefix == cut && r.fold.starts_with("ال"));
            let wider = doc.readings[first].iter().find(|r| {
                r.prefix < cut
                    && ((r.prefix == 0 && words::surface_is_name(r))
                        || (!articled && lx.lookup(&r.fold).and_then(|e| e.kind()).is_some()))
            });
            if let Some(r) = wider {
                m.span.start = start + r.prefix;
            }
        }
    }
    for m in direct.iter_mut().chain(model.iter_mut()) {
        if m.kind == EntityKind::Person {
            super::trim_person(doc, m);
        }
    }
    // A tagger mention made only of common nouns (currencies, units, frequent non-entity words:
    // دينار، الفيديو كونفرانس) with no lexicon name and no lexicon or rule mention over it is
    // dropped before it can be propagated.
    let direct_index = resolve::SpanIndex::new(direct.iter().map(|d| d.span));
    model.retain(|m| !super::unsupported_common(doc, m, &direct_index));
    let model_index = resolve::SpanIndex::new(model.iter().map(|m| m.span));
    // Seeds in document order: lexicon and rule mentions, then the tagger's (lexicon mentions
    // teach nothing).
    let learned_rules = propagate::learn(doc, &direct);
    let learned_model = propagate::learn(doc, &model);
    let lexical_count = weak.len();
    let mut cands: Vec<resolve::Candidate> = Vec::with_capacity(direct.len());
    for (i, mention) in direct.into_iter().enumerate() {
        let one_word = i < lexical_count && !doc.key(mention.span).contains(' ');
        let tier = if mention.origin == MentionOrigin::Rule {
            resolve::CONTEXT
        } else if weak.get(i).copied().unwrap_or(false) {
            resolve::WEAK
        } else if tagger && one_word {
            resolve::LEXICON_WORD
        } else {
            resolve::STRONG
        };
        // A one-word gazetteer name that is also a frequent common word, left untagged by the
        // tagger, is doubtful in running text: dropped.
        if tagger
            && one_word
            && mention.origin == MentionOrigin::Lexicon
            && super::is_common_word(doc, mention.span)
            && !model_index.any_overlap(mention.span)
        {
            continue;
        }
        if super::is_non_name(doc, &mention) {
            continue;
        }
        cands.push(resolve::Candidate { mention, tier });
    }
    let mut folds: Vec<u64> = doc
        .readings
        .iter()
        .flatten()
        .map(|r| fold_hash(&r.fold))
        .collect();
    folds.sort_unstable();
    folds.dedup();
    LocalMentions {
        direct: cands,
        model,
        learned_rules,
        learned_model,
        folds,
    }
}

/// One resolved mention of a paragraph with what merging needs of it.
#[derive(Clone, Debug, PartialEq)]
struct PartItem {
    /// The mention (span: bytes of the paragraph).
    mention: Mention,
    /// Its folded lookup key ([`Doc::key`]).
    key: String,
    /// [`merge::name_parts`] of `key`.
    parts: Vec<String>,
    /// Number of words of `key`.
    key_words: usize,
    /// `key` without its spaces.
    joined: String,
    /// [`merge::distinctive_short_form`] of `parts`.
    distinctive: bool,
    /// The text at the span, as written.
    text: Arc<str>,
    /// The text as a name when it differs from `text` (an elided article restored:
    /// لأمم المتحدة → الأمم المتحدة).
    written: Option<String>,
    /// [`fold_str`] of each white-space separated word of `text`.
    word_folds: Vec<String>,
    /// For person mentions: the roles around it ([`roles::role_spans`]) as text, with their
    /// folded forms.
    roles: Vec<(String, String)>,
}

impl PartItem {
    /// What [`merge::group`] reads of this mention, its span moved by `offset` (the
    /// paragraph's byte offset in the text).
    fn merge_item(&self, offset: usize) -> merge::Item<'_> {
        merge::Item {
            mention: Mention {
                span: Span::new(
                    self.mention.span.start + offset,
                    self.mention.span.end + offset,
                ),
                kind: self.mention.kind,
                origin: self.mention.origin,
            },
            key: &self.key,
            parts: &self.parts,
            joined: &self.joined,
            distinctive: self.distinctive,
        }
    }

    /// Whether `other` equals `self` in every field but the mention's span.
    fn same_but_span(&self, other: &PartItem) -> bool {
        // Destructured, so that a new field cannot be forgotten here.
        let PartItem {
            mention:
                Mention {
                    span: _,
                    kind,
                    origin,
                },
            key,
            parts,
            key_words,
            joined,
            distinctive,
            text,
            written,
            word_folds,
            roles,
        } = self;
        *kind == other.mention.kind
            && *origin == other.mention.origin
            && *key == other.key
            && *parts == other.parts
            && *key_words == other.key_words
            && *joined == other.joined
            && *distinctive == other.distinctive
            && *text == other.text
            && *written == other.written
            && *word_folds == other.word_folds
            && *roles == other.roles
    }
}

/// One paragraph's resolved mentions, ready for [`document_entities`] ([`part_mentions`]).
/// Spans are byte ranges of the paragraph's text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartMentions {
    /// Resolved mentions in text order (transliterations attached).
    items: Vec<PartItem>,
    /// `(alias, name)` index pairs into `items`: a Latin transliteration after a name.
    links: Vec<(usize, usize)>,
}

impl PartMentions {
    /// Whether `other` has the same mentions and links as `self` but for the mentions' spans,
    /// and in both the mentions start at strictly increasing offsets, so that the spans of one
    /// are in the same order as the other's ([`document_entities_reusing`]).
    fn same_but_spans(&self, other: &PartMentions) -> bool {
        let increasing = |p: &PartMentions| {
            p.items
                .windows(2)
                .all(|w| w[0].mention.span.start < w[1].mention.span.start)
        };
        self.links == other.links
            && self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .zip(&other.items)
                .all(|(a, b)| a.same_but_span(b))
            && increasing(self)
            && increasing(other)
    }

    /// Whether `new` is `old` (the same cached `Arc`) or [`PartMentions::same_but_spans`].
    fn unchanged(old: &Arc<PartMentions>, new: &Arc<PartMentions>) -> bool {
        Arc::ptr_eq(old, new) || old.same_but_spans(new)
    }

    /// Number of resolved mentions.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the paragraph has no mention.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The learned-dependent half of one paragraph's recognition: `doc` is the paragraph's view
/// (the one [`local_mentions`] built `local` from), `learned` the document's names, `tagger`
/// as for [`local_mentions`].
pub fn part_mentions(
    doc: &Doc<'_>,
    local: &LocalMentions,
    learned: &Learned,
    tagger: bool,
) -> PartMentions {
    let mut model = local.model.clone();
    let copies = propagate::find_learned(doc, learned);
    // A tagger mention that keeps a proclitic in front of a known name of its kind (لبيسكوف
    // after بيسكوف) is cut to the name.
    let copy_index = resolve::SpanIndex::new(copies.iter().map(|c| c.span));
    for m in &mut model {
        let Some((first, _)) = doc.token_range(m.span) else {
            continue;
        };
        let token_end = doc.tokens[first].span.end;
        let cut = copy_index
            .overlapping(m.span)
            .map(|(_, i)| &copies[i])
            .find(|c| {
                c.kind == m.kind
                    && c.span.end == m.span.end
                    && c.span.start > m.span.start
                    && c.span.start < token_end
            })
            .map(|c| c.span.start)
            .or_else(|| {
                // The copy may be the mention itself (the tagger's form was learned too):
                // a proclitic reading whose name is learned with this kind.
                let tok = doc.tokens[first].span.start;
                if m.span.start != tok || words::surface_is_name(&doc.readings[first][0]) {
                    return None;
                }
                doc.readings[first]
                    .iter()
                    .filter(|r| r.prefix > 0 && !r.fold.starts_with("ال"))
                    .map(|r| tok + r.prefix)
                    .find(|&start| {
                        start < m.span.end
                            && learned.get(&doc.key(Span::new(start, m.span.end))) == Some(m.kind)
                    })
            });
        if let Some(start) = cut {
            m.span.start = start;
        }
    }
    let mut cands: Vec<resolve::Candidate> =
        Vec::with_capacity(local.direct.len() + copies.len() + model.len());
    cands.extend(local.direct.iter().cloned());
    cands.extend(copies.into_iter().map(|mention| {
        // With a tagger, a one-word copy yields to the tagger's reading of its context.
        let tier = if tagger && !doc.key(mention.span).contains(' ') {
            resolve::LEXICON_WORD
        } else {
            resolve::PROPAGATED
        };
        resolve::Candidate { mention, tier }
    }));
    cands.extend(model.into_iter().map(|mention| resolve::Candidate {
        mention,
        tier: resolve::MODEL,
    }));
    cands.retain(|c| !super::is_non_name(doc, &c.mention));
    let mentions = resolve::resolve(cands);
    let (mentions, links) = transliteration::attach(doc, mentions);
    let items = mentions.into_iter().map(|m| part_item(doc, m)).collect();
    PartMentions { items, links }
}

/// What merging and naming need of one resolved mention.
fn part_item(doc: &Doc<'_>, mention: Mention) -> PartItem {
    let key = doc.key(mention.span);
    let parts = merge::name_parts(&key);
    let key_words = key.split(' ').count();
    let joined = key.replace(' ', "");
    let distinctive = merge::distinctive_short_form(&parts);
    let text: Arc<str> = mention.span.slice(doc.text).into();
    let written =
        (key.starts_with("ال") && !fold_str(&text).starts_with("ال") && text.starts_with('ل'))
            .then(|| format!("ا{text}"));
    let word_folds = text.split_whitespace().map(fold_str).collect();
    let mut roles: Vec<(String, String)> = Vec::new();
    // Only person entities have roles, and merging never puts another kind's mention in a
    // person's entity.
    if mention.kind == EntityKind::Person
        && let Some((first, last)) = doc.token_range(mention.span)
    {
        for r in roles::role_spans(doc, first, last) {
            let role = roles::role_text(doc, r);
            let key = fold_str(&role);
            roles.push((role, key));
        }
    }
    PartItem {
        mention,
        key,
        parts,
        key_words,
        joined,
        distinctive,
        text,
        written,
        word_folds,
        roles,
    }
}

/// Merges the paragraphs' resolved mentions into entities numbered in order of first mention.
/// `parts`: each paragraph's byte offset in the text and its [`part_mentions`], in text order;
/// every span returned is a byte range of the text.
pub fn document_entities(parts: &[(usize, &PartMentions)]) -> Vec<Entity> {
    merge_entities(parts).0
}

/// [`document_entities`] with the entities' mentions in text order ([`MentionOrder`], built
/// without sorting: the paragraphs' mentions are in text order).
pub fn document_entities_ordered(parts: &[(usize, &PartMentions)]) -> (Vec<Entity>, MentionOrder) {
    let (entities, members, _) = merge_entities(parts);
    let order = mention_order(&entities, &members);
    (entities, order)
}

/// The mentions of `entities` in text order, `members` holding for each entity the index of
/// each of its mentions among the paragraphs' items (which are in text order): the items are
/// walked in order ([`item_order`]), so the final sort only checks the order (linear).
fn mention_order(entities: &[Entity], members: &[Vec<usize>]) -> MentionOrder {
    MentionOrder::sorted(item_order(entities, members))
}

/// The mentions of `entities` (span, entity index) in the order of the paragraphs' items: each
/// item's entity is placed by its index (no sort), then each entity's mentions are handed out
/// in that order. An entity's mentions are in text order, as its members are, so the k-th item
/// of an entity gets its k-th mention; were they not, the list would still hold every mention
/// once, only in another order.
fn item_order(entities: &[Entity], members: &[Vec<usize>]) -> Vec<(Span, usize)> {
    let items = members.iter().flatten().map(|&i| i + 1).max().unwrap_or(0);
    let mut owner: Vec<u32> = vec![u32::MAX; items];
    for (e, members) in members.iter().enumerate().take(entities.len()) {
        for &i in members {
            owner[i] = e as u32;
        }
    }
    let mut next: Vec<usize> = vec![0; entities.len()];
    let mut out = Vec::with_capacity(entities.iter().map(|e| e.mentions.len()).sum());
    for e in owner.into_iter().filter(|&e| e != u32::MAX) {
        let e = e as usize;
        if let Some(m) = entities[e].mentions.get(next[e]) {
            out.push((m.span, e));
        }
        next[e] += 1;
    }
    out
}

/// [`document_entities`] and the mentions in the order [`document_entities_ordered`] lists
/// them before its sort, to test that the sort has nothing to reorder.
#[cfg(test)]
pub(crate) fn document_entities_item_order(
    parts: &[(usize, &PartMentions)],
) -> (Vec<Entity>, Vec<(Span, usize)>) {
    let (entities, members, _) = merge_entities(parts);
    let order = item_order(&entities, &members);
    (entities, order)
}

/// What [`document_entities_reusing`] keeps of one merge for the next: the paragraphs' resolved
/// mentions it merged (in text order), the entities, for each entity the index of each of its
/// mentions in the paragraphs' mentions (counted across paragraphs, in text order) and the
/// index of the mention that opened its group ([`Merged::first`]), and the document's forms
/// graph ([`regroup::Graph`]) with each paragraph's mentions' nodes.
#[derive(Debug, Default)]
pub struct EntityMemo {
    parts: Vec<Arc<PartMentions>>,
    entities: Vec<Entity>,
    members: Vec<Vec<usize>>,
    firsts: Vec<usize>,
    graph: regroup::Graph,
    /// Per paragraph of `parts`: the node of each of its mentions.
    nodes: Vec<Vec<u32>>,
    reused: bool,
    regrouped: usize,
}

impl EntityMemo {
    /// Whether the last [`document_entities_reusing`] took its entities from the merge before
    /// it (false before the first).
    pub fn reused(&self) -> bool {
        self.reused
    }

    /// How many mentions the last [`document_entities_reusing`] merged again: none when it
    /// reused the last merge, those of the forms the edit could reach when it regrouped them,
    /// all when it merged the document.
    pub fn regrouped(&self) -> usize {
        self.regrouped
    }
}

/// Merging is redone for the whole document when the forms an edit reaches hold more than this
/// share (in ‰) of the mentions: grouping half the mentions again costs about what grouping
/// all of them does.
const REGROUP_MAX_PERMILLE: usize = 500;

/// Merging is redone for the whole document (and the forms graph rebuilt) when the graph holds
/// more forms no longer written than this many and than forms in use: each half-typed name
/// leaves one.
const STALE_NODES_KEPT: usize = 1024;

/// [`document_entities_ordered`] on `parts` (the same shape, each paragraph's resolved mentions
/// shared), reusing the previous merge kept in `memo` when it applies, and keeping this one
/// there.
///
/// The merge is reused when the paragraphs' resolved mentions are the previous ones in number
/// and, paragraph by paragraph, in everything but their spans (the same `Arc`, or equal items
/// and links but for [`Mention::span`], starting at strictly increasing offsets in both) — what
/// a keystroke outside every name and role leaves.
/// Then the entities are the previous ones with each mention's span replaced by its new one:
/// merging reads spans only to order mentions (the nearest earlier or later occurrence of a
/// form, members and groups sorted by start), and both texts' mentions are in text order, so
/// the groups, names, aliases and roles are the same. Cost of a reuse: one comparison per
/// paragraph (pointers for the unchanged ones), the items of the changed ones, and a copy of
/// the entities (mention texts are shared).
///
/// Otherwise, when the paragraphs that differ (between the longest common prefix and suffix of
/// paragraphs) change a few forms, only the connected components of the forms graph that hold
/// a removed or added form are merged again ([`regroup`]); the other entities are the previous
/// ones with their spans and positions updated, and all are numbered again in order of first
/// mention. Else (or the first time) the whole document is merged.
pub fn document_entities_reusing(
    parts: &[(usize, Arc<PartMentions>)],
    memo: &mut EntityMemo,
) -> (Vec<Entity>, MentionOrder) {
    let prefix = memo
        .parts
        .iter()
        .zip(parts)
        .take_while(|(old, (_, new))| PartMentions::unchanged(old, new))
        .count();
    let room = memo.parts.len().min(parts.len()) - prefix;
    let suffix = memo.parts[prefix..]
        .iter()
        .rev()
        .zip(parts[prefix..].iter().rev())
        .take(room)
        .take_while(|(old, (_, new))| PartMentions::unchanged(old, new))
        .count();
    let spans =
        |parts: &[(usize, Arc<PartMentions>)]| {
            let mut spans: Vec<Span> = Vec::with_capacity(parts.iter().map(|(_, p)| p.len()).sum());
            for (offset, part) in parts {
                spans.extend(part.items.iter().map(|it| {
                    Span::new(it.mention.span.start + offset, it.mention.span.end + offset)
                }));
            }
            spans
        };
    if prefix == memo.parts.len() && prefix == parts.len() && !memo.parts.is_empty() {
        let spans = spans(parts);
        for (entity, members) in memo.entities.iter_mut().zip(&memo.members) {
            for (m, &i) in entity.mentions.iter_mut().zip(members) {
                m.span = spans[i];
            }
        }
        memo.parts.clear();
        memo.parts.extend(parts.iter().map(|(_, p)| p.clone()));
        memo.reused = true;
        memo.regrouped = 0;
        let order = mention_order(&memo.entities, &memo.members);
        return (memo.entities.clone(), order);
    }
    if memo.parts.is_empty() || !regroup_changed(parts, prefix, suffix, memo, spans(parts)) {
        merge_all(parts, memo);
    }
    memo.reused = false;
    let order = mention_order(&memo.entities, &memo.members);
    (memo.entities.clone(), order)
}

/// Merges every mention of `parts` and keeps the result, with a new forms graph, in `memo`.
fn merge_all(parts: &[(usize, Arc<PartMentions>)], memo: &mut EntityMemo) {
    let refs: Vec<(usize, &PartMentions)> = parts.iter().map(|(o, p)| (*o, p.as_ref())).collect();
    let (entities, members, firsts) = merge_entities(&refs);
    let mut graph = regroup::Graph::default();
    let nodes: Vec<Vec<u32>> = parts
        .iter()
        .map(|(_, part)| add_nodes(&mut graph, part))
        .collect();
    *memo = EntityMemo {
        parts: parts.iter().map(|(_, p)| p.clone()).collect(),
        entities,
        regrouped: members.iter().map(Vec::len).sum(),
        members,
        firsts,
        graph,
        nodes,
        reused: false,
    };
}

/// Adds the forms and links of `part`'s mentions to `graph`; returns each mention's node.
fn add_nodes(graph: &mut regroup::Graph, part: &PartMentions) -> Vec<u32> {
    let nodes: Vec<u32> = part
        .items
        .iter()
        .map(|it| graph.add(&it.merge_item(0)))
        .collect();
    for &(a, b) in &part.links {
        graph.link(nodes[a], nodes[b]);
    }
    nodes
}

/// The regrouping half of [`document_entities_reusing`]. `memo.parts` are the previous text's
/// paragraphs; `parts` the new ones, of which the first `prefix` and the last `suffix` are the
/// same as the previous text's ([`PartMentions::same_but_spans`]); between them, when both
/// texts have as many paragraphs, each is compared with the one at its place (a name typed in
/// one paragraph changes the mentions of the few others it is found in), else all of them
/// changed. `spans`: every mention's span in `parts`, in text order. Updates `memo` and
/// returns true, or returns false (leaving `memo` half-updated, for [`merge_all`]) when the
/// edit reaches too many mentions or a form without name parts, or the graph holds too many
/// stale forms.
fn regroup_changed(
    parts: &[(usize, Arc<PartMentions>)],
    prefix: usize,
    suffix: usize,
    memo: &mut EntityMemo,
    spans: Vec<Span>,
) -> bool {
    let (old_len, new_len) = (memo.parts.len(), parts.len());
    let (old_end, new_end) = (old_len - suffix, new_len - suffix);
    // For each new paragraph, the previous one it equals (`None`: changed).
    let mut from_old: Vec<Option<usize>> = (0..new_end).chain(old_end..old_len).map(Some).collect();
    let mut changed_old: Vec<usize> = Vec::new();
    if old_end - prefix == new_end - prefix {
        for k in prefix..new_end {
            if !PartMentions::unchanged(&memo.parts[k], &parts[k].1) {
                from_old[k] = None;
                changed_old.push(k);
            }
        }
    } else {
        from_old[prefix..new_end].fill(None);
        changed_old.extend(prefix..old_end);
    }

    // The forms the edit removed and added are the seeds.
    let graph = &mut memo.graph;
    let mut seeds: Vec<u32> = Vec::new();
    for &k in &changed_old {
        let (part, nodes) = (&memo.parts[k], &memo.nodes[k]);
        for &(a, b) in &part.links {
            graph.unlink(nodes[a], nodes[b]);
        }
        for &n in nodes {
            graph.remove(n);
            seeds.push(n);
        }
    }
    // Each new paragraph's nodes: the previous paragraph's, or added.
    let mut old_part_nodes: Vec<Option<Vec<u32>>> = std::mem::take(&mut memo.nodes)
        .into_iter()
        .map(Some)
        .collect();
    let old_nodes: Vec<u32> = old_part_nodes.iter().flatten().flatten().copied().collect();
    let nodes: Vec<Vec<u32>> = parts
        .iter()
        .zip(&from_old)
        .map(|((_, part), from)| match from {
            Some(k) => old_part_nodes[*k].take().unwrap_or_default(),
            None => {
                let added = add_nodes(graph, part);
                seeds.extend_from_slice(&added);
                added
            }
        })
        .collect();
    drop(old_part_nodes);
    if seeds.iter().any(|&n| graph.has_no_part(n))
        || graph.stale() > STALE_NODES_KEPT.max(graph.len() - graph.stale())
    {
        return false;
    }
    let reached = graph.closure(seeds);

    // The mentions of the reached forms, merged again.
    let mut refs: Vec<&PartItem> = Vec::new();
    let mut items: Vec<merge::Item<'_>> = Vec::new();
    let mut links: Vec<(usize, usize)> = Vec::new();
    let mut global: Vec<usize> = Vec::new();
    let mut local: Vec<usize> = Vec::new();
    // The index of each new paragraph's first mention across paragraphs.
    let mut new_base: Vec<usize> = Vec::with_capacity(new_len);
    let mut base = 0;
    for ((offset, part), part_nodes) in parts.iter().zip(&nodes) {
        new_base.push(base);
        local.clear();
        for (j, (it, &n)) in part.items.iter().zip(part_nodes).enumerate() {
            if reached[n as usize] {
                local.push(items.len());
                global.push(base + j);
                refs.push(it);
                items.push(it.merge_item(*offset));
            } else {
                local.push(usize::MAX);
            }
        }
        for &(a, b) in &part.links {
            if local[a] != usize::MAX && local[b] != usize::MAX {
                links.push((local[a], local[b]));
            }
        }
        base += part.items.len();
    }
    if items.len() * 1000 > spans.len() * REGROUP_MAX_PERMILLE {
        return false;
    }
    let regrouped = items.len();
    let merged = merge_items(&refs, &items, &links);

    // A previous mention's index → its index in the new text, for the paragraphs kept.
    let mut old_base: Vec<usize> = Vec::with_capacity(old_len);
    let mut base = 0;
    for part in &memo.parts {
        old_base.push(base);
        base += part.len();
    }
    let mut to_new: Vec<Option<usize>> = vec![None; old_len];
    for (q, from) in from_old.iter().enumerate() {
        if let Some(k) = from {
            to_new[*k] = Some(q);
        }
    }
    let remap = |i: usize| {
        let k = old_base.partition_point(|&b| b <= i) - 1;
        let q = to_new[k].expect("an entity the edit cannot reach has no changed mention");
        new_base[q] + i - old_base[k]
    };

    // The previous entities the edit cannot reach, with their mentions' new indices and spans,
    // and the regrouped ones, in order of first mention. All of an entity's forms are in one
    // component: its first mention's form tells whether it was reached.
    let mut all: Vec<Merged> = Vec::with_capacity(memo.entities.len() + merged.len());
    let old_entities = std::mem::take(&mut memo.entities);
    let old_members = std::mem::take(&mut memo.members);
    let old_firsts = std::mem::take(&mut memo.firsts);
    for ((mut entity, members), first) in old_entities.into_iter().zip(old_members).zip(old_firsts)
    {
        if members
            .first()
            .is_none_or(|&i| reached[old_nodes[i] as usize])
        {
            continue;
        }
        let members: Vec<usize> = members.into_iter().map(remap).collect();
        for (m, &i) in entity.mentions.iter_mut().zip(&members) {
            m.span = spans[i];
        }
        all.push(Merged {
            first: remap(first),
            members,
            entity,
        });
    }
    all.extend(merged.into_iter().map(|m| Merged {
        first: global[m.first],
        members: m.members.iter().map(|&i| global[i]).collect(),
        entity: m.entity,
    }));
    all.sort_unstable_by_key(|m| m.first);
    let (entities, members, firsts) = numbered(all);
    memo.parts = parts.iter().map(|(_, p)| p.clone()).collect();
    memo.nodes = nodes;
    memo.entities = entities;
    memo.members = members;
    memo.firsts = firsts;
    memo.regrouped = regrouped;
    true
}

/// One entity merged from a list of mentions ([`merge_items`]): the index of the mention that
/// opened its group ([`merge::group`]'s first member, before transliteration links moved
/// members), its mentions' indices in text order, and the entity.
struct Merged {
    first: usize,
    members: Vec<usize>,
    entity: Entity,
}

/// Merges every mention of `parts` into entities numbered in order of first mention; also
/// returns, per entity, its mentions' indices across paragraphs and [`Merged::first`].
fn merge_entities(parts: &[(usize, &PartMentions)]) -> (Vec<Entity>, Vec<Vec<usize>>, Vec<usize>) {
    let n: usize = parts.iter().map(|(_, p)| p.items.len()).sum();
    let mut refs: Vec<&PartItem> = Vec::with_capacity(n);
    let mut items: Vec<merge::Item<'_>> = Vec::with_capacity(n);
    let mut links: Vec<(usize, usize)> = Vec::new();
    for &(offset, part) in parts {
        let base = items.len();
        for it in &part.items {
            refs.push(it);
            items.push(it.merge_item(offset));
        }
        links.extend(part.links.iter().map(|&(a, b)| (a + base, b + base)));
    }
    numbered(merge_items(&refs, &items, &links))
}

/// The entities of `merged` (in order) with their ids (`e1`, `e2`…), their members and firsts.
fn numbered(merged: Vec<Merged>) -> (Vec<Entity>, Vec<Vec<usize>>, Vec<usize>) {
    let mut entities = Vec::with_capacity(merged.len());
    let mut members = Vec::with_capacity(merged.len());
    let mut firsts = Vec::with_capacity(merged.len());
    for (n, m) in merged.into_iter().enumerate() {
        let mut entity = m.entity;
        entity.id = format!("e{}", n + 1);
        entities.push(entity);
        members.push(m.members);
        firsts.push(m.first);
    }
    (entities, members, firsts)
}

/// Groups `items` ([`merge::group`]; `refs[i]` is item `i`'s paragraph mention), joins each
/// transliteration to its name (`links`: (alias, name) index pairs, in text order), and builds
/// one entity per group (canonical name, kind, aliases, roles; the id left empty), in order of
/// first mention.
fn merge_items(
    refs: &[&PartItem],
    items: &[merge::Item<'_>],
    links: &[(usize, usize)],
) -> Vec<Merged> {
    let mut groups = merge::group(items);
    let firsts: Vec<usize> = groups.iter().map(|g| g[0]).collect();
    // A transliteration in parentheses joins the entity of the name before it.
    let mut group_of: Vec<usize> = vec![usize::MAX; items.len()];
    for (g, members) in groups.iter().enumerate() {
        for &i in members {
            group_of[i] = g;
        }
    }
    for &(alias, name) in links {
        let (a, n) = (group_of[alias], group_of[name]);
        if a != usize::MAX && n != usize::MAX && a != n {
            let moved = std::mem::take(&mut groups[a]);
            for &i in &moved {
                group_of[i] = n;
            }
            groups[n].extend(moved);
            groups[n].sort_by_key(|&i| items[i].mention.span.start);
        }
    }
    let mut merged = Vec::with_capacity(groups.len());
    for (members, first) in groups.into_iter().zip(firsts) {
        if members.is_empty() {
            continue;
        }
        let entity = entity_of(&members, refs, items);
        merged.push(Merged {
            first,
            members,
            entity,
        });
    }
    merged
}

/// The entity of one group of `items` (`members`: indices in text order), its id empty.
fn entity_of(members: &[usize], refs: &[&PartItem], items: &[merge::Item<'_>]) -> Entity {
    // Kind: the most frequent among the members (ties: the first mention's).
    let mut counts: Vec<(EntityKind, usize)> = Vec::new();
    for &i in members {
        let k = items[i].mention.kind;
        match counts.iter_mut().find(|(c, _)| *c == k) {
            Some((_, c)) => *c += 1,
            None => counts.push((k, 1)),
        }
    }
    let kind = counts
        .iter()
        .fold((items[members[0]].mention.kind, 0), |best, &(k, c)| {
            if c > best.1 { (k, c) } else { best }
        })
        .0;
    // Canonical: most words; ties: first written.
    let canonical = members.iter().copied().fold(members[0], |best, i| {
        if refs[i].key_words > refs[best].key_words {
            i
        } else {
            best
        }
    });
    let written = |i: usize| refs[i].written.as_deref().unwrap_or(&refs[i].text);
    let name = majority_spelling(
        written(canonical),
        members.iter().flat_map(|&i| {
            refs[i]
                .text
                .split_whitespace()
                .zip(refs[i].word_folds.iter().map(String::as_str))
        }),
    );
    let mut aliases: Vec<String> = Vec::new();
    let mut roles: Vec<String> = Vec::new();
    let mut role_keys: Vec<&str> = Vec::new();
    let mut entity_mentions = Vec::with_capacity(members.len());
    for &i in members {
        let it = refs[i];
        // An elided-article form (لأمم المتحدة in للأمم المتحدة) is not a way of writing
        // the name: never an alias.
        if *it.text != *name && it.written.is_none() && !aliases.iter().any(|a| **a == *it.text) {
            aliases.push(it.text.to_string());
        }
        if kind == EntityKind::Person {
            for (role, key) in &it.roles {
                if !role_keys.contains(&key.as_str()) {
                    role_keys.push(key);
                    roles.push(role.clone());
                }
            }
        }
        entity_mentions.push(EntityMention {
            text: it.text.clone(),
            span: items[i].mention.span,
        });
    }
    let roles = super::drop_sub_roles(roles);
    Entity {
        id: String::new(),
        name,
        kind,
        aliases,
        roles,
        mentions: entity_mentions,
    }
}

/// The canonical name with each word written in its most frequent spelling among the entity's
/// mentions (`words`: every word of every mention as written with its [`fold_str`], in document
/// order): words that fold alike (الجماعى/الجماعي, أ/ا, ة/ه) are one word written in variants; a
/// tie keeps the first written. Words of other folds are left as they are.
fn majority_spelling<'t>(name: &str, words: impl Iterator<Item = (&'t str, &'t str)>) -> String {
    // (fold, written, count, first position)
    let mut seen: Vec<(&str, &str, usize, usize)> = Vec::new();
    for (pos, (w, f)) in words.enumerate() {
        match seen.iter_mut().find(|(sf, sw, _, _)| *sf == f && *sw == w) {
            Some(e) => e.2 += 1,
            None => seen.push((f, w, 1, pos)),
        }
    }
    name.split_whitespace()
        .map(|w| {
            let f = fold_str(w);
            seen.iter()
                .filter(|(sf, _, _, _)| *sf == f)
                .max_by(|a, b| a.2.cmp(&b.2).then(b.3.cmp(&a.3)))
                .filter(|best| {
                    best.2
                        > seen
                            .iter()
                            .find(|e| e.0 == f && e.1 == w)
                            .map_or(0, |e| e.2)
                })
                .map_or(w, |best| best.1)
        })
        .collect::<Vec<_>>()
        .join(" ")
}
