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
        todo!()
    }

    /// Applies `changes` in order (each range refers to the text left by the previous change)
    /// and sets the version. Positions are interpreted in `encoding` and clamped as
    /// [`position_to_offset`] does; a range whose end precedes its start is treated as empty at
    /// its start. Never panics on client input.
    pub fn apply(&mut self, changes: &[Change<'_>], version: i32, encoding: PositionEncoding) {
        todo!()
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
        self.rope.to_string()
    }
}
