//! Conversions between the analysis layers' values and LSP values.
//!
//! Analysis spans are byte ranges of the document text ([`Span`]); LSP ranges are 0-based
//! `(line, character)` pairs whose `character` counts code units of the negotiated
//! [`PositionEncoding`]. Every conversion goes through [`crate::text::position`], the one module
//! that knows about code units. `qalam check --format json` reuses these functions, so the CLI's
//! JSON and the server agree to the code unit.

use ropey::Rope;
use tower_lsp_server::ls_types::{
    self, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use super::config::DiagnosticSettings;
use crate::diagnostics::{self, Lang, Severity};
use crate::text::Span;
use crate::text::position::{self, OffsetToPosition, PositionEncoding};

/// The `source` field of every diagnostic qalam publishes.
pub const SOURCE: &str = "qalam";

/// Converts an LSP position (in `encoding`'s code units) to a byte offset of `rope`.
///
/// Never panics: a line past the end clamps to the end of the text, a column past the end of
/// its line clamps to the line's end, a column inside a character moves to its start (see
/// [`position::position_to_offset`]).
pub fn offset(rope: &Rope, position: ls_types::Position, encoding: PositionEncoding) -> usize {
    position::position_to_offset(rope, to_text_position(position), encoding)
}

/// Converts a byte offset of the text held in `rope` (a [`Rope`], or a text with its
/// [`position::LineIndex`] as [`position::IndexedText`]) to an LSP position in `encoding`'s code
/// units. Offsets past the end clamp to the end.
pub fn position<P: OffsetToPosition + ?Sized>(
    rope: &P,
    offset: usize,
    encoding: PositionEncoding,
) -> ls_types::Position {
    let p = rope.offset_to_position(offset, encoding);
    ls_types::Position::new(p.line, p.character)
}

/// Converts a byte [`Span`] of `rope` (see [`position`]) to an LSP [`ls_types::Range`] in
/// `encoding`'s code units.
pub fn range<P: OffsetToPosition + ?Sized>(
    rope: &P,
    span: Span,
    encoding: PositionEncoding,
) -> ls_types::Range {
    let start = position(rope, span.start, encoding);
    let end = position(rope, span.end.max(span.start), encoding);
    ls_types::Range::new(start, end)
}

/// The text layer's [`position::Position`] for an LSP position (same fields, same units).
pub fn to_text_position(p: ls_types::Position) -> position::Position {
    position::Position {
        line: p.line,
        character: p.character,
    }
}

/// The LSP severity of a qalam [`Severity`] (error = 1 … hint = 4).
pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Converts one qalam diagnostic to an LSP `Diagnostic` of the document `uri` held in `rope`:
/// range in `encoding`, severity, `code` as a string (`"unclosed-quote"`…), source `"qalam"`,
/// the message in `lang`, and `relatedInformation` (locations in the same document) when the
/// diagnostic has related spans.
pub fn diagnostic<P: OffsetToPosition + ?Sized>(
    diagnostic: &diagnostics::Diagnostic,
    rope: &P,
    uri: &Uri,
    encoding: PositionEncoding,
    lang: Lang,
) -> ls_types::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(rope, r.span, encoding)),
            message: r.message.get(lang).to_owned(),
        })
        .collect();
    ls_types::Diagnostic {
        range: range(rope, diagnostic.span, encoding),
        severity: Some(severity(diagnostic.severity)),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_owned())),
        code_description: None,
        source: Some(SOURCE.to_owned()),
        message: diagnostic.message.get(lang).to_owned(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// Converts every diagnostic of an analysis (see [`diagnostic`]), keeping their order.
pub fn diagnostics<P: OffsetToPosition + ?Sized>(
    diagnostics: &[diagnostics::Diagnostic],
    rope: &P,
    uri: &Uri,
    encoding: PositionEncoding,
    lang: Lang,
) -> Vec<ls_types::Diagnostic> {
    diagnostics
        .iter()
        .map(|d| diagnostic(d, rope, uri, encoding, lang))
        .collect()
}

/// Converts the diagnostics of an analysis for publishing under the client's `settings`: codes
/// the client turned off are left out, the others get their overridden severity (see
/// [`super::config`]), then each is converted like [`diagnostic`]. Order is kept.
pub fn configured_diagnostics<P: OffsetToPosition + ?Sized>(
    diagnostics: &[diagnostics::Diagnostic],
    rope: &P,
    uri: &Uri,
    encoding: PositionEncoding,
    lang: Lang,
    settings: &DiagnosticSettings,
) -> Vec<ls_types::Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| settings.is_enabled(d.code))
        .map(|d| {
            let mut converted = diagnostic(d, rope, uri, encoding, lang);
            converted.severity = Some(severity(settings.severity(d.code, d.severity)));
            converted
        })
        .collect()
}

/// The text of `span` in `text`, or `""` when the span does not fall on `char` boundaries of
/// `text` (a defect of the analysis, which must never take the server down).
pub fn slice(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or_default()
}

/// The LSP name of an encoding, as a `PositionEncodingKind`.
pub fn encoding_kind(encoding: PositionEncoding) -> ls_types::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => ls_types::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => ls_types::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => ls_types::PositionEncodingKind::UTF32,
    }
}
