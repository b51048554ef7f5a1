//! Entity-level evaluation, CoNLL convention (conlleval, Tjong Kim Sang & De Meulder 2003): an
//! entity counts as correct only when its type and both boundaries match exactly. An `I-X`
//! that does not continue an `X` entity starts a new one, as in conlleval.

use serde::Serialize;

use super::labels::{KINDS, Label};
use crate::entities::EntityKind;

/// An entity chunk: tokens `start..end` (exclusive) of type `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Chunk {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Its type.
    pub kind: EntityKind,
}

/// The entity chunks of a label sequence, in order.
pub fn chunks(labels: &[Label]) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, EntityKind)> = None;
    for (i, &l) in labels.iter().enumerate() {
        let continues = matches!((l, cur), (Label::I(k), Some((_, c))) if k == c);
        if continues {
            continue;
        }
        if let Some((s, k)) = cur.take() {
            out.push(Chunk {
                start: s,
                end: i,
                kind: k,
            });
        }
        if let Some(k) = l.kind() {
            cur = Some((i, k));
        }
    }
    if let Some((s, k)) = cur {
        out.push(Chunk {
            start: s,
            end: labels.len(),
            kind: k,
        });
    }
    out
}

/// Counts for one type (or for all: micro).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Predicted entities that match a gold entity exactly.
    pub correct: usize,
    /// Predicted entities.
    pub predicted: usize,
    /// Gold entities.
    pub gold: usize,
}

impl Counts {
    /// Precision (0 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            0.0
        } else {
            self.correct as f64 / self.predicted as f64
        }
    }
    /// Recall (0 when there is no gold entity).
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            self.correct as f64 / self.gold as f64
        }
    }
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Entity-level scores: per type (PER, LOC, ORG, MISC order) and micro-averaged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scoreboard {
    /// Counts per type, in [`KINDS`] order.
    pub per_type: [Counts; 4],
    /// Tokens seen.
    pub tokens: usize,
}

impl Scoreboard {
    /// Adds one sentence's gold and predicted labels (same length).
    pub fn add(&mut self, gold: &[Label], predicted: &[Label]) {
        debug_assert_eq!(gold.len(), predicted.len());
        self.tokens += gold.len();
        let g = chunks(gold);
        let p = chunks(predicted);
        let idx = |k: EntityKind| KINDS.iter().position(|x| *x == k).unwrap_or(0);
        for c in &g {
            self.per_type[idx(c.kind)].gold += 1;
        }
        for c in &p {
            let t = &mut self.per_type[idx(c.kind)];
            t.predicted += 1;
            if g.binary_search(c).is_ok() {
                t.correct += 1;
            }
        }
    }

    /// Micro-averaged counts (sums over types).
    pub fn micro(&self) -> Counts {
        self.per_type.iter().fold(Counts::default(), |a, c| Counts {
            correct: a.correct + c.correct,
            predicted: a.predicted + c.predicted,
            gold: a.gold + c.gold,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(tags: &str) -> Vec<Label> {
        tags.split_whitespace()
            .map(|t| Label::parse_tag(t).0)
            .collect()
    }

    #[test]
    fn chunks_follow_conlleval() {
        let c = chunks(&l("B-PER I-PER O I-LOC I-LOC B-LOC I-ORG"));
        assert_eq!(
            c,
            [
                Chunk {
                    start: 0,
                    end: 2,
                    kind: EntityKind::Person
                },
                Chunk {
                    start: 3,
                    end: 5,
                    kind: EntityKind::Location
                },
                Chunk {
                    start: 5,
                    end: 6,
                    kind: EntityKind::Location
                },
                Chunk {
                    start: 6,
                    end: 7,
                    kind: EntityKind::Organization
                },
            ]
        );
    }

    #[test]
    fn hand_computed_scores() {
        // Gold: PER(0..2), LOC(3), ORG(5..7). Predicted: PER(0..1) wrong boundary, LOC(3) right,
        // ORG(5..7) right, MISC(8) spurious.
        let gold = l("B-PER I-PER O B-LOC O B-ORG I-ORG O O");
        let pred = l("B-PER O O B-LOC O B-ORG I-ORG O B-MISC");
        let mut s = Scoreboard::default();
        s.add(&gold, &pred);
        let m = s.micro();
        assert_eq!((m.correct, m.predicted, m.gold), (2, 4, 3));
        assert!((m.precision() - 0.5).abs() < 1e-12);
        assert!((m.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.f1() - 4.0 / 7.0).abs() < 1e-12); // 2·0.5·0.667/(1.167)
        assert_eq!(
            s.per_type[0],
            Counts {
                correct: 0,
                predicted: 1,
                gold: 1
            }
        );
        assert_eq!(
            s.per_type[3],
            Counts {
                correct: 0,
                predicted: 1,
                gold: 0
            }
        );
        assert_eq!(s.per_type[3].f1(), 0.0);
        assert_eq!(s.tokens, 9);
    }
}
