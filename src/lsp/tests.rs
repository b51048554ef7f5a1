//! Unit tests of the conversions, hover and outline on a hand-built analysis
//! ([`super::fixture`]): emoji before the names, CRLF line ends, all three encodings.

use ropey::Rope;
use tower_lsp_server::ls_types::{
    DiagnosticSeverity, HoverContents, NumberOrString, Position, Range, SymbolKind, Uri,
};

use super::fixture::{self, TEXT, find};
use super::{convert, hover, symbols};
use crate::diagnostics::Lang;
use crate::text::Span;
use crate::text::position::PositionEncoding::{self, Utf8, Utf16, Utf32};

/// The LSP position of byte `offset` of `text`, computed without ropey or the text layer:
/// lines split at "\n" (the fixture uses CRLF; the "\r" belongs to the line before), the column
/// counted in `encoding`'s units.
fn expected_position(text: &str, offset: usize, encoding: PositionEncoding) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = &before[line_start..];
    let character = match encoding {
        Utf8 => prefix.len(),
        Utf16 => prefix.encode_utf16().count(),
        Utf32 => prefix.chars().count(),
    } as u32;
    Position::new(line, character)
}

fn expected_range(span: Span, encoding: PositionEncoding) -> Range {
    Range::new(
        expected_position(TEXT, span.start, encoding),
        expected_position(TEXT, span.end, encoding),
    )
}

fn uri() -> Uri {
    "file:///tmp/%D8%AE%D8%A8%D8%B1.txt"
        .parse()
        .expect("valid uri")
}

#[test]
fn ranges_in_every_encoding() {
    let rope = Rope::from_str(TEXT);
    let name = find("خالد العمري", 0);
    // Hand-counted: "🙂 قال الوزير " is 2+1+3+1+6+1 = 14 UTF-16 units, 4+1+6+1+12+1 = 25 bytes,
    // 1+1+3+1+6+1 = 13 scalars; the name is 11 characters, 21 bytes.
    assert_eq!(
        convert::range(&rope, name, Utf16),
        Range::new(Position::new(0, 14), Position::new(0, 25))
    );
    assert_eq!(
        convert::range(&rope, name, Utf8),
        Range::new(Position::new(0, 25), Position::new(0, 46))
    );
    assert_eq!(
        convert::range(&rope, name, Utf32),
        Range::new(Position::new(0, 13), Position::new(0, 24))
    );
    for encoding in [Utf8, Utf16, Utf32] {
        for span in [
            find("العمري", 1),
            find("\"نعم\"", 0),
            find("«سنبدأ غدا»", 0),
        ] {
            assert_eq!(
                convert::range(&rope, span, encoding),
                expected_range(span, encoding)
            );
            let start = convert::range(&rope, span, encoding).start;
            assert_eq!(
                convert::offset(&rope, start, encoding),
                span.start,
                "{encoding:?}"
            );
        }
    }
}

#[test]
fn out_of_range_positions_clamp() {
    let rope = Rope::from_str(TEXT);
    assert_eq!(
        convert::offset(&rope, Position::new(99, 0), Utf16),
        TEXT.len()
    );
    let line_end = TEXT.find("\r\n").expect("crlf");
    assert_eq!(
        convert::offset(&rope, Position::new(0, 9999), Utf16),
        line_end
    );
    // Between the two UTF-16 units of the emoji: the emoji's start.
    assert_eq!(convert::offset(&rope, Position::new(0, 1), Utf16), 0);
}

#[test]
fn diagnostic_conversion() {
    let rope = Rope::from_str(TEXT);
    let analysis = fixture::analysis();
    let d = convert::diagnostic(&analysis.diagnostics[0], &rope, &uri(), Utf16, Lang::Ar);
    assert_eq!(d.range, expected_range(find("فى", 0), Utf16));
    assert_eq!(d.range.start.line, 1);
    assert_eq!(d.severity, Some(DiagnosticSeverity::INFORMATION));
    assert_eq!(
        d.code,
        Some(NumberOrString::String("mixed-orthography".into()))
    );
    assert_eq!(d.source.as_deref(), Some("qalam"));
    assert_eq!(d.message, "اكتب في");
    let related = d.related_information.expect("related information");
    assert_eq!(related.len(), 1);
    assert_eq!(related[0].location.uri, uri());
    assert_eq!(
        related[0].location.range,
        expected_range(find("في", 0), Utf16)
    );
    assert_eq!(related[0].message, "الصيغة الغالبة");

    let json = serde_json::to_value(convert::diagnostic(
        &analysis.diagnostics[0],
        &rope,
        &uri(),
        Utf8,
        Lang::En,
    ))
    .expect("serialises");
    let mut keys: Vec<&str> = json
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "message",
            "range",
            "relatedInformation",
            "severity",
            "source"
        ]
    );
    assert_eq!(json["message"], "write في");
    assert_eq!(json["severity"], 3);
}

#[test]
fn hover_on_mention_and_quotation() {
    let rope = Rope::from_str(TEXT);
    let analysis = fixture::analysis();
    let short = find("العمري", 1);

    let h = hover::hover(&analysis, TEXT, &rope, short.start + 2, Utf16, Lang::En).expect("hover");
    assert_eq!(h.range, Some(expected_range(short, Utf16)));
    let HoverContents::Markup(m) = h.contents else {
        panic!("markdown expected")
    };
    assert!(
        m.value.starts_with("**خالد العمري** — person\n"),
        "{}",
        m.value
    );
    assert!(m.value.contains("Roles: الوزير"), "{}", m.value);
    assert!(m.value.contains("Also written: العمري"), "{}", m.value);
    assert!(m.value.contains("Mentions: 2"), "{}", m.value);
    assert!(m.value.contains("- «سنبدأ غدا»\n- «نعم»\n"), "{}", m.value);

    // Inside the quotation's content, on no mention: the quotation, in Arabic.
    let q1 = find("«سنبدأ غدا»", 0);
    let h = hover::hover(&analysis, TEXT, &rope, q1.start + 4, Utf8, Lang::Ar).expect("hover");
    assert_eq!(h.range, Some(expected_range(q1, Utf8)));
    let HoverContents::Markup(m) = h.contents else {
        panic!("markdown expected")
    };
    assert!(
        m.value.starts_with("**اقتباس**\n\n«سنبدأ غدا»\n"),
        "{}",
        m.value
    );
    assert!(m.value.contains("القائل: خالد العمري"), "{}", m.value);
    assert!(m.value.contains("الكيان: خالد العمري (شخص)"), "{}", m.value);
    assert!(m.value.contains("فعل القول: قال"), "{}", m.value);

    // On plain text: nothing. Past the end: nothing.
    assert!(
        hover::hover(
            &analysis,
            TEXT,
            &rope,
            find("الحال", 0).start,
            Utf16,
            Lang::En
        )
        .is_none()
    );
    assert!(hover::hover(&analysis, TEXT, &rope, TEXT.len() + 10, Utf16, Lang::En).is_none());
}

#[test]
fn outline_groups() {
    let rope = Rope::from_str(TEXT);
    let analysis = fixture::analysis();
    let groups = symbols::nested(&analysis, TEXT, &rope, Utf16, Lang::En);
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Quotations", "People", "Places"]);

    let quotes = groups[0].children.as_ref().expect("children");
    assert_eq!(quotes.len(), 2);
    assert_eq!(quotes[0].name, "سنبدأ غدا");
    assert_eq!(quotes[0].detail.as_deref(), Some("خالد العمري"));
    assert_eq!(quotes[0].kind, SymbolKind::STRING);
    assert_eq!(
        quotes[0].range,
        expected_range(find("«سنبدأ غدا»", 0), Utf16)
    );
    assert_eq!(
        quotes[0].selection_range,
        expected_range(find("سنبدأ غدا", 0), Utf16)
    );
    assert_eq!(quotes[1].name, "نعم");
    assert_eq!(quotes[1].range, expected_range(find("\"نعم\"", 0), Utf16));
    assert_eq!(
        groups[0].range,
        Range::new(quotes[0].range.start, quotes[1].range.end)
    );

    let people = groups[1].children.as_ref().expect("children");
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].name, "خالد العمري");
    assert_eq!(
        people[0].range,
        expected_range(find("خالد العمري", 0), Utf16)
    );
    assert_eq!(people[0].selection_range, people[0].range);
    assert_eq!(groups[1].range, people[0].range);

    let ar = symbols::nested(&analysis, TEXT, &rope, Utf16, Lang::Ar);
    let names: Vec<&str> = ar.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["الاقتباسات", "الأشخاص", "الأماكن"]);

    let flat = symbols::flat(&groups, &uri());
    let flat_names: Vec<(&str, &str)> = flat
        .iter()
        .map(|s| (s.name.as_str(), s.container_name.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        flat_names,
        [
            ("سنبدأ غدا", "Quotations"),
            ("نعم", "Quotations"),
            ("خالد العمري", "People"),
            ("عمّان", "Places")
        ]
    );
    assert_eq!(flat[2].location.range, people[0].range);
}

#[test]
fn empty_quotation_gets_a_name() {
    let text = "قال: «» ثم";
    let rope = Rope::from_str(text);
    let start = text.find('«').expect("mark");
    let end = start + "«»".len();
    let mut analysis = crate::Analysis::default();
    analysis.quotes.quotes.push(crate::quotes::Quote {
        id: "q1".into(),
        span: Span::new(start, end),
        content: Span::new(start + 2, start + 2),
        closed: true,
        nested_in: None,
        speaker: None,
        cue: None,
        source: None,
    });
    let groups = symbols::nested(&analysis, text, &rope, Utf16, Lang::En);
    let child = &groups[0].children.as_ref().expect("children")[0];
    assert_eq!(child.name, "«»");
    assert_eq!(child.detail, None);
}

#[test]
fn bad_spans_from_the_analysis_do_not_panic() {
    // A span that cuts a character in two and one past the end: defects of the analysis that
    // the front end must survive.
    let text = "🙂 قال";
    let rope = Rope::from_str(text);
    let mut analysis = crate::Analysis::default();
    analysis.quotes.quotes.push(crate::quotes::Quote {
        id: "q1".into(),
        span: Span::new(1, 99),
        content: Span::new(2, 98),
        closed: false,
        nested_in: None,
        speaker: None,
        cue: None,
        source: None,
    });
    let groups = symbols::nested(&analysis, text, &rope, Utf16, Lang::En);
    assert_eq!(groups[0].children.as_ref().expect("children")[0].name, "…");
    assert!(hover::hover(&analysis, text, &rope, 5, Utf16, Lang::En).is_some());
}

/// The server in process, over a `tokio::io::duplex`, with raw JSON-RPC on the client's side:
/// settings from `initializationOptions`, `workspace/configuration` and
/// `workspace/didChangeConfiguration` reach the published diagnostics.
mod configuration {
    use std::sync::Arc;
    use std::time::Duration;

    use serde_json::{Value, json};
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};

    use super::fixture::{self, TEXT, find};
    use crate::diagnostics::{Code, Diagnostic, Message};

    const URI: &str = "file:///tmp/config.txt";
    const WAIT: Duration = Duration::from_secs(30);

    struct Client {
        writer: WriteHalf<DuplexStream>,
        reader: ReadHalf<DuplexStream>,
        buffer: Vec<u8>,
        next_id: i64,
        server: tokio::task::JoinHandle<bool>,
    }

    impl Client {
        fn start() -> Client {
            // The fixture's analysis (mixed-orthography on فى, information) plus a repeated-word
            // warning on الحال.
            let analyzer: crate::lsp::Analyzer = Arc::new(|_: &str| {
                let mut analysis = fixture::analysis();
                analysis.diagnostics.push(Diagnostic {
                    span: find("الحال", 0),
                    code: Code::RepeatedWord,
                    severity: Code::RepeatedWord.default_severity(),
                    message: Message::new("كلمة مكررة", "repeated word"),
                    related: Vec::new(),
                });
                analysis
            });
            let (client, server) = tokio::io::duplex(1 << 16);
            let (read, write) = tokio::io::split(server);
            let server = tokio::spawn(crate::lsp::serve_with(read, write, analyzer));
            let (reader, writer) = tokio::io::split(client);
            Client {
                writer,
                reader,
                buffer: Vec::new(),
                next_id: 0,
                server,
            }
        }

        async fn send(&mut self, message: Value) {
            let body = message.to_string();
            let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
            self.writer
                .write_all(framed.as_bytes())
                .await
                .expect("write");
        }

        async fn notify(&mut self, method: &str, params: Value) {
            self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
                .await;
        }

        async fn request(&mut self, method: &str, params: Value) -> Value {
            self.next_id += 1;
            let id = self.next_id;
            self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
                .await;
            let response = self
                .next_matching(|m| m.get("method").is_none() && m["id"] == id)
                .await;
            response["result"].clone()
        }

        async fn next(&mut self) -> Value {
            loop {
                if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    let header = std::str::from_utf8(&self.buffer[..end]).expect("ASCII");
                    let length: usize = header
                        .lines()
                        .find_map(|l| l.strip_prefix("Content-Length: "))
                        .and_then(|n| n.trim().parse().ok())
                        .expect("Content-Length");
                    if self.buffer.len() >= end + 4 + length {
                        let body = self.buffer[end + 4..end + 4 + length].to_vec();
                        self.buffer.drain(..end + 4 + length);
                        return serde_json::from_slice(&body).expect("JSON");
                    }
                }
                let mut chunk = [0u8; 8192];
                let n = tokio::time::timeout(WAIT, self.reader.read(&mut chunk))
                    .await
                    .expect("timed out waiting for the server")
                    .expect("read");
                assert!(n > 0, "the server closed its output");
                self.buffer.extend_from_slice(&chunk[..n]);
            }
        }

        /// The next message for which `pred` holds; others are dropped, except that a
        /// `workspace/configuration` request is answered with `null` (no settings).
        async fn next_matching(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
            loop {
                let message = self.next().await;
                if pred(&message) {
                    return message;
                }
                if message["method"] == "workspace/configuration" {
                    let id = message["id"].clone();
                    self.send(json!({"jsonrpc": "2.0", "id": id, "result": [null]}))
                        .await;
                }
            }
        }

        /// Answers the next `workspace/configuration` request with `qalam` as the section's value.
        async fn answer_configuration(&mut self, qalam: Value) {
            let request = self
                .next_matching(|m| m["method"] == "workspace/configuration")
                .await;
            assert_eq!(
                request["params"]["items"],
                json!([{"section": "qalam"}]),
                "{request}"
            );
            let id = request["id"].clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": [qalam]}))
                .await;
        }

        /// The diagnostics of the next publication that satisfies `pred` (earlier ones, e.g.
        /// from before a settings change took effect, are skipped), as (code, severity, message).
        async fn published(
            &mut self,
            pred: impl Fn(&[(String, u64, String)]) -> bool,
        ) -> Vec<(String, u64, String)> {
            loop {
                let message = self
                    .next_matching(|m| m["method"] == "textDocument/publishDiagnostics")
                    .await;
                assert_eq!(message["params"]["uri"], URI);
                let list: Vec<(String, u64, String)> = message["params"]["diagnostics"]
                    .as_array()
                    .expect("array")
                    .iter()
                    .map(|d| {
                        (
                            d["code"].as_str().expect("code").to_owned(),
                            d["severity"].as_u64().expect("severity"),
                            d["message"].as_str().expect("message").to_owned(),
                        )
                    })
                    .collect();
                if pred(&list) {
                    return list;
                }
            }
        }

        async fn shutdown(mut self) {
            self.request("shutdown", Value::Null).await;
            self.notify("exit", Value::Null).await;
            let clean = tokio::time::timeout(WAIT, self.server)
                .await
                .expect("the server ends")
                .expect("no panic");
            assert!(clean);
        }
    }

    fn owned(list: &[(&str, u64, &str)]) -> Vec<(String, u64, String)> {
        list.iter()
            .map(|(c, s, m)| ((*c).to_owned(), *s, (*m).to_owned()))
            .collect()
    }

    async fn open(client: &mut Client) {
        client
            .notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": URI, "languageId": "plaintext", "version": 1, "text": TEXT}}),
            )
            .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pushed_settings_filter_and_override_severity() {
        let mut client = Client::start();
        // No workspace/configuration support: settings come from initializationOptions, then
        // from didChangeConfiguration's `settings.qalam`.
        client
            .request(
                "initialize",
                json!({"processId": null, "rootUri": null, "capabilities": {},
                       "initializationOptions": {"diagnostics": {"severity": {"mixed-orthography": "hint"}}}}),
            )
            .await;
        client.notify("initialized", json!({})).await;
        open(&mut client).await;
        let first = client.published(|_| true).await;
        assert_eq!(
            first,
            owned(&[
                ("mixed-orthography", 4, "write في"),
                ("repeated-word", 2, "repeated word")
            ])
        );

        client
            .notify(
                "workspace/didChangeConfiguration",
                json!({"settings": {"qalam": {"lang": "ar", "diagnostics": {
                    "enabled": {"repeated-word": false},
                    "severity": {"mixed-orthography": "error"}}}}}),
            )
            .await;
        let changed = client.published(|l| l.len() == 1).await;
        assert_eq!(changed, owned(&[("mixed-orthography", 1, "اكتب في")]));

        // Turning the code back on (and dropping the override) brings it back at its default.
        client
            .notify(
                "workspace/didChangeConfiguration",
                json!({"settings": {"qalam": {"diagnostics": {"enabled": {}, "severity": {}}}}}),
            )
            .await;
        let restored = client.published(|l| l.len() == 2).await;
        assert_eq!(
            restored,
            owned(&[
                ("mixed-orthography", 3, "اكتب في"),
                ("repeated-word", 2, "كلمة مكررة")
            ])
        );
        client.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pulled_settings_after_initialized_and_on_change() {
        let mut client = Client::start();
        client
            .request(
                "initialize",
                json!({"processId": null, "rootUri": null, "locale": "ar-EG",
                       "capabilities": {"workspace": {"configuration": true}}}),
            )
            .await;
        client.notify("initialized", json!({})).await;
        // The server pulls the `qalam` section after `initialized`.
        client
            .answer_configuration(json!({"lang": "en", "diagnostics": {
                "enabled": {"mixed-orthography": false}, "severity": {}}}))
            .await;
        open(&mut client).await;
        let first = client
            .published(|l| l.iter().all(|(c, _, _)| c != "mixed-orthography"))
            .await;
        assert_eq!(first, owned(&[("repeated-word", 2, "repeated word")]));

        // A change notification without `qalam` settings makes the server pull again.
        client
            .notify(
                "workspace/didChangeConfiguration",
                json!({"settings": null}),
            )
            .await;
        client
            .answer_configuration(json!({"lang": "auto", "diagnostics": {
                "enabled": {"repeated-word": false},
                "severity": {"mixed-orthography": "warning"}}}))
            .await;
        let changed = client
            .published(|l| l.iter().all(|(c, _, _)| c != "repeated-word"))
            .await;
        // `auto`: the locale (ar-EG) decides the language.
        assert_eq!(changed, owned(&[("mixed-orthography", 2, "اكتب في")]));
        client.shutdown().await;
    }
}
