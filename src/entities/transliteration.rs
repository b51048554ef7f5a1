//! Latin transliterations in parentheses right after a name ("تيم كوك (Tim Cook)"): an alias
//! of the name before it — same entity, same kind — never an entity of its own.

use super::words::Doc;
use super::{Mention, MentionOrigin};
use crate::text::Span;
use crate::text::token::TokenKind;

/// Most Latin words a parenthesised transliteration may hold.
const MAX_WORDS: usize = 5;

/// The span (bytes) of a parenthesised run of one to [`MAX_WORDS`] Latin words (optionally
/// joined by `-`, `.`, `'` or `&`) opening right after token `last`: `(` at `last + 1`.
pub fn latin_after(doc: &Doc<'_>, last: usize) -> Option<Span> {
    let open = last + 1;
    if !doc.is_punct(open, '(') {
        return None;
    }
    let mut words = 0;
    for m in open + 1..doc.len().min(open + 2 * MAX_WORDS + 2) {
        if doc.is_punct(m, ')') {
            return (words > 0 && doc.tokens[open + 1].kind == TokenKind::Latin)
                .then(|| Span::new(doc.tokens[open + 1].span.start, doc.tokens[m - 1].span.end))
                .filter(|_| doc.tokens[m - 1].kind == TokenKind::Latin);
        }
        match doc.tokens[m].kind {
            TokenKind::Latin => words += 1,
            TokenKind::Punct if ["-", ".", "'", "&"].contains(&doc.word(m)) => {}
            _ => return None,
        }
        if words > MAX_WORDS {
            return None;
        }
    }
    None
}

/// Gives each parenthesised Latin transliteration after a mention the kind of that mention
/// (adding it as a mention when no source found it), and returns `(alias, name)` index pairs
/// into the returned, start-sorted mentions.
pub fn attach(doc: &Doc<'_>, mut mentions: Vec<Mention>) -> (Vec<Mention>, Vec<(usize, usize)>) {
    let found: Vec<(Span, super::EntityKind)> = mentions
        .iter()
        .filter_map(|m| {
            let (_, last) = doc.token_range(m.span)?;
            latin_after(doc, last).map(|alias| (alias, m.kind))
        })
        .collect();
    for (alias, kind) in found {
        // Mentions inside the parenthesis give way to one alias mention of the name's kind.
        mentions.retain(|m| !(m.span.start >= alias.start && m.span.end <= alias.end));
        mentions.push(Mention {
            span: alias,
            kind,
            origin: MentionOrigin::Rule,
        });
    }
    mentions.sort_by_key(|m| (m.span.start, m.span.end));
    let mut links = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        let Some((_, last)) = doc.token_range(m.span) else {
            continue;
        };
        if let Some(alias) = latin_after(doc, last)
            && let Some(a) = mentions.iter().position(|x| x.span == alias)
        {
            links.push((a, i));
        }
    }
    (mentions, links)
}
