//! Networking for hidden checks: starting a student's server and watching it, scripted
//! conversations over TCP, fake servers for client exercises, and running a student's client.
//!
//! Everything happens on the loopback interface (127.0.0.1) with ports picked at run time, so
//! checks can run in parallel, and every loop and every wait is bounded.
//!
//! - [`Server`] starts `BIN <args before> --port N <extra args>` on a free port and waits (at
//!   most [`LISTEN_WAIT`]) until it listens. Readiness is read from `/proc/net/tcp` (a listening
//!   socket on port N owned by the server) rather than probed with a connection, so the probe
//!   never counts as one of the server's clients (a server that serves one client and exits is
//!   not used up by the checker's probe). A server that exits early, listens on the wrong port or
//!   address, or never listens gets a failure of its own. [`Server::stop`] sends SIGTERM and
//!   checks that the process exits and the port can be bound again; dropping a [`Server`] kills
//!   and reaps it, so no process is ever left behind.
//! - [`send_split`], [`read_exact_within`], [`read_to_eof_within`], [`wait_closed`] and
//!   [`expect_bytes`] are the steps of a scripted conversation; [`escape`] and [`quoted`] show
//!   bytes in messages (`b"ab\n\x00"` is shown as `ab\n\x00`).
//! - [`FakeServer`] plays the server for a student's client: it accepts on a free port, records
//!   the exact bytes received with timestamps, and answers as its [`Scenario`] says (echo, never
//!   answer, answer slowly, reset, a scripted reply, whole or in pieces, never read). A refused
//!   connection is a port nobody listens on: [`free_port`] with no listener; a connection attempt
//!   that gets no answer at all is [`HangingConnect`]. [`FakeServer::start_at`] listens on
//!   another loopback address (127.0.0.2, ::1), for clients that must connect where `--host`
//!   says.
//! - [`run_client`] runs a student's client to its end, with or without a watchdog, and records
//!   its output and when it ended; [`LoadProbe`] measures how late this machine wakes sleeping
//!   threads, to tell a slow machine from a slow program.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::{proc, Failure};

/// The only address the course's programs use.
pub const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// How long [`Server::start`] waits for the server to listen.
pub const LISTEN_WAIT: Duration = Duration::from_secs(5);

/// How long [`Server::stop`] waits for the server to exit after SIGTERM.
pub const STOP_WAIT: Duration = Duration::from_secs(2);

/// Bytes of a program's stdout or stderr kept at each end (head and tail) when it prints more.
const OUTPUT_KEEP: usize = 8 * 1024;

/// Read and write timeouts set on every stream [`Server::connect`] returns, as a safety net.
pub const STREAM_SAFETY_TIMEOUT: Duration = Duration::from_secs(10);

/// A port on 127.0.0.1 that nobody listened on a moment ago (bind port 0, read it, close).
/// With no listener started on it, connecting to it is refused.
pub fn free_port() -> u16 {
    TcpListener::bind((LOOPBACK, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("binding 127.0.0.1:0 to pick a free port")
}

/// 127.0.0.1:`port`.
pub fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((LOOPBACK, port))
}

/// Connects to 127.0.0.1:`port`, giving up after `timeout`.
pub fn connect(port: u16, timeout: Duration) -> io::Result<TcpStream> {
    TcpStream::connect_timeout(&loopback(port), timeout)
}

// ---------------------------------------------------------------------------------------------
// Showing bytes
// ---------------------------------------------------------------------------------------------

/// `bytes` as readable text: printable ASCII as is, `\\`, `\n`, `\r`, `\t`, and `\xHH` for every
/// other byte; at most `max` bytes are shown, then `... (N bytes in all)`.
pub fn escape(bytes: &[u8], max: usize) -> String {
    let mut out = String::new();
    for &b in bytes.iter().take(max) {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    if bytes.len() > max {
        out.push_str(&crate::text!("support-bytes-in-all", count = bytes.len()));
    }
    out
}

/// `bytes` escaped, in double quotes, with its length: `"ab\n" (3 bytes)`.
pub fn quoted(bytes: &[u8], max: usize) -> String {
    if bytes.len() > max {
        format!("\"{}\"", escape(bytes, max))
    } else {
        crate::text!("support-quoted", escaped = escape(bytes, max), count = bytes.len())
    }
}

/// Where `got` first differs from `expected`, described with a window of bytes around it, or
/// `None` when they are equal.
pub fn first_difference(expected: &[u8], got: &[u8]) -> Option<String> {
    if expected == got {
        return None;
    }
    let at = expected.iter().zip(got).position(|(a, b)| a != b).unwrap_or(expected.len().min(got.len()));
    let start = at.saturating_sub(8);
    let window = |bytes: &[u8]| -> String {
        let end = (at + 16).min(bytes.len());
        let text = escape(&bytes[start.min(bytes.len())..end], 24);
        let more = if end < bytes.len() { "..." } else { "" };
        let less = if start > 0 { "..." } else { "" };
        format!("{less}\"{text}\"{more}")
    };
    Some(if at >= got.len() {
        crate::text!("support-diff-missing", at, missing = expected.len() - at, window = window(expected))
    } else if at >= expected.len() {
        crate::text!("support-diff-extra", at, extra = got.len() - at, window = window(got))
    } else {
        crate::text!("support-diff-differ", at, expected = window(expected), received = window(got))
    })
}

// ---------------------------------------------------------------------------------------------
// Conversations
// ---------------------------------------------------------------------------------------------

/// Writes `bytes` in pieces of `piece` bytes with `pause` between them, with Nagle's algorithm
/// off (`TCP_NODELAY`) so that each piece leaves as a segment of its own.
pub fn send_split(stream: &mut TcpStream, bytes: &[u8], piece: usize, pause: Duration) -> io::Result<()> {
    stream.set_nodelay(true)?;
    for (i, chunk) in bytes.chunks(piece.max(1)).enumerate() {
        if i > 0 {
            thread::sleep(pause);
        }
        stream.write_all(chunk)?;
    }
    Ok(())
}

/// One read with the time left until `deadline`. Timeouts come back as `ErrorKind::TimedOut`,
/// the end of the stream as `Ok(0)`.
fn read_before(stream: &mut TcpStream, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::Error::new(io::ErrorKind::TimedOut, crate::text!("support-nothing-more-arrived")));
    }
    stream.set_read_timeout(Some(left.max(Duration::from_millis(1))))?;
    loop {
        match stream.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(io::Error::new(io::ErrorKind::TimedOut, crate::text!("support-nothing-more-arrived")))
            }
            other => return other,
        }
    }
}

/// Reads exactly `n` bytes before `deadline`. On failure, returns what was received and why it
/// stopped: `UnexpectedEof` (the peer closed), `TimedOut`, `ConnectionReset`, ...
pub fn read_exact_within(stream: &mut TcpStream, n: usize, deadline: Instant) -> Result<Vec<u8>, (Vec<u8>, io::Error)> {
    let mut got = Vec::with_capacity(n);
    let mut buf = vec![0u8; 64 * 1024];
    while got.len() < n {
        let want = (n - got.len()).min(buf.len());
        match read_before(stream, &mut buf[..want], deadline) {
            Ok(0) => {
                return Err((
                    got,
                    io::Error::new(io::ErrorKind::UnexpectedEof, crate::text!("support-connection-closed")),
                ))
            }
            Ok(k) => got.extend_from_slice(&buf[..k]),
            Err(e) => return Err((got, e)),
        }
    }
    Ok(got)
}

/// Reads until the peer closes (end of stream) before `deadline`, at most `max` bytes. On
/// failure, returns what was received and why it stopped (`TimedOut`, `ConnectionReset`, or
/// `InvalidData` when more than `max` bytes came).
pub fn read_to_eof_within(
    stream: &mut TcpStream,
    deadline: Instant,
    max: usize,
) -> Result<Vec<u8>, (Vec<u8>, io::Error)> {
    let mut got = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match read_before(stream, &mut buf, deadline) {
            Ok(0) => return Ok(got),
            Ok(k) => {
                got.extend_from_slice(&buf[..k]);
                if got.len() > max {
                    return Err((
                        got,
                        io::Error::new(io::ErrorKind::InvalidData, crate::text!("support-more-bytes-arrived", max)),
                    ));
                }
            }
            Err(e) => return Err((got, e)),
        }
    }
}

/// How a connection ended, as seen by [`wait_closed`].
#[derive(Debug)]
pub enum Closed {
    /// The peer closed (end of stream) at this instant, after sending these bytes.
    Eof { at: Instant, extra: Vec<u8> },
    /// The connection was reset at this instant, after these bytes.
    Reset { at: Instant, extra: Vec<u8> },
    /// Still open at the deadline; these bytes arrived meanwhile.
    Open { extra: Vec<u8> },
    /// Reading failed otherwise.
    Error { error: io::Error, extra: Vec<u8> },
}

/// Waits until the peer closes the connection or `deadline` passes, collecting whatever arrives
/// (at most 1 MiB).
pub fn wait_closed(stream: &mut TcpStream, deadline: Instant) -> Closed {
    match read_to_eof_within(stream, deadline, 1 << 20) {
        Ok(extra) => Closed::Eof { at: Instant::now(), extra },
        Err((extra, e)) => match e.kind() {
            io::ErrorKind::TimedOut => Closed::Open { extra },
            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
                Closed::Reset { at: Instant::now(), extra }
            }
            _ => Closed::Error { error: e, extra },
        },
    }
}

/// What a read error returned by [`read_exact_within`] or [`read_to_eof_within`] means, as the
/// end of a sentence: "then the connection was closed".
pub fn describe_stop(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::UnexpectedEof => crate::text!("support-stop-closed"),
        io::ErrorKind::TimedOut => crate::text!("support-stop-timed-out"),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => crate::text!("support-stop-reset"),
        _ => crate::text!("support-stop-failed", error = error.to_string()),
    }
}

/// Reads `expected.len()` bytes before `deadline` and compares them with `expected`. The
/// failure shows both, escaped and truncated, and where they first differ; callers usually
/// replace its `why` with an explanation in the exercise's terms.
pub fn expect_bytes(stream: &mut TcpStream, expected: &[u8], deadline: Instant) -> Result<(), Failure> {
    let start = Instant::now();
    let wait = deadline.saturating_duration_since(start);
    let (got, stop) = match read_exact_within(stream, expected.len(), deadline) {
        Ok(got) => (got, None),
        Err((got, e)) => (got, Some(e)),
    };
    if got == expected {
        return Ok(());
    }
    let mut observed = crate::text!("support-received", got = quoted(&got, 80));
    if let Some(e) = &stop {
        let ms = start.elapsed().as_millis() as u64;
        observed.push_str(&crate::text!("support-expect-stopped", stop = describe_stop(e), ms));
    }
    if let Some(diff) = first_difference(expected, &got) {
        if !got.is_empty() {
            let _ = write!(observed, "; {diff}");
        }
    }
    Err(crate::failure!(
        "support-expect-bytes",
        observed,
        expected = quoted(expected, 80),
        ms = wait.as_millis() as u64
    ))
}

/// Fixes the receive buffer of `stream` at about `bytes` (`SO_RCVBUF`), which also stops the
/// kernel from growing it: a client that does not read then holds only that much, whatever the
/// machine's `tcp_rmem`, and a server writing to it meets a full socket soon and every time.
pub fn fix_receive_buffer(stream: &TcpStream, bytes: usize) -> io::Result<()> {
    let size = bytes as libc::c_int;
    // SAFETY: setsockopt reads a correctly sized int we own, on a descriptor we own.
    let done = unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&size as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// What [`echo_under_job_control`] saw.
#[derive(Debug)]
pub struct EchoUnderStops {
    /// The bytes that came back before the server closed or the deadline passed.
    pub got: Vec<u8>,
    /// How often the server was stopped and continued meanwhile.
    pub stops: usize,
    /// Why reading stopped early, if it did (`TimedOut`, `ConnectionReset`, ...).
    pub stop: Option<io::Error>,
    /// Whether the checker could send the whole payload and half-close.
    pub all_sent: bool,
}

/// The most a TCP send buffer grows to by itself (the third figure of `tcp_wmem`, 4 MiB by
/// default): a peer's writes block only once that much is queued.
pub fn send_buffer_max() -> usize {
    fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|text| text.split_whitespace().nth(2)?.parse().ok())
        .unwrap_or(4 << 20)
}

/// Sends `payload` to an echo server and half-closes, while reading the echo slowly (16 KiB at
/// a time, through a small receive buffer) so that the server keeps blocking in its writes;
/// between two reads the server is stopped and continued (as Ctrl-Z and `fg` do). A blocked
/// write that is interrupted after sending part of its bytes returns that part: a server that
/// does not send the rest (one `write` instead of `write_all`) loses bytes. The payload must
/// be larger than [`send_buffer_max`] for the server's writes to block at all.
pub fn echo_under_job_control(server: &Server, payload: &[u8], deadline: Instant) -> Result<EchoUnderStops, Failure> {
    let mut stream = connect_small(server.addr(), 16 * 1024)
        .map_err(|e| checker_trouble(&crate::text!("support-doing-connecting"), e))?;
    let mut writer = stream.try_clone().map_err(|e| checker_trouble(&crate::text!("support-doing-cloning"), e))?;
    let bytes = payload.to_vec();
    let sender = thread::spawn(move || {
        bytes
            .chunks(16 * 1024)
            .try_for_each(|chunk| writer.write_all(chunk))
            .and_then(|()| writer.shutdown(Shutdown::Write))
    });
    let mut got = Vec::with_capacity(payload.len());
    let mut buf = vec![0u8; 16 * 1024];
    let mut stops = 0;
    let stop = loop {
        // Let the server fill the connection and block in write again, then interrupt it.
        thread::sleep(Duration::from_millis(2));
        if crate::proc::stop_and_continue(server.pid()).is_ok() {
            stops += 1;
        }
        match read_before(&mut stream, &mut buf, deadline) {
            Ok(0) => break None,
            Ok(k) => got.extend_from_slice(&buf[..k]),
            Err(e) => break Some(e),
        }
        if got.len() > payload.len() + (1 << 20) {
            break Some(io::Error::new(io::ErrorKind::InvalidData, crate::text!("support-far-more-bytes")));
        }
    };
    let _ = stream.shutdown(Shutdown::Both);
    let all_sent = sender.join().is_ok_and(|r| r.is_ok());
    Ok(EchoUnderStops { got, stops, stop, all_sent })
}

/// Connects to an IPv4 `addr` with a receive buffer fixed at `bytes` before the handshake, so
/// that the window the peer sees is small from the start and its send buffer does not grow: its
/// large writes then block part-way, every time.
pub fn connect_small(addr: SocketAddr, bytes: usize) -> io::Result<TcpStream> {
    connect_with(addr, bytes, None)
}

/// [`connect_small`] with segments of at most 536 bytes as well (`TCP_MAXSEG` before the
/// handshake). Linux sizes a new connection's send buffer from its segment size (with
/// loopback's 64 KiB segments it starts at megabytes), so the peer's socket then takes only a
/// few tens of kilobytes at a time: a large nonblocking write (an async one) returns part-way.
pub fn connect_small_segments(addr: SocketAddr, bytes: usize) -> io::Result<TcpStream> {
    connect_with(addr, bytes, Some(536))
}

fn connect_with(addr: SocketAddr, bytes: usize, segment: Option<libc::c_int>) -> io::Result<TcpStream> {
    use std::os::fd::FromRawFd;
    let SocketAddr::V4(v4) = addr else {
        return Err(io::Error::new(io::ErrorKind::Unsupported, crate::text!("support-ipv4-expected")));
    };
    // SAFETY: a new socket whose descriptor we own from here on (OwnedFd closes it on error).
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a valid descriptor nobody else owns.
    let stream = unsafe { TcpStream::from_raw_fd(fd) };
    fix_receive_buffer(&stream, bytes)?;
    if let Some(segment) = segment {
        // SAFETY: setsockopt reads a correctly sized int we own, on a descriptor we own.
        let done = unsafe {
            libc::setsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_MAXSEG,
                (&segment as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if done != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    let raw = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: v4.port().to_be(),
        sin_addr: libc::in_addr { s_addr: u32::from(*v4.ip()).to_be() },
        sin_zero: [0; 8],
    };
    // SAFETY: connect with a correctly sized sockaddr_in we own.
    let done = unsafe {
        libc::connect(
            fd,
            (&raw as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        )
    };
    if done != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(stream)
}

/// A failure of the checker's own socket calls, said as such (not the student's fault).
pub fn checker_trouble(doing: &str, e: io::Error) -> Failure {
    crate::failure!("support-checker-trouble", doing, error = e.to_string())
}

/// Resets two connections at the moments a server is most likely to mishandle: one client
/// resets in the middle of a line, another after sending lines without reading until its writes
/// stalled (a [`SlowReader`]: the server is then in the middle of writing its echo, with more to
/// write, and its next write fails with ECONNRESET or EPIPE). Returns what was done, for
/// messages, or a failure when the server exited because of it.
pub fn reset_storm(server: &Server) -> Result<&'static str, Failure> {
    static DONE_TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let done: &'static str = DONE_TEXT.get_or_init(|| crate::text!("support-reset-storm-done"));
    if let Ok(mut mid_line) = server.connect() {
        let _ = mid_line.write_all(b"half a li");
        thread::sleep(Duration::from_millis(100));
        reset(mid_line);
    }
    // A server that fails on this client is judged below, by whether it is still running.
    if let Ok(deaf) = SlowReader::fill_until_stalled(server, 64 << 20, |_| Ok(())) {
        thread::sleep(Duration::from_millis(200));
        reset(deaf.stream);
    }
    thread::sleep(Duration::from_millis(300));
    match server.describe_exit() {
        None => Ok(done),
        Some(exit) => Err(crate::failure!("support-reset-storm-exited", done, exit)),
    }
}

/// Closes the connection with a reset (RST) instead of the usual end of stream (FIN): sets
/// `SO_LINGER` to zero and drops the stream.
pub fn reset(stream: TcpStream) {
    let linger = libc::linger { l_onoff: 1, l_linger: 0 };
    // SAFETY: setsockopt reads a correctly sized linger struct we own, on a descriptor we own.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    drop(stream);
}

/// Makes every connection `listener` accepts from now on hold little: segments of at most 536
/// bytes (`TCP_MAXSEG`, advertised to the client, which then sizes its send buffer from it) and
/// the smallest receive buffer (`SO_RCVBUF`). A client writing to such a connection that is not
/// read blocks after a few tens of kilobytes, instead of the megabytes loopback's 64 KiB segments
/// let its send buffer grow to.
pub fn hold_little(listener: &TcpListener) -> io::Result<()> {
    let set = |level: libc::c_int, name: libc::c_int, value: libc::c_int| -> io::Result<()> {
        // SAFETY: setsockopt reads a correctly sized int we own, on a descriptor we own.
        let done = unsafe {
            libc::setsockopt(
                listener.as_raw_fd(),
                level,
                name,
                (&value as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if done == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    };
    set(libc::IPPROTO_TCP, libc::TCP_MAXSEG, 536)?;
    set(libc::SOL_SOCKET, libc::SO_RCVBUF, 1)
}

/// Bytes received on `stream` and not read yet (`FIONREAD`).
fn unread(stream: &TcpStream) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int we own, on a descriptor we own.
    let done = unsafe { libc::ioctl(stream.as_raw_fd(), libc::FIONREAD, &mut n) };
    if done == 0 {
        n.max(0) as usize
    } else {
        0
    }
}

/// Waits, without reading, until the bytes waiting on `stream` have stopped growing for 200 ms
/// (after at least one came), or 1 s has passed, or the fake server stops. Returns their count.
fn wait_stalled(stream: &TcpStream, shared: &FakeShared) -> usize {
    let start = Instant::now();
    let mut last = unread(stream);
    let mut since = Instant::now();
    while start.elapsed() < Duration::from_secs(1) && !shared.stopping() {
        thread::sleep(Duration::from_millis(10));
        let now = unread(stream);
        if now != last {
            last = now;
            since = Instant::now();
        } else if now > 0 && since.elapsed() >= Duration::from_millis(200) {
            break;
        }
    }
    last
}

/// The send and receive queues (`tx_queue`, `rx_queue`: bytes not yet acknowledged by the peer,
/// bytes not yet read) of the TCP socket of this network namespace whose local address is
/// `local` and whose peer is `remote`, read from `/proc/self/net/tcp{,6}`.
pub fn socket_queues(local: SocketAddr, remote: SocketAddr) -> Option<(usize, usize)> {
    for (file, v6) in [("tcp", false), ("tcp6", true)] {
        let Ok(table) = fs::read_to_string(format!("/proc/self/net/{file}")) else { continue };
        for line in table.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() < 5 {
                continue;
            }
            let (Some(l), Some(r)) = (parse_proc_addr(fields[1], v6), parse_proc_addr(fields[2], v6)) else {
                continue;
            };
            if l != local || r != remote {
                continue;
            }
            let (tx, rx) = fields[4].split_once(':')?;
            return Some((usize::from_str_radix(tx, 16).ok()?, usize::from_str_radix(rx, 16).ok()?));
        }
    }
    None
}

/// The bytes the socket at `sender` (connected to `receiver`, both in this network namespace)
/// has written that `receiver` has not read yet: the sender's send queue plus the receiver's
/// receive queue. None if either socket is gone.
pub fn queued_from(sender: SocketAddr, receiver: SocketAddr) -> Option<usize> {
    let (unacknowledged, _) = socket_queues(sender, receiver)?;
    let (_, unread) = socket_queues(receiver, sender)?;
    Some(unacknowledged + unread)
}

/// A port on 127.0.0.1 where a connection attempt gets no answer at all, as when a machine is
/// down or a firewall drops the packets: the listener never accepts, its queue of established
/// connections is full (backlog 0, filled by connections of our own), and Linux then drops a new
/// SYN without answering (`tcp_abort_on_overflow` is 0 by default), so the client's `connect`
/// waits, retransmitting its SYN, until its own timeout. Dropping it closes everything.
pub struct HangingConnect {
    listener: TcpListener,
    /// The connections that fill the queue.
    _queued: Vec<TcpStream>,
}

impl HangingConnect {
    /// Listens with backlog 0 and connects until a connection attempt times out (200 ms), which
    /// shows that the kernel now drops new SYNs. Fails if the kernel answers instead (it refused
    /// or kept accepting): then a hanging connect cannot be made on this machine.
    pub fn start() -> io::Result<HangingConnect> {
        let listener = TcpListener::bind((LOOPBACK, 0))?;
        // SAFETY: listen on a listening socket we own only changes its backlog.
        if unsafe { libc::listen(listener.as_raw_fd(), 0) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let addr = listener.local_addr()?;
        let mut queued = Vec::new();
        for _ in 0..8 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(stream) => queued.push(stream),
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                    return Ok(HangingConnect { listener, _queued: queued });
                }
                Err(e) => {
                    return Err(io::Error::new(e.kind(), crate::text!("support-hang-refused", error = e.to_string())))
                }
            }
        }
        Err(io::Error::other(crate::text!("support-hang-accepted")))
    }

    /// [`HangingConnect::start`] inside a timing measurement: on a machine where no connection
    /// attempt can be made to hang, the measurement comes back as "cannot measure" (the
    /// machine's doing, never a busy machine's or the student's).
    pub fn start_for_measurement() -> Result<HangingConnect, crate::timing::Measurement> {
        HangingConnect::start().map_err(|e| crate::timing::Measurement {
            judgement: crate::timing::Judgement::CannotMeasure(crate::text!(
                "support-hang-cannot",
                error = e.to_string()
            )),
            summary: crate::text!("support-hang-summary"),
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }
}

// ---------------------------------------------------------------------------------------------
// A client that does not read (ex11, ex12, ex15, ex17: the concurrent servers)
// ---------------------------------------------------------------------------------------------

/// Line `i` of what a [`SlowReader`] sends: 64 bytes.
pub fn deaf_line(i: usize) -> Vec<u8> {
    format!("{:<63}\n", format!("deaf line {i:08}")).into_bytes()
}

/// A write that makes no progress for this long, while the server could run, means the whole
/// path to the server is full.
pub const DEAF_STALL: Duration = Duration::from_millis(300);

/// Whether process `pid` used no CPU since `cpu_before` while one of its threads waits for a
/// CPU (state `R`): the machine, not the process, kept it from making progress. A process that
/// sleeps in a blocking call (or in poll) is not starved, nor is one that used CPU (it ran, and
/// whatever it did, it did not read).
fn starved(pid: u32, cpu_before: Option<Duration>) -> bool {
    let used = match (cpu_before, crate::proc::cpu_time(pid)) {
        (Some(before), Some(now)) => now.saturating_sub(before),
        _ => return false,
    };
    used.is_zero()
        && crate::proc::threads(pid)
            .unwrap_or_default()
            .into_iter()
            .any(|tid| crate::proc::thread_state(pid, tid) == Some('R'))
}

/// A client that sends lines and reads none of their echo, until its writes stall: every buffer
/// between it and the server is then full, and the server's writes to it would block.
pub struct SlowReader {
    /// Its connection (read it to take the echo).
    pub stream: TcpStream,
    /// Bytes it sent (whole 64-byte lines, and maybe part of one).
    pub sent: usize,
    /// Whether its writes stalled (false: the machine's buffers took all it sent).
    pub stalled: bool,
    /// The echo it has read so far, in sips ([`SlowReader::others_served`]), not yet checked.
    sipped: Vec<u8>,
    /// After a [`SlowReader::half_closed`]: what it sent after its last complete line (an
    /// unfinished one), which comes back last, before the end of the connection.
    half_closed: Option<Vec<u8>>,
}

/// The most one sip takes (half of what waits is far less on any machine seen).
const SIP_MOST: usize = 8 << 20;

impl SlowReader {
    /// Connects and writes [`deaf_line`]s, 1024 at a time, until a write makes no progress for
    /// [`DEAF_STALL`], `most` bytes are sent, or 12 s have passed. Its receive buffer is fixed at
    /// 64 KiB, so the server's writes to it meet a full socket soon on any machine. `between`
    /// is called before each batch with the bytes sent so far (to watch the server's memory);
    /// its failure ends the scenario. Reports how much it sent; a client that never stalled
    /// marks the check not judged (the check could not fill the buffers).
    pub fn fill(
        server: &Server,
        most: usize,
        between: impl FnMut(usize) -> Result<(), Failure>,
    ) -> Result<SlowReader, Failure> {
        let started = Instant::now();
        let deaf = SlowReader::fill_until_stalled(server, most, between)?;
        crate::measured(crate::text!(
            "support-deaf-measured",
            kib = deaf.sent >> 10,
            ms = started.elapsed().as_millis() as u64
        ));
        if !deaf.stalled {
            crate::not_judged(crate::text!("support-deaf-not-stalled", mib = deaf.sent >> 20));
        }
        Ok(deaf)
    }

    /// [`SlowReader::fill`] without reporting anything.
    fn fill_until_stalled(
        server: &Server,
        most: usize,
        mut between: impl FnMut(usize) -> Result<(), Failure>,
    ) -> Result<SlowReader, Failure> {
        let stream = server.connect().map_err(|mut f| {
            f.observed = crate::text!("support-deaf-could-not-connect", observed = f.observed);
            f
        })?;
        fix_receive_buffer(&stream, 64 * 1024)
            .map_err(|e| crate::failure!("support-checker-receive-buffer", error = e.to_string()))?;
        let mut writer =
            stream.try_clone().map_err(|e| crate::failure!("support-checker-clone", error = e.to_string()))?;
        writer.set_write_timeout(Some(DEAF_STALL)).ok();
        let started = Instant::now();
        let (mut sent, mut lines) = (0usize, 0usize);
        let mut pending: Vec<u8> = Vec::new();
        let stalled = loop {
            if sent >= most || started.elapsed() > Duration::from_secs(12) {
                break false;
            }
            if pending.is_empty() {
                between(sent)?;
                pending = (lines..lines + 1024).flat_map(deaf_line).collect();
                lines += 1024;
            }
            let cpu_before = crate::proc::cpu_time(server.pid());
            match writer.write(&pending) {
                Ok(n) => {
                    sent += n;
                    pending.drain(..n);
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    if starved(server.pid(), cpu_before) {
                        // The server did not run at all meanwhile: on a crowded machine that
                        // says nothing about its buffers. Keep writing.
                        continue;
                    }
                    break true;
                }
                Err(e) => {
                    return Err(crate::failure!(
                        "support-deaf-send-failed",
                        sent,
                        error = e.to_string(),
                        why = with_exit(server, &crate::text!("support-deaf-keep-open"))
                    ))
                }
            }
        };
        Ok(SlowReader { stream, sent, stalled, sipped: Vec::new(), half_closed: None })
    }

    /// Connects (receive buffer fixed at 64 KiB, as in [`SlowReader::fill`]), writes `bytes` of
    /// [`deaf_line`]s and then `tail`, an unfinished line, reading none of the echo, and closes
    /// its sending side. A server that may buffer more than `bytes` for one client reads all of
    /// it and comes to the end of the file while most of the echo still waits to be sent: it
    /// must go on sending it as the client takes it, and serve the others meanwhile. (A server
    /// that stopped reading sooner sees the end only once the client reads: nothing is lost.)
    pub fn half_closed(server: &Server, bytes: usize, tail: &[u8]) -> Result<SlowReader, Failure> {
        let mut deaf = SlowReader::fill_until_stalled(server, bytes, |_| Ok(()))?;
        // Whatever went out after the last whole line: part of the next deaf line, then the tail.
        let complete = deaf.sent / 64 * 64;
        let mut rest = deaf_line(complete / 64)[..deaf.sent - complete].to_vec();
        let mut writer =
            deaf.stream.try_clone().map_err(|e| crate::failure!("support-checker-clone", error = e.to_string()))?;
        writer.set_write_timeout(Some(DEAF_STALL)).ok();
        let mut tail = tail;
        while !tail.is_empty() {
            match writer.write(tail) {
                Ok(n) if n > 0 => {
                    rest.extend_from_slice(&tail[..n]);
                    tail = &tail[n..];
                }
                // Stalled (the server stopped reading) or failed: the rest is what went out.
                _ => break,
            }
        }
        deaf.stream.shutdown(Shutdown::Write).ok();
        let queued = match (deaf.stream.peer_addr(), deaf.stream.local_addr()) {
            (Ok(server), Ok(client)) => queued_from(server, client).unwrap_or(0),
            _ => 0,
        };
        crate::measured(crate::text!(
            "support-half-closed-measured",
            kib = (complete + rest.len()) >> 10,
            queued_kib = queued >> 10
        ));
        deaf.half_closed = Some(rest);
        Ok(deaf)
    }

    /// What this client did, as the start of a sentence: "one client sent 8192 KiB of lines
    /// without reading its echo, until its writes stalled".
    fn describe(&self) -> String {
        match &self.half_closed {
            None => crate::text!("support-deaf-stalled", kib = self.sent >> 10),
            Some(_) => crate::text!("support-deaf-half-closed", kib = self.sent >> 10),
        }
    }

    /// After [`SlowReader::half_closed`] and [`SlowReader::reads_everything_back`]: waits
    /// until `deadline` for the rest of the echo and the end of the connection. Returns the
    /// unfinished line it sent last, which must come back before the end, and what came.
    pub fn rest_then_end(&mut self, deadline: Instant) -> (Vec<u8>, Closed) {
        let rest = self.half_closed.clone().unwrap_or_default();
        let sipped = std::mem::take(&mut self.sipped);
        let with_sipped = |extra: Vec<u8>| [sipped.clone(), extra].concat();
        let closed = match wait_closed(&mut self.stream, deadline) {
            Closed::Eof { at, extra } => Closed::Eof { at, extra: with_sipped(extra) },
            Closed::Reset { at, extra } => Closed::Reset { at, extra: with_sipped(extra) },
            Closed::Open { extra } => Closed::Open { extra: with_sipped(extra) },
            Closed::Error { error, extra } => Closed::Error { error, extra: with_sipped(extra) },
        };
        (rest, closed)
    }

    /// Reads some of its echo, as a slow reader does: half of what waits for it (in the server's
    /// send queue and its own receive queue). The server's socket then becomes writable again
    /// (poll reports POLLOUT once its queue is down to two thirds of its buffer), yet cannot
    /// take everything a server holds for this client: a server that then writes until all is
    /// sent (a blocking write_all) waits for this client from now on.
    fn sip(&mut self) {
        let waiting = match (self.stream.peer_addr(), self.stream.local_addr()) {
            (Ok(server), Ok(client)) => queued_from(server, client).unwrap_or(0),
            _ => 0,
        };
        let want = (waiting / 2).clamp(64 << 10, SIP_MOST);
        match read_exact_within(&mut self.stream, want, Instant::now() + Duration::from_secs(2)) {
            Ok(bytes) | Err((bytes, _)) => self.sipped.extend(bytes),
        }
    }

    /// Three clients, one after another, each connect beside the client that does not read,
    /// send a line and expect it back within `within`. The first comes while the slow reader
    /// reads nothing (a server that holds a lock shared by all connections while it writes to
    /// that client keeps it waiting); before each of the other two, the slow reader sips some
    /// of its echo ([`SlowReader::sip`]: a server that writes all it holds once the socket is
    /// writable again keeps them waiting). `stall_why` explains a server that keeps them
    /// waiting (the exercise's words for "it waits for the client that does not read").
    pub fn others_served(&mut self, server: &Server, within: Duration, stall_why: &str) -> Result<(), Failure> {
        for k in 0..3 {
            if k > 0 {
                self.sip();
            }
            let who = crate::text!("support-beside-who", k);
            let mut other = server.connect().map_err(|mut f| {
                f.observed = crate::text!("support-could-not-connect", who = &who, observed = f.observed);
                f
            })?;
            let line = format!("a client beside the one that does not read, number {k}\n").into_bytes();
            other.write_all(&line).map_err(|e| {
                crate::failure!(
                    "support-could-not-send",
                    who = &who,
                    line = quoted(&line, 80),
                    error = e.to_string(),
                    why = with_exit(server, &crate::text!("support-keep-each-open"))
                )
            })?;
            match read_exact_within(&mut other, line.len(), Instant::now() + within) {
                Ok(got) if got == line => {}
                Ok(got) => {
                    return Err(crate::failure!(
                        "support-beside-changed",
                        who,
                        line = quoted(&line, 80),
                        got = quoted(&got, 80),
                        why = with_exit(server, &crate::text!("support-echo-exact"))
                    ))
                }
                Err((got, e)) if e.kind() == io::ErrorKind::TimedOut => {
                    let sipped = match self.sipped.len() {
                        0 => String::new(),
                        sipped => crate::text!("support-beside-sipped", kib = sipped >> 10),
                    };
                    let got = if got.is_empty() {
                        crate::text!("support-nothing-back")
                    } else {
                        crate::text!("support-only-back", got = quoted(&got, 80))
                    };
                    let exit = server.describe_exit().map(|exit| format!("; {exit}")).unwrap_or_default();
                    return Err(crate::failure!(
                        "support-beside-stalled",
                        deaf = self.describe(),
                        sipped,
                        line = quoted(&line, 80),
                        got,
                        ms = within.as_millis() as u64,
                        exit,
                        why = stall_why
                    ));
                }
                Err((got, e)) => {
                    return Err(crate::failure!(
                        "support-beside-cut-off",
                        who,
                        line = quoted(&line, 80),
                        got = quoted(&got, 80),
                        stop = describe_stop(&e),
                        why = with_exit(server, &crate::text!("support-echo-keep-open"))
                    ))
                }
            }
            thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    /// The client now reads: every complete line it sent must come back, in order, within
    /// `within`. `lost_why` explains a server that lost or repeated some.
    pub fn reads_everything_back(&mut self, server: &Server, within: Duration, lost_why: &str) -> Result<(), Failure> {
        let complete = self.sent / 64 * 64;
        let deadline = Instant::now() + within;
        let (mut got, mut next_line) = (0usize, 0usize);
        let mut expected: Vec<u8> = Vec::new();
        while got < complete {
            let want = (complete - got).min(64 * 1024);
            // What the sips took comes first.
            let piece = if self.sipped.is_empty() {
                None
            } else {
                let take = self.sipped.len().min(complete - got);
                Some(self.sipped.drain(..take).collect::<Vec<u8>>())
            };
            let piece = match piece {
                Some(piece) => piece,
                None => read_exact_within(&mut self.stream, want, deadline).map_err(|(piece, e)| {
                    crate::failure!(
                        "support-deaf-read-cut",
                        complete,
                        got = got + piece.len(),
                        stop = describe_stop(&e),
                        secs = within.as_secs(),
                        why = with_exit(server, lost_why)
                    )
                })?,
            };
            while expected.len() < piece.len() {
                expected.extend(deaf_line(next_line));
                next_line += 1;
            }
            let wanted: Vec<u8> = expected.drain(..piece.len()).collect();
            if piece != wanted {
                return Err(crate::failure!(
                    "support-deaf-read-wrong",
                    complete,
                    got,
                    diff = first_difference(&wanted, &piece).unwrap_or_default(),
                    why = with_exit(server, lost_why)
                ));
            }
            got += piece.len();
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Captured output of a student's process
// ---------------------------------------------------------------------------------------------

/// What a stream of a process printed, with the middle dropped when it printed a lot.
#[derive(Default)]
struct Captured {
    head: Vec<u8>,
    tail: Vec<u8>,
    dropped: usize,
}

impl Captured {
    fn push(&mut self, bytes: &[u8]) {
        let room = OUTPUT_KEEP.saturating_sub(self.head.len());
        let (to_head, rest) = bytes.split_at(room.min(bytes.len()));
        self.head.extend_from_slice(to_head);
        self.tail.extend_from_slice(rest);
        if self.tail.len() > 2 * OUTPUT_KEEP {
            let cut = self.tail.len() - OUTPUT_KEEP;
            self.tail.drain(..cut);
            self.dropped += cut;
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut all = self.head.clone();
        all.extend_from_slice(&self.tail);
        all
    }

    fn text(&self, max: usize) -> String {
        let all = self.bytes();
        let text = String::from_utf8_lossy(&all);
        let text = text.trim();
        let mut shown: String = if text.chars().count() > max {
            // The end matters most (a panic message, the last error).
            let skip = text.chars().count() - max;
            format!("...{}", text.chars().skip(skip).collect::<String>())
        } else {
            text.to_owned()
        };
        if self.dropped > 0 {
            shown.push(' ');
            shown.push_str(&crate::text!("support-bytes-not-kept", count = self.dropped));
        }
        shown
    }
}

type Shared<T> = Arc<Mutex<T>>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts a thread that copies `from` into `into` until the end of the stream; it reports on
/// `done` when it has finished.
fn drain(mut from: impl Read + Send + 'static, into: Shared<Captured>, done: mpsc::Sender<()>) {
    thread::Builder::new()
        .name("output-reader".to_owned())
        .spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match from.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => lock(&into).push(&buf[..n]),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
            let _ = done.send(());
        })
        .expect("starting an output reader thread");
}

struct Outputs {
    stdout: Shared<Captured>,
    stderr: Shared<Captured>,
    done: mpsc::Receiver<()>,
}

impl Outputs {
    fn capture(stdout: ChildStdout, stderr: ChildStderr) -> Outputs {
        let (tx, done) = mpsc::channel();
        let out = Outputs { stdout: Shared::default(), stderr: Shared::default(), done };
        drain(stdout, out.stdout.clone(), tx.clone());
        drain(stderr, out.stderr.clone(), tx);
        out
    }

    /// Waits (at most `limit`) until both streams have ended.
    fn wait_ended(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        for _ in 0..2 {
            if self.done.recv_timeout(deadline.saturating_duration_since(Instant::now())).is_err() {
                return;
            }
        }
    }

    /// "stdout: ...; stderr: ..." (or "nothing") in at most about `max` characters per stream.
    fn describe(&self, max: usize) -> String {
        let out = lock(&self.stdout).text(max);
        let err = lock(&self.stderr).text(max);
        let empty = (out.is_empty(), err.is_empty());
        let (out, err) = (format!("{out:?}"), format!("{err:?}"));
        match empty {
            (true, true) => crate::text!("support-printed-nothing"),
            (false, true) => crate::text!("support-printed-stdout", out),
            (true, false) => crate::text!("support-printed-stderr", err),
            (false, false) => crate::text!("support-printed-both", out, err),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A student's server
// ---------------------------------------------------------------------------------------------

/// A student's server process, listening on 127.0.0.1:[`Server::port`]. Dropping it kills and
/// reaps the process (and any child of it).
pub struct Server {
    child: Mutex<Child>,
    pid: u32,
    port: u16,
    command: String,
    outputs: Outputs,
    reaped: AtomicBool,
}

enum Start {
    Listening(Server),
    /// The port was taken by someone else between picking it and the server binding it.
    PortTaken(Failure),
}

impl Server {
    /// Starts `bin <args_before_port> --port N <extra_args>` on a free port N, with stdin closed
    /// and stdout/stderr captured, and waits (at most [`LISTEN_WAIT`]) until it listens on
    /// 127.0.0.1:N. Tries another port if the one picked was taken in between.
    pub fn start(bin: &Path, args_before_port: &[&str], extra_args: &[&str]) -> Result<Server, Failure> {
        let mut last = None;
        for _ in 0..3 {
            match Server::start_on(bin, args_before_port, free_port(), extra_args)? {
                Start::Listening(server) => return Ok(server),
                Start::PortTaken(failure) => last = Some(failure),
            }
        }
        Err(last.expect("at least one attempt"))
    }

    fn start_on(bin: &Path, before: &[&str], port: u16, extra: &[&str]) -> Result<Start, Failure> {
        let port_text = port.to_string();
        let mut args: Vec<&str> = before.to_vec();
        args.extend(["--port", port_text.as_str()]);
        args.extend_from_slice(extra);
        let name = bin.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let command = command_line(&name, args.iter().copied());
        let mut child = Command::new(bin)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| crate::failure!("support-server-not-started", command = &command, error = e.to_string()))?;
        let outputs = Outputs::capture(child.stdout.take().expect("piped"), child.stderr.take().expect("piped"));
        let server = Server {
            pid: child.id(),
            child: Mutex::new(child),
            port,
            command,
            outputs,
            reaped: AtomicBool::new(false),
        };
        eprintln!("started `{}` (PID {})", server.command, server.pid);

        let start = Instant::now();
        while start.elapsed() < LISTEN_WAIT {
            if let Some(status) = server.exit_status() {
                server.outputs.wait_ended(Duration::from_millis(300));
                let printed = server.printed();
                let failure = crate::failure!(
                    "support-server-exited-early",
                    status = exit_status_text(&status),
                    ms = start.elapsed().as_millis() as u64,
                    printed = &printed,
                    command = &server.command,
                    port,
                    why = exited_why(&printed)
                );
                if looks_like_addr_in_use(&printed) && !port_is_free(port) {
                    return Ok(Start::PortTaken(failure));
                }
                return Err(failure);
            }
            if server.listens() {
                eprintln!("`{}` listens after {} ms", server.command, start.elapsed().as_millis());
                return Ok(Start::Listening(server));
            }
            thread::sleep(Duration::from_millis(10));
        }
        let elsewhere = listening_addresses(server.pid);
        let printed = server.printed();
        let (command, secs) = (&server.command, LISTEN_WAIT.as_secs());
        Err(if elsewhere.is_empty() {
            crate::failure!("support-server-not-listening", port, secs, printed, command)
        } else {
            let list = elsewhere.iter().map(SocketAddr::to_string).collect::<Vec<_>>().join(", ");
            let what = if elsewhere.iter().any(|a| a.port() == port) {
                crate::text!("support-listens-wrong-address", list)
            } else {
                crate::text!("support-listens-wrong-port", list, port)
            };
            crate::failure!("support-server-listens-elsewhere", port, secs, what, command)
        })
    }

    /// The server's process ID.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// 127.0.0.1:port.
    pub fn addr(&self) -> SocketAddr {
        loopback(self.port)
    }

    /// The command line it was started with (program name and arguments).
    pub fn command_line(&self) -> &str {
        &self.command
    }

    /// Its thread count now (`/proc/PID/task`), 0 if it is gone.
    pub fn threads(&self) -> usize {
        proc::threads(self.pid).map(|t| t.len()).unwrap_or(0)
    }

    /// Its open descriptor count now (`/proc/PID/fd`), 0 if it is gone.
    pub fn fds(&self) -> usize {
        proc::fds(self.pid).map(|f| f.len()).unwrap_or(0)
    }

    /// Its exit status if it has exited (the process is reaped then).
    pub fn exit_status(&self) -> Option<ExitStatus> {
        let status = lock(&self.child).try_wait().ok().flatten();
        if status.is_some() {
            self.reaped.store(true, Ordering::SeqCst);
        }
        status
    }

    /// The bytes it wrote to stderr so far (the end kept, if it wrote a lot).
    pub fn stderr(&self) -> Vec<u8> {
        lock(&self.outputs.stderr).bytes()
    }

    /// What it printed so far: "nothing", or its stdout and stderr (escaped, the end kept).
    pub fn printed(&self) -> String {
        self.outputs.describe(600)
    }

    /// If the server has exited: "the server (PID N) had exited (exit status: 1); it printed ...",
    /// to explain a refused or closed connection.
    pub fn describe_exit(&self) -> Option<String> {
        let status = self.exit_status()?;
        self.outputs.wait_ended(Duration::from_millis(200));
        Some(crate::text!(
            "support-server-had-exited",
            pid = self.pid,
            status = exit_status_text(&status),
            printed = self.printed()
        ))
    }

    /// Whether a socket of the server listens on its port now (read from `/proc`).
    pub fn listens(&self) -> bool {
        listening_addresses(self.pid).iter().any(|a| a.port() == self.port && reachable_on_loopback(a.ip()))
    }

    /// Connects to the server (timeout 2 s). The stream has read and write timeouts of
    /// [`STREAM_SAFETY_TIMEOUT`] as a safety net; the conversation helpers set their own.
    pub fn connect(&self) -> Result<TcpStream, Failure> {
        match connect(self.port, Duration::from_secs(2)) {
            Ok(stream) => {
                stream.set_read_timeout(Some(STREAM_SAFETY_TIMEOUT)).ok();
                stream.set_write_timeout(Some(STREAM_SAFETY_TIMEOUT)).ok();
                Ok(stream)
            }
            Err(e) => {
                let (port, command, error) = (self.port, &self.command, e.to_string());
                Err(match self.describe_exit() {
                    Some(exit) => crate::failure!("support-connect-failed-exited", port, error, exit, command),
                    None => crate::failure!("support-connect-failed-running", port, error, pid = self.pid, command),
                })
            }
        }
    }

    /// Stops the server: SIGTERM, then waits up to [`STOP_WAIT`] for it to exit (SIGKILL if it
    /// does not), reaps it, and checks that its port can be bound again (with `SO_REUSEADDR`, as
    /// a normal server binds). Close your connections to it first.
    pub fn stop(self) -> Result<(), Failure> {
        let mut survived = false;
        if self.exit_status().is_none() {
            signal(self.pid, libc::SIGTERM);
            let start = Instant::now();
            while self.exit_status().is_none() && start.elapsed() < STOP_WAIT {
                thread::sleep(Duration::from_millis(10));
            }
            if self.exit_status().is_none() {
                survived = true;
                self.kill();
            }
        }
        if survived {
            return Err(crate::failure!("support-server-survived-sigterm", pid = self.pid, secs = STOP_WAIT.as_secs()));
        }
        let start = Instant::now();
        loop {
            if port_is_free(self.port) {
                return Ok(());
            }
            if start.elapsed() > Duration::from_secs(1) {
                return Err(crate::failure!("support-port-still-in-use", port = self.port, pid = self.pid));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL to the server and its children, then reap it.
    fn kill(&self) {
        if self.reaped.load(Ordering::SeqCst) {
            return;
        }
        for child in proc::children(self.pid) {
            signal(child, libc::SIGKILL);
        }
        let mut child = lock(&self.child);
        let _ = child.kill();
        let _ = child.wait();
        self.reaped.store(true, Ordering::SeqCst);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.exit_status().is_none() {
            self.kill();
        }
    }
}

/// `name args...` for messages, with an argument that has spaces (or is empty) in quotes.
fn command_line<'a>(name: &str, args: impl Iterator<Item = &'a str>) -> String {
    let mut out = name.to_owned();
    for arg in args {
        if arg.is_empty() || arg.contains(|c: char| c.is_whitespace() || c == '\'') {
            let _ = write!(out, " '{}'", arg.replace('\'', "'\\''"));
        } else {
            let _ = write!(out, " {arg}");
        }
    }
    out
}

fn signal(pid: u32, sig: libc::c_int) {
    // SAFETY: sending a signal to a process we started (or one of its children).
    unsafe { libc::kill(pid as libc::pid_t, sig) };
}

/// How a process ended, as std says it in English ("exit status: 1", "signal: 9 (SIGKILL)"),
/// in the student's language.
fn exit_status_text(status: &ExitStatus) -> String {
    let std_text = status.to_string();
    if let Some(code) = status.code() {
        crate::text!("support-exit-code", code)
    } else if let Some(signal) = std_text.strip_prefix("signal: ") {
        crate::text!("support-exit-signal", signal)
    } else {
        std_text
    }
}

fn looks_like_addr_in_use(printed: &str) -> bool {
    printed.contains("Address already in use") || printed.contains("AddrInUse") || printed.contains("os error 98")
}

fn exited_why(printed: &str) -> String {
    if printed.contains("not yet implemented") || printed.contains("not implemented") {
        crate::text!("support-exited-todo")
    } else if printed.contains("panicked") {
        crate::text!("support-exited-panicked")
    } else if looks_like_addr_in_use(printed) {
        crate::text!("support-exited-addr-in-use")
    } else {
        crate::text!("support-exited-on-its-own")
    }
}

/// Whether 127.0.0.1:`port` can be bound now (with `SO_REUSEADDR`, as std's `TcpListener` sets).
pub fn port_is_free(port: u16) -> bool {
    TcpListener::bind((LOOPBACK, port)).is_ok()
}

/// Whether a listener bound to `ip` accepts connections to 127.0.0.1.
fn reachable_on_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4 == LOOPBACK || v4.is_unspecified(),
        IpAddr::V6(v6) => v6.is_unspecified() || v6.to_ipv4_mapped() == Some(LOOPBACK),
    }
}

/// Every address a socket of process `pid` listens on (TCP, IPv4 and IPv6), read from
/// `/proc/PID/net/tcp{,6}` and matched with the socket inodes in `/proc/PID/fd`.
pub fn listening_addresses(pid: u32) -> Vec<SocketAddr> {
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    let inodes: HashSet<u64> = fds
        .flatten()
        .filter_map(|e| fs::read_link(e.path()).ok())
        .filter_map(|target| {
            let t = target.to_string_lossy().into_owned();
            t.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
        })
        .collect();
    if inodes.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (file, v6) in [("tcp", false), ("tcp6", true)] {
        let Ok(table) = fs::read_to_string(format!("/proc/{pid}/net/{file}")) else { continue };
        for line in table.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() < 10 || fields[3] != "0A" {
                continue; // 0A is TCP_LISTEN.
            }
            let Ok(inode) = fields[9].parse::<u64>() else { continue };
            if inodes.contains(&inode) {
                if let Some(addr) = parse_proc_addr(fields[1], v6) {
                    out.push(addr);
                }
            }
        }
    }
    out
}

/// Parses `0100007F:1F90` (IPv4) or 32 hex digits and a port (IPv6) from `/proc/net/tcp{,6}`:
/// the address is printed as 32-bit words in the machine's byte order, the port as a number.
fn parse_proc_addr(text: &str, v6: bool) -> Option<SocketAddr> {
    let (addr, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let mut bytes = Vec::with_capacity(16);
    for i in (0..addr.len()).step_by(8) {
        let word = u32::from_str_radix(addr.get(i..i + 8)?, 16).ok()?;
        bytes.extend_from_slice(&word.to_ne_bytes());
    }
    let ip = if v6 {
        let octets: [u8; 16] = bytes.try_into().ok()?;
        IpAddr::V6(Ipv6Addr::from(octets))
    } else {
        let octets: [u8; 4] = bytes.try_into().ok()?;
        IpAddr::V4(Ipv4Addr::from(octets))
    };
    Some(SocketAddr::new(ip, port))
}

// ---------------------------------------------------------------------------------------------
// Fake servers for client exercises
// ---------------------------------------------------------------------------------------------

/// How a [`FakeServer`] treats each connection it accepts. Every scenario records the bytes it
/// receives ([`Connection::received`]).
#[derive(Clone, Debug)]
pub enum Scenario {
    /// Sends back every byte as it arrives; when the client shuts down its side, closes.
    Echo,
    /// Never sends anything and never closes (until the fake server is dropped); it still reads
    /// and records, and notes the client's end of stream.
    Silent,
    /// Like `Echo`, but sends back in pieces of `piece` bytes with `delay` between them.
    Slow { piece: usize, delay: Duration },
    /// Reads what the client sends until it shuts down its side (or 300 ms pass without a new
    /// byte, or 2 s without any), then closes with a reset (RST, `SO_LINGER` 0).
    Reset,
    /// Reads until the client shuts down its side (or 2 s pass without a new byte), then sends
    /// these bytes and closes.
    Scripted(Vec<u8>),
    /// Like `Scripted`, but sends the reply as these pieces, each in a write of its own (with
    /// `TCP_NODELAY`, so each leaves at once) and `pause` between them, then closes: a client
    /// that is waiting in `read` when the first piece arrives gets that piece alone.
    ScriptedPieces { pieces: Vec<Vec<u8>>, pause: Duration },
    /// Never reads, never answers, never closes (until the fake server is dropped). The listener
    /// advertises small segments and a minimal receive window ([`hold_little`]), so a client's
    /// writes block after a few tens of kilobytes, whatever the machine's buffer settings: only
    /// a write timeout ends them.
    Deaf,
    /// Like `Deaf` until the client has stopped getting bytes through (nothing more arrived for
    /// 200 ms, or 1 s passed), then ends its sending side (FIN) and resets (RST). A client still
    /// blocked writing then fails with `EPIPE` (`BrokenPipe`): Linux reports a reset that comes
    /// after the peer's end of stream that way. [`Connection::held`] and
    /// [`Connection::peer_queued`] tell whether the client had handed all its bytes to its kernel.
    DeafThenReset,
}

/// One connection a [`FakeServer`] accepted, as recorded.
#[derive(Clone, Debug)]
pub struct Connection {
    pub peer: SocketAddr,
    pub accepted_at: Instant,
    /// Every byte received, in order.
    pub received: Vec<u8>,
    pub first_byte_at: Option<Instant>,
    pub last_byte_at: Option<Instant>,
    /// When the client shut down its sending side or closed (a read returned 0).
    pub eof_at: Option<Instant>,
    /// A read or write error (for example the client reset the connection).
    pub error: Option<String>,
    /// Every byte the fake server sent.
    pub sent: Vec<u8>,
    /// When the fake server closed (or reset) its side.
    pub closed_at: Option<Instant>,
    /// `DeafThenReset`: the bytes received and left unread when it reset.
    pub held: usize,
    /// `DeafThenReset`: the bytes the client's socket still held, unsent or unacknowledged, when
    /// it reset (from `/proc/net/tcp`; `None` if that socket was not found). `held` plus this is
    /// what the client had written by then: less than its message means it was still writing.
    pub peer_queued: Option<usize>,
}

#[derive(Default)]
struct FakeState {
    stopping: bool,
    connections: Vec<Connection>,
    /// Clones of the accepted streams (by connection index), to unblock the handlers when
    /// stopping; a handler takes its clone back before closing, so that closing really closes.
    streams: Vec<Option<TcpStream>>,
    handlers: Vec<JoinHandle<()>>,
}

struct FakeShared {
    state: Mutex<FakeState>,
    changed: Condvar,
}

impl FakeShared {
    fn update(&self, index: usize, f: impl FnOnce(&mut Connection)) {
        let mut state = lock(&self.state);
        f(&mut state.connections[index]);
        self.changed.notify_all();
    }

    fn stopping(&self) -> bool {
        lock(&self.state).stopping
    }

    /// Drops the clone kept for stopping, so that dropping the handler's stream closes it.
    fn forget_stream(&self, index: usize) {
        let clone = lock(&self.state).streams.get_mut(index).and_then(Option::take);
        drop(clone);
    }
}

/// A server played by the checker on a free loopback port, for checking a student's client.
/// Dropping it closes every connection and stops its threads.
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<FakeShared>,
    acceptor: Option<JoinHandle<()>>,
}

/// At most this many connections are accepted by one fake server.
const FAKE_MAX_CONNECTIONS: usize = 200;

impl FakeServer {
    /// Listens on a free port of 127.0.0.1 and serves every connection as `scenario` says.
    pub fn start(scenario: Scenario) -> io::Result<FakeServer> {
        FakeServer::start_at(loopback(0), scenario)
    }

    /// Listens on `addr` (port 0: a free one) and serves every connection as `scenario` says.
    /// Any loopback address works on Linux (all of 127.0.0.0/8 is `lo`'s, and `::1`).
    pub fn start_at(addr: SocketAddr, scenario: Scenario) -> io::Result<FakeServer> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        if matches!(scenario, Scenario::Deaf | Scenario::DeafThenReset) {
            hold_little(&listener)?;
        }
        let shared = Arc::new(FakeShared { state: Mutex::new(FakeState::default()), changed: Condvar::new() });
        let acceptor = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("fake-server".to_owned())
                .spawn(move || accept_loop(listener, scenario, shared))?
        };
        Ok(FakeServer { addr, shared, acceptor: Some(acceptor) })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A snapshot of every connection so far, in the order they were accepted.
    pub fn connections(&self) -> Vec<Connection> {
        lock(&self.shared.state).connections.clone()
    }

    /// Waits (at most `timeout`) until `done` holds for the connections, and returns them.
    pub fn wait_until(&self, timeout: Duration, done: impl Fn(&[Connection]) -> bool) -> Vec<Connection> {
        let deadline = Instant::now() + timeout;
        let mut state = lock(&self.shared.state);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if done(&state.connections) || left.is_zero() {
                return state.connections.clone();
            }
            state = self.shared.changed.wait_timeout(state, left).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    /// The first connection, waiting for it at most `timeout`.
    pub fn first_connection(&self, timeout: Duration) -> Option<Connection> {
        self.wait_until(timeout, |c| !c.is_empty()).into_iter().next()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let handlers = {
            let mut state = lock(&self.shared.state);
            state.stopping = true;
            for stream in state.streams.iter().flatten() {
                let _ = stream.shutdown(Shutdown::Both);
            }
            self.shared.changed.notify_all();
            std::mem::take(&mut state.handlers)
        };
        // Wake the acceptor out of accept() with a connection of our own.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(500));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        for handler in handlers {
            let _ = handler.join();
        }
        // Handlers started after we took the list.
        let late = std::mem::take(&mut lock(&self.shared.state).handlers);
        for handler in late {
            let _ = handler.join();
        }
    }
}

fn accept_loop(listener: TcpListener, scenario: Scenario, shared: Arc<FakeShared>) {
    for _ in 0..FAKE_MAX_CONNECTIONS {
        let Ok((stream, peer)) = listener.accept() else {
            if shared.stopping() {
                return;
            }
            continue;
        };
        let accepted_at = Instant::now();
        let mut state = lock(&shared.state);
        if state.stopping {
            return;
        }
        let index = state.connections.len();
        state.connections.push(Connection {
            peer,
            accepted_at,
            received: Vec::new(),
            first_byte_at: None,
            last_byte_at: None,
            eof_at: None,
            error: None,
            sent: Vec::new(),
            closed_at: None,
            held: 0,
            peer_queued: None,
        });
        state.streams.push(stream.try_clone().ok());
        shared.changed.notify_all();
        let handler = {
            let shared = shared.clone();
            let scenario = scenario.clone();
            thread::Builder::new()
                .name(format!("fake-conn-{index}"))
                .spawn(move || serve_fake(stream, index, scenario, shared))
                .expect("starting a fake-server connection thread")
        };
        state.handlers.push(handler);
    }
}

/// Reads once (blocking, or with `quiet` as the read timeout) and records what came.
enum Got {
    Bytes(usize),
    Eof,
    Quiet,
    Error,
}

fn fake_read(stream: &mut TcpStream, buf: &mut [u8], index: usize, shared: &FakeShared) -> Got {
    loop {
        match stream.read(buf) {
            Ok(0) => {
                shared.update(index, |c| c.eof_at = Some(Instant::now()));
                return Got::Eof;
            }
            Ok(n) => {
                let now = Instant::now();
                shared.update(index, |c| {
                    c.received.extend_from_slice(&buf[..n]);
                    c.first_byte_at.get_or_insert(now);
                    c.last_byte_at = Some(now);
                });
                return Got::Bytes(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => return Got::Quiet,
            Err(e) => {
                if !shared.stopping() {
                    shared.update(index, |c| c.error = Some(e.to_string()));
                }
                return Got::Error;
            }
        }
    }
}

fn fake_write(stream: &mut TcpStream, bytes: &[u8], index: usize, shared: &FakeShared) -> bool {
    match stream.write_all(bytes) {
        Ok(()) => {
            shared.update(index, |c| c.sent.extend_from_slice(bytes));
            true
        }
        Err(e) => {
            if !shared.stopping() {
                shared.update(index, |c| c.error = Some(e.to_string()));
            }
            false
        }
    }
}

/// Reads until the end of stream, or `quiet` without a new byte once something came, or
/// `nothing` without any byte at all. Returns whether the stream is still usable.
fn read_until_quiet(
    stream: &mut TcpStream,
    index: usize,
    shared: &FakeShared,
    quiet: Duration,
    nothing: Duration,
) -> bool {
    let mut buf = vec![0u8; 64 * 1024];
    let started = Instant::now();
    let mut any = false;
    // Bounded: every pass either reads bytes, or ends, or waits out a quiet period.
    for _ in 0..100_000 {
        let wait = if any { quiet } else { nothing.saturating_sub(started.elapsed()).max(Duration::from_millis(1)) };
        let _ = stream.set_read_timeout(Some(wait));
        match fake_read(stream, &mut buf, index, shared) {
            Got::Bytes(_) => any = true,
            Got::Eof | Got::Quiet => return true,
            Got::Error => return false,
        }
        if shared.stopping() {
            return false;
        }
    }
    true
}

fn serve_fake(stream: TcpStream, index: usize, scenario: Scenario, shared: Arc<FakeShared>) {
    serve_scenario(stream, index, scenario, &shared);
    shared.forget_stream(index);
}

fn serve_scenario(mut stream: TcpStream, index: usize, scenario: Scenario, shared: &FakeShared) {
    let mut buf = vec![0u8; 64 * 1024];
    let _ = stream.set_nodelay(true);
    match scenario {
        Scenario::Echo | Scenario::Slow { .. } => {
            let (piece, delay) = match scenario {
                Scenario::Slow { piece, delay } => (piece.max(1), delay),
                _ => (usize::MAX, Duration::ZERO),
            };
            'conversation: loop {
                match fake_read(&mut stream, &mut buf, index, shared) {
                    Got::Bytes(n) => {
                        for (i, chunk) in buf[..n].chunks(piece.min(n)).enumerate() {
                            if i > 0 || !delay.is_zero() {
                                thread::sleep(delay);
                            }
                            if shared.stopping() || !fake_write(&mut stream, chunk, index, shared) {
                                break 'conversation;
                            }
                        }
                    }
                    Got::Eof => {
                        let _ = stream.shutdown(Shutdown::Write);
                        break;
                    }
                    Got::Quiet | Got::Error => break,
                }
            }
            shared.forget_stream(index);
            drop(stream);
            shared.update(index, |c| c.closed_at = Some(Instant::now()));
        }
        Scenario::Silent => {
            // Record everything until the client closes; keep the connection open anyway.
            while let Got::Bytes(_) = fake_read(&mut stream, &mut buf, index, shared) {}
            let mut state = lock(&shared.state);
            while !state.stopping {
                state = shared.changed.wait(state).unwrap_or_else(|p| p.into_inner());
            }
        }
        Scenario::Reset => {
            read_until_quiet(&mut stream, index, shared, Duration::from_millis(300), Duration::from_secs(2));
            shared.forget_stream(index);
            reset(stream);
            shared.update(index, |c| c.closed_at = Some(Instant::now()));
        }
        Scenario::Deaf => {
            let mut state = lock(&shared.state);
            while !state.stopping {
                state = shared.changed.wait(state).unwrap_or_else(|p| p.into_inner());
            }
        }
        Scenario::DeafThenReset => {
            let held = wait_stalled(&stream, shared);
            let peer_queued = match (stream.peer_addr(), stream.local_addr()) {
                (Ok(peer), Ok(local)) => socket_queues(peer, local).map(|(tx, _)| tx),
                _ => None,
            };
            shared.update(index, |c| {
                c.held = held;
                c.peer_queued = peer_queued;
            });
            // The end of stream first: the client's socket goes to CLOSE_WAIT, where a reset
            // makes its next write fail with EPIPE rather than ECONNRESET.
            let _ = stream.shutdown(Shutdown::Write);
            thread::sleep(Duration::from_millis(50));
            shared.forget_stream(index);
            reset(stream);
            shared.update(index, |c| c.closed_at = Some(Instant::now()));
        }
        Scenario::Scripted(reply) => {
            if read_until_quiet(&mut stream, index, shared, Duration::from_secs(2), Duration::from_secs(5)) {
                fake_write(&mut stream, &reply, index, shared);
                let _ = stream.shutdown(Shutdown::Write);
            }
            shared.forget_stream(index);
            drop(stream);
            shared.update(index, |c| c.closed_at = Some(Instant::now()));
        }
        Scenario::ScriptedPieces { pieces, pause } => {
            if read_until_quiet(&mut stream, index, shared, Duration::from_secs(2), Duration::from_secs(5)) {
                for (i, piece) in pieces.iter().enumerate() {
                    if i > 0 {
                        thread::sleep(pause);
                    }
                    if shared.stopping() || !fake_write(&mut stream, piece, index, shared) {
                        break;
                    }
                }
                let _ = stream.shutdown(Shutdown::Write);
            }
            shared.forget_stream(index);
            drop(stream);
            shared.update(index, |c| c.closed_at = Some(Instant::now()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A student's client
// ---------------------------------------------------------------------------------------------

/// One run of a student's client program, as observed from outside.
#[derive(Debug)]
pub struct ClientRun {
    /// The command line (program name and arguments).
    pub command: String,
    pub pid: u32,
    /// How it exited; `None` if the watchdog killed it.
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Just before the process was started.
    pub started_at: Instant,
    /// When it was seen to have exited (or was killed).
    pub ended_at: Instant,
    /// Set when the watchdog killed it after this long.
    pub killed_after: Option<Duration>,
}

impl ClientRun {
    /// From start to exit.
    pub fn elapsed(&self) -> Duration {
        self.ended_at - self.started_at
    }

    /// Stdout as text (lossy UTF-8).
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Stderr's end, for messages.
    pub fn stderr_tail(&self, max: usize) -> String {
        let text = String::from_utf8_lossy(&self.stderr);
        let text = text.trim();
        let n = text.chars().count();
        if n > max {
            format!("...{}", text.chars().skip(n - max).collect::<String>())
        } else {
            text.to_owned()
        }
    }

    /// `"; on stderr:\n| ..."` with the end of stderr as text, a line of it per line (the
    /// console lines it up under the message), or nothing when it printed nothing there. At the
    /// end of a message.
    pub fn stderr_note(&self) -> String {
        let tail = self.stderr_tail(300);
        if tail.is_empty() {
            return String::new();
        }
        let lines: Vec<String> = tail.lines().map(|line| format!("| {}", line.trim_end())).collect();
        format!("{}\n{}", crate::text!("support-on-stderr"), lines.join("\n"))
    }

    /// What its stderr says about a crash: a `todo!()` not written yet, or another panic.
    pub fn crash_hint(&self) -> Option<&'static str> {
        static TODO: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        static PANICKED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let stderr = String::from_utf8_lossy(&self.stderr);
        if stderr.contains("not yet implemented") {
            Some(TODO.get_or_init(|| crate::text!("support-client-todo")))
        } else if stderr.contains("panicked") {
            Some(PANICKED.get_or_init(|| crate::text!("support-client-panicked")))
        } else {
            None
        }
    }

    /// "exit status 1", "killed by the checker after 5000 ms", ...
    pub fn describe_status(&self) -> String {
        match (&self.status, self.killed_after) {
            (_, Some(after)) => crate::text!("support-client-killed", ms = after.as_millis() as u64),
            (Some(status), None) => exit_status_text(status),
            (None, None) => crate::text!("support-unknown-exit"),
        }
    }
}

/// Runs `bin args...` with stdin closed and its output captured, until it exits. With
/// `watchdog: Some(limit)` it is killed after `limit` ([`ClientRun::killed_after`]); with `None`
/// the check waits as long as it takes, so a client that hangs stays hung and the checker's own
/// time limit diagnoses it.
pub fn run_client(bin: &Path, args: &[String], watchdog: Option<Duration>) -> io::Result<ClientRun> {
    let name = bin.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let command = command_line(&name, args.iter().map(String::as_str));
    let started_at = Instant::now();
    let mut child =
        Command::new(bin).args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let pid = child.id();
    let outputs = Outputs::capture(child.stdout.take().expect("piped"), child.stderr.take().expect("piped"));
    let (status, killed_after) = match watchdog {
        None => (Some(child.wait()?), None),
        Some(limit) => wait_with_watchdog(&mut child, limit)?,
    };
    let ended_at = Instant::now();
    outputs.wait_ended(Duration::from_secs(1));
    let stdout = lock(&outputs.stdout).bytes();
    let stderr = lock(&outputs.stderr).bytes();
    // A long argument (ex10 sends a 100 kB message) is not copied whole into the log.
    let shown: String = if command.chars().count() > 300 {
        format!("{}... ({} bytes in all)", command.chars().take(200).collect::<String>(), command.len())
    } else {
        command.clone()
    };
    eprintln!(
        "ran `{shown}` (PID {pid}): {} after {} ms; stdout: {}",
        status.map(|s| s.to_string()).unwrap_or_else(|| "killed".to_owned()),
        (ended_at - started_at).as_millis(),
        quoted(&stdout, 200)
    );
    Ok(ClientRun { command, pid, status, stdout, stderr, started_at, ended_at, killed_after })
}

fn wait_with_watchdog(child: &mut Child, limit: Duration) -> io::Result<(Option<ExitStatus>, Option<Duration>)> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((Some(status), None));
        }
        if start.elapsed() >= limit {
            let _ = child.kill();
            let _ = child.wait();
            return Ok((None, Some(limit)));
        }
        thread::sleep(Duration::from_millis(2));
    }
}

// ---------------------------------------------------------------------------------------------
// Machine load
// ---------------------------------------------------------------------------------------------

/// Measures how late this machine wakes a sleeping thread, while a measurement runs: a thread
/// sleeps 10 ms at a time (for at most `span`) and records the worst lateness. A timing check
/// uses it to tell a slow program from a slow machine.
pub struct LoadProbe {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<Duration>>,
}

impl LoadProbe {
    /// Starts probing; the probe stops by itself after `span`.
    pub fn start(span: Duration) -> LoadProbe {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = thread::Builder::new()
            .name("load-probe".to_owned())
            .spawn(move || {
                let tick = Duration::from_millis(10);
                let start = Instant::now();
                let mut worst = Duration::ZERO;
                while !flag.load(Ordering::Relaxed) && start.elapsed() < span {
                    let before = Instant::now();
                    thread::sleep(tick);
                    worst = worst.max(before.elapsed().saturating_sub(tick));
                }
                worst
            })
            .ok();
        LoadProbe { stop, handle }
    }

    /// Stops probing and returns the worst lateness seen.
    pub fn finish(mut self) -> Duration {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.take().and_then(|h| h.join().ok()).unwrap_or_default()
    }
}

impl Drop for LoadProbe {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

// ---------------------------------------------------------------------------------------------
// Many clients at once (added for ex11/ex12, the concurrent servers)
// ---------------------------------------------------------------------------------------------

/// What one stream received in [`read_many_within`].
#[derive(Debug)]
pub struct Arrival {
    /// The bytes that arrived, at most the count asked for.
    pub bytes: Vec<u8>,
    /// When the last of the bytes asked for arrived; `None` if they did not all arrive.
    pub complete_at: Option<Instant>,
    /// Why this stream stopped early (`UnexpectedEof`: the peer closed; `ConnectionReset`; ...);
    /// `None` when it is complete or was still waiting at the deadline.
    pub stop: Option<io::Error>,
}

impl Arrival {
    /// Whether every byte asked for arrived.
    pub fn complete(&self) -> bool {
        self.complete_at.is_some()
    }
}

/// Reads from every stream at the same time (one `poll` over all of them) until stream `i` has
/// received `counts[i]` bytes, has been closed or reset, or `deadline` has passed. Unlike reading
/// the streams one after another, a stream whose bytes never come does not eat the time of the
/// others, and each stream's [`Arrival::complete_at`] tells when its bytes came. The streams are
/// in non-blocking mode while this runs and back in blocking mode afterwards.
pub fn read_many_within(streams: &mut [TcpStream], counts: &[usize], deadline: Instant) -> Vec<Arrival> {
    assert_eq!(streams.len(), counts.len(), "one count per stream");
    let mut out: Vec<Arrival> = counts
        .iter()
        .map(|&n| Arrival {
            bytes: Vec::with_capacity(n.min(1 << 20)),
            complete_at: if n == 0 { Some(Instant::now()) } else { None },
            stop: None,
        })
        .collect();
    for stream in streams.iter() {
        let _ = stream.set_nonblocking(true);
    }
    let mut buf = vec![0u8; 64 * 1024];
    // Bounded: every pass waits in poll until the deadline at the latest, and ends at it.
    loop {
        let waiting: Vec<usize> =
            (0..streams.len()).filter(|&i| out[i].complete_at.is_none() && out[i].stop.is_none()).collect();
        let left = deadline.saturating_duration_since(Instant::now());
        if waiting.is_empty() || left.is_zero() {
            break;
        }
        let mut fds: Vec<libc::pollfd> = waiting
            .iter()
            .map(|&i| libc::pollfd { fd: streams[i].as_raw_fd(), events: libc::POLLIN, revents: 0 })
            .collect();
        let timeout = left.as_millis().clamp(1, 100) as libc::c_int;
        // SAFETY: poll reads and writes the pollfd array we own, of the length we pass.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout) };
        if ready <= 0 {
            continue; // Timeout (the deadline is checked above) or EINTR.
        }
        for (pfd, &i) in fds.iter().zip(&waiting) {
            if pfd.revents == 0 {
                continue;
            }
            let want = (counts[i] - out[i].bytes.len()).min(buf.len());
            match streams[i].read(&mut buf[..want]) {
                Ok(0) => {
                    let closed = crate::text!("support-connection-closed");
                    out[i].stop = Some(io::Error::new(io::ErrorKind::UnexpectedEof, closed))
                }
                Ok(k) => {
                    out[i].bytes.extend_from_slice(&buf[..k]);
                    if out[i].bytes.len() == counts[i] {
                        out[i].complete_at = Some(Instant::now());
                    }
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted) => {}
                Err(e) => out[i].stop = Some(e),
            }
        }
    }
    for stream in streams.iter() {
        let _ = stream.set_nonblocking(false);
    }
    out
}

/// How many of process `pid`'s TCP sockets are in each state ("ESTABLISHED", "CLOSE_WAIT",
/// "LISTEN", ...), from its descriptors in `/proc/PID/fd` and `/proc/PID/net/tcp{,6}`; sorted by
/// state name. A socket in CLOSE_WAIT is one whose peer has closed while this process still
/// holds it open.
pub fn tcp_states(pid: u32) -> Vec<(String, usize)> {
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    let inodes: HashSet<u64> = fds
        .flatten()
        .filter_map(|e| fs::read_link(e.path()).ok())
        .filter_map(|target| target.to_string_lossy().strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok())
        .collect();
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for file in ["tcp", "tcp6"] {
        let Ok(table) = fs::read_to_string(format!("/proc/{pid}/net/{file}")) else { continue };
        for line in table.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let Some(inode) = fields.get(9).and_then(|f| f.parse::<u64>().ok()) else { continue };
            if inode == 0 || !inodes.contains(&inode) {
                continue;
            }
            let state = match fields[3] {
                "01" => "ESTABLISHED",
                "02" => "SYN_SENT",
                "03" => "SYN_RECV",
                "04" => "FIN_WAIT1",
                "05" => "FIN_WAIT2",
                "06" => "TIME_WAIT",
                "07" => "CLOSE",
                "08" => "CLOSE_WAIT",
                "09" => "LAST_ACK",
                "0A" => "LISTEN",
                "0B" => "CLOSING",
                other => other,
            };
            *counts.entry(state.to_owned()).or_default() += 1;
        }
    }
    counts.into_iter().collect()
}

// Phrases the many-client drivers (ex11, ex12) share.

/// `why`, followed by how the server ended if it has exited.
pub fn with_exit(server: &Server, why: &str) -> String {
    match server.describe_exit() {
        Some(exit) => crate::text!("support-with-exit", why, exit),
        None => why.to_owned(),
    }
}

/// "0-7, 9, 12-15".
pub fn ranges(items: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let mut j = i;
        while j + 1 < items.len() && items[j + 1] == items[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { items[i].to_string() } else { format!("{}-{}", items[i], items[j]) });
        i = j + 1;
    }
    crate::text!("support-ranges", count = items.len(), list = parts.join(", "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_clients_stderr_is_shown_as_text_line_by_line() {
        let now = std::time::Instant::now();
        let mut run = super::ClientRun {
            command: "client".into(),
            pid: 1,
            status: None,
            stdout: Vec::new(),
            stderr: b"thread 'main' panicked at src/main.rs:5:9:\nnot yet implemented: \"ping\"\n".to_vec(),
            started_at: now,
            ended_at: now,
            killed_after: None,
        };
        assert_eq!(
            run.stderr_note(),
            "; on stderr:\n| thread 'main' panicked at src/main.rs:5:9:\n| not yet implemented: \"ping\""
        );
        run.stderr.clear();
        assert_eq!(run.stderr_note(), "");
    }

    use super::*;

    #[test]
    fn a_sleeping_or_running_process_is_not_starved() {
        use std::process::Command;
        let mut sleeping = Command::new("sleep").arg("5").spawn().unwrap();
        let mut busy = Command::new("sh").args(["-c", "while :; do :; done"]).spawn().unwrap();
        let (s_before, b_before) = (crate::proc::cpu_time(sleeping.id()), crate::proc::cpu_time(busy.id()));
        thread::sleep(Duration::from_millis(300));
        assert!(!starved(sleeping.id(), s_before), "a process asleep in a blocking call");
        assert!(!starved(busy.id(), b_before), "a process that used CPU");
        assert!(!starved(u32::MAX, None), "a process that is gone");
        for child in [&mut sleeping, &mut busy] {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    #[test]
    fn queued_from_counts_what_the_receiver_has_not_read() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        let (from, to) = (client.local_addr().unwrap(), server.local_addr().unwrap());
        client.write_all(&[7; 1000]).unwrap();
        // Loopback delivers at once; the bytes wait in the server's receive queue.
        let deadline = Instant::now() + Duration::from_secs(5);
        while queued_from(from, to) != Some(1000) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(queued_from(from, to), Some(1000));
        assert_eq!(queued_from(to, from), Some(0));
        server.read_exact(&mut [0; 1000]).unwrap();
        assert_eq!(queued_from(from, to), Some(0));
        drop((client, server));
        let gone: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(queued_from(from, gone), None);
    }

    #[test]
    fn programs_start_with_no_signal_blocked() {
        // Whatever the check's own threads block, a student's program must start with no signal
        // blocked, or a server would never see the SIGTERM that asks it to stop.
        let run = thread::spawn(|| {
            // SAFETY: blocking a signal in this test thread only.
            unsafe {
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                libc::sigaddset(&mut set, libc::SIGTERM);
                libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            }
            let args = ["-c".to_owned(), "grep SigBlk /proc/self/status".to_owned()];
            run_client(Path::new("/bin/sh"), &args, Some(Duration::from_secs(5))).unwrap()
        })
        .join()
        .unwrap();
        assert_eq!(run.stdout_text().split_whitespace().nth(1), Some("0000000000000000"), "{}", run.stdout_text());
    }

    #[test]
    fn ranges_fold_runs_of_clients() {
        assert_eq!(ranges(&[0, 1, 2, 5, 7, 8]), "clients 0-2, 5, 7-8");
        assert_eq!(ranges(&[3]), "client 3");
    }

    #[test]
    fn escape_shows_control_and_binary_bytes() {
        assert_eq!(escape(b"ab\n\x00", 100), "ab\\n\\x00");
        assert_eq!(escape(b"a\\b\r\t\xff~", 100), "a\\\\b\\r\\t\\xff~");
        assert_eq!(escape(b"", 10), "");
    }

    #[test]
    fn escape_truncates() {
        assert_eq!(escape(b"abcdef", 3), "abc... (6 bytes in all)");
        assert_eq!(quoted(b"abc", 10), "\"abc\" (3 bytes)");
        assert_eq!(quoted(b"x", 10), "\"x\" (1 byte)");
        assert_eq!(quoted(b"abcdef", 3), "\"abc... (6 bytes in all)\"");
    }

    #[test]
    fn first_difference_names_the_byte() {
        assert_eq!(first_difference(b"abc", b"abc"), None);
        let d = first_difference(b"hello", b"help!").unwrap();
        assert!(d.contains("byte 3"), "{d}");
        let d = first_difference(b"hello", b"he").unwrap();
        assert!(d.contains("3 bytes are missing"), "{d}");
        let d = first_difference(b"hi", b"hi\n").unwrap();
        assert!(d.contains("1 extra byte:") && d.contains("\\n"), "{d}");
    }

    #[test]
    fn proc_addresses_parse() {
        if cfg!(target_endian = "little") {
            assert_eq!(parse_proc_addr("0100007F:1F90", false), Some("127.0.0.1:8080".parse().unwrap()));
            assert_eq!(parse_proc_addr("00000000:0050", false), Some("0.0.0.0:80".parse().unwrap()));
            assert_eq!(
                parse_proc_addr("00000000000000000000000001000000:0016", true),
                Some("[::1]:22".parse().unwrap())
            );
        }
    }

    #[test]
    fn own_listener_is_seen() {
        let listener = TcpListener::bind((LOOPBACK, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(listening_addresses(std::process::id()).contains(&addr));
        assert!(!port_is_free(addr.port()));
        drop(listener);
        assert!(port_is_free(addr.port()));
    }

    #[test]
    fn fake_echo_and_reset() {
        let fake = FakeServer::start(Scenario::Echo).unwrap();
        let mut s = connect(fake.port(), Duration::from_secs(1)).unwrap();
        send_split(&mut s, b"hey", 1, Duration::from_millis(5)).unwrap();
        expect_bytes(&mut s, b"hey", Instant::now() + Duration::from_secs(2)).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        assert!(matches!(wait_closed(&mut s, Instant::now() + Duration::from_secs(2)), Closed::Eof { .. }));
        let c = fake.wait_until(Duration::from_secs(2), |c| c.first().is_some_and(|c| c.closed_at.is_some()));
        assert_eq!(c[0].received, b"hey");
        assert!(c[0].eof_at.is_some());
        drop(fake);

        let fake = FakeServer::start(Scenario::Reset).unwrap();
        let mut s = connect(fake.port(), Duration::from_secs(1)).unwrap();
        s.write_all(b"x").unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        let w = wait_closed(&mut s, Instant::now() + Duration::from_secs(3));
        assert!(matches!(w, Closed::Reset { .. }), "{w:?} {:?}", fake.connections());
    }

    #[test]
    fn hanging_connect_gets_no_answer() {
        let hang = HangingConnect::start().unwrap();
        for _ in 0..2 {
            let e = connect(hang.port(), Duration::from_millis(300)).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::TimedOut, "{e}");
        }
    }

    #[test]
    fn fake_server_on_another_loopback_address() {
        let fake = FakeServer::start_at("127.0.0.2:0".parse().unwrap(), Scenario::Echo).unwrap();
        assert_eq!(fake.addr().ip(), "127.0.0.2".parse::<IpAddr>().unwrap());
        let mut s = TcpStream::connect_timeout(&fake.addr(), Duration::from_secs(1)).unwrap();
        s.write_all(b"hi").unwrap();
        expect_bytes(&mut s, b"hi", Instant::now() + Duration::from_secs(2)).unwrap();
        // Nobody listens on 127.0.0.1 at that port.
        assert!(connect(fake.port(), Duration::from_secs(1)).is_err());
    }

    #[test]
    fn deaf_server_blocks_a_writer_then_its_reset_is_a_broken_pipe() {
        let fake = FakeServer::start(Scenario::DeafThenReset).unwrap();
        let mut s = connect(fake.port(), Duration::from_secs(1)).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
        let message = vec![b'x'; 100_000];
        let e = s.write_all(&message).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{e}");
        let c = fake.wait_until(Duration::from_secs(2), |c| c.first().is_some_and(|c| c.closed_at.is_some()));
        assert!(c[0].held > 0 && c[0].received.is_empty(), "{:?}", c[0]);
        let written = c[0].held + c[0].peer_queued.expect("the client's socket in /proc/self/net/tcp");
        assert!(written < message.len(), "{written} bytes were in the kernels: the write was not blocked");
    }

    #[test]
    fn expect_bytes_explains() {
        let fake = FakeServer::start(Scenario::Scripted(b"no".to_vec())).unwrap();
        let mut s = connect(fake.port(), Duration::from_secs(1)).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        let f = expect_bytes(&mut s, b"yes", Instant::now() + Duration::from_secs(3)).unwrap_err();
        assert!(f.observed.contains("\"no\" (2 bytes)"), "{f:?}");
        assert!(f.observed.contains("closed"), "{f:?}");
    }
}
