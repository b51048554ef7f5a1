//! A hand-built [`Analysis`] of a small text with an emoji and CRLF line ends, for the unit tests
//! of the conversions (server and CLI) — independent of the analysis layers.

use crate::analysis::Analysis;
use crate::diagnostics::{Code, Diagnostic, Message, Related};
use crate::entities::{Entity, EntityKind, EntityMention};
use crate::quotes::{Cue, Quote, QuoteScan, Speaker};
use crate::text::Span;

/// Line 0: `🙂 قال الوزير خالد العمري في عمّان: «سنبدأ غدا».`
/// Line 1: `وأضاف العمري: "نعم" فى الحال`
pub const TEXT: &str =
    "🙂 قال الوزير خالد العمري في عمّان: «سنبدأ غدا».\r\nوأضاف العمري: \"نعم\" فى الحال\r\n";

/// The byte span of the `nth` (0-based) occurrence of `needle` in [`TEXT`].
pub fn find(needle: &str, nth: usize) -> Span {
    let start = TEXT
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in the fixture"))
        .0;
    Span::new(start, start + needle.len())
}

fn inner(span: Span) -> Span {
    // One mark character on each side; `«`, `»` are 2 bytes, `"` is 1.
    let text = &TEXT[span.start..span.end];
    let first = text.chars().next().map_or(0, char::len_utf8);
    let last = text.chars().next_back().map_or(0, char::len_utf8);
    Span::new(span.start + first, span.end - last)
}

/// The analysis: e1 person خالد العمري (mentions "خالد العمري", "العمري"; role الوزير),
/// e2 location عمّان; q1 «سنبدأ غدا» (cue قال, speaker e1), q2 "نعم" (cue وأضاف, speaker e1 via
/// the mention العمري); one mixed-orthography diagnostic on فى with a related location.
pub fn analysis() -> Analysis {
    let full = find("خالد العمري", 0);
    let short = find("العمري", 1);
    let place = find("عمّان", 0);
    let q1 = find("«سنبدأ غدا»", 0);
    let q2 = find("\"نعم\"", 0);
    Analysis {
        tokens: Default::default(),
        entities: vec![
            Entity {
                id: "e1".into(),
                name: "خالد العمري".into(),
                kind: EntityKind::Person,
                aliases: vec!["العمري".into()],
                roles: vec!["الوزير".into()],
                mentions: vec![
                    EntityMention {
                        text: "خالد العمري".into(),
                        span: full,
                    },
                    EntityMention {
                        text: "العمري".into(),
                        span: short,
                    },
                ],
            },
            Entity {
                id: "e2".into(),
                name: "عمّان".into(),
                kind: EntityKind::Location,
                aliases: vec![],
                roles: vec![],
                mentions: vec![EntityMention {
                    text: "عمّان".into(),
                    span: place,
                }],
            },
        ],
        quotes: QuoteScan {
            quotes: vec![
                Quote {
                    id: "q1".into(),
                    span: q1,
                    content: inner(q1),
                    closed: true,
                    nested_in: None,
                    speaker: Some(Speaker {
                        name: "خالد العمري".into(),
                        entity: Some("e1".into()),
                        span: full,
                    }),
                    cue: Some(Cue {
                        span: find("قال", 0),
                    }),
                    source: None,
                },
                Quote {
                    id: "q2".into(),
                    span: q2,
                    content: inner(q2),
                    closed: true,
                    nested_in: None,
                    speaker: Some(Speaker {
                        name: "خالد العمري".into(),
                        entity: Some("e1".into()),
                        span: short,
                    }),
                    cue: Some(Cue {
                        span: find("وأضاف", 0),
                    }),
                    source: None,
                },
            ],
            quoted_names: vec![],
            unmatched_closing: vec![],
        },
        diagnostics: vec![Diagnostic {
            span: find("فى", 0),
            code: Code::MixedOrthography,
            severity: Code::MixedOrthography.default_severity(),
            message: Message {
                ar: "اكتب في".into(),
                en: "write في".into(),
            },
            related: vec![Related {
                span: find("في", 0),
                message: Message {
                    ar: "الصيغة الغالبة".into(),
                    en: "majority form".into(),
                },
            }],
        }],
    }
}
