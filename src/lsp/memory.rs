//! Giving memory back to the operating system when documents close.
//!
//! Why: glibc's allocator keeps freed memory in its heaps (one arena per thread, up to 8 per
//! core) and returns it only when the top of a heap is free. After a writer closes many
//! documents the server's resident memory would stay at its high-water mark: measured with
//! `scripts/soak.py` (200 documents opened, edited, closed), 33 MiB before and 56–75 MiB after
//! closing them all, with no leak (with a single arena the rounds after the first stay flat).
//! `malloc_trim(0)` returns the free pages of every arena (glibc ≥ 2.8, also inside the heap
//! with `madvise`); capping arenas at two (the analysis runs on a blocking pool of many
//! threads) and fixing the mmap threshold ([`MMAP_THRESHOLD`]) keep fragmentation low.
//!
//! On other platforms and C libraries these functions do nothing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// When, after the last `didClose` of a burst, free memory is returned: soon, and again after
/// tokio's idle blocking threads have exited (their keep-alive is 10 s), which frees more.
pub const TRIM_DELAYS: [Duration; 2] = [Duration::from_millis(500), Duration::from_secs(11)];

static CLOSES: AtomicU64 = AtomicU64::new(0);

/// Requests of at least this many bytes are served by `mmap` and unmapped when freed. Setting
/// it fixes glibc's threshold, which otherwise grows (up to 32 MiB) each time such a block is
/// freed, after which document-sized buffers (texts, token and feature tables) land in the
/// heaps and fragment them.
pub const MMAP_THRESHOLD: i32 = 128 * 1024;

/// Limits glibc to two malloc arenas (`mallopt(M_ARENA_MAX, 2)`) and fixes its mmap threshold
/// at [`MMAP_THRESHOLD`]. Call once at start, before threads allocate.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; any value is accepted or ignored.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// Returns free memory to the OS at each of [`TRIM_DELAYS`] after the last of a burst of calls
/// (one call per closed document). Must be called inside a tokio runtime.
pub fn trim_after_close() {
    let this = CLOSES.fetch_add(1, Ordering::Relaxed) + 1;
    tokio::spawn(async move {
        let mut waited = Duration::ZERO;
        for delay in TRIM_DELAYS {
            tokio::time::sleep(delay - waited).await;
            waited = delay;
            if CLOSES.load(Ordering::Relaxed) != this {
                return; // a later close will trim
            }
            let _ = tokio::task::spawn_blocking(trim).await;
        }
    });
}

fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
