//! First-order Viterbi decoding over BIO2 labels with hard constraints: a sentence never starts
//! with `I-X`, and `I-X` only follows `B-X` or `I-X` (Viterbi 1967; the constraint as in
//! CRFsuite/Lample et al. 2016 "BIO constraints").

use super::labels::{Label, NUM_LABELS};

/// Label scores of one token.
pub type Scores = [f32; NUM_LABELS];

/// `ALLOWED[p][c]`: label `c` may follow label `p`.
fn allowed() -> &'static [[bool; NUM_LABELS]; NUM_LABELS] {
    static A: std::sync::OnceLock<[[bool; NUM_LABELS]; NUM_LABELS]> = std::sync::OnceLock::new();
    A.get_or_init(|| {
        let mut a = [[false; NUM_LABELS]; NUM_LABELS];
        for (p, row) in a.iter_mut().enumerate() {
            for (c, cell) in row.iter_mut().enumerate() {
                *cell = Label::from_index(p).allows(Label::from_index(c));
            }
        }
        a
    })
}

/// True when label `c` may start a sentence (anything but `I-X`).
fn may_start(c: usize) -> bool {
    Label::O.allows(Label::from_index(c))
}

/// The best label sequence (label indices) for `emissions` (one row per token) under
/// `start[c]` (score of starting with `c`) and `trans[p][c]`. Writes into `out`
/// (cleared first). Empty input gives empty output.
pub fn viterbi(
    emissions: &[Scores],
    start: &Scores,
    trans: &[[f32; NUM_LABELS]; NUM_LABELS],
    out: &mut Vec<usize>,
) {
    out.clear();
    let n = emissions.len();
    if n == 0 {
        return;
    }
    let allowed = allowed();
    let mut back: Vec<[u8; NUM_LABELS]> = vec![[0; NUM_LABELS]; n];
    let mut prev = [f32::NEG_INFINITY; NUM_LABELS];
    for c in 0..NUM_LABELS {
        if may_start(c) {
            prev[c] = start[c] + emissions[0][c];
        }
    }
    for t in 1..n {
        let mut cur = [f32::NEG_INFINITY; NUM_LABELS];
        for c in 0..NUM_LABELS {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0u8;
            for p in 0..NUM_LABELS {
                if allowed[p][c] {
                    let s = prev[p] + trans[p][c];
                    if s > best {
                        best = s;
                        arg = p as u8;
                    }
                }
            }
            cur[c] = best + emissions[t][c];
            back[t][c] = arg;
        }
        prev = cur;
    }
    let mut best = 0;
    for c in 1..NUM_LABELS {
        if prev[c] > prev[best] {
            best = c;
        }
    }
    out.resize(n, 0);
    out[n - 1] = best;
    for t in (1..n).rev() {
        out[t - 1] = back[t][out[t]] as usize;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_forbid_i_after_o_even_when_emission_prefers_it() {
        // Token 0 strongly O (and not B-PER), token 1 strongly I-PER (index 2), B-PER (1) second.
        let mut e = [[0.0; NUM_LABELS]; 2];
        e[0][0] = 5.0;
        e[0][1] = -10.0;
        e[1][2] = 10.0;
        e[1][1] = 1.0;
        let mut out = Vec::new();
        viterbi(
            &e,
            &[0.0; NUM_LABELS],
            &[[0.0; NUM_LABELS]; NUM_LABELS],
            &mut out,
        );
        assert_eq!(out, [0, 1]);
        // With B-PER possible at token 0 (4.9 + 10 > 5 + 1), the pair B-PER I-PER wins.
        e[0][1] = 4.9;
        viterbi(
            &e,
            &[0.0; NUM_LABELS],
            &[[0.0; NUM_LABELS]; NUM_LABELS],
            &mut out,
        );
        assert_eq!(out, [1, 2]);
    }

    #[test]
    fn transitions_count() {
        let mut e = [[0.0; NUM_LABELS]; 2];
        e[0][3] = 1.0; // B-LOC
        e[1][0] = 1.0; // O
        e[1][3] = 1.2; // B-LOC
        let mut trans = [[0.0; NUM_LABELS]; NUM_LABELS];
        trans[3][3] = -1.0; // B-LOC B-LOC penalised
        let mut out = Vec::new();
        viterbi(&e, &[0.0; NUM_LABELS], &trans, &mut out);
        assert_eq!(out, [3, 0]);
    }
}
