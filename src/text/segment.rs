//! Paragraphs, blocks and sentences.
//!
//! A paragraph is one non-blank line (news text puts one paragraph on a line; editors wrap it),
//! without its line terminator or surrounding white space. Sentences end at . ! ? ؟ … or the
//! paragraph's end; a full stop after a one-letter abbreviation (د. أ.) or between digits does not end one.
//! A block ([`blocks`]) is a paragraph, or a run of sentences of a paragraph longer than
//! [`LONG_PARAGRAPH_BYTES`]: the unit the analysis caches.

use super::Span;
use super::normalize::{fold_str, is_ignorable};
use super::token::{is_arabic_letter, is_bidi_control, is_digit};

/// The paragraphs of `text` in order (byte spans, trimmed of surrounding white space).
///
/// Lines end at `\n`, `\r\n` or `\r` (as in [`super::position`]); U+2028 is not a line break.
/// Blank lines (only white space or bidi controls) give no paragraph.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut line_start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        let at_end = i == bytes.len();
        if at_end || bytes[i] == b'\n' || bytes[i] == b'\r' {
            if let Some(span) = trim(text, Span::new(line_start, i)) {
                out.push(span);
            }
            if at_end {
                break;
            }
            i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            line_start = i;
        } else {
            i += 1;
        }
    }
    out
}

/// White space and invisible format characters trimmed off segment ends.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_bidi_control(c) || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}')
}

/// `span` without leading and trailing blanks; `None` when nothing is left.
fn trim(text: &str, span: Span) -> Option<Span> {
    let s = span.slice(text);
    let t = s.trim_start_matches(is_blank);
    let start = span.start + (s.len() - t.len());
    let t = t.trim_end_matches(is_blank);
    (!t.is_empty()).then(|| Span::new(start, start + t.len()))
}

/// Characters that end a sentence.
fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '…')
}

/// Closing marks that stay with the sentence they follow (`قال: «انتهى.»`).
fn is_closer(c: char) -> bool {
    matches!(c, '»' | '”' | '"' | '\'' | '’' | '›' | ')' | ']')
}

/// True when the full stop at byte `dot` of `para` belongs to a one-letter abbreviation (د. أ. U.)
/// or sits between two digits (3.5).
fn dot_is_not_an_end(para: &str, dot: usize) -> bool {
    let before = &para[..dot];
    let after = &para[dot + 1..];
    let prev = before.chars().next_back();
    if prev.is_some_and(is_digit) && after.chars().next().is_some_and(is_digit) {
        return true;
    }
    // The word before the dot, diacritics skipped: exactly one letter.
    let word: Vec<char> = before
        .chars()
        .rev()
        .skip_while(|&c| is_ignorable(c))
        .take_while(|&c| c.is_alphabetic() || is_ignorable(c))
        .filter(|&c| !is_ignorable(c))
        .take(2)
        .collect();
    word.len() == 1
}

/// The sentences of `text` in order (byte spans, trimmed), never crossing a paragraph.
///
/// A sentence ends after a run of terminators (. ! ? ؟ …) and any closing marks right after it
/// (» ” " ' › ) ]). A full stop ends a sentence only when white space or the paragraph's end
/// follows the run (so `example.com` does not split), and never after a one-letter abbreviation
/// (د. أ.) or between digits.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for para in paragraphs(text) {
        paragraph_sentences(text, para, &mut out);
    }
    out
}

/// Appends to `out` the sentences of the paragraph `para` of `text` ([`sentences`]' rule).
fn paragraph_sentences(text: &str, para: Span, out: &mut Vec<Span>) {
    let p = para.slice(text);
    let mut start = 0;
    let mut iter = p.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !is_terminator(c) || (c == '.' && dot_is_not_an_end(p, i)) {
            continue;
        }
        let mut end = i + c.len_utf8();
        let mut only_dots = c == '.';
        while let Some(&(j, d)) = iter.peek() {
            if is_terminator(d) || is_closer(d) {
                only_dots &= d != '!' && d != '?' && d != '؟' && d != '…';
                end = j + d.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        let next = p[end..].chars().next();
        if only_dots && next.is_some_and(|n| !n.is_whitespace()) {
            continue;
        }
        if let Some(s) = trim(text, Span::new(para.start + start, para.start + end)) {
            out.push(s);
        }
        start = end;
    }
    if let Some(s) = trim(text, Span::new(para.start + start, para.end)) {
        out.push(s);
    }
}

/// A paragraph longer than this (bytes) is split into blocks ([`blocks`]). News paragraphs
/// are far shorter (the seed article's longest is under 1 KB); a text pasted without line
/// breaks, or a book converted with one line per chapter, is not.
pub const LONG_PARAGRAPH_BYTES: usize = 16 * 1024;
/// A block of a long paragraph ends only after at least this many bytes…
pub const MIN_BLOCK_BYTES: usize = 4 * 1024;
/// …and always at the first sentence end after this many bytes.
pub const MAX_BLOCK_BYTES: usize = 32 * 1024;
/// Between the two, a block ends after a sentence whose hash ([`fnv1a`] of its bytes) is a
/// multiple of this: one sentence in 16, so that blocks average about 8 KB of news text.
const CUT_ODDS: u64 = 16;

/// The blocks of `text`, in order (byte spans, trimmed): each paragraph ([`paragraphs`]) of
/// at most [`LONG_PARAGRAPH_BYTES`] is one block; a longer one is cut between sentences
/// ([`sentences`]) into blocks of [`MIN_BLOCK_BYTES`] to about [`MAX_BLOCK_BYTES`] (a block
/// is longer when a sentence in it is, or when it ends the paragraph).
///
/// A cut falls after a sentence whose own bytes hash to a multiple of `CUT_ODDS` (the
/// content-defined chunking of rsync and LBFS — Muthitacharoen, Chen and Mazières, "A
/// low-bandwidth network file system", SOSP 2001 — with sentences for windows), at least
/// [`MIN_BLOCK_BYTES`] into the block, or after the first sentence end past [`MAX_BLOCK_BYTES`];
/// but not where a Latin `,` `;` or `?` lies between the last letter before the cut and the
/// first letter after it (`latin-punctuation` reads the nearest words on both sides). A line
/// A sentence longer than [`LONG_PARAGRAPH_BYTES`] (a line with no `. ! ? ؟ …` followed by
/// white space: unpunctuated text, or `انتهى.وقال` with no space after its full stops) is also
/// cut inside, before a preposition ([`cut_long_sentence`]). So the cuts depend on the
/// sentences and words around them, not on their offsets: an edit moves the cuts of its own
/// block at most, and the blocks after it are the same texts as before, which the analysis's
/// cache finds again. No token crosses a cut (cuts fall in white space), so the tokens of the
/// blocks are the tokens of the text.
pub fn blocks(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut sentences = Vec::new();
    for para in paragraphs(text) {
        if para.len() <= LONG_PARAGRAPH_BYTES {
            out.push(para);
            continue;
        }
        sentences.clear();
        paragraph_sentences(text, para, &mut sentences);
        let mut start = para.start;
        for (k, s) in sentences.iter().enumerate() {
            if s.len() > LONG_PARAGRAPH_BYTES {
                start = cut_long_sentence(text, *s, start, &mut out);
            }
            let Some(next) = sentences.get(k + 1) else {
                break;
            };
            let sentence = s.slice(text);
            let len = s.end - start;
            let cut = len >= MAX_BLOCK_BYTES
                || (len >= MIN_BLOCK_BYTES && fnv1a(sentence.as_bytes()) % CUT_ODDS == 0);
            if cut && no_latin_mark_between(sentence, next.slice(text)) {
                out.push(Span::new(start, s.end));
                start = next.start;
            }
        }
        out.push(Span::new(start, para.end));
    }
    out
}

/// The prepositions a long sentence is cut before ([`cut_long_sentence`]), as written with and
/// without hamza and with ى or ي: a preposition starts a phrase and is itself never a name, so
/// a cut before it seldom parts a name from its title or its other half. في, the most frequent,
/// is left out: it also spells the letter V in acronyms (بي في), which `repeated-word` reads.
const CUT_BEFORE: [&str; 7] = ["من", "عن", "على", "علي", "إلى", "إلي", "الى"];

/// Appends to `out` the blocks that end inside the sentence `sentence` of `text` (longer than
/// [`LONG_PARAGRAPH_BYTES`]), the current block having started at `start`; returns where the
/// block after the last cut starts (`start` when there is none).
///
/// The sentence is cut in the white space before a preposition ([`CUT_BEFORE`]) at least
/// [`MIN_BLOCK_BYTES`] into the block when the [`fnv1a`] hash of the three words around the
/// cut (the one before, the preposition and the one after) is a multiple of `CUT_ODDS` (about
/// one preposition in 16: in news text, blocks of about 8 KB), or before the first such
/// preposition past [`MAX_BLOCK_BYTES`]; in text without them (a list of names), at the first
/// white space past twice [`MAX_BLOCK_BYTES`]. Every cut lies between four whole Arabic words
/// (two each side, nothing but letters and marks), no two neighbours equal once folded, so no
/// diagnostic reads across it (`repeated-word` and its acronym rule, `latin-punctuation`,
/// `space-before-punctuation`).
fn cut_long_sentence(text: &str, sentence: Span, mut start: usize, out: &mut Vec<Span>) -> usize {
    // The sentence's words: maximal runs of non-white-space characters.
    let mut words: Vec<Span> = Vec::new();
    let mut word_start = None;
    for (i, c) in sentence.slice(text).char_indices() {
        match (c.is_whitespace(), word_start) {
            (true, Some(at)) => {
                words.push(Span::new(sentence.start + at, sentence.start + i));
                word_start = None;
            }
            (false, None) => word_start = Some(i),
            _ => {}
        }
    }
    if let Some(at) = word_start {
        words.push(Span::new(sentence.start + at, sentence.end));
    }
    // Folded only around candidate cuts: this runs on every analysis of the text.
    let folded = |w: Span| {
        let w = w.slice(text);
        (!w.is_empty() && w.chars().all(is_arabic_letter)).then(|| fold_str(w))
    };
    for i in 2..words.len().saturating_sub(1) {
        let len = words[i - 1].end - start;
        let preposition = CUT_BEFORE.contains(&words[i].slice(text));
        if len < MIN_BLOCK_BYTES || !(preposition || len >= 2 * MAX_BLOCK_BYTES) {
            continue;
        }
        let [Some(pp), Some(prev), Some(word), Some(next)] =
            [i - 2, i - 1, i, i + 1].map(|j| folded(words[j]))
        else {
            continue;
        };
        if pp == prev || prev == word || word == next {
            continue;
        }
        let hashed = || {
            let three = &text[words[i - 1].start..words[i + 1].end];
            fnv1a(three.as_bytes()) % CUT_ODDS == 0
        };
        let cut =
            (preposition && (len >= MAX_BLOCK_BYTES || hashed())) || len >= 2 * MAX_BLOCK_BYTES;
        if cut {
            out.push(Span::new(start, words[i - 1].end));
            start = words[i].start;
        }
    }
    start
}

/// True when no Latin comma, semicolon or question mark lies between the last letter of
/// `sentence` and the first letter of `next`: `latin-punctuation` judges such a mark by the
/// nearest words on both sides (`diagnostics::punctuation`), which a cut there would put in
/// two blocks.
fn no_latin_mark_between(sentence: &str, next: &str) -> bool {
    let tail = sentence
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let head = next.find(char::is_alphabetic).unwrap_or(next.len());
    !sentence[tail..].contains([',', ';', '?']) && !next[..head].contains([',', ';', '?'])
}

/// The 64-bit FNV-1a hash of `bytes` (Fowler, Noll and Vo; the parameters of
/// <http://www.isthe.com/chongo/tech/comp/fnv/>): the same value on every platform and run.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, spans: Vec<Span>) -> Vec<&str> {
        spans.iter().map(|s| s.slice(text)).collect()
    }

    #[test]
    fn paragraphs_are_non_blank_lines() {
        let text = "  الفقرة الأولى. \r\n\r\n\tالثانية\rالثالثة\u{2028}تكملة\n \u{200F}\n";
        assert_eq!(
            texts(text, paragraphs(text)),
            vec!["الفقرة الأولى.", "الثانية", "الثالثة\u{2028}تكملة"]
        );
        assert!(paragraphs("").is_empty());
        assert!(paragraphs("\n\r\n  ").is_empty());
    }

    #[test]
    fn sentences_end_at_terminators() {
        let text =
            "قال المتحدث إن الاجتماع انتهى. وأضاف: «لا جديد!» هل ينتهي؟ ربما… ثم غادر\nفقرة ثانية";
        assert_eq!(
            texts(text, sentences(text)),
            vec![
                "قال المتحدث إن الاجتماع انتهى.",
                "وأضاف: «لا جديد!»",
                "هل ينتهي؟",
                "ربما…",
                "ثم غادر",
                "فقرة ثانية"
            ]
        );
    }

    #[test]
    fn abbreviations_numbers_and_urls_do_not_end_sentences() {
        let text =
            "التقى د. أحمد بالسفير U. Smith وارتفع النمو 3.5 بالمئة. زوروا example.com اليوم!? نعم";
        assert_eq!(
            texts(text, sentences(text)),
            vec![
                "التقى د. أحمد بالسفير U. Smith وارتفع النمو 3.5 بالمئة.",
                "زوروا example.com اليوم!?",
                "نعم"
            ]
        );
        // A diacritic on the abbreviation letter changes nothing.
        let text = "قال دُ. سالم ذلك.";
        assert_eq!(texts(text, sentences(text)), vec!["قال دُ. سالم ذلك."]);
    }

    /// Our evaluation articles on one line each, joined by `sep`.
    fn articles(sep: &str) -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/eval/docs");
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .expect("eval/docs")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".txt"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|n| {
                let text = std::fs::read_to_string(format!("{dir}/{n}")).expect("article");
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect::<Vec<_>>()
            .join(sep)
    }

    #[test]
    fn short_paragraphs_are_their_own_blocks() {
        let text = articles("\n\n");
        assert!(paragraphs(&text).len() >= 30);
        assert_eq!(blocks(&text), paragraphs(&text));
    }

    #[test]
    fn a_long_paragraph_is_cut_between_sentences() {
        let text = format!("فقرة قصيرة.\n{}\n", articles(" "));
        let line = paragraphs(&text)[1];
        assert!(
            line.len() > 2 * LONG_PARAGRAPH_BYTES,
            "{} bytes",
            line.len()
        );
        let bs = blocks(&text);
        assert_eq!(bs[0].slice(&text), "فقرة قصيرة.");
        let cut = &bs[1..];
        assert!(cut.len() >= 3, "{} blocks", cut.len());
        assert_eq!(
            (cut[0].start, cut[cut.len() - 1].end),
            (line.start, line.end)
        );
        let ends: Vec<usize> = sentences(&text).iter().map(|s| s.end).collect();
        for (k, b) in cut.iter().enumerate() {
            assert!(ends.contains(&b.end), "block {k} ends inside a sentence");
            if k + 1 < cut.len() {
                assert!(b.len() >= MIN_BLOCK_BYTES, "block {k}: {} bytes", b.len());
                // Only white space between blocks.
                assert!(text[b.end..cut[k + 1].start].trim().is_empty());
            }
        }
        // No token crosses a cut: the blocks' tokens are the line's.
        let spans = |toks: Vec<crate::text::token::Token>, at: usize| {
            toks.into_iter()
                .map(|t| (t.span.start + at, t.span.end + at))
                .collect::<Vec<_>>()
        };
        let whole = spans(crate::text::token::tokenize(line.slice(&text)), line.start);
        let parts: Vec<_> = cut
            .iter()
            .flat_map(|b| spans(crate::text::token::tokenize(b.slice(&text)), b.start))
            .collect();
        assert_eq!(parts, whole);
    }

    /// Sentences that open with a quotation mark or a dash are cut between like any others; a
    /// Latin question mark at a sentence's end keeps the cut away from it.
    #[test]
    fn quotation_openings_are_cut_before_latin_marks_are_not() {
        let quoted = articles(" ")
            .split(". ")
            .map(|s| format!("«{s}»."))
            .collect::<Vec<_>>()
            .join(" ");
        let bs = blocks(&quoted);
        assert!(bs.len() >= 3, "{} blocks", bs.len());
        assert!(bs[1..].iter().all(|b| quoted[b.start..].starts_with('«')));
        let asked = articles(" ").replace(". ", "? ");
        assert!(asked.len() > 2 * LONG_PARAGRAPH_BYTES);
        assert_eq!(blocks(&asked).len(), 1);
        assert!(no_latin_mark_between("قال: «نعم».", "ثم غادر"));
        assert!(!no_latin_mark_between("What?", "قال"));
        assert!(!no_latin_mark_between("انتهى.", ", ثم"));
        assert!(no_latin_mark_between("في 2024.", "«وقال»"));
    }

    /// The cuts depend on the sentences, not on offsets: a letter typed into the first block
    /// leaves every later block's text as it was.
    #[test]
    fn an_edit_keeps_the_later_blocks() {
        let text = articles(" ");
        let before: Vec<&str> = blocks(&text).iter().map(|b| b.slice(&text)).collect();
        let at = text.find(' ').expect("a space") + 1;
        let edited = format!("{}ن{}", &text[..at], &text[at..]);
        let after: Vec<&str> = blocks(&edited).iter().map(|b| b.slice(&edited)).collect();
        assert_eq!(after.len(), before.len());
        assert_ne!(after[0], before[0]);
        assert_eq!(after[1..], before[1..]);
    }

    /// A line with no sentence end is cut before prepositions, between whole Arabic words, and
    /// an edit in its first block leaves the later blocks as they were.
    #[test]
    fn a_line_without_sentence_ends_is_cut_before_prepositions() {
        let text: String = articles(" ")
            .chars()
            .filter(|c| !matches!(c, '.' | '!' | '?' | '؟' | '…'))
            .collect();
        assert_eq!(sentences(&text).len(), 1);
        let bs = blocks(&text);
        assert!(bs.len() >= 3, "{} blocks", bs.len());
        let is_word = |w: &str| !w.is_empty() && w.chars().all(is_arabic_letter);
        for (k, pair) in bs.windows(2).enumerate() {
            let (a, b) = (pair[0], pair[1]);
            assert!(a.len() >= MIN_BLOCK_BYTES, "block {k}: {} bytes", a.len());
            assert!(text[a.end..b.start].chars().all(char::is_whitespace));
            let next = b.slice(&text).split(' ').next().expect("a word");
            assert!(
                CUT_BEFORE.contains(&next),
                "block {} starts with {next}",
                k + 1
            );
            let last = a.slice(&text).rsplit(' ').next().expect("a word");
            assert!(is_word(last), "block {k} ends with {last}");
        }
        let at = text.find(' ').expect("a space") + 1;
        let edited = format!("{}ن{}", &text[..at], &text[at..]);
        let after = texts(&edited, blocks(&edited));
        assert_eq!(after[1..], texts(&text, bs.clone())[1..]);
    }

    /// Words without a preposition among them are cut at white space past twice
    /// `MAX_BLOCK_BYTES`, but never next to a repeated word (`repeated-word` reads across).
    #[test]
    fn a_line_without_prepositions_is_cut_at_white_space() {
        let names = ["سالم", "نادية", "كريم", "هدى", "يوسف", "ليلى", "عمر"];
        let words: Vec<String> = (0..20_000)
            .map(|i| names[(i * i + i / 7) % names.len()].to_owned())
            .collect();
        let text = words.join(" ");
        let bs = blocks(&text);
        assert!(bs.len() >= 2, "{} blocks", bs.len());
        for pair in bs.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            assert!(a.len() >= 2 * MAX_BLOCK_BYTES);
            let before: Vec<&str> = a.slice(&text).rsplit(' ').take(2).collect();
            let after: Vec<&str> = b.slice(&text).split(' ').take(2).collect();
            assert_ne!(before[0], before[1]);
            assert_ne!(before[0], after[0]);
            assert_ne!(after[0], after[1]);
        }
        // Doubled words everywhere: no place to cut.
        let doubled = words
            .iter()
            .map(|w| format!("{w} {w}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(blocks(&doubled).len(), 1);
    }

    #[test]
    fn ellipsis_of_dots_ends_once() {
        let text = "انتظر... ثم تكلم.";
        assert_eq!(texts(text, sentences(text)), vec!["انتظر...", "ثم تكلم."]);
    }
}
