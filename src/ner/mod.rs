//! The statistical named-entity tagger: a BIO sequence labeller (PER/LOC/ORG/MISC) trained on
//! ANERcorp, shipped with the binary and loaded once, lazily.
//!
//! It plugs into [`crate::entities::recognize`] as one more [`crate::entities::MentionSource`].
//!
//! - [`conll`]: reading `TOKEN<TAB>TAG` files; [`labels`]: BIO2 labels.
//! - [`features`]: hashed features ([`hash`]), word clusters ([`cluster`]).
//! - [`perceptron`]: averaged structured perceptron training; [`crf`]: linear-chain CRF training; [`decode`]: constrained Viterbi.
//! - [`model`]: weights and the binary model format; [`source`]: the tagger as a mention source.
//! - [`eval`]: CoNLL entity-level scoring; [`cmd`]: the `train-ner`, `tag`, `eval-ner` commands.

use std::sync::OnceLock;

use crate::entities::MentionSource;

pub mod cluster;
pub mod cmd;
pub mod conll;
pub mod crf;
pub mod decode;
pub mod doc;
pub mod eval;
pub mod features;
pub mod hash;
pub mod labels;
pub mod lexicon;
pub mod memory;
pub mod model;
pub mod perceptron;
pub mod source;
pub mod tagger;

pub use model::Model;
pub use source::ModelSource;
pub use tagger::Tagger;

/// The shipped model file (`data/ner.model`), embedded in the binary.
pub static SHIPPED_MODEL_BYTES: &[u8] = include_bytes!("../../data/ner.model");

/// The shipped model, parsed on first use (never at server start). `None` if it is missing or
/// unreadable (logged once).
pub fn shipped_model() -> Option<&'static Tagger> {
    static MODEL: OnceLock<Option<Tagger>> = OnceLock::new();
    MODEL
        .get_or_init(|| match Tagger::from_bytes(SHIPPED_MODEL_BYTES) {
            Ok(m) => Some(m),
            Err(err) => {
                tracing::warn!("shipped NER model unusable: {err:#}");
                None
            }
        })
        .as_ref()
}

/// The shipped tagger as a mention source, loaded on first use (never at server start). `None`
/// if the shipped model is missing or unreadable (logged once).
pub fn shipped() -> Option<&'static dyn MentionSource> {
    static SOURCE: OnceLock<Option<ModelSource<'static>>> = OnceLock::new();
    SOURCE
        .get_or_init(|| shipped_model().map(ModelSource::new))
        .as_ref()
        .map(|s| s as &'static dyn MentionSource)
}
