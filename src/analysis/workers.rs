//! The analysis's worker threads: one pool of persistent threads ([`rayon::ThreadPool`]) for
//! the work a keystroke's analysis runs beside the calling thread (the quotation scan of
//! [`super::incremental::IncrementalAnalyzer::analyze`]), one job a worker.
//!
//! Why a pool and not a thread per analysis: a new thread is placed by the kernel's fork path,
//! and on a 2-vCPU VM whose other core had been idle it started 2.1 ms (p50; p90 3.2 ms) after
//! `spawn` while the spawning thread kept its core busy, 100 runs after 100 ms pauses — a
//! writer's pace. A parked thread woken by a futex (what a pool's idle worker waits on) started
//! 0.02 ms after the wake in the same conditions, but on its waker's CPU in 100 of 100 runs,
//! sharing it with the waker; kept off that CPU ([`placement`]), it started 0.07 ms after on the
//! other one. A keystroke in a 1 MB document waited for that start: the quotation scan is the
//! longer of its two threads.
//!
//! No deadlock: a job may block on a thread outside the pool (the incremental scan waits for
//! the caller's entities), but callers are never pool threads, and a caller that spawned such a
//! job does not wait on the pool before it unblocks the job.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The pool: one thread per core this process may run on, at most
/// [`super::incremental::MAX_THREADS`]; built on first use. `None` on one core (nothing runs
/// beside the caller) or when the threads cannot be started (resource limits): callers then do
/// all the work on their own thread, with the same results.
static POOL: LazyLock<Option<rayon::ThreadPool>> = LazyLock::new(|| {
    let threads = super::incremental::cores().min(super::incremental::MAX_THREADS);
    if threads < 2 {
        return None;
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("qalam-worker-{i}"))
        .start_handler(|_| placement::register())
        .build()
        .map_err(|e| tracing::warn!("no worker threads, analysing on one thread: {e}"))
        .ok()
});

/// Jobs handed to the pool and not yet ended ([`Claim`]).
static BUSY: AtomicUsize = AtomicUsize::new(0);

/// One worker of the pool taken for one job: given back when dropped (move it into the job).
#[derive(Debug)]
pub(crate) struct Claim(());

impl Drop for Claim {
    fn drop(&mut self) {
        BUSY.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The worker pool with one of its workers claimed for a job, or `None` when the job must
/// stay on the calling thread: no pool (see [`POOL`]), or every worker already has a job (of
/// this document's analyses or another's). A job never waits in the pool's queue behind
/// another document's: with three 1.5 MB documents re-analysed every second beside a document
/// being typed, a queue shared by all documents held that document's keystrokes for seconds
/// (a helper's stress test); a caller without a worker does the job itself, as on one core.
/// The pool's threads are first kept off the CPU the caller runs on
/// ([`placement::off_caller_cpu`]), so that the job runs beside the caller's work rather than
/// after it. Callers must not be threads of the pool (see the module doc).
pub(crate) fn claim() -> Option<(&'static rayon::ThreadPool, Claim)> {
    let pool = POOL.as_ref()?;
    if BUSY.fetch_add(1, Ordering::SeqCst) >= pool.current_num_threads() {
        BUSY.fetch_sub(1, Ordering::SeqCst);
        return None;
    }
    let claim = Claim(());
    placement::off_caller_cpu();
    Some((pool, claim))
}

/// Where the pool's threads may run.
///
/// A worker woken for a job is placed by the kernel, which may queue it on the CPU its waker
/// is busy on (wake-affine placement; the kernel of the 2-vCPU VM these figures come from also
/// packs runnable threads onto few vCPUs, `sched_vcpu_pack`); it then starts after the caller's
/// time slice, not beside it. Measured
/// in a 1 MB document at a writer's pace (118 keystrokes 100 ms apart, in-process): the
/// quotation scan started 1.9 ms (p50; p90 3.2 ms) after it was handed over, on the caller's
/// CPU; with the workers kept off that CPU, 0.12 ms (p90 0.15 ms), and the analysis took p50
/// 5.3 instead of 7.7 ms. A thread's CPU mask is set with `sched_setaffinity(2)`, under 2 µs
/// a thread; on other systems nothing is done.
mod placement {
    /// The pool's threads (Linux thread ids), registered as they start.
    #[cfg(target_os = "linux")]
    static THREADS: std::sync::Mutex<Vec<libc::pid_t>> = std::sync::Mutex::new(Vec::new());

    /// Registers the calling thread as one of the pool's (its start handler).
    pub(super) fn register() {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: gettid has no preconditions.
            let tid = unsafe { libc::gettid() };
            THREADS.lock().unwrap_or_else(|e| e.into_inner()).push(tid);
        }
    }

    /// Lets the pool's threads run on every CPU the caller may run on but the one it runs on
    /// now; nothing when that leaves none, or on failure (the threads keep their masks).
    pub(super) fn off_caller_cpu() {
        #[cfg(target_os = "linux")]
        if let Some((_, mask)) = caller_mask_without_current() {
            let threads = THREADS.lock().unwrap_or_else(|e| e.into_inner());
            for &tid in threads.iter() {
                set_mask(tid, &mask);
            }
        }
    }

    /// The CPU the calling thread runs on and its CPU mask without that CPU; `None` when the
    /// mask has no other CPU or cannot be read.
    #[cfg(target_os = "linux")]
    pub(super) fn caller_mask_without_current() -> Option<(usize, libc::cpu_set_t)> {
        // SAFETY: sched_getcpu has no preconditions.
        let cpu = usize::try_from(unsafe { libc::sched_getcpu() }).ok()?;
        // SAFETY: an all-zero cpu_set_t is an empty set.
        let mut mask: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        // SAFETY: `mask` is a valid cpu_set_t of the size passed; pid 0 is the calling thread.
        let read = unsafe {
            libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut mask)
        };
        if read != 0 || cpu >= libc::CPU_SETSIZE as usize {
            return None;
        }
        // SAFETY: `cpu` is below CPU_SETSIZE, the size of `mask`'s bit set.
        let others = unsafe {
            libc::CPU_CLR(cpu, &mut mask);
            libc::CPU_COUNT(&mask)
        };
        (others > 0).then_some((cpu, mask))
    }

    /// Sets the CPU mask of thread `tid`; failure (a thread that ended, a mask outside the
    /// process's cpuset) is ignored.
    #[cfg(target_os = "linux")]
    pub(super) fn set_mask(tid: libc::pid_t, mask: &libc::cpu_set_t) {
        // SAFETY: `mask` is a valid cpu_set_t of the size passed; a wrong tid only fails.
        unsafe {
            libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), mask);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::thread::ThreadId;

    /// The claimed job on a worker of the pool, its result back; `None` without a worker.
    fn on_a_worker<T: Send>(job: impl FnOnce() -> T + Send) -> Option<T> {
        let (pool, claim) = claim()?;
        let mut out = None;
        pool.in_place_scope(|scope| {
            let slot = &mut out;
            scope.spawn(move |_| {
                let _claim = claim;
                *slot = Some(job());
            });
        });
        out
    }

    #[test]
    fn jobs_run_on_threads_that_outlive_the_call() {
        let Some(pool) = POOL.as_ref() else {
            // One core: no worker is ever claimed.
            assert!(claim().is_none());
            return;
        };
        let mut ids: HashSet<ThreadId> = HashSet::new();
        let mut ran = 0;
        for _ in 0..50 {
            let Some((id, name)) = on_a_worker(|| {
                let t = std::thread::current();
                (t.id(), t.name().map(str::to_owned))
            }) else {
                continue; // every worker busy with another test's job
            };
            ran += 1;
            assert!(name.is_some_and(|n| n.starts_with("qalam-worker-")));
            assert_ne!(id, std::thread::current().id());
            ids.insert(id);
        }
        assert!(ran > 0);
        // A thread per call would give as many threads as calls.
        assert!(
            ids.len() <= pool.current_num_threads(),
            "{} threads",
            ids.len()
        );
    }

    #[test]
    fn no_more_jobs_than_workers_and_a_claim_is_given_back() {
        let Some(pool) = POOL.as_ref() else {
            return;
        };
        // Other tests may hold claims for a moment: take every free worker, then one more.
        let mut claims = Vec::new();
        while let Some((_, c)) = claim() {
            claims.push(c);
            assert!(claims.len() <= pool.current_num_threads());
        }
        assert!(claim().is_none(), "no worker left");
        let n = claims.len();
        drop(claims);
        if n > 0 {
            assert!(claim().is_some(), "given back on drop");
        }
    }

    #[test]
    fn a_panic_in_a_job_is_raised_in_the_caller_and_gives_the_worker_back() {
        if POOL.is_none() {
            return;
        }
        let caught = std::panic::catch_unwind(|| on_a_worker(|| -> () { panic!("job") }));
        assert!(caught.is_err() || caught.is_ok_and(|r| r.is_none()));
        // The pool still works after the panic.
        let mut later = None;
        for _ in 0..100 {
            later = on_a_worker(|| 4);
            if later.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(later, Some(4));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_thread_kept_off_the_callers_cpu_runs_elsewhere() {
        let Some((cpu, mask)) = placement::caller_mask_without_current() else {
            return; // one CPU allowed: nothing to place
        };
        // SAFETY (here and below): the CPU numbers are below CPU_SETSIZE.
        assert!(!unsafe { libc::CPU_ISSET(cpu, &mask) });
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            // SAFETY: gettid has no preconditions.
            tid_tx.send(unsafe { libc::gettid() }).unwrap();
            go_rx.recv().unwrap();
            // SAFETY: sched_getcpu has no preconditions.
            unsafe { libc::sched_getcpu() }
        });
        let tid = tid_rx.recv().unwrap();
        placement::set_mask(tid, &mask);
        go_tx.send(()).unwrap();
        let ran_on = thread.join().unwrap();
        let ran_on = usize::try_from(ran_on).unwrap();
        assert_ne!(ran_on, cpu);
        assert!(unsafe { libc::CPU_ISSET(ran_on, &mask) });
    }
}
