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
//! That still left 33.3 MiB → 37.4 MiB (+12%): heaptrack showed the live heap after closing
//! every document only 0.5 MB above the one after the first (18.7 → 19.2 MB, mostly grown
//! transport buffers and map tables), while `malloc_info` showed the two heaps grown to 18 and
//! 12 MB of which 23.6 MB were free, but cut into 1,226 free chunks (162 before). What cut them
//! is glibc's per-thread cache (tcache): each thread keeps up to 7 freed chunks of each of 64
//! sizes (up to 1 KiB) for itself, and to the arena and `malloc_trim` those chunks are in use.
//! The threads that outlive the burst (the main thread, the runtime's workers, the blocking
//! thread waiting on stdin) hold chunks freed at the peak, scattered over heaps that had grown
//! for 200 documents, and each keeps its page — and the pages around it — resident. The tcache
//! cannot be emptied or turned off from inside a running process, only by the
//! `GLIBC_TUNABLES` environment variable read at start, so [`disable_thread_caches`] re-executes
//! the server once with `glibc.malloc.tcache_count=0` ([`TCACHE_TUNABLE`]). Residue measured
//! with the soak at 20,000 requests: +12–13% with the tcache, +1.5–2.1% without, +3.6–4%
//! with one chunk per size (the residue grows with the count); with the full soak (100,000
//! requests) 32.7 MiB after the first document and 33.4 / 33.3 MiB after closing all 200
//! (+2.3% / +1.8%, two runs).
//!
//! On other platforms and C libraries these functions do nothing.

use std::ffi::{OsStr, OsString};
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

/// The glibc tunable that turns off its per-thread caches of freed chunks (see the module
/// documentation for why the server runs without them).
pub const TCACHE_TUNABLE: &str = "glibc.malloc.tcache_count=0";

/// The value `GLIBC_TUNABLES` must have for the server, given its `current` value: `current`
/// with [`TCACHE_TUNABLE`] appended (tunables are separated by `:`), or `None` when `current`
/// sets `glibc.malloc.tcache_count` already (the server's own re-execution, or a user's choice,
/// which is kept).
pub fn tunables_without_thread_cache(current: Option<&OsStr>) -> Option<OsString> {
    let current = current.unwrap_or_default();
    let sets_count = current
        .as_encoded_bytes()
        .split(|&b| b == b':')
        .any(|item| item.starts_with(b"glibc.malloc.tcache_count="));
    if sets_count {
        return None;
    }
    let mut value = current.to_owned();
    if !value.is_empty() {
        value.push(":");
    }
    value.push(TCACHE_TUNABLE);
    Some(value)
}

/// Re-executes this program (same arguments, environment and open files, same process id) with
/// [`TCACHE_TUNABLE`] added to `GLIBC_TUNABLES`, unless that variable sets the tcache count
/// already ([`tunables_without_thread_cache`]); returns when nothing needs doing or the
/// re-execution failed (logged: the server then runs with the tcache). Call first thing in
/// `serve`, before any thread starts and before stdin is read.
pub fn disable_thread_caches() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        let Some(value) =
            tunables_without_thread_cache(std::env::var_os("GLIBC_TUNABLES").as_deref())
        else {
            return;
        };
        let mut args = std::env::args_os();
        let argv0 = args.next().unwrap_or_default();
        let err = std::process::Command::new("/proc/self/exe")
            .arg0(argv0)
            .args(args)
            .env("GLIBC_TUNABLES", value)
            .exec();
        tracing::warn!(
            "cannot re-execute with {TCACHE_TUNABLE}: {err}; memory freed by closing documents \
             may stay resident"
        );
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn value(current: Option<&str>) -> Option<String> {
        tunables_without_thread_cache(current.map(OsStr::new))
            .map(|v| v.into_string().expect("UTF-8"))
    }

    #[test]
    fn the_tcache_tunable_is_added_once_and_a_users_count_is_kept() {
        assert_eq!(value(None).as_deref(), Some(TCACHE_TUNABLE));
        assert_eq!(value(Some("")).as_deref(), Some(TCACHE_TUNABLE));
        assert_eq!(
            value(Some("glibc.malloc.perturb=0")).as_deref(),
            Some("glibc.malloc.perturb=0:glibc.malloc.tcache_count=0")
        );
        // After the re-execution, and when the user chose a count: nothing to do.
        assert_eq!(value(Some(TCACHE_TUNABLE)), None);
        assert_eq!(
            value(Some("glibc.malloc.perturb=0:glibc.malloc.tcache_count=7")),
            None
        );
        // Another tunable whose name only starts the same way does not count.
        assert_eq!(
            value(Some("glibc.malloc.tcache_count_x=1")).as_deref(),
            Some("glibc.malloc.tcache_count_x=1:glibc.malloc.tcache_count=0")
        );
    }
}
