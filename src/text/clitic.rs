//! Proclitic splitting for names: و ف (conjunctions), ب ل ك (prepositions), ال (article) and their
//! stacks (وال، بال، فال، كال، لل، ولل، فلل، وبال، فبال، وكال، وب، ول، وك، فب، فل…).
//!
//! Inventory after Larkey et al. 2007 (Light10 prefixes) and the Snowball Arabic stemmer, but
//! nothing here removes suffixes, and a split is only a *candidate*: callers look the stem up
//! (a name's surface form first) and keep the split only when the stem is known, so بغداد keeps
//! its ب.

use super::normalize::is_ignorable;

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

/// The first four base letters of `word` with their byte offsets, and the number of its base
/// letters counted up to [`LETTERS_COUNTED`] (every test below compares with smaller numbers).
/// Diacritics, tatweel and joiners are not base letters: they stay with the letter before.
fn letters(word: &str) -> ([(char, usize); 4], usize) {
    let mut first = [('\0', 0); 4];
    let mut n = 0;
    for (i, c) in word.char_indices() {
        if is_ignorable(c) {
            continue;
        }
        if let Some(slot) = first.get_mut(n) {
            *slot = (c, i);
        }
        n += 1;
        if n == LETTERS_COUNTED {
            break;
        }
    }
    (first, n)
}

/// [`letters`] stops counting here.
const LETTERS_COUNTED: usize = 8;

/// Conjunctions و (and) and ف (so).
fn is_conjunction(c: char) -> bool {
    matches!(c, 'و' | 'ف')
}

/// Prepositions ب (with/by), ل (for/to) and ك (like; also Persian keheh ک).
fn is_preposition(c: char) -> bool {
    matches!(c, 'ب' | 'ل' | 'ك' | 'ک')
}

/// Alef or alef wasla, as written in the article ال / ٱل.
fn is_article_alef(c: char) -> bool {
    matches!(c, 'ا' | 'ٱ')
}

/// All readings of `word` (original text, not folded), the unsplit word first, then shorter
/// stems. A stem is never shorter than two letters (diacritics, tatweel and joiners do not
/// count as letters).
///
/// Readings, in this order: the whole word; without a conjunction و/ف; without a conjunction
/// and/or a preposition ب/ل/ك (و، ف، ب، ل، ك، وب، ول، وك، فب، فل، فك). `prefix_len` covers the
/// proclitic letters with their diacritics (وَبِـ…); the article stays in the stem and is reported
/// by `article` (it needs at least two letters after it). After ل, a stem that starts with ل
/// (للأمم = ل + الأمم with the alif dropped) gives two readings with the same stem: first with
/// `article_elided` (try "ال" + stem[ل..]), then as written (للبنان = ل + لبنان).
///
/// Nothing is checked against a lexicon here: every reading is a candidate.
pub fn proclitic_splits(word: &str) -> Vec<CliticSplit<'_>> {
    let (letters, n) = letters(word);
    let has_article = |from: usize| {
        n >= from + 4 && is_article_alef(letters[from].0) && letters[from + 1].0 == 'ل'
    };
    let mut out = Vec::with_capacity(4);
    out.push(CliticSplit {
        prefix_len: 0,
        stem: word,
        article: has_article(0),
        article_elided: false,
    });
    if n < 3 {
        return out;
    }
    // Candidate prefixes, as numbers of letters, shortest first: conjunction, then preposition.
    let conj = usize::from(is_conjunction(letters[0].0));
    let mut prefixes = Vec::with_capacity(2);
    if conj == 1 {
        prefixes.push(1);
    }
    if n > conj && is_preposition(letters[conj].0) {
        prefixes.push(conj + 1);
    }
    for k in prefixes {
        if n - k < 2 {
            break;
        }
        let prefix_len = letters[k].1;
        let stem = &word[prefix_len..];
        let prep_lam = k > conj && letters[k - 1].0 == 'ل';
        // ل + ال → لل: the stem starts with the lam of the article.
        if prep_lam && letters[k].0 == 'ل' && n - k >= 3 {
            out.push(CliticSplit {
                prefix_len,
                stem,
                article: true,
                article_elided: true,
            });
        }
        out.push(CliticSplit {
            prefix_len,
            stem,
            article: has_article(k),
            article_elided: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (prefix as written, stem, article, article_elided) for each reading.
    fn readings(word: &str) -> Vec<(&str, &str, bool, bool)> {
        proclitic_splits(word)
            .into_iter()
            .map(|s| (&word[..s.prefix_len], s.stem, s.article, s.article_elided))
            .collect()
    }

    #[test]
    fn conjunction_and_article() {
        assert_eq!(
            readings("والكرملين"),
            vec![
                ("", "والكرملين", false, false),
                ("و", "الكرملين", true, false)
            ]
        );
    }

    #[test]
    fn lam_with_elided_article() {
        assert_eq!(
            readings("للأمم"),
            vec![
                ("", "للأمم", false, false),
                ("ل", "لأمم", true, true),
                ("ل", "لأمم", false, false)
            ]
        );
        assert_eq!(
            readings("وللأمم"),
            vec![
                ("", "وللأمم", false, false),
                ("و", "للأمم", false, false),
                ("ول", "لأمم", true, true),
                ("ول", "لأمم", false, false),
            ]
        );
    }

    #[test]
    fn stacked_conjunction_and_preposition() {
        assert_eq!(
            readings("وبيسكوف"),
            vec![
                ("", "وبيسكوف", false, false),
                ("و", "بيسكوف", false, false),
                ("وب", "يسكوف", false, false)
            ]
        );
        assert_eq!(
            readings("لبيسكوف"),
            vec![("", "لبيسكوف", false, false), ("ل", "بيسكوف", false, false)]
        );
        assert_eq!(
            readings("وبالكرملين"),
            vec![
                ("", "وبالكرملين", false, false),
                ("و", "بالكرملين", false, false),
                ("وب", "الكرملين", true, false),
            ]
        );
        assert_eq!(readings("فكابول")[2], ("فك", "ابول", false, false));
    }

    #[test]
    fn unsplit_reading_comes_first() {
        let r = readings("بغداد");
        assert_eq!(r[0], ("", "بغداد", false, false));
        assert_eq!(r[1], ("ب", "غداد", false, false));
        assert_eq!(r.len(), 2);
        assert_eq!(readings("الكرملين"), vec![("", "الكرملين", true, false)]);
    }

    #[test]
    fn stems_keep_two_letters() {
        // و + لي: stem "لي" is allowed; ول + ي is not.
        assert_eq!(
            readings("ولي"),
            vec![("", "ولي", false, false), ("و", "لي", false, false)]
        );
        assert_eq!(readings("وب"), vec![("", "وب", false, false)]);
        assert_eq!(readings(""), vec![("", "", false, false)]);
        // "ال" + one letter is not an article reading.
        assert_eq!(
            readings("وال"),
            vec![("", "وال", false, false), ("و", "ال", false, false)]
        );
    }

    #[test]
    fn diacritics_and_tatweel_stay_with_their_letters() {
        let word = "وَلِلأُمَمِ";
        let r = readings(word);
        assert_eq!(r[1], ("وَ", "لِلأُمَمِ", false, false));
        assert_eq!(r[2], ("وَلِ", "لأُمَمِ", true, true));
        assert_eq!(readings("لـبيسكوف")[1], ("لـ", "بيسكوف", false, false));
    }
}
