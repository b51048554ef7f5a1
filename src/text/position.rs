//! Conversion between byte offsets and line/column positions.
//!
//! LSP positions are `(line, character)`, both 0-based; `character` counts code units of the
//! negotiated [`PositionEncoding`] (UTF-16 by default). Lines end at `\n`, `\r\n` or `\r` — not at
//! U+2028/U+2029/U+0085 (ropey is built with `cr_lines` only, to agree with LSP).
//!
//! This module is the one place that knows about code units; everything else uses byte offsets.

use ropey::Rope;

use super::Span;

/// The unit in which a [`Position`]'s `character` counts. The derived order is the order of
/// preference used when negotiating with a client (as ruff's server does): UTF-8, then UTF-32,
/// then UTF-16.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum PositionEncoding {
    /// Columns count UTF-8 bytes (`"utf-8"`).
    Utf8,
    /// Columns count Unicode scalar values (`"utf-32"`).
    Utf32,
    /// Columns count UTF-16 code units (`"utf-16"`, the LSP default).
    #[default]
    Utf16,
}

impl PositionEncoding {
    /// The LSP name: `"utf-8"`, `"utf-16"` or `"utf-32"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PositionEncoding::Utf8 => "utf-8",
            PositionEncoding::Utf16 => "utf-16",
            PositionEncoding::Utf32 => "utf-32",
        }
    }

    /// Parses an LSP name (`"utf-8"`, `"utf-16"`, `"utf-32"`); `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "utf-8" => Some(PositionEncoding::Utf8),
            "utf-16" => Some(PositionEncoding::Utf16),
            "utf-32" => Some(PositionEncoding::Utf32),
            _ => None,
        }
    }

    /// Picks the encoding to use from those a client offers: the most preferred one offered,
    /// UTF-16 when none is offered or none is known.
    pub fn negotiate<'a>(offered: impl IntoIterator<Item = &'a str>) -> Self {
        offered
            .into_iter()
            .filter_map(PositionEncoding::parse)
            .min()
            .unwrap_or_default()
    }
}

/// A 0-based line and a 0-based column counted in some [`PositionEncoding`]'s code units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 0-based line number.
    pub line: u32,
    /// 0-based column in code units of the encoding in use.
    pub character: u32,
}

/// Converts the byte offset `offset` of `rope` to a [`Position`] in `encoding`.
///
/// Offsets past the end clamp to the end; an offset inside a multi-byte character is moved
/// back to that character's start.
pub fn offset_to_position(rope: &Rope, offset: usize, encoding: PositionEncoding) -> Position {
    let char_idx = rope.byte_to_char(offset.min(rope.len_bytes()));
    let line = rope.char_to_line(char_idx);
    let line_start = rope.line_to_char(line);
    let character = match encoding {
        PositionEncoding::Utf8 => rope.char_to_byte(char_idx) - rope.char_to_byte(line_start),
        PositionEncoding::Utf16 => {
            rope.char_to_utf16_cu(char_idx) - rope.char_to_utf16_cu(line_start)
        }
        PositionEncoding::Utf32 => char_idx - line_start,
    };
    Position {
        line: saturate(line),
        character: saturate(character),
    }
}

/// `usize` → `u32`, saturating (documents beyond 4 GiB are not expected, but never panic).
fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The char index where the content of `line` ends, before its terminator (`\n`, `\r\n`, `\r`).
fn line_content_end(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_char(line);
    let mut end = rope.line_to_char(line + 1);
    if end > start && rope.char(end - 1) == '\n' {
        end -= 1;
    }
    if end > start && rope.char(end - 1) == '\r' {
        end -= 1;
    }
    end
}

/// Converts a [`Position`] in `encoding` to a byte offset of `rope`.
///
/// As LSP asks, a `character` past the end of its line clamps to the line's end (before the
/// line terminator) and a `line` past the last line clamps to the end of the text. A column that
/// falls inside a character (e.g. between the two UTF-16 units of an emoji) moves to that
/// character's start.
pub fn position_to_offset(rope: &Rope, position: Position, encoding: PositionEncoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let column = position.character as usize;
    let start = rope.line_to_char(line);
    let end = line_content_end(rope, line);
    let char_idx = match encoding {
        PositionEncoding::Utf8 => {
            let start_byte = rope.char_to_byte(start);
            let end_byte = rope.char_to_byte(end);
            // byte_to_char moves a byte inside a character back to that character.
            rope.byte_to_char(start_byte.saturating_add(column).min(end_byte))
        }
        PositionEncoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(start);
            let end_cu = rope.char_to_utf16_cu(end);
            // utf16_cu_to_char moves a unit inside a surrogate pair back to its character.
            rope.utf16_cu_to_char(start_cu.saturating_add(column).min(end_cu))
        }
        PositionEncoding::Utf32 => start.saturating_add(column).min(end),
    };
    rope.char_to_byte(char_idx)
}

/// 1-based line and 1-based column counted in characters (Unicode scalar values), as printed by
/// `qalam check`'s text output.
pub fn offset_to_line_col_chars(rope: &Rope, offset: usize) -> (usize, usize) {
    let p = offset_to_position(rope, offset, PositionEncoding::Utf32);
    (p.line as usize + 1, p.character as usize + 1)
}

/// Maps byte offsets of one text to [`Position`]s: a [`Rope`], or a text with its
/// [`LineIndex`] ([`IndexedText`]). Both give the same answer as [`offset_to_position`].
pub trait OffsetToPosition {
    /// The position of byte `offset` in `encoding` (clamped to the end; moved back to the start
    /// of the character it falls inside).
    fn offset_to_position(&self, offset: usize, encoding: PositionEncoding) -> Position;
}

impl OffsetToPosition for Rope {
    fn offset_to_position(&self, offset: usize, encoding: PositionEncoding) -> Position {
        offset_to_position(self, offset, encoding)
    }
}

/// Bytes between two checkpoints of a [`LineIndex`] (at most; each checkpoint sits on the first
/// char boundary at or after a multiple of this). Bounds the scan of one lookup.
pub const CHECKPOINT_BYTES: usize = 256;

/// A line index of one text, for converting many byte offsets to positions quickly (diagnostics,
/// outline and hover of a large document): O(log lines) plus a scan of at most
/// [`CHECKPOINT_BYTES`] per lookup, against five rope descents for [`offset_to_position`].
///
/// Lines end at `\n`, `\r\n` or `\r`, as in ropey with `cr_lines` (and LSP). Building it
/// reads the text about twice (≈ 0.6 ms per MB); memory ≈ 24 bytes per line plus 24 bytes per
/// 256 bytes of text. The index stores no text: every lookup takes the same `&str` it was built from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts (`[0]` = 0), ascending.
    line_starts: Vec<usize>,
    /// UTF-16 code units and chars before each line start.
    line_units: Vec<(usize, usize)>,
    /// `(byte, UTF-16 units before it, chars before it)` at char boundaries about
    /// [`CHECKPOINT_BYTES`] apart, ascending; `[0]` = `(0, 0, 0)`.
    checkpoints: Vec<(usize, usize, usize)>,
    /// The text's length in bytes.
    len: usize,
}

impl LineIndex {
    /// Indexes `text`: its line breaks (found with `memchr`) and, per checkpoint, the UTF-16
    /// units and chars before it (counted a slice at a time, which vectorises).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / CHECKPOINT_BYTES + 1);
        checkpoints.push((0, 0, 0));
        let (mut from, mut u16s, mut chars) = (0usize, 0usize, 0usize);
        loop {
            let mut to = from + CHECKPOINT_BYTES;
            if to >= bytes.len() {
                break;
            }
            while !text.is_char_boundary(to) {
                to += 1;
            }
            let (u, c) = count_units(&bytes[from..to]);
            u16s += u;
            chars += c;
            checkpoints.push((to, u16s, chars));
            from = to;
        }
        let mut index = LineIndex {
            line_starts: vec![0],
            line_units: vec![(0, 0)],
            checkpoints,
            len: bytes.len(),
        };
        // Units before each line start, counted on from the previous one.
        let (mut at, mut u16s, mut chars) = (0usize, 0usize, 0usize);
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue; // CRLF breaks after its LF
            }
            let (u, c) = count_units(&bytes[at..=i]);
            (at, u16s, chars) = (i + 1, u16s + u, chars + c);
            index.line_starts.push(at);
            index.line_units.push((u16s, chars));
        }
        index
    }

    /// The index of `text`, made from this index of the text before an edit: `old_changed`
    /// and `new_changed` are the bytes that differ (of the old text and of `text`; the bytes
    /// before and after them are the same in both, as [`crate::text::edit::EditMap`] gives
    /// them). Lines and checkpoints before the change are kept, those after it shifted; only
    /// the lines the change touches are read — O(changed lines + lines) instead of reading the
    /// whole text. Every lookup answers as on `LineIndex::new(text)` (checkpoints may lie
    /// closer together or up to twice [`CHECKPOINT_BYTES`] apart where the two meet). An
    /// index and spans that do not fit `text` give `LineIndex::new(text)`.
    pub fn edited(&self, text: &str, old_changed: Span, new_changed: Span) -> LineIndex {
        let bytes = text.as_bytes();
        let fits = old_changed.start == new_changed.start
            && old_changed.start <= old_changed.end
            && new_changed.start <= new_changed.end
            && old_changed.end <= self.len
            && new_changed.end <= bytes.len()
            && self.len - old_changed.end == bytes.len() - new_changed.end;
        if !fits {
            return LineIndex::new(text);
        }
        // Kept: the lines starting before the change (their break and the byte after it are
        // unchanged), `a` the last of them; shifted: those starting after a break that follows
        // the change, `b` the first of them (old offset).
        let first_kept_after = self
            .line_starts
            .partition_point(|&s| s < old_changed.end + 1);
        let last_kept = self
            .line_starts
            .partition_point(|&s| s < old_changed.start)
            .max(1)
            - 1;
        let a = self.line_starts[last_kept];
        let b = self.line_starts.get(first_kept_after).copied();
        let delta = |x: usize| x - old_changed.end + new_changed.end;
        let scan_to = b.map_or(bytes.len(), delta);
        let mut index = LineIndex {
            line_starts: self.line_starts[..=last_kept].to_vec(),
            line_units: self.line_units[..=last_kept].to_vec(),
            checkpoints: Vec::with_capacity(self.checkpoints.len() + 2),
            len: bytes.len(),
        };
        // Lines between: found and counted as `new` does, from `a`.
        let (mut at, (mut u16s, mut chars)) = (a, self.line_units[last_kept]);
        for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[a..scan_to]).map(|i| a + i) {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue;
            }
            if b.is_some() && i + 1 == scan_to {
                break; // the first shifted line
            }
            let (u, c) = count_units(&bytes[at..=i]);
            (at, u16s, chars) = (i + 1, u16s + u, chars + c);
            index.line_starts.push(at);
            index.line_units.push((u16s, chars));
        }
        // Checkpoints: those up to `a` kept, then every CHECKPOINT_BYTES from the last of them
        // up to the shifted part.
        let kept = self.checkpoints.partition_point(|c| c.0 <= a);
        index
            .checkpoints
            .extend_from_slice(&self.checkpoints[..kept]);
        let (mut from, mut cu, mut cc) = self.checkpoints[kept - 1];
        loop {
            let mut to = from + CHECKPOINT_BYTES;
            if to >= scan_to {
                break;
            }
            while !text.is_char_boundary(to) {
                to += 1;
            }
            if to >= scan_to {
                break;
            }
            let (u, c) = count_units(&bytes[from..to]);
            (cu, cc) = (cu + u, cc + c);
            index.checkpoints.push((to, cu, cc));
            from = to;
        }
        let Some(b) = b else {
            return index;
        };
        // The shifted part: units before `b` in the new text against the old.
        let (u, c) = count_units(&bytes[at..scan_to]);
        let (new_u, new_c) = (u16s + u, chars + c);
        let (old_u, old_c) = self.line_units[first_kept_after];
        let shift = |x: usize, old: usize, new: usize| x - old + new;
        for k in first_kept_after..self.line_starts.len() {
            let (lu, lc) = self.line_units[k];
            index.line_starts.push(delta(self.line_starts[k]));
            index
                .line_units
                .push((shift(lu, old_u, new_u), shift(lc, old_c, new_c)));
        }
        let (fu, fc) = count_units(&bytes[from..scan_to]);
        index.checkpoints.push((scan_to, cu + fu, cc + fc));
        let after = self.checkpoints.partition_point(|c| c.0 <= b);
        index.checkpoints.extend(
            self.checkpoints[after..]
                .iter()
                .map(|&(x, u, c)| (delta(x), shift(u, old_u, new_u), shift(c, old_c, new_c))),
        );
        index
    }

    /// The line (0-based) holding byte `offset`, as [`LineIndex::position`] gives it; offsets
    /// past the end are on the last line.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset.min(self.len))
            - 1
    }

    /// Number of lines (at least 1; a text ending with a line break has an empty last line).
    pub fn len_lines(&self) -> usize {
        self.line_starts.len()
    }

    /// UTF-16 units and chars of `text` before byte `offset` (a char boundary ≤ `text.len()`).
    fn units_before(&self, text: &str, offset: usize) -> (usize, usize) {
        let k = self.checkpoints.partition_point(|c| c.0 <= offset) - 1;
        let (from, u16s, chars) = self.checkpoints[k];
        let (u, c) = count_units(&text.as_bytes()[from..offset]);
        (u16s + u, chars + c)
    }

    /// The position of byte `offset` of `text` (the text this index was built from) in
    /// `encoding`: equal to [`offset_to_position`] on a rope of `text`. Offsets past the end
    /// clamp to the end; an offset inside a character moves back to its start. A `text` of
    /// another length than the indexed one is clamped to, never read out of bounds.
    pub fn position(&self, text: &str, offset: usize, encoding: PositionEncoding) -> Position {
        let mut offset = offset.min(self.len).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let character = match encoding {
            PositionEncoding::Utf8 => offset - start,
            PositionEncoding::Utf16 | PositionEncoding::Utf32 => {
                let (u16s, chars) = self.units_before(text, offset);
                let (line_u16s, line_chars) = self.line_units[line];
                if encoding == PositionEncoding::Utf16 {
                    u16s.saturating_sub(line_u16s)
                } else {
                    chars.saturating_sub(line_chars)
                }
            }
        };
        Position {
            line: saturate(line),
            character: saturate(character),
        }
    }
}

/// UTF-16 code units and chars in `bytes`, a run of whole UTF-8 characters: one per byte that
/// is not a continuation byte (`10xxxxxx`), plus one more unit per 4-byte lead (`11110xxx`,
/// a supplementary-plane char, two UTF-16 units).
fn count_units(bytes: &[u8]) -> (usize, usize) {
    let (mut chars, mut astral) = (0usize, 0usize);
    // Byte-wide counters over runs of at most 255 bytes cannot overflow, and let the loop
    // compare 16 or 32 bytes per instruction instead of widening every byte to 64 bits.
    for run in bytes.chunks(255) {
        let (mut c, mut a) = (0u8, 0u8);
        for &b in run {
            c += u8::from((b as i8) >= -0x40);
            a += u8::from(b >= 0xF0);
        }
        chars += usize::from(c);
        astral += usize::from(a);
    }
    (chars + astral, chars)
}

/// A text together with its [`LineIndex`]: the fast [`OffsetToPosition`] the server uses for
/// an analysed revision.
#[derive(Clone, Copy, Debug)]
pub struct IndexedText<'a> {
    /// The text.
    pub text: &'a str,
    /// `LineIndex::new(text)`.
    pub index: &'a LineIndex,
}

impl OffsetToPosition for IndexedText<'_> {
    fn offset_to_position(&self, offset: usize, encoding: PositionEncoding) -> Position {
        self.index.position(self.text, offset, encoding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn encoding_names_and_negotiation() {
        for e in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            assert_eq!(PositionEncoding::parse(e.as_str()), Some(e));
        }
        assert_eq!(PositionEncoding::parse("utf8"), None);
        use PositionEncoding::*;
        assert_eq!(PositionEncoding::negotiate(["utf-16", "utf-8"]), Utf8);
        assert_eq!(PositionEncoding::negotiate(["utf-16", "utf-32"]), Utf32);
        assert_eq!(PositionEncoding::negotiate(["utf-32", "utf-8"]), Utf8);
        assert_eq!(PositionEncoding::negotiate(["utf-16"]), Utf16);
        assert_eq!(PositionEncoding::negotiate(["latin-1"]), Utf16);
        assert_eq!(PositionEncoding::negotiate([]), Utf16);
    }

    #[test]
    fn line_of_is_the_line_of_the_position() {
        let text = "قال\r\nنعم 😀\n\nلا\rثم";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            let line = index.position(text, offset, PositionEncoding::Utf16).line;
            assert_eq!(index.line_of(offset), line as usize, "offset {offset}");
        }
        assert_eq!(index.line_of(0), 0);
        assert_eq!(index.line_of(text.len()), index.len_lines() - 1);
    }

    /// An index carried through random edits (`LineIndex::edited`) answers every lookup as an
    /// index of the edited text built afresh: line breaks of every kind (CRLF split and joined
    /// by edits, lone CR), Arabic, emoji and long lines (several checkpoints).
    #[test]
    fn edited_index_answers_as_a_fresh_one() {
        let rng = crate::test_rng::XorShift::new(0x2545_f491_4f6c_dd1d);
        let next = |m: usize| rng.below(m);
        let pieces = ["\n", "\r", "\r\n", "قال", " ", "a", "😀", "«نعم»", "ـ"];
        let piece = |n: usize| -> String { (0..n).map(|_| pieces[next(pieces.len())]).collect() };
        for round in 0..40 {
            let mut text: String = piece(if round % 4 == 0 { 600 } else { 40 });
            let mut index = LineIndex::new(&text);
            for _ in 0..25 {
                // A change at char boundaries: delete some, insert some.
                let bounds: Vec<usize> = (0..=text.len())
                    .filter(|&i| text.is_char_boundary(i))
                    .collect();
                let i = bounds[next(bounds.len())];
                let k = bounds.partition_point(|&x| x < i) + next(4);
                let j = bounds[k.min(bounds.len() - 1)];
                let insert = piece(next(4) * next(3));
                let mut edited = text.clone();
                edited.replace_range(i..j, &insert);
                // The changed bytes as the common prefix and suffix give them.
                let prefix = text
                    .bytes()
                    .zip(edited.bytes())
                    .take_while(|(x, y)| x == y)
                    .count();
                let suffix = text.as_bytes()[prefix..]
                    .iter()
                    .rev()
                    .zip(edited.as_bytes()[prefix..].iter().rev())
                    .take_while(|(x, y)| x == y)
                    .count();
                let old_changed = Span::new(prefix, text.len() - suffix);
                let new_changed = Span::new(prefix, edited.len() - suffix);
                index = index.edited(&edited, old_changed, new_changed);
                let fresh = LineIndex::new(&edited);
                assert_eq!(index.len_lines(), fresh.len_lines(), "{edited:?}");
                assert_eq!(index.line_starts, fresh.line_starts, "{edited:?}");
                for offset in 0..=edited.len() + 1 {
                    for e in [
                        PositionEncoding::Utf8,
                        PositionEncoding::Utf16,
                        PositionEncoding::Utf32,
                    ] {
                        assert_eq!(
                            index.position(&edited, offset, e),
                            fresh.position(&edited, offset, e),
                            "offset {offset} {e:?} in {edited:?}"
                        );
                    }
                }
                text = edited;
            }
        }
        // Spans that do not fit the text: a fresh index.
        let index = LineIndex::new("ab\ncd");
        let other = index.edited("x", Span::new(0, 9), Span::new(0, 1));
        assert_eq!(other, LineIndex::new("x"));
    }

    #[test]
    fn arabic_columns_in_each_encoding() {
        // "قال" = 3 chars, 6 bytes, 3 UTF-16 units; then an emoji (4 bytes, 2 units).
        let text = "قال 😀 نعم";
        let rope = Rope::from_str(text);
        let off = text.find('ن').unwrap(); // 6 + 1 + 4 + 1 = 12
        assert_eq!(off, 12);
        assert_eq!(
            offset_to_position(&rope, off, PositionEncoding::Utf8),
            pos(0, 12)
        );
        assert_eq!(
            offset_to_position(&rope, off, PositionEncoding::Utf16),
            pos(0, 7)
        );
        assert_eq!(
            offset_to_position(&rope, off, PositionEncoding::Utf32),
            pos(0, 6)
        );
        assert_eq!(
            position_to_offset(&rope, pos(0, 12), PositionEncoding::Utf8),
            12
        );
        assert_eq!(
            position_to_offset(&rope, pos(0, 7), PositionEncoding::Utf16),
            12
        );
        assert_eq!(
            position_to_offset(&rope, pos(0, 6), PositionEncoding::Utf32),
            12
        );
        assert_eq!(offset_to_line_col_chars(&rope, off), (1, 7));
    }

    #[test]
    fn inside_a_character_moves_to_its_start() {
        let text = "ب😀ت";
        let rope = Rope::from_str(text);
        // UTF-16 column 2 is between the emoji's surrogates: back to the emoji (byte 2).
        assert_eq!(
            position_to_offset(&rope, pos(0, 2), PositionEncoding::Utf16),
            2
        );
        assert_eq!(
            position_to_offset(&rope, pos(0, 3), PositionEncoding::Utf16),
            6
        );
        // UTF-8 column 1 is inside ب.
        assert_eq!(
            position_to_offset(&rope, pos(0, 1), PositionEncoding::Utf8),
            0
        );
        assert_eq!(
            position_to_offset(&rope, pos(0, 4), PositionEncoding::Utf8),
            2
        );
        // A byte offset inside the emoji maps to the emoji's position.
        assert_eq!(
            offset_to_position(&rope, 4, PositionEncoding::Utf16),
            pos(0, 1)
        );
        assert_eq!(
            offset_to_position(&rope, 4, PositionEncoding::Utf8),
            pos(0, 2)
        );
    }

    #[test]
    fn crlf_lone_cr_and_lf_are_line_breaks() {
        let text = "أ\r\nب\rت\nث";
        let rope = Rope::from_str(text);
        assert_eq!(rope.len_lines(), 4);
        let off_b = text.find('ب').unwrap();
        let off_t = text.find('ت').unwrap();
        let off_th = text.find('ث').unwrap();
        for e in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            assert_eq!(offset_to_position(&rope, off_b, e), pos(1, 0));
            assert_eq!(offset_to_position(&rope, off_t, e), pos(2, 0));
            assert_eq!(offset_to_position(&rope, off_th, e), pos(3, 0));
            assert_eq!(position_to_offset(&rope, pos(2, 0), e), off_t);
        }
        // Past the end of line 0 clamps before "\r\n".
        assert_eq!(
            position_to_offset(&rope, pos(0, 99), PositionEncoding::Utf16),
            2
        );
        assert_eq!(
            position_to_offset(&rope, pos(1, 99), PositionEncoding::Utf8),
            off_b + 2
        );
        // Past the last line clamps to the end of the text.
        assert_eq!(
            position_to_offset(&rope, pos(9, 0), PositionEncoding::Utf16),
            text.len()
        );
        assert_eq!(
            position_to_offset(&rope, pos(3, 5), PositionEncoding::Utf32),
            text.len()
        );
    }

    #[test]
    fn line_separator_u2028_is_not_a_line_break() {
        let text = "أ\u{2028}ب\u{2029}ت\u{85}ث";
        let rope = Rope::from_str(text);
        assert_eq!(rope.len_lines(), 1);
        let off = text.find('ث').unwrap();
        assert_eq!(
            offset_to_position(&rope, off, PositionEncoding::Utf16),
            pos(0, 6)
        );
        assert_eq!(
            position_to_offset(&rope, pos(0, 6), PositionEncoding::Utf16),
            off
        );
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let text = "سلام\n";
        let rope = Rope::from_str(text);
        assert_eq!(
            offset_to_position(&rope, 1000, PositionEncoding::Utf16),
            pos(1, 0)
        );
        assert_eq!(offset_to_line_col_chars(&rope, 1000), (2, 1));
        assert_eq!(offset_to_line_col_chars(&rope, 4), (1, 3));
        let empty = Rope::new();
        assert_eq!(
            offset_to_position(&empty, 3, PositionEncoding::Utf8),
            pos(0, 0)
        );
        assert_eq!(
            position_to_offset(&empty, pos(0, 5), PositionEncoding::Utf8),
            0
        );
        assert_eq!(
            position_to_offset(&empty, pos(u32::MAX, u32::MAX), PositionEncoding::Utf16),
            0
        );
        assert_eq!(
            position_to_offset(&rope, pos(0, u32::MAX), PositionEncoding::Utf8),
            8
        );
    }

    #[test]
    fn round_trip_every_char_boundary() {
        let text = "وقال بيسكوف: «نعم» 😀\r\nثم‏ قال\rﻻ";
        let rope = Rope::from_str(text);
        for (off, _) in text.char_indices() {
            for e in [
                PositionEncoding::Utf8,
                PositionEncoding::Utf16,
                PositionEncoding::Utf32,
            ] {
                let p = offset_to_position(&rope, off, e);
                // Offsets between \r and \n are not positions of their own.
                if text[..off].ends_with('\r') && text[off..].starts_with('\n') {
                    continue;
                }
                assert_eq!(position_to_offset(&rope, p, e), off, "{off} {e:?}");
            }
        }
    }

    #[test]
    fn line_index_agrees_with_the_rope() {
        let mut text = String::from("قال 😀 نعم\r\nسطر\rثالث\n\n");
        // A long line, so lookups cross several checkpoints.
        for _ in 0..400 {
            text.push_str("كلمة 😀 ");
        }
        text.push_str("\r\n");
        let rope = Rope::from_str(&text);
        let index = LineIndex::new(&text);
        assert_eq!(index.len_lines(), rope.len_lines());
        for offset in 0..=text.len() + 2 {
            for e in [
                PositionEncoding::Utf8,
                PositionEncoding::Utf16,
                PositionEncoding::Utf32,
            ] {
                assert_eq!(
                    index.position(&text, offset, e),
                    offset_to_position(&rope, offset, e),
                    "offset {offset}, {e:?}"
                );
            }
        }
    }
}
