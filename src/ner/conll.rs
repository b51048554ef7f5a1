//! Reading CoNLL-style NER files: one `TOKEN<TAB>TAG` per line (BIO2), a blank line between
//! sentences (the format of every corpus under `../shared/data/ner/`).
//!
//! Tags are normalised to the four CoNLL types of [`super::labels::Label`]: `PER`/`PERS` → PER,
//! `LOC`/`GPE` → LOC, `ORG`, `MISC`; any other type (CAraNER's `TITLE`, Wojood's `DATE`…) and
//! any malformed tag is read as `O` and counted in [`Corpus::unknown_tags`].

use std::path::Path;

use anyhow::{Context, bail};

use super::labels::Label;

/// One sentence: its tokens and their gold labels (same length).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sentence {
    /// Token texts, as written in the file.
    pub tokens: Vec<String>,
    /// Gold labels, one per token.
    pub labels: Vec<Label>,
    /// From an auxiliary training corpus of another domain (`train-ner --train
    /// a.tsv+aux:b.tsv`): its features also get a domain-specific copy
    /// ([`super::perceptron`]).
    pub aux: bool,
}

/// A whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Corpus {
    /// Sentences in file order (empty sentences are skipped).
    pub sentences: Vec<Sentence>,
    /// Number of tags whose type is not one of PER/LOC/ORG/MISC (read as `O`).
    pub unknown_tags: usize,
}

impl Corpus {
    /// Total number of tokens.
    pub fn token_count(&self) -> usize {
        self.sentences.iter().map(|s| s.tokens.len()).sum()
    }
}

/// Parses CoNLL text. A line must be `TOKEN<TAB>TAG` (extra tab-separated columns are ignored;
/// the tag is the **last** column). Lines with a single column are an error naming the line
/// (1-based). A `\r` before the newline is ignored.
pub fn parse(text: &str) -> anyhow::Result<Corpus> {
    let mut corpus = Corpus::default();
    let mut current = Sentence::default();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            if !current.tokens.is_empty() {
                corpus.sentences.push(std::mem::take(&mut current));
            }
            continue;
        }
        let mut cols = line.split('\t');
        let token = cols.next().unwrap_or_default();
        let Some(tag) = cols.next_back() else {
            bail!("line {}: expected TOKEN<TAB>TAG, found {line:?}", n + 1);
        };
        let (label, known) = Label::parse_tag(tag.trim());
        if !known {
            corpus.unknown_tags += 1;
        }
        current.tokens.push(token.to_string());
        current.labels.push(label);
    }
    if !current.tokens.is_empty() {
        corpus.sentences.push(current);
    }
    Ok(corpus)
}

/// Reads and parses a CoNLL file; errors name the file.
pub fn read(path: &Path) -> anyhow::Result<Corpus> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read as UTF-8 text", path.display()))?;
    parse(&text).with_context(|| format!("{}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::EntityKind;

    #[test]
    fn parses_sentences_tags_and_unknown_types() {
        let text =
            "وقال\tO\nبرند\tB-PERS\nجوتشولك\tI-PER\r\n\n\nفي\tO\nالرياض\tB-GPE\nالوزير\tB-TITLE\n";
        let c = parse(text).unwrap();
        assert_eq!(c.sentences.len(), 2);
        assert_eq!(c.sentences[0].tokens, ["وقال", "برند", "جوتشولك"]);
        assert_eq!(
            c.sentences[0].labels,
            [
                Label::O,
                Label::B(EntityKind::Person),
                Label::I(EntityKind::Person)
            ]
        );
        assert_eq!(c.sentences[1].labels[1], Label::B(EntityKind::Location));
        assert_eq!(c.sentences[1].labels[2], Label::O);
        assert_eq!(c.unknown_tags, 1);
        assert_eq!(c.token_count(), 6);
    }

    #[test]
    fn single_column_line_is_an_error_with_its_number() {
        let err = parse("a\tO\nb\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
