//! ex05_queue, a correct design other than the reference solution's: one condition variable
//! that producers and consumers share, woken with notify_all after every change (each waiter
//! re-checks its own condition, so no wake-up is lost), waits written with `wait_while`.

use std::collections::VecDeque;
use std::fmt;

use course_sync::{Condvar, Mutex, MutexGuard, PoisonError};

pub struct BoundedQueue<T> {
    inner: Mutex<Inner<T>>,
    changed: Condvar,
}

struct Inner<T> {
    items: VecDeque<T>,
    capacity: usize,
    closed: bool,
}

impl<T> BoundedQueue<T> {
    pub fn new(capacity: usize) -> BoundedQueue<T> {
        if capacity == 0 {
            panic!("capacity must be positive");
        }
        BoundedQueue {
            inner: Mutex::new(Inner { items: VecDeque::new(), capacity, closed: false }),
            changed: Condvar::new(),
        }
    }

    pub fn put(&self, item: T) -> Result<(), Closed<T>> {
        let guard = self.lock();
        let mut inner = self
            .changed
            .wait_while(guard, |s| s.items.len() == s.capacity && !s.closed)
            .unwrap_or_else(PoisonError::into_inner);
        if inner.closed {
            return Err(Closed(item));
        }
        inner.items.push_back(item);
        self.changed.notify_all();
        Ok(())
    }

    pub fn get(&self) -> Option<T> {
        let guard = self.lock();
        let mut inner = self
            .changed
            .wait_while(guard, |s| s.items.is_empty() && !s.closed)
            .unwrap_or_else(PoisonError::into_inner);
        let item = inner.items.pop_front();
        if item.is_some() {
            self.changed.notify_all();
        }
        item
    }

    pub fn close(&self) {
        let mut inner = self.lock();
        if !inner.closed {
            inner.closed = true;
            self.changed.notify_all();
        }
    }

    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    pub fn capacity(&self) -> usize {
        self.lock().capacity
    }

    fn lock(&self) -> MutexGuard<'_, Inner<T>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> Closed<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Closed(..)")
    }
}

impl<T> fmt::Display for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("put on a closed queue")
    }
}

impl<T> std::error::Error for Closed<T> {}
