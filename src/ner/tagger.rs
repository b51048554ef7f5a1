//! The shipped tagger: a first-stage [`Model`] and, optionally, a second stage that also sees
//! the document features of [`super::doc`] computed from the first stage's output.
//!
//! File layout (little-endian): magic `"QNERT\x01\n\0"`, `u32` window (sentences), `u8` number
//! of stages (1 or 2), then per stage `u64` length + a [`Model`] file.

use anyhow::{bail, ensure};

use super::doc;
use super::labels::Label;
use super::features::SentenceFeatures;
use super::model::{Model, Scratch};

const MAGIC: &[u8; 8] = b"QNERT\x01\n\0";

/// A one- or two-stage tagger.
#[derive(Clone, Debug)]
pub struct Tagger {
    /// The first stage (sentence features only).
    pub first: Model,
    /// The second stage (sentence + document features), if trained.
    pub second: Option<Model>,
    /// Document window for the second stage's features: ± this many sentences.
    pub window: usize,
}

impl Tagger {
    /// Tags a document given as sentences of tokens (as written); one label per token.
    pub fn tag_document<T: AsRef<[S]>, S: AsRef<str>>(&self, sentences: &[T]) -> Vec<Vec<Label>> {
        let mut scratch = Scratch::default();
        let to_labels = |v: &[usize]| v.iter().map(|&l| Label::from_index(l)).collect::<Vec<_>>();
        let Some(second) = &self.second else {
            return sentences.iter().map(|s| to_labels(self.first.tag_indices(s.as_ref(), &mut scratch))).collect();
        };
        // Both stages share the sentence features when they were trained with the same ones.
        let shared = second.config == self.first.config && second.resources == self.first.resources;
        let feats: Vec<SentenceFeatures> = sentences
            .iter()
            .map(|s| {
                let mut f = SentenceFeatures::default();
                self.first.features(s.as_ref(), &mut f);
                f
            })
            .collect();
        let stage1: Vec<Vec<usize>> =
            feats.iter().map(|f| self.first.decode_features(f, None, &mut scratch).to_vec()).collect();
        let extra = doc::features(sentences, &stage1, self.window);
        sentences
            .iter()
            .zip(&feats)
            .zip(&extra)
            .map(|((s, f), e)| {
                if shared {
                    to_labels(second.decode_features(f, Some(e), &mut scratch))
                } else {
                    to_labels(second.tag_indices_with(s.as_ref(), Some(e), &mut scratch))
                }
            })
            .collect()
    }

    /// Serialises (format in the module doc); byte-identical for equal taggers.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.window as u32).to_le_bytes());
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
        ensure!(bytes.len() >= 13 && &bytes[..8] == MAGIC, "not a qalam NER tagger file (bad magic)");
        let window = u32::from_le_bytes(bytes[8..12].try_into()?) as usize;
        let stages = bytes[12];
        ensure!(stages == 1 || stages == 2, "bad stage count {stages}");
        let mut pos = 13;
        let mut models = Vec::new();
        for _ in 0..stages {
            let Some(len) = bytes.get(pos..pos + 8) else { bail!("tagger file truncated") };
            let len = u64::from_le_bytes(len.try_into()?) as usize;
            pos += 8;
            let Some(b) = pos.checked_add(len).and_then(|end| bytes.get(pos..end)) else {
                bail!("tagger file truncated")
            };
            models.push(Model::from_bytes(b)?);
            pos += len;
        }
        ensure!(pos == bytes.len(), "trailing bytes after the tagger");
        let second = if models.len() == 2 { models.pop() } else { None };
        let first = models.pop().expect("one stage");
        Ok(Tagger { first, second, window })
    }
}
