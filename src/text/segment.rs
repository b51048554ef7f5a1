//! Paragraphs and sentences.
//!
//! A paragraph is one non-blank line (news text puts one paragraph on a line; editors wrap it),
//! without its line terminator or surrounding white space. Sentences end at . ! ? ؟ … or the
//! paragraph's end; a full stop after a one-letter abbreviation (د. أ.) or between digits does not end one.

use super::Span;
use super::normalize::is_ignorable;
use super::token::{is_bidi_control, is_digit};

/// The paragraphs of `text` in order (byte spans, trimmed of surrounding white space).
///
/// Lines end at `\n`, `\r\n` or `\r` (as in [`super::position`]); U+2028 is not a line break.
/// Blank lines (only white space or bidi controls) give no paragraph.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut line_start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        let at_end = i == bytes.len();
        if at_end || bytes[i] == b'\n' || bytes[i] == b'\r' {
            if let Some(span) = trim(text, Span::new(line_start, i)) {
                out.push(span);
            }
            if at_end {
                break;
            }
            i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            line_start = i;
        } else {
            i += 1;
        }
    }
    out
}

/// White space and invisible format characters trimmed off segment ends.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_bidi_control(c) || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}')
}

/// `span` without leading and trailing blanks; `None` when nothing is left.
fn trim(text: &str, span: Span) -> Option<Span> {
    let s = span.slice(text);
    let t = s.trim_start_matches(is_blank);
    let start = span.start + (s.len() - t.len());
    let t = t.trim_end_matches(is_blank);
    (!t.is_empty()).then(|| Span::new(start, start + t.len()))
}

/// Characters that end a sentence.
fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '…')
}

/// Closing marks that stay with the sentence they follow (`قال: «انتهى.»`).
fn is_closer(c: char) -> bool {
    matches!(c, '»' | '”' | '"' | '\'' | '’' | '›' | ')' | ']')
}

/// True when the full stop at byte `dot` of `para` belongs to a one-letter abbreviation (د. أ. U.)
/// or sits between two digits (3.5).
fn dot_is_not_an_end(para: &str, dot: usize) -> bool {
    let before = &para[..dot];
    let after = &para[dot + 1..];
    let prev = before.chars().next_back();
    if prev.is_some_and(is_digit) && after.chars().next().is_some_and(is_digit) {
        return true;
    }
    // The word before the dot, diacritics skipped: exactly one letter.
    let word: Vec<char> = before
        .chars()
        .rev()
        .skip_while(|&c| is_ignorable(c))
        .take_while(|&c| c.is_alphabetic() || is_ignorable(c))
        .filter(|&c| !is_ignorable(c))
        .take(2)
        .collect();
    word.len() == 1
}

/// The sentences of `text` in order (byte spans, trimmed), never crossing a paragraph.
///
/// A sentence ends after a run of terminators (. ! ? ؟ …) and any closing marks right after it
/// (» ” " ' › ) ]). A full stop ends a sentence only when white space or the paragraph's end
/// follows the run (so `example.com` does not split), and never after a one-letter abbreviation
/// (د. أ.) or between digits.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for para in paragraphs(text) {
        let p = para.slice(text);
        let mut start = 0;
        let mut iter = p.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            if !is_terminator(c) || (c == '.' && dot_is_not_an_end(p, i)) {
                continue;
            }
            let mut end = i + c.len_utf8();
            let mut only_dots = c == '.';
            while let Some(&(j, d)) = iter.peek() {
                if is_terminator(d) || is_closer(d) {
                    only_dots &= d != '!' && d != '?' && d != '؟' && d != '…';
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            let next = p[end..].chars().next();
            if only_dots && next.is_some_and(|n| !n.is_whitespace()) {
                continue;
            }
            if let Some(s) = trim(text, Span::new(para.start + start, para.start + end)) {
                out.push(s);
            }
            start = end;
        }
        if let Some(s) = trim(text, Span::new(para.start + start, para.end)) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, spans: Vec<Span>) -> Vec<&str> {
        spans.iter().map(|s| s.slice(text)).collect()
    }

    #[test]
    fn paragraphs_are_non_blank_lines() {
        let text = "  الفقرة الأولى. \r\n\r\n\tالثانية\rالثالثة\u{2028}تكملة\n \u{200F}\n";
        assert_eq!(
            texts(text, paragraphs(text)),
            vec!["الفقرة الأولى.", "الثانية", "الثالثة\u{2028}تكملة"]
        );
        assert!(paragraphs("").is_empty());
        assert!(paragraphs("\n\r\n  ").is_empty());
    }

    #[test]
    fn sentences_end_at_terminators() {
        let text =
            "قال المتحدث إن الاجتماع انتهى. وأضاف: «لا جديد!» هل ينتهي؟ ربما… ثم غادر\nفقرة ثانية";
        assert_eq!(
            texts(text, sentences(text)),
            vec![
                "قال المتحدث إن الاجتماع انتهى.",
                "وأضاف: «لا جديد!»",
                "هل ينتهي؟",
                "ربما…",
                "ثم غادر",
                "فقرة ثانية"
            ]
        );
    }

    #[test]
    fn abbreviations_numbers_and_urls_do_not_end_sentences() {
        let text =
            "التقى د. أحمد بالسفير U. Smith وارتفع النمو 3.5 بالمئة. زوروا example.com اليوم!? نعم";
        assert_eq!(
            texts(text, sentences(text)),
            vec![
                "التقى د. أحمد بالسفير U. Smith وارتفع النمو 3.5 بالمئة.",
                "زوروا example.com اليوم!?",
                "نعم"
            ]
        );
        // A diacritic on the abbreviation letter changes nothing.
        let text = "قال دُ. سالم ذلك.";
        assert_eq!(texts(text, sentences(text)), vec!["قال دُ. سالم ذلك."]);
    }

    #[test]
    fn ellipsis_of_dots_ends_once() {
        let text = "انتظر... ثم تكلم.";
        assert_eq!(texts(text, sentences(text)), vec!["انتظر...", "ثم تكلم."]);
    }
}
