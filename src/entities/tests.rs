//! Recognizer tests on sentences written for qalam.

use super::*;
use crate::text::token::tokenize;

fn run(text: &str) -> Vec<Entity> {
    recognize(text, &tokenize(text), &[])
}

fn run_with(text: &str, extra: &[&dyn MentionSource]) -> Vec<Entity> {
    recognize(text, &tokenize(text), extra)
}

/// The entity having a mention written exactly `name`, with that mention's span.
fn find<'a>(entities: &'a [Entity], name: &str) -> Option<(&'a Entity, Span)> {
    entities.iter().find_map(|e| {
        e.mentions
            .iter()
            .find(|m| &*m.text == name)
            .map(|m| (e, m.span))
    })
}

fn span_of(text: &str, needle: &str, nth: usize) -> Span {
    let (i, s) = text.match_indices(needle).nth(nth).expect("needle present");
    Span::new(i, i + s.len())
}

#[test]
fn proclitics_are_excluded_only_when_the_stem_is_known() {
    let text = "سافر الوفد إلى بغداد، ثم عاد الوزير لبغداد وبغداد مرة أخرى.";
    let e = run(text);
    let (baghdad, _) = find(&e, "بغداد").expect("بغداد found");
    assert_eq!(baghdad.kind, EntityKind::Location);
    // Three mentions, all exactly "بغداد": the word as written keeps its ب; ل and و are cut.
    let spans: Vec<Span> = baghdad.mentions.iter().map(|m| m.span).collect();
    assert_eq!(
        spans,
        vec![
            span_of(text, "بغداد", 0),
            span_of(text, "بغداد", 1),
            span_of(text, "بغداد", 2)
        ]
    );
    assert!(baghdad.mentions.iter().all(|m| &*m.text == "بغداد"));
}

#[test]
fn article_stays_inside_the_name_and_elided_article_is_restored() {
    let text = "وجهت الحكومة رسالة للأمم المتحدة، وردت الأمم المتحدة بعد يومين.";
    let e = run(text);
    let (un, span) = find(&e, "الأمم المتحدة").expect("UN found");
    assert_eq!(span, span_of(text, "الأمم المتحدة", 0));
    assert_eq!(un.kind, EntityKind::Organization);
    assert_eq!(un.mentions.len(), 2);
    assert_eq!(
        &*un.mentions[0].text, "لأمم المتحدة",
        "the ل of للأمم is a clitic, its article elided"
    );
    assert_eq!(un.name, "الأمم المتحدة");
}

#[test]
fn title_introduces_a_person_and_the_surname_follows_with_clitics() {
    let text = "وقال المتحدث باسم الحكومة الفرنسية جان دوبوا للصحفيين إن الاجتماع انتهى. \
                وأرسل الوفد رسالة لدوبوا مساء الخميس.";
    let e = run(text);
    let (p, _) = find(&e, "جان دوبوا").expect("person after title");
    assert_eq!(p.kind, EntityKind::Person);
    assert_eq!(p.roles, vec!["المتحدث باسم الحكومة الفرنسية".to_string()]);
    let bare = p
        .mentions
        .iter()
        .find(|m| &*m.text == "دوبوا")
        .expect("surname mention");
    assert_eq!(bare.span, span_of(text, "دوبوا", 1));
    assert!(find(&e, "للصحفيين").is_none());
}

#[test]
fn spelling_variants_join() {
    let text = "استقبل الوزير سيرغي لافروف نظيره. وقال سيرجي لافروف إن المحادثات مثمرة.";
    let e = run(text);
    let (a, _) = find(&e, "سيرغي لافروف").expect("first spelling");
    let (b, _) = find(&e, "سيرجي لافروف").expect("second spelling");
    assert_eq!(a.id, b.id);
    assert_eq!(a.name, "سيرغي لافروف");
    assert_eq!(a.aliases, vec!["سيرجي لافروف".to_string()]);

    let text = "وصل الرئيس عبدالله حمدان إلى المطار، ثم التقى الوزير عبد الله حمدان بالسفراء.";
    let e = run(text);
    let (a, _) = find(&e, "عبدالله حمدان").expect("glued");
    let (b, _) = find(&e, "عبد الله حمدان").expect("spaced");
    assert_eq!(a.id, b.id);
}

#[test]
fn two_full_names_sharing_parts_stay_two_people() {
    let text = "وقال الرئيس سامر علوان إن الحوار مستمر. وكان الوزير سامر نبيل علوان قد زار المدينة. \
                وأكد علوان أن الزيارة ناجحة.";
    let e = run(text);
    let (short, _) = find(&e, "سامر علوان").expect("short name");
    let (long, _) = find(&e, "سامر نبيل علوان").expect("long name");
    assert_ne!(short.id, long.id);
    // The bare surname joins the nearest earlier compatible mention: the long name.
    let (bare, span) = find(&e, "علوان").expect("bare surname");
    assert_eq!(bare.id, long.id);
    assert_eq!(span, span_of(text, "علوان", 2));
}

#[test]
fn nisba_adjectives_are_not_people() {
    let text = "وقالت الخارجية الروسية إن الموقف الروسي ثابت، وإن الوفد الأفغانى سيصل غدا.";
    let e = run(text);
    for word in ["الروسية", "الروسي", "الأفغانى"] {
        assert!(find(&e, word).is_none(), "{word} is not a mention");
    }
    assert!(e.iter().all(|x| x.kind != EntityKind::Person));
    let lx = lexicon::Lexicon::get();
    assert_eq!(
        lx.nisba_place(&crate::text::normalize::fold_str("الروسية")),
        Some("روسيا")
    );
    assert_eq!(
        lx.nisba_place(&crate::text::normalize::fold_str("الأفغانى")),
        Some("أفغانستان")
    );
}

#[test]
fn quoted_names_after_triggers() {
    let text = "أعلنت جماعة \"النسور الحمر\" مسؤوليتها عن الهجوم، ونقلت صحيفة «الأفق» عن مصدر أمني قوله إن التحقيق بدأ.";
    let e = run(text);
    let (g, span) = find(&e, "النسور الحمر").expect("quoted group name");
    assert_eq!(g.kind, EntityKind::Organization);
    assert_eq!(span, span_of(text, "النسور الحمر", 0));
    let (paper, _) = find(&e, "الأفق").expect("quoted newspaper name");
    assert_eq!(paper.kind, EntityKind::Organization);
}

#[test]
fn triggers_give_long_forms_that_join_short_ones() {
    let text = "قالت حركة كفايا إن المسيرة سلمية، وأضافت كفايا أنها ستواصل. ووصل الوفد إلى إقليم زاغروفا الجبلي ثم غادر زاغروفا.";
    let e = run(text);
    let (long, _) = find(&e, "حركة كفايا").expect("trigger + name");
    let (short, _) = find(&e, "كفايا").expect("bare name");
    assert_eq!(long.id, short.id);
    assert_eq!(long.kind, EntityKind::Organization);
    assert_eq!(long.name, "حركة كفايا");
    let (place, _) = find(&e, "زاغروفا").expect("location after إقليم");
    assert_eq!(place.kind, EntityKind::Location);
    assert_eq!(place.mentions.len(), 2);
    assert!(
        find(&e, "إقليم زاغروفا").is_none(),
        "the location trigger is not part of the name"
    );
}

#[test]
fn common_words_that_are_names_need_context() {
    let text = "أمر القاضي بالإفراج عن المتهمين، وقال إن القرار صالح حتى نهاية الشهر.";
    let e = run(text);
    assert!(e.iter().all(|x| x.kind != EntityKind::Person), "{e:?}");
    // After a title the same words are a name.
    let text = "وقال نائب الرئيس سعيد صالح إن الحكومة مستمرة.";
    let e = run(text);
    let (p, _) = find(&e, "سعيد صالح").expect("name after title");
    assert_eq!(p.roles, vec!["نائب الرئيس".to_string()]);
}

#[test]
fn apposition_after_a_comma_gives_a_role() {
    let text = "وصرح خالد برهان، وزير الخارجية، بأن المفاوضات مستمرة.";
    let e = run(text);
    let person = e
        .iter()
        .find(|x| x.kind == EntityKind::Person)
        .expect("a person");
    assert!(
        person.roles.contains(&"وزير الخارجية".to_string()),
        "{person:?}"
    );
}

#[test]
fn ids_follow_first_mentions() {
    let text = "زار الرئيس جان دوبوا القاهرة ثم باريس، وعاد دوبوا إلى القاهرة.";
    let e = run(text);
    let ids: Vec<&str> = e.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(
        ids,
        (1..=e.len()).map(|i| format!("e{i}")).collect::<Vec<_>>()
    );
    let firsts: Vec<usize> = e.iter().map(|x| x.mentions[0].span.start).collect();
    assert!(firsts.windows(2).all(|w| w[0] < w[1]));
    let (cairo, _) = find(&e, "القاهرة").expect("Cairo");
    assert_eq!(cairo.mentions.len(), 2);
}

struct FakeModel(Vec<(&'static str, usize, EntityKind)>);

impl MentionSource for FakeModel {
    fn mentions(&self, text: &str, _tokens: &[Token]) -> Vec<Mention> {
        self.0
            .iter()
            .map(|(s, nth, kind)| Mention {
                span: span_of(text, s, *nth),
                kind: *kind,
                origin: MentionOrigin::Model,
            })
            .collect()
    }
}

#[test]
fn model_mentions_fill_gaps_and_win_one_word_conflicts() {
    let text = "التقى تيموثي غرانت بوفد من القاهرة، ثم عاد غرانت إلى الأمم المتحدة.";
    // The model finds an unknown name (and its surname spreads), calls Cairo a person and the
    // UN a place.
    let model = FakeModel(vec![
        ("تيموثي غرانت", 0, EntityKind::Person),
        ("القاهرة", 0, EntityKind::Misc),
        ("الأمم المتحدة", 0, EntityKind::Location),
    ]);
    let e = run_with(text, &[&model]);
    let (p, _) = find(&e, "تيموثي غرانت").expect("model mention kept");
    assert_eq!(p.kind, EntityKind::Person);
    assert!(
        p.mentions.iter().any(|m| &*m.text == "غرانت"),
        "surname propagated: {p:?}"
    );
    // One-word gazetteer name: the tagger, which sees the context, decides.
    let (cairo, _) = find(&e, "القاهرة").expect("Cairo");
    assert_eq!(
        cairo.kind,
        EntityKind::Misc,
        "the model wins a one-word conflict"
    );
    // Multi-word gazetteer name: the lexicon wins.
    let (un, _) = find(&e, "الأمم المتحدة").expect("UN");
    assert_eq!(un.kind, EntityKind::Organization, "a multi-word name wins");
    // Without a tagger the lexicon's kind stands.
    let plain = run(text);
    let (cairo, _) = find(&plain, "القاهرة").expect("Cairo");
    assert_eq!(cairo.kind, EntityKind::Location);
}

#[test]
fn title_names_stop_before_the_rest_of_the_sentence() {
    let text =
        "عقد وزير الخارجية المصري سامح شكري مؤتمرا صحفيا في القاهرة. وقال شكري إن الحوار مستمر.";
    let e = run(text);
    let (p, span) = find(&e, "سامح شكري").expect("person");
    assert_eq!(span, span_of(text, "سامح شكري", 0));
    assert_eq!(p.kind, EntityKind::Person);
    // The later bare surname is the same person.
    let bare = p
        .mentions
        .iter()
        .find(|m| &*m.text == "شكري")
        .expect("bare surname merged");
    assert_eq!(bare.span, span_of(text, "شكري", 1));
    assert_eq!(p.roles, vec!["وزير الخارجية المصري".to_string()]);
    // Other titles, other accusatives.
    for (text, name) in [
        (
            "وعقدت وزيرة الصحة هالة زايد اجتماعا طارئا مع الأطباء.",
            "هالة زايد",
        ),
        (
            "وأصدر الرئيس الفرنسي إيمانويل ماكرون بيانا رسميا مساء أمس.",
            "إيمانويل ماكرون",
        ),
        (
            "وقدم المتحدث باسم الحكومة نادر سعد عرضا مفصلا للخطة.",
            "نادر سعد",
        ),
        (
            "ووجه الرئيس جوزيف عون خطابا متلفزا إلى اللبنانيين.",
            "جوزيف عون",
        ),
    ] {
        let e = run(text);
        let people: Vec<&str> = e
            .iter()
            .filter(|x| x.kind == EntityKind::Person)
            .map(|x| x.name.as_str())
            .collect();
        assert_eq!(people, vec![name], "{text}");
    }
}

#[test]
fn organization_names_continue_over_conjuncts_and_complements() {
    for name in [
        "وزارة المياه والري",
        "منظمة الأغذية والزراعة",
        "وزارة التربية والتعليم",
        "هيئة الإذاعة والتلفزيون",
        "وكالة الأمم المتحدة لإغاثة وتشغيل اللاجئين",
        "الاتحاد الأفريقي لكرة القدم",
        "المركز الوطني للأرصاد",
        "البنك المركزي الأردني",
        "وكالة الأنباء الليبية",
    ] {
        let text = format!("وأعلنت {name} أن العمل مستمر.");
        let e = run(&text);
        let (org, span) = find(&e, name).unwrap_or_else(|| panic!("{name}: {e:?}"));
        assert_eq!(org.kind, EntityKind::Organization, "{name}");
        assert_eq!(span, span_of(&text, name, 0));
    }
    // An audience after ل, an attribute, or a second organization does not continue a name.
    let text = "وقالت وزارة الصحة للصحفيين إن منظمة الأغذية والزراعة التابعة للأمم المتحدة \
                تعاونت مع وزارة المالية والاتحاد الأوروبي.";
    let e = run(text);
    assert!(find(&e, "وزارة الصحة").is_some(), "{e:?}");
    assert!(find(&e, "منظمة الأغذية والزراعة").is_some(), "{e:?}");
    assert!(find(&e, "وزارة المالية").is_some(), "{e:?}");
    assert!(find(&e, "الاتحاد الأوروبي").is_some(), "{e:?}");
    // One relational adjective and no complement is not enough (المجلس الوطني).
    let e = run("وناقش المجلس الوطني الخطة أمس.");
    assert!(e.is_empty(), "{e:?}");
}

#[test]
fn a_common_noun_tail_is_not_a_short_form() {
    let text = "قال رئيس نقابة المعلمين إن المعلمين ينتظرون القرار. \
                وقال وزير النقل والمواصلات إن وزارة النقل والمواصلات ستتابع.";
    let e = run(text);
    let (union, _) = find(&e, "نقابة المعلمين").expect("union");
    assert_eq!(union.mentions.len(), 1, "{union:?}");
    assert!(find(&e, "المعلمين").is_none());
    let (ministry, _) = find(&e, "وزارة النقل والمواصلات").expect("ministry");
    assert_eq!(ministry.mentions.len(), 1, "{ministry:?}");
    // Distinctive short forms still join (a proper name after the trigger).
    let text = "أعلنت حركة حماس موقفها، ثم قالت حماس إنها توافق.";
    let e = run(text);
    let (hamas, _) = find(&e, "حركة حماس").expect("long form");
    assert_eq!(hamas.mentions.len(), 2);
}

#[test]
fn common_nouns_tagged_alone_by_the_model_are_dropped() {
    let text =
        "بلغت الكلفة مئة مليون دينار، وعقد الفريق اجتماعا عبر الفيديو كونفرانس مع لجنة المتابعة.";
    let model = FakeModel(vec![
        ("دينار", 0, EntityKind::Misc),
        ("الفيديو كونفرانس", 0, EntityKind::Misc),
    ]);
    let e = run_with(text, &[&model]);
    assert!(find(&e, "دينار").is_none(), "{e:?}");
    assert!(find(&e, "الفيديو كونفرانس").is_none(), "{e:?}");
    // Nor from the gazetteer (ANERcorp tags some currencies MISC).
    let e = run("وبلغت الصادرات عشرة مليارات دولار هذا العام.");
    assert!(find(&e, "دولار").is_none(), "{e:?}");
    // A name the model finds is kept.
    let text = "ووصل المبعوث الخاص إلى المدينة مع فريق كوهلر.";
    let model = FakeModel(vec![("كوهلر", 0, EntityKind::Person)]);
    assert!(find(&run_with(text, &[&model]), "كوهلر").is_some());
}

#[test]
fn canonical_name_takes_the_majority_spelling() {
    let text = "وقال مجلس التعاون الإقليمى إن الاجتماع انتهى. وأكد مجلس التعاون الإقليمي \
                أن مجلس التعاون الإقليمي سيجتمع مجددا، وأن مجلس التعاون الإقليمي مستعد.";
    let e = run(text);
    let (org, _) = find(&e, "مجلس التعاون الإقليمى").expect("org");
    assert_eq!(org.mentions.len(), 4, "{org:?}");
    assert_eq!(org.name, "مجلس التعاون الإقليمي");
    assert_eq!(org.aliases, vec!["مجلس التعاون الإقليمى".to_string()]);
    // A tie keeps the first written.
    let text = "وقال مجلس التعاون الإقليمى إن الاجتماع انتهى. وأكد مجلس التعاون الإقليمي ذلك.";
    let e = run(text);
    let (org, _) = find(&e, "مجلس التعاون الإقليمى").expect("org");
    assert_eq!(org.name, "مجلس التعاون الإقليمى");
}

#[test]
fn model_mentions_may_extend_a_lexicon_mention() {
    let text = "وقالت منظمة الصحة العالمية للطفولة إن الحملة بدأت.";
    let model = FakeModel(vec![(
        "منظمة الصحة العالمية للطفولة",
        0,
        EntityKind::Organization,
    )]);
    let e = run_with(text, &[&model]);
    assert!(find(&e, "منظمة الصحة العالمية للطفولة").is_some(), "{e:?}");
}

#[test]
fn bad_spans_from_a_source_are_ignored() {
    struct Broken;
    impl MentionSource for Broken {
        fn mentions(&self, text: &str, _tokens: &[Token]) -> Vec<Mention> {
            vec![
                Mention {
                    span: Span { start: 1, end: 2 },
                    kind: EntityKind::Person,
                    origin: MentionOrigin::Model,
                },
                Mention {
                    span: Span {
                        start: 0,
                        end: text.len() + 10,
                    },
                    kind: EntityKind::Person,
                    origin: MentionOrigin::Model,
                },
            ]
        }
    }
    let e = run_with("قال الوزير", &[&Broken]);
    assert!(e.is_empty());
}

#[test]
fn empty_and_odd_inputs() {
    assert!(run("").is_empty());
    assert!(run("   \n\n ").is_empty());
    assert!(run("«»\"\"()،.").is_empty());
    let _ = run("الرئيس");
    let _ = run("حركة \"");
    let _ = run("إقليم");
    let _ = run("د.");
}

#[test]
fn osa_distance_and_name_parts() {
    assert_eq!(merge::osa_distance("دميتري", "ديمتري"), 1);
    assert_eq!(merge::osa_distance("غوتيريش", "غوتيرش"), 1);
    assert!(merge::same_part("دميتري", "ديمتري"));
    assert!(!merge::same_part("احمد", "محمد"));
    // Equal parts of any length; one edit from five letters, two from eight, the same first
    // letter always; never across a first letter, nor one edit under five letters.
    assert!(merge::same_part("علي", "علي"));
    assert!(merge::same_part("", ""));
    assert!(!merge::same_part("", "علي"));
    assert!(merge::same_part("غوتيريش", "غوتيرش"));
    assert!(!merge::same_part("سمير", "سمبر"));
    assert!(!merge::same_part("كارلوس", "قارلوس"));
    assert!(merge::same_part("كونستانتين", "كونستنتبن"));
    assert!(!merge::same_part("كونستانتين", "كوستنتن"));
    assert_eq!(
        merge::name_parts("عبد الله حمدان"),
        vec!["عبدالله", "حمدان"]
    );
    assert_eq!(merge::name_parts("امر الله صالح"), vec!["امرالله", "صالح"]);
}

#[test]
fn lexicon_sizes_are_reported() {
    let sizes = lexicon::sizes();
    let get = |n: &str| {
        sizes
            .iter()
            .find(|(f, _, _)| *f == n)
            .map(|(_, c, _)| *c)
            .unwrap_or(0)
    };
    assert!(get("locations.txt") > 5000);
    assert!(get("given_names.txt") > 1000);
    assert!(get("titles.txt") > 20);
    let lx = lexicon::Lexicon::get();
    assert_eq!(
        lx.lookup("الامم المتحده")
            .and_then(|e| e.kind_from(lexicon::EntrySource::General)),
        Some(EntityKind::Organization)
    );
}

#[test]
fn never_panics_on_odd_text() {
    // Deterministic pseudo-random strings over letters, clitics, marks, quotes, digits, CRLF, emoji.
    let alphabet: Vec<char> =
        "ابتثجحخدذرسشصطعغفقكلمنهويىةأإآءئؤ ـًٌٍَُِّْ«»“”\"'()،.:؛؟!-0١a\r\n😀\u{200f}\u{202e}"
            .chars()
            .collect();
    let words = [
        "الرئيس",
        "حركة",
        "وزير",
        "إقليم",
        "د.",
        "باسم",
        "لل",
        "و",
        "\"",
        "«",
        "عبد",
        "الله",
        "بن",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..next(40) {
            if next(3) == 0 {
                text.push_str(words[next(words.len())]);
                text.push(' ');
            } else {
                text.push(alphabet[next(alphabet.len())]);
            }
        }
        let entities = run(&text);
        for e in &entities {
            for m in &e.mentions {
                assert_eq!(m.span.slice(&text), &*m.text);
            }
        }
    }
}

#[test]
fn title_complements_and_variant_surnames() {
    let text = "ونقلت الوكالة عن الأمين العام للأمم المتحدة أنطونيو غوتيريش قوله إن الأزمة تتفاقم، \
                وأضاف غوتيرش أن التمويل عاجل.";
    let e = run(text);
    let (p, _) = find(&e, "أنطونيو غوتيريش").expect("name after a title with a ل complement");
    assert_eq!(p.roles, vec!["الأمين العام للأمم المتحدة".to_string()]);
    let (v, span) = find(&e, "غوتيرش").expect("variant spelling of the surname");
    assert_eq!(v.id, p.id);
    assert_eq!(span, span_of(text, "غوتيرش", 0));
}

#[test]
fn a_surname_with_the_article_ends_the_name() {
    let text = "وسجل اللاعب سالم الدوسري هدفين في المباراة.";
    let e = run(text);
    let (p, _) = find(&e, "سالم الدوسري").expect("player");
    assert_eq!(p.roles, vec!["اللاعب".to_string()]);
}

#[test]
fn a_trigger_decides_the_kind_over_the_gazetteer() {
    // الشرق الأوسط is a region in the gazetteer, a newspaper after صحيفة.
    let text = "ذكرت صحيفة \"الشرق الأوسط\" أن المفاوضات توقفت.";
    let e = run(text);
    let (paper, _) = find(&e, "الشرق الأوسط").expect("newspaper");
    assert_eq!(paper.kind, EntityKind::Organization);
}

#[test]
fn a_known_name_is_not_split_into_clitic_and_name() {
    // كريم is not ك + ريم, بسام not ب + سام: the surface form wins when it is a known name.
    let text = "وقال كريم عبد الله إن الوضع صعب، ثم رحب بسام الخطيب بالقرار.";
    let model = FakeModel(vec![
        ("ريم عبد الله", 0, EntityKind::Person),
        ("سام الخطيب", 0, EntityKind::Person),
    ]);
    for e in [run(text), run_with(text, &[&model])] {
        assert!(find(&e, "ريم عبد الله").is_none(), "{e:?}");
        assert!(find(&e, "سام الخطيب").is_none(), "{e:?}");
        let (bassam, span) = find(&e, "بسام الخطيب").expect("بسام الخطيب");
        assert_eq!(span, span_of(text, "بسام الخطيب", 0));
        assert_eq!(bassam.kind, EntityKind::Person);
    }
    // The tagger's own split is undone too.
    let e = run_with(text, &[&model]);
    let (karim, span) = find(&e, "كريم عبد الله").expect("كريم عبد الله");
    assert_eq!(span, span_of(text, "كريم عبد الله", 0));
    assert_eq!(karim.kind, EntityKind::Person);
}

#[test]
fn a_given_name_after_a_reporting_verb_is_a_speaker() {
    let text = "قال علي: «نعم». وأضاف كريم إن الأمر انتهى.";
    let e = run(text);
    let (ali, span) = find(&e, "علي").expect("علي");
    assert_eq!(ali.kind, EntityKind::Person);
    assert_eq!(span, span_of(text, "علي", 0));
    let (karim, _) = find(&e, "كريم").expect("كريم");
    assert_eq!(karim.kind, EntityKind::Person);
    // Not after a verb: the common word stays a word.
    assert!(find(&run("هذا رجل كريم جدا."), "كريم").is_none());
}

#[test]
fn a_learned_surname_behind_a_proclitic_joins_its_person() {
    let text = "وقال المتحدث دميتري بيسكوف إن الأمر صعب. وقال مصدر مقرب لبيسكوف إن الأمر انتهى.";
    // The tagger keeps the ل in its second mention.
    let model = FakeModel(vec![
        ("دميتري بيسكوف", 0, EntityKind::Person),
        ("لبيسكوف", 0, EntityKind::Person),
    ]);
    let e = run_with(text, &[&model]);
    let (p, _) = find(&e, "دميتري بيسكوف").expect("full name");
    let spans: Vec<Span> = p.mentions.iter().map(|m| m.span).collect();
    let second = span_of(text, "لبيسكوف", 0);
    assert_eq!(
        spans,
        vec![
            span_of(text, "دميتري بيسكوف", 0),
            Span::new(second.start + 'ل'.len_utf8(), second.end)
        ]
    );
    assert!(find(&e, "لبيسكوف").is_none());
}

#[test]
fn an_elided_article_form_is_not_an_alias() {
    let text = "وجهت الحكومة رسالة للأمم المتحدة، وردت الأمم المتحدة بعد يومين.";
    let e = run(text);
    let (un, _) = find(&e, "الأمم المتحدة").expect("UN");
    assert!(un.aliases.is_empty(), "{:?}", un.aliases);
}

#[test]
fn resolution_keeps_the_best_non_overlapping_mentions() {
    use resolve::{Candidate, resolve};
    let m = |s: usize, e: usize, kind, origin| Mention {
        span: Span::new(s, e),
        kind,
        origin,
    };
    let (p, o) = (EntityKind::Person, EntityKind::Organization);
    let (lex, model) = (MentionOrigin::Lexicon, MentionOrigin::Model);
    let cands = vec![
        Candidate {
            mention: m(0, 10, p, model),
            tier: resolve::MODEL,
        },
        Candidate {
            mention: m(4, 10, p, lex),
            tier: resolve::STRONG,
        },
        Candidate {
            mention: m(8, 20, o, lex),
            tier: resolve::STRONG,
        },
        Candidate {
            mention: m(12, 14, o, model),
            tier: resolve::MODEL,
        },
        Candidate {
            mention: m(20, 30, p, model),
            tier: resolve::MODEL,
        },
        Candidate {
            mention: m(22, 26, p, lex),
            tier: resolve::STRONG,
        },
    ];
    let spans: Vec<(usize, usize)> = resolve(cands)
        .iter()
        .map(|m| (m.span.start, m.span.end))
        .collect();
    // (0,10) contradicts (8,20) and stays a tagger mention: (4,10) then (8,20) conflict, the
    // longer (8,20) wins; (20,30) extends (22,26) of its kind and is promoted.
    assert_eq!(spans, vec![(8, 20), (20, 30)]);
}

#[test]
fn head_nouns_name_organizations_made_of_common_words() {
    let text = "وقال صندوق النقد الدولي إن الجيش اللبناني انسحب. وأكدت قوات الدعم السريع أن حلف الناتو تحرك.";
    let e = run(text);
    for name in [
        "صندوق النقد الدولي",
        "الجيش اللبناني",
        "قوات الدعم السريع",
        "حلف الناتو",
    ] {
        let (org, span) = find(&e, name).unwrap_or_else(|| panic!("{name}: {e:?}"));
        assert_eq!(org.kind, EntityKind::Organization, "{name}");
        assert_eq!(span, span_of(text, name, 0), "{name}");
    }
    // A head noun with a bare nisba but no article is not a name.
    assert!(run("زار جيش لبناني المكان.").is_empty());
}

#[test]
fn event_and_prize_heads_give_misc_mentions() {
    let text = "زار الوفد معرض القاهرة الدولي للكتاب، ونال الكاتب جائزة نوبل، والبيت معرض للخطر.";
    let e = run(text);
    for name in ["معرض القاهرة الدولي", "جائزة نوبل"] {
        let (m, span) = find(&e, name).unwrap_or_else(|| panic!("{name}: {e:?}"));
        assert_eq!(m.kind, EntityKind::Misc, "{name}");
        assert_eq!(span, span_of(text, name, 0), "{name}");
    }
    assert!(find(&e, "معرض للخطر").is_none());
    assert!(find(&e, "البيت").is_none());
}

#[test]
fn names_stop_before_the_rest_of_the_sentence_and_nisbas_belong_to_roles() {
    let text = "وقال الرئيس التركي رجب طيب أردوغان إن بلاده مستعدة. ووصف رئيس الوزراء البريطاني كير ستارمر الاتفاق بأنه جيد. وقال حسن عبد الله إن السوق هادئة.";
    // A tagger that reads the nisba into the name.
    let model = FakeModel(vec![("التركي رجب طيب أردوغان", 0, EntityKind::Person)]);
    let e = run_with(text, &[&model]);
    let (p, span) = find(&e, "رجب طيب أردوغان").expect("name without the nisba");
    assert_eq!(span, span_of(text, "رجب طيب أردوغان", 0));
    assert_eq!(p.roles, vec!["الرئيس التركي".to_string()]);
    assert!(find(&e, "التركي رجب طيب أردوغان").is_none());
    let (_, span) = find(&e, "كير ستارمر").expect("name without the object");
    assert_eq!(span, span_of(text, "كير ستارمر", 0));
    // الله ends a compound name, it is not a common noun after it.
    assert!(find(&e, "عبد الله").is_some(), "{e:?}");
}

fn roles_of(text: &str, name: &str) -> Vec<String> {
    let e = run(text);
    let (p, _) = find(&e, name).expect("person found");
    assert_eq!(p.kind, EntityKind::Person, "{name} is a person");
    p.roles.clone()
}

#[test]
fn role_keeps_a_conjoined_complement() {
    let text = "وقال وزير المياه والري خالد العمري: «سنبني سدا جديدا».";
    assert_eq!(
        roles_of(text, "خالد العمري"),
        vec!["وزير المياه والري".to_string()]
    );
}

#[test]
fn role_keeps_a_construct_chain_through_an_organization() {
    let text = "وقال رئيس مجلس إدارة الشركة سامي نصر إن الأرباح زادت.";
    assert_eq!(
        roles_of(text, "سامي نصر"),
        vec!["رئيس مجلس إدارة الشركة".to_string()]
    );
}

#[test]
fn businessman_is_a_two_word_title() {
    let text = "وحضر رجل الأعمال نجيب ساويرس الافتتاح.";
    assert_eq!(
        roles_of(text, "نجيب ساويرس"),
        vec!["رجل الأعمال".to_string()]
    );
}

#[test]
fn role_keeps_a_fi_complement_before_a_name() {
    let text = "وقالت مديرة برنامج المياه في المنظمة ليلى حداد إن الوضع صعب.";
    assert_eq!(
        roles_of(text, "ليلى حداد"),
        vec!["مديرة برنامج المياه في المنظمة".to_string()]
    );
    // Without a name after it, في does not extend a role (the phrase stays "وزير المياه").
    let text = "أكد وزير المياه في المؤتمر أن السد جاهز، وقال سامي نصر إنه سعيد.";
    let e = run(text);
    assert!(
        e.iter()
            .all(|x| x.roles.iter().all(|r| !r.contains("المؤتمر")))
    );
}

#[test]
fn a_name_after_lam_and_an_organization_trigger_is_not_a_person() {
    for (text, org) in [
        ("وقال المتحدث لوكالة سانا إن الهجوم فشل.", "وكالة سانا"),
        ("وصرح مسؤول لصحيفة الأهرام بأن الهجوم فشل.", "صحيفة الأهرام"),
    ] {
        let e = run(text);
        assert!(
            e.iter().all(|x| x.kind != EntityKind::Person),
            "no person in {text}: {e:?}"
        );
        let (o, _) = find(&e, org).expect("organization found");
        assert_eq!(o.kind, EntityKind::Organization);
        assert!(o.roles.is_empty());
    }
}

#[test]
fn latin_transliteration_in_parentheses_is_an_alias() {
    let text = "وقال تيم كوك (Tim Cook) إن الشركة تنمو.";
    let e = run(text);
    assert_eq!(e.len(), 1, "one entity: {e:?}");
    let (p, _) = find(&e, "تيم كوك").expect("person found");
    assert_eq!(p.kind, EntityKind::Person);
    assert_eq!(p.aliases, vec!["Tim Cook".to_string()]);
    assert_eq!(p.mentions[1].span, span_of(text, "Tim Cook", 0));
}

struct LatinOrg;

impl MentionSource for LatinOrg {
    fn mentions(&self, text: &str, _tokens: &[Token]) -> Vec<Mention> {
        let start = text.find("Tim").expect("Tim present");
        vec![Mention {
            span: Span::new(start, start + "Tim Cook".len()),
            kind: EntityKind::Organization,
            origin: MentionOrigin::Model,
        }]
    }
}

#[test]
fn a_tagger_organization_in_parentheses_after_a_name_joins_the_name() {
    let text = "وقال الرئيس التنفيذي تيم كوك (Tim Cook) إن الشركة تنمو.";
    let e = run_with(text, &[&LatinOrg]);
    assert!(
        e.iter().all(|x| x.kind != EntityKind::Organization),
        "{e:?}"
    );
    let (p, _) = find(&e, "Tim Cook").expect("alias mention kept");
    assert_eq!(p.name, "تيم كوك");
    assert_eq!(p.kind, EntityKind::Person);
}

/// The mentions of `entities` as (text, kind, span), in document order.
fn mention_list(entities: &[Entity]) -> Vec<(String, EntityKind, Span)> {
    let mut out: Vec<(String, EntityKind, Span)> = entities
        .iter()
        .flat_map(|e| {
            e.mentions
                .iter()
                .map(|m| (m.text.to_string(), e.kind, m.span))
        })
        .collect();
    out.sort_by_key(|(_, _, s)| s.start);
    out
}

#[test]
fn a_gazetteer_name_starting_with_a_proclitic_letter_is_not_split_by_the_tagger() {
    let text = "زار الوزير بكين أمس، ثم عاد لبكين بعد أسبوع.";
    // The tagger reads ب + كين and لب + كين (كين is a place too); the whole name wins.
    let model = FakeModel(vec![
        ("كين", 0, EntityKind::Location),
        ("كين", 1, EntityKind::Location),
    ]);
    let beijing = |nth| span_of(text, "بكين", nth);
    let expected = vec![
        ("بكين".to_string(), EntityKind::Location, beijing(0)),
        ("بكين".to_string(), EntityKind::Location, beijing(1)),
    ];
    assert_eq!(mention_list(&run_with(text, &[&model])), expected);
    assert_eq!(mention_list(&run(text)), expected);
    // After a proclitic, a stem with the article stays the name (ANERcorp lists والدنمارك
    // whole, but و + الدنمارك is the reading).
    let text = "وصل الوفد إلى السويد والدنمارك أمس.";
    let model = FakeModel(vec![
        ("السويد", 0, EntityKind::Location),
        ("الدنمارك", 0, EntityKind::Location),
    ]);
    assert_eq!(
        mention_list(&run_with(text, &[&model])),
        vec![
            (
                "السويد".to_string(),
                EntityKind::Location,
                span_of(text, "السويد", 0)
            ),
            (
                "الدنمارك".to_string(),
                EntityKind::Location,
                span_of(text, "الدنمارك", 0)
            ),
        ]
    );
}

#[test]
fn capitals_starting_with_proclitic_letters_keep_their_first_letter() {
    let tagger = crate::ner::shipped().expect("the tagger ships with qalam");
    for name in [
        "بكين",
        "بغداد",
        "بيروت",
        "برلين",
        "لندن",
        "كابول",
        "فرنسا",
        "وارسو",
        "باريس",
    ] {
        for (template, nth) in [
            ("زار الوزير {} أمس.", 0),
            ("وصل الرئيس إلى {} صباح اليوم.", 0),
            ("عقد الاجتماع في {} وغادر الوفد {} مساء.", 1),
        ] {
            let text = template.replace("{}", name);
            let plain = mention_list(&run(&text));
            let tagged = mention_list(&run_with(&text, &[tagger]));
            let want = (
                name.to_string(),
                EntityKind::Location,
                span_of(&text, name, nth),
            );
            assert!(plain.contains(&want), "{text}: {plain:?}");
            assert!(tagged.contains(&want), "{text} (tagger): {tagged:?}");
            for list in [&plain, &tagged] {
                assert!(
                    list.iter().all(|(t, _, _)| t == name),
                    "{text}: only {name} is named: {list:?}"
                );
            }
        }
    }
    // Behind a real proclitic the name is still cut out of the word.
    let text = "توجه الوفد لبكين ثم وبرلين وفي باريس وببغداد.";
    let tagged = mention_list(&run_with(text, &[tagger]));
    for name in ["بكين", "برلين", "باريس", "بغداد"] {
        let want = (
            name.to_string(),
            EntityKind::Location,
            span_of(text, name, 0),
        );
        assert!(tagged.contains(&want), "{name}: {tagged:?}");
    }
}

#[test]
fn a_place_after_a_title_is_not_a_person() {
    for name in ["بغداد", "باريس", "بيروت", "لندن"] {
        let text = format!("زار الوزير {name} أمس.");
        let want = vec![(
            name.to_string(),
            EntityKind::Location,
            span_of(&text, name, 0),
        )];
        assert_eq!(mention_list(&run(&text)), want, "{text}");
        let tagger = crate::ner::shipped().expect("the tagger ships with qalam");
        assert_eq!(mention_list(&run_with(&text, &[tagger])), want, "{text}");
    }
    // Known person names alone after a title stay people.
    let text = "وقال الرئيس عباس إن القرار نهائي.";
    let e = run(text);
    let (abbas, span) = find(&e, "عباس").expect("عباس");
    assert_eq!(abbas.kind, EntityKind::Person);
    assert_eq!(span, span_of(text, "عباس", 0));
    assert_eq!(abbas.roles, vec!["الرئيس".to_string()]);
}
