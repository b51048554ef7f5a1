//! The tagger's training is deterministic and refuses test splits.

use std::path::Path;

use qalam::ner::conll;
use qalam::ner::lexicon::Gazetteer;
use qalam::ner::perceptron::{self, TrainOptions};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ner_small.tsv");

fn options() -> TrainOptions {
    let mut o = TrainOptions::default();
    for s in ["epochs=4", "folds=2", "min_count=1", "window=5"] {
        o.set(s).unwrap();
    }
    o
}

#[test]
fn training_twice_gives_byte_identical_models() {
    let corpus = conll::read(Path::new(FIXTURE)).unwrap();
    assert!(corpus.sentences.len() >= 30);
    let gaz = Gazetteer::from_pairs([
        ("عمان".to_string(), 1 << 3),
        ("وزاره الصحه".to_string(), 1 << 4),
    ]);
    let (dev, train) = corpus.sentences.split_at(6);
    let train = conll::Corpus {
        sentences: train.to_vec(),
        unknown_tags: 0,
    };
    let dev = conll::Corpus {
        sentences: dev.to_vec(),
        unknown_tags: 0,
    };
    let a = perceptron::train(&train, Some(&dev), &options(), &gaz, &mut |_| {}).to_bytes();
    let b = perceptron::train(&train, Some(&dev), &options(), &gaz, &mut |_| {}).to_bytes();
    assert!(a.len() > 1000, "model of {} bytes", a.len());
    assert_eq!(a, b, "two training runs differ");
    // The model learned something from its own training data.
    let tagger = qalam::ner::Tagger::from_bytes(&a).unwrap();
    assert!(tagger.second().is_some());
    let tagged = tagger.tag_document(&[train.sentences[0].tokens.clone()]);
    assert_eq!(tagged[0], train.sentences[0].labels);
}

#[test]
fn train_command_writes_identical_files_and_guards_the_test_split() {
    let dir = std::env::temp_dir().join(format!("qalam-ner-train-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let set: Vec<String> = ["epochs=3", "folds=2", "stacked=0", "lexicon=0"]
        .map(String::from)
        .to_vec();
    let (a, b) = (dir.join("a.model"), dir.join("b.model"));
    qalam::ner::cmd::train(Path::new(FIXTURE), None, &a, &set).unwrap();
    qalam::ner::cmd::train(Path::new(FIXTURE), None, &b, &set).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());

    let test = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/ner/anercorp-camel/test.tsv"
    ));
    let err = qalam::ner::cmd::train(test, None, &dir.join("c.model"), &set).unwrap_err();
    assert!(err.to_string().contains("refusing"), "{err}");
    let err = qalam::ner::cmd::train(Path::new(FIXTURE), Some(test), &dir.join("c.model"), &set)
        .unwrap_err();
    assert!(err.to_string().contains("refusing"), "{err}");
    let joined = format!("{FIXTURE}+{}", test.display());
    let err =
        qalam::ner::cmd::train(Path::new(&joined), None, &dir.join("c.model"), &set).unwrap_err();
    assert!(err.to_string().contains("refusing"), "{err}");
    assert!(!dir.join("c.model").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
