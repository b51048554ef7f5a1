//! The tagger's commands: `train-ner`, `tag`, `eval-ner`.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Component, Path};
use std::time::Instant;

use anyhow::{Context, bail};

use super::conll::{self, Corpus, Sentence};
use super::eval::Scoreboard;
use super::labels::{KINDS, Label};
use super::lexicon::Gazetteer;
use super::perceptron::{self, TrainOptions};
use super::tagger::Tagger;
use crate::cli::Format;

/// Refuses a held-out test split as training or model-selection data: a file whose name starts
/// with `test` (`test.tsv`, `test_x.tsv`) or that lies under a directory named `test`.
pub fn ensure_not_test_split(path: &Path, role: &str) -> anyhow::Result<()> {
    let is_test_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().starts_with("test"));
    let under_test_dir = path
        .components()
        .any(|c| matches!(c, Component::Normal(n) if n.eq_ignore_ascii_case("test")));
    if is_test_name || under_test_dir {
        bail!(
            "{}: refusing to use a test split as {role} data (test files are for final reporting only)",
            path.display()
        );
    }
    Ok(())
}

/// `qalam train-ner`: trains on `train`, selects the epoch on `dev`, writes the model to `out`.
/// `set` holds `key=value` options ([`TrainOptions::set`]).
pub fn train(train: &Path, dev: Option<&Path>, out: &Path, set: &[String]) -> anyhow::Result<()> {
    ensure_not_test_split(train, "training")?;
    if let Some(d) = dev {
        ensure_not_test_split(d, "development")?;
    }
    let mut opts = TrainOptions::default();
    for item in set {
        opts.set(item)?;
    }
    let train_corpus = read_training(train)?;
    let dev_corpus = dev.map(conll::read).transpose()?;
    eprintln!(
        "train-ner: {} sentences, {} tokens from {}; options: {:?}",
        train_corpus.sentences.len(),
        train_corpus.token_count(),
        train.display(),
        opts
    );
    let started = Instant::now();
    let gazetteer = if opts.features.lexicon {
        Gazetteer::load_dir(&opts.lexicon_dir)?
    } else {
        Gazetteer::default()
    };
    eprintln!(
        "gazetteer: {} entries from {}",
        gazetteer.len(),
        opts.lexicon_dir.display()
    );
    let tagger = perceptron::train(
        &train_corpus,
        dev_corpus.as_ref(),
        &opts,
        &gazetteer,
        &mut |e| match e.dev_f1 {
            Some(f) => eprintln!(
                "epoch {:>2}: {} sentences updated, dev micro F1 {:.4} ({:.1?})",
                e.epoch,
                e.mistakes,
                f,
                started.elapsed()
            ),
            None => eprintln!(
                "epoch {:>2}: {} sentences updated ({:.1?})",
                e.epoch,
                e.mistakes,
                started.elapsed()
            ),
        },
    );
    let bytes = tagger.to_bytes();
    std::fs::write(out, &bytes)
        .with_context(|| format!("{}: cannot write the model", out.display()))?;
    eprintln!(
        "wrote {} ({} bytes; features: stage 1 {}, stage 2 {})",
        out.display(),
        bytes.len(),
        tagger.first().feature_count(),
        tagger.second().map_or(0, |m| m.feature_count())
    );
    Ok(())
}

/// Reads training data: one file, or several joined with `+` (`a.tsv+b.tsv`), each checked
/// against the test-split guard. A part written `aux:PATH` is an auxiliary corpus of another
/// domain ([`Sentence::aux`]).
fn read_training(spec: &Path) -> anyhow::Result<Corpus> {
    let text = spec.to_string_lossy();
    let mut corpus = Corpus::default();
    for part in text.split('+') {
        let (aux, part) = match part.strip_prefix("aux:") {
            Some(rest) => (true, rest),
            None => (false, part),
        };
        let p = Path::new(part);
        ensure_not_test_split(p, "training")?;
        let mut c = conll::read(p)?;
        for s in &mut c.sentences {
            s.aux = aux;
        }
        corpus.sentences.extend(c.sentences);
        corpus.unknown_tags += c.unknown_tags;
    }
    Ok(corpus)
}

fn with_bias(
    model: std::borrow::Cow<'static, Tagger>,
    o_bias: f32,
) -> std::borrow::Cow<'static, Tagger> {
    if o_bias == 0.0 {
        model
    } else {
        std::borrow::Cow::Owned(model.with_o_bias(o_bias))
    }
}

fn load_model(model: Option<&Path>) -> anyhow::Result<std::borrow::Cow<'static, Tagger>> {
    match model {
        Some(p) => {
            let bytes = std::fs::read(p)
                .with_context(|| format!("{}: cannot read the model", p.display()))?;
            Ok(std::borrow::Cow::Owned(
                Tagger::from_bytes(&bytes).with_context(|| format!("{}", p.display()))?,
            ))
        }
        None => super::shipped_model()
            .map(std::borrow::Cow::Borrowed)
            .context("the shipped model (data/ner.model) is missing or unreadable"),
    }
}

/// `qalam tag --conll FILE [--system S]`: prints `TOKEN<TAB>GOLD<TAB>PREDICTED` per token, a
/// blank line between sentences. `system` as for [`eval`].
///
/// `o_bias` (0 for none) is added to the `O` score of every token ([`Tagger::with_o_bias`]),
/// for choosing the training option `o_bias` on dev.
pub fn tag(
    conll_path: &Path,
    model: Option<&Path>,
    system: &str,
    o_bias: f32,
) -> anyhow::Result<()> {
    let system = System::parse(system)?;
    let model = match system {
        System::Lexicon => None,
        _ => Some(with_bias(load_model(model)?, o_bias)),
    };
    let corpus = conll::read(conll_path)?;
    let predicted = predict(&corpus, model.as_deref(), system);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (s, pred) in corpus.sentences.iter().zip(&predicted) {
        for ((t, g), p) in s.tokens.iter().zip(&s.labels).zip(pred) {
            writeln!(out, "{t}\t{g}\t{p}")?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

/// Which recognizer `eval-ner` scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum System {
    /// The tagger alone, on the file's own tokens.
    Model,
    /// The lexicon and rules of [`crate::entities::recognize`] alone.
    Lexicon,
    /// What the server ships (the lexicon and rules with the tagger as an extra source),
    /// projected onto the CoNLL/ANERcorp span convention: the tagger's chunks give the spans
    /// (the tagger was trained on the convention: trigger nouns such as صحيفة or قطاع stay
    /// outside a name, currencies are MISC), and where the shipped recognizer marks exactly the
    /// same tokens as an organization, that kind wins (its context rules know a club or a
    /// company named after a place or a person: مضيفه هامبورغ، شركة فولكسفاغن; its place and
    /// person readings of such names come from gazetteers that do not, and lose). Mentions
    /// only the lexicon or rules find are not added: measured on ANERcorp dev, they are mostly
    /// descriptions the convention leaves unmarked (مجلس الوزراء، الجيش اللبناني) and lower F1
    /// (see data/ner/README.md).
    Combined,
    /// The shipped recognizer's own output, unprojected (its span convention differs from
    /// ANERcorp's).
    Shipped,
    /// The tagger's entities plus every lexicon/rule entity that overlaps none of them (an
    /// alternative combination policy: the tagger wins conflicts).
    Union,
}

impl System {
    /// Parses `model`, `lexicon`, `combined`, `shipped` or `union`.
    pub fn parse(s: &str) -> anyhow::Result<System> {
        Ok(match s {
            "model" => System::Model,
            "lexicon" => System::Lexicon,
            "combined" => System::Combined,
            "shipped" => System::Shipped,
            "union" => System::Union,
            _ => bail!("--system must be model, lexicon, combined, shipped or union, not {s:?}"),
        })
    }
}

/// Sentences per pseudo-document when `eval-ner` runs the whole-document recognizer (CoNLL
/// files have no document boundaries; names repeat within an article, which the recognizer and
/// the tagger's document features use).
pub const BLOCK_SENTENCES: usize = 20;

/// Labels the tokens of `sentences` with the mentions that `crate::entities::recognize` finds in
/// the text rebuilt by joining tokens with single spaces and sentences with newlines. A mention
/// tags a token when it ends at the token's end or beyond and starts no later than 6 bytes (up
/// to three one-letter proclitics) into it; a mention overlapping an already tagged token is
/// skipped.
pub fn recognize_block(
    sentences: &[Sentence],
    extra: &[&dyn crate::entities::MentionSource],
) -> Vec<Vec<Label>> {
    let mut text = String::new();
    let mut spans: Vec<(usize, usize, usize, usize)> = Vec::new(); // (start, end, sentence, token)
    for (si, s) in sentences.iter().enumerate() {
        if si > 0 {
            text.push('\n');
        }
        for (ti, t) in s.tokens.iter().enumerate() {
            if ti > 0 {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(t);
            spans.push((start, text.len(), si, ti));
        }
    }
    let tokens = crate::text::token::tokenize(&text);
    let entities = crate::entities::recognize(&text, &tokens, extra);
    let mut labels: Vec<Vec<Label>> = sentences
        .iter()
        .map(|s| vec![Label::O; s.tokens.len()])
        .collect();
    let mut mentions: Vec<(usize, usize, crate::entities::EntityKind)> = entities
        .iter()
        .flat_map(|e| {
            e.mentions
                .iter()
                .map(move |m| (m.span.start, m.span.end, e.kind))
        })
        .collect();
    mentions.sort_unstable();
    for (ms, me, kind) in mentions {
        let lo = spans.partition_point(|sp| sp.1 <= ms);
        let covered: Vec<(usize, usize)> = spans[lo..]
            .iter()
            .take_while(|sp| sp.0 < me)
            .filter(|sp| me >= sp.1 && ms <= sp.0 + 6)
            .map(|sp| (sp.2, sp.3))
            .collect();
        if covered.is_empty() || covered.iter().any(|&(si, ti)| labels[si][ti] != Label::O) {
            continue;
        }
        for (n, &(si, ti)) in covered.iter().enumerate() {
            labels[si][ti] = if n == 0 {
                Label::B(kind)
            } else {
                Label::I(kind)
            };
        }
    }
    labels
}

/// The labels `system` gives every sentence of `corpus` (`model` is required unless the system
/// is [`System::Lexicon`]; without it the lexicon alone runs).
pub fn predict(corpus: &Corpus, model: Option<&Tagger>, system: System) -> Vec<Vec<Label>> {
    let source = model.map(super::ModelSource::new);
    if let (System::Combined, Some(m), Some(src)) = (system, model, &source) {
        let tokens: Vec<&Vec<String>> = corpus.sentences.iter().map(|s| &s.tokens).collect();
        let mut tagged = m.tag_document(&tokens);
        for (bi, block) in corpus.sentences.chunks(BLOCK_SENTENCES).enumerate() {
            let shipped = recognize_block(block, &[src]);
            for (i, l) in shipped.iter().enumerate() {
                let pred = &mut tagged[bi * BLOCK_SENTENCES + i];
                let mine = super::eval::chunks(pred);
                for c in super::eval::chunks(l) {
                    if c.kind == crate::entities::EntityKind::Organization
                        && mine.iter().any(|o| o.start == c.start && o.end == c.end)
                    {
                        pred[c.start..c.end].copy_from_slice(&l[c.start..c.end]);
                    }
                }
            }
        }
        return tagged;
    }
    if let (System::Model | System::Union, Some(m)) = (system, model) {
        let tokens: Vec<&Vec<String>> = corpus.sentences.iter().map(|s| &s.tokens).collect();
        let mut tagged = m.tag_document(&tokens);
        if system == System::Union {
            for (bi, block) in corpus.sentences.chunks(BLOCK_SENTENCES).enumerate() {
                let lex = recognize_block(block, &[]);
                for (i, l) in lex.iter().enumerate() {
                    let pred = &mut tagged[bi * BLOCK_SENTENCES + i];
                    let mine = super::eval::chunks(pred);
                    for c in super::eval::chunks(l) {
                        if !mine.iter().any(|o| o.start < c.end && c.start < o.end) {
                            pred[c.start..c.end].copy_from_slice(&l[c.start..c.end]);
                        }
                    }
                }
            }
        }
        return tagged;
    }
    let mut out = Vec::with_capacity(corpus.sentences.len());
    for block in corpus.sentences.chunks(BLOCK_SENTENCES) {
        let preds = match &source {
            Some(src) if system == System::Shipped => recognize_block(block, &[src]),
            _ => recognize_block(block, &[]),
        };
        out.extend(preds);
    }
    out
}

/// `qalam eval-ner FILE`: entity-level P/R/F1 per type and micro, and tokens per second
/// (tagging only: model load and file reading excluded).
/// `o_bias` as for [`tag`].
pub fn eval(
    file: &Path,
    format: Format,
    model: Option<&Path>,
    system: &str,
    o_bias: f32,
) -> anyhow::Result<()> {
    let system = System::parse(system)?;
    let corpus = conll::read(file)?;
    let model = match system {
        System::Lexicon => None,
        _ => Some(with_bias(load_model(model)?, o_bias)),
    };
    let started = Instant::now();
    let predicted = predict(&corpus, model.as_deref(), system);
    let mut board = Scoreboard::default();
    for (s, pred) in corpus.sentences.iter().zip(&predicted) {
        board.add(&s.labels, pred);
    }
    let secs = started.elapsed().as_secs_f64();
    let tps = board.tokens as f64 / secs.max(1e-9);
    let sys = match system {
        System::Model => "model",
        System::Lexicon => "lexicon",
        System::Combined => "combined",
        System::Shipped => "shipped",
        System::Union => "union",
    };
    let mut out = String::new();
    match format {
        Format::Json => {
            let row = |c: &super::eval::Counts| {
                serde_json::json!({
                    "precision": c.precision(), "recall": c.recall(), "f1": c.f1(),
                    "correct": c.correct, "predicted": c.predicted, "gold": c.gold,
                })
            };
            let mut per_type = serde_json::Map::new();
            for (k, c) in KINDS.iter().zip(&board.per_type) {
                per_type.insert(k.bio_type().to_string(), row(c));
            }
            let v = serde_json::json!({
                "file": file.display().to_string(),
                "system": sys,
                "sentences": corpus.sentences.len(),
                "tokens": board.tokens,
                "ignored_tags": corpus.unknown_tags,
                "tokens_per_second": tps.round(),
                "micro": row(&board.micro()),
                "per_type": per_type,
            });
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(&v)?);
        }
        Format::Text => {
            let unknown = if corpus.unknown_tags > 0 {
                format!(" ({} tags of other types read as O)", corpus.unknown_tags)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{}: system {sys}, {} sentences, {} tokens{unknown}",
                file.display(),
                corpus.sentences.len(),
                board.tokens,
            );
            let _ = writeln!(
                out,
                "{:<6} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6}",
                "type", "P", "R", "F1", "gold", "pred", "ok"
            );
            let mut line = |name: &str, c: &super::eval::Counts| {
                let _ = writeln!(
                    out,
                    "{:<6} {:>7.4} {:>7.4} {:>7.4} {:>6} {:>6} {:>6}",
                    name,
                    c.precision(),
                    c.recall(),
                    c.f1(),
                    c.gold,
                    c.predicted,
                    c.correct
                );
            };
            for (k, c) in KINDS.iter().zip(&board.per_type) {
                line(k.bio_type(), c);
            }
            line("micro", &board.micro());
            let _ = writeln!(out, "tokens/s: {tps:.0} ({secs:.3} s)");
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_split_guard() {
        assert!(
            ensure_not_test_split(
                Path::new("../shared/data/ner/anercorp-camel/test.tsv"),
                "training"
            )
            .is_err()
        );
        assert!(ensure_not_test_split(Path::new("x/test/train.tsv"), "training").is_err());
        assert!(ensure_not_test_split(Path::new("TEST.tsv"), "training").is_err());
        assert!(
            ensure_not_test_split(
                Path::new("../shared/data/ner/anercorp-camel/train.tsv"),
                "training"
            )
            .is_ok()
        );
        assert!(
            ensure_not_test_split(Path::new("tests/fixtures/ner_small.tsv"), "training").is_ok()
        );
    }

    #[test]
    fn train_refuses_test_split_before_reading() {
        let err = train(
            Path::new("/nonexistent/test.tsv"),
            None,
            Path::new("/tmp/x.model"),
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("refusing"), "{err}");
        let err = train(
            Path::new("/nonexistent/train.tsv"),
            Some(Path::new("/nonexistent/aqmar/test.tsv")),
            Path::new("/tmp/x.model"),
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("refusing"), "{err}");
    }
}
