//! The notes' first socket programs (lesson ex09, section 2.1): a server that accepts one
//! connection and prints what it reads until the client closes, and a client that connects,
//! sends "ping" and closes — written twice, as the notes do (the long form with `connect`, then
//! the short form). Loopback only; port 0 lets the OS pick a free port.
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

/// Accept one client and print every chunk it sends, until `read` returns 0 (end of stream).
fn serve_one(listener: &TcpListener) -> io::Result<()> {
    let (mut conn, peer) = listener.accept()?; // blocks until a client connects
    println!("server: connection from {peer}");
    let mut buf = [0u8; 1024];
    loop {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            println!("server: the client closed its side");
            break;
        }
        // A chunk is whatever has arrived so far: not necessarily one whole message.
        println!("server: {n} bytes: {:?}", String::from_utf8_lossy(&buf[..n]));
    }
    Ok(()) // `conn` is dropped here: the connection is closed.
}

fn client(addr: SocketAddr, text: &str) -> io::Result<()> {
    let mut sock = TcpStream::connect(addr)?; // Python: socket.create_connection(addr)
    sock.write_all(text.as_bytes())?; // Python: sock.sendall(...)
    Ok(()) // dropping `sock` closes it: Python's sock.close()
}

fn main() -> io::Result<()> {
    // Python: sock = socket.socket(AF_INET, SOCK_STREAM); sock.bind(...); sock.listen(...)
    // std does all three in `bind`.
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    println!("server: listening on {addr}");

    for text in ["ping", "ping again, short form"] {
        let sender = thread::spawn(move || client(addr, text));
        serve_one(&listener)?;
        sender
            .join()
            .expect("the client thread panicked")
            .map_err(|e| io::Error::new(e.kind(), format!("client: {e}")))?;
    }
    Ok(()) // the listener is dropped: the port is free again
}
