//! `textDocument/publishDiagnostics` written by the server itself, straight to the output.
//!
//! Why: a notification sent through tower-lsp-server's `Client` goes through its message
//! channel, its serialiser, the in-process pipe to [`super::transport::frame_output`] and the
//! splice of the stashed JSON ([`super::splice`]) before [`super::transport::write_frames`]
//! writes it: four hand-offs between tasks and three copies of the ≈ 300 KB of JSON a 1 MB
//! article's diagnostics take. Measured in the server's log on a busy two-core machine: from the
//! end of the conversion to the frame written, 2.0 ms at the median and 5.0 ms at p90 per
//! keystroke. Here the frame is built once, in one buffer, and queued for the writer.
//!
//! Order: every `publishDiagnostics` of the server goes through [`Outbox::publish_diagnostics`]
//! (analyses, early sets, the clearing on close), under the server's publish lock, so their
//! order is the order of the sends; they interleave with tower-lsp-server's messages only
//! between whole frames. Once the server's output has ended (after `exit`), publications are
//! dropped: the outbox holds the writer's channel weakly, so it never keeps the writer (and the
//! process) alive.

use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::ls_types::{Diagnostic, Uri};
use tracing::warn;

use super::transport::Frame;

/// Told once a queued frame has been written to the client's output and flushed; an error when
/// the output failed or ended first ([`Frame::with_signal`]).
pub type Written = oneshot::Receiver<()>;

/// What precedes the parameters in the body of a `publishDiagnostics` frame.
const BODY_START: &[u8] =
    br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":"#;

/// Room left in front of the body for the `Content-Length` header (bytes): enough for any
/// length a `usize` can write.
const HEADER_ROOM: usize = 48;

/// A handle for queueing whole frames to the server's output writer (cheap to clone).
#[derive(Debug, Clone)]
pub struct Outbox {
    frames: mpsc::WeakSender<Frame>,
}

impl Outbox {
    /// An outbox writing to the channel `frames` feeds (held weakly).
    pub fn new(frames: &mpsc::Sender<Frame>) -> Self {
        Outbox {
            frames: frames.downgrade(),
        }
    }

    /// Queues `textDocument/publishDiagnostics` for `uri` with `diagnostics` and `version`.
    /// Returns what tells when the frame is out, or `None` when nothing was queued (the output
    /// has ended, or the parameters could not be serialised — logged).
    pub async fn publish_diagnostics(
        &self,
        uri: &Uri,
        diagnostics: &[Diagnostic],
        version: Option<i32>,
    ) -> Option<Written> {
        let frame = notification_frame(uri, version, 4096, |frame| {
            serde_json::to_writer(frame, diagnostics)
        });
        self.send_or_log(uri, frame).await
    }

    /// [`Outbox::publish_diagnostics`] with each diagnostic given as its JSON (a serialised
    /// `Diagnostic`, see [`super::published`]).
    pub async fn publish_diagnostics_json(
        &self,
        uri: &Uri,
        diagnostics: &[std::sync::Arc<[u8]>],
        version: Option<i32>,
    ) -> Option<Written> {
        let size: usize = diagnostics.iter().map(|d| d.len() + 1).sum();
        let frame = notification_frame(uri, version, size, |frame| {
            frame.push(b'[');
            for (k, d) in diagnostics.iter().enumerate() {
                if k > 0 {
                    frame.push(b',');
                }
                frame.extend_from_slice(d);
            }
            frame.push(b']');
            Ok(())
        });
        self.send_or_log(uri, frame).await
    }

    async fn send_or_log(&self, uri: &Uri, frame: Option<Vec<u8>>) -> Option<Written> {
        match frame {
            Some(frame) => self.send(frame).await,
            None => {
                warn!(
                    uri = uri.as_str(),
                    "diagnostics not serialisable; not published"
                );
                None
            }
        }
    }

    async fn send(&self, bytes: Vec<u8>) -> Option<Written> {
        let frames = self.frames.upgrade()?;
        let (frame, written) = Frame::with_signal(bytes);
        frames.send(frame).await.ok()?;
        Some(written)
    }
}

/// The whole frame (header and body) of a `publishDiagnostics` notification for `uri` and
/// `version` (the JSON of `PublishDiagnosticsParams`), built in one buffer with room for about
/// `size` bytes of diagnostics, which `diagnostics` writes (a JSON array); `None` when
/// serialisation fails.
fn notification_frame(
    uri: &Uri,
    version: Option<i32>,
    size: usize,
    diagnostics: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
) -> Option<Vec<u8>> {
    let mut frame = Vec::with_capacity(HEADER_ROOM + BODY_START.len() + size + 256);
    frame.resize(HEADER_ROOM, b' ');
    frame.extend_from_slice(BODY_START);
    frame.extend_from_slice(br#"{"uri":"#);
    serde_json::to_writer(&mut frame, uri).ok()?;
    frame.extend_from_slice(br#","diagnostics":"#);
    diagnostics(&mut frame).ok()?;
    if let Some(version) = version {
        frame.extend_from_slice(format!(r#","version":{version}"#).as_bytes());
    }
    frame.extend_from_slice(b"}}");
    Some(with_header(frame))
}

/// `frame` (a body after [`HEADER_ROOM`] bytes of room) with its `Content-Length` header written
/// just before the body, the room in front of it dropped.
fn with_header(mut frame: Vec<u8>) -> Vec<u8> {
    let header = format!("Content-Length: {}\r\n\r\n", frame.len() - HEADER_ROOM);
    let start = HEADER_ROOM - header.len();
    frame[start..HEADER_ROOM].copy_from_slice(header.as_bytes());
    frame.drain(..start);
    frame
}

/// `params` as tower-lsp-server would write them (for tests).
#[cfg(test)]
fn tower_body(params: tower_lsp_server::ls_types::PublishDiagnosticsParams) -> Vec<u8> {
    use tower_lsp_server::ls_types::notification::{Notification, PublishDiagnostics};
    serde_json::to_vec(&serde_json::json!({
        "jsonrpc": "2.0",
        "method": PublishDiagnostics::METHOD,
        "params": params,
    }))
    .expect("serialisable")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, PublishDiagnosticsParams, Range};

    #[tokio::test]
    async fn the_frame_is_the_notification_tower_lsp_would_write() {
        let (tx, mut rx) = mpsc::channel(4);
        let outbox = Outbox::new(&tx);
        let uri: Uri = "file:///tmp/%D9%86%D8%B5.md".parse().expect("a URI");
        let diagnostics = vec![Diagnostic {
            range: Range::new(Position::new(3, 7), Position::new(3, 12)),
            message: "‘فى’ \"quoted\" \\ تجربة".into(),
            ..Diagnostic::default()
        }];
        for version in [Some(12), None] {
            assert!(
                outbox
                    .publish_diagnostics(&uri, &diagnostics, version)
                    .await
                    .is_some()
            );
            let frame = rx.recv().await.expect("a frame");
            let text = String::from_utf8(frame.bytes).expect("UTF-8");
            let (header, body) = text.split_once("\r\n\r\n").expect("a header block");
            assert_eq!(header, format!("Content-Length: {}", body.len()));
            let ours: serde_json::Value = serde_json::from_str(body).expect("JSON");
            let theirs: serde_json::Value =
                serde_json::from_slice(&tower_body(PublishDiagnosticsParams {
                    uri: uri.clone(),
                    diagnostics: diagnostics.clone(),
                    version,
                }))
                .expect("JSON");
            assert_eq!(ours, theirs);
        }
    }

    #[tokio::test]
    async fn a_frame_from_json_pieces_equals_the_serialised_one() {
        let (tx, mut rx) = mpsc::channel(4);
        let outbox = Outbox::new(&tx);
        let uri: Uri = "file:///tmp/%D9%86%D8%B5.md".parse().expect("a URI");
        let diagnostics: Vec<Diagnostic> = (0..3)
            .map(|k| Diagnostic {
                range: Range::new(Position::new(k, 1), Position::new(k, 4)),
                message: format!("رسالة {k} \"x\""),
                ..Diagnostic::default()
            })
            .collect();
        let pieces: Vec<std::sync::Arc<[u8]>> = diagnostics
            .iter()
            .map(|d| serde_json::to_vec(d).expect("JSON").into())
            .collect();
        for (version, n) in [(Some(4), 3), (None, 0), (Some(5), 1)] {
            assert!(
                outbox
                    .publish_diagnostics(&uri, &diagnostics[..n], version)
                    .await
                    .is_some()
            );
            assert!(
                outbox
                    .publish_diagnostics_json(&uri, &pieces[..n], version)
                    .await
                    .is_some()
            );
            let (a, b) = (
                rx.recv().await.expect("a frame"),
                rx.recv().await.expect("a frame"),
            );
            assert_eq!(String::from_utf8(a.bytes), String::from_utf8(b.bytes));
        }
    }

    #[tokio::test]
    async fn publications_are_dropped_once_the_writer_is_gone() {
        let (tx, mut rx) = mpsc::channel(4);
        let outbox = Outbox::new(&tx);
        let uri: Uri = "file:///a.md".parse().expect("a URI");
        assert!(
            outbox
                .publish_diagnostics(&uri, &[], Some(1))
                .await
                .is_some()
        );
        let frame = rx.recv().await.expect("a frame");
        assert!(frame.bytes.starts_with(b"Content-Length: "));
        drop(tx);
        assert!(
            outbox
                .publish_diagnostics(&uri, &[], Some(2))
                .await
                .is_none()
        );
    }

    /// The receiver a publication returns is told only once the writer has written the frame,
    /// and told of a failure when the output ends before.
    #[tokio::test]
    async fn a_publication_is_told_when_its_frame_is_out() {
        use tokio::io::AsyncReadExt;
        let (tx, rx) = mpsc::channel(4);
        let outbox = Outbox::new(&tx);
        let uri: Uri = "file:///a.md".parse().expect("a URI");
        let mut written = outbox
            .publish_diagnostics(&uri, &[], Some(1))
            .await
            .expect("queued");
        // Not written yet: the writer has not started.
        assert!(written.try_recv().is_err());
        let (output, mut client) = tokio::io::duplex(1 << 16);
        let writer = tokio::spawn(super::super::transport::write_frames(rx, output));
        written.await.expect("told once written");
        let mut head = [0u8; 16];
        client.read_exact(&mut head).await.expect("the frame");
        assert_eq!(&head, b"Content-Length: ");
        // The client is gone: a later frame's sender learns it was not written.
        drop(client);
        let failed = outbox
            .publish_diagnostics(&uri, &[], Some(2))
            .await
            .expect("queued");
        assert!(failed.await.is_err());
        drop(tx);
        writer.await.expect("the writer ends");
    }
}
