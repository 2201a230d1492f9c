//! Public tests of ex05_queue: run them with `checker check ex05`,
//! or `cargo test -p ex05_queue` in `exercises/`.
//!
//! Every wait here is bounded (a broken queue fails a test instead of hanging it), and timings
//! use generous margins: they must hold on a busy machine too.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use ex05_queue::{BoundedQueue, Closed};

/// How long a test waits for something that should happen at once.
const PATIENCE: Duration = Duration::from_secs(5);

#[test]
fn items_come_out_in_order() {
    let queue = BoundedQueue::new(4);
    assert_eq!(queue.capacity(), 4);
    assert!(queue.is_empty());
    for i in 1..=3 {
        queue.put(i).unwrap();
    }
    assert_eq!(queue.len(), 3);
    assert_eq!(queue.get(), Some(1));
    assert_eq!(queue.get(), Some(2));
    queue.put(4).unwrap();
    assert_eq!(queue.get(), Some(3));
    assert_eq!(queue.get(), Some(4));
    assert!(queue.is_empty());
}

#[test]
fn get_waits_for_an_item() {
    let queue = Arc::new(BoundedQueue::new(2));
    let (got, received) = mpsc::channel();
    let consumer = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || got.send(queue.get()).unwrap())
    };
    // The queue is empty: get() must still be waiting.
    assert!(
        received.recv_timeout(Duration::from_millis(200)).is_err(),
        "get() on an empty queue returned instead of waiting for an item"
    );
    queue.put("hello").unwrap();
    let value = received
        .recv_timeout(PATIENCE)
        .expect("get() did not return after put()");
    assert_eq!(value, Some("hello"));
    consumer.join().unwrap();
}

#[test]
fn put_waits_while_full() {
    let queue = Arc::new(BoundedQueue::new(2));
    queue.put(1).unwrap();
    queue.put(2).unwrap();
    let (done, finished) = mpsc::channel();
    let producer = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || done.send(queue.put(3)).unwrap())
    };
    assert!(
        finished.recv_timeout(Duration::from_millis(200)).is_err(),
        "put() on a full queue (capacity 2, 2 items) returned instead of waiting for room"
    );
    assert_eq!(
        queue.len(),
        2,
        "the queue holds more items than its capacity"
    );
    assert_eq!(queue.get(), Some(1));
    let result = finished
        .recv_timeout(PATIENCE)
        .expect("put() did not return after get() made room");
    assert_eq!(result, Ok(()));
    producer.join().unwrap();
    assert_eq!(queue.get(), Some(2));
    assert_eq!(queue.get(), Some(3));
}

#[test]
fn close_keeps_items_and_refuses_new_ones() {
    let queue = BoundedQueue::new(4);
    queue.put('a').unwrap();
    queue.put('b').unwrap();
    queue.close();
    assert!(queue.is_closed());
    assert_eq!(
        queue.put('c'),
        Err(Closed('c')),
        "put() after close() must give the item back"
    );
    assert_eq!(
        queue.get(),
        Some('a'),
        "items queued before close() must still be delivered"
    );
    assert_eq!(queue.get(), Some('b'));
    assert_eq!(queue.get(), None, "a closed, empty queue gives None");
    assert_eq!(queue.get(), None);
}

#[test]
fn close_wakes_waiting_consumers() {
    let queue = Arc::new(BoundedQueue::<u32>::new(1));
    let (got, received) = mpsc::channel();
    let consumers: Vec<_> = (0..3)
        .map(|_| {
            let (queue, got) = (Arc::clone(&queue), got.clone());
            thread::spawn(move || got.send(queue.get()).unwrap())
        })
        .collect();
    thread::sleep(Duration::from_millis(100));
    queue.close();
    for i in 0..3 {
        let value = received
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("close() woke only {i} of 3 consumers waiting in get()"));
        assert_eq!(value, None);
    }
    for consumer in consumers {
        consumer.join().unwrap();
    }
}

#[test]
fn many_producers_and_consumers() {
    const PRODUCERS: usize = 4;
    const PER_PRODUCER: usize = 250;
    let queue = Arc::new(BoundedQueue::new(3));
    let delivered = Arc::new(AtomicUsize::new(0));
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                for i in 0..PER_PRODUCER {
                    queue.put(p * PER_PRODUCER + i).unwrap();
                }
            })
        })
        .collect();
    let consumers: Vec<_> = (0..3)
        .map(|_| {
            let (queue, delivered) = (Arc::clone(&queue), Arc::clone(&delivered));
            thread::spawn(move || {
                let mut mine = Vec::new();
                while let Some(item) = queue.get() {
                    assert!(
                        queue.len() <= 3,
                        "the queue holds more items than its capacity (3)"
                    );
                    delivered.fetch_add(1, Ordering::SeqCst);
                    mine.push(item);
                }
                mine
            })
        })
        .collect();
    // Join and close on a thread of their own, so that a queue that hangs fails the test
    // instead of blocking it for ever.
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        for producer in producers {
            producer.join().unwrap();
        }
        queue.close();
        let received: Vec<Vec<usize>> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
        done.send(received).unwrap();
    });
    let received = finished.recv_timeout(PATIENCE).unwrap_or_else(|_| {
        panic!(
            "after {PATIENCE:?}, {} of {} items were delivered and the threads were still running (or one panicked: see above)",
            delivered.load(Ordering::SeqCst),
            PRODUCERS * PER_PRODUCER
        )
    });
    let mut seen = HashSet::new();
    for item in received.into_iter().flatten() {
        assert!(seen.insert(item), "item {item} was delivered twice");
    }
    assert_eq!(
        seen.len(),
        PRODUCERS * PER_PRODUCER,
        "some items were never delivered"
    );
}

#[test]
#[should_panic]
fn capacity_zero_is_refused() {
    let _ = BoundedQueue::<u8>::new(0);
}
