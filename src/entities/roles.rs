//! Roles and titles from apposition: a title phrase right before a person's name
//! ("المتحدثة باسم وزارة الصحة (الهيئة) سلمى الخطيب", "نائب الوزير كريم نصار")
//! or right after it, behind a comma ("فلان، وزير الخارجية، …").

use super::rules::{person_run, title_phrase};
use super::words::Doc;
use crate::text::Span;

/// How far back (in tokens) a title phrase may start before a name.
const LOOKBACK: usize = 14;

/// The role spans (bytes) of a person mention covering tokens `first..=last`.
pub fn role_spans(doc: &Doc<'_>, first: usize, last: usize) -> Vec<Span> {
    let mut out = Vec::new();
    // Before: the earliest title phrase whose name starts at `first`.
    for s in first.saturating_sub(LOOKBACK)..first {
        if let Some(tp) = title_phrase(doc, s)
            && tp.name_start == first
        {
            out.push(tp.role);
            break;
        }
    }
    // After: "، <title phrase>" not followed by another name.
    let comma = last + 1;
    if doc.is_punct(comma, '،') || doc.is_punct(comma, ',') {
        let s = comma + 1;
        if let Some(tp) = title_phrase(doc, s) {
            let another_name = tp.name_start < doc.len()
                && doc.is_word(tp.name_start)
                && person_run(doc, tp.name_start, true).is_some();
            if !another_name {
                out.push(tp.role);
            }
        }
    }
    out
}

/// The text of a role span: as written, except that an elided article after ل is restored
/// (للرئيس → الرئيس).
pub fn role_text(doc: &Doc<'_>, span: Span) -> String {
    let text = span.slice(doc.text);
    if let Some((first, _)) = doc.token_range(span) {
        let prefix = span.start - doc.tokens[first].span.start;
        let elided = doc.readings[first].iter().any(|r| {
            r.prefix == prefix
                && r.fold.starts_with("ال")
                && !crate::text::normalize::fold_str(text).starts_with("ال")
        });
        if elided && text.starts_with('ل') {
            return format!("ا{text}");
        }
    }
    text.to_string()
}
