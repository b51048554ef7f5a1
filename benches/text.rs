//! Text-layer speed: tokenizing and folding about 20 KB of Arabic news-style prose (the work done
//! on every keystroke's analysis). The text is generated here from sentences we wrote.
//!
//! Run: `cargo bench --bench text`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qalam::diagnostics::check;
use qalam::quotes::QuoteScan;
use qalam::text::normalize::{fold, fold_str};
use qalam::text::segment::sentences;
use qalam::text::token::tokenize;

/// Sentences of our own, with diacritics, tatweel, clitics, digits, Latin and quotation marks.
const SENTENCES: &[&str] = &[
    "وقال المتحدث باسم الوزارة إن المفاوضات «ستستأنف الأسبوع المقبل» في العاصمة.",
    "وأضاف: \"نحن لا نرى أي سبب لتأجيل الاجتماع\"، مشيرا إلى أن الوفد جاهز.",
    "وأكدت الوزيرة أن المشروع يشمل ٣٥ مدرسة و12 مستشفى في المحافظات الشمالية.",
    "ونقلت وكالة Reuters عن مصدر مطلع قوله إن الاتفاق «لم يكتمل بعد».",
    "وشدّد الرئيـــس على ضرورة التعاون بين البلدين، معتبرًا أن المرحلة المقبلة حاسمة.",
    "وبحسب التقرير، فإن نسبة النمو بلغت 3.5 بالمئة خلال العام الماضي.",
    "ولم يصدر عن الحكومة أي تعليق رسمي حتى الآن؛ غير أن مصادر تحدثت عن لقاء قريب.",
    "وتابع قائلا: “لن نتراجع عن موقفنا”، قبل أن يغادر القاعة دون الإجابة عن الأسئلة؟",
];

/// About `target` bytes of prose: the sentences in a rotating order, five to a paragraph.
fn generate(target: usize) -> String {
    let mut text = String::with_capacity(target + 512);
    let mut i = 0usize;
    while text.len() < target {
        text.push_str(SENTENCES[(i * 5 + i / SENTENCES.len()) % SENTENCES.len()]);
        i += 1;
        text.push_str(if i % 5 == 0 { "\r\n" } else { " " });
    }
    text
}

fn bench_text(c: &mut Criterion) {
    let text = generate(20 * 1024);
    let mut group = c.benchmark_group("text_20kb");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("tokenize", |b| b.iter(|| tokenize(black_box(&text))));
    group.bench_function("fold", |b| b.iter(|| fold(black_box(&text))));
    group.bench_function("fold_str", |b| b.iter(|| fold_str(black_box(&text))));
    group.bench_function("sentences", |b| b.iter(|| sentences(black_box(&text))));
    // Diagnostics that need no entity or quotation (punctuation, words, orthography, bidi).
    let tokens = tokenize(&text);
    let scan = QuoteScan::default();
    group.bench_function("diagnostics_check", |b| {
        b.iter(|| check(black_box(&text), black_box(&tokens), &[], &scan))
    });
    group.finish();
}

criterion_group!(benches, bench_text);
criterion_main!(benches);
