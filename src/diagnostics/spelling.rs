//! Spelling diagnostics: `inconsistent-spelling` (one entity's name written two ways). Its
//! skeletons and majority rule are shared with `mixed-orthography` ([`super::orthography`]).
//!
//! Both compare *skeletons*: the word as written minus diacritics, tatweel and invisible marks
//! ([`is_ignorable`]), so a vowelled and an unvowelled spelling are the same form. The form used
//! most often is the norm (on a tie, the one written first); each occurrence of another form is
//! reported, with a related location at the norm's first occurrence.

use std::collections::HashSet;

use super::{Code, Diagnostic, Message, excerpt, slice};
use crate::entities::Entity;
use crate::text::Span;
use crate::text::clitic::proclitic_splits;
use crate::text::normalize::is_ignorable;
use crate::text::token::{Token, TokenKind, tokenize};

/// `s` without diacritics, tatweel and invisible marks; white space runs become one space.
pub(super) fn skeleton(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if is_ignorable(c) {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// The words (Arabic or Latin tokens) of `s`, spans relative to `s`.
fn word_tokens(s: &str) -> Vec<Token> {
    tokenize(s)
        .into_iter()
        .filter(|t| matches!(t.kind, TokenKind::Arabic | TokenKind::Latin))
        .collect()
}

/// True when two folded name words are the same word, possibly misspelt: equal, or at an
/// optimal-string-alignment distance (Levenshtein with transpositions) of 1 for words of at least
/// four letters, 2 for words of at least seven (دميتري / ديمتري, غوتيريش / غوتيرش).
///
/// The distance is at least the difference in length, so the table is skipped when that
/// already exceeds the bound; [`crate::entities::merge::osa_within`] compares only what the two
/// words do not share at their ends (this runs for every pair of forms of every entity, on
/// each analysis).
fn similar(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let shorter = la.min(lb);
    let max = match shorter {
        0..4 => return false,
        4..7 => 1,
        _ => 2,
    };
    la.abs_diff(lb) <= max && crate::entities::merge::osa_within(a, b, max)
}

/// One name word (or two words written as one, عبد الله / عبدالله) of a mention, aligned to a
/// position of the entity's canonical name.
struct Occurrence<'a> {
    /// Index of the aligned position (unit) of the canonical name.
    unit: usize,
    /// Document span of the word(s).
    span: Span,
    /// Skeleton of the word(s) as written.
    form: &'a str,
    /// The word opens its mention: a proclitic may have leaked into the mention (ففيليكس), and
    /// after a ل an elided article may hide (للأمم → ل + الأمم).
    first: bool,
    /// The word opens its mention right after a ل, so "ا" + form may be the same spelling.
    after_lam: bool,
}

/// One aligned word of a mention text, as [`Occurrence`] with its span relative to the text.
struct Aligned {
    unit: usize,
    span: Span,
    form: String,
    first: bool,
}

/// The words of one mention text (`words`: its [`word_tokens`], spans relative to `s`) aligned
/// in order with `units`: exact folded matches first, then [`similar`] ones; unmatched words are
/// skipped.
fn align_words(s: &str, words: &[Token], units: &[String]) -> Vec<Aligned> {
    let mut out = Vec::new();
    let (mut u, mut i) = (0, 0);
    while i < words.len() && u < units.len() {
        let one = words[i].folded.as_str();
        let two = words.get(i + 1).map(|w| format!("{one}{}", w.folded));
        let exact = (u..units.len()).find_map(|v| {
            if units[v] == one {
                Some((v, 1))
            } else if two.as_deref() == Some(units[v].as_str()) {
                Some((v, 2))
            } else {
                None
            }
        });
        let found = exact.or_else(|| {
            (u..units.len())
                .find(|&v| similar(one, &units[v]))
                .map(|v| (v, 1))
        });
        let Some((v, n)) = found else {
            i += 1;
            continue;
        };
        let span = Span::new(words[i].span.start, words[i + n - 1].span.end);
        out.push(Aligned {
            unit: v,
            span,
            form: skeleton(span.slice(s)),
            first: i == 0,
        });
        u = v + 1;
        i += n;
    }
    out
}

/// Each distinct mention text of `entity` (in order of first occurrence) with its words
/// aligned to the units of the canonical name, and for each mention the index of its text
/// (`None` when its span does not fit `text`).
type Alignments<'t> = (Vec<(&'t str, Vec<Aligned>)>, Vec<Option<usize>>);

/// Aligns the words of each mention with the positions of the entity's canonical name.
///
/// Units are the canonical name's words, except that two consecutive words become one unit
/// when some mention writes them as one word. Each mention's words are matched in order (a
/// monotone alignment): exact folded matches first, then [`similar`] ones; unmatched words are
/// skipped, so a short form (بيسكوف) aligns with the last unit of the full name. Each distinct
/// mention text is tokenized and aligned once (an entity's mentions repeat a few forms).
fn align<'t>(text: &'t str, entity: &Entity) -> Alignments<'t> {
    let reference: Vec<String> = tokenize(&entity.name)
        .into_iter()
        .filter(|t| matches!(t.kind, TokenKind::Arabic | TokenKind::Latin))
        .map(|t| t.folded)
        .collect();
    if reference.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut index: rustc_hash::FxHashMap<&str, usize> = Default::default();
    let mut distinct: Vec<(&str, Vec<Token>)> = Vec::new();
    let of_mention: Vec<Option<usize>> = entity
        .mentions
        .iter()
        .map(|m| {
            let s = slice(text, m.span)?;
            Some(*index.entry(s).or_insert_with(|| {
                distinct.push((s, word_tokens(s)));
                distinct.len() - 1
            }))
        })
        .collect();
    let written_as_one: HashSet<&str> = distinct
        .iter()
        .flat_map(|(_, words)| words.iter().map(|w| w.folded.as_str()))
        .collect();
    let mut units: Vec<String> = Vec::with_capacity(reference.len());
    let mut k = 0;
    while k < reference.len() {
        if let Some(next) = reference.get(k + 1) {
            let joined = format!("{}{next}", reference[k]);
            if written_as_one.contains(joined.as_str()) {
                units.push(joined);
                k += 2;
                continue;
            }
        }
        units.push(reference[k].clone());
        k += 1;
    }
    let aligned = distinct
        .iter()
        .map(|(s, words)| (*s, align_words(s, words, &units)))
        .collect();
    (aligned, of_mention)
}

/// The occurrences of every mention of `entity` in mention order (each mention's in word
/// order), from [`align`]'s result.
fn occurrences<'a>(
    text: &str,
    entity: &Entity,
    (aligned, of_mention): &'a Alignments<'_>,
) -> Vec<Occurrence<'a>> {
    let mut out = Vec::new();
    for (m, d) in entity.mentions.iter().zip(of_mention) {
        let Some(d) = *d else { continue };
        for a in &aligned[d].1 {
            let span = Span::new(m.span.start + a.span.start, m.span.start + a.span.end);
            let before = text[..span.start].trim_end_matches(is_ignorable);
            let after_lam = a.first && before.ends_with('ل') && a.form.starts_with('ل');
            out.push(Occurrence {
                unit: a.unit,
                span,
                form: &a.form,
                first: a.first,
                after_lam,
            });
        }
    }
    out
}

/// The spelling an occurrence stands for: its form, unless it opens its mention and, read as
/// proclitics + stem (or as ل + an elided article), its stem is a form written elsewhere in
/// `written` — then that form (a clitic is not a spelling).
fn resolve(o: &Occurrence<'_>, written: &HashSet<&str>) -> String {
    if o.first {
        let with_article = format!("ا{}", o.form);
        if o.after_lam && written.contains(with_article.as_str()) {
            return with_article;
        }
        for split in proclitic_splits(o.form).into_iter().skip(1) {
            if split.article_elided {
                let restored = format!("ا{}", split.stem);
                if written.contains(restored.as_str()) {
                    return restored;
                }
            } else if written.contains(split.stem) {
                return split.stem.to_string();
            }
        }
    }
    o.form.to_string()
}

/// [`resolve`] of each of `occ`, computed once per distinct (form, first, after-lām): the
/// distinct resolved forms, and for each occurrence the index of its form among them.
fn resolved_forms<'a>(
    occ: &[&Occurrence<'a>],
    written: &HashSet<&str>,
) -> (Vec<String>, Vec<usize>) {
    let mut memo: rustc_hash::FxHashMap<(&str, bool, bool), usize> = Default::default();
    let mut forms: Vec<String> = Vec::new();
    let idx: Vec<usize> = occ
        .iter()
        .map(|o| {
            *memo
                .entry((o.form, o.first, o.after_lam))
                .or_insert_with(|| {
                    forms.push(resolve(o, written));
                    forms.len() - 1
                })
        })
        .collect();
    (forms, idx)
}

/// True when `form` holds a Persian/Urdu letter (keheh ک U+06A9, Farsi yeh ی U+06CC, heh with
/// yeh above ۀ U+06C0) — never the standard spelling of an Arabic word.
fn has_persian_letter(form: &str) -> bool {
    form.contains(['\u{06A9}', '\u{06CC}', '\u{06C0}'])
}

/// Groups `items` (form, span) by form, in order of first occurrence, and returns
/// `(forms, majority index)`: the most frequent form, the first written on a tie — among the
/// forms without Persian letters when there is one ([`has_persian_letter`]: in Arabic text
/// وزیر is always the odd spelling of وزير, however often it is written).
pub(super) fn majority<S: AsRef<str>>(
    items: impl IntoIterator<Item = (S, Span)>,
) -> (Vec<(S, Vec<Span>)>, usize) {
    let mut forms: Vec<(S, Vec<Span>)> = Vec::new();
    for (form, span) in items {
        match forms.iter_mut().find(|(f, _)| f.as_ref() == form.as_ref()) {
            Some((_, spans)) => spans.push(span),
            None => forms.push((form, vec![span])),
        }
    }
    for (_, spans) in &mut forms {
        spans.sort_unstable();
    }
    let rank = |(form, spans): &(S, Vec<Span>)| {
        (
            !has_persian_letter(form.as_ref()),
            spans.len(),
            std::cmp::Reverse(spans[0]),
        )
    };
    let mut best = 0;
    for (i, entry) in forms.iter().enumerate() {
        if rank(entry) > rank(&forms[best]) {
            best = i;
        }
    }
    (forms, best)
}

/// One `inconsistent-spelling` diagnostic per occurrence of a minority spelling of a word of an
/// entity's name. Each mention's words are aligned in order with the words of the entity's
/// canonical name (equal after folding, else within a small edit distance; two words written as
/// one, عبد الله / عبدالله, count as one position); words at one position are then compared by
/// skeleton. A short form (بيسكوف for دميتري بيسكوف) is not a different spelling, nor is the
/// elided article after ل (للأمم المتحدة). Related location: the first occurrence of the
/// majority spelling.
pub fn inconsistent_spelling(text: &str, entities: &[Entity]) -> Vec<Diagnostic> {
    inconsistent_spelling_reusing(text, entities, &mut SpellingMemo::default())
}

/// [`inconsistent_spelling`], taking each entity's findings from `memo` when an earlier call
/// computed them for the same entity content, and leaving in `memo` the findings of this
/// call's entities (those of other entities are dropped). The result equals
/// [`inconsistent_spelling`]`(text, entities)` whatever `memo` holds.
///
/// What an entity's findings depend on (its key): the canonical name and, per mention in
/// order, the text at its span (`None` when the span does not fit `text`) and whether the text
/// before it, diacritics and tatweel skipped, ends with ل. Its findings are kept relative to
/// its mentions (mention index, range inside the mention), so an edit elsewhere, which moves
/// the mentions, reuses them. Only entities whose mentions are in text order and do not
/// overlap, none empty, are memoised (then the order of the findings depends on the key
/// alone); others are
/// computed every time. Cost with every entity reused: one hash of each mention's text, one
/// comparison with the memo's copy, and a copy of each finding.
pub fn inconsistent_spelling_reusing(
    text: &str,
    entities: &[Entity],
    memo: &mut SpellingMemo,
) -> Vec<Diagnostic> {
    let mut old = std::mem::take(&mut memo.entries);
    let mut out = Vec::new();
    let mut seen: rustc_hash::FxHashSet<Span> = Default::default();
    let mut emit = |d: Diagnostic, out: &mut Vec<Diagnostic>| {
        if seen.insert(d.span) {
            out.push(d);
        }
    };
    for entity in entities {
        let ordered = entity.mentions.iter().all(|m| m.span.start < m.span.end)
            && entity
                .mentions
                .windows(2)
                .all(|w| w[0].span.end <= w[1].span.start);
        if !ordered {
            for d in entity_findings(text, entity) {
                emit(d, &mut out);
            }
            continue;
        }
        let key = SpellingKey::of(text, entity);
        let hash = key.hash();
        let reused = old.get_mut(&hash).and_then(|list| {
            let at = list.iter().position(|c| c.key == key)?;
            Some(list.swap_remove(at))
        });
        let cached = match reused {
            Some(c) => c,
            None => {
                let at = |span: Span| {
                    let k = entity
                        .mentions
                        .partition_point(|m| m.span.start <= span.start)
                        .saturating_sub(1);
                    (
                        k as u32,
                        span.start - entity.mentions[k].span.start,
                        span.len(),
                    )
                };
                let found = entity_findings(text, entity)
                    .into_iter()
                    .map(|d| Found {
                        at: at(d.span),
                        code: d.code,
                        message: d.message,
                        related: d
                            .related
                            .into_iter()
                            .map(|r| (at(r.span), r.message))
                            .collect(),
                    })
                    .collect();
                CachedFindings {
                    key: key.to_owned(),
                    found,
                }
            }
        };
        let abs = |(k, start, len): (u32, usize, usize)| {
            let s = entity.mentions[k as usize].span.start + start;
            Span::new(s, s + len)
        };
        for f in &cached.found {
            let mut d = Diagnostic::new(abs(f.at), f.code, f.message.clone());
            for (at, message) in &f.related {
                d = d.with_related(abs(*at), message.clone());
            }
            emit(d, &mut out);
        }
        memo.entries.entry(hash).or_default().push(cached);
    }
    out
}

/// The findings of [`inconsistent_spelling`] for entities of earlier calls, by content (see
/// [`inconsistent_spelling_reusing`]). Holds a copy of each memoised entity's name and mention
/// texts; `SpellingMemo::default()` is empty.
#[derive(Debug, Default)]
pub struct SpellingMemo {
    /// By [`SpellingKey::hash`]; a list for keys that share a hash.
    entries: rustc_hash::FxHashMap<u64, Vec<CachedFindings>>,
}

impl SpellingMemo {
    /// Number of entities memoised.
    pub fn len(&self) -> usize {
        self.entries.values().map(Vec::len).sum()
    }

    /// True when nothing is memoised.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What an entity's findings depend on: its name and, per mention, its text (`None`: the
/// span does not fit the text) and whether a ل comes right before it.
#[derive(Debug, PartialEq)]
struct SpellingKey<S> {
    name: S,
    mentions: Vec<(Option<S>, bool)>,
}

impl<'t> SpellingKey<&'t str> {
    fn of(text: &'t str, entity: &'t Entity) -> Self {
        let mentions = entity
            .mentions
            .iter()
            .map(|m| {
                let lam = text
                    .get(..m.span.start)
                    .is_some_and(|b| b.trim_end_matches(is_ignorable).ends_with('ل'));
                (slice(text, m.span), lam)
            })
            .collect();
        SpellingKey {
            name: &entity.name,
            mentions,
        }
    }

    fn hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        self.name.hash(&mut h);
        self.mentions.hash(&mut h);
        h.finish()
    }

    fn to_owned(&self) -> SpellingKey<Box<str>> {
        SpellingKey {
            name: self.name.into(),
            mentions: self
                .mentions
                .iter()
                .map(|&(s, lam)| (s.map(Box::from), lam))
                .collect(),
        }
    }
}

impl PartialEq<SpellingKey<&str>> for SpellingKey<Box<str>> {
    fn eq(&self, other: &SpellingKey<&str>) -> bool {
        *self.name == *other.name
            && self.mentions.len() == other.mentions.len()
            && self
                .mentions
                .iter()
                .zip(&other.mentions)
                .all(|((a, la), (b, lb))| la == lb && a.as_deref() == *b)
    }
}

/// One entity's findings, positions relative to its mentions.
#[derive(Debug)]
struct CachedFindings {
    key: SpellingKey<Box<str>>,
    found: Vec<Found>,
}

/// A finding: (mention index, start inside the mention in bytes, length in bytes) of the
/// diagnostic and of each related location.
#[derive(Debug)]
struct Found {
    at: (u32, usize, usize),
    code: Code,
    message: Message,
    related: Vec<((u32, usize, usize), Message)>,
}

/// The `inconsistent-spelling` findings of one entity, each span once, in the order
/// [`inconsistent_spelling`] reports them.
fn entity_findings(text: &str, entity: &Entity) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    let aligned = align(text, entity);
    let occurrences = occurrences(text, entity, &aligned);
    let units = occurrences
        .iter()
        .map(|o| o.unit)
        .max()
        .map_or(0, |m| m + 1);
    for unit in 0..units {
        let occ: Vec<&Occurrence> = occurrences.iter().filter(|o| o.unit == unit).collect();
        let written: HashSet<&str> = occ.iter().map(|o| o.form).collect();
        let (resolved, idx) = resolved_forms(&occ, &written);
        let items = idx
            .iter()
            .map(|&i| resolved[i].as_str())
            .zip(occ.iter().map(|o| o.span));
        let (forms, best) = majority(items);
        if forms.len() < 2 {
            continue;
        }
        let (major_form, major_spans) = &forms[best];
        let n = major_spans.len();
        let major = excerpt(major_form);
        let name = excerpt(&entity.name);
        for (i, (minor_form, spans)) in forms.iter().enumerate() {
            if i == best {
                continue;
            }
            let minor = excerpt(minor_form);
            for &span in spans {
                if !seen.insert(span) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        span,
                        Code::InconsistentSpelling,
                        Message::new(
                            format!("الاسم «{name}» مكتوب هنا «{minor}» وفي مواضع أخرى «{major}» ({n}×)"),
                            format!("Entity ‘{name}’ is spelled ‘{minor}’ here but ‘{major}’ elsewhere ({n}×)"),
                        ),
                    )
                    .with_related(
                        major_spans[0],
                        Message::new(format!("الكتابة الغالبة «{major}»"), format!("Usual spelling ‘{major}’")),
                    ),
                );
            }
        }
    }
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::entities::{EntityKind, EntityMention};

    /// Every occurrence of `needle` in `text` (byte spans).
    pub(crate) fn all(text: &str, needle: &str) -> Vec<Span> {
        text.match_indices(needle)
            .map(|(i, m)| Span::new(i, i + m.len()))
            .collect()
    }

    pub(crate) fn entity(text: &str, name: &str, mut spans: Vec<Span>) -> Entity {
        spans.sort_unstable();
        Entity {
            id: "e1".into(),
            name: name.into(),
            kind: EntityKind::Person,
            aliases: Vec::new(),
            roles: Vec::new(),
            mentions: spans
                .into_iter()
                .map(|span| EntityMention {
                    text: span.slice(text).into(),
                    span,
                })
                .collect(),
        }
    }

    pub(crate) fn found(text: &str, d: &[Diagnostic]) -> Vec<(String, Option<Span>)> {
        d.iter()
            .map(|d| {
                (
                    d.span.slice(text).to_string(),
                    d.related.first().map(|r| r.span),
                )
            })
            .collect()
    }

    #[test]
    fn memoised_findings_equal_fresh_ones_after_edits_elsewhere_and_inside() {
        let base = "صرح دميتري بيسكوف للصحفيين. وأضاف بيسكوف أن الزيارة مهمة. \
                    وأكد ديمتري بيسكوف ذلك. وقال دميتري بيسكوف لاحقا.";
        let person = |text: &str| {
            let mut spans = all(text, "دميتري بيسكوف");
            spans.extend(all(text, "ديمتري بيسكوف"));
            spans.extend(all(text, "ديميتري بيسكوف"));
            let full = spans.clone();
            for s in all(text, "بيسكوف") {
                if !full.iter().any(|f| f.contains(s)) {
                    spans.push(s);
                }
            }
            entity(text, "دميتري بيسكوف", spans)
        };
        let texts = [
            base.to_string(),
            format!("مقدمة قصيرة. {base}"), // every mention moves
            base.replace("الزيارة", "الزيارة الأولى"), // the mentions after it move
            base.replace("ديمتري", "دميتري"), // the minority spelling is gone
            base.replace("وأكد ديمتري", "وأكد ديميتري"), // another minority spelling
        ];
        let mut memo = SpellingMemo::default();
        let mut counts = Vec::new();
        for text in &texts {
            let e = person(text);
            let fresh = inconsistent_spelling(text, std::slice::from_ref(&e));
            let reused = inconsistent_spelling_reusing(text, std::slice::from_ref(&e), &mut memo);
            assert_eq!(reused, fresh, "{text}");
            counts.push(fresh.len());
            assert_eq!(memo.len(), 1);
        }
        assert_eq!(counts, vec![1, 1, 1, 0, 1]);
        // The second text's finding is the first's, moved with its mention.
        let shift = "مقدمة قصيرة. ".len();
        let first = inconsistent_spelling(&texts[0], &[person(&texts[0])]);
        let moved = inconsistent_spelling_reusing(&texts[1], &[person(&texts[1])], &mut memo);
        assert_eq!(moved[0].span.start, first[0].span.start + shift);
        assert_eq!(
            moved[0].related[0].span.start,
            first[0].related[0].span.start + shift
        );
    }

    #[test]
    fn minority_spelling_of_a_name_is_reported() {
        let text = "صرح دميتري بيسكوف للصحفيين. وأضاف بيسكوف أن الزيارة مهمة. \
                    وأكد ديمتري بيسكوف ذلك. وقال دميتري بيسكوف لاحقا إن لبيسكوف رأيا آخر.";
        let mut spans = all(text, "دميتري بيسكوف");
        spans.extend(all(text, "ديمتري بيسكوف"));
        let full: Vec<Span> = spans.clone();
        // Short mentions: every بيسكوف not inside a full name (لبيسكوف: clitic excluded).
        for s in all(text, "بيسكوف") {
            if !full.iter().any(|f| f.contains(s)) {
                spans.push(s);
            }
        }
        let e = entity(text, "دميتري بيسكوف", spans);
        assert_eq!(e.mentions.len(), 5);
        let d = inconsistent_spelling(text, &[e]);
        let minor = text.find("ديمتري").unwrap();
        let major = text.find("دميتري").unwrap();
        assert_eq!(
            found(text, &d),
            vec![(
                "ديمتري".to_string(),
                Some(Span::new(major, major + "دميتري".len()))
            )]
        );
        assert_eq!(d[0].span.start, minor);
        assert_eq!(
            d[0].message.en,
            "Entity ‘دميتري بيسكوف’ is spelled ‘ديمتري’ here but ‘دميتري’ elsewhere (2×)"
        );
        assert_eq!(
            d[0].message.ar,
            "الاسم «دميتري بيسكوف» مكتوب هنا «ديمتري» وفي مواضع أخرى «دميتري» (2×)"
        );
        assert_eq!(d[0].severity, super::super::Severity::Warning);
    }

    #[test]
    fn final_yeh_inside_an_organization_name() {
        let text = "اجتمعت منظمة الأمن الجماعي أمس، ثم أصدرت منظمة الأمن الجماعى بيانا.";
        let mut spans = all(text, "منظمة الأمن الجماعي");
        spans.extend(all(text, "منظمة الأمن الجماعى"));
        let e = entity(text, "منظمة الأمن الجماعي", spans);
        let d = inconsistent_spelling(text, &[e]);
        // A tie: the form written first is the norm.
        let first = text.find("الجماعي").unwrap();
        assert_eq!(
            found(text, &d),
            vec![(
                "الجماعى".to_string(),
                Some(Span::new(first, first + "الجماعي".len()))
            )]
        );
    }

    #[test]
    fn short_forms_diacritics_and_elided_article_are_not_variants() {
        let text = "دعت الأمم المتحدة إلى الهدوء، وقال متحدث باسم الأمم المتّحدة إن للأمم المتحدة دورا. \
                    وتحدث أَحْمَد مسعود ثم مسعود وأحمد مسعود.";
        let mut spans = all(text, "الأمم المتحدة");
        spans.extend(all(text, "الأمم المتّحدة"));
        let lam = text.find("للأمم").unwrap() + "ل".len();
        spans.push(Span::new(lam, lam + "لأمم المتحدة".len()));
        let un = entity(text, "الأمم المتحدة", spans);
        let mut spans = all(text, "أَحْمَد مسعود");
        spans.extend(all(text, "أحمد مسعود"));
        spans.push(Span::new(
            text.find("ثم مسعود").unwrap() + "ثم ".len(),
            text.find("ثم مسعود").unwrap() + "ثم مسعود".len(),
        ));
        let massoud = entity(text, "أحمد مسعود", spans);
        assert!(inconsistent_spelling(text, &[un, massoud]).is_empty());
    }

    #[test]
    fn a_clitic_inside_a_mention_is_not_a_spelling() {
        // An upstream mention that kept its ف (ففيليكس = ف + فيليكس) is the same spelling.
        let text = "فاز فيليكس أوجيه بالمباراة، ففيليكس لاعب خطير، وأوجيه يعرف ذلك.";
        let mut spans = all(text, "فيليكس أوجيه");
        spans.push(all(text, "ففيليكس")[0]);
        let e = entity(text, "فيليكس أوجيه", spans);
        assert!(inconsistent_spelling(text, &[e]).is_empty());
    }

    #[test]
    fn one_word_or_two() {
        let text = "التقى عبد الله الخطيب بالوفد، ثم غادر عبدالله الخطيب، وعاد عبد الله الخطيب.";
        let mut spans = all(text, "عبد الله الخطيب");
        spans.extend(all(text, "عبدالله الخطيب"));
        let e = entity(text, "عبد الله الخطيب", spans);
        let d = inconsistent_spelling(text, &[e]);
        assert_eq!(found(text, &d).len(), 1);
        assert_eq!(d[0].span.slice(text), "عبدالله");
        assert_eq!(d[0].related[0].span.slice(text), "عبد الله");
    }

    #[test]
    fn bad_mention_spans_are_ignored() {
        let text = "نص قصير";
        let e = entity(text, "نص", vec![Span::new(0, 2)]);
        let mut e2 = e.clone();
        e2.mentions[0].span = Span::new(1, 500);
        assert!(inconsistent_spelling(text, &[e, e2]).is_empty());
    }

    #[test]
    fn persian_letters_in_a_name_are_the_minority() {
        let text = "قال الوزير یاسر العلي إن ياسر العلي سيحضر.";
        let mut spans = all(text, "یاسر العلي");
        spans.extend(all(text, "ياسر العلي"));
        let e = entity(text, "یاسر العلي", spans);
        let d = inconsistent_spelling(text, &[e]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span.slice(text), "یاسر");
        assert_eq!(d[0].related[0].span.slice(text), "ياسر");
    }
}
