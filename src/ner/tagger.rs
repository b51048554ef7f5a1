//! The shipped tagger: a first-stage [`Model`] and, optionally, a second stage that also sees
//! the document features of [`super::doc`] computed from the first stage's output.
//!
//! File layout (little-endian): magic `"QNERT\x02\n\0"`, `u32` window (sentences), the entity
//! memory (`u32` count, then per entry `u16` length + UTF-8 key + 4 × `u16` counts, sorted by
//! key), `u8` number of stages (1 or 2), then per stage `u64` length + a [`Model`] file.

use anyhow::{bail, ensure};

use super::doc;
use super::features::SentenceFeatures;
use super::labels::Label;
use super::memory::Memory;
use super::model::{Model, Scratch};

const MAGIC: &[u8; 8] = b"QNERT\x02\n\0";

/// A one- or two-stage tagger.
#[derive(Clone, Debug)]
pub struct Tagger {
    /// The first stage (sentence features only).
    pub first: Model,
    /// The second stage (sentence + document features), if trained.
    pub second: Option<Model>,
    /// Document window for the second stage's features: ± this many sentences.
    pub window: usize,
    /// Entity memory of the training data ([`super::memory`]); its features go to both stages.
    pub memory: Memory,
}

impl Tagger {
    /// Tags a document given as sentences of tokens (as written); one label per token.
    pub fn tag_document<T: AsRef<[S]>, S: AsRef<str>>(&self, sentences: &[T]) -> Vec<Vec<Label>> {
        let mut scratch = Scratch::default();
        let to_labels = |v: &[usize]| v.iter().map(|&l| Label::from_index(l)).collect::<Vec<_>>();
        let mem: Vec<Vec<Vec<u64>>> = sentences
            .iter()
            .map(|s| self.memory.features(s.as_ref()))
            .collect();
        let feats: Vec<SentenceFeatures> = sentences
            .iter()
            .map(|s| {
                let mut f = SentenceFeatures::default();
                self.first.features(s.as_ref(), &mut f);
                f
            })
            .collect();
        let stage1: Vec<Vec<usize>> = feats
            .iter()
            .zip(&mem)
            .map(|(f, m)| {
                self.first
                    .decode_features(f, Some(m), &mut scratch)
                    .to_vec()
            })
            .collect();
        let Some(second) = &self.second else {
            return stage1.iter().map(|v| to_labels(v)).collect();
        };
        // Both stages share the sentence features when they were trained with the same ones.
        let shared = second.config == self.first.config && second.resources == self.first.resources;
        let doc = doc::features(sentences, &stage1, self.window);
        sentences
            .iter()
            .zip(&feats)
            .zip(mem.iter().zip(&doc))
            .map(|((s, f), (m, d))| {
                let extra: std::borrow::Cow<'_, [Vec<u64>]> = if self.memory.is_empty() {
                    std::borrow::Cow::Borrowed(d)
                } else {
                    m.iter()
                        .zip(d)
                        .map(|(a, b)| a.iter().chain(b).copied().collect())
                        .collect()
                };
                if shared {
                    to_labels(second.decode_features(f, Some(&extra), &mut scratch))
                } else {
                    to_labels(second.tag_indices_with(s.as_ref(), Some(&extra), &mut scratch))
                }
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
        let mut models = Vec::new();
        for _ in 0..stages {
            let len = u64::from_le_bytes(take(8)?.try_into()?) as usize;
            models.push(Model::from_bytes(take(len)?)?);
        }
        ensure!(pos == bytes.len(), "trailing bytes after the tagger");
        let second = if models.len() == 2 {
            models.pop()
        } else {
            None
        };
        let first = models.pop().expect("one stage");
        Ok(Tagger {
            first,
            second,
            window,
            memory,
        })
    }
}
