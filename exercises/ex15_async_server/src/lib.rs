//! # ex15_async_server: an asyncio-style TCP server with graceful shutdown (lecture 3.4)
//!
//! ex11 served each client on a thread of its own and ex12 served them all from one `poll`
//! loop written by hand. asyncio's `start_server` is the second design with the bookkeeping done
//! for you: one event loop, and each connection a coroutine (`handle_client(reader, writer)`)
//! that reads as if it were blocking. tokio is the same in Rust: [`serve`] accepts connections
//! and starts a *task* per connection with `tokio::spawn`. A task is a small state machine on
//! the heap, not a thread: 10,000 connections are 10,000 tasks on the runtime's few worker
//! threads (one per core), which sleep in `epoll` until a socket is ready.
//!
//! ## The protocol: a line echo
//!
//! A client sends lines (bytes up to and including `\n`); the server sends each line back as
//! soon as it is complete, until the client closes the connection. An unfinished last line is
//! sent back when the client closes. Lines are bytes: they need not be UTF-8.
//!
//! ## Graceful shutdown
//!
//! A server is stopped with a signal: SIGTERM (`kill PID`, what service managers send) or SIGINT
//! (Ctrl-C in a terminal). Their default action ends the process on the spot; a server that
//! wants to stop cleanly installs handlers for both ([`ShutdownSignal::install`], done by the
//! provided `main.rs` before the port is bound) and, when one arrives, stops accepting (the
//! listening socket is closed, so the port is free again), tells every connection to finish,
//! gives them a short, bounded time to do so, and exits with status 0. Waiting without a bound
//! for clients that stay connected would never end.
//!
//! ## Conventions of every server in this course
//!
//! The program takes `--port N` and listens on `127.0.0.1:N` (loopback only). In `exercises/`,
//! `cargo run -p ex15_async_server -- --port 7000`, then `nc 127.0.0.1 7000` in another
//! terminal; Ctrl-C stops it. The provided `main.rs` parses the port, installs the signal
//! handlers, binds the listener and calls [`serve`]; it exits with status 0 when `serve` returns
//! `Ok(())`.
//!
//! You write [`ShutdownSignal`] (its fields too: replace the `_todo` placeholder),
//! [`handle_client`] and [`serve`], with tokio only: `tokio::net`, `tokio::io::{AsyncBufReadExt,
//! AsyncWriteExt, BufReader}`, `tokio::signal::unix`, `tokio::sync::watch`, `tokio::spawn` or
//! `tokio::task::JoinSet`, `tokio::select!` and `tokio::time::timeout`.
//!
//! How it is checked: the checker starts your program with `--port N` and talks to it from outside.
//! A second client must be answered while a first one stays connected; then as many connections as
//! the descriptor limit allows (10,000 where it can) are opened and kept open at once, each does
//! one round trip, and the server's thread count in `/proc/PID/task` must stay a handful (the
//! runtime's workers, one per core, plus a few), never a thread per connection; finally, with
//! clients connected, SIGTERM and SIGINT must each make the program exit with status 0 within 1 s,
//! with the port free to bind again. Also: with its descriptor limit lowered from outside until
//! accept fails (EMFILE), the server must go on and serve new clients once others leave;
//! [`ShutdownSignal::recv`] is called directly and must name the signal; while the connections
//! drain, new connections must be refused; with only idle clients the exit must come well before
//! [`DRAIN_TIME`]; and with clients connected and nothing to do the server must use no CPU. Public
//! tests: `checker check ex15` (or `cargo test -p ex15_async_server` in `exercises/`).

use std::future::Future;
use std::io;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// How long [`serve`] waits for the connections to finish after the shutdown signal, before it
/// returns anyway (the runtime then drops whatever is left, closing those sockets).
pub const DRAIN_TIME: Duration = Duration::from_millis(300);

/// The handlers for SIGTERM and SIGINT, installed once at start-up.
pub struct ShutdownSignal {
    // Replace this with your fields: one tokio::signal::unix::Signal per signal.
    _todo: (),
}

impl ShutdownSignal {
    /// Task: install the handlers for SIGTERM and SIGINT now (`tokio::signal::unix::signal`):
    /// from here on these signals no longer end the process but are delivered to
    /// [`ShutdownSignal::recv`]. Called inside the tokio runtime, before the port is bound.
    pub fn install() -> io::Result<ShutdownSignal> {
        todo!("one Signal stream for SignalKind::terminate(), one for SignalKind::interrupt()")
    }

    /// Task: wait for SIGTERM or SIGINT, whichever comes first, and return its name
    /// ("SIGTERM" or "SIGINT").
    pub async fn recv(&mut self) -> &'static str {
        todo!("await both signal streams at once")
    }
}

/// Task: serve one client: send each line back as soon as it is complete, until the client
/// closes the connection (send an unfinished last line back then) or `shutdown` turns true
/// (then return at once).
pub async fn handle_client(_stream: TcpStream, _shutdown: watch::Receiver<bool>) -> io::Result<()> {
    todo!("read lines and write them back; select on shutdown too")
}

/// Task: accept connections on `listener` and serve each on a task of its own
/// ([`handle_client`]), until `shutdown` completes; then stop accepting (drop the listener),
/// tell every connection to finish, wait for them at most [`DRAIN_TIME`], and return `Ok(())`.
/// A failed accept (out of descriptors, a connection reset before it was accepted) is no
/// reason to stop; pause a moment before accepting again, or the loop spins while the
/// descriptors are used up.
pub async fn serve(_listener: TcpListener, _shutdown: impl Future<Output = ()>) -> io::Result<()> {
    todo!("select between accept and shutdown; spawn a task per connection; then drain")
}
