//! Text-layer speed: tokenizing and folding about 20 KB of Arabic news-style prose (the work done
//! on every keystroke's analysis), and `diagnostics::check` on generated articles of 512 KB,
//! 1 MB and 2 MB with names, quotations (some unclosed) and mixed ى / ي — the time per byte
//! must stay flat as the size doubles (no super-linear step). The text is generated here from
//! sentences we wrote.
//!
//! Run: `cargo bench --bench text`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
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

/// Names, organizations, places and variants for [`article`]: spellings that differ (دميتري /
/// ديمترى, عبد الله / عبدالله) so that `inconsistent-spelling` has work to do.
const FIRST: &[&str] = &[
    "سامي",
    "خالد",
    "ليلى",
    "دميتري",
    "ديمترى",
    "عبد الله",
    "عبدالله",
    "يوسف",
    "منى",
    "أحمد",
];
const LAST: &[&str] = &["الحداد", "العمري", "الخطيب", "النجار", "السعدي"];
const ORGS: &[&str] = &[
    "منظمة الصحة العالمية",
    "وزارة الخارجية",
    "مجلس الأمن",
    "وكالة الأنباء",
];
const PLACES: &[&str] = &["القاهرة", "عمّان", "بغداد", "بيروت", "كابول", "موسكو"];
const CUES: &[&str] = &["وقال", "وأضاف", "وأكد", "وشدد", "وتابع"];

/// About `target` bytes of a generated article: quotations with cues before and after, an
/// unclosed one, Latin punctuation, a repeated word, فى / في and الذى / الذي mixed, a blank line
/// every four sentences. Deterministic (a linear congruential generator).
fn article(target: usize) -> String {
    let mut seed: u64 = 7;
    let mut pick = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n
    };
    let mut text = String::with_capacity(target + 512);
    let mut i = 0usize;
    while text.len() < target {
        let name = format!("{} {}", FIRST[pick(FIRST.len())], LAST[pick(LAST.len())]);
        let org = ORGS[pick(ORGS.len())];
        let place = PLACES[pick(PLACES.len())];
        let fi = ["في", "فى"][pick(2)];
        let alladhi = ["الذي", "الذى"][pick(2)];
        let sentence = match pick(5) {
            0 => format!(
                "{} {name} {fi} {place}: «إن المحادثات مع {org} مستمرة في الوقت {alladhi} نراه مناسبا».",
                CUES[pick(CUES.len())]
            ),
            1 => format!(
                "وذكرت {org} أن {name} وصل إلى {place} أمس، ونقلت عنه قوله: \"الوضع هادئ\"."
            ),
            2 => format!(
                "“لن نتراجع عن موقفنا”، قال {name}، مشيرا إلى أن {org} ستجتمع {fi} {place}."
            ),
            3 => format!("وبحسب {org}, فإن {name} التقى الوزير في {place} ، ثم غادر «دون أن يعلق"),
            _ => format!("وأشار المتحدث إلى أن أن الاجتماع {alladhi} عقد {fi} {place} كان مثمرا?"),
        };
        text.push_str(&sentence);
        i += 1;
        text.push_str(if i % 4 == 0 { "\n\n" } else { " " });
    }
    text
}

/// `diagnostics::check` alone (tokens, entities and quotations computed once beforehand) on
/// articles of 512 KB, 1 MB and 2 MB.
fn bench_diagnostics(c: &mut Criterion) {
    let mut group = c.benchmark_group("diagnostics_article");
    group.sample_size(10);
    for kb in [512usize, 1024, 2048] {
        let text = article(kb * 1024);
        let analysis = qalam::analyze(&text);
        let tokens = analysis.tokens.to_vec();
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{kb}KB")),
            &text,
            |b, text| {
                b.iter(|| {
                    check(
                        black_box(text),
                        &tokens,
                        &analysis.entities,
                        &analysis.quotes,
                    )
                })
            },
        );
    }
    group.finish();
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

criterion_group!(benches, bench_text, bench_diagnostics);
criterion_main!(benches);
