//! The language server (tower-lsp-server 0.23): converts between LSP and the analysis layers.
//!
//! - [`server`]: the `LanguageServer` implementation (initialize, text sync, hover,
//!   documentSymbol, shutdown) and how message order is kept.
//! - [`state`]: open documents and their analyses, cached per version.
//! - [`config`]: the client's settings (diagnostics on/off and severities, language,
//!   debounce) from `initializationOptions`, `workspace/configuration` and
//!   `workspace/didChangeConfiguration`.
//! - [`convert`]: spans ↔ LSP ranges, qalam diagnostics → LSP diagnostics (also used by
//!   `qalam check --format json`).
//! - [`hover`], [`symbols`]: the hover and the outline.
//! - [`present`]: localised labels and quotation previews.
//! - [`transport`]: a framing guard so that a malformed message cannot stop the server.
//! - [`memory`]: freed memory goes back to the OS after documents close.
//!
//! Capabilities: `positionEncoding` negotiated (utf-8, else utf-32, else utf-16), incremental
//! text sync, `publishDiagnostics` with the document version, hover, documentSymbol
//! (hierarchical or flat, as the client supports).

pub mod config;
pub mod convert;
pub mod hover;
pub mod memory;
pub mod outbox;
pub mod present;
pub mod published;
pub mod server;
pub mod splice;
pub mod state;
pub mod symbols;
pub mod transport;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

pub use server::{Backend, Session};
pub use state::Analyzer;

/// The most threads of the runtime's blocking pool (analyses, stdin and stdout): tokio's default
/// is 512, and 200 documents opened at once would start as many analyses in parallel on a
/// machine with a few cores — no faster, with that many texts and analyses in memory at once,
/// and thread stacks that glibc keeps cached (resident) after the threads exit.
pub const MAX_BLOCKING_THREADS: usize = 16;

/// Serves LSP on stdin/stdout until the client sends `exit` or closes stdin.
///
/// First re-executes itself without glibc's per-thread caches ([`memory::disable_thread_caches`]).
/// Builds its own multi-threaded tokio runtime (analysis runs on its blocking pool). As LSP
/// asks, when the session ends without a `shutdown` request first (an `exit` alone, or stdin
/// closed by a client that went away), the process exits with status 1 after flushing its
/// output.
///
/// # Errors
/// When the runtime cannot be created.
pub fn serve_stdio() -> anyhow::Result<()> {
    memory::disable_thread_caches();
    memory::limit_arenas();
    let [stdin_pipe, stdout_pipe] = transport::widen_stdio_pipes();
    tracing::debug!(?stdin_pipe, ?stdout_pipe, "stdio pipe capacities (bytes)");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("qalam-lsp")
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .build()?;
    // Frames are written to stdout by one blocking thread for the whole session: with
    // `tokio::io::stdout` each frame would be copied into tokio's buffer and written by a task
    // handed to the blocking pool, one more wake-up per message.
    let write = |frames| async {
        let writer = tokio::task::spawn_blocking(move || match raw_stdout() {
            Some(file) => transport::write_frames_blocking(frames, file),
            None => transport::write_frames_blocking(frames, std::io::stdout().lock()),
        });
        let _ = writer.await;
    };
    let shutdown = runtime.block_on(async {
        state::prewarm();
        serve_frames(tokio::io::stdin(), write, state::shipped_analyzer()).await
    });
    // Do not wait for a blocked stdin read or a long analysis after `exit`.
    runtime.shutdown_timeout(Duration::from_millis(200));
    if !shutdown {
        tracing::warn!("the session ended without a shutdown request");
        std::process::exit(1);
    }
    Ok(())
}

/// Standard output as a plain file (a duplicate of its descriptor), for the frame writer:
/// `Stdout` is line-buffered, so a frame (`Content-Length: …\r\n\r\n` then a body without
/// line breaks) would go out in two system calls, its header and then its body, each a wake-up
/// of the client's reader. `None` when the descriptor cannot be duplicated (then `Stdout` is
/// used).
fn raw_stdout() -> Option<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(std::fs::File::from)
    }
    #[cfg(windows)]
    {
        use std::os::windows::io::AsHandle;
        std::io::stdout()
            .as_handle()
            .try_clone_to_owned()
            .ok()
            .map(std::fs::File::from)
    }
    #[cfg(not(any(unix, windows)))]
    {
        None
    }
}

/// The largest document (in bytes of UTF-8) whose early diagnostics pause the prewarm's loaders
/// ([`crate::background::foreground`]): 256 KiB, whose early set takes ≈ 4 ms of CPU
/// (`cpu_times`, stage `early`: ≈ 15 µs per KB). The pause delays the loads, and so the first
/// full analysis, by as much; for a larger document the early set runs beside the loaders.
pub const EARLY_FOREGROUND_BYTES: usize = 256 << 10;

/// The largest document (in bytes of UTF-8) the server analyses: 8 MiB, about 25 times a long
/// book chapter. A larger document is still opened and edited (its text is kept, requests are
/// answered) but gets an empty analysis, with a warning in the log: the analysis grows faster
/// than linearly with the number of distinct names, and one pasted 50 MB file must not take a
/// core and gigabytes of memory away from the documents the writer is working on.
pub const MAX_ANALYSED_BYTES: usize = 8 << 20;

/// [`crate::analyze`], or an empty [`crate::Analysis`] for a text over [`MAX_ANALYSED_BYTES`].
pub fn analyze_bounded(text: &str) -> crate::Analysis {
    if text.len() > MAX_ANALYSED_BYTES {
        tracing::warn!(
            bytes = text.len(),
            limit = MAX_ANALYSED_BYTES,
            "document too large to analyse; no diagnostics, hovers or outline for it"
        );
        return crate::Analysis::default();
    }
    crate::analyze(text)
}

/// Serves LSP over any byte streams (`input` from the client, `output` to it) until the client
/// sends `exit` or closes `input`; texts are analysed with [`analyze_bounded`]. Must run inside a
/// tokio runtime; in-process tests pass the halves of a `tokio::io::duplex`.
///
/// Returns true when the client sent `shutdown` before the session ended.
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    state::prewarm();
    serve_with(input, output, state::shipped_analyzer()).await
}

/// [`serve`] with another analyzer (tests use it to inject analyses, e.g. one that panics).
///
/// Messages are handled one at a time, in the order the client sent them
/// (`Server::concurrency_level(1)`; see [`server`] for why and what else keeps the order).
/// Client input passes through [`transport::filter_input`] first, so malformed frames are
/// answered and dropped instead of ending tower-lsp-server's read loop.
///
/// Returns true when the client sent `shutdown` before the session ended.
pub async fn serve_with<I, O>(input: I, output: O, analyzer: Analyzer) -> bool
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    serve_frames(
        input,
        |frames| transport::write_frames(frames, output),
        analyzer,
    )
    .await
}

/// [`serve_with`] with the output's writer given as `write`, a function of the channel of whole
/// frames to write that returns the future writing them (it must end once every sender is
/// gone).
async fn serve_frames<I, W, F>(input: I, write: W, analyzer: Analyzer) -> bool
where
    I: AsyncRead + Unpin,
    W: FnOnce(tokio::sync::mpsc::Receiver<transport::Frame>) -> F,
    F: std::future::Future<Output = ()>,
{
    const PIPE: usize = 1 << 22;
    let (to_server, server_input) = tokio::io::duplex(PIPE);
    let (server_output, from_server) = tokio::io::duplex(PIPE);
    let (frames, outgoing) = tokio::sync::mpsc::channel::<transport::Frame>(64);
    let (stopped, stop) = tokio::sync::oneshot::channel::<()>();

    let shutdown = Arc::new(AtomicBool::new(false));
    let backend_shutdown = shutdown.clone();
    let splices = splice::Splices::default();
    let backend_splices = splices.clone();
    let outbox = outbox::Outbox::new(&frames);
    let (service, socket) = LspService::new(move |client| {
        Backend::new(client, analyzer, backend_shutdown, backend_splices, outbox)
    });
    let server = async move {
        Server::new(server_input, server_output, socket)
            .concurrency_level(1)
            .serve(service)
            .await;
        let _ = stopped.send(());
    };
    // Ends when the client's input ends (the server then sees end of input), or when the server
    // has stopped (after `exit`) — whichever comes first.
    let input_side = {
        let answers = frames.clone();
        let shutdown = &shutdown;
        async move {
            tokio::select! {
                () = transport::filter_input(input, to_server, answers, shutdown) => {}
                _ = stop => {}
            }
        }
    };
    tokio::join!(
        server,
        input_side,
        transport::frame_output(from_server, frames, splices),
        write(outgoing),
    );
    shutdown.load(Ordering::SeqCst)
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
