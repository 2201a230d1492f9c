//! Lesson ex05_queue: a bounded queue between one producer and two worker threads, stopped
//! with one "no more work" marker per worker.
//!
//! The counterpart of the notes' `Queue(5)` example, with std's own bounded queue,
//! `mpsc::sync_channel(5)`: `send` blocks while five items wait, `recv` blocks while none
//! does. An mpsc receiver belongs to one thread, so the two workers share it behind a
//! `Mutex`. `None` plays the role of the notes' `None` sentinel. (The exercise builds such a
//! queue itself, from a mutex and condition variables, and stops it with `close` instead.)
//!
//! Run it: `cargo run -p lessons --example ex05_queue_workers`

use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

fn worker(queue: &Mutex<Receiver<Option<u32>>>, n: u32) -> u32 {
    let mut handled = 0;
    loop {
        // The guard lives only for this statement: the lock is released before the item is
        // processed, so the other worker can take the next one meanwhile.
        let item = queue.lock().expect("a worker panicked").recv();
        match item {
            Ok(Some(item)) => {
                println!("worker {n} processes {item}");
                handled += 1;
                thread::sleep(Duration::from_millis(5)); // the "work"
            }
            // The sentinel, or a queue whose senders are all gone: stop.
            Ok(None) | Err(_) => return handled,
        }
    }
}

fn main() {
    let (tx, rx) = mpsc::sync_channel::<Option<u32>>(5);
    let rx = Arc::new(Mutex::new(rx));

    let workers: Vec<_> = (1..=2)
        .map(|n| {
            let rx = Arc::clone(&rx);
            thread::spawn(move || worker(&rx, n))
        })
        .collect();

    for i in 0..20 {
        // Blocks here whenever five items are already waiting: the producer cannot run ahead
        // of the consumers by more than the capacity.
        tx.send(Some(i)).expect("the workers are alive");
    }
    // One sentinel per worker: each worker stops at the first one it takes.
    for _ in &workers {
        tx.send(None).expect("the workers are alive");
    }

    let handled: Vec<u32> = workers.into_iter().map(|w| w.join().expect("a worker panicked")).collect();
    println!("items handled per worker: {handled:?}");
}
