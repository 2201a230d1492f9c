//! Scoped sockets and the half-close (lesson ex09, section 2.1): the notes' context-manager
//! server (`with socket.socket() as sock: ... while True: conn, addr = sock.accept()`) serving
//! clients one after another, each closed when its scope ends. Each client sends a message,
//! shuts down only its sending half, and still reads the server's answer: here the server
//! answers with the number of bytes it got (not an echo). Stops after three clients.
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;

const CLIENTS: usize = 3;

fn count_bytes(mut conn: TcpStream) -> io::Result<()> {
    let mut total = 0;
    let mut buf = [0u8; 64];
    loop {
        match conn.read(&mut buf)? {
            0 => break, // the client shut down its sending half: nothing more will come
            n => total += n,
        }
    }
    // Our sending half is still open: the client is waiting to read this.
    conn.write_all(format!("you sent {total} bytes").as_bytes())?;
    Ok(())
} // `conn` dropped: closed, like leaving Python's `with conn:` block

fn client(addr: SocketAddr, message: &[u8]) -> io::Result<String> {
    let mut sock = TcpStream::connect(addr)?;
    // Two writes on the client side; the server may see them as one read or as several.
    let (a, b) = message.split_at(message.len() / 2);
    sock.write_all(a)?;
    sock.write_all(b)?;
    sock.shutdown(Shutdown::Write)?; // "no more from me", but keep reading
    let mut reply = String::new();
    sock.read_to_string(&mut reply)?; // until the server closes
    Ok(reply)
}

fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;

    let clients = thread::spawn(move || -> io::Result<()> {
        for i in 0..CLIENTS {
            let message = "x".repeat(10 * (i + 1));
            let reply = client(addr, message.as_bytes())?;
            println!("client {i}: sent {} bytes, server says {reply:?}", message.len());
        }
        Ok(())
    });

    // One client after another, as the notes' server does; bounded to CLIENTS here.
    for stream in listener.incoming().take(CLIENTS) {
        if let Err(e) = stream.and_then(count_bytes) {
            eprintln!("server: one client failed: {e}"); // and go on with the next
        }
    }
    clients.join().expect("the client thread panicked")
}
