//! The Arabic-aware tokenizer.
//!
//! Words are runs of Arabic letters with their diacritics and tatweel, or runs of Latin letters;
//! numbers are runs of ASCII, Arabic-Indic (U+0660–U+0669) or Extended Arabic-Indic (U+06F0–U+06F9)
//! digits (with an inner `.`/`,`/`٫`/`٬` separator); every punctuation character (، ؛ ؟ . ! : « » “ ” " '
//! ‹ › ( ) - …) is a token of its own. White space and bidi marks separate tokens and are not
//! tokens. Clitics are not split here (see [`super::clitic`]).

use super::Span;
use super::normalize::fold_str;

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

/// True for a character that starts or continues an Arabic-script word: letters of the Arabic,
/// Arabic Supplement, Arabic Extended-A and presentation-form blocks (U+0600–U+06FF,
/// U+0750–U+077F, U+0870–U+08FF, U+FB50–U+FDFF, U+FE70–U+FEFC) that are alphabetic —
/// this includes tatweel and the harakat, which Unicode marks as alphabetic.
pub fn is_arabic_letter(c: char) -> bool {
    match c {
        // The Arabic block, spelled out (alphabetic characters and combining marks; not the
        // digits, punctuation and signs).
        '\u{0610}'..='\u{061A}'
        | '\u{0620}'..='\u{065F}'
        | '\u{066E}'..='\u{06D3}'
        | '\u{06D5}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06EF}'
        | '\u{06FA}'..='\u{06FC}'
        | '\u{06FF}' => true,
        '\u{0750}'..='\u{077F}'
        | '\u{0870}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFC}' => c.is_alphabetic() || is_arabic_mark(c),
        _ => false,
    }
}

/// True for Arabic combining marks (harakat U+064B–U+065F, dagger alef U+0670, Quranic marks
/// U+0610–U+061A, U+06D6–U+06ED, U+08CA–U+08FF) and tatweel U+0640. They stay inside the word.
pub fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{0610}'..='\u{061A}'
        | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}' | '\u{06E7}' | '\u{06E8}'
        | '\u{06EA}'..='\u{06ED}' | '\u{08CA}'..='\u{08FF}')
}

/// ASCII, Arabic-Indic (U+0660–U+0669) or Extended Arabic-Indic (U+06F0–U+06F9) digit.
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}')
}

/// Bidi formatting characters: LRM, RLM, ALM, the embeddings and overrides U+202A–U+202E, the
/// isolates U+2066–U+2069 (Unicode UAX #9), and the BOM / zero-width no-break space U+FEFF.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Characters that separate tokens and are not tokens: white space, bidi controls, and
/// ZWNJ/ZWJ (U+200C/U+200D) outside a word.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || is_bidi_control(c)
        || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}')
}

/// A Latin (or other non-Arabic alphabetic) word character, including combining marks
/// U+0300–U+036F.
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (!c.is_ascii() && c.is_alphabetic() && !is_arabic_letter(c))
        || matches!(c, '\u{0300}'..='\u{036F}')
}

/// Number separators allowed between two digits: . , ٫ (U+066B) ٬ (U+066C).
fn is_number_separator(c: char) -> bool {
    matches!(c, '.' | ',' | '\u{066B}' | '\u{066C}')
}

/// Splits `text` into tokens, in order.
///
/// - [`TokenKind::Arabic`]: a maximal run of [`is_arabic_letter`] characters (marks and tatweel
///   included); a ZWNJ/ZWJ between two Arabic letters stays inside the word.
/// - [`TokenKind::Latin`]: a maximal run of other alphabetic characters.
/// - [`TokenKind::Number`]: a run of [`is_digit`] characters, with single `.` `,` `٫` `٬`
///   separators that have a digit on both sides (`1,000`, `3.5`, `٣٫٥`).
/// - [`TokenKind::Punct`]: any other character that is not a separator, one per token
///   (so `...` is three tokens and `…` one; an emoji is one token).
///
/// White space, bidi controls ([`is_bidi_control`]) and stray ZWJ/ZWNJ are skipped.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if is_separator(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        let kind = if is_arabic_letter(c) {
            loop {
                match iter.peek() {
                    Some(&(i, d)) if is_arabic_letter(d) => {
                        end = i + d.len_utf8();
                        iter.next();
                    }
                    Some(&(i, d @ ('\u{200C}' | '\u{200D}'))) => {
                        // Keep a joiner only when an Arabic letter follows it.
                        let after = i + d.len_utf8();
                        match text[after..].chars().next() {
                            Some(e) if is_arabic_letter(e) => {
                                end = after;
                                iter.next();
                            }
                            _ => break,
                        }
                    }
                    _ => break,
                }
            }
            TokenKind::Arabic
        } else if is_digit(c) {
            loop {
                match iter.peek() {
                    Some(&(i, d)) if is_digit(d) => {
                        end = i + d.len_utf8();
                        iter.next();
                    }
                    Some(&(i, d)) if is_number_separator(d) => {
                        let after = i + d.len_utf8();
                        match text[after..].chars().next() {
                            Some(e) if is_digit(e) => {
                                end = after;
                                iter.next();
                            }
                            _ => break,
                        }
                    }
                    _ => break,
                }
            }
            TokenKind::Number
        } else if is_latin_letter(c) {
            while let Some(&(i, d)) = iter.peek() {
                if !is_latin_letter(d) {
                    break;
                }
                end = i + d.len_utf8();
                iter.next();
            }
            TokenKind::Latin
        } else {
            TokenKind::Punct
        };
        let span = Span::new(start, end);
        tokens.push(Token {
            kind,
            span,
            folded: fold_str(span.slice(text)),
        });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_and_texts(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .iter()
            .map(|t| (t.kind, t.span.slice(text)))
            .collect()
    }

    #[test]
    fn mixed_arabic_latin_digits_and_punctuation() {
        use TokenKind::*;
        let text = "قالَ «نعم»، و“لا” في ٢٠٢٤؛ NATO-2 \"تاس\"؟ 1,000 و3.5!";
        assert_eq!(
            kinds_and_texts(text),
            vec![
                (Arabic, "قالَ"),
                (Punct, "«"),
                (Arabic, "نعم"),
                (Punct, "»"),
                (Punct, "،"),
                (Arabic, "و"),
                (Punct, "“"),
                (Arabic, "لا"),
                (Punct, "”"),
                (Arabic, "في"),
                (Number, "٢٠٢٤"),
                (Punct, "؛"),
                (Latin, "NATO"),
                (Punct, "-"),
                (Number, "2"),
                (Punct, "\""),
                (Arabic, "تاس"),
                (Punct, "\""),
                (Punct, "؟"),
                (Number, "1,000"),
                (Arabic, "و"),
                (Number, "3.5"),
                (Punct, "!"),
            ]
        );
    }

    #[test]
    fn folded_forms_and_spans() {
        let text = "الرئيـــسُ ٣٠ Peskov";
        let toks = tokenize(text);
        assert_eq!(toks.len(), 3);
        assert_eq!(toks[0].folded, "الرئيس");
        assert_eq!(toks[0].span, Span::new(0, "الرئيـــسُ".len()));
        assert_eq!(toks[1].folded, "30");
        assert_eq!(toks[2].folded, "peskov");
        assert_eq!(toks[2].span.slice(text), "Peskov");
    }

    #[test]
    fn bidi_controls_and_white_space_separate() {
        use TokenKind::*;
        let text = "بوتين\u{200F}قال\u{2067}كابول\u{2069}\u{00A0}ثم\u{2028}انتهى";
        assert_eq!(
            kinds_and_texts(text),
            vec![
                (Arabic, "بوتين"),
                (Arabic, "قال"),
                (Arabic, "كابول"),
                (Arabic, "ثم"),
                (Arabic, "انتهى")
            ]
        );
    }

    #[test]
    fn joiners_inside_words_and_number_edges() {
        use TokenKind::*;
        // ZWNJ inside a Persian-style word stays; a trailing one does not.
        assert_eq!(
            kinds_and_texts("می\u{200C}خواهم\u{200C} "),
            vec![(Arabic, "می\u{200C}خواهم")]
        );
        // A separator needs digits on both sides; "..." is three tokens; … is one.
        assert_eq!(
            kinds_and_texts("2020. 3,x ...…"),
            vec![
                (Number, "2020"),
                (Punct, "."),
                (Number, "3"),
                (Punct, ","),
                (Latin, "x"),
                (Punct, "."),
                (Punct, "."),
                (Punct, "."),
                (Punct, "…"),
            ]
        );
        assert_eq!(
            kinds_and_texts("٣٫٥ 😀"),
            vec![(Number, "٣٫٥"), (Punct, "😀")]
        );
    }

    #[test]
    fn empty_and_blank() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" \r\n\t\u{200E}").is_empty());
    }

    #[test]
    fn spans_are_ordered_char_boundaries_and_skip_only_separators() {
        let text = "وقالَ: «نحن\u{202B}ﻻ نرى» 😀 د.أحمد\r\n٣٫٥% ‹x› — “ok”…\u{200C}ـ";
        let toks = tokenize(text);
        let mut prev_end = 0;
        for t in &toks {
            assert!(t.span.start >= prev_end && t.span.start < t.span.end);
            assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
            // Everything between tokens is a separator.
            assert!(
                text[prev_end..t.span.start].chars().all(is_separator),
                "{:?}",
                &text[prev_end..t.span.start]
            );
            prev_end = t.span.end;
        }
        assert!(text[prev_end..].chars().all(is_separator));
        // The presentation-form ligature is an Arabic word folded to plain letters.
        let lig = toks.iter().find(|t| t.span.slice(text) == "ﻻ").unwrap();
        assert_eq!((lig.kind, lig.folded.as_str()), (TokenKind::Arabic, "لا"));
    }

    #[test]
    fn arabic_block_fast_path_agrees_with_unicode() {
        for cp in 0x0600..=0x06FF {
            let c = char::from_u32(cp).unwrap();
            assert_eq!(
                is_arabic_letter(c),
                c.is_alphabetic() || is_arabic_mark(c),
                "U+{cp:04X}"
            );
        }
    }
}
