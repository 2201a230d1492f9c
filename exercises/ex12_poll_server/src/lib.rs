//! # ex12_poll_server: one thread, non-blocking sockets and `poll` (lecture 3.1)
//!
//! A thread per client (ex11) costs a stack and a kernel thread for every connection, and
//! most of them sit idle waiting for their client. The other way to serve many clients is an
//! *event loop* on a single thread, like the lecture's `select`: put every socket in
//! non-blocking mode, ask the kernel with `poll` which of them are ready (a new connection to
//! accept, bytes to read, room to write), and do only what can be done *without waiting*. The
//! one thing the loop must never do is block: a `read` that waits for a slow client stops
//! every other client with it.
//!
//! Non-blocking sockets also mean partial reads and writes: a `read` returns whatever has
//! arrived (maybe half a line, maybe one byte), and a `write` may take only part of the bytes
//! (or fail with `WouldBlock` when the socket's send buffer is full). So each connection keeps
//! two buffers: `incoming`, the bytes received that do not make a whole line yet, and
//! `outgoing`, the bytes waiting to be sent back.
//!
//! ## The protocol: a line echo (the same as ex11)
//!
//! A client sends lines (bytes up to and including `\n`); the server sends each line back as
//! soon as it is complete. A client may send many lines, in pieces of any size, and the server
//! keeps the connection open until the client closes it (`read` returns 0 bytes, end of file).
//! If the client closes after an unfinished last line (no `\n`), that piece is sent back too,
//! then the server closes the connection. Lines are bytes: they need not be UTF-8.
//!
//! ## Conventions of every server in this course
//!
//! The program takes `--port N` and listens on `127.0.0.1:N` (loopback only). In `exercises/`,
//! `cargo run -p ex12_poll_server -- --port 7000`, then `nc 127.0.0.1 7000` in other
//! terminals. The provided `main.rs` parses the port, binds the listener and calls [`serve`].
//! Nothing needs to be printed on stdout; errors may go to stderr. The server runs until it is
//! killed: the checker sends SIGTERM, and SIGKILL to the process group after a short grace.
//!
//! You write [`take_lines`], [`Connection::on_readable`], [`Connection::on_writable`],
//! [`Connection::interest`] and [`serve`], with `std::net` sockets in non-blocking mode and
//! `nix::poll::{poll, PollFd, PollFlags, PollTimeout}`. No threads (not even a pool), no
//! async runtime.
//!
//! How it is checked: the checker starts your program with `--port N` on a free port and talks
//! to it from outside. 100 clients connected at once must all get their lines back exactly,
//! including a client that sends megabytes before it reads anything (partial writes); the
//! process must have exactly one thread in `/proc/PID/task` the whole time; and a client that
//! sends its line one byte at a time must not delay the replies to the others, nor one that
//! reads none of its echo (even after closing its sending side). Meanwhile the checker looks at
//! the system call your thread sleeps in: only `poll` is allowed (or another call made to wait
//! for events, such as `epoll_wait`), never a `read` or `write` on a socket. Public tests:
//! `checker check ex12` (or `cargo test -p ex12_poll_server` in `exercises/`).

use std::io;
use std::net::{TcpListener, TcpStream};

use nix::poll::PollFlags;

/// How many bytes [`Connection::on_readable`] reads at most in one call.
pub const READ_CHUNK: usize = 16 * 1024;

/// When a connection has this many bytes waiting in `outgoing`, the server stops reading from
/// it until its client has taken some: a client that sends without reading cannot make the
/// server buffer without limit.
pub const MAX_PENDING: usize = 16 << 20;

/// Task: removes every complete line (up to and including the last `\n`) from the front of
/// `incoming` and returns them, in order, as one byte vector; an unfinished line stays in
/// `incoming`.
///
/// `b"ab\ncd\nef"` gives `b"ab\ncd\n"` and leaves `b"ef"`; `b"ef"` gives nothing.
pub fn take_lines(_incoming: &mut Vec<u8>) -> Vec<u8> {
    todo!("cut the complete lines off the front of incoming and return them")
}

/// One client of the server, with its two buffers.
#[derive(Debug)]
pub struct Connection {
    /// The client's socket, in non-blocking mode.
    pub stream: TcpStream,
    /// Bytes received that do not make a complete line yet.
    pub incoming: Vec<u8>,
    /// Bytes to send back that the socket has not taken yet.
    pub outgoing: Vec<u8>,
    /// The client has closed its side (a read returned 0 bytes).
    pub peer_closed: bool,
}

impl Connection {
    /// Wraps an accepted stream and puts it in non-blocking mode.
    ///
    /// Provided: you do not need to change this.
    pub fn new(stream: TcpStream) -> io::Result<Connection> {
        stream.set_nonblocking(true)?;
        Ok(Connection {
            stream,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            peer_closed: false,
        })
    }

    /// Task: called when `poll` says the socket is readable. Reads once, at most
    /// [`READ_CHUNK`] bytes (`poll` reports the socket again if more is waiting), appends them
    /// to `incoming` and moves the complete lines to `outgoing`. A read of 0 bytes means the
    /// client closed: set `peer_closed` and move the unfinished rest to `outgoing` too.
    /// `WouldBlock` and `Interrupted` mean nothing to read after all: return `Ok(())`. Other
    /// errors are returned (the server then drops the connection). Never blocks.
    pub fn on_readable(&mut self) -> io::Result<()> {
        todo!("read once without blocking; move complete lines to outgoing; handle end of file")
    }

    /// Task: called when `poll` says the socket is writable. Writes as much of `outgoing` as
    /// the socket takes (a write may take only part of it) and removes what was written,
    /// stopping at `WouldBlock` or when `outgoing` is empty. Other errors are returned.
    /// Never blocks.
    pub fn on_writable(&mut self) -> io::Result<()> {
        todo!("write as much of outgoing as the socket takes, keep the rest")
    }

    /// Task: the events to ask `poll` for on this connection: `POLLIN` unless the client has
    /// closed or `outgoing` holds [`MAX_PENDING`] bytes or more, and `POLLOUT` if `outgoing`
    /// is not empty. (Asking for `POLLOUT` with nothing to write, or for `POLLIN` after end of
    /// file, makes `poll` return at once, every time: a busy loop.)
    pub fn interest(&self) -> PollFlags {
        todo!("POLLIN and/or POLLOUT, depending on the buffers")
    }

    /// Whether the connection is finished: the client has closed and everything has been
    /// sent back. The server then drops it, which closes the socket.
    ///
    /// Provided: you do not need to change this.
    pub fn is_done(&self) -> bool {
        self.peer_closed && self.outgoing.is_empty()
    }
}

/// Task: the event loop, on the calling thread only. Put the listener in non-blocking mode;
/// then, forever: build one `PollFd` for the listener (`POLLIN`: a connection to accept) and
/// one per connection (its [`Connection::interest`]); `poll` with no timeout; accept every
/// waiting connection (until `WouldBlock`); for each connection whose events came back, call
/// `on_readable` (on `POLLIN`, `POLLHUP` or `POLLERR`) and `on_writable` (on `POLLOUT`); drop
/// the connections that are done or failed.
///
/// Returns only if `poll` fails (`EINTR`, a signal arriving, is not a failure: poll again).
pub fn serve(_listener: TcpListener) -> io::Result<()> {
    todo!("the poll loop: accept, read, write, drop finished connections")
}
