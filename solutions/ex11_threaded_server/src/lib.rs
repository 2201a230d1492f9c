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
//! they were before the clients came, a moment after the clients leave. A thread pool is fine if
//! it is started before the first client and can serve many clients at once. Public tests:
//! `checker check ex11` (or `cargo test -p ex11_threaded_server` in `exercises/`).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

/// Task: serve one client on the calling thread: read its lines and write each one back,
/// until the client closes the connection (end of file); then return, which drops (closes)
/// the socket. An unfinished last line is written back as it is.
///
/// Returns an error if reading or writing fails (for example, the client reset the
/// connection).
pub fn handle_client(stream: TcpStream) -> std::io::Result<()> {
    // `&TcpStream` implements both Read and Write: one socket, no duplicated descriptor.
    let mut reader = BufReader::new(&stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        // Blocks this thread only: the other clients have threads of their own.
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(()); // End of file: the client closed. `stream` is dropped (closed) here.
        }
        (&stream).write_all(&line)?;
    }
}

/// Task: accept connections forever and serve each one on a thread of its own (or a pool
/// started before the first client), so that one client never waits for another. A failed
/// `accept` or a failed connection is reported on stderr and the server goes on.
///
/// Never returns in practice: `main` calls it once and the process is killed to stop it.
pub fn serve(listener: TcpListener) {
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        let peer = stream
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        // The thread is not joined: it ends by itself when its client leaves, and dropping its
        // JoinHandle detaches it, so nothing of it is left once it has returned.
        let spawned = thread::Builder::new()
            .name(format!("client {peer}"))
            .spawn(move || {
                if let Err(e) = handle_client(stream) {
                    eprintln!("client {peer}: {e}");
                }
            });
        if let Err(e) = spawned {
            // The connection moved into the closure was dropped with it: the client sees
            // the connection closed.
            eprintln!("cannot start a thread for a client: {e}");
        }
    }
}
