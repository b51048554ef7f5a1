//! Quotations: quotation marks paired into quotations, names in quotation marks told apart from
//! speech, and each quotation attributed (cue verb, speaker, source).

use serde::Serialize;

use crate::entities::Entity;
use crate::text::Span;
use crate::text::token::Token;

/// A quotation: speech between quotation marks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quote {
    /// `q1`, `q2`… in order of the opening mark.
    pub id: String,
    /// Range including the marks (bytes). An unclosed quotation ends at its paragraph's end.
    pub span: Span,
    /// The content without the marks (bytes).
    pub content: Span,
    /// False when no closing mark was found.
    pub closed: bool,
    /// The id of the quotation this one is nested in.
    pub nested_in: Option<String>,
    /// Who said it.
    pub speaker: Option<Speaker>,
    /// The reporting verb (قال، أضاف، مضيفا…).
    pub cue: Option<Cue>,
    /// The source it is reported through (وفقا لـ، بحسب، نقلا عن…).
    pub source: Option<Source>,
}

/// The speaker of a quotation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Speaker {
    /// The linked entity's canonical name, else the phrase as written.
    pub name: String,
    /// The linked entity's id, if any.
    pub entity: Option<String>,
    /// Range of the words naming the speaker (bytes); for a pronoun verb, the antecedent's mention.
    pub span: Span,
}

/// The reporting verb of a quotation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cue {
    /// Range of the verb as written, proclitics included (bytes).
    pub span: Span,
}

/// The source a quotation is reported through.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Source {
    /// The linked entity's canonical name, else the phrase as written.
    pub name: String,
    /// The linked entity's id, if any.
    pub entity: Option<String>,
    /// Range of the words naming the source (bytes).
    pub span: Span,
}

/// A quotation mark that could not be paired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrayMark {
    /// The mark (one character, bytes).
    pub span: Span,
    /// True for a closing mark with no opening one; false for an opening mark never closed.
    pub closing: bool,
}

/// Everything the quotation layer finds in a document.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QuoteScan {
    /// Quotations (speech), in document order of their opening marks.
    pub quotes: Vec<Quote>,
    /// Spans in quotation marks that are names or terms, not speech (marks included).
    pub quoted_names: Vec<Span>,
    /// Closing marks with no opening mark.
    pub unmatched_closing: Vec<Span>,
}

/// Finds, classifies and attributes the quotations of `text`, linking speakers and sources to
/// `entities` where a mention matches.
pub fn scan(text: &str, tokens: &[Token], entities: &[Entity]) -> QuoteScan {
    let _ = (text, tokens, entities);
    todo!()
}
