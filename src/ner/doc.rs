//! Document-level features for the second stage of a two-stage (stacked) tagger, after the
//! "extended prediction history" and context-aggregation features of Ratinov & Roth 2009
//! (CoNLL) and the two-stage consistency model of Krishnan & Manning 2006 (ACL).
//!
//! A name is usually written several times in one article, often once in an easy context
//! (after a title) and then bare. The first-stage tagger labels the whole document; every token
//! whose clitic-stripped folded form the first stage tagged as part of an entity *somewhere
//! within `window` sentences* then gets features saying which type those other occurrences
//! had (majority, share, whether they began an entity, and the majority among earlier ones),
//! plus its own first-stage label.

use rustc_hash::FxHashMap;

use super::features::{fold, strip_proclitics};
use super::hash::FeatureHasher;

/// A token's matching keys ([`doc_key`]).
type Key = Option<(String, Option<String>)>;

/// Per sentence, per token, extra feature ids.
pub type DocFeatures = Vec<Vec<Vec<u64>>>;

/// The matching keys of a token: folded with an article-bearing proclitic stack and the
/// article removed (والكرملين → كرملين), and — when there was no article — the form without one
/// leading و ف ب ل ك as an alternative (لبيسكوف → بيسكوف; بغداد keeps its own key first).
/// `None` for words of fewer than 3 letters or with non-letters.
fn doc_key(token: &str) -> Option<(String, Option<String>)> {
    let f = fold(token);
    let letters = |w: &str| {
        w.chars().count() >= 3
            && w.chars()
                .all(|c| c.is_ascii_alphabetic() || ('\u{0621}'..='\u{064A}').contains(&c))
    };
    let (stem, article) = strip_proclitics(&f);
    if article {
        return letters(stem).then(|| (stem.to_string(), None));
    }
    if !letters(&f) {
        return None;
    }
    let alt = (stem.len() < f.len() && letters(stem)).then(|| stem.to_string());
    Some((f, alt))
}

/// Number of document topics of the `topic` features.
const TOPICS: usize = 3;

/// Topic cue words (folded, article and proclitic removed as by [`doc_key`]): sports (where
/// place names are mostly clubs), companies and cars, television and media (programme titles
/// are MISC).
const TOPIC_CUES: [&[&str]; TOPICS] = [
    &[
        "مباراه",
        "دوري",
        "هدف",
        "اهداف",
        "دقيقه",
        "فريق",
        "لاعب",
        "لاعبين",
        "مدرب",
        "كاس",
        "ملعب",
        "بطوله",
        "نادي",
        "منتخب",
        "مرمي",
        "شوط",
        "تعادل",
        "مهاجم",
        "حارس",
        "مضيفه",
        "ضيفه",
        "مدافع",
        "ركله",
    ],
    &[
        "شركه",
        "شركات",
        "سياره",
        "سيارات",
        "مبيعات",
        "طراز",
        "انتاج",
        "اسهم",
        "مصنع",
        "علامه",
    ],
    &[
        "برنامج",
        "برامج",
        "قناه",
        "مسلسل",
        "فيلم",
        "حلقه",
        "تلفزيون",
        "فضائيه",
        "كتاب",
        "روايه",
    ],
];

/// The topic a key is a cue of.
fn topic_of(key: &str) -> Option<usize> {
    TOPIC_CUES.iter().position(|cues| cues.contains(&key))
}

/// A definite nisba adjective: folded, starts with ال (after at most one of و ف ب ل), ends with
/// ي, at least 4 letters after the article (الفرنسي، البرتغالي، والالماني).
fn definite_nisba(word: &str) -> bool {
    let f = fold(word);
    let f = f
        .strip_prefix(['و', 'ف', 'ب', 'ل'])
        .filter(|r| r.starts_with("ال"))
        .unwrap_or(&f);
    f.strip_prefix("ال")
        .is_some_and(|r| r.ends_with('ي') && r.chars().count() >= 4)
}

/// Type index of a label index: 0 for `O`, 1..=4 for PER, LOC, ORG, MISC.
fn type_of(label: usize) -> usize {
    label.div_ceil(2)
}

/// Computes the document features of `sentences` (tokens as written) given the first-stage
/// labels `stage1` (label indices, same shape) and a window of ±`window` sentences. With
/// `recur`, also recurrence features: how many other times the token's key, and the key bigrams
/// it ends and starts, occur within the window (0, 1, 2–3, 4+), with its first-stage type — a
/// name is repeated in its article while most content words are not, which stands in for the
/// capital letters Arabic lacks.
pub fn features<T: AsRef<[S]>, S: AsRef<str>>(
    sentences: &[T],
    stage1: &[Vec<usize>],
    window: usize,
    recur: bool,
    topic: bool,
) -> DocFeatures {
    let flat = features_flat(sentences, stage1, window, recur, topic);
    let mut t = 0;
    sentences
        .iter()
        .map(|s| {
            (0..s.as_ref().len())
                .map(|_| {
                    t += 1;
                    flat.token(t - 1).to_vec()
                })
                .collect()
        })
        .collect()
}

/// Per id, the sentences where it occurs, in order, as one flat list.
#[derive(Default)]
struct Occurrences {
    start: Vec<u32>,
    sentences: Vec<u32>,
}

impl Occurrences {
    /// From per-sentence, per-token ids (`u32::MAX` = none) below `n`.
    fn new(ids: &[Vec<u32>], n: usize) -> Occurrences {
        let mut start = vec![0u32; n + 1];
        for &i in ids.iter().flatten() {
            if i != u32::MAX {
                start[i as usize + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut sentences = vec![0u32; start[n] as usize];
        for (si, s) in ids.iter().enumerate() {
            for &i in s {
                if i != u32::MAX {
                    sentences[fill[i as usize] as usize] = si as u32;
                    fill[i as usize] += 1;
                }
            }
        }
        Occurrences { start, sentences }
    }

    fn of(&self, id: u32) -> &[u32] {
        &self.sentences[self.start[id as usize] as usize..self.start[id as usize + 1] as usize]
    }
}

/// [`features`] in one flat list: token `t` of the document (counting across sentences) has
/// [`FlatDocFeatures::token`]`(t)`.
#[derive(Clone, Debug, Default)]
pub struct FlatDocFeatures {
    ids: Vec<u64>,
    ends: Vec<usize>,
}

impl FlatDocFeatures {
    /// Feature ids of document token `t`.
    pub fn token(&self, t: usize) -> &[u64] {
        let start = if t == 0 { 0 } else { self.ends[t - 1] };
        &self.ids[start..self.ends[t]]
    }
}

/// [`features`] without one allocation per token (the tagger's path); each distinct token text
/// is keyed once.
pub fn features_flat<T: AsRef<[S]>, S: AsRef<str>>(
    sentences: &[T],
    stage1: &[Vec<usize>],
    window: usize,
    recur: bool,
    topic: bool,
) -> FlatDocFeatures {
    let mut memo: FxHashMap<&str, u32> = FxHashMap::default();
    let mut uniq: Vec<Key> = Vec::new();
    let ids: Vec<Vec<u32>> = sentences
        .iter()
        .map(|s| {
            s.as_ref()
                .iter()
                .map(|t| {
                    let t = t.as_ref();
                    *memo.entry(t).or_insert_with(|| {
                        uniq.push(doc_key(t));
                        (uniq.len() - 1) as u32
                    })
                })
                .collect()
        })
        .collect();
    let keys: Vec<Vec<&Key>> = ids
        .iter()
        .map(|s| s.iter().map(|&i| &uniq[i as usize]).collect())
        .collect();
    // Recurrence: every token's key id and the id of the key bigram it starts (NO_KEY when
    // either word has no key), and per id the sentences it occurs in, in order (flat lists:
    // `occ[start[id]..start[id + 1]]`).
    const NO_KEY: u32 = u32::MAX;
    let (kid, bid, uni_occ, bi_occ) = if recur {
        let mut key_ids: FxHashMap<&str, u32> = FxHashMap::default();
        let uniq_kid: Vec<u32> = uniq
            .iter()
            .map(|k| match k {
                Some((k, _)) => {
                    let next = key_ids.len() as u32;
                    *key_ids.entry(k.as_str()).or_insert(next)
                }
                None => NO_KEY,
            })
            .collect();
        let kid: Vec<Vec<u32>> = ids
            .iter()
            .map(|s| s.iter().map(|&u| uniq_kid[u as usize]).collect())
            .collect();
        let mut bi_ids: FxHashMap<u64, u32> = FxHashMap::default();
        let bid: Vec<Vec<u32>> = kid
            .iter()
            .map(|ks| {
                (0..ks.len())
                    .map(|t| match (ks[t], ks.get(t + 1)) {
                        (a, Some(&b)) if a != NO_KEY && b != NO_KEY => {
                            let next = bi_ids.len() as u32;
                            *bi_ids
                                .entry(u64::from(a) << 32 | u64::from(b))
                                .or_insert(next)
                        }
                        _ => NO_KEY,
                    })
                    .collect()
            })
            .collect();
        let uni_occ = Occurrences::new(&kid, key_ids.len());
        let bi_occ = Occurrences::new(&bid, bi_ids.len());
        (kid, bid, uni_occ, bi_occ)
    } else {
        Default::default()
    };
    // Other occurrences within the window, bucketed 0, 1, 2–3, 4+.
    let within = |list: &[u32], si: usize| -> u64 {
        let lo = list.partition_point(|&s| (s as usize) + window < si);
        let hi = list.partition_point(|&s| s as usize <= si + window);
        match (hi - lo).saturating_sub(1) {
            0 => 0,
            1 => 1,
            2 | 3 => 2,
            _ => 3,
        }
    };
    // Keys the first stage tagged as entity anywhere.
    let mut occ: FxHashMap<&str, Vec<(usize, usize, usize, bool)>> = FxHashMap::default();
    for (si, ks) in keys.iter().enumerate() {
        for (ti, k) in ks.iter().enumerate() {
            if let Some((k, _)) = k
                && type_of(stage1[si][ti]) > 0
            {
                occ.entry(k.as_str()).or_default();
            }
        }
    }
    for (si, ks) in keys.iter().enumerate() {
        for (ti, k) in ks.iter().enumerate() {
            if let Some(list) = k.as_ref().and_then(|(k, _)| occ.get_mut(k.as_str())) {
                let l = stage1[si][ti];
                list.push((si, ti, type_of(l), l % 2 == 1));
            }
        }
    }
    // Topic cues per sentence, summed over the window with prefix sums.
    let topics: Vec<[u64; TOPICS]> = if topic {
        let mut pre = vec![[0usize; TOPICS]; keys.len() + 1];
        for (si, ks) in keys.iter().enumerate() {
            let mut c = pre[si];
            for k in ks.iter().filter_map(|k| k.as_ref()) {
                if let Some(j) = topic_of(&k.0) {
                    c[j] += 1;
                }
            }
            pre[si + 1] = c;
        }
        (0..keys.len())
            .map(|si| {
                let lo = si.saturating_sub(window);
                let hi = (si + window + 1).min(keys.len());
                std::array::from_fn(|j| match pre[hi][j] - pre[lo][j] {
                    0 => 0,
                    1 | 2 => 1,
                    3..=5 => 2,
                    _ => 3,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let total: usize = keys.iter().map(Vec::len).sum();
    let mut out = FlatDocFeatures {
        ids: Vec::with_capacity(total * 8),
        ends: Vec::with_capacity(total),
    };
    for (si, ks) in keys.iter().enumerate() {
        for (ti, k) in ks.iter().enumerate() {
            let own = stage1[si][ti] as u64;
            let f = &mut out.ids;
            f.push(FeatureHasher::new(120).num(own).finish());
            let prev = if ti > 0 {
                stage1[si][ti - 1] as u64
            } else {
                99
            };
            f.push(FeatureHasher::new(121).num(own).num(prev).finish());
            let next = stage1[si].get(ti + 1).map_or(99, |&l| l as u64);
            let next2 = stage1[si].get(ti + 2).map_or(99, |&l| l as u64);
            f.push(FeatureHasher::new(127).num(own).num(next).finish());
            f.push(
                FeatureHasher::new(128)
                    .num(prev)
                    .num(own)
                    .num(next)
                    .finish(),
            );
            f.push(FeatureHasher::new(129).num(next).num(next2).finish());
            if topic {
                let own_type = type_of(stage1[si][ti]) as u64;
                let tb = &topics[si];
                for (j, &b) in tb.iter().enumerate() {
                    if b > 0 {
                        f.push(
                            FeatureHasher::new(140)
                                .num(j as u64)
                                .num(b)
                                .num(own_type)
                                .finish(),
                        );
                    }
                }
                let key_at = |t: usize| -> &str {
                    ks.get(t)
                        .and_then(|k| k.as_ref())
                        .map_or("", |(k, _)| k.as_str())
                };
                let next = key_at(ti + 1);
                let prev = if ti > 0 { key_at(ti - 1) } else { "^" };
                if own_type > 0 {
                    f.push(FeatureHasher::new(141).num(own_type).str(next).finish());
                    f.push(FeatureHasher::new(142).num(own_type).str(prev).finish());
                }
                // A definite nisba adjective right after (ليون الفرنسي، بنفيكا البرتغالي).
                let nisba_next = sentences[si]
                    .as_ref()
                    .get(ti + 1)
                    .is_some_and(|w| definite_nisba(w.as_ref()));
                if nisba_next {
                    f.push(
                        FeatureHasher::new(143)
                            .num(own_type)
                            .num(tb[0])
                            .num(tb[1])
                            .finish(),
                    );
                }
            }
            if recur {
                let k = kid[si][ti];
                let own_type = type_of(stage1[si][ti]) as u64;
                let bi = |b: u32| -> u64 {
                    if b == NO_KEY {
                        4
                    } else {
                        within(bi_occ.of(b), si)
                    }
                };
                let uni = if k == NO_KEY {
                    4
                } else {
                    within(uni_occ.of(k), si)
                };
                let left = if ti > 0 { bi(bid[si][ti - 1]) } else { 5 };
                let right = if ti + 1 < kid[si].len() {
                    bi(bid[si][ti])
                } else {
                    5
                };
                f.push(FeatureHasher::new(131).num(uni).num(own_type).finish());
                f.push(FeatureHasher::new(132).num(left).finish());
                f.push(FeatureHasher::new(133).num(right).finish());
                f.push(
                    FeatureHasher::new(134)
                        .num(left.min(2))
                        .num(right.min(2))
                        .num(own_type)
                        .finish(),
                );
            }
            let list = k.as_ref().and_then(|(k, alt)| {
                occ.get(k.as_str())
                    .or_else(|| alt.as_deref().and_then(|a| occ.get(a)))
            });
            if let Some(list) = list {
                let mut counts = [0usize; 5];
                let mut begins = [0usize; 5];
                let mut earlier = [0usize; 5];
                let mut others = 0;
                let lo = list.partition_point(|o| o.0 + window < si);
                for &(s2, t2, ty, b) in &list[lo..] {
                    if s2 > si + window {
                        break;
                    }
                    if (s2, t2) == (si, ti) {
                        continue;
                    }
                    others += 1;
                    counts[ty] += 1;
                    begins[ty] += usize::from(b);
                    if (s2, t2) < (si, ti) {
                        earlier[ty] += 1;
                    }
                }
                let majority =
                    |c: &[usize; 5]| (1..5).filter(|&t| c[t] > 0).max_by_key(|&t| (c[t], 5 - t));
                match majority(&counts) {
                    Some(m) => {
                        let ent: usize = counts[1..].iter().sum();
                        let share = (3 * ent / others.max(1)).min(2) as u64;
                        let b = u64::from(2 * begins[m] >= counts[m]);
                        f.push(FeatureHasher::new(122).num(m as u64).finish());
                        f.push(FeatureHasher::new(123).num(m as u64).num(share).finish());
                        f.push(FeatureHasher::new(124).num(m as u64).num(b).finish());
                        f.push(FeatureHasher::new(125).num(m as u64).num(own).finish());
                    }
                    None => f.push(
                        FeatureHasher::new(122)
                            .num(0)
                            .num(u64::from(others > 0))
                            .finish(),
                    ),
                }
                if let Some(m) = majority(&earlier) {
                    f.push(FeatureHasher::new(126).num(m as u64).finish());
                }
            }
            out.ends.push(out.ids.len());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_occurrences_vote() {
        // "بيسكوف" tagged B-PER (1) in sentence 0, O in sentence 1: sentence 1's token gets the
        // PER majority feature; with window 0 it does not.
        let sents = vec![vec!["قال", "بيسكوف"], vec!["لبيسكوف", "رأي"]];
        let stage1 = vec![vec![0, 1], vec![0, 0]];
        let f = features(&sents, &stage1, 5, false, false);
        let per = FeatureHasher::new(122).num(1).finish();
        assert!(f[1][0].contains(&per));
        assert!(!f[1][1].contains(&per));
        let f0 = features(&sents, &stage1, 0, false, false);
        assert!(!f0[1][0].contains(&per));
    }

    #[test]
    fn recurrence_counts_keys_and_bigrams_within_the_window() {
        // "البنك التجاري" three times (once as للبنك), never tagged by the first stage.
        let sents = vec![
            vec!["أعلن", "البنك", "التجاري", "أمس"],
            vec!["وقال", "رئيس", "البنك", "التجاري"],
            vec!["أرباح", "للبنك", "التجاري", "ارتفعت"],
            vec!["أمس"],
        ];
        let stage1: Vec<Vec<usize>> = sents.iter().map(|s| vec![0; s.len()]).collect();
        let f = features(&sents, &stage1, 5, true, false);
        // Sentence 0, token 1 (البنك): two other occurrences of its key (bucket 2), type O;
        // the bigram it starts recurs twice (bucket 2).
        assert!(f[0][1].contains(&FeatureHasher::new(131).num(2).num(0).finish()));
        assert!(f[0][1].contains(&FeatureHasher::new(133).num(2).finish()));
        // أمس (sentence 0) recurs once in sentence 3; with window 0 it does not.
        assert!(f[0][3].contains(&FeatureHasher::new(131).num(1).num(0).finish()));
        let f0 = features(&sents, &stage1, 0, true, false);
        assert!(f0[0][3].contains(&FeatureHasher::new(131).num(0).num(0).finish()));
        // Without `recur`, the four recurrence features are absent.
        let off = features(&sents, &stage1, 5, false, false);
        assert_eq!(off[0][1].len() + 4, f[0][1].len());
    }
}
