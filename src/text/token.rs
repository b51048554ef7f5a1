//! The Arabic-aware tokenizer.
//!
//! Words are runs of Arabic letters with their diacritics and tatweel, or runs of Latin letters;
//! numbers are runs of ASCII, Arabic-Indic (U+0660–U+0669) or Extended Arabic-Indic (U+06F0–U+06F9)
//! digits (with an inner `.`/`,`/`٫`/`٬` separator); every punctuation character (، ؛ ؟ . ! : « » “ ” " '
//! ‹ › ( ) - …) is a token of its own. White space and bidi marks separate tokens and are not
//! tokens. Clitics are not split here (see [`super::clitic`]).

use super::Span;

/// What a [`Token`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Arabic-script word (letters, diacritics, tatweel).
    Arabic,
    /// Latin-script word.
    Latin,
    /// Number (ASCII or Arabic-Indic digits).
    Number,
    /// One punctuation or symbol character.
    Punct,
}

/// A token: its kind, its span in the original text (bytes) and its folded form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is (bytes, original text).
    pub span: Span,
    /// [`super::normalize::fold_str`] of its text.
    pub folded: String,
}

/// Splits `text` into tokens, in order.
pub fn tokenize(text: &str) -> Vec<Token> {
    todo!()
}
