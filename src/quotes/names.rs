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

use super::doc::{Doc, MentionRef, is_clause_end, is_sentence_end, is_word};
use super::lexicon::{Lexicon, WordClasses};
use super::pair::Quoted;
use crate::text::Span;
use crate::text::edit::EditMap;
use crate::text::token::TokenKind;

/// How far back (tokens) a cue verb may be for rule 3's reporting context.
const CONTEXT_WINDOW: usize = 16;

/// The most words a quoted name may have (rule 1, a span covered by entity mentions; the
/// other rules allow fewer).
const MAX_NAME_WORDS: usize = 6;

/// Whether the quoted span `q` is a name or term rather than speech (true). `content`: the
/// indices of the tokens inside `q.content` ([`Doc::tokens_in`]); `has_children`: a quoted
/// span is nested in `q`. Returns the decision with what it read, for the next version's
/// [`Reuse`].
pub(crate) fn decide(
    doc: &Doc,
    lex: &Lexicon,
    q: &Quoted,
    content: std::ops::Range<usize>,
    has_children: bool,
) -> Decision {
    let by_shape = |window: Span| Decision {
        span: q.span,
        window,
        shape: Shape::of(q, has_children),
        ruled: false,
        name: false,
    };
    if q.close.is_none() || q.is_multi_paragraph() || has_children {
        return by_shape(q.span);
    }
    // Every rule below needs at most MAX_NAME_WORDS words: a longer span is speech, and its
    // words are not collected (nor its punctuation read).
    let mut words: Vec<usize> = Vec::with_capacity(MAX_NAME_WORDS);
    for i in content.clone().filter(|&i| is_word(&doc.tokens[i])) {
        if words.len() == MAX_NAME_WORDS {
            return by_shape(q.span);
        }
        words.push(i);
    }
    let has_sentence_punct = doc.tokens[content.clone()].iter().any(|t| {
        t.kind == TokenKind::Punct
            && matches!(
                t.folded,
                "." | "!" | "?" | "؟" | "،" | "," | ":" | "؛" | ";" | "…"
            )
    });
    if has_sentence_punct || words.is_empty() {
        // Sentence punctuation: speech. No word (empty or punctuation only: «»، «…»): a
        // (degenerate) quotation, never a name.
        return by_shape(q.span);
    }
    // The tokens at the opening mark and just after the span, searched from the content's.
    let at = doc.token_at_or_after_from(q.open.start, content.start);
    let after = doc.token_at_or_after_from(q.span.end, content.end);
    let around = Around { at, after };
    Decision {
        window: window(doc, lex, q, around),
        ruled: true,
        name: rules(doc, lex, q, &words, around),
        ..by_shape(q.span)
    }
}

/// The rules of the module documentation for a closed, single-paragraph span with no nested
/// quotation, `words` its word tokens (one to [`MAX_NAME_WORDS`]) and no sentence punctuation.
fn rules(doc: &Doc, lex: &Lexicon, q: &Quoted, words: &[usize], around: Around) -> bool {
    // Rule 0: a title or term after a work/event noun or a naming word (الفيلم المصري "…"،
    // مهرجان "كان"، ما يسمى "…"), even with a predicate word, as long as no cue verb is in it.
    // After a definite noun in reported speech (قال إن الفيلم «تحفة فنية») the span may be a
    // quoted predicate: then the other rules decide.
    if words.len() <= 4
        && !words.iter().any(|&i| doc.cue(i).is_some())
        && let Some(definite) = after_title_trigger(doc, lex, around)
        && (!definite || !reported_before(doc, around))
    {
        return true;
    }
    // Rule 1: covered by entity mentions — unless a quote-first cue follows («سنرد»، قال…):
    // a recognizer may take a one-word utterance for a name.
    if words.len() <= MAX_NAME_WORDS
        && words.iter().all(|&i| doc.token_in_mention(i))
        && !quote_first_cue_after(doc, lex, around)
    {
        return true;
    }
    let verb_like = words.iter().any(|&i| is_verb_like(doc, lex, i));
    if verb_like {
        return false;
    }
    // Rule 2: short noun phrase after an indefinite trigger noun.
    if words.len() <= 4 && after_trigger(doc, lex, around) {
        return true;
    }
    // Rule 3: very short, outside any reporting context, and not a sentence of its own.
    words.len() <= 3 && !reporting_context(doc, lex, around) && !whole_sentence(doc, q, around)
}

/// Where a quoted span sits among the tokens: `at`, the first token starting at or after its
/// opening mark; `after`, the first token starting at or after its end (indices into
/// [`Doc::tokens`]).
#[derive(Clone, Copy)]
struct Around {
    at: usize,
    after: usize,
}

/// The quoted span is a sentence by itself: nothing but its sentence's or paragraph's edges
/// around it («نعم».).
fn whole_sentence(doc: &Doc, q: &Quoted, Around { at, after }: Around) -> bool {
    let starts = at
        .checked_sub(1)
        .map(|i| &doc.tokens[i])
        .is_none_or(|t| is_sentence_end(t) || has_line_break(doc, t.span.end, q.open.start));
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

/// Token `i` is a cue verb, a predicate word (لقد، لن، هذا…), or a future-tense verb (سيـ ستـ
/// سنـ).
fn is_verb_like(doc: &Doc, lex: &Lexicon, i: usize) -> bool {
    let folded = doc.tokens[i].folded;
    let bare = folded
        .strip_prefix('و')
        .or_else(|| folded.strip_prefix('ف'))
        .unwrap_or(folded);
    let future = ["سي", "ست", "سن"]
        .iter()
        .any(|p| bare.starts_with(p) && bare.chars().count() >= 5);
    doc.cue(i).is_some() || lex.is_predicate_word(folded) || future
}

/// One of the two words just before the opening mark is an indefinite trigger noun, with
/// only words between it and the mark.
fn after_trigger(doc: &Doc, lex: &Lexicon, Around { at, .. }: Around) -> bool {
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
fn after_title_trigger(doc: &Doc, lex: &Lexicon, Around { at, .. }: Around) -> Option<bool> {
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
            let in_subject = (0..i)
                .rev()
                .take(4)
                .take_while(|&j| {
                    is_word(&doc.tokens[j]) && !doc.class(j, WordClasses::COMPLEMENTIZER)
                })
                .any(|j| doc.cue(j).is_some());
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
fn quote_first_cue_after(doc: &Doc, lex: &Lexicon, Around { after, .. }: Around) -> bool {
    (after..doc.tokens.len())
        .find(|&j| {
            let t = &doc.tokens[j];
            !(is_clause_end(t)
                || matches!(t.folded, "-" | "–" | "—")
                || lex.is_quote_first_filler(t.folded))
        })
        .is_some_and(|j| is_word(&doc.tokens[j]) && doc.cue(j).is_some())
}

/// The span sits where reported speech goes (see rule 3 in the module documentation).
fn reporting_context(doc: &Doc, lex: &Lexicon, around: Around) -> bool {
    reported_before(doc, around) || {
        // Just after (quote-first): a cue verb or a source phrase.
        let after = around.after;
        let next = (after..doc.tokens.len()).find(|&j| {
            let t = &doc.tokens[j];
            !(is_clause_end(t) || matches!(t.folded, "-" | "–" | "—"))
        });
        next.is_some_and(|j| {
            doc.cue(j).is_some() || lex.sources_starting(doc.tokens[j].folded).next().is_some()
        })
    }
}

/// The reporting context before the span: a colon, cue verb or complementizer just before it,
/// or a cue verb followed by إن/أن or a colon earlier in its sentence.
fn reported_before(doc: &Doc, Around { at, .. }: Around) -> bool {
    // Just before: a colon, a cue verb or a complementizer.
    if let Some(i) = at.checked_sub(1)
        && (doc.tokens[i].folded == ":"
            || doc.cue(i).is_some()
            || doc.class(i, WordClasses::COMPLEMENTIZER))
    {
        return true;
    }
    // Earlier in the sentence: a cue verb followed by إن/أن or a colon before the mark.
    let mut seen_complement = false;
    for j in (0..at).rev().take(CONTEXT_WINDOW) {
        let t = &doc.tokens[j];
        if is_sentence_end(t) {
            break;
        }
        if t.folded == ":" || doc.class(j, WordClasses::COMPLEMENTIZER) {
            seen_complement = true;
        } else if is_word(t) && doc.cue(j).is_some() {
            return seen_complement;
        }
    }
    false
}

/// The bytes whose tokens and text the rules read ([`rules`]): from the earliest token any
/// rule looks back to ([`CONTEXT_WINDOW`] tokens before the opening mark; the text's start
/// when there are fewer) to the end of the first token after the span that the quote-first
/// checks stop at (the text's end when there is none).
fn window(doc: &Doc, lex: &Lexicon, q: &Quoted, Around { at, after }: Around) -> Span {
    let start = match at.checked_sub(CONTEXT_WINDOW) {
        Some(i) if i > 0 => doc.tokens[i].span.start,
        _ => 0,
    };
    let stop = (after..doc.tokens.len()).find(|&j| {
        let t = &doc.tokens[j];
        !(is_clause_end(t)
            || matches!(t.folded, "-" | "–" | "—")
            || lex.is_quote_first_filler(t.folded))
    });
    let end = stop.map_or(doc.text.len(), |j| doc.tokens[j].span.end);
    Span::new(start.min(q.span.start), end.max(q.span.end))
}

/// What a quoted span's decision depends on besides the tokens: whether it is closed, runs
/// over several paragraphs, or has a quoted span nested in it (bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shape(u8);

impl Shape {
    fn of(q: &Quoted, has_children: bool) -> Shape {
        Shape(
            u8::from(q.close.is_some())
                | u8::from(q.is_multi_paragraph()) << 1
                | u8::from(has_children) << 2,
        )
    }
}

/// One quoted span's decision and what it read: the tokens and text of `window` (the span
/// itself for a span that is speech by its shape; [`window`] for one the rules decided), its
/// [`Shape`], and — when `ruled` — the mentions overlapping its content ([`Reuse`] checks the
/// mentions that differ outside the edited paragraphs against its whole span, a superset).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Decision {
    span: Span,
    window: Span,
    shape: Shape,
    ruled: bool,
    /// The decision: a name or term (true) or speech.
    pub name: bool,
}

/// The decisions on the quoted spans of one version of a text (in order), kept for the next
/// version ([`Reuse`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct NamesMemo {
    text_len: usize,
    decisions: Vec<Decision>,
}

impl NamesMemo {
    /// An empty memo for a text of `text_len` bytes, reusing `old`'s allocation.
    pub fn recycled(old: NamesMemo, text_len: usize) -> NamesMemo {
        NamesMemo {
            text_len,
            decisions: crate::recycle::recycle(old.decisions),
        }
    }

    /// Records `d`, the decision on the quoted span after the last one recorded.
    pub fn push(&mut self, d: Decision) {
        self.decisions.push(d);
    }
}

/// At most this many mentions outside the edited paragraphs may differ from the previous ones
/// for the decisions by the rules away from them to be reused ([`Reuse`]).
pub(crate) const MAX_DIFFERING_MENTIONS: usize = 64;

/// The spans in one of `new` and `old` but not the other (both in the order of
/// [`crate::entities::MentionOrder`]: by start, then longer first), in that order; `None` when
/// more than [`MAX_DIFFERING_MENTIONS`] differ or an `old` span is `None` (not shifted into the
/// new text).
fn differing_spans(
    new: impl Iterator<Item = Span>,
    old: impl Iterator<Item = Option<Span>>,
) -> Option<Vec<Span>> {
    let key = |s: Span| (s.start, std::cmp::Reverse(s.end));
    let (mut new, mut old) = (new.peekable(), old.peekable());
    let mut out = Vec::new();
    loop {
        let next = match (new.peek().copied(), old.peek().copied()) {
            (None, None) => return Some(out),
            (_, Some(None)) => return None,
            (Some(a), Some(Some(b))) if a == b => {
                new.next();
                old.next();
                continue;
            }
            (Some(a), Some(Some(b))) if key(a) < key(b) => new.next(),
            (Some(_), Some(Some(_))) | (None, Some(Some(_))) => old.next().flatten(),
            (Some(_), None) => new.next(),
        };
        out.extend(next);
        if out.len() > MAX_DIFFERING_MENTIONS {
            return None;
        }
    }
}

/// The decisions of the previous version that still hold, taken in text order. Why reuse is
/// exact: a decision reads the tokens and the text inside its window, the span's [`Shape`] and
/// — for one made by the rules — the mentions overlapping its content. Tokens never cross a
/// paragraph, so when the window lies outside the paragraphs the edit touched, its tokens and
/// text are the previous version's, shifted. The shape is compared; the mentions outside
/// those paragraphs are compared once with the previous ones (they differ elsewhere only when
/// a name is taught or untaught): a decision by the rules is reused when none of the mentions
/// that differ overlaps its span, and when more than [`MAX_DIFFERING_MENTIONS`] differ only the
/// decisions by shape are.
pub(crate) struct Reuse<'m> {
    memo: &'m NamesMemo,
    map: EditMap,
    /// The changed bytes widened to the paragraphs touching them (new offsets).
    changed: Span,
    /// The mentions outside `changed` that are not the previous ones shifted (new offsets for
    /// a new mention, the shifted span for a previous one), in text order; `None` when there
    /// are more than [`MAX_DIFFERING_MENTIONS`] or a previous one cannot be shifted.
    differing: Option<Vec<Span>>,
    /// The next remembered decision to look at (spans come in text order).
    cursor: usize,
}

impl<'m> Reuse<'m> {
    /// The reuse of `memo`, made on the text `map` maps into `doc.text` (paragraphs `paras`),
    /// whose mentions were `old_mentions`; `None` when `map` does not fit the two texts.
    pub fn new(
        memo: &'m NamesMemo,
        old_mentions: &[MentionRef],
        map: EditMap,
        doc: &Doc,
        paras: &[Span],
    ) -> Option<Self> {
        let text_len = doc.text.len();
        let (ch_new, ch_old) = (map.changed_new(), map.changed_old());
        let fits = text_len + ch_old.len() == memo.text_len + ch_new.len()
            && ch_old.end <= memo.text_len
            && ch_new.end <= text_len;
        if !fits {
            return None;
        }
        let first = paras.partition_point(|p| p.end < ch_new.start);
        let start = paras
            .get(first)
            .map_or(ch_new.start, |p| p.start.min(ch_new.start));
        let last = paras.partition_point(|p| p.start <= ch_new.end);
        let end = last
            .checked_sub(1)
            .and_then(|l| paras.get(l))
            .map_or(ch_new.end, |p| p.end.max(ch_new.end));
        let changed = Span::new(start, end.max(start));
        // The same region in the old text: its ends lie outside the changed bytes or on them.
        let old_changed = Span::new(changed.start, changed.end - ch_new.end + ch_old.end);
        let outside = |ms: &[MentionRef], z: Span| {
            let a = ms.partition_point(|m| m.span.start < z.start);
            let b = ms.partition_point(|m| m.span.start <= z.end).max(a);
            (a, b)
        };
        let (na, nb) = outside(&doc.mentions, changed);
        let (oa, ob) = outside(old_mentions, old_changed);
        // A mention starting before the region may reach into it: compared as well (it is in
        // the first part), so a change to it shows as a difference.
        let new = doc.mentions[..na].iter().chain(&doc.mentions[nb..]);
        let old = old_mentions[..oa].iter().chain(&old_mentions[ob..]);
        let differing = differing_spans(new.map(|m| m.span), old.map(|m| map.old_to_new(m.span)));
        Some(Reuse {
            memo,
            map,
            changed,
            differing,
            cursor: 0,
        })
    }

    /// The previous decision on `q` (`has_children`: a quoted span is nested in it), moved into
    /// the new text, when it still holds. Calls must come in text order.
    pub fn decision(&mut self, q: &Quoted, has_children: bool) -> Option<Decision> {
        let old = self.map.new_to_old(q.span)?;
        let ds = &self.memo.decisions;
        while ds
            .get(self.cursor)
            .is_some_and(|d| d.span.start < old.start)
        {
            self.cursor += 1;
        }
        let d = ds.get(self.cursor).filter(|d| d.span == old)?;
        let window = self.map.old_to_new(d.window)?;
        let apart = window.end < self.changed.start || window.start > self.changed.end;
        let fits = apart && d.shape == Shape::of(q, has_children);
        let mentions_same = match &self.differing {
            Some(spans) => !spans.iter().any(|s| s.overlaps(q.span)),
            None => false,
        };
        (fits && (!d.ruled || mentions_same)).then_some(Decision {
            span: q.span,
            window,
            ..*d
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_DIFFERING_MENTIONS, differing_spans};
    use crate::text::Span;

    #[test]
    fn differing_spans_are_those_in_one_list_only() {
        let s = |a, b| Span::new(a, b);
        let new = [s(0, 5), s(10, 20), s(10, 14), s(30, 35), s(50, 52)];
        let old = [s(0, 5), s(10, 14), s(30, 36), s(40, 44), s(50, 52)];
        assert_eq!(
            differing_spans(new.into_iter(), old.into_iter().map(Some)),
            Some(vec![s(10, 20), s(30, 36), s(30, 35), s(40, 44)])
        );
        assert_eq!(
            differing_spans(new.into_iter(), new.into_iter().map(Some)),
            Some(vec![])
        );
        // An old span that cannot be shifted, or too many differences: nothing is known.
        assert_eq!(differing_spans(new.into_iter(), [None].into_iter()), None);
        let many = (0..=MAX_DIFFERING_MENTIONS).map(|i| s(10 * i, 10 * i + 3));
        assert_eq!(differing_spans(many, std::iter::empty()), None);
    }
}
