//! An open document: its text as a rope and the version the client gave it.

use ropey::Rope;

use super::position::{Position, PositionEncoding, position_to_offset};

/// An open text document: a [`Rope`] (ropey 1.6, `cr_lines` line breaks) and the client's version.
#[derive(Clone, Debug)]
pub struct Document {
    rope: Rope,
    version: i32,
}

/// One content change, as LSP's `TextDocumentContentChangeEvent`: `range == None` replaces the
/// whole text; otherwise `[start, end)` in the document's [`PositionEncoding`] is replaced.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    /// The replaced range, or `None` for a full replacement.
    pub range: Option<(Position, Position)>,
    /// The new text.
    pub text: &'a str,
}

impl Document {
    /// A document holding `text` at `version`.
    pub fn new(text: &str, version: i32) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
        }
    }

    /// Applies `changes` in order (each range refers to the text left by the previous change)
    /// and sets the version. Positions are interpreted in `encoding` and clamped as
    /// [`position_to_offset`] does; a range whose end precedes its start is treated as empty at
    /// its start. Never panics on client input.
    pub fn apply(&mut self, changes: &[Change<'_>], version: i32, encoding: PositionEncoding) {
        for change in changes {
            match change.range {
                None => self.rope = Rope::from_str(change.text),
                Some((start, end)) => {
                    let start = position_to_offset(&self.rope, start, encoding);
                    let end = position_to_offset(&self.rope, end, encoding).max(start);
                    // Both offsets are char boundaries (position_to_offset snaps them).
                    let start_char = self.rope.byte_to_char(start);
                    let end_char = self.rope.byte_to_char(end);
                    if end_char > start_char {
                        self.rope.remove(start_char..end_char);
                    }
                    if !change.text.is_empty() {
                        self.rope.insert(start_char, change.text);
                    }
                }
            }
        }
        self.version = version;
    }

    /// The document's version.
    pub fn version(&self) -> i32 {
        self.version
    }

    /// The rope.
    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The whole text as a `String` (allocates).
    pub fn text(&self) -> String {
        rope_text(&self.rope)
    }
}

/// The text of `rope` as a `String`, allocated once at its final size (`rope.to_string()`
/// grows the string by doubling).
pub fn rope_text(rope: &Rope) -> String {
    let mut text = String::new();
    push_rope(&mut text, rope);
    text
}

/// Appends the text of `rope` to `text`, reserving its length first.
pub fn push_rope(text: &mut String, rope: &Rope) {
    text.reserve(rope.len_bytes());
    for chunk in rope.chunks() {
        text.push_str(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    fn edit(doc: &mut Document, start: Position, end: Position, text: &str, enc: PositionEncoding) {
        let v = doc.version() + 1;
        doc.apply(
            &[Change {
                range: Some((start, end)),
                text,
            }],
            v,
            enc,
        );
    }

    #[test]
    fn full_replacement_sets_text_and_version() {
        let mut doc = Document::new("قديم", 1);
        doc.apply(
            &[Change {
                range: None,
                text: "جديد\r\n",
            }],
            7,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "جديد\r\n");
        assert_eq!(doc.version(), 7);
        assert_eq!(doc.rope().len_lines(), 2);
    }

    #[test]
    fn incremental_edits_equal_a_fresh_document() {
        let enc = PositionEncoding::Utf16;
        let mut doc = Document::new("قال المتحدث 😀 إن\r\nالأمر انتهى", 1);
        // Insert after the emoji (UTF-16 col 14: 11 chars + space + 2 units).
        edit(&mut doc, p(0, 14), p(0, 14), "، وأضاف", enc);
        assert_eq!(doc.text(), "قال المتحدث 😀، وأضاف إن\r\nالأمر انتهى");
        // Replace "الأمر" on line 1.
        edit(&mut doc, p(1, 0), p(1, 5), "الاتفاق", enc);
        // Delete across the line break (from end of line 0 to start of line 1).
        edit(&mut doc, p(0, 24), p(1, 0), " ", enc);
        assert_eq!(doc.text(), "قال المتحدث 😀، وأضاف إن الاتفاق انتهى");
        // Append at the end, past-the-end position clamps.
        edit(&mut doc, p(5, 0), p(5, 0), ".", enc);
        let fresh = Document::new("قال المتحدث 😀، وأضاف إن الاتفاق انتهى.", 5);
        assert_eq!(doc.text(), fresh.text());
        assert_eq!(doc.version(), 5);
    }

    #[test]
    fn utf8_and_utf32_edits() {
        let mut doc = Document::new("ب😀ت", 0);
        edit(&mut doc, p(0, 2), p(0, 6), "و", PositionEncoding::Utf8);
        assert_eq!(doc.text(), "بوت");
        edit(&mut doc, p(0, 1), p(0, 2), "ي", PositionEncoding::Utf32);
        assert_eq!(doc.text(), "بيت");
    }

    #[test]
    fn several_changes_in_one_notification_apply_in_order() {
        let mut doc = Document::new("أ\nب", 0);
        doc.apply(
            &[
                Change {
                    range: Some((p(1, 0), p(1, 1))),
                    text: "ج",
                },
                Change {
                    range: Some((p(0, 1), p(0, 1))),
                    text: "\r\n",
                },
                Change {
                    range: Some((p(2, 1), p(2, 1))),
                    text: "د",
                },
            ],
            3,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "أ\r\n\nجد");
    }

    #[test]
    fn hostile_ranges_never_panic() {
        let mut doc = Document::new("مرحبا 😀\r\nعالم", 0);
        let enc = PositionEncoding::Utf16;
        // Reversed range: empty at its start.
        edit(&mut doc, p(0, 3), p(0, 1), "X", enc);
        assert_eq!(doc.text(), "مرحXبا 😀\r\nعالم");
        // Inside the surrogate pair, far past the end, max values.
        edit(&mut doc, p(0, 8), p(0, 8), "Y", enc);
        edit(
            &mut doc,
            p(u32::MAX, u32::MAX),
            p(u32::MAX, u32::MAX),
            "Z",
            enc,
        );
        edit(&mut doc, p(1, 100), p(0, u32::MAX), "", enc);
        assert!(doc.text().ends_with("عالمZ"));
        assert!(doc.text().contains("Y😀"));
        edit(&mut doc, p(0, 0), p(u32::MAX, 0), "", enc);
        assert_eq!(doc.text(), "");
    }

    /// Byte offset of a UTF-16 position in `s`, computed independently of ropey: lines split at
    /// `\r\n`, `\r`, `\n`; columns clamp to the line's content; a column inside a surrogate pair
    /// moves back to the character.
    fn model_offset(s: &str, pos: Position) -> usize {
        let mut line_start = 0;
        let mut line = 0;
        let bytes = s.as_bytes();
        let mut i = 0;
        while line < pos.line {
            if i >= bytes.len() {
                return s.len();
            }
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    i += 2;
                    line += 1;
                    line_start = i;
                }
                b'\r' | b'\n' => {
                    i += 1;
                    line += 1;
                    line_start = i;
                }
                _ => i += 1,
            }
        }
        let mut units = 0;
        for (j, c) in s[line_start..].char_indices() {
            if c == '\n' || c == '\r' || units + c.len_utf16() > pos.character as usize {
                return line_start + j;
            }
            units += c.len_utf16();
        }
        s.len()
    }

    #[test]
    fn random_edit_sequences_match_a_string_model() {
        let pieces = [
            "قال",
            " ",
            "\r\n",
            "\n",
            "\r",
            "😀",
            "«",
            "»",
            "مُحَمَّد",
            "ـ",
            "a",
            "\u{2028}",
            "",
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for round in 0..200 {
            let mut model = String::from("بدأ الاجتماع 😀\r\nثم انتهى\rأخيرا\n");
            let mut doc = Document::new(&model, 0);
            for step in 0..30 {
                let lines =
                    model.matches('\n').count() as u64 + model.matches('\r').count() as u64 + 2;
                let a = Position {
                    line: next(lines) as u32,
                    character: next(12) as u32,
                };
                let b = Position {
                    line: next(lines) as u32,
                    character: next(12) as u32,
                };
                let mut text = String::new();
                for _ in 0..next(3) {
                    text.push_str(pieces[next(pieces.len() as u64) as usize]);
                }
                let start = model_offset(&model, a);
                let end = model_offset(&model, b).max(start);
                model.replace_range(start..end, &text);
                doc.apply(
                    &[Change {
                        range: Some((a, b)),
                        text: &text,
                    }],
                    step,
                    PositionEncoding::Utf16,
                );
                assert_eq!(doc.text(), model, "round {round} step {step}");
            }
            assert_eq!(
                doc.rope().len_lines(),
                Document::new(&model, 0).rope().len_lines()
            );
        }
    }
}
