//! # ex09_echo: sockets, an echo server and its client (lecture 2.1)
//!
//! A TCP connection joins two sockets with a stream of bytes in each direction. A *server*
//! binds a socket to an address and a port, listens, and accepts connections one after another;
//! a *client* connects to that address and port. Then either side writes bytes and reads what
//! the other sent. Two facts of the lecture matter here:
//!
//! - A stream has no message boundaries: `read` returns whatever has arrived so far, from one
//!   byte to the size of your buffer. A message written in one piece may be read in several,
//!   and one written byte by byte may be read in one. Keep reading in a loop.
//! - `read` returns `Ok(0)` when the other side has shut down its sending half: that is the end
//!   of the stream. A side can shut down only its sending half
//!   (`stream.shutdown(Shutdown::Write)`, a *half-close*) and still read what comes back.
//!
//! You write three functions:
//! - [`serve`]: the echo server. Bind 127.0.0.1:`port`, then accept clients one after another,
//!   for as long as the program runs, and serve each with [`handle_client`].
//! - [`handle_client`]: send back every byte received, as soon as it arrives, until the client
//!   shuts down its sending side; then close the connection.
//! - [`request`]: the client. Connect, send the message exactly as given, shut down the sending
//!   side (so the server knows the message is complete), read the reply until the server
//!   closes, and return it.
//!
//! `main.rs` (provided) reads the command line and calls them.
//!
//! ## Conventions of the course's networked programs
//!
//! - Every server takes `--port N` and listens on 127.0.0.1:N only — the loopback address, so
//!   that nobody outside this machine can connect. It prints nothing required on stdout, and it
//!   runs until it is stopped (the checker stops it with SIGTERM).
//! - Every client takes `--port N` and `--host H` (default `127.0.0.1`) plus its own arguments.
//! - A crate with a server and a client has one program with two subcommands:
//!   `ex09_echo server --port N` and `ex09_echo client --port N [--host H] MESSAGE`. The client
//!   writes the reply to stdout byte for byte (no newline is added).
//!
//! Try it, in `exercises/`: `cargo run -p ex09_echo -- server --port 7000` in one terminal, then
//! `cargo run -p ex09_echo -- client --port 7000 "hello"` (or `nc 127.0.0.1 7000`) in another.
//!
//! ## How it is checked
//!
//! The checker starts your server on a free port and talks to it from outside: bytes of every value
//! must come back unchanged, a message written one byte at a time must come back whole (and while
//! the client is still connected), after a half-close the server must echo the rest and close, and
//! clients connecting one after another must all be served. For the client, the checker plays the
//! server: it records the exact bytes your client sends and answers with a reply of its own, which
//! your client must print. Public tests: `checker check ex09` (or `cargo test -p ex09_echo` in
//! `exercises/`).

use std::io;
use std::net::TcpStream;

/// Task: the echo server. Bind a `TcpListener` to 127.0.0.1:`port`, then accept connections in
/// a loop and serve each one with [`handle_client`] before accepting the next. An error with one
/// client (a reset, for example) is printed to stderr and the server goes on with the next.
/// Returns only if binding fails.
pub fn serve(_port: u16) -> io::Result<()> {
    todo!("bind 127.0.0.1:port, then accept clients one after another and echo for each")
}

/// Task: echo one connection. Read into a buffer in a loop and write back exactly the bytes
/// each read returned, as soon as it returns them; when a read returns 0 (the client shut down
/// its sending side), stop and close the connection (dropping the stream closes it).
pub fn handle_client(_stream: TcpStream) -> io::Result<()> {
    todo!("read and write back in a loop until read returns 0, then close")
}

/// Task: the client. Connect to `host`:`port`, write `message` (exactly those bytes, nothing
/// added), shut down the sending side with `shutdown(Shutdown::Write)`, then read until the
/// server closes the connection and return every byte read.
pub fn request(_host: &str, _port: u16, _message: &[u8]) -> io::Result<Vec<u8>> {
    todo!("connect, send the message, shut down the sending side, read the reply to the end")
}
