//! CPU time per stage, immune to a busy machine: the same stages as `benches/analysis.rs`, timed
//! with the process's CPU nanoseconds (`clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`: every thread's,
//! so a stage that splits its work over cores — the paragraph stage of a large text — is charged
//! all of it, and MB/s is throughput per core) instead of wall time, each repeated until it has used at least 0.3 s of CPU (and at least twice). Prints one
//! table: ms per run and MB/s for each size, so linearity reads off the MB/s column.
//!
//! Run: `cargo bench --bench cpu_times` (sizes: `CPU_SIZES=20KB,1MB`; one stage only:
//! `CPU_ONLY=quotes`; a longer run per stage, e.g. for `perf record`: `CPU_MIN_MS=5000`).

mod common;

use std::hint::black_box;
use std::sync::Arc;

use qalam::analysis::incremental::{
    IncrementalAnalyzer, ParagraphWork, analyze_staged, assemble, document_entities,
    document_stage, paragraph_stage,
};
use qalam::entities::{LexiconSource, MentionSource, RuleSource};
use qalam::text::normalize::fold_str;
use qalam::text::segment::paragraphs;
use qalam::text::token::tokenize;

fn cpu_ns() -> u64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec to write to; the clock id is a constant.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// CPU milliseconds per call of `f`; NaN (not run) when `CPU_ONLY` is set and is not `name`.
fn time(name: &str, mut f: impl FnMut()) -> f64 {
    if std::env::var("CPU_ONLY").is_ok_and(|only| only != name) {
        return f64::NAN;
    }
    let min_ns = std::env::var("CPU_MIN_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(300_000_000, |ms| ms * 1_000_000);
    let start = cpu_ns();
    let mut n = 0u64;
    while n < 2 || cpu_ns() - start < min_ns {
        f();
        n += 1;
    }
    (cpu_ns() - start) as f64 / n as f64 / 1e6
}

fn main() {
    let wanted: Option<Vec<String>> = std::env::var("CPU_SIZES")
        .ok()
        .map(|s| s.split(',').map(str::to_string).collect());
    let extra: Vec<&'static dyn MentionSource> = qalam::ner::shipped().into_iter().collect();
    let tagger = *extra.first().expect("the shipped tagger");
    println!(
        "{:<7} {:<16} {:>10} {:>9}",
        "size", "stage", "CPU ms", "MB/s"
    );
    for &(label, bytes) in common::SIZES {
        if wanted
            .as_ref()
            .is_some_and(|w| !w.iter().any(|x| x == label))
        {
            continue;
        }
        let text = common::document(bytes);
        let mb = text.len() as f64 / 1e6;
        let tokens = tokenize(&text);
        let full = analyze_staged(&text, &extra);
        let parts: Vec<(usize, Arc<ParagraphWork>)> = paragraphs(&text)
            .into_iter()
            .map(|s| (s.start, Arc::new(paragraph_stage(s.slice(&text), &extra))))
            .collect();
        let mut inc = IncrementalAnalyzer::with_sources(extra.clone());
        inc.analyze(&text);
        let at = common::middle_offset(&text);
        let mut edited = text.clone();
        let mut typed = false;
        let rows: Vec<(&str, f64)> = vec![
            (
                "tokenize",
                time("tokenize", || drop(black_box(tokenize(&text)))),
            ),
            ("fold", time("fold", || drop(black_box(fold_str(&text))))),
            (
                "lexicon",
                time("lexicon", || {
                    drop(black_box(LexiconSource.mentions(&text, &tokens)))
                }),
            ),
            (
                "rules",
                time("rules", || {
                    drop(black_box(RuleSource.mentions(&text, &tokens)))
                }),
            ),
            (
                "tag",
                time("tag", || drop(black_box(tagger.mentions(&text, &tokens)))),
            ),
            (
                "quotes",
                time("quotes", || {
                    drop(black_box(qalam::quotes::scan(
                        &text,
                        &tokens,
                        &full.entities,
                    )))
                }),
            ),
            (
                "diagnostics",
                time("diagnostics", || {
                    drop(black_box(qalam::diagnostics::check(
                        &text,
                        &tokens,
                        &full.entities,
                        &full.quotes,
                    )))
                }),
            ),
            (
                "doc: quotes",
                time("doc: quotes", || {
                    let q: Vec<(
                        usize,
                        &qalam::quotes::ParagraphQuotes,
                        &[qalam::text::token::Token],
                    )> = parts
                        .iter()
                        .map(|(o, p)| (*o, &p.quotes, p.tokens.as_slice()))
                        .collect();
                    drop(black_box(qalam::quotes::scan_paragraphs(
                        &text,
                        &full.entities,
                        &q,
                    )))
                }),
            ),
            (
                "doc: diagnostics",
                time("doc: diagnostics", || {
                    let c: Vec<_> = parts
                        .iter()
                        .map(|(o, p)| (*o, p.tokens.first().map(|t| (t.kind, t.span)), &p.checks))
                        .collect();
                    drop(black_box(qalam::diagnostics::check_paragraphs(
                        &text,
                        &c,
                        &full.entities,
                        &full.quotes,
                    )))
                }),
            ),
            (
                "doc: assemble",
                time("doc: assemble", || drop(black_box(assemble(&parts)))),
            ),
            (
                "doc: entities",
                time("doc: entities", || {
                    let refs: Vec<(usize, &ParagraphWork)> =
                        parts.iter().map(|(o, w)| (*o, w.as_ref())).collect();
                    drop(black_box(document_entities(&text, &refs, true)))
                }),
            ),
            (
                "document_stage",
                time("document_stage", || {
                    drop(black_box(document_stage(&text, &parts, true)))
                }),
            ),
            (
                "early",
                time("early", || {
                    drop(black_box(qalam::analysis::early_diagnostics(&text)))
                }),
            ),
            (
                "full",
                time("full", || drop(black_box(analyze_staged(&text, &extra)))),
            ),
            (
                "edit_reanalyse",
                time("edit_reanalyse", || {
                    if typed {
                        edited.remove(at);
                    } else {
                        edited.insert(at, 'ن');
                    }
                    typed = !typed;
                    drop(black_box(inc.analyze(&edited)));
                }),
            ),
        ];
        for (stage, ms) in rows {
            println!("{label:<7} {stage:<16} {ms:>10.3} {:>9.2}", mb / (ms / 1e3));
        }
    }
}
