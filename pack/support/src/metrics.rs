//! The metrics protocol of the graded projects (ex16 client, ex17 server), as the grading pack
//! speaks it: strict parsing of replies, a client connection that reads one reply at a time, a
//! scripted fake server for checking a student's client, and a load generator for measuring a
//! student's server (also used by `bench/metrics_load`).
//!
//! The protocol (see CURRICULUM.md): requests are lines (`put <key> <value> <timestamp>\n`,
//! `get <key>\n`, `get *\n`); every reply ends with an empty line: `ok\n\n`, `ok\n` followed by
//! one `<key> <value> <timestamp>\n` line per measurement and `\n`, or `error\nwrong command\n\n`.
//! Values are compared as numbers (`10` and `10.0` are the same value), everything else as text.
//!
//! - [`parse_reply`] reads one whole reply strictly and says what is wrong with it; [`Sample`]
//!   is one measurement line, [`show_samples`] shows them in messages.
//! - [`Peer`] is a connection to a metrics server that sends requests and takes the replies off
//!   the stream one at a time ([`Peer::read_reply`]), keeping what follows a reply for the next
//!   one, so pipelined replies are counted one by one.
//! - [`FakeMetricsServer`] plays the server for a student's client: it records the exact bytes
//!   and the request lines of every connection, and answers each request line as a closure says
//!   ([`Answer`]), whole or one byte at a time ([`Pace`]).
//! - [`run_load`] drives many clients at once against a server (one thread polls all of them, or
//!   a few threads share them), checks every reply against a model of the store and measures
//!   each request's latency ([`LoadReport`]).

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::net::{self, escape, LOOPBACK};

/// The only error reply of the protocol.
pub const ERROR_REPLY: &[u8] = b"error\nwrong command\n\n";

/// The reply to a `put`, or to a `get` that found nothing.
pub const OK_EMPTY: &[u8] = b"ok\n\n";

/// The most bytes one reply may have before [`Peer::read_reply`] gives up on it.
pub const MAX_REPLY: usize = 1 << 20;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/// One measurement line of a reply: `<key> <value> <timestamp>`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub key: String,
    pub value: f64,
    pub timestamp: i64,
}

impl Sample {
    pub fn new(key: &str, value: f64, timestamp: i64) -> Sample {
        Sample { key: key.to_owned(), value, timestamp }
    }
}

/// A reply, parsed.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// `ok`, with its measurement lines in the order they came.
    Ok(Vec<Sample>),
    /// `error`, with its message.
    Error(String),
}

/// Where the first empty line ends in `bytes` (the end of a reply), if there is one.
pub fn reply_end(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b"\n\n").map(|at| at + 2)
}

/// Parses one whole reply, ending with its empty line, strictly: the first line is `ok` or
/// `error`; after `ok`, every line is exactly `<key> <value> <timestamp>` with single spaces, a
/// non-empty key, a value that parses as a float and a timestamp written as an integer (no sign
/// `+`, no leading zero); after `error`, exactly one line of message. `Err` says what is wrong.
pub fn parse_reply(bytes: &[u8]) -> Result<Reply, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| crate::text!("support-reply-not-utf8", error = e.to_string()))?;
    let Some(body) = text.strip_suffix("\n\n") else {
        return Err(crate::text!("support-reply-no-empty-line"));
    };
    let mut lines = body.split('\n');
    match lines.next() {
        Some("ok") => {
            let mut samples = Vec::new();
            for line in lines {
                samples.push(parse_sample(line)?);
            }
            Ok(Reply::Ok(samples))
        }
        Some("error") => match (lines.next(), lines.next()) {
            (Some(message), None) if !message.is_empty() => Ok(Reply::Error(message.to_owned())),
            _ => Err(crate::text!("support-reply-error-lines")),
        },
        Some(first) => Err(crate::text!("support-reply-first-line", first = format!("{first:?}"))),
        None => Err(crate::text!("support-reply-empty")),
    }
}

/// Parses one measurement line (without its `\n`).
pub fn parse_sample(line: &str) -> Result<Sample, String> {
    let fields: Vec<&str> = line.split(' ').collect();
    let shown = || format!("{line:?}");
    let [key, value, timestamp] = fields.as_slice() else {
        return Err(crate::text!("support-sample-fields", line = shown(), count = fields.len()));
    };
    if key.is_empty() || key.contains(char::is_whitespace) {
        return Err(crate::text!("support-sample-no-key", line = shown()));
    }
    let value: f64 = value
        .parse()
        .map_err(|_| crate::text!("support-sample-value", line = shown(), value = format!("{value:?}")))?;
    let ts: i64 = timestamp.parse().ok().filter(|ts: &i64| ts.to_string() == *timestamp).ok_or_else(|| {
        crate::text!("support-sample-timestamp", line = shown(), timestamp = format!("{timestamp:?}"))
    })?;
    Ok(Sample { key: (*key).to_owned(), value, timestamp: ts })
}

/// `ok\n` and the lines of `samples`, then the empty line, as a correct server writes them.
pub fn ok_reply(samples: &[Sample]) -> Vec<u8> {
    let mut out = String::from("ok\n");
    for s in samples {
        let _ = writeln!(out, "{} {} {}", s.key, s.value, s.timestamp);
    }
    out.push('\n');
    out.into_bytes()
}

/// `k1 0.25 1, k1 2.156 2` (or `no measurement line`).
pub fn show_samples(samples: &[Sample]) -> String {
    if samples.is_empty() {
        return crate::text!("support-no-measurement-line");
    }
    samples.iter().map(|s| format!("{} {} {}", s.key, s.value, s.timestamp)).collect::<Vec<_>>().join(", ")
}

/// Whether two sets of lines are the same measurements, comparing values as numbers. With
/// `any_key_order`, the keys may come in any order, but the lines of one key keep their order.
pub fn same_samples(expected: &[Sample], got: &[Sample], any_key_order: bool) -> bool {
    if !any_key_order {
        return expected.len() == got.len() && expected.iter().zip(got).all(|(a, b)| same_sample(a, b));
    }
    let group = |samples: &[Sample]| {
        let mut by_key: BTreeMap<String, Vec<Sample>> = BTreeMap::new();
        for s in samples {
            by_key.entry(s.key.clone()).or_default().push(s.clone());
        }
        by_key
    };
    let (a, b) = (group(expected), group(got));
    a.len() == b.len()
        && a.iter().zip(&b).all(|((ka, va), (kb, vb))| ka == kb && same_samples(va, vb, false))
        && keys_contiguous(got)
}

fn same_sample(a: &Sample, b: &Sample) -> bool {
    a.key == b.key && a.timestamp == b.timestamp && (a.value == b.value || (a.value.is_nan() && b.value.is_nan()))
}

/// Whether the lines of each key come together (`get *` may order keys freely, not mix them).
fn keys_contiguous(samples: &[Sample]) -> bool {
    let mut seen: Vec<&str> = Vec::new();
    for s in samples {
        if seen.last() != Some(&s.key.as_str()) {
            if seen.contains(&s.key.as_str()) {
                return false;
            }
            seen.push(&s.key);
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// A connection to a metrics server
// ---------------------------------------------------------------------------------------------

/// Why [`Peer::read_reply`] stopped before a whole reply: what had arrived, and the error
/// (`UnexpectedEof`: the server closed; `TimedOut`; `ConnectionReset`; `InvalidData`: too long).
#[derive(Debug)]
pub struct Cut {
    pub received: Vec<u8>,
    pub error: io::Error,
}

impl Cut {
    /// "received "ok\n" (3 bytes), then the connection was closed".
    pub fn describe(&self) -> String {
        let what = if self.received.is_empty() {
            crate::text!("support-received-nothing")
        } else {
            crate::text!("support-received", got = net::quoted(&self.received, 120))
        };
        format!("{what}, {}", net::describe_stop(&self.error))
    }
}

/// A client connection to a metrics server: sends requests, reads replies one at a time.
pub struct Peer {
    stream: TcpStream,
    pending: Vec<u8>,
}

impl Peer {
    /// Wraps a connected stream (Nagle's algorithm is turned off, so every request leaves at
    /// once).
    pub fn new(stream: TcpStream) -> Peer {
        let _ = stream.set_nodelay(true);
        Peer { stream, pending: Vec::new() }
    }

    /// Sends `bytes` in one write.
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// Sends `bytes` in pieces of `piece` bytes, `pause` apart.
    pub fn send_split(&mut self, bytes: &[u8], piece: usize, pause: Duration) -> io::Result<()> {
        net::send_split(&mut self.stream, bytes, piece, pause)
    }

    /// The underlying stream.
    pub fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }

    /// Reads until one whole reply (up to and including its empty line) has arrived, before
    /// `deadline`, and returns its bytes; whatever came after it is kept for the next call.
    pub fn read_reply(&mut self, deadline: Instant) -> Result<Vec<u8>, Cut> {
        let mut buf = [0u8; 16 * 1024];
        loop {
            if let Some(end) = reply_end(&self.pending) {
                let rest = self.pending.split_off(end);
                return Ok(std::mem::replace(&mut self.pending, rest));
            }
            if self.pending.len() > MAX_REPLY {
                let too_long = crate::text!("support-more-bytes-arrived", max = MAX_REPLY);
                let error = io::Error::new(io::ErrorKind::InvalidData, too_long);
                return Err(Cut { received: std::mem::take(&mut self.pending), error });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let error = io::Error::new(io::ErrorKind::TimedOut, crate::text!("support-nothing-more-arrived"));
                return Err(Cut { received: std::mem::take(&mut self.pending), error });
            }
            let _ = self.stream.set_read_timeout(Some(left.max(Duration::from_millis(1))));
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    let error = io::Error::new(io::ErrorKind::UnexpectedEof, crate::text!("support-connection-closed"));
                    return Err(Cut { received: std::mem::take(&mut self.pending), error });
                }
                Ok(n) => self.pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
                Err(error) => return Err(Cut { received: std::mem::take(&mut self.pending), error }),
            }
        }
    }

    /// Sends `request` and reads its reply before `deadline`.
    pub fn ask(&mut self, request: &[u8], deadline: Instant) -> Result<Vec<u8>, Cut> {
        if let Err(error) = self.send(request) {
            return Err(Cut { received: Vec::new(), error });
        }
        self.read_reply(deadline)
    }
}

// ---------------------------------------------------------------------------------------------
// A fake metrics server for the client exercise
// ---------------------------------------------------------------------------------------------

/// What a [`FakeMetricsServer`] does with one request line.
#[derive(Clone, Debug)]
pub enum Answer {
    /// Sends these bytes and keeps the connection open.
    Reply(Vec<u8>),
    /// Sends these bytes, then closes the connection.
    ReplyThenClose(Vec<u8>),
    /// Sends nothing and keeps the connection open (it goes on reading and recording).
    Silent,
}

/// How a [`FakeMetricsServer`] sends its replies.
#[derive(Clone, Copy, Debug)]
pub enum Pace {
    /// Each reply in one write.
    Whole,
    /// Each byte in a write of its own (Nagle's algorithm off), with this pause between them.
    ByteByByte(Duration),
    /// Each reply in one write, but each connection is read only this long after it was
    /// accepted, through small buffers ([`net::hold_little`]): a long request fills them, and
    /// the client's write must wait, then go on until the whole request is sent.
    LateReader(Duration),
}

/// One connection a [`FakeMetricsServer`] accepted, as recorded.
#[derive(Clone, Debug)]
pub struct Session {
    pub accepted_at: Instant,
    /// Every byte received, in order.
    pub received: Vec<u8>,
    /// The complete request lines received (each with its `\n`), in order.
    pub requests: Vec<Vec<u8>>,
    /// What was sent back, one entry per answered request.
    pub replies: Vec<Vec<u8>>,
    /// When the client closed its side (a read returned 0).
    pub client_closed_at: Option<Instant>,
    /// When the server began reading (`Pace::LateReader`: after its pause; else at once).
    pub reading_from: Option<Instant>,
}

type Responder = dyn Fn(&[u8]) -> Answer + Send + Sync;

struct FakeShared {
    state: Mutex<FakeState>,
    changed: Condvar,
    stopping: AtomicBool,
    respond: Box<Responder>,
    pace: Pace,
}

#[derive(Default)]
struct FakeState {
    sessions: Vec<Session>,
    /// Clones of the accepted streams (by session), to unblock the handlers when stopping.
    streams: Vec<Option<TcpStream>>,
    handlers: Vec<JoinHandle<()>>,
}

impl FakeShared {
    fn update(&self, index: usize, f: impl FnOnce(&mut Session)) {
        let mut state = lock(&self.state);
        f(&mut state.sessions[index]);
        self.changed.notify_all();
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

/// At most this many connections are accepted by one fake metrics server.
const FAKE_MAX_SESSIONS: usize = 64;
/// At most this many bytes are read from one connection.
const FAKE_MAX_BYTES: usize = 1 << 20;

/// A metrics server played by the checker on a free loopback port, for checking a student's
/// client. Every complete request line is handed to the responder, whose [`Answer`] is carried
/// out at once. Dropping it closes every connection and joins its threads.
pub struct FakeMetricsServer {
    port: u16,
    shared: Arc<FakeShared>,
    acceptor: Option<JoinHandle<()>>,
}

impl FakeMetricsServer {
    /// Listens on a free port of 127.0.0.1 and answers every request line with `respond(line)`
    /// (the line with its `\n`), sent as `pace` says.
    pub fn start(pace: Pace, respond: impl Fn(&[u8]) -> Answer + Send + Sync + 'static) -> io::Result<Self> {
        let listener = TcpListener::bind((LOOPBACK, 0))?;
        let port = listener.local_addr()?.port();
        listener.set_nonblocking(true)?;
        if let Pace::LateReader(_) = pace {
            net::hold_little(&listener)?;
        }
        let shared = Arc::new(FakeShared {
            state: Mutex::new(FakeState::default()),
            changed: Condvar::new(),
            stopping: AtomicBool::new(false),
            respond: Box::new(respond),
            pace,
        });
        let acceptor = {
            let shared = shared.clone();
            thread::Builder::new().name("fake-metrics".to_owned()).spawn(move || fake_accept(listener, shared))?
        };
        Ok(FakeMetricsServer { port, shared, acceptor: Some(acceptor) })
    }

    /// A fake server that answers every request with the same bytes.
    pub fn replying(pace: Pace, reply: &[u8]) -> io::Result<Self> {
        let reply = reply.to_vec();
        Self::start(pace, move |_| Answer::Reply(reply.clone()))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A snapshot of every connection so far, in the order they were accepted.
    pub fn sessions(&self) -> Vec<Session> {
        lock(&self.shared.state).sessions.clone()
    }

    /// Waits (at most `timeout`) until `done` holds for the sessions, and returns them.
    pub fn wait_until(&self, timeout: Duration, done: impl Fn(&[Session]) -> bool) -> Vec<Session> {
        let deadline = Instant::now() + timeout;
        let mut state = lock(&self.shared.state);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if done(&state.sessions) || left.is_zero() {
                return state.sessions.clone();
            }
            state = self.shared.changed.wait_timeout(state, left).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    /// Every request line received so far, on every connection, in order of connection.
    pub fn requests(&self) -> Vec<Vec<u8>> {
        self.sessions().into_iter().flat_map(|s| s.requests).collect()
    }
}

impl Drop for FakeMetricsServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let handlers = {
            let mut state = lock(&self.shared.state);
            for stream in state.streams.iter().flatten() {
                let _ = stream.shutdown(Shutdown::Both);
            }
            self.shared.changed.notify_all();
            std::mem::take(&mut state.handlers)
        };
        for handler in handlers {
            let _ = handler.join();
        }
    }
}

fn fake_accept(listener: TcpListener, shared: Arc<FakeShared>) {
    // Bounded: FAKE_MAX_SESSIONS connections, and the loop ends when the server is dropped.
    while !shared.stopping() {
        match listener.accept() {
            Ok((stream, _)) => {
                let mut state = lock(&shared.state);
                if state.sessions.len() >= FAKE_MAX_SESSIONS {
                    continue; // Dropped at once: the client sees the connection closed.
                }
                let index = state.sessions.len();
                state.sessions.push(Session {
                    accepted_at: Instant::now(),
                    received: Vec::new(),
                    requests: Vec::new(),
                    replies: Vec::new(),
                    client_closed_at: None,
                    reading_from: None,
                });
                state.streams.push(stream.try_clone().ok());
                shared.changed.notify_all();
                let handler = {
                    let shared = shared.clone();
                    thread::Builder::new()
                        .name(format!("fake-metrics-{index}"))
                        .spawn(move || fake_session(stream, index, &shared))
                        .expect("starting a fake metrics connection thread")
                };
                state.handlers.push(handler);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(1)),
            Err(_) => thread::sleep(Duration::from_millis(1)),
        }
    }
}

fn fake_session(mut stream: TcpStream, index: usize, shared: &FakeShared) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    // A short read timeout, so that the handler notices when the server is being dropped.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    if let Pace::LateReader(pause) = shared.pace {
        let accepted = lock(&shared.state).sessions[index].accepted_at;
        while accepted.elapsed() < pause && !shared.stopping() {
            thread::sleep(Duration::from_millis(5));
        }
    }
    shared.update(index, |s| s.reading_from = Some(Instant::now()));
    let mut buf = [0u8; 4096];
    let mut line = Vec::new();
    let mut total = 0;
    while !shared.stopping() && total < FAKE_MAX_BYTES {
        let n = match stream.read(&mut buf) {
            Ok(0) => {
                shared.update(index, |s| s.client_closed_at = Some(Instant::now()));
                return;
            }
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                ) =>
            {
                continue
            }
            Err(_) => return,
        };
        total += n;
        shared.update(index, |s| s.received.extend_from_slice(&buf[..n]));
        for &byte in &buf[..n] {
            line.push(byte);
            if byte != b'\n' {
                continue;
            }
            let request = std::mem::take(&mut line);
            shared.update(index, |s| s.requests.push(request.clone()));
            let (reply, close) = match (shared.respond)(&request) {
                Answer::Reply(bytes) => (bytes, false),
                Answer::ReplyThenClose(bytes) => (bytes, true),
                Answer::Silent => continue,
            };
            if !fake_send(&mut stream, &reply, shared.pace, shared) {
                return;
            }
            shared.update(index, |s| s.replies.push(reply));
            if close {
                // The clone kept for stopping would keep the socket open: close it too.
                let clone = lock(&shared.state).streams[index].take();
                drop(clone);
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
        }
    }
}

fn fake_send(stream: &mut TcpStream, reply: &[u8], pace: Pace, shared: &FakeShared) -> bool {
    match pace {
        Pace::Whole | Pace::LateReader(_) => stream.write_all(reply).is_ok(),
        Pace::ByteByByte(pause) => {
            for (i, byte) in reply.iter().enumerate() {
                if i > 0 {
                    thread::sleep(pause);
                }
                if shared.stopping() || stream.write_all(std::slice::from_ref(byte)).is_err() {
                    return false;
                }
            }
            true
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Load: many clients at once
// ---------------------------------------------------------------------------------------------

/// A load to put on a metrics server with [`run_load`].
#[derive(Clone, Debug)]
pub struct Load {
    /// Clients connected at once (each connected before any request is sent).
    pub clients: usize,
    /// Requests per client, alternately `put` and `get` of the client's own key.
    pub requests: usize,
    /// Requests a client sends before waiting for replies (1: one request, one reply, the next
    /// request; more: pipelining).
    pub in_flight: usize,
    /// Threads sharing the clients (each polls its share).
    pub threads: usize,
    /// The run stops at this point whatever happened; unanswered requests are counted.
    pub limit: Duration,
    /// Each client's key is `<prefix><client number>`.
    pub key_prefix: String,
}

impl Load {
    /// `clients` clients of `requests` requests each, one request at a time, on one thread.
    pub fn new(clients: usize, requests: usize, limit: Duration) -> Load {
        Load { clients, requests, in_flight: 1, threads: 1, limit, key_prefix: "load.".to_owned() }
    }
}

/// What [`run_load`] saw.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Clients asked for, and how many could connect.
    pub clients: usize,
    pub connected: usize,
    /// Requests that should have been answered (clients × requests) and were answered right.
    pub expected: usize,
    pub answered: usize,
    /// Clients that got every reply, and clients that got no reply at all.
    pub clients_done: usize,
    pub clients_never_answered: usize,
    /// The latency of each answered request (from its write to its reply's last byte), sorted.
    pub latencies: Vec<Duration>,
    /// What went wrong (a wrong reply, a closed connection), at most one per client.
    pub errors: Vec<String>,
    /// From the first request to the last reply (or the limit).
    pub elapsed: Duration,
    /// Whether the limit stopped the run before every request was answered.
    pub hit_limit: bool,
}

impl LoadReport {
    /// The latency at quantile `q` (0.5 for the median, 0.99), if any request was answered.
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        if self.latencies.is_empty() {
            return None;
        }
        let rank = ((self.latencies.len() as f64 * q).ceil() as usize).clamp(1, self.latencies.len());
        Some(self.latencies[rank - 1])
    }

    /// Answered requests per second of the run.
    pub fn per_second(&self) -> f64 {
        self.answered as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Whether every request was answered right.
    pub fn all_answered(&self) -> bool {
        self.errors.is_empty() && self.answered == self.expected && self.connected == self.clients
    }

    /// "1000 requests from 100 clients answered in 312 ms (3205/s); latency p50 1.2 ms, p99 8.5 ms".
    pub fn summary(&self) -> String {
        let quantile = |q| self.quantile(q).map(millis).unwrap_or_else(|| "-".to_owned());
        crate::text!(
            "support-load-summary",
            answered = self.answered,
            expected = self.expected,
            clients = self.clients,
            ms = self.elapsed.as_millis() as u64,
            rate = format!("{:.0}", self.per_second()),
            p50 = quantile(0.5),
            p99 = quantile(0.99),
            max = quantile(1.0),
        )
    }
}

/// "1.23 ms".
pub fn millis(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// Connects `load.clients` clients to 127.0.0.1:`port` (all before any request), then has each
/// send `load.requests` requests (`put` and `get` of its own key, alternately; the timestamps
/// repeat every 8 puts, so later puts overwrite and `get` replies stay short), checks every reply
/// against a model of the client's key and records each request's latency. Every connection is
/// held open until the run ends: a server that serves only some clients at a time cannot finish.
pub fn run_load(port: u16, load: &Load) -> LoadReport {
    let mut clients = Vec::with_capacity(load.clients);
    let mut errors = Vec::new();
    for i in 0..load.clients {
        match net::connect(port, Duration::from_secs(2)) {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                let _ = stream.set_nonblocking(true);
                clients.push(LoadClient::new(i, stream, &load.key_prefix));
            }
            Err(e) => errors.push(crate::text!("support-load-could-not-connect", i, error = e.to_string())),
        }
    }
    let connected = clients.len();
    let threads = load.threads.clamp(1, clients.len().max(1));
    let start = Instant::now();
    let deadline = start + load.limit;
    let mut shares: Vec<Vec<LoadClient>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, client) in clients.into_iter().enumerate() {
        shares[i % threads].push(client);
    }
    let shares: Vec<Vec<LoadClient>> = thread::scope(|scope| {
        let running: Vec<_> =
            shares.into_iter().map(|share| scope.spawn(move || drive(share, load, deadline))).collect();
        running.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let clients: Vec<LoadClient> = shares.into_iter().flatten().collect();
    let mut report = LoadReport {
        clients: load.clients,
        connected,
        expected: load.clients * load.requests,
        ..LoadReport::default()
    };
    let mut last = start;
    for client in &clients {
        report.answered += client.answered;
        report.clients_done += usize::from(client.done(load));
        report.clients_never_answered += usize::from(client.answered == 0 && load.requests > 0);
        report.latencies.extend(&client.latencies);
        if let Some(at) = client.last_reply_at {
            last = last.max(at);
        }
        if let Some(error) = &client.error {
            errors.push(error.clone());
        }
    }
    report.hit_limit = clients.iter().any(|c| !c.done(load) && c.error.is_none());
    report.elapsed = if report.hit_limit { start.elapsed().min(load.limit) } else { last - start };
    report.latencies.sort_unstable();
    report.errors = errors;
    report
}

struct LoadClient {
    number: usize,
    key: String,
    stream: TcpStream,
    /// The next request to send.
    next: usize,
    out: Vec<u8>,
    input: Vec<u8>,
    /// Requests sent and not yet answered: when, the request, and the reply expected.
    waiting: VecDeque<(Instant, String, Reply)>,
    /// The client's key as the server should hold it: timestamp -> value.
    model: BTreeMap<i64, f64>,
    answered: usize,
    latencies: Vec<Duration>,
    last_reply_at: Option<Instant>,
    error: Option<String>,
}

impl LoadClient {
    fn new(number: usize, stream: TcpStream, prefix: &str) -> LoadClient {
        LoadClient {
            number,
            key: format!("{prefix}{number}"),
            stream,
            next: 0,
            out: Vec::new(),
            input: Vec::new(),
            waiting: VecDeque::new(),
            model: BTreeMap::new(),
            answered: 0,
            latencies: Vec::new(),
            last_reply_at: None,
            error: None,
        }
    }

    fn done(&self, load: &Load) -> bool {
        self.error.is_none() && self.answered == load.requests
    }

    fn active(&self, load: &Load) -> bool {
        self.error.is_none() && self.answered < load.requests
    }

    /// Queues requests until `in_flight` are waiting.
    fn queue_requests(&mut self, load: &Load) {
        while self.next < load.requests && self.waiting.len() < load.in_flight.max(1) {
            let j = self.next;
            let (request, expected) = if j.is_multiple_of(2) {
                let (value, ts) = (j as f64 + 0.5, (j as i64 / 2) % 8);
                self.model.insert(ts, value);
                (format!("put {} {value} {ts}\n", self.key), Reply::Ok(Vec::new()))
            } else {
                let lines = self.model.iter().map(|(&ts, &v)| Sample::new(&self.key, v, ts)).collect();
                (format!("get {}\n", self.key), Reply::Ok(lines))
            };
            self.out.extend_from_slice(request.as_bytes());
            self.waiting.push_back((Instant::now(), request, expected));
            self.next += 1;
        }
    }

    fn fail(&mut self, what: String) {
        if self.error.is_none() {
            let (number, answered) = (self.number, self.answered);
            self.error = Some(crate::text!("support-load-client-error", number, answered, what));
        }
    }

    fn write_some(&mut self) {
        while !self.out.is_empty() {
            match self.stream.write(&self.out) {
                Ok(0) => return self.fail(crate::text!("support-load-stopped-accepting")),
                Ok(n) => {
                    self.out.drain(..n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) => return self.fail(crate::text!("support-load-send-failed", error = e.to_string())),
            }
        }
    }

    fn read_some(&mut self, buf: &mut [u8]) {
        loop {
            match self.stream.read(buf) {
                Ok(0) => return self.fail(crate::text!("support-load-server-closed")),
                Ok(n) => self.input.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return self.fail(crate::text!("support-load-receive-failed", error = e.to_string())),
            }
        }
        let now = Instant::now();
        while let Some(end) = reply_end(&self.input) {
            let rest = self.input.split_off(end);
            let reply = std::mem::replace(&mut self.input, rest);
            let Some((sent_at, request, expected)) = self.waiting.pop_front() else {
                return self.fail(crate::text!("support-load-unasked-reply", reply = net::quoted(&reply, 80)));
            };
            let right = match (parse_reply(&reply), &expected) {
                (Ok(Reply::Ok(got)), Reply::Ok(want)) => same_samples(want, &got, false),
                _ => false,
            };
            if !right {
                let want = match &expected {
                    Reply::Ok(samples) => ok_reply(samples),
                    Reply::Error(_) => ERROR_REPLY.to_vec(),
                };
                return self.fail(crate::text!(
                    "support-load-wrong-reply",
                    request = escape(request.as_bytes(), 80),
                    expected = net::quoted(&want, 120),
                    got = net::quoted(&reply, 120)
                ));
            }
            self.answered += 1;
            self.latencies.push(now - sent_at);
            self.last_reply_at = Some(now);
        }
        if self.input.len() > MAX_REPLY {
            self.fail(crate::text!("support-load-too-long", max = MAX_REPLY));
        }
    }
}

/// Runs `clients` until each is done or failed, or until `deadline`.
fn drive(mut clients: Vec<LoadClient>, load: &Load, deadline: Instant) -> Vec<LoadClient> {
    let mut buf = vec![0u8; 64 * 1024];
    // Bounded: every pass waits in poll at most 100 ms and the loop ends at the deadline.
    loop {
        for client in clients.iter_mut().filter(|c| c.active(load)) {
            client.queue_requests(load);
            client.write_some();
        }
        let active: Vec<usize> = (0..clients.len()).filter(|&i| clients[i].active(load)).collect();
        let left = deadline.saturating_duration_since(Instant::now());
        if active.is_empty() || left.is_zero() {
            return clients;
        }
        let mut fds: Vec<libc::pollfd> = active
            .iter()
            .map(|&i| {
                let events = if clients[i].out.is_empty() { libc::POLLIN } else { libc::POLLIN | libc::POLLOUT };
                libc::pollfd { fd: clients[i].stream.as_raw_fd(), events, revents: 0 }
            })
            .collect();
        let timeout = left.as_millis().clamp(1, 100) as libc::c_int;
        // SAFETY: poll reads and writes the pollfd array we own, of the length we pass.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout) };
        if ready <= 0 {
            continue; // Timeout (the deadline is checked above) or EINTR.
        }
        for (pfd, &i) in fds.iter().zip(&active) {
            if pfd.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
                clients[i].read_some(&mut buf);
            }
            if pfd.revents & libc::POLLOUT != 0 {
                clients[i].write_some();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_parse_strictly() {
        assert_eq!(parse_reply(b"ok\n\n"), Ok(Reply::Ok(vec![])));
        assert_eq!(
            parse_reply(b"ok\nk1 0.25 1\nk2 30 4\n\n"),
            Ok(Reply::Ok(vec![Sample::new("k1", 0.25, 1), Sample::new("k2", 30.0, 4)]))
        );
        assert_eq!(parse_reply(ERROR_REPLY), Ok(Reply::Error("wrong command".to_owned())));
        for bad in [
            &b"ok\nblablabla\n\n"[..],
            b"ok\nk1 abc 1\n\n",
            b"ok\nk1 0.5 1.5\n\n",
            b"ok\nk1 0.5 +1\n\n",
            b"ok\nk1  0.5 1\n\n",
            b"ok\nk1 0.5 1\n",
            b"okay\n\n",
            b"error\n\n",
            b"ok\n\xff 1 1\n\n",
        ] {
            assert!(parse_reply(bad).is_err(), "{}", escape(bad, 100));
        }
    }

    #[test]
    fn samples_compare_as_numbers() {
        let want = [Sample::new("k2", 30.0, 4), Sample::new("k1", 0.25, 1)];
        let Ok(Reply::Ok(got)) = parse_reply(b"ok\nk1 0.25 1\nk2 30.0 4\n\n") else { panic!() };
        assert!(same_samples(&want, &got, true));
        assert!(!same_samples(&want, &got, false));
        let Ok(Reply::Ok(mixed)) = parse_reply(b"ok\nk1 0.25 1\nk2 30 4\nk1 0.5 2\n\n") else { panic!() };
        let want = [Sample::new("k2", 30.0, 4), Sample::new("k1", 0.25, 1), Sample::new("k1", 0.5, 2)];
        assert!(!same_samples(&want, &mixed, true), "the lines of one key must come together");
        assert_eq!(ok_reply(&[Sample::new("k", 10.0, 1)]), b"ok\nk 10 1\n\n");
        assert_eq!(show_samples(&[Sample::new("k", 0.5, 1)]), "k 0.5 1");
    }

    #[test]
    fn late_reader_makes_a_long_write_wait_then_takes_it_whole() {
        let fake = FakeMetricsServer::start(Pace::LateReader(Duration::from_millis(400)), |_| {
            Answer::Reply(b"ok\n\n".to_vec())
        })
        .unwrap();
        let mut s = net::connect(fake.port(), Duration::from_secs(1)).unwrap();
        s.set_write_timeout(Some(Duration::from_millis(200))).unwrap();
        let mut line = vec![b'k'; 256 << 10];
        line.push(b'\n');
        let first = s.write(&line).unwrap();
        assert!(first < line.len(), "the whole request fitted: the buffers are not small");
        s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(&line[first..]).unwrap();
        let sessions = fake.wait_until(Duration::from_secs(3), |s| s.first().is_some_and(|s| s.replies.len() == 1));
        assert_eq!(sessions[0].requests, vec![line]);
        assert!(sessions[0].reading_from.is_some());
    }

    #[test]
    fn peer_takes_one_reply_at_a_time() {
        let fake = FakeMetricsServer::start(Pace::Whole, |line| {
            if line == b"two\n" {
                Answer::Reply(b"ok\n\nok\nk 1 1\n\n".to_vec())
            } else {
                Answer::ReplyThenClose(b"ok\nk 1".to_vec())
            }
        })
        .unwrap();
        let mut peer = Peer::new(net::connect(fake.port(), Duration::from_secs(1)).unwrap());
        let deadline = Instant::now() + Duration::from_secs(2);
        assert_eq!(peer.ask(b"two\n", deadline).unwrap(), b"ok\n\n");
        assert_eq!(peer.read_reply(deadline).unwrap(), b"ok\nk 1 1\n\n");
        let cut = peer.ask(b"cut\n", deadline).unwrap_err();
        assert_eq!(cut.received, b"ok\nk 1");
        assert_eq!(cut.error.kind(), io::ErrorKind::UnexpectedEof);
        let sessions = fake.wait_until(Duration::from_secs(1), |s| s.len() == 1 && s[0].replies.len() == 2);
        assert_eq!(sessions[0].requests, vec![b"two\n".to_vec(), b"cut\n".to_vec()]);
    }

    #[test]
    fn fake_server_can_answer_byte_by_byte_or_not_at_all() {
        let fake = FakeMetricsServer::start(Pace::ByteByByte(Duration::from_millis(1)), |line| {
            if line.starts_with(b"get") {
                Answer::Reply(OK_EMPTY.to_vec())
            } else {
                Answer::Silent
            }
        })
        .unwrap();
        let mut peer = Peer::new(net::connect(fake.port(), Duration::from_secs(1)).unwrap());
        let deadline = Instant::now() + Duration::from_secs(2);
        assert_eq!(peer.ask(b"get k\n", deadline).unwrap(), OK_EMPTY);
        let cut = peer.ask(b"put k 1 1\n", Instant::now() + Duration::from_millis(200)).unwrap_err();
        assert_eq!(cut.error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(fake.requests().len(), 2);
        assert_eq!(fake.sessions()[0].received, b"get k\nput k 1 1\n");
    }

    /// A tiny correct server (thread per connection) for the load generator's own test.
    fn model_server() -> (u16, JoinHandle<()>) {
        let listener = TcpListener::bind((LOOPBACK, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = thread::spawn(move || {
            let store = Arc::new(Mutex::new(BTreeMap::<String, BTreeMap<i64, f64>>::new()));
            let mut handlers = Vec::new();
            for stream in listener.incoming().take(3) {
                let (stream, store) = (stream.unwrap(), store.clone());
                handlers.push(thread::spawn(move || {
                    let mut reader = io::BufReader::new(stream.try_clone().unwrap());
                    let mut writer = stream;
                    let mut line = String::new();
                    while io::BufRead::read_line(&mut reader, &mut line).unwrap_or(0) > 0 {
                        let words: Vec<&str> = line.trim_end().split(' ').collect();
                        let reply = match words.as_slice() {
                            ["put", k, v, t] => {
                                lock(&store)
                                    .entry(k.to_string())
                                    .or_default()
                                    .insert(t.parse().unwrap(), v.parse().unwrap());
                                OK_EMPTY.to_vec()
                            }
                            ["get", k] => {
                                let store = lock(&store);
                                let samples: Vec<Sample> = store
                                    .get(*k)
                                    .map(|m| m.iter().map(|(&t, &v)| Sample::new(k, v, t)).collect())
                                    .unwrap_or_default();
                                ok_reply(&samples)
                            }
                            _ => ERROR_REPLY.to_vec(),
                        };
                        writer.write_all(&reply).unwrap();
                        line.clear();
                    }
                }));
            }
            for h in handlers {
                h.join().unwrap();
            }
        });
        (port, handle)
    }

    #[test]
    fn load_checks_every_reply() {
        let (port, server) = model_server();
        let mut load = Load::new(3, 40, Duration::from_secs(5));
        load.in_flight = 4;
        load.threads = 2;
        let report = run_load(port, &load);
        assert!(report.all_answered(), "{report:?}");
        assert_eq!(report.latencies.len(), 120);
        assert_eq!(report.clients_done, 3);
        assert!(report.quantile(0.5).unwrap() <= report.quantile(0.99).unwrap());
        assert!(report.summary().starts_with("120 of 120 requests from 3 clients"), "{}", report.summary());
        server.join().unwrap();
    }

    #[test]
    fn load_reports_wrong_replies_and_silence() {
        let fake = FakeMetricsServer::start(Pace::Whole, |line| {
            if line.starts_with(b"get") {
                Answer::Reply(b"ok\n\n".to_vec())
            } else if line.starts_with(b"put load.0 ") {
                Answer::Reply(OK_EMPTY.to_vec())
            } else {
                Answer::Silent
            }
        })
        .unwrap();
        let report = run_load(fake.port(), &Load::new(2, 4, Duration::from_millis(500)));
        assert!(!report.all_answered());
        assert!(report.hit_limit, "client 1 never got an answer");
        assert_eq!(report.clients_never_answered, 1);
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        assert!(report.errors[0].contains("get load.0"), "{:?}", report.errors);
    }
}
