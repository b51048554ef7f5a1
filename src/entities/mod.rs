//! Named entities: mentions found in the text and merged into entities.
//!
//! Mentions come from several [`MentionSource`]s — the shipped lexicon, context rules (titles,
//! trigger nouns), and the statistical tagger ([`crate::ner`]) — and are then merged into
//! [`Entity`] values (surname ↔ full name, spelling variants, short ↔ long forms).

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
}

/// A mention as it appears in an [`Entity`]: its range and the text written there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntityMention {
    /// The text at `span`, as written.
    pub text: String,
    /// Range (bytes, original text).
    pub span: Span,
}

/// An entity: merged mentions of one person, organization, place or other named thing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entity {
    /// Stable within one analysis: `e1`, `e2`… in order of first mention.
    pub id: String,
    /// Canonical name: the most complete form written; on a tie, the first written.
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

/// Finds the mentions of `text` with every source (lexicon, rules and — when given — the tagger),
/// resolves overlaps, and merges them into entities numbered in order of first mention.
pub fn recognize(text: &str, tokens: &[Token], extra: &[&dyn MentionSource]) -> Vec<Entity> {
    let _ = (text, tokens, extra);
    todo!()
}
