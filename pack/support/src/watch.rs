//! Running student code on a thread of its own, so that a check can stop waiting for it.
//!
//! A check that calls student code which may never return (a job that never runs, a `join`
//! that never comes back) starts that code as a [`Scenario`]: a thread that reports what it
//! sees through a channel. The check then waits for each report with a watchdog
//! ([`Scenario::next`]) and fails with an explanation when the watchdog fires, well inside the
//! manifest's time limit. The stuck thread is simply abandoned: the check program exits right
//! after its verdict, which ends every thread it still has.
//!
//! Checks that exist to exercise the checker's own hang diagnosis wait with
//! [`Scenario::next_blocking`] instead, so that a hang stays a hang.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

/// What a scenario reported next.
#[derive(Debug)]
pub enum Next<T> {
    /// A report sent with [`Reporter::send`].
    Item(T),
    /// The scenario panicked (in the check's code or in student code it called).
    Panicked(String),
    /// The scenario finished and will not report anything more.
    Ended,
    /// The watchdog fired before the next report.
    TimedOut,
}

/// The sending side, handed to the scenario's closure.
pub struct Reporter<T> {
    tx: Sender<Message<T>>,
}

impl<T> Reporter<T> {
    /// Reports `item` to the check. Never fails: a check that stopped listening is gone anyway.
    pub fn send(&self, item: T) {
        let _ = self.tx.send(Message::Item(item));
    }
}

enum Message<T> {
    Item(T),
    Panicked(String),
}

/// A thread running student code, and the channel it reports through.
pub struct Scenario<T> {
    rx: Receiver<Message<T>>,
}

/// Starts `body` on a new thread named `name`. A panic in `body` is caught and reported as
/// [`Next::Panicked`] rather than ending the check program.
pub fn spawn<T, F>(name: &str, body: F) -> Scenario<T>
where
    T: Send + 'static,
    F: FnOnce(&Reporter<T>) + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let reporter = Reporter { tx };
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| body(&reporter))) {
                let _ = reporter.tx.send(Message::Panicked(panic_text(payload.as_ref())));
            }
        })
        .expect("starting a scenario thread");
    Scenario { rx }
}

impl<T> Scenario<T> {
    /// The next report, waiting at most `timeout` for it.
    pub fn next(&self, timeout: Duration) -> Next<T> {
        match self.rx.recv_timeout(timeout) {
            Ok(Message::Item(item)) => Next::Item(item),
            Ok(Message::Panicked(text)) => Next::Panicked(text),
            Err(RecvTimeoutError::Timeout) => Next::TimedOut,
            Err(RecvTimeoutError::Disconnected) => Next::Ended,
        }
    }

    /// The next report, waiting for it as long as it takes (no watchdog).
    pub fn next_blocking(&self) -> Next<T> {
        match self.rx.recv() {
            Ok(Message::Item(item)) => Next::Item(item),
            Ok(Message::Panicked(text)) => Next::Panicked(text),
            Err(_) => Next::Ended,
        }
    }
}

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}
