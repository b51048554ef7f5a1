//! Entity recognizer speed: lexicon load (first use) and `entities::recognize` on the seed article
//! and on a 400 KB document (`examples/sample.txt` repeated: overlap resolution and merging must
//! stay near-linear) — lexicon + rules only, no tagger.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use qalam::entities::lexicon::Lexicon;
use qalam::entities::recognize;
use qalam::text::token::tokenize;

fn seed() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seed/000_52c75b453decbfc7.txt"
    );
    std::fs::read_to_string(path).expect("seed article readable")
}

fn bench(c: &mut Criterion) {
    let t0 = std::time::Instant::now();
    let lx = Lexicon::get();
    eprintln!(
        "lexicon load (first use): {:?}; {} gazetteer names, {} given, {} surnames, {} foreign",
        t0.elapsed(),
        lx.names.len(),
        lx.given.len(),
        lx.surnames.len(),
        lx.foreign.len()
    );
    let text = seed();
    let tokens = tokenize(&text);
    c.bench_function("recognize_seed", |b| {
        b.iter(|| recognize(black_box(&text), black_box(&tokens), &[]))
    });
    let sample = include_str!("../examples/sample.txt");
    let big = sample.repeat(400_000 / sample.len() + 1);
    let big_tokens = tokenize(&big);
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    group.bench_function("recognize_400k", |b| {
        b.iter(|| recognize(black_box(&big), black_box(&big_tokens), &[]))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
