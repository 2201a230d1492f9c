//! Public tests of ex14_async_tasks: run them with `checker check ex14`,
//! or `cargo test -p ex14_async_tasks` in `exercises/`.
//!
//! `#[tokio::test]` runs each test on a current-thread runtime: one thread for every task, like
//! asyncio's event loop. Timings use generous margins: they must hold on a busy machine too.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ex14_async_tasks::{gather, promise, run_blocking, Abandoned};

type Task = Pin<Box<dyn Future<Output = u64> + Send>>;

/// A task that sleeps `ms` milliseconds, then returns `value`.
fn sleeper(ms: u64, value: u64) -> Task {
    Box::pin(async move {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        value
    })
}

/// Fails the test instead of hanging it when `f` takes more than 3 s.
async fn within_3s<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(3), f)
        .await
        .unwrap_or_else(|_| panic!("{what} had not finished after 3 s"))
}

#[tokio::test]
async fn gather_runs_the_tasks_at_the_same_time() {
    let start = Instant::now();
    let results = within_3s(
        "gather",
        gather(vec![sleeper(300, 1), sleeper(300, 2), sleeper(300, 3)]),
    )
    .await;
    let took = start.elapsed();
    assert_eq!(results, vec![1, 2, 3]);
    assert!(
        took < Duration::from_millis(750),
        "3 tasks sleeping 300 ms each took {took:?} through gather: they ran one after another"
    );
}

#[tokio::test]
async fn gather_returns_results_in_submission_order() {
    // The first task finishes last.
    let results = within_3s(
        "gather",
        gather(vec![sleeper(200, 10), sleeper(100, 20), sleeper(1, 30)]),
    )
    .await;
    assert_eq!(
        results,
        vec![10, 20, 30],
        "results in submission order, not completion order"
    );
    let none: Vec<Task> = Vec::new();
    assert!(gather(none).await.is_empty());
}

#[tokio::test]
async fn a_promise_gets_the_value_resolved_in_another_task() {
    let (resolver, promise) = promise::<String>();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        resolver.resolve("hello".to_owned());
    });
    let start = Instant::now();
    let value = within_3s("awaiting the promise", promise).await;
    assert_eq!(value, Ok("hello".to_owned()));
    // A timeout polls its future once more when it expires: a promise that is never woken
    // would get its value only then.
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "the value came {:?} after it was set",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_dropped_resolver_gives_abandoned() {
    let promise = {
        let (_resolver, promise) = promise::<u64>();
        promise
    }; // The resolver is dropped here, without a value.
    assert_eq!(
        within_3s("awaiting the promise", promise).await,
        Err(Abandoned)
    );
}

#[tokio::test]
async fn run_blocking_returns_the_value_and_lets_other_tasks_run() {
    let ticks = Arc::new(AtomicUsize::new(0));
    let counter = ticks.clone();
    tokio::spawn(async move {
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(10)).await;
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let value = within_3s(
        "run_blocking",
        run_blocking(|| {
            std::thread::sleep(Duration::from_millis(300));
            6 * 7
        }),
    )
    .await;
    assert_eq!(value, 42);
    // On this one-thread runtime, a blocking call made on the runtime's own thread stops every
    // other task: the ticker would not have ticked once during those 300 ms.
    let ticks = ticks.load(Ordering::SeqCst);
    assert!(
        ticks > 0,
        "a task ticking every 10 ms did not tick once while run_blocking ran for 300 ms: the blocking function ran on the runtime's thread"
    );
}
