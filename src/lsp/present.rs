//! Presentation shared by the server and `qalam check`: localised labels (Arabic / English),
//! short previews of quotations, Markdown escaping.

use crate::diagnostics::Lang;
use crate::entities::EntityKind;

/// How many words of a quotation its preview shows (outline names, hovers, the CLI summary).
pub const PREVIEW_WORDS: usize = 8;

/// A fixed label in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    /// Arabic.
    pub ar: &'static str,
    /// English.
    pub en: &'static str,
}

impl Label {
    /// The label in `lang`.
    pub const fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ar => self.ar,
            Lang::En => self.en,
        }
    }
}

const fn label(ar: &'static str, en: &'static str) -> Label {
    Label { ar, en }
}

/// "Quotations": the outline group of quotations, and the hover's list heading.
pub const QUOTATIONS: Label = label("الاقتباسات", "Quotations");
/// "Quotation": the hover heading of a quotation.
pub const QUOTATION: Label = label("اقتباس", "Quotation");
/// "unclosed".
pub const UNCLOSED: Label = label("غير مغلق", "unclosed");
/// "Speaker".
pub const SPEAKER: Label = label("القائل", "Speaker");
/// "Cue" (the reporting verb).
pub const CUE: Label = label("فعل القول", "Cue");
/// "Source".
pub const SOURCE: Label = label("المصدر", "Source");
/// "Entity" (the entity a speaker or source is linked to).
pub const ENTITY: Label = label("الكيان", "Entity");
/// "Roles".
pub const ROLES: Label = label("الصفات", "Roles");
/// "Also written".
pub const ALIASES: Label = label("صيغ أخرى", "Also written");
/// "Mentions".
pub const MENTIONS: Label = label("الإشارات", "Mentions");
/// "Entities" (CLI summary heading).
pub const ENTITIES: Label = label("الكيانات", "Entities");
/// "no speaker".
pub const NO_SPEAKER: Label = label("بلا قائل", "no speaker");

/// The localised name of an entity kind: شخص / person, منظمة / organization, مكان / place,
/// أخرى / other.
pub fn kind_label(kind: EntityKind, lang: Lang) -> &'static str {
    match kind {
        EntityKind::Person => label("شخص", "person"),
        EntityKind::Organization => label("منظمة", "organization"),
        EntityKind::Location => label("مكان", "place"),
        EntityKind::Misc => label("أخرى", "other"),
    }
    .get(lang)
}

/// The localised name of the outline group holding entities of `kind`: الأشخاص / People,
/// المنظمات / Organizations, الأماكن / Places, أسماء أخرى / Other names.
pub fn group_label(kind: EntityKind, lang: Lang) -> &'static str {
    match kind {
        EntityKind::Person => label("الأشخاص", "People"),
        EntityKind::Organization => label("المنظمات", "Organizations"),
        EntityKind::Location => label("الأماكن", "Places"),
        EntityKind::Misc => label("أسماء أخرى", "Other names"),
    }
    .get(lang)
}

/// The list separator of `lang`: the Arabic comma "، " or ", ".
pub fn list_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar => "، ",
        Lang::En => ", ",
    }
}

/// The most characters of a quotation preview in the outline and in hovers.
pub const MAX_PREVIEW_CHARS: usize = 80;

/// The first `max` white-space-separated words of `text`, joined by single spaces, at most
/// [`MAX_PREVIEW_CHARS`] characters, with "…" appended when anything was left out
/// ([`crate::diagnostics::first_words_within`]). Line breaks count as white space, so a
/// multi-paragraph quotation gives a one-line preview. Empty when `text` holds no word.
pub fn first_words(text: &str, max: usize) -> String {
    crate::diagnostics::first_words_within(text, max, MAX_PREVIEW_CHARS)
}

/// The preview of a quotation (outline name, hover): the first `max` words of its text without
/// the marks that reopen continuation paragraphs ([`crate::quotes::Quote::text`]). Only the first
/// few hundred characters of the content are read, so a huge quotation costs no more than a
/// short one.
pub fn quote_preview(quote: &crate::quotes::Quote, text: &str, max: usize) -> String {
    const HEAD_BYTES: usize = 4 * MAX_PREVIEW_CHARS;
    let mut head = quote.clone();
    let mut end = quote.content.end.min(quote.content.start + HEAD_BYTES);
    while end > quote.content.start && !text.is_char_boundary(end) {
        end -= 1;
    }
    head.content.end = end;
    first_words(&head.text(text), max)
}

/// Escapes the characters that CommonMark reads as inline markup (`` \ ` * _ [ ] < > # | ~ ``)
/// so that text from the document shows literally in a Markdown hover. (Document text never
/// starts a line of a hover, so block markers such as `-` need no escape.)
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_preview_drops_reopening_marks_and_reads_only_the_head() {
        use crate::quotes::Quote;
        use crate::text::Span;
        let text = "«الجملة الأولى\n\n«والجملة الثانية»";
        let close = text.rfind('»').unwrap();
        let quote = Quote {
            id: "q1".into(),
            span: Span::new(0, close + '»'.len_utf8()),
            content: Span::new('«'.len_utf8(), close),
            closed: true,
            nested_in: None,
            speaker: None,
            cue: None,
            source: None,
        };
        assert_eq!(
            quote_preview(&quote, text, 8),
            "الجملة الأولى والجملة الثانية"
        );
        assert_eq!(quote_preview(&quote, text, 2), "الجملة الأولى…");

        let long = format!("«{}»", "ب".repeat(100_000));
        let quote = Quote {
            span: Span::new(0, long.len()),
            content: Span::new('«'.len_utf8(), long.len() - '»'.len_utf8()),
            ..quote
        };
        let preview = quote_preview(&quote, &long, 8);
        assert_eq!(preview.chars().count(), MAX_PREVIEW_CHARS + 1);
        assert!(preview.ends_with('…'));
    }

    #[test]
    fn first_words_truncates_and_marks() {
        assert_eq!(first_words("  واحد اثنان\r\nثلاثة  ", 8), "واحد اثنان ثلاثة");
        assert_eq!(first_words("a b c d", 2), "a b…");
        assert_eq!(first_words("a b", 2), "a b");
        assert_eq!(first_words(" \n ", 8), "");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape_markdown("*a_b* [x](y)"), "\\*a\\_b\\* \\[x\\](y)");
        assert_eq!(escape_markdown("بيسكوف"), "بيسكوف");
    }

    #[test]
    fn labels_are_localised() {
        assert_eq!(kind_label(EntityKind::Person, Lang::Ar), "شخص");
        assert_eq!(group_label(EntityKind::Location, Lang::En), "Places");
        assert_eq!(QUOTATIONS.get(Lang::Ar), "الاقتباسات");
    }
}
