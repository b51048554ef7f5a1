//! A framing guard between the client's byte stream and tower-lsp-server.
//!
//! Why: tower-lsp-server 0.23 reads messages with `tokio_util::codec::FramedRead`. Since
//! tokio-util 0.7 (tokio issue 3976), the first decoding error ends that stream, and with it the
//! server's read loop — so one malformed frame from a client (bad JSON, a body that is not a
//! JSON-RPC message, invalid UTF-8, a header without `Content-Length`, a `Content-Type` with
//! another charset) would stop the server. qalam must never exit on client input.
//!
//! How: [`filter_input`] re-frames the input itself. Every well-formed message (one that deserialises
//! as a tower-lsp-server [`Request`] or [`Response`]) is passed on byte for byte with a clean
//! `Content-Length` header; a malformed one is answered here, as JSON-RPC 2.0 asks (§5.1: parse
//! error −32700 with `id: null`; invalid request −32600 with the request's id when it has one),
//! logged, and dropped. The server's own output goes through a writer that interleaves those
//! answers only between whole frames.
//!
//! One more gap is closed here: tower-lsp-server 0.23 drops every `$/…` message it does not
//! know (service.rs: `m.starts_with("$/") => Ok(None)`), requests included, so a `$/…` request
//! would never be answered. LSP (§ "$ Notifications and Requests") asks a server that receives
//! a `$/` request it does not implement to error it with MethodNotFound (−32601): the guard
//! answers those itself (qalam implements no `$/` request; `$/cancelRequest`, `$/setTrace`…
//! are notifications and pass through).

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::jsonrpc::{Request, Response};
use tracing::warn;

use super::splice::Splices;

/// One message for the client: a whole frame (header and body, bytes as written) and, when
/// the sender asked, a signal sent once the frame has been written and flushed (dropped unsent
/// when the output fails first).
#[derive(Debug)]
pub struct Frame {
    /// The frame's bytes.
    pub bytes: Vec<u8>,
    /// Told when the frame is out ([`Frame::with_signal`]).
    pub written: Option<oneshot::Sender<()>>,
}

impl Frame {
    /// A frame of `bytes` whose writing is told to the returned receiver: it gets `Ok(())` once
    /// the frame is written and flushed, an error when the output failed or ended first.
    pub fn with_signal(bytes: Vec<u8>) -> (Frame, oneshot::Receiver<()>) {
        let (written, told) = oneshot::channel();
        let frame = Frame {
            bytes,
            written: Some(written),
        };
        (frame, told)
    }

    /// Tells the sender, if it asked, that the frame is out.
    fn tell_written(self) {
        if let Some(written) = self.written {
            let _ = written.send(());
        }
    }
}

impl From<Vec<u8>> for Frame {
    fn from(bytes: Vec<u8>) -> Self {
        Frame {
            bytes,
            written: None,
        }
    }
}

/// Past this many bytes without a complete header block, the input is garbage: it is dropped
/// (keeping the last 3 bytes, which may start a `\r\n\r\n`) and answered with a parse error.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// The JSON-RPC messages tower-lsp-server accepts (the same untagged shape as its private
/// `Message`): a response, else a request or notification.
#[derive(Deserialize)]
#[serde(untagged)]
enum Incoming {
    #[allow(dead_code)] // only deserialised, to validate
    Response(Response),
    Request(Request),
}

/// A complete frame: `Content-Length: N\r\n\r\n` + `body`.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_frame(code: i64, message: &str, id: Value) -> Vec<u8> {
    let body = json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id});
    frame(body.to_string().as_bytes())
}

/// What one complete frame of client input turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    /// A well-formed message: pass this body on.
    Message,
    /// A well-formed `initialize` request: pass it on.
    Initialize,
    /// A well-formed `shutdown` request: pass it on.
    Shutdown,
    /// Malformed: answer with this frame (and pass nothing on).
    Answer(Vec<u8>),
}

/// Checks a frame's body: a JSON-RPC message tower-lsp-server can decode, or the error answer
/// (also MethodNotFound for a `$/…` request, which tower-lsp-server would leave unanswered).
pub fn check_body(body: &[u8]) -> Checked {
    if let Ok(incoming) = serde_json::from_slice::<Incoming>(body) {
        if let Incoming::Request(request) = &incoming
            && request.method().starts_with("$/")
            && let Some(id) = request.id()
        {
            warn!(method = request.method(), "unknown `$/` request");
            let id = serde_json::to_value(id).unwrap_or(Value::Null);
            return Checked::Answer(error_frame(-32601, "Method not found", id));
        }
        return match &incoming {
            Incoming::Request(r) if r.id().is_some() && r.method() == "initialize" => {
                Checked::Initialize
            }
            Incoming::Request(r) if r.id().is_some() && r.method() == "shutdown" => {
                Checked::Shutdown
            }
            _ => Checked::Message,
        };
    }
    match serde_json::from_slice::<Value>(body) {
        Err(err) => {
            warn!("dropping a message that is not JSON: {err}");
            Checked::Answer(error_frame(-32700, "Parse error", Value::Null))
        }
        Ok(value) => {
            warn!("dropping a JSON value that is not a JSON-RPC 2.0 message");
            let id = match value.get("id") {
                Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
                _ => Value::Null,
            };
            Checked::Answer(error_frame(-32600, "Invalid Request", id))
        }
    }
}

/// The `Content-Length` of a header block (without its final `\r\n\r\n`); `None` when the block
/// is not ASCII `Name: value` lines or has no valid `Content-Length` (name case-insensitive).
pub fn content_length(header: &[u8]) -> Option<usize> {
    let header = std::str::from_utf8(header).ok()?;
    header.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Pipe capacity asked for stdin and stdout ([`widen_stdio_pipes`]): 1 MiB, Linux's default
/// `/proc/sys/fs/pipe-max-size` for unprivileged processes.
pub const PIPE_BYTES: i32 = 1 << 20;

/// Widens stdin and stdout to [`PIPE_BYTES`] when they are pipes (`fcntl(F_SETPIPE_SZ)`, Linux
/// only). With the default 64 KiB, one publication of a 1 MB article's diagnostics (≈ 300 KB
/// of JSON) crosses the pipe in five or more rounds, each a wake-up of the client's reader and
/// then of the server's writer; on a busy machine every wake-up may wait for a core. Returns
/// the new capacities (bytes), `None` for a descriptor that is not a pipe or could not be
/// widened (the pipe then stays as it was: nothing fails).
pub fn widen_stdio_pipes() -> [Option<usize>; 2] {
    [0, 1].map(|fd| {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: fcntl on a descriptor number with integer arguments reads and changes
            // only the pipe's capacity; on a descriptor that is not a pipe it fails (EBADF or
            // EINVAL), which is handled.
            let r = unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_BYTES) };
            usize::try_from(r).ok()
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = fd;
            None
        }
    })
}

/// Reads frames from `input` until it ends; sends well-formed messages, re-framed, to `server`
/// and answers for malformed ones to `answers`.
///
/// Sets `shutdown` when a `shutdown` request passes after an `initialize` request: LSP asks the
/// server to exit with status 0 after `exit` when `shutdown` was received before it, and
/// tower-lsp-server 0.23 acts on `exit` when it reads it, cancelling a `shutdown` whose handler
/// has not run yet (a client that writes both at once), so the handler alone cannot tell.
pub async fn filter_input<I, S>(
    mut input: I,
    mut server: S,
    answers: mpsc::Sender<Frame>,
    shutdown: &AtomicBool,
) where
    I: AsyncRead + Unpin,
    S: AsyncWrite + Unpin,
{
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 256 * 1024];
    let mut pending: Option<usize> = None; // the body length, once the header block was read
    let mut initialize_seen = false;
    loop {
        loop {
            if let Some(length) = pending {
                if buffer.len() < length {
                    break;
                }
                let checked = check_body(&buffer[..length]);
                match checked {
                    Checked::Initialize => initialize_seen = true,
                    Checked::Shutdown if initialize_seen => shutdown.store(true, Ordering::SeqCst),
                    _ => {}
                }
                let forwarded = match checked {
                    Checked::Message | Checked::Initialize | Checked::Shutdown => {
                        server.write_all(&frame(&buffer[..length])).await.is_ok()
                    }
                    Checked::Answer(answer) => {
                        let _ = answers.send(answer.into()).await;
                        true
                    }
                };
                buffer.drain(..length);
                pending = None;
                if !forwarded {
                    return; // the server has stopped reading
                }
                continue;
            }
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                match content_length(&buffer[..end]) {
                    Some(length) => pending = Some(length),
                    None => {
                        warn!("dropping a header block without a valid Content-Length");
                        let _ = answers
                            .send(error_frame(-32700, "Parse error", Value::Null).into())
                            .await;
                    }
                }
                buffer.drain(..end + 4);
                continue;
            }
            if buffer.len() > MAX_HEADER_BYTES {
                warn!(
                    "dropping {} bytes that hold no header block",
                    buffer.len() - 3
                );
                buffer.drain(..buffer.len() - 3);
                let _ = answers
                    .send(error_frame(-32700, "Parse error", Value::Null).into())
                    .await;
            }
            break;
        }
        match input.read(&mut chunk).await {
            Ok(0) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(err) => {
                warn!("client input failed: {err}");
                return;
            }
        }
    }
}

/// Reads the server's output (well-formed frames, as tower-lsp-server writes them) and sends
/// each whole frame to `frames`, with placeholder responses replaced by their stashed results
/// ([`Splices::splice`]). Keeps draining after `frames` closes, so the server never
/// blocks on a full pipe.
pub async fn frame_output<R>(mut server: R, frames: mpsc::Sender<Frame>, splices: Splices)
where
    R: AsyncRead + Unpin,
{
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 256 * 1024];
    let mut open = true;
    loop {
        while let Some(end) = find(&buffer, b"\r\n\r\n") {
            let Some(length) = content_length(&buffer[..end]) else {
                // Not expected from tower-lsp-server; pass the bytes through unchanged.
                let bytes: Vec<u8> = buffer.drain(..end + 4).collect();
                open = open && frames.send(bytes.into()).await.is_ok();
                continue;
            };
            if buffer.len() < end + 4 + length {
                break;
            }
            let bytes: Vec<u8> = buffer.drain(..end + 4 + length).collect();
            open = open && frames.send(splices.splice(bytes).into()).await.is_ok();
        }
        match server.read(&mut chunk).await {
            Ok(0) | Err(_) => {
                if !buffer.is_empty() && open {
                    let _ = frames.send(std::mem::take(&mut buffer).into()).await;
                }
                return;
            }
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Writes every frame received to `output` until all senders are gone or `output` fails,
/// telling each frame's sender that asked once it is out ([`Frame::with_signal`]).
pub async fn write_frames<O>(mut frames: mpsc::Receiver<Frame>, mut output: O)
where
    O: AsyncWrite + Unpin,
{
    while let Some(frame) = frames.recv().await {
        if output.write_all(&frame.bytes).await.is_err() || output.flush().await.is_err() {
            warn!("client output closed");
            return;
        }
        frame.tell_written();
    }
    let _ = output.shutdown().await;
}

/// [`write_frames`] on a blocking writer, on the calling thread (a thread of its own: it
/// blocks while it waits for frames and while `output` is full).
pub fn write_frames_blocking(mut frames: mpsc::Receiver<Frame>, mut output: impl std::io::Write) {
    while let Some(frame) = frames.blocking_recv() {
        if output.write_all(&frame.bytes).is_err() || output.flush().is_err() {
            warn!("client output closed");
            return;
        }
        frame.tell_written();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_length_parsing() {
        assert_eq!(content_length(b"Content-Length: 12"), Some(12));
        assert_eq!(
            content_length(
                b"content-length:7\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8"
            ),
            Some(7)
        );
        assert_eq!(content_length(b"Content-Type: x"), None);
        assert_eq!(content_length(b"Content-Length: -1"), None);
        assert_eq!(content_length(b"\xff\xfe"), None);
    }

    #[test]
    fn bodies_are_checked_like_tower_lsp_server_does() {
        let ok = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        assert_eq!(check_body(ok), Checked::Shutdown);
        let init = br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#;
        assert_eq!(check_body(init), Checked::Initialize);
        let note = br#"{"jsonrpc":"2.0","method":"shutdown"}"#;
        assert_eq!(
            check_body(note),
            Checked::Message,
            "a notification, not the request"
        );
        let note = br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        assert_eq!(check_body(note), Checked::Message);
        let response = br#"{"jsonrpc":"2.0","id":3,"result":null}"#;
        assert_eq!(check_body(response), Checked::Message);

        let Checked::Answer(answer) = check_body(b"{oops") else {
            panic!("an answer")
        };
        assert!(String::from_utf8_lossy(&answer).contains(r#""code":-32700"#));
        let Checked::Answer(answer) = check_body(br#"{"jsonrpc":"1.0","id":"a","method":"x"}"#)
        else {
            panic!("an answer")
        };
        let answer = String::from_utf8_lossy(&answer).into_owned();
        assert!(
            answer.contains(r#""code":-32600"#) && answer.contains(r#""id":"a""#),
            "{answer}"
        );
        assert!(matches!(check_body(b"[1,2]"), Checked::Answer(_)));
        // A `$/` request is answered here; `$/` notifications pass.
        let Checked::Answer(answer) =
            check_body(br#"{"jsonrpc":"2.0","id":"c","method":"$/unknown","params":{}}"#)
        else {
            panic!("an answer")
        };
        let answer = String::from_utf8_lossy(&answer).into_owned();
        assert!(
            answer.contains(r#""code":-32601"#) && answer.contains(r#""id":"c""#),
            "{answer}"
        );
        let cancel = br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#;
        assert_eq!(check_body(cancel), Checked::Message);
        assert!(matches!(check_body(b"\"\xff\""), Checked::Answer(_)));
    }
}
