//! The document as the quotation layer sees it: text, tokens and entity mentions, with the
//! look-ups the other modules share.

use crate::entities::{Entity, EntityKind};
use crate::text::Span;
use crate::text::token::{Token, TokenKind};

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
    pub tokens: &'a [Token],
    /// The entities found in it.
    pub entities: &'a [Entity],
    /// Every mention of every entity, sorted by start.
    pub mentions: Vec<MentionRef>,
}

impl<'a> Doc<'a> {
    /// Collects the mentions of `entities`.
    pub fn new(text: &'a str, tokens: &'a [Token], entities: &'a [Entity]) -> Self {
        let mut mentions: Vec<MentionRef> = entities
            .iter()
            .enumerate()
            .flat_map(|(entity, e)| {
                e.mentions.iter().map(move |m| MentionRef {
                    span: m.span,
                    entity,
                })
            })
            .filter(|m| m.span.end <= text.len() && m.span.start < m.span.end)
            .collect();
        mentions.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
        Doc {
            text,
            tokens,
            entities,
            mentions,
        }
    }

    /// Index of the first token that starts at or after byte `offset`.
    pub fn token_at_or_after(&self, offset: usize) -> usize {
        self.tokens.partition_point(|t| t.span.start < offset)
    }

    /// Indices of the tokens lying inside `span`.
    pub fn tokens_in(&self, span: Span) -> std::ops::Range<usize> {
        let start = self.token_at_or_after(span.start);
        let end = self
            .tokens
            .partition_point(|t| t.span.end <= span.end)
            .max(start);
        start..end
    }

    /// The kind of the entity of a mention.
    pub fn kind(&self, m: &MentionRef) -> EntityKind {
        self.entities[m.entity].kind
    }

    /// Mentions lying inside `span`, in order.
    pub fn mentions_in(&self, span: Span) -> impl Iterator<Item = &MentionRef> {
        self.mentions.iter().filter(move |m| span.contains(m.span))
    }

    /// The first mention overlapping `span`.
    pub fn mention_overlapping(&self, span: Span) -> Option<&MentionRef> {
        self.mentions.iter().find(|m| m.span.overlaps(span))
    }

    /// True when token `i` is covered by a mention up to its end; a mention may start a few
    /// bytes into the token (its proclitics: لداعش، والكرملين).
    pub fn token_in_mention(&self, i: usize) -> bool {
        let t = self.tokens[i].span;
        self.mentions.iter().any(|m| {
            m.span.overlaps(t)
                && m.span.end >= t.end
                && (m.span.start <= t.start || m.span.start - t.start <= 6)
        })
    }
}

/// True for a word token (Arabic, Latin or a number).
pub(crate) fn is_word(t: &Token) -> bool {
    t.kind != TokenKind::Punct
}

/// True for a token that ends a sentence: . ! ? ؟ …
pub(crate) fn is_sentence_end(t: &Token) -> bool {
    t.kind == TokenKind::Punct && matches!(t.folded.as_str(), "." | "!" | "?" | "؟" | "…")
}

/// True for a punctuation token that ends a clause inside a sentence: ، , ؛ ;
pub(crate) fn is_clause_end(t: &Token) -> bool {
    t.kind == TokenKind::Punct && matches!(t.folded.as_str(), "،" | "," | "؛" | ";")
}

/// True for a punctuation token that is really a symbol or emoji (🙂, ©, ★): not a sentence
/// or clause mark, so phrase windows step over it.
pub(crate) fn is_symbol(t: &Token) -> bool {
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
