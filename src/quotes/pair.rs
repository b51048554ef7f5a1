//! Pairing quotation marks into quoted spans: a stack per paragraph, nesting, broken marks and
//! the multi-paragraph convention.
//!
//! Rules (the section 3):
//! - A closing mark closes the innermost open quotation of its family; quotations opened above it
//!   on the stack (broken inner marks) end, unclosed, where the outer one's content ends.
//! - A closing mark with no open quotation of its family is recorded as unmatched and opens
//!   nothing, so it cannot swallow the next sentence.
//! - A quotation still open at the end of its paragraph ends there, unclosed — unless the next
//!   paragraph begins with an opening mark of the same family (the multi-paragraph convention of
//!   news style: every paragraph of a long quotation reopens it, only the last closes it); then the
//!   outermost open quotation continues into that paragraph.
//! - Single quotes count only when clearly paired inside one paragraph (see [`super::marks`]).
//! - Guillemets keep the direction of their glyphs: « always opens (also right after a word,
//!   after another «, or in an empty pair «»«»), » always closes — except the reversed
//!   convention »…«, read when a » in an opening context has nothing open to close.

use super::marks::{Context, Family, Mark, Shape, closes};
use crate::text::Span;

/// A span between paired (or unpaired) quotation marks, before classification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Quoted {
    /// The opening mark.
    pub open: Span,
    /// Its character.
    pub open_char: char,
    /// Its family.
    pub family: Family,
    /// The closing mark, when found.
    pub close: Option<Span>,
    /// From the opening mark to the closing mark inclusive, or to the paragraph's end.
    pub span: Span,
    /// Between the marks (white space inside kept).
    pub content: Span,
    /// Index (in the returned list) of the quoted span this one is nested in.
    pub parent: Option<usize>,
    /// Opening marks of later paragraphs that continued this quotation.
    pub continuations: Vec<Span>,
}

impl Quoted {
    /// True when the quoted span runs over more than one paragraph.
    pub fn is_multi_paragraph(&self) -> bool {
        !self.continuations.is_empty()
    }
}

/// The result of pairing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pairing {
    /// Quoted spans in order of their opening marks.
    pub quoted: Vec<Quoted>,
    /// Closing marks with no opening mark (bytes), in order.
    pub unmatched_closing: Vec<Span>,
}

/// Keeps the single-quote marks that pair up inside their paragraph (opening context before
/// closing context), drops the rest (apostrophes, primes).
fn keep_paired_singles(marks: Vec<Mark>, paras: &[Span]) -> Vec<Mark> {
    let mut keep = vec![true; marks.len()];
    // One pass over the marks with a cursor on the paragraphs (both are in document order).
    let mut para = 0;
    let mut open: Vec<usize> = Vec::new();
    let mut paired = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        if m.family != Family::Single {
            continue;
        }
        let before = para;
        while para < paras.len() && paras[para].end < m.span.end {
            para += 1;
        }
        if para != before {
            open.clear();
        }
        if !paras.get(para).is_some_and(|p| p.contains(m.span)) {
            continue;
        }
        keep[i] = false;
        let can_open = m.context == Context::Opening && m.shape != Shape::Close;
        let can_close = m.context == Context::Closing && m.shape != Shape::Open;
        if can_open {
            open.push(i);
        } else if can_close && let Some(o) = open.pop() {
            paired.extend([o, i]);
        }
    }
    for i in paired {
        keep[i] = true;
    }
    marks
        .into_iter()
        .zip(keep)
        .filter_map(|(m, k)| k.then_some(m))
        .collect()
}

/// Guillemets (« ») and single guillemets (‹ ›): their glyphs say which one opens, so « is
/// always an opener and » a closer — unless the reversed convention (»…«) is evident for the
/// pair: a » in an opening context with nothing open, closed later by «. (Curly quotes are
/// not: ” opens as often as “ in Arabic typing, and “ closes in the ”…“ convention.)
fn directional(family: Family) -> bool {
    matches!(family, Family::Guillemet | Family::Angle)
}

enum Action {
    Open,
    /// Close the stack entry at this depth.
    Close(usize),
    Stray,
}

struct Pairer<'a> {
    quoted: Vec<Quoted>,
    stack: Vec<usize>,
    unmatched: Vec<Span>,
    text: &'a str,
}

impl Pairer<'_> {
    fn action(&self, m: &Mark) -> Action {
        let same = self
            .stack
            .iter()
            .rposition(|&q| self.quoted[q].family == m.family);
        match (m.family, same) {
            (Family::Straight | Family::Single, Some(depth)) => match m.context {
                Context::Opening => Action::Open,
                _ => Action::Close(depth),
            },
            (Family::Straight | Family::Single, None) => match m.context {
                Context::Closing => Action::Stray,
                _ => Action::Open,
            },
            (_, Some(depth)) => {
                let opener = self.quoted[self.stack[depth]].open_char;
                if closes(opener, m.ch) {
                    // A glyph of the partner's shape in an opening context after an opener of
                    // the other shape (“a ”b…) is still read as the closer: writers mix shapes
                    // far more often than they nest one family inside itself.
                    Action::Close(depth)
                } else if opener == m.ch && directional(m.family) && m.shape == Shape::Open {
                    // « after «: always a nested opening (««…» ») — the glyph is drawn to open.
                    Action::Open
                } else if opener == m.ch {
                    match m.context {
                        Context::Opening => Action::Open,
                        _ => Action::Close(depth),
                    }
                } else {
                    // „ followed by „, or ‚ by ‚: a new nested opening.
                    Action::Open
                }
            }
            (_, None) => match (m.shape, m.context) {
                // « opens whatever its neighbours (an empty pair «»«», «» after a word).
                (Shape::Open, _) if directional(m.family) => Action::Open,
                (Shape::Open, Context::Closing) => Action::Stray,
                (Shape::Open, _) => Action::Open,
                (_, Context::Opening) => Action::Open,
                _ => Action::Stray,
            },
        }
    }

    fn open(&mut self, m: &Mark, para_end: usize) {
        let parent = self.stack.last().copied();
        self.quoted.push(Quoted {
            open: m.span,
            open_char: m.ch,
            family: m.family,
            close: None,
            span: Span::new(m.span.start, para_end),
            content: Span::new(m.span.end, para_end),
            parent,
            continuations: Vec::new(),
        });
        self.stack.push(self.quoted.len() - 1);
    }

    fn close(&mut self, depth: usize, m: &Mark) {
        for &inner in &self.stack[depth + 1..] {
            let q = &mut self.quoted[inner];
            q.span.end = m.span.start.max(q.span.start);
            q.content.end = m.span.start.max(q.content.start);
        }
        let q = &mut self.quoted[self.stack[depth]];
        q.close = Some(m.span);
        q.span.end = m.span.end;
        q.content.end = m.span.start;
        self.stack.truncate(depth);
    }

    /// Ends every open quotation at `end` (unclosed); keeps the outermost on the stack when
    /// `keep_outer` so that the next paragraph may continue it.
    fn end_paragraph(&mut self, end: usize) {
        for &q in &self.stack {
            let q = &mut self.quoted[q];
            q.span.end = end;
            q.content.end = end;
        }
        self.stack.truncate(1);
    }

    /// True when `m`, the first mark of a paragraph starting at `para_start`, continues the
    /// quotation left open by the previous paragraph.
    fn continues(&self, m: &Mark, para_start: usize) -> bool {
        let Some(&outer) = self.stack.first() else {
            return false;
        };
        let only_space_before = self.text[para_start..m.span.start]
            .chars()
            .all(|c| c.is_whitespace() || crate::text::normalize::is_ignorable(c));
        only_space_before
            && m.family == self.quoted[outer].family
            && m.context == Context::Opening
            && (m.shape != Shape::Close || m.ch == self.quoted[outer].open_char)
    }
}

/// Pairs the quotation marks of `text`. See the module documentation for the rules.
#[cfg(test)]
pub(crate) fn pair(text: &str) -> Pairing {
    let paras = crate::text::segment::paragraphs(text);
    pair_marks(text, &paras, super::marks::find_marks(text), Vec::new())
}

/// Pairs `marks` ([`super::marks::find_marks`]`(text)`, in order) over the paragraphs `paras`
/// of `text` ([`crate::text::segment::paragraphs`]). Cost: linear in the marks and the
/// paragraphs; the text is only read at the start of a paragraph that may continue a quotation.
/// `quoted` is a buffer whose allocation the result reuses (emptied first).
pub(crate) fn pair_marks(
    text: &str,
    paras: &[Span],
    marks: Vec<Mark>,
    mut quoted: Vec<Quoted>,
) -> Pairing {
    let marks = keep_paired_singles(marks, paras);
    quoted.clear();
    let mut p = Pairer {
        quoted,
        stack: Vec::new(),
        unmatched: Vec::new(),
        text,
    };
    let mut next = 0;
    for para in paras {
        // Marks outside every paragraph cannot exist (paragraphs cover all non-blank text).
        while next < marks.len() && marks[next].span.start < para.start {
            next += 1;
        }
        let mut first = true;
        while next < marks.len() && marks[next].span.end <= para.end {
            let m = marks[next];
            next += 1;
            if first && !p.stack.is_empty() {
                first = false;
                if p.continues(&m, para.start) {
                    let outer = p.stack[0];
                    p.quoted[outer].continuations.push(m.span);
                    continue;
                }
                p.stack.clear();
            }
            first = false;
            match p.action(&m) {
                Action::Open => p.open(&m, para.end),
                Action::Close(depth) => p.close(depth, &m),
                Action::Stray => p.unmatched.push(m.span),
            }
        }
        if first {
            // A paragraph without marks cannot continue an open quotation.
            p.stack.clear();
        }
        p.end_paragraph(para.end);
    }
    Pairing {
        quoted: p.quoted,
        unmatched_closing: p.unmatched,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (quoted text as written, closed) for each quoted span.
    fn pairs(text: &str) -> Vec<(&str, bool)> {
        pair(text)
            .quoted
            .iter()
            .map(|q| (q.span.slice(text), q.close.is_some()))
            .collect()
    }

    #[test]
    fn each_kind_of_mark_pairs() {
        for (text, want) in [
            ("قال: «نعم».", "«نعم»"),
            ("قال: “نعم”.", "“نعم”"),
            ("قال: ‹نعم›.", "‹نعم›"),
            ("قال: \"نعم\".", "\"نعم\""),
            ("قال: 'نعم'.", "'نعم'"),
            ("قال: „نعم“.", "„نعم“"),
        ] {
            assert_eq!(pairs(text), vec![(want, true)], "{text}");
        }
    }

    #[test]
    fn reversed_guillemets_and_curly_quotes_pair() {
        assert_eq!(pairs("قال: »نعم« ثم مضى."), vec![("»نعم«", true)]);
        assert_eq!(pairs("قال: ”نعم“ ثم مضى."), vec![("”نعم“", true)]);
        assert_eq!(pairs("قال: ”نعم” ثم مضى."), vec![("”نعم”", true)]);
    }

    #[test]
    fn straight_quotes_with_inner_spaces_pair_by_stack() {
        assert_eq!(
            pairs("نقلت وكالة \" رويترز \" الخبر."),
            vec![("\" رويترز \"", true)]
        );
    }

    #[test]
    fn nesting_records_the_parent() {
        let text = "قال: «سمعته يقول \"لا\" مرتين».";
        let p = pair(text);
        assert_eq!(p.quoted.len(), 2);
        assert_eq!(p.quoted[0].span.slice(text), "«سمعته يقول \"لا\" مرتين»");
        assert_eq!(p.quoted[1].span.slice(text), "\"لا\"");
        assert_eq!(p.quoted[1].parent, Some(0));
        assert_eq!(p.quoted[0].parent, None);
    }

    #[test]
    fn stray_closing_mark_does_not_open() {
        let text = "انتهى الاجتماع\"، ثم قال: \"سنعود\".";
        let p = pair(text);
        assert_eq!(p.unmatched_closing.len(), 1);
        assert_eq!(
            &text[p.unmatched_closing[0].start..],
            "\"، ثم قال: \"سنعود\"."
        );
        assert_eq!(pairs(text), vec![("\"سنعود\"", true)]);
    }

    #[test]
    fn unclosed_quote_ends_at_its_paragraph() {
        let text = "قال: «لن نتراجع عن القرار.\nوفي سياق آخر انتهى اللقاء.";
        assert_eq!(pairs(text), vec![("«لن نتراجع عن القرار.", false)]);
    }

    #[test]
    fn multi_paragraph_quotation_continues() {
        let text = "قال: «الفقرة الأولى.\n\n«والفقرة الثانية».\nانتهى.";
        let p = pair(text);
        assert_eq!(p.quoted.len(), 1);
        let q = &p.quoted[0];
        assert_eq!(q.span.slice(text), "«الفقرة الأولى.\n\n«والفقرة الثانية»");
        assert!(q.close.is_some());
        assert_eq!(q.continuations.len(), 1);
    }

    #[test]
    fn broken_inner_mark_ends_at_outer_close() {
        let text = "قال: «قرأت \"التقرير كاملا».";
        let p = pair(text);
        assert_eq!(p.quoted.len(), 2);
        assert_eq!(p.quoted[0].span.slice(text), "«قرأت \"التقرير كاملا»");
        assert_eq!(p.quoted[1].span.slice(text), "\"التقرير كاملا");
        assert!(p.quoted[1].close.is_none());
    }
}
