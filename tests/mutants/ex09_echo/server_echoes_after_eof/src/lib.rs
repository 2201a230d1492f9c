//! # ex09_echo: sockets, an echo server and its client (lecture 2.1) — MUTANT: the server reads to the end of the stream before echoing anything
//!
//! The server binds 127.0.0.1:port and serves clients one after another; each connection is
//! echoed chunk by chunk until the client shuts down its sending side, then closed. The client
//! sends its message, half-closes, and reads the reply until the server closes.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};

/// The echo server: bind 127.0.0.1:port and serve clients one after another.
pub fn serve(port: u16) -> io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let peer = stream
                    .peer_addr()
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                if let Err(e) = handle_client(stream) {
                    eprintln!("client {peer}: {e}");
                }
            }
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
    Ok(())
}

/// Echo one connection until the client shuts down its sending side, then close it.
pub fn handle_client(mut stream: TcpStream) -> io::Result<()> {
    // MUTANT: reads the whole stream first, then echoes it in one go.
    let mut everything = Vec::new();
    stream.read_to_end(&mut everything)?;
    stream.write_all(&everything)?;
    stream.shutdown(Shutdown::Write)
}

/// The client: send the message, half-close, read the reply to the end.
pub fn request(host: &str, port: u16, message: &[u8]) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect((host, port))?;
    stream.write_all(message)?;
    stream.shutdown(Shutdown::Write)?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    Ok(reply)
}
