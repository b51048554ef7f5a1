//! `repeated-word`: the same word twice in a row (أن أن), a frequent slip when editing.

use super::{Code, Diagnostic, Message};
use crate::text::Span;
use crate::text::token::{Token, TokenKind};

/// Folded words whose doubling is idiomatic (distributive or emphatic reduplication:
/// رويدا رويدا، خطوة خطوة، شيئا شيئا), and English words that legitimately double.
const REDUPLICATED: &[&str] = &[
    "رويدا",
    "شيئا",
    "خطوه",
    "حرفا",
    "واحدا",
    "يوما",
    "شبرا",
    "قطره",
    "كلمه",
    "سطرا",
    "بيتا",
    "بابا",
    "جدا",
    "that",
    "had",
];

/// Arabic names of Latin letters (folded), as used to spell acronyms: بي بي سي (BBC),
/// سي إن إن (CNN), إم بي سي (MBC).
const LETTER_NAMES: &[&str] = &[
    "ايه",
    "اي",
    "بي",
    "سي",
    "دي",
    "اف",
    "جي",
    "اتش",
    "جاي",
    "كيه",
    "كي",
    "ال",
    "ام",
    "ان",
    "او",
    "كيو",
    "ار",
    "اس",
    "تي",
    "يو",
    "في",
    "دبليو",
    "اكس",
    "واي",
    "زد",
    "زي",
];

/// True when the tokens at `i` and `i + 1` lie in a run of at least three letter names
/// (an acronym such as سي إن إن), where a doubled letter is no slip.
fn in_acronym(text: &str, tokens: &[Token], i: usize) -> bool {
    let is_letter = |j: usize| {
        tokens
            .get(j)
            .is_some_and(|t| LETTER_NAMES.contains(&t.folded.as_str()))
    };
    let joined = |j: usize| {
        tokens
            .get(j + 1)
            .and_then(|b| text.get(tokens[j].span.end..b.span.start))
            .is_some_and(|g| g.chars().all(|c| c == ' ' || c == '\u{A0}'))
    };
    let mut start = i;
    while start > 0 && is_letter(start - 1) && joined(start - 1) {
        start -= 1;
    }
    let mut end = i + 1;
    while is_letter(end + 1) && joined(end) {
        end += 1;
    }
    end - start + 1 >= 3
}

/// One `repeated-word` diagnostic on the second of two consecutive equal words (Arabic or
/// Latin, compared folded; numbers are not words), separated only by white space on one line.
/// Not reported: idiomatic reduplication (رويدا رويدا) and doubled letters in acronyms spelt
/// with letter names (بي بي سي).
pub fn repeated_word(text: &str, tokens: &[Token]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, pair) in tokens.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        let word = |t: &Token| matches!(t.kind, TokenKind::Arabic | TokenKind::Latin);
        if !word(a) || !word(b) || a.folded != b.folded || a.folded.is_empty() {
            continue;
        }
        if REDUPLICATED.contains(&a.folded.as_str()) || in_acronym(text, tokens, i) {
            continue;
        }
        // Only white space (no line break) between them; spans must fit the text.
        let Some(gap) = text.get(a.span.end..b.span.start) else {
            continue;
        };
        let Some(w) = text.get(b.span.start..b.span.end) else {
            continue;
        };
        if gap.contains(['\n', '\r']) {
            continue;
        }
        out.push(Diagnostic::new(
            Span::new(b.span.start, b.span.end),
            Code::RepeatedWord,
            Message::new(
                format!("الكلمة «{w}» مكررة"),
                format!("Word ‘{w}’ is repeated"),
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::token::tokenize;

    fn found(text: &str) -> Vec<&str> {
        repeated_word(text, &tokenize(text))
            .iter()
            .map(|d| d.span.slice(text))
            .collect()
    }

    #[test]
    fn doubled_words_are_reported_on_the_second() {
        let text = "وأكد أن أنّ الاتفاق the the deal سيوقع";
        let d = repeated_word(text, &tokenize(text));
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].span.slice(text), "أنّ");
        assert_eq!(d[0].span.start, text.find("أنّ").unwrap());
        assert_eq!(d[0].message.ar, "الكلمة «أنّ» مكررة");
        assert_eq!(d[1].span.slice(text), "the");
        assert_eq!(d[1].message.en, "Word ‘the’ is repeated");
    }

    #[test]
    fn not_reported() {
        // Numbers, words split by punctuation or a line break, idiomatic reduplication.
        assert!(found("بلغ العدد 20 20 شخصا").is_empty());
        assert!(found("قال: لا، لا أوافق").is_empty());
        assert!(found("انتهى الاجتماع\nالاجتماع القادم غدا").is_empty());
        assert!(found("تقدمت القوات رويداً رويداً وخطوة خطوة").is_empty());
        assert_eq!(found("في في الصباح"), vec!["في"]);
        // Acronyms spelt with letter names: CNN, BBC; a doubled إن outside one is a slip.
        assert!(found("وقال لشبكة سي إن إن الأربعاء إن الوضع هادئ").is_empty());
        assert!(found("بثت بي بي سي التقرير").is_empty());
        assert_eq!(found("وأكد إن إن الوضع هادئ"), vec!["إن"]);
    }
}
