//! LSP latency harness: spawns a language server on stdio and measures what a writer feels.
//!
//! For each server — `qalam serve --stdio`, the protocol floor (a trivial server built into this
//! harness: it answers `initialize`, publishes one empty diagnostics list per document version
//! and answers every request with `null`/`[]`), and `typos-lsp` when installed — on generated
//! Arabic news documents (see `common`) of 20 KB, 112 KB and 1 MB, it reports:
//!
//! - start: process spawn → `initialize` answered;
//! - first diagnostics: `didOpen` → the first `publishDiagnostics` of the document (for qalam
//!   its early set: the text-only codes, published before the lexicons and the tagger have run,
//!   every diagnostic marked `data: {"qalam": "early"}`);
//! - full diagnostics: `didOpen` → the first `publishDiagnostics` of the document that is not
//!   an early set (model load included for qalam: it is loaded on a background thread started
//!   with the server); the same as the first for the other servers;
//! - keystroke → diagnostics: 200 single-character incremental `didChange`s (a letter typed into
//!   the middle paragraph, then deleted), each followed by waiting for the `publishDiagnostics`
//!   of that version (or, for a server that sends no version, the next one for the document);
//!   p50 and p99;
//! - typing → diagnostics: a reporting clause with a new name and a quotation (`TYPED`, written
//!   by us) typed one character at a time at the end of the middle paragraph, then deleted one
//!   character at a time (`LSP_TYPING` times, default 2; 0 skips), each keystroke followed by
//!   waiting for its `publishDiagnostics`: p50 and p99. Unlike the single letter above, these
//!   keystrokes make and unmake names, speakers, cue verbs and quotation marks;
//! - hover and documentSymbol: 100 requests each on the settled document, p50 and p99;
//! - peak RSS (`VmHWM` of `/proc/PID/status`);
//! - for qalam on 1 MB: RSS with one document open, and after opening and closing 100 such
//!   documents (`VmRSS`).
//!
//! Every latency starts when the message is handed to the pipe, in one `write` (after this
//! harness has serialised it), and ends when the last byte of the awaited message has been read
//! into a buffer kept from the last message (before this harness parses its JSON). Until
//! 2026-12-04 (fifteenth round of docs/performance.md) the clock started before the JSON was
//! built and the reply was read into a fresh buffer: the allocator work left by freeing the
//! last parsed reply (≈ 900 diagnostics of a 1 MB document) was then counted, ≈ 0.9 ms per
//! keystroke after a pause.
//!
//! Ratios to the floor and to typos-lsp are printed. qalam is started with
//! `initializationOptions: {"debounceMs": 0}`.
//!
//! Run: `cargo build --release && cargo bench --bench lsp_latency`. Environment: `QALAM_BIN`
//! (default `target/release/qalam`), `TYPOS_LSP` (default: `typos-lsp` on `PATH`, else
//! `/tmp/typos-root/bin/typos-lsp`), `LSP_EDITS` (default 200), `LSP_SIZES` (comma-separated
//! labels among 20KB,112KB,1MB; default all), `LSP_CHURN` (documents opened and closed, default
//! 100; 0 skips), `LSP_TYPING` (default 2), `LSP_PACE_MS` (a pause before each keystroke,
//! default 0: see [`pace`]).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// Framing

/// `msg` framed: its `Content-Length` header and JSON body in one buffer.
fn frame_bytes(msg: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(msg).expect("a JSON value serialises");
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(&body);
    frame
}

/// Writes `frame` with one `write` call, as editors do (a header written piece by piece wakes
/// the server's reader once per piece).
fn write_frame_bytes(out: &mut impl Write, frame: &[u8]) -> std::io::Result<()> {
    out.write_all(frame)?;
    out.flush()
}

fn write_frame(out: &mut impl Write, msg: &Value) -> std::io::Result<()> {
    write_frame_bytes(out, &frame_bytes(msg))
}

/// Reads one framed message into `body` (kept by the caller, so that no allocation happens
/// while a frame arrives). The instant is taken when its last byte has been read, before the
/// JSON is parsed: latencies measure the server and the pipe, not this client's parser (an
/// outline of a 1 MB article is ~800 KB of JSON, ~10 ms to parse into a `Value`) nor its
/// allocator (freeing the last parsed message leaves glibc up to a millisecond of deferred
/// work, done by the next allocation that needs it).
fn read_frame_at(input: &mut impl BufRead, body: &mut Vec<u8>) -> Option<(Instant, Value)> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    body.resize(len?, 0);
    input.read_exact(body).ok()?;
    let at = Instant::now();
    serde_json::from_slice(body).ok().map(|v| (at, v))
}

fn read_frame(input: &mut impl BufRead) -> Option<Value> {
    read_frame_at(input, &mut Vec::new()).map(|(_, v)| v)
}

// ---------------------------------------------------------------------------------------------
// The protocol floor: a trivial server.

fn floor_server() {
    let stdin = std::io::stdin();
    let mut input = BufReader::new(stdin.lock());
    let mut out = std::io::stdout().lock();
    while let Some(msg) = read_frame(&mut input) {
        let method = msg["method"].as_str().unwrap_or("");
        let id = msg.get("id").cloned();
        let reply = |out: &mut std::io::StdoutLock<'_>, result: Value| {
            if let Some(id) = id.clone() {
                let _ = write_frame(out, &json!({"jsonrpc": "2.0", "id": id, "result": result}));
            }
        };
        match method {
            "initialize" => reply(
                &mut out,
                json!({"capabilities": {"textDocumentSync": 2, "hoverProvider": true,
                        "documentSymbolProvider": true}}),
            ),
            "textDocument/didOpen" | "textDocument/didChange" => {
                let doc = &msg["params"]["textDocument"];
                let _ = write_frame(
                    &mut out,
                    &json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                        "params": {"uri": doc["uri"], "version": doc["version"], "diagnostics": []}}),
                );
            }
            "textDocument/documentSymbol" => reply(&mut out, json!([])),
            "exit" => return,
            _ => reply(&mut out, Value::Null),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Client

struct Server {
    name: String,
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    rx: Receiver<(Instant, Value)>,
    next_id: i64,
    start_to_init: Duration,
}

impl Server {
    fn spawn(name: &str, cmd: &mut Command, init_options: Value) -> Option<Server> {
        let spawned = Instant::now();
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| eprintln!("{name}: cannot start: {e}"))
            .ok()?;
        let stdin = Arc::new(Mutex::new(child.stdin.take()?));
        let stdout = child.stdout.take()?;
        let (tx, rx) = channel();
        let answer = stdin.clone();
        std::thread::spawn(move || {
            let mut input = BufReader::new(stdout);
            let mut body = Vec::new();
            while let Some((at, msg)) = read_frame_at(&mut input, &mut body) {
                // Requests from the server (configuration, registrations) are answered here.
                if msg.get("method").is_some() && msg.get("id").is_some() {
                    let result = if msg["method"] == "workspace/configuration" {
                        let n = msg["params"]["items"].as_array().map_or(0, Vec::len);
                        Value::Array(vec![Value::Null; n])
                    } else {
                        Value::Null
                    };
                    let reply = json!({"jsonrpc": "2.0", "id": msg["id"], "result": result});
                    let _ = write_frame(&mut *answer.lock().unwrap(), &reply);
                    continue;
                }
                if tx.send((at, msg)).is_err() {
                    return;
                }
            }
        });
        let mut server = Server {
            name: name.to_string(),
            child,
            stdin,
            rx,
            next_id: 1,
            start_to_init: Duration::ZERO,
        };
        let root = format!("file://{}", std::env::temp_dir().display());
        let id = server.request(
            "initialize",
            json!({"processId": std::process::id(), "rootUri": root,
                "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]},
                    "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
                    "publishDiagnostics": {"versionSupport": true}},
                    "general": {"positionEncodings": ["utf-16"]}},
                "initializationOptions": init_options}),
        );
        server.wait_response(id)?;
        server.start_to_init = spawned.elapsed();
        server.notify("initialized", json!({}));
        Some(server)
    }

    /// Writes `msg`; returns the instant just before the write, once the message is serialised
    /// (latencies start there: building the JSON, and the allocator work freeing the last reply
    /// left to the next allocation, are the client's, not the server's).
    fn send(&self, msg: &Value) -> Instant {
        let frame = frame_bytes(msg);
        let mut stdin = self.stdin.lock().unwrap();
        let sent = Instant::now();
        let _ = write_frame_bytes(&mut *stdin, &frame);
        sent
    }

    /// Sends a notification; returns when it was written ([`Server::send`]).
    fn notify(&self, method: &str, params: Value) -> Instant {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Sends a request; returns its id and when it was written ([`Server::send`]).
    fn request_at(&mut self, method: &str, params: Value) -> (i64, Instant) {
        let id = self.next_id;
        self.next_id += 1;
        let sent =
            self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        (id, sent)
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        self.request_at(method, params).0
    }

    fn wait_for(&self, mut ok: impl FnMut(&Value) -> bool) -> Option<(Instant, Value)> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((at, msg)) if ok(&msg) => return Some((at, msg)),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    eprintln!("{}: timed out waiting for a message", self.name);
                    return None;
                }
            }
        }
    }

    fn wait_response(&self, id: i64) -> Option<Instant> {
        self.wait_for(|m| m.get("method").is_none() && m["id"] == id)
            .map(|(at, _)| at)
    }

    /// Waits for the first diagnostics of `uri` at `version` (a message without a version
    /// counts), early set or not; returns when it was read and whether it was an early set.
    fn wait_first_diagnostics(&self, uri: &str, version: i64) -> Option<(Instant, bool)> {
        self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && (m["params"]["version"].is_null() || m["params"]["version"] == version)
        })
        .map(|(at, m)| (at, is_early(&m["params"])))
    }

    /// Waits for the full diagnostics of `uri` at `version` (a message without a version
    /// counts): an early set ([`is_early`]) is skipped.
    fn wait_diagnostics(&self, uri: &str, version: i64) -> Option<Instant> {
        self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && (m["params"]["version"].is_null() || m["params"]["version"] == version)
                && !is_early(&m["params"])
        })
        .map(|(at, _)| at)
    }

    fn status(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse().ok())
    }

    fn stop(mut self) {
        let id = self.request("shutdown", Value::Null);
        let _ = self.wait_response(id);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Measurements

#[derive(Clone, Debug, Default)]
struct Report {
    start: Duration,
    /// `didOpen` → the first diagnostics (qalam: its early, text-only set).
    first_diagnostics: Duration,
    /// `didOpen` → the full diagnostics (the first set for servers that send one).
    full_diagnostics: Duration,
    edit: Vec<Duration>,
    /// Each keystroke of typing and deleting [`TYPED`].
    typing: Vec<Duration>,
    hover: Vec<Duration>,
    symbols: Vec<Duration>,
    peak_rss_kb: u64,
}

/// True for the params of qalam's early `publishDiagnostics` on open (the text-only set, sent
/// before the full analysis is ready): every diagnostic carries `data: {"qalam": "early"}`.
fn is_early(params: &Value) -> bool {
    params["diagnostics"]
        .as_array()
        .is_some_and(|d| !d.is_empty() && d.iter().all(|d| d["data"] == json!({"qalam": "early"})))
}

fn percentile(v: &[Duration], p: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    let mut s = v.to_vec();
    s.sort();
    let i = ((p / 100.0) * (s.len() - 1) as f64).round() as usize;
    s[i.min(s.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// UTF-16 line/character of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[line_start..offset].encode_utf16().count();
    (line, character)
}

/// What the typing measurement types (written by us): a reporting clause with a speaker's name
/// not in the documents, a cue verb and a quotation.
const TYPED: &str = " وقال الوزير سالم المنصوري: «سنواصل العمل مع جميع الأطراف».";

/// The pause before each keystroke (`LSP_PACE_MS`, default 0: each keystroke is sent as soon as
/// the last one's diagnostics have been read and parsed). A writer's keystrokes come 100–300 ms
/// apart, and a server that has been idle that long meets each one with cold caches and a core
/// that has to wake up: set it to see that latency.
fn pace() -> Duration {
    static PACE: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *PACE.get_or_init(|| Duration::from_millis(env_usize("LSP_PACE_MS", 0) as u64))
}

/// Sends `change` (one `contentChanges` item) as `version` of `uri` and returns the time until
/// the diagnostics of that version arrive; `None` when the server stops answering.
fn timed_change(server: &mut Server, uri: &str, version: i64, change: Value) -> Option<Duration> {
    if !pace().is_zero() {
        std::thread::sleep(pace());
    }
    let sent = server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
    );
    Some(server.wait_diagnostics(uri, version)? - sent)
}

fn run(server: &mut Server, text: &str, uri: &str, edits: usize, typing: usize) -> Option<Report> {
    let mut report = Report {
        start: server.start_to_init,
        ..Report::default()
    };
    let opened = server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let (first, early) = server.wait_first_diagnostics(uri, 1)?;
    report.first_diagnostics = first - opened;
    report.full_diagnostics = if early {
        server.wait_diagnostics(uri, 1)? - opened
    } else {
        report.first_diagnostics
    };
    let at = common::middle_offset(text);
    let (line, character) = position(text, at);
    for k in 0..edits {
        let version = 2 + k as i64;
        let change = if k % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": character},
                "end": {"line": line, "character": character}}, "text": "ن"})
        } else {
            json!({"range": {"start": {"line": line, "character": character},
                "end": {"line": line, "character": character + 1}}, "text": ""})
        };
        report
            .edit
            .push(timed_change(server, uri, version, change)?);
    }
    // Typing a clause at the end of the middle paragraph, then deleting it.
    let end = at + text[at..].find('\n').unwrap_or(text.len() - at);
    let (line_end, mut col) = position(text, end);
    let mut version = 2 + edits as i64;
    let chars: Vec<char> = TYPED.chars().collect();
    for _ in 0..typing {
        for (k, c) in chars.iter().chain(chars.iter().rev()).enumerate() {
            let units = c.len_utf16();
            let change = if k < chars.len() {
                let pos = json!({"line": line_end, "character": col});
                col += units;
                json!({"range": {"start": pos, "end": pos}, "text": c.to_string()})
            } else {
                col -= units;
                json!({"range": {"start": {"line": line_end, "character": col},
                    "end": {"line": line_end, "character": col + units}}, "text": ""})
            };
            report
                .typing
                .push(timed_change(server, uri, version, change)?);
            version += 1;
        }
    }
    // Hover on the words around the edit and a name-rich first line; document symbols.
    for k in 0..100 {
        let (l, c) = if k % 2 == 0 {
            (line, character)
        } else {
            (0, 2)
        };
        let (id, sent) = server.request_at(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": l, "character": c}}),
        );
        report.hover.push(server.wait_response(id)? - sent);
    }
    for _ in 0..100 {
        let (id, sent) = server.request_at(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        report.symbols.push(server.wait_response(id)? - sent);
    }
    report.peak_rss_kb = server.status("VmHWM:").unwrap_or(0);
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    Some(report)
}

/// Opens and closes `n` documents of `text`'s size one after another; returns (RSS with the
/// first open, RSS after all closed), kB.
fn churn(server: &mut Server, text: &str, n: usize) -> Option<(u64, u64)> {
    let mut one = 0;
    for i in 0..n {
        let uri = format!("file:///tmp/qalam-churn-{i}.md");
        // Each document differs (its number written in), as separate files would.
        let doc = format!("{i}\n{text}");
        server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": doc}}),
        );
        server.wait_diagnostics(&uri, 1)?;
        if i == 0 {
            one = server.status("VmRSS:")?;
        }
        server.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        server.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
        })?;
    }
    std::thread::sleep(Duration::from_millis(200));
    Some((one, server.status("VmRSS:")?))
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::args().any(|a| a == "--floor-server") {
        floor_server();
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let qalam = std::env::var("QALAM_BIN")
        .unwrap_or_else(|_| root.join("target/release/qalam").display().to_string());
    let typos = std::env::var("TYPOS_LSP").ok().or_else(|| {
        ["typos-lsp", "/tmp/typos-root/bin/typos-lsp"]
            .iter()
            .find(|p| {
                Command::new(p)
                    .arg("--version")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok()
            })
            .map(|p| p.to_string())
    });
    let me = std::env::current_exe().expect("current exe");
    let edits = env_usize("LSP_EDITS", 200);
    let churn_n = env_usize("LSP_CHURN", 100);
    let typing = env_usize("LSP_TYPING", 2);
    let wanted: Option<Vec<String>> = std::env::var("LSP_SIZES")
        .ok()
        .map(|s| s.split(',').map(str::to_string).collect());
    let sizes: Vec<(&str, usize)> = [("20KB", 20_000), ("112KB", 112_000), ("1MB", 1_000_000)]
        .into_iter()
        .filter(|(l, _)| wanted.as_ref().is_none_or(|w| w.iter().any(|x| x == l)))
        .collect();

    println!("qalam: {qalam}");
    println!("typos-lsp: {}", typos.as_deref().unwrap_or("(not found)"));
    println!(
        "edits per document: {edits}; typing: {typing} × {} keystrokes\n",
        2 * TYPED.chars().count()
    );
    let header = format!(
        "{:<8} {:<10} {:>9} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "doc",
        "server",
        "start ms",
        "first ms",
        "full ms",
        "edit p50",
        "edit p99",
        "hover p50",
        "hover p99",
        "sym p50",
        "sym p99",
        "peak MB",
        "type p50",
        "type p99"
    );
    println!("{header}");
    let mut rows: Vec<(String, String, Report)> = Vec::new();
    for (label, bytes) in &sizes {
        let text = common::document(*bytes);
        let uri = format!("file:///tmp/qalam-bench-{label}.md");
        let mut servers: Vec<(String, Command, Value)> = Vec::new();
        let mut q = Command::new(&qalam);
        q.args(["serve", "--stdio"]);
        servers.push(("qalam".into(), q, json!({"debounceMs": 0})));
        let mut f = Command::new(&me);
        f.arg("--floor-server");
        servers.push(("floor".into(), f, Value::Null));
        if let Some(t) = &typos {
            servers.push(("typos-lsp".into(), Command::new(t), Value::Null));
        }
        for (name, mut cmd, init) in servers {
            let Some(mut server) = Server::spawn(&name, &mut cmd, init) else {
                continue;
            };
            if let Some(r) = run(&mut server, &text, &uri, edits, typing) {
                println!(
                    "{:<8} {:<10} {:>9} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9.1} {:>9} {:>9}",
                    label,
                    name,
                    ms(r.start),
                    ms(r.first_diagnostics),
                    ms(r.full_diagnostics),
                    ms(percentile(&r.edit, 50.0)),
                    ms(percentile(&r.edit, 99.0)),
                    ms(percentile(&r.hover, 50.0)),
                    ms(percentile(&r.hover, 99.0)),
                    ms(percentile(&r.symbols, 50.0)),
                    ms(percentile(&r.symbols, 99.0)),
                    r.peak_rss_kb as f64 / 1024.0,
                    ms(percentile(&r.typing, 50.0)),
                    ms(percentile(&r.typing, 99.0)),
                );
                rows.push((label.to_string(), name.clone(), r));
            }
            if name == "qalam" && *label == "1MB" && churn_n > 0 {
                match churn(&mut server, &text, churn_n) {
                    Some((one, after)) => println!(
                        "         qalam churn: RSS with one 1 MB document {:.1} MB; after opening and closing {churn_n}: {:.1} MB ({:+.1}%)",
                        one as f64 / 1024.0,
                        after as f64 / 1024.0,
                        (after as f64 / one as f64 - 1.0) * 100.0
                    ),
                    None => println!("         qalam churn: timed out"),
                }
            }
            server.stop();
        }
    }
    println!(
        "\nRatios (qalam / other), p50 and p99 of keystroke → diagnostics; first and full diagnostics:"
    );
    for (label, _) in &sizes {
        let get = |n: &str| {
            rows.iter()
                .find(|(l, s, _)| l == label && s == n)
                .map(|r| &r.2)
        };
        let Some(q) = get("qalam") else { continue };
        for other in ["floor", "typos-lsp"] {
            if let Some(o) = get(other) {
                let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
                println!(
                    "{:<8} vs {:<10} edit p50 ×{:.1}  edit p99 ×{:.1}  typing p50 ×{:.1}  typing p99 ×{:.1}  first diagnostics ×{:.1}  full diagnostics ×{:.1}  start ×{:.2}",
                    label,
                    other,
                    ratio(percentile(&q.edit, 50.0), percentile(&o.edit, 50.0)),
                    ratio(percentile(&q.edit, 99.0), percentile(&o.edit, 99.0)),
                    ratio(percentile(&q.typing, 50.0), percentile(&o.typing, 50.0)),
                    ratio(percentile(&q.typing, 99.0), percentile(&o.typing, 99.0)),
                    ratio(q.first_diagnostics, o.first_diagnostics),
                    ratio(q.full_diagnostics, o.full_diagnostics),
                    ratio(q.start, o.start),
                );
            }
        }
    }
}
