//! Training: averaged structured perceptron (Collins 2002) over first-order BIO sequences,
//! decoded with constrained Viterbi ([`super::decode`]), weights averaged with the lazy
//! "timestamp" trick (Daumé 2006). Updates are integers, so training is exactly
//! deterministic: same data and options → byte-identical model. Sentence order is shuffled
//! each epoch with a fixed-seed xorshift generator; no step depends on hash-map iteration order.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::cluster::{self, Clusters};
use super::conll::{Corpus, Sentence};
use super::decode::{self, Scores};
use super::doc::{self, DocFeatures};
use super::eval::Scoreboard;
use super::features::{self, FeatureConfig, Resources, SentenceFeatures};
use super::labels::{Label, NUM_LABELS};
use super::lexicon::Gazetteer;
use super::memory::Memory;
use super::model::{Model, Scratch};
use super::tagger::Tagger;

/// Training options (`--set key=value`).
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOptions {
    /// Feature groups.
    pub features: FeatureConfig,
    /// Maximum number of epochs (`epochs`).
    pub epochs: usize,
    /// Stop after this many epochs without dev improvement (`patience`).
    pub patience: usize,
    /// Shuffle seed (`seed`).
    pub seed: u64,
    /// Features seen fewer times in training are dropped (`min_count`).
    pub min_count: u32,
    /// Number of word clusters (`clusters`).
    pub clusters: usize,
    /// Exchange-algorithm passes for clustering (`cluster_iters`).
    pub cluster_iters: usize,
    /// After choosing the epoch count on dev, retrain on train + dev for that many epochs (`refit`).
    pub refit: bool,
    /// Train the two-stage tagger with document features (`stacked`).
    pub stacked: bool,
    /// Drop feature rows whose largest |weight| is below this many 1/32767ths of the model's
    /// largest weight (`prune`; 0 keeps all; default 300, i.e. rows whose every weight is below
    /// ≈ 0.9 % of the largest: on ANERcorp dev this drops 40 % of the rows of a bagged model
    /// without changing one prediction).
    pub prune: i16,
    /// Entity-memory features from the training labels, jackknifed (`memory`).
    pub memory: bool,
    /// Jackknife folds for the first stage's training-set labels (`folds`).
    pub folds: usize,
    /// Document window in sentences on each side (`window`).
    pub window: usize,
    /// Directory of the lexicon files read for gazetteer features (`lexicon_dir`).
    pub lexicon_dir: std::path::PathBuf,
    /// Every stage is trained this many times with shuffling seeds `seed`, `seed + 1`, … and
    /// the weights are averaged (`bag`; 1 = a single run; default 4). A linear model's scores are linear
    /// in its weights, so this is the score average of the runs at the cost of one model.
    pub bag: usize,
    /// Added to the `O` score of every token in the last stage of the trained tagger
    /// ([`Tagger::with_o_bias`]; `o_bias`, a decimal; negative favours recall). Not used while
    /// choosing epochs or tagging the jackknife folds.
    pub o_bias: f32,
    /// Train every stage as a linear-chain CRF by SGD with L2 ([`super::crf`]) instead of the
    /// averaged perceptron (`crf`).
    pub crf: bool,
    /// The CRF's L2 coefficient `c2` (objective `Σ −log p + c2 ‖w‖²`, as in CRFsuite; `c2`).
    pub c2: f64,
    /// The CRF's initial SGD step size `η0` (`eta`).
    pub eta: f64,
    /// The CRF's weights are averaged over the SGD run from the second epoch on (`avg`).
    pub avg: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            features: FeatureConfig {
                recur: true,
                ..FeatureConfig::default()
            },
            epochs: 30,
            patience: 6,
            seed: 42,
            min_count: 3,
            clusters: 200,
            cluster_iters: 8,
            refit: true,
            lexicon_dir: "data/lexicon".into(),
            stacked: true,
            memory: false,
            prune: 300,
            folds: 5,
            window: 30,
            o_bias: 0.0,
            bag: 4,
            crf: false,
            c2: 1.0,
            eta: 0.1,
            avg: true,
        }
    }
}

impl TrainOptions {
    /// Applies one `key=value` setting. Feature groups are set with `GROUP=0|1`
    /// (see [`FeatureConfig::GROUPS`]).
    pub fn set(&mut self, item: &str) -> anyhow::Result<()> {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--set expects key=value, got {item:?}"))?;
        let num = || -> anyhow::Result<u64> {
            v.parse()
                .map_err(|_| anyhow::anyhow!("--set {k}: {v:?} is not a number"))
        };
        match k {
            "epochs" => self.epochs = num()? as usize,
            "patience" => self.patience = num()? as usize,
            "seed" => self.seed = num()?,
            "min_count" => self.min_count = num()? as u32,
            "clusters" => self.clusters = num()? as usize,
            "cluster_iters" => self.cluster_iters = num()? as usize,
            "refit" => self.refit = num()? != 0,
            "lexicon_dir" => self.lexicon_dir = v.into(),
            "stacked" => self.stacked = num()? != 0,
            "memory" => self.memory = num()? != 0,
            "prune" => self.prune = i16::try_from(num()?).unwrap_or(i16::MAX),
            "folds" => self.folds = num()? as usize,
            "window" => self.window = num()? as usize,
            "bag" => self.bag = num()? as usize,
            "crf" => self.crf = num()? != 0,
            "avg" => self.avg = num()? != 0,
            "c2" | "eta" => {
                let x: f64 = v
                    .parse()
                    .map_err(|_| anyhow::anyhow!("--set {k}: {v:?} is not a number"))?;
                if k == "c2" {
                    self.c2 = x;
                } else {
                    self.eta = x;
                }
            }
            "o_bias" => {
                self.o_bias = v
                    .parse()
                    .map_err(|_| anyhow::anyhow!("--set o_bias: {v:?} is not a number"))?
            }
            g => {
                if !self.features.set(g, num()? != 0) {
                    anyhow::bail!(
                        "--set: unknown key {g:?} (epochs, patience, seed, min_count, clusters, \
                         cluster_iters, refit, or a feature group: {})",
                        FeatureConfig::GROUPS.join(", ")
                    );
                }
            }
        }
        Ok(())
    }
}

/// One epoch's log line.
#[derive(Clone, Debug)]
pub struct EpochLog {
    /// 1-based epoch.
    pub epoch: usize,
    /// Sentences with at least one wrong label during the epoch.
    pub mistakes: usize,
    /// Dev micro F1 of the averaged weights (None without dev).
    pub dev_f1: Option<f64>,
}

/// The xorshift64 generator (Marsaglia 2003) used for the fixed-seed epoch shuffles.
pub(super) struct Xorshift(pub(super) u64);
impl Xorshift {
    pub(super) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Interned training data: per sentence, per token, feature indices; gold label indices.
pub(super) struct Data {
    /// Per sentence: the dense feature indices of all its tokens, token after token.
    pub(super) feats: Vec<Vec<u32>>,
    /// Per sentence: token `t`'s features are `feats[offsets[t]..offsets[t + 1]]`.
    pub(super) offsets: Vec<Vec<usize>>,
    /// Per sentence: gold label indices.
    pub(super) gold: Vec<Vec<usize>>,
}

struct Learner {
    w: Vec<i32>,
    u: Vec<i64>,
    tw: [[i32; NUM_LABELS]; NUM_LABELS],
    tu: [[i64; NUM_LABELS]; NUM_LABELS],
    sw: [i32; NUM_LABELS],
    su: [i64; NUM_LABELS],
    c: i64,
}

impl Learner {
    fn new(nf: usize) -> Self {
        Learner {
            w: vec![0; nf * NUM_LABELS],
            u: vec![0; nf * NUM_LABELS],
            tw: [[0; NUM_LABELS]; NUM_LABELS],
            tu: [[0; NUM_LABELS]; NUM_LABELS],
            sw: [0; NUM_LABELS],
            su: [0; NUM_LABELS],
            c: 1,
        }
    }

    fn emissions(&self, feats: &[u32], offsets: &[usize], out: &mut Vec<Scores>) {
        out.clear();
        for t in 0..offsets.len() - 1 {
            let mut s = [0i32; NUM_LABELS];
            for &f in &feats[offsets[t]..offsets[t + 1]] {
                let row = &self.w[f as usize * NUM_LABELS..(f as usize + 1) * NUM_LABELS];
                for (a, b) in s.iter_mut().zip(row) {
                    *a += *b;
                }
            }
            out.push(s.map(|x| x as f32));
        }
    }

    fn update(&mut self, feats: &[u32], offsets: &[usize], gold: &[usize], pred: &[usize]) {
        let c = self.c;
        for t in 0..gold.len() {
            if gold[t] != pred[t] {
                for &f in &feats[offsets[t]..offsets[t + 1]] {
                    let base = f as usize * NUM_LABELS;
                    self.w[base + gold[t]] += 1;
                    self.u[base + gold[t]] += c;
                    self.w[base + pred[t]] -= 1;
                    self.u[base + pred[t]] -= c;
                }
            }
            let (gp, pp) = if t == 0 {
                (None, None)
            } else {
                (Some(gold[t - 1]), Some(pred[t - 1]))
            };
            if gold[t] != pred[t] || gp != pp {
                match (gp, pp) {
                    (Some(g), Some(p)) => {
                        self.tw[g][gold[t]] += 1;
                        self.tu[g][gold[t]] += c;
                        self.tw[p][pred[t]] -= 1;
                        self.tu[p][pred[t]] -= c;
                    }
                    _ => {
                        self.sw[gold[t]] += 1;
                        self.su[gold[t]] += c;
                        self.sw[pred[t]] -= 1;
                        self.su[pred[t]] -= c;
                    }
                }
            }
        }
    }

    fn averaged(
        &self,
        keys: &[u64],
        config: &FeatureConfig,
        res: &Resources,
        names: &BTreeSet<String>,
    ) -> Model {
        let c = self.c as f64;
        let avg = |w: i32, u: i64| (f64::from(w) - u as f64 / c) as f32;
        let start: Scores = std::array::from_fn(|l| avg(self.sw[l], self.su[l]));
        let trans: [[f32; NUM_LABELS]; NUM_LABELS] =
            std::array::from_fn(|l| std::array::from_fn(|m| avg(self.tw[l][m], self.tu[l][m])));
        let rows = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| {
                let mut s = [0.0; NUM_LABELS];
                for (l, x) in s.iter_mut().enumerate() {
                    *x = avg(self.w[i * NUM_LABELS + l], self.u[i * NUM_LABELS + l]);
                }
                (k, s)
            })
            .collect();
        Model::new(
            config.clone(),
            res.clone(),
            names.clone(),
            start,
            trans,
            rows,
        )
    }
}

/// The auxiliary-domain copy of feature key `h` (still non-zero with its top bit set).
pub(super) fn aux_key(h: u64) -> u64 {
    (h ^ 0x5bd1_e995_9e37_79b9).rotate_left(17) | 1 << 63
}

fn intern(
    sentences: &[&Sentence],
    extras: Option<&[&Vec<Vec<u64>>]>,
    config: &FeatureConfig,
    res: &Resources,
    min_count: u32,
) -> (Data, Vec<u64>, HashSet<u64>) {
    let mut sf = SentenceFeatures::default();
    let mut aux_keys = HashSet::new();
    // First pass: counts, indexed in order of first occurrence (deterministic).
    let mut index: HashMap<u64, u32> = HashMap::new();
    let mut keys: Vec<u64> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    let mut raw: Vec<(Vec<u32>, Vec<usize>)> = Vec::with_capacity(sentences.len());
    for (si, s) in sentences.iter().enumerate() {
        features::extract(config, res, &s.tokens, &mut sf);
        if let Some(e) = extras {
            features::append_extra(&mut sf, e[si]);
        }
        if s.aux {
            // Asymmetric feature augmentation (after Daumé 2007, "Frustratingly easy domain
            // adaptation"): an auxiliary-domain sentence also has a domain copy of every
            // feature, which absorbs what is peculiar to that domain; target-domain text never
            // produces these ids, so tagging costs nothing more.
            let n = sf.ids.len();
            let mut aug = Vec::with_capacity(2 * n);
            let mut offs = Vec::with_capacity(sf.offsets.len());
            offs.push(0);
            for t in 0..sf.offsets.len() - 1 {
                for &h in &sf.ids[sf.offsets[t]..sf.offsets[t + 1]] {
                    aug.push(h);
                    aug.push(aux_key(h));
                    aux_keys.insert(aux_key(h));
                }
                offs.push(aug.len());
            }
            sf.ids = aug;
            sf.offsets = offs;
        }
        let ids: Vec<u32> = sf
            .ids
            .iter()
            .map(|&h| {
                let i = *index.entry(h).or_insert_with(|| {
                    keys.push(h);
                    counts.push(0);
                    (keys.len() - 1) as u32
                });
                counts[i as usize] += 1;
                i
            })
            .collect();
        raw.push((ids, sf.offsets.clone()));
    }
    // Second pass: drop rare features, renumber densely (still in first-occurrence order).
    let mut remap = vec![u32::MAX; keys.len()];
    let mut kept = Vec::new();
    for (i, &k) in keys.iter().enumerate() {
        if counts[i] >= min_count {
            remap[i] = kept.len() as u32;
            kept.push(k);
        }
    }
    let mut data = Data {
        feats: Vec::new(),
        offsets: Vec::new(),
        gold: Vec::new(),
    };
    for ((ids, offs), s) in raw.into_iter().zip(sentences) {
        let mut f = Vec::with_capacity(ids.len());
        let mut o = vec![0];
        for t in 0..offs.len() - 1 {
            f.extend(
                ids[offs[t]..offs[t + 1]]
                    .iter()
                    .map(|&i| remap[i as usize])
                    .filter(|&i| i != u32::MAX),
            );
            o.push(f.len());
        }
        data.feats.push(f);
        data.offsets.push(o);
        data.gold.push(s.labels.iter().map(|l| l.index()).collect());
    }
    (data, kept, aux_keys)
}

/// Folded forms of every token inside a gold entity.
fn entity_words(sentences: &[&Sentence]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in sentences {
        for (t, l) in s.tokens.iter().zip(&s.labels) {
            if l.kind().is_some() {
                out.insert(features::fold(t));
            }
        }
    }
    out
}

/// Entity-level scores of `model` on `corpus` (with per-sentence extra features, if any).
pub fn evaluate(model: &Model, corpus: &Corpus, extras: Option<&DocFeatures>) -> Scoreboard {
    let mut board = Scoreboard::default();
    let mut scratch = Scratch::default();
    for (i, s) in corpus.sentences.iter().enumerate() {
        let pred: Vec<Label> = model
            .tag_indices_with(&s.tokens, extras.map(|e| e[i].as_slice()), &mut scratch)
            .iter()
            .map(|&l| Label::from_index(l))
            .collect();
        board.add(&s.labels, &pred);
    }
    board
}

pub(super) type Dev<'a> = Option<(&'a Corpus, Option<&'a DocFeatures>)>;

/// Shuffles `order` in place with `rng` (Fisher–Yates): the sentence order of one epoch.
pub(super) fn shuffle(order: &mut [usize], rng: &mut Xorshift) {
    for i in (1..order.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

/// Model selection over the epochs of one run (perceptron or CRF): the model of the epoch with
/// the best dev micro F1 so far, and early stopping after `patience` epochs without a better one.
pub(super) struct BestEpoch {
    best: Option<(f64, usize, Model)>,
}

impl BestEpoch {
    pub(super) fn new() -> Self {
        BestEpoch { best: None }
    }

    /// With a dev set: scores the model `model()` builds after `epoch` on it, keeps the model
    /// when its micro F1 beats every earlier epoch's, and returns that F1. Without: `None`, and
    /// `model` is not called.
    pub(super) fn observe(
        &mut self,
        dev: Dev<'_>,
        epoch: usize,
        model: impl FnOnce() -> Model,
    ) -> Option<f64> {
        dev.map(|(d, e)| {
            let model = model();
            let f1 = evaluate(&model, d, e).micro().f1();
            if self.best.as_ref().is_none_or(|(b, _, _)| f1 > *b) {
                self.best = Some((f1, epoch, model));
            }
            f1
        })
    }

    /// Whether `patience` epochs have passed since the best one (never without a dev set).
    pub(super) fn should_stop(&self, epoch: usize, patience: usize) -> bool {
        self.best
            .as_ref()
            .is_some_and(|(_, best, _)| epoch - best >= patience)
    }

    /// The best epoch's model and that epoch; without a dev set, `last()` and `epochs`.
    pub(super) fn finish(self, last: impl FnOnce() -> Model, epochs: usize) -> (Model, usize) {
        match self.best {
            Some((_, epoch, model)) => (model, epoch),
            None => (last(), epochs),
        }
    }
}

fn run_epochs(
    sentences: &[&Sentence],
    extras: Option<&[&Vec<Vec<u64>>]>,
    dev: Dev<'_>,
    opts: &TrainOptions,
    res: &Resources,
    epochs: usize,
    log: &mut dyn FnMut(&EpochLog),
) -> (Model, usize) {
    let (data, keys, aux_keys) = intern(sentences, extras, &opts.features, res, opts.min_count);
    let names = entity_words(sentences);
    tracing::info!(
        features = keys.len(),
        sentences = sentences.len(),
        "interned training features"
    );
    let bag = opts.bag.max(1);
    let mut members = Vec::with_capacity(bag);
    for b in 0..bag {
        let seed = opts.seed.wrapping_add(b as u64);
        members.push(if opts.crf {
            super::crf::train_member(&data, &keys, &names, dev, opts, res, epochs, seed, log)
        } else {
            train_member(&data, &keys, &names, dev, opts, res, epochs, seed, log)
        });
    }
    // Auxiliary-domain copies never fire on target-domain text: dropped from the model.
    if !aux_keys.is_empty() {
        members = members
            .into_iter()
            .map(|(m, e)| (m.without_keys(&aux_keys), e))
            .collect();
    }
    if members.len() == 1 {
        return members.pop().expect("one member");
    }
    // Mean epoch count (rounded), used when the stage is retrained for a fixed count.
    let epoch = (members.iter().map(|m| m.1).sum::<usize>() + bag / 2) / bag;
    let models: Vec<Model> = members.into_iter().map(|m| m.0).collect();
    (Model::mean(&models), epoch)
}

/// One averaged-perceptron run over interned data with shuffling seed `seed`: the model of the
/// best dev epoch (or of the last epoch without dev) and that epoch.
#[allow(clippy::too_many_arguments)]
fn train_member(
    data: &Data,
    keys: &[u64],
    names: &BTreeSet<String>,
    dev: Dev<'_>,
    opts: &TrainOptions,
    res: &Resources,
    epochs: usize,
    seed: u64,
    log: &mut dyn FnMut(&EpochLog),
) -> (Model, usize) {
    let mut learner = Learner::new(keys.len());
    let mut order: Vec<usize> = (0..data.gold.len()).collect();
    let mut rng = Xorshift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut emissions = Vec::new();
    let mut pred = Vec::new();
    let mut best = BestEpoch::new();
    for epoch in 1..=epochs {
        shuffle(&mut order, &mut rng);
        let mut mistakes = 0;
        for &s in &order {
            learner.emissions(&data.feats[s], &data.offsets[s], &mut emissions);
            let start: Scores = learner.sw.map(|x| x as f32);
            let trans: [[f32; NUM_LABELS]; NUM_LABELS] =
                learner.tw.map(|row| row.map(|x| x as f32));
            decode::viterbi(&emissions, &start, &trans, &mut pred);
            if pred != data.gold[s] {
                mistakes += 1;
                learner.update(&data.feats[s], &data.offsets[s], &data.gold[s], &pred);
            }
            learner.c += 1;
        }
        let dev_f1 = best.observe(dev, epoch, || {
            learner.averaged(keys, &opts.features, res, names)
        });
        log(&EpochLog {
            epoch,
            mistakes,
            dev_f1,
        });
        if best.should_stop(epoch, opts.patience) {
            break;
        }
    }
    best.finish(
        || learner.averaged(keys, &opts.features, res, names),
        epochs,
    )
}

/// Trains a tagger on `train` with the gazetteer `gazetteer` (snapshotted into the model),
/// choosing epoch counts on `dev` (best dev micro F1, early stop after `patience` epochs without
/// gain). With `stacked`, trains the two-stage tagger of [`super::doc`]: the first stage's labels
/// on the training set come from `folds`-fold jackknifing (contiguous blocks of sentences, each
/// tagged by a model trained on the others for the first stage's epoch count), so the second
/// stage learns how far to trust first-stage output it has not been trained on. With `refit`,
/// everything (clusters, both stages, jackknife) is retrained on train + dev for the epoch
/// counts chosen on dev. Calls `log` after every epoch.
pub fn train(
    train: &Corpus,
    dev: Option<&Corpus>,
    opts: &TrainOptions,
    gazetteer: &Gazetteer,
    log: &mut dyn FnMut(&EpochLog),
) -> Tagger {
    let sentences: Vec<&Sentence> = train.sentences.iter().collect();
    let (tagger, e1, e2) = fit(&sentences, dev, opts, gazetteer, None, log);
    let tagger = match (opts.refit, dev) {
        (true, Some(d)) => {
            tracing::info!(
                stage1_epochs = e1,
                stage2_epochs = e2,
                "refitting on train + dev"
            );
            let all: Vec<&Sentence> = train.sentences.iter().chain(&d.sentences).collect();
            fit(&all, None, opts, gazetteer, Some((e1, e2)), log).0
        }
        _ => tagger,
    };
    if opts.o_bias != 0.0 {
        tagger.with_o_bias(opts.o_bias)
    } else {
        tagger
    }
}

fn concat(a: &[Vec<Vec<u64>>], b: &[Vec<Vec<u64>>]) -> DocFeatures {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            x.iter()
                .zip(y)
                .map(|(p, q)| p.iter().chain(q).copied().collect())
                .collect()
        })
        .collect()
}

/// Trains one (or, with `stacked`, two) stages; with `fixed`, for exactly those epoch counts
/// (no dev), else choosing them on `dev`. Returns the tagger and the epoch counts used.
fn fit(
    sentences: &[&Sentence],
    dev: Option<&Corpus>,
    opts: &TrainOptions,
    gazetteer: &Gazetteer,
    fixed: Option<(usize, usize)>,
    log: &mut dyn FnMut(&EpochLog),
) -> (Tagger, usize, usize) {
    let gazetteer = if opts.features.lexicon {
        gazetteer.clone()
    } else {
        Gazetteer::default()
    };
    let clusters = if opts.features.cluster {
        cluster::build(sentences, opts.clusters, opts.cluster_iters)
    } else {
        Clusters::default()
    };
    let res = Resources {
        clusters,
        gazetteer,
    };
    let n = sentences.len();
    let k = opts.folds.max(2).min(n.max(2));
    let fold_range = |f: usize| (f * n / k)..((f + 1) * n / k);
    // Entity memory: jackknifed on train, whole on dev and at tagging time.
    let memory = if opts.memory {
        Memory::build(sentences)
    } else {
        Memory::default()
    };
    let mut mem_train: DocFeatures = vec![Vec::new(); n];
    for f in 0..k {
        let r = fold_range(f);
        let m = if opts.memory {
            let rest: Vec<&Sentence> = sentences[..r.start]
                .iter()
                .chain(&sentences[r.end..])
                .copied()
                .collect();
            Memory::build(&rest)
        } else {
            Memory::default()
        };
        for i in r {
            mem_train[i] = m.features(&sentences[i].tokens);
        }
    }
    let mem_dev: Option<DocFeatures> = dev.map(|d| {
        d.sentences
            .iter()
            .map(|s| memory.features(&s.tokens))
            .collect()
    });
    let mem_refs: Vec<&Vec<Vec<u64>>> = mem_train.iter().collect();
    let dev1 = dev.map(|d| (d, mem_dev.as_ref()));
    let e1 = fixed.map_or(opts.epochs, |f| f.0);
    let (first, best1) = run_epochs(sentences, Some(&mem_refs), dev1, opts, &res, e1, log);
    if !opts.stacked {
        return (
            Tagger::new(first.pruned(opts.prune), None, opts.window, memory),
            best1,
            0,
        );
    }
    let mut stage1: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut scratch = Scratch::default();
    for f in 0..k {
        let r = fold_range(f);
        let rest: Vec<&Sentence> = sentences[..r.start]
            .iter()
            .chain(&sentences[r.end..])
            .copied()
            .collect();
        let rest_mem: Vec<&Vec<Vec<u64>>> = mem_refs[..r.start]
            .iter()
            .chain(&mem_refs[r.end..])
            .copied()
            .collect();
        let (m, _) = run_epochs(&rest, Some(&rest_mem), None, opts, &res, best1, &mut |_| {});
        for i in r {
            stage1[i] = m
                .tag_indices_with(&sentences[i].tokens, Some(&mem_train[i]), &mut scratch)
                .to_vec();
        }
        tracing::info!(fold = f, "jackknife fold tagged");
    }
    let tokens: Vec<&Vec<String>> = sentences.iter().map(|s| &s.tokens).collect();
    let train_extra = concat(
        &mem_train,
        &doc::features(
            &tokens,
            &stage1,
            opts.window,
            opts.features.recur,
            opts.features.topic,
        ),
    );
    let dev_extra = dev.map(|d| {
        let tokens: Vec<&Vec<String>> = d.sentences.iter().map(|s| &s.tokens).collect();
        let md = mem_dev.as_ref().expect("dev memory features");
        let st: Vec<Vec<usize>> = d
            .sentences
            .iter()
            .zip(md)
            .map(|(s, m)| {
                first
                    .tag_indices_with(&s.tokens, Some(m), &mut scratch)
                    .to_vec()
            })
            .collect();
        concat(
            md,
            &doc::features(
                &tokens,
                &st,
                opts.window,
                opts.features.recur,
                opts.features.topic,
            ),
        )
    });
    let extras: Vec<&Vec<Vec<u64>>> = train_extra.iter().collect();
    let dev2 = dev.map(|d| (d, dev_extra.as_ref()));
    let e2 = fixed.map_or(opts.epochs, |f| f.1);
    let (second, best2) = run_epochs(sentences, Some(&extras), dev2, opts, &res, e2, log);
    (
        Tagger::new(
            first.pruned(opts.prune),
            Some(second.pruned(opts.prune)),
            opts.window,
            memory,
        ),
        best1,
        best2,
    )
}
