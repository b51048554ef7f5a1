//! Large responses written as JSON directly, not through a `serde_json::Value` tree.
//!
//! Why: tower-lsp-server 0.23 turns every handler's result into a `serde_json::Value`
//! (`serde_json::to_value`), writes that tree, then drops it. For the outline of a 1 MB article
//! (≈ 2,700 symbols, ≈ 800 KB of JSON) that tree has ≈ 70,000 allocations: measured on the
//! development machine, building it, writing it and dropping it took 12–20 ms per request,
//! where writing the typed outline directly (`serde_json::to_vec`) took 1–2 ms.
//!
//! How: the handler serialises its real result itself ([`Splices::stash`]) and returns a
//! placeholder result holding only a marker string ([`MARKER_PREFIX`] + a number). The server's
//! output passes through [`super::transport::frame_output`], which calls [`Splices::splice`] on
//! every frame: a small response frame that holds a marker is rewritten as the same response
//! (same `id`) with the stashed JSON as its `result`. Requests are still handled by
//! tower-lsp-server, in order, with its cancellation; only the bytes of the answer change. A
//! marker whose JSON is gone (never expected) becomes `"result": null`, never the placeholder.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tracing::warn;

/// How a placeholder result's marker string starts. The NUL character makes it impossible in
/// real text (qalam's analysed texts keep their NULs, but a marker also needs this exact prefix
/// and a stashed number).
pub const MARKER_PREFIX: &str = "\u{0}qalam-splice:";

/// How [`MARKER_PREFIX`] appears in a JSON frame (serde_json writes NUL as `\u0000`).
const MARKER_JSON: &[u8] = b"\\u0000qalam-splice:";

/// Frames larger than this are never placeholders (a placeholder response is ≈ 200 bytes), so
/// large frames are passed on without being searched.
pub const MAX_PLACEHOLDER_FRAME: usize = 1024;

/// At most this many stashed results are kept; older ones (requests cancelled after their
/// handler ran, so never written) are dropped.
pub const MAX_STASHED: usize = 64;

/// Pre-serialised results waiting for their placeholder response to be written (shared by the
/// server's handlers and its output side; cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Splices {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next: AtomicU64,
    stashed: Mutex<HashMap<u64, Vec<u8>>>,
}

impl Splices {
    /// Keeps `json` (a complete JSON value, UTF-8) and returns the marker string the
    /// placeholder result must carry.
    pub fn stash(&self, json: Vec<u8>) -> String {
        let n = self.inner.next.fetch_add(1, Ordering::Relaxed);
        let mut stashed = self.inner.stashed.lock().unwrap_or_else(|p| p.into_inner());
        if stashed.len() >= MAX_STASHED {
            let oldest = n.saturating_sub(MAX_STASHED as u64 / 2);
            stashed.retain(|&k, _| k >= oldest);
        }
        stashed.insert(n, json);
        format!("{MARKER_PREFIX}{n}")
    }

    /// `frame` (one whole frame: header block and body) with a placeholder response replaced
    /// by the response carrying the stashed JSON, or `frame` unchanged when it holds no marker.
    pub fn splice(&self, frame: Vec<u8>) -> Vec<u8> {
        if frame.len() > MAX_PLACEHOLDER_FRAME
            || memchr::memmem::find(&frame, MARKER_JSON).is_none()
        {
            return frame;
        }
        let Some(body_at) = memchr::memmem::find(&frame, b"\r\n\r\n").map(|i| i + 4) else {
            return frame;
        };
        let Ok(message) = serde_json::from_slice::<Value>(&frame[body_at..]) else {
            return frame;
        };
        let Some(n) = marker_in(&message) else {
            return frame;
        };
        let json = self
            .inner
            .stashed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&n);
        let id = message.get("id").cloned().unwrap_or(Value::Null);
        let mut body = br#"{"jsonrpc":"2.0","id":"#.to_vec();
        body.extend_from_slice(&serde_json::to_vec(&id).unwrap_or_else(|_| b"null".to_vec()));
        body.extend_from_slice(br#","result":"#);
        match json {
            Some(json) => body.extend_from_slice(&json),
            None => {
                warn!(marker = n, "a spliced result is missing; answering null");
                body.extend_from_slice(b"null");
            }
        }
        body.push(b'}');
        super::transport::frame(&body)
    }
}

/// The stash number of a placeholder response: a `result` that is a one-element array whose
/// element's `name` is a marker.
fn marker_in(message: &Value) -> Option<u64> {
    let name = message
        .get("result")?
        .as_array()?
        .first()?
        .get("name")?
        .as_str()?;
    name.strip_prefix(MARKER_PREFIX)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholder(id: &str, marker: &str) -> Vec<u8> {
        let body = format!(
            r#"{{"jsonrpc":"2.0","result":[{{"name":{},"kind":1}}],"id":{id}}}"#,
            serde_json::to_string(marker).unwrap()
        );
        super::super::transport::frame(body.as_bytes())
    }

    fn body(frame: &[u8]) -> Value {
        let at = memchr::memmem::find(frame, b"\r\n\r\n").unwrap() + 4;
        let length: usize = std::str::from_utf8(&frame[16..at - 4])
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, frame.len() - at, "Content-Length matches the body");
        serde_json::from_slice(&frame[at..]).unwrap()
    }

    #[test]
    fn a_placeholder_response_gets_the_stashed_result_and_keeps_its_id() {
        let splices = Splices::default();
        let marker = splices.stash(br#"[{"name":"Quotations","kind":3}]"#.to_vec());
        let out = splices.splice(placeholder("7", &marker));
        assert_eq!(
            body(&out),
            serde_json::json!({"jsonrpc": "2.0", "id": 7, "result": [{"name": "Quotations", "kind": 3}]})
        );
        // Taken once: the same marker again answers null.
        let again = splices.splice(placeholder(r#""abc""#, &marker));
        assert_eq!(
            body(&again),
            serde_json::json!({"jsonrpc": "2.0", "id": "abc", "result": null})
        );
    }

    #[test]
    fn other_frames_pass_unchanged() {
        let splices = Splices::default();
        let _ = splices.stash(b"[]".to_vec());
        for frame in [
            super::super::transport::frame(br#"{"jsonrpc":"2.0","result":null,"id":1}"#),
            // A marker-like name that is not in a result array, and one with no number.
            super::super::transport::frame(
                br#"{"jsonrpc":"2.0","method":"x","params":{"name":"\u0000qalam-splice:0"}}"#,
            ),
            placeholder("2", "\u{0}qalam-splice:x"),
        ] {
            assert_eq!(splices.splice(frame.clone()), frame);
        }
    }

    #[test]
    fn the_stash_stays_bounded() {
        let splices = Splices::default();
        for _ in 0..10 * MAX_STASHED {
            let _ = splices.stash(b"[]".to_vec());
        }
        assert!(splices.inner.stashed.lock().unwrap().len() <= MAX_STASHED);
    }
}
