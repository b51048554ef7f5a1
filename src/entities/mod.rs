//! Named entities: mentions found in the text and merged into entities.
//!
//! Mentions come from several [`MentionSource`]s — the shipped lexicon, context rules (titles,
//! trigger nouns), and the statistical tagger ([`crate::ner`]) — and are then merged into
//! [`Entity`] values (surname ↔ full name, spelling variants, short ↔ long forms).

pub mod lexicon;
pub mod merge;
pub mod propagate;
mod regroup;
mod resolve;
pub mod roles;
pub mod rules;
pub mod staged;
pub mod transliteration;
pub mod words;

pub use lexicon::LexiconSource;
pub use rules::RuleSource;

use std::sync::Arc;

use serde::Serialize;

use crate::text::Span;
use crate::text::token::Token;

/// The kind of a named entity (CoNLL/ANERcorp types).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person (PER).
    Person,
    /// An organization (ORG).
    Organization,
    /// A place or geopolitical entity (LOC).
    Location,
    /// Anything else named (MISC).
    Misc,
}

impl EntityKind {
    /// `"person" | "organization" | "location" | "misc"`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Location => "location",
            EntityKind::Misc => "misc",
        }
    }

    /// The BIO type name: `PER`, `ORG`, `LOC`, `MISC`.
    pub fn bio_type(self) -> &'static str {
        match self {
            EntityKind::Person => "PER",
            EntityKind::Organization => "ORG",
            EntityKind::Location => "LOC",
            EntityKind::Misc => "MISC",
        }
    }

    /// Parses a BIO type name (`PER`, `ORG`, `LOC`, `MISC`, case-insensitive; also `GPE` → location).
    pub fn from_bio_type(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "PER" | "PERS" | "PERSON" => Some(EntityKind::Person),
            "ORG" | "ORGANIZATION" => Some(EntityKind::Organization),
            "LOC" | "GPE" | "LOCATION" => Some(EntityKind::Location),
            "MISC" => Some(EntityKind::Misc),
            _ => None,
        }
    }
}

/// Where a mention came from. Sources are combined in [`recognize`]; the origin is kept for
/// debugging and for measuring each source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionOrigin {
    /// A lexicon (gazetteer) match.
    Lexicon,
    /// A context rule (title, trigger noun, apposition…).
    Rule,
    /// The statistical tagger.
    Model,
}

/// A name found in the text, before merging.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mention {
    /// The name's range (bytes, original text), proclitics excluded.
    pub span: Span,
    /// Its kind.
    pub kind: EntityKind,
    /// Which source found it.
    pub origin: MentionOrigin,
}

/// One more source of mentions: the lexicon, the rules and the tagger all implement it.
///
/// `text` is the whole document and `tokens` its [`crate::text::token::tokenize`] output.
/// Returned mentions may overlap; [`recognize`] resolves overlaps.
pub trait MentionSource: Send + Sync {
    /// The mentions this source finds, in any order.
    fn mentions(&self, text: &str, tokens: &[Token]) -> Vec<Mention>;

    /// The mentions of several independent texts (`(text, its tokens)`), one list per text, each
    /// equal to [`MentionSource::mentions`] of that text alone. The default calls it for each;
    /// the tagger overrides it to share its per-word work between the texts (the paragraphs of
    /// a document).
    fn mentions_many(&self, documents: &[(&str, &[Token])]) -> Vec<Vec<Mention>> {
        documents
            .iter()
            .map(|(text, tokens)| self.mentions(text, tokens))
            .collect()
    }
}

/// A mention as it appears in an [`Entity`]: its range and the text written there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntityMention {
    /// The text at `span`, as written (shared with the paragraph's cached mention: copying an
    /// entity's mentions allocates nothing).
    pub text: Arc<str>,
    /// Range (bytes, original text).
    pub span: Span,
}

/// An entity: merged mentions of one person, organization, place or other named thing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entity {
    /// Stable within one analysis: `e1`, `e2`… in order of first mention.
    pub id: String,
    /// Canonical name: the most complete form written; on a tie, the first written — each word
    /// in its most frequent spelling among the mentions (الجماعي written five times beats
    /// الجماعى written once), a tie keeping the first written.
    pub name: String,
    /// Its kind.
    pub kind: EntityKind,
    /// Other forms written (distinct surface forms other than `name`), in order of first use.
    pub aliases: Vec<String>,
    /// Roles and titles taken from the text ("المتحدث الصحفي باسم الرئاسة الروسية").
    pub roles: Vec<String>,
    /// Every mention, in document order.
    pub mentions: Vec<EntityMention>,
}

impl Entity {
    /// The entity whose mention covers byte `offset`, if any.
    pub fn at_offset(entities: &[Entity], offset: usize) -> Option<(&Entity, &EntityMention)> {
        entities.iter().find_map(|e| {
            e.mentions
                .iter()
                .find(|m| m.span.contains_offset(offset))
                .map(|m| (e, m))
        })
    }
}

/// Every mention of a document's entities in text order: its span (bytes) and the index of its
/// entity in the entity list, sorted by start, then longest first, then entity index.
///
/// The merge builds it from the paragraphs' mentions, which are already in text order
/// ([`staged::document_entities_reusing`]: linear time); [`MentionOrder::of`] builds it from any
/// entity list by sorting. Both give the same list for the same entities.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MentionOrder(Vec<(Span, usize)>);

impl MentionOrder {
    /// The mentions of `entities`, sorted (O(m log m) for m mentions).
    pub fn of(entities: &[Entity]) -> Self {
        Self::sorted(
            entities
                .iter()
                .enumerate()
                .flat_map(|(i, e)| e.mentions.iter().map(move |m| (m.span, i)))
                .collect(),
        )
    }

    /// `mentions` sorted; linear time when they are in order already (the sort's first run is
    /// then the whole list).
    pub(crate) fn sorted(mut mentions: Vec<(Span, usize)>) -> Self {
        mentions.sort_unstable_by_key(|&(span, entity)| {
            (span.start, std::cmp::Reverse(span.end), entity)
        });
        MentionOrder(mentions)
    }

    /// The mentions: span and entity index, in order.
    pub fn as_slice(&self) -> &[(Span, usize)] {
        &self.0
    }

    /// The mentions' spans, in order.
    pub fn spans(&self) -> impl Iterator<Item = Span> + '_ {
        self.0.iter().map(|&(span, _)| span)
    }
}

/// Finds the mentions of `text` with every source (lexicon, rules and — when given — the tagger),
/// resolves overlaps, and merges them into entities numbered in order of first mention.
///
/// `tokens` must be [`crate::text::token::tokenize`]`(text)`. Steps: lexicon and rule mentions
/// ([`LexiconSource`], [`RuleSource`]) and the `extra` sources' mentions are collected; names found
/// by rules or the tagger are propagated to their other occurrences ([`propagate`]); overlaps are
/// resolved (`resolve`: context rules > strong lexicon names > propagated > tagger > one-word names known only from
/// GeoNames/CLDR, longer first; a tagger mention may extend a stronger one of its kind); nisba adjectives and bare titles are dropped; mentions are
/// merged ([`merge`]) and roles attached ([`roles`]).
pub fn recognize(text: &str, tokens: &[Token], extra: &[&dyn MentionSource]) -> Vec<Entity> {
    let doc = words::Doc::new(text, tokens);
    let found = source_mentions(&doc, extra);
    recognize_found(&doc, found, !extra.is_empty())
}

/// What the mention sources find in one text, before propagation and overlap resolution: the
/// local (per-paragraph) half of [`recognize`]. Every span is a byte range of the text the
/// [`words::Doc`] was built on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceMentions {
    /// Gazetteer matches ([`LexiconSource`]), in text order.
    pub lexical: Vec<Mention>,
    /// Context-rule matches ([`RuleSource`]).
    pub rules: Vec<Mention>,
    /// Mentions of the `extra` sources (the tagger), spans checked to lie on char boundaries.
    pub model: Vec<Mention>,
}

/// The lexicon's, the rules' and the `extra` sources' mentions of `doc`'s text.
pub fn source_mentions(doc: &words::Doc<'_>, extra: &[&dyn MentionSource]) -> SourceMentions {
    source_mentions_many(&[doc], extra)
        .pop()
        .unwrap_or_default()
}

/// [`source_mentions`] of several independent texts (the paragraphs of a document), one result
/// per text, equal to calling it on each: each extra source sees all the texts in one
/// [`MentionSource::mentions_many`] call, which lets the tagger share its per-word work.
pub fn source_mentions_many(
    docs: &[&words::Doc<'_>],
    extra: &[&dyn MentionSource],
) -> Vec<SourceMentions> {
    let inputs: Vec<(&str, &[Token])> = docs.iter().map(|d| (d.text, d.tokens)).collect();
    let mut model: Vec<Vec<Mention>> = vec![Vec::new(); docs.len()];
    for source in extra {
        for ((found, mentions), doc) in source
            .mentions_many(&inputs)
            .into_iter()
            .zip(model.iter_mut())
            .zip(docs)
        {
            mentions.extend(found.into_iter().filter(|m| valid_span(doc.text, m.span)));
        }
    }
    docs.iter()
        .zip(model)
        .map(|(doc, model)| SourceMentions {
            lexical: lexicon::lexicon_mentions(doc)
                .into_iter()
                .map(|(m, _)| m)
                .collect(),
            rules: rules::rule_mentions(doc),
            model,
        })
        .collect()
}

/// The document-level half of [`recognize`]: propagation, overlap resolution, merging and roles,
/// from the sources' mentions `found` of `doc`'s text (`tagger`: whether a tagger was among the
/// sources, which changes the tiers of one-word names). The text is taken as one part of the
/// staged recognition ([`staged`]): [`staged::local_mentions`], [`propagate::Learned`],
/// [`staged::part_mentions`], [`staged::document_entities`].
pub fn recognize_found(doc: &words::Doc<'_>, found: SourceMentions, tagger: bool) -> Vec<Entity> {
    let local = staged::local_mentions(doc, found, tagger);
    let learned = propagate::Learned::new([local.learned_from_rules(), local.learned_from_model()]);
    let part = staged::part_mentions(doc, &local, &learned, tagger);
    staged::document_entities(&[(0, &part)])
}

/// The place a nisba adjective refers to, as written in `data/lexicon/nisba*.txt`
/// (الروسية → روسيا, الأفغانى → أفغانستان); `None` for other words. `word` is one word as
/// written (proclitics are not stripped). A nisba is a link to a place, never a mention.
pub fn nisba_place(word: &str) -> Option<&'static str> {
    lexicon::Lexicon::get().nisba_place(&crate::text::normalize::fold_str(word))
}

/// Cuts from a tagger's person mention the words that belong around the name, not to it: a
/// leading nisba adjective, title or title modifier (الرئيس التركي | رجب طيب أردوغان: the nisba
/// belongs to the role), and trailing words that start the rest of the sentence — a ل/ب + ال
/// word or ل + organization trigger (لوكالة، للصحفيين) or a definite common noun (الاتفاق).
/// At least one word is kept.
fn trim_person(doc: &words::Doc<'_>, m: &mut Mention) {
    let lx = lexicon::Lexicon::get();
    let Some((mut first, mut last)) = doc.token_range(m.span) else {
        return;
    };
    let mut start = m.span.start;
    while first < last {
        let f = doc.fold(first);
        let role_word = lx.nisba_place(f).is_some()
            || lx.titles.contains_key(f)
            || lx.title_modifiers.contains(f);
        if !role_word || start != doc.tokens[first].span.start {
            break;
        }
        first += 1;
        start = doc.tokens[first].span.start;
    }
    while last > first {
        let w = doc.fold(last);
        let light = doc.light(last);
        let behind_preposition = doc.readings[last].iter().any(|r| {
            r.prefix > 0
                && light.starts_with(['ل', 'ب'])
                && (r.fold.starts_with("ال") || lx.org_triggers.contains(&r.fold))
        });
        let common_definite = w.starts_with("ال")
            && w != "الله"
            && !lx.is_name_unit(w)
            && (lx.is_common(light)
                || lx.is_ambiguous(light)
                || lx.is_ambiguous(w)
                || lx.common_nouns.contains(w));
        if !(behind_preposition || common_definite) {
            break;
        }
        last -= 1;
    }
    m.span = Span::new(start, doc.tokens[last].span.end.min(m.span.end));
}

/// True when `span` lies inside `text` on char boundaries and is not empty.
fn valid_span(text: &str, span: Span) -> bool {
    span.start < span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

/// True when the one-word mention at `span` is a frequent non-entity word of ANERcorp train (as
/// written, light folding).
fn is_common_word(doc: &words::Doc<'_>, span: Span) -> bool {
    lexicon::Lexicon::get().is_common(&lexicon::light_fold(span.slice(doc.text)))
}

/// True when the tagger's mention `m` has no support (no gazetteer entry for its words, no
/// lexicon or rule mention overlapping it) and every word of it is a common noun: on the
/// non-entity noun list (`common_nouns.txt`: currencies, units, loanwords) or a frequent
/// non-entity word of ANERcorp train.
fn unsupported_common(doc: &words::Doc<'_>, m: &Mention, direct: &resolve::SpanIndex) -> bool {
    let lx = lexicon::Lexicon::get();
    if direct.any_overlap(m.span) {
        return false;
    }
    let key = doc.key(m.span);
    if key.is_empty() {
        return false;
    }
    if lx.common_nouns.contains(&key) {
        return true;
    }
    if lx.lookup(&key).is_some() {
        return false;
    }
    let Some((first, last)) = doc.token_range(m.span) else {
        return false;
    };
    (first..=last).filter(|&k| doc.is_word(k)).all(|k| {
        doc.readings[k]
            .iter()
            .any(|r| lx.common_nouns.contains(&r.fold) || lx.is_common(&r.light))
            && doc.readings[k].iter().all(|r| lx.lookup(&r.fold).is_none())
    })
}

/// Nisba adjectives (الروسية) and bare titles or triggers are never mentions.
fn is_non_name(doc: &words::Doc<'_>, m: &Mention) -> bool {
    let lx = lexicon::Lexicon::get();
    let key = doc.key(m.span);
    if key.is_empty() {
        return true;
    }
    if !key.contains(' ') {
        // A lone definite common noun tagged misc (البيت، الحرب), not a gazetteer name of
        // another kind, is not a name.
        let definite_misc = m.kind == EntityKind::Misc
            && m.origin != MentionOrigin::Rule
            && key.starts_with("ال")
            && lx
                .lookup(&key)
                .and_then(lexicon::GazetteerEntry::kind)
                .is_none_or(|k| k == EntityKind::Misc);
        return definite_misc
            || lx.nisba_place(&key).is_some()
            || lx.titles.contains_key(&key)
            || lx.org_triggers.contains(&key)
            || lx.loc_triggers.contains(&key);
    }
    // Every word a nisba or title (الرئيس الروسي).
    key.split(' ').all(|w| {
        lx.nisba_place(w).is_some() || lx.titles.contains_key(w) || lx.title_modifiers.contains(w)
    })
}

/// Removes roles whose words all occur, in order, in a longer role of the same entity
/// ("المتحدث باسم الوزارة" beside "المتحدث الرسمي باسم الوزارة").
fn drop_sub_roles(roles: Vec<String>) -> Vec<String> {
    let words: Vec<Vec<String>> = roles
        .iter()
        .map(|r| {
            r.split_whitespace()
                .map(crate::text::normalize::fold_str)
                .collect()
        })
        .collect();
    let is_sub = |a: &[String], b: &[String]| {
        a.len() < b.len() && {
            let mut it = b.iter();
            a.iter().all(|w| it.any(|x| x == w))
        }
    };
    roles
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !words.iter().any(|w| is_sub(&words[*i], w)))
        .map(|(_, r)| r)
        .collect()
}

#[cfg(test)]
mod tests;
