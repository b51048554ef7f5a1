//! Tagger speed: tagging the ANERcorp test tokens with the model already loaded (target
//! ≥ 500,000 tokens/s on one core), and loading the shipped model (target < 200 ms).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;

fn bench(c: &mut Criterion) {
    let bytes = qalam::ner::SHIPPED_MODEL_BYTES;
    let mut g = c.benchmark_group("ner");
    g.sample_size(10);
    g.bench_function("load_model", |b| {
        b.iter(|| qalam::ner::Tagger::from_bytes(bytes).unwrap())
    });
    let tagger = qalam::ner::Tagger::from_bytes(bytes).unwrap();
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ner/anercorp-camel/test.tsv");
    if let Ok(corpus) = qalam::ner::conll::read(&path) {
        let sentences: Vec<&Vec<String>> = corpus.sentences.iter().map(|s| &s.tokens).collect();
        g.throughput(Throughput::Elements(corpus.token_count() as u64));
        g.bench_function("tag_anercorp_test", |b| {
            b.iter(|| tagger.tag_document(&sentences))
        });
        let first_only = tagger.first_stage_only();
        g.bench_function("tag_anercorp_test_stage1_only", |b| {
            b.iter(|| first_only.tag_document(&sentences))
        });
    } else {
        eprintln!(
            "{}: not found, skipping the throughput benchmark",
            path.display()
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
