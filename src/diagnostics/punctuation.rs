//! Punctuation diagnostics: `latin-punctuation` (Latin , ; ? in Arabic text, where Arabic
//! typography uses ، ؛ ؟) and `space-before-punctuation`.

use super::{Code, Diagnostic, Message};
use crate::text::Span;
use crate::text::token::{Token, TokenKind};

/// The Arabic counterpart of a Latin punctuation mark, with both languages' names.
fn arabic_counterpart(mark: &str) -> Option<(&'static str, &'static str, &'static str)> {
    match mark {
        "," => Some(("،", "فاصلة", "comma")),
        ";" => Some(("؛", "فاصلة منقوطة", "semicolon")),
        "?" => Some(("؟", "علامة استفهام", "question mark")),
        _ => None,
    }
}

/// For every token, the kind of the nearest word (Arabic or Latin token) before it and after
/// it on the same line (`(left, right)`), in two linear passes. A gap between tokens holding a
/// line break (or not fitting `text`) ends the search.
fn nearest_words(text: &str, tokens: &[Token]) -> Vec<(Option<TokenKind>, Option<TokenKind>)> {
    let word = |t: &Token| matches!(t.kind, TokenKind::Arabic | TokenKind::Latin).then_some(t.kind);
    let broken = |a: &Token, b: &Token| {
        text.get(a.span.end..b.span.start)
            .is_none_or(|g| g.contains(['\n', '\r']))
    };
    let mut out = vec![(None, None); tokens.len()];
    let mut carry = None;
    for j in 0..tokens.len() {
        if j > 0 && broken(&tokens[j - 1], &tokens[j]) {
            carry = None;
        }
        out[j].0 = carry;
        carry = word(&tokens[j]).or(carry);
    }
    carry = None;
    for j in (0..tokens.len()).rev() {
        if j + 1 < tokens.len() && broken(&tokens[j], &tokens[j + 1]) {
            carry = None;
        }
        out[j].1 = carry;
        carry = word(&tokens[j]).or(carry);
    }
    out
}

/// One `latin-punctuation` diagnostic per Latin comma, semicolon or question mark whose nearest
/// word on the same line, on either side, is Arabic. Marks inside numbers (1,000) are part of
/// the number token and never reported; marks between Latin words are Latin text. Linear in
/// the number of tokens.
pub fn latin_punctuation(text: &str, tokens: &[Token]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut nearest = None;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != TokenKind::Punct {
            continue;
        }
        let Some(mark) = text.get(t.span.start..t.span.end) else {
            continue;
        };
        let Some((arabic, ar_name, en_name)) = arabic_counterpart(mark) else {
            continue;
        };
        let (left, right) = nearest.get_or_insert_with(|| nearest_words(text, tokens))[i];
        if left != Some(TokenKind::Arabic) && right != Some(TokenKind::Arabic) {
            continue;
        }
        out.push(Diagnostic::new(
            t.span,
            Code::LatinPunctuation,
            Message::new(
                format!("{ar_name} لاتينية «{mark}» في نص عربي: استخدم «{arabic}»"),
                format!("Latin {en_name} ‘{mark}’ in Arabic text: use ‘{arabic}’"),
            ),
        ));
    }
    out
}

/// Punctuation that white space must not precede. Closing quotation marks are left to
/// `space-inside-quotes`; opening marks and dashes may follow a space.
fn no_space_before(c: char) -> bool {
    matches!(
        c,
        '،' | '؛' | '؟' | '.' | '!' | ':' | ',' | ';' | '?' | ')' | ']'
    )
}

/// Horizontal white space and the invisible marks that may sit in it (LRM, RLM, ALM).
fn is_gap(c: char) -> bool {
    (c.is_whitespace() && c != '\n' && c != '\r')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// One `space-before-punctuation` diagnostic per run of white space before ، ؛ ؟ . ! : , ; ? ) ]
/// (range: the white space). Not reported: punctuation at the start of a line, a `.` that begins
/// an ellipsis (` ...`), and `.` `,` `:` directly followed by a digit (` .5`, ` :30`).
pub fn space_before_punctuation(text: &str, tokens: &[Token]) -> Vec<Diagnostic> {
    tokens
        .iter()
        .filter_map(|t| space_before(text, t.kind, t.span))
        .collect()
}

/// The `space-before-punctuation` diagnostic of the token of kind `kind` at `span` in `text`,
/// if any (see [`space_before_punctuation`]). Reads `text` before `span` up to the first
/// character that is not horizontal white space.
pub(crate) fn space_before(text: &str, kind: TokenKind, span: Span) -> Option<Diagnostic> {
    if kind != TokenKind::Punct {
        return None;
    }
    let (Some(before), Some(rest)) = (text.get(..span.start), text.get(span.start..)) else {
        return None;
    };
    let mut chars = rest.chars();
    let c = chars.next()?;
    if !no_space_before(c) {
        return None;
    }
    let next = chars.next();
    if c == '.' && next == Some('.') {
        return None;
    }
    if matches!(c, '.' | ',' | ':') && next.is_some_and(|n| n.is_ascii_digit()) {
        return None;
    }
    let trimmed = before.trim_end_matches(is_gap);
    if trimmed.len() == before.len() || trimmed.is_empty() || trimmed.ends_with(['\n', '\r']) {
        return None;
    }
    Some(Diagnostic::new(
        Span::new(trimmed.len(), span.start),
        Code::SpaceBeforePunctuation,
        Message::new(
            format!("مسافة قبل «{c}»"),
            format!("White space before ‘{c}’"),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::token::tokenize;

    fn latin(text: &str) -> Vec<(usize, String)> {
        latin_punctuation(text, &tokenize(text))
            .into_iter()
            .map(|d| (d.span.start, d.message.en))
            .collect()
    }

    fn spaces(text: &str) -> Vec<Span> {
        space_before_punctuation(text, &tokenize(text))
            .into_iter()
            .map(|d| d.span)
            .collect()
    }

    #[test]
    fn latin_marks_touching_arabic() {
        let text = "قال الوزير, إن المحادثات مستمرة; فهل تنجح?";
        let d = latin(text);
        assert_eq!(
            d,
            vec![
                (
                    text.find(',').unwrap(),
                    "Latin comma ‘,’ in Arabic text: use ‘،’".to_string()
                ),
                (
                    text.find(';').unwrap(),
                    "Latin semicolon ‘;’ in Arabic text: use ‘؛’".to_string()
                ),
                (
                    text.find('?').unwrap(),
                    "Latin question mark ‘?’ in Arabic text: use ‘؟’".to_string()
                ),
            ]
        );
        // After a Latin name but before Arabic words: still Arabic text.
        let text = "قالت وكالة Reuters, نقلا عن مصادر";
        assert_eq!(latin(text).len(), 1);
    }

    #[test]
    fn latin_marks_in_numbers_and_latin_text_are_fine() {
        assert!(latin("بلغ عدد السكان 1,000,000 نسمة").is_empty());
        assert!(latin("ونشرت صحيفة (The Times, London) التقرير").is_empty());
        assert!(latin("Hello, world? Yes; indeed").is_empty());
        assert!(latin("وتبلغ النسبة ٣,٥ بالمئة").is_empty());
        // A line break ends the search for a word.
        assert!(latin("قال\n1, 2").is_empty());
        assert_eq!(latin("1, 2\nقال").len(), 0);
        assert_eq!(latin("1 ,\tقال").len(), 1);
    }

    #[test]
    fn a_long_run_of_marks_is_linear() {
        // 100,000 commas after an Arabic word: each finds it through the passes, not a walk.
        let text = format!("قال {}", ",".repeat(100_000));
        let d = latin(&text);
        assert_eq!(d.len(), 100_000);
        assert_eq!(d[99_999].0, text.len() - 1);
        let text = format!("{} 1", ";".repeat(100_000));
        assert!(latin(&text).is_empty());
    }

    #[test]
    fn space_before_arabic_and_latin_punctuation() {
        let text = "قال الوزير ، ثم أضاف : «نعم» . وهل انتهى ؟ (تقريبا )";
        let got = spaces(text);
        let comma = text.find('،').unwrap();
        assert_eq!(got[0], Span::new(comma - 1, comma));
        assert_eq!(got.len(), 5);
        let paren = text.find(')').unwrap();
        assert_eq!(got[4], Span::new(paren - 1, paren));
        let d = space_before_punctuation(text, &tokenize(text));
        assert_eq!(d[0].message.ar, "مسافة قبل «،»");
        assert_eq!(d[0].severity, super::super::Severity::Information);
    }

    #[test]
    fn space_before_is_fine_here() {
        // Opening marks, dashes, an ellipsis, line starts, closing quotes, decimals.
        assert!(spaces("قال « نعم » و( هذا ) - ثم ...").len() == 1); // only the ")"
        assert!(spaces("السطر الأول\n، الثاني").is_empty());
        assert!(spaces("  . بداية").is_empty());
        assert!(spaces("النسبة .5 فقط").is_empty());
        assert!(spaces("قال \"نعم \" فقط").is_empty());
        // Several spaces and an RLM are one run.
        let text = "انتهى \u{200F} .";
        assert_eq!(spaces(text), vec![Span::new("انتهى".len(), text.len() - 1)]);
    }
}
