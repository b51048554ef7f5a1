//! `mixed-orthography`: one Arabic word written with final ى and ي, ة and ه, or Persian and
//! Arabic letters (فى / في، الحمله / الحملة، کابول / كابول) in one document.
//!
//! Words are compared by skeleton ([`super::spelling`]'s: diacritics, tatweel and invisible
//! marks left out) under an *orthography key* that folds the letters in question. The form used
//! most often is the norm (on a tie, the one written first; never a form with Persian letters
//! when there is another); each occurrence of another form is reported when the two cannot be
//! two different words.
//!
//! Each paragraph's words are computed once ([`orthography_words`], cached with the paragraph);
//! an [`OrthographyIndex`] keeps the document's words by key across edits, so that a keystroke
//! updates it from the paragraphs that changed instead of hashing every word again.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::spelling::{majority, skeleton};
use super::{Code, Diagnostic, Message, excerpt, slice};
use crate::entities::Entity;
use crate::text::Span;
use crate::text::token::{Token, TokenKind};

/// The mixed-orthography key of a skeleton: ى → ي, ة → ه, Persian ک → ك, ی → ي, ۀ → ه.
fn orthography_key(form: &str) -> String {
    form.chars()
        .map(|c| match c {
            'ى' | 'ی' => 'ي',
            'ة' | 'ۀ' => 'ه',
            'ک' => 'ك',
            c => c,
        })
        .collect()
}

/// Words whose ى / ي spellings are one word, so that the variation is always an error
/// (فى / في، الذى / الذي…). Keys after [`orthography_key`], without a leading و/ف.
const YEH_ALWAYS: &[&str] = &[
    "في", "الذي", "التي", "هي", "أي", "اي", "ذي", "كي", "لكي", "حتي", "متي", "الي",
];

/// Pairs where the ى and the ي spelling are two valid words (على "on" / علي "Ali", رأى "saw" /
/// رأي "opinion", لدى / لديّ…): never reported. Keys after [`orthography_key`].
const YEH_BOTH_VALID: &[&str] = &[
    "علي", "إلي", "لدي", "رأي", "سعي", "مضي", "جري", "نفي", "رمي", "مشي", "نهي", "هدي", "وعي",
    "حكي", "بكي", "رعي", "شفي", "أري", "نري", "يري", "تري", "ألقي", "أعلي", "يحيي", "بني", "سوي",
    "أولي", "أني", "ثني",
    // After the article: الأولى "the first" / الأولي "preliminary", الأسرى "prisoners" /
    // الأسري "domestic", الدعوى "lawsuit" / الدعوي "missionary", السفلى / السفلي، الوسطى / الوسطي.
    "أسري", "دعوي", "سفلي", "وسطي",
];

/// The word without one leading conjunction و/ف when at least two letters remain.
fn strip_conjunction(key: &str) -> &str {
    match key.strip_prefix(['و', 'ف']) {
        Some(rest) if rest.chars().count() >= 2 => rest,
        _ => key,
    }
}

/// The word after the article (ال، بال، كال، لل — after [`strip_conjunction`]), if it has one and
/// at least two letters follow it.
fn after_article(core: &str) -> Option<&str> {
    ["ال", "بال", "كال", "لل"]
        .iter()
        .find_map(|a| core.strip_prefix(a))
        .filter(|rest| rest.chars().count() >= 2)
}

/// True when ى and ي in `key` (the ي spelling) cannot be two different words, so their mix is
/// an orthographic inconsistency. Final ى is a past-tense verb (رأى، تعافى), a preposition
/// (على) or a noun of the مَفعَل/مُفعَل pattern (مبنى، مستوى); final ي a noun, a nisba adjective
/// or a present verb — so only forms that exclude the ى reading are accepted: known function
/// words, definite words not of the م pattern (الجماعى / الجماعي), and long words that are
/// neither م-nouns nor 5-letter تفاعل verbs. Anything else is left alone.
fn yeh_variation_is_an_error(key: &str) -> bool {
    let core = strip_conjunction(key);
    if YEH_ALWAYS.contains(&core) {
        return true;
    }
    if YEH_BOTH_VALID.contains(&core) {
        return false;
    }
    if let Some(stem) = after_article(core) {
        return stem.chars().count() >= 3
            && !stem.starts_with('م')
            && !YEH_BOTH_VALID.contains(&stem);
    }
    let n = core.chars().count();
    n >= 5 && !core.starts_with('م') && !(core.starts_with('ت') && n == 5)
}

/// True when ة and ه in `key` cannot be two words: the word is definite (الحمله can only be
/// الحملة, while حمله "he carried it" and حملة "campaign" are both words).
fn teh_variation_is_an_error(key: &str) -> bool {
    after_article(strip_conjunction(key)).is_some()
}

/// True when forms `a` and `b` (same [`orthography_key`]) are surely one word written two ways.
fn is_orthographic_variant(a: &str, b: &str) -> bool {
    let key = orthography_key(a);
    a.chars()
        .zip(b.chars())
        .filter(|(x, y)| x != y)
        .all(|(x, y)| {
            let persian = |c: char| matches!(c, 'ک' | 'ی' | 'ۀ');
            if persian(x) || persian(y) {
                true
            } else if matches!(x, 'ى' | 'ي') {
                yeh_variation_is_an_error(&key)
            } else {
                teh_variation_is_an_error(&key)
            }
        })
}

/// `spans` sorted and merged where they overlap or touch (linear when they come sorted by start:
/// the sort's first run is then the whole list).
fn cover(spans: impl IntoIterator<Item = Span>) -> Vec<Span> {
    let mut spans: Vec<Span> = spans.into_iter().collect();
    spans.sort_unstable_by_key(|s| s.start);
    let mut kept = 0;
    for i in 0..spans.len() {
        let s = spans[i];
        if kept > 0 && s.start <= spans[kept - 1].end {
            spans[kept - 1].end = spans[kept - 1].end.max(s.end);
        } else {
            spans[kept] = s;
            kept += 1;
        }
    }
    spans.truncate(kept);
    spans
}

/// A word `mixed-orthography` compares: an Arabic token holding one of ى ي ة ه ک ی ۀ ك, with
/// its skeleton. Computed per paragraph ([`orthography_words`]); spans are byte ranges of the
/// text the words were found in.
#[derive(Clone, Debug, PartialEq)]
pub struct OrthographyWord {
    /// The token's range (bytes).
    span: Span,
    /// Its skeleton ([`skeleton`]).
    form: Box<str>,
    /// FxHash of the form's [`orthography_key`]: words are grouped by it first, so that only
    /// the few keys written with two forms are compared as strings.
    key_hash: u64,
}

/// The words of `text` (tokens `tokens`) that `mixed-orthography` compares, in token order.
/// Tokens that do not fit `text` are skipped. Shared: an [`OrthographyIndex`] holds the list of
/// each paragraph it indexes and tells paragraphs apart by the list's address.
pub fn orthography_words(text: &str, tokens: &[Token]) -> Arc<[OrthographyWord]> {
    use std::hash::{Hash, Hasher};
    tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Arabic)
        .filter_map(|t| {
            let word = slice(text, t.span)?;
            if !word.contains(['ى', 'ي', 'ة', 'ه', 'ک', 'ی', 'ۀ', 'ك']) {
                return None;
            }
            let form = skeleton(word);
            let mut h = rustc_hash::FxHasher::default();
            orthography_key(&form).hash(&mut h);
            Some(OrthographyWord {
                span: t.span,
                form: form.into(),
                key_hash: h.finish(),
            })
        })
        .collect()
}

/// One `mixed-orthography` diagnostic per occurrence of a minority spelling of an Arabic word
/// written with both final ى and ي, ة and ه, or Persian and Arabic letters (فى / في), when the
/// two spellings cannot be two different words (ى / ي: function words such as في، الذي، التي,
/// definite words, and long words outside the patterns where both are words, e.g. مبنى / مبني;
/// ة / ه: definite words only, since حمله and حملة are both words; Persian letters: always).
/// Words inside entity mentions are left out (they are reported as `inconsistent-spelling`).
/// Related location: the majority spelling's first occurrence. Spans are byte ranges of `text`.
pub fn mixed_orthography(text: &str, tokens: &[Token], entities: &[Entity]) -> Vec<Diagnostic> {
    let words = orthography_words(text, tokens);
    let mentions = entities
        .iter()
        .flat_map(|e| e.mentions.iter().map(|m| m.span));
    OrthographyIndex::default().check(&[(0, &words)], mentions)
}

/// The orthography words of a document's paragraphs, grouped by orthography key and kept from
/// one version of the document to the next: [`OrthographyIndex::check`] updates it from the
/// paragraphs that were added or removed since the last call, then reports only the keys
/// written with two forms. The result equals [`mixed_orthography`] on the whole text.
///
/// Paragraphs are told apart by the address of their shared word list
/// ([`orthography_words`]); the index holds every list it indexes, so an address cannot be
/// reused by another list while indexed. A paragraph that occurs several times (one list at
/// several offsets) counts once per occurrence.
///
/// Memory: per indexed word, one position (16 bytes) in its key's list; per distinct form, its
/// text and a count; per paragraph, its list and offsets.
#[derive(Debug, Default)]
pub struct OrthographyIndex {
    /// The indexed paragraphs by the address of their word list.
    paragraphs: FxHashMap<usize, IndexedParagraph>,
    /// Per key hash ([`OrthographyWord::key_hash`]): its forms and the words written with it.
    keys: FxHashMap<u64, KeyWords>,
    /// The key hashes written with at least two forms (usually two forms of one key; rarely
    /// two keys sharing a hash, told apart when reporting).
    multi: FxHashSet<u64>,
    /// Number of calls to [`OrthographyIndex::check`]; marks the paragraphs seen in a call.
    generation: u64,
}

/// One indexed paragraph: its word list and where it occurs in the current text.
#[derive(Debug)]
struct IndexedParagraph {
    words: Arc<[OrthographyWord]>,
    /// Its byte offsets in the text of the last call, in text order.
    offsets: Vec<usize>,
    /// The generation that last set `offsets`.
    seen: u64,
    /// How many times it occurred before that generation (0 for a new paragraph).
    old_uses: usize,
}

/// The words of one key hash.
#[derive(Debug, Default)]
struct KeyWords {
    /// Each distinct form (skeleton) and how many words of the text are written with it.
    forms: Vec<(Box<str>, usize)>,
    /// The words: their paragraph (address of its list) and index in it; listed once per
    /// paragraph, however often the paragraph occurs.
    at: Vec<(usize, u32)>,
}

impl OrthographyIndex {
    /// The `mixed-orthography` diagnostics (unsorted; as [`mixed_orthography`]) of a text made
    /// of `parts`: each paragraph's byte offset in the text and its [`orthography_words`]
    /// (spans relative to the paragraph), in text order; spans are byte ranges of the text.
    /// Words overlapping a span of `mentions` (the entities' mentions, byte ranges of the
    /// text) are left out.
    ///
    /// Cost: a hash probe per paragraph, plus, per paragraph added or removed since the last
    /// call, a probe per word; then work proportional to the words of the keys written with two
    /// forms, and a sort of `mentions` (linear when they come in order).
    pub fn check(
        &mut self,
        parts: &[(usize, &Arc<[OrthographyWord]>)],
        mentions: impl IntoIterator<Item = Span>,
    ) -> Vec<Diagnostic> {
        self.update(parts);
        self.report(mentions)
    }

    /// Number of paragraphs indexed (distinct word lists with at least one word).
    pub fn len(&self) -> usize {
        self.paragraphs.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
    }

    /// Makes the index that of `parts` (as for [`OrthographyIndex::check`]).
    fn update(&mut self, parts: &[(usize, &Arc<[OrthographyWord]>)]) {
        self.generation += 1;
        let generation = self.generation;
        for &(offset, words) in parts {
            if words.is_empty() {
                continue;
            }
            let id = address(words);
            let p = self
                .paragraphs
                .entry(id)
                .or_insert_with(|| IndexedParagraph {
                    words: Arc::clone(words),
                    offsets: Vec::new(),
                    seen: 0,
                    old_uses: 0,
                });
            if p.seen != generation {
                p.seen = generation;
                p.old_uses = p.offsets.len();
                p.offsets.clear();
            }
            p.offsets.push(offset);
        }
        let mut touched: Vec<u64> = Vec::new();
        let keys = &mut self.keys;
        self.paragraphs.retain(|&id, p| {
            let (old, new) = if p.seen == generation {
                (p.old_uses, p.offsets.len())
            } else {
                (p.offsets.len(), 0)
            };
            if old != new {
                count_words(keys, id, &p.words, old, new, &mut touched);
            }
            new > 0
        });
        touched.sort_unstable();
        touched.dedup();
        for k in touched {
            if self.keys.get(&k).is_some_and(|w| w.forms.len() >= 2) {
                self.multi.insert(k);
            } else {
                self.multi.remove(&k);
            }
        }
    }

    /// The diagnostics of the keys written with two forms, from the index as it stands.
    fn report(&self, mentions: impl IntoIterator<Item = Span>) -> Vec<Diagnostic> {
        if self.multi.is_empty() {
            return Vec::new();
        }
        let cover = cover(mentions);
        let in_mention = |s: Span| {
            let i = cover.partition_point(|m| m.end <= s.start);
            cover.get(i).is_some_and(|m| m.start < s.end)
        };
        let mut groups: Vec<Vec<(&str, Span)>> = Vec::with_capacity(self.multi.len());
        let mut heap = std::collections::BinaryHeap::new();
        for k in &self.multi {
            // One run per word: its spans at its paragraph's offsets, which are in text order.
            let runs: Vec<(&OrthographyWord, &[usize])> = self.keys[k]
                .at
                .iter()
                .map(|&(id, i)| {
                    let p = &self.paragraphs[&id];
                    (&p.words[i as usize], p.offsets.as_slice())
                })
                .collect();
            let total: usize = runs.iter().map(|(_, o)| o.len()).sum();
            let span_at = |w: &OrthographyWord, offset: usize| {
                Span::new(w.span.start + offset, w.span.end + offset)
            };
            let mut items: Vec<(&str, Span)> = Vec::with_capacity(total);
            // In text order: the majority's first occurrence is the related location.
            if total > 2 * runs.len() {
                // Paragraphs written several times (a word's run longer than one): a merge of
                // the runs, O(n log k) for k runs, not a sort of all n spans.
                heap.clear();
                for (r, (w, offsets)) in runs.iter().enumerate() {
                    if let Some(&o) = offsets.first() {
                        heap.push(std::cmp::Reverse((span_at(w, o), r, 0)));
                    }
                }
                while let Some(std::cmp::Reverse((span, r, n))) = heap.pop() {
                    let (w, offsets) = runs[r];
                    if !in_mention(span) {
                        items.push((&w.form, span));
                    }
                    if let Some(&o) = offsets.get(n + 1) {
                        heap.push(std::cmp::Reverse((span_at(w, o), r, n + 1)));
                    }
                }
            } else {
                for &(w, offsets) in &runs {
                    for &o in offsets {
                        let span = span_at(w, o);
                        if !in_mention(span) {
                            items.push((&w.form, span));
                        }
                    }
                }
                // The list is in text order but for the paragraphs added since the text was
                // opened, appended at its end: a merge of the runs (stable sort), not a full
                // sort.
                items.sort_by_key(|&(_, span)| span);
            }
            if items.is_empty() {
                continue;
            }
            split_by_key(items, &mut groups);
        }
        let mut out = Vec::new();
        for items in groups {
            report_group(items, &mut out);
        }
        out
    }
}

/// The address of a word list: the paragraph's identity in an [`OrthographyIndex`].
fn address(words: &Arc<[OrthographyWord]>) -> usize {
    Arc::as_ptr(words).cast::<OrthographyWord>() as usize
}

/// Changes the counts in `keys` for the paragraph `id` (word list `words`) occurring `new`
/// times instead of `old`: its words' forms are counted `new − old` more times; its words are
/// listed under their keys when it was not indexed (`old` = 0) and unlisted when it leaves
/// (`new` = 0). Keys whose forms changed are added to `touched`; keys left without words are
/// removed.
fn count_words(
    keys: &mut FxHashMap<u64, KeyWords>,
    id: usize,
    words: &[OrthographyWord],
    old: usize,
    new: usize,
    touched: &mut Vec<u64>,
) {
    let first = touched.len();
    for (i, w) in words.iter().enumerate() {
        let entry = keys.entry(w.key_hash).or_default();
        match entry.forms.iter().position(|(f, _)| **f == *w.form) {
            Some(f) => {
                let count = &mut entry.forms[f].1;
                *count = *count + new - old;
                if *count == 0 {
                    entry.forms.swap_remove(f);
                }
            }
            // Not counted yet: only when the paragraph is new (a word leaving was counted).
            None if new > old => entry.forms.push((w.form.clone(), new - old)),
            None => debug_assert!(false, "a form leaving the index was not counted"),
        }
        if old == 0 {
            entry.at.push((id, i as u32));
        }
        touched.push(w.key_hash);
    }
    if new == 0 {
        let mine = &mut touched[first..];
        mine.sort_unstable();
        let mut last = None;
        for &k in mine.iter() {
            if last == Some(k) {
                continue;
            }
            last = Some(k);
            if let Some(entry) = keys.get_mut(&k) {
                entry.at.retain(|&(p, _)| p != id);
                if entry.forms.is_empty() {
                    keys.remove(&k);
                }
            }
        }
    }
}

/// Splits the words of one key hash (`items`: form and span, in text order) by
/// [`orthography_key`] (two keys share a hash only rarely) and adds each key's words to
/// `groups`.
fn split_by_key<'a>(items: Vec<(&'a str, Span)>, groups: &mut Vec<Vec<(&'a str, Span)>>) {
    let key = orthography_key(items[0].0);
    let mut same_key: Vec<&str> = vec![items[0].0];
    let one_key = items.iter().all(|&(f, _)| {
        same_key.contains(&f) || {
            let same = orthography_key(f) == key;
            if same {
                same_key.push(f);
            }
            same
        }
    });
    if one_key {
        groups.push(items);
    } else {
        let mut keyed: HashMap<String, Vec<(&str, Span)>> = HashMap::new();
        for item in items {
            keyed.entry(orthography_key(item.0)).or_default().push(item);
        }
        groups.extend(keyed.into_values());
    }
}

/// Adds to `out` the diagnostics of one key's words (`items`, in text order): one per
/// occurrence of a form other than the majority's ([`majority`]) that is surely the same word
/// ([`is_orthographic_variant`]).
fn report_group(items: Vec<(&str, Span)>, out: &mut Vec<Diagnostic>) {
    let (forms, best) = majority(items);
    if forms.len() < 2 {
        return;
    }
    let (major_form, major_spans) = &forms[best];
    let n = major_spans.len();
    let major = excerpt(major_form);
    for (i, (minor_form, spans)) in forms.iter().enumerate() {
        if i == best || !is_orthographic_variant(minor_form, major_form) {
            continue;
        }
        let minor = excerpt(minor_form);
        for &span in spans {
            out.push(
                Diagnostic::new(
                    span,
                    Code::MixedOrthography,
                    Message::new(
                        format!("«{minor}» مكتوبة «{major}» في مواضع أخرى من النص ({n}×)"),
                        format!("‘{minor}’ is written ‘{major}’ elsewhere in this document ({n}×)"),
                    ),
                )
                .with_related(
                    major_spans[0],
                    Message::new(
                        format!("الكتابة الغالبة «{major}»"),
                        format!("Usual spelling ‘{major}’"),
                    ),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::spelling::tests::{all, entity, found};
    use crate::text::token::tokenize;

    fn mixed(text: &str, entities: &[Entity]) -> Vec<(String, Option<Span>)> {
        let mut d = mixed_orthography(text, &tokenize(text), entities);
        d.sort_by_key(|d| d.span);
        found(text, &d)
    }

    #[test]
    fn fi_written_two_ways() {
        let text = "عقد الاجتماع في العاصمة فى الصباح، وشارك في الحوار وفي الختام خرج الوفد الروسى بعد الوفد الروسي والوفد الروسي.";
        let fi = text.find("في").unwrap();
        let rusi = text.find("الروسي").unwrap();
        let d = mixed(text, &[]);
        assert_eq!(
            d,
            vec![
                ("فى".to_string(), Some(Span::new(fi, fi + "في".len()))),
                (
                    "الروسى".to_string(),
                    Some(Span::new(rusi, rusi + "الروسي".len()))
                ),
            ]
        );
        let diags = mixed_orthography(text, &tokenize(text), &[]);
        let fi_diag = diags.iter().find(|d| d.span.slice(text) == "فى").unwrap();
        assert_eq!(
            fi_diag.message.en,
            "‘فى’ is written ‘في’ elsewhere in this document (2×)"
        );
        assert_eq!(fi_diag.severity, crate::diagnostics::Severity::Information);
    }

    #[test]
    fn words_inside_mentions_are_left_to_inconsistent_spelling() {
        let text = "وصل إمام علي رحمون إلى المطار، وجلس على المنصة، وتحدث على الهاتف.";
        let span = all(text, "إمام علي رحمون")[0];
        assert!(mixed(text, &[entity(text, "إمام علي رحمون", vec![span])]).is_empty());
    }

    #[test]
    fn two_valid_words_are_not_mixed_orthography() {
        // على / علي, رأى / رأي, حملة / حمله, مبنى / مبني, تعافى / تعافي, الأسرى / الأسري are pairs
        // of words.
        let text = "جلس علي على الكرسي. رأى الوزير أن الرأي رأي الجميع. أطلق الحزب حملة ثم حمله \
                    أنصاره. المبنى الجديد مبني على أساس. تعافى المريض بعد تعافي السوق. أُطلق الأسرى \
                    وتراجع العنف الأسري.";
        assert!(mixed(text, &[]).is_empty());
    }

    #[test]
    fn persian_letters_are_always_the_minority() {
        // A tie (one each), Persian first: the Persian form is reported, not the Arabic one.
        let text = "وصل وزیر الخارجية إلى المطار.\nوتحدث وزير الدفاع بعد ذلك.";
        let arabic = text.find("وزير").unwrap();
        assert_eq!(
            mixed(text, &[]),
            vec![(
                "وزیر".to_string(),
                Some(Span::new(arabic, arabic + "وزير".len()))
            )]
        );
        // Even when the Persian form is the more frequent one.
        let text = "زار کرکوک ثم غادر کرکوک وعاد إلى كركوك.";
        let d = mixed(text, &[]);
        assert_eq!(
            d.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>(),
            vec!["کرکوک", "کرکوک"]
        );
        assert_eq!(
            d[0].1.map(|s| s.slice(text)),
            Some("كركوك"),
            "related: the Arabic spelling"
        );
    }

    #[test]
    fn huge_words_are_quoted_short() {
        let stem = "ب".repeat(3000);
        let text = format!("الكتاب {stem}ى ثم الكتاب {stem}ي ثم {stem}ي.");
        let d = mixed_orthography(&text, &tokenize(&text), &[]);
        assert_eq!(d.len(), 1);
        let cut = format!("{}…", "ب".repeat(crate::diagnostics::MAX_EXCERPT_CHARS));
        assert_eq!(
            d[0].message.en,
            format!("‘{cut}’ is written ‘{cut}’ elsewhere in this document (2×)")
        );
    }

    #[test]
    fn definite_teh_marbuta_and_persian_letters() {
        let text = "بدأت الحملة أمس، واستمرت الحملة اليوم، وتنتهي الحمله غدا. زار کابول ثم كابول وغادر كابول.";
        let d = mixed(text, &[]);
        assert_eq!(
            d.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>(),
            vec!["الحمله", "کابول"]
        );
    }

    /// Each paragraph of `text` (lines) with its byte offset and its words, the lists shared
    /// through `cache` by paragraph text as the incremental analysis shares them.
    fn parts_of(
        text: &str,
        cache: &mut HashMap<String, Arc<[OrthographyWord]>>,
    ) -> Vec<(usize, Arc<[OrthographyWord]>)> {
        let mut offset = 0;
        let mut parts = Vec::new();
        for line in text.split('\n') {
            let words = cache
                .entry(line.to_string())
                .or_insert_with(|| orthography_words(line, &tokenize(line)));
            parts.push((offset, Arc::clone(words)));
            offset += line.len() + 1;
        }
        parts
    }

    fn sorted(mut d: Vec<Diagnostic>) -> Vec<Diagnostic> {
        d.sort_by_key(|d| (d.span, d.message.en.clone()));
        d
    }

    #[test]
    fn index_kept_across_versions_equals_a_fresh_check() {
        let a = "عقد الاجتماع في العاصمة وشارك في الحوار الوفد الروسي.";
        let b = "وصل الوفد الروسى فى الصباح.";
        let c = "بدأت الحملة أمس واستمرت الحملة اليوم.";
        let d = "وتنتهي الحمله غدا في المساء.";
        let versions = [
            vec![a, b, c],
            vec![a, b, c, d],    // a paragraph added: الحمله is now a minority form
            vec![a, c, d],       // the only فى leaves: no more ى / ي mix
            vec![a, b, b, c, d], // one paragraph twice
            vec![b, b, a, d],    // order changed, c gone: الحمله is no longer outvoted
            vec![b, b, b, a],    // فى now the majority
            vec![a],
            vec![],
            vec![b, a, c, d], // a tie: الروسى, written first, is the norm
            // Paragraphs written several times: each key's words merged from their runs.
            vec![b, a, b, c, b, d, b],
            vec![d, c, a, d, c, d, c, a, d],
        ];
        let mut index = OrthographyIndex::default();
        let mut cache = HashMap::new();
        let mut reported = Vec::new();
        for paragraphs in versions {
            let text = paragraphs.join("\n");
            let parts = parts_of(&text, &mut cache);
            let refs: Vec<(usize, &Arc<[OrthographyWord]>)> =
                parts.iter().map(|(o, w)| (*o, w)).collect();
            let kept = sorted(index.check(&refs, []));
            let fresh = sorted(mixed_orthography(&text, &tokenize(&text), &[]));
            assert_eq!(kept, fresh, "{text}");
            reported.push(found(&text, &kept).len());
            // Every indexed paragraph is one of this version's, and the keys hold only words of
            // indexed paragraphs.
            let distinct: std::collections::HashSet<usize> = parts
                .iter()
                .filter(|(_, w)| !w.is_empty())
                .map(|(_, w)| address(w))
                .collect();
            assert_eq!(index.len(), distinct.len());
            let words: usize = parts.iter().map(|(_, w)| w.len()).sum();
            let counted: usize = index
                .keys
                .values()
                .flat_map(|k| k.forms.iter().map(|(_, n)| n))
                .sum();
            assert_eq!(counted, words);
        }
        // The figures the comments above describe (the check is not vacuous).
        assert_eq!(reported, vec![2, 3, 1, 4, 3, 3, 0, 0, 3, 5, 4]);
        assert!(index.keys.values().all(|k| !k.forms.is_empty()));
    }

    #[test]
    fn words_in_mentions_are_left_out_by_the_index_too() {
        // کمال (Persian keheh) would be the minority form, but it is written only in mentions.
        let text = "وصل کمال إلى المطار.\nوقال كمال إنه سعيد في المطار فى الصباح.";
        let mut cache = HashMap::new();
        let parts = parts_of(text, &mut cache);
        let refs: Vec<(usize, &Arc<[OrthographyWord]>)> =
            parts.iter().map(|(o, w)| (*o, w)).collect();
        let person = entity(text, "کمال", all(text, "کمال"));
        let fi = all(text, "في")[0];
        let mentions = person.mentions.iter().map(|m| m.span);
        let d = OrthographyIndex::default().check(&refs, mentions);
        assert_eq!(found(text, &d), vec![("فى".to_string(), Some(fi))]);
        let d = OrthographyIndex::default().check(&refs, []);
        assert_eq!(found(text, &sorted(d)).len(), 2, "کمال without its mention");
    }
}
