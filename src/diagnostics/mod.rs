//! Diagnostics for the writer: broken quotation marks, inconsistent spelling, punctuation.
//!
//! Every diagnostic has a stable [`Code`], a default [`Severity`], a message in Arabic and in
//! English, and (for `inconsistent-spelling` and `mixed-orthography`) related locations.
//!
//! One submodule per concern: [`quotes`] (quotation marks), [`spelling`] (entity spellings),
//! [`orthography`] (one word written two ways), [`punctuation`] (Latin punctuation, space
//! before punctuation), [`words`] (repeated words), [`bidi`] (bidi controls) and
//! [`confusable`] (look-alike letters and digits from other scripts inside Arabic words). Each
//! returns its diagnostics; [`check`] merges and sorts them.
//!
//! Punctuation, repeated words, bidi controls and confusable letters never look across a line
//! break: the analysis computes them per paragraph ([`paragraph_checks`], cached with the
//! paragraph) and [`check_paragraphs`] adds the document-level ones (quotation marks,
//! inconsistent spelling, mixed orthography) — the same result as [`check`].

pub mod bidi;
pub mod confusable;
pub mod orthography;
pub mod punctuation;
pub mod quotes;
pub mod spelling;
pub mod words;

use std::sync::Arc;

use serde::Serialize;

use crate::entities::{Entity, MentionOrder};
use crate::quotes::QuoteScan;
use crate::text::Span;
use crate::text::token::{Token, TokenKind};

/// A diagnostic's stable code (its `code` field over LSP and in JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// An opening quotation mark never closed.
    UnclosedQuote,
    /// A closing quotation mark with no opening one.
    UnmatchedClosingQuote,
    /// A quotation with no speaker found.
    UnattributedQuote,
    /// White space just inside a quotation's marks.
    SpaceInsideQuotes,
    /// One entity written two ways.
    InconsistentSpelling,
    /// One word written with two orthographies (فى / في).
    MixedOrthography,
    /// Latin , ; ? in Arabic text.
    LatinPunctuation,
    /// White space before punctuation.
    SpaceBeforePunctuation,
    /// The same word twice in a row.
    RepeatedWord,
    /// An invisible bidi override, embedding or isolate (U+202A–U+202E, U+2066–U+2069).
    BidiControl,
    /// A look-alike letter or digit of another script or language inside an Arabic word or
    /// number (Persian ک ی, Urdu ہ, Latin or Cyrillic о…).
    ConfusableLetter,
}

impl Code {
    /// All codes, in declaration order.
    pub const ALL: [Code; 11] = [
        Code::UnclosedQuote,
        Code::UnmatchedClosingQuote,
        Code::UnattributedQuote,
        Code::SpaceInsideQuotes,
        Code::InconsistentSpelling,
        Code::MixedOrthography,
        Code::LatinPunctuation,
        Code::SpaceBeforePunctuation,
        Code::RepeatedWord,
        Code::BidiControl,
        Code::ConfusableLetter,
    ];

    /// The kebab-case code string, e.g. `"unclosed-quote"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnclosedQuote => "unclosed-quote",
            Code::UnmatchedClosingQuote => "unmatched-closing-quote",
            Code::UnattributedQuote => "unattributed-quote",
            Code::SpaceInsideQuotes => "space-inside-quotes",
            Code::InconsistentSpelling => "inconsistent-spelling",
            Code::MixedOrthography => "mixed-orthography",
            Code::LatinPunctuation => "latin-punctuation",
            Code::SpaceBeforePunctuation => "space-before-punctuation",
            Code::RepeatedWord => "repeated-word",
            Code::BidiControl => "bidi-control",
            Code::ConfusableLetter => "confusable-letter",
        }
    }

    /// Parses a code string.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The default severity of this code.
    pub fn default_severity(self) -> Severity {
        match self {
            Code::UnclosedQuote
            | Code::UnmatchedClosingQuote
            | Code::InconsistentSpelling
            | Code::LatinPunctuation
            | Code::RepeatedWord
            | Code::BidiControl
            | Code::ConfusableLetter => Severity::Warning,
            Code::UnattributedQuote
            | Code::MixedOrthography
            | Code::SpaceInsideQuotes
            | Code::SpaceBeforePunctuation => Severity::Information,
        }
    }
}

/// Severity, ordered from most to least severe (LSP's numbering: error = 1 … hint = 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// LSP 1.
    Error,
    /// LSP 2.
    Warning,
    /// LSP 3.
    Information,
    /// LSP 4.
    Hint,
}

impl Severity {
    /// `"error" | "warning" | "information" | "hint"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }

    /// Parses the names above.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "information" | "info" => Some(Severity::Information),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// The language diagnostics and hovers are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Arabic.
    Ar,
    /// English.
    #[default]
    En,
}

impl Lang {
    /// From a BCP 47 locale such as `"ar"`, `"ar-EG"`, `"en-US"`: Arabic for `ar*`, else English.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("ar") {
            Lang::Ar
        } else {
            Lang::En
        }
    }
}

/// A message in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Arabic text.
    pub ar: String,
    /// English text.
    pub en: String,
}

impl Message {
    /// A message from its Arabic and English text.
    pub fn new(ar: impl Into<String>, en: impl Into<String>) -> Self {
        Message {
            ar: ar.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        }
    }
}

/// A location related to a diagnostic (LSP `DiagnosticRelatedInformation`, same document).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Related {
    /// Where (bytes).
    pub span: Span,
    /// What it is.
    pub message: Message,
}

/// A diagnostic for the writer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Where (bytes, original text).
    pub span: Span,
    /// Stable code.
    pub code: Code,
    /// Severity (the code's default).
    pub severity: Severity,
    /// The message.
    pub message: Message,
    /// Related locations.
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic at `span` with `code`'s default severity and no related locations.
    pub fn new(span: Span, code: Code, message: Message) -> Self {
        Diagnostic {
            span,
            code,
            severity: code.default_severity(),
            message,
            related: Vec::new(),
        }
    }

    /// The same diagnostic with one more related location.
    pub fn with_related(mut self, span: Span, message: Message) -> Self {
        self.related.push(Related { span, message });
        self
    }
}

/// The most diagnostics of one [`Code`] that [`check`] returns for one document: the first
/// `MAX_PER_CODE` in position order are kept, the rest dropped, so that a pathological file
/// (64 KB of `«`, a generated table of repeated words) cannot flood a client with tens of
/// thousands of diagnostics. Well-edited prose never comes near it.
pub const MAX_PER_CODE: usize = 1000;

/// The most characters of the writer's text that a message quotes (a word, a name, the start
/// of a quotation); longer excerpts are cut there and end with "…". See [`excerpt`].
pub const MAX_EXCERPT_CHARS: usize = 40;

/// All diagnostics of `text`, sorted by position (span start, then end, then code), at most
/// [`MAX_PER_CODE`] of each code (the first ones in that order).
///
/// `tokens` is [`crate::text::token::tokenize`]'s output for `text`, `entities` and `quotes` the
/// analysis layers' results for it. Spans coming from them that do not fit `text` are skipped,
/// never trusted blindly: this never panics. Every excerpt of the text quoted in a message is at
/// most [`MAX_EXCERPT_CHARS`] characters long, so messages stay short whatever the input.
///
/// The same pieces as [`check_paragraphs`] (which the analysis uses, with the paragraph-local
/// part cached per paragraph): [`document_checks`] plus [`local_checks`] over the whole text,
/// then [`finish`].
pub fn check(
    text: &str,
    tokens: &[Token],
    entities: &[Entity],
    quotes: &QuoteScan,
) -> Vec<Diagnostic> {
    let words = orthography::orthography_words(text, tokens);
    let mut out = document_checks(text, &[(0, &words)], entities, quotes);
    out.extend(local_checks(text, tokens));
    finish(out)
}

/// The diagnostics that look only at one paragraph, in this order: `latin-punctuation`,
/// `space-before-punctuation`, `repeated-word`, `bidi-control`, `confusable-letter` (unsorted;
/// each code's diagnostics in text order). `tokens` is [`crate::text::token::tokenize`]`(text)`;
/// spans are byte ranges of `text`.
///
/// None of them looks across a line break, so on a whole text they give exactly the union of
/// their results on its paragraphs (shifted), plus the two cases outside every paragraph that
/// [`check_paragraphs`] adds itself: bidi controls in the blanks between paragraphs, and white
/// space before a punctuation mark that opens a paragraph.
pub fn local_checks(text: &str, tokens: &[Token]) -> Vec<Diagnostic> {
    let mut out = punctuation::latin_punctuation(text, tokens);
    out.extend(punctuation::space_before_punctuation(text, tokens));
    out.extend(words::repeated_word(text, tokens));
    out.extend(bidi::bidi_controls(text));
    out.extend(confusable::confusable_letters(text, tokens));
    out
}

/// What the diagnostics keep of one paragraph (the paragraph stage's part, a pure function of
/// the paragraph's text): its [`local_checks`] and the words `mixed-orthography` compares.
/// Every span is a byte range of the paragraph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParagraphChecks {
    /// The paragraph's length (bytes).
    pub len: usize,
    /// [`local_checks`] of the paragraph.
    pub local: Vec<Diagnostic>,
    /// [`orthography::orthography_words`] of the paragraph.
    pub words: Arc<[orthography::OrthographyWord]>,
}

/// The paragraph stage's diagnostics work for one `paragraph` (a block of
/// [`crate::text::segment::blocks`]) and its `tokens` (spans relative to the paragraph).
pub fn paragraph_checks(paragraph: &str, tokens: &[Token]) -> ParagraphChecks {
    ParagraphChecks {
        len: paragraph.len(),
        local: local_checks(paragraph, tokens),
        words: orthography::orthography_words(paragraph, tokens),
    }
}

/// The diagnostics that need the whole document (unsorted): the quotation diagnostics of
/// `quotes`, `inconsistent-spelling` over `entities`, and `mixed-orthography` over the words
/// `words` (each paragraph's byte offset in `text` and its [`orthography::orthography_words`],
/// in text order).
pub fn document_checks(
    text: &str,
    words: &[(usize, &Arc<[orthography::OrthographyWord]>)],
    entities: &[Entity],
    quotes: &QuoteScan,
) -> Vec<Diagnostic> {
    let mut out = self::quotes::check(text, quotes);
    out.extend(entity_checks(text, words, entities));
    out
}

/// The part of [`document_checks`] that needs the entities but not the quotations
/// (`inconsistent-spelling`, then `mixed-orthography`; unsorted), so that it can run while the
/// quotations are scanned.
pub fn entity_checks(
    text: &str,
    words: &[(usize, &Arc<[orthography::OrthographyWord]>)],
    entities: &[Entity],
) -> Vec<Diagnostic> {
    entity_checks_reusing(
        text,
        words,
        entities,
        &MentionOrder::of(entities),
        &mut EntityChecksMemo::default(),
    )
}

/// What [`entity_checks_reusing`] keeps from one version of a document to the next:
/// `inconsistent-spelling`'s findings per entity and the document's words by orthography key.
/// Neither changes a result; `EntityChecksMemo::default()` is empty.
#[derive(Debug, Default)]
pub struct EntityChecksMemo {
    /// [`spelling::inconsistent_spelling_reusing`]'s memo.
    pub spelling: spelling::SpellingMemo,
    /// `mixed-orthography`'s index of the last version's paragraphs.
    pub orthography: orthography::OrthographyIndex,
}

/// [`entity_checks`] with `inconsistent-spelling`'s findings for unchanged entities taken from
/// `memo` ([`spelling::inconsistent_spelling_reusing`]) and `mixed-orthography` from its index
/// updated by the paragraphs that changed ([`orthography::OrthographyIndex::check`]); `memo` is
/// left holding this call's. `order` is the entities' mentions in text order. The result is the
/// same.
pub fn entity_checks_reusing(
    text: &str,
    words: &[(usize, &Arc<[orthography::OrthographyWord]>)],
    entities: &[Entity],
    order: &MentionOrder,
    memo: &mut EntityChecksMemo,
) -> Vec<Diagnostic> {
    let mut out = spelling::inconsistent_spelling_reusing(text, entities, &mut memo.spelling);
    out.extend(memo.orthography.check(words, order.spans()));
    out
}

/// [`entity_checks`] from the paragraph stage's results (`parts` as in [`check_paragraphs`]).
pub fn entity_checks_paragraphs(
    text: &str,
    parts: &[ParagraphPart<'_>],
    entities: &[Entity],
) -> Vec<Diagnostic> {
    entity_checks(text, &paragraph_words(parts), entities)
}

/// [`entity_checks_paragraphs`] with a memo and the mentions in order, as
/// [`entity_checks_reusing`].
pub fn entity_checks_paragraphs_reusing(
    text: &str,
    parts: &[ParagraphPart<'_>],
    entities: &[Entity],
    order: &MentionOrder,
    memo: &mut EntityChecksMemo,
) -> Vec<Diagnostic> {
    entity_checks_reusing(text, &paragraph_words(parts), entities, order, memo)
}

/// Each paragraph's byte offset and orthography words.
fn paragraph_words<'p>(
    parts: &[ParagraphPart<'p>],
) -> Vec<(usize, &'p Arc<[orthography::OrthographyWord]>)> {
    parts
        .iter()
        .map(|&(offset, _, p)| (offset, &p.words))
        .collect()
}

/// Sorts `diagnostics` by position (span start, then end, then code; stable) and keeps the
/// first [`MAX_PER_CODE`] of each code.
pub fn finish(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end, d.code));
    cap_per_code(&mut diagnostics, MAX_PER_CODE);
    diagnostics
}

/// One paragraph as [`check_paragraphs`] reads it: its byte offset in the text, its first
/// token's kind and span (relative to the paragraph; `None` for no token) and its
/// [`ParagraphChecks`].
pub type ParagraphPart<'a> = (usize, Option<(TokenKind, Span)>, &'a ParagraphChecks);

/// [`check`] from the paragraph stage's results: `parts` holds, in text order, each
/// paragraph's byte offset in `text` (the blocks of [`crate::text::segment::blocks`]),
/// its first token (kind and span relative to the paragraph, if any) and its
/// [`ParagraphChecks`]. Equal to [`check`]`(text, tokens, entities, quotes)` when `tokens` are
/// the paragraphs' tokens. Cost: the document-level checks, plus a shift of the paragraphs'
/// local diagnostics — only the ones kept after sorting and capping are cloned.
pub fn check_paragraphs(
    text: &str,
    parts: &[ParagraphPart<'_>],
    entities: &[Entity],
    quotes: &QuoteScan,
) -> Vec<Diagnostic> {
    let by_entities = entity_checks_paragraphs(text, parts, entities);
    check_paragraphs_with(text, parts, by_entities, quotes)
}

/// [`check_paragraphs`] with its [`entity_checks_paragraphs`] part already computed
/// (`by_entities`, for the same text, paragraphs and entities): [`with_quotes`] of
/// [`without_quotes`].
pub fn check_paragraphs_with(
    text: &str,
    parts: &[ParagraphPart<'_>],
    by_entities: Vec<Diagnostic>,
    quotes: &QuoteScan,
) -> Vec<Diagnostic> {
    with_quotes(text, without_quotes(text, parts, by_entities), quotes)
}

/// The diagnostics of [`check_paragraphs`] that need no quotations, sorted and capped as
/// [`finish`] does: built by [`without_quotes`] (on the entity checks' thread, while the
/// quotations are scanned), completed by [`with_quotes`].
#[derive(Debug)]
pub struct WithoutQuotes(Vec<Diagnostic>);

/// The first half of [`check_paragraphs_with`]: `by_entities`, the paragraphs' cached local
/// diagnostics shifted to the text, and the two cases outside every paragraph (bidi controls
/// in the blanks between paragraphs, white space before a paragraph's opening punctuation),
/// sorted by position and capped per code. Only the diagnostics kept are cloned.
pub fn without_quotes(
    text: &str,
    parts: &[ParagraphPart<'_>],
    by_entities: Vec<Diagnostic>,
) -> WithoutQuotes {
    // Outside every paragraph: bidi controls in the blanks between paragraphs (and before the
    // first, after the last), white space before a paragraph's opening punctuation mark.
    let mut outside = Vec::new();
    let mut gap_start = 0;
    for &(offset, first, p) in parts {
        if let Some(gap) = text.get(gap_start..offset) {
            outside.extend(
                bidi::bidi_controls(gap)
                    .into_iter()
                    .map(|d| shifted(d, gap_start)),
            );
        }
        if let Some((kind, span)) = first
            && span.start == 0
        {
            outside.extend(punctuation::space_before(text, kind, shift(span, offset)));
        }
        gap_start = offset + p.len;
    }
    if let Some(gap) = text.get(gap_start..) {
        outside.extend(
            bidi::bidi_controls(gap)
                .into_iter()
                .map(|d| shifted(d, gap_start)),
        );
    }
    // Sort (document-level first, then the local ones in paragraph order: equal keys only ever
    // come from one function and one paragraph, so this is `check`'s order). The document-level
    // diagnostics are moved into the result, the paragraphs' cached ones copied and shifted.
    enum From<'p> {
        Document(usize),
        Paragraph(usize, &'p Diagnostic),
    }
    let mut owned: Vec<Option<Diagnostic>> =
        by_entities.into_iter().chain(outside).map(Some).collect();
    let key = |d: &Diagnostic, o: usize| (d.span.start + o, d.span.end + o, d.code);
    let mut all: Vec<((usize, usize, Code), From<'_>)> = owned
        .iter()
        .enumerate()
        .map(|(i, d)| (key(d.as_ref().expect("filled above"), 0), From::Document(i)))
        .chain(parts.iter().flat_map(|&(offset, _, p)| {
            p.local
                .iter()
                .map(move |d| (key(d, offset), From::Paragraph(offset, d)))
        }))
        .collect();
    all.sort_by_key(|&(k, _)| k);
    let mut counts = [0usize; Code::ALL.len()];
    all.retain(|((_, _, code), _)| {
        let n = &mut counts[*code as usize];
        *n += 1;
        *n <= MAX_PER_CODE
    });
    WithoutQuotes(
        all.into_iter()
            .map(|(_, from)| match from {
                From::Document(i) => owned[i].take().expect("each taken once"),
                From::Paragraph(o, d) => shifted(d.clone(), o),
            })
            .collect(),
    )
}

/// The second half of [`check_paragraphs_with`]: the quotation diagnostics of `quotes`
/// ([`quotes::check`]) merged into `rest` by position, a quotation diagnostic first on equal
/// keys, then capped per code — the order and cap of one stable sort of all of them
/// ([`finish`]): each half is in that order and capped already, and capping a merge of capped
/// lists keeps what capping the merge of the whole lists keeps.
pub fn with_quotes(text: &str, rest: WithoutQuotes, quotes: &QuoteScan) -> Vec<Diagnostic> {
    with_quote_diagnostics(rest, quote_diagnostics(text, quotes))
}

/// The quotation diagnostics of `quotes` ([`quotes::check`]) in the order [`with_quotes`]
/// merges them: the half of it that needs no other diagnostics (so it can run on the thread
/// that scanned the quotations).
pub fn quote_diagnostics(text: &str, quotes: &QuoteScan) -> QuoteDiagnostics {
    let mut quoted = self::quotes::check(text, quotes);
    quoted.sort_by_key(merge_key);
    QuoteDiagnostics(quoted)
}

/// The quotation diagnostics of one text, sorted for the merge ([`quote_diagnostics`]).
#[derive(Debug, Default)]
pub struct QuoteDiagnostics(Vec<Diagnostic>);

/// The order of [`with_quotes`]'s merge: start, end, code.
fn merge_key(d: &Diagnostic) -> (usize, usize, Code) {
    (d.span.start, d.span.end, d.code)
}

/// [`with_quotes`] with the quotation diagnostics made already ([`quote_diagnostics`]).
pub fn with_quote_diagnostics(rest: WithoutQuotes, quoted: QuoteDiagnostics) -> Vec<Diagnostic> {
    let key = merge_key;
    let quoted = quoted.0;
    let mut out = Vec::with_capacity(quoted.len() + rest.0.len());
    let mut rest = rest.0.into_iter().peekable();
    for d in quoted {
        while let Some(r) = rest.next_if(|r| key(r) < key(&d)) {
            out.push(r);
        }
        out.push(d);
    }
    out.extend(rest);
    cap_per_code(&mut out, MAX_PER_CODE);
    out
}

/// `s` moved `by` bytes later.
fn shift(s: Span, by: usize) -> Span {
    Span::new(s.start + by, s.end + by)
}

/// `d` with its span and related spans moved `by` bytes later.
fn shifted(mut d: Diagnostic, by: usize) -> Diagnostic {
    d.span = shift(d.span, by);
    for r in &mut d.related {
        r.span = shift(r.span, by);
    }
    d
}

/// Keeps the first `max` diagnostics of each code in `diagnostics` (order preserved).
fn cap_per_code(diagnostics: &mut Vec<Diagnostic>, max: usize) {
    let mut counts = [0usize; Code::ALL.len()];
    diagnostics.retain(|d| {
        let n = &mut counts[d.code as usize];
        *n += 1;
        *n <= max
    });
}

/// `span`'s text in `text`, or `None` when the span does not fit (out of range or not on char
/// boundaries).
pub(crate) fn slice(text: &str, span: Span) -> Option<&str> {
    if span.start > span.end {
        return None;
    }
    text.get(span.start..span.end)
}

/// The first `max_words` words of `s` joined by single spaces, at most [`MAX_EXCERPT_CHARS`]
/// characters long, with "…" when anything was left out. See [`first_words_within`].
pub fn first_words(s: &str, max_words: usize) -> String {
    first_words_within(s, max_words, MAX_EXCERPT_CHARS)
}

/// The first `max_words` white-space-separated words of `s` joined by single spaces, at most
/// `max_chars` characters (characters, not bytes) long, with "…" appended when anything was left
/// out. The cut falls between words; only a first word longer than `max_chars` is cut inside.
/// Reads at most `max_chars + 1` characters of each word it looks at, so a long unspaced text
/// costs no more than a short one.
pub fn first_words_within(s: &str, max_words: usize, max_chars: usize) -> String {
    let mut out = String::new();
    let (mut chars, mut words) = (0, 0);
    let mut rest = s;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return out;
        }
        if words == max_words {
            out.push('…');
            return out;
        }
        let separator = usize::from(words > 0);
        let budget = max_chars.saturating_sub(chars + separator);
        let (mut end, mut len, mut whole) = (rest.len(), 0, true);
        for (i, c) in rest.char_indices() {
            if c.is_whitespace() {
                end = i;
                break;
            }
            if len == budget {
                (end, whole) = (i, false);
                break;
            }
            len += 1;
        }
        if !whole {
            if words == 0 {
                out.push_str(&rest[..end]);
            }
            out.push('…');
            return out;
        }
        if separator == 1 {
            out.push(' ');
        }
        out.push_str(&rest[..end]);
        chars += separator + len;
        words += 1;
        rest = &rest[end..];
    }
}

/// `s` as quoted in a message: white space runs shown as one space, at most
/// [`MAX_EXCERPT_CHARS`] characters, "…" when cut.
pub(crate) fn excerpt(s: &str) -> String {
    first_words(s, usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{EntityKind, EntityMention};
    use crate::quotes::{Quote, Speaker};
    use crate::text::token::tokenize;

    fn entity(text: &str, id: &str, name: &str, kind: EntityKind, forms: &[&str]) -> Entity {
        let mut mentions: Vec<EntityMention> = Vec::new();
        for form in forms {
            for (i, m) in text.match_indices(form) {
                let span = Span::new(i, i + m.len());
                if !mentions.iter().any(|x| x.span.overlaps(span)) {
                    mentions.push(EntityMention {
                        text: m.into(),
                        span,
                    });
                }
            }
        }
        mentions.sort_by_key(|m| m.span);
        Entity {
            id: id.into(),
            name: name.into(),
            kind,
            aliases: Vec::new(),
            roles: Vec::new(),
            mentions,
        }
    }

    fn quote(
        text: &str,
        id: &str,
        open: char,
        close: char,
        from: usize,
        speaker: Option<Span>,
    ) -> Quote {
        let o = from + text[from..].find(open).unwrap();
        let c = o + text[o..].find(close).unwrap();
        Quote {
            id: id.into(),
            span: Span::new(o, c + close.len_utf8()),
            content: Span::new(o + open.len_utf8(), c),
            closed: true,
            nested_in: None,
            speaker: speaker.map(|span| Speaker {
                name: span.slice(text).into(),
                entity: None,
                span,
            }),
            cue: None,
            source: None,
        }
    }

    #[test]
    fn clean_well_edited_text_gets_no_diagnostic() {
        let text = "أعلن وزير الخارجية سامي الحداد، اليوم الأحد، أن بلاده ستستضيف مؤتمرًا إقليميًا \
                    للمياه في الخريف المقبل. وقال الحداد في مؤتمر صحفي: «نريد أن نجمع الخبراء والحكومات \
                    حول طاولة واحدة». وأضاف أن التحضيرات بدأت منذ أشهر، وأن الدعوات أُرسلت إلى أكثر من \
                    عشرين دولة، على أن يُعقد المؤتمر في 12 تشرين الأول (أكتوبر).\r\n\r\n\
                    ومن جهتها، رحبت منظمة الأغذية والزراعة (FAO) بالمبادرة، مؤكدة في بيان أن «الأمن المائي \
                    شرط للأمن الغذائي». فهل تنجح المبادرة؟ يرى مراقبون أن الطريق ما زال طويلًا… لكنه ممكن.";
        let minister = entity(
            text,
            "e1",
            "سامي الحداد",
            EntityKind::Person,
            &["سامي الحداد", "الحداد"],
        );
        let fao = entity(
            text,
            "e2",
            "منظمة الأغذية والزراعة",
            EntityKind::Organization,
            &["منظمة الأغذية والزراعة"],
        );
        let q1 = quote(text, "q1", '«', '»', 0, Some(minister.mentions[1].span));
        let q2 = quote(
            text,
            "q2",
            '«',
            '»',
            q1.span.end,
            Some(fao.mentions[0].span),
        );
        let scan = QuoteScan {
            quotes: vec![q1, q2],
            ..Default::default()
        };
        let d = check(text, &tokenize(text), &[minister, fao], &scan);
        assert!(d.is_empty(), "{:#?}", d);
    }

    #[test]
    fn every_code_sorted_by_position() {
        let text = "قال المتحدث أن أن الاتفاق , \u{202E}مهم فى رأيه. وفي البيان: « لا تراجع» \
                    وقالت الوزارة في بيانها “سنواصل العمل\nوصل الوفد الى المطار في الموعد” ثم غادر.";
        let tokens = tokenize(text);
        let o1 = text.find('«').unwrap();
        let c1 = text.find('»').unwrap();
        let o2 = text.find('“').unwrap();
        let nl = text.find('\n').unwrap();
        let stray = text.find('”').unwrap();
        let scan = QuoteScan {
            quotes: vec![
                Quote {
                    id: "q1".into(),
                    span: Span::new(o1, c1 + 2),
                    content: Span::new(o1 + 2, c1),
                    closed: true,
                    nested_in: None,
                    speaker: None,
                    cue: None,
                    source: None,
                },
                Quote {
                    id: "q2".into(),
                    span: Span::new(o2, nl),
                    content: Span::new(o2 + 3, nl),
                    closed: false,
                    nested_in: None,
                    speaker: Some(Speaker {
                        name: "الوزارة".into(),
                        entity: None,
                        span: Span::new(0, 0),
                    }),
                    cue: None,
                    source: None,
                },
            ],
            quoted_names: Vec::new(),
            unmatched_closing: vec![Span::new(stray, stray + 3)],
        };
        let d = check(text, &tokens, &[], &scan);
        let got: Vec<(&str, &str)> = d
            .iter()
            .map(|d| (d.code.as_str(), d.span.slice(text)))
            .collect();
        assert_eq!(
            got,
            vec![
                ("repeated-word", "أن"),
                ("space-before-punctuation", " "),
                ("latin-punctuation", ","),
                ("bidi-control", "\u{202E}"),
                ("mixed-orthography", "فى"),
                ("unattributed-quote", "« لا تراجع»"),
                ("space-inside-quotes", " "),
                ("unclosed-quote", "“"),
                ("unmatched-closing-quote", "”"),
            ]
        );
        assert!(d.windows(2).all(|w| w[0].span.start <= w[1].span.start));
        assert_eq!(d[4].related[0].span.slice(text), "في");
    }

    #[test]
    fn spans_that_do_not_fit_never_panic() {
        let text = "قال: «نعم»";
        let junk = Span::new(3, 1000);
        let scan = QuoteScan {
            quotes: vec![Quote {
                id: "q1".into(),
                span: junk,
                content: Span::new(1, 2),
                closed: false,
                nested_in: None,
                speaker: None,
                cue: None,
                source: None,
            }],
            quoted_names: vec![junk, Span::new(0, 1)],
            unmatched_closing: vec![junk],
        };
        let e = Entity {
            id: "e1".into(),
            name: "نعم".into(),
            kind: EntityKind::Misc,
            aliases: Vec::new(),
            roles: Vec::new(),
            mentions: vec![EntityMention {
                text: "x".into(),
                span: junk,
            }],
        };
        assert!(check(text, &tokenize(text), &[e], &scan).is_empty());
    }

    #[test]
    fn excerpts_are_cut_by_characters_whatever_the_spacing() {
        let long = "ب".repeat(100_000);
        let cut = format!("{}…", "ب".repeat(MAX_EXCERPT_CHARS));
        assert_eq!(first_words(&long, 5), cut);
        assert_eq!(excerpt(&long), cut);
        assert_eq!(first_words("واحد  اثنان\nثلاثة", 5), "واحد اثنان ثلاثة");
        assert_eq!(first_words("واحد اثنان ثلاثة", 2), "واحد اثنان…");
        // 40 characters exactly: no mark; the cut falls on a space: the mark replaces it.
        let forty = "ا".repeat(MAX_EXCERPT_CHARS);
        assert_eq!(excerpt(&forty), forty);
        assert_eq!(excerpt(&format!("{forty} ب")), format!("{forty}…"));
        assert_eq!(excerpt(" \t "), "");
    }

    /// The paragraph path ([`check_paragraphs`]: the quotation diagnostics merged into the
    /// others after each half is sorted and capped) equals one sort and cap of everything
    /// ([`check`]), with two codes over the cap in interleaved paragraphs.
    #[test]
    fn capped_floods_merge_as_one_sort() {
        let commas = "كلمة, ".repeat(700);
        let marks = "«".repeat(700);
        let text = format!("{commas}\n{marks}\n{commas}\n\n{marks} كلمة, «\n{commas}");
        let tokens = tokenize(&text);
        let scan = crate::quotes::scan(&text, &tokens, &[]);
        let one_sort = check(&text, &tokens, &[], &scan);
        let paragraphs = crate::text::segment::blocks(&text);
        let checks: Vec<ParagraphChecks> = paragraphs
            .iter()
            .map(|s| paragraph_checks(s.slice(&text), &tokenize(s.slice(&text))))
            .collect();
        let firsts: Vec<Option<(TokenKind, Span)>> = paragraphs
            .iter()
            .map(|s| tokenize(s.slice(&text)).first().map(|t| (t.kind, t.span)))
            .collect();
        let parts: Vec<ParagraphPart<'_>> = paragraphs
            .iter()
            .zip(&firsts)
            .zip(&checks)
            .map(|((s, &first), c)| (s.start, first, c))
            .collect();
        let merged = check_paragraphs(&text, &parts, &[], &scan);
        for code in [Code::LatinPunctuation, Code::UnclosedQuote] {
            let n = one_sort.iter().filter(|d| d.code == code).count();
            assert_eq!(n, MAX_PER_CODE, "{code:?}");
        }
        assert_eq!(merged, one_sort);
    }

    #[test]
    fn unclosed_quote_flood_is_capped_and_short() {
        // 5,000 opening marks, no closing one: each opens a quotation running to the end.
        let text = format!("قال الوزير: {}", "«".repeat(5000));
        let first = text.find('«').unwrap();
        let quotes = (0..5000)
            .map(|i| Quote {
                id: format!("q{}", i + 1).into(),
                span: Span::new(first + 2 * i, text.len()),
                content: Span::new(first + 2 * i + 2, text.len()),
                closed: false,
                nested_in: (i > 0).then(|| format!("q{i}").into()),
                speaker: None,
                cue: None,
                source: None,
            })
            .collect();
        let scan = QuoteScan {
            quotes,
            ..Default::default()
        };
        let d = check(&text, &tokenize(&text), &[], &scan);
        let unclosed: Vec<&Diagnostic> =
            d.iter().filter(|d| d.code == Code::UnclosedQuote).collect();
        assert_eq!(unclosed.len(), MAX_PER_CODE);
        assert_eq!(unclosed[0].span, Span::new(first, first + 2));
        assert_eq!(
            unclosed[999].span,
            Span::new(first + 2 * 999, first + 2 * 1000)
        );
        let cut = format!("{}…", "«".repeat(MAX_EXCERPT_CHARS));
        assert_eq!(
            unclosed[0].message.en,
            format!("Quotation mark ‘«’ is never closed: ‘{cut}’")
        );
        assert!(
            d.iter()
                .all(|d| d.message.ar.chars().count() < 120 && d.message.en.chars().count() < 120)
        );
        // The one top-level quotation is unattributed; the nested ones are not.
        assert_eq!(
            d.iter()
                .filter(|d| d.code == Code::UnattributedQuote)
                .count(),
            1
        );
    }

    #[test]
    fn no_space_quotation_message_is_short() {
        let text = format!("قال الوزير: «{}", "ب".repeat(100_000));
        let open = text.find('«').unwrap();
        let scan = QuoteScan {
            quotes: vec![Quote {
                id: "q1".into(),
                span: Span::new(open, text.len()),
                content: Span::new(open + 2, text.len()),
                closed: false,
                nested_in: None,
                speaker: None,
                cue: None,
                source: None,
            }],
            ..Default::default()
        };
        let d = check(&text, &tokenize(&text), &[], &scan);
        assert_eq!(d.len(), 2);
        let cut = format!("{}…", "ب".repeat(MAX_EXCERPT_CHARS));
        assert_eq!(
            d[0].message.en,
            format!("Quotation mark ‘«’ is never closed: ‘{cut}’")
        );
        assert_eq!(d[1].message.ar, format!("لم يُعرف قائل الاقتباس «{cut}»"));
    }

    #[test]
    fn codes_round_trip() {
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(c));
        }
    }
}
