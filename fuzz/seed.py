#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from qalam's own texts:
eval/docs, eval/heldout, examples and the editor fixtures (all written for qalam). Run from
anywhere: python3 fuzz/seed.py"""
import json
import pathlib
import random
import struct

FUZZ = pathlib.Path(__file__).resolve().parent
REPO = FUZZ.parent
TEXTS = sorted(
    [*REPO.glob("eval/docs/*.txt"), *REPO.glob("eval/heldout/*.txt"),
     *REPO.glob("examples/*.txt"), *REPO.glob("tests/editors/fixtures/*.txt")]
)
random.seed(6)


def out(target, name, data):
    d = FUZZ / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def frame(body):
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


for path in TEXTS:
    text = path.read_text(encoding="utf-8")
    data = text.encode()
    out("analyze", path.stem, data)
    # Short pieces too: libFuzzer mutates small inputs faster.
    for i, para in enumerate(p for p in text.split("\n") if len(p) > 40):
        if i < 4:
            out("analyze", f"{path.stem}-p{i}", para.encode())

    # edits: 2-byte length, starting text, then edits (kind, l1, c1, l2, c2, len, text).
    start = data[:1500]
    start = start.decode("utf-8", "ignore").encode()
    blob = struct.pack(">H", len(start)) + start
    for _ in range(6):
        words = text.split()
        new = " ".join(random.choice(words) for _ in range(random.randint(0, 4))).encode()[:200]
        kind = random.choice([0, 1, 2, 1, 255])
        blob += bytes([kind, random.randint(0, 5), random.randint(0, 40), random.randint(0, 5),
                       random.randint(0, 40), len(new)]) + new
    out("edits", path.stem, blob)

    # lsp_messages, mode 1 (NUL-separated bodies) and mode 0 (raw framed stream).
    uri = f"file:///{path.name}"
    short = text[:2000]
    bodies = [
        {"jsonrpc": "2.0", "method": "textDocument/didOpen",
         "params": {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": short}}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
         "params": {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 10}}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange",
         "params": {"textDocument": {"uri": uri, "version": 2},
                    "contentChanges": [{"range": {"start": {"line": 0, "character": 3},
                                                  "end": {"line": 1, "character": 0}}, "text": "قال: «نعم»"}]}},
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/documentSymbol",
         "params": {"textDocument": {"uri": uri}}},
        {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 3}},
        {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}},
    ]
    encoded = [json.dumps(b, ensure_ascii=False).encode() for b in bodies]
    out("lsp_messages", path.stem + "-bodies", bytes([1 | (random.randint(0, 7) << 1)]) + b"\0".join(encoded))
    out("lsp_messages", path.stem + "-raw", bytes([random.randint(0, 7) << 1]) + b"".join(frame(b) for b in encoded))
print("corpora in", FUZZ / "corpus")
