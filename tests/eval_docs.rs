//! Checks the evaluation sets in `eval/docs` and `eval/heldout` themselves (not the analysis):
//! every gold file parses,
//! and every name, form, quotation start, speaker, quoted name and diagnostic text it gives is
//! actually written in its article, so annotation typos are caught before they distort scores.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use qalam::eval::gold::Gold;

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/docs")
}

/// The held-out set: written apart from the code and never used to tune it (eval/README.md).
fn heldout_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/heldout")
}

/// `(stem, text, gold)` for every article of both sets (stems prefixed with the set's folder).
fn load_all() -> Vec<(String, String, Gold)> {
    let mut all = load_set(&docs_dir());
    all.extend(load_set(&heldout_dir()));
    all
}

/// `(stem, text, gold)` for every article of `dir`, sorted by name.
fn load_set(dir: &Path) -> Vec<(String, String, Gold)> {
    let set = dir.file_name().unwrap().to_string_lossy().into_owned();
    let mut stems: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".txt").map(str::to_string))
        .collect();
    stems.sort();
    stems
        .into_iter()
        .map(|stem| {
            let text = std::fs::read_to_string(dir.join(format!("{stem}.txt"))).unwrap();
            let gold = Gold::load(&dir.join(format!("{stem}.gold.json")))
                .unwrap_or_else(|e| panic!("{e}"));
            (format!("{set}/{stem}"), text, gold)
        })
        .collect()
}

#[test]
fn every_article_has_a_gold_file_and_every_gold_file_an_article() {
    for dir in [docs_dir(), heldout_dir()] {
        pairs_are_complete(&dir);
    }
}

fn pairs_are_complete(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".gold.json") {
            assert!(
                dir.join(format!("{stem}.txt")).is_file(),
                "{name} has no article"
            );
        } else if let Some(stem) = name.strip_suffix(".txt") {
            assert!(
                dir.join(format!("{stem}.gold.json")).is_file(),
                "{name} has no gold file"
            );
        } else {
            panic!("unexpected file in {}: {name}", dir.display());
        }
    }
}

#[test]
fn the_set_is_large_and_varied_enough() {
    let docs = load_set(&docs_dir());
    assert!(docs.len() >= 24, "{} articles", docs.len());
    let clean = docs
        .iter()
        .filter(|(_, _, g)| g.diagnostics.is_empty())
        .count();
    assert!(clean >= 6, "{clean} clean articles");
    assert!(
        docs.len() - clean >= 6,
        "{} articles with slips",
        docs.len() - clean
    );
    for (path, text, _) in &docs {
        let stem = path.rsplit('/').next().unwrap();
        let words = text.split_whitespace().count();
        assert!((80..=250).contains(&words), "{stem}: {words} words");
        let name_ok = stem.len() > 3
            && stem.as_bytes()[..2].iter().all(u8::is_ascii_digit)
            && stem.as_bytes()[2] == b'_';
        assert!(name_ok, "{stem}: name articles NN_topic");
    }
    // Every kind and every diagnostic code the analysis can report on a slip appears somewhere.
    let mut kinds = BTreeMap::new();
    let mut codes = BTreeMap::new();
    for (_, _, gold) in &docs {
        for e in &gold.entities {
            *kinds.entry(e.kind.clone()).or_insert(0) += 1;
        }
        for d in &gold.diagnostics {
            *codes.entry(d.code.clone()).or_insert(0) += 1;
        }
    }
    for kind in ["person", "organization", "location", "misc"] {
        assert!(
            kinds.contains_key(kind),
            "no {kind} entity in the set: {kinds:?}"
        );
    }
    for code in [
        "unclosed-quote",
        "unmatched-closing-quote",
        "inconsistent-spelling",
        "mixed-orthography",
        "latin-punctuation",
        "space-before-punctuation",
        "space-inside-quotes",
        "repeated-word",
        "bidi-control",
    ] {
        assert!(codes.contains_key(code), "no {code} in the set: {codes:?}");
    }
}

#[test]
fn every_annotation_is_written_in_its_article() {
    let mut problems = Vec::new();
    for (stem, text, gold) in load_all() {
        for e in &gold.entities {
            for form in e.all_forms() {
                if !text.contains(form) {
                    problems.push(format!("{stem}: entity form {form:?} not in the text"));
                }
            }
        }
        let mut from = 0;
        for q in &gold.quotes {
            match text[from..].find(&q.start) {
                Some(at) => from += at,
                None if text.contains(&q.start) => {
                    problems.push(format!("{stem}: quote {:?} out of document order", q.start))
                }
                None => problems.push(format!("{stem}: quote start {:?} not in the text", q.start)),
            }
            if let Some(speaker) = &q.speaker
                && !text.contains(speaker.as_str())
            {
                problems.push(format!("{stem}: speaker {speaker:?} not in the text"));
            }
        }
        for name in &gold.quoted_names {
            let marked = ["\"", "«", "“", "'", "‹"]
                .iter()
                .any(|open| text.contains(&format!("{open}{name}")));
            if !marked {
                problems.push(format!(
                    "{stem}: quoted name {name:?} not written after a quotation mark"
                ));
            }
        }
        for d in &gold.diagnostics {
            if let Some(t) = &d.text
                && !text.contains(t.as_str())
            {
                problems.push(format!("{stem}: diagnostic text {t:?} not in the text"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_two_gold_entities_share_a_form() {
    for (stem, _, gold) in load_all() {
        let mut seen = BTreeMap::new();
        for (i, e) in gold.entities.iter().enumerate() {
            for form in e.all_forms() {
                if let Some(j) = seen.insert(form.to_string(), i) {
                    assert_eq!(j, i, "{stem}: form {form:?} belongs to two gold entities");
                }
            }
        }
    }
}

#[test]
fn clean_articles_have_only_attributed_quotations() {
    // A clean article expects no diagnostic at all, so none of its quotations may lack a speaker
    // (that would be an unattributed-quote).
    for (stem, _, gold) in load_all() {
        if gold.diagnostics.is_empty() {
            for q in &gold.quotes {
                assert!(
                    q.speaker.is_some(),
                    "{stem}: clean article with unattributed quote {:?}",
                    q.start
                );
            }
        }
    }
}

#[test]
fn no_sentence_is_copied_from_the_seed_article() {
    // Our articles are written by us: no run of 8 words may come from the seed.
    let seed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/000_52c75b453decbfc7.txt");
    let Ok(seed) = std::fs::read_to_string(&seed) else {
        eprintln!("seed article not present at {}; skipped", seed.display());
        return;
    };
    let seed_words: Vec<&str> = seed.split_whitespace().collect();
    let runs: std::collections::HashSet<&[&str]> = seed_words.windows(8).collect();
    for (stem, text, _) in load_all() {
        let words: Vec<&str> = text.split_whitespace().collect();
        for w in words.windows(8) {
            assert!(
                !runs.contains(w),
                "{stem}: copied from the seed: {}",
                w.join(" ")
            );
        }
    }
}
