//! # ex10_timeouts: timeouts and network errors (lecture 2.2) — MUTANT: the server closes every connection idle_timeout after accepting it, active or not
//!
//! The client connects with a timeout, reads with a read timeout, and maps every I/O error to
//! a kind the user can act on. The server echoes each client on its own thread with the idle
//! timeout as the read timeout, and closes a connection when a read times out.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, ToSocketAddrs};
use std::thread;
use std::time::Duration;

/// Why a request failed. Its `Display` is what the client prints after `error: `.
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

/// Tells the failures apart by their kind.
pub fn classify(error: io::Error) -> NetError {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => NetError::Refused,
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => NetError::TimedOut,
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => NetError::Reset,
        _ => NetError::Other(error),
    }
}

/// The client: connect with a timeout, send, half-close, read the reply with a read timeout.
pub fn request(
    host: &str,
    port: u16,
    message: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>, NetError> {
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(classify)?
        .next()
        .ok_or_else(|| {
            NetError::Other(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{host} has no address"),
            ))
        })?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(classify)?;
    stream.set_read_timeout(Some(timeout)).map_err(classify)?;
    stream.set_write_timeout(Some(timeout)).map_err(classify)?;
    stream.write_all(message).map_err(classify)?;
    stream.shutdown(Shutdown::Write).map_err(classify)?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).map_err(classify)?;
    Ok(reply)
}

/// The accept loop: one thread per client.
pub fn serve(listener: TcpListener, idle_timeout: Duration) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                thread::spawn(move || {
                    if let Err(e) = handle_client(stream, idle_timeout) {
                        eprintln!("client failed: {e}");
                    }
                });
            }
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
}

/// Echo one connection; close it at the end of the stream or after `idle_timeout` of silence.
pub fn handle_client(mut stream: TcpStream, idle_timeout: Duration) -> io::Result<()> {
    stream.set_write_timeout(Some(idle_timeout))?;
    // MUTANT: the timeout counts from the accept, not from the last byte received.
    let deadline = std::time::Instant::now() + idle_timeout;
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buf) {
            Ok(0) => return stream.shutdown(Shutdown::Write),
            Ok(n) => stream.write_all(&buf[..n])?,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                // Idle for too long: dropping the stream closes the connection.
                return Ok(());
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}
