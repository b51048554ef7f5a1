//! `repeated-word`: the same word twice in a row (أن أن), a frequent slip when editing.

use super::{Code, Diagnostic, Message, excerpt};
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

/// True when the tokens at `i` and `i + 1` are both letter names in a run of at least three
/// (an acronym such as سي إن إن), where a doubled letter is no slip. Both must be letter names:
/// a single particle that happens to spell a letter (إن، أن، في) before a doubled word
/// (إن الوضع الوضع) is no acronym.
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
    if !is_letter(i) || !is_letter(i + 1) {
        return false;
    }
    // The run has at least three letter names when one more is joined on either side; looking
    // one token further each way is enough (and keeps a long run linear).
    (i > 0 && is_letter(i - 1) && joined(i - 1)) || (is_letter(i + 2) && joined(i + 1))
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
        let Some(w) = text.get(b.span.start..b.span.end).map(excerpt) else {
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

    #[test]
    fn doubled_word_after_a_particle_that_spells_a_letter() {
        // إن، أن، في also name the letters N and V; one of them before a doubled word is no
        // acronym.
        assert_eq!(found("إن الوضع الوضع صعب."), vec!["الوضع"]);
        assert_eq!(found("وأكد أن الحرب الحرب انتهت."), vec!["الحرب"]);
        assert_eq!(found("وجلس في المقعد المقعد الأول"), vec!["المقعد"]);
        assert_eq!(found("وقال إن بي بي سي أخطأت"), Vec::<&str>::new());
    }

    #[test]
    fn a_long_run_of_letter_names_is_an_acronym_and_linear() {
        // 50,000 × بي: every pair lies in a run of letter names; each is checked in O(1).
        let text = "بي ".repeat(50_000);
        assert!(found(&text).is_empty());
        assert_eq!(found("بي بي"), vec!["بي"]);
    }

    #[test]
    fn a_huge_repeated_word_is_quoted_short() {
        let word = "ب".repeat(5000);
        let text = format!("قال {word} {word} ثم سكت");
        let d = repeated_word(&text, &tokenize(&text));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span.len(), word.len());
        let shown = format!("{}…", "ب".repeat(super::super::MAX_EXCERPT_CHARS));
        assert_eq!(d[0].message.en, format!("Word ‘{shown}’ is repeated"));
    }
}
