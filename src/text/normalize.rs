//! Orthographic folding for matching, with a map back to the original text.
//!
//! Folding (after CAMeL Tools' `normalize_unicode`/`dediac_ar`/`normalize_alef_ar`/
//! `normalize_alef_maksura_ar`/`normalize_teh_marbuta_ar` and Lucene's ArabicNormalizer):
//! NFKC for presentation forms (ﻻ → لا); أ إ آ ٱ → ا; ى → ي; ة → ه; Persian/Urdu letters ک → ك,
//! ی → ي, ۀ → ه; diacritics (U+064B–U+065F, U+0670) and tatweel (U+0640) removed; bidi marks
//! LRM/RLM/ALM (U+200E, U+200F, U+061C) and ZWNJ/ZWJ removed; Arabic-Indic digits → ASCII;
//! Latin lower-cased. Folded text is for comparison only: never show it to the writer.

use super::Span;

/// Folded text plus, for every byte of it, the original byte offset it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// `map[i]` is the original byte offset of the character that produced folded byte `i`;
    /// `map[text.len()]` is the original length (so end offsets map too).
    map: Vec<usize>,
}

impl Folded {
    /// Original byte offset for folded byte offset `folded` (`0..=text.len()`).
    pub fn to_original(&self, folded: usize) -> usize {
        todo!()
    }

    /// The original span covering the folded span `folded` (end maps to the end of the last
    /// original character that produced it, so removed diacritics inside are included).
    pub fn original_span(&self, folded: Span) -> Span {
        todo!()
    }
}

/// Folds `text`, keeping the offset map. See the module doc for the rules.
pub fn fold(text: &str) -> Folded {
    todo!()
}

/// Folds `text` for use as a lookup key (same rules as [`fold`], no map).
pub fn fold_str(text: &str) -> String {
    todo!()
}

/// True for characters that folding removes (diacritics, tatweel, LRM/RLM/ALM, ZWJ/ZWNJ).
pub fn is_ignorable(c: char) -> bool {
    todo!()
}
