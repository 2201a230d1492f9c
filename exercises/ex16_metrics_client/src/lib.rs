//! # ex16_metrics_client: graded project, a metrics client (lecture 2.1–2.2)
//!
//! The first graded project: a client for a small metrics service, like the one a monitoring
//! agent uses to report a machine's load and to read it back. It speaks a text protocol over
//! one TCP connection, which it opens once in [`Client::new`] and keeps for the whole session.
//!
//! Requests, one line each, words separated by one space:
//! - `put <key> <value> <timestamp>\n`: store a measurement (`put cpu.load 0.5 1501864247\n`);
//! - `get <key>\n`: fetch the measurements of one key; `get *\n` fetches every key.
//!
//! Replies end with an empty line:
//! - `ok\n\n`: done (a `put`, or a `get` that found nothing);
//! - `ok\n` then one `<key> <value> <timestamp>\n` line per measurement, then `\n`;
//! - `error\nwrong command\n\n`: the server did not understand the request.
//!
//! You write [`Client`] (`new`, `put`, `get`) and the parts of [`ClientError`] marked as tasks.
//! What the lecture teaches here:
//! - TCP is a stream, not a sequence of messages: one `read()` may return half a reply, or a
//!   single byte. Keep reading until the empty line that ends the reply has arrived
//!   (`BufReader::read_until` does the looping for you);
//! - a network client never waits forever: set a timeout, so that a server that never answers
//!   gives an error instead of a hang;
//! - a client trusts nothing it receives: a reply that does not follow the protocol is an
//!   error ([`ClientError`]), never a half-filled result.
//!
//! How it is checked: the hidden checks run your client against a fake metrics server played
//! by the checker. They compare the exact bytes you send (`put k 1.5 1\n`, `get k\n`,
//! `get *\n`), feed replies one byte at a time, send every malformed reply of the protocol
//! (`error\nwrong command\n\n`, `ok\nblablabla\n\n`, a value that is not a number, a timestamp
//! that is not an integer, fields swapped, fields separated by two spaces or a tab, a reply
//! cut short by the server closing the connection) and expect a `ClientError` for each, count your connections (one per session),
//! and time how long `get` takes to give up on a server that never answers, how long
//! `Client::new` takes to give up on a server that never answers the connection attempt, and
//! how long a `put` of megabytes takes to give up on a server that reads nothing; a `put` longer
//! than the socket buffers, to a server that starts reading late, must arrive whole. Public tests:
//! `checker check ex16` (or `cargo test -p ex16_metrics_client` in `exercises/`).

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt;
use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The measurements of a `get`: for each key, its `(timestamp, value)` pairs sorted by
/// timestamp.
pub type Metrics = BTreeMap<String, Vec<(i64, f64)>>;

/// Everything that can go wrong in a session with the metrics server.
///
/// Provided: the variants. Your task: `Display` and `Error::source` below.
#[derive(Debug)]
pub enum ClientError {
    /// Connecting, sending or receiving failed, or no reply came within the timeout.
    Io(io::Error),
    /// The server answered `error`, with this message (`wrong command`).
    Server(String),
    /// The reply does not follow the protocol; what is wrong with it.
    BadReply(String),
    /// The key cannot be sent: it is empty or contains whitespace.
    BadKey(String),
}

impl fmt::Display for ClientError {
    /// Task: one short sentence per variant, with its details ("the metrics server answered
    /// with an error: wrong command").
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("describe each kind of error")
    }
}

impl Error for ClientError {
    /// Task: the cause of the error: the `io::Error` inside `Io`, `None` for the others.
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        todo!("return the io::Error inside ClientError::Io")
    }
}

impl From<io::Error> for ClientError {
    /// Provided: lets `?` turn an `io::Error` into a `ClientError::Io`.
    fn from(e: io::Error) -> Self {
        ClientError::Io(e)
    }
}

/// A session with a metrics server: one connection, opened by `new`, used by every request.
pub struct Client {
    // Replace this with your fields: the connection (wrapped in a BufReader, for example).
    _todo: (),
}

impl Client {
    /// Task: connect to `host:port`, giving up after `timeout`; every later read and write
    /// must give up after `timeout` too. Connect here, once: every request of the session uses
    /// this connection.
    pub fn new(_host: &str, _port: u16, _timeout: Duration) -> Result<Client, ClientError> {
        todo!("connect once, with timeouts on connect, read and write")
    }

    /// Task: send `put <key> <value> <timestamp>\n` (`timestamp` `None` means now: use
    /// [`now`]) and check that the reply is `ok\n\n`.
    pub fn put(
        &mut self,
        _key: &str,
        _value: f64,
        _timestamp: Option<i64>,
    ) -> Result<(), ClientError> {
        todo!("send the put line and read its reply")
    }

    /// Task: send `get <key>\n` (`"*"`: every key) and return the measurements of the reply,
    /// each key's sorted by timestamp. Any reply that does not follow the protocol is an error.
    pub fn get(&mut self, _key: &str) -> Result<Metrics, ClientError> {
        todo!("send the get line, read the reply up to its empty line, parse every line")
    }
}

/// The current time in whole Unix seconds.
///
/// Provided: you do not need to change this.
pub fn now() -> i64 {
    // The clock is after 1970 on any machine this runs on; 0 would still be a valid timestamp.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
