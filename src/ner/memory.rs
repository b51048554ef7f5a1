//! Entity memory: the entity strings of the training data with their type counts, matched as
//! multi-word spans in new text (a gazetteer built from the training labels).
//!
//! Used as features it must be **jackknifed** in training (each training sentence sees a memory
//! built from the other folds only), otherwise the model learns to trust it blindly — it would
//! always be right on the text it came from. At tagging time the memory of the whole training
//! set is used. Keys: folded tokens joined by one space, the first with any proclitic stack before
//! the article removed ([`super::features::strip_to_article`]).

use rustc_hash::{FxHashMap, FxHashSet};

use super::conll::Sentence;
use super::eval::chunks;
use super::features::{fold, strip_to_article};
use super::hash::FeatureHasher;

/// Longest remembered entity, in tokens.
pub const MAX_WORDS: usize = 5;

/// Entity strings → counts per type (PER, LOC, ORG, MISC).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    entries: FxHashMap<String, [u16; 4]>,
    first_words: FxHashSet<String>,
}

fn key_of<S: AsRef<str>>(tokens: &[S]) -> String {
    let mut k = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let f = fold(t.as_ref());
        if i == 0 {
            k.push_str(&strip_to_article(&f));
        } else {
            k.push(' ');
            k.push_str(&f);
        }
    }
    k
}

impl Memory {
    /// The gold entities of `sentences`.
    pub fn build(sentences: &[&Sentence]) -> Memory {
        let mut m = Memory::default();
        for s in sentences {
            for c in chunks(&s.labels) {
                if c.end - c.start <= MAX_WORDS {
                    let k = key_of(&s.tokens[c.start..c.end]);
                    let ty = super::labels::KINDS
                        .iter()
                        .position(|x| *x == c.kind)
                        .unwrap_or(0);
                    m.add(k, ty, 1);
                }
            }
        }
        m
    }

    fn add(&mut self, key: String, ty: usize, n: u16) {
        if let Some(first) = key.split(' ').next() {
            self.first_words.insert(first.to_string());
        }
        let e = self.entries.entry(key).or_insert([0; 4]);
        e[ty] = e[ty].saturating_add(n);
    }

    /// Builds from `(key, counts)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, [u16; 4])>) -> Memory {
        let mut m = Memory::default();
        for (k, c) in pairs {
            for (ty, n) in c.iter().enumerate() {
                if *n > 0 {
                    m.add(k.clone(), ty, *n);
                }
            }
        }
        m
    }

    /// `(key, counts)` sorted by key.
    pub fn sorted(&self) -> Vec<(&str, [u16; 4])> {
        let mut v: Vec<(&str, [u16; 4])> =
            self.entries.iter().map(|(k, c)| (k.as_str(), *c)).collect();
        v.sort_unstable();
        v
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Per-token feature ids for one sentence: greedy longest matches, left to right.
    pub fn features<S: AsRef<str>>(&self, tokens: &[S]) -> Vec<Vec<u64>> {
        let n = tokens.len();
        let mut out = vec![Vec::new(); n];
        if self.entries.is_empty() {
            return out;
        }
        let folded: Vec<String> = tokens.iter().map(|t| fold(t.as_ref())).collect();
        let mut i = 0;
        let mut key = String::new();
        while i < n {
            let first = strip_to_article(&folded[i]);
            let mut matched = 0;
            if self.first_words.contains(first.as_ref()) {
                for len in (1..=MAX_WORDS.min(n - i)).rev() {
                    key.clear();
                    key.push_str(&first);
                    for f in &folded[i + 1..i + len] {
                        key.push(' ');
                        key.push_str(f);
                    }
                    if let Some(c) = self.entries.get(&key) {
                        let total: u32 = c.iter().map(|&x| u32::from(x)).sum();
                        let (ty, best) = c
                            .iter()
                            .enumerate()
                            .max_by_key(|&(t, &x)| (x, 4 - t))
                            .map(|(t, &x)| (t, x))
                            .unwrap_or((0, 0));
                        let purity = u64::from(4 * u32::from(best) / total.max(1)).min(3);
                        let freq = u64::from(total.min(3));
                        for (k, f) in out[i..i + len].iter_mut().enumerate() {
                            let pos = if k == 0 { 0u64 } else { 1 };
                            f.push(FeatureHasher::new(140).num(ty as u64).num(pos).finish());
                            f.push(
                                FeatureHasher::new(141)
                                    .num(ty as u64)
                                    .num(pos)
                                    .num(len.min(3) as u64)
                                    .finish(),
                            );
                            f.push(
                                FeatureHasher::new(142)
                                    .num(ty as u64)
                                    .num(purity)
                                    .num(freq)
                                    .finish(),
                            );
                        }
                        if i + len < n {
                            out[i + len].push(FeatureHasher::new(143).num(ty as u64).finish());
                        }
                        matched = len;
                        break;
                    }
                }
            }
            i += matched.max(1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::conll::parse;

    #[test]
    fn remembers_spans_across_clitics() {
        let c = parse("زار\tO\nالأمم\tB-ORG\nالمتحدة\tI-ORG\nفي\tO\nنيويورك\tB-LOC\n").unwrap();
        let m = Memory::build(&c.sentences.iter().collect::<Vec<_>>());
        assert_eq!(m.len(), 2);
        let f = m.features(&["وقال", "للأمم", "المتحدة", "اليوم"]);
        let org_b = FeatureHasher::new(140).num(2).num(0).finish();
        let org_i = FeatureHasher::new(140).num(2).num(1).finish();
        assert!(f[1].contains(&org_b) && f[2].contains(&org_i));
        assert!(f[0].is_empty());
        assert_eq!(
            Memory::from_pairs(m.sorted().into_iter().map(|(k, c)| (k.to_string(), c))),
            m
        );
    }
}
