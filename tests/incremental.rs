//! Incremental analysis equals a fresh analysis of the final text, for random edit sequences on
//! Arabic documents (our evaluation articles and the seed article, read in place).
//!
//! Edits insert and delete characters anywhere: Arabic letters and words, spaces, quotation
//! marks of every family (opening or closing a quotation across paragraphs), paragraph breaks
//! (`\n`, `\n\n`, `\r\n`), and whole reporting clauses.

use proptest::prelude::*;
use qalam::analysis::incremental::{IncrementalAnalyzer, analyze_staged};
use qalam::entities::MentionSource;
use qalam::text::token::tokenize;

fn articles() -> Vec<String> {
    let mut out: Vec<String> = ["01_economy_cairo", "06_diplomacy_un", "13_diplomacy_moscow"]
        .iter()
        .map(|n| {
            std::fs::read_to_string(format!("{}/eval/docs/{n}.txt", env!("CARGO_MANIFEST_DIR")))
                .expect("evaluation article")
        })
        .collect();
    let seed = format!(
        "{}/../shared/seed/000_52c75b453decbfc7.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    if let Ok(s) = std::fs::read_to_string(seed) {
        out.push(s);
    }
    out
}

const PIECES: &[&str] = &[
    "«",
    "»",
    "\"",
    "“",
    "”",
    "'",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "ا",
    "ل",
    "و",
    "ب",
    "ة",
    "ى",
    "،",
    ".",
    ":",
    "وقال الرئيس: «",
    "» قال المتحدث.",
    "\n«",
    "أحمد",
    " بيسكوف",
    "ـ",
    "😀",
    "\u{202B}",
    "\u{200B}",
    "\u{202C}\n",
    "\n\u{202B} ،",
    "\n\u{200B}\"",
    "'",
    " ي",
];

#[derive(Clone, Debug)]
struct Edit {
    /// Where, as a fraction of the text's characters (0..=1000 ‰).
    at: u32,
    /// Characters deleted from there.
    delete: usize,
    /// Inserted there: a piece of `PIECES`.
    insert: usize,
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    (
        0u32..=1000,
        prop_oneof![3 => Just(0usize), 1 => 1usize..4, 1 => 4usize..60],
        0..PIECES.len(),
    )
        .prop_map(|(at, delete, insert)| Edit { at, delete, insert })
}

fn apply(text: &mut String, e: &Edit) {
    let chars = text.chars().count();
    let at = chars * e.at as usize / 1000;
    let start = text.char_indices().nth(at).map_or(text.len(), |(b, _)| b);
    let end = text[start..]
        .char_indices()
        .nth(e.delete)
        .map_or(text.len(), |(b, _)| start + b);
    text.replace_range(start..end, PIECES[e.insert]);
}

fn shipped() -> Vec<&'static dyn MentionSource> {
    qalam::ner::shipped().into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn incremental_equals_fresh(
        doc in 0usize..4,
        second in 0usize..4,
        crlf in any::<bool>(),
        edits in proptest::collection::vec(edit_strategy(), 1..8),
    ) {
        let arts = articles();
        let mut text = format!("{}\n\n{}", arts[doc % arts.len()], arts[second % arts.len()]);
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let extra = shipped();
        let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
        let _ = inc.analyze(&text);
        for e in &edits {
            apply(&mut text, e);
            let incremental = inc.analyze(&text);
            let fresh = analyze_staged(&text, &extra);
            prop_assert_eq!(&incremental, &fresh);
            prop_assert_eq!(&incremental, &qalam::analyze(&text));
            // The document stage's quotations and diagnostics, built from the paragraphs'
            // cached parts, equal the one-shot functions on the whole text.
            let (tokens, entities) = (&incremental.tokens, &incremental.entities);
            prop_assert_eq!(&incremental.quotes, &qalam::quotes::scan(&text, tokens, entities));
            prop_assert_eq!(
                &incremental.diagnostics,
                &qalam::diagnostics::check(&text, tokens, entities, &incremental.quotes)
            );
        }
    }
}

/// Paragraph edges: a mark or a punctuation mark whose neighbour lies outside its paragraph
/// (bidi controls and zero-width spaces are trimmed off paragraphs but are not white space),
/// bidi controls between paragraphs, quotations opened and closed across paragraphs.
#[test]
fn paragraph_edges_equal_the_whole_text() {
    let texts = [
        "قال: \"نعم\u{202C}\nثم \"لا\"",
        "قال \"نعم\"\u{200B}\n\u{200B}\"لا\" ثم مضى",
        "\u{202B}'نعم' قال\n'لا'\u{202C}\n",
        "جملة\n\u{202B} ، ثم\n\u{200B}\t. وبعد\n\u{2067}\u{2069}\n",
        "قال: «الفقرة الأولى.\n\n«والفقرة الثانية».\n\u{202E}»\n“نعم\n”لا“",
        "\u{202A}\u{202B}",
        "وقال الرئيس: «فى البيت في البيت فى»\nفي في",
    ];
    for text in texts {
        let a = analyze_staged(text, &[]);
        assert_eq!(
            a.quotes,
            qalam::quotes::scan(text, &a.tokens, &a.entities),
            "{text:?}"
        );
        assert_eq!(
            a.diagnostics,
            qalam::diagnostics::check(text, &a.tokens, &a.entities, &a.quotes),
            "{text:?}"
        );
    }
}

#[test]
fn paragraph_tokens_are_the_texts_tokens() {
    for a in articles() {
        let text = format!("{a}\r\n\n  {a}\r«x»\n");
        let staged = analyze_staged(&text, &[]);
        assert_eq!(staged.tokens, tokenize(&text));
    }
}

#[test]
fn one_keystroke_recomputes_one_paragraph() {
    let arts = articles();
    let text = format!("{}\n\n{}", arts[0], arts[1]);
    let mut inc = IncrementalAnalyzer::with_sources(shipped());
    inc.analyze(&text);
    let paragraphs = qalam::text::segment::paragraphs(&text);
    assert!(paragraphs.len() > 4);
    // Type a letter into the middle of the third paragraph.
    let p = paragraphs[2];
    let at = text[p.start..p.end]
        .char_indices()
        .nth(10)
        .map(|(b, _)| p.start + b)
        .expect("a paragraph of more than ten characters");
    let mut edited = text.clone();
    edited.insert(at, 'ن');
    let a = inc.analyze(&edited);
    assert_eq!(inc.last_counts(), (paragraphs.len() - 1, 1));
    assert_eq!(a, analyze_staged(&edited, &shipped()));
    // Closing the document: a new analyser starts empty.
    inc.clear();
    assert_eq!(inc.cached_paragraphs(), 0);
}
