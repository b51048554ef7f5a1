//! Replays the fuzz targets' crashing inputs, kept in `fuzz/regressions/<target>/`, through the
//! same checks the fuzzer runs (`fuzz/src/lib.rs`, included here by path), plus a few hostile
//! inputs written here, so that every defect the fuzzer found stays fixed in the normal suite.

#[path = "../fuzz/src/lib.rs"]
mod fuzz;

use std::path::Path;

/// The files of `fuzz/regressions/<target>/` (none yet is fine), in name order.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .filter(|e| e.file_name() != ".gitkeep")
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read(e.path()).expect("readable"))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn hostile_texts() -> Vec<Vec<u8>> {
    vec![
        Vec::new(),
        b"\xff\xfe\x00\x00\xd8\x00".to_vec(),
        "«".repeat(3000).into_bytes(),
        "\r\r\n\n\r«\r»\r\n\u{202E}\u{2067}".into(),
        "وقال بيسکوف: «نعم» 😀\r\nثم قال\u{200F}: \"لا\" ﻻ ﷲ ـــ".into(),
        "و".repeat(5000).into_bytes(),
        "قال: «".repeat(500).into_bytes(),
    ]
}

#[test]
fn analyze_regressions() {
    for (name, data) in inputs("analyze") {
        eprintln!("analyze {name}");
        fuzz::analyze_bytes(&data);
    }
    for data in hostile_texts() {
        fuzz::analyze_bytes(&data);
    }
}

#[test]
fn edits_regressions() {
    for (name, data) in inputs("edits") {
        eprintln!("edits {name}");
        fuzz::edit_bytes(&data);
    }
    for text in hostile_texts() {
        // The text as the starting document, then edits at every kind of position.
        let mut data = vec![(text.len() >> 8) as u8, text.len() as u8];
        data.extend_from_slice(&text[..text.len().min(0xFFFF)]);
        for kind in [0u8, 1, 2, 255] {
            data.extend_from_slice(&[kind, 0, 1, 3, 255, 4]);
            data.extend_from_slice("😀\r\nب".as_bytes());
        }
        fuzz::edit_bytes(&data);
    }
}

#[test]
fn lsp_messages_regressions() {
    for (name, data) in inputs("lsp_messages") {
        eprintln!("lsp_messages {name}");
        fuzz::lsp_bytes(&data);
    }
    let open = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///r.txt","languageId":"plaintext","version":1,"text":"قال الوزير خالد العمري: «نعم»"}}}"#;
    let hover = r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///r.txt"},"position":{"line":0,"character":14}}}"#;
    let dollar = r#"{"jsonrpc":"2.0","id":8,"method":"$/x"}"#;
    let mut bodies = vec![1u8];
    bodies.extend_from_slice(
        [
            open,
            hover,
            dollar,
            "{oops",
            "[]",
            r#"{"jsonrpc":"2.0","id":9,"method":"exit"}"#,
        ]
        .join("\0")
        .as_bytes(),
    );
    fuzz::lsp_bytes(&bodies);
    let mut raw = vec![0u8];
    raw.extend_from_slice(b"Content-Length: 99999999\r\n\r\n{");
    fuzz::lsp_bytes(&raw);
    let mut raw = vec![2u8];
    raw.extend_from_slice(b"Content-Length: 2\r\n\r\n{}Content-Length: x\r\n\r\n\r\n\r\n");
    fuzz::lsp_bytes(&raw);
}
