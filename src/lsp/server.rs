//! The [`LanguageServer`] implementation: handlers only convert between LSP and the analysis.
//!
//! Ordering. tower-lsp-server 0.23 polls up to four handler futures at once by default (tower-lsp
//! issue 284: its transport feeds handler futures to `buffer_unordered(4)`), so a `didChange`
//! could overtake an earlier `hover`, or two edits could interleave. [`super::serve_with`] runs
//! the transport with `Server::concurrency_level(1)` (= `buffer_unordered(1)`): a message's
//! handler starts only after the previous one has finished, in the order the client sent them.
//! On top of that, every handler reads or updates the document state synchronously, before its
//! first `.await` (the state lock is a `std::sync::Mutex`, never held across an `.await`), so the
//! order of edits would still hold if the limit were raised. The cost of the limit is that a
//! request waiting for an analysis holds back the messages behind it; that wait is one analysis
//! of the current text (milliseconds for an article), computed at most once per version, and
//! never longer than [`REQUEST_ANALYSIS_TIMEOUT`].
//!
//! One caveat stays with tower-lsp-server: its `initialize` / `shutdown` / `exit` state checks run
//! when a message is *read*, not when its turn comes. A client that sends requests before the
//! `initialize` response (which LSP forbids) gets "server not initialized" for them.
//!
//! Notifications never wait for analysis: `didOpen`/`didChange` apply the text, take a
//! [`Snapshot`] and return; a background task analyses the snapshot (after a short debounce for
//! edits, and only while it is still the newest revision) and publishes its diagnostics tagged
//! with the document version. Publishing is serialised by an async lock and re-checks, under
//! that lock, that the snapshot is still the document's newest revision, so diagnostics older
//! than the newest version are never published. Requests wait for the analysis of the current
//! snapshot, shared with the background task (computed once per version).

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    ConfigurationItem, DidChangeConfigurationParams, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DocumentSymbolParams,
    DocumentSymbolResponse, Hover, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, InitializedParams, OneOf, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, Uri,
};
use tower_lsp_server::{Client, LanguageServer};
use tracing::{debug, error, info, warn};

use super::config::{SECTION, Settings};
use super::outbox::Outbox;
use super::published::{Edited, PublishedJson};
use super::splice::{self, Splices};
use super::state::{Analyzer, Documents, Snapshot};
use super::{convert, hover, symbols};
use crate::diagnostics::Lang;
use crate::text::document::Change;
use crate::text::position::PositionEncoding;

/// How long an edit waits, by default, before its diagnostics are computed in the background; a
/// newer edit within that time makes the older revision's analysis unnecessary (requests still get
/// an up-to-date analysis at once). Clients set it with `initializationOptions.debounceMs`.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// The largest debounce a client may ask for (longer values are clamped to it).
pub const MAX_DEBOUNCE: Duration = Duration::from_secs(10);

/// The longest a request waits for an analysis. Messages are handled one at a time, so an
/// analysis that never ends (a defect) must not hold every later message back: past this
/// time the request is answered with no result (logged) and the analysis goes on in the
/// background.
pub const REQUEST_ANALYSIS_TIMEOUT: Duration = Duration::from_secs(5);

/// The `data` of every diagnostic in an early publication (`{"qalam": "early"}`, see
/// `Backend::publish_early`): the set published when a document is opened, before the
/// lexicons and the tagger have run. Clients may ignore it; the full set that follows for the
/// same version replaces it and carries no `data`.
pub static EARLY_DATA: std::sync::LazyLock<Value> =
    std::sync::LazyLock::new(|| serde_json::json!({"qalam": "early"}));

/// The longest the server waits for the client's answer to `workspace/configuration`; without
/// an answer the settings in force stay.
pub const CONFIGURATION_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings negotiated in `initialize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    /// Unit of every position exchanged with the client.
    pub encoding: PositionEncoding,
    /// Language of messages, hovers and outline group names.
    pub lang: Lang,
    /// Whether the client takes nested `DocumentSymbol`s.
    pub hierarchical_symbols: bool,
    /// How long an edit waits before its diagnostics are computed and published.
    pub debounce: Duration,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            encoding: PositionEncoding::Utf16,
            lang: Lang::En,
            hierarchical_symbols: false,
            debounce: DEBOUNCE,
        }
    }
}

impl Session {
    /// The session a client asks for in `initialize`:
    ///
    /// - encoding: [`PositionEncoding::negotiate`] over `capabilities.general.positionEncodings`
    ///   (UTF-8, else UTF-32, else UTF-16; UTF-16 when none is offered);
    /// - language: `initializationOptions.lang` (`"ar"` / `"en"`) when given, else
    ///   [`Lang::from_locale`] of `locale`, else English;
    /// - hierarchical symbols: `textDocument.documentSymbol.hierarchicalDocumentSymbolSupport`;
    /// - debounce: `initializationOptions.debounceMs` (a non-negative integer of milliseconds,
    ///   clamped to [`MAX_DEBOUNCE`]; anything else is ignored), else [`DEBOUNCE`].
    pub fn from_initialize(params: &InitializeParams) -> Session {
        let offered: Vec<&str> = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .map(|kinds| kinds.iter().map(|k| k.as_str()).collect())
            .unwrap_or_default();
        let encoding = PositionEncoding::negotiate(offered);

        let option_lang = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("lang"))
            .and_then(Value::as_str)
            .and_then(|l| match l.to_ascii_lowercase().as_str() {
                "ar" => Some(Lang::Ar),
                "en" => Some(Lang::En),
                _ => None,
            });
        let lang = option_lang
            .or_else(|| params.locale.as_deref().map(Lang::from_locale))
            .unwrap_or_default();

        let hierarchical_symbols = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|d| d.hierarchical_document_symbol_support)
            .unwrap_or(false);
        let debounce = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("debounceMs"))
            .and_then(Value::as_u64)
            .map(|ms| Duration::from_millis(ms).min(MAX_DEBOUNCE))
            .unwrap_or(DEBOUNCE);
        Session {
            encoding,
            lang,
            hierarchical_symbols,
            debounce,
        }
    }
}

/// The client's settings ([`super::config`]) and what they fall back to.
#[derive(Debug, Default)]
struct Configuration {
    settings: Settings,
    /// The language of the client's `locale` (English without one), for `lang: "auto"`.
    locale: Lang,
    /// Whether the client answers `workspace/configuration`.
    pull: bool,
    /// Counts settings updates: a pulled answer is applied only when no update came after the
    /// request was sent.
    generation: u64,
}

struct Inner {
    client: Client,
    analyzer: Analyzer,
    documents: Documents,
    session: Mutex<Session>,
    configuration: Mutex<Configuration>,
    /// URIs of the open documents (to re-publish their diagnostics when the settings change).
    open: Mutex<HashSet<Uri>>,
    /// Serialises publishing so that a check "still the newest revision?" and the send that
    /// follows it cannot interleave with another publish or a close.
    publish: tokio::sync::Mutex<()>,
    /// Set by the `shutdown` request (shared with [`super::serve_with`], which reports it).
    shutdown: Arc<AtomicBool>,
    /// Results written as JSON directly (the outline), see [`super::splice`].
    splices: Splices,
    /// Per open document, the JSON of its last published diagnostics ([`super::published`]).
    published: Mutex<std::collections::HashMap<Uri, PublishedJson>>,
    /// Where every `publishDiagnostics` is written ([`super::outbox`]).
    outbox: Outbox,
}

/// The qalam language server.
#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("session", &self.session())
            .field("documents", &self.inner.documents)
            .finish()
    }
}

impl Backend {
    /// A server talking to `client` that analyses texts with `analyzer`; `shutdown` is set when
    /// the client sends the `shutdown` request.
    /// Large results are written through `splices` (see [`super::splice`]), diagnostics
    /// through `outbox` ([`super::outbox`]).
    pub fn new(
        client: Client,
        analyzer: Analyzer,
        shutdown: Arc<AtomicBool>,
        splices: Splices,
        outbox: Outbox,
    ) -> Self {
        Backend {
            inner: Arc::new(Inner {
                client,
                analyzer,
                documents: Documents::default(),
                session: Mutex::new(Session::default()),
                configuration: Mutex::new(Configuration::default()),
                open: Mutex::new(HashSet::new()),
                publish: tokio::sync::Mutex::new(()),
                shutdown,
                splices,
                published: Mutex::default(),
                outbox,
            }),
        }
    }

    /// The last published diagnostics' JSON per document (never held across an `.await`).
    fn published(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<Uri, PublishedJson>> {
        self.inner
            .published
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// The session negotiated in `initialize`, with the language and debounce of the settings
    /// in force.
    fn session(&self) -> Session {
        let session = *self.inner.session.lock().unwrap_or_else(|p| p.into_inner());
        let configuration = self.configuration();
        Session {
            lang: configuration.settings.lang.unwrap_or(configuration.locale),
            debounce: configuration.settings.debounce.unwrap_or(DEBOUNCE),
            ..session
        }
    }

    fn configuration(&self) -> std::sync::MutexGuard<'_, Configuration> {
        self.inner
            .configuration
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn open_documents(&self) -> std::sync::MutexGuard<'_, HashSet<Uri>> {
        self.inner.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces the settings when `generation` is still the newest update (`None`: always, as a
    /// new update) and re-publishes the diagnostics of every open document when they changed.
    fn apply_settings(&self, settings: Settings, generation: Option<u64>) {
        {
            let mut configuration = self.configuration();
            match generation {
                Some(g) if g != configuration.generation => {
                    debug!("a newer settings update came first; pulled settings dropped");
                    return;
                }
                Some(_) => {}
                None => configuration.generation += 1,
            }
            if configuration.settings == settings {
                return;
            }
            info!(?settings, "settings changed");
            configuration.settings = settings;
        }
        let open: Vec<Uri> = self.open_documents().iter().cloned().collect();
        for uri in open {
            if let Some(snapshot) = self.inner.documents.snapshot(&uri) {
                self.schedule_publish(uri, snapshot, Duration::ZERO);
            }
        }
    }

    /// Asks the client for the `qalam` section (`workspace/configuration`) in the background and
    /// applies the answer over the settings in force, unless another update comes first.
    fn pull_settings(&self) {
        let generation = {
            let mut configuration = self.configuration();
            if !configuration.pull {
                return;
            }
            configuration.generation += 1;
            configuration.generation
        };
        let this = self.clone();
        tokio::spawn(async move {
            let items = vec![ConfigurationItem {
                scope_uri: None,
                section: Some(SECTION.to_owned()),
            }];
            let request = this.inner.client.configuration(items);
            let value = match tokio::time::timeout(CONFIGURATION_TIMEOUT, request).await {
                Ok(Ok(mut values)) if !values.is_empty() => values.swap_remove(0),
                Ok(Ok(_)) => return,
                Ok(Err(err)) => {
                    warn!("workspace/configuration failed: {err}");
                    return;
                }
                Err(_) => {
                    warn!("no answer to workspace/configuration; settings unchanged");
                    return;
                }
            };
            let mut settings = this.configuration().settings.clone();
            settings.overlay(&value);
            this.apply_settings(settings, Some(generation));
        });
    }

    /// Analyses `snapshot` in the background (after `delay`, and only while it is the newest
    /// revision of `uri`) and publishes its diagnostics with the snapshot's version.
    fn schedule_publish(&self, uri: Uri, snapshot: Arc<Snapshot>, delay: Duration) {
        if delay.is_zero() {
            // Started from the handler: one hand-off to the blocking pool, not three.
            snapshot.start(&self.inner.analyzer);
        }
        let this = self.clone();
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let inner = &this.inner;
            if !inner.documents.is_current(&uri, snapshot.revision) {
                debug!(
                    version = snapshot.version,
                    "skipping analysis of a stale version"
                );
                return;
            }
            let Some(analyzed) = snapshot.analysis(&inner.analyzer).await else {
                return; // panicked (logged) or superseded by a newer revision: publish nothing
            };
            let session = this.session();
            let filter = this.configuration().settings.diagnostics.clone();
            let started = Instant::now();
            // The document's last JSON, taken out while this publication uses it (a panic
            // drops it; the next publication then converts every diagnostic).
            let mut json = this.published().remove(&uri).unwrap_or_default();
            let converted = catch_unwind(AssertUnwindSafe(|| {
                json.diagnostics_json(
                    &analyzed.analysis.diagnostics,
                    &analyzed.positions(),
                    &analyzed.lines,
                    analyzed
                        .edited_from
                        .as_ref()
                        .map(|(from, edit)| Edited { from, edit: *edit }),
                    &uri,
                    session.encoding,
                    session.lang,
                    &filter,
                )
            }));
            let Ok(diagnostics) = converted else {
                error!("converting diagnostics panicked; nothing published");
                return;
            };
            let converted = started.elapsed();
            let _guard = inner.publish.lock().await;
            if !inner.documents.is_current(&uri, snapshot.revision) {
                debug!(
                    version = snapshot.version,
                    "not publishing diagnostics of a stale version"
                );
                return;
            }
            let locked = started.elapsed();
            let written = inner
                .outbox
                .publish_diagnostics_json(&uri, &diagnostics, Some(snapshot.version))
                .await;
            // The revisions this one replaced are freed once the frame is out, when the cores
            // are idle: freed at once, beside the writer, they could hold it back.
            inner.documents.release_retired(&uri, written);
            let (reused, carried) = json.last_reused();
            // Kept while the document is open: `didClose` takes the publish lock to drop it.
            this.published().insert(uri, json);
            snapshot.mark_full_published();
            debug!(
                version = snapshot.version,
                diagnostics = diagnostics.len(),
                reused,
                carried,
                convert_ms = super::state::ms(converted),
                lock_ms = super::state::ms(locked - converted),
                send_ms = super::state::ms(started.elapsed() - locked),
                "published"
            );
        });
    }

    /// Publishes at once the diagnostics of the text just opened that need no lexicon or model
    /// ([`crate::analysis::early_diagnostics`]), unless a newer revision of the document exists;
    /// each carries [`EARLY_DATA`] in its `data` field. The full set, published later for the
    /// same version, replaces them (it contains every one of them). Only with the shipped
    /// analyzer (whose full set is the superset), for a document within
    /// [`super::MAX_ANALYSED_BYTES`], and only when there is something to show.
    ///
    /// Computed here, from the text of `didOpen` (no copy of the rope), on the thread handling
    /// it ([`tokio::task::block_in_place`] on a multi-threaded runtime) and before the full
    /// analysis is scheduled, so that neither a hand-off to a blocking thread (up to 5 ms of
    /// wake-up seen on a busy two-core machine) nor the full analysis competes with it. It costs
    /// ≈ 2.5 ms of CPU at 112 KB and 16 ms at 1 MB (`cpu_times`, stage `early`; ≈ 130 ms for a
    /// document of [`super::MAX_ANALYSED_BYTES`]). For that time the next messages wait (they
    /// are handled one at a time) and the full analysis starts that much later, while the
    /// model it needs is usually still loading.
    async fn publish_early(&self, uri: &Uri, text: &str, snapshot: &Snapshot) {
        if !super::state::is_shipped(&self.inner.analyzer) || text.len() > super::MAX_ANALYSED_BYTES
        {
            return;
        }
        let started = Instant::now();
        let session = self.session();
        let filter = self.configuration().settings.diagnostics.clone();
        let compute = || {
            // The prewarm's loaders pause meanwhile (they share the cores with this thread).
            let _foreground =
                (text.len() <= super::EARLY_FOREGROUND_BYTES).then(crate::background::foreground);
            catch_unwind(AssertUnwindSafe(|| {
                let early = crate::analysis::early_diagnostics(text);
                let lines = crate::text::position::LineIndex::new(text);
                let positions = crate::text::position::IndexedText {
                    text,
                    index: &lines,
                };
                let mut converted = convert::configured_diagnostics(
                    &early,
                    &positions,
                    uri,
                    session.encoding,
                    session.lang,
                    &filter,
                );
                for d in &mut converted {
                    d.data = Some(EARLY_DATA.clone());
                }
                converted
            }))
        };
        let multi_threaded = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        let computed = if multi_threaded {
            tokio::task::block_in_place(compute)
        } else {
            compute()
        };
        let Ok(diagnostics) = computed else {
            error!("early diagnostics panicked; none published");
            return;
        };
        if diagnostics.is_empty() {
            return;
        }
        let inner = &self.inner;
        let _guard = inner.publish.lock().await;
        if snapshot.full_published() || !inner.documents.is_current(uri, snapshot.revision) {
            debug!(
                version = snapshot.version,
                "early diagnostics overtaken; not published"
            );
            return;
        }
        inner
            .outbox
            .publish_diagnostics(uri, &diagnostics, Some(snapshot.version))
            .await;
        debug!(
            computed_ms = super::state::ms(started.elapsed()),
            "early diagnostics published"
        );
    }

    /// The current snapshot of `uri` and its analysis, for a request. `None` for an unknown
    /// document or when the analysis panicked.
    async fn analyzed(&self, uri: &Uri) -> Option<(Arc<Snapshot>, Arc<super::state::Analyzed>)> {
        // Taken synchronously, before any `.await`: the request sees every edit sent before it.
        let Some(snapshot) = self.inner.documents.snapshot(uri) else {
            debug!(
                uri = uri.as_str(),
                "request for a document that is not open"
            );
            return None;
        };
        let analysis = snapshot.analysis(&self.inner.analyzer);
        match tokio::time::timeout(REQUEST_ANALYSIS_TIMEOUT, analysis).await {
            Ok(analyzed) => Some((snapshot, analyzed?)),
            Err(_) => {
                error!(
                    version = snapshot.version,
                    "analysis is taking too long; no result"
                );
                None
            }
        }
    }
}

/// Runs `f`, turning a panic into `None` (logged): request handlers must never take the
/// server down, whatever the analysis returned.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(_) => {
            error!("{what} panicked; answering with no result");
            None
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let session = Session::from_initialize(&params);
        *self.inner.session.lock().unwrap_or_else(|p| p.into_inner()) = session;
        {
            let mut configuration = self.configuration();
            configuration.settings =
                Settings::from_initialization_options(params.initialization_options.as_ref());
            configuration.locale = params
                .locale
                .as_deref()
                .map(Lang::from_locale)
                .unwrap_or_default();
            configuration.pull = params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false);
        }
        info!(?session, "initialize");
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(session.encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "qalam".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        debug!("initialized");
        self.pull_settings();
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let pushed = self.configuration().settings.pushed(&params.settings);
        match pushed {
            Some(settings) => self.apply_settings(settings, None),
            None => self.pull_settings(),
        }
    }

    async fn shutdown(&self) -> Result<()> {
        info!("shutdown");
        self.inner.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.open_documents().insert(doc.uri.clone());
        let snapshot = self
            .inner
            .documents
            .open(doc.uri.clone(), &doc.text, doc.version);
        self.publish_early(&doc.uri, &doc.text, &snapshot).await;
        self.schedule_publish(doc.uri, snapshot, Duration::ZERO);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let session = self.session();
        let encoding = session.encoding;
        let changes: Vec<Change<'_>> = params
            .content_changes
            .iter()
            .map(|c| Change {
                range: c.range.map(|r| {
                    (
                        convert::to_text_position(r.start),
                        convert::to_text_position(r.end),
                    )
                }),
                text: &c.text,
            })
            .collect();
        let uri = params.text_document.uri;
        // Applied synchronously, before any `.await`.
        if let Some(snapshot) =
            self.inner
                .documents
                .change(&uri, &changes, params.text_document.version, encoding)
        {
            self.schedule_publish(uri, snapshot, session.debounce);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.open_documents().remove(&uri);
        if self.inner.documents.close(&uri) {
            super::memory::trim_after_close();
        } else {
            debug!(
                uri = uri.as_str(),
                "didClose for a document that is not open"
            );
        }
        // Under the publish lock: no diagnostics of the closed text can follow the clearing.
        let _guard = self.inner.publish.lock().await;
        self.published().remove(&uri);
        self.inner.outbox.publish_diagnostics(&uri, &[], None).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let Some((snapshot, analyzed)) = self.analyzed(&position.text_document.uri).await else {
            return Ok(None);
        };
        let session = self.session();
        Ok(guarded("hover", || {
            let offset = convert::offset(&snapshot.rope, position.position, session.encoding);
            hover::hover(
                &analyzed.analysis,
                &analyzed.text,
                &analyzed.positions(),
                offset,
                session.encoding,
                session.lang,
            )
        })
        .flatten())
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let Some((_, analyzed)) = self.analyzed(&uri).await else {
            return Ok(None);
        };
        let session = self.session();
        Ok(guarded("documentSymbol", || {
            let groups = analyzed.outline(session.encoding, session.lang);
            let json = if session.hierarchical_symbols {
                serde_json::to_vec(groups.as_ref())
            } else {
                serde_json::to_vec(&symbols::flat(&groups, &uri))
            };
            match json {
                Ok(json) => splice::outline_placeholder(self.inner.splices.stash(json), &uri),
                Err(err) => {
                    error!("documentSymbol: cannot serialise the outline: {err}");
                    DocumentSymbolResponse::Flat(Vec::new())
                }
            }
        }))
    }
}
