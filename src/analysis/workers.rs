//! The analysis's worker threads: one pool of persistent threads ([`rayon::ThreadPool`]) for
//! the work the document and paragraph stages run beside the calling thread (the quotation
//! scan, the entity checks, parts of a large batch of paragraphs).
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

/// The worker pool, or `None` when work must stay on the calling thread (see [`POOL`]), its
/// threads first kept off the CPU the caller runs on ([`placement::off_caller_cpu`]), so that
/// work handed to them runs beside the caller's rather than after it. Callers must not be
/// threads of the pool (see the module doc).
pub(crate) fn pool() -> Option<&'static rayon::ThreadPool> {
    let pool = POOL.as_ref()?;
    placement::off_caller_cpu();
    Some(pool)
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

/// Runs `main` on this thread and `side` on a worker thread at the same time, and returns both
/// results once both ended; without a pool, `side` runs here after `main`. A panic in either
/// is raised again here, after both ended.
pub(crate) fn join<A: Send, B: Send>(
    main: impl FnOnce() -> A + Send,
    side: impl FnOnce() -> B + Send,
) -> (A, B) {
    let Some(pool) = pool() else {
        let a = main();
        return (a, side());
    };
    let mut b = None;
    let a = pool.in_place_scope(|scope| {
        let slot = &mut b;
        scope.spawn(move |_| *slot = Some(side()));
        main()
    });
    (a, b.expect("the scope ends after its job"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::thread::ThreadId;

    #[test]
    fn side_work_runs_on_threads_that_outlive_the_call() {
        let Some(pool) = pool() else {
            // One core: everything runs on the caller's thread.
            let here = std::thread::current().id();
            assert_eq!(join(|| 1, || std::thread::current().id()), (1, here));
            return;
        };
        let mut ids: HashSet<ThreadId> = HashSet::new();
        for i in 0..50 {
            let (a, (id, name)) = join(
                || i * 2,
                || {
                    let t = std::thread::current();
                    (t.id(), t.name().map(str::to_owned))
                },
            );
            assert_eq!(a, i * 2);
            assert!(name.is_some_and(|n| n.starts_with("qalam-worker-")));
            assert_ne!(id, std::thread::current().id());
            ids.insert(id);
        }
        // A thread per call would give 50 distinct threads.
        assert!(
            ids.len() <= pool.current_num_threads(),
            "{} threads",
            ids.len()
        );
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

    #[test]
    fn a_panic_on_the_side_is_raised_in_the_caller_after_main_ended() {
        let ran = std::sync::atomic::AtomicBool::new(false);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            join(
                || ran.store(true, std::sync::atomic::Ordering::SeqCst),
                || -> () { panic!("side") },
            )
        }));
        assert!(caught.is_err());
        assert!(ran.load(std::sync::atomic::Ordering::SeqCst));
        // The pool still works after the panic.
        assert_eq!(join(|| 3, || 4), (3, 4));
    }
}
