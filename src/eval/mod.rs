//! `qalam eval-doc`: whole-document evaluation against hand-made gold files.

use std::path::Path;

use crate::cli::Format;

/// Evaluates every `NAME.txt` in `dir` against `NAME.gold.json` and prints the scores.
pub fn run(dir: &Path, format: Format) -> anyhow::Result<()> {
    let _ = (dir, format);
    todo!()
}
