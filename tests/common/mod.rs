//! An in-process LSP client for the integration tests: the server runs on one end of a
//! `tokio::io::duplex`, the test writes raw JSON-RPC with `Content-Length` framing on the other
//! and parses what comes back — the same bytes a real client would exchange.
//!
//! Also: a tiny deterministic analyzer (a test double of the analysis layers) for the protocol
//! tests, and independent position arithmetic for expected ranges.

#![allow(dead_code)] // each test crate uses a different part of this module

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use qalam::analysis::Analysis;
use qalam::diagnostics::{Code, Diagnostic, Message};
use qalam::entities::{Entity, EntityKind, EntityMention};
use qalam::quotes::{Cue, Quote, Speaker};
use qalam::text::Span;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How long a test waits for any one message before failing.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// True for the params of an early `publishDiagnostics` (the text-only set the server sends when
/// a document is opened, before its full analysis): every diagnostic carries
/// `data: {"qalam": "early"}`, and an early set is never empty.
pub fn is_early(params: &Value) -> bool {
    params["diagnostics"].as_array().is_some_and(|d| {
        !d.is_empty()
            && d.iter()
                .all(|d| d["data"] == serde_json::json!({"qalam": "early"}))
    })
}

/// A client connected to an in-process server.
pub struct TestClient {
    writer: WriteHalf<DuplexStream>,
    incoming: mpsc::UnboundedReceiver<Value>,
    /// Messages received but not consumed yet (notifications seen while waiting for a response).
    backlog: VecDeque<Value>,
    /// Every `textDocument/publishDiagnostics` notification received, in order.
    pub published: Vec<Value>,
    next_id: i64,
    /// The server task; finishes after `exit`, with true when `shutdown` came first.
    pub server: JoinHandle<bool>,
}

impl TestClient {
    /// A server analysing with the real [`qalam::analyze`].
    pub fn start() -> TestClient {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (read, write) = tokio::io::split(server);
        Self::connect(client, tokio::spawn(qalam::lsp::serve(read, write)))
    }

    /// A server analysing with `analyzer`.
    pub fn start_with(analyzer: qalam::lsp::Analyzer) -> TestClient {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (read, write) = tokio::io::split(server);
        Self::connect(
            client,
            tokio::spawn(qalam::lsp::serve_with(read, write, analyzer)),
        )
    }

    fn connect(client: DuplexStream, server: JoinHandle<bool>) -> TestClient {
        let (reader, writer) = tokio::io::split(client);
        let (tx, incoming) = mpsc::unbounded_channel();
        tokio::spawn(read_messages(reader, tx));
        TestClient {
            writer,
            incoming,
            backlog: VecDeque::new(),
            published: Vec::new(),
            next_id: 0,
            server,
        }
    }

    /// Writes raw bytes to the server (for malformed-input tests).
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer
            .write_all(bytes)
            .await
            .expect("server input open");
        self.writer.flush().await.expect("flush");
    }

    /// Frames and sends one JSON-RPC message.
    pub async fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).expect("serialisable");
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(framed.as_bytes()).await;
    }

    /// Sends a notification.
    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// Sends a request and returns its id without waiting for the response.
    pub async fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        id
    }

    /// Sends a request and waits for its response message (with `result` or `error`).
    pub async fn request_message(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params).await;
        self.response(id).await
    }

    /// Sends a request and returns its `result`, failing the test on an error response.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_message(method, params).await;
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Waits for the response to request `id`, keeping other messages in the backlog.
    pub async fn response(&mut self, id: i64) -> Value {
        if let Some(i) = self.backlog.iter().position(|m| is_response(m, id)) {
            return self.backlog.remove(i).expect("present");
        }
        loop {
            let message = self.next_incoming().await;
            if is_response(&message, id) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// Waits for the first message (from the backlog or new) for which `pred` holds.
    pub async fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).expect("present");
        }
        loop {
            let message = self.next_incoming().await;
            if pred(&message) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    async fn next_incoming(&mut self) -> Value {
        let message = tokio::time::timeout(TIMEOUT, self.incoming.recv())
            .await
            .expect("timed out waiting for the server")
            .expect("the server closed its output");
        if message["method"] == "textDocument/publishDiagnostics" {
            self.published.push(message.clone());
        }
        message
    }

    /// Waits for the full `publishDiagnostics` of `uri` with `version` (`Value::Null` for none)
    /// and returns its params: an early set published on open (see [`is_early`]) is skipped.
    /// Earlier notifications of other versions are consumed.
    pub async fn diagnostics(&mut self, uri: &str, version: Value) -> Value {
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"].get("version").cloned().unwrap_or(Value::Null) == version
                && !is_early(&m["params"])
        };
        if let Some(i) = self.backlog.iter().position(matches) {
            return self.backlog.remove(i).expect("present")["params"].clone();
        }
        loop {
            let message = self.next_incoming().await;
            if matches(&message) {
                return message["params"].clone();
            }
            if message.get("id").is_some() {
                self.backlog.push_back(message);
            }
        }
    }

    /// Drains whatever arrives within `wait` (recording diagnostics in [`Self::published`]).
    pub async fn settle(&mut self, wait: Duration) {
        while let Ok(Some(message)) = tokio::time::timeout(wait, self.incoming.recv()).await {
            if message["method"] == "textDocument/publishDiagnostics" {
                self.published.push(message.clone());
            }
            if message.get("id").is_some() {
                self.backlog.push_back(message);
            }
        }
    }

    /// `initialize` + `initialized`; returns the initialize result.
    pub async fn initialize(&mut self, capabilities: Value, extra: Value) -> Value {
        let mut params = json!({"processId": null, "rootUri": null, "capabilities": capabilities});
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        let result = self.request("initialize", params).await;
        self.notify("initialized", json!({})).await;
        result
    }

    /// Opens `uri` with `text` at `version`.
    pub async fn open(&mut self, uri: &str, text: &str, version: i32) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": version, "text": text}}),
        )
        .await;
    }

    /// `textDocument/didChange` of `uri` to `version` with one change (a `contentChanges` item).
    pub async fn change(&mut self, uri: &str, version: i64, change: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        )
        .await;
    }

    /// `textDocument/hover` at `(line, character)`.
    pub async fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
        .await
    }

    /// `textDocument/documentSymbol`.
    pub async fn symbols(&mut self, uri: &str) -> Value {
        self.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await
    }

    /// `shutdown` then `exit`; waits for the server task to end.
    pub async fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null).await;
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null).await;
        let shut_down = tokio::time::timeout(TIMEOUT, self.server)
            .await
            .expect("the server ends after exit")
            .expect("the server task did not panic");
        assert!(shut_down, "the server saw the shutdown request");
    }
}

fn is_response(message: &Value, id: i64) -> bool {
    message.get("method").is_none() && message["id"] == id
}

async fn read_messages(mut reader: ReadHalf<DuplexStream>, tx: mpsc::UnboundedSender<Value>) {
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        // Parse every complete message in the buffer.
        while let Some(header_end) = find(&buffer, b"\r\n\r\n") {
            let header = std::str::from_utf8(&buffer[..header_end]).expect("ASCII headers");
            let length: usize = header
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .expect("a Content-Length header")
                .trim()
                .parse()
                .expect("a numeric Content-Length");
            let body_start = header_end + 4;
            if buffer.len() < body_start + length {
                break;
            }
            let body: Value = serde_json::from_slice(&buffer[body_start..body_start + length])
                .expect("JSON body");
            buffer.drain(..body_start + length);
            if tx.send(body).is_err() {
                return;
            }
        }
        match reader.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Client capabilities: `encodings` offered in `general.positionEncodings` (none when empty),
/// and hierarchical document symbols on or off.
pub fn capabilities(encodings: &[&str], hierarchical: bool) -> Value {
    let mut caps = json!({
        "textDocument": {
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": hierarchical},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {"relatedInformation": true, "versionSupport": true}
        }
    });
    if !encodings.is_empty() {
        caps["general"] = json!({"positionEncodings": encodings});
    }
    caps
}

/// The column unit of a test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// UTF-8 bytes.
    Utf8,
    /// UTF-16 code units.
    Utf16,
    /// Unicode scalar values.
    Utf32,
}

/// The LSP position of byte `offset` of `text`, computed here without the text layer: lines end
/// at "\n" (a preceding "\r" stays on its line, as CRLF does) or at a lone "\r"; the column
/// counts `unit`s of the line's text before `offset`.
pub fn position(text: &str, offset: usize, unit: Unit) -> Value {
    let before = &text[..offset];
    let mut line = 0;
    let mut line_start = 0;
    for (i, &b) in before.as_bytes().iter().enumerate() {
        let next = text.as_bytes().get(i + 1);
        if b == b'\n' || (b == b'\r' && next != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
    }
    let prefix = &before[line_start..];
    let character = match unit {
        Unit::Utf8 => prefix.len(),
        Unit::Utf16 => prefix.encode_utf16().count(),
        Unit::Utf32 => prefix.chars().count(),
    };
    json!({"line": line, "character": character})
}

/// The LSP range of `[start, end)` bytes of `text`.
pub fn range(text: &str, start: usize, end: usize, unit: Unit) -> Value {
    json!({"start": position(text, start, unit), "end": position(text, end, unit)})
}

/// The byte range of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn nth(text: &str, needle: &str, n: usize) -> (usize, usize) {
    let start = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} #{n} not found"))
        .0;
    (start, start + needle.len())
}

/// A small deterministic analyzer standing in for the analysis layers in protocol tests:
///
/// - people: every occurrence of `ليلى حداد`, and a bare `حداد` elsewhere, as one entity;
///   places: every `عمّان`;
/// - quotations: each `«…»` pair (unclosed: to the end of the line), attributed to the person
///   when a mention of her is on the same line, with the cue `قالت` when present;
/// - diagnostics: each `فى` → mixed-orthography (information).
///
/// It panics on a text containing `💥`, to test that the server survives analysis defects.
pub fn fake_analyzer() -> qalam::lsp::Analyzer {
    Arc::new(fake_analyze)
}

/// See [`fake_analyzer`].
pub fn fake_analyze(text: &str) -> Analysis {
    assert!(
        !text.contains('💥'),
        "the fake analysis was asked to explode"
    );
    let mut analysis = Analysis::default();

    let full = "ليلى حداد";
    let mut person: Vec<Span> = text
        .match_indices(full)
        .map(|(i, s)| Span::new(i, i + s.len()))
        .collect();
    for (i, s) in text.match_indices("حداد") {
        let span = Span::new(i, i + s.len());
        if !person.iter().any(|p| p.contains(span)) {
            person.push(span);
        }
    }
    person.sort();
    let places: Vec<Span> = text
        .match_indices("عمّان")
        .map(|(i, s)| Span::new(i, i + s.len()))
        .collect();

    let mut entities = Vec::new();
    if !person.is_empty() {
        entities.push((person[0].start, EntityKind::Person, full, person.clone()));
    }
    if !places.is_empty() {
        entities.push((places[0].start, EntityKind::Location, "عمّان", places));
    }
    entities.sort_by_key(|e| e.0);
    for (n, (_, kind, name, spans)) in entities.into_iter().enumerate() {
        let mentions: Vec<EntityMention> = spans
            .iter()
            .map(|s| EntityMention {
                text: s.slice(text).into(),
                span: *s,
            })
            .collect();
        let mut aliases: Vec<String> = Vec::new();
        for m in &mentions {
            if *m.text != *name && !aliases.iter().any(|a| **a == *m.text) {
                aliases.push(m.text.to_string());
            }
        }
        analysis.entities.push(Entity {
            id: format!("e{}", n + 1),
            name: name.to_owned(),
            kind,
            aliases,
            roles: vec![],
            mentions,
        });
    }

    let person_id = analysis
        .entities
        .iter()
        .find(|e| e.kind == EntityKind::Person)
        .map(|e| e.id.clone());
    let mut search = 0;
    while let Some(open) = text[search..].find('«').map(|i| i + search) {
        let line_end = text[open..]
            .find(['\r', '\n'])
            .map_or(text.len(), |i| i + open);
        let (end, closed) = match text[open..line_end].find('»') {
            Some(i) => (open + i + '»'.len_utf8(), true),
            None => (line_end, false),
        };
        let content = Span::new(
            open + '«'.len_utf8(),
            if closed { end - '»'.len_utf8() } else { end },
        );
        let line_start = text[..open].rfind('\n').map_or(0, |i| i + 1);
        let line = Span::new(line_start, line_end);
        let speaker = person_id.as_ref().and_then(|id| {
            let mention = person.iter().find(|p| line.contains(**p))?;
            Some(Speaker {
                name: full.into(),
                entity: Some(id.as_str().into()),
                span: *mention,
            })
        });
        let cue = text[line.start..line.end].find("قالت").map(|i| Cue {
            span: Span::new(line.start + i, line.start + i + "قالت".len()),
        });
        analysis.quotes.quotes.push(Quote {
            id: format!("q{}", analysis.quotes.quotes.len() + 1).into(),
            span: Span::new(open, end),
            content,
            closed,
            nested_in: None,
            speaker,
            cue,
            source: None,
        });
        search = end.max(open + 1);
    }

    for (i, s) in text.match_indices("فى") {
        analysis.diagnostics.push(Diagnostic {
            span: Span::new(i, i + s.len()),
            code: Code::MixedOrthography,
            severity: Code::MixedOrthography.default_severity(),
            message: Message {
                ar: "الصيغة «في» أكثر في النص".into(),
                en: "the text mostly writes في".into(),
            },
            related: vec![],
        });
    }
    analysis
}

/// Runs this build's `qalam` with `args`, writing `stdin` (when given) to its standard input and
/// then closing it; returns its exit status and captured stdout and stderr.
pub fn run_qalam(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_qalam"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("qalam runs");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        pipe.write_all(bytes).expect("write stdin");
    }
    drop(pipe);
    child.wait_with_output().expect("qalam finishes")
}
