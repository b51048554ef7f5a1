//! Unit tests of the conversions, hover and outline on a hand-built analysis
//! ([`super::fixture`]): emoji before the names, CRLF line ends, all three encodings.

use ropey::Rope;
use tower_lsp_server::ls_types::{
    DiagnosticSeverity, HoverContents, NumberOrString, Position, Range, SymbolKind, Uri,
};

use super::fixture::{self, TEXT, find};
use super::{convert, hover, symbols};
use crate::diagnostics::Lang;
use crate::text::Span;
use crate::text::position::PositionEncoding::{self, Utf8, Utf16, Utf32};

/// The LSP position of byte `offset` of `text`, computed without ropey or the text layer:
/// lines split at "\n" (the fixture uses CRLF; the "\r" belongs to the line before), the column
/// counted in `encoding`'s units.
fn expected_position(text: &str, offset: usize, encoding: PositionEncoding) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = &before[line_start..];
    let character = match encoding {
        Utf8 => prefix.len(),
        Utf16 => prefix.encode_utf16().count(),
        Utf32 => prefix.chars().count(),
    } as u32;
    Position::new(line, character)
}

fn expected_range(span: Span, encoding: PositionEncoding) -> Range {
    Range::new(
        expected_position(TEXT, span.start, encoding),
        expected_position(TEXT, span.end, encoding),
    )
}

fn uri() -> Uri {
    "file:///tmp/%D8%AE%D8%A8%D8%B1.txt"
        .parse()
        .expect("valid uri")
}

#[test]
fn ranges_in_every_encoding() {
    let rope = Rope::from_str(TEXT);
    let name = find("خالد العمري", 0);
    // Hand-counted: "🙂 قال الوزير " is 2+1+3+1+6+1 = 14 UTF-16 units, 4+1+6+1+12+1 = 25 bytes,
    // 1+1+3+1+6+1 = 13 scalars; the name is 11 characters, 21 bytes.
    assert_eq!(
        convert::range(&rope, name, Utf16),
        Range::new(Position::new(0, 14), Position::new(0, 25))
    );
    assert_eq!(
        convert::range(&rope, name, Utf8),
        Range::new(Position::new(0, 25), Position::new(0, 46))
    );
    assert_eq!(
        convert::range(&rope, name, Utf32),
        Range::new(Position::new(0, 13), Position::new(0, 24))
    );
    for encoding in [Utf8, Utf16, Utf32] {
        for span in [
            find("العمري", 1),
            find("\"نعم\"", 0),
            find("«سنبدأ غدا»", 0),
        ] {
            assert_eq!(
                convert::range(&rope, span, encoding),
                expected_range(span, encoding)
            );
            let start = convert::range(&rope, span, encoding).start;
            assert_eq!(
                convert::offset(&rope, start, encoding),
                span.start,
                "{encoding:?}"
            );
        }
    }
}

#[test]
fn out_of_range_positions_clamp() {
    let rope = Rope::from_str(TEXT);
    assert_eq!(
        convert::offset(&rope, Position::new(99, 0), Utf16),
        TEXT.len()
    );
    let line_end = TEXT.find("\r\n").expect("crlf");
    assert_eq!(
        convert::offset(&rope, Position::new(0, 9999), Utf16),
        line_end
    );
    // Between the two UTF-16 units of the emoji: the emoji's start.
    assert_eq!(convert::offset(&rope, Position::new(0, 1), Utf16), 0);
}

#[test]
fn diagnostic_conversion() {
    let rope = Rope::from_str(TEXT);
    let analysis = fixture::analysis();
    let d = convert::diagnostic(&analysis.diagnostics[0], &rope, &uri(), Utf16, Lang::Ar);
    assert_eq!(d.range, expected_range(find("فى", 0), Utf16));
    assert_eq!(d.range.start.line, 1);
    assert_eq!(d.severity, Some(DiagnosticSeverity::INFORMATION));
    assert_eq!(
        d.code,
        Some(NumberOrString::String("mixed-orthography".into()))
    );
    assert_eq!(d.source.as_deref(), Some("qalam"));
    assert_eq!(d.message, "اكتب في");
    let related = d.related_information.expect("related information");
    assert_eq!(related.len(), 1);
    assert_eq!(related[0].location.uri, uri());
    assert_eq!(
        related[0].location.range,
        expected_range(find("في", 0), Utf16)
    );
    assert_eq!(related[0].message, "الصيغة الغالبة");

    let json = serde_json::to_value(convert::diagnostic(
        &analysis.diagnostics[0],
        &rope,
        &uri(),
        Utf8,
        Lang::En,
    ))
    .expect("serialises");
    let mut keys: Vec<&str> = json
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "message",
            "range",
            "relatedInformation",
            "severity",
            "source"
        ]
    );
    assert_eq!(json["message"], "write في");
    assert_eq!(json["severity"], 3);
}

#[test]
fn hover_on_mention_and_quotation() {
    let rope = Rope::from_str(TEXT);
    let analysis = fixture::analysis();
    let short = find("العمري", 1);

    let h = hover::hover(&analysis, TEXT, &rope, short.start + 2, Utf16, Lang::En).expect("hover");
    assert_eq!(h.range, Some(expected_range(short, Utf16)));
    let HoverContents::Markup(m) = h.contents else {
        panic!("markdown expected")
    };
    assert!(
        m.value.starts_with("**خالد العمري** — person\n"),
        "{}",
        m.value
    );
    assert!(m.value.contains("Roles: الوزير"), "{}", m.value);
    assert!(m.value.contains("Also written: العمري"), "{}", m.value);
    assert!(m.value.contains("Mentions: 2"), "{}", m.value);
    assert!(m.value.contains("- «سنبدأ غدا»\n- «نعم»\n"), "{}", m.value);

    // Inside the quotation's content, on no mention: the quotation, in Arabic.
    let q1 = find("«سنبدأ غدا»", 0);
    let h = hover::hover(&analysis, TEXT, &rope, q1.start + 4, Utf8, Lang::Ar).expect("hover");
    assert_eq!(h.range, Some(expected_range(q1, Utf8)));
    let HoverContents::Markup(m) = h.contents else {
        panic!("markdown expected")
    };
    assert!(
        m.value.starts_with("**اقتباس**\n\n«سنبدأ غدا»\n"),
        "{}",
        m.value
    );
    assert!(m.value.contains("القائل: خالد العمري"), "{}", m.value);
    assert!(m.value.contains("الكيان: خالد العمري (شخص)"), "{}", m.value);
    assert!(m.value.contains("فعل القول: قال"), "{}", m.value);

    // On plain text: nothing. Past the end: nothing.
    assert!(
        hover::hover(
            &analysis,
            TEXT,
            &rope,
            find("الحال", 0).start,
            Utf16,
            Lang::En
        )
        .is_none()
    );
    assert!(hover::hover(&analysis, TEXT, &rope, TEXT.len() + 10, Utf16, Lang::En).is_none());
}

#[test]
fn outline_groups() {
    let rope = Rope::from_str(TEXT);
    let analysis = fixture::analysis();
    let groups = symbols::nested(&analysis, TEXT, &rope, Utf16, Lang::En);
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Quotations", "People", "Places"]);

    let quotes = groups[0].children.as_ref().expect("children");
    assert_eq!(quotes.len(), 2);
    assert_eq!(quotes[0].name, "سنبدأ غدا");
    assert_eq!(quotes[0].detail.as_deref(), Some("خالد العمري"));
    assert_eq!(quotes[0].kind, SymbolKind::STRING);
    assert_eq!(
        quotes[0].range,
        expected_range(find("«سنبدأ غدا»", 0), Utf16)
    );
    assert_eq!(
        quotes[0].selection_range,
        expected_range(find("سنبدأ غدا", 0), Utf16)
    );
    assert_eq!(quotes[1].name, "نعم");
    assert_eq!(quotes[1].range, expected_range(find("\"نعم\"", 0), Utf16));
    assert_eq!(
        groups[0].range,
        Range::new(quotes[0].range.start, quotes[1].range.end)
    );

    let people = groups[1].children.as_ref().expect("children");
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].name, "خالد العمري");
    assert_eq!(
        people[0].range,
        expected_range(find("خالد العمري", 0), Utf16)
    );
    assert_eq!(people[0].selection_range, people[0].range);
    assert_eq!(groups[1].range, people[0].range);

    let ar = symbols::nested(&analysis, TEXT, &rope, Utf16, Lang::Ar);
    let names: Vec<&str> = ar.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["الاقتباسات", "الأشخاص", "الأماكن"]);

    let flat = symbols::flat(&groups, &uri());
    let flat_names: Vec<(&str, &str)> = flat
        .iter()
        .map(|s| (s.name.as_str(), s.container_name.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        flat_names,
        [
            ("سنبدأ غدا", "Quotations"),
            ("نعم", "Quotations"),
            ("خالد العمري", "People"),
            ("عمّان", "Places")
        ]
    );
    assert_eq!(flat[2].location.range, people[0].range);
}

#[test]
fn empty_quotation_gets_a_name() {
    let text = "قال: «» ثم";
    let rope = Rope::from_str(text);
    let start = text.find('«').expect("mark");
    let end = start + "«»".len();
    let mut analysis = crate::Analysis::default();
    analysis.quotes.quotes.push(crate::quotes::Quote {
        id: "q1".into(),
        span: Span::new(start, end),
        content: Span::new(start + 2, start + 2),
        closed: true,
        nested_in: None,
        speaker: None,
        cue: None,
        source: None,
    });
    let groups = symbols::nested(&analysis, text, &rope, Utf16, Lang::En);
    let child = &groups[0].children.as_ref().expect("children")[0];
    assert_eq!(child.name, "«»");
    assert_eq!(child.detail, None);
}

#[test]
fn bad_spans_from_the_analysis_do_not_panic() {
    // A span that cuts a character in two and one past the end: defects of the analysis that
    // the front end must survive.
    let text = "🙂 قال";
    let rope = Rope::from_str(text);
    let mut analysis = crate::Analysis::default();
    analysis.quotes.quotes.push(crate::quotes::Quote {
        id: "q1".into(),
        span: Span::new(1, 99),
        content: Span::new(2, 98),
        closed: false,
        nested_in: None,
        speaker: None,
        cue: None,
        source: None,
    });
    let groups = symbols::nested(&analysis, text, &rope, Utf16, Lang::En);
    assert_eq!(groups[0].children.as_ref().expect("children")[0].name, "…");
    assert!(hover::hover(&analysis, text, &rope, 5, Utf16, Lang::En).is_some());
}
