//! Protocol abuse against the real `qalam serve --stdio` process: requests before `initialize`,
//! unknown methods, `$/cancelRequest`, changes to documents that are not open, versions out of
//! order, ranges past the end, a lone surrogate in JSON, a 50 MB `didOpen`, 1,000 documents
//! open at once, and `shutdown` with requests in flight (and that the server runs without glibc's
//! per-thread caches). After each, the server must answer as LSP / JSON-RPC ask (or ignore, for
//! notifications) and still serve another document correctly: a real hover on a name and real
//! published diagnostics ([`Server::assert_serving`]).

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long to wait for one message.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A probe text: a name with a title, a quotation, and a bidi override (a `bidi-control`
/// warning), written for these tests.
const PROBE: &str = "وقال وزير المياه خالد العمري في عمّان: «سنواصل العمل».\n\u{202E}انتهى.\n";

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: mpsc::Receiver<Value>,
    backlog: Vec<Value>,
    next_id: i64,
    probes: usize,
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Removes the first complete frame from `buffer` and returns its JSON body.
fn take_frame(buffer: &mut Vec<u8>) -> Option<Value> {
    let end = buffer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let header = std::str::from_utf8(&buffer[..end]).expect("an ASCII header");
    let length: usize = header
        .split("\r\n")
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .expect("Content-Length")
        .parse()
        .expect("a number");
    if buffer.len() < end + 4 + length {
        return None;
    }
    let body = serde_json::from_slice(&buffer[end + 4..end + 4 + length]).expect("a JSON body");
    buffer.drain(..end + 4 + length);
    Some(body)
}

/// UTF-16 position of byte `offset` of a one-line-prefix text (no line breaks before it).
fn utf16_column(text: &str, offset: usize) -> usize {
    text[..offset].encode_utf16().count()
}

impl Server {
    /// Starts `qalam serve --stdio` and initializes it (UTF-16, English messages).
    fn start() -> Server {
        let mut server = Server::spawn();
        let init = server.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        assert_eq!(
            init["result"]["capabilities"]["positionEncoding"], "utf-16",
            "{init}"
        );
        server.notify("initialized", json!({}));
        server
    }

    fn spawn() -> Server {
        Server::spawn_with(&[])
    }

    /// [`Server::spawn`] with more environment variables (`GLIBC_TUNABLES` is not inherited).
    fn spawn_with(env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_qalam"))
            .args(["serve", "--stdio"])
            .env("QALAM_LOG", "error")
            .env_remove("GLIBC_TUNABLES")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("qalam serve starts");
        let mut stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buffer = Vec::new();
            let mut chunk = vec![0u8; 1 << 16];
            loop {
                match stdout.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
                while let Some(body) = take_frame(&mut buffer) {
                    if tx.send(body).is_err() {
                        return;
                    }
                }
            }
        });
        Server {
            stdin: child.stdin.take(),
            child,
            rx,
            backlog: Vec::new(),
            next_id: 0,
            probes: 0,
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("the server reads its input");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, message: &Value) {
        self.send_raw(&frame(message.to_string().as_bytes()));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its response message.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    fn response(&mut self, id: i64) -> Value {
        self.wait_for(|m| m.get("method").is_none() && m["id"] == id)
    }

    fn next(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.rx.recv_timeout(left).ok()
    }

    /// The first message (backlog first) for which `pred` holds.
    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .next(deadline)
                .expect("the server answered within the timeout");
            if pred(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// Every message that arrives within `wait` (into the backlog).
    fn settle(&mut self, wait: Duration) {
        while let Ok(message) = self.rx.recv_timeout(wait) {
            self.backlog.push(message);
        }
    }

    /// The full `publishDiagnostics` params of `uri` with `version` (an early set published on
    /// open, every diagnostic with `data: {"qalam": "early"}`, is skipped).
    fn diagnostics(&mut self, uri: &str, version: Value) -> Value {
        self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"].get("version").cloned().unwrap_or(Value::Null) == version
                && !m["params"]["diagnostics"].as_array().is_some_and(|d| {
                    !d.is_empty() && d.iter().all(|d| d["data"] == json!({"qalam": "early"}))
                })
        })["params"]
            .clone()
    }

    fn open(&mut self, uri: &str, text: &str, version: i32) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": version, "text": text}}),
        );
    }

    fn hover(&mut self, uri: &str, line: usize, character: usize) -> Value {
        let response = self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        assert!(response.get("error").is_none(), "{response}");
        response["result"].clone()
    }

    /// Opens a fresh copy of [`PROBE`] and checks a real analysis of it: its diagnostics are
    /// published (the bidi override among them, at its place) and a hover on the minister's
    /// name shows him, with the range of his mention.
    fn assert_serving(&mut self) {
        self.probes += 1;
        let uri = format!("file:///probe-{}.txt", self.probes);
        self.open(&uri, PROBE, 1);
        let published = self.diagnostics(&uri, json!(1));
        let bidi = published["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .find(|d| d["code"] == "bidi-control")
            .cloned()
            .unwrap_or_else(|| panic!("a bidi-control diagnostic: {published}"));
        assert_eq!(
            bidi["range"],
            json!({"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 1}})
        );
        let start = PROBE.find("خالد").expect("the name");
        let end = start + "خالد العمري".len();
        let hover = self.hover(&uri, 0, utf16_column(PROBE, start) + 2);
        assert_eq!(
            hover["range"],
            json!({"start": {"line": 0, "character": utf16_column(PROBE, start)},
                   "end": {"line": 0, "character": utf16_column(PROBE, end)}}),
            "{hover}"
        );
        assert!(
            hover["contents"]["value"]
                .as_str()
                .is_some_and(|v| v.contains("خالد العمري")),
            "{hover}"
        );
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    /// `shutdown`, `exit`, and the exit status 0.
    fn stop(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        let status = self.exit_status();
        assert!(status.success(), "{status}");
    }

    /// The server's exit status, once it has exited (within [`TIMEOUT`]).
    fn exit_status(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn requests_and_notifications_before_initialize() {
    let mut server = Server::spawn();
    let early = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///a.txt"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(early["error"]["code"], -32002, "{early}"); // ServerNotInitialized
    let early = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///a.txt"}}),
    );
    assert_eq!(early["error"]["code"], -32002, "{early}");
    // A notification before initialize is dropped: the document is not open afterwards.
    server.open("file:///early.txt", PROBE, 1);
    let init = server.request("initialize", json!({"processId": null, "capabilities": {}}));
    assert!(init.get("result").is_some(), "{init}");
    server.notify("initialized", json!({}));
    assert_eq!(server.hover("file:///early.txt", 0, 20), Value::Null);
    // A second initialize is an error.
    let again = server.request("initialize", json!({"processId": null, "capabilities": {}}));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    server.assert_serving();
    server.stop();
}

#[test]
fn unknown_methods() {
    let mut server = Server::start();
    let unknown = server.request("qalam/doesNotExist", json!({"x": 1}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}"); // MethodNotFound
    let dollar = server.request("$/doesNotExist", json!({}));
    assert_eq!(dollar["error"]["code"], -32601, "{dollar}");
    let known_unsupported = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": "file:///a.txt"}, "position": {"line": 0, "character": 0}}),
    );
    assert!(
        known_unsupported.get("error").is_some(),
        "{known_unsupported}"
    );
    // Unknown notifications (with and without `$/`) are ignored: no answer at all.
    server.notify("qalam/doesNotExist", json!({}));
    server.notify("$/doesNotExist", json!({"y": 2}));
    server.notify("$/setTrace", json!({"value": "verbose"}));
    let marker = server.request("qalam/marker", json!({}));
    assert_eq!(marker["error"]["code"], -32601);
    server.settle(Duration::from_millis(200));
    assert!(
        server.backlog.iter().all(|m| m.get("id").is_none()),
        "notifications were answered: {:?}",
        server.backlog
    );
    server.assert_serving();
    server.stop();
}

#[test]
fn cancel_requests() {
    let mut server = Server::start();
    server.open("file:///doc.txt", PROBE, 1);
    // Cancel an unknown id, a finished one, and one just sent.
    server.notify("$/cancelRequest", json!({"id": 9999}));
    server.notify("$/cancelRequest", json!({"id": "not-a-request"}));
    let done = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///doc.txt"}}),
    );
    server.notify("$/cancelRequest", json!({"id": done["id"]}));
    let ids: Vec<i64> = (0..5)
        .map(|_| {
            let id = server.send_request(
                "textDocument/hover",
                json!({"textDocument": {"uri": "file:///doc.txt"}, "position": {"line": 0, "character": 20}}),
            );
            server.notify("$/cancelRequest", json!({"id": id}));
            id
        })
        .collect();
    // Each request gets exactly one answer: its result, or RequestCancelled (-32800).
    for id in ids {
        let answer = server.response(id);
        let cancelled = answer["error"]["code"] == -32800;
        assert!(cancelled || answer.get("result").is_some(), "{answer}");
    }
    server.settle(Duration::from_millis(200));
    assert!(
        server.backlog.iter().all(|m| m.get("id").is_none()),
        "extra answers: {:?}",
        server.backlog
    );
    server.assert_serving();
    server.stop();
}

#[test]
fn changes_to_documents_that_are_not_open_are_ignored() {
    let mut server = Server::start();
    let uri = "file:///never-opened.txt";
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": PROBE}]}),
    );
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                              "end": {"line": 0, "character": 0}}, "text": "x"}]}),
    );
    assert_eq!(server.hover(uri, 0, 20), Value::Null);
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols["result"], Value::Null, "{symbols}");
    server.settle(Duration::from_millis(200));
    assert!(
        server
            .backlog
            .iter()
            .all(|m| m["params"]["uri"] != uri || m["params"]["diagnostics"] == json!([])),
        "diagnostics published for a document never opened: {:?}",
        server.backlog
    );
    server.assert_serving();
    server.stop();
}

#[test]
fn versions_out_of_order_and_ranges_past_the_end() {
    let mut server = Server::start();
    let uri = "file:///edits.txt";
    server.open(uri, "بداية النص.", 5);
    server.diagnostics(uri, json!(5));
    // A version that goes backwards is still applied (the text must follow the client).
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3},
               "contentChanges": [{"text": PROBE}]}),
    );
    server.diagnostics(uri, json!(3));
    // A range far past the end appends; a reversed range inserts at its start.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4},
               "contentChanges": [
                   {"range": {"start": {"line": 1000, "character": 5},
                              "end": {"line": 2000, "character": 99999}}, "text": "وأضاف العمري: «نعم»."},
                   {"range": {"start": {"line": 0, "character": 4},
                              "end": {"line": 0, "character": 1}}, "text": ""}]}),
    );
    let published = server.diagnostics(uri, json!(4));
    for d in published["diagnostics"].as_array().expect("diagnostics") {
        assert!(d["range"]["end"]["line"].as_u64() <= Some(2), "{d}");
    }
    // The text is PROBE + the appended sentence: the name's hover is where it was.
    let start = PROBE.find("خالد").expect("the name");
    let hover = server.hover(uri, 0, utf16_column(PROBE, start) + 1);
    assert_eq!(
        hover["range"]["start"],
        json!({"line": 0, "character": utf16_column(PROBE, start)}),
        "{hover}"
    );
    // The appended quotation is on line 2 (after PROBE's final newline) and is attributed.
    let outline = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let flat = outline["result"].as_array().expect("symbols").clone();
    assert!(
        flat.iter()
            .any(|s| s["location"]["range"]["start"]["line"] == 2),
        "{outline}"
    );
    // Positions far out of range in requests.
    assert_eq!(server.hover(uri, 99_999, 0), Value::Null);
    server.hover(uri, 0, u32::MAX as usize);
    server.assert_serving();
    server.stop();
}

#[test]
fn lone_surrogates_in_json() {
    let mut server = Server::start();
    // A didOpen whose text holds a lone high surrogate, a hover with one in its URI, and a
    // request with a lone low surrogate in its id: none is a valid JSON text for a string.
    let open = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///s.txt","languageId":"plaintext","version":1,"text":"\u0642\u0627\u0644 \ud800 \u0646\u0639\u0645"}}}"#;
    server.send_raw(&frame(open));
    let answer = server.wait_for(|m| m.get("error").is_some());
    assert_eq!(answer["error"]["code"], -32700, "{answer}");
    assert_eq!(answer["id"], Value::Null);
    let hover = br#"{"jsonrpc":"2.0","id":41,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///\ud800.txt"},"position":{"line":0,"character":0}}}"#;
    server.send_raw(&frame(hover));
    let answer = server.wait_for(|m| m.get("error").is_some());
    assert_eq!(answer["error"]["code"], -32700, "{answer}");
    let pair = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///pair.txt","languageId":"plaintext","version":1,"text":"\ud83d\ude00 \u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631 \u062e\u0627\u0644\u062f \u0627\u0644\u0639\u0645\u0631\u064a"}}}"#;
    server.send_raw(&frame(pair));
    // A valid surrogate pair is an emoji: two UTF-16 units before the space.
    let published = server.diagnostics("file:///pair.txt", json!(1));
    assert!(published["diagnostics"].is_array());
    assert_eq!(server.hover("file:///s.txt", 0, 0), Value::Null);
    server.assert_serving();
    server.stop();
}

#[test]
fn a_50_mb_document() {
    let mut server = Server::start();
    let paragraph = "وقال المتحدث باسم الوزارة إن الاجتماع سيعقد في موعده، مضيفا: «لا تأجيل».\n";
    let big = paragraph.repeat(50 * 1024 * 1024 / paragraph.len() + 1);
    assert!(big.len() >= 50 * 1024 * 1024);
    server.open("file:///big.txt", &big, 1);
    // The big document does not hold the others back, and the server answers requests on it.
    server.assert_serving();
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///big.txt"}, "position": {"line": 0, "character": 3}}),
    );
    assert!(hover.get("error").is_none(), "{hover}");
    let published = server.diagnostics("file:///big.txt", json!(1));
    assert!(published["diagnostics"].is_array());
    // Edits to it are applied (a change at its end) and answered.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///big.txt", "version": 2},
               "contentChanges": [{"range": {"start": {"line": 999_999_999, "character": 0},
                                              "end": {"line": 999_999_999, "character": 0}}, "text": "تم."}]}),
    );
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": "file:///big.txt"}}),
    );
    server.assert_serving();
    server.stop();
}

#[test]
fn a_thousand_documents_open_at_once() {
    let mut server = Server::start();
    let n = 1000;
    for i in 0..n {
        let text = format!("وقال الوزير خالد العمري في الاجتماع رقم {i}: «نعم».\n\u{202E}");
        server.open(&format!("file:///many/{i}.txt"), &text, 1);
    }
    // Every one is analysed and published, each with its bidi-control warning.
    let mut seen = std::collections::HashSet::new();
    while seen.len() < n {
        let published = server.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("file:///many/"))
        });
        let uri = published["params"]["uri"].as_str().expect("uri").to_owned();
        assert!(
            published["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "bidi-control")),
            "{published}"
        );
        seen.insert(uri);
    }
    // Requests on the first and the last are answered from their own texts.
    for i in [0, n - 1] {
        let uri = format!("file:///many/{i}.txt");
        let hover = server.hover(&uri, 0, 14);
        assert_eq!(hover["range"]["start"]["character"], 12, "{hover}");
    }
    for i in 0..n {
        server.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": format!("file:///many/{i}.txt")}}),
        );
    }
    server.assert_serving();
    server.stop();
}

/// The server re-executes itself without glibc's per-thread caches (`qalam::lsp::memory`: they
/// kept the memory of closed documents resident), keeping the client's other tunables, and
/// serves as before; a tcache count the user chose is left alone.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_server_runs_without_glibc_thread_caches() {
    // The `GLIBC_TUNABLES` the server runs with, as its environment block shows it. glibc 2.36's
    // loader ends each parsed tunable with a NUL in that block, so separators read as NUL.
    let tunables = |server: &Server, expected: &str| {
        let environ = std::fs::read(format!("/proc/{}/environ", server.child.id()))
            .expect("the server's environment");
        let key = b"GLIBC_TUNABLES=";
        let at = environ
            .windows(key.len())
            .position(|w| w == key)
            .map(|i| i + key.len())?;
        let rest = &environ[at..];
        let end = rest
            .iter()
            .enumerate()
            .position(|(i, &b)| b == 0 && (i >= expected.len() || expected.as_bytes()[i] != b':'))
            .unwrap_or(rest.len());
        Some(String::from_utf8_lossy(&rest[..end]).replace('\0', ":"))
    };
    let cases = [
        (None, "glibc.malloc.tcache_count=0"),
        (
            Some("glibc.malloc.perturb=0"),
            "glibc.malloc.perturb=0:glibc.malloc.tcache_count=0",
        ),
        (
            Some("glibc.malloc.tcache_count=7"),
            "glibc.malloc.tcache_count=7",
        ),
    ];
    for (given, expected) in cases {
        let env: Vec<(&str, &str)> = given.iter().map(|v| ("GLIBC_TUNABLES", *v)).collect();
        let mut server = Server::spawn_with(&env);
        // Answered after the re-execution, which happens before stdin is read.
        let init = server.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        server.notify("initialized", json!({}));
        assert_eq!(
            tunables(&server, expected).as_deref(),
            Some(expected),
            "given {given:?}"
        );
        server.assert_serving();
        server.stop();
    }
}

#[test]
fn shutdown_with_requests_in_flight() {
    let mut server = Server::start();
    let uri = "file:///flight.txt";
    server.open(uri, &PROBE.repeat(200), 1);
    let in_flight: Vec<i64> = (0..20)
        .map(|i| {
            if i % 2 == 0 {
                server.send_request(
                    "textDocument/documentSymbol",
                    json!({"textDocument": {"uri": uri}}),
                )
            } else {
                server.send_request(
                    "textDocument/hover",
                    json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 20}}),
                )
            }
        })
        .collect();
    let shutdown = server.send_request("shutdown", Value::Null);
    // Requests after shutdown are refused (InvalidRequest), notifications ignored.
    let late = server.send_request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    server.open("file:///late.txt", PROBE, 1);
    // Every request sent before shutdown is answered with its result, before the shutdown
    // response (they are in the backlog when it arrives).
    let answer = server.response(shutdown);
    assert_eq!(answer["result"], Value::Null, "{answer}");
    for id in in_flight {
        let i = server
            .backlog
            .iter()
            .position(|m| m.get("method").is_none() && m["id"] == id)
            .unwrap_or_else(|| panic!("request {id} answered before shutdown"));
        let answer = server.backlog.remove(i);
        assert!(answer.get("result").is_some(), "{answer}");
    }
    assert_eq!(
        server.response(late)["error"]["code"],
        -32600,
        "requests after shutdown are invalid"
    );
    server.notify("exit", Value::Null);
    let status = server.exit_status();
    assert!(status.success(), "{status}");
}

/// A client that writes `shutdown` and `exit` at once, without waiting for the answer to
/// `shutdown` (tower-lsp-server acts on `exit` when it reads it, before the `shutdown` handler
/// has run): the exit status is still 0, as LSP asks when `shutdown` came first; `exit` alone,
/// or after a `shutdown` sent before `initialize` (refused), exits with 1.
#[test]
fn shutdown_and_exit_written_at_once_exit_with_status_0() {
    let message = |m: Value| frame(m.to_string().as_bytes());
    let initialize = message(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"capabilities": {}}}));
    let initialized = message(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let shutdown = message(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    let exit = message(json!({"jsonrpc": "2.0", "method": "exit"}));
    let cases: [(&str, Vec<&[u8]>, bool); 3] = [
        (
            "shutdown, exit",
            vec![&initialize, &initialized, &shutdown, &exit],
            true,
        ),
        ("exit alone", vec![&initialize, &initialized, &exit], false),
        (
            "shutdown before initialize",
            vec![&shutdown, &initialize, &exit],
            false,
        ),
    ];
    for (name, messages, success) in cases {
        for _ in 0..3 {
            let mut server = Server::spawn();
            server.send_raw(&messages.concat());
            let status = server.exit_status();
            assert_eq!(status.success(), success, "{name}: {status}");
        }
    }
}

mod common;

/// A log sink for the in-process server: every `tracing` event, formatted, in one buffer.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

/// A panic inside the analysis of one document (injected: the real analyzer, except that it
/// panics on a text holding 💥) is logged as an error, answered with empty results, does not
/// disturb the other documents, and the next edit of that document is analysed afresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_analysis_is_contained() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let logs = Logs::default();
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    let _guard = tracing::subscriber::set_global_default(subscriber);

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let analyzer: qalam::lsp::Analyzer = Arc::new(move |text: &str| {
        if text.contains('💥') {
            counter.fetch_add(1, Ordering::SeqCst);
            panic!("injected analysis defect");
        }
        qalam::analyze(text)
    });
    let mut client = common::TestClient::start_with(analyzer);
    client
        .initialize(common::capabilities(&[], true), json!({}))
        .await;
    let good = "file:///good.txt";
    let bad = "file:///bad.txt";
    client.open(good, PROBE, 1).await;
    client.diagnostics(good, json!(1)).await;
    let bomb = format!("💥{PROBE}");
    client.open(bad, &bomb, 1).await;

    // Requests on the broken document get empty answers (not errors), again and again, and
    // the failed analysis is not re-run for them.
    for _ in 0..3 {
        assert_eq!(client.hover(bad, 0, 22).await, Value::Null);
        assert_eq!(client.symbols(bad).await, Value::Null);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(
        logs.text()
            .contains("analysis panicked: injected analysis defect"),
        "{}",
        logs.text()
    );

    // The other document is served as before.
    let start = PROBE.find("خالد").expect("the name");
    let hover = client
        .hover(good, 0, utf16_column(PROBE, start) as u32 + 1)
        .await;
    assert_eq!(
        hover["range"]["start"],
        json!({"line": 0, "character": utf16_column(PROBE, start)})
    );

    // Nothing was published for the broken version; an edit that removes the bomb (two UTF-16
    // units) is analysed from scratch and published with its version.
    client.settle(Duration::from_millis(200)).await;
    assert!(client.published.iter().all(|m| m["params"]["uri"] != bad));
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": bad, "version": 2},
                   "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                                  "end": {"line": 0, "character": 2}}, "text": ""}]}),
        )
        .await;
    let published = client.diagnostics(bad, json!(2)).await;
    assert!(
        published["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "bidi-control")),
        "{published}"
    );
    let hover = client
        .hover(bad, 0, utf16_column(PROBE, start) as u32 + 1)
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("خالد العمري")),
        "{hover}"
    );
    // A bomb typed again breaks only that version.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": bad, "version": 3},
                   "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                                  "end": {"line": 0, "character": 0}}, "text": "💥"}]}),
        )
        .await;
    assert_eq!(client.symbols(bad).await, Value::Null);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    client.shutdown().await;
}
