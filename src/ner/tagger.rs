//! The shipped tagger: a first-stage [`Model`] and, optionally, a second stage that also sees
//! the document features of [`super::doc`] computed from the first stage's output.
//!
//! File layout (little-endian): magic `"QNERT\x02\n\0"`, `u32` window (sentences), the entity
//! memory (`u32` count, then per entry `u16` length + UTF-8 key + 4 × `u16` counts, sorted by
//! key), `u8` number of stages (1 or 2), then per stage `u64` length + a [`Model`] file.

use anyhow::{bail, ensure};

use super::decode::{self, Scores};
use super::doc;
use super::features::{self, SentenceFeatures, WordCache};
use super::labels::{Label, NUM_LABELS};
use super::memory::Memory;
use super::model::{Model, Scratch};

const MAGIC: &[u8; 8] = b"QNERT\x02\n\0";

/// Both stages' quantised weights of one feature: stage 1's nine labels, then stage 2's.
type JointRow = [i16; 2 * NUM_LABELS];

/// Sums of [`JointRow`]s.
type JointSum = [i32; 2 * NUM_LABELS];

/// One open-addressing table (linear probing, load ≤ 3/4) over the union of both stages'
/// features, built at load time: every sentence feature is looked up once for both stages, and
/// the probe touches only the compact key array (8 bytes a slot); the weights, in a parallel
/// array, are read for hits only.
#[derive(Clone, Debug, Default)]
struct JointTable {
    keys: Vec<u64>,
    rows: Vec<JointRow>,
    mask: usize,
}

impl JointTable {
    fn build(first: &Model, second: Option<&Model>) -> JointTable {
        let a = first.rows();
        let b = second.map_or(&[][..], |m| m.rows());
        // Both lists are sorted by key: merge them.
        let mut merged: Vec<(u64, JointRow)> = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let ka = a.get(i).map_or(u64::MAX, |r| r.0);
            let kb = b.get(j).map_or(u64::MAX, |r| r.0);
            let k = ka.min(kb);
            let mut row = [0i16; 2 * NUM_LABELS];
            if ka == k && i < a.len() {
                row[..NUM_LABELS].copy_from_slice(&a[i].1);
                i += 1;
            }
            if kb == k && j < b.len() {
                row[NUM_LABELS..].copy_from_slice(&b[j].1);
                j += 1;
            }
            merged.push((k, row));
        }
        let cap = (merged.len() * 4 / 3 + 1).next_power_of_two().max(16);
        let mut t = JointTable {
            keys: vec![0; cap],
            rows: vec![[0; 2 * NUM_LABELS]; cap],
            mask: cap - 1,
        };
        for (k, w) in merged {
            crate::background::tick();
            let mut i = (k as usize) & t.mask;
            while t.keys[i] != 0 {
                i = (i + 1) & t.mask;
            }
            t.keys[i] = k;
            t.rows[i] = w;
        }
        t
    }

    /// Hints the CPU to load `k`'s home slot of the key array.
    #[inline]
    fn prefetch(&self, k: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            let slot: *const u64 = &self.keys[(k as usize) & self.mask];
            // SAFETY: `_mm_prefetch` is a hint with no memory effects; the pointer comes from a
            // valid reference, and SSE is part of the x86_64 baseline.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(slot.cast())
            };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = k;
    }

    #[inline]
    fn find(&self, k: u64) -> Option<&JointRow> {
        let mut i = (k as usize) & self.mask;
        loop {
            let key = self.keys[i];
            if key == k {
                return Some(&self.rows[i]);
            }
            if key == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Appends the slots of the features of `ids` that have weights to `out`, prefetching
    /// their rows.
    #[inline]
    fn resolve(&self, ids: &[u64], out: &mut Vec<u32>) {
        for &k in ids {
            let mut i = (k as usize) & self.mask;
            loop {
                let key = self.keys[i];
                if key == k {
                    #[cfg(target_arch = "x86_64")]
                    {
                        let row: *const JointRow = &self.rows[i];
                        // SAFETY: as in `prefetch`.
                        unsafe {
                            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                                row.cast(),
                            )
                        };
                    }
                    out.push(i as u32);
                    break;
                }
                if key == 0 {
                    break;
                }
                i = (i + 1) & self.mask;
            }
        }
    }

    /// Adds the rows at `slots` to `sum`.
    #[inline]
    fn sum(&self, slots: &[u32], sum: &mut JointSum) {
        for &i in slots {
            let w = &self.rows[i as usize];
            for (a, b) in sum.iter_mut().zip(w) {
                *a += i32::from(*b);
            }
        }
    }

    /// Adds the weights of `ids` to stage 2's score sums.
    #[inline]
    fn accumulate_second(&self, ids: &[u64], b: &mut [i32; NUM_LABELS]) {
        for &f in ids {
            if let Some(w) = self.find(f) {
                for l in 0..NUM_LABELS {
                    b[l] += i32::from(w[NUM_LABELS + l]);
                }
            }
        }
    }
}

/// A one- or two-stage tagger.
#[derive(Clone, Debug)]
pub struct Tagger {
    first: Model,
    second: Option<Model>,
    window: usize,
    memory: Memory,
    /// Both stages extract the same sentence features (same configuration and resources), so
    /// they are extracted once and looked up once in `joint`.
    shared: bool,
    joint: JointTable,
}

impl Tagger {
    /// Assembles a tagger: `first` stage (sentence features only), optional `second` stage
    /// (sentence + document features), document `window` for the second stage's features (±
    /// sentences), and the entity `memory` whose features go to both stages.
    pub fn new(first: Model, second: Option<Model>, window: usize, memory: Memory) -> Tagger {
        let shared = second.as_ref().is_none_or(|s| {
            s.config == first.config
                && (std::sync::Arc::ptr_eq(&s.resources, &first.resources)
                    || s.resources == first.resources)
        });
        let joint = if shared {
            JointTable::build(&first, second.as_ref())
        } else {
            JointTable::default()
        };
        Tagger {
            first,
            second,
            window,
            memory,
            shared,
            joint,
        }
    }

    /// The first stage (sentence features only).
    pub fn first(&self) -> &Model {
        &self.first
    }

    /// The second stage (sentence + document features), if trained.
    pub fn second(&self) -> Option<&Model> {
        self.second.as_ref()
    }

    /// Document window of the second stage's features: ± this many sentences.
    pub fn window(&self) -> usize {
        self.window
    }

    /// The same tagger with `delta` added to the `O` score of every token in its last stage
    /// ([`Model::shift_label`]): negative values favour recall. The first stage of a two-stage
    /// tagger is left as trained (the second stage learned to read its output as it is).
    pub fn with_o_bias(&self, delta: f32) -> Tagger {
        let o = crate::ner::labels::Label::O.index();
        match &self.second {
            Some(s) => Tagger::new(
                self.first.clone(),
                Some(s.clone().shift_label(o, delta)),
                self.window,
                self.memory.clone(),
            ),
            None => Tagger::new(
                self.first.clone().shift_label(o, delta),
                None,
                self.window,
                self.memory.clone(),
            ),
        }
    }

    /// The same tagger without its second stage (for measuring the stages apart).
    pub fn first_stage_only(&self) -> Tagger {
        Tagger::new(self.first.clone(), None, self.window, self.memory.clone())
    }

    /// Tags a document given as sentences of tokens (as written); one label per token.
    pub fn tag_document<T: AsRef<[S]>, S: AsRef<str>>(&self, sentences: &[T]) -> Vec<Vec<Label>> {
        self.tag_documents(std::slice::from_ref(&sentences))
            .pop()
            .unwrap_or_default()
    }

    /// Tags several documents, each given as sentences of tokens (as written): for each
    /// document, one label per token, exactly as [`Tagger::tag_document`] tags it alone (each
    /// document's second-stage features see that document only). Faster than one call per
    /// document: the per-word work (features, their summed weights) is shared by all of them,
    /// which matters for many short documents (the paragraphs of an article).
    pub fn tag_documents<D: AsRef<[T]>, T: AsRef<[S]>, S: AsRef<str>>(
        &self,
        documents: &[D],
    ) -> Vec<Vec<Vec<Label>>> {
        if !self.shared {
            return documents
                .iter()
                .map(|d| self.tag_document_separately(d.as_ref()))
                .collect();
        }
        let to_labels = |v: &[usize]| v.iter().map(|&l| Label::from_index(l)).collect::<Vec<_>>();
        let mut feats = SentenceFeatures::default();
        let mut emissions: Vec<Scores> = Vec::new();
        let mut path = Vec::new();
        let two = self.second.is_some();
        let mut base2: Vec<[i32; NUM_LABELS]> = Vec::new();
        let mut hits: Vec<u32> = Vec::new();
        let mut hit_ends: Vec<usize> = Vec::new();
        let scale1 = self.first.scale();
        let mut cache = WordCache::default();
        // Per distinct word: the summed weights (both stages) of its word-only features, and the
        // slots of the context ids it gives its neighbours (NONE when unweighted).
        const NONE: u32 = u32::MAX;
        let mut word_sum: Vec<JointSum> = Vec::new();
        let mut word_ctx: Vec<[u32; 8]> = Vec::new();
        let context = self.first.config.context;
        let mut one = Vec::with_capacity(1);
        let mut out = Vec::with_capacity(documents.len());
        for document in documents {
            let sentences = document.as_ref();
            // Stage 2's sums over the sentence (and memory) features, kept for after stage 1.
            base2.clear();
            let mut stage1: Vec<Vec<usize>> = Vec::with_capacity(sentences.len());
            for s in sentences {
                let tokens = s.as_ref();
                features::extract_contextual(
                    &self.first.config,
                    &self.first.resources,
                    tokens,
                    &mut feats,
                    &mut cache,
                );
                for w in word_sum.len()..cache.len() {
                    let mut sum = [0i32; 2 * NUM_LABELS];
                    for f in cache.word_ids(w) {
                        if let Some(row) = self.joint.find(f) {
                            for (a, b) in sum.iter_mut().zip(row) {
                                *a += i32::from(*b);
                            }
                        }
                    }
                    word_sum.push(sum);
                    word_ctx.push(cache.context_ids(w).map(|f| {
                        one.clear();
                        self.joint.resolve(&[f], &mut one);
                        one.first().copied().unwrap_or(NONE)
                    }));
                }
                let mem = (!self.memory.is_empty()).then(|| self.memory.features(tokens));
                // Resolve every remaining feature to its slot first and prefetch the hit rows,
                // so the row loads (the cache misses of tagging) overlap instead of stalling one
                // by one.
                let n = feats.len();
                hits.clear();
                hit_ends.clear();
                for i in 0..n {
                    if i + 1 < n {
                        for &f in feats.token(i + 1) {
                            self.joint.prefetch(f);
                        }
                    }
                    self.joint.resolve(feats.token(i), &mut hits);
                    if let Some(m) = &mem {
                        self.joint.resolve(&m[i], &mut hits);
                    }
                    if context {
                        for (off, k) in features::CONTEXT_SLOTS {
                            let j = i as isize + off;
                            if j >= 0 && (j as usize) < n {
                                let slot = word_ctx[feats.word(j as usize)][k];
                                if slot != NONE {
                                    hits.push(slot);
                                }
                            }
                        }
                    }
                    hit_ends.push(hits.len());
                }
                emissions.clear();
                let mut lo = 0;
                for (i, &hi) in hit_ends.iter().enumerate() {
                    let slots = &hits[lo..hi];
                    lo = hi;
                    let mut sum = word_sum[feats.word(i)];
                    self.joint.sum(slots, &mut sum);
                    let (a, b) = sum.split_at(NUM_LABELS);
                    if two {
                        let mut row = [0i32; NUM_LABELS];
                        row.copy_from_slice(b);
                        base2.push(row);
                    }
                    emissions.push(std::array::from_fn(|l| a[l] as f32 * scale1));
                }
                decode::viterbi(&emissions, &self.first.start, &self.first.trans, &mut path);
                stage1.push(path.clone());
            }
            let Some(second) = &self.second else {
                out.push(stage1.iter().map(|v| to_labels(v)).collect());
                continue;
            };
            let scale2 = second.scale();
            let doc = doc::features_flat(
                sentences,
                &stage1,
                self.window,
                second.config.recur,
                second.config.topic,
            );
            let mut t = 0;
            out.push(
                stage1
                    .iter()
                    .map(|s1| {
                        emissions.clear();
                        for _ in 0..s1.len() {
                            let mut b = base2[t];
                            self.joint.accumulate_second(doc.token(t), &mut b);
                            t += 1;
                            emissions.push(b.map(|x| x as f32 * scale2));
                        }
                        decode::viterbi(&emissions, &second.start, &second.trans, &mut path);
                        to_labels(&path)
                    })
                    .collect(),
            );
        }
        out
    }

    /// [`Tagger::tag_document`] for stages with different sentence features: each stage
    /// extracts and looks up its own.
    fn tag_document_separately<T: AsRef<[S]>, S: AsRef<str>>(
        &self,
        sentences: &[T],
    ) -> Vec<Vec<Label>> {
        let mut scratch = Scratch::default();
        let to_labels = |v: &[usize]| v.iter().map(|&l| Label::from_index(l)).collect::<Vec<_>>();
        let mem: Vec<Vec<Vec<u64>>> = sentences
            .iter()
            .map(|s| self.memory.features(s.as_ref()))
            .collect();
        let stage1: Vec<Vec<usize>> = sentences
            .iter()
            .zip(&mem)
            .map(|(s, m)| {
                self.first
                    .tag_indices_with(s.as_ref(), Some(m), &mut scratch)
                    .to_vec()
            })
            .collect();
        let Some(second) = &self.second else {
            return stage1.iter().map(|v| to_labels(v)).collect();
        };
        let doc = doc::features(
            sentences,
            &stage1,
            self.window,
            second.config.recur,
            second.config.topic,
        );
        sentences
            .iter()
            .zip(mem.iter().zip(&doc))
            .map(|(s, (m, d))| {
                let extra: Vec<Vec<u64>> = m
                    .iter()
                    .zip(d)
                    .map(|(a, b)| a.iter().chain(b).copied().collect())
                    .collect();
                to_labels(second.tag_indices_with(s.as_ref(), Some(&extra), &mut scratch))
            })
            .collect()
    }

    /// Serialises (format in the module doc); byte-identical for equal taggers.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.window as u32).to_le_bytes());
        let mem = self.memory.sorted();
        out.extend_from_slice(&(mem.len() as u32).to_le_bytes());
        for (k, c) in mem {
            out.extend_from_slice(&(k.len() as u16).to_le_bytes());
            out.extend_from_slice(k.as_bytes());
            for x in c {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        out.push(1 + u8::from(self.second.is_some()));
        for m in std::iter::once(&self.first).chain(&self.second) {
            let b = m.to_bytes();
            out.extend_from_slice(&(b.len() as u64).to_le_bytes());
            out.extend_from_slice(&b);
        }
        out
    }

    /// Parses a tagger file.
    pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<Tagger> {
        let mut pos = 0usize;
        let mut take = |n: usize| -> anyhow::Result<&[u8]> {
            let Some(b) = pos.checked_add(n).and_then(|end| bytes.get(pos..end)) else {
                bail!("tagger file truncated at byte {pos}")
            };
            pos += n;
            Ok(b)
        };
        ensure!(take(8)? == MAGIC, "not a qalam NER tagger file (bad magic)");
        let window = u32::from_le_bytes(take(4)?.try_into()?) as usize;
        let count = u32::from_le_bytes(take(4)?.try_into()?) as usize;
        let mut pairs = Vec::with_capacity(count.min(1 << 20));
        for _ in 0..count {
            let len = u16::from_le_bytes(take(2)?.try_into()?) as usize;
            let key = std::str::from_utf8(take(len)?)?.to_string();
            let mut c = [0u16; 4];
            for x in c.iter_mut() {
                *x = u16::from_le_bytes(take(2)?.try_into()?);
            }
            pairs.push((key, c));
        }
        let memory = Memory::from_pairs(pairs);
        let stages = take(1)?[0];
        ensure!(stages == 1 || stages == 2, "bad stage count {stages}");
        let mut models: Vec<Model> = Vec::new();
        let mut section: &[u8] = &[];
        for _ in 0..stages {
            let len = u64::from_le_bytes(take(8)?.try_into()?) as usize;
            let shared = models.last().map(|m| (section, &m.resources));
            let (model, own) = Model::from_bytes_sharing(take(len)?, shared)?;
            section = own;
            models.push(model);
        }
        ensure!(pos == bytes.len(), "trailing bytes after the tagger");
        let second = if models.len() == 2 {
            models.pop()
        } else {
            None
        };
        let first = models.pop().expect("one stage");
        Ok(Tagger::new(first, second, window, memory))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped file's two stages carry the same resources section: it is parsed once and
    /// shared, the joint table is built, and the file is written back byte for byte.
    #[test]
    fn shipped_stages_share_resources() {
        let t = Tagger::from_bytes(crate::ner::SHIPPED_MODEL_BYTES).expect("shipped model");
        let second = t.second().expect("two stages");
        assert!(std::sync::Arc::ptr_eq(
            &t.first().resources,
            &second.resources
        ));
        assert!(t.shared);
        assert_eq!(t.to_bytes(), crate::ner::SHIPPED_MODEL_BYTES);
    }

    /// A second stage whose resources differ is parsed on its own, not shared.
    #[test]
    fn different_resources_are_not_shared() {
        use crate::ner::cluster::Clusters;
        use crate::ner::features::{FeatureConfig, Resources};
        use crate::ner::labels::NUM_LABELS;
        use crate::ner::lexicon::Gazetteer;
        let model = |entry: &str| {
            Model::new(
                FeatureConfig::default(),
                Resources {
                    clusters: Clusters::from_pairs([("بيت".to_string(), 3)]),
                    gazetteer: Gazetteer::from_pairs([(entry.to_string(), 16)]),
                },
                Default::default(),
                [0.0; NUM_LABELS],
                [[0.0; NUM_LABELS]; NUM_LABELS],
                vec![(5u64 | 1 << 63, [1.0; NUM_LABELS])],
            )
        };
        let a = Tagger::new(
            model("الامم المتحده"),
            Some(model("حلب")),
            30,
            Memory::default(),
        );
        let back = Tagger::from_bytes(&a.to_bytes()).expect("round trip");
        let second = back.second().expect("two stages");
        assert!(!std::sync::Arc::ptr_eq(
            &back.first().resources,
            &second.resources
        ));
        assert_eq!(second.resources.gazetteer.get("حلب"), 16);
        assert_eq!(back.first().resources.gazetteer.get("حلب"), 0);
        assert!(!back.shared);
    }
}
