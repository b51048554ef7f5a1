//! `textDocument/hover`: what qalam knows about the name or quotation under the cursor.
//!
//! - On an entity mention: the canonical name and kind, roles, other spellings, the number of
//!   mentions and the quotations attributed to the entity (their first words). Range = the
//!   mention.
//! - Inside a quotation (marks included) but not on a mention: the speaker, the cue verb, the
//!   source and the entities they are linked to. Range = the quotation. With nested quotations,
//!   the innermost one.
//!
//! Contents are Markdown, localised to the negotiated language; text from the document is
//! escaped with [`present::escape_markdown`].

use std::fmt::Write as _;

use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::convert;
use super::present::{self, PREVIEW_WORDS};
use crate::analysis::Analysis;
use crate::diagnostics::Lang;
use crate::entities::Entity;
use crate::quotes::Quote;
use crate::text::position::{OffsetToPosition, PositionEncoding};

/// The hover at byte `offset` of `text` (whose positions `rope` maps: a rope of it, or it with
/// its line index), or `None` when the offset is
/// on neither an entity mention nor a quotation. The range is in `encoding`.
pub fn hover<P: OffsetToPosition + ?Sized>(
    analysis: &Analysis,
    text: &str,
    rope: &P,
    offset: usize,
    encoding: PositionEncoding,
    lang: Lang,
) -> Option<Hover> {
    if let Some((entity, mention)) = Entity::at_offset(&analysis.entities, offset) {
        return Some(markdown(
            entity_markdown(entity, analysis, text, lang),
            convert::range(rope, mention.span, encoding),
        ));
    }
    let quote = analysis
        .quotes
        .quotes
        .iter()
        .filter(|q| q.span.contains_offset(offset))
        .min_by_key(|q| q.span.len())?;
    Some(markdown(
        quote_markdown(quote, analysis, text, lang),
        convert::range(rope, quote.span, encoding),
    ))
}

fn markdown(value: String, range: tower_lsp_server::ls_types::Range) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(range),
    }
}

/// The Markdown shown for an entity: `**name** — kind`, then roles, other spellings, the
/// number of mentions and the entity's quotations.
pub fn entity_markdown(entity: &Entity, analysis: &Analysis, text: &str, lang: Lang) -> String {
    let sep = present::list_separator(lang);
    let esc = present::escape_markdown;
    let mut out = format!(
        "**{}** — {}\n",
        esc(&entity.name),
        present::kind_label(entity.kind, lang)
    );
    if !entity.roles.is_empty() {
        let roles: Vec<String> = entity.roles.iter().map(|r| esc(r)).collect();
        let _ = write!(out, "\n{}: {}  ", present::ROLES.get(lang), roles.join(sep));
    }
    if !entity.aliases.is_empty() {
        let aliases: Vec<String> = entity.aliases.iter().map(|a| esc(a)).collect();
        let _ = write!(
            out,
            "\n{}: {}  ",
            present::ALIASES.get(lang),
            aliases.join(sep)
        );
    }
    let _ = write!(
        out,
        "\n{}: {}\n",
        present::MENTIONS.get(lang),
        entity.mentions.len()
    );

    let quotes: Vec<&Quote> = analysis
        .quotes
        .quotes
        .iter()
        .filter(|q| q.speaker.as_ref().and_then(|s| s.entity.as_deref()) == Some(&entity.id))
        .collect();
    if !quotes.is_empty() {
        let _ = write!(
            out,
            "\n{} ({}):\n",
            present::QUOTATIONS.get(lang),
            quotes.len()
        );
        for q in quotes {
            let _ = writeln!(out, "- «{}»", esc(&preview(q, text)));
        }
    }
    out
}

/// The Markdown shown for a quotation: its first words, then speaker, cue, source and the
/// entities they are linked to.
pub fn quote_markdown(quote: &Quote, analysis: &Analysis, text: &str, lang: Lang) -> String {
    let esc = present::escape_markdown;
    let mut out = format!("**{}**", present::QUOTATION.get(lang));
    if !quote.closed {
        let _ = write!(out, " ({})", present::UNCLOSED.get(lang));
    }
    let _ = write!(out, "\n\n«{}»\n", esc(&preview(quote, text)));

    let entity_name = |id: Option<&str>| -> Option<String> {
        let e = analysis
            .entities
            .iter()
            .find(|e| Some(e.id.as_str()) == id)?;
        Some(format!(
            "{} ({})",
            esc(&e.name),
            present::kind_label(e.kind, lang)
        ))
    };
    match &quote.speaker {
        Some(s) => {
            let _ = write!(out, "\n{}: {}  ", present::SPEAKER.get(lang), esc(&s.name));
            if let Some(e) = entity_name(s.entity.as_deref()) {
                let _ = write!(out, "\n{}: {}  ", present::ENTITY.get(lang), e);
            }
        }
        None => {
            let _ = write!(out, "\n{}: —  ", present::SPEAKER.get(lang));
        }
    }
    if let Some(c) = &quote.cue {
        let _ = write!(
            out,
            "\n{}: {}  ",
            present::CUE.get(lang),
            esc(convert::slice(text, c.span))
        );
    }
    if let Some(s) = &quote.source {
        let _ = write!(out, "\n{}: {}  ", present::SOURCE.get(lang), esc(&s.name));
        if let Some(e) = entity_name(s.entity.as_deref()) {
            let _ = write!(
                out,
                "\n{} ({}): {}  ",
                present::ENTITY.get(lang),
                present::SOURCE.get(lang),
                e
            );
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn preview(quote: &Quote, text: &str) -> String {
    let words = present::quote_preview(quote, text, PREVIEW_WORDS);
    if words.is_empty() {
        "…".to_owned()
    } else {
        words
    }
}
