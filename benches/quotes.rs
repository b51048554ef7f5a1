//! Quotation-layer speed on a large document: `quotes::scan` over about 400 KB of generated
//! news-style prose full of names and quotations (the shape that once made the layer quadratic:
//! every quotation looked at every mention, quoted name and earlier quotation). Tokens and
//! entities come from the whole pipeline ([`qalam::analysis::analyze_with`], lexicon and rules,
//! no tagger) and are computed once, outside the measured loop.
//!
//! Cases: 100 KB and 400 KB in short paragraphs, and 400 KB as one paragraph (no line break:
//! paragraph-bounded walks must stay bounded too).
//!
//! Run: `cargo bench --bench quotes`. The sentences are ours (never from the seed article).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qalam::analysis::analyze_with;
use qalam::quotes::scan;

/// Given names and surnames combined into many distinct people.
const GIVEN: &[&str] = &["خالد", "سمير", "ليلى", "عمر", "هدى", "يوسف", "منى", "طارق"];
const FAMILY: &[&str] = &["العمري", "حداد", "الخطيب", "النجار", "السعدي", "الحسيني"];

/// Paragraph templates: `{N}` is a person's name. Every attribution pattern of the layer:
/// VSO and quote-first cues, pronoun continuation, sources, relay verbs, quoted names,
/// definite back-references and nesting.
const TEMPLATES: &[&str] = &[
    "وقال الوزير {N} في عمّان: «نعم».",
    "وأضاف: \"لن نتراجع عن القرار\"، مشيرا إلى أن الوفد جاهز.",
    "«سنواصل العمل»، قال {N} للصحفيين أمس.",
    "وبحسب وكالة \"الأنباء الوطنية\"، فإن الاتفاق «لم يكتمل بعد».",
    "ونقلت صحيفة الأيام عن {N} قوله إن المشروع «خطوة مهمة».",
    "وشارك الفيلم \"الطريق\" في مهرجان \"قرطاج\" هذا العام.",
    "وقال السفير {N}: «قال لي الوزير: \"لن نتراجع\"، ثم غادر».",
    "وأكد الوزير أن الحكومة «ستعلن الخطة قريبا».",
];

/// About `target` bytes: the templates in turn, names rotating, each followed by `sep` (a
/// paragraph break, or a space for one huge paragraph).
fn generate(target: usize, sep: &str) -> String {
    let mut text = String::with_capacity(target + 512);
    let mut i = 0usize;
    while text.len() < target {
        let name = format!(
            "{} {}",
            GIVEN[i % GIVEN.len()],
            FAMILY[(i / GIVEN.len()) % FAMILY.len()]
        );
        text.push_str(&TEMPLATES[i % TEMPLATES.len()].replace("{N}", &name));
        text.push_str(sep);
        i += 1;
    }
    text
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("quotes");
    group.sample_size(10);
    for (kb, sep, label) in [
        (100usize, "\n\n", "paragraphs"),
        (400, "\n\n", "paragraphs"),
        (400, " ", "one_paragraph"),
        (800, "\n\n", "paragraphs"),
    ] {
        let text = generate(kb * 1024, sep);
        let analysis = analyze_with(&text, &[]);
        let tokens = analysis.tokens.to_vec();
        eprintln!(
            "{kb} KB ({label}): {} tokens, {} entities, {} quotations, {} quoted names",
            analysis.tokens.len(),
            analysis.entities.len(),
            analysis.quotes.quotes.len(),
            analysis.quotes.quoted_names.len()
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("scan_{kb}kb_{label}"), |b| {
            b.iter(|| {
                scan(
                    black_box(&text),
                    black_box(&tokens),
                    black_box(&analysis.entities),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
