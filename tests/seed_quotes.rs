//! The quotation layer on the real seed article, read in place (never copied into the repo).
//!
//! Expected ranges are computed by locating short distinctive strings in the article; every
//! assertion is on exact byte ranges. Runs the whole pipeline ([`qalam::analyze`]), so it needs
//! the tokenizer, the entity recognizer and the quotation layer.

use qalam::entities::Entity;
use qalam::quotes::Quote;
use qalam::text::Span;

fn seed() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/seed/000_52c75b453decbfc7.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Byte offset of the only occurrence of `needle`.
fn find(text: &str, needle: &str) -> usize {
    let mut hits = text.match_indices(needle);
    let (i, _) = hits
        .next()
        .unwrap_or_else(|| panic!("{needle:?} not in the seed"));
    assert!(hits.next().is_none(), "{needle:?} occurs more than once");
    i
}

/// Byte offset of the first occurrence of `needle`.
fn first(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the seed"))
}

/// The span of `word` found at the start of the only occurrence of `context`.
fn word_at(text: &str, context: &str, word: &str) -> Span {
    assert!(context.starts_with(word));
    let i = find(text, context);
    Span::new(i, i + word.len())
}

/// End of the paragraph (line, trailing white space trimmed) containing `offset`.
fn paragraph_end(text: &str, offset: usize) -> usize {
    let line_end = text[offset..].find('\n').map_or(text.len(), |n| offset + n);
    text[..line_end].trim_end().len()
}

/// The entity with a mention covering `offset`.
fn entity_at(entities: &[Entity], offset: usize) -> &Entity {
    Entity::at_offset(entities, offset)
        .unwrap_or_else(|| panic!("no entity mention at byte {offset}"))
        .0
}

fn check_speaker(q: &Quote, span: Span, entity: &Entity) {
    let sp = q
        .speaker
        .as_ref()
        .unwrap_or_else(|| panic!("{} has no speaker", q.id));
    assert_eq!(sp.span, span, "{} speaker range", q.id);
    assert_eq!(
        sp.entity.as_deref(),
        Some(entity.id.as_str()),
        "{} speaker entity",
        q.id
    );
    assert_eq!(&*sp.name, entity.name, "{} speaker name", q.id);
}

#[test]
fn seed_quotations_names_and_broken_marks() {
    let text = seed();
    let t = text.as_str();
    let a = qalam::analyze(t);
    let scan = &a.quotes;
    let q = "\"";

    // Quoted names, not quotations.
    let kremlin = find(t, "\"الكرملين\"");
    let tass = find(t, "\" تاس \"");
    let daesh = find(t, "\"داعش\"");
    assert_eq!(
        scan.quoted_names,
        vec![
            Span::new(kremlin, kremlin + "\"الكرملين\"".len()),
            Span::new(tass, tass + "\" تاس \"".len()),
            Span::new(daesh, daesh + "\"داعش\"".len()),
        ]
    );

    // The stray closing mark right after the first مجموعة العشرين.
    let stray = first(t, "العشرين\"،") + "العشرين".len();
    assert_eq!(scan.unmatched_closing, vec![Span::new(stray, stray + 1)]);

    // The four quotations, in order.
    let q1_open = find(t, "\" لقد");
    let q1_close = find(t, "أفغانستان\".") + "أفغانستان".len();
    let q2_open = find(t, "وأضاف: \"") + "وأضاف: ".len();
    let q2_close = find(t, "والإنترنت\"") + "والإنترنت".len();
    let q3_open = find(t, "على أنه \"في") + "على أنه ".len();
    let q3_close = find(t, "الأحداث\"،") + "الأحداث".len();
    let q4_open = find(t, "مضيفا \"أن") + "مضيفا ".len();
    let q4_end = paragraph_end(t, q4_open);
    let spans: Vec<Span> = scan.quotes.iter().map(|x| x.span).collect();
    assert_eq!(
        spans,
        vec![
            Span::new(q1_open, q1_close + q.len()),
            Span::new(q2_open, q2_close + q.len()),
            Span::new(q3_open, q3_close + q.len()),
            Span::new(q4_open, q4_end),
        ]
    );
    let ids: Vec<&str> = scan.quotes.iter().map(|x| &*x.id).collect();
    assert_eq!(ids, ["q1", "q2", "q3", "q4"]);
    assert!(scan.quotes.iter().all(|x| x.nested_in.is_none()));
    let closed: Vec<bool> = scan.quotes.iter().map(|x| x.closed).collect();
    assert_eq!(closed, [true, true, true, false]);
    assert_eq!(scan.quotes[0].content, Span::new(q1_open + 1, q1_close));
    assert_eq!(scan.quotes[3].content, Span::new(q4_open + 1, q4_end));

    // Speakers: بيسكوف, linked to his entity.
    let full_name = "دميترى بيسكوف";
    let p1_name = first(t, full_name);
    let peskov = entity_at(&a.entities, p1_name + full_name.len() - 1);
    let p1_span = Span::new(p1_name, p1_name + full_name.len());
    let [q1, q2, q3, q4] = &scan.quotes[..] else {
        unreachable!()
    };
    check_speaker(q1, p1_span, peskov);
    assert_eq!(
        q1.cue.as_ref().map(|c| c.span),
        Some(word_at(t, "وقال المتحدث", "وقال"))
    );
    assert_eq!(q1.source, None);

    // وأضاف: no written subject → the previous speaker, by his first paragraph's mention.
    check_speaker(q2, p1_span, peskov);
    assert_eq!(
        q2.cue.as_ref().map(|c| c.span),
        Some(word_at(t, "وأضاف: ", "وأضاف"))
    );

    // وشدد بيسكوف, with a وفقا لـ phrase naming the agency in quotation marks: the source is تاس.
    let shadd = word_at(t, "وشدد بيسكوف", "وشدد");
    let q3_speaker = Span::new(shadd.end + 1, shadd.end + 1 + "بيسكوف".len());
    check_speaker(q3, q3_speaker, peskov);
    assert_eq!(q3.cue.as_ref().map(|c| c.span), Some(shadd));
    let tass_word = tass + "\" ".len();
    let tass_entity = entity_at(&a.entities, tass_word);
    let src = q3.source.as_ref().expect("q3 has a source");
    assert_eq!(src.span, Span::new(tass_word, tass_word + "تاس".len()));
    assert_eq!(src.entity.as_deref(), Some(tass_entity.id.as_str()));
    assert_eq!(&*src.name, tass_entity.name);

    // The unclosed one after مضيفا: بيسكوف by continuation (the subject of وأضاف بيسكوف أن,
    // not بوتين of the reported clause).
    let adda = word_at(t, "وأضاف بيسكوف أن", "وأضاف");
    let q4_speaker = Span::new(adda.end + 1, adda.end + 1 + "بيسكوف".len());
    check_speaker(q4, q4_speaker, peskov);
    assert_eq!(
        q4.cue.as_ref().map(|c| c.span),
        Some(Span::new(q4_open - "مضيفا ".len(), q4_open - 1))
    );
}
