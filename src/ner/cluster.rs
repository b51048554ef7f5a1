//! Distributional word clusters built from the training text alone.
//!
//! Words are the tagger's clitic-stripped folded stems ([`super::features::strip_proclitics`]).
//! Clusters come from the exchange algorithm for class-bigram language models (Kneser & Ney
//! 1993; Martin, Liermann & Ney 1998), which optimises the same objective as Brown et al.
//! (1992) clustering — the likelihood of the text under a class-bigram model, i.e.
//! Σ N(c₁,c₂) log N(c₁,c₂) − Σ N_left(c) log N_left(c) − Σ N_right(c) log N_right(c) —
//! by moving one word at a time to the class that improves it most. Words are visited in a
//! fixed order (frequency, then text), ties go to the lowest class: the result is
//! deterministic.

use rustc_hash::FxHashMap;

/// Word (folded, clitic-stripped) → cluster id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clusters {
    map: FxHashMap<String, u32>,
}

impl Clusters {
    /// The cluster of `word`, if it has one.
    pub fn get(&self, word: &str) -> Option<u32> {
        self.map.get(word).copied()
    }

    /// Number of words with a cluster.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no word has a cluster.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// `(word, cluster)` pairs sorted by word (deterministic order for serialisation).
    pub fn sorted(&self) -> Vec<(&str, u32)> {
        let mut v: Vec<(&str, u32)> = self.map.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        v.sort_unstable();
        v
    }

    /// Builds from pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, u32)>) -> Self {
        Clusters {
            map: pairs.into_iter().collect(),
        }
    }
}

/// Words seen fewer times than this get no cluster.
const MIN_FREQ: usize = 3;
/// At most this many words (the most frequent) are clustered.
const MAX_VOCAB: usize = 12_000;

fn xlogx(x: i64) -> f64 {
    if x <= 0 {
        0.0
    } else {
        x as f64 * (x as f64).ln()
    }
}

/// Builds `k` clusters from the sentences' words with `iters` exchange passes.
pub fn build(sentences: &[&super::conll::Sentence], k: usize, iters: usize) -> Clusters {
    use super::features::{fold, strip_proclitics};
    if k == 0 {
        return Clusters::default();
    }
    let stems: Vec<Vec<String>> = sentences
        .iter()
        .map(|s| {
            s.tokens
                .iter()
                .map(|t| strip_proclitics(&fold(t)).0.to_string())
                .collect()
        })
        .collect();
    let mut freq: FxHashMap<&str, usize> = FxHashMap::default();
    for w in stems.iter().flatten() {
        *freq.entry(w.as_str()).or_default() += 1;
    }
    let mut vocab: Vec<(&str, usize)> = freq.into_iter().filter(|(_, n)| *n >= MIN_FREQ).collect();
    vocab.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    vocab.truncate(MAX_VOCAB);
    let v = vocab.len();
    if v == 0 {
        return Clusters::default();
    }
    let id: FxHashMap<&str, usize> = vocab
        .iter()
        .enumerate()
        .map(|(i, (w, _))| (*w, i))
        .collect();
    let (rare, bos, eos) = (v, v + 1, v + 2);
    let nclass = k + 3;
    // Word-level bigram lists.
    let mut right: Vec<FxHashMap<usize, i64>> = vec![FxHashMap::default(); v + 3];
    let mut left: Vec<FxHashMap<usize, i64>> = vec![FxHashMap::default(); v + 3];
    for s in &stems {
        let ids: Vec<usize> = std::iter::once(bos)
            .chain(
                s.iter()
                    .map(|w| id.get(w.as_str()).copied().unwrap_or(rare)),
            )
            .chain(std::iter::once(eos))
            .collect();
        for p in ids.windows(2) {
            *right[p[0]].entry(p[1]).or_default() += 1;
            *left[p[1]].entry(p[0]).or_default() += 1;
        }
    }
    let sorted = |m: &FxHashMap<usize, i64>| {
        let mut x: Vec<(usize, i64)> = m.iter().map(|(a, b)| (*a, *b)).collect();
        x.sort_unstable();
        x
    };
    let right: Vec<Vec<(usize, i64)>> = right.iter().map(sorted).collect();
    let left: Vec<Vec<(usize, i64)>> = left.iter().map(sorted).collect();
    let mut class: Vec<usize> = (0..v).map(|i| i % k).chain([k, k + 1, k + 2]).collect();
    let mut n = vec![0i64; nclass * nclass];
    let mut nl = vec![0i64; nclass];
    let mut nr = vec![0i64; nclass];
    for (w, list) in right.iter().enumerate() {
        for &(u, c) in list {
            n[class[w] * nclass + class[u]] += c;
            nl[class[w]] += c;
            nr[class[u]] += c;
        }
    }
    let mut rw = vec![0i64; nclass];
    let mut lw = vec![0i64; nclass];
    for _ in 0..iters {
        let mut moved = 0;
        for w in 0..v {
            let a = class[w];
            let (mut selfc, mut nlw, mut nrw) = (0i64, 0i64, 0i64);
            let mut rs: Vec<usize> = Vec::new();
            let mut ls: Vec<usize> = Vec::new();
            for &(u, c) in &right[w] {
                nlw += c;
                if u == w {
                    selfc += c;
                } else {
                    if rw[class[u]] == 0 {
                        rs.push(class[u]);
                    }
                    rw[class[u]] += c;
                }
            }
            for &(u, c) in &left[w] {
                nrw += c;
                if u != w {
                    if lw[class[u]] == 0 {
                        ls.push(class[u]);
                    }
                    lw[class[u]] += c;
                }
            }
            // Remove w from a.
            for &c in &rs {
                n[a * nclass + c] -= rw[c];
            }
            for &c in &ls {
                n[c * nclass + a] -= lw[c];
            }
            n[a * nclass + a] -= selfc;
            nl[a] -= nlw;
            nr[a] -= nrw;
            let gain = |b: usize, n: &[i64]| -> f64 {
                let mut g = 0.0;
                for &c in &rs {
                    if c != b {
                        let x = n[b * nclass + c];
                        g += xlogx(x + rw[c]) - xlogx(x);
                    }
                }
                for &c in &ls {
                    if c != b {
                        let x = n[c * nclass + b];
                        g += xlogx(x + lw[c]) - xlogx(x);
                    }
                }
                let x = n[b * nclass + b];
                g += xlogx(x + rw[b] + lw[b] + selfc) - xlogx(x);
                g - (xlogx(nl[b] + nlw) - xlogx(nl[b])) - (xlogx(nr[b] + nrw) - xlogx(nr[b]))
            };
            let mut best = a;
            let mut best_gain = gain(a, &n);
            for b in 0..k {
                if b != a {
                    let g = gain(b, &n);
                    if g > best_gain + 1e-9 {
                        best = b;
                        best_gain = g;
                    }
                }
            }
            // Add w to best.
            let b = best;
            for &c in &rs {
                n[b * nclass + c] += rw[c];
            }
            for &c in &ls {
                n[c * nclass + b] += lw[c];
            }
            n[b * nclass + b] += selfc;
            nl[b] += nlw;
            nr[b] += nrw;
            if b != a {
                class[w] = b;
                moved += 1;
            }
            for &c in &rs {
                rw[c] = 0;
            }
            for &c in &ls {
                lw[c] = 0;
            }
        }
        tracing::info!(moved, "exchange clustering pass");
        if moved == 0 {
            break;
        }
    }
    Clusters::from_pairs(
        vocab
            .iter()
            .enumerate()
            .map(|(i, (w, _))| (w.to_string(), class[i] as u32)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::conll::parse;

    #[test]
    fn words_in_the_same_contexts_share_a_cluster() {
        let mut text = String::new();
        for (a, b) in [("طوكيو", "مدريد"), ("مدريد", "روما"), ("روما", "طوكيو")]
        {
            for _ in 0..3 {
                text.push_str(&format!("سافر\tO\nإلى\tO\n{a}\tO\nثم\tO\n{b}\tO\n\n"));
                text.push_str("قال\tO\nالوزير\tO\nكلمة\tO\n\n");
            }
        }
        let corpus = parse(&text).unwrap();
        let sents: Vec<_> = corpus.sentences.iter().collect();
        let c = build(&sents, 3, 10);
        let again = build(&sents, 3, 10);
        assert_eq!(c, again);
        assert!(c.get("طوكيو").is_some());
        assert_eq!(c.get("طوكيو"), c.get("مدريد"));
        assert_eq!(c.get("طوكيو"), c.get("روما"));
        // Stems are clustered: "الوزير" is looked up as "وزير".
        assert!(c.get("وزير").is_some());
        assert_ne!(c.get("طوكيو"), c.get("وزير"));
    }
}
