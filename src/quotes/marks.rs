//! Quotation marks: which characters are marks, their families, and the direction their
//! neighbours suggest.
//!
//! Families: « » (guillemets, also typed reversed »…« by RTL typists), “ ” „ (curly double, also
//! ”…“ and ”…”), ‹ › (single guillemets), the straight " and the single quotes ' ‘ ’ ‚. A straight
//! mark has no direction of its own: it is read from its neighbours (the rule CoreNLP's
//! QuoteAnnotator and most typographic "smart quote" converters use): a letter, digit or
//! closing punctuation before and white space, punctuation or the end after → closing; white
//! space, the start or opening punctuation before and a letter or digit after → opening;
//! anything else is ambiguous and left to the pairing stack ([`super::pair`]).

use crate::text::Span;
use crate::text::normalize::is_ignorable;

/// A family of marks that pair with each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    /// « » (U+00AB, U+00BB).
    Guillemet,
    /// “ ” „ (U+201C, U+201D, U+201E).
    Curly,
    /// ‹ › (U+2039, U+203A).
    Angle,
    /// The straight double quote " (U+0022).
    Straight,
    /// The single quotes ' ‘ ’ ‚ (U+0027, U+2018, U+2019, U+201A): marks only when clearly paired.
    Single,
}

/// The role a glyph is drawn for (in logical order, left-to-right typography).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// « “ „ ‹ ‘ ‚
    Open,
    /// » ” › ’
    Close,
    /// " and ': no direction of their own.
    Neutral,
}

/// The direction a mark's neighbours suggest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    /// White space / start / opening punctuation before, a letter or digit after.
    Opening,
    /// A letter, digit or closing punctuation before; white space, punctuation or the end after.
    Closing,
    /// Neither (white space on both sides, letters on both sides…).
    Ambiguous,
}

/// One quotation mark found in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mark {
    /// The mark's character (bytes).
    pub span: Span,
    /// The character.
    pub ch: char,
    /// Its family.
    pub family: Family,
    /// Its glyph's role.
    pub shape: Shape,
    /// What its neighbours suggest.
    pub context: Context,
}

/// The family and shape of a quotation mark character, `None` for any other character.
pub(crate) fn classify(c: char) -> Option<(Family, Shape)> {
    Some(match c {
        '«' => (Family::Guillemet, Shape::Open),
        '»' => (Family::Guillemet, Shape::Close),
        '“' | '„' => (Family::Curly, Shape::Open),
        '”' => (Family::Curly, Shape::Close),
        '‹' => (Family::Angle, Shape::Open),
        '›' => (Family::Angle, Shape::Close),
        '"' => (Family::Straight, Shape::Neutral),
        '\'' => (Family::Single, Shape::Neutral),
        '‘' | '‚' => (Family::Single, Shape::Open),
        '’' => (Family::Single, Shape::Close),
        _ => return None,
    })
}

/// True when `close` closes a quotation opened with `open` (same family, the partner glyph,
/// in either order: «…», »…«, “…”, ”…“, „…“, „…”, ‹…›, ›…‹, ‘…’, ‚…‘).
pub(crate) fn closes(open: char, close: char) -> bool {
    matches!(
        (open, close),
        ('«', '»')
            | ('»', '«')
            | ('“', '”')
            | ('”', '“')
            | ('„', '“')
            | ('„', '”')
            | ('‹', '›')
            | ('›', '‹')
            | ('‘', '’')
            | ('’', '‘')
            | ('‚', '‘')
            | ('‚', '’')
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Neighbour {
    Edge,
    Space,
    Word,
    OpenPunct,
    ClosePunct,
    Other,
}

fn neighbour(c: Option<char>) -> Neighbour {
    match c {
        None | Some('\n' | '\r') => Neighbour::Edge,
        Some(c) if c.is_whitespace() => Neighbour::Space,
        Some(c) if c.is_alphanumeric() => Neighbour::Word,
        Some('(' | '[' | '{' | ':' | '«' | '“' | '„' | '‹' | '‘' | '‚' | '-' | '–' | '—') => {
            Neighbour::OpenPunct
        }
        Some(
            '.' | ',' | '،' | '؛' | ';' | '!' | '?' | '؟' | ')' | ']' | '}' | '…' | '»' | '”' | '›'
            | '’',
        ) => Neighbour::ClosePunct,
        Some(_) => Neighbour::Other,
    }
}

/// The context of the mark at `span`: looks at the nearest characters on each side that
/// folding does not ignore (diacritics, tatweel and bidi marks are skipped).
pub(crate) fn context(text: &str, span: Span) -> Context {
    context_and_edge(text, span).0
}

/// [`context`], and whether the look-up ran off either end of `text` (then a longer text around
/// `text` may give another context: see [`paragraph_marks`]).
fn context_and_edge(text: &str, span: Span) -> (Context, bool) {
    let before = text[..span.start].chars().rev().find(|c| !is_ignorable(*c));
    let after = text[span.end..].chars().find(|c| !is_ignorable(*c));
    let edge = before.is_none() || after.is_none();
    let (b, a) = (neighbour(before), neighbour(after));
    let after_is_break = matches!(
        a,
        Neighbour::Edge | Neighbour::Space | Neighbour::ClosePunct | Neighbour::OpenPunct
    );
    let context = if matches!(b, Neighbour::Word | Neighbour::ClosePunct) && after_is_break {
        Context::Closing
    } else if matches!(b, Neighbour::Edge | Neighbour::Space | Neighbour::OpenPunct)
        && matches!(a, Neighbour::Word | Neighbour::OpenPunct)
    {
        Context::Opening
    } else {
        Context::Ambiguous
    };
    (context, edge)
}

/// Every quotation mark of `text`, in order, with its neighbour context. Single quotes between
/// two letters (don't, l'homme) are apostrophes and are not returned.
pub(crate) fn find_marks(text: &str) -> Vec<Mark> {
    text.char_indices()
        .filter_map(|(i, ch)| {
            let (family, shape) = classify(ch)?;
            let span = Span::new(i, i + ch.len_utf8());
            let context = context(text, span);
            if family == Family::Single && context == Context::Ambiguous {
                return None;
            }
            Some(Mark {
                span,
                ch,
                family,
                shape,
                context,
            })
        })
        .collect()
}

/// A quotation mark found in one paragraph (the paragraph stage's part of [`find_marks`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ParagraphMark {
    /// The mark, its span relative to the paragraph, its context read inside the paragraph.
    pub mark: Mark,
    /// The context look-up reached the paragraph's start or end: the text around the
    /// paragraph decides it ([`context`] again on the whole text).
    pub edge: bool,
}

/// Every quotation-mark character of `paragraph` with its context read inside the paragraph —
/// apostrophes included, since the text around the paragraph may change the context of a mark
/// near its edges. [`document_marks`] turns the paragraphs' lists into [`find_marks`] of the
/// whole text.
pub(crate) fn paragraph_marks(paragraph: &str) -> Vec<ParagraphMark> {
    paragraph
        .char_indices()
        .filter_map(|(i, ch)| {
            let (family, shape) = classify(ch)?;
            let span = Span::new(i, i + ch.len_utf8());
            let (context, edge) = context_and_edge(paragraph, span);
            Some(ParagraphMark {
                mark: Mark {
                    span,
                    ch,
                    family,
                    shape,
                    context,
                },
                edge,
            })
        })
        .collect()
}

/// [`find_marks`]`(text)` from the [`paragraph_marks`] of its paragraphs (each with its byte
/// offset in `text`, in text order): spans shifted, the context of marks at a paragraph's edge
/// read again in `text`, apostrophes dropped. Every mark lies in a paragraph (marks are not
/// blank), so nothing else is needed. Cost: the number of marks.
pub(crate) fn document_marks(text: &str, parts: &[(usize, &[ParagraphMark])]) -> Vec<Mark> {
    let mut out = Vec::new();
    for &(offset, marks) in parts {
        for pm in marks {
            let mut m = pm.mark;
            m.span = Span::new(m.span.start + offset, m.span.end + offset);
            if pm.edge && text.get(m.span.start..m.span.end).is_some() {
                m.context = context(text, m.span);
            }
            if m.family == Family::Single && m.context == Context::Ambiguous {
                continue;
            }
            out.push(m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contexts(text: &str) -> Vec<(char, Context)> {
        find_marks(text).iter().map(|m| (m.ch, m.context)).collect()
    }

    #[test]
    fn straight_quote_direction_from_neighbours() {
        assert_eq!(
            contexts("قال \"نعم\"، ثم مضى"),
            vec![('"', Context::Opening), ('"', Context::Closing)]
        );
        assert_eq!(
            contexts("وكالة \" رويترز \" اليوم"),
            vec![('"', Context::Ambiguous), ('"', Context::Ambiguous)]
        );
        assert_eq!(contexts("المدينة\"."), vec![('"', Context::Closing)]);
        assert_eq!(
            contexts("(\"نص\")"),
            vec![('"', Context::Opening), ('"', Context::Closing)]
        );
    }

    #[test]
    fn apostrophes_are_not_marks() {
        assert!(find_marks("don't and l'homme").is_empty());
        assert_eq!(
            contexts("he said 'yes' then"),
            vec![('\'', Context::Opening), ('\'', Context::Closing)]
        );
    }

    #[test]
    fn partners_in_both_orders() {
        assert!(closes('«', '»') && closes('»', '«'));
        assert!(closes('“', '”') && closes('”', '“') && closes('„', '“'));
        assert!(!closes('«', '”'));
    }
}
