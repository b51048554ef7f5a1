//! Document-level propagation: a name found once by a rule or the tagger is found again wherever
//! it is written in the same document (with any proclitic): بيسكوف after دميترى بيسكوف,
//! طالبان after حركة طالبان, بانجشير after إقليم بانجشير.

use std::collections::HashMap;

use super::lexicon::Lexicon;
use super::words::Doc;
use super::{EntityKind, Mention, MentionOrigin};

/// Names learned from `found` (folded keys → kind): full forms of rule and model mentions, the
/// last word of multi-word person names (the surname), and organization names without their
/// trigger nouns. Words on the stop list, common words and function words are never learned
/// alone.
pub fn learn(doc: &Doc<'_>, found: &[Mention]) -> HashMap<String, EntityKind> {
    let lx = Lexicon::get();
    let mut learned = HashMap::new();
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
                learned.entry(key).or_insert(m.kind);
            }
            continue;
        }
        learned.entry(key.clone()).or_insert(m.kind);
        match m.kind {
            EntityKind::Person => {
                let surname = doc.fold(last);
                if ok_alone(surname, doc.light(last)) {
                    learned
                        .entry(surname.to_string())
                        .or_insert(EntityKind::Person);
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
                        learned.entry(core).or_insert(EntityKind::Organization);
                    }
                }
            }
            _ => {}
        }
    }
    learned
}

/// Occurrences of learned names (longest first at each word, any proclitic reading).
pub fn find_learned(doc: &Doc<'_>, learned: &HashMap<String, EntityKind>) -> Vec<Mention> {
    if learned.is_empty() {
        return Vec::new();
    }
    let lx = Lexicon::get();
    let max = learned
        .keys()
        .map(|k| k.split(' ').count())
        .max()
        .unwrap_or(1);
    // One-word person names of five letters or more also match spelling variants
    // (غوتيريش → غوتيرش), see [`super::merge::same_part`].
    // Bucketed by first letter: [`super::merge::same_part`] never matches words that start
    // differently, so a reading is compared with the surnames of its own first letter only.
    let mut surnames: rustc_hash::FxHashMap<char, Vec<&str>> = rustc_hash::FxHashMap::default();
    for (k, kind) in learned {
        if *kind == EntityKind::Person && !k.contains(' ') && k.chars().count() >= 5 {
            if let Some(c) = k.chars().next() {
                surnames.entry(c).or_default().push(k.as_str());
            }
        }
    }
    // Stable order within a bucket, whatever the map's iteration order.
    for v in surnames.values_mut() {
        v.sort_unstable();
    }
    let mut out = Vec::new();
    let mut variant_memo: rustc_hash::FxHashMap<(&str, &str), bool> =
        rustc_hash::FxHashMap::default();
    let mut i = 0;
    // Every key starts with one reading of its first token: a token none of whose readings
    // starts a learned name is skipped without building keys.
    let first_words: rustc_hash::FxHashSet<&str> =
        learned.keys().filter_map(|k| k.split(' ').next()).collect();
    while i < doc.len() {
        let may_start = doc.readings[i]
            .iter()
            .any(|r| first_words.contains(r.fold.as_str()));
        if may_start
            && let Some((span, last, kind)) = doc.longest_name(i, max, |k| learned.get(k).copied())
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
                if let Some(&v) = variant_memo.get(&(r.fold.as_str(), r.light.as_str())) {
                    return v;
                }
                let bucket = r.fold.chars().next().and_then(|c| surnames.get(&c));
                let v = bucket.is_some_and(|bucket| {
                    !lx.is_common(&r.light)
                        && lx.lookup(&r.fold).is_none()
                        && bucket.iter().any(|s| super::merge::same_part(&r.fold, s))
                });
                variant_memo.insert((r.fold.as_str(), r.light.as_str()), v);
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
