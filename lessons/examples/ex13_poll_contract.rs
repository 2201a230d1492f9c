//! The contract behind every `.await` (lesson ex13, section 3.3): a future written by hand, a
//! `Latch` that completes when three worker threads have checked in, woken by the last of them
//! through the waker it stored. Next to it, the two classic mistakes, kept bounded: a future
//! that returns `Pending` without storing the waker (never polled again: the timeout fires)
//! and one that wakes itself on every poll (completes, but polled in a busy loop). A wrapper
//! counts the polls of each.
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

/// What the latch shares with the workers: how many are still missing, and whom to wake.
struct Shared {
    remaining: usize,
    waker: Option<Waker>,
}

struct Latch(Arc<Mutex<Shared>>);

impl Latch {
    fn new(workers: usize) -> Latch {
        let shared = Arc::new(Mutex::new(Shared { remaining: workers, waker: None }));
        for i in 0..workers {
            let shared = Arc::clone(&shared);
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(50 * (i as u64 + 1))); // "work"
                let waker = {
                    let mut s = shared.lock().expect("latch lock poisoned");
                    s.remaining -= 1;
                    if s.remaining == 0 {
                        s.waker.take()
                    } else {
                        None
                    }
                }; // unlock before waking
                if let Some(w) = waker {
                    w.wake();
                }
            });
        }
        Latch(shared)
    }
}

impl Future for Latch {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.0.lock().expect("latch lock poisoned");
        if s.remaining == 0 {
            return Poll::Ready(());
        }
        // Checked and stored under the same lock: the last worker cannot slip in between.
        s.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Mistake 1: the event happens (a thread sets the flag), but the future returned Pending
/// without storing a waker, so nobody tells the executor to poll it again.
struct ForgetsWaker(Arc<AtomicBool>);

impl Future for ForgetsWaker {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.0.load(Ordering::SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending // and the waker is dropped on the floor
        }
    }
}

/// Mistake 2: "wake me again at once" on every Pending: a busy loop.
struct WakesItself(Instant);

impl Future for WakesItself {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.elapsed() >= Duration::from_millis(100) {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Counts how many times the inner future is polled (in a counter others can read).
struct Counted<F> {
    inner: Pin<Box<F>>,
    polls: Arc<AtomicU64>,
}

impl<F: Future> Future for Counted<F> {
    type Output = u64;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u64> {
        let polls = self.polls.fetch_add(1, Ordering::SeqCst) + 1;
        match self.inner.as_mut().poll(cx) {
            Poll::Ready(_) => Poll::Ready(polls),
            Poll::Pending => Poll::Pending,
        }
    }
}

fn counted<F: Future>(f: F) -> Counted<F> {
    Counted { inner: Box::pin(f), polls: Arc::new(AtomicU64::new(0)) }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let start = Instant::now();
    let polls = counted(Latch::new(3)).await;
    println!("Latch: ready after {:?}, polled {polls} times", start.elapsed());

    let flag = Arc::new(AtomicBool::new(false));
    let setter = Arc::clone(&flag);
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(100));
        setter.store(true, Ordering::SeqCst); // the event happens... and wakes nobody
    });
    let forgetful = counted(ForgetsWaker(flag));
    let polls = Arc::clone(&forgetful.polls);
    let task = tokio::spawn(forgetful);
    tokio::time::sleep(Duration::from_millis(500)).await;
    println!(
        "ForgetsWaker: finished after 500 ms? {}; polled {} time(s), though its flag is set",
        task.is_finished(),
        polls.load(Ordering::SeqCst)
    );
    task.abort(); // a real program would simply hang here

    let start = Instant::now();
    let polls = counted(WakesItself(start)).await;
    println!("WakesItself: ready after {:?}, but polled {polls} times (a busy loop)", start.elapsed());
}
