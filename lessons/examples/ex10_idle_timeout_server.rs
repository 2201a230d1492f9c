//! The notes' server with `conn.settimeout(5)` (lesson ex10, section 2.2): a read timeout on an
//! accepted connection, and what a timed-out read looks like in Rust (`Err` with kind
//! `WouldBlock` on Linux, not `Ok(0)`). Here the server prints what it reads and hangs up on a
//! client that says nothing for 300 ms; its client sends twice, then goes quiet, and sees the
//! server close the connection.
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

const IDLE: Duration = Duration::from_millis(300);

fn serve_with_timeout(mut conn: TcpStream) -> io::Result<()> {
    conn.set_read_timeout(Some(IDLE))?; // Python: conn.settimeout(0.3)
    let mut buf = [0u8; 1024];
    loop {
        match conn.read(&mut buf) {
            Ok(0) => return Ok(()), // the client closed
            Ok(n) => println!("server: got {:?}", String::from_utf8_lossy(&buf[..n])),
            // Python's `except socket.timeout:`
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                println!("server: nothing for {IDLE:?} ({:?}): closing", e.kind());
                return Ok(());
            }
            Err(e) => return Err(e),
        }
    }
}

fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;

    let client = thread::spawn(move || -> io::Result<()> {
        let mut sock = TcpStream::connect(addr)?;
        sock.write_all(b"first")?;
        thread::sleep(IDLE / 2); // under the timeout: each read restarts the server's wait
        sock.write_all(b"second")?;
        let quiet_since = Instant::now();
        let mut rest = Vec::new();
        sock.read_to_end(&mut rest)?; // returns when the server closes
        println!("client: the server hung up {:?} after I went quiet", quiet_since.elapsed());
        Ok(())
    });

    let (conn, _) = listener.accept()?;
    serve_with_timeout(conn)?;
    client.join().expect("the client thread panicked")
}
