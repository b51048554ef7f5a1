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

/// One `repeated-word` diagnostic on the second of two consecutive equal words (Arabic or
/// Latin, compared folded; numbers are not words), separated only by white space on one line.
pub fn repeated_word(text: &str, tokens: &[Token]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for pair in tokens.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let word = |t: &Token| matches!(t.kind, TokenKind::Arabic | TokenKind::Latin);
        if !word(a) || !word(b) || a.folded != b.folded || a.folded.is_empty() {
            continue;
        }
        if REDUPLICATED.contains(&a.folded.as_str()) {
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
    }
}
