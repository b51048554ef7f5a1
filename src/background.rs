//! Background loading that steps aside while short foreground work runs.
//!
//! Why: the server parses its lexicons and tagger model on two background threads from the
//! moment it starts (`lsp::state::prewarm`), so that the first document's full analysis does not
//! pay for them. A client opens its first document a few milliseconds after `initialize`, while
//! they still run, and the server then computes that document's early diagnostics (tokens only,
//! ≈ 2 ms of CPU at 112 KB) on a third thread. On a two-core machine one core is then shared,
//! and the scheduler's slices do not shrink with priority: a loader at nice +5 was seen
//! (`perf record -e sched:sched_switch`) taking a 4 ms slice in the middle of the early set,
//! which took 4–21 ms instead of 2–3 (median ≈ 7 ms at 112 KB against ≈ 4 ms without loaders).
//!
//! How: the loaders call [`tick`] once per entry they parse (and [`point`] between larger
//! steps). On a thread running [`in_background`], while a [`Foreground`] guard is alive,
//! [`point`] sleeps until the last guard is dropped. On any other thread, or with no guard, both
//! return at once (one thread-local counter per [`tick`], one atomic load per
//! [`TICKS_PER_POINT`] ticks). A foreground task must not wait for what a background thread
//! loads (it could be paused holding the lock of that table); as a bound should one ever do so,
//! a background thread sleeps at most [`BUDGET`] in all.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The most a thread running [`in_background`] sleeps in [`point`], over all its calls: the
/// early sets of about five documents of 256 KiB opened at once. Beyond that (a client opening
/// dozens of documents at start) the loads run beside the early sets, as they did before, so
/// that the first full analysis waits at most this much longer.
pub const BUDGET: Duration = Duration::from_millis(20);

/// [`tick`] calls per [`point`] check: ≈ 0.2–0.6 ms of the loaders' work.
pub const TICKS_PER_POINT: u32 = 1024;

/// Live [`Foreground`] guards.
static FOREGROUND: AtomicUsize = AtomicUsize::new(0);
/// Held while a guard is dropped and while a paused thread checks [`FOREGROUND`]: no wake-up
/// is lost between the check and the wait.
static LOCK: Mutex<()> = Mutex::new(());
static RESUMED: Condvar = Condvar::new();

thread_local! {
    /// The sleep left to this thread inside [`in_background`]; `None` outside it.
    static BACKGROUND: Cell<Option<Duration>> = const { Cell::new(None) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f` on this thread as background work: [`point`] and [`tick`] inside it pause while a
/// [`Foreground`] guard is alive, for at most [`BUDGET`] in all.
pub fn in_background<T>(f: impl FnOnce() -> T) -> T {
    in_background_with(BUDGET, f)
}

/// [`in_background`] with another sleep budget.
pub fn in_background_with<T>(budget: Duration, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Duration>);
    impl Drop for Restore {
        fn drop(&mut self) {
            BACKGROUND.set(self.0);
        }
    }
    let _restore = Restore(BACKGROUND.replace(Some(budget)));
    f()
}

/// Counts one unit of background work (an entry parsed); every [`TICKS_PER_POINT`]th call is a
/// [`point`].
#[inline]
pub fn tick() {
    let n = TICKS.get().wrapping_add(1);
    TICKS.set(n);
    if n % TICKS_PER_POINT == 0 {
        point();
    }
}

/// Where background work may pause: on a thread running [`in_background`] with budget left,
/// sleeps while a [`Foreground`] guard is alive (until the last one is dropped, or the budget
/// runs out). Returns at once anywhere else.
pub fn point() {
    if FOREGROUND.load(Ordering::Acquire) == 0 {
        return;
    }
    let Some(budget) = BACKGROUND.get().filter(|b| !b.is_zero()) else {
        return;
    };
    let started = Instant::now();
    let mut lock = LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    while FOREGROUND.load(Ordering::Acquire) > 0 {
        let left = budget.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        lock = RESUMED
            .wait_timeout(lock, left)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    drop(lock);
    BACKGROUND.set(Some(budget.saturating_sub(started.elapsed())));
}

/// While alive, background threads pause at their next [`point`] (see [`foreground`]).
#[must_use = "background work resumes when the guard is dropped"]
#[derive(Debug)]
pub struct Foreground(());

/// Asks background work to pause until the guard is dropped. For short work (milliseconds)
/// that needs nothing the background threads load.
pub fn foreground() -> Foreground {
    FOREGROUND.fetch_add(1, Ordering::AcqRel);
    Foreground(())
}

impl Drop for Foreground {
    fn drop(&mut self) {
        let _lock = LOCK.lock().unwrap_or_else(PoisonError::into_inner);
        FOREGROUND.fetch_sub(1, Ordering::AcqRel);
        RESUMED.notify_all();
    }
}

/// Asserts that `load`, run in the background while a [`Foreground`] guard is alive, pauses
/// (has not returned after 1.5 s: the loads it is used for take milliseconds, well under a
/// second in an unoptimised build) and returns once the guard is dropped.
#[cfg(test)]
pub(crate) fn assert_pauses(what: &str, load: impl FnOnce() + Send + 'static) {
    use std::sync::atomic::AtomicBool;
    let guard = foreground();
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    let thread = std::thread::spawn(move || {
        in_background_with(Duration::from_secs(600), load);
        flag.store(true, Ordering::SeqCst);
    });
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !done.load(Ordering::SeqCst),
        "{what} ran to its end while a foreground guard was alive"
    );
    drop(guard);
    thread.join().expect("the load ran");
    assert!(done.load(Ordering::SeqCst));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;

    #[test]
    fn the_shipped_model_parse_pauses() {
        assert_pauses("parsing the shipped model", || {
            let tagger = crate::ner::tagger::Tagger::from_bytes(crate::ner::SHIPPED_MODEL_BYTES);
            assert!(tagger.is_ok());
        });
    }

    /// Starts a thread that runs [`point`] in the background with `budget` (or on an unmarked
    /// thread) and reports when it has passed it.
    fn passer(background: Option<Duration>) -> mpsc::Receiver<Instant> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            match background {
                Some(budget) => in_background_with(budget, point),
                None => point(),
            }
            let _ = tx.send(Instant::now());
        });
        rx
    }

    #[test]
    fn a_background_thread_waits_at_a_point_until_the_guard_is_dropped() {
        let guard = foreground();
        let passed = passer(Some(Duration::from_secs(60)));
        assert!(
            passed.recv_timeout(Duration::from_millis(100)).is_err(),
            "passed the point while a foreground guard was alive"
        );
        let dropped = Instant::now();
        drop(guard);
        let at = passed
            .recv_timeout(Duration::from_secs(10))
            .expect("resumed after the guard was dropped");
        assert!(at >= dropped);
    }

    #[test]
    fn other_threads_and_unguarded_points_do_not_wait() {
        let guard = foreground();
        passer(None)
            .recv_timeout(Duration::from_secs(10))
            .expect("an unmarked thread passes at once");
        drop(guard);
        // No guard of this test alive (another test's may be): a zero budget passes at once.
        passer(Some(Duration::ZERO))
            .recv_timeout(Duration::from_secs(10))
            .expect("a thread without budget passes at once");
    }

    #[test]
    fn the_budget_bounds_the_sleep_over_all_points() {
        let _guard = foreground();
        let (tx, rx) = mpsc::channel();
        let budget = Duration::from_millis(40);
        std::thread::spawn(move || {
            let started = Instant::now();
            in_background_with(budget, || {
                point();
                let first = started.elapsed();
                // Budget used up: the next points pass at once.
                point();
                point();
                let _ = tx.send((first, started.elapsed()));
            });
        });
        let (first, all) = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the budget ran out");
        assert!(first >= budget, "{first:?}");
        assert!(all - first < Duration::from_millis(1000), "{all:?}");
    }

    #[test]
    fn tick_checks_once_per_ticks_per_point() {
        let guard = foreground();
        let done = std::sync::Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let flag = done.clone();
        std::thread::spawn(move || {
            in_background_with(Duration::from_secs(60), || {
                for _ in 0..TICKS_PER_POINT - 1 {
                    tick();
                }
                let _ = tx.send(());
                tick(); // the point: waits for the guard
                flag.store(true, Ordering::SeqCst);
            });
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the first ticks pass");
        std::thread::sleep(Duration::from_millis(50));
        assert!(!done.load(Ordering::SeqCst), "the last tick did not pause");
        drop(guard);
        for _ in 0..1000 {
            if done.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the tick did not resume");
    }
}
