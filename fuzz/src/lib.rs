//! The checks behind qalam's fuzz targets, shared with the regression test that replays
//! `fuzz/regressions/<target>/*` in the normal suite (`tests/fuzz_regressions.rs` includes this
//! file by path, so it depends only on crates the main package has).
//!
//! - [`analyze_bytes`] (target `analyze`): arbitrary bytes, read as lossy UTF-8, analysed; every
//!   range checked ([`check_analysis`]).
//! - [`edit_bytes`] (target `edits`): bytes decoded into a starting text and a sequence of LSP
//!   edits ([`decode_edits`]) applied to a `Document` and to a `String` model; the texts must
//!   agree after every edit; the result is analysed and checked.
//! - [`lsp_bytes`] (target `lsp_messages`): bytes fed to an in-process server after a valid
//!   `initialize` — raw (framing abuse), or split at NUL bytes into bodies that are framed
//!   properly (JSON-RPC abuse). The server must end when its input closes, without a panic, and
//!   everything it writes must be well-framed JSON-RPC 2.0 (a response: a result or an error).
//!
//! Every check panics on a violation (libFuzzer turns a panic into a crash report).

#![allow(dead_code)] // the regression test uses only part of it

use std::sync::LazyLock;
use std::time::Duration;

use qalam::diagnostics::Lang;
use qalam::lsp::{convert, hover, symbols};
use qalam::text::Span;
use qalam::text::document::{Change, Document};
use qalam::text::position::{Position, PositionEncoding};
use ropey::Rope;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower_lsp_server::ls_types::{self, Uri};

/// The three position encodings, indexable by a fuzz byte.
pub const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

/// True when byte `offset` of `text` sits between the `\r` and `\n` of a CRLF (no LSP position
/// of its own).
pub fn inside_crlf(text: &str, offset: usize) -> bool {
    offset > 0
        && text.as_bytes().get(offset - 1) == Some(&b'\r')
        && text.as_bytes().get(offset) == Some(&b'\n')
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "{what}: {span:?} does not fit a text of {} bytes",
        text.len()
    );
}

/// Asserts that `range` converts to byte offsets that convert back to `range` (inside the
/// document, on a character boundary of `encoding`), start ≤ end.
fn check_range(rope: &Rope, range: ls_types::Range, encoding: PositionEncoding, what: &str) {
    let start = convert::offset(rope, range.start, encoding);
    let end = convert::offset(rope, range.end, encoding);
    assert!(start <= end, "{what}: reversed {range:?}");
    assert_eq!(
        convert::position(rope, start, encoding),
        range.start,
        "{what}"
    );
    assert_eq!(convert::position(rope, end, encoding), range.end, "{what}");
}

/// Checks every span of `analysis` (of `text`) and every LSP value built from it.
pub fn check_analysis(text: &str, analysis: &qalam::Analysis) {
    let rope = Rope::from_str(text);
    let mut spans: Vec<Span> = Vec::new();
    for e in &analysis.entities {
        for m in &e.mentions {
            check_span(text, m.span, "mention");
            assert_eq!(&text[m.span.start..m.span.end], &*m.text, "mention text");
            spans.push(m.span);
        }
    }
    for q in &analysis.quotes.quotes {
        check_span(text, q.span, "quote");
        check_span(text, q.content, "quote content");
        assert!(q.span.contains(q.content), "content outside its quotation");
        spans.extend([q.span, q.content]);
        spans.extend(q.speaker.as_ref().map(|s| s.span));
        spans.extend(q.cue.as_ref().map(|c| c.span));
        spans.extend(q.source.as_ref().map(|s| s.span));
    }
    spans.extend(&analysis.quotes.quoted_names);
    spans.extend(&analysis.quotes.unmatched_closing);
    for d in &analysis.diagnostics {
        spans.push(d.span);
        spans.extend(d.related.iter().map(|r| r.span));
    }
    for &span in &spans {
        check_span(text, span, "span");
        for encoding in ENCODINGS {
            let range = convert::range(&rope, span, encoding);
            for (offset, p) in [(span.start, range.start), (span.end, range.end)] {
                if !inside_crlf(text, offset) {
                    assert_eq!(convert::offset(&rope, p, encoding), offset, "{encoding:?}");
                }
            }
        }
    }
    let uri: Uri = "file:///fuzz.txt".parse().expect("a valid URI");
    for encoding in ENCODINGS {
        for d in convert::diagnostics(&analysis.diagnostics, &rope, &uri, encoding, Lang::Ar) {
            check_range(&rope, d.range, encoding, "diagnostic");
        }
        let probes = spans.iter().map(|s| s.start).take(64);
        for offset in probes {
            if let Some(h) = hover::hover(analysis, text, &rope, offset, encoding, Lang::En) {
                check_range(&rope, h.range.expect("a range"), encoding, "hover");
            }
        }
        let groups = symbols::nested(analysis, text, &rope, encoding, Lang::Ar);
        for g in &groups {
            check_range(&rope, g.range, encoding, "group");
            for c in g.children.iter().flatten() {
                check_range(&rope, c.range, encoding, "symbol");
                check_range(&rope, c.selection_range, encoding, "selection");
            }
        }
        symbols::flat(&groups, &uri);
    }
}

/// Target `analyze`.
pub fn analyze_bytes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let analysis = qalam::analyze(&text);
    check_analysis(&text, &analysis);
}

/// Reads fuzz bytes front to back; past the end, zeros.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let (&b, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        b
    }
    fn text(&mut self, len: usize) -> String {
        let n = len.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        String::from_utf8_lossy(head).into_owned()
    }
}

/// One decoded edit: an LSP change in `encoding`.
#[derive(Debug)]
pub struct Edit {
    /// The encoding of the positions.
    pub encoding: PositionEncoding,
    /// `None` replaces the whole text.
    pub range: Option<(Position, Position)>,
    /// The new text.
    pub text: String,
}

/// Decodes fuzz bytes: 2 bytes of starting-text length, the text (lossy UTF-8), then edits of
/// 6 bytes each (`kind`, line, column, line, column, text length) followed by their text.
/// `kind % 3` is the encoding; `kind == 255` is a full replacement; columns are `byte * 3`
/// and lines `byte % 16` so that they often land inside lines.
pub fn decode_edits(data: &[u8]) -> (String, Vec<Edit>) {
    let mut bytes = Bytes(data);
    let len = usize::from(bytes.byte()) << 8 | usize::from(bytes.byte());
    let start = bytes.text(len);
    let mut edits = Vec::new();
    while !bytes.0.is_empty() && edits.len() < 64 {
        let kind = bytes.byte();
        let position = |b: &mut Bytes<'_>| Position {
            line: u32::from(b.byte() % 16),
            character: u32::from(b.byte()) * 3,
        };
        let a = position(&mut bytes);
        let b = position(&mut bytes);
        let len = usize::from(bytes.byte());
        let text = bytes.text(len);
        edits.push(Edit {
            encoding: ENCODINGS[usize::from(kind % 3)],
            range: (kind != 255).then_some((a, b)),
            text,
        });
    }
    (start, edits)
}

/// The byte offset of LSP position `p` in `s` (columns in `encoding`), computed without the
/// text layer, following LSP: lines end at `\r\n`, `\r`, `\n`; past the last line is the end;
/// past the line's content is its end; inside a character is that character's start.
pub fn model_offset(s: &str, p: Position, encoding: PositionEncoding) -> usize {
    let bytes = s.as_bytes();
    let (mut i, mut line) = (0, 0);
    while line < p.line {
        match bytes.get(i) {
            None => return s.len(),
            Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => {
                i += 2;
                line += 1;
            }
            Some(b'\r' | b'\n') => {
                i += 1;
                line += 1;
            }
            Some(_) => i += 1,
        }
    }
    let mut units = 0usize;
    for (j, c) in s[i..].char_indices() {
        let width = match encoding {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
            PositionEncoding::Utf32 => 1,
        };
        if c == '\n' || c == '\r' || units + width > p.character as usize {
            return i + j;
        }
        units += width;
    }
    s.len()
}

/// Target `edits`.
pub fn edit_bytes(data: &[u8]) {
    let (start, edits) = decode_edits(data);
    let mut model = start.clone();
    let mut document = Document::new(&start, 0);
    for (version, edit) in edits.iter().enumerate() {
        match edit.range {
            None => model.clone_from(&edit.text),
            Some((a, b)) => {
                let s = model_offset(&model, a, edit.encoding);
                let e = model_offset(&model, b, edit.encoding).max(s);
                model.replace_range(s..e, &edit.text);
            }
        }
        let change = Change {
            range: edit.range,
            text: &edit.text,
        };
        document.apply(&[change], version as i32 + 1, edit.encoding);
        assert_eq!(document.text(), model, "after edit {version}: {edit:?}");
    }
    let analysis = qalam::analyze(&model);
    check_analysis(&model, &analysis);
}

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime")
});

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Splits the server's output into frames; panics on anything that is not a well-framed
/// JSON-RPC 2.0 message. Returns the JSON bodies.
pub fn parse_output(mut output: &[u8]) -> Vec<serde_json::Value> {
    let mut messages = Vec::new();
    while !output.is_empty() {
        let end = output
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header block");
        let header = std::str::from_utf8(&output[..end]).expect("an ASCII header");
        let length: usize = header
            .split("\r\n")
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .expect("Content-Length")
            .parse()
            .expect("a length");
        let body = &output[end + 4..end + 4 + length];
        let value: serde_json::Value = serde_json::from_slice(body).expect("a JSON body");
        assert_eq!(value["jsonrpc"], "2.0", "{value}");
        messages.push(value);
        output = &output[end + 4 + length..];
    }
    messages
}

const END_ID: &[u8] = br#""id":"fuzz-end""#;

/// How many trailing windows to search for [`END_ID`] (the last 64 KiB read, at most).
fn n_tail(output: &[u8]) -> usize {
    output.len().min(1 << 16)
}

/// Target `lsp_messages`. The first byte chooses: bit 0 — raw bytes (0) or NUL-separated
/// bodies framed here (1); bits 1–2 — the position encodings offered in `initialize`.
pub fn lsp_bytes(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let offered = match (mode >> 1) & 3 {
        0 => r#"["utf-8"]"#,
        1 => r#"["utf-32","utf-16"]"#,
        2 => "[]",
        _ => r#"["utf-16"]"#,
    };
    let mut input = frame(
        format!(
            r#"{{"jsonrpc":"2.0","id":"init","method":"initialize","params":{{"capabilities":{{"general":{{"positionEncodings":{offered}}},"textDocument":{{"documentSymbol":{{"hierarchicalDocumentSymbolSupport":{}}}}}}}}}}}"#,
            mode & 8 != 0
        )
        .as_bytes(),
    );
    input.extend(frame(
        br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));
    if mode & 1 == 0 {
        input.extend_from_slice(rest);
    } else {
        for body in rest.split(|&b| b == 0) {
            input.extend(frame(body));
        }
    }
    // A complete frame after whatever came before (raw input may have left a frame open).
    let end = frame(br#"{"jsonrpc":"2.0","id":"fuzz-end","method":"shutdown"}"#);
    RUNTIME.block_on(async move {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server);
        let server = tokio::spawn(qalam::lsp::serve(server_read, server_write));
        let (mut client_read, mut client_write) = tokio::io::split(client);
        // The reader signals when `shutdown` is answered: every message before it has been
        // handled (one at a time, in order), hovers and outlines included.
        let (answered, shut_down) = tokio::sync::oneshot::channel::<()>();
        let reader = tokio::spawn(async move {
            let mut output = Vec::new();
            let mut chunk = vec![0u8; 1 << 16];
            let mut answered = Some(answered);
            loop {
                match client_read.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => output.extend_from_slice(&chunk[..n]),
                }
                if answered.is_some()
                    && output
                        .windows(END_ID.len())
                        .rev()
                        .take(n_tail(&output))
                        .any(|w| w == END_ID)
                {
                    let _ = answered.take().map(|a| a.send(()));
                }
            }
            output
        });
        // The server may stop reading (after `exit`): write errors are expected then.
        let _ = client_write.write_all(&input).await;
        let _ = client_write.write_all(&end).await;
        let mut server = server;
        // Until `shutdown` is answered, or the server has stopped (an `exit` in the input), or a
        // time out: 5 s for framed bodies, 200 ms for raw input (where a frame left open often
        // swallows the `shutdown`).
        let wait = if mode & 1 == 1 {
            Duration::from_secs(5)
        } else {
            Duration::from_millis(200)
        };
        let stopped = tokio::select! {
            _ = shut_down => None,
            result = &mut server => Some(result),
            () = tokio::time::sleep(wait) => None,
        };
        let _ = client_write.shutdown().await;
        drop(client_write);
        let result = match stopped {
            Some(result) => result,
            None => tokio::time::timeout(Duration::from_secs(20), server)
                .await
                .expect("the server ends when its input closes"),
        };
        result.expect("the server task does not panic");
        let output = reader.await.expect("the reader");
        // (`initialize` may go unanswered: an `exit` in the input stops the server as soon as
        // it is read, which tower-lsp-server does before earlier handlers have finished.)
        for message in parse_output(&output) {
            let is_response = message.get("method").is_none();
            assert!(
                !is_response || message.get("result").is_some() != message.get("error").is_some(),
                "a response has a result or an error: {message}"
            );
        }
    });
}
