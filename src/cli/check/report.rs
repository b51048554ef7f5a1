//! The per-file report of `qalam check`, as JSON and as text.
//!
//! JSON (one object per file, under `{"files": [...]}`):
//!
//! ```text
//! {"path", "entities":[{"id","name","kind","aliases","roles","mentions":[{"text","range"}]}],
//!  "quotes":[{"id","text","range","closed","nested_in",
//!             "speaker":{"name","text","entity","range"}|null,
//!             "cue":{"text","range"}|null,
//!             "source":{"name","entity","range"}|null}],
//!  "diagnostics":[LSP Diagnostic]}
//! ```
//!
//! Every `range` is an LSP range (0-based line and character, characters in the chosen
//! [`PositionEncoding`]), produced by the same conversions as the server's
//! ([`crate::lsp::convert`]). A quote's `range` includes its marks; its `text` is the content
//! without them. Texts taken from the document are borrowed from it, not copied, so a report
//! costs little more memory than the document and can be written out file by file.
//!
//! Text output: see [`text_report`]. Entity kinds are shown with their JSON names
//! (`person`, `organization`, `location`, `misc`) in both languages, and control characters
//! and invisible bidi embeddings, overrides and isolates taken from the document are shown
//! escaped (`\u{0}`, `\u{202e}`) so that they cannot corrupt or reorder a terminal.

use std::borrow::Cow;

use std::fmt::Write as _;

use ropey::Rope;
use serde::Serialize;
use tower_lsp_server::ls_types::{self, Range, Uri};

use crate::analysis::Analysis;
use crate::diagnostics::{Lang, Severity, excerpt, first_words};
use crate::entities::EntityKind;
use crate::lsp::{convert, present};
use crate::text::Span;
use crate::text::position::{PositionEncoding, offset_to_line_col_chars};

/// The whole JSON output: exactly one key, `files`.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// One entry per file that could be read, in command-line order.
    pub files: Vec<FileReport<'a>>,
}

/// The report of one file; texts are borrowed from the file's text.
#[derive(Debug, Serialize)]
pub struct FileReport<'a> {
    /// The path as given on the command line (`<stdin>` for `-`).
    pub path: String,
    /// Entities in order of first mention.
    pub entities: Vec<EntityReport>,
    /// Quotations in order of their opening marks.
    pub quotes: Vec<QuoteReport<'a>>,
    /// LSP `Diagnostic` objects, sorted by position.
    pub diagnostics: Vec<ls_types::Diagnostic>,
}

/// An entity.
#[derive(Debug, Serialize)]
pub struct EntityReport {
    /// `e1`, `e2`…
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// `person | organization | location | misc`.
    pub kind: EntityKind,
    /// Other forms written.
    pub aliases: Vec<String>,
    /// Roles and titles from the text.
    pub roles: Vec<String>,
    /// Every mention.
    pub mentions: Vec<MentionReport>,
}

/// A mention of an entity.
#[derive(Debug, Serialize)]
pub struct MentionReport {
    /// The text as written.
    pub text: String,
    /// Its range.
    pub range: Range,
}

/// A quotation.
#[derive(Debug, Serialize)]
pub struct QuoteReport<'a> {
    /// `q1`, `q2`…
    pub id: String,
    /// The content, without the marks.
    pub text: Cow<'a, str>,
    /// The range, marks included.
    pub range: Range,
    /// False when no closing mark was found (the quotation then ends with its paragraph).
    pub closed: bool,
    /// The id of the enclosing quotation.
    pub nested_in: Option<String>,
    /// Who said it.
    pub speaker: Option<SpeakerReport<'a>>,
    /// The reporting verb.
    pub cue: Option<CueReport<'a>>,
    /// The source it is reported through.
    pub source: Option<SourceReport>,
}

/// A quotation's speaker.
#[derive(Debug, Serialize)]
pub struct SpeakerReport<'a> {
    /// The linked entity's canonical name, else the phrase as written.
    pub name: String,
    /// The words as written at `range` (for a pronoun verb: the antecedent's mention).
    pub text: &'a str,
    /// The linked entity's id.
    pub entity: Option<String>,
    /// Where the speaker is named.
    pub range: Range,
}

/// A quotation's cue verb.
#[derive(Debug, Serialize)]
pub struct CueReport<'a> {
    /// The verb as written.
    pub text: &'a str,
    /// Its range.
    pub range: Range,
}

/// A quotation's source.
#[derive(Debug, Serialize)]
pub struct SourceReport {
    /// The linked entity's canonical name, else the phrase as written.
    pub name: String,
    /// The linked entity's id.
    pub entity: Option<String>,
    /// Where the source is named.
    pub range: Range,
}

impl<'a> FileReport<'a> {
    /// Builds the report of `analysis` of `text` (held in `rope` too), shown as `path`;
    /// `uri` is used in diagnostics' related locations.
    pub fn new(
        path: String,
        uri: &Uri,
        text: &'a str,
        rope: &Rope,
        analysis: &Analysis,
        encoding: PositionEncoding,
        lang: Lang,
    ) -> FileReport<'a> {
        let range = |span: Span| convert::range(rope, span, encoding);
        let entities = analysis
            .entities
            .iter()
            .map(|e| EntityReport {
                id: e.id.clone(),
                name: e.name.clone(),
                kind: e.kind,
                aliases: e.aliases.clone(),
                roles: e.roles.clone(),
                mentions: e
                    .mentions
                    .iter()
                    .map(|m| MentionReport {
                        text: m.text.to_string(),
                        range: range(m.span),
                    })
                    .collect(),
            })
            .collect();
        let quotes = analysis
            .quotes
            .quotes
            .iter()
            .map(|q| QuoteReport {
                id: q.id.to_string(),
                text: quote_text(text, q),
                range: range(q.span),
                closed: q.closed,
                nested_in: q.nested_in.as_deref().map(str::to_owned),
                speaker: q.speaker.as_ref().map(|s| SpeakerReport {
                    name: s.name.to_string(),
                    text: convert::slice(text, s.span),
                    entity: s.entity.as_deref().map(str::to_string),
                    range: range(s.span),
                }),
                cue: q.cue.as_ref().map(|c| CueReport {
                    text: convert::slice(text, c.span),
                    range: range(c.span),
                }),
                source: q.source.as_ref().map(|s| SourceReport {
                    name: s.name.to_string(),
                    entity: s.entity.as_deref().map(str::to_string),
                    range: range(s.span),
                }),
            })
            .collect();
        let diagnostics = convert::diagnostics(&analysis.diagnostics, rope, uri, encoding, lang);
        FileReport {
            path,
            entities,
            quotes,
            diagnostics,
        }
    }
}

/// The text report of one file: one line per diagnostic,
/// `path:line:col: severity[code]: message` (1-based line, 1-based column in characters), then
/// a summary of its entities (id, kind as in JSON — `person | organization | location | misc` —,
/// name, number of mentions, roles) and quotations (first words, at most
/// [`crate::diagnostics::MAX_EXCERPT_CHARS`] characters — speaker). Labels are in `lang`.
/// Text from the document (and the path) is shown through [`escape_controls`].
pub fn text_report(path: &str, text: &str, rope: &Rope, analysis: &Analysis, lang: Lang) -> String {
    let mut out = String::new();
    let path = escape_controls(path);
    for d in &analysis.diagnostics {
        let (line, col) = offset_to_line_col_chars(rope, d.span.start);
        let _ = writeln!(
            out,
            "{path}:{line}:{col}: {}[{}]: {}",
            d.severity.as_str(),
            d.code.as_str(),
            escape_controls(d.message.get(lang))
        );
    }

    let sep = present::list_separator(lang);
    let _ = writeln!(
        out,
        "{path}: {} ({}):",
        present::ENTITIES.get(lang),
        analysis.entities.len()
    );
    for e in &analysis.entities {
        let _ = write!(
            out,
            "  {} {} {} — {}: {}",
            e.id,
            e.kind.as_str(),
            escape_controls(&excerpt(&e.name)),
            present::MENTIONS.get(lang),
            e.mentions.len()
        );
        if !e.roles.is_empty() {
            let roles: Vec<String> = e.roles.iter().map(|r| excerpt(r)).collect();
            let _ = write!(
                out,
                " — {}: {}",
                present::ROLES.get(lang),
                escape_controls(&roles.join(sep))
            );
        }
        out.push('\n');
    }

    let _ = writeln!(
        out,
        "{path}: {} ({}):",
        present::QUOTATIONS.get(lang),
        analysis.quotes.quotes.len()
    );
    for q in &analysis.quotes.quotes {
        let preview = first_words(&quote_text(text, q), present::PREVIEW_WORDS);
        let unclosed = if q.closed {
            String::new()
        } else {
            format!(" ({})", present::UNCLOSED.get(lang))
        };
        let speaker = q
            .speaker
            .as_ref()
            .map_or(Cow::Borrowed(present::NO_SPEAKER.get(lang)), |s| {
                Cow::Owned(excerpt(&s.name))
            });
        let _ = writeln!(
            out,
            "  {} «{}»{unclosed} — {}",
            q.id,
            escape_controls(&preview),
            escape_controls(&speaker)
        );
    }
    out
}

/// `s` with every control character (Unicode general category Cc: C0, DEL, C1) and every
/// invisible bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069) written as a
/// Rust-style escape, e.g. NUL → `\u{0}`, RLO → `\u{202e}`. Other characters (LRM, RLM and
/// ALM included, which are legitimate in Arabic text) are kept. Borrows when nothing changes.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    let escaped =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(escaped) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if escaped(c) {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// True when some diagnostic of `analysis` is at least as severe as `threshold`.
pub fn reaches(analysis: &Analysis, threshold: Severity) -> bool {
    analysis.diagnostics.iter().any(|d| d.severity <= threshold)
}

/// A quotation's text as the report shows it: its content without the marks, and without the
/// marks that reopen each continuation paragraph of a multi-paragraph quotation
/// ([`crate::quotes::Quote::text`]). Borrowed when the content has no line break.
fn quote_text<'a>(text: &'a str, quote: &crate::quotes::Quote) -> Cow<'a, str> {
    let content = convert::slice(text, quote.content);
    if content.contains(['\n', '\r']) {
        Cow::Owned(quote.text(text))
    } else {
        Cow::Borrowed(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::fixture::{self, TEXT, find};

    fn keys(value: &serde_json::Value) -> Vec<&str> {
        let mut keys: Vec<&str> = value
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn json_shape_and_values() {
        let rope = Rope::from_str(TEXT);
        let uri: Uri = "file:///tmp/a.txt".parse().expect("uri");
        let report = Report {
            files: vec![FileReport::new(
                "a.txt".into(),
                &uri,
                TEXT,
                &rope,
                &fixture::analysis(),
                PositionEncoding::Utf16,
                Lang::En,
            )],
        };
        let json = serde_json::to_value(&report).expect("serialises");
        assert_eq!(keys(&json), ["files"]);
        let file = &json["files"][0];
        assert_eq!(keys(file), ["diagnostics", "entities", "path", "quotes"]);
        assert_eq!(file["path"], "a.txt");

        let e1 = &file["entities"][0];
        assert_eq!(
            keys(e1),
            ["aliases", "id", "kind", "mentions", "name", "roles"]
        );
        assert_eq!(e1["kind"], "person");
        assert_eq!(file["entities"][1]["kind"], "location");
        assert_eq!(keys(&e1["mentions"][0]), ["range", "text"]);
        // "🙂 قال الوزير " = 14 UTF-16 units; the name is 11.
        assert_eq!(
            e1["mentions"][0]["range"],
            serde_json::json!({"start": {"line": 0, "character": 14}, "end": {"line": 0, "character": 25}})
        );

        let q2 = &file["quotes"][1];
        assert_eq!(
            keys(q2),
            [
                "closed",
                "cue",
                "id",
                "nested_in",
                "range",
                "source",
                "speaker",
                "text"
            ]
        );
        assert_eq!(q2["text"], "نعم");
        assert_eq!(q2["closed"], true);
        assert!(q2["nested_in"].is_null());
        assert!(q2["source"].is_null());
        assert_eq!(keys(&q2["speaker"]), ["entity", "name", "range", "text"]);
        assert_eq!(q2["speaker"]["name"], "خالد العمري");
        assert_eq!(q2["speaker"]["text"], "العمري");
        assert_eq!(q2["speaker"]["entity"], "e1");
        assert_eq!(keys(&q2["cue"]), ["range", "text"]);
        assert_eq!(q2["cue"]["text"], "وأضاف");
        // Line 1 starts with the cue: "وأضاف" is 5 units long.
        assert_eq!(
            q2["cue"]["range"],
            serde_json::json!({"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 5}})
        );

        let d = &file["diagnostics"][0];
        assert_eq!(d["code"], "mixed-orthography");
        assert_eq!(d["source"], "qalam");
        assert_eq!(
            d["relatedInformation"][0]["location"]["uri"],
            "file:///tmp/a.txt"
        );
    }

    #[test]
    fn text_lines_use_characters() {
        let rope = Rope::from_str(TEXT);
        let out = text_report("a.txt", TEXT, &rope, &fixture::analysis(), Lang::En);
        let column = TEXT[..find("فى", 0).start]
            .rsplit('\n')
            .next()
            .expect("line")
            .chars()
            .count()
            + 1;
        let mut lines = out.lines();
        assert_eq!(
            lines.next(),
            Some(format!("a.txt:2:{column}: information[mixed-orthography]: write في").as_str())
        );
        assert_eq!(lines.next(), Some("a.txt: Entities (2):"));
        assert_eq!(
            lines.next(),
            Some("  e1 person خالد العمري — Mentions: 2 — Roles: الوزير")
        );
        assert_eq!(lines.next(), Some("  e2 location عمّان — Mentions: 1"));
        assert_eq!(lines.next(), Some("a.txt: Quotations (2):"));
        assert_eq!(lines.next(), Some("  q1 «سنبدأ غدا» — خالد العمري"));
        assert_eq!(lines.next(), Some("  q2 «نعم» — خالد العمري"));
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn fail_on_threshold() {
        let analysis = fixture::analysis(); // one information diagnostic
        assert!(reaches(&analysis, Severity::Hint));
        assert!(reaches(&analysis, Severity::Information));
        assert!(!reaches(&analysis, Severity::Warning));
        assert!(!reaches(&analysis, Severity::Error));
    }
}
