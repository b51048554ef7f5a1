//! Training a linear-chain conditional random field (Lafferty, McCallum & Pereira 2001) on the
//! perceptron's interned features, by stochastic gradient descent with L2 regularisation in the
//! form of CRFsuite's `l2sgd` (Okazaki 2007; Bottou 2010, "Large-scale machine learning with
//! stochastic gradient descent"): per-sentence objective `−log p(y|x) + λ/2 ‖w‖²` with
//! `λ = 2 c2 / N` (`N` training sentences), step size `η_t = 1 / (λ (t0 + t))` with
//! `t0 = 1 / (λ η0)`, and the weight decay kept as one global scale factor (`w = decay × v`) so
//! that a step touches only the features of the sentence.
//!
//! The model is the same as the perceptron's: per-feature label weights (the 9 BIO2 labels),
//! start and transition scores; the marginals come from scaled forward–backward (Rabiner 1989)
//! restricted to well-formed BIO2 sequences (the constraints of [`super::decode`], so training and
//! constrained Viterbi decoding agree). Everything runs in one thread in a fixed order with a
//! fixed-seed shuffle: the same data and options give the same weights bit for bit.

use std::collections::BTreeSet;

use super::decode::Scores;
use super::features::Resources;
use super::labels::{Label, NUM_LABELS};
use super::model::Model;
use super::perceptron::{BestEpoch, Data, Dev, EpochLog, TrainOptions, Xorshift, shuffle};

const L: usize = NUM_LABELS;

/// The constraints of well-formed BIO2 sequences ([`Label::allows`]): `allowed[p][c]`,
/// allowed starts, allowed ends (every label: a BIO2 sequence may end anywhere).
type Constraints = ([[bool; L]; L], [bool; L], [bool; L]);

fn constraints() -> Constraints {
    (
        std::array::from_fn(|p| {
            std::array::from_fn(|c| Label::from_index(p).allows(Label::from_index(c)))
        }),
        std::array::from_fn(|c| Label::O.allows(Label::from_index(c))),
        [true; L],
    )
}

/// Gold labels made well formed: an `I-X` that may not follow its predecessor becomes `B-X`
/// (as CoNLL scoring reads it).
fn repaired(gold: &[usize]) -> Vec<usize> {
    let mut out = gold.to_vec();
    for t in 0..out.len() {
        let l = Label::from_index(out[t]);
        let prev = if t == 0 {
            Label::O
        } else {
            Label::from_index(out[t - 1])
        };
        if !prev.allows(l)
            && let Some(k) = l.kind()
        {
            out[t] = Label::B(k).index();
        }
    }
    out
}

struct Crf {
    /// `nf × L` weights, unscaled (weight = `decay × v`).
    v: Vec<f64>,
    tv: [[f64; L]; L],
    sv: [f64; L],
    decay: f64,
}

/// Per-sentence buffers.
#[derive(Default)]
struct Buffers {
    /// Scores minus their per-token maximum, exponentiated.
    e: Vec<[f64; L]>,
    /// Per-token maximum score.
    m: Vec<f64>,
    alpha: Vec<[f64; L]>,
    beta: Vec<[f64; L]>,
    z: Vec<f64>,
}

impl Crf {
    fn new(nf: usize) -> Self {
        Crf {
            v: vec![0.0; nf * L],
            tv: [[0.0; L]; L],
            sv: [0.0; L],
            decay: 1.0,
        }
    }

    /// One SGD step on sentence `s` with step size `eta` and per-sentence L2 weight `lambda`;
    /// returns the sentence's negative log-likelihood before the step.
    #[allow(clippy::needless_range_loop)]
    fn step(
        &mut self,
        feats: &[u32],
        offsets: &[usize],
        gold: &[usize],
        eta: f64,
        lambda: f64,
        buf: &mut Buffers,
    ) -> f64 {
        let (allowed, may_start, may_end) = constraints_cached();
        let n = gold.len();
        if n == 0 {
            return 0.0;
        }
        let d = self.decay;
        // Scores and their exponentials.
        buf.e.clear();
        buf.m.clear();
        let mut gold_score = 0.0;
        for t in 0..n {
            let mut s = [0.0f64; L];
            for &f in &feats[offsets[t]..offsets[t + 1]] {
                let row = &self.v[f as usize * L..(f as usize + 1) * L];
                for (a, b) in s.iter_mut().zip(row) {
                    *a += *b;
                }
            }
            let mut mx = f64::NEG_INFINITY;
            for x in s.iter_mut() {
                *x *= d;
                mx = mx.max(*x);
            }
            gold_score += s[gold[t]];
            buf.m.push(mx);
            buf.e.push(s.map(|x| (x - mx).exp()));
        }
        let mut mt = [[0.0f64; L]; L];
        for p in 0..L {
            for c in 0..L {
                if allowed[p][c] {
                    mt[p][c] = (d * self.tv[p][c]).exp();
                }
            }
        }
        gold_score += d * self.sv[gold[0]];
        for t in 1..n {
            gold_score += d * self.tv[gold[t - 1]][gold[t]];
        }
        // Scaled forward.
        buf.alpha.clear();
        buf.z.clear();
        let mut a0 = [0.0f64; L];
        for c in 0..L {
            if may_start[c] {
                a0[c] = (d * self.sv[c]).exp() * buf.e[0][c];
            }
        }
        let z0: f64 = a0.iter().sum();
        buf.alpha.push(a0.map(|x| x / z0));
        buf.z.push(z0);
        for t in 1..n {
            let prev = buf.alpha[t - 1];
            let mut a = [0.0f64; L];
            for c in 0..L {
                let mut s = 0.0;
                for p in 0..L {
                    s += prev[p] * mt[p][c];
                }
                a[c] = s * buf.e[t][c];
            }
            let z: f64 = a.iter().sum();
            buf.alpha.push(a.map(|x| x / z));
            buf.z.push(z);
        }
        // Scaled backward, from the allowed ends (normalised so that every token's marginals
        // sum to 1).
        let last = buf.alpha[n - 1];
        let z_end: f64 = (0..L).filter(|&c| may_end[c]).map(|c| last[c]).sum();
        buf.beta.clear();
        buf.beta.resize(n, [0.0; L]);
        for c in 0..L {
            if may_end[c] {
                buf.beta[n - 1][c] = 1.0 / z_end;
            }
        }
        for t in (0..n - 1).rev() {
            let next = buf.beta[t + 1];
            let mut b = [0.0f64; L];
            for p in 0..L {
                let mut s = 0.0;
                for c in 0..L {
                    s += mt[p][c] * buf.e[t + 1][c] * next[c];
                }
                b[p] = s / buf.z[t + 1];
            }
            buf.beta[t] = b;
        }
        let log_z: f64 =
            buf.z.iter().map(|z| z.ln()).sum::<f64>() + z_end.ln() + buf.m.iter().sum::<f64>();
        let nll = log_z - gold_score;
        // L2 decay, then the gradient step with gain η / decay.
        self.decay *= 1.0 - eta * lambda;
        let gain = eta / self.decay;
        for t in 0..n {
            let mut g = [0.0f64; L];
            for c in 0..L {
                g[c] = buf.alpha[t][c] * buf.beta[t][c];
            }
            g[gold[t]] -= 1.0;
            for &f in &feats[offsets[t]..offsets[t + 1]] {
                let row = &mut self.v[f as usize * L..(f as usize + 1) * L];
                for (w, x) in row.iter_mut().zip(&g) {
                    *w -= gain * x;
                }
            }
            if t == 0 {
                for c in 0..L {
                    self.sv[c] -= gain * g[c];
                }
            } else {
                for p in 0..L {
                    let ap = buf.alpha[t - 1][p];
                    if ap == 0.0 {
                        continue;
                    }
                    for c in 0..L {
                        if allowed[p][c] {
                            let xi = ap * mt[p][c] * buf.e[t][c] * buf.beta[t][c] / buf.z[t];
                            self.tv[p][c] -= gain * xi;
                        }
                    }
                }
                self.tv[gold[t - 1]][gold[t]] += gain;
            }
        }
        if self.decay < 1e-9 {
            self.rescale();
        }
        nll
    }

    /// Folds the decay factor into the weights.
    fn rescale(&mut self) {
        let d = self.decay;
        self.v.iter_mut().for_each(|w| *w *= d);
        self.tv.iter_mut().flatten().for_each(|w| *w *= d);
        self.sv.iter_mut().for_each(|w| *w *= d);
        self.decay = 1.0;
    }

    /// Adds the current weights into the running sum `avg`.
    fn accumulate(&self, avg: &mut Crf) {
        let d = self.decay;
        for (a, w) in avg.v.iter_mut().zip(&self.v) {
            *a += d * w;
        }
        for (ra, rw) in avg.tv.iter_mut().zip(&self.tv) {
            for (a, w) in ra.iter_mut().zip(rw) {
                *a += d * w;
            }
        }
        for (a, w) in avg.sv.iter_mut().zip(&self.sv) {
            *a += d * w;
        }
    }

    /// The model of the weights `decay × v` (for a running sum, `decay` = 1 / count).
    fn model(
        &self,
        keys: &[u64],
        opts: &TrainOptions,
        res: &Resources,
        names: &BTreeSet<String>,
        d: f64,
    ) -> Model {
        let d = d * self.decay;
        let start: Scores = std::array::from_fn(|l| (d * self.sv[l]) as f32);
        let trans: [[f32; L]; L] =
            std::array::from_fn(|p| std::array::from_fn(|c| (d * self.tv[p][c]) as f32));
        let rows = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| {
                let row: Scores = std::array::from_fn(|l| (d * self.v[i * L + l]) as f32);
                (k, row)
            })
            .collect();
        Model::new(
            opts.features.clone(),
            res.clone(),
            names.clone(),
            start,
            trans,
            rows,
        )
    }
}

fn constraints_cached() -> &'static Constraints {
    static C: std::sync::OnceLock<Constraints> = std::sync::OnceLock::new();
    C.get_or_init(constraints)
}

/// One CRF run over interned data with shuffling seed `seed` (the counterpart of the
/// perceptron's run): SGD epochs with options `opts.c2` and `opts.eta`; returns the model of
/// the best dev epoch (or of the last epoch without dev) and that epoch.
#[allow(clippy::too_many_arguments)]
pub(super) fn train_member(
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
    let n = data.gold.len().max(1);
    let lambda = 2.0 * opts.c2 / n as f64;
    let t0 = 1.0 / (lambda * opts.eta);
    let gold: Vec<Vec<usize>> = data.gold.iter().map(|g| repaired(g)).collect();
    let mut crf = Crf::new(keys.len());
    let mut order: Vec<usize> = (0..data.gold.len()).collect();
    let mut rng = Xorshift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut buf = Buffers::default();
    let mut best = BestEpoch::new();
    let mut t = 0u64;
    // Averaged SGD (Polyak & Juditsky 1992; Xu 2011): with `avg`, the model is the mean of
    // snapshots of the weights taken every `AVG_EVERY` sentences from the second epoch on.
    const AVG_EVERY: u64 = 32;
    let mut sum = opts.avg.then(|| Crf::new(keys.len()));
    let mut snapshots = 0u64;
    let snapshot_model = |crf: &Crf, sum: &Option<Crf>, snapshots: u64| match sum {
        Some(s) if snapshots > 0 => s.model(keys, opts, res, names, 1.0 / snapshots as f64),
        _ => crf.model(keys, opts, res, names, 1.0),
    };
    for epoch in 1..=epochs {
        shuffle(&mut order, &mut rng);
        let mut loss = 0.0;
        for &s in &order {
            let eta = 1.0 / (lambda * (t0 + t as f64));
            loss += crf.step(
                &data.feats[s],
                &data.offsets[s],
                &gold[s],
                eta,
                lambda,
                &mut buf,
            );
            t += 1;
            if epoch > 1
                && t % AVG_EVERY == 0
                && let Some(s) = sum.as_mut()
            {
                crf.accumulate(s);
                snapshots += 1;
            }
        }
        let dev_f1 = best.observe(dev, epoch, || snapshot_model(&crf, &sum, snapshots));
        tracing::debug!(epoch, loss, "crf epoch");
        log(&EpochLog {
            epoch,
            mistakes: loss.round() as usize,
            dev_f1,
        });
        if best.should_stop(epoch, opts.patience) {
            break;
        }
    }
    best.finish(|| snapshot_model(&crf, &sum, snapshots), epochs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repair_turns_orphan_inside_into_begin() {
        // O I-PER I-PER → O B-PER I-PER; I-LOC at the start → B-LOC.
        assert_eq!(repaired(&[0, 2, 2]), [0, 1, 2]);
        assert_eq!(repaired(&[4, 0]), [3, 0]);
    }

    #[test]
    fn marginals_sum_to_one_and_a_step_lowers_the_loss() {
        // Two tokens, features 0 and 1, gold B-PER I-PER.
        let feats = [0u32, 1];
        let offsets = [0usize, 1, 2];
        let gold = [1usize, 2];
        let mut crf = Crf::new(2);
        let mut buf = Buffers::default();
        let first = crf.step(&feats, &offsets, &gold, 0.5, 0.0, &mut buf);
        for t in 0..2 {
            let s: f64 = (0..L).map(|c| buf.alpha[t][c] * buf.beta[t][c]).sum();
            assert!((s - 1.0).abs() < 1e-9, "{s}");
        }
        let second = crf.step(&feats, &offsets, &gold, 0.5, 0.0, &mut buf);
        assert!(second < first, "{first} → {second}");
    }
}
