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
//! diagnostic of a document) — and looked up among the last publication's; a diagnostic not
//! found is converted ([`convert::diagnostic`]) and serialised as before. The JSON is the
//! bytes `serde_json` writes for the converted value either way.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHasher};
use tower_lsp_server::ls_types::{Range, Uri};

use super::config::DiagnosticSettings;
use super::convert;
use crate::diagnostics::{Code, Diagnostic, Lang, Severity};
use crate::text::position::{OffsetToPosition, PositionEncoding};

/// What one diagnostic's JSON was made from, and the JSON.
#[derive(Debug)]
struct Entry {
    code: Code,
    severity: Severity,
    range: Range,
    message: Box<str>,
    related: Box<[(Range, Box<str>)]>,
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
                .all(|((r, m), (kr, km))| r == kr && **m == **km)
    }
}

/// A diagnostic as its JSON depends on it (borrowed).
struct Key<'a> {
    code: Code,
    severity: Severity,
    range: Range,
    message: &'a str,
    related: &'a [(Range, &'a str)],
}

impl Key<'_> {
    fn hash(&self) -> u64 {
        let mut h = FxHasher::default();
        self.code.hash(&mut h);
        self.severity.hash(&mut h);
        hash_range(&self.range, &mut h);
        self.message.hash(&mut h);
        for (range, message) in self.related {
            hash_range(range, &mut h);
            message.hash(&mut h);
        }
        h.finish()
    }
}

fn hash_range(r: &Range, h: &mut FxHasher) {
    [r.start.line, r.start.character, r.end.line, r.end.character].hash(h);
}

/// The JSON of the diagnostics of one document's last publication, by the hash of what each
/// was made from (two different diagnostics with one hash, never seen, would make the second
/// one converted every time: the entry holds its key and is used only when the key matches).
#[derive(Debug, Default)]
pub struct PublishedJson {
    entries: HashMap<u64, Entry>,
}

impl PublishedJson {
    /// The JSON of each of `diagnostics` that `settings` enables, in order: the value
    /// [`convert::configured_diagnostics`] gives, serialised — taken from the last call's when
    /// it made the same JSON. Keeps this call's for the next (and forgets the others).
    /// `positions`, `uri`, `encoding` and `lang` as for [`convert::configured_diagnostics`].
    pub fn diagnostics_json<P: OffsetToPosition + ?Sized>(
        &mut self,
        diagnostics: &[Diagnostic],
        positions: &P,
        uri: &Uri,
        encoding: PositionEncoding,
        lang: Lang,
        settings: &DiagnosticSettings,
    ) -> Vec<Arc<[u8]>> {
        let mut last = std::mem::take(&mut self.entries);
        let mut out = Vec::with_capacity(diagnostics.len());
        let mut related: Vec<(Range, &str)> = Vec::new();
        for d in diagnostics.iter().filter(|d| settings.is_enabled(d.code)) {
            related.clear();
            related.extend(d.related.iter().map(|r| {
                (
                    convert::range(positions, r.span, encoding),
                    r.message.get(lang),
                )
            }));
            let key = Key {
                code: d.code,
                severity: settings.severity(d.code, d.severity),
                range: convert::range(positions, d.span, encoding),
                message: d.message.get(lang),
                related: &related,
            };
            let hash = key.hash();
            if let Some(e) = self.entries.get(&hash).filter(|e| e.matches(&key)) {
                out.push(e.json.clone());
                continue;
            }
            let entry = match last.remove(&hash) {
                Some(e) if e.matches(&key) => e,
                _ => {
                    let mut converted = convert::diagnostic(d, positions, uri, encoding, lang);
                    converted.severity = Some(convert::severity(key.severity));
                    let json: Arc<[u8]> = serde_json::to_vec(&converted)
                        .expect("an LSP diagnostic serialises")
                        .into();
                    Entry {
                        code: key.code,
                        severity: key.severity,
                        range: key.range,
                        message: key.message.into(),
                        related: related.iter().map(|&(r, m)| (r, m.into())).collect(),
                        json,
                    }
                }
            };
            out.push(entry.json.clone());
            self.entries.entry(hash).or_insert(entry);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Message;
    use crate::text::Span;
    use crate::text::position::{IndexedText, LineIndex};

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
        let index = LineIndex::new(text);
        let positions = IndexedText {
            text,
            index: &index,
        };
        let uri: Uri = "file:///t.md".parse().expect("a URI");
        convert::configured_diagnostics(
            diagnostics,
            &positions,
            &uri,
            PositionEncoding::Utf16,
            Lang::Ar,
            settings,
        )
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
            let index = LineIndex::new(text);
            let positions = IndexedText {
                text,
                index: &index,
            };
            let ours: Vec<Vec<u8>> = published
                .diagnostics_json(
                    &diagnostics,
                    &positions,
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
        // Only the last publication's entries are kept (two distinct diagnostics).
        assert_eq!(published.entries.len(), 2);
    }
}
