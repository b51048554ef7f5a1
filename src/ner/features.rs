//! Feature extraction for the tagger: every token gets a list of hashed feature ids
//! ([`super::hash::FeatureHasher`]), grouped so each group can be switched off for ablation.
//!
//! Groups (after the Arabic NER feature sets of Benajiba, Diab & Rosso 2008 and the CoNLL
//! feature sets of Ratinov & Roth 2009): word form, folded form, form with proclitics split off,
//! prefixes/suffixes 1–4, word shape, position in sentence, ±2 neighbours (raw and folded) and
//! bigrams, title/trigger words to the left, nisba endings, a Latin-transliteration cue, and
//! distributional word clusters computed from the training text ([`super::cluster`]).
//!
//! The folding used here is the tagger's own ([`fold`]), frozen with the weights: the model's
//! features must not drift when the shared matching folding evolves.

use super::cluster::Clusters;
use super::hash::FeatureHasher;
use super::lexicon::Gazetteer;

/// Data the features look words up in; stored in the model file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// Word clusters ([`super::cluster`]).
    pub clusters: Clusters,
    /// Gazetteers ([`super::lexicon`]).
    pub gazetteer: Gazetteer,
}

/// Which feature groups are on. Stored in the model file (as `key=value` text) so that tagging
/// uses exactly the features the model was trained with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureConfig {
    /// Raw word form.
    pub word: bool,
    /// Folded form.
    pub fold: bool,
    /// Form with proclitics (و ف ب ل ك and the article) split off.
    pub stem: bool,
    /// Prefixes and suffixes of 1–4 letters (of the folded form and of the stem).
    pub affix: bool,
    /// Word shape and length.
    pub shape: bool,
    /// Position in the sentence.
    pub position: bool,
    /// ±2 neighbours (folded, raw at ±1, stems at ±1) and word bigrams.
    pub context: bool,
    /// Title / trigger / cue words at −2..−1 and +1, and the token's own trigger class.
    pub trigger: bool,
    /// Nisba endings (ي، ية، يون، يين) with and without the article.
    pub nisba: bool,
    /// A Latin word in parentheses right after the token.
    pub latin: bool,
    /// Distributional cluster ids of the token and its neighbours.
    pub cluster: bool,
    /// Gazetteer membership of the token, its neighbours and multi-word spans around it.
    pub lexicon: bool,
    /// Character trigrams of the clitic-stripped stem (with word-boundary marks).
    pub ngram: bool,
    /// Position inside quotation marks (« » " “ ”) and whether a closing mark follows soon
    /// (an extension group: off unless set, written in the model's configuration only when on,
    /// so models trained before it load unchanged).
    pub quote: bool,
    /// Wider left context (an extension group, like `quote`): the trigger class at −3, and the
    /// nearest trigger word within −4..−1 (its class with its distance, and its folded form).
    pub wide: bool,
    /// Document recurrence for the second stage (an extension group): how often the token's
    /// key and the bigrams it starts and ends recur within the document window
    /// ([`super::doc`]).
    pub recur: bool,
    /// Document topic and stage-1-type context for the second stage (an extension group):
    /// sports / company / media cue counts within the document window with the token's
    /// first-stage type, that type with the neighbouring keys, and a definite nisba adjective
    /// right after the token ([`super::doc`]).
    pub topic: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            word: true,
            fold: true,
            stem: true,
            affix: true,
            shape: true,
            position: true,
            context: true,
            trigger: true,
            nisba: true,
            latin: true,
            cluster: true,
            lexicon: true,
            ngram: true,
            quote: false,
            wide: false,
            recur: false,
            topic: false,
        }
    }
}

impl FeatureConfig {
    /// Group names, in the order of [`FeatureConfig::to_text`].
    pub const GROUPS: [&'static str; 13] = [
        "word", "fold", "stem", "affix", "shape", "position", "context", "trigger", "nisba",
        "latin", "cluster", "lexicon", "ngram",
    ];

    fn flag(&mut self, name: &str) -> Option<&mut bool> {
        Some(match name {
            "word" => &mut self.word,
            "fold" => &mut self.fold,
            "stem" => &mut self.stem,
            "affix" => &mut self.affix,
            "shape" => &mut self.shape,
            "position" => &mut self.position,
            "context" => &mut self.context,
            "trigger" => &mut self.trigger,
            "nisba" => &mut self.nisba,
            "latin" => &mut self.latin,
            "cluster" => &mut self.cluster,
            "lexicon" => &mut self.lexicon,
            "ngram" => &mut self.ngram,
            "quote" => &mut self.quote,
            "wide" => &mut self.wide,
            "recur" => &mut self.recur,
            "topic" => &mut self.topic,
            _ => return None,
        })
    }

    /// Sets group `name` on or off; `false` if there is no such group.
    pub fn set(&mut self, name: &str, on: bool) -> bool {
        match self.flag(name) {
            Some(f) => {
                *f = on;
                true
            }
            None => false,
        }
    }

    /// Extension groups (off by default): after [`FeatureConfig::GROUPS`] in
    /// [`FeatureConfig::to_text`], and only when on.
    pub const EXTENSIONS: [&'static str; 4] = ["quote", "wide", "recur", "topic"];

    /// `word=1 fold=1 …` (all [`FeatureConfig::GROUPS`], fixed order; then the
    /// [`FeatureConfig::EXTENSIONS`] that are on).
    pub fn to_text(&self) -> String {
        let mut c = self.clone();
        let mut items: Vec<String> = Self::GROUPS
            .iter()
            .map(|g| format!("{g}={}", u8::from(*c.flag(g).expect("known group"))))
            .collect();
        for g in Self::EXTENSIONS {
            if *c.flag(g).expect("known group") {
                items.push(format!("{g}=1"));
            }
        }
        items.join(" ")
    }

    /// Parses [`FeatureConfig::to_text`]; unknown keys are an error.
    pub fn from_text(text: &str) -> Result<Self, String> {
        let mut c = FeatureConfig::default();
        for item in text.split_whitespace() {
            let (k, v) = item
                .split_once('=')
                .ok_or_else(|| format!("bad feature item {item:?}"))?;
            if !c.set(k, v == "1") {
                return Err(format!("unknown feature group {k:?}"));
            }
        }
        Ok(c)
    }
}

/// The tagger's folding of one token: أ إ آ ٱ → ا, ى → ي, ة → ه, ک → ك, ی → ي, Arabic-Indic
/// digits → ASCII, diacritics (U+064B–U+065F, U+0670), tatweel and bidi/zero-width marks removed,
/// Latin lower-cased. (The same rules as `text::normalize`, minus NFKC.)
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' | 'ی' | 'ي' => out.push('ي'),
            'ة' | 'ۀ' => out.push('ه'),
            'ک' => out.push('ك'),
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
            '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{FEFF}' => {}
            '\u{0660}'..='\u{0669}' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
            '\u{06F0}'..='\u{06F9}' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
            c if c.is_ascii_uppercase() => out.push(c.to_ascii_lowercase()),
            c => out.push(c),
        }
    }
    out
}

/// Strips proclitics from a **folded** word for features: a conjunction/preposition stack with
/// the article (وال، بال، فال، كال، وبال، فبال، لل، ولل، فلل) or the bare article ال leaves the
/// stem without the article; otherwise one of و ف ب ل ك is taken off when at least three
/// letters remain. Returns `(stem, had_article)`; the word itself when nothing applies.
pub fn strip_proclitics(folded: &str) -> (&str, bool) {
    const STACKS: [&str; 10] = [
        "وبال", "فبال", "وكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل",
    ];
    for p in STACKS {
        if let Some(rest) = folded.strip_prefix(p)
            && rest.chars().count() >= 2
        {
            return (rest, true);
        }
    }
    if let Some(rest) = folded.strip_prefix("ال")
        && rest.chars().count() >= 2
    {
        return (rest, true);
    }
    for p in ["و", "ف", "ب", "ل", "ك"] {
        if let Some(rest) = folded.strip_prefix(p)
            && rest.chars().count() >= 3
        {
            return (rest, false);
        }
    }
    (folded, false)
}

/// The folded word with a leading conjunction/preposition stack removed when what remains
/// carries the article (والامم → الامم, للامم → الامم); otherwise the word itself.
pub fn strip_to_article(folded: &str) -> std::borrow::Cow<'_, str> {
    let mut rest = folded;
    if let Some(r) = rest.strip_prefix(['و', 'ف']) {
        rest = r;
    }
    if let Some(r) = rest.strip_prefix("لل")
        && r.chars().count() >= 2
    {
        return format!("ال{r}").into();
    }
    if let Some(r) = rest.strip_prefix(['ب', 'ك', 'ل'])
        && r.starts_with("ال")
    {
        rest = r;
    }
    if rest.starts_with("ال") && rest.chars().count() >= 4 {
        rest.into()
    } else {
        folded.into()
    }
}

/// Trigger classes of a folded, clitic-stripped word (our hand-written lists).
fn trigger_class(stem: &str) -> u8 {
    // Titles and roles that precede person names.
    const PER: &[&str] = &[
        "رييس",
        "رييسه",
        "ملك",
        "ملكه",
        "امير",
        "اميره",
        "شيخ",
        "وزير",
        "وزيره",
        "متحدث",
        "متحدثه",
        "سيد",
        "سيده",
        "دكتور",
        "دكتوره",
        "د",
        "نايب",
        "عقيد",
        "لواء",
        "عميد",
        "جنرال",
        "مستشار",
        "امين",
        "سفير",
        "مدرب",
        "لاعب",
        "فنان",
        "فنانه",
        "كاتب",
        "كاتبه",
        "شاعر",
        "مطرب",
        "مطربه",
        "مخرج",
        "زعيم",
        "قايد",
        "مدير",
        "مديره",
        "نجم",
        "نجمه",
        "مراسل",
        "استاذ",
        "بروفيسور",
        "القاضي",
        "قاضي",
        "محامي",
        "امام",
        "بابا",
        "مفتي",
        "رييسا",
        "وزيرا",
        "عضو",
        "زميل",
        "مساعد",
        "نيابه",
        "مبعوث",
        "مندوب",
        "سلطان",
        "حاكم",
        "ولي",
        "عاهل",
        "مغني",
        "مغنيه",
        "ممثل",
        "ممثله",
        "بطل",
        "بطله",
        "ابن",
        "بن",
        "ابو",
        "ام",
        "عم",
        "شقيق",
        "شقيقه",
        "زوج",
        "زوجه",
        "ابنه",
        "مواطن",
        "عالم",
        "مهندس",
    ];
    // Reporting verbs (a person often follows).
    const CUE: &[&str] = &[
        "قال",
        "قالت",
        "اضاف",
        "اضافت",
        "اكد",
        "اكدت",
        "شدد",
        "شددت",
        "اوضح",
        "اوضحت",
        "تابع",
        "تابعت",
        "اشار",
        "اشارت",
        "ذكر",
        "ذكرت",
        "صرح",
        "صرحت",
        "اعلن",
        "اعلنت",
        "علق",
        "علقت",
        "اردف",
        "يقول",
        "تقول",
        "افاد",
        "افادت",
        "اعتبر",
        "اعتبرت",
        "راي",
        "رات",
        "طالب",
        "طالبت",
        "دعا",
        "دعت",
        "نفي",
        "نفت",
        "كشف",
        "كشفت",
        "استقبل",
        "التقي",
    ];
    // Organisation trigger nouns.
    const ORG: &[&str] = &[
        "منظمه",
        "حركه",
        "وزاره",
        "وكاله",
        "مجلس",
        "شركه",
        "نادي",
        "صحيفه",
        "حزب",
        "جامعه",
        "بنك",
        "مصرف",
        "مؤسسه",
        "موسسه",
        "هييه",
        "اتحاد",
        "جمعيه",
        "جبهه",
        "لجنه",
        "محكمه",
        "مركز",
        "معهد",
        "اكاديميه",
        "مجموعه",
        "تنظيم",
        "قناه",
        "اذاعه",
        "تلفزيون",
        "مجله",
        "برلمان",
        "منتخب",
        "فريق",
        "جيش",
        "قوات",
        "شرطه",
        "مكتب",
        "ادراه",
        "اداره",
        "دايره",
        "مستشفي",
        "مدرسه",
        "كليه",
        "جهاز",
        "سلطه",
        "حكومه",
        "رابطه",
        "نقابه",
        "بورصه",
    ];
    // Place trigger nouns.
    const LOC: &[&str] = &[
        "مدينه",
        "عاصمه",
        "محافظه",
        "اقليم",
        "ولايه",
        "منطقه",
        "قريه",
        "جزيره",
        "بحر",
        "نهر",
        "دوله",
        "بلده",
        "مقاطعه",
        "جبل",
        "بحيره",
        "خليج",
        "شارع",
        "حي",
        "مخيم",
        "ميناء",
        "مطار",
        "صحراء",
        "وادي",
        "سواحل",
        "شمال",
        "جنوب",
        "شرق",
        "غرب",
        "وسط",
        "عواصم",
        "مدن",
        "دول",
        "اراضي",
        "بلاد",
        "حدود",
        "قطاع",
        "ضاحيه",
    ];
    static MAP: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, u8>> =
        std::sync::OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut m = rustc_hash::FxHashMap::default();
        // Earlier lists win (insert in reverse so PER overrides CUE etc.).
        for (class, list) in [(4u8, LOC), (3, ORG), (2, CUE), (1, PER)] {
            for w in list {
                m.insert(*w, class);
            }
        }
        m
    });
    map.get(stem).copied().unwrap_or(0)
}

fn shape(raw: &str) -> (u8, u8) {
    let mut class = 0u8; // bit 0 Arabic, 1 Latin lower, 2 Latin upper, 3 digit, 4 punct
    let mut first_upper = false;
    for (i, c) in raw.chars().enumerate() {
        let bit = if ('\u{0600}'..='\u{06FF}').contains(&c) && !c.is_ascii_digit() {
            if ('\u{0660}'..='\u{0669}').contains(&c) {
                8
            } else {
                1
            }
        } else if c.is_ascii_lowercase() {
            2
        } else if c.is_ascii_uppercase() {
            if i == 0 {
                first_upper = true;
            }
            4
        } else if c.is_ascii_digit() {
            8
        } else {
            16
        };
        class |= bit;
    }
    let len = raw.chars().count().min(8) as u8;
    (class | (u8::from(first_upper) << 5), len)
}

fn is_nisba(stem: &str) -> bool {
    ["ي", "يه", "يون", "يين", "يان", "يتين"]
        .iter()
        .any(|s| stem.ends_with(s))
        && stem.chars().count() >= 4
}

/// Prefixes and suffixes of 1–4 characters (`None` where the word is shorter).
fn affixes(s: &str) -> ([Option<&str>; 4], [Option<&str>; 4]) {
    let mut pre = [None; 4];
    let mut suf = [None; 4];
    let mut ends = s
        .char_indices()
        .skip(1)
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    for p in pre.iter_mut() {
        match ends.next() {
            Some(e) => *p = Some(&s[..e]),
            None => break,
        }
    }
    let mut starts = s.char_indices().rev();
    for x in suf.iter_mut() {
        match starts.next() {
            Some((i, _)) => *x = Some(&s[i..]),
            None => break,
        }
    }
    (pre, suf)
}

/// Per-token information computed once per sentence (reference extractor).
#[cfg(test)]
struct TokInfo<'a> {
    raw: &'a str,
    fold: String,
    stem_start: usize,
    article: bool,
    trigger: u8,
    cluster: Option<u32>,
    /// Folded form with conj/prep removed before the article: `fold[art_start..]`, or
    /// `art_owned` when it had to be rebuilt (لل → ال).
    art_start: usize,
    art_owned: Option<String>,
    /// Gazetteer mask of the exact folded form, and of the clitic-stripped forms.
    lex_exact: u16,
    lex_strip: u16,
    /// Position in a multi-word gazetteer match: 0 none, else (class bit + 1) * 2 + (0 = B, 1 = I).
    lex_span: u32,
}

#[cfg(test)]
impl TokInfo<'_> {
    fn stem(&self) -> &str {
        &self.fold[self.stem_start..]
    }

    fn art(&self) -> &str {
        self.art_owned
            .as_deref()
            .unwrap_or(&self.fold[self.art_start..])
    }
}

/// Hashed feature ids for every token of a sentence: `ids[offsets[i]..offsets[i + 1]]` are
/// token `i`'s. Reuse one value across sentences to avoid allocation.
#[derive(Clone, Debug, Default)]
pub struct SentenceFeatures {
    /// Concatenated feature ids.
    pub ids: Vec<u64>,
    /// `len() + 1` offsets into `ids`.
    pub offsets: Vec<usize>,
    /// Scratch: each token's entry in the [`WordCache`], and its gazetteer span code.
    words: Vec<u32>,
    spans: Vec<u32>,
    quotes: Vec<u64>,
}

impl SentenceFeatures {
    /// Token `i`'s feature ids.
    pub fn token(&self, i: usize) -> &[u64] {
        &self.ids[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Token `i`'s entry in the [`WordCache`] used to extract these features.
    pub fn word(&self, i: usize) -> usize {
        self.words[i] as usize
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// True when there is no token.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Appends per-token extra feature ids (e.g. document features, [`super::doc`]) to `out`.
/// `extra` has one list per token.
pub fn append_extra(out: &mut SentenceFeatures, extra: &[Vec<u64>]) {
    debug_assert_eq!(extra.len(), out.len());
    let total: usize = extra.iter().map(Vec::len).sum();
    if total == 0 {
        return;
    }
    let mut ids = Vec::with_capacity(out.ids.len() + total);
    let mut offsets = Vec::with_capacity(out.offsets.len());
    offsets.push(0);
    for (i, e) in extra.iter().enumerate() {
        ids.extend_from_slice(out.token(i));
        ids.extend_from_slice(e);
        offsets.push(ids.len());
    }
    out.ids = ids;
    out.offsets = offsets;
}

const BOS: &str = "<s>";
const EOS: &str = "</s>";

/// Quotation state of every token of a sentence (tokens as written), into `out`: 7 for an
/// opening mark, 8 for a closing one, 0 outside quotations, else 1 + min(tokens since the
/// opening mark − 1, 2), plus 3 when a closing mark follows within three tokens. « opens, »
/// closes; " “ ” open when no quotation is open and close otherwise.
fn quote_codes<S: AsRef<str>>(tokens: &[S], out: &mut Vec<u64>) {
    let n = tokens.len();
    out.clear();
    out.resize(n, 0);
    let mut open: Option<usize> = None;
    for (i, t) in tokens.iter().enumerate() {
        let (opens, closes) = match t.as_ref() {
            "«" => (true, false),
            "»" => (false, true),
            "\"" | "“" | "”" => (open.is_none(), open.is_some()),
            _ => (false, false),
        };
        if opens {
            open = Some(i);
            out[i] = 7;
        } else if closes {
            open = None;
            out[i] = 8;
        } else if let Some(o) = open {
            out[i] = 1 + (i - o - 1).min(2) as u64;
        }
    }
    for i in 0..n {
        if (1..=3).contains(&out[i]) && out[i + 1..n.min(i + 4)].contains(&8) {
            out[i] += 3;
        }
    }
}

/// What [`extract_with`] knows about one distinct token text: its folded forms (ranges into
/// [`WordCache`]'s text arena), lookups, and the feature ids that depend on the word alone.
#[derive(Clone, Copy, Debug)]
struct Word {
    fold: (u32, u32),
    art: (u32, u32),
    trigger: u8,
    cluster: Option<u32>,
    nisba: u64,
    lex_exact: u16,
    lex_strip: u16,
    starts_phrase: bool,
    open_paren: bool,
    upper_initial: bool,
    /// Ids (ranges into the id arena): bias, word, fold, stem, affix and shape groups; the
    /// stem's character trigrams; the gazetteer class bits.
    head: (u32, u32),
    ngram: (u32, u32),
    lex_bits: (u32, u32),
    /// Context ids this word gives a token at offset d from it: template 60 at d = −2, −1, 1,
    /// 2; template 61 and 62 at d = −1, then at d = 1.
    ctx: [u64; 8],
}

/// Memo of per-word work for [`extract_with`], keyed by token text. Valid for one
/// [`FeatureConfig`] and [`Resources`] pair: never share a cache between models that differ in
/// either.
#[derive(Debug, Default)]
pub struct WordCache<'t> {
    index: rustc_hash::FxHashMap<&'t str, u32>,
    words: Vec<Word>,
    text: String,
    ids: Vec<u64>,
}

impl WordCache<'_> {
    /// Number of distinct words seen; entries are numbered `0..len()` in order of first sight.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when no word has been seen.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The feature ids of word `w` that depend on the word alone (whatever its neighbours).
    pub fn word_ids(&self, w: usize) -> impl Iterator<Item = u64> + '_ {
        let x = &self.words[w];
        self.ids(x.head)
            .iter()
            .chain(self.ids(x.ngram))
            .chain(self.ids(x.lex_bits))
            .copied()
    }

    /// The context ids word `w` gives the token at offset d from it: template 60 at d = −2, −1,
    /// 1, 2 (slots 0–3), templates 61 and 62 at d = −1 (4, 5), then at d = 1 (6, 7). Zero when
    /// the `context` group is off.
    pub fn context_ids(&self, w: usize) -> &[u64; 8] {
        &self.words[w].ctx
    }

    fn str(&self, r: (u32, u32)) -> &str {
        &self.text[r.0 as usize..r.1 as usize]
    }

    fn ids(&self, r: (u32, u32)) -> &[u64] {
        &self.ids[r.0 as usize..r.1 as usize]
    }
}

fn range(start: usize, end: usize) -> (u32, u32) {
    (start as u32, end as u32)
}

impl<'t> WordCache<'t> {
    /// Index of `raw`'s entry, computing it on first sight.
    fn word(&mut self, config: &FeatureConfig, res: &Resources, raw: &'t str) -> u32 {
        if let Some(&i) = self.index.get(raw) {
            return i;
        }
        let f0 = self.text.len();
        self.text.push_str(&fold(raw));
        let f1 = self.text.len();
        let fold_s = &self.text[f0..f1];
        let (stem, article) = strip_proclitics(fold_s);
        let s0 = f1 - stem.len();
        let trigger = trigger_class(stem);
        let cluster = if config.cluster {
            res.clusters.get(stem)
        } else {
            None
        };
        let nisba = u64::from(is_nisba(stem)) * (1 + u64::from(article));
        let gaz = &res.gazetteer;
        let (art, lex_exact, lex_strip, starts_phrase) = if config.lexicon {
            let art_cow = strip_to_article(fold_s);
            let exact = gaz.get(fold_s);
            let strip = (gaz.get(&art_cow) | gaz.get(stem)) & !exact;
            let starts = gaz.max_words() > 1 && gaz.starts_phrase(&art_cow);
            let art = match art_cow {
                std::borrow::Cow::Borrowed(a) => range(f1 - a.len(), f1),
                std::borrow::Cow::Owned(a) => {
                    let a0 = self.text.len();
                    self.text.push_str(&a);
                    range(a0, self.text.len())
                }
            };
            (art, exact, strip, starts)
        } else {
            (range(f1, f1), 0, 0, false)
        };
        let fold_s = &self.text[f0..f1];
        let stem = &self.text[s0..f1];
        let ids = &mut self.ids;
        let h0 = ids.len();
        let mut push = |h: FeatureHasher| ids.push(h.finish());
        push(FeatureHasher::new(0));
        if config.word {
            push(FeatureHasher::new(1).str(raw));
        }
        if config.fold {
            push(FeatureHasher::new(2).str(fold_s));
        }
        if config.stem {
            push(FeatureHasher::new(3).str(stem).num(u64::from(article)));
            push(FeatureHasher::new(4).str(stem));
        }
        if config.affix {
            let (pre, suf) = affixes(fold_s);
            let stem_pre = if s0 > f0 { affixes(stem).0 } else { [None; 4] };
            for k in 1..=4 {
                if let Some(p) = pre[k - 1] {
                    push(FeatureHasher::new(10 + k as u32).str(p));
                }
                if let Some(s) = suf[k - 1] {
                    push(FeatureHasher::new(20 + k as u32).str(s));
                }
                if let Some(p) = stem_pre[k - 1] {
                    push(FeatureHasher::new(30 + k as u32).str(p));
                }
            }
        }
        if config.shape {
            let (class, len) = shape(raw);
            push(FeatureHasher::new(40).num(u64::from(class)));
            push(
                FeatureHasher::new(41)
                    .num(u64::from(class))
                    .num(u64::from(len)),
            );
            push(FeatureHasher::new(42).num(u64::from(article)));
        }
        let h1 = ids.len();
        if config.ngram {
            let mut idx: [usize; 40] = [0; 40];
            let mut m = 0;
            for (i, _) in stem.char_indices().take(39) {
                idx[m] = i;
                m += 1;
            }
            if (4..39).contains(&m) {
                idx[m] = stem.len();
                for a in 1..m.saturating_sub(3) {
                    ids.push(
                        FeatureHasher::new(130)
                            .str(&stem[idx[a]..idx[a + 3]])
                            .finish(),
                    );
                }
            }
        }
        let h2 = ids.len();
        if config.lexicon {
            for b in 0..16u64 {
                if lex_exact & (1 << b) != 0 {
                    ids.push(FeatureHasher::new(110).num(b).finish());
                }
                if lex_strip & (1 << b) != 0 {
                    ids.push(FeatureHasher::new(111).num(b).finish());
                }
            }
        }
        let h3 = ids.len();
        let mut ctx = [0u64; 8];
        if config.context {
            for (k, d) in [-2isize, -1, 1, 2].into_iter().enumerate() {
                ctx[k] = FeatureHasher::new(60).num(d as u64).str(fold_s).finish();
            }
            for (k, d) in [-1isize, 1].into_iter().enumerate() {
                ctx[4 + 2 * k] = FeatureHasher::new(61).num(d as u64).str(raw).finish();
                ctx[5 + 2 * k] = FeatureHasher::new(62).num(d as u64).str(stem).finish();
            }
        }
        let w = Word {
            fold: range(f0, f1),
            art,
            trigger,
            cluster,
            nisba,
            lex_exact,
            lex_strip,
            starts_phrase,
            open_paren: raw == "(",
            upper_initial: raw.chars().next().is_some_and(|c| c.is_ascii_uppercase()),
            head: range(h0, h1),
            ngram: range(h1, h2),
            lex_bits: range(h2, h3),
            ctx,
        };
        let i = self.words.len() as u32;
        self.words.push(w);
        self.index.insert(raw, i);
        i
    }
}

/// Extracts the features of a sentence (tokens as written) into `out`.
pub fn extract<S: AsRef<str>>(
    config: &FeatureConfig,
    res: &Resources,
    tokens: &[S],
    out: &mut SentenceFeatures,
) {
    extract_with(config, res, tokens, out, &mut WordCache::default());
}

/// [`extract`] with a memo of per-word work shared across the sentences of a document (the
/// same words recur): the ids are exactly [`extract`]'s, in the same order.
pub fn extract_with<'t, S: AsRef<str>>(
    config: &FeatureConfig,
    res: &Resources,
    tokens: &'t [S],
    out: &mut SentenceFeatures,
    cache: &mut WordCache<'t>,
) {
    extract_impl(config, res, tokens, out, cache, true);
}

/// [`extract_with`] without the ids a word carries wherever it stands, so that a caller can
/// add per-word precomputed weights instead: token `i`'s ids here, plus
/// [`WordCache::word_ids`] of its word ([`SentenceFeatures::word`]), plus
/// [`WordCache::context_ids`] slot `k` of the word at offset d for (d, k) in (−2, 0), (−1, 1),
/// (1, 2), (2, 3), (−1, 4), (−1, 5), (1, 6), (1, 7) when that word exists (the sentence-boundary
/// ids are included here) and the `context` group is on, are exactly [`extract_with`]'s ids
/// (as a multiset).
pub fn extract_contextual<'t, S: AsRef<str>>(
    config: &FeatureConfig,
    res: &Resources,
    tokens: &'t [S],
    out: &mut SentenceFeatures,
    cache: &mut WordCache<'t>,
) {
    extract_impl(config, res, tokens, out, cache, false);
}

fn extract_impl<'t, S: AsRef<str>>(
    config: &FeatureConfig,
    res: &Resources,
    tokens: &'t [S],
    out: &mut SentenceFeatures,
    cache: &mut WordCache<'t>,
    full: bool,
) {
    out.ids.clear();
    out.offsets.clear();
    out.offsets.push(0);
    let n = tokens.len();
    out.words.clear();
    for t in tokens {
        let w = cache.word(config, res, t.as_ref());
        out.words.push(w);
    }
    let c = &*cache;
    let word = |i: usize| &c.words[out.words[i] as usize];
    if config.quote {
        quote_codes(tokens, &mut out.quotes);
    }
    let gaz = &res.gazetteer;
    // Multi-word gazetteer spans: 0 none, else (class bit + 1) * 2 + (0 = B, 1 = I).
    out.spans.clear();
    out.spans.resize(n, 0);
    if config.lexicon && gaz.max_words() > 1 {
        let mut i = 0;
        let mut key = String::new();
        while i < n {
            let mut matched = 0;
            if word(i).starts_phrase {
                for len in (2..=gaz.max_words().min(n - i)).rev() {
                    key.clear();
                    key.push_str(c.str(word(i).art));
                    for j in i + 1..i + len {
                        key.push(' ');
                        key.push_str(c.str(word(j).fold));
                    }
                    let mask = gaz.get(&key);
                    if mask != 0 {
                        let bit = mask.trailing_zeros() + 1;
                        for (k, t) in out.spans[i..i + len].iter_mut().enumerate() {
                            *t = bit * 2 + u32::from(k > 0);
                        }
                        matched = len;
                        break;
                    }
                }
            }
            i += matched.max(1);
        }
    }
    // Boundary context ids (as the reference: 60 and 62 see <s>/</s>; 61 sees <s> both ways).
    let bound = |k: usize| -> u64 {
        let d: [isize; 8] = [-2, -1, 1, 2, -1, -1, 1, 1];
        let tpl = [60, 60, 60, 60, 61, 62, 61, 62][k];
        let mark = if d[k] < 0 || tpl == 61 { BOS } else { EOS };
        FeatureHasher::new(tpl).num(d[k] as u64).str(mark).finish()
    };
    let ctx_at = |j: isize, k: usize| -> Option<u64> {
        if j < 0 || j >= n as isize {
            Some(bound(k))
        } else if full {
            Some(word(j as usize).ctx[k])
        } else {
            None
        }
    };
    let fold_at = |j: isize| -> &str {
        if j < 0 {
            BOS
        } else if j as usize >= n {
            EOS
        } else {
            c.str(word(j as usize).fold)
        }
    };
    let ids = &mut out.ids;
    for i in 0..n {
        let t = word(i);
        let ii = i as isize;
        if full {
            ids.extend_from_slice(c.ids(t.head));
        }
        let mut push = |h: FeatureHasher| ids.push(h.finish());
        if config.position {
            let pos = i.min(3) as u64;
            let last = u64::from(i + 1 == n);
            push(FeatureHasher::new(50).num(pos).num(last));
        }
        if config.context {
            // Token i sees word i + d at offset d (slots 0–3 are d = −2, −1, 1, 2).
            ids.extend(ctx_at(ii - 2, 0));
            ids.extend(ctx_at(ii - 1, 1));
            ids.extend(ctx_at(ii + 1, 2));
            ids.extend(ctx_at(ii + 2, 3));
            // Token i sees word i−1 at d = −1 (61/62 at d = −1 are slots 4, 5).
            ids.extend(ctx_at(ii - 1, 4));
            ids.extend(ctx_at(ii - 1, 5));
            ids.extend(ctx_at(ii + 1, 6));
            ids.extend(ctx_at(ii + 1, 7));
            let mut push = |h: FeatureHasher| ids.push(h.finish());
            let me = c.str(t.fold);
            push(FeatureHasher::new(63).str(fold_at(ii - 1)).str(me));
            push(FeatureHasher::new(64).str(me).str(fold_at(ii + 1)));
            push(
                FeatureHasher::new(65)
                    .str(fold_at(ii - 2))
                    .str(fold_at(ii - 1)),
            );
            push(
                FeatureHasher::new(66)
                    .str(fold_at(ii + 1))
                    .str(fold_at(ii + 2)),
            );
        }
        let mut push = |h: FeatureHasher| ids.push(h.finish());
        if config.trigger {
            let trig = |j: isize| -> u64 {
                if j < 0 || j >= n as isize {
                    9
                } else {
                    u64::from(word(j as usize).trigger)
                }
            };
            push(FeatureHasher::new(70).num(trig(ii)));
            push(FeatureHasher::new(71).num(trig(ii - 1)));
            push(FeatureHasher::new(72).num(trig(ii - 2)));
            push(FeatureHasher::new(73).num(trig(ii + 1)));
            push(FeatureHasher::new(74).num(trig(ii - 1)).num(trig(ii - 2)));
            if config.wide {
                push(FeatureHasher::new(75).num(trig(ii - 3)));
                let near = (1..=4isize)
                    .filter(|d| ii - d >= 0)
                    .find(|d| word((ii - d) as usize).trigger != 0);
                match near {
                    Some(d) => {
                        let w = word((ii - d) as usize);
                        push(
                            FeatureHasher::new(76)
                                .num(u64::from(w.trigger))
                                .num(d as u64),
                        );
                        push(FeatureHasher::new(77).str(c.str(w.fold)));
                    }
                    None => push(FeatureHasher::new(76)),
                }
            }
        }
        if config.nisba {
            let nis = |j: isize| -> u64 {
                if j < 0 || j >= n as isize {
                    2
                } else {
                    word(j as usize).nisba
                }
            };
            push(FeatureHasher::new(80).num(nis(ii)));
            push(FeatureHasher::new(81).num(nis(ii + 1)));
            push(FeatureHasher::new(82).num(nis(ii - 1)));
        }
        if config.latin && i + 2 < n && word(i + 1).open_paren && word(i + 2).upper_initial {
            push(FeatureHasher::new(90));
        }
        if config.cluster {
            let cl = |j: isize| -> u64 {
                if j < 0 || j >= n as isize {
                    u64::MAX
                } else {
                    word(j as usize).cluster.map_or(u64::MAX - 1, u64::from)
                }
            };
            for (tpl, d) in [(100u32, 0isize), (101, -1), (102, 1), (103, -2), (104, 2)] {
                push(FeatureHasher::new(tpl).num(cl(ii + d)));
            }
            push(FeatureHasher::new(105).num(cl(ii - 1)).num(cl(ii)));
            push(FeatureHasher::new(106).num(cl(ii)).num(cl(ii + 1)));
        }
        if full {
            ids.extend_from_slice(c.ids(t.ngram));
        }
        if config.lexicon {
            if full {
                ids.extend_from_slice(c.ids(t.lex_bits));
            }
            let mask = |j: isize| -> u64 {
                if j < 0 || j >= n as isize {
                    1 << 20
                } else {
                    let t = word(j as usize);
                    u64::from(t.lex_exact | t.lex_strip)
                }
            };
            let mut push = |h: FeatureHasher| ids.push(h.finish());
            push(FeatureHasher::new(112).num(mask(ii)));
            push(FeatureHasher::new(113).num(mask(ii - 1)));
            push(FeatureHasher::new(114).num(mask(ii + 1)));
            push(FeatureHasher::new(115).num(mask(ii - 1)).num(mask(ii)));
            push(FeatureHasher::new(116).num(mask(ii)).num(mask(ii + 1)));
            if out.spans[i] != 0 {
                push(FeatureHasher::new(117).num(u64::from(out.spans[i])));
            }
        }
        if config.quote && out.quotes[i] != 0 {
            ids.push(FeatureHasher::new(150).num(out.quotes[i]).finish());
        }
        out.offsets.push(ids.len());
    }
}

/// The straightforward extractor [`extract`] is checked against (same ids, same order).
#[cfg(test)]
fn extract_reference<S: AsRef<str>>(
    config: &FeatureConfig,
    res: &Resources,
    tokens: &[S],
    out: &mut SentenceFeatures,
) {
    out.ids.clear();
    out.offsets.clear();
    out.offsets.push(0);
    let clusters = &res.clusters;
    let gaz = &res.gazetteer;
    let mut info: Vec<TokInfo<'_>> = tokens
        .iter()
        .map(|t| {
            let raw = t.as_ref();
            let fold = fold(raw);
            let (stem, article) = strip_proclitics(&fold);
            let stem_start = fold.len() - stem.len();
            let trigger = trigger_class(stem);
            let cluster = if config.cluster {
                clusters.get(stem)
            } else {
                None
            };
            let (art_start, art_owned, lex_exact, lex_strip) = if config.lexicon {
                let art = strip_to_article(&fold);
                let exact = gaz.get(&fold);
                let strip = (gaz.get(&art) | gaz.get(stem)) & !exact;
                match art {
                    std::borrow::Cow::Borrowed(a) => (fold.len() - a.len(), None, exact, strip),
                    std::borrow::Cow::Owned(a) => (fold.len(), Some(a), exact, strip),
                }
            } else {
                (fold.len(), None, 0, 0)
            };
            TokInfo {
                raw,
                fold,
                stem_start,
                article,
                trigger,
                cluster,
                art_start,
                art_owned,
                lex_exact,
                lex_strip,
                lex_span: 0,
            }
        })
        .collect();
    let n = info.len();
    if config.lexicon && gaz.max_words() > 1 {
        let mut i = 0;
        let mut key = String::new();
        while i < n {
            let mut matched = 0;
            if gaz.starts_phrase(info[i].art()) {
                for len in (2..=gaz.max_words().min(n - i)).rev() {
                    key.clear();
                    key.push_str(info[i].art());
                    for t in &info[i + 1..i + len] {
                        key.push(' ');
                        key.push_str(&t.fold);
                    }
                    let mask = gaz.get(&key);
                    if mask != 0 {
                        let bit = mask.trailing_zeros() + 1;
                        for (k, t) in info[i..i + len].iter_mut().enumerate() {
                            t.lex_span = bit * 2 + u32::from(k > 0);
                        }
                        matched = len;
                        break;
                    }
                }
            }
            i += matched.max(1);
        }
    }
    let info = info;
    let mut quotes = Vec::new();
    quote_codes(tokens, &mut quotes);
    let fold_at = |j: isize| -> &str {
        if j < 0 {
            BOS
        } else if j as usize >= n {
            EOS
        } else {
            &info[j as usize].fold
        }
    };
    let stem_at = |j: isize| -> &str {
        if j < 0 {
            BOS
        } else if j as usize >= n {
            EOS
        } else {
            info[j as usize].stem()
        }
    };
    let ids = &mut out.ids;
    for (i, t) in info.iter().enumerate() {
        let ii = i as isize;
        let mut push = |h: FeatureHasher| ids.push(h.finish());
        push(FeatureHasher::new(0));
        if config.word {
            push(FeatureHasher::new(1).str(t.raw));
        }
        if config.fold {
            push(FeatureHasher::new(2).str(&t.fold));
        }
        if config.stem {
            push(
                FeatureHasher::new(3)
                    .str(t.stem())
                    .num(u64::from(t.article)),
            );
            push(FeatureHasher::new(4).str(t.stem()));
        }
        if config.affix {
            let (pre, suf) = affixes(&t.fold);
            let stem_pre = if t.stem_start > 0 {
                affixes(t.stem()).0
            } else {
                [None; 4]
            };
            for k in 1..=4 {
                if let Some(p) = pre[k - 1] {
                    push(FeatureHasher::new(10 + k as u32).str(p));
                }
                if let Some(s) = suf[k - 1] {
                    push(FeatureHasher::new(20 + k as u32).str(s));
                }
                if let Some(p) = stem_pre[k - 1] {
                    push(FeatureHasher::new(30 + k as u32).str(p));
                }
            }
        }
        if config.shape {
            let (class, len) = shape(t.raw);
            push(FeatureHasher::new(40).num(u64::from(class)));
            push(
                FeatureHasher::new(41)
                    .num(u64::from(class))
                    .num(u64::from(len)),
            );
            push(FeatureHasher::new(42).num(u64::from(t.article)));
        }
        if config.position {
            let pos = i.min(3) as u64;
            let last = u64::from(i + 1 == n);
            push(FeatureHasher::new(50).num(pos).num(last));
        }
        if config.context {
            for d in [-2isize, -1, 1, 2] {
                push(FeatureHasher::new(60).num(d as u64).str(fold_at(ii + d)));
            }
            for d in [-1isize, 1] {
                let raw = if ii + d < 0 || ii + d >= n as isize {
                    BOS
                } else {
                    info[(ii + d) as usize].raw
                };
                push(FeatureHasher::new(61).num(d as u64).str(raw));
                push(FeatureHasher::new(62).num(d as u64).str(stem_at(ii + d)));
            }
            push(FeatureHasher::new(63).str(fold_at(ii - 1)).str(&t.fold));
            push(FeatureHasher::new(64).str(&t.fold).str(fold_at(ii + 1)));
            push(
                FeatureHasher::new(65)
                    .str(fold_at(ii - 2))
                    .str(fold_at(ii - 1)),
            );
            push(
                FeatureHasher::new(66)
                    .str(fold_at(ii + 1))
                    .str(fold_at(ii + 2)),
            );
        }
        if config.trigger {
            let trig = |j: isize| -> u64 {
                if j < 0 || j >= n as isize {
                    9
                } else {
                    u64::from(info[j as usize].trigger)
                }
            };
            push(FeatureHasher::new(70).num(trig(ii)));
            push(FeatureHasher::new(71).num(trig(ii - 1)));
            push(FeatureHasher::new(72).num(trig(ii - 2)));
            push(FeatureHasher::new(73).num(trig(ii + 1)));
            push(FeatureHasher::new(74).num(trig(ii - 1)).num(trig(ii - 2)));
            if config.wide {
                push(FeatureHasher::new(75).num(trig(ii - 3)));
                let near = (1..=4isize)
                    .filter(|d| ii - d >= 0)
                    .find(|d| info[(ii - d) as usize].trigger != 0);
                match near {
                    Some(d) => {
                        let w = &info[(ii - d) as usize];
                        push(
                            FeatureHasher::new(76)
                                .num(u64::from(w.trigger))
                                .num(d as u64),
                        );
                        push(FeatureHasher::new(77).str(&w.fold));
                    }
                    None => push(FeatureHasher::new(76)),
                }
            }
        }
        if config.nisba {
            let nis = |j: isize| -> u64 {
                if j < 0 || j >= n as isize {
                    2
                } else {
                    let t = &info[j as usize];
                    u64::from(is_nisba(t.stem())) * (1 + u64::from(t.article))
                }
            };
            push(FeatureHasher::new(80).num(nis(ii)));
            push(FeatureHasher::new(81).num(nis(ii + 1)));
            push(FeatureHasher::new(82).num(nis(ii - 1)));
        }
        if config.latin {
            let cue = i + 2 < n
                && info[i + 1].raw == "("
                && info[i + 2]
                    .raw
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase());
            if cue {
                push(FeatureHasher::new(90));
            }
        }
        if config.cluster {
            let cl = |j: isize| -> u64 {
                if j < 0 || j >= n as isize {
                    u64::MAX
                } else {
                    info[j as usize].cluster.map_or(u64::MAX - 1, u64::from)
                }
            };
            for (tpl, d) in [(100u32, 0isize), (101, -1), (102, 1), (103, -2), (104, 2)] {
                push(FeatureHasher::new(tpl).num(cl(ii + d)));
            }
            push(FeatureHasher::new(105).num(cl(ii - 1)).num(cl(ii)));
            push(FeatureHasher::new(106).num(cl(ii)).num(cl(ii + 1)));
        }
        if config.ngram {
            let stem = t.stem();
            let mut idx: [usize; 40] = [0; 40];
            let mut m = 0;
            for (i, _) in stem.char_indices().take(39) {
                idx[m] = i;
                m += 1;
            }
            if (4..39).contains(&m) {
                idx[m] = stem.len();
                // Inner trigrams (prefixes/suffixes are already covered by `affix`).
                for a in 1..m.saturating_sub(3) {
                    push(FeatureHasher::new(130).str(&stem[idx[a]..idx[a + 3]]));
                }
            }
        }
        if config.lexicon {
            for b in 0..16u64 {
                if t.lex_exact & (1 << b) != 0 {
                    push(FeatureHasher::new(110).num(b));
                }
                if t.lex_strip & (1 << b) != 0 {
                    push(FeatureHasher::new(111).num(b));
                }
            }
            let mask = |j: isize| -> u64 {
                if j < 0 || j >= n as isize {
                    1 << 20
                } else {
                    let t = &info[j as usize];
                    u64::from(t.lex_exact | t.lex_strip)
                }
            };
            push(FeatureHasher::new(112).num(mask(ii)));
            push(FeatureHasher::new(113).num(mask(ii - 1)));
            push(FeatureHasher::new(114).num(mask(ii + 1)));
            push(FeatureHasher::new(115).num(mask(ii - 1)).num(mask(ii)));
            push(FeatureHasher::new(116).num(mask(ii)).num(mask(ii + 1)));
            if t.lex_span != 0 {
                push(FeatureHasher::new(117).num(u64::from(t.lex_span)));
            }
        }
        if config.quote && quotes[i] != 0 {
            push(FeatureHasher::new(150).num(quotes[i]));
        }
        out.offsets.push(ids.len());
    }
}

/// `(offset, slot)`: the [`WordCache::context_ids`] slot a token takes from the word
/// at that offset.
pub const CONTEXT_SLOTS: [(isize, usize); 8] = [
    (-2, 0),
    (-1, 1),
    (1, 2),
    (2, 3),
    (-1, 4),
    (-1, 5),
    (1, 6),
    (1, 7),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_and_proclitics() {
        assert_eq!(fold("أَحْمَدُ"), "احمد");
        assert_eq!(fold("مدرسة"), "مدرسه");
        assert_eq!(fold("فى"), "في");
        assert_eq!(strip_proclitics("والكرملين"), ("كرملين", true));
        assert_eq!(strip_proclitics("للامم"), ("امم", true));
        assert_eq!(strip_proclitics("لبيسكوف"), ("بيسكوف", false));
        assert_eq!(strip_proclitics("بغداد"), ("غداد", false));
        assert_eq!(strip_proclitics("في"), ("في", false));
        assert_eq!(strip_to_article("والامم"), "الامم");
        assert_eq!(strip_to_article("للامم"), "الامم");
        assert_eq!(strip_to_article("وبيروت"), "وبيروت");
    }

    #[test]
    fn quotation_codes() {
        let mut q = Vec::new();
        quote_codes(
            &[
                "قال",
                "«",
                "حركة",
                "النهضة",
                "»",
                "و",
                "\"",
                "أ",
                "ب",
                "ج",
                "د",
            ],
            &mut q,
        );
        assert_eq!(q, [0, 7, 4, 5, 8, 0, 7, 1, 2, 3, 3]);
    }

    #[test]
    fn config_text_round_trip() {
        let mut c = FeatureConfig::default();
        c.set("cluster", false);
        let t = c.to_text();
        assert!(t.contains("cluster=0") && !t.contains("quote"));
        let mut q = c.clone();
        q.set("quote", true);
        assert!(q.to_text().ends_with("quote=1"));
        assert_eq!(FeatureConfig::from_text(&q.to_text()).unwrap(), q);
        assert_eq!(FeatureConfig::from_text(&t).unwrap(), c);
        assert!(FeatureConfig::from_text("bogus=1").is_err());
    }

    #[test]
    fn cached_extraction_equals_the_reference() {
        let res = Resources {
            clusters: Clusters::from_pairs([("وزير".to_string(), 3), ("امم".to_string(), 7)]),
            gazetteer: Gazetteer::from_pairs([
                ("الامم المتحده".to_string(), 16),
                ("روسيا".to_string(), 8),
                ("القاهره".to_string(), 8),
                ("سامح".to_string(), 1),
            ]),
        };
        let doc: Vec<Vec<&str>> = vec![
            vec![
                "قال",
                "الوزير",
                "سامح",
                "شكري",
                "(",
                "Shoukry",
                ")",
                "في",
                "القاهرة",
                ".",
            ],
            vec!["وللأمم", "المتحدة", "ولروسيا", "دورٌ", "روسيا"],
            vec!["الوزير"],
            vec![],
            vec!["للأمم", "المتحدة", "السوريين", "الوزير", "قال"],
            vec![
                "قال",
                ":",
                "\"",
                "إن",
                "حركة",
                "«",
                "النهضة",
                "»",
                "فازت",
                "\"",
                ".",
            ],
        ];
        let mut configs = vec![FeatureConfig::default()];
        let mut quoted = FeatureConfig::default();
        quoted.set("quote", true);
        quoted.set("wide", true);
        configs.push(quoted);
        for g in FeatureConfig::GROUPS {
            let mut c = FeatureConfig::default();
            c.set(g, false);
            configs.push(c);
        }
        for config in &configs {
            let mut cache = WordCache::default();
            for s in &doc {
                let (mut a, mut b, mut c) = Default::default();
                extract_reference(config, &res, s, &mut a);
                extract_with(config, &res, s, &mut b, &mut cache);
                extract(config, &res, s, &mut c);
                assert_eq!(a.ids, b.ids, "{s:?} {}", config.to_text());
                assert_eq!(a.offsets, b.offsets);
                assert_eq!(a.ids, c.ids);
                let mut d = SentenceFeatures::default();
                extract_contextual(config, &res, s, &mut d, &mut cache);
                for i in 0..s.len() {
                    let mut rebuilt = d.token(i).to_vec();
                    rebuilt.extend(cache.word_ids(d.word(i)));
                    if config.context {
                        for (off, k) in CONTEXT_SLOTS {
                            let j = i as isize + off;
                            if j >= 0 && (j as usize) < s.len() {
                                rebuilt.push(cache.context_ids(d.word(j as usize))[k]);
                            }
                        }
                    }
                    let mut full = a.token(i).to_vec();
                    full.sort_unstable();
                    rebuilt.sort_unstable();
                    assert_eq!(full, rebuilt, "{s:?} token {i} {}", config.to_text());
                }
            }
        }
    }

    #[test]
    fn extract_gives_one_list_per_token() {
        let mut out = SentenceFeatures::default();
        extract(
            &FeatureConfig::default(),
            &Resources::default(),
            &["قال", "الرئيس", "."],
            &mut out,
        );
        assert_eq!(out.len(), 3);
        assert!(out.token(1).len() > 20);
        // Same word, same neighbours → same features.
        let mut again = SentenceFeatures::default();
        extract(
            &FeatureConfig::default(),
            &Resources::default(),
            &["قال", "الرئيس", "."],
            &mut again,
        );
        assert_eq!(out.ids, again.ids);
    }
}
