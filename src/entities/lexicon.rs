//! The shipped lexicons (gazetteers and word lists of `data/lexicon/`), embedded with
//! `include_str!` and parsed once on first use ([`Lexicon::get`]).
//!
//! Sources and licences: see `data/README.md` and `data/NOTICE`. Derived lists are built by
//! `scripts/build_lexicons.py` (GeoNames via Debian `libgeonames-common`, Unicode CLDR,
//! `arabic-name-romanizer`, `arabnamer`, ANERcorp train); word lists (titles, triggers, function
//! words, the stop list) are hand-written.
//!
//! Keys are stored folded ([`fold_str`]), multi-word names with single spaces between the folded
//! tokens, so a lookup is a hash probe on the concatenation of token folds. Function words, common
//! words and the stop list use a *light* folding ([`light_fold`]) that keeps hamza forms and ى, so
//! that على (a preposition) and علي (a name), أمام and إمام stay apart.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

use super::{EntityKind, Mention, MentionOrigin, MentionSource};
use crate::text::normalize::{fold_into, fold_str, is_ignorable};
use crate::text::token::Token;

/// Where a gazetteer entry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntrySource {
    /// General sources (GeoNames, CLDR).
    General,
    /// Entity strings of ANERcorp train.tsv (CC BY-SA 4.0). A tagger trained on ANERcorp should
    /// not use these as features.
    AnerCorp,
}

/// A gazetteer entry: the kind a name has in each source that lists it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GazetteerEntry {
    /// Kind according to the general sources (GeoNames, CLDR), if listed there.
    pub general: Option<EntityKind>,
    /// Kind according to ANERcorp train (majority tag), if listed there.
    pub anercorp: Option<EntityKind>,
}

impl GazetteerEntry {
    /// The kind to use: ANERcorp's (news usage: الكرملين is an organization) else the general one.
    pub fn kind(&self) -> Option<EntityKind> {
        self.anercorp.or(self.general)
    }

    /// The kind from the given sources only.
    pub fn kind_from(&self, source: EntrySource) -> Option<EntityKind> {
        match source {
            EntrySource::General => self.general,
            EntrySource::AnerCorp => self.anercorp,
        }
    }
}

/// All shipped word lists, parsed.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Names (folded, space-joined tokens) → entry.
    pub names: HashMap<String, GazetteerEntry>,
    /// The longest name, in tokens.
    pub max_name_tokens: usize,
    /// Every proper word prefix of a multi-word name (folded, space-joined: الامم for الامم
    /// المتحده), so a longest-match walk stops as soon as no longer name can follow
    /// ([`super::words::Doc::longest_gazetteer_name`]).
    pub name_prefixes: HashSet<String>,
    /// Given names (folded).
    pub given: HashSet<String>,
    /// Surnames (folded).
    pub surnames: HashSet<String>,
    /// Other personal-name spellings, mostly foreign (folded).
    pub foreign: HashSet<String>,
    /// Titles (folded, space-joined) → number of tokens.
    pub titles: HashMap<String, usize>,
    /// The first words of the two-word titles (folded), so that a two-word key is built only
    /// after one of them ([`super::rules::title_at`]).
    pub title_first_words: HashSet<String>,
    /// Words continuing a title phrase (folded).
    pub title_modifiers: HashSet<String>,
    /// Organization trigger nouns (folded).
    pub org_triggers: HashSet<String>,
    /// Words allowed between an organization trigger and its name (أنباء).
    pub org_trigger_continuations: HashSet<String>,
    /// Organization triggers that are also everyday nouns (folded): تنظيم، حركة، مجموعة…
    pub weak_triggers: HashSet<String>,
    /// Definite numbers naming groups after a weak trigger (folded): السبع، العشرين…
    pub group_numbers: HashSet<String>,
    /// Location trigger nouns (folded).
    pub loc_triggers: HashSet<String>,
    /// Audience and recipient nouns that never continue an organization name after ل
    /// (الصحفيين، وسائل…), folded.
    pub not_org_complements: HashSet<String>,
    /// Common nouns that are never names on their own: currencies, units, loanwords
    /// (دينار، كيلومتر، كونفرانس), folded, with and without the article.
    pub common_nouns: HashSet<String>,
    /// Head nouns of events, competitions and prizes (folded; `misc_triggers.txt`).
    pub misc_triggers: HashSet<String>,
    /// Head nouns of organization names made of common words (folded;
    /// `compound_org_triggers.txt`: صندوق، قوات، جيش…).
    pub compound_org_triggers: HashSet<String>,
    /// Reporting verbs that may stand before a speaker's name (folded; `reporting_verbs.txt`).
    pub reporting_verbs: HashSet<String>,
    /// Function words, time words, reporting verbs ([`light_fold`]).
    pub function_words: HashSet<String>,
    /// Frequent non-entity words of ANERcorp train ([`light_fold`], clitics attached).
    pub common: HashSet<String>,
    /// Stop list of common words that are also names ([`light_fold`] and [`fold_str`] forms).
    pub ambiguous: HashSet<String>,
    /// Nisba forms (folded: روسي، الروسيه، روسيون…) → place name as written in the table.
    pub nisba: HashMap<String, String>,
}

macro_rules! data {
    ($name:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/lexicon/", $name))
    };
}

/// The embedded files, by name (for [`sizes`]).
const FILES: &[(&str, &str)] = &[
    ("locations.txt", data!("locations.txt")),
    ("organizations.txt", data!("organizations.txt")),
    ("organizations_extra.txt", data!("organizations_extra.txt")),
    ("anercorp_loc.txt", data!("anercorp_loc.txt")),
    ("anercorp_misc.txt", data!("anercorp_misc.txt")),
    ("anercorp_per.txt", data!("anercorp_per.txt")),
    ("anercorp_org.txt", data!("anercorp_org.txt")),
    ("anercorp_common.txt", data!("anercorp_common.txt")),
    ("given_names.txt", data!("given_names.txt")),
    ("surnames.txt", data!("surnames.txt")),
    ("foreign_names.txt", data!("foreign_names.txt")),
    ("titles.txt", data!("titles.txt")),
    ("title_modifiers.txt", data!("title_modifiers.txt")),
    ("org_triggers.txt", data!("org_triggers.txt")),
    ("weak_triggers.txt", data!("weak_triggers.txt")),
    ("group_numbers.txt", data!("group_numbers.txt")),
    ("loc_triggers.txt", data!("loc_triggers.txt")),
    ("not_org_complements.txt", data!("not_org_complements.txt")),
    ("common_nouns.txt", data!("common_nouns.txt")),
    ("function_words.txt", data!("function_words.txt")),
    ("reporting_verbs.txt", data!("reporting_verbs.txt")),
    (
        "compound_org_triggers.txt",
        data!("compound_org_triggers.txt"),
    ),
    ("misc_triggers.txt", data!("misc_triggers.txt")),
    ("ambiguous_names.txt", data!("ambiguous_names.txt")),
    ("nisba.txt", data!("nisba.txt")),
    ("nisba_extra.txt", data!("nisba_extra.txt")),
];

fn file(name: &str) -> &'static str {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or("")
}

/// Lines of an embedded list: trimmed, without blanks and `#` comments. Each line read is a
/// [`crate::background::tick`] (the server loads the lexicons in the background).
fn entries(name: &str) -> impl Iterator<Item = &'static str> {
    file(name)
        .lines()
        .inspect(|_| crate::background::tick())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Light folding: removes what [`is_ignorable`] removes (diacritics, tatweel, bidi marks, ZWJ/
/// ZWNJ), maps Persian ک/ی/ۀ to ك/ي/ه, keeps hamza forms, ى and ة. For function-word and
/// common-word lookups, where full folding merges different words (على/علي, أمام/إمام).
pub fn light_fold(s: &str) -> String {
    s.chars()
        .filter(|c| !is_ignorable(*c))
        .map(|c| match c {
            'ک' => 'ك',
            'ی' => 'ي',
            'ۀ' => 'ه',
            c => c,
        })
        .collect()
}

/// Folds a multi-word entry: each word folded, joined by one space (words that fold to nothing
/// are left out). Built in one buffer: the lexicons fold about 40,000 entries when they load.
pub fn fold_phrase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        let before = out.len();
        if before > 0 {
            out.push(' ');
        }
        let start = out.len();
        fold_into(word, &mut out);
        if out.len() == start {
            out.truncate(before);
        }
    }
    out
}

/// The feminine, plural and definite forms of a masculine nisba (روسي → روسيه، الروسي، روسيون…),
/// folded.
fn nisba_forms(base: &str) -> Vec<String> {
    let b = fold_str(base);
    let mut out = Vec::with_capacity(10);
    for stem in [
        b.clone(),
        format!("{b}ه"),
        format!("{b}ون"),
        format!("{b}ين"),
    ] {
        out.push(format!("ال{stem}"));
        out.push(stem);
    }
    out
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::load);

impl Lexicon {
    /// The shipped lexicon, parsed on first use.
    pub fn get() -> &'static Lexicon {
        &LEXICON
    }

    /// Parses the embedded files.
    fn load() -> Lexicon {
        let mut lx = Lexicon::default();
        let put = |lx: &mut Lexicon, name: &str, kind: EntityKind, src: EntrySource| {
            for e in entries(name) {
                let key = fold_phrase(e);
                if key.is_empty() {
                    continue;
                }
                lx.max_name_tokens = lx.max_name_tokens.max(key.split(' ').count());
                for (at, _) in key.match_indices(' ') {
                    if !lx.name_prefixes.contains(&key[..at]) {
                        lx.name_prefixes.insert(key[..at].to_string());
                    }
                }
                let entry = lx.names.entry(key).or_default();
                match src {
                    EntrySource::General => entry.general = Some(kind),
                    EntrySource::AnerCorp => entry.anercorp = Some(kind),
                }
            }
        };
        // Later files override earlier ones within a source (organizations over places).
        put(
            &mut lx,
            "locations.txt",
            EntityKind::Location,
            EntrySource::General,
        );
        for file in ["organizations.txt", "organizations_extra.txt"] {
            put(
                &mut lx,
                file,
                EntityKind::Organization,
                EntrySource::General,
            );
        }
        put(
            &mut lx,
            "anercorp_loc.txt",
            EntityKind::Location,
            EntrySource::AnerCorp,
        );
        put(
            &mut lx,
            "anercorp_misc.txt",
            EntityKind::Misc,
            EntrySource::AnerCorp,
        );
        put(
            &mut lx,
            "anercorp_per.txt",
            EntityKind::Person,
            EntrySource::AnerCorp,
        );
        put(
            &mut lx,
            "anercorp_org.txt",
            EntityKind::Organization,
            EntrySource::AnerCorp,
        );

        // Sized before filling (growing by rehashing costs more): at most one entry per line.
        let folded_set = |name: &str, fold: fn(&str) -> String| -> HashSet<String> {
            let lines = file(name).bytes().filter(|&b| b == b'\n').count() + 1;
            let mut set = HashSet::with_capacity_and_hasher(lines, Default::default());
            set.extend(entries(name).map(fold));
            set
        };
        let set = |name: &str| folded_set(name, fold_phrase);
        let light_set = |name: &str| folded_set(name, light_fold);
        lx.given = set("given_names.txt");
        lx.surnames = set("surnames.txt");
        lx.foreign = set("foreign_names.txt");
        lx.reporting_verbs = set("reporting_verbs.txt");
        lx.compound_org_triggers = set("compound_org_triggers.txt");
        lx.misc_triggers = set("misc_triggers.txt");
        lx.titles = entries("titles.txt")
            .map(|t| {
                let f = fold_phrase(t);
                let n = f.split(' ').count();
                (f, n)
            })
            .collect();
        lx.title_first_words = lx
            .titles
            .iter()
            .filter(|&(_, &n)| n == 2)
            .filter_map(|(t, _)| t.split_once(' ').map(|(first, _)| first.to_string()))
            .collect();
        lx.title_modifiers = set("title_modifiers.txt");
        for t in entries("org_triggers.txt") {
            match t.strip_prefix('+') {
                Some(cont) => lx.org_trigger_continuations.insert(fold_str(cont)),
                None => lx.org_triggers.insert(fold_str(t)),
            };
        }
        lx.weak_triggers = set("weak_triggers.txt");
        lx.group_numbers = set("group_numbers.txt");
        lx.loc_triggers = set("loc_triggers.txt");
        lx.not_org_complements = set("not_org_complements.txt");
        for w in entries("common_nouns.txt").map(fold_str) {
            lx.common_nouns.insert(format!("ال{w}"));
            lx.common_nouns.insert(w);
        }
        lx.function_words = light_set("function_words.txt");
        lx.common = light_set("anercorp_common.txt");
        lx.ambiguous = light_set("ambiguous_names.txt");
        lx.ambiguous
            .extend(entries("ambiguous_names.txt").map(fold_str));
        for line in entries("nisba.txt").chain(entries("nisba_extra.txt")) {
            let Some((adj, place)) = line.split_once('\t') else {
                continue;
            };
            for form in nisba_forms(adj.trim()) {
                lx.nisba.insert(form, place.trim().to_string());
            }
        }
        lx
    }

    /// The gazetteer entry of a folded, space-joined phrase.
    pub fn lookup(&self, folded: &str) -> Option<&GazetteerEntry> {
        self.names.get(folded)
    }

    /// True when the folded word is a known personal-name unit (given, surname or foreign).
    pub fn is_name_unit(&self, folded: &str) -> bool {
        self.given.contains(folded)
            || self.surnames.contains(folded)
            || self.foreign.contains(folded)
    }

    /// True when the light-folded word is a function word, time word or reporting verb.
    pub fn is_function_word(&self, light: &str) -> bool {
        self.function_words.contains(light)
    }

    /// True when the light-folded word is frequent outside entities (ANERcorp) or a function word.
    pub fn is_common(&self, light: &str) -> bool {
        self.common.contains(light) || self.function_words.contains(light)
    }

    /// True when the word (light- or fully folded) is on the stop list of ambiguous names.
    pub fn is_ambiguous(&self, form: &str) -> bool {
        self.ambiguous.contains(form)
    }

    /// The place a nisba adjective refers to (folded form: الروسيه → روسيا).
    pub fn nisba_place(&self, folded: &str) -> Option<&str> {
        self.nisba.get(folded).map(String::as_str)
    }
}

/// Number of entries (non-comment lines) and bytes of each embedded lexicon file.
pub fn sizes() -> Vec<(&'static str, usize, usize)> {
    FILES
        .iter()
        .map(|(name, text)| (*name, entries(name).count(), text.len()))
        .collect()
}

/// Gazetteer matches as a [`MentionSource`]: the longest known name at each word, tried first on
/// the word as written and then on its proclitic splits (a split is used only when its stem is a
/// known name, so بغداد keeps its ب and لبيسكوف gives بيسكوف).
///
/// Person name units (given names, surnames) are not mentions on their own; they feed the rules.
/// One-word entries on the common-noun list (currencies, units: `common_nouns.txt`) are skipped.
#[derive(Clone, Copy, Debug, Default)]
pub struct LexiconSource;

impl MentionSource for LexiconSource {
    fn mentions(&self, text: &str, tokens: &[Token]) -> Vec<Mention> {
        let doc = super::words::Doc::new(text, tokens);
        lexicon_mentions(&doc).into_iter().map(|(m, _)| m).collect()
    }
}

/// Lexicon mentions with the index of their last token.
pub(crate) fn lexicon_mentions(doc: &super::words::Doc<'_>) -> Vec<(Mention, usize)> {
    let lx = Lexicon::get();
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.len() {
        let Some(found) = doc.longest_gazetteer_name(i) else {
            i += 1;
            continue;
        };
        let (span, last, kind) = found;
        // A lone word on the stop list, or a nisba adjective, is not a name.
        let single = last == i;
        let light = light_fold(span.slice(doc.text));
        if single && (lx.is_ambiguous(&light) || lx.is_function_word(&light)) {
            i += 1;
            continue;
        }
        // Currencies and units are common nouns, though ANERcorp tags some (دولار).
        if single && lx.common_nouns.contains(&fold_str(span.slice(doc.text))) {
            i += 1;
            continue;
        }
        if single && lx.nisba_place(&fold_str(span.slice(doc.text))).is_some() {
            i += 1;
            continue;
        }
        out.push((
            Mention {
                span,
                kind,
                origin: MentionOrigin::Lexicon,
            },
            last,
        ));
        i = last + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loading_pauses_for_foreground_work() {
        crate::background::assert_pauses("loading the lexicons", || {
            let lx = Lexicon::load();
            assert!(lx.names.len() > 5_000, "{}", lx.names.len());
        });
    }

    /// The one-buffer `fold_phrase` gives what folding each word and joining the non-empty
    /// ones with one space gives: runs of spaces and tabs, words that fold to nothing (a lone
    /// tatweel or diacritic), presentation forms and Latin capitals.
    #[test]
    fn fold_phrase_folds_each_word_and_joins_with_one_space() {
        let reference = |s: &str| {
            s.split_whitespace()
                .map(fold_str)
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        for s in [
            "",
            "   ",
            "الأمم  المتحدة",
            "\tمنظمة\u{0640}   الصحة العالمية ",
            "ـ الإمارات",
            "الإمارات ـ",
            "عبد ـ الله",
            "\u{064E} \u{064E}",
            "ﻻ إله",
            "New  York Times",
        ] {
            assert_eq!(fold_phrase(s), reference(s), "{s:?}");
        }
        assert_eq!(fold_phrase("عبد ـ الله"), "عبد الله");
        assert_eq!(fold_phrase(" الأمم\t المتحدة "), "الامم المتحده");
    }
}
