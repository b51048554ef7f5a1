//! A word-level view of a document for the recognizer: each token with its proclitic readings
//! (see [`crate::text::clitic`]) folded fully and lightly, and helpers to build multi-word lookup
//! keys.

use std::borrow::Cow;

use crate::text::Span;
use crate::text::clitic::proclitic_splits;
use crate::text::normalize::{fold_str, folded_len, is_ignorable};
use crate::text::token::{Token, TokenKind};

use super::lexicon::light_fold;

/// One reading of a token: proclitics (`prefix` bytes of the token) + stem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Bytes of the token taken by proclitics (conjunction/preposition).
    pub prefix: usize,
    /// Folded stem; for an elided article (للأمم) the article is restored (الامم).
    pub fold: String,
    /// Lightly folded stem ([`light_fold`]), article restored likewise.
    pub light: String,
}

/// Tokens plus their readings.
pub struct Doc<'a> {
    /// The whole text.
    pub text: &'a str,
    /// Its tokens.
    pub tokens: &'a [Token],
    /// `readings[i][0]` is token `i` unsplit; further entries are proclitic splits. Owned when
    /// built by [`Doc::new`], borrowed when the readings were computed earlier (a paragraph's
    /// cached readings, [`Doc::with_readings`]).
    pub readings: Cow<'a, [Vec<Reading>]>,
}

impl<'a> Doc<'a> {
    /// Builds the view (one pass over the tokens).
    pub fn new(text: &'a str, tokens: &'a [Token]) -> Self {
        let readings = tokens
            .iter()
            .map(|t| readings_of(text, t))
            .collect::<Vec<_>>();
        Doc {
            text,
            tokens,
            readings: Cow::Owned(readings),
        }
    }

    /// The view over readings computed earlier: `readings` must be [`Doc::new`]`(text,
    /// tokens).readings` (one entry per token).
    pub fn with_readings(text: &'a str, tokens: &'a [Token], readings: &'a [Vec<Reading>]) -> Self {
        Doc {
            text,
            tokens,
            readings: Cow::Borrowed(readings),
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when there is no token.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// True for an Arabic or Latin word.
    pub fn is_word(&self, i: usize) -> bool {
        i < self.len() && matches!(self.tokens[i].kind, TokenKind::Arabic | TokenKind::Latin)
    }

    /// True for an Arabic word.
    pub fn is_arabic(&self, i: usize) -> bool {
        i < self.len() && self.tokens[i].kind == TokenKind::Arabic
    }

    /// The token's text as written.
    pub fn word(&self, i: usize) -> &'a str {
        self.tokens[i].span.slice(self.text)
    }

    /// Folded form of token `i` as written (no clitic split).
    pub fn fold(&self, i: usize) -> &str {
        &self.tokens[i].folded
    }

    /// Light-folded form of token `i` as written.
    pub fn light(&self, i: usize) -> &str {
        &self.readings[i][0].light
    }

    /// True when token `i` is the punctuation character `c`.
    pub fn is_punct(&self, i: usize, c: char) -> bool {
        i < self.len() && self.tokens[i].kind == TokenKind::Punct && self.word(i).starts_with(c)
    }

    /// True when token `i` is any punctuation.
    pub fn is_any_punct(&self, i: usize) -> bool {
        i < self.len() && self.tokens[i].kind == TokenKind::Punct
    }

    /// True when token `i` is a quotation mark (« » “ ” „ " ' ‹ ›).
    pub fn is_quote(&self, i: usize) -> bool {
        i < self.len()
            && self.tokens[i].kind == TokenKind::Punct
            && matches!(
                self.word(i).chars().next(),
                Some('«' | '»' | '“' | '”' | '„' | '"' | '\'' | '‹' | '›' | '‘' | '’')
            )
    }

    /// True when tokens `i` and `i + 1` are separated by horizontal white space only (or
    /// nothing): a name never spans a line break.
    pub fn adjacent(&self, i: usize) -> bool {
        if i + 1 >= self.len() {
            return false;
        }
        let gap = &self.text[self.tokens[i].span.end..self.tokens[i + 1].span.start];
        !gap.contains(['\n', '\r', '\u{2029}'])
    }

    /// Span of tokens `first..=last`, starting after `prefix` bytes of the first token.
    pub fn span(&self, first: usize, prefix: usize, last: usize) -> Span {
        Span::new(
            self.tokens[first].span.start + prefix,
            self.tokens[last].span.end,
        )
    }

    /// The longest name starting at token `i`: each reading of `i` (the word as written first; a
    /// proclitic split only when nothing matches as written), extended over up to `max` adjacent
    /// words and probed with `probe` on the folded, space-joined key. Returns the span, the last
    /// token and what `probe` returned.
    pub fn longest_name<K>(
        &self,
        i: usize,
        max: usize,
        probe: impl Fn(&str) -> Option<K>,
    ) -> Option<(Span, usize, K)> {
        self.longest_name_pruned(i, max, probe, |_| true)
    }

    /// The longest gazetteer name (`data/lexicon/`, [`super::lexicon::Lexicon::lookup`]) starting
    /// at token `i`, as [`Doc::longest_name`] with the lexicon's longest name and its kind: the
    /// span, the last token and the kind.
    pub fn longest_gazetteer_name(&self, i: usize) -> Option<(Span, usize, super::EntityKind)> {
        let lx = super::lexicon::Lexicon::get();
        self.longest_name_pruned(
            i,
            lx.max_name_tokens,
            |key| {
                lx.lookup(key)
                    .and_then(super::lexicon::GazetteerEntry::kind)
            },
            |key| lx.name_prefixes.contains(key),
        )
    }

    /// [`Doc::longest_name`], extending a key by one more word only while `extends` says that a
    /// longer key may still match (`extends(key)` must be true for every proper word prefix of a
    /// key `probe` accepts; then the result is the same as without it).
    fn longest_name_pruned<K>(
        &self,
        i: usize,
        max: usize,
        probe: impl Fn(&str) -> Option<K>,
        extends: impl Fn(&str) -> bool,
    ) -> Option<(Span, usize, K)> {
        if !self.is_word(i) {
            return None;
        }
        let mut key = String::new();
        for r in &self.readings[i] {
            // Keys for 1..=max words, shortest first; the longest that `probe` accepts wins.
            key.clear();
            key.push_str(&r.fold);
            let mut best = probe(&key).map(|v| (i, v));
            let mut words = 1;
            let mut j = i;
            while words < max && self.adjacent(j) && self.is_word(j + 1) && extends(&key) {
                j += 1;
                words += 1;
                key.push(' ');
                key.push_str(self.fold(j));
                if let Some(v) = probe(&key) {
                    best = Some((j, v));
                }
            }
            if let Some((last, v)) = best {
                return Some((self.span(i, r.prefix, last), last, v));
            }
        }
        None
    }
}

impl Doc<'_> {
    /// Indices of the first and last tokens that `span` touches, if any.
    pub fn token_range(&self, span: Span) -> Option<(usize, usize)> {
        let first = self.tokens.partition_point(|t| t.span.end <= span.start);
        if first >= self.len() || self.tokens[first].span.start >= span.end {
            return None;
        }
        let last = self.tokens.partition_point(|t| t.span.start < span.end) - 1;
        Some((first, last))
    }
}

impl Doc<'_> {
    /// The folded, space-joined lookup key of a mention span (proclitics excluded; an elided
    /// article restored when that reading is a known name, لأمم المتحدة → الامم المتحده).
    pub fn key(&self, span: Span) -> String {
        let Some((first, last)) = self.token_range(span) else {
            return String::new();
        };
        let prefix = span.start.saturating_sub(self.tokens[first].span.start);
        let rest: Vec<&str> = (first + 1..=last).map(|k| self.fold(k)).collect();
        let join = |head: &str| {
            let mut k = head.to_string();
            for r in &rest {
                k.push(' ');
                k.push_str(r);
            }
            k
        };
        let mut candidates = self.readings[first].iter().filter(|r| r.prefix == prefix);
        let Some(first_reading) = candidates.next() else {
            return join(&crate::text::normalize::fold_str(
                &self.text[span.start..self.tokens[first].span.end],
            ));
        };
        let lx = super::lexicon::Lexicon::get();
        let mut best = join(&first_reading.fold);
        for r in candidates {
            let k = join(&r.fold);
            if lx.lookup(&k).is_some() && lx.lookup(&best).is_none() {
                best = k;
            }
        }
        best
    }
}

/// The readings of token `t` of `text` ([`Doc::readings`]).
///
/// Folding works character by character ([`fold_str`], [`light_fold`]), so a stem's folds are
/// the word's folds without the folds of the proclitics before it: the word is folded once (its
/// full fold is the token's `folded`) and each reading slices it.
fn readings_of(text: &str, t: &Token) -> Vec<Reading> {
    let word = t.span.slice(text);
    let word_light = light_fold(word);
    if t.kind != TokenKind::Arabic {
        return vec![Reading {
            prefix: 0,
            fold: t.folded.clone(),
            light: word_light,
        }];
    }
    let word_fold = t.folded.as_str();
    let mut out: Vec<Reading> = Vec::with_capacity(4);
    for s in proclitic_splits(word) {
        let proclitics = &word[..s.prefix_len];
        let (fold_stem, light_stem) = (
            word_fold.get(folded_len(proclitics)..),
            word_light.get(light_folded_len(proclitics)..),
        );
        // Always some for a token of `tokenize` (`folded` is the fold of its text); folded
        // again otherwise.
        let (fold_stem, light_stem) = match (fold_stem, light_stem) {
            (Some(f), Some(l)) => (Cow::Borrowed(f), Cow::Borrowed(l)),
            _ => (Cow::Owned(fold_str(s.stem)), Cow::Owned(light_fold(s.stem))),
        };
        let (fold, light) = if s.article_elided {
            (format!("ا{fold_stem}"), format!("ا{light_stem}"))
        } else {
            (fold_stem.into_owned(), light_stem.into_owned())
        };
        if fold.chars().count() < 2 {
            continue;
        }
        if out
            .iter()
            .any(|r| r.prefix == s.prefix_len && r.fold == fold)
        {
            continue;
        }
        out.push(Reading {
            prefix: s.prefix_len,
            fold,
            light,
        });
    }
    if out.is_empty() {
        out.push(Reading {
            prefix: 0,
            fold: t.folded.clone(),
            light: word_light,
        });
    }
    // The surface form wins when it is itself a known name or a word on the stop
    // list (كريم is not ك + ريم, بسام not ب + سام, لبنى not ل + بنى): only the
    // article may still be split off.
    if out.len() > 1 && out[0].prefix == 0 && surface_is_name(&out[0]) {
        out.retain(|r| r.prefix == 0 || light_fold(&word[..r.prefix]) == "ال");
    }
    out
}

/// Bytes of [`light_fold`]`(s)`, without building it (its replacements keep the byte length).
fn light_folded_len(s: &str) -> usize {
    s.chars()
        .filter(|c| !is_ignorable(*c))
        .map(char::len_utf8)
        .sum()
}

/// True when the unsplit reading is a known personal-name unit (given name, surname or other
/// name list, `data/lexicon/`) or a word on the stop list of common words that are also names.
pub(crate) fn surface_is_name(r: &Reading) -> bool {
    let lx = super::lexicon::Lexicon::get();
    lx.is_name_unit(&r.fold) || lx.is_ambiguous(&r.light) || lx.is_ambiguous(&r.fold)
}
