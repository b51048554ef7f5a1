//! Diagnostics for the writer: broken quotation marks, inconsistent spelling, punctuation.
//!
//! Every diagnostic has a stable [`Code`], a default [`Severity`], a message in Arabic and in
//! English, and (for `inconsistent-spelling`) related locations.

use serde::Serialize;

use crate::entities::Entity;
use crate::quotes::QuoteScan;
use crate::text::Span;
use crate::text::token::Token;

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
}

impl Code {
    /// All codes, in declaration order.
    pub const ALL: [Code; 10] = [
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
            | Code::BidiControl => Severity::Warning,
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
        if locale.to_ascii_lowercase().starts_with("ar") { Lang::Ar } else { Lang::En }
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

/// All diagnostics of `text`, sorted by position.
pub fn check(text: &str, tokens: &[Token], entities: &[Entity], quotes: &QuoteScan) -> Vec<Diagnostic> {
    let _ = (text, tokens, entities, quotes);
    todo!()
}
