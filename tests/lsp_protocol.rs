//! The server over raw JSON-RPC, with a deterministic stand-in for the analysis layers
//! (`common::fake_analyze`), so that these tests pin the protocol layer alone: encoding
//! negotiation, exact ranges in UTF-16 and UTF-8 on Arabic text with CRLF and emoji, versioned
//! diagnostics, hover, outline (nested and flat), incremental edits, message order, and survival
//! of bad input and of a panicking analysis.

mod common;

use std::time::Duration;

use common::{TestClient, Unit, capabilities, fake_analyzer, nth, position, range};
use serde_json::{Value, json};

const URI: &str = "file:///tmp/%D9%85%D8%B9%D8%B1%D8%B6.txt";
const URI2: &str = "file:///tmp/fresh.txt";

/// Arabic with CRLF line ends and emoji before the names.
fn article() -> String {
    [
        "🙂🙂 افتتاح معرض الكتاب في عمّان",
        "",
        "🎉 قالت وزيرة الثقافة ليلى حداد: «المعرض يستقبل الزوار فى كل يوم».",
        "",
        "وأكدت حداد أن الدورة المقبلة ستكون أكبر.",
    ]
    .join("\r\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn negotiates_position_encoding() {
    for (offered, expected) in [
        (&[][..], "utf-16"),
        (&["utf-16"][..], "utf-16"),
        (&["utf-16", "utf-8"][..], "utf-8"),
        (&["utf-32", "utf-16"][..], "utf-32"),
        (&["utf-7"][..], "utf-16"),
    ] {
        let mut client = TestClient::start_with(fake_analyzer());
        let result = client
            .initialize(capabilities(offered, true), json!({}))
            .await;
        let caps = &result["capabilities"];
        assert_eq!(caps["positionEncoding"], expected, "offered {offered:?}");
        assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
        assert_eq!(caps["textDocumentSync"]["openClose"], true);
        assert_eq!(caps["hoverProvider"], true);
        assert_eq!(caps["documentSymbolProvider"], true);
        assert_eq!(result["serverInfo"]["name"], "qalam");
        client.shutdown().await;
    }
}

/// Diagnostics, hover and outline on the article, checked to the code unit.
async fn check_article(unit: Unit, offered: &[&str], extra: Value, arabic: bool) {
    let text = article();
    let mut client = TestClient::start_with(fake_analyzer());
    client.initialize(capabilities(offered, true), extra).await;
    client.open(URI, &text, 1).await;

    let published = client.diagnostics(URI, json!(1)).await;
    let diagnostics = published["diagnostics"].as_array().expect("array");
    assert_eq!(diagnostics.len(), 1, "{published}");
    let (s, e) = nth(&text, "فى", 0);
    let d = &diagnostics[0];
    assert_eq!(d["range"], range(&text, s, e, unit));
    assert_eq!(d["severity"], 3);
    assert_eq!(d["code"], "mixed-orthography");
    assert_eq!(d["source"], "qalam");
    let message = if arabic {
        "الصيغة «في» أكثر في النص"
    } else {
        "the text mostly writes في"
    };
    assert_eq!(d["message"], message);

    // Hover inside the bare surname on line 4 (one letter in).
    let (s, e) = nth(&text, "حداد", 1);
    let at = position(&text, s + "ح".len(), unit);
    let hover = client
        .hover(URI, as_u32(&at["line"]), as_u32(&at["character"]))
        .await;
    assert_eq!(hover["range"], range(&text, s, e, unit), "{hover}");
    assert_eq!(hover["contents"]["kind"], "markdown");
    let value = hover["contents"]["value"].as_str().expect("markdown text");
    if arabic {
        assert!(value.starts_with("**ليلى حداد** — شخص\n"), "{value}");
        assert!(value.contains("الإشارات: 2"), "{value}");
    } else {
        assert!(value.starts_with("**ليلى حداد** — person\n"), "{value}");
        assert!(value.contains("Mentions: 2"), "{value}");
        assert!(
            value.contains("- «المعرض يستقبل الزوار فى كل يوم»"),
            "{value}"
        );
    }

    // Hover inside the quotation, on no name: the quotation and its speaker.
    let (qs, qe) = nth(&text, "«المعرض يستقبل الزوار فى كل يوم»", 0);
    let at = position(&text, nth(&text, "الزوار", 0).0, unit);
    let hover = client
        .hover(URI, as_u32(&at["line"]), as_u32(&at["character"]))
        .await;
    assert_eq!(hover["range"], range(&text, qs, qe, unit), "{hover}");
    let value = hover["contents"]["value"].as_str().expect("markdown text");
    let speaker = if arabic {
        "القائل: ليلى حداد"
    } else {
        "Speaker: ليلى حداد"
    };
    assert!(value.contains(speaker), "{value}");

    // Hover on plain text: null.
    let at = position(&text, nth(&text, "الدورة", 0).0, unit);
    let hover = client
        .hover(URI, as_u32(&at["line"]), as_u32(&at["character"]))
        .await;
    assert_eq!(hover, Value::Null);

    // Outline.
    let symbols = client.symbols(URI).await;
    let groups = symbols.as_array().expect("nested symbols");
    let names: Vec<&str> = groups
        .iter()
        .map(|g| g["name"].as_str().expect("name"))
        .collect();
    if arabic {
        assert_eq!(names, ["الاقتباسات", "الأشخاص", "الأماكن"]);
    } else {
        assert_eq!(names, ["Quotations", "People", "Places"]);
    }
    let quote = &groups[0]["children"][0];
    assert_eq!(quote["name"], "المعرض يستقبل الزوار فى كل يوم");
    assert_eq!(quote["detail"], "ليلى حداد");
    assert_eq!(quote["range"], range(&text, qs, qe, unit));
    assert_eq!(
        quote["selectionRange"],
        range(&text, qs + "«".len(), qe - "»".len(), unit)
    );
    assert_eq!(groups[0]["range"], quote["range"]);
    let person = &groups[1]["children"][0];
    let (ps, pe) = nth(&text, "ليلى حداد", 0);
    assert_eq!(person["name"], "ليلى حداد");
    assert_eq!(person["range"], range(&text, ps, pe, unit));
    assert_eq!(person["selectionRange"], person["range"]);
    let place = &groups[2]["children"][0];
    let (ls, le) = nth(&text, "عمّان", 0);
    assert_eq!(place["name"], "عمّان");
    assert_eq!(place["range"], range(&text, ls, le, unit));
    for g in groups {
        assert_eq!(g["children"].as_array().map(Vec::len), Some(1), "{g}");
    }

    client.shutdown().await;
}

fn as_u32(v: &Value) -> u32 {
    u32::try_from(v.as_u64().expect("a number")).expect("fits u32")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf16_english() {
    check_article(Unit::Utf16, &[], json!({"locale": "en-US"}), false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_arabic_locale() {
    check_article(
        Unit::Utf8,
        &["utf-8", "utf-16"],
        json!({"locale": "ar-JO"}),
        true,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf32_and_initialization_options_lang() {
    // initializationOptions.lang wins over the locale.
    check_article(
        Unit::Utf32,
        &["utf-32"],
        json!({"locale": "en", "initializationOptions": {"lang": "ar"}}),
        true,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flat_symbols_without_hierarchical_support() {
    let text = article();
    let mut client = TestClient::start_with(fake_analyzer());
    client.initialize(capabilities(&[], false), json!({})).await;
    client.open(URI, &text, 1).await;
    let symbols = client.symbols(URI).await;
    let list = symbols.as_array().expect("flat list");
    let summary: Vec<(&str, &str)> = list
        .iter()
        .map(|s| {
            (
                s["name"].as_str().expect("name"),
                s["containerName"].as_str().expect("container"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("المعرض يستقبل الزوار فى كل يوم", "Quotations"),
            ("ليلى حداد", "People"),
            ("عمّان", "Places"),
        ]
    );
    for s in list {
        assert_eq!(s["location"]["uri"], URI);
        assert!(s.get("children").is_none());
    }
    let (ps, pe) = nth(&text, "ليلى حداد", 0);
    assert_eq!(
        list[1]["location"]["range"],
        range(&text, ps, pe, Unit::Utf16)
    );
    client.shutdown().await;
}

/// One incremental change: replace bytes `[start, end)` of `text` with `new`, returned as the
/// LSP change event (positions from the text before the change) after applying it to `text`.
fn edit(text: &mut String, start: usize, end: usize, new: &str, unit: Unit) -> Value {
    let change = json!({"range": range(text, start, end, unit), "text": new});
    text.replace_range(start..end, new);
    change
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_edits_equal_a_fresh_open() {
    for (unit, offered) in [(Unit::Utf16, &[][..]), (Unit::Utf8, &["utf-8"][..])] {
        let mut text = article();
        let mut client = TestClient::start_with(fake_analyzer());
        client
            .initialize(capabilities(offered, true), json!({}))
            .await;
        client.open(URI, &text, 1).await;
        client.diagnostics(URI, json!(1)).await;

        let mut version = 1;
        let mut send = |changes: Vec<Value>| {
            version += 1;
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": changes})
        };
        let mut batches = Vec::new();
        // An emoji before the surname on the last line.
        let at = nth(&text, "حداد", 1).0;
        batches.push(send(vec![edit(&mut text, at, at, "🌟 ", unit)]));
        // فى → في (the diagnostic goes away), then a second quotation on a new CRLF line.
        let (s, e) = nth(&text, "فى", 0);
        batches.push(send(vec![edit(&mut text, s, e, "في", unit)]));
        let end = text.len();
        batches.push(send(vec![edit(
            &mut text,
            end,
            end,
            "\r\nوقالت حداد: «نعم فى الحال»",
            unit,
        )]));
        // Two changes in one event, the second relative to the first's result: delete the empty
        // line after the title (across a CRLF), then type over the emoji of line 2.
        let first_break = text.find("\r\n").expect("crlf");
        let first = edit(&mut text, first_break, first_break + 2, "", unit);
        let (s, e) = nth(&text, "🎉", 0);
        let second = edit(&mut text, s, e, "📚📚", unit);
        batches.push(send(vec![first, second]));
        // Typing then deleting a word, one character at a time.
        let mut at = nth(&text, "أكبر", 0).1;
        for c in [" ", "ج", "د", "ا"] {
            batches.push(send(vec![edit(&mut text, at, at, c, unit)]));
            at += c.len();
        }
        for c in ["ا", "د", "ج", " "] {
            batches.push(send(vec![edit(&mut text, at - c.len(), at, "", unit)]));
            at -= c.len();
        }
        let final_version = 1 + batches.len() as i64;
        for params in batches {
            client.notify("textDocument/didChange", params).await;
        }

        let edited = client.diagnostics(URI, json!(final_version)).await;
        let edited_symbols = client.symbols(URI).await;
        client.open(URI2, &text, 7).await;
        let fresh = client.diagnostics(URI2, json!(7)).await;
        let fresh_symbols = client.symbols(URI2).await;
        assert_eq!(edited["diagnostics"], fresh["diagnostics"]);
        assert_eq!(
            edited["diagnostics"].as_array().map(Vec::len),
            Some(1),
            "{edited}"
        );
        assert_eq!(edited_symbols, fresh_symbols);
        assert_eq!(
            fresh_symbols[0]["children"].as_array().map(Vec::len),
            Some(2)
        );

        // Diagnostics of URI were never published out of order.
        client.settle(Duration::from_millis(200)).await;
        let versions: Vec<i64> = client
            .published
            .iter()
            .filter(|m| m["params"]["uri"] == URI)
            .map(|m| m["params"]["version"].as_i64().expect("a version"))
            .collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
        assert_eq!(versions.last(), Some(&final_version));
        client.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_replacement_change() {
    let mut client = TestClient::start_with(fake_analyzer());
    client.initialize(capabilities(&[], true), json!({})).await;
    client.open(URI, "نص قصير", 1).await;
    let text = article();
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": text}]}),
        )
        .await;
    let published = client.diagnostics(URI, json!(2)).await;
    let (s, e) = nth(&text, "فى", 0);
    assert_eq!(
        published["diagnostics"][0]["range"],
        range(&text, s, e, Unit::Utf16)
    );
    client.shutdown().await;
}

/// Requests sent right behind edits, without waiting, see every earlier edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_follow_the_edits_sent_before_them() {
    let mut text = article();
    let mut client = TestClient::start_with(fake_analyzer());
    client.initialize(capabilities(&[], true), json!({})).await;
    client.open(URI, &text, 1).await;
    let mut pending = Vec::new();
    for version in 2..=21 {
        let at = nth(&text, "وأكدت", 0).0;
        let change = edit(&mut text, at, at, "🌟", Unit::Utf16);
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [change]}),
            )
            .await;
        let (s, e) = nth(&text, "حداد", 1);
        let at = position(&text, s, Unit::Utf16);
        let id = client
            .send_request(
                "textDocument/hover",
                json!({"textDocument": {"uri": URI}, "position": at}),
            )
            .await;
        pending.push((id, range(&text, s, e, Unit::Utf16)));
    }
    for (id, expected) in pending {
        let response = client.response(id).await;
        assert_eq!(response["result"]["range"], expected, "{response}");
    }
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_close_clears_diagnostics() {
    let mut client = TestClient::start_with(fake_analyzer());
    client.initialize(capabilities(&[], true), json!({})).await;
    client.open(URI, &article(), 1).await;
    client.diagnostics(URI, json!(1)).await;
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    let cleared = client.diagnostics(URI, Value::Null).await;
    assert_eq!(cleared["diagnostics"], json!([]));
    assert_eq!(client.hover(URI, 2, 20).await, Value::Null);
    assert_eq!(client.symbols(URI).await, Value::Null);
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_does_not_kill_the_server() {
    let text = article();
    let mut client = TestClient::start_with(fake_analyzer());
    client.initialize(capabilities(&[], true), json!({})).await;
    client.open(URI, &text, 1).await;

    // Unknown documents.
    assert_eq!(client.hover("file:///nowhere.txt", 0, 0).await, Value::Null);
    assert_eq!(client.symbols("untitled:nothing").await, Value::Null);
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": "file:///nowhere.txt", "version": 3},
                   "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                                  "end": {"line": 0, "character": 0}}, "text": "x"}]}),
        )
        .await;
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": "file:///nowhere.txt"}}),
        )
        .await;

    // Positions far out of range, and inside the emoji's surrogate pair.
    assert_eq!(client.hover(URI, 9999, 9999).await, Value::Null);
    assert_eq!(client.hover(URI, 0, 1).await, Value::Null);
    assert_eq!(client.hover(URI, 4, u32::MAX).await, Value::Null);

    // An edit with reversed and out-of-range ends, and a version that goes backwards.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 0},
                   "contentChanges": [{"range": {"start": {"line": 4, "character": 30},
                                                  "end": {"line": 2, "character": 1}}, "text": "؟"},
                                      {"range": {"start": {"line": 77, "character": 5},
                                                  "end": {"line": 99, "character": 99}}, "text": "!"}]}),
        )
        .await;

    // Malformed frames: each is answered (JSON-RPC 2.0 §5.1) and the server reads on.
    let is_error = |code: i64, id: Value| {
        move |m: &Value| m["error"]["code"] == code && m["id"] == id && m.get("method").is_none()
    };
    client.send_raw(b"Content-Length: 6\r\n\r\n{oops}").await;
    client.wait_for(is_error(-32700, Value::Null)).await;
    client.send_raw(b"Content-Length: 3\r\n\r\n\"\xff\"").await; // invalid UTF-8
    client.wait_for(is_error(-32700, Value::Null)).await;
    client.send_raw(b"X-Nonsense: 1\r\n\r\n").await; // no Content-Length
    client.wait_for(is_error(-32700, Value::Null)).await;
    let not_rpc = br#"{"jsonrpc":"1.0","id":77,"method":"textDocument/hover"}"#;
    client
        .send_raw(format!("Content-Length: {}\r\n\r\n", not_rpc.len()).as_bytes())
        .await;
    client.send_raw(not_rpc).await;
    client.wait_for(is_error(-32600, json!(77))).await;
    // A Content-Type header with another charset (tower-lsp-server alone would stop on it).
    let hover = json!({"jsonrpc": "2.0", "id": 78, "method": "textDocument/hover",
                       "params": {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}})
    .to_string();
    let header = format!(
        "Content-Length: {}\r\nContent-Type: application/json; charset=latin1\r\n\r\n",
        hover.len()
    );
    client.send_raw(header.as_bytes()).await;
    client.send_raw(hover.as_bytes()).await;
    client.response(78).await;

    // A request with bad params, an unknown method.
    let bad = client
        .request_message("textDocument/hover", json!({"textDocument": {"uri": URI}}))
        .await;
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let unknown = client.request_message("qalam/unknown", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");

    // Still serving: a fresh document is analysed and answered.
    client.open(URI2, &text, 1).await;
    let published = client.diagnostics(URI2, json!(1)).await;
    assert_eq!(published["diagnostics"].as_array().map(Vec::len), Some(1));
    let (s, e) = nth(&text, "ليلى حداد", 0);
    let at = position(&text, s, Unit::Utf16);
    let hover = client
        .hover(URI2, as_u32(&at["line"]), as_u32(&at["character"]))
        .await;
    assert_eq!(hover["range"], range(&text, s, e, Unit::Utf16));
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_analysis_publishes_nothing_and_the_server_lives_on() {
    let mut client = TestClient::start_with(fake_analyzer());
    client.initialize(capabilities(&[], true), json!({})).await;
    client.open(URI, "💥 ليلى حداد", 1).await;
    assert_eq!(client.hover(URI, 0, 4).await, Value::Null);
    assert_eq!(client.symbols(URI).await, Value::Null);
    client.settle(Duration::from_millis(300)).await;
    assert!(
        client.published.iter().all(|m| m["params"]["uri"] != URI),
        "{:?}",
        client.published
    );

    // Editing the bomb away brings the document back.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2},
                   "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                                  "end": {"line": 0, "character": 2}}, "text": ""}]}),
        )
        .await;
    client.diagnostics(URI, json!(2)).await;
    let hover = client.hover(URI, 0, 3).await;
    assert_eq!(
        hover["range"],
        json!({"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 10}})
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_before_initialize_are_refused() {
    let mut client = TestClient::start_with(fake_analyzer());
    let early = client
        .request_message(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize(capabilities(&[], true), json!({})).await;
    client.shutdown().await;
}

/// An analysis that never seems to end (a defect) holds back one request for at most
/// `REQUEST_ANALYSIS_TIMEOUT`; the messages behind it are then served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_analysis_does_not_block_the_server() {
    let analyzer: qalam::lsp::Analyzer = std::sync::Arc::new(|text: &str| {
        if text.contains('⏳') {
            std::thread::sleep(
                qalam::lsp::server::REQUEST_ANALYSIS_TIMEOUT + Duration::from_secs(2),
            );
        }
        common::fake_analyze(text)
    });
    let mut client = TestClient::start_with(analyzer);
    client.initialize(capabilities(&[], true), json!({})).await;
    client.open(URI, "⏳ ليلى حداد", 1).await;
    let slow = client
        .send_request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 4}}),
        )
        .await;
    let text = article();
    client.open(URI2, &text, 1).await;
    let (s, e) = nth(&text, "ليلى حداد", 0);
    let at = position(&text, s, Unit::Utf16);
    let fast = client
        .send_request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI2}, "position": at}),
        )
        .await;
    assert_eq!(client.response(slow).await["result"], Value::Null);
    let fast = client.response(fast).await;
    assert_eq!(fast["result"]["range"], range(&text, s, e, Unit::Utf16));
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_without_shutdown_is_reported() {
    let mut client = TestClient::start_with(fake_analyzer());
    client.initialize(capabilities(&[], true), json!({})).await;
    client.notify("exit", Value::Null).await;
    let shut_down = tokio::time::timeout(common::TIMEOUT, client.server)
        .await
        .expect("the server ends after exit")
        .expect("no panic");
    assert!(!shut_down);
}

/// One analysis per version: requests reuse the analysis the publisher computed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_version_is_analysed_once() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let analyzer: qalam::lsp::Analyzer = Arc::new(move |text: &str| {
        counter.fetch_add(1, Ordering::SeqCst);
        common::fake_analyze(text)
    });
    let mut client = TestClient::start_with(analyzer);
    client.initialize(capabilities(&[], true), json!({})).await;
    let text = article();
    client.open(URI, &text, 1).await;
    client.diagnostics(URI, json!(1)).await;
    for _ in 0..5 {
        client.hover(URI, 2, 25).await;
        client.symbols(URI).await;
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // A request right behind an edit analyses the new version once; the publisher reuses it.
    let end = text.len();
    let change = json!({"range": range(&text, end, end, Unit::Utf16), "text": " نعم"});
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [change]}),
        )
        .await;
    client.symbols(URI).await;
    client.diagnostics(URI, json!(2)).await;
    client.hover(URI, 2, 25).await;
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    client.shutdown().await;
}
