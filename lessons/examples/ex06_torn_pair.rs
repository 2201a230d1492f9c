//! Lesson ex06_locks: a lock must cover the whole invariant, not each variable on its own.
//!
//! The notes' `Point` keeps x and y under one lock so that nobody sees one new coordinate
//! with the other old. The exercise asks for that `Point`, so this example uses another pair:
//! a window `[start, end)` whose width must always be 10. A writer thread slides the window;
//! reader threads check the width. With a separate mutex per field every single access is
//! "thread-safe", yet readers see windows that never existed (torn reads). With one mutex
//! around both fields they never do.
//!
//! Run it: `cargo run -p lessons --example ex06_torn_pair`

use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

const WIDTH: i64 = 10;
const RUN_FOR: Duration = Duration::from_millis(300);

/// One lock per field: each field is consistent, the pair is not.
struct SplitWindow {
    start: Mutex<i64>,
    end: Mutex<i64>,
}

/// One lock for both fields: the pair changes in one step.
struct Window {
    bounds: Mutex<(i64, i64)>,
}

/// Runs one writer and two readers for RUN_FOR; returns how many reads saw a wrong width.
fn race(set: impl Fn(i64) + Sync, get: impl Fn() -> (i64, i64) + Sync) -> (u64, u64) {
    let deadline = Instant::now() + RUN_FOR;
    thread::scope(|s| {
        s.spawn(|| {
            let mut at = 0;
            while Instant::now() < deadline {
                at += 1;
                set(at);
            }
        });
        let readers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let (mut reads, mut torn) = (0u64, 0u64);
                    while Instant::now() < deadline {
                        let (start, end) = get();
                        reads += 1;
                        if end - start != WIDTH {
                            torn += 1;
                        }
                    }
                    (reads, torn)
                })
            })
            .collect();
        readers.into_iter().map(|r| r.join().expect("a reader panicked")).fold((0, 0), |(a, b), (r, t)| (a + r, b + t))
    })
}

fn main() {
    let split = SplitWindow { start: Mutex::new(0), end: Mutex::new(WIDTH) };
    let (reads, torn) = race(
        |at| {
            *split.start.lock().expect("poisoned") = at;
            // Between these two statements a reader can see the new start with the old end.
            *split.end.lock().expect("poisoned") = at + WIDTH;
        },
        || {
            let start = *split.start.lock().expect("poisoned");
            let end = *split.end.lock().expect("poisoned");
            (start, end)
        },
    );
    println!("a lock per field:  {torn} torn reads out of {reads}");

    let whole = Window { bounds: Mutex::new((0, WIDTH)) };
    let (reads, torn) = race(
        |at| *whole.bounds.lock().expect("poisoned") = (at, at + WIDTH),
        || *whole.bounds.lock().expect("poisoned"),
    );
    println!("one lock for both: {torn} torn reads out of {reads}");
    assert_eq!(torn, 0, "one lock around the pair never shows half an update");
}
