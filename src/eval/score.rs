//! Scoring one article's [`Analysis`] against its [`Gold`] annotation.
//!
//! - Entities: a predicted entity matches a gold one when the kinds agree and one of its written
//!   forms (canonical name, aliases, mention texts) equals, after folding, the gold name or one of
//!   the gold forms. Matching is one-to-one (maximum bipartite matching, Kuhn's augmenting paths),
//!   so an entity split in two costs a false positive and two gold entities merged into one cost a
//!   miss. Micro precision / recall / F1, also per kind.
//! - Quotations: a predicted quotation matches a gold one when the gold `start` words are a prefix
//!   of the predicted content's words (folded, punctuation ignored); one-to-one. Speaker accuracy
//!   and closed-flag accuracy are measured over matched quotations.
//! - Quoted names: multiset match of folded contents (marks stripped).
//! - Diagnostics: per code, gold entries matched one-to-one with predicted diagnostics of that code
//!   whose range text contains the gold `text` (when given): hits, misses, false alarms.
//!
//! Folding is passed in as a function so the arithmetic can be tested apart from the text layer;
//! the command uses [`crate::text::normalize::fold_str`].

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::diagnostics::Severity;

use super::gold::Gold;

/// Folding used to compare strings (`fold_str` in production).
pub type Fold<'a> = &'a dyn Fn(&str) -> String;

/// True/false positives and false negatives. Serialized as
/// `{"tp","fp","fn","precision","recall","f1"}` (ratios are `null` when undefined).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Matched pairs.
    pub tp: usize,
    /// Predicted, not in gold.
    pub fp: usize,
    /// In gold, not predicted.
    pub fn_: usize,
}

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Counts", 6)?;
        s.serialize_field("tp", &self.tp)?;
        s.serialize_field("fp", &self.fp)?;
        s.serialize_field("fn", &self.fn_)?;
        s.serialize_field("precision", &self.precision())?;
        s.serialize_field("recall", &self.recall())?;
        s.serialize_field("f1", &self.f1())?;
        s.end()
    }
}

impl Counts {
    /// tp / (tp + fp); `None` when nothing was predicted.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn); `None` when the gold has nothing.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// 2·tp / (2·tp + fp + fn) (the harmonic mean of P and R); `None` when both sides are empty.
    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// Number of predicted items.
    pub fn predicted(&self) -> usize {
        self.tp + self.fp
    }

    /// Number of gold items.
    pub fn gold(&self) -> usize {
        self.tp + self.fn_
    }

    /// Adds `other` to `self`.
    pub fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

/// Correct out of total. Serialized as `{"correct","total","accuracy"}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accuracy {
    /// Correct decisions.
    pub correct: usize,
    /// Decisions made.
    pub total: usize,
}

impl Serialize for Accuracy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Accuracy", 3)?;
        s.serialize_field("correct", &self.correct)?;
        s.serialize_field("total", &self.total)?;
        s.serialize_field("accuracy", &self.value())?;
        s.end()
    }
}

impl Accuracy {
    /// correct / total; `None` when total is 0.
    pub fn value(&self) -> Option<f64> {
        ratio(self.correct, self.total)
    }

    /// Adds `other` to `self`.
    pub fn add(&mut self, other: Accuracy) {
        self.correct += other.correct;
        self.total += other.total;
    }
}

/// Diagnostic counts for one code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DiagCounts {
    /// Gold entries found.
    pub hits: usize,
    /// Gold entries not found.
    pub misses: usize,
    /// Predicted diagnostics matching no gold entry.
    pub false_alarms: usize,
}

impl DiagCounts {
    /// Adds `other` to `self`.
    pub fn add(&mut self, other: DiagCounts) {
        self.hits += other.hits;
        self.misses += other.misses;
        self.false_alarms += other.false_alarms;
    }
}

/// What went wrong, item by item (for reading, not for arithmetic).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Errors {
    /// Gold entities not found: `kind:name`.
    pub missed_entities: Vec<String>,
    /// Predicted entities matching no gold one: `kind:name`.
    pub spurious_entities: Vec<String>,
    /// Gold quotations not found (their `start`).
    pub missed_quotes: Vec<String>,
    /// Predicted quotations matching no gold one (first words of their content).
    pub spurious_quotes: Vec<String>,
    /// Matched quotations with a wrong speaker: `start: gold → predicted`.
    pub wrong_speakers: Vec<String>,
    /// Gold quoted names not found.
    pub missed_quoted_names: Vec<String>,
    /// Predicted quoted names not in gold.
    pub spurious_quoted_names: Vec<String>,
    /// Gold diagnostics not found: `code` or `code "text"`.
    pub missed_diagnostics: Vec<String>,
    /// Predicted diagnostics not in gold: `code "text at range"`.
    pub false_alarms: Vec<String>,
}

/// The scores of one article.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DocScore {
    /// Entity matching, all kinds.
    pub entities: Counts,
    /// Entity matching per kind (`person`…): tp and fn under the gold kind, fp under the
    /// predicted kind.
    pub entities_by_kind: BTreeMap<String, Counts>,
    /// Quotation matching.
    pub quotes: Counts,
    /// Speaker accuracy over matched quotations.
    pub speakers: Accuracy,
    /// `closed` flag accuracy over matched quotations.
    pub closed: Accuracy,
    /// Quoted-name matching.
    pub quoted_names: Counts,
    /// Diagnostics per code (only codes that occur in gold or prediction).
    pub diagnostics: BTreeMap<String, DiagCounts>,
    /// True when the gold expects no diagnostic at all.
    pub clean: bool,
    /// Predicted diagnostics of severity warning or error (on a clean article these are the
    /// ones that matter most).
    pub warnings: usize,
    /// Item-level errors.
    pub errors: Errors,
}

impl DocScore {
    /// All diagnostic counts of the article summed over codes.
    pub fn diagnostics_total(&self) -> DiagCounts {
        let mut total = DiagCounts::default();
        for c in self.diagnostics.values() {
            total.add(*c);
        }
        total
    }
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// The words of `s` after folding: maximal runs of alphanumeric characters (punctuation, quotation
/// marks and white space separate words and are dropped).
pub fn words(fold: Fold<'_>, s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A comparison key: the folded words joined by one space.
pub fn key(fold: Fold<'_>, s: &str) -> String {
    words(fold, s).join(" ")
}

/// Maximum one-to-one matching in a bipartite graph with `left` nodes; `edge(l, r)` says whether
/// left `l` may pair with right `r`. Returns, for each left node, its right partner.
/// Kuhn's augmenting-path algorithm, O(V·E); articles are small.
pub fn max_matching(
    left: usize,
    right: usize,
    edge: impl Fn(usize, usize) -> bool,
) -> Vec<Option<usize>> {
    let adj: Vec<Vec<usize>> = (0..left)
        .map(|l| (0..right).filter(|&r| edge(l, r)).collect())
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; right];
    fn augment(
        l: usize,
        adj: &[Vec<usize>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for &r in &adj[l] {
            if seen[r] {
                continue;
            }
            seen[r] = true;
            if owner[r].is_none_or(|other| augment(other, adj, seen, owner)) {
                owner[r] = Some(l);
                return true;
            }
        }
        false
    }
    for l in 0..left {
        let mut seen = vec![false; right];
        augment(l, &adj, &mut seen, &mut owner);
    }
    let mut partner = vec![None; left];
    for (r, l) in owner.iter().enumerate() {
        if let Some(l) = l {
            partner[*l] = Some(r);
        }
    }
    partner
}

fn first_words(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

fn is_subsequence(needle: &[String], hay: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Scores `analysis` of `text` against `gold`.
pub fn score(text: &str, gold: &Gold, analysis: &Analysis, fold: Fold<'_>) -> DocScore {
    let mut out = DocScore {
        clean: gold.diagnostics.is_empty(),
        ..DocScore::default()
    };

    // ---- entities
    let gold_keys: Vec<Vec<String>> = gold
        .entities
        .iter()
        .map(|g| g.all_forms().map(|f| key(fold, f)).collect())
        .collect();
    let pred_keys: Vec<Vec<String>> = analysis
        .entities
        .iter()
        .map(|e| {
            std::iter::once(e.name.as_str())
                .chain(e.aliases.iter().map(String::as_str))
                .chain(e.mentions.iter().map(|m| &*m.text))
                .map(|f| key(fold, f))
                .collect()
        })
        .collect();
    let ent_match = max_matching(gold.entities.len(), analysis.entities.len(), |g, p| {
        gold.entities[g].entity_kind() == Some(analysis.entities[p].kind)
            && pred_keys[p]
                .iter()
                .any(|k| !k.is_empty() && gold_keys[g].contains(k))
    });
    let mut pred_to_gold = vec![None; analysis.entities.len()];
    for (g, p) in ent_match.iter().enumerate() {
        let kind = gold.entities[g].kind.clone();
        let slot = out.entities_by_kind.entry(kind).or_default();
        match p {
            Some(p) => {
                slot.tp += 1;
                out.entities.tp += 1;
                pred_to_gold[*p] = Some(g);
            }
            None => {
                slot.fn_ += 1;
                out.entities.fn_ += 1;
                out.errors.missed_entities.push(format!(
                    "{}:{}",
                    gold.entities[g].kind, gold.entities[g].name
                ));
            }
        }
    }
    for (p, e) in analysis.entities.iter().enumerate() {
        if pred_to_gold[p].is_none() {
            out.entities.fp += 1;
            out.entities_by_kind
                .entry(e.kind.as_str().to_string())
                .or_default()
                .fp += 1;
            out.errors
                .spurious_entities
                .push(format!("{}:{}", e.kind.as_str(), e.name));
        }
    }

    // ---- quotations
    let quotes = &analysis.quotes.quotes;
    let gold_starts: Vec<Vec<String>> = gold.quotes.iter().map(|q| words(fold, &q.start)).collect();
    let contents: Vec<Vec<String>> = quotes
        .iter()
        .map(|q| words(fold, span_text(text, q.content.start, q.content.end)))
        .collect();
    let quote_match = max_matching(gold.quotes.len(), quotes.len(), |g, p| {
        !gold_starts[g].is_empty() && contents[p].starts_with(&gold_starts[g])
    });
    let mut quote_matched = vec![false; quotes.len()];
    for (g, p) in quote_match.iter().enumerate() {
        let gq = &gold.quotes[g];
        let Some(p) = *p else {
            out.quotes.fn_ += 1;
            out.errors.missed_quotes.push(gq.start.clone());
            continue;
        };
        quote_matched[p] = true;
        out.quotes.tp += 1;
        let pq = &quotes[p];
        out.closed.total += 1;
        if pq.closed == gq.closed {
            out.closed.correct += 1;
        }
        out.speakers.total += 1;
        let correct = speaker_correct(
            text,
            analysis,
            &pred_to_gold,
            &gold_keys,
            gq.speaker.as_deref(),
            pq,
            fold,
        );
        if correct {
            out.speakers.correct += 1;
        } else {
            let predicted = pq
                .speaker
                .as_ref()
                .map_or("null".to_string(), |s| s.name.to_string());
            let expected = gq.speaker.clone().unwrap_or_else(|| "null".to_string());
            out.errors
                .wrong_speakers
                .push(format!("{}: {expected} → {predicted}", gq.start));
        }
    }
    for (p, q) in quotes.iter().enumerate() {
        if !quote_matched[p] {
            out.quotes.fp += 1;
            out.errors.spurious_quotes.push(first_words(
                span_text(text, q.content.start, q.content.end),
                6,
            ));
        }
    }

    // ---- quoted names
    let gold_names: Vec<String> = gold.quoted_names.iter().map(|n| key(fold, n)).collect();
    let pred_names: Vec<String> = analysis
        .quotes
        .quoted_names
        .iter()
        .map(|s| key(fold, span_text(text, s.start, s.end)))
        .collect();
    let name_match = max_matching(gold_names.len(), pred_names.len(), |g, p| {
        gold_names[g] == pred_names[p]
    });
    let mut name_matched = vec![false; pred_names.len()];
    for (g, p) in name_match.iter().enumerate() {
        match p {
            Some(p) => {
                out.quoted_names.tp += 1;
                name_matched[*p] = true;
            }
            None => {
                out.quoted_names.fn_ += 1;
                out.errors
                    .missed_quoted_names
                    .push(gold.quoted_names[g].clone());
            }
        }
    }
    for (p, span) in analysis.quotes.quoted_names.iter().enumerate() {
        if !name_matched[p] {
            out.quoted_names.fp += 1;
            out.errors
                .spurious_quoted_names
                .push(span_text(text, span.start, span.end).to_string());
        }
    }

    // ---- diagnostics
    out.warnings = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity <= Severity::Warning)
        .count();
    let diag_match = max_matching(
        gold.diagnostics.len(),
        analysis.diagnostics.len(),
        |g, p| {
            let gd = &gold.diagnostics[g];
            let pd = &analysis.diagnostics[p];
            gd.parsed_code() == Some(pd.code)
                && gd
                    .text
                    .as_deref()
                    .is_none_or(|t| span_text(text, pd.span.start, pd.span.end).contains(t))
        },
    );
    let mut diag_matched = vec![false; analysis.diagnostics.len()];
    for (g, p) in diag_match.iter().enumerate() {
        let gd = &gold.diagnostics[g];
        let slot = out.diagnostics.entry(gd.code.clone()).or_default();
        match p {
            Some(p) => {
                slot.hits += 1;
                diag_matched[*p] = true;
            }
            None => {
                slot.misses += 1;
                out.errors.missed_diagnostics.push(match &gd.text {
                    Some(t) => format!("{} {t:?}", gd.code),
                    None => gd.code.clone(),
                });
            }
        }
    }
    for (p, d) in analysis.diagnostics.iter().enumerate() {
        if !diag_matched[p] {
            out.diagnostics
                .entry(d.code.as_str().to_string())
                .or_default()
                .false_alarms += 1;
            out.errors.false_alarms.push(format!(
                "{} {:?}",
                d.code.as_str(),
                span_text(text, d.span.start, d.span.end)
            ));
        }
    }
    out
}

/// The text of a byte range, or "" when the range is not valid for `text` (a buggy analysis
/// must not crash the evaluation).
fn span_text(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or("")
}

#[allow(clippy::too_many_arguments)]
fn speaker_correct(
    text: &str,
    analysis: &Analysis,
    pred_to_gold: &[Option<usize>],
    gold_keys: &[Vec<String>],
    expected: Option<&str>,
    quote: &crate::quotes::Quote,
    fold: Fold<'_>,
) -> bool {
    let (expected, predicted) = match (expected, &quote.speaker) {
        (None, None) => return true,
        (None, Some(_)) | (Some(_), None) => return false,
        (Some(e), Some(p)) => (e, p),
    };
    let expected_key = key(fold, expected);
    let predicted_keys = [
        key(fold, &predicted.name),
        key(
            fold,
            span_text(text, predicted.span.start, predicted.span.end),
        ),
    ];
    if predicted_keys.contains(&expected_key) {
        return true;
    }
    // The gold speaker names a gold entity: the linked entity is that one, or the predicted name
    // is one of its forms.
    let gold_entity = gold_keys
        .iter()
        .position(|forms| forms.contains(&expected_key));
    if let Some(g) = gold_entity {
        let linked = predicted
            .entity
            .as_deref()
            .and_then(|id| analysis.entities.iter().position(|e| e.id == id))
            .and_then(|p| pred_to_gold[p]);
        if linked == Some(g) || predicted_keys.iter().any(|k| gold_keys[g].contains(k)) {
            return true;
        }
    }
    // The gold name or phrase is written inside the predicted phrase ("مصدر مطلع" in
    // "مصدر مطلع في الوزارة", "عمر الكتاني" in "الخبير الاقتصادي عمر الكتاني").
    let expected_words = words(fold, expected);
    [
        &*predicted.name,
        span_text(text, predicted.span.start, predicted.span.end),
    ]
    .iter()
    .any(|p| is_subsequence(&expected_words, &words(fold, p)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Diagnostic, Message};
    use crate::entities::{Entity, EntityKind, EntityMention};
    use crate::quotes::{Quote, QuoteScan, Speaker};
    use crate::text::Span;

    /// A stand-in for `fold_str` (the text layer is tested on its own): alef forms → ا, ى → ي,
    /// ة → ه.
    fn fake_fold(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                'أ' | 'إ' | 'آ' => 'ا',
                'ى' => 'ي',
                'ة' => 'ه',
                c => c,
            })
            .collect()
    }

    fn span_of(text: &str, needle: &str, nth: usize) -> Span {
        let start = text
            .match_indices(needle)
            .nth(nth)
            .expect("needle in text")
            .0;
        Span::new(start, start + needle.len())
    }

    fn entity(id: &str, name: &str, kind: EntityKind, mentions: &[&str]) -> Entity {
        Entity {
            id: id.to_string(),
            name: name.to_string(),
            kind,
            aliases: Vec::new(),
            roles: Vec::new(),
            mentions: mentions
                .iter()
                .map(|m| EntityMention {
                    text: (*m).into(),
                    span: Span::default(),
                })
                .collect(),
        }
    }

    fn quote(
        text: &str,
        content: &str,
        speaker: Option<(&str, Option<&str>)>,
        closed: bool,
    ) -> Quote {
        let content = span_of(text, content, 0);
        Quote {
            id: "q".into(),
            span: Span::new(content.start - 2, content.end + 2),
            content,
            closed,
            nested_in: None,
            speaker: speaker.map(|(name, entity)| Speaker {
                name: name.into(),
                entity: entity.map(Into::into),
                span: Span::default(),
            }),
            cue: None,
            source: None,
        }
    }

    fn diagnostic(span: Span, code: Code) -> Diagnostic {
        Diagnostic {
            span,
            code,
            severity: code.default_severity(),
            message: Message {
                ar: String::new(),
                en: String::new(),
            },
            related: Vec::new(),
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn counts_arithmetic() {
        let c = Counts {
            tp: 3,
            fp: 1,
            fn_: 2,
        };
        assert!(close(c.precision(), 0.75));
        assert!(close(c.recall(), 0.6));
        // 2PR/(P+R) = 2·0.75·0.6/1.35 = 0.6666…
        assert!(close(c.f1(), 2.0 / 3.0));
        assert_eq!(Counts::default().precision(), None);
        assert_eq!(Counts::default().f1(), None);
        let none_predicted = Counts {
            tp: 0,
            fp: 0,
            fn_: 4,
        };
        assert_eq!(none_predicted.precision(), None);
        assert!(close(none_predicted.recall(), 0.0));
        assert!(close(none_predicted.f1(), 0.0));
        let mut sum = c;
        sum.add(none_predicted);
        assert_eq!(
            sum,
            Counts {
                tp: 3,
                fp: 1,
                fn_: 6
            }
        );
        assert!(close(
            Accuracy {
                correct: 2,
                total: 3
            }
            .value(),
            2.0 / 3.0
        ));
    }

    #[test]
    fn matching_is_maximal_not_greedy() {
        // Left 0 may take right 0 or 1, left 1 only right 0: greedy would give one pair.
        let m = max_matching(2, 2, |l, r| (l, r) != (1, 1));
        assert_eq!(m, vec![Some(1), Some(0)]);
        let none = max_matching(2, 0, |_, _| true);
        assert_eq!(none, vec![None, None]);
    }

    #[test]
    fn words_drop_punctuation_and_fold() {
        let w = words(&fake_fold, "«إنّ الأمر، يا سادة»");
        assert_eq!(w, ["انّ", "الامر", "يا", "ساده"]);
        assert_eq!(key(&fake_fold, "  حركة   طالبان "), "حركه طالبان");
    }

    #[test]
    fn entities_one_to_one_by_kind_and_form() {
        let text = "";
        let gold = Gold::parse(
            r#"{"entities":[
                {"name":"دونالد ترامب","kind":"person","forms":["ترامب"]},
                {"name":"الأمم المتحدة","kind":"organization"},
                {"name":"القاهرة","kind":"location"},
                {"name":"عمرو الجبالي","kind":"person"}]}"#,
            "t",
        )
        .unwrap();
        let analysis = Analysis {
            entities: vec![
                // Matches by a mention form (folding: ا/أ).
                entity("e1", "ترامب", EntityKind::Person, &["ترامب"]),
                // A split: a second entity of the same gold person is a false positive.
                entity("e2", "دونالد ترامب", EntityKind::Person, &["دونالد ترامب"]),
                // Right name, wrong kind: false positive, and the gold organization is missed.
                entity(
                    "e3",
                    "الامم المتحدة",
                    EntityKind::Location,
                    &["الامم المتحدة"],
                ),
                entity("e4", "القاهرة", EntityKind::Location, &["القاهرة"]),
                entity("e5", "الكرملين", EntityKind::Organization, &["الكرملين"]),
            ],
            ..Analysis::default()
        };
        let s = score(text, &gold, &analysis, &fake_fold);
        // tp: ترامب, القاهرة; fp: second ترامب, الأمم as location, الكرملين; fn: الأمم, الجبالي.
        assert_eq!(
            s.entities,
            Counts {
                tp: 2,
                fp: 3,
                fn_: 2
            }
        );
        assert!(close(s.entities.precision(), 0.4));
        assert!(close(s.entities.recall(), 0.5));
        assert!(close(s.entities.f1(), 4.0 / 9.0));
        assert_eq!(
            s.entities_by_kind["person"],
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
        assert_eq!(
            s.entities_by_kind["organization"],
            Counts {
                tp: 0,
                fp: 1,
                fn_: 1
            }
        );
        assert_eq!(
            s.entities_by_kind["location"],
            Counts {
                tp: 1,
                fp: 1,
                fn_: 0
            }
        );
        assert_eq!(
            s.errors.missed_entities,
            ["organization:الأمم المتحدة", "person:عمرو الجبالي"]
        );
    }

    #[test]
    fn quotations_speakers_and_closed_flags() {
        let text = "قال الوزير أحمد زكي «إن الموازنة الجديدة متوازنة» وأضاف «لن نرفع الأسعار هذا العام» \
                    وقال مصدر مطلع في الوزارة «لا تعليق لدينا الآن» ثم «كلام بلا قائل هنا";
        let gold = Gold::parse(
            r#"{"entities":[{"name":"أحمد زكي","kind":"person","forms":["زكي"]}],
                "quotes":[
                  {"start":"إن الموازنة الجديدة","speaker":"أحمد زكي"},
                  {"start":"لن نرفع الأسعار","speaker":"أحمد زكي"},
                  {"start":"لا تعليق لدينا","speaker":"مصدر مطلع"},
                  {"start":"كلام بلا قائل","speaker":null,"closed":false},
                  {"start":"جملة غير موجودة","speaker":null}]}"#,
            "t",
        )
        .unwrap();
        let analysis = Analysis {
            entities: vec![entity("e1", "أحمد زكي", EntityKind::Person, &["أحمد زكي"])],
            quotes: QuoteScan {
                quotes: vec![
                    // Linked to the entity by id; name matches too.
                    quote(
                        text,
                        "إن الموازنة الجديدة متوازنة",
                        Some(("احمد زكي", Some("e1"))),
                        true,
                    ),
                    // Pronoun continuation resolved to the wrong person.
                    quote(
                        text,
                        "لن نرفع الأسعار هذا العام",
                        Some(("الوزير", None)),
                        true,
                    ),
                    // The phrase contains the gold phrase's words.
                    quote(
                        text,
                        "لا تعليق لدينا الآن",
                        Some(("مصدر مطلع في الوزارة", None)),
                        true,
                    ),
                    // Gold null speaker, predicted null; but closed flag wrong.
                    quote(text, "كلام بلا قائل هنا", None, true),
                    // Content shorter than any gold start: spurious.
                    quote(text, "الوزير", None, true),
                ],
                ..QuoteScan::default()
            },
            ..Analysis::default()
        };
        let s = score(text, &gold, &analysis, &fake_fold);
        assert_eq!(
            s.quotes,
            Counts {
                tp: 4,
                fp: 1,
                fn_: 1
            }
        );
        assert!(close(s.quotes.precision(), 0.8));
        assert!(close(s.quotes.recall(), 0.8));
        assert_eq!(
            s.speakers,
            Accuracy {
                correct: 3,
                total: 4
            }
        );
        assert_eq!(
            s.closed,
            Accuracy {
                correct: 3,
                total: 4
            }
        );
        assert_eq!(
            s.errors.wrong_speakers,
            ["لن نرفع الأسعار: أحمد زكي → الوزير"]
        );
        assert_eq!(s.errors.missed_quotes, ["جملة غير موجودة"]);
    }

    #[test]
    fn speaker_by_linked_entity_when_names_differ() {
        let text = "«نحن مستعدون للحوار» قال بيسكوف";
        let gold = Gold::parse(
            r#"{"entities":[{"name":"دميتري بيسكوف","kind":"person","forms":["بيسكوف"]}],
                "quotes":[{"start":"نحن مستعدون","speaker":"دميتري بيسكوف"}]}"#,
            "t",
        )
        .unwrap();
        let analysis = Analysis {
            entities: vec![entity(
                "e7",
                "ديمتري بيسكوف",
                EntityKind::Person,
                &["بيسكوف"],
            )],
            quotes: QuoteScan {
                quotes: vec![quote(
                    text,
                    "نحن مستعدون للحوار",
                    Some(("ديمتري بيسكوف", Some("e7"))),
                    true,
                )],
                ..QuoteScan::default()
            },
            ..Analysis::default()
        };
        let s = score(text, &gold, &analysis, &fake_fold);
        assert_eq!(s.entities.tp, 1);
        assert_eq!(
            s.speakers,
            Accuracy {
                correct: 1,
                total: 1
            }
        );
    }

    #[test]
    fn speaker_phrase_containing_the_gold_name_is_right_a_truncated_one_is_not() {
        let text =
            "وقال الخبير الاقتصادي عمر الكتاني «النتائج جيدة جدا» ثم قال «الأسعار سترتفع قريبا»";
        let gold = Gold::parse(
            r#"{"entities":[{"name":"عمر الكتاني","kind":"person"}],
                "quotes":[{"start":"النتائج جيدة جدا","speaker":"عمر الكتاني"},
                          {"start":"الأسعار سترتفع قريبا","speaker":"عمر الكتاني"}]}"#,
            "t",
        )
        .unwrap();
        let analysis = Analysis {
            quotes: QuoteScan {
                quotes: vec![
                    quote(
                        text,
                        "النتائج جيدة جدا",
                        Some(("الخبير الاقتصادي عمر الكتاني", None)),
                        true,
                    ),
                    quote(text, "الأسعار سترتفع قريبا", Some(("عمر", None)), true),
                ],
                ..QuoteScan::default()
            },
            ..Analysis::default()
        };
        let s = score(text, &gold, &analysis, &fake_fold);
        assert_eq!(
            s.speakers,
            Accuracy {
                correct: 1,
                total: 2
            }
        );
        assert_eq!(
            s.errors.wrong_speakers,
            ["الأسعار سترتفع قريبا: عمر الكتاني → عمر"]
        );
    }

    #[test]
    fn quoted_names_and_diagnostics() {
        let text = "قال فى بيان إن تنظيم \"داعش\" و«الشباب» أن أن الأمر, انتهى";
        let gold = Gold::parse(
            r#"{"quoted_names":["داعش","طالبان"],
                "diagnostics":[{"code":"repeated-word","text":"أن"},
                               {"code":"latin-punctuation","text":","},
                               {"code":"unclosed-quote"}]}"#,
            "t",
        )
        .unwrap();
        let analysis = Analysis {
            quotes: QuoteScan {
                quoted_names: vec![span_of(text, "\"داعش\"", 0), span_of(text, "«الشباب»", 0)],
                ..QuoteScan::default()
            },
            diagnostics: vec![
                diagnostic(span_of(text, "فى", 0), Code::MixedOrthography),
                diagnostic(span_of(text, "أن أن", 0), Code::RepeatedWord),
                // Right code, wrong place: the gold text "," is not inside it.
                diagnostic(span_of(text, "الأمر", 0), Code::LatinPunctuation),
            ],
            ..Analysis::default()
        };
        let s = score(text, &gold, &analysis, &fake_fold);
        assert_eq!(
            s.quoted_names,
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
        assert_eq!(
            s.diagnostics["repeated-word"],
            DiagCounts {
                hits: 1,
                misses: 0,
                false_alarms: 0
            }
        );
        assert_eq!(
            s.diagnostics["latin-punctuation"],
            DiagCounts {
                hits: 0,
                misses: 1,
                false_alarms: 1
            }
        );
        assert_eq!(
            s.diagnostics["unclosed-quote"],
            DiagCounts {
                hits: 0,
                misses: 1,
                false_alarms: 0
            }
        );
        assert_eq!(
            s.diagnostics["mixed-orthography"],
            DiagCounts {
                hits: 0,
                misses: 0,
                false_alarms: 1
            }
        );
        assert_eq!(
            s.diagnostics_total(),
            DiagCounts {
                hits: 1,
                misses: 2,
                false_alarms: 2
            }
        );
        assert!(!s.clean);
        // mixed-orthography is information; repeated-word and latin-punctuation are warnings.
        assert_eq!(s.warnings, 2);
    }

    #[test]
    fn clean_article_and_invalid_spans() {
        let text = "نص نظيف";
        let gold = Gold::default();
        let analysis = Analysis {
            diagnostics: vec![diagnostic(Span::new(1, 2), Code::RepeatedWord)],
            ..Analysis::default()
        };
        // Span inside a character: scored, not a crash.
        let s = score(text, &gold, &analysis, &fake_fold);
        assert!(s.clean);
        assert_eq!(s.diagnostics["repeated-word"].false_alarms, 1);
        assert_eq!(s.errors.false_alarms, ["repeated-word \"\""]);
    }
}
