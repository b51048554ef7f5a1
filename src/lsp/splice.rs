//! Large messages (responses and notifications) written as JSON directly, not through a
//! `serde_json::Value` tree.
//!
//! Why: tower-lsp-server 0.23 turns every handler's result into a `serde_json::Value`
//! (`serde_json::to_value`), writes that tree, then drops it. For the outline of a 1 MB article
//! (≈ 2,700 symbols, ≈ 800 KB of JSON) that tree has ≈ 70,000 allocations: measured on the
//! development machine, building it, writing it and dropping it took 12–20 ms per request,
//! where writing the typed outline directly (`serde_json::to_vec`) took 1–2 ms.
//!
//! (The diagnostics published after every keystroke, ≈ 900 at 1 MB, are written by the server
//! itself: [`super::outbox`].)
//!
//! How: the handler serialises its real result itself ([`Splices::stash`]) and returns a
//! placeholder result holding only a marker string ([`MARKER_PREFIX`] + a number). The server's
//! output passes through [`super::transport::frame_output`], which calls [`Splices::splice`] on
//! every frame: a response frame that holds a marker is rewritten as the same response
//! (same `id`) with the stashed JSON as its `result`. Requests are still handled by
//! tower-lsp-server, in order, with its cancellation; only the bytes of the answer change. A
//! placeholder is never passed on (see [`Splices::splice`] for a marker whose JSON is gone).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tower_lsp_server::ls_types::{DocumentSymbolResponse, Location, Range, SymbolInformation, Uri};
use tracing::warn;

/// How a placeholder's marker string starts (then the stash number in decimal). It starts
/// with NUL so that no name or message taken from a writer's text is mistaken for one; and
/// only the first symbol's name of a placeholder-shaped response is read, which is ours
/// whenever a stash is made.
pub const MARKER_PREFIX: &str = "\u{0}qalam-splice:";

/// How [`MARKER_PREFIX`] appears in a JSON frame (serde_json writes NUL as `\u0000`).
const MARKER_JSON: &[u8] = b"\\u0000qalam-splice:";

/// A stashed result whose frame has not been written after this long never will be (its
/// message was dropped: a session ending, a client gone); it is dropped at the next stash.
/// Every other stash stays until its frame passes, however many are pending (a thousand
/// documents opened at once publish a thousand).
pub const STASH_LIFETIME: Duration = Duration::from_secs(600);

/// Pre-serialised results waiting for their placeholder response to be written (shared by the
/// server's handlers and its output side; cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Splices {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next: AtomicU64,
    /// Stash number → (when stashed, the JSON).
    stashed: Mutex<HashMap<u64, (Instant, Vec<u8>)>>,
}

impl Splices {
    /// Keeps `json` (a complete JSON value, UTF-8) and returns the marker string the
    /// placeholder result must carry.
    pub fn stash(&self, json: Vec<u8>) -> String {
        let n = self.inner.next.fetch_add(1, Ordering::Relaxed);
        let mut stashed = self.inner.stashed.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        stashed.retain(|_, (at, _)| now.duration_since(*at) < STASH_LIFETIME);
        stashed.insert(n, (now, json));
        format!("{MARKER_PREFIX}{n}")
    }

    /// `frame` (one whole frame: header block and body) with a placeholder response replaced by
    /// the response carrying the stashed JSON, or `frame` unchanged when it holds no marker.
    /// When the JSON is gone (never expected), the response gets `"result": null`.
    pub fn splice(&self, frame: Vec<u8>) -> Vec<u8> {
        if memchr::memmem::find(&frame, MARKER_JSON).is_none() {
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
            .remove(&n)
            .map(|(_, json)| json);
        let mut body = br#"{"jsonrpc":"2.0","#.to_vec();
        let id = message.get("id").cloned().unwrap_or(Value::Null);
        body.extend_from_slice(br#""id":"#);
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

/// The placeholder result of a `documentSymbol` request whose real result was stashed under
/// `marker`: one symbol named `marker`, located in `uri`.
#[allow(deprecated)] // `SymbolInformation::deprecated` must be spelled out.
pub fn outline_placeholder(marker: String, uri: &Uri) -> DocumentSymbolResponse {
    DocumentSymbolResponse::Flat(vec![SymbolInformation {
        name: marker,
        kind: super::symbols::GROUP_KIND,
        tags: None,
        deprecated: None,
        location: Location {
            uri: uri.clone(),
            range: Range::default(),
        },
        container_name: None,
    }])
}

/// The stash number of a placeholder: a response whose `result` is an array whose first
/// element's `name` is a marker.
fn marker_in(message: &Value) -> Option<u64> {
    if message.get("method").is_some() {
        return None;
    }
    let text = message.get("result")?.as_array()?.first()?.get("name")?;
    text.as_str()?.strip_prefix(MARKER_PREFIX)?.parse().ok()
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
            // A marker-like name that is not in a result array, a notification shaped like a
            // placeholder, and a marker with no number.
            super::super::transport::frame(
                br#"{"jsonrpc":"2.0","method":"x","params":{"name":"\u0000qalam-splice:0"}}"#,
            ),
            super::super::transport::frame(
                br#"{"jsonrpc":"2.0","method":"x","result":[{"name":"\u0000qalam-splice:0"}]}"#,
            ),
            placeholder("2", "\u{0}qalam-splice:x"),
        ] {
            assert_eq!(splices.splice(frame.clone()), frame);
        }
    }

    #[test]
    fn every_pending_stash_is_kept_until_its_frame_passes() {
        let splices = Splices::default();
        let markers: Vec<String> = (0..1000)
            .map(|i| splices.stash(format!("[{i}]").into_bytes()))
            .collect();
        for (i, marker) in markers.iter().enumerate() {
            let out = splices.splice(placeholder(&i.to_string(), marker));
            assert_eq!(body(&out)["result"], serde_json::json!([i]));
        }
        assert!(splices.inner.stashed.lock().unwrap().is_empty());
    }
}
