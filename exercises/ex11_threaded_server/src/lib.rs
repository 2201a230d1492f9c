//! # ex11_threaded_server: several connections with threads (lecture 2.3)
//!
//! A server that handles its clients one after another (accept, talk to the client until it
//! leaves, accept the next) is stuck as long as one client stays connected: a client that
//! connects and then says nothing blocks everybody else, because the server sits in `read` on
//! that one connection. The classic cure is a thread per client: the main thread only accepts,
//! and each accepted connection is served by a thread of its own, so a slow or silent client
//! blocks only its own thread.
//!
//! Threads are not free, though: each one has a stack and each connection a descriptor. When a
//! client leaves, the thread that served it must end and its socket must be closed; a server
//! that keeps them piles up threads and descriptors until the process hits its limits.
//!
//! ## The protocol: a line echo
//!
//! A client sends lines (bytes up to and including `\n`); the server sends each line back as
//! soon as it is complete. A client may send many lines, in pieces of any size, and the server
//! keeps the connection open until the client closes it (`read` returns 0 bytes, end of file).
//! If the client closes after an unfinished last line (no `\n`), that piece is sent back too.
//! Lines are bytes: they need not be UTF-8.
//!
//! ```text
//! client: hello\n            server: hello\n
//! client: two\nlin           server: two\n
//! client: es\n               server: lines\n
//! client closes              server closes the connection, and its thread ends
//! ```
//!
//! ## Conventions of every server in this course
//!
//! The program takes `--port N` and listens on `127.0.0.1:N` (loopback only). In `exercises/`,
//! `cargo run -p ex11_threaded_server -- --port 7000`, then `nc 127.0.0.1 7000` in another
//! terminal. The provided `main.rs` parses the port, binds the listener and calls [`serve`].
//! Nothing needs to be printed on stdout; errors may go to stderr. The server runs until it is
//! killed: the checker sends SIGTERM, and SIGKILL to the process group after a short grace.
//!
//! You write [`handle_client`] and [`serve`]. Only `std` is needed: `std::net`,
//! `std::io::{BufRead, BufReader, Write}` and `std::thread`.
//!
//! How it is checked: the checker starts your program with `--port N` on a free port and talks
//! to it from outside. A client that connects and sends nothing must not keep another client
//! from getting its reply; 50 clients connected at once must all be served; and the server's
//! thread count (`/proc/PID/task`) and open descriptors (`/proc/PID/fd`) must come back to what
//! they were before the clients came, a moment after the clients leave. A client that sends
//! lines and reads none of its echo must not keep the others from their replies, and with
//! clients connected and nothing to do the server must use no CPU. A thread pool is fine if
//! it is started before the first client and can serve many clients at once. Public tests:
//! `checker check ex11` (or `cargo test -p ex11_threaded_server` in `exercises/`).

use std::net::{TcpListener, TcpStream};

/// Task: serve one client on the calling thread: read its lines and write each one back,
/// until the client closes the connection (end of file); then return, which drops (closes)
/// the socket. An unfinished last line is written back as it is.
///
/// Returns an error if reading or writing fails (for example, the client reset the
/// connection).
pub fn handle_client(_stream: TcpStream) -> std::io::Result<()> {
    todo!("read lines until end of file and write each one back")
}

/// Task: accept connections forever and serve each one on a thread of its own (or a pool
/// started before the first client), so that one client never waits for another. A failed
/// `accept` or a failed connection is reported on stderr and the server goes on.
///
/// Never returns in practice: `main` calls it once and the process is killed to stop it.
pub fn serve(_listener: TcpListener) {
    todo!("accept in a loop; hand each connection to its own thread running handle_client")
}
