//! Quotation-mark diagnostics: `unclosed-quote`, `unmatched-closing-quote`,
//! `unattributed-quote` and `space-inside-quotes`, read off the quotation layer's
//! [`QuoteScan`].

use super::{Code, Diagnostic, Message, first_words, slice};
use crate::quotes::QuoteScan;
use crate::text::Span;

/// How many words of a quotation a message shows.
const PREVIEW_WORDS: usize = 5;

/// The span of the first character of `span` in `text` (a quotation's opening mark).
fn first_char(text: &str, span: Span) -> Option<Span> {
    let c = slice(text, span)?.chars().next()?;
    Some(Span::new(span.start, span.start + c.len_utf8()))
}

/// The span of the last character of `span` in `text` (a quotation's closing mark).
fn last_char(text: &str, span: Span) -> Option<Span> {
    let c = slice(text, span)?.chars().next_back()?;
    Some(Span::new(span.end - c.len_utf8(), span.end))
}

/// All quotation-mark diagnostics of `quotes` (unsorted).
///
/// - `unclosed-quote` on the opening mark of each quotation with `closed == false`;
/// - `unmatched-closing-quote` on each of `quotes.unmatched_closing`;
/// - `unattributed-quote` on each top-level quotation (not nested in another one) with no
///   speaker, over the whole quotation;
/// - `space-inside-quotes` on white space just inside the marks of a quotation or a quoted
///   name (after the opening mark; before the closing mark when there is one).
pub fn check(text: &str, quotes: &QuoteScan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for q in &quotes.quotes {
        let Some(content) = slice(text, q.content) else {
            continue;
        };
        // Built only for a quotation that gets a message: most get none.
        let unattributed =
            q.speaker.is_none() && q.nested_in.is_none() && slice(text, q.span).is_some();
        let preview = if !q.closed || unattributed {
            first_words(content, PREVIEW_WORDS)
        } else {
            String::new()
        };
        if !q.closed
            && let Some(mark) = first_char(text, q.span)
        {
            let m = mark.slice(text);
            out.push(Diagnostic::new(
                mark,
                Code::UnclosedQuote,
                Message::new(
                    format!("علامة التنصيص «{m}» في «{preview}» لا تُغلق"),
                    format!("Quotation mark ‘{m}’ is never closed: ‘{preview}’"),
                ),
            ));
        }
        if unattributed {
            out.push(Diagnostic::new(
                q.span,
                Code::UnattributedQuote,
                Message::new(
                    format!("لم يُعرف قائل الاقتباس «{preview}»"),
                    format!("No speaker found for the quotation ‘{preview}’"),
                ),
            ));
        }
        out.extend(space_inside(text, q.content, q.closed));
    }
    for &mark in &quotes.unmatched_closing {
        let Some(m) = slice(text, mark) else { continue };
        out.push(Diagnostic::new(
            mark,
            Code::UnmatchedClosingQuote,
            Message::new(
                format!("علامة تنصيص مغلقة «{m}» دون علامة فتح"),
                format!("Closing quotation mark ‘{m}’ has no opening mark"),
            ),
        ));
    }
    for &name in &quotes.quoted_names {
        // A quoted name's span includes both marks.
        let (Some(open), Some(close)) = (first_char(text, name), last_char(text, name)) else {
            continue;
        };
        if open.end <= close.start {
            out.extend(space_inside(text, Span::new(open.end, close.start), true));
        }
    }
    out
}

/// `space-inside-quotes` for a quotation or quoted name whose content is `content`: the white
/// space at its start, and at its end when `closed`. Content made only of white space gives one
/// diagnostic.
fn space_inside(text: &str, content: Span, closed: bool) -> Vec<Diagnostic> {
    let Some(s) = slice(text, content) else {
        return Vec::new();
    };
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    let mut spans = Vec::new();
    if lead == s.len() {
        if !s.is_empty() && closed {
            spans.push(content);
        }
    } else {
        if lead > 0 {
            spans.push(Span::new(content.start, content.start + lead));
        }
        if trail > 0 && closed {
            spans.push(Span::new(content.end - trail, content.end));
        }
    }
    if spans.is_empty() {
        return Vec::new();
    }
    let preview = first_words(s, PREVIEW_WORDS);
    spans
        .into_iter()
        .map(|span| {
            Diagnostic::new(
                span,
                Code::SpaceInsideQuotes,
                if preview.is_empty() {
                    Message::new(
                        "علامتا تنصيص حول مسافة فقط",
                        "Quotation marks around white space only",
                    )
                } else {
                    Message::new(
                        format!("مسافة داخل علامتي التنصيص حول «{preview}»"),
                        format!("White space just inside the quotation marks around ‘{preview}’"),
                    )
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::{Quote, Speaker};

    /// A quotation from its marks' byte offsets in `text`: `open` is the opening mark, `close`
    /// the closing one (or `None` for an unclosed quotation ending at `end`).
    fn quote(
        text: &str,
        id: &str,
        open: usize,
        close: Option<usize>,
        end: usize,
        speaker: bool,
    ) -> Quote {
        let open_len = text[open..].chars().next().unwrap().len_utf8();
        let (span, content) = match close {
            Some(c) => {
                let close_len = text[c..].chars().next().unwrap().len_utf8();
                (
                    Span::new(open, c + close_len),
                    Span::new(open + open_len, c),
                )
            }
            None => (Span::new(open, end), Span::new(open + open_len, end)),
        };
        Quote {
            id: id.into(),
            span,
            content,
            closed: close.is_some(),
            nested_in: None,
            speaker: speaker.then(|| Speaker {
                name: "الوزيرة".into(),
                entity: None,
                span: Span::new(0, 0),
            }),
            cue: None,
            source: None,
        }
    }

    fn codes(d: &[Diagnostic]) -> Vec<(&'static str, Span)> {
        d.iter().map(|d| (d.code.as_str(), d.span)).collect()
    }

    #[test]
    fn unclosed_and_unattributed() {
        let text = "قالت الوزيرة: «سنبدأ العمل غدا\nثم انتهى الاجتماع.";
        let open = text.find('«').unwrap();
        let end = text.find('\n').unwrap();
        let scan = QuoteScan {
            quotes: vec![quote(text, "q1", open, None, end, true)],
            ..Default::default()
        };
        let d = check(text, &scan);
        assert_eq!(
            codes(&d),
            vec![("unclosed-quote", Span::new(open, open + 2))]
        );
        assert_eq!(
            d[0].message.en,
            "Quotation mark ‘«’ is never closed: ‘سنبدأ العمل غدا’"
        );
        assert_eq!(d[0].severity, super::super::Severity::Warning);

        let scan = QuoteScan {
            quotes: vec![quote(text, "q1", open, None, end, false)],
            ..Default::default()
        };
        let d = check(text, &scan);
        assert_eq!(
            codes(&d),
            vec![
                ("unclosed-quote", Span::new(open, open + 2)),
                ("unattributed-quote", Span::new(open, end))
            ]
        );
        assert_eq!(d[1].message.ar, "لم يُعرف قائل الاقتباس «سنبدأ العمل غدا»");
    }

    #[test]
    fn nested_quotation_is_not_unattributed() {
        let text = "قالت: «وصفوه بأنه “خطوة أولى” فقط»";
        let o = text.find('«').unwrap();
        let c = text.find('»').unwrap();
        let no = text.find('“').unwrap();
        let nc = text.find('”').unwrap();
        let mut inner = quote(text, "q2", no, Some(nc), 0, false);
        inner.nested_in = Some("q1".into());
        let scan = QuoteScan {
            quotes: vec![quote(text, "q1", o, Some(c), 0, true), inner],
            ..Default::default()
        };
        assert!(check(text, &scan).is_empty());
    }

    #[test]
    fn unmatched_closing_mark() {
        let text = "اجتمع قادة المجموعة\" في العاصمة.";
        let m = text.find('"').unwrap();
        let scan = QuoteScan {
            unmatched_closing: vec![Span::new(m, m + 1)],
            ..Default::default()
        };
        let d = check(text, &scan);
        assert_eq!(
            codes(&d),
            vec![("unmatched-closing-quote", Span::new(m, m + 1))]
        );
        assert_eq!(
            d[0].message.en,
            "Closing quotation mark ‘\"’ has no opening mark"
        );
    }

    #[test]
    fn space_inside_quotation_and_quoted_name() {
        let text = "أفادت وكالة \" سبوتنيك \" بأن الوزير قال: « نحن مستعدون»";
        let n1 = text.find('"').unwrap();
        let n2 = text.rfind('"').unwrap();
        let o = text.find('«').unwrap();
        let c = text.find('»').unwrap();
        let scan = QuoteScan {
            quotes: vec![quote(text, "q1", o, Some(c), 0, true)],
            quoted_names: vec![Span::new(n1, n2 + 1)],
            ..Default::default()
        };
        let d = check(text, &scan);
        assert_eq!(
            codes(&d),
            vec![
                ("space-inside-quotes", Span::new(o + 2, o + 3)),
                ("space-inside-quotes", Span::new(n1 + 1, n1 + 2)),
                ("space-inside-quotes", Span::new(n2 - 1, n2)),
            ]
        );
        assert!(
            d.iter()
                .all(|d| d.severity == super::super::Severity::Information)
        );
    }

    #[test]
    fn marks_around_white_space_only() {
        let text = "قال: « » ثم سكت";
        let o = text.find('«').unwrap();
        let c = text.find('»').unwrap();
        let scan = QuoteScan {
            quotes: vec![quote(text, "q1", o, Some(c), 0, true)],
            ..Default::default()
        };
        let d = check(text, &scan);
        assert_eq!(
            codes(&d),
            vec![("space-inside-quotes", Span::new(o + 2, c))]
        );
        assert_eq!(d[0].message.en, "Quotation marks around white space only");
    }

    #[test]
    fn bad_spans_are_skipped() {
        let text = "نص";
        let scan = QuoteScan {
            unmatched_closing: vec![Span::new(1, 2), Span::new(10, 11)],
            quoted_names: vec![Span::new(0, 99)],
            ..Default::default()
        };
        assert!(check(text, &scan).is_empty());
    }
}
