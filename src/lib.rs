//! qalam (قلم): reads Arabic prose and tells who is named in it and who said what.
//!
//! Layers, one way (see ARCHITECTURE.md):
//! `text` (positions, folding, tokens, clitics, segmentation)
//! → analysis (`entities`, `ner`, `quotes`, `diagnostics`, glued by `analysis`)
//! → front ends (`lsp`, `cli`, and the evaluation harness `eval`).
//!
//! Analysis is pure: it takes `&str` and returns values whose spans are **byte offsets** into
//! that string ([`text::Span`]). Only the front ends convert spans to LSP positions.

pub mod analysis;
pub mod background;
pub mod cli;
pub mod diagnostics;
pub mod entities;
pub mod eval;
pub mod lsp;
pub mod ner;
pub mod quotes;
mod recycle;
#[cfg(test)]
mod test_rng;
pub mod text;

pub use analysis::{Analysis, analyze};
