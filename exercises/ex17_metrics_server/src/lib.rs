//! # ex17_metrics_server: graded project, an asynchronous metrics server (lecture 3.4)
//!
//! The second graded project: the server side of the metrics protocol of ex16, written with
//! tokio. Many clients connect at once and keep their connection open; all of them share one
//! store of measurements.
//!
//! Requests, one per line, words separated by one space:
//! - `put <key> <value> <timestamp>\n`: key non-empty without whitespace, value a float,
//!   timestamp an integer; reply `ok\n\n`;
//! - `get <key>\n` (`get *\n`: every key): reply `ok\n`, one `<key> <value> <timestamp>\n` line
//!   per measurement, then `\n` (just `ok\n\n` when there is nothing);
//! - anything else (unknown command, wrong number of words, a value that is not a float, a
//!   timestamp that is not an integer, an empty line, bytes that are not UTF-8): reply
//!   `error\nwrong command\n\n`, and keep the connection open.
//!
//! Rules: one reply per request, in order; the same key and timestamp again overwrites the
//! value; within a key, lines are sorted by timestamp (the order of keys in `get *` is free).
//!
//! What the lecture teaches here (asyncio's `start_server`, in Rust): one task per connection
//! instead of one thread, `.await` wherever a thread would block, and shared state behind a
//! lock that is never held across an `.await`. And, once more, TCP is a stream: one read may
//! bring several requests, or a piece of one.
//!
//! You write everything marked "Task" in this file; `main.rs` (provided) parses `--port N`,
//! binds 127.0.0.1:N and calls [`serve`].
//!
//! How it is checked: the hidden checks run your server and talk to it: the protocol byte for byte
//! (values compared as numbers), every malformed request of the list above (the connection must
//! stay usable), overwriting and sorting, several requests in one write and one request written a
//! byte at a time, two clients interleaving puts into one store, 1,000 connect/disconnect cycles
//! (the server's open descriptors in /proc/PID/fd must come back to where they were), 100 clients
//! at once (every request answered; the latency is reported), a client that sends requests and
//! reads none of the replies (the others must still be answered at once), and an idle server (no
//! CPU). Public tests: `checker check ex17` (or `cargo test -p ex17_metrics_server` in
//! `exercises/`).

use std::io;

use tokio::net::{TcpListener, TcpStream};

/// The reply to anything that is not a valid request.
pub const ERROR_REPLY: &[u8] = b"error\nwrong command\n\n";

/// A valid request.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// `put <key> <value> <timestamp>`
    Put {
        key: String,
        value: f64,
        timestamp: i64,
    },
    /// `get <key>`; the key `*` means every key.
    Get { key: String },
}

/// Task: parse one request line, given without its `\n`; `None` if it is not a valid request
/// (see the list at the top of this file).
pub fn parse_request(_line: &[u8]) -> Option<Request> {
    todo!("check the bytes are UTF-8, split on single spaces, match the words")
}

/// Every measurement, shared by every connection: cloning a `Store` must give the same store.
#[derive(Clone, Default)]
pub struct Store {
    // Replace this with your field: the maps behind an Arc<Mutex<..>>, for example.
    _todo: (),
}

impl Store {
    /// Task: store `value` for `key` at `timestamp`, replacing a value already there.
    pub fn put(&self, _key: &str, _value: f64, _timestamp: i64) {
        todo!("store the measurement (the same timestamp again overwrites)")
    }

    /// Task: the measurements of `key` (`*`: of every key) as `(key, value, timestamp)`, each
    /// key's sorted by timestamp.
    pub fn get(&self, _key: &str) -> Vec<(String, f64, i64)> {
        todo!("the measurements of key, sorted by timestamp")
    }
}

/// Task: the reply to one request line (given without its `\n`), ending with the empty line.
pub fn reply(_line: &[u8], _store: &Store) -> Vec<u8> {
    todo!("parse the request, run it on the store, write the reply")
}

/// Task: serve one client until it closes the connection: read each request line, write its
/// reply. A malformed request gets the error reply; it does not end the connection.
pub async fn serve_client(_stream: TcpStream, _store: Store) -> io::Result<()> {
    todo!("read lines until the end of the stream, answer each one")
}

/// Task: accept clients forever, each served by a task of its own, all sharing one store.
pub async fn serve(_listener: TcpListener) {
    todo!("accept in a loop and tokio::spawn a task per connection")
}
