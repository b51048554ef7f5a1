//! Document-level propagation: a name found once by a rule or the tagger is found again wherever
//! it is written in the same document (with any proclitic): بيسكوف after دميترى بيسكوف,
//! طالبان after حركة طالبان, بانجشير after إقليم بانجشير.
//!
//! Learning is local to a paragraph ([`learn`]: an ordered list of names per paragraph); the
//! document's names ([`Learned`]) are the paragraphs' lists folded in document order, the first
//! kind of a name winning; finding them again ([`find_learned`]) is local to a paragraph again.

use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHashSet};

use super::lexicon::Lexicon;
use super::words::Doc;
use super::{EntityKind, Mention, MentionOrigin};

/// Names learned from `found` (folded keys with their kind, in the order learned, each key
/// once — its first kind): full forms of rule and model mentions, the last word of multi-word
/// person names (the surname), and organization names without their trigger nouns. Words on the
/// stop list, common words and function words are never learned alone. Lexicon mentions teach
/// nothing.
pub fn learn(doc: &Doc<'_>, found: &[Mention]) -> Vec<(String, EntityKind)> {
    let lx = Lexicon::get();
    let mut learned = Learning::default();
    let ok_alone = |f: &str, l: &str| {
        f.chars().count() >= 3
            && !lx.is_ambiguous(l)
            && !lx.is_ambiguous(f)
            && !lx.is_common(l)
            && lx.nisba_place(f).is_none()
            && !lx.titles.contains_key(f)
            && !lx.org_triggers.contains(f)
            && !lx.loc_triggers.contains(f)
    };
    for m in found {
        if m.origin == MentionOrigin::Lexicon {
            continue;
        }
        let Some((first, last)) = doc.token_range(m.span) else {
            continue;
        };
        let key = doc.key(m.span);
        if key.is_empty() {
            continue;
        }
        let words: Vec<&str> = key.split(' ').collect();
        if words.len() == 1 {
            if ok_alone(words[0], doc.light(last)) {
                learned.insert(key, m.kind);
            }
            continue;
        }
        learned.insert(key.clone(), m.kind);
        match m.kind {
            EntityKind::Person => {
                let surname = doc.fold(last);
                if ok_alone(surname, doc.light(last)) {
                    learned.insert(surname.to_string(), EntityKind::Person);
                }
            }
            EntityKind::Organization => {
                // حركة طالبان → طالبان; وكالة أنباء تاس → تاس.
                let mut k = 0;
                while k < words.len() - 1
                    && (lx.org_triggers.contains(words[k])
                        || lx.org_trigger_continuations.contains(words[k]))
                {
                    k += 1;
                }
                if k > 0 && words.len() - k <= 2 {
                    let core = words[k..].join(" ");
                    let l = doc.light(first + k);
                    // The short form must be distinctive: a proper name (طالبان، تاس) or a
                    // gazetteer name, not definite common nouns (اتحاد المزارعين ↛ المزارعين).
                    let core_words: Vec<String> =
                        words[k..].iter().map(|w| w.to_string()).collect();
                    let distinctive = super::merge::distinctive_short_form(&core_words);
                    if distinctive && (words.len() - k > 1 || ok_alone(&core, l)) {
                        learned.insert(core, EntityKind::Organization);
                    }
                }
            }
            _ => {}
        }
    }
    learned.list
}

/// An ordered list of learned names, each key once with its first kind.
#[derive(Default)]
struct Learning {
    list: Vec<(String, EntityKind)>,
    seen: FxHashSet<String>,
}

impl Learning {
    fn insert(&mut self, key: String, kind: EntityKind) {
        if !self.seen.contains(&key) {
            self.seen.insert(key.clone());
            self.list.push((key, kind));
        }
    }
}

/// The names learned in a document, ready for [`find_learned`]: the paragraphs' [`learn`] lists
/// folded in order (the first kind of a key wins), with the indexes the search uses. Keys are
/// copied from the lists, so that the names of one version of a document can be kept for the
/// next ([`crate::analysis::incremental::IncrementalAnalyzer`] keeps them while no paragraph's
/// list changed).
#[derive(Debug, Default)]
pub struct Learned {
    /// Folded key → kind.
    names: FxHashMap<Box<str>, EntityKind>,
    /// Most words in a key.
    max_words: usize,
    /// One-word person names of five letters or more by first letter, each bucket sorted, each
    /// with its length in chars and its [`super::merge::letter_bits`] (to skip the pairs
    /// [`super::merge::same_part`] rejects by length or by letters).
    surnames: FxHashMap<char, Vec<(Box<str>, usize, u64)>>,
    /// The first word of every key.
    first_words: FxHashSet<Box<str>>,
    /// [`find_learned`]'s spelling-variant test per distinct reading (key: its fold, U+0001, its
    /// light form), shared by every paragraph searched with these names: the test depends on
    /// the reading and the surnames only.
    variant_memo: Mutex<FxHashMap<Box<str>, bool>>,
}

impl Learned {
    /// Folds the ordered lists `lists` (each a paragraph's [`learn`] output, in document order)
    /// into one map: a key keeps the kind of its first occurrence.
    pub fn new<'a, I>(lists: I) -> Learned
    where
        I: IntoIterator<Item = &'a [(String, EntityKind)]>,
    {
        let mut names: FxHashMap<Box<str>, EntityKind> = FxHashMap::default();
        for list in lists {
            for (k, kind) in list {
                if !names.contains_key(k.as_str()) {
                    names.insert(k.as_str().into(), *kind);
                }
            }
        }
        let max_words = names
            .keys()
            .map(|k| k.split(' ').count())
            .max()
            .unwrap_or(1);
        let mut surnames: FxHashMap<char, Vec<(Box<str>, usize, u64)>> = FxHashMap::default();
        for (k, kind) in &names {
            if is_variant_surname(k, *kind)
                && let Some(c) = k.chars().next()
            {
                surnames.entry(c).or_default().push((
                    k.clone(),
                    k.chars().count(),
                    super::merge::letter_bits(k),
                ));
            }
        }
        // Stable order within a bucket, whatever the map's iteration order.
        for v in surnames.values_mut() {
            v.sort_unstable();
        }
        let first_words = names
            .keys()
            .filter_map(|k| k.split(' ').next())
            .map(Box::from)
            .collect();
        Learned {
            names,
            max_words,
            surnames,
            first_words,
            variant_memo: Mutex::default(),
        }
    }

    /// The kind learned for the folded `key`.
    pub fn get(&self, key: &str) -> Option<EntityKind> {
        self.names.get(key).copied()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when nothing was learned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Every key with its kind, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, EntityKind)> + '_ {
        self.names.iter().map(|(k, v)| (&**k, *v))
    }
}

/// True when a learned `key` of `kind` also matches spelling variants in [`find_learned`]: a
/// one-word person name of five letters or more.
pub fn is_variant_surname(key: &str, kind: EntityKind) -> bool {
    kind == EntityKind::Person && !key.contains(' ') && key.chars().count() >= 5
}

/// Occurrences of learned names (longest first at each word, any proclitic reading).
///
/// Whether a token is matched depends only on its own readings (and those of the adjacent words
/// a key spans) and on the learned keys whose first word is one of its readings' folds, or —
/// for spelling variants — on the [`is_variant_surname`] keys [`super::merge::same_part`]
/// matches with one of its readings.
pub fn find_learned(doc: &Doc<'_>, learned: &Learned) -> Vec<Mention> {
    if learned.is_empty() {
        return Vec::new();
    }
    let lx = Lexicon::get();
    let max = learned.max_words;
    // One-word person names of five letters or more also match spelling variants
    // (غوتيريش → غوتيرش), see [`super::merge::same_part`].
    // Bucketed by first letter: [`super::merge::same_part`] never matches words that start
    // differently, so a reading is compared with the surnames of its own first letter only.
    let surnames = &learned.surnames;
    let mut out = Vec::new();
    let mut variant_memo = learned
        .variant_memo
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut memo_key = String::new();
    let mut i = 0;
    // Every key starts with one reading of its first token: a token none of whose readings
    // starts a learned name is skipped without building keys.
    let first_words = &learned.first_words;
    while i < doc.len() {
        let may_start = doc.readings[i]
            .iter()
            .any(|r| first_words.contains(r.fold.as_str()));
        if may_start && let Some((span, last, kind)) = doc.longest_name(i, max, |k| learned.get(k))
        {
            out.push(Mention {
                span,
                kind,
                origin: MentionOrigin::Rule,
            });
            i = last + 1;
            continue;
        }
        if doc.is_arabic(i) && !surnames.is_empty() {
            let variant = doc.readings[i].iter().find(|r| {
                // The test depends on the reading only: memoised per distinct reading, so the
                // cost grows with the vocabulary, not with tokens × surnames.
                // No surname of its first letter: nothing to test or remember.
                let Some(bucket) = r.fold.chars().next().and_then(|c| surnames.get(&c)) else {
                    return false;
                };
                memo_key.clear();
                memo_key.push_str(&r.fold);
                memo_key.push('\u{1}');
                memo_key.push_str(&r.light);
                if let Some(&v) = variant_memo.get(memo_key.as_str()) {
                    return v;
                }
                let len = r.fold.chars().count();
                let bits = super::merge::letter_bits(&r.fold);
                // `same_part` is true for equal words, else only for words of five letters or
                // more whose lengths differ by at most one (two from eight letters on), and
                // whose letter sets differ in at most four bits (two edits change at most two
                // each, see `letter_bits`).
                let may_match = |s: &str, n: usize, b: u64| {
                    let short = len.min(n);
                    s == r.fold
                        || short >= 5
                            && len.abs_diff(n) <= if short >= 8 { 2 } else { 1 }
                            && (bits ^ b).count_ones() <= 4
                };
                let v = !lx.is_common(&r.light)
                    && lx.lookup(&r.fold).is_none()
                    && bucket.iter().any(|(s, n, b)| {
                        may_match(s, *n, *b) && super::merge::same_part(&r.fold, s)
                    });
                variant_memo.insert(memo_key.as_str().into(), v);
                v
            });
            if let Some(r) = variant {
                out.push(Mention {
                    span: doc.span(i, r.prefix, i),
                    kind: EntityKind::Person,
                    origin: MentionOrigin::Rule,
                });
            }
        }
        i += 1;
    }
    out
}
