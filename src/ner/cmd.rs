//! The tagger's commands: `train-ner`, `tag`, `eval-ner`.

use std::path::Path;

use crate::cli::Format;

/// `qalam train-ner`.
pub fn train(train: &Path, dev: Option<&Path>, out: &Path, set: &[String]) -> anyhow::Result<()> {
    let _ = (train, dev, out, set);
    anyhow::bail!("not yet implemented")
}

/// `qalam tag --conll FILE`.
pub fn tag(conll: &Path, model: Option<&Path>) -> anyhow::Result<()> {
    let _ = (conll, model);
    anyhow::bail!("not yet implemented")
}

/// `qalam eval-ner FILE`.
pub fn eval(file: &Path, format: Format, model: Option<&Path>, system: &str) -> anyhow::Result<()> {
    let _ = (file, format, model, system);
    anyhow::bail!("not yet implemented")
}
