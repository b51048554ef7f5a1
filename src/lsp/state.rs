//! Open documents and their analyses, cached per document version.
//!
//! Each open document has a [`Document`] (rope + client version) and a [`Snapshot`] of its
//! current revision. A snapshot owns the rope at that revision and computes its [`Analysis`]
//! at most once (a `tokio::sync::OnceCell`): whichever of the background publisher or a request
//! asks first runs it, the others wait for that result. Requests therefore never re-analyse a
//! version that was analysed already.
//!
//! Locking: [`Documents`] is a `std::sync::Mutex`, held only for synchronous map operations,
//! never across an `.await`.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ropey::Rope;
use tokio::sync::OnceCell;
use tower_lsp_server::ls_types::Uri;
use tracing::{error, warn};

use crate::analysis::Analysis;
use crate::text::document::{Change, Document};
use crate::text::position::PositionEncoding;

/// The function that analyses a text: [`crate::analyze`] in production; tests may inject another.
pub type Analyzer = Arc<dyn Fn(&str) -> Analysis + Send + Sync>;

/// A text and its analysis, computed together off the async runtime.
#[derive(Debug)]
pub struct Analyzed {
    /// The analysed text (the snapshot's rope as a `String`).
    pub text: String,
    /// Its analysis; every span is a byte range of `text`.
    pub analysis: Analysis,
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
    analysis: OnceCell<Option<Arc<Analyzed>>>,
}

impl Snapshot {
    /// The analysis of this snapshot, computing it on first use on a blocking thread.
    ///
    /// `None` when the analysis panicked (logged with `tracing::error`): a defect in the
    /// analysis layers must not take the server down. The result, `None` included, is cached.
    pub async fn analysis(&self, analyzer: &Analyzer) -> Option<Arc<Analyzed>> {
        self.analysis
            .get_or_init(|| run_analysis(self.rope.clone(), analyzer.clone(), self.version))
            .await
            .clone()
    }

    /// The cached analysis, if it has been computed already.
    pub fn cached(&self) -> Option<Arc<Analyzed>> {
        self.analysis.get().cloned().flatten()
    }
}

async fn run_analysis(rope: Rope, analyzer: Analyzer, version: i32) -> Option<Arc<Analyzed>> {
    let job = tokio::task::spawn_blocking(move || {
        let text = rope.to_string();
        catch_unwind(AssertUnwindSafe(|| analyzer(&text)))
            .map(|analysis| Analyzed { text, analysis })
            .map_err(|payload| panic_message(payload.as_ref()))
    });
    match job.await {
        Ok(Ok(analyzed)) => Some(Arc::new(analyzed)),
        Ok(Err(message)) => {
            error!(version, "analysis panicked: {message}");
            None
        }
        Err(err) => {
            error!(version, "analysis task failed: {err}");
            None
        }
    }
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
}

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

    fn snapshot_of(&self, document: &Document) -> Arc<Snapshot> {
        Arc::new(Snapshot {
            revision: self.next_revision.fetch_add(1, Ordering::Relaxed) + 1,
            version: document.version(),
            rope: document.rope().clone(),
            analysis: OnceCell::new(),
        })
    }

    /// Opens (or re-opens, replacing) `uri` with `text` at `version`; returns its snapshot.
    pub fn open(&self, uri: Uri, text: &str, version: i32) -> Arc<Snapshot> {
        let document = Document::new(text, version);
        let snapshot = self.snapshot_of(&document);
        self.lock().insert(
            uri,
            Entry {
                document,
                snapshot: snapshot.clone(),
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
        entry.document.apply(changes, version, encoding);
        entry.snapshot = self.snapshot_of(&entry.document);
        Some(entry.snapshot.clone())
    }

    /// Closes `uri`; false when it was not open.
    pub fn close(&self, uri: &Uri) -> bool {
        self.lock().remove(uri).is_some()
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
