//! Entities of the seed article (../shared/seed/000_52c75b453decbfc7.txt, read in place).
//!
//! The names asserted here come from general lexicons and context rules (see data/README.md),
//! never from a list of the seed's names. Ranges are byte ranges computed by locating each
//! expected string in the text.

use qalam::entities::{Entity, EntityKind, recognize};
use qalam::text::Span;
use qalam::text::token::tokenize;

fn seed() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seed/000_52c75b453decbfc7.txt"
    );
    std::fs::read_to_string(path).expect("seed article readable")
}

/// Byte spans of every occurrence of `needle` in `text`.
fn occurrences(text: &str, needle: &str) -> Vec<Span> {
    text.match_indices(needle)
        .map(|(i, s)| Span::new(i, i + s.len()))
        .collect()
}

/// The entity of `kind` that has a mention exactly at an occurrence of `name` (panics otherwise).
fn entity<'a>(entities: &'a [Entity], text: &str, kind: EntityKind, name: &str) -> &'a Entity {
    let spans = occurrences(text, name);
    assert!(!spans.is_empty(), "{name} does not occur in the seed");
    entities
        .iter()
        .find(|e| {
            e.kind == kind
                && e.mentions
                    .iter()
                    .any(|m| spans.contains(&m.span) && &*m.text == name)
        })
        .unwrap_or_else(|| {
            panic!(
                "no {kind:?} entity with a mention {name:?} at one of {spans:?}; entities: {:#?}",
                entities
                    .iter()
                    .map(|e| (
                        &e.name,
                        e.kind,
                        e.mentions
                            .iter()
                            .map(|m| (&m.text, m.span.start))
                            .collect::<Vec<_>>()
                    ))
                    .collect::<Vec<_>>()
            )
        })
}

fn analyse() -> (String, Vec<Entity>) {
    let text = seed();
    let tokens = tokenize(&text);
    let entities = recognize(&text, &tokens, &[]);
    (text, entities)
}

#[test]
fn people_organizations_and_places_are_found() {
    let (text, entities) = analyse();
    let people = [
        "فلاديمير بوتين",
        "دميترى بيسكوف",
        "أحمد مسعود",
        "أحمد شاه مسعود",
        "أشرف غني",
        "أمر الله صالح",
        "إمام علي رحمون",
    ];
    let organizations = [
        "الكرملين",
        "منظمة معاهدة الأمن الجماعي",
        "طالبان",
        "الأمم المتحدة",
        "مجلس الأمن",
        "مجموعة العشرين",
        "تاس",
        "داعش",
    ];
    let places = ["أفغانستان", "روسيا", "بانجشير", "موسكو", "كابول"];
    for name in people {
        entity(&entities, &text, EntityKind::Person, name);
    }
    for name in organizations {
        entity(&entities, &text, EntityKind::Organization, name);
    }
    for name in places {
        entity(&entities, &text, EntityKind::Location, name);
    }
}

#[test]
fn peskov_is_one_person_across_spellings_and_clitics() {
    let (text, entities) = analyse();
    let peskov = entity(&entities, &text, EntityKind::Person, "دميترى بيسكوف");
    let same = entity(&entities, &text, EntityKind::Person, "ديمترى بيسكوف");
    assert_eq!(peskov.id, same.id);
    assert_eq!(
        peskov.name, "دميترى بيسكوف",
        "first written of the two full forms"
    );
    assert!(peskov.aliases.contains(&"ديمترى بيسكوف".to_string()));
    // Every occurrence of the surname is inside one of his mentions.
    for occ in occurrences(&text, "بيسكوف") {
        assert!(
            peskov.mentions.iter().any(|m| m.span.contains(occ)),
            "بيسكوف at {occ:?} not a mention of {}",
            peskov.name
        );
    }
    let bare = peskov
        .mentions
        .iter()
        .filter(|m| &*m.text == "بيسكوف")
        .count();
    assert_eq!(bare, 3, "three bare surname mentions");
    // The shorter title phrase of his second mention is folded into the longer one.
    assert_eq!(
        peskov.roles,
        vec!["المتحدث الصحفي باسم الرئاسة الروسية".to_string()]
    );
}

#[test]
fn putin_full_and_short_forms_merge() {
    let (text, entities) = analyse();
    let putin = entity(&entities, &text, EntityKind::Person, "فلاديمير بوتين");
    assert_eq!(putin.name, "فلاديمير بوتين");
    for occ in occurrences(&text, "بوتين") {
        assert!(putin.mentions.iter().any(|m| m.span.contains(occ)));
    }
    assert!(putin.roles.iter().any(|r| r == "الرئيس"));
}

#[test]
fn the_two_massouds_are_two_people() {
    let (text, entities) = analyse();
    let son = entity(&entities, &text, EntityKind::Person, "أحمد مسعود");
    let father = entity(&entities, &text, EntityKind::Person, "أحمد شاه مسعود");
    assert_ne!(son.id, father.id);
    // The bare surname joins one of them (the nearest earlier compatible mention).
    let bare: Vec<Span> = occurrences(&text, "مسعود")
        .into_iter()
        .filter(|s| {
            !son.mentions
                .iter()
                .any(|m| m.span.contains(*s) && &*m.text != "مسعود")
                && !father
                    .mentions
                    .iter()
                    .any(|m| m.span.contains(*s) && &*m.text != "مسعود")
        })
        .collect();
    assert_eq!(bare.len(), 1);
    assert!(
        son.mentions
            .iter()
            .chain(&father.mentions)
            .any(|m| m.span == bare[0]),
        "bare مسعود is merged"
    );
    assert!(father.roles.iter().any(|r| r.starts_with("الزعيم")));
}

#[test]
fn short_and_long_organization_forms_merge() {
    let (text, entities) = analyse();
    let taliban = entity(&entities, &text, EntityKind::Organization, "طالبان");
    let long = entity(&entities, &text, EntityKind::Organization, "حركة طالبان");
    assert_eq!(taliban.id, long.id);
    let csto = entity(
        &entities,
        &text,
        EntityKind::Organization,
        "منظمة معاهدة الأمن الجماعي",
    );
    assert!(csto.mentions.len() >= 6, "{:?}", csto.mentions);
    let council = entity(&entities, &text, EntityKind::Organization, "مجلس الأمن");
    let council_long = entity(
        &entities,
        &text,
        EntityKind::Organization,
        "مجلس الأمن الدولي",
    );
    assert_eq!(council.id, council_long.id);
    // The quoted name after a trigger is the name, without its quotation marks.
    let tass = entity(&entities, &text, EntityKind::Organization, "تاس");
    assert!(tass.mentions.iter().all(|m| !m.text.contains('"')));
    let isis = entity(&entities, &text, EntityKind::Organization, "داعش");
    assert_eq!(isis.mentions.len(), 1);
}

#[test]
fn places_cover_every_occurrence() {
    let (text, entities) = analyse();
    let afghanistan = entity(&entities, &text, EntityKind::Location, "أفغانستان");
    let occ = occurrences(&text, "أفغانستان");
    assert_eq!(afghanistan.mentions.len(), occ.len());
    for s in occ {
        assert!(afghanistan.mentions.iter().any(|m| m.span == s));
    }
    let panjshir = entity(&entities, &text, EntityKind::Location, "بانجشير");
    assert_eq!(panjshir.mentions.len(), occurrences(&text, "بانجشير").len());
}

#[test]
fn roles_from_titles() {
    let (text, entities) = analyse();
    let ghani = entity(&entities, &text, EntityKind::Person, "أشرف غني");
    assert_eq!(ghani.roles, vec!["الرئيس الأفغاني".to_string()]);
    let saleh = entity(&entities, &text, EntityKind::Person, "أمر الله صالح");
    assert_eq!(saleh.roles, vec!["نائب الرئيس".to_string()]);
}

#[test]
fn no_false_positives() {
    let (_text, entities) = analyse();
    let forbidden = [
        "أمر",
        "صالح",
        "الاثنين",
        "الروسية",
        "الأفغاني",
        "الأفغانى",
        "الرئيس",
        "المدينة",
    ];
    for e in &entities {
        for m in &e.mentions {
            assert!(
                !forbidden.contains(&&*m.text),
                "false positive {:?} in {}",
                m.text,
                e.name
            );
        }
    }
    // Every entity found is one of the expected ones (under its canonical name).
    let expected = [
        "فلاديمير بوتين",
        "دميترى بيسكوف",
        "أحمد مسعود",
        "أحمد شاه مسعود",
        "أشرف غني",
        "أمر الله صالح",
        "إمام علي رحمون",
        "الكرملين",
        // Written once with final ى and five times with ي: the majority spelling is canonical.
        "منظمة معاهدة الأمن الجماعي",
        "حركة طالبان",
        "الأمم المتحدة",
        "مجلس الأمن الدولي",
        "مجموعة العشرين",
        "وكالة تاس",
        "داعش",
        "أفغانستان",
        "روسيا",
        "بانجشير",
        "موسكو",
        "كابول",
    ];
    let unexpected: Vec<&str> = entities
        .iter()
        .map(|e| e.name.as_str())
        .filter(|n| !expected.contains(n))
        .collect();
    assert!(unexpected.is_empty(), "unexpected entities: {unexpected:?}");
    let ids: Vec<String> = (1..=entities.len()).map(|i| format!("e{i}")).collect();
    assert_eq!(
        entities.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        ids
    );
}
