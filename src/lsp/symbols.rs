//! `textDocument/documentSymbol`: the outline of an article.
//!
//! Shape (hierarchical, for clients announcing `hierarchicalDocumentSymbolSupport`):
//!
//! - "Quotations" / الاقتباسات: one child per quotation in document order; name = its first
//!   [`PREVIEW_WORDS`] words (never empty), detail = the speaker's name, range = the quotation
//!   with its marks, selectionRange = its content.
//! - "People" / الأشخاص, "Organizations" / المنظمات, "Places" / الأماكن, "Other names" / أسماء أخرى:
//!   one child per entity in order of first mention; name = canonical name, range =
//!   selectionRange = the first mention.
//!
//! A group's range spans its children (selectionRange = its first child's); empty groups are
//! left out. Clients without hierarchical support get the children as a flat
//! `SymbolInformation` list whose `containerName` is the group's name.

use tower_lsp_server::ls_types::{
    DocumentSymbol, Location, Range, SymbolInformation, SymbolKind, Uri,
};

use super::convert;
use super::present::{self, PREVIEW_WORDS};
use crate::analysis::Analysis;
use crate::diagnostics::Lang;
use crate::entities::EntityKind;
use crate::quotes::Quote;
use crate::text::position::{OffsetToPosition, PositionEncoding};

/// Symbol kind of a group.
pub const GROUP_KIND: SymbolKind = SymbolKind::NAMESPACE;
/// Symbol kind of a quotation.
pub const QUOTE_KIND: SymbolKind = SymbolKind::STRING;

/// Symbol kind of an entity of `kind`: the outline icons VS Code shows for them are
/// object (person), struct (organization), enum member (place), constant (other).
pub const fn entity_kind(kind: EntityKind) -> SymbolKind {
    match kind {
        EntityKind::Person => SymbolKind::OBJECT,
        EntityKind::Organization => SymbolKind::STRUCT,
        EntityKind::Location => SymbolKind::ENUM_MEMBER,
        EntityKind::Misc => SymbolKind::CONSTANT,
    }
}

/// The outline name of a quotation: its first words, else the text at its range (marks
/// included), else "…" — never empty.
pub fn quote_name(quote: &Quote, text: &str) -> String {
    let words = present::quote_preview(quote, text, PREVIEW_WORDS);
    if !words.is_empty() {
        return words;
    }
    let whole = present::first_words(convert::slice(text, quote.span), PREVIEW_WORDS);
    if whole.is_empty() {
        "…".to_owned()
    } else {
        whole
    }
}

/// The hierarchical outline (see the module docs). `text` is the analysed text and `rope` maps
/// its byte offsets to positions (a [`ropey::Rope`] of it, or it with its
/// [`crate::text::position::LineIndex`]); ranges are in `encoding`.
pub fn nested<P: OffsetToPosition + ?Sized>(
    analysis: &Analysis,
    text: &str,
    rope: &P,
    encoding: PositionEncoding,
    lang: Lang,
) -> Vec<DocumentSymbol> {
    let mut groups = Vec::new();

    let quotes: Vec<DocumentSymbol> = analysis
        .quotes
        .quotes
        .iter()
        .map(|q| {
            let range = convert::range(rope, q.span, encoding);
            let mut selection_range = convert::range(rope, q.content, encoding);
            if !contains(range, selection_range) {
                selection_range = range;
            }
            symbol(
                quote_name(q, text),
                q.speaker
                    .as_ref()
                    .map(|s| s.name.to_string())
                    .filter(|n| !n.trim().is_empty()),
                QUOTE_KIND,
                range,
                selection_range,
                None,
            )
        })
        .collect();
    groups.extend(group(present::QUOTATIONS.get(lang).to_owned(), quotes));

    for kind in [
        EntityKind::Person,
        EntityKind::Organization,
        EntityKind::Location,
        EntityKind::Misc,
    ] {
        let children: Vec<DocumentSymbol> = analysis
            .entities
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|e| {
                let first = e.mentions.iter().min_by_key(|m| m.span.start)?;
                let name = [e.name.trim(), first.text.trim(), e.id.trim()]
                    .into_iter()
                    .find(|n| !n.is_empty())
                    .unwrap_or("…")
                    .to_owned();
                let range = convert::range(rope, first.span, encoding);
                Some(symbol(name, None, entity_kind(kind), range, range, None))
            })
            .collect();
        groups.extend(group(present::group_label(kind, lang).to_owned(), children));
    }
    groups
}

/// The flat outline for clients without hierarchical support: every child of [`nested`]'s
/// groups, in the same order, with `containerName` = its group's name.
#[allow(deprecated)] // `SymbolInformation::deprecated` must be spelled out.
pub fn flat(groups: &[DocumentSymbol], uri: &Uri) -> Vec<SymbolInformation> {
    groups
        .iter()
        .flat_map(|g| {
            g.children.iter().flatten().map(|c| SymbolInformation {
                name: c.name.clone(),
                kind: c.kind,
                tags: None,
                deprecated: None,
                location: Location::new(uri.clone(), c.range),
                container_name: Some(g.name.clone()),
            })
        })
        .collect()
}

/// A group holding `children`, or `None` when there are none.
fn group(name: String, children: Vec<DocumentSymbol>) -> Option<DocumentSymbol> {
    let first = children.first()?;
    let mut range = first.range;
    for c in &children {
        range.start = range.start.min(c.range.start);
        range.end = range.end.max(c.range.end);
    }
    let selection_range = first.selection_range;
    Some(symbol(
        name,
        None,
        GROUP_KIND,
        range,
        selection_range,
        Some(children),
    ))
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be spelled out.
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: Range,
    selection_range: Range,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children,
    }
}

fn contains(outer: Range, inner: Range) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}
