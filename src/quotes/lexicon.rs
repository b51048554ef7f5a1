//! The quotation layer's word lists, read from `data/quotes/*.txt` (written by the qalam team,
//! inventory after the notes in `docs/arabic-resources.md`, section 3), folded with
//! [`crate::text::normalize::fold_str`] and built once.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

use crate::text::normalize::fold_str;

const CUES: &str = include_str!("../../data/quotes/cues.txt");
const SOURCES: &str = include_str!("../../data/quotes/sources.txt");
const TRIGGERS: &str = include_str!("../../data/quotes/name_triggers.txt");
const MEDIA: &str = include_str!("../../data/quotes/media.txt");
const FUNCTION_WORDS: &str = include_str!("../../data/quotes/function_words.txt");
const TITLE_TRIGGERS: &str = include_str!("../../data/quotes/title_triggers.txt");

/// The grammatical form of a cue verb (a column of `cues.txt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CueForm {
    /// Past tense, singular (قال، قالت).
    Past,
    /// Present tense, singular (يقول، تقول).
    Present,
    /// Circumstantial participle (ḥāl: مضيفا، مؤكدة): its subject is never written after it.
    Participle,
    /// Plural past (قالوا): a pronoun subject.
    Plural,
}

/// What `cues.txt` says about one folded form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CueInfo {
    /// Its form.
    pub form: CueForm,
    /// True for a feminine form (قالت، مضيفة).
    pub feminine: bool,
}

/// One attribution phrase of `sources.txt`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SourcePhrase {
    /// Folded words, without a final lām.
    pub words: Vec<String>,
    /// The phrase ends with the preposition lām joined to the next word (وفقا لوكالة).
    pub lam: bool,
    /// The phrase is followed by a named source (false for على حد قوله).
    pub takes_name: bool,
}

/// The word classes of one folded token that the attribution tests token by token in its
/// windows (a bit set): computed once per token in the paragraph stage and cached with it, so
/// that attributing a document reads a bit instead of hashing each word again on every edit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct WordClasses(u8);

impl WordClasses {
    /// [`Lexicon::may_start_source`].
    pub const SOURCE_START: u8 = 1;
    /// [`Lexicon::is_complementizer`].
    pub const COMPLEMENTIZER: u8 = 2;
    /// [`Lexicon::is_clause_opener`].
    pub const CLAUSE_OPENER: u8 = 4;
    /// [`Lexicon::is_object_lam`].
    pub const OBJECT_LAM: u8 = 8;
    /// [`Lexicon::is_connector`].
    pub const CONNECTOR: u8 = 16;

    /// True when every class of `bits` is set.
    pub fn has(self, bits: u8) -> bool {
        self.0 & bits == bits
    }
}

/// All word lists, folded.
pub(crate) struct Lexicon {
    cues: HashMap<String, CueInfo>,
    /// Attribution phrases, longest first.
    pub sources: Vec<SourcePhrase>,
    /// For each first word of a phrase of `sources`, the phrases' indices (ascending).
    source_index: HashMap<String, Vec<usize>>,
    triggers: HashSet<String>,
    media: HashSet<String>,
    complementizers: HashSet<String>,
    predicate: HashSet<String>,
    adjunct: HashSet<String>,
    connectors: HashSet<String>,
    relay: HashSet<String>,
    quote_first: HashSet<String>,
    relay_from: HashSet<String>,
    document: HashSet<String>,
    recipients: HashSet<String>,
    clause_openers: HashSet<String>,
    object_lam: HashSet<String>,
    came_in: HashSet<String>,
    came_in_prep: HashSet<String>,
    issue: HashSet<String>,
    issued_by: HashSet<String>,
    title_nouns: HashSet<String>,
    naming: HashSet<String>,
}

/// Object pronouns a finite cue verb may carry (folded): سألني، أبلغنا، سألها، أبلغهم. (Not ه:
/// folding turns ة into ه, so إفادة would read as أفاد + ه.)
const OBJECT_SUFFIXES: [&str; 4] = ["ني", "نا", "ها", "هم"];

/// The lexicon, built on first use.
pub(crate) static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::load);

fn data_lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn word_set(data: &str) -> HashSet<String> {
    data_lines(data).map(fold_str).collect()
}

fn sections(data: &str) -> HashMap<String, HashSet<String>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::default();
    let mut current = String::new();
    for line in data_lines(data) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.to_string();
        } else {
            out.entry(current.clone())
                .or_default()
                .insert(fold_str(line));
        }
    }
    out
}

impl Lexicon {
    fn load() -> Lexicon {
        const COLUMNS: [(CueForm, bool); 8] = [
            (CueForm::Past, false),
            (CueForm::Past, true),
            (CueForm::Present, false),
            (CueForm::Present, true),
            (CueForm::Participle, false),
            (CueForm::Participle, true),
            (CueForm::Plural, false),
            (CueForm::Participle, false),
        ];
        let mut cues = HashMap::default();
        for line in data_lines(CUES) {
            for (word, (form, feminine)) in line.split_whitespace().zip(COLUMNS) {
                if word != "-" {
                    cues.entry(fold_str(word))
                        .or_insert(CueInfo { form, feminine });
                }
            }
        }
        let mut sources: Vec<SourcePhrase> = data_lines(SOURCES)
            .filter_map(|line| {
                let (phrase, takes) = line.split_once('|')?;
                let mut words: Vec<String> = phrase.split_whitespace().map(fold_str).collect();
                let lam = words.last().is_some_and(|w| w == "ل");
                if lam {
                    words.pop();
                }
                (!words.is_empty()).then(|| SourcePhrase {
                    words,
                    lam,
                    takes_name: takes.trim() == "name",
                })
            })
            .collect();
        sources.sort_by_key(|s| std::cmp::Reverse(s.words.len() + usize::from(s.lam)));
        let mut source_index: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, s) in sources.iter().enumerate() {
            source_index.entry(s.words[0].clone()).or_default().push(i);
        }
        let mut fw = sections(FUNCTION_WORDS);
        let mut titles = sections(TITLE_TRIGGERS);
        Lexicon {
            cues,
            sources,
            source_index,
            triggers: word_set(TRIGGERS),
            media: word_set(MEDIA),
            complementizers: fw.remove("complementizers").unwrap_or_default(),
            predicate: fw.remove("predicate").unwrap_or_default(),
            adjunct: fw.remove("adjunct").unwrap_or_default(),
            connectors: fw.remove("connectors").unwrap_or_default(),
            relay: fw.remove("relay").unwrap_or_default(),
            quote_first: fw.remove("quote_first").unwrap_or_default(),
            relay_from: fw.remove("relay_from").unwrap_or_default(),
            document: fw.remove("document").unwrap_or_default(),
            recipients: fw.remove("recipients").unwrap_or_default(),
            clause_openers: fw.remove("clause_openers").unwrap_or_default(),
            object_lam: fw.remove("object_lam").unwrap_or_default(),
            came_in: fw.remove("came_in").unwrap_or_default(),
            came_in_prep: fw.remove("came_in_prep").unwrap_or_default(),
            issue: fw.remove("issue").unwrap_or_default(),
            issued_by: fw.remove("issued_by").unwrap_or_default(),
            title_nouns: titles.remove("nouns").unwrap_or_default(),
            naming: titles.remove("naming").unwrap_or_default(),
        }
    }

    /// The attribution phrases (of `sources`, in its order: longest first) whose first word is
    /// the folded word `folded`, or `folded` without a leading و — the phrases that may start
    /// at a token written `folded`. A hash look-up or two, not a scan of the list.
    pub fn sources_starting(&self, folded: &str) -> impl Iterator<Item = &SourcePhrase> {
        let get = |w: &str| self.source_index.get(w).map_or(&[][..], Vec::as_slice);
        let mut a = get(folded).iter().peekable();
        let mut b = folded
            .strip_prefix('و')
            .map_or(&[][..], get)
            .iter()
            .peekable();
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if y < x => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        })
        .map(|&i| &self.sources[i])
    }

    /// The cue verb a folded word is, with the proclitic و or ف stripped when needed
    /// (وقال، فأضاف), and an object pronoun stripped from a finite verb (سألني، أبلغه).
    pub fn cue(&self, folded: &str) -> Option<CueInfo> {
        let bare = folded
            .strip_prefix('و')
            .or_else(|| folded.strip_prefix('ف'));
        for w in [Some(folded), bare].into_iter().flatten() {
            if let Some(info) = self.cues.get(w) {
                return Some(*info);
            }
        }
        for w in [Some(folded), bare].into_iter().flatten() {
            for suffix in OBJECT_SUFFIXES {
                let info = w
                    .strip_suffix(suffix)
                    .filter(|stem| stem.chars().count() >= 3)
                    .and_then(|stem| self.cues.get(stem));
                if let Some(info) = info
                    && matches!(info.form, CueForm::Past | CueForm::Present)
                {
                    return Some(*info);
                }
            }
        }
        None
    }

    /// True when the folded word carries the proclitic و or ف before a cue verb (وقال).
    pub fn cue_has_conjunction(&self, folded: &str) -> bool {
        !self.cues.contains_key(folded) && self.cue(folded).is_some()
    }

    /// True for a trigger noun written without the article, after stripping the proclitics
    /// و ف ب ل ك (لوكالة، وتنظيم).
    pub fn is_trigger(&self, folded: &str) -> bool {
        strip_proclitics(folded).any(|w| self.triggers.contains(w))
    }

    /// The folded word is ل + a media noun (لوكالة، لصحيفة).
    pub fn is_lam_media(&self, folded: &str) -> bool {
        let rest = folded.strip_prefix('و').unwrap_or(folded);
        rest.strip_prefix('ل')
            .is_some_and(|w| self.media.contains(w))
    }

    /// The [`WordClasses`] of a folded token.
    pub fn word_classes(&self, folded: &str) -> WordClasses {
        let mut c = 0;
        for (on, bit) in [
            (self.may_start_source(folded), WordClasses::SOURCE_START),
            (self.is_complementizer(folded), WordClasses::COMPLEMENTIZER),
            (self.is_clause_opener(folded), WordClasses::CLAUSE_OPENER),
            (self.is_object_lam(folded), WordClasses::OBJECT_LAM),
            (self.is_connector(folded), WordClasses::CONNECTOR),
        ] {
            if on {
                c |= bit;
            }
        }
        WordClasses(c)
    }

    /// False when no source phrase can start at a token of this folded form: it is not a relay
    /// verb ([`Self::is_relay`]), not the lone lām (لـ before a quoted name), not lām + a media
    /// noun ([`Self::is_lam_media`]) and no source phrase starts with it
    /// ([`Self::sources_starting`]).
    pub fn may_start_source(&self, folded: &str) -> bool {
        folded == "ل"
            || self.is_relay(folded)
            || self.is_lam_media(folded)
            || self.sources_starting(folded).next().is_some()
    }

    /// True for إن، أن، بأنه… (folded forms).
    pub fn is_complementizer(&self, folded: &str) -> bool {
        self.complementizers.contains(folded)
            || folded
                .strip_prefix('و')
                .or_else(|| folded.strip_prefix('ف'))
                .is_some_and(|w| self.complementizers.contains(w))
    }

    /// True for a word that only occurs in a clause with a predicate (لقد، لن، هذا…).
    pub fn is_predicate_word(&self, folded: &str) -> bool {
        strip_proclitics(folded).any(|w| self.predicate.contains(w))
    }

    /// True for a word that ends a speaker phrase (اليوم، خلال، على…), also with the article
    /// (المؤتمر).
    pub fn is_adjunct(&self, folded: &str) -> bool {
        self.is_adjunct_as_written(folded)
            || folded
                .strip_prefix("ال")
                .is_some_and(|w| self.adjunct.contains(w))
    }

    /// True for an adjunct word as listed (اليوم), without also trying it without the article:
    /// البيان opening a subject is the subject (وتابع البيان), not an adjunct.
    pub fn is_adjunct_as_written(&self, folded: &str) -> bool {
        self.adjunct.contains(folded)
    }

    /// True for a connector that starts a new main clause (فيما، بينما، كما…).
    pub fn is_connector(&self, folded: &str) -> bool {
        self.connectors.contains(folded)
    }

    /// True for a relay verb (نقلت، ونقل): its subject is a source, the object of عن a speaker.
    pub fn is_relay(&self, folded: &str) -> bool {
        self.relay.contains(folded)
            || folded
                .strip_prefix('و')
                .is_some_and(|w| self.relay.contains(w))
    }

    /// True for the preposition after a relay verb (عن).
    pub fn is_relay_from(&self, folded: &str) -> bool {
        self.relay_from.contains(folded)
    }

    /// True for a noun naming a text that speaks for its author (بيان، تقرير), folded and
    /// without the article.
    pub fn is_document_noun(&self, folded: &str) -> bool {
        self.document.contains(folded)
    }

    /// True for ل + a recipient of speech (للصحفيين، لوسائل، للتلفزيون): it ends a speaker
    /// phrase.
    pub fn is_recipient(&self, folded: &str) -> bool {
        let rest = folded.strip_prefix('و').unwrap_or(folded);
        rest.strip_prefix("لل")
            .map(|w| format!("ال{w}"))
            .or_else(|| rest.strip_prefix('ل').map(str::to_string))
            .is_some_and(|w| self.recipients.contains(&w))
    }

    /// True for a word that opens a relative or verbal clause after a speaker phrase (لم، الذي،
    /// طلب…): the phrase ends before it.
    pub fn is_clause_opener(&self, folded: &str) -> bool {
        self.clause_openers.contains(folded)
    }

    /// True for lām with an object pronoun (لي، له، لنا): skipped between a cue verb and its
    /// subject (قال لي الوزير).
    pub fn is_object_lam(&self, folded: &str) -> bool {
        self.object_lam.contains(folded)
    }

    /// True for جاء / ورد ("came in"), with the proclitic و or ف.
    pub fn is_came_in(&self, folded: &str) -> bool {
        strip_proclitics(folded).any(|w| self.came_in.contains(w))
    }

    /// True for the preposition after جاء that introduces a document's words (في، فيه، فيها).
    pub fn is_came_in_prep(&self, folded: &str) -> bool {
        self.came_in_prep.contains(folded)
    }

    /// True for a verb that issues a document (أصدرت، نشر), with the proclitic و or ف.
    pub fn is_issue_verb(&self, folded: &str) -> bool {
        strip_proclitics(folded).any(|w| self.issue.contains(w))
    }

    /// True for صادر / الصادرة (issued, before عن + the issuer).
    pub fn is_issued_by(&self, folded: &str) -> bool {
        self.issued_by.contains(folded)
    }

    /// True for a noun naming a work, event or slogan (فيلم، مهرجان، وسم), indefinite or with
    /// the article, after stripping the proclitics و ف ب ل ك.
    pub fn is_title_noun(&self, folded: &str) -> bool {
        strip_proclitics(folded).any(|w| {
            self.title_nouns.contains(w)
                || w.strip_prefix("ال")
                    .is_some_and(|b| self.title_nouns.contains(b))
        }) || folded
            .strip_prefix("لل")
            .or_else(|| folded.strip_prefix("ولل"))
            .is_some_and(|b| self.title_nouns.contains(b))
    }

    /// True for a naming word (يسمى، يعرف، المعروف) after which a quoted span is a term.
    pub fn is_naming_word(&self, folded: &str) -> bool {
        strip_proclitics(folded).any(|w| self.naming.contains(w))
    }

    /// True for a word allowed between a closing mark and a quote-first cue (هكذا).
    pub fn is_quote_first_filler(&self, folded: &str) -> bool {
        self.quote_first.contains(folded)
    }
}

/// The folded word and its readings without the proclitics و ف then ب ل ك (each at most once),
/// never leaving fewer than two letters.
pub(crate) fn strip_proclitics(folded: &str) -> impl Iterator<Item = &str> {
    let mut out = vec![folded];
    let conj = ['و', 'ف']
        .iter()
        .find_map(|c| folded.strip_prefix(*c))
        .filter(|w| w.chars().count() >= 2);
    if let Some(w) = conj {
        out.push(w);
    }
    for w in [Some(folded), conj].into_iter().flatten() {
        if let Some(rest) = ['ب', 'ل', 'ك']
            .iter()
            .find_map(|c| w.strip_prefix(*c))
            .filter(|r| r.chars().count() >= 2)
        {
            out.push(rest);
        }
    }
    out.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(word: &str) -> Option<CueInfo> {
        LEXICON.cue(&fold_str(word))
    }

    #[test]
    fn cue_forms_with_proclitics_and_diacritics() {
        let past_m = Some(CueInfo {
            form: CueForm::Past,
            feminine: false,
        });
        assert_eq!(cue("وقال"), past_m);
        assert_eq!(
            cue("فأضاف"),
            Some(CueInfo {
                form: CueForm::Past,
                feminine: false
            })
        );
        assert_eq!(
            cue("قالت"),
            Some(CueInfo {
                form: CueForm::Past,
                feminine: true
            })
        );
        assert_eq!(cue("يقول").map(|c| c.form), Some(CueForm::Present));
        assert_eq!(
            cue("مضيفةً"),
            Some(CueInfo {
                form: CueForm::Participle,
                feminine: true
            })
        );
        assert_eq!(cue("مؤكداً").map(|c| c.form), Some(CueForm::Participle));
        assert_eq!(cue("مؤكدين").map(|c| c.form), Some(CueForm::Participle));
        assert_eq!(cue("قالوا").map(|c| c.form), Some(CueForm::Plural));
        assert_eq!(cue("علّق").map(|c| c.form), Some(CueForm::Past));
        assert_eq!(cue("سألني").map(|c| c.form), Some(CueForm::Past));
        // Nouns left out of the list.
        for noun in ["طالب", "بين", "متابعة", "إفادة", "قول", "الوزير"] {
            assert_eq!(cue(noun), None, "{noun}");
        }
    }

    #[test]
    fn triggers_sources_and_function_words() {
        assert!(LEXICON.is_trigger(&fold_str("لوكالة")));
        assert!(LEXICON.is_trigger(&fold_str("تنظيم")));
        assert!(!LEXICON.is_trigger(&fold_str("الحركة")));
        assert!(LEXICON.is_lam_media(&fold_str("لصحيفة")));
        assert!(LEXICON.is_complementizer(&fold_str("بأنه")));
        assert!(LEXICON.is_recipient(&fold_str("للصحفيين")));
        assert!(LEXICON.is_adjunct(&fold_str("المؤتمر")));
        assert!(!LEXICON.is_adjunct_as_written(&fold_str("البيان")));
        assert!(LEXICON.is_relay(&fold_str("ونقلت")));
        let wfq = LEXICON
            .sources
            .iter()
            .find(|s| s.words == [fold_str("وفقا")])
            .expect("وفقا ل is listed");
        assert!(wfq.lam && wfq.takes_name);
        assert!(LEXICON.sources.iter().any(|s| !s.takes_name));
    }
}
