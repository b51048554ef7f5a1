//! Context rules: names found by the words around them.
//!
//! - **Title rule**: a title phrase (الرئيس، نائب الرئيس، المتحدث الصحفي باسم الرئاسة الروسية…,
//!   `titles.txt` + `title_modifiers.txt` + nisba adjectives) followed by a name-like run of words
//!   is a person. The run stops at punctuation, function words and verbs (`function_words.txt`),
//!   nisba adjectives, titles, definite common words, words whose proclitic split is a known
//!   word (للصحفيين، والمشاركين), and gazetteer places/organizations.
//! - **Given-name rule**: a known given name followed by further name units (or unknown words) is a
//!   person (two words at least; a lone given name is not).
//! - **Organization trigger rule**: a trigger noun (حركة، منظمة، وكالة [أنباء]…) followed by a
//!   name (an unknown word, a construct chain ending in a definite noun, or a name in quotation
//!   marks) is an organization; the mention includes the trigger except for a quoted name.
//! - **Location trigger rule**: a trigger (إقليم، مدينة، العاصمة [الأفغانية]…) followed by an
//!   unknown name is a place; the mention covers the name only.
//!
//! "Common" words are the frequent non-entity words of ANERcorp train (`anercorp_common.txt`).

use super::lexicon::Lexicon;
use super::words::Doc;
use super::{EntityKind, Mention, MentionOrigin, MentionSource};
use crate::text::Span;
use crate::text::token::Token;

/// The context rules as a [`MentionSource`].
#[derive(Clone, Copy, Debug, Default)]
pub struct RuleSource;

impl MentionSource for RuleSource {
    fn mentions(&self, text: &str, tokens: &[Token]) -> Vec<Mention> {
        let doc = Doc::new(text, tokens);
        rule_mentions(&doc)
    }
}

/// A title phrase: where it starts and ends (for the role) and where the name may begin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TitlePhrase {
    /// The role text's range (bytes): the title with its modifiers, without proclitics and
    /// without a trailing parenthesis or quoted name.
    pub role: Span,
    /// Token index where a name may start.
    pub name_start: usize,
}

/// Words joining parts of a name (بن، أبو، عبد…), folded.
const CONNECTORS: &[&str] = &["بن", "ابن", "بنت", "ابو", "ابي", "عبد", "ال", "ولد", "ام"];

fn is_connector(f: &str) -> bool {
    CONNECTORS.contains(&f)
}

fn is_definite(f: &str) -> bool {
    f.starts_with("ال") && f.chars().count() > 3
}

/// How a word behaves inside a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WordClass {
    /// Punctuation, number, function word, verb, nisba, title, clitic + known word: ends a name.
    Stop,
    /// A known personal-name unit (given, surname, foreign) or a word on the stop list.
    NameUnit,
    /// A connector (بن، أبو، عبد) or الله.
    Connector,
    /// A frequent non-entity word (may sit inside a name after a title, never ends one).
    Common,
    /// A definite common word (البلاد): ends a person name.
    DefiniteCommon,
    /// Anything else: probably a name.
    Unknown,
}

fn classify(doc: &Doc<'_>, k: usize) -> WordClass {
    let lx = Lexicon::get();
    if !doc.is_word(k) {
        return WordClass::Stop;
    }
    let f = doc.fold(k);
    let l = doc.light(k);
    if lx.is_function_word(l) || lx.nisba_place(f).is_some() || lx.titles.contains_key(f) {
        return WordClass::Stop;
    }
    if lx.org_triggers.contains(f) || lx.loc_triggers.contains(f) {
        return WordClass::Stop;
    }
    // A proclitic + an organization trigger (لوكالة، لصحيفة، لقناة) opens an organization
    // mention, never a person name.
    if doc.readings[k]
        .iter()
        .any(|r| r.prefix > 0 && lx.org_triggers.contains(&r.fold))
    {
        return WordClass::Stop;
    }
    if f == "الله" || is_connector(f) {
        return WordClass::Connector;
    }
    if lx.is_name_unit(f) || lx.is_ambiguous(l) {
        return WordClass::NameUnit;
    }
    // A proclitic + a known word (للصحفيين، والمشاركين، ودعا), a definite stem, or a
    // coordinated name (وطارق).
    let conjunction = doc.word(k).starts_with(['و', 'ف']);
    for r in doc.readings[k].iter().skip(1) {
        let coordinated = conjunction
            && r.prefix == 'و'.len_utf8()
            && (lx.given.contains(&r.fold) || lx.is_ambiguous(&r.light));
        if lx.is_common(&r.light)
            || lx.lookup(&r.fold).is_some()
            || is_definite(&r.fold)
            || coordinated
        {
            return WordClass::Stop;
        }
    }
    if let Some(e) = lx.lookup(f)
        && matches!(
            e.kind(),
            Some(EntityKind::Location | EntityKind::Organization)
        )
    {
        return WordClass::Stop;
    }
    if lx.is_common(l) {
        return if is_definite(f) {
            WordClass::DefiniteCommon
        } else {
            WordClass::Common
        };
    }
    WordClass::Unknown
}

/// A definite relational adjective (nisba shape): ال…ي or ال…ية (الدولي، الجماعي، العالمية).
fn is_relational_adjective(f: &str) -> bool {
    is_definite(f) && (f.ends_with('ي') || f.ends_with("يه"))
}

/// An indefinite accusative noun or adjective at token `k` (the object or an adverb after a
/// name): a word carrying tanwin fath (اً، ًا), or a word in ا whose stem without it is a frequent
/// non-entity word or a function word (مؤتمرا ← مؤتمر، بيانا ← بيان), or a nisba-shaped
/// adverb in يا/ئا (صحفيا، رسميا، طارئا) that is not a known name unit.
fn is_indefinite_accusative(doc: &Doc<'_>, k: usize) -> bool {
    if !doc.is_arabic(k) {
        return false;
    }
    let word = doc.word(k);
    if word.contains('\u{064B}') {
        return true;
    }
    let lx = Lexicon::get();
    let l = doc.light(k);
    let Some(stem) = l.strip_suffix('ا') else {
        return false;
    };
    if stem.chars().count() < 2 || lx.is_name_unit(doc.fold(k)) {
        return false;
    }
    lx.is_common(stem)
        || (stem.chars().count() >= 3 && (stem.ends_with('ي') || stem.ends_with('ئ')))
}

/// Present-tense verb shape (يتقمص، تتمحور): ي or ت followed by three letters or more. Only
/// used for unknown words inside a name, never for known name units (يوسف، تامر).
fn looks_like_verb(f: &str) -> bool {
    (f.starts_with('ي') || f.starts_with('ت')) && f.chars().count() >= 4
}

/// A prepositional complement of a title at token `k`: ل + a definite word or a known name
/// (للأمم المتحدة، لشؤون اللاجئين), or لدى + a known name (لدى لبنان). Returns its last token.
fn prepositional_complement(doc: &Doc<'_>, k: usize) -> Option<usize> {
    let lx = Lexicon::get();
    if !doc.is_arabic(k) {
        return None;
    }
    if doc.light(k) == "لدى" && doc.adjacent(k) && doc.is_word(k + 1) {
        return doc.longest_gazetteer_name(k + 1).map(|(_, last, _)| last);
    }
    if !doc.word(k).starts_with('ل') {
        return None;
    }
    // The lam must be the preposition: a reading with a one-letter prefix.
    let lam = 'ل'.len_utf8();
    if !doc.readings[k].iter().any(|r| r.prefix == lam) {
        return None;
    }
    if let Some((span, last, _)) = doc.longest_gazetteer_name(k)
        && span.start == doc.tokens[k].span.start + lam
    {
        return Some(last);
    }
    doc.readings[k]
        .iter()
        .any(|r| r.prefix == lam && is_definite(&r.fold) && lx.is_common(&r.light))
        .then_some(k)
}

/// A title starting at token `i` (any proclitic reading): `(prefix bytes, last token)`.
pub fn title_at(doc: &Doc<'_>, i: usize) -> Option<(usize, usize)> {
    let lx = Lexicon::get();
    if !doc.is_word(i) {
        return None;
    }
    let mut two = String::new();
    for r in &doc.readings[i] {
        // "د." — the tokenizer splits the dot off.
        if r.fold == "د" && doc.is_punct(i + 1, '.') {
            return Some((r.prefix, i + 1));
        }
        // A two-word title starts with one of their first words (no space inside).
        if doc.adjacent(i) && doc.is_word(i + 1) && lx.title_first_words.contains(&r.fold) {
            two.clear();
            two.push_str(&r.fold);
            two.push(' ');
            two.push_str(doc.fold(i + 1));
            if lx.titles.get(&two) == Some(&2) {
                return Some((r.prefix, i + 1));
            }
        }
        if lx.titles.get(&r.fold) == Some(&1) {
            return Some((r.prefix, i));
        }
    }
    None
}

/// The closing token of a parenthesis or quotation of at most `max` words opened at `k`.
fn closing_group(doc: &Doc<'_>, k: usize, max: usize) -> Option<usize> {
    let open_paren = doc.is_punct(k, '(');
    if !open_paren && !doc.is_quote(k) {
        return None;
    }
    for m in k + 1..doc.len().min(k + max + 2) {
        if open_paren && doc.is_punct(m, ')') || !open_paren && doc.is_quote(m) {
            // At least one word inside.
            return (m > k + 1).then_some(m);
        }
        if !doc.is_word(m) {
            return None;
        }
    }
    None
}

/// The title phrase starting at token `i`, if a title starts there.
pub fn title_phrase(doc: &Doc<'_>, i: usize) -> Option<TitlePhrase> {
    let lx = Lexicon::get();
    let (prefix, mut j) = title_at(doc, i)?;
    let mut role_end = j;
    let mut steps = 0;
    while steps < 10 {
        steps += 1;
        let k = j + 1;
        if k >= doc.len() {
            break;
        }
        if let Some(close) = closing_group(doc, k, 4) {
            j = close;
            continue;
        }
        if !doc.is_word(k) || !doc.adjacent(j) && !doc.is_any_punct(j) {
            break;
        }
        let f = doc.fold(k);
        if f == "باسم" {
            // باسم + complement: up to three words (الرئاسة الروسية، وزارة الخارجية).
            let mut m = k;
            let mut taken = 0;
            while taken < 3 && doc.adjacent(m) && doc.is_word(m + 1) {
                let g = doc.fold(m + 1);
                let next_definite = doc.is_word(m + 2) && is_definite(doc.fold(m + 2));
                if is_definite(g)
                    || lx.nisba_place(g).is_some()
                    || (taken == 0 && next_definite && !lx.is_function_word(doc.light(m + 1)))
                {
                    m += 1;
                    taken += 1;
                } else {
                    break;
                }
            }
            if taken == 0 {
                break;
            }
            j = m;
            role_end = m;
            continue;
        }
        // A construct noun in ة before a definite word or a known name continues the title
        // (رئيس بعثة المفوضية، وزير خارجية إسرائيل).
        if doc.word(k).ends_with('ة')
            && !is_definite(f)
            && !lx.is_name_unit(f)
            && doc.adjacent(k)
            && doc.is_word(k + 1)
            && (is_definite(doc.fold(k + 1)) || lx.lookup(doc.fold(k + 1)).is_some())
        {
            j = k;
            role_end = k;
            continue;
        }
        // An indefinite construct noun (a common word or an organization trigger) opening a
        // chain that ends in a definite word: رئيس مجلس إدارة الشركة، مديرة برنامج المياه.
        if construct_chain(doc, k, 3) {
            j = k;
            role_end = k;
            continue;
        }
        // A definite word joined by و to a definite complement: وزير المياه والري.
        if is_definite(doc.fold(j)) && conjoined_definite(doc, k) {
            j = k;
            role_end = k;
            continue;
        }
        // في + a definite complement, kept only when a name follows it
        // (مديرة البرنامج في المنظمة ليلى حداد).
        if f == "في" && doc.adjacent(k) && doc.is_word(k + 1) {
            let mut m = k;
            while m < k + 2
                && doc.adjacent(m)
                && doc.is_word(m + 1)
                && is_definite(doc.fold(m + 1))
                && !lx.is_function_word(doc.light(m + 1))
                && !lx.titles.contains_key(doc.fold(m + 1))
            {
                m += 1;
            }
            if m > k
                && doc.adjacent(m)
                && doc.is_word(m + 1)
                && !is_definite(doc.fold(m + 1))
                && person_run(doc, m + 1, true).is_some()
            {
                j = m;
                role_end = m;
                continue;
            }
            break;
        }
        // A complement behind ل or لدى: الأمين العام للأمم المتحدة، السفير لدى لبنان.
        if let Some(last) = prepositional_complement(doc, k) {
            j = last;
            role_end = last;
            continue;
        }
        let known_modifier = lx.title_modifiers.contains(f)
            || lx.nisba_place(f).is_some()
            || lx.titles.get(f) == Some(&1);
        let definite_complement = is_definite(f)
            && !lx.is_function_word(doc.light(k))
            && (!lx.is_name_unit(f) || lx.is_common(doc.light(k)));
        if known_modifier || definite_complement {
            j = k;
            role_end = k;
            continue;
        }
        break;
    }
    let start = doc.tokens[i].span.start + prefix;
    Some(TitlePhrase {
        role: Span::new(start, doc.tokens[role_end].span.end),
        name_start: j + 1,
    })
}

/// True when token `k` is an indefinite construct noun inside a title: a common word or an
/// organization trigger (not a name unit, function word or title) followed, through at most
/// `depth` more such nouns, by a definite word (مجلس إدارة الشركة، برنامج المياه).
fn construct_chain(doc: &Doc<'_>, k: usize, depth: usize) -> bool {
    let lx = Lexicon::get();
    if !doc.is_arabic(k) || !doc.adjacent(k) || !doc.is_word(k + 1) {
        return false;
    }
    let f = doc.fold(k);
    let l = doc.light(k);
    if is_definite(f)
        || lx.is_name_unit(f)
        || lx.is_ambiguous(l)
        || lx.is_function_word(l)
        || lx.titles.contains_key(f)
        || !(lx.is_common(l) || lx.org_triggers.contains(f))
    {
        return false;
    }
    let g = doc.fold(k + 1);
    (is_definite(g) && !lx.is_function_word(doc.light(k + 1)))
        || (depth > 0 && construct_chain(doc, k + 1, depth - 1))
}

/// True when token `k` is و + a definite common word that is neither a title nor a name
/// (والري، والتعليم): a conjoined complement of a title.
fn conjoined_definite(doc: &Doc<'_>, k: usize) -> bool {
    let lx = Lexicon::get();
    let waw = 'و'.len_utf8();
    doc.is_arabic(k)
        && doc.word(k).starts_with('و')
        && doc.readings[k].iter().any(|r| {
            r.prefix == waw
                && is_definite(&r.fold)
                && !lx.titles.contains_key(&r.fold)
                && !lx.is_function_word(&r.light)
                && (!lx.is_name_unit(&r.fold) || lx.is_common(&r.light))
        })
}

/// A person name run starting at token `start` (first token read at `prefix`): `(first, last)`
/// token indices. `after_title` relaxes the start (common words and unknown words may begin it).
pub(crate) fn person_run(doc: &Doc<'_>, start: usize, after_title: bool) -> Option<usize> {
    let mut classes = Vec::with_capacity(4);
    let mut k = start;
    while classes.len() < 5 && k < doc.len() {
        if k > start && !doc.adjacent(k - 1) {
            break;
        }
        let c = classify(doc, k);
        // After a name word, an indefinite accusative (مؤتمرا، صحفيا، اجتماعا) is the object
        // or an adverb of the sentence, never a name part.
        if k > start && c != WordClass::NameUnit && is_indefinite_accusative(doc, k) {
            break;
        }
        let informative_before = classes
            .iter()
            .any(|c| matches!(c, WordClass::NameUnit | WordClass::Unknown));
        match c {
            WordClass::Stop | WordClass::DefiniteCommon => break,
            // A frequent non-entity word may open a name after a title, but after a name word
            // it starts the rest of the sentence (سامح شكري | مؤتمرا).
            WordClass::Common if k > start && (!after_title || informative_before) => break,
            WordClass::Unknown if k > start && looks_like_verb(doc.fold(k)) => break,
            // An unknown definite word after two name words is a noun (… النقاب).
            WordClass::Unknown if k >= start + 2 && is_definite(doc.fold(k)) => break,
            _ => {}
        }
        // A surname with the article ends the name (سالم الدوسري | هدفين), except الله.
        if k > start && is_definite(doc.fold(k - 1)) && doc.fold(k - 1) != "الله" {
            break;
        }
        classes.push(c);
        k += 1;
    }
    // Trim trailing words that cannot end a name.
    while let Some(c) = classes.last() {
        match c {
            WordClass::Common => {
                classes.pop();
            }
            WordClass::Connector if doc.fold(start + classes.len() - 1) != "الله" => {
                classes.pop();
            }
            _ => break,
        }
    }
    let n = classes.len();
    if n == 0 {
        return None;
    }
    let informative = classes
        .iter()
        .filter(|c| matches!(c, WordClass::NameUnit | WordClass::Unknown))
        .count();
    if informative == 0 {
        return None;
    }
    if n == 1 {
        // A single word after a title must look like a name: not a common word, not on the
        // stop list (الرئيس صالح is too ambiguous alone), not a place or organization of the
        // gazetteer (زار الوزير بغداد: the object; the name lists' stray بغداد does not count).
        let l = doc.light(start);
        if Lexicon::get().lookup(doc.fold(start)).is_some_and(|e| {
            matches!(
                e.kind(),
                Some(EntityKind::Location | EntityKind::Organization)
            )
        }) {
            return None;
        }
        if !after_title || Lexicon::get().is_ambiguous(l) || classes[0] != WordClass::Unknown {
            // Known surnames alone after a title are fine (الرئيس الأسد).
            let f = doc.fold(start);
            let lx = Lexicon::get();
            if !(after_title && lx.surnames.contains(f) && !lx.is_ambiguous(l)) {
                return None;
            }
        }
    }
    Some(start + n - 1)
}

/// Person mentions from the title rule, with the title phrase that introduced each.
pub(crate) fn title_persons(doc: &Doc<'_>) -> Vec<(Mention, TitlePhrase)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.len() {
        let Some(tp) = title_phrase(doc, i) else {
            i += 1;
            continue;
        };
        let s = tp.name_start;
        if s < doc.len()
            && doc.is_word(s)
            && let Some(last) = person_run(doc, s, true)
        {
            out.push((
                Mention {
                    span: doc.span(s, 0, last),
                    kind: EntityKind::Person,
                    origin: MentionOrigin::Rule,
                },
                tp,
            ));
            i = last + 1;
            continue;
        }
        i = tp.name_start.max(i + 1);
    }
    out
}

/// True when token `i` is a reporting verb (`reporting_verbs.txt`), possibly behind و or ف.
fn is_reporting_verb(doc: &Doc<'_>, i: usize) -> bool {
    let lx = Lexicon::get();
    let f = doc.fold(i);
    lx.reporting_verbs.contains(f)
        || f.strip_prefix(['و', 'ف'])
            .is_some_and(|b| lx.reporting_verbs.contains(b))
}

/// A lone given name directly after a reporting verb and before punctuation or إن/أن
/// (قال علي: «…»): a person, even when the name is also a common word.
fn speaker_given_names(doc: &Doc<'_>) -> Vec<Mention> {
    let lx = Lexicon::get();
    let mut out = Vec::new();
    for i in 1..doc.len() {
        if !doc.is_arabic(i) || !doc.adjacent(i - 1) || !is_reporting_verb(doc, i - 1) {
            continue;
        }
        let r = &doc.readings[i][0];
        if r.prefix != 0 || !(lx.given.contains(&r.fold) || lx.is_ambiguous(&r.light)) {
            continue;
        }
        let ends = i + 1 >= doc.len()
            || doc.is_any_punct(i + 1)
            || matches!(doc.fold(i + 1), "ان" | "انه" | "انها");
        if ends {
            out.push(Mention {
                span: doc.span(i, 0, i),
                kind: EntityKind::Person,
                origin: MentionOrigin::Rule,
            });
        }
    }
    out
}

/// Person mentions that start with a known given name (any proclitic reading).
fn given_name_persons(doc: &Doc<'_>) -> Vec<Mention> {
    let lx = Lexicon::get();
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.len() {
        if !doc.is_arabic(i) {
            i += 1;
            continue;
        }
        let reading = doc.readings[i].iter().find(|r| {
            lx.given.contains(&r.fold) && !lx.is_ambiguous(&r.light) && !lx.is_common(&r.light)
        });
        let Some(r) = reading else {
            i += 1;
            continue;
        };
        let mut last = i;
        let mut known_units = 0;
        let mut k = i + 1;
        while k < doc.len() && k - i < 5 && doc.adjacent(k - 1) {
            // The name ends on a known name unit; unknown words may only sit inside it.
            match classify(doc, k) {
                WordClass::NameUnit => {
                    last = k;
                    known_units += 1;
                }
                WordClass::Unknown
                    if !doc.fold(k).ends_with('ه') && !looks_like_verb(doc.fold(k)) => {}
                WordClass::Connector => {
                    if doc.fold(k) == "الله" {
                        last = k;
                    }
                }
                _ => break,
            }
            k += 1;
        }
        if last > i && known_units > 0 {
            out.push(Mention {
                span: doc.span(i, r.prefix, last),
                kind: EntityKind::Person,
                origin: MentionOrigin::Rule,
            });
            i = last + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The reading of token `i` that is a trigger in `set`: its prefix.
fn trigger_reading(doc: &Doc<'_>, i: usize, set: &rustc_hash::FxHashSet<String>) -> Option<usize> {
    if !doc.is_arabic(i) {
        return None;
    }
    doc.readings[i]
        .iter()
        .find(|r| set.contains(&r.fold))
        .map(|r| r.prefix)
}

/// Words of a quoted name opened at token `k`: `(first, last)`, when the quotation holds one to
/// four words with no function word.
fn quoted_name(doc: &Doc<'_>, k: usize) -> Option<(usize, usize)> {
    let lx = Lexicon::get();
    let close = closing_group(doc, k, 4)?;
    if doc.is_punct(k, '(') {
        return None;
    }
    let (first, last) = (k + 1, close - 1);
    if (first..=last).any(|m| lx.is_function_word(doc.light(m))) {
        return None;
    }
    Some((first, last))
}

/// True when token `k` can be the definite noun of an organization name's continuation: a
/// definite word that is not a function word, title, trigger, nisba or known place or person, and not
/// an audience noun (`not_org_complements.txt`: للصحفيين، لوسائل الإعلام).
fn tail_noun(doc: &Doc<'_>, fold: &str, light: &str) -> bool {
    let lx = Lexicon::get();
    is_definite(fold)
        && !lx.is_function_word(light)
        && !lx.titles.contains_key(fold)
        && !lx.org_triggers.contains(fold)
        && !lx.loc_triggers.contains(fold)
        && lx.nisba_place(fold).is_none()
        && !lx.not_org_complements.contains(fold)
        && !lx
            .lookup(fold)
            .and_then(|e| e.kind())
            .is_some_and(|k| matches!(k, EntityKind::Location | EntityKind::Person))
        && !doc.is_empty()
}

/// A prepositional or coordinated continuation of an organization name ending at token `e`:
/// - a definite conjunct والX (وزارة المياه والري، منظمة الأغذية والزراعة، هيئة الإذاعة
///   والتلفزيون), X a definite noun ([`tail_noun`]);
/// - ل + a construct chain ending in a definite noun (لإغاثة وتشغيل اللاجئين، لكرة القدم،
///   للأرصاد), the chain's inner words indefinite (optionally coordinated with و).
///
/// Each continuation may be followed by one relational adjective. Returns the new last token
/// (`e` when nothing continues). Up to three continuations.
fn org_tail(doc: &Doc<'_>, mut e: usize) -> usize {
    let lx = Lexicon::get();
    let waw = 'و'.len_utf8();
    let lam = 'ل'.len_utf8();
    for _ in 0..3 {
        let k = e + 1;
        if !doc.adjacent(e) || !doc.is_arabic(k) {
            break;
        }
        let word = doc.word(k);
        let mut next = None;
        if word.starts_with('و') {
            // Not a new organization (والاتحاد الأفريقي، والأمم المتحدة); a bare definite
            // trigger noun may be a conjunct (هيئة الإذاعة والتلفزيون).
            if doc.readings[k].iter().any(|r| {
                r.prefix == waw
                    && tail_noun(doc, &r.fold, &r.light)
                    && !starts_multiword_name(doc, k)
                    && !lx.titles.contains_key(&r.fold)
                    && !(r.fold.strip_prefix("ال").is_some_and(|t| {
                        lx.org_triggers.contains(t) || lx.weak_triggers.contains(t)
                    }) && doc.adjacent(k)
                        && doc.is_word(k + 1)
                        && is_relational_adjective(doc.fold(k + 1)))
            }) {
                next = Some(k);
            }
        } else if word.starts_with('ل') && !lx.is_function_word(doc.light(k)) {
            // ل + definite (للأرصاد) or ل + indefinite … + definite (لكرة القدم).
            for r in doc.readings[k].iter().filter(|r| r.prefix == lam) {
                if tail_noun(doc, &r.fold, &r.light) {
                    next = Some(k);
                    break;
                }
                if is_definite(&r.fold)
                    || lx.is_function_word(&r.light)
                    || lx.not_org_complements.contains(&r.fold)
                    || lx.lookup(&r.fold).is_some()
                {
                    continue;
                }
                let mut m = k;
                while m < k + 3 && doc.adjacent(m) && doc.is_arabic(m + 1) {
                    m += 1;
                    let f = doc.fold(m);
                    if tail_noun(doc, f, doc.light(m)) {
                        next = Some(m);
                        break;
                    }
                    // وتشغيل: a coordinated indefinite noun inside the chain.
                    let inner = doc.readings[m].iter().any(|r| {
                        (r.prefix == 0 || r.prefix == waw && doc.word(m).starts_with('و'))
                            && !is_definite(&r.fold)
                            && !lx.is_function_word(&r.light)
                            && !looks_like_verb(&r.fold)
                    });
                    if !inner {
                        break;
                    }
                }
                if next.is_some() {
                    break;
                }
            }
        }
        let Some(mut last) = next else { break };
        if doc.adjacent(last)
            && doc.is_word(last + 1)
            && is_relational_adjective(doc.fold(last + 1))
            && !lx.is_function_word(doc.light(last + 1))
        {
            last += 1;
        }
        e = last;
    }
    e
}

/// True when a gazetteer name of two words or more starts at token `k` (any reading).
fn starts_multiword_name(doc: &Doc<'_>, k: usize) -> bool {
    doc.longest_gazetteer_name(k)
        .is_some_and(|(_, last, _)| last > k)
}

/// Organization mentions headed by a definite trigger noun with adjectives and a prepositional
/// complement (المركز الوطني للأرصاد، الاتحاد الأفريقي لكرة القدم): ال + trigger, one to three
/// relational adjectives, then an [`org_tail`] continuation — required after a single adjective,
/// so that a bare المجلس الوطني is not a name, but not after two (البنك المركزي المصري).
fn definite_trigger_mentions(doc: &Doc<'_>) -> Vec<Mention> {
    let lx = Lexicon::get();
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.len() {
        let reading = doc.is_arabic(i).then(|| {
            doc.readings[i].iter().find(|r| {
                r.fold
                    .strip_prefix("ال")
                    .is_some_and(|t| lx.org_triggers.contains(t) || lx.weak_triggers.contains(t))
            })
        });
        let Some(Some(r)) = reading else {
            i += 1;
            continue;
        };
        let mut j = i;
        while j < i + 3
            && doc.adjacent(j)
            && doc.is_word(j + 1)
            && is_relational_adjective(doc.fold(j + 1))
            && !lx.is_function_word(doc.light(j + 1))
        {
            j += 1;
        }
        let e = if j > i { org_tail(doc, j) } else { j };
        // With a complement, or with two relational adjectives (البنك المركزي المصري).
        if e > j || j >= i + 2 {
            out.push(Mention {
                span: doc.span(i, r.prefix, e),
                kind: EntityKind::Organization,
                origin: MentionOrigin::Rule,
            });
            i = e + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Organizations named with common words after a head noun (`compound_org_triggers.txt`):
/// indefinite head + definite noun + definite adjective (صندوق النقد الدولي، قوات الدعم السريع),
/// or definite head + a country nisba (الجيش اللبناني). Proclitics stay outside the span.
fn compound_org_mentions(doc: &Doc<'_>) -> Vec<Mention> {
    let lx = Lexicon::get();
    let definite_word = |k: usize| {
        k < doc.len()
            && doc.is_arabic(k)
            && doc.fold(k).starts_with("ال")
            && doc.fold(k).chars().count() > 3
            && !lx.is_function_word(doc.light(k))
            && !lx.titles.contains_key(doc.fold(k))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < doc.len() {
        if !doc.is_arabic(i) || !doc.adjacent(i) {
            i += 1;
            continue;
        }
        let mut found = None;
        for r in &doc.readings[i] {
            if let Some(head) = r.fold.strip_prefix("ال") {
                if lx.compound_org_triggers.contains(head)
                    && doc.is_arabic(i + 1)
                    && lx.nisba_place(doc.fold(i + 1)).is_some()
                {
                    found = Some((r.prefix, i + 1));
                    break;
                }
            } else if lx.compound_org_triggers.contains(&r.fold)
                && definite_word(i + 1)
                && lx.nisba_place(doc.fold(i + 1)).is_none()
                && doc.adjacent(i + 1)
                && definite_word(i + 2)
            {
                found = Some((r.prefix, i + 2));
                break;
            }
        }
        match found {
            Some((prefix, last)) => {
                out.push(Mention {
                    span: doc.span(i, prefix, last),
                    kind: EntityKind::Organization,
                    origin: MentionOrigin::Rule,
                });
                i = last + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// Misc mentions after an event, competition or prize head noun (`misc_triggers.txt`): the head,
/// a name word (not a function word, not behind a preposition: معرض للخطر is no exhibition), and
/// what continues it — another head (بطولة كأس العالم), a gazetteer name (دوري أبطال أوروبا) or
/// up to two relational adjectives (مهرجان كان السينمائي).
fn misc_trigger_mentions(doc: &Doc<'_>) -> Vec<Mention> {
    let lx = Lexicon::get();
    let head = |k: usize| {
        doc.readings[k]
            .iter()
            .find(|r| lx.misc_triggers.contains(&r.fold))
            .map(|r| r.prefix)
    };
    let name_word = |k: usize| {
        k < doc.len()
            && doc.is_arabic(k)
            && !lx.is_function_word(doc.light(k))
            && !doc.fold(k).starts_with("لل")
            && !doc.fold(k).starts_with("بال")
            && !looks_like_verb(doc.fold(k))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.len() {
        let Some(prefix) = doc.is_arabic(i).then(|| head(i)).flatten() else {
            i += 1;
            continue;
        };
        let mut k = i;
        // Stacked heads: بطولة كأس العالم.
        while doc.adjacent(k) && doc.is_arabic(k + 1) && head(k + 1) == Some(0) {
            k += 1;
        }
        if !(doc.adjacent(k) && name_word(k + 1)) {
            i += 1;
            continue;
        }
        let mut last = k + 1;
        if let Some((_, end, _)) = doc.longest_gazetteer_name(k + 1) {
            last = last.max(end);
        } else if doc.adjacent(last) && last + 1 < doc.len() && doc.is_arabic(last + 1) {
            if let Some((_, end, _)) = doc.longest_gazetteer_name(last + 1) {
                last = end;
            }
        }
        let mut adjectives = 0;
        while adjectives < 2
            && doc.adjacent(last)
            && last + 1 < doc.len()
            && doc.is_arabic(last + 1)
            && is_relational_adjective(doc.fold(last + 1))
        {
            last += 1;
            adjectives += 1;
        }
        out.push(Mention {
            span: doc.span(i, prefix, last),
            kind: EntityKind::Misc,
            origin: MentionOrigin::Rule,
        });
        i = last + 1;
    }
    out
}

/// Organization mentions from trigger nouns.
fn org_trigger_mentions(doc: &Doc<'_>) -> Vec<Mention> {
    let lx = Lexicon::get();
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.len() {
        let Some(prefix) = trigger_reading(doc, i, &lx.org_triggers) else {
            i += 1;
            continue;
        };
        let weak = trigger_reading(doc, i, &lx.weak_triggers).is_some();
        let mut j = i;
        while doc.adjacent(j)
            && doc.is_word(j + 1)
            && lx.org_trigger_continuations.contains(doc.fold(j + 1))
        {
            j += 1;
        }
        let k = j + 1;
        if k >= doc.len() {
            break;
        }
        if let Some((first, last)) = quoted_name(doc, k) {
            out.push(Mention {
                span: doc.span(first, 0, last),
                kind: EntityKind::Organization,
                origin: MentionOrigin::Rule,
            });
            i = last + 2;
            continue;
        }
        if !doc.adjacent(j) || !doc.is_word(k) {
            i += 1;
            continue;
        }
        // Trigger + continuation + nisba: وكالة الأنباء العراقية.
        if j > i && is_definite(doc.fold(k)) && lx.nisba_place(doc.fold(k)).is_some() {
            out.push(Mention {
                span: doc.span(i, prefix, k),
                kind: EntityKind::Organization,
                origin: MentionOrigin::Rule,
            });
            i = k + 1;
            continue;
        }
        // A known name right after the trigger (منظمة الأمم المتحدة).
        if let Some((_, last, _)) = doc.longest_gazetteer_name(k)
            && doc.readings[k][0].prefix == 0
            && doc.span(k, 0, last).start == doc.tokens[k].span.start
        {
            let last = org_tail(doc, last);
            out.push(Mention {
                span: doc.span(i, prefix, last),
                kind: EntityKind::Organization,
                origin: MentionOrigin::Rule,
            });
            i = last + 1;
            continue;
        }
        // Construct chain: indefinite common nouns, ended by a definite noun (+ one adjective)
        // or by unknown (proper) words.
        let mut m = k;
        let mut end = None;
        while m < doc.len() && m - k < 5 {
            if m > k && !doc.adjacent(m - 1) {
                break;
            }
            if !doc.is_word(m) {
                break;
            }
            let f = doc.fold(m);
            let l = doc.light(m);
            if lx.is_function_word(l) || (m == k && lx.nisba_place(f).is_some()) {
                break;
            }
            if is_definite(f) {
                // After a weak trigger, a definite common word is a plain noun phrase
                // (تنظيم الإجراءات), unless it is a group number (مجموعة العشرين).
                if weak && lx.is_common(l) && !lx.group_numbers.contains(f) {
                    break;
                }
                let mut e = m;
                let adj = m + 1;
                // One relational adjective may follow (الدولي، الجماعي، العالمية), not a
                // participle (التابع، البالغ).
                if doc.adjacent(m)
                    && doc.is_word(adj)
                    && is_relational_adjective(doc.fold(adj))
                    && !lx.is_function_word(doc.light(adj))
                {
                    e = adj;
                }
                end = Some(e);
                break;
            }
            // A conjunction, or a verb, ends the chain before it starts (جماعة ودعوا، جماعة تدعى).
            if m == k
                && lx.lookup(f).is_none()
                && !lx.is_name_unit(f)
                && (f.starts_with('و') && doc.readings[m].len() > 1 || looks_like_verb(f))
            {
                break;
            }
            match classify(doc, m) {
                WordClass::Common if weak => break,
                WordClass::Common => {
                    m += 1;
                }
                WordClass::Unknown | WordClass::NameUnit => {
                    let mut e = m;
                    while e + 1 < doc.len()
                        && e - m < 2
                        && doc.adjacent(e)
                        && matches!(classify(doc, e + 1), WordClass::Unknown)
                        && !is_definite(doc.fold(e + 1))
                    {
                        e += 1;
                    }
                    end = Some(e);
                    break;
                }
                _ => break,
            }
        }
        if let Some(e) = end {
            let e = if weak { e } else { org_tail(doc, e) };
            out.push(Mention {
                span: doc.span(i, prefix, e),
                kind: EntityKind::Organization,
                origin: MentionOrigin::Rule,
            });
            i = e + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Location mentions from trigger nouns (the name only).
fn loc_trigger_mentions(doc: &Doc<'_>) -> Vec<Mention> {
    let lx = Lexicon::get();
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.len() {
        if trigger_reading(doc, i, &lx.loc_triggers).is_none() {
            i += 1;
            continue;
        }
        let mut j = i;
        while doc.adjacent(j) && doc.is_word(j + 1) && lx.nisba_place(doc.fold(j + 1)).is_some() {
            j += 1;
        }
        let k = j + 1;
        if let Some((first, last)) = quoted_name(doc, k) {
            out.push(Mention {
                span: doc.span(first, 0, last),
                kind: EntityKind::Location,
                origin: MentionOrigin::Rule,
            });
            i = last + 2;
            continue;
        }
        if !doc.adjacent(j) || !doc.is_arabic(k) {
            i += 1;
            continue;
        }
        let mut e = None;
        let mut m = k;
        while m < doc.len() && m - k < 3 && (m == k || doc.adjacent(m - 1)) {
            let c = classify(doc, m);
            let known = lx.lookup(doc.fold(m)).is_some();
            if looks_like_verb(doc.fold(m)) && c == WordClass::Unknown {
                break;
            }
            // Only the first word of the name may carry the article (زاغروفا الجبلي: an adjective).
            if m > k && is_definite(doc.fold(m)) {
                break;
            }
            if (c == WordClass::Unknown
                || c == WordClass::NameUnit && !lx.is_ambiguous(doc.light(m)))
                && !known
            {
                e = Some(m);
                m += 1;
            } else {
                break;
            }
        }
        if let Some(e) = e {
            out.push(Mention {
                span: doc.span(k, 0, e),
                kind: EntityKind::Location,
                origin: MentionOrigin::Rule,
            });
            i = e + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Every rule mention of the document.
pub(crate) fn rule_mentions(doc: &Doc<'_>) -> Vec<Mention> {
    let mut out: Vec<Mention> = title_persons(doc).into_iter().map(|(m, _)| m).collect();
    out.extend(given_name_persons(doc));
    out.extend(speaker_given_names(doc));
    out.extend(compound_org_mentions(doc));
    out.extend(misc_trigger_mentions(doc));
    out.extend(org_trigger_mentions(doc));
    out.extend(definite_trigger_mentions(doc));
    out.extend(loc_trigger_mentions(doc));
    out
}
