//! Open documents and their analyses, cached per document version.
//!
//! Each open document has a [`Document`] (rope + client version) and a [`Snapshot`] of its
//! current revision. A snapshot owns the rope at that revision and computes its [`Analysis`]
//! at most once: whichever of the background publisher or a request asks first starts it as a
//! detached task (on the blocking pool), and everyone — that first caller included — waits for
//! its result on a `tokio::sync::watch` channel. A waiter that gives up (a timed-out or
//! cancelled request) neither cancels nor restarts the analysis, and requests never re-analyse
//! a version that was analysed already.
//!
//! With the shipped analyzer ([`shipped_analyzer`], what [`super::serve`] uses) each open
//! document also owns an [`IncrementalAnalyzer`]: every snapshot of the document analyses its
//! text through it, so an edit redoes only the paragraphs it touched (same result as a fresh
//! analysis: `tests/incremental.rs`). The cache is dropped with the document on `didClose`, and
//! emptied when an analysis panics (the next one starts from scratch). An analysis whose turn at
//! the analyser comes after a newer revision of its document was made is skipped: when analyses
//! take longer than the time between keystrokes, the server analyses the newest text next rather
//! than every revision in turn.
//!
//! Locking: [`Documents`] is a `std::sync::Mutex`, held only for synchronous map operations,
//! never across an `.await`. A document's analyser is a `std::sync::Mutex` held by the one
//! blocking-pool thread running that document's analysis.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use ropey::Rope;
use tokio::sync::watch;
use tower_lsp_server::ls_types::{DocumentSymbol, Uri};
use tracing::{debug, error, warn};

use crate::analysis::Analysis;
use crate::analysis::incremental::IncrementalAnalyzer;
use crate::diagnostics::Lang;
use crate::text::document::{Change, Document};
use crate::text::edit::EditMap;
use crate::text::position::{IndexedText, LineIndex, PositionEncoding};

/// The function that analyses a text: [`shipped_analyzer`] in production; tests may inject another.
pub type Analyzer = Arc<dyn Fn(&str) -> Analysis + Send + Sync>;

static SHIPPED: LazyLock<Analyzer> = LazyLock::new(|| Arc::new(super::analyze_bounded));

/// The production analyzer, [`super::analyze_bounded`] ([`crate::analyze`] up to
/// [`super::MAX_ANALYSED_BYTES`]). [`Documents`] recognises this very value (by
/// pointer) and then analyses each document incrementally through its own
/// [`IncrementalAnalyzer`], which returns the same [`Analysis`]; any other analyzer is called
/// on the whole text.
pub fn shipped_analyzer() -> Analyzer {
    SHIPPED.clone()
}

/// Loads the lexicons, cue lists and tagger model on two background threads, so that the first
/// document's analysis does not pay for them when the client opens it a moment after
/// `initialize`: one thread parses the tagger model (`ner::shipped`, the larger half), the other
/// the entity lexicon and then analyses our sample article, which reaches every other lazily
/// built table (cue lists, quotation and diagnostic word lists) and waits for the model. On two
/// cores the tables are ready in the time of the model alone. Both run at nice +5
/// ([`lower_priority`]) so that the first document's early diagnostics (tokens only) are not
/// kept waiting behind them on a two-core machine. The trade: the first full analysis waits for
/// these tables, so while other processes keep every core busy the tables load at a quarter of
/// a core's share instead of a half (≈ 4× the 30 ms, not ≈ 2×); nice +19 would make that wait
/// unbounded (priority inversion) and is not used. Both run [`crate::background::in_background`]:
/// while the early diagnostics of a document being opened are computed, they pause at their
/// next entry (see [`crate::background`] for why nice +5 is not enough). Never blocks the
/// caller; a panic there is ignored (the first real analysis then loads what it needs and
/// reports the failure).
pub fn prewarm() {
    /// Our sample article (written by us).
    const PREWARM_TEXT: &str = include_str!("../../examples/sample.txt");
    let model = std::thread::Builder::new()
        .name("qalam-prewarm-model".into())
        .spawn(|| {
            lower_priority();
            let started = std::time::Instant::now();
            let _ = catch_unwind(|| crate::background::in_background(crate::ner::shipped));
            debug!(ms = ms(started.elapsed()), "prewarm: tagger model loaded");
        });
    let rest = std::thread::Builder::new()
        .name("qalam-prewarm".into())
        .spawn(|| {
            lower_priority();
            let started = std::time::Instant::now();
            let _ = catch_unwind(|| {
                crate::background::in_background(|| {
                    crate::entities::lexicon::Lexicon::get();
                    debug!(ms = ms(started.elapsed()), "prewarm: lexicon loaded");
                    crate::background::point();
                    crate::analyze(PREWARM_TEXT)
                })
            });
            debug!(ms = ms(started.elapsed()), "prewarm: done");
        });
    for err in [model.err(), rest.err()].into_iter().flatten() {
        warn!("cannot start a prewarm thread: {err}");
    }
}

/// Gives the calling thread nice +5 (on Linux `setpriority` with `PRIO_PROCESS` and id 0
/// applies to the calling thread only; an unprivileged thread cannot undo it, so it is used only
/// on threads that end after their work). Failure is ignored: the thread keeps its priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only changes the calling thread's nice value; any result is fine.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 5);
    }
}

/// True when `analyzer` is [`shipped_analyzer`] (by pointer).
pub(crate) fn is_shipped(analyzer: &Analyzer) -> bool {
    Arc::ptr_eq(analyzer, &SHIPPED)
}

/// Drops `value` on the blocking pool when called inside a tokio runtime (else here): the last
/// references to large documents' revisions own their texts and analyses (hundreds of
/// thousands of allocations for a 1 MB text, milliseconds to free), which must not delay the
/// message loop or the analysis running beside it.
fn drop_off_thread<T: Send + 'static>(value: T) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn_blocking(move || drop(value));
        }
        Err(_) => drop(value),
    }
}

/// A document's incremental analyser and spare text buffers, shared by its snapshots.
type Cache = Arc<DocCache>;

/// What one open document keeps between analyses.
#[derive(Debug, Default)]
struct DocCache {
    analyzer: Mutex<IncrementalAnalyzer>,
    /// The revision of the document's newest snapshot ([`Snapshot::revision`]); an analysis
    /// whose snapshot is older when its turn at `analyzer` comes is not run ([`Outcome::Superseded`]).
    latest: AtomicU64,
    /// Buffers of dropped analyses' texts, for the next analyses' copies of the rope.
    texts: Arc<TextPool>,
    /// The line index of the analyser's last text (set and read under the `analyzer` lock):
    /// the next analysed text's index is made from it ([`LineIndex::edited`]), reading only the
    /// lines the edit touched. `None` after an analysis that did not go through the analyser.
    lines: Mutex<Option<Arc<LineIndex>>>,
}

/// Spare `String` buffers of one document's texts (at most [`TextPool::MAX`]). Each analysis
/// copies the rope into a `String`; a new one of a large document is a fresh `mmap` whose pages
/// fault in as they are written (≈ 0.6 ms of a 1 MB keystroke here), where a buffer of an
/// earlier version that has been dropped is written in place. The buffers go back from
/// [`Analyzed`]'s `Drop` and go with the document's cache on close.
#[derive(Debug, Default)]
struct TextPool(Mutex<Vec<String>>);

impl TextPool {
    const MAX: usize = 2;

    /// The text of `rope` in a spare buffer, or a new one.
    fn text_of(&self, rope: &Rope) -> String {
        let spare = self.0.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut text = spare.unwrap_or_default();
        text.clear();
        crate::text::document::push_rope(&mut text, rope);
        text
    }

    fn give(&self, text: String) {
        let mut spare = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if spare.len() < Self::MAX && text.capacity() > 0 {
            spare.push(text);
        }
    }
}

/// A text and its analysis, computed together off the async runtime.
#[derive(Debug)]
pub struct Analyzed {
    /// The analysed text (the snapshot's rope as a `String`).
    pub text: String,
    /// Its analysis; every span is a byte range of `text`.
    pub analysis: Analysis,
    /// The line index of `text`, for converting the analysis's byte spans to positions.
    pub lines: Arc<LineIndex>,
    /// When `text` was analysed as an edit of the document's previous analysed text: that
    /// text's line index and its byte offsets in `text` (for carrying the last publication's
    /// positions, [`super::published::Edited`]).
    pub edited_from: Option<(Arc<LineIndex>, EditMap)>,
    /// The outline of this revision, computed on the first `documentSymbol` request and reused
    /// by the next ones, with the encoding and language it was made for.
    outline: Mutex<Option<OutlineCache>>,
    /// Where `text`'s buffer goes when this is dropped (its document's [`TextPool`]).
    pool: Weak<TextPool>,
}

impl Drop for Analyzed {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.upgrade() {
            pool.give(std::mem::take(&mut self.text));
        }
    }
}

/// An outline ([`super::symbols::nested`]) and the `(encoding, language)` it was built for.
type OutlineCache = ((PositionEncoding, Lang), Arc<Vec<DocumentSymbol>>);

impl Analyzed {
    /// Pairs `text` with its `analysis`, indexing the text's lines.
    pub fn new(text: String, analysis: Analysis) -> Self {
        let lines = Arc::new(LineIndex::new(&text));
        Self::with_index(text, analysis, lines)
    }

    /// [`Analyzed::new`] with the line index of `text` given (`LineIndex::new(&text)` or one
    /// that answers as it does).
    pub fn with_index(text: String, analysis: Analysis, lines: Arc<LineIndex>) -> Self {
        Analyzed {
            text,
            analysis,
            lines,
            edited_from: None,
            outline: Mutex::new(None),
            pool: Weak::new(),
        }
    }

    /// The text with its line index: what converts spans to positions.
    pub fn positions(&self) -> IndexedText<'_> {
        IndexedText {
            text: &self.text,
            index: &self.lines,
        }
    }

    /// The hierarchical outline of this revision in `encoding` and `lang`
    /// ([`super::symbols::nested`]), built once per (encoding, language) and then shared.
    pub fn outline(&self, encoding: PositionEncoding, lang: Lang) -> Arc<Vec<DocumentSymbol>> {
        let key = (encoding, lang);
        let mut cached = self.outline.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((k, outline)) = cached.as_ref()
            && *k == key
        {
            return outline.clone();
        }
        let outline = Arc::new(super::symbols::nested(
            &self.analysis,
            &self.text,
            &self.positions(),
            encoding,
            lang,
        ));
        *cached = Some((key, outline.clone()));
        outline
    }
}

/// One revision of an open document: its rope, the client's version, and its analysis
/// (computed lazily, at most once).
#[derive(Debug)]
pub struct Snapshot {
    /// Server-side revision: unique per applied open/change, increasing. Unlike the client's
    /// version it is never reused (not even across close and reopen), so it identifies the
    /// text exactly.
    pub revision: u64,
    /// The version the client gave this text.
    pub version: i32,
    /// The text (a cheap clone of the document's rope).
    pub rope: Rope,
    /// Whether the analysis has been started.
    started: AtomicBool,
    /// `None` until the analysis has finished; then its outcome.
    result: watch::Sender<Option<Outcome>>,
    /// The document's incremental analyser (used with [`shipped_analyzer`] only).
    cache: Option<Cache>,
    /// Set (under the server's publish lock) once this snapshot's full diagnostics have been
    /// published: its early diagnostics must not follow them.
    full_published: AtomicBool,
}

impl Snapshot {
    /// A snapshot of `rope` at `version`, not analysed yet.
    pub fn new(revision: u64, version: i32, rope: Rope) -> Self {
        Snapshot {
            revision,
            version,
            rope,
            started: AtomicBool::new(false),
            result: watch::Sender::new(None),
            cache: None,
            full_published: AtomicBool::new(false),
        }
    }

    /// Records that this snapshot's full diagnostics have been published.
    pub fn mark_full_published(&self) {
        self.full_published.store(true, Ordering::Release);
    }

    /// True once this snapshot's full diagnostics have been published.
    pub fn full_published(&self) -> bool {
        self.full_published.load(Ordering::Acquire)
    }

    /// The analysis of this snapshot, started on first use and computed once.
    ///
    /// `None` when the analysis panicked (logged with `tracing::error`): a defect in the
    /// analysis layers must not take the server down; or, with the document's incremental
    /// analyser only, when a newer revision of the document existed by the time this one's turn
    /// at the analyser came ([`Outcome::Superseded`], logged at debug level): then the newest
    /// revision is analysed next, instead of every revision typed while an earlier analysis ran.
    /// Revisions only increase, so a request (which takes the current snapshot and, its handler
    /// holding back the next messages, keeps it current while it waits) never sees that. The
    /// outcome, `None` included, is cached. Must be called inside a tokio runtime.
    pub async fn analysis(self: &Arc<Self>, analyzer: &Analyzer) -> Option<Arc<Analyzed>> {
        self.start(analyzer);
        let mut results = self.result.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let outcome = results.wait_for(Option::is_some).await.ok()?.clone();
        outcome?.analyzed()
    }

    /// Starts this snapshot's analysis on the blocking pool unless it has been started; returns
    /// at once. [`Snapshot::analysis`] waits for it. Must be called inside a tokio runtime.
    pub fn start(self: &Arc<Self>, analyzer: &Analyzer) {
        if self.started.swap(true, Ordering::AcqRel) {
            return;
        }
        let cache = self.cache.clone().filter(|_| is_shipped(analyzer));
        // The job is handed to the blocking pool here, not from a task spawned for it.
        let outcome = run_analysis(
            self.rope.clone(),
            analyzer.clone(),
            cache,
            self.version,
            self.revision,
        );
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let outcome = outcome.await;
            this.result.send_replace(Some(outcome));
        });
    }

    /// The analysis, if it has finished already.
    pub fn cached(&self) -> Option<Arc<Analyzed>> {
        self.result.borrow().clone()?.analyzed()
    }
}

/// How a snapshot's analysis ended.
#[derive(Debug, Clone)]
enum Outcome {
    /// Analysed.
    Done(Arc<Analyzed>),
    /// The analysis panicked (logged).
    Failed,
    /// Not run: a newer revision of the document existed when its turn came.
    Superseded,
}

impl Outcome {
    fn analyzed(self) -> Option<Arc<Analyzed>> {
        match self {
            Outcome::Done(analyzed) => Some(analyzed),
            Outcome::Failed | Outcome::Superseded => None,
        }
    }
}

/// Analyses `rope` (the snapshot at `revision`, client `version`) on the blocking pool: through
/// the document's incremental analyser when `cache` is given, else by calling `analyzer`.
/// With a cache the analysis is skipped ([`Outcome::Superseded`]) when a newer revision exists,
/// checked before copying the text and again once the analyser's lock is held. The job starts
/// when this is called; the future returned waits for it.
fn run_analysis(
    rope: Rope,
    analyzer: Analyzer,
    cache: Option<Cache>,
    version: i32,
    revision: u64,
) -> impl std::future::Future<Output = Outcome> {
    // A newer revision exists: its own analysis follows, this one would only delay it.
    let superseded = move |cache: &DocCache| cache.latest.load(Ordering::Acquire) > revision;
    let job = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        if cache.as_deref().is_some_and(superseded) {
            return Ok(None);
        }
        let text = match &cache {
            Some(cache) => cache.texts.text_of(&rope),
            None => crate::text::document::rope_text(&rope),
        };
        let copied = started.elapsed();
        // The line index made with the analyser's (from its last text's), if any, and the one
        // it was made from with the edit.
        let mut index = None;
        let mut edited_from = None;
        let result = match &cache {
            Some(cache) => {
                // A panic is caught inside the lock, so the mutex is never poisoned by it.
                let mut incremental = cache.analyzer.lock().unwrap_or_else(|p| p.into_inner());
                // Checked again once the analyser is ours: while an analysis longer than the
                // time between two keystrokes held it, the client sent newer revisions.
                if superseded(cache) {
                    return Ok(None);
                }
                let result = catch_unwind(AssertUnwindSafe(|| {
                    if text.len() > super::MAX_ANALYSED_BYTES {
                        // Same bound as the shipped analyzer's (which logs it).
                        incremental.clear();
                        super::analyze_bounded(&text)
                    } else {
                        incremental.analyze(&text)
                    }
                }));
                let mut lines = cache.lines.lock().unwrap_or_else(|p| p.into_inner());
                let previous = lines.take();
                if result.is_err() {
                    // The cache may be half-updated: the next analysis starts from scratch.
                    incremental.clear();
                } else if text.len() <= super::MAX_ANALYSED_BYTES {
                    let made = Arc::new(match (previous, incremental.last_edit()) {
                        (Some(previous), Some(edit)) => {
                            let made =
                                previous.edited(&text, edit.changed_old(), edit.changed_new());
                            edited_from = Some((previous, edit));
                            made
                        }
                        _ => LineIndex::new(&text),
                    });
                    *lines = Some(made.clone());
                    index = Some(made);
                }
                drop(lines);
                if result.is_ok() {
                    let (reused, computed) = incremental.last_counts();
                    let quotes = incremental.last_quote_reuse();
                    debug!(
                        version,
                        paragraphs_reused = reused,
                        paragraphs_computed = computed,
                        paragraphs_resolved = incremental.last_resolved(),
                        entities_reused = incremental.last_entities_reused(),
                        mentions_regrouped = incremental.last_regrouped(),
                        quotes_reused = quotes.quotes_reused,
                        quotes = quotes.quotes,
                        names_reused = quotes.names_reused,
                        names = quotes.names,
                        "reuse"
                    );
                }
                result
            }
            None => catch_unwind(AssertUnwindSafe(|| analyzer(&text))),
        };
        let analysed = started.elapsed();
        let result = result
            .map(|analysis| {
                let mut analyzed = match index {
                    Some(index) => Analyzed::with_index(text, analysis, index),
                    None => Analyzed::new(text, analysis),
                };
                if let Some(c) = &cache {
                    analyzed.pool = Arc::downgrade(&c.texts);
                }
                analyzed.edited_from = edited_from;
                Some(analyzed)
            })
            .map_err(|payload| panic_message(payload.as_ref()));
        debug!(
            version,
            copy_ms = ms(copied),
            analyse_ms = ms(analysed - copied),
            index_ms = ms(started.elapsed() - analysed),
            "analysed"
        );
        result
    });
    async move {
        match job.await {
            Ok(Ok(Some(analyzed))) => Outcome::Done(Arc::new(analyzed)),
            Ok(Ok(None)) => {
                debug!(version, "a newer revision exists; analysis skipped");
                Outcome::Superseded
            }
            Ok(Err(message)) => {
                error!(version, "analysis panicked: {message}");
                Outcome::Failed
            }
            Err(err) => {
                error!(version, "analysis task failed: {err}");
                Outcome::Failed
            }
        }
    }
}

/// `d` in milliseconds, for logs.
pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}

struct Entry {
    document: Document,
    snapshot: Arc<Snapshot>,
    /// The document's incremental analyser; dropped with the entry on close.
    cache: Cache,
    /// Snapshots replaced by an edit, dropped off-thread once the next diagnostics are out
    /// ([`Documents::release_retired`]), or here when more than [`MAX_RETIRED`] wait.
    retired: Vec<Arc<Snapshot>>,
}

/// How many replaced snapshots a document keeps until its next publication
/// ([`Documents::release_retired`]); an older one is dropped at once.
const MAX_RETIRED: usize = 4;

/// The open documents, by URI.
#[derive(Default)]
pub struct Documents {
    map: Mutex<HashMap<Uri, Entry>>,
    next_revision: AtomicU64,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Documents")
            .field("open", &self.lock().len())
            .finish()
    }
}

impl Documents {
    fn lock(&self) -> MutexGuard<'_, HashMap<Uri, Entry>> {
        // A panic while the lock was held cannot leave the map half-updated (every update is
        // one insert/replace), so a poisoned lock is still usable.
        self.map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn snapshot_of(&self, document: &Document, cache: &Cache) -> Arc<Snapshot> {
        let revision = self.next_revision.fetch_add(1, Ordering::Relaxed) + 1;
        let mut snapshot = Snapshot::new(revision, document.version(), document.rope().clone());
        cache.latest.fetch_max(revision, Ordering::AcqRel);
        snapshot.cache = Some(cache.clone());
        Arc::new(snapshot)
    }

    /// Opens (or re-opens, replacing) `uri` with `text` at `version`; returns its snapshot.
    /// A re-opened document starts with an empty incremental cache.
    pub fn open(&self, uri: Uri, text: &str, version: i32) -> Arc<Snapshot> {
        let document = Document::new(text, version);
        let cache: Cache = Arc::default();
        let snapshot = self.snapshot_of(&document, &cache);
        self.lock().insert(
            uri,
            Entry {
                document,
                snapshot: snapshot.clone(),
                cache,
                retired: Vec::new(),
            },
        );
        snapshot
    }

    /// Applies `changes` (positions in `encoding`) to `uri` and sets its version; returns the new
    /// snapshot, or `None` when `uri` is not open (logged and ignored).
    pub fn change(
        &self,
        uri: &Uri,
        changes: &[Change<'_>],
        version: i32,
        encoding: PositionEncoding,
    ) -> Option<Arc<Snapshot>> {
        let mut map = self.lock();
        let Some(entry) = map.get_mut(uri) else {
            warn!(
                uri = uri.as_str(),
                "didChange for a document that is not open; ignored"
            );
            return None;
        };
        if version <= entry.document.version() {
            warn!(
                uri = uri.as_str(),
                version,
                previous = entry.document.version(),
                "didChange version does not increase; applied anyway"
            );
        }
        // The text layer promises not to panic on any change; should it ever, the document's
        // text is unknown, so it is closed (requests then answer nothing) rather than letting
        // the panic take the server down.
        let applied = catch_unwind(AssertUnwindSafe(|| {
            entry.document.apply(changes, version, encoding);
        }));
        if applied.is_err() {
            error!(
                uri = uri.as_str(),
                version, "applying a change panicked; document closed"
            );
            map.remove(uri);
            return None;
        }
        let previous = std::mem::replace(
            &mut entry.snapshot,
            self.snapshot_of(&entry.document, &entry.cache),
        );
        let snapshot = entry.snapshot.clone();
        // Freeing a large analysis takes milliseconds of a core that the analysis of this
        // revision, starting now, needs: it waits until the next publication.
        // (One that someone else still holds is theirs to drop.)
        let mut overflow = Vec::new();
        if Arc::strong_count(&previous) == 1 {
            entry.retired.push(previous);
            let n = entry.retired.len().saturating_sub(MAX_RETIRED);
            overflow.extend(entry.retired.drain(..n));
        }
        drop(map);
        if !overflow.is_empty() {
            drop_off_thread(overflow);
        }
        Some(snapshot)
    }

    /// Drops, off-thread, the snapshots of `uri` that edits replaced: called once a
    /// publication of its diagnostics is queued, when the cores are free of its analysis. They
    /// are taken at once and dropped once `after` is told (the publication's frame is out,
    /// [`super::outbox::Written`]), or at once without it or outside a runtime.
    ///
    /// Why wait: freeing the snapshots of a 1 MB document takes a millisecond or two, and a
    /// thread woken for it may run on the CPU where the writer, woken for the frame, waits
    /// (a woken thread is often queued on its waker's CPU).
    pub fn release_retired(&self, uri: &Uri, after: Option<super::outbox::Written>) {
        let retired = match self.lock().get_mut(uri) {
            Some(entry) => std::mem::take(&mut entry.retired),
            None => return,
        };
        if retired.is_empty() {
            return;
        }
        match (after, tokio::runtime::Handle::try_current()) {
            (Some(after), Ok(runtime)) => {
                runtime.spawn(async move {
                    // Told, or the output failed: freed either way.
                    let _ = after.await;
                    drop_off_thread(retired);
                });
            }
            _ => drop_off_thread(retired),
        }
    }

    /// Closes `uri`, dropping its text and incremental cache (an analysis still running keeps
    /// the cache until it ends); false when it was not open.
    pub fn close(&self, uri: &Uri) -> bool {
        // The caller returns the freed memory to the OS ([`super::memory::trim_after_close`]).
        let removed = self.lock().remove(uri);
        // Freed after the lock is released: the current revision and those waiting for a
        // publication ([`Documents::release_retired`]) may be large.
        removed.is_some()
    }

    /// The current snapshot of `uri`, if it is open.
    pub fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.lock().get(uri).map(|e| e.snapshot.clone())
    }

    /// True when `revision` is the current revision of `uri` (the document is open and has not
    /// changed since).
    pub fn is_current(&self, uri: &Uri, revision: u64) -> bool {
        self.lock()
            .get(uri)
            .is_some_and(|e| e.snapshot.revision == revision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::position::OffsetToPosition;

    fn uri(s: &str) -> Uri {
        s.parse().expect("a valid URI")
    }

    /// True when `snapshot`'s document keeps `index` as its analyser's last line index.
    fn cache_lines_is(snapshot: &Snapshot, index: &Arc<LineIndex>) -> bool {
        let cache = snapshot.cache.as_ref().expect("a cache");
        let lines = cache.lines.lock().unwrap();
        lines.as_ref().is_some_and(|l| Arc::ptr_eq(l, index))
    }

    #[tokio::test]
    async fn incremental_analysis_matches_fresh_and_is_dropped_on_close() {
        let docs = Documents::default();
        let u = uri("file:///tmp/a.md");
        let text = "قال الرئيس: «سنعود».\n\nوأضاف المتحدث أن الوفد وصل.";
        let first = docs.open(u.clone(), text, 1);
        let analyzer = shipped_analyzer();
        let a = first.analysis(&analyzer).await.expect("analysis");
        assert_eq!(a.analysis, crate::analyze(text));
        // Replace everything (a full change) with an edited text: same as a fresh analysis.
        let edited = "قال الرئيس: «سنعود قريبا».\n\nوأضاف المتحدث أن الوفد وصل.";
        let changes = [Change {
            range: None,
            text: edited,
        }];
        let second = docs
            .change(&u, &changes, 2, PositionEncoding::Utf16)
            .expect("open");
        let b = second.analysis(&analyzer).await.expect("analysis");
        assert_eq!(b.text, edited);
        assert_eq!(b.analysis, crate::analyze(edited));
        // The line index, made from the last one (`LineIndex::edited`), answers as a fresh one.
        let fresh = LineIndex::new(edited);
        for offset in 0..=edited.len() {
            assert_eq!(
                b.positions()
                    .offset_to_position(offset, PositionEncoding::Utf16),
                fresh.position(edited, offset, PositionEncoding::Utf16),
                "offset {offset}"
            );
        }
        let made_from = b.lines.clone();
        assert!(
            cache_lines_is(&second, &made_from),
            "kept for the next analysis"
        );
        let cache = second.cache.clone().expect("a cache");
        assert_eq!(
            cache.analyzer.lock().unwrap().last_counts(),
            (1, 1),
            "one paragraph reused, one recomputed"
        );
        // Closing drops the document's reference; only the snapshots' remain.
        assert!(docs.close(&u));
        drop((first, second));
        assert_eq!(Arc::strong_count(&cache), 1);
    }

    /// A snapshot replaced by an edit is freed only after the next publication
    /// (`Documents::release_retired`), not while the next revision is being analysed; at most
    /// `MAX_RETIRED` wait, older ones are freed at once.
    #[tokio::test]
    async fn replaced_snapshots_wait_for_the_next_publication() {
        let docs = Documents::default();
        let u = uri("file:///tmp/r.md");
        let alive =
            |weaks: &[Weak<Snapshot>]| weaks.iter().filter(|w| w.strong_count() > 0).count();
        // Freed on the blocking pool: waits (up to 5 s) until `n` are alive.
        let settle = |weaks: Vec<Weak<Snapshot>>, n: usize| async move {
            for _ in 0..500 {
                if alive(&weaks) == n {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            alive(&weaks)
        };
        let mut weaks = vec![Arc::downgrade(&docs.open(
            u.clone(),
            "قال الوزير: «نعم».",
            1,
        ))];
        for version in 2..2 + MAX_RETIRED as i32 + 2 {
            let text = format!("قال الوزير: «نعم {version}».");
            let changes = [Change {
                range: None,
                text: &text,
            }];
            let snapshot = docs
                .change(&u, &changes, version, PositionEncoding::Utf16)
                .expect("open");
            weaks.push(Arc::downgrade(&snapshot));
            if version == 2 {
                assert_eq!(alive(&weaks), 2, "the replaced snapshot is kept");
            }
        }
        // The current one and the last `MAX_RETIRED` replaced ones.
        assert_eq!(
            settle(weaks.clone(), MAX_RETIRED + 1).await,
            MAX_RETIRED + 1
        );
        assert!(weaks[weaks.len() - MAX_RETIRED - 1].strong_count() > 0);
        // Released with a publication whose frame is not out yet: kept until it is.
        let (out, written) = tokio::sync::oneshot::channel::<()>();
        docs.release_retired(&u, Some(written));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            alive(&weaks),
            MAX_RETIRED + 1,
            "kept until the frame is out"
        );
        out.send(()).expect("the release waits");
        assert_eq!(settle(weaks.clone(), 1).await, 1);
        assert!(weaks.last().is_some_and(|w| w.strong_count() == 1));
    }

    /// A dropped analysis gives its text's buffer back; the next copy of a rope is written
    /// into it (same allocation, the rope's text), and the pool keeps at most `MAX`.
    #[test]
    fn text_buffers_are_reused_across_analyses() {
        let pool = Arc::new(TextPool::default());
        let first = Rope::from_str("قال الوزير: «نعم».");
        let text = pool.text_of(&first);
        assert_eq!(text, "قال الوزير: «نعم».");
        let mut analyzed = Analyzed::new(text, crate::Analysis::default());
        analyzed.pool = Arc::downgrade(&pool);
        let buffer = analyzed.text.as_ptr();
        drop(analyzed);
        assert_eq!(pool.0.lock().unwrap().len(), 1, "given back on drop");
        let second = Rope::from_str("وأضاف: «لا».");
        let text = pool.text_of(&second);
        assert_eq!(text, "وأضاف: «لا».");
        assert_eq!(text.as_ptr(), buffer, "the dropped analysis's buffer");
        for _ in 0..TextPool::MAX + 2 {
            pool.give(String::with_capacity(8));
        }
        assert_eq!(pool.0.lock().unwrap().len(), TextPool::MAX);
    }

    #[tokio::test]
    async fn the_outline_is_built_once_per_revision_and_encoding() {
        let docs = Documents::default();
        let text = "قال الرئيس 😀 سامح شكري: «سنعود».\r\n\r\nوأضاف شكري: «غدا».";
        let snapshot = docs.open(uri("file:///tmp/c.md"), text, 1);
        let a = snapshot
            .analysis(&shipped_analyzer())
            .await
            .expect("analysis");
        let first = a.outline(PositionEncoding::Utf16, Lang::En);
        assert!(Arc::ptr_eq(
            &first,
            &a.outline(PositionEncoding::Utf16, Lang::En)
        ));
        let rope = Rope::from_str(text);
        for e in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let outline = a.outline(e, Lang::En);
            let expected = super::super::symbols::nested(&a.analysis, text, &rope, e, Lang::En);
            assert_eq!(*outline, expected);
            assert!(!outline.is_empty());
        }
    }

    /// A revision whose analysis starts after a newer one was made is not analysed (it would
    /// only delay the newest); the newest is, incrementally from the last analysed text.
    #[tokio::test]
    async fn a_superseded_revision_is_not_analysed() {
        let docs = Documents::default();
        let u = uri("file:///tmp/d.md");
        let analyzer = shipped_analyzer();
        let text = "قال الرئيس: «سنعود».\n\nوأضاف المتحدث أن الوفد وصل.";
        let first = docs.open(u.clone(), text, 1);
        assert!(first.analysis(&analyzer).await.is_some());
        let edit = |version, new: &'static str| {
            let changes = [Change {
                range: None,
                text: new,
            }];
            docs.change(&u, &changes, version, PositionEncoding::Utf16)
                .expect("open")
        };
        let second = edit(2, "قال الرئيس: «سنعود غدا».\n\nوأضاف المتحدث أن الوفد وصل.");
        let final_text = "قال الرئيس: «سنعود».\n\nوأضاف المتحدث أن الوفد وصل أمس.";
        let third = edit(3, final_text);
        assert!(second.analysis(&analyzer).await.is_none(), "superseded");
        assert!(second.cached().is_none());
        let cache = third.cache.clone().expect("a cache");
        assert_eq!(
            cache.analyzer.lock().unwrap().last_counts(),
            (0, 2),
            "the superseded revision left the analyser untouched"
        );
        let newest = third
            .analysis(&analyzer)
            .await
            .expect("the newest is analysed");
        assert_eq!(newest.analysis, crate::analyze(final_text));
        assert_eq!(
            cache.analyzer.lock().unwrap().last_counts(),
            (1, 1),
            "the first paragraph is the first revision's (the second's differs)"
        );
    }

    #[tokio::test]
    async fn an_injected_analyzer_is_called_on_the_whole_text() {
        let docs = Documents::default();
        let u = uri("file:///tmp/b.md");
        let snapshot = docs.open(u, "نص", 1);
        let analyzer: Analyzer = Arc::new(|_: &str| Analysis::default());
        let a = snapshot.analysis(&analyzer).await.expect("analysis");
        assert_eq!(a.analysis, Analysis::default());
    }
}
