//! # ex10_timeouts: timeouts and network errors (lecture 2.2)
//!
//! By default every socket operation may block forever: `connect` to a machine that does not
//! answer, `read` from a peer that never sends. A program that talks over a network sets
//! *timeouts*, and tells the failures apart, because each one means something else:
//!
//! - **refused** (`ErrorKind::ConnectionRefused`): nobody listens on that port. The other
//!   machine answered at once with a reset; waiting longer will not help.
//! - **timed out**: nothing came within the time allowed. With
//!   `TcpStream::connect_timeout` the error kind is `TimedOut`; a read with
//!   `set_read_timeout` fails with `WouldBlock` on Linux (`TimedOut` on some systems): both
//!   are timeouts.
//! - **reset** (`ConnectionReset`, or `BrokenPipe` when writing after it): the peer tore the
//!   connection down abruptly (it crashed, or closed with unread data).
//!
//! You write two things:
//! - the client, [`request`], with a connect timeout and a read timeout, whose errors go
//!   through [`classify`] into a [`NetError`];
//! - the server, [`serve`] and [`handle_client`]: an echo server that serves every client on
//!   its own thread and drops a client that stays idle (sends nothing) for longer than its
//!   idle timeout, while it keeps serving the others.
//!
//! `main.rs` (provided) reads the command line, binds the server's port, and prints the
//! client's result as exactly one line: `reply: ...` or `error: refused`, `error: timed out`,
//! `error: reset` (it exits 1 on an error).
//!
//! ## Conventions of the course's networked programs
//!
//! - Every server takes `--port N` and listens on 127.0.0.1:N only (loopback). It prints nothing
//!   required on stdout and runs until it is stopped (the checker stops it with SIGTERM).
//! - Every client takes `--port N` and `--host H` (default `127.0.0.1`) plus its own arguments.
//! - One program, two subcommands:
//!   `ex10_timeouts server --port N --idle-timeout-ms T` and
//!   `ex10_timeouts client --port N [--host H] --timeout-ms T MESSAGE`.
//!
//! Try it, in `exercises/`:
//! `cargo run -p ex10_timeouts -- server --port 7000 --idle-timeout-ms 3000`, then
//! `cargo run -p ex10_timeouts -- client --port 7000 --timeout-ms 500 hi`; a port where nothing
//! listens (`--port 1`) is refused; `nc -l 127.0.0.1 7001` (listens and never answers) times
//! out; `nc 127.0.0.1 7000` and wait: the server closes the idle connection.
//!
//! ## How it is checked
//!
//! The checker plays the server for your client: one that accepts and never answers (your
//! client must give up within its timeout ± 20%, measured from outside, and say `timed out`),
//! a port where nobody listens (`refused`, at once), one that resets the connection (`reset`),
//! one that never answers the connection attempt at all (`timed out`, within the timeout ± 20%:
//! that is connect_timeout's work), one that resets while your client is still writing a long
//! message (`reset`: the write fails with `BrokenPipe`), one that never reads (your write must
//! give up: `timed out`), one on 127.0.0.2 and one reached by the name `localhost` (`--host`),
//! and a host name that does not resolve (an `error: ...` line of its own, none of the three
//! kinds). It starts your server and checks that an idle connection is
//! closed within the idle timeout ± 20% (while an active one stays open), and that one idle
//! client does not stop the server from serving the others. Public tests:
//! `checker check ex10` (or `cargo test -p ex10_timeouts` in `exercises/`).

use std::fmt;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// Why a request failed. Its `Display` is what the client prints after `error: `.
///
/// Provided: you do not need to change this.
#[derive(Debug)]
pub enum NetError {
    /// Nobody listens on that port: the connection was refused.
    Refused,
    /// Nothing came within the timeout (connecting or waiting for the reply).
    TimedOut,
    /// The peer reset the connection.
    Reset,
    /// Anything else (a host name that does not resolve, ...).
    Other(io::Error),
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Refused => write!(f, "refused"),
            NetError::TimedOut => write!(f, "timed out"),
            NetError::Reset => write!(f, "reset"),
            NetError::Other(e) => write!(f, "{e}"),
        }
    }
}

/// Task: tell the failures apart by `error.kind()`: `ConnectionRefused` is
/// [`NetError::Refused`]; `TimedOut` and `WouldBlock` (a read timeout on Linux) are
/// [`NetError::TimedOut`]; `ConnectionReset`, `ConnectionAborted` and `BrokenPipe` are
/// [`NetError::Reset`]; anything else is [`NetError::Other`].
pub fn classify(_error: io::Error) -> NetError {
    todo!("match on error.kind()")
}

/// Task: the client. Resolve `host`:`port` (`ToSocketAddrs`), connect with
/// `TcpStream::connect_timeout(addr, timeout)`, set the read (and write) timeout to `timeout`,
/// send `message`, shut down the sending side, and read the reply until the server closes.
/// Every `io::Error` goes through [`classify`].
pub fn request(
    _host: &str,
    _port: u16,
    _message: &[u8],
    _timeout: Duration,
) -> Result<Vec<u8>, NetError> {
    todo!("connect with a timeout, send, half-close, read the reply with a read timeout")
}

/// Task: the server's accept loop. Accept connections for as long as the program runs and
/// serve each one on a thread of its own with [`handle_client`], so that one slow or idle
/// client never stops the others. Errors are printed to stderr; the loop goes on.
pub fn serve(_listener: TcpListener, _idle_timeout: Duration) {
    todo!("accept in a loop; thread::spawn a handle_client for each connection")
}

/// Task: echo one connection, as in ex09, but with `idle_timeout` as the read timeout: when a
/// read fails because nothing came for that long (`WouldBlock` or `TimedOut`), the client is
/// idle — close the connection (return; dropping the stream closes it). When a read returns 0,
/// the client has finished: close too.
pub fn handle_client(_stream: TcpStream, _idle_timeout: Duration) -> io::Result<()> {
    todo!("set_read_timeout(Some(idle_timeout)), then echo until EOF or an idle timeout")
}
