//! `qalam serve --stdio` as a process: the flag is accepted, the server answers over stdio and
//! exits cleanly after `shutdown` + `exit`, and also when the client closes its end.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn framed(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// Removes the first complete frame from `buffer` and returns its JSON body.
fn take_frame(buffer: &mut Vec<u8>) -> Option<Value> {
    let end = buffer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let header = std::str::from_utf8(&buffer[..end]).expect("ascii header");
    let length: usize = header
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .expect("Content-Length")
        .parse()
        .expect("number");
    if buffer.len() < end + 4 + length {
        return None;
    }
    let body = serde_json::from_slice(&buffer[end + 4..end + 4 + length]).expect("json");
    buffer.drain(..end + 4 + length);
    Some(body)
}

fn wait_with_timeout(child: &mut std::process::Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "qalam serve did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn spawn() -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_qalam"))
        .args(["serve", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("qalam serve starts")
}

/// Reads frames from `reader` on a thread; every JSON body goes to the returned channel.
fn read_frames(mut reader: impl Read + Send + 'static) -> mpsc::Receiver<Value> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            match reader.read(&mut chunk) {
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
    rx
}

fn response(rx: &mpsc::Receiver<Value>, id: i64) -> Value {
    loop {
        let message = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("a message from the server");
        if message["id"] == id && message.get("method").is_none() {
            return message;
        }
    }
}

#[test]
fn serve_stdio_answers_and_exits_after_exit() {
    let mut child = spawn();
    let mut stdin = child.stdin.take().expect("stdin");
    let rx = read_frames(child.stdout.take().expect("stdout"));
    let mut send = |message: Value| stdin.write_all(&framed(&message)).expect("write");

    send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": null, "capabilities": {}, "locale": "ar"}}));
    let init = response(&rx, 1);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["result"]["serverInfo"]["name"], "qalam");
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": "file:///none.txt"}, "position": {"line": 0, "character": 0}}}),
    );
    assert_eq!(response(&rx, 2)["result"], Value::Null);
    send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    assert_eq!(response(&rx, 3)["result"], Value::Null);
    send(json!({"jsonrpc": "2.0", "method": "exit"}));
    // stdin stays open: the server must exit on `exit` alone.
    let status = wait_with_timeout(&mut child);
    assert!(status.success(), "{status}");
    drop(stdin);
}

#[test]
fn serve_stdio_exits_with_one_when_the_client_goes_away() {
    let mut child = spawn();
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(&framed(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": null, "capabilities": {}}}),
        ))
        .expect("write");
    drop(stdin);
    // No shutdown request: LSP asks for exit status 1.
    let status = wait_with_timeout(&mut child);
    assert_eq!(status.code(), Some(1), "{status}");
}

#[test]
fn serve_stdio_exit_without_shutdown_is_status_one() {
    let mut child = spawn();
    let mut stdin = child.stdin.take().expect("stdin");
    let rx = read_frames(child.stdout.take().expect("stdout"));
    stdin
        .write_all(&framed(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": null, "capabilities": {}}}),
        ))
        .expect("write");
    response(&rx, 1);
    stdin
        .write_all(&framed(&json!({"jsonrpc": "2.0", "method": "exit"})))
        .expect("write");
    let status = wait_with_timeout(&mut child);
    assert_eq!(status.code(), Some(1), "{status}");
    drop(stdin);
}
