//! The trained tagger: feature weights, label transitions, feature configuration and clusters,
//! with a compact binary file format.
//!
//! File layout (all integers little-endian):
//! ```text
//! magic      8 bytes  "QNER\x01\n\0\0"
//! config     u32 length + UTF-8 text      (FeatureConfig::to_text)
//! clusters   u32 count, then per entry: u16 length + UTF-8 word + u32 id   (sorted by word)
//! gazetteer  u32 count, then per entry: u16 length + UTF-8 folded entry + u16 class mask (sorted)
//! names      u32 count, then per entry: u16 length + UTF-8 word               (sorted)
//! scale      f32                          (weight = i16 × scale)
//! start      9 × f32, transitions 81 × f32 (row = previous label)
//! features   u32 count, keys u64 × count (strictly increasing), weights i16 × count × 9
//! ```
//! Label order is [`super::labels::Label::index`].

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use anyhow::{Context, bail, ensure};

use super::cluster::Clusters;
use super::decode::{self, Scores};
use super::features::{self, FeatureConfig, Resources, SentenceFeatures};
use super::labels::{Label, NUM_LABELS};
use super::lexicon::Gazetteer;

const MAGIC: &[u8; 8] = b"QNER\x01\n\0\0";

/// One slot of the open-addressing weight table: a feature hash (0 = empty) and its quantised
/// weights, 32 bytes so that a lookup touches one cache line.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(32))]
struct Slot {
    key: u64,
    w: [i16; NUM_LABELS],
}

/// Open-addressing (linear probing, load ≤ 1/2) map from feature hash to quantised weights.
#[derive(Clone, Debug, Default)]
struct Table {
    slots: Vec<Slot>,
    mask: usize,
}

impl Table {
    fn build(rows: &[(u64, [i16; NUM_LABELS])]) -> Table {
        let cap = (rows.len() * 2).next_power_of_two().max(16);
        let mut t = Table {
            slots: vec![Slot::default(); cap],
            mask: cap - 1,
        };
        for &(k, w) in rows {
            let mut i = (k as usize) & t.mask;
            while t.slots[i].key != 0 {
                i = (i + 1) & t.mask;
            }
            t.slots[i] = Slot { key: k, w };
        }
        t
    }

    /// Hints the CPU to load `k`'s home slot (the loop in [`Model::decode_features`] issues
    /// this one token ahead, hiding most cache misses of the random lookups).
    #[inline]
    fn prefetch(&self, k: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            let slot: *const Slot = &self.slots[(k as usize) & self.mask];
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
    fn get(&self, k: u64) -> Option<&[i16; NUM_LABELS]> {
        let mut i = (k as usize) & self.mask;
        loop {
            let slot = &self.slots[i];
            if slot.key == k {
                return Some(&slot.w);
            }
            if slot.key == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// A loaded tagger model.
#[derive(Clone, Debug)]
pub struct Model {
    /// Feature groups the model was trained with.
    pub config: FeatureConfig,
    /// Word clusters and gazetteers the features look up; shared (not copied) between the
    /// stages of a tagger whose files hold the same resources ([`Model::from_bytes_sharing`]).
    pub resources: Arc<Resources>,
    /// Folded words seen inside gold entities in training (used to decide whether a leading
    /// و ف ب ل ك is a proclitic: "لبيسكوف" → "بيسكوف" only if that is a known name).
    pub names: BTreeSet<String>,
    /// Score of starting a sentence with each label.
    pub start: Scores,
    /// `trans[p][c]`: score of label `c` after label `p`.
    pub trans: [[f32; NUM_LABELS]; NUM_LABELS],
    /// `(feature hash, quantised weights)` sorted by hash; weight = value × `scale`.
    rows: Vec<(u64, [i16; NUM_LABELS])>,
    scale: f32,
    /// Built on first use: a [`super::tagger::Tagger`] looks weights up in its own joint table
    /// and never needs this one.
    table: OnceLock<Table>,
}

/// Reusable buffers for tagging (avoid per-sentence allocation).
#[derive(Debug, Default)]
pub struct Scratch {
    feats: SentenceFeatures,
    emissions: Vec<Scores>,
    path: Vec<usize>,
}

impl Model {
    /// Builds a model from unsorted `(feature hash, weights)` pairs. Weights are quantised to
    /// i16 with one global scale (max |w| / 32767); rows that quantise to all zeros are dropped.
    pub fn new(
        config: FeatureConfig,
        resources: impl Into<Arc<Resources>>,
        names: BTreeSet<String>,
        start: Scores,
        trans: [[f32; NUM_LABELS]; NUM_LABELS],
        mut rows: Vec<(u64, Scores)>,
    ) -> Model {
        rows.sort_unstable_by_key(|(k, _)| *k);
        rows.dedup_by_key(|(k, _)| *k);
        let max = rows
            .iter()
            .flat_map(|(_, w)| w.iter())
            .fold(0.0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let rows: Vec<(u64, [i16; NUM_LABELS])> = rows
            .iter()
            .map(|(k, w)| (*k, w.map(|x| (x / scale).round() as i16)))
            .filter(|(_, w)| w.iter().any(|x| *x != 0))
            .collect();
        Model {
            config,
            resources: resources.into(),
            names,
            start,
            trans,
            rows,
            scale,
            table: OnceLock::new(),
        }
    }

    #[inline]
    fn table(&self) -> &Table {
        self.table.get_or_init(|| Table::build(&self.rows))
    }

    /// `(feature hash, quantised weights)` sorted by hash (weight = value × [`Model::scale`]).
    pub fn rows(&self) -> &[(u64, [i16; NUM_LABELS])] {
        &self.rows
    }

    /// The quantisation scale: a weight is its i16 value × this.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// Drops feature rows whose largest quantised weight magnitude is below `min_abs` (in units
    /// of the model's scale, i.e. of 1/32767 of its largest weight); a smaller table for a
    /// negligible change in scores.
    pub fn pruned(mut self, min_abs: i16) -> Model {
        if min_abs > 0 {
            self.rows
                .retain(|(_, w)| w.iter().any(|x| x.unsigned_abs() >= min_abs.unsigned_abs()));
            self.table = OnceLock::new();
        }
        self
    }

    /// Drops the feature rows whose key is in `keys`.
    pub fn without_keys(mut self, keys: &std::collections::HashSet<u64>) -> Model {
        self.rows.retain(|(k, _)| !keys.contains(k));
        self.table = OnceLock::new();
        self
    }

    /// The mean of `models` (same configuration and resources; the first one's are kept):
    /// every weight, start and transition score averaged, a feature missing from a model
    /// counting as 0, then quantised again ([`Model::new`]).
    pub fn mean(models: &[Model]) -> Model {
        let k = models.len().max(1) as f32;
        let mut rows: std::collections::BTreeMap<u64, Scores> = std::collections::BTreeMap::new();
        let mut start = [0.0f32; NUM_LABELS];
        let mut trans = [[0.0f32; NUM_LABELS]; NUM_LABELS];
        for m in models {
            for (key, w) in &m.rows {
                let r = rows.entry(*key).or_insert([0.0; NUM_LABELS]);
                for (a, b) in r.iter_mut().zip(w) {
                    *a += f32::from(*b) * m.scale / k;
                }
            }
            for (a, b) in start.iter_mut().zip(&m.start) {
                *a += b / k;
            }
            for (ra, rb) in trans.iter_mut().zip(&m.trans) {
                for (a, b) in ra.iter_mut().zip(rb) {
                    *a += b / k;
                }
            }
        }
        let first = &models[0];
        Model::new(
            first.config.clone(),
            first.resources.clone(),
            first.names.clone(),
            start,
            trans,
            rows.into_iter().collect(),
        )
    }

    /// Adds `delta` (in score units) to label `label`'s weight of the bias feature that every
    /// token carries, i.e. to that label's score on every token: a negative `delta` on `O`
    /// trades precision for recall at decoding time. The shift is quantised with the model's
    /// scale (saturating at the i16 range).
    pub fn shift_label(mut self, label: usize, delta: f32) -> Model {
        if delta == 0.0 || label >= NUM_LABELS {
            return self;
        }
        let key = super::hash::FeatureHasher::new(0).finish();
        let q = (delta / self.scale).round() as i32;
        let pos = match self.rows.binary_search_by_key(&key, |(k, _)| *k) {
            Ok(p) => p,
            Err(p) => {
                self.rows.insert(p, (key, [0; NUM_LABELS]));
                p
            }
        };
        let w = &mut self.rows[pos].1[label];
        *w = (i32::from(*w) + q).clamp(-i32::from(i16::MAX), i32::from(i16::MAX)) as i16;
        self.table = OnceLock::new();
        self
    }

    /// Number of feature rows.
    pub fn feature_count(&self) -> usize {
        self.rows.len()
    }

    #[inline]
    fn accumulate(&self, feature_ids: &[u64], s: &mut [i32; NUM_LABELS]) {
        let table = self.table();
        for &f in feature_ids {
            if let Some(w) = table.get(f) {
                for (a, b) in s.iter_mut().zip(w) {
                    *a += i32::from(*b);
                }
            }
        }
    }

    /// Adds the weights of `feature_ids` into a score row.
    #[inline]
    pub fn emission(&self, feature_ids: &[u64]) -> Scores {
        let mut s = [0i32; NUM_LABELS];
        self.accumulate(feature_ids, &mut s);
        s.map(|x| x as f32 * self.scale)
    }

    /// Extracts this model's features of a sentence into `out`.
    pub fn features<S: AsRef<str>>(&self, tokens: &[S], out: &mut SentenceFeatures) {
        features::extract(&self.config, &self.resources, tokens, out);
    }

    /// Decodes a sentence from already extracted features plus optional extra per-token feature
    /// ids (document features); the label indices are left in `scratch` and returned.
    pub fn decode_features<'s>(
        &self,
        feats: &SentenceFeatures,
        extra: Option<&[Vec<u64>]>,
        scratch: &'s mut Scratch,
    ) -> &'s [usize] {
        scratch.emissions.clear();
        let table = self.table();
        if !feats.is_empty() {
            for &f in feats.token(0) {
                table.prefetch(f);
            }
        }
        for i in 0..feats.len() {
            if i + 1 < feats.len() {
                for &f in feats.token(i + 1) {
                    table.prefetch(f);
                }
            }
            let mut s = [0i32; NUM_LABELS];
            self.accumulate(feats.token(i), &mut s);
            if let Some(e) = extra {
                self.accumulate(&e[i], &mut s);
            }
            scratch.emissions.push(s.map(|x| x as f32 * self.scale));
        }
        decode::viterbi(
            &scratch.emissions,
            &self.start,
            &self.trans,
            &mut scratch.path,
        );
        &scratch.path
    }

    /// Tags one sentence (tokens as written); returns one label per token.
    pub fn tag<S: AsRef<str>>(&self, tokens: &[S], scratch: &mut Scratch) -> Vec<Label> {
        self.tag_indices(tokens, scratch);
        scratch.path.iter().map(|&i| Label::from_index(i)).collect()
    }

    /// Tags one sentence; the label indices are left in `scratch` and returned.
    pub fn tag_indices<'s, S: AsRef<str>>(
        &self,
        tokens: &[S],
        scratch: &'s mut Scratch,
    ) -> &'s [usize] {
        self.tag_indices_with(tokens, None, scratch)
    }

    /// Like [`Model::tag_indices`], with extra per-token feature ids (document features).
    pub fn tag_indices_with<'s, S: AsRef<str>>(
        &self,
        tokens: &[S],
        extra: Option<&[Vec<u64>]>,
        scratch: &'s mut Scratch,
    ) -> &'s [usize] {
        let mut feats = std::mem::take(&mut scratch.feats);
        features::extract(&self.config, &self.resources, tokens, &mut feats);
        self.decode_features(&feats, extra, scratch);
        scratch.feats = feats;
        &scratch.path
    }

    /// Serialises the model (format in the module doc). Weights are quantised to i16 with one
    /// global scale; the output is a pure function of the model (byte-identical for equal models).
    pub fn to_bytes(&self) -> Vec<u8> {
        let (q, scale) = (&self.rows, self.scale);
        let mut out = Vec::with_capacity(64 + q.len() * (8 + 2 * NUM_LABELS));
        out.extend_from_slice(MAGIC);
        let config = self.config.to_text();
        out.extend_from_slice(&(config.len() as u32).to_le_bytes());
        out.extend_from_slice(config.as_bytes());
        let clusters = self.resources.clusters.sorted();
        out.extend_from_slice(&(clusters.len() as u32).to_le_bytes());
        for (w, id) in clusters {
            out.extend_from_slice(&(w.len() as u16).to_le_bytes());
            out.extend_from_slice(w.as_bytes());
            out.extend_from_slice(&id.to_le_bytes());
        }
        let gaz = self.resources.gazetteer.sorted();
        out.extend_from_slice(&(gaz.len() as u32).to_le_bytes());
        for (w, mask) in gaz {
            out.extend_from_slice(&(w.len() as u16).to_le_bytes());
            out.extend_from_slice(w.as_bytes());
            out.extend_from_slice(&mask.to_le_bytes());
        }
        out.extend_from_slice(&(self.names.len() as u32).to_le_bytes());
        for w in &self.names {
            out.extend_from_slice(&(w.len() as u16).to_le_bytes());
            out.extend_from_slice(w.as_bytes());
        }
        out.extend_from_slice(&scale.to_le_bytes());
        for x in self.start.iter().chain(self.trans.iter().flatten()) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out.extend_from_slice(&(q.len() as u32).to_le_bytes());
        for (k, _) in q {
            out.extend_from_slice(&k.to_le_bytes());
        }
        for (_, row) in q {
            for x in row {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        out
    }

    /// Parses a model file. Errors say what is wrong (bad magic, truncated, bad config).
    pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<Model> {
        Model::from_bytes_sharing(bytes, None).map(|(m, _)| m)
    }

    /// [`Model::from_bytes`] that reuses `shared = (section, resources)` — the resources
    /// section (clusters and gazetteer snapshot, as bytes of a model file) and the resources
    /// parsed from it by an earlier call — when this file's section is byte-identical, instead of
    /// parsing the 35,000-entry snapshot again (the two stages of the shipped tagger carry the
    /// same one). Returns the model and its own resources section (a sub-slice of `bytes`).
    pub fn from_bytes_sharing<'b>(
        bytes: &'b [u8],
        shared: Option<(&[u8], &Arc<Resources>)>,
    ) -> anyhow::Result<(Model, &'b [u8])> {
        let mut r = Reader { bytes, pos: 0 };
        ensure!(r.take(8)? == MAGIC, "not a qalam NER model (bad magic)");
        let n = r.u32()? as usize;
        let config = std::str::from_utf8(r.take(n)?).context("config is not UTF-8")?;
        let config = FeatureConfig::from_text(config).map_err(anyhow::Error::msg)?;
        let section_start = r.pos;
        if let Some((section, resources)) = shared
            && let Some(own) = bytes
                .get(section_start..section_start + section.len())
                .filter(|own| *own == section)
        {
            r.pos += own.len();
            let model = r.rest(config, resources.clone())?;
            return Ok((model, own));
        }
        let nc = r.u32()? as usize;
        let mut pairs = Vec::with_capacity(nc);
        for _ in 0..nc {
            crate::background::tick();
            let len = r.u16()? as usize;
            let w = std::str::from_utf8(r.take(len)?).context("cluster word is not UTF-8")?;
            pairs.push((w.to_string(), r.u32()?));
        }
        let clusters = Clusters::from_pairs(pairs);
        let ng = r.u32()? as usize;
        let mut gpairs = Vec::with_capacity(ng);
        for _ in 0..ng {
            crate::background::tick();
            let len = r.u16()? as usize;
            let w = std::str::from_utf8(r.take(len)?).context("gazetteer entry is not UTF-8")?;
            gpairs.push((w.to_string(), r.u16()?));
        }
        let resources = Arc::new(Resources {
            clusters,
            gazetteer: Gazetteer::from_pairs(gpairs),
        });
        let section = &bytes[section_start..r.pos];
        let model = r.rest(config, resources)?;
        Ok((model, section))
    }
}

impl Reader<'_> {
    /// The part of a model file after the resources section: names, scores and feature rows,
    /// to the end of the file (trailing bytes are an error).
    fn rest(&mut self, config: FeatureConfig, resources: Arc<Resources>) -> anyhow::Result<Model> {
        let r = self;
        let bytes = r.bytes;
        let nn = r.u32()? as usize;
        // Written sorted: collected into a Vec first, the set is built in bulk.
        let mut names = Vec::with_capacity(nn.min(bytes.len()));
        for _ in 0..nn {
            crate::background::tick();
            let len = r.u16()? as usize;
            names.push(
                std::str::from_utf8(r.take(len)?)
                    .context("name is not UTF-8")?
                    .to_string(),
            );
        }
        let names: BTreeSet<String> = names.into_iter().collect();
        let scale = r.f32()?;
        let mut start = [0.0; NUM_LABELS];
        for x in start.iter_mut() {
            *x = r.f32()?;
        }
        let mut trans = [[0.0; NUM_LABELS]; NUM_LABELS];
        for x in trans.iter_mut().flatten() {
            *x = r.f32()?;
        }
        let nf = r.u32()? as usize;
        let key_bytes = r.take(nf.checked_mul(8).context("feature count overflow")?)?;
        let keys: Vec<u64> = key_bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        ensure!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "feature keys not sorted"
        );
        ensure!(keys.iter().all(|k| *k != 0), "zero feature key");
        let wbytes = r.take(nf * NUM_LABELS * 2)?;
        let rows: Vec<(u64, [i16; NUM_LABELS])> = keys
            .iter()
            .zip(wbytes.chunks_exact(2 * NUM_LABELS))
            .map(|(&k, c)| {
                let mut w = [0i16; NUM_LABELS];
                for (l, x) in w.iter_mut().enumerate() {
                    *x = i16::from_le_bytes([c[2 * l], c[2 * l + 1]]);
                }
                (k, w)
            })
            .collect();
        if r.pos != bytes.len() {
            bail!("{} trailing bytes after the model", bytes.len() - r.pos);
        }
        Ok(Model {
            config,
            resources,
            names,
            start,
            trans,
            rows,
            scale,
            table: OnceLock::new(),
        })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> anyhow::Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.bytes.len());
        let Some(end) = end else {
            bail!("model file truncated at byte {}", self.pos)
        };
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u16(&mut self) -> anyhow::Result<u16> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into()?))
    }
    fn u32(&mut self) -> anyhow::Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into()?))
    }
    fn f32(&mut self) -> anyhow::Result<f32> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corruption() {
        let mut rows = vec![
            (5u64 | 1 << 63, [0.0; NUM_LABELS]),
            (7u64 | 1 << 63, [0.0; NUM_LABELS]),
        ];
        rows[0].1[1] = 2.0;
        rows[1].1[0] = -1.0;
        let clusters = Clusters::from_pairs([("بيت".to_string(), 3)]);
        let names: BTreeSet<String> = ["بيسكوف".to_string()].into();
        let resources = Resources {
            clusters,
            gazetteer: Gazetteer::from_pairs([("الامم المتحده".to_string(), 16)]),
        };
        let m = Model::new(
            FeatureConfig::default(),
            resources,
            names,
            [0.5; NUM_LABELS],
            [[0.25; NUM_LABELS]; NUM_LABELS],
            rows,
        );
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.feature_count(), 2);
        assert_eq!(back.resources.clusters.get("بيت"), Some(3));
        assert_eq!(back.resources.gazetteer.get("الامم المتحده"), 16);
        assert!(back.names.contains("بيسكوف"));
        let e = back.emission(&[5 | 1 << 63, 7 | 1 << 63, 9 | 1 << 63]);
        assert!(
            (e[1] - 2.0).abs() < 1e-3 && (e[0] + 1.0).abs() < 1e-3,
            "{e:?}"
        );
        assert_eq!(back.to_bytes(), bytes);
        assert!(Model::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Model::from_bytes(b"nonsense").is_err());
    }

    #[test]
    fn mean_and_label_shift() {
        let model = |w: f32, key: u64| {
            let mut row = [0.0; NUM_LABELS];
            row[1] = w;
            Model::new(
                FeatureConfig::default(),
                Resources::default(),
                BTreeSet::new(),
                [w; NUM_LABELS],
                [[0.0; NUM_LABELS]; NUM_LABELS],
                vec![(key, row)],
            )
        };
        // Feature 5 only in the first model: half its weight; feature 7 in both.
        let a = model(2.0, 5 | 1 << 63);
        let b = model(4.0, 7 | 1 << 63);
        let both = Model::mean(&[a.clone(), b]);
        assert_eq!(both.feature_count(), 2);
        let e5 = both.emission(&[5 | 1 << 63]);
        let e7 = both.emission(&[7 | 1 << 63]);
        assert!(
            (e5[1] - 1.0).abs() < 1e-3 && (e7[1] - 2.0).abs() < 1e-3,
            "{e5:?} {e7:?}"
        );
        assert!((both.start[0] - 3.0).abs() < 1e-6);
        // The bias feature every token carries gets −1.5 on label 0.
        let bias = crate::ner::hash::FeatureHasher::new(0).finish();
        let shifted = a.shift_label(0, -1.5);
        let e = shifted.emission(&[bias, 5 | 1 << 63]);
        assert!(
            (e[0] + 1.5).abs() < 1e-3 && (e[1] - 2.0).abs() < 1e-3,
            "{e:?}"
        );
    }
}
