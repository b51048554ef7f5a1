//! Whole-pipeline speed on generated Arabic news documents of 20 KB, 200 KB, 1 MB and 5 MB
//! (see `common`): each stage alone (tokenize, fold, lexicon scan, context rules, tagger,
//! quotations), the document stage alone (what every edit re-runs), the full analysis, and an
//! edit-then-reanalyse loop (one character typed into the middle paragraph, then deleted, each
//! followed by an incremental re-analysis). Throughput is reported in bytes of the document, so
//! linear cost shows as a flat MiB/s across sizes.
//!
//! Run: `cargo bench --bench analysis` (quick: `-- --warm-up-time 1 --measurement-time 3`;
//! one size: `-- 1MB`).

mod common;

use std::hint::black_box;
use std::sync::Arc;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use qalam::analysis::incremental::{
    IncrementalAnalyzer, ParagraphWork, analyze_staged, document_stage, paragraph_stage,
};
use qalam::entities::{LexiconSource, MentionSource, RuleSource};
use qalam::text::normalize::fold_str;
use qalam::text::segment::paragraphs;
use qalam::text::token::tokenize;

fn shipped() -> Vec<&'static dyn MentionSource> {
    qalam::ner::shipped().into_iter().collect()
}

fn bench(c: &mut Criterion) {
    let extra = shipped();
    let tagger = *extra.first().expect("the shipped tagger");
    for &(label, bytes) in common::SIZES {
        let text = common::document(bytes);
        let tokens = tokenize(&text);
        let mut group = c.benchmark_group(format!("analysis/{label}"));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        group.bench_function(BenchmarkId::from_parameter("tokenize"), |b| {
            b.iter(|| tokenize(black_box(&text)))
        });
        group.bench_function(BenchmarkId::from_parameter("fold"), |b| {
            b.iter(|| fold_str(black_box(&text)))
        });
        group.bench_function(BenchmarkId::from_parameter("lexicon"), |b| {
            b.iter(|| LexiconSource.mentions(black_box(&text), &tokens))
        });
        group.bench_function(BenchmarkId::from_parameter("rules"), |b| {
            b.iter(|| RuleSource.mentions(black_box(&text), &tokens))
        });
        group.bench_function(BenchmarkId::from_parameter("tag"), |b| {
            b.iter(|| tagger.mentions(black_box(&text), &tokens))
        });
        let full = analyze_staged(&text, &extra);
        group.bench_function(BenchmarkId::from_parameter("quotes"), |b| {
            b.iter(|| qalam::quotes::scan(black_box(&text), &tokens, &full.entities))
        });
        let parts: Vec<(usize, Arc<ParagraphWork>)> = paragraphs(&text)
            .into_iter()
            .map(|s| (s.start, Arc::new(paragraph_stage(s.slice(&text), &extra))))
            .collect();
        group.bench_function(BenchmarkId::from_parameter("document_stage"), |b| {
            b.iter(|| document_stage(black_box(&text), &parts, true))
        });
        group.bench_function(BenchmarkId::from_parameter("full"), |b| {
            b.iter(|| analyze_staged(black_box(&text), &extra))
        });
        let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
        inc.analyze(&text);
        let at = common::middle_offset(&text);
        let mut edited = text.clone();
        let mut typed = false;
        group.bench_function(BenchmarkId::from_parameter("edit_reanalyse"), |b| {
            b.iter(|| {
                if typed {
                    edited.remove(at);
                } else {
                    edited.insert(at, 'ن');
                }
                typed = !typed;
                inc.analyze(black_box(&edited))
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
