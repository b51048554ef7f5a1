#!/usr/bin/env python3
"""Soak test of `qalam serve --stdio` (not part of the test suite).

Opens 200 documents (the articles of eval/docs and eval/heldout, each made distinct), then
sends 100,000 requests (hover at random positions, documentSymbol) spread over them, with an
incremental edit (didChange: insert, replace or delete a few words at a random place) before
about one request in five, keeping up to --window requests in flight. Then closes every document.

Reports: requests sent and answered, errors (JSON-RPC error responses, missing or malformed
answers, diagnostics published for a version other than the newest one sent, a server that
dies — must be 0), request latency (p50, p99, max, from writing the request to reading its
answer), and the server's resident memory (VmRSS) after the first document was opened, analysed
and closed (lexicons and model loaded) and after every document was closed (must be within 10%).

Usage: cargo build --release && python3 scripts/soak.py [--requests N] [--documents N]
       [--binary target/release/qalam] [--seed N] [--window N]
Exit status: 0 when errors == 0 and the RSS check passes, else 1.
"""
import argparse
import json
import os
import pathlib
import queue
import random
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parent.parent


def status_field(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def rss_kib(pid):
    return status_field(pid, "VmRSS")


class Server:
    def __init__(self, binary):
        self.proc = subprocess.Popen(
            [binary, "serve", "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(os.devnull, "w"),
            env=dict(os.environ, QALAM_LOG="error"),
        )
        self.responses = {}
        self.cond = threading.Condition()
        self.published = {}  # uri -> last published version
        self.bad_frames = 0
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        out = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                c = out.read(1)
                if not c:
                    with self.cond:
                        self.cond.notify_all()
                    return
                header += c
            length = None
            for line in header.decode("ascii", "replace").split("\r\n"):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            if length is None:
                self.bad_frames += 1
                continue
            body = out.read(length)
            try:
                msg = json.loads(body)
            except ValueError:
                self.bad_frames += 1
                continue
            now = time.perf_counter()
            with self.cond:
                if "id" in msg and "method" not in msg:
                    self.responses[msg["id"]] = (now, msg)
                    self.cond.notify_all()
                elif msg.get("method") == "textDocument/publishDiagnostics":
                    p = msg["params"]
                    self.published[p["uri"]] = p.get("version")

    def send(self, msg):
        body = json.dumps(msg, ensure_ascii=False).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request_async(self, method, params):
        self.next_id += 1
        rid = self.next_id
        sent = time.perf_counter()
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return rid, sent

    def wait(self, rid, timeout=60):
        deadline = time.monotonic() + timeout
        with self.cond:
            while rid not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return None
                self.cond.wait(left)
            return self.responses.pop(rid)

    def request(self, method, params):
        rid, _ = self.request_async(method, params)
        got = self.wait(rid)
        return got[1] if got else None


def line_lengths(text):
    return [len(l.encode("utf-16-le")) // 2 for l in text.split("\n")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(REPO / "target/release/qalam"))
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--documents", type=int, default=200)
    ap.add_argument("--window", type=int, default=8)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--settle", type=float, default=12.0,
                    help="seconds to wait before measuring memory (tokio's idle blocking threads "
                         "exit after 10 s)")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    sources = sorted([*REPO.glob("eval/docs/*.txt"), *REPO.glob("eval/heldout/*.txt")])
    articles = [p.read_text(encoding="utf-8") for p in sources]
    words = sorted({w for a in articles for w in a.split() if len(w) > 2})

    server = Server(args.binary)
    errors = []
    init = server.request("initialize", {"processId": os.getpid(), "capabilities": {
        "textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": True}}}})
    if not init or "result" not in init:
        sys.exit(f"initialize failed: {init}")
    server.notify("initialized", {})

    # Warm-up: one document opened, analysed (a request waits for it) and closed.
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": "file:///soak/warmup.txt", "languageId": "plaintext", "version": 1, "text": articles[0]}})
    server.request("textDocument/documentSymbol", {"textDocument": {"uri": "file:///soak/warmup.txt"}})
    server.notify("textDocument/didClose", {"textDocument": {"uri": "file:///soak/warmup.txt"}})
    server.request("textDocument/hover", {"textDocument": {"uri": "file:///soak/warmup.txt"},
                                          "position": {"line": 0, "character": 0}})
    time.sleep(args.settle)
    rss_before = rss_kib(server.proc.pid)
    threads_before = status_field(server.proc.pid, "Threads")

    texts, versions = {}, {}
    for i in range(args.documents):
        uri = f"file:///soak/doc{i:03}.txt"
        text = f"{i}\n" + articles[i % len(articles)]
        texts[uri], versions[uri] = text, 1
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "plaintext", "version": 1, "text": text}})
    uris = sorted(texts)

    latencies, in_flight, edits = [], [], 0
    started = time.perf_counter()

    def collect(block_until):
        while len(in_flight) > block_until:
            rid, sent = in_flight.pop(0)
            got = server.wait(rid)
            if got is None:
                errors.append(f"request {rid}: no answer")
                continue
            at, msg = got
            latencies.append(at - sent)
            if "error" in msg:
                errors.append(f"request {rid}: {msg['error']}")

    for n in range(args.requests):
        uri = rng.choice(uris)
        text = texts[uri]
        lines = text.split("\n")
        if rng.random() < 0.2:
            # An incremental edit: replace a random stretch of one line with a few words.
            li = rng.randrange(len(lines))
            units = line_lengths(text)[li]
            a = rng.randint(0, units)
            b = min(units, a + rng.randint(0, 12))
            new = " ".join(rng.choice(words) for _ in range(rng.randint(0, 3)))
            line16 = lines[li].encode("utf-16-le")
            # Keep surrogate pairs whole: move a and b back off a low surrogate.
            def snap(u):
                while 0 < u < len(line16) // 2 and 0xDC00 <= int.from_bytes(line16[2*u:2*u+2], "little") <= 0xDFFF:
                    u -= 1
                return u
            a, b = snap(a), snap(b)
            before = line16[: 2 * a].decode("utf-16-le")
            after = line16[2 * b:].decode("utf-16-le")
            lines[li] = before + new + after
            texts[uri] = "\n".join(lines)
            versions[uri] += 1
            edits += 1
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": versions[uri]},
                "contentChanges": [{"range": {"start": {"line": li, "character": a},
                                              "end": {"line": li, "character": b}}, "text": new}]})
        if rng.random() < 0.7:
            li = rng.randrange(len(lines))
            ch = rng.randint(0, max(0, line_lengths(texts[uri])[li]))
            in_flight.append(server.request_async("textDocument/hover", {
                "textDocument": {"uri": uri}, "position": {"line": li, "character": ch}}))
        else:
            in_flight.append(server.request_async("textDocument/documentSymbol",
                                                  {"textDocument": {"uri": uri}}))
        collect(args.window)
        if (n + 1) % 10_000 == 0:
            print(f"  {n + 1} requests, {edits} edits, {len(errors)} errors, "
                  f"{time.perf_counter() - started:.0f} s, RSS {rss_kib(server.proc.pid) // 1024} MiB",
                  flush=True)
    collect(0)
    elapsed = time.perf_counter() - started

    # Diagnostics of the newest version of each document (published after the debounce).
    time.sleep(2.0)
    with server.cond:
        stale = [u for u in uris if server.published.get(u) != versions[u]]
    for u in stale:
        errors.append(f"{u}: last diagnostics for version {server.published.get(u)}, newest {versions[u]}")
    rss_peak = rss_kib(server.proc.pid)
    threads_peak = status_field(server.proc.pid, "Threads")

    for uri in uris:
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    server.request("textDocument/hover", {"textDocument": {"uri": uris[0]},
                                          "position": {"line": 0, "character": 0}})
    time.sleep(args.settle)
    rss_after = rss_kib(server.proc.pid)
    threads_after = status_field(server.proc.pid, "Threads")
    shutdown = server.request("shutdown", None)
    server.notify("exit", None)
    try:
        status = server.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        status = None
        server.proc.kill()
    if shutdown is None or "error" in shutdown:
        errors.append(f"shutdown: {shutdown}")
    if status != 0:
        errors.append(f"exit status {status}")
    if server.bad_frames:
        errors.append(f"{server.bad_frames} malformed frames from the server")

    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    growth = (rss_after - rss_before) / rss_before * 100 if rss_before else float("inf")
    print(f"requests: {args.requests} ({len(latencies)} answered) over {args.documents} documents, "
          f"{edits} edits, in {elapsed:.1f} s ({len(latencies) / elapsed:.0f} requests/s)")
    print(f"errors: {len(errors)}")
    for e in errors[:20]:
        print(f"  {e}")
    print(f"latency: p50 {pct(0.50):.2f} ms, p99 {pct(0.99):.2f} ms, max {latencies[-1] * 1000:.2f} ms")
    print(f"RSS: {rss_before / 1024:.1f} MiB after the first document opened and closed, "
          f"{rss_peak / 1024:.1f} MiB with {args.documents} open, "
          f"{rss_after / 1024:.1f} MiB after closing all ({growth:+.1f}%)")
    print(f"threads: {threads_before} before, {threads_peak} with {args.documents} open, "
          f"{threads_after} after closing all")
    ok = not errors and abs(growth) <= 10
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
