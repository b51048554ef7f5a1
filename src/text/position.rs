//! Conversion between byte offsets and line/column positions.
//!
//! LSP positions are `(line, character)`, both 0-based; `character` counts code units of the
//! negotiated [`PositionEncoding`] (UTF-16 by default). Lines end at `\n`, `\r\n` or `\r` — not at
//! U+2028/U+2029/U+0085 (ropey is built with `cr_lines` only, to agree with LSP).
//!
//! This module is the one place that knows about code units; everything else uses byte offsets.

use ropey::Rope;

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
        todo!()
    }

    /// Parses an LSP name (`"utf-8"`, `"utf-16"`, `"utf-32"`); `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        todo!()
    }

    /// Picks the encoding to use from those a client offers: the most preferred one offered,
    /// UTF-16 when none is offered or none is known.
    pub fn negotiate<'a>(offered: impl IntoIterator<Item = &'a str>) -> Self {
        todo!()
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
    todo!()
}

/// Converts a [`Position`] in `encoding` to a byte offset of `rope`.
///
/// As LSP asks, a `character` past the end of its line clamps to the line's end (before the
/// line terminator) and a `line` past the last line clamps to the end of the text. A column that
/// falls inside a character (e.g. between the two UTF-16 units of an emoji) moves to that
/// character's start.
pub fn position_to_offset(rope: &Rope, position: Position, encoding: PositionEncoding) -> usize {
    todo!()
}

/// 1-based line and 1-based column counted in characters (Unicode scalar values), as printed by
/// `qalam check`'s text output.
pub fn offset_to_line_col_chars(rope: &Rope, offset: usize) -> (usize, usize) {
    todo!()
}
