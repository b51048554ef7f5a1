//! Property tests (proptest) of the invariants every front end relies on, over Arabic-heavy
//! random text: letters with clitics and diacritics, names from our lexicons, cue verbs,
//! quotation marks of every kind, tatweel, bidi controls, emoji (with ZWJ and surrogate pairs
//! in UTF-16), look-alike letters, CRLF / CR / LF, NUL and other controls, and very long lines.
//!
//! - `analysis_never_panics_and_every_range_fits`: [`qalam::analyze`] returns; every span it
//!   returns (mentions, quotations and their contents, speakers, cues, sources, quoted names,
//!   stray marks, diagnostics and their related locations) lies inside the text on `char`
//!   boundaries; every mention's text is the slice at its span; every span converted to an LSP
//!   range (utf-8, utf-16, utf-32) matches an independent computation of the position and
//!   converts back to the same byte offset; and the LSP values the server builds from the
//!   analysis — hovers (at every mention, quotation and a few random offsets; each covers its
//!   offset), the outline (nested and flat; children inside their group, selection inside its
//!   symbol) and the published diagnostics — only hold ranges inside the document on character
//!   boundaries of each encoding. 256 cases (proptest's default).
//! - `very_long_lines_are_analysed_and_every_range_fits`: the same on documents with one line of
//!   tens of thousands of characters; 8 cases (each is a large analysis in a debug build).
//! - `positions_round_trip_between_encodings`: a char boundary's position in one encoding
//!   converts to the same byte offset, and so does its position in each other encoding (every
//!   boundary of short texts, about 100 spread over long ones).
//! - `random_lsp_edits_equal_string_edits`: a [`Document`] given random LSP edits (any encoding,
//!   ranges past the end, reversed, inside surrogate pairs or multi-byte characters) holds the
//!   same text as a `String` edited by an independent model of LSP's clamping rules.
//! - `line_index_positions_equal_rope_positions`: the server's [`position::LineIndex`] gives
//!   the rope's position for every byte offset, in every encoding.
//! - `folding_maps_back_inside_the_text`: the folded text's offset map points at char boundaries.
//!
//! Incremental analysis equal to a fresh one is tested with the incremental engine itself.

mod common;
// The fuzz targets' checks; this file uses its text-layer-free position model.
#[path = "../fuzz/src/lib.rs"]
mod fuzz;

use std::sync::LazyLock;

use proptest::prelude::*;
use qalam::diagnostics::Lang;
use qalam::lsp::{convert, hover, symbols};
use qalam::text::Span;
use qalam::text::document::{Change, Document};
use qalam::text::normalize;
use qalam::text::position::{self, Position, PositionEncoding};
use ropey::Rope;
use serde_json::Value;
use tower_lsp_server::ls_types::{self, Uri};

use common::Unit;

const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

fn unit(encoding: PositionEncoding) -> Unit {
    match encoding {
        PositionEncoding::Utf8 => Unit::Utf8,
        PositionEncoding::Utf16 => Unit::Utf16,
        PositionEncoding::Utf32 => Unit::Utf32,
    }
}

/// Entries of a lexicon file (one per line, `#` comments), the first `n` of every `step`th.
fn lexicon(source: &'static str, step: usize, n: usize) -> Vec<&'static str> {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .step_by(step)
        .take(n)
        .collect()
}

/// Names from our lexicons (people, places, organizations, titles), and reporting verbs.
static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut names = lexicon(include_str!("../data/lexicon/given_names.txt"), 37, 60);
    names.extend(lexicon(
        include_str!("../data/lexicon/surnames.txt"),
        97,
        60,
    ));
    names.extend(lexicon(
        include_str!("../data/lexicon/locations.txt"),
        79,
        60,
    ));
    names.extend(lexicon(
        include_str!("../data/lexicon/organizations.txt"),
        1,
        20,
    ));
    names.extend(lexicon(include_str!("../data/lexicon/titles.txt"), 3, 30));
    names
});
static CUES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("../data/quotes/cues.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .filter(|w| *w != "-")
        .collect()
});

fn one_of(items: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(items).prop_map(str::to_owned)
}

/// An Arabic word: 1–8 letters (hamza … yeh, plus Persian/Urdu look-alikes rarely), each
/// possibly followed by diacritics or tatweel.
fn arabic_word() -> impl Strategy<Value = String> {
    let letter = prop_oneof![
        20 => (0x0621u32..=0x064A).prop_map(|c| char::from_u32(c).unwrap_or('ب')),
        1 => proptest::sample::select(vec!['ک', 'ی', 'ہ', 'ە', 'ۀ', 'ٱ', 'o', 'о', 'a']),
    ];
    let marks = proptest::collection::vec(
        prop_oneof![
            (0x064Bu32..=0x0652).prop_map(|c| char::from_u32(c).unwrap_or('\u{064E}')),
            Just('\u{0670}'),
            Just('ـ'),
        ],
        0..2,
    );
    proptest::collection::vec((letter, marks), 1..8).prop_map(|parts| {
        let mut word = String::new();
        for (letter, marks) in parts {
            word.push(letter);
            word.extend(marks);
        }
        word
    })
}

/// A lexicon name with proclitics (و ف ب ل ك ال وال بال لل…) in front, sometimes.
fn name() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(vec![
            "", "", "", "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "لل", "وب",
        ]),
        proptest::sample::select(NAMES.clone()),
    )
        .prop_map(|(clitic, name)| format!("{clitic}{name}"))
}

fn cue() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(vec!["", "و", "ف"]),
        proptest::sample::select(CUES.clone()),
        proptest::sample::select(vec![" ", ": ", ":", "، "]),
    )
        .prop_map(|(w, cue, after)| format!("{w}{cue}{after}"))
}

/// One piece of text; a document is a sequence of them.
fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => arabic_word(),
        6 => name(),
        3 => cue(),
        10 => one_of(&[" ", " ", " ", "  ", "\t", "\u{A0}"]),
        4 => one_of(&["«", "»", "“", "”", "\"", "'", "‹", "›", "„", "‚", "‘", "’", "「", "」", "« ", " »"]),
        3 => one_of(&["،", ".", "؛", "؟", ":", ",", ";", "?", "!", "…", "(", ")", "-"]),
        3 => one_of(&["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\u{2028}", "\u{2029}", "\u{85}"]),
        2 => one_of(&["\u{200E}", "\u{200F}", "\u{061C}", "\u{202A}", "\u{202B}", "\u{202C}",
                      "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
                      "\u{200C}", "\u{200D}", "\u{FEFF}"]),
        2 => one_of(&["😀", "👨‍👩‍👧", "🇸🇦", "👍🏽", "𝕏", "\u{10FFFF}", "ﷺ", "ﻻ", "ﷲ"]),
        1 => one_of(&["\0", "\u{1}", "\u{7F}", "\u{FFFD}", "\u{1B}[0m"]),
        2 => one_of(&["١٢٣", "۱۴۰۳", "2024", "NATO", "Ünal", "Москва", "ΑΒΓ"]),
        2 => any::<char>().prop_map(String::from),
        1 => (arabic_word(), 20usize..150).prop_map(|(w, n)| w.repeat(n)),
        1 => (1usize..100).prop_map(|n| "«".repeat(n)),
    ]
}

/// An Arabic-heavy document of 0–40 pieces.
fn document() -> impl Strategy<Value = String> {
    proptest::collection::vec(atom(), 0..40).prop_map(|atoms| atoms.concat())
}

/// A document with one very long line: 300–1,000 pieces with no line break among them
/// (thousands to tens of thousands of characters), between two ordinary documents.
fn long_line_document() -> impl Strategy<Value = String> {
    (
        document(),
        proptest::collection::vec(atom(), 300..1000),
        document(),
    )
        .prop_map(|(before, line, after)| {
            let line: String = line.concat().replace(['\n', '\r', '\u{85}'], " ");
            format!("{before}\n{line}\r\n{after}")
        })
}

/// Asserts that `span` lies inside `text` on char boundaries.
fn check_span(text: &str, span: Span, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(span.start <= span.end, "{what}: reversed {span:?}");
    prop_assert!(
        span.end <= text.len(),
        "{what}: {span:?} past {}",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: {span:?} not on char boundaries"
    );
    Ok(())
}

/// True when byte `offset` sits between the `\r` and the `\n` of a CRLF: no LSP position
/// stands for it (it shares the position of the `\r`'s end of line).
fn inside_crlf(text: &str, offset: usize) -> bool {
    offset > 0
        && text.as_bytes().get(offset - 1) == Some(&b'\r')
        && text.as_bytes().get(offset) == Some(&b'\n')
}

fn json_position(p: ls_types::Position) -> Value {
    serde_json::json!({"line": p.line, "character": p.character})
}

/// Asserts that the LSP conversion of `span` in every encoding converts back to the span and,
/// when `independent`, agrees with an independent computation of the position (linear in the
/// text's length, so long texts skip it).
fn check_lsp_span(
    text: &str,
    rope: &Rope,
    span: Span,
    what: &str,
    independent: bool,
) -> Result<(), TestCaseError> {
    for encoding in ENCODINGS {
        let range = convert::range(rope, span, encoding);
        for (offset, p) in [(span.start, range.start), (span.end, range.end)] {
            prop_assert!(
                p.line as usize <= rope.len_lines(),
                "{what}: line past the end"
            );
            if independent {
                prop_assert_eq!(
                    json_position(p),
                    common::position(text, offset, unit(encoding)),
                    "{} at {} in {:?}",
                    what,
                    offset,
                    encoding
                );
            }
            if !inside_crlf(text, offset) {
                prop_assert_eq!(
                    convert::offset(rope, p, encoding),
                    offset,
                    "{} {:?}",
                    what,
                    encoding
                );
            }
        }
    }
    Ok(())
}

/// Every span of `analysis` with a label.
fn spans(analysis: &qalam::Analysis) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for e in &analysis.entities {
        for m in &e.mentions {
            out.push((m.span, format!("mention of {}", e.id)));
        }
    }
    for q in &analysis.quotes.quotes {
        out.push((q.span, format!("{} span", q.id)));
        out.push((q.content, format!("{} content", q.id)));
        if let Some(s) = &q.speaker {
            out.push((s.span, format!("{} speaker", q.id)));
        }
        if let Some(c) = &q.cue {
            out.push((c.span, format!("{} cue", q.id)));
        }
        if let Some(s) = &q.source {
            out.push((s.span, format!("{} source", q.id)));
        }
    }
    for s in &analysis.quotes.quoted_names {
        out.push((*s, "quoted name".into()));
    }
    for s in &analysis.quotes.unmatched_closing {
        out.push((*s, "stray mark".into()));
    }
    for d in &analysis.diagnostics {
        out.push((d.span, format!("diagnostic {}", d.code.as_str())));
        for r in &d.related {
            out.push((r.span, format!("related of {}", d.code.as_str())));
        }
    }
    out
}

/// Asserts that an LSP range is inside the document and on a character boundary of `encoding`
/// (it converts to a byte offset and back to itself) with start ≤ end.
fn check_lsp_range(
    rope: &Rope,
    range: ls_types::Range,
    encoding: PositionEncoding,
    what: &str,
) -> Result<(), TestCaseError> {
    let start = convert::offset(rope, range.start, encoding);
    let end = convert::offset(rope, range.end, encoding);
    prop_assert!(start <= end, "{what}: reversed {range:?}");
    for (offset, p) in [(start, range.start), (end, range.end)] {
        prop_assert_eq!(
            convert::position(rope, offset, encoding),
            p,
            "{} {:?}",
            what,
            encoding
        );
    }
    Ok(())
}

fn uri() -> Uri {
    "file:///prop.txt".parse().expect("a valid URI")
}

proptest! {
    #[test]
    fn analysis_never_panics_and_every_range_fits(
        text in document(),
        probes in proptest::collection::vec(any::<usize>(), 4),
    ) {
        let analysis = qalam::analyze(&text);
        let rope = Rope::from_str(&text);
        for (span, what) in spans(&analysis) {
            check_span(&text, span, &what)?;
            check_lsp_span(&text, &rope, span, &what, true)?;
        }
        for e in &analysis.entities {
            for m in &e.mentions {
                prop_assert_eq!(&text[m.span.start..m.span.end], &*m.text, "{}", e.id);
                prop_assert!(!m.span.is_empty(), "empty mention of {}", e.id);
            }
        }
        for q in &analysis.quotes.quotes {
            prop_assert!(q.span.contains(q.content), "{}: content outside the quotation", q.id);
        }
            // The LSP values the server builds from it.
        let uri = uri();
        let mut offsets: Vec<usize> = probes.iter().map(|p| p % (text.len() + 2)).collect();
        offsets.extend(analysis.entities.iter().flat_map(|e| e.mentions.iter().map(|m| m.span.start)));
        offsets.extend(analysis.quotes.quotes.iter().map(|q| q.span.start));
        for encoding in ENCODINGS {
            for lang in [Lang::Ar, Lang::En] {
                for d in convert::diagnostics(&analysis.diagnostics, &rope, &uri, encoding, lang) {
                    check_lsp_range(&rope, d.range, encoding, "diagnostic")?;
                    for r in d.related_information.unwrap_or_default() {
                        check_lsp_range(&rope, r.location.range, encoding, "related")?;
                    }
                }
            }
            for &offset in &offsets {
                if let Some(h) = hover::hover(&analysis, &text, &rope, offset, encoding, Lang::En) {
                    let range = h.range.expect("hovers have a range");
                    check_lsp_range(&rope, range, encoding, "hover")?;
                    let (s, e) = (convert::offset(&rope, range.start, encoding), convert::offset(&rope, range.end, encoding));
                    prop_assert!(s <= offset.min(text.len()) && offset < e.max(s + 1), "hover {s}..{e} misses {offset}");
                }
            }
            let groups = symbols::nested(&analysis, &text, &rope, encoding, Lang::Ar);
            for g in &groups {
                check_lsp_range(&rope, g.range, encoding, "group")?;
                for c in g.children.iter().flatten() {
                    check_lsp_range(&rope, c.range, encoding, "symbol")?;
                    check_lsp_range(&rope, c.selection_range, encoding, "selection")?;
                    prop_assert!(
                        g.range.start <= c.range.start && c.range.end <= g.range.end,
                        "child outside its group"
                    );
                    prop_assert!(
                        c.range.start <= c.selection_range.start && c.selection_range.end <= c.range.end,
                        "selection outside its symbol"
                    );
                    prop_assert!(!c.name.trim().is_empty(), "an empty symbol name");
                }
            }
            for s in symbols::flat(&groups, &uri) {
                check_lsp_range(&rope, s.location.range, encoding, "flat symbol")?;
            }
        }
    }

    #[test]
    fn positions_round_trip_between_encodings(text in document()) {
        let rope = Rope::from_str(&text);
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        // Every boundary of short texts; about 100 spread over longer ones (and the last).
        let step = boundaries.len().div_ceil(100).max(1);
        let sample = boundaries.iter().copied().step_by(step).chain([text.len()]);
        for offset in sample.filter(|&o| !inside_crlf(&text, o)) {
            let p8 = position::offset_to_position(&rope, offset, PositionEncoding::Utf8);
            let p16 = position::offset_to_position(&rope, offset, PositionEncoding::Utf16);
            let p32 = position::offset_to_position(&rope, offset, PositionEncoding::Utf32);
            prop_assert_eq!(p8.line, p16.line);
            prop_assert_eq!(p16.line, p32.line);
            prop_assert!(p32.character <= p16.character && p16.character <= p8.character);
            for (p, e) in [(p8, PositionEncoding::Utf8), (p16, PositionEncoding::Utf16), (p32, PositionEncoding::Utf32)] {
                let back = position::position_to_offset(&rope, p, e);
                prop_assert_eq!(back, offset, "{:?} {:?}", p, e);
                // utf-8 → offset → utf-16 → offset → utf-32, all the same place.
                for other in ENCODINGS {
                    let q = position::offset_to_position(&rope, back, other);
                    prop_assert_eq!(position::position_to_offset(&rope, q, other), offset);
                }
            }
        }
    }

    #[test]
    fn line_index_positions_equal_rope_positions(text in document()) {
        let rope = Rope::from_str(&text);
        let index = position::LineIndex::new(&text);
        prop_assert_eq!(index.len_lines(), rope.len_lines());
        // Every byte offset (char boundaries, inside characters and CRLF, and past the end) of
        // short texts; about 300 spread over longer ones.
        let step = text.len().div_ceil(300).max(1);
        for offset in (0..=text.len() + 1).step_by(step).chain([text.len()]) {
            for e in ENCODINGS {
                prop_assert_eq!(
                    index.position(&text, offset, e),
                    position::offset_to_position(&rope, offset, e),
                    "offset {} {:?}", offset, e
                );
            }
        }
    }

    #[test]
    fn random_lsp_edits_equal_string_edits(
        start in document(),
        edits in proptest::collection::vec(
            ((0u32..12, 0u32..40), (0u32..12, 0u32..40), document(), 0usize..3, 0u8..20),
            1..12,
        ),
    ) {
        let mut model = start.clone();
        let mut doc = Document::new(&start, 0);
        for (version, ((l1, c1), (l2, c2), new, enc, full)) in edits.into_iter().enumerate() {
            let encoding = ENCODINGS[enc];
            let new: String = new.chars().take(30).collect();
            let (a, b) = (Position { line: l1, character: c1 }, Position { line: l2, character: c2 });
            if full == 0 {
                model = new.clone();
                doc.apply(&[Change { range: None, text: &new }], version as i32 + 1, encoding);
            } else {
                let s = fuzz::model_offset(&model, a, encoding);
                let e = fuzz::model_offset(&model, b, encoding).max(s);
                model.replace_range(s..e, &new);
                doc.apply(&[Change { range: Some((a, b)), text: &new }], version as i32 + 1, encoding);
            }
            prop_assert_eq!(doc.text(), model.clone());
        }
        prop_assert_eq!(doc.rope().len_lines(), Rope::from_str(&model).len_lines());
    }

    #[test]
    fn folding_maps_back_inside_the_text(text in document()) {
        let folded = normalize::fold(&text);
        prop_assert_eq!(&folded.text, &normalize::fold_str(&text));
        for i in 0..=folded.text.len() {
            let o = folded.to_original(i);
            prop_assert!(o <= text.len() && text.is_char_boundary(o));
        }
        let words: Vec<(usize, &str)> = folded.text.match_indices(|c: char| !c.is_whitespace()).collect();
        for (i, w) in words.into_iter().take(50) {
            let span = folded.original_span(Span::new(i, i + w.len()));
            check_span(&text, span, "original span")?;
        }
    }
}

proptest! {
    // Each case analyses tens of thousands of characters (in a debug build): fewer cases.
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn very_long_lines_are_analysed_and_every_range_fits(text in long_line_document()) {
        let analysis = qalam::analyze(&text);
        let rope = Rope::from_str(&text);
        for (span, what) in spans(&analysis) {
            check_span(&text, span, &what)?;
            check_lsp_span(&text, &rope, span, &what, false)?;
        }
        for e in &analysis.entities {
            for m in &e.mentions {
                prop_assert_eq!(&text[m.span.start..m.span.end], &*m.text);
            }
        }
    }
}
