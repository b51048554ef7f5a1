//! Gazetteer features for the tagger: the shared lexicons of `data/lexicon/` (GeoNames/CLDR
//! places, Wikidata/arabnamer person-name units, CLDR organisations, nisba adjectives, our
//! titles, triggers and function words — see data/README.md for sources and licences), folded
//! with [`super::features::fold`] and **snapshotted into the model file at training time**, so
//! the features a model was trained with never drift when the lexicons are edited.
//!
//! The `anercorp_*.txt` lists are derived from ANERcorp train and are deliberately **not** read:
//! as features on the same training text they would make the model over-trust them.

use std::path::Path;

use anyhow::Context;
use rustc_hash::{FxHashMap, FxHashSet};

use super::features::fold;

/// Gazetteer classes (bit positions of a class mask).
pub const CLASSES: [(&str, &str); 11] = [
    ("given", "given_names.txt"),
    ("surname", "surnames.txt"),
    ("foreign", "foreign_names.txt"),
    ("loc", "locations.txt"),
    ("org", "organizations.txt"),
    ("nisba", "nisba.txt"),
    ("title", "titles.txt"),
    ("loctrig", "loc_triggers.txt"),
    ("orgtrig", "org_triggers.txt"),
    ("func", "function_words.txt"),
    ("ambig", "ambiguous_names.txt"),
];

/// Hand-written additions read with a class's file: (class file, extra file) — irregular
/// nisba forms into `nisba`, organization names into `org`.
const EXTRA_FILES: [(&str, &str); 2] = [
    ("nisba.txt", "nisba_extra.txt"),
    ("organizations.txt", "organizations_extra.txt"),
];

/// Folded entries (single words and multi-word phrases, words joined by one space) with their
/// class masks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gazetteer {
    entries: FxHashMap<String, u16>,
    first_words: FxHashSet<String>,
    max_words: usize,
}

impl Gazetteer {
    /// Builds from `(folded entry, class mask)` pairs (masks of equal entries are OR-ed).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, u16)>) -> Self {
        let pairs = pairs.into_iter();
        let mut g = Gazetteer::default();
        g.entries.reserve(pairs.size_hint().0);
        for (e, m) in pairs {
            crate::background::tick();
            g.insert(e, m);
        }
        g
    }

    fn insert(&mut self, entry: String, mask: u16) {
        let words = entry.split(' ').count();
        if words > 1 {
            self.first_words
                .insert(entry.split(' ').next().unwrap_or_default().to_string());
            self.max_words = self.max_words.max(words);
        }
        *self.entries.entry(entry).or_insert(0) |= mask;
    }

    /// Reads the lexicon files of `dir` (see [`CLASSES`]); a missing file is an error naming it.
    /// Comment (`#`) and blank lines are skipped; only the first tab-separated column is used; a
    /// leading `+` (org_triggers' "may follow a trigger" words) is dropped. Nisba adjectives get
    /// their inflections (ال…، …ة، …ون، …ين، …ات, and their combinations).
    pub fn load_dir(dir: &Path) -> anyhow::Result<Gazetteer> {
        let mut g = Gazetteer::default();
        for (bit, (_, file)) in CLASSES.iter().enumerate() {
            let extras = EXTRA_FILES
                .iter()
                .filter(|(base, _)| base == file)
                .map(|(_, extra)| *extra);
            for f in std::iter::once(*file).chain(extras) {
                let path = dir.join(f);
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("{}: cannot read lexicon", path.display()))?;
                for line in text.lines() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    let entry = line
                        .split('\t')
                        .next()
                        .unwrap_or_default()
                        .trim_start_matches('+');
                    let folded = fold(entry).split_whitespace().collect::<Vec<_>>().join(" ");
                    if folded.is_empty() {
                        continue;
                    }
                    if file == &"nisba.txt" {
                        for form in nisba_forms(&folded) {
                            g.insert(form, 1 << bit);
                        }
                    } else {
                        g.insert(folded, 1 << bit);
                    }
                }
            }
        }
        Ok(g)
    }

    /// Class mask of a folded word or phrase (0 if absent).
    #[inline]
    pub fn get(&self, folded: &str) -> u16 {
        self.entries.get(folded).copied().unwrap_or(0)
    }

    /// True when some multi-word entry starts with `word`.
    #[inline]
    pub fn starts_phrase(&self, word: &str) -> bool {
        self.first_words.contains(word)
    }

    /// Longest number of words in an entry (≥ 1 when there are multi-word entries).
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `(entry, mask)` sorted by entry (deterministic serialisation order).
    pub fn sorted(&self) -> Vec<(&str, u16)> {
        let mut v: Vec<(&str, u16)> = self.entries.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        v.sort_unstable();
        v
    }
}

fn nisba_forms(base: &str) -> Vec<String> {
    let mut out = Vec::new();
    for suffix in ["", "ه", "ون", "ين", "ات"] {
        let w = format!("{base}{suffix}");
        out.push(format!("ال{w}"));
        out.push(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_phrases_and_nisba() {
        let g = Gazetteer::from_pairs([("الامم المتحده".to_string(), 16), ("روسيا".to_string(), 8)]);
        assert_eq!(g.get("الامم المتحده"), 16);
        assert!(g.starts_phrase("الامم"));
        assert_eq!(g.max_words(), 2);
        assert_eq!(g.get("موسكو"), 0);
        let forms = nisba_forms("روسي");
        assert!(forms.contains(&"الروسيه".to_string()) && forms.contains(&"روسيون".to_string()));
    }
}
