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
    " دميتري بيسكوف (Dmitry Peskov)",
    " الأمم المتحدة",
    " وقال سالم",
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
            let (tokens, entities) = (&incremental.tokens.to_vec(), &incremental.entities);
            prop_assert_eq!(&incremental.quotes, &qalam::quotes::scan(&text, tokens, entities));
            prop_assert_eq!(
                &incremental.diagnostics,
                &qalam::diagnostics::check(&text, tokens, entities, &incremental.quotes)
            );
        }
    }
}

/// Every evaluation article, in name order, separated by blank lines (about 40 KB, 60
/// articles): long enough that an edit's zone leaves most quotations before or after it.
fn all_articles() -> String {
    let dir = format!("{}/eval/docs", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("eval/docs")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    let mut text = String::new();
    for n in &names {
        text.push_str(&std::fs::read_to_string(format!("{dir}/{n}")).expect("article"));
        text.push_str("\n\n");
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// The same on a long document, where most quotations lie after the edit's zone and are
    /// taken from the memo unless what they read changed (a speaker's name, a cue verb, a
    /// quotation mark written or deleted).
    #[test]
    fn long_document_incremental_equals_fresh(
        edits in proptest::collection::vec(edit_strategy(), 1..6),
    ) {
        let mut text = all_articles();
        let extra = shipped();
        let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
        let _ = inc.analyze(&text);
        for e in &edits {
            apply(&mut text, e);
            prop_assert_eq!(&inc.analyze(&text), &analyze_staged(&text, &extra));
        }
    }
}

/// Asserts that the last analysis of `inc` had 40 quotations or more and took at least
/// `tenths` tenths of their attributions from the analysis before it.
fn assert_reused(inc: &IncrementalAnalyzer, tenths: usize) {
    let stats = inc.last_quote_reuse();
    assert!(stats.quotes >= 40, "{} quotations", stats.quotes);
    assert!(
        stats.quotes_reused * 10 >= stats.quotes * tenths,
        "{} of {} quotation attributions reused",
        stats.quotes_reused,
        stats.quotes
    );
}

/// `arts` on one line, joined by spaces, repeated to at least `bytes` (each repetition with
/// its own number, so that the sentences are not all repeats): a text pasted without line
/// breaks, which the analysis cuts into blocks (`segment::blocks`).
fn one_line(arts: &[String], bytes: usize) -> String {
    let mut text = String::new();
    let mut k = 0;
    while text.len() < bytes {
        let art = &arts[k % arts.len()];
        text.push_str(&format!("الجزء {k}. "));
        text.push_str(&art.split_whitespace().collect::<Vec<_>>().join(" "));
        text.push(' ');
        k += 1;
    }
    text
}

/// The byte offset of the line break that ends the paragraph holding `text`'s middle.
fn middle_paragraph_end(text: &str) -> usize {
    let middle = (text.len() / 2..)
        .find(|&i| text.is_char_boundary(i))
        .expect("a char boundary");
    middle + text[middle..].find('\n').expect("a line break")
}

/// `text` without its sentence ends (. ! ? ؟ …): one sentence, however long.
fn without_sentence_ends(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '.' | '!' | '?' | '؟' | '…'))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The same on a text with no line break, long enough to be cut into blocks: edits move,
    /// add and remove cuts, and open or close quotations across them.
    #[test]
    /// Also without sentence ends (cut before prepositions).
    fn long_line_incremental_equals_fresh(
        edits in proptest::collection::vec(edit_strategy(), 1..6),
        unpunctuated in any::<bool>(),
    ) {
        let mut text = one_line(&articles(), 3 * qalam::text::segment::LONG_PARAGRAPH_BYTES);
        if unpunctuated {
            text = without_sentence_ends(&text);
        }
        prop_assert!(qalam::text::segment::blocks(&text).len() >= 4);
        let extra = shipped();
        let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
        let _ = inc.analyze(&text);
        for e in &edits {
            apply(&mut text, e);
            let incremental = inc.analyze(&text);
            prop_assert_eq!(&incremental, &analyze_staged(&text, &extra));
            let (tokens, entities) = (&incremental.tokens.to_vec(), &incremental.entities);
            prop_assert_eq!(&incremental.quotes, &qalam::quotes::scan(&text, tokens, entities));
            prop_assert_eq!(
                &incremental.diagnostics,
                &qalam::diagnostics::check(&text, tokens, entities, &incremental.quotes)
            );
        }
    }
}

/// A long line whose sentences open with quotation marks and dashes and end with Latin
/// question marks, or whose next sentence starts with a Latin comma: cut into blocks, its
/// analysis still gives the one-shot quotations and diagnostics of the whole text
/// (`latin-punctuation` reads the nearest words across a sentence end).
#[test]
fn long_line_edges_give_the_one_shot_diagnostics() {
    let plain = one_line(&articles(), 3 * qalam::text::segment::LONG_PARAGRAPH_BYTES);
    let mut text = String::new();
    for (k, sentence) in plain.split(". ").enumerate() {
        text.push_str(sentence);
        text.push_str(match k % 6 {
            0 => "? ",
            1 => ". «",
            2 => ". - ",
            3 => ". , ",
            4 => "? Why? ",
            _ => ". ",
        });
    }
    assert!(qalam::text::segment::blocks(&text).len() >= 3);
    let a = analyze_staged(&text, &shipped());
    let tokens = a.tokens.to_vec();
    assert!(
        a.diagnostics
            .iter()
            .any(|d| d.code.as_str() == "latin-punctuation")
    );
    assert_eq!(a.quotes, qalam::quotes::scan(&text, &tokens, &a.entities));
    assert_eq!(
        a.diagnostics,
        qalam::diagnostics::check(&text, &tokens, &a.entities, &a.quotes)
    );
}

/// A keystroke in a text with no line break recomputes the paragraph stage of one block, not
/// of the whole text (before blocks: the whole line, ≈ 70 ms of CPU per keystroke at 200 KB).
#[test]
fn a_keystroke_in_a_long_line_recomputes_one_block() {
    let line = one_line(&articles(), 8 * qalam::text::segment::LONG_PARAGRAPH_BYTES);
    a_keystroke_recomputes_one_block(line.clone());
    // Without sentence ends the line is cut before prepositions (before: one block).
    a_keystroke_recomputes_one_block(without_sentence_ends(&line));
}

fn a_keystroke_recomputes_one_block(mut text: String) {
    let blocks = qalam::text::segment::blocks(&text).len();
    assert!(blocks >= 10, "{blocks} blocks");
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let _ = inc.analyze(&text);
    let at = text.len() / 2;
    let at = (at..text.len())
        .find(|&i| text.is_char_boundary(i) && text[..i].ends_with(' '))
        .unwrap();
    text.insert(at, 'ن');
    let a = inc.analyze(&text);
    assert_eq!(inc.last_counts(), (blocks - 1, 1));
    assert_eq!(a, analyze_staged(&text, &extra));
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
            qalam::quotes::scan(text, &a.tokens.to_vec(), &a.entities),
            "{text:?}"
        );
        assert_eq!(
            a.diagnostics,
            qalam::diagnostics::check(text, &a.tokens.to_vec(), &a.entities, &a.quotes),
            "{text:?}"
        );
    }
}

#[test]
fn paragraph_tokens_are_the_texts_tokens() {
    for a in articles() {
        let text = format!("{a}\r\n\n  {a}\r«x»\n");
        let staged = analyze_staged(&text, &[]);
        assert_eq!(staged.tokens.to_vec(), tokenize(&text));
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

/// Analyses `before` then `after` incrementally; both must equal a fresh analysis. Returns the
/// analyses and how many paragraphs had their mentions resolved again for `after`.
fn before_after(before: &str, after: &str) -> (qalam::Analysis, qalam::Analysis, usize) {
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let a = inc.analyze(before);
    assert_eq!(a, analyze_staged(before, &extra));
    let b = inc.analyze(after);
    assert_eq!(b, analyze_staged(after, &extra));
    (a, b, inc.last_resolved())
}

/// True when some entity has a mention written `name` starting at byte `at`.
fn has_mention(a: &qalam::Analysis, name: &str, at: usize) -> bool {
    a.entities
        .iter()
        .flat_map(|e| &e.mentions)
        .any(|m| &*m.text == name && m.span.start == at)
}

#[test]
fn a_name_learned_in_one_paragraph_appears_and_disappears_in_another() {
    let teach = "وقال المتحدث باسم الحكومة الفرنسية جان دوبوا للصحفيين إن الاجتماع انتهى.";
    let other = "وأرسل الوفد رسالة لدوبوا مساء الخميس.";
    let filler = "وكانت الأمطار غزيرة في المدينة طوال الأسبوع الماضي.";
    let with = format!("{teach}\n\n{filler}\n\n{other}");
    let without = format!("وقال المتحدث إن الاجتماع انتهى.\n\n{filler}\n\n{other}");
    let at_with = with.find("دوبوا مساء").expect("surname");
    let at_without = without.find("دوبوا مساء").expect("surname");
    // Removing the teaching paragraph's name removes the copy two paragraphs later, and
    // writing it back brings the copy back.
    let (a, b, _) = before_after(&with, &without);
    assert!(has_mention(&a, "دوبوا", at_with), "{:#?}", a.entities);
    assert!(!has_mention(&b, "دوبوا", at_without), "{:#?}", b.entities);
    let (_, c, _) = before_after(&without, &with);
    assert!(has_mention(&c, "دوبوا", at_with));
}

#[test]
fn a_learned_surname_change_reaches_its_spelling_variants() {
    let teach = "ونقلت الوكالة عن الأمين العام للأمم المتحدة أنطونيو غوتيريش قوله إن الأزمة تتفاقم.";
    let variant = "وأضاف غوتيرش أن التمويل عاجل.";
    let with = format!("{teach}\n{variant}");
    // One letter changed in the taught surname: غوتيرش is no longer one edit away.
    let changed = with.replacen("غوتيريش", "غوتيريشين", 1);
    let at = with.find("غوتيرش أن").expect("variant");
    // The variant is found through the learned surname in the other paragraph (not seen by
    // the paragraph's own sources), and the edit changes which surnames are learned.
    let (a, b, resolved) = before_after(&with, &changed);
    assert!(has_mention(&a, "غوتيرش", at), "{:#?}", a.entities);
    assert_eq!(resolved, 2, "both paragraphs resolved again");
    assert_ne!(a.entities, b.entities);
    let (_, c, _) = before_after(&changed, &with);
    assert!(has_mention(&c, "غوتيرش", at));
}

#[test]
fn an_edit_without_names_resolves_only_its_paragraph() {
    let arts = articles();
    let text = format!("{}\n\n{}", arts[0], arts[2]);
    // A space doubled in the second paragraph: its tokens and mentions stay (only their
    // offsets move), no learned name changes, so only the edited paragraph is resolved again.
    let second = qalam::text::segment::paragraphs(&text)[1];
    let at = second.start + text[second.start..].find(' ').expect("a space");
    let mut edited = text.clone();
    edited.insert(at, ' ');
    let (_, _, resolved) = before_after(&text, &edited);
    assert_eq!(resolved, 1);
}

/// The analyser locates an edit by the common prefix and suffix of the old and new texts and
/// reuses the paragraphs on whole lines around it: edits at the very start and end, next to
/// and inside line breaks (`\r` + `\n` joined or split), of a paragraph written twice (one copy
/// edited, the other kept), the same text again, a paragraph emptied and restored — each equal
/// to a fresh analysis, with the paragraph counts of one edit.
#[test]
fn edits_located_by_common_prefix_and_suffix_equal_fresh() {
    let arts = articles();
    let p: Vec<&str> = arts[0].lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(p.len() >= 4);
    let base = format!("{}\n\n{}\r\n{}\n\n{}\n{}", p[0], p[1], p[2], p[1], p[3]);
    let first_p1 = base.find(p[1]).expect("p1");
    let second_p1 = base.rfind(p[1]).expect("p1 again");
    let crlf = base.find("\r\n").expect("crlf");
    let mut steps: Vec<String> = vec![
        base.clone(),
        base.clone(),
        format!("ن{base}"),
        format!("{base}ن"),
        format!("{base}\n"),
        format!("\n{base}"),
    ];
    // A line break split: `\r` + `\n` become two breaks, and joined back.
    let mut split = base.clone();
    split.insert(crlf + 1, 'ن');
    steps.push(split);
    steps.push(base.clone());
    // The break removed (two paragraphs become one) and restored.
    let mut joined = base.clone();
    joined.replace_range(crlf..crlf + 2, " ");
    steps.push(joined);
    steps.push(base.clone());
    // One copy of a repeated paragraph edited, then the other, then both restored.
    let mut one = base.clone();
    one.insert(first_p1 + p[1].len(), 'ن');
    steps.push(one.clone());
    let mut two = base.clone();
    two.insert(second_p1 + p[1].len(), 'ن');
    steps.push(two);
    steps.push(base.clone());
    // A paragraph emptied to white space and written back.
    steps.push(base.replacen(p[2], "   ", 1));
    steps.push(base.clone());
    steps.push(String::new());
    steps.push(base.clone());
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    for (k, text) in steps.iter().enumerate() {
        let a = inc.analyze(text);
        assert_eq!(a, analyze_staged(text, &extra), "step {k}");
        let paragraphs = qalam::text::segment::paragraphs(text).len();
        let (reused, computed) = inc.last_counts();
        assert_eq!(reused + computed, paragraphs, "step {k}");
    }
    // The same text twice: nothing computed.
    inc.analyze(&base);
    assert_eq!(inc.last_counts().1, 0);
    // Editing one copy of the repeated paragraph computes one paragraph; the other copy keeps
    // the cached one.
    inc.analyze(&one);
    assert_eq!(inc.last_counts().1, 1);
}

/// A text of 64 KiB or more takes the document stage's two-thread path (the entity-only
/// diagnostics beside the quotation scan): its diagnostics equal the one-shot `check` on the
/// whole text, and an edit analysed incrementally equals a fresh analysis.
#[test]
fn large_text_two_thread_path_equals_the_one_shot_functions() {
    let arts = articles();
    let mut text = String::new();
    let mut k = 0;
    while text.len() < qalam::analysis::incremental::MIN_BYTES_PER_THREAD + 4096 {
        text.push_str(&arts[k % arts.len()]);
        text.push_str("\n\n");
        k += 1;
    }
    let extra = shipped();
    let a = analyze_staged(&text, &extra);
    let tokens = a.tokens.to_vec();
    assert!(!a.diagnostics.is_empty() && !a.quotes.quotes.is_empty());
    assert_eq!(a.quotes, qalam::quotes::scan(&text, &tokens, &a.entities));
    assert_eq!(
        a.diagnostics,
        qalam::diagnostics::check(&text, &tokens, &a.entities, &a.quotes)
    );
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let _ = inc.analyze(&text);
    let at = text.len() / 2;
    let at = (at..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap();
    text.insert_str(at, " وقال الوزير: «نعم»، ");
    assert_eq!(inc.analyze(&text), analyze_staged(&text, &extra));
}

/// Attribution reused across edits (`quotes::scan_paragraphs_reusing`): on a document of many
/// articles, edits at spread-out places — a letter typed or deleted, a reporting clause with a
/// quotation, a lone opening mark that runs to its paragraph's end, a speaker's name written
/// before a cue verb, a paragraph break — each give the fresh analysis, and the quotations far
/// from the edit keep their attribution from the previous analysis.
#[test]
fn attribution_reused_across_edits_equals_fresh() {
    let mut text = all_articles();
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let first = inc.analyze(&text);
    assert!(
        first.quotes.quotes.len() > 40,
        "the document has quotations"
    );
    assert_eq!(
        inc.last_quote_reuse().quotes_reused,
        0,
        "nothing to reuse yet"
    );
    let pieces = ["ن", "", " وقال الوزير: «نعم»، ", "«", "\n\n", " بيسكوف", ""];
    let (mut reused, mut quotes, mut cues_reused) = (0, 0, 0);
    for step in 0..28 {
        let frac = (step * 37 % 100) as f64 / 100.0;
        let at = (text.len() as f64 * frac) as usize;
        let at = (at..text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len());
        let piece = pieces[step % pieces.len()];
        if piece.is_empty() {
            // Delete the character there.
            if let Some(c) = text[at..].chars().next() {
                text.replace_range(at..at + c.len_utf8(), "");
            }
        } else if piece == " بيسكوف" {
            // A name after the next cue verb.
            let cue = text[at..].find("قال").map_or(at, |i| at + i + "قال".len());
            text.insert_str(cue, piece);
        } else {
            text.insert_str(at, piece);
        }
        let a = inc.analyze(&text);
        assert_eq!(a, analyze_staged(&text, &extra), "step {step}");
        let stats = inc.last_quote_reuse();
        assert_eq!(stats.quotes, a.quotes.quotes.len(), "step {step}");
        reused += stats.quotes_reused;
        quotes += stats.quotes;
        cues_reused += stats.cues_reused;
    }
    assert!(cues_reused > 0);
    // Most edits touch a few paragraphs of about a hundred: most quotations are reused.
    assert!(
        reused * 2 > quotes,
        "{reused} of {quotes} quotation attributions reused"
    );
}

/// A letter typed into a place name in the middle of a long document changes the mentions
/// around the edit but no speaker: the quotations after it keep their attribution (only those
/// whose speaker was found through the latest mention with a head noun would be redone), and
/// the result equals a fresh analysis.
#[test]
fn a_letter_typed_into_a_place_name_keeps_the_later_attributions() {
    let mut text = all_articles();
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let first = inc.analyze(&text);
    // The first place mention after the middle that no quotation's speaker or source names.
    let middle = text.len() / 2;
    let named = |s: qalam::text::Span| {
        first.quotes.quotes.iter().any(|q| {
            q.speaker
                .as_ref()
                .is_some_and(|w| w.span.start <= s.end && s.start <= w.span.end)
                || q.source
                    .as_ref()
                    .is_some_and(|w| w.span.start <= s.end && s.start <= w.span.end)
        })
    };
    let place = first
        .entities
        .iter()
        .filter(|e| e.kind == qalam::entities::EntityKind::Location)
        .flat_map(|e| &e.mentions)
        .filter(|m| m.span.start > middle && m.text.chars().count() >= 4 && !named(m.span))
        .min_by_key(|m| m.span.start)
        .expect("a place mention after the middle");
    let at = place.span.start + place.text.char_indices().nth(2).expect("4 letters").0;
    text.insert(at, 'ن');
    let a = inc.analyze(&text);
    assert_eq!(a, analyze_staged(&text, &extra));
    assert_reused(&inc, 9);
}

/// A quotation added in the middle of a long document with a cue verb of its own (وأضاف:
/// «…», whose speaker is the previous one) adds an event in the edit's zone; the quotations
/// after the zone read other events, so they keep their attribution, and the result equals
/// a fresh analysis.
#[test]
fn a_quotation_added_mid_document_keeps_the_later_attributions() {
    let mut text = all_articles();
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let first = inc.analyze(&text);
    // The end of the first paragraph after the middle that holds an attributed quotation.
    let middle = text.len() / 2;
    let quote = first
        .quotes
        .quotes
        .iter()
        .find(|q| q.span.start > middle && q.speaker.is_some())
        .expect("an attributed quotation after the middle");
    let at = quote.span.end + text[quote.span.end..].find('\n').expect("a line break");
    text.insert_str(at, " وأضاف: «سنواصل العمل مع جميع الأطراف».");
    let a = inc.analyze(&text);
    assert_eq!(a, analyze_staged(&text, &extra));
    let added = a
        .quotes
        .quotes
        .iter()
        .find(|q| q.span.start > at)
        .expect("the new quotation");
    assert_eq!(
        added.speaker.as_ref().map(|s| &s.name),
        quote.speaker.as_ref().map(|s| &s.name)
    );
    assert_reused(&inc, 8);
}

/// A clause naming a new speaker, written in the middle of a long document, adds an entity
/// and renumbers every entity first named after it (`e12` becomes `e13`…): the quotations
/// outside the edit's zone keep their attribution with the new ids, and the result equals a
/// fresh analysis.
#[test]
fn a_new_name_mid_document_keeps_the_later_attributions_renumbered() {
    let mut text = all_articles();
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let first = inc.analyze(&text);
    let at = middle_paragraph_end(&text);
    text.insert_str(
        at,
        " وقال الوزير سالم المنصوري: «سنواصل العمل مع جميع الأطراف».",
    );
    let a = inc.analyze(&text);
    assert_eq!(a, analyze_staged(&text, &extra));
    assert_eq!(a.entities.len(), first.entities.len() + 1);
    let new = a
        .entities
        .iter()
        .position(|e| e.name == "سالم المنصوري")
        .expect("the new speaker");
    assert!(
        new + 5 < a.entities.len(),
        "entities named after it are renumbered"
    );
    assert_reused(&inc, 8);
}

/// Deleting back to white space at a paragraph's end (its trimmed end moves out of the
/// deleted bytes) and deleting an opening mark typed there (an empty change at the zone's end)
/// keep the attributions outside the edit's zone.
#[test]
fn deleting_at_a_paragraph_end_keeps_the_later_attributions() {
    let text = all_articles();
    let at = middle_paragraph_end(&text);
    let extra = shipped();
    for (typed, kept) in [(" و", " "), (" وقال: «", " وقال: ")] {
        let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
        let mut edited = text.clone();
        edited.insert_str(at, typed);
        let _ = inc.analyze(&edited);
        edited.replace_range(at..at + typed.len(), kept);
        let a = inc.analyze(&edited);
        assert_eq!(a, analyze_staged(&edited, &extra), "{typed:?} → {kept:?}");
        assert_reused(&inc, 9);
    }
}

/// Typing a clause with a new speaker's name, letter by letter, mid-document and deleting it
/// again: half-typed names are learned and found in other paragraphs (their mentions change
/// outside the edit's zone, and the items around them are attributed again); every keystroke's
/// result equals a fresh analysis and keeps at least 80% of the attributions, and a keystroke
/// that changes the entities merges again only the mentions of forms the changed ones can join
/// (under a quarter of the document's); the name-or-speech decisions on quoted spans away from
/// the edit are kept (the half-typed name's mentions elsewhere overlap none of them).
#[test]
fn typing_a_name_letter_by_letter_equals_fresh() {
    // Typed at the end of a paragraph of one article; the half-typed name (المنص) is learned
    // and found in another article's paragraph (in a quotation opening with المنصة).
    let text = all_articles();
    let paragraph = text
        .find("مشيرا إلى أن الرياض وموسكو تتفقان على ضرورة التعاون.")
        .expect("the paragraph");
    let at = paragraph + text[paragraph..].find('\n').expect("a line break");
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let _ = inc.analyze(&text);
    let clause: Vec<char> = " وقال الوزير سالم المنصوري: «سنواصل".chars().collect();
    let mut regroups = 0;
    let steps = (1..=clause.len()).chain((0..clause.len()).rev());
    for (k, n) in steps.enumerate() {
        let typed: String = clause[..n].iter().collect();
        let mut edited = text.clone();
        edited.insert_str(at, &typed);
        let a = inc.analyze(&edited);
        assert_eq!(
            a,
            analyze_staged(&edited, &extra),
            "keystroke {k}: {typed:?}"
        );
        assert_reused(&inc, 8);
        // The half-typed name's mentions elsewhere overlap no quoted span: every decision on
        // the quoted spans outside the edited paragraph is kept.
        let stats = inc.last_quote_reuse();
        assert!(
            stats.names_reused + 2 >= stats.names,
            "keystroke {k}: {typed:?} kept {} of {} name decisions",
            stats.names_reused,
            stats.names
        );
        let mentions: usize = a.entities.iter().map(|e| e.mentions.len()).sum();
        if !inc.last_entities_reused() {
            regroups += 1;
            assert!(
                inc.last_regrouped() * 4 < mentions,
                "keystroke {k}: {typed:?} merged {} of {mentions} mentions again",
                inc.last_regrouped()
            );
        }
    }
    assert!(regroups >= 10, "{regroups} keystrokes changed the entities");
}

/// A person named in an early article, named again mid-document after a title, gains a role:
/// the quotations that resolved a definite phrase with that role's head noun are attributed
/// again, the others keep their attribution, and the result equals a fresh analysis.
#[test]
fn a_title_added_to_a_name_keeps_the_other_attributions() {
    let mut text = all_articles();
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let first = inc.analyze(&text);
    let middle = text.len() / 2;
    // A person with a two-word name and no role, named before the middle: named again after
    // it, with a title.
    let entity = first
        .entities
        .iter()
        .filter(|e| e.kind == qalam::entities::EntityKind::Person && e.roles.is_empty())
        .find(|e| e.name.contains(' ') && e.mentions.iter().all(|m| m.span.start < middle))
        .expect("a person named before the middle");
    let middle = (middle..).find(|&i| text.is_char_boundary(i)).unwrap();
    let at = middle + text[middle..].find('\n').expect("a line break");
    text.insert_str(
        at,
        &format!(" والتقى وزير الخارجية {} بالوفد.", entity.name),
    );
    let a = inc.analyze(&text);
    assert_eq!(a, analyze_staged(&text, &extra));
    let same = a
        .entities
        .iter()
        .find(|e| e.name == entity.name)
        .expect("the same person");
    assert_eq!(same.roles, vec!["وزير الخارجية".to_string()]);
    // Only the definite phrases headed وزير (and those checking modifiers against a resolved
    // entity's roles) are attributed again: 88 of 91 attributions kept (79 when every phrase
    // that read any role was redone).
    assert_reused(&inc, 9);
}

/// The merge of entities is reused after an edit that leaves every mention and role as it was
/// but for its position (a doubled space, a letter typed into an ordinary word) and redone
/// after one that adds a name; every result equals a fresh analysis.
#[test]
fn entity_merge_reused_across_edits_equals_fresh() {
    let arts = articles();
    let mut text = format!("{}\n\n{}\n\n{}", arts[0], arts[1], arts[2]);
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let first = inc.analyze(&text);
    assert!(first.entities.len() > 5, "the articles name people");
    assert!(!inc.last_entities_reused(), "nothing to reuse yet");
    let (mut reused, mut merged) = (0, 0);
    for step in 0..12 {
        let spaces: Vec<usize> = text.match_indices(' ').map(|(i, _)| i).collect();
        let at = spaces[(step * 97 + 13) % spaces.len()];
        let piece = match step % 3 {
            0 => " ",
            1 => "ن",
            _ => " وقال الرئيس فلاديمير بوتين",
        };
        text.insert_str(at, piece);
        let a = inc.analyze(&text);
        assert_eq!(a, analyze_staged(&text, &extra), "step {step}");
        if inc.last_entities_reused() {
            reused += 1;
        } else {
            merged += 1;
        }
        if step % 3 == 2 {
            assert!(!inc.last_entities_reused(), "a new name is merged again");
        }
    }
    assert!(reused >= 4, "{reused} of 12 edits reused the merge");
    assert!(merged >= 4, "{merged} of 12 edits merged again");
}

/// Names in quotation marks: the decision on a quoted span far from an edit is taken from the
/// last analysis, and made again when the edit changes what it reads — here the entity
/// mention over a quoted word, which a name taught three paragraphs earlier adds (rule 1: a
/// span covered by mentions is a name, even after a complementizer).
#[test]
fn name_decisions_reused_across_edits_equal_fresh() {
    let teach = "قال الرئيس الفرنسي إيمانويل ماكرون إن البلاد بخير.";
    let quoted = "وأضاف المتحدث أن «ماكرون» سيحضر القمة، وأعلن تنظيم «داعش» مسؤوليته.";
    let filler = "وذكرت الصحيفة أن الاجتماع انتهى دون اتفاق بعد ساعات من النقاش.";
    let mut text = articles()[0].clone();
    text.push_str("\n\n");
    text.push_str(teach);
    for _ in 0..3 {
        text.push_str("\n\n");
        text.push_str(filler);
    }
    text.push_str("\n\n");
    text.push_str(quoted);
    text.push('\n');
    let extra = shipped();
    let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
    let first = inc.analyze(&text);
    let speech = |a: &qalam::Analysis, t: &str, word: &str| {
        a.quotes.quotes.iter().any(|q| q.text(t) == word)
    };
    assert!(
        !speech(&first, &text, "ماكرون"),
        "a taught name: not speech"
    );
    assert_eq!(
        inc.last_quote_reuse().names_reused,
        0,
        "nothing to reuse yet"
    );

    // A letter typed into the filler: every decision is the last one.
    let at = text.find(filler).expect("filler") + filler.find("الاجتماع").expect("word");
    text.insert(at, 'ن');
    let a = inc.analyze(&text);
    assert_eq!(a, analyze_staged(&text, &extra));
    let stats = inc.last_quote_reuse();
    assert!(stats.names >= 2, "{stats:?}");
    assert_eq!(stats.names_reused, stats.names, "{stats:?}");

    // The teaching name removed three paragraphs up: «ماكرون» loses its mention and is speech.
    let name = "إيمانويل ماكرون ";
    let at = text.find(name).expect("teaching name");
    text.replace_range(at..at + name.len(), "");
    let a = inc.analyze(&text);
    assert_eq!(a, analyze_staged(&text, &extra));
    assert!(speech(&a, &text, "ماكرون"), "no mention left: speech");
    let stats = inc.last_quote_reuse();
    assert!(stats.names_reused < stats.names, "{stats:?}");

    // An edit just before the span, which it does not touch: without the complementizer the
    // span has no reporting context and is a name again (rule 3).
    let complementizer = "المتحدث أن ";
    let c = text.find(complementizer).expect("complementizer") + "المتحدث ".len();
    text.replace_range(c..c + "أن ".len(), "");
    let a = inc.analyze(&text);
    assert_eq!(a, analyze_staged(&text, &extra));
    assert!(!speech(&a, &text, "ماكرون"), "no reporting context: a name");
    text.insert_str(c, "أن ");
    let a = inc.analyze(&text);
    assert_eq!(a, analyze_staged(&text, &extra));
    assert!(speech(&a, &text, "ماكرون"));

    // And back.
    text.insert_str(at, name);
    let a = inc.analyze(&text);
    assert_eq!(a, analyze_staged(&text, &extra));
    assert!(!speech(&a, &text, "ماكرون"));
}
