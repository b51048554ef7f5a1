//! Proclitic splitting for names: و ف (conjunctions), ب ل ك (prepositions), ال (article) and their
//! stacks (وال، بال، فال، كال، لل، ولل، فلل، وبال، فبال، وكال، وب، ول، وك، فب، فل…).
//!
//! Inventory after Larkey et al. 2007 (Light10 prefixes) and the Snowball Arabic stemmer, but
//! nothing here removes suffixes, and a split is only a *candidate*: callers look the stem up
//! (a name's surface form first) and keep the split only when the stem is known, so بغداد keeps
//! its ب.

/// One way to read a word as proclitics + stem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CliticSplit<'a> {
    /// Bytes of the original word taken by the proclitics (conjunction and preposition only;
    /// the article is reported by `article`). The mention's range starts here.
    pub prefix_len: usize,
    /// The word after `prefix_len` (includes the article when `article` is true, so for
    /// "والكرملين" the stem is "الكرملين"; for "للأمم" — where ل + ال drops the alif — the stem is
    /// "لأمم" and `article_elided` is true).
    pub stem: &'a str,
    /// The stem begins with the article ال (or its elided form after ل).
    pub article: bool,
    /// The article's alif was dropped after ل (لل…); matching should try "ال" + stem[ل..].
    pub article_elided: bool,
}

/// All readings of `word` (original text, not folded), the unsplit word first, then shorter
/// stems. A stem is never shorter than two letters.
pub fn proclitic_splits(word: &str) -> Vec<CliticSplit<'_>> {
    todo!()
}
