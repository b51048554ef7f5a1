//! Tests of [`super::scan`] on sentences written for them (never taken from the seed article).

use super::*;
use crate::entities::{EntityKind, EntityMention};
use crate::text::token::tokenize;

/// An entity whose mentions are every occurrence of each of `forms` in `text`.
fn ent(text: &str, id: &str, kind: EntityKind, forms: &[&str]) -> Entity {
    let mut mentions: Vec<EntityMention> = Vec::new();
    for f in forms {
        for (i, _) in text.match_indices(f) {
            let span = Span::new(i, i + f.len());
            if !mentions.iter().any(|m| m.span.overlaps(span)) {
                mentions.push(EntityMention {
                    text: (*f).into(),
                    span,
                });
            }
        }
    }
    mentions.sort_by_key(|m| m.span.start);
    Entity {
        id: id.into(),
        name: forms[0].into(),
        kind,
        aliases: Vec::new(),
        roles: Vec::new(),
        mentions,
    }
}

fn run(text: &str, entities: &[Entity]) -> QuoteScan {
    scan(text, &tokenize(text), entities)
}

/// The span of the `n`-th (0-based) occurrence of `needle` in `text`.
fn at(text: &str, needle: &str, n: usize) -> Span {
    let i = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} not found"))
        .0;
    Span::new(i, i + needle.len())
}

fn quoted<'a>(text: &'a str, s: &QuoteScan) -> Vec<&'a str> {
    s.quotes.iter().map(|q| q.span.slice(text)).collect()
}

fn names<'a>(text: &'a str, s: &QuoteScan) -> Vec<&'a str> {
    s.quoted_names.iter().map(|n| n.slice(text)).collect()
}

#[test]
fn every_kind_of_mark_makes_a_quotation_with_its_speaker() {
    for (open, close) in [
        ("«", "»"),
        ("“", "”"),
        ("\"", "\""),
        ("‹", "›"),
        ("'", "'"),
        ("„", "“"),
    ] {
        let text =
            format!("وقال الوزير خالد العمري: {open}سنفتتح المدرسة الجديدة في الربيع{close}.");
        let e = [ent(&text, "e1", EntityKind::Person, &["خالد العمري"])];
        let s = run(&text, &e);
        assert_eq!(s.quotes.len(), 1, "{text}");
        let q = &s.quotes[0];
        let start = text.find(open).unwrap();
        let end = text.rfind(close).unwrap() + close.len();
        assert_eq!(q.span, Span::new(start, end), "{text}");
        assert_eq!(q.content, Span::new(start + open.len(), end - close.len()));
        assert!(q.closed);
        let sp = q.speaker.as_ref().unwrap();
        assert_eq!(sp.span, at(&text, "خالد العمري", 0));
        assert_eq!(sp.entity.as_deref(), Some("e1"));
        assert_eq!(q.cue.as_ref().unwrap().span, at(&text, "وقال", 0));
    }
}

#[test]
fn reversed_guillemets_pair() {
    let text = "وأكد الطبيب: »الوضع تحت السيطرة تماما« ثم غادر.";
    let s = run(text, &[]);
    assert_eq!(quoted(text, &s), vec!["»الوضع تحت السيطرة تماما«"]);
    assert!(s.unmatched_closing.is_empty());
    let sp = s.quotes[0].speaker.as_ref().unwrap();
    assert_eq!(&*sp.name, "الطبيب");
    assert_eq!(sp.entity, None);
}

#[test]
fn straight_quote_direction_comes_from_neighbours() {
    // The first mark has a space on each side: opened by the empty stack; the second
    // closes it; the third (letter before, comma after) closes nothing and is stray.
    let text = "قال المدرب \" سنلعب للفوز \" أمام الجمهور، وانتهى الموسم\"، ثم سافر الفريق.";
    let s = run(text, &[]);
    assert_eq!(quoted(text, &s), vec!["\" سنلعب للفوز \""]);
    let stray = at(text, "\"،", 0).start;
    assert_eq!(s.unmatched_closing, vec![Span::new(stray, stray + 1)]);
}

#[test]
fn nested_quotation_and_quoted_name_inside_a_quotation() {
    let text =
        "وقالت المعلمة هند: «سمعت طالبا يقول \"لن أستسلم أبدا\" وهو يقرأ كتاب \"الأيام\" بصوت عال».";
    let e = [ent(text, "e1", EntityKind::Person, &["هند"])];
    let s = run(text, &e);
    assert_eq!(
        quoted(text, &s),
        vec![
            "«سمعت طالبا يقول \"لن أستسلم أبدا\" وهو يقرأ كتاب \"الأيام\" بصوت عال»",
            "\"لن أستسلم أبدا\""
        ]
    );
    assert_eq!(&*s.quotes[0].id, "q1");
    assert_eq!(&*s.quotes[1].id, "q2");
    assert_eq!(s.quotes[1].nested_in.as_deref(), Some("q1"));
    assert_eq!(s.quotes[0].nested_in, None);
    assert_eq!(names(text, &s), vec!["\"الأيام\""]);
    assert_eq!(
        s.quotes[0].speaker.as_ref().unwrap().entity.as_deref(),
        Some("e1")
    );
}

#[test]
fn multi_paragraph_quotation_is_one_quote() {
    let text = "وقال الخبير سمير حداد: «الاقتصاد يمر بمرحلة صعبة.\n\n«لكن الإصلاحات ستؤتي ثمارها قريبا».\nوانتهت الندوة مساء.";
    let e = [ent(text, "e1", EntityKind::Person, &["سمير حداد"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 1);
    let q = &s.quotes[0];
    let start = text.find('«').unwrap();
    let end = text.find('»').unwrap() + '»'.len_utf8();
    assert_eq!(q.span, Span::new(start, end));
    assert!(q.closed);
    assert_eq!(q.speaker.as_ref().unwrap().entity.as_deref(), Some("e1"));
}

#[test]
fn unclosed_quotation_ends_at_its_paragraph() {
    let text =
        "وصرح المحافظ: «سنبدأ العمل غدا في الطريق الجديد.\nوفي خبر آخر، ارتفعت درجات الحرارة.";
    let s = run(text, &[]);
    assert_eq!(s.quotes.len(), 1);
    let q = &s.quotes[0];
    assert!(!q.closed);
    let first_line_end = text.find('\n').unwrap();
    assert_eq!(q.span, Span::new(text.find('«').unwrap(), first_line_end));
    assert_eq!(&*q.speaker.as_ref().unwrap().name, "المحافظ");
}

#[test]
fn stray_closing_mark_does_not_swallow_the_next_sentence() {
    let text = "ناقش المجلس الميزانية والضرائب\"، وقال الرئيس نبيل: \"سنصوت الأسبوع المقبل\".";
    let e = [ent(text, "e1", EntityKind::Person, &["نبيل"])];
    let s = run(text, &e);
    let stray = text.find("\"،").unwrap();
    assert_eq!(s.unmatched_closing, vec![Span::new(stray, stray + 1)]);
    assert_eq!(quoted(text, &s), vec!["\"سنصوت الأسبوع المقبل\""]);
    assert_eq!(
        s.quotes[0].speaker.as_ref().unwrap().entity.as_deref(),
        Some("e1")
    );
}

#[test]
fn quote_first_order() {
    let text = "«الموسم لم ينته بعد»، قال المدرب ماجد الشمري عقب المباراة.";
    let e = [ent(text, "e1", EntityKind::Person, &["ماجد الشمري"])];
    let s = run(text, &e);
    let q = &s.quotes[0];
    assert_eq!(q.cue.as_ref().unwrap().span, at(text, "قال", 0));
    assert_eq!(q.speaker.as_ref().unwrap().span, at(text, "ماجد الشمري", 0));

    let text = "«هذه ليلة لا تنسى»، هكذا علّق اللاعب عمر على الفوز.";
    let e = [ent(text, "e1", EntityKind::Person, &["عمر"])];
    let s = run(text, &e);
    let q = &s.quotes[0];
    assert_eq!(q.cue.as_ref().unwrap().span, at(text, "علّق", 0));
    assert_eq!(q.speaker.as_ref().unwrap().entity.as_deref(), Some("e1"));
}

#[test]
fn pronoun_continuation_across_paragraphs() {
    let text = "وقال وزير الصحة فادي منصور: «المستشفى الجديد جاهز».\nوتحدث عن خطط العام المقبل.\nوأضاف: «سنضاعف عدد الأسرة».";
    let e = [ent(text, "e1", EntityKind::Person, &["فادي منصور"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 2);
    let sp = s.quotes[1].speaker.as_ref().unwrap();
    assert_eq!(sp.span, at(text, "فادي منصور", 0));
    assert_eq!(&*sp.name, "فادي منصور");
    assert_eq!(sp.entity.as_deref(), Some("e1"));
    assert_eq!(s.quotes[1].cue.as_ref().unwrap().span, at(text, "وأضاف", 0));
}

#[test]
fn continuation_skips_verbs_inside_complement_clauses() {
    // أكد here belongs to the reported clause: مضيفا goes back to the main verb's subject.
    let text = "وأوضح رامي أن الرئيس سعيد أكد ضرورة الحوار، مضيفا: «الأبواب مفتوحة».";
    let e = [
        ent(text, "e1", EntityKind::Person, &["رامي"]),
        ent(text, "e2", EntityKind::Person, &["سعيد"]),
    ];
    let s = run(text, &e);
    let q = &s.quotes[0];
    assert_eq!(q.cue.as_ref().unwrap().span, at(text, "مضيفا", 0));
    assert_eq!(q.speaker.as_ref().unwrap().entity.as_deref(), Some("e1"));
}

#[test]
fn feminine_verbs_and_participles() {
    let text = "قالت الوزيرة ليلى حسن: «نعمل على توسيع الشبكة»، مضيفةً: «والتمويل متوفر».";
    let e = [ent(text, "e1", EntityKind::Person, &["ليلى حسن"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 2);
    assert_eq!(s.quotes[0].cue.as_ref().unwrap().span, at(text, "قالت", 0));
    assert_eq!(s.quotes[1].cue.as_ref().unwrap().span, at(text, "مضيفةً", 0));
    for q in &s.quotes {
        assert_eq!(q.speaker.as_ref().unwrap().span, at(text, "ليلى حسن", 0));
    }
}

#[test]
fn organization_speaker_and_written_phrase_speaker() {
    let text = "وقالت وزارة المالية في بيان: «الديون تحت السيطرة».";
    let e = [ent(
        text,
        "e1",
        EntityKind::Organization,
        &["وزارة المالية"],
    )];
    let s = run(text, &e);
    assert_eq!(
        s.quotes[0].speaker.as_ref().unwrap().span,
        at(text, "وزارة المالية", 0)
    );

    let text = "وقال مصدر في الشركة للصحفيين أمس: «لا تسريح للعمال».";
    let s = run(text, &[]);
    let sp = s.quotes[0].speaker.as_ref().unwrap();
    assert_eq!(&*sp.name, "مصدر في الشركة");
    assert_eq!(sp.span, at(text, "مصدر في الشركة", 0));
}

#[test]
fn svo_speaker_after_amma() {
    let text = "أما النائب وليد فقال: «القانون يحتاج إلى تعديل».";
    let e = [ent(text, "e1", EntityKind::Person, &["وليد"])];
    let s = run(text, &e);
    let q = &s.quotes[0];
    assert_eq!(q.cue.as_ref().unwrap().span, at(text, "فقال", 0));
    assert_eq!(q.speaker.as_ref().unwrap().span, at(text, "وليد", 0));
}

#[test]
fn sources_are_found_and_linked() {
    // وفقا لـ + a quoted agency name: the name is the source, not a quotation.
    let text = "وحذر الخبير يوسف، وفقا لوكالة أنباء \"الشرق\"، من أن «الأسعار سترتفع».";
    let e = [
        ent(text, "e1", EntityKind::Person, &["يوسف"]),
        ent(text, "e2", EntityKind::Organization, &["الشرق"]),
    ];
    let s = run(text, &e);
    assert_eq!(names(text, &s), vec!["\"الشرق\""]);
    let q = &s.quotes[0];
    assert_eq!(q.speaker.as_ref().unwrap().entity.as_deref(), Some("e1"));
    let src = q.source.as_ref().unwrap();
    assert_eq!(src.span, at(text, "الشرق", 0));
    assert_eq!(src.entity.as_deref(), Some("e2"));
    assert_eq!(&*src.name, "الشرق");

    // Quote-first with بحسب and no cue verb: the source is the speaker.
    let text = "«الرحلات ستستأنف الأسبوع المقبل»، بحسب شركة الطيران الوطنية.";
    let s = run(text, &[]);
    let q = &s.quotes[0];
    assert_eq!(
        q.source.as_ref().unwrap().span,
        at(text, "شركة الطيران الوطنية", 0)
    );
    assert_eq!(
        q.speaker.as_ref().unwrap().span,
        at(text, "شركة الطيران الوطنية", 0)
    );

    // Relay: نقلت الصحيفة عن فلان قوله.
    let text = "ونقلت صحيفة الأيام عن المهندس طارق قوله: «الجسر سيفتتح قريبا».";
    let e = [
        ent(text, "e1", EntityKind::Organization, &["صحيفة الأيام"]),
        ent(text, "e2", EntityKind::Person, &["طارق"]),
    ];
    let s = run(text, &e);
    let q = &s.quotes[0];
    assert_eq!(q.cue.as_ref().unwrap().span, at(text, "ونقلت", 0));
    assert_eq!(q.source.as_ref().unwrap().entity.as_deref(), Some("e1"));
    assert_eq!(q.speaker.as_ref().unwrap().entity.as_deref(), Some("e2"));
}

#[test]
fn scare_quoted_names_after_trigger_nouns() {
    let text = "أعلن حزب \"النهضة الجديدة\" مشاركته، وبث برنامج «صباح الوطن» اللقاء، فيما تبنى تنظيم 'الفجر' الهجوم.";
    let s = run(text, &[]);
    assert!(s.quotes.is_empty(), "{:?}", quoted(text, &s));
    assert_eq!(
        names(text, &s),
        vec!["\"النهضة الجديدة\"", "«صباح الوطن»", "'الفجر'"]
    );
}

#[test]
fn name_covered_by_an_entity_mention() {
    let text = "أشاد الوزير بدور \"المرصد\" في رصد التلوث.";
    let e = [ent(text, "e1", EntityKind::Organization, &["المرصد"])];
    assert_eq!(names(text, &run(text, &e)), vec!["\"المرصد\""]);
}

#[test]
fn partial_quote_in_indirect_speech() {
    let text = "وقالت الوزيرة سلمى إن المشروع «خطوة مهمة» للبلاد.";
    let e = [ent(text, "e1", EntityKind::Person, &["سلمى"])];
    let s = run(text, &e);
    assert_eq!(quoted(text, &s), vec!["«خطوة مهمة»"]);
    let q = &s.quotes[0];
    assert_eq!(q.cue.as_ref().unwrap().span, at(text, "وقالت", 0));
    assert_eq!(q.speaker.as_ref().unwrap().span, at(text, "سلمى", 0));
    assert!(s.quoted_names.is_empty());
}

#[test]
fn latin_apostrophes_are_not_quotation_marks() {
    let text = "He said don't worry, it's the team's day.";
    let s = run(text, &[]);
    assert!(s.quotes.is_empty() && s.quoted_names.is_empty() && s.unmatched_closing.is_empty());
}

#[test]
fn following_quotation_without_cue_keeps_the_speaker() {
    let text = "وقال القاضي مراد: «الجلسة مؤجلة». «وسنعلن الموعد لاحقا».";
    let e = [ent(text, "e1", EntityKind::Person, &["مراد"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 2);
    assert_eq!(s.quotes[1].cue, None);
    assert_eq!(
        s.quotes[1].speaker.as_ref().unwrap().entity.as_deref(),
        Some("e1")
    );
}

#[test]
fn never_panics_on_odd_input() {
    for text in [
        "",
        "\"",
        "«",
        "»",
        "\"\"",
        "« »",
        "'",
        "\n\n\"\n«",
        "قال: «",
        "»«»«",
        "\r\n\"a\"\r\n",
        "🙂\"نعم\"🙂",
    ] {
        let _ = run(text, &[]);
    }
}

#[test]
fn gendered_continuation_verb_finds_the_speaker_of_its_gender() {
    let text = "قالت الطبيبة منى إن اللقاح آمن، وقال الباحث كريم إن النتائج مشجعة.\nوأضافت: «سنبدأ التطعيم الشهر المقبل».";
    let e = [
        ent(text, "e1", EntityKind::Person, &["منى"]),
        ent(text, "e2", EntityKind::Person, &["كريم"]),
    ];
    let s = run(text, &e);
    assert_eq!(
        s.quotes[0].speaker.as_ref().unwrap().entity.as_deref(),
        Some("e1")
    );
    let text = text.replace("وأضافت", "وأضاف");
    let e = [
        ent(&text, "e1", EntityKind::Person, &["منى"]),
        ent(&text, "e2", EntityKind::Person, &["كريم"]),
    ];
    let s = run(&text, &e);
    assert_eq!(
        s.quotes[0].speaker.as_ref().unwrap().entity.as_deref(),
        Some("e2")
    );
}

#[test]
fn definite_reference_resolves_to_an_earlier_entity() {
    // الوزير → the entity whose role has the head noun وزير.
    let text = "استقبل وزير النقل جمال الراشد الوفد.\nوقال الوزير: «الخط الجديد جاهز».";
    let mut e = ent(text, "e1", EntityKind::Person, &["جمال الراشد"]);
    e.roles.push("وزير النقل".into());
    let s = run(text, &[e]);
    let sp = s.quotes[0].speaker.as_ref().unwrap();
    assert_eq!(sp.entity.as_deref(), Some("e1"));
    assert_eq!(&*sp.name, "جمال الراشد");
    // The range stays the words written.
    assert_eq!(sp.span, at(text, "الوزير", 0));

    // الهيئة → the organization named هيئة …; البيان → the previous speaker.
    let text = "وقالت هيئة المياه إن الضخ سيعود غدا.\nوأضافت الهيئة: «نعتذر للسكان».\nوتابع البيان: «الفرق تعمل ليلا».";
    let e = [ent(text, "e1", EntityKind::Organization, &["هيئة المياه"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 2);
    for q in &s.quotes {
        assert_eq!(q.speaker.as_ref().unwrap().entity.as_deref(), Some("e1"));
    }
    assert_eq!(
        s.quotes[1].speaker.as_ref().unwrap().span,
        at(text, "البيان", 0)
    );
}

#[test]
fn pronoun_verb_takes_the_subject_of_its_sentence() {
    // وقال has no subject: the person who أبدى… in the same sentence said it, not the
    // previous speaker.
    let text =
        "وقال الحكم رشيد إن الهدف صحيح.\nأبدى المدرب كمال أسفه للنتيجة، وقال: «لم نستغل الفرص».";
    let e = [
        ent(text, "e1", EntityKind::Person, &["رشيد"]),
        ent(text, "e2", EntityKind::Person, &["كمال"]),
    ];
    let s = run(text, &e);
    assert_eq!(
        s.quotes[0].speaker.as_ref().unwrap().entity.as_deref(),
        Some("e2")
    );
}

#[test]
fn cue_in_the_previous_paragraph_ending_with_a_colon() {
    let text = "وقال المحامي هشام للصحفيين أمام المحكمة:\n\n«سنستأنف الحكم».";
    let e = [ent(text, "e1", EntityKind::Person, &["هشام"])];
    let s = run(text, &e);
    let q = &s.quotes[0];
    assert_eq!(q.cue.as_ref().unwrap().span, at(text, "وقال", 0));
    assert_eq!(q.speaker.as_ref().unwrap().entity.as_deref(), Some("e1"));
}

#[test]
fn unnamed_speaker_phrases() {
    // A name in apposition between commas names the speaker.
    let text = "وقالت مديرة المدرسة، نوال الزين، إن الامتحانات «ستجري في موعدها».";
    let s = run(text, &[]);
    assert_eq!(
        s.quotes[0].speaker.as_ref().unwrap().span,
        at(text, "نوال الزين", 0)
    );
    // لـ inside a title stays; a recipient (للصحفيين) ends the phrase.
    let text = "وأوضح المدير العام للطيران المدني للصحفيين: «المطار يعمل بكامل طاقته».";
    let s = run(text, &[]);
    assert_eq!(
        s.quotes[0].speaker.as_ref().unwrap().span,
        at(text, "المدير العام للطيران المدني", 0)
    );
}

#[test]
fn cue_verb_with_an_object_pronoun() {
    let text = "وروى الكاتب أن جده سألني مرة: «متى تعود؟».";
    let s = run(text, &[]);
    assert_eq!(s.quotes[0].cue.as_ref().unwrap().span, at(text, "سألني", 0));
    // A noun ending in ة is not a verb with the pronoun ه (إفادة ≠ أفاد + ه).
    let text = "وفي إفادة مكتوبة: «لا جديد».";
    let s = run(text, &[]);
    assert_eq!(s.quotes[0].cue, None);
}

#[test]
fn outlet_spoken_to_is_the_source() {
    let text = "وقال المهندس باسل لـ«النهار»: «الأعمال ستنتهي قبل الصيف».";
    let e = [
        ent(text, "e1", EntityKind::Person, &["باسل"]),
        ent(text, "e2", EntityKind::Organization, &["النهار"]),
    ];
    let s = run(text, &e);
    assert_eq!(names(text, &s), vec!["«النهار»"]);
    assert_eq!(quoted(text, &s), vec!["«الأعمال ستنتهي قبل الصيف»"]);
    let q = &s.quotes[0];
    assert_eq!(q.speaker.as_ref().unwrap().entity.as_deref(), Some("e1"));
    let src = q.source.as_ref().unwrap();
    assert_eq!(src.span, at(text, "النهار", 0));
    assert_eq!(src.entity.as_deref(), Some("e2"));

    // ل + a media noun: قال مصدر لوكالة الأنباء.
    let text = "وقال مصدر حكومي لوكالة الأنباء الرسمية: «الاجتماع في موعده».";
    let s = run(text, &[]);
    let q = &s.quotes[0];
    assert_eq!(q.speaker.as_ref().unwrap().span, at(text, "مصدر حكومي", 0));
    assert_eq!(
        q.source.as_ref().unwrap().span.start,
        at(text, "وكالة الأنباء", 0).start
    );
}

#[test]
fn third_person_cue_inside_a_quotation_is_not_the_quoting_speaker() {
    let text = "وتذكر الشاعر نزار لقاءه بالأديب فهد، وقال: «سألني يومها: \"لماذا تكتب؟\" فلم أجب».";
    let e = [
        ent(text, "e1", EntityKind::Person, &["نزار"]),
        ent(text, "e2", EntityKind::Person, &["فهد"]),
    ];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 2);
    assert_eq!(
        s.quotes[0].speaker.as_ref().unwrap().entity.as_deref(),
        Some("e1")
    );
    assert_eq!(s.quotes[1].nested_in.as_deref(), Some("q1"));
    assert_eq!(s.quotes[1].cue.as_ref().unwrap().span, at(text, "سألني", 0));
    assert_eq!(
        s.quotes[1].speaker.as_ref().unwrap().entity.as_deref(),
        Some("e2")
    );
}

#[test]
fn crlf_line_ends_and_emoji() {
    let text = "وقالت المدربة 🙂 ريم: «سنفوز\r\nوفي خبر آخر قال الحكم: \"انتهت المباراة\" 🙂.\r\n";
    let e = [ent(text, "e1", EntityKind::Person, &["ريم"])];
    let s = run(text, &e);
    assert_eq!(quoted(text, &s), vec!["«سنفوز", "\"انتهت المباراة\""]);
    assert!(!s.quotes[0].closed);
    assert_eq!(s.quotes[0].span.end, text.find('\r').unwrap());
    assert_eq!(
        s.quotes[0].speaker.as_ref().unwrap().entity.as_deref(),
        Some("e1")
    );
    assert_eq!(&*s.quotes[1].speaker.as_ref().unwrap().name, "الحكم");
}

/// The speaker's name, entity and words as written, for quotation `k`.
fn speaker_of<'a>(
    text: &'a str,
    s: &QuoteScan,
    k: usize,
) -> Option<(String, Option<String>, &'a str)> {
    s.quotes[k].speaker.as_ref().map(|sp| {
        (
            sp.name.to_string(),
            sp.entity.as_deref().map(str::to_string),
            sp.span.slice(text),
        )
    })
}

#[test]
fn empty_pairs_pair_and_guillemets_keep_their_direction() {
    let text = "«»«»";
    let s = run(text, &[]);
    assert!(s.unmatched_closing.is_empty(), "{:?}", s.unmatched_closing);
    assert_eq!(quoted(text, &s), vec!["«»", "«»"]);
    assert!(s.quotes.iter().all(|q| q.closed && q.content.is_empty()));

    // « always opens: 27 openings, 14 closings → 27 quotations, the 14 innermost closed.
    let text = format!("{}{}", "«".repeat(27), "»".repeat(14));
    let s = run(&text, &[]);
    assert_eq!(s.quotes.len(), 27);
    assert_eq!(s.quotes.iter().filter(|q| q.closed).count(), 14);
    assert!(s.unmatched_closing.is_empty());
    assert_eq!(s.quotes[26].nested_in.as_deref(), Some("q26"));

    // An empty pair right after a word, then a real quotation.
    let text = "كتب الشاعر«» ثم قال: «انتهينا».";
    let s = run(text, &[]);
    assert_eq!(quoted(text, &s), vec!["«»", "«انتهينا»"]);
    assert!(s.unmatched_closing.is_empty());

    // The reversed convention is still read when it is evident for the pair.
    let text = "قال: »نعم« ثم مضى.";
    assert_eq!(quoted(text, &run(text, &[])), vec!["»نعم«"]);
}

#[test]
fn a_statement_speaks_for_itself_or_its_issuer() {
    let text = "وقال الوزير سمير حداد: «سنعيد فتح المعبر».\n\nوقال بيان للحكومة إن \"الوضع مستقر تماما\".\n\nوأصدرت وزارة الزراعة الأردنية بيانا جاء فيه: «الموسم واعد هذا العام».\n\nوجاء في بيان صادر عن حلف الناتو أن \"الحلف مستعد للحوار\".\n\nوقال بيان صادر عن الشركة إن \"الأرباح تضاعفت\".";
    let e = [
        ent(text, "e1", EntityKind::Person, &["سمير حداد"]),
        ent(
            text,
            "e2",
            EntityKind::Organization,
            &["وزارة الزراعة الأردنية"],
        ),
        ent(text, "e3", EntityKind::Organization, &["الناتو"]),
    ];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 5, "{:?}", quoted(text, &s));
    assert_eq!(speaker_of(text, &s, 0).unwrap().1.as_deref(), Some("e1"));
    assert_eq!(
        speaker_of(text, &s, 1),
        Some(("بيان للحكومة".into(), None, "بيان للحكومة"))
    );
    assert_eq!(s.quotes[1].cue.as_ref().unwrap().span, at(text, "وقال", 1));
    assert_eq!(
        speaker_of(text, &s, 2),
        Some((
            "وزارة الزراعة الأردنية".into(),
            Some("e2".into()),
            "وزارة الزراعة الأردنية"
        ))
    );
    assert_eq!(s.quotes[2].cue.as_ref().unwrap().span, at(text, "جاء", 0));
    assert_eq!(
        speaker_of(text, &s, 3),
        Some(("الناتو".into(), Some("e3".into()), "الناتو"))
    );
    assert_eq!(s.quotes[3].cue.as_ref().unwrap().span, at(text, "وجاء", 0));
    let sp = s.quotes[4].speaker.as_ref().unwrap();
    assert_eq!((&*sp.name, sp.span), ("الشركة", at(text, "الشركة", 0)));
}

#[test]
fn the_speaker_phrase_stops_at_a_relative_or_verbal_clause() {
    let text = "وقال مصدر دبلوماسي لم يكشف عن اسمه: «المفاوضات متعثرة منذ أسابيع».\n\n«سنرد في الوقت المناسب»، قال مسؤول إيراني طلب عدم ذكر اسمه.";
    let s = run(text, &[]);
    assert_eq!(s.quotes.len(), 2);
    assert_eq!(s.quotes[0].cue.as_ref().unwrap().span, at(text, "وقال", 0));
    assert_eq!(
        speaker_of(text, &s, 0),
        Some(("مصدر دبلوماسي".into(), None, "مصدر دبلوماسي"))
    );
    assert_eq!(s.quotes[1].cue.as_ref().unwrap().span, at(text, "قال", 1));
    assert_eq!(
        speaker_of(text, &s, 1),
        Some(("مسؤول إيراني".into(), None, "مسؤول إيراني"))
    );
}

#[test]
fn a_one_word_quote_first_utterance_stays_speech_even_if_tagged_as_a_name() {
    let text = "«سنرد»، قال مسؤول إيراني طلب عدم ذكر اسمه.";
    // A recognizer that wrongly took the word for a name.
    let e = [ent(text, "e1", EntityKind::Misc, &["سنرد"])];
    let s = run(text, &e);
    assert_eq!(quoted(text, &s), vec!["«سنرد»"]);
    assert!(s.quoted_names.is_empty());
}

#[test]
fn a_person_inside_the_speaker_phrase_is_the_speaker() {
    let text = "وبحسب المتحدث باسم القيادة اللواء تحسين الخفاجي، فإن \"القوات تقدمت نحو الجسر\".";
    let e = [ent(text, "e1", EntityKind::Person, &["تحسين الخفاجي"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 1, "{:?}", names(text, &s));
    assert_eq!(
        speaker_of(text, &s, 0),
        Some(("تحسين الخفاجي".into(), Some("e1".into()), "تحسين الخفاجي"))
    );
    assert_eq!(
        s.quotes[0].source.as_ref().unwrap().entity.as_deref(),
        Some("e1")
    );
}

#[test]
fn titles_and_terms_after_a_work_or_naming_word_are_names() {
    let text = "وشارك الفيلم المصري \"الحريفة\" في مهرجان \"كان\" السينمائي، وتحدث المخرج عما يسمى \"الشرق الأوسط الجديد\" وعن الوسم المعروف بـ«معا للأرض».";
    let s = run(text, &[]);
    assert!(s.quotes.is_empty(), "{:?}", quoted(text, &s));
    assert_eq!(
        names(text, &s),
        vec![
            "\"الحريفة\"",
            "\"كان\"",
            "\"الشرق الأوسط الجديد\"",
            "«معا للأرض»"
        ]
    );
    // A title noun in the speaker's phrase does not make the quotation a title.
    let text = "وقال مدير البرنامج «سنواصل العمل».";
    assert_eq!(quoted(text, &run(text, &[])), vec!["«سنواصل العمل»"]);
    // A cue verb inside the span makes it speech.
    let text = "وعرض الفيلم \"قال لي أبي\" أمس.";
    assert_eq!(quoted(text, &run(text, &[])), vec!["\"قال لي أبي\""]);
}

#[test]
fn a_nested_quotation_takes_the_subject_of_its_own_cue() {
    let text = "وقال السفير: «قال لي الوزير: \"لن نتراجع عن الاتفاق\"، ثم غادر القاعة».";
    let s = run(text, &[]);
    assert_eq!(s.quotes.len(), 2);
    assert_eq!(s.quotes[1].nested_in.as_deref(), Some("q1"));
    assert_eq!(s.quotes[1].cue.as_ref().unwrap().span, at(text, "قال", 1));
    assert_eq!(
        speaker_of(text, &s, 1),
        Some(("الوزير".into(), None, "الوزير"))
    );
    assert_eq!(speaker_of(text, &s, 0).unwrap().2, "السفير");
}

#[test]
fn multi_paragraph_text_drops_the_reopening_marks() {
    let text = "وقال الوزير خالد العمري: «الفقرة الأولى من الكلام.\n\n«والفقرة الثانية منه.\r\n  «والثالثة فيها \"كلمة\" أخيرة».\nانتهى.";
    let e = [ent(text, "e1", EntityKind::Person, &["خالد العمري"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 1);
    let q = &s.quotes[0];
    assert_eq!(
        q.content.slice(text),
        "الفقرة الأولى من الكلام.\n\n«والفقرة الثانية منه.\r\n  «والثالثة فيها \"كلمة\" أخيرة"
    );
    assert_eq!(
        q.text(text),
        "الفقرة الأولى من الكلام.\n\nوالفقرة الثانية منه.\r\n  والثالثة فيها \"كلمة\" أخيرة"
    );
    // A one-paragraph quotation's text is its content.
    let text = "قال: «نعم».";
    let s = run(text, &[]);
    assert_eq!(s.quotes[0].text(text), "نعم");
    // Never panics on a source it was not found in.
    assert_eq!(s.quotes[0].text(""), "");
}

#[test]
fn a_definite_title_refers_to_the_speaker_it_was_written_before() {
    // The entity has no role: the title was only written before the name, after the verb.
    let text = "أكد الرئيس الموريتاني سالم ولد أحمد، الأحد، أن الحوار مستمر.\n\nوقال الرئيس إن المفاوضات «تسير في الاتجاه الصحيح».";
    let e = [ent(text, "e1", EntityKind::Person, &["سالم ولد أحمد"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 1);
    assert_eq!(
        speaker_of(text, &s, 0),
        Some(("سالم ولد أحمد".into(), Some("e1".into()), "الرئيس"))
    );
}

#[test]
fn a_quoted_predicate_after_a_definite_work_noun_in_reported_speech_is_speech() {
    let text = "وقالت الناقدة إن الفيلم «تحفة فنية نادرة».";
    let s = run(text, &[]);
    assert_eq!(quoted(text, &s), vec!["«تحفة فنية نادرة»"]);
    // Indefinite: a title, even in reported speech.
    let text = "وقالت الناقدة إن فيلم «الطريق الطويل» حقق نجاحا.";
    let s = run(text, &[]);
    assert_eq!(names(text, &s), vec!["«الطريق الطويل»"]);
}

#[test]
fn title_subject_before_the_verb_is_the_speaker_not_the_previous_one() {
    let text = "وقال الرئيس الكيني جوزيف موانغي: «سنفتح الحدود الشهر المقبل».\n\n\
                من جهته، فإن الرئيس الغاني قال إن «التجارة بين البلدين ستتضاعف».";
    let e = [ent(text, "e1", EntityKind::Person, &["جوزيف موانغي"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 2);
    let first = s.quotes[0].speaker.as_ref().unwrap();
    assert_eq!(first.entity.as_deref(), Some("e1"));
    // Same head noun (الرئيس), another modifier: not the earlier president.
    let sp = s.quotes[1].speaker.as_ref().unwrap();
    assert_eq!(&*sp.name, "الرئيس الغاني");
    assert_eq!(sp.entity, None);
    assert_eq!(sp.span, at(text, "الرئيس الغاني", 0));
    assert_eq!(s.quotes[1].cue.as_ref().unwrap().span, at(text, "قال", 1));
}

#[test]
fn feminine_title_before_a_feminine_verb_leaves_out_the_conjunction() {
    let text = "وقال المهندس طارق السويدي: «انتهينا من المرحلة الأولى».\n\n\
                والمديرة التنفيذية قالت: «الميزانية تكفي حتى نهاية العام».\n\n\
                وأضافت: «لن نرفع الأسعار».";
    let e = [ent(text, "e1", EntityKind::Person, &["طارق السويدي"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 3);
    let sp = s.quotes[1].speaker.as_ref().unwrap();
    assert_eq!(&*sp.name, "المديرة التنفيذية");
    let written = at(text, "والمديرة التنفيذية", 0);
    assert_eq!(
        sp.span,
        Span::new(written.start + 'و'.len_utf8(), written.end)
    );
    // The feminine continuation follows her, not the man before.
    let next = s.quotes[2].speaker.as_ref().unwrap();
    assert_eq!(&*next.name, "المديرة التنفيذية");
    assert_eq!(next.span, sp.span);
}

#[test]
fn title_subject_must_agree_with_the_verb_and_fill_its_clause() {
    // A masculine title before قالت is not its subject; neither is a title with other words
    // between it and the clause start.
    let text = "وقالت الطبيبة ليلى النجار: «المرض تحت السيطرة».\n\n\
                والوزير قالت: «نتابع الحالات».\n\n\
                والتقى الوزير الصحفيين قال: «لا جديد».";
    let e = [ent(text, "e1", EntityKind::Person, &["ليلى النجار"])];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 3);
    for q in &s.quotes[1..] {
        assert_ne!(q.speaker.as_ref().map(|s| &*s.name), Some("الوزير"));
    }
    assert_eq!(
        s.quotes[1].speaker.as_ref().unwrap().entity.as_deref(),
        Some("e1")
    );
}

#[test]
fn bare_title_before_the_verb_refers_back_to_the_speaker_with_that_title() {
    let text = "وقال وزير المالية كريم الساعدي: «العجز سينخفض».\n\n\
                وقالت الخبيرة منى داود: «الأرقام متفائلة».\n\n\
                والوزير قال إن «الضرائب لن ترتفع».";
    let e = [
        ent(text, "e1", EntityKind::Person, &["كريم الساعدي"]),
        ent(text, "e2", EntityKind::Person, &["منى داود"]),
    ];
    let s = run(text, &e);
    assert_eq!(s.quotes.len(), 3);
    let sp = s.quotes[2].speaker.as_ref().unwrap();
    assert_eq!(sp.entity.as_deref(), Some("e1"));
    let written = at(text, "والوزير", 0);
    assert_eq!(
        sp.span,
        Span::new(written.start + 'و'.len_utf8(), written.end)
    );
}
