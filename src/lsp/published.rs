//! The JSON of each diagnostic as last published for a document, reused by the next
//! publication.
//!
//! Why: after every keystroke the server publishes all of a document's diagnostics (LSP has
//! no partial update for `publishDiagnostics`), ≈ 900 for a 1 MB article. Converting them to
//! LSP values and serialising them took 0.5 + 0.5 ms per publication, and dropping the values
//! 0.1 ms more (measured in-process on the development machine), while a keystroke changes a
//! few of them: the others keep their message, severity and LSP range (a diagnostic on another
//! line than the edit keeps its line and character, on a later line only its line changes).
//!
//! How: each diagnostic is reduced to what its JSON depends on — code, severity after the
//! client's settings, message in the session's language, LSP range, and each related
//! location's range and message (the document's URI and the rest are the same for every
//! diagnostic of a document) — and matched with one of the last publication's; a diagnostic
//! not matched is converted ([`convert::diagnostic`]) and serialised as before. The JSON is
//! the bytes `serde_json` writes for the converted value either way.
//!
//! Matching, when the text is an edit of the last published one ([`Edited`]: the analyser's
//! common prefix and suffix): the last publication's diagnostics, in their order (by span), are
//! walked beside the new ones, and each old position is carried to the new text without
//! reading it ([`Carry`]) — one before the changed bytes keeps its line and character, one on a
//! line that starts after them moves by the edit's line difference —, so a diagnostic that
//! keeps its span, code, severity, message and related locations gets its range with no
//! position computed and no hashing (at a writer's pace, computing ≈ 1,900 positions and
//! hashing took 0.5–0.7 ms per publication of a 1 MB article in the server, 1.1–1.2 ms
//! in-process, mostly cache misses; carried, 0.3–0.4 ms). Otherwise (the first publication, a
//! revision published after one that was not, another encoding) each range is computed and
//! looked up by its hash among the last publication's.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHasher};
use tower_lsp_server::ls_types::{Position, Range, Uri};

use super::config::DiagnosticSettings;
use super::convert;
use crate::diagnostics::{Code, Diagnostic, Lang, Severity};
use crate::text::Span;
use crate::text::edit::EditMap;
use crate::text::position::{LineIndex, OffsetToPosition, PositionEncoding};

/// What one diagnostic's JSON was made from, where it was (bytes of the text it was made
/// for), and the JSON.
#[derive(Debug)]
struct Entry {
    code: Code,
    severity: Severity,
    span: Span,
    range: Range,
    message: Box<str>,
    /// Each related location's span, range and message.
    related: Box<[(Span, Range, Box<str>)]>,
    json: Arc<[u8]>,
}

impl Entry {
    fn matches(&self, key: &Key<'_>) -> bool {
        self.code == key.code
            && self.severity == key.severity
            && self.range == key.range
            && *self.message == *key.message
            && self.related.len() == key.related.len()
            && self
                .related
                .iter()
                .zip(key.related)
                .all(|((_, r, m), (_, kr, km))| r == kr && **m == **km)
    }

    /// This entry's ranges for `d` in the new text: `None` when `d` differs from it (span,
    /// code, severity, message or a related location, carried by `carry`) or a position of it
    /// cannot be carried.
    fn carried(
        &self,
        carry: &Carry,
        d: &Diagnostic,
        severity: Severity,
        message: &str,
        lang: Lang,
    ) -> Option<Carried> {
        if self.code != d.code
            || self.severity != severity
            || *self.message != *message
            || self.related.len() != d.related.len()
        {
            return None;
        }
        let (span, range) = carry.span(self.span, self.range)?;
        if span != d.span {
            return None;
        }
        let related = self
            .related
            .iter()
            .zip(&d.related)
            .map(|((s, r, m), new)| {
                let (span, range) = carry.span(*s, *r)?;
                (span == new.span && **m == *new.message.get(lang))
                    .then(|| (span, range, m.clone()))
            })
            .collect::<Option<Box<[_]>>>()?;
        let same = range == self.range
            && related
                .iter()
                .zip(&self.related)
                .all(|((_, a, _), (_, b, _))| a == b);
        Some(Carried {
            range,
            related,
            same,
        })
    }
}

/// An entry carried to the new text: its ranges there, and whether they are its ranges (its
/// JSON is then valid).
struct Carried {
    range: Range,
    related: Box<[(Span, Range, Box<str>)]>,
    same: bool,
}

/// A diagnostic as its JSON depends on it (borrowed), with the spans its ranges come from.
struct Key<'a> {
    code: Code,
    severity: Severity,
    span: Span,
    range: Range,
    message: &'a str,
    related: &'a [(Span, Range, &'a str)],
}

impl Key<'_> {
    fn hash(&self) -> u64 {
        let mut h = FxHasher::default();
        self.code.hash(&mut h);
        self.severity.hash(&mut h);
        hash_range(&self.range, &mut h);
        self.message.hash(&mut h);
        for (_, range, message) in self.related {
            hash_range(range, &mut h);
            message.hash(&mut h);
        }
        h.finish()
    }
}

fn hash_range(r: &Range, h: &mut FxHasher) {
    [r.start.line, r.start.character, r.end.line, r.end.character].hash(h);
}

/// The text being published as an edit of an earlier analysed text.
#[derive(Clone, Copy, Debug)]
pub struct Edited<'a> {
    /// The earlier text's line index (the `Arc` the publication of that text was given: it
    /// tells that text apart by its address).
    pub from: &'a Arc<LineIndex>,
    /// The earlier text's byte offsets in the text being published.
    pub edit: EditMap,
}

/// Positions of the last published text carried to the new one from the edit alone. A
/// position before the first changed byte keeps its line and character (the text before it is
/// the same). One on a line that starts after the changed bytes keeps its character (its line
/// up to it lies in the common suffix) and moves by the difference between the lines of the
/// two common suffixes' starts: every line start after the suffix's start depends on the
/// suffix's bytes only (the byte before it and, for CR LF, the one at it). Any other position
/// is computed.
#[derive(Debug)]
struct Carry {
    /// First changed byte (both texts).
    prefix: usize,
    /// Start of the common suffix in the old text and in the new one (bytes).
    old_tail: usize,
    new_tail: usize,
    /// The line of `old_tail` in the old text.
    old_tail_line: u32,
    /// The line of `new_tail` in the new text minus `old_tail_line`.
    line_delta: i64,
}

impl Carry {
    fn new(edited: Edited<'_>, now: &LineIndex) -> Carry {
        let (old, new) = (edited.edit.changed_old(), edited.edit.changed_new());
        let old_tail_line = saturate(edited.from.line_of(old.end));
        Carry {
            prefix: new.start,
            old_tail: old.end,
            new_tail: new.end,
            old_tail_line,
            line_delta: i64::from(saturate(now.line_of(new.end))) - i64::from(old_tail_line),
        }
    }

    /// Old byte offset `x`, at old position `p`, in the new text: its offset and position.
    fn offset(&self, x: usize, p: Position) -> Option<(usize, Position)> {
        if x < self.prefix {
            Some((x, p))
        } else if x >= self.old_tail && p.line > self.old_tail_line {
            let line = u32::try_from(i64::from(p.line) + self.line_delta).ok()?;
            Some((
                x - self.old_tail + self.new_tail,
                Position::new(line, p.character),
            ))
        } else {
            None
        }
    }

    /// An old span and its range (whose end is at `span.end.max(span.start)`, as
    /// [`convert::range`] makes it) in the new text.
    fn span(&self, span: Span, range: Range) -> Option<(Span, Range)> {
        let (start, a) = self.offset(span.start, range.start)?;
        let (end, b) = self.offset(span.end.max(span.start), range.end)?;
        Some((Span::new(start, end), Range::new(a, b)))
    }

    /// The offset in the new text of the start of an old entry's span, if carried.
    fn start(&self, e: &Entry) -> Option<usize> {
        self.offset(e.span.start, e.range.start).map(|(x, _)| x)
    }
}

fn saturate(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// The JSON of the diagnostics of one document's last publication, in its order, with the
/// line index and encoding of the text it was made for.
#[derive(Debug, Default)]
pub struct PublishedJson {
    entries: Vec<Entry>,
    made_for: Option<(Arc<LineIndex>, PositionEncoding)>,
    /// Of the last call's diagnostics: how many had their JSON reused, and how many of those
    /// were matched by carrying positions.
    reused: (usize, usize),
}

impl PublishedJson {
    /// The JSON of each of `diagnostics` that `settings` enables, in order: the value
    /// [`convert::configured_diagnostics`] gives, serialised — taken from the last call's when
    /// it made the same JSON. Keeps this call's for the next (and forgets the others).
    /// `positions` is the text with `lines`, its line index; `edited`, when the text is an
    /// edit of the text of an earlier call, says how (it is used only when that call was the
    /// last one, in the same encoding). `uri`, `encoding` and `lang` as for
    /// [`convert::configured_diagnostics`]. `diagnostics` sorted by span (as an analysis gives
    /// them) are matched fastest.
    #[allow(clippy::too_many_arguments)]
    pub fn diagnostics_json<P: OffsetToPosition + ?Sized>(
        &mut self,
        diagnostics: &[Diagnostic],
        positions: &P,
        lines: &Arc<LineIndex>,
        edited: Option<Edited<'_>>,
        uri: &Uri,
        encoding: PositionEncoding,
        lang: Lang,
        settings: &DiagnosticSettings,
    ) -> Vec<Arc<[u8]>> {
        let last: Vec<Option<Entry>> = std::mem::take(&mut self.entries)
            .into_iter()
            .map(Some)
            .collect();
        let carry = match (&self.made_for, edited) {
            (Some((made, made_encoding)), Some(edited))
                if *made_encoding == encoding && Arc::ptr_eq(made, edited.from) =>
            {
                Some(Carry::new(edited, lines))
            }
            _ => None,
        };
        self.made_for = Some((lines.clone(), encoding));
        self.reused = (0, 0);
        let mut matcher = match carry {
            Some(carry) => Matcher::Carry {
                carry,
                last,
                cursor: 0,
            },
            None => Matcher::Hash(HashIndex::new(last)),
        };
        let mut out = Vec::with_capacity(diagnostics.len());
        let mut related: Vec<(Span, Range, &str)> = Vec::new();
        for d in diagnostics.iter().filter(|d| settings.is_enabled(d.code)) {
            let severity = settings.severity(d.code, d.severity);
            let message = d.message.get(lang);
            let carried = match &mut matcher {
                Matcher::Carry {
                    carry,
                    last,
                    cursor,
                } => carried_entry(carry, last, cursor, d, severity, message, lang),
                Matcher::Hash(_) => None,
            };
            let entry = match carried {
                Some((entry, true)) => {
                    self.reused.0 += 1;
                    self.reused.1 += 1;
                    entry
                }
                Some((mut entry, false)) => {
                    entry.json = convert_json(d, severity, positions, uri, encoding, lang);
                    entry
                }
                None => {
                    let key = key_of(
                        d,
                        severity,
                        message,
                        positions,
                        encoding,
                        lang,
                        &mut related,
                    );
                    let taken = match &mut matcher {
                        Matcher::Hash(index) => index.take(&key),
                        Matcher::Carry { .. } => None,
                    };
                    self.reused.0 += usize::from(taken.is_some());
                    taken.unwrap_or_else(|| Entry {
                        json: convert_json(d, severity, positions, uri, encoding, lang),
                        ..entry_of(&key)
                    })
                }
            };
            out.push(entry.json.clone());
            self.entries.push(entry);
        }
        out
    }

    /// Of the last [`PublishedJson::diagnostics_json`] call's diagnostics: how many had their
    /// JSON reused, and how many of those were found by carrying positions across the edit.
    pub fn last_reused(&self) -> (usize, usize) {
        self.reused
    }
}

/// How the last publication's entries are found again.
enum Matcher {
    /// Walked in order beside the new diagnostics, their positions carried.
    Carry {
        carry: Carry,
        last: Vec<Option<Entry>>,
        /// Entries before it are used or carried before the current diagnostic.
        cursor: usize,
    },
    /// By the hash of what their JSON was made from.
    Hash(HashIndex),
}

/// The last publication's entries by [`Key::hash`] (two different diagnostics with one hash,
/// never seen, would make the second one converted every time: an entry is used only when its
/// key matches).
struct HashIndex {
    last: Vec<Option<Entry>>,
    by_hash: HashMap<u64, Vec<usize>>,
}

impl HashIndex {
    fn new(last: Vec<Option<Entry>>) -> Self {
        let mut by_hash: HashMap<u64, Vec<usize>> = HashMap::default();
        by_hash.reserve(last.len());
        let mut related: Vec<(Span, Range, &str)> = Vec::new();
        for (i, e) in last.iter().enumerate() {
            let Some(e) = e else { continue };
            related.clear();
            related.extend(e.related.iter().map(|(s, r, m)| (*s, *r, &**m)));
            let key = Key {
                code: e.code,
                severity: e.severity,
                span: e.span,
                range: e.range,
                message: &e.message,
                related: &related,
            };
            by_hash.entry(key.hash()).or_default().push(i);
        }
        HashIndex { last, by_hash }
    }

    /// An unused entry matching `key`, taken, with `key`'s spans.
    fn take(&mut self, key: &Key<'_>) -> Option<Entry> {
        let slots = self.by_hash.get(&key.hash())?;
        let i = slots
            .iter()
            .copied()
            .find(|&i| self.last[i].as_ref().is_some_and(|e| e.matches(key)))?;
        let e = self.last[i].take()?;
        Some(Entry {
            json: e.json,
            ..entry_of(key)
        })
    }
}

/// The old entry for `d` when the walk finds one at `d`'s carried start (skipping the entries
/// carried before it, which no later diagnostic can match), taken and given `d`'s spans and
/// their ranges in the new text, and whether its JSON is still valid. Advances `cursor`.
fn carried_entry(
    carry: &Carry,
    last: &mut [Option<Entry>],
    cursor: &mut usize,
    d: &Diagnostic,
    severity: Severity,
    message: &str,
    lang: Lang,
) -> Option<(Entry, bool)> {
    // The old entries, by their old spans, are those carried before the changed bytes, then
    // those not carried (from the first changed byte to the end of the line holding the
    // common suffix's start), then those carried after: skipped, an entry never matches again.
    while *cursor < last.len()
        && last[*cursor]
            .as_ref()
            .is_none_or(|e| carry.start(e).is_none_or(|x| x < d.span.start))
    {
        *cursor += 1;
    }
    for slot in last[*cursor..].iter_mut() {
        let Some(e) = slot else { continue };
        match carry.start(e) {
            Some(x) if x == d.span.start => {
                if let Some(found) = e.carried(carry, d, severity, message, lang) {
                    let mut e = slot.take()?;
                    e.span = d.span;
                    e.range = found.range;
                    e.related = found.related;
                    return Some((e, found.same));
                }
            }
            // Carried before `d` (out of order: an equal start, a larger end).
            Some(x) if x < d.span.start => {}
            // Carried after `d`, or not carried: no entry from here on starts where `d` does.
            _ => return None,
        }
    }
    None
}

/// `d`'s key, its ranges computed in `positions` (`related` holds its related locations).
fn key_of<'a: 'r, 'r, P: OffsetToPosition + ?Sized>(
    d: &'a Diagnostic,
    severity: Severity,
    message: &'a str,
    positions: &P,
    encoding: PositionEncoding,
    lang: Lang,
    related: &'r mut Vec<(Span, Range, &'a str)>,
) -> Key<'r> {
    related.clear();
    related.extend(d.related.iter().map(|r| {
        (
            r.span,
            convert::range(positions, r.span, encoding),
            r.message.get(lang),
        )
    }));
    Key {
        code: d.code,
        severity,
        span: d.span,
        range: convert::range(positions, d.span, encoding),
        message,
        related,
    }
}

/// An entry for `key` whose JSON is still to be set.
fn entry_of(key: &Key<'_>) -> Entry {
    Entry {
        code: key.code,
        severity: key.severity,
        span: key.span,
        range: key.range,
        message: key.message.into(),
        related: key
            .related
            .iter()
            .map(|&(s, r, m)| (s, r, m.into()))
            .collect(),
        json: Arc::from(&[][..]),
    }
}

/// `d` converted ([`convert::diagnostic`]) with `severity`, serialised.
fn convert_json<P: OffsetToPosition + ?Sized>(
    d: &Diagnostic,
    severity: Severity,
    positions: &P,
    uri: &Uri,
    encoding: PositionEncoding,
    lang: Lang,
) -> Arc<[u8]> {
    let mut converted = convert::diagnostic(d, positions, uri, encoding, lang);
    converted.severity = Some(convert::severity(severity));
    serde_json::to_vec(&converted)
        .expect("an LSP diagnostic serialises")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Message;
    use crate::text::Span;
    use crate::text::position::IndexedText;

    fn diagnostic(start: usize, end: usize, code: Code, ar: &str) -> Diagnostic {
        Diagnostic::new(Span::new(start, end), code, Message::new(ar, "message"))
    }

    /// The JSON of `diagnostics` as the server wrote it before this cache: converted, then
    /// serialised one by one.
    fn fresh(
        text: &str,
        diagnostics: &[Diagnostic],
        settings: &DiagnosticSettings,
    ) -> Vec<Vec<u8>> {
        fresh_in(text, diagnostics, settings, PositionEncoding::Utf16)
    }

    fn fresh_in(
        text: &str,
        diagnostics: &[Diagnostic],
        settings: &DiagnosticSettings,
        encoding: PositionEncoding,
    ) -> Vec<Vec<u8>> {
        let index = LineIndex::new(text);
        let positions = IndexedText {
            text,
            index: &index,
        };
        let uri: Uri = "file:///t.md".parse().expect("a URI");
        convert::configured_diagnostics(diagnostics, &positions, &uri, encoding, Lang::Ar, settings)
            .iter()
            .map(|d| serde_json::to_vec(d).expect("JSON"))
            .collect()
    }

    #[test]
    fn reused_json_equals_fresh_json_across_edits_and_settings() {
        let uri: Uri = "file:///t.md".parse().expect("a URI");
        let mut published = PublishedJson::default();
        let mut settings = DiagnosticSettings::default();
        let texts = [
            "قال «نعم\nثم فى البيت فى",
            "قال «نعم\nثم فى البيت فى",
            "وقال «نعم\nثم فى البيت فى",
            "وقال «نعم\n\nثم فى البيت فى",
        ];
        for (k, text) in texts.iter().enumerate() {
            let at = |s: &str| text.find(s).expect("in the text");
            let (quote, fi) = (at("«"), text.rfind("فى").expect("in the text"));
            let mut with_related = diagnostic(fi, fi + 4, Code::MixedOrthography, "فى");
            with_related.related.push(crate::diagnostics::Related {
                span: Span::new(at("فى"), at("فى") + 4),
                message: Message::new("هنا", "here"),
            });
            let diagnostics = vec![
                diagnostic(quote, quote + 2, Code::UnclosedQuote, "«"),
                with_related,
                diagnostic(quote, quote + 2, Code::UnclosedQuote, "«"),
            ];
            if k == 2 {
                settings
                    .severity
                    .insert(Code::UnclosedQuote, Severity::Hint);
            }
            let index = Arc::new(LineIndex::new(text));
            let positions = IndexedText {
                text,
                index: &index,
            };
            let ours: Vec<Vec<u8>> = published
                .diagnostics_json(
                    &diagnostics,
                    &positions,
                    &index,
                    None,
                    &uri,
                    PositionEncoding::Utf16,
                    Lang::Ar,
                    &settings,
                )
                .iter()
                .map(|j| j.to_vec())
                .collect();
            assert_eq!(ours, fresh(text, &diagnostics, &settings), "text {k}");
        }
        // Only the last publication's entries are kept, one per diagnostic.
        assert_eq!(published.entries.len(), 3);
    }

    /// Diagnostics of `text` made up for the test, sorted as an analysis sorts them: one per
    /// occurrence of a few words (its message counts the word's occurrences, so an edit
    /// elsewhere changes it), each later occurrence pointing at the first one as a related
    /// location, and an empty span at the end.
    fn made_up(text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (word, code) in [
            ("فى", Code::MixedOrthography),
            ("«", Code::UnclosedQuote),
            ("😀", Code::ConfusableLetter),
        ] {
            let found: Vec<usize> = text.match_indices(word).map(|(i, _)| i).collect();
            for (k, &at) in found.iter().enumerate() {
                let mut d = diagnostic(
                    at,
                    at + word.len(),
                    code,
                    &format!("{word} {}", found.len()),
                );
                if k > 0 {
                    d.related.push(crate::diagnostics::Related {
                        span: Span::new(found[0], found[0] + word.len()),
                        message: Message::new(format!("أول {k}"), "first"),
                    });
                }
                out.push(d);
            }
        }
        out.push(diagnostic(
            text.len(),
            text.len(),
            Code::RepeatedWord,
            "end",
        ));
        out.sort_by_key(|d| (d.span.start, d.span.end, d.code));
        out
    }

    /// Publishing each text of random edit sequences — inserted and deleted letters, words,
    /// line breaks (LF, CR LF, a lone CR), emoji, quotation marks — gives the JSON a fresh
    /// conversion gives, in each encoding, whether the edit is told (positions carried) or not
    /// (a revision skipped: looked up by hash).
    #[test]
    fn carried_positions_give_the_json_of_a_fresh_conversion() {
        let rng = crate::test_rng::XorShift::new(0x9e37_79b9_7f4a_7c15);
        let uri: Uri = "file:///t.md".parse().expect("a URI");
        let settings = DiagnosticSettings::default();
        let pieces = [
            "فى",
            "في",
            " ",
            "\n",
            "\r\n",
            "\r",
            "😀",
            "«",
            "»",
            "ب",
            "قال فى البيت",
            "a",
        ];
        let (mut carried, mut hashed, mut total) = (0, 0, 0);
        for encoding in [
            PositionEncoding::Utf16,
            PositionEncoding::Utf8,
            PositionEncoding::Utf32,
        ] {
            let mut published = PublishedJson::default();
            let mut text = String::from("قال «فى البيت»\nثم فى 😀 البيت\r\nفى\n«نعم");
            let mut index = Arc::new(LineIndex::new(&text));
            for step in 0..400 {
                let old = text.clone();
                // An edit at a char boundary: delete up to 6 chars, insert up to 2 pieces.
                let bounds: Vec<usize> = (0..=text.len())
                    .filter(|&i| text.is_char_boundary(i))
                    .collect();
                let at = bounds[rng.below(bounds.len())];
                let to = bounds
                    .iter()
                    .copied()
                    .filter(|&b| b >= at)
                    .nth(rng.below(7))
                    .unwrap_or(at);
                let mut insert = String::new();
                for _ in 0..rng.below(3) {
                    insert.push_str(pieces[rng.below(pieces.len())]);
                }
                text.replace_range(at..to, &insert);
                if text.len() > 400 {
                    let cut = (0..=300).rev().find(|&i| text.is_char_boundary(i));
                    text.truncate(cut.unwrap_or(0));
                }
                let (o, n) = (old.as_bytes(), text.as_bytes());
                let prefix = o.iter().zip(n).take_while(|(a, b)| a == b).count();
                let max = o.len().min(n.len()) - prefix;
                let suffix = o
                    .iter()
                    .rev()
                    .zip(n.iter().rev())
                    .take(max)
                    .take_while(|(a, b)| a == b)
                    .count();
                let edit = EditMap::new(o.len(), n.len(), prefix, suffix).expect("an edit");
                let new_index =
                    Arc::new(index.edited(&text, edit.changed_old(), edit.changed_new()));
                // Every fifth revision is published as if the one before had not been.
                let told = step % 5 != 4;
                let from = if told {
                    index.clone()
                } else {
                    Arc::new(LineIndex::new(&old))
                };
                let positions = IndexedText {
                    text: &text,
                    index: &new_index,
                };
                let diagnostics = made_up(&text);
                let ours: Vec<Vec<u8>> = published
                    .diagnostics_json(
                        &diagnostics,
                        &positions,
                        &new_index,
                        Some(Edited { from: &from, edit }),
                        &uri,
                        encoding,
                        Lang::Ar,
                        &settings,
                    )
                    .iter()
                    .map(|j| j.to_vec())
                    .collect();
                assert_eq!(
                    ours,
                    fresh_in(&text, &diagnostics, &settings, encoding),
                    "{encoding:?} step {step}: {old:?} → {text:?}"
                );
                let (reused, by_carry) = published.last_reused();
                if step > 0 && told {
                    carried += by_carry;
                    assert_eq!(reused, by_carry, "step {step}");
                } else if step > 0 {
                    assert_eq!(by_carry, 0, "step {step}");
                    hashed += reused;
                }
                total += diagnostics.len();
                index = new_index;
            }
        }
        // Many diagnostics keep their JSON, found either way (an edit that adds or removes an
        // occurrence of a word changes every message of it, a line break every later range):
        // 1,996 of the 5,500 published by carrying, after the 4 in 5 told edits, 559 by hash.
        assert!(carried * 4 > total, "{carried} of {total}");
        assert!(hashed * 20 > total, "{hashed} of {total}");
    }
}
