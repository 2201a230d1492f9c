//! # ex16_metrics_client: graded project, a metrics client (lecture 2.1–2.2)
//!
//! Reference solution. A synchronous client for the course's metrics protocol: one TCP
//! connection, opened by [`Client::new`] and kept for the whole session; [`Client::put`] stores a
//! measurement, [`Client::get`] fetches measurements. Every request is one line; every reply
//! ends with an empty line, so the client reads until that empty line, however the bytes are
//! split by the network, and rejects anything the protocol does not allow.

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The measurements of a `get`: for each key, its `(timestamp, value)` pairs sorted by
/// timestamp.
pub type Metrics = BTreeMap<String, Vec<(i64, f64)>>;

/// Everything that can go wrong in a session with the metrics server.
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Io(e) => write!(f, "connection to the metrics server failed: {e}"),
            ClientError::Server(message) => {
                write!(f, "the metrics server answered with an error: {message}")
            }
            ClientError::BadReply(what) => write!(
                f,
                "the metrics server's reply does not follow the protocol: {what}"
            ),
            ClientError::BadKey(key) => {
                write!(f, "{key:?} is not a valid key (non-empty, no whitespace)")
            }
        }
    }
}

impl Error for ClientError {
    /// The cause: the I/O error behind an `Io`, nothing for the others (their text says it all).
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ClientError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for ClientError {
    fn from(e: io::Error) -> Self {
        ClientError::Io(e)
    }
}

/// A session with a metrics server.
pub struct Client {
    /// Reads through a buffer: a reply may arrive in many pieces, and `read_until` collects
    /// them. The same `BufReader` is kept for the whole session, so no byte it has buffered is
    /// ever lost between requests.
    reader: BufReader<TcpStream>,
}

impl Client {
    /// Connects to `host:port`, giving up after `timeout`; every later read and write gives up
    /// after `timeout` too.
    pub fn new(host: &str, port: u16, timeout: Duration) -> Result<Client, ClientError> {
        // A host name may resolve to several addresses: try each, keep the last error.
        let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address"));
        for addr in (host, port).to_socket_addrs()? {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(stream) => {
                    // Without these, a server that never answers blocks read() forever.
                    stream.set_read_timeout(Some(timeout))?;
                    stream.set_write_timeout(Some(timeout))?;
                    // Requests are small and we wait for each reply: send each one at once.
                    stream.set_nodelay(true)?;
                    return Ok(Client {
                        reader: BufReader::new(stream),
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(ClientError::Io(last))
    }

    /// Stores `value` for `key` at `timestamp` (Unix seconds; `None` means now).
    pub fn put(
        &mut self,
        key: &str,
        value: f64,
        timestamp: Option<i64>,
    ) -> Result<(), ClientError> {
        check_key(key)?;
        let timestamp = timestamp.unwrap_or_else(now);
        // f64's Display writes the shortest text that reads back as the same number (1.5, 30).
        let lines = self.request(&format!("put {key} {value} {timestamp}\n"))?;
        if let Some(line) = lines.first() {
            return Err(ClientError::BadReply(format!(
                "a put is answered with `ok` alone, not with {line:?}"
            )));
        }
        Ok(())
    }

    /// The measurements of `key` (`"*"`: of every key), each key's sorted by timestamp. A key
    /// the server does not know is simply absent.
    pub fn get(&mut self, key: &str) -> Result<Metrics, ClientError> {
        check_key(key)?; // `*` is one word too.
        let mut metrics = Metrics::new();
        for line in self.request(&format!("get {key}\n"))? {
            let (key, timestamp, value) = parse_line(&line)?;
            metrics.entry(key).or_default().push((timestamp, value));
        }
        for points in metrics.values_mut() {
            points.sort_by_key(|&(timestamp, _)| timestamp);
        }
        Ok(metrics)
    }

    /// Sends one request line and returns the lines of an `ok` reply (between `ok` and the
    /// empty line).
    fn request(&mut self, line: &str) -> Result<Vec<String>, ClientError> {
        self.reader.get_mut().write_all(line.as_bytes())?;
        // MUTANT: the whole reply is expected to come in one read().
        let mut buf = [0u8; 4096];
        let n = self.reader.get_mut().read(&mut buf)?;
        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
        let Some(body) = text.strip_suffix("\n\n") else {
            return Err(ClientError::BadReply(format!("incomplete reply {text:?}")));
        };
        let mut all = body.split('\n').map(str::to_owned);
        let status = all.next().unwrap_or_default();
        let lines: Vec<String> = all.collect();
        match status.as_str() {
            "ok" => Ok(lines),
            "error" => match lines.as_slice() {
                [message] => Err(ClientError::Server(message.clone())),
                _ => Err(ClientError::BadReply(format!(
                    "an error reply has one line of message, not {lines:?}"
                ))),
            },
            other => Err(ClientError::BadReply(format!(
                "a reply starts with `ok` or `error`, not {other:?}"
            ))),
        }
    }

    /// One line of the reply, without its `\n`. The server closing the connection in the
    /// middle of a reply is an error, not the end of the reply.
    #[allow(dead_code)]
    fn read_line(&mut self) -> Result<String, ClientError> {
        let mut bytes = Vec::new();
        // read_until keeps reading until the `\n` has arrived, however many reads it takes.
        self.reader.read_until(b'\n', &mut bytes)?;
        if bytes.pop() != Some(b'\n') {
            return Err(ClientError::BadReply(
                "the server closed the connection before the end of the reply (the empty line)"
                    .to_owned(),
            ));
        }
        String::from_utf8(bytes)
            .map_err(|_| ClientError::BadReply("the reply is not UTF-8 text".to_owned()))
    }
}

/// `<key> <value> <timestamp>` → (key, timestamp, value).
fn parse_line(line: &str) -> Result<(String, i64, f64), ClientError> {
    let bad = |what: &str| ClientError::BadReply(format!("{what} in the line {line:?}"));
    let [key, value, timestamp] = line.split(' ').collect::<Vec<_>>()[..] else {
        return Err(bad("not three fields <key> <value> <timestamp>"));
    };
    if key.is_empty() {
        return Err(bad("an empty key"));
    }
    let value: f64 = value
        .parse()
        .map_err(|_| bad("a value that is not a number"))?;
    let timestamp: i64 = timestamp
        .parse()
        .map_err(|_| bad("a timestamp that is not an integer"))?;
    Ok((key.to_owned(), timestamp, value))
}

/// A key goes into a line of words: it must be one non-empty word.
fn check_key(key: &str) -> Result<(), ClientError> {
    if key.is_empty() || key.contains(char::is_whitespace) {
        return Err(ClientError::BadKey(key.to_owned()));
    }
    Ok(())
}

/// The current time in whole Unix seconds.
pub fn now() -> i64 {
    // The clock is after 1970 on any machine this runs on; 0 would still be a valid timestamp.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
