//! Public tests of ex04_pool: run them with `checker check ex04`,
//! or `cargo test -p ex04_pool` in `exercises/`.
//!
//! Timings here only use generous margins: they must hold on a busy machine too.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ex04_pool::{as_completed, JobPanicked, ThreadPool};

/// Waits until `done()` is true, for at most 5 s, so that a broken pool fails the test
/// instead of hanging it.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "still waiting after 5 s: {what}");
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn results_come_back_through_the_handles() {
    let pool = ThreadPool::new(2);
    let handles: Vec<_> = (0..10u64).map(|i| pool.submit(move || i * i)).collect();
    let results: Vec<u64> = handles.into_iter().map(|h| h.result().unwrap()).collect();
    assert_eq!(results, (0..10).map(|i| i * i).collect::<Vec<u64>>());

    let text = pool.submit(|| String::from("done"));
    wait_until("a job that returns at once", || text.is_done());
    assert_eq!(text.result(), Ok(String::from("done")));
}

#[test]
fn never_more_than_max_workers_jobs_at_once() {
    let pool = ThreadPool::new(3);
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..12)
        .map(|_| {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            pool.submit(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    for h in handles {
        h.result().unwrap();
    }
    let most = most.load(Ordering::SeqCst);
    assert!(
        (1..=3).contains(&most),
        "{most} jobs ran at once, max_workers is 3: the pool must reuse its 3 workers"
    );
}

#[test]
fn sleeping_jobs_overlap() {
    // 8 jobs of 100 ms on 4 workers: two rounds, about 200 ms. One at a time would take
    // 800 ms; a thread per job would take about 100 ms.
    let pool = ThreadPool::new(4);
    let began = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|_| pool.submit(|| thread::sleep(Duration::from_millis(100))))
        .collect();
    for h in handles {
        h.result().unwrap();
    }
    let took = began.elapsed();
    assert!(
        took >= Duration::from_millis(200),
        "8 jobs of 100 ms on 4 workers took {took:?}: more than 4 ran at once"
    );
    assert!(
        took < Duration::from_millis(650),
        "8 jobs of 100 ms on 4 workers took {took:?} (about 200 ms expected): the jobs did not \
         run in parallel"
    );
}

#[test]
fn as_completed_yields_in_completion_order() {
    let pool = ThreadPool::new(3);
    let sleeps = [400u64, 0, 200];
    let handles: Vec<_> = sleeps
        .iter()
        .enumerate()
        .map(|(i, &ms)| {
            pool.submit(move || {
                thread::sleep(Duration::from_millis(ms));
                i
            })
        })
        .collect();
    let order: Vec<usize> = as_completed(handles).map(Result::unwrap).collect();
    assert_eq!(
        order,
        vec![1, 2, 0],
        "jobs sleeping 400, 0 and 200 ms finish in the order 1, 2, 0"
    );

    // Jobs that are already done are yielded too.
    let finished: Vec<_> = (0..4).map(|i| pool.submit(move || i)).collect();
    wait_until("4 instant jobs", || finished.iter().all(|h| h.is_done()));
    let mut values: Vec<i32> = as_completed(finished).map(Result::unwrap).collect();
    values.sort_unstable();
    assert_eq!(values, vec![0, 1, 2, 3]);
}

#[test]
fn panicking_job_does_not_kill_the_pool() {
    let pool = ThreadPool::new(1);
    let bad = pool.submit(|| -> u32 { panic!("this job panics on purpose") });
    wait_until("the panicking job", || bad.is_done());
    assert_eq!(bad.result(), Err(JobPanicked));
    // The only worker must still be there to run this one.
    let good = pool.submit(|| 42u32);
    wait_until(
        "a job submitted after a panicking one (did the panic kill the only worker?)",
        || good.is_done(),
    );
    assert_eq!(good.result(), Ok(42));
}

#[test]
fn drop_finishes_queued_jobs_and_joins_workers() {
    /// Counts the worker threads that ran a job of this test, and those that have exited.
    static STARTED: AtomicUsize = AtomicUsize::new(0);
    static EXITED: AtomicUsize = AtomicUsize::new(0);
    /// Lives in each worker thread once it ran a job: dropped when that thread exits.
    struct ExitWatch;
    impl Drop for ExitWatch {
        fn drop(&mut self) {
            EXITED.fetch_add(1, Ordering::SeqCst);
        }
    }
    thread_local! {
        static WATCH: std::cell::OnceCell<ExitWatch> = const { std::cell::OnceCell::new() };
    }

    let pool = ThreadPool::new(2);
    let finished = Arc::new(AtomicUsize::new(0));
    for _ in 0..6 {
        let finished = Arc::clone(&finished);
        // The handles are dropped at once: the jobs must run all the same.
        let _ = pool.submit(move || {
            WATCH.with(|w| {
                w.get_or_init(|| {
                    STARTED.fetch_add(1, Ordering::SeqCst);
                    ExitWatch
                });
            });
            thread::sleep(Duration::from_millis(30));
            finished.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(pool);
    assert_eq!(
        finished.load(Ordering::SeqCst),
        6,
        "dropping the pool must let every queued job finish first"
    );
    // A thread's thread-locals are dropped when it exits, before join() returns.
    let (started, exited) = (
        STARTED.load(Ordering::SeqCst),
        EXITED.load(Ordering::SeqCst),
    );
    assert!(started >= 1);
    assert_eq!(
        exited, started,
        "{started} workers ran jobs but only {exited} had exited when drop returned: drop \
         must join every worker"
    );
}
