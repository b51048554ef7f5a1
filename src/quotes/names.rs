//! Speech or name? A span in quotation marks is a name or term — not a quotation — when
//! (rules of the section 3, in this order):
//! 0. it has one to four words, no cue verb, and follows a work, event or slogan noun (فيلم،
//!    الفيلم المصري، مهرجان، وسم…) or a naming word (ما يسمى، المعروف بـ): a title or term, even
//!    with a predicate word in it (مهرجان "كان") — unless the noun is in a cue verb's subject
//!    (وقال مدير البرنامج «…»). Lists in `data/quotes/title_triggers.txt`;
//! 1. its content is covered by entity mentions (الكرملين، داعش when the recognizer knows them),
//!    unless a quote-first cue follows it («سنرد»، قال…);
//! 2. it is a short noun phrase (≤ 4 words, no verb or predicate word, no sentence punctuation)
//!    right after an indefinite trigger noun (تنظيم "…"، وكالة أنباء "…"، برنامج «…»); a
//!    definite noun (المشروع «خطوة مهمة») is a subject with a quoted predicate, not a trigger;
//! 3. it has one to three words, no verb or predicate word, and no reporting context: no colon,
//!    cue verb or complementizer just before it, no cue verb earlier in its sentence followed by
//!    إن/أن or a colon, no cue verb or source phrase right after it (quote-first).
//!
//! A span never closed, running over several paragraphs, or without a word («»، «…») is always
//! speech.

use super::doc::{Doc, is_clause_end, is_sentence_end, is_word};
use super::lexicon::Lexicon;
use super::pair::Quoted;
use crate::text::token::TokenKind;

/// How far back (tokens) a cue verb may be for rule 3's reporting context.
const CONTEXT_WINDOW: usize = 16;

/// The most words a quoted name may have (rule 1, a span covered by entity mentions; the
/// other rules allow fewer).
const MAX_NAME_WORDS: usize = 6;

/// True when the quoted span `q` is a name or term rather than speech. `content`: the indices
/// of the tokens inside `q.content` ([`Doc::tokens_in`]).
pub(crate) fn is_name(
    doc: &Doc,
    lex: &Lexicon,
    q: &Quoted,
    content: std::ops::Range<usize>,
    has_children: bool,
) -> bool {
    if q.close.is_none() || q.is_multi_paragraph() || has_children {
        return false;
    }
    // Every rule below needs at most MAX_NAME_WORDS words: a longer span is speech, and its
    // words are not collected (nor its punctuation read).
    let mut words: Vec<usize> = Vec::with_capacity(MAX_NAME_WORDS);
    for i in content.clone().filter(|&i| is_word(&doc.tokens[i])) {
        if words.len() == MAX_NAME_WORDS {
            return false;
        }
        words.push(i);
    }
    let has_sentence_punct = doc.tokens[content].iter().any(|t| {
        t.kind == TokenKind::Punct
            && matches!(
                t.folded,
                "." | "!" | "?" | "؟" | "،" | "," | ":" | "؛" | ";" | "…"
            )
    });
    if has_sentence_punct || words.is_empty() {
        // Sentence punctuation: speech. No word (empty or punctuation only: «»، «…»): a
        // (degenerate) quotation, never a name.
        return false;
    }
    // Rule 0: a title or term after a work/event noun or a naming word (الفيلم المصري "…"،
    // مهرجان "كان"، ما يسمى "…"), even with a predicate word, as long as no cue verb is in it.
    // After a definite noun in reported speech (قال إن الفيلم «تحفة فنية») the span may be a
    // quoted predicate: then the other rules decide.
    if words.len() <= 4
        && !words.iter().any(|&i| doc.cue(i).is_some())
        && let Some(definite) = after_title_trigger(doc, lex, q)
        && (!definite || !reported_before(doc, lex, q))
    {
        return true;
    }
    // Rule 1: covered by entity mentions — unless a quote-first cue follows («سنرد»، قال…):
    // a recognizer may take a one-word utterance for a name.
    if words.len() <= MAX_NAME_WORDS
        && words.iter().all(|&i| doc.token_in_mention(i))
        && !quote_first_cue_after(doc, lex, q)
    {
        return true;
    }
    let verb_like = words
        .iter()
        .any(|&i| is_verb_like(lex, doc.tokens[i].folded));
    if verb_like {
        return false;
    }
    // Rule 2: short noun phrase after an indefinite trigger noun.
    if words.len() <= 4 && after_trigger(doc, lex, q) {
        return true;
    }
    // Rule 3: very short, outside any reporting context, and not a sentence of its own.
    words.len() <= 3 && !reporting_context(doc, lex, q) && !whole_sentence(doc, q)
}

/// The quoted span is a sentence by itself: nothing but its sentence's or paragraph's edges
/// around it («نعم».).
fn whole_sentence(doc: &Doc, q: &Quoted) -> bool {
    let at = doc.token_at_or_after(q.open.start);
    let starts = at
        .checked_sub(1)
        .map(|i| &doc.tokens[i])
        .is_none_or(|t| is_sentence_end(t) || has_line_break(doc, t.span.end, q.open.start));
    let after = doc.token_at_or_after(q.span.end);
    let ends = doc
        .tokens
        .get(after)
        .is_none_or(|t| is_sentence_end(t) || has_line_break(doc, q.span.end, t.span.start));
    starts && ends
}

/// True when the text between bytes `a` and `b` holds a line break (a paragraph boundary).
fn has_line_break(doc: &Doc, a: usize, b: usize) -> bool {
    doc.text
        .get(a..b)
        .is_some_and(|gap| gap.contains(['\n', '\r']))
}

/// A cue verb, a predicate word (لقد، لن، هذا…), or a future-tense verb (سيـ ستـ سنـ).
fn is_verb_like(lex: &Lexicon, folded: &str) -> bool {
    let bare = folded
        .strip_prefix('و')
        .or_else(|| folded.strip_prefix('ف'))
        .unwrap_or(folded);
    let future = ["سي", "ست", "سن"]
        .iter()
        .any(|p| bare.starts_with(p) && bare.chars().count() >= 5);
    lex.cue(folded).is_some() || lex.is_predicate_word(folded) || future
}

/// One of the two words just before the opening mark is an indefinite trigger noun, with
/// only words between it and the mark.
fn after_trigger(doc: &Doc, lex: &Lexicon, q: &Quoted) -> bool {
    let at = doc.token_at_or_after(q.open.start);
    let before: Vec<_> = doc.tokens[..at].iter().rev().take(2).collect();
    match before.as_slice() {
        [w1, ..] if !is_word(w1) => false,
        [w1, rest @ ..] => {
            lex.is_trigger(w1.folded)
                || rest
                    .first()
                    .is_some_and(|w2| is_word(w2) && lex.is_trigger(w2.folded))
        }
        [] => false,
    }
}

/// The word before the opening mark (a lone ب / بـ skipped) is a naming word (يسمى، المعروف),
/// or a title noun (فيلم، الفيلم، مهرجان) directly or through up to two adjectives (الفيلم
/// المصري), with only words between: `Some(definite)` — true when the noun has the article —
/// else `None`.
fn after_title_trigger(doc: &Doc, lex: &Lexicon, q: &Quoted) -> Option<bool> {
    let at = doc.token_at_or_after(q.open.start);
    let mut before = (0..at).rev().peekable();
    if before.peek().is_some_and(|&i| doc.tokens[i].folded == "ب") {
        before.next();
    }
    for (k, i) in before.take(3).enumerate() {
        let t = &doc.tokens[i];
        if !is_word(t) {
            return None;
        }
        let f = t.folded;
        if k == 0 && lex.is_naming_word(f) {
            return Some(false);
        }
        if lex.is_title_noun(f) {
            // وقال مدير البرنامج «…»: the noun is in the speaker's phrase, the span is speech.
            let in_subject = doc.tokens[..i]
                .iter()
                .rev()
                .take(4)
                .take_while(|t| is_word(t) && !lex.is_complementizer(t.folded))
                .any(|t| lex.cue(t.folded).is_some());
            return (!in_subject).then(|| definite(f));
        }
        let adjective = f.starts_with("ال") || f.ends_with('ي') || f.ends_with("يه");
        if !adjective {
            return None;
        }
    }
    None
}

/// True when a folded noun has the article, behind the proclitics و ف ب ك or as لل (للفيلم).
fn definite(folded: &str) -> bool {
    let w = folded
        .strip_prefix(['و', 'ف'])
        .filter(|w| w.chars().count() >= 3)
        .unwrap_or(folded);
    w.starts_with("ال")
        || w.starts_with("لل")
        || w.strip_prefix(['ب', 'ك'])
            .is_some_and(|r| r.starts_with("ال"))
}

/// A cue verb (or هكذا + cue) right after the closing mark and a comma or dash: the quote-first
/// order («…»، قال فلان).
fn quote_first_cue_after(doc: &Doc, lex: &Lexicon, q: &Quoted) -> bool {
    let after = doc.token_at_or_after(q.span.end);
    doc.tokens[after..]
        .iter()
        .find(|t| {
            !(is_clause_end(t)
                || matches!(t.folded, "-" | "–" | "—")
                || lex.is_quote_first_filler(t.folded))
        })
        .is_some_and(|t| is_word(t) && lex.cue(t.folded).is_some())
}

/// The span sits where reported speech goes (see rule 3 in the module documentation).
fn reporting_context(doc: &Doc, lex: &Lexicon, q: &Quoted) -> bool {
    reported_before(doc, lex, q) || {
        // Just after (quote-first): a cue verb or a source phrase.
        let after = doc.token_at_or_after(q.span.end);
        let next = doc.tokens[after..]
            .iter()
            .find(|t| !(is_clause_end(t) || matches!(t.folded, "-" | "–" | "—")));
        next.is_some_and(|t| {
            lex.cue(t.folded).is_some() || lex.sources_starting(t.folded).next().is_some()
        })
    }
}

/// The reporting context before the span: a colon, cue verb or complementizer just before it,
/// or a cue verb followed by إن/أن or a colon earlier in its sentence.
fn reported_before(doc: &Doc, lex: &Lexicon, q: &Quoted) -> bool {
    let at = doc.token_at_or_after(q.open.start);
    // Just before: a colon, a cue verb or a complementizer.
    if let Some(prev) = at.checked_sub(1).map(|i| &doc.tokens[i])
        && (prev.folded == ":"
            || lex.cue(prev.folded).is_some()
            || lex.is_complementizer(prev.folded))
    {
        return true;
    }
    // Earlier in the sentence: a cue verb followed by إن/أن or a colon before the mark.
    let mut seen_complement = false;
    for t in doc.tokens[..at].iter().rev().take(CONTEXT_WINDOW) {
        if is_sentence_end(t) {
            break;
        }
        if t.folded == ":" || lex.is_complementizer(t.folded) {
            seen_complement = true;
        } else if is_word(t) && lex.cue(t.folded).is_some() {
            return seen_complement;
        }
    }
    false
}
