//! # ex17_metrics_server: graded project, an asynchronous metrics server (lecture 3.4)
//!
//! Reference solution. One tokio task per connection, one store shared by all of them. Each
//! task reads request lines with `read_until(b'\n')`, which copes with several requests in one
//! read and with one request spread over many reads, answers each line with exactly one reply,
//! and never closes the connection because of a bad request.

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
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

/// Parses one request line, without its `\n`; `None` if it is not a valid request.
pub fn parse_request(line: &[u8]) -> Option<Request> {
    // Bytes that are not UTF-8 are a malformed request, not a reason to drop the connection.
    let text = std::str::from_utf8(line).ok()?;
    // Words are separated by exactly one space: split(' ') keeps the empty words that two
    // spaces make, so `put k  1 2` has five words and is rejected.
    let words: Vec<&str> = text.split(' ').collect();
    match words.as_slice() {
        ["put", key, value, timestamp] if is_key(key) => Some(Request::Put {
            key: (*key).to_owned(),
            value: value.parse().ok()?,
            timestamp: timestamp.parse().ok()?,
        }),
        ["get", key] if is_key(key) => Some(Request::Get {
            key: (*key).to_owned(),
        }),
        _ => None,
    }
}

/// A key is one non-empty word.
fn is_key(key: &str) -> bool {
    !key.is_empty() && !key.contains(char::is_whitespace)
}

/// Every measurement, shared by every connection.
///
/// Cloning a `Store` clones the `Arc`: all clones are the same store. For each key, a
/// `BTreeMap` from timestamp to value: putting the same timestamp again replaces the value, and
/// iterating gives the timestamps in ascending order, so both rules of the protocol come free.
#[derive(Clone, Default)]
pub struct Store {
    inner: Arc<Mutex<BTreeMap<String, BTreeMap<i64, f64>>>>,
}

impl Store {
    /// Stores `value` for `key` at `timestamp`, replacing a value already there.
    pub fn put(&self, key: &str, value: f64, timestamp: i64) {
        self.lock()
            .entry(key.to_owned())
            .or_default()
            .insert(timestamp, value);
    }

    /// The measurements of `key` (`*`: of every key) as `(key, value, timestamp)`, each key's
    /// sorted by timestamp.
    pub fn get(&self, key: &str) -> Vec<(String, f64, i64)> {
        let store = self.lock();
        let keys: Vec<(&String, &BTreeMap<i64, f64>)> = if key == "*" {
            store.iter().collect()
        } else {
            store.get_key_value(key).into_iter().collect()
        };
        keys.into_iter()
            .flat_map(|(key, points)| {
                points
                    .iter()
                    .map(move |(&timestamp, &value)| (key.clone(), value, timestamp))
            })
            .collect()
    }

    /// The lock is held only inside `put` and `get`, never across an `.await`, so a plain
    /// `std::sync::Mutex` is right here: it is faster than tokio's, and a task can never be
    /// suspended while holding it. A panic while holding it cannot leave the maps half-changed
    /// (each change is one insert), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, BTreeMap<i64, f64>>> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The reply to one request line (without its `\n`), ending with the empty line.
pub fn reply(line: &[u8], store: &Store) -> Vec<u8> {
    match parse_request(line) {
        Some(Request::Put {
            key,
            value,
            timestamp,
        }) => {
            store.put(&key, value, timestamp);
            b"ok\n\n".to_vec()
        }
        Some(Request::Get { key }) => {
            let mut out = String::from("ok\n");
            for (key, value, timestamp) in store.get(&key) {
                // f64's Display writes the shortest text that reads back as the same number.
                out.push_str(&format!("{key} {value} {timestamp}\n"));
            }
            out.push('\n');
            out.into_bytes()
        }
        None => ERROR_REPLY.to_vec(),
    }
}

/// Serves one client until it closes the connection.
pub async fn serve_client(stream: TcpStream, store: Store) -> io::Result<()> {
    let (reader, writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    // Replies go through a buffer too: each reply leaves in one write, and the replies to
    // requests that came together leave together.
    let mut writer = BufWriter::new(writer);
    let mut line = Vec::new();
    loop {
        line.clear();
        // read_until returns once a whole line is there, however the bytes were split.
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(()); // The client closed the connection.
        }
        let Some(request) = line.strip_suffix(b"\n") else {
            return Ok(()); // The client closed in the middle of a line: nobody to answer.
        };
        writer.write_all(&reply(request, &store)).await?;
        // Flush unless another whole request is already waiting: then its reply joins this one.
        // (A partial request must not wait for more bytes with our reply still unsent: the
        // client may be waiting for that reply before it sends the rest.)
        if !reader.buffer().contains(&b'\n') {
            writer.flush().await?;
        }
    }
}

/// Accepts clients forever, each served by a task of its own; they all share one store.
pub async fn serve(listener: TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                // MUTANT: every connection gets a store of its own.
                let store = Store::default();
                // The task owns the stream: when the client leaves, the task ends and the
                // socket is closed. Nothing else keeps a reference to it.
                tokio::spawn(async move {
                    if let Err(e) = serve_client(stream, store).await {
                        eprintln!("client: {e}");
                    }
                });
            }
            // A failed accept (out of descriptors, a connection reset before it was accepted)
            // concerns one client, not the server: report it and go on.
            Err(e) => {
                eprintln!("accept: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    }
}
