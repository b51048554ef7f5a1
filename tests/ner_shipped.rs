//! The shipped tagger (data/ner.model) loads and finds names in a sentence we wrote.

use qalam::entities::EntityKind;
use qalam::ner::features::fold;
use qalam::text::Span;
use qalam::text::token::{Token, TokenKind};

/// Whitespace tokens with `.`/`،` split off — a local stand-in for the text layer's tokenizer.
fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let punct = matches!(c, '.' | '،');
        if c.is_whitespace() || punct {
            if let Some(s) = start.take() {
                out.push(Token {
                    kind: TokenKind::Arabic,
                    span: Span::new(s, i),
                    folded: fold(&text[s..i]),
                });
            }
            if punct {
                out.push(Token {
                    kind: TokenKind::Punct,
                    span: Span::new(i, i + c.len_utf8()),
                    folded: c.to_string(),
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    out
}

#[test]
fn shipped_model_loads_and_tags_a_sentence() {
    let tagger = qalam::ner::shipped_model().expect("data/ner.model loads");
    assert!(tagger.first().feature_count() > 10_000);
    let text = "وقال وزير الخارجية المصري سامح شكري في القاهرة إن الحكومة الفرنسية ستدعم المشروع.";
    let toks = tokens(text);
    let source = qalam::ner::shipped().expect("shipped source");
    let mentions = source.mentions(text, &toks);
    let found: Vec<(&str, EntityKind)> = mentions
        .iter()
        .map(|m| (m.span.slice(text), m.kind))
        .collect();
    assert!(
        found.contains(&("سامح شكري", EntityKind::Person)),
        "{found:?}"
    );
    assert!(
        found.contains(&("القاهرة", EntityKind::Location)),
        "{found:?}"
    );
}

#[test]
fn mention_spans_leave_out_proclitics_but_keep_the_article() {
    let tagger = qalam::ner::shipped_model().expect("data/ner.model loads");
    assert_eq!(
        qalam::ner::source::proclitic_len("والقاهرة", tagger),
        "و".len()
    );
    assert_eq!(
        qalam::ner::source::proclitic_len("بالقاهرة", tagger),
        "ب".len()
    );
    assert_eq!(
        qalam::ner::source::proclitic_len("وبالقاهرة", tagger),
        "وب".len()
    );
    assert_eq!(qalam::ner::source::proclitic_len("للأمم", tagger), "ل".len());
    // A name seen in training keeps no clitic; an unknown rest keeps the letter.
    assert_eq!(
        qalam::ner::source::proclitic_len("وبغداد", tagger),
        "و".len()
    );
    assert_eq!(qalam::ner::source::proclitic_len("بغداد", tagger), 0);
    assert_eq!(qalam::ner::source::proclitic_len("وليد", tagger), 0);
}
