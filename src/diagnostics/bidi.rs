//! `bidi-control`: invisible bidi embeddings, overrides and isolates (U+202A–U+202E,
//! U+2066–U+2069, Unicode UAX #9). They reorder what the reader sees without showing
//! themselves (CVE-2021-42574, "Trojan Source"). LRM, RLM and ALM are legitimate in Arabic text
//! and are not reported.

use super::{Code, Diagnostic, Message};
use crate::text::Span;

/// Arabic and English names of a bidi control, `None` for other characters.
fn name(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '\u{202A}' => ("تضمين من اليسار إلى اليمين", "LEFT-TO-RIGHT EMBEDDING"),
        '\u{202B}' => ("تضمين من اليمين إلى اليسار", "RIGHT-TO-LEFT EMBEDDING"),
        '\u{202C}' => ("إنهاء التنسيق الاتجاهي", "POP DIRECTIONAL FORMATTING"),
        '\u{202D}' => ("فرض الاتجاه من اليسار إلى اليمين", "LEFT-TO-RIGHT OVERRIDE"),
        '\u{202E}' => ("فرض الاتجاه من اليمين إلى اليسار", "RIGHT-TO-LEFT OVERRIDE"),
        '\u{2066}' => ("عزل من اليسار إلى اليمين", "LEFT-TO-RIGHT ISOLATE"),
        '\u{2067}' => ("عزل من اليمين إلى اليسار", "RIGHT-TO-LEFT ISOLATE"),
        '\u{2068}' => ("عزل حسب أول حرف قوي", "FIRST STRONG ISOLATE"),
        '\u{2069}' => ("إنهاء العزل الاتجاهي", "POP DIRECTIONAL ISOLATE"),
        _ => return None,
    })
}

/// One `bidi-control` diagnostic per embedding, override or isolate character of `text`.
pub fn bidi_controls(text: &str) -> Vec<Diagnostic> {
    text.char_indices()
        .filter_map(|(i, c)| {
            let (ar, en) = name(c)?;
            let code = c as u32;
            Some(Diagnostic::new(
                Span::new(i, i + c.len_utf8()),
                Code::BidiControl,
                Message::new(
                    format!("محرف تحكم اتجاهي غير مرئي U+{code:04X} ({ar})"),
                    format!("Invisible bidi control U+{code:04X} ({en})"),
                ),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_isolates_are_reported_marks_are_not() {
        let text = "قال\u{200F} \u{202E}كابول\u{202C} و\u{2067}NATO\u{2069}\u{200E}\u{061C}";
        let d = bidi_controls(text);
        let spans: Vec<&str> = d.iter().map(|d| d.span.slice(text)).collect();
        assert_eq!(spans, vec!["\u{202E}", "\u{202C}", "\u{2067}", "\u{2069}"]);
        assert_eq!(
            d[0].message.en,
            "Invisible bidi control U+202E (RIGHT-TO-LEFT OVERRIDE)"
        );
        assert_eq!(
            d[0].span,
            Span::new(
                text.find('\u{202E}').unwrap(),
                text.find('\u{202E}').unwrap() + 3
            )
        );
        assert!(
            d.iter()
                .all(|d| d.code == Code::BidiControl
                    && d.severity == super::super::Severity::Warning)
        );
    }
}
